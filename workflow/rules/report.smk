# The report's rules, generated from its registry (augsim.report.registry): one rule per
# configured table (tabulate_<table>) and figure (plot_<figure>), one for every claim. They read
# only aggregated tables, so a new figure never refits a model, and they are cheap: every one
# runs on the submitting machine.


for job in PLAN.report_jobs:
    if job.item.kind != "table":
        continue

    rule:
        name:
            f"tabulate_{job.item.name}"
        input:
            **report_input(job),
        output:
            csv=table_path(job.item.name),
            md=report(
                f"{RESULTS}/tables/{job.item.name}.md",
                caption=f"../report/{job.item.caption}",
                category="Tables",
            ),
        log:
            f"{LOGS}/tabulate_{job.item.name}.log",
        localrule: True
        conda:
            ENV
        params:
            **report_params(job),
            code=report_code("tabulate_table", [job]),
            markdown=job.item.markdown,
        script:
            "../../scripts/tabulate_table.py"


for job in PLAN.report_jobs:
    if job.item.kind != "figure":
        continue

    rule:
        name:
            f"plot_{job.item.name}"
        input:
            **report_input(job),
        output:
            pdf=report(
                figure_paths(job.item.name)[0],
                caption=f"../report/{job.item.caption}",
                category="Figures",
            ),
            png=figure_paths(job.item.name)[1],
        log:
            f"{LOGS}/plot_{job.item.name}.log",
        localrule: True
        conda:
            ENV
        params:
            **report_params(job),
            code=report_code("plot_figure", [job]),
        script:
            "../../scripts/plot_figure.py"


CLAIM_JOBS = [job for job in PLAN.report_jobs if job.item.kind == "claim"]


rule check_claims:
    input:
        **{name: path for job in CLAIM_JOBS for name, path in report_input(job).items()},
    output:
        csv=f"{RESULTS}/claims.csv",
        md=report(
            f"{RESULTS}/claims.md", caption="../report/claims.rst", category="Claims"
        ),
    log:
        f"{LOGS}/check_claims.log",
    localrule: True
    conda:
        ENV
    params:
        code=report_code("check_claims", CLAIM_JOBS),
        checks=[
            [
                job.item.function,
                None if job.selection is None else job.selection.to_params(),
                job.options,
            ]
            for job in CLAIM_JOBS
        ],
        catalogue=PLAN.catalogue_for(CLAIM_JOBS),
    script:
        "../../scripts/check_claims.py"


codedeps.keep(RECORDS)

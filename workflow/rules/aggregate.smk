localrules:
    aggregate_results,
    check_claims,


rule aggregate_results:
    input:
        metrics=all_metrics(),
        code=code("aggregate_results"),
    output:
        replicates=f"{RESULTS}/tables/replicates.csv",
        summary=f"{RESULTS}/tables/summary.csv",
        failures=f"{RESULTS}/tables/failures.csv",
    log:
        f"{LOGS}/aggregate_results.log",
    benchmark:
        f"{BENCHMARKS}/aggregate_results.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=4000,
        runtime=10,
    params:
        gamma_zero_cells=plan.gamma_zero_cells(config),
    script:
        "../../scripts/aggregate_results.py"


rule population_curves:
    input:
        code=code("population_curves"),
    output:
        f"{RESULTS}/tables/population.csv",
    log:
        f"{LOGS}/population_curves.log",
    benchmark:
        f"{BENCHMARKS}/population_curves.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=30,
    params:
        dgps=lambda wildcards: {
            key: config["dgps"][key] for key in plan.population_dgps(config)
        },
        generators=plan.population_generators(config),
        weights=config["population"]["weights"],
        weight_curve_dgps=config["population"]["dgps"],
        gamma_cells=lambda wildcards: plan.population_cells(config),
        imbalance_ratio=config["imbalance_ratio"],
        extra_prevalences=config["extra_prevalences"],
    script:
        "../../scripts/population_curves.py"


rule check_claims:
    input:
        summary=f"{RESULTS}/tables/summary.csv",
        replicates=f"{RESULTS}/tables/replicates.csv",
        population=f"{RESULTS}/tables/population.csv",
        test_errors=all_test_errors(),
        real_data=real_data_table(),
        code=code("check_claims"),
    output:
        csv=f"{RESULTS}/claims.csv",
        md=report(
            f"{RESULTS}/claims.md", caption="../report/claims.rst", category="Claims"
        ),
    log:
        f"{LOGS}/check_claims.log",
    conda:
        ENV
    params:
        claims=config["claims"],
        experiments=config["experiments"],
        catalogue=CATALOGUE,
    script:
        "../../scripts/check_claims.py"

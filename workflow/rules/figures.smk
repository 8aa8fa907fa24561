# One rule per figure. Each reads only the aggregated tables, so restyling a figure never
# refits a model. Plotting is cheap: every plot rule runs on the submitting machine.
localrules:
    plot_well_specified,
    plot_misspecified,
    plot_rate,
    plot_decomposition,
    plot_misspecification_sweep,
    plot_population,
    plot_discrepancies,
    tabulate_discrepancies,
    tabulate_flexible,
    plot_flexible_models,
    plot_flexible_rate,
    tabulate_real_data,
    plot_real_data,
    plot_sim_vs_real,
    plot_calibration,


rule plot_well_specified:
    input:
        summary=f"{RESULTS}/tables/summary.csv",
        population=f"{RESULTS}/tables/population.csv",
        code=code("plot_well_specified"),
    output:
        report(
            figure_paths("well_specified")[0],
            caption="../report/well_specified.rst",
            category="Figures",
        ),
        figure_paths("well_specified")[1],
    log:
        f"{LOGS}/plot_well_specified.log",
    conda:
        ENV
    params:
        figure_params("well_specified"),
    script:
        "../../scripts/plot_well_specified.py"


rule plot_misspecified:
    input:
        summary=f"{RESULTS}/tables/summary.csv",
        population=f"{RESULTS}/tables/population.csv",
        code=code("plot_misspecified"),
    output:
        report(
            figure_paths("misspecified")[0],
            caption="../report/misspecified.rst",
            category="Figures",
        ),
        figure_paths("misspecified")[1],
    log:
        f"{LOGS}/plot_misspecified.log",
    conda:
        ENV
    params:
        figure_params("misspecified"),
    script:
        "../../scripts/plot_misspecified.py"


rule plot_rate:
    input:
        summary=f"{RESULTS}/tables/summary.csv",
        code=code("plot_rate"),
    output:
        report(
            figure_paths("rate")[0], caption="../report/rate.rst", category="Figures"
        ),
        figure_paths("rate")[1],
    log:
        f"{LOGS}/plot_rate.log",
    conda:
        ENV
    params:
        figure_params("rate"),
    script:
        "../../scripts/plot_rate.py"


rule plot_decomposition:
    input:
        summary=f"{RESULTS}/tables/summary.csv",
        code=code("plot_decomposition"),
    output:
        report(
            figure_paths("decomposition")[0],
            caption="../report/decomposition.rst",
            category="Figures",
        ),
        figure_paths("decomposition")[1],
    log:
        f"{LOGS}/plot_decomposition.log",
    conda:
        ENV
    params:
        figure_params("decomposition"),
    script:
        "../../scripts/plot_decomposition.py"


rule plot_misspecification_sweep:
    input:
        summary=f"{RESULTS}/tables/summary.csv",
        code=code("plot_misspecification_sweep"),
    output:
        report(
            figure_paths("misspecification_sweep")[0],
            caption="../report/misspecification_sweep.rst",
            category="Figures",
        ),
        figure_paths("misspecification_sweep")[1],
    log:
        f"{LOGS}/plot_misspecification_sweep.log",
    conda:
        ENV
    params:
        figure_params("misspecification_sweep"),
    script:
        "../../scripts/plot_misspecification_sweep.py"


rule plot_population:
    input:
        population=f"{RESULTS}/tables/population.csv",
        code=code("plot_population"),
    output:
        report(
            figure_paths("population")[0],
            caption="../report/population.rst",
            category="Figures",
        ),
        figure_paths("population")[1],
    log:
        f"{LOGS}/plot_population.log",
    conda:
        ENV
    params:
        figure_params("population"),
    script:
        "../../scripts/plot_population.py"


rule tabulate_discrepancies:
    input:
        replicates=f"{RESULTS}/tables/replicates.csv",
        population=f"{RESULTS}/tables/population.csv",
        code=code("tabulate_discrepancies"),
    output:
        csv=f"{RESULTS}/tables/discrepancies.csv",
        md=report(
            f"{RESULTS}/tables/discrepancies.md",
            caption="../report/discrepancies_table.rst",
            category="Tables",
        ),
    log:
        f"{LOGS}/tabulate_discrepancies.log",
    conda:
        ENV
    params:
        spec=config["figures"].get("discrepancies", {}),
        experiments=config["experiments"],
        catalogue=CATALOGUE,
    script:
        "../../scripts/tabulate_discrepancies.py"


rule plot_discrepancies:
    input:
        discrepancies=f"{RESULTS}/tables/discrepancies.csv",
        code=code("plot_discrepancies"),
    output:
        report(
            figure_paths("discrepancies")[0],
            caption="../report/discrepancies.rst",
            category="Figures",
        ),
        figure_paths("discrepancies")[1],
    log:
        f"{LOGS}/plot_discrepancies.log",
    conda:
        ENV
    params:
        figure_params("discrepancies"),
    script:
        "../../scripts/plot_discrepancies.py"


rule tabulate_flexible:
    input:
        summary=f"{RESULTS}/tables/summary.csv",
        errors=all_test_errors(),
        code=code("tabulate_flexible"),
    output:
        csv=f"{RESULTS}/tables/flexible.csv",
        md=report(
            f"{RESULTS}/tables/flexible.md",
            caption="../report/flexible_table.rst",
            category="Tables",
        ),
    log:
        f"{LOGS}/tabulate_flexible.log",
    conda:
        ENV
    params:
        spec=config["figures"].get("flexible_models", {}),
        experiments=config["experiments"],
        catalogue=CATALOGUE,
    script:
        "../../scripts/tabulate_flexible.py"


rule plot_flexible_models:
    input:
        flexible=f"{RESULTS}/tables/flexible.csv",
        code=code("plot_flexible_models"),
    output:
        report(
            figure_paths("flexible_models")[0],
            caption="../report/flexible_models.rst",
            category="Figures",
        ),
        figure_paths("flexible_models")[1],
    log:
        f"{LOGS}/plot_flexible_models.log",
    conda:
        ENV
    params:
        figure_params("flexible_models"),
    script:
        "../../scripts/plot_flexible_models.py"


rule plot_flexible_rate:
    input:
        summary=f"{RESULTS}/tables/summary.csv",
        code=code("plot_flexible_rate"),
    output:
        report(
            figure_paths("flexible_rate")[0],
            caption="../report/flexible_rate.rst",
            category="Figures",
        ),
        figure_paths("flexible_rate")[1],
    log:
        f"{LOGS}/plot_flexible_rate.log",
    conda:
        ENV
    params:
        figure_params("flexible_rate"),
    script:
        "../../scripts/plot_flexible_rate.py"


rule tabulate_real_data:
    input:
        replicates=f"{RESULTS}/tables/replicates.csv",
        code=code("tabulate_real_data"),
    output:
        csv=f"{RESULTS}/tables/real_data.csv",
        md=report(
            f"{RESULTS}/tables/real_data.md",
            caption="../report/real_data_table.rst",
            category="Tables",
        ),
    log:
        f"{LOGS}/tabulate_real_data.log",
    conda:
        ENV
    params:
        spec=config["figures"].get("real_data", {}),
        experiments=config["experiments"],
        catalogue=CATALOGUE,
    script:
        "../../scripts/tabulate_real_data.py"


rule plot_real_data:
    input:
        real_data=f"{RESULTS}/tables/real_data.csv",
        code=code("plot_real_data"),
    output:
        report(
            figure_paths("real_data")[0],
            caption="../report/real_data.rst",
            category="Figures",
        ),
        figure_paths("real_data")[1],
    log:
        f"{LOGS}/plot_real_data.log",
    conda:
        ENV
    params:
        figure_params("real_data"),
    script:
        "../../scripts/plot_real_data.py"


rule plot_sim_vs_real:
    input:
        summary=f"{RESULTS}/tables/summary.csv",
        real_data=f"{RESULTS}/tables/real_data.csv",
        code=code("plot_sim_vs_real"),
    output:
        report(
            figure_paths("sim_vs_real")[0],
            caption="../report/sim_vs_real.rst",
            category="Figures",
        ),
        figure_paths("sim_vs_real")[1],
    log:
        f"{LOGS}/plot_sim_vs_real.log",
    conda:
        ENV
    params:
        figure_params("sim_vs_real"),
    script:
        "../../scripts/plot_sim_vs_real.py"


rule plot_calibration:
    input:
        summary=f"{RESULTS}/tables/summary.csv",
        real_data=f"{RESULTS}/tables/real_data.csv",
        code=code("plot_calibration"),
    output:
        report(
            figure_paths("calibration")[0],
            caption="../report/calibration.rst",
            category="Figures",
        ),
        figure_paths("calibration")[1],
    log:
        f"{LOGS}/plot_calibration.log",
    conda:
        ENV
    params:
        figure_params("calibration"),
    script:
        "../../scripts/plot_calibration.py"

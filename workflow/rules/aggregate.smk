localrules:
    aggregate_results,


rule aggregate_results:
    input:
        metrics=ALL_METRICS,
    output:
        replicates=table_path("replicates"),
        summary=table_path("summary"),
        failures=table_path("failures"),
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
        code=code("aggregate_results"),
        gamma_zero_cells=PLAN.gamma_zero_cells,
        metric_groups=METRIC_GROUPS,
    script:
        "../../scripts/aggregate_results.py"


rule compute_population_curves:
    output:
        table_path("population"),
    log:
        f"{LOGS}/compute_population_curves.log",
    benchmark:
        f"{BENCHMARKS}/compute_population_curves.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=30,
    params:
        code=code("compute_population_curves", limit_modules),
        dgps={key: config["dgps"][key] for key in PLAN.population_dgps},
        generators=PLAN.population_generators,
        weights=config["population"]["weights"],
        weight_curve_dgps=config["population"]["dgps"],
        limit_prevalences=PLAN.limit_prevalences,
        gamma_cells=PLAN.population_cells,
    script:
        "../../scripts/compute_population_curves.py"

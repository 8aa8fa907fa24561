# The synthetic distributional error (augsim.metrics.distance) of the generators a table,
# figure or claim reads it for: one job per (source, n, generator) over all its replicates.


rule measure_distance:
    input:
        synthetic=distance_synthetic_input,
        train=distance_train_input,
        test=distance_test_input,
    output:
        distance_path("{source}", "{n}", "{generator}"),
    log:
        f"{LOGS}/measure_distance/{{source}}_n{{n}}_{{generator}}.log",
    benchmark:
        f"{BENCHMARKS}/measure_distance/{{source}}_n{{n}}_{{generator}}.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        code=code("measure_distance", generator_modules),
        dgp=source_spec,
        generator=lambda wildcards: config["generators"][wildcards.generator],
        class_counts=lambda wildcards: PLAN.class_counts(
            wildcards.source, int(wildcards.n)
        ),
    script:
        "../../scripts/measure_distance.py"


localrules:
    aggregate_distances,


rule aggregate_distances:
    input:
        [distance_path(*triple) for triple in PLAN.distance_cells],
    output:
        table_path("distances"),
    log:
        f"{LOGS}/aggregate_distances.log",
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        code=code("aggregate_distances"),
    script:
        "../../scripts/aggregate_distances.py"

rule simulate_data:
    output:
        train_path("{source}", "{n}", "{chunk}"),
    log:
        f"{LOGS}/simulate_data/{{source}}_n{{n}}_{{chunk}}.log",
    benchmark:
        f"{BENCHMARKS}/simulate_data/{{source}}_n{{n}}_{{chunk}}.tsv"
    wildcard_constraints:
        source=alternatives(config["dgps"]),
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    params:
        code=code("simulate_data"),
        dgp=lambda wildcards: config["dgps"][wildcards.source],
        class_counts=lambda wildcards: PLAN.class_counts(wildcards.source, wildcards.n),
        seed=config["seed"],
        replicate_ids=replicate_ids,
    script:
        "../../scripts/simulate_data.py"


rule simulate_test_set:
    output:
        f"{RESULTS}/data/{{source}}/test.npz",
    log:
        f"{LOGS}/simulate_test_set/{{source}}.log",
    benchmark:
        f"{BENCHMARKS}/simulate_test_set/{{source}}.tsv"
    wildcard_constraints:
        source=alternatives(config["dgps"]),
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    params:
        code=code("simulate_test_set"),
        dgp=lambda wildcards: config["dgps"][wildcards.source],
        rows_per_class=config["test_rows_per_class"],
        seed=config["seed"],
    script:
        "../../scripts/simulate_test_set.py"


rule compute_bayes:
    output:
        f"{RESULTS}/bayes/{{source}}.csv",
    log:
        f"{LOGS}/compute_bayes/{{source}}.log",
    benchmark:
        f"{BENCHMARKS}/compute_bayes/{{source}}.tsv"
    wildcard_constraints:
        source=alternatives(config["dgps"]),
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        code=code("compute_bayes"),
        dgp=lambda wildcards: config["dgps"][wildcards.source],
        prevalences=lambda wildcards: PLAN.bayes_prevalences[wildcards.source],
    script:
        "../../scripts/compute_bayes.py"


# The training and test parts of the chunk's splits of a real data set.
rule split_data:
    input:
        data=dataset_file,
    output:
        train=train_path("{source}", "{n}", "{chunk}"),
        test=test_part_path("{source}", "{n}", "{chunk}"),
    log:
        f"{LOGS}/split_data/{{source}}_n{{n}}_{{chunk}}.log",
    benchmark:
        f"{BENCHMARKS}/split_data/{{source}}_n{{n}}_{{chunk}}.tsv"
    wildcard_constraints:
        source=alternatives(PLAN.datasets),
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        code=code("split_data"),
        dataset=lambda wildcards: PLAN.datasets[wildcards.source],
        test_fraction=config.get("datasets", {}).get("test_fraction"),
        seed=config["seed"],
        replicate_ids=replicate_ids,
    script:
        "../../scripts/split_data.py"

rule simulate_data:
    input:
        code=code("simulate_data"),
    output:
        train_path("{dgp}", "{n}", "{chunk}"),
    log:
        f"{LOGS}/simulate_data/{{dgp}}_n{{n}}_{{chunk}}.log",
    benchmark:
        f"{BENCHMARKS}/simulate_data/{{dgp}}_n{{n}}_{{chunk}}.tsv"
    wildcard_constraints:
        dgp=alternatives(config["dgps"]),
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    params:
        dgp=lambda wildcards: config["dgps"][wildcards.dgp],
        imbalance_ratio=config["imbalance_ratio"],
        seed=config["seed"],
        replicate_ids=lambda wildcards: replicate_ids(wildcards.chunk),
    script:
        "../../scripts/simulate_data.py"


rule simulate_test_set:
    input:
        code=code("simulate_test_set"),
    output:
        f"{RESULTS}/data/{{dgp}}/test.npz",
    log:
        f"{LOGS}/simulate_test_set/{{dgp}}.log",
    benchmark:
        f"{BENCHMARKS}/simulate_test_set/{{dgp}}.tsv"
    wildcard_constraints:
        dgp=alternatives(config["dgps"]),
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    params:
        dgp=lambda wildcards: config["dgps"][wildcards.dgp],
        rows_per_class=config["test_rows_per_class"],
        seed=config["seed"],
    script:
        "../../scripts/simulate_test_set.py"


rule compute_bayes:
    input:
        code=code("compute_bayes"),
    output:
        f"{RESULTS}/bayes/{{dgp}}.csv",
    log:
        f"{LOGS}/compute_bayes/{{dgp}}.log",
    benchmark:
        f"{BENCHMARKS}/compute_bayes/{{dgp}}.tsv"
    wildcard_constraints:
        dgp=alternatives(config["dgps"]),
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        dgp=lambda wildcards: config["dgps"][wildcards.dgp],
        prevalences=lambda wildcards: plan.bayes_prevalences(config, wildcards.dgp),
    script:
        "../../scripts/compute_bayes.py"


# The training and test parts of the chunk's splits of a real data set.
rule split_data:
    input:
        code=code("split_data"),
    output:
        train=train_path("{dgp}", "{n}", "{chunk}"),
        test=test_part_path("{dgp}", "{n}", "{chunk}"),
    log:
        f"{LOGS}/split_data/{{dgp}}_n{{n}}_{{chunk}}.log",
    benchmark:
        f"{BENCHMARKS}/split_data/{{dgp}}_n{{n}}_{{chunk}}.tsv"
    wildcard_constraints:
        dgp=alternatives(plan.dataset_specs(config)),
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        dataset=lambda wildcards: plan.dataset_specs(config)[wildcards.dgp]["name"],
        test_fraction=config.get("datasets", {}).get("test_fraction"),
        seed=config["seed"],
        replicate_ids=lambda wildcards: replicate_ids(wildcards.chunk),
    script:
        "../../scripts/split_data.py"

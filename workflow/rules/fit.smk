rule fit_models:
    input:
        train=train_path("{dgp}", "{n}", "{chunk}"),
        synthetic=synthetic_input,
        test=scored_test_input,
        code=code("fit_models"),
    output:
        fit_path("{dgp}", "{n}", "{model}", "{method}", "{chunk}"),
    log:
        f"{LOGS}/fit_models/{{dgp}}_n{{n}}_{{model}}_{{method}}_{{chunk}}.log",
    benchmark:
        f"{BENCHMARKS}/fit_models/{{dgp}}_n{{n}}_{{model}}_{{method}}_{{chunk}}.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=20,
    params:
        model=lambda wildcards: config["models"][wildcards.model],
        role=lambda wildcards: plan.method_role(config, wildcards.method),
        gammas=cell_gammas,
        replicate_ids=cell_replicate_ids,
        seed=config["seed"],
    script:
        "../../scripts/fit_models.py"

rule fit_models:
    input:
        train=train_path("{source}", "{n}", "{chunk}"),
        synthetic=synthetic_input,
        test=scored_test_input,
    output:
        fit_path("{source}", "{n}", "{model}", "{method}", "{chunk}"),
    log:
        f"{LOGS}/fit_models/{{source}}_n{{n}}_{{model}}_{{method}}_{{chunk}}.log",
    benchmark:
        f"{BENCHMARKS}/fit_models/{{source}}_n{{n}}_{{model}}_{{method}}_{{chunk}}.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=20,
    params:
        code=code("fit_models", model_modules),
        model=lambda wildcards: config["models"][wildcards.model],
        role=lambda wildcards: PLAN.roles[wildcards.method],
        gammas=lambda wildcards: list(cell(wildcards).gammas),
        replicate_ids=cell_replicate_ids,
        seed=config["seed"],
    script:
        "../../scripts/fit_models.py"

rule fit_models:
    input:
        train=train_path("{dgp}", "{n}", "{chunk}"),
        synthetic=synthetic_input,
    output:
        fit_path("{dgp}", "{n}", "{model}", "{method}", "{chunk}"),
    params:
        model=lambda wildcards: config["models"][wildcards.model],
        gammas=cell_gammas,
    log:
        f"{LOGS}/fit_models/{{dgp}}_n{{n}}_{{model}}_{{method}}_{{chunk}}.log",
    benchmark:
        f"{BENCHMARKS}/fit_models/{{dgp}}_n{{n}}_{{model}}_{{method}}_{{chunk}}.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=20,
    conda:
        ENV
    script:
        "../../scripts/fit_models.py"

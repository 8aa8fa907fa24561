rule evaluate_models:
    input:
        fits=fit_path("{dgp}", "{n}", "{model}", "{method}", "{chunk}"),
        test=test_input,
        bayes=bayes_input,
        code=code("evaluate_models"),
    output:
        metrics_path("{dgp}", "{n}", "{model}", "{method}", "{chunk}"),
    log:
        f"{LOGS}/evaluate_models/{{dgp}}_n{{n}}_{{model}}_{{method}}_{{chunk}}.log",
    benchmark:
        f"{BENCHMARKS}/evaluate_models/{{dgp}}_n{{n}}_{{model}}_{{method}}_{{chunk}}.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=20,
    params:
        population=population_spec,
        model=lambda wildcards: config["models"][wildcards.model],
        prevalences=lambda wildcards: plan.evaluation_prevalences(
            config, int(wildcards.n)
        ),
    script:
        "../../scripts/evaluate_models.py"

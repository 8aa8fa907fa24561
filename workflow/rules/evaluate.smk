rule evaluate_models:
    input:
        fits=fit_path("{source}", "{n}", "{model}", "{method}", "{chunk}"),
        test=test_input,
        bayes=bayes_input,
    output:
        metrics_path("{source}", "{n}", "{model}", "{method}", "{chunk}"),
    log:
        f"{LOGS}/evaluate_models/{{source}}_n{{n}}_{{model}}_{{method}}_{{chunk}}.log",
    benchmark:
        f"{BENCHMARKS}/evaluate_models/{{source}}_n{{n}}_{{model}}_{{method}}_{{chunk}}.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=20,
    params:
        code=code("evaluate_models", model_modules),
        population=population_spec,
        sources=lambda wildcards: PLAN.metric_sources(
            wildcards.source, wildcards.n, wildcards.model, wildcards.method
        ),
        model=lambda wildcards: config["models"][wildcards.model],
        prevalences=lambda wildcards: PLAN.evaluation_prevalences(
            wildcards.source, int(wildcards.n)
        ),
        class_counts=lambda wildcards: PLAN.class_counts(
            wildcards.source, int(wildcards.n)
        ),
    script:
        "../../scripts/evaluate_models.py"


# The test set's own Monte Carlo error of the paired differences of models scored on it.
rule estimate_test_error:
    input:
        fits=test_error_fits,
        test=test_input,
    output:
        test_error_path("{source}", "{n}", "{model}"),
    log:
        f"{LOGS}/estimate_test_error/{{source}}_n{{n}}_{{model}}.log",
    benchmark:
        f"{BENCHMARKS}/estimate_test_error/{{source}}_n{{n}}_{{model}}.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=2000,
        runtime=20,
    params:
        code=code("estimate_test_error", model_modules),
        methods=test_error_methods,
        model=lambda wildcards: config["models"][wildcards.model],
        replicates=lambda wildcards: PLAN.test_error_replicates(
            wildcards.source, int(wildcards.n), wildcards.model
        ),
        prevalence=lambda wildcards: PLAN.study_prevalence(
            wildcards.source, int(wildcards.n)
        ),
    script:
        "../../scripts/estimate_test_error.py"

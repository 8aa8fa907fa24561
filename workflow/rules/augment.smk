rule augment_data:
    input:
        train=train_path("{source}", "{n}", "{chunk}"),
    output:
        synthetic_path("{source}", "{n}", "{generator}", "{chunk}"),
    log:
        f"{LOGS}/augment_data/{{source}}_n{{n}}_{{generator}}_{{chunk}}.log",
    benchmark:
        f"{BENCHMARKS}/augment_data/{{source}}_n{{n}}_{{generator}}_{{chunk}}.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        code=code("augment_data", generator_modules),
        dgp=source_spec,
        generator=lambda wildcards: config["generators"][wildcards.generator],
        m_max=lambda wildcards: PLAN.augmentations[
            (wildcards.source, int(wildcards.n), wildcards.generator)
        ],
        replicate_ids=augment_replicate_ids,
        seed=config["seed"],
    script:
        "../../scripts/augment_data.py"

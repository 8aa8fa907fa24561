rule augment_data:
    input:
        train=train_path("{dgp}", "{n}", "{chunk}"),
        code=code("augment_data"),
    output:
        synthetic_path("{dgp}", "{n}", "{generator}", "{chunk}"),
    log:
        f"{LOGS}/augment_data/{{dgp}}_n{{n}}_{{generator}}_{{chunk}}.log",
    benchmark:
        f"{BENCHMARKS}/augment_data/{{dgp}}_n{{n}}_{{generator}}_{{chunk}}.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        dgp=source_spec,
        generator=lambda wildcards: config["generators"][wildcards.generator],
        m_max=lambda wildcards: plan.augmentations(config)[
            (wildcards.dgp, int(wildcards.n), wildcards.generator)
        ],
        seed=config["seed"],
    script:
        "../../scripts/augment_data.py"

"""Rule augment_data: synthetic minority rows per replicate, drawn once at the largest gamma."""

from augsim.generators.registry import build_generator
from augsim.steps import augment
from augsim.workflow import io
from augsim.workflow.runtime import rule_script


@rule_script
def main(smk, log) -> None:
    # a data set has no DGP: its generators use only the training rows (and its jobs skip the
    # DGPs' import of SciPy's linear algebra, about 0.2 s)
    dgp = None
    if smk.params.dgp:
        from augsim.sources.dgps import build_dgp

        dgp = build_dgp(smk.params.dgp)
    train = io.read_arrays(smk.input.train)
    arrays = augment.augment_training(
        train,
        lambda: build_generator(smk.params.generator, dgp),
        m_max=smk.params.m_max,
        replicate_ids=smk.params.replicate_ids,
        seed=smk.params.seed,
        scenario=f"{smk.wildcards.source}/n{smk.wildcards.n}",
        generator_key=smk.wildcards.generator,
    )
    io.write_arrays(smk.output[0], **arrays)
    failed = int((arrays["error"] != "").sum())
    log.info(
        "%s: drew %s synthetic rows, %d failed", smk.params.generator, arrays["X"].shape, failed
    )


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

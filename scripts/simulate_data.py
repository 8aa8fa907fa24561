"""Rule simulate_data: the training replicates of one chunk of a scenario."""

from augsim.sources import simulate
from augsim.sources.dgps import build_dgp
from augsim.workflow import io
from augsim.workflow.runtime import rule_script


@rule_script
def main(smk, log) -> None:
    dgp = build_dgp(smk.params.dgp)
    n = int(smk.wildcards.n)
    n0, n1 = smk.params.class_counts
    replicate_ids = smk.params.replicate_ids
    log.info("%r: n0=%d n1=%d replicates %s", dgp, n0, n1, replicate_ids)
    arrays = simulate.simulate_training(
        dgp,
        n0=n0,
        n1=n1,
        replicate_ids=replicate_ids,
        seed=smk.params.seed,
        scenario=f"{smk.wildcards.source}/n{n}",
    )
    io.write_arrays(smk.output[0], **arrays)
    log.info("wrote X %s to %s", arrays["X"].shape, smk.output[0])


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

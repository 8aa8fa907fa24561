"""Rule simulate_test_set: the one large balanced test set of a DGP."""

from augsim.sources import simulate
from augsim.sources.dgps import build_dgp
from augsim.workflow import io
from augsim.workflow.runtime import rule_script


@rule_script
def main(smk, log) -> None:
    dgp = build_dgp(smk.params.dgp)
    arrays = simulate.simulate_test(
        dgp,
        rows_per_class=smk.params.rows_per_class,
        seed=smk.params.seed,
        dgp_key=smk.wildcards.source,
    )
    io.write_arrays(smk.output[0], **arrays)
    log.info("%r: wrote test set X %s", dgp, arrays["X"].shape)


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

"""Rule evaluate_models: replicate-level metric rows for one chunk of fits."""

import logging

from augsim import io, study
from augsim.runtime import rule_script

log = logging.getLogger("evaluate_models")


@rule_script
def main(smk) -> None:
    metric_rows = study.evaluate_fits(
        io.read_arrays(smk.input.fits),
        io.read_arrays(smk.input.test),
        dgp=study.build_dgp(smk.params.dgp),
        model=study.build_model(smk.params.model),
        prevalences=smk.params.prevalences,
        bayes=study.bayes_lookup(io.read_rows(smk.input.bayes)),
    )
    cell = {"dgp": smk.wildcards.dgp, "n": int(smk.wildcards.n)}
    cell |= {"model": smk.wildcards.model, "method": smk.wildcards.method}
    io.write_rows([cell | row for row in metric_rows], smk.output[0])
    log.info("wrote %d metric rows", len(metric_rows))


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

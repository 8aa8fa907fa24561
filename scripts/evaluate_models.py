"""Rule evaluate_models: replicate-level metric rows for one chunk of fits."""

import logging

import pandas as pd

from augsim import io, study
from augsim.logs import setup_logging

log = logging.getLogger("evaluate_models")


def main(smk) -> None:
    setup_logging(smk.log[0])
    rows = study.evaluate_fits(
        io.read_arrays(smk.input.fits),
        io.read_arrays(smk.input.test),
        dgp=study.build_dgp(smk.params.dgp),
        model=study.build_model(smk.params.model),
        prevalences=smk.params.prevalences,
        bayes=study.bayes_lookup(io.read_table(smk.input.bayes).to_dict("records")),
    )
    table = pd.DataFrame(rows)
    keys = {"dgp": smk.wildcards.dgp, "n": int(smk.wildcards.n)}
    keys |= {"model": smk.wildcards.model, "method": smk.wildcards.method}
    for position, (column, value) in enumerate(keys.items()):
        table.insert(position, column, value)
    io.write_table(table, smk.output[0])
    log.info("wrote %d metric rows", len(table))


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

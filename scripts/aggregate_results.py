"""Rule aggregate_results: the replicate table, its summary and the list of failures."""

import logging

import pandas as pd

from augsim import io, tables
from augsim.runtime import rule_script

log = logging.getLogger("aggregate_results")


@rule_script
def main(smk) -> None:
    replicates = pd.concat([io.read_table(path) for path in smk.input.metrics], ignore_index=True)
    replicates = tables.with_gamma_zero(replicates, smk.params.gamma_zero_cells)
    replicates = replicates[tables.REPLICATE_COLUMNS].sort_values(tables.REPLICATE_COLUMNS[:9])
    summary = tables.summarise(replicates)
    failed = tables.failures(replicates)
    io.write_table(replicates, smk.output.replicates)
    io.write_table(summary, smk.output.summary)
    io.write_table(failed, smk.output.failures)
    log.info(
        "%d replicate rows, %d summary rows, %d failures",
        len(replicates),
        len(summary),
        len(failed),
    )
    tables.check_cells_have_results(summary)


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

"""Rule aggregate_results: the replicate table, its summary and the list of failures."""

import pandas as pd

from augsim.steps import aggregate
from augsim.workflow import io
from augsim.workflow.runtime import rule_script


@rule_script
def main(smk, log) -> None:
    replicates = pd.concat([io.read_table(path) for path in smk.input.metrics], ignore_index=True)
    replicates = aggregate.with_gamma_zero(replicates, smk.params.gamma_zero_cells)
    replicates = replicates[aggregate.REPLICATE_COLUMNS].sort_values(
        aggregate.REPLICATE_COLUMNS[:9]
    )
    summary = aggregate.summarise(replicates)
    failed = aggregate.failures(replicates)
    io.write_table(replicates, smk.output.replicates)
    io.write_table(summary, smk.output.summary)
    io.write_table(failed, smk.output.failures)
    log.info(
        "%d replicate rows, %d summary rows, %d failures",
        len(replicates),
        len(summary),
        len(failed),
    )
    aggregate.check_cells_have_results(summary)


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

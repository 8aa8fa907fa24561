"""Rule aggregate_results: the replicate table, its summary and the list of failures.

One (dgp, n, model) group of metric chunks at a time: its replicate rows are written as one
row group of the Parquet table and summarised, so no more than one group is held at once.
"""

import pandas as pd

from augsim.steps import aggregate
from augsim.workflow import io
from augsim.workflow.runtime import rule_script


@rule_script
def main(smk, log) -> None:
    summaries, failures = [], []

    def groups():
        for paths in smk.params.metric_groups.values():
            chunks = [io.read_table(path) for path in paths]
            replicates = aggregate.replicate_table(chunks, smk.params.gamma_zero_cells)
            summaries.append(aggregate.summarise(replicates))
            failures.append(aggregate.failures(replicates))
            yield replicates

    rows = io.write_parquet(groups(), smk.output.replicates)
    summary = pd.concat(summaries, ignore_index=True)
    failed = pd.concat(failures, ignore_index=True)
    io.write_table(summary, smk.output.summary)
    io.write_table(failed, smk.output.failures)
    log.info("%d replicate rows, %d summary rows, %d failures", rows, len(summary), len(failed))
    aggregate.check_cells_have_results(summary)


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

"""Rule aggregate_results: the replicate table, its summary and the list of failures.

One method of one (dgp, n, model) group at a time (:func:`augsim.steps.aggregate.method_parts`):
its replicate rows are written as one row group of the Parquet table and summarised, so little
more than one method's rows is held at once.
"""

import functools

import pandas as pd
import pyarrow as pa

from augsim.steps import aggregate
from augsim.workflow import io
from augsim.workflow.runtime import rule_script


def read_chunks(paths: list[str]) -> pd.DataFrame | None:
    """A method's metric rows (None for a method only at gamma 0: it has no chunks)."""
    if not paths:
        return None
    return pd.concat([io.read_table(path) for path in paths], ignore_index=True)


@rule_script
def main(smk, log) -> None:
    # pyarrow's default allocator keeps freed memory for reuse; the system's returns it, so the
    # job's peak stays near one method's rows
    pa.set_memory_pool(pa.system_memory_pool())
    summaries, failures = [], []
    # the groups give the layout; the paths are the job's own inputs (the same list, in order)
    inputs = iter(smk.input.metrics)

    def parts():
        for by_method in smk.params.metric_groups.values():
            readers = {
                method: functools.partial(read_chunks, [next(inputs) for _ in paths])
                for method, paths in by_method.items()
            }
            for replicates, summary in aggregate.method_parts(readers, smk.params.gamma_zero_cells):
                summaries.append(summary)
                failures.append(aggregate.failures(replicates))
                yield replicates

    n_rows = io.write_parquet(parts(), smk.output.replicates)
    if next(inputs, None) is not None:
        raise RuntimeError("the metric groups hold fewer files than the rule's metric inputs")
    summary = pd.concat(summaries, ignore_index=True)
    failed = pd.concat(failures, ignore_index=True)
    io.write_table(summary, smk.output.summary)
    io.write_table(failed, smk.output.failures)
    log.info("%d replicate rows, %d summary rows, %d failures", n_rows, len(summary), len(failed))
    aggregate.check_cells_have_results(summary)


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

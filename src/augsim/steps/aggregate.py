"""Replicate-level tables and their summaries.

The replicate table has one row per (dgp, n, model, method, gamma, replicate, evaluation,
source, metric). A summary row describes one cell of that table over replicates: the mean
value, the mean paired difference from ``raw`` on the same replicate (the same training data),
the mean regret against the Bayes score, each with a standard error and a 95% t interval,
and how many replicates failed. Every statistic pairs a method's rows with raw's of the same
(dgp, n, model), so the table is built, summarised and written one method of one such group at
a time, in its sort order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping

import numpy as np
import pandas as pd

from augsim.metrics.registry import RANKING
from augsim.statistics import grouped_intervals, with_paired_difference
from augsim.study.methods import RAW

log = logging.getLogger(__name__)

CELL = ["dgp", "n", "model", "method", "gamma", "evaluation", "source", "metric"]
REPLICATE_COLUMNS = [
    *CELL[:5],
    "replicate",
    *CELL[5:],
    "prevalence",
    "value",
    "bayes",
    "regret",
    "error",
]


def method_parts(
    readers: Mapping[str, Callable[[], pd.DataFrame | None]], gamma_zero_cells: list[dict]
) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """The replicate rows and the summary of one (dgp, n, model) group, one method at a time in
    the tables' order, so that no more than one method's rows and raw's are held at once.

    ``readers`` maps each method of the group to a function that reads its metric rows (None for
    a method only at gamma 0, which has no fits of its own); each method's rows at gamma 0 are
    raw's (:func:`with_gamma_zero`), and its paired differences are taken from raw's rows of
    the same replicates.
    """
    raw = readers[RAW]() if RAW in readers else None
    for method in sorted(readers):
        rows = raw if method == RAW else readers[method]()
        if raw is not None and method != RAW:
            cells = [cell for cell in gamma_zero_cells if cell["method"] == method]
            rows = with_gamma_zero(pd.concat([rows, raw], ignore_index=True), cells)
        # in the table's order, so that every mean sums its replicates in the same order
        rows = rows[REPLICATE_COLUMNS].sort_values(REPLICATE_COLUMNS[:9], ignore_index=True)
        summary = summarise(rows)
        own = rows[rows["method"] == method].reset_index(drop=True)
        yield own, summary[summary["method"] == method].reset_index(drop=True)


def with_gamma_zero(replicates: pd.DataFrame, cells: list[dict]) -> pd.DataFrame:
    """``replicates`` plus, for each cell ``{dgp, n, model, method, replicates, sources}``, the
    raw fit's rows of the cell's replicates (the first ones) on the cell's metric sources as
    that method's rows at gamma 0: there a method adds nothing, so its fit is the raw fit."""
    if not cells:
        return replicates
    raw = replicates[replicates["method"] == RAW].drop(columns="method")
    wanted = pd.DataFrame(cells).explode("sources")
    wanted = wanted.rename(columns={"replicates": "cell_replicates", "sources": "source"})
    copies = raw.merge(wanted, on=["dgp", "n", "model", "source"], validate="many_to_many")
    copies = copies[copies["replicate"] < copies["cell_replicates"]]
    return pd.concat([replicates, copies[replicates.columns]], ignore_index=True)


def summarise(replicates: pd.DataFrame) -> pd.DataFrame:
    """One summary row per cell: means, standard errors and 95% intervals over replicates."""
    table = with_paired_difference(replicates)
    table["failed"] = _failed(table)
    grouped = table.groupby(CELL, sort=True, dropna=False)
    summary = grouped.agg(
        prevalence=("prevalence", "first"),
        bayes=("bayes", "first"),
        n_failed=("failed", "sum"),
    )
    for column, prefix in (("value", ""), ("difference", "diff_"), ("regret", "regret_")):
        summary = summary.join(grouped_intervals(grouped[column], prefix))
    summary["n_ok"] = grouped["value"].count()
    return summary.reset_index()


def _failed(table: pd.DataFrame) -> pd.Series:
    """Rows whose fit failed: a non-empty ``error``."""
    return table["error"].fillna("").astype(str) != ""


def failures(replicates: pd.DataFrame) -> pd.DataFrame:
    """One row per failed fit: the cell, the replicate and the error text."""
    failed = replicates[_failed(replicates)]
    keys = [*CELL[:5], "replicate", "error"]
    return failed[keys].drop_duplicates().reset_index(drop=True)


def check_cells_have_results(summary: pd.DataFrame) -> None:
    """Stop when a cell has no successful replicate or a non-finite mean; log partial failures.

    No NaN or infinite value reaches the summary unannounced: a cell with failed replicates is
    logged (and counted in ``n_failed``); a non-finite mean over successful replicates is a bug.
    """
    # the ranking metrics exist for every good fit; a calibration intercept and slope do not
    # where a test part's scores separate its classes, and regret only with a Bayes reference
    ranking = summary[summary["metric"].isin(RANKING)]
    empty = ranking[ranking["n_ok"] == 0]
    if len(empty):
        cells = empty[CELL[:5]].drop_duplicates().to_string(index=False)
        raise RuntimeError(f"every replicate failed in these cells:\n{cells}")
    regret = ranking["regret_mean"].where(ranking["bayes"].notna(), 0.0)
    means = np.column_stack([ranking[["mean", "diff_mean"]].to_numpy(), regret.to_numpy()])
    broken = ranking[~np.isfinite(means).all(axis=1)]
    if len(broken):
        cells = broken[CELL].to_string(index=False)
        raise RuntimeError(f"non-finite means over successful replicates in:\n{cells}")
    partial = summary[summary["n_failed"] > 0][CELL[:5]].drop_duplicates()
    if len(partial):
        log.warning("cells with failed replicates:\n%s", partial.to_string(index=False))

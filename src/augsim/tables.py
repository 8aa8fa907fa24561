"""Replicate-level tables and their summaries.

The replicate table has one row per (dgp, n, model, method, gamma, replicate, evaluation,
source, metric). A summary row describes one cell of that table over replicates: the mean
value, the mean paired difference from ``raw`` on the same replicate (the same training data),
the mean regret against the Bayes score, each with a standard error and a 95% t interval,
and how many replicates failed.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from scipy import stats

from augsim.methods import RAW
from augsim.metrics import METRIC_NAMES
from augsim.sources import POPULATION

log = logging.getLogger(__name__)

CELL = ["dgp", "n", "model", "method", "gamma", "evaluation", "source", "metric"]
PAIR = ["dgp", "n", "model", "evaluation", "source", "metric", "replicate"]
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


def with_paired_difference(replicates: pd.DataFrame) -> pd.DataFrame:
    """Add ``difference``: value minus the same replicate's ``raw`` value."""
    raw = replicates.loc[replicates["method"] == RAW, [*PAIR, "value"]]
    raw = raw.rename(columns={"value": "raw_value"})
    merged = replicates.merge(raw, on=PAIR, how="left", validate="many_to_one")
    merged["difference"] = merged["value"] - merged["raw_value"]
    return merged.drop(columns="raw_value")


def with_gamma_zero(replicates: pd.DataFrame, cells: list[dict]) -> pd.DataFrame:
    """``replicates`` plus, for each cell ``{dgp, n, model, method, replicates}``, the raw fit's
    rows of the cell's replicates (the first ones) as that method's rows at gamma 0: there a
    method adds nothing, so its fit is the raw fit."""
    if not cells:
        return replicates
    raw = replicates[replicates["method"] == RAW].drop(columns="method")
    wanted = pd.DataFrame(cells).rename(columns={"replicates": "cell_replicates"})
    copies = raw.merge(wanted, on=["dgp", "n", "model"], validate="many_to_many")
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
        summary = summary.join(_mean_and_interval(grouped[column], prefix))
    summary["n_ok"] = grouped["value"].count()
    return summary.reset_index()


def _failed(table: pd.DataFrame) -> pd.Series:
    """Rows whose fit failed: a non-empty ``error``."""
    return table["error"].fillna("").astype(str) != ""


def _mean_and_interval(values: pd.core.groupby.SeriesGroupBy, prefix: str) -> pd.DataFrame:
    count = values.count()
    mean = values.mean()
    se = values.std(ddof=1) / np.sqrt(count)
    # t quantile: replicates are few enough (often 100) for the normal quantile to be optimistic
    half_width = stats.t.ppf(0.975, np.maximum(count - 1, 1)) * se
    return pd.DataFrame(
        {
            f"{prefix}mean": mean,
            f"{prefix}se": se,
            f"{prefix}ci_low": mean - half_width,
            f"{prefix}ci_high": mean + half_width,
        }
    )


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
    ranking = summary[summary["metric"].isin(METRIC_NAMES)]
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


def discrepancy_markdown(table: pd.DataFrame, labels: dict[str, str]) -> str:
    """The discrepancy table (:func:`augsim.views.discrepancies`) as Markdown, one section per
    DGP and metric, generators in the table's order (by discrepancy)."""

    def interval(row, name: str) -> str:
        mean, low, high = (getattr(row, name + end) for end in ("", "_low", "_high"))
        return f"{mean:+.4f} ({low:+.4f} to {high:+.4f})"

    lines = []
    for (dgp, metric), group in table.groupby(["dgp", "metric"], sort=False):
        first = group.iloc[0]
        lines += [
            f"### {dgp}, {metric} (n = {first['n']}, gamma = {first['gamma']:g}, "
            f"{first['source']} metric)",
            "",
            f"Weighting part (reweight - raw): {interval(first, 'weighting')}; residual (truth "
            f"sampler - reweight): {first['residual']:+.4f}.",
            "",
            "| generator | discrepancy: generator - truth sampler (95% CI) | generator - matched "
            "reference (95% CI) | population discrepancy | failed |",
            "| --- | --- | --- | --- | --- |",
        ]
        for row in group.itertuples():
            population = "no closed form" if pd.isna(row.population) else f"{row.population:+.4f}"
            lines.append(
                f"| {labels.get(row.generator, row.generator)} | {interval(row, 'discrepancy')} "
                f"| {interval(row, 'matched')} vs {labels.get(row.reference, row.reference)} "
                f"| {population} | {row.n_failed} |"
            )
        lines.append("")
    return "\n".join(lines)


def flexible_markdown(table: pd.DataFrame, labels: dict[str, str]) -> str:
    """The flexible-model table (:func:`augsim.views.flexible_gains`) as Markdown, one section
    per DGP and metric: raw's regret per model, then each method's gain over raw at every gamma
    next to the test set's own Monte Carlo error of that gain."""

    def interval(row, name: str) -> str:
        mean, low, high = (getattr(row, f"{name}_{end}") for end in ("mean", "ci_low", "ci_high"))
        return f"{mean:+.4f} ({low:+.4f} to {high:+.4f})"

    lines = []
    for (dgp, metric), group in table.groupby(["dgp", "metric"], sort=False):
        raw = group[group["method"] == RAW]
        gains = group[group["method"] != RAW]
        lines += [
            f"### {dgp}, {metric} (n = {group['n'].iloc[0]})",
            "",
            "| model | metric source | regret of raw (95% CI) |",
            "| --- | --- | --- |",
            *(
                f"| {r.model_label} | {r.source} | {interval(r, 'regret')} |"
                for r in raw.itertuples()
            ),
            "",
            "| model | method | gamma | gain over raw (95% CI) | test-set SE of the gain | "
            "replicates | failed |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for row in gains.itertuples():
            error = "exact metric" if row.source == POPULATION else f"{row.test_se:.4f}"
            lines.append(
                f"| {row.model_label} | {labels.get(row.method, row.method)} | {row.gamma:g} "
                f"| {interval(row, 'diff')} | {error} | {row.n_ok} | {row.n_failed} |"
            )
        lines.append("")
    return "\n".join(lines)


#: the metrics of the real-data Markdown table: ranking, then calibration as fitted and corrected
REAL_DATA_TABLE_METRICS = (
    "auroc", "auprc", "best_balanced_accuracy", "best_f1", "brier", "brier_corrected",
    "calibration_slope",
)  # fmt: skip


def real_data_markdown(table: pd.DataFrame, labels: dict[str, str]) -> str:
    """The real-data table (:func:`augsim.views.real_data_gains`) as Markdown, one section per
    metric at the largest gamma: per data set (by imbalance ratio), raw's mean value and each
    method's gain over raw with its corrected 95% interval (``*`` where it excludes 0)."""
    gains = table[table["method"] != RAW]
    gamma = float(gains["gamma"].max())
    methods = list(dict.fromkeys(gains["method"]))
    lines = []
    for metric in REAL_DATA_TABLE_METRICS:
        rows = table[table["metric"] == metric]
        if rows.empty:
            continue
        header = " | ".join(labels.get(m, m) for m in methods)
        lines += [
            f"### {metric}, gain over raw at gamma = {gamma:g} (corrected 95% interval)",
            "",
            f"| data set | imbalance ratio | n train / test | raw | {header} |",
            "| --- | --- | --- | --- |" + " --- |" * len(methods),
        ]
        for _, group in rows.groupby("dgp", sort=False):
            first = group.iloc[0]
            raw = group.loc[group["method"] == RAW, "value_mean"]
            cells = []
            for method in methods:
                cell = group[(group["method"] == method) & (group["gamma"] == gamma)]
                cells.append(_gain_text(cell.iloc[0]) if len(cell) else "")
            lines.append(
                f"| {first['dataset']} | {first['imbalance_ratio']:.1f} | "
                f"{first['n']} / {first['n_test']} | "
                f"{raw.iloc[0] if len(raw) else float('nan'):.4f} | {' | '.join(cells)} |"
            )
        lines.append("")
    return "\n".join(lines)


def _gain_text(row) -> str:
    significant = row["diff_ci_low"] > 0 or row["diff_ci_high"] < 0
    return (
        f"{row['diff_mean']:+.4f} ({row['diff_ci_low']:+.4f} to {row['diff_ci_high']:+.4f})"
        f"{'*' if significant else ''}"
    )

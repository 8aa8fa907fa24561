"""The report's tables as Markdown: one section per DGP (or metric), for people to read.

The CSV tables are the data; these render them (:mod:`augsim.report.selections` builds them).
"""

from __future__ import annotations

import pandas as pd

from augsim.metrics.registry import HEADLINE
from augsim.sources.kinds import POPULATION
from augsim.study.methods import RAW


def discrepancies(table: pd.DataFrame, labels: dict[str, str]) -> str:
    """The discrepancy table (:func:`augsim.report.tables.discrepancies`) as Markdown, one
    section per DGP and metric, generators in the table's order (by discrepancy)."""

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


def flexible(table: pd.DataFrame, labels: dict[str, str]) -> str:
    """The flexible-model table (:func:`augsim.report.tables.flexible_gains`) as Markdown, one
    section per DGP and metric: raw's regret per model, then each method's gain over raw at
    every gamma next to the test set's own Monte Carlo error of that gain."""

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


#: the metrics of the real-data Markdown table: the headline metrics, then the Brier score
#: corrected for the prior shift and the calibration slope
REAL_DATA_TABLE_METRICS = (*HEADLINE, "brier_corrected", "calibration_slope")


def real_data(table: pd.DataFrame, labels: dict[str, str]) -> str:
    """The real-data table (:func:`augsim.report.tables.real_data_gains`) as Markdown, one
    section per metric at the largest gamma: per data set (by imbalance ratio), raw's mean value
    and each method's gain over raw with its corrected 95% interval (``*`` where it excludes
    0); with several models, one row per data set and model."""
    several = table["model"].nunique() > 1
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
        for _, group in rows.groupby(["dgp", "model"], sort=False):
            first = group.iloc[0]
            name = f"{first['dataset']} ({first['model']})" if several else first["dataset"]
            raw = group.loc[group["method"] == RAW, "value_mean"]
            cells = []
            for method in methods:
                cell = group[(group["method"] == method) & (group["gamma"] == gamma)]
                cells.append(_gain_text(cell.iloc[0]) if len(cell) else "")
            lines.append(
                f"| {name} | {first['imbalance_ratio']:.1f} | "
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

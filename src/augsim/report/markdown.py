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


def _estimate(mean: float, low: float, high: float, digits: int = 4) -> str:
    return f"{mean:.{digits}f} ({low:.{digits}f} to {high:.{digits}f})"


def mmd(table: pd.DataFrame, labels: dict[str, str]) -> str:
    """The MMD table (:func:`augsim.report.synthetic_error.mmd_table`) as Markdown, one
    section per source: each generator's MMD to the reference beside the training minority's."""
    lines = []
    for dgp, group in table.groupby("dgp", sort=False):
        first = group.iloc[0]
        lines += [
            f"### {dgp} (n = {first['n']}, n1 = {first['n1']})",
            "",
            f"Training minority (baseline): MMD {first['baseline_distance']:.4f}.",
            "",
            "| generator | MMD to the reference (95% CI) | population MMD | replicates | failed |",
            "| --- | --- | --- | --- | --- |",
        ]
        for row in group.itertuples():
            population = (
                "-" if pd.isna(row.population_distance) else f"{row.population_distance:.4f}"
            )
            lines.append(
                f"| {labels.get(row.generator, row.generator)} "
                f"| {_estimate(row.distance, row.distance_low, row.distance_high)} "
                f"| {population} | {row.replicates} | {row.n_failed} |"
            )
        lines.append("")
    return "\n".join(lines)


def synthetic_error(table: pd.DataFrame, labels: dict[str, str]) -> str:
    """The synthetic-error table (:func:`augsim.report.synthetic_error.synthetic_error`) as
    Markdown: per DGP and metric, the dose-response fit and every generator at the gamma nearest
    1, its exposure against its discrepancy part and the band."""
    lines = []
    for (dgp, metric), group in table.groupby(["dgp", "metric"], sort=False):
        gamma = group["gamma"].iloc[(group["gamma"] - 1.0).abs().argmin()]
        shown = group[group["gamma"] == gamma].sort_values("exposure")
        judged = group["within_band"].dropna()
        lines += [
            f"### {dgp}, {metric} (n = {group['n'].iloc[0]}, gamma = {gamma:g})",
            "",
            f"Dose-response fit |discrepancy| = {group['slope'].iloc[0]:.4f} x exposure; over "
            f"every gamma, {int(judged.astype(bool).sum())} of {len(judged)} rows lie within "
            "the band.",
            "",
            "| generator | share x MMD (95% CI) | discrepancy (95% CI) | population | band | "
            "within |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for row in shown.itertuples():
            population = "-" if pd.isna(row.population) else f"{row.population:+.4f}"
            band = "-" if pd.isna(row.band_high) else f"{row.band_low:.4f} to {row.band_high:.4f}"
            within = "-" if pd.isna(row.within_band) else ("yes" if row.within_band else "no")
            lines.append(
                f"| {labels.get(row.generator, row.generator)} "
                f"| {_estimate(row.exposure, row.exposure_low, row.exposure_high)} "
                f"| {_estimate(row.discrepancy, row.discrepancy_low, row.discrepancy_high)} "
                f"| {population} | {band} | {within} |"
            )
        lines.append("")
    return "\n".join(lines)

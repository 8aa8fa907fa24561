"""The paper's claims, each tested by a statistic of the aggregated tables.

Every check returns rows with: ``claim`` (in words), ``dgp``, ``method``, ``metric``,
``statistic`` (what was computed), ``value`` with a 95% interval ``ci_low``/``ci_high`` (NaN
where the value is exact), ``threshold`` and ``verdict`` (``holds``, ``fails`` or
``not evaluated`` when the tables lack the cells). Thresholds are fixed here, in advance of any
result; a claim that fails is reported with its numbers.

All checks read the training (deployment) prevalence and the exact population metric of each
fitted score when the model has one (``source = population``), else the test-set metric.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from scipy import stats

from augsim.metrics import METRIC_NAMES
from augsim.tables import with_paired_difference

log = logging.getLogger(__name__)

INVARIANCE_THRESHOLD = 1e-6
TRAINING = "training"
COLUMNS = [
    "claim", "dgp", "method", "metric", "statistic", "value", "ci_low", "ci_high", "threshold",
    "verdict",
]  # fmt: skip


def _row(claim, dgp, method, metric, statistic, value, ci=(np.nan, np.nan), *, threshold, holds):
    verdict = "not evaluated" if holds is None else ("holds" if holds else "fails")
    return dict(
        zip(
            COLUMNS,
            [claim, dgp, method, metric, statistic, value, *ci, threshold, verdict],
            strict=True,
        )
    )


def _cells(summary: pd.DataFrame, dgp: str, model: str, n: int | None = None) -> pd.DataFrame:
    rows = summary[
        (summary["dgp"] == dgp) & (summary["model"] == model) & (summary["evaluation"] == TRAINING)
    ]
    if n is not None:
        rows = rows[rows["n"] == n]
    source = "population" if (rows["source"] == "population").any() else "empirical"
    return rows[rows["source"] == source]


def population_invariance(population: pd.DataFrame, dgp: str) -> list[dict]:
    """Well-specified: the projection's metrics do not move with the minority weight."""
    curve = population[(population["kind"] == "weight_curve") & (population["dgp"] == dgp)]
    claim = "Well-specified, population: the projection's metrics do not change with w"
    if curve.empty:
        return [_row(claim, dgp, "weighting", "all", "", np.nan, threshold="", holds=None)]
    spread = curve.groupby(["metric", "evaluation"])["value"].agg(lambda v: v.max() - v.min())
    value = float(spread.max())
    return [
        _row(
            claim, dgp, "weighting", "all",
            "max over metrics and prevalences of (max - min over w) of the metric of theta*(w)",
            value, threshold=f"< {INVARIANCE_THRESHOLD:g}", holds=value < INVARIANCE_THRESHOLD,
        )
    ]  # fmt: skip


def no_finite_sample_gain(summary: pd.DataFrame, dgp: str, model: str, n: int) -> list[dict]:
    """Well-specified: no method's paired gain over raw has an interval above zero."""
    cells = _cells(summary, dgp, model, n)
    cells = cells[(cells["method"] != "raw") & (cells["gamma"] > 0)]
    claim = "Well-specified, finite sample: no method beats raw beyond Monte Carlo noise"
    rows = []
    for method, group in cells.groupby("method", sort=True):
        best = group.loc[group["diff_mean"].idxmax()]
        above = int((group["diff_ci_low"] > 0).sum())
        statistic = (
            f"largest paired gain over gamma and metrics (at {best['metric']}, gamma = "
            f"{best['gamma']:g}); {above} of {len(group)} intervals lie above 0"
        )
        rows.append(
            _row(
                claim, dgp, method, "all", statistic, best["diff_mean"],
                (best["diff_ci_low"], best["diff_ci_high"]),
                threshold="no 95% interval above 0", holds=above == 0,
            )
        )  # fmt: skip
    return rows


def regret_rate(
    summary: pd.DataFrame, dgp: str, model: str, *, method: str = "raw", n_values=None
) -> list[dict]:
    """Well-specified: log regret against log n has slope -1 (regret ~ 1/n)."""
    cells = _cells(summary, dgp, model)
    cells = cells[cells["method"] == method]
    if n_values is not None:
        cells = cells[cells["n"].isin(n_values)]
    claim = f"Rate: {method}'s regret falls like 1/n (slope -1 on log-log axes)"
    rows = []
    for metric in METRIC_NAMES:
        points = cells[(cells["metric"] == metric) & (cells["regret_mean"] > 0)]
        if points["n"].nunique() < 3:
            rows.append(_row(claim, dgp, method, metric, "", np.nan, threshold="", holds=None))
            continue
        fit = stats.linregress(np.log(points["n"]), np.log(points["regret_mean"]))
        half = stats.t.ppf(0.975, len(points) - 2) * fit.stderr
        ci = (fit.slope - half, fit.slope + half)
        rows.append(
            _row(
                claim, dgp, method, metric,
                f"least-squares slope of log mean regret on log n over {len(points)} sizes",
                fit.slope, ci, threshold="-1 inside the 95% interval",
                holds=ci[0] <= -1 <= ci[1],
            )
        )  # fmt: skip
    return rows


def misspecified_gain(
    summary: pd.DataFrame, replicates: pd.DataFrame, dgp: str, model: str, n: int, methods
) -> list[dict]:
    """Misspecified: a significant gain at some gamma, peaking inside the grid, then falling."""
    cells = _cells(summary, dgp, model, n)
    paired = with_paired_difference(replicates[(replicates["dgp"] == dgp) & (replicates["n"] == n)])
    rows = []
    for method in methods:
        for metric in METRIC_NAMES:
            curve = cells[(cells["method"] == method) & (cells["metric"] == metric)]
            curve = curve[curve["gamma"] > 0].sort_values("gamma")
            rows.append(_peak_row(curve, paired, dgp, model, method, metric))
    return rows


def _peak_row(curve, paired, dgp, model, method, metric) -> dict:
    claim = "Misspecified: some gamma gains significantly, and the gain is not monotone in gamma"
    if len(curve) < 2:
        return _row(claim, dgp, method, metric, "", np.nan, threshold="", holds=None)
    peak = curve.loc[curve["diff_mean"].idxmax()]
    last = curve.iloc[-1]
    drop, drop_ci = _paired_drop(paired, curve.iloc[0], peak["gamma"], last["gamma"], method)
    significant = peak["diff_ci_low"] > 0
    interior = peak["gamma"] < last["gamma"]
    falls = drop_ci[0] > 0
    statistic = (
        f"peak paired gain at gamma = {peak['gamma']:g}; gain at gamma = {last['gamma']:g} is "
        f"{drop:.3g} lower (95% CI {drop_ci[0]:.3g} to {drop_ci[1]:.3g})"
    )
    return _row(
        claim, dgp, method, metric, statistic, peak["diff_mean"],
        (peak["diff_ci_low"], peak["diff_ci_high"]),
        threshold="peak interval above 0, peak inside the grid, drop to the last gamma above 0",
        holds=bool(significant and interior and falls),
    )  # fmt: skip


def _paired_drop(paired, cell, gamma_peak, gamma_last, method):
    keys = ["dgp", "n", "model", "evaluation", "source", "metric", "method"]
    rows = paired.set_index(keys).loc[(*(cell[k] for k in keys[:-1]), method)]
    by_gamma = rows.reset_index().pivot_table(index="replicate", columns="gamma", values="value")
    drop = (by_gamma[gamma_peak] - by_gamma[gamma_last]).dropna()
    return _mean_ci(drop)


def _mean_ci(values: pd.Series) -> tuple[float, tuple[float, float]]:
    mean = float(values.mean())
    if len(values) < 2:
        return mean, (np.nan, np.nan)
    half = stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
    return mean, (mean - half, mean + half)


def decomposition_residual(replicates: pd.DataFrame, dgp: str, model: str, n: int) -> list[dict]:
    """Total gain = weighting (reweight - raw) + discrepancy (generator - oracle) + residual.

    The residual is oracle - reweight: both have the same population limit, so it should be
    Monte Carlo noise (oracle's fresh rows are extra real data, reweighting's are not).
    """
    rows_in = replicates[
        (replicates["dgp"] == dgp)
        & (replicates["n"] == n)
        & (replicates["model"] == model)
        & (replicates["evaluation"] == TRAINING)
        & (replicates["method"].isin(["oracle", "reweight"]))
    ]
    source = "population" if (rows_in["source"] == "population").any() else "empirical"
    rows_in = rows_in[(rows_in["source"] == source) & (rows_in["gamma"] > 0)]
    claim = "Decomposition: total = weighting + discrepancy, up to the residual oracle - reweight"
    out = []
    for metric in METRIC_NAMES:
        wide = rows_in[rows_in["metric"] == metric].pivot_table(
            index=["gamma", "replicate"], columns="method", values="value"
        )
        if wide.empty or {"oracle", "reweight"} - set(wide.columns):
            out.append(_row(claim, dgp, "oracle - reweight", metric, "", np.nan, threshold="",
                            holds=None))  # fmt: skip
            continue
        residual = (wide["oracle"] - wide["reweight"]).dropna()
        by_gamma = {g: _mean_ci(r) for g, r in residual.groupby(level="gamma")}
        gamma, (mean, ci) = max(by_gamma.items(), key=lambda item: abs(item[1][0]))
        inside = sum(lo <= 0 <= hi for _, (lo, hi) in by_gamma.values())
        statistic = (
            f"largest |mean residual| over gamma (at gamma = {gamma:g}); {inside} of "
            f"{len(by_gamma)} intervals include 0"
        )
        out.append(
            _row(claim, dgp, "oracle - reweight", metric, statistic, mean, ci,
                 threshold="every 95% interval includes 0", holds=inside == len(by_gamma))
        )  # fmt: skip
    return out


def claims_table(
    summary: pd.DataFrame,
    replicates: pd.DataFrame,
    population: pd.DataFrame,
    figures: dict,
    experiments: dict,
) -> pd.DataFrame:
    """Every claim check the config's figures make possible, as one table."""

    def largest_n(spec: dict) -> int:  # the training size the figures show
        return max(experiments[spec["experiment"]]["n"])

    rows: list[dict] = []
    well = figures.get("well_specified")
    if well:
        rows += population_invariance(population, well["dgp"])
        rows += no_finite_sample_gain(summary, well["dgp"], well["model"], largest_n(well))
    rate = figures.get("rate")
    if well and rate and well["dgp"] in rate["dgps"]:
        n_values = experiments[rate["experiment"]]["n"]
        rows += regret_rate(summary, well["dgp"], rate["model"], n_values=n_values)
    miss = figures.get("misspecified")
    if miss:
        methods = experiments[miss["experiment"]]["methods"]
        rows += misspecified_gain(
            summary, replicates, miss["dgp"], miss["model"], largest_n(miss), methods
        )
    decomposition = figures.get("decomposition")
    if decomposition:
        rows += decomposition_residual(
            replicates, decomposition["dgp"], decomposition["model"], largest_n(decomposition)
        )
    return pd.DataFrame(rows, columns=COLUMNS)


_HEADER = "| DGP | method | metric | statistic | value (95% CI) | threshold | verdict |"


def claims_markdown(table: pd.DataFrame) -> str:
    """The claims table as Markdown, one section per claim."""
    lines = []
    for claim, group in table.groupby("claim", sort=False):
        lines += [f"### {claim}", "", _HEADER, "|" + " --- |" * 7]
        for row in group.itertuples():
            lines.append(
                f"| {row.dgp} | {row.method} | {row.metric} | {row.statistic} | "
                f"{_value_text(row)} | {row.threshold} | **{row.verdict}** |"
            )
        lines.append("")
    return "\n".join(lines)


def _value_text(row) -> str:
    if pd.isna(row.value):
        return ""
    if pd.isna(row.ci_low):
        return f"{row.value:.3g}"
    return f"{row.value:.4g} ({row.ci_low:.4g} to {row.ci_high:.4g})"

"""The paper's claims, each tested by a statistic of the aggregated tables.

Every check returns rows with: ``claim`` (in words), ``dgp``, ``method``, ``metric``,
``statistic`` (what was computed), ``value`` with a 95% interval ``ci_low``/``ci_high`` (NaN
where the value is exact), ``threshold`` and ``verdict`` (``holds``, ``fails``, ``reported``
for a quantity stated without a threshold, or ``not evaluated`` when the tables lack the
cells). Thresholds are fixed here, in advance of any result; a claim that fails is reported
with its numbers.

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
    """One claims row; ``holds`` is True, False, None (not evaluated) or a verdict string."""
    if isinstance(holds, str):
        verdict = holds
    else:
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


def invariance_control(population: pd.DataFrame, dgp: str) -> list[dict]:
    """The invariance statistic on a misspecified DGP, where it must exceed the threshold.

    Shows the well-specified check can fail: the projection does move with w when the model
    is misspecified.
    """
    (row,) = population_invariance(population, dgp)
    moved = None if np.isnan(row["value"]) else row["value"] >= INVARIANCE_THRESHOLD
    return [
        row
        | {
            "claim": "Control: on a misspecified DGP the projection's metrics do change with w",
            "threshold": f">= {INVARIANCE_THRESHOLD:g}",
            "verdict": {None: "not evaluated", True: "holds", False: "fails"}[moved],
        }
    ]


def no_finite_sample_gain(
    summary: pd.DataFrame, dgp: str, model: str, n: int, gammas=None
) -> list[dict]:
    """Well-specified: no method's paired gain over raw has an interval above zero.

    One row per method over its gammas (``gammas``: the figure experiment's grid) and the four
    metrics, each interval at 95% without a multiplicity correction, as the claim is stated.
    """
    cells = _cells(summary, dgp, model, n)
    cells = cells[(cells["method"] != "raw") & (cells["gamma"] > 0)]
    if gammas is not None:
        cells = cells[cells["gamma"].isin(gammas)]
    claim = "Well-specified, finite sample: no method beats raw beyond Monte Carlo noise"
    if cells.empty:
        return [_row(claim, dgp, "all", "all", "", np.nan, threshold="", holds=None)]
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
    summary: pd.DataFrame,
    replicates: pd.DataFrame,
    population: pd.DataFrame,
    dgp: str,
    model: str,
    n: int,
    methods,
    gammas=None,
) -> list[dict]:
    """Misspecified: a significant gain at some gamma, peaking inside the grid, then falling.

    The peak gamma is fixed in advance by the population (n -> infinity) curve of the method
    where one exists, so the finite-sample test is not run on a gamma chosen by the same data;
    otherwise it is the gamma of the largest mean gain (and the statistic says so).
    """
    cells = _cells(summary, dgp, model, n)
    if gammas is not None:
        cells = cells[cells["gamma"].isin(gammas)]
    paired = with_paired_difference(replicates[(replicates["dgp"] == dgp) & (replicates["n"] == n)])
    limits = population[
        (population["kind"] == "gamma_curve")
        & (population["dgp"] == dgp)
        & (population["n"] == n)
        & (population["evaluation"] == TRAINING)
    ]
    rows = []
    for method in methods:
        for metric in METRIC_NAMES:
            curve = cells[(cells["method"] == method) & (cells["metric"] == metric)]
            curve = curve[curve["gamma"] > 0].sort_values("gamma")
            limit = limits[(limits["method"] == method) & (limits["metric"] == metric)]
            rows.append(_peak_row(curve, limit, paired, dgp, model, method, metric))
    return rows


def _peak_row(curve, limit, paired, dgp, model, method, metric) -> dict:
    claim = "Misspecified: some gamma gains significantly, and the gain is not monotone in gamma"
    if len(curve) < 2:
        return _row(claim, dgp, method, metric, "", np.nan, threshold="", holds=None)
    limit = limit[limit["gamma"].isin(curve["gamma"])]
    if len(limit):
        peak_gamma = float(limit.loc[limit["value"].idxmax(), "gamma"])
        chosen = "fixed by the population curve"
    else:
        peak_gamma = float(curve.loc[curve["diff_mean"].idxmax(), "gamma"])
        chosen = "the largest mean gain (chosen on the same replicates)"
    peak = curve[curve["gamma"] == peak_gamma].iloc[0]
    last = curve.iloc[-1]
    drop, drop_ci = _paired_drop(paired, curve.iloc[0], peak_gamma, last["gamma"], method)
    significant = peak["diff_ci_low"] > 0
    interior = peak_gamma < last["gamma"]
    falls = drop_ci[0] > 0
    statistic = (
        f"paired gain at the peak gamma = {peak_gamma:g} ({chosen}); gain at gamma = "
        f"{last['gamma']:g} is {drop:.3g} lower (95% CI {drop_ci[0]:.3g} to {drop_ci[1]:.3g})"
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


def decomposition_population(population: pd.DataFrame, dgp: str, n: int) -> list[dict]:
    """Population: oracle and reweight tend to one projection, so the residual vanishes."""
    curves = population[
        (population["kind"] == "gamma_curve")
        & (population["dgp"] == dgp)
        & (population["n"] == n)
        & (population["method"].isin(["oracle", "reweight"]))
    ]
    wide = curves.pivot_table(
        index=["gamma", "evaluation", "metric"], columns="method", values="value"
    )
    claim = "Decomposition, population: total = weighting + discrepancy exactly (no residual)"
    if wide.empty or {"oracle", "reweight"} - set(wide.columns):
        return [_row(claim, dgp, "oracle - reweight", "all", "", np.nan, threshold="",
                     holds=None)]  # fmt: skip
    gap = float((wide["oracle"] - wide["reweight"]).abs().max())
    return [
        _row(
            claim, dgp, "oracle - reweight", "all",
            "max over gamma, prevalences and metrics of |oracle - reweight| of the n -> inf "
            "curves", gap, threshold=f"< {INVARIANCE_THRESHOLD:g}",
            holds=gap < INVARIANCE_THRESHOLD,
        )
    ]  # fmt: skip


def decomposition_residual(replicates: pd.DataFrame, dgp: str, model: str, n: int) -> list[dict]:
    """Total gain = weighting (reweight - raw) + discrepancy (generator - oracle) + residual.

    The residual is oracle - reweight. Both tend to the same projection, so it vanishes as
    n -> infinity; at finite n the oracle's fresh rows are extra real data, which reweighting
    lacks, so the residual is reported (with its interval), not judged.
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
    claim = "Decomposition, finite sample: the residual oracle - reweight"
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
                 threshold="none: reported", holds="reported")
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

    def grid(spec: dict) -> list[float]:
        return [float(g) for g in experiments[spec["experiment"]]["gammas"]]

    rows: list[dict] = []
    well, miss = figures.get("well_specified"), figures.get("misspecified")
    if well:
        rows += population_invariance(population, well["dgp"])
        if miss:
            rows += invariance_control(population, miss["dgp"])
        rows += no_finite_sample_gain(
            summary, well["dgp"], well["model"], largest_n(well), grid(well)
        )
    rate = figures.get("rate")
    if well and rate and well["dgp"] in rate["dgps"]:
        n_values = experiments[rate["experiment"]]["n"]
        rows += regret_rate(summary, well["dgp"], rate["model"], n_values=n_values)
    if miss:
        methods = experiments[miss["experiment"]]["methods"]
        rows += misspecified_gain(
            summary, replicates, population, miss["dgp"], miss["model"], largest_n(miss),
            methods, grid(miss),
        )  # fmt: skip
    decomposition = figures.get("decomposition")
    if decomposition:
        n = largest_n(decomposition)
        rows += decomposition_population(population, decomposition["dgp"], n)
        rows += decomposition_residual(replicates, decomposition["dgp"], decomposition["model"], n)
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

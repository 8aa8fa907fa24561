"""The claims on real data, each beside a simulated cell: the real data sets move the way the
misspecified simulation does, and augmentation's harm to the Brier score is removed by the
prior-shift correction (the control: the calibration slope, which the correction cannot repair).

The selection is the simulated cell, ``options["gamma"]`` the gamma compared, and the real data
sets' paired gains arrive as ``tables.real_data`` (:func:`augsim.report.tables.real_data_gains`).
"""

from __future__ import annotations

import pandas as pd

from augsim.metrics.registry import HEADLINE, METRICS, direction
from augsim.report import selections
from augsim.report.claims.common import Tables, not_evaluated, row
from augsim.statistics import side
from augsim.study.methods import RAW
from augsim.study.views import Selection

REAL_DATA = (
    "Real data: on the data sets where rebalancing changes the metric significantly, it moves "
    "it the way the misspecified simulation does"
)
_NOTE_REAL_DATA = (
    "Per metric and method at the claim's gamma: a data set counts as helped (hurt) when the "
    "corrected resampled 95% interval of Nadeau and Bengio of the mean paired difference "
    "over its splits lies above (below) 0 (the training parts overlap, so the naive t "
    "interval is too narrow; the correction inflates the variance by n_test / n_train). "
    "For the Brier score lower is better. The simulation's sign is that of its gain where "
    "its 95% interval excludes 0, else none. Holds when the sets moved the simulation's way "
    "outnumber those moved the other way (none: at most half the sets move). Value: sets "
    "moved the simulation's way minus the other way; statistic: the counts."
)
REAL_DATA_CONTROL = (
    "Control: the same count against the opposite of the simulation's sign does not hold"
)
CALIBRATION = (
    "Calibration: augmentation worsens the Brier score at the deployment prevalence, and the "
    "prior-shift correction removes the harm"
)
_NOTE_CALIBRATION = (
    "Worsens: the Brier score's mean paired difference from raw has its 95% interval above "
    "0 (the simulation: over replicates, exact metric; real data: the corrected interval, "
    "on most data sets). The correction removes the harm when the corrected fit's "
    "difference no longer lies above 0 (on most of the data sets that were harmed)."
)
CALIBRATION_CONTROL = (
    "Control: the correction cannot repair the calibration slope (a shift of the intercept "
    "leaves it unchanged), so the same test must fail there"
)
#: the calibration claim's metric and its control's, each also read after the correction
_HARMED = {CALIBRATION: "brier", CALIBRATION_CONTROL: "calibration_slope"}


def harm_sign(metric: str) -> int:
    """The sign of a difference from raw that is harm: +1 a rise, -1 a fall."""
    # a worse value is harm: a rise of the Brier score (lower is better). The calibration
    # slope (the one metric with a target this claim reads) is best at 1; the harm tested is a
    # fall towards 0, the over-confidence of a fit to rebalanced rows
    return -direction(metric) if direction(metric) else -1


def _simulated_gains(tables: Tables, selection: Selection, gamma: float) -> pd.DataFrame:
    """The simulated cell's gains at ``gamma``, for every metric either claim reads."""
    calibration = [name for fitted in _HARMED.values() for name in (fitted, _corrected(fitted))]
    metrics = list(dict.fromkeys([*HEADLINE, *calibration]))
    cells = selections.view_cells(tables.summary, selection, gammas=[gamma], metrics=metrics)
    return cells[cells["method"] != RAW]


def _corrected(metric: str) -> str:
    return METRICS[metric].corrected


def _real_at(tables: Tables, gamma: float, model: str) -> pd.DataFrame:
    """The real-data table's gains at ``gamma`` of the simulated cell's model (a table of
    several models is compared model by model)."""
    real = tables.real_data
    at = selections.rounded(real["gamma"]) == selections.rounded(gamma)
    return real[(real["method"] != RAW) & at & (real["model"] == model)]


def real_data_gains(
    tables: Tables, selection: Selection, options: dict, catalogue: dict
) -> list[dict]:
    """Per metric and method: do the real data sets move the way the simulation does?"""
    dgp = selection.only("sources")
    if tables.real_data is None or tables.real_data.empty:
        return [not_evaluated(REAL_DATA, "real data")]
    simulated = _simulated_gains(tables, selection, options["gamma"])
    real = _real_at(tables, options["gamma"], selection.only("models"))
    rows, controls = [], []
    for method in dict.fromkeys(real["method"]):
        for metric in HEADLINE:
            sim = simulated[(simulated["method"] == method) & (simulated["metric"] == metric)]
            sets = real[(real["method"] == method) & (real["metric"] == metric)]
            if sim.empty or sets.empty:
                continue
            expected = side(sim["diff_ci_low"].iloc[0], sim["diff_ci_high"].iloc[0])
            bounds = zip(sets["diff_ci_low"], sets["diff_ci_high"], strict=True)
            signs = [side(low, high) for low, high in bounds]
            where = (dgp, method, metric, signs, direction(metric))
            rows.append(_real_data_row(REAL_DATA, expected, *where))
            if expected != 0:
                controls.append(_real_data_row(REAL_DATA_CONTROL, -expected, *where, control=True))
    if not rows:
        return [not_evaluated(REAL_DATA, "real data")]
    return rows + controls


def _real_data_row(claim, expected, dgp, method, metric, signs, sense, *, control=False) -> dict:
    helped = sum(1 for s in signs if s * sense > 0)
    hurt = sum(1 for s in signs if s * sense < 0)
    same = sum(1 for s in signs if s != 0 and s == expected)
    other = sum(1 for s in signs if s != 0 and s != expected)
    holds = same > other if expected != 0 else helped + hurt <= len(signs) / 2
    word = {1: "up", -1: "down", 0: "no change"}[expected]
    statistic = (
        f"simulation {word}; of {len(signs)} sets: {helped} helped, {hurt} hurt, "
        f"{len(signs) - helped - hurt} neither"
    )
    return row(
        claim, f"{dgp} vs real data", method, metric, statistic, float(same - other),
        threshold="the simulation's way > the other way" if expected else "at most half move",
        holds=(not holds) if control else holds,
    )  # fmt: skip


def calibration_harm(
    tables: Tables, selection: Selection, options: dict, catalogue: dict
) -> list[dict]:
    """Does augmentation worsen the Brier score, and does the prior-shift correction remove it?
    In the simulated cell and over the real data sets; the control is the slope."""
    dgp = selection.only("sources")
    simulated = _simulated_gains(tables, selection, options["gamma"])
    real = None
    if tables.real_data is not None:
        real = _real_at(tables, options["gamma"], selection.only("models"))
    rows = []
    for claim, metric in _HARMED.items():
        corrected, harm = _corrected(metric), harm_sign(metric)
        control = claim == CALIBRATION_CONTROL
        for method in dict.fromkeys(simulated["method"]):
            cell = simulated[simulated["method"] == method].set_index("metric")
            if metric not in cell.index or corrected not in cell.index:
                continue
            rows.append(_harm_row(claim, dgp, method, metric, cell, corrected, harm, control))
        if real is None or real.empty:
            continue
        for method in dict.fromkeys(real["method"]):
            sets = real[real["method"] == method]
            rows.append(_real_harm_row(claim, method, metric, sets, corrected, harm, control))
    return rows or [not_evaluated(CALIBRATION, dgp)]


def _harm_row(claim, dgp, method, metric, cell, corrected, harm, control) -> dict:
    fitted, fixed = cell.loc[metric], cell.loc[corrected]
    worse = side(fitted["diff_ci_low"], fitted["diff_ci_high"]) * harm > 0
    still = side(fixed["diff_ci_low"], fixed["diff_ci_high"]) * harm > 0
    holds = worse and not still
    statistic = (
        f"difference from raw {fitted['diff_mean']:+.4f} as fitted, "
        f"{fixed['diff_mean']:+.4f} corrected ({'harmed' if worse else 'not harmed'}, "
        f"{'still harmed' if still else 'repaired'} after correction)"
    )
    return row(
        claim, dgp, method, metric, statistic, float(fixed["diff_mean"]),
        (float(fixed["diff_ci_low"]), float(fixed["diff_ci_high"])),
        threshold="harmed, and not after correction", holds=(not holds) if control else holds,
    )  # fmt: skip


def _real_harm_row(claim, method, metric, sets, corrected, harm, control) -> dict:
    fitted = sets[sets["metric"] == metric]
    fixed = sets[sets["metric"] == corrected].set_index("dgp")
    bounds = zip(fitted["dgp"], fitted["diff_ci_low"], fitted["diff_ci_high"], strict=True)
    harmed = [dgp for dgp, low, high in bounds if side(low, high) * harm > 0]
    still = [
        dgp for dgp in harmed
        if side(fixed.loc[dgp, "diff_ci_low"], fixed.loc[dgp, "diff_ci_high"]) * harm > 0
    ]  # fmt: skip
    total = len(fitted)
    holds = len(harmed) > total / 2 and len(still) <= len(harmed) / 2
    statistic = (
        f"of {total} sets: {len(harmed)} harmed, {len(still)} of them still after correction"
    )
    return row(
        claim, "real data", method, metric, statistic, float(len(harmed) - len(still)),
        threshold="most harmed, most of them repaired", holds=(not holds) if control else holds,
    )  # fmt: skip


#: what the paper says where the project's check differs from it, printed under the claim
NOTES = {REAL_DATA: _NOTE_REAL_DATA, CALIBRATION: _NOTE_CALIBRATION}

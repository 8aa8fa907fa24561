"""Every metric of the study: its name, label, direction and kind, defined here and read
everywhere (the metric modules, the evaluation, the tables, the figures and the claims).

Two kinds:

ranking
    AUROC, AUPRC, best balanced accuracy and best F1 (:mod:`augsim.metrics.ranking`): computed
    from every metric source of a fit (the test rows, and the exact population value where the
    model and the source have one) and with a Bayes reference, hence a regret.
calibration
    Brier score, log loss, calibration intercept and slope of the score read as a log-odds
    (:mod:`augsim.metrics.calibration`), each also after the prior-shift correction (the
    ``*_corrected`` metrics): computed from the shown source only (the most precise), with no
    Bayes reference.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    """One metric of a fitted score."""

    name: str
    #: its name in figures and tables
    label: str
    #: +1 where higher is better, -1 where lower is better, 0 where a target value is best (the
    #: calibration intercept 0 and slope 1)
    direction: int
    #: "ranking" or "calibration"
    kind: str
    #: the metric of the prior-shift corrected score (None for a corrected metric itself)
    corrected: str | None = None


def _calibration(name: str, label: str, direction: int) -> tuple[Metric, Metric]:
    fitted = Metric(name, label, direction, "calibration", corrected=f"{name}_corrected")
    return fitted, Metric(f"{name}_corrected", f"{label}, corrected", direction, "calibration")


_ALL = (
    Metric("auroc", "AUROC", +1, "ranking"),
    Metric("auprc", "AUPRC", +1, "ranking"),
    Metric("best_balanced_accuracy", "best balanced accuracy", +1, "ranking"),
    Metric("best_f1", "best F1", +1, "ranking"),
    *_calibration("brier", "Brier score", -1),
    *_calibration("log_loss", "log loss", -1),
    *_calibration("calibration_intercept", "calibration intercept", 0),
    *_calibration("calibration_slope", "calibration slope", 0),
)
#: every metric by name
METRICS: dict[str, Metric] = {metric.name: metric for metric in _ALL}
#: the ranking metrics, which every figure and claim of a gain reads
RANKING: tuple[str, ...] = tuple(m.name for m in _ALL if m.kind == "ranking")
#: the calibration metrics as fitted, in the order of the calibration module's results
CALIBRATION: tuple[str, ...] = tuple(
    m.name for m in _ALL if m.kind == "calibration" and m.corrected
)
#: the same metrics of the prior-shift corrected score
CORRECTED: tuple[str, ...] = tuple(METRICS[name].corrected for name in CALIBRATION)
#: every metric of a fit's rows: the ranking metrics, then the calibration metrics
ALL: tuple[str, ...] = (*RANKING, *CALIBRATION, *CORRECTED)
#: what the real data are compared on: the ranking metrics and the Brier score
HEADLINE: tuple[str, ...] = (*RANKING, "brier")


def label(name: str) -> str:
    """The label of metric ``name``."""
    return METRICS[name].label


def direction(name: str) -> int:
    """+1 where higher is better, -1 where lower is better, 0 where a target value is best."""
    return METRICS[name].direction

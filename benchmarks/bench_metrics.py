"""Time ``score_metrics`` against scikit-learn on 10^6 tied scores, in one run, same inputs.

The reference is what a user would write with scikit-learn: ``roc_auc_score`` +
``average_precision_score`` + best balanced accuracy from ``roc_curve`` + best F1 from
``precision_recall_curve``. Reported: median wall time of each over repeats, their ratio, and
the largest absolute difference of the four values.

Then the calibration metrics: ``calibration_metrics_at`` on 40,000 tied log-odds scores at two
prevalences against ``brier_score_loss`` + ``log_loss`` + ``LogisticRegression(C=np.inf)`` (the
project's reference options, ``augsim.models.SKLEARN_OPTIONS``) with the same class weights,
and the time of one ``linear_calibration_at`` call (best of 5 means over 300 calls).

Usage: ``python benchmarks/bench_metrics.py [--rows 1000000] [--calibration-rows 40000]
[--repeats 5] [--json FILE]``

It runs with the heap setting of every rule job (glibc's ``MALLOC_TOP_PAD_``, which the
workflow sets for its jobs and glibc reads at start-up): without the variable the script
starts itself again, once, with it set (``runtime.restart_with_heap_pad``). The setting
speeds both sides of a comparison alike.
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    log_loss,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)

from augsim.metrics.calibration import calibration_metrics_at
from augsim.metrics.ranking import score_metrics
from augsim.models.logistic import SKLEARN_OPTIONS
from augsim.population.calibration import linear_calibration_at
from augsim.sources.dgps import make_dgp
from augsim.workflow.runtime import restart_with_heap_pad

PREVALENCES = (None, 0.5)  # the sample's own balance and an even one


def sklearn_metrics(y: np.ndarray, scores: np.ndarray) -> dict[str, float]:
    """The four metrics from scikit-learn's curves."""
    fpr, tpr, _ = roc_curve(y, scores)
    precision, recall, _ = precision_recall_curve(y, scores)
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    return {
        "auroc": roc_auc_score(y, scores),
        "auprc": average_precision_score(y, scores),
        "best_balanced_accuracy": float(np.max((tpr + 1 - fpr) / 2)),
        "best_f1": float(np.max(f1)),
    }


def sklearn_calibration(y: np.ndarray, scores: np.ndarray) -> list[dict[str, float]]:
    """Brier, log loss and the recalibration fit from scikit-learn, at each of PREVALENCES."""
    probability = 1.0 / (1.0 + np.exp(-scores))
    results = []
    for pi in PREVALENCES:
        weight = np.ones(y.size)
        if pi is not None:  # the classes reweighted to pi and 1 - pi, mean weight 1
            weight = np.where(y == 1, pi / y.mean(), (1 - pi) / (1 - y.mean()))
        model = LogisticRegression(C=np.inf, **SKLEARN_OPTIONS)
        model.fit(scores[:, None], y, sample_weight=weight)
        results.append(
            {
                "brier": brier_score_loss(y, probability, sample_weight=weight),
                "log_loss": log_loss(y, probability, sample_weight=weight),
                "calibration_intercept": float(model.intercept_[0]),
                "calibration_slope": float(model.coef_[0, 0]),
            }
        )
    return results


def linear_calibration_seconds() -> float:
    """Best of 5 mean seconds per ``linear_calibration_at`` call, one prevalence, 5-dim DGP."""
    dgp = make_dgp("gaussian_hetero", dim=5, mean=[1, 1, 0, 0, 0], spread=2)
    coef = np.array([1.0, 0.6, -0.4, 0.2, 0.3])
    times = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(300):
            linear_calibration_at(dgp, coef, -0.7, [0.05])
        times.append((time.perf_counter() - start) / 300)
    return min(times)


def median_seconds(function, repeats: int) -> tuple[float, dict]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--calibration-rows", type=int, default=40_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    restart_with_heap_pad()  # the allocator setting of every rule job
    rng = np.random.default_rng(0)
    y = (rng.random(args.rows) < 0.05).astype(int)
    scores = np.round(rng.normal(size=args.rows) + 1.5 * y, 2)  # about 900 distinct values
    ours, got = median_seconds(lambda: score_metrics(y, scores), args.repeats)
    theirs, want = median_seconds(lambda: sklearn_metrics(y, scores), args.repeats)
    difference = max(abs(got[name] - want[name]) for name in got)
    print(f"rows {args.rows}, {np.unique(scores).size} distinct scores, {args.repeats} repeats")
    print(f"score_metrics      {ours * 1e3:8.1f} ms")
    print(f"scikit-learn       {theirs * 1e3:8.1f} ms")
    print(f"ratio              {theirs / ours:8.1f} x")
    print(f"max |difference|   {difference:.2e}")
    n_cal = args.calibration_rows
    y_cal = (rng.random(n_cal) < 0.05).astype(int)
    log_odds = np.round(rng.normal(size=n_cal) + 1.5 * y_cal - 3.0, 2)
    cal_ours, cal_got = median_seconds(
        lambda: calibration_metrics_at(y_cal, log_odds, PREVALENCES), args.repeats
    )
    cal_theirs, cal_want = median_seconds(
        lambda: sklearn_calibration(y_cal, log_odds), args.repeats
    )
    cal_difference = max(
        abs(got[name] - want[name])
        for got, want in zip(cal_got, cal_want, strict=True)
        for name in got
    )
    population = linear_calibration_seconds()
    print(f"calibration: rows {n_cal}, {np.unique(log_odds).size} distinct scores, 2 prevalences")
    print(f"calibration_metrics_at {cal_ours * 1e3:8.1f} ms")
    print(f"scikit-learn           {cal_theirs * 1e3:8.1f} ms")
    print(f"ratio                  {cal_theirs / cal_ours:8.1f} x")
    print(f"max |difference|       {cal_difference:.2e}")
    print(f"linear_calibration_at  {population * 1e3:8.3f} ms per call (one prevalence)")
    if args.json:
        figures = {"rows": args.rows, "ours_ms": ours * 1e3, "sklearn_ms": theirs * 1e3}
        figures |= {"ratio": theirs / ours, "max_difference": difference}
        figures["calibration"] = {
            "rows": n_cal,
            "ours_ms": cal_ours * 1e3,
            "sklearn_ms": cal_theirs * 1e3,
            "ratio": cal_theirs / cal_ours,
            "max_difference": cal_difference,
            "linear_calibration_ms": population * 1e3,
        }
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()

"""The test set's own Monte Carlo error of a paired difference between two fits.

Every fit of a DGP is scored on one test set, so the mean paired difference of a method from raw
over replicates carries the test set's sampling error once, shared by every replicate: the
interval over replicates does not see it. It is estimated by the delete-a-group jackknife over
``folds`` groups of test rows (stratified: each class split evenly): the mean difference is
recomputed without each group, and ``se = sqrt((K - 1) / K * sum_k (d_k - mean d)^2)``. A gain
whose test-set error is small next to it is measured precisely enough; the replicate interval is
the other error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from augsim.metrics.ranking import score_metrics_at
from augsim.metrics.registry import RANKING

FOLDS = 10


def fold_labels(y: np.ndarray, folds: int = FOLDS) -> np.ndarray:
    """Group (0..folds-1) of each test row, the rows of each class spread evenly."""
    labels = np.empty(len(y), dtype=np.int64)
    for label in (0, 1):
        rows = np.flatnonzero(y == label)
        labels[rows] = np.arange(len(rows)) % folds
    return labels


def fold_metrics(
    y: np.ndarray, scores: np.ndarray, prevalence: float, groups: np.ndarray
) -> np.ndarray:
    """The metrics of ``scores`` at ``prevalence`` without each group of test rows: (folds,
    metrics), metrics in :data:`augsim.metrics.registry.RANKING` order."""
    folds = int(groups.max()) + 1
    values = np.empty((folds, len(RANKING)))
    for k in range(folds):
        keep = groups != k
        (metrics,) = score_metrics_at(y[keep], scores[keep], [prevalence])
        values[k] = [metrics[m] for m in RANKING]
    return values


def fold_differences(
    y: np.ndarray, scores: np.ndarray, reference: np.ndarray, prevalence: float, groups: np.ndarray
) -> np.ndarray:
    """metric(scores) - metric(reference) at ``prevalence`` without each group of test rows:
    (folds, metrics), as :func:`fold_metrics`."""
    return fold_metrics(y, scores, prevalence, groups) - fold_metrics(
        y, reference, prevalence, groups
    )


def jackknife_se(leave_out: np.ndarray) -> np.ndarray:
    """The delete-a-group jackknife standard error from the (folds, ...) leave-out values."""
    folds = len(leave_out)
    spread = ((leave_out - leave_out.mean(axis=0)) ** 2).sum(axis=0)
    return np.sqrt((folds - 1) / folds * spread)


def paired_test_error(
    y: np.ndarray,
    scores: np.ndarray,
    reference: np.ndarray,
    prevalence: float,
    *,
    folds: int = FOLDS,
) -> dict[str, float]:
    """Jackknife standard error, per metric, of metric(scores) - metric(reference) on the test
    rows ``y`` at ``prevalence``."""
    leave_out = fold_differences(y, scores, reference, prevalence, fold_labels(y, folds))
    return dict(zip(RANKING, jackknife_se(leave_out).tolist(), strict=True))


def test_set_errors(
    test: Mapping[str, np.ndarray],
    raw_scores: Mapping[int, np.ndarray],
    method_scores: Mapping[str, Mapping[tuple[int, float], np.ndarray]],
    *,
    prevalence: float,
    replicates: Sequence[int],
    folds: int = FOLDS,
) -> list[dict]:
    """Rows ``{method, gamma, metric, test_se, replicates}``: the test-set error of each
    method's mean paired difference from raw over ``replicates`` (the leave-out differences are
    averaged over the replicates, then the jackknife is taken once).

    ``raw_scores[replicate]`` are raw's test scores, ``method_scores[method][(replicate,
    gamma)]`` a method's; replicates missing on either side (failed fits) are left out, and a
    (method, gamma) with none left has NaN errors.
    """
    groups = fold_labels(test["y"], folds)
    # raw's leave-out metrics, once per replicate: every method's differences subtract them
    raw = {
        r: fold_metrics(test["y"], raw_scores[r], prevalence, groups)
        for r in replicates
        if r in raw_scores
    }
    rows = []
    for method, by_fit in method_scores.items():
        for gamma in sorted({g for _, g in by_fit}):
            paired = [r for r in replicates if (r, gamma) in by_fit and r in raw]
            leave_out = [
                fold_metrics(test["y"], by_fit[(r, gamma)], prevalence, groups) - raw[r]
                for r in paired
            ]
            se = (
                jackknife_se(np.mean(leave_out, axis=0))
                if paired
                else np.full(len(RANKING), np.nan)
            )
            for metric, value in zip(RANKING, se, strict=True):
                rows.append({"method": method, "gamma": gamma, "metric": metric,
                             "test_se": float(value), "replicates": len(paired)})  # fmt: skip
    return rows

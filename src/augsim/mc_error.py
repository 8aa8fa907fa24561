"""The test set's own Monte Carlo error of a paired difference between two fits.

Every fit of a DGP is scored on one test set, so the paired difference of a method from raw on
a replicate carries the test set's sampling error once, shared by every replicate. It is
estimated by the delete-a-group jackknife over ``folds`` groups of test rows (stratified: each
class split evenly): the difference is recomputed without each group, and
``se = sqrt((K - 1) / K * sum_k (d_k - mean d)^2)``. A difference whose test-set error is small
next to the gains shown is precise enough; the replicate interval is the other error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from augsim.metrics import METRIC_NAMES, score_metrics_at

FOLDS = 10


def fold_labels(y: np.ndarray, folds: int = FOLDS) -> np.ndarray:
    """Group (0..folds-1) of each test row, the rows of each class spread evenly."""
    labels = np.empty(len(y), dtype=np.int64)
    for label in (0, 1):
        rows = np.flatnonzero(y == label)
        labels[rows] = np.arange(len(rows)) % folds
    return labels


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
    groups = fold_labels(y, folds)
    differences = np.empty((folds, len(METRIC_NAMES)))
    for k in range(folds):
        keep = groups != k
        (a,) = score_metrics_at(y[keep], scores[keep], [prevalence])
        (b,) = score_metrics_at(y[keep], reference[keep], [prevalence])
        differences[k] = [a[m] - b[m] for m in METRIC_NAMES]
    spread = ((differences - differences.mean(axis=0)) ** 2).sum(axis=0)
    se = np.sqrt((folds - 1) / folds * spread)
    return dict(zip(METRIC_NAMES, se.tolist(), strict=True))


def test_set_errors(
    test: Mapping[str, np.ndarray],
    raw_scores: Mapping[int, np.ndarray],
    method_scores: Mapping[str, Mapping[tuple[int, float], np.ndarray]],
    *,
    prevalence: float,
    replicates: Sequence[int],
) -> list[dict]:
    """Rows ``{method, gamma, metric, test_se, replicates}``: the test-set error of each
    method's paired difference from raw, averaged over ``replicates``.

    ``raw_scores[replicate]`` are raw's test scores, ``method_scores[method][(replicate,
    gamma)]`` a method's; replicates missing on either side (failed fits) are left out.
    """
    rows = []
    for method, by_fit in method_scores.items():
        for gamma in sorted({g for _, g in by_fit}):
            errors = [
                paired_test_error(test["y"], by_fit[(r, gamma)], raw_scores[r], prevalence)
                for r in replicates
                if (r, gamma) in by_fit and r in raw_scores
            ]
            for metric in METRIC_NAMES:
                value = float(np.mean([e[metric] for e in errors])) if errors else np.nan
                rows.append({"method": method, "gamma": gamma, "metric": metric,
                             "test_se": value, "replicates": len(errors)})  # fmt: skip
    return rows

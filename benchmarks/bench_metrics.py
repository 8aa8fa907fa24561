"""Time ``score_metrics`` against scikit-learn on 10^6 tied scores, in one run, same inputs.

The reference is what a user would write with scikit-learn: ``roc_auc_score`` +
``average_precision_score`` + best balanced accuracy from ``roc_curve`` + best F1 from
``precision_recall_curve``. Reported: median wall time of each over repeats, their ratio, and
the largest absolute difference of the four values.

Usage: ``python benchmarks/bench_metrics.py [--rows 1000000] [--repeats 5] [--json FILE]``
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import (
    average_precision_score,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)

from augsim.metrics import score_metrics
from augsim.runtime import retain_freed_heap


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
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    retain_freed_heap()  # the allocator setting of every rule job; it speeds both sides
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
    if args.json:
        figures = {"rows": args.rows, "ours_ms": ours * 1e3, "sklearn_ms": theirs * 1e3}
        figures |= {"ratio": theirs / ours, "max_difference": difference}
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()

"""The synthetic distributional error of one generator on one scenario, per replicate, and its
summary over replicates.

On a simulated source the reference is the true minority itself: each replicate's estimate is
the one-sample U-statistic against the exact mixture, and a generator with a closed-form limit
also gets its population distance. On a data set there is no truth: the reference is the
replicate's test part's minority rows, a sample of the truth the generator never saw, and the
estimate the two-sample U-statistic. Beside each estimate, the training minority's own estimate
against the same reference: the baseline (about zero on a simulated source, where the training
rows are a sample of the truth; the train-test difference of one split on a data set).
See :mod:`augsim.metrics.distance` for the distance and its kernel.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

from augsim.metrics import distance
from augsim.sources.dgps import Component
from augsim.statistics import grouped_intervals

log = logging.getLogger(__name__)

#: synthetic rows per replicate the estimate uses: the first ones (a prefix of a draw is a draw).
#: The U-statistic costs their square; its standard error at 1,000 rows is a few per cent of
#: the smallest distances the study shows.
DISTANCE_ROWS = 1000

REPLICATE_COLUMNS = [
    "dgp", "n", "n0", "n1", "generator", "replicate", "rows", "width2", "mmd2", "baseline_mmd2",
    "population_mmd2", "error",
]  # fmt: skip
SUMMARY_COLUMNS = [
    "dgp", "n", "n0", "n1", "generator", "replicates", "n_failed", "width2", "mmd2", "mmd2_se",
    "mmd2_low", "mmd2_high", "distance", "distance_low", "distance_high", "population_distance",
    "baseline_mmd2", "baseline_mmd2_se", "baseline_distance",
]  # fmt: skip


def simulated_distances(
    synthetic: dict[str, np.ndarray],
    train: dict[str, np.ndarray],
    truth: Sequence[Component],
    *,
    limit: Sequence[Component] | None,
) -> list[dict]:
    """Per replicate of ``synthetic`` (augment's arrays): its estimate against the ``truth``
    mixture, the training minority's, and the population distance of ``limit`` (None: none)."""
    width2 = distance.kernel_width(truth)
    population = np.nan if limit is None else distance.mmd_squared(limit, truth, width2)
    minority = _training_minority(train, synthetic["replicate"])
    rows = []
    for i, replicate in enumerate(synthetic["replicate"]):
        estimate = _estimate(synthetic, i, distance.mmd_squared_to_mixture, truth, width2)
        baseline = distance.mmd_squared_to_mixture(minority[i], truth, width2)
        rows.append(
            {"replicate": int(replicate), "width2": width2, **estimate,
             "baseline_mmd2": baseline, "population_mmd2": population}
        )  # fmt: skip
    return rows


def empirical_distances(
    synthetic: dict[str, np.ndarray],
    train: dict[str, np.ndarray],
    test: dict[str, np.ndarray],
) -> list[dict]:
    """Per replicate of ``synthetic``: its estimate against the test part's minority rows, and
    the training minority's. The kernel width is that of all the split's minority rows."""
    minority = _training_minority(train, synthetic["replicate"])
    reference = _training_minority(test, synthetic["replicate"])
    rows = []
    for i, replicate in enumerate(synthetic["replicate"]):
        width2 = distance.kernel_width(np.vstack([minority[i], reference[i]]))
        estimate = _estimate(synthetic, i, distance.mmd_squared_between, reference[i], width2)
        baseline = distance.mmd_squared_between(minority[i], reference[i], width2)
        rows.append(
            {"replicate": int(replicate), "width2": width2, **estimate,
             "baseline_mmd2": baseline, "population_mmd2": np.nan}
        )  # fmt: skip
    return rows


def summarise(replicates: pd.DataFrame) -> pd.DataFrame:
    """One row per (dgp, n, generator), with its class counts n0 and n1: the mean ``MMD^2``
    over replicates with its standard error and 95% interval, the distance (its square root;
    the interval's ends likewise, a negative end at 0), the population distance where exact
    and the baseline's."""
    keys = ["dgp", "n", "n0", "n1", "generator"]
    table = replicates.assign(failed=replicates["error"].fillna("").astype(str) != "")
    grouped = table.groupby(keys, sort=True)
    summary = grouped.agg(
        replicates=("replicate", "size"),
        n_failed=("failed", "sum"),
        width2=("width2", "mean"),
        population_mmd2=("population_mmd2", "first"),
    )
    summary = summary.join(_intervals(grouped["mmd2"], "mmd2"))
    baseline = _intervals(grouped["baseline_mmd2"], "baseline_mmd2")
    summary = summary.join(baseline[["baseline_mmd2", "baseline_mmd2_se"]]).reset_index()
    for column in ("distance", "distance_low", "distance_high"):
        squared = summary[column.replace("distance", "mmd2")]
        summary[column] = np.sqrt(squared.clip(lower=0.0))
    summary["population_distance"] = np.sqrt(summary["population_mmd2"])
    summary["baseline_distance"] = np.sqrt(summary["baseline_mmd2"].clip(lower=0.0))
    return summary[SUMMARY_COLUMNS]


def _intervals(values, name: str) -> pd.DataFrame:
    table = grouped_intervals(values, "")
    return table.rename(
        columns={
            "mean": name,
            "se": f"{name}_se",
            "ci_low": f"{name}_low",
            "ci_high": f"{name}_high",
        }
    )


def _estimate(synthetic: dict[str, np.ndarray], i: int, estimator, reference, width2) -> dict:
    """Replicate ``i``'s ``estimator(rows, reference, width2)`` on its first synthetic rows."""
    if synthetic["error"][i]:
        return {"rows": 0, "mmd2": np.nan, "error": str(synthetic["error"][i])}
    X = synthetic["X"][i][:DISTANCE_ROWS]
    if len(X) < 2:
        return {"rows": len(X), "mmd2": np.nan, "error": "fewer than 2 synthetic rows"}
    return {"rows": len(X), "mmd2": estimator(X, reference, width2), "error": ""}


def _training_minority(part: dict[str, np.ndarray], replicates: np.ndarray) -> list[np.ndarray]:
    """The minority rows of ``part`` (a training or test part) for each of ``replicates``."""
    index = {int(r): i for i, r in enumerate(part["replicate"])}
    missing = sorted(set(int(r) for r in replicates) - set(index))
    if missing:
        raise ValueError(f"the data have no replicates {missing}")
    return [part["X"][index[int(r)]][part["y"] == 1] for r in replicates]

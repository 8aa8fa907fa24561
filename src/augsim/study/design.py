"""The study's design arithmetic: class sizes, synthetic counts, class weights and prevalences.

Class 1 is the minority. A training set of size ``n`` has ``n0 / n1`` close to the imbalance
ratio; ``m(gamma) = round(gamma * (n0 - n1))`` synthetic minority rows balance the classes at
``gamma = 1``. Every other module asks this one, so each quantity has one definition.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def class_sizes(n: int, imbalance_ratio: float) -> tuple[int, int]:
    """Split a training size ``n`` into ``(n0, n1)`` with ``n0 / n1`` close to the ratio."""
    n1 = int(np.floor(n / (1.0 + imbalance_ratio) + 0.5))
    if n1 < 2 or n - n1 <= n1:
        raise ValueError(
            f"n = {n} with imbalance_ratio = {imbalance_ratio} leaves n1 = {n1} minority rows; "
            "need at least 2 minority rows and fewer minority than majority rows"
        )
    return n - n1, n1


def training_prevalence(imbalance_ratio: float, n: int) -> float:
    """The minority share ``n1 / n`` of a training set of size ``n``: the deployment prevalence
    (0.048 at n = 500 with ratio 20)."""
    n0, n1 = class_sizes(n, imbalance_ratio)
    return n1 / (n0 + n1)


def limit_prevalence(imbalance_ratio: float) -> float:
    """The training prevalence as n -> infinity, ``1 / (1 + ratio)`` (0.0476 with ratio 20), at
    which the population curves over the minority weight are reported."""
    return 1.0 / (1.0 + imbalance_ratio)


def labelled_prevalences(training: float, extra: Sequence[float]) -> dict[str, float]:
    """Evaluation prevalences by label: ``training`` and ``fixed_<p>`` for each extra one."""
    return {"training": training} | {f"fixed_{p:g}": float(p) for p in extra}


def synthetic_count(gamma: float, n0: int, n1: int) -> int:
    """``m = round(gamma * (n0 - n1))`` synthetic minority rows (halves round up)."""
    if not 0.0 <= gamma:
        raise ValueError(f"gamma must be >= 0, got {gamma!r}")
    return int(np.floor(gamma * (n0 - n1) + 0.5))


def reweight_factor(gamma: float, n0: int, n1: int) -> float:
    """Minority sample weight giving the effective class weight of ``m(gamma)`` synthetic rows."""
    return (n1 + synthetic_count(gamma, n0, n1)) / n1


def minority_weight(gamma: float, n0: int, n1: int) -> float:
    """The minority's share of the loss after ``m(gamma)`` rows: ``(n1 + m) / (n0 + n1 + m)``."""
    m = synthetic_count(gamma, n0, n1)
    return (n1 + m) / (n0 + n1 + m)


def synthetic_share(gamma: float, n0: int, n1: int) -> float:
    """The synthetic share ``m / (n1 + m)`` of the augmented minority."""
    m = synthetic_count(gamma, n0, n1)
    return m / (n1 + m)


def training_labels(n0: int, n1: int) -> np.ndarray:
    """Labels (n0 + n1,) of a training replicate: majority rows first, as ``dgp.sample`` draws."""
    return np.repeat(np.array([0, 1], dtype=np.int8), [n0, n1])


def chunk_replicates(chunk: int, *, chunk_size: int, replicates: int) -> np.ndarray:
    """Replicate indices of chunk ``chunk``: ``chunk * chunk_size`` up to ``replicates``."""
    start = chunk * chunk_size
    if chunk < 0 or start >= replicates:
        raise ValueError(f"chunk {chunk} is outside 0..{(replicates - 1) // chunk_size}")
    return np.arange(start, min(start + chunk_size, replicates))

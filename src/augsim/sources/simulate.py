"""Training replicates and test sets drawn from a simulated data source (a DGP).

Every random stream is keyed by the replicate's own index (see :mod:`augsim.study.seeds`), so a
replicate's rows do not depend on how replicates are grouped into chunks, and the same
replicate's training data is identical for every method.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from augsim.sources.dgps import GaussianMixtureDGP
from augsim.study.design import training_labels
from augsim.study.seeds import rng_for


def simulate_training(
    dgp: GaussianMixtureDGP,
    *,
    n0: int,
    n1: int,
    replicate_ids: Sequence[int],
    seed: int,
    scenario: str,
) -> dict[str, np.ndarray]:
    """Draw the training replicates of one chunk.

    Returns arrays ``X`` (R, n0 + n1, d), ``y`` (n0 + n1,) (the same for every replicate:
    majority rows first) and ``replicate`` (R,).
    """
    rows = [simulate_replicate(dgp, n0=n0, n1=n1, seed=seed, scenario=scenario, replicate=rep)
            for rep in replicate_ids]  # fmt: skip
    y = training_labels(n0, n1)
    return {"X": np.stack(rows), "y": y, "replicate": np.asarray(replicate_ids, dtype=np.int64)}


def simulate_replicate(
    dgp: GaussianMixtureDGP, *, n0: int, n1: int, seed: int, scenario: str, replicate: int
) -> np.ndarray:
    """The rows (n0 + n1, d) of one training replicate, majority rows first."""
    X, _ = dgp.sample(n0, n1, rng_for(seed, "train", scenario, int(replicate)))
    return X


def simulate_test(
    dgp: GaussianMixtureDGP, *, rows_per_class: int, seed: int, dgp_key: str
) -> dict[str, np.ndarray]:
    """Draw the one large balanced test set of a DGP (metrics reweight it to any prevalence)."""
    X, y = dgp.sample(rows_per_class, rows_per_class, rng_for(seed, "test", dgp_key))
    return {"X": X, "y": y}

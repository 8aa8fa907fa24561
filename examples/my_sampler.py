"""A sampler of one's own, the kind the study takes by import path: random oversampling of the
minority with Gaussian jitter, with imbalanced-learn's API.

``fit_resample(X, y)`` returns the rows it was given, unchanged and first, followed by the new
minority rows; ``sampling_strategy`` is a dict of target counts per class (the study asks for
the counts it needs) and ``random_state`` seeds it (the study passes its own stream). Named in a
config as ``{class: "examples/my_sampler.py:JitterOversampler", params: {noise: 0.2}}``.
"""

from __future__ import annotations

import numpy as np


class JitterOversampler:
    """Each new row is a minority row drawn uniformly, plus N(0, (noise * s_j)^2) per feature,
    s_j the minority rows' standard deviation of feature j."""

    def __init__(self, *, noise: float = 0.2, sampling_strategy=None, random_state=None):
        self.noise = noise
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state

    def get_params(self, deep: bool = True) -> dict:
        return {
            "noise": self.noise,
            "sampling_strategy": self.sampling_strategy,
            "random_state": self.random_state,
        }

    def fit_resample(self, X, y):
        X, y = np.asarray(X, dtype=float), np.asarray(y)
        minority = X[y == 1]
        wanted = (self.sampling_strategy or {1: int((y == 0).sum())})[1]
        m = max(wanted - len(minority), 0)
        rng = self.random_state
        if not isinstance(rng, np.random.RandomState):
            rng = np.random.RandomState(rng)
        rows = minority[rng.randint(0, len(minority), size=m)]
        rows = rows + rng.normal(size=rows.shape) * self.noise * minority.std(axis=0)
        return np.vstack([X, rows]), np.concatenate([y, np.ones(m, dtype=y.dtype)])

"""Synthetic minority rows for the training replicates of one chunk.

Each replicate's generator is fitted on its minority rows and draws ``m_max`` rows, enough for
the largest gamma; a fit at a smaller gamma uses the first ``m(gamma)`` of them (nested
prefixes), so curves over gamma share their randomness.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import numpy as np

from augsim.study.seeds import rng_for

log = logging.getLogger(__name__)

#: Synthetic rows are drawn in blocks of this many rows, each from its own child stream, so the
#: first m rows never depend on how many rows were drawn in all (see draw_synthetic).
SYNTHETIC_BLOCK = 1024


def augment_training(
    train: dict[str, np.ndarray],
    make_generator: Callable[[], object],
    *,
    m_max: int,
    seed: int,
    scenario: str,
    generator_key: str,
    replicate_ids: Sequence[int] | None = None,
) -> dict[str, np.ndarray]:
    """Draw ``m_max`` synthetic minority rows per replicate; smaller gammas use prefixes.

    ``replicate_ids`` restricts the draws to those replicates of the chunk (the cells of a
    generator may fit fewer replicates than the study). A generator that fails on a replicate
    leaves NaN rows and its error text in ``error``. Returns ``X`` (R, m_max, d),
    ``replicate`` (R,) and ``error`` (R,).
    """
    X_all, y = train["X"], train["y"]
    wanted = None if replicate_ids is None else {int(r) for r in replicate_ids}
    rows = [i for i, rep in enumerate(train["replicate"]) if wanted is None or int(rep) in wanted]
    replicates = train["replicate"][rows]
    synthetic = np.full((len(rows), m_max, X_all.shape[2]), np.nan)
    errors = []
    keys = {"seed": seed, "scenario": scenario, "generator_key": generator_key}
    for i, (row, rep) in enumerate(zip(rows, replicates, strict=True)):
        try:
            synthetic[i] = draw_synthetic(
                X_all[row][y == 1], make_generator, m_max, X_majority=X_all[row][y == 0],
                replicate=rep, **keys,
            )  # fmt: skip
            errors.append("")
        except Exception as err:  # recorded per replicate: one failure must not sink a chunk
            log.warning("replicate %d: generator %s failed: %r", rep, generator_key, err)
            errors.append(f"{type(err).__name__}: {err}")
    return {"X": synthetic, "replicate": replicates, "error": np.array(errors, dtype=str)}


def draw_synthetic(
    X_minority: np.ndarray,
    make_generator: Callable[[], object],
    m_max: int,
    *,
    X_majority: np.ndarray,
    seed: int,
    scenario: str,
    generator_key: str,
    replicate: int,
) -> np.ndarray:
    """Fit a generator on one replicate and draw ``m_max`` synthetic minority rows (m_max, d).

    Rows come in blocks of ``SYNTHETIC_BLOCK``, block k from child stream k, each block drawn
    whole and the last one cut. Some samplers draw all their indices before all their steps
    (imbalanced-learn's SMOTE, mixture component choices), so one call's first rows change with
    its size; blocks make the first m rows the same whatever ``m_max`` is, so adding a larger
    gamma anywhere in the study leaves every existing number unchanged. A generator whose every
    ``sample`` call refits a library sampler (``draws_in_blocks = False``) draws all rows in one
    call, from the first block's stream: its rows depend on ``m_max``.
    """
    root = rng_for(seed, "augment", scenario, generator_key, int(replicate))
    n_blocks = -(-m_max // SYNTHETIC_BLOCK)
    fit_rng, *block_rngs = root.spawn(1 + n_blocks)
    generator = make_generator().fit(X_minority, fit_rng, X_majority=X_majority)
    if not block_rngs:
        return np.empty((0, X_minority.shape[1]))
    if not generator.draws_in_blocks:
        return generator.sample(m_max, block_rngs[0])
    blocks = [generator.sample(SYNTHETIC_BLOCK, rng) for rng in block_rngs]
    return np.concatenate(blocks)[:m_max]

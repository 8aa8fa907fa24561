"""Fitting a score model per (replicate, gamma) of one chunk, for one method.

A method's role (:mod:`augsim.study.methods`) says what it fits on at one gamma, with
``m(gamma) = round(gamma * (n0 - n1))``:

- unaugmented: the training replicate as drawn (fitted once, at gamma 0);
- weighting: no new rows; the minority rows get the sample weight ``(n1 + m) / n1``, which gives
  the same effective class weight as ``m`` synthetic rows;
- any generator: the replicate plus the first ``m`` synthetic minority rows.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

import numpy as np

from augsim.study.design import reweight_factor, synthetic_count
from augsim.study.methods import Role, draws_rows, method_gammas

log = logging.getLogger(__name__)


def training_set(
    X: np.ndarray,
    y: np.ndarray,
    *,
    gamma: float,
    role: Role | str,
    synthetic: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The rows, labels and sample weights a method of ``role`` fits on at one gamma."""
    n1 = int((y == 1).sum())
    n0 = len(y) - n1
    if Role(role) == Role.UNAUGMENTED:
        return X, y, None
    if not draws_rows(role):
        weights = np.where(y == 1, reweight_factor(gamma, n0, n1), 1.0)
        return X, y, weights
    m = synthetic_count(gamma, n0, n1)
    if synthetic is None or synthetic.shape[0] < m:
        raise ValueError(f"need {m} synthetic rows at gamma = {gamma}, got none or fewer")
    rows = np.vstack([X, synthetic[:m]])
    labels = np.concatenate([y, np.ones(m, dtype=y.dtype)])
    return rows, labels, None


def fit_replicates(
    train: dict[str, np.ndarray],
    synthetic: dict[str, np.ndarray] | None,
    make_model: Callable[[], object],
    *,
    role: Role | str,
    gammas: Sequence[float],
    replicate_ids: Sequence[int] | None = None,
    rng_for_replicate: Callable[[int], np.random.Generator] | None = None,
    test_X: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Fit one model per (replicate, gamma) of a chunk.

    ``replicate_ids`` restricts the fits to those replicates of the chunk (a cell may use fewer
    replicates than the study). ``rng_for_replicate(replicate)`` gives the random stream of a
    replicate's fits: every fit of one replicate, whatever the method and gamma, starts from the
    same stream, so the paired differences of a model that draws random numbers share them. A
    model that keeps scores (``stores_scores``) scores ``test_X`` after each fit: (T, d) shared
    by every replicate, or (R, T, d), each replicate's own test rows (a data set's splits).

    Returns arrays with one entry per fit: ``replicate``, ``gamma``, ``intercept``,
    ``coef`` (F, p), ``scores`` (F, T; T = 0 for a model that keeps coefficients), ``n_iter``,
    ``seconds`` and ``error`` ("" for a good fit; NaN parameters and scores and the error text
    for a failed one).
    """
    wanted = None if replicate_ids is None else {int(r) for r in replicate_ids}
    drawn = {} if synthetic is None else {int(r): j for j, r in enumerate(synthetic["replicate"])}
    records = []
    for i, rep in enumerate(train["replicate"]):
        if wanted is not None and int(rep) not in wanted:
            continue
        if synthetic is not None and int(rep) not in drawn:
            raise ValueError(f"the synthetic rows have no replicate {int(rep)}")
        prior_error = "" if synthetic is None else str(synthetic["error"][drawn[int(rep)]])
        rows = None if synthetic is None else synthetic["X"][drawn[int(rep)]]
        test_rows = test_X[i] if test_X is not None and test_X.ndim == 3 else test_X
        for gamma in method_gammas(role, gammas):
            rng = None if rng_for_replicate is None else rng_for_replicate(int(rep))
            records.append(
                _fit_one(train["X"][i], train["y"], rows, make_model, role, gamma, rng, test_rows)
                if not prior_error
                else {"error": f"generator: {prior_error}"}
            )
            records[-1].update(replicate=int(rep), gamma=float(gamma))
    return _stack_fits(records, test_rows=0 if test_X is None else test_X.shape[-2])


def fit_at_gamma(X, y, synthetic, make_model, role: Role | str, gamma: float, rng=None):
    """Fit one model of a method at one gamma on one replicate; errors propagate."""
    rows, labels, weights = training_set(X, y, gamma=gamma, role=role, synthetic=synthetic)
    return make_model().fit(rows, labels, sample_weight=weights, rng=rng)


def _fit_one(X, y, synthetic, make_model, role, gamma, rng, test_X) -> dict:
    start = time.perf_counter()
    try:
        model = fit_at_gamma(X, y, synthetic, make_model, role, gamma, rng)
        if model.stores_scores:
            scores = np.asarray(model.decision_function(test_X), dtype=float)
            return {"scores": scores, "seconds": time.perf_counter() - start, "error": ""}
    except Exception as err:  # recorded per fit: one failure must not sink a chunk
        log.warning("fit %s gamma=%g failed: %r", Role(role).value, gamma, err)
        return {"error": f"{type(err).__name__}: {err}"}
    return {
        "intercept": float(model.intercept_),
        "coef": np.asarray(model.coef_, dtype=float),
        "n_iter": int(getattr(model, "n_iter_", -1)),
        "seconds": time.perf_counter() - start,
        "error": "",
    }


def _stack_fits(records: list[dict], *, test_rows: int) -> dict[str, np.ndarray]:
    width = max((len(r["coef"]) for r in records if "coef" in r), default=0)
    scored = any("scores" in r for r in records)
    columns = test_rows if scored else 0
    return {
        "replicate": np.array([r["replicate"] for r in records], dtype=np.int64),
        "gamma": np.array([r["gamma"] for r in records]),
        "intercept": np.array([r.get("intercept", np.nan) for r in records]),
        "coef": np.array([r.get("coef", np.full(width, np.nan)) for r in records]).reshape(
            len(records), width
        ),
        "scores": np.array([r.get("scores", np.full(columns, np.nan)) for r in records]).reshape(
            len(records), columns
        ),
        "n_iter": np.array([r.get("n_iter", -1) for r in records], dtype=np.int64),
        "seconds": np.array([r.get("seconds", np.nan) for r in records]),
        "error": np.array([r["error"] for r in records], dtype=str),
    }

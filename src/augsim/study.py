"""The replicate-level steps of the study: simulate, augment, fit and evaluate.

Each step works on a *chunk*: a contiguous block of replicate indices of one scenario. Every
random stream is keyed by the replicate's own index (see :mod:`augsim.seeds`), so results do
not depend on how replicates are grouped into chunks.

Methods
-------
``raw``
    The model fitted on the training replicate as drawn.
a generator instance (e.g. ``smote``)
    The model fitted on the replicate plus the first ``m(gamma)`` synthetic minority rows.
``reweight``
    No synthetic rows: the minority rows get the sample weight ``(n1 + m(gamma)) / n1``, which
    gives the same effective class weight as ``m(gamma)`` synthetic rows.
with ``m(gamma) = round(gamma * (n0 - n1))``: ``gamma = 1`` balances the classes.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Sequence

import numpy as np

from augsim.dgps import GaussianMixtureDGP
from augsim.seeds import rng_for

log = logging.getLogger(__name__)

RAW = "raw"
REWEIGHT = "reweight"


def method_kind(method: str) -> str:
    """``raw``, ``reweight`` or ``generator`` (any other method is a generator key)."""
    return method if method in (RAW, REWEIGHT) else "generator"


def method_gammas(method_kind: str, gammas: Sequence[float]) -> list[float]:
    """The gammas a method is fitted at: raw ignores gamma and is fitted once, at 0."""
    return [0.0] if method_kind == RAW else [float(g) for g in gammas]


def class_sizes(n: int, imbalance_ratio: float) -> tuple[int, int]:
    """Split a training size ``n`` into ``(n0, n1)`` with ``n0 / n1`` close to the ratio."""
    n1 = int(np.floor(n / (1.0 + imbalance_ratio) + 0.5))
    if n1 < 2 or n - n1 <= n1:
        raise ValueError(
            f"n = {n} with imbalance_ratio = {imbalance_ratio} leaves n1 = {n1} minority rows; "
            "need at least 2 minority rows and fewer minority than majority rows"
        )
    return n - n1, n1


def synthetic_count(gamma: float, n0: int, n1: int) -> int:
    """``m = round(gamma * (n0 - n1))`` synthetic minority rows (halves round up)."""
    if not 0.0 <= gamma:
        raise ValueError(f"gamma must be >= 0, got {gamma!r}")
    return int(np.floor(gamma * (n0 - n1) + 0.5))


def reweight_factor(gamma: float, n0: int, n1: int) -> float:
    """Minority sample weight giving the effective class weight of ``m(gamma)`` synthetic rows."""
    return (n1 + synthetic_count(gamma, n0, n1)) / n1


def training_labels(n0: int, n1: int) -> np.ndarray:
    """Labels (n0 + n1,) of a training replicate: majority rows first, as ``dgp.sample`` draws."""
    return np.repeat(np.array([0, 1], dtype=np.int8), [n0, n1])


def labelled_prevalences(training: float, extra: Sequence[float]) -> dict[str, float]:
    """Evaluation prevalences by label: ``training`` and ``fixed_<p>`` for each extra one."""
    return {"training": training} | {f"fixed_{p:g}": float(p) for p in extra}


def chunk_replicates(chunk: int, *, chunk_size: int, replicates: int) -> np.ndarray:
    """Replicate indices of chunk ``chunk``: ``chunk * chunk_size`` up to ``replicates``."""
    start = chunk * chunk_size
    if chunk < 0 or start >= replicates:
        raise ValueError(f"chunk {chunk} is outside 0..{(replicates - 1) // chunk_size}")
    return np.arange(start, min(start + chunk_size, replicates))


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


def augment_training(
    train: dict[str, np.ndarray],
    make_generator: Callable[[], object],
    *,
    m_max: int,
    seed: int,
    scenario: str,
    generator_key: str,
) -> dict[str, np.ndarray]:
    """Draw ``m_max`` synthetic minority rows per replicate; smaller gammas use prefixes.

    A generator that fails on a replicate leaves NaN rows and its error text in ``error``.
    Returns ``X`` (R, m_max, d), ``replicate`` (R,) and ``error`` (R,).
    """
    X_all, y = train["X"], train["y"]
    synthetic = np.full((len(X_all), m_max, X_all.shape[2]), np.nan)
    errors = []
    keys = {"seed": seed, "scenario": scenario, "generator_key": generator_key}
    for i, rep in enumerate(train["replicate"]):
        try:
            synthetic[i] = draw_synthetic(
                X_all[i][y == 1], make_generator, m_max, replicate=rep, **keys
            )
            errors.append("")
        except Exception as err:  # recorded per replicate: one failure must not sink a chunk
            log.warning("replicate %d: generator %s failed: %r", rep, generator_key, err)
            errors.append(f"{type(err).__name__}: {err}")
    return {"X": synthetic, "replicate": train["replicate"], "error": np.array(errors, dtype=str)}


#: Synthetic rows are drawn in blocks of this many rows, each from its own child stream, so the
#: first m rows never depend on how many rows were drawn in all (see draw_synthetic).
SYNTHETIC_BLOCK = 1024


def draw_synthetic(
    X_minority: np.ndarray,
    make_generator: Callable[[], object],
    m_max: int,
    *,
    seed: int,
    scenario: str,
    generator_key: str,
    replicate: int,
) -> np.ndarray:
    """Fit a generator on one replicate's minority rows and draw ``m_max`` rows (m_max, d).

    Rows come in blocks of ``SYNTHETIC_BLOCK``, block k from child stream k, each block drawn
    whole and the last one cut. Some samplers draw all their indices before all their steps
    (imbalanced-learn's SMOTE, mixture component choices), so one call's first rows change with
    its size; blocks make the first m rows the same whatever ``m_max`` is, so adding a larger
    gamma anywhere in the study leaves every existing number unchanged.
    """
    root = rng_for(seed, "augment", scenario, generator_key, int(replicate))
    n_blocks = -(-m_max // SYNTHETIC_BLOCK)
    fit_rng, *block_rngs = root.spawn(1 + n_blocks)
    generator = make_generator().fit(X_minority, fit_rng)
    blocks = [generator.sample(SYNTHETIC_BLOCK, rng) for rng in block_rngs]
    if not blocks:
        return np.empty((0, X_minority.shape[1]))
    return np.concatenate(blocks)[:m_max]


def training_set(
    X: np.ndarray,
    y: np.ndarray,
    *,
    gamma: float,
    method_kind: str,
    synthetic: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The rows, labels and sample weights a method fits on at one gamma."""
    n1 = int((y == 1).sum())
    n0 = len(y) - n1
    if method_kind == RAW:
        return X, y, None
    if method_kind == REWEIGHT:
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
    method_kind: str,
    gammas: Sequence[float],
) -> dict[str, np.ndarray]:
    """Fit one model per (replicate, gamma) of a chunk.

    Returns arrays with one entry per fit: ``replicate``, ``gamma``, ``intercept``,
    ``coef`` (F, p), ``n_iter``, ``seconds`` and ``error`` ("" for a good fit; NaN
    parameters and the error text for a failed one).
    """
    gammas = method_gammas(method_kind, gammas)
    records = []
    for i, rep in enumerate(train["replicate"]):
        prior_error = "" if synthetic is None else str(synthetic["error"][i])
        rows = None if synthetic is None else synthetic["X"][i]
        for gamma in gammas:
            records.append(
                _fit_one(train["X"][i], train["y"], rows, make_model, method_kind, gamma)
                if not prior_error
                else {"error": f"generator: {prior_error}"}
            )
            records[-1].update(replicate=int(rep), gamma=float(gamma))
    return _stack_fits(records)


def fit_at_gamma(X, y, synthetic, make_model, method_kind: str, gamma: float):
    """Fit one model of a method at one gamma on one replicate; errors propagate."""
    rows, labels, weights = training_set(
        X, y, gamma=gamma, method_kind=method_kind, synthetic=synthetic
    )
    return make_model().fit(rows, labels, sample_weight=weights)


def _fit_one(X, y, synthetic, make_model, method_kind, gamma) -> dict:
    start = time.perf_counter()
    try:
        model = fit_at_gamma(X, y, synthetic, make_model, method_kind, gamma)
    except Exception as err:  # recorded per fit, see augment_training
        log.warning("fit %s gamma=%g failed: %r", method_kind, gamma, err)
        return {"error": f"{type(err).__name__}: {err}"}
    return {
        "intercept": float(model.intercept_),
        "coef": np.asarray(model.coef_, dtype=float),
        "n_iter": int(getattr(model, "n_iter_", -1)),
        "seconds": time.perf_counter() - start,
        "error": "",
    }


def _stack_fits(records: list[dict]) -> dict[str, np.ndarray]:
    width = max((len(r["coef"]) for r in records if "coef" in r), default=0)
    return {
        "replicate": np.array([r["replicate"] for r in records], dtype=np.int64),
        "gamma": np.array([r["gamma"] for r in records]),
        "intercept": np.array([r.get("intercept", np.nan) for r in records]),
        "coef": np.array([r.get("coef", np.full(width, np.nan)) for r in records]).reshape(
            len(records), width
        ),
        "n_iter": np.array([r.get("n_iter", -1) for r in records], dtype=np.int64),
        "seconds": np.array([r.get("seconds", np.nan) for r in records]),
        "error": np.array([r["error"] for r in records], dtype=str),
    }


def evaluate_fits(
    fits: dict[str, np.ndarray],
    test: dict[str, np.ndarray],
    *,
    dgp: GaussianMixtureDGP,
    model,
    prevalences: dict[str, float],
    bayes: dict[float, dict[str, float]],
) -> list[dict]:
    """Metric rows for every fit of a chunk.

    For each fit and each labelled evaluation prevalence: the empirical metrics on the test
    set (reweighted to that prevalence) and, for a linear model, the exact population metrics.
    ``bayes`` maps a prevalence to the Bayes metrics there; ``regret = bayes - value``.
    A failed fit gives NaN values and its error text. Returns one dict per
    (fit, prevalence, source, metric).
    """
    features = model.features(test["X"])
    linear = features.shape[1] == dgp.dim  # the score is linear in x: population metrics exist
    sources = ["empirical", "population"] if linear else ["empirical"]
    rows = []
    for i, replicate in enumerate(fits["replicate"]):
        fit = {"replicate": int(replicate), "gamma": float(fits["gamma"][i])}
        error = str(fits["error"][i])
        if error:
            by_prevalence = [dict.fromkeys(sources) for _ in prevalences]
        else:
            by_prevalence = _fit_metrics(
                test["y"], features, dgp, fits["coef"][i], fits["intercept"][i],
                prevalences=list(prevalences.values()), linear=linear,
            )  # fmt: skip
        for (label, prevalence), by_source in zip(prevalences.items(), by_prevalence, strict=True):
            reference = bayes[_prevalence_key(prevalence)]
            where = fit | {"evaluation": label, "prevalence": prevalence}
            rows += _metric_rows(where, by_source, reference, error)
    return rows


def _fit_metrics(y_test, features, dgp, coef, intercept, *, prevalences, linear) -> list[dict]:
    """Per prevalence, the metrics of one fit by source; the test scores are sorted once."""
    from augsim.metrics import score_metrics_at
    from augsim.population import linear_metrics

    empirical = score_metrics_at(y_test, features @ coef + intercept, prevalences)
    by_prevalence = [{"empirical": values} for values in empirical]
    if linear:
        for p, by_source in zip(prevalences, by_prevalence, strict=True):
            by_source["population"] = linear_metrics(dgp, coef, intercept, prevalence=p)
    return by_prevalence


def _metric_rows(where: dict, by_source: dict, reference: dict, error: str) -> list[dict]:
    from augsim.metrics import METRIC_NAMES

    rows = []
    for source, values in by_source.items():
        for metric in METRIC_NAMES:
            value = np.nan if values is None else values[metric]
            rows.append(
                where
                | {"source": source, "metric": metric, "value": value}
                | {"bayes": reference[metric], "regret": reference[metric] - value, "error": error}
            )
    return rows


def _prevalence_key(prevalence: float) -> float:
    return round(float(prevalence), 12)


def bayes_lookup(rows: list[dict]) -> dict[float, dict[str, float]]:
    """Index Bayes-reference rows (``prevalence``, ``metric``, ``value``) by prevalence."""
    table: dict[float, dict[str, float]] = defaultdict(dict)
    for row in rows:
        table[_prevalence_key(row["prevalence"])][row["metric"]] = float(row["value"])
    return dict(table)


def build_dgp(spec: dict) -> GaussianMixtureDGP:
    """The DGP of a config entry ``{"name": ..., "params": {...}}``."""
    from augsim.dgps import make_dgp

    return make_dgp(spec["name"], **(spec.get("params") or {}))


def build_generator(spec: dict, dgp: GaussianMixtureDGP):
    """The generator of a config entry; generators that sample the truth get the DGP."""
    from augsim.generators import GENERATORS, make_generator

    params = dict(spec.get("params") or {})
    if getattr(GENERATORS.get(spec["name"]), "needs_dgp", False):
        params["dgp"] = dgp
    return make_generator(spec["name"], **params)


def build_model(spec: dict):
    """The (unfitted) score model of a config entry."""
    from augsim.models import make_model

    return make_model(spec["name"], **(spec.get("params") or {}))


def population_table(
    dgps: dict[str, GaussianMixtureDGP],
    generator_specs: dict[str, dict],
    *,
    weights: Sequence[float],
    weight_curve_dgps: Sequence[str],
    gamma_cells: Sequence[dict],
    imbalance_ratio: float,
    extra_prevalences: Sequence[float],
) -> list[dict]:
    """Population (n -> infinity) metric rows of the restricted-class projection.

    ``weight_curve`` rows: the projection at each minority weight ``w`` (figure 6).
    ``gamma_curve`` rows: for each linear cell, the projection that fitting at each gamma
    converges to: minority weight ``(n1 + m) / (n0 + n1 + m)`` and, for a generator, the
    minority distribution mixed with the generator's population limit at share ``m / (n1 + m)``.
    """
    from augsim.population import bayes_metrics, linear_metrics, projection

    def metric_rows(dgp_key, prevalences, theta, extra):
        intercept, coef = theta
        for label, prevalence in prevalences.items():
            bayes = bayes_metrics(dgps[dgp_key], prevalence=prevalence)
            values = linear_metrics(dgps[dgp_key], coef, intercept, prevalence=prevalence)
            for metric, value in values.items():
                yield {
                    "dgp": dgp_key,
                    **extra,
                    "evaluation": label,
                    "prevalence": prevalence,
                    "metric": metric,
                    "value": value,
                    "bayes": bayes[metric],
                }

    rows: list[dict] = []
    training = labelled_prevalences(1.0 / (1.0 + imbalance_ratio), extra_prevalences)
    for key in weight_curve_dgps:
        for w in weights:
            theta = projection(dgps[key], minority_weight=w)
            extra = {"kind": "weight_curve", "n": 0, "method": "weighting", "gamma": np.nan}
            rows += metric_rows(key, training, theta, extra | {"weight": w})
    for cell in gamma_cells:
        dgp = dgps[cell["dgp"]]
        n0, n1 = class_sizes(cell["n"], imbalance_ratio)
        prevalences = labelled_prevalences(n1 / (n0 + n1), extra_prevalences)
        limit = _population_limit(cell["method"], generator_specs, dgp)
        for gamma in cell["gammas"]:
            m = synthetic_count(gamma, n0, n1)
            w = (n1 + m) / (n0 + n1 + m)
            share = m / (n1 + m) if limit is not None else 0.0
            theta = projection(
                dgp, minority_weight=w, synthetic_components=limit, synthetic_share=share
            )
            extra = {"kind": "gamma_curve", "n": cell["n"], "method": cell["method"]}
            rows += metric_rows(
                cell["dgp"], prevalences, theta, extra | {"gamma": gamma, "weight": w}
            )
    return rows


def _population_limit(method: str, generator_specs: dict[str, dict], dgp: GaussianMixtureDGP):
    """The synthetic minority distribution a method tends to as n -> infinity (None: the truth)."""
    if method in (RAW, REWEIGHT):
        return None
    return build_generator(generator_specs[method], dgp).population_limit(dgp)

"""Metric rows of fitted scores: on the test rows and, where they exist, exact population values.

A fit is scored on test rows reweighted to each evaluation prevalence (``empirical``) and, for
a model that declares exact population metrics (``exact_population``) fitted on a source with a
population, exactly (``population``, see :func:`augsim.sources.kinds.metric_sources`). Only the
sources some table, figure or claim reads are computed: the shown one (the most precise), and
the test set's beside exact metrics only where an item compares them on the test set
(:meth:`augsim.study.plan.Plan.metric_sources`).
Regret is the Bayes reference minus the value, where the source has a Bayes reference.

The calibration metrics of the score read as log-odds (:mod:`augsim.metrics.calibration`) come from
the shown source only (the most precise), both as fitted and with the intercept corrected for
the fit's minority share (the prior-shift correction, ``*_corrected``); they have no Bayes
reference, so no regret.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from augsim.metrics import calibration
from augsim.metrics.ranking import score_metrics_at
from augsim.metrics.registry import ALL, RANKING
from augsim.sources.kinds import EMPIRICAL, POPULATION, metric_sources
from augsim.study.design import minority_weight

if TYPE_CHECKING:  # the DGPs import SciPy's linear algebra, which a data set's fits never use
    from augsim.sources.dgps import GaussianMixtureDGP


def evaluate_fits(
    fits: dict[str, np.ndarray],
    test: dict[str, np.ndarray],
    *,
    model,
    prevalences: dict[str, float],
    population: GaussianMixtureDGP | None,
    bayes: dict[float, dict[str, float]] | None,
    class_counts: tuple[int, int],
    sources: Sequence[str] | None = None,
) -> dict[str, np.ndarray]:
    """Metric rows for every fit of a chunk, as columns.

    ``test`` holds one test set (``X`` (T, d)) or each replicate's own (``X`` (R, T, d) with
    ``replicate`` (R,): a data set's test parts). ``population`` is the source's DGP, or None
    for a source without one; ``bayes`` maps a prevalence to the Bayes metrics there (see
    :func:`bayes_lookup`), or is None; ``class_counts`` are the training replicates' (n0, n1),
    which give each fit's minority share at its gamma. ``sources`` are the metric sources to
    compute, the shown one last (:meth:`augsim.study.plan.Plan.metric_sources`; None: every one
    the model and the source have). A failed fit gives NaN values and its error text.

    Returns equal-length arrays, one entry per (fit, prevalence, source, metric) in that order:
    ``replicate``, ``gamma``, ``evaluation``, ``prevalence``, ``source``, ``metric``,
    ``value``, ``bayes``, ``regret`` and ``error``.
    """
    available = metric_sources(
        exact_model=model.exact_population, has_population=population is not None
    )
    sources = available if sources is None else tuple(sources)
    if not sources or sources[-1] != available[-1] or not set(sources) <= set(available):
        raise ValueError(f"metric sources {list(sources)}: the shown one, {available[-1]!r}, "
                         f"must come last, among {list(available)}")  # fmt: skip
    block = [(source, metric) for source in sources for metric in _metrics_of(source, sources)]
    on_test_set = EMPIRICAL in sources
    test_features = _test_features(test, model, keeps_scores(fits) or not on_test_set)
    labels, values = list(prevalences), list(prevalences.values())
    metric_values = np.full((len(fits["replicate"]), len(values), len(block)), np.nan)
    for i, replicate in enumerate(fits["replicate"]):
        if str(fits["error"][i]):
            continue
        share = minority_weight(float(fits["gamma"][i]), *class_counts)
        scores = fit_scores(fits, i, test_features(int(replicate))) if on_test_set else None
        by_prevalence = _fit_metrics(
            test["y"], scores, population,
            fits["coef"][i], fits["intercept"][i], prevalences=values, sources=sources,
            share=share,
        )  # fmt: skip
        metric_values[i] = [[by_source[s][m] for s, m in block] for by_source in by_prevalence]
    reference = np.array([[_reference(bayes, p).get(m, np.nan) for _, m in block] for p in values])
    return _columns(fits, labels, values, block, metric_values, reference)


def _metrics_of(source: str, sources: Sequence[str]) -> tuple[str, ...]:
    """Every metric from the shown source (the last), the ranking ones from the others."""
    return ALL if source == sources[-1] else RANKING


def _columns(fits, labels, values, block, metric_values, reference) -> dict[str, np.ndarray]:
    """The metric columns of :func:`evaluate_fits` from the values (F, P, K) of F fits at P
    prevalences over the K (source, metric) pairs of ``block``, and the Bayes values (P, K)."""
    n_fits, per_fit = metric_values.shape[0], metric_values.shape[1] * metric_values.shape[2]
    per_prevalence = len(block)
    bayes = np.broadcast_to(reference, metric_values.shape).reshape(-1)
    value = metric_values.reshape(-1)
    return {
        "replicate": np.repeat(np.asarray(fits["replicate"], dtype=np.int64), per_fit),
        "gamma": np.repeat(np.asarray(fits["gamma"], dtype=float), per_fit),
        "evaluation": np.tile(np.repeat(np.array(labels, dtype=str), per_prevalence), n_fits),
        "prevalence": np.tile(np.repeat(np.array(values, dtype=float), per_prevalence), n_fits),
        "source": np.tile(np.array([s for s, _ in block], dtype=str), n_fits * len(values)),
        "metric": np.tile(np.array([m for _, m in block], dtype=str), n_fits * len(values)),
        "value": value,
        "bayes": bayes,
        "regret": bayes - value,
        "error": np.repeat(np.asarray(fits["error"], dtype=str), per_fit),
    }


def _test_features(test: dict[str, np.ndarray], model, unused: bool):
    """``replicate -> features`` of its test rows (None where they are ``unused``: the fits
    kept their scores, or no metric is taken on the test set)."""
    if unused:
        return lambda replicate: None
    if test["X"].ndim == 2:
        shared = model.features(test["X"])
        return lambda replicate: shared
    position = {int(r): k for k, r in enumerate(test["replicate"])}
    return lambda replicate: model.features(test["X"][position[replicate]])


def keeps_scores(fits: dict[str, np.ndarray]) -> bool:
    """Whether the fits kept their test scores (a model without coefficients)."""
    scores = fits.get("scores")
    return scores is not None and scores.shape[1] > 0


def fit_scores(fits: dict[str, np.ndarray], i: int, features: np.ndarray | None) -> np.ndarray:
    """The test scores (T,) of fit ``i``: kept, or from its coefficients and the model's
    ``features`` of the test rows (T, p)."""
    if features is None:
        return fits["scores"][i]
    return features @ fits["coef"][i] + fits["intercept"][i]


def _fit_metrics(y_test, scores, population, coef, intercept, *, prevalences, sources, share):
    """Per prevalence, the metrics of one fit by source; the test scores are sorted once. The
    shown source (the last) adds the calibration metrics, as fitted and prior-shift corrected
    from the fit's minority ``share`` to each prevalence."""
    by_prevalence = [{} for _ in prevalences]
    if EMPIRICAL in sources:
        empirical = score_metrics_at(y_test, scores, prevalences)
        for values, by_source in zip(empirical, by_prevalence, strict=True):
            by_source[EMPIRICAL] = values
    if POPULATION in sources:
        from augsim.population.linear import linear_metrics_at

        exact = linear_metrics_at(population, coef, intercept, prevalences)
        for values, by_source in zip(exact, by_prevalence, strict=True):
            by_source[POPULATION] = values
    shown = sources[-1]
    if shown == POPULATION:
        from augsim.population.calibration import linear_calibration_at

        def calibration_at(shift, pis):
            return linear_calibration_at(population, coef, intercept + shift, pis)
    else:

        def calibration_at(shift, pis):
            return calibration.calibration_metrics_at(y_test, scores + shift, pis)

    # the score as fitted at every prevalence in one call (its prevalence-free parts shared);
    # the corrected score differs per prevalence
    fitted = calibration_at(0.0, prevalences)
    for pi, as_fitted, by_source in zip(prevalences, fitted, by_prevalence, strict=True):
        (corrected,) = calibration_at(calibration.prior_shift(share, pi), [pi])
        by_source[shown] = by_source.get(shown, {}) | as_fitted | calibration.corrected(corrected)
    return by_prevalence


def _reference(bayes: dict | None, prevalence: float) -> dict[str, float]:
    if bayes is None:
        return dict.fromkeys(RANKING, np.nan)
    return bayes[_prevalence_key(prevalence)]


def _prevalence_key(prevalence: float) -> float:
    return round(float(prevalence), 12)


def bayes_lookup(rows: list[dict]) -> dict[float, dict[str, float]]:
    """Index Bayes-reference rows (``prevalence``, ``metric``, ``value``) by prevalence."""
    table: dict[float, dict[str, float]] = defaultdict(dict)
    for row in rows:
        table[_prevalence_key(row["prevalence"])][row["metric"]] = float(row["value"])
    return dict(table)

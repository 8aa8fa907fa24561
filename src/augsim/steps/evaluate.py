"""Metric rows of fitted scores: on the test rows and, where they exist, exact population values.

Every fit is scored on test rows reweighted to each evaluation prevalence (``empirical``). A
model that declares exact population metrics (``exact_population``), fitted on a source with a
population, is also scored exactly (``population``, see
:func:`augsim.sources.kinds.metric_sources`).
Regret is the Bayes reference minus the value, where the source has a Bayes reference.

The calibration metrics of the score read as log-odds (:mod:`augsim.metrics.calibration`) come from
the shown source only (the most precise), both as fitted and with the intercept corrected for
the fit's minority share (the prior-shift correction, ``*_corrected``); they have no Bayes
reference, so no regret.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from augsim.metrics import calibration
from augsim.metrics.ranking import score_metrics_at
from augsim.metrics.registry import ALL, RANKING
from augsim.sources.dgps import GaussianMixtureDGP
from augsim.sources.kinds import POPULATION, metric_sources
from augsim.study.design import minority_weight


def evaluate_fits(
    fits: dict[str, np.ndarray],
    test: dict[str, np.ndarray],
    *,
    model,
    prevalences: dict[str, float],
    population: GaussianMixtureDGP | None,
    bayes: dict[float, dict[str, float]] | None,
    class_counts: tuple[int, int],
) -> list[dict]:
    """Metric rows for every fit of a chunk.

    ``test`` holds one test set (``X`` (T, d)) or each replicate's own (``X`` (R, T, d) with
    ``replicate`` (R,): a data set's test parts). ``population`` is the source's DGP, or None
    for a source without one; ``bayes`` maps a prevalence to the Bayes metrics there (see
    :func:`bayes_lookup`), or is None; ``class_counts`` are the training replicates' (n0, n1),
    which give each fit's minority share at its gamma. A failed fit gives NaN values and its
    error text. Returns one dict per (fit, prevalence, source, metric).
    """
    test_features = _test_features(test, model, keeps_scores(fits))
    sources = metric_sources(
        exact_model=model.exact_population, has_population=population is not None
    )
    rows = []
    for i, replicate in enumerate(fits["replicate"]):
        fit = {"replicate": int(replicate), "gamma": float(fits["gamma"][i])}
        error = str(fits["error"][i])
        if error:
            by_prevalence = [dict.fromkeys(sources) for _ in prevalences]
        else:
            share = minority_weight(fit["gamma"], *class_counts)
            by_prevalence = _fit_metrics(
                test["y"], fit_scores(fits, i, test_features(int(replicate))), population,
                fits["coef"][i], fits["intercept"][i], prevalences=list(prevalences.values()),
                sources=sources, share=share,
            )  # fmt: skip
        for (label, prevalence), by_source in zip(prevalences.items(), by_prevalence, strict=True):
            reference = _reference(bayes, prevalence)
            where = fit | {"evaluation": label, "prevalence": prevalence}
            rows += _metric_rows(where, by_source, reference, error)
    return rows


def _test_features(test: dict[str, np.ndarray], model, kept: bool):
    """``replicate -> features`` of its test rows (None for fits that kept their scores)."""
    if kept:
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
    empirical = score_metrics_at(y_test, scores, prevalences)
    by_prevalence = [{"empirical": values} for values in empirical]
    if POPULATION in sources:
        from augsim.population.linear import linear_metrics_at

        exact = linear_metrics_at(population, coef, intercept, prevalences)
        for values, by_source in zip(exact, by_prevalence, strict=True):
            by_source[POPULATION] = values
    shown = sources[-1]
    for pi, by_source in zip(prevalences, by_prevalence, strict=True):
        shift = calibration.prior_shift(share, pi)
        if shown == POPULATION:
            from augsim.population.calibration import linear_calibration_at

            (fitted,) = linear_calibration_at(population, coef, intercept, [pi])
            (corrected,) = linear_calibration_at(population, coef, intercept + shift, [pi])
        else:
            (fitted,) = calibration.calibration_metrics_at(y_test, scores, [pi])
            (corrected,) = calibration.calibration_metrics_at(y_test, scores + shift, [pi])
        by_source[shown] = by_source[shown] | fitted | calibration.corrected(corrected)
    return by_prevalence


def _reference(bayes: dict | None, prevalence: float) -> dict[str, float]:
    if bayes is None:
        return dict.fromkeys(RANKING, np.nan)
    return bayes[_prevalence_key(prevalence)]


def _metric_rows(where: dict, by_source: dict, reference: dict, error: str) -> list[dict]:
    shown = list(by_source)[-1]
    rows = []
    for source, values in by_source.items():
        for metric in ALL if source == shown else RANKING:
            value = np.nan if values is None else values[metric]
            bayes = reference.get(metric, np.nan)
            rows.append(
                where
                | {"source": source, "metric": metric, "value": value}
                | {"bayes": bayes, "regret": bayes - value, "error": error}
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

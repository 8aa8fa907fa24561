"""Metric rows of fitted scores: on the test rows and, where they exist, exact population values.

Every fit is scored on test rows reweighted to each evaluation prevalence (``empirical``). A
model that declares exact population metrics (``exact_population``), fitted on a source with a
population, is also scored exactly (``population``, see :func:`augsim.sources.metric_sources`).
Regret is the Bayes reference minus the value, where the source has a Bayes reference.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from augsim.dgps import GaussianMixtureDGP
from augsim.metrics import METRIC_NAMES, score_metrics_at
from augsim.sources import POPULATION, metric_sources


def evaluate_fits(
    fits: dict[str, np.ndarray],
    test: dict[str, np.ndarray],
    *,
    model,
    prevalences: dict[str, float],
    population: GaussianMixtureDGP | None,
    bayes: dict[float, dict[str, float]] | None,
) -> list[dict]:
    """Metric rows for every fit of a chunk.

    ``population`` is the source's DGP, or None for a source without one; ``bayes`` maps a
    prevalence to the Bayes metrics there (see :func:`bayes_lookup`), or is None. A failed fit
    gives NaN values and its error text. Returns one dict per (fit, prevalence, source, metric).
    """
    features = None if keeps_scores(fits) else model.features(test["X"])
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
            by_prevalence = _fit_metrics(
                test["y"], fit_scores(fits, i, features), population, fits["coef"][i],
                fits["intercept"][i], prevalences=list(prevalences.values()), sources=sources,
            )  # fmt: skip
        for (label, prevalence), by_source in zip(prevalences.items(), by_prevalence, strict=True):
            reference = _reference(bayes, prevalence)
            where = fit | {"evaluation": label, "prevalence": prevalence}
            rows += _metric_rows(where, by_source, reference, error)
    return rows


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


def _fit_metrics(y_test, scores, population, coef, intercept, *, prevalences, sources):
    """Per prevalence, the metrics of one fit by source; the test scores are sorted once."""
    empirical = score_metrics_at(y_test, scores, prevalences)
    by_prevalence = [{"empirical": values} for values in empirical]
    if POPULATION in sources:
        from augsim.population import linear_metrics_at

        exact = linear_metrics_at(population, coef, intercept, prevalences)
        for values, by_source in zip(exact, by_prevalence, strict=True):
            by_source[POPULATION] = values
    return by_prevalence


def _reference(bayes: dict | None, prevalence: float) -> dict[str, float]:
    if bayes is None:
        return dict.fromkeys(METRIC_NAMES, np.nan)
    return bayes[_prevalence_key(prevalence)]


def _metric_rows(where: dict, by_source: dict, reference: dict, error: str) -> list[dict]:
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

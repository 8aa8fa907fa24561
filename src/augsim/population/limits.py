"""Population (n -> infinity) curves: the metrics of the restricted-class projection.

``weight_curve`` rows: the projection of linear logistic regression at each minority weight
``w`` (figure 6). ``gamma_curve`` rows: for each cell of a model with exact population metrics,
the projection that fitting at each gamma converges to: minority weight ``(n1 + m) / (n0 + n1 +
m)`` and, for a generator, the true minority mixed with the generator's population limit at
share ``m / (n1 + m)``. Every generator goes through that one path, the truth sampler included
(its limit is the true minority), so a check that the truth sampler's curve equals the
weighting-only curve compares two different computations.

A generator's limit is the distribution its rows tend to as the sampling error of the cell's
real rows vanishes, with its settings as at the cell's size: for the kernel samplers (ROSE, the
KDE) the kernel they use at that n, which shrinks as n grows (their n -> infinity limit is the
truth); for every other generator the n -> infinity limit itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import numpy as np

from augsim.generators.registry import build_generator
from augsim.population.bayes import bayes_metrics
from augsim.population.linear import linear_metrics
from augsim.population.projection import projection
from augsim.sources.dgps import GaussianMixtureDGP
from augsim.study.design import minority_weight, synthetic_share


def population_table(
    dgps: Mapping[str, GaussianMixtureDGP],
    generator_specs: Mapping[str, dict],
    *,
    weights: Sequence[float],
    weight_curve_dgps: Sequence[str],
    limit_prevalences: Mapping[str, float],
    gamma_cells: Sequence[dict],
) -> list[dict]:
    """Population metric rows of the projection: weight curves, then gamma curves.

    The weight curves of ``weight_curve_dgps`` are at ``limit_prevalences`` (by label).
    ``gamma_cells`` holds ``{"dgp", "n", "method", "gammas", "class_counts", "prevalences"}``
    per cell (:attr:`augsim.study.plan.Plan.population_cells`); a method that is not a key of
    ``generator_specs`` (raw, reweight) draws no synthetic rows; every generator of a cell has a
    closed-form limit on its DGP (the plan schedules no other).
    """
    rows: list[dict] = []
    for key in weight_curve_dgps:
        for w in weights:
            theta = projection(dgps[key], minority_weight=w)
            where = {"dgp": key, "kind": "weight_curve", "n": 0, "method": "weighting"}
            where |= {"gamma": np.nan, "weight": w}
            rows += _metric_rows(dgps[key], limit_prevalences, theta, where)
    for cell in gamma_cells:
        rows += _gamma_curve(dgps[cell["dgp"]], generator_specs.get(cell["method"]), cell)
    return rows


def _gamma_curve(dgp: GaussianMixtureDGP, spec: dict | None, cell: Mapping) -> list[dict]:
    """The rows of one cell's gamma curve: the projection at each gamma's minority weight, with
    the generator's limit mixed in at the synthetic share."""
    n0, n1 = cell["class_counts"]
    limit = None
    if spec is not None:
        limit = build_generator(spec, dgp).population_limit(dgp, n0=n0, n1=n1)
        if limit is None:
            raise ValueError(f"{spec['name']} has no closed-form limit on {cell['dgp']}")
    rows = []
    for gamma in cell["gammas"]:
        w = minority_weight(gamma, n0, n1)
        share = 0.0 if limit is None else synthetic_share(gamma, n0, n1)
        theta = projection(
            dgp, minority_weight=w, synthetic_components=limit, synthetic_share=share
        )
        where = {"dgp": cell["dgp"], "kind": "gamma_curve", "n": cell["n"]}
        where |= {"method": cell["method"], "gamma": gamma, "weight": w}
        rows += _metric_rows(dgp, cell["prevalences"], theta, where)
    return rows


def _metric_rows(
    dgp: GaussianMixtureDGP, prevalences: dict[str, float], theta, where: dict
) -> Iterator[dict]:
    intercept, coef = theta
    for label, prevalence in prevalences.items():
        bayes = bayes_metrics(dgp, prevalence=prevalence)
        values = linear_metrics(dgp, coef, intercept, prevalence=prevalence)
        for metric, value in values.items():
            yield where | {
                "evaluation": label,
                "prevalence": prevalence,
                "metric": metric,
                "value": value,
                "bayes": bayes[metric],
            }

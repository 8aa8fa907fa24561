"""The restricted-class projection of linear logistic regression: the population minimiser of
the class-weighted logistic risk over linear scores, with the minority distribution optionally
mixed with a synthetic Gaussian mixture. The risk, its gradient and Hessian (Stein's lemma on each
Gaussian component) are here; the minimisation is the shared damped Newton driver's
(:mod:`augsim.models.damped_newton`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from scipy import linalg, special

from augsim.models.damped_newton import NewtonProblem, damped_newton
from augsim.population.linear import linear_metrics
from augsim.population.quadrature import check_open_unit, check_share, check_synthetic, normal_rule
from augsim.sources.dgps import Component, GaussianMixtureDGP

__all__ = ["projection", "projection_curve"]

logger = logging.getLogger(__name__)


class _RiskTerm(NamedTuple):
    """One Gaussian component's share ``scale * E[h_label(b + beta . x)]`` of the risk."""

    scale: float
    mean: np.ndarray  # (d,)
    cov: np.ndarray  # (d, d)
    label: int


def projection(
    dgp: GaussianMixtureDGP,
    *,
    minority_weight: float,
    synthetic_components: Sequence[Component] | None = None,
    synthetic_share: float = 0.0,
) -> tuple[float, np.ndarray]:
    """The population minimiser of the class-weighted logistic risk over linear scores.

    Minimises ``(1 - w) E_0[log(1 + e^s)] + w E_1'[log(1 + e^-s)]`` over ``s = b + beta . x``,
    where class 1' is ``(1 - rho)`` times the true minority plus ``rho`` times the synthetic
    mixture. Damped Newton from ``theta = 0`` with exact gradient and Hessian (Stein's lemma on
    each Gaussian component), until half the squared Newton decrement is at most 1e-20, then a
    last full step.

    Parameters
    ----------
    dgp : GaussianMixtureDGP
        The population.
    minority_weight : float
        ``w`` in (0, 1): the minority class's share of the loss.
    synthetic_components : list of (weight, mean (dim,), cov (dim, dim)), optional
        The synthetic minority distribution, a Gaussian mixture (covariances may be singular).
    synthetic_share : float
        ``rho`` in [0, 1]: the synthetic share of the minority distribution.

    Returns
    -------
    intercept : float
    coef : ndarray of shape (dim,)
    """
    w = check_open_unit("minority_weight", minority_weight)
    rho = check_share(synthetic_share)
    if synthetic_components is None:
        if rho > 0:
            raise ValueError("synthetic_share > 0 needs synthetic_components, got None")
        synthetic = []
    else:
        synthetic = check_synthetic(synthetic_components, dgp.dim)
    terms = [_RiskTerm((1 - w) * c.weight, c.mean, c.cov, 0) for c in dgp.components(0)]
    terms += [_RiskTerm(w * (1 - rho) * c.weight, c.mean, c.cov, 1) for c in dgp.components(1)]
    terms += [_RiskTerm(w * rho * c.weight, c.mean, c.cov, 1) for c in synthetic]
    theta = _newton([t for t in terms if t.scale > 0], dgp.dim)
    return float(theta[0]), theta[1:]


def projection_curve(
    dgp: GaussianMixtureDGP,
    weights: Sequence[float],
    *,
    prevalence: float,
    synthetic_components: Sequence[Component] | None = None,
    synthetic_share: float = 0.0,
) -> list[dict]:
    """The projection and its exact metrics for each minority weight.

    Returns
    -------
    list of dict
        One per weight, in order: ``minority_weight``, ``intercept``, ``coef`` (ndarray (dim,))
        and the ranking metrics of :func:`linear_metrics` at ``prevalence``.
    """
    rows = []
    for w in weights:
        intercept, coef = projection(
            dgp,
            minority_weight=w,
            synthetic_components=synthetic_components,
            synthetic_share=synthetic_share,
        )
        metrics = linear_metrics(dgp, coef, intercept, prevalence=prevalence)
        rows.append({"minority_weight": float(w), "intercept": intercept, "coef": coef, **metrics})
    return rows


class _Iterate(NamedTuple):
    """The risk's value, gradient (d+1,) and Hessian (d+1, d+1) at ``theta = (b, beta)``."""

    theta: np.ndarray
    value: float
    grad: np.ndarray
    hess: np.ndarray


class _Projection(NewtonProblem[_Iterate, np.ndarray, np.ndarray]):
    """The risk of ``terms`` for the damped Newton driver; the step is in ``theta``."""

    __slots__ = ("terms",)

    def __init__(self, terms: Sequence[_RiskTerm]) -> None:
        self.terms = terms

    def newton_step(self, point: _Iterate) -> tuple[np.ndarray, float]:
        step = -linalg.solve(point.hess, point.grad, assume_a="pos")
        return step, -float(point.grad @ step)

    def move(self, point: _Iterate, step: np.ndarray, t: float) -> _Iterate:
        theta = point.theta + t * step
        return _Iterate(theta, *_risk(self.terms, theta))

    def slope(self, point: _Iterate, step: np.ndarray) -> float:
        return float(point.grad @ step)

    def value(self, point: _Iterate) -> float:
        return point.value

    def finish(self, point: _Iterate, step: np.ndarray | None) -> np.ndarray:
        return point.theta if step is None else point.theta + step


def _newton(terms: Sequence[_RiskTerm], dim: int) -> np.ndarray:
    """Minimiser ``(b, beta)`` of shape (dim + 1,) of the strictly convex risk of ``terms``.

    Damped Newton from zero to half the squared Newton decrement 1e-20 (the risk weighs a total
    mass of 1, so is of order one), then a last full step: its error is ~1e-20.
    """
    theta = np.zeros(dim + 1)
    problem = _Projection(terms)
    start = _Iterate(theta, *_risk(terms, theta))
    result = damped_newton(problem, start, tol=1e-20, scale=1.0, max_iter=100)
    if not result.converged:
        raise RuntimeError(f"projection: Newton did not converge, decrement {result.decrement:.1e}")
    logger.debug("projection: %d Newton steps, decrement %.1e", result.n_iter, result.decrement)
    return result.solution


def _risk(terms: Sequence[_RiskTerm], theta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """Risk value, gradient (d+1,) and Hessian (d+1, d+1) at ``theta = (b, beta)``.

    Stein's lemma for x ~ N(mu, S), s = b + beta . x, c = S beta:
    E[g(s) x] = mu E[g] + c E[g'] and E[g(s) x x'] = (S + mu mu') E[g] + (mu c' + c mu') E[g']
    + c c' E[g''], so only 1-D expectations of the loss's derivatives are needed.
    """
    b, beta = theta[0], theta[1:]
    value, grad, hess = 0.0, np.zeros_like(theta), np.zeros((theta.size, theta.size))
    for scale, mean, cov, label in terms:
        c = cov @ beta
        m = b + beta @ mean
        e0, e1, e2, e3, e4 = scale * _loss_moments(m, np.sqrt(max(beta @ c, 0.0)), label)
        value += e0
        grad[0] += e1
        grad[1:] += mean * e1 + c * e2
        hess[0, 0] += e2
        hess[0, 1:] += mean * e2 + c * e3
        cross = np.outer(mean, c)
        hess[1:, 1:] += (cov + np.outer(mean, mean)) * e2 + (cross + cross.T) * e3
        hess[1:, 1:] += np.outer(c, c) * e4
    hess[1:, 0] = hess[0, 1:]
    return value, grad, hess


def _loss_moments(mean: float, sd: float, label: int) -> np.ndarray:
    """E[h(s)], E[h'(s)], ..., E[h''''(s)] for s ~ N(mean, sd^2); returns (5,).

    ``h`` is the logistic loss of class ``label``: log(1 + e^s) for 0, log(1 + e^-s) for 1.
    """
    nodes, weights = normal_rule(mean, sd)
    sign = 1.0 if label == 0 else -1.0
    p = special.expit(nodes)
    d2 = p * special.expit(-nodes)
    derivatives = np.stack(
        [
            np.logaddexp(0.0, sign * nodes),
            sign * special.expit(sign * nodes),  # sigmoid(s), or sigmoid(s) - 1 = -sigmoid(-s)
            d2,
            d2 * (1.0 - 2.0 * p),
            d2 * (1.0 - 6.0 * d2),  # 1 - 6p + 6p^2 = 1 - 6 p (1 - p)
        ]
    )
    return derivatives @ weights

"""Exact population calibration metrics of a linear score read as a log-odds.

Brier score and log loss are 1-D expectations over the score's class laws; the recalibration
fit (intercept and slope) is a 2-parameter problem of the shared damped Newton driver
(:mod:`augsim.models.damped_newton`) on 1-D expectations. The population counterpart of
:mod:`augsim.metrics.calibration`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from scipy import special

from augsim.metrics.registry import CALIBRATION
from augsim.models.damped_newton import NewtonProblem, damped_newton
from augsim.population.quadrature import (
    LOGISTIC_POINTS,
    SQRT2PI,
    check_linear_score,
    check_open_unit,
    local_panel_rule,
    score_law,
)
from augsim.sources.dgps import GaussianMixtureDGP

__all__ = ["linear_calibration_at"]

logger = logging.getLogger(__name__)


class _CentredLaws(NamedTuple):
    """Both class laws of a score ``s = origin + scale * x``: x's component offsets and sds
    (k,) and each component's weight within its class (0 for the other class's components)."""

    origin: float
    scale: float
    offsets: np.ndarray
    sds: np.ndarray
    pos_weights: np.ndarray
    neg_weights: np.ndarray


def linear_calibration_at(
    dgp: GaussianMixtureDGP, coef: np.ndarray, intercept: float, prevalences: Sequence[float]
) -> list[dict[str, float]]:
    """Exact population calibration metrics of the log-odds score ``s = X @ coef + intercept``.

    The population counterpart of :func:`augsim.metrics.calibration.calibration_metrics_at`: the
    classes keep their laws and weigh ``pi`` and ``1 - pi``. Unlike the ranking metrics these
    depend on the intercept and on the scale of ``coef``.

    Parameters
    ----------
    dgp : GaussianMixtureDGP
        The population's class conditionals (class 1 positive).
    coef : array-like of shape (dim,)
        Finite score coefficients.
    intercept : float
        Finite score offset.
    prevalences : sequence of float
        Positive prevalences in (0, 1).

    Returns
    -------
    list of dict of str to float
        One per prevalence, in order, keyed by the calibration metrics: ``brier`` and ``log_loss``
        (sums over components of 1-D normal expectations by the composite rule, ~1e-13), and
        ``calibration_intercept`` ``a`` and ``calibration_slope`` ``b`` minimising the
        population logistic risk ``pi E_1[log(1 + e^-(a + b s))] + (1 - pi) E_0[log(1 +
        e^(a + b s))]`` (Newton, to ~1e-12). A constant score (``coef = 0``) has the Brier score
        and log loss of the constant and NaN intercept and slope.
    """
    pis = [check_open_unit("prevalence", p) for p in prevalences]
    coef, intercept = check_linear_score(coef, intercept, dgp.dim)
    peak = float(np.abs(coef).max())
    if peak == 0.0:
        return [_constant_calibration(intercept, pi) for pi in pis]
    laws = _centred_laws(dgp, coef / peak, peak, intercept)
    # The score itself is t = alpha + b x at (alpha, b) = (origin, scale).
    rule = _calibration_rule(laws, np.array([laws.origin, laws.scale]))
    s = laws.origin + laws.scale * rule.x
    u, v = np.logaddexp(0.0, s), np.logaddexp(0.0, -s)
    # A positive loses v = log(1 + e^-s) and sigmoid(-s)^2 = e^{-2u}; a negative u and e^{-2v}.
    brier = (float(rule.q_neg @ np.exp(-2.0 * v)), float(rule.q_pos @ np.exp(-2.0 * u)))
    log_loss = (float(rule.q_neg @ u), float(rule.q_pos @ v))
    results = []
    for pi in pis:
        alpha, unit_slope = _recalibration_newton(laws, pi, rule)
        slope = unit_slope / laws.scale  # alpha + unit_slope x = (alpha - slope origin) + slope s
        values = (
            pi * brier[1] + (1.0 - pi) * brier[0],
            pi * log_loss[1] + (1.0 - pi) * log_loss[0],
            alpha - slope * laws.origin,
            slope,
        )
        results.append(dict(zip(CALIBRATION, values, strict=True)))
    return results


def _constant_calibration(c: float, pi: float) -> dict[str, float]:
    """Calibration metrics of the constant score ``c`` at prevalence ``pi``."""
    brier = pi * special.expit(-c) ** 2 + (1.0 - pi) * special.expit(c) ** 2
    log_loss = pi * np.logaddexp(0.0, -c) + (1.0 - pi) * np.logaddexp(0.0, c)
    values = (float(brier), float(log_loss), math.nan, math.nan)
    return dict(zip(CALIBRATION, values, strict=True))


def _centred_laws(
    dgp: GaussianMixtureDGP, unit: np.ndarray, peak: float, intercept: float
) -> _CentredLaws:
    """The class laws of ``s = peak * (X @ unit) + intercept`` as ``origin + peak * x``, x
    centred on the largest positive component's mean. ``unit`` has max-norm 1, so x's spreads
    are of order one whatever the score's scale (no variance underflows or overflows)."""
    pos, neg = score_law(dgp.components(1), unit), score_law(dgp.components(0), unit)
    means = np.concatenate([pos.means, neg.means])
    centre = float(means[np.argmax(pos.weights)])
    zeros_pos, zeros_neg = np.zeros(pos.weights.size), np.zeros(neg.weights.size)
    return _CentredLaws(
        origin=peak * centre + intercept,
        scale=peak,
        offsets=means - centre,
        sds=np.concatenate([pos.sds, neg.sds]),
        pos_weights=np.concatenate([pos.weights, zeros_neg]),
        neg_weights=np.concatenate([zeros_pos, neg.weights]),
    )


class _Rule(NamedTuple):
    """A rule built for the logistic loss of ``t = alpha + b x`` at ``theta = (alpha, b)``: nodes
    x and class weights (n,), ``q_pos @ g(x) ~ E_1[g(x)]`` and ``q_neg @ g(x) ~ E_0[g(x)]``."""

    theta: np.ndarray
    x: np.ndarray
    q_pos: np.ndarray
    q_neg: np.ndarray


def _calibration_rule(laws: _CentredLaws, theta: np.ndarray) -> _Rule:
    """One composite rule over every component of both classes, with extra edges where
    ``t = alpha + b x`` meets the bends of the logistic loss, ``theta = (alpha, b)``."""
    alpha, b = theta
    points = (LOGISTIC_POINTS - alpha) / b if b != 0.0 else LOGISTIC_POINTS[:0]
    x, panel = local_panel_rule(laws.offsets, laws.sds, points)
    z = (x[:, None] - laws.offsets) / laws.sds
    density = np.exp(-0.5 * z * z) / (SQRT2PI * laws.sds)  # (n, k)
    return _Rule(
        theta, x, panel * (density @ laws.pos_weights), panel * (density @ laws.neg_weights)
    )


class _RiskPoint(NamedTuple):
    """The recalibration risk's gradient (2,) and Hessian (2, 2) at ``theta = (alpha, b)``
    (2,), and the rule they were computed with."""

    theta: np.ndarray
    grad: np.ndarray
    hess: np.ndarray
    rule: _Rule


# A rule built for one (alpha, b) serves another if t = alpha + b x moved by at most this much
# over its nodes: the logistic loss's poles lie pi off the real axis, so shifting the bends by a
# fraction of a unit leaves 12-node panels of unit width as accurate (~1e-15).
_RULE_REUSE = 0.25


class _Recalibration(NewtonProblem[_RiskPoint, np.ndarray, np.ndarray]):
    """The recalibration risk at prevalence ``pi`` for the damped Newton driver."""

    __slots__ = ("laws", "pi")

    def __init__(self, laws: _CentredLaws, pi: float) -> None:
        self.laws, self.pi = laws, pi

    def newton_step(self, point: _RiskPoint) -> tuple[np.ndarray, float]:
        (h00, h01), (_, h11) = point.hess
        g0, g1 = point.grad
        step = np.array([h11 * g0 - h01 * g1, h00 * g1 - h01 * g0]) / -(h00 * h11 - h01 * h01)
        return step, -float(point.grad @ step)

    def move(self, point: _RiskPoint, step: np.ndarray, t: float) -> _RiskPoint:
        theta = point.theta + step if t == 1.0 else point.theta + t * step
        return _recalibration_point(self.laws, self.pi, theta, point.rule)

    def slope(self, point: _RiskPoint, step: np.ndarray) -> float:
        return float(point.grad @ step)

    def value(self, point: _RiskPoint) -> float:
        return _recalibration_value(point, self.pi)

    def finish(self, point: _RiskPoint, step: np.ndarray | None) -> np.ndarray:
        return point.theta if step is None else point.theta + step

    def safe(self, point: _RiskPoint, step: np.ndarray) -> bool:
        # A step moving t by at most 1 over the rule's nodes decreases the risk, as the logistic
        # loss has |l'''| <= l'' (see augsim.models.newton): no risk value is needed.
        return _t_change(step, point.rule) <= 1.0


def _recalibration_newton(laws: _CentredLaws, pi: float, rule: _Rule) -> tuple[float, float]:
    """``(alpha, b)`` minimising the class-weighted logistic risk of ``alpha + b x``.

    Two parameters over one 1-D score, so this is not the projection on one-feature terms: that
    builds one rule per component and evaluation and needs the loss's 3rd and 4th derivatives
    (Stein's lemma); here one rule serves all components, the moments in x are plain weighted
    sums and the 2 x 2 Newton system is solved in closed form, several times faster. Each
    iterate uses a rule with edges where ``alpha + b x`` crosses the logistic loss's bends, so
    it stays accurate for any ``alpha``, ``b``; ``rule`` (built for the score itself) and each
    new one are reused while the iterate moves ``t`` by less than ``_RULE_REUSE``. Started from
    the LDA fit of the class laws' means and variances (exact for normal classes of equal
    variance); damped Newton until half the squared Newton decrement is at most 1e-20 (the risk
    weighs a total mass of 1), then a last full step: its error is ~1e-20.
    """
    mu1, mu0 = laws.pos_weights @ laws.offsets, laws.neg_weights @ laws.offsets
    second = laws.offsets**2 + laws.sds**2
    var1, var0 = laws.pos_weights @ second - mu1**2, laws.neg_weights @ second - mu0**2
    slope = (mu1 - mu0) / (pi * var1 + (1.0 - pi) * var0)
    start = np.array([math.log(pi) - math.log1p(-pi) - slope * (mu1 + mu0) / 2, slope])
    point = _recalibration_point(laws, pi, start, rule)
    result = damped_newton(_Recalibration(laws, pi), point, tol=1e-20, scale=1.0, max_iter=100)
    if not result.converged:
        raise RuntimeError(
            f"recalibration: Newton did not converge, decrement {result.decrement:.1e}"
        )
    logger.debug("recalibration: %d Newton steps, decrement %.1e", result.n_iter, result.decrement)
    theta = result.solution
    return float(theta[0]), float(theta[1])


def _recalibration_point(
    laws: _CentredLaws, pi: float, theta: np.ndarray, rule: _Rule
) -> _RiskPoint:
    """Gradient and Hessian in ``theta = (alpha, b)`` of the logistic risk ``pi E_1[log(1 +
    e^-t)] + (1 - pi) E_0[log(1 + e^t)]``, ``t = alpha + b x``; with ``rule`` if it is close
    enough, else with a new one built for ``theta``."""
    alpha, b = theta
    if not _t_change(theta - rule.theta, rule) <= _RULE_REUSE:
        rule = _calibration_rule(laws, theta)
    x = rule.x
    q_pos, q_neg = pi * rule.q_pos, (1.0 - pi) * rule.q_neg
    t = alpha + b * x
    p, p_neg = special.expit(t), special.expit(-t)
    residual = q_neg * p - q_pos * p_neg  # the risk's derivative in t, times the rule's weights
    curvature = (q_pos + q_neg) * (p * p_neg)
    cx = curvature @ x
    grad = np.array([residual.sum(), residual @ x])
    hess = np.array([[curvature.sum(), cx], [cx, curvature @ (x * x)]])
    return _RiskPoint(theta, grad, hess, rule)


def _t_change(delta: np.ndarray, rule: _Rule) -> float:
    """The largest change of ``t = alpha + b x`` over the nodes of ``rule`` when ``(alpha, b)``
    moves by ``delta`` (2,)."""
    return abs(delta[0]) + abs(delta[1]) * max(-rule.x[0], rule.x[-1])


def _recalibration_value(point: _RiskPoint, pi: float) -> float:
    """The risk at ``point``, with the rule its gradient was computed with."""
    rule = point.rule
    t = point.theta[0] + point.theta[1] * rule.x
    loss_pos, loss_neg = rule.q_pos @ np.logaddexp(0.0, -t), rule.q_neg @ np.logaddexp(0.0, t)
    return float(pi * loss_pos + (1.0 - pi) * loss_neg)

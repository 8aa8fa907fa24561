"""Population (n -> infinity) quantities: exact metrics of linear scores, Bayes metrics and the
restricted-class projection of linear logistic regression.

Every class conditional of an :mod:`augsim.dgps` process is a Gaussian mixture, so a linear score
``s = X @ coef + intercept`` is, per component, a univariate normal. TPR(t) and FPR(t) are then
sums of normal survival functions, and every metric is a closed form (AUROC) or a 1-D integral or
maximisation (AUPRC, best balanced accuracy, best F1). Read as a log-odds, the same score has
exact calibration metrics (:func:`linear_calibration_at`): Brier score and log loss are 1-D
expectations, and the recalibration fit is a 2-parameter Newton on 1-D expectations.

1-D expectations over ``s ~ N(m, sd^2)`` use a composite Gauss-Legendre rule whose panels have
edges at ``m + k sd`` and at the feature points of the integrand (``s = 0, +-1, +-2, +-4, ...``
for the logistic loss; the other components' centres and spreads for precision). Plain
Gauss-Hermite with 100 nodes loses accuracy once ``sd`` exceeds ~3 (error on ``E[sigmoid'(s)]``:
5e-9 at ``sd = 3``, 6e-6 at 5, 2e-3 at 10), because the logistic loss bends on a unit scale
around ``s = 0``; the composite rule is accurate to ~1e-13 for any ``m`` and ``sd``.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
from scipy import linalg, optimize, special

from augsim.calibration import CALIBRATION_NAMES
from augsim.dgps import Component, GaussianMixtureDGP
from augsim.metrics import METRIC_NAMES, score_metrics
from augsim.seeds import rng_for

__all__ = [
    "bayes_metrics",
    "linear_calibration_at",
    "linear_metrics",
    "linear_metrics_at",
    "projection",
    "projection_curve",
]

logger = logging.getLogger(__name__)

_SQRT2 = math.sqrt(2.0)
_SQRT2PI = math.sqrt(2.0 * math.pi)
# Nodes per panel of the composite Gauss-Legendre rules.
_GL_X, _GL_W = np.polynomial.legendre.leggauss(12)
# Panel edges in units of sd around the mean: 1 sd wide in the bulk, 2 sd in the tails; the mass
# beyond 10 sd (1.5e-23) is dropped.
_Z_EDGES = np.array([-10, -8, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 8, 10], dtype=float)
# Where the logistic loss bends: its poles are at s = i pi (2k + 1), so panels must be fine near 0.
_LOGISTIC_POINTS = np.array([-64, -32, -16, -8, -4, -2, -1, 0, 1, 2, 4, 8, 16, 32, 64], dtype=float)
# Offsets (in sd) marking where one component's survival function changes: the AUPRC integrand
# has its features there.
_FEATURE_Z = np.array([-6, -4, -3, -2, -1, 0, 1, 2, 3, 4, 6], dtype=float)

# The numeric Bayes method: points per scrambling and independent scramblings.
_BAYES_POINTS = 2**17
_BAYES_SCRAMBLES = 4
_BAYES_ROOT_SEED = 20260626
# Numeric Bayes metrics by (components, prevalence): a few hundred bytes each, seconds to compute.
_BAYES_CACHE: dict[tuple, dict[str, float]] = {}


class _ScoreLaw(NamedTuple):
    """The law of a linear score under one class: a univariate normal mixture, arrays (k,)."""

    weights: np.ndarray
    means: np.ndarray
    sds: np.ndarray

    def survival(self, t: np.ndarray | float) -> np.ndarray:
        """P(s > t) at thresholds ``t`` of shape (n,) or (); returns the shape of ``t``."""
        return special.ndtr((self.means - np.asarray(t)[..., None]) / self.sds) @ self.weights

    def density(self, t: np.ndarray | float) -> np.ndarray:
        """Density of s at ``t`` of shape (n,) or (); returns the shape of ``t``."""
        z = (np.asarray(t)[..., None] - self.means) / self.sds
        return (np.exp(-0.5 * z * z) / (np.sqrt(2 * np.pi) * self.sds)) @ self.weights


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------


def _check_open_unit(name: str, value: float) -> float:
    """``value`` as a float in the open interval (0, 1)."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"{name} must be a number in the open interval (0, 1), got {value!r}")
    if not 0.0 < value < 1.0:  # also rejects NaN
        raise ValueError(f"{name} must be in the open interval (0, 1), got {value!r}")
    return float(value)


def _check_share(value: float) -> float:
    """``synthetic_share`` as a float in the closed interval [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"synthetic_share must be a number in [0, 1], got {value!r}")
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"synthetic_share must be in the closed interval [0, 1], got {value!r}")
    return float(value)


def _check_linear_score(coef: np.ndarray, intercept: float, dim: int) -> tuple[np.ndarray, float]:
    """``coef`` as a finite (dim,) float array and ``intercept`` as a finite float."""
    coef = np.asarray(coef, dtype=float)
    if coef.shape != (dim,) or not np.all(np.isfinite(coef)):
        raise ValueError(f"coef must be {dim} finite numbers (shape ({dim},)), got {coef!r}")
    intercept = float(intercept)
    if not np.isfinite(intercept):
        raise ValueError(f"intercept must be a finite number, got {intercept!r}")
    return coef, intercept


def _check_synthetic(components: Sequence[Component], dim: int) -> list[Component]:
    """Synthetic minority components as validated ``Component`` tuples (PSD covariances)."""
    if len(components) == 0:
        raise ValueError("synthetic_components must be a non-empty list of (weight, mean, cov)")
    checked = []
    for k, (weight, mean, cov) in enumerate(components):
        mean, cov = np.asarray(mean, dtype=float), np.asarray(cov, dtype=float)
        if mean.shape != (dim,) or cov.shape != (dim, dim):
            raise ValueError(f"synthetic component {k}: mean must be ({dim},), cov ({dim}, {dim})")
        if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(cov)) and np.allclose(cov, cov.T)):
            raise ValueError(f"synthetic component {k}: mean and cov must be finite, cov symmetric")
        if np.linalg.eigvalsh(cov).min() < -1e-10 * max(1.0, np.abs(cov).max()):
            raise ValueError(f"synthetic component {k}: cov must be positive semi-definite")
        checked.append(Component(float(weight), mean, cov))
    weights = np.array([c.weight for c in checked])
    if np.any(weights <= 0) or not np.isclose(weights.sum(), 1.0, rtol=0, atol=1e-9):
        raise ValueError(f"synthetic weights must be positive and sum to 1, got {weights.tolist()}")
    return checked


# ---------------------------------------------------------------------------------------------
# 1-D quadrature
# ---------------------------------------------------------------------------------------------


def _panel_rule(
    means: np.ndarray, sds: np.ndarray, *, points: np.ndarray, origin: float
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted nodes and Lebesgue weights, each (n,), of a composite Gauss-Legendre rule.

    Panels cover ``means[k] +- 10 sds[k]`` for every k, with edges at ``means[k] + sds[k] *
    _Z_EDGES`` and at the feature ``points`` inside: ``weights @ g(nodes) ~ int g``.
    """
    # Edges relative to ``origin``: panel widths of a narrow component far from 0 keep their
    # digits (absolute edges would lose ~|mean| / sd of them to cancellation).
    nodes, weights = _local_panel_rule(means - origin, sds, points - origin)
    return origin + nodes, weights


def _local_panel_rule(
    offsets: np.ndarray, sds: np.ndarray, points: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_panel_rule` with means, points and the returned nodes all relative to an origin."""
    edges = (offsets[:, None] + sds[:, None] * _Z_EDGES).ravel()
    inner = points[(points > edges.min()) & (points < edges.max())]
    edges = np.unique(np.concatenate([edges, inner]))
    half = 0.5 * np.diff(edges)
    nodes = ((0.5 * (edges[:-1] + edges[1:]))[:, None] + half[:, None] * _GL_X).ravel()
    return nodes, (half[:, None] * _GL_W).ravel()


def _normal_rule(
    mean: float, sd: float, *, points: np.ndarray = _LOGISTIC_POINTS
) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights, each (n,), with ``weights @ g(nodes) ~ E[g(s)]``, ``s ~ N(mean, sd^2)``.

    ``points`` are where ``g`` bends. ``sd ~ 0`` gives the point mass at ``mean``.
    """
    if sd <= 1e-10 * (1.0 + abs(mean)):  # the normal's spread is below g's resolution
        return np.array([mean]), np.array([1.0])
    nodes, weights = _panel_rule(np.array([mean]), np.array([sd]), points=points, origin=mean)
    z = (nodes - mean) / sd
    return nodes, weights * np.exp(-0.5 * z * z) / (_SQRT2PI * sd)


# ---------------------------------------------------------------------------------------------
# Metrics of a linear score
# ---------------------------------------------------------------------------------------------


def linear_metrics(
    dgp: GaussianMixtureDGP, coef: np.ndarray, intercept: float, *, prevalence: float
) -> dict[str, float]:
    """Exact population metrics of the linear score ``s = X @ coef + intercept``.

    Parameters
    ----------
    dgp : GaussianMixtureDGP
        The population's class conditionals (class 1 positive).
    coef : array-like of shape (dim,)
        Finite score coefficients.
    intercept : float
        Finite score offset. Every metric here is over all thresholds, so it cannot change them:
        it is validated, then ignored.
    prevalence : float
        Positive prevalence in (0, 1) at which AUPRC and best F1 are reported.

    Returns
    -------
    dict of str to float
        Keyed by ``METRIC_NAMES``. AUROC is closed form; AUPRC is ``int precision dTPR`` by
        quadrature; best balanced accuracy and best F1 are maximised over the threshold (including
        the all-negative and all-positive rules), all to ~1e-12. A constant score (``coef = 0``)
        ranks nothing: AUROC 0.5, AUPRC ``prevalence``, best balanced accuracy 0.5 and best F1
        ``2 pi / (1 + pi)`` (predict everything positive).
    """
    (metrics,) = linear_metrics_at(dgp, coef, intercept, [prevalence])
    return metrics


def linear_metrics_at(
    dgp: GaussianMixtureDGP, coef: np.ndarray, intercept: float, prevalences: Sequence[float]
) -> list[dict[str, float]]:
    """:func:`linear_metrics` at each of ``prevalences``, in order; the same numbers.

    AUROC and best balanced accuracy do not depend on the prevalence, nor do the score's class
    laws and the threshold grid: they are computed once for all prevalences.
    """
    pis = [_check_open_unit("prevalence", p) for p in prevalences]
    coef, intercept = _check_linear_score(coef, intercept, dgp.dim)
    peak = float(np.abs(coef).max())
    if peak == 0.0:
        return [
            {"auroc": 0.5, "auprc": pi, "best_balanced_accuracy": 0.5, "best_f1": 2 * pi / (1 + pi)}
            for pi in pis
        ]
    # The metrics are invariant to positive affine maps of the score; a unit coef and no offset
    # keep every mean and sd of order one (dividing by the peak first: |coef|^2 may underflow).
    unit = coef / peak
    unit /= np.linalg.norm(unit)
    pos = _score_law(dgp.components(1), unit)
    neg = _score_law(dgp.components(0), unit)
    return _mixture_metrics(pos, neg, pis)


def _score_law(components: Sequence[Component], coef: np.ndarray) -> _ScoreLaw:
    """The normal-mixture law of ``X @ coef`` when X follows ``components``."""
    weights = np.array([c.weight for c in components])
    means = np.array([c.mean @ coef for c in components])
    sds = np.sqrt([coef @ c.cov @ coef for c in components])
    return _ScoreLaw(weights, means, sds)


def _mixture_metrics(pos: _ScoreLaw, neg: _ScoreLaw, pis: Sequence[float]) -> list[dict]:
    """The four metrics of a score whose class laws are the normal mixtures ``pos``, ``neg``,
    at each prevalence of ``pis``.

    One composite rule over the positive score law serves AUPRC and, as a threshold grid, both
    maximisations: their maxima lie inside the positive law's range, since to its left TPR = 1
    and both criteria increase with t, and to its right TPR = 0.
    """
    centres = np.concatenate([pos.means, neg.means])
    sds = np.concatenate([pos.sds, neg.sds])
    points = np.sort((centres[:, None] + sds[:, None] * _FEATURE_Z).ravel())
    origin = float(pos.means[np.argmax(pos.weights)])
    grid, panel_weights = _panel_rule(pos.means, pos.sds, points=points, origin=origin)
    tpr, fpr = pos.survival(grid), neg.survival(grid)
    curves = _Curves(grid, tpr, fpr, pos.density(grid), neg.density(grid))
    at = _scalar_curves(pos, neg)
    prevalence_free = {
        "auroc": _auroc(pos, neg),
        "best_balanced_accuracy": _maximise(_ba, _ba_slope, curves, at, limit=0.5),
    }
    results = []
    for pi in pis:
        tp, fp = pi * tpr, (1 - pi) * fpr  # tp > 0 within 10 sd of a positive component
        f1, f1_slope = _f1_criterion(pi)
        results.append(
            {
                "auroc": prevalence_free["auroc"],
                "auprc": float((panel_weights * curves.f_pos) @ (tp / (tp + fp))),
                "best_balanced_accuracy": prevalence_free["best_balanced_accuracy"],
                "best_f1": _maximise(f1, f1_slope, curves, at, limit=2 * pi / (1 + pi)),
            }
        )
    return results


class _Curves(NamedTuple):
    """TPR, FPR and the two class densities of the score at thresholds ``t``: arrays or floats."""

    t: np.ndarray | float
    tpr: np.ndarray | float
    fpr: np.ndarray | float
    f_pos: np.ndarray | float
    f_neg: np.ndarray | float


def _scalar_curves(pos: _ScoreLaw, neg: _ScoreLaw) -> Callable[[float], _Curves]:
    """``_Curves`` at one threshold in plain floats: root finding calls it a few times per
    maximum, where numpy's per-call overhead would dominate."""
    laws = [list(zip(*(arr.tolist() for arr in law), strict=True)) for law in (pos, neg)]

    def at(t: float) -> _Curves:
        surv = [sum(w * 0.5 * math.erfc((t - m) / (sd * _SQRT2)) for w, m, sd in c) for c in laws]
        dens = [
            sum(w * math.exp(-0.5 * ((t - m) / sd) ** 2) / (sd * _SQRT2PI) for w, m, sd in c)
            for c in laws
        ]
        return _Curves(t, surv[0], surv[1], dens[0], dens[1])

    return at


def _auroc(pos: _ScoreLaw, neg: _ScoreLaw) -> float:
    """P(s1 > s0) = sum_jk w1_j w0_k Phi((m1_j - m0_k) / sqrt(v1_j + v0_k))."""
    gap = pos.means[:, None] - neg.means[None, :]
    spread = np.sqrt(pos.sds[:, None] ** 2 + neg.sds[None, :] ** 2)
    return float(pos.weights @ special.ndtr(gap / spread) @ neg.weights)


def _ba(c: _Curves) -> np.ndarray | float:
    """Balanced accuracy (TPR - FPR + 1) / 2 of the rule 'positive iff s > t'."""
    return 0.5 * (c.tpr - c.fpr + 1.0)


def _ba_slope(c: _Curves) -> np.ndarray | float:
    """Twice the t-derivative of the balanced accuracy: f0(t) - f1(t)."""
    return c.f_neg - c.f_pos


def _f1_criterion(pi: float) -> tuple[Callable, Callable]:
    """F1 = 2 pi TPR / (pi TPR + pi + (1 - pi) FPR) at prevalence ``pi``, and a positive multiple
    of its t-derivative."""

    def f1(c: _Curves) -> np.ndarray | float:
        return 2.0 * pi * c.tpr / (pi * c.tpr + pi + (1 - pi) * c.fpr)

    def f1_slope(c: _Curves) -> np.ndarray | float:
        # T' D - T D' with D = pi T + pi + (1 - pi) F, T' = -f1 and F' = -f0.
        denom = pi * c.tpr + pi + (1 - pi) * c.fpr
        return c.tpr * (pi * c.f_pos + (1 - pi) * c.f_neg) - c.f_pos * denom

    return f1, f1_slope


def _maximise(
    value: Callable[[_Curves], np.ndarray | float],
    slope: Callable[[_Curves], np.ndarray | float],
    curves: _Curves,
    at: Callable[[float], _Curves],
    *,
    limit: float,
) -> float:
    """Global max over thresholds of a smooth criterion ``value`` of the curves.

    ``curves`` holds a sorted threshold grid (n,) fine enough to separate the criterion's local
    maxima; ``slope`` is a positive multiple of its derivative; ``limit`` its sup at t -> +-inf.
    Each grid interval where the slope turns from positive to negative holds a local maximum,
    found by Brent's method on the slope (``at`` evaluates one threshold). A root within 1e-6 of
    the interval width gives the value to ~1e-14: its error is quadratic in the root's.
    """
    values, slopes = value(curves), slope(curves)
    best = max(limit, float(values.max()))
    grid = curves.t
    for i in np.flatnonzero((slopes[:-1] > 0) & (slopes[1:] < 0)):
        lo, hi = grid[i], grid[i + 1]
        # The float path can round a slope of ~1e-300 in the far tails to the other sign.
        if not slope(at(lo)) > 0 > slope(at(hi)):
            continue
        root = optimize.brentq(lambda t: slope(at(t)), lo, hi, xtol=1e-6 * (hi - lo))
        best = max(best, float(value(at(root))))
    return best


# ---------------------------------------------------------------------------------------------
# Calibration of a linear log-odds score
# ---------------------------------------------------------------------------------------------


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

    The population counterpart of :func:`augsim.calibration.calibration_metrics_at`: the
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
        One per prevalence, in order, keyed by ``CALIBRATION_NAMES``: ``brier`` and ``log_loss``
        (sums over components of 1-D normal expectations by the composite rule, ~1e-13), and
        ``calibration_intercept`` ``a`` and ``calibration_slope`` ``b`` minimising the
        population logistic risk ``pi E_1[log(1 + e^-(a + b s))] + (1 - pi) E_0[log(1 +
        e^(a + b s))]`` (Newton, to ~1e-12). A constant score (``coef = 0``) has the Brier score
        and log loss of the constant and NaN intercept and slope.
    """
    pis = [_check_open_unit("prevalence", p) for p in prevalences]
    coef, intercept = _check_linear_score(coef, intercept, dgp.dim)
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
        results.append(dict(zip(CALIBRATION_NAMES, values, strict=True)))
    return results


def _constant_calibration(c: float, pi: float) -> dict[str, float]:
    """Calibration metrics of the constant score ``c`` at prevalence ``pi``."""
    brier = pi * special.expit(-c) ** 2 + (1.0 - pi) * special.expit(c) ** 2
    log_loss = pi * np.logaddexp(0.0, -c) + (1.0 - pi) * np.logaddexp(0.0, c)
    values = (float(brier), float(log_loss), math.nan, math.nan)
    return dict(zip(CALIBRATION_NAMES, values, strict=True))


def _centred_laws(
    dgp: GaussianMixtureDGP, unit: np.ndarray, peak: float, intercept: float
) -> _CentredLaws:
    """The class laws of ``s = peak * (X @ unit) + intercept`` as ``origin + peak * x``, x
    centred on the largest positive component's mean. ``unit`` has max-norm 1, so x's spreads
    are of order one whatever the score's scale (no variance underflows or overflows)."""
    pos, neg = _score_law(dgp.components(1), unit), _score_law(dgp.components(0), unit)
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
    points = (_LOGISTIC_POINTS - alpha) / b if b != 0.0 else _LOGISTIC_POINTS[:0]
    x, panel = _local_panel_rule(laws.offsets, laws.sds, points)
    z = (x[:, None] - laws.offsets) / laws.sds
    density = np.exp(-0.5 * z * z) / (_SQRT2PI * laws.sds)  # (n, k)
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


def _recalibration_newton(laws: _CentredLaws, pi: float, rule: _Rule) -> tuple[float, float]:
    """``(alpha, b)`` minimising the class-weighted logistic risk of ``alpha + b x``.

    Two parameters over one 1-D score, so this is not :func:`_newton` on one-feature terms:
    that builds one rule per component and evaluation and needs the loss's 3rd and 4th
    derivatives (Stein's lemma); here one rule serves all components and the moments in x are
    plain weighted sums, several times faster. Each iterate uses a rule with edges where
    ``alpha + b x`` crosses the logistic loss's bends, so it stays accurate for any ``alpha``,
    ``b``; ``rule`` (built for the score itself) and each new one are reused while the iterate
    moves ``t`` by less than ``_RULE_REUSE``. Started from the LDA fit of the class laws' means
    and variances (exact for normal classes of equal variance). A full step is kept when the
    risk's slope at its end is still non-positive (by convexity it decreased all along);
    otherwise Armijo backtracking decides. Once the squared Newton decrement is below 1e-20
    (or stalls below 1e-14), one last full step is taken: by quadratic convergence its error
    is ~1e-20.
    """
    mu1, mu0 = laws.pos_weights @ laws.offsets, laws.neg_weights @ laws.offsets
    second = laws.offsets**2 + laws.sds**2
    var1, var0 = laws.pos_weights @ second - mu1**2, laws.neg_weights @ second - mu0**2
    slope = (mu1 - mu0) / (pi * var1 + (1.0 - pi) * var0)
    start = np.array([math.log(pi) - math.log1p(-pi) - slope * (mu1 + mu0) / 2, slope])
    point = _recalibration_point(laws, pi, start, rule)
    previous = np.inf
    for iteration in range(100):
        (h00, h01), (_, h11) = point.hess
        g0, g1 = point.grad
        step = np.array([h11 * g0 - h01 * g1, h00 * g1 - h01 * g0]) / -(h00 * h11 - h01 * h01)
        decrement = -float(point.grad @ step)
        if decrement <= 1e-20 or (decrement < 1e-14 and decrement > 0.25 * previous):
            logger.debug("recalibration: %d Newton steps, decrement %.1e", iteration, decrement)
            theta = point.theta + step
            return float(theta[0]), float(theta[1])
        new = _recalibration_point(laws, pi, point.theta + step, point.rule)
        # Keep the full step if it moves t by at most 1 over the rule's nodes (it then decreases
        # the risk, as the logistic loss has |l'''| <= l'': see augsim.models) or if the slope at
        # its end is non-positive; else backtrack (only far from the minimum).
        if _t_change(step, point.rule) > 1.0 and new.grad @ step > 0.0:
            value = _recalibration_value(point, pi)
            t = 1.0
            while _recalibration_value(new, pi) > value - 1e-4 * t * decrement and t > 1e-8:
                t *= 0.5
                new = _recalibration_point(laws, pi, point.theta + t * step, point.rule)
        point, previous = new, decrement
    raise RuntimeError(f"recalibration: Newton did not converge, decrement {decrement:.1e}")


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


# ---------------------------------------------------------------------------------------------
# Bayes metrics: the metrics of the log-likelihood ratio
# ---------------------------------------------------------------------------------------------


def bayes_metrics(dgp: GaussianMixtureDGP, *, prevalence: float) -> dict[str, float]:
    """Population metrics of the Bayes score ``log f1(x) - log f0(x)``: the best achievable.

    Parameters
    ----------
    dgp : GaussianMixtureDGP
        The population.
    prevalence : float
        Positive prevalence in (0, 1) at which AUPRC and best F1 are reported.

    Returns
    -------
    dict of str to float
        Keyed by ``METRIC_NAMES``. Exact (~1e-12) via :func:`linear_metrics` when
        ``dgp.llr_is_linear``. Otherwise by importance-weighted randomised quasi-Monte Carlo
        (see ``_numeric_bayes_metrics``): error below 1e-4 (measured: below 1e-5),
        deterministic, a second or two; results are cached per (components, prevalence) and the
        standard error is logged.
    """
    pi = _check_open_unit("prevalence", prevalence)
    if dgp.llr_is_linear:
        intercept, coef = _linear_llr(dgp)
        return linear_metrics(dgp, coef, intercept, prevalence=pi)
    key = (_dgp_key(dgp), pi)
    if key not in _BAYES_CACHE:
        _BAYES_CACHE[key], _ = _numeric_bayes_metrics(dgp, prevalence=pi)
    return dict(_BAYES_CACHE[key])


def _linear_llr(dgp: GaussianMixtureDGP) -> tuple[float, np.ndarray]:
    """Intercept and coef (dim,) of the LLR of one-component classes sharing a covariance."""
    (neg,), (pos,) = dgp.components(0), dgp.components(1)
    coef = linalg.solve(pos.cov, pos.mean - neg.mean, assume_a="pos")
    intercept = -0.5 * (pos.mean @ coef + neg.mean @ coef)  # -(mu1' P mu1 - mu0' P mu0) / 2
    return float(intercept), coef


def _dgp_key(dgp: GaussianMixtureDGP) -> tuple:
    """A hashable key equal for processes with identical components."""
    return tuple(
        (label, c.weight, tuple(c.mean.tolist()), tuple(c.cov.ravel().tolist()))
        for label in (0, 1)
        for c in dgp.components(label)
    )


def _numeric_bayes_metrics(
    dgp: GaussianMixtureDGP,
    *,
    prevalence: float,
    n_points: int = _BAYES_POINTS,
    n_scrambles: int = _BAYES_SCRAMBLES,
) -> tuple[dict[str, float], dict[str, float]]:
    """Bayes metrics by importance-weighted, stratified, scrambled-Sobol integration.

    Points are drawn from the balanced mixture ``q = (f0 + f1) / 2``, stratified by component
    (see ``_llr_sample``). Each point enters the weighted sample twice, as a positive with weight
    ``f1/q = 2 sigmoid(L)`` and as a negative with weight ``f0/q = 2 sigmoid(-L)`` (times its
    stratum's mass per point); both weights are bounded by 2, so importance weighting cannot
    blow up. The metrics of the score ``L`` on that sample come from ``score_metrics``.

    Accuracy at the defaults (4 x 2^17 points, under a second): on ``gaussian_shared`` forced
    through this path, errors of 1e-7 (AUROC), 9e-8 (best BA), 5e-7 (best F1) and -7.6e-6 (AUPRC
    at prevalence 0.05); at 4 x 2^19 points these fall to 3e-10, 1e-10, 4e-9 and -1.4e-6, and a
    two-component ``minority_mixture`` agrees with nested quadrature to 2e-6. AUPRC carries an
    O(1/n) bias of the step average precision (each point's
    two copies are tied), which the spread over scramblings does not include.

    Returns
    -------
    estimate, stderr : dict of str to float
        The mean over ``n_scrambles`` independent scramblings (fixed seeds, so deterministic)
        and its standard error (the spread over scramblings / sqrt(n_scrambles)).
    """
    start = time.perf_counter()
    runs = np.empty((n_scrambles, len(METRIC_NAMES)))
    for r in range(n_scrambles):
        llr, w_pos, w_neg = _llr_sample(dgp, n_points=n_points, scramble=r)
        labels = np.repeat(np.array([1, 0], dtype=np.int8), llr.size)
        result = score_metrics(
            labels,
            np.concatenate([llr, llr]),
            sample_weight=np.concatenate([w_pos, w_neg]),
            prevalence=prevalence,
        )
        runs[r] = [result[name] for name in METRIC_NAMES]
    stderr = runs.std(axis=0, ddof=1) / np.sqrt(n_scrambles)
    estimate = dict(zip(METRIC_NAMES, runs.mean(axis=0).tolist(), strict=True))
    stderr_dict = dict(zip(METRIC_NAMES, stderr.tolist(), strict=True))
    logger.info(
        "numeric Bayes metrics of %r at prevalence %g: %s, stderr %s (%d x %d points, %.2f s)",
        dgp,
        prevalence,
        estimate,
        stderr_dict,
        n_scrambles,
        n_points,
        time.perf_counter() - start,
    )
    return estimate, stderr_dict


def _llr_sample(
    dgp: GaussianMixtureDGP, *, n_points: int, scramble: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """LLR values and class-1, class-0 weights, each (n,), of one stratified Sobol sample of q.

    Every component of both classes gets a power-of-two share of ``n_points`` close to its
    q-mass (weight / 2), so each stratum is a complete, balanced Sobol net.
    """
    from scipy.stats import qmc  # a heavy import, needed only for the numeric Bayes reference

    llrs, w_pos, w_neg = [], [], []
    for label in (0, 1):
        for j, comp in enumerate(dgp.components(label)):
            mass = comp.weight / 2.0
            m = max(10, round(np.log2(mass * n_points)))
            sobol = qmc.Sobol(dgp.dim, rng=rng_for(_BAYES_ROOT_SEED, "bayes", scramble, label, j))
            u = np.clip(sobol.random_base2(m), 2.0**-60, 1.0 - 2.0**-53)  # ndtri(0) = -inf
            x = comp.mean + special.ndtri(u) @ linalg.cholesky(comp.cov, lower=True).T
            llr = dgp.log_likelihood_ratio(x)
            llrs.append(llr)
            w_pos.append((2.0 * mass / 2**m) * special.expit(llr))
            w_neg.append((2.0 * mass / 2**m) * special.expit(-llr))
    return np.concatenate(llrs), np.concatenate(w_pos), np.concatenate(w_neg)


# ---------------------------------------------------------------------------------------------
# The restricted-class projection of linear logistic regression
# ---------------------------------------------------------------------------------------------


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
    mixture. Newton's method from ``beta = 0`` with exact gradient and Hessian (Stein's lemma on
    each Gaussian component) and backtracking, to gradient norm 1e-12.

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
    w = _check_open_unit("minority_weight", minority_weight)
    rho = _check_share(synthetic_share)
    if synthetic_components is None:
        if rho > 0:
            raise ValueError("synthetic_share > 0 needs synthetic_components, got None")
        synthetic = []
    else:
        synthetic = _check_synthetic(synthetic_components, dgp.dim)
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
        and the ``METRIC_NAMES`` of :func:`linear_metrics` at ``prevalence``.
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


def _newton(terms: Sequence[_RiskTerm], dim: int, *, tol: float = 1e-12) -> np.ndarray:
    """Minimiser ``(b, beta)`` of shape (dim + 1,) of the strictly convex risk of ``terms``.

    Newton with Armijo backtracking from zero; once the gradient norm is below ``tol`` (or stalls
    below 1e-8), one last full step is taken: by quadratic convergence its error is ~ tol^2.
    """
    theta = np.zeros(dim + 1)
    value, grad, hess = _risk(terms, theta)
    previous = np.inf
    for iteration in range(100):
        step = -linalg.solve(hess, grad, assume_a="pos")
        grad_norm = float(np.linalg.norm(grad))
        # Large means can put the rounding floor of the gradient above tol: stop on stagnation.
        if grad_norm <= tol or (grad_norm < 1e-8 and grad_norm > 0.5 * previous):
            logger.debug("projection: %d Newton steps, |grad| = %.1e", iteration + 1, grad_norm)
            return theta + step
        decrement = -float(grad @ step)
        t = 1.0
        while True:
            trial = _risk(terms, theta + t * step)
            # Near the optimum the decrease is below rounding: take the full quadratic step.
            if trial[0] <= value - 1e-4 * t * decrement or decrement < 1e-20 or t < 1e-8:
                break
            t *= 0.5
        theta = theta + t * step
        value, grad, hess = trial
        previous = grad_norm
    raise RuntimeError(f"projection: Newton did not converge, |grad| = {grad_norm:.1e}")


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
    nodes, weights = _normal_rule(mean, sd)
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

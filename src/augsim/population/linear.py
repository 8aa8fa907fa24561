"""Exact population ranking metrics of a linear score under a Gaussian-mixture DGP.

A linear score is, per class, a normal mixture (:func:`augsim.population.quadrature.score_law`):
TPR(t) and FPR(t) are sums of normal survival functions, and every metric is a closed form
(AUROC) or a 1-D integral or maximisation (AUPRC, best balanced accuracy, best F1).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
from scipy import optimize, special

from augsim.population.quadrature import (
    FEATURE_Z,
    SQRT2,
    SQRT2PI,
    ScoreLaw,
    check_linear_score,
    check_open_unit,
    panel_rule,
    score_law,
)
from augsim.sources.dgps import GaussianMixtureDGP

__all__ = ["linear_metrics", "linear_metrics_at"]


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
        Keyed by the ranking metrics. AUROC is closed form; AUPRC is ``int precision dTPR`` by
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
    pis = [check_open_unit("prevalence", p) for p in prevalences]
    coef, intercept = check_linear_score(coef, intercept, dgp.dim)
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
    pos = score_law(dgp.components(1), unit)
    neg = score_law(dgp.components(0), unit)
    return _mixture_metrics(pos, neg, pis)


def _mixture_metrics(pos: ScoreLaw, neg: ScoreLaw, pis: Sequence[float]) -> list[dict]:
    """The four metrics of a score whose class laws are the normal mixtures ``pos``, ``neg``,
    at each prevalence of ``pis``.

    One composite rule over the positive score law serves AUPRC and, as a threshold grid, both
    maximisations: their maxima lie inside the positive law's range, since to its left TPR = 1
    and both criteria increase with t, and to its right TPR = 0.
    """
    centres = np.concatenate([pos.means, neg.means])
    sds = np.concatenate([pos.sds, neg.sds])
    points = np.sort((centres[:, None] + sds[:, None] * FEATURE_Z).ravel())
    origin = float(pos.means[np.argmax(pos.weights)])
    grid, panel_weights = panel_rule(pos.means, pos.sds, points=points, origin=origin)
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


def _scalar_curves(pos: ScoreLaw, neg: ScoreLaw) -> Callable[[float], _Curves]:
    """``_Curves`` at one threshold in plain floats: root finding calls it a few times per
    maximum, where numpy's per-call overhead would dominate."""
    laws = [list(zip(*(arr.tolist() for arr in law), strict=True)) for law in (pos, neg)]

    def at(t: float) -> _Curves:
        surv = [sum(w * 0.5 * math.erfc((t - m) / (sd * SQRT2)) for w, m, sd in c) for c in laws]
        dens = [
            sum(w * math.exp(-0.5 * ((t - m) / sd) ** 2) / (sd * SQRT2PI) for w, m, sd in c)
            for c in laws
        ]
        return _Curves(t, surv[0], surv[1], dens[0], dens[1])

    return at


def _auroc(pos: ScoreLaw, neg: ScoreLaw) -> float:
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

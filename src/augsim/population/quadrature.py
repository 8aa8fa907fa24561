"""1-D quadrature over normal laws, and the law of a linear score under a Gaussian mixture.

Every class conditional of an :mod:`augsim.sources.dgps` process is a Gaussian mixture, so a
linear score ``s = X @ coef + intercept`` is, per component, a univariate normal
(:func:`score_law`). The population modules integrate over such laws with a composite
Gauss-Legendre rule whose panels have edges at ``m + k sd`` and at the feature points of the
integrand (``s = 0, +-1, +-2, +-4, ...`` for the logistic loss; the other components' centres and
spreads for precision). Plain Gauss-Hermite with 100 nodes loses accuracy once ``sd`` exceeds ~3
(error on ``E[sigmoid'(s)]``: 5e-9 at ``sd = 3``, 6e-6 at 5, 2e-3 at 10), because the logistic
loss bends on a unit scale around ``s = 0``; the composite rule is accurate to ~1e-13 for any
``m`` and ``sd``. The argument checks shared by the population modules live here too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from scipy import special

from augsim.sources.dgps import Component

SQRT2 = math.sqrt(2.0)
SQRT2PI = math.sqrt(2.0 * math.pi)

# Nodes per panel of the composite Gauss-Legendre rules.
_GL_X, _GL_W = np.polynomial.legendre.leggauss(12)
# Panel edges in units of sd around the mean: 1 sd wide in the bulk, 2 sd in the tails; the mass
# beyond 10 sd (1.5e-23) is dropped.
_Z_EDGES = np.array([-10, -8, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 8, 10], dtype=float)
# Where the logistic loss bends: its poles are at s = i pi (2k + 1), so panels must be fine near 0.
LOGISTIC_POINTS = np.array([-64, -32, -16, -8, -4, -2, -1, 0, 1, 2, 4, 8, 16, 32, 64], dtype=float)
# Offsets (in sd) marking where one component's survival function changes: the AUPRC integrand
# has its features there.
FEATURE_Z = np.array([-6, -4, -3, -2, -1, 0, 1, 2, 3, 4, 6], dtype=float)


class ScoreLaw(NamedTuple):
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


def check_open_unit(name: str, value: float) -> float:
    """``value`` as a float in the open interval (0, 1)."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"{name} must be a number in the open interval (0, 1), got {value!r}")
    if not 0.0 < value < 1.0:  # also rejects NaN
        raise ValueError(f"{name} must be in the open interval (0, 1), got {value!r}")
    return float(value)


def check_share(value: float) -> float:
    """``synthetic_share`` as a float in the closed interval [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"synthetic_share must be a number in [0, 1], got {value!r}")
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"synthetic_share must be in the closed interval [0, 1], got {value!r}")
    return float(value)


def check_linear_score(coef: np.ndarray, intercept: float, dim: int) -> tuple[np.ndarray, float]:
    """``coef`` as a finite (dim,) float array and ``intercept`` as a finite float."""
    coef = np.asarray(coef, dtype=float)
    if coef.shape != (dim,) or not np.all(np.isfinite(coef)):
        raise ValueError(f"coef must be {dim} finite numbers (shape ({dim},)), got {coef!r}")
    intercept = float(intercept)
    if not np.isfinite(intercept):
        raise ValueError(f"intercept must be a finite number, got {intercept!r}")
    return coef, intercept


def check_synthetic(components: Sequence[Component], dim: int) -> list[Component]:
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


def panel_rule(
    means: np.ndarray, sds: np.ndarray, *, points: np.ndarray, origin: float
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted nodes and Lebesgue weights, each (n,), of a composite Gauss-Legendre rule.

    Panels cover ``means[k] +- 10 sds[k]`` for every k, with edges at ``means[k] + sds[k] *
    _Z_EDGES`` and at the feature ``points`` inside: ``weights @ g(nodes) ~ int g``.
    """
    # Edges relative to ``origin``: panel widths of a narrow component far from 0 keep their
    # digits (absolute edges would lose ~|mean| / sd of them to cancellation).
    nodes, weights = local_panel_rule(means - origin, sds, points - origin)
    return origin + nodes, weights


def local_panel_rule(
    offsets: np.ndarray, sds: np.ndarray, points: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`panel_rule` with means, points and the returned nodes all relative to an origin."""
    edges = (offsets[:, None] + sds[:, None] * _Z_EDGES).ravel()
    inner = points[(points > edges.min()) & (points < edges.max())]
    edges = np.unique(np.concatenate([edges, inner]))
    half = 0.5 * np.diff(edges)
    nodes = ((0.5 * (edges[:-1] + edges[1:]))[:, None] + half[:, None] * _GL_X).ravel()
    return nodes, (half[:, None] * _GL_W).ravel()


def normal_rule(
    mean: float, sd: float, *, points: np.ndarray = LOGISTIC_POINTS
) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights, each (n,), with ``weights @ g(nodes) ~ E[g(s)]``, ``s ~ N(mean, sd^2)``.

    ``points`` are where ``g`` bends. ``sd ~ 0`` gives the point mass at ``mean``.
    """
    if sd <= 1e-10 * (1.0 + abs(mean)):  # the normal's spread is below g's resolution
        return np.array([mean]), np.array([1.0])
    nodes, weights = panel_rule(np.array([mean]), np.array([sd]), points=points, origin=mean)
    z = (nodes - mean) / sd
    return nodes, weights * np.exp(-0.5 * z * z) / (SQRT2PI * sd)


def score_law(components: Sequence[Component], coef: np.ndarray) -> ScoreLaw:
    """The normal-mixture law of ``X @ coef`` when X follows ``components``."""
    weights = np.array([c.weight for c in components])
    means = np.array([c.mean @ coef for c in components])
    sds = np.sqrt([coef @ c.cov @ coef for c in components])
    return ScoreLaw(weights, means, sds)

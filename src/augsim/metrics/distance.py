"""The synthetic distributional error: the maximum mean discrepancy (MMD) between a generator's
synthetic minority distribution and the true minority, with a Gaussian kernel.

``MMD(P, Q) = || mu_P - mu_Q ||`` in the kernel's feature space, with ``mu_P(x) = E k(x, X)``,
``X ~ P``, and ``k(x, y) = exp(-|x - y|^2 / (2 h^2))``. It is the distance the study measures
because it has all three properties the study needs:

- a closed form between Gaussian mixtures: every term ``E k(X, Y)`` is a Gaussian integral
  (:func:`mmd_squared`), so the truth sampler, the biased oracles, the Gaussian fit and the
  population limits of ROSE and the KDE have exact distances;
- an unbiased estimate of ``MMD^2`` from samples for any generator (the U-statistics
  :func:`mmd_squared_to_mixture` and :func:`mmd_squared_between`);
- it is a norm of mean embeddings, so the augmented minority, the mixture of the real rows'
  distribution ``P`` (share ``1 - s``) and the synthetic one ``Q`` (share ``s = m / (n1 + m)``),
  is at distance ``MMD((1 - s) P + s Q, P) = s MMD(Q, P)`` from the truth: the synthetic share
  times the generator's distance.

The energy distance (which the generator tests use) shares the last two, but has no closed form
between Gaussians in more than one dimension.

The kernel's width is one number per source: ``h^2`` is the trace of the reference minority's
covariance (half the mean squared distance between two of its rows; :func:`kernel_width`), so
a distance is comparable across sources of different scale and dimension.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import linalg
from sklearn.metrics.pairwise import rbf_kernel

from augsim.sources.dgps import Component, gaussian_log_density, mixture_moments


def kernel_width(reference: Sequence[Component] | np.ndarray) -> float:
    """``h^2``: the trace of the covariance of the reference minority, a Gaussian mixture's
    components or rows (n, d) of a sample of it (the unbiased sample covariance)."""
    if isinstance(reference, np.ndarray):
        rows = _rows(reference, "reference")
        if len(rows) < 2:
            raise ValueError(f"a kernel width needs at least 2 reference rows, got {len(rows)}")
        return float(np.sum(np.var(rows, axis=0, ddof=1)))
    return float(np.trace(mixture_moments(reference)[1]))


def gaussian_kernel(X: np.ndarray, Y: np.ndarray, width2: float) -> np.ndarray:
    """``k(x_i, y_j)`` (n, m) for rows ``X`` (n, d) and ``Y`` (m, d)."""
    return rbf_kernel(X, Y, gamma=1.0 / (2.0 * width2))


def expected_kernel(a: Component, b: Component, width2: float) -> float:
    """``E k(X, Y)`` for independent ``X ~ N(mean_a, cov_a)`` and ``Y ~ N(mean_b, cov_b)``:
    ``h^d |S|^(-1/2) exp(-delta' S^-1 delta / 2)`` with ``S = cov_a + cov_b + h^2 I`` and
    ``delta = mean_a - mean_b`` (``k`` is ``(2 pi h^2)^(d/2)`` times the N(0, h^2 I) density of
    ``x - y``, and ``X - Y ~ N(delta, cov_a + cov_b)``)."""
    spread = a.cov + b.cov + width2 * np.eye(len(a.mean))
    return float(_scaled_density(a.mean - b.mean, spread, width2))


def embedding(components: Sequence[Component], X: np.ndarray, width2: float) -> np.ndarray:
    """The mean embedding ``mu_P(x) = E k(x, X)``, ``X ~ P``, at the rows of ``X`` (n, d)."""
    X = _rows(X, "X")
    values = np.zeros(len(X))
    for weight, mean, cov in components:
        spread = cov + width2 * np.eye(len(mean))
        values += weight * _scaled_density(X - mean, spread, width2)
    return values


def inner_product(p: Sequence[Component], q: Sequence[Component], width2: float) -> float:
    """``<mu_P, mu_Q> = E k(X, Y)``, ``X ~ P``, ``Y ~ Q``, for Gaussian mixtures."""
    return sum(a.weight * b.weight * expected_kernel(a, b, width2) for a in p for b in q)


def mmd_squared(p: Sequence[Component], q: Sequence[Component], width2: float) -> float:
    """``MMD^2(P, Q)`` between two Gaussian mixtures, exactly."""
    cross = inner_product(p, q, width2)
    value = inner_product(p, p, width2) + inner_product(q, q, width2) - 2.0 * cross
    return max(value, 0.0)  # rounding can take an exact zero just below


def mmd_squared_to_mixture(X: np.ndarray, p: Sequence[Component], width2: float) -> float:
    """An unbiased estimate of ``MMD^2(Q, P)`` from rows ``X`` (n >= 2, d) of ``Q`` and the
    Gaussian mixture ``P`` itself: the U-statistic of ``k`` over distinct pairs of rows, minus
    twice the mean of ``mu_P`` at the rows, plus ``<mu_P, mu_P>``. It can be negative."""
    X = _rows(X, "X", minimum=2)
    within = _mean_off_diagonal(gaussian_kernel(X, X, width2))
    return within - 2.0 * float(embedding(p, X, width2).mean()) + inner_product(p, p, width2)


def mmd_squared_between(X: np.ndarray, Y: np.ndarray, width2: float) -> float:
    """The unbiased estimate of ``MMD^2(Q, P)`` from rows ``X`` (n >= 2, d) of ``Q`` and ``Y``
    (m >= 2, d) of ``P`` (Gretton et al. 2012, eq. 3). It can be negative."""
    X, Y = _rows(X, "X", minimum=2), _rows(Y, "Y", minimum=2)
    if X.shape[1] != Y.shape[1]:
        raise ValueError(f"X has {X.shape[1]} columns, Y {Y.shape[1]}")
    within_x = _mean_off_diagonal(gaussian_kernel(X, X, width2))
    within_y = _mean_off_diagonal(gaussian_kernel(Y, Y, width2))
    return within_x + within_y - 2.0 * float(gaussian_kernel(X, Y, width2).mean())


def distance(squared: float) -> float:
    """The MMD of an ``MMD^2`` estimate: its square root, 0 for an estimate below 0."""
    return float(np.sqrt(max(squared, 0.0)))


def _scaled_density(delta: np.ndarray, spread: np.ndarray, width2: float) -> np.ndarray:
    """``(h^2)^(d/2) |S|^(-1/2) exp(-delta' S^-1 delta / 2)`` for one or many rows ``delta``:
    ``(2 pi h^2)^(d/2)`` times the ``N(0, S)`` density."""
    rows = np.atleast_2d(delta)
    chol = linalg.cholesky(spread, lower=True)
    log_density = gaussian_log_density(rows, np.zeros(rows.shape[1]), chol)
    values = np.exp(0.5 * rows.shape[1] * np.log(2.0 * np.pi * width2) + log_density)
    return values if np.ndim(delta) == 2 else values[0]


def _mean_off_diagonal(matrix: np.ndarray) -> float:
    n = len(matrix)
    return float((matrix.sum() - np.trace(matrix)) / (n * (n - 1)))


def _rows(X: np.ndarray, what: str, minimum: int = 1) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(X) < minimum:
        raise ValueError(f"{what} must have shape (n, d) with n >= {minimum}, got {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{what} must be finite")
    return X

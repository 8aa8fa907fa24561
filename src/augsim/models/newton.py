"""The Newton solver of the weighted logistic fit on data (the logistic models' default).

Damped Newton (IRLS) on centred and scaled features, started from the LDA fit, with a Cholesky
solve of the (p + 1)-square system. A full step is kept when the slope of the objective at its
end is still non-positive (by convexity it then decreased all along the step); otherwise an
Armijo backtracking search on the objective decides, so the objective never increases. It stops
when half the squared Newton decrement, an estimate of ``L - min L``, is at most ``tol * sum(s)``
and the step moves no training score (log-odds) by more than ``10 * sqrt(tol)``; that last step
is still taken, which squares the error.
"""

import functools
import math
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray
from scipy.linalg.lapack import dposv
from scipy.special import expit

_ARMIJO = 1e-4
_MAX_HALVINGS = 50
# Relative size of L below which a double-precision sum of log-losses cannot resolve a decrease.
_ROUNDOFF = 1e3 * np.finfo(np.float64).eps
_PAIRWISE_MAX_ROWS = 8


class Fit(NamedTuple):
    """A fitted logistic score on the model's features."""

    coef: NDArray[np.float64]
    intercept: float
    n_iter: int
    converged: bool
    scores: NDArray[np.float64]  # training decision values, shape (n,)
    std_coef: NDArray[np.float64]  # coefficients per feature standard deviation, shape (p,)


class _Problem(NamedTuple):
    """Standardised design ``Zt`` (p + 1, n) with a last row of ones; labels ``y``, weights ``s``
    and ``sy = s * y`` (n,); penalty weights ``pen`` (p + 1,) on the standardised coefficients;
    ``companion``: if ``pairwise``, the products of pairs of rows of ``Zt``, else scratch space
    of the shape of ``Zt``."""

    Zt: NDArray[np.float64]
    y: NDArray[np.float64]
    s: NDArray[np.float64]
    sy: NDArray[np.float64]
    pen: NDArray[np.float64]
    pairwise: bool
    companion: NDArray[np.float64]


class _Point(NamedTuple):
    """An iterate: coefficients (p + 1,); scores, probabilities, weighted probabilities (n,);
    gradient (p + 1,)."""

    beta: NDArray[np.float64]
    eta: NDArray[np.float64]
    prob: NDArray[np.float64]
    sprob: NDArray[np.float64]
    grad: NDArray[np.float64]


def fit_newton(
    F: NDArray[np.float64],
    y: NDArray[np.float64],
    s: NDArray[np.float64],
    *,
    C: float,
    tol: float,
    max_iter: int,
) -> Fit:
    """Fit on features ``F`` (n, p): standardise, run Newton, map back to the raw space."""
    n, p = F.shape
    q = p + 1
    pairwise = q <= _PAIRWISE_MAX_ROWS
    # One allocation for the design and its companion (the pairwise products, or scratch space
    # for the Gram matrices): returned whole to the heap after each fit, it is reused by the
    # next without fresh pages, whose faults otherwise dominate the time for p = 20.
    buffer = np.empty((q + (q * (q + 1) // 2 if pairwise else q), n))
    Zt, companion = buffer[:q], buffer[q:]
    mean, scale = _standardise(F, out=Zt)
    if pairwise:
        _pairwise_products(Zt, out=companion)
    # Newton is affine-invariant: standardising only conditions the linear solves, and the
    # penalty 1/(C scale^2) keeps the objective on the raw coefficients.
    pen = np.zeros(q)
    pen[:-1] = 1.0 / (C * scale**2)
    problem = _Problem(Zt, y, s, s * y, pen, pairwise, companion)
    beta, eta, n_iter, converged = _newton(problem, tol=tol, max_iter=max_iter)
    std_coef = beta[:-1]
    coef = std_coef / scale
    return Fit(coef, float(beta[-1] - coef @ mean), n_iter, converged, eta, std_coef)


def _standardise(
    F: NDArray[np.float64], *, out: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Write centred, unit-variance features as rows, then a row of ones, into ``out``
    (p + 1, n); return the column means and scales (p,)."""
    n = F.shape[0]
    X = out[:-1]  # features as rows: every product below runs over contiguous memory
    X[...] = F.T
    mean = X.sum(axis=1) / n
    X -= mean[:, None]
    scale = np.sqrt(np.einsum("ij,ij->i", X, X) / n)
    # A constant column leaves only round-off after centring: zero it, so its coefficient is 0.
    constant = scale <= 1e-12 * (1.0 + np.abs(mean))
    if constant.any():
        scale[constant] = 1.0
        X[constant] = 0.0
    X *= (1.0 / scale)[:, None]
    out[-1] = 1.0
    return mean, scale


@functools.cache
def _pair_index(q: int) -> NDArray[np.intp]:
    """Position (q, q) of the pair (min(i, j), max(i, j)) in the order of ``np.triu_indices``."""
    index = np.zeros((q, q), dtype=np.intp)
    index[np.triu_indices(q)] = np.arange(q * (q + 1) // 2)
    return np.maximum(index, index.T)


def _pairwise_products(Zt: NDArray[np.float64], *, out: NDArray[np.float64]) -> None:
    """Write the products ``Zt[i] * Zt[j]`` for ``i <= j`` into ``out`` (q (q + 1) / 2, n).

    With them every weighted Gram matrix is one matrix-vector product, about three times faster
    than a BLAS rank-k update for q <= 8 rows; for more rows they cost more than they save.
    """
    q = Zt.shape[0]
    start = 0
    for i in range(q):  # row by row, in the order of _pair_index
        np.multiply(Zt[i:], Zt[i], out=out[start : start + q - i])
        start += q - i


def _weighted_gram(problem: _Problem, w: NDArray[np.float64]) -> NDArray[np.float64]:
    """``diag(pen) + sum_i w_i z_i z_i'`` over the columns ``z_i`` of ``Zt``, weights ``w`` (n,)."""
    q = problem.Zt.shape[0]
    if not problem.pairwise:
        root = np.multiply(problem.Zt, np.sqrt(w), out=problem.companion)
        gram = root @ root.T  # numpy computes a @ a.T with the symmetric BLAS kernel
        gram.flat[:: q + 1] += problem.pen
        return gram
    index = _pair_index(q)
    pairs = problem.companion @ w
    pairs[index.diagonal()] += problem.pen
    return pairs[index]


def _newton(
    problem: _Problem, *, tol: float, max_iter: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], int, bool]:
    """Damped Newton from the LDA fit: coefficients (p + 1,), scores (n,), iterations, converged."""
    beta = _initial_beta(problem)
    point = _evaluate(problem, beta, beta @ problem.Zt)
    # sklearn's objective is ours divided by sum(s): tol bounds the gap on that scale.
    gap_tol, score_tol = tol * problem.s.sum(), 10.0 * math.sqrt(tol)
    for n_iter in range(1, max_iter + 1):
        delta, decrement = _newton_step(problem, point)
        change = delta @ problem.Zt  # what the step does to every training score
        # Half the squared decrement estimates the gap to the minimum; on flat, nearly separable
        # problems a small gap still allows large errors, so the scores must also have settled.
        if decrement / 2 <= gap_tol and np.abs(change).max() <= score_tol:
            # Take this last step: near the minimum it squares the remaining error, and it cannot
            # increase the objective. Along it phi(t) = L(beta + t delta) has
            # phi'(0) = -phi''(0) = -decrement, and phi'' grows at most like exp(M t) with
            # M = max |change|, as the log-loss has |l'''| <= l''. So for M <= 1,
            # phi(1) - phi(0) <= -(1 - (e^M - 1 - M) / M^2) decrement < 0.
            return point.beta + delta, point.eta + change, n_iter, True
        new = _line_search(problem, point, delta, change, decrement)
        if new is None:  # no decrease representable in floating point
            f = _objective(problem, point.beta, point.eta)
            return point.beta, point.eta, n_iter, decrement / 2 <= _ROUNDOFF * abs(f)
        point = new
    return point.beta, point.eta, max_iter, False


def _initial_beta(problem: _Problem) -> NDArray[np.float64]:
    """Starting point (p + 1,): weighted LDA, or the intercept-only fit if LDA is singular.

    For Gaussian classes with a shared covariance LDA and logistic regression estimate the same
    parameters, so Newton starts close and needs about half the iterations; elsewhere it is
    still a reasonable start, and the line search makes any start safe.
    """
    gram = _weighted_gram(problem, problem.s)  # the last row of Zt is ones: sums are in it
    weight1 = problem.sy.sum()
    weight0 = gram[-1, -1] - weight1
    sum1 = problem.Zt[:-1] @ problem.sy
    mean1, mean0 = sum1 / weight1, (gram[:-1, -1] - sum1) / weight0
    # Pooled within-class covariance: total weighted scatter minus the between-class part.
    scatter = gram[:-1, :-1]
    within = scatter - weight1 * mean1[:, None] * mean1 - weight0 * mean0[:, None] * mean0
    beta = np.zeros(problem.Zt.shape[0])
    beta[-1] = np.log(weight1 / weight0)
    _, direction, info = dposv(within, (weight0 + weight1) * (mean1 - mean0))
    if info == 0 and np.isfinite(direction).all():
        beta[:-1] = direction
        beta[-1] -= direction @ (mean1 + mean0) / 2
    # else: on centred features beta is the best intercept-only fit
    return beta


def _evaluate(problem: _Problem, beta: NDArray[np.float64], eta: NDArray[np.float64]) -> _Point:
    """The iterate at coefficients ``beta`` (p + 1,) with scores ``eta = beta @ Zt`` (n,)."""
    prob = expit(eta)
    sprob = problem.s * prob
    grad = problem.Zt @ (sprob - problem.sy)
    grad += problem.pen * beta
    return _Point(beta, eta, prob, sprob, grad)


def _objective(problem: _Problem, beta: NDArray[np.float64], eta: NDArray[np.float64]) -> float:
    """L at coefficients ``beta`` (p + 1,) with scores ``eta`` (n,)."""
    # logaddexp(0, eta) = log(1 + e^eta) without overflow; minus y * eta gives the log-loss.
    loss = np.logaddexp(0.0, eta) - problem.y * eta
    return float(problem.s @ loss + 0.5 * (problem.pen @ (beta * beta)))


def _newton_step(problem: _Problem, point: _Point) -> tuple[NDArray[np.float64], float]:
    """Newton step (p + 1,) and squared Newton decrement ``g' H^-1 g``."""
    hess = _weighted_gram(problem, point.sprob * (1.0 - point.prob))
    _, step, info = dposv(hess, point.grad)  # Cholesky solve; info > 0: not positive definite
    if info != 0:
        # Only without a penalty (C = inf), on separated classes whose weights underflow or on
        # collinear columns: the minimum-norm step is the best available.
        step = np.linalg.lstsq(hess, point.grad, rcond=None)[0]
    return -step, float(point.grad @ step)


def _line_search(
    problem: _Problem,
    point: _Point,
    delta: NDArray[np.float64],
    change: NDArray[np.float64],
    decrement: float,
) -> _Point | None:
    """Next point along ``delta`` (p + 1,), whose full length changes the scores by ``change``
    (n,), with an Armijo decrease of the objective; None if there is none."""
    new = _evaluate(problem, point.beta + delta, point.eta + change)
    # The objective is convex along delta: a non-positive slope at the full step means it
    # decreased all the way there, so the full step beats any shorter one, with no logs needed.
    if new.grad @ delta <= 0.0:
        return new
    f = _objective(problem, point.beta, point.eta)
    for halvings in range(_MAX_HALVINGS):
        t = 0.5**halvings
        beta, eta = point.beta + t * delta, point.eta + t * change
        if _objective(problem, beta, eta) <= f - _ARMIJO * t * decrement:
            # the full step is the point evaluated above (t = 1 changes no bit of it)
            return new if halvings == 0 else _evaluate(problem, beta, eta)
    return None

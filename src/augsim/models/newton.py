"""The Newton solver of the weighted logistic fit on data (the logistic models' default).

The fit as a problem of the shared damped Newton driver (:mod:`augsim.models.damped_newton`):
IRLS on centred and scaled features, started from the LDA fit, with a Cholesky solve of the
(p + 1)-square system and, for few features, every weighted Gram matrix as one matrix-vector
product with the pairwise products of the features. The driver stops when half the squared
Newton decrement, an estimate of ``L - min L``, is at most ``tol * sum(s)``; this problem adds
that the step move no training score (log-odds) by more than ``10 * sqrt(tol)``. That last step
is still taken, which squares the error.
"""

import functools
import math
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray
from scipy.linalg.lapack import dposv
from scipy.special import expit

from augsim.models.damped_newton import NewtonProblem, damped_newton

_PAIRWISE_MAX_ROWS = 8


class Fit(NamedTuple):
    """A fitted logistic score on the model's features."""

    coef: NDArray[np.float64]
    intercept: float
    n_iter: int
    converged: bool
    scores: NDArray[np.float64]  # training decision values, shape (n,)
    std_coef: NDArray[np.float64]  # coefficients per feature standard deviation, shape (p,)


class _Point(NamedTuple):
    """An iterate: coefficients (p + 1,); scores, probabilities, weighted probabilities (n,);
    gradient (p + 1,)."""

    beta: NDArray[np.float64]
    eta: NDArray[np.float64]
    prob: NDArray[np.float64]
    sprob: NDArray[np.float64]
    grad: NDArray[np.float64]


class _Step(NamedTuple):
    """A Newton step: coefficients (p + 1,) and what it does to every training score (n,)."""

    delta: NDArray[np.float64]
    change: NDArray[np.float64]


_Solution = tuple[NDArray[np.float64], NDArray[np.float64]]  # coefficients (p + 1,), scores (n,)


class _Problem(NewtonProblem[_Point, _Step, _Solution]):
    """Standardised design ``Zt`` (p + 1, n) with a last row of ones; labels ``y``, weights ``s``
    and ``sy = s * y`` (n,); penalty weights ``pen`` (p + 1,) on the standardised coefficients;
    ``companion``: if ``pairwise``, the products of pairs of rows of ``Zt``, else scratch space
    of the shape of ``Zt``; ``score_tol``: the largest change of a score a last step may make."""

    __slots__ = ("Zt", "companion", "pairwise", "pen", "s", "score_tol", "sy", "y")

    def __init__(
        self,
        Zt: NDArray[np.float64],
        y: NDArray[np.float64],
        s: NDArray[np.float64],
        pen: NDArray[np.float64],
        pairwise: bool,
        companion: NDArray[np.float64],
        score_tol: float,
    ) -> None:
        self.Zt, self.y, self.s, self.sy, self.pen = Zt, y, s, s * y, pen
        self.pairwise, self.companion, self.score_tol = pairwise, companion, score_tol

    def newton_step(self, point: _Point) -> tuple[_Step, float]:
        delta, decrement = _newton_step(self, point)
        return _Step(delta, delta @ self.Zt), decrement

    def move(self, point: _Point, step: _Step, t: float) -> _Point:
        if t == 1.0:  # the usual case: spare a product over the n scores
            return _evaluate(self, point.beta + step.delta, point.eta + step.change)
        return _evaluate(self, point.beta + t * step.delta, point.eta + t * step.change)

    def slope(self, point: _Point, step: _Step) -> float:
        return point.grad @ step.delta

    def value(self, point: _Point) -> float:
        return _objective(self, point.beta, point.eta)

    def finish(self, point: _Point, step: _Step | None) -> _Solution:
        if step is None:
            return point.beta, point.eta
        return point.beta + step.delta, point.eta + step.change

    def settled(self, point: _Point, step: _Step) -> bool:
        # On flat, nearly separable problems a small gap still allows large errors, so the
        # scores must also have settled. The last step then cannot increase the objective: along
        # it phi(t) = L(beta + t delta) has phi'(0) = -phi''(0) = -decrement, and phi'' grows at
        # most like exp(M t) with M = max |change|, as the log-loss has |l'''| <= l''. So for
        # M <= 1, phi(1) - phi(0) <= -(1 - (e^M - 1 - M) / M^2) decrement < 0.
        return np.abs(step.change).max() <= self.score_tol


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
    problem = _Problem(Zt, y, s, pen, pairwise, companion, 10.0 * math.sqrt(tol))
    beta = _initial_beta(problem)
    start = _evaluate(problem, beta, beta @ problem.Zt)
    # sklearn's objective is ours divided by sum(s): tol bounds the gap on that scale.
    result = damped_newton(problem, start, tol=tol, scale=problem.s.sum(), max_iter=max_iter)
    beta, eta = result.solution
    std_coef = beta[:-1]
    coef = std_coef / scale
    return Fit(coef, float(beta[-1] - coef @ mean), result.n_iter, result.converged, eta, std_coef)


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

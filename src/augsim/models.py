"""Score models: binary logistic regression on raw or quadratic features.

Every model minimises the scikit-learn objective, with the intercept ``b`` left unpenalised::

    L(coef, b) = sum_i s_i * logloss(y_i, x_i @ coef + b) + ||coef||^2 / (2 C)

sklearn divides the whole objective by ``sum_i s_i``, which leaves the minimiser unchanged, so the
two solvers agree for the same ``C``. ``C = np.inf`` is the unpenalised maximum-likelihood fit.
Integer weights ``s_i`` give exactly the fit on rows duplicated ``s_i`` times.

Solvers
-------
``"newton"`` (default)
    Damped Newton (IRLS) on centred and scaled features, started from the LDA fit, with a
    Cholesky solve of the (p + 1)-square system. A full step is kept when the slope of the
    objective at its end is still non-positive (by convexity it then decreased all along the
    step); otherwise an Armijo backtracking search on the objective decides, so the objective
    never increases. It stops when half the squared Newton decrement, an estimate of
    ``L - min L``, is at most ``tol * sum(s)`` and the step moves no training score (log-odds)
    by more than ``10 * sqrt(tol)``; that last step is still taken, which squares the error.
``"sklearn"``
    The reference: ``LogisticRegression(C=C, **SKLEARN_OPTIONS)``, L-BFGS with ``tol=1e-10``.
    scikit-learn is imported only here, so ``import augsim`` does not import it. Its accuracy is
    limited by L-BFGS's fixed relative-decrease stop (64 machine epsilons): about 1e-7 relative
    on the linear model and up to a few 1e-6 on the quadratic one.

Separable data
--------------
With finite ``C`` the objective is strictly convex and grows without bound in every direction
(the penalty bounds ``coef``; both classes being present bounds ``b``), so its minimiser is
finite and unique even when the classes are linearly separable; its size is then set by ``C``
(about ``log(C)`` over the margin), not by the data. Such fits log a warning through
``logging``, not ``warnings``, so that one odd replicate among thousands of fits never aborts a
run under ``-W error``. With ``C = np.inf`` and separable data there is no minimiser: the
coefficients grow until the objective stops decreasing in floating point or ``max_iter`` is
reached; the fit logs a warning and, unless the loss underflowed to an exactly zero gradient,
reports ``converged_ = False``.
"""

import functools
import logging
import math
import numbers
import time
import warnings
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar, NamedTuple, Self

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.linalg.lapack import dposv
from scipy.special import expit

from augsim.flexible_models import FLEXIBLE_MODELS

logger = logging.getLogger(__name__)

SOLVERS = ("newton", "sklearn")
PARAMS = ("C", "solver", "tol", "max_iter")

# The reference fit is LogisticRegression(C=C, **SKLEARN_OPTIONS).
SKLEARN_OPTIONS: Mapping[str, Any] = MappingProxyType(
    {"solver": "lbfgs", "tol": 1e-10, "max_iter": 10_000}
)
_ARMIJO = 1e-4
_MAX_HALVINGS = 50
# Relative size of L below which a double-precision sum of log-losses cannot resolve a decrease.
_ROUNDOFF = 1e3 * np.finfo(np.float64).eps
# A standardised coefficient this large multiplies the odds by e^50 per standard deviation:
# only (quasi-)separation produces that.
_LARGE_COEF = 50.0
_PAIRWISE_MAX_ROWS = 8


class _Fit(NamedTuple):
    coef: NDArray[np.float64]
    intercept: float
    n_iter: int
    converged: bool
    scores: NDArray[np.float64]  # training decision values, shape (n,)
    std_coef: NDArray[np.float64]  # coefficients per feature standard deviation, shape (p,)


def quadratic_features(X: ArrayLike) -> NDArray[np.float64]:
    """Linear and quadratic features.

    Parameters
    ----------
    X : array-like, shape (n, d)

    Returns
    -------
    ndarray, shape (n, d + d * (d + 1) / 2)
        Columns ``x_1, ..., x_d`` followed by the products ``x_i * x_j`` for ``i <= j`` in
        row-major order: ``x_1 x_1, x_1 x_2, ..., x_1 x_d, x_2 x_2, ..., x_d x_d``
        (the order of ``numpy.triu_indices(d)``). Column-major (Fortran) memory layout.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D with shape (n, d), got shape {X.shape}")
    n, d = X.shape
    # Built as contiguous rows of the transpose: several times faster than strided columns.
    out = np.empty((d + d * (d + 1) // 2, n))
    out[:d] = X.T
    start = d
    for i in range(d):
        np.multiply(out[i:d], out[i], out=out[start : start + d - i])
        start += d - i
    return out.T


class LogisticModel:
    """Logistic regression with intercept on the raw features.

    Parameters
    ----------
    C : float, default 1e6
        Inverse L2 strength, as in scikit-learn; ``np.inf`` for no penalty.
    solver : {"newton", "sklearn"}, default "newton"
    tol : float in (0, 0.01], default 1e-10
        Newton solver only: stop when the objective gap per unit sample weight (sklearn's
        scaling) is at most ``tol`` and no score moves by more than ``10 * sqrt(tol)``.
    max_iter : int, default 100
        Newton solver only: maximum number of Newton iterations.

    The sklearn reference uses its own fixed settings (module docstring).

    Attributes
    ----------
    coef_ : ndarray, shape (p,)
        Coefficients of the model's features (``p = d`` here).
    intercept_ : float
    n_iter_ : int
    converged_ : bool
    n_features_in_ : int
        Number of raw features ``d`` seen in ``fit``.
    """

    name: ClassVar[str] = "logistic"
    #: its name in figures
    label: ClassVar[str] = "logistic"
    #: The model's score is linear in the raw features and it minimises the weighted logistic
    #: risk, effectively unpenalised: under a Gaussian-mixture DGP its metrics are exact
    #: (augsim.population) and its n -> infinity limit is the projection theta*(w). Plan,
    #: evaluation, figures and claims read this flag and nothing else to decide whether a fit
    #: has population metrics. (A linear model with another loss or a real penalty would need
    #: a projection of its own: it must leave this False.)
    exact_population: ClassVar[bool] = True
    #: whether the study keeps each fit's test-set scores rather than its coefficients
    stores_scores: ClassVar[bool] = False
    #: rank from least to most flexible, for the order of the figures' models
    flexibility: ClassVar[int] = 0

    def __init__(
        self, *, C: float = 1e6, solver: str = "newton", tol: float = 1e-10, max_iter: int = 100
    ) -> None:
        self.C = _check_C(C)
        if solver not in SOLVERS:
            raise ValueError(f"solver must be one of {SOLVERS}, got {solver!r}")
        self.solver = solver
        # tol <= 0.01 keeps the last step's score change <= 1, where it provably decreases L.
        if not isinstance(tol, numbers.Real) or not 0 < tol <= 0.01:
            raise ValueError(f"tol must be a float in (0, 0.01], got {tol!r}")
        self.tol = float(tol)
        if not isinstance(max_iter, numbers.Integral) or isinstance(max_iter, bool) or max_iter < 1:
            raise ValueError(f"max_iter must be an integer >= 1, got {max_iter!r}")
        self.max_iter = int(max_iter)
        self.threads = 1  # the Newton fit's small linear algebra needs no more

    def features(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        """Model features of raw rows: shape (n, d) -> (n, p); the identity here."""
        return X

    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        sample_weight: ArrayLike | None = None,
        *,
        rng: np.random.Generator | None = None,
    ) -> Self:
        """Fit on rows ``X`` (n, d), labels ``y`` (n,) in {0, 1} and weights (n,) >= 0.

        The fit is deterministic: ``rng`` (the interface's random stream) is not used.
        """
        X, y, s = _check_fit_inputs(X, y, sample_weight)
        F = self.features(X)
        start = time.perf_counter()
        if self.solver == "newton":
            fit = _fit_newton(F, y, s, C=self.C, tol=self.tol, max_iter=self.max_iter)
        else:
            fit = _fit_sklearn(F, y, s, C=self.C)
        self.coef_, self.intercept_, self.n_iter_, self.converged_ = fit[:4]
        self.n_features_in_ = X.shape[1]
        _log_fit(self, fit, y, s, seconds=time.perf_counter() - start)
        return self

    def decision_function(self, X: ArrayLike) -> NDArray[np.float64]:
        """Linear score ``features(X) @ coef_ + intercept_``: shape (n, d) -> (n,)."""
        if not hasattr(self, "coef_"):
            raise ValueError(f"this {self.name} model is not fitted yet: call fit first")
        X = _check_X(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features but the model was fitted on {self.n_features_in_}"
            )
        return self.features(X) @ self.coef_ + self.intercept_


class QuadraticLogisticModel(LogisticModel):
    """Logistic regression on ``quadratic_features(X)``; ``coef_`` has shape (d + d(d+1)/2,)."""

    name: ClassVar[str] = "logistic_quadratic"
    label: ClassVar[str] = "quadratic logistic"
    exact_population: ClassVar[bool] = False  # its score is quadratic in x
    flexibility: ClassVar[int] = 1

    def features(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        """Model features of raw rows: shape (n, d) -> (n, d + d(d+1)/2)."""
        return quadratic_features(X)


MODELS: dict[str, type] = {
    LogisticModel.name: LogisticModel,
    QuadraticLogisticModel.name: QuadraticLogisticModel,
    **{cls.name: cls for cls in FLEXIBLE_MODELS},
}


def make_model(name: str, **params: object):
    """Build the registered model ``name`` with keyword options ``params`` (the logistic
    models take ``PARAMS``; the flexible models their scikit-learn estimator's options)."""
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; valid names: {', '.join(MODELS)}")
    if issubclass(MODELS[name], LogisticModel):
        unknown = sorted(set(params) - set(PARAMS))
        if unknown:
            raise ValueError(f"unknown parameter(s) {unknown} for model {name!r}; valid: {PARAMS}")
    try:
        return MODELS[name](**params)
    except TypeError as err:  # an option the estimator does not have
        raise ValueError(f"model {name!r}: {err}") from None


def build_model(spec: dict, *, threads: int = 1):
    """The (unfitted) score model of a config entry ``{"name": ..., "params": {...}}``, using
    ``threads`` threads where it can use several."""
    model = make_model(spec["name"], **(spec.get("params") or {}))
    model.threads = threads
    return model


# --- input checks ------------------------------------------------------------------------------


def _check_C(C: object) -> float:
    if isinstance(C, bool) or not isinstance(C, numbers.Real) or not C > 0:
        raise ValueError(f"C must be a float > 0 (np.inf for no penalty), got {C!r}")
    return float(C)


def _check_X(X: ArrayLike) -> NDArray[np.float64]:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must be a non-empty 2-D array (n, d), got shape {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError("X contains NaN or infinite values")
    return X


def _check_fit_inputs(
    X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    X = _check_X(X)
    n = X.shape[0]
    y = np.asarray(y)
    if y.shape != (n,):
        raise ValueError(f"y must have shape ({n},) to match X, got {y.shape}")
    if y.dtype.kind not in "biuf" or not ((y == 0) | (y == 1)).all():
        raise ValueError("y must contain only the labels 0 and 1 (class 1 is the minority)")
    y = y.astype(np.float64)
    if sample_weight is None:
        s = np.ones(n)
    else:
        s = np.asarray(sample_weight, dtype=np.float64)
        if s.shape != (n,):
            raise ValueError(f"sample_weight must have shape ({n},) to match X, got {s.shape}")
        if not (np.isfinite(s).all() and (s >= 0).all()):
            raise ValueError("sample_weight must be finite and >= 0")
    if not 0 < s @ y < s.sum():
        raise ValueError("y must contain both classes 0 and 1, each with positive sample_weight")
    return X, y, s


# --- Newton solver -----------------------------------------------------------------------------


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


def _fit_newton(
    F: NDArray[np.float64],
    y: NDArray[np.float64],
    s: NDArray[np.float64],
    *,
    C: float,
    tol: float,
    max_iter: int,
) -> _Fit:
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
    return _Fit(coef, float(beta[-1] - coef @ mean), n_iter, converged, eta, std_coef)


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


# --- reference solver and diagnostics ----------------------------------------------------------


def _fit_sklearn(
    F: NDArray[np.float64], y: NDArray[np.float64], s: NDArray[np.float64], *, C: float
) -> _Fit:
    """The scikit-learn reference fit on features ``F`` (n, p)."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    # C=np.inf, not the deprecated penalty=None (sklearn >= 1.8), means no penalty.
    model = LogisticRegression(C=C, **SKLEARN_OPTIONS)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(F, y, sample_weight=s)
    converged = True
    for w in caught:
        if issubclass(w.category, ConvergenceWarning):
            converged = False
            logger.warning("sklearn reference did not converge: %s", w.message)
        else:  # only convergence is ours to handle; everything else goes to the caller's filters
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    coef = model.coef_[0].copy()
    intercept = float(model.intercept_[0])
    n_iter = int(model.n_iter_[0])
    return _Fit(coef, intercept, n_iter, converged, F @ coef + intercept, coef * F.std(axis=0))


def _log_fit(
    model: LogisticModel,
    fit: _Fit,
    y: NDArray[np.float64],
    s: NDArray[np.float64],
    *,
    seconds: float,
) -> None:
    """Log the fit at debug level, and a warning if it did not converge or the classes separate."""
    if logger.isEnabledFor(logging.DEBUG):  # tens of thousands of fits: skip the formatting
        logger.debug(
            "%s fit: n=%d p=%d minority weight share=%.4f C=%g solver=%s n_iter=%d %.2f ms",
            model.name, y.size, fit.coef.size, (s @ y) / s.sum(), model.C, model.solver,
            fit.n_iter, 1e3 * seconds,
        )  # fmt: skip
    if not fit.converged:
        logger.warning(
            "%s (%s solver, C=%g) stopped after %d iterations without converging",
            model.name, model.solver, model.C, fit.n_iter,
        )  # fmt: skip
    sy = s * y  # > 0 on positives that count, < s on negatives that count
    lowest_positive = fit.scores.min(where=sy > 0, initial=np.inf)
    highest_negative = fit.scores.max(where=s > sy, initial=-np.inf)
    largest = float(np.abs(fit.std_coef).max(initial=0.0))
    if lowest_positive >= highest_negative or largest > _LARGE_COEF:
        cause = (
            f"the penalty C={model.C:g}, not the data, sets their size"
            if math.isfinite(model.C)
            else "without a penalty (C=inf) no finite fit exists: they are where the solver stopped"
        )
        logger.warning(
            "%s: the classes are (nearly) linearly separable (largest standardised coefficient "
            "%.3g); %s",
            model.name, largest, cause,
        )  # fmt: skip

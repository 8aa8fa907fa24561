"""Score models: binary logistic regression on raw or quadratic features.

Every model minimises the scikit-learn objective, with the intercept ``b`` left unpenalised::

    L(coef, b) = sum_i s_i * logloss(y_i, x_i @ coef + b) + ||coef||^2 / (2 C)

sklearn divides the whole objective by ``sum_i s_i``, which leaves the minimiser unchanged, so the
two solvers agree for the same ``C``. ``C = np.inf`` is the unpenalised maximum-likelihood fit.
Integer weights ``s_i`` give exactly the fit on rows duplicated ``s_i`` times.

Solvers
-------
``"newton"`` (default)
    The project's damped Newton solver (:mod:`augsim.models.newton`).
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

import logging
import math
import numbers
import time
import warnings
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar, Self

import numpy as np
from numpy.typing import ArrayLike, NDArray

from augsim.models.interface import ScoreModel
from augsim.models.newton import Fit, fit_newton

logger = logging.getLogger(__name__)

SOLVERS = ("newton", "sklearn")
PARAMS = ("C", "solver", "tol", "max_iter")

# The reference fit is LogisticRegression(C=C, **SKLEARN_OPTIONS).
SKLEARN_OPTIONS: Mapping[str, Any] = MappingProxyType(
    {"solver": "lbfgs", "tol": 1e-10, "max_iter": 10_000}
)
# A standardised coefficient this large multiplies the odds by e^50 per standard deviation:
# only (quasi-)separation produces that.
_LARGE_COEF = 50.0


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


class LogisticModel(ScoreModel):
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

    @classmethod
    def valid_params(cls) -> tuple[str, ...]:
        """The options the config may give."""
        return PARAMS

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
            fit = fit_newton(F, y, s, C=self.C, tol=self.tol, max_iter=self.max_iter)
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


# --- reference solver and diagnostics ----------------------------------------------------------


def _fit_sklearn(
    F: NDArray[np.float64], y: NDArray[np.float64], s: NDArray[np.float64], *, C: float
) -> Fit:
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
    return Fit(coef, intercept, n_iter, converged, F @ coef + intercept, coef * F.std(axis=0))


def _log_fit(
    model: LogisticModel,
    fit: Fit,
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

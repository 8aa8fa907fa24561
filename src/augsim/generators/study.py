"""The study's own synthetic minority generators: the truth sampler, its biased twin, random
oversampling, SMOTE and the Gaussian fit.

Every generator implements :mod:`augsim.generators.interface`; the registry
(:mod:`augsim.generators.registry`) builds them from the config:

``oracle(dgp)``
    Fresh draws from the true minority distribution: zero discrepancy.
``biased_oracle(dgp, shift)``
    The true minority distribution translated by ``shift``: a controlled discrepancy.
``scaled_oracle(dgp, scale)``
    The true minority distribution with its covariances times ``scale``: another one.
``ros()``
    Random oversampling: minority rows drawn uniformly with replacement.
``smote(k_neighbors=5)``
    SMOTE, drawing the rows imbalanced-learn's ``SMOTE`` draws for the same seed (on rows without
    tied distances, such as continuous data).
``gaussian(shrinkage="ledoit_wolf")``
    A Gaussian with the minority sample mean and a shrunk sample covariance.

Nested prefixes: the study draws ``m_max`` rows once per (replicate, generator) and uses the first
``m`` rows for smaller gamma. Every generator here draws rows that are i.i.d. given its fitted
state, so a prefix of a draw is itself a valid draw (each class says why; the tests check it).
The parametric generators expose ``synthetic_components()``, the ``(weight, mean, cov)`` list of
the distribution they sample, for :mod:`augsim.population.limits`.

Importing this module imports neither scikit-learn nor imbalanced-learn: the Ledoit-Wolf
``gaussian`` imports scikit-learn when it is used.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from augsim.generators.interface import MinorityGenerator
from augsim.sources.dgps import Component, GaussianMixtureDGP, check_count, mixture_moments
from augsim.study.methods import Role
from augsim.study.seeds import integer_seed


class Oracle(MinorityGenerator):
    """Fresh draws from the true minority distribution of ``dgp``.

    ``fit`` only checks the dimension. Nested prefixes: rows are independent draws from the DGP;
    the prefix of an i.i.d. sequence is i.i.d.

    Parameters
    ----------
    dgp : GaussianMixtureDGP
        The data-generating process whose class-1 conditional is sampled.
    """

    name = "oracle"
    role = Role.TRUTH
    label = "oracle"
    colour = "#0173B2"
    marker = "o"
    min_rows = 0
    needs_dgp = True
    exact_limit = True

    def __init__(self, *, dgp: GaussianMixtureDGP) -> None:
        super().__init__()
        if not isinstance(dgp, GaussianMixtureDGP):
            raise ValueError(f"dgp must be a GaussianMixtureDGP, got {type(dgp).__name__}")
        self.dgp = dgp

    def __repr__(self) -> str:
        return f"{type(self).__name__}(dgp={self.dgp!r})"

    def synthetic_components(self) -> list[Component]:
        """The ``(weight, mean, cov)`` components of the sampled distribution: the DGP minority."""
        return self.dgp.components(1)

    def population_limit(self, dgp: GaussianMixtureDGP, *, n0: int, n1: int) -> list[Component]:
        """The sampled distribution itself, whatever n."""
        return self.synthetic_components()

    def _fit(self, X: np.ndarray, X_majority, rng: np.random.Generator) -> None:
        if X.shape[1] != self.dgp.dim:
            raise ValueError(f"X_minority has {X.shape[1]} columns, the DGP has dim {self.dgp.dim}")

    def _sample(self, m: int, rng: np.random.Generator) -> np.ndarray:
        return self.dgp.sample_class(1, m, rng)


class BiasedOracle(Oracle):
    """The true minority distribution translated by a fixed vector: a controlled discrepancy.

    Nested prefixes: rows are independent DGP draws plus a constant; the prefix of an i.i.d.
    sequence is i.i.d.

    Parameters
    ----------
    dgp : GaussianMixtureDGP
        The data-generating process whose class-1 conditional is shifted.
    shift : float or sequence of float
        A number shifts along the first axis; a length-d sequence is the shift vector itself.
    """

    name = "biased_oracle"
    role = Role.BIASED
    label = "biased oracle"
    colour = "#56B4E9"
    marker = "v"
    limit_params = ("shift",)

    def __init__(self, *, dgp: GaussianMixtureDGP, shift: float | Sequence[float]) -> None:
        super().__init__(dgp=dgp)
        self.shift = _shift_vector(shift, dgp.dim)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(dgp={self.dgp!r}, shift={self.shift.tolist()})"

    def synthetic_components(self) -> list[Component]:
        """The DGP's minority components with means moved by ``shift``."""
        return [Component(w, mu + self.shift, cov) for w, mu, cov in self.dgp.components(1)]

    def _sample(self, m: int, rng: np.random.Generator) -> np.ndarray:
        return self.dgp.sample_class(1, m, rng) + self.shift


class ScaledOracle(Oracle):
    """The true minority distribution with every component's covariance scaled about its mean:
    a controlled discrepancy in spread rather than location.

    Nested prefixes: rows are independent draws from the scaled mixture; the prefix of an i.i.d.
    sequence is i.i.d.

    Parameters
    ----------
    dgp : GaussianMixtureDGP
        The data-generating process whose class-1 conditional is widened (or narrowed).
    scale : float > 0
        The factor of every minority component's covariance (1: the truth itself).
    """

    name = "scaled_oracle"
    role = Role.BIASED
    label = "scaled oracle"
    colour = "#7A5195"
    marker = "H"
    limit_params = ("scale",)

    def __init__(self, *, dgp: GaussianMixtureDGP, scale: float) -> None:
        super().__init__(dgp=dgp)
        if isinstance(scale, bool) or not isinstance(scale, int | float) or not scale > 0:
            raise ValueError(f"scale must be a number > 0, got {scale!r}")
        self.scale = float(scale)
        self._scaled = GaussianMixtureDGP(
            "scaled minority", majority=dgp.components(0), minority=self.synthetic_components()
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(dgp={self.dgp!r}, scale={self.scale})"

    def synthetic_components(self) -> list[Component]:
        """The DGP's minority components with covariances times ``scale``."""
        return [Component(w, mu, self.scale * cov) for w, mu, cov in self.dgp.components(1)]

    def _sample(self, m: int, rng: np.random.Generator) -> np.ndarray:
        return self._scaled.sample_class(1, m, rng)


class RandomOversampler(MinorityGenerator):
    """Random oversampling: rows drawn uniformly with replacement from the fitted minority rows.

    Nested prefixes: each row is an independent uniform index into the fitted rows; the prefix of
    an i.i.d. sequence is i.i.d.
    """

    name = "ros"
    role = Role.RESAMPLER
    label = "ROS"
    colour = "#DE8F05"
    marker = "s"
    exact_limit = True

    def population_limit(self, dgp: GaussianMixtureDGP, *, n0: int, n1: int) -> list[Component]:
        """The true minority: the rows are real rows."""
        return dgp.components(1)

    def _fit(self, X: np.ndarray, X_majority, rng: np.random.Generator) -> None:
        self.rows_ = X.copy()

    def _sample(self, m: int, rng: np.random.Generator) -> np.ndarray:
        return self.rows_[rng.integers(0, len(self.rows_), size=m)]


class Smote(MinorityGenerator):
    """SMOTE as imbalanced-learn draws it: points on segments from a minority row to a neighbour.

    Each synthetic row is ``x_i + u (x_j - x_i)`` with ``i`` uniform over the minority rows, ``j``
    uniform over the ``k_neighbors`` nearest other minority rows of ``x_i`` and ``u ~ U[0, 1)``.
    Nested prefixes: imbalanced-learn draws ``(i, j, u)`` independently for every row, so rows are
    i.i.d. given the fitted rows and the prefix of a draw is a valid draw. The prefix is *not* the
    same rows as a smaller draw with the same seed (all indices are drawn before all steps): slice
    one large draw, as the study does.

    Parameters
    ----------
    k_neighbors : int, default 5
        Neighbours per minority row; fitting needs at least ``k_neighbors + 1`` minority rows.
    """

    name = "smote"
    role = Role.RESAMPLER
    label = "SMOTE"
    colour = "#029E73"
    marker = "^"
    exact_limit = True

    def __init__(self, *, k_neighbors: int = 5) -> None:
        super().__init__()
        self.k_neighbors = check_count("k_neighbors", k_neighbors, minimum=1)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(k_neighbors={self.k_neighbors})"

    def min_minority_rows(self) -> int:
        """SMOTE needs each row's ``k_neighbors`` other minority rows."""
        return self.k_neighbors + 1

    def population_limit(self, dgp: GaussianMixtureDGP, *, n0: int, n1: int) -> list[Component]:
        """The true minority: the segments between ever closer neighbours shrink to points."""
        return dgp.components(1)

    def _fit(self, X: np.ndarray, X_majority, rng: np.random.Generator) -> None:
        if len(X) < self.min_minority_rows():
            raise ValueError(
                f"smote with k_neighbors={self.k_neighbors} needs at least "
                f"{self.k_neighbors + 1} minority rows, got {len(X)}"
            )
        self.rows_ = X.copy()
        self.neighbors_ = nearest_neighbors(self.rows_, self.k_neighbors)

    def _sample(self, m: int, rng: np.random.Generator) -> np.ndarray:
        # imbalanced-learn's SMOTE.fit_resample, step for step (tests pin the rows to it): it
        # draws every (row, neighbour) index, then every step, from one RandomState. Done here
        # the neighbours are found once per fit rather than on every call, and the study's SMOTE
        # jobs do not import imbalanced-learn (2 s each).
        if m == 0:
            return np.empty((0, self.rows_.shape[1]))
        random_state = np.random.RandomState(integer_seed(rng))
        k = self.neighbors_.shape[1]
        pair = random_state.randint(low=0, high=self.neighbors_.size, size=m)
        steps = 1.0 * random_state.uniform(size=m)[:, np.newaxis]
        rows, cols = np.floor_divide(pair, k), np.mod(pair, k)
        diffs = self.rows_[self.neighbors_[rows, cols]] - self.rows_[rows]
        return self.rows_[rows] + steps * diffs


def nearest_neighbors(X: np.ndarray, k: int) -> np.ndarray:
    """Indices (n, k) of the ``k`` nearest other rows of each row of ``X`` (n, d), nearest first.

    Euclidean distances, summed over the columns in order as scikit-learn's KD-tree sums them,
    so that the neighbours and their order match ``NearestNeighbors`` (tests compare them) when
    no distances tie. With duplicate rows the two can differ: imbalanced-learn drops the first
    neighbour scikit-learn lists, assumed to be the row itself, while a row here is never its own
    neighbour. The minority samples are small (n < 1000), so the full distance matrix is cheap.
    """
    squared = np.zeros((len(X), len(X)))
    for column in X.T:
        squared += (column[:, np.newaxis] - column) ** 2
    np.fill_diagonal(squared, np.inf)  # a row is not its own neighbour
    nearest = np.argpartition(squared, k - 1, axis=1)[:, :k]
    order = np.argsort(np.take_along_axis(squared, nearest, axis=1), axis=1, kind="stable")
    return np.take_along_axis(nearest, order, axis=1)


class GaussianFit(MinorityGenerator):
    """A Gaussian with the minority sample mean and a shrunk sample covariance.

    Nested prefixes: rows are ``mean + L z`` with independent standard normal ``z``; the prefix
    of an i.i.d. sequence is i.i.d. A singular covariance (``shrinkage=0`` with n1 <= d) is
    sampled on its support.

    Parameters
    ----------
    shrinkage : "ledoit_wolf" or float in [0, 1], default "ledoit_wolf"
        ``"ledoit_wolf"`` uses scikit-learn's ``sklearn.covariance.ledoit_wolf`` (the field's
        standard, built on the 1/n covariance). A number ``a`` gives
        ``(1 - a) S + a (trace(S) / d) I`` with ``S`` the unbiased (1/(n-1)) sample covariance.
    """

    name = "gaussian"
    role = Role.DENSITY
    label = "Gaussian fit"
    colour = "#CC78BC"
    marker = "D"
    min_rows = 2
    exact_limit = True
    limit_params = ("shrinkage",)

    def __init__(self, *, shrinkage: str | float = "ledoit_wolf") -> None:
        super().__init__()
        self.shrinkage = _check_shrinkage(shrinkage)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(shrinkage={self.shrinkage!r})"

    def synthetic_components(self) -> list[Component]:
        """The fitted single component ``[(1.0, mean, cov)]``; available after ``fit``."""
        if self.dim_ is None:
            raise RuntimeError("generator 'gaussian' must be fitted before its components exist")
        return [Component(1.0, self.mean_.copy(), self.covariance_.copy())]

    def population_limit(self, dgp: GaussianMixtureDGP, *, n0: int, n1: int) -> list[Component]:
        """The Gaussian with the true minority mean and covariance, shrunk by a fixed shrinkage
        (Ledoit-Wolf's vanishes as n grows)."""
        mean, covariance = mixture_moments(dgp.components(1))
        if self.shrinkage != "ledoit_wolf":
            covariance = _shrunk(covariance, self.shrinkage)
        return [Component(1.0, mean, covariance)]

    def _fit(self, X: np.ndarray, X_majority, rng: np.random.Generator) -> None:
        self.mean_ = X.mean(axis=0)
        self.covariance_ = _shrunk_covariance(X, self.shrinkage)
        values, vectors = np.linalg.eigh(self.covariance_)
        # eigh rather than Cholesky: a singular covariance is still sampled, on its support
        self._factor = vectors * np.sqrt(np.clip(values, 0.0, None))

    def _sample(self, m: int, rng: np.random.Generator) -> np.ndarray:
        z = rng.standard_normal((m, len(self.mean_)))
        return self.mean_ + z @ self._factor.T


def _shrunk_covariance(X: np.ndarray, shrinkage: str | float) -> np.ndarray:
    """Covariance (d, d) of the rows of ``X`` (n, d), shrunk towards a multiple of I."""
    if shrinkage == "ledoit_wolf":
        from sklearn.covariance import ledoit_wolf

        covariance, _ = ledoit_wolf(X)
        return np.asarray(covariance, dtype=float)
    return _shrunk(np.atleast_2d(np.cov(X, rowvar=False)), shrinkage)


def _shrunk(covariance: np.ndarray, shrinkage: float) -> np.ndarray:
    """``(1 - a) S + a (trace(S) / d) I`` for a covariance ``S`` (d, d) and shrinkage ``a``."""
    target = np.trace(covariance) / len(covariance) * np.eye(len(covariance))
    return (1.0 - shrinkage) * covariance + shrinkage * target


def _check_shrinkage(value: str | float) -> str | float:
    if isinstance(value, str) and value == "ledoit_wolf":
        return value
    if not isinstance(value, str) and not isinstance(value, bool):
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = np.nan
        if 0.0 <= number <= 1.0:
            return number
    raise ValueError(f"shrinkage must be 'ledoit_wolf' or a number in [0, 1], got {value!r}")


def _shift_vector(shift: float | Sequence[float], dim: int) -> np.ndarray:
    try:
        vector = np.asarray(shift, dtype=float)
    except (TypeError, ValueError):
        vector = np.array(np.nan)
    if vector.ndim == 0:
        vector = np.concatenate([[vector], np.zeros(dim - 1)])
    if vector.shape != (dim,) or not np.all(np.isfinite(vector)):
        raise ValueError(
            f"shift must be a finite number (along the first axis) or {dim} finite numbers "
            f"(dim = {dim}), got {shift!r}"
        )
    return vector

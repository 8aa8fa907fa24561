"""Data-generating processes: binary populations whose class conditionals are Gaussian mixtures.

Class 0 is the majority, class 1 the minority. Because every class conditional is a mixture of
Gaussians, any linear score is, per component, a univariate Gaussian: this is what makes the
population metrics of :mod:`augsim.population` exact.

``make_dgp(name, **params)`` builds one from the registry ``DGPS``:

``gaussian_shared(dim, shift)``
    X|Y=0 ~ N(0, I), X|Y=1 ~ N(shift * e_1, I). Linear log-likelihood ratio: linear logistic
    regression is well-specified.
``gaussian_hetero(dim, mean, spread)``
    X|Y=0 ~ N(0, I), X|Y=1 ~ N(mean, diag(1/spread^2, spread^2, 1, ..., 1)). Quadratic
    log-likelihood ratio; ``spread = 1`` is the well-specified case.
``gaussian_correlated(dim, mean, correlation, variances)``
    X|Y=0 ~ N(0, S), X|Y=1 ~ N(mean, S), one full covariance S with the given variances and one
    correlation between every pair of coordinates. Linear log-likelihood ratio, as for
    ``gaussian_shared``, but no symmetry fixes the direction of a linear fit: a projection that
    is wrong shows up in its metrics.
``minority_mixture(dim, means, weights, scale)``
    X|Y=0 ~ N(0, I), X|Y=1 ~ sum_k weights[k] N(means[k], scale * I). One component with
    ``scale = 1`` is the well-specified case.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
from scipy import linalg, special


class Component(NamedTuple):
    """One Gaussian component of a class conditional: unpacks as ``(weight, mean, cov)``."""

    weight: float
    mean: np.ndarray  # (d,)
    cov: np.ndarray  # (d, d)


class GaussianMixtureDGP:
    """A binary population with Gaussian-mixture class conditionals.

    Parameters
    ----------
    name : str
        Registry name of the process.
    majority, minority : sequence of Component
        The class-0 and class-1 conditionals; weights must sum to one.
    params : dict
        The parameters the process was built from (kept for logs and tables).
    """

    def __init__(
        self,
        name: str,
        *,
        majority: Sequence[Component],
        minority: Sequence[Component],
        params: dict | None = None,
    ) -> None:
        self.name = name
        self.params = dict(params or {})
        self._components = {
            0: _validated(majority, "majority"),
            1: _validated(minority, "minority"),
        }
        dims = {c.mean.shape[0] for comps in self._components.values() for c in comps}
        if len(dims) != 1:
            raise ValueError(f"all component means must have one dimension, got {sorted(dims)}")
        self.dim = dims.pop()
        self._cholesky = {
            label: [linalg.cholesky(c.cov, lower=True) for c in comps]
            for label, comps in self._components.items()
        }

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, {self.params!r})"

    def components(self, label: int) -> list[Component]:
        """The ``(weight, mean, cov)`` components of class ``label`` (0 or 1)."""
        return list(self._components[_check_label(label)])

    @property
    def llr_is_linear(self) -> bool:
        """True when log f1/f0 is affine in x: one component per class, one shared covariance."""
        (maj, *rest0), (mino, *rest1) = self._components[0], self._components[1]
        return not rest0 and not rest1 and np.array_equal(maj.cov, mino.cov)

    def sample_class(self, label: int, m: int, rng: np.random.Generator) -> np.ndarray:
        """Draw ``m`` i.i.d. rows from class ``label``; returns shape (m, dim).

        Rows are independent, so the first rows of a larger draw are a valid smaller draw.
        """
        comps = self._components[_check_label(label)]
        m = check_count("m", m)
        weights = np.array([c.weight for c in comps])
        which = rng.choice(len(comps), size=m, p=weights) if len(comps) > 1 else np.zeros(m, int)
        z = rng.standard_normal((m, self.dim))
        rows = np.empty((m, self.dim))
        for k, (comp, chol) in enumerate(zip(comps, self._cholesky[label], strict=True)):
            mask = which == k
            rows[mask] = comp.mean + z[mask] @ chol.T
        return rows

    def sample(self, n0: int, n1: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Draw exactly ``n0`` majority and ``n1`` minority rows.

        Returns ``X`` of shape (n0 + n1, dim) and ``y`` of shape (n0 + n1,), majority rows first.
        """
        x0 = self.sample_class(0, check_count("n0", n0), rng)
        x1 = self.sample_class(1, check_count("n1", n1), rng)
        y = np.concatenate([np.zeros(len(x0), dtype=np.int8), np.ones(len(x1), dtype=np.int8)])
        return np.vstack([x0, x1]), y

    def log_density(self, label: int, X: np.ndarray) -> np.ndarray:
        """Log density of class ``label`` at the rows of ``X`` (n, dim); returns (n,)."""
        X = self._check_rows(X)
        terms = [
            np.log(comp.weight) + gaussian_log_density(X, comp.mean, chol)
            for comp, chol in zip(self._components[label], self._cholesky[label], strict=True)
        ]
        return special.logsumexp(np.stack(terms), axis=0)

    def log_likelihood_ratio(self, X: np.ndarray) -> np.ndarray:
        """The Bayes score log f1(x) - log f0(x) at the rows of ``X`` (n, dim); returns (n,)."""
        return self.log_density(1, X) - self.log_density(0, X)

    def _check_rows(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.dim:
            raise ValueError(f"X must have shape (n, {self.dim}), got {X.shape}")
        return X


def mixture_moments(components: Sequence[Component]) -> tuple[np.ndarray, np.ndarray]:
    """Mean (d,) and covariance (d, d) of the Gaussian mixture ``components``."""
    mean = sum(w * mu for w, mu, _ in components)
    second = sum(w * (cov + np.outer(mu, mu)) for w, mu, cov in components)
    return mean, second - np.outer(mean, mean)


def convolved(components: Sequence[Component], kernel: np.ndarray) -> list[Component]:
    """A Gaussian mixture convolved with ``N(0, kernel)``: each covariance grows by ``kernel``."""
    return [Component(w, mean, cov + kernel) for w, mean, cov in components]


def gaussian_log_density(X: np.ndarray, mean: np.ndarray, chol: np.ndarray) -> np.ndarray:
    """Log density of ``N(mean, chol chol')`` at the rows of ``X`` (n, d); returns (n,)."""
    z = linalg.solve_triangular(chol, (X - mean).T, lower=True)
    log_det = 2.0 * np.log(np.diag(chol)).sum()
    return -0.5 * (np.einsum("ij,ij->j", z, z) + log_det + X.shape[1] * np.log(2 * np.pi))


def _check_label(label: int) -> int:
    if label not in (0, 1):
        raise ValueError(f"label must be 0 (majority) or 1 (minority), got {label!r}")
    return int(label)


def check_count(name: str, value: int, *, minimum: int = 0) -> int:
    """Validate a row count: an integer at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _validated(components: Sequence[Component], which: str) -> tuple[Component, ...]:
    if len(components) == 0:
        raise ValueError(f"the {which} class needs at least one component")
    checked = []
    for k, (weight, mean, cov) in enumerate(components):
        mean = np.asarray(mean, dtype=float)
        cov = np.asarray(cov, dtype=float)
        d = mean.shape[0] if mean.ndim == 1 else -1
        if d < 1 or cov.shape != (d, d) or not np.all(np.isfinite(cov)):
            raise ValueError(f"{which} component {k}: mean must be (d,) and cov (d, d), finite")
        if not np.allclose(cov, cov.T) or np.linalg.eigvalsh(cov).min() <= 0:
            raise ValueError(f"{which} component {k}: cov must be symmetric positive definite")
        checked.append(Component(float(weight), mean, cov))
    weights = np.array([c.weight for c in checked])
    if np.any(weights <= 0) or not np.isclose(weights.sum(), 1.0, rtol=0, atol=1e-9):
        raise ValueError(f"{which} weights must be positive and sum to 1, got {weights.tolist()}")
    return tuple(checked)


def _check_dim(dim: int, *, minimum: int = 1) -> int:
    return check_count("dim", dim, minimum=minimum)


def _check_positive(name: str, value: float) -> float:
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return value


def _check_vector(name: str, value: Sequence[float], dim: int) -> np.ndarray:
    vector = np.asarray(value, dtype=float)
    if vector.shape != (dim,) or not np.all(np.isfinite(vector)):
        raise ValueError(f"{name} must be {dim} finite numbers (dim = {dim}), got {value!r}")
    return vector


def _majority(dim: int) -> list[Component]:
    return [Component(1.0, np.zeros(dim), np.eye(dim))]


def gaussian_shared(*, dim: int, shift: float) -> GaussianMixtureDGP:
    """Shared identity covariance; the minority mean is ``shift`` along the first axis."""
    dim = _check_dim(dim)
    shift = float(shift)
    if not np.isfinite(shift):
        raise ValueError(f"shift must be finite, got {shift!r}")
    mean = np.zeros(dim)
    mean[0] = shift
    return GaussianMixtureDGP(
        "gaussian_shared",
        majority=_majority(dim),
        minority=[Component(1.0, mean, np.eye(dim))],
        params={"dim": dim, "shift": shift},
    )


def gaussian_hetero(*, dim: int, mean: Sequence[float], spread: float) -> GaussianMixtureDGP:
    """Minority covariance diag(1/spread^2, spread^2, 1, ...); ``spread = 1`` is well-specified."""
    dim = _check_dim(dim, minimum=2)
    mean_vec = _check_vector("mean", mean, dim)
    spread = _check_positive("spread", spread)
    variances = np.ones(dim)
    variances[:2] = [spread**-2, spread**2]
    return GaussianMixtureDGP(
        "gaussian_hetero",
        majority=_majority(dim),
        minority=[Component(1.0, mean_vec, np.diag(variances))],
        params={"dim": dim, "mean": mean_vec.tolist(), "spread": spread},
    )


def gaussian_correlated(
    *, dim: int, mean: Sequence[float], correlation: float, variances: Sequence[float] | None = None
) -> GaussianMixtureDGP:
    """Both classes share the covariance ``sqrt(v_i v_j) * (1 if i == j else correlation)``."""
    dim = _check_dim(dim, minimum=2)
    mean_vec = _check_vector("mean", mean, dim)
    scales = np.sqrt(_check_vector("variances", np.ones(dim) if variances is None else variances,
                                   dim))  # fmt: skip
    correlation = float(correlation)
    if not -1.0 / (dim - 1) < correlation < 1.0:  # the range where the matrix is definite
        raise ValueError(
            f"correlation must lie in (-1/(dim - 1), 1) = ({-1.0 / (dim - 1):.3g}, 1) for the "
            f"covariance to be positive definite, got {correlation!r}"
        )
    if not np.all(scales > 0):
        raise ValueError(f"variances must be > 0, got {variances!r}")
    unit = np.full((dim, dim), correlation)
    np.fill_diagonal(unit, 1.0)
    cov = unit * np.outer(scales, scales)
    params = {"dim": dim, "mean": mean_vec.tolist(), "correlation": correlation}
    params["variances"] = (scales**2).tolist()
    return GaussianMixtureDGP(
        "gaussian_correlated",
        majority=[Component(1.0, np.zeros(dim), cov)],
        minority=[Component(1.0, mean_vec, cov)],
        params=params,
    )


def minority_mixture(
    *, dim: int, means: Sequence[Sequence[float]], weights: Sequence[float], scale: float = 1.0
) -> GaussianMixtureDGP:
    """Minority = sum_k weights[k] N(means[k], scale I); majority N(0, I)."""
    dim = _check_dim(dim)
    if len(means) == 0 or len(means) != len(weights):
        raise ValueError(
            f"means and weights must be non-empty and of one length, got {len(means)} means "
            f"and {len(weights)} weights"
        )
    scale = _check_positive("scale", scale)
    minority = [
        Component(float(w), _check_vector(f"means[{k}]", mu, dim), scale * np.eye(dim))
        for k, (mu, w) in enumerate(zip(means, weights, strict=True))
    ]
    params = {"dim": dim, "means": [list(map(float, mu)) for mu in means], "scale": scale}
    params["weights"] = [float(w) for w in weights]
    return GaussianMixtureDGP(
        "minority_mixture", majority=_majority(dim), minority=minority, params=params
    )


DGPS: dict[str, Callable[..., GaussianMixtureDGP]] = {
    "gaussian_shared": gaussian_shared,
    "gaussian_hetero": gaussian_hetero,
    "gaussian_correlated": gaussian_correlated,
    "minority_mixture": minority_mixture,
}


def make_dgp(name: str, **params) -> GaussianMixtureDGP:
    """Build the registered data-generating process ``name`` with ``params``."""
    if name not in DGPS:
        raise ValueError(f"unknown DGP {name!r}; valid names: {', '.join(sorted(DGPS))}")
    try:
        return DGPS[name](**params)
    except TypeError as err:  # missing or unexpected keyword
        raise ValueError(f"DGP {name!r}: {err}") from None


def build_dgp(spec: dict) -> GaussianMixtureDGP:
    """The DGP of a config entry ``{"name": ..., "params": {...}}``."""
    return make_dgp(spec["name"], **(spec.get("params") or {}))

"""scikit-learn's density models behind the generator interface, fitted on the minority rows.

``gaussian_mixture(max_components=3)``
    ``GaussianMixture`` (full covariances), the number of components chosen by BIC among those
    with at least ``2 (d + 1)`` minority rows per component (below that the likelihood is
    unbounded and BIC picks collapsed components).
``kde(bandwidth="scott")``
    ``KernelDensity`` with a Gaussian kernel ``N(0, h^2 I)`` on the raw features; ``"scott"``
    is ``h = n1^(-1 / (d + 4))``, ``"silverman"`` ``(n1 (d + 2) / 4)^(-1 / (d + 4))``, a number
    is ``h`` itself.

Population limits. The KDE converges to the true minority convolved with its kernel, again a
Gaussian mixture, with the kernel it uses at the cell's size (it shrinks as n grows, so the
n -> infinity limit is the truth). The Gaussian mixture tends to the truth (BIC is consistent)
when the truth has at most ``max_components`` components.

scikit-learn is imported only when a model fits, so the jobs of other generators never pay for
the import.
"""

from __future__ import annotations

import numpy as np

from augsim.generators.interface import MinorityGenerator
from augsim.sources.dgps import Component, GaussianMixtureDGP, check_count, convolved
from augsim.study.methods import Role
from augsim.study.seeds import integer_seed


class GaussianMixtureFit(MinorityGenerator):
    """A Gaussian mixture fitted to the minority rows (``sklearn.mixture.GaussianMixture``, full
    covariances), its number of components chosen by BIC among 1 to ``max_components`` with
    at least ``2 (d + 1)`` minority rows per component.

    ``GaussianMixture.sample`` returns its rows grouped by component, so each draw is put in a
    random order: a multinomial split over the components, i.i.d. rows within them and a
    uniform permutation is an i.i.d. sample, and prefixes are valid draws.
    """

    name = "gaussian_mixture"
    role = Role.DENSITY
    label = "Gaussian mixture (BIC)"
    colour = "#A23582"
    marker = "d"
    min_rows = 2
    exact_limit = True

    def __init__(self, *, max_components: int = 3) -> None:
        super().__init__()
        self.max_components = check_count("max_components", max_components, minimum=1)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(max_components={self.max_components})"

    def _fit(self, X_minority, X_majority, rng) -> None:
        from sklearn.mixture import GaussianMixture

        n1, d = X_minority.shape
        largest = max(1, min(self.max_components, n1 // (2 * (d + 1))))
        seed = integer_seed(rng)
        fits = [
            GaussianMixture(n_components=k, random_state=seed).fit(X_minority)
            for k in range(1, largest + 1)
        ]
        self.mixture_ = min(fits, key=lambda fit: fit.bic(X_minority))
        self.n_components_ = self.mixture_.n_components

    def _sample(self, m: int, rng: np.random.Generator) -> np.ndarray:
        if m == 0:
            return np.empty((0, self.dim_))
        random_state = np.random.RandomState(integer_seed(rng))
        self.mixture_.random_state = random_state  # sample() draws from its own random_state
        rows, _ = self.mixture_.sample(m)
        return rows[random_state.permutation(m)]

    def has_limit(self, dgp: GaussianMixtureDGP) -> bool:
        """Only when the truth has at most ``max_components`` components (BIC is consistent):
        with more, the limit is the likelihood projection on fewer, which has no closed form."""
        return len(dgp.components(1)) <= self.max_components

    def population_limit(self, dgp: GaussianMixtureDGP, *, n0: int, n1: int):
        """The truth, where it has a closed form (:meth:`has_limit`); otherwise None."""
        return dgp.components(1) if self.has_limit(dgp) else None


class KernelDensityFit(MinorityGenerator):
    """A Gaussian kernel density estimate of the minority rows
    (``sklearn.neighbors.KernelDensity``): a uniformly chosen minority row plus ``N(0, h^2 I)``.

    Rows are i.i.d. given the fitted rows, so prefixes are valid draws.
    """

    name = "kde"
    role = Role.DENSITY
    label = "KDE"
    colour = "#3C3C3C"
    marker = "8"
    limit_params = ("bandwidth",)
    exact_limit = True

    def __init__(self, *, bandwidth: float | str = "scott") -> None:
        super().__init__()
        if bandwidth not in ("scott", "silverman"):
            bandwidth = _positive_number("bandwidth", bandwidth, "'scott', 'silverman' or ")
        self.bandwidth = bandwidth

    def __repr__(self) -> str:
        return f"{type(self).__name__}(bandwidth={self.bandwidth!r})"

    def _fit(self, X_minority, X_majority, rng) -> None:
        from sklearn.neighbors import KernelDensity

        self.density_ = KernelDensity(kernel="gaussian", bandwidth=self.bandwidth)
        self.density_.fit(X_minority.copy())  # it keeps the rows it is fitted on: no alias

    def _sample(self, m: int, rng: np.random.Generator) -> np.ndarray:
        if m == 0:
            return np.empty((0, self.dim_))
        return self.density_.sample(m, random_state=np.random.RandomState(integer_seed(rng)))

    def kernel_width(self, n1: int, dim: int) -> float:
        """The kernel's standard deviation h for ``n1`` minority rows of dimension ``dim``."""
        if self.bandwidth == "scott":
            return n1 ** (-1.0 / (dim + 4))
        if self.bandwidth == "silverman":
            return (n1 * (dim + 2) / 4.0) ** (-1.0 / (dim + 4))
        return float(self.bandwidth)

    def population_limit(self, dgp: GaussianMixtureDGP, *, n0: int, n1: int) -> list[Component]:
        """The true minority convolved with the kernel ``N(0, h^2 I)`` at n1 minority rows."""
        h = self.kernel_width(n1, dgp.dim)
        return convolved(dgp.components(1), h**2 * np.eye(dgp.dim))


def _positive_number(name: str, value, alternatives: str = "") -> float:
    """``value`` as a finite number > 0, or ``ValueError`` naming the parameter."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = np.nan
    if isinstance(value, bool) or not (np.isfinite(number) and number > 0):
        raise ValueError(f"{name} must be {alternatives}a finite number > 0, got {value!r}")
    return number

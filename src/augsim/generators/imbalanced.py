"""imbalanced-learn's over-samplers behind the generator interface, called, not reimplemented.

imbalanced-learn (each call to ``fit_resample`` refits the sampler on the whole training
replicate and appends the new minority rows after the originals):

``adasyn(n_neighbors=5)``, ``borderline_smote(kind, k_neighbors=5, m_neighbors=10)``,
``svm_smote(k_neighbors=5, m_neighbors=10, out_step=0.5)``,
``kmeans_smote(k_neighbors=2, n_clusters=8, cluster_balance_threshold=...)``
    SMOTE variants that look at the majority rows too (``uses_majority``): ADASYN weighs each
    minority row by the majority share of its neighbours, Borderline-SMOTE draws only from the
    rows in danger, SVM-SMOTE from the support vectors of an SVC, K-means SMOTE within the
    clusters of all rows where the minority is dense enough.
``rose(shrinkage=1.0)``
    The smoothed bootstrap (``RandomOverSampler(shrinkage=...)``): a resampled minority row plus
    Gaussian noise with per-feature scale ``shrinkage * c(n) * s_j``, ``s_j`` the minority
    standard deviation and ``c(n) = (4 / ((d + 2) n))^(1 / (d + 4))`` with ``n = n0 + n1``.

Exactly ``m`` rows, and nested gammas. Some samplers allocate rows by fixed counts per seed row
(ADASYN: ``rint(r_i m)``; K-means SMOTE: ``ceil(m w_c)`` per cluster; SVM-SMOTE: a danger block
of ``int(B (m + 1))`` rows, ``B ~ Beta(10, 10)`` per call), so one call rarely gives exactly
``m`` rows and its rows come grouped. Every sampler here therefore asks for a few more rows
than needed (:attr:`ImbalancedLearnSampler.spare_rows`), asks again for proportionally more
when it still falls short, and keeps a uniformly random subset of ``m`` rows in random order.
The rows of one draw are then exchangeable, so a prefix of the study's one draw at the largest
gamma has the law of a direct draw of that size up to the samplers' rounding; the tests check
this with a two-sample test per generator, and that the same test rejects imbalanced-learn's
own output order. The imbalanced-learn samplers are called once per replicate (each call refits
them: SVM-SMOTE's SVC alone takes about half a second), not once per block of rows, so their
rows depend on the largest gamma of the cells that use them.

Population limits. ROSE converges to the true minority convolved with its kernel, again a
Gaussian mixture, and :meth:`Rose.population_limit` gives it with the kernel ROSE uses at the
cell's training size; the kernel shrinks as n grows, so the n -> infinity limit is the truth.
The neighbour-based samplers have no closed form: no population limit, finite-sample curves
only.

imbalanced-learn is imported only when a sampler fits or draws, so the jobs
of other generators never pay for the import (about 3 s).
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np

from augsim.generators.interface import MinorityGenerator
from augsim.sources.dgps import (
    Component,
    GaussianMixtureDGP,
    check_count,
    convolved,
    mixture_moments,
)
from augsim.study.methods import Role
from augsim.study.seeds import integer_seed


class ImbalancedLearnSampler(MinorityGenerator):
    """One imbalanced-learn over-sampler: ``fit`` keeps the training rows, ``sample(m)`` calls
    the sampler's ``fit_resample`` for a little more than ``m`` new minority rows and keeps a
    uniformly random ``m`` of them."""

    uses_majority = True
    draws_in_blocks = False
    #: rows asked for beyond m, so that a sampler whose count is not exact still gives m rows
    spare_rows: ClassVar[int] = 0
    #: further calls, each asking for proportionally more, when a call falls short of m rows
    retries: ClassVar[int] = 2

    def _fit(self, X_minority, X_majority, rng) -> None:
        self.X_ = np.vstack([X_majority, X_minority])
        self.y_ = np.repeat(np.array([0, 1], dtype=np.int8), [len(X_majority), len(X_minority)])

    def _sample(self, m: int, rng: np.random.Generator) -> np.ndarray:
        if m == 0:
            return np.empty((0, self.X_.shape[1]))
        # one RandomState for every draw of this call: an integer seed would restart the stream
        # in each of the sampler's internal steps (imbalanced-learn re-seeds from an int)
        random_state = np.random.RandomState(integer_seed(rng))
        asked = m + self._spare(m)
        for _ in range(1 + self.retries):
            rows = self._draw(asked, random_state)
            if len(rows) >= m:
                return rows[random_state.permutation(len(rows))[:m]]
            # a share that rounds to no row at all: ask for several times as many
            asked = math.ceil(asked * m / max(len(rows), m / 4)) + self._spare(m)
        raise ValueError(
            f"{self.name} drew {len(rows)} of the {m} rows asked for: {self._shortfall()}"
        )

    def _spare(self, m: int) -> int:
        return self.spare_rows

    def _draw(self, extra: int, random_state: np.random.RandomState) -> np.ndarray:
        """The new rows of one ``fit_resample`` asking for ``extra`` more minority rows."""
        n1 = int(self.y_.sum())
        sampler = self._sampler(sampling_strategy={1: n1 + extra}, random_state=random_state)
        X_resampled, _ = sampler.fit_resample(self.X_, self.y_)
        return X_resampled[len(self.X_) :]

    def _sampler(self, **options):
        raise NotImplementedError

    def _shortfall(self) -> str:
        return "the sampler found no minority rows to draw from"


class Adasyn(ImbalancedLearnSampler):
    """ADASYN: SMOTE from each minority row in proportion to the majority share of its
    ``n_neighbors`` nearest rows. Its count ``sum_i rint(r_i m)`` differs from m by at most
    ``n1 / 2``: that many spare rows always suffice."""

    name = "adasyn"
    role = Role.RESAMPLER
    label = "ADASYN"
    colour = "#001C7F"
    marker = "<"

    def __init__(self, *, n_neighbors: int = 5) -> None:
        super().__init__()
        self.n_neighbors = check_count("n_neighbors", n_neighbors, minimum=1)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(n_neighbors={self.n_neighbors})"

    def min_minority_rows(self) -> int:
        return self.n_neighbors + 1

    def _spare(self, m: int) -> int:
        return int(self.y_.sum()) // 2 + 1

    def _sampler(self, **options):
        from imblearn.over_sampling import ADASYN

        return ADASYN(n_neighbors=self.n_neighbors, **options)


class BorderlineSmote(ImbalancedLearnSampler):
    """Borderline-SMOTE: SMOTE from the minority rows in danger (half or more, but not all, of
    their ``m_neighbors`` nearest rows are majority). A replicate with no row in danger draws
    nothing: a failed replicate."""

    role = Role.RESAMPLER
    kind: ClassVar[str]

    def __init__(self, *, k_neighbors: int = 5, m_neighbors: int = 10) -> None:
        super().__init__()
        self.k_neighbors = check_count("k_neighbors", k_neighbors, minimum=1)
        self.m_neighbors = check_count("m_neighbors", m_neighbors, minimum=1)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(k_neighbors={self.k_neighbors}, m_neighbors={self.m_neighbors})"
        )

    def min_minority_rows(self) -> int:
        return self.k_neighbors + 1

    def _sampler(self, **options):
        from imblearn.over_sampling import BorderlineSMOTE

        return BorderlineSMOTE(
            kind=self.kind, k_neighbors=self.k_neighbors, m_neighbors=self.m_neighbors, **options
        )

    def _shortfall(self) -> str:
        return "no minority row is in danger (none has a majority of majority neighbours)"


class BorderlineSmote1(BorderlineSmote):
    """Borderline-SMOTE 1: steps towards minority neighbours only."""

    name = "borderline_smote1"
    label = "Borderline-SMOTE 1"
    colour = "#B1400D"
    marker = ">"
    kind = "borderline-1"


class BorderlineSmote2(BorderlineSmote):
    """Borderline-SMOTE 2: also steps towards majority neighbours, at most half the way."""

    name = "borderline_smote2"
    label = "Borderline-SMOTE 2"
    colour = "#12711C"
    marker = "p"
    kind = "borderline-2"


class SvmSmote(ImbalancedLearnSampler):
    """SVM-SMOTE: SMOTE from the minority support vectors of an RBF ``SVC`` (C = 1), inwards
    from those in danger and outwards (``out_step``) from the safe ones. When one of the two
    groups is empty imbalanced-learn draws only the other group's share of the rows; asking
    again for proportionally more then gives every row from the group that exists. All support
    vectors noise (every neighbour majority) raises: a failed replicate."""

    name = "svm_smote"
    role = Role.RESAMPLER
    label = "SVM-SMOTE"
    colour = "#8C0800"
    marker = "h"

    def __init__(
        self, *, k_neighbors: int = 5, m_neighbors: int = 10, out_step: float = 0.5
    ) -> None:
        super().__init__()
        self.k_neighbors = check_count("k_neighbors", k_neighbors, minimum=1)
        self.m_neighbors = check_count("m_neighbors", m_neighbors, minimum=1)
        self.out_step = float(out_step)
        if not (np.isfinite(self.out_step) and self.out_step >= 0):
            raise ValueError(f"out_step must be a finite number >= 0, got {out_step!r}")

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(k_neighbors={self.k_neighbors}, "
            f"m_neighbors={self.m_neighbors}, out_step={self.out_step})"
        )

    def min_minority_rows(self) -> int:
        return self.k_neighbors + 1

    def _sampler(self, **options):
        from imblearn.over_sampling import SVMSMOTE

        return SVMSMOTE(
            k_neighbors=self.k_neighbors, m_neighbors=self.m_neighbors, out_step=self.out_step,
            **options,
        )  # fmt: skip


class KMeansSmote(ImbalancedLearnSampler):
    """K-means SMOTE: k-means on all rows, then SMOTE within each cluster whose minority share
    reaches ``cluster_balance_threshold``, more rows where the minority is sparser. No such
    cluster raises ("No clusters found"): a failed replicate. Each valid cluster gets
    ``ceil(m w_c)`` rows, at most ``n_clusters`` too many, which the random subset removes."""

    name = "kmeans_smote"
    role = Role.RESAMPLER
    label = "K-means SMOTE"
    colour = "#591E71"
    marker = "*"

    def __init__(
        self,
        *,
        k_neighbors: int = 2,
        n_clusters: int = 8,
        cluster_balance_threshold: float | str = "auto",
    ) -> None:
        super().__init__()
        self.k_neighbors = check_count("k_neighbors", k_neighbors, minimum=1)
        self.n_clusters = check_count("n_clusters", n_clusters, minimum=1)
        if cluster_balance_threshold != "auto":
            threshold = float(cluster_balance_threshold)
            if not 0.0 <= threshold <= 1.0:
                raise ValueError(
                    "cluster_balance_threshold must be 'auto' or a number in [0, 1], got "
                    f"{cluster_balance_threshold!r}"
                )
            cluster_balance_threshold = threshold
        self.cluster_balance_threshold = cluster_balance_threshold

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(k_neighbors={self.k_neighbors}, n_clusters="
            f"{self.n_clusters}, cluster_balance_threshold={self.cluster_balance_threshold!r})"
        )

    def min_minority_rows(self) -> int:
        return self.k_neighbors + 1

    def _spare(self, m: int) -> int:
        return 0  # ceil per cluster never gives fewer rows than asked

    def _fit(self, X_minority, X_majority, rng) -> None:
        super()._fit(X_minority, X_majority, rng)
        # the clusters belong to the fitted state: every call clusters with this seed, so the
        # calls of one replicate differ only in their SMOTE draws
        self.cluster_seed_ = integer_seed(rng)

    def _sampler(self, **options):
        from imblearn.over_sampling import KMeansSMOTE
        from sklearn.cluster import MiniBatchKMeans

        # the library's default clusterer, with the number of clusters and the fitted seed
        clusterer = MiniBatchKMeans(n_clusters=self.n_clusters, random_state=self.cluster_seed_)
        return KMeansSMOTE(
            k_neighbors=self.k_neighbors, kmeans_estimator=clusterer,
            cluster_balance_threshold=self.cluster_balance_threshold, **options,
        )  # fmt: skip


class Rose(ImbalancedLearnSampler):
    """ROSE, the smoothed bootstrap: ``RandomOverSampler(shrinkage=shrinkage)``.

    Each row is a uniformly resampled minority row plus ``N(0, H)``, ``H = diag((shrinkage c(n)
    s_j)^2)``: ``s_j`` the minority rows' standard deviation of feature j (ddof 0) and
    ``c(n) = (4 / ((d + 2) n))^(1 / (d + 4))`` with n = n0 + n1, all rows of the replicate.
    Rows are i.i.d. given the fitted rows, so prefixes are valid draws as they come.
    """

    name = "rose"
    role = Role.DENSITY
    label = "ROSE"
    colour = "#592F0D"
    marker = "X"
    limit_params = ("shrinkage",)
    exact_limit = True

    def __init__(self, *, shrinkage: float = 1.0) -> None:
        super().__init__()
        self.shrinkage = float(shrinkage)
        if not (np.isfinite(self.shrinkage) and self.shrinkage >= 0):
            raise ValueError(f"shrinkage must be a finite number >= 0, got {shrinkage!r}")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(shrinkage={self.shrinkage})"

    def _sampler(self, **options):
        from imblearn.over_sampling import RandomOverSampler

        return RandomOverSampler(shrinkage=self.shrinkage, **options)

    def population_limit(self, dgp: GaussianMixtureDGP, *, n0: int, n1: int) -> list[Component]:
        """The true minority convolved with ROSE's kernel at n = n0 + n1, ``s_j`` the true
        minority standard deviations."""
        components = dgp.components(1)
        _, covariance = mixture_moments(components)
        c = (4.0 / ((dgp.dim + 2) * (n0 + n1))) ** (1.0 / (dgp.dim + 4))
        kernel = np.diag((self.shrinkage * c) ** 2 * np.diag(covariance))
        return convolved(components, kernel)

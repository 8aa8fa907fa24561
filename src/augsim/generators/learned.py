"""Learned generative models: ForestDiffusion's forest flow (Jolicoeur-Martineau, Fatras and
Kachman 2024, "Generating and imputing tabular data via diffusion and flow-based gradient-boosted
trees", AISTATS), the tabular generator built on gradient-boosted trees.

``forest_flow(n_t=50, duplicate_K=100, n_estimators=100, max_depth=7, diffusion_type="flow")``
    Learns the flow from Gaussian noise to the minority rows (min-max scaled to [-1, 1]) with one
    XGBoost regressor per noise level, each fitted on ``duplicate_K`` noisy copies of the rows,
    and draws rows by solving the flow's ODE from fresh noise (clipped to the rows' range).
    ``diffusion_type="vp"`` is its score-based diffusion variant. The library's defaults are
    this signature's; the study's settings are sized by ``benchmarks/bench_learned.py``.

ForestDiffusion draws its noise from NumPy's global random state, which it seeds in its
constructor (where it also fits) and reads again in ``generate``. Every call here seeds it from
the study's own stream and puts the state it found back afterwards (:func:`_global_seed`): the
same stream gives the same rows whatever ran before, and nothing else sees the global state
change. XGBoost runs on one thread (``nthread=1``, the thread the augment rule declares) and
ForestDiffusion's joblib on one process (``n_jobs=1``).

Nested prefixes: each row is the ODE's solution from its own noise row, and XGBoost predicts
row by row, so rows are i.i.d. given the fitted model and a prefix of a draw is a draw.

The module imports ForestDiffusion (and through it XGBoost, LightGBM and CatBoost) only when a
generator is fitted.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np

from augsim.generators.interface import MinorityGenerator
from augsim.sources.dgps import check_count
from augsim.study.methods import Role
from augsim.study.seeds import integer_seed

DIFFUSION_TYPES = ("flow", "vp")
#: ForestDiffusion's default beta_max of its variance-preserving diffusion
VP_BETA_MAX = 8.0


class ForestFlow(MinorityGenerator):
    """ForestDiffusion's forest flow (or its diffusion variant) fitted to the minority rows.

    Parameters
    ----------
    n_t : int >= 2, default 50
        Noise levels: one XGBoost model each, and the ODE's steps when drawing.
    duplicate_K : int >= 1, default 100
        Noisy copies of each row every model is fitted on.
    n_estimators : int >= 1, default 100
        Boosting rounds of each model.
    max_depth : int >= 1, default 7
        Depth of its trees.
    diffusion_type : "flow" or "vp", default "flow"
        Flow matching, or the variance-preserving diffusion.
    """

    name = "forest_flow"
    role = Role.DENSITY
    label = "forest flow"
    colour = "#A0522D"
    marker = "$F$"  # every filled marker is some other method's
    min_rows = 2

    def __init__(
        self,
        *,
        n_t: int = 50,
        duplicate_K: int = 100,
        n_estimators: int = 100,
        max_depth: int = 7,
        diffusion_type: str = "flow",
    ) -> None:
        super().__init__()
        self.n_t = check_count("n_t", n_t, minimum=2)
        self.duplicate_K = check_count("duplicate_K", duplicate_K, minimum=1)
        self.n_estimators = check_count("n_estimators", n_estimators, minimum=1)
        self.max_depth = check_count("max_depth", max_depth, minimum=1)
        if diffusion_type not in DIFFUSION_TYPES:
            raise ValueError(
                f"diffusion_type must be one of {', '.join(DIFFUSION_TYPES)}, got "
                f"{diffusion_type!r}"
            )
        if diffusion_type == "vp" and self.n_t <= VP_BETA_MAX:
            # each of its n_t steps adds noise beta_max / n_t of the variance: at most all of it
            raise ValueError(
                f"diffusion_type 'vp' needs n_t > {VP_BETA_MAX:g} (ForestDiffusion's beta_max), "
                f"got n_t = {self.n_t}"
            )
        self.diffusion_type = diffusion_type

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(n_t={self.n_t}, duplicate_K={self.duplicate_K}, "
            f"n_estimators={self.n_estimators}, max_depth={self.max_depth}, "
            f"diffusion_type={self.diffusion_type!r})"
        )

    def _fit(self, X: np.ndarray, X_majority, rng: np.random.Generator) -> None:
        from ForestDiffusion import ForestDiffusionModel

        seed = integer_seed(rng)
        with _global_seed(seed):
            self.model_ = ForestDiffusionModel(
                X.copy(), n_t=self.n_t, duplicate_K=self.duplicate_K,
                n_estimators=self.n_estimators, max_depth=self.max_depth,
                diffusion_type=self.diffusion_type, model="xgboost", n_jobs=1, seed=seed,
                nthread=1,
            )  # fmt: skip

    def _sample(self, m: int, rng: np.random.Generator) -> np.ndarray:
        if m == 0:
            return np.empty((0, self.dim_))
        with _global_seed(integer_seed(rng)):
            rows = self.model_.generate(batch_size=m)
        return np.asarray(rows, dtype=float)


@contextlib.contextmanager
def _global_seed(seed: int) -> Iterator[None]:
    """NumPy's global random state seeded with ``seed`` inside, as it was outside (the legacy
    calls are the point: ForestDiffusion reads that state)."""
    state = np.random.get_state()  # noqa: NPY002
    np.random.seed(seed)  # noqa: NPY002
    try:
        yield
    finally:
        np.random.set_state(state)  # noqa: NPY002

"""The interface every synthetic minority generator implements and declares (the registry:
:mod:`augsim.generators.registry`).

``fit(X_minority, rng, *, X_majority=None) -> self``
    ``X_minority`` (n1, d) a training replicate's minority rows, ``X_majority`` (n0, d) its
    majority rows. Generators with ``uses_majority`` read them (the study always passes them;
    such a generator raises without them); the others look at the minority rows only. Inputs
    are never modified.
``sample(m, rng) -> (m, d)``
    Exactly ``m`` finite rows from the fitted state; the same ``rng`` state gives the same rows.
``population_limit(dgp, *, n0, n1)``
    The Gaussian mixture the rows tend to as the real rows' sampling error vanishes, for a
    replicate of n0 majority and n1 minority rows, or None where no closed form exists
    (``exact_limit`` says which).

Subclasses implement ``_fit`` and ``_sample`` and declare ``name``, ``role``
(:class:`augsim.study.methods.Role`), ``label`` and the class attributes below.
"""

from __future__ import annotations

import logging
from typing import ClassVar

import numpy as np

from augsim.sources.dgps import Component, GaussianMixtureDGP, check_count
from augsim.study.methods import Role

logger = logging.getLogger(__name__)


class MinorityGenerator:
    """Interface of a synthetic minority generator; subclasses set ``name``, ``role``, ``label``
    and ``min_rows``."""

    name: ClassVar[str]
    #: what the generator does, for the decomposition (see augsim.study.methods)
    role: ClassVar[Role]
    #: its name in figures
    label: ClassVar[str]
    #: its colour (hex) and marker in every figure; None: a spare colour, a circle
    colour: ClassVar[str | None] = None
    marker: ClassVar[str] = "o"
    #: the fewest minority rows ``fit`` accepts
    min_rows: ClassVar[int] = 1
    #: whether the constructor takes the true ``dgp`` (generators that sample the truth)
    needs_dgp: ClassVar[bool] = False
    #: the parameters that ``population_limit`` depends on
    limit_params: ClassVar[tuple[str, ...]] = ()
    #: whether ``fit`` reads the majority rows too (then it needs ``X_majority``)
    uses_majority: ClassVar[bool] = False
    #: whether the study may draw its rows in blocks of separate ``sample`` calls (see
    #: augsim.steps.augment); a generator whose ``sample`` is costly draws all rows in one call
    draws_in_blocks: ClassVar[bool] = True
    #: whether ``population_limit`` has a closed form (else it returns None)
    exact_limit: ClassVar[bool] = False

    def __init__(self) -> None:
        self.dim_: int | None = None

    @classmethod
    def style(cls) -> dict[str, str | None]:
        """Its colour and marker in the figures."""
        return {"colour": cls.colour, "marker": cls.marker}

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def fit(
        self,
        X_minority: np.ndarray,
        rng: np.random.Generator,
        *,
        X_majority: np.ndarray | None = None,
    ) -> MinorityGenerator:
        """Fit on a replicate's minority rows (n1, d) and, where needed, its majority rows."""
        _check_rng(rng)
        X = _check_rows(X_minority, minimum=self.min_rows, generator=self.name)
        majority = None
        if X_majority is not None:
            majority = _check_rows(X_majority, minimum=0, generator=self.name, what="X_majority")
            if majority.shape[1] != X.shape[1]:
                raise ValueError(
                    f"X_majority has {majority.shape[1]} columns, X_minority {X.shape[1]}"
                )
        elif self.uses_majority:
            raise ValueError(f"generator {self.name!r} reads the majority rows: pass X_majority")
        self._fit(X, majority, rng)
        self.dim_ = X.shape[1]
        logger.debug("fitted %r on %d minority rows of dimension %d", self, *X.shape)
        return self

    def sample(self, m: int, rng: np.random.Generator) -> np.ndarray:
        """Draw ``m`` synthetic minority rows; returns shape (m, d)."""
        _check_rng(rng)
        m = check_count("m", m)
        if self.dim_ is None:
            raise RuntimeError(f"generator {self.name!r} must be fitted before sampling")
        rows = self._sample(m, rng)
        if rows.shape != (m, self.dim_):  # a broken subclass must not pass silently
            raise RuntimeError(f"{self.name!r} drew shape {rows.shape}, expected {(m, self.dim_)}")
        return rows

    def min_minority_rows(self) -> int:
        """The fewest real minority rows ``fit`` accepts with these parameters."""
        return self.min_rows

    def has_limit(self, dgp: GaussianMixtureDGP) -> bool:
        """Whether the rows' population limit on ``dgp`` has a closed form: the one place this
        is decided (the plan schedules population curves from it)."""
        return self.exact_limit

    def population_limit(
        self, dgp: GaussianMixtureDGP, *, n0: int, n1: int
    ) -> list[Component] | None:
        """The distribution the rows tend to as the real rows' sampling error vanishes, as
        Gaussian components, for a replicate of n0 majority and n1 minority rows; None where no
        closed form exists (the default)."""
        return None

    def _fit(self, X: np.ndarray, X_majority: np.ndarray | None, rng: np.random.Generator) -> None:
        raise NotImplementedError

    def _sample(self, m: int, rng: np.random.Generator) -> np.ndarray:
        raise NotImplementedError


def _check_rows(
    X: np.ndarray, *, minimum: int, generator: str, what: str = "X_minority"
) -> np.ndarray:
    """``X`` as a float array (n, d) with at least ``minimum`` rows; read, never written to."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] < 1:
        raise ValueError(f"{what} must have shape (n, d) with d >= 1, got {X.shape}")
    if len(X) < minimum:
        raise ValueError(f"{generator!r} needs at least {minimum} minority rows, got {len(X)}")
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{what} must be finite")
    return X


def _check_rng(rng: np.random.Generator) -> None:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")

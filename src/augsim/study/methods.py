"""Methods and their roles: what a method does to the training data, decided in one place.

A *method* is one way to fit on a training replicate: ``raw`` (the data as drawn), ``reweight``
(minority weight raised, no new rows) or a generator instance of the config (synthetic minority
rows). Figures and claims never look for a method by its config key: they ask for a role, so a
generator may be given any key. Each generator class declares its role (``role`` in
:mod:`augsim.generators.interface`); ``raw`` and ``reweight`` are built in and their names reserved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum


class Role(StrEnum):
    """What a method does; the paper's decomposition is read off these."""

    #: the training data as drawn
    UNAUGMENTED = "unaugmented"
    #: the minority's loss weight raised to that of m synthetic rows: the weighting part alone
    WEIGHTING = "weighting"
    #: fresh draws from the true minority: the weighting part plus extra real data, no discrepancy
    TRUTH = "truth"
    #: rows made from the observed minority rows (copies, interpolations)
    RESAMPLER = "resampler"
    #: draws from a density model fitted to the observed minority rows
    DENSITY = "density"
    #: the truth with a deliberate, known discrepancy
    BIASED = "biased"


DESCRIPTIONS = {
    Role.UNAUGMENTED: "the unaugmented fit",
    Role.WEIGHTING: "the weighting-only method",
    Role.TRUTH: "a generator drawing from the true minority",
    Role.RESAMPLER: "a resampler of the observed minority",
    Role.DENSITY: "a density model fitted to the minority",
    Role.BIASED: "a deliberately biased generator",
}

RAW = "raw"
REWEIGHT = "reweight"
#: the built-in methods, whose names no generator may take
BUILT_IN: Mapping[str, Role] = {RAW: Role.UNAUGMENTED, REWEIGHT: Role.WEIGHTING}
#: the built-in methods' colour and marker in every figure (a generator declares its own)
BUILT_IN_STYLES: Mapping[str, dict[str, str]] = {
    RAW: {"colour": "#000000", "marker": "o"},
    REWEIGHT: {"colour": "#949494", "marker": "P"},
}


def draws_rows(role: Role | str) -> bool:
    """Whether a method of this role fits on synthetic rows (every generator does)."""
    return Role(role) not in (Role.UNAUGMENTED, Role.WEIGHTING)


def draws_from_truth(role: Role | str) -> bool:
    """Whether a method's synthetic rows are fresh draws from the true minority (shifted or
    not): they carry information the observed rows do not."""
    return Role(role) in (Role.TRUTH, Role.BIASED)


def method_gammas(role: Role | str, gammas: Sequence[float]) -> list[float]:
    """The gammas a method is fitted at: the unaugmented fit ignores gamma, fitted once at 0.

    At gamma 0 every other method adds no row and no weight: its fit *is* the unaugmented fit
    (bit for bit), so it is not fitted again; the tables take the unaugmented fit's rows there
    (:func:`augsim.steps.aggregate.with_gamma_zero`).
    """
    if Role(role) == Role.UNAUGMENTED:
        return [0.0]
    return [float(g) for g in gammas if g > 0]


def with_role(roles: Mapping[str, str], role: Role | str, methods: Sequence[str]) -> list[str]:
    """The methods among ``methods`` whose role (``roles[method]``) is ``role``, in order."""
    return [method for method in methods if roles.get(method) == Role(role)]

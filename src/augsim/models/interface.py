"""The interface every score model implements and declares (the registry:
:mod:`augsim.models.registry`).

``fit(X, y, sample_weight=None, *, rng=None) -> self``
    Rows ``X`` (n, d), labels ``y`` (n,) in {0, 1} (1 the minority) and sample weights (n,) >= 0;
    random numbers only from ``rng`` (the study's seed tree), never from global state; exactly
    ``threads`` threads (set from the rule's ``threads:``).
``decision_function(X) -> (n,)``
    Real-valued scores, larger meaning more likely the minority; read as a log-odds by the
    calibration metrics.
``features(X) -> (n, p)``
    The features a linear score's coefficients apply to (the identity for most models).
``valid_params() -> tuple[str, ...]``
    The options the config may give; any other stops the run before any job.

Declared on the class, read by the plan, the evaluation and the report: ``label`` (its name in
figures), ``flexibility`` (the figures' order, least flexible first) and two capabilities:
``exact_population`` (a linear score fitted by the logistic loss: exact population metrics and
population curves) and ``stores_scores`` (no coefficients: each fit scores the test rows at once
and keeps the scores), and whether ``fit`` takes ``sample_weight`` (reweighting needs it).
"""

from __future__ import annotations

from typing import ClassVar


class ScoreModel:
    """Base of every score model: the declarations above, with their defaults."""

    name: ClassVar[str]
    #: its name in figures
    label: ClassVar[str]
    #: rank from least to most flexible, for the order of the figures' models
    flexibility: ClassVar[int] = 0
    #: a linear score minimising the weighted logistic risk, effectively unpenalised: under a
    #: Gaussian-mixture DGP its metrics are exact and its n -> infinity limit is the projection
    exact_population: ClassVar[bool] = False
    #: the study keeps each fit's test-set scores rather than its coefficients
    stores_scores: ClassVar[bool] = False
    #: its ``fit`` takes ``sample_weight`` (reweighting needs it)
    takes_sample_weight: ClassVar[bool] = True
    #: the threads a fit may use; the workflow sets it from the rule's ``threads:``
    threads: int = 1

    @classmethod
    def valid_params(cls) -> tuple[str, ...]:
        """The options the config may give."""
        raise NotImplementedError

"""Kinds of data source, and which metrics a fit on a source can have.

A *data source* gives the training replicates and the test rows of a scenario. Its kind says
what else exists for it, so rules and figures ask the kind instead of special-casing names:

``simulated`` (a DGP of :mod:`augsim.sources.dgps`)
    Fresh training replicates; one large test set shared by every replicate; exact population
    metrics of linear scores and a Bayes reference (the metrics of the true log-likelihood ratio).
``finite`` (a real data set)
    Training replicates are the training parts of repeated splits of one finite table, each
    with its own test part; no population, so no population metrics and no Bayes reference.
"""

from __future__ import annotations

from dataclasses import dataclass

EMPIRICAL = "empirical"
POPULATION = "population"


@dataclass(frozen=True)
class SourceKind:
    """What a kind of data source provides besides training replicates."""

    name: str
    #: exact population metrics of linear scores, and a Bayes reference, exist
    has_population: bool
    #: one test set serves every replicate (else each replicate's split has its own test rows)
    shared_test_set: bool


SIMULATED = SourceKind("simulated", has_population=True, shared_test_set=True)
FINITE = SourceKind("finite", has_population=False, shared_test_set=False)


def metric_sources(*, exact_model: bool, has_population: bool) -> tuple[str, ...]:
    """The sources a fit's metrics can come from, the most precise last.

    Every fit can be scored on test rows (``empirical``); a model with exact population metrics
    (:attr:`augsim.models.logistic.LogisticModel.exact_population`) on a source with a population
    can also be scored exactly (``population``), and that is the number figures and claims show.
    Which of them a study computes is the plan's choice (:meth:`augsim.study.plan.Plan.
    metric_sources`).
    """
    if exact_model and has_population:
        return (EMPIRICAL, POPULATION)
    return (EMPIRICAL,)


def shown_source(*, exact_model: bool, has_population: bool) -> str:
    """The metric source figures and claims show for a model on a source."""
    return metric_sources(exact_model=exact_model, has_population=has_population)[-1]

"""What every claim check shares: the claims table's columns, the aggregated tables a check reads,
and the row builders with their verdict words.

A check is ``check(tables, selection, options, catalogue) -> list[dict]``: ``tables`` the
:class:`Tables`, ``selection`` the claim's resolved view (:class:`augsim.study.views.Selection`;
None for a claim without one), ``options`` the claim's own config keys and ``catalogue`` each
method's role and label, each model's label and capabilities, each source's description. Each
row it returns has: ``claim`` (in words), ``dgp``, ``method``, ``metric``, ``statistic`` (what
was computed), ``value`` with a 95% interval ``ci_low``/``ci_high`` (NaN where the value is
exact), ``threshold`` and ``verdict``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

COLUMNS = [
    "claim", "dgp", "method", "metric", "statistic", "value", "ci_low", "ci_high", "threshold",
    "verdict",
]  # fmt: skip

HOLDS = "holds"
FAILS = "fails"
#: a quantity stated without a threshold
REPORTED = "reported"
#: the tables lack the cells
NOT_EVALUATED = "not evaluated"


class Tables(NamedTuple):
    """The aggregated tables the checks read."""

    summary: pd.DataFrame
    replicates: pd.DataFrame
    population: pd.DataFrame
    #: the test set's own error of paired differences (:mod:`augsim.metrics.test_error`); None:
    #: none
    test_errors: pd.DataFrame | None = None
    #: the real data sets' paired gains (:func:`augsim.report.tables.real_data_gains`); None:
    #: none
    real_data: pd.DataFrame | None = None
    #: the generators' discrepancy parts against their synthetic distributional error
    #: (:func:`augsim.report.synthetic_error.synthetic_error`); None: none
    synthetic_error: pd.DataFrame | None = None


def verdict(holds: bool | None) -> str:
    """The verdict word of a check that holds (True), fails (False) or was not evaluated."""
    return NOT_EVALUATED if holds is None else (HOLDS if holds else FAILS)


def row(claim, dgp, method, metric, statistic, value, ci=(np.nan, np.nan), *, threshold, holds):
    """One claims row; ``holds`` is True, False, None (not evaluated) or a verdict word."""
    word = holds if isinstance(holds, str) else verdict(holds)
    return dict(
        zip(
            COLUMNS,
            [claim, dgp, method, metric, statistic, value, *ci, threshold, word],
            strict=True,
        )
    )


def not_evaluated(claim, dgp, method="all", metric="all") -> dict:
    """The row of a claim the tables lack the cells for."""
    return row(claim, dgp, method, metric, "", np.nan, threshold="", holds=None)

"""The flexible models' claim: no augmentation of the observed rows improves a flexible model's
metric beyond Monte Carlo noise; the control finds the gain of a misspecified fit.

It reads the flexible-gains table of its selection (:func:`augsim.report.tables.flexible_gains`),
the control's (source, model) scored on the test set as the flexible models are.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from augsim.metrics.test_error import FOLDS
from augsim.report.claims.common import Tables, not_evaluated, row
from augsim.report.selections import roles
from augsim.report.tables import flexible_gains as gains_table
from augsim.sources.kinds import EMPIRICAL
from augsim.statistics import bonferroni_quantile, welch_satterthwaite
from augsim.study.methods import RAW, draws_from_truth
from augsim.study.views import Selection

log = logging.getLogger(__name__)

FLEXIBLE = (
    "Flexible models: no augmentation of the observed rows improves the metric beyond Monte "
    "Carlo noise"
)
_NOTE_FLEXIBLE = (
    "The paper's intuition: a flexible model is close to well-specified at large n, so "
    "rebalancing should not help it. Tested per DGP, model and metric over every method "
    "that uses only the observed rows (the truth sampler's fresh rows are extra data) and "
    "every gamma > 0: a gain is beyond noise when the lower end of its 95% Bonferroni "
    "interval over the row's gains lies above 0, the test set's own error of the mean gain "
    "(over the first replicates, so a little larger than over all: conservative) added in "
    "quadrature to the replicate standard error, Welch-Satterthwaite degrees of freedom. "
    "Value and interval: the largest gain and its Bonferroni interval."
)
FLEXIBLE_CONTROL = (
    "Control: the same test, on the test-set metric, finds a gain of a misspecified fit (some "
    "method, gamma and metric)"
)


def flexible_gains(
    tables: Tables, selection: Selection, options: dict, catalogue: dict
) -> list[dict]:
    """Per DGP, model and metric: does any augmentation of the observed rows gain beyond noise?

    The methods tested are those that use only the observed rows (every role but the truth
    sampler and the biased generator, whose fresh rows are extra data). A gain is beyond noise
    when the lower end of its Bonferroni interval over the row's methods and gammas lies above
    0, with the test set's own error of the mean gain added in quadrature to the replicate
    standard error. Every model but ``options["control_model"]`` is tested on every DGP; the
    control is that model on the ``options["control"]`` DGP, on its test-set metric as the
    flexible models are, a misspecified fit whose gain the same test must find.
    """
    control_dgp, control_model = options["control"], options["control_model"]
    errors = tables.test_errors if tables.test_errors is not None else pd.DataFrame()
    try:
        table = gains_table(
            tables.summary, errors, selection=selection, catalogue=catalogue,
            on_test_set=[(control_dgp, control_model)],
        )  # fmt: skip
    except ValueError as err:
        log.warning("claim on view %r: %s", selection.view, err)
        return [not_evaluated(FLEXIBLE, "all"), not_evaluated(FLEXIBLE_CONTROL, control_dgp)]
    observed = [m for m, role in roles(catalogue).items() if not draws_from_truth(role)]
    gains = table[table["method"].isin(observed) & (table["method"] != RAW)]
    rows = []
    for (dgp, model, metric), group in gains.groupby(["dgp", "model", "metric"], sort=False):
        if model != control_model:
            rows.append(_flexible_row(FLEXIBLE, group, dgp, metric, control=False))
    control = gains[(gains["model"] == control_model) & (gains["dgp"] == control_dgp)]
    if control.empty:
        return [not_evaluated(FLEXIBLE_CONTROL, control_dgp), *rows]
    return [_flexible_row(FLEXIBLE_CONTROL, control, control_dgp, "all", control=True), *rows]


def _flexible_row(claim, group, dgp, metric, *, control: bool) -> dict:
    model = group["model"].iloc[0]
    unknown = group["diff_mean"].isna() | ((group["source"] == EMPIRICAL) & group["test_se"].isna())
    if unknown.all():
        return not_evaluated(claim, dgp, model, metric)
    group = group[~unknown]
    low, high = _bonferroni_bounds(group)
    beyond = low > 0
    best = (group["diff_mean"].where(beyond) if beyond.any() else group["diff_mean"]).idxmax()
    found = group.loc[best]
    test_error_text = (
        "exact metric"
        if pd.isna(found["test_se"])
        else f"test-set SE {found['test_se']:.2g} over {int(found['test_replicates'])} replicates"
    )
    at = f"{found['metric']}, " if metric == "all" else ""
    statistic = (
        f"{found['model_label']}: largest gain {'beyond noise ' if beyond.any() else ''}({at}"
        f"{found['method']}, gamma = {found['gamma']:g}, {int(found['n_ok'])} replicates; "
        f"{test_error_text}); {int(beyond.sum())} of {len(group)} gains beyond noise"
        + (f"; {int(unknown.sum())} without a test-set error left out" if unknown.any() else "")
    )
    return row(
        claim, dgp, f"{model}: {found['method']}", metric, statistic, found["diff_mean"],
        (low[best], high[best]),
        threshold="some gain beyond noise" if control else "no gain beyond noise",
        holds=bool(beyond.any()) if control else bool(not beyond.any()),
    )  # fmt: skip


def _bonferroni_bounds(group: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The Bonferroni interval of each of the group's gains: over its (method, gamma[, metric])
    gains, the replicate and test-set errors in quadrature, Welch-Satterthwaite degrees of
    freedom (the test set's jackknife error has FOLDS - 1)."""
    replicate_var, test_var = group["diff_se"] ** 2, group["test_se"].fillna(0.0) ** 2
    df = welch_satterthwaite([replicate_var, test_var], [group["n_ok"] - 1, FOLDS - 1])
    half = bonferroni_quantile(len(group), df) * np.sqrt(replicate_var + test_var)
    return group["diff_mean"] - half, group["diff_mean"] + half


#: what the paper says where the project's check differs from it, printed under the claim
NOTES = {FLEXIBLE: _NOTE_FLEXIBLE}

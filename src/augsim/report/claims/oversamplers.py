"""The oversamplers' claim: where a generator's population limit has a closed form, its
finite-sample discrepancy agrees with it; the control finds a biased generator's discrepancy.

It reads the discrepancy table of its selection (:func:`augsim.report.tables.discrepancies`).
"""

from __future__ import annotations

from augsim.report import selections
from augsim.report.claims.common import Tables, row
from augsim.report.tables import discrepancies
from augsim.statistics import bonferroni_quantile
from augsim.study.methods import Role
from augsim.study.views import Selection

LIMITS = (
    "Oversamplers: where a generator's population limit has a closed form, its finite-sample "
    "discrepancy agrees with the population one"
)
_NOTE_LIMITS = (
    "The finite-sample discrepancy is measured against the method with the same information: "
    "the weighting-only fit for a generator built on the observed rows (against the truth "
    "sampler it would also hold the truth sampler's extra real rows, the residual, which "
    "vanishes only as n grows), the truth sampler for one drawing fresh rows from the truth. "
    "Both tend to the population value. The kernel samplers' limits keep their kernel at "
    "this n; the others' are the n -> infinity limits, which a finite n may not reach yet."
)
LIMITS_CONTROL = (
    "Control: a biased generator's finite-sample discrepancy disagrees with the truth's limit "
    "(no discrepancy)"
)


def discrepancy_limits(
    tables: Tables, selection: Selection, options: dict, catalogue: dict
) -> list[dict]:
    """For each generator with a closed-form limit and each DGP: the population discrepancy lies
    inside the 95% interval of the finite-sample one, for all the ranking metrics.

    The control repeats the check for each biased generator against the truth's limit (no
    discrepancy), where it must fail: the check sees a discrepancy of that size.
    """
    table = discrepancies(
        tables.replicates, tables.population, selection=selection, catalogue=catalogue
    )
    biased = selections.methods_with_role(catalogue, Role.BIASED, table["generator"].unique())
    rows = []
    for (dgp, generator), group in table.groupby(["dgp", "generator"], sort=False):
        if group["population"].isna().any():
            continue  # no closed-form limit: finite-sample curves only
        rows.append(_limit_row(LIMITS, group, group["population"], dgp, generator, inside=True))
        if generator in biased:
            zero = group["population"] * 0.0
            rows.append(_limit_row(LIMITS_CONTROL, group, zero, dgp, generator, inside=False))
    return rows


def _limit_row(claim, group, limit, dgp, generator, *, inside: bool) -> dict:
    # one check over the four metrics: Bonferroni, each interval at 1 - 0.05 / 4
    quantile = bonferroni_quantile(len(group), group["n_pairs"] - 1)
    half = quantile * group["matched_se"]
    low, high = group["matched"] - half, group["matched"] + half
    covered = (low <= limit) & (limit <= high)
    z = ((group["matched"] - limit) / group["matched_se"]).abs()
    worst = z.idxmax()
    statistic = (
        f"generator - {group.loc[worst, 'reference']} at gamma = {group.loc[worst, 'gamma']:g}, "
        f"{int(group.loc[worst, 'n_pairs'])} paired replicates: the limit lies inside the "
        f"Bonferroni interval for {int(covered.sum())} of {len(group)} metrics (farthest at "
        f"{group.loc[worst, 'metric']}: limit {limit[worst]:+.4g})"
    )
    return row(
        claim, dgp, generator, "all", statistic, group.loc[worst, "matched"],
        (low[worst], high[worst]),
        threshold="inside every metric's 98.75% interval" if inside
        else "outside some metric's 98.75% interval",
        holds=bool(covered.all()) if inside else bool(not covered.all()),
    )  # fmt: skip


#: what the paper says where the project's check differs from it, printed under the claim
NOTES = {LIMITS: _NOTE_LIMITS}

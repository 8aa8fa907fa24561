"""The study's claims, each tested by a statistic of the aggregated tables.

The ``claims`` section of the config says which claim is checked on which experiment, DGP and
model; :data:`CHECKS` maps each claim name to its check. Every check returns rows with:
``claim`` (in words), ``dgp``, ``method``, ``metric``, ``statistic`` (what was computed),
``value`` with a 95% interval ``ci_low``/``ci_high`` (NaN where the value is exact),
``threshold`` and ``verdict`` (``holds``, ``fails``, ``reported`` for a quantity stated without
a threshold, or ``not evaluated`` when the tables lack the cells). Thresholds are fixed here, in
advance of any result; a claim that fails is reported with its numbers. Each check has a
control, in the same table or in the tests, that shows it can fail.

The rows are selected by :mod:`augsim.views`, as the figures' are: the training (deployment)
prevalence, and the exact population metric of each fitted score where the model declares one
(else the test-set metric). Methods are found by role, never by config key.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from augsim import mc_error, views
from augsim.methods import RAW, Role, draws_from_truth
from augsim.sources import EMPIRICAL
from augsim.tables import with_paired_difference

log = logging.getLogger(__name__)

INVARIANCE_THRESHOLD = 1e-6
COLUMNS = [
    "claim", "dgp", "method", "metric", "statistic", "value", "ci_low", "ci_high", "threshold",
    "verdict",
]  # fmt: skip

INVARIANCE = "Well-specified, population: the projection's metrics do not change with w"
AT_BAYES = "Well-specified, population: the projection's metrics are the Bayes values"
INVARIANCE_CONTROL = "Control: on a misspecified DGP the projection's metrics do change with w"
NO_GAIN = (
    "Well-specified, finite sample (the project's test, stricter than the paper): no method "
    "beats raw beyond Monte Carlo noise"
)
RATE = "Rate: raw's regret falls like 1/n (slope -1 on log-log axes)"
PEAK = "Misspecified: some gamma gains significantly, and the gain is not monotone in gamma"
DECOMPOSITION = (
    "Decomposition, population: the truth sampler's limit equals the weighting-only limit, so "
    "total = weighting + discrepancy exactly"
)
DECOMPOSITION_CONTROL = (
    "Control: the same population statistic for a biased generator is clearly non-zero"
)
RESIDUAL = "Decomposition, finite sample: the residual truth sampler - weighting"
LIMITS = (
    "Oversamplers: where a generator's population limit has a closed form, its finite-sample "
    "discrepancy agrees with the population one"
)
LIMITS_CONTROL = (
    "Control: a biased generator's finite-sample discrepancy disagrees with the truth's limit "
    "(no discrepancy)"
)
FLEXIBLE = (
    "Flexible models: no augmentation of the observed rows improves the metric beyond Monte "
    "Carlo noise"
)
FLEXIBLE_CONTROL = (
    "Control: the same test, on the test-set metric, finds a gain of a misspecified fit (some "
    "method, gamma and metric)"
)
REAL_DATA = (
    "Real data: on the data sets where rebalancing changes the metric significantly, it moves "
    "it the way the misspecified simulation does"
)
REAL_DATA_CONTROL = (
    "Control: the same count against the opposite of the simulation's sign does not hold"
)
CALIBRATION = (
    "Calibration: augmentation worsens the Brier score at the deployment prevalence, and the "
    "prior-shift correction removes the harm"
)
CALIBRATION_CONTROL = (
    "Control: the correction cannot repair the calibration slope (a shift of the intercept "
    "leaves it unchanged), so the same test must fail there"
)
#: what the paper says where the project's check differs from it, printed under the claim
NOTES = {
    REAL_DATA: (
        "Per metric and method at the claim's gamma: a data set counts as helped (hurt) when the "
        "corrected resampled 95% interval of Nadeau and Bengio of the mean paired difference "
        "over its splits lies above (below) 0 (the training parts overlap, so the naive t "
        "interval is too narrow; the correction inflates the variance by n_test / n_train). "
        "For the Brier score lower is better. The simulation's sign is that of its gain where "
        "its 95% interval excludes 0, else none. Holds when the sets moved the simulation's way "
        "outnumber those moved the other way (none: at most half the sets move). Value: sets "
        "moved the simulation's way minus the other way; statistic: the counts."
    ),
    CALIBRATION: (
        "Worsens: the Brier score's mean paired difference from raw has its 95% interval above "
        "0 (the simulation: over replicates, exact metric; real data: the corrected interval, "
        "on most data sets). The correction removes the harm when the corrected fit's "
        "difference no longer lies above 0 (on most of the data sets that were harmed)."
    ),
    FLEXIBLE: (
        "The paper's intuition: a flexible model is close to well-specified at large n, so "
        "rebalancing should not help it. Tested per DGP, model and metric over every method "
        "that uses only the observed rows (the truth sampler's fresh rows are extra data) and "
        "every gamma > 0: a gain is beyond noise when the lower end of its 95% Bonferroni "
        "interval over the row's gains lies above 0, the test set's own error of the mean gain "
        "(over the first replicates, so a little larger than over all: conservative) added in "
        "quadrature to the replicate standard error, Welch-Satterthwaite degrees of freedom. "
        "Value and interval: the largest gain and its Bonferroni interval."
    ),
    NO_GAIN: (
        "The paper claims that augmentation cannot improve these metrics at the population "
        "level; at a finite n it allows a gain from lower variance, and says synthetic error "
        "adds bias. This check asks more: no interval of a paired gain above 0 at all."
    ),
    LIMITS: (
        "The finite-sample discrepancy is measured against the method with the same information: "
        "the weighting-only fit for a generator built on the observed rows (against the truth "
        "sampler it would also hold the truth sampler's extra real rows, the residual, which "
        "vanishes only as n grows), the truth sampler for one drawing fresh rows from the truth. "
        "Both tend to the population value. The kernel samplers' limits keep their kernel at "
        "this n; the others' are the n -> infinity limits, which a finite n may not reach yet."
    ),
}


class Tables(NamedTuple):
    """The aggregated tables the checks read."""

    summary: pd.DataFrame
    replicates: pd.DataFrame
    population: pd.DataFrame
    #: the test set's own error of paired differences (:mod:`augsim.mc_error`); None: none
    test_errors: pd.DataFrame | None = None
    #: the real data sets' paired gains (:func:`augsim.views.real_data_gains`); None: none
    real_data: pd.DataFrame | None = None


def _row(claim, dgp, method, metric, statistic, value, ci=(np.nan, np.nan), *, threshold, holds):
    """One claims row; ``holds`` is True, False, None (not evaluated) or a verdict string."""
    if isinstance(holds, str):
        verdict = holds
    else:
        verdict = "not evaluated" if holds is None else ("holds" if holds else "fails")
    return dict(
        zip(
            COLUMNS,
            [claim, dgp, method, metric, statistic, value, *ci, threshold, verdict],
            strict=True,
        )
    )


def _not_evaluated(claim, dgp, method="all", metric="all") -> dict:
    return _row(claim, dgp, method, metric, "", np.nan, threshold="", holds=None)


def _experiment_cells(summary, spec, experiments, catalogue) -> pd.DataFrame | None:
    """The spec's summary rows (see views.experiment_cells), or None when the table lacks them."""
    try:
        return views.experiment_cells(summary, spec, experiments, catalogue)
    except ValueError as err:
        log.warning("claim on %s: %s", spec, err)
        return None


def population_invariance(population: pd.DataFrame, dgp: str) -> list[dict]:
    """Well-specified: the projection's metrics do not move with the minority weight."""
    curve = views.weight_curves(population, dgp, evaluation=None)
    if curve.empty:
        return [_not_evaluated(INVARIANCE, dgp, "weighting")]
    spread = curve.groupby(["metric", "evaluation"])["value"].agg(lambda v: v.max() - v.min())
    value = float(spread.max())
    return [
        _row(
            INVARIANCE, dgp, "weighting", "all",
            "max over metrics and prevalences of (max - min over w) of the metric of theta*(w)",
            value, threshold=f"< {INVARIANCE_THRESHOLD:g}", holds=value < INVARIANCE_THRESHOLD,
        )
    ]  # fmt: skip


def invariance_control(population: pd.DataFrame, dgp: str) -> list[dict]:
    """The invariance statistic on a misspecified DGP, where it must exceed the threshold.

    Shows the well-specified check can fail: the projection does move with w when the model
    is misspecified.
    """
    (row,) = population_invariance(population, dgp)
    moved = None if np.isnan(row["value"]) else row["value"] >= INVARIANCE_THRESHOLD
    return [
        row
        | {
            "claim": INVARIANCE_CONTROL,
            "threshold": f">= {INVARIANCE_THRESHOLD:g}",
            "verdict": {None: "not evaluated", True: "holds", False: "fails"}[moved],
        }
    ]


def projection_at_bayes(population: pd.DataFrame, dgp: str) -> list[dict]:
    """Well-specified: the projection at every w is the Bayes score, so its metrics are the
    Bayes values. A wrong projection that is merely constant in w fails here."""
    curve = views.weight_curves(population, dgp, evaluation=None)
    if curve.empty:
        return [_not_evaluated(AT_BAYES, dgp, "weighting")]
    value = float((curve["value"] - curve["bayes"]).abs().max())
    return [
        _row(
            AT_BAYES, dgp, "weighting", "all",
            "max over w, metrics and prevalences of |metric of theta*(w) - Bayes value|",
            value, threshold=f"< {INVARIANCE_THRESHOLD:g}", holds=value < INVARIANCE_THRESHOLD,
        )
    ]  # fmt: skip


def check_population_invariance(
    tables: Tables, spec: Mapping, experiments: Mapping, catalogue: Mapping
) -> list[dict]:
    """The invariance claim on ``spec["dgp"]``, the Bayes values there, and the control on
    ``spec["control"]``."""
    population = tables.population
    return (
        population_invariance(population, spec["dgp"])
        + projection_at_bayes(population, spec["dgp"])
        + invariance_control(population, spec["control"])
    )


def no_finite_sample_gain(
    tables: Tables, spec: Mapping, experiments: Mapping, catalogue: Mapping
) -> list[dict]:
    """Well-specified: no method's paired gain over raw has an interval above zero.

    One row per method over the experiment's gammas and the four metrics, each interval at 95%
    without a multiplicity correction, as the check is stated.
    """
    cells = _experiment_cells(tables.summary, spec, experiments, catalogue)
    if cells is not None:
        cells = cells[(cells["method"] != RAW) & (cells["gamma"] > 0)]
    if cells is None or cells.empty:
        return [_not_evaluated(NO_GAIN, spec["dgp"])]
    rows = []
    for method, group in cells.groupby("method", sort=True):
        best = group.loc[group["diff_mean"].idxmax()]
        above = int((group["diff_ci_low"] > 0).sum())
        statistic = (
            f"largest paired gain over gamma and metrics (at {best['metric']}, gamma = "
            f"{best['gamma']:g}); {above} of {len(group)} intervals lie above 0"
        )
        rows.append(
            _row(
                NO_GAIN, spec["dgp"], method, "all", statistic, best["diff_mean"],
                (best["diff_ci_low"], best["diff_ci_high"]),
                threshold="no 95% interval above 0", holds=above == 0,
            )
        )  # fmt: skip
    return rows


def regret_rate(
    tables: Tables, spec: Mapping, experiments: Mapping, catalogue: Mapping
) -> list[dict]:
    """Well-specified: log regret of raw against log n has slope -1 (regret ~ 1/n)."""
    dgp = spec["dgp"]
    try:
        cells = views.cells(
            tables.summary, dgps=[dgp], model=spec["model"],
            ns=views.experiment_of(spec, experiments)["n"], methods=[], gammas=[],
            source=views.source_of(catalogue, dgp, spec["model"]),
        )  # fmt: skip
    except ValueError:
        cells = tables.summary.iloc[0:0]
    rows = []
    for metric in views.METRICS:
        points = cells[(cells["metric"] == metric) & (cells["regret_mean"] > 0)]
        if points["n"].nunique() < 3:
            rows.append(_not_evaluated(RATE, dgp, RAW, metric))
            continue
        fit = stats.linregress(np.log(points["n"]), np.log(points["regret_mean"]))
        half = stats.t.ppf(0.975, len(points) - 2) * fit.stderr
        ci = (fit.slope - half, fit.slope + half)
        rows.append(
            _row(
                RATE, dgp, RAW, metric,
                f"least-squares slope of log mean regret on log n over {len(points)} sizes",
                fit.slope, ci, threshold="-1 inside the 95% interval",
                holds=ci[0] <= -1 <= ci[1],
            )
        )  # fmt: skip
    return rows


def misspecified_gain(
    tables: Tables, spec: Mapping, experiments: Mapping, catalogue: Mapping
) -> list[dict]:
    """Misspecified: a significant gain at some gamma, peaking inside the grid, then falling.

    The peak gamma comes from :func:`augsim.views.peak_gamma`: fixed in advance by the
    population curve of the method where one exists.
    """
    experiment = views.experiment_of(spec, experiments)
    dgp, n = spec["dgp"], views.shown_n(experiment)
    cells = _experiment_cells(tables.summary, spec, experiments, catalogue)
    replicates = tables.replicates
    paired = with_paired_difference(replicates[(replicates["dgp"] == dgp) & (replicates["n"] == n)])
    limits = views.model_gamma_curves(
        tables.population, catalogue, dgp=dgp, model=spec["model"], n=n
    )
    rows = []
    for method in views.compared_methods(experiment, catalogue):
        for metric in views.METRICS:
            if cells is None:
                rows.append(_not_evaluated(PEAK, dgp, method, metric))
                continue
            curve = cells[(cells["method"] == method) & (cells["metric"] == metric)]
            curve = curve[curve["gamma"] > 0].sort_values("gamma")
            limit = limits[(limits["method"] == method) & (limits["metric"] == metric)]
            rows.append(_peak_row(curve, limit, paired, dgp, method, metric))
    return rows


def _peak_row(curve, limit, paired, dgp, method, metric) -> dict:
    if len(curve) < 2:
        return _not_evaluated(PEAK, dgp, method, metric)
    peak_gamma, chosen = views.peak_gamma(curve, limit)
    peak = curve[curve["gamma"] == peak_gamma].iloc[0]
    last = curve.iloc[-1]
    drop, drop_ci = _paired_drop(paired, curve.iloc[0], peak_gamma, last["gamma"], method)
    significant = peak["diff_ci_low"] > 0
    interior = peak_gamma < last["gamma"]
    falls = drop_ci[0] > 0
    statistic = (
        f"paired gain at the peak gamma = {peak_gamma:g} ({chosen}); gain at gamma = "
        f"{last['gamma']:g} is {drop:.3g} lower (95% CI {drop_ci[0]:.3g} to {drop_ci[1]:.3g})"
    )
    return _row(
        PEAK, dgp, method, metric, statistic, peak["diff_mean"],
        (peak["diff_ci_low"], peak["diff_ci_high"]),
        threshold="peak interval above 0, peak inside the grid, drop to the last gamma above 0",
        holds=bool(significant and interior and falls),
    )  # fmt: skip


def _paired_drop(paired, cell, gamma_peak, gamma_last, method):
    keys = ["dgp", "n", "model", "evaluation", "source", "metric", "method"]
    rows = paired.set_index(keys).loc[(*(cell[k] for k in keys[:-1]), method)]
    rows = rows.reset_index().assign(gamma=lambda t: t["gamma"].astype(float).round(10))
    by_gamma = rows.pivot_table(index="replicate", columns="gamma", values="value")
    drop = (by_gamma[gamma_peak] - by_gamma[gamma_last]).dropna()
    return views.mean_interval(drop)


def decomposition_population(
    population: pd.DataFrame, spec: Mapping, experiments: Mapping, catalogue: Mapping
) -> list[dict]:
    """Population: the truth sampler and the weighting-only method tend to one projection.

    The truth sampler's limit goes through the generic path of every generator (the true
    minority mixed with its synthetic distribution), the weighting-only one does not, so their
    agreement is a result, not an identity. The control computes the same statistic for each
    biased generator, whose discrepancy must show.
    """
    experiment = views.experiment_of(spec, experiments)
    dgp, n = spec["dgp"], views.shown_n(experiment)
    found = views.decomposition_methods(experiment, catalogue)
    truth, weighting = found["truth"], found["weighting"]
    curves = views.gamma_curves(population, dgp=dgp, n=n, evaluation=None)
    wide = curves.pivot_table(
        index=["gamma", "evaluation", "metric"], columns="method", values="value"
    )
    statistic = (
        f"max over gamma, prevalences and metrics of |{{method}} - {weighting}| of the n -> inf "
        "curves"
    )
    rows = []
    checks = [(DECOMPOSITION, truth, f"< {INVARIANCE_THRESHOLD:g}", np.less)]
    checks += [
        (DECOMPOSITION_CONTROL, biased, f">= {INVARIANCE_THRESHOLD:g}", np.greater_equal)
        for biased in views.methods_with_role(catalogue, Role.BIASED, experiment["methods"])
    ]
    for claim, method, threshold, passes in checks:
        label = f"{method} - {weighting}"
        if wide.empty or {method, weighting} - set(wide.columns):
            rows.append(_not_evaluated(claim, dgp, label))
            continue
        gap = float((wide[method] - wide[weighting]).abs().max())
        rows.append(
            _row(claim, dgp, label, "all", statistic.format(method=method), gap,
                 threshold=threshold, holds=bool(passes(gap, INVARIANCE_THRESHOLD)))
        )  # fmt: skip
    return rows


def decomposition_residual(
    replicates: pd.DataFrame, spec: Mapping, experiments: Mapping, catalogue: Mapping
) -> list[dict]:
    """Total gain = weighting part + discrepancy part + residual, per replicate.

    The residual is truth sampler - weighting-only. Both tend to the same projection, so it
    vanishes as n -> infinity; at finite n the truth sampler's fresh rows are extra real data,
    which reweighting lacks, so the residual is reported (with its interval), not judged.
    """
    experiment = views.experiment_of(spec, experiments)
    dgp, n, model = spec["dgp"], views.shown_n(experiment), spec["model"]
    found = views.decomposition_methods(experiment, catalogue)
    truth, weighting = found["truth"], found["weighting"]
    rows_in = replicates[
        (replicates["dgp"] == dgp)
        & (replicates["n"] == n)
        & (replicates["model"] == model)
        & (replicates["evaluation"] == views.TRAINING)
        & (replicates["source"] == views.source_of(catalogue, dgp, model))
        & (replicates["method"].isin([truth, weighting]))
        & (replicates["gamma"] > 0)
    ]
    label = f"{truth} - {weighting}"
    out = []
    for metric in views.METRICS:
        wide = rows_in[rows_in["metric"] == metric].pivot_table(
            index=["gamma", "replicate"], columns="method", values="value"
        )
        if wide.empty or {truth, weighting} - set(wide.columns):
            out.append(_not_evaluated(RESIDUAL, dgp, label, metric))
            continue
        residual = (wide[truth] - wide[weighting]).dropna()
        by_gamma = {g: views.mean_interval(r) for g, r in residual.groupby(level="gamma")}
        gamma, (mean, ci) = max(by_gamma.items(), key=lambda item: abs(item[1][0]))
        inside = sum(lo <= 0 <= hi for _, (lo, hi) in by_gamma.values())
        statistic = (
            f"largest |mean residual| over gamma (at gamma = {gamma:g}); {inside} of "
            f"{len(by_gamma)} intervals include 0"
        )
        out.append(
            _row(RESIDUAL, dgp, label, metric, statistic, mean, ci,
                 threshold="none: reported", holds="reported")
        )  # fmt: skip
    return out


def check_decomposition(
    tables: Tables, spec: Mapping, experiments: Mapping, catalogue: Mapping
) -> list[dict]:
    """The population decomposition with its control, then the finite-sample residual."""
    return decomposition_population(
        tables.population, spec, experiments, catalogue
    ) + decomposition_residual(tables.replicates, spec, experiments, catalogue)


def discrepancy_limits(
    tables: Tables, spec: Mapping, experiments: Mapping, catalogue: Mapping
) -> list[dict]:
    """For each generator with a closed-form limit and each DGP: the population discrepancy lies
    inside the 95% interval of the finite-sample one, for all four metrics.

    The control repeats the check for each biased generator against the truth's limit (no
    discrepancy), where it must fail: the check sees a discrepancy of that size.
    """
    table = views.discrepancies(
        tables.replicates, tables.population, spec=spec, experiments=experiments,
        catalogue=catalogue,
    )  # fmt: skip
    biased = views.methods_with_role(catalogue, Role.BIASED, table["generator"].unique())
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
    quantile = stats.t.ppf(1 - 0.05 / (2 * len(group)), group["n_pairs"] - 1)
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
    return _row(
        claim, dgp, generator, "all", statistic, group.loc[worst, "matched"],
        (low[worst], high[worst]),
        threshold="inside every metric's 98.75% interval" if inside
        else "outside some metric's 98.75% interval",
        holds=bool(covered.all()) if inside else bool(not covered.all()),
    )  # fmt: skip


def flexible_gains(
    tables: Tables, spec: Mapping, experiments: Mapping, catalogue: Mapping
) -> list[dict]:
    """Per DGP, model and metric: does any augmentation of the observed rows gain beyond noise?

    The methods tested are those that use only the observed rows (every role but the truth
    sampler and the biased generator, whose fresh rows are extra data). A gain is beyond noise
    when the lower end of its Bonferroni interval over the row's methods and gammas lies above
    0, with the test set's own error of the mean gain added in quadrature to the replicate
    standard error. Every model but ``control_model`` is tested on every DGP; the control is
    ``control_model`` on the ``control`` DGP, on its test-set metric as the flexible models
    are, a misspecified fit whose gain the same test must find.
    """
    errors = tables.test_errors if tables.test_errors is not None else pd.DataFrame()
    try:
        table = views.flexible_gains(
            tables.summary, errors, spec=spec, experiments=experiments, catalogue=catalogue,
            on_test_set=[(spec["control"], spec["control_model"])],
        )  # fmt: skip
    except ValueError as err:
        log.warning("claim on %s: %s", spec, err)
        return [_not_evaluated(FLEXIBLE, "all"), _not_evaluated(FLEXIBLE_CONTROL, spec["control"])]
    observed = [m for m in catalogue["roles"] if not draws_from_truth(catalogue["roles"][m])]
    gains = table[table["method"].isin(observed) & (table["method"] != RAW)]
    rows = []
    for (dgp, model, metric), group in gains.groupby(["dgp", "model", "metric"], sort=False):
        if model != spec["control_model"]:
            rows.append(_flexible_row(FLEXIBLE, group, dgp, metric, control=False))
    control = gains[(gains["model"] == spec["control_model"]) & (gains["dgp"] == spec["control"])]
    if control.empty:
        return [_not_evaluated(FLEXIBLE_CONTROL, spec["control"]), *rows]
    return [_flexible_row(FLEXIBLE_CONTROL, control, spec["control"], "all", control=True), *rows]


def _flexible_row(claim, group, dgp, metric, *, control: bool) -> dict:
    model = group["model"].iloc[0]
    unknown = group["diff_mean"].isna() | ((group["source"] == EMPIRICAL) & group["test_se"].isna())
    if unknown.all():
        return _not_evaluated(claim, dgp, model, metric)
    group = group[~unknown]
    # Bonferroni over the row's (method, gamma[, metric]) gains, both errors in quadrature,
    # with Welch-Satterthwaite degrees of freedom (the jackknife error has FOLDS - 1)
    replicate_var, test_var = group["diff_se"] ** 2, group["test_se"].fillna(0.0) ** 2
    df = (replicate_var + test_var) ** 2 / (
        replicate_var**2 / (group["n_ok"] - 1) + test_var**2 / (mc_error.FOLDS - 1)
    )
    quantile = stats.t.ppf(1 - 0.05 / (2 * len(group)), df)
    half = quantile * np.sqrt(replicate_var + test_var)
    low, high = group["diff_mean"] - half, group["diff_mean"] + half
    beyond = low > 0
    best = (group["diff_mean"].where(beyond) if beyond.any() else group["diff_mean"]).idxmax()
    row = group.loc[best]
    test_error = (
        "exact metric"
        if pd.isna(row["test_se"])
        else f"test-set SE {row['test_se']:.2g} over {int(row['test_replicates'])} replicates"
    )
    at = f"{row['metric']}, " if metric == "all" else ""
    statistic = (
        f"{row['model_label']}: largest gain {'beyond noise ' if beyond.any() else ''}({at}"
        f"{row['method']}, gamma = {row['gamma']:g}, {int(row['n_ok'])} replicates; "
        f"{test_error}); {int(beyond.sum())} of {len(group)} gains beyond noise"
        + (f"; {int(unknown.sum())} without a test-set error left out" if unknown.any() else "")
    )
    return _row(
        claim, dgp, f"{model}: {row['method']}", metric, statistic, row["diff_mean"],
        (low[best], high[best]),
        threshold="some gain beyond noise" if control else "no gain beyond noise",
        holds=bool(beyond.any()) if control else bool(not beyond.any()),
    )  # fmt: skip


#: the metrics the real-data claim counts, and the direction that is better for each
_REAL_DATA_SENSE = {
    "auroc": 1.0, "auprc": 1.0, "best_balanced_accuracy": 1.0, "best_f1": 1.0, "brier": -1.0,
}  # fmt: skip


def _sign(low: float, high: float) -> int:
    """+1 (-1) when an interval lies above (below) 0, else 0; NaN ends give 0."""
    return 1 if low > 0 else (-1 if high < 0 else 0)


def _simulated_gains(tables: Tables, spec: Mapping, experiments, catalogue) -> pd.DataFrame:
    """The spec's simulated cell at its gamma, every metric (calibration included)."""
    metrics = [*_REAL_DATA_SENSE, "brier_corrected", "calibration_slope",
               "calibration_slope_corrected"]  # fmt: skip
    cells = views.experiment_cells(
        tables.summary, spec["simulation"], experiments, catalogue, gammas=[spec["gamma"]],
        metrics=metrics,
    )  # fmt: skip
    return cells[cells["method"] != RAW]


def _real_at(tables: Tables, gamma: float) -> pd.DataFrame:
    real = tables.real_data
    return real[(real["method"] != RAW) & (real["gamma"].round(10) == round(float(gamma), 10))]


def real_data_gains(
    tables: Tables, spec: Mapping, experiments: Mapping, catalogue: Mapping
) -> list[dict]:
    """Per metric and method: do the real data sets move the way the simulation does?"""
    dgp = spec["simulation"]["dgp"]
    if tables.real_data is None or tables.real_data.empty:
        return [_not_evaluated(REAL_DATA, "real data")]
    simulated = _simulated_gains(tables, spec, experiments, catalogue)
    real = _real_at(tables, spec["gamma"])
    rows, controls = [], []
    for method in dict.fromkeys(real["method"]):
        for metric, sense in _REAL_DATA_SENSE.items():
            sim = simulated[(simulated["method"] == method) & (simulated["metric"] == metric)]
            sets = real[(real["method"] == method) & (real["metric"] == metric)]
            if sim.empty or sets.empty:
                continue
            expected = _sign(sim["diff_ci_low"].iloc[0], sim["diff_ci_high"].iloc[0])
            bounds = zip(sets["diff_ci_low"], sets["diff_ci_high"], strict=True)
            signs = [_sign(low, high) for low, high in bounds]
            rows.append(_real_data_row(REAL_DATA, dgp, method, metric, expected, signs, sense))
            if expected != 0:
                controls.append(
                    _real_data_row(
                        REAL_DATA_CONTROL,
                        dgp,
                        method,
                        metric,
                        -expected,
                        signs,
                        sense,
                        control=True,
                    )
                )
    if not rows:
        return [_not_evaluated(REAL_DATA, "real data")]
    return rows + controls


def _real_data_row(claim, dgp, method, metric, expected, signs, sense, *, control=False) -> dict:
    helped = sum(1 for s in signs if s * sense > 0)
    hurt = sum(1 for s in signs if s * sense < 0)
    same = sum(1 for s in signs if s != 0 and s == expected)
    other = sum(1 for s in signs if s != 0 and s != expected)
    holds = same > other if expected != 0 else helped + hurt <= len(signs) / 2
    word = {1: "up", -1: "down", 0: "no change"}[expected]
    statistic = (
        f"simulation {word}; of {len(signs)} sets: {helped} helped, {hurt} hurt, "
        f"{len(signs) - helped - hurt} neither"
    )
    return _row(
        claim,
        f"{dgp} vs real data",
        method,
        metric,
        statistic,
        float(same - other),
        threshold="the simulation's way > the other way" if expected else "at most half move",
        holds=(not holds) if control else holds,
    )


def calibration_harm(
    tables: Tables, spec: Mapping, experiments: Mapping, catalogue: Mapping
) -> list[dict]:
    """Does augmentation worsen the Brier score, and does the prior-shift correction remove it?
    In the simulated cell and over the real data sets; the control is the slope."""
    dgp = spec["simulation"]["dgp"]
    simulated = _simulated_gains(tables, spec, experiments, catalogue)
    real = _real_at(tables, spec["gamma"]) if tables.real_data is not None else None
    rows = []
    for claim, (metric, corrected) in (
        (CALIBRATION, ("brier", "brier_corrected")),
        (CALIBRATION_CONTROL, ("calibration_slope", "calibration_slope_corrected")),
    ):
        # a worse slope is a drop towards 0 (over-confidence): the harm's sign per metric
        harm = 1.0 if metric == "brier" else -1.0
        control = claim == CALIBRATION_CONTROL
        for method in dict.fromkeys(simulated["method"]):
            cell = simulated[simulated["method"] == method].set_index("metric")
            if metric not in cell.index or corrected not in cell.index:
                continue
            rows.append(_harm_row(claim, dgp, method, metric, cell, corrected, harm, control))
        if real is None or real.empty:
            continue
        for method in dict.fromkeys(real["method"]):
            sets = real[real["method"] == method]
            rows.append(_real_harm_row(claim, method, metric, sets, corrected, harm, control))
    return rows or [_not_evaluated(CALIBRATION, dgp)]


def _harm_row(claim, dgp, method, metric, cell, corrected, harm, control) -> dict:
    fitted, fixed = cell.loc[metric], cell.loc[corrected]
    worse = _sign(fitted["diff_ci_low"], fitted["diff_ci_high"]) * harm > 0
    still = _sign(fixed["diff_ci_low"], fixed["diff_ci_high"]) * harm > 0
    holds = worse and not still
    statistic = (
        f"difference from raw {fitted['diff_mean']:+.4f} as fitted, "
        f"{fixed['diff_mean']:+.4f} corrected ({'harmed' if worse else 'not harmed'}, "
        f"{'still harmed' if still else 'repaired'} after correction)"
    )
    return _row(
        claim, dgp, method, metric, statistic, float(fixed["diff_mean"]),
        (float(fixed["diff_ci_low"]), float(fixed["diff_ci_high"])),
        threshold="harmed, and not after correction", holds=(not holds) if control else holds,
    )  # fmt: skip


def _real_harm_row(claim, method, metric, sets, corrected, harm, control) -> dict:
    fitted = sets[sets["metric"] == metric]
    fixed = sets[sets["metric"] == corrected].set_index("dgp")
    harmed = [
        dgp
        for dgp, lo, hi in zip(
            fitted["dgp"], fitted["diff_ci_low"], fitted["diff_ci_high"], strict=True
        )
        if _sign(lo, hi) * harm > 0
    ]  # fmt: skip
    still = [
        dgp for dgp in harmed
        if _sign(fixed.loc[dgp, "diff_ci_low"], fixed.loc[dgp, "diff_ci_high"]) * harm > 0
    ]  # fmt: skip
    total = len(fitted)
    holds = len(harmed) > total / 2 and len(still) <= len(harmed) / 2
    statistic = (
        f"of {total} sets: {len(harmed)} harmed, {len(still)} of them still after correction"
    )
    return _row(
        claim, "real data", method, metric, statistic, float(len(harmed) - len(still)),
        threshold="most harmed, most of them repaired", holds=(not holds) if control else holds,
    )  # fmt: skip


#: claim name in the config's ``claims`` section -> its check
CHECKS = {
    "population_invariance": check_population_invariance,
    "no_finite_sample_gain": no_finite_sample_gain,
    "regret_rate": regret_rate,
    "misspecified_gain": misspecified_gain,
    "decomposition": check_decomposition,
    "discrepancy_limits": discrepancy_limits,
    "flexible_gains": flexible_gains,
    "real_data_gains": real_data_gains,
    "calibration_harm": calibration_harm,
}


def claims_table(
    tables: Tables, claims: Mapping, experiments: Mapping, catalogue: Mapping
) -> pd.DataFrame:
    """Every claim of the config's ``claims`` section, checked, as one table."""
    rows: list[dict] = []
    for name, spec in claims.items():
        rows += CHECKS[name](tables, spec, experiments, catalogue)
    return pd.DataFrame(rows, columns=COLUMNS)


_HEADER = "| DGP | method | metric | statistic | value (95% CI) | threshold | verdict |"


def claims_markdown(table: pd.DataFrame) -> str:
    """The claims table as Markdown, one section per claim."""
    lines = []
    for claim, group in table.groupby("claim", sort=False):
        lines += [f"### {claim}", ""]
        if claim in NOTES:
            lines += [NOTES[claim], ""]
        lines += [_HEADER, "|" + " --- |" * 7]
        for row in group.itertuples():
            lines.append(
                f"| {row.dgp} | {row.method} | {row.metric} | {row.statistic} | "
                f"{_value_text(row)} | {row.threshold} | **{row.verdict}** |"
            )
        lines.append("")
    return "\n".join(lines)


def _value_text(row) -> str:
    if pd.isna(row.value):
        return ""
    if pd.isna(row.ci_low):
        return f"{row.value:.3g}"
    return f"{row.value:.4g} ({row.ci_low:.4g} to {row.ci_high:.4g})"

"""The report's tables: every generator's discrepancy part, every model's gain and the gains on
the real data, each built from the aggregated tables for one selection.

Each builder takes the tables it reads, its ``selection`` (:class:`augsim.study.views.Selection`)
and the ``catalogue`` (each method's role and label, each model's label and capabilities, each
source's description), and returns a DataFrame whose columns are listed beside it.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd

from augsim.metrics.registry import RANKING
from augsim.report.selections import (
    TRAINING,
    cells,
    decomposition_methods,
    gamma_curves,
    replicate_values,
    rounded,
)
from augsim.sources.kinds import EMPIRICAL
from augsim.statistics import (
    corrected_interval,
    mean_interval,
    standard_error,
    with_paired_difference,
)
from augsim.study.methods import RAW, draws_from_truth
from augsim.study.views import Selection

log = logging.getLogger(__name__)

DISCREPANCY_COLUMNS = [
    "dgp", "n", "model", "gamma", "source", "metric", "generator", "discrepancy",
    "discrepancy_low", "discrepancy_high", "reference", "matched", "matched_low",
    "matched_high", "matched_se", "population", "weighting", "weighting_low",
    "weighting_high", "residual", "n_pairs", "n_failed",
]  # fmt: skip


def discrepancies(
    replicates: pd.DataFrame,
    population: pd.DataFrame,
    *,
    selection: Selection,
    catalogue: Mapping,
) -> pd.DataFrame:
    """Each generator's discrepancy part at the selection's one gamma, per (DGP, metric), with
    95% intervals, on its one model at its shown size, paired over replicates:

    - ``discrepancy``: generator minus the truth sampler (the decomposition's discrepancy part);
    - ``matched``: generator minus the method with the same information (``reference``): the
      truth sampler for a generator that draws fresh rows from the truth, the weighting-only
      method for one built on the observed rows. Both differences tend to the same population
      value; at finite n the discrepancy of a generator built on the observed rows also holds
      the truth sampler's extra real rows (the residual, ``truth - weighting``), the matched
      difference does not;
    - ``weighting``: the weighting part, weighting-only minus raw; ``residual``: truth sampler
      minus weighting-only;
    - ``population``: the population (n -> infinity) discrepancy, the generator's curve minus
      the truth sampler's, where the generator has a closed-form limit (else NaN: the plan
      schedules no curve for it).

    Rows are ordered by DGP, metric and discrepancy. ``n_pairs`` counts the replicates where
    both fits succeeded, ``n_failed`` the generator's failed replicates.
    """
    found = decomposition_methods(selection, catalogue)
    truth, weighting = found["truth"], found["weighting"]
    gamma, model = float(selection.gammas[0]), selection.only("models")
    frames = []
    for dgp in selection.sources:
        n, source = selection.size(dgp), selection.metric_source(dgp, model)
        wide = replicate_values(replicates, dgp=dgp, n=n, model=model, gamma=gamma, source=source)
        limits = gamma_curves(population, dgp=dgp, n=n)
        limits = limits[limits["gamma"] == rounded(gamma)]
        limit = limits.pivot_table(index="metric", columns="method", values="value")
        where = {"dgp": dgp, "n": n, "model": model, "gamma": gamma, "source": source}
        for generator in found["generators"]:
            if generator != truth:
                fresh = draws_from_truth(catalogue["methods"][generator]["role"])
                reference = truth if fresh else weighting
                rows = discrepancy_rows(wide, limit, generator, truth, weighting, reference)
                frames.append(rows.assign(generator=generator, reference=reference, **where))
    if not frames:
        raise ValueError(f"discrepancies: view {selection.view!r} has no generator")
    table = pd.concat(frames, ignore_index=True)
    table = table.sort_values(["dgp", "metric", "discrepancy"], kind="stable")
    return table[DISCREPANCY_COLUMNS].reset_index(drop=True)


def discrepancy_rows(wide, limit, generator, truth, weighting, reference) -> pd.DataFrame:
    """Per ranking metric, the parts of :func:`discrepancies` of ``generator`` from the
    replicate values ``wide`` (:func:`augsim.report.selections.replicate_values`) and the
    population curves ``limit`` (metric x method) at one gamma."""
    out = []
    for metric in RANKING:
        values = wide[metric]
        if generator not in values.columns:
            raise ValueError(f"discrepancies: no rows for generator {generator!r}")
        row = {"metric": metric}
        for name, (a, b) in {
            "discrepancy": (generator, truth),
            "matched": (generator, reference),
            "weighting": (weighting, RAW),
        }.items():
            mean, (low, high) = mean_interval(values[a] - values[b])
            row |= {name: mean, f"{name}_low": low, f"{name}_high": high}
        row["matched_se"] = standard_error(values[generator] - values[reference])
        row["discrepancy_se"] = standard_error(values[generator] - values[truth])
        row["weighting_se"] = standard_error(values[weighting] - values[RAW])
        row["residual"] = float((values[truth] - values[weighting]).mean())
        paired = values[[generator, truth]].dropna()
        row["n_pairs"] = len(paired)
        row["n_failed"] = int(values[generator].isna().sum())
        has_limit = metric in limit.index and {generator, truth} <= set(limit.columns)
        row["population"] = (
            float(limit.loc[metric, generator] - limit.loc[metric, truth]) if has_limit else np.nan
        )
        out.append(row)
    return pd.DataFrame(out)


FLEXIBLE_COLUMNS = [
    "dgp", "n", "model", "model_label", "flexibility", "source", "method", "gamma", "metric",
    "diff_mean", "diff_se", "diff_ci_low", "diff_ci_high", "regret_mean", "regret_ci_low",
    "regret_ci_high", "test_se", "test_replicates", "n_ok", "n_failed",
]  # fmt: skip


def flexible_gains(
    summary: pd.DataFrame,
    test_errors: pd.DataFrame,
    *,
    selection: Selection,
    catalogue: Mapping,
    on_test_set: Collection[tuple[str, str]] = (),
) -> pd.DataFrame:
    """Each model's paired gain over raw at every gamma of the selection, per DGP and metric,
    with its 95% interval over replicates and the test set's own Monte Carlo error of the mean
    gain over the first ``test_replicates`` (``test_se``, :mod:`augsim.metrics.test_error`; NaN
    on exact metrics), and raw's regret (the ``regret_*`` columns of the rows of
    ``method == raw``).

    Models are ordered from least to most flexible (their declared ``flexibility``), each on its
    shown metric source, or on the test set for the (dgp, model) pairs of ``on_test_set``.
    Raises ValueError when a gain on the test set has no test-set error (its job is missing
    from ``test_errors``).
    """
    models = catalogue["models"]
    order = sorted(selection.models, key=lambda m: models[m]["flexibility"])
    frames = []
    for dgp in selection.sources:
        for model in order:
            shown = selection.metric_source(dgp, model)
            source = EMPIRICAL if (dgp, model) in on_test_set else shown
            rows = cells(
                summary, dgps=[dgp], model=model, ns=[selection.size(dgp)],
                methods=selection.methods, gammas=selection.gammas, source=source,
            )  # fmt: skip
            frames.append(
                _gains_and_regret(rows).assign(
                    model_label=models[model]["label"], flexibility=models[model]["flexibility"]
                )
            )
    table = pd.concat(frames, ignore_index=True)
    return _with_test_errors(table, test_errors)[FLEXIBLE_COLUMNS]


def _gains_and_regret(rows: pd.DataFrame) -> pd.DataFrame:
    """Raw's rows with its regret only, the other rows (gamma > 0) with their gain only."""
    raw = rows["method"] == RAW
    gains = rows[~raw & (rows["gamma"] > 0)].assign(
        regret_mean=np.nan, regret_ci_low=np.nan, regret_ci_high=np.nan
    )
    regret = rows[raw].assign(
        diff_mean=np.nan, diff_se=np.nan, diff_ci_low=np.nan, diff_ci_high=np.nan
    )
    return pd.concat([regret, gains])


def _with_test_errors(table: pd.DataFrame, test_errors: pd.DataFrame) -> pd.DataFrame:
    keys = ["dgp", "n", "model", "method", "gamma", "metric"]
    if test_errors.empty:
        test_errors = pd.DataFrame(columns=[*keys, "test_se", "replicates"])
    errors = test_errors.assign(gamma=rounded(test_errors["gamma"]))
    errors = errors[[*keys, "test_se", "replicates"]].rename(
        columns={"replicates": "test_replicates"}
    )
    table = table.merge(errors, on=keys, how="left", validate="1:1", indicator=True)
    empirical = (table["source"] == EMPIRICAL) & (table["method"] != RAW)
    unmatched = empirical & (table["_merge"] == "left_only")
    if unmatched.any():
        first = table[unmatched].iloc[0]
        raise ValueError(
            f"no test-set error for {first['dgp']}/n{first['n']}/{first['model']}/"
            f"{first['method']} at gamma {first['gamma']:g} ({int(unmatched.sum())} rows)"
        )
    table.loc[~empirical, ["test_se", "test_replicates"]] = np.nan  # exact: no test-set error
    return table


REAL_DATA_COLUMNS = [
    "dgp", "dataset", "imbalance_ratio", "n", "n_test", "model", "source", "method", "gamma",
    "metric", "value_mean", "diff_mean", "diff_se", "diff_ci_low", "diff_ci_high",
    "naive_ci_low", "naive_ci_high", "splits", "n_failed",
]  # fmt: skip


def real_data_gains(
    replicates: pd.DataFrame, *, selection: Selection, catalogue: Mapping
) -> pd.DataFrame:
    """Per data set, model, method, gamma and metric of a selection over real data: the mean
    paired difference from raw over the splits, its corrected resampled t interval (Nadeau and
    Bengio; :func:`augsim.statistics.corrected_interval`) and the naive t interval beside it,
    at the test parts' own prevalence. Raw's rows (gamma 0) carry its mean value; data sets
    come in order of imbalance ratio, each with its models in the selection's order. Every
    metric of the fits is kept, calibration included.
    """
    info = catalogue["sources"]
    order = sorted(selection.sources, key=lambda key: info[key]["imbalance_ratio"])
    tables = [
        _real_data_gains(replicates, selection, catalogue, order, model)
        for model in selection.models
    ]
    table = pd.concat(tables, ignore_index=True)
    table["order"] = table["dgp"].map({key: i for i, key in enumerate(order)})
    return table.sort_values("order", kind="stable").drop(columns="order").reset_index(drop=True)


def _real_data_gains(replicates, selection, catalogue, order, model) -> pd.DataFrame:
    """The real-data table of one model (:func:`real_data_gains`)."""
    info = catalogue["sources"]
    rows = _real_data_rows(replicates, selection, order, model)
    paired = with_paired_difference(rows)
    out = []
    keys = ["dgp", "method", "gamma", "metric"]
    for (dgp, method, at, metric), group in paired.groupby(keys, sort=False):
        sizes = info[dgp]
        corrected = corrected_interval(
            group["difference"].to_numpy(), n_train=sizes["n_train"], n_test=sizes["n_test"]
        )
        _, naive = mean_interval(group["difference"])
        out.append(
            {
                "dgp": dgp,
                "dataset": sizes["name"],
                "imbalance_ratio": sizes["imbalance_ratio"],
                "n": sizes["n_train"],
                "n_test": sizes["n_test"],
                "model": model,
                "source": group["source"].iloc[0],
                "method": method,
                "gamma": at,
                "metric": metric,
                "value_mean": float(group["value"].mean()),
                "diff_mean": corrected["mean"],
                "diff_se": corrected["se"],
                "diff_ci_low": corrected["low"],
                "diff_ci_high": corrected["high"],
                "naive_ci_low": naive[0],
                "naive_ci_high": naive[1],
                "splits": int(group["difference"].notna().sum()),
                "n_failed": int((group["error"].fillna("") != "").sum()),
            }
        )
    table = pd.DataFrame(out, columns=REAL_DATA_COLUMNS)
    table["order"] = table["dgp"].map({key: i for i, key in enumerate(order)})
    methods = [RAW, *selection.methods]
    table["method_order"] = table["method"].map({m: i for i, m in enumerate(methods)})
    return (
        table.sort_values(["order", "method_order", "gamma", "metric"], kind="stable")
        .drop(columns=["order", "method_order"])
        .reset_index(drop=True)
    )


def _real_data_rows(replicates, selection: Selection, order, model) -> pd.DataFrame:
    """The replicate rows of the selection's data sets and methods on its shown metric source."""
    gamma = rounded(replicates["gamma"])
    keep = (
        replicates["dgp"].isin(order)
        & (replicates["model"] == model)
        & (replicates["evaluation"] == TRAINING)
        & (
            ((replicates["method"] == RAW) & (gamma == 0.0))
            | (replicates["method"].isin(selection.methods) & gamma.isin(rounded(selection.gammas)))
        )
    )
    rows = replicates[keep].assign(gamma=gamma[keep])
    rows = rows[rows["source"] == rows["dgp"].map(lambda dgp: selection.metric_source(dgp, model))]
    if rows.empty:
        raise ValueError(f"no replicate rows of model {model!r} on data sets {order}")
    return rows

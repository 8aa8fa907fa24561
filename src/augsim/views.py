"""Tidy views of the aggregated tables, shared by the figures and the claims.

A figure and the claim that reads the same part of the study select it here, once: the
experiment a spec names and the training size shown, which metric source a (DGP, model) pair
shows (the exact population metric where the model and the source have one, else the test-set
metric), the summary rows of a cell's gamma curve, the population (n -> infinity) curves, the
peak gamma and the parts of the decomposition. Methods are found by role, never by config key.

Every view is at the training (deployment) prevalence and raises ``ValueError`` when the
selection comes out empty: a figure or claim of nothing is a config error, not a result.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence

import numpy as np
import pandas as pd

from augsim.methods import DESCRIPTIONS, RAW, Role, draws_from_truth, with_role
from augsim.metrics import METRIC_NAMES
from augsim.sources import EMPIRICAL, POPULATION, shown_source

log = logging.getLogger(__name__)

TRAINING = "training"
#: the ranking metrics every figure and claim reads
METRICS = METRIC_NAMES
_DIGITS = 10  # gammas are compared after rounding: the tables store them as written floats


def experiment_of(spec: Mapping, experiments: Mapping) -> dict:
    """The experiment a figure's or claim's spec names."""
    name = spec["experiment"]
    if name not in experiments:
        raise ValueError(f"experiment {name!r} is not one of {sorted(experiments)}")
    return experiments[name]


def shown_n(experiment: Mapping, n: int | None = None) -> int:
    """The training size shown: ``n`` if given, else the experiment's largest."""
    if n is None:
        return int(max(experiment["n"]))
    if n not in experiment["n"]:
        raise ValueError(f"n = {n} is not one of the experiment's sizes {experiment['n']}")
    return int(n)


def source_of(catalogue: Mapping, dgp: str, model: str) -> str:
    """The metric source shown for ``model`` on ``dgp``, read off their declared capabilities."""
    return shown_source(
        exact_model=catalogue["models"][model]["exact_population"],
        has_population=catalogue["dgps"][dgp]["has_population"],
    )


def compared_methods(experiment: Mapping, catalogue: Mapping) -> list[str]:
    """The methods an experiment compares with the unaugmented fit, in its order."""
    return [m for m in experiment["methods"] if catalogue["roles"][m] != Role.UNAUGMENTED]


def cells(
    summary: pd.DataFrame,
    *,
    dgps: Sequence[str],
    model: str,
    ns: Sequence[int],
    methods: Sequence[str],
    gammas: Sequence[float],
    source: str,
    metrics: Sequence[str] = METRICS,
) -> pd.DataFrame:
    """Summary rows of these cells from ``source``; raw is taken at gamma 0.

    A cell's gammas are merged over every experiment that fits it, so rows are restricted to the
    gammas asked for (rounded, in the ``gamma`` column of the result).
    """
    gamma = summary["gamma"].astype(float).round(_DIGITS)
    keep = (
        summary["dgp"].isin(dgps)
        & (summary["model"] == model)
        & (summary["evaluation"] == TRAINING)
        & (summary["source"] == source)
        & summary["metric"].isin(metrics)
        & summary["n"].isin(ns)
        & (
            ((summary["method"] == RAW) & (gamma == 0.0))
            | (summary["method"].isin(methods) & gamma.isin(_rounded(gammas)))
        )
    )
    rows = summary[keep].assign(gamma=gamma[keep])
    if rows.empty:
        raise ValueError(
            f"no {source} summary rows for DGPs {list(dgps)}, model {model!r}, n {list(ns)}, "
            f"methods {list(methods)} at gammas {list(gammas)} (evaluation {TRAINING!r}); the "
            f"table has DGPs {sorted(summary['dgp'].unique())}, models "
            f"{sorted(summary['model'].unique())}"
        )
    log.info("selected %d summary rows (DGPs %s, model %s, n %s)", len(rows), dgps, model, ns)
    return rows


def experiment_cells(
    summary: pd.DataFrame,
    spec: Mapping,
    experiments: Mapping,
    catalogue: Mapping,
    n=None,
    *,
    gammas: Sequence[float] | None = None,
    metrics: Sequence[str] = METRICS,
) -> pd.DataFrame:
    """The summary rows of a spec's (DGP, model) over its experiment's methods and gammas (or
    only ``gammas``), for ``metrics``."""
    experiment = experiment_of(spec, experiments)
    return cells(
        summary,
        dgps=[spec["dgp"]],
        model=spec["model"],
        ns=[shown_n(experiment, n)],
        methods=compared_methods(experiment, catalogue),
        gammas=experiment["gammas"] if gammas is None else gammas,
        source=source_of(catalogue, spec["dgp"], spec["model"]),
        metrics=metrics,
    )


def gamma_curves(
    population: pd.DataFrame, *, dgp: str, n: int, evaluation: str | None = TRAINING
) -> pd.DataFrame:
    """Population ``gamma_curve`` rows (n -> infinity limits of the cells of size n) at one
    evaluation prevalence (None: at every one)."""
    curves = population[
        (population["kind"] == "gamma_curve") & (population["dgp"] == dgp) & (population["n"] == n)
    ]
    if evaluation is not None:
        curves = curves[curves["evaluation"] == evaluation]
    return curves.assign(gamma=curves["gamma"].astype(float).round(_DIGITS))


def model_gamma_curves(
    population: pd.DataFrame, catalogue: Mapping, *, dgp: str, model: str, n: int
) -> pd.DataFrame:
    """The gamma curves that are the n -> infinity limits of ``model``'s fits: those of the
    population table where the model has population metrics, none otherwise (the table's
    curves are the linear logistic projection's, which another model does not tend to)."""
    curves = gamma_curves(population, dgp=dgp, n=n)
    return curves if source_of(catalogue, dgp, model) == POPULATION else curves.iloc[0:0]


def population_differences(
    population: pd.DataFrame, catalogue: Mapping, *, dgp: str, model: str, n: int,
    gammas: Sequence[float],
) -> pd.DataFrame:  # fmt: skip
    """Population value at each gamma minus the raw value, per method and metric."""
    curves = model_gamma_curves(population, catalogue, dgp=dgp, model=model, n=n)
    raw = curves[(curves["method"] == RAW) & (curves["gamma"] == 0.0)]
    raw = raw.groupby("metric")["value"].first()
    if raw.empty:
        log.warning("no population raw curve for %s n=%d: no population overlay", dgp, n)
        return curves.iloc[0:0].assign(difference=[])
    curves = curves[curves["gamma"].isin(_rounded(gammas))]
    return curves.assign(difference=curves["value"] - curves["metric"].map(raw))


def weight_curves(
    population: pd.DataFrame, dgp: str | None = None, *, evaluation: str | None = TRAINING
) -> pd.DataFrame:
    """Population ``weight_curve`` rows (the projection over the minority weight w), of one DGP
    or all, at one evaluation prevalence (None: at every one)."""
    rows = population[population["kind"] == "weight_curve"]
    if evaluation is not None:
        rows = rows[rows["evaluation"] == evaluation]
    return rows if dgp is None else rows[rows["dgp"] == dgp]


def peak_gamma(curve: pd.DataFrame, limit: pd.DataFrame) -> tuple[float, str]:
    """The peak gamma of one method's gamma curve, and how it was chosen.

    Fixed in advance by the population (n -> infinity) curve ``limit`` where one exists, so a
    finite-sample test at the peak is not run on a gamma chosen by the same data; else the gamma
    of the largest mean gain in ``curve`` (summary rows), and the text says so.
    """
    limit = limit[limit["gamma"].isin(curve["gamma"])]
    if len(limit):
        return float(limit.loc[limit["value"].idxmax(), "gamma"]), "fixed by the population curve"
    best = float(curve.loc[curve["diff_mean"].idxmax(), "gamma"])
    return best, "the largest mean gain (chosen on the same replicates)"


def decomposition_methods(experiment: Mapping, catalogue: Mapping) -> dict[str, object]:
    """The decomposition's methods found by role: the truth sampler, the weighting-only method
    and the generators whose gain is split (every other generator, or the truth sampler alone).

    With several truth samplers the first in the experiment's order is the reference.
    """
    methods = list(experiment["methods"])
    truth = first_with_role(catalogue, Role.TRUTH, methods)
    weighting = first_with_role(catalogue, Role.WEIGHTING, methods)
    others = [m for m in methods if m not in (truth, weighting, RAW)]
    return {"truth": truth, "weighting": weighting, "generators": others or [truth]}


def decomposition_parts(
    summary: pd.DataFrame,
    *,
    spec: Mapping,
    experiments: Mapping,
    catalogue: Mapping,
    n: int | None = None,
) -> pd.DataFrame:
    """The parts of each generator's gain over raw, per (generator, gamma, metric).

    With ``d(method)`` the mean paired difference from raw (``diff_mean``):

    - ``total = d(generator)``
    - ``weighting = d(weighting-only method)``: the change of the effective class weight alone;
    - ``discrepancy = d(generator) - d(truth sampler)``: synthetic rows that are not true rows;
    - ``residual = total - weighting - discrepancy = d(truth) - d(weighting)``: fresh true rows
      against reweighting the observed ones (a finite-sample effect; zero at n -> infinity).

    Returns one row per (generator, gamma, metric) with those four columns, the total's 95%
    interval (``total_low``/``total_high``), ``n_failed`` summed over the cells involved and the
    ``source`` used.
    """
    experiment = experiment_of(spec, experiments)
    found = decomposition_methods(experiment, catalogue)
    truth, weighting = found["truth"], found["weighting"]
    rows = experiment_cells(summary, spec, experiments, catalogue, n)
    wide = rows.pivot_table(
        index=["gamma", "metric"], columns="method", values=["diff_mean", "n_failed"]
    )
    d, failed = wide["diff_mean"], wide["n_failed"]
    frames = []
    for generator in found["generators"]:
        if generator not in d.columns:
            raise ValueError(f"decomposition: no summary rows for generator {generator!r}")
        part = pd.DataFrame(
            {
                "total": d[generator],
                "weighting": d[weighting],
                "discrepancy": d[generator] - d[truth],
                "residual": d[truth] - d[weighting],
                "n_failed": failed[list({generator, weighting, truth})].sum(axis=1),
            }
        )
        frames.append(part.reset_index().assign(generator=generator))
    parts = pd.concat(frames, ignore_index=True).dropna(subset=["total", "weighting", "residual"])
    bands = rows.rename(
        columns={"method": "generator", "diff_ci_low": "total_low", "diff_ci_high": "total_high"}
    )
    keys = ["generator", "gamma", "metric"]
    parts = parts.merge(bands[[*keys, "total_low", "total_high"]], on=keys, how="left")
    source = rows["source"].iloc[0]
    log.info("decomposition: %d rows for %s (%s)", len(parts), found["generators"], source)
    return parts.assign(source=source)


def degrees(dgp_keys: Sequence[str], dgps: Mapping, degree: str) -> dict[str, float]:
    """The misspecification degree of each DGP (its parameter ``degree``), in the given order."""
    values = {}
    for key in dgp_keys:
        value = dgps.get(key, {}).get("params", {}).get(degree)
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ValueError(f"DGP {key!r} has no numeric parameter {degree!r}")
        values[key] = float(value)
    if len(set(values.values())) < len(values):
        raise ValueError(f"DGPs share a {degree!r} value: {values}")
    return values


def methods_with_role(catalogue: Mapping, role: Role, methods: Sequence[str]) -> list[str]:
    """The methods among ``methods`` whose role is ``role``, in order."""
    return with_role(catalogue["roles"], role, methods)


def first_with_role(catalogue: Mapping, role: Role, methods: Sequence[str]) -> str:
    """The first method of ``role`` among ``methods``; ``ValueError`` naming the role if none."""
    found = methods_with_role(catalogue, role, methods)
    if not found:
        raise ValueError(
            f"no method with role {role.value!r} ({DESCRIPTIONS[role]}) among {list(methods)}"
        )
    return found[0]


def _rounded(gammas: Sequence[float]) -> np.ndarray:
    return np.round(np.asarray(gammas, dtype=float), _DIGITS)


def discrepancies(
    replicates: pd.DataFrame,
    population: pd.DataFrame,
    *,
    spec: Mapping,
    experiments: Mapping,
    catalogue: Mapping,
) -> pd.DataFrame:
    """Each generator's discrepancy part at one gamma, per (DGP, metric), with 95% intervals.

    For the experiment's largest n, at ``spec["gamma"]``, paired over replicates:

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
      the truth sampler's, where the generator has a closed-form limit (else NaN).

    Rows are ordered by DGP, metric and discrepancy. ``n_pairs`` counts the replicates where
    both fits succeeded, ``n_failed`` the generator's failed replicates.
    """
    experiment = experiment_of(spec, experiments)
    found = decomposition_methods(experiment, catalogue)
    truth, weighting = found["truth"], found["weighting"]
    gamma, model, n = float(spec["gamma"]), spec["model"], shown_n(experiment)
    frames = []
    for dgp in experiment["dgps"]:
        wide = _replicate_values(
            replicates, dgp=dgp, n=n, model=model, gamma=gamma,
            source=source_of(catalogue, dgp, model),
        )  # fmt: skip
        limits = gamma_curves(population, dgp=dgp, n=n)
        limits = limits[limits["gamma"] == round(gamma, _DIGITS)]
        limit = limits.pivot_table(index="metric", columns="method", values="value")
        where = {"dgp": dgp, "n": n, "model": model, "gamma": gamma}
        where["source"] = source_of(catalogue, dgp, model)
        for generator in found["generators"]:
            if generator != truth:
                fresh = draws_from_truth(catalogue["roles"][generator])
                reference = truth if fresh else weighting
                rows = _discrepancy_rows(wide, limit, generator, truth, weighting, reference)
                frames.append(rows.assign(generator=generator, reference=reference, **where))
    if not frames:
        raise ValueError(f"discrepancies: experiment {spec['experiment']!r} has no generator")
    table = pd.concat(frames, ignore_index=True)
    table = table.sort_values(["dgp", "metric", "discrepancy"], kind="stable")
    return table[DISCREPANCY_COLUMNS].reset_index(drop=True)


DISCREPANCY_COLUMNS = [
    "dgp", "n", "model", "gamma", "source", "metric", "generator", "discrepancy",
    "discrepancy_low", "discrepancy_high", "reference", "matched", "matched_low",
    "matched_high", "matched_se", "population", "weighting", "weighting_low",
    "weighting_high", "residual", "n_pairs", "n_failed",
]  # fmt: skip


def _replicate_values(replicates, *, dgp, n, model, gamma, source) -> pd.DataFrame:
    """Values (replicate x (metric, method)) at ``gamma``, raw at 0; failed fits are NaN."""
    rows = replicates[
        (replicates["dgp"] == dgp)
        & (replicates["n"] == n)
        & (replicates["model"] == model)
        & (replicates["evaluation"] == TRAINING)
        & (replicates["source"] == source)
        & replicates["metric"].isin(METRICS)
    ]
    at = rows["gamma"].astype(float).round(_DIGITS)
    rows = rows[((rows["method"] == RAW) & (at == 0.0)) | (at == round(gamma, _DIGITS))]
    if rows.empty:
        raise ValueError(f"no {source} replicate rows for {dgp}, n {n}, model {model!r}")
    return rows.pivot_table(
        index="replicate", columns=["metric", "method"], values="value", dropna=False
    )


def _discrepancy_rows(wide, limit, generator, truth, weighting, reference) -> pd.DataFrame:
    out = []
    for metric in METRICS:
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
        paired = (values[generator] - values[reference]).dropna()
        row["matched_se"] = float(paired.std(ddof=1) / np.sqrt(len(paired)))
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


def mean_interval(values: pd.Series, *, level: float = 0.95) -> tuple[float, tuple[float, float]]:
    """Mean of the finite ``values`` and its t interval at ``level`` (NaN with fewer than 2)."""
    from scipy import stats

    values = values.dropna()
    mean = float(values.mean()) if len(values) else np.nan
    if len(values) < 2:
        return mean, (np.nan, np.nan)
    quantile = stats.t.ppf(0.5 + level / 2, len(values) - 1)
    half = quantile * values.std(ddof=1) / np.sqrt(len(values))
    return mean, (mean - half, mean + half)


FLEXIBLE_COLUMNS = [
    "dgp", "n", "model", "model_label", "flexibility", "source", "method", "gamma", "metric",
    "diff_mean", "diff_se", "diff_ci_low", "diff_ci_high", "regret_mean", "regret_ci_low",
    "regret_ci_high", "test_se", "test_replicates", "n_ok", "n_failed",
]  # fmt: skip


def flexible_gains(
    summary: pd.DataFrame,
    test_errors: pd.DataFrame,
    *,
    spec: Mapping,
    experiments: Mapping,
    catalogue: Mapping,
    on_test_set: Collection[tuple[str, str]] = (),
) -> pd.DataFrame:
    """Each model's paired gain over raw at every gamma of an experiment, per DGP and metric,
    with its 95% interval over replicates and the test set's own Monte Carlo error of the mean
    gain over the first ``test_replicates`` (``test_se``, :mod:`augsim.mc_error`; NaN on exact
    metrics), and raw's regret (the
    ``regret_*`` columns of the rows of ``method == raw``).

    Models are ordered from least to most flexible (their declared ``flexibility``), each on its
    shown metric source, or on the test set for the (dgp, model) pairs of ``on_test_set``.
    Raises ValueError when a gain on the test set has no test-set error (its job is missing
    from ``test_errors``).
    """
    experiment = experiment_of(spec, experiments)
    n = shown_n(experiment)
    order = sorted(experiment["models"], key=lambda m: catalogue["models"][m]["flexibility"])
    frames = []
    for dgp in experiment["dgps"]:
        for model in order:
            shown = source_of(catalogue, dgp, model)
            source = EMPIRICAL if (dgp, model) in on_test_set else shown
            rows = cells(
                summary, dgps=[dgp], model=model, ns=[n],
                methods=compared_methods(experiment, catalogue), gammas=experiment["gammas"],
                source=source,
            )  # fmt: skip
            raw = rows["method"] == RAW
            gains = rows[~raw & (rows["gamma"] > 0)].assign(
                regret_mean=np.nan, regret_ci_low=np.nan, regret_ci_high=np.nan
            )
            regret = rows[raw].assign(
                diff_mean=np.nan, diff_se=np.nan, diff_ci_low=np.nan, diff_ci_high=np.nan
            )
            info = catalogue["models"][model]
            frames.append(
                pd.concat([regret, gains]).assign(
                    model_label=info["label"], flexibility=info["flexibility"]
                )
            )
    table = pd.concat(frames, ignore_index=True)
    keys = ["dgp", "n", "model", "method", "gamma", "metric"]
    if test_errors.empty:
        test_errors = pd.DataFrame(columns=[*keys, "test_se", "replicates"])
    errors = test_errors.assign(gamma=test_errors["gamma"].astype(float).round(_DIGITS))
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
    return table[FLEXIBLE_COLUMNS]


REAL_DATA_COLUMNS = [
    "dgp", "dataset", "imbalance_ratio", "n", "n_test", "model", "source", "method", "gamma",
    "metric", "value_mean", "diff_mean", "diff_se", "diff_ci_low", "diff_ci_high",
    "naive_ci_low", "naive_ci_high", "splits", "n_failed",
]  # fmt: skip


def real_data_gains(
    replicates: pd.DataFrame, *, spec: Mapping, experiments: Mapping, catalogue: Mapping
) -> pd.DataFrame:
    """Per data set, method, gamma and metric of a real-data experiment: the mean paired
    difference from raw over the splits, its corrected resampled t interval (Nadeau and
    Bengio; :func:`augsim.splits.corrected_interval`) and the naive t interval beside it, at
    the test parts' own prevalence. Raw's rows (gamma 0) carry its mean value; data sets come
    in order of imbalance ratio. Every metric of the fits is kept, calibration included.
    """
    from augsim.splits import corrected_interval
    from augsim.tables import with_paired_difference

    experiment = experiment_of(spec, experiments)
    model, info = spec["model"], catalogue["dgps"]
    order = sorted(experiment["datasets"], key=lambda key: info[key]["imbalance_ratio"])
    gamma = replicates["gamma"].astype(float).round(_DIGITS)
    methods = compared_methods(experiment, catalogue)
    keep = (
        replicates["dgp"].isin(order)
        & (replicates["model"] == model)
        & (replicates["evaluation"] == TRAINING)
        & (
            ((replicates["method"] == RAW) & (gamma == 0.0))
            | (replicates["method"].isin(methods) & gamma.isin(_rounded(experiment["gammas"])))
        )
    )
    rows = replicates[keep].assign(gamma=gamma[keep])
    rows = rows[rows["source"] == rows["dgp"].map(lambda dgp: source_of(catalogue, dgp, model))]
    if rows.empty:
        raise ValueError(f"no replicate rows of model {model!r} on data sets {order}")
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
    table["method_order"] = table["method"].map({m: i for i, m in enumerate([RAW, *methods])})
    return (
        table.sort_values(["order", "method_order", "gamma", "metric"], kind="stable")
        .drop(columns=["order", "method_order"])
        .reset_index(drop=True)
    )

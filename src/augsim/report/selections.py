"""The rows of the aggregated tables a selection shows, shared by the tables, figures and claims.

A figure and the claim on the same part of the study name the same view, which the plan
resolves into one :class:`augsim.study.views.Selection`: its sources, training sizes, models,
methods, gammas and the metric source shown for each (source, model). Here those become rows:
the summary rows of a cell's gamma curve, the population (n -> infinity) curves, the peak gamma
and the parts of the decomposition. Methods are found by role, never by config key.

Every selection is at the training (deployment) prevalence and raises ``ValueError`` when it
comes out empty: a figure or claim of nothing is a config error, not a result.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from augsim.metrics.registry import RANKING
from augsim.sources.kinds import POPULATION
from augsim.study.methods import DESCRIPTIONS, RAW, Role, with_role
from augsim.study.views import Selection

log = logging.getLogger(__name__)

TRAINING = "training"
# gammas are compared after rounding: the tables store them as written floats
_GAMMA_DIGITS = 10


def rounded(gammas) -> np.ndarray | pd.Series | float:
    """Gammas (a number, an array or a column) rounded as every table comparison rounds them."""
    if isinstance(gammas, pd.Series):
        return gammas.astype(float).round(_GAMMA_DIGITS)
    if np.ndim(gammas) == 0:
        return round(float(gammas), _GAMMA_DIGITS)
    return np.round(np.asarray(gammas, dtype=float), _GAMMA_DIGITS)


def cells(
    summary: pd.DataFrame,
    *,
    dgps: Sequence[str],
    model: str,
    ns: Sequence[int],
    methods: Sequence[str],
    gammas: Sequence[float],
    source: str,
    metrics: Sequence[str] = RANKING,
) -> pd.DataFrame:
    """Summary rows of these cells from metric ``source``; raw is taken at gamma 0.

    A cell's gammas are merged over every experiment that fits it, so rows are restricted to the
    gammas asked for (rounded, in the ``gamma`` column of the result).
    """
    gamma = rounded(summary["gamma"])
    keep = (
        summary["dgp"].isin(dgps)
        & (summary["model"] == model)
        & (summary["evaluation"] == TRAINING)
        & (summary["source"] == source)
        & summary["metric"].isin(metrics)
        & summary["n"].isin(ns)
        & (
            ((summary["method"] == RAW) & (gamma == 0.0))
            | (summary["method"].isin(methods) & gamma.isin(rounded(gammas)))
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


def view_cells(
    summary: pd.DataFrame,
    selection: Selection,
    *,
    source: str | None = None,
    model: str | None = None,
    gammas: Sequence[float] | None = None,
    metrics: Sequence[str] = RANKING,
) -> pd.DataFrame:
    """The summary rows of one (source, model) of a selection (its only ones when None) at its
    shown size, over its methods and gammas (or only ``gammas``), for ``metrics``."""
    source = selection.only("sources") if source is None else source
    model = selection.only("models") if model is None else model
    return cells(
        summary,
        dgps=[source],
        model=model,
        ns=[selection.size(source)],
        methods=selection.methods,
        gammas=selection.gammas if gammas is None else gammas,
        source=selection.metric_source(source, model),
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
    return curves.assign(gamma=rounded(curves["gamma"]))


def model_gamma_curves(
    population: pd.DataFrame, selection: Selection, *, dgp: str, model: str
) -> pd.DataFrame:
    """The gamma curves that are the n -> infinity limits of ``model``'s fits: those of the
    population table where the model shows population metrics, none otherwise (the table's
    curves are the linear logistic projection's, which another model does not tend to)."""
    curves = gamma_curves(population, dgp=dgp, n=selection.size(dgp))
    return curves if selection.metric_source(dgp, model) == POPULATION else curves.iloc[0:0]


def population_differences(
    population: pd.DataFrame, selection: Selection, *, dgp: str, model: str
) -> pd.DataFrame:
    """Population value at each of the selection's gammas minus the raw value, per method and
    metric."""
    curves = model_gamma_curves(population, selection, dgp=dgp, model=model)
    raw = curves[(curves["method"] == RAW) & (curves["gamma"] == 0.0)]
    raw = raw.groupby("metric")["value"].first()
    if raw.empty:
        n = selection.size(dgp)
        log.warning("no population raw curve for %s n=%d: no population overlay", dgp, n)
        return curves.iloc[0:0].assign(difference=[])
    curves = curves[curves["gamma"].isin(rounded(selection.gammas))]
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


def decomposition_methods(selection: Selection, catalogue: Mapping) -> dict[str, object]:
    """The decomposition's methods found by role: the truth sampler, the weighting-only method
    and the generators whose gain is split (every other generator, or the truth sampler alone).

    With several truth samplers the first in the experiment's order is the reference.
    """
    methods = list(selection.methods)
    truth = first_with_role(catalogue, Role.TRUTH, methods)
    weighting = first_with_role(catalogue, Role.WEIGHTING, methods)
    others = [m for m in methods if m not in (truth, weighting, RAW)]
    return {"truth": truth, "weighting": weighting, "generators": others or [truth]}


def decomposition_parts(
    summary: pd.DataFrame, *, selection: Selection, catalogue: Mapping
) -> pd.DataFrame:
    """The parts of each generator's gain over raw, per (generator, gamma, metric), on the
    selection's one source and model.

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
    found = decomposition_methods(selection, catalogue)
    truth, weighting = found["truth"], found["weighting"]
    rows = view_cells(summary, selection)
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


def degrees(sources: Sequence[str], catalogue: Mapping, degree: str) -> dict[str, float]:
    """The misspecification degree of each DGP (its parameter ``degree``), in the given order."""
    values = {}
    for key in sources:
        value = catalogue["sources"].get(key, {}).get("params", {}).get(degree)
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ValueError(f"DGP {key!r} has no numeric parameter {degree!r}")
        values[key] = float(value)
    if len(set(values.values())) < len(values):
        raise ValueError(f"DGPs share a {degree!r} value: {values}")
    return values


def roles(catalogue: Mapping) -> dict[str, str]:
    """The role of every method of the catalogue."""
    return {method: info["role"] for method, info in catalogue["methods"].items()}


def methods_with_role(catalogue: Mapping, role: Role, methods: Sequence[str]) -> list[str]:
    """The methods among ``methods`` whose role is ``role``, in order."""
    return with_role(roles(catalogue), role, methods)


def first_with_role(catalogue: Mapping, role: Role, methods: Sequence[str]) -> str:
    """The first method of ``role`` among ``methods``; ``ValueError`` naming the role if none."""
    found = methods_with_role(catalogue, role, methods)
    if not found:
        raise ValueError(
            f"no method with role {role.value!r} ({DESCRIPTIONS[role]}) among {list(methods)}"
        )
    return found[0]


def replicate_values(
    replicates: pd.DataFrame, *, dgp: str, n: int, model: str, gamma: float, source: str
) -> pd.DataFrame:
    """Values (replicate x (metric, method)) at ``gamma``, raw at 0; failed fits are NaN."""
    rows = replicates[
        (replicates["dgp"] == dgp)
        & (replicates["n"] == n)
        & (replicates["model"] == model)
        & (replicates["evaluation"] == TRAINING)
        & (replicates["source"] == source)
        & replicates["metric"].isin(RANKING)
    ]
    at = rounded(rows["gamma"])
    rows = rows[((rows["method"] == RAW) & (at == 0.0)) | (at == rounded(gamma))]
    if rows.empty:
        raise ValueError(f"no {source} replicate rows for {dgp}, n {n}, model {model!r}")
    return rows.pivot_table(
        index="replicate", columns=["metric", "method"], values="value", dropna=False
    )

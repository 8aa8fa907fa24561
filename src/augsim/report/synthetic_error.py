"""The paper's bound made visible: each generator's discrepancy part against its synthetic
distributional error.

The improvement bounds charge a generator's discrepancy part with the distance of the augmented
minority from the truth, which is the synthetic share ``s = m / (n1 + m)`` times the
generator's own distance (:mod:`augsim.metrics.distance`): its *exposure* ``s * MMD``. The
dose-response generators (the truth with a discrepancy set by design: role ``biased``) trace
how the discrepancy part grows with the exposure; a line through the origin fitted to their
exact population points, and the band between the least and the most steep of them, say
where the other generators' discrepancies should lie.

:func:`synthetic_error` builds the table the figure and the claim read: one row per (DGP,
gamma, metric, generator) of the view, at its one model and the shown size of each DGP.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from augsim.report.selections import (
    decomposition_methods,
    gamma_curves,
    replicate_values,
    rounded,
)
from augsim.report.tables import discrepancy_rows
from augsim.study.design import synthetic_share
from augsim.study.methods import Role
from augsim.study.views import Selection

COLUMNS = [
    "dgp", "n", "model", "source", "gamma", "metric", "generator", "family", "dose_response",
    "share", "distance", "distance_low", "distance_high", "population_distance", "exposure",
    "exposure_low", "exposure_high", "population_exposure", "discrepancy", "discrepancy_low",
    "discrepancy_high", "discrepancy_se", "magnitude_low", "magnitude_high", "population",
    "weighting", "weighting_low", "weighting_high", "weighting_se", "n_pairs", "slope",
    "slope_low", "slope_high", "band_low", "band_high", "within_band",
]  # fmt: skip


def synthetic_error(
    replicates: pd.DataFrame,
    population: pd.DataFrame,
    distances: pd.DataFrame,
    *,
    selection: Selection,
    catalogue: Mapping,
) -> pd.DataFrame:
    """One row per (DGP, gamma > 0, metric, generator other than the truth sampler) of the
    view, paired over replicates at its one model:

    - ``share``: the synthetic share at gamma; ``distance`` (95% interval) the generator's MMD
      to the truth, ``exposure`` = share x distance; ``population_distance`` and
      ``population_exposure`` the same for its closed-form population limit (else NaN);
    - ``discrepancy`` (95% interval, standard error): generator minus the truth sampler,
      ``magnitude_low`` and ``magnitude_high`` the range of its absolute value over the
      interval; ``population`` its n -> infinity value where exact; ``weighting`` (95%
      interval, standard error): weighting-only minus raw; ``n_pairs`` the replicates where
      both fits succeeded;
    - ``slope``: per (DGP, metric), the least-squares line through the origin of the
      dose-response generators' exact |discrepancy| on their exact exposure; ``slope_low`` and
      ``slope_high`` the least and the most steep of those points, and ``band_low`` and
      ``band_high`` those slopes times the row's exposure; ``within_band``: whether the
      |discrepancy| interval meets the band (NaN without one).
    """
    found = decomposition_methods(selection, catalogue)
    model = selection.only("models")
    frames = []
    for dgp in selection.sources:
        n, source = selection.size(dgp), selection.metric_source(dgp, model)
        measured = distances[(distances["dgp"] == dgp) & (distances["n"] == n)]
        measured = measured.set_index("generator")
        curves = gamma_curves(population, dgp=dgp, n=n)
        for gamma in selection.gammas:
            if gamma == 0.0:
                continue
            wide = replicate_values(
                replicates, dgp=dgp, n=n, model=model, gamma=gamma, source=source
            )
            at = curves[curves["gamma"] == rounded(gamma)]
            limit = at.pivot_table(index="metric", columns="method", values="value")
            where = {"dgp": dgp, "n": n, "model": model, "source": source, "gamma": gamma}
            for generator in found["generators"]:
                if generator == found["truth"] or generator not in measured.index:
                    continue
                parts = discrepancy_rows(
                    wide, limit, generator, found["truth"], found["weighting"], found["truth"]
                )
                frames.append(
                    parts.assign(generator=generator, **where, **_exposure(measured, generator,
                                                                           gamma))
                )  # fmt: skip
    if not frames:
        raise ValueError(f"synthetic_error: view {selection.view!r} has no measured generator")
    table = pd.concat(frames, ignore_index=True)
    info = catalogue["methods"]
    table["family"] = table["generator"].map(lambda g: info[g].get("family", g))
    table["dose_response"] = table["generator"].map(lambda g: info[g]["role"] == Role.BIASED)
    table = _with_band(table)
    return table.sort_values(["dgp", "metric", "gamma", "exposure"], kind="stable")[
        COLUMNS
    ].reset_index(drop=True)


def _exposure(measured: pd.DataFrame, generator: str, gamma: float) -> dict:
    row = measured.loc[generator]
    share = synthetic_share(gamma, int(row["n0"]), int(row["n1"]))
    values = {"share": share}
    for column in ("distance", "distance_low", "distance_high", "population_distance"):
        values[column] = float(row[column])
        values[column.replace("distance", "exposure")] = share * float(row[column])
    return values


def _with_band(table: pd.DataFrame) -> pd.DataFrame:
    """The dose-response fit and band per (DGP, metric), and each row's place against it."""
    frames = []
    for _, group in table.groupby(["dgp", "metric"], sort=False):
        dose = group[group["dose_response"] & group["population"].notna()]
        dose = dose[dose["population_exposure"] > 0]
        x, y = dose["population_exposure"], dose["population"].abs()
        slope = float((x * y).sum() / (x**2).sum()) if len(dose) else np.nan
        steepness = y / x
        frames.append(
            group.assign(slope=slope, slope_low=steepness.min(), slope_high=steepness.max())
        )
    table = pd.concat(frames)
    table["band_low"] = table["slope_low"] * table["exposure"]
    table["band_high"] = table["slope_high"] * table["exposure"]
    straddles = (table["discrepancy_low"] <= 0) & (table["discrepancy_high"] >= 0)
    ends = table[["discrepancy_low", "discrepancy_high"]].abs()
    table["magnitude_low"] = ends.min(axis=1).where(~straddles, 0.0)
    table["magnitude_high"] = ends.max(axis=1)
    within = (table["magnitude_low"] <= table["band_high"]) & (
        table["magnitude_high"] >= table["band_low"]
    )
    table["within_band"] = within.astype(object).where(table["band_high"].notna(), np.nan)
    return table


DISTANCE_COLUMNS = [
    "dgp", "n", "n1", "generator", "replicates", "n_failed", "distance", "distance_low",
    "distance_high", "population_distance", "baseline_distance", "mmd2", "mmd2_se",
    "baseline_mmd2", "baseline_mmd2_se", "width2",
]  # fmt: skip


def mmd_table(measured: pd.DataFrame, *, selection: Selection, catalogue: Mapping) -> pd.DataFrame:
    """Each generator's MMD to the reference (the truth; a data set's test parts' minority
    rows), beside the training minority's own (the baseline), on the view's sources at the
    shown size, generators in the view's order."""
    order = {method: i for i, method in enumerate(selection.methods)}
    frames = []
    for source in selection.sources:
        rows = measured[
            (measured["dgp"] == source)
            & (measured["n"] == selection.size(source))
            & measured["generator"].isin(order)
        ]
        frames.append(rows.sort_values("generator", key=lambda g: g.map(order)))
    table = pd.concat(frames, ignore_index=True)
    if table.empty:
        raise ValueError(f"mmd table: view {selection.view!r} has no measured generator")
    return table[DISTANCE_COLUMNS]

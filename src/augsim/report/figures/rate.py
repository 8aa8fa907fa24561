"""The figures of regret against the training size n on log-log axes, with the fitted slopes:
raw and each method at gamma 1 (the minimax-rate figure), and raw's regret for each model (does
a flexible model reach the rate of the well-specified fit?)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from augsim.metrics.registry import RANKING, label
from augsim.report import selections
from augsim.report.figures.style import (
    MethodStyle,
    dgp_label,
    failed_fits,
    failure_note,
    figure,
    key_colours,
    mark_failures,
    sources_label,
    suptitle,
)
from augsim.statistics import loglog_slope
from augsim.study.methods import RAW
from augsim.study.views import Selection

log = logging.getLogger(__name__)


def plot_rate(
    summary: pd.DataFrame, *, selection: Selection, options: Mapping, catalogue: Mapping
) -> Figure:
    """Figure 3: log-log regret against n, raw and each method at gamma 1, fitted slopes.

    One panel per (DGP, metric): rows are the selection's DGPs, on its one model at every
    training size. The legend gives the least-squares slope of log regret on log n per line
    (:func:`augsim.statistics.loglog_slope`); a dotted grey line of slope -1 is the 1/n
    reference of the minimax rate.
    """
    model, dgp_keys = selection.only("models"), list(selection.sources)
    methods = [RAW, *selection.methods]
    if not np.isclose(selection.gammas, 1.0).any():
        raise ValueError(f"rate figure: view {selection.view!r} has no gamma 1")
    style = MethodStyle(catalogue)
    # one DGP: a 2 x 2 grid of metrics; several: one row of four metrics per DGP
    ncols = 2 if len(dgp_keys) == 1 else len(RANKING)
    fig, axes = figure(len(dgp_keys) * len(RANKING) // ncols, ncols, panel=(4.2, 3.2))
    panels = iter(axes.flat)
    sources = []
    for dgp in dgp_keys:
        sources.append(selection.metric_source(dgp, model))
        by_dgp = selections.cells(
            summary, dgps=[dgp], model=model, ns=selection.ns, methods=methods,
            gammas=[1.0], source=sources[-1],
        )  # fmt: skip
        series = [(m, style.label(m), style.colour(m), style.marker(m)) for m in methods]
        by_dgp = by_dgp.assign(series=by_dgp["method"])
        for metric in RANKING:
            ax = next(panels)
            rows = by_dgp[by_dgp["metric"] == metric]
            _draw_rate_panel(ax, rows, series, f"{dgp}/{metric}")
            where = f" — {dgp}" if len(dgp_keys) > 1 else ""
            ax.set_title(label(metric) + where)
    ns = ", ".join(map(str, sorted(selection.ns)))
    named = "; ".join(dgp_label(dgp, catalogue) for dgp in dgp_keys)
    suptitle(
        fig,
        f"Regret rate — {named}, model {model}, n = {ns}",
        f"mean regret (Bayes - value), raw and methods at $\\gamma$ = 1; "
        f"{sources_label(sources)}, training prevalence",
    )
    return fig


def plot_flexible_rate(
    summary: pd.DataFrame, *, selection: Selection, options: Mapping, catalogue: Mapping
) -> Figure:
    """Figure 9: log-log regret of raw against n for each model of the selection: does a
    flexible model reach the rate of the well-specified logistic fit? Slopes in the legends,
    the dotted grey line of slope -1 the 1/n reference."""
    dgp_keys, models = list(selection.sources), list(selection.models)
    fig, axes = figure(len(dgp_keys), len(RANKING), panel=(4.2, 3.2))
    colours = key_colours(models)
    series = [(m, catalogue["models"][m]["label"], colours[m], "o") for m in models]
    for i, dgp in enumerate(dgp_keys):
        frames = [
            selections.cells(
                summary, dgps=[dgp], model=model, ns=selection.ns, methods=[], gammas=[],
                source=selection.metric_source(dgp, model),
            ).assign(series=model)
            for model in models
        ]  # fmt: skip
        rows = pd.concat(frames)
        for j, metric in enumerate(RANKING):
            _draw_rate_panel(axes[i, j], rows[rows["metric"] == metric], series, f"{dgp}/{metric}")
            axes[i, j].set_title(f"{label(metric)} — {dgp}")
    ns = ", ".join(map(str, sorted(selection.ns)))
    suptitle(
        fig,
        f"Regret rate of the unaugmented fit by model — n = {ns}",
        "mean regret (Bayes - value) of raw; exact population metric for the linear model, "
        "test-set metric for the others; training prevalence",
    )
    return fig


def _draw_rate_panel(ax: Axes, rows: pd.DataFrame, series: Sequence[tuple], where: str) -> None:
    """Regret against n on log-log axes, one line per ``(key, label, colour, marker)`` of
    ``series`` (the rows of key ``k`` have ``series == k``), slopes in the legend."""
    positive = rows.loc[rows["regret_mean"] > 0, "regret_mean"]
    for key, name, colour, marker in series:
        line = rows[rows["series"] == key].sort_values("n")
        if line.empty:
            continue
        fit = loglog_slope(line["n"], line["regret_mean"])
        dropped = len(line) - fit.points
        if dropped:
            log.warning("%s %s: %d non-positive regrets left out of the fit", where, key, dropped)
        keep = line["regret_mean"] > 0
        fitted = f"{fit.slope:.2f}" if np.isfinite(fit.slope) else "n/a"
        text = f"{name}: slope {fitted}"
        text += f" ({dropped} dropped: regret ≤ 0)" if dropped else ""
        text += failure_note(failed_fits(line, by=["n"]))
        ax.plot(
            line["n"][keep],
            line["regret_mean"][keep],
            color=colour,
            marker=marker,
            ms=4.5,
            label=text,
        )
        mark_failures(ax, line["n"][keep], line["regret_mean"][keep], line["n_failed"][keep])
    ns = np.sort(rows["n"].unique()).astype(float)
    if len(positive) and ns.size > 1:
        anchor = float(np.exp(np.log(positive).mean()))
        mid = float(np.exp(np.log(ns).mean()))
        ax.plot(ns, anchor * mid / ns, color="0.6", ls=":", lw=1, label="slope -1 reference")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(ns, labels=[f"{v:g}" for v in ns])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("training size n")
    ax.set_ylabel("regret (Bayes - value)")
    ax.legend(loc="best", fontsize=7)

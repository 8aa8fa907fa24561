"""The population figure: the metric of the restricted-class projection against the minority
weight, the n -> infinity picture of what augmentation can change."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from augsim.metrics.registry import RANKING, label
from augsim.report import selections
from augsim.report.figures.style import dgp_label, figure, key_colours, suptitle

log = logging.getLogger(__name__)


def plot_population(
    population: pd.DataFrame, *, selection: None, options: Mapping, catalogue: Mapping
) -> Figure:
    """Figure 6: metric of the restricted-class projection theta*(w) against the weight w.

    One panel per metric, one line per DGP with ``weight_curve`` rows, its Bayes value as a
    dashed line of the same colour. Grey verticals mark the raw fit's weight (w = training
    prevalence) and full balance (w = 0.5, gamma = 1). The figure has no view (``selection``
    is None) and no options.
    """
    rows = selections.weight_curves(population)
    if rows.empty:
        raise ValueError("population figure: no weight_curve rows at the training prevalence")
    dgp_keys = list(dict.fromkeys(rows["dgp"]))
    colours = key_colours(dgp_keys)
    prevalence = float(rows["prevalence"].iloc[0])
    fig, axes = figure(2, 2, panel=(4.0, 3.0), sharey=False)
    for ax, metric in zip(axes.flat, RANKING, strict=True):
        for dgp in dgp_keys:
            curve = rows[(rows["dgp"] == dgp) & (rows["metric"] == metric)].sort_values("weight")
            if curve.empty:
                continue
            colour = colours[dgp]
            ax.plot(curve["weight"], curve["value"], color=colour, marker="o", ms=3, label=dgp)
            ax.axhline(curve["bayes"].iloc[0], color=colour, ls="--", lw=1)
        for w in (prevalence, 0.5):
            ax.axvline(w, color="0.6", lw=0.8, ls=":")
        ax.set_title(label(metric))
        ax.set_xlabel("minority weight w")
        ax.set_ylabel(f"{label(metric)} of θ*(w)")
    handles = [Line2D([], [], color=colours[d], marker="o", ms=3) for d in dgp_keys]
    labels = [dgp_label(dgp, catalogue) for dgp in dgp_keys]
    handles += [Line2D([], [], color="0.3", ls="--", lw=1), Line2D([], [], color="0.6", ls=":")]
    labels += ["Bayes value (same colour)", "w = π (raw fit) and w = 0.5 ($\\gamma$ = 1)"]
    fig.legend(handles, labels, loc="outside lower center", ncols=2)
    suptitle(
        fig,
        "Population curves: the restricted-class projection θ*(w) against the minority weight w",
        f"exact metrics at the training prevalence π = {prevalence:.3g}",
    )
    log.info("population figure: DGPs %s, %d weights", dgp_keys, rows["weight"].nunique())
    return fig

"""The oversamplers figure: each generator's discrepancy part (generator minus truth sampler) at
one gamma, beside the weighting part, from the discrepancies table."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from augsim.metrics.registry import RANKING, label
from augsim.report.figures.style import MethodStyle, dgp_label, figure, source_label, suptitle
from augsim.study.methods import REWEIGHT


def plot_discrepancies(
    table: pd.DataFrame, *, selection: None, options: Mapping, catalogue: Mapping
) -> Figure:
    """Figure 7: each generator's discrepancy part at one gamma, per metric (rows) and DGP.

    ``table`` is :func:`augsim.report.tables.discrepancies`. In each panel the generators are
    ordered by their discrepancy (generator minus truth sampler) with its 95% interval; a hollow
    diamond marks the exact population discrepancy where the generator has a closed-form limit;
    the grey line is the weighting part (reweight minus raw) with its band, the black line zero
    (the truth sampler). Generators with failed replicates get a cross and their count.
    """
    if table.empty:
        raise ValueError("discrepancies figure: the table is empty")
    style = MethodStyle(catalogue)
    dgp_keys = list(dict.fromkeys(table["dgp"]))
    generators = table["generator"].nunique()
    fig, axes = figure(len(RANKING), len(dgp_keys), panel=(5.2, 0.9 + 0.3 * generators))
    for j, dgp in enumerate(dgp_keys):
        for i, metric in enumerate(RANKING):
            rows = table[(table["dgp"] == dgp) & (table["metric"] == metric)]
            _draw_discrepancy_panel(axes[i, j], rows.sort_values("discrepancy"), style)
            axes[i, j].set_title(f"{label(metric)} — {dgp_label(dgp, catalogue)}")
            if i == len(RANKING) - 1:
                axes[i, j].set_xlabel("difference (generator - truth sampler)")
    handles = [
        Line2D([], [], color="0.2", marker="o", ls="-", lw=1.2),
        Line2D([], [], color="0.2", marker="D", mfc="none", ls="none"),
        Line2D([], [], color=style.colour(REWEIGHT), ls="--"),
        Line2D([], [], color="black", marker="x", ls="none"),
    ]
    labels = [
        "discrepancy part, 95% interval",
        "exact population discrepancy (closed-form limits only)",
        "weighting part: reweight - raw (band: 95%)",
        "failed replicates (count after the name)",
    ]
    fig.legend(handles, labels, loc="outside lower center", ncols=2)
    first = table.iloc[0]
    source = source_label(first["source"])
    suptitle(
        fig,
        f"Discrepancy part at $\\gamma$ = {first['gamma']:g}: generator - truth sampler",
        f"n = {first['n']}, model {first['model']}, {int(table['n_pairs'].max())} replicates, "
        f"paired; {source}, training prevalence",
    )
    return fig


def _draw_discrepancy_panel(ax: Axes, rows: pd.DataFrame, style: MethodStyle) -> None:
    y = np.arange(len(rows))
    first = rows.iloc[0]
    ax.axvspan(first["weighting_low"], first["weighting_high"], color=style.colour(REWEIGHT),
               alpha=0.15, lw=0)  # fmt: skip
    ax.axvline(first["weighting"], color=style.colour(REWEIGHT), ls="--", lw=1)
    ax.axvline(0.0, color="black", lw=0.8)
    for k, row in enumerate(rows.itertuples()):
        colour = style.colour(row.generator)
        ax.errorbar(
            row.discrepancy, k, xerr=[[row.discrepancy - row.discrepancy_low],
                                      [row.discrepancy_high - row.discrepancy]],
            color=colour, marker=style.marker(row.generator), ms=5, lw=1.2, capsize=2,
        )  # fmt: skip
        if np.isfinite(row.population):
            ax.plot(row.population, k, marker="D", mfc="none", mec=colour, ms=6, ls="none")
        if row.n_failed:
            ax.plot(row.discrepancy, k, marker="x", color="black", ms=7, mew=1.5, zorder=5)
    labels = [
        style.label(g) + (f" ({f} failed)" if f else "")
        for g, f in zip(rows["generator"], rows["n_failed"], strict=True)
    ]
    ax.set_yticks(y, labels=labels)
    ax.set_ylim(-0.6, len(rows) - 0.4)

"""The synthetic-error figure: each generator's discrepancy part against its exposure, the
synthetic share times its distance to the truth, with the dose-response fit through the origin
(:mod:`augsim.report.synthetic_error`)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from augsim.metrics.registry import RANKING, label
from augsim.report.figures.style import MethodStyle, dgp_label, figure, source_label, suptitle


def plot_synthetic_error(
    table: pd.DataFrame, *, selection: None, options: Mapping, catalogue: Mapping
) -> Figure:
    """Per metric (rows) and DGP: |discrepancy part| (generator minus truth sampler, 95%
    interval) against share x MMD (95% interval), one point per generator and gamma, in the
    generator's style; hollow markers are the exact population points where the generator's
    limit has a closed form; the line is the dose-response fit through the origin and the band
    the range of the dose-response generators' slopes."""
    if table.empty:
        raise ValueError("synthetic-error figure: the table is empty")
    style = MethodStyle(catalogue)
    dgp_keys = list(dict.fromkeys(table["dgp"]))
    fig, axes = figure(len(RANKING), len(dgp_keys), panel=(5.4, 3.2))
    for j, dgp in enumerate(dgp_keys):
        for i, metric in enumerate(RANKING):
            rows = table[(table["dgp"] == dgp) & (table["metric"] == metric)]
            _draw_panel(axes[i, j], rows, style)
            axes[i, j].set_title(f"{label(metric)} — {dgp_label(dgp, catalogue)}")
            if i == len(RANKING) - 1:
                axes[i, j].set_xlabel("share x MMD to the truth")
            if j == 0:
                axes[i, j].set_ylabel("|discrepancy part|")
    generators = list(dict.fromkeys(table.sort_values("exposure")["generator"]))
    handles = [
        Line2D([], [], color=style.colour(g), marker=style.marker(g), ls="none") for g in generators
    ]
    labels = [style.label(g) for g in generators]
    handles += [
        Line2D([], [], color="0.3", marker="o", mfc="none", ls="none"),
        Line2D([], [], color="black", lw=1),
        Patch(color="0.5", alpha=0.2, lw=0),
    ]
    labels += ["exact population point", "dose-response fit", "dose-response band"]
    fig.legend(handles, labels, loc="outside lower center", ncols=4)
    first = table.iloc[0]
    suptitle(
        fig,
        "Discrepancy part against the synthetic distributional error",
        f"n = {first['n']}, model {first['model']}, gammas "
        f"{', '.join(f'{g:g}' for g in sorted(table['gamma'].unique()))}; "
        f"{source_label(first['source'])}, training prevalence",
    )
    return fig


def _draw_panel(ax: Axes, rows: pd.DataFrame, style: MethodStyle) -> None:
    top = float(np.nanmax([rows["exposure_high"].max(), rows["population_exposure"].max()]))
    x = np.linspace(0.0, top * 1.05, 50)
    first = rows.iloc[0]
    if np.isfinite(first["slope"]):
        ax.fill_between(x, first["slope_low"] * x, first["slope_high"] * x, color="0.5",
                        alpha=0.2, lw=0)  # fmt: skip
        ax.plot(x, first["slope"] * x, color="black", lw=1)
    for row in rows.itertuples():
        colour, marker = style.colour(row.generator), style.marker(row.generator)
        least, most, y = row.magnitude_low, row.magnitude_high, abs(row.discrepancy)
        ax.errorbar(
            row.exposure, y,
            xerr=[[row.exposure - row.exposure_low], [row.exposure_high - row.exposure]],
            yerr=[[max(y - least, 0.0)], [max(most - y, 0.0)]],
            color=colour, marker=marker, ms=4, lw=0.8, capsize=1.5, alpha=0.8,
        )  # fmt: skip
        if np.isfinite(row.population) and np.isfinite(row.population_exposure):
            ax.plot(row.population_exposure, abs(row.population), marker=marker, mfc="none",
                    mec=colour, ms=6, ls="none")  # fmt: skip
    ax.set_xlim(left=0.0)
    ax.set_ylim(bottom=0.0)

"""The figures of the gain over raw against gamma on one (DGP, model) cell or a sweep of DGPs:
the well-specified and misspecified gamma curves, the decomposition of the gain into its parts
and the heatmaps of the gain against gamma and the degree of misspecification."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from augsim.metrics.registry import RANKING, label
from augsim.report import selections
from augsim.report.figures.style import (
    DIFF_LABEL,
    GAMMA_LABEL,
    PART_COLOURS,
    PART_LABELS,
    PART_STYLES,
    MethodStyle,
    dgp_label,
    draw_band_line,
    failed_fits,
    failure_note,
    figure,
    gamma_ticks,
    mark_failures,
    method_legend,
    source_label,
    sources_label,
    suptitle,
)
from augsim.study.methods import RAW, REWEIGHT
from augsim.study.views import Selection

log = logging.getLogger(__name__)


def plot_well_specified(
    summary: pd.DataFrame,
    population: pd.DataFrame,
    *,
    selection: Selection,
    options: Mapping,
    catalogue: Mapping,
) -> Figure:
    """Figure 1: paired differences from raw against gamma, well-specified model.

    One panel per metric, one line per method of the selection with its 95% band, and the
    population (n -> infinity) difference as a thin dashed line of the same colour where the
    model has exact population metrics.
    """
    return _plot_gamma_figure(
        summary, population, selection, catalogue, title="Well-specified score model"
    )


def plot_misspecified(
    summary: pd.DataFrame,
    population: pd.DataFrame,
    *,
    selection: Selection,
    options: Mapping,
    catalogue: Mapping,
) -> Figure:
    """Figure 2: the same as :func:`plot_well_specified` for a misspecified model."""
    return _plot_gamma_figure(
        summary, population, selection, catalogue, title="Misspecified score model"
    )


def _plot_gamma_figure(
    summary: pd.DataFrame,
    population: pd.DataFrame,
    selection: Selection,
    catalogue: Mapping,
    *,
    title: str,
) -> Figure:
    """Figures 1 and 2: one panel per metric, difference from raw against gamma."""
    dgp, model = selection.only("sources"), selection.only("models")
    rows = selections.view_cells(summary, selection)
    source = rows["source"].iloc[0]
    curves = selections.population_differences(population, selection, dgp=dgp, model=model)
    curves = curves if len(curves) else None
    methods = [m for m in selection.methods if m in set(rows["method"])]
    style = MethodStyle(catalogue)
    fig, axes = figure(2, 2, panel=(5.0, 3.4), sharex=True)
    for ax, metric in zip(axes.flat, RANKING, strict=True):
        ax.axhline(0.0, color=style.colour(RAW), lw=0.8, zorder=1)
        for method in methods:
            cell = rows[(rows["metric"] == metric) & (rows["method"] == method)]
            colour, marker = style.colour(method), style.marker(method)
            draw_band_line(ax, cell.sort_values("gamma"), colour, marker)
            if curves is not None:
                curve = curves[(curves["metric"] == metric) & (curves["method"] == method)]
                curve = curve.sort_values("gamma")
                ax.plot(
                    curve["gamma"], curve["difference"], color=style.colour(method), ls="--", lw=0.9
                )
        ax.set_title(label(metric))
        ax.set_ylabel(DIFF_LABEL)
    for ax in axes[-1]:
        ax.set_xlabel(GAMMA_LABEL)
        gamma_ticks(ax, selection.gammas)
    method_legend(fig, rows, methods, style, overlay=curves is not None)
    replicates = int(rows["n_ok"].max())
    suptitle(
        fig,
        f"{title} — {dgp_label(dgp, catalogue)}, n = {selection.size(dgp)}, model {model}",
        f"mean paired difference from raw over {replicates} replicates, 95% band; "
        f"{source_label(source)}, training prevalence",
    )
    log.info("%s: %d methods, population overlay %s", title, len(methods), curves is not None)
    return fig


def plot_decomposition(
    summary: pd.DataFrame, *, selection: Selection, options: Mapping, catalogue: Mapping
) -> Figure:
    """Figure 4: total gain = weighting part + discrepancy part + residual, against gamma.

    Rows are metrics and columns the generators of the selection (other than the truth
    sampler, the reference of the discrepancy part). See
    :func:`augsim.report.selections.decomposition_parts` for the definitions.
    """
    parts = selections.decomposition_parts(summary, selection=selection, catalogue=catalogue)
    style = MethodStyle(catalogue)
    generators = list(dict.fromkeys(parts["generator"]))
    fig, axes = figure(len(RANKING), len(generators), panel=(3.2, 2.5), sharex=True, sharey="row")
    for j, generator in enumerate(generators):
        failed = failed_fits(parts[parts["generator"] == generator], by=["gamma"])
        title = style.label(generator) + failure_note(failed)
        axes[0, j].set_title(title, color=style.colour(generator))
        for i, metric in enumerate(RANKING):
            ax = axes[i, j]
            cell = parts[(parts["generator"] == generator) & (parts["metric"] == metric)]
            _draw_parts(ax, cell.sort_values("gamma"))
            if j == 0:
                ax.set_ylabel(f"{label(metric)}\n{DIFF_LABEL}")
            if i == len(RANKING) - 1:
                ax.set_xlabel(GAMMA_LABEL)
                gamma_ticks(ax, selection.gammas)
    handles = [
        Line2D([], [], color=PART_COLOURS[p], ls=PART_STYLES[p], marker="o", ms=4)
        for p in PART_COLOURS
    ]
    found = selections.decomposition_methods(selection, catalogue)
    names = {
        "truth sampler": style.label(found["truth"]),
        REWEIGHT: style.label(found["weighting"]),
    }
    labels = [_named(text, names) for text in PART_LABELS.values()]
    fig.legend(handles, labels, loc="outside lower center", ncols=4)
    dgp, model = selection.only("sources"), selection.only("models")
    source = parts["source"].iloc[0]
    suptitle(
        fig,
        f"Decomposition of the gain over raw — {dgp_label(dgp, catalogue)}, "
        f"n = {selection.size(dgp)}, model {model}",
        f"mean differences (band: 95% interval of the total); {source_label(source)}, "
        "training prevalence",
    )
    return fig


def _named(text: str, names: Mapping[str, str]) -> str:
    """``text`` with the role words in ``names`` replaced by the methods' labels."""
    for role_word, method_label in names.items():
        text = text.replace(role_word, method_label)
    return text


def _draw_parts(ax: Axes, cell: pd.DataFrame) -> None:
    """The four parts of one generator's gain for one metric, the total with its band."""
    ax.axhline(0.0, color="0.5", lw=0.8)
    ax.fill_between(
        cell["gamma"],
        cell["total_low"],
        cell["total_high"],
        color=PART_COLOURS["total"],
        alpha=0.12,
        lw=0,
    )
    for part, colour in PART_COLOURS.items():
        ax.plot(
            cell["gamma"],
            cell[part],
            color=colour,
            ls=PART_STYLES[part],
            marker="o",
            ms=3.5,
            lw=1.8 if part == "total" else 1.3,
        )
    mark_failures(ax, cell["gamma"], cell["total"], cell["n_failed"])


def plot_misspecification_sweep(
    summary: pd.DataFrame, *, selection: Selection, options: Mapping, catalogue: Mapping
) -> Figure:
    """Figure 5: heatmaps of the gain over raw against gamma (x) and degree (y).

    The degree of DGP ``k`` is its parameter ``options["degree"]``. One panel per (method,
    metric); the colour scale is centred at 0 and shared by the panels of one metric. Cells
    marked ``*`` had failed fits.
    """
    degree, model = options["degree"], selection.only("models")
    degrees = selections.degrees(selection.sources, catalogue, degree)
    sources = [selection.metric_source(dgp, model) for dgp in degrees]
    frames = [selections.view_cells(summary, selection, source=dgp) for dgp in degrees]
    rows = pd.concat(frames).assign(degree=lambda t: t["dgp"].map(degrees))
    order = sorted(degrees.values(), reverse=True)  # largest degree on top
    gammas = sorted(selection.gammas)
    methods = [m for m in selection.methods if m in set(rows["method"])]
    style = MethodStyle(catalogue)
    fig, axes = figure(len(methods), len(RANKING), panel=(3.4, 1.0 + 0.45 * len(degrees)))
    for j, metric in enumerate(RANKING):
        by_metric = rows[rows["metric"] == metric]
        limit = float(np.nanmax(np.abs(by_metric["diff_mean"]))) or 1e-12
        for i, method in enumerate(methods):
            ax = axes[i, j]
            cells = by_metric[by_metric["method"] == method]
            _draw_heatmap(ax, cells, limit, degrees=order, gammas=gammas)
            if j == 0:
                ticks = {value: f"{value:g} ({key})" for key, value in degrees.items()}
                ax.set_yticklabels([ticks[d] for d in order], rotation=0)
                ax.set_ylabel(degree)
            else:
                ax.set_yticklabels([])
            ax.set_title(f"{style.label(method)} — {label(metric)}")
        bar = fig.colorbar(ax.collections[0], ax=list(axes[:, j]), location="bottom", shrink=0.9)
        bar.ax.xaxis.set_major_locator(MaxNLocator(nbins=2, symmetric=True))
        bar.set_label(f"{label(metric)}: {DIFF_LABEL}")
    failed = " Cells marked * had failed fits." if (rows["n_failed"] > 0).any() else ""
    ns = ", ".join(str(n) for n in dict.fromkeys(selection.size(dgp) for dgp in degrees))
    suptitle(
        fig,
        f"Gain over raw against $\\gamma$ and the degree of misspecification "
        f"({degree}) — n = {ns}, model {model}",
        f"mean difference from raw; {sources_label(sources)}, training prevalence.{failed}",
    )
    return fig


def _signed(value: float) -> str:
    """Three decimals with a sign; no "-0.000" for a difference that rounds to zero."""
    if np.isnan(value):
        return ""
    return "0.000" if abs(value) < 5e-4 else f"{value:+.3f}"


def _draw_heatmap(
    ax: Axes, cells: pd.DataFrame, limit: float, *, degrees: list[float], gammas: list[float]
) -> None:
    """diff_mean over (degree, gamma) in the given order, values written in the cells.

    Cells without a row stay blank; cells with failed fits get a ``*``.
    """
    grid = cells.pivot_table(index="degree", columns="gamma", values=["diff_mean", "n_failed"])
    means = grid["diff_mean"].reindex(index=degrees, columns=gammas)
    failed = grid["n_failed"].reindex(index=degrees, columns=gammas).fillna(0)
    text = means.map(_signed) + failed.map(lambda k: "*" if k > 0 else "")
    sns.heatmap(
        means,
        ax=ax,
        cmap="RdBu_r",
        vmin=-limit,
        vmax=limit,  # symmetric limits centre the colormap at 0 (seaborn's `center=` would
        # rebuild the colormap through a call matplotlib 3.11 deprecates)
        cbar=False,
        annot=text,
        fmt="",
        annot_kws={"fontsize": 8},
        linewidths=0.5,
    )
    ax.set_xticklabels([f"{g:g}" for g in gammas])
    ax.set_xlabel(GAMMA_LABEL)
    ax.set_ylabel("")

"""The real-data figures: the gain over raw on every data set, the simulation's gain beside the
real data sets', and calibration against gamma as fitted and after the prior-shift correction.

Whether a metric is better high or low, and whether it is shown as a difference from raw or as
its value, is read off the metric registry (:mod:`augsim.metrics.registry`): a metric with a
target value (direction 0, the calibration slope) is shown as its value, the others as a
difference from raw.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from augsim.metrics.registry import HEADLINE, METRICS, direction, label
from augsim.report import selections
from augsim.report.figures.style import (
    DIFF_LABEL,
    GAMMA_LABEL,
    MethodStyle,
    figure,
    source_label,
    suptitle,
)
from augsim.study.methods import RAW
from augsim.study.views import Selection

_BETTER = {1: "higher is better", -1: "lower is better", 0: "closest to its target is best"}
#: the calibration figure's metrics, each drawn as fitted and after the prior-shift correction
_CALIBRATION_METRICS = ("brier", "calibration_slope")
#: the best value of each metric with a target (direction 0), drawn as a reference line
_TARGETS = {"calibration_intercept": 0.0, "calibration_slope": 1.0}


def plot_real_data(
    table: pd.DataFrame, *, selection: None, options: Mapping, catalogue: Mapping
) -> Figure:
    """Figure 10: the paired gain over raw on real data sets. One panel per (gamma, metric):
    per data set (rows, by imbalance ratio), each method's mean gain over the splits with its
    corrected resampled 95% interval (Nadeau and Bengio). No population, so no regret.

    ``table`` is :func:`augsim.report.tables.real_data_gains`.
    """
    if table.empty:
        raise ValueError("real-data figure: the table is empty")
    style = MethodStyle(catalogue)
    table = _one_row_per_set_and_model(table, catalogue)
    gains = table[(table["method"] != RAW) & (table["gamma"] > 0)]
    keys = list(dict.fromkeys(table["dgp"]))
    methods = list(dict.fromkeys(gains["method"]))
    gammas = sorted(gains["gamma"].unique())
    height = 0.9 + 0.28 * len(keys)
    fig, axes = figure(len(gammas), len(HEADLINE), panel=(3.3, height), sharey=True)
    first = table.drop_duplicates("dgp").set_index("dgp")
    ticks = [f"{first.loc[k, 'dataset']} ({first.loc[k, 'imbalance_ratio']:.0f})" for k in keys]
    for i, gamma in enumerate(gammas):
        for j, metric in enumerate(HEADLINE):
            ax = axes[i, j]
            at = gains[(gains["gamma"] == gamma) & (gains["metric"] == metric)]
            _draw_data_set_gains(ax, at, keys, methods, style)
            ax.set_yticks(range(len(keys)), labels=ticks)
            ax.set_title(f"{label(metric)} — $\\gamma$ = {gamma:g}")
            ax.set_xlabel(f"{DIFF_LABEL} ({_BETTER[direction(metric)]})")
    axes[0, 0].invert_yaxis()  # shared: the lowest imbalance ratio on top in every panel
    handles = [Line2D([], [], color=style.colour(m), marker=style.marker(m), ms=4) for m in methods]
    fig.legend(
        handles,
        [style.label(m) for m in methods],
        loc="outside lower center",
        ncols=min(len(methods), 6),
    )
    splits = int(gains["splits"].max())
    models = ", ".join(dict.fromkeys(table["model"]))
    suptitle(
        fig,
        f"Real data sets: gain over raw — model {models}, {splits} splits",
        "mean paired difference over stratified train/test splits with the corrected "
        "resampled 95% interval (Nadeau and Bengio);\ntest-part metric at its own prevalence; "
        "data sets by imbalance ratio (in brackets); no Bayes reference, so no regret",
    )
    return fig


def _one_row_per_set_and_model(table: pd.DataFrame, catalogue: Mapping) -> pd.DataFrame:
    """The table with one row key per (data set, model): with several models, each data set's
    rows of one model are told apart by the model's label."""
    if table["model"].nunique() == 1:
        return table
    labels = table["model"].map(lambda m: catalogue["models"].get(m, {}).get("label", m))
    return table.assign(
        dgp=table["dgp"] + "/" + table["model"], dataset=table["dataset"] + " · " + labels
    )


def _draw_data_set_gains(
    ax: Axes, gains: pd.DataFrame, keys: Sequence[str], methods: Sequence[str], style: MethodStyle
) -> None:
    """One metric at one gamma: per data set (row ``keys``), each method's mean gain with its
    interval, the methods side by side within a row."""
    offsets = np.linspace(-0.3, 0.3, len(methods)) if len(methods) > 1 else np.zeros(1)
    ax.axvline(0.0, color="black", lw=0.8)
    for offset, method in zip(offsets, methods, strict=True):
        rows = gains[gains["method"] == method].set_index("dgp").reindex(keys)
        ax.errorbar(
            rows["diff_mean"],
            np.arange(len(keys)) + offset,
            xerr=[
                rows["diff_mean"] - rows["diff_ci_low"],
                rows["diff_ci_high"] - rows["diff_mean"],
            ],
            fmt=style.marker(method),
            ms=3,
            lw=0.8,
            color=style.colour(method),
        )


def plot_sim_vs_real(
    summary: pd.DataFrame,
    table: pd.DataFrame,
    *,
    selection: Selection,
    options: Mapping,
    catalogue: Mapping,
) -> Figure:
    """Figure 11: simulation and real data side by side. Per metric, each method's gain over raw
    at ``options["gamma"]``: in the selection's simulation cell (large marker, 95% interval) and
    on every real data set of ``table`` (:func:`augsim.report.tables.real_data_gains`; small
    markers, filled where the corrected interval excludes 0)."""
    style = MethodStyle(catalogue)
    gamma = float(options["gamma"])
    dgp, model = selection.only("sources"), selection.only("models")
    sim = selections.view_cells(summary, selection, gammas=[gamma], metrics=HEADLINE)
    sim = sim[sim["method"] != RAW]
    at = selections.rounded(table["gamma"]) == selections.rounded(gamma)
    real = table[(table["method"] != RAW) & at]
    methods = [m for m in dict.fromkeys(real["method"]) if m in set(sim["method"])]
    fig, axes = figure(1, len(HEADLINE), panel=(3.0, 3.4))
    for ax, metric in zip(axes[0], HEADLINE, strict=True):
        ax.axhline(0.0, color="black", lw=0.8)
        for x, method in enumerate(methods):
            colour = style.colour(method)
            cell = sim[(sim["method"] == method) & (sim["metric"] == metric)]
            if len(cell):
                _draw_simulation_gain(ax, x - 0.18, cell.iloc[0], colour)
            sets = real[(real["method"] == method) & (real["metric"] == metric)]
            _draw_data_set_points(ax, x + 0.18, sets, colour)
        ax.set_xticks(
            range(len(methods)), labels=[style.label(m) for m in methods], rotation=30, ha="right"
        )
        ax.set_title(label(metric))
        ax.set_ylabel(DIFF_LABEL)
    handles = [
        Line2D([], [], color="0.3", marker="D", ls="", ms=6),
        Line2D([], [], color="0.3", marker="o", ls="", ms=4),
        Line2D([], [], markeredgecolor="0.3", markerfacecolor="none", marker="o", ls="", ms=4),
    ]
    names = [
        f"simulation: DGP {dgp} (95% interval)",
        "real data set: corrected interval excludes 0",
        "real data set: it does not",
    ]
    fig.legend(handles, names, loc="outside lower center", ncols=3)
    suptitle(
        fig,
        f"Do the simulation's findings hold on real data? — $\\gamma$ = {gamma:g}",
        f"gain over raw at the deployment prevalence; simulation: {model}, "
        f"{source_label(selection.metric_source(dgp, model))}; "
        f"real data: {real['dgp'].nunique()} sets, test-part metric (Brier: lower is better)",
    )
    return fig


def _draw_simulation_gain(ax: Axes, x: float, row: pd.Series, colour) -> None:
    """The simulation's mean gain with its 95% interval, a large diamond."""
    ax.errorbar(
        x,
        row["diff_mean"],
        yerr=[[row["diff_mean"] - row["diff_ci_low"]], [row["diff_ci_high"] - row["diff_mean"]]],
        fmt="D",
        ms=6,
        color=colour,
        lw=1.2,
    )


def _draw_data_set_points(ax: Axes, x: float, sets: pd.DataFrame, colour) -> None:
    """Each data set's mean gain, jittered around ``x``: filled where the corrected interval
    excludes 0, hollow where it does not."""
    significant = (sets["diff_ci_low"] > 0) | (sets["diff_ci_high"] < 0)
    jitter = np.linspace(-0.08, 0.08, len(sets)) if len(sets) > 1 else np.zeros(len(sets))
    ax.scatter(
        x + jitter[~significant.to_numpy()],
        sets["diff_mean"][~significant],
        s=12,
        facecolors="none",
        edgecolors=colour,
        lw=0.8,
    )
    ax.scatter(
        x + jitter[significant.to_numpy()], sets["diff_mean"][significant], s=12, color=colour
    )


def plot_calibration(
    summary: pd.DataFrame,
    table: pd.DataFrame,
    *,
    selection: Selection,
    options: Mapping,
    catalogue: Mapping,
) -> Figure:
    """Figure 12: calibration against gamma, as fitted (solid) and with the intercept corrected
    for the synthetic share (the prior-shift correction, dashed). Top row: the selection's
    simulation cell; bottom row: the mean over the real data sets of ``table``. The Brier score
    as a difference from raw; the calibration slope as is (a shift of the intercept leaves it
    unchanged)."""
    style = MethodStyle(catalogue)
    dgp, model = selection.only("sources"), selection.only("models")
    names = [name for m in _CALIBRATION_METRICS for name in (m, METRICS[m].corrected)]
    sim = selections.view_cells(summary, selection, metrics=names)
    sim = sim.rename(columns={"mean": "value_mean"})
    real = table.groupby(["method", "gamma", "metric"], as_index=False, sort=False)[
        ["value_mean", "diff_mean"]
    ].mean()
    rows = {"simulation": sim, "real": real}
    fig, axes = figure(2, len(_CALIBRATION_METRICS), panel=(4.4, 3.0))
    for i, (part, frame) in enumerate(rows.items()):
        where = (
            f"DGP {dgp}, {model}"
            if part == "simulation"
            else f"mean over {table['dgp'].nunique()} real data sets"
        )
        for j, metric in enumerate(_CALIBRATION_METRICS):
            _draw_calibration_panel(axes[i, j], frame, metric, style)
            as_value = direction(metric) == 0
            axes[i, j].set_title(f"{label(metric)}{'' if as_value else ' - raw'} — {where}")
            axes[i, j].set_xlabel(GAMMA_LABEL)
    methods = list(dict.fromkeys([*sim["method"], *real["method"]]))
    handles = [Line2D([], [], color=style.colour(m), marker=style.marker(m), ms=4) for m in methods]
    handles += [Line2D([], [], color="0.3", ls="-"), Line2D([], [], color="0.3", ls="--")]
    labels = [style.label(m) for m in methods] + ["as fitted", "prior-shift corrected"]
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 5))
    suptitle(
        fig,
        "Calibration: does augmentation harm it, and does the prior-shift correction repair it?",
        "at the deployment prevalence; the correction adds logit(prevalence) - logit(the "
        "fit's minority share) to the intercept;\nslope 1 is calibrated (dotted); the "
        "correction cannot change the slope",
    )
    return fig


def _draw_calibration_panel(ax: Axes, frame: pd.DataFrame, metric: str, style: MethodStyle) -> None:
    """``metric`` against gamma per method, as fitted (solid) and corrected (dashed; raw has no
    corrected line): its value with a dotted line at its target where it has one, else its
    difference from raw with the zero line."""
    as_value = direction(metric) == 0
    column = "value_mean" if as_value else "diff_mean"
    corrected = METRICS[metric].corrected
    for method in dict.fromkeys(frame["method"]):
        for name, ls in ((metric, "-"), (corrected, "--")):
            if method == RAW and name == corrected:
                continue
            curve = frame[(frame["method"] == method) & (frame["metric"] == name)]
            curve = curve.sort_values("gamma")
            ax.plot(
                curve["gamma"],
                curve[column],
                ls=ls,
                marker=style.marker(method),
                ms=3.5,
                color=style.colour(method),
                lw=1,
            )
    if as_value:
        ax.axhline(_TARGETS[metric], color="0.5", lw=0.8, ls=":")
    else:
        ax.axhline(0.0, color="black", lw=0.8)

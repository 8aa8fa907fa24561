"""The flexible-models figure: does augmentation help a flexible model? Each model's gain over
raw beside raw's regret, from the flexible table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from augsim.metrics.registry import RANKING, label
from augsim.report.figures.style import (
    DIFF_LABEL,
    MethodStyle,
    figure,
    mark_failures,
    suptitle,
)
from augsim.study.methods import RAW


def plot_flexible_models(
    table: pd.DataFrame, *, selection: None, options: Mapping, catalogue: Mapping
) -> Figure:
    """Figure 8: does augmentation help a flexible model? Per metric (row) and DGP: the paired
    gain over raw of every method at each gamma, models from least to most flexible (left
    panel), and raw's regret per model (right panel).

    ``table`` is :func:`augsim.report.tables.flexible_gains`. Each model's slot holds one short
    line per method over its gammas, with 95% intervals over replicates; the grey band is twice
    the largest test-set Monte Carlo error of the model's gains.
    """
    if table.empty:
        raise ValueError("flexible models figure: the table is empty")
    style = MethodStyle(catalogue)
    dgp_keys = list(dict.fromkeys(table["dgp"]))
    models = list(dict.fromkeys(table.sort_values("flexibility", kind="stable")["model"]))
    labels = [catalogue["models"][m]["label"] for m in models]
    methods = [m for m in dict.fromkeys(table["method"]) if m != RAW]
    gammas = sorted(table.loc[table["method"] != RAW, "gamma"].unique())
    fig, axes = figure(len(RANKING), 2 * len(dgp_keys), panel=(4.2, 2.6))
    for j, dgp in enumerate(dgp_keys):
        for i, metric in enumerate(RANKING):
            rows = table[(table["dgp"] == dgp) & (table["metric"] == metric)]
            gain_ax, regret_ax = axes[i, 2 * j], axes[i, 2 * j + 1]
            _draw_model_gains(gain_ax, rows, models, methods, gammas, style)
            _draw_raw_regret(regret_ax, rows[rows["method"] == RAW], models)
            gain_ax.set_title(f"{label(metric)} gain — {dgp}")
            regret_ax.set_title(f"{label(metric)} regret of raw — {dgp}")
            for ax in (gain_ax, regret_ax):
                ax.set_xticks(range(len(models)), labels=labels, rotation=25, ha="right")
    handles = [Line2D([], [], color=style.colour(m), marker=style.marker(m), ms=4) for m in methods]
    names = [style.label(m) for m in methods]
    handles.append(Line2D([], [], color="0.85", lw=6))
    names.append("±2 test-set Monte Carlo SE")
    fig.legend(handles, names, loc="outside lower center", ncols=min(len(names), 6))
    counts = table.loc[table["method"] != RAW, "n_ok"]
    low, high = int(counts.min()), int(counts.max())
    replicates = f"{low}" if low == high else f"{low} to {high}"
    suptitle(
        fig,
        f"Does augmentation help a flexible model? — n = {table['n'].iloc[0]}, "
        f"{replicates} replicates",
        f"paired gain over raw, $\\gamma$ = {', '.join(f'{g:g}' for g in gammas)} left to right "
        "per method, 95% intervals;\ntest-set metric, exact for linear scores; training "
        "prevalence",
    )
    return fig


def _draw_model_gains(
    ax: Axes,
    rows: pd.DataFrame,
    models: Sequence[str],
    methods: Sequence[str],
    gammas: Sequence[float],
    style: MethodStyle,
) -> None:
    width = 0.8 / max(len(methods), 1)
    ax.axhline(0.0, color="black", lw=0.8)
    for k, model in enumerate(models):
        errors = rows.loc[(rows["model"] == model) & (rows["method"] != RAW), "test_se"]
        if errors.notna().any():
            band = 2 * float(errors.max())
            ax.fill_between([k - 0.45, k + 0.45], -band, band, color="0.85", lw=0, zorder=0)
        for position, method in enumerate(methods):
            line = rows[(rows["model"] == model) & (rows["method"] == method)].sort_values("gamma")
            if line.empty:
                continue
            start = k - 0.4 + position * width
            x = start + width * 0.8 * np.arange(len(line)) / max(len(gammas) - 1, 1)
            mean = line["diff_mean"]
            spread = [mean - line["diff_ci_low"], line["diff_ci_high"] - mean]
            ax.errorbar(
                x, mean, yerr=spread, color=style.colour(method), marker=style.marker(method),
                ms=3, lw=1, capsize=1,
            )  # fmt: skip
            mark_failures(ax, x, line["diff_mean"], line["n_failed"])
    ax.set_ylabel(DIFF_LABEL)


def _draw_raw_regret(ax: Axes, rows: pd.DataFrame, models: Sequence[str]) -> None:
    for k, model in enumerate(models):
        row = rows[rows["model"] == model]
        if row.empty:
            continue
        mean, low, high = (
            float(row[c].iloc[0]) for c in ("regret_mean", "regret_ci_low", "regret_ci_high")
        )
        ax.errorbar([k], [mean], yerr=[[mean - low], [high - mean]], color="black", marker="o",
                    ms=4, capsize=2)  # fmt: skip
    ax.axhline(0.0, color="0.6", lw=0.8)
    ax.set_ylabel("regret (Bayes - value)")

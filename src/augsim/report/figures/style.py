"""The drawing conventions every figure shares: each method's colour, marker and label, the
colours and labels of the decomposition's parts, the axis labels, the figure style and titles,
and the small drawing helpers (failure marks, gamma ticks, band lines, the method legend)."""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")  # before seaborn, which imports pyplot: files only, no display

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from augsim.sources.kinds import POPULATION
from augsim.study.methods import BUILT_IN_STYLES, RAW, REWEIGHT

Colour = tuple[float, float, float]

_PALETTE = sns.color_palette("colorblind", 10)
# a method that declares no colour gets one of the palette's slots no declared style uses, keyed
# by a stable hash of its key
_SPARE_COLOURS = [_PALETTE[i] for i in (3, 5, 6, 8)]
#: the decomposition's parts: the weighting part in reweight's colour, the residual in the truth
#: sampler's (the oracle's)
PART_COLOURS: dict[str, Colour] = {
    "total": to_rgb("#000000"),
    "weighting": to_rgb(BUILT_IN_STYLES[REWEIGHT]["colour"]),
    "discrepancy": to_rgb("#D55E00"),
    "residual": to_rgb("#0173B2"),
}
PART_STYLES = {"total": "-", "weighting": "--", "discrepancy": "-.", "residual": ":"}
PART_LABELS = {
    "total": "total gain: generator - raw",
    "weighting": "weighting part: reweight - raw",
    "discrepancy": "discrepancy part: generator - truth sampler",
    "residual": "residual: truth sampler - reweight",
}
GAMMA_LABEL = r"$\gamma$ (synthetic amount; 1 = balanced)"
DIFF_LABEL = "difference from raw"
STYLE = {"axes.titlesize": 10, "axes.labelsize": 9, "legend.fontsize": 8}


class MethodStyle:
    """Colour, marker and label of each method of a study, from its catalogue."""

    def __init__(self, catalogue: Mapping) -> None:
        self.methods = catalogue["methods"]

    def colour(self, method: str) -> Colour:
        colour = self.methods.get(method, {}).get("colour")
        if colour is not None:
            return to_rgb(colour)
        return _SPARE_COLOURS[zlib.crc32(method.encode()) % len(_SPARE_COLOURS)]

    def marker(self, method: str) -> str:
        """Markers keep lines that coincide distinguishable."""
        return self.methods.get(method, {}).get("marker") or "o"

    def label(self, method: str) -> str:
        return self.methods.get(method, {}).get("label", method)


def key_colours(keys: Sequence[str]) -> dict[str, Colour]:
    """A colour of the dark palette for each of ``keys`` (DGPs or models), in order."""
    return dict(zip(keys, sns.color_palette("dark", len(keys)), strict=True))


def figure(
    nrows: int, ncols: int, *, panel: tuple[float, float], **kw
) -> tuple[Figure, np.ndarray]:
    """A constrained-layout figure of ``nrows x ncols`` panels in seaborn's whitegrid style."""
    with sns.axes_style("whitegrid"), matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(panel[0] * ncols, panel[1] * nrows + 1.0), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False, **kw)
    return fig, axes


def suptitle(fig: Figure, title: str, subtitle: str) -> None:
    """A figure title and, below it, what is plotted (constrained layout makes room for both)."""
    fig.suptitle(f"{title}\n{subtitle}", fontsize=10.5)


def source_label(source: str) -> str:
    """What a metric source is, for a subtitle."""
    return {POPULATION: "exact population metric of each fit", "empirical": "test-set metric"}[
        source
    ]


def sources_label(sources: Sequence[str]) -> str:
    """What the panels show: one source, or which DGPs show which."""
    return " / ".join(source_label(source) for source in dict.fromkeys(sources))


def dgp_label(source: str, catalogue: Mapping) -> str:
    """``DGP key (name)``, the name being the source's generator of data when it differs."""
    name = catalogue["sources"].get(source, {}).get("name")
    return f"DGP {source} ({name})" if name and name != source else f"DGP {source}"


def gamma_ticks(ax: Axes, gammas: Sequence[float]) -> None:
    """Ticks at the gammas fitted, unless there are too many to label."""
    if len(gammas) <= 9:
        ax.set_xticks(sorted(gammas), labels=[f"{g:g}" for g in sorted(gammas)])


def mark_failures(ax: Axes, x: pd.Series, y: pd.Series, failed: pd.Series) -> None:
    """A black cross on each point whose cell had failed fits."""
    bad = np.asarray(failed) > 0
    if bad.any():
        ax.plot(
            np.asarray(x)[bad],
            np.asarray(y)[bad],
            ls="none",
            marker="x",
            ms=8,
            mew=2,
            color="black",
            zorder=5,
        )


def failed_fits(rows: pd.DataFrame, by: Sequence[str]) -> int:
    """Failed fits among ``rows``: a failed fit fails every metric, so count it once per cell."""
    return int(rows.groupby(list(by))["n_failed"].max().sum()) if len(rows) else 0


def failure_note(failed: int) -> str:
    return f" ({failed} failed fit{'s' if failed > 1 else ''}: x)" if failed else ""


def draw_band_line(ax: Axes, cell: pd.DataFrame, colour, marker: str) -> None:
    """Mean difference with its 95% band; cells with failed fits get a black cross."""
    ax.fill_between(
        cell["gamma"], cell["diff_ci_low"], cell["diff_ci_high"], color=colour, alpha=0.12, lw=0
    )
    ax.plot(cell["gamma"], cell["diff_mean"], color=colour, marker=marker, ms=4.5, lw=1.6)
    mark_failures(ax, cell["gamma"], cell["diff_mean"], cell["n_failed"])


def method_legend(
    fig: Figure, rows: pd.DataFrame, methods: Sequence[str], style: MethodStyle, *, overlay: bool
) -> None:
    """One legend for the figure: methods (with their failed-fit counts) and the line styles."""
    handles = [Line2D([], [], color=style.colour(RAW), lw=1)]
    labels = ["raw (zero line)"]
    for method in methods:
        failed = failed_fits(rows[rows["method"] == method], by=["gamma"])
        handles.append(
            Line2D([], [], color=style.colour(method), marker=style.marker(method), ms=4.5)
        )
        labels.append(style.label(method) + failure_note(failed))
    if overlay:
        handles.append(Line2D([], [], color="0.3", ls="--", lw=0.9))
        labels.append("population limit n → ∞")
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 4))

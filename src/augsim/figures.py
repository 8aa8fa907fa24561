"""The study's figures, drawn from the aggregated tables: plotting only.

Every public ``plot_<figure>`` function takes DataFrames (the summary table of
:func:`augsim.tables.summarise` and the population table of
:func:`augsim.limits.population_table`) plus that figure's config slice (``spec``), the
``experiments``/``dgps`` config sections and the study's ``catalogue`` (each method's role and
label, each model's capability: :func:`augsim.plan.catalogue`), and returns a
:class:`matplotlib.figure.Figure`; :func:`save_figure` writes it to PDF and PNG atomically. What
each figure shows is selected by :mod:`augsim.views`, which the claims read too.

Figures are built as ``Figure()`` objects, never through ``pyplot``: nothing is registered in
pyplot's global figure list, so nothing has to be closed and no "too many figures" warning can
fire in a long test session.

Shared conventions
------------------
- Evaluation ``training`` (the deployment prevalence).
- Source ``population`` (the exact metric of each fitted score) where the model declares exact
  population metrics and the source has a population, else ``empirical`` (the test set); every
  subtitle says which. Population curves (n -> infinity) are overlaid only on the former.
- Cells with failed fits (``n_failed > 0``) are drawn with a black cross and counted in the
  legend or title: their means are over fewer replicates.
"""

from __future__ import annotations

import logging
import os
import zlib
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")  # before seaborn, which imports pyplot: files only, no display

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator, NullFormatter

from augsim import io, views
from augsim.methods import RAW, REWEIGHT
from augsim.sources import POPULATION
from augsim.views import METRICS

log = logging.getLogger(__name__)

METRIC_LABELS = {
    "auroc": "AUROC",
    "auprc": "AUPRC",
    "best_balanced_accuracy": "best balanced accuracy",
    "best_f1": "best F1",
    "brier": "Brier score",
    "log_loss": "log loss",
    "calibration_intercept": "calibration intercept",
    "calibration_slope": "calibration slope",
}
#: the metrics the real-data figures show: the ranking metrics and the Brier score
REAL_DATA_METRICS = (*METRICS, "brier")
_PALETTE = sns.color_palette("colorblind", 10)
# One colour and marker per method in every figure, by config key or else by generator registry
# name; other methods (a second SMOTE instance, say) get a colour from the unused slots, keyed by
# a stable hash of the key.
METHOD_COLOURS = {
    RAW: (0.0, 0.0, 0.0),
    REWEIGHT: _PALETTE[7],
    "oracle": _PALETTE[0],
    "ros": _PALETTE[1],
    "smote": _PALETTE[2],
    "gaussian": _PALETTE[4],
    "biased_oracle": _PALETTE[9],
}
METHOD_MARKERS = {
    RAW: "o",
    REWEIGHT: "P",
    "oracle": "o",
    "ros": "s",
    "smote": "^",
    "gaussian": "D",
    "biased_oracle": "v",
}
# the oversamplers (augsim.oversamplers): a second palette, so that no two methods share one
_OVERSAMPLER_PALETTE = sns.color_palette("dark", 8)
for _name, _colour, _marker in zip(
    ("adasyn", "borderline_smote1", "borderline_smote2", "svm_smote", "kmeans_smote", "rose",
     "gaussian_mixture", "kde"),
    _OVERSAMPLER_PALETTE, ("<", ">", "p", "h", "*", "X", "d", "8"), strict=True,
):  # fmt: skip
    METHOD_COLOURS[_name], METHOD_MARKERS[_name] = _colour, _marker
_SPARE_COLOURS = [_PALETTE[i] for i in (3, 5, 6, 8)]
PART_COLOURS = {
    "total": (0.0, 0.0, 0.0),
    "weighting": METHOD_COLOURS[REWEIGHT],
    "discrepancy": _PALETTE[3],
    "residual": METHOD_COLOURS["oracle"],
}
PART_LABELS = {
    "total": "total gain: generator - raw",
    "weighting": "weighting part: reweight - raw",
    "discrepancy": "discrepancy part: generator - truth sampler",
    "residual": "residual: truth sampler - reweight",
}
GAMMA_LABEL = r"$\gamma$ (synthetic amount; 1 = balanced)"
DIFF_LABEL = "difference from raw"
_STYLE = {"axes.titlesize": 10, "axes.labelsize": 9, "legend.fontsize": 8}


class MethodStyle:
    """Colour, marker and label of each method of a study, from its catalogue."""

    def __init__(self, catalogue: Mapping) -> None:
        self.labels = dict(catalogue["labels"])
        self.names = dict(catalogue.get("generator_names", {}))

    def _key(self, method: str, table: Mapping) -> str | None:
        for key in (method, self.names.get(method)):
            if key in table:
                return key
        return None

    def colour(self, method: str) -> tuple[float, float, float]:
        key = self._key(method, METHOD_COLOURS)
        if key is not None:
            return METHOD_COLOURS[key]
        return _SPARE_COLOURS[zlib.crc32(method.encode()) % len(_SPARE_COLOURS)]

    def marker(self, method: str) -> str:
        """Markers keep lines that coincide distinguishable."""
        key = self._key(method, METHOD_MARKERS)
        return "o" if key is None else METHOD_MARKERS[key]

    def label(self, method: str) -> str:
        return self.labels.get(method, method)


# ---------------------------------------------------------------------------------------------
# Public figure functions
# ---------------------------------------------------------------------------------------------


def plot_well_specified(
    summary: pd.DataFrame,
    population: pd.DataFrame,
    *,
    spec: dict,
    experiments: dict,
    catalogue: dict,
    dgps: dict | None = None,
    n: int | None = None,
) -> Figure:
    """Figure 1: paired differences from raw against gamma, well-specified model.

    One panel per metric, one line per method of ``spec["experiment"]`` with its 95% band, and
    the population (n -> infinity) difference as a thin dashed line of the same colour where
    the model has exact population metrics.
    """
    return _plot_gamma_figure(
        summary, population, spec, experiments, catalogue, dgps, n,
        title="Well-specified score model",
    )  # fmt: skip


def plot_misspecified(
    summary: pd.DataFrame,
    population: pd.DataFrame,
    *,
    spec: dict,
    experiments: dict,
    catalogue: dict,
    dgps: dict | None = None,
    n: int | None = None,
) -> Figure:
    """Figure 2: the same as :func:`plot_well_specified` for a misspecified model."""
    return _plot_gamma_figure(
        summary, population, spec, experiments, catalogue, dgps, n,
        title="Misspecified score model",
    )  # fmt: skip


def plot_rate(
    summary: pd.DataFrame,
    *,
    spec: dict,
    experiments: dict,
    catalogue: dict,
    dgps: dict | None = None,
) -> Figure:
    """Figure 3: log-log regret against n, raw and each method at gamma 1, fitted slopes.

    One panel per (DGP, metric): rows are the DGPs of ``spec["dgps"]``. The legend gives the
    least-squares slope of log regret on log n per line; a dotted grey line of slope -1 is the
    1/n reference of the minimax rate.
    """
    experiment = views.experiment_of(spec, experiments)
    model, dgp_keys = spec["model"], list(spec["dgps"])
    methods = [RAW, *views.compared_methods(experiment, catalogue)]
    if not np.isclose(experiment["gammas"], 1.0).any():
        raise ValueError(f"rate figure: experiment {spec['experiment']!r} has no gamma 1")
    style = MethodStyle(catalogue)
    # one DGP: a 2 x 2 grid of metrics; several: one row of four metrics per DGP
    ncols = 2 if len(dgp_keys) == 1 else len(METRICS)
    fig, axes = _figure(len(dgp_keys) * len(METRICS) // ncols, ncols, panel=(4.2, 3.2))
    panels = iter(axes.flat)
    sources = []
    for dgp in dgp_keys:
        sources.append(views.source_of(catalogue, dgp, model))
        by_dgp = views.cells(
            summary, dgps=[dgp], model=model, ns=experiment["n"], methods=methods,
            gammas=[1.0], source=sources[-1],
        )  # fmt: skip
        series = [(m, style.label(m), style.colour(m), style.marker(m)) for m in methods]
        by_dgp = by_dgp.assign(series=by_dgp["method"])
        for metric in METRICS:
            ax = next(panels)
            rows = by_dgp[by_dgp["metric"] == metric]
            _draw_rate_panel(ax, rows, series, f"{dgp}/{metric}")
            where = f" — {dgp}" if len(dgp_keys) > 1 else ""
            ax.set_title(METRIC_LABELS[metric] + where)
    ns = ", ".join(map(str, sorted(experiment["n"])))
    named = "; ".join(_dgp_label(dgp, dgps) for dgp in dgp_keys)
    _suptitle(
        fig,
        f"Regret rate — {named}, model {model}, n = {ns}",
        f"mean regret (Bayes - value), raw and methods at $\\gamma$ = 1; "
        f"{_sources_label(sources)}, training prevalence",
    )
    return fig


def plot_decomposition(
    summary: pd.DataFrame,
    *,
    spec: dict,
    experiments: dict,
    catalogue: dict,
    dgps: dict | None = None,
    n: int | None = None,
) -> Figure:
    """Figure 4: total gain = weighting part + discrepancy part + residual, against gamma.

    Rows are metrics and columns the generators of the experiment (other than the truth
    sampler, the reference of the discrepancy part). See :func:`augsim.views.decomposition_parts`
    for the definitions.
    """
    experiment = views.experiment_of(spec, experiments)
    n = views.shown_n(experiment, n)
    parts = views.decomposition_parts(
        summary, spec=spec, experiments=experiments, catalogue=catalogue, n=n
    )
    style = MethodStyle(catalogue)
    generators = list(dict.fromkeys(parts["generator"]))
    fig, axes = _figure(len(METRICS), len(generators), panel=(3.2, 2.5), sharex=True, sharey="row")
    for j, generator in enumerate(generators):
        failed = _failed_fits(parts[parts["generator"] == generator], by=["gamma"])
        title = style.label(generator) + _failure_note(failed)
        axes[0, j].set_title(title, color=style.colour(generator))
        for i, metric in enumerate(METRICS):
            ax = axes[i, j]
            cell = parts[(parts["generator"] == generator) & (parts["metric"] == metric)]
            _draw_parts(ax, cell.sort_values("gamma"))
            if j == 0:
                ax.set_ylabel(f"{METRIC_LABELS[metric]}\n{DIFF_LABEL}")
            if i == len(METRICS) - 1:
                ax.set_xlabel(GAMMA_LABEL)
                _gamma_ticks(ax, experiment["gammas"])
    handles = [
        Line2D([], [], color=PART_COLOURS[p], ls=_PART_STYLES[p], marker="o", ms=4)
        for p in PART_COLOURS
    ]
    found = views.decomposition_methods(experiment, catalogue)
    names = {
        "truth sampler": style.label(found["truth"]),
        REWEIGHT: style.label(found["weighting"]),
    }
    labels = [_named(text, names) for text in PART_LABELS.values()]
    fig.legend(handles, labels, loc="outside lower center", ncols=4)
    source = parts["source"].iloc[0]
    _suptitle(
        fig,
        f"Decomposition of the gain over raw — {_dgp_label(spec['dgp'], dgps)}, n = {n}, "
        f"model {spec['model']}",
        f"mean differences (band: 95% interval of the total); {_source_label(source)}, "
        "training prevalence",
    )
    return fig


def plot_misspecification_sweep(
    summary: pd.DataFrame,
    *,
    spec: dict,
    experiments: dict,
    catalogue: dict,
    dgps: dict,
    n: int | None = None,
) -> Figure:
    """Figure 5: heatmaps of the gain over raw against gamma (x) and degree (y).

    The degree of DGP ``k`` is ``dgps[k]["params"][spec["degree"]]``. One panel per (method,
    metric); the colour scale is centred at 0 and shared by the panels of one metric. Cells
    marked ``*`` had failed fits.
    """
    experiment = views.experiment_of(spec, experiments)
    n = views.shown_n(experiment, n)
    degrees = views.degrees(experiment["dgps"], dgps, spec["degree"])
    methods = views.compared_methods(experiment, catalogue)
    frames, sources = [], []
    for dgp in degrees:
        sources.append(views.source_of(catalogue, dgp, spec["model"]))
        rows = views.cells(
            summary, dgps=[dgp], model=spec["model"], ns=[n], methods=methods,
            gammas=experiment["gammas"], source=sources[-1],
        )  # fmt: skip
        frames.append(rows)
    rows = pd.concat(frames).assign(degree=lambda t: t["dgp"].map(degrees))
    order = sorted(degrees.values(), reverse=True)  # largest degree on top
    gammas = sorted(float(g) for g in experiment["gammas"])
    methods = [m for m in methods if m in set(rows["method"])]
    style = MethodStyle(catalogue)
    fig, axes = _figure(len(methods), len(METRICS), panel=(3.4, 1.0 + 0.45 * len(degrees)))
    for j, metric in enumerate(METRICS):
        by_metric = rows[rows["metric"] == metric]
        limit = float(np.nanmax(np.abs(by_metric["diff_mean"]))) or 1e-12
        for i, method in enumerate(methods):
            ax = axes[i, j]
            cells = by_metric[by_metric["method"] == method]
            _draw_heatmap(ax, cells, limit, degrees=order, gammas=gammas)
            if j == 0:
                labels = {value: f"{value:g} ({key})" for key, value in degrees.items()}
                ax.set_yticklabels([labels[d] for d in order], rotation=0)
                ax.set_ylabel(spec["degree"])
            else:
                ax.set_yticklabels([])
            ax.set_title(f"{style.label(method)} — {METRIC_LABELS[metric]}")
        bar = fig.colorbar(ax.collections[0], ax=list(axes[:, j]), location="bottom", shrink=0.9)
        bar.ax.xaxis.set_major_locator(MaxNLocator(nbins=2, symmetric=True))
        bar.set_label(f"{METRIC_LABELS[metric]}: {DIFF_LABEL}")
    failed = " Cells marked * had failed fits." if (rows["n_failed"] > 0).any() else ""
    _suptitle(
        fig,
        f"Gain over raw against $\\gamma$ and the degree of misspecification "
        f"({spec['degree']}) — n = {n}, model {spec['model']}",
        f"mean difference from raw; {_sources_label(sources)}, training prevalence.{failed}",
    )
    return fig


def plot_population(
    population: pd.DataFrame,
    *,
    spec: dict | None = None,
    catalogue: dict | None = None,
    dgps: dict | None = None,
) -> Figure:
    """Figure 6: metric of the restricted-class projection theta*(w) against the weight w.

    One panel per metric, one line per DGP with ``weight_curve`` rows, its Bayes value as a
    dashed line of the same colour. Grey verticals mark the raw fit's weight (w = training
    prevalence) and full balance (w = 0.5, gamma = 1). ``spec`` and ``catalogue`` are unused:
    the figure has no options, the arguments keep the plot functions alike.
    """
    rows = views.weight_curves(population)
    if rows.empty:
        raise ValueError("population figure: no weight_curve rows at the training prevalence")
    dgp_keys = list(dict.fromkeys(rows["dgp"]))
    colours = dict(zip(dgp_keys, sns.color_palette("dark", len(dgp_keys)), strict=True))
    prevalence = float(rows["prevalence"].iloc[0])
    fig, axes = _figure(2, 2, panel=(4.0, 3.0), sharey=False)
    for ax, metric in zip(axes.flat, METRICS, strict=True):
        for dgp in dgp_keys:
            curve = rows[(rows["dgp"] == dgp) & (rows["metric"] == metric)].sort_values("weight")
            if curve.empty:
                continue
            colour = colours[dgp]
            ax.plot(curve["weight"], curve["value"], color=colour, marker="o", ms=3, label=dgp)
            ax.axhline(curve["bayes"].iloc[0], color=colour, ls="--", lw=1)
        for w in (prevalence, 0.5):
            ax.axvline(w, color="0.6", lw=0.8, ls=":")
        ax.set_title(METRIC_LABELS[metric])
        ax.set_xlabel("minority weight w")
        ax.set_ylabel(f"{METRIC_LABELS[metric]} of θ*(w)")
    handles = [Line2D([], [], color=colours[d], marker="o", ms=3) for d in dgp_keys]
    labels = [_dgp_label(dgp, dgps) for dgp in dgp_keys]
    handles += [Line2D([], [], color="0.3", ls="--", lw=1), Line2D([], [], color="0.6", ls=":")]
    labels += ["Bayes value (same colour)", "w = π (raw fit) and w = 0.5 ($\\gamma$ = 1)"]
    fig.legend(handles, labels, loc="outside lower center", ncols=2)
    _suptitle(
        fig,
        "Population curves: the restricted-class projection θ*(w) against the minority weight w",
        f"exact metrics at the training prevalence π = {prevalence:.3g}",
    )
    log.info("population figure: DGPs %s, %d weights", dgp_keys, rows["weight"].nunique())
    return fig


def plot_discrepancies(
    table: pd.DataFrame,
    *,
    spec: dict,
    catalogue: dict,
    experiments: dict | None = None,
    dgps: dict | None = None,
) -> Figure:
    """Figure 7: each generator's discrepancy part at one gamma, per metric (rows) and DGP.

    ``table`` is :func:`augsim.views.discrepancies`. In each panel the generators are ordered by
    their discrepancy (generator minus truth sampler) with its 95% interval; a hollow diamond
    marks the exact population discrepancy where the generator has a closed-form limit; the
    grey line is the weighting part (reweight minus raw) with its band, the black line zero
    (the truth sampler). Generators with failed replicates get a cross and their count.
    """
    if table.empty:
        raise ValueError("discrepancies figure: the table is empty")
    style = MethodStyle(catalogue)
    dgp_keys = list(dict.fromkeys(table["dgp"]))
    generators = table["generator"].nunique()
    fig, axes = _figure(len(METRICS), len(dgp_keys), panel=(5.2, 0.9 + 0.3 * generators))
    for j, dgp in enumerate(dgp_keys):
        for i, metric in enumerate(METRICS):
            rows = table[(table["dgp"] == dgp) & (table["metric"] == metric)]
            _draw_discrepancy_panel(axes[i, j], rows.sort_values("discrepancy"), style)
            axes[i, j].set_title(f"{METRIC_LABELS[metric]} — {_dgp_label(dgp, dgps)}")
            if i == len(METRICS) - 1:
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
    source = _source_label(first["source"])
    _suptitle(
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


def plot_flexible_models(
    table: pd.DataFrame,
    *,
    spec: dict,
    catalogue: dict,
    experiments: dict | None = None,
    dgps: dict | None = None,
) -> Figure:
    """Figure 8: does augmentation help a flexible model? Per metric (row) and DGP: the paired
    gain over raw of every method at each gamma, models from least to most flexible (left
    panel), and raw's regret per model (right panel).

    ``table`` is :func:`augsim.views.flexible_gains`. Each model's slot holds one short line per
    method over its gammas, with 95% intervals over replicates; the grey band is twice the
    largest test-set Monte Carlo error of the model's gains.
    """
    if table.empty:
        raise ValueError("flexible models figure: the table is empty")
    style = MethodStyle(catalogue)
    dgp_keys = list(dict.fromkeys(table["dgp"]))
    models = list(dict.fromkeys(table.sort_values("flexibility", kind="stable")["model"]))
    labels = [catalogue["models"][m]["label"] for m in models]
    methods = [m for m in dict.fromkeys(table["method"]) if m != RAW]
    gammas = sorted(table.loc[table["method"] != RAW, "gamma"].unique())
    fig, axes = _figure(len(METRICS), 2 * len(dgp_keys), panel=(4.2, 2.6))
    for j, dgp in enumerate(dgp_keys):
        for i, metric in enumerate(METRICS):
            rows = table[(table["dgp"] == dgp) & (table["metric"] == metric)]
            gain_ax, regret_ax = axes[i, 2 * j], axes[i, 2 * j + 1]
            _draw_model_gains(gain_ax, rows, models, methods, gammas, style)
            _draw_raw_regret(regret_ax, rows[rows["method"] == RAW], models)
            gain_ax.set_title(f"{METRIC_LABELS[metric]} gain — {dgp}")
            regret_ax.set_title(f"{METRIC_LABELS[metric]} regret of raw — {dgp}")
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
    _suptitle(
        fig,
        f"Does augmentation help a flexible model? — n = {table['n'].iloc[0]}, "
        f"{replicates} replicates",
        f"paired gain over raw, $\\gamma$ = {', '.join(f'{g:g}' for g in gammas)} left to right "
        "per method, 95% intervals;\ntest-set metric, exact for linear scores; training "
        "prevalence",
    )
    return fig


def _draw_model_gains(ax, rows, models, methods, gammas, style) -> None:
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
            _mark_failures(ax, x, line["diff_mean"], line["n_failed"])
    ax.set_ylabel(DIFF_LABEL)


def _draw_raw_regret(ax, rows, models) -> None:
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


def plot_flexible_rate(
    summary: pd.DataFrame,
    *,
    spec: dict,
    experiments: dict,
    catalogue: dict,
    dgps: dict | None = None,
) -> Figure:
    """Figure 9: log-log regret of raw against n for each model of ``spec["models"]``: does
    a flexible model reach the rate of the well-specified logistic fit? Slopes in the legends,
    the dotted grey line of slope -1 the 1/n reference."""
    experiment = views.experiment_of(spec, experiments)
    dgp_keys, models = list(spec["dgps"]), list(spec["models"])
    fig, axes = _figure(len(dgp_keys), len(METRICS), panel=(4.2, 3.2))
    colours = dict(zip(models, sns.color_palette("dark", len(models)), strict=True))
    series = [(m, catalogue["models"][m]["label"], colours[m], "o") for m in models]
    for i, dgp in enumerate(dgp_keys):
        frames = [
            views.cells(
                summary, dgps=[dgp], model=model, ns=experiment["n"], methods=[], gammas=[],
                source=views.source_of(catalogue, dgp, model),
            ).assign(series=model)
            for model in models
        ]  # fmt: skip
        rows = pd.concat(frames)
        for j, metric in enumerate(METRICS):
            _draw_rate_panel(axes[i, j], rows[rows["metric"] == metric], series, f"{dgp}/{metric}")
            axes[i, j].set_title(f"{METRIC_LABELS[metric]} — {dgp}")
    ns = ", ".join(map(str, sorted(experiment["n"])))
    _suptitle(
        fig,
        f"Regret rate of the unaugmented fit by model — n = {ns}",
        "mean regret (Bayes - value) of raw; exact population metric for the linear model, "
        "test-set metric for the others; training prevalence",
    )
    return fig


def plot_real_data(
    table: pd.DataFrame,
    *,
    spec: dict,
    catalogue: dict,
    experiments: dict | None = None,
    dgps: dict | None = None,
) -> Figure:
    """Figure 10: the paired gain over raw on real data sets. One panel per (gamma, metric):
    per data set (rows, by imbalance ratio), each method's mean gain over the splits with its
    corrected resampled 95% interval (Nadeau and Bengio). No population, so no regret.

    ``table`` is :func:`augsim.views.real_data_gains`.
    """
    if table.empty:
        raise ValueError("real-data figure: the table is empty")
    style = MethodStyle(catalogue)
    gains = table[(table["method"] != RAW) & (table["gamma"] > 0)]
    keys = list(dict.fromkeys(table["dgp"]))
    methods = list(dict.fromkeys(gains["method"]))
    gammas = sorted(gains["gamma"].unique())
    height = 0.9 + 0.28 * len(keys)
    fig, axes = _figure(len(gammas), len(REAL_DATA_METRICS), panel=(3.3, height), sharey=True)
    first = table.drop_duplicates("dgp").set_index("dgp")
    ticks = [f"{first.loc[k, 'dataset']} ({first.loc[k, 'imbalance_ratio']:.0f})" for k in keys]
    offsets = np.linspace(-0.3, 0.3, len(methods)) if len(methods) > 1 else np.zeros(1)
    for i, gamma in enumerate(gammas):
        for j, metric in enumerate(REAL_DATA_METRICS):
            ax = axes[i, j]
            ax.axvline(0.0, color="black", lw=0.8)
            for offset, method in zip(offsets, methods, strict=True):
                rows = gains[(gains["method"] == method) & (gains["gamma"] == gamma)]
                rows = rows[rows["metric"] == metric].set_index("dgp").reindex(keys)
                y = np.arange(len(keys)) + offset
                ax.errorbar(
                    rows["diff_mean"],
                    y,
                    xerr=[
                        rows["diff_mean"] - rows["diff_ci_low"],
                        rows["diff_ci_high"] - rows["diff_mean"],
                    ],
                    fmt=style.marker(method),
                    ms=3,
                    lw=0.8,
                    color=style.colour(method),
                )
            ax.set_yticks(range(len(keys)), labels=ticks)
            better = "lower is better" if metric == "brier" else "higher is better"
            ax.set_title(f"{METRIC_LABELS[metric]} — $\\gamma$ = {gamma:g}")
            ax.set_xlabel(f"{DIFF_LABEL} ({better})")
    axes[0, 0].invert_yaxis()  # shared: the lowest imbalance ratio on top in every panel
    handles = [Line2D([], [], color=style.colour(m), marker=style.marker(m), ms=4) for m in methods]
    fig.legend(
        handles,
        [style.label(m) for m in methods],
        loc="outside lower center",
        ncols=min(len(methods), 6),
    )
    splits = int(gains["splits"].max())
    _suptitle(
        fig,
        f"Real data sets: gain over raw — model {table['model'].iloc[0]}, {splits} splits",
        "mean paired difference over stratified train/test splits with the corrected "
        "resampled 95% interval (Nadeau and Bengio);\ntest-part metric at its own prevalence; "
        "data sets by imbalance ratio (in brackets); no Bayes reference, so no regret",
    )
    return fig


def plot_sim_vs_real(
    summary: pd.DataFrame,
    table: pd.DataFrame,
    *,
    spec: dict,
    catalogue: dict,
    experiments: dict,
    dgps: dict | None = None,
) -> Figure:
    """Figure 11: simulation and real data side by side. Per metric, each method's gain over raw
    at ``spec["gamma"]``: in the misspecified simulation (large marker, 95% interval) and on
    every real data set (small markers, filled where the corrected interval excludes 0)."""
    style = MethodStyle(catalogue)
    gamma = float(spec["gamma"])
    simulation = spec["simulation"]
    sim = views.experiment_cells(
        summary, simulation, experiments, catalogue, gammas=[gamma], metrics=REAL_DATA_METRICS
    )
    sim = sim[sim["method"] != RAW]
    real = table[(table["method"] != RAW) & (table["gamma"] == gamma)]
    methods = [m for m in dict.fromkeys(real["method"]) if m in set(sim["method"])]
    fig, axes = _figure(1, len(REAL_DATA_METRICS), panel=(3.0, 3.4))
    for ax, metric in zip(axes[0], REAL_DATA_METRICS, strict=True):
        ax.axhline(0.0, color="black", lw=0.8)
        for x, method in enumerate(methods):
            colour = style.colour(method)
            cell = sim[(sim["method"] == method) & (sim["metric"] == metric)]
            if len(cell):
                row = cell.iloc[0]
                ax.errorbar(
                    x - 0.18,
                    row["diff_mean"],
                    yerr=[
                        [row["diff_mean"] - row["diff_ci_low"]],
                        [row["diff_ci_high"] - row["diff_mean"]],
                    ],
                    fmt="D",
                    ms=6,
                    color=colour,
                    lw=1.2,
                )
            sets = real[(real["method"] == method) & (real["metric"] == metric)]
            significant = (sets["diff_ci_low"] > 0) | (sets["diff_ci_high"] < 0)
            jitter = np.linspace(-0.08, 0.08, len(sets)) if len(sets) > 1 else np.zeros(len(sets))
            ax.scatter(
                x + 0.18 + jitter[~significant.to_numpy()],
                sets["diff_mean"][~significant],
                s=12,
                facecolors="none",
                edgecolors=colour,
                lw=0.8,
            )
            ax.scatter(
                x + 0.18 + jitter[significant.to_numpy()],
                sets["diff_mean"][significant],
                s=12,
                color=colour,
            )
        ax.set_xticks(
            range(len(methods)), labels=[style.label(m) for m in methods], rotation=30, ha="right"
        )
        ax.set_title(METRIC_LABELS[metric])
        ax.set_ylabel(DIFF_LABEL)
    handles = [
        Line2D([], [], color="0.3", marker="D", ls="", ms=6),
        Line2D([], [], color="0.3", marker="o", ls="", ms=4),
        Line2D([], [], markeredgecolor="0.3", markerfacecolor="none", marker="o", ls="", ms=4),
    ]
    names = [
        f"simulation: DGP {simulation['dgp']} (95% interval)",
        "real data set: corrected interval excludes 0",
        "real data set: it does not",
    ]
    fig.legend(handles, names, loc="outside lower center", ncols=3)
    _suptitle(
        fig,
        f"Do the simulation's findings hold on real data? — $\\gamma$ = {gamma:g}",
        f"gain over raw at the deployment prevalence; simulation: {simulation['model']}, "
        f"{_source_label(views.source_of(catalogue, simulation['dgp'], simulation['model']))}; "
        f"real data: {real['dgp'].nunique()} sets, test-part metric (Brier: lower is better)",
    )
    return fig


#: the calibration figure's panels: metric, and the name of its prior-shift corrected value
_CALIBRATION_PANELS = (
    ("brier", "brier_corrected"),
    ("calibration_slope", "calibration_slope_corrected"),
)


def plot_calibration(
    summary: pd.DataFrame,
    table: pd.DataFrame,
    *,
    spec: dict,
    catalogue: dict,
    experiments: dict,
    dgps: dict | None = None,
) -> Figure:
    """Figure 12: calibration against gamma, as fitted (solid) and with the intercept corrected
    for the synthetic share (the prior-shift correction, dashed). Top row: the misspecified
    simulation; bottom row: the mean over the real data sets. Brier score as a difference from
    raw; the calibration slope as is (a shift of the intercept leaves it unchanged)."""
    style = MethodStyle(catalogue)
    simulation = spec["simulation"]
    names = [name for pair in _CALIBRATION_PANELS for name in pair]
    sim = views.experiment_cells(summary, simulation, experiments, catalogue, metrics=names)
    sim = sim.rename(columns={"mean": "value_mean"})
    real = table.groupby(["method", "gamma", "metric"], as_index=False, sort=False)[
        ["value_mean", "diff_mean"]
    ].mean()
    rows = {"simulation": sim, "real": real}
    fig, axes = _figure(2, len(_CALIBRATION_PANELS), panel=(4.4, 3.0))
    for i, (part, frame) in enumerate(rows.items()):
        methods = list(dict.fromkeys(frame["method"]))
        for j, (metric, corrected) in enumerate(_CALIBRATION_PANELS):
            ax = axes[i, j]
            column = "diff_mean" if metric == "brier" else "value_mean"
            for method in methods:
                for name, ls in ((metric, "-"), (corrected, "--")):
                    curve = frame[(frame["method"] == method) & (frame["metric"] == name)]
                    if method == RAW and name == corrected:
                        continue
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
            where = (
                f"DGP {simulation['dgp']}, {simulation['model']}"
                if part == "simulation"
                else f"mean over {table['dgp'].nunique()} real data sets"
            )
            label = f"{METRIC_LABELS[metric]}{' - raw' if metric == 'brier' else ''}"
            ax.set_title(f"{label} — {where}")
            ax.set_xlabel(GAMMA_LABEL)
            if metric == "brier":
                ax.axhline(0.0, color="black", lw=0.8)
            else:
                ax.axhline(1.0, color="0.5", lw=0.8, ls=":")
    methods = list(dict.fromkeys([*sim["method"], *real["method"]]))
    handles = [Line2D([], [], color=style.colour(m), marker=style.marker(m), ms=4) for m in methods]
    handles += [Line2D([], [], color="0.3", ls="-"), Line2D([], [], color="0.3", ls="--")]
    labels = [style.label(m) for m in methods] + ["as fitted", "prior-shift corrected"]
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 5))
    _suptitle(
        fig,
        "Calibration: does augmentation harm it, and does the prior-shift correction repair it?",
        "at the deployment prevalence; the correction adds logit(prevalence) - logit(the "
        "fit's minority share) to the intercept;\nslope 1 is calibrated (dotted); the "
        "correction cannot change the slope",
    )
    return fig


def save_figure(fig: Figure, pdf_path: str | os.PathLike, png_path: str | os.PathLike) -> None:
    """Write ``fig`` as PDF and PNG (150 dpi); neither path ever holds a partial file.

    The PDF carries no creation date, so redrawing the same figure gives the same bytes.
    """
    with io.atomic_path(pdf_path) as pdf_tmp, io.atomic_path(png_path) as png_tmp:
        fig.savefig(pdf_tmp, format="pdf", metadata={"CreationDate": None})
        fig.savefig(png_tmp, format="png", dpi=150)


#: the input names of a plot rule that are tables, in the order the plot functions take them
TABLE_INPUTS = ("summary", "population", "discrepancies", "flexible", "real_data")


def render(
    figure: str,
    *,
    inputs: dict[str, str | os.PathLike],
    params: dict,
    outputs: Sequence[str | os.PathLike],
) -> None:
    """Draw ``figure`` from its rule's input tables and config slices; write its PDF and PNG.

    ``inputs`` maps the rule's input names to paths; the tables among them
    (:data:`TABLE_INPUTS`) are passed in the order the plot functions take them. ``params``
    holds ``spec``, ``experiments``, ``dgps`` and ``catalogue``; ``outputs`` is
    ``(pdf_path, png_path)``.
    """
    if figure not in PLOTS:
        raise ValueError(f"unknown figure {figure!r}; valid figures: {', '.join(sorted(PLOTS))}")
    tables = [io.read_table(inputs[name]) for name in TABLE_INPUTS if name in inputs]
    options = {key: params[key] for key in ("spec", "dgps", "catalogue")}
    if figure != "population":
        options["experiments"] = params["experiments"]
    log.info("drawing %s from %s with spec %s", figure, list(inputs), params["spec"])
    save_figure(PLOTS[figure](*tables, **options), *outputs)


def log_slope(n: Sequence[float], regret: Sequence[float]) -> tuple[float, int]:
    """Least-squares slope of log(regret) on log(n), and how many points were dropped.

    Non-positive (or non-finite) regrets have no logarithm: they are dropped from the fit. Fewer
    than two distinct remaining n give a NaN slope.
    """
    x, y = np.asarray(n, dtype=float), np.asarray(regret, dtype=float)
    keep = np.isfinite(y) & (y > 0) & (x > 0)
    if np.unique(x[keep]).size < 2:
        return float("nan"), int((~keep).sum())
    slope = np.polyfit(np.log(x[keep]), np.log(y[keep]), 1)[0]
    return float(slope), int((~keep).sum())


def _named(text: str, names: Mapping[str, str]) -> str:
    """``text`` with the role words in ``names`` replaced by the methods' labels."""
    for role_word, label in names.items():
        text = text.replace(role_word, label)
    return text


def _source_label(source: str) -> str:
    return {POPULATION: "exact population metric of each fit", "empirical": "test-set metric"}[
        source
    ]


def _sources_label(sources: Sequence[str]) -> str:
    """What the panels show: one source, or which DGPs show which."""
    return " / ".join(_source_label(source) for source in dict.fromkeys(sources))


# ---------------------------------------------------------------------------------------------
# Drawing helpers
# ---------------------------------------------------------------------------------------------

_PART_STYLES = {"total": "-", "weighting": "--", "discrepancy": "-.", "residual": ":"}


def _figure(
    nrows: int, ncols: int, *, panel: tuple[float, float], **kw
) -> tuple[Figure, np.ndarray]:
    """A constrained-layout figure of ``nrows x ncols`` panels in seaborn's whitegrid style."""
    with sns.axes_style("whitegrid"), matplotlib.rc_context(_STYLE):
        fig = Figure(figsize=(panel[0] * ncols, panel[1] * nrows + 1.0), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False, **kw)
    return fig, axes


def _suptitle(fig: Figure, title: str, subtitle: str) -> None:
    """A figure title and, below it, what is plotted (constrained layout makes room for both)."""
    fig.suptitle(f"{title}\n{subtitle}", fontsize=10.5)


def _dgp_label(dgp: str, dgps: dict | None) -> str:
    name = (dgps or {}).get(dgp, {}).get("name")
    return f"DGP {dgp} ({name})" if name and name != dgp else f"DGP {dgp}"


def _plot_gamma_figure(
    summary, population, spec, experiments, catalogue, dgps, n, *, title
) -> Figure:
    """Figures 1 and 2: one panel per metric, difference from raw against gamma."""
    experiment = views.experiment_of(spec, experiments)
    n = views.shown_n(experiment, n)
    dgp, model = spec["dgp"], spec["model"]
    rows = views.experiment_cells(summary, spec, experiments, catalogue, n)
    source = rows["source"].iloc[0]
    curves = views.population_differences(
        population, catalogue, dgp=dgp, model=model, n=n, gammas=experiment["gammas"]
    )
    curves = curves if len(curves) else None
    methods = [m for m in views.compared_methods(experiment, catalogue) if m in set(rows["method"])]
    style = MethodStyle(catalogue)
    fig, axes = _figure(2, 2, panel=(5.0, 3.4), sharex=True)
    for ax, metric in zip(axes.flat, METRICS, strict=True):
        ax.axhline(0.0, color=style.colour(RAW), lw=0.8, zorder=1)
        for method in methods:
            cell = rows[(rows["metric"] == metric) & (rows["method"] == method)]
            colour, marker = style.colour(method), style.marker(method)
            _draw_band_line(ax, cell.sort_values("gamma"), colour, marker)
            if curves is not None:
                curve = curves[(curves["metric"] == metric) & (curves["method"] == method)]
                curve = curve.sort_values("gamma")
                ax.plot(
                    curve["gamma"], curve["difference"], color=style.colour(method), ls="--", lw=0.9
                )
        ax.set_title(METRIC_LABELS[metric])
        ax.set_ylabel(DIFF_LABEL)
    for ax in axes[-1]:
        ax.set_xlabel(GAMMA_LABEL)
        _gamma_ticks(ax, experiment["gammas"])
    _method_legend(fig, rows, methods, style, overlay=curves is not None)
    replicates = int(rows["n_ok"].max())
    _suptitle(
        fig,
        f"{title} — {_dgp_label(dgp, dgps)}, n = {n}, model {model}",
        f"mean paired difference from raw over {replicates} replicates, 95% band; "
        f"{_source_label(source)}, training prevalence",
    )
    log.info("%s: %d methods, population overlay %s", title, len(methods), curves is not None)
    return fig


def _draw_band_line(ax: Axes, cell: pd.DataFrame, colour, marker: str) -> None:
    """Mean difference with its 95% band; cells with failed fits get a black cross."""
    ax.fill_between(
        cell["gamma"], cell["diff_ci_low"], cell["diff_ci_high"], color=colour, alpha=0.12, lw=0
    )
    ax.plot(cell["gamma"], cell["diff_mean"], color=colour, marker=marker, ms=4.5, lw=1.6)
    _mark_failures(ax, cell["gamma"], cell["diff_mean"], cell["n_failed"])


def _gamma_ticks(ax: Axes, gammas: Sequence[float]) -> None:
    """Ticks at the gammas fitted, unless there are too many to label."""
    if len(gammas) <= 9:
        ax.set_xticks(sorted(gammas), labels=[f"{g:g}" for g in sorted(gammas)])


def _mark_failures(ax: Axes, x: pd.Series, y: pd.Series, failed: pd.Series) -> None:
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


def _failed_fits(rows: pd.DataFrame, by: Sequence[str]) -> int:
    """Failed fits among ``rows``: a failed fit fails every metric, so count it once per cell."""
    return int(rows.groupby(list(by))["n_failed"].max().sum()) if len(rows) else 0


def _failure_note(failed: int) -> str:
    return f" ({failed} failed fit{'s' if failed > 1 else ''}: x)" if failed else ""


def _method_legend(
    fig: Figure, rows: pd.DataFrame, methods: Sequence[str], style: MethodStyle, *, overlay: bool
):
    """One legend for the figure: methods (with their failed-fit counts) and the line styles."""
    handles = [Line2D([], [], color=style.colour(RAW), lw=1)]
    labels = ["raw (zero line)"]
    for method in methods:
        failed = _failed_fits(rows[rows["method"] == method], by=["gamma"])
        handles.append(
            Line2D([], [], color=style.colour(method), marker=style.marker(method), ms=4.5)
        )
        labels.append(style.label(method) + _failure_note(failed))
    if overlay:
        handles.append(Line2D([], [], color="0.3", ls="--", lw=0.9))
        labels.append("population limit n → ∞")
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 4))


def _draw_rate_panel(ax: Axes, rows: pd.DataFrame, series: Sequence[tuple], where: str) -> None:
    """Regret against n on log-log axes, one line per ``(key, label, colour, marker)`` of
    ``series`` (the rows of key ``k`` have ``series == k``), slopes in the legend."""
    positive = rows.loc[rows["regret_mean"] > 0, "regret_mean"]
    for key, name, colour, marker in series:
        line = rows[rows["series"] == key].sort_values("n")
        if line.empty:
            continue
        slope, dropped = log_slope(line["n"], line["regret_mean"])
        if dropped:
            log.warning("%s %s: %d non-positive regrets left out of the fit", where, key, dropped)
        keep = line["regret_mean"] > 0
        fitted = f"{slope:.2f}" if np.isfinite(slope) else "n/a"
        label = f"{name}: slope {fitted}"
        label += f" ({dropped} dropped: regret ≤ 0)" if dropped else ""
        label += _failure_note(_failed_fits(line, by=["n"]))
        ax.plot(
            line["n"][keep],
            line["regret_mean"][keep],
            color=colour,
            marker=marker,
            ms=4.5,
            label=label,
        )
        _mark_failures(ax, line["n"][keep], line["regret_mean"][keep], line["n_failed"][keep])
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
            ls=_PART_STYLES[part],
            marker="o",
            ms=3.5,
            lw=1.8 if part == "total" else 1.3,
        )
    _mark_failures(ax, cell["gamma"], cell["total"], cell["n_failed"])


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


PLOTS = {
    "well_specified": plot_well_specified,
    "misspecified": plot_misspecified,
    "rate": plot_rate,
    "decomposition": plot_decomposition,
    "misspecification_sweep": plot_misspecification_sweep,
    "population": plot_population,
    "discrepancies": plot_discrepancies,
    "flexible_models": plot_flexible_models,
    "flexible_rate": plot_flexible_rate,
    "real_data": plot_real_data,
    "sim_vs_real": plot_sim_vs_real,
    "calibration": plot_calibration,
}

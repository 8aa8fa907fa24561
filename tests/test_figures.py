"""augsim.report.figures on small synthetic tables built here.

The summary and population tables follow the formats of :func:`augsim.steps.aggregate.summarise`
and :func:`augsim.population.limits.population_table`, the others those of
:mod:`augsim.report.tables`; their values are formulas, so the tests know what each figure must
show (exact power laws for the rate, known parts for the decomposition). Catalogues and
selections are built as the plan builds them (``report_helpers``).
"""

import ast
import inspect
import itertools
import subprocess
import sys

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import seaborn as sns
from matplotlib.collections import PathCollection, PolyCollection
from matplotlib.figure import Figure
from report_helpers import catalogue, selection

from augsim.generators.registry import GENERATORS, generator_class
from augsim.metrics.registry import HEADLINE, RANKING
from augsim.report import selections
from augsim.report.figures import flexible, gamma, oversamplers, population, rate, real_data, render
from augsim.report.figures.style import PART_COLOURS, MethodStyle
from augsim.report.registry import FIGURES, load
from augsim.statistics import loglog_slope
from augsim.steps.aggregate import CELL

SOURCES = {
    "mild": {"name": "gaussian_hetero", "params": {"dim": 2, "spread": 1.0}},
    "strong": {"name": "gaussian_hetero", "params": {"dim": 2, "spread": 2.0}},
}
EXPERIMENTS = {
    "sweep": {
        "dgps": ["mild", "strong"],
        "n": [100],
        "models": ["linear", "quadratic"],
        "methods": ["oracle", "ros", "reweight"],
        "gammas": [0.0, 1.0, 2.0],
    },
    "rate": {
        "dgps": ["mild"],
        "n": [100, 200, 400, 800],
        "models": ["linear", "quadratic"],
        "methods": ["oracle"],
        "gammas": [1.0],
    },
}
ROLES = {"raw": "unaugmented", "reweight": "weighting", "oracle": "truth", "ros": "resampler"}
MODELS = {
    "linear": {"label": "logistic", "flexibility": 0},
    "quadratic": {"label": "quadratic logistic", "flexibility": 1, "exact_population": False},
}
# the calibration metrics the real-data figures read, scored on the shown source only
CALIBRATION = ("brier", "brier_corrected", "calibration_slope", "calibration_slope_corrected")
RATE_EXPONENT = {"raw": -1.0, "oracle": -0.5}
# mean paired difference from raw per unit gamma, by method (metric index adds a small offset)
SLOPE = {"raw": 0.0, "oracle": 0.02, "ros": -0.01, "reweight": 0.015}


def study_catalogue(roles=ROLES, labels=None, generators=None) -> dict:
    """What the plan's catalogue gives: each generator instance (key -> registry name) with its
    class's colour and marker."""
    found = catalogue(roles, MODELS, SOURCES, {"ros": "ROS", **(labels or {})})
    for key, name in (generators or {"oracle": "oracle", "ros": "ros"}).items():
        found["methods"][key] |= generator_class(name).style()
    return found


CATALOGUE = study_catalogue()
OPTIONS = {"options": {}, "catalogue": CATALOGUE}


def cell(model="linear", source="strong", experiment=EXPERIMENTS["sweep"], cat=CATALOGUE):
    """The selection of one (source, model) of an experiment."""
    return selection(experiment, cat, sources=[source], models=[model])


def _summary_row(dgp, n, model, method, at, source, evaluation, k, metric, failed=0):
    diff = SLOPE[method] * at * (1 + 0.1 * k) * (2.0 if dgp == "strong" else 1.0)
    regret = 0.3 * (1 + k) * n ** RATE_EXPONENT.get(method, -1.0)
    value = (1.0 if "slope" in metric else 0.9 - regret) + diff
    return {
        "dgp": dgp, "n": n, "model": model, "method": method, "gamma": at,
        "evaluation": evaluation, "source": source, "metric": metric,
        "prevalence": 1 / 21, "bayes": 0.9, "n_failed": failed,
        "mean": value, "se": 0.01, "ci_low": value - 0.02, "ci_high": value + 0.02,
        "diff_mean": diff, "diff_se": 0.005, "diff_ci_low": diff - 0.01,
        "diff_ci_high": diff + 0.01, "regret_mean": regret, "regret_se": 0.001,
        "regret_ci_low": regret - 0.002, "regret_ci_high": regret + 0.002, "n_ok": 4 - failed,
    }  # fmt: skip


@pytest.fixture(scope="module")
def summary() -> pd.DataFrame:
    rows = []
    for (name, experiment), evaluation in itertools.product(
        EXPERIMENTS.items(), ["training", "fixed_0.5"]
    ):
        cells = itertools.product(experiment["dgps"], experiment["n"], experiment["models"])
        for dgp, n, model in cells:
            # the quadratic model has no exact population metric, as in the real tables
            sources = ["empirical"] + (["population"] if model == "linear" else [])
            methods = [
                ("raw", 0.0),
                *itertools.product(experiment["methods"], experiment["gammas"]),
            ]
            for (method, at), source in itertools.product(methods, sources):
                metrics = [*RANKING, *(CALIBRATION if source == sources[-1] else ())]
                for k, metric in enumerate(metrics):
                    # one failed fit in one cell, which every figure must show
                    failed = int(name == "sweep" and method == "ros" and at == 2.0)
                    rows.append(
                        _summary_row(
                            dgp, n, model, method, at, source, evaluation, k % 4, metric, failed
                        )
                    )
    table = pd.DataFrame(rows).drop_duplicates(subset=CELL)
    # the real table stores whole-number gammas as integers: the figures must not care
    return table.assign(gamma=table["gamma"].astype(int))


@pytest.fixture(scope="module")
def population_table() -> pd.DataFrame:
    rows = []
    for dgp, (k, metric) in itertools.product(SOURCES, enumerate(RANKING)):
        for w in (0.05, 0.25, 0.5, 0.75, 0.95):
            rows.append(
                {"dgp": dgp, "kind": "weight_curve", "n": 0, "method": "weighting",
                 "gamma": np.nan, "weight": w, "evaluation": "training", "prevalence": 1 / 21,
                 "metric": metric, "value": 0.8 - 0.1 * (w - 0.5) ** 2 - 0.01 * k,
                 "bayes": 0.85}
            )  # fmt: skip
        methods = [m for m in SLOPE if m != "raw"]
        for method, at in [("raw", 0.0), *itertools.product(methods, [0.0, 1.0, 2.0])]:
            rows.append(
                {"dgp": dgp, "kind": "gamma_curve", "n": 100, "method": method,
                 "gamma": at, "weight": 0.5, "evaluation": "training",
                 "prevalence": 1 / 21, "metric": metric,
                 "value": 0.8 + 0.5 * SLOPE[method] * at, "bayes": 0.85}
            )  # fmt: skip
    return pd.DataFrame(rows)


def _data_axes(fig: Figure) -> list:
    """Panels, without colorbars."""
    return [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]


def _legend_text(legend) -> str:
    return " | ".join(text.get_text() for text in legend.get_texts())


# ---------------------------------------------------------------------------------------------
# Figures 1 and 2
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("plot", [gamma.plot_well_specified, gamma.plot_misspecified])
def test_gamma_figure_draws_methods_bands_and_population_overlay(plot, summary, population_table):
    fig = plot(summary, population_table, selection=cell(), **OPTIONS)
    assert isinstance(fig, Figure)
    axes = _data_axes(fig)
    assert len(axes) == len(RANKING)
    for ax in axes:
        # zero line + 3 methods + 3 dashed population overlays + 1 failure marker
        assert len(ax.lines) == 1 + 3 + 3 + 1
        assert len(ax.collections) == 3  # one 95% band per method
        dashed = [line for line in ax.lines if line.get_linestyle() == "--"]
        assert len(dashed) == 3
    assert "DGP strong (gaussian_hetero)" in fig.get_suptitle()
    assert "n = 100" in fig.get_suptitle()
    # a failed fit fails all four metrics: it is counted once
    assert "ROS (1 failed fit: x)" in _legend_text(fig.legends[0])
    assert plt.get_fignums() == []  # nothing registered with pyplot, nothing to close


def test_gamma_figure_population_overlay_is_the_difference_from_raw(summary, population_table):
    fig = gamma.plot_misspecified(summary, population_table, selection=cell(), **OPTIONS)
    ax = _data_axes(fig)[0]
    overlay = [line for line in ax.lines if line.get_linestyle() == "--"]
    oracle = overlay[0]  # methods are drawn in the experiment's order
    np.testing.assert_allclose(oracle.get_xdata(), [0.0, 1.0, 2.0])
    np.testing.assert_allclose(oracle.get_ydata(), [0.0, 0.01, 0.02])


def test_gamma_figure_without_exact_metrics_uses_test_set_and_no_overlay(summary, population_table):
    fig = gamma.plot_misspecified(summary, population_table, selection=cell("quadratic"), **OPTIONS)
    for ax in _data_axes(fig):
        assert len(ax.lines) == 1 + 3 + 1
    assert "test-set" in fig.get_suptitle()


# ---------------------------------------------------------------------------------------------
# Figures 3 and 9
# ---------------------------------------------------------------------------------------------


def test_loglog_slope_recovers_power_law_exponent():
    n = np.array([50, 100, 200, 400, 800])
    for exponent in (-1.0, -0.5, -2.0):
        fit = loglog_slope(n, 3.0 * n**exponent)
        assert fit.slope == pytest.approx(exponent, abs=1e-12)
        assert fit.points == len(n)  # nothing dropped


def test_loglog_slope_drops_non_positive_regrets():
    n = np.array([50, 100, 200, 400])
    regret = 2.0 / n
    regret[1] = 0.0
    regret[2] = -1e-4
    fit = loglog_slope(n, regret)
    assert fit.slope == pytest.approx(-1.0, abs=1e-12)
    assert len(n) - fit.points == 2  # what the rate legend reports as dropped
    assert np.isnan(loglog_slope(n[:2], [1e-3, -1e-3]).slope)


def test_rate_figure_legend_gives_the_true_exponents(summary):
    view = selection(EXPERIMENTS["rate"], CATALOGUE, models=["linear"])
    fig = rate.plot_rate(summary, selection=view, **OPTIONS)
    axes = _data_axes(fig)
    assert len(axes) == len(RANKING)
    for ax in axes:
        text = _legend_text(ax.get_legend())
        assert "raw: slope -1.00" in text
        assert "oracle: slope -0.50" in text
        assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
        assert len(ax.lines) == 2 + 1  # two methods and the slope -1 reference
    assert "n = 100, 200, 400, 800" in fig.get_suptitle()


def test_rate_figure_counts_dropped_regrets(summary):
    dropped = summary.assign(
        regret_mean=summary["regret_mean"].where(
            (summary["method"] != "raw") | (summary["n"] != 200), -1e-4
        )
    )
    view = selection(EXPERIMENTS["rate"], CATALOGUE, models=["linear"])
    fig = rate.plot_rate(dropped, selection=view, **OPTIONS)
    text = _legend_text(_data_axes(fig)[0].get_legend())
    assert "raw: slope -1.00 (1 dropped: regret ≤ 0)" in text


def test_flexible_rate_figure_has_a_line_per_model(summary):
    view = selection(EXPERIMENTS["rate"], CATALOGUE)
    fig = rate.plot_flexible_rate(summary, selection=view, **OPTIONS)
    axes = _data_axes(fig)
    assert len(axes) == len(RANKING)  # one DGP row
    for ax in axes:
        text = _legend_text(ax.get_legend())
        assert "logistic: slope -1.00" in text
        assert "quadratic logistic: slope -1.00" in text
        assert len(ax.lines) == 2 + 1
    assert axes[0].get_title() == "AUROC — mild"


# ---------------------------------------------------------------------------------------------
# Figure 4
# ---------------------------------------------------------------------------------------------


def test_decomposition_parts_add_up(summary):
    parts = selections.decomposition_parts(summary, selection=cell(), catalogue=CATALOGUE)
    assert set(parts["generator"]) == {"ros"}  # oracle and reweight are the references
    assert len(parts) == 3 * len(RANKING)
    np.testing.assert_allclose(
        parts["total"], parts["weighting"] + parts["discrepancy"] + parts["residual"], atol=1e-15
    )
    row = parts[(parts["gamma"] == 2.0) & (parts["metric"] == "auroc")].iloc[0]
    # strong DGP doubles the slopes: d(ros) = -0.04, d(reweight) = 0.06, d(oracle) = 0.08
    assert row["total"] == pytest.approx(-0.04)
    assert row["weighting"] == pytest.approx(0.06)
    assert row["discrepancy"] == pytest.approx(-0.12)
    assert row["residual"] == pytest.approx(0.02)
    assert row["n_failed"] == 1
    assert row["source"] == "population"


def test_decomposition_figure_has_a_panel_per_metric_and_generator(summary):
    fig = gamma.plot_decomposition(summary, selection=cell(), **OPTIONS)
    axes = _data_axes(fig)
    assert len(axes) == len(RANKING) * 1
    for ax in axes:
        assert len(ax.lines) == 1 + 4 + 1  # zero line, four parts, failure marker
        assert len(ax.collections) == 1  # the total's band
    assert axes[0].get_title() == "ROS (1 failed fit: x)"
    assert "DGP strong (gaussian_hetero), n = 100, model linear" in fig.get_suptitle()


# ---------------------------------------------------------------------------------------------
# Figure 5
# ---------------------------------------------------------------------------------------------


def test_misspecification_sweep_heatmaps(summary):
    view = selection(EXPERIMENTS["sweep"], CATALOGUE, models=["linear"])
    fig = gamma.plot_misspecification_sweep(
        summary, selection=view, options={"degree": "spread"}, catalogue=CATALOGUE
    )
    axes = _data_axes(fig)
    assert len(axes) == 3 * len(RANKING)  # methods oracle, ros, reweight
    assert len(fig.axes) - len(axes) == len(RANKING)  # one colour bar per metric
    first = axes[0]
    assert len(first.collections) == 1  # the heatmap mesh
    labels = [label.get_text() for label in first.get_yticklabels()]
    assert labels == ["2 (strong)", "1 (mild)"]  # largest degree on top
    mesh = first.collections[0]
    assert mesh.norm.vmin == -mesh.norm.vmax  # diverging scale centred at 0
    annotations = [text.get_text() for ax in axes for text in ax.texts]
    assert any(text.endswith("*") for text in annotations)  # the failed cell
    assert "(spread) — n = 100, model linear" in fig.get_suptitle()


# ---------------------------------------------------------------------------------------------
# Figure 6
# ---------------------------------------------------------------------------------------------


def test_population_figure(population_table):
    fig = population.plot_population(population_table, selection=None, **OPTIONS)
    axes = _data_axes(fig)
    assert len(axes) == len(RANKING)
    for ax in axes:
        # per DGP a curve and its Bayes line, plus the raw and balanced weight markers
        assert len(ax.lines) == 2 * len(SOURCES) + 2
    bayes = [line for line in axes[0].lines if line.get_linestyle() == "--"]
    assert {line.get_ydata()[0] for line in bayes} == {0.85}
    assert "DGP mild (gaussian_hetero)" in _legend_text(fig.legends[0])


# ---------------------------------------------------------------------------------------------
# Figures 7 and 8: the discrepancies and flexible tables
# ---------------------------------------------------------------------------------------------


def discrepancy_table() -> pd.DataFrame:
    """Two generators per (DGP, metric); kde has no closed-form limit and one failed replicate."""
    rows = []
    for dgp, metric in itertools.product(SOURCES, RANKING):
        for generator, value in (("ros", -0.02), ("kde", 0.01)):
            rows.append(
                {"dgp": dgp, "n": 100, "model": "linear", "gamma": 1.0, "source": "population",
                 "metric": metric, "generator": generator, "discrepancy": value,
                 "discrepancy_low": value - 0.005, "discrepancy_high": value + 0.005,
                 "population": value / 2 if generator == "ros" else np.nan,
                 "weighting": 0.003, "weighting_low": 0.001, "weighting_high": 0.005,
                 "n_pairs": 40 - (generator == "kde"), "n_failed": int(generator == "kde")}
            )  # fmt: skip
    return pd.DataFrame(rows).sort_values(["dgp", "metric", "discrepancy"], kind="stable")


def test_discrepancies_figure_orders_generators_and_marks_limits_and_failures():
    cat = study_catalogue(
        {**ROLES, "kde": "density"}, labels={"kde": "KDE"}, generators={"ros": "ros", "kde": "kde"}
    )
    fig = oversamplers.plot_discrepancies(
        discrepancy_table(), selection=None, options={}, catalogue=cat
    )
    axes = fig.axes
    assert len(axes) == len(RANKING) * len(SOURCES)
    for ax in axes:
        labels = [label.get_text() for label in ax.get_yticklabels()]
        assert labels == ["ROS", "KDE (1 failed)"]  # by discrepancy
        diamonds = [line for line in ax.lines if line.get_marker() == "D"]
        assert len(diamonds) == 1  # ros has a closed-form limit, kde not
    assert axes[0].get_title() == "AUROC — DGP mild (gaussian_hetero)"
    assert "n = 100, model linear, 40 replicates" in fig.get_suptitle()


def flexible_table() -> pd.DataFrame:
    """Raw's regret and the gains of oracle at two gammas, for two models on one DGP."""
    rows = []
    for (model, info), metric in itertools.product(MODELS.items(), RANKING):
        common = {"dgp": "mild", "n": 100, "model": model, "flexibility": info["flexibility"],
                  "metric": metric, "n_ok": 4}  # fmt: skip
        rows.append(
            {**common, "method": "raw", "gamma": 0.0, "diff_mean": np.nan, "diff_ci_low": np.nan,
             "diff_ci_high": np.nan, "regret_mean": 0.02, "regret_ci_low": 0.01,
             "regret_ci_high": 0.03, "test_se": np.nan, "n_failed": 0}
        )  # fmt: skip
        for at in (1.0, 2.0):
            rows.append(
                {**common, "method": "oracle", "gamma": at, "diff_mean": 0.01 * at,
                 "diff_ci_low": 0.01 * at - 0.005, "diff_ci_high": 0.01 * at + 0.005,
                 "regret_mean": np.nan, "regret_ci_low": np.nan, "regret_ci_high": np.nan,
                 "test_se": 0.002 if model == "quadratic" else np.nan, "n_failed": 0}
            )  # fmt: skip
    # the most flexible model first: the figure orders by flexibility
    return pd.DataFrame(rows).iloc[::-1].reset_index(drop=True)


def test_flexible_models_figure_orders_models_by_flexibility():
    fig = flexible.plot_flexible_models(flexible_table(), selection=None, **OPTIONS)
    axes = fig.axes
    assert len(axes) == len(RANKING) * 2  # gain and regret panels of one DGP
    for ax in axes:
        labels = [label.get_text() for label in ax.get_xticklabels()]
        assert labels == ["logistic", "quadratic logistic"]
    gain = axes[0]
    bands = [c for c in gain.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 1  # the Monte Carlo band of the quadratic model only
    assert gain.get_title() == "AUROC gain — mild"
    assert axes[1].get_title() == "AUROC regret of raw — mild"
    assert "$\\gamma$ = 1, 2" in fig.get_suptitle()


# ---------------------------------------------------------------------------------------------
# Figures 10 to 12: real data
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_table() -> pd.DataFrame:
    """Two data sets; raw at gamma 0, ros and oracle at gammas 0.5 and 1."""
    rows = []
    sets = (("pima_split", "pima", 1.9, 0.02), ("yeast_split", "yeast", 28.4, -0.02))
    metrics = dict.fromkeys((*HEADLINE, *CALIBRATION))
    for (dgp, name, ratio, gain), metric in itertools.product(sets, metrics):
        base = 1.0 if "slope" in metric else 0.5
        methods = [("raw", 0.0), *itertools.product(("ros", "oracle"), (0.5, 1.0))]
        for method, at in methods:
            diff = np.nan if method == "raw" else gain * at
            rows.append(
                {"dgp": dgp, "dataset": name, "imbalance_ratio": ratio, "model": "linear",
                 "method": method, "gamma": at, "metric": metric,
                 "value_mean": base + (0.0 if method == "raw" else diff), "diff_mean": diff,
                 "diff_ci_low": diff - 0.015, "diff_ci_high": diff + 0.015, "splits": 20}
            )  # fmt: skip
    return pd.DataFrame(rows)


def test_real_data_figure(real_table):
    fig = real_data.plot_real_data(real_table, selection=None, **OPTIONS)
    axes = fig.axes
    assert len(axes) == 2 * len(HEADLINE)  # gammas 0.5 and 1
    labels = [label.get_text() for label in axes[0].get_yticklabels()]
    assert labels == ["pima (2)", "yeast (28)"]
    xlabels = {ax.get_title(): ax.get_xlabel() for ax in axes}
    assert xlabels["Brier score — $\\gamma$ = 1"].endswith("(lower is better)")
    assert xlabels["AUROC — $\\gamma$ = 1"].endswith("(higher is better)")
    assert _legend_text(fig.legends[0]) == "ROS | oracle"  # in the table's order


def test_sim_vs_real_figure(summary, real_table):
    fig = real_data.plot_sim_vs_real(
        summary, real_table, selection=cell("quadratic"), options={"gamma": 1}, catalogue=CATALOGUE
    )
    axes = fig.axes
    assert [ax.get_title() for ax in axes][-1] == "Brier score"
    for ax in axes:
        assert len(ax.containers) == 2  # the simulation's gain of ros and oracle, with intervals
        # per method the real data sets, hollow (interval over 0) and filled: at gamma 1 pima
        # gains 0.02 and yeast -0.02, both intervals exclude 0
        points = [c for c in ax.collections if isinstance(c, PathCollection)]
        assert [len(c.get_offsets()) for c in points] == [0, 2, 0, 2]
    assert "simulation: DGP strong (95% interval)" in _legend_text(fig.legends[0])
    assert "simulation: quadratic, test-set metric; real data: 2 sets" in fig.get_suptitle()


def test_calibration_figure(summary, real_table):
    fig = real_data.plot_calibration(summary, real_table, selection=cell(), **OPTIONS)
    brier, slope, real_brier, real_slope = fig.axes
    assert brier.get_title() == "Brier score - raw — DGP strong, linear"
    assert slope.get_title() == "calibration slope — DGP strong, linear"
    assert real_slope.get_title() == "calibration slope — mean over 2 real data sets"
    # raw as fitted, the three methods as fitted and corrected, and the reference line
    assert len(brier.lines) == 1 + 3 * 2 + 1
    assert brier.lines[-1].get_ydata()[0] == 0.0  # the Brier score: a difference from raw
    assert slope.lines[-1].get_ydata()[0] == 1.0  # the slope: its value, target 1
    raw = slope.lines[0]
    np.testing.assert_allclose(raw.get_ydata(), [1.0])  # raw's value, not its difference
    assert "prior-shift corrected" in _legend_text(fig.legends[0])
    assert len(real_brier.lines) == 1 + 2 * 2 + 1


# ---------------------------------------------------------------------------------------------
# Bad selections, colours, saving
# ---------------------------------------------------------------------------------------------


def test_decomposition_finds_its_references_by_role(summary):
    # the truth sampler under another key: the same parts, the same colour as the oracle's
    renamed = summary.assign(method=summary["method"].replace({"oracle": "truth"}))
    cat = study_catalogue(
        {**ROLES, "truth": "truth"},
        labels={"truth": "truth (oracle)"},
        generators={"truth": "oracle", "ros": "ros"},
    )
    experiment = {**EXPERIMENTS["sweep"], "methods": ["truth", "ros", "reweight"]}
    view = cell(experiment=experiment, cat=cat)
    expected = selections.decomposition_parts(summary, selection=cell(), catalogue=CATALOGUE)
    parts = selections.decomposition_parts(renamed, selection=view, catalogue=cat)
    pd.testing.assert_frame_equal(parts, expected)
    assert MethodStyle(cat).colour("truth") == MethodStyle(CATALOGUE).colour("oracle")
    fig = gamma.plot_decomposition(renamed, selection=view, options={}, catalogue=cat)
    assert "truth (oracle)" in _legend_text(fig.legends[0])


def test_bad_gamma_selection_raises(summary, population_table):
    two = selection(EXPERIMENTS["sweep"], CATALOGUE, models=["linear"])
    with pytest.raises(ValueError, match="shows 2 sources"):
        gamma.plot_well_specified(summary, population_table, selection=two, **OPTIONS)
    other = {**EXPERIMENTS["sweep"], "dgps": [*EXPERIMENTS["sweep"]["dgps"], "other"]}
    with pytest.raises(ValueError, match="no population summary"):
        gamma.plot_well_specified(
            summary, population_table, selection=cell(source="other", experiment=other), **OPTIONS
        )


def test_selection_absent_from_tables_raises(summary, population_table):
    absent = summary[summary["dgp"] != "strong"]
    with pytest.raises(ValueError, match="no population summary rows"):
        gamma.plot_misspecified(absent, population_table, selection=cell(), **OPTIONS)
    with pytest.raises(ValueError, match="no population summary rows"):
        gamma.plot_decomposition(absent, selection=cell(), **OPTIONS)


def test_other_bad_selections_raise(summary, population_table):
    no_one = selection(EXPERIMENTS["rate"], CATALOGUE, models=["linear"], gammas=[2.0])
    with pytest.raises(ValueError, match="no gamma 1"):
        rate.plot_rate(summary, selection=no_one, **OPTIONS)
    sweep = selection(EXPERIMENTS["sweep"], CATALOGUE, models=["linear"])
    with pytest.raises(ValueError, match="no numeric parameter 'tilt'"):
        gamma.plot_misspecification_sweep(
            summary, selection=sweep, options={"degree": "tilt"}, catalogue=CATALOGUE
        )
    experiment = {**EXPERIMENTS["sweep"], "methods": ["ros", "oracle"]}
    with pytest.raises(ValueError, match="role 'weighting'"):
        selections.decomposition_parts(
            summary, selection=cell(experiment=experiment), catalogue=CATALOGUE
        )
    with pytest.raises(ValueError, match="weight_curve"):
        population.plot_population(
            population_table[population_table["kind"] == "gamma_curve"], selection=None, **OPTIONS
        )


def test_method_colours_are_fixed_and_distinct():
    generators = {name: name for name in GENERATORS}
    roles = {**ROLES, **{name: str(generator_class(name).role) for name in GENERATORS}}
    style = MethodStyle(study_catalogue(roles, generators=generators))
    known = list(roles)
    colours = [style.colour(method) for method in known]
    assert len(set(colours)) == len(known)
    assert len({style.marker(method) for method in known if method != "raw"}) == len(known) - 1
    # a method without a declared colour (or absent from the catalogue): a stable spare colour
    assert style.colour("smote_k3") == style.colour("smote_k3")
    assert style.colour("smote_k3") not in colours
    assert (style.label("smote_k3"), style.marker("smote_k3")) == ("smote_k3", "o")
    undeclared = MethodStyle(catalogue({"smote_k3": "resampler"}))
    assert undeclared.colour("smote_k3") == style.colour("smote_k3")


def test_method_and_part_colours_are_the_palettes_of_before():
    colorblind, dark = sns.color_palette("colorblind", 10), sns.color_palette("dark", 8)
    roles = {name: str(generator_class(name).role) for name in GENERATORS}
    style = MethodStyle(study_catalogue({**ROLES, **roles}, generators={n: n for n in GENERATORS}))
    expected = {"raw": (0.0, 0.0, 0.0), "reweight": colorblind[7], "oracle": colorblind[0],
                "ros": colorblind[1], "smote": colorblind[2], "gaussian": colorblind[4],
                "biased_oracle": colorblind[9], "adasyn": dark[0], "kde": dark[7]}  # fmt: skip
    assert {method: style.colour(method) for method in expected} == expected
    assert PART_COLOURS == {
        "total": (0.0, 0.0, 0.0),
        "weighting": colorblind[7],
        "discrepancy": colorblind[3],
        "residual": colorblind[0],
    }


def test_save_figure_writes_pdf_and_png(tmp_path, population_table):
    fig = population.plot_population(population_table, selection=None, **OPTIONS)
    pdf, png = tmp_path / "out" / "population.pdf", tmp_path / "out" / "population.png"
    render.save_figure(fig, pdf, png)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert png.read_bytes().startswith(b"\x89PNG")
    assert sorted(path.name for path in pdf.parent.iterdir()) == [pdf.name, png.name]


@pytest.mark.parametrize("figure", ["misspecified", "population"])
def test_render_draws_a_figure_the_same_twice(tmp_path, summary, population_table, figure):
    item = FIGURES[figure]
    tables = {"summary": summary, "population": population_table}
    view = cell().to_params() if item.view else None
    drawn = []
    for attempt in ("first", "second"):
        outputs = (tmp_path / f"{attempt}.pdf", tmp_path / f"{attempt}.png")
        render.render(
            item.function,
            tables=[tables[name] for name in item.reads],
            selection=view,
            **OPTIONS,
            outputs=outputs,
        )
        assert outputs[0].read_bytes().startswith(b"%PDF")
        assert outputs[1].read_bytes().startswith(b"\x89PNG")
        drawn.append([path.read_bytes() for path in outputs])
    assert drawn[0] == drawn[1]


@pytest.mark.parametrize(
    ("function", "match"),
    [
        ("augsim.report.figures.rate:plot_roc", "has no function 'plot_roc'"),
        ("augsim.report.figures.rate.plot_rate", "of the form 'module:function'"),
    ],
)
def test_render_rejects_an_unknown_function(tmp_path, function, match):
    with pytest.raises(ValueError, match=match):
        render.render(
            function, tables=[], selection=None, options={}, catalogue={}, outputs=(tmp_path,) * 2
        )


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_registered_figure_has_a_plot_function(name):
    item = FIGURES[name]
    plot = load(item.function)
    assert callable(plot)
    parameters = inspect.signature(plot).parameters.values()
    positional = [p for p in parameters if p.kind == p.POSITIONAL_OR_KEYWORD]
    keywords = [p.name for p in parameters if p.kind == p.KEYWORD_ONLY]
    assert len(positional) == len(item.reads)  # one per table it reads, in order
    assert keywords == ["selection", "options", "catalogue"]


def test_a_figure_module_imports_no_other():
    code = (
        "import sys; import augsim.report.figures.render, augsim.report.figures.rate; "
        "print(sorted(m for m in sys.modules if m.startswith('augsim.report.figures.')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    loaded = ast.literal_eval(result.stdout)
    assert loaded == [f"augsim.report.figures.{m}" for m in ("rate", "render", "style")]

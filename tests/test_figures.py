"""augsim.figures on small synthetic summary and population tables built here.

The tables follow the formats of :func:`augsim.tables.summarise` and
:func:`augsim.limits.population_table`; their values are formulas, so the tests know what each
figure must show (exact power laws for the rate, known parts for the decomposition).
"""

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from augsim import figures, views
from augsim.tables import CELL
from augsim.views import METRICS

DGPS = {
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
        "models": ["linear"],
        "methods": ["oracle"],
        "gammas": [1.0],
    },
}
GAMMA_SPEC = {"experiment": "sweep", "dgp": "strong", "model": "linear"}
# what augsim.plan.catalogue gives for such a config: roles, labels and capabilities
CATALOGUE = {
    "roles": {"raw": "unaugmented", "reweight": "weighting", "oracle": "truth",
              "ros": "resampler"},
    "labels": {"raw": "raw", "reweight": "reweight", "oracle": "oracle", "ros": "ROS"},
    "generator_names": {"oracle": "oracle", "ros": "ros"},
    "models": {"linear": {"label": "logistic", "exact_population": True},
               "quadratic": {"label": "quadratic logistic", "exact_population": False}},
    "dgps": {dgp: {"kind": "simulated", "has_population": True} for dgp in DGPS},
}  # fmt: skip
OPTIONS = {"experiments": EXPERIMENTS, "catalogue": CATALOGUE, "dgps": DGPS}
RATE_EXPONENT = {"raw": -1.0, "oracle": -0.5}
# mean paired difference from raw per unit gamma, by method (metric index adds a small offset)
SLOPE = {"raw": 0.0, "oracle": 0.02, "ros": -0.01, "reweight": 0.015}


def _summary_row(dgp, n, model, method, gamma, source, evaluation, k, metric, failed=0):
    diff = SLOPE[method] * gamma * (1 + 0.1 * k) * (2.0 if dgp == "strong" else 1.0)
    regret = 0.3 * (1 + k) * n ** RATE_EXPONENT.get(method, -1.0)
    return {
        "dgp": dgp, "n": n, "model": model, "method": method, "gamma": gamma,
        "evaluation": evaluation, "source": source, "metric": metric,
        "prevalence": 1 / 21, "bayes": 0.9, "n_failed": failed,
        "mean": 0.9 - regret, "se": 0.01, "ci_low": 0.88 - regret, "ci_high": 0.92 - regret,
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
            for (method, gamma), source, (k, metric) in itertools.product(
                methods, sources, enumerate(METRICS)
            ):
                # one failed fit in one cell, which every figure must show
                failed = int(name == "sweep" and method == "ros" and gamma == 2.0)
                rows.append(
                    _summary_row(
                        dgp, n, model, method, gamma, source, evaluation, k, metric, failed
                    )
                )
    table = pd.DataFrame(rows).drop_duplicates(subset=CELL)
    # the real table stores whole-number gammas as integers: the figures must not care
    return table.assign(gamma=table["gamma"].astype(int))


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    rows = []
    for dgp, (k, metric) in itertools.product(DGPS, enumerate(METRICS)):
        for w in (0.05, 0.25, 0.5, 0.75, 0.95):
            rows.append(
                {"dgp": dgp, "kind": "weight_curve", "n": 0, "method": "weighting",
                 "gamma": np.nan, "weight": w, "evaluation": "training", "prevalence": 1 / 21,
                 "metric": metric, "value": 0.8 - 0.1 * (w - 0.5) ** 2 - 0.01 * k,
                 "bayes": 0.85}
            )  # fmt: skip
        methods = [m for m in SLOPE if m != "raw"]
        for method, gamma in [("raw", 0.0), *itertools.product(methods, [0.0, 1.0, 2.0])]:
            rows.append(
                {"dgp": dgp, "kind": "gamma_curve", "n": 100, "method": method,
                 "gamma": gamma, "weight": 0.5, "evaluation": "training",
                 "prevalence": 1 / 21, "metric": metric,
                 "value": 0.8 + 0.5 * SLOPE[method] * gamma, "bayes": 0.85}
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


@pytest.mark.parametrize("plot", [figures.plot_well_specified, figures.plot_misspecified])
def test_gamma_figure_draws_methods_bands_and_population_overlay(plot, summary, population):
    fig = plot(summary, population, spec=GAMMA_SPEC, **OPTIONS)
    assert isinstance(fig, Figure)
    axes = _data_axes(fig)
    assert len(axes) == len(METRICS)
    for ax in axes:
        # zero line + 3 methods + 3 dashed population overlays + 1 failure marker
        assert len(ax.lines) == 1 + 3 + 3 + 1
        assert len(ax.collections) == 3  # one 95% band per method
        dashed = [line for line in ax.lines if line.get_linestyle() == "--"]
        assert len(dashed) == 3
    assert "strong" in fig.get_suptitle() and "n = 100" in fig.get_suptitle()
    # a failed fit fails all four metrics: it is counted once
    assert "ROS (1 failed fit: x)" in _legend_text(fig.legends[0])
    assert plt.get_fignums() == []  # nothing registered with pyplot, nothing to close


def test_gamma_figure_population_overlay_is_the_difference_from_raw(summary, population):
    fig = figures.plot_misspecified(summary, population, spec=GAMMA_SPEC, **OPTIONS)
    ax = _data_axes(fig)[0]
    overlay = [line for line in ax.lines if line.get_linestyle() == "--"]
    oracle = overlay[0]  # methods are drawn in the experiment's order
    np.testing.assert_allclose(oracle.get_xdata(), [0.0, 1.0, 2.0])
    np.testing.assert_allclose(oracle.get_ydata(), [0.0, 0.01, 0.02])


def test_gamma_figure_without_exact_metrics_uses_test_set_and_no_overlay(summary, population):
    spec = {**GAMMA_SPEC, "model": "quadratic"}
    fig = figures.plot_misspecified(summary, population, spec=spec, **OPTIONS)
    for ax in _data_axes(fig):
        assert len(ax.lines) == 1 + 3 + 1
    assert "test-set" in fig.get_suptitle()


# ---------------------------------------------------------------------------------------------
# Figure 3
# ---------------------------------------------------------------------------------------------


def test_log_slope_recovers_power_law_exponent():
    n = np.array([50, 100, 200, 400, 800])
    for exponent in (-1.0, -0.5, -2.0):
        slope, dropped = figures.log_slope(n, 3.0 * n**exponent)
        assert slope == pytest.approx(exponent, abs=1e-12)
        assert dropped == 0


def test_log_slope_drops_non_positive_regrets():
    n = np.array([50, 100, 200, 400])
    regret = 2.0 / n
    regret[1] = 0.0
    regret[2] = -1e-4
    slope, dropped = figures.log_slope(n, regret)
    assert slope == pytest.approx(-1.0, abs=1e-12)
    assert dropped == 2
    assert np.isnan(figures.log_slope(n[:2], [1e-3, -1e-3])[0])


def test_rate_figure_legend_gives_the_true_exponents(summary):
    spec = {"experiment": "rate", "dgps": ["mild"], "model": "linear"}
    fig = figures.plot_rate(summary, spec=spec, **OPTIONS)
    axes = _data_axes(fig)
    assert len(axes) == len(METRICS)
    for ax in axes:
        text = _legend_text(ax.get_legend())
        assert "raw: slope -1.00" in text
        assert "oracle: slope -0.50" in text
        assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
        assert len(ax.lines) == 2 + 1  # two methods and the slope -1 reference


# ---------------------------------------------------------------------------------------------
# Figure 4
# ---------------------------------------------------------------------------------------------


def test_decomposition_parts_add_up(summary):
    parts = views.decomposition_parts(
        summary, spec=GAMMA_SPEC, experiments=EXPERIMENTS, catalogue=CATALOGUE
    )
    assert set(parts["generator"]) == {"ros"}  # oracle and reweight are the references
    assert len(parts) == 3 * len(METRICS)
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
    fig = figures.plot_decomposition(summary, spec=GAMMA_SPEC, **OPTIONS)
    axes = _data_axes(fig)
    assert len(axes) == len(METRICS) * 1
    for ax in axes:
        assert len(ax.lines) == 1 + 4 + 1  # zero line, four parts, failure marker
        assert len(ax.collections) == 1  # the total's band
    assert axes[0].get_title() == "ROS (1 failed fit: x)"


# ---------------------------------------------------------------------------------------------
# Figure 5
# ---------------------------------------------------------------------------------------------


def test_misspecification_sweep_heatmaps(summary):
    spec = {"experiment": "sweep", "model": "linear", "degree": "spread"}
    fig = figures.plot_misspecification_sweep(summary, spec=spec, **OPTIONS)
    axes = _data_axes(fig)
    assert len(axes) == 3 * len(METRICS)  # methods oracle, ros, reweight
    assert len(fig.axes) - len(axes) == len(METRICS)  # one colour bar per metric
    first = axes[0]
    assert len(first.collections) == 1  # the heatmap mesh
    labels = [label.get_text() for label in first.get_yticklabels()]
    assert labels == ["2 (strong)", "1 (mild)"]  # largest degree on top
    mesh = first.collections[0]
    assert mesh.norm.vmin == -mesh.norm.vmax  # diverging scale centred at 0
    annotations = [text.get_text() for ax in axes for text in ax.texts]
    assert any(text.endswith("*") for text in annotations)  # the failed cell


# ---------------------------------------------------------------------------------------------
# Figure 6
# ---------------------------------------------------------------------------------------------


def test_population_figure(population):
    fig = figures.plot_population(population, spec={}, dgps=DGPS)
    axes = _data_axes(fig)
    assert len(axes) == len(METRICS)
    for ax in axes:
        # per DGP a curve and its Bayes line, plus the raw and balanced weight markers
        assert len(ax.lines) == 2 * len(DGPS) + 2
    bayes = [line for line in axes[0].lines if line.get_linestyle() == "--"]
    assert {line.get_ydata()[0] for line in bayes} == {0.85}


# ---------------------------------------------------------------------------------------------
# Bad specs, colours, saving
# ---------------------------------------------------------------------------------------------


def test_decomposition_finds_its_references_by_role(summary):
    # the truth sampler under another key: the same parts, the same colour as the oracle's
    renamed = summary.assign(method=summary["method"].replace({"oracle": "truth"}))
    catalogue = {
        **CATALOGUE,
        "roles": {**CATALOGUE["roles"], "truth": "truth"},
        "labels": {**CATALOGUE["labels"], "truth": "truth (oracle)"},
        "generator_names": {"truth": "oracle", "ros": "ros"},
    }
    experiments = {"sweep": {**EXPERIMENTS["sweep"], "methods": ["truth", "ros", "reweight"]}}
    expected = views.decomposition_parts(
        summary, spec=GAMMA_SPEC, experiments=EXPERIMENTS, catalogue=CATALOGUE
    )
    parts = views.decomposition_parts(
        renamed, spec=GAMMA_SPEC, experiments=experiments, catalogue=catalogue
    )
    pd.testing.assert_frame_equal(parts, expected)
    style = figures.MethodStyle(catalogue)
    assert style.colour("truth") == figures.MethodStyle(CATALOGUE).colour("oracle")
    fig = figures.plot_decomposition(
        renamed, spec=GAMMA_SPEC, experiments=experiments, catalogue=catalogue, dgps=DGPS
    )
    assert "truth (oracle)" in _legend_text(fig.legends[0])


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        ({"experiment": "nope", "dgp": "strong", "model": "linear"}, "experiment 'nope'"),
        ({"experiment": "sweep", "dgp": "other", "model": "linear"}, "no population summary"),
    ],
)
def test_bad_gamma_spec_raises(summary, population, spec, match):
    catalogue = {**CATALOGUE, "dgps": {**CATALOGUE["dgps"], "other": CATALOGUE["dgps"]["mild"]}}
    with pytest.raises(ValueError, match=match):
        figures.plot_well_specified(
            summary, population, spec=spec, experiments=EXPERIMENTS, catalogue=catalogue
        )


def test_spec_absent_from_tables_raises(summary, population):
    absent = summary[summary["dgp"] != "strong"]
    with pytest.raises(ValueError, match="no population summary rows"):
        figures.plot_misspecified(absent, population, spec=GAMMA_SPEC, **OPTIONS)
    with pytest.raises(ValueError, match="no population summary rows"):
        figures.plot_decomposition(absent, spec=GAMMA_SPEC, **OPTIONS)


def test_other_bad_specs_raise(summary, population):
    rate = {"experiment": "rate", "dgps": ["mild"], "model": "linear"}
    with pytest.raises(ValueError, match="no gamma 1"):
        experiments = {"rate": {**EXPERIMENTS["rate"], "gammas": [2.0]}}
        figures.plot_rate(summary, spec=rate, experiments=experiments, catalogue=CATALOGUE)
    sweep = {"experiment": "sweep", "model": "linear", "degree": "tilt"}
    with pytest.raises(ValueError, match="no numeric parameter 'tilt'"):
        figures.plot_misspecification_sweep(summary, spec=sweep, **OPTIONS)
    experiments = {"sweep": {**EXPERIMENTS["sweep"], "methods": ["ros", "oracle"]}}
    with pytest.raises(ValueError, match="role 'weighting'"):
        views.decomposition_parts(
            summary, spec=GAMMA_SPEC, experiments=experiments, catalogue=CATALOGUE
        )
    with pytest.raises(ValueError, match="weight_curve"):
        figures.plot_population(population[population["kind"] == "gamma_curve"])


def test_method_colours_are_fixed_and_distinct():
    known = ["raw", "reweight", "oracle", "ros", "smote", "gaussian", "biased_oracle"]
    style = figures.MethodStyle(CATALOGUE)
    colours = [style.colour(method) for method in known]
    assert len(set(colours)) == len(known)
    assert style.colour("smote_k3") == style.colour("smote_k3")
    assert style.colour("smote_k3") not in colours


def test_save_figure_writes_pdf_and_png(tmp_path, population):
    fig = figures.plot_population(population)
    pdf, png = tmp_path / "out" / "population.pdf", tmp_path / "out" / "population.png"
    figures.save_figure(fig, pdf, png)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert png.read_bytes().startswith(b"\x89PNG")
    assert sorted(path.name for path in pdf.parent.iterdir()) == [pdf.name, png.name]


@pytest.mark.parametrize("figure", ["misspecified", "population"])
def test_render_draws_a_rule_from_table_files(tmp_path, summary, population, figure):
    from augsim import io

    inputs = {"summary": tmp_path / "summary.csv", "population": tmp_path / "population.csv"}
    io.write_table(summary, inputs["summary"])
    io.write_table(population, inputs["population"])
    if figure == "population":
        del inputs["summary"]
    outputs = [tmp_path / f"{figure}.pdf", tmp_path / f"{figure}.png"]
    params = {"spec": GAMMA_SPEC if figure != "population" else {}, **OPTIONS}
    figures.render(figure, inputs=inputs, params=params, outputs=outputs)
    assert outputs[0].read_bytes().startswith(b"%PDF")
    assert outputs[1].read_bytes().startswith(b"\x89PNG")


def test_render_rejects_an_unknown_figure(tmp_path):
    with pytest.raises(ValueError, match="valid figures: calibration, decomposition"):
        figures.render("roc", inputs={}, params={}, outputs=[])


def test_every_figure_of_the_workflow_has_a_plot_function():
    from augsim import validation

    assert set(figures.PLOTS) == set(validation.FIGURE_NEEDS)

"""Each claim's verdict, on small synthetic tables where it must hold and where it must fail."""

import inspect

import numpy as np
import pandas as pd
import pytest
from report_helpers import catalogue, selection

from augsim.metrics.registry import RANKING
from augsim.report.claims import common, real_data, simulation, table
from augsim.report.registry import CLAIMS
from augsim.steps import aggregate

RNG_SEED = 11
ROLES = {"raw": "unaugmented", "reweight": "weighting", "oracle": "truth", "biased": "biased"}
CATALOGUE = catalogue(ROLES, sources={"d": {}, "other": {}})
EXPERIMENT = {"dgps": ["d", "other"], "n": [100], "models": ["logistic"], "methods": ["reweight"],
              "gammas": [0.0, 0.5, 1.0, 2.0]}  # fmt: skip
SIZES = (500, 1000, 2000, 4000, 8000, 16000)


def _selection(*methods, n=(100,), source="d", cat=CATALOGUE):
    """The view of the experiment on one source and the logistic model, with these methods."""
    experiment = {**EXPERIMENT, "methods": list(methods or EXPERIMENT["methods"]), "n": list(n)}
    return selection(experiment, cat, sources=[source], models=["logistic"])


SELECTION = _selection()


def _tables(summary=None, replicates=None, population=None):
    return common.Tables(summary, replicates, population)


def _replicates(curve, *, methods=("reweight",), replicates=30, noise=0.002, dgp="d", n=100):
    """Replicate rows: value = 0.8 + curve(method, gamma) + noise, raw at gamma 0."""
    rng = np.random.default_rng(RNG_SEED)
    rows = []
    for replicate in range(replicates):
        base = 0.8 + rng.normal(0, 0.02)  # shared by all methods of a replicate: pairing matters
        cells = [("raw", 0.0)] + [(m, g) for m in methods for g in (0.5, 1.0, 2.0)]
        for method, gamma in cells:
            for metric in RANKING:
                value = base + (0.0 if method == "raw" else curve(method, gamma))
                value += rng.normal(0, noise)
                rows.append(
                    {"dgp": dgp, "n": n, "model": "logistic", "method": method, "gamma": gamma,
                     "replicate": replicate, "evaluation": "training", "source": "population",
                     "metric": metric, "prevalence": 0.05, "value": value, "bayes": 0.9,
                     "regret": 0.9 - value, "error": ""}
                )  # fmt: skip
    return pd.DataFrame(rows)


def weight_curve(dgp, wobble):
    """A population table with one AUROC curve over w for ``dgp``, of slope ``wobble``."""
    weights = np.linspace(0.1, 0.9, 5)
    return pd.DataFrame(
        {"kind": "weight_curve", "dgp": dgp, "metric": "auroc", "evaluation": "training",
         "weight": weights, "value": 0.85 + wobble * weights}
    )  # fmt: skip


@pytest.mark.parametrize(("wobble", "verdict"), [(0.0, "holds"), (1e-4, "fails")])
def test_population_invariance(wobble, verdict):
    (row,) = simulation.population_invariance(weight_curve("d", wobble), "d")
    assert row["verdict"] == verdict


@pytest.mark.parametrize(("gain", "verdict"), [(0.0, "holds"), (0.02, "fails")])
def test_no_finite_sample_gain(gain, verdict):
    summary = aggregate.summarise(_replicates(lambda m, g: gain))
    (row,) = simulation.no_finite_sample_gain(_tables(summary), SELECTION, {}, CATALOGUE)
    assert row["verdict"] == verdict
    assert row["value"] == pytest.approx(gain, abs=0.005)


def _rate_summary(exponent):
    rng = np.random.default_rng(RNG_SEED)
    rows = [
        {"dgp": "d", "n": n, "model": "logistic", "method": "raw", "gamma": 0.0,
         "evaluation": "training", "source": "population", "metric": metric,
         "regret_mean": 3.0 * n**exponent * np.exp(rng.normal(0, 0.05))}
        for n in SIZES
        for metric in RANKING
    ]  # fmt: skip
    return pd.DataFrame(rows)


RATE_SELECTION = _selection("oracle", n=SIZES)


@pytest.mark.parametrize(("exponent", "verdict"), [(-1.0, "holds"), (-0.5, "fails")])
def test_regret_rate(exponent, verdict):
    rows = simulation.regret_rate(
        _tables(_rate_summary(exponent)), RATE_SELECTION, {"source": "d"}, CATALOGUE
    )
    assert [row["verdict"] for row in rows] == [verdict] * 4
    assert rows[0]["value"] == pytest.approx(exponent, abs=0.1)


def test_regret_rate_needs_three_sizes():
    summary = _rate_summary(-1.0)
    rows = simulation.regret_rate(
        _tables(summary[summary["n"] < 1500]), RATE_SELECTION, {"source": "d"}, CATALOGUE
    )
    assert {row["verdict"] for row in rows} == {"not evaluated"}


def _population_curves(curve, methods=("reweight",)):
    rows = [
        {"kind": "gamma_curve", "dgp": "d", "n": 100, "method": method, "gamma": gamma,
         "evaluation": "training", "metric": metric, "value": 0.8 + curve(method, gamma)}
        for method in methods
        for gamma in (0.5, 1.0, 2.0)
        for metric in RANKING
    ]  # fmt: skip
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    ("curve", "verdict"),
    [
        ({0.5: 0.01, 1.0: 0.03, 2.0: 0.005}, "holds"),  # interior peak, then a fall
        ({0.5: 0.01, 1.0: 0.02, 2.0: 0.03}, "fails"),  # monotone: the peak is at the edge
        ({0.5: 0.0, 1.0: 0.0, 2.0: 0.0}, "fails"),  # no gain at all
        ({0.5: 0.01, 1.0: 0.03, 2.0: 0.0299}, "fails"),  # interior peak, but no real fall
    ],
)
@pytest.mark.parametrize("with_population", [True, False])
def test_misspecified_gain(curve, verdict, with_population):
    replicates = _replicates(lambda m, g: curve[g])
    summary = aggregate.summarise(replicates)
    population = _population_curves(lambda m, g: curve[g])
    if not with_population:
        population = population.iloc[0:0]
    rows = simulation.misspecified_gain(
        _tables(summary, replicates, population), SELECTION, {}, CATALOGUE
    )
    assert [row["verdict"] for row in rows] == [verdict] * 4
    chosen = "population curve" if with_population else "same replicates"
    assert all(chosen in row["statistic"] for row in rows)


def test_misspecified_peak_comes_from_the_population_curve():
    # finite-sample curve peaks at gamma 1, the population curve at 0.5: the test uses 0.5
    replicates = _replicates(lambda m, g: {0.5: 0.02, 1.0: 0.03, 2.0: 0.0}[g])
    population = _population_curves(lambda m, g: {0.5: 0.05, 1.0: 0.01, 2.0: 0.0}[g])
    rows = simulation.misspecified_gain(
        _tables(aggregate.summarise(replicates), replicates, population), SELECTION, {}, CATALOGUE
    )
    assert all("peak gamma = 0.5" in row["statistic"] for row in rows)
    assert rows[0]["value"] == pytest.approx(0.02, abs=0.003)


@pytest.mark.parametrize(("extra", "verdict"), [(0.0, "holds"), (1e-3, "fails")])
def test_decomposition_population(extra, verdict):
    # the control: the biased generator's curve is off by 0.01, the check must see it
    def curve(method, gamma):
        return 0.02 * gamma + {"oracle": extra, "biased": 0.01}.get(method, 0.0)

    population = _population_curves(curve, methods=("reweight", "oracle", "biased"))
    view = _selection("oracle", "biased", "reweight")
    row, control = simulation.decomposition_population(population, view, CATALOGUE)
    assert row["verdict"] == verdict and row["method"] == "oracle - reweight"
    assert control["verdict"] == "holds" and control["value"] == pytest.approx(0.01)
    assert control["claim"].startswith("Control")


def test_decomposition_control_fails_without_a_discrepancy():
    population = _population_curves(lambda m, g: 0.02 * g, methods=("reweight", "oracle", "biased"))
    view = _selection("oracle", "biased", "reweight")
    _, control = simulation.decomposition_population(population, view, CATALOGUE)
    assert control["verdict"] == "fails"


def test_decomposition_finds_the_truth_sampler_by_role():
    population = _population_curves(
        lambda m, g: 0.02 * g + (1e-3 if m == "truth" else 0.0), methods=("reweight", "truth")
    )
    cat = catalogue({**ROLES, "truth": "truth"}, sources={"d": {}, "other": {}})
    (row,) = simulation.decomposition_population(
        population, _selection("truth", "reweight", cat=cat), cat
    )
    assert row["method"] == "truth - reweight" and row["verdict"] == "fails"


@pytest.mark.parametrize("extra", [0.0, 0.01])
def test_decomposition_residual_is_reported(extra):
    def curve(method, gamma):
        return 0.02 * gamma + (extra if method == "oracle" else 0.0)

    replicates = _replicates(curve, methods=("reweight", "oracle"))
    view = _selection("oracle", "reweight")
    rows = simulation.decomposition_residual(replicates, view, CATALOGUE)
    assert [row["verdict"] for row in rows] == ["reported"] * 4
    assert rows[0]["value"] == pytest.approx(extra, abs=0.003)


@pytest.mark.parametrize(("wobble", "verdict"), [(1e-3, "holds"), (0.0, "fails")])
def test_invariance_control_must_see_movement(wobble, verdict):
    (row,) = simulation.invariance_control(weight_curve("m", wobble), "m")
    assert row["verdict"] == verdict


def test_no_cells_is_not_evaluated():
    summary = aggregate.summarise(_replicates(lambda m, g: 0.0))
    view = _selection(source="other")
    (row,) = simulation.no_finite_sample_gain(_tables(summary), view, {}, CATALOGUE)
    assert row["verdict"] == "not evaluated" and row["dgp"] == "other"


def test_markdown_lists_every_row():
    replicates = _replicates(lambda m, g: 0.0)
    rows = pd.DataFrame(
        simulation.no_finite_sample_gain(
            _tables(aggregate.summarise(replicates)), SELECTION, {}, CATALOGUE
        )
    )
    checks = [(CLAIMS["no_finite_sample_gain"].function, None, {})]
    text = table.claims_markdown(rows, table.notes(checks))
    assert text.count("**holds**") == 1 and "### Well-specified, finite sample" in text
    assert "The paper claims" in text  # what the paper says, next to the stricter check


def test_checks_read_only_the_largest_training_size():
    mixed = pd.concat(
        [
            _replicates(lambda m, g: 0.0, methods=("reweight", "oracle"), n=100),
            _replicates(lambda m, g: 0.05 * (m == "oracle"), methods=("reweight", "oracle"), n=800),
        ],
        ignore_index=True,
    )
    summary = aggregate.summarise(mixed)
    view = _selection("reweight", "oracle")  # n = 100 only
    rows = simulation.no_finite_sample_gain(_tables(summary), view, {}, CATALOGUE)
    assert {row["verdict"] for row in rows} == {"holds"}
    rows = simulation.decomposition_residual(mixed, view, CATALOGUE)
    assert all(abs(row["value"]) < 0.003 for row in rows)


def test_a_model_without_population_metrics_takes_no_peak_from_the_population_curves():
    # the population table's curves are the linear projection's: another model's peak is not
    replicates = _replicates(lambda m, g: {0.5: 0.01, 1.0: 0.03, 2.0: 0.005}[g])
    population = _population_curves(lambda m, g: {0.5: 0.05, 1.0: 0.01, 2.0: 0.0}[g])
    cat = catalogue(
        ROLES, models={"logistic": {"exact_population": False}}, sources={"d": {}, "other": {}}
    )
    summary = aggregate.summarise(replicates.assign(source="empirical"))
    rows = simulation.misspecified_gain(
        _tables(summary, replicates.assign(source="empirical"), population),
        _selection(cat=cat), {}, cat,
    )  # fmt: skip
    assert all("same replicates" in row["statistic"] for row in rows)


@pytest.mark.parametrize(("offset", "verdict"), [(0.0, "holds"), (1e-4, "fails")])
def test_the_projection_is_at_the_bayes_values(offset, verdict):
    curve = weight_curve("d", 0.0).assign(bayes=lambda t: t["value"] + offset)
    (row,) = simulation.projection_at_bayes(curve, "d")
    assert row["verdict"] == verdict


def test_every_declared_check_loads_with_the_check_signature():
    for item in CLAIMS.values():
        check = table.load(item.function)
        assert item.module.startswith("augsim.report.claims."), item.name
        parameters = list(inspect.signature(check).parameters)
        assert parameters == ["tables", "selection", "options", "catalogue"], item.name


def test_claims_table_runs_each_check_by_path_in_config_order():
    replicates = _replicates(lambda m, g: 0.0)
    population = pd.concat(
        [weight_curve("d", 0.0).assign(bayes=lambda t: t["value"]), weight_curve("m", 1e-3)],
        ignore_index=True,
    ).assign(bayes=lambda t: t["bayes"].fillna(t["value"]))
    checks = [
        (CLAIMS["no_finite_sample_gain"].function, SELECTION.to_params(), {}),
        (CLAIMS["population_invariance"].function, None, {"dgp": "d", "control": "m"}),
    ]
    rows = table.claims_table(
        _tables(aggregate.summarise(replicates), replicates, population), checks, CATALOGUE
    )
    assert list(rows.columns) == common.COLUMNS
    assert list(rows["claim"]) == [
        simulation.NO_GAIN, simulation.INVARIANCE, simulation.AT_BAYES,
        simulation.INVARIANCE_CONTROL,
    ]  # fmt: skip
    assert set(rows["verdict"]) == {"holds"}


@pytest.mark.parametrize(
    ("metric", "sign"), [("brier", 1), ("calibration_slope", -1), ("auroc", -1)]
)
def test_harm_is_a_rise_of_the_brier_score_and_a_fall_of_the_slope(metric, sign):
    assert real_data.harm_sign(metric) == sign

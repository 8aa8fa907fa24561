"""Each claim's verdict, on small synthetic tables where it must hold and where it must fail."""

import numpy as np
import pandas as pd
import pytest

from augsim import claims, tables
from augsim.metrics import METRIC_NAMES

RNG_SEED = 11
SPEC = {"experiment": "e", "dgp": "d", "model": "logistic"}
EXPERIMENTS = {
    "e": {"dgps": ["d"], "n": [100], "models": ["logistic"], "methods": ["reweight"],
          "gammas": [0.0, 0.5, 1.0, 2.0]},
}  # fmt: skip
CATALOGUE = {
    "roles": {"raw": "unaugmented", "reweight": "weighting", "oracle": "truth",
              "biased": "biased"},
    "models": {"logistic": {"exact_population": True}},
    "dgps": {"d": {"has_population": True}, "other": {"has_population": True}},
}  # fmt: skip


def _with_methods(*methods, n=(100,)):
    return {"e": {**EXPERIMENTS["e"], "methods": list(methods), "n": list(n)}}


def _tables(summary=None, replicates=None, population=None):
    return claims.Tables(summary, replicates, population)


def _replicates(curve, *, methods=("reweight",), replicates=30, noise=0.002, dgp="d", n=100):
    """Replicate rows: value = 0.8 + curve(method, gamma) + noise, raw at gamma 0."""
    rng = np.random.default_rng(RNG_SEED)
    rows = []
    for replicate in range(replicates):
        base = 0.8 + rng.normal(0, 0.02)  # shared by all methods of a replicate: pairing matters
        cells = [("raw", 0.0)] + [(m, g) for m in methods for g in (0.5, 1.0, 2.0)]
        for method, gamma in cells:
            for metric in METRIC_NAMES:
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
    (row,) = claims.population_invariance(weight_curve("d", wobble), "d")
    assert row["verdict"] == verdict


@pytest.mark.parametrize(("gain", "verdict"), [(0.0, "holds"), (0.02, "fails")])
def test_no_finite_sample_gain(gain, verdict):
    summary = tables.summarise(_replicates(lambda m, g: gain))
    (row,) = claims.no_finite_sample_gain(_tables(summary), SPEC, EXPERIMENTS, CATALOGUE)
    assert row["verdict"] == verdict
    assert row["value"] == pytest.approx(gain, abs=0.005)


def _rate_summary(exponent):
    rng = np.random.default_rng(RNG_SEED)
    sizes = [500, 1000, 2000, 4000, 8000, 16000]
    rows = [
        {"dgp": "d", "n": n, "model": "logistic", "method": "raw", "gamma": 0.0,
         "evaluation": "training", "source": "population", "metric": metric,
         "regret_mean": 3.0 * n**exponent * np.exp(rng.normal(0, 0.05))}
        for n in sizes
        for metric in METRIC_NAMES
    ]  # fmt: skip
    return pd.DataFrame(rows)


RATE_EXPERIMENTS = _with_methods("oracle", n=(500, 1000, 2000, 4000, 8000, 16000))


@pytest.mark.parametrize(("exponent", "verdict"), [(-1.0, "holds"), (-0.5, "fails")])
def test_regret_rate(exponent, verdict):
    rows = claims.regret_rate(_tables(_rate_summary(exponent)), SPEC, RATE_EXPERIMENTS, CATALOGUE)
    assert [row["verdict"] for row in rows] == [verdict] * 4
    assert rows[0]["value"] == pytest.approx(exponent, abs=0.1)


def test_regret_rate_needs_three_sizes():
    summary = _rate_summary(-1.0)
    rows = claims.regret_rate(
        _tables(summary[summary["n"] < 1500]), SPEC, RATE_EXPERIMENTS, CATALOGUE
    )
    assert {row["verdict"] for row in rows} == {"not evaluated"}


def _population_curves(curve, methods=("reweight",)):
    rows = [
        {"kind": "gamma_curve", "dgp": "d", "n": 100, "method": method, "gamma": gamma,
         "evaluation": "training", "metric": metric, "value": 0.8 + curve(method, gamma)}
        for method in methods
        for gamma in (0.5, 1.0, 2.0)
        for metric in METRIC_NAMES
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
    summary = tables.summarise(replicates)
    population = _population_curves(lambda m, g: curve[g])
    if not with_population:
        population = population.iloc[0:0]
    rows = claims.misspecified_gain(
        _tables(summary, replicates, population), SPEC, EXPERIMENTS, CATALOGUE
    )
    assert [row["verdict"] for row in rows] == [verdict] * 4
    chosen = "population curve" if with_population else "same replicates"
    assert all(chosen in row["statistic"] for row in rows)


def test_misspecified_peak_comes_from_the_population_curve():
    # finite-sample curve peaks at gamma 1, the population curve at 0.5: the test uses 0.5
    replicates = _replicates(lambda m, g: {0.5: 0.02, 1.0: 0.03, 2.0: 0.0}[g])
    population = _population_curves(lambda m, g: {0.5: 0.05, 1.0: 0.01, 2.0: 0.0}[g])
    rows = claims.misspecified_gain(
        _tables(tables.summarise(replicates), replicates, population), SPEC, EXPERIMENTS,
        CATALOGUE,
    )  # fmt: skip
    assert all("peak gamma = 0.5" in row["statistic"] for row in rows)
    assert rows[0]["value"] == pytest.approx(0.02, abs=0.003)


@pytest.mark.parametrize(("extra", "verdict"), [(0.0, "holds"), (1e-3, "fails")])
def test_decomposition_population(extra, verdict):
    # the control: the biased generator's curve is off by 0.01, the check must see it
    def curve(method, gamma):
        return 0.02 * gamma + {"oracle": extra, "biased": 0.01}.get(method, 0.0)

    population = _population_curves(curve, methods=("reweight", "oracle", "biased"))
    experiments = _with_methods("oracle", "biased", "reweight")
    row, control = claims.decomposition_population(population, SPEC, experiments, CATALOGUE)
    assert row["verdict"] == verdict and row["method"] == "oracle - reweight"
    assert control["verdict"] == "holds" and control["value"] == pytest.approx(0.01)
    assert control["claim"].startswith("Control")


def test_decomposition_control_fails_without_a_discrepancy():
    population = _population_curves(lambda m, g: 0.02 * g, methods=("reweight", "oracle", "biased"))
    experiments = _with_methods("oracle", "biased", "reweight")
    _, control = claims.decomposition_population(population, SPEC, experiments, CATALOGUE)
    assert control["verdict"] == "fails"


def test_decomposition_finds_the_truth_sampler_by_role():
    population = _population_curves(
        lambda m, g: 0.02 * g + (1e-3 if m == "truth" else 0.0), methods=("reweight", "truth")
    )
    catalogue = {**CATALOGUE, "roles": {**CATALOGUE["roles"], "truth": "truth"}}
    (row,) = claims.decomposition_population(
        population, SPEC, _with_methods("truth", "reweight"), catalogue
    )
    assert row["method"] == "truth - reweight" and row["verdict"] == "fails"


@pytest.mark.parametrize("extra", [0.0, 0.01])
def test_decomposition_residual_is_reported(extra):
    def curve(method, gamma):
        return 0.02 * gamma + (extra if method == "oracle" else 0.0)

    replicates = _replicates(curve, methods=("reweight", "oracle"))
    experiments = _with_methods("oracle", "reweight")
    rows = claims.decomposition_residual(replicates, SPEC, experiments, CATALOGUE)
    assert [row["verdict"] for row in rows] == ["reported"] * 4
    assert rows[0]["value"] == pytest.approx(extra, abs=0.003)


@pytest.mark.parametrize(("wobble", "verdict"), [(1e-3, "holds"), (0.0, "fails")])
def test_invariance_control_must_see_movement(wobble, verdict):
    (row,) = claims.invariance_control(weight_curve("m", wobble), "m")
    assert row["verdict"] == verdict


def test_no_cells_is_not_evaluated():
    summary = tables.summarise(_replicates(lambda m, g: 0.0))
    spec = {**SPEC, "dgp": "other"}
    (row,) = claims.no_finite_sample_gain(_tables(summary), spec, EXPERIMENTS, CATALOGUE)
    assert row["verdict"] == "not evaluated"


def test_markdown_lists_every_row():
    replicates = _replicates(lambda m, g: 0.0)
    table = pd.DataFrame(
        claims.no_finite_sample_gain(
            _tables(tables.summarise(replicates)), SPEC, EXPERIMENTS, CATALOGUE
        )
    )
    text = claims.claims_markdown(table)
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
    summary = tables.summarise(mixed)
    experiments = _with_methods("reweight", "oracle")  # n = 100 only
    rows = claims.no_finite_sample_gain(_tables(summary), SPEC, experiments, CATALOGUE)
    assert {row["verdict"] for row in rows} == {"holds"}
    rows = claims.decomposition_residual(mixed, SPEC, experiments, CATALOGUE)
    assert all(abs(row["value"]) < 0.003 for row in rows)


def test_a_model_without_population_metrics_takes_no_peak_from_the_population_curves():
    # the population table's curves are the linear projection's: another model's peak is not
    replicates = _replicates(lambda m, g: {0.5: 0.01, 1.0: 0.03, 2.0: 0.005}[g])
    population = _population_curves(lambda m, g: {0.5: 0.05, 1.0: 0.01, 2.0: 0.0}[g])
    catalogue = {**CATALOGUE, "models": {"logistic": {"exact_population": False}}}
    summary = tables.summarise(replicates.assign(source="empirical"))
    rows = claims.misspecified_gain(
        _tables(summary, replicates.assign(source="empirical"), population), SPEC, EXPERIMENTS,
        catalogue,
    )  # fmt: skip
    assert all("same replicates" in row["statistic"] for row in rows)


@pytest.mark.parametrize(("offset", "verdict"), [(0.0, "holds"), (1e-4, "fails")])
def test_the_projection_is_at_the_bayes_values(offset, verdict):
    curve = weight_curve("d", 0.0).assign(bayes=lambda t: t["value"] + offset)
    (row,) = claims.projection_at_bayes(curve, "d")
    assert row["verdict"] == verdict

"""The population (n -> infinity) curves against large-sample finite fits, and their table."""

import numpy as np
import pytest

from augsim.generators.registry import build_generator
from augsim.models.registry import make_model
from augsim.population.limits import population_table
from augsim.population.linear import linear_metrics
from augsim.population.projection import projection
from augsim.sources.dgps import make_dgp
from augsim.steps.fit import training_set
from augsim.study.design import class_sizes, synthetic_count, training_prevalence
from augsim.study.methods import Role
from augsim.study.seeds import rng_for

MIXTURE = make_dgp(
    "minority_mixture", dim=5, means=[[2, 0, 0, 0, 0], [0, 2.5, 0, 0, 0]], weights=[0.75, 0.25]
)
SPECS = {
    "oracle": {"name": "oracle"},
    "rose": {"name": "rose", "params": {"shrinkage": 1.0}},
    "kde": {"name": "kde", "params": {"bandwidth": "scott"}},
    "gaussian": {"name": "gaussian", "params": {"shrinkage": "ledoit_wolf"}},
    "biased_oracle": {"name": "biased_oracle", "params": {"shift": [0, 0.5, 0, 0, 0]}},
    "scaled_oracle": {"name": "scaled_oracle", "params": {"scale": 1.5}},
}
N = 105_000  # n1 = 5,000 minority rows
REPLICATES = 8


def _limit(method: str, gamma: float) -> tuple[float, np.ndarray]:
    """The projection the population curve of ``method`` uses at ``gamma``."""
    n0, n1 = class_sizes(N, 20)
    m = synthetic_count(gamma, n0, n1)
    limit = build_generator(SPECS[method], MIXTURE).population_limit(MIXTURE, n0=n0, n1=n1)
    return projection(
        MIXTURE,
        minority_weight=(n1 + m) / (n0 + n1 + m),
        synthetic_components=limit,
        synthetic_share=m / (n1 + m),
    )


def _large_fits(method: str, gamma: float) -> np.ndarray:
    """Intercept and coefficients (R, 1 + d) of logistic fits with n1 = 5,000 real rows."""
    n0, n1 = class_sizes(N, 20)
    fits = []
    for replicate in range(REPLICATES):
        rng = rng_for(7, "large-sample", method, replicate)
        X, y = MIXTURE.sample(n0, n1, rng)
        generator = build_generator(SPECS[method], MIXTURE)
        generator.fit(X[y == 1], rng, X_majority=X[y == 0])
        synthetic = generator.sample(synthetic_count(gamma, n0, n1), rng)
        rows, labels, _ = training_set(X, y, gamma=gamma, role=Role.DENSITY, synthetic=synthetic)
        model = make_model("logistic", C=1e6).fit(rows, labels)
        fits.append(np.concatenate([[model.intercept_], model.coef_]))
    return np.array(fits)


def _z_scores(fits: np.ndarray, theta: tuple[float, np.ndarray]) -> np.ndarray:
    """Per parameter, the mean fit's distance from ``theta`` in Monte Carlo standard errors."""
    target = np.concatenate([[theta[0]], theta[1]])
    se = fits.std(axis=0, ddof=1) / np.sqrt(len(fits))
    return (fits.mean(axis=0) - target) / se


WITH_LIMITS = ("gaussian", "biased_oracle", "scaled_oracle", "rose", "kde")


@pytest.fixture(scope="module")
def large_fits():
    return {method: _large_fits(method, 1.0) for method in WITH_LIMITS}


@pytest.mark.parametrize("method", WITH_LIMITS)
def test_large_sample_fits_tend_to_the_population_limit(large_fits, method):
    fits = large_fits[method]
    assert np.abs(_z_scores(fits, _limit(method, 1.0))).max() < 4
    # the metrics the curves report: within 4 Monte Carlo standard errors plus 1e-4 for the
    # O(1/n) bias of a metric near its maximum (fits scatter around the projection, and the
    # metric is curved there), far below the differences from raw the figures show (~1e-2)
    intercept, coef = _limit(method, 1.0)
    prevalence = training_prevalence(20, N)
    exact = linear_metrics(MIXTURE, coef, intercept, prevalence=prevalence)
    for metric, value in exact.items():
        fitted = [
            linear_metrics(MIXTURE, fit[1:], fit[0], prevalence=prevalence)[metric] for fit in fits
        ]
        se = np.std(fitted, ddof=1) / np.sqrt(len(fitted))
        assert np.mean(fitted) == pytest.approx(value, abs=4 * se + 1e-4), metric


@pytest.mark.parametrize("method", ["biased_oracle", "scaled_oracle", "rose", "kde"])
def test_the_comparison_can_fail(large_fits, method):
    # their fits are far from the truth sampler's limit: the check has power, and the kernel
    # samplers' limits are not the truth at this n (their kernels are still visible)
    assert np.abs(_z_scores(large_fits[method], _limit("oracle", 1.0))).max() > 6


def test_the_truth_sampler_goes_through_the_generic_path():
    # its limit is the true minority mixed in at the synthetic share, not a shortcut: equal to
    # the weighting-only projection up to round-off, not bit for bit
    n0, n1 = class_sizes(N, 20)
    m = synthetic_count(1.0, n0, n1)
    weighting = projection(MIXTURE, minority_weight=(n1 + m) / (n0 + n1 + m))
    truth = _limit("oracle", 1.0)
    np.testing.assert_allclose(truth[1], weighting[1], rtol=1e-9)
    assert truth[0] == pytest.approx(weighting[0], rel=1e-9)


def test_population_table_rows():
    prevalences = {"training": 200 / 4200, "fixed_0.5": 0.5}
    cells = [{"dgp": "m", "n": 4200, "method": method, "gammas": [0.0, 1.0],
              "class_counts": [4000, 200], "prevalences": prevalences}
             for method in ("raw", "reweight", "biased_oracle")]  # fmt: skip
    rows = population_table(
        {"m": MIXTURE}, SPECS, weights=[0.1, 0.5], weight_curve_dgps=["m"],
        limit_prevalences={"training": 1 / 21, "fixed_0.5": 0.5}, gamma_cells=cells,
    )  # fmt: skip
    weight_rows = [row for row in rows if row["kind"] == "weight_curve"]
    assert len(weight_rows) == 2 * 2 * 4  # weights x prevalences x metrics
    # the weight curves are at the limit prevalence 1/21, the cells at their own n1 / n
    assert {row["prevalence"] for row in weight_rows} == {1 / 21, 0.5}
    gamma_rows = [row for row in rows if row["kind"] == "gamma_curve"]
    assert {row["prevalence"] for row in gamma_rows} == {200 / 4200, 0.5}
    by = {(r["method"], r["gamma"], r["evaluation"], r["metric"]): r["value"] for r in gamma_rows}
    # at gamma 0 every method is the raw fit; at gamma 1 the biased limit moves the projection
    assert by[("biased_oracle", 0.0, "training", "auroc")] == by[("raw", 0.0, "training", "auroc")]
    assert by[("biased_oracle", 1.0, "training", "auroc")] != pytest.approx(
        by[("reweight", 1.0, "training", "auroc")], abs=1e-4
    )

"""The views figures and claims share, on small tables whose numbers are known by construction."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from augsim import claims, figures, views
from augsim.metrics import METRIC_NAMES

# per method: its offset from raw at gamma 1 (the same on every replicate, plus noise)
OFFSETS = {"raw": 0.0, "oracle": 0.02, "reweight": 0.015, "biased": -0.03, "kde": 0.01,
           "adasyn": -0.005}  # fmt: skip
# population (n -> infinity) values at gamma 1 for the generators with a closed-form limit
LIMITS = {"raw": 0.80, "oracle": 0.815, "reweight": 0.815, "biased": 0.765, "kde": 0.81}
CATALOGUE = {
    "roles": {"raw": "unaugmented", "reweight": "weighting", "oracle": "truth",
              "biased": "biased", "kde": "density", "adasyn": "resampler"},
    "labels": {m: m for m in OFFSETS},
    "generator_names": {},
    "models": {"logistic": {"label": "logistic", "exact_population": True}},
    "dgps": {"d": {"kind": "simulated", "has_population": True}},
}  # fmt: skip
EXPERIMENTS = {
    "e": {"dgps": ["d"], "n": [100], "models": ["logistic"],
          "methods": ["oracle", "biased", "kde", "adasyn", "reweight"], "gammas": [0.0, 1.0]},
}  # fmt: skip
SPEC = {"experiment": "e", "model": "logistic", "gamma": 1.0}
REPLICATES = 40


def replicate_table(failed=()):
    rng = np.random.default_rng(3)
    rows = []
    for replicate in range(REPLICATES):
        base = 0.8 + rng.normal(0, 0.02)
        for method, offset in OFFSETS.items():
            gamma = 0.0 if method == "raw" else 1.0
            for metric in METRIC_NAMES:
                value = base + offset + rng.normal(0, 0.001)
                error = "boom" if (method, replicate) in failed else ""
                rows.append(
                    {"dgp": "d", "n": 100, "model": "logistic", "method": method, "gamma": gamma,
                     "replicate": replicate, "evaluation": "training", "source": "population",
                     "metric": metric, "prevalence": 0.05,
                     "value": np.nan if error else value, "bayes": 0.9, "regret": 0.1,
                     "error": error}
                )  # fmt: skip
    return pd.DataFrame(rows)


def population_table():
    rows = [
        {"dgp": "d", "kind": "gamma_curve", "n": 100, "method": method,
         "gamma": 0.0 if method == "raw" else 1.0, "weight": 0.5, "evaluation": "training",
         "prevalence": 0.05, "metric": metric, "value": value, "bayes": 0.9}
        for method, value in LIMITS.items()
        for metric in METRIC_NAMES
    ]  # fmt: skip
    return pd.DataFrame(rows)


def test_discrepancies_are_the_paired_differences_and_the_population_ones():
    table = views.discrepancies(
        replicate_table(), population_table(), spec=SPEC, experiments=EXPERIMENTS,
        catalogue=CATALOGUE,
    )  # fmt: skip
    assert set(table["generator"]) == {"biased", "kde", "adasyn"}  # not the truth sampler
    row = table[(table["generator"] == "kde") & (table["metric"] == "auroc")].iloc[0]
    assert row["discrepancy"] == pytest.approx(0.01 - 0.02, abs=1e-3)
    assert row["matched"] == pytest.approx(0.01 - 0.015, abs=1e-3)  # against reweight
    assert row["reference"] == "reweight"
    biased = table[(table["generator"] == "biased") & (table["metric"] == "auroc")].iloc[0]
    # it draws fresh rows from the truth: matched against the truth sampler
    assert biased["reference"] == "oracle"
    assert biased["matched"] == pytest.approx(-0.03 - 0.02, abs=1e-3)
    assert row["weighting"] == pytest.approx(0.015, abs=1e-3)
    assert row["residual"] == pytest.approx(0.02 - 0.015, abs=1e-3)
    assert row["population"] == pytest.approx(0.81 - 0.815)
    assert row["discrepancy_low"] < row["discrepancy"] < row["discrepancy_high"]
    adasyn = table[table["generator"] == "adasyn"]
    assert adasyn["population"].isna().all()  # no closed-form limit
    # ordered by discrepancy within each (DGP, metric)
    for _, group in table.groupby(["dgp", "metric"]):
        assert group["discrepancy"].is_monotonic_increasing


def test_discrepancies_count_failed_replicates():
    table = views.discrepancies(
        replicate_table(failed={("kde", 3), ("kde", 7)}), population_table(), spec=SPEC,
        experiments=EXPERIMENTS, catalogue=CATALOGUE,
    )  # fmt: skip
    kde = table[table["generator"] == "kde"]
    assert (kde["n_failed"] == 2).all() and (kde["n_pairs"] == REPLICATES - 2).all()
    assert (table[table["generator"] == "biased"]["n_failed"] == 0).all()


def test_mean_interval_is_the_t_interval():
    values = pd.Series(np.random.default_rng(0).normal(1.0, 2.0, size=25))
    mean, (low, high) = views.mean_interval(values)
    expected = stats.t.interval(0.95, 24, loc=values.mean(), scale=stats.sem(values))
    assert mean == pytest.approx(values.mean())
    assert (low, high) == pytest.approx(expected)
    assert np.isnan(views.mean_interval(pd.Series([1.0]))[1][0])


def _tables(population):
    return claims.Tables(None, replicate_table(), population)


def test_discrepancy_limits_hold_where_the_limits_agree_and_the_control_sees_the_bias():
    rows = claims.discrepancy_limits(_tables(population_table()), SPEC, EXPERIMENTS, CATALOGUE)
    checked = {(row["method"], row["claim"] == claims.LIMITS) for row in rows}
    # adasyn has no closed-form limit: not judged; the biased generator also gets the control
    assert checked == {("biased", True), ("kde", True), ("biased", False)}
    assert all(row["verdict"] == "holds" for row in rows)


def test_discrepancy_limits_fail_with_a_wrong_limit():
    wrong = population_table()
    wrong.loc[wrong["method"] == "kde", "value"] = 0.75  # a limit far from the fits
    rows = claims.discrepancy_limits(_tables(wrong), SPEC, EXPERIMENTS, CATALOGUE)
    (kde,) = [row for row in rows if row["method"] == "kde"]
    assert kde["verdict"] == "fails"


def test_discrepancy_control_fails_without_a_bias():
    unbiased = replicate_table()
    unbiased.loc[unbiased["method"] == "biased", "value"] += 0.05  # now where the truth is
    population = population_table()
    population.loc[population["method"] == "biased", "value"] = LIMITS["oracle"]
    rows = claims.discrepancy_limits(
        claims.Tables(None, unbiased, population), SPEC, EXPERIMENTS, CATALOGUE
    )
    (control,) = [row for row in rows if row["claim"] == claims.LIMITS_CONTROL]
    assert control["verdict"] == "fails"


def test_discrepancy_figure_marks_the_population_values():
    table = views.discrepancies(
        replicate_table(failed={("adasyn", 1)}), population_table(), spec=SPEC,
        experiments=EXPERIMENTS, catalogue=CATALOGUE,
    )  # fmt: skip
    fig = figures.plot_discrepancies(table, spec=SPEC, catalogue=CATALOGUE)
    axes = fig.axes
    assert len(axes) == len(METRIC_NAMES)  # one DGP column
    for ax in axes:
        diamonds = [line for line in ax.lines if line.get_marker() == "D"]
        assert len(diamonds) == 2  # biased and kde have closed-form limits, adasyn not
        labels = [label.get_text() for label in ax.get_yticklabels()]
        assert "adasyn (1 failed)" in labels

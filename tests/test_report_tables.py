"""The discrepancies table, the oversamplers' claim and figure that read it, on small tables whose
numbers are known by construction. Catalogue and selection are built as the plan builds them
(``report_helpers``)."""

import numpy as np
import pandas as pd
import pytest
from report_helpers import catalogue, selection

from augsim.metrics.registry import RANKING
from augsim.report import tables
from augsim.report.claims import common, oversamplers
from augsim.report.figures.oversamplers import plot_discrepancies

# per method: its offset from raw at gamma 1 (the same on every replicate, plus noise)
OFFSETS = {"raw": 0.0, "oracle": 0.02, "reweight": 0.015, "biased": -0.03, "kde": 0.01,
           "adasyn": -0.005}  # fmt: skip
# population (n -> infinity) values at gamma 1 for the generators with a closed-form limit
LIMITS = {"raw": 0.80, "oracle": 0.815, "reweight": 0.815, "biased": 0.765, "kde": 0.81}
ROLES = {"raw": "unaugmented", "reweight": "weighting", "oracle": "truth", "biased": "biased",
         "kde": "density", "adasyn": "resampler"}  # fmt: skip
CATALOGUE = catalogue(ROLES, sources={"d": {}})
EXPERIMENT = {"dgps": ["d"], "n": [100], "models": ["logistic"],
              "methods": ["oracle", "biased", "kde", "adasyn", "reweight"],
              "gammas": [0.0, 1.0]}  # fmt: skip
SELECTION = selection(EXPERIMENT, CATALOGUE, models=["logistic"], gammas=[1.0])
REPLICATES = 40


def replicate_table(failed=()):
    rng = np.random.default_rng(3)
    rows = []
    for replicate in range(REPLICATES):
        base = 0.8 + rng.normal(0, 0.02)
        for method, offset in OFFSETS.items():
            gamma = 0.0 if method == "raw" else 1.0
            for metric in RANKING:
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
        for metric in RANKING
    ]  # fmt: skip
    return pd.DataFrame(rows)


def _discrepancies(replicates, population):
    return tables.discrepancies(replicates, population, selection=SELECTION, catalogue=CATALOGUE)


def test_discrepancies_are_the_paired_differences_and_the_population_ones():
    table = _discrepancies(replicate_table(), population_table())
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
    table = _discrepancies(replicate_table(failed={("kde", 3), ("kde", 7)}), population_table())
    kde = table[table["generator"] == "kde"]
    assert (kde["n_failed"] == 2).all() and (kde["n_pairs"] == REPLICATES - 2).all()
    assert (table[table["generator"] == "biased"]["n_failed"] == 0).all()


def _tables(replicates, population):
    return common.Tables(None, replicates, population)


def _limit_rows(replicates, population):
    return oversamplers.discrepancy_limits(
        _tables(replicates, population), SELECTION, {}, CATALOGUE
    )


def test_discrepancy_limits_hold_where_the_limits_agree_and_the_control_sees_the_bias():
    rows = _limit_rows(replicate_table(), population_table())
    checked = {(row["method"], row["claim"] == oversamplers.LIMITS) for row in rows}
    # adasyn has no closed-form limit: not judged; the biased generator also gets the control
    assert checked == {("biased", True), ("kde", True), ("biased", False)}
    assert all(row["verdict"] == "holds" for row in rows)


def test_discrepancy_limits_fail_with_a_wrong_limit():
    wrong = population_table()
    wrong.loc[wrong["method"] == "kde", "value"] = 0.75  # a limit far from the fits
    rows = _limit_rows(replicate_table(), wrong)
    (kde,) = [row for row in rows if row["method"] == "kde"]
    assert kde["verdict"] == "fails"


def test_discrepancy_control_fails_without_a_bias():
    unbiased = replicate_table()
    unbiased.loc[unbiased["method"] == "biased", "value"] += 0.05  # now where the truth is
    population = population_table()
    population.loc[population["method"] == "biased", "value"] = LIMITS["oracle"]
    rows = _limit_rows(unbiased, population)
    (control,) = [row for row in rows if row["claim"] == oversamplers.LIMITS_CONTROL]
    assert control["verdict"] == "fails"


def test_discrepancy_figure_marks_the_population_values():
    table = _discrepancies(replicate_table(failed={("adasyn", 1)}), population_table())
    fig = plot_discrepancies(table, selection=None, options={}, catalogue=CATALOGUE)
    axes = fig.axes
    assert len(axes) == len(RANKING)  # one DGP column
    for ax in axes:
        diamonds = [line for line in ax.lines if line.get_marker() == "D"]
        assert len(diamonds) == 2  # biased and kde have closed-form limits, adasyn not
        labels = [label.get_text() for label in ax.get_yticklabels()]
        assert "adasyn (1 failed)" in labels

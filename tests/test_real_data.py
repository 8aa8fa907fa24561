"""The real-data arm: fits scored on each split's own test part, the gain table with corrected
intervals, the real-data and calibration claims with their controls, and figures 10 to 12."""

import numpy as np
import pandas as pd
import pytest
from report_helpers import catalogue, selection

from augsim.metrics.ranking import score_metrics_at
from augsim.metrics.registry import HEADLINE
from augsim.models.registry import make_model
from augsim.report import tables
from augsim.report.claims import common, real_data
from augsim.report.figures.real_data import plot_calibration, plot_real_data, plot_sim_vs_real
from augsim.sources import datasets, splits
from augsim.statistics import corrected_interval
from augsim.steps import evaluate
from augsim.steps.fit import fit_replicates
from augsim.study.methods import Role

SIZES = {"a": (70, 30, 12.0), "b": (140, 60, 5.0)}  # n_train, n_test, imbalance ratio
CATALOGUE = catalogue(
    {"raw": "unaugmented", "reweight": "weighting", "smote": "resampler"},
    sources={
        "hetero": {},
        **{
            key: {"kind": "finite", "has_population": False, "name": f"set_{key}",
                  "imbalance_ratio": ratio, "n_train": n_train, "n_test": n_test}
            for key, (n_train, n_test, ratio) in SIZES.items()
        },
    },
    labels={"smote": "SMOTE"},
)  # fmt: skip
EXPERIMENTS = {
    "real": {"datasets": ["a", "b"], "models": ["logistic"], "methods": ["reweight", "smote"],
             "gammas": [0.0, 1.0]},
    "sweep": {"dgps": ["hetero"], "n": [210], "models": ["logistic"],
              "methods": ["reweight", "smote"], "gammas": [0.0, 1.0]},
}  # fmt: skip
REAL = selection(EXPERIMENTS["real"], CATALOGUE, models=["logistic"])
#: the simulated cell beside the real data, and the gamma compared
BESIDE = selection(EXPERIMENTS["sweep"], CATALOGUE, sources=["hetero"], models=["logistic"])
GAMMA = {"gamma": 1.0}
METRICS = ("auroc", "auprc", "best_balanced_accuracy", "best_f1", "brier", "brier_corrected",
           "calibration_slope", "calibration_slope_corrected")  # fmt: skip
SPLITS = 20


def _gain(dgp, method, metric, split):
    """A known paired gain per split: AUROC up on both sets, Brier up (worse) as fitted but not
    after the correction, the slope down either way; noise that differs by split."""
    noise = 0.002 * np.sin(3.0 * split + len(dgp) + len(method))
    base = {"auroc": 0.01, "brier": 0.02, "calibration_slope": -0.2,
            "calibration_slope_corrected": -0.2}.get(metric, 0.0)  # fmt: skip
    return base + noise


def _replicates():
    rows = []
    for dgp in SIZES:
        for split in range(SPLITS):
            for metric in METRICS:
                raw = 0.5 + 0.01 * split
                cell = {
                    "dgp": dgp, "n": SIZES[dgp][0], "model": "logistic", "replicate": split,
                    "evaluation": "training", "prevalence": 0.1, "source": "empirical",
                    "metric": metric, "bayes": np.nan, "regret": np.nan, "error": "",
                }  # fmt: skip
                rows.append(cell | {"method": "raw", "gamma": 0.0, "value": raw})
                for method in ("reweight", "smote"):
                    value = raw + _gain(dgp, method, metric, split)
                    rows.append(cell | {"method": method, "gamma": 1.0, "value": value})
    return pd.DataFrame(rows)


def _simulated_summary(brier_fixed=0.0, auroc=0.02):
    """The simulated cell's summary rows: intervals of half-width 0.005 around the means."""
    means = {"auroc": auroc, "auprc": -0.03, "best_balanced_accuracy": 0.01, "best_f1": -0.02,
             "brier": 0.1, "brier_corrected": brier_fixed, "calibration_slope": -0.2,
             "calibration_slope_corrected": -0.2}  # fmt: skip
    rows = []
    for metric, mean in means.items():
        cell = {"dgp": "hetero", "n": 210, "model": "logistic", "evaluation": "training",
                "source": "population", "metric": metric}  # fmt: skip
        rows.append(cell | {"method": "raw", "gamma": 0.0, "mean": 0.5, "diff_mean": 0.0,
                            "diff_ci_low": 0.0, "diff_ci_high": 0.0})  # fmt: skip
        for method in ("reweight", "smote"):
            rows.append(cell | {"method": method, "gamma": 1.0, "mean": 0.5 + mean,
                                "diff_mean": mean, "diff_ci_low": mean - 0.005,
                                "diff_ci_high": mean + 0.005})  # fmt: skip
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def table():
    return tables.real_data_gains(_replicates(), selection=REAL, catalogue=CATALOGUE)


def _tables(table, summary=None):
    summary = _simulated_summary() if summary is None else summary
    return common.Tables(summary, pd.DataFrame(), pd.DataFrame(), None, table)


def test_gain_table_orders_sets_by_imbalance_and_uses_the_corrected_interval(table):
    assert list(dict.fromkeys(table["dgp"])) == ["b", "a"]  # ratio 5 before 12
    row = table[(table["dgp"] == "a") & (table["method"] == "smote")]
    row = row[row["metric"] == "auroc"].iloc[0]
    gains = np.array([_gain("a", "smote", "auroc", s) for s in range(SPLITS)])
    expected = corrected_interval(gains, n_train=70, n_test=30)
    assert row["diff_mean"] == pytest.approx(gains.mean())
    assert (row["diff_ci_low"], row["diff_ci_high"]) == pytest.approx(
        (expected["low"], expected["high"])
    )
    # the naive interval ignores the overlap of the training parts: it is narrower
    assert row["naive_ci_high"] - row["naive_ci_low"] < row["diff_ci_high"] - row["diff_ci_low"]
    assert row["splits"] == SPLITS and row["n_failed"] == 0
    raw = table[(table["method"] == "raw") & (table["metric"] == "auroc")]
    assert (raw["diff_mean"] == 0).all() and len(raw) == 2


def test_real_data_claim_counts_the_sets_and_its_control_fails_on_the_opposite_sign(table):
    rows = pd.DataFrame(real_data.real_data_gains(_tables(table), BESIDE, GAMMA, CATALOGUE))
    main = rows[rows["claim"] == real_data.REAL_DATA].set_index(["method", "metric"])
    # AUROC: simulation up, both sets up
    assert main.loc[("smote", "auroc"), "verdict"] == "holds"
    assert "2 helped, 0 hurt" in main.loc[("smote", "auroc"), "statistic"]
    # AUPRC: simulation down, no set moves: the pattern does not hold
    assert main.loc[("smote", "auprc"), "verdict"] == "fails"
    # Brier: higher is worse; simulation up (worse), both sets up: hurt, the simulation's way
    assert main.loc[("smote", "brier"), "verdict"] == "holds"
    assert "0 helped, 2 hurt" in main.loc[("smote", "brier"), "statistic"]
    control = rows[rows["claim"] == real_data.REAL_DATA_CONTROL].set_index(["method", "metric"])
    assert control.loc[("smote", "auroc"), "verdict"] == "holds"  # the flipped check fails
    # a simulation without a gain: the sets' moves no longer agree with it
    flat = pd.DataFrame(
        real_data.real_data_gains(
            _tables(table, _simulated_summary(auroc=0.0)), BESIDE, GAMMA, CATALOGUE
        )
    )
    flat = flat[flat["claim"] == real_data.REAL_DATA].set_index(["method", "metric"])
    assert flat.loc[("smote", "auroc"), "verdict"] == "fails"


def test_calibration_claim_and_its_slope_control(table):
    rows = pd.DataFrame(real_data.calibration_harm(_tables(table), BESIDE, GAMMA, CATALOGUE))
    brier = rows[rows["claim"] == real_data.CALIBRATION].set_index(["dgp", "method"])
    assert brier.loc[("hetero", "smote"), "verdict"] == "holds"
    assert brier.loc[("real data", "smote"), "verdict"] == "holds"
    assert "2 harmed, 0 of them still" in brier.loc[("real data", "smote"), "statistic"]
    slope = rows[rows["claim"] == real_data.CALIBRATION_CONTROL]
    assert (slope["verdict"] == "holds").all() and len(slope) == 4
    # a correction that left the harm: the claim fails in the simulation
    harmed = _tables(table, _simulated_summary(brier_fixed=0.1))
    rows = pd.DataFrame(real_data.calibration_harm(harmed, BESIDE, GAMMA, CATALOGUE))
    brier = rows[rows["claim"] == real_data.CALIBRATION].set_index(["dgp", "method"])
    assert brier.loc[("hetero", "smote"), "verdict"] == "fails"


def test_real_data_figures_have_a_panel_per_metric(table):
    fig = plot_real_data(table, selection=None, options={}, catalogue=CATALOGUE)
    assert len(fig.axes) == len(HEADLINE)  # one gamma > 0
    summary = _simulated_summary()
    fig = plot_sim_vs_real(summary, table, selection=BESIDE, options=GAMMA, catalogue=CATALOGUE)
    assert len(fig.axes) == len(HEADLINE)
    # each panel: one simulated interval per method, and a marker per data set
    first = fig.axes[0]
    assert len(first.collections) >= 2
    fig = plot_calibration(summary, table, selection=BESIDE, options={}, catalogue=CATALOGUE)
    assert len(fig.axes) == 4


def test_each_split_is_scored_on_its_own_test_part():
    X, y = datasets.load("ecoli2")
    train, test = splits.split_replicates(
        X, y, replicate_ids=[0, 1], seed=3, dataset="ecoli2", test_fraction=0.3
    )
    fits = fit_replicates(train, None, lambda: make_model("logistic"), role=Role.UNAUGMENTED,
                          gammas=[])  # fmt: skip
    n1 = int(train["y"].sum())
    columns = evaluate.evaluate_fits(
        fits, test, model=make_model("logistic"), prevalences={"training": 0.15},
        population=None, bayes=None, class_counts=(len(train["y"]) - n1, n1),
    )  # fmt: skip
    rows = pd.DataFrame(columns).to_dict("records")
    auroc = {r["replicate"]: r["value"] for r in rows if r["metric"] == "auroc"}
    for k, replicate in enumerate(fits["replicate"]):
        scores = test["X"][k] @ fits["coef"][k] + fits["intercept"][k]
        (own,) = score_metrics_at(test["y"], scores, [0.15])
        assert auroc[int(replicate)] == pytest.approx(own["auroc"], abs=1e-12)
    # the other split's test rows give another number: the check can tell them apart
    other = test["X"][1] @ fits["coef"][0] + fits["intercept"][0]
    (swapped,) = score_metrics_at(test["y"], other, [0.15])
    assert swapped["auroc"] != pytest.approx(auroc[0], abs=1e-9)
    names = {r["metric"] for r in rows}
    assert {"brier", "calibration_slope", "brier_corrected"} <= names
    assert all(np.isnan(r["regret"]) for r in rows)  # no Bayes reference for real data

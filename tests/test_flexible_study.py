"""The flexible-model experiment: the test set's own Monte Carlo error (against independent test
sets), the gain table, figures 8 and 9, the flexible_gains claim and its control, and the plan
of its test-error jobs."""

import itertools

import numpy as np
import pandas as pd
import pytest
from report_helpers import catalogue, selection

from augsim.metrics import test_error
from augsim.metrics.ranking import score_metrics_at
from augsim.metrics.registry import RANKING
from augsim.report import markdown, tables
from augsim.report.claims import common, flexible
from augsim.report.figures.flexible import plot_flexible_models
from augsim.report.figures.rate import plot_flexible_rate
from augsim.sources.dgps import make_dgp
from augsim.study.seeds import rng_for
from augsim.study.validation import check_config

SHARED = make_dgp("gaussian_shared", dim=2, shift=1.5)
PREVALENCE = 1 / 21


def _linear_scores(X):
    """Two different linear scores: their paired difference is not zero on any test set."""
    return X @ np.array([1.0, 0.0]), X @ np.array([1.0, 0.6])


def test_fold_labels_spread_each_class_evenly():
    y = np.r_[np.zeros(103), np.ones(27)].astype(int)
    groups = test_error.fold_labels(y, folds=10)
    for label in (0, 1):
        counts = np.bincount(groups[y == label], minlength=10)
        assert counts.max() - counts.min() <= 1


def test_paired_error_matches_the_spread_over_independent_test_sets():
    """The jackknife error of one test set is the spread of the paired difference over fresh
    test sets of the same size, within the error of a 200-set standard deviation."""
    rows = 1000
    differences, jackknife = [], []
    for k in range(200):
        X, y = SHARED.sample(rows, rows, rng_for(k, "test"))
        a, b = _linear_scores(X)
        (ma,), (mb,) = score_metrics_at(y, a, [PREVALENCE]), score_metrics_at(y, b, [PREVALENCE])
        differences.append([ma[m] - mb[m] for m in RANKING])
        if k < 20:
            se = test_error.paired_test_error(y, a, b, PREVALENCE)
            jackknife.append([se[m] for m in RANKING])
    spread = np.std(differences, axis=0, ddof=1)
    estimate = np.mean(jackknife, axis=0)
    assert np.all(spread > 0)
    np.testing.assert_allclose(estimate, spread, rtol=0.3)


def test_paired_error_of_a_fit_with_itself_is_zero_and_of_a_shifted_score_too():
    """The control: equal rankings have no error; a different ranking has some."""
    X, y = SHARED.sample(500, 500, rng_for(0, "test"))
    a, b = _linear_scores(X)
    assert all(v == 0.0 for v in test_error.paired_test_error(y, a, 3 * a + 1, PREVALENCE).values())
    assert all(v > 0.0 for v in test_error.paired_test_error(y, a, b, PREVALENCE).values())


def test_test_set_error_is_that_of_the_mean_difference_over_replicates():
    """Replicates whose differences move in opposite directions on the same test rows cancel in
    the mean: its error is smaller than the mean of the replicates' own errors."""
    X, y = SHARED.sample(300, 300, rng_for(1, "test"))
    a, b = _linear_scores(X)
    c = X @ np.array([1.0, -0.6])
    raw = {0: a, 1: a}
    by_method = {"smote": {(0, 1.0): b, (1, 1.0): c, (2, 1.0): b}}  # replicate 2 lacks raw
    rows = test_error.test_set_errors(
        {"y": y}, raw, by_method, prevalence=PREVALENCE, replicates=[0, 1, 2]
    )
    assert [row["metric"] for row in rows] == list(RANKING)
    groups = test_error.fold_labels(y)
    mean_difference = np.mean(
        [test_error.fold_differences(y, s, a, PREVALENCE, groups) for s in (b, c)], axis=0
    )
    expected = test_error.jackknife_se(mean_difference)
    own = [test_error.paired_test_error(y, s, a, PREVALENCE) for s in (b, c)]
    for row, value in zip(rows, expected, strict=True):
        assert row["replicates"] == 2
        assert row["test_se"] == pytest.approx(value)
        assert row["test_se"] < np.mean([e[row["metric"]] for e in own])


def test_jackknife_of_a_mean_is_the_standard_error_of_the_mean():
    """For a mean, the delete-a-group jackknife is exact: the usual standard error of the
    group means' mean."""
    values = np.random.default_rng(3).normal(size=(10, 50))  # 10 groups of 50
    leave_out = np.array([np.delete(values, k, axis=0).mean() for k in range(10)])
    group_means = values.mean(axis=1)
    assert test_error.jackknife_se(leave_out) == pytest.approx(
        group_means.std(ddof=1) / np.sqrt(10)
    )


# ---------------------------------------------------------------------------------------------
# The gain table, its figures and its claim on a summary built here
# ---------------------------------------------------------------------------------------------

MODELS = {
    "linear": {"label": "logistic", "exact_population": True, "flexibility": 0},
    "boost": {"label": "gradient boosting", "exact_population": False, "flexibility": 2},
}
EXPERIMENTS = {
    "flexible": {
        "dgps": ["shared", "hetero"],
        "n": [420],
        "models": ["boost", "linear"],  # not in flexibility order: the table orders them
        "methods": ["oracle", "reweight"],
        "gammas": [0.0, 1.0, 2.0],
    },
    "rate": {
        "dgps": ["shared"],
        "n": [100, 200, 400],
        "models": ["linear", "boost"],
        "methods": [],
        "gammas": [1.0],
    },
}
ROLES = {"raw": "unaugmented", "reweight": "weighting", "oracle": "truth"}
CATALOGUE = catalogue(ROLES, models=MODELS, sources={"shared": {}, "hetero": {}})
LABELS = {key: method["label"] for key, method in CATALOGUE["methods"].items()}
SELECTION = selection(EXPERIMENTS["flexible"], CATALOGUE)
CLAIM = {"control": "hetero", "control_model": "linear"}


def _gain(dgp, model, method, gamma, boost_gain):
    """Linear on hetero gains 0.02 per gamma; boost gains ``boost_gain`` per gamma."""
    if method == "raw":
        return 0.0
    per_gamma = boost_gain if model == "boost" else (0.02 if dgp == "hetero" else 0.0)
    return per_gamma * gamma


def _summary(boost_gain=0.0):
    rows = []
    for experiment in EXPERIMENTS.values():
        cells = itertools.product(experiment["dgps"], experiment["n"], experiment["models"])
        for dgp, n, model in cells:
            sources = ["empirical", "population"] if model == "linear" else ["empirical"]
            methods = [("raw", 0.0), *itertools.product(experiment["methods"], [1.0, 2.0])]
            for (method, gamma), metric, source in itertools.product(methods, RANKING, sources):
                diff = _gain(dgp, model, method, gamma, boost_gain)
                regret = (0.5 if model == "boost" else 2.0) / n
                rows.append({
                    "dgp": dgp, "n": n, "model": model, "method": method, "gamma": gamma,
                    "evaluation": "training", "source": source, "metric": metric,
                    "n_ok": 30, "n_failed": 0, "diff_mean": diff, "diff_se": 0.001,
                    "diff_ci_low": diff - 0.002, "diff_ci_high": diff + 0.002,
                    "regret_mean": regret, "regret_ci_low": 0.9 * regret,
                    "regret_ci_high": 1.1 * regret,
                })  # fmt: skip
    return pd.DataFrame(rows).drop_duplicates(
        subset=["dgp", "n", "model", "method", "gamma", "metric", "source"]
    )


def _test_errors(se=0.001):
    """Test-set errors of the flexible model on both DGPs and of the control (linear on hetero)."""
    pairs = [("shared", "boost"), ("hetero", "boost"), ("hetero", "linear")]
    rows = [
        {"dgp": dgp, "n": 420, "model": model, "method": method, "gamma": gamma,
         "metric": metric, "test_se": se, "replicates": 5}
        for (dgp, model), method, gamma, metric in itertools.product(
            pairs, ["oracle", "reweight"], [1.0, 2.0], RANKING
        )
    ]  # fmt: skip
    return pd.DataFrame(rows)


def _table(boost_gain=0.0, se=0.001):
    return tables.flexible_gains(
        _summary(boost_gain), _test_errors(se), selection=SELECTION, catalogue=CATALOGUE
    )


def test_gain_table_orders_models_by_flexibility_and_joins_the_test_error():
    table = _table(boost_gain=0.01)
    assert list(dict.fromkeys(table["model"])) == ["linear", "boost"]
    boost = table[(table["model"] == "boost") & (table["method"] != "raw")]
    assert (boost["test_se"] == 0.001).all() and (boost["source"] == "empirical").all()
    linear = table[(table["model"] == "linear") & (table["method"] != "raw")]
    assert linear["test_se"].isna().all() and (linear["source"] == "population").all()
    # raw's rows hold its regret, not a difference from itself
    raw = table[(table["method"] == "raw") & (table["model"] == "boost")]
    np.testing.assert_allclose(raw["regret_mean"], 0.5 / 420)
    assert raw["diff_mean"].isna().all() and boost["regret_mean"].isna().all()
    gain = table.query("model == 'boost' and method == 'oracle' and gamma == 2")["diff_mean"]
    np.testing.assert_allclose(gain, 0.02)


def test_gain_table_markdown_has_every_gain():
    table = _table()
    text = markdown.flexible(table, LABELS)
    assert text.count("| gradient boosting | oracle |") == len(RANKING) * 2 * 2
    assert "exact metric" in text and "0.0010" in text


def test_a_gain_on_the_test_set_without_its_error_stops_the_table():
    errors = _test_errors().query("method != 'reweight'")
    with pytest.raises(ValueError, match="no test-set error for shared/n420/boost/reweight"):
        tables.flexible_gains(_summary(), errors, selection=SELECTION, catalogue=CATALOGUE)


def _claim_rows(summary, errors):
    tables_ = common.Tables(summary, None, None, errors)
    return pd.DataFrame(flexible.flexible_gains(tables_, SELECTION, CLAIM, CATALOGUE))


@pytest.mark.parametrize(
    ("boost_gain", "se", "verdict"),
    [
        (0.0, 0.001, "holds"),  # no gain
        (0.005, 0.001, "fails"),  # a gain (0.005 at gamma 1) well beyond both errors
        (0.005, 0.006, "holds"),  # the same gains inside the test set's own error
    ],
)
def test_flexible_claim(boost_gain, se, verdict):
    rows = _claim_rows(_summary(boost_gain), _test_errors(se))
    tested = rows[rows["claim"] == flexible.FLEXIBLE]
    assert len(tested) == 2 * len(RANKING)  # per DGP and metric for the flexible model
    assert set(tested["verdict"]) == {verdict}
    assert tested["method"].str.startswith("boost: ").all()
    control = rows[rows["claim"] == flexible.FLEXIBLE_CONTROL]
    assert control["verdict"].tolist() == ["holds"]  # linear on hetero gains


@pytest.mark.parametrize(
    ("boost_gain", "n_ok", "verdict"),
    [
        # at gamma 2: 0.0031, above the nominal 95% bound (2.05 SE) but not the Bonferroni one
        # over the row's two gains (2.37 SE; SE = hypot(0.001, 0.001))
        (0.00155, 30, "holds"),
        (0.0020, 30, "fails"),
        # three replicates: t quantiles with few degrees of freedom, far above the normal's
        (0.0025, 3, "holds"),
    ],
)
def test_flexible_claim_bound_is_bonferroni_with_t_quantiles(boost_gain, n_ok, verdict):
    summary = _summary(boost_gain).assign(n_ok=n_ok)
    rows = _claim_rows(summary, _test_errors(0.001 if n_ok == 30 else 1e-6))
    assert set(rows.loc[rows["claim"] == flexible.FLEXIBLE, "verdict"]) == {verdict}


def test_flexible_claim_control_is_on_the_test_set_metric():
    summary = _summary()
    exact = (summary["model"] == "linear") & (summary["source"] == "population")
    summary.loc[exact, ["diff_mean", "diff_ci_low", "diff_ci_high"]] = 0.0
    rows = _claim_rows(summary, _test_errors())
    control = rows[rows["claim"] == flexible.FLEXIBLE_CONTROL].iloc[0]
    assert control["verdict"] == "holds" and "test-set SE" in control["statistic"]


def test_flexible_claim_leaves_out_the_truth_sampler():
    """Fresh rows from the truth are extra data: a gain of the oracle alone is no verdict."""
    summary = _summary(0.005)
    summary.loc[(summary["model"] == "boost") & (summary["method"] == "reweight"),
                ["diff_mean", "diff_ci_low", "diff_ci_high"]] = 0.0  # fmt: skip
    rows = _claim_rows(summary, _test_errors())
    assert set(rows.loc[rows["claim"] == flexible.FLEXIBLE, "verdict"]) == {"holds"}


def test_flexible_claim_control_fails_without_a_gain():
    summary = _summary()
    summary.loc[summary["model"] == "linear", ["diff_mean", "diff_ci_low", "diff_ci_high"]] = 0.0
    rows = _claim_rows(summary, _test_errors())
    assert rows.loc[rows["claim"] == flexible.FLEXIBLE_CONTROL, "verdict"].tolist() == ["fails"]


def test_flexible_claim_without_test_errors_is_not_evaluated():
    rows = _claim_rows(_summary(0.005), None)
    assert set(rows["verdict"]) == {"not evaluated"}


def test_flexible_models_figure_has_gain_and_regret_panels_per_metric_and_dgp():
    fig = plot_flexible_models(_table(0.01), selection=None, options={}, catalogue=CATALOGUE)
    assert len(fig.axes) == len(RANKING) * 2 * 2
    titles = [ax.get_title() for ax in fig.axes]
    assert "AUROC regret of raw — hetero" in titles
    assert "30 replicates" in fig.get_suptitle()
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels == ["logistic", "gradient boosting"]


def test_flexible_rate_figure_fits_each_models_slope():
    view = selection(EXPERIMENTS["rate"], CATALOGUE, sources=["shared"], models=["linear", "boost"])
    fig = plot_flexible_rate(_summary(), selection=view, options={}, catalogue=CATALOGUE)
    legend = " | ".join(t.get_text() for t in fig.axes[0].get_legend().get_texts())
    assert "logistic: slope -1.00" in legend and "gradient boosting: slope -1.00" in legend


# ---------------------------------------------------------------------------------------------
# The plan of the test-error jobs, and the config checks
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def ci_config():
    from pathlib import Path

    import yaml

    return yaml.safe_load((Path(__file__).resolve().parents[1] / "config" / "ci.yaml").read_text())


def test_test_error_jobs_cover_the_models_scored_on_the_test_set(ci_config):
    plan = check_config(ci_config)
    cells = plan.test_error_cells
    scored = {("hetero", 210, m) for m in ("logistic_quadratic", "gradient_boosting",
                                           "random_forest", "mlp")}  # fmt: skip
    control = ("hetero", 210, "logistic")  # the claim's control, on its test-set metric
    assert set(cells) == {*scored, control} and len(cells) == len(scored) + 1
    assert cells[("hetero", 210, "mlp")] == ["raw", "forest_flow", "reweight", "smote"]
    # the control's cells are shared with other experiments: only the compared methods count
    assert cells[control] == ["raw", "forest_flow", "reweight", "smote"]
    assert plan.test_error_replicates("hetero", 210, "mlp") == [0, 1, 2]


def test_no_flexible_table_or_claim_needs_no_test_error(ci_config):
    claim = ci_config["claims"].pop("flexible_gains")
    assert ("hetero", 210, "logistic") not in check_config(ci_config).test_error_cells
    # the flexible table is the test-error user besides the claim (its figure reads the table)
    del ci_config["figures"]["flexible_models"], ci_config["tables"]["flexible"]
    assert check_config(ci_config).test_error_cells == {}
    ci_config["claims"]["flexible_gains"] = claim
    assert len(check_config(ci_config).test_error_cells) == 5


@pytest.mark.parametrize(
    ("section", "name", "change", "message"),
    [
        ("views", "flexible_rate", {"models": ["logistic", "svm"]},
         r"views\.flexible_rate\.models: 'svm' is not in experiment 'flexible_rate'"),
        ("claims", "flexible_gains", {"control": "correlated"},
         r"claims\.flexible_gains \(view 'flexible'\)\.control: source 'correlated' is not in "
         r"the view"),
        ("claims", "flexible_gains", {"control_model": "lasso"},
         r"claims\.flexible_gains \(view 'flexible'\)\.control_model: model 'lasso' is not in "
         r"the view"),
        ("views", "flexible_rate", {"experiment": "flexible", "sources": ["hetero"]},
         r"figures\.flexible_rate \(view 'flexible_rate'\) needs at least 2 training sizes"),
        ("tables", "flexible", {"view": "flexible_rate"},
         r"tables\.flexible \(view 'flexible_rate'\) compares methods with raw: .* a method "
         r"besides raw"),
    ],
)  # fmt: skip
def test_bad_flexible_specs_stop_before_any_job(ci_config, section, name, change, message):
    ci_config[section][name].update(change)
    with pytest.raises(ValueError, match=message):
        check_config(ci_config)


def test_the_flexible_table_needs_simulated_sources(ci_config):
    """The test set's own error needs a shared test set: a real-data experiment has none."""
    ci_config["tables"]["flexible"]["view"] = "real_data"
    with pytest.raises(
        ValueError,
        match=r"tables\.flexible \(view 'real_data'\) needs an experiment over DGPs; "
        r"'real_data' is not",
    ):
        check_config(ci_config)

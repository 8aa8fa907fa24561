"""The replicate-level steps: design arithmetic, simulate, augment, fit and evaluate."""

import numpy as np
import pandas as pd
import pytest

from augsim.generators.registry import build_generator
from augsim.models.registry import make_model
from augsim.sources.dgps import make_dgp
from augsim.sources.simulate import simulate_test, simulate_training
from augsim.steps import evaluate
from augsim.steps.augment import augment_training, draw_synthetic
from augsim.steps.fit import fit_at_gamma, fit_replicates, training_set
from augsim.study import design
from augsim.study.methods import Role

SHARED = make_dgp("gaussian_shared", dim=3, shift=1.5)


@pytest.mark.parametrize(
    ("n", "ratio", "expected"),
    [(4200, 20, (4000, 200)), (500, 20, (476, 24)), (210, 20, (200, 10))],
)
def test_class_sizes(n, ratio, expected):
    assert design.class_sizes(n, ratio) == expected


def test_class_sizes_rejects_too_few_minority_rows():
    with pytest.raises(ValueError, match="minority"):
        design.class_sizes(20, 20)


@pytest.mark.parametrize(("gamma", "m"), [(0.0, 0), (1.0, 3800), (0.1, 380), (2.0, 7600)])
def test_synthetic_count_balances_at_gamma_one(gamma, m):
    assert design.synthetic_count(gamma, 4000, 200) == m


def test_reweight_factor_matches_synthetic_minority_mass():
    for gamma in (0.0, 0.5, 1.0, 2.0):
        m = design.synthetic_count(gamma, 4000, 200)
        assert design.reweight_factor(gamma, 4000, 200) * 200 == pytest.approx(200 + m)


def test_chunking_leaves_replicates_unchanged():
    whole = simulate_training(SHARED, n0=40, n1=5, replicate_ids=range(4), seed=1, scenario="s/n45")
    parts = [
        simulate_training(SHARED, n0=40, n1=5, replicate_ids=ids, seed=1, scenario="s/n45")
        for ids in ([0, 1], [2], [3])
    ]
    np.testing.assert_array_equal(whole["X"], np.concatenate([p["X"] for p in parts]))


def test_chunk_replicates():
    assert design.chunk_replicates(1, chunk_size=3, replicates=7).tolist() == [3, 4, 5]
    assert design.chunk_replicates(2, chunk_size=3, replicates=7).tolist() == [6]
    with pytest.raises(ValueError, match="chunk"):
        design.chunk_replicates(3, chunk_size=3, replicates=7)


def _train():
    return simulate_training(SHARED, n0=200, n1=10, replicate_ids=[0, 1], seed=3, scenario="s/n210")


def test_reweight_equals_duplicating_minority_rows_at_integer_factors():
    train = _train()
    X, y = train["X"][0], train["y"]
    # gamma such that (n1 + m) / n1 = 3: m = 20 = gamma * 190
    gamma = 20 / 190
    rows, labels, weights = training_set(X, y, gamma=gamma, role=Role.WEIGHTING, synthetic=None)
    weighted = make_model("logistic").fit(rows, labels, sample_weight=weights)
    repeated = np.vstack([X, X[y == 1], X[y == 1]])
    labels = np.concatenate([y, np.ones(20, dtype=y.dtype)])
    duplicated = make_model("logistic").fit(repeated, labels)
    np.testing.assert_allclose(weighted.coef_, duplicated.coef_, rtol=1e-8)


def test_generator_fits_use_nested_prefixes():
    train = _train()
    synthetic = augment_training(
        train,
        lambda: build_generator({"name": "oracle"}, SHARED),
        m_max=380,
        seed=3,
        scenario="s/n210",
        generator_key="oracle",
    )
    fits = fit_replicates(
        train, synthetic, lambda: make_model("logistic"), role=Role.TRUTH,
        gammas=[0.0, 1.0, 2.0],
    )  # fmt: skip
    # gamma 0 is not fitted again: there every method is the raw fit
    assert fits["coef"].shape == (4, 3) and (fits["error"] == "").all()
    assert fits["gamma"].tolist() == [1.0, 2.0, 1.0, 2.0]
    # at gamma = 1 the fit used exactly the first 190 synthetic rows
    X = np.vstack([train["X"][0], synthetic["X"][0][:190]])
    y = np.concatenate([train["y"], np.ones(190, dtype=train["y"].dtype)])
    np.testing.assert_allclose(fits["coef"][0], make_model("logistic").fit(X, y).coef_)
    # ... and a fit at gamma = 0 would be the raw fit, bit for bit
    raw = fit_replicates(train, None, lambda: make_model("logistic"), role=Role.UNAUGMENTED,
                         gammas=[])  # fmt: skip
    at_zero = fit_at_gamma(
        train["X"][0], train["y"], synthetic["X"][0], lambda: make_model("logistic"),
        Role.TRUTH, 0.0,
    )  # fmt: skip
    np.testing.assert_array_equal(at_zero.coef_, raw["coef"][0])


def test_failures_are_recorded_per_replicate():
    train = _train()
    synthetic = augment_training(
        train,
        lambda: build_generator({"name": "smote", "params": {"k_neighbors": 10}}, SHARED),
        m_max=10,
        seed=3,
        scenario="s/n210",
        generator_key="smote",
    )
    assert all("k_neighbors" in error for error in synthetic["error"])
    fits = fit_replicates(
        train, synthetic, lambda: make_model("logistic"), role=Role.TRUTH, gammas=[0.5]
    )
    assert np.isnan(fits["coef"]).all() and all(e.startswith("generator:") for e in fits["error"])


class _FailsOnReplicate:
    """A generator factory whose generators fail to fit on chosen replicates."""

    def __init__(self, failing, dgp):
        self.failing, self.dgp, self.calls = set(failing), dgp, 0

    def __call__(self):
        replicate, self.calls = self.calls, self.calls + 1
        if replicate in self.failing:
            raise FloatingPointError(f"injected failure on replicate {replicate}")
        return build_generator({"name": "oracle"}, self.dgp)


def _failing_cell(failing):
    from augsim.population.bayes import bayes_metrics
    from augsim.steps import aggregate

    train = simulate_training(
        SHARED, n0=200, n1=10, replicate_ids=range(4), seed=5, scenario="s/n210"
    )
    synthetic = augment_training(
        train, _FailsOnReplicate(failing, SHARED), m_max=190, seed=5, scenario="s/n210",
        generator_key="oracle",
    )  # fmt: skip
    prevalences = {"training": 10 / 210}
    bayes = {evaluate._prevalence_key(10 / 210): bayes_metrics(SHARED, prevalence=10 / 210)}
    test = simulate_test(SHARED, rows_per_class=500, seed=5, dgp_key="s")
    rows = []
    for method, data in (("raw", None), ("oracle", synthetic)):
        role = Role.UNAUGMENTED if method == "raw" else Role.TRUTH
        fits = fit_replicates(train, data, lambda: make_model("logistic"), role=role, gammas=[1.0])
        metric_rows = evaluate.evaluate_fits(
            fits, test, model=make_model("logistic"), prevalences=prevalences,
            population=SHARED, bayes=bayes, class_counts=(200, 10),
        )  # fmt: skip
        cell = {"dgp": "s", "n": 210, "model": "logistic", "method": method}
        rows.append(pd.DataFrame(cell | metric_rows))
    replicates = pd.concat(rows, ignore_index=True)
    return replicates, aggregate.summarise(replicates)


def test_injected_failures_are_counted_not_fatal():
    from augsim.steps import aggregate

    replicates, summary = _failing_cell({1, 3})
    oracle = summary[summary["method"] == "oracle"]
    assert (oracle["n_failed"] == 2).all() and (oracle["n_ok"] == 2).all()
    assert (summary[summary["method"] == "raw"]["n_failed"] == 0).all()
    failures = aggregate.failures(replicates)
    assert sorted(failures["replicate"]) == [1, 3]
    assert failures["error"].str.contains("injected failure on replicate").all()
    assert np.isfinite(oracle["mean"]).all()
    aggregate.check_cells_have_results(summary)


def test_a_cell_where_every_replicate_fails_stops_the_run():
    from augsim.steps import aggregate

    _, summary = _failing_cell({0, 1, 2, 3})
    with pytest.raises(RuntimeError, match="every replicate failed"):
        aggregate.check_cells_have_results(summary)


def test_a_non_finite_mean_stops_the_run():
    from augsim.steps import aggregate

    _, summary = _failing_cell(set())
    summary.loc[summary.index[0], "mean"] = np.inf
    with pytest.raises(RuntimeError, match="non-finite means"):
        aggregate.check_cells_have_results(summary)


MIXTURE = make_dgp(
    "minority_mixture", dim=3, means=[[2, 0, 0], [0, 2, 0]], weights=[0.7, 0.3], scale=1.0
)


@pytest.mark.parametrize(
    "spec",
    [{"name": "oracle"}, {"name": "smote"}, {"name": "ros"}, {"name": "gaussian"},
     {"name": "biased_oracle", "params": {"shift": [0, 0.5, 0]}}],
    ids=lambda spec: spec["name"],
)  # fmt: skip
def test_synthetic_rows_do_not_depend_on_the_largest_gamma(spec):
    X1 = MIXTURE.sample_class(1, 30, np.random.default_rng(0))
    X0 = MIXTURE.sample_class(0, 600, np.random.default_rng(1))
    keys = {"seed": 1, "scenario": "m/n630", "generator_key": spec["name"], "replicate": 4}

    def draw(m_max):
        factory = lambda: build_generator(spec, MIXTURE)  # noqa: E731
        return draw_synthetic(X1, factory, m_max, X_majority=X0, **keys)

    small, large = draw(700), draw(2500)
    assert small.shape == (700, 3) and large.shape == (2500, 3)
    np.testing.assert_array_equal(small, large[:700])
    assert draw(0).shape == (0, 3)


def test_training_prevalence_is_the_realised_share_and_its_limit():
    assert design.training_prevalence(20, 500) == 24 / 500  # 0.048
    assert design.limit_prevalence(20) == 1 / 21  # n -> infinity: 0.0476
    assert design.training_prevalence(20, 4200) == pytest.approx(1 / 21)


def test_effective_weight_and_synthetic_share():
    n0, n1 = 4000, 200
    m = design.synthetic_count(1.0, n0, n1)
    assert design.minority_weight(1.0, n0, n1) == 0.5  # gamma = 1 balances the loss
    assert design.synthetic_share(1.0, n0, n1) == m / (n1 + m)
    assert design.minority_weight(0.0, n0, n1) == n1 / (n0 + n1)


def test_library_samplers_draw_all_rows_in_one_call():
    """Each call of an imbalanced-learn sampler refits it: such generators draw m_max rows in
    one call (their rows then depend on m_max), the others in blocks."""
    from augsim.generators.registry import GENERATORS, generator_class

    in_one_call = {name for name in GENERATORS if not generator_class(name).draws_in_blocks}
    assert in_one_call == {"adasyn", "borderline_smote1", "borderline_smote2", "svm_smote",
                           "kmeans_smote", "rose"}  # fmt: skip
    X1 = MIXTURE.sample_class(1, 30, np.random.default_rng(0))
    X0 = MIXTURE.sample_class(0, 600, np.random.default_rng(1))
    keys = {"seed": 1, "scenario": "m/n630", "generator_key": "rose", "replicate": 4}
    spec = {"name": "rose", "params": {"shrinkage": 1.0}}
    rows = draw_synthetic(X1, lambda: build_generator(spec, MIXTURE), 2500, X_majority=X0, **keys)
    assert rows.shape == (2500, 3) and np.isfinite(rows).all()


def test_tables_take_the_raw_rows_at_gamma_zero():
    from augsim.steps import aggregate

    rows = pd.DataFrame(
        {"dgp": "d", "n": 10, "model": "m", "method": ["raw", "raw", "smote", "raw"],
         "gamma": [0.0, 0.0, 1.0, 0.0], "replicate": [0, 1, 0, 0],
         "source": ["population"] * 3 + ["empirical"], "value": [0.7, 0.8, 0.9, 0.6]}
    )  # fmt: skip
    cells = [{"dgp": "d", "n": 10, "model": "m", "method": "smote", "replicates": 2,
              "sources": ["population"]}]  # fmt: skip
    both = aggregate.with_gamma_zero(rows, cells)
    zero = both[(both["method"] == "smote") & (both["gamma"] == 0.0)]
    assert zero["value"].tolist() == [0.7, 0.8] and zero["replicate"].tolist() == [0, 1]
    assert len(both) == 6
    # a cell of fewer replicates than raw's takes only its own (the first ones)
    cells[0]["replicates"] = 1
    zero = aggregate.with_gamma_zero(rows, cells).query("method == 'smote' and gamma == 0")
    assert zero["replicate"].tolist() == [0]
    # and raw's rows on the cell's own metric sources only
    cells[0]["sources"] = ["empirical", "population"]
    zero = aggregate.with_gamma_zero(rows, cells).query("method == 'smote' and gamma == 0")
    assert sorted(zero["value"]) == [0.6, 0.7]


def _metric_table(rng):
    """Metric rows of raw and two methods at two evaluations, in no particular order, with a
    failed fit."""
    rows = []
    for method, gammas in (("raw", [0.0]), ("smote", [0.5, 1.0]), ("oracle", [1.0])):
        for gamma in gammas:
            for replicate in range(4):
                for evaluation, prevalence in (("training", 0.05), ("fixed_0.5", 0.5)):
                    for source in ("empirical", "population"):
                        for metric in ("auroc", "auprc"):
                            value, bayes = rng.uniform(0.5, 1.0), rng.uniform(0.9, 1.0)
                            failed = method == "oracle" and replicate == 2
                            rows.append({
                                "dgp": "s", "n": 210, "model": "logistic", "method": method,
                                "gamma": gamma, "replicate": replicate,
                                "evaluation": evaluation, "prevalence": prevalence,
                                "source": source, "metric": metric,
                                "value": np.nan if failed else value, "bayes": bayes,
                                "regret": bayes - value, "error": "boom" if failed else "",
                            })  # fmt: skip
    return pd.DataFrame(rows).sample(frac=1.0, random_state=1).reset_index(drop=True)


def test_aggregating_one_method_at_a_time_equals_the_whole_table():
    from augsim.steps import aggregate

    table = _metric_table(np.random.default_rng(0))
    cells = [
        {
            "dgp": "s",
            "n": 210,
            "model": "logistic",
            "method": m,
            "replicates": 3,
            "sources": ["empirical", "population"],
        }
        for m in ("smote", "oracle", "ros")
    ]
    cells[1]["sources"] = ["population"]  # oracle: its gamma-0 rows on its own source only
    # ros only at gamma 0: no fits, raw's rows alone
    whole = aggregate.with_gamma_zero(table, cells)[aggregate.REPLICATE_COLUMNS]
    whole = whole.sort_values(aggregate.REPLICATE_COLUMNS[:9], ignore_index=True)
    readers = {m: (lambda m=m: table[table["method"] == m]) for m in ("smote", "raw", "oracle")}
    readers["ros"] = lambda: None
    parts = list(aggregate.method_parts(readers, cells))
    replicates = pd.concat([rows for rows, _ in parts], ignore_index=True)
    summary = pd.concat([summary for _, summary in parts], ignore_index=True)
    pd.testing.assert_frame_equal(replicates, whole)
    pd.testing.assert_frame_equal(summary, aggregate.summarise(whole))
    # the gamma-0 copies of raw's first 3 replicates, and the paired differences, are there
    assert len(whole[(whole["method"] == "smote") & (whole["gamma"] == 0)]) == 3 * 8
    assert len(whole[(whole["method"] == "oracle") & (whole["gamma"] == 0)]) == 3 * 4
    assert len(whole[whole["method"] == "ros"]) == 3 * 8
    assert summary.loc[summary["method"] == "smote", "diff_mean"].abs().gt(0).any()


def test_metric_rows_hold_only_the_sources_asked_for():
    dgp = make_dgp("gaussian_hetero", dim=3, mean=[1.0, 1.0, 0.0], spread=2.0)
    train = simulate_training(dgp, n0=200, n1=10, replicate_ids=[0, 1], seed=1, scenario="h")
    test = simulate_test(dgp, rows_per_class=200, seed=1, dgp_key="h")
    fits = fit_replicates(train, None, lambda: make_model("logistic"), role=Role.UNAUGMENTED,
                          gammas=[])  # fmt: skip
    options = {"model": make_model("logistic"), "prevalences": {"training": 10 / 210},
               "population": dgp, "bayes": None, "class_counts": (200, 10)}  # fmt: skip
    both = pd.DataFrame(evaluate.evaluate_fits(fits, test, **options))
    exact = pd.DataFrame(evaluate.evaluate_fits(fits, test, sources=["population"], **options))
    assert set(both["source"]) == {"empirical", "population"}
    assert set(exact["source"]) == {"population"}
    shown = both[both["source"] == "population"].reset_index(drop=True)
    pd.testing.assert_frame_equal(exact, shown)
    with pytest.raises(ValueError, match="shown one, 'population', must come last"):
        evaluate.evaluate_fits(fits, test, sources=["population", "empirical"], **options)
    with pytest.raises(ValueError, match="must come last"):
        evaluate.evaluate_fits(fits, test, sources=["empirical"], **options)

"""The score-model contract over every registered model, and the flexible models' specifics:
seeds from the seed tree, weights against duplicated rows, threads that change no number."""

import subprocess
import sys

import numpy as np
import pytest

from augsim.models.registry import MODELS, build_model, make_model, model_class, model_module
from augsim.sources.dgps import make_dgp
from augsim.study.seeds import rng_for

FLEXIBLE_MODELS = [
    model_class(name) for name in MODELS if model_module(name) == "augsim.models.flexible"
]

HETERO = make_dgp("gaussian_hetero", dim=3, mean=[1.0, 1.0, 0.0], spread=2.0)
# small settings: the contract, not the study's sizes
OPTIONS = {
    "logistic": {},
    "logistic_quadratic": {},
    "gradient_boosting": {"max_iter": 20, "early_stopping": False},
    "random_forest": {"n_estimators": 10, "min_samples_leaf": 5},
    "mlp": {"hidden_layer_sizes": [8], "max_iter": 20},
}


def data(n0=300, n1=30, seed=0):
    X, y = HETERO.sample(n0, n1, rng_for(seed, "data"))
    return X, y


def fitted(name, X, y, weights=None, seed=1, threads=1):
    model = build_model({"name": name, "params": OPTIONS[name]}, threads=threads)
    return model.fit(X, y, sample_weight=weights, rng=rng_for(seed, "fit"))


def test_every_registered_model_is_tested():
    assert set(OPTIONS) == set(MODELS)
    assert all(model_class(name).name == name for name in MODELS)


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_model_contract(name):
    X, y = data()
    new = HETERO.sample(50, 50, rng_for(5, "new"))[0]
    weights = np.where(y == 1, 3.0, 1.0)
    inputs = (X.copy(), y.copy(), weights.copy())
    model = fitted(name, X, y, weights)
    scores = model.decision_function(new)  # new rows, no refit
    assert scores.shape == (100,) and np.isfinite(scores).all()
    for before, after in zip(inputs, (X, y, weights), strict=True):
        np.testing.assert_array_equal(before, after)  # inputs not mutated
    again = fitted(name, X, y, weights).decision_function(new)
    np.testing.assert_array_equal(scores, again)  # deterministic given the seed
    unweighted = fitted(name, X, y).decision_function(new)
    assert not np.array_equal(scores, unweighted)  # the weights reach the fit
    np.testing.assert_array_equal(model.decision_function(new), scores)  # scoring is pure


@pytest.mark.parametrize("cls", FLEXIBLE_MODELS, ids=lambda cls: cls.name)
def test_flexible_models_draw_from_the_seed_tree(cls):
    X, y = data()
    new = HETERO.sample(50, 50, rng_for(5, "new"))[0]
    assert not cls.exact_population and cls.stores_scores
    if cls.name != "gradient_boosting":  # without early stopping its fit draws nothing
        other = fitted(cls.name, X, y, seed=2).decision_function(new)
        assert not np.array_equal(fitted(cls.name, X, y).decision_function(new), other)
    with pytest.raises(ValueError, match="pass rng"):
        build_model({"name": cls.name, "params": OPTIONS[cls.name]}).fit(X, y)


@pytest.mark.parametrize("cls", FLEXIBLE_MODELS, ids=lambda cls: cls.name)
def test_two_threads_give_the_numbers_of_one(cls):
    X, y = data(n0=2000, n1=100)
    new = HETERO.sample(100, 100, rng_for(5, "new"))[0]
    one = fitted(cls.name, X, y, threads=1).decision_function(new)
    two = fitted(cls.name, X, y, threads=2).decision_function(new)
    np.testing.assert_array_equal(one, two)


def _duplicated(X, y, weights):
    counts = weights.astype(int)
    return np.repeat(X, counts, axis=0), np.repeat(y, counts)


@pytest.mark.parametrize(
    ("name", "options"),
    [
        # exact without early stopping, with power-of-two weights (float32 gradients) and
        # leaves of one row at least either way
        ("gradient_boosting", {"max_iter": 20, "early_stopping": False, "min_samples_leaf": 1}),
        # exact without the bootstrap (with it, the weights change the draw)
        ("random_forest", {"n_estimators": 10, "bootstrap": False, "min_samples_leaf": 1}),
    ],
)
def test_integer_weights_equal_duplicated_rows(name, options):
    X, y = data()
    weights = np.where(y == 1, 4.0, 1.0)
    model = make_model(name, **options)
    new = HETERO.sample(50, 50, rng_for(5, "new"))[0]
    weighted = model.fit(X, y, sample_weight=weights, rng=rng_for(1, "fit")).decision_function(new)
    Xd, yd = _duplicated(X, y, weights)
    repeated = make_model(name, **options).fit(Xd, yd, rng=rng_for(1, "fit"))
    np.testing.assert_allclose(weighted, repeated.decision_function(new), rtol=1e-12, atol=1e-12)


def test_the_forest_bootstrap_breaks_the_equality():
    # the documented exception: a control that the equality check can fail
    X, y = data()
    weights = np.where(y == 1, 4.0, 1.0)
    options = {"n_estimators": 10, "min_samples_leaf": 1}
    new = HETERO.sample(50, 50, rng_for(5, "new"))[0]
    weighted = make_model("random_forest", **options).fit(
        X, y, sample_weight=weights, rng=rng_for(1, "fit")
    )
    repeated = make_model("random_forest", **options).fit(*_duplicated(X, y, weights),
                                                          rng=rng_for(1, "fit"))  # fmt: skip
    assert not np.allclose(weighted.decision_function(new), repeated.decision_function(new))


def test_the_mlp_score_is_its_log_odds():
    X, y = data()
    model = fitted("mlp", X, y)
    new = HETERO.sample(50, 50, rng_for(5, "new"))[0]
    probability = model.estimator_.predict_proba(new)[:, 1]
    np.testing.assert_allclose(1 / (1 + np.exp(-model.decision_function(new))), probability)


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("random_forest", {"n_trees": 3}, "n_trees"),
        ("mlp", {"alpha": -1.0}, "alpha"),
        ("gradient_boosting", {"max_iter": 0}, "max_iter"),
        ("mlp", {"activation": "tanh"}, "ReLU"),
    ],
)
def test_bad_options_stop_before_any_fit(name, params, message):
    with pytest.raises(ValueError, match=message):
        make_model(name, **params)


def test_gradient_boosting_never_stops_early_unless_asked():
    """scikit-learn's default turns early stopping on above 10,000 rows."""
    estimator = make_model("gradient_boosting")._estimator(random_state=0)
    assert estimator.early_stopping is False
    asked = make_model("gradient_boosting", early_stopping=True)._estimator(random_state=0)
    assert asked.early_stopping is True


def test_importing_the_models_imports_no_scikit_learn():
    code = "import sys, augsim.models.flexible, augsim.models.registry\n"
    code += "sys.exit('sklearn' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0

"""The user's own sampler, classifier and data file, from the config alone: the contracts, what
each is refused for before any job (with the message a user reads), and the same rows and
scores from the same seed."""

import copy
import re

import numpy as np
import pandas as pd
import pytest
import yaml
from test_oversamplers import energy_distance_pvalue
from workflow_helpers import REPO

from augsim.generators.registry import build_generator, entry_class
from augsim.models.registry import build_model
from augsim.sources import files, finite, splits
from augsim.sources.dgps import make_dgp
from augsim.steps.augment import draw_synthetic
from augsim.study import validation
from augsim.study.methods import Role
from augsim.study.seeds import rng_for

CI = yaml.safe_load((REPO / "config" / "ci.yaml").read_text())
HETERO = make_dgp("gaussian_hetero", dim=3, mean=[1.0, 1.0, 0.0], spread=2.0)
JITTER = {"class": str(REPO / "examples" / "my_sampler.py") + ":JitterOversampler",
          "params": {"noise": 0.2}}  # fmt: skip


def _replicate(n0=400, n1=40, seed=0):
    rng = rng_for(seed, "replicate")
    return HETERO.sample_class(1, n1, rng), HETERO.sample_class(0, n0, rng)


def _draw(spec, m, *, replicate=0):
    X1, X0 = _replicate()
    return draw_synthetic(
        X1, lambda: build_generator(spec, None), m, X_majority=X0, seed=7, scenario="h/n440",
        generator_key="plug", replicate=replicate,
    )  # fmt: skip


# --- a sampler by import path ----------------------------------------------------------------


def test_a_plugin_sampler_keeps_the_generator_contract():
    X1, X0 = _replicate()
    before = (X1.copy(), X0.copy())
    rows = _draw(JITTER, 300)
    assert rows.shape == (300, 3) and np.isfinite(rows).all()
    np.testing.assert_array_equal(rows, _draw(JITTER, 300))  # the same seed, the same rows
    assert not np.array_equal(rows, _draw(JITTER, 300, replicate=1))
    np.testing.assert_array_equal(before[0], X1)  # inputs are not modified
    cls = entry_class(JITTER)
    assert cls.role == Role.RESAMPLER and cls.label == "JitterOversampler"
    assert entry_class(JITTER | {"role": "density", "label": "jitter"}).role == Role.DENSITY


def test_imbalanced_learns_rose_by_import_path_draws_the_built_in_rows():
    """The built-in ROSE is imbalanced-learn's RandomOverSampler behind the same sampler code:
    by import path it draws the very same rows."""
    plugin = {"class": "imblearn.over_sampling.RandomOverSampler", "params": {"shrinkage": 1.0}}
    built_in = {"name": "rose", "params": {"shrinkage": 1.0}}
    np.testing.assert_array_equal(_draw(plugin, 250), _draw(built_in, 250))


def test_imbalanced_learns_smote_by_import_path_draws_from_the_same_law():
    """The built-in SMOTE draws its rows in blocks of separate calls (so that a larger gamma
    leaves the first rows unchanged); by import path SMOTE is one call asked for the rows, kept
    in random order. The rows differ, their law does not."""
    plugin = {"class": "imblearn.over_sampling.SMOTE", "params": {"k_neighbors": 5}}
    rows = _draw(plugin, 200)
    built_in = _draw({"name": "smote", "params": {"k_neighbors": 5}}, 200)
    assert not np.array_equal(rows, built_in)
    assert energy_distance_pvalue(rows, built_in, permutations=199) > 0.01


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("imblearn.under_sampling.RandomUnderSampler", "is an under sampling sampler"),
        ("imblearn.under_sampling.EditedNearestNeighbours", "is an clean sampling sampler"),
        ("sklearn.linear_model.LogisticRegression", "has no fit_resample"),
        ("imblearn.over_sampling.NoSuchSampler", "has no class 'NoSuchSampler'"),
        ("nowhere.Sampler", "cannot import 'nowhere'"),
    ],
)
def test_a_sampler_that_removes_rows_or_is_none_is_refused_before_any_job(path, message):
    with pytest.raises(ValueError, match=message):
        entry_class({"class": path})


def test_a_sampler_that_removes_rows_anyway_fails_the_replicate_with_a_reason():
    spec = {"class": "imblearn.combine.SMOTEENN"}
    with pytest.raises(ValueError, match="removed or changed rows of the training data"):
        _draw(spec, 100)


def test_a_plugin_samplers_options_are_checked():
    with pytest.raises(ValueError, match=r"unknown parameter\(s\) \['nois'\]"):
        build_generator(JITTER | {"params": {"nois": 0.2}}, None)


# --- a classifier by import path -------------------------------------------------------------


def _data(seed=0):
    rng = rng_for(seed, "data")
    X = np.vstack([HETERO.sample_class(0, 300, rng), HETERO.sample_class(1, 60, rng)])
    return X, np.repeat(np.array([0, 1]), [300, 60])


@pytest.mark.parametrize(
    "spec",
    [
        {
            "class": "sklearn.ensemble.ExtraTreesClassifier",
            "params": {"n_estimators": 10, "min_samples_leaf": 10},
        },
        {"class": "lightgbm.LGBMClassifier", "params": {"n_estimators": 20}},
    ],
    ids=["extra_trees", "lightgbm"],
)
def test_a_plugin_classifier_keeps_the_model_contract(spec):
    X, y = _data()
    new = _data(seed=1)[0]
    weights = np.where(y == 1, 3.0, 1.0)
    fit = lambda w=None, seed=1, threads=1: build_model(spec, threads=threads).fit(  # noqa: E731
        X, y, sample_weight=w, rng=rng_for(seed, "fit")
    )
    scores = fit(weights).decision_function(new)
    assert scores.shape == (len(new),) and np.isfinite(scores).all()
    np.testing.assert_array_equal(scores, fit(weights).decision_function(new))
    np.testing.assert_array_equal(scores, fit(weights, threads=2).decision_function(new))
    assert not np.array_equal(scores, fit().decision_function(new))  # the weights reach it
    model = build_model(spec)
    assert model.stores_scores and not model.exact_population


def test_a_classifier_with_probabilities_is_scored_by_their_log_odds():
    X, y = _data()
    spec = {"class": "sklearn.linear_model.LogisticRegression", "params": {"C": 1.0}}
    model = build_model(spec).fit(X, y, rng=rng_for(1, "fit"))
    np.testing.assert_allclose(
        model.decision_function(X), model.estimator_.decision_function(X), atol=1e-9
    )


def test_a_misspelled_option_of_a_kwargs_classifier_names_the_option():
    spec = {"class": "lightgbm.LGBMClassifier", "params": {"n_estimator": 10}}
    with pytest.raises(ValueError, match=r"\['n_estimator'\].*did you mean 'n_estimators'"):
        build_model(spec)


def test_a_bad_option_value_fails_before_any_job():
    spec = {"class": "sklearn.ensemble.ExtraTreesClassifier", "params": {"n_estimators": -3}}
    with pytest.raises(ValueError, match="n_estimators"):
        build_model(spec)


# --- a data file ------------------------------------------------------------------------------


def _table():
    rng = np.random.default_rng(3)
    return pd.DataFrame(
        {
            "x": rng.normal(size=200),
            "colour": rng.choice(["red", "green", "blue"], size=200, p=[0.6, 0.3, 0.1]),
            "same": 1.0,
            "label": np.repeat(["common", "rare"], [170, 30]),
        }
    )


def test_a_data_file_is_a_finite_source(tmp_path):
    path = tmp_path / "mine.parquet"
    _table().to_parquet(path)
    spec = {"file": str(path), "target": "label"}  # the minority: the rarer class by default
    X, y = finite.load(spec)
    assert list(X.columns) == ["x", "colour"]  # the constant column is dropped
    assert y.sum() == 30 and finite.class_counts(spec) == (170, 30)
    assert len(files.checksum(path)) == 64


def test_categorical_columns_are_encoded_on_each_training_part():
    table = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "c": ["a", "b", "a", "c"]})
    train, test = splits.encoded(table, np.array([0, 1, 2]), np.array([3]))
    # one column per level of the whole table; "c" is unseen in training: zeros
    np.testing.assert_array_equal(train, [[1, 1, 0, 0], [2, 0, 1, 0], [3, 1, 0, 0]])
    np.testing.assert_array_equal(test, [[4, 0, 0, 0]])


def _with_file(tmp_path, table, **entry):
    path = tmp_path / "mine.csv"
    table.to_csv(path, index=False)
    config = copy.deepcopy(CI)
    config["datasets"]["sets"]["loans"] = {"file": str(path), "target": "label"} | entry
    return config


@pytest.mark.parametrize(
    ("edit", "entry", "message"),
    [
        (lambda t: t.assign(x=t["x"].where(t.index != 3)), {}, "1 missing values"),
        (lambda t: t.assign(label="common"), {}, "has one class ('common')"),
        (lambda t: t.assign(label=np.resize(["a", "b", "c"], len(t))), {}, "has 3 classes"),
        (lambda t: t, {"target": "y"}, "'y' is not a column of"),
        (lambda t: t, {"minority": "none"}, "'none' is not a value of 'label'"),
    ],
)
def test_a_bad_data_file_stops_before_any_job(tmp_path, edit, entry, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        validation.check_config(_with_file(tmp_path, edit(_table()), **entry))


def test_a_data_file_that_does_not_parse_names_itself(tmp_path):
    config = _with_file(tmp_path, _table())
    path = config["datasets"]["sets"]["loans"]["file"]
    with open(path, "w") as handle:
        handle.write('x,label\n1,"unclosed\n')
    with pytest.raises(ValueError, match=f"{path} does not parse as csv"):
        validation.check_config(config)


def test_too_few_minority_rows_for_a_samplers_neighbours(tmp_path):
    table = _table().assign(label=np.repeat(["common", "rare"], [193, 7]))
    config = _with_file(tmp_path, table)
    config["experiments"]["plugins"]["methods"] = ["smote"]
    with pytest.raises(ValueError, match=r"needs at least 6 minority rows, but .* on data set"):
        validation.check_config(config)


# --- what a user writes wrong ------------------------------------------------------------------


def _edited(edit):
    config = copy.deepcopy(CI)
    edit(config)
    return config


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda c: c["experiments"]["plugins"].update(n=[200]),
         "experiments.plugins.n: an experiment over data sets has no n"),
        (lambda c: c["datasets"]["sets"]["ecoli2"].update(name="ecoli"),
         "did you mean 'ecoli4' or 'ecoli3' or 'ecoli2'? (117 valid names)"),
        (lambda c: c["generators"]["smote"].update(name="smot"),
         "did you mean 'smote' or 'svm_smote'?"),
        (lambda c: c["experiments"]["rate"].update(methods=["oracel"]),
         "'oracel' is neither raw, reweight nor a generator; did you mean 'oracle'?"),
        (lambda c: c["models"]["mlp"]["params"].update(activation="tanh"),
         "activation = 'tanh': the MLP's log-odds score is written for ReLU units; the only "
         "allowed value is 'relu'"),
        (lambda c: c["models"].update(knn={"class": "sklearn.neighbors.KNeighborsClassifier"})
         or c["experiments"]["plugins"]["models"].append("knn"),
         "method 'reweight' reweights the minority, but model 'knn'"),
    ],
)  # fmt: skip
def test_config_checks_a_user_meets(edit, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        validation.check_config(_edited(edit))


def test_a_duplicated_method_is_named():
    config = _edited(lambda c: c["experiments"]["rate"].update(methods=["oracle", "oracle"]))
    with pytest.raises(ValueError, match="'oracle' more than once"):
        validation.validate_config(config, REPO / "workflow" / "schemas" / "config.schema.yaml")

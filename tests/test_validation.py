"""Roles and capabilities: what each figure and claim needs is found, or the config is refused.

Every check here runs on the config alone, before any job: a renamed generator key just works,
a config without the truth sampler or with an inexact model where exact metrics are needed is
rejected with the figure or claim and the missing role or capability named, and a new linear
model gets exact metrics and population curves without any other change.
"""

import copy

import numpy as np
import pandas as pd
import pytest
import yaml
from workflow_helpers import REPO

from augsim.models import logistic, registry
from augsim.sources.dgps import make_dgp
from augsim.sources.simulate import simulate_test, simulate_training
from augsim.steps import evaluate
from augsim.steps.fit import fit_replicates
from augsim.study import catalogue, validation
from augsim.study.methods import Role

CI = yaml.safe_load((REPO / "config" / "ci.yaml").read_text())


def _edited(edit):
    config = copy.deepcopy(CI)
    edit(config)
    return config


def _rename_generator(config, old, new):
    config["generators"] = {(new if k == old else k): v for k, v in config["generators"].items()}
    for experiment in config["experiments"].values():
        experiment["methods"] = [new if m == old else m for m in experiment["methods"]]


def test_a_renamed_truth_sampler_keeps_its_role():
    config = _edited(lambda c: _rename_generator(c, "oracle", "truth"))
    plan = validation.check_config(config)
    assert plan.roles["truth"] == Role.TRUTH
    method = plan.catalogue["methods"]["truth"]
    assert method["label"] == "oracle"  # the figures name the generator
    assert method["colour"] == "#0173B2"  # and draw it in the generator's colour


def test_two_instances_of_one_generator_are_told_apart_by_their_keys():
    config = _edited(
        lambda c: c["generators"].update(smote_k3={"name": "smote", "params": {"k_neighbors": 3}})
    )
    methods = catalogue.told_apart(validation.check_config(config).catalogue["methods"])
    assert methods["smote"]["label"] == "smote (SMOTE)"
    assert methods["smote_k3"]["label"] == "smote_k3 (SMOTE)"
    assert methods["ros"]["label"] == "ROS"


def test_roles_come_from_the_generator_classes():
    roles = validation.check_config(copy.deepcopy(CI)).roles
    assert roles["raw"] == Role.UNAUGMENTED and roles["reweight"] == Role.WEIGHTING
    assert roles["oracle"] == Role.TRUTH and roles["biased_oracle"] == Role.BIASED
    assert roles["ros"] == roles["smote"] == Role.RESAMPLER
    assert roles["gaussian"] == Role.DENSITY


def _drop_method(config, experiment, method):
    methods = config["experiments"][experiment]["methods"]
    config["experiments"][experiment]["methods"] = [m for m in methods if m != method]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda c: _drop_method(c, "gamma_sweep", "oracle"),
            "figures.decomposition (view 'misspecified') needs a generator drawing from the true "
            "minority (role 'truth')",
        ),
        (
            lambda c: _drop_method(c, "gamma_sweep", "reweight"),
            "figures.decomposition (view 'misspecified') needs the weighting-only method "
            "(role 'weighting')",
        ),
        (
            lambda c: _drop_method(c, "gamma_sweep", "biased_oracle"),
            "claims.decomposition (view 'misspecified') needs a deliberately biased generator "
            "(role 'biased')",
        ),
        (
            lambda c: (
                c["views"].update(twin={"experiment": "quadratic_twin"}),
                c["claims"]["decomposition"].update(view="twin"),
            ),
            "claims.decomposition (view 'twin') needs a generator drawing from the true minority",
        ),
        (
            lambda c: c["claims"]["regret_rate"].update(view="misspecified", source="hetero"),
            "claims.regret_rate (view 'misspecified') needs at least 3 training sizes",
        ),
        (
            lambda c: c["figures"]["misspecified"].update(view="sweep"),
            "figures.misspecified (view 'sweep') shows one of the sources",
        ),
        (
            lambda c: c["claims"]["regret_rate"].update(source="hetero"),
            "claims.regret_rate (view 'rate').source: source 'hetero' is not in the view",
        ),
        (
            lambda c: c["views"]["oversamplers"].update(gammas=[0.5]),
            "views.oversamplers.gammas: 0.5 is not in experiment 'oversamplers'",
        ),
        (
            lambda c: c["tables"].pop("discrepancies"),
            "figures.discrepancies reads the table 'discrepancies': add tables.discrepancies",
        ),
        (
            lambda c: c["experiments"]["rate"].update(gammas=[2.0]),
            "figures.rate (view 'rate') needs gamma = 1",
        ),
        (
            lambda c: c["claims"]["population_invariance"].update(dgp="hetero_s1"),
            "claims.population_invariance.dgp: DGP 'hetero_s1' has no population curve",
        ),
        (
            lambda c: c["figures"]["misspecification_sweep"].update(degree="shift"),
            "figures.misspecification_sweep (view 'sweep'): DGP 'hetero_s1' has no numeric "
            "parameter 'shift'",
        ),
    ],
)
def test_a_missing_role_or_capability_is_named_before_any_job(edit, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        validation.check_config(_edited(edit))


def test_a_claim_that_needs_exact_metrics_names_the_model():
    def quadratic_decomposition(config):
        config["experiments"]["quadratic_twin"]["methods"] = ["oracle", "biased_oracle", "reweight"]
        config["views"]["twin"] = {"experiment": "quadratic_twin"}
        config["claims"]["decomposition"].update(view="twin")

    with pytest.raises(ValueError, match=r"model 'logistic_quadratic' .* has none"):
        validation.check_config(_edited(quadratic_decomposition))


def test_a_renamed_dgp_key_is_rejected_where_it_is_still_named():
    def rename(config):
        config["dgps"]["skewed"] = config["dgps"].pop("hetero")

    with pytest.raises(ValueError, match="'hetero' is not defined in dgps"):
        validation.check_config(_edited(rename))


def test_a_dgp_renamed_everywhere_just_works():
    text = (REPO / "config" / "ci.yaml").read_text().replace("hetero:", "skewed:")
    config = yaml.safe_load(text.replace("hetero,", "skewed,").replace("hetero]", "skewed]"))
    config["claims"]["population_invariance"]["control"] = "skewed"
    config["claims"]["flexible_gains"]["control"] = "skewed"
    config["claims"]["synthetic_error_bound"]["control"] = "skewed"
    assert ("skewed", 210) in validation.check_config(config).scenarios


class _LinearProbe(logistic.LogisticModel):
    """A new linear model: logistic regression under another name, with its own label."""

    name = "linear_probe"
    label = "linear probe"


def _probe_experiment(models):
    """An experiment of its own on a DGP no other experiment fits (the CI study's mixture)."""
    return lambda c: c["experiments"].update(
        probe={"dgps": ["mixture"], "n": [210], "models": models, "methods": ["reweight"],
               "gammas": [1.0]}
    )  # fmt: skip


@pytest.fixture
def with_linear_probe(monkeypatch):
    monkeypatch.setitem(registry.MODELS, _LinearProbe.name, f"{__name__}:_LinearProbe")
    config = _edited(
        lambda c: (
            c["models"].update(probe={"name": "linear_probe", "params": {"C": 1.0e6}}),
            _probe_experiment(["probe"])(c),
        )
    )
    validation.check_config(config)
    return config


def test_a_new_linear_model_gets_exact_metrics_and_population_curves(with_linear_probe):
    plan = validation.check_config(with_linear_probe)
    assert plan.exact("probe")
    assert plan.has_population_metrics("mixture", "probe")
    cells = {(c["dgp"], c["n"], c["method"]) for c in plan.population_cells}
    assert ("mixture", 210, "reweight") in cells  # only the probe fits mixture
    assert plan.catalogue["models"]["probe"]["exact_population"]


def test_a_model_without_the_capability_gets_no_population_curves():
    plan = validation.check_config(_edited(_probe_experiment(["logistic_quadratic"])))
    assert not plan.has_population_metrics("mixture", "logistic_quadratic")
    cells = {(c["dgp"], c["n"], c["method"]) for c in plan.population_cells}
    assert not any(dgp == "mixture" for dgp, _, _ in cells)
    assert "mixture" in plan.population_dgps  # its weight curve, from population.dgps


def test_a_new_linear_model_is_scored_exactly_and_the_quadratic_one_is_not(with_linear_probe):
    dgp = make_dgp("gaussian_hetero", dim=3, mean=[1.0, 1.0, 0.0], spread=2.0)
    train = simulate_training(dgp, n0=200, n1=10, replicate_ids=[0], seed=1, scenario="h/n210")
    test = simulate_test(dgp, rows_per_class=200, seed=1, dgp_key="h")
    prevalences = {"training": 10 / 210}
    for key, expected in (("probe", {"empirical", "population"}), ("logistic_quadratic", None)):
        model = registry.build_model(with_linear_probe["models"][key])
        fits = fit_replicates(train, None, lambda m=model: m, role=Role.UNAUGMENTED, gammas=[])
        rows = evaluate.evaluate_fits(
            fits,
            test,
            model=model,
            prevalences=prevalences,
            population=dgp,
            bayes=None,
            class_counts=(200, 10),
        )
        rows = pd.DataFrame(rows).to_dict("records")
        assert {row["source"] for row in rows} == (expected or {"empirical"})
        assert all(np.isnan(row["regret"]) for row in rows)  # no Bayes reference given

"""Roles and capabilities: what each figure and claim needs is found, or the config is refused.

Every check here runs on the config alone, before any job: a renamed generator key just works,
a config without the truth sampler or with an inexact model where exact metrics are needed is
rejected with the figure or claim and the missing role or capability named, and a new linear
model gets exact metrics and population curves without any other change.
"""

import copy

import numpy as np
import pytest
import yaml
from workflow_helpers import REPO

from augsim import evaluate, models, plan, validation
from augsim.dgps import make_dgp
from augsim.fit import fit_replicates
from augsim.methods import Role
from augsim.simulate import simulate_test, simulate_training

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
    validation.check_config(config)
    assert plan.method_roles(config)["truth"] == Role.TRUTH
    catalogue = plan.catalogue(config)
    assert catalogue["labels"]["truth"] == "oracle"  # the figures name the generator
    assert catalogue["generator_names"]["truth"] == "oracle"


def test_two_instances_of_one_generator_are_told_apart_by_their_keys():
    config = _edited(
        lambda c: c["generators"].update(smote_k3={"name": "smote", "params": {"k_neighbors": 3}})
    )
    labels = plan.catalogue(config)["labels"]
    assert labels["smote"] == "smote (SMOTE)" and labels["smote_k3"] == "smote_k3 (SMOTE)"
    assert labels["ros"] == "ROS"


def test_roles_come_from_the_generator_classes():
    roles = plan.method_roles(CI)
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
            "figures.decomposition needs a generator drawing from the true minority (role 'truth')",
        ),
        (
            lambda c: _drop_method(c, "gamma_sweep", "reweight"),
            "figures.decomposition needs the weighting-only method (role 'weighting')",
        ),
        (
            lambda c: _drop_method(c, "gamma_sweep", "biased_oracle"),
            "claims.decomposition needs a deliberately biased generator (role 'biased')",
        ),
        (
            lambda c: c["claims"]["decomposition"].update(
                experiment="quadratic_twin", model="logistic_quadratic"
            ),
            "claims.decomposition needs a generator drawing from the true minority",
        ),
        (
            lambda c: c["claims"]["regret_rate"].update(experiment="gamma_sweep"),
            "claims.regret_rate needs at least 3 training sizes",
        ),
        (
            lambda c: c["experiments"]["rate"].update(gammas=[2.0]),
            "figures.rate needs gamma = 1",
        ),
        (
            lambda c: c["claims"]["population_invariance"].update(dgp="hetero_s1"),
            "claims.population_invariance.dgp: DGP 'hetero_s1' has no population curve",
        ),
        (
            lambda c: c["figures"]["misspecification_sweep"].update(degree="shift"),
            "figures.misspecification_sweep: DGP 'hetero_s1' has no numeric parameter 'shift'",
        ),
    ],
)
def test_a_missing_role_or_capability_is_named_before_any_job(edit, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        validation.check_config(_edited(edit))


def test_a_claim_that_needs_exact_metrics_names_the_model():
    def quadratic_decomposition(config):
        config["experiments"]["quadratic_twin"]["methods"] = ["oracle", "biased_oracle", "reweight"]
        config["claims"]["decomposition"].update(
            experiment="quadratic_twin", model="logistic_quadratic"
        )

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
    config = yaml.safe_load(yaml.safe_dump(config).replace("dgp: hetero", "dgp: skewed"))
    config["claims"]["population_invariance"]["control"] = "skewed"
    validation.check_config(config)
    assert ("skewed", 210) in plan.scenarios(config)


class _LinearProbe(models.LogisticModel):
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
    monkeypatch.setitem(models.MODELS, _LinearProbe.name, _LinearProbe)
    config = _edited(
        lambda c: (
            c["models"].update(probe={"name": "linear_probe", "params": {"C": 1.0e6}}),
            _probe_experiment(["probe"])(c),
        )
    )
    validation.check_config(config)
    return config


def test_a_new_linear_model_gets_exact_metrics_and_population_curves(with_linear_probe):
    config = with_linear_probe
    assert plan.exact_models(config)["probe"]
    assert plan.has_population_metrics(config, "mixture", "probe")
    cells = {(c["dgp"], c["n"], c["method"]) for c in plan.population_cells(config)}
    assert ("mixture", 210, "reweight") in cells  # only the probe fits mixture
    assert plan.catalogue(config)["models"]["probe"]["exact_population"]


def test_a_model_without_the_capability_gets_no_population_curves():
    config = _edited(_probe_experiment(["logistic_quadratic"]))
    validation.check_config(config)
    assert not plan.has_population_metrics(config, "mixture", "logistic_quadratic")
    cells = {(c["dgp"], c["n"], c["method"]) for c in plan.population_cells(config)}
    assert not any(dgp == "mixture" for dgp, _, _ in cells)
    assert "mixture" in plan.population_dgps(config)  # its weight curve, from population.dgps


def test_a_new_linear_model_is_scored_exactly_and_the_quadratic_one_is_not(with_linear_probe):
    dgp = make_dgp("gaussian_hetero", dim=3, mean=[1.0, 1.0, 0.0], spread=2.0)
    train = simulate_training(dgp, n0=200, n1=10, replicate_ids=[0], seed=1, scenario="h/n210")
    test = simulate_test(dgp, rows_per_class=200, seed=1, dgp_key="h")
    prevalences = {"training": 10 / 210}
    for key, expected in (("probe", {"empirical", "population"}), ("logistic_quadratic", None)):
        model = models.build_model(with_linear_probe["models"][key])
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
        assert {row["source"] for row in rows} == (expected or {"empirical"})
        assert all(np.isnan(row["regret"]) for row in rows)  # no Bayes reference given

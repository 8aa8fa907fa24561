import copy

import pytest
import yaml
from workflow_helpers import REPO

from augsim import plan, validation

CI = yaml.safe_load((REPO / "config" / "ci.yaml").read_text())
PAPER = yaml.safe_load((REPO / "config" / "config.yaml").read_text())


@pytest.mark.parametrize("config", [CI, PAPER], ids=["ci", "paper"])
def test_shipped_configs_pass_the_cross_checks(config):
    validation.check_config(config)


def test_cells_merge_gammas_across_experiments():
    cells = {(c.dgp, c.n, c.model, c.method): c.gammas for c in plan.cells(CI)}
    # hetero/oracle appears in gamma_sweep and sweep: one cell, the union of their gammas
    assert cells[("hetero", 210, "logistic", "oracle")] == (0.0, 1.0, 2.0)
    assert cells[("shared", 105, "logistic", "oracle")] == (1.0,)
    assert cells[("shared", 105, "logistic", "raw")] == (0.0,)


def test_augmentations_draw_at_the_largest_gamma():
    assert plan.augmentations(CI)[("shared", 210, "smote")] == 2 * (200 - 10)
    assert plan.augmentations(CI)[("shared", 105, "oracle")] == 100 - 5


def test_paper_study_is_a_few_hundred_jobs_per_stage():
    assert len(plan.cells(PAPER)) * len(plan.chunks(PAPER)) < 400


def test_population_generators_keep_only_limit_parameters():
    specs = plan.population_generators(CI)
    assert specs["smote"]["params"] == {}
    assert specs["biased_oracle"]["params"] == {"shift": [0.0, 0.5, 0.0]}


def _broken(edit):
    config = copy.deepcopy(CI)
    edit(config)
    return config


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda c: c["dgps"]["shared"].update(name="gaussian"), "dgps.shared.name"),
        (lambda c: c["generators"]["smote"].update(name="smot"), "valid names"),
        (lambda c: c["models"]["logistic"].update(name="svm"), "models.logistic.name"),
        (lambda c: c["experiments"]["rate"]["dgps"].append("nope"), "experiments.rate.dgps"),
        (lambda c: c["experiments"]["rate"]["methods"].append("gan"), "experiments.rate.methods"),
        (lambda c: c["experiments"]["rate"]["n"].append(20), "experiments.rate.n"),
        (lambda c: c["figures"]["rate"].update(experiment="nope"), "figures.rate.experiment"),
        (lambda c: c["generators"].update(raw={"name": "ros"}), "reserved"),
    ],
)
def test_cross_checks_name_the_bad_key(edit, message):
    with pytest.raises(ValueError, match=message):
        validation.check_config(_broken(edit))


def test_evaluation_prevalence_is_the_design_one():
    from augsim.design import training_prevalence

    config = {**CI, "imbalance_ratio": 20, "extra_prevalences": [0.5]}
    assert plan.evaluation_prevalences(config, 500) == {
        "training": training_prevalence(20, 500),
        "fixed_0.5": 0.5,
    }


def test_population_cells_merge_the_gammas_of_every_exact_model():
    # a second linear model on the same cells with other gammas: one cell, the union of gammas
    config = copy.deepcopy(CI)
    config["models"]["logistic_c1"] = {"name": "logistic", "params": {"C": 1.0}}
    config["experiments"]["gamma_sweep"]["models"] = ["logistic", "logistic_c1"]
    config["experiments"]["more"] = {**config["experiments"]["gamma_sweep"],
                                     "models": ["logistic_c1"], "gammas": [0.5]}  # fmt: skip
    cells = plan.population_cells(config)
    keys = [(c["dgp"], c["n"], c["method"]) for c in cells]
    assert len(keys) == len(set(keys))
    by_key = {(c["dgp"], c["n"], c["method"]): c["gammas"] for c in cells}
    assert by_key[("shared", 210, "smote")] == [0.0, 0.5, 1.0, 2.0]

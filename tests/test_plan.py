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
    assert plan.evaluation_prevalences(config, "shared", 500) == {
        "training": training_prevalence(20, 500),
        "fixed_0.5": 0.5,
    }


def test_a_data_set_is_a_finite_source_of_one_training_size():
    """ecoli2: 284 majority and 52 minority rows; test parts of round(0.3 x count) per class."""
    from augsim.sources import FINITE, SIMULATED

    assert plan.source_kind(CI, "ecoli2") is FINITE and plan.source_kind(CI, "shared") is SIMULATED
    assert plan.split_sizes(CI, "ecoli2") == (199, 36, 85, 16)
    assert plan.class_counts(CI, "ecoli2") == (199, 36)
    experiment = CI["experiments"]["real_data"]
    assert plan.experiment_scenarios(CI, experiment) == [("ecoli2", 235), ("vowel0", 692)]
    # the deployment prevalence is the test part's own
    assert plan.evaluation_prevalences(CI, "ecoli2", 235)["training"] == 16 / 101
    real = {(c.dgp, c.method): c for c in plan.cells(CI) if c.dgp == "ecoli2"}
    smote = real[("ecoli2", "smote")]
    assert smote.n == 235 and smote.gammas == (0.0, 0.5, 1.0)
    # m at gamma 1 balances the training part: 199 - 36 synthetic rows
    assert plan.augmentations(CI)[("ecoli2", 235, "smote")] == 163
    info = plan.catalogue(CI)["dgps"]["ecoli2"]
    assert info["kind"] == "finite" and not info["has_population"]
    assert (info["n_train"], info["n_test"]) == (235, 101)
    assert info["imbalance_ratio"] == pytest.approx(284 / 52)
    # a data set has no Bayes reference and no population curve
    assert "ecoli2" not in plan.population_dgps(CI)
    assert all(cell["dgp"] != "ecoli2" for cell in plan.population_cells(CI))


def test_the_paper_lists_exactly_the_sets_its_rule_selects():
    from augsim import datasets

    listed = [spec["name"] for spec in PAPER["datasets"]["sets"].values()]
    assert sorted(listed) == sorted(datasets.select(**PAPER["datasets"]["selection"]))
    assert 8 <= len(listed) <= 15


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

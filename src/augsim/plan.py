"""The study plan: what a validated config asks to be simulated, augmented, fitted and drawn.

The Snakemake workflow asks this module for its targets and parameters, so the expansion of a
config into jobs is plain Python, tested without Snakemake. Names used here:

data source
    A DGP (``dgps``, simulated) or a real data set (``datasets.sets``, finite); its kind comes
    from :func:`source_kind`. Tables and wildcards name it ``dgp`` either way.
scenario
    A (data source, training size n) pair; its replicates are the unit of simulation. A data
    set has one training size: its training part's (:func:`split_sizes`).
cell
    A (data source, n, model instance, method) combination with the gammas it is fitted at.
method
    ``raw``, ``reweight`` or a generator instance key; its role comes from :func:`method_roles`.
catalogue
    What figures and claims need to know of the config's instances: each method's role and
    label, each model's label and capability, each source's kind (:func:`catalogue`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from augsim import methods
from augsim.design import (
    chunk_replicates,
    class_sizes,
    labelled_prevalences,
    synthetic_count,
    training_prevalence,
)
from augsim.methods import BUILT_IN, RAW, REWEIGHT
from augsim.sources import FINITE, SIMULATED, SourceKind


@dataclass(frozen=True, order=True)
class Cell:
    """One fitted combination, the gammas it is fitted at and its number of replicates (the
    first ``replicates`` of the study's)."""

    dgp: str
    n: int
    model: str
    method: str
    gammas: tuple[float, ...]
    replicates: int


def method_roles(config: dict) -> dict[str, str]:
    """The role of every method the config can name: raw, reweight and each generator key."""
    from augsim.generators import GENERATORS

    generators = {key: GENERATORS[spec["name"]].role for key, spec in config["generators"].items()}
    return {method: str(role) for method, role in (BUILT_IN | generators).items()}


def method_role(config: dict, method: str) -> str:
    """The role of one method (see :func:`method_roles`)."""
    return method_roles(config)[method]


def exact_models(config: dict) -> dict[str, bool]:
    """For each model key, whether the model has exact population metrics."""
    from augsim.models import MODELS

    return {key: MODELS[spec["name"]].exact_population for key, spec in config["models"].items()}


def stores_scores(config: dict, model: str) -> bool:
    """Whether fits of ``model`` keep their test-set scores (it has no coefficients)."""
    from augsim.models import MODELS

    return MODELS[config["models"][model]["name"]].stores_scores


def dataset_specs(config: dict) -> dict[str, dict]:
    """The real data sets of the config by key (``datasets.sets``; none without that section)."""
    return config.get("datasets", {}).get("sets", {})


def sources(config: dict) -> list[str]:
    """Every data source key: the DGPs, then the data sets."""
    return [*config["dgps"], *dataset_specs(config)]


def source_kind(config: dict, dgp: str) -> SourceKind:
    """The kind of the data source ``dgp``: a ``dgps`` entry is simulated, a data set finite."""
    if dgp in config["dgps"]:
        return SIMULATED
    if dgp in dataset_specs(config):
        return FINITE
    raise ValueError(f"{dgp!r} is not a data source of the config")


def experiment_sources(experiment: dict) -> list[str]:
    """An experiment's data sources: its DGPs, or its data sets."""
    return list(experiment.get("dgps", experiment.get("datasets", [])))


def experiment_scenarios(config: dict, experiment: dict) -> list[tuple[str, int]]:
    """An experiment's (data source, n) pairs: each DGP at each of its ``n``, or each data set
    at its training part's size."""
    if "datasets" in experiment:
        return [(key, sum(class_counts(config, key))) for key in experiment["datasets"]]
    return [(dgp, n) for dgp in experiment["dgps"] for n in experiment["n"]]


def split_sizes(config: dict, dataset: str) -> tuple[int, int, int, int]:
    """(train majority, train minority, test majority, test minority) rows of every split of a
    data set, from the package's class counts (no data is loaded)."""
    from augsim import datasets, splits

    n0, n1 = datasets.class_counts(dataset_specs(config)[dataset]["name"])
    return splits.split_sizes(n0, n1, test_fraction=config["datasets"]["test_fraction"])


def class_counts(config: dict, dgp: str, n: int | None = None) -> tuple[int, int]:
    """(n0, n1) of a training replicate of data source ``dgp`` at size ``n``: from the imbalance
    ratio for a DGP, the training part's for a data set (which has one size)."""
    if source_kind(config, dgp) is FINITE:
        return split_sizes(config, dgp)[:2]
    return class_sizes(int(n), config["imbalance_ratio"])


def has_population_metrics(config: dict, dgp: str, model: str) -> bool:
    """Whether fits of ``model`` on ``dgp`` are scored exactly as well as on test rows."""
    from augsim.sources import POPULATION, metric_sources

    sources = metric_sources(
        exact_model=exact_models(config)[model],
        has_population=source_kind(config, dgp).has_population,
    )
    return POPULATION in sources


def catalogue(config: dict) -> dict:
    """Roles, labels and capabilities of the config's instances, for figures and claims."""
    from augsim.generators import GENERATORS
    from augsim.models import MODELS

    labels = {RAW: RAW, REWEIGHT: REWEIGHT}
    names = [spec["name"] for spec in config["generators"].values()]
    for key, spec in config["generators"].items():
        label = GENERATORS[spec["name"]].label
        # a second instance of one generator is told apart by its key
        labels[key] = label if names.count(spec["name"]) == 1 else f"{key} ({label})"
    models = {}
    for key, spec in config["models"].items():
        model = MODELS[spec["name"]]
        models[key] = {"label": model.label, "exact_population": model.exact_population}
        models[key]["flexibility"] = model.flexibility
    kinds = {}
    for key in sources(config):
        kind = source_kind(config, key)
        kinds[key] = {"kind": kind.name, "has_population": kind.has_population}
        if kind is FINITE:
            train0, train1, test0, test1 = split_sizes(config, key)
            kinds[key] |= {
                "name": dataset_specs(config)[key]["name"],
                "imbalance_ratio": (train0 + test0) / (train1 + test1),
                "n_train": train0 + train1,
                "n_test": test0 + test1,
            }
    return {
        "roles": method_roles(config),
        "labels": labels,
        "generator_names": {key: spec["name"] for key, spec in config["generators"].items()},
        "models": models,
        "dgps": kinds,
    }


def experiment_replicates(config: dict, experiment: dict) -> int:
    """An experiment's replicates: its own ``replicates``, else the study's."""
    return int(experiment.get("replicates", config["replicates"]))


def cells(config: dict) -> list[Cell]:
    """Every fitted cell of the study, gammas and replicates merged over the experiments that
    share it (the union of the gammas, the most replicates)."""
    gammas: dict[tuple, set[float]] = defaultdict(set)
    replicates: dict[tuple, int] = defaultdict(int)
    for experiment in config["experiments"].values():
        count = experiment_replicates(config, experiment)
        for dgp, n in experiment_scenarios(config, experiment):
            for model in experiment["models"]:
                keys = [(dgp, n, model, RAW)]
                gammas[keys[0]].add(0.0)
                for method in experiment["methods"]:
                    if method != RAW:
                        keys.append((dgp, n, model, method))
                        gammas[keys[-1]].update(map(float, experiment["gammas"]))
                for key in keys:
                    replicates[key] = max(replicates[key], count)
    return sorted(
        Cell(*key, tuple(sorted(values)), replicates[key]) for key, values in gammas.items()
    )


def fitted_cells(config: dict) -> list[Cell]:
    """The cells with fits of their own: every cell but those of a method only at gamma 0."""
    roles = method_roles(config)
    return [
        cell for cell in cells(config) if methods.method_gammas(roles[cell.method], cell.gammas)
    ]


def gamma_zero_cells(config: dict) -> list[dict]:
    """The cells of methods other than raw at gamma 0, whose rows are the raw fit's."""
    roles = method_roles(config)
    return [
        {
            "dgp": cell.dgp,
            "n": cell.n,
            "model": cell.model,
            "method": cell.method,
            "replicates": cell.replicates,
        }
        for cell in cells(config)
        if 0.0 in cell.gammas and roles[cell.method] != str(methods.Role.UNAUGMENTED)
    ]


def scenarios(config: dict) -> list[tuple[str, int]]:
    """The (data source, n) pairs that need training replicates."""
    return sorted({(cell.dgp, cell.n) for cell in cells(config)})


def augmentations(config: dict) -> dict[tuple[str, int, str], int]:
    """Synthetic rows to draw per (data source, n, generator): m at the largest gamma."""
    roles = method_roles(config)
    largest: dict[tuple[str, int, str], int] = {}
    for cell in cells(config):
        if methods.draws_rows(roles[cell.method]):
            n0, n1 = class_counts(config, cell.dgp, cell.n)
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


def chunk_replicate_ids(config: dict, chunk: int, replicates: int | None = None) -> list[int]:
    """Replicate indices of chunk ``chunk``, of the study's or of the first ``replicates``."""
    count = config["replicates"] if replicates is None else replicates
    return chunk_replicates(chunk, chunk_size=config["chunk_size"], replicates=count).tolist()


def cell_chunks(config: dict, cell: Cell) -> range:
    """The chunks holding a cell's replicates (the first ones of the study's chunks)."""
    return range(-(-cell.replicates // config["chunk_size"]))


def evaluation_prevalences(config: dict, dgp: str, n: int) -> dict[str, float]:
    """The prevalences a fit on data source ``dgp`` at training size ``n`` is evaluated at, by
    label: the deployment prevalence (label ``training``) and the config's extra ones."""
    deployment = study_prevalence(config, dgp, n)
    return labelled_prevalences(deployment, config["extra_prevalences"])


def study_prevalence(config: dict, dgp: str, n: int) -> float:
    """The deployment prevalence of scenario (``dgp``, ``n``): the training prevalence n1 / n of
    a DGP's replicates; a data set's test part's own prevalence (its population's, as near as
    the data say: the split is stratified)."""
    if source_kind(config, dgp) is FINITE:
        _, _, test0, test1 = split_sizes(config, dgp)
        return test1 / (test0 + test1)
    return training_prevalence(config["imbalance_ratio"], n)


def bayes_prevalences(config: dict, dgp: str) -> list[float]:
    """Every prevalence at which the Bayes reference of ``dgp`` is needed."""
    needed = {
        p
        for scenario_dgp, n in scenarios(config)
        if scenario_dgp == dgp
        for p in evaluation_prevalences(config, dgp, n).values()
    }
    return sorted(needed)


def unique(items: Iterable) -> list:
    """Items in first-seen order without repeats."""
    return list(dict.fromkeys(items))


def population_cells(config: dict) -> list[dict]:
    """Cells with population metrics, whose gamma curve has an n -> infinity counterpart.

    The population table has no model column: two exact models on one (DGP, n, method) tend to
    the same projection, so the curve is computed once.
    """
    gammas: dict[tuple, set[float]] = defaultdict(set)
    for cell in cells(config):
        if has_population_metrics(config, cell.dgp, cell.model):
            gammas[(cell.dgp, cell.n, cell.method)].update(cell.gammas)
    return [{"dgp": dgp, "n": n, "method": method, "gammas": sorted(values)}
            for (dgp, n, method), values in sorted(gammas.items())]  # fmt: skip


def population_dgps(config: dict) -> list[str]:
    """The DGPs the population curves need: the weight curves' and those of population cells."""
    return unique([*config["population"]["dgps"], *(c["dgp"] for c in population_cells(config))])


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


def draws_rows(config: dict, method: str) -> bool:
    """Whether ``method`` fits on synthetic rows (it is a generator of some role)."""
    return methods.draws_rows(method_role(config, method))


#: the figures and claims that show each model's gains next to the test set's own error
TEST_ERROR_USERS = (("figures", "flexible_models"), ("claims", "flexible_gains"))
#: replicates whose mean paired difference the test-set error is taken of (the first ones):
#: fewer than a cell's, so the error is a little larger than that of the mean over all of
#: them (its fit-by-test-row part shrinks with more replicates); the check is conservative
TEST_ERROR_REPLICATES = 5


def test_error_cells(config: dict) -> list[tuple[str, int, str]]:
    """The (data source, n, model) triples whose paired differences need the test set's own
    Monte Carlo error: in the experiments of :data:`TEST_ERROR_USERS`, at the n they show, the
    models scored on the test set only, and the claim's control model (its test-set metric is
    the control of the claim's noise threshold)."""
    from augsim.sources import EMPIRICAL, shown_source
    from augsim.views import shown_n

    exact = exact_models(config)
    triples = []
    for section, name in TEST_ERROR_USERS:
        if name not in config[section]:
            continue
        spec = config[section][name]
        experiment = config["experiments"][spec["experiment"]]
        n = shown_n(experiment)
        for dgp in experiment["dgps"]:
            for model in experiment["models"]:
                source = shown_source(
                    exact_model=exact[model],
                    has_population=source_kind(config, dgp).has_population,
                )
                if source == EMPIRICAL:
                    triples.append((dgp, n, model))
        if "control_model" in spec:
            triples.append((spec["control"], n, spec["control_model"]))
    return unique(triples)


def test_error_methods(config: dict, dgp: str, n: int, model: str) -> list[str]:
    """Raw first, then the methods with fits of their own on (dgp, n, model) that the
    experiments of :data:`TEST_ERROR_USERS` compare."""
    compared = {
        method
        for section, name in TEST_ERROR_USERS
        if name in config[section]
        for method in config["experiments"][config[section][name]["experiment"]]["methods"]
    }
    fitted = [
        cell.method
        for cell in fitted_cells(config)
        if (cell.dgp, cell.n, cell.model) == (dgp, int(n), model)
        and cell.method != RAW
        and cell.method in compared
    ]
    return [RAW, *fitted]


def test_error_replicates(config: dict, dgp: str, n: int, model: str) -> list[int]:
    """The replicates the test-set error is averaged over: the first of the first chunk that
    every method of the triple fits."""
    fewest = min(
        find_cell(config, dgp, n, model, method).replicates
        for method in test_error_methods(config, dgp, n, model)
    )
    return chunk_replicate_ids(config, 0, fewest)[:TEST_ERROR_REPLICATES]

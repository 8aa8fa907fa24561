"""Checks of the report's config: every view is a part of its experiment, and every table,
figure and claim gets what its declaration (:mod:`augsim.report.registry`) says it needs."""

from __future__ import annotations

from augsim.report.registry import SECTIONS, TABLES, Item, Needs
from augsim.study.methods import DESCRIPTIONS, RAW, with_role
from augsim.study.views import Selection


def check_report(config: dict, plan) -> None:
    """Raise ``ValueError`` naming the key of the first view or item that does not fit."""
    for name, spec in config.get("views", {}).items():
        _check_view(config, name, spec)
    for section, items in SECTIONS.items():
        for name, spec in config.get(section, {}).items():
            _check_item(config, plan, f"{section}.{name}", items[name], spec)
    for source, n, model in plan.test_error_cells:
        if not plan.source_kind(source).shared_test_set:
            raise ValueError(
                f"test-set error of {source}/n{n}/{model}: its paired differences are measured "
                f"on a shared test set, which data source {source!r} does not have"
            )


def _check_view(config: dict, name: str, spec: dict) -> None:
    where = f"views.{name}"
    experiments = config["experiments"]
    if spec["experiment"] not in experiments:
        raise ValueError(
            f"{where}.experiment = {spec['experiment']!r} is not defined in experiments; "
            f"defined: {', '.join(sorted(experiments))}"
        )
    experiment = experiments[spec["experiment"]]
    listed = {
        "sources": experiment.get("dgps", experiment.get("datasets", [])),
        "models": experiment["models"],
        "gammas": [float(g) for g in experiment["gammas"]],
    }
    for key, allowed in listed.items():
        for value in spec.get(key, []):
            if (float(value) if key == "gammas" else value) not in allowed:
                raise ValueError(
                    f"{where}.{key}: {value!r} is not in experiment {spec['experiment']!r}, "
                    f"which has {allowed}"
                )
    if "n" in spec and spec["n"] not in experiment.get("n", []):
        raise ValueError(
            f"{where}.n = {spec['n']} is not a training size of experiment "
            f"{spec['experiment']!r}: {experiment.get('n', 'none (real data)')}"
        )


def _check_item(config: dict, plan, where: str, item: Item, spec: dict) -> None:
    for table in item.reads:
        if table in TABLES and table not in config.get("tables", {}):
            raise ValueError(f"{where} reads the table {table!r}: add tables.{table}")
    options = {key: value for key, value in spec.items() if key != "view"}
    for key in item.needs.weight_curves:
        _check_weight_curve(config, f"{where}.{key}", options[key])
    if not item.view:
        return
    if spec["view"] not in plan.selections:
        raise ValueError(
            f"{where}.view = {spec['view']!r} is not defined in views; defined: "
            f"{', '.join(sorted(plan.selections)) or 'none'}"
        )
    selection = plan.selections[spec["view"]]
    where = f"{where} (view {selection.view!r})"
    _check_options(where, item.needs, options, selection)
    _check_shape(where, item.needs, selection)
    _check_methods(where, item.needs, selection, plan.roles)
    _check_gammas(config, where, item.needs, options, selection)
    if item.needs.exact_model:
        for model in selection.models:
            if not plan.exact(model):
                raise ValueError(
                    f"{where} needs a model with exact population metrics; model {model!r} "
                    f"({config['models'][model]['name']}) has none"
                )
    if "degree" in options:
        _check_degrees(plan, where, selection, options["degree"])


def _check_weight_curve(config: dict, where: str, dgp: str) -> None:
    if dgp not in config["dgps"]:
        raise ValueError(f"{where}: DGP {dgp!r} is not defined in dgps")
    if dgp not in config["population"]["dgps"]:
        raise ValueError(
            f"{where}: DGP {dgp!r} has no population curve over w; add it to population.dgps"
        )


def _check_options(where: str, needs: Needs, options: dict, selection: Selection) -> None:
    for key in needs.source_options:
        if options[key] not in selection.sources:
            raise ValueError(
                f"{where}.{key}: source {options[key]!r} is not in the view: "
                f"{list(selection.sources)}"
            )
    for key in needs.model_options:
        if options[key] not in selection.models:
            raise ValueError(
                f"{where}.{key}: model {options[key]!r} is not in the view: "
                f"{list(selection.models)}"
            )


def _check_shape(where: str, needs: Needs, selection: Selection) -> None:
    data_sets = selection.ns == ()
    if needs.data_sets is not None and needs.data_sets != data_sets:
        kind = "real data sets" if needs.data_sets else "DGPs"
        raise ValueError(
            f"{where} needs an experiment over {kind}; {selection.experiment!r} is not"
        )
    for what, one in (("sources", needs.one_source), ("models", needs.one_model)):
        if one and len(getattr(selection, what)) != 1:
            raise ValueError(
                f"{where} shows one of the {what}; the view has {list(getattr(selection, what))}"
                f": name one with views.{selection.view}.{what}"
            )
    if not data_sets and len(selection.ns) < needs.sizes:
        raise ValueError(
            f"{where} needs at least {needs.sizes} training sizes in experiment "
            f"{selection.experiment!r}, which has {list(selection.ns)}"
        )


def _check_methods(where: str, needs: Needs, selection: Selection, roles: dict) -> None:
    methods = [RAW, *selection.methods]
    for role in needs.roles:
        if not with_role(roles, role, methods):
            raise ValueError(
                f"{where} needs {DESCRIPTIONS[role]} (role {role.value!r}) among the methods of "
                f"experiment {selection.experiment!r}: {', '.join(selection.methods)}"
            )
    if needs.compared and not (selection.methods and any(g > 0 for g in selection.gammas)):
        raise ValueError(
            f"{where} compares methods with raw: experiment {selection.experiment!r} needs a "
            "method besides raw and a gamma > 0"
        )


def _check_gammas(config, where: str, needs: Needs, options: dict, selection: Selection) -> None:
    if needs.one_gamma and len(selection.gammas) != 1:
        raise ValueError(
            f"{where} shows one gamma; the view has {list(selection.gammas)}: name one with "
            f"views.{selection.view}.gammas"
        )
    wanted = [needs.gamma] if needs.gamma is not None else []
    if needs.option_gamma:
        wanted.append(float(options["gamma"]))
    for gamma in wanted:
        if gamma not in selection.gammas:
            raise ValueError(
                f"{where} needs gamma = {gamma:g} in experiment {selection.experiment!r}, which "
                f"fits {list(selection.gammas)}"
            )
    if needs.option_gamma:
        real = config["tables"]["real_data"]["view"]
        gammas = [float(g) for g in config["views"][real].get("gammas", [])] or [
            float(g) for g in config["experiments"][config["views"][real]["experiment"]]["gammas"]
        ]
        if float(options["gamma"]) not in gammas:
            raise ValueError(
                f"{where} needs gamma = {options['gamma']:g} in the real-data table's view "
                f"{real!r}, which shows {gammas}"
            )


def _check_degrees(plan, where: str, selection: Selection, degree: str) -> None:
    from augsim.report.selections import degrees

    try:
        degrees(selection.sources, plan.catalogue, degree)
    except ValueError as err:
        raise ValueError(f"{where}: {err}") from None

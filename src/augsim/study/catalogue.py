"""The catalogue: what the report needs to know of the config's instances, read off their
classes. Each method's role, label, family (its generator's registry name or class: instances
of one generator share it) and style (colour, marker), each model's label and
capabilities, each source's kind and description; and its cut to what one report job shows, so
that a job's params change only when what it shows does.
"""

from __future__ import annotations

from collections import Counter

from augsim.report.registry import SECTIONS
from augsim.sources import finite
from augsim.sources.kinds import FINITE, SIMULATED
from augsim.study.methods import BUILT_IN, BUILT_IN_STYLES, RAW


def build(plan) -> dict:
    """The catalogue of a plan's config (:class:`augsim.study.plan.Plan`)."""
    return {"methods": _methods(plan), "models": _models(plan), "sources": _sources(plan)}


def cut(plan, jobs) -> dict:
    """The catalogue cut to what ``jobs`` show (their views, the views of the tables they
    read, the sources their options name): their params then change only when what they
    show does."""
    methods, models, sources = {RAW}, set(), set()
    for job in jobs:
        tables = [t for t in job.item.reads if t in SECTIONS["tables"]]
        selections = [job.selection, *(plan.report_job("table", t).selection for t in tables)]
        for selection in filter(None, selections):
            methods.update(selection.methods)
            models.update(selection.models)
            sources.update(selection.sources)
        sources.update(job.options[key] for key in ("dgp", "control") if key in job.options)
        if not job.item.view and "population" in job.item.reads:
            sources.update(plan.config["population"]["dgps"])
    full = plan.catalogue
    return {
        "methods": told_apart({k: v for k, v in full["methods"].items() if k in methods}),
        "models": {k: v for k, v in full["models"].items() if k in models},
        "sources": {k: v for k, v in full["sources"].items() if k in sources},
    }


def told_apart(methods: dict[str, dict]) -> dict[str, dict]:
    """``methods`` with the label of every instance of a generator shown more than once among
    them told apart by its key: a figure names each of its instances, and a method's label does
    not change with what other figures show."""
    families = Counter(entry["family"] for entry in methods.values())
    return {
        key: entry | {"label": f"{key} ({entry['label']})"} if families[entry["family"]] > 1
        else entry
        for key, entry in methods.items()
    }  # fmt: skip


def _methods(plan) -> dict[str, dict]:
    methods = {key: {"role": str(role), "label": key, "family": key} | BUILT_IN_STYLES[key]
               for key, role in BUILT_IN.items()}  # fmt: skip
    for key, cls in plan.generator_classes.items():
        spec = plan.config["generators"][key]
        name = spec.get("name", spec.get("class"))
        methods[key] = {"role": str(cls.role), "label": cls.label, "family": name, **cls.style()}
    return methods


def _models(plan) -> dict[str, dict]:
    return {
        key: {
            "label": cls.label,
            "flexibility": cls.flexibility,
            "exact_population": cls.exact_population,
        }
        for key, cls in plan.model_classes.items()
    }


def _sources(plan) -> dict[str, dict]:
    sources = {}
    for key, spec in plan.config["dgps"].items():
        sources[key] = {"kind": SIMULATED.name, "has_population": True, "name": spec["name"]}
        sources[key]["params"] = dict(spec.get("params") or {})
    for key, spec in plan.datasets.items():
        train0, train1, test0, test1 = plan.split_sizes[key]
        sources[key] = {
            "kind": FINITE.name,
            "has_population": False,
            "name": finite.name(spec),
            "imbalance_ratio": (train0 + test0) / (train1 + test1),
            "n_train": train0 + train1,
            "n_test": test0 + test1,
        }
    return sources

"""Selections and catalogues for tests of the report, built as the plan builds them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from augsim.study.methods import BUILT_IN_STYLES
from augsim.study.views import Selection, resolve


def catalogue(
    roles: Mapping[str, str],
    models: Mapping[str, Mapping] | None = None,
    sources: Mapping[str, Mapping] | None = None,
    labels: Mapping[str, str] | None = None,
) -> dict:
    """A catalogue of methods with these roles (label: the key, or ``labels``; the built-in
    methods' styles, no colour for the others), models and sources, filled with defaults: a
    model is exact unless it says otherwise, a source has a population unless it says so."""
    methods = {
        key: {"role": role, "label": (labels or {}).get(key, key)}
        | dict(BUILT_IN_STYLES.get(key, {"colour": None, "marker": "o"}))
        for key, role in roles.items()
    }
    model_info = {
        key: {"label": key, "flexibility": 0, "exact_population": True} | dict(info)
        for key, info in (models or {"logistic": {}}).items()
    }
    source_info = {
        key: {"kind": "simulated", "has_population": True, "name": key, "params": {}} | dict(info)
        for key, info in (sources or {}).items()
    }
    return {"methods": methods, "models": model_info, "sources": source_info}


def selection(
    experiment: Mapping,
    catalogue: Mapping,
    *,
    sources: Sequence[str] | None = None,
    models: Sequence[str] | None = None,
    n: int | None = None,
    gammas: Sequence[float] | None = None,
    name: str = "view",
) -> Selection:
    """The selection of a view of ``experiment`` (a config entry), resolved as the plan resolves
    it, with roles, capabilities and data-set sizes from ``catalogue``."""
    spec = {"experiment": "experiment"}
    for key, value in (("sources", sources), ("models", models), ("n", n), ("gammas", gammas)):
        if value is not None:
            spec[key] = value
    listed = experiment.get("dgps", experiment.get("datasets", []))
    info = catalogue["sources"]
    return resolve(
        name,
        spec,
        experiment,
        roles={key: method["role"] for key, method in catalogue["methods"].items()},
        sizes={
            key: info[key]["n_train"] for key in listed if key in info and "n_train" in info[key]
        },
        exact_models={key: model["exact_population"] for key, model in catalogue["models"].items()},
        has_population={key: info.get(key, {}).get("has_population", True) for key in listed},
    )

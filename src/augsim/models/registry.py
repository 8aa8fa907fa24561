"""Every score model the config can name, by registry name.

Entries are import paths, not imports: a job imports the module of the model it fits and no
other, so the workflow's code inputs (:mod:`augsim.workflow.codedeps`) follow that one module and
an edit of the flexible models reruns only their jobs. Each class declares its label and
capabilities (:mod:`augsim.models.interface`), read off the class itself.
"""

from __future__ import annotations

import importlib

from augsim.study.names import did_you_mean

#: registry name -> "module:Class"
MODELS: dict[str, str] = {
    "logistic": "augsim.models.logistic:LogisticModel",
    "logistic_quadratic": "augsim.models.logistic:QuadraticLogisticModel",
    "gradient_boosting": "augsim.models.flexible:GradientBoosting",
    "random_forest": "augsim.models.flexible:RandomForest",
    "mlp": "augsim.models.flexible:MultilayerPerceptron",
}


def model_module(name: str) -> str:
    """The module that implements the registered model ``name``."""
    return _entry(name).split(":")[0]


def model_class(name: str) -> type:
    """The class of the registered model ``name`` (its module is imported now)."""
    module, cls = _entry(name).split(":")
    return getattr(importlib.import_module(module), cls)


def entry_class(spec: dict) -> type:
    """The class of a config entry: a registered model (``name``) or a classifier of the
    user's named by import path (``class``, :mod:`augsim.models.plugin`)."""
    if "class" in spec:
        # loaded by import path, as every implementation: a job imports the plug-in adapter
        # only when its entry is a plug-in
        return importlib.import_module("augsim.models.plugin").entry_class(spec)
    return model_class(spec["name"])


def entry_modules(spec: dict) -> list[str]:
    """The package modules a job of the entry's model runs (its own, by import path)."""
    if "class" in spec:
        return ["augsim.models.plugin"]
    return [model_module(spec["name"])]


def make_model(name: str, **params: object):
    """Build the registered model ``name`` with keyword options ``params``; an option the model
    does not take names itself and the valid ones."""
    return _built(model_class(name), name, params)


def _built(cls: type, name: str, params: dict):
    valid = cls.valid_params()
    unknown = sorted(set(params) - set(valid))
    if unknown:
        hint = did_you_mean(unknown[0], valid) if len(unknown) == 1 else ""
        raise ValueError(
            f"unknown parameter(s) {unknown} for model {name!r}; {hint + '; ' if hint else ''}"
            f"valid: {', '.join(valid)}"
        )
    return cls(**params)


def build_model(spec: dict, *, threads: int = 1):
    """The (unfitted) score model of a config entry (``{"name": ..., "params": {...}}`` or
    ``{"class": ..., "params": {...}}``), using ``threads`` threads where it can use several."""
    name = spec.get("name", spec.get("class"))
    model = _built(entry_class(spec), name, dict(spec.get("params") or {}))
    model.threads = threads
    return model


def _entry(name: str) -> str:
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; valid names: {', '.join(MODELS)}")
    return MODELS[name]

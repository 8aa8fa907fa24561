"""Every score model the config can name, by registry name.

Entries are import paths, not imports: a job imports the module of the model it fits and no
other, so the workflow's code inputs (:mod:`augsim.workflow.codedeps`) follow that one module and
an edit of the flexible models reruns only their jobs. Each class declares its label and
capabilities (:mod:`augsim.models.interface`), read off the class itself.
"""

from __future__ import annotations

import importlib

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


def make_model(name: str, **params: object):
    """Build the registered model ``name`` with keyword options ``params``; an option the model
    does not take names itself and the valid ones."""
    cls = model_class(name)
    valid = cls.valid_params()
    unknown = sorted(set(params) - set(valid))
    if unknown:
        raise ValueError(
            f"unknown parameter(s) {unknown} for model {name!r}; valid: {', '.join(valid)}"
        )
    return cls(**params)


def build_model(spec: dict, *, threads: int = 1):
    """The (unfitted) score model of a config entry ``{"name": ..., "params": {...}}``, using
    ``threads`` threads where it can use several."""
    model = make_model(spec["name"], **(spec.get("params") or {}))
    model.threads = threads
    return model


def _entry(name: str) -> str:
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; valid names: {', '.join(MODELS)}")
    return MODELS[name]

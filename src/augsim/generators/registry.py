"""Every synthetic minority generator the config can name, by registry name.

Entries are import paths, not imports: a job imports the module of the generator it runs and no
other, so the workflow's code inputs (:mod:`augsim.workflow.codedeps`) follow that one module and
an edit of one family of generators reruns only its jobs. Each class declares what it is (role,
label, style, capabilities; :mod:`augsim.generators.interface`), read off the class itself.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from augsim.generators.interface import MinorityGenerator
    from augsim.sources.dgps import GaussianMixtureDGP

#: registry name -> "module:Class"
GENERATORS: dict[str, str] = {
    "oracle": "augsim.generators.study:Oracle",
    "biased_oracle": "augsim.generators.study:BiasedOracle",
    "scaled_oracle": "augsim.generators.study:ScaledOracle",
    "ros": "augsim.generators.study:RandomOversampler",
    "smote": "augsim.generators.study:Smote",
    "gaussian": "augsim.generators.study:GaussianFit",
    "adasyn": "augsim.generators.imbalanced:Adasyn",
    "borderline_smote1": "augsim.generators.imbalanced:BorderlineSmote1",
    "borderline_smote2": "augsim.generators.imbalanced:BorderlineSmote2",
    "svm_smote": "augsim.generators.imbalanced:SvmSmote",
    "kmeans_smote": "augsim.generators.imbalanced:KMeansSmote",
    "rose": "augsim.generators.imbalanced:Rose",
    "gaussian_mixture": "augsim.generators.density:GaussianMixtureFit",
    "kde": "augsim.generators.density:KernelDensityFit",
    "forest_flow": "augsim.generators.learned:ForestFlow",
}


def generator_module(name: str) -> str:
    """The module that implements the registered generator ``name``."""
    return _entry(name).split(":")[0]


def generator_class(name: str) -> type[MinorityGenerator]:
    """The class of the registered generator ``name`` (its module is imported now)."""
    module, cls = _entry(name).split(":")
    return getattr(importlib.import_module(module), cls)


def entry_class(spec: dict) -> type[MinorityGenerator]:
    """The class of a config entry: a registered generator (``name``) or a sampler of the
    user's named by import path (``class``, :mod:`augsim.generators.plugin`)."""
    if "class" in spec:
        # loaded by import path, as every implementation: a job imports the plug-in adapter
        # only when its entry is a plug-in
        return importlib.import_module("augsim.generators.plugin").entry_class(spec)
    return generator_class(spec["name"])


def entry_modules(spec: dict) -> list[str]:
    """The package modules a job of the entry's generator runs (its own, by import path)."""
    if "class" in spec:
        return ["augsim.generators.plugin"]
    return [generator_module(spec["name"])]


def make_generator(name: str, **params) -> MinorityGenerator:
    """Build the registered generator ``name`` with its keyword ``params``."""
    return _built(generator_class(name), name, params)


def build_generator(spec: dict, dgp: GaussianMixtureDGP | None) -> MinorityGenerator:
    """The generator of a config entry; generators that sample the truth get the DGP."""
    cls = entry_class(spec)
    params = dict(spec.get("params") or {})
    if cls.needs_dgp:
        params["dgp"] = dgp
    return _built(cls, spec.get("name", spec.get("class")), params)


def _built(cls: type, name: str, params: dict) -> MinorityGenerator:
    try:
        return cls(**params)
    except TypeError as err:  # missing or unexpected keyword
        raise ValueError(f"generator {name!r}: {err}") from None


def _entry(name: str) -> str:
    if name not in GENERATORS:
        raise ValueError(
            f"unknown generator {name!r}; valid names: {', '.join(sorted(GENERATORS))}"
        )
    return GENERATORS[name]

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
}


def generator_module(name: str) -> str:
    """The module that implements the registered generator ``name``."""
    return _entry(name).split(":")[0]


def generator_class(name: str) -> type[MinorityGenerator]:
    """The class of the registered generator ``name`` (its module is imported now)."""
    module, cls = _entry(name).split(":")
    return getattr(importlib.import_module(module), cls)


def make_generator(name: str, **params) -> MinorityGenerator:
    """Build the registered generator ``name`` with its keyword ``params``."""
    try:
        return generator_class(name)(**params)
    except TypeError as err:  # missing or unexpected keyword
        raise ValueError(f"generator {name!r}: {err}") from None


def build_generator(spec: dict, dgp: GaussianMixtureDGP | None) -> MinorityGenerator:
    """The generator of a config entry; generators that sample the truth get the DGP."""
    params = dict(spec.get("params") or {})
    if generator_class(spec["name"]).needs_dgp:
        params["dgp"] = dgp
    return make_generator(spec["name"], **params)


def _entry(name: str) -> str:
    if name not in GENERATORS:
        raise ValueError(
            f"unknown generator {name!r}; valid names: {', '.join(sorted(GENERATORS))}"
        )
    return GENERATORS[name]

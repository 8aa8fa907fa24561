"""A user's own sampler, named by import path in the config: any object with imbalanced-learn's
``fit_resample(X, y)``, behind the generator interface.

An entry ``{class: "package.module.ClassName", params: {...}}`` under ``generators`` (or
``{class: "path/to/file.py:ClassName"}`` for a file in the working directory) is built here
into a generator class of its own (:func:`entry_class`): imbalanced-learn's samplers,
smote-variants' oversamplers or a class of the user's. Like the imbalanced-learn family
(:class:`augsim.generators.imbalanced.ImbalancedLearnSampler`) it is called once per replicate
on the whole training replicate, asked for a few more minority rows than needed where it takes
a ``sampling_strategy`` (a dict of target counts; a sampler without one is called until it has
drawn enough), seeded with ``random_state`` where it takes one, and only its new minority rows
are kept, a uniformly random subset of the size asked for, in random order.

Augmentation only adds minority rows. A sampler whose class says it removes rows
(imbalanced-learn's ``_sampling_type`` of an under- or cleaning sampler) is refused before any
job; one that removes or changes rows anyway (SMOTEENN cleans after it over-samples) fails the
replicate with a message that says so. Its role is a resampler unless the entry names another.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

import numpy as np

from augsim.generators.imbalanced import ImbalancedLearnSampler
from augsim.study.methods import Role

#: imbalanced-learn's kinds of sampler that remove rows: not augmentation
REMOVING = ("under-sampling", "clean-sampling")
#: calls of a sampler without ``sampling_strategy`` pooled into one draw, at most
MAX_CALLS = 50
#: the options by which a sampler asks each minority row for its nearest minority rows
NEIGHBOURS = ("k_neighbors", "n_neighbors", "k")


class PluginSampler(ImbalancedLearnSampler):
    """A sampler of the user's behind the generator interface; :func:`entry_class` makes one
    subclass per config entry."""

    role = Role.RESAMPLER
    #: the user's class, and the options it takes
    sampler_class: ClassVar[type]
    accepted: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, **params) -> None:
        super().__init__()
        unknown = sorted(set(params) - self.accepted - {"sampling_strategy", "random_state"})
        if unknown:
            raise ValueError(
                f"{self.name}: unknown parameter(s) {unknown}; valid: "
                f"{', '.join(sorted(self.accepted - {'sampling_strategy', 'random_state'}))}"
            )
        self.params = dict(params)

    def __repr__(self) -> str:
        return f"{self.name}({self.params})"

    def min_minority_rows(self) -> int:
        """One more than the neighbours it asks each minority row for (``k_neighbors`` or
        ``n_neighbors``, as given or by the class's default), else 1."""
        defaults = {}
        if hasattr(self.sampler_class, "get_params"):
            try:
                defaults = self.sampler_class().get_params()
            except TypeError:
                defaults = {}
        options = defaults | self.params
        counts = [options[key] for key in NEIGHBOURS if isinstance(options.get(key), int)]
        return max(counts, default=0) + 1

    def _sampler(self, **options):
        taken = {key: value for key, value in options.items() if key in self.accepted}
        return self.sampler_class(**self.params, **taken)

    def _draw(self, extra: int, random_state: np.random.RandomState) -> np.ndarray:
        """The new minority rows of calls of the sampler: one asking for ``extra`` more rows,
        or, without ``sampling_strategy``, as many as it takes to draw ``extra``."""
        n1 = int(self.y_.sum())
        if "sampling_strategy" in self.accepted:
            return self._new_rows({1: n1 + extra}, random_state)
        drawn, total = [], 0
        while total < extra and len(drawn) < MAX_CALLS:
            drawn.append(self._new_rows(None, random_state))
            total += len(drawn[-1])
            if not len(drawn[-1]):
                break
        return np.concatenate(drawn) if drawn else np.empty((0, self.X_.shape[1]))

    def _new_rows(self, strategy, random_state) -> np.ndarray:
        options = {"random_state": random_state}
        if strategy is not None:
            options["sampling_strategy"] = strategy
        X_resampled, y_resampled = self._sampler(**options).fit_resample(self.X_, self.y_)
        X_resampled, y_resampled = np.asarray(X_resampled), np.asarray(y_resampled)
        self._check_only_added(X_resampled, y_resampled)
        return X_resampled[len(self.X_) :]

    def _check_only_added(self, X_resampled: np.ndarray, y_resampled: np.ndarray) -> None:
        n = len(self.X_)
        kept = (
            len(X_resampled) >= n
            and np.array_equal(X_resampled[:n], self.X_)
            and np.array_equal(y_resampled[:n], self.y_)
        )
        if not kept:
            raise ValueError(
                f"{self.name} removed or changed rows of the training data (it returned "
                f"{len(X_resampled)} rows for {n}, the originals not first and unchanged): that is "
                "not augmentation; give a sampler that only adds minority rows"
            )
        added = y_resampled[n:]
        if (added != 1).any():
            raise ValueError(
                f"{self.name} added {int((added != 1).sum())} majority rows: augmentation adds "
                "minority rows only"
            )


def entry_class(spec: Mapping) -> type[PluginSampler]:
    """The generator class of a config entry ``{class, params, role, label}``; ``ValueError``
    when the class cannot be loaded, has no ``fit_resample`` or removes rows."""
    path = spec["class"]
    cls = load_class(path)
    if not callable(getattr(cls, "fit_resample", None)):
        raise ValueError(f"{path} has no fit_resample(X, y): it is not a sampler")
    kind = getattr(cls, "_sampling_type", None)
    if kind in REMOVING:
        raise ValueError(
            f"{path} is an {kind.replace('-', ' ')} sampler (its _sampling_type): it removes "
            "rows, which is not augmentation; give a sampler that only adds minority rows"
        )
    role = Role(spec.get("role", Role.RESAMPLER))
    attributes = {
        "name": path, "sampler_class": cls, "accepted": frozenset(parameters(cls)), "role": role,
        "label": spec.get("label", cls.__name__),
    }  # fmt: skip
    return type(f"Plugin_{cls.__name__}", (PluginSampler,), attributes)


def parameters(cls: type) -> list[str]:
    """The options a class's constructor takes: its ``get_params()`` keys where it has them
    (scikit-learn's estimator API), else its signature's keyword names."""
    if hasattr(cls, "get_params"):
        try:
            return list(cls().get_params())
        except TypeError:  # a constructor with required arguments
            pass
    signature = inspect.signature(cls.__init__)
    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return [name for name, p in signature.parameters.items() if p.kind in kinds and name != "self"]


def load_class(path: str) -> type:
    """The class at ``path``: ``package.module.ClassName`` (importable, e.g. on PYTHONPATH) or
    ``file.py:ClassName`` (a file, relative to the working directory)."""
    if ":" in path:
        file, _, name = path.rpartition(":")
        module = _module_from_file(Path(file))
    else:
        module_name, _, name = path.rpartition(".")
        if not module_name:
            raise ValueError(f"{path!r} is not an import path: give package.module.ClassName")
        try:
            module = importlib.import_module(module_name)
        except ImportError as err:
            raise ValueError(f"cannot import {module_name!r} for {path!r}: {err}") from None
    cls = getattr(module, name, None)
    if not isinstance(cls, type):
        raise ValueError(f"{path!r}: module {module.__name__!r} has no class {name!r}")
    return cls


def source_file(path: str) -> Path | None:
    """The file of a ``file.py:ClassName`` path (the workflow lists it among a job's code
    inputs), None for an import path."""
    return Path(path.rpartition(":")[0]) if ":" in path else None


def _module_from_file(file: Path):
    if not file.is_file():
        raise ValueError(f"{file} does not exist (paths are relative to the working directory)")
    name = f"augsim_plugin_{file.stem}"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, file)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]

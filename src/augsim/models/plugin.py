"""A user's own classifier, named by import path in the config: any scikit-learn-compatible
classifier behind the score-model interface.

An entry ``{class: "lightgbm.LGBMClassifier", params: {...}}`` under ``models`` (or
``{class: "path/to/file.py:ClassName"}``) is built here into a model class of its own
(:func:`entry_class`), a flexible model like scikit-learn's (:mod:`augsim.models.flexible`): it
keeps each fit's test scores, gets ``random_state`` from the seed tree where the class has one,
and uses exactly the threads of its job (threadpoolctl, and ``n_jobs``, ``n_threads`` or
``num_threads`` where the class has one). Its score is the log-odds of ``predict_proba``
(clipped a hair inside (0, 1), so that a certain prediction stays finite), or
``decision_function`` where that is all there is.

Before any job: the class imports, the options are among its ``get_params()`` keys (an estimator
that takes ``**kwargs``, as LightGBM does, accepts a misspelled option silently: this check names
it), and a tiny fit runs with them (a bad value fails there). Whether its ``fit`` takes
``sample_weight`` is a capability: reweighting needs it.
"""

from __future__ import annotations

import inspect
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from augsim.generators.plugin import load_class
from augsim.models.flexible import FlexibleModel

#: the options through which a classifier takes its threads
THREAD_OPTIONS = ("n_jobs", "n_threads", "num_threads", "thread_count")
#: the study sets these; a config that gives them is refused
STUDY_OPTIONS = ("random_state", "seed", "random_seed", *THREAD_OPTIONS)
#: how far inside (0, 1) a probability is clipped before its log-odds
_EDGE = 1e-12


class PluginClassifier(FlexibleModel):
    """A classifier of the user's behind the model interface; :func:`entry_class` makes one
    subclass per config entry."""

    flexibility = 5
    estimator_path: ClassVar[str]
    classifier: ClassVar[type]

    @classmethod
    def _estimator_class(cls) -> type:
        return cls.classifier

    @classmethod
    def valid_params(cls) -> tuple[str, ...]:
        names = cls.classifier().get_params()
        return tuple(sorted(set(names) - set(STUDY_OPTIONS)))

    def _estimator(self, *, random_state: int):
        names = set(self.classifier().get_params())
        options = dict(self.options)
        if "random_state" in names:
            options["random_state"] = random_state
        for option in THREAD_OPTIONS:
            if option in names:
                options[option] = self.threads
        return self.classifier(**options)

    def _scores(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        estimator = self.estimator_
        # predicting on several workers can sum a forest's votes in a varying order (1e-16
        # between runs): one worker keeps the scores the same whatever the threads
        single = {option: 1 for option in THREAD_OPTIONS if option in estimator.get_params()}
        estimator.set_params(**single)
        if hasattr(estimator, "predict_proba"):
            p = np.clip(estimator.predict_proba(X)[:, 1], _EDGE, 1.0 - _EDGE)
            return np.log(p) - np.log1p(-p)
        return np.asarray(estimator.decision_function(X), dtype=float)


def entry_class(spec: dict) -> type[PluginClassifier]:
    """The model class of a config entry ``{class, params, label}``; ``ValueError`` when the
    class cannot be loaded or is not a classifier with ``fit`` and a score."""
    path = spec["class"]
    cls = load_class(path)
    scores = hasattr(cls, "predict_proba") or hasattr(cls, "decision_function")
    if not (callable(getattr(cls, "fit", None)) and scores and hasattr(cls, "get_params")):
        raise ValueError(
            f"{path} is not a scikit-learn classifier: it needs fit, get_params and "
            "predict_proba or decision_function"
        )
    attributes = {
        "name": path, "label": spec.get("label", cls.__name__), "estimator_path": path,
        "classifier": cls, "takes_sample_weight": "sample_weight" in _fit_parameters(cls),
    }  # fmt: skip
    return type(f"Plugin_{cls.__name__}", (PluginClassifier,), attributes)


def _fit_parameters(cls: type) -> list[str]:
    return list(inspect.signature(cls.fit).parameters)

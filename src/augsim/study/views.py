"""Views: named parts of the study that tables, figures and claims show, resolved once.

The config's ``views`` section names each part once, e.g. ``misspecified: {experiment:
gamma_sweep, sources: [hetero], models: [logistic]}``; a figure and the claim on the same part
both name it. The plan resolves every view into a :class:`Selection`: the concrete sources,
training sizes, models, methods, gammas and metric sources it shows. Report rules receive their
selection as params and never see the config's experiments.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

from augsim.sources.kinds import shown_source


@dataclass(frozen=True)
class Selection:
    """What a view shows, resolved against the plan."""

    #: the view's name in the config (for messages)
    view: str
    #: the experiment it is a part of
    experiment: str
    #: its data sources, in the experiment's order
    sources: tuple[str, ...]
    #: the training size shown of each source: a DGP's is the view's largest, a data set's its
    #: training part's
    sizes: dict[str, int]
    #: every training size of the view on its DGPs (the rate figures plot them all)
    ns: tuple[int, ...]
    models: tuple[str, ...]
    #: the methods compared with the unaugmented fit, in the experiment's order (raw excluded)
    methods: tuple[str, ...]
    gammas: tuple[float, ...]
    #: the metric source shown for each (source, model): "population" where the model has exact
    #: population metrics and the source a population, else "empirical"
    shown: dict[str, dict[str, str]]

    def size(self, source: str | None = None) -> int:
        """The training size shown of ``source`` (the only one when None)."""
        return self.sizes[self.only("sources") if source is None else source]

    def metric_source(self, source: str | None = None, model: str | None = None) -> str:
        """The metric source shown for (``source``, ``model``); None: the view's only one."""
        source = self.only("sources") if source is None else source
        return self.shown[source][self.only("models") if model is None else model]

    def only(self, what: str) -> str:
        """The view's one source or model (``what`` is "sources" or "models")."""
        values = getattr(self, what)
        if len(values) != 1:
            raise ValueError(f"view {self.view!r} shows {len(values)} {what}: {list(values)}")
        return values[0]

    def to_params(self) -> dict:
        """The selection as plain data (Snakemake params)."""
        return asdict(self)

    @classmethod
    def from_params(cls, params: Mapping) -> Selection:
        """The selection of :meth:`to_params`."""
        values = dict(params)
        for key in ("sources", "ns", "models", "methods", "gammas"):
            values[key] = tuple(values[key])
        return cls(**values)


def resolve(
    name: str,
    spec: Mapping,
    experiment: Mapping,
    *,
    roles: Mapping[str, str],
    sizes: Mapping[str, int],
    exact_models: Mapping[str, bool],
    has_population: Mapping[str, bool],
) -> Selection:
    """The selection of view ``name`` (its config ``spec``) of ``experiment``.

    ``roles`` gives each method's role, ``sizes`` each data set's training size, ``exact_models``
    whether each model has exact population metrics, ``has_population`` whether each source has
    a population. Every key of ``spec`` is optional but ``experiment``: the view shows all of
    the experiment's sources, models and gammas, at its largest n, unless it names some.
    """
    sources = tuple(spec.get("sources", experiment.get("dgps", experiment.get("datasets", []))))
    ns = tuple(int(n) for n in ([spec["n"]] if "n" in spec else experiment.get("n", [])))
    models = tuple(spec.get("models", experiment["models"]))
    shown_n = max(ns) if ns else None
    return Selection(
        view=name,
        experiment=spec["experiment"],
        sources=sources,
        sizes={source: sizes.get(source, shown_n) for source in sources},
        ns=ns,
        models=models,
        methods=tuple(m for m in experiment["methods"] if roles[m] != "unaugmented"),
        gammas=tuple(float(g) for g in spec.get("gammas", experiment["gammas"])),
        shown={
            source: {
                model: shown_source(
                    exact_model=exact_models[model], has_population=has_population[source]
                )
                for model in models
            }
            for source in sources
        },
    )

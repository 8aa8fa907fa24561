"""The study plan: everything a validated config asks to be simulated, augmented, fitted,
evaluated and reported, built once.

The Snakemake workflow builds one :class:`Plan` when it parses the Snakefile and asks it for
its targets and every job's parameters; input functions are lookups into it. Names used here:

source
    A data source: a DGP (``dgps``, simulated) or a real data set (``datasets.sets``, finite);
    its kind (:mod:`augsim.sources.kinds`) says what exists for it. Tables name it ``dgp``.
scenario, cell
    See :mod:`augsim.study.cells`.
method
    ``raw``, ``reweight`` or a generator instance key; its role comes from its class.
catalogue
    What the report needs to know of the config's instances: each method's role, label and
    style, each model's label and capabilities, each source's kind and description.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from augsim.report.registry import SECTIONS, Item
from augsim.sources.kinds import EMPIRICAL, FINITE, SIMULATED, SourceKind, metric_sources
from augsim.study import catalogue
from augsim.study import cells as study_cells
from augsim.study.cells import Cell
from augsim.study.design import (
    class_sizes,
    labelled_prevalences,
    limit_prevalence,
    synthetic_count,
    training_prevalence,
)
from augsim.study.methods import BUILT_IN, RAW, draws_rows
from augsim.study.views import Selection, resolve

#: replicates whose mean paired difference the test-set error is taken of (the first ones):
#: fewer than a cell's, so the error is a little larger than that of the mean over all of
#: them (its fit-by-test-row part shrinks with more replicates); the check is conservative
TEST_ERROR_REPLICATES = 5


class Plan:
    """The expansion of one validated config (see the module docstring)."""

    def __init__(
        self, config: dict, *, split_sizes: dict[str, tuple[int, ...]] | None = None
    ) -> None:
        self.config = config
        if split_sizes is not None:  # read before (augsim.study.validation): not again
            self.__dict__["split_sizes"] = split_sizes
        self.datasets: dict[str, dict] = config.get("datasets", {}).get("sets", {})
        self.sources: dict[str, SourceKind] = {
            **dict.fromkeys(config["dgps"], SIMULATED),
            **dict.fromkeys(self.datasets, FINITE),
        }

    # --- instances ---------------------------------------------------------------------------

    @cached_property
    def generator_classes(self) -> dict[str, type]:
        from augsim.generators.registry import entry_class

        return {key: entry_class(spec) for key, spec in self.config["generators"].items()}

    @cached_property
    def model_classes(self) -> dict[str, type]:
        from augsim.models.registry import entry_class

        return {key: entry_class(spec) for key, spec in self.config["models"].items()}

    @cached_property
    def roles(self) -> dict[str, str]:
        """The role of every method the config can name: raw, reweight and each generator."""
        generators = {key: cls.role for key, cls in self.generator_classes.items()}
        return {method: str(role) for method, role in (BUILT_IN | generators).items()}

    def exact(self, model: str) -> bool:
        """Whether ``model`` has exact population metrics."""
        return self.model_classes[model].exact_population

    def stores_scores(self, model: str) -> bool:
        """Whether fits of ``model`` keep their test-set scores (it has no coefficients)."""
        return self.model_classes[model].stores_scores

    def draws_rows(self, method: str) -> bool:
        """Whether ``method`` fits on synthetic rows (it is a generator of some role)."""
        return draws_rows(self.roles[method])

    # --- sources and scenarios ---------------------------------------------------------------

    def source_kind(self, source: str) -> SourceKind:
        if source not in self.sources:
            raise ValueError(f"{source!r} is not a data source of the config")
        return self.sources[source]

    @cached_property
    def split_sizes(self) -> dict[str, tuple[int, int, int, int]]:
        """(train majority, train minority, test majority, test minority) rows of every split of
        each data set, from the package's class counts (no data is loaded)."""
        if not self.datasets:
            return {}
        from augsim.sources import finite, splits

        fraction = self.config["datasets"]["test_fraction"]
        return {
            key: splits.split_sizes(*finite.class_counts(spec), test_fraction=fraction)
            for key, spec in self.datasets.items()
        }

    def class_counts(self, source: str, n: int | None = None) -> tuple[int, int]:
        """(n0, n1) of a training replicate of ``source`` at size ``n``: from the imbalance
        ratio for a DGP, the training part's for a data set (which has one size)."""
        if self.source_kind(source) is FINITE:
            return self.split_sizes[source][:2]
        return class_sizes(int(n), self.config["imbalance_ratio"])

    def experiment_scenarios(self, experiment: dict) -> list[tuple[str, int]]:
        """An experiment's (source, n) pairs: each DGP at each of its ``n``, or each data set
        at its training part's size."""
        if "datasets" in experiment:
            return [(key, sum(self.class_counts(key))) for key in experiment["datasets"]]
        return [(dgp, int(n)) for dgp in experiment["dgps"] for n in experiment["n"]]

    def experiment_replicates(self, experiment: dict) -> int:
        """An experiment's replicates: its own ``replicates``, else the study's."""
        return int(experiment.get("replicates", self.config["replicates"]))

    def study_prevalence(self, source: str, n: int) -> float:
        """The deployment prevalence of scenario (``source``, ``n``): the training prevalence
        n1 / n of a DGP's replicates; a data set's test part's own prevalence (its
        population's, as near as the data say: the split is stratified)."""
        if self.source_kind(source) is FINITE:
            _, _, test0, test1 = self.split_sizes[source]
            return test1 / (test0 + test1)
        return training_prevalence(self.config["imbalance_ratio"], int(n))

    def evaluation_prevalences(self, source: str, n: int) -> dict[str, float]:
        """The prevalences a fit is evaluated at, by label: the deployment prevalence
        (``training``) and the config's extra ones (``fixed_<p>``)."""
        return labelled_prevalences(
            self.study_prevalence(source, n), self.config["extra_prevalences"]
        )

    # --- cells and chunks --------------------------------------------------------------------

    @cached_property
    def cells(self) -> list[Cell]:
        """Every cell of the study, sorted (:func:`augsim.study.cells.expand`)."""
        return study_cells.expand(
            self.config["experiments"],
            scenarios=self.experiment_scenarios,
            replicates=self.experiment_replicates,
        )

    @cached_property
    def cell_index(self) -> dict[tuple[str, int, str, str], Cell]:
        return {cell.key: cell for cell in self.cells}

    def cell(self, source: str, n: int | str, model: str, method: str) -> Cell:
        """The cell with these wildcards."""
        try:
            return self.cell_index[(source, int(n), model, method)]
        except KeyError:
            raise ValueError(f"no cell {source}/n{n}/{model}/{method} in the config") from None

    @cached_property
    def fitted_cells(self) -> list[Cell]:
        """The cells with fits of their own (:func:`augsim.study.cells.fitted`)."""
        return study_cells.fitted(self.cells, self.roles)

    @cached_property
    def cells_by_group(self) -> dict[tuple[str, int, str], list[Cell]]:
        """Every cell by (source, n, model), sorted as the replicate table is."""
        groups: dict[tuple[str, int, str], list[Cell]] = defaultdict(list)
        for cell in self.cells:
            groups[(cell.source, cell.n, cell.model)].append(cell)
        return dict(sorted(groups.items()))

    def fitted_chunks(self, cell: Cell) -> range:
        """The chunks of a cell's own fits: none for a method only at gamma 0."""
        return self.cell_chunks(cell) if cell in self._fitted_set else range(0)

    @cached_property
    def _fitted_set(self) -> set[Cell]:
        return set(self.fitted_cells)

    @cached_property
    def gamma_zero_cells(self) -> list[dict]:
        """The cells whose rows at gamma 0 are the raw fit's
        (:func:`augsim.study.cells.gamma_zero`), each with its metric sources (``sources``)."""
        keys = ("dgp", "n", "model", "method")
        return [
            cell | {"sources": list(self.metric_sources(*(cell[k] for k in keys)))}
            for cell in study_cells.gamma_zero(self.cells, self.roles)
        ]

    @cached_property
    def scenarios(self) -> list[tuple[str, int]]:
        """The (source, n) pairs that need training replicates."""
        return sorted({(cell.source, cell.n) for cell in self.cells})

    def cell_chunks(self, cell: Cell) -> range:
        """The chunks holding a cell's replicates (the first ones of the study's chunks)."""
        return range(study_cells.chunk_count(cell.replicates, self.config["chunk_size"]))

    def chunk_replicate_ids(self, chunk: int | str, replicates: int | None = None) -> list[int]:
        """Replicate indices of chunk ``chunk``, of the study's or of the first ``replicates``."""
        count = self.config["replicates"] if replicates is None else replicates
        return study_cells.chunk_ids(
            int(chunk), chunk_size=self.config["chunk_size"], replicates=count
        )

    @cached_property
    def augmentations(self) -> dict[tuple[str, int, str], int]:
        """Synthetic rows to draw per (source, n, generator): m at the largest gamma."""
        largest: dict[tuple[str, int, str], int] = {}
        for cell in self.cells:
            if self.draws_rows(cell.method):
                n0, n1 = self.class_counts(cell.source, cell.n)
                m = synthetic_count(max(cell.gammas), n0, n1)
                key = (cell.source, cell.n, cell.method)
                largest[key] = max(m, largest.get(key, 0))
        return largest

    @cached_property
    def augmentation_replicates(self) -> dict[tuple[str, int, str], int]:
        """Replicates to draw synthetic rows for per (source, n, generator): the most any of its
        cells fits (the first ones), so a costly generator in a smaller experiment is fitted
        only as often as that experiment needs."""
        most: dict[tuple[str, int, str], int] = {}
        for cell in self.cells:
            if self.draws_rows(cell.method):
                key = (cell.source, cell.n, cell.method)
                most[key] = max(cell.replicates, most.get(key, 0))
        return most

    def augmentation_chunks(self, source: str, n: int | str, generator: str) -> range:
        """The chunks of synthetic rows of (source, n, generator)."""
        replicates = self.augmentation_replicates[(source, int(n), generator)]
        return range(study_cells.chunk_count(replicates, self.config["chunk_size"]))

    @cached_property
    def distance_cells(self) -> list[tuple[str, int, str]]:
        """The (source, n, generator) triples whose synthetic distributional error a table,
        figure or claim reads: the generators of its view on each of its sources, at the size
        shown."""
        wanted = {
            (source, job.selection.size(source), method)
            for job in self.report_jobs
            if "distances" in job.item.reads
            for source in job.selection.sources
            for method in job.selection.methods
            if self.draws_rows(method)
        }
        return sorted(wanted & set(self.augmentations))

    @cached_property
    def bayes_prevalences(self) -> dict[str, list[float]]:
        """Every prevalence at which each DGP's Bayes reference is needed."""
        needed: dict[str, set[float]] = defaultdict(set)
        for source, n in self.scenarios:
            if self.source_kind(source).has_population:
                needed[source].update(self.evaluation_prevalences(source, n).values())
        return {dgp: sorted(values) for dgp, values in needed.items()}

    def has_population_metrics(self, source: str, model: str) -> bool:
        """Whether fits of ``model`` on ``source`` are scored exactly as well as on test rows."""
        sources = metric_sources(
            exact_model=self.exact(model), has_population=self.source_kind(source).has_population
        )
        return sources[-1] != EMPIRICAL

    def metric_sources(self, source: str, n: int | str, model: str, method: str) -> tuple[str, ...]:
        """The metric sources computed for the fits of a cell, the shown one last: the shown
        one, which every table, figure and claim reads, and the test set's beside exact metrics
        only where an item reads it there (:attr:`read_on_test_set`)."""
        sources = metric_sources(
            exact_model=self.exact(model), has_population=self.source_kind(source).has_population
        )
        if (source, int(n), model, method) in self.read_on_test_set:
            return sources
        return sources[-1:]

    @cached_property
    def read_on_test_set(self) -> set[tuple[str, int, str, str]]:
        """The cells (source, n, model, method) an item reads on the test set although the
        model has exact population metrics there: a claim's control model, compared on the test
        set as the flexible models are, with raw and the methods of the claim's view."""
        return {
            (source, job.selection.size(source), model, method)
            for job in self.report_jobs
            if (model := job.options.get("control_model")) and (source := job.options["control"])
            for method in (RAW, *job.selection.methods)
        }

    # --- population curves -------------------------------------------------------------------

    @cached_property
    def population_cells(self) -> list[dict]:
        """Cells with population metrics whose generator (if any) has a closed-form limit:
        their gamma curves have an n -> infinity counterpart. The population table has no model
        column: two exact models on one (DGP, n, method) tend to the same projection, so the
        curve is computed once."""
        gammas: dict[tuple, set[float]] = defaultdict(set)
        for cell in self.cells:
            exact = self.has_population_metrics(cell.source, cell.model)
            if exact and self.has_limit(cell.method, cell.source):
                gammas[(cell.source, cell.n, cell.method)].update(cell.gammas)
        return [
            {"dgp": dgp, "n": n, "method": method, "gammas": sorted(values),
             "class_counts": list(self.class_counts(dgp, n)),
             "prevalences": self.evaluation_prevalences(dgp, n)}
            for (dgp, n, method), values in sorted(gammas.items())
        ]  # fmt: skip

    @cached_property
    def limit_prevalences(self) -> dict[str, float]:
        """The prevalences of the weight curves: the training prevalence as n -> infinity, and
        the config's extra ones."""
        ratio = self.config["imbalance_ratio"]
        return labelled_prevalences(limit_prevalence(ratio), self.config["extra_prevalences"])

    def has_limit(self, method: str, dgp: str) -> bool:
        """Whether ``method``'s fits on ``dgp`` have a closed-form population limit: the built-in
        methods always, a generator where it says so (:meth:`~augsim.generators.interface.
        MinorityGenerator.has_limit`)."""
        if method in BUILT_IN:
            return True
        from augsim.generators.registry import build_generator
        from augsim.sources.dgps import build_dgp

        truth = build_dgp(self.config["dgps"][dgp])
        return build_generator(self.config["generators"][method], truth).has_limit(truth)

    @cached_property
    def population_dgps(self) -> list[str]:
        """The DGPs the population curves need: the weight curves' and the population cells'."""
        keys = [*self.config["population"]["dgps"], *(c["dgp"] for c in self.population_cells)]
        return list(dict.fromkeys(keys))

    @cached_property
    def population_generators(self) -> dict[str, dict]:
        """The specs of the generators with population cells, cut to the parameters their
        limits depend on: a parameter that matters only at finite n (say SMOTE's k) does not
        rerun the population curves."""
        specs = {}
        for method in dict.fromkeys(c["method"] for c in self.population_cells):
            if method in BUILT_IN:
                continue
            spec = self.config["generators"][method]
            kept = self.generator_classes[method].limit_params
            params = {k: v for k, v in (spec.get("params") or {}).items() if k in kept}
            specs[method] = {"name": spec["name"], "params": params}
        return specs

    # --- the test set's own error ------------------------------------------------------------

    @cached_property
    def test_error_cells(self) -> dict[tuple[str, int, str], list[str]]:
        """The (source, n, model) triples whose paired differences need the test set's own
        Monte Carlo error, with the methods compared (raw first): the models scored on the test
        set in the views of the items that need it, and a claim's control model
        (:attr:`read_on_test_set`)."""
        compared: dict[tuple[str, int, str], set[str]] = defaultdict(set)
        for job in self.report_jobs:
            if not job.item.needs.test_error:
                continue
            selection = job.selection
            pairs = [
                (source, model)
                for source in selection.sources
                for model in selection.models
                if selection.shown[source][model] == EMPIRICAL
            ]
            for source, model in pairs:
                compared[(source, selection.size(source), model)].update(selection.methods)
        for source, n, model, method in self.read_on_test_set:
            compared[(source, n, model)].add(method)
        return {
            triple: [RAW, *self._fitted_methods(triple, methods)]
            for triple, methods in compared.items()
        }

    def _fitted_methods(self, triple: tuple[str, int, str], methods: set[str]) -> list[str]:
        return [
            cell.method
            for cell in self.fitted_cells
            if (cell.source, cell.n, cell.model) == triple
            and cell.method != RAW
            and cell.method in methods
        ]

    def test_error_replicates(self, source: str, n: int, model: str) -> list[int]:
        """The replicates the test-set error is averaged over: the first of the first chunk
        that every method of the triple fits."""
        methods = self.test_error_cells[(source, int(n), model)]
        fewest = min(self.cell(source, n, model, method).replicates for method in methods)
        return self.chunk_replicate_ids(0, fewest)[:TEST_ERROR_REPLICATES]

    # --- the report ----------------------------------------------------------------------------

    @cached_property
    def selections(self) -> dict[str, Selection]:
        """Every view of the config, resolved."""
        sizes = {key: sum(self.class_counts(key)) for key in self.datasets}
        exact = {model: self.exact(model) for model in self.config["models"]}
        population = {key: kind.has_population for key, kind in self.sources.items()}
        return {
            name: resolve(
                name, spec, self.config["experiments"][spec["experiment"]], roles=self.roles,
                sizes=sizes, exact_models=exact, has_population=population,
            )
            for name, spec in self.config.get("views", {}).items()
        }  # fmt: skip

    @cached_property
    def report_jobs(self) -> list[ReportJob]:
        """Every configured table, figure and claim, with its selection and options."""
        jobs = []
        for section, items in SECTIONS.items():
            for name, spec in self.config.get(section, {}).items():
                item = items[name]
                options = {key: value for key, value in spec.items() if key != "view"}
                selection = self.selections[spec["view"]] if item.view else None
                jobs.append(ReportJob(item, selection, options))
        return jobs

    def report_job(self, kind: str, name: str) -> ReportJob:
        for job in self.report_jobs:
            if (job.item.kind, job.item.name) == (kind, name):
                return job
        raise ValueError(f"no {kind} {name!r} in the config")

    @cached_property
    def catalogue(self) -> dict:
        """Roles, labels, styles and capabilities of the config's instances, for the report."""
        return catalogue.build(self)

    def catalogue_for(self, jobs: list[ReportJob]) -> dict:
        """The catalogue cut to what ``jobs`` show (:func:`augsim.study.catalogue.cut`)."""
        return catalogue.cut(self, jobs)


@dataclass(frozen=True)
class ReportJob:
    """One configured table, figure or claim: its declaration, selection and options."""

    item: Item
    #: its view, resolved (None for an item that names none)
    selection: Selection | None
    #: its config entry's keys besides ``view``
    options: dict

"""Every table, figure and claim of the report, declared once: its name, the function that makes
it, the tables it reads, what it needs from its view, its options and its caption.

The workflow generates the report's rules, targets and captions from these declarations
(``workflow/rules/report.smk``), the config check reads their needs and options
(:mod:`augsim.study.validation`), and the plan resolves each configured item's view
(:mod:`augsim.study.plan`). Functions are import paths, loaded only by the job that draws the
item, so an edit of one family of figures reruns only its plot rules.

The tables an item reads are the study's (``summary``, ``replicates``, ``population``,
``test_errors``) or another item's table (``discrepancies``, ``flexible``, ``real_data``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from augsim.study.methods import Role

#: the study's own tables, written by the compute rules
STUDY_TABLES = ("summary", "replicates", "population", "test_errors", "distances")


@dataclass(frozen=True)
class Needs:
    """What an item needs from its view; every need is checked before any job runs."""

    #: roles that must each be among the view's methods
    roles: tuple[Role, ...] = ()
    #: the view's models must have exact population metrics
    exact_model: bool = False
    #: the view must show exactly one source / one model / one gamma
    one_source: bool = False
    one_model: bool = False
    one_gamma: bool = False
    #: a gamma the view must show
    gamma: float | None = None
    #: the item's own option ``gamma`` must be a gamma of the view (and of the real-data table)
    option_gamma: bool = False
    #: the fewest training sizes of the view
    sizes: int = 1
    #: the view compares some method with raw at some gamma > 0
    compared: bool = True
    #: the view is over real data sets (True), over DGPs (False) or either (None)
    data_sets: bool | None = False
    #: option keys naming a DGP that needs population curves over w (``population.dgps``)
    weight_curves: tuple[str, ...] = ()
    #: option keys naming one of the view's sources / models
    source_options: tuple[str, ...] = ()
    model_options: tuple[str, ...] = ()
    #: the view's models scored on the test set need the test set's own Monte Carlo error
    test_error: bool = False


@dataclass(frozen=True)
class Item:
    """One table, figure or claim."""

    name: str
    #: "table", "figure" or "claim"
    kind: str
    #: "module:function" that makes it from its tables, selection, options and catalogue
    function: str
    #: the tables it reads, in the order its function takes them
    reads: tuple[str, ...]
    needs: Needs = field(default_factory=Needs)
    #: whether its config entry names a view
    view: bool = True
    #: JSON schema of its options (the config entry's keys besides ``view``), by key
    options: dict = field(default_factory=dict)
    #: keys of ``options`` that must be given
    required: tuple[str, ...] = ()
    #: its caption, a file of workflow/report/
    caption: str = ""
    #: "module:function" that renders a table as Markdown
    markdown: str | None = None

    @property
    def module(self) -> str:
        """The module of its function."""
        return self.function.split(":")[0]


def load(path: str) -> Callable:
    """The function at import path ``path`` ("module:function"); its module is imported now."""
    module, sep, name = path.partition(":")
    if not sep or not module or not name:
        raise ValueError(f"function {path!r} is not of the form 'module:function'")
    function = getattr(importlib.import_module(module), name, None)
    if not callable(function):
        raise ValueError(f"module {module!r} has no function {name!r}")
    return function


_GAMMA = {"type": "number", "exclusiveMinimum": 0}
_NAME = {"type": "string"}
_CELL = Needs(one_source=True, one_model=True)
_BESIDE_REAL_DATA = ("summary", "real_data")
#: the bound's items: the decomposition with the dose-response generators, exact population
#: discrepancies
_BOUND = Needs(roles=(Role.TRUTH, Role.WEIGHTING, Role.BIASED), exact_model=True, one_model=True)

TABLES: dict[str, Item] = {
    item.name: item
    for item in (
        Item(
            "discrepancies", "table", "augsim.report.tables:discrepancies",
            ("replicates", "population"),
            Needs(roles=(Role.TRUTH, Role.WEIGHTING), one_model=True, one_gamma=True),
            caption="discrepancies_table.rst", markdown="augsim.report.markdown:discrepancies",
        ),
        Item(
            "flexible", "table", "augsim.report.tables:flexible_gains", ("summary", "test_errors"),
            Needs(test_error=True), caption="flexible_table.rst",
            markdown="augsim.report.markdown:flexible",
        ),
        Item(
            "synthetic_error", "table", "augsim.report.synthetic_error:synthetic_error",
            ("replicates", "population", "distances"), _BOUND,
            caption="synthetic_error_table.rst",
            markdown="augsim.report.markdown:synthetic_error",
        ),
        Item(
            "mmd", "table", "augsim.report.synthetic_error:mmd_table", ("distances",),
            Needs(compared=False, data_sets=None), caption="mmd_table.rst",
            markdown="augsim.report.markdown:mmd",
        ),
        Item(
            "real_data", "table", "augsim.report.tables:real_data_gains", ("replicates",),
            Needs(data_sets=True), caption="real_data_table.rst",
            markdown="augsim.report.markdown:real_data",
        ),
    )
}  # fmt: skip

FIGURES: dict[str, Item] = {
    item.name: item
    for item in (
        Item(
            "well_specified", "figure", "augsim.report.figures.gamma:plot_well_specified",
            ("summary", "population"), _CELL, caption="well_specified.rst",
        ),
        Item(
            "misspecified", "figure", "augsim.report.figures.gamma:plot_misspecified",
            ("summary", "population"), _CELL, caption="misspecified.rst",
        ),
        Item(
            "rate", "figure", "augsim.report.figures.rate:plot_rate", ("summary",),
            Needs(gamma=1.0, sizes=2, one_model=True), caption="rate.rst",
        ),
        Item(
            "decomposition", "figure", "augsim.report.figures.gamma:plot_decomposition",
            ("summary",),
            Needs(roles=(Role.TRUTH, Role.WEIGHTING), one_source=True, one_model=True),
            caption="decomposition.rst",
        ),
        Item(
            "misspecification_sweep", "figure",
            "augsim.report.figures.gamma:plot_misspecification_sweep", ("summary",),
            Needs(one_model=True),
            options={"degree": {"type": "string", "description": "The DGP parameter that "
                                "measures the misspecification."}},
            required=("degree",), caption="misspecification_sweep.rst",
        ),
        Item(
            "population", "figure", "augsim.report.figures.population:plot_population",
            ("population",), view=False, caption="population.rst",
        ),
        Item(
            "discrepancies", "figure", "augsim.report.figures.oversamplers:plot_discrepancies",
            ("discrepancies",), view=False, caption="discrepancies.rst",
        ),
        Item(
            "synthetic_error", "figure",
            "augsim.report.figures.synthetic_error:plot_synthetic_error", ("synthetic_error",),
            view=False, caption="synthetic_error.rst",
        ),
        Item(
            "flexible_models", "figure", "augsim.report.figures.flexible:plot_flexible_models",
            ("flexible",), view=False, caption="flexible_models.rst",
        ),
        Item(
            "flexible_rate", "figure", "augsim.report.figures.rate:plot_flexible_rate",
            ("summary",), Needs(sizes=2, compared=False), caption="flexible_rate.rst",
        ),
        Item(
            "real_data", "figure", "augsim.report.figures.real_data:plot_real_data",
            ("real_data",), view=False, caption="real_data.rst",
        ),
        Item(
            "sim_vs_real", "figure", "augsim.report.figures.real_data:plot_sim_vs_real",
            _BESIDE_REAL_DATA, Needs(one_source=True, one_model=True, option_gamma=True),
            options={"gamma": _GAMMA}, required=("gamma",), caption="sim_vs_real.rst",
        ),
        Item(
            "calibration", "figure", "augsim.report.figures.real_data:plot_calibration",
            _BESIDE_REAL_DATA, _CELL, caption="calibration.rst",
        ),
    )
}  # fmt: skip

CLAIMS: dict[str, Item] = {
    item.name: item
    for item in (
        Item(
            "population_invariance", "claim",
            "augsim.report.claims.simulation:check_population_invariance", ("population",),
            Needs(weight_curves=("dgp", "control")), view=False,
            options={"dgp": _NAME, "control": _NAME}, required=("dgp", "control"),
        ),
        Item(
            "no_finite_sample_gain", "claim",
            "augsim.report.claims.simulation:no_finite_sample_gain",
            ("summary",), _CELL,
        ),
        Item(
            "regret_rate", "claim", "augsim.report.claims.simulation:regret_rate", ("summary",),
            Needs(sizes=3, compared=False, one_model=True, source_options=("source",)),
            options={"source": _NAME}, required=("source",),
        ),
        Item(
            "misspecified_gain", "claim", "augsim.report.claims.simulation:misspecified_gain",
            ("summary", "replicates", "population"), _CELL,
        ),
        Item(
            "decomposition", "claim", "augsim.report.claims.simulation:check_decomposition",
            ("replicates", "population"),
            Needs(roles=(Role.TRUTH, Role.WEIGHTING, Role.BIASED), exact_model=True,
                  one_source=True, one_model=True),
        ),
        Item(
            "discrepancy_limits", "claim", "augsim.report.claims.oversamplers:discrepancy_limits",
            ("replicates", "population"),
            Needs(roles=(Role.TRUTH, Role.WEIGHTING, Role.BIASED), exact_model=True,
                  one_model=True, one_gamma=True),
        ),
        Item(
            "synthetic_error_bound", "claim",
            "augsim.report.claims.synthetic_error:synthetic_error_bound", ("synthetic_error",),
            Needs(roles=_BOUND.roles, exact_model=True, one_model=True,
                  source_options=("control",)),
            options={"control": _NAME}, required=("control",),
        ),
        Item(
            "flexible_gains", "claim", "augsim.report.claims.flexible:flexible_gains",
            ("summary", "test_errors"),
            Needs(test_error=True, source_options=("control",), model_options=("control_model",)),
            options={"control": _NAME, "control_model": _NAME},
            required=("control", "control_model"),
        ),
        Item(
            "real_data_gains", "claim", "augsim.report.claims.real_data:real_data_gains",
            _BESIDE_REAL_DATA, Needs(one_source=True, one_model=True, option_gamma=True),
            options={"gamma": _GAMMA}, required=("gamma",),
        ),
        Item(
            "calibration_harm", "claim", "augsim.report.claims.real_data:calibration_harm",
            _BESIDE_REAL_DATA, Needs(one_source=True, one_model=True, option_gamma=True),
            options={"gamma": _GAMMA}, required=("gamma",),
        ),
    )
}  # fmt: skip

#: every section of the report by its config key
SECTIONS: dict[str, dict[str, Item]] = {"tables": TABLES, "figures": FIGURES, "claims": CLAIMS}

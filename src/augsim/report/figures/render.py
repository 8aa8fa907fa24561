"""Drawing one figure in a job: load its plot function by import path, call it on the tables,
selection, options and catalogue the rule passes, and write its PDF and PNG.

No figure module is imported here: the job imports only the module of the figure it draws.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence

import pandas as pd
from matplotlib.figure import Figure

from augsim.report.registry import load
from augsim.study.views import Selection
from augsim.workflow import io

log = logging.getLogger(__name__)


def save_figure(fig: Figure, pdf_path: str | os.PathLike, png_path: str | os.PathLike) -> None:
    """Write ``fig`` as PDF and PNG (150 dpi); neither path ever holds a partial file.

    The PDF carries no creation date, so redrawing the same figure gives the same bytes.
    """
    with io.atomic_path(pdf_path) as pdf_tmp, io.atomic_path(png_path) as png_tmp:
        fig.savefig(pdf_tmp, format="pdf", metadata={"CreationDate": None})
        fig.savefig(png_tmp, format="png", dpi=150)


def render(
    function: str,
    *,
    tables: Sequence[pd.DataFrame],
    selection: Mapping | None,
    options: Mapping,
    catalogue: Mapping,
    outputs: Sequence[str | os.PathLike],
) -> None:
    """Draw the figure of plot function ``function`` ("module:function", as the registry
    declares it) and write it to ``outputs`` (``(pdf_path, png_path)``).

    ``tables`` are in the order of the figure's ``reads``; ``selection`` is its view's selection
    as params (:meth:`augsim.study.views.Selection.to_params`), None for a figure without a view.
    """
    plot = load(function)
    chosen = None if selection is None else Selection.from_params(selection)
    view = "no view" if chosen is None else f"view {chosen.view!r}"
    log.info("drawing %s from %d tables, %s, options %s", function, len(tables), view, options)
    fig = plot(*tables, selection=chosen, options=options, catalogue=catalogue)
    save_figure(fig, *outputs)

"""Making one table of the report: its builder (:mod:`augsim.report.tables`) on the aggregated
tables, and its Markdown rendering (:mod:`augsim.report.markdown`), both named by import path in
the report's registry so that the job imports only the modules of its own table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from augsim.report.registry import load
from augsim.study.views import Selection


def tabulate(
    function: str,
    markdown: str,
    *,
    tables: Sequence[pd.DataFrame],
    selection: Mapping | None,
    options: Mapping,
    catalogue: Mapping,
) -> tuple[pd.DataFrame, str]:
    """The table that ``function`` ("module:function") builds from ``tables`` for the selection
    (:meth:`augsim.study.views.Selection.to_params` data) and options, and its Markdown by
    ``markdown`` with the methods' labels."""
    build = load(function)
    view = None if selection is None else Selection.from_params(selection)
    table = build(*tables, selection=view, catalogue=catalogue, **options)
    labels = {key: method["label"] for key, method in catalogue["methods"].items()}
    return table, load(markdown)(table, labels)

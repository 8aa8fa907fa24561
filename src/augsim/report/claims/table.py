"""The claims table: every configured check run, in config order, into one table, and that
table as Markdown with each claim's note.

Each check is named by its import path (``"module:function"``, as its declaration in
:data:`augsim.report.registry.CLAIMS` gives it) and loaded only here, when it runs, so this
module imports no family of claims. Each row's verdict is ``holds``, ``fails``, ``reported``
for a quantity stated without a threshold, or ``not evaluated`` when the tables lack the cells.
Thresholds are fixed in the families, in advance of any result; a claim that fails is reported
with its numbers. Each check has a control, in the same table or in the tests, that shows it
can fail.
"""

from __future__ import annotations

import importlib

import pandas as pd

from augsim.report.claims.common import COLUMNS, Tables
from augsim.report.registry import load
from augsim.study.views import Selection

_HEADER = "| DGP | method | metric | statistic | value (95% CI) | threshold | verdict |"


def claims_table(
    tables: Tables, checks: list[tuple[str, dict | None, dict]], catalogue: dict
) -> pd.DataFrame:
    """Every check of ``checks`` (its import path, its selection's params or None, its options),
    run on ``tables`` in order, as one table."""
    rows: list[dict] = []
    for path, params, options in checks:
        selection = None if params is None else Selection.from_params(params)
        rows += load(path)(tables, selection, options, catalogue)
    return pd.DataFrame(rows, columns=COLUMNS)


def notes(checks: list[tuple[str, dict | None, dict]]) -> dict[str, str]:
    """The notes of the claims of ``checks`` by claim text: what the paper says where the
    project's check differs from it (each family's ``NOTES``)."""
    found: dict[str, str] = {}
    for path, _, _ in checks:
        found |= getattr(importlib.import_module(path.split(":")[0]), "NOTES", {})
    return found


def claims_markdown(table: pd.DataFrame, notes: dict[str, str]) -> str:
    """The claims table as Markdown, one section per claim, each under its note where
    ``notes`` has one (:func:`notes`)."""
    lines = []
    for claim, group in table.groupby("claim", sort=False):
        lines += [f"### {claim}", ""]
        if claim in notes:
            lines += [notes[claim], ""]
        lines += [_HEADER, "|" + " --- |" * 7]
        for row in group.itertuples():
            lines.append(
                f"| {row.dgp} | {row.method} | {row.metric} | {row.statistic} | "
                f"{_value_text(row)} | {row.threshold} | **{row.verdict}** |"
            )
        lines.append("")
    return "\n".join(lines)


def _value_text(row) -> str:
    if pd.isna(row.value):
        return ""
    if pd.isna(row.ci_low):
        return f"{row.value:.3g}"
    return f"{row.value:.4g} ({row.ci_low:.4g} to {row.ci_high:.4g})"

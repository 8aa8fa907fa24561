"""A finite data source by its config entry: a packaged data set (``{name: ...}``,
:mod:`augsim.sources.datasets`) or a user's data file (``{file: ..., target: ...}``,
:mod:`augsim.sources.files`). Both become repeated stratified splits (:mod:`augsim.sources.splits`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd


def is_file(spec: Mapping) -> bool:
    """Whether the entry names a user's data file (else a packaged data set)."""
    return "file" in spec


def class_counts(spec: Mapping) -> tuple[int, int]:
    """(majority rows, minority rows) of the whole table, without splitting it."""
    if is_file(spec):
        from augsim.sources import files

        return files.class_counts(spec)
    from augsim.sources import datasets

    return datasets.class_counts(spec["name"])


def load(spec: Mapping) -> tuple[np.ndarray | pd.DataFrame, np.ndarray]:
    """The rows (an array, or a table with categorical columns for a file) and the labels (rows,)
    int8, 1 the minority."""
    if is_file(spec):
        from augsim.sources import files

        return files.load(spec)
    from augsim.sources import datasets

    return datasets.load(spec["name"])


def name(spec: Mapping) -> str:
    """What the tables call the source: the package's name of the set, or the file's path."""
    return spec["file"] if is_file(spec) else spec["name"]

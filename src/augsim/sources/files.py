"""A user's own data file as a finite data source: a CSV or Parquet table with a target column.

An entry ``{file: data/mine.csv, target: label, minority: 1}`` under ``datasets.sets`` names the
file (relative to the working directory), its target column and the minority class (optional:
the rarer class by default; a target with more than two classes needs it and becomes one class
against the rest). Every other column is a feature: numeric columns as they are, the others
categorical, one-hot encoded on the training part of each split (levels unseen there become all
zeros); columns constant over the whole table are dropped. Everything a user can get wrong is
found by :func:`check` before any job, with a message that names the file, the column or the
count and says what to do.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

READERS = {".csv": pd.read_csv, ".parquet": pd.read_parquet, ".pq": pd.read_parquet}


class DataFileError(ValueError):
    """A data file that cannot be a data source, with what to do about it."""


def read(path: str | Path) -> pd.DataFrame:
    """The table of a CSV or Parquet file; :class:`DataFileError` if it cannot be read."""
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise DataFileError(
            f"{path}: a data file must be CSV (.csv) or Parquet (.parquet, .pq), got "
            f"{path.suffix or 'no suffix'}"
        )
    if not path.is_file():
        raise DataFileError(f"{path} does not exist (paths are relative to the working directory)")
    try:
        return _read(str(path.resolve()), path.stat().st_mtime_ns, reader)
    except Exception as err:  # pandas, pyarrow and the csv module raise many types
        raise DataFileError(f"{path} does not parse as {path.suffix[1:]}: {err}") from err


@cache
def _read(path: str, mtime_ns: int, reader) -> pd.DataFrame:
    # cached by path and modification time: the plan and the checks read a file once
    return reader(path)


def checksum(path: str | Path) -> str:
    """The SHA-256 of the file's bytes (hex)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def labels(table: pd.DataFrame, spec: Mapping) -> np.ndarray:
    """The labels (rows,) int8 of a table: 1 for the minority class, 0 for the rest."""
    target = table[spec["target"]]
    minority = spec.get("minority", _rarer(target))
    return (target == minority).to_numpy().astype(np.int8)


def _rarer(target: pd.Series):
    counts = target.value_counts(sort=False)
    return counts.index[int(np.argmin(counts.to_numpy()))]


def features(table: pd.DataFrame, spec: Mapping) -> pd.DataFrame:
    """The feature columns: every column but the target, without those constant over the
    table."""
    X = table.drop(columns=[spec["target"]])
    return X.loc[:, X.nunique(dropna=False) > 1]


def class_counts(spec: Mapping) -> tuple[int, int]:
    """(majority rows, minority rows) of the file of entry ``spec``."""
    y = labels(read(spec["file"]), spec)
    return int((y == 0).sum()), int(y.sum())


def load(spec: Mapping) -> tuple[pd.DataFrame, np.ndarray]:
    """The feature table (rows, columns) and labels (rows,) int8 of the file of ``spec``."""
    table = read(spec["file"])
    X, y = features(table, spec), labels(table, spec)
    log.info("%s: %d rows, %d feature columns, %d minority rows", spec["file"], *X.shape, y.sum())
    return X, y


def check(spec: Mapping, where: str) -> None:
    """Raise :class:`DataFileError` naming ``where`` (its config key) and the file when the file
    cannot be a data source: it does not parse, lacks the target, has missing values, has one
    class, or has several without a ``minority``."""
    path = spec["file"]
    table = read(path)
    if spec["target"] not in table.columns:
        raise DataFileError(
            f"{where}.target = {spec['target']!r} is not a column of {path}; its columns: "
            f"{', '.join(map(str, table.columns))}"
        )
    missing = table.isna().sum()
    if missing.any():
        column = missing.idxmax()
        raise DataFileError(
            f"{where}: {path} has {int(missing.sum())} missing values ({int(missing[column])} in "
            f"column {column!r}); fill or drop them before using the file"
        )
    values = table[spec["target"]].unique()
    if len(values) < 2:
        raise DataFileError(
            f"{where}: the target {spec['target']!r} of {path} has one class ({values[0]!r}); "
            "a data source needs a minority and a majority class"
        )
    if "minority" in spec and spec["minority"] not in set(values):
        raise DataFileError(
            f"{where}.minority = {spec['minority']!r} is not a value of {spec['target']!r} in "
            f"{path}; its values: {', '.join(map(repr, sorted(values, key=str)))}"
        )
    if len(values) > 2 and "minority" not in spec:
        raise DataFileError(
            f"{where}: the target {spec['target']!r} of {path} has {len(values)} classes; name "
            "the minority class with minority: <value> (the rest become the majority)"
        )
    if features(table, spec).empty:
        raise DataFileError(f"{where}: {path} has no feature column that varies")

"""File formats and atomic writes.

Arrays go to ``.npz`` files, tables to ``.csv`` (floats written with full round-trip
precision, so a table read back is the table written). Every writer writes to a temporary file
beside its target and renames it into place, so an interrupted job never leaves a partial file at
a final output path.
"""

from __future__ import annotations

import contextlib
import csv
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it to ``path``.

    On an exception the temporary file is removed and ``path`` is left untouched.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    # mkstemp creates the file private (0600); give it the permissions of an ordinary new file
    tmp.chmod(0o666 & ~_umask())
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_arrays(path: str | os.PathLike, **arrays: np.ndarray) -> None:
    """Write named arrays to an ``.npz`` file atomically."""
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        np.savez(handle, **arrays)


def read_arrays(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read every array of an ``.npz`` file into memory."""
    with np.load(path, allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


_ROWS_PER_BLOCK = 100_000


def write_table(table: pd.DataFrame, path: str | os.PathLike) -> None:
    """Write a table to CSV atomically: floats at full round-trip precision, NaN as ``NaN``."""
    # NumPy float columns are formatted here, as write_rows does: pandas' float_format gives the
    # same text but takes three times as long on the study's 800,000-row replicate table. Blocks
    # of rows keep the formatted copy small; columns are replaced by position, so any column
    # names work, and other float columns (nullable ones) keep pandas' own formatting.
    float_positions = [
        i
        for i, dtype in enumerate(table.dtypes)
        if isinstance(dtype, np.dtype) and dtype.kind == "f"
    ]
    with atomic_path(path) as tmp, open(tmp, "w", newline="") as handle:
        for start in range(0, max(len(table), 1), _ROWS_PER_BLOCK):
            block = table.iloc[start : start + _ROWS_PER_BLOCK].copy()
            for i in float_positions:
                block.isetitem(i, [_float_text(v) for v in block.iloc[:, i].tolist()])
            block.to_csv(handle, index=False, header=start == 0, float_format="%.17g", na_rep="NaN")


def write_rows(rows: Sequence[dict[str, Any]], path: str | os.PathLike) -> None:
    """Write dict rows (one key set) as a CSV table, formatted as :func:`write_table` does.

    For small jobs that should not pay for importing pandas.
    """
    columns = list(rows[0]) if rows else []
    with atomic_path(path) as tmp, open(tmp, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_csv_field(row[column]) for column in columns] for row in rows)


def _csv_field(value: Any) -> Any:
    return _float_text(value) if isinstance(value, float | np.floating) else value


def _float_text(value: float) -> str:
    """Full round-trip precision; NaN (the only value unequal to itself) as ``NaN``."""
    return "NaN" if value != value else f"{value:.17g}"


def read_table(path: str | os.PathLike) -> pd.DataFrame:
    """Read a CSV table written by :func:`write_table`."""
    import pandas as pd

    # Only "NaN" is missing: an empty text field (say, no error) stays an empty string.
    return pd.read_csv(path, keep_default_na=False, na_values=["NaN"])


def read_tables(paths: Sequence[str | os.PathLike]) -> pd.DataFrame:
    """Read and stack tables of one layout (:func:`read_table`); no paths give an empty one."""
    import pandas as pd

    frames = [read_table(path) for path in paths]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def read_rows(path: str | os.PathLike) -> list[dict[str, str]]:
    """Read a CSV table as dict rows of strings (no pandas)."""
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def write_text(text: str, path: str | os.PathLike) -> None:
    """Write ``text`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text)

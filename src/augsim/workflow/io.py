"""File formats and atomic writes.

Arrays go to ``.npz`` files; long tables (metric rows, the replicate table) to Parquet
(``.parquet``: typed columns, compressed, readable by column and by row group), the tables
people open by hand to ``.csv`` (floats written with full round-trip precision, so a table
read back is the table written). Every writer writes to a temporary file
beside its target and renames it into place, so an interrupted job never leaves a partial file at
a final output path.

Every reader raises :class:`UnreadableFile` for a file it cannot read (missing, truncated, not
of its format): one short message that names the file and the command that makes it again.
"""

from __future__ import annotations

import contextlib
import csv
import os
import shlex
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd


class UnreadableFile(OSError):
    """A file a reader cannot read: missing, truncated or not of its format.

    The message names the file, says what is wrong with it and how to make it again. The error
    that stopped the reader is the ``__cause__``.
    """

    def __init__(self, path: str | os.PathLike, what: str, problem: str) -> None:
        self.path, self.what, self.problem = os.fspath(path), what, problem
        # Snakemake does not remake a deleted intermediate whose consumers are up to date, and
        # -R <rule> would redo every job of the rule: --forcerun remakes this file and what
        # depends on it.
        super().__init__(
            f"cannot read {what} in {self.path}: {problem}.\n"
            f"Regenerate it and what depends on it: snakemake --cores all --forcerun "
            f"{shlex.quote(self.path)} (plus the --configfile and targets of your run)"
        )

    def __reduce__(self):
        return type(self), (self.path, self.what, self.problem)


# Errors a reader passes on as they are: its own, and running out of memory (not the file's fault).
_NOT_THE_FILE = (UnreadableFile, MemoryError)


def _problem(err: BaseException) -> str:
    """What is wrong with a file, from the error that stopped its reader, in a few words."""
    if isinstance(err, FileNotFoundError):
        return "it does not exist"
    if isinstance(err, OSError) and err.strerror:
        return err.strerror.lower()
    detail = str(err).splitlines()[0] if str(err) else ""
    detail = f"{type(err).__name__}: {detail}" if detail else type(err).__name__
    return f"it is damaged ({detail[:100]})"


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


# The first bytes of a zip archive: a file's local header, or the end record of an empty one.
_ZIP_STARTS = (b"PK\x03\x04", b"PK\x05\x06")


def read_arrays(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read every array of an ``.npz`` file into memory; :class:`UnreadableFile` if it cannot."""
    path = os.fspath(path)  # a wrong argument is the caller's error, not a damaged file
    try:
        with open(path, "rb") as handle:
            if handle.read(4) not in _ZIP_STARTS:
                raise UnreadableFile(path, "the arrays", "it is not an .npz archive")
            handle.seek(0)
            with np.load(handle, allow_pickle=False) as data:
                return {name: data[name] for name in data.files}
    except (zipfile.BadZipFile, EOFError) as err:  # a cut file has no archive directory at its end
        raise UnreadableFile(path, "the arrays", "it is truncated or damaged") from err
    except _NOT_THE_FILE:
        raise
    except Exception as err:  # numpy's header parser raises ValueError, SyntaxError, TokenError...
        raise UnreadableFile(path, "the arrays", _problem(err)) from err


_ROWS_PER_BLOCK = 100_000


def write_table(table: pd.DataFrame, path: str | os.PathLike) -> None:
    """Write a table to CSV atomically: floats at full round-trip precision, NaN as ``NaN``."""
    # NumPy float columns are formatted here, as write_rows does: pandas' float_format gives the
    # same text but takes three times as long on tables of hundreds of thousands of rows. Blocks
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


def write_columns(columns: Mapping[str, np.ndarray | Any], path: str | os.PathLike) -> None:
    """Write equal-length columns (arrays; a scalar fills its column) as a Parquet table."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    length = max((np.size(v) for v in columns.values() if np.ndim(v)), default=0)
    arrays = {
        name: pa.array(np.full(length, value) if np.ndim(value) == 0 else np.asarray(value))
        for name, value in columns.items()
    }
    with atomic_path(path) as tmp:
        pq.write_table(pa.table(arrays), tmp)


def write_parquet(frames: Iterable[pd.DataFrame], path: str | os.PathLike) -> int:
    """Write tables of one layout as one Parquet file, one row group each, without holding
    them all; returns the rows written. A float NaN is stored as Parquet's null (pandas reads it
    back as NaN)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    written, writer = 0, None
    with atomic_path(path) as tmp:
        try:
            for frame in frames:
                table = pa.Table.from_pandas(frame, preserve_index=False)
                if writer is None:
                    writer = pq.ParquetWriter(tmp, table.schema)
                writer.write_table(table.cast(writer.schema))
                written += len(frame)
        finally:
            if writer is not None:
                writer.close()
        if writer is None:
            raise ValueError(f"no table to write to {path}")
    return written


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


# Suffixes pandas reads as compressed files (the recorded tables are .csv.gz).
_COMPRESSED = {".gz", ".bz2", ".zip", ".xz", ".zst", ".tar"}


def _text_size(path: str | os.PathLike) -> int | None:
    """Bytes in a plain-text table (None for a compressed one); :class:`UnreadableFile` if it is
    empty or cut short.

    Every writer ends a table with a newline, so one whose last line lacks it was cut short.
    Compressed tables are checked by their decompression instead.
    """
    if Path(path).suffix in _COMPRESSED:
        return None
    with open(path, "rb") as handle:
        size = handle.seek(0, os.SEEK_END)
        if size == 0:
            raise UnreadableFile(path, "the table", "it is empty")
        handle.seek(-1, os.SEEK_END)
        if handle.read(1) != b"\n":
            raise UnreadableFile(path, "the table", "it is truncated: its last line is incomplete")
    return size


def read_table(path: str | os.PathLike, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Read a table written by :func:`write_table` (CSV), :func:`write_columns` or
    :func:`write_parquet` (Parquet; only ``columns`` when given); :class:`UnreadableFile` if it
    cannot."""
    import pandas as pd

    path = os.fspath(path)
    if Path(path).suffix == ".parquet":
        return _read_parquet(path, columns)
    try:
        if _text_size(path) == 1:
            return pd.DataFrame()  # a lone newline: what write_table writes for no columns
        # Only "NaN" is missing: an empty text field (say, no error) stays an empty string.
        return pd.read_csv(path, keep_default_na=False, na_values=["NaN"], usecols=columns)
    except _NOT_THE_FILE:
        raise
    except Exception as err:  # pandas' ParserError, EmptyDataError, UnicodeDecodeError, EOFError...
        raise UnreadableFile(path, "the table", _problem(err)) from err


def _read_parquet(path: str, columns: Sequence[str] | None) -> pd.DataFrame:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path, columns=None if columns is None else list(columns))
    except _NOT_THE_FILE:
        raise
    except Exception as err:  # ArrowInvalid (not Parquet, truncated), OSError, KeyError...
        raise UnreadableFile(path, "the table", _problem(err)) from err
    return table.to_pandas()


def read_tables(paths: Sequence[str | os.PathLike]) -> pd.DataFrame:
    """Read and stack tables of one layout (:func:`read_table`); no paths give an empty one."""
    import pandas as pd

    frames = [read_table(path) for path in paths]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def read_rows(path: str | os.PathLike) -> list[dict[str, str]]:
    """Read a CSV table as dict rows of strings (no pandas); :class:`UnreadableFile` if not."""
    path = os.fspath(path)
    try:
        _text_size(path)
        with open(path, newline="") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
    except _NOT_THE_FILE:
        raise
    except Exception as err:  # csv.Error, UnicodeDecodeError, OSError...
        raise UnreadableFile(path, "the table", _problem(err)) from err
    for number, row in enumerate(rows, start=1):
        # DictReader puts surplus fields under the key None and gives missing ones the value None
        if None in row or None in row.values():
            fields = sum(value is not None for value in row.values()) - (None in row)
            fields += len(row.get(None, []))
            problem = f"its row {number} has {fields} fields, its header {len(reader.fieldnames)}"
            raise UnreadableFile(path, "the table", problem)
    return rows


def write_text(text: str, path: str | os.PathLike) -> None:
    """Write ``text`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text)

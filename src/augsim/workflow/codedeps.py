"""The augsim modules a rule script runs: its imports, followed through the package, and the
digest of their contents that reruns a job when one of them changes.

Snakemake reruns a job when its ``script:`` file changes, but knows nothing of the modules the
script imports. The workflow gives each job the digest of the contents of the modules it runs
as a param (``workflow/rules/common.smk``): Snakemake reruns a job whose params changed, so an
edited module reruns exactly the jobs that run it, directly or through another augsim module,
and what depends on them; a file touched or checked out again with the same content changes no
digest. (Listed as input files instead, some twenty per job, the modules made Snakemake's
scheduler stat and size them all again for every ready job whenever a job finished.)

Imports are read from the source, not by importing it: every ``import augsim.x.y``, ``from
augsim.x import y`` and relative ``from .y import z`` anywhere in a file, inside functions too
(several modules import heavy dependencies only where they are used), counts, and so does the
``__init__.py`` of every package on the way (Python runs it first). What the registries load by
import path (:mod:`augsim.models.registry`, :mod:`augsim.generators.registry`) is not an import:
a job's own model or generator module is added by :func:`modules_of`, so an edit of one model
reruns only that model's jobs.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from augsim.workflow.cache import content_digest

PACKAGE = "augsim"
PACKAGE_DIR = Path(__file__).resolve().parents[1]


def script_modules(script: str | Path, package_dir: str | Path = PACKAGE_DIR) -> list[str]:
    """The package modules (``augsim.x.y`` names) that ``script`` imports, transitively, sorted,
    with the package ``__init__`` of each."""
    found = _imported(Path(script).read_text(), None, Path(package_dir))
    return modules_of(found, package_dir)


def modules_of(modules: Iterable[str], package_dir: str | Path = PACKAGE_DIR) -> list[str]:
    """``modules`` and everything they import from the package, transitively, sorted, with
    the package ``__init__`` of each (``augsim``, ``augsim.x`` for ``augsim.x.y``)."""
    package_dir = Path(package_dir)
    seen: set[str] = set()
    todo = list(modules)
    while todo:
        module = todo.pop()
        if module in seen or not _is_module(module, package_dir):
            continue
        seen.add(module)
        todo.extend(_parents(module))
        todo.extend(_module_imports(module, package_dir))
    return sorted(seen)


def digest(
    modules: Iterable[str], files: Iterable[str | Path] = (), *, package_dir=PACKAGE_DIR
) -> str:
    """A short digest of the contents of package ``modules`` and of other source ``files`` (a
    user's plug-in): equal exactly when every one of them is byte for byte the same."""
    hasher = hashlib.sha256()
    paths = [(m, module_path(m, package_dir)) for m in sorted(set(modules))]
    paths += [(str(f), Path(f)) for f in sorted({str(f) for f in files})]
    for name, path in paths:
        hasher.update(f"{name}\0{_content_digest(str(path))}\0".encode())
    return f"{hasher.hexdigest()[:16]} ({len(paths)} files)"


_content_digest = cache(content_digest)


def module_path(module: str, package_dir: str | Path = PACKAGE_DIR) -> Path:
    """The source file of package module ``module``: ``augsim.x.y`` is ``x/y.py``, a package
    ``augsim.x`` its ``x/__init__.py``, ``augsim`` the top ``__init__.py``."""
    parts = module.split(".")[1:]
    base = Path(package_dir).joinpath(*parts)
    return base / "__init__.py" if not parts or base.is_dir() else base.with_suffix(".py")


def _parents(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


#: the package modules each module imports, by module and content digest: parsing every module
#: on each Snakemake invocation costs a third of a second, reading this costs nothing
_KNOWN: dict[str, list[str]] = {}


def remember(records) -> None:
    """Read the import lists that :func:`keep` wrote (``records``: a
    :class:`augsim.workflow.cache.Records`)."""
    _KNOWN.update(records.read("module_imports") or {})


def keep(records) -> None:
    """Write the import lists found so far, for the next invocation."""
    records.write("module_imports", _KNOWN)


@cache
def _module_imports(module: str, package_dir: Path) -> frozenset[str]:
    path = module_path(module, package_dir)
    key = f"{module}:{_content_digest(str(path))}"
    if key not in _KNOWN:
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        _KNOWN[key] = sorted(_imported(path.read_text(), package, package_dir))
    return frozenset(name for name in _KNOWN[key] if _is_module(name, package_dir))


def _imported(source: str, package: str | None, package_dir: Path) -> set[str]:
    """Package modules named by the import statements of ``source``; ``package`` is the package
    relative imports start from (None for a script)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, package)
            if base:
                found.add(base)
                # ``from augsim.x import y`` imports the module augsim.x.y where there is one
                found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if _is_module(name, package_dir)}


def _absolute(node: ast.ImportFrom, package: str | None) -> str | None:
    """The absolute module an ``from ... import`` statement imports from."""
    if node.level == 0:
        return node.module
    if package is None:
        return None
    parts = package.split(".")
    if node.level > len(parts):
        return None
    base = ".".join(parts[: len(parts) - node.level + 1])
    return f"{base}.{node.module}" if node.module else base


def _is_module(name: str, package_dir: Path) -> bool:
    return name.split(".")[0] == PACKAGE and module_path(name, package_dir).is_file()

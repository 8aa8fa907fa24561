"""The augsim modules a rule script runs: its imports, followed through the package.

Snakemake reruns a job when its ``script:`` file changes, but knows nothing of the modules the
script imports. The workflow lists these modules as inputs of each script rule
(``workflow/rules/common.smk``), so an edited module reruns exactly the jobs whose scripts
import it, directly or through another augsim module, and what depends on them.

Imports are read from the source, not by importing it: every ``import augsim.x`` and
``from augsim[.x] import y`` anywhere in a file, inside functions too (several modules import
heavy dependencies only where they are used), counts.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

PACKAGE = "augsim"
PACKAGE_DIR = Path(__file__).resolve().parent


def script_modules(script: str | Path, package_dir: str | Path = PACKAGE_DIR) -> list[str]:
    """The package modules (``augsim.x`` names) that ``script`` imports, transitively, sorted.

    ``augsim`` itself (``__init__.py``) is included whenever any module is: importing a module
    of a package runs the package's ``__init__`` first.
    """
    package_dir = Path(package_dir)
    seen: set[str] = set()
    todo = list(_imported(Path(script).read_text(), package_dir))
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        todo.extend(_module_imports(module, package_dir))
    if seen:
        seen.add(PACKAGE)
    return sorted(seen)


def module_path(module: str, package_dir: str | Path = PACKAGE_DIR) -> Path:
    """The source file of package module ``module`` (``augsim`` or ``augsim.x``)."""
    parts = module.split(".")[1:]
    if not parts:
        return Path(package_dir) / "__init__.py"
    return Path(package_dir).joinpath(*parts).with_suffix(".py")


@cache
def _module_imports(module: str, package_dir: Path) -> frozenset[str]:
    return frozenset(_imported(module_path(module, package_dir).read_text(), package_dir))


def _imported(source: str, package_dir: Path) -> set[str]:
    """Package modules named by the import statements of ``source``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            # ``from augsim import io`` imports the module augsim.io
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if _is_module(name, package_dir)}


def _is_module(name: str, package_dir: Path) -> bool:
    parts = name.split(".")
    return parts[0] == PACKAGE and len(parts) > 1 and module_path(name, package_dir).is_file()

"""The modules a rule script imports, followed through the package: checked against ModuleFinder."""

from modulefinder import ModuleFinder
from pathlib import Path

import pytest
from workflow_helpers import REPO

from augsim.workflow import codedeps

SCRIPTS = sorted((REPO / "scripts").glob("*.py"))


def _module_finder(script: Path, src: Path) -> list[str]:
    finder = ModuleFinder(path=[str(src)])
    finder.run_script(str(script))
    return sorted(name for name in finder.modules if name.split(".")[0] == "augsim")


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.stem)
def test_script_modules_are_those_module_finder_finds(script):
    assert codedeps.script_modules(script) == _module_finder(script, REPO / "src")


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    package = tmp_path / "augsim"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, text in files.items():
        (package / name).write_text(text)
    return package


def test_imports_inside_functions_and_through_other_modules_count(tmp_path):
    package = _package(
        tmp_path,
        {
            "a.py": "import numpy\n\ndef f():\n    from augsim import b\n",
            "b.py": "from augsim.c import thing\n",
            "c.py": "thing = 1\n",
            "unused.py": "",
        },
    )
    script = tmp_path / "script.py"
    script.write_text("import augsim.a as a\nfrom augsim import nothing_here\n")
    found = codedeps.script_modules(script, package)
    assert found == ["augsim", "augsim.a", "augsim.b", "augsim.c"]
    assert found == _module_finder(script, tmp_path)


def test_a_script_without_package_imports_needs_no_module(tmp_path):
    script = tmp_path / "script.py"
    script.write_text("import json\n")
    assert codedeps.script_modules(script, _package(tmp_path, {})) == []


def test_module_paths():
    assert codedeps.module_path("augsim", Path("p")) == Path("p/__init__.py")
    assert codedeps.module_path("augsim.fit", Path("p")) == Path("p/fit.py")


def _implementation_modules() -> list[str]:
    """Every module a job loads by import path through a registry."""
    from augsim.generators.registry import GENERATORS, generator_module
    from augsim.models.registry import MODELS, model_module
    from augsim.report.registry import SECTIONS

    modules = {generator_module(name) for name in GENERATORS}
    modules |= {model_module(name) for name in MODELS}
    modules |= {"augsim.generators.plugin", "augsim.models.plugin"}
    for items in SECTIONS.values():
        for item in items.values():
            modules.add(item.module)
            if item.markdown:
                modules.add(item.markdown.split(":")[0])
    return sorted(modules)


@pytest.mark.parametrize("module", _implementation_modules())
def test_an_implementations_modules_are_those_module_finder_finds(module, tmp_path):
    """What a job loads through a registry is followed like a script's imports."""
    probe = tmp_path / "probe.py"
    probe.write_text(f"import {module}\n")
    assert codedeps.modules_of([module]) == _module_finder(probe, REPO / "src")


def test_a_registry_does_not_import_what_it_registers():
    """A job of one model must not depend on every model: the registries load by path."""
    found = codedeps.script_modules(REPO / "scripts" / "fit_models.py")
    assert not {"augsim.models.flexible", "augsim.models.plugin", "augsim.models.logistic"} & set(
        found
    )


def test_the_digest_follows_content_not_time(tmp_path):
    package = _package(tmp_path, {"a.py": "x = 1\n"})
    before = codedeps.digest(["augsim.a"], package_dir=package)
    (package / "a.py").write_text("x = 1\n")  # touched: the same content
    codedeps._content_digest.cache_clear()
    assert codedeps.digest(["augsim.a"], package_dir=package) == before
    (package / "a.py").write_text("x = 2\n")
    codedeps._content_digest.cache_clear()
    assert codedeps.digest(["augsim.a"], package_dir=package) != before

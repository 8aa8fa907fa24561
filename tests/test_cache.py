"""What one Snakemake invocation keeps for the next: reused only while its inputs are the same."""

import copy

import pytest
import yaml
from workflow_helpers import REPO

from augsim.study import validation
from augsim.workflow import codedeps
from augsim.workflow.cache import Records, fingerprint

SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"
CI = yaml.safe_load((REPO / "config" / "ci.yaml").read_text())


@pytest.fixture
def counted_checks(monkeypatch):
    """How often the config's cross-key checks ran."""
    runs = []
    check = validation.check_config

    def counting(config):
        runs.append(1)
        return check(config)

    monkeypatch.setattr(validation, "check_config", counting)
    return runs


def _with_data_copy(tmp_path):
    config = copy.deepcopy(CI)
    data = tmp_path / "loans.csv"
    data.write_bytes((REPO / config["datasets"]["sets"]["loans"]["file"]).read_bytes())
    config["datasets"]["sets"]["loans"]["file"] = str(data)
    return config, data


def test_a_checked_config_is_not_checked_again_and_gives_the_same_plan(tmp_path, counted_checks):
    records = Records(tmp_path / "records")
    config, _ = _with_data_copy(tmp_path)
    first = validation.validate_config(config, SCHEMA, records=records)
    again = validation.validate_config(copy.deepcopy(config), SCHEMA, records=records)
    assert len(counted_checks) == 1
    assert again.split_sizes == first.split_sizes
    assert again.cells == first.cells


def test_a_changed_config_or_data_file_is_checked_again(tmp_path, counted_checks):
    records = Records(tmp_path / "records")
    config, data = _with_data_copy(tmp_path)
    validation.validate_config(config, SCHEMA, records=records)
    changed = copy.deepcopy(config)
    changed["experiments"]["plugins"]["methods"].append("nonexistent")
    with pytest.raises(ValueError, match="nonexistent"):
        validation.validate_config(changed, SCHEMA, records=records)
    rows = data.read_text().splitlines()
    data.write_text("\n".join([*rows, rows[1]]) + "\n")  # one row more
    validation.validate_config(config, SCHEMA, records=records)
    assert len(counted_checks) == 3


def test_without_a_folder_nothing_is_kept(tmp_path):
    records = Records(None)
    records.write("anything", {"a": 1})
    assert records.read("anything") is None


def test_an_unreadable_record_counts_as_none(tmp_path):
    (tmp_path / "broken.json").write_text("{not json")
    assert Records(tmp_path).read("broken") is None


def test_the_fingerprint_follows_file_contents(tmp_path):
    path = tmp_path / "f.txt"
    path.write_text("a")
    before = fingerprint("x", files=[path])
    assert fingerprint("x", files=[path]) == before
    path.write_text("b")
    assert fingerprint("x", files=[path]) != before
    path.unlink()
    assert fingerprint("x", files=[path]) not in {before, fingerprint("y", files=[path])}


def test_kept_import_lists_give_the_same_modules(tmp_path, monkeypatch):
    scripts = sorted((REPO / "scripts").glob("*.py"))
    found = [codedeps.script_modules(s) for s in scripts]
    records = Records(tmp_path)
    codedeps.keep(records)
    monkeypatch.setattr(codedeps, "_KNOWN", {})
    codedeps._module_imports.cache_clear()
    codedeps.remember(records)
    assert codedeps._KNOWN  # read back, not recomputed
    assert [codedeps.script_modules(s) for s in scripts] == found
    codedeps._module_imports.cache_clear()


def test_a_kept_import_list_of_other_content_is_not_used(tmp_path, monkeypatch):
    package = tmp_path / "augsim"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from augsim import b\n")
    (package / "b.py").write_text("")
    script = tmp_path / "script.py"
    script.write_text("import augsim.a\n")
    monkeypatch.setattr(codedeps, "_KNOWN", {})
    codedeps._module_imports.cache_clear()
    assert codedeps.script_modules(script, package) == ["augsim", "augsim.a", "augsim.b"]
    (package / "a.py").write_text("import json\n")
    codedeps._module_imports.cache_clear()
    codedeps._content_digest.cache_clear()
    assert codedeps.script_modules(script, package) == ["augsim", "augsim.a"]
    codedeps._module_imports.cache_clear()
    codedeps._content_digest.cache_clear()

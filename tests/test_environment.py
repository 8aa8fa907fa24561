"""The conda environment file pins exactly what pyproject.toml pins."""

import re
import tomllib

import yaml
from workflow_helpers import REPO


def test_conda_environment_matches_pip_pins():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((REPO / "envs" / "augsim.yaml").read_text())
    pip_section = next(item for item in env["dependencies"] if isinstance(item, dict))
    conda_pins = {line for line in pip_section["pip"] if not line.startswith("-e")}
    assert conda_pins == set(project["dependencies"])


def test_every_rule_uses_the_pinned_environment():
    rules = (REPO / "workflow" / "rules").glob("*.smk")
    text = "\n".join(path.read_text() for path in rules)
    assert len(re.findall(r"^    conda:$", text, re.M)) == len(re.findall(r"^rule ", text, re.M))

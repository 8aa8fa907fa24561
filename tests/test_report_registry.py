"""The report's registry is the one place a table, figure or claim is declared: each has a loadable
function, a caption, a schema entry and a rule, and nothing is wired that it does not declare."""

import copy
import inspect
import re

import pytest
import yaml
from workflow_helpers import REPO

from augsim.report.registry import CLAIMS, FIGURES, SECTIONS, STUDY_TABLES, TABLES, load
from augsim.study import validation

CAPTIONS = REPO / "workflow" / "report"
PAPER = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
ITEMS = [item for items in SECTIONS.values() for item in items.values()]


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: f"{item.kind}:{item.name}")
def test_every_item_loads_and_reads_known_tables(item):
    function = load(item.function)
    assert callable(function)
    assert set(item.reads) <= {*STUDY_TABLES, *TABLES}
    assert not set(STUDY_TABLES) & set(TABLES)  # one file of tables/ each
    if item.kind == "claim":
        assert list(inspect.signature(function).parameters)[:4] == [
            "tables", "selection", "options", "catalogue",
        ]  # fmt: skip
    else:
        keywords = inspect.signature(function).parameters
        assert {"selection", "catalogue"} <= set(keywords)
    if item.markdown:
        assert callable(load(item.markdown))


def test_every_table_and_figure_has_its_caption_and_no_caption_is_orphaned():
    declared = {item.caption for items in (TABLES, FIGURES) for item in items.values()}
    assert all((CAPTIONS / caption).is_file() for caption in declared)
    assert {path.name for path in CAPTIONS.glob("*.rst")} == {*declared, "claims.rst"}


def test_the_schema_takes_exactly_the_registry_items():
    schema = validation.with_report_items(
        yaml.safe_load((REPO / "workflow" / "schemas" / "config.schema.yaml").read_text())
    )
    for section, items in SECTIONS.items():
        assert set(schema["properties"][section]["properties"]) == set(items)
    config = copy.deepcopy(PAPER)
    config["figures"]["roc"] = {"view": "rate"}
    with pytest.raises(ValueError, match="'roc' was unexpected"):
        validation.validate_config(config, REPO / "workflow" / "schemas" / "config.schema.yaml")


def test_the_paper_study_configures_every_item():
    for section, items in SECTIONS.items():
        assert set(PAPER[section]) == set(items), section


def test_every_configured_item_has_its_rule():
    """The report rules are generated from the registry: one per table and figure, one rule for
    every claim, each named after its item."""
    text = (REPO / "workflow" / "rules" / "report.smk").read_text()
    assert 'f"tabulate_{job.item.name}"' in text and 'f"plot_{job.item.name}"' in text
    assert re.search(r"^rule check_claims:", text, re.M)
    # no rule is written by hand for a single item
    assert not re.search(r"^rule (plot|tabulate)_\w+:", text, re.M)
    assert set(CLAIMS) == set(PAPER["claims"])

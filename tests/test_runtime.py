"""Rule scripts log their duration, and a failing job's log holds the error."""

import logging
import platform
import re
import subprocess
import sys
from types import SimpleNamespace

import pytest

from augsim.workflow.runtime import rule_script


@pytest.fixture(autouse=True)
def restore_logging():
    yield
    logging.basicConfig(handlers=[logging.NullHandler()], force=True)


def test_a_finished_rule_logs_its_duration_last(tmp_path):
    log_path = tmp_path / "rule.log"

    @rule_script
    def main(smk):
        logging.getLogger("work").info("working on %s", smk.rule)

    main(SimpleNamespace(log=[str(log_path)], rule="fit_models"))
    lines = log_path.read_text().splitlines()
    assert "working on fit_models" in lines[0]
    assert re.search(r"INFO fit_models: finished in \d+\.\d{3} s$", lines[-1])


def test_a_failing_rule_logs_the_traceback_and_still_fails(tmp_path):
    log_path = tmp_path / "rule.log"

    @rule_script
    def main(smk):
        raise ValueError("no minority rows")

    with pytest.raises(ValueError, match="no minority rows"):
        main(SimpleNamespace(log=[str(log_path)], rule="augment_data"))
    text = log_path.read_text()
    assert "ERROR augment_data: failed after" in text
    assert "Traceback" in text and "ValueError: no minority rows" in text
    assert "finished in" not in text


HEAP_CHURN = """
import resource, sys
import numpy as np
if sys.argv[1] == "retain":
    from augsim.workflow.runtime import retain_freed_heap
    assert retain_freed_heap()
scores = np.random.default_rng(0).normal(size=40_000)
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(200):
    order = np.argsort(-scores)
    ranks = np.cumsum(scores[order])
    steps = np.diff(ranks) / ranks[-1]
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


@pytest.mark.skipif(
    not (sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"),
    reason="the heap setting is glibc's",
)
def test_retaining_freed_heap_stops_page_faults_on_array_churn():
    """A fresh process per setting: the allocator is set once per process."""

    def page_faults(mode: str) -> int:
        command = [sys.executable, "-c", HEAP_CHURN, mode]
        return int(subprocess.run(command, capture_output=True, text=True, check=True).stdout)

    default, retained = page_faults("default"), page_faults("retain")
    # by default each round faults dozens of pages back in (7,535 in all, measured)
    assert default > 2_000
    assert retained < default / 5

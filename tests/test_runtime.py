"""Rule scripts log their duration, a failing job's log holds the error, and jobs run with the
heap setting."""

import logging
import os
import platform
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from augsim.workflow import io, runtime
from augsim.workflow.runtime import rule_script


@pytest.fixture(autouse=True)
def restore_logging():
    yield
    logging.basicConfig(handlers=[logging.NullHandler()], force=True)


def test_a_finished_rule_logs_its_duration_last(tmp_path):
    log_path = tmp_path / "rule.log"

    @rule_script
    def main(smk, log):
        logging.getLogger("work").info("working on %s", smk.rule)

    main(SimpleNamespace(log=[str(log_path)], rule="fit_models"))
    lines = log_path.read_text().splitlines()
    assert "working on fit_models" in lines[0]
    assert re.search(r"INFO augsim.rules.fit_models: finished in \d+\.\d{3} s$", lines[-1])


def test_a_failing_rule_logs_the_traceback_and_still_fails(tmp_path):
    log_path = tmp_path / "rule.log"

    @rule_script
    def main(smk, log):
        raise ValueError("no minority rows")

    with pytest.raises(ValueError, match="no minority rows"):
        main(SimpleNamespace(log=[str(log_path)], rule="augment_data"))
    text = log_path.read_text()
    assert "ERROR augsim.rules.augment_data: failed after" in text
    assert "Traceback" in text and "ValueError: no minority rows" in text
    assert "finished in" not in text
    # the message on its own line, ahead of the traceback
    assert text.index(
        "ERROR augsim.rules.augment_data: ValueError: no minority rows\n"
    ) < text.index("Traceback")


def test_a_damaged_input_is_named_at_the_top_of_the_log(tmp_path):
    damaged = tmp_path / "chunk_0.npz"
    damaged.write_bytes(b"PK\x03\x04 cut short")
    log_path = tmp_path / "rule.log"

    @rule_script
    def main(smk, log):
        io.read_arrays(damaged)

    with pytest.raises(io.UnreadableFile):
        main(SimpleNamespace(log=[str(log_path)], rule="evaluate_models"))
    first, second, third = log_path.read_text().splitlines()[:3]
    assert first.endswith(
        "ERROR augsim.rules.evaluate_models: augsim.workflow.io.UnreadableFile: cannot read the "
        f"arrays in {damaged}: it is truncated or damaged."
    )
    assert second.startswith("Regenerate it and what depends on it: snakemake --cores all")
    assert f"--forcerun {damaged}" in second
    assert "failed after" in third


COMMON_SMK = Path(__file__).resolve().parents[1] / "workflow" / "rules" / "common.smk"


def test_the_workflow_sets_the_heap_pad_for_its_jobs():
    """common.smk sets MALLOC_TOP_PAD_ at the top level, so before any job starts, to
    HEAP_PAD_BYTES, and keeps a value the user set."""
    text = COMMON_SMK.read_text()
    assert re.search(r"^from augsim\.workflow import .*\bruntime\b", text, re.M)
    (statement,) = re.findall(r"^os\.environ\.setdefault\(.*\)$", text, re.M)
    environment = {}
    exec(statement, {"os": SimpleNamespace(environ=environment), "runtime": runtime})
    assert environment == {"MALLOC_TOP_PAD_": str(runtime.HEAP_PAD_BYTES)}
    environment = {"MALLOC_TOP_PAD_": "0"}
    exec(statement, {"os": SimpleNamespace(environ=environment), "runtime": runtime})
    assert environment == {"MALLOC_TOP_PAD_": "0"}


HEAP_CHURN = """
import resource
import numpy as np
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(200):
    # two 400 kB arrays alive at once, as in a fit: freeing both leaves 800 kB at the heap top
    a = np.ones(50_000)
    b = a * 2.0
    del a, b
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _environment(**variables: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k != runtime.HEAP_PAD_VARIABLE}
    return environment | variables


@pytest.mark.skipif(
    not (sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"),
    reason="MALLOC_TOP_PAD_ is glibc's",
)
def test_glibc_honours_the_heap_pad_and_stops_page_faults_on_array_churn():
    """A fresh process per setting: glibc reads the variable when a process starts."""

    def page_faults(environment: dict[str, str]) -> int:
        command = [sys.executable, "-c", HEAP_CHURN]
        result = subprocess.run(
            command, env=environment, capture_output=True, text=True, check=True
        )
        return int(result.stdout)

    default = page_faults(_environment())
    padded = page_faults(_environment(MALLOC_TOP_PAD_=str(runtime.HEAP_PAD_BYTES)))
    # by default each round faults about 160 pages back in (32,654 in all, measured); padded,
    # the pages stay (185 in all)
    assert default > 5_000
    assert padded < default / 20


RESTARTING = """
import os
from augsim.workflow.runtime import restart_with_heap_pad
print("start", flush=True)
restart_with_heap_pad()
print(os.environ["MALLOC_TOP_PAD_"])
"""


def test_a_benchmark_restarts_once_with_the_heap_pad():
    command = [sys.executable, "-c", RESTARTING]
    result = subprocess.run(command, env=_environment(), capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["start", "start", str(runtime.HEAP_PAD_BYTES)]
    mine = _environment(MALLOC_TOP_PAD_="1048576")
    result = subprocess.run(command, env=mine, capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["start", "1048576"]

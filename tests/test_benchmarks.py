"""The benchmark command runs from a clean checkout and writes its results file.

Only that it runs and reports every figure is tested here; the figures themselves are
measurements, recorded in benchmarks/RESULTS.md, not assertions.
"""

import re
import subprocess
import sys

import pytest
from workflow_helpers import REPO

pytestmark = [pytest.mark.slow, pytest.mark.workflow]


def test_run_all_writes_every_benchmark_and_the_machine(tmp_path):
    output = tmp_path / "RESULTS.md"
    command = [sys.executable, "benchmarks/run_all.py", "--quick", "--output", str(output)]
    subprocess.run(command, cwd=REPO, check=True, capture_output=True, timeout=900)
    text = output.read_text()
    assert "python benchmarks/run_all.py --quick" in text
    assert "- CPU: " in text and "- Packages: numpy" in text
    for row in (
        "| Model fit vs scikit-learn lbfgs",
        "| score_metrics vs scikit-learn, 10^6 tied scores | >= 5x |",
        "| linear_metrics, one call | < 1 ms |",
        "| CI study end to end |",
        "| Learned generator: fit on 200 minority rows, MMD to the truth |",
    ):
        assert row in text
    for section in (
        "bench_fit.py",
        "bench_metrics.py",
        "bench_population.py",
        "bench_learned.py",
        "bench_workflow",
    ):
        assert f"(`benchmarks/{section}" in text
    # the workflow benchmark found a log with its work time for every job of the CI study
    assert re.search(r"^ci: \d+ jobs on 2 cores, wall [\d.]+ s", text, re.MULTILINE)
    assert "overhead" in text and "peak job memory" in text

"""The CI study on a real one-node Slurm cluster, run through `--profile profiles/slurm`.

tests/slurm/start_slurm.sh installs Debian's Slurm 22.05 and munge and starts the daemons (as
root); stop_slurm.sh stops them again. The study runs in a scratch copy through Slurm; every
compute job must have run inside a Slurm job and every table must equal the CI study's recorded
tables, which every local run of the test suite is compared with too.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from workflow_helpers import (
    REPO,
    assert_matches_recorded,
    assert_tables_match,
    copy_workflow,
    metric_paths,
    metric_rows,
    recorded_fitted_rows,
)

SCRIPTS = Path(__file__).resolve().parent / "slurm"
SLURM_BASE = Path(os.environ.get("SLURM_TEST_BASE", "/tmp/slurm-test"))
# One DGP's part of the CI study and the population curves: every compute rule runs (about a
# third of the CI study's jobs), and its numbers are compared with the recorded tables. The
# collectors and figures are local rules, the same as in any local run.
DGP = "shared"
TARGETS = (
    "results/ci/tables/population.csv",
    *metric_paths(REPO / "config" / "ci.yaml", DGP),
)
COMPUTE_RULES = {
    "simulate_data", "simulate_test_set", "compute_bayes", "augment_data", "fit_models",
    "evaluate_models", "population_curves",
}  # fmt: skip
# Every Slurm job starts Snakemake twice (sbatch, then srun), 6-10 s on 2 cores: the CI study's
# 63 compute jobs alone took 6.5 minutes. So the test puts the compute rules in one group: each
# connected part of the DAG (one DGP's data, fits and metrics; the population curves) becomes
# one Slurm job, whose jobs run one after another as job steps. --cores caps a group job's size:
# each asks Slurm for one CPU, so two of them share the 2-core node.
GROUPING = ("--groups", *(f"{rule}=study" for rule in sorted(COMPUTE_RULES)), "--cores", "1")
TIMEOUT = 900


def _missing_requirement() -> str | None:
    if os.geteuid() != 0:
        return "needs root: start_slurm.sh installs Debian packages and runs the Slurm daemons"
    if shutil.which("apt-get") is None or shutil.which("dpkg-query") is None:
        return "needs apt-get and dpkg-query: start_slurm.sh installs Debian's Slurm packages"
    return None


pytestmark = [
    pytest.mark.slurm,
    pytest.mark.workflow,
    pytest.mark.skipif(_missing_requirement() is not None, reason=str(_missing_requirement())),
]


def _alive(pid_file: Path, command: str) -> bool:
    """True if ``pid_file`` names a live process called ``command``."""
    try:
        pid = pid_file.read_text().strip()
        return Path(f"/proc/{pid}/comm").read_text().strip() == command
    except (OSError, ValueError):
        return False


def _lock_cluster(lock_file) -> None:
    """Wait until no other test run on this machine uses the cluster under SLURM_BASE."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                pytest.fail(f"another test run held {lock_file.name} for {TIMEOUT} s")
            time.sleep(2)


@pytest.fixture(scope="module")
def slurm_partition():
    """Start the one-node cluster; stop its daemons afterwards, also when a test fails.

    A cluster that was already up (a developer's, under the same base) is used and left up. A
    lock keeps two test runs on one machine from sharing the cluster (the first would stop it
    under the second).
    """
    with open(f"{SLURM_BASE}.lock", "w") as lock_file:  # closing it releases the lock
        _lock_cluster(lock_file)
        already_up = _alive(SLURM_BASE / "run" / "slurmctld.pid", "slurmctld")
        try:
            started = subprocess.run(
                ["bash", str(SCRIPTS / "start_slurm.sh")],
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert started.returncode == 0, f"start_slurm.sh failed:\n{started.stderr[-4000:]}"
            yield started.stdout.split()[-1]
        finally:
            if not already_up:
                subprocess.run(["bash", str(SCRIPTS / "stop_slurm.sh")], capture_output=True)


@pytest.fixture(scope="module")
def slurm_run(slurm_partition, tmp_path_factory):
    """The CI study through the Slurm profile; the partition comes from the environment."""
    workdir = copy_workflow(tmp_path_factory.mktemp("slurm"))
    env = {key: value for key, value in os.environ.items() if not key.startswith("SBATCH_")}
    env["SBATCH_PARTITION"] = slurm_partition
    command = [
        "snakemake", *TARGETS, "--profile", "profiles/slurm", "--configfile", "config/ci.yaml",
        *GROUPING,
    ]  # fmt: skip
    result = subprocess.run(
        command, cwd=workdir, env=env, capture_output=True, text=True, timeout=TIMEOUT
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{output[-6000:]}"
    return workdir, output


def _jobs(text: str, kind: str) -> set[tuple[str, str]]:
    """(rule, wildcards) of every job that ``text`` announces as ``kind`` (rule or localrule)."""
    jobs = set()
    for match in re.finditer(rf"^\s*{kind} (\w+):\n((?:\s+\w+: .*\n)*)", text, re.M):
        wildcards = re.search(r"^\s+wildcards: (.*)$", match.group(2), re.M)
        jobs.add((match.group(1), wildcards.group(1) if wildcards else ""))
    return jobs


def test_every_compute_job_runs_inside_a_slurm_job(slurm_run, slurm_partition):
    workdir, output = slurm_run
    submitted = _jobs(output, "rule")
    assert {rule for rule, _ in submitted} == COMPUTE_RULES
    assert not _jobs(output, "localrule")  # no job ran on the submitting machine
    assert f"slurm_partition={slurm_partition}" in output

    job_ids = re.findall(r"has been submitted with SLURM jobid (\d+)", output)
    assert job_ids
    logs = {path.stem: path for path in (workdir / ".snakemake" / "slurm_logs").rglob("*.log")}
    assert sorted(logs) == sorted(job_ids)  # slurm-keep-successful-logs keeps every job's log
    # Inside a Slurm job, the Snakemake started by srun runs the job itself ("localrule").
    ran_in_slurm = set().union(
        *(_jobs(logs[job_id].read_text(), "localrule") for job_id in job_ids)
    )
    assert ran_in_slurm == submitted

    controller_log = (SLURM_BASE / "log" / "slurmctld.log").read_text()
    partition = re.escape(slurm_partition)
    for job_id in job_ids:
        # the main scheduler and the backfill scheduler log a job's start differently
        started = (
            rf"sched: Allocate JobId={job_id} .*Partition={partition}$"
            rf"|sched/backfill: _start_job: Started JobId={job_id} in {partition} on "
        )
        assert re.search(started, controller_log, re.M), job_id
        assert f"_job_complete: JobId={job_id} WEXITSTATUS 0" in controller_log, job_id


def test_numbers_equal_the_recorded_ci_study(slurm_run):
    slurm_dir, _ = slurm_run
    assert_matches_recorded(slurm_dir / "results" / "ci", "tables/population")
    produced = metric_rows(slurm_dir, [path for path in TARGETS if "/metrics/" in path])
    assert_tables_match(produced, recorded_fitted_rows(DGP), f"replicates of {DGP}")

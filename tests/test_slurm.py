"""The CI study on a real one-node Slurm cluster, run through `--profile profiles/slurm`.

tests/slurm/start_slurm.sh installs Debian's Slurm 22.05 and munge and starts the daemons (as
root); stop_slurm.sh stops them again. The study runs in a scratch copy through Slurm; every
compute job must have run inside a Slurm job and every table must equal the CI study's recorded
tables, which every local run of the test suite is compared with too.

A machine with a Slurm of its own (a /etc/slurm/slurm.conf that is not start_slurm.sh's link to
its configuration: a cluster's login node) is left alone: the test is skipped. To run it through
that site's Slurm instead, set AUGSIM_SLURM_SITE=1: no cluster is started or stopped, no root is
needed, the jobs go to the partition in SBATCH_PARTITION (the site's default one if unset), with
the site's other SBATCH_* settings (account, QOS) as they are, and up to an hour for queueing.
The compute nodes must see the scratch copy and the Python environment, so give pytest a fresh
directory on a shared filesystem (pytest empties --basetemp):

    AUGSIM_SLURM_SITE=1 SBATCH_PARTITION=short SBATCH_ACCOUNT=myproject \
        python -m pytest tests/test_slurm.py --basetemp="$HOME/augsim-slurm-test"
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import sys
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
# Run through the site's own Slurm instead of starting one (see the module docstring).
SITE = os.environ.get("AUGSIM_SLURM_SITE") == "1"
# Where Slurm's commands look for the configuration. start_slurm.sh links it to its own
# configuration, which it names exactly as OWN_CONF, and refuses to touch any other.
ETC_SLURM_CONF = Path("/etc/slurm/slurm.conf")
OWN_CONF = f"{os.environ.get('SLURM_TEST_BASE', '/tmp/slurm-test')}/etc/slurm.conf"
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
    "evaluate_models", "compute_population_curves",
}  # fmt: skip
# Every Slurm job starts Snakemake twice (sbatch, then srun), 6-10 s on 2 cores: the CI study's
# 63 compute jobs alone took 6.5 minutes. So the test puts the compute rules in one group: each
# connected part of the DAG (one DGP's data, fits and metrics; the population curves) becomes
# one Slurm job, whose jobs run one after another as job steps. --cores caps a group job's size:
# each asks Slurm for one CPU, so two of them share the 2-core node.
GROUPING = ("--groups", *(f"{rule}=study" for rule in sorted(COMPUTE_RULES)), "--cores", "1")
TIMEOUT = 3600 if SITE else 900  # a site's queue may hold the jobs a while


def foreign_slurm_conf() -> str | None:
    """Why this machine's Slurm configuration is not the test cluster's, or None.

    None when there is none or it is start_slurm.sh's link to its own (left by an earlier run);
    the same test as the script's, which refuses to run otherwise.
    """
    conf = ETC_SLURM_CONF
    if not conf.is_symlink() and not conf.exists():
        return None
    if conf.is_symlink() and os.readlink(conf) == OWN_CONF:
        return None
    return (
        f"{conf} is not the test cluster's: this machine runs a Slurm of its own, which the test "
        "leaves alone (AUGSIM_SLURM_SITE=1 runs the test through it)"
    )


def _missing_requirement() -> str | None:
    if SITE:
        if shutil.which("sbatch") is None or shutil.which("squeue") is None:
            return "AUGSIM_SLURM_SITE=1 needs the site's sbatch and squeue on PATH"
        return None
    foreign = foreign_slurm_conf()
    if foreign is not None:
        return foreign
    if os.geteuid() != 0:
        return "needs root: start_slurm.sh installs Debian packages and runs the Slurm daemons"
    if shutil.which("apt-get") is None or shutil.which("dpkg-query") is None:
        return "needs apt-get and dpkg-query: start_slurm.sh installs Debian's Slurm packages"
    return None


MISSING = _missing_requirement()
# With the marks slurm and workflow, on each test that runs the study through Slurm (the unit
# tests at the end run anywhere).
needs_slurm = pytest.mark.skipif(MISSING is not None, reason=str(MISSING))


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


# start_slurm.sh's exit status when this machine has a Slurm of its own; it touched nothing.
FOREIGN_SLURM = 3


def skip_unless_own_cluster() -> None:
    """Skip, under the lock, if a Slurm of this machine's own appeared since collection."""
    foreign = foreign_slurm_conf()
    if foreign is not None:
        pytest.skip(foreign)


@pytest.fixture(scope="module")
def slurm_partition():
    """Start the one-node cluster; stop its daemons afterwards, also when a test fails.

    A cluster that was already up (a developer's, under the same base) is used and left up. A
    lock keeps two test runs on one machine from sharing the cluster (the first would stop it
    under the second). With AUGSIM_SLURM_SITE=1 the site's partition (None: its default one).
    """
    if SITE:
        yield os.environ.get("SBATCH_PARTITION") or None
        return
    with open(f"{SLURM_BASE}.lock", "w") as lock_file:  # closing it releases the lock
        _lock_cluster(lock_file)
        skip_unless_own_cluster()
        already_up = _alive(SLURM_BASE / "run" / "slurmctld.pid", "slurmctld")
        try:
            started = subprocess.run(
                ["bash", str(SCRIPTS / "start_slurm.sh")],
                capture_output=True,
                text=True,
                timeout=600,
            )
            if started.returncode == FOREIGN_SLURM:
                pytest.skip(started.stderr.strip().splitlines()[-1])
            assert started.returncode == 0, f"start_slurm.sh failed:\n{started.stderr[-4000:]}"
            yield started.stdout.split()[-1]
        finally:
            if not already_up:
                subprocess.run(["bash", str(SCRIPTS / "stop_slurm.sh")], capture_output=True)


@pytest.fixture(scope="module")
def slurm_run(slurm_partition, tmp_path_factory):
    """The CI study through the Slurm profile; the partition comes from the environment."""
    workdir = copy_workflow(tmp_path_factory.mktemp("slurm"))
    if SITE:  # the site's partition, account and other sbatch settings, as they are
        env = dict(os.environ)
    else:
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


@pytest.mark.slurm
@pytest.mark.workflow
@needs_slurm
def test_every_compute_job_runs_inside_a_slurm_job(slurm_run, slurm_partition):
    workdir, output = slurm_run
    submitted = _jobs(output, "rule")
    assert {rule for rule, _ in submitted} == COMPUTE_RULES
    assert not _jobs(output, "localrule")  # no job ran on the submitting machine
    if slurm_partition is not None:
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
    if SITE:  # the site's controller log is not ours to read
        return

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


@pytest.mark.slurm
@pytest.mark.workflow
@needs_slurm
def test_numbers_equal_the_recorded_ci_study(slurm_run):
    slurm_dir, _ = slurm_run
    assert_matches_recorded(slurm_dir / "results" / "ci", "tables/population")
    produced = metric_rows(slurm_dir, [path for path in TARGETS if "/metrics/" in path])
    assert_tables_match(produced, recorded_fitted_rows(DGP), f"replicates of {DGP}")


@pytest.fixture
def etc_slurm(tmp_path, monkeypatch):
    """A stand-in for /etc/slurm/slurm.conf, and for start_slurm.sh's configuration."""
    conf = tmp_path / "etc" / "slurm" / "slurm.conf"
    conf.parent.mkdir(parents=True)
    own = tmp_path / "slurm-test" / "etc" / "slurm.conf"
    this = sys.modules[__name__]
    monkeypatch.setattr(this, "ETC_SLURM_CONF", conf)
    monkeypatch.setattr(this, "OWN_CONF", str(own))
    monkeypatch.setattr(this, "SITE", False)
    return conf, own


def test_a_machine_without_slurm_or_with_the_test_cluster_is_the_tests(etc_slurm):
    conf, own = etc_slurm
    assert foreign_slurm_conf() is None
    conf.symlink_to(own)  # start_slurm.sh's link, left by an earlier run; dangling is fine
    assert foreign_slurm_conf() is None


@pytest.mark.parametrize("kind", ["file", "other link", "dangling link"])
def test_a_machine_with_its_own_slurm_is_left_alone(etc_slurm, monkeypatch, kind):
    conf, own = etc_slurm
    if kind == "file":
        conf.write_text("ClusterName=site\n")
    else:
        conf.symlink_to(own.parent / "site.conf" if kind == "other link" else "/nonexistent")
    reason = foreign_slurm_conf()
    assert (
        reason.startswith(f"{conf} is not the test cluster's") and "AUGSIM_SLURM_SITE=1" in reason
    )
    # the reason the Slurm tests are skipped with, also as root on a Debian machine
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")
    assert _missing_requirement() == reason
    with pytest.raises(pytest.skip.Exception, match="AUGSIM_SLURM_SITE=1"):
        skip_unless_own_cluster()
    # with AUGSIM_SLURM_SITE=1 the test uses that Slurm
    monkeypatch.setattr(sys.modules[__name__], "SITE", True)
    assert _missing_requirement() is None

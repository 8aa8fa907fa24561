"""Time the workflow: the CI study end to end, the paper study cold, and a no-op rerun of it.

Each study runs with the real ``snakemake`` command line in a scratch working directory, so the
repository's own ``results/`` are never touched. Reported per study: wall time, the CPU time of
everything Snakemake started, the number of jobs, the work of the jobs (the ``finished in`` line
that every rule script logs: the time after imports) and, from it, the share of the cores' wall
time that was overhead rather than work:

    overhead = 1 - sum of job work / (cores x wall)

It is split into process start-up and imports (each job's lifetime from its ``benchmark:`` file,
minus its work) and the rest: Snakemake building the DAG and scheduling, and cores left idle while
the last jobs run. Peak memory is the largest ``max_rss`` of any job's ``benchmark:`` file: every
compute rule and the aggregation have one; the local claims and plot rules do not.

The scheduler's own cost: Snakemake runs inside a small wrapper that records the CPU time of the
Snakemake process alone (its jobs are child processes, not counted), reported per job of the
cold paper run. The no-op rerun and the dry run of the paper study are each reported as a ratio
to Snakemake's no-op on a one-rule workflow, measured in the same run.

Snakemake and its jobs run with Python's default of caching bytecode: where the environment turns
it off (``PYTHONDONTWRITEBYTECODE``, set in some containers), every job would compile augsim's
modules again, about 0.1 s each.

Usage: ``python benchmarks/bench_workflow.py [--cores 2] [--skip-paper] [--json FILE]``
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
# Python's default: jobs reuse the compiled bytecode of augsim's modules.
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
WORK_LINE = re.compile(r"finished in (\d+\.\d+) s$")


# Snakemake's command line inside a process that writes its own CPU time (without its children,
# the jobs) to the file $SNAKEMAKE_SELF_CPU when it exits.
SELF_CPU_WRAPPER = """
import atexit, json, os, resource, sys
def write_self_cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with open(os.environ["SNAKEMAKE_SELF_CPU"], "w") as handle:
        json.dump({"user": usage.ru_utime, "system": usage.ru_stime}, handle)
atexit.register(write_self_cpu)
from snakemake.cli import main
sys.argv = ["snakemake", *sys.argv[1:]]
main()
"""


def run_snakemake(
    workdir: Path, configfile: str | None, cores: int, *args: str, snakefile: Path | None = None
) -> dict[str, float]:
    """Run the repository's workflow (or ``snakefile``) with ``workdir`` as working directory;
    wall seconds, the CPU seconds of snakemake and every process it started, and the CPU seconds
    of the Snakemake process itself."""
    snakefile = snakefile or REPO / "Snakefile"
    command = [sys.executable, "-c", SELF_CPU_WRAPPER, "--snakefile", str(snakefile)]
    command += ["--directory", str(workdir), "--cores", str(cores), *args]
    if configfile is not None:
        command += ["--configfile", str(REPO / configfile)]
    self_cpu = workdir / ".self_cpu.json"
    environment = ENVIRONMENT | {"SNAKEMAKE_SELF_CPU": str(self_cpu)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=workdir, capture_output=True, text=True, env=environment)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stderr[-3000:]}")
    own = json.loads(self_cpu.read_text())
    self_cpu.unlink()
    return {
        "wall_s": wall,
        "user_s": after.ru_utime - before.ru_utime,
        "system_s": after.ru_stime - before.ru_stime,
        "snakemake_cpu_s": own["user"] + own["system"],
        "output": result.stdout + result.stderr,
    }


def rule_of(path: Path, root: Path) -> str:
    """The rule of a per-job file: its folder below ``root``, or its name for one-job rules."""
    return path.parent.name if path.parent != root else path.stem


def job_work_seconds(results: Path) -> pd.DataFrame:
    """One row per rule log: rule and the work seconds its script logged."""
    rows = []
    for log in sorted((results / "logs").rglob("*.log")):
        lines = log.read_text().splitlines()
        match = WORK_LINE.search(lines[-1]) if lines else None
        if match is None:
            raise RuntimeError(f"{log} does not end with a 'finished in' line")
        rows.append({"rule": rule_of(log, results / "logs"), "work_s": float(match.group(1))})
    return pd.DataFrame(rows)


def job_lifetimes(results: Path) -> pd.DataFrame:
    """One row per ``benchmark:`` file: rule, the job's wall seconds and its peak memory (MB)."""
    rows = []
    for path in sorted((results / "benchmarks").rglob("*.tsv")):
        record = pd.read_csv(path, sep="\t").iloc[-1]
        rule = rule_of(path, results / "benchmarks")
        rows.append({"rule": rule, "job_s": record["s"], "max_rss_mb": record["max_rss"]})
    return pd.DataFrame(rows)


def summarise(run: dict, results: Path, cores: int) -> dict:
    """Wall, CPU, jobs, work and overhead shares, and peak job memory of one cold run."""
    work = job_work_seconds(results)
    lifetimes = job_lifetimes(results)
    capacity = cores * run["wall_s"]
    # work of the jobs that also have a benchmark: file, to split their lifetimes
    timed_rules = set(lifetimes["rule"])
    timed_work = work.loc[work["rule"].isin(timed_rules), "work_s"].sum()
    startup = lifetimes["job_s"].sum() - timed_work
    total_work = work["work_s"].sum()
    per_rule = (
        work.groupby("rule")["work_s"]
        .agg(["count", "sum"])
        .join(lifetimes.groupby("rule")["job_s"].sum())
    ).sort_values("sum", ascending=False)
    return {
        "cores": cores,
        "wall_s": run["wall_s"],
        "user_s": run["user_s"],
        "system_s": run["system_s"],
        "snakemake_cpu_s": run["snakemake_cpu_s"],
        "snakemake_cpu_per_job_s": run["snakemake_cpu_s"] / len(work),
        "jobs": len(work),
        "timed_jobs": len(lifetimes),
        "work_s": total_work,
        "overhead_share": 1 - total_work / capacity,
        "startup_share": startup / capacity,
        "scheduling_and_idle_share": 1 - (total_work + startup) / capacity,
        "peak_job_memory_mb": float(lifetimes["max_rss_mb"].max()),
        "aggregation_memory_mb": float(
            lifetimes.loc[lifetimes["rule"] == "aggregate_results", "max_rss_mb"].max()
        ),
        "results_gb": sum(f.stat().st_size for f in results.rglob("*") if f.is_file()) / 1e9,
        "logistic_evaluate_over_fit": _evaluate_over_fit(results, "logistic"),
        "peak_job": lifetimes.loc[lifetimes["max_rss_mb"].idxmax(), "rule"],
        "per_rule": {
            rule: {"jobs": int(r["count"]), "work_s": r["sum"], "job_s": r["job_s"]}
            for rule, r in per_rule.iterrows()
        },
    }


def _evaluate_over_fit(results: Path, model: str) -> float:
    """The work of the evaluate jobs of ``model``'s fits over that of its fit jobs (their logs
    are named ``<source>_n<n>_<model>_<method>_<chunk>``)."""
    models = {path.name for path in results.glob("fits/*/*/*")}
    longer = [other for other in models if other.startswith(f"{model}_")]  # logistic_quadratic
    totals = {}
    for rule in ("fit_models", "evaluate_models"):
        logs = [
            log
            for log in (results / "logs" / rule).glob("*.log")
            if re.search(rf"_n\d+_{model}_", log.name)
            and not any(re.search(rf"_n\d+_{other}_", log.name) for other in longer)
        ]
        totals[rule] = sum(float(WORK_LINE.search(log.read_text()).group(1)) for log in logs)
    if not totals["fit_models"]:  # a run without fits of the model
        return float("nan")
    return totals["evaluate_models"] / totals["fit_models"]


def print_study(name: str, summary: dict) -> None:
    s = summary
    print(
        f"\n{name}: {s['jobs']} jobs on {s['cores']} cores, wall {s['wall_s']:.1f} s "
        f"({s['wall_s'] / 60:.1f} min); CPU {s['user_s']:.0f} s user + {s['system_s']:.0f} s "
        f"system; peak job memory {s['peak_job_memory_mb']:.0f} MB ({s['peak_job']})"
    )
    print(
        f"  results {s['results_gb']:.2f} GB; aggregation's peak memory "
        f"{s['aggregation_memory_mb']:.0f} MB; logistic fits' evaluation over their fitting "
        f"{s['logistic_evaluate_over_fit']:.2f}x"
    )
    print(
        f"  Snakemake's own process: {s['snakemake_cpu_s']:.1f} CPU-s, "
        f"{s['snakemake_cpu_per_job_s']:.3f} s per job"
    )
    print(
        f"  job work {s['work_s']:.0f} s of {s['cores']} x {s['wall_s']:.0f} s: overhead "
        f"{100 * s['overhead_share']:.1f}% = process start-up and imports "
        f"{100 * s['startup_share']:.1f}% + scheduling and idle cores "
        f"{100 * s['scheduling_and_idle_share']:.1f}%"
    )
    print(f"  {'rule':28s} {'jobs':>5s} {'work s':>8s} {'job s':>8s}")
    for rule, r in s["per_rule"].items():
        job_s = "" if pd.isna(r["job_s"]) else f"{r['job_s']:8.1f}"
        print(f"  {rule:28s} {r['jobs']:5d} {r['work_s']:8.1f} {job_s:>8s}")


def cold_run(
    scratch: Path, name: str, configfile: str, run_name: str, cores: int, *targets: str
) -> dict:
    workdir = scratch / name
    workdir.mkdir()
    # the files a config names relative to the working directory (a user's data and sampler)
    shutil.copytree(REPO / "examples", workdir / "examples")
    run = run_snakemake(workdir, configfile, cores, *targets)
    summary = summarise(run, workdir / "results" / run_name, cores)
    print_study(name, summary)
    return summary | {"workdir": str(workdir)}


FLOOR_SNAKEFILE = """
rule all:
    input:
        expand("out/{script}_{i}", script=["bare", "imports"], i=range(JOBS)),


rule job:
    output:
        "out/{script}_{i}",
    benchmark:
        "benchmarks/{script}_{i}.tsv"
    script:
        "{wildcards.script}.py"
"""
# A rule script that only writes its output, and one that first imports what every compute rule
# script imports (numpy and scipy come with them); some rules import more as they work.
FLOOR_SCRIPTS = {
    "bare": "open(snakemake.output[0], 'w').close()\n",
    "imports": (
        "from augsim.sources import dgps\n"
        "from augsim.workflow import io\n"
        "from augsim.workflow.runtime import rule_script\n"
        "open(snakemake.output[0], 'w').close()\n"
    ),
}


def job_start_floor(scratch: Path, jobs: int = 10) -> dict[str, float]:
    """Mean lifetime of a rule job that does nothing, and of one that only imports, on 1 core."""
    workdir = scratch / "floor"
    workdir.mkdir()
    (workdir / "Snakefile").write_text(f"JOBS = {jobs}\n" + FLOOR_SNAKEFILE)
    for name, text in FLOOR_SCRIPTS.items():
        (workdir / f"{name}.py").write_text(text)
    command = ["snakemake", "--cores", "1"]
    subprocess.run(command, cwd=workdir, check=True, capture_output=True, env=ENVIRONMENT)
    lifetimes = job_lifetimes(workdir)
    floor = {
        name: float(lifetimes.loc[lifetimes["rule"].str.startswith(name), "job_s"].mean())
        for name in FLOOR_SCRIPTS
    }
    print(
        f"\nper-job floor on 1 idle core: a rule job that does nothing {floor['bare']:.2f} s; "
        f"one that only imports what every compute rule script imports {floor['imports']:.2f} s"
    )
    return floor


ONE_RULE_SNAKEFILE = """
rule all:
    output:
        "out.txt",
    shell:
        "touch {output}"
"""


def noop_reruns(workdir: Path, configfile: str, cores: int, repeats: int) -> dict:
    """Median wall seconds of ``snakemake`` on a finished study (nothing to do), of its dry
    run from scratch, and of Snakemake's no-op on a one-rule workflow, interleaved so that the
    machine's state is the same for all three."""
    one_rule = workdir.parent / "one_rule"
    one_rule.mkdir(exist_ok=True)
    (one_rule / "Snakefile").write_text(ONE_RULE_SNAKEFILE)
    run_snakemake(one_rule, None, 1, snakefile=one_rule / "Snakefile")
    fresh = workdir.parent / "dry_run"
    fresh.mkdir(exist_ok=True)
    walls: dict[str, list[float]] = {"noop": [], "dry_run": [], "one_rule_noop": []}
    for _ in range(repeats):
        for name, run in (
            ("noop", lambda: run_snakemake(workdir, configfile, cores)),
            ("dry_run", lambda: run_snakemake(fresh, configfile, cores, "--dry-run")),
            ("one_rule_noop", lambda: run_snakemake(one_rule, None, 1,
                                                    snakefile=one_rule / "Snakefile")),
        ):  # fmt: skip
            result = run()
            if name != "dry_run" and "Nothing to be done" not in result["output"]:
                raise RuntimeError(f"the rerun was not a no-op:\n{result['output'][-3000:]}")
            walls[name].append(result["wall_s"])
    medians = {name: statistics.median(values) for name, values in walls.items()}
    base = medians["one_rule_noop"]
    print(
        f"  no-op rerun: median {medians['noop']:.2f} s, {medians['noop'] / base:.1f}x the "
        f"one-rule workflow's no-op ({base:.2f} s); dry run from scratch {medians['dry_run']:.2f}"
        f" s, {medians['dry_run'] / base:.1f}x (medians of {repeats})"
    )
    return {
        "median_s": medians["noop"],
        "dry_run_s": medians["dry_run"],
        "one_rule_noop_s": base,
        "noop_ratio": medians["noop"] / base,
        "dry_run_ratio": medians["dry_run"] / base,
        "runs_s": walls,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--skip-paper", action="store_true", help="only the CI study")
    parser.add_argument("--noop-repeats", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directories")
    parser.add_argument(
        "--quick", action="store_true",
        help="a smoke run: only the CI study's population curves, few floor jobs",
    )  # fmt: skip
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="augsim-bench-"))
    figures = {}
    try:
        figures["job_floor"] = job_start_floor(scratch, jobs=2 if args.quick else 10)
        targets = ["results/ci/tables/population.csv"] if args.quick else []
        figures["ci"] = cold_run(scratch, "ci", "config/ci.yaml", "ci", args.cores, *targets)
        if not (args.skip_paper or args.quick):
            paper = cold_run(scratch, "paper", "config/config.yaml", "paper", args.cores)
            paper["noop"] = noop_reruns(
                Path(paper["workdir"]), "config/config.yaml", args.cores, args.noop_repeats
            )
            # what the start-up of its compute jobs would cost on idle cores
            floor_s = figures["job_floor"]["imports"] * paper["timed_jobs"]
            paper["startup_floor_share"] = floor_s / (args.cores * paper["wall_s"])
            print(
                f"  start-up floor: {paper['timed_jobs']} compute jobs x "
                f"{figures['job_floor']['imports']:.2f} s = {floor_s:.0f} s, "
                f"{100 * paper['startup_floor_share']:.1f}% of {args.cores} x "
                f"{paper['wall_s']:.0f} s"
            )
            figures["paper"] = paper
    finally:
        if args.keep:
            print(f"scratch directories kept in {scratch}", file=sys.stderr)
        else:
            shutil.rmtree(scratch)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=float))


if __name__ == "__main__":
    main()

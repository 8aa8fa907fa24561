"""Run every benchmark and write benchmarks/RESULTS.md: the machine, the command, the figures.

Usage: ``python benchmarks/run_all.py [--cores 2] [--skip-paper] [--quick] [--output FILE]``

Each benchmark runs in its own process, one after the other, so that none competes with another
for the cores. With ``--skip-paper`` the workflow benchmark runs only the CI study (about 8
minutes in all instead of about 33); ``--quick`` is a smoke run of every benchmark with few
repeats and only a part of the CI study (under a minute, what the test suite runs), whose
figures are not measurements.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGES = ("numpy", "scipy", "scikit-learn", "imbalanced-learn", "pandas", "snakemake")


def machine_description() -> list[str]:
    """CPU, cores, memory, system and the versions that set the speed."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                 if line.startswith("model name")]  # fmt: skip
        cpu = names[0] if names else cpu
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total_kb = int(meminfo.read_text().split()[1])
        memory = f", {total_kb / 2**20:.0f} GiB memory"
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in PACKAGES)
    import numpy  # noqa: F401  (loads the BLAS that threadpoolctl reports)
    from threadpoolctl import threadpool_info

    blas = [f"{pool['internal_api']} {pool['version']} ({pool.get('architecture', '?')})"
            for pool in threadpool_info() if pool["user_api"] == "blas"]  # fmt: skip
    return [
        f"CPU: {cpu}, {os.cpu_count()} cores{memory}",
        f"System: {platform.platform()}, Python {platform.python_version()}",
        f"Packages: {versions}; BLAS: {', '.join(blas) or 'unknown'}",
    ]


def run_benchmark(script: str, json_path: Path, *args: str) -> tuple[str, object, float]:
    """Run one benchmark script; its printed output, its figures and its wall seconds."""
    command = [sys.executable, str(HERE / script), "--json", str(json_path), *args]
    print(f"$ {' '.join(command[1:])}", flush=True)
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    print(result.stdout, flush=True)
    if result.returncode != 0:
        raise RuntimeError(f"{script} failed:\n{result.stderr[-3000:]}")
    return result.stdout.strip(), json.loads(json_path.read_text()), seconds


def verdict(met: bool) -> str:
    return "yes" if met else "**no**"


def headline_rows(figures: dict) -> list[tuple[str, str, str, str]]:
    """(benchmark, target, measured, met) for every target of the speed issue."""
    fits = figures["fit"]
    worst_ratio = min(row["ratio_wall"] for row in fits)
    best_ratio = max(row["ratio_wall"] for row in fits)
    worst_diff = max(row["rel_diff"] for row in fits)
    metrics = figures["metrics"]
    population = figures["population"]
    slowest_exact = max(t["exact"] for t in population.values()) * 1e3
    fastest_mc = min(t["mc"] for t in population.values())
    rows = [
        ("Model fit vs scikit-learn lbfgs (median per fit)", ">= 10x",
         f"{worst_ratio:.1f}x to {best_ratio:.1f}x", verdict(worst_ratio >= 10)),
        ("Model fit coefficients vs scikit-learn", "<= 1e-6 relative",
         f"{worst_diff:.1e}", verdict(worst_diff <= 1e-6)),
        ("score_metrics vs scikit-learn, 10^6 tied scores", ">= 5x",
         f"{metrics['ratio']:.1f}x ({metrics['ours_ms']:.0f} ms vs {metrics['sklearn_ms']:.0f} ms),"
         f" max difference {metrics['max_difference']:.1e}", verdict(metrics["ratio"] >= 5)),
        ("linear_metrics, one call", "< 1 ms",
         f"{slowest_exact:.2f} ms at most (Monte Carlo on 10^6 rows: {fastest_mc:.2f} s at least)",
         verdict(slowest_exact < 1)),
    ]  # fmt: skip
    ratio = figures["models"]["ratio"]
    flexible = ", ".join(f"{key} {value:.0f}x" for key, value in ratio.items() if key != "logistic")
    rows.append(("Score model: three fits and their test scoring vs logistic", "-", flexible, "-"))
    rows.append(("Learned generator: fit on 200 minority rows, MMD to the truth", "-",
                 learned_summary(figures["learned"]), "-"))  # fmt: skip
    floor = figures["workflow"]["job_floor"]
    rows.append(("Per-job start-up floor (1 idle core)", "-",
                 f"{floor['bare']:.2f} s for a rule job doing nothing, {floor['imports']:.2f} s "
                 "for one doing the imports of every compute rule script", "-"))  # fmt: skip
    ci = figures["workflow"]["ci"]
    rows.append(("CI study end to end", "-", f"{ci['wall_s']:.0f} s, {ci['jobs']} jobs", "-"))
    paper = figures["workflow"].get("paper")
    if paper:
        rows += [
            ("Paper study, cold, on 2 cores", "< 20 min",
             f"{paper['wall_s'] / 60:.1f} min ({paper['jobs']} jobs)",
             verdict(paper["wall_s"] < 1200)),
            ("Paper study, Snakemake's own CPU per job (cold run)", "< 0.1 s",
             f"{paper['snakemake_cpu_per_job_s']:.3f} s ({paper['snakemake_cpu_s']:.0f} CPU-s "
             f"for {paper['jobs']} jobs)", verdict(paper["snakemake_cpu_per_job_s"] < 0.1)),
            ("Paper study, no-op rerun vs a one-rule workflow's no-op", "< 2x",
             f"{paper['noop']['noop_ratio']:.1f}x ({paper['noop']['median_s']:.2f} s vs "
             f"{paper['noop']['one_rule_noop_s']:.2f} s)",
             verdict(paper["noop"]["noop_ratio"] < 2)),
            ("Paper study, dry run from scratch vs a one-rule workflow's no-op", "-",
             f"{paper['noop']['dry_run_ratio']:.1f}x ({paper['noop']['dry_run_s']:.2f} s)", "-"),
            ("Paper study, Snakemake and process overhead", "< 20% of wall time",
             f"{100 * paper['overhead_share']:.1f}% (start-up and imports "
             f"{100 * paper['startup_share']:.1f}%, scheduling and idle cores "
             f"{100 * paper['scheduling_and_idle_share']:.1f}%); floor of start-up alone "
             f"{100 * paper['startup_floor_share']:.1f}%",
             verdict(paper["overhead_share"] < 0.2)),
            ("Paper study, results on disk after the cold run", "<= 1.5 GB",
             f"{paper['results_gb']:.2f} GB", verdict(paper["results_gb"] <= 1.5)),
            ("Paper study, aggregation's peak memory", "<= 300 MB",
             f"{paper['aggregation_memory_mb']:.0f} MB",
             verdict(paper["aggregation_memory_mb"] <= 300)),
            ("Paper study, logistic fits' evaluation CPU over their fitting's", "<= 1x",
             f"{paper['logistic_evaluate_over_fit']:.2f}x",
             verdict(paper["logistic_evaluate_over_fit"] <= 1)),
            ("Paper study, peak memory of one job", "< 1 GB",
             f"{paper['peak_job_memory_mb']:.0f} MB ({paper['peak_job']})",
             verdict(paper["peak_job_memory_mb"] < 1000)),
        ]  # fmt: skip
    return rows


def learned_summary(learned: dict) -> str:
    """Each setting's fit seconds and MMD, beside SMOTE's MMD."""
    settings = [
        f"{key.removeprefix('forest_flow ')}: {r['fit_s']:.1f} s, MMD {r['mmd']:.3f}"
        for key, r in learned.items()
        if key.startswith("forest_flow")
    ]
    return "; ".join(settings) + f" (SMOTE: MMD {learned['smote']['mmd']:.3f})"


def results_markdown(command: str, outputs: dict, figures: dict, seconds: float) -> str:
    today = datetime.date.today().isoformat()
    lines = [
        "# Benchmark results",
        "",
        f"Written by `{command}` on {today}; all benchmarks took {seconds / 60:.1f} min.",
        "Ratios compare timings taken in the same run on the same inputs.",
        "",
        *(f"- {line}" for line in machine_description()),
        "",
        "| benchmark | target | measured | met |",
        "| --- | --- | --- | --- |",
        *(f"| {' | '.join(row)} |" for row in headline_rows(figures)),
    ]
    titles = {
        "fit": "Model fit (`benchmarks/bench_fit.py`)",
        "metrics": "Empirical metrics (`benchmarks/bench_metrics.py`)",
        "population": "Exact population metrics (`benchmarks/bench_population.py`)",
        "models": "Score models at the study's shape (`benchmarks/bench_models.py`)",
        "learned": "The learned generator's settings (`benchmarks/bench_learned.py`)",
        "workflow": "Workflow (`benchmarks/bench_workflow.py`)",
    }
    for key, title in titles.items():
        lines += ["", f"## {title}", "", "```", outputs[key], "```"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=2, help="cores for the workflow runs")
    parser.add_argument("--skip-paper", action="store_true", help="workflow: CI study only")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--keep", action="store_true", help="keep the workflow runs' directories")
    parser.add_argument(
        "--quick", action="store_true",
        help="a smoke run of every benchmark with few repeats (what the test suite runs); its "
        "figures are not measurements to report",
    )  # fmt: skip
    args = parser.parse_args()
    flags = [
        flag for flag, on in (("--skip-paper", args.skip_paper), ("--quick", args.quick)) if on
    ]
    command = " ".join(["python benchmarks/run_all.py", *flags])
    if args.cores != 2:
        command += f" --cores {args.cores}"
    workflow_args = ["--cores", str(args.cores), *flags] + (["--keep"] if args.keep else [])
    quick = args.quick
    benchmarks = {
        "fit": ("bench_fit.py", ["--repeats", "4", "--block", "2"] if quick else []),
        "metrics": ("bench_metrics.py", ["--repeats", "1"] if quick else []),
        "population": ("bench_population.py", []),
        "models": ("bench_models.py", ["--repeats", "1"] if quick else []),
        "learned": ("bench_learned.py", ["--quick"] if quick else []),
        "workflow": ("bench_workflow.py", workflow_args),
    }
    outputs, figures = {}, {}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        for key, (script, extra) in benchmarks.items():
            json_path = Path(scratch) / f"{key}.json"
            outputs[key], figures[key], _ = run_benchmark(script, json_path, *extra)
    markdown = results_markdown(command, outputs, figures, time.perf_counter() - start)
    args.output.write_text(markdown)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()

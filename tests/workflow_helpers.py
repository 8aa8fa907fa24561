"""Run the real snakemake command line on a copy of the workflow in a scratch directory."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

REPO = Path(__file__).resolve().parents[1]
RECORDED_TABLES = REPO / "tests" / "data" / "ci_tables"
#: the CI study's tables as recorded, by their path under results/ci/
RECORDED = (
    "tables/replicates", "tables/summary", "tables/failures", "tables/population",
    "tables/flexible", "tables/real_data", "claims",
)  # fmt: skip
WORKFLOW_FILES = ("Snakefile", "workflow", "scripts", "config", "profiles", "envs")


def copy_workflow(target: Path, *, with_package: bool = False) -> Path:
    """Copy what `snakemake` needs into ``target`` (results then never touch the repository).

    ``with_package`` copies ``src/`` too: :func:`snakemake` then runs the copy's augsim (the
    workflow's module inputs are the copy's files), so a test may edit the package's modules.
    """
    target.mkdir(parents=True, exist_ok=True)
    for name in (*WORKFLOW_FILES, "src") if with_package else WORKFLOW_FILES:
        source = REPO / name
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)
    return target


def snakemake(
    workdir: Path,
    *args: str,
    configfile: str = "config/ci.yaml",
    check: bool = True,
    cores: int = 2,
) -> subprocess.CompletedProcess:
    """Run snakemake in ``workdir``; raise with its output when it fails."""
    # options taking several values (--configfile, -R) must not swallow targets: args go first
    command = ["snakemake", "--cores", str(cores), *args, "--configfile", configfile]
    result = subprocess.run(
        command, cwd=workdir, capture_output=True, text=True, timeout=900, env=environment(workdir)
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout[-4000:]}\n"
            f"{result.stderr[-4000:]}"
        )
    return result


def environment(workdir: Path) -> dict[str, str]:
    """The process environment, importing the workflow copy's own augsim if it has one."""
    env = dict(os.environ)
    if (Path(workdir) / "src" / "augsim").is_dir():
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(Path(workdir) / "src"), env.get("PYTHONPATH")])
        )
    return env


def job_inputs(output: str) -> list[tuple[str, list[str]]]:
    """(rule, input files) of every job a dry run lists."""
    jobs = []
    for line in output.splitlines():
        rule = re.match(r"^(?:local)?rule (\w+):$", line)
        if rule:
            jobs.append((rule.group(1), []))
        inputs = re.match(r"^\s+input: (.*)$", line)
        if inputs and jobs:
            jobs[-1][1].extend(inputs.group(1).split(", "))
    return jobs


def scheduled_jobs(output: str) -> list[tuple[str, dict[str, str]]]:
    """(rule, wildcards) of every job a dry run lists."""
    jobs = []
    for line in output.splitlines():
        rule = re.match(r"^(?:local)?rule (\w+):$", line)
        if rule:
            jobs.append((rule.group(1), {}))
        wildcards = re.match(r"^\s+wildcards: (.*)$", line)
        if wildcards and jobs:
            pairs = (item.split("=", 1) for item in wildcards.group(1).split(", "))
            jobs[-1][1].update(dict(pairs))
    return jobs


def write_config(workdir: Path, name: str, edit) -> str:
    """Write ``config/<name>`` as the CI config changed by ``edit(config)``; return its path."""
    config = yaml.safe_load((workdir / "config" / "ci.yaml").read_text())
    edit(config)
    path = workdir / "config" / name
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return f"config/{name}"


def assert_matches_recorded(results: Path, table: str) -> None:
    """``results/<table>.csv`` of a CI run equals its recorded copy in tests/data/ci_tables.

    Every label, count and verdict must match exactly; a float may differ only in its last bits
    (BLAS kernels differ between CPUs), far below any digit a table or figure reports. On the
    machine that recorded them, the files are byte-identical.
    """
    from augsim.workflow import io

    recorded = io.read_table(RECORDED_TABLES / f"{table.split('/')[-1]}.csv.gz")
    produced = io.read_table(Path(results) / f"{table}.csv")
    assert_tables_match(produced, recorded, table)


def assert_tables_match(produced: pd.DataFrame, recorded: pd.DataFrame, what: str) -> None:
    """Same columns and rows; labels equal, floats equal to 1e-10 (see assert_matches_recorded)."""
    assert list(produced.columns) == list(recorded.columns), what
    assert len(produced) == len(recorded), what
    for column in recorded.columns:
        expected, actual = recorded[column], produced[column]
        # a float column holding whole numbers only (gamma of a subset) is read back as integers
        numeric = pd.api.types.is_numeric_dtype
        if numeric(expected) and numeric(actual) and "float" in f"{expected.dtype}{actual.dtype}":
            np.testing.assert_allclose(
                actual, expected, rtol=1e-10, atol=1e-13, err_msg=f"{what}: {column}"
            )
        else:
            assert actual.astype(str).tolist() == expected.astype(str).tolist(), (what, column)


def metric_paths(configfile: Path, dgp: str) -> list[str]:
    """The metrics files of every fitted cell of ``dgp`` under the config ``configfile``: the
    targets of a run of one DGP's part of a study."""
    from augsim.study.plan import Plan

    config = yaml.safe_load(Path(configfile).read_text())
    plan = Plan(config)
    results = f"results/{config['run_name']}/metrics"
    return [
        f"{results}/{cell.source}/n{cell.n}/{cell.model}/{cell.method}/chunk_{chunk}.csv"
        for cell in plan.fitted_cells
        if cell.source == dgp
        for chunk in plan.cell_chunks(cell)
    ]


def metric_rows(workdir: Path, paths: list[str]) -> pd.DataFrame:
    """The replicate rows of metrics files, in the replicate table's column and row order."""
    from augsim.steps import aggregate
    from augsim.workflow import io

    rows = pd.concat([io.read_table(Path(workdir) / path) for path in paths], ignore_index=True)
    columns = aggregate.REPLICATE_COLUMNS
    return rows[columns].sort_values(columns[:9]).reset_index(drop=True)


def recorded_fitted_rows(dgp: str) -> pd.DataFrame:
    """The recorded CI study's replicate rows of ``dgp`` that come from fits (the table adds
    the raw fit's rows as every method's rows at gamma 0)."""
    from augsim.steps import aggregate
    from augsim.workflow import io

    table = io.read_table(RECORDED_TABLES / "replicates.csv.gz")
    fitted = (table["dgp"] == dgp) & ((table["method"] == "raw") | (table["gamma"] > 0))
    columns = aggregate.REPLICATE_COLUMNS
    return table[fitted][columns].sort_values(columns[:9]).reset_index(drop=True)

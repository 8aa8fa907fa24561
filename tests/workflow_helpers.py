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
    "tables/flexible", "tables/real_data", "tables/distances", "tables/synthetic_error",
    "tables/mmd", "claims",
)  # fmt: skip
WORKFLOW_FILES = ("Snakefile", "workflow", "scripts", "config", "profiles", "envs", "examples")


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


#: How closely a recorded number must be met, by how it is computed. A logistic fit is a Newton
#: solve to 1e-10 and its metrics are exact or sorted counts: only the last bits of BLAS kernels
#: move them. The flexible models are long chains of floating-point steps (an MLP's 10 epochs of
#: Adam, boosting's histogram sums, a forest's vote shares), and so are the learned generator's
#: rows (an ODE solved through boosted trees), whose last-bit differences between CPUs grow
#: along the chain: they are compared loosely, far below any digit a table reports.
TIGHT = {"rtol": 1e-9, "atol": 1e-12}
LOOSE = {"rtol": 1e-5, "atol": 1e-8}


def _flexible_models(config_path: Path) -> tuple[str, ...]:
    from augsim.models.flexible import FlexibleModel
    from augsim.models.registry import entry_class

    models = yaml.safe_load(config_path.read_text())["models"]
    return tuple(n for n, spec in models.items() if issubclass(entry_class(spec), FlexibleModel))


def _learned_generators(config_path: Path) -> tuple[str, ...]:
    from augsim.generators.registry import entry_modules

    generators = yaml.safe_load(config_path.read_text())["generators"]
    return tuple(
        name for name, spec in generators.items()
        if "augsim.generators.learned" in entry_modules(spec)
    )  # fmt: skip


#: the CI study's models fitted by a scikit-learn estimator (built in or a user's)
FLEXIBLE_MODELS = _flexible_models(REPO / "config" / "ci.yaml")
#: its generators whose rows come from a learned model's long chain of boosted trees
LEARNED_GENERATORS = _learned_generators(REPO / "config" / "ci.yaml")
_NUMBER = re.compile(r"[-+]?\d+\.?\d*(?:[eE][-+]?\d+)?")


def assert_matches_recorded(results: Path, table: str) -> None:
    """``results/<table>.csv`` (``.parquet`` for a long table) of a CI run equals its recorded
    copy in tests/data/ci_tables.

    Every label, count and verdict must match exactly; a float within the tolerance of how it is
    computed (:data:`TIGHT`, :data:`LOOSE`). On the machine that recorded them, the files are
    byte-identical. ``tests/record_ci_tables.py`` records them again.
    """
    from augsim.workflow import io

    recorded = io.read_table(RECORDED_TABLES / f"{table.split('/')[-1]}.csv.gz")
    produced = io.read_table(produced_table(results, table))
    assert_tables_match(produced, recorded, table)


def produced_table(results: Path, table: str) -> Path:
    """The file of ``table`` in a run's results: Parquet for a long table, else CSV."""
    parquet = Path(results) / f"{table}.parquet"
    return parquet if parquet.exists() else Path(results) / f"{table}.csv"


def _loose_rows(table: pd.DataFrame) -> np.ndarray:
    """Rows whose numbers come from a flexible model's fits or a learned generator's rows (a
    claim names them in its method)."""
    loose = np.zeros(len(table), dtype=bool)
    for column in ("model", "method", "generator"):
        if column in table:
            text = table[column].astype(str)
            loose |= text.str.contains("|".join(FLEXIBLE_MODELS + LEARNED_GENERATORS)).to_numpy()
    return loose


def assert_tables_match(produced: pd.DataFrame, recorded: pd.DataFrame, what: str) -> None:
    """Same columns and rows; labels, counts and verdicts equal, floats within the tolerance of
    their row (see :func:`assert_matches_recorded`); numbers inside text (a claim's statistic)
    likewise, the words around them equal."""
    assert list(produced.columns) == list(recorded.columns), what
    assert len(produced) == len(recorded), what
    loose = _loose_rows(recorded)
    for column in recorded.columns:
        expected, actual = recorded[column], produced[column]
        numeric = pd.api.types.is_numeric_dtype
        if numeric(expected) and numeric(actual) and "float" in f"{expected.dtype}{actual.dtype}":
            for rows, tolerance in ((loose, LOOSE), (~loose, TIGHT)):
                np.testing.assert_allclose(
                    actual[rows], expected[rows], **tolerance, err_msg=f"{what}: {column}"
                )
        else:
            pairs = zip(actual.astype(str), expected.astype(str), strict=True)
            for row, (got, want) in enumerate(pairs):
                _assert_text_matches(got, want, LOOSE if loose[row] else TIGHT, (what, column))


def _assert_text_matches(got: str, want: str, tolerance: dict, where) -> None:
    assert _NUMBER.sub("#", got) == _NUMBER.sub("#", want), (where, got, want)
    numbers = [[float(x) for x in _NUMBER.findall(text)] for text in (got, want)]
    # numbers printed to a few digits: a last-digit change is within the rounding
    np.testing.assert_allclose(*numbers, rtol=max(tolerance["rtol"], 1e-2), atol=1e-4,
                               err_msg=str(where))  # fmt: skip


def metric_paths(configfile: Path, dgp: str) -> list[str]:
    """The metrics files of every fitted cell of ``dgp`` under the config ``configfile``: the
    targets of a run of one DGP's part of a study."""
    from augsim.study.plan import Plan

    config = yaml.safe_load(Path(configfile).read_text())
    plan = Plan(config)
    results = f"results/{config['run_name']}/metrics"
    return [
        f"{results}/{cell.source}/n{cell.n}/{cell.model}/{cell.method}/chunk_{chunk}.parquet"
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

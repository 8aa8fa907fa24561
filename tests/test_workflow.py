"""The real workflow: the CI study end to end, caching, targeted reruns and code hygiene."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from workflow_helpers import (
    FLEXIBLE_MODELS,
    RECORDED,
    REPO,
    assert_matches_recorded,
    copy_workflow,
    metric_paths,
    metric_rows,
    scheduled_jobs,
    snakemake,
    write_config,
)

from augsim.metrics.registry import ALL, RANKING
from augsim.report.registry import FIGURES as FIGURE_ITEMS
from augsim.study.plan import Plan
from augsim.workflow import io

pytestmark = pytest.mark.workflow

FIGURES = tuple(FIGURE_ITEMS)
REPLICATE_COLUMNS = [
    "dgp", "n", "model", "method", "gamma", "replicate", "evaluation", "source", "metric",
    "prevalence", "value", "bayes", "regret", "error",
]  # fmt: skip


@pytest.fixture(scope="module")
def ci_run(tmp_path_factory):
    """A completed run of config/ci.yaml in a scratch copy of the workflow and the package.

    The run imports the copy's augsim, whose modules are the module inputs of its rules, so a
    test may edit a module (and must restore it) to see what reruns.
    """
    workdir = copy_workflow(tmp_path_factory.mktemp("ci_run"), with_package=True)
    snakemake(workdir)
    return workdir


def _ci_config() -> dict:
    return yaml.safe_load((REPO / "config" / "ci.yaml").read_text())


CI_PLAN = Plan(_ci_config())


def test_every_figure_and_table_exists(ci_run):
    results = ci_run / "results" / "ci"
    for figure in FIGURES:
        for ext in ("pdf", "png"):
            path = results / "figures" / f"{figure}.{ext}"
            assert path.stat().st_size > 1000, path
    assert (results / "tables" / "replicates.parquet").exists()
    for table in ("summary", "failures", "population", "discrepancies", "flexible"):
        assert (results / "tables" / f"{table}.csv").exists()


def test_replicate_table_has_documented_columns_and_ranges(ci_run):
    table = pd.read_parquet(ci_run / "results" / "ci" / "tables" / "replicates.parquet")
    assert list(table.columns) == REPLICATE_COLUMNS
    assert set(table["metric"]) == set(ALL)
    assert set(table["source"]) == {"empirical", "population"}
    # probabilities and their squared errors lie in [0, 1]; log loss and the slope need not
    bounded = table[table["metric"].isin([*RANKING, "brier", "brier_corrected"])]
    assert bounded["value"].between(0, 1).all()
    ranking = table[table["metric"].isin(RANKING)]
    simulated = ranking[ranking["dgp"].isin(_ci_config()["dgps"])]
    assert simulated["bayes"].between(0, 1).all()
    assert ranking.loc[~ranking["dgp"].isin(_ci_config()["dgps"]), "bayes"].isna().all()
    # Bayes is optimal among all scores at the population level
    population = ranking[ranking["source"] == "population"]
    assert (population["regret"] > -1e-9).all()
    # calibration: from the shown source only (exact where the fit has exact metrics)
    calibration = table[~table["metric"].isin(RANKING)]
    exact = calibration["model"].isin(["logistic"]) & calibration["dgp"].isin(_ci_config()["dgps"])
    assert (calibration.loc[exact, "source"] == "population").all()
    assert (calibration.loc[~exact, "source"] == "empirical").all()
    # every replicate of every cell (its experiment's count), each at two prevalences
    counts = ranking.groupby(["dgp", "n", "model", "method", "source", "metric"]).size()
    for (dgp, n, model, method, *_), count in counts.items():
        cell = CI_PLAN.cell(dgp, n, model, method)
        assert count == cell.replicates * len(cell.gammas) * 2, (dgp, n, model, method)


def test_summary_pairs_every_method_with_raw(ci_run):
    summary = pd.read_csv(ci_run / "results" / "ci" / "tables" / "summary.csv")
    raw = summary[summary["method"] == "raw"]
    assert (raw["diff_mean"] == 0).all()
    assert (summary["n_failed"] == 0).all()
    for row in summary.itertuples():
        replicates = CI_PLAN.cell(row.dgp, row.n, row.model, row.method).replicates
        # a test part that the scores separate has no calibration intercept and slope
        assert row.n_ok == replicates or (
            row.metric.startswith("calibration_") and row.n_ok < replicates
        )
    assert (summary["ci_low"] <= summary["mean"]).all()
    assert (summary["mean"] <= summary["ci_high"]).all()


def test_second_invocation_has_nothing_to_do(ci_run):
    result = snakemake(ci_run, "--dry-run")
    assert "Nothing to be done" in result.stdout + result.stderr


def test_generator_parameter_change_reruns_only_that_generator(ci_run):
    def smaller_k(config):
        config["generators"]["smote"]["params"]["k_neighbors"] = 4

    configfile = write_config(ci_run, "ci_smote_k4.yaml", smaller_k)
    jobs = scheduled_jobs(snakemake(ci_run, "--dry-run", configfile=configfile).stdout)
    per_chunk = {"augment_data", "fit_models", "evaluate_models"}
    for rule, wildcards in jobs:
        if rule in per_chunk:
            assert wildcards.get("generator", wildcards.get("method")) == "smote", (rule, wildcards)
    rules = {rule for rule, _ in jobs}
    assert per_chunk <= rules
    # the population curves do not depend on SMOTE's k, so neither does their figure
    downstream = {f"plot_{f}" for f in FIGURES if f != "population"}
    # SMOTE's fits of the flexible models also change their test-set error
    tables = {"aggregate_results", "tabulate_discrepancies", "tabulate_flexible", "check_claims"}
    tables |= {"tabulate_real_data", "tabulate_synthetic_error", *DISTANCES}
    assert rules - per_chunk == {*tables, "estimate_test_error", "all", *downstream}
    for rule, wildcards in jobs:
        if rule == "measure_distance":
            assert wildcards["generator"] == "smote", wildcards


@contextlib.contextmanager
def edited(path: Path):
    """``path`` with a comment appended (new content), restored byte for byte afterwards."""
    original = path.read_bytes()
    path.write_bytes(original + b"\n# an edit\n")
    try:
        yield path
    finally:
        path.write_bytes(original)


def _rerun_rules(workdir) -> tuple[set[str], list[tuple[str, dict]], str]:
    output = snakemake(workdir, "--dry-run").stdout
    jobs = scheduled_jobs(output)
    return {rule for rule, _ in jobs}, jobs, output


PLOTS = {f"plot_{figure}" for figure in FIGURES}


STUDY_GENERATORS = {"oracle", "biased_oracle", "scaled_oracle", "ros", "smote", "gaussian"}
DOWNSTREAM = {
    "aggregate_results", "tabulate_discrepancies", "tabulate_flexible", "tabulate_real_data",
    "tabulate_synthetic_error", "check_claims", "all", *(PLOTS - {"plot_population"}),
}  # fmt: skip
#: what a generator's new rows rerun besides its fits: its distances and the tables reading them
DISTANCES = {"measure_distance", "aggregate_distances", "tabulate_mmd"}


def test_editing_the_study_generators_reruns_their_augmentation_and_what_follows_only(ci_run):
    with edited(ci_run / "src" / "augsim" / "generators" / "study.py"):
        rules, jobs, output = _rerun_rules(ci_run)
    assert "Params have changed since last execution" in output  # the code digest
    # the population curves use the generators' limits too; nothing simulates again
    assert rules == {"augment_data", "fit_models", "evaluate_models", "compute_population_curves",
                     "estimate_test_error", "plot_population", *DOWNSTREAM, *DISTANCES}  # fmt: skip
    generators = _ci_config()["generators"]
    for rule, wildcards in jobs:
        if rule in ("augment_data", "measure_distance"):
            assert generators[wildcards["generator"]]["name"] in STUDY_GENERATORS, wildcards
        if rule in ("fit_models", "evaluate_models"):  # only fits on those generators' rows
            assert generators[wildcards["method"]]["name"] in STUDY_GENERATORS, wildcards


def test_editing_the_flexible_models_reruns_only_their_jobs(ci_run):
    with edited(ci_run / "src" / "augsim" / "models" / "flexible.py"):
        rules, jobs, _ = _rerun_rules(ci_run)
    assert rules == {"fit_models", "evaluate_models", "estimate_test_error", *DOWNSTREAM}
    for rule, wildcards in jobs:
        if rule in ("fit_models", "evaluate_models", "estimate_test_error"):
            assert wildcards["model"] in FLEXIBLE_MODELS, (rule, wildcards)


def test_editing_the_figures_style_reruns_only_plot_rules(ci_run):
    with edited(ci_run / "src" / "augsim" / "report" / "figures" / "style.py"):
        rules, _, _ = _rerun_rules(ci_run)
    assert rules == {*PLOTS, "all"}


def test_editing_one_family_of_figures_reruns_only_its_plot_rules(ci_run):
    with edited(ci_run / "src" / "augsim" / "report" / "figures" / "rate.py"):
        rules, _, _ = _rerun_rules(ci_run)
    assert rules == {"plot_rate", "plot_flexible_rate", "all"}


def test_editing_the_selections_reruns_only_report_rules(ci_run):
    # figures, claims and the tables read their selections from one module
    with edited(ci_run / "src" / "augsim" / "report" / "selections.py"):
        rules, _, _ = _rerun_rules(ci_run)
    tables = {"tabulate_discrepancies", "tabulate_flexible", "tabulate_real_data"}
    tables |= {"tabulate_synthetic_error", "tabulate_mmd"}
    assert rules == {*PLOTS, *tables, "check_claims", "all"}


def test_editing_a_view_reruns_only_the_report_rules_that_show_it(ci_run):
    def fewer_gammas(config):
        config["views"]["well_specified"]["gammas"] = [0.0, 1.0]

    configfile = write_config(ci_run, "ci_view.yaml", fewer_gammas)
    jobs = scheduled_jobs(snakemake(ci_run, "--dry-run", configfile=configfile).stdout)
    assert {rule for rule, _ in jobs} == {"plot_well_specified", "check_claims", "all"}


def test_editing_a_data_file_reruns_only_that_sets_jobs(ci_run):
    table = ci_run / "examples" / "data" / "loans.csv"
    original = table.read_bytes()
    header, first, rest = original.split(b"\n", 2)
    table.write_bytes(b"\n".join([header, first.replace(b".0,", b".5,", 1), rest]))
    try:
        rules, jobs, output = _rerun_rules(ci_run)
    finally:
        table.write_bytes(original)
    assert "Updated input files: examples/data/loans.csv" in output
    for rule, wildcards in jobs:
        if "source" in wildcards:
            assert wildcards["source"] == "loans", (rule, wildcards)
    assert {"split_data", "augment_data", "fit_models", "evaluate_models"} <= rules
    assert not rules & {"simulate_data", "compute_bayes", "compute_population_curves"}


def test_editing_a_plugin_sampler_reruns_only_its_jobs(ci_run):
    with edited(ci_run / "examples" / "my_sampler.py"):
        rules, jobs, _ = _rerun_rules(ci_run)
    for rule, wildcards in jobs:
        if rule == "augment_data":
            assert wildcards["generator"] == "jitter", wildcards
        if rule in ("fit_models", "evaluate_models"):
            assert wildcards["method"] == "jitter", wildcards
    assert "augment_data" in rules and "split_data" not in rules


def test_touching_every_module_reruns_nothing(ci_run):
    later = time.time() + 5
    for module in (ci_run / "src" / "augsim").rglob("*.py"):
        os.utime(module, (later, later))
    result = snakemake(ci_run, "--dry-run")
    assert "Nothing to be done" in result.stdout + result.stderr


def test_a_git_checkout_of_the_same_content_reruns_nothing(ci_run):
    package = ci_run / "src"
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "package"]):
        subprocess.run([*git, *command], cwd=package, check=True, capture_output=True)
    models = package / "augsim" / "models" / "logistic.py"
    models.write_text(models.read_text() + "\n# an edit\n")
    subprocess.run([*git, "checkout", "--", "augsim/models/logistic.py"], cwd=package, check=True)
    result = snakemake(ci_run, "--dry-run")
    assert "Nothing to be done" in result.stdout + result.stderr


def test_forcerun_of_one_plot_rule_reruns_only_it(ci_run):
    jobs = scheduled_jobs(snakemake(ci_run, "--dry-run", "-R", "plot_rate").stdout)
    assert {rule for rule, _ in jobs} == {"plot_rate", "all"}


@pytest.mark.parametrize("table", RECORDED)
def test_tables_match_the_recorded_ci_study(ci_run, table):
    """Speed-ups must not move a number: the CI study's tables as recorded."""
    assert_matches_recorded(ci_run / "results" / "ci", table)


def test_ci_config_replaces_the_paper_config(ci_run):
    # Snakemake merges --configfile into the Snakefile's configfile unless the Snakefile skips it.
    result = snakemake(ci_run, "--dry-run", "--forceall")
    assert "hetero_s1_25" not in result.stdout


def test_paper_config_builds_the_whole_dag(tmp_path):
    workdir = copy_workflow(tmp_path / "paper")
    result = snakemake(workdir, "--dry-run", configfile="config/config.yaml")
    jobs = scheduled_jobs(result.stdout)
    rules = {rule for rule, _ in jobs}
    assert {f"plot_{figure}" for figure in FIGURES} <= rules
    config = yaml.safe_load((workdir / "config" / "config.yaml").read_text())
    evaluate_jobs = [job for job in jobs if job[0] == "evaluate_models"]
    plan = Plan(config)
    expected = sum(len(plan.cell_chunks(cell)) for cell in plan.fitted_cells)
    assert len(evaluate_jobs) == expected
    assert 200 < len(jobs) < 1000


def test_snakemake_lint_is_clean():
    result = snakemake(REPO, "--lint", configfile="config/config.yaml", check=False)
    assert "Congratulations" in result.stdout + result.stderr, result.stdout + result.stderr


@pytest.mark.parametrize(
    "command",
    [["snakefmt", "--check", "."], ["ruff", "check", "."], ["ruff", "format", "--check", "."]],
    ids=["snakefmt", "ruff-check", "ruff-format"],
)
def test_code_style_is_clean(command):
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_replay_reproduces_a_replicate_of_the_workflow(ci_run):
    import yaml

    from augsim.study.replay import replay

    config = yaml.safe_load((ci_run / "config" / "ci.yaml").read_text())
    fits = io.read_arrays(ci_run / "results/ci/fits/shared/n210/logistic/smote/chunk_0.npz")
    replayed = replay(
        Plan(config), source="shared", n=210, model="logistic", method="smote", replicate=2
    )
    rows = fits["replicate"] == 2
    np.testing.assert_array_equal(fits["gamma"][rows], [fit["gamma"] for fit in replayed])
    np.testing.assert_array_equal(fits["coef"][rows], [fit["coef"] for fit in replayed])
    np.testing.assert_array_equal(fits["intercept"][rows], [fit["intercept"] for fit in replayed])


def test_replay_command_line_shows_the_fits(tmp_path):
    command = [sys.executable, "-m", "augsim.study.replay", "--configfile", "config/ci.yaml"]
    command += ["--source", "hetero", "--n", "210", "--model", "logistic", "--method", "reweight"]
    result = subprocess.run(
        [*command, "--replicate", "1"], cwd=REPO, capture_output=True, text=True, check=True
    )
    # gammas 0.5, 1 and 2 (at 0 it is the raw fit)
    assert result.stderr.count("intercept") == 3


def test_a_killed_run_in_other_chunks_resumes_to_identical_numbers(ci_run, tmp_path):
    """Kill a run of one DGP's part of the CI study in chunks of 2 replicates (the reference
    uses 4) midway, then resume it as documented: every metric row is identical to the
    reference run's, so neither chunking, nor the working directory, nor an interruption moves a
    number."""
    workdir = copy_workflow(tmp_path / "killed")
    configfile = write_config(workdir, "ci_chunk2.yaml", lambda c: c.update(chunk_size=2))
    targets = metric_paths(workdir / configfile, "shared")
    command = ["snakemake", "--cores", "2", *targets, "--configfile", configfile]
    process = subprocess.Popen(
        command, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    fits = workdir / "results" / "ci" / "fits"
    deadline = time.monotonic() + 120
    while len(list(fits.rglob("*.npz"))) < 6 and time.monotonic() < deadline:
        assert process.poll() is None, "the run ended before it could be interrupted"
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)  # the whole process group, jobs included
    process.wait()
    assert not all((workdir / path).exists() for path in targets)
    # a killed Snakemake cannot release its lock: the documented resume unlocks first
    snakemake(workdir, "--unlock", configfile=configfile)
    snakemake(workdir, *targets, configfile=configfile)
    reference = metric_rows(ci_run, metric_paths(ci_run / "config" / "ci.yaml", "shared"))
    pd.testing.assert_frame_equal(metric_rows(workdir, targets), reference, check_exact=True)

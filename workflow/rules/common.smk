# Config validation, wildcard constraints, paths and input functions. No rules.
import os
import re

from augsim import codedeps, plan
from augsim.methods import BUILT_IN
from augsim.validation import validate_config

# Stops before any job, naming the bad key, its value and what is allowed.
validate_config(config, f"{workflow.basedir}/workflow/schemas/config.schema.yaml")

RESULTS = f"results/{config['run_name']}"
LOGS = f"{RESULTS}/logs"
BENCHMARKS = f"{RESULTS}/benchmarks"
ENV = "../../envs/augsim.yaml"
SCRIPTS = f"{workflow.basedir}/scripts"


def alternatives(names):
    return "|".join(re.escape(name) for name in sorted(names)) or "(?!)"


wildcard_constraints:
    dgp=alternatives(plan.sources(config)),
    generator=alternatives(config["generators"]),
    model=alternatives(config["models"]),
    method=alternatives([*config["generators"], *BUILT_IN]),
    n=r"\d+",
    chunk=r"\d+",


def code(script):
    """The augsim modules a rule script imports, transitively, as input files.

    Snakemake tracks a rule's script but not what it imports: listing the modules reruns a
    job when one of them changes (by content: a touched file with the same content reruns
    nothing). The files are those of the augsim that runs, relative to the working directory
    when they are inside it.
    """
    paths = []
    for module in codedeps.script_modules(f"{SCRIPTS}/{script}.py"):
        path = os.path.abspath(codedeps.module_path(module))
        inside = not os.path.relpath(path).startswith(os.pardir)
        paths.append(os.path.relpath(path) if inside else path)
    return paths


def train_path(dgp, n, chunk):
    return f"{RESULTS}/data/{dgp}/n{n}/train_{chunk}.npz"


def synthetic_path(dgp, n, generator, chunk):
    return f"{RESULTS}/synthetic/{dgp}/n{n}/{generator}/chunk_{chunk}.npz"


def fit_path(dgp, n, model, method, chunk):
    return f"{RESULTS}/fits/{dgp}/n{n}/{model}/{method}/chunk_{chunk}.npz"


def metrics_path(dgp, n, model, method, chunk):
    return f"{RESULTS}/metrics/{dgp}/n{n}/{model}/{method}/chunk_{chunk}.csv"


def all_metrics():
    return [
        metrics_path(cell.dgp, cell.n, cell.model, cell.method, chunk)
        for cell in plan.fitted_cells(config)
        for chunk in plan.cell_chunks(config, cell)
    ]


def figure_paths(figure):
    return [f"{RESULTS}/figures/{figure}.{ext}" for ext in ("pdf", "png")]


def all_targets():
    figures = [path for figure in config["figures"] for path in figure_paths(figure)]
    tables = ["summary", "population"]
    if "discrepancies" in config["figures"]:
        tables.append("discrepancies")
    if "flexible_models" in config["figures"]:
        tables.append("flexible")
    if "real_data" in config["figures"]:
        tables.append("real_data")
    return [
        *(f"{RESULTS}/tables/{table}.csv" for table in tables),
        f"{RESULTS}/claims.md",
        *figures,
    ]


def synthetic_input(wildcards):
    if plan.draws_rows(config, wildcards.method):
        return synthetic_path(
            wildcards.dgp, wildcards.n, wildcards.method, wildcards.chunk
        )
    return []


def test_part_path(dgp, n, chunk):
    return f"{RESULTS}/data/{dgp}/n{n}/test_{chunk}.npz"


def test_input(wildcards):
    """The source's shared test set, or the test parts of the chunk's splits of a data set."""
    if plan.source_kind(config, wildcards.dgp).shared_test_set:
        return f"{RESULTS}/data/{wildcards.dgp}/test.npz"
    return test_part_path(wildcards.dgp, wildcards.n, wildcards.chunk)


def source_spec(wildcards):
    """The DGP spec of a simulated source, or None: a data set has no DGP."""
    return config["dgps"].get(wildcards.dgp)


def scored_test_input(wildcards):
    """The test set, for a model whose fits keep their test scores instead of coefficients."""
    if plan.stores_scores(config, wildcards.model):
        return test_input(wildcards)
    return []


def bayes_input(wildcards):
    """The source's Bayes reference, where it has a population."""
    if plan.source_kind(config, wildcards.dgp).has_population:
        return f"{RESULTS}/bayes/{wildcards.dgp}.csv"
    return []


def population_spec(wildcards):
    """The DGP spec for exact population metrics, or None when the fits have none."""
    if plan.has_population_metrics(config, wildcards.dgp, wildcards.model):
        return config["dgps"][wildcards.dgp]
    return None


def wildcard_cell(wildcards):
    return plan.find_cell(
        config, wildcards.dgp, wildcards.n, wildcards.model, wildcards.method
    )


def cell_gammas(wildcards):
    return list(wildcard_cell(wildcards).gammas)


def cell_replicate_ids(wildcards):
    """The replicates of the job's chunk that its cell fits."""
    cell = wildcard_cell(wildcards)
    return plan.chunk_replicate_ids(config, int(wildcards.chunk), cell.replicates)


def replicate_ids(chunk):
    # the ids themselves, not replicates and chunk_size: raising replicates then reruns only
    # the chunks whose replicates change
    return plan.chunk_replicate_ids(config, int(chunk))


CATALOGUE = plan.catalogue(config)


def figure_params(figure):
    return {
        "spec": config["figures"].get(figure, {}),
        "experiments": config["experiments"],
        "dgps": config["dgps"],
        "catalogue": CATALOGUE,
    }


def real_data_table():
    """The real-data table, where the study draws it."""
    if "real_data" in config["figures"]:
        return f"{RESULTS}/tables/real_data.csv"
    return []


def test_error_path(dgp, n, model):
    return f"{RESULTS}/test_error/{dgp}_n{n}_{model}.csv"


def all_test_errors():
    return [test_error_path(*triple) for triple in plan.test_error_cells(config)]


def test_error_methods(wildcards):
    return plan.test_error_methods(
        config, wildcards.dgp, int(wildcards.n), wildcards.model
    )


def test_error_fits(wildcards):
    """The first chunk of each method's fits, raw first (as test_error_methods)."""
    return [
        fit_path(wildcards.dgp, wildcards.n, wildcards.model, method, 0)
        for method in test_error_methods(wildcards)
    ]

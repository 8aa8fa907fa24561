# Config validation, wildcard constraints, paths and input functions. No rules.
import re

from augsim import plan

# Stops before any job, naming the bad key, its value and what is allowed.
plan.validate_config(config, f"{workflow.basedir}/workflow/schemas/config.schema.yaml")

RESULTS = f"results/{config['run_name']}"
LOGS = f"{RESULTS}/logs"
BENCHMARKS = f"{RESULTS}/benchmarks"
ENV = "../../envs/augsim.yaml"


def alternatives(names):
    return "|".join(re.escape(name) for name in sorted(names)) or "(?!)"


wildcard_constraints:
    dgp=alternatives(config["dgps"]),
    generator=alternatives(config["generators"]),
    model=alternatives(config["models"]),
    method=alternatives([*config["generators"], "raw", "reweight"]),
    n=r"\d+",
    chunk=r"\d+",


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
        for cell in plan.cells(config)
        for chunk in plan.chunks(config)
    ]


def figure_paths(figure):
    return [f"{RESULTS}/figures/{figure}.{ext}" for ext in ("pdf", "png")]


def all_targets():
    figures = [path for figure in config["figures"] for path in figure_paths(figure)]
    return [
        f"{RESULTS}/tables/summary.csv",
        f"{RESULTS}/tables/population.csv",
        f"{RESULTS}/claims.md",
        *figures,
    ]


def synthetic_input(wildcards):
    if wildcards.method in config["generators"]:
        return synthetic_path(
            wildcards.dgp, wildcards.n, wildcards.method, wildcards.chunk
        )
    return []


def cell_gammas(wildcards):
    cell = plan.find_cell(
        config, wildcards.dgp, wildcards.n, wildcards.model, wildcards.method
    )
    return list(cell.gammas)


def replicate_ids(chunk):
    # the ids themselves, not replicates and chunk_size: raising replicates then reruns only
    # the chunks whose replicates change
    return plan.chunk_replicate_ids(config, int(chunk))


def figure_params(figure):
    return {
        "spec": config["figures"].get(figure, {}),
        "experiments": config["experiments"],
        "dgps": config["dgps"],
    }

# Config validation, the plan, wildcard constraints, paths and input functions. No rules.
import functools
import os
import re

from augsim.generators import plugin
from augsim.generators.registry import entry_modules as generator_entry_modules
from augsim.models.registry import entry_modules as model_entry_modules
from augsim.study.validation import validate_config
from augsim.workflow import codedeps, runtime
from augsim.workflow.cache import Records
from snakemake.exceptions import WorkflowError

# glibc's MALLOC_TOP_PAD_ for every job: Snakemake's jobs, local or submitted to Slurm (sbatch's
# default --export=ALL), inherit this process's environment. The rules allocate and free arrays
# of a few hundred kB per fit; without the pad glibc returns the top of the heap on each free and
# faults fresh pages in on the next allocation, which cost as much kernel time as numpy's work in
# evaluation jobs. glibc reads it when a process starts; a value set by the user is kept.
os.environ.setdefault(runtime.HEAP_PAD_VARIABLE, str(runtime.HEAP_PAD_BYTES))

if not config:
    raise WorkflowError(
        "no study given: run with --configfile config/config.yaml (the paper's study; "
        "profiles/default gives it unless --workflow-profile none) or another config"
    )

# Stops before any job, naming the bad key, its value and what is allowed. The plan is built
# once, here: every input function below is a lookup into it.
# What the last invocation learned (augsim.workflow.cache).
RECORDS = Records(".snakemake/augsim")
PLAN = validate_config(
    config, f"{workflow.basedir}/workflow/schemas/config.schema.yaml", records=RECORDS
)
codedeps.remember(RECORDS)

RESULTS = f"results/{config['run_name']}"
LOGS = f"{RESULTS}/logs"
BENCHMARKS = f"{RESULTS}/benchmarks"
ENV = "../../envs/augsim.yaml"
SCRIPTS = f"{workflow.basedir}/scripts"


def alternatives(names):
    return "|".join(re.escape(name) for name in sorted(names)) or "(?!)"


wildcard_constraints:
    source=alternatives(PLAN.sources),
    generator=alternatives(config["generators"]),
    model=alternatives(config["models"]),
    method=alternatives(PLAN.roles),
    n=r"\d+",
    chunk=r"\d+",


def code(script, implementations=None):
    """The digest of the augsim modules a script runs, transitively, as a param, so that an
    edited module reruns the jobs that run it (Snakemake tracks the script, not its imports).

    A touched or checked-out file with the same content changes nothing. The modules are those
    of the augsim that runs. ``implementations(wildcards)`` gives the modules (and the user's
    plug-in files) a job loads through a registry, its generator's or model's: their digest is
    the job's own, so an edit of one model reruns only that model's jobs.
    """
    static = codedeps.script_modules(f"{SCRIPTS}/{script}.py")
    if implementations is None:
        return codedeps.digest(static)
    return lambda wildcards: implementation_digest(
        tuple(static), tuple(implementations(wildcards))
    )


@functools.cache
def implementation_digest(static, implementations):
    modules = [name for name in implementations if not name.endswith(".py")]
    files = [name for name in implementations if name.endswith(".py")]
    return codedeps.digest([*static, *codedeps.modules_of(modules)], files)


def generator_modules(wildcards):
    spec = config["generators"][wildcards.generator]
    return [*generator_entry_modules(spec), *plugin_files(spec)]


def model_modules(wildcards):
    spec = config["models"][wildcards.model]
    return [*model_entry_modules(spec), *plugin_files(spec)]


def limit_modules(wildcards):
    specs = PLAN.population_generators.values()
    return [name for spec in specs for name in generator_entry_modules(spec)]


def plugin_files(spec):
    """The user's file of a generator or model given as ``file.py:ClassName`` (part of its
    jobs' code digest, so that an edit of it reruns them), or none."""
    path = plugin.source_file(spec.get("class", ""))
    return [] if path is None else [str(path)]


def dataset_file(wildcards):
    """A data set's file, where it is a user's file: an input of its split jobs."""
    spec = PLAN.datasets[wildcards.source]
    return [spec["file"]] if "file" in spec else []


def train_path(source, n, chunk):
    return f"{RESULTS}/data/{source}/n{n}/train_{chunk}.npz"


def test_part_path(source, n, chunk):
    return f"{RESULTS}/data/{source}/n{n}/test_{chunk}.npz"


def synthetic_path(source, n, generator, chunk):
    return f"{RESULTS}/synthetic/{source}/n{n}/{generator}/chunk_{chunk}.npz"


def distance_path(source, n, generator):
    return f"{RESULTS}/distances/{source}_n{n}_{generator}.csv"


def fit_path(source, n, model, method, chunk):
    return f"{RESULTS}/fits/{source}/n{n}/{model}/{method}/chunk_{chunk}.npz"


def metrics_path(source, n, model, method, chunk):
    return f"{RESULTS}/metrics/{source}/n{n}/{model}/{method}/chunk_{chunk}.parquet"


def test_error_path(source, n, model):
    return f"{RESULTS}/test_error/{source}_n{n}_{model}.csv"


# Tables of millions of rows are Parquet; the rest CSV, for people to open.
LONG_TABLES = ("replicates",)


def table_path(table):
    suffix = "parquet" if table in LONG_TABLES else "csv"
    return f"{RESULTS}/tables/{table}.{suffix}"


def figure_paths(figure):
    return [f"{RESULTS}/figures/{figure}.{ext}" for ext in ("pdf", "png")]


# The metric chunks by (source, n, model) and method, in the replicate table's order (none for
# a method only at gamma 0): each method of a group is aggregated on its own
# (augsim.steps.aggregate).
METRIC_GROUPS = {
    f"{source}/n{n}/{model}": {
        cell.method: [
            metrics_path(cell.source, cell.n, cell.model, cell.method, chunk)
            for chunk in PLAN.fitted_chunks(cell)
        ]
        for cell in cells
    }
    for (source, n, model), cells in PLAN.cells_by_group.items()
}
ALL_METRICS = [
    path
    for by_method in METRIC_GROUPS.values()
    for paths in by_method.values()
    for path in paths
]
ALL_TEST_ERRORS = [test_error_path(*triple) for triple in PLAN.test_error_cells]


def all_targets():
    jobs = PLAN.report_jobs
    tables = [job.item.name for job in jobs if job.item.kind == "table"]
    figures = [job.item.name for job in jobs if job.item.kind == "figure"]
    return [
        *(table_path(table) for table in ["summary", "population", *tables]),
        f"{RESULTS}/claims.md",
        *(path for figure in figures for path in figure_paths(figure)),
    ]


def cell(wildcards):
    return PLAN.cell(wildcards.source, wildcards.n, wildcards.model, wildcards.method)


def source_spec(wildcards):
    """The DGP spec of a simulated source, or None: a data set has no DGP."""
    return config["dgps"].get(wildcards.source)


def synthetic_input(wildcards):
    if PLAN.draws_rows(wildcards.method):
        return synthetic_path(
            wildcards.source, wildcards.n, wildcards.method, wildcards.chunk
        )
    return []


def augment_replicate_ids(wildcards):
    """The replicates of the chunk that some cell of the generator fits."""
    key = (wildcards.source, int(wildcards.n), wildcards.generator)
    return PLAN.chunk_replicate_ids(wildcards.chunk, PLAN.augmentation_replicates[key])


def distance_chunks(wildcards):
    return PLAN.augmentation_chunks(wildcards.source, wildcards.n, wildcards.generator)


def distance_synthetic_input(wildcards):
    return [
        synthetic_path(wildcards.source, wildcards.n, wildcards.generator, chunk)
        for chunk in distance_chunks(wildcards)
    ]


def distance_train_input(wildcards):
    return [
        train_path(wildcards.source, wildcards.n, chunk)
        for chunk in distance_chunks(wildcards)
    ]


def distance_test_input(wildcards):
    """A data set's test parts (the reference of its distances); none for a DGP."""
    if PLAN.source_kind(wildcards.source).has_population:
        return []
    return [
        test_part_path(wildcards.source, wildcards.n, chunk)
        for chunk in distance_chunks(wildcards)
    ]


def test_input(wildcards):
    """The source's shared test set, or the test parts of the chunk's splits of a data set."""
    if PLAN.source_kind(wildcards.source).shared_test_set:
        return f"{RESULTS}/data/{wildcards.source}/test.npz"
    return test_part_path(wildcards.source, wildcards.n, wildcards.chunk)


def scored_test_input(wildcards):
    """The test set, for a model whose fits keep their test scores instead of coefficients."""
    if PLAN.stores_scores(wildcards.model):
        return test_input(wildcards)
    return []


def bayes_input(wildcards):
    """The source's Bayes reference, where it has a population."""
    if PLAN.source_kind(wildcards.source).has_population:
        return f"{RESULTS}/bayes/{wildcards.source}.csv"
    return []


def population_spec(wildcards):
    """The DGP spec for exact population metrics, or None when the fits have none."""
    if PLAN.has_population_metrics(wildcards.source, wildcards.model):
        return config["dgps"][wildcards.source]
    return None


def cell_replicate_ids(wildcards):
    """The replicates of the job's chunk that its cell fits."""
    return PLAN.chunk_replicate_ids(wildcards.chunk, cell(wildcards).replicates)


def replicate_ids(wildcards):
    # the ids themselves, not replicates and chunk_size: raising replicates then reruns only
    # the chunks whose replicates change
    return PLAN.chunk_replicate_ids(wildcards.chunk)


def test_error_methods(wildcards):
    return PLAN.test_error_cells[(wildcards.source, int(wildcards.n), wildcards.model)]


def test_error_fits(wildcards):
    """The first chunk of each method's fits, raw first (as test_error_methods)."""
    return [
        fit_path(wildcards.source, wildcards.n, wildcards.model, method, 0)
        for method in test_error_methods(wildcards)
    ]


# The report's rules (report.smk) are generated from its registry: these give each one its inputs,
# code and params.
def report_input(job):
    """The tables a report job reads, by name."""
    paths = {}
    for table in job.item.reads:
        paths[table] = ALL_TEST_ERRORS if table == "test_errors" else table_path(table)
    return paths


def report_code(script, jobs):
    """The code digest of a report rule: its script's modules and those of its functions."""
    modules = [job.item.module for job in jobs]
    modules += [job.item.markdown.split(":")[0] for job in jobs if job.item.markdown]
    static = codedeps.script_modules(f"{SCRIPTS}/{script}.py")
    return codedeps.digest([*static, *codedeps.modules_of(modules)])


def report_params(job):
    """What a report job's script needs: its function, tables, selection, options, catalogue."""
    return {
        "function": job.item.function,
        "reads": list(job.item.reads),
        "selection": None if job.selection is None else job.selection.to_params(),
        "options": job.options,
        "catalogue": PLAN.catalogue_for([job]),
    }

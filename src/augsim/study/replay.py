"""Replay one replicate of one cell outside Snakemake, with the workflow's exact seeds.

Usage (from the repository root)::

    python -m augsim.study.replay --configfile config/config.yaml \\
        --source hetero --n 4200 --model logistic --method smote --replicate 17

It draws the same training rows and synthetic rows as the workflow, fits the model at every
gamma of the cell and prints the fitted parameters. Nothing is caught: a failing generator or
fit shows its full traceback, which the workflow records only as one line in
``tables/failures.csv``.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import numpy as np
import yaml

from augsim.generators.registry import build_generator
from augsim.models.registry import build_model
from augsim.sources.dgps import build_dgp
from augsim.sources.simulate import simulate_replicate
from augsim.steps.augment import draw_synthetic
from augsim.steps.fit import fit_at_gamma
from augsim.study.design import training_labels
from augsim.study.methods import draws_rows, method_gammas
from augsim.study.plan import Plan
from augsim.study.seeds import rng_for
from augsim.study.validation import validate_config
from augsim.workflow.logs import setup_logging

log = logging.getLogger(__name__)

SCHEMA = Path("workflow") / "schemas" / "config.schema.yaml"


def replay(
    plan: Plan, *, source: str, n: int, model: str, method: str, replicate: int
) -> list[dict]:
    """Fit one replicate of the cell (source, n, model, method) at each of its gammas.

    Returns one dict per gamma with ``gamma``, ``intercept`` and ``coef``.
    """
    config = plan.config
    cell = plan.cell(source, n, model, method)
    if not 0 <= replicate < cell.replicates:
        raise ValueError(f"replicate must be in 0..{cell.replicates - 1}, got {replicate}")
    truth = build_dgp(config["dgps"][source]) if source in config["dgps"] else None
    n0, n1 = plan.class_counts(source, n)
    scenario = f"{source}/n{n}"
    X = _training_rows(plan, truth, source=source, n=n, replicate=replicate)
    y = training_labels(n0, n1)
    log.info("%s replicate %d: X %s, n0=%d n1=%d", source, replicate, X.shape, n0, n1)
    role = plan.roles[method]
    synthetic = None
    if draws_rows(role):
        synthetic = draw_synthetic(
            X[y == 1],
            lambda: build_generator(config["generators"][method], truth),
            plan.augmentations[(source, n, method)],
            X_majority=X[y == 0],
            seed=config["seed"],
            scenario=scenario,
            generator_key=method,
            replicate=replicate,
        )
        log.info("%s drew %s synthetic rows", method, synthetic.shape)
    results = []
    for gamma in method_gammas(role, cell.gammas):
        rng = rng_for(config["seed"], "fit", scenario, model, replicate)  # as fit_models
        fitted = fit_at_gamma(
            X, y, synthetic, lambda: build_model(config["models"][model]), role, gamma, rng
        )
        results.append({"gamma": gamma, "model": fitted} | _parameters(fitted))
    return results


def _parameters(fitted) -> dict:
    """A linear fit's intercept and coefficients (NaN and none for a flexible model)."""
    return {
        "intercept": getattr(fitted, "intercept_", np.nan),
        "coef": getattr(fitted, "coef_", np.empty(0)),
    }


def _training_rows(plan: Plan, truth, *, source: str, n: int, replicate: int) -> np.ndarray:
    """A replicate's training rows: drawn from the DGP, or the training part of a data set's
    split (standardised on itself, as the workflow's split_data does)."""
    config = plan.config
    if truth is None:
        from augsim.sources import datasets, splits

        X, y = datasets.load(plan.datasets[source]["name"])
        train, _ = splits.split_replicates(
            X, y, replicate_ids=[replicate], seed=config["seed"], dataset=source,
            test_fraction=config["datasets"]["test_fraction"],
        )  # fmt: skip
        return train["X"][0]
    n0, n1 = plan.class_counts(source, n)
    return simulate_replicate(
        truth, n0=n0, n1=n1, seed=config["seed"], scenario=f"{source}/n{n}", replicate=replicate
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--configfile", default="config/config.yaml")
    parser.add_argument("--source", required=True, help="a DGP or data-set key")
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--method", required=True)
    parser.add_argument("--replicate", type=int, required=True)
    args = parser.parse_args(argv)
    setup_logging()
    config = yaml.safe_load(Path(args.configfile).read_text())
    plan = validate_config(config, SCHEMA)
    fits = replay(
        plan, source=args.source, n=args.n, model=args.model, method=args.method,
        replicate=args.replicate,
    )  # fmt: skip
    for fit in fits:
        coef = np.array2string(np.asarray(fit["coef"]), precision=6, max_line_width=1000)
        log.info("gamma %-5g intercept % .6f coef %s", fit["gamma"], fit["intercept"], coef)


if __name__ == "__main__":
    main()

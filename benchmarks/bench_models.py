"""Time one fit and one test-set scoring of every score model of the paper's config, at the
study's shape, against the Newton logistic fit in the same run.

The data are the `hetero` DGP's: n = 4200 training rows (n0 / n1 = 20, d = 5) and the
40,000-row test set. Three fits per model: raw, reweight at gamma = 1 (minority weight 20) and
an augmented set at gamma = 1 (3800 extra minority rows drawn from the truth, 8000 rows).
Reported: median wall seconds per fit and per scoring of the test rows, and each model's cost
of the three fits with their scorings as a ratio to the logistic model's, all on one thread.

Usage: ``python benchmarks/bench_models.py [--repeats 5] [--json FILE]``

It runs with the heap setting of every rule job (glibc's ``MALLOC_TOP_PAD_``, which the
workflow sets for its jobs and glibc reads at start-up): without the variable the script
starts itself again, once, with it set (``runtime.restart_with_heap_pad``). The setting
speeds both sides of a comparison alike.
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np
import yaml
from threadpoolctl import threadpool_limits

from augsim.models.registry import build_model
from augsim.sources.dgps import make_dgp
from augsim.study.design import class_sizes
from augsim.workflow.runtime import restart_with_heap_pad

CONFIG = Path(__file__).resolve().parents[1] / "config" / "config.yaml"


def study_data(config: dict, rng: np.random.Generator) -> dict[str, tuple]:
    """The three training sets of a fitted cell and the test rows."""
    spec = config["dgps"]["hetero"]
    dgp = make_dgp(spec["name"], **spec["params"])
    n0, n1 = class_sizes(4200, config["imbalance_ratio"])
    X, y = dgp.sample(n0, n1, rng)
    extra = dgp.sample_class(1, n0 - n1, rng)
    weight = np.where(y == 1, n0 / n1, 1.0)
    rows = config["test_rows_per_class"]
    test, _ = dgp.sample(rows, rows, rng)
    return {
        "raw": (X, y, None),
        "reweight": (X, y, weight),
        "augmented": (np.vstack([X, extra]), np.r_[y, np.ones(len(extra))], None),
        "test": test,
    }


def median_seconds(call, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def time_model(spec: dict, data: dict, repeats: int) -> dict[str, float]:
    rng = np.random.default_rng(0)
    model = build_model(spec)
    result = {}
    for case in ("raw", "reweight", "augmented"):
        X, y, weight = data[case]

        def fit(X=X, y=y, weight=weight):
            model.fit(X, y, weight, rng=rng)

        fit()  # warm-up
        result[case] = median_seconds(fit, repeats)
    result["score"] = median_seconds(lambda: model.decision_function(data["test"]), repeats)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed calls per case")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    restart_with_heap_pad()  # the allocator setting of every rule job
    config = yaml.safe_load(CONFIG.read_text())
    data = study_data(config, np.random.default_rng(20261202))
    with threadpool_limits(1):
        results = {
            key: time_model(spec, data, args.repeats) for key, spec in config["models"].items()
        }
    # a fit of each kind, each scored on the test rows (what a fitted cell's fits cost)
    per_fit = {
        key: r["raw"] + r["reweight"] + r["augmented"] + 3 * r["score"]
        for key, r in results.items()
    }
    columns = ("raw s", "reweight s", "augmented s", "score s", "x logistic")
    header = f"{'model':20s} " + " ".join(f"{c:>11s}" for c in columns)
    print(
        f"median wall seconds per call, {args.repeats} repeats, 1 thread; x logistic: the three "
        "fits, each with its scoring of the test rows, over the logistic model's"
    )
    print(header, "-" * len(header), sep="\n")
    ratio = {key: per_fit[key] / per_fit["logistic"] for key in results}
    for key, r in results.items():
        times = " ".join(f"{r[case]:11.4f}" for case in ("raw", "reweight", "augmented", "score"))
        print(f"{key:20s} {times} {ratio[key]:11.0f}")
    if args.json:
        args.json.write_text(json.dumps({"seconds": results, "ratio": ratio}, indent=2))


if __name__ == "__main__":
    main()

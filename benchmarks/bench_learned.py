"""Size the learned generator: ForestDiffusion's forest flow, its fit time and its distance to
the true minority against its settings, on the study's shape, beside the oversamplers.

The data are the `hetero` DGP's at the oversampler experiment's n = 4200 (n1 = 200 minority
rows, d = 5). Per setting and replicate (a fresh training set each): the wall seconds of the fit
and of drawing 4,000 rows (one thread), and the MMD of 1,000 drawn rows to the true minority
(augsim.metrics.distance, the unbiased estimate of the study's distance). The settings cross
the noise levels n_t, the noisy copies duplicate_K and the boosting rounds n_estimators; the
first row is the library's defaults. SMOTE, the Gaussian fit and the KDE of the paper's config
are measured on the same training sets.

Usage: ``python benchmarks/bench_learned.py [--replicates 3] [--quick] [--json FILE]``
"""

import argparse
import importlib
import json
import time
from pathlib import Path

import numpy as np
import yaml
from threadpoolctl import threadpool_limits

from augsim.generators.registry import build_generator
from augsim.metrics import distance
from augsim.sources.dgps import build_dgp
from augsim.study.design import class_sizes

CONFIG = Path(__file__).resolve().parents[1] / "config" / "config.yaml"
#: (n_t, duplicate_K, n_estimators): the library's defaults, then smaller settings
SETTINGS = [(50, 100, 100), (50, 10, 20), (20, 20, 20), (20, 10, 50), (20, 10, 20), (10, 10, 20)]
QUICK_SETTINGS = [(5, 2, 5)]
COMPARED = ("smote", "gaussian", "kde")
DRAWN_ROWS = 4000
MEASURED_ROWS = 1000


def measure(spec: dict, truth, minority: np.ndarray, seed: int) -> dict[str, float]:
    """Fit and draw seconds of one generator on one training minority, and its MMD^2."""
    rng = np.random.default_rng(seed)
    generator = build_generator(spec, truth)
    start = time.perf_counter()
    generator.fit(minority, rng)
    fitted = time.perf_counter()
    rows = generator.sample(DRAWN_ROWS, rng)
    drawn = time.perf_counter()
    width2 = distance.kernel_width(truth.components(1))
    mmd2 = distance.mmd_squared_to_mixture(rows[:MEASURED_ROWS], truth.components(1), width2)
    return {"fit_s": fitted - start, "draw_s": drawn - fitted, "mmd2": mmd2}


def summary(runs: list[dict]) -> dict[str, float]:
    mmd2 = np.array([run["mmd2"] for run in runs])
    return {
        "fit_s": float(np.median([run["fit_s"] for run in runs])),
        "draw_s": float(np.median([run["draw_s"] for run in runs])),
        "mmd": distance.distance(float(mmd2.mean())),
        "mmd2_se": float(mmd2.std(ddof=1) / np.sqrt(len(mmd2))) if len(mmd2) > 1 else np.nan,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=3, help="training sets per setting")
    parser.add_argument("--quick", action="store_true", help="one tiny setting, one replicate")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    config = yaml.safe_load(CONFIG.read_text())
    truth = build_dgp(config["dgps"]["hetero"])
    _, n1 = class_sizes(4200, config["imbalance_ratio"])
    replicates = 1 if args.quick else args.replicates
    data_rng = np.random.default_rng(20261207)
    minorities = [truth.sample_class(1, n1, data_rng) for _ in range(replicates)]
    specs = {
        f"forest_flow n_t={n_t} K={k} trees={trees}": {
            "name": "forest_flow",
            "params": {"n_t": n_t, "duplicate_K": k, "n_estimators": trees},
        }
        for n_t, k, trees in (QUICK_SETTINGS if args.quick else SETTINGS)
    }
    specs.update({key: config["generators"][key] for key in COMPARED})
    importlib.import_module("ForestDiffusion")  # its imports are not the fit's time
    results = {}
    with threadpool_limits(1):
        for key, spec in specs.items():
            runs = [measure(spec, truth, rows, seed) for seed, rows in enumerate(minorities)]
            results[key] = summary(runs)
    print(
        f"hetero, n1 = {n1}, d = {truth.dim}, {replicates} replicates, 1 thread: median wall "
        f"seconds to fit and to draw {DRAWN_ROWS} rows; MMD of {MEASURED_ROWS} drawn rows to the "
        "true minority (the root of the mean unbiased MMD^2, with that mean's standard error)"
    )
    header = f"{'generator':38s} {'fit s':>8s} {'draw s':>8s} {'MMD':>7s} {'MMD^2 se':>9s}"
    print(header, "-" * len(header), sep="\n")
    for key, r in results.items():
        print(f"{key:38s} {r['fit_s']:8.2f} {r['draw_s']:8.2f} {r['mmd']:7.3f} {r['mmd2_se']:9.4f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

"""Time the population engine against the Monte Carlo estimate it replaces.

Run ``python benchmarks/bench_population.py [--json FILE]``. It prints, per DGP, the time of one
``linear_metrics`` call, of one Monte Carlo estimate of the same four metrics on 10^6 test rows
(sampling + scoring + ``score_metrics``), their ratio, and the time of ``projection`` and of
``bayes_metrics`` (a cold call, then a cached one). Times are wall-clock, the best of a few
repeats, so a busy machine inflates them less.

It runs with the heap setting of every rule job (glibc's ``MALLOC_TOP_PAD_``, which the
workflow sets for its jobs and glibc reads at start-up): without the variable the script
starts itself again, once, with it set (``runtime.restart_with_heap_pad``). The setting
speeds both sides of a comparison alike.
"""

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from augsim.metrics.ranking import score_metrics
from augsim.population.bayes import bayes_metrics
from augsim.population.linear import linear_metrics
from augsim.population.projection import projection
from augsim.sources.dgps import make_dgp
from augsim.study.seeds import rng_for
from augsim.workflow.runtime import restart_with_heap_pad

N_TEST = 1_000_000
PREVALENCE = 0.05
DGPS = {
    "gaussian_shared": {"dim": 5, "shift": 1.5},
    "gaussian_hetero": {"dim": 5, "mean": [1, 1, 0, 0, 0], "spread": 2},
    "minority_mixture": {
        "dim": 5,
        "means": [[2, 0, 0, 0, 0], [0, 2, 0, 0, 0]],
        "weights": [0.7, 0.3],
    },
}


def best_time(func: Callable[[], object], *, number: int, repeat: int = 5) -> float:
    """Best over ``repeat`` runs of the mean wall-clock seconds per call over ``number`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            func()
        times.append((time.perf_counter() - start) / number)
    return min(times)


def monte_carlo(dgp, coef: np.ndarray, rng: np.random.Generator) -> dict[str, float]:
    """The four metrics of ``X @ coef`` on ``N_TEST`` fresh rows, half per class."""
    X, y = dgp.sample(N_TEST // 2, N_TEST // 2, rng)
    return score_metrics(y, X @ coef, prevalence=PREVALENCE)


def bench_dgp(name: str, params: dict, coef: np.ndarray) -> dict[str, float]:
    """Seconds per call of each timed operation on one DGP."""
    dgp = make_dgp(name, **params)
    rng = rng_for(0, "bench_population", name)
    times = {
        "exact": best_time(
            lambda: linear_metrics(dgp, coef, 0.0, prevalence=PREVALENCE), number=500
        ),
        "mc": best_time(lambda: monte_carlo(dgp, coef, rng), number=1),
        "projection": best_time(lambda: projection(dgp, minority_weight=0.3), number=20),
    }
    start = time.perf_counter()
    bayes_metrics(dgp, prevalence=PREVALENCE)
    times["bayes_cold"] = time.perf_counter() - start
    times["bayes_cached"] = best_time(lambda: bayes_metrics(dgp, prevalence=PREVALENCE), number=100)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    restart_with_heap_pad()  # the allocator setting of every rule job
    coef = np.array([1.0, 0.6, -0.4, 0.2, 0.3])
    figures = {}
    print(
        f"{'dgp':18s} {'linear_metrics':>15s} {'MC 1e6 rows':>12s} {'ratio':>8s} "
        f"{'projection':>11s} {'bayes cold':>11s} {'bayes cached':>13s}"
    )
    for name, params in DGPS.items():
        t = figures[name] = bench_dgp(name, params, coef)
        print(
            f"{name:18s} {t['exact'] * 1e3:12.3f} ms {t['mc']:10.3f} s {t['mc'] / t['exact']:8.0f} "
            f"{t['projection'] * 1e3:8.2f} ms {t['bayes_cold']:9.3f} s "
            f"{t['bayes_cached'] * 1e3:10.3f} ms"
        )

    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()

"""Time the Newton logistic solver against the scikit-learn reference on the study's shapes.

Each case draws one imbalanced Gaussian data set (majority N(0, I), minority N(1.5 e1, I),
n0 / n1 = 20) and fits it repeatedly with both solvers, in alternating blocks so that load on a
shared machine hits both alike. Reported: median wall time per fit, the ratio sklearn / newton
of wall and of CPU time (CPU time is robust to other processes), the largest difference of the
fitted (coef, intercept) relative to the largest reference entry, and the iteration counts.

Usage: ``python benchmarks/bench_fit.py [--block 1] [--reference api] [--threads 0] [--json FILE]``

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
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from augsim.models.logistic import SKLEARN_OPTIONS, LogisticModel
from augsim.models.registry import make_model
from augsim.workflow.runtime import restart_with_heap_pad

# (label, model name, n, raw d): the study's training sizes and feature counts.
CASES = (
    ("n=4200 d=5", "logistic", 4200, 5),
    ("n=4200 d=20", "logistic", 4200, 20),
    ("n=4200 quad d=5 (20 features)", "logistic_quadratic", 4200, 5),
    ("n=11800 d=5", "logistic", 11800, 5),
)


def simulate(
    n: int, d: int, *, imbalance: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Rows (n, d) and labels (n,) with n0 / n1 = imbalance, minority shifted by 1.5 along e1."""
    n1 = round(n / (1 + imbalance))
    shift = np.zeros(d)
    shift[0] = 1.5
    X = np.vstack([rng.normal(size=(n - n1, d)), rng.normal(size=(n1, d)) + shift])
    return X, np.r_[np.zeros(n - n1), np.ones(n1)]


def time_fit(fit: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fit()
    return time.perf_counter() - wall, time.process_time() - cpu


def relative_difference(model: LogisticModel, reference: LogisticModel) -> float:
    """max |difference| of (coef, intercept) over max |reference (coef, intercept)|."""
    a = np.append(model.coef_, model.intercept_)
    b = np.append(reference.coef_, reference.intercept_)
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def run_case(
    name: str,
    X: np.ndarray,
    y: np.ndarray,
    weight: np.ndarray,
    *,
    C: float,
    repeats: int,
    block: int,
    bare: bool,
) -> dict[str, float]:
    """Median times (ms), ratios, parameter difference and iteration counts for one case."""
    newton = make_model(name, C=C, solver="newton")
    reference = make_model(name, C=C, solver="sklearn").fit(X, y, weight)
    # By default the reference is timed as the bare scikit-learn call on precomputed features,
    # so that none of augsim's checks and diagnostics count against it.
    F = reference.features(X)
    sk = LogisticRegression(C=C, **SKLEARN_OPTIONS)
    fits = {
        "newton": lambda: newton.fit(X, y, weight),
        "sklearn": (
            (lambda: sk.fit(F, y, sample_weight=weight))
            if bare
            else (lambda: reference.fit(X, y, weight))
        ),
    }
    times: dict[str, list[tuple[float, float]]] = {solver: [] for solver in fits}
    for fit in fits.values():
        fit()  # warm-up: first-call imports and allocations
    # Blocks of back-to-back fits, alternating between solvers so that load drift on a shared
    # machine hits both alike; block=1 interleaves single fits (caches cold for both).
    for _ in range(-(-repeats // block)):
        for solver, fit in fits.items():
            times[solver] += [time_fit(fit) for _ in range(block)]
    (newton_wall, newton_cpu), (sk_wall, sk_cpu) = (
        1e3 * np.median(times[solver], axis=0) for solver in fits
    )
    return {
        "newton_wall": newton_wall,
        "sk_wall": sk_wall,
        "ratio_wall": sk_wall / newton_wall,
        "ratio_cpu": sk_cpu / newton_cpu,
        "rel_diff": relative_difference(newton, reference),
        "newton_iter": newton.n_iter_,
        "sk_iter": reference.n_iter_,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=60, help="timed fits per solver and case")
    parser.add_argument(
        "--block", type=int, default=10, help="back-to-back fits per solver before switching"
    )
    parser.add_argument(
        "--reference",
        choices=["bare", "api"],
        default="bare",
        help="time sklearn as the bare LogisticRegression.fit, or through make_model(solver=...)",
    )
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--C", type=float, default=1e6, help="inverse L2 strength (both solvers)")
    parser.add_argument("--imbalance", type=float, default=20.0, help="n0 / n1")
    parser.add_argument(
        "--weights", type=float, nargs="+", default=[1.0, 5.0], help="minority sample weights"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="BLAS/OpenMP threads (the study runs one single-threaded fit per core); 0: no limit",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    restart_with_heap_pad()  # the allocator setting of every rule job
    rng = np.random.default_rng(args.seed)
    figures = []
    header = (
        f"{'case':31s} {'w1':>4s} {'newton ms':>10s} {'sklearn ms':>11s} {'ratio':>6s} "
        f"{'cpu ratio':>9s} {'max rel diff':>12s} {'iters':>7s}"
    )
    print(
        f"threads={args.threads or 'default'} repeats={args.repeats} block={args.block} "
        f"reference={args.reference} C={args.C:g}; times are medians per fit; "
        "ratio = sklearn / newton (wall, CPU)"
    )
    print(header, "-" * len(header), sep="\n")
    with threadpool_limits(args.threads or None):
        for label, name, n, d in CASES:
            X, y = simulate(n, d, imbalance=args.imbalance, rng=rng)
            for w1 in args.weights:
                weight = np.where(y == 1, w1, 1.0)
                r = run_case(
                    name,
                    X,
                    y,
                    weight,
                    C=args.C,
                    repeats=args.repeats,
                    block=args.block,
                    bare=args.reference == "bare",
                )
                figures.append({"case": label, "minority_weight": w1, **r})
                print(
                    f"{label:31s} {w1:4g} {r['newton_wall']:10.3f} {r['sk_wall']:11.3f} "
                    f"{r['ratio_wall']:6.1f} {r['ratio_cpu']:9.1f} {r['rel_diff']:12.1e} "
                    f"{r['newton_iter']:>3d}/{r['sk_iter']:<3d}"
                )

    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=float))


if __name__ == "__main__":
    main()

"""The study's statistics, each defined once: t intervals, the corrected resampled interval, the
Bonferroni quantile, which side of zero an interval lies on, the log-log slope and the paired
difference from raw. The summary table, the report's tables, figures and claims call these.

Intervals are two-sided at ``alpha = 0.05`` unless given; every t quantile is Student's on the
stated degrees of freedom (replicates are few enough, often 100, for the normal quantile to be
optimistic).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import special

from augsim.study.methods import RAW

ALPHA = 0.05
#: the columns that pair a fit with the raw fit on the same replicate
PAIR = ["dgp", "n", "model", "evaluation", "source", "metric", "replicate"]


def t_quantile(df, *, alpha: float = ALPHA):
    """The two-sided t quantile ``t_{1 - alpha/2}`` on ``df`` degrees of freedom (scalar or
    array).

    scipy.special's inverse t CDF, which ``scipy.stats.t.ppf`` evaluates (the same values, bit
    for bit): importing scipy.stats would add about 60 MB and 0.3 s to every job that summarises.
    """
    return special.stdtrit(df, 1 - alpha / 2)


def bonferroni_quantile(tests: int, df, *, alpha: float = ALPHA):
    """The two-sided t quantile of each of ``tests`` simultaneous intervals at family-wise level
    ``alpha``: ``t_{1 - alpha / (2 tests)}``."""
    return special.stdtrit(df, 1 - alpha / (2 * tests))


def mean_interval(values: pd.Series, *, alpha: float = ALPHA) -> tuple[float, tuple[float, float]]:
    """Mean of the finite ``values`` and its t interval (NaN ends with fewer than 2 values)."""
    values = values.dropna()
    mean = float(values.mean()) if len(values) else np.nan
    if len(values) < 2:
        return mean, (np.nan, np.nan)
    half = t_quantile(len(values) - 1, alpha=alpha) * values.std(ddof=1) / np.sqrt(len(values))
    return mean, (mean - half, mean + half)


def standard_error(values: pd.Series) -> float:
    """The standard error of the mean of the finite ``values``."""
    values = values.dropna()
    return float(values.std(ddof=1) / np.sqrt(len(values)))


def grouped_intervals(values: pd.core.groupby.SeriesGroupBy, prefix: str) -> pd.DataFrame:
    """Per group: ``<prefix>mean``, ``<prefix>se`` and the t interval ``<prefix>ci_low``,
    ``<prefix>ci_high`` (a group of one value gets the quantile on one degree of freedom)."""
    count = values.count()
    mean = values.mean()
    se = values.std(ddof=1) / np.sqrt(count)
    half_width = t_quantile(np.maximum(count - 1, 1)) * se
    return pd.DataFrame(
        {
            f"{prefix}mean": mean,
            f"{prefix}se": se,
            f"{prefix}ci_low": mean - half_width,
            f"{prefix}ci_high": mean + half_width,
        }
    )


def corrected_interval(
    differences: np.ndarray, *, n_train: int, n_test: int, alpha: float = ALPHA
) -> dict[str, float]:
    """The corrected resampled t interval of a mean paired difference over J splits.

    Nadeau and Bengio (2003, Machine Learning 52:239-281): the training parts of repeated
    splits of one table overlap, so the J split differences are positively correlated and the
    naive variance of their mean, s^2 / J, is too small. Their correction uses
    ``(1 / J + n_test / n_train) * s^2`` (s^2 the sample variance) with a t quantile on J - 1
    degrees of freedom. NaN differences (failed fits) are dropped first; fewer than 2 left give
    NaN for every entry. Returns ``mean``, ``se``, ``low``, ``high`` and ``df``.
    """
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must lie in (0, 1), got {alpha!r}")
    if n_train < 1 or n_test < 1:
        raise ValueError(f"n_train and n_test must be positive, got {n_train} and {n_test}")
    d = np.asarray(differences, dtype=np.float64).ravel()
    d = d[~np.isnan(d)]
    J = d.size
    if J < 2:
        return dict.fromkeys(("mean", "se", "low", "high", "df"), np.nan)
    mean = float(d.mean())
    se = float(np.sqrt((1.0 / J + n_test / n_train) * d.var(ddof=1)))
    half = float(t_quantile(J - 1, alpha=alpha)) * se
    return {"mean": mean, "se": se, "low": mean - half, "high": mean + half, "df": float(J - 1)}


def welch_satterthwaite(variances: Sequence, dfs: Sequence):
    """The Welch-Satterthwaite degrees of freedom of a sum of independent variance estimates
    ``variances`` (each on ``dfs`` degrees of freedom): ``(sum v)^2 / sum(v^2 / df)``."""
    total = sum(variances)
    return total**2 / sum(v**2 / df for v, df in zip(variances, dfs, strict=True))


def side(low: float, high: float) -> int:
    """+1 when an interval lies above 0, -1 below, else 0 (NaN ends give 0)."""
    return 1 if low > 0 else (-1 if high < 0 else 0)


class Slope(NamedTuple):
    """A least-squares slope with its t interval, on ``points`` points."""

    slope: float
    low: float
    high: float
    points: int


def loglog_slope(x: Sequence[float], y: Sequence[float], *, alpha: float = ALPHA) -> Slope:
    """The least-squares slope of log(y) on log(x) with its t interval (n - 2 degrees of
    freedom; NaN ends on two points). Points with a non-positive or non-finite y have no
    logarithm and are left out (``points`` counts those kept); fewer than two distinct x left
    give a NaN slope."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = np.isfinite(y) & (y > 0) & (x > 0)
    points = int(keep.sum())
    if np.unique(x[keep]).size < 2:
        return Slope(np.nan, np.nan, np.nan, points)
    from scipy import stats  # here, not at the top: see t_quantile

    fit = stats.linregress(np.log(x[keep]), np.log(y[keep]))
    if points < 3:
        return Slope(float(fit.slope), np.nan, np.nan, points)
    half = t_quantile(points - 2, alpha=alpha) * fit.stderr
    return Slope(float(fit.slope), float(fit.slope - half), float(fit.slope + half), points)


def with_paired_difference(replicates: pd.DataFrame) -> pd.DataFrame:
    """``replicates`` with ``difference``: each value minus the same replicate's raw value (the
    fit on the same training data), matched on :data:`PAIR`."""
    raw = replicates.loc[replicates["method"] == RAW, [*PAIR, "value"]]
    raw = raw.rename(columns={"value": "raw_value"})
    merged = replicates.merge(raw, on=PAIR, how="left", validate="many_to_one")
    merged["difference"] = merged["value"] - merged["raw_value"]
    return merged.drop(columns="raw_value")

"""The statistics module against scipy's own intervals and regression, and worked cases."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from augsim import statistics
from augsim.study.seeds import rng_for


def test_mean_interval_is_the_t_interval():
    values = pd.Series(np.random.default_rng(0).normal(1.0, 2.0, size=25))
    mean, (low, high) = statistics.mean_interval(values)
    expected = stats.t.interval(0.95, 24, loc=values.mean(), scale=stats.sem(values))
    assert mean == pytest.approx(values.mean())
    assert (low, high) == pytest.approx(expected)
    assert np.isnan(statistics.mean_interval(pd.Series([1.0]))[1][0])
    # failed fits (NaN) are left out
    with_nan = pd.concat([values, pd.Series([np.nan])])
    assert statistics.mean_interval(with_nan) == statistics.mean_interval(values)


def test_grouped_intervals_match_the_interval_of_each_group():
    rng = np.random.default_rng(1)
    table = pd.DataFrame({"cell": np.repeat(["a", "b"], 10), "value": rng.normal(size=20)})
    out = statistics.grouped_intervals(table.groupby("cell")["value"], "diff_")
    for cell, group in table.groupby("cell"):
        mean, (low, high) = statistics.mean_interval(group["value"])
        assert out.loc[cell, "diff_mean"] == pytest.approx(mean)
        assert (out.loc[cell, "diff_ci_low"], out.loc[cell, "diff_ci_high"]) == pytest.approx(
            (low, high)
        )
        assert out.loc[cell, "diff_se"] == pytest.approx(stats.sem(group["value"]))


def test_bonferroni_quantile_splits_alpha_over_the_tests():
    assert statistics.bonferroni_quantile(1, 10) == pytest.approx(statistics.t_quantile(10))
    assert statistics.bonferroni_quantile(4, 10) == pytest.approx(stats.t.ppf(1 - 0.05 / 8, 10))
    assert statistics.bonferroni_quantile(4, 10) > statistics.t_quantile(10)


def test_corrected_interval_inflates_the_naive_variance():
    d = np.random.default_rng(2).normal(0.01, 0.02, size=50)
    corrected = statistics.corrected_interval(d, n_train=70, n_test=30)
    naive_se = d.std(ddof=1) / np.sqrt(50)
    assert corrected["se"] == pytest.approx(naive_se * np.sqrt(1 + 50 * 30 / 70))
    half = stats.t.ppf(0.975, 49) * corrected["se"]
    assert (corrected["low"], corrected["high"]) == pytest.approx(
        (d.mean() - half, d.mean() + half)
    )
    assert np.isnan(
        statistics.corrected_interval(np.array([1.0, np.nan]), n_train=7, n_test=3)["se"]
    )


def test_welch_satterthwaite_degrees_of_freedom():
    # equal variances on equal df: the df add up
    assert statistics.welch_satterthwaite([1.0, 1.0], [9, 9]) == pytest.approx(18)
    # one negligible variance: its df do not count
    assert statistics.welch_satterthwaite([1.0, 1e-9], [9, 2]) == pytest.approx(9, rel=1e-6)


@pytest.mark.parametrize(
    ("low", "high", "side"), [(0.1, 0.2, 1), (-0.2, -0.1, -1), (-0.1, 0.1, 0), (np.nan, np.nan, 0)]
)
def test_side_of_zero(low, high, side):
    assert statistics.side(low, high) == side


def test_loglog_slope_is_the_least_squares_slope_with_its_interval():
    n = np.array([500, 1000, 2000, 4000, 8000])
    regret = 3.0 / n * np.exp(np.random.default_rng(4).normal(0, 0.05, size=5))
    slope = statistics.loglog_slope(n, regret)
    fit = stats.linregress(np.log(n), np.log(regret))
    half = stats.t.ppf(0.975, 3) * fit.stderr
    assert slope == pytest.approx((fit.slope, fit.slope - half, fit.slope + half, 5))
    assert slope.low <= -1 <= slope.high
    # a non-positive regret has no logarithm: left out
    dropped = statistics.loglog_slope(n, np.r_[regret[:4], -1e-5])
    assert dropped.points == 4 and dropped.slope == pytest.approx(
        stats.linregress(np.log(n[:4]), np.log(regret[:4])).slope
    )
    assert np.isnan(statistics.loglog_slope([1, 1], [1.0, 2.0]).slope)


def test_paired_difference_is_against_the_same_replicate_of_raw():
    keys = {"dgp": "d", "n": 10, "model": "m", "evaluation": "training", "source": "s",
            "metric": "auroc"}  # fmt: skip
    rows = [keys | {"method": "raw", "replicate": r, "value": v} for r, v in ((0, 0.5), (1, 0.7))]
    rows += [keys | {"method": "x", "replicate": r, "value": v} for r, v in ((0, 0.6), (1, 0.6))]
    paired = statistics.with_paired_difference(pd.DataFrame(rows))
    x = paired[paired["method"] == "x"].sort_values("replicate")
    assert x["difference"].tolist() == pytest.approx([0.1, -0.1])


def test_corrected_interval_hand_worked():
    result = statistics.corrected_interval([1.0, 2.0, 3.0, 4.0, 5.0], n_train=70, n_test=30)
    # mean = 15 / 5 = 3; s^2 = (4 + 1 + 0 + 1 + 4) / 4 = 2.5
    # var = (1/5 + 30/70) * 2.5 = (0.2 + 0.428571...) * 2.5 = 1.5714285714...
    se = np.sqrt((1 / 5 + 30 / 70) * 2.5)
    assert se == pytest.approx(1.2535663410560174)
    t = 2.7764451051977987  # t_{0.975, 4}
    assert result["mean"] == 3.0 and result["df"] == 4.0
    assert result["se"] == pytest.approx(se)
    # half width t * se = 2.7764451 * 1.2535663 = 3.4804581
    assert result["low"] == pytest.approx(3.0 - t * se)
    assert result["high"] == pytest.approx(3.0 + t * se)
    assert (result["low"], result["high"]) == pytest.approx((-0.4804581, 6.4804581), abs=1e-7)


def test_corrected_interval_is_wider_than_the_naive_one():
    d = rng_for(0, "differences").normal(0.1, 0.05, size=20)
    result = statistics.corrected_interval(d, n_train=70, n_test=30)
    low, high = stats.t.interval(0.95, len(d) - 1, loc=d.mean(), scale=stats.sem(d))
    assert result["low"] < low and result["high"] > high
    assert result["mean"] == pytest.approx((low + high) / 2)


def test_corrected_interval_drops_nan_and_needs_two_values():
    with_nan = statistics.corrected_interval(
        [1.0, np.nan, 2.0, 3.0, 4.0, 5.0], n_train=70, n_test=30
    )
    assert with_nan == statistics.corrected_interval(
        [1.0, 2.0, 3.0, 4.0, 5.0], n_train=70, n_test=30
    )
    for too_few in ([], [1.0], [np.nan, 2.0]):
        result = statistics.corrected_interval(too_few, n_train=70, n_test=30)
        assert set(result) == {"mean", "se", "low", "high", "df"}
        assert all(np.isnan(value) for value in result.values())


def test_t_quantiles_are_scipy_stats_own_bit_for_bit():
    df = np.concatenate([np.arange(1, 5001), [1.5, 99.5, np.inf]])
    np.testing.assert_array_equal(statistics.t_quantile(df), stats.t.ppf(0.975, df))
    for tests in (2, 12, 192):
        np.testing.assert_array_equal(
            statistics.bonferroni_quantile(tests, df), stats.t.ppf(1 - 0.05 / (2 * tests), df)
        )
    assert statistics.t_quantile(4) == stats.t.ppf(0.975, 4) != statistics.t_quantile(5)

"""augsim.calibration against scikit-learn, hand-built weightings, simulated calibrated scores
and exact identities (saturated fits, affine equivariance, weights as replication)."""

import logging
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.special import expit
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss

import augsim
from augsim.metrics.calibration import calibration_metrics_at, prior_shift
from augsim.metrics.registry import CALIBRATION


def _data(seed, n=3000, *, decimals=None, weighted=False):
    """Imbalanced labels, a miscalibrated log-odds score, optional rounding (ties) and weights
    (some zero)."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.15).astype(int)
    s = rng.normal(loc=-1.5 + 1.2 * y, scale=1.3)
    if decimals is not None:
        s = np.round(s, decimals)
    w = None
    if weighted:
        w = rng.exponential(size=n)
        w[rng.random(n) < 0.05] = 0.0
    return y, s, w


def _hand_weights(y, w, prevalence):
    """Weights giving the classes total weight ``prevalence`` and ``1 - prevalence``."""
    w = np.ones(y.size) if w is None else w
    if prevalence is None:
        return w
    return np.where(y == 1, prevalence / w[y == 1].sum(), (1 - prevalence) / w[y == 0].sum()) * w


def _sklearn_fit(y, s, weight):
    """Intercept and slope of sklearn's tight unpenalised weighted fit of y on s."""
    weight = weight * weight.size / weight.sum()  # mean 1: sklearn's tolerances are absolute
    model = LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-14, max_iter=1000)
    model.fit(s[:, None], y, sample_weight=weight)
    return float(model.intercept_[0]), float(model.coef_[0, 0])


def _fisher_stderr(y, s, intercept, slope):
    """Standard errors of (intercept, slope) of an unweighted logistic fit: sqrt diag I^-1."""
    p = expit(intercept + slope * s)
    design = np.column_stack([np.ones(s.size), s])
    info = (design * (p * (1 - p))[:, None]).T @ design
    return np.sqrt(np.diag(np.linalg.inv(info)))


# ---------------------------------------------------------------------------------------------
# Against scikit-learn and hand-built weightings
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("decimals", [None, 1])
@pytest.mark.parametrize("weighted", [False, True])
def test_losses_match_sklearn(decimals, weighted):
    y, s, w = _data(1, decimals=decimals, weighted=weighted)
    (got,) = calibration_metrics_at(y, s, [None], sample_weight=w)
    assert list(got) == list(CALIBRATION)
    p = expit(s)
    assert got["brier"] == pytest.approx(brier_score_loss(y, p, sample_weight=w), abs=1e-13)
    assert got["log_loss"] == pytest.approx(log_loss(y, p, sample_weight=w), abs=1e-13)


@pytest.mark.parametrize("prevalence", [0.01, 0.3, 0.5])
@pytest.mark.parametrize("weighted", [False, True])
def test_losses_at_a_prevalence_match_a_hand_built_weighting(prevalence, weighted):
    y, s, w = _data(2, weighted=weighted)
    (got,) = calibration_metrics_at(y, s, [prevalence], sample_weight=w)
    hand, p = _hand_weights(y, w, prevalence), expit(s)
    assert got["brier"] == pytest.approx(brier_score_loss(y, p, sample_weight=hand), abs=1e-13)
    assert got["log_loss"] == pytest.approx(log_loss(y, p, sample_weight=hand), abs=1e-13)


@pytest.mark.parametrize("prevalence", [None, 0.05, 0.5])
@pytest.mark.parametrize(("decimals", "weighted"), [(None, False), (None, True), (1, True)])
def test_intercept_and_slope_match_sklearn(prevalence, decimals, weighted):
    y, s, w = _data(3, decimals=decimals, weighted=weighted)
    (got,) = calibration_metrics_at(y, s, [prevalence], sample_weight=w)
    intercept, slope = _sklearn_fit(y, s, _hand_weights(y, w, prevalence))
    assert got["calibration_intercept"] == pytest.approx(intercept, abs=1e-6)
    assert got["calibration_slope"] == pytest.approx(slope, abs=1e-6)
    assert abs(slope - 1.0) > 0.05  # the data are miscalibrated: the check has teeth


def test_several_prevalences_equal_one_at_a_time():
    y, s, w = _data(4, weighted=True)
    prevalences = [0.2, None, 0.02]
    together = calibration_metrics_at(y, s, prevalences, sample_weight=w)
    for prevalence, values in zip(prevalences, together, strict=True):
        assert values == calibration_metrics_at(y, s, [prevalence], sample_weight=w)[0]


# ---------------------------------------------------------------------------------------------
# Calibrated and overconfident scores, the prior-shift correction
# ---------------------------------------------------------------------------------------------


def test_calibrated_scores_have_intercept_0_and_slope_1():
    """y ~ Bernoulli(sigmoid(s)): the fit estimates (0, 1); 2 s is overconfident, slope 1/2."""
    rng = np.random.default_rng(5)
    s = rng.normal(-2.0, 1.5, size=200_000)
    y = (rng.random(s.size) < expit(s)).astype(int)
    (got,) = calibration_metrics_at(y, s, [None])
    stderr = _fisher_stderr(y, s, 0.0, 1.0)
    assert abs(got["calibration_intercept"]) < 4 * stderr[0]
    assert abs(got["calibration_slope"] - 1.0) < 4 * stderr[1]
    (doubled,) = calibration_metrics_at(y, 2 * s, [None])
    assert abs(doubled["calibration_slope"] - 0.5) < 4 * stderr[1] / 2
    # exact equivariance: the fit on 2 s is the fit on s with half the slope
    assert doubled["calibration_slope"] == pytest.approx(got["calibration_slope"] / 2, rel=1e-9)
    assert doubled["calibration_intercept"] == pytest.approx(got["calibration_intercept"], abs=1e-9)
    assert doubled["log_loss"] > got["log_loss"] and doubled["brier"] > got["brier"]


def test_shifted_score_moves_the_intercept_by_slope_times_shift():
    y, s, w = _data(6, weighted=True)
    (base,) = calibration_metrics_at(y, s, [0.1], sample_weight=w)
    shift = prior_shift(0.5, 0.1)
    (moved,) = calibration_metrics_at(y, s + shift, [0.1], sample_weight=w)
    b = base["calibration_slope"]
    assert moved["calibration_slope"] == pytest.approx(b, rel=1e-9)
    assert moved["calibration_intercept"] == pytest.approx(
        base["calibration_intercept"] - b * shift, abs=1e-9
    )


def test_prior_shift_is_the_exact_intercept_change_of_a_saturated_fit():
    """Two distinct scores (heavily tied): the fit reproduces each group's weighted frequency,
    so reweighting the classes from share pi0 to pi moves the intercept by exactly
    prior_shift(pi0, pi) and leaves the slope unchanged."""
    rng = np.random.default_rng(7)
    s = np.repeat([-1.0, 2.0], [3000, 1000])
    y = (rng.random(s.size) < expit(s - 1.0)).astype(int)
    own_share = y.mean()
    (own, shifted) = calibration_metrics_at(y, s, [None, 0.05])
    assert shifted["calibration_slope"] == pytest.approx(own["calibration_slope"], abs=1e-9)
    assert shifted["calibration_intercept"] - own["calibration_intercept"] == pytest.approx(
        prior_shift(own_share, 0.05), abs=1e-9
    )
    # and the saturated fit is the groups' empirical log-odds
    low, high = (y[s == value].mean() for value in (-1.0, 2.0))
    logit = lambda p: math.log(p / (1 - p))  # noqa: E731
    assert own["calibration_slope"] == pytest.approx((logit(high) - logit(low)) / 3, abs=1e-9)


def test_prior_shift_values():
    assert prior_shift(0.5, 0.05) == pytest.approx(math.log(0.05 / 0.95), abs=1e-15)
    assert prior_shift(0.3, 0.3) == 0.0
    assert prior_shift(0.2, 0.7) == pytest.approx(-prior_shift(0.7, 0.2), abs=1e-15)
    assert prior_shift(1e-12, 0.5) == pytest.approx(-math.log(1e-12), rel=1e-12)  # no 1 - p loss


@pytest.mark.parametrize("bad", [0.0, 1.0, -0.1, float("nan"), True, "0.5"])
def test_prior_shift_rejects_bad_shares(bad):
    with pytest.raises(ValueError, match=r"trained_prevalence"):
        prior_shift(bad, 0.5)
    with pytest.raises(ValueError, match=r"prevalence"):
        prior_shift(0.5, bad)


# ---------------------------------------------------------------------------------------------
# Ties, weights, degenerate inputs
# ---------------------------------------------------------------------------------------------


def test_integer_weights_act_as_replication():
    """Replicated rows (many ties: merged) against weights on distinct rows (not merged)."""
    y, s, _ = _data(8, n=600)
    counts = np.random.default_rng(9).integers(1, 6, size=y.size)
    replicated = calibration_metrics_at(np.repeat(y, counts), np.repeat(s, counts), [None, 0.2])
    weighted = calibration_metrics_at(y, s, [None, 0.2], sample_weight=counts)
    for got, want in zip(replicated, weighted, strict=True):
        for name in CALIBRATION:
            assert got[name] == pytest.approx(want[name], abs=1e-10), name


def test_zero_weight_rows_change_nothing():
    y, s, w = _data(10, weighted=True)
    keep = w > 0
    got = calibration_metrics_at(y, s, [None, 0.4], sample_weight=w)
    want = calibration_metrics_at(y[keep], s[keep], [None, 0.4], sample_weight=w[keep])
    for a, b in zip(got, want, strict=True):
        for name in CALIBRATION:
            assert a[name] == pytest.approx(b[name], abs=1e-12), name


def test_toy_case_by_hand():
    """Scores 0 and log 3 (probabilities 1/2, 3/4), each tied across both classes."""
    y = np.array([0, 1, 0, 1, 1, 1])
    s = np.log([1, 1, 3, 3, 3, 3])
    (got,) = calibration_metrics_at(y, s, [None])
    brier = (0.25 + 0.25 + 0.75**2 + 3 * 0.25**2) / 6
    loss = (2 * math.log(2) + math.log(4) + 3 * math.log(4 / 3)) / 6
    assert got["brier"] == pytest.approx(brier, abs=1e-15)
    assert got["log_loss"] == pytest.approx(loss, abs=1e-15)
    # saturated: the empirical frequencies 1/2 and 3/4 are exactly the predictions
    assert got["calibration_intercept"] == pytest.approx(0.0, abs=1e-9)
    assert got["calibration_slope"] == pytest.approx(1.0, abs=1e-9)


def test_extreme_scores_are_stable():
    y = np.array([0, 1, 0, 1])
    s = np.array([-800.0, 800.0, 700.0, -30.0])
    (got,) = calibration_metrics_at(y, s, [None])
    assert got["log_loss"] == pytest.approx((700.0 + 30.0) / 4, rel=1e-12)
    assert got["brier"] == pytest.approx(2 / 4, rel=1e-12)


def test_constant_scores_give_nan_intercept_and_slope():
    y = np.array([0, 1, 0, 0, 1])
    (got,) = calibration_metrics_at(y, np.full(5, 0.7), [0.25])
    p = expit(0.7)
    assert got["brier"] == pytest.approx(0.25 * (1 - p) ** 2 + 0.75 * p**2, abs=1e-15)
    assert got["log_loss"] == pytest.approx(
        0.25 * np.logaddexp(0, -0.7) + 0.75 * np.logaddexp(0, 0.7), abs=1e-15
    )
    assert math.isnan(got["calibration_intercept"]) and math.isnan(got["calibration_slope"])


def test_separated_classes_give_no_recalibration_fit_and_log_it(caplog):
    y = np.array([0, 0, 1, 1])
    with caplog.at_level(logging.INFO, logger="augsim.metrics.calibration"):
        (up,) = calibration_metrics_at(y, [0.0, 1.0, 1.0, 2.0], [None])  # quasi-separated
        (down,) = calibration_metrics_at(y, [3.0, 2.0, 1.0, 0.0], [None])
    assert math.isnan(up["calibration_slope"]) and math.isnan(down["calibration_slope"])
    assert math.isnan(up["calibration_intercept"]) and math.isnan(down["calibration_intercept"])
    assert math.isfinite(up["brier"]) and math.isfinite(up["log_loss"])
    assert "separate the classes" in caplog.text


@pytest.mark.parametrize(
    ("y_true", "sample_weight"),
    [
        ([0, 0, 0, 0], None),
        ([1, 1, 1, 1], None),
        ([0, 1, 0, 1], [1.0, 0.0, 1.0, 0.0]),
        ([0, 1, 0, 1], [0.0, 1.0, 0.0, 1.0]),
        ([], None),
    ],
)
def test_one_class_gives_nan_and_warns(y_true, sample_weight):
    scores = [0.1, 0.2, 0.3, 0.4][: len(y_true)]
    with pytest.warns(UserWarning, match="both classes"):
        got = calibration_metrics_at(y_true, scores, [None, 0.5], sample_weight=sample_weight)
    assert len(got) == 2
    for values in got:
        assert list(values) == list(CALIBRATION)
        assert all(math.isnan(value) for value in values.values())


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"y_true": [0, 1, 2, 1]}, "y_true"),
        ({"y_true": [0.0, 1.0, np.nan, 1.0]}, "y_true"),
        ({"y_true": [[0, 1, 0, 1]]}, "y_true"),
        ({"scores": [0.1, 0.2, 0.3]}, "scores"),
        ({"scores": [0.1, np.nan, 0.3, 0.4]}, "scores"),
        ({"scores": [0.1, np.inf, 0.3, 0.4]}, "scores"),
        ({"sample_weight": [1.0, 1.0, 1.0]}, "sample_weight"),
        ({"sample_weight": [1.0, -0.5, 1.0, 1.0]}, "sample_weight"),
        ({"sample_weight": [1.0, np.nan, 1.0, 1.0]}, "sample_weight"),
        ({"prevalences": [0.0]}, "prevalence"),
        ({"prevalences": [0.5, 1.0]}, "prevalence"),
        ({"prevalences": [float("nan")]}, "prevalence"),
        ({"prevalences": ["0.5"]}, "prevalence"),
    ],
)
def test_bad_input_raises(kwargs, match):
    args = {"y_true": [0, 1, 0, 1], "scores": [0.1, 0.2, 0.3, 0.4], "prevalences": [None]}
    args |= kwargs
    with pytest.raises(ValueError, match=match):
        calibration_metrics_at(
            args["y_true"],
            args["scores"],
            args["prevalences"],
            sample_weight=args.get("sample_weight"),
        )


def test_inputs_not_mutated_and_outputs_are_floats():
    y, s, w = _data(11, n=500, decimals=1, weighted=True)
    copies = (y.copy(), s.copy(), w.copy())
    got = calibration_metrics_at(y, s, [None, 0.1], sample_weight=w)
    for before, after in zip(copies, (y, s, w), strict=True):
        np.testing.assert_array_equal(before, after)
    assert all(type(value) is float for values in got for value in values.values())


def test_import_loads_neither_sklearn_nor_scipy():
    src = str(Path(augsim.__file__).parents[1])
    env = os.environ | {"PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    code = "import sys, augsim.metrics.calibration\n"
    code += "sys.exit(bool({'sklearn', 'scipy'} & set(sys.modules)))"
    assert subprocess.run([sys.executable, "-c", code], env=env, check=False).returncode == 0

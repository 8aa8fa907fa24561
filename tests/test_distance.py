"""The synthetic distributional error (MMD, Gaussian kernel): closed forms against Monte Carlo,
estimators against a slow reference and against the closed form."""

import numpy as np
import pytest

from augsim.metrics import distance
from augsim.sources.dgps import Component

D = 3
RNG_SEED = 20261206


def _gaussian(mean, scale=1.0, weight=1.0):
    mean = np.asarray(mean, dtype=float)
    return Component(weight, mean, scale * np.eye(len(mean)))


def _correlated(mean, correlation=0.4, weight=1.0):
    cov = np.full((D, D), correlation) + (1 - correlation) * np.eye(D)
    cov[0, 0] = 2.0
    return Component(weight, np.asarray(mean, dtype=float), cov)


TRUTH = [_gaussian([0.0, 0.0, 0.0])]
MIXTURE = [_correlated([1.0, 0.0, 0.0], weight=0.7), _gaussian([0.0, 2.0, -1.0], 0.5, 0.3)]


def _draw(components, n, rng):
    labels = rng.choice(len(components), size=n, p=[c.weight for c in components])
    rows = np.empty((n, D))
    for k, (_, mean, cov) in enumerate(components):
        rows[labels == k] = rng.multivariate_normal(mean, cov, size=int((labels == k).sum()))
    return rows


def _slow_kernel(x, y, width2):
    return float(np.exp(-sum((a - b) ** 2 for a, b in zip(x, y, strict=True)) / (2 * width2)))


def _slow_between(X, Y, width2):
    """Gretton et al.'s unbiased MMD^2, written out as loops over pairs."""
    n, m = len(X), len(Y)
    xx = sum(_slow_kernel(X[i], X[j], width2) for i in range(n) for j in range(n) if i != j)
    yy = sum(_slow_kernel(Y[i], Y[j], width2) for i in range(m) for j in range(m) if i != j)
    xy = sum(_slow_kernel(x, y, width2) for x in X for y in Y)
    return xx / (n * (n - 1)) + yy / (m * (m - 1)) - 2 * xy / (n * m)


def test_the_expected_kernel_matches_monte_carlo():
    rng = np.random.default_rng(RNG_SEED)
    a, b = MIXTURE[0], _gaussian([0.5, -1.0, 0.0], 2.0)
    width2 = 1.7
    X = rng.multivariate_normal(a.mean, a.cov, size=400_000)
    Y = rng.multivariate_normal(b.mean, b.cov, size=400_000)
    values = np.exp(-np.sum((X - Y) ** 2, axis=1) / (2 * width2))
    error = values.std() / np.sqrt(len(values))
    assert abs(values.mean() - distance.expected_kernel(a, b, width2)) < 4 * error


def test_the_embedding_of_a_point_mass_is_the_kernel():
    X = np.random.default_rng(RNG_SEED).normal(size=(5, D))
    point = Component(1.0, X[0], np.zeros((D, D)))
    expected = [_slow_kernel(X[0], x, 2.0) for x in X]
    np.testing.assert_allclose(distance.embedding([point], X, 2.0), expected, rtol=1e-12)


def test_the_closed_form_matches_a_large_sample_estimate():
    rng = np.random.default_rng(RNG_SEED)
    width2 = distance.kernel_width(TRUTH)
    exact = distance.mmd_squared(MIXTURE, TRUTH, width2)
    estimates = [
        distance.mmd_squared_between(_draw(MIXTURE, 400, rng), _draw(TRUTH, 400, rng), width2)
        for _ in range(200)
    ]
    error = np.std(estimates) / np.sqrt(len(estimates))
    assert exact > 10 * error  # the check below can fail
    assert abs(np.mean(estimates) - exact) < 4 * error


@pytest.mark.parametrize("n", [3, 40])
def test_the_estimate_against_a_known_mixture_is_unbiased(n):
    rng = np.random.default_rng(RNG_SEED + n)
    width2 = distance.kernel_width(TRUTH)
    exact = distance.mmd_squared(MIXTURE, TRUTH, width2)
    estimates = [
        distance.mmd_squared_to_mixture(_draw(MIXTURE, n, rng), TRUTH, width2) for _ in range(4000)
    ]
    error = np.std(estimates) / np.sqrt(len(estimates))
    assert abs(np.mean(estimates) - exact) < 4 * error


def test_estimators_equal_the_slow_reference():
    rng = np.random.default_rng(RNG_SEED)
    X, Y = _draw(MIXTURE, 12, rng), _draw(TRUTH, 9, rng)
    assert distance.mmd_squared_between(X, Y, 1.3) == pytest.approx(
        _slow_between(X, Y, 1.3), rel=1e-12
    )
    # against a mixture of point masses at Y's rows, the known-mixture estimate is the
    # two-sample one with Y's within-sample mean taken over all pairs, diagonal included
    points = [Component(1 / len(Y), y, np.zeros((D, D))) for y in Y]
    within_y = np.mean([[_slow_kernel(a, b, 1.3) for b in Y] for a in Y])
    off_diagonal_y = (within_y * len(Y) ** 2 - len(Y)) / (len(Y) * (len(Y) - 1))
    assert distance.mmd_squared_to_mixture(X, points, 1.3) == pytest.approx(
        _slow_between(X, Y, 1.3) - off_diagonal_y + within_y, rel=1e-10
    )


def test_the_augmented_minority_is_at_the_synthetic_share_times_the_distance():
    width2 = distance.kernel_width(TRUTH)
    generator = distance.mmd_squared(MIXTURE, TRUTH, width2) ** 0.5
    for share in (0.0, 0.3, 1.0):
        augmented = [c._replace(weight=(1 - share) * c.weight) for c in TRUTH]
        augmented += [c._replace(weight=share * c.weight) for c in MIXTURE]
        mixed = distance.mmd_squared(augmented, TRUTH, width2) ** 0.5
        assert mixed == pytest.approx(share * generator, rel=1e-9, abs=1e-12)


def test_a_distribution_is_at_zero_distance_from_itself_and_only_from_itself():
    width2 = distance.kernel_width(MIXTURE)
    assert distance.mmd_squared(MIXTURE, MIXTURE, width2) == pytest.approx(0.0, abs=1e-14)
    shifted = [c._replace(mean=c.mean + 0.1) for c in MIXTURE]
    assert distance.mmd_squared(shifted, MIXTURE, width2) > 1e-4


def test_the_kernel_width_is_the_trace_of_the_covariance():
    rng = np.random.default_rng(RNG_SEED)
    rows = _draw(MIXTURE, 200_000, rng)
    exact = distance.kernel_width(MIXTURE)
    assert distance.kernel_width(rows) == pytest.approx(exact, rel=0.02)
    assert distance.kernel_width(TRUTH) == pytest.approx(D)


def test_bad_rows_are_named():
    with pytest.raises(ValueError, match="X must have shape"):
        distance.mmd_squared_between(np.zeros((1, D)), np.zeros((5, D)), 1.0)
    with pytest.raises(ValueError, match="X must be finite"):
        distance.mmd_squared_to_mixture(np.full((3, D), np.nan), TRUTH, 1.0)
    with pytest.raises(ValueError, match="X has 3 columns, Y 2"):
        distance.mmd_squared_between(np.zeros((3, D)), np.zeros((3, 2)), 1.0)


def test_a_negative_estimate_is_distance_zero():
    assert distance.distance(-0.01) == 0.0
    assert distance.distance(0.25) == 0.5


# --- the study's measurement ---------------------------------------------------------------------

from augsim.steps import distance as measure  # noqa: E402


def _study_arrays(rows_by_replicate, minority_rows, errors=None):
    replicates = np.arange(len(rows_by_replicate))
    synthetic = {
        "X": np.stack(rows_by_replicate), "replicate": replicates,
        "error": np.array(errors or [""] * len(replicates), dtype=str),
    }  # fmt: skip
    y = np.r_[np.zeros(3, dtype=np.int8), np.ones(len(minority_rows[0]), dtype=np.int8)]
    train = {
        "X": np.stack([np.vstack([np.full((3, D), 9.0), rows]) for rows in minority_rows]),
        "y": y, "replicate": replicates,
    }  # fmt: skip
    return synthetic, train


def test_the_study_estimates_each_replicate_against_the_truth():
    rng = np.random.default_rng(RNG_SEED)
    rows = [_draw(MIXTURE, 50, rng) for _ in range(3)]
    minority = [_draw(TRUTH, 20, rng) for _ in range(3)]
    synthetic, train = _study_arrays(rows, minority, errors=["", "ValueError: no", ""])
    found = measure.simulated_distances(synthetic, train, TRUTH, limit=MIXTURE)
    width2 = distance.kernel_width(TRUTH)
    assert found[0]["mmd2"] == pytest.approx(
        distance.mmd_squared_to_mixture(rows[0], TRUTH, width2), rel=1e-12
    )
    # the training minority's own rows (the majority's are left out), and the exact limit
    assert found[2]["baseline_mmd2"] == pytest.approx(
        distance.mmd_squared_to_mixture(minority[2], TRUTH, width2), rel=1e-12
    )
    assert found[2]["population_mmd2"] == distance.mmd_squared(MIXTURE, TRUTH, width2)
    assert np.isnan(found[1]["mmd2"]) and found[1]["error"] == "ValueError: no"


def test_the_study_uses_the_first_rows_only():
    rng = np.random.default_rng(RNG_SEED)
    rows = [_draw(MIXTURE, measure.DISTANCE_ROWS + 7, rng)]
    synthetic, train = _study_arrays(rows, [_draw(TRUTH, 5, rng)])
    (found,) = measure.simulated_distances(synthetic, train, TRUTH, limit=None)
    width2 = distance.kernel_width(TRUTH)
    expected = distance.mmd_squared_to_mixture(rows[0][: measure.DISTANCE_ROWS], TRUTH, width2)
    assert found["rows"] == measure.DISTANCE_ROWS
    assert found["mmd2"] == pytest.approx(expected, rel=1e-12)
    assert np.isnan(found["population_mmd2"])


def test_on_a_data_set_the_reference_is_the_test_parts_minority():
    rng = np.random.default_rng(RNG_SEED)
    rows, minority = [_draw(MIXTURE, 30, rng)], [_draw(TRUTH, 12, rng)]
    synthetic, train = _study_arrays(rows, minority)
    _, test = _study_arrays(rows, [_draw(TRUTH, 8, rng)])
    (found,) = measure.empirical_distances(synthetic, train, test)
    reference = test["X"][0][test["y"] == 1]
    width2 = distance.kernel_width(np.vstack([minority[0], reference]))
    assert found["mmd2"] == pytest.approx(
        distance.mmd_squared_between(rows[0], reference, width2), rel=1e-12
    )
    assert found["baseline_mmd2"] == pytest.approx(
        distance.mmd_squared_between(minority[0], reference, width2), rel=1e-12
    )


def test_the_summary_is_the_root_of_the_mean_squared_distance():
    import pandas as pd

    replicates = pd.DataFrame(
        {"dgp": "d", "n": 10, "n0": 9, "n1": 1, "generator": "g", "replicate": range(4),
         "rows": 5, "width2": 2.0, "mmd2": [0.04, 0.05, 0.03, -0.01],
         "baseline_mmd2": [0.0, -0.01, 0.01, 0.0], "population_mmd2": 0.02,
         "error": ["", "", "", ""]}
    )  # fmt: skip
    (summary,) = measure.summarise(replicates).to_dict("records")
    assert summary["mmd2"] == pytest.approx(0.0275)
    assert summary["distance"] == pytest.approx(0.0275**0.5)
    assert summary["distance_low"] == pytest.approx(max(summary["mmd2_low"], 0) ** 0.5)
    assert summary["population_distance"] == pytest.approx(0.02**0.5)
    assert summary["baseline_distance"] == 0.0
    assert summary["replicates"] == 4 and summary["n_failed"] == 0

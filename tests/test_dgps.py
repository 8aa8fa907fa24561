import numpy as np
import pytest
from scipy import stats

from augsim.sources import dgps
from augsim.study.seeds import rng_for

DGP_PARAMS = {
    "gaussian_shared": {"dim": 5, "shift": 1.5},
    "gaussian_hetero": {"dim": 5, "mean": [1, 1, 0, 0, 0], "spread": 2.0},
    "gaussian_correlated": {
        "dim": 4,
        "mean": [1.0, 0.5, -0.5, 0.25],
        "correlation": 0.3,
        "variances": [1.0, 2.0, 0.5, 1.5],
    },
    "minority_mixture": {
        "dim": 3,
        "means": [[2.0, 0.0, 0.0], [0.0, -1.5, 0.5]],
        "weights": [0.7, 0.3],
        "scale": 1.5,
    },
}


@pytest.fixture(params=sorted(DGP_PARAMS))
def dgp(request):
    return dgps.make_dgp(request.param, **DGP_PARAMS[request.param])


def test_registry_covers_the_design():
    assert set(dgps.DGPS) == set(DGP_PARAMS)


def test_sample_has_exact_class_counts(dgp):
    X, y = dgp.sample(37, 5, rng_for(0, "t"))
    assert X.shape == (42, dgp.dim)
    assert (y == 0).sum() == 37 and (y == 1).sum() == 5
    assert set(np.unique(y)) == {0, 1}


def test_same_seed_same_rows(dgp):
    a = dgp.sample(10, 10, rng_for(3, "t"))[0]
    b = dgp.sample(10, 10, rng_for(3, "t"))[0]
    np.testing.assert_array_equal(a, b)


def _mixture_moments(components):
    mean = sum(w * mu for w, mu, _ in components)
    second = sum(w * (cov + np.outer(mu, mu)) for w, mu, cov in components)
    return mean, second - np.outer(mean, mean)


@pytest.mark.parametrize("label", [0, 1])
def test_class_sample_moments_match_components(dgp, label):
    m = 200_000
    rows = dgp.sample_class(label, m, rng_for(1, "moments", label))
    mean, cov = _mixture_moments(dgp.components(label))
    se_mean = np.sqrt(np.diag(cov) / m)
    assert np.all(np.abs(rows.mean(axis=0) - mean) < 5 * se_mean)
    np.testing.assert_allclose(np.cov(rows.T), cov, atol=0.05)


def test_log_likelihood_ratio_matches_scipy(dgp):
    X = dgp.sample(50, 50, rng_for(2, "llr"))[0]

    def density(label):
        return sum(
            w * stats.multivariate_normal(mu, cov).pdf(X) for w, mu, cov in dgp.components(label)
        )

    np.testing.assert_allclose(
        dgp.log_likelihood_ratio(X), np.log(density(1)) - np.log(density(0)), rtol=1e-10
    )


def test_documented_parameters():
    shared = dgps.make_dgp("gaussian_shared", dim=3, shift=2.0)
    ((_, mean, cov),) = shared.components(1)
    np.testing.assert_array_equal(mean, [2, 0, 0])
    np.testing.assert_array_equal(cov, np.eye(3))
    hetero = dgps.make_dgp("gaussian_hetero", dim=3, mean=[1, 1, 0], spread=2.0)
    ((_, _, cov),) = hetero.components(1)
    np.testing.assert_allclose(np.diag(cov), [0.25, 4.0, 1.0])
    assert shared.llr_is_linear and not hetero.llr_is_linear
    assert dgps.make_dgp("gaussian_hetero", dim=3, mean=[1, 1, 0], spread=1.0).llr_is_linear
    correlated = dgps.make_dgp(
        "gaussian_correlated", dim=3, mean=[1, 0.5, 0], correlation=0.5, variances=[1, 4, 1]
    )
    ((_, mean0, cov0),), ((_, mean1, cov1),) = correlated.components(0), correlated.components(1)
    np.testing.assert_array_equal(mean0, [0, 0, 0])
    np.testing.assert_array_equal(mean1, [1, 0.5, 0])
    np.testing.assert_allclose(cov1, [[1, 1, 0.5], [1, 4, 1], [0.5, 1, 1]])
    np.testing.assert_array_equal(cov0, cov1)
    assert correlated.llr_is_linear


@pytest.mark.parametrize(
    ("name", "params", "match"),
    [
        (
            "gaussian_sharp",
            {"dim": 2, "shift": 1},
            "valid names: gaussian_correlated, gaussian_hetero",
        ),
        ("gaussian_shared", {"dim": 0, "shift": 1}, "dim"),
        ("gaussian_shared", {"dim": 2.5, "shift": 1}, "dim"),
        ("gaussian_shared", {"dim": 2}, "shift"),
        ("gaussian_shared", {"dim": 2, "shift": 1, "spread": 2}, "spread"),
        ("gaussian_hetero", {"dim": 3, "mean": [1, 1], "spread": 2}, "mean"),
        ("gaussian_hetero", {"dim": 3, "mean": [1, 1, 0], "spread": 0}, "spread"),
        ("gaussian_hetero", {"dim": 1, "mean": [1], "spread": 2}, "dim"),
        ("gaussian_correlated", {"dim": 3, "mean": [1, 0, 0], "correlation": -0.6}, "(-0.5, 1)"),
        ("gaussian_correlated", {"dim": 2, "mean": [1, 0], "correlation": 1.0}, "correlation"),
        (
            "gaussian_correlated",
            {"dim": 2, "mean": [1, 0], "correlation": 0, "variances": [1, 0]},
            "variances",
        ),
        ("minority_mixture", {"dim": 2, "means": [[1, 0]], "weights": [0.5]}, "weights"),
        ("minority_mixture", {"dim": 2, "means": [[1, 0]], "weights": [1], "scale": -1}, "scale"),
        ("minority_mixture", {"dim": 2, "means": [[1, 0], [0, 1]], "weights": [1]}, "means"),
    ],
)
def test_bad_parameters_raise(name, params, match):
    with pytest.raises(ValueError, match=match):
        dgps.make_dgp(name, **params)


def test_non_positive_definite_covariance_is_rejected():
    bad = dgps.Component(1.0, np.zeros(2), np.array([[1.0, 2.0], [2.0, 1.0]]))
    good = dgps.Component(1.0, np.zeros(2), np.eye(2))
    with pytest.raises(ValueError, match="positive definite"):
        dgps.GaussianMixtureDGP("custom", majority=[good], minority=[bad])


@pytest.mark.parametrize("label", [2, -1])
def test_bad_label(dgp, label):
    with pytest.raises(ValueError, match="label"):
        dgp.sample_class(label, 3, rng_for(0))


def test_bad_count(dgp):
    with pytest.raises(ValueError, match="n1"):
        dgp.sample(3, -1, rng_for(0))

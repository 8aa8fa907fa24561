import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

from augsim.generators.registry import GENERATORS, generator_class, generator_module, make_generator
from augsim.sources import dgps
from augsim.study.seeds import rng_for

DGP_PARAMS = {
    "gaussian_hetero": {"dim": 3, "mean": [1.0, 1.0, 0.0], "spread": 2.0},
    "minority_mixture": {
        "dim": 3,
        "means": [[2.0, 0.0, 0.0], [-1.0, 1.5, 0.0]],
        "weights": [0.3, 0.7],
        "scale": 0.5,
    },
}
N1 = 40
K = 5
SHIFT = 0.75
SCALE = 1.8
#: the forest flow at a size a test can afford (its contract, not its quality)
TINY_FOREST_FLOW = {"n_t": 3, "duplicate_K": 2, "n_estimators": 3, "max_depth": 2}


def generator_params(name, dgp):
    """Test parameters of every registered generator (a new one must be added here)."""
    return {
        "oracle": {"dgp": dgp},
        "biased_oracle": {"dgp": dgp, "shift": SHIFT},
        "scaled_oracle": {"dgp": dgp, "scale": SCALE},
        "ros": {},
        "smote": {"k_neighbors": K},
        "gaussian": {},
        "adasyn": {"n_neighbors": K},
        "borderline_smote1": {"k_neighbors": K},
        "borderline_smote2": {"k_neighbors": K},
        "svm_smote": {"k_neighbors": K},
        "kmeans_smote": {"cluster_balance_threshold": 0.0},
        "rose": {"shrinkage": 1.0},
        "gaussian_mixture": {},
        "kde": {},
        "forest_flow": TINY_FOREST_FLOW,
    }[name]


@pytest.fixture(params=sorted(DGP_PARAMS))
def dgp(request):
    return dgps.make_dgp(request.param, **DGP_PARAMS[request.param])


@pytest.fixture(params=sorted(GENERATORS))
def name(request):
    return request.param


def minority(dgp, n1=N1, seed=0):
    return dgp.sample_class(1, n1, rng_for(seed, "minority"))


def majority(dgp, n0=20 * N1, seed=0):
    return dgp.sample_class(0, n0, rng_for(seed, "majority"))


def fitted(name, dgp, X=None, X0=None):
    X = minority(dgp) if X is None else X
    X0 = majority(dgp) if X0 is None else X0
    generator = make_generator(name, **generator_params(name, dgp))
    return generator.fit(X, rng_for(0, "fit"), X_majority=X0)


def mixture_moments(components):
    mean = sum(w * mu for w, mu, _ in components)
    second = sum(w * (cov + np.outer(mu, mu)) for w, mu, cov in components)
    return mean, second - np.outer(mean, mean)


def assert_moments(rows, mean, cov, *, z=5.0):
    """Sample mean and covariance within ``z`` standard errors of ``mean`` and ``cov``."""
    m = len(rows)
    centred = rows - rows.mean(axis=0)
    products = centred[:, :, None] * centred[:, None, :]
    se_mean = rows.std(axis=0) / np.sqrt(m)
    se_cov = products.std(axis=0) / np.sqrt(m)
    assert np.all(np.abs(rows.mean(axis=0) - mean) < z * se_mean)
    assert np.all(np.abs(products.mean(axis=0) - cov) < z * se_cov + 1e-12)


# -- the contract, for every registered generator ------------------------------------------------


def test_registry_covers_the_design():
    own = {"oracle", "biased_oracle", "scaled_oracle", "ros", "smote", "gaussian"}
    assert {name for name in GENERATORS if generator_module(name).endswith(".study")} == own
    assert all(generator_class(name).name == name for name in GENERATORS)
    # the study's own generators are checked here; the oversamplers in test_oversamplers
    assert set(PREFIX_CHECKS) == own


def test_name_attribute(name, dgp):
    assert make_generator(name, **generator_params(name, dgp)).name == name


def test_same_seed_same_rows(name, dgp):
    gen = fitted(name, dgp)
    a = gen.sample(50, rng_for(1, "draw"))
    b = gen.sample(50, rng_for(1, "draw"))
    c = gen.sample(50, rng_for(2, "draw"))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_refit_gives_same_rows(name, dgp):
    a = fitted(name, dgp).sample(50, rng_for(1, "draw"))
    b = fitted(name, dgp).sample(50, rng_for(1, "draw"))
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("m", [0, 1, 500])
def test_requested_counts_and_shape(name, dgp, m):
    rows = fitted(name, dgp).sample(m, rng_for(1, "draw"))
    assert rows.shape == (m, dgp.dim)
    assert rows.dtype == np.float64
    assert np.all(np.isfinite(rows))


def test_input_is_not_mutated_nor_aliased(name, dgp):
    X, X0 = minority(dgp), majority(dgp)
    originals = X.copy(), X0.copy()
    X.flags.writeable = X0.flags.writeable = False  # an in-place write would raise
    gen = fitted(name, dgp, X, X0)
    before = gen.sample(30, rng_for(1, "draw"))
    np.testing.assert_array_equal(X, originals[0])
    np.testing.assert_array_equal(X0, originals[1])

    X_writable, X0_writable = X.copy(), X0.copy()
    gen = fitted(name, dgp, X_writable, X0_writable)
    X_writable += 100.0  # the fitted state must not see later changes to the caller's arrays
    X0_writable += 100.0
    np.testing.assert_array_equal(gen.sample(30, rng_for(1, "draw")), before)


def test_only_generators_that_say_so_read_the_majority_rows(name, dgp):
    if type(make_generator(name, **generator_params(name, dgp))).uses_majority:
        with pytest.raises(ValueError, match="X_majority"):
            make_generator(name, **generator_params(name, dgp)).fit(minority(dgp), rng_for(0, "f"))
        return
    moved = fitted(name, dgp, X0=majority(dgp) + 3.0)
    np.testing.assert_array_equal(
        fitted(name, dgp).sample(40, rng_for(1, "draw")), moved.sample(40, rng_for(1, "draw"))
    )


def test_sample_before_fit_fails(name, dgp):
    gen = make_generator(name, **generator_params(name, dgp))
    with pytest.raises(RuntimeError, match="fitted"):
        gen.sample(3, rng_for(1, "draw"))


def test_fit_rejects_bad_rows(name, dgp):
    gen = make_generator(name, **generator_params(name, dgp))
    with pytest.raises(ValueError, match="X_minority"):
        gen.fit(np.zeros(5), rng_for(0, "fit"))
    bad = minority(dgp)
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="finite"):
        gen.fit(bad, rng_for(0, "fit"))


# -- nested prefixes: the first m rows of one large draw are a valid draw of m rows -------------

PREFIXES = (1, 500, 4000)


def check_oracle_prefix(gen, X, rows):
    mean, cov = mixture_moments(gen.dgp.components(1))
    for m in PREFIXES[1:]:
        assert_moments(rows[:m], mean, cov)


def check_biased_oracle_prefix(gen, X, rows):
    mean, cov = mixture_moments(gen.dgp.components(1))
    for m in PREFIXES[1:]:
        assert_moments(rows[:m], mean + gen.shift, cov)


def check_scaled_oracle_prefix(gen, X, rows):
    mean, cov = mixture_moments(gen.synthetic_components())
    for m in PREFIXES[1:]:
        assert_moments(rows[:m], mean, cov)


def check_gaussian_prefix(gen, X, rows):
    ((_, mean, cov),) = gen.synthetic_components()
    for m in PREFIXES[1:]:
        assert_moments(rows[:m], mean, cov)


def check_ros_prefix(gen, X, rows):
    # every row is a minority row, and the indices of every prefix are uniform
    matches = np.all(rows[:, None, :] == X[None, :, :], axis=2)
    assert np.all(matches.any(axis=1))
    index = matches.argmax(axis=1)
    for m in PREFIXES[1:]:
        counts = np.bincount(index[:m], minlength=len(X))
        assert stats.chisquare(counts).pvalue > 1e-4


def check_smote_prefix(gen, X, rows):
    base, step = smote_segments(X, rows, k=gen.k_neighbors)
    assert np.all(base >= 0), "a SMOTE row is on no minority-neighbour segment"
    for m in PREFIXES[1:]:
        assert stats.kstest(step[:m], "uniform").pvalue > 1e-4


PREFIX_CHECKS = {
    "oracle": check_oracle_prefix,
    "biased_oracle": check_biased_oracle_prefix,
    "scaled_oracle": check_scaled_oracle_prefix,
    "gaussian": check_gaussian_prefix,
    "ros": check_ros_prefix,
    "smote": check_smote_prefix,
}


@pytest.mark.parametrize("name", sorted(PREFIX_CHECKS))
def test_prefixes_are_valid_draws(name, dgp):
    X = minority(dgp)
    gen = fitted(name, dgp, X)
    rows = gen.sample(PREFIXES[-1], rng_for(5, "nested"))
    assert rows.shape == (PREFIXES[-1], dgp.dim)
    PREFIX_CHECKS[name](gen, X, rows)


def smote_segments(X, rows, *, k):
    """For each row, a base index i and step u with row = x_i + u (x_j - x_i), x_j one of the k
    nearest other minority rows of x_i (plain numpy); base = -1 where no segment fits."""
    distances = np.linalg.norm(X[:, None, :] - X[None, :, :], axis=2)
    np.fill_diagonal(distances, np.inf)
    neighbours = np.argsort(distances, axis=1)[:, :k]  # (n1, k)
    start = np.repeat(X, k, axis=0)  # (n1 k, d)
    direction = X[neighbours.ravel()] - start
    offset = rows[:, None, :] - start[None, :, :]  # (m, n1 k, d)
    t = np.einsum("mpd,pd->mp", offset, direction) / np.einsum("pd,pd->p", direction, direction)
    residual = np.linalg.norm(offset - t[:, :, None] * direction[None], axis=2)
    fits = (residual < 1e-9) & (t >= -1e-12) & (t <= 1 + 1e-12)
    # a row on segment (i, j) is also on (j, i) when i is a neighbour of j: take the first pair in
    # index order, a choice independent of the step, so the recovered steps stay uniform
    first = fits.argmax(axis=1)
    base = np.where(fits.any(axis=1), first // k, -1)
    return base, t[np.arange(len(rows)), first]


def test_smote_reference_check_rejects_off_segment_points():
    X = minority(dgps.make_dgp("gaussian_hetero", **DGP_PARAMS["gaussian_hetero"]))
    midpoint_of_far_rows = (X[[0]] + X[[np.linalg.norm(X - X[0], axis=1).argmax()]]) / 2
    base, _ = smote_segments(X, midpoint_of_far_rows, k=K)
    assert base[0] == -1


# -- the parametric generators --------------------------------------------------------------------


def test_oracle_components_are_the_dgp_minority(dgp):
    gen = make_generator("oracle", dgp=dgp)
    for (w, mu, cov), (w0, mu0, cov0) in zip(
        gen.synthetic_components(), dgp.components(1), strict=True
    ):
        assert w == w0
        np.testing.assert_array_equal(mu, mu0)
        np.testing.assert_array_equal(cov, cov0)


def test_the_scaled_oracle_scales_every_components_spread(dgp):
    mean, cov = mixture_moments(dgp.components(1))
    scaled = make_generator("scaled_oracle", dgp=dgp, scale=SCALE)
    for (w, mu, c), (w0, mu0, c0) in zip(
        scaled.synthetic_components(), dgp.components(1), strict=True
    ):
        assert w == w0
        np.testing.assert_array_equal(mu, mu0)
        np.testing.assert_allclose(c, SCALE * c0)
    rows = scaled.fit(minority(dgp), rng_for(0, "fit")).sample(40_000, rng_for(4, "s"))
    assert_moments(rows, *mixture_moments(scaled.synthetic_components()))
    # the control: the truth's moments are rejected for these rows (the check has power)
    with pytest.raises(AssertionError):
        assert_moments(rows, mean, cov)


@pytest.mark.parametrize("shift", [SHIFT, [0.5, -1.0, 2.0]])
def test_biased_oracle_is_oracle_plus_shift(dgp, shift):
    vector = np.array([shift, 0.0, 0.0]) if np.ndim(shift) == 0 else np.asarray(shift)
    X = minority(dgp)
    oracle = make_generator("oracle", dgp=dgp).fit(X, rng_for(0, "fit"))
    biased = make_generator("biased_oracle", dgp=dgp, shift=shift).fit(X, rng_for(0, "fit"))

    # the same stream gives the oracle rows translated by the shift, exactly
    m = 20_000
    rows = biased.sample(m, rng_for(3, "b"))
    np.testing.assert_allclose(rows, oracle.sample(m, rng_for(3, "b")) + vector)

    mean, cov = mixture_moments(dgp.components(1))
    assert_moments(rows, mean + vector, cov)
    shifted_mean, shifted_cov = mixture_moments(biased.synthetic_components())
    np.testing.assert_allclose(shifted_mean, mean + vector)
    np.testing.assert_allclose(shifted_cov, cov)


def test_gaussian_draws_have_fitted_moments(dgp):
    X = minority(dgp)
    gen = make_generator("gaussian").fit(X, rng_for(0, "fit"))
    ((weight, mean, cov),) = gen.synthetic_components()
    assert weight == 1.0
    np.testing.assert_allclose(mean, X.mean(axis=0))
    assert_moments(gen.sample(20_000, rng_for(4, "g")), mean, cov)


def test_gaussian_ledoit_wolf_is_sklearn(dgp):
    from sklearn.covariance import LedoitWolf

    X = minority(dgp)
    gen = make_generator("gaussian", shrinkage="ledoit_wolf").fit(X, rng_for(0, "fit"))
    np.testing.assert_allclose(gen.covariance_, LedoitWolf().fit(X).covariance_)


@pytest.mark.parametrize("a", [0.0, 0.3, 1.0])
def test_gaussian_fixed_shrinkage(dgp, a):
    X = minority(dgp, n1=12)
    gen = make_generator("gaussian", shrinkage=a).fit(X, rng_for(0, "fit"))
    S = np.cov(X.T)
    expected = (1 - a) * S + a * np.trace(S) / 3 * np.eye(3)
    np.testing.assert_allclose(gen.covariance_, expected)


def test_gaussian_singular_covariance_samples_on_its_support():
    X = np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 0.0], [2.0, 2.0, 0.0]])
    gen = make_generator("gaussian", shrinkage=0.0).fit(X, rng_for(0, "fit"))
    rows = gen.sample(100, rng_for(1, "g"))
    np.testing.assert_allclose(rows[:, 0], rows[:, 1], atol=1e-9)
    np.testing.assert_allclose(rows[:, 2], 0.0, atol=1e-9)


# -- SMOTE specifics -----------------------------------------------------------------------------


def test_smote_needs_more_rows_than_neighbours(dgp):
    gen = make_generator("smote", k_neighbors=K)
    with pytest.raises(ValueError, match=r"k_neighbors=5.*got 5"):
        gen.fit(minority(dgp, n1=K), rng_for(0, "fit"))
    gen.fit(minority(dgp, n1=K + 1), rng_for(0, "fit"))
    assert gen.sample(20, rng_for(1, "s")).shape == (20, dgp.dim)


def imblearn_smote_rows(X, m, *, k, seed):
    """The m rows imbalanced-learn's SMOTE appends to the minority rows X for ``random_state``."""
    from imblearn.over_sampling import SMOTE

    # imblearn refuses a single class; one majority row changes neither the neighbours (searched
    # within the minority) nor the random stream
    X_all = np.vstack([X, np.zeros((1, X.shape[1]))])
    y_all = np.r_[np.ones(len(X), dtype=int), 0]
    smote = SMOTE(k_neighbors=k, sampling_strategy={1: len(X) + m}, random_state=seed)
    X_res, y_res = smote.fit_resample(X_all, y_all)
    assert np.array_equal(X_res[: len(X_all)], X_all) and np.all(y_res[len(X_all) :] == 1)
    return X_res[len(X_all) :]


@pytest.mark.parametrize(
    ("n1", "dim", "k", "m"),
    [(6, 2, 5, 1), (24, 5, 5, 1024), (200, 5, 5, 1000), (762, 5, 5, 1024), (40, 3, 1, 77),
     (300, 20, 7, 500)],
)  # fmt: skip
def test_smote_draws_exactly_the_rows_of_imbalanced_learn(n1, dim, k, m):
    """The study's SMOTE is pinned, bit for bit, to the library's for the same seed."""
    from augsim.study.seeds import integer_seed

    for trial in range(5):
        X = rng_for(trial, "smote_pin", n1, dim).normal(size=(n1, dim)) + trial
        gen = make_generator("smote", k_neighbors=k).fit(X, rng_for(trial, "fit"))
        draw_rng = rng_for(trial, "draw")
        seed = integer_seed(rng_for(trial, "draw"))  # the seed sample() takes from draw_rng
        assert np.array_equal(gen.sample(m, draw_rng), imblearn_smote_rows(X, m, k=k, seed=seed))


def test_smote_neighbours_are_those_of_scikit_learn():
    from sklearn.neighbors import NearestNeighbors

    from augsim.generators.study import nearest_neighbors

    for n1, dim in [(30, 2), (500, 5), (200, 20)]:
        X = rng_for(0, "neighbours", n1, dim).normal(size=(n1, dim))
        expected = NearestNeighbors(n_neighbors=6).fit(X).kneighbors(X, return_distance=False)
        assert np.array_equal(expected[:, 0], np.arange(n1))  # each row is its own nearest
        assert np.array_equal(nearest_neighbors(X, 5), expected[:, 1:])


def test_smote_zero_rows_draw_nothing(dgp):
    gen = fitted("smote", dgp)
    assert gen.sample(0, rng_for(1, "s")).shape == (0, dgp.dim)


# -- names, parameters, imports ------------------------------------------------------------------


def test_unknown_generator_lists_valid_names():
    with pytest.raises(ValueError, match="valid names: adasyn, biased_oracle, borderline_smote1"):
        make_generator("vae")


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("smote", {"k_neighbors": 0}, "k_neighbors must be an integer >= 1"),
        ("smote", {"k_neighbors": 2.5}, "k_neighbors"),
        (
            "gaussian",
            {"shrinkage": 1.5},
            r"shrinkage must be 'ledoit_wolf' or a number in \[0, 1\]",
        ),
        ("gaussian", {"shrinkage": "oas"}, "shrinkage"),
        ("biased_oracle", {"shift": [1.0, 2.0]}, "shift must be .* 3 finite numbers"),
        ("biased_oracle", {"shift": np.inf}, "shift"),
        ("biased_oracle", {}, "shift"),
        ("scaled_oracle", {"scale": 0.0}, "scale must be a number > 0"),
        ("scaled_oracle", {"scale": "wide"}, "scale must be a number > 0"),
        ("oracle", {"dgp": "gaussian_shared"}, "dgp must be a GaussianMixtureDGP"),
        ("ros", {"k_neighbors": 5}, "k_neighbors"),
        ("adasyn", {"n_neighbors": 0}, "n_neighbors"),
        ("kmeans_smote", {"cluster_balance_threshold": 2.0}, "cluster_balance_threshold"),
        ("rose", {"shrinkage": -1.0}, "shrinkage"),
        ("kde", {"bandwidth": "cv"}, "bandwidth"),
        ("gaussian_mixture", {"max_components": 0}, "max_components"),
        ("svm_smote", {"out_step": np.nan}, "out_step"),
    ],
)
def test_bad_params_name_the_parameter(name, params, message):
    dgp = dgps.make_dgp("gaussian_hetero", **DGP_PARAMS["gaussian_hetero"])
    if name in ("oracle", "biased_oracle", "scaled_oracle"):
        params = {"dgp": dgp} | params
    with pytest.raises(ValueError, match=message):
        make_generator(name, **params)


def test_oracle_checks_the_dimension(dgp):
    with pytest.raises(ValueError, match="dim"):
        make_generator("oracle", dgp=dgp).fit(np.zeros((5, dgp.dim + 1)), rng_for(0, "fit"))


def test_import_does_not_load_sklearn_or_imblearn():
    code = (
        "import sys, augsim, augsim.generators.registry, augsim.generators.study\n"
        "loaded = sorted(m for m in ('sklearn', 'imblearn') if m in sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("a", ["ledoit_wolf", 0.3])
def test_gaussian_limit_keeps_a_fixed_shrinkage(dgp, a):
    mean, cov = mixture_moments(dgp.components(1))
    ((_, limit_mean, limit_cov),) = make_generator("gaussian", shrinkage=a).population_limit(
        dgp, n0=4000, n1=200
    )
    np.testing.assert_allclose(limit_mean, mean)
    expected = cov if a == "ledoit_wolf" else 0.7 * cov + 0.3 * np.trace(cov) / 3 * np.eye(3)
    np.testing.assert_allclose(limit_cov, expected)
    # and it is what a fit on many rows gives
    X = dgp.sample_class(1, 200_000, rng_for(9, "many"))
    fitted_cov = make_generator("gaussian", shrinkage=a).fit(X, rng_for(0, "fit")).covariance_
    np.testing.assert_allclose(fitted_cov, expected, atol=0.02)

"""The imbalanced-learn family and scikit-learn's density models behind the generator interface:
exact counts, nested prefixes against a direct draw (a two-sample test with a control that the
test rejects a wrong order), failures as data, the kernel limits against large samples."""

import numpy as np
import pandas as pd
import pytest

from augsim.generators.registry import GENERATORS, build_generator, generator_module
from augsim.sources import dgps
from augsim.steps.augment import augment_training
from augsim.study.seeds import rng_for

HETERO = dgps.make_dgp("gaussian_hetero", dim=3, mean=[1.0, 1.0, 0.0], spread=2.0)
SPECS = {
    "adasyn": {"name": "adasyn"},
    "borderline_smote1": {"name": "borderline_smote1"},
    "borderline_smote2": {"name": "borderline_smote2"},
    "svm_smote": {"name": "svm_smote"},
    "kmeans_smote": {"name": "kmeans_smote", "params": {"cluster_balance_threshold": 0.1}},
    "rose": {"name": "rose", "params": {"shrinkage": 1.0}},
    "gaussian_mixture": {"name": "gaussian_mixture"},
    "kde": {"name": "kde", "params": {"bandwidth": "scott"}},
}


def replicate(dgp=HETERO, n0=800, n1=40, seed=0):
    rng = rng_for(seed, "replicate")
    return dgp.sample_class(1, n1, rng), dgp.sample_class(0, n0, rng)


def fitted(name, X1, X0, seed=0):
    return build_generator(SPECS[name], HETERO).fit(X1, rng_for(seed, "fit"), X_majority=X0)


def test_every_oversampler_is_registered_and_tested():
    libraries = ("augsim.generators.imbalanced", "augsim.generators.density")
    assert {name for name in GENERATORS if generator_module(name) in libraries} == set(SPECS)


def energy_distance_pvalue(a: np.ndarray, b: np.ndarray, *, permutations=999, seed=0) -> float:
    """Permutation p-value of the energy distance between two equal-sized samples of rows.

    The statistic 2 mean|a - b| - mean|a - a'| - mean|b - b'| is computed for every
    relabelling at once: with labels L (rows x relabellings), the within sums are diag(L' D L).
    """
    pooled = np.vstack([a, b])
    distances = np.linalg.norm(pooled[:, None, :] - pooled[None, :, :], axis=2)
    n, total = len(a), len(pooled)
    rng = np.random.default_rng(seed)
    first = np.zeros((total, permutations + 1))
    first[:n, 0] = 1.0  # column 0: the observed labelling
    for k in range(1, permutations + 1):
        first[rng.permutation(total)[:n], k] = 1.0
    second = 1.0 - first
    within_a = np.einsum("ik,ik->k", first, distances @ first) / n**2
    within_b = np.einsum("ik,ik->k", second, distances @ second) / (total - n) ** 2
    between = np.einsum("ik,ik->k", first, distances @ second) / (n * (total - n))
    energy = 2 * between - within_a - within_b
    return (1 + np.sum(energy[1:] >= energy[0])) / (1 + permutations)


M_PREFIX, M_LARGE = 150, 1200


@pytest.mark.parametrize("name", sorted(SPECS))
def test_a_prefix_of_one_draw_is_a_draw_of_its_size(name):
    """The study uses the first m rows of its draw at the largest gamma: they must not differ
    from a direct draw of m rows beyond sampling error (pooled over draws, one fitted state)."""
    X1, X0 = replicate()
    generator = fitted(name, X1, X0)
    prefix = np.vstack(
        [generator.sample(M_LARGE, rng_for(s, "large"))[:M_PREFIX] for s in range(4)]
    )
    direct = np.vstack([generator.sample(M_PREFIX, rng_for(s, "direct")) for s in range(4)])
    assert energy_distance_pvalue(prefix, direct) > 0.01


def test_the_two_sample_test_rejects_the_library_order():
    """Control: imbalanced-learn's own ADASYN output is grouped by seed row, so its first rows
    are no draw of their size, and the same test says so."""
    X1, X0 = replicate()
    generator = fitted("adasyn", X1, X0)
    library_order = np.vstack(
        [generator._draw(M_LARGE, np.random.RandomState(s))[:M_PREFIX] for s in range(4)]
    )
    direct = np.vstack([generator.sample(M_PREFIX, rng_for(s, "direct")) for s in range(4)])
    assert energy_distance_pvalue(library_order, direct) < 0.01


def test_rose_kernel_is_the_documented_one():
    """ROSE adds N(0, diag((h c(n) s_j)^2)), c(n) = (4 / ((d + 2) n))^(1 / (d + 4)), n = n0 + n1,
    to uniformly resampled minority rows: their covariance is the rows' own plus the kernel."""
    X1, X0 = replicate(n0=800, n1=40)
    generator = build_generator({"name": "rose", "params": {"shrinkage": 1.5}}, HETERO)
    rows = generator.fit(X1, rng_for(0, "fit"), X_majority=X0).sample(200_000, rng_for(1, "d"))
    c = (4 / ((3 + 2) * 840)) ** (1 / (3 + 4))
    kernel = (1.5 * c * X1.std(axis=0)) ** 2
    expected = np.cov(X1.T, bias=True) + np.diag(kernel)
    np.testing.assert_allclose(np.cov(rows.T), expected, atol=0.03 * np.abs(expected).max())
    np.testing.assert_allclose(rows.mean(axis=0), X1.mean(axis=0), atol=0.02)


def test_kde_kernel_is_scotts_isotropic_one():
    X1, _ = replicate(n1=40)
    generator = build_generator(SPECS["kde"], HETERO).fit(X1, rng_for(0, "fit"))
    h = 40 ** (-1 / (3 + 4))
    assert generator.kernel_width(40, 3) == pytest.approx(h)
    rows = generator.sample(200_000, rng_for(1, "d"))
    expected = np.cov(X1.T, bias=True) + h**2 * np.eye(3)
    np.testing.assert_allclose(np.cov(rows.T), expected, atol=0.03 * np.abs(expected).max())


@pytest.mark.parametrize("name", ["rose", "kde"])
def test_kernel_limits_are_the_truth_convolved_with_the_kernel(name):
    from augsim.sources.dgps import mixture_moments

    generator = build_generator(SPECS[name], HETERO)
    limit = generator.population_limit(HETERO, n0=4000, n1=200)
    (truth,) = HETERO.components(1)
    ((weight, mean, cov),) = limit
    assert weight == 1.0
    np.testing.assert_array_equal(mean, truth.mean)
    added = cov - truth.cov
    assert np.allclose(added, np.diag(np.diag(added))) and np.all(np.diag(added) > 0)
    if name == "kde":
        np.testing.assert_allclose(np.diag(added), 200 ** (-2 / 7))
    else:
        c = (4 / (5 * 4200)) ** (1 / 7)
        np.testing.assert_allclose(np.diag(added), c**2 * np.diag(mixture_moments([truth])[1]))
    # the kernel shrinks with n: the limit tends to the truth
    wide = generator.population_limit(HETERO, n0=40_000_000, n1=2_000_000)[0].cov - truth.cov
    assert np.all(np.diag(wide) < np.diag(added) / 3)


def test_neighbour_based_samplers_have_no_closed_form_limit():
    for name in ("adasyn", "borderline_smote1", "borderline_smote2", "svm_smote", "kmeans_smote"):
        generator = build_generator(SPECS[name], HETERO)
        assert not type(generator).exact_limit
        assert generator.population_limit(HETERO, n0=4000, n1=200) is None
    mixture = build_generator({"name": "gaussian_mixture", "params": {"max_components": 1}}, HETERO)
    two = dgps.make_dgp("minority_mixture", dim=3, means=[[2, 0, 0], [0, 2, 0]], weights=[0.5, 0.5])
    assert mixture.population_limit(two, n0=4000, n1=200) is None  # one component cannot
    assert len(mixture.population_limit(HETERO, n0=4000, n1=200)) == 1


def test_exactly_m_rows_whatever_the_library_count():
    X1, X0 = replicate(n0=400, n1=20)
    for name in SPECS:
        generator = fitted(name, X1, X0)
        for m in (1, 7, 380):
            assert generator.sample(m, rng_for(m, "count")).shape == (m, 3), (name, m)


def _sphere_inside_the_majority(n0=200, n1=10, seed=0):
    """Minority rows spread on the unit sphere inside a standard normal majority: every
    minority row's 10 nearest rows are majority rows (all support vectors are noise)."""
    i = np.arange(n1) + 0.5
    phi, theta = np.arccos(1 - 2 * i / n1), np.pi * (1 + 5**0.5) * i
    sphere = np.c_[np.cos(theta) * np.sin(phi), np.sin(theta) * np.sin(phi), np.cos(phi)]
    return sphere, np.random.default_rng(seed).standard_normal((n0, 3))


def _separated(n0=200, n1=10, seed=0):
    far = dgps.make_dgp("gaussian_shared", dim=3, shift=20.0)
    rng = rng_for(seed, "far")
    return far.sample_class(1, n1, rng), far.sample_class(0, n0, rng)


def _overlapping(n0=200, n1=10, seed=0):
    same = dgps.make_dgp("gaussian_shared", dim=3, shift=0.0)
    rng = rng_for(seed, "same")
    return same.sample_class(1, n1, rng), same.sample_class(0, n0, rng)


# Each library failure, triggered on purpose in replicate 1 of a chunk whose replicate 0 is an
# ordinary one: (spec, the failing replicate's rows, the library's message)
FAILURES = {
    "kmeans_smote": (
        {"name": "kmeans_smote", "params": {"cluster_balance_threshold": 0.1}},
        _overlapping,  # no cluster reaches a minority share of 0.1: the classes are one cloud
        "No clusters found",
    ),
    "adasyn": ({"name": "adasyn"}, _separated, "Not any neigbours belong to the majority"),
    "svm_smote": ({"name": "svm_smote"}, _sphere_inside_the_majority, "considered as noise"),
    "borderline_smote1": (
        {"name": "borderline_smote1"},
        _separated,
        "no minority row is in danger",
    ),
}


@pytest.mark.parametrize("name", sorted(FAILURES))
def test_library_failures_are_failed_replicates_not_crashes(name):
    from augsim.models.registry import make_model
    from augsim.sources.simulate import simulate_test
    from augsim.steps import aggregate
    from augsim.steps.evaluate import evaluate_fits
    from augsim.steps.fit import fit_replicates
    from augsim.study.methods import Role

    spec, failing, message = FAILURES[name]
    ordinary = replicate(n0=200, n1=10)
    rows = [np.vstack([X0, X1]) for X1, X0 in (ordinary, failing())]
    y = np.repeat(np.array([0, 1], dtype=np.int8), [200, 10])
    train = {"X": np.stack(rows), "y": y, "replicate": np.array([0, 1])}
    synthetic = augment_training(
        train, lambda: build_generator(spec, HETERO), m_max=190, seed=1, scenario="f/n210",
        generator_key=name,
    )  # fmt: skip
    assert synthetic["error"][0] == "" and message in synthetic["error"][1]
    fits = fit_replicates(
        train, synthetic, lambda: make_model("logistic"), role=Role.RESAMPLER, gammas=[1.0]
    )
    test = simulate_test(HETERO, rows_per_class=200, seed=1, dgp_key="f")
    metric_rows = evaluate_fits(
        fits, test, model=make_model("logistic"), prevalences={"training": 10 / 210},
        population=HETERO, bayes=None, class_counts=(200, 10),
    )  # fmt: skip
    cell = {"dgp": "f", "n": 210, "model": "logistic", "method": name}
    replicates = pd.DataFrame(cell | metric_rows)
    summary = aggregate.summarise(replicates)
    assert (summary["n_failed"] == 1).all() and (summary["n_ok"] == 1).all()
    (failure,) = aggregate.failures(replicates).itertuples()
    assert failure.replicate == 1 and message in failure.error

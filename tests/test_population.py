"""augsim.population against Monte Carlo, closed forms, slow quadrature references and sklearn.

Monte Carlo standard errors come from batch means: the 10^6 i.i.d. rows are split into 25
disjoint batches (each with 1/25 of either class), the metric is computed on each, and the
standard error of the full-sample value is the batch standard deviation / sqrt(25). This relies
only on the metrics' variance scaling as 1/n, which holds for all four (AUROC and AUPRC are smooth
functionals of the empirical class distributions; the best-threshold metrics fluctuate, to first
order, like the metric at the population-optimal threshold).
"""

import numpy as np
import pytest
from scipy import integrate, optimize, special, stats

from augsim.metrics.ranking import score_metrics
from augsim.metrics.registry import RANKING
from augsim.population.bayes import _numeric_bayes_metrics, bayes_metrics
from augsim.population.linear import linear_metrics
from augsim.population.projection import (
    _loss_moments,
    _risk,
    _RiskTerm,
    projection,
    projection_curve,
)
from augsim.sources.dgps import Component, GaussianMixtureDGP, make_dgp
from augsim.study.seeds import rng_for

ROOT_SEED = 2026
N_MC = 1_000_000
N_BATCHES = 25
WEIGHTS = (0.05, 0.2, 0.5, 0.8, 0.95)
COEF = np.array([1.0, 0.6, -0.4, 0.2, 0.3])  # an arbitrary linear score


def _shared():
    return make_dgp("gaussian_shared", dim=5, shift=1.5)


def _hetero():
    return make_dgp("gaussian_hetero", dim=5, mean=[1, 1, 0, 0, 0], spread=2)


def _mixture():
    means = [[2, 0, 0, 0, 0], [0, 2, 0, 0, 0]]
    return make_dgp("minority_mixture", dim=5, means=means, weights=[0.7, 0.3])


def _correlated():
    """Well-specified with a non-diagonal shared covariance: the LLR coef is S^-1 (mu1 - mu0)."""
    cov = 0.5 * np.eye(3) + 0.5 * np.ones((3, 3))
    return GaussianMixtureDGP(
        "correlated",
        majority=[Component(1.0, np.array([0.0, 0.5, 0.0]), cov)],
        minority=[Component(1.0, np.array([1.0, -0.5, 0.8]), cov)],
    )


DGPS = {"gaussian_shared": _shared, "gaussian_hetero": _hetero, "minority_mixture": _mixture}


@pytest.fixture(scope="module")
def samples():
    """10^6 rows (half per class) of each DGP, from fixed seeds."""
    out = {}
    for name, factory in DGPS.items():
        dgp = factory()
        X, y = dgp.sample(N_MC // 2, N_MC // 2, rng_for(ROOT_SEED, "test_population", name))
        out[name] = (dgp, X, y)
    return out


def _mc_metrics(y, scores, prevalence):
    """``score_metrics`` of all rows (dict) and batch-means standard errors (dict)."""
    full = score_metrics(y, scores, prevalence=prevalence)
    split = [np.array_split(np.flatnonzero(y == label), N_BATCHES) for label in (0, 1)]
    per_batch = np.array(
        [
            [score_metrics(y[rows], scores[rows], prevalence=prevalence)[k] for k in RANKING]
            for rows in map(np.concatenate, zip(*split, strict=True))
        ]
    )
    stderr = per_batch.std(axis=0, ddof=1) / np.sqrt(N_BATCHES)
    return full, dict(zip(RANKING, stderr, strict=True))


# ---------------------------------------------------------------------------------------------
# An independent slow reference for normal-mixture score laws: quad, dense grid, bounded search.
# ---------------------------------------------------------------------------------------------


def _score_laws(dgp, coef):
    laws = []
    for label in (1, 0):
        comps = dgp.components(label)
        laws.append(
            (
                np.array([c.weight for c in comps]),
                np.array([c.mean @ coef for c in comps]),
                np.array([np.sqrt(coef @ c.cov @ coef) for c in comps]),
            )
        )
    return laws


def _reference_metrics(dgp, coef, prevalence):
    (w1, m1, s1), (w0, m0, s0) = _score_laws(dgp, coef)
    pi = prevalence

    def tpr(t):
        return special.ndtr((m1 - np.asarray(t)[..., None]) / s1) @ w1

    def fpr(t):
        return special.ndtr((m0 - np.asarray(t)[..., None]) / s0) @ w0

    def dens1(t):
        return stats.norm.pdf(np.asarray(t)[..., None], m1, s1) @ w1

    def precision(t):
        return pi * tpr(t) / (pi * tpr(t) + (1 - pi) * fpr(t))

    lo, hi = min(m1 - 12 * s1), max(m1 + 12 * s1)
    kinks = sorted(p for p in np.concatenate([m1, m0]) if lo < p < hi)
    quad = {"epsabs": 1e-13, "epsrel": 1e-12, "limit": 500, "points": kinks}
    auroc = integrate.quad(lambda t: dens1(t) * (1 - fpr(t)), lo, hi, **quad)[0]
    auprc = integrate.quad(lambda t: dens1(t) * precision(t), lo, hi, **quad)[0]
    grid = np.linspace(min(lo, *(m0 - 12 * s0)), max(hi, *(m0 + 12 * s0)), 100_001)

    def best(criterion, floor):
        i = int(np.argmax(criterion(grid)))
        bounds = (grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)])
        res = optimize.minimize_scalar(
            lambda t: -criterion(t), bounds=bounds, method="bounded", options={"xatol": 1e-10}
        )
        return max(floor, -res.fun)

    return {
        "auroc": auroc,
        "auprc": auprc,
        "best_balanced_accuracy": best(lambda t: (tpr(t) - fpr(t) + 1) / 2, 0.5),
        "best_f1": best(
            lambda t: 2 * pi * tpr(t) / (pi * tpr(t) + pi + (1 - pi) * fpr(t)), 2 * pi / (1 + pi)
        ),
    }


# ---------------------------------------------------------------------------------------------
# linear_metrics
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("prevalence", [0.05, 0.5])
@pytest.mark.parametrize("name", list(DGPS))
def test_linear_metrics_match_monte_carlo(samples, name, prevalence):
    dgp, X, y = samples[name]
    exact = linear_metrics(dgp, COEF, -0.7, prevalence=prevalence)
    mc, stderr = _mc_metrics(y, X @ COEF - 0.7, prevalence)
    for k in RANKING:
        assert abs(exact[k] - mc[k]) < 4 * stderr[k], (k, exact[k], mc[k], stderr[k])


@pytest.mark.parametrize("prevalence", [0.01, 0.05, 0.5, 0.9])
@pytest.mark.parametrize("name", list(DGPS))
def test_linear_metrics_match_slow_reference(name, prevalence):
    dgp = DGPS[name]()
    exact = linear_metrics(dgp, COEF, 0.3, prevalence=prevalence)
    reference = _reference_metrics(dgp, COEF, prevalence)
    for k in RANKING:
        assert exact[k] == pytest.approx(reference[k], abs=1e-9), k


def test_linear_metrics_of_a_two_peaked_criterion():
    """Components of very different spreads, far apart: several local maxima and sharp
    features that a plain Gauss-Hermite rule or a coarse grid would miss."""
    dgp = GaussianMixtureDGP(
        "two_peaks",
        majority=[
            Component(0.5, np.zeros(2), np.eye(2)),
            Component(0.5, np.array([6.0, 0.0]), 0.01 * np.eye(2)),
        ],
        minority=[
            Component(0.9, np.array([3.0, 0.0]), 4 * np.eye(2)),
            Component(0.1, np.array([-30.0, 1.0]), np.eye(2)),
        ],
    )
    for coef in ([1.0, 0.0], [0.7, -0.3]):
        for prevalence in (0.05, 0.5):
            exact = linear_metrics(dgp, np.array(coef), 0.0, prevalence=prevalence)
            reference = _reference_metrics(dgp, np.array(coef), prevalence)
            for k in RANKING:
                assert exact[k] == pytest.approx(reference[k], abs=1e-9), (coef, k)


def test_linear_metrics_invariances():
    dgp = _mixture()
    base = linear_metrics(dgp, COEF, 0.0, prevalence=0.1)
    for scale, shift in [(3.0, 5.0), (1e-200, 0.0), (1e200, -1e10)]:
        moved = linear_metrics(dgp, scale * COEF, shift, prevalence=0.1)
        for k in RANKING:
            assert moved[k] == pytest.approx(base[k], abs=1e-13), (scale, k)
    flipped = linear_metrics(dgp, -COEF, 0.0, prevalence=0.1)
    assert flipped["auroc"] == pytest.approx(1 - base["auroc"], abs=1e-14)
    other = linear_metrics(dgp, COEF, 0.0, prevalence=0.7)
    for k in ("auroc", "best_balanced_accuracy"):  # prevalence-free
        assert other[k] == pytest.approx(base[k], abs=1e-13)


def test_linear_metrics_of_a_constant_score():
    pi = 0.2
    got = linear_metrics(_hetero(), np.zeros(5), 1.3, prevalence=pi)
    assert got == {
        "auroc": 0.5,
        "auprc": pi,
        "best_balanced_accuracy": 0.5,
        "best_f1": pytest.approx(2 * pi / (1 + pi)),
    }


@pytest.mark.parametrize("prevalence", [0.0, 1.0, -0.1, 1.5, float("nan"), True, "0.5"])
def test_linear_metrics_rejects_bad_prevalence(prevalence):
    with pytest.raises(ValueError, match=r"prevalence.*\(0, 1\)"):
        linear_metrics(_shared(), COEF, 0.0, prevalence=prevalence)


@pytest.mark.parametrize(
    "coef", [np.ones(4), np.ones((5, 1)), np.array([1.0, np.nan, 0, 0, 0]), np.full(5, np.inf)]
)
def test_linear_metrics_rejects_bad_coef(coef):
    with pytest.raises(ValueError, match=r"coef must be 5 finite numbers"):
        linear_metrics(_shared(), coef, 0.0, prevalence=0.5)
    with pytest.raises(ValueError, match="intercept"):
        linear_metrics(_shared(), COEF, float("nan"), prevalence=0.5)


# ---------------------------------------------------------------------------------------------
# bayes_metrics
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("shift", [0.5, 1.5, 3.0])
def test_bayes_metrics_closed_forms_for_shared_gaussians(shift):
    """Bayes score ~ x_1: N(0, 1) against N(shift, 1). AUROC = Phi(shift / sqrt 2); balanced
    accuracy peaks where the densities cross, at t = shift / 2: Phi(shift / 2)."""
    dgp = make_dgp("gaussian_shared", dim=5, shift=shift)
    for prevalence in (0.05, 0.5):
        got = bayes_metrics(dgp, prevalence=prevalence)
        assert got["auroc"] == pytest.approx(special.ndtr(shift / np.sqrt(2)), abs=1e-10)
        assert got["best_balanced_accuracy"] == pytest.approx(special.ndtr(shift / 2), abs=1e-10)
        reference = _reference_metrics(dgp, np.eye(5)[0], prevalence)
        for k in ("auprc", "best_f1"):
            assert got[k] == pytest.approx(reference[k], abs=1e-9)


def test_bayes_metrics_of_a_correlated_linear_dgp():
    dgp = _correlated()
    (neg,), (pos,) = dgp.components(0), dgp.components(1)
    delta = pos.mean - neg.mean
    mahalanobis = np.sqrt(delta @ np.linalg.solve(pos.cov, delta))
    got = bayes_metrics(dgp, prevalence=0.1)
    assert got["auroc"] == pytest.approx(special.ndtr(mahalanobis / np.sqrt(2)), abs=1e-10)
    assert got["best_balanced_accuracy"] == pytest.approx(special.ndtr(mahalanobis / 2), abs=1e-10)


@pytest.mark.slow
@pytest.mark.parametrize("prevalence", [0.05, 0.5])
def test_numeric_bayes_method_on_a_linear_dgp(prevalence):
    """The numeric method, forced on a linear DGP, against the exact values: error < 1e-4."""
    dgp = _shared()
    exact = bayes_metrics(dgp, prevalence=prevalence)
    estimate, stderr = _numeric_bayes_metrics(dgp, prevalence=prevalence)
    for k in RANKING:
        assert abs(estimate[k] - exact[k]) < 1e-4, (k, estimate[k], exact[k])
        assert stderr[k] < 1e-4


def test_numeric_bayes_method_on_well_specified_hetero():
    """spread = 1 makes gaussian_hetero linear (exact path), with |mu| = sqrt 2: AUROC =
    Phi(1), best balanced accuracy = Phi(sqrt 2 / 2). The numeric path agrees even with few
    points."""
    dgp = make_dgp("gaussian_hetero", dim=5, mean=[1, 1, 0, 0, 0], spread=1)
    assert dgp.llr_is_linear
    exact = bayes_metrics(dgp, prevalence=0.1)
    assert exact["auroc"] == pytest.approx(special.ndtr(1.0), abs=1e-10)
    assert exact["best_balanced_accuracy"] == pytest.approx(special.ndtr(np.sqrt(0.5)), abs=1e-10)
    estimate, _ = _numeric_bayes_metrics(dgp, prevalence=0.1, n_points=2**16)
    for k in RANKING:
        assert abs(estimate[k] - exact[k]) < 1e-4, k


def _mixture_bayes_reference(prevalence):
    """Bayes metrics of ``_mixture()`` by nested 1-D quadrature, independent of the sampler.

    L = log(0.7 e^{2 x1 - 2} + 0.3 e^{2 x2 - 2}) depends on (x1, x2) only and increases in x2,
    so P(L > t) = P(x1 > x1*) + int_{x1 < x1*} phi(x1 - a1) P(x2 > x2*(x1, t)) dx1, with
    x1* = (t - log 0.7 + 2) / 2 where the x2 term is needed. TPR and FPR on a fine t-grid then
    give AUROC and AUPRC as Stieltjes sums (midpoint precision) and the best-threshold metrics
    as grid maxima.
    """
    edges = np.linspace(0.0, 24.0, 49)
    gx, gw = np.polynomial.legendre.leggauss(8)
    half, mid = np.diff(edges) / 2, (edges[:-1] + edges[1:]) / 2
    u, u_weights = (mid[:, None] + half[:, None] * gx).ravel(), (half[:, None] * gw).ravel()

    def survival(t, a1, a2):
        x1_star = (t[:, None] - np.log(0.7) + 2) / 2
        x1 = x1_star - u  # below x1*, where 0.3 e^{2 x2 - 2} must exceed e^t - 0.7 e^{2 x1 - 2}
        log_gap = t[:, None] + np.log1p(-np.exp(np.log(0.7) + 2 * x1 - 2 - t[:, None]))
        x2_star = (log_gap - np.log(0.3) + 2) / 2
        inner = np.exp(-0.5 * (x1 - a1) ** 2) * special.ndtr(a2 - x2_star) / np.sqrt(2 * np.pi)
        return inner @ u_weights + special.ndtr(a1 - x1_star[:, 0])

    t = np.linspace(-25.0, 25.0, 4001)
    mid_t = (t[:-1] + t[1:]) / 2
    tpr, fpr = 0.7 * survival(t, 2, 0) + 0.3 * survival(t, 0, 2), survival(t, 0, 0)
    tpr_mid, fpr_mid = (
        0.7 * survival(mid_t, 2, 0) + 0.3 * survival(mid_t, 0, 2),
        survival(mid_t, 0, 0),
    )
    pi, d_tpr = prevalence, -np.diff(tpr)
    all_tpr, all_fpr = np.concatenate([tpr, tpr_mid]), np.concatenate([fpr, fpr_mid])
    return {
        "auroc": float(d_tpr @ (1 - fpr_mid)),
        "auprc": float(d_tpr @ (pi * tpr_mid / (pi * tpr_mid + (1 - pi) * fpr_mid))),
        "best_balanced_accuracy": float(np.max((all_tpr - all_fpr + 1) / 2)),
        "best_f1": float(np.max(2 * pi * all_tpr / (pi * all_tpr + pi + (1 - pi) * all_fpr))),
    }


@pytest.fixture(scope="module")
def numeric_bayes():
    """Default-size numeric Bayes metrics and standard errors at prevalence 0.05."""
    return {
        name: _numeric_bayes_metrics(DGPS[name](), prevalence=0.05)
        for name in ("gaussian_hetero", "minority_mixture")
    }


@pytest.mark.slow
@pytest.mark.parametrize("name", ["gaussian_hetero", "minority_mixture"])
def test_numeric_bayes_metrics_are_precise_and_deterministic(numeric_bayes, name):
    estimate, stderr = numeric_bayes[name]
    assert max(stderr.values()) < 1e-4
    assert bayes_metrics(DGPS[name](), prevalence=0.05) == estimate  # fixed seeds
    assert bayes_metrics(DGPS[name](), prevalence=0.05) == estimate  # from the cache


@pytest.mark.slow
def test_numeric_bayes_metrics_match_a_quadrature_reference(numeric_bayes):
    """On a non-linear DGP, against nested quadrature: the numeric method's error < 1e-4."""
    estimate, _ = numeric_bayes["minority_mixture"]
    reference = _mixture_bayes_reference(0.05)
    for k in RANKING:
        assert abs(estimate[k] - reference[k]) < 1e-4, (k, estimate[k], reference[k])


@pytest.mark.slow
@pytest.mark.parametrize("name", ["gaussian_hetero", "minority_mixture"])
def test_numeric_bayes_metrics_match_monte_carlo(samples, numeric_bayes, name):
    dgp, X, y = samples[name]
    estimate, _ = numeric_bayes[name]
    mc, stderr = _mc_metrics(y, dgp.log_likelihood_ratio(X), 0.05)
    for k in RANKING:
        assert abs(estimate[k] - mc[k]) < 4 * stderr[k] + 1e-4, (k, estimate[k], mc[k])


@pytest.mark.slow
@pytest.mark.parametrize("name", ["gaussian_hetero", "minority_mixture"])
def test_bayes_metrics_dominate_linear_scores(numeric_bayes, name):
    """The likelihood ratio is optimal for all four metrics (Neyman-Pearson): no linear score,
    the projections included, beats it beyond the numeric error."""
    dgp = DGPS[name]()
    bayes, _ = numeric_bayes[name]
    coefs = [COEF] + [projection(dgp, minority_weight=w)[1] for w in WEIGHTS]
    for coef in coefs:
        linear = linear_metrics(dgp, coef, 0.0, prevalence=0.05)
        for k in RANKING:
            assert linear[k] < bayes[k] + 1e-4, k
        assert linear["auroc"] < bayes["auroc"] - 1e-3  # misspecified: a real gap


# ---------------------------------------------------------------------------------------------
# projection
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("w", WEIGHTS)
def test_projection_closed_form_for_shared_gaussians(w):
    """Well specified: the weighted-risk minimiser is the weighted posterior's logit,
    LLR + log(w / (1 - w)) = shift x_1 - shift^2 / 2 + log(w / (1 - w))."""
    shift = 1.5
    intercept, coef = projection(_shared(), minority_weight=w)
    assert intercept == pytest.approx(-(shift**2) / 2 + np.log(w / (1 - w)), abs=1e-10)
    np.testing.assert_allclose(coef, [shift, 0, 0, 0, 0], rtol=0, atol=1e-10)


@pytest.mark.parametrize("factory", [_shared, _correlated])
def test_projection_direction_and_metrics_are_flat_when_well_specified(factory):
    dgp = factory()
    (neg,), (pos,) = dgp.components(0), dgp.components(1)
    llr_coef = np.linalg.solve(pos.cov, pos.mean - neg.mean)
    rows = projection_curve(dgp, WEIGHTS, prevalence=0.05)
    for row in rows:
        cosine = row["coef"] @ llr_coef / np.linalg.norm(row["coef"]) / np.linalg.norm(llr_coef)
        assert cosine > 1 - 1e-8
    bayes = bayes_metrics(dgp, prevalence=0.05)
    for k in RANKING:
        values = [row[k] for row in rows]
        assert max(values) - min(values) < 1e-8, k
        assert values[0] == pytest.approx(bayes[k], abs=1e-10)


@pytest.mark.slow
@pytest.mark.parametrize("w", [0.05, 0.5])
def test_projection_matches_weighted_sklearn_fit(w):
    """Misspecified (hetero, spread 2): an unpenalised weighted fit on 10^6 rows estimates the
    projection; it must lie within 4 sandwich standard errors, per coordinate."""
    from sklearn.linear_model import LogisticRegression

    dgp = _hetero()
    n0 = n1 = N_MC // 2
    X, y = dgp.sample(n0, n1, rng_for(ROOT_SEED, "test_population", "sklearn", int(100 * w)))
    sample_weight = np.where(y == 1, w * N_MC / n1, (1 - w) * N_MC / n0)
    model = LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-10, max_iter=100)
    model.fit(X, y, sample_weight=sample_weight)
    fitted = np.concatenate([model.intercept_, model.coef_[0]])

    intercept, coef = projection(dgp, minority_weight=w)
    stderr = _sandwich_stderr(X, y, sample_weight, fitted)
    np.testing.assert_array_less(np.abs(fitted - np.concatenate([[intercept], coef])), 4 * stderr)


def _sandwich_stderr(X, y, sample_weight, theta):
    """Standard errors (d+1,) of a weighted logistic M-estimator from stratified classes:
    H^-1 V H^-1 / n with V the within-class covariance of the per-row gradients."""
    design = np.column_stack([np.ones(len(X)), X])
    p = special.expit(design @ theta)
    hessian = (design * (sample_weight * p * (1 - p))[:, None]).T @ design / len(X)
    grads = (sample_weight * (p - y))[:, None] * design
    v = sum(np.cov(grads[y == label].T) * np.mean(y == label) for label in (0, 1))
    h_inv = np.linalg.inv(hessian)
    return np.sqrt(np.diag(h_inv @ v @ h_inv) / len(X))


@pytest.mark.parametrize("name", list(DGPS))
@pytest.mark.parametrize("share", [0.3, 1.0])
def test_projection_with_the_true_minority_as_synthetic_is_unchanged(name, share):
    dgp = DGPS[name]()
    b0, c0 = projection(dgp, minority_weight=0.3)
    b1, c1 = projection(
        dgp, minority_weight=0.3, synthetic_components=dgp.components(1), synthetic_share=share
    )
    assert b1 == pytest.approx(b0, abs=1e-10)
    np.testing.assert_allclose(c1, c0, rtol=0, atol=1e-10)


def test_projection_with_only_synthetic_minority():
    """share = 1 replaces the minority: the same as a DGP whose minority is the synthetic one,
    and a singular synthetic covariance is allowed."""
    dgp = _hetero()
    synthetic = [
        Component(0.6, np.array([1.5, 0.5, 0, 0, 0]), np.diag([1.0, 2.0, 1.0, 0.0, 1.0])),
        Component(0.4, np.array([0.0, 1.0, 0, 0, 0]), 0.5 * np.eye(5)),
    ]
    b1, c1 = projection(dgp, minority_weight=0.4, synthetic_components=synthetic, synthetic_share=1)
    regular = [
        Component(0.6, synthetic[0].mean, np.diag([1.0, 2.0, 1.0, 1e-300, 1.0])),
        synthetic[1],
    ]
    swapped = GaussianMixtureDGP("swapped", majority=dgp.components(0), minority=regular)
    b0, c0 = projection(swapped, minority_weight=0.4)
    assert b1 == pytest.approx(b0, abs=1e-10)
    np.testing.assert_allclose(c1, c0, rtol=0, atol=1e-10)


def test_projection_moves_with_weight_when_misspecified():
    rows = projection_curve(_hetero(), WEIGHTS, prevalence=0.05)
    aurocs = [row["auroc"] for row in rows]
    assert max(aurocs) - min(aurocs) > 1e-3


def test_projection_curve_rows():
    dgp = _mixture()
    rows = projection_curve(dgp, [0.1, 0.6], prevalence=0.2)
    assert [row["minority_weight"] for row in rows] == [0.1, 0.6]
    for row in rows:
        intercept, coef = projection(dgp, minority_weight=row["minority_weight"])
        assert row["intercept"] == intercept
        np.testing.assert_array_equal(row["coef"], coef)
        assert {k: row[k] for k in RANKING} == linear_metrics(dgp, coef, intercept, prevalence=0.2)


def test_risk_gradient_and_hessian_match_finite_differences():
    dgp = _mixture()
    terms = [_RiskTerm(0.7 * c.weight, c.mean, c.cov, 0) for c in dgp.components(0)]
    terms += [_RiskTerm(0.3 * c.weight, c.mean, c.cov, 1) for c in dgp.components(1)]
    theta = np.array([-0.4, 0.9, 0.5, -0.3, 0.2, 0.1])
    _, grad, hess = _risk(terms, theta)
    eps = 1e-5
    for i in range(theta.size):
        step = eps * np.eye(theta.size)[i]
        up, down = _risk(terms, theta + step), _risk(terms, theta - step)
        assert (up[0] - down[0]) / (2 * eps) == pytest.approx(grad[i], abs=1e-8)
        np.testing.assert_allclose((up[1] - down[1]) / (2 * eps), hess[i], rtol=0, atol=1e-8)


@pytest.mark.parametrize("sd", [0.3, 5.0, 30.0])
@pytest.mark.parametrize("mean", [-4.0, 0.5, 12.0])
def test_loss_moments_match_quadrature(mean, sd):
    """E[h^(k)(s)] for s ~ N(mean, sd^2); wide scores are where 100-node Gauss-Hermite fails."""
    got = _loss_moments(mean, sd, 1)

    def expect(g):
        lo, hi = mean - 12 * sd, mean + 12 * sd
        points = [p for p in (0.0, mean) if lo < p < hi]
        integrand = lambda s: g(s) * stats.norm.pdf(s, mean, sd)  # noqa: E731
        return integrate.quad(integrand, lo, hi, points=points, epsabs=1e-14, limit=500)[0]

    sig = special.expit
    assert got[0] == pytest.approx(expect(lambda s: np.logaddexp(0, -s)), abs=1e-11)
    assert got[1] == pytest.approx(expect(lambda s: -sig(-s)), abs=1e-11)
    assert got[2] == pytest.approx(expect(lambda s: sig(s) * sig(-s)), abs=1e-11)


@pytest.mark.parametrize("w", [0.0, 1.0, -0.2, 1.2, float("nan")])
def test_projection_rejects_bad_weight(w):
    with pytest.raises(ValueError, match=r"minority_weight.*\(0, 1\)"):
        projection(_shared(), minority_weight=w)


@pytest.mark.parametrize("share", [-0.1, 1.5, float("nan")])
def test_projection_rejects_bad_share(share):
    with pytest.raises(ValueError, match=r"synthetic_share.*\[0, 1\]"):
        projection(_shared(), minority_weight=0.5, synthetic_share=share)


def test_projection_rejects_bad_synthetic_components():
    dgp = _shared()
    with pytest.raises(ValueError, match="synthetic_components"):
        projection(dgp, minority_weight=0.5, synthetic_share=0.5)
    bad = [Component(1.0, np.zeros(3), np.eye(3))]
    with pytest.raises(ValueError, match="synthetic component 0"):
        projection(dgp, minority_weight=0.5, synthetic_components=bad, synthetic_share=0.5)
    unnormalised = [Component(0.5, np.zeros(5), np.eye(5))]
    with pytest.raises(ValueError, match="synthetic weights"):
        projection(dgp, minority_weight=0.5, synthetic_components=unnormalised, synthetic_share=1)


@pytest.mark.parametrize("name", sorted(DGPS))
def test_linear_metrics_at_several_prevalences_are_those_at_each(name):
    from augsim.population.linear import linear_metrics_at

    dgp = DGPS[name]()
    prevalences = [0.05, 0.5, 0.2]
    together = linear_metrics_at(dgp, COEF, 0.3, prevalences)
    for p, values in zip(prevalences, together, strict=True):
        assert values == linear_metrics(dgp, COEF, 0.3, prevalence=p)  # bit for bit
    assert linear_metrics_at(dgp, 0 * COEF, 0.0, [0.2])[0]["auprc"] == 0.2


# ---------------------------------------------------------------------------------------------
# linear_calibration_at
# ---------------------------------------------------------------------------------------------

N_MC_CALIBRATION = 2_000_000  # rows per class


@pytest.fixture(scope="module")
def calibration_samples():
    """2 x 10^6 rows per class of two misspecified DGPs, kept as the scores X @ COEF."""
    out = {}
    for name in ("gaussian_hetero", "minority_mixture"):
        dgp = DGPS[name]()
        rng = rng_for(ROOT_SEED, "test_population", "calibration", name)
        X, y = dgp.sample(N_MC_CALIBRATION, N_MC_CALIBRATION, rng)
        out[name] = (dgp, X @ COEF, y)
    return out


def _mc_calibration(y, scores, prevalence):
    """Calibration metrics of a balanced sample reweighted to ``prevalence`` (dict), and their
    standard errors (dict): per-class variances for the losses, the sandwich for the fit."""
    from augsim.metrics.calibration import calibration_metrics_at

    (mc,) = calibration_metrics_at(y, scores, [prevalence])
    pos = y == 1
    stderr = {}
    for name, loss_pos, loss_neg in (
        ("brier", special.expit(-scores[pos]) ** 2, special.expit(scores[~pos]) ** 2),
        ("log_loss", np.logaddexp(0, -scores[pos]), np.logaddexp(0, scores[~pos])),
    ):
        variance = prevalence**2 * loss_pos.var() / pos.sum()
        stderr[name] = np.sqrt(variance + (1 - prevalence) ** 2 * loss_neg.var() / (~pos).sum())
    weight = np.where(pos, prevalence / pos.mean(), (1 - prevalence) / (1 - pos.mean()))
    theta = np.array([mc["calibration_intercept"], mc["calibration_slope"]])
    se_intercept, se_slope = _sandwich_stderr(scores[:, None], y, weight, theta)
    stderr |= {"calibration_intercept": se_intercept, "calibration_slope": se_slope}
    return mc, stderr


@pytest.mark.parametrize("prevalence", [0.05, 0.5])
@pytest.mark.parametrize("name", ["gaussian_hetero", "minority_mixture"])
def test_linear_calibration_matches_monte_carlo(calibration_samples, name, prevalence):
    from augsim.metrics.registry import CALIBRATION
    from augsim.population.calibration import linear_calibration_at

    dgp, projected, y = calibration_samples[name]
    intercept = -0.7
    (exact,) = linear_calibration_at(dgp, COEF, intercept, [prevalence])
    mc, stderr = _mc_calibration(y, projected + intercept, prevalence)
    for k in CALIBRATION:
        assert abs(exact[k] - mc[k]) < 4 * stderr[k], (k, exact[k], mc[k], stderr[k])
    assert abs(exact["calibration_slope"] - 1) > 0.02  # misspecified: not trivially calibrated


def _reference_calibration(dgp, coef, intercept, prevalence):
    """The four calibration metrics by adaptive quadrature per component and a root finder on
    the population score equations: independent of the composite rule and of Newton."""
    (w1, m1, s1), (w0, m0, s0) = _score_laws(dgp, coef)
    pi = prevalence

    def expect(weights, means, sds, g):
        total = 0.0
        for w, m, sd in zip(weights, means + intercept, sds, strict=True):
            lo, hi = m - 12 * sd, m + 12 * sd
            points = [p for p in (0.0, m) if lo < p < hi]
            integrand = lambda s, m=m, sd=sd: g(s) * stats.norm.pdf(s, m, sd)  # noqa: E731
            total += w * integrate.quad(integrand, lo, hi, points=points, epsabs=1e-14)[0]
        return total

    def both(g_pos, g_neg):
        return pi * expect(w1, m1, s1, g_pos) + (1 - pi) * expect(w0, m0, s0, g_neg)

    # Solved for the standardised score u = (s - centre) / spread, from the intercept-only fit.
    centre = both(lambda s: s, lambda s: s)
    spread = np.sqrt(both(lambda s: (s - centre) ** 2, lambda s: (s - centre) ** 2))

    def score_equations(theta):
        a, b = theta
        gap_pos = lambda s: -special.expit(-(a + b * (s - centre) / spread))  # noqa: E731
        gap_neg = lambda s: special.expit(a + b * (s - centre) / spread)  # noqa: E731
        return [
            both(gap_pos, gap_neg),
            both(lambda s: (s - centre) * gap_pos(s), lambda s: (s - centre) * gap_neg(s)),
        ]

    root = optimize.root(score_equations, [np.log(pi / (1 - pi)), 0.0], tol=1e-13)
    assert root.success
    slope = root.x[1] / spread
    return {
        "brier": both(lambda s: special.expit(-s) ** 2, lambda s: special.expit(s) ** 2),
        "log_loss": both(lambda s: np.logaddexp(0, -s), lambda s: np.logaddexp(0, s)),
        "calibration_intercept": root.x[0] - slope * centre,
        "calibration_slope": slope,
    }


@pytest.mark.parametrize(
    ("name", "scale", "intercept"),
    [
        ("gaussian_hetero", 1.0, -0.7),
        ("gaussian_hetero", 0.2, -3.0),  # underconfident: slope ~5
        ("minority_mixture", 2.5, 1.3),
        ("minority_mixture", 20.0, 3.0),  # overconfident: the loss bends within one sd
    ],
)
def test_linear_calibration_matches_slow_reference(name, scale, intercept):
    from augsim.population.calibration import linear_calibration_at

    dgp = DGPS[name]()
    prevalences = [0.02, 0.5]
    got = linear_calibration_at(dgp, scale * COEF, intercept, prevalences)
    for prevalence, values in zip(prevalences, got, strict=True):
        reference = _reference_calibration(dgp, scale * COEF, intercept, prevalence)
        for k, value in values.items():
            assert value == pytest.approx(reference[k], abs=1e-9), (prevalence, k)


@pytest.mark.parametrize("prevalence", [0.01, 0.05, 0.5, 0.9])
def test_linear_calibration_of_the_bayes_posterior_is_perfect(prevalence):
    """Well specified: the posterior's log-odds at prevalence pi is LLR + logit(pi), exactly
    calibrated there (intercept 0, slope 1); at another prevalence pi' it needs the intercept
    prior_shift(pi, pi') and no change of slope."""
    from augsim.metrics.calibration import prior_shift
    from augsim.population.calibration import linear_calibration_at

    shift = 1.5
    coef = np.array([shift, 0, 0, 0, 0])
    posterior = -(shift**2) / 2 + np.log(prevalence / (1 - prevalence))
    at_own, at_other = linear_calibration_at(_shared(), coef, posterior, [prevalence, 0.3])
    assert at_own["calibration_intercept"] == pytest.approx(0.0, abs=1e-8)
    assert at_own["calibration_slope"] == pytest.approx(1.0, abs=1e-8)
    correction = prior_shift(prevalence, 0.3)
    assert at_other["calibration_intercept"] == pytest.approx(correction, abs=1e-8)
    assert at_other["calibration_slope"] == pytest.approx(1.0, abs=1e-8)
    # the Bayes posterior minimises both proper scores: any other intercept or scale does worse
    for other_coef, other_intercept in [(coef, posterior + 0.3), (1.2 * coef, posterior)]:
        (worse,) = linear_calibration_at(_shared(), other_coef, other_intercept, [prevalence])
        assert worse["brier"] > at_own["brier"] and worse["log_loss"] > at_own["log_loss"]


def test_linear_calibration_of_a_symmetric_score_has_slope_0():
    """s = x_1 - x_2 has mean 0 in both classes of gaussian_hetero, which differ only in its
    spread: symmetry makes the best logistic fit the constant logit(pi)."""
    from augsim.population.calibration import linear_calibration_at

    coef = np.array([1.0, -1.0, 0, 0, 0])
    for prevalence, values in zip(
        [0.05, 0.5], linear_calibration_at(_hetero(), coef, 0.4, [0.05, 0.5]), strict=True
    ):
        logit = np.log(prevalence / (1 - prevalence))
        assert values["calibration_intercept"] == pytest.approx(logit, abs=1e-10)
        assert values["calibration_slope"] == pytest.approx(0.0, abs=1e-10)


def test_linear_calibration_is_affine_equivariant():
    """The fit on k s + d is the fit on s with slope b / k and intercept a - (b / k) d."""
    from augsim.population.calibration import linear_calibration_at

    dgp = _mixture()
    (base,) = linear_calibration_at(dgp, COEF, 0.2, [0.1])
    for k, d in [(3.0, 0.5), (1e-3, -2.0), (1e3, 40.0)]:
        (moved,) = linear_calibration_at(dgp, k * COEF, k * 0.2 + d, [0.1])
        slope = base["calibration_slope"] / k
        assert moved["calibration_slope"] == pytest.approx(slope, rel=1e-9)
        assert moved["calibration_intercept"] == pytest.approx(
            base["calibration_intercept"] - slope * d, abs=1e-8 * (1 + abs(slope * d))
        )


def test_linear_calibration_of_a_constant_score():
    from augsim.population.calibration import linear_calibration_at

    pi, c = 0.2, 1.3
    (got,) = linear_calibration_at(_hetero(), np.zeros(5), c, [pi])
    p = special.expit(c)
    assert got["brier"] == pytest.approx(pi * (1 - p) ** 2 + (1 - pi) * p**2, abs=1e-15)
    assert got["log_loss"] == pytest.approx(
        pi * np.logaddexp(0, -c) + (1 - pi) * np.logaddexp(0, c), abs=1e-15
    )
    assert np.isnan(got["calibration_intercept"]) and np.isnan(got["calibration_slope"])


def test_linear_calibration_rejects_bad_inputs():
    from augsim.population.calibration import linear_calibration_at

    with pytest.raises(ValueError, match=r"prevalence.*\(0, 1\)"):
        linear_calibration_at(_shared(), COEF, 0.0, [0.5, 1.0])
    with pytest.raises(ValueError, match=r"coef must be 5 finite numbers"):
        linear_calibration_at(_shared(), np.ones(4), 0.0, [0.5])
    with pytest.raises(ValueError, match="intercept"):
        linear_calibration_at(_shared(), COEF, float("inf"), [0.5])

"""Tests of augsim.models: agreement with scikit-learn, weights, separable data, errors; the
damped Newton driver, on problems with a known minimum and as the driver of every Newton loop."""

import logging
import math
import subprocess
import sys
from collections.abc import Callable

import numpy as np
import pytest
from numpy.typing import NDArray
from scipy.special import expit

from augsim.models import damped_newton
from augsim.models.damped_newton import NewtonProblem
from augsim.models.logistic import LogisticModel, quadratic_features
from augsim.models.registry import MODELS, make_model, model_class

# the Newton solver's models (the flexible ones are tested in tests/test_flexible_models.py)
LOGISTIC = [name for name in MODELS if issubclass(model_class(name), LogisticModel)]

Data = tuple[NDArray[np.float64], NDArray[np.float64]]


def gaussian_data(seed: int, d: int, *, n0: int = 4000, n1: int = 200, shift: float = 1.5) -> Data:
    """The study's shape: majority N(0, I), minority N(shift e1, I); rows (n, d), labels (n,)."""
    rng = np.random.default_rng(seed)
    mean1 = np.zeros(d)
    mean1[0] = shift
    X = np.vstack([rng.normal(size=(n0, d)), rng.normal(size=(n1, d)) + mean1])
    return X, np.r_[np.zeros(n0), np.ones(n1)]


def params(model: LogisticModel) -> NDArray[np.float64]:
    return np.append(model.coef_, model.intercept_)


def rel_diff(model: LogisticModel, reference: LogisticModel) -> float:
    """Largest difference of (coef, intercept), relative to the largest reference entry."""
    a, b = params(model), params(reference)
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def minority_weight(y: NDArray[np.float64], w1: float) -> NDArray[np.float64]:
    return np.where(y == 1, w1, 1.0)


CASES = [
    ("logistic", 5, 1.0),
    ("logistic", 5, 5.0),
    ("logistic", 20, 1.0),
    ("logistic", 20, 5.0),
    ("logistic_quadratic", 5, 1.0),
    ("logistic_quadratic", 5, 5.0),
]


@pytest.mark.parametrize(("name", "d", "w1"), CASES)
def test_newton_matches_sklearn_reference(name: str, d: int, w1: float) -> None:
    X, y = gaussian_data(1, d)
    s = minority_weight(y, w1)
    newton = make_model(name, C=1e6).fit(X, y, s)
    reference = make_model(name, C=1e6, solver="sklearn").fit(X, y, s)
    assert newton.converged_ and reference.converged_
    # The difference is L-BFGS's error (it stops on a relative decrease of 64 machine epsilons):
    # up to 1e-7 (linear) and 7e-7 (quadratic features) over 20 seeds, against 1e-11 or less
    # for Newton in the tight comparison below.
    assert rel_diff(newton, reference) < 1e-6


@pytest.mark.parametrize(("name", "d", "w1"), CASES)
def test_newton_matches_tight_sklearn_newton_cholesky(name: str, d: int, w1: float) -> None:
    from sklearn.linear_model import LogisticRegression

    X, y = gaussian_data(2, d)
    s = minority_weight(y, w1)
    newton = make_model(name, C=1e6).fit(X, y, s)
    F = newton.features(X)
    tight = LogisticRegression(C=1e6, solver="newton-cholesky", tol=1e-14, max_iter=1000)
    tight.fit(F, y, sample_weight=s)
    expected = np.append(tight.coef_[0], tight.intercept_[0])
    assert np.max(np.abs(params(newton) - expected)) / np.max(np.abs(expected)) < 1e-8


@pytest.mark.parametrize("name", LOGISTIC)
def test_newton_gradient_vanishes(name: str) -> None:
    """KKT check of the stated objective, independent of any other solver."""
    X, y = gaussian_data(3, 5)
    s = minority_weight(y, 5.0)
    C = 10.0  # a penalty large enough to matter
    model = make_model(name, C=C).fit(X, y, s)
    F = model.features(X)
    residual = s * (expit(model.decision_function(X)) - y)
    grad = np.append(F.T @ residual + model.coef_ / C, residual.sum())
    scale = np.append(np.abs(F).T @ s, s.sum())  # size of the gradient's terms
    assert np.max(np.abs(grad) / scale) < 1e-10


def test_unpenalised_fit_matches_large_C_and_sklearn() -> None:
    X, y = gaussian_data(4, 5)
    mle = make_model("logistic", C=np.inf).fit(X, y)
    assert mle.converged_
    assert rel_diff(make_model("logistic", C=1e6).fit(X, y), mle) < 1e-5
    # C=np.inf, not the deprecated penalty=None: any warning fails this test.
    assert rel_diff(mle, make_model("logistic", C=np.inf, solver="sklearn").fit(X, y)) < 1e-6


@pytest.mark.parametrize("name", LOGISTIC)
@pytest.mark.parametrize("solver", ["newton", "sklearn"])
def test_integer_weights_equal_duplicated_rows(name: str, solver: str) -> None:
    X, y = gaussian_data(5, 3, n0=600, n1=60)
    counts = np.random.default_rng(6).integers(0, 4, size=y.size)  # 0 drops the row
    weighted = make_model(name, solver=solver).fit(X, y, counts)
    duplicated = make_model(name, solver=solver).fit(
        np.repeat(X, counts, axis=0), np.repeat(y, counts)
    )
    # The objectives are equal, and each solver takes the same path on both (measured <= 2e-13).
    assert rel_diff(weighted, duplicated) < 1e-8


def test_zero_weight_rows_are_ignored() -> None:
    X, y = gaussian_data(7, 5, n0=500, n1=50)
    s = np.ones(y.size)
    s[::3] = 0.0
    kept = s > 0
    with_zeros = make_model("logistic").fit(X, y, s)
    assert rel_diff(with_zeros, make_model("logistic").fit(X[kept], y[kept])) < 1e-8


def far_minority() -> Data:
    """Near-separable: 200 negatives N(0, I), 3 positives around 8 e1."""
    return gaussian_data(8, 5, n0=200, n1=3, shift=8.0)


def perfectly_separable() -> Data:
    X = np.random.default_rng(9).normal(size=(300, 2))
    return X, (X[:, 0] + 0.5 * X[:, 1] > 0).astype(float)


@pytest.mark.parametrize("data", [far_minority, perfectly_separable])
def test_separable_data_gives_finite_optimum_with_default_C(
    data: Callable[[], Data], caplog: pytest.LogCaptureFixture
) -> None:
    from sklearn.linear_model import LogisticRegression

    X, y = data()
    with caplog.at_level(logging.WARNING, logger="augsim.models.logistic"):
        model = make_model("logistic").fit(X, y)
    assert model.converged_
    assert np.isfinite(params(model)).all()
    assert "separable" in caplog.text
    # The penalised optimum is unique and finite: a tight independent solver finds the same one.
    tight = LogisticRegression(C=1e6, solver="newton-cholesky", tol=1e-14, max_iter=1000)
    tight.fit(X, y)
    expected = np.append(tight.coef_[0], tight.intercept_[0])
    assert np.max(np.abs(params(model) - expected)) / np.max(np.abs(expected)) < 1e-6


@pytest.mark.parametrize("data", [far_minority, perfectly_separable])
def test_separable_data_without_penalty_does_not_raise(
    data: Callable[[], Data], caplog: pytest.LogCaptureFixture
) -> None:
    X, y = data()
    with caplog.at_level(logging.WARNING, logger="augsim.models.logistic"):
        model = make_model("logistic", C=np.inf).fit(X, y)
    assert not model.converged_
    assert np.isfinite(params(model)).all()
    assert "without converging" in caplog.text


def test_max_iter_reached_is_reported(caplog: pytest.LogCaptureFixture) -> None:
    X, y = gaussian_data(10, 5)
    with caplog.at_level(logging.WARNING, logger="augsim.models.logistic"):
        model = make_model("logistic", max_iter=1).fit(X, y)
    assert not model.converged_ and model.n_iter_ == 1
    assert "without converging" in caplog.text


def test_decision_function_is_the_linear_score() -> None:
    X, y = gaussian_data(11, 5, n0=400, n1=40)
    model = make_model("logistic").fit(X, y)
    assert model.coef_.shape == (5,) and isinstance(model.intercept_, float)
    np.testing.assert_allclose(
        model.decision_function(X), X @ model.coef_ + model.intercept_, rtol=1e-12, atol=1e-12
    )
    quad = make_model("logistic_quadratic").fit(X, y)
    assert quad.coef_.shape == (20,)
    np.testing.assert_allclose(
        quad.decision_function(X),
        quadratic_features(X) @ quad.coef_ + quad.intercept_,
        rtol=1e-12,
        atol=1e-12,
    )


def test_quadratic_features_order_by_hand() -> None:
    X = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]])
    expected = [[1, 2, 3, 1, 2, 3, 4, 6, 9], [-1, 0.5, 2, 1, -0.5, -2, 0.25, 1, 4]]
    np.testing.assert_array_equal(quadratic_features(X), expected)
    assert quadratic_features(np.ones((4, 5))).shape == (4, 20)


@pytest.mark.parametrize("name", LOGISTIC)
@pytest.mark.parametrize("solver", ["newton", "sklearn"])
def test_model_contract(name: str, solver: str) -> None:
    X, y = gaussian_data(12, 4, n0=300, n1=30)
    s = minority_weight(y, 3.0)
    copies = X.copy(), y.copy(), s.copy()
    model = make_model(name, solver=solver)
    assert model.fit(X, y, s) is model
    assert isinstance(model.n_iter_, int) and model.n_iter_ >= 1
    assert model.converged_ is True
    assert model.decision_function(X).shape == (y.size,)
    for before, after in zip(copies, (X, y, s), strict=True):
        np.testing.assert_array_equal(before, after)  # inputs not mutated
    again = make_model(name, solver=solver).fit(X, y, s)
    np.testing.assert_array_equal(params(again), params(model))  # deterministic


def test_import_does_not_import_sklearn() -> None:
    code = "import sys, augsim.models.logistic, augsim.models.registry\n"
    code += "sys.exit('sklearn' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_unknown_model_lists_valid_names() -> None:
    with pytest.raises(ValueError, match=r"unknown model 'ridge'.*logistic, logistic_quadratic"):
        make_model("ridge")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"C": 0.0}, "C must be a float > 0"),
        ({"C": -1.0}, "C must be a float > 0"),
        ({"C": float("nan")}, "C must be a float > 0"),
        ({"C": "big"}, "C must be a float > 0"),
        ({"solver": "lbfgs"}, r"solver must be one of \('newton', 'sklearn'\)"),
        ({"tol": 0.0}, r"tol must be a float in \(0, 0.01\]"),
        ({"tol": 0.5}, r"tol must be a float in \(0, 0.01\]"),
        ({"max_iter": 0}, "max_iter must be an integer >= 1"),
        ({"max_iter": 2.5}, "max_iter must be an integer >= 1"),
        ({"penalty": None}, r"unknown parameter\(s\) \['penalty'\].*valid: C, solver"),
    ],
)
def test_bad_params_name_the_parameter(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_model("logistic", **options)


def bad_inputs() -> list[tuple[object, object, object, str]]:
    X, y = gaussian_data(13, 2, n0=20, n1=4)
    X_nan, X_inf = X.copy(), X.copy()
    X_nan[0, 0], X_inf[1, 1] = np.nan, np.inf
    s = np.ones(y.size)
    return [
        (X[:, 0], y, None, "X must be a non-empty 2-D array"),
        (X[:0], y[:0], None, "X must be a non-empty 2-D array"),
        (X_nan, y, None, "X contains NaN or infinite"),
        (X_inf, y, None, "X contains NaN or infinite"),
        (X, y[:-1], None, r"y must have shape \(24,\)"),
        (X, 2 * y, None, "y must contain only the labels 0 and 1"),
        (X, np.where(y == 1, "a", "b"), None, "y must contain only the labels 0 and 1"),
        (X, np.zeros(y.size), None, "y must contain both classes"),
        (X, y, np.where(y == 1, 0.0, 1.0), "y must contain both classes"),
        (X, y, s[:-1], r"sample_weight must have shape \(24,\)"),
        (X, y, -s, "sample_weight must be finite and >= 0"),
        (X, y, np.full(y.size, np.nan), "sample_weight must be finite and >= 0"),
    ]


@pytest.mark.parametrize(("X", "y", "s", "message"), bad_inputs())
@pytest.mark.parametrize("solver", ["newton", "sklearn"])
def test_bad_inputs_name_the_parameter(
    X: object, y: object, s: object, message: str, solver: str
) -> None:
    with pytest.raises(ValueError, match=message):
        make_model("logistic", solver=solver).fit(X, y, s)  # type: ignore[arg-type]


def test_decision_function_checks_fit_and_width() -> None:
    X, y = gaussian_data(14, 3, n0=50, n1=10)
    with pytest.raises(ValueError, match="not fitted yet"):
        make_model("logistic").decision_function(X)
    model = make_model("logistic_quadratic").fit(X, y)
    with pytest.raises(ValueError, match="X has 2 features but the model was fitted on 3"):
        model.decision_function(X[:, :2])


class Convex1D(NewtonProblem[float, float, float]):
    """A strictly convex function of one variable from its derivatives; records every point
    the driver evaluates and every step fraction it tries."""

    def __init__(self, f, df, d2f, *, settled_below: float = math.inf) -> None:
        self.f, self.df, self.d2f, self.settled_below = f, df, d2f, settled_below
        self.points: list[float] = []
        self.fractions: list[float] = []

    def newton_step(self, x: float) -> tuple[float, float]:
        g, h = self.df(x), self.d2f(x)
        return -g / h, g * g / h

    def move(self, x: float, step: float, t: float) -> float:
        self.points.append(x + t * step)
        self.fractions.append(t)
        return x + t * step

    def slope(self, x: float, step: float) -> float:
        return self.df(x) * step

    def value(self, x: float) -> float:
        return self.f(x)

    def finish(self, x: float, step: float | None) -> float:
        return x if step is None else x + step

    def settled(self, x: float, step: float) -> bool:
        return abs(step) < self.settled_below


def exponentials() -> Convex1D:
    """f(x) = e^x + e^(-2x), minimum at log(2) / 3."""
    return Convex1D(
        lambda x: math.exp(x) + math.exp(-2 * x),
        lambda x: math.exp(x) - 2 * math.exp(-2 * x),
        lambda x: math.exp(x) + 4 * math.exp(-2 * x),
    )


def test_driver_finds_a_known_minimum_and_takes_the_last_full_step() -> None:
    problem, best = exponentials(), math.log(2) / 3
    result = damped_newton.damped_newton(problem, 3.0, tol=1e-6, scale=1.0, max_iter=50)
    assert result.converged and result.n_iter == len(problem.points) + 1
    assert problem.fractions == [1.0] * len(problem.points)  # from here Newton needs no damping
    last = problem.points[-1]  # where the rule stopped: half the squared decrement <= 1e-6
    assert result.decrement / 2 <= 1e-6 and abs(last - best) > 1e-5
    # the solution is that point moved by its full Newton step, which squares the error
    assert result.solution == problem.finish(last, problem.newton_step(last)[0])
    assert abs(result.solution - best) < (last - best) ** 2
    tight = damped_newton.damped_newton(exponentials(), 3.0, tol=1e-20, scale=1.0, max_iter=50)
    assert tight.converged and tight.solution == pytest.approx(best, abs=4 * math.ulp(best))


def test_driver_damps_steps_that_overshoot() -> None:
    """sqrt(1 + x^2): from |x| > 1 the full Newton step -x (1 + x^2) overshoots."""
    problem = Convex1D(
        lambda x: math.sqrt(1 + x * x),
        lambda x: x / math.sqrt(1 + x * x),
        lambda x: (1 + x * x) ** -1.5,
    )
    result = damped_newton.damped_newton(problem, 5.0, tol=1e-20, scale=1.0, max_iter=100)
    assert result.converged and abs(result.solution) < 1e-15
    assert min(problem.fractions) < 1.0  # backtracked


def test_driver_stops_when_the_decrement_stalls_at_the_floor() -> None:
    """1 + x^2 / 2 with a gradient that rounding keeps 1e-9 away from zero: the tolerance is out
    of reach, the stall is not."""
    problem = Convex1D(lambda x: 1 + x * x / 2, lambda x: x + math.copysign(1e-9, x), lambda x: 1.0)
    result = damped_newton.damped_newton(problem, 1.0, tol=1e-300, scale=1.0, max_iter=100)
    assert result.converged and result.n_iter < 10
    assert 0 < result.decrement / 2 <= damped_newton.ROUNDOFF  # stopped by the stall, not by tol
    assert abs(result.solution) <= 1e-9


def test_driver_stops_only_on_a_settled_step_and_reports_max_iter() -> None:
    problem = exponentials()
    problem.settled_below = 1e-12  # the gap test alone would stop at once
    result = damped_newton.damped_newton(problem, 0.5, tol=1.0, scale=1.0, max_iter=50)
    assert result.converged and result.n_iter > 1
    assert abs(problem.points[-1] - math.log(2) / 3) < 1e-11
    problem = exponentials()
    result = damped_newton.damped_newton(problem, 3.0, tol=1e-6, scale=1.0, max_iter=2)
    assert not result.converged and result.n_iter == 2
    assert result.solution == problem.points[-1]  # no last step without convergence


def test_every_newton_loop_goes_through_the_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    from augsim.models import newton
    from augsim.population import calibration, projection
    from augsim.sources.dgps import make_dgp

    problems = []

    def spy(problem, start, **options):
        problems.append(type(problem))
        return damped_newton.damped_newton(problem, start, **options)

    for module in (newton, projection, calibration):
        monkeypatch.setattr(module, "damped_newton", spy)
    X, y = gaussian_data(15, 2, n0=300, n1=30)
    make_model("logistic").fit(X, y)
    dgp = make_dgp("gaussian_shared", dim=2, shift=1.5)
    intercept, coef = projection.projection(dgp, minority_weight=0.3)
    calibration.linear_calibration_at(dgp, coef, intercept, [0.2])
    assert problems == [newton._Problem, projection._Projection, calibration._Recalibration]
    assert all(issubclass(kind, NewtonProblem) for kind in problems)

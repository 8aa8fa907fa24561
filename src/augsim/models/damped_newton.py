"""The damped Newton driver of every smooth strictly convex minimisation in the project: the
logistic fit on data (:mod:`augsim.models.newton`), the population projection
(:mod:`augsim.population.projection`) and the population recalibration fit
(:mod:`augsim.population.calibration`).

It owns the iteration, the stopping rule and the step acceptance; each problem brings its own
evaluation (value, gradient, Newton step) and starting point as a :class:`NewtonProblem`.

Stopping rule: half the squared Newton decrement, ``g' H^-1 g / 2``, estimates the gap
``f - min f``. The loop stops when it is at most ``tol * scale``, ``scale`` being the size of the
objective near its minimum (the total sample weight, or 1 for a population risk), or when it is
at the floating-point floor, at most ``ROUNDOFF * scale``, and no longer shrinks fourfold per step
as quadratic convergence would. A problem may add a condition on the step (``settled``). The last
Newton step is still taken: near the minimum it squares the error.

Step acceptance: the full step is kept when the problem knows it decreases the objective
(``safe``), when the objective's slope at its end is non-positive (by convexity it then decreased
all along the step, so it beats any shorter one, with no value needed), or when it is settled and
its predicted decrease is below the rounding of the value, which then cannot judge it. Otherwise
Armijo backtracking by halving decides. If no halving gives a representable decrease, the loop
ends at the current point, converged if the gap is below the value's rounding.
"""

import math
import sys
from abc import ABC, abstractmethod
from typing import Generic, NamedTuple, TypeVar

__all__ = ["ROUNDOFF", "NewtonProblem", "NewtonResult", "damped_newton"]

_ARMIJO = 1e-4
_MAX_HALVINGS = 50
# Relative size of f below which a double-precision sum of losses cannot resolve a decrease.
ROUNDOFF = 1e3 * sys.float_info.epsilon

P = TypeVar("P")  # an iterate, evaluated: what the Newton step and the slope at it need
S = TypeVar("S")  # a Newton step
R = TypeVar("R")  # the solution handed back


class NewtonProblem(ABC, Generic[P, S, R]):
    """A strictly convex objective as the driver sees it."""

    __slots__ = ()

    @abstractmethod
    def newton_step(self, point: P) -> tuple[S, float]:
        """The Newton step ``-H^-1 g`` at ``point`` and the squared decrement ``g' H^-1 g``."""

    @abstractmethod
    def move(self, point: P, step: S, t: float) -> P:
        """The iterate ``t`` times ``step`` away from ``point``, evaluated."""

    @abstractmethod
    def slope(self, point: P, step: S) -> float:
        """The objective's derivative at ``point`` along ``step``."""

    @abstractmethod
    def value(self, point: P) -> float:
        """The objective at ``point``."""

    @abstractmethod
    def finish(self, point: P, step: S | None) -> R:
        """The solution at ``point`` moved by the full ``step`` (None: not moved), without
        evaluating the objective there."""

    def settled(self, point: P, step: S) -> bool:
        """Whether ``step`` from ``point`` is small enough to stop on, or to take unchecked when
        its decrease is below the value's rounding (by default any step is)."""
        return True

    def safe(self, point: P, step: S) -> bool:
        """Whether the full ``step`` from ``point`` is known to decrease the objective, so that
        no value need be computed (by default never)."""
        return False


class NewtonResult(NamedTuple, Generic[R]):
    """The solution, the iterations (the last full step counts as one), whether the stopping
    rule was met, and the squared Newton decrement where the loop ended."""

    solution: R
    n_iter: int
    converged: bool
    decrement: float


def damped_newton(
    problem: NewtonProblem[P, S, R], start: P, *, tol: float, scale: float, max_iter: int
) -> NewtonResult[R]:
    """Minimise ``problem`` from ``start`` until half the squared Newton decrement is at most
    ``tol * scale``, or stalls at most ``ROUNDOFF * scale``, and the step is settled; then take
    that last full step. Not converged after ``max_iter`` iterations: the last iterate."""
    gap_tol, floor = tol * scale, ROUNDOFF * scale
    point, previous, decrement = start, math.inf, math.nan
    for n_iter in range(1, max_iter + 1):
        step, decrement = problem.newton_step(point)
        gap = decrement / 2
        # Quadratic convergence shrinks the decrement far more than fourfold per step: below the
        # floor, a decrement that shrank less is rounding in the gradient, not progress.
        stalled = gap <= floor and decrement > previous / 4
        if (gap <= gap_tol or stalled) and problem.settled(point, step):
            return NewtonResult(problem.finish(point, step), n_iter, True, decrement)
        new = _line_search(problem, point, step, decrement)
        if new is None:  # no decrease representable in floating point
            converged = gap <= ROUNDOFF * abs(problem.value(point))
            return NewtonResult(problem.finish(point, None), n_iter, converged, decrement)
        point, previous = new, decrement
    return NewtonResult(problem.finish(point, None), max_iter, False, decrement)


def _line_search(problem: NewtonProblem[P, S, R], point: P, step: S, decrement: float) -> P | None:
    """The next iterate along ``step``: the full step if it is safe, if the slope at its end is
    non-positive, or if its decrease is below the value's rounding; else the first halving with
    an Armijo decrease; None if there is none."""
    new = problem.move(point, step, 1.0)
    if problem.safe(point, step) or problem.slope(new, step) <= 0.0:
        return new
    f = problem.value(point)
    # Armijo cannot judge a decrease below the value's rounding: near the minimum trust Newton.
    if decrement / 2 <= ROUNDOFF * abs(f) and problem.settled(point, step):
        return new
    for halvings in range(_MAX_HALVINGS):
        t = 0.5**halvings
        trial = new if halvings == 0 else problem.move(point, step, t)
        if problem.value(trial) <= f - _ARMIJO * t * decrement:
            return trial
    return None

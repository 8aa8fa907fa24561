"""Empirical calibration metrics of a score read as a predicted log-odds.

A score ``s`` predicts ``P(y = 1) = sigmoid(s)``. ``calibration_metrics_at`` returns its Brier
score, its log loss and its calibration intercept and slope (the weighted maximum-likelihood
logistic regression ``logit P(y = 1) = a + b s``; a perfectly calibrated score has ``a = 0`` and
``b = 1``), at several positive prevalences with the prevalence semantics of
:func:`augsim.metrics.ranking.score_metrics_at`. Unlike the ranking metrics, all four change when a
constant is added to the score: :func:`prior_shift` is the constant that moves a score to another
class balance.

Like :mod:`augsim.metrics.ranking` this module imports only numpy: the recalibration fit (the
project's own Newton solver, :mod:`augsim.models.newton`, which imports scipy) is imported when
first needed.
"""

import logging
import math
import numbers
import warnings
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from augsim.metrics.ranking import _check_finite, _check_labels, _check_prevalence, _check_weights
from augsim.metrics.registry import CALIBRATION, METRICS

__all__ = [
    "calibration_metrics_at",
    "corrected",
    "prior_shift",
]

logger = logging.getLogger(__name__)


FloatArray = NDArray[np.float64]

# Scores probed for ties: merging them pays when at least half of these repeat a value.
_PROBE = 1024


def corrected(metrics: dict[str, float]) -> dict[str, float]:
    """``metrics`` of a prior-shift corrected score under their corrected names."""
    return {METRICS[name].corrected: metrics[name] for name in CALIBRATION}


def calibration_metrics_at(
    y_true: ArrayLike,
    scores: ArrayLike,
    prevalences: Sequence[float | None],
    *,
    sample_weight: ArrayLike | None = None,
) -> list[dict[str, float]]:
    """Calibration metrics of the log-odds ``scores`` at each of ``prevalences``, in order.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Labels in {0, 1}; 1 is the positive (minority) class.
    scores : array-like of shape (n_samples,)
        Finite predicted log-odds: ``sigmoid(score)`` is the predicted ``P(y = 1)``.
    prevalences : sequence of float or None
        Positive prevalences in (0, 1) to report for: the class-conditional score distributions
        are kept and the classes reweighted to total weights ``pi`` and ``1 - pi``. None uses
        the sample's own (weighted) class balance.
    sample_weight : array-like of shape (n_samples,), optional
        Finite non-negative weights; None weighs every sample 1.

    Returns
    -------
    list of dict of str to float
        One dict per prevalence, keyed by the calibration metrics: ``brier`` (weighted mean of
        ``(sigmoid(s) - y)^2``), ``log_loss`` (weighted mean of ``log(1 + e^-s)`` on positives,
        ``log(1 + e^s)`` on negatives, natural log), ``calibration_intercept`` and
        ``calibration_slope`` (``a``, ``b`` of the weighted unpenalised logistic regression of y
        on s). Degenerate inputs: if a class is absent or has zero total weight, every value is
        NaN and a ``UserWarning`` is emitted; if the scores of positive-weight rows are all
        equal, intercept and slope are NaN (the fit has no slope to estimate); if they separate
        the classes (every positive at or above every negative, or at or below), no finite fit
        exists: intercept and slope are NaN (a mean over splits then leaves the split out),
        and the separation is logged.

    Raises
    ------
    ValueError
        If shapes differ, labels are not in {0, 1}, scores are not finite, weights are negative
        or not finite, or a prevalence is not in the open interval (0, 1).
    """
    y = _check_labels(y_true)
    s = _check_finite(scores, "scores", y.size)
    w = np.ones(y.size) if sample_weight is None else _check_weights(sample_weight, y.size)
    checked = [_check_prevalence(p) for p in prevalences]
    if not (w > 0).all():  # zero-weight rows change nothing; dropping them simplifies the checks
        keep = w > 0
        y, s, w = y[keep], s[keep], w[keep]
    if _many_ties(s):
        y, s, w = _merge_ties(y, s, w)
    w_pos, w_neg = float(w[y].sum()), float(w[~y].sum())
    if not (w_pos > 0 and w_neg > 0):
        warnings.warn(
            "calibration_metrics needs both classes with positive total weight, got positive "
            f"weight {w_pos:g} and negative weight {w_neg:g}; returning NaN for every metric",
            UserWarning,
            stacklevel=2,
        )
        return [dict.fromkeys(CALIBRATION, float("nan")) for _ in checked]
    brier, log_loss = _class_losses(y, s, w, w_pos, w_neg)
    results = []
    for pi in checked:
        share = w_pos / (w_pos + w_neg) if pi is None else pi
        # None keeps the sample's weights as they are (the same fit as the reweighted one, as
        # scaling all weights leaves the maximum-likelihood fit unchanged).
        fit_weight = w if pi is None else np.where(y, pi / w_pos, (1.0 - pi) / w_neg) * w
        intercept, slope = _recalibration(y, s, fit_weight)
        results.append(
            {
                "brier": share * brier[1] + (1.0 - share) * brier[0],
                "log_loss": share * log_loss[1] + (1.0 - share) * log_loss[0],
                "calibration_intercept": intercept,
                "calibration_slope": slope,
            }
        )
    return results


def prior_shift(trained_prevalence: float, prevalence: float) -> float:
    """The intercept correction ``logit(prevalence) - logit(trained_prevalence)``.

    A log-odds score fitted where the positive class had effective share ``trained_prevalence``
    (its prevalence after resampling and class weights) becomes, by Bayes' rule, the log-odds at
    class balance ``prevalence`` once this constant is added: the class-conditional laws are
    unchanged, so only the prior odds change (the prior-shift correction of Elkan 2001 and
    Saerens, Latinne and Decaestecker 2002). Ranking metrics (AUROC, AUPRC, best balanced
    accuracy, best F1) are invariant to it, since adding a constant keeps every ordering;
    calibration metrics are not.

    Parameters
    ----------
    trained_prevalence, prevalence : float
        Positive shares in the open interval (0, 1).

    Returns
    -------
    float
        The constant to add to the scores.
    """
    trained = _check_share("trained_prevalence", trained_prevalence)
    return _logit(_check_share("prevalence", prevalence)) - _logit(trained)


def _check_share(name: str, value: float) -> float:
    """``value`` as a float in the open interval (0, 1)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a float in (0, 1), got {value!r}")
    if not 0.0 < value < 1.0:  # also rejects NaN
        raise ValueError(f"{name} must be in the open interval (0, 1), got {value!r}")
    return float(value)


def _logit(p: float) -> float:
    """log(p / (1 - p)) for p in (0, 1), accurate near 0 and 1."""
    return math.log(p) - math.log1p(-p)


def _many_ties(s: FloatArray) -> bool:
    """Whether the first ``_PROBE`` scores (n,) repeat values often enough to merge ties."""
    probe = s[:_PROBE]
    return probe.size >= 2 and 2 * np.unique(probe).size <= probe.size


def _merge_ties(
    y: NDArray[np.bool_], s: FloatArray, w: FloatArray
) -> tuple[NDArray[np.bool_], FloatArray, FloatArray]:
    """One row per distinct (score, label) pair, weighing the sum of its rows' weights.

    Every loss here is a weighted sum over rows of a function of (score, label), so the merged
    rows give the same metrics and the same likelihood, hence the same recalibration fit. The
    sort costs about as much as one pass of the fit, which on tied scores (rounded scores, tree
    ensembles) then runs on a few thousand rows instead of n.
    """
    values, inverse = np.unique(s, return_inverse=True)
    mass = np.bincount(2 * inverse + y, weights=w, minlength=2 * values.size).reshape(-1, 2)
    present = mass > 0  # (n_distinct, 2): negatives in column 0, positives in column 1
    rows, label = np.nonzero(present)
    return label.astype(bool), values[rows], mass[present]


def _class_losses(
    y: NDArray[np.bool_], s: FloatArray, w: FloatArray, w_pos: float, w_neg: float
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Class-conditional weighted means ``(negatives, positives)`` of the Brier and log losses.

    With ``u = log(1 + e^s)`` and ``v = log(1 + e^-s)`` (``np.logaddexp``, exact for any ``|s|``),
    a negative loses ``u`` and ``sigmoid(s)^2 = e^{-2 v}``, a positive ``v`` and
    ``sigmoid(-s)^2 = e^{-2 u}``: no probability is rounded to 0 or 1 before its logarithm.
    """
    u, v = np.logaddexp(0.0, s), np.logaddexp(0.0, -s)
    w1 = np.where(y, w, 0.0)
    w0 = w - w1
    brier = (float(w0 @ np.exp(-2.0 * v)) / w_neg, float(w1 @ np.exp(-2.0 * u)) / w_pos)
    log_loss = (float(w0 @ u) / w_neg, float(w1 @ v) / w_pos)
    return brier, log_loss


def _recalibration(y: NDArray[np.bool_], s: FloatArray, w: FloatArray) -> tuple[float, float]:
    """Intercept and slope of the weighted logistic regression of ``y`` on ``s``.

    Rows have positive weight and both classes are present.
    """
    lowest_pos, highest_pos = float(s[y].min()), float(s[y].max())
    lowest_neg, highest_neg = float(s[~y].min()), float(s[~y].max())
    if min(lowest_pos, lowest_neg) == max(highest_pos, highest_neg):
        logger.info("calibration: constant scores, intercept and slope are NaN")
        return float("nan"), float("nan")
    if lowest_pos >= highest_neg or highest_pos <= lowest_neg:
        # (Quasi-)complete separation: the likelihood keeps rising as |b| -> inf. A real test
        # part can be separated by a good score; NaN, not inf, keeps means over splits finite.
        logger.info(
            "calibration: the scores separate the classes (positives in [%g, %g], negatives in "
            "[%g, %g]); no finite recalibration fit: intercept and slope NaN",
            lowest_pos, highest_pos, lowest_neg, highest_neg,
        )  # fmt: skip
        return float("nan"), float("nan")
    # The project's Newton fit: pinned to scikit-learn's (tests/test_models.py), two or three
    # iterations from its LDA start on one feature, about 4 ms on 4 x 10^4 distinct scores
    # (scikit-learn's lbfgs: about 100 times longer), with the logistic model's defaults.
    # Imported here so that importing this module does not import scipy.
    from augsim.models.newton import fit_newton

    fit = fit_newton(s[:, None], y.astype(np.float64), w, C=np.inf, tol=1e-10, max_iter=100)
    return float(fit.intercept), float(fit.coef[0])

"""augsim.metrics against scikit-learn, slow references, hand-worked cases and invariances."""

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.metrics import average_precision_score, roc_auc_score

import augsim
from augsim.metrics.ranking import score_metrics
from augsim.metrics.registry import RANKING

TOL = 1e-12


# ---------------------------------------------------------------------------------------------
# Independent slow references: one pass over the data per distinct threshold, or per pair.
# ---------------------------------------------------------------------------------------------


def _rates_at(y, s, w, threshold):
    """TPR and FPR of the rule 'positive iff score >= threshold'."""
    pred = s >= threshold
    tpr = w[pred & (y == 1)].sum() / w[y == 1].sum()
    fpr = w[pred & (y == 0)].sum() / w[y == 0].sum()
    return tpr, fpr


def _reference(y, s, w=None, prevalence=None):
    """All four metrics by scanning every distinct threshold (pairwise AUROC)."""
    y, s = np.asarray(y), np.asarray(s, dtype=float)
    w = np.ones(s.size) if w is None else np.asarray(w, dtype=float)
    pi = w[y == 1].sum() / w.sum() if prevalence is None else prevalence

    diff = s[y == 1][:, None] - s[y == 0][None, :]
    pair_w = w[y == 1][:, None] * w[y == 0][None, :]
    auroc = (pair_w * ((diff > 0) + 0.5 * (diff == 0))).sum() / pair_w.sum()

    ap, prev_recall, best_ba, best_f1 = 0.0, 0.0, 0.5, 0.0
    for t in np.unique(s)[::-1]:
        tpr, fpr = _rates_at(y, s, w, t)
        if tpr > prev_recall:
            ap += (tpr - prev_recall) * pi * tpr / (pi * tpr + (1 - pi) * fpr)
        prev_recall = tpr
        best_ba = max(best_ba, (tpr + 1 - fpr) / 2)
        best_f1 = max(best_f1, 2 * pi * tpr / (pi * tpr + pi + (1 - pi) * fpr))
    return {"auroc": auroc, "auprc": ap, "best_balanced_accuracy": best_ba, "best_f1": best_f1}


def _tied_data(seed, n=400, weighted=False):
    """Imbalanced labels, scores on a coarse grid (heavy ties), optional weights with zeros."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.2).astype(int)
    y[:2] = [0, 1]
    s = np.round(rng.normal(loc=0.8 * y, scale=1.0), 1)
    w = None
    if weighted:
        w = rng.exponential(size=n)
        w[rng.random(n) < 0.1] = 0.0
        w[:2] = 1.0
    return y, s, w


def _assert_close(got, want, tol=TOL):
    assert list(got) == list(RANKING)
    for name in RANKING:
        assert got[name] == pytest.approx(want[name], rel=0, abs=tol), name


# ---------------------------------------------------------------------------------------------
# Agreement with scikit-learn and the brute-force references
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("seed", range(5))
def test_matches_sklearn_with_ties(seed, weighted):
    y, s, w = _tied_data(seed, weighted=weighted)
    assert np.unique(s).size < s.size / 5  # the data really are heavily tied
    got = score_metrics(y, s, sample_weight=w)
    assert got["auroc"] == pytest.approx(roc_auc_score(y, s, sample_weight=w), rel=0, abs=TOL)
    want_ap = average_precision_score(y, s, sample_weight=w)
    assert got["auprc"] == pytest.approx(want_ap, rel=0, abs=TOL)


@pytest.mark.parametrize("prevalence", [None, 0.01, 0.5, 0.9])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("seed", range(3))
def test_matches_brute_force_scan(seed, weighted, prevalence):
    y, s, w = _tied_data(seed, n=300, weighted=weighted)
    got = score_metrics(y, s, sample_weight=w, prevalence=prevalence)
    _assert_close(got, _reference(y, s, w, prevalence))


# ---------------------------------------------------------------------------------------------
# Hand-worked cases
# ---------------------------------------------------------------------------------------------


def test_toy_case_by_hand():
    # Descending: 0.8 (+), 0.4 (-), 0.35 (+), 0.1 (-); ROC (0, .5), (.5, .5), (.5, 1), (1, 1).
    got = score_metrics([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    assert got["auroc"] == pytest.approx(0.75, abs=TOL)
    assert got["auprc"] == pytest.approx(0.5 * 1 + 0.5 * 2 / 3, abs=TOL)  # 0.8333...
    assert got["best_balanced_accuracy"] == pytest.approx(0.75, abs=TOL)
    assert got["best_f1"] == pytest.approx(0.8, abs=TOL)  # 2*2 / (2*2 + 1 + 0) at 0.35


def test_toy_case_at_other_prevalence_by_hand():
    # Same ROC points; precision at prevalence 0.2 is .2*TPR / (.2*TPR + .8*FPR).
    got = score_metrics([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], prevalence=0.2)
    assert got["auroc"] == pytest.approx(0.75, abs=TOL)
    assert got["auprc"] == pytest.approx(0.5 * 1 + 0.5 * (0.2 / 0.6), abs=TOL)
    assert got["best_balanced_accuracy"] == pytest.approx(0.75, abs=TOL)
    assert got["best_f1"] == pytest.approx(0.2 / 0.3, abs=TOL)  # at 0.8: 2*.1 / (.1 + .2 + 0)


def test_all_tied_scores():
    got = score_metrics([0, 1, 0, 0], [2.0, 2.0, 2.0, 2.0])
    assert got["auroc"] == pytest.approx(0.5, abs=TOL)
    assert got["auprc"] == pytest.approx(0.25, abs=TOL)  # the prevalence
    assert got["best_balanced_accuracy"] == pytest.approx(0.5, abs=TOL)
    assert got["best_f1"] == pytest.approx(2 / (2 + 3), abs=TOL)  # everything predicted positive


def test_tie_across_classes_counts_one_half():
    # One positive tied with one of two negatives and above the other: AUROC (1/2 + 1) / 2.
    got = score_metrics([1, 0, 0], [1.0, 1.0, 0.0])
    assert got["auroc"] == pytest.approx(0.75, abs=TOL)
    assert got["auprc"] == pytest.approx(0.5, abs=TOL)  # recall 0 -> 1 at precision 1/2


def test_weights_act_as_replication():
    y, s = np.array([0, 1, 0, 1, 0]), np.array([0.3, 0.9, 0.9, 0.2, 0.1])
    counts = np.array([3, 1, 2, 4, 1])
    weighted = score_metrics(y, s, sample_weight=counts)
    _assert_close(weighted, score_metrics(np.repeat(y, counts), np.repeat(s, counts)))


def test_perfect_and_reversed_ranking():
    y, s = np.array([0, 0, 1, 1]), np.array([1.0, 2.0, 3.0, 4.0])
    assert score_metrics(y, s) == dict.fromkeys(RANKING, 1.0)
    reversed_ = score_metrics(y, -s)
    assert reversed_["auroc"] == 0.0
    assert reversed_["best_balanced_accuracy"] == 0.5
    assert reversed_["auprc"] == pytest.approx(0.5 * 1 / 3 + 0.5 * 2 / 4, abs=TOL)


# ---------------------------------------------------------------------------------------------
# Invariances
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("transform", [np.exp, lambda x: 3 * x + 1, np.arctan])
@pytest.mark.parametrize("weighted", [False, True])
def test_invariant_to_increasing_transforms(transform, weighted):
    y, s, w = _tied_data(7, weighted=weighted)
    assert np.unique(transform(s)).size == np.unique(s).size  # the transform keeps ties as ties
    got = score_metrics(y, transform(s), sample_weight=w)
    _assert_close(got, score_metrics(y, s, sample_weight=w))


@pytest.mark.parametrize("weighted", [False, True])
def test_invariant_to_row_permutations(weighted):
    y, s, w = _tied_data(8, weighted=weighted)
    perm = np.random.default_rng(0).permutation(y.size)
    w_perm = None if w is None else w[perm]
    got = score_metrics(y[perm], s[perm], sample_weight=w_perm, prevalence=0.1)
    _assert_close(got, score_metrics(y, s, sample_weight=w, prevalence=0.1))


def test_negated_scores_flip_auroc():
    rng = np.random.default_rng(3)
    y = (rng.random(500) < 0.3).astype(int)
    s = rng.normal(size=500) + y
    assert np.unique(s).size == s.size
    assert score_metrics(y, -s)["auroc"] == pytest.approx(1 - score_metrics(y, s)["auroc"], abs=TOL)


# ---------------------------------------------------------------------------------------------
# Prevalence
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("weighted", [False, True])
def test_own_prevalence_equals_none(weighted):
    y, s, w = _tied_data(11, weighted=weighted)
    w_eff = np.ones(y.size) if w is None else w
    own = w_eff[y == 1].sum() / w_eff.sum()
    got = score_metrics(y, s, sample_weight=w, prevalence=own)
    _assert_close(got, score_metrics(y, s, sample_weight=w))


@pytest.mark.parametrize("prevalence", [0.001, 0.05, 0.5, 0.95])
@pytest.mark.parametrize("weighted", [False, True])
def test_prevalence_equals_class_reweighting(prevalence, weighted):
    y, s, w = _tied_data(12, weighted=weighted)
    w = np.ones(y.size) if w is None else w
    rescaled = np.where(
        y == 1, w * prevalence / w[y == 1].sum(), w * (1 - prevalence) / w[y == 0].sum()
    )
    got = score_metrics(y, s, sample_weight=w, prevalence=prevalence)
    _assert_close(got, score_metrics(y, s, sample_weight=rescaled))


def test_prevalence_equals_replicated_negatives():
    # A balanced set with every negative repeated 4 times has prevalence 1/5.
    rng = np.random.default_rng(13)
    y = np.repeat([0, 1], 100)
    s = np.round(rng.normal(loc=y, scale=1.0), 1)
    copies = np.where(y == 0, 4, 1)
    replicated = score_metrics(np.repeat(y, copies), np.repeat(s, copies))
    _assert_close(score_metrics(y, s, prevalence=0.2), replicated)


def test_prevalence_moves_only_auprc_and_f1():
    y, s, _ = _tied_data(14)
    low, high = score_metrics(y, s, prevalence=0.01), score_metrics(y, s, prevalence=0.9)
    assert low["auroc"] == high["auroc"]
    assert low["best_balanced_accuracy"] == high["best_balanced_accuracy"]
    assert low["auprc"] < high["auprc"]
    assert low["best_f1"] < high["best_f1"]


# ---------------------------------------------------------------------------------------------
# Property tests
# ---------------------------------------------------------------------------------------------


@st.composite
def _samples(draw, weighted=False):
    """Both classes present, small integer scores (many ties), optional weights with zeros."""
    n_pos, n_neg = draw(st.integers(1, 15)), draw(st.integers(1, 30))
    y = np.array([1] * n_pos + [0] * n_neg)
    s = np.array(draw(st.lists(st.integers(-4, 4), min_size=y.size, max_size=y.size)), float)
    if not weighted:
        return y, s, None
    weight = st.one_of(st.just(0.0), st.floats(1e-3, 1e3))
    w = np.array(draw(st.lists(weight, min_size=y.size, max_size=y.size)))
    assume(w[y == 1].sum() > 0 and w[y == 0].sum() > 0)
    return y, s, w


@settings(max_examples=60, deadline=None)
@given(data=_samples(weighted=True), prevalence=st.none() | st.floats(0.01, 0.99))
def test_property_bounds(data, prevalence):
    y, s, w = data
    got = score_metrics(y, s, sample_weight=w, prevalence=prevalence)
    assert all(0.0 <= got[name] <= 1.0 for name in RANKING)
    assert got["best_balanced_accuracy"] >= 0.5
    assert got["best_f1"] > 0.0  # predicting everything positive has TP > 0


@settings(max_examples=60, deadline=None)
@given(data=st.booleans().flatmap(lambda weighted: _samples(weighted=weighted)))
def test_property_matches_sklearn(data):
    y, s, w = data
    got = score_metrics(y, s, sample_weight=w)
    assert got["auroc"] == pytest.approx(roc_auc_score(y, s, sample_weight=w), rel=0, abs=TOL)
    want_ap = average_precision_score(y, s, sample_weight=w)
    assert got["auprc"] == pytest.approx(want_ap, rel=0, abs=TOL)


@settings(max_examples=40, deadline=None)
@given(data=_samples(weighted=True), seed=st.integers(0, 2**32 - 1))
def test_property_permutation_invariant(data, seed):
    y, s, w = data
    perm = np.random.default_rng(seed).permutation(y.size)
    got = score_metrics(y[perm], s[perm], sample_weight=w[perm], prevalence=0.3)
    _assert_close(got, score_metrics(y, s, sample_weight=w, prevalence=0.3))


@settings(max_examples=40, deadline=None)
@given(data=_samples(weighted=True), scale=st.floats(0.1, 10.0), shift=st.floats(-5.0, 5.0))
def test_property_increasing_transform_invariant(data, scale, shift):
    y, s, w = data
    transformed = np.exp(scale * s / 4.0) + shift  # strictly increasing, keeps ties
    _assert_close(
        score_metrics(y, transformed, sample_weight=w, prevalence=0.2),
        score_metrics(y, s, sample_weight=w, prevalence=0.2),
    )


@settings(max_examples=40, deadline=None)
@given(data=_samples(weighted=True))
def test_property_negated_scores_flip_auroc(data):
    # With ties counted one half, AUROC(-s) = 1 - AUROC(s) holds exactly, ties or not.
    y, s, w = data
    flipped = score_metrics(y, -s, sample_weight=w)["auroc"]
    assert flipped == pytest.approx(1.0 - score_metrics(y, s, sample_weight=w)["auroc"], abs=TOL)


# ---------------------------------------------------------------------------------------------
# Input validation and degenerate inputs
# ---------------------------------------------------------------------------------------------

_Y, _S = [0, 1, 0, 1], [0.1, 0.2, 0.3, 0.4]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"y_true": [0, 1, 2, 1]}, "y_true"),
        ({"y_true": [0, 1, -1, 1]}, "y_true"),
        ({"y_true": [0.0, 1.0, np.nan, 1.0]}, "y_true"),
        ({"y_true": ["a", "b", "a", "b"]}, "y_true"),
        ({"y_true": [[0, 1, 0, 1]]}, "y_true"),
        ({"scores": [0.1, 0.2, 0.3]}, "scores"),
        ({"scores": [[0.1, 0.2, 0.3, 0.4]]}, "scores"),
        ({"scores": [0.1, np.nan, 0.3, 0.4]}, "scores"),
        ({"scores": [0.1, np.inf, 0.3, 0.4]}, "scores"),
        ({"scores": ["x", "y", "z", "w"]}, "scores"),
        ({"sample_weight": [1.0, 1.0, 1.0]}, "sample_weight"),
        ({"sample_weight": [1.0, -0.5, 1.0, 1.0]}, "sample_weight"),
        ({"sample_weight": [1.0, np.nan, 1.0, 1.0]}, "sample_weight"),
        ({"sample_weight": [1.0, np.inf, 1.0, 1.0]}, "sample_weight"),
        ({"prevalence": 0.0}, "prevalence"),
        ({"prevalence": 1.0}, "prevalence"),
        ({"prevalence": -0.2}, "prevalence"),
        ({"prevalence": 1.5}, "prevalence"),
        ({"prevalence": float("nan")}, "prevalence"),
        ({"prevalence": "0.5"}, "prevalence"),
        ({"prevalence": True}, "prevalence"),
    ],
)
def test_bad_input_raises(kwargs, match):
    args = {"y_true": _Y, "scores": _S} | kwargs
    y_true, scores = args.pop("y_true"), args.pop("scores")
    with pytest.raises(ValueError, match=match):
        score_metrics(y_true, scores, **args)


@pytest.mark.parametrize(
    ("y_true", "sample_weight"),
    [
        ([0, 0, 0, 0], None),
        ([1, 1, 1, 1], None),
        ([0, 1, 0, 1], [1.0, 0.0, 1.0, 0.0]),
        ([0, 1, 0, 1], [0.0, 1.0, 0.0, 1.0]),
    ],
)
def test_one_class_gives_nan_and_warns(y_true, sample_weight):
    with pytest.warns(UserWarning, match="both classes"):
        got = score_metrics(y_true, _S, sample_weight=sample_weight, prevalence=0.5)
    assert list(got) == list(RANKING)
    assert all(math.isnan(value) for value in got.values())


def test_empty_input_gives_nan_and_warns():
    with pytest.warns(UserWarning, match="both classes"):
        got = score_metrics([], [])
    assert all(math.isnan(value) for value in got.values())


def test_inputs_not_mutated_and_outputs_are_floats():
    y, s, w = _tied_data(20, weighted=True)
    copies = (y.copy(), s.copy(), w.copy())
    got = score_metrics(y, s, sample_weight=w)
    for before, after in zip(copies, (y, s, w), strict=True):
        np.testing.assert_array_equal(before, after)
    assert all(type(value) is float for value in got.values())


def test_accepts_boolean_labels_and_lists():
    y, s, _ = _tied_data(21)
    _assert_close(score_metrics(y.astype(bool), s.tolist()), score_metrics(y, s))


def test_import_does_not_load_sklearn():
    src = str(Path(augsim.__file__).parents[1])
    env = os.environ | {"PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    code = "import sys, augsim.metrics.ranking; sys.exit('sklearn' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], env=env, check=False).returncode == 0

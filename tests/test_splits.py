"""Repeated stratified splits: counts, determinism, no leakage, and the corrected interval."""

import numpy as np
import pytest

from augsim.generators.registry import build_generator
from augsim.sources import splits
from augsim.steps.augment import augment_training
from augsim.study.design import training_labels
from augsim.study.seeds import rng_for

N0, N1, D = 120, 25, 3
FRACTION = 0.3
KEYS = {"seed": 11, "dataset": "toy", "test_fraction": FRACTION}
SMOTE = {"name": "smote", "params": {"k_neighbors": 5}}


@pytest.fixture
def table():
    """A shuffled toy table (labels interleaved, not sorted) with distinct rows."""
    rng = rng_for(0, "toy table")
    y = rng.permutation(np.repeat(np.array([0, 1], dtype=np.int8), [N0, N1]))
    X = rng.normal(size=(N0 + N1, D)) * [1.0, 10.0, 0.1] + [0.0, 5.0, -3.0] + 2.0 * y[:, None]
    return X, y


def rows(y, split, **overrides):
    return splits.split_rows(y, **{**KEYS, "split": split, **overrides})


def test_split_sizes_round_each_class():
    # 0.3 * 120 = 36 and 0.3 * 25 = 7.5, which rounds up to 8
    assert splits.split_sizes(120, 25, test_fraction=0.3) == (84, 17, 36, 8)
    # halves up: 0.5 * 5 = 2.5 -> 3 test rows, 2 left to train
    assert splits.split_sizes(9, 5, test_fraction=0.5) == (4, 2, 5, 3)


@pytest.mark.parametrize(
    ("n0", "n1", "fraction"), [(100, 3, 0.3), (100, 20, 0.01), (100, 20, 0.99), (10, 5, 0.0)]
)
def test_split_sizes_need_two_rows_per_class_and_part(n0, n1, fraction):
    with pytest.raises(ValueError):
        splits.split_sizes(n0, n1, test_fraction=fraction)


def test_split_is_stratified_with_exact_counts(table):
    _, y = table
    n0, n1, t0, t1 = splits.split_sizes(N0, N1, test_fraction=FRACTION)
    for split in range(5):
        train, test = rows(y, split)
        np.testing.assert_array_equal(y[train], training_labels(n0, n1))
        np.testing.assert_array_equal(y[test], training_labels(t0, t1))


def test_split_is_a_partition_in_class_then_row_order(table):
    _, y = table
    train, test = rows(y, 3)
    np.testing.assert_array_equal(np.sort(np.concatenate([train, test])), np.arange(N0 + N1))
    for part in (train, test):
        for label in (0, 1):
            assert (np.diff(part[y[part] == label]) > 0).all()


def test_split_is_deterministic_per_key(table):
    _, y = table
    for a, b in zip(rows(y, 4), rows(y, 4), strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(rows(y, 4)[1], rows(y, 5)[1])
    assert not np.array_equal(rows(y, 4)[1], rows(y, 4, dataset="other")[1])
    assert not np.array_equal(rows(y, 4)[1], rows(y, 4, seed=12)[1])


def test_split_rows_rejects_other_labels():
    with pytest.raises(ValueError):
        splits.split_rows(np.array([0, 1, 2] * 10), split=0, **KEYS)


def test_split_replicates_layout_and_standardisation(table):
    X, y = table
    train, test = splits.split_replicates(X, y, replicate_ids=[2, 7], **KEYS)
    n0, n1, t0, t1 = splits.split_sizes(N0, N1, test_fraction=FRACTION)
    assert train["X"].shape == (2, n0 + n1, D) and test["X"].shape == (2, t0 + t1, D)
    np.testing.assert_array_equal(train["y"], training_labels(n0, n1))
    np.testing.assert_array_equal(test["y"], training_labels(t0, t1))
    for part in (train, test):
        assert part["replicate"].dtype == np.int64
        np.testing.assert_array_equal(part["replicate"], [2, 7])
    for i, split in enumerate([2, 7]):
        train_rows, test_rows = rows(y, split)
        mean, sd = X[train_rows].mean(axis=0), X[train_rows].std(axis=0)  # by hand, ddof 0
        np.testing.assert_allclose(train["X"][i], (X[train_rows] - mean) / sd)
        np.testing.assert_allclose(test["X"][i], (X[test_rows] - mean) / sd)


def test_test_rows_do_not_leak_into_training(table):
    X, y = table
    train, test = splits.split_replicates(X, y, replicate_ids=[5], **KEYS)
    train_rows, test_rows = rows(y, 5)
    changed = X.copy()
    changed[test_rows] = changed[test_rows] * 100.0 + 7.0
    train2, test2 = splits.split_replicates(changed, y, replicate_ids=[5], **KEYS)
    np.testing.assert_array_equal(train2["X"], train["X"])
    # the test rows' transform is still the training part's mean and scale
    mean, sd = X[train_rows].mean(axis=0), X[train_rows].std(axis=0)
    np.testing.assert_allclose(test2["X"][0], (changed[test_rows] - mean) / sd)
    assert not np.allclose(test2["X"], test["X"])


def smote_rows(train):
    arrays = augment_training(
        train, lambda: build_generator(SMOTE, None), m_max=40, seed=3, scenario="toy/n",
        generator_key="smote",
    )  # fmt: skip
    assert (arrays["error"] == "").all()
    return arrays["X"]


def test_synthetic_rows_do_not_see_the_test_rows(table):
    X, y = table
    train, _ = splits.split_replicates(X, y, replicate_ids=[0, 1], **KEYS)
    synthetic = smote_rows(train)
    changed = X.copy()
    for split in (0, 1):
        _, test_rows = rows(y, split)
        changed_split = X.copy()
        changed_split[test_rows] += 50.0
        train2, _ = splits.split_replicates(changed_split, y, replicate_ids=[split], **KEYS)
        np.testing.assert_array_equal(smote_rows(train2)[0], synthetic[split])
    # the comparison can fail: moving one training minority row moves the synthetic rows
    train_rows, _ = rows(y, 0)
    changed[train_rows[y[train_rows] == 1][0]] += 50.0
    train3, _ = splits.split_replicates(changed, y, replicate_ids=[0], **KEYS)
    assert not np.allclose(smote_rows(train3)[0], synthetic[0])


def test_constant_column_gives_no_nan(table):
    X, y = table
    X = np.column_stack([X, np.full(len(y), 4.2)])
    train, test = splits.split_replicates(X, y, replicate_ids=[0, 1], **KEYS)
    for part in (train, test):
        assert np.isfinite(part["X"]).all()
        # scale 1 for a zero-variance column; the mean's rounding leaves ~1e-14
        np.testing.assert_allclose(part["X"][:, :, -1], 0.0, atol=1e-12)

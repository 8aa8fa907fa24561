import gzip
import os
import pickle
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
    io.write_text("a\n", tmp_path / "x.txt")
    mask = os.umask(0)
    os.umask(mask)
    mode = stat.S_IMODE((tmp_path / "x.txt").stat().st_mode)
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


def _written_arrays(path):
    io.write_arrays(path, X=np.arange(20_000.0).reshape(-1, 4), error=np.array(["", "boom"]))
    return path.read_bytes()


def _written_table(path):
    io.write_table(pd.DataFrame({"x": np.linspace(0, 1, 200), "error": [""] * 200}), path)
    return path.read_bytes()


def assert_names_the_file(excinfo, path, problem):
    """One short message: the file, what is wrong with it, and the command that remakes it."""
    message = str(excinfo.value)
    first, advice = message.splitlines()
    assert first.startswith("cannot read the ") and f" in {path}: {problem}" in first
    assert advice.startswith("Regenerate it and what depends on it: ")
    assert f"snakemake --cores all --forcerun {path} " in advice
    assert excinfo.value.path == str(path)
    assert len(message) < 400


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (lambda whole: whole[: len(whole) // 2], "it is truncated or damaged"),
        (lambda whole: whole[:-1], "it is truncated or damaged"),
        (lambda whole: b"", "it is not an .npz archive"),
        (lambda whole: b"no archive, some text\n" * 50, "it is not an .npz archive"),
        (lambda whole: b"PK\x03\x04" + bytes(range(256)) * 8, "it is truncated or damaged"),
    ],
    ids=["half", "last-byte-cut", "empty", "garbage", "zip-header-only"],
)
def test_a_damaged_npz_names_itself(tmp_path, content, problem):
    path = tmp_path / "fits" / "chunk_0.npz"
    path.parent.mkdir()
    path.write_bytes(content(_written_arrays(path)))
    with pytest.raises(io.UnreadableFile) as excinfo:
        io.read_arrays(path)
    assert_names_the_file(excinfo, path, problem)
    assert isinstance(excinfo.value, OSError)


def test_a_damaged_array_inside_an_npz_names_the_file(tmp_path):
    path = tmp_path / "chunk_0.npz"
    whole = bytearray(_written_arrays(path))
    start = whole.index(b"\x93NUMPY")  # the first array's header: make its shape unreadable
    whole[start + 10 : start + 60] = b"{" * 50
    path.write_bytes(bytes(whole))
    with pytest.raises(io.UnreadableFile) as excinfo:
        io.read_arrays(path)
    assert_names_the_file(excinfo, path, "it is damaged (")
    assert excinfo.value.__cause__ is not None


def test_the_original_error_is_chained(tmp_path):
    path = tmp_path / "chunk_0.npz"
    path.write_bytes(_written_arrays(path)[:100])
    with pytest.raises(io.UnreadableFile) as excinfo:
        io.read_arrays(path)
    assert type(excinfo.value.__cause__).__name__ == "BadZipFile"
    copy = pickle.loads(pickle.dumps(excinfo.value))
    assert str(copy) == str(excinfo.value) and copy.path == str(path)


def test_a_wrong_argument_is_not_a_damaged_file():
    with pytest.raises(TypeError):
        io.read_arrays(None)


@pytest.mark.parametrize("reader", [io.read_table, io.read_rows, lambda p: io.read_tables([p])])
@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (lambda whole: whole[: len(whole) // 2], "it is truncated: its last line is incomplete"),
        (lambda whole: whole[:-1], "it is truncated: its last line is incomplete"),
        (lambda whole: b"", "it is empty"),
    ],
    ids=["half", "last-newline-cut", "empty"],
)
def test_a_truncated_csv_names_itself(tmp_path, reader, content, problem):
    path = tmp_path / "metrics" / "n210.csv"
    path.parent.mkdir()
    path.write_bytes(content(_written_table(path)))
    with pytest.raises(io.UnreadableFile) as excinfo:
        reader(path)
    assert_names_the_file(excinfo, path, problem)


@pytest.mark.parametrize(
    ("reader", "content", "problem"),
    [
        (io.read_table, b'x,error\n1,"open quote\n', "it is damaged (ParserError: "),
        (io.read_table, b"x,error\n1,\n2,,,\n", "it is damaged (ParserError: "),
        (io.read_table, b"x,error\n\xff\xfe\x00,\n", "it is damaged (UnicodeDecodeError: "),
        (io.read_rows, b"x,error\n1\n", "its row 1 has 1 fields, its header 2"),
        (io.read_rows, b"x,error\n1,,\n", "its row 1 has 3 fields, its header 2"),
        (io.read_rows, b"x,error\n\xff\xfe\x00,\n", "it is damaged (UnicodeDecodeError: "),
    ],
)
def test_a_malformed_csv_names_itself(tmp_path, reader, content, problem):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(io.UnreadableFile) as excinfo:
        reader(path)
    assert_names_the_file(excinfo, path, problem)


def test_a_truncated_compressed_table_names_itself(tmp_path):
    path = tmp_path / "replicates.csv.gz"
    whole = gzip.compress(_written_table(tmp_path / "replicates.csv"))
    path.write_bytes(whole)
    assert len(io.read_table(path)) == 200
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(io.UnreadableFile) as excinfo:
        io.read_table(path)
    assert_names_the_file(excinfo, path, "it is damaged (EOFError: ")


@pytest.mark.parametrize(
    "reader", [io.read_arrays, io.read_table, io.read_rows, lambda p: io.read_tables([p])]
)
def test_a_missing_file_names_itself(tmp_path, reader):
    path = tmp_path / "results" / "gone.npz"
    with pytest.raises(io.UnreadableFile) as excinfo:
        reader(path)
    assert_names_the_file(excinfo, path, "it does not exist")
    assert isinstance(excinfo.value.__cause__, FileNotFoundError)


def test_the_advice_quotes_a_path_for_the_shell(tmp_path):
    path = tmp_path / "my results" / "a.npz"
    with pytest.raises(io.UnreadableFile) as excinfo:
        io.read_arrays(path)
    assert f"--forcerun '{path}' (plus" in str(excinfo.value)


def test_tables_without_rows_or_columns_round_trip(tmp_path):
    io.write_table(pd.DataFrame(), tmp_path / "none.csv")
    assert io.read_table(tmp_path / "none.csv").empty
    io.write_rows([], tmp_path / "rows.csv")
    assert io.read_rows(tmp_path / "rows.csv") == []
    io.write_table(pd.DataFrame({"a": []}), tmp_path / "header.csv")
    assert list(io.read_table(tmp_path / "header.csv").columns) == ["a"]
    io.write_arrays(tmp_path / "none.npz")
    assert io.read_arrays(tmp_path / "none.npz") == {}


def test_columns_and_frames_round_trip_through_parquet(tmp_path):
    columns = {"dgp": "s", "n": 210, "x": np.array([0.1 + 0.2, np.nan]), "e": np.array(["", "b"])}
    io.write_columns(columns, tmp_path / "c.parquet")
    back = io.read_table(tmp_path / "c.parquet")
    assert back["dgp"].tolist() == ["s", "s"] and back["n"].tolist() == [210, 210]
    np.testing.assert_array_equal(back["x"].to_numpy(), columns["x"])
    assert back["e"].tolist() == ["", "b"]
    frames = [
        pd.DataFrame({"k": ["a", "b"], "v": [1 / 3, 2.0]}),
        pd.DataFrame({"k": ["c"], "v": [0.1]}),
    ]
    assert io.write_parquet(iter(frames), tmp_path / "f.parquet") == 3
    whole = io.read_table(tmp_path / "f.parquet")
    pd.testing.assert_frame_equal(whole, pd.concat(frames, ignore_index=True), check_dtype=False)
    assert io.read_table(tmp_path / "f.parquet", columns=["v"]).columns.tolist() == ["v"]
    with pytest.raises(ValueError, match="no table"):
        io.write_parquet(iter([]), tmp_path / "none.parquet")
    assert not (tmp_path / "none.parquet").exists()


def test_a_damaged_parquet_file_names_itself(tmp_path):
    path = tmp_path / "m.parquet"
    io.write_columns({"x": np.arange(100.0)}, path)
    path.write_bytes(path.read_bytes()[:50])
    with pytest.raises(io.UnreadableFile, match=r"m\.parquet: it is damaged"):
        io.read_table(path)

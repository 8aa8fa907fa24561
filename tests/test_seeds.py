import subprocess
import sys
import zlib

import numpy as np
import pytest

from augsim.study import seeds


def test_same_key_same_stream():
    a = seeds.rng_for(7, "train", "gaussian_shared", 3).random(5)
    b = seeds.rng_for(7, "train", "gaussian_shared", 3).random(5)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "other",
    [
        (8, "train", "gaussian_shared", 3),
        (7, "test", "gaussian_shared", 3),
        (7, "train", "gaussian_hetero", 3),
        (7, "train", "gaussian_shared", 4),
        (7, "train", "gaussian_shared"),
    ],
)
def test_different_keys_differ(other):
    a = seeds.rng_for(7, "train", "gaussian_shared", 3).random(5)
    b = seeds.rng_for(*other).random(5)
    assert not np.array_equal(a, b)


def test_stream_is_stable_in_a_fresh_process():
    code = (
        "from augsim.study import seeds; "
        "print(repr(seeds.rng_for(7, 'train', 'smote', 12).random(3).tolist()))"
    )
    # A different hash seed proves no dependence on Python's randomised str hash.
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "123", "PATH": ""},
    ).stdout.strip()
    assert out == repr(seeds.rng_for(7, "train", "smote", 12).random(3).tolist())


def test_names_map_through_crc32():
    # zlib.crc32 is a published checksum, identical on every platform and process.

    assert seeds.key_to_int("smote") == zlib.crc32(b"smote")
    assert seeds.key_to_int(42) == 42


@pytest.mark.parametrize("bad", [-1, 1.5, None, True])
def test_bad_keys_are_rejected(bad):
    with pytest.raises(ValueError, match="seed key"):
        seeds.rng_for(1, bad)


def test_bad_root_seed_is_rejected():
    with pytest.raises(ValueError, match="root_seed"):
        seeds.rng_for(-3, "x")


def test_integer_seed_is_32_bit_and_deterministic():
    a = seeds.integer_seed(seeds.rng_for(1, "x"))
    assert a == seeds.integer_seed(seeds.rng_for(1, "x"))
    assert 0 <= a < 2**32

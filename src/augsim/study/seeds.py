"""The seed tree: child random generators keyed by names and integers.

Every random stream of the study is ``rng_for(root_seed, *keys)``, where the keys say what the
stream is for, e.g. ``("train", "shared/n4200", 17)`` for replicate 17 of the
scenario. Streams depend on their keys only, never on job order, chunking, ``--cores`` or
Python's per-process ``hash()`` randomisation: names are turned into integers with
``zlib.crc32``, which is the same on every platform and in every process.
"""

from __future__ import annotations

import zlib

import numpy as np

Key = str | int


def key_to_int(key: Key) -> int:
    """Map one key to a non-negative integer that is stable across processes and platforms."""
    if isinstance(key, bool):
        raise ValueError(f"seed key must be a str or a non-negative int, got bool {key!r}")
    if isinstance(key, int | np.integer):
        if key < 0:
            raise ValueError(f"seed key must be a str or a non-negative int, got {key!r}")
        return int(key)
    if isinstance(key, str):
        return zlib.crc32(key.encode("utf-8"))
    raise ValueError(f"seed key must be a str or a non-negative int, got {type(key).__name__}")


def seed_sequence(root_seed: int, *keys: Key) -> np.random.SeedSequence:
    """The ``SeedSequence`` of the stream named by ``keys`` under ``root_seed``."""
    if isinstance(root_seed, bool) or not isinstance(root_seed, int | np.integer) or root_seed < 0:
        raise ValueError(f"root_seed must be a non-negative int, got {root_seed!r}")
    return np.random.SeedSequence(int(root_seed), spawn_key=tuple(key_to_int(k) for k in keys))


def rng_for(root_seed: int, *keys: Key) -> np.random.Generator:
    """A fresh ``numpy.random.Generator`` for the stream named by ``keys``.

    The same ``(root_seed, keys)`` always gives the same stream; different keys give
    independent streams (SeedSequence spawn keys).
    """
    return np.random.default_rng(seed_sequence(root_seed, *keys))


def integer_seed(rng: np.random.Generator) -> int:
    """Draw a 32-bit integer seed for a library that only takes ``random_state`` integers."""
    return int(rng.integers(0, 2**32 - 1))

"""Suggestions for a misspelled name: the closest valid names, not a list of a hundred."""

from __future__ import annotations

import difflib
from collections.abc import Sequence


def did_you_mean(name: str, valid: Sequence[str]) -> str:
    """``did you mean ...?`` with the closest valid names, or the valid names themselves where
    there are few (``valid`` in the order to show)."""
    close = difflib.get_close_matches(str(name), list(valid), n=3, cutoff=0.6)
    if close:
        return f"did you mean {' or '.join(repr(c) for c in close)}? ({len(valid)} valid names)"
    if len(valid) <= 12:
        return f"valid names: {', '.join(valid)}"
    return f"{len(valid)} valid names, e.g. {', '.join(valid[:5])}"

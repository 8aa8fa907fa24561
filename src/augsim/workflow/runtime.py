"""How a rule script's process runs: its log file, its timing and its memory allocator."""

from __future__ import annotations

import ctypes
import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from augsim.workflow.logs import setup_logging

# glibc's mallopt parameter number for M_TOP_PAD (malloc.h).
_M_TOP_PAD = -2
# Extra heap kept past the top of the heap when it grows, and not returned when it shrinks.
HEAP_PAD_BYTES = 64 * 1024 * 1024


def rule_script(main: Callable[[Any], None]) -> Callable[[Any], None]:
    """Wrap a rule script's ``main(smk)``: log to the rule's log file and time the work.

    The last line of every rule log is ``finished in <seconds> s`` (the work after imports, which
    ``benchmarks/bench_workflow.py`` adds up) or the traceback of the error that stopped the job,
    so a failed job's log says why.
    """

    @functools.wraps(main)
    def run(smk) -> None:
        setup_logging(smk.log[0] if smk.log else None)
        log = logging.getLogger(getattr(smk, "rule", main.__module__))
        retain_freed_heap()
        start = time.perf_counter()
        try:
            main(smk)
        except Exception:
            log.exception("failed after %.3f s", time.perf_counter() - start)
            raise
        log.info("finished in %.3f s", time.perf_counter() - start)

    return run


def retain_freed_heap(pad_bytes: int = HEAP_PAD_BYTES) -> bool:
    """Keep freed heap memory for reuse instead of returning it to the system (glibc only).

    The rules allocate and free arrays of a few hundred kB per fit. By default glibc hands the
    top of the heap back to the system on each free and faults fresh pages in on the next
    allocation: evaluating one chunk then spent as much time in the kernel as in numpy. Returns
    whether the setting took effect; elsewhere it is a no-op. Never changes a result.
    """
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the symbols already loaded: libc's, on Linux
    except (OSError, AttributeError):  # no glibc
        return False
    return bool(mallopt(_M_TOP_PAD, pad_bytes))

"""How a rule script's process runs: its log file, its timing and its memory allocator's setting.

The allocator setting is glibc's ``MALLOC_TOP_PAD_`` environment variable, which glibc reads
when a process starts: workflow/rules/common.smk sets it to :data:`HEAP_PAD_BYTES` for every
job, and benchmarks that measure in their own process start again with it
(:func:`restart_with_heap_pad`).
"""

from __future__ import annotations

import functools
import logging
import os
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from augsim.workflow.logs import setup_logging

# Extra heap glibc keeps past the top of the heap when it grows, and does not return when it
# shrinks. The rules allocate and free arrays of a few hundred kB per fit: without the pad glibc
# hands the top of the heap back to the system on each free and faults fresh pages in on the
# next allocation, and evaluating one chunk spent as much time in the kernel as in numpy. Other
# C libraries ignore the variable; it never changes a result.
HEAP_PAD_VARIABLE = "MALLOC_TOP_PAD_"
HEAP_PAD_BYTES = 64 * 1024 * 1024


def rule_script(main: Callable[[Any, logging.Logger], None]) -> Callable[[Any], None]:
    """Wrap a rule script's ``main(smk, log)``: log to the rule's log file and time the work.

    ``log`` is the rule's logger, ``augsim.rules.<rule>`` (the package's modules log under their
    own module names).

    The last line of every rule log is ``finished in <seconds> s`` (the work after imports, which
    ``benchmarks/bench_workflow.py`` adds up) or the traceback of the error that stopped the job,
    so a failed job's log says why. The error's message comes first, on lines of its own, ahead
    of the traceback (which for a chained error starts with the error it was raised from).
    """

    @functools.wraps(main)
    def run(smk) -> None:
        setup_logging(smk.log[0] if smk.log else None)
        log = logging.getLogger(f"augsim.rules.{getattr(smk, 'rule', main.__name__)}")
        start = time.perf_counter()
        try:
            main(smk, log)
        except Exception as err:
            # the message alone first: a chained traceback can run to dozens of lines
            log.error("%s", "".join(traceback.format_exception_only(err)).rstrip())
            log.exception("failed after %.3f s", time.perf_counter() - start)
            raise
        log.info("finished in %.3f s", time.perf_counter() - start)

    return run


def restart_with_heap_pad() -> None:
    """Start this program again, once, with the rule jobs' heap setting if it lacks it.

    For scripts that measure work in their own process (the benchmarks): glibc reads
    ``MALLOC_TOP_PAD_`` only at start-up, so the process is replaced by the same command line
    with the variable set. Does nothing when it is set, by the user or by that restart.
    """
    if HEAP_PAD_VARIABLE in os.environ:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    environment = {**os.environ, HEAP_PAD_VARIABLE: str(HEAP_PAD_BYTES)}
    os.execve(sys.executable, sys.orig_argv, environment)

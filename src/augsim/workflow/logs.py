"""Logging set-up for rule scripts and command-line entry points."""

from __future__ import annotations

import logging
import os
import sys


def setup_logging(log_path: str | os.PathLike | None = None, *, level: int = logging.INFO) -> None:
    """Send log records to ``log_path`` (if given) and to standard error.

    Only entry points call this; library modules just use ``logging.getLogger(__name__)``.
    """
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_path:
        handlers.append(logging.FileHandler(log_path, mode="w"))
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=handlers,
        force=True,
    )
    logging.captureWarnings(True)

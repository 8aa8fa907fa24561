"""Record the CI study's tables again: run config/ci.yaml through the real workflow in a scratch
copy and write its tables to tests/data/ci_tables/, which every test run compares with.

Run it whenever a change adds rows or columns to the CI study (a new generator, model, metric or
claim), after checking that every number already recorded is unchanged, which it prints:

    python tests/record_ci_tables.py            # compare, then record
    python tests/record_ci_tables.py --check    # compare only
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import sys
import tempfile
from pathlib import Path

from workflow_helpers import (
    RECORDED,
    RECORDED_TABLES,
    assert_matches_recorded,
    copy_workflow,
    produced_table,
)
from workflow_helpers import snakemake as run_snakemake

from augsim.workflow import io


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare only, record nothing")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        workdir = copy_workflow(Path(scratch))
        run_snakemake(workdir)
        results = workdir / "results" / "ci"
        changed = _compare(results)
        if args.check:
            return 1 if changed else 0
        for table in RECORDED:
            target = RECORDED_TABLES / f"{table.split('/')[-1]}.csv.gz"
            with tempfile.TemporaryDirectory() as text_dir:
                text = Path(text_dir) / "table.csv"
                io.write_table(io.read_table(produced_table(results, table)), text)
                with open(text, "rb") as source, gzip.GzipFile(target, "wb", mtime=0) as out:
                    shutil.copyfileobj(source, out)
            print(f"recorded {target}")
    return 0


def _compare(results: Path) -> list[str]:
    """The recorded tables the run does not match, each printed with why."""
    changed = []
    for table in RECORDED:
        if not (RECORDED_TABLES / f"{table.split('/')[-1]}.csv.gz").exists():
            changed.append(table)
            print(f"NEW: {table}")
            continue
        try:
            assert_matches_recorded(results, table)
            print(f"unchanged: {table}")
        except (AssertionError, FileNotFoundError) as err:
            changed.append(table)
            print(f"CHANGED: {table}: {str(err)[:300]}")
    return changed


if __name__ == "__main__":
    sys.exit(main())

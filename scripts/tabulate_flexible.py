"""Rule tabulate_flexible: every model's gain over raw, with the test set's own error."""

import logging
from pathlib import Path

from augsim import io, tables, views
from augsim.runtime import rule_script

log = logging.getLogger("tabulate_flexible")


@rule_script
def main(smk) -> None:
    table = views.flexible_gains(
        io.read_table(smk.input.summary),
        io.read_tables(smk.input.errors),
        spec=smk.params.spec,
        experiments=smk.params.experiments,
        catalogue=smk.params.catalogue,
    )
    io.write_table(table, smk.output.csv)
    with io.atomic_path(smk.output.md) as tmp:
        Path(tmp).write_text(tables.flexible_markdown(table, smk.params.catalogue["labels"]))
    log.info("%d rows", len(table))


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

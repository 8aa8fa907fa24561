"""Rule tabulate_discrepancies: every generator's discrepancy part at one gamma, as a table."""

import logging
from pathlib import Path

from augsim import io, tables, views
from augsim.runtime import rule_script

log = logging.getLogger("tabulate_discrepancies")


@rule_script
def main(smk) -> None:
    table = views.discrepancies(
        io.read_table(smk.input.replicates),
        io.read_table(smk.input.population),
        spec=smk.params.spec,
        experiments=smk.params.experiments,
        catalogue=smk.params.catalogue,
    )
    io.write_table(table, smk.output.csv)
    with io.atomic_path(smk.output.md) as tmp:
        Path(tmp).write_text(tables.discrepancy_markdown(table, smk.params.catalogue["labels"]))
    log.info("%d discrepancy rows", len(table))


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

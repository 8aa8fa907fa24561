"""Rule tabulate_real_data: the paired gains over raw on the real data sets, with corrected
intervals."""

import logging
from pathlib import Path

from augsim import io, tables, views
from augsim.runtime import rule_script

log = logging.getLogger("tabulate_real_data")


@rule_script
def main(smk) -> None:
    table = views.real_data_gains(
        io.read_table(smk.input.replicates),
        spec=smk.params.spec,
        experiments=smk.params.experiments,
        catalogue=smk.params.catalogue,
    )
    io.write_table(table, smk.output.csv)
    with io.atomic_path(smk.output.md) as tmp:
        Path(tmp).write_text(tables.real_data_markdown(table, smk.params.catalogue["labels"]))
    log.info("%d rows", len(table))


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

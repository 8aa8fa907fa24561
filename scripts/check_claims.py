"""Rule check_claims: each claim of the paper, the statistic that tests it, and the verdict."""

import logging
from pathlib import Path

from augsim import claims, io
from augsim.runtime import rule_script

log = logging.getLogger("check_claims")


@rule_script
def main(smk) -> None:
    tables = claims.Tables(
        io.read_table(smk.input.summary),
        io.read_table(smk.input.replicates),
        io.read_table(smk.input.population),
        io.read_tables(smk.input.test_errors),
        io.read_table(smk.input.real_data) if smk.input.real_data else None,
    )
    table = claims.claims_table(
        tables, smk.params.claims, smk.params.experiments, smk.params.catalogue
    )
    io.write_table(table, smk.output.csv)
    with io.atomic_path(smk.output.md) as tmp:
        Path(tmp).write_text(claims.claims_markdown(table))
    log.info("verdicts: %s", table["verdict"].value_counts().to_dict())


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

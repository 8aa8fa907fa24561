"""Rule check_claims: each claim of the paper, the statistic that tests it, and the verdict."""

import logging
from pathlib import Path

from augsim import claims, io
from augsim.logs import setup_logging

log = logging.getLogger("check_claims")


def main(smk) -> None:
    setup_logging(smk.log[0])
    table = claims.claims_table(
        io.read_table(smk.input.summary),
        io.read_table(smk.input.replicates),
        io.read_table(smk.input.population),
        smk.params.figures,
        smk.params.experiments,
    )
    io.write_table(table, smk.output.csv)
    with io.atomic_path(smk.output.md) as tmp:
        Path(tmp).write_text(claims.claims_markdown(table))
    log.info("verdicts: %s", table["verdict"].value_counts().to_dict())


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

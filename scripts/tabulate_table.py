"""Rules tabulate_<table>: one table of the report, as CSV and as Markdown."""

from augsim.report import tabulate
from augsim.workflow import io
from augsim.workflow.runtime import rule_script


@rule_script
def main(smk, log) -> None:
    inputs = [
        io.read_tables(smk.input[name]) if name == "test_errors" else io.read_table(smk.input[name])
        for name in smk.params.reads
    ]
    table, markdown = tabulate.tabulate(
        smk.params.function,
        smk.params.markdown,
        tables=inputs,
        selection=smk.params.selection,
        options=smk.params.options,
        catalogue=smk.params.catalogue,
    )
    io.write_table(table, smk.output.csv)
    io.write_text(markdown, smk.output.md)
    log.info("%d rows", len(table))


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

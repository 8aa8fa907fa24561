"""Rule check_claims: each claim of the paper, the statistic that tests it, and the verdict."""

from augsim.report.claims import common, table
from augsim.workflow import io
from augsim.workflow.runtime import rule_script


@rule_script
def main(smk, log) -> None:
    def read(name):
        if name not in smk.input.keys():
            return None
        if name == "test_errors":
            return io.read_tables(smk.input[name])
        return io.read_table(smk.input[name])

    tables = common.Tables(*(read(name) for name in common.Tables._fields))
    claims = table.claims_table(tables, smk.params.checks, smk.params.catalogue)
    io.write_table(claims, smk.output.csv)
    io.write_text(table.claims_markdown(claims, table.notes(smk.params.checks)), smk.output.md)
    log.info("verdicts: %s", claims["verdict"].value_counts().to_dict())


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

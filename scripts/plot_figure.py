"""Rules plot_<figure>: one figure of the report, drawn from the aggregated tables."""

from augsim.report.figures import render
from augsim.workflow import io
from augsim.workflow.runtime import rule_script


@rule_script
def main(smk, log) -> None:
    render.render(
        smk.params.function,
        tables=[io.read_table(smk.input[name]) for name in smk.params.reads],
        selection=smk.params.selection,
        options=smk.params.options,
        catalogue=smk.params.catalogue,
        outputs=(smk.output.pdf, smk.output.png),
    )


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

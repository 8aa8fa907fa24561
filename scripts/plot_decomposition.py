"""Rule plot_decomposition: gain over raw split into weighting and discrepancy parts."""

import logging

from augsim import figures, io
from augsim.logs import setup_logging

log = logging.getLogger("plot_decomposition")


def main(smk) -> None:
    setup_logging(smk.log[0])
    p = smk.params[0]  # `params: figure_params(...)` is one positional dict
    log.info("spec %s", p["spec"])
    fig = figures.plot_decomposition(
        io.read_table(smk.input.summary),
        spec=p["spec"],
        experiments=p["experiments"],
        dgps=p["dgps"],
    )
    figures.save_figure(fig, smk.output[0], smk.output[1])
    log.info("wrote %s and %s", smk.output[0], smk.output[1])


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

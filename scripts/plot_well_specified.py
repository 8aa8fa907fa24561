"""Rule plot_well_specified: gain over raw against gamma when the score model is well specified."""

import logging

from augsim import figures, io
from augsim.logs import setup_logging

log = logging.getLogger("plot_well_specified")


def main(smk) -> None:
    setup_logging(smk.log[0])
    p = smk.params[0]  # `params: figure_params(...)` is one positional dict
    log.info("spec %s", p["spec"])
    fig = figures.plot_well_specified(
        io.read_table(smk.input.summary),
        io.read_table(smk.input.population),
        spec=p["spec"],
        experiments=p["experiments"],
        dgps=p["dgps"],
    )
    figures.save_figure(fig, smk.output[0], smk.output[1])
    log.info("wrote %s and %s", smk.output[0], smk.output[1])


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

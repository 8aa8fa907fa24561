"""Rule plot_population: metrics of the restricted-class projection against the weight w."""

import logging

from augsim import figures, io
from augsim.logs import setup_logging

log = logging.getLogger("plot_population")


def main(smk) -> None:
    setup_logging(smk.log[0])
    p = smk.params[0]  # `params: figure_params(...)` is one positional dict
    population = io.read_table(smk.input.population)
    fig = figures.plot_population(population, spec=p["spec"], dgps=p["dgps"])
    figures.save_figure(fig, smk.output[0], smk.output[1])
    log.info("wrote %s and %s", smk.output[0], smk.output[1])


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

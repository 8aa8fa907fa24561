"""Rule plot_sim_vs_real: simulation and real data side by side."""

from augsim import figures
from augsim.runtime import rule_script


@rule_script
def main(smk) -> None:
    # `params: figure_params(...)` is one positional dict
    figures.render(
        "sim_vs_real", inputs=dict(smk.input.items()), params=smk.params[0], outputs=smk.output
    )


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

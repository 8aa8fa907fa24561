"""Rule plot_rate: log-log regret against n with fitted slopes (the minimax-rate claim)."""

from augsim import figures
from augsim.runtime import rule_script


@rule_script
def main(smk) -> None:
    # `params: figure_params(...)` is one positional dict
    figures.render("rate", inputs=dict(smk.input.items()), params=smk.params[0], outputs=smk.output)


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

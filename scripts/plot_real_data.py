"""Rule plot_real_data: the paired gain over raw on real data sets."""

from augsim import figures
from augsim.runtime import rule_script


@rule_script
def main(smk) -> None:
    # `params: figure_params(...)` is one positional dict
    figures.render(
        "real_data", inputs=dict(smk.input.items()), params=smk.params[0], outputs=smk.output
    )


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

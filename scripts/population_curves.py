"""Rule population_curves: metrics of the restricted-class projection (the n -> inf limit)."""

import logging

import pandas as pd

from augsim import io, limits
from augsim.dgps import build_dgp
from augsim.runtime import rule_script

log = logging.getLogger("population_curves")


@rule_script
def main(smk) -> None:
    p = smk.params
    dgps = {key: build_dgp(spec) for key, spec in p.dgps.items()}
    rows = limits.population_table(
        dgps,
        p.generators,
        weights=p.weights,
        weight_curve_dgps=p.weight_curve_dgps,
        gamma_cells=p.gamma_cells,
        imbalance_ratio=p.imbalance_ratio,
        extra_prevalences=p.extra_prevalences,
    )
    io.write_table(pd.DataFrame(rows), smk.output[0])
    log.info("wrote %d population rows", len(rows))


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

"""Rule compute_population_curves: metrics of the restricted-class projection (n -> infinity)."""

import pandas as pd

from augsim.population import limits
from augsim.sources.dgps import build_dgp
from augsim.workflow import io
from augsim.workflow.runtime import rule_script


@rule_script
def main(smk, log) -> None:
    p = smk.params
    dgps = {key: build_dgp(spec) for key, spec in p.dgps.items()}
    rows = limits.population_table(
        dgps,
        p.generators,
        weights=p.weights,
        weight_curve_dgps=p.weight_curve_dgps,
        limit_prevalences=p.limit_prevalences,
        gamma_cells=p.gamma_cells,
    )
    io.write_table(pd.DataFrame(rows), smk.output[0])
    log.info("wrote %d population rows", len(rows))


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

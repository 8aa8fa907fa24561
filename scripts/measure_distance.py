"""Rule measure_distance: the synthetic distributional error of one generator on one scenario,
per replicate."""

import numpy as np
import pandas as pd

from augsim.generators.registry import build_generator
from augsim.sources.dgps import build_dgp
from augsim.steps import distance
from augsim.workflow import io
from augsim.workflow.runtime import rule_script


@rule_script
def main(smk, log) -> None:
    synthetic = _stacked(smk.input.synthetic)
    train = _stacked(smk.input.train)
    n0, n1 = smk.params.class_counts
    if smk.params.dgp:
        truth = build_dgp(smk.params.dgp)
        generator = build_generator(smk.params.generator, truth)
        limit = (
            generator.population_limit(truth, n0=n0, n1=n1) if generator.has_limit(truth) else None
        )
        rows = distance.simulated_distances(synthetic, train, truth.components(1), limit=limit)
    else:  # a data set: against its test parts' minority rows
        rows = distance.empirical_distances(synthetic, train, _stacked(smk.input.test))
    where = {"dgp": smk.wildcards.source, "n": int(smk.wildcards.n), "n0": n0, "n1": n1}
    table = pd.DataFrame(rows).assign(generator=smk.wildcards.generator, **where)
    io.write_table(table[distance.REPLICATE_COLUMNS], smk.output[0])
    log.info(
        "%s: mean MMD^2 %.4g over %d replicates (%d failed)",
        smk.wildcards.generator, table["mmd2"].mean(), len(table), (table["error"] != "").sum(),
    )  # fmt: skip


def _stacked(paths) -> dict:
    """The chunks' arrays with their replicates stacked; the labels are every chunk's."""
    chunks = [io.read_arrays(path) for path in paths]
    return {
        key: chunks[0][key] if key == "y" else np.concatenate([chunk[key] for chunk in chunks])
        for key in chunks[0]
    }


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

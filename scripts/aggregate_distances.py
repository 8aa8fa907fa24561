"""Rule aggregate_distances: each generator's synthetic distributional error over replicates."""

import pandas as pd

from augsim.steps import distance
from augsim.workflow import io
from augsim.workflow.runtime import rule_script


@rule_script
def main(smk, log) -> None:
    columns = distance.REPLICATE_COLUMNS
    frames = [io.read_table(path) for path in smk.input]
    replicates = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    summary = distance.summarise(replicates[columns])
    io.write_table(summary, smk.output[0])
    log.info("%d generator cells", len(summary))


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

"""Rule fit_models: one model per (replicate, gamma) of a chunk, for one method."""

import logging

from augsim import fit, io
from augsim.models import build_model
from augsim.runtime import rule_script

log = logging.getLogger("fit_models")


@rule_script
def main(smk) -> None:
    train = io.read_arrays(smk.input.train)
    synthetic = io.read_arrays(smk.input.synthetic) if smk.input.synthetic else None
    method = smk.wildcards.method
    fits = fit.fit_replicates(
        train,
        synthetic,
        lambda: build_model(smk.params.model),
        role=smk.params.role,
        gammas=smk.params.gammas,
    )
    io.write_arrays(smk.output[0], **fits)
    log.info(
        "%s %s: %d fits, %d failed, %.4f s per fit",
        smk.params.model,
        method,
        len(fits["error"]),
        int((fits["error"] != "").sum()),
        float(fits["seconds"][fits["error"] == ""].mean()) if len(fits["error"]) else 0.0,
    )


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

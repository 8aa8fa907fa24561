"""Rule fit_models: one model per (replicate, gamma) of a chunk, for one method."""

from threadpoolctl import threadpool_limits

from augsim.models.registry import build_model
from augsim.steps import fit
from augsim.study.seeds import rng_for
from augsim.workflow import io
from augsim.workflow.runtime import rule_script


@rule_script
def main(smk, log) -> None:
    train = io.read_arrays(smk.input.train)
    synthetic = io.read_arrays(smk.input.synthetic) if smk.input.synthetic else None
    test = io.read_arrays(smk.input.test) if smk.input.test else None
    method, scenario = smk.wildcards.method, f"{smk.wildcards.source}/n{smk.wildcards.n}"
    with threadpool_limits(limits=smk.threads):  # BLAS and OpenMP: the rule's threads
        fits = fit.fit_replicates(
            train,
            synthetic,
            lambda: build_model(smk.params.model, threads=smk.threads),
            role=smk.params.role,
            gammas=smk.params.gammas,
            replicate_ids=smk.params.replicate_ids,
            rng_for_replicate=lambda rep: rng_for(
                smk.params.seed, "fit", scenario, smk.wildcards.model, rep
            ),
            test_X=None if test is None else test["X"],
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

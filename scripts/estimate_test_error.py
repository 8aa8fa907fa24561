"""Rule estimate_test_error: the test set's own Monte Carlo error of each paired difference."""

from augsim.metrics import test_error
from augsim.models.registry import build_model
from augsim.steps.evaluate import fit_scores, keeps_scores
from augsim.study.methods import RAW
from augsim.workflow import io
from augsim.workflow.runtime import rule_script


@rule_script
def main(smk, log) -> None:
    test = io.read_arrays(smk.input.test)
    model = build_model(smk.params.model)
    by_method = {}
    for method, path in zip(smk.params.methods, smk.input.fits, strict=True):
        fits = io.read_arrays(path)
        features = None if keeps_scores(fits) else model.features(test["X"])
        by_method[method] = {
            (int(fits["replicate"][i]), float(fits["gamma"][i])): fit_scores(fits, i, features)
            for i in range(len(fits["replicate"]))
            if fits["error"][i] == "" and int(fits["replicate"][i]) in smk.params.replicates
        }
    raw = {replicate: scores for (replicate, _), scores in by_method.pop(RAW).items()}
    rows = test_error.test_set_errors(
        test, raw, by_method, prevalence=smk.params.prevalence, replicates=smk.params.replicates
    )
    where = {"dgp": smk.wildcards.source, "n": int(smk.wildcards.n), "model": smk.wildcards.model}
    io.write_rows([where | row for row in rows], smk.output[0])
    log.info("%d test-error rows over replicates %s", len(rows), smk.params.replicates)


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

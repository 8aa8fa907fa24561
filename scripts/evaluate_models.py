"""Rule evaluate_models: replicate-level metric rows for one chunk of fits."""

from augsim.models.registry import build_model
from augsim.steps import evaluate
from augsim.workflow import io
from augsim.workflow.runtime import rule_script


@rule_script
def main(smk, log) -> None:
    # a source without a population has neither exact metrics nor a Bayes reference
    population = None
    if smk.params.population:  # imported here: a data set's jobs skip SciPy's linear algebra
        from augsim.sources.dgps import build_dgp

        population = build_dgp(smk.params.population)
    columns = evaluate.evaluate_fits(
        io.read_arrays(smk.input.fits),
        io.read_arrays(smk.input.test),
        model=build_model(smk.params.model),
        prevalences=smk.params.prevalences,
        population=population,
        bayes=evaluate.bayes_lookup(io.read_rows(smk.input.bayes)) if smk.input.bayes else None,
        class_counts=tuple(smk.params.class_counts),
        sources=smk.params.sources,
    )
    cell = {"dgp": smk.wildcards.source, "n": int(smk.wildcards.n)}
    cell |= {"model": smk.wildcards.model, "method": smk.wildcards.method}
    io.write_columns(cell | columns, smk.output[0])
    log.info("wrote %d metric rows", len(columns["value"]))


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

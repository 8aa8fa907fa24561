"""Rule split_data: the training and test parts of one chunk of a data set's splits."""

from augsim.sources import datasets, splits
from augsim.workflow import io
from augsim.workflow.runtime import rule_script


@rule_script
def main(smk, log) -> None:
    X, y = datasets.load(smk.params.dataset)
    train, test = splits.split_replicates(
        X,
        y,
        replicate_ids=smk.params.replicate_ids,
        seed=smk.params.seed,
        dataset=smk.wildcards.source,
        test_fraction=smk.params.test_fraction,
    )
    if train["y"].size != int(smk.wildcards.n):
        raise ValueError(
            f"{smk.params.dataset}: training parts of {train['y'].size} rows, but the plan "
            f"expected n = {smk.wildcards.n} from the package's summary"
        )
    io.write_arrays(smk.output.train, **train)
    io.write_arrays(smk.output.test, **test)
    log.info(
        "%s: %d rows, %d features; splits %s: train %d rows, test %d rows",
        smk.params.dataset,
        len(y),
        X.shape[1],
        smk.params.replicate_ids,
        train["y"].size,
        test["y"].size,
    )


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

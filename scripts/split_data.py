"""Rule split_data: the training and test parts of one chunk of a data set's splits."""

from augsim.sources import finite, splits
from augsim.workflow import io
from augsim.workflow.runtime import rule_script


@rule_script
def main(smk, log) -> None:
    spec = smk.params.dataset
    X, y = finite.load(spec)
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
            f"{finite.name(spec)}: training parts of {train['y'].size} rows, but the plan "
            f"expected n = {smk.wildcards.n} from its class counts"
        )
    if finite.is_file(spec):
        # the results say which bytes they were computed from
        from augsim.sources import files

        train["source_sha256"] = test["source_sha256"] = files.checksum(spec["file"])
        log.info("%s: SHA-256 %s", spec["file"], train["source_sha256"])
    io.write_arrays(smk.output.train, **train)
    io.write_arrays(smk.output.test, **test)
    log.info(
        "%s: %d rows, %d features; splits %s: train %d rows, test %d rows",
        finite.name(spec),
        len(y),
        train["X"].shape[2],
        smk.params.replicate_ids,
        train["y"].size,
        test["y"].size,
    )


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

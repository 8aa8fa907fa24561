"""Rule compute_bayes: metrics of the true log-likelihood-ratio score at every prevalence."""

import pandas as pd

from augsim.population.bayes import bayes_metrics
from augsim.sources.dgps import build_dgp
from augsim.workflow import io
from augsim.workflow.runtime import rule_script


@rule_script
def main(smk, log) -> None:
    dgp = build_dgp(smk.params.dgp)
    rows = []
    for prevalence in smk.params.prevalences:
        metrics = bayes_metrics(dgp, prevalence=prevalence)
        log.info("%r at prevalence %.6g: %s", dgp, prevalence, metrics)
        rows += [{"prevalence": prevalence, "metric": k, "value": v} for k, v in metrics.items()]
    io.write_table(pd.DataFrame(rows), smk.output[0])


if __name__ == "__main__":
    main(snakemake)  # noqa: F821

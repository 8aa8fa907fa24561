# Replication of the simulation studies of "When Does Synthetic Data Augmentation Improve
# Score-Based Imbalanced Classification?" (arXiv 2606.26053). See README.md.
from snakemake.utils import min_version

min_version("9.0")


# The study comes from --configfile; the local profile (profiles/default) gives the paper's,
# config/config.yaml, as its default, so another study given on the command line replaces it
# rather than being merged into it (a `configfile:` directive here would merge them).


include: "workflow/rules/common.smk"
include: "workflow/rules/simulate.smk"
include: "workflow/rules/augment.smk"
include: "workflow/rules/fit.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/distance.smk"
include: "workflow/rules/aggregate.smk"
include: "workflow/rules/report.smk"


rule all:
    default_target: True
    input:
        all_targets(),

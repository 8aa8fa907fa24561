# Replication of the simulation studies of "When Does Synthetic Data Augmentation Improve
# Score-Based Imbalanced Classification?" (arXiv 2606.26053). See README.md.
from snakemake.utils import min_version

min_version("9.0")


# The paper's study by default. A study given with --configfile replaces it rather than being
# merged into it (Snakemake's default merge would add the paper's DGPs and experiments).
if not workflow.overwrite_configfiles:

    configfile: "config/config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/simulate.smk"
include: "workflow/rules/augment.smk"
include: "workflow/rules/fit.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/aggregate.smk"
include: "workflow/rules/report.smk"


rule all:
    default_target: True
    input:
        all_targets(),

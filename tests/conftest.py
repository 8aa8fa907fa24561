"""Tests run in the repository's root, wherever pytest is started: the configs name files
(a plug-in sampler, a data file) relative to the working directory, as Snakemake runs them."""

import os

from workflow_helpers import REPO

os.chdir(REPO)

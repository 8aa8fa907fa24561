"""Synthetic minority augmentation for score-based imbalanced classification: the science of the
study, one subpackage per part of its architecture.

``sources``     where training replicates and test rows come from: simulated DGPs, real data sets
``generators``  synthetic minority samplers behind one interface, and their registry
``models``      score models (logistic and its Newton solver, flexible models) and their registry
``metrics``     the metric registry; ranking and calibration metrics; the test set's own error
``population``  exact population quantities: quadrature, metrics and calibration of linear
                scores, Bayes metrics, the restricted-class projection, the population curves
``study``       the config turned into a plan: validation, design arithmetic, roles, seeds, views
``steps``       the replicate-level steps the workflow chains: augment, fit, evaluate, aggregate
``report``      tables, figures and claims, declared in one registry
``workflow``    what the Snakemake rules need from Python: file formats, logging, the rule
                scripts' runtime, the code dependencies of a rule
``statistics``  every interval and test the summary, tables, figures and claims use

Importing the package imports none of scikit-learn, imbalanced-learn or pandas; each module
imports what it needs, and each subpackage's ``__init__`` imports nothing, so a rule's job
imports only the modules it uses.
"""

__version__ = "0.1.0"

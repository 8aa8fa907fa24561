"""Metrics of a fitted score.

``registry``: every metric (name, label, direction, kind), read everywhere; ``ranking``: AUROC,
AUPRC, best balanced accuracy and best F1 from one sort; ``calibration``: Brier score, log loss,
calibration intercept and slope, and the prior-shift correction; ``test_error``: the test set's
own Monte Carlo error of a paired difference.
"""

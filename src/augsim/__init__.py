"""Simulation study of synthetic minority augmentation for score-based imbalanced classification.

Modules, one concept each: ``dgps`` (data-generating processes), ``generators`` (synthetic
minority samplers), ``models`` (score models), ``metrics`` (empirical metrics), ``population``
(exact population metrics and the restricted-class projection), ``seeds`` (the seed tree) and
``io`` (file formats). Importing the package imports none of scikit-learn, imbalanced-learn or
pandas: each module imports what it needs.
"""

__version__ = "0.1.0"

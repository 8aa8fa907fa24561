"""Synthetic minority generators: fitted on a training replicate, then drawing m new rows.

``interface``: what every generator implements and declares (role, label, style, capabilities);
``study``: the study's own (truth sampler, biased oracle, ROS, SMOTE, Gaussian fit);
``imbalanced``: imbalanced-learn's over-samplers; ``density``: scikit-learn's density models;
``registry``: every generator by registry name, loaded by import path.
"""

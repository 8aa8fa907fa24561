"""Population (n -> infinity) quantities for Gaussian-mixture DGPs.

``quadrature``: 1-D rules over normal laws and the law of a linear score; ``linear``: exact
ranking metrics of a linear score; ``calibration``: its exact calibration metrics; ``bayes``: the
metrics of the true log-likelihood ratio; ``projection``: the restricted-class projection of
linear logistic regression; ``limits``: the population curves over the weight and over gamma.
"""

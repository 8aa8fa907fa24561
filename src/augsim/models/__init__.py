"""Score models: fitted per (replicate, gamma), scored on test rows or exactly.

``logistic``: logistic regression on raw or quadratic features; ``newton``: its Newton solver;
``flexible``: scikit-learn's gradient boosting, random forest and MLP behind the same
interface; ``registry``: every model by registry name, loaded by import path.
"""

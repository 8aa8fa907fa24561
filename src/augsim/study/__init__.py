"""The study: a validated config turned into a plan of cells, chunks, views and report jobs.

``validation`` and ``report_checks``: every check before any job; ``plan``: the plan, built once;
``cells``: the cells experiments expand into; ``views``: named selections, resolved;
``catalogue``: what the report knows of the instances; ``design``: class sizes, synthetic
counts, weights and prevalences; ``methods``: roles and the built-in methods; ``seeds``: the seed
tree; ``replay``: one replicate outside Snakemake.
"""

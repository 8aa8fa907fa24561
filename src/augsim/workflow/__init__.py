"""What the Snakemake workflow needs from Python: ``io`` (file formats, atomic writes, readers
that name a damaged file), ``logs`` (logging set-up), ``runtime`` (how a rule script runs) and
``codedeps`` (the package modules a rule script runs).
"""

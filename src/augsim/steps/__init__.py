"""The replicate-level steps the workflow chains: ``augment`` (synthetic rows at the largest
gamma), ``fit`` (one model per replicate and gamma), ``evaluate`` (metric rows of every fit) and
``aggregate`` (the replicate table, its summary and failures).
"""

"""The report: tables, figures and claims, each declared once in ``registry``.

``selections``: the rows a selection shows; ``tables`` and ``markdown``: the report's tables and
their Markdown; ``tabulate``: making one table in a job; ``figures``: one module per family of
figures; ``claims``: one module per family of claims.
"""

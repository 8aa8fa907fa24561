"""The study's claims, each tested by a statistic of the aggregated tables.

:mod:`.common` holds what every check shares (the table's columns, the tables a check reads, the
row builders); each family of claims has its module (:mod:`.simulation`, :mod:`.oversamplers`,
:mod:`.flexible`, :mod:`.real_data`), loaded by the import path its declaration in
:data:`augsim.report.registry.CLAIMS` gives; :mod:`.table` runs the configured checks into one
table and renders it as Markdown.
"""

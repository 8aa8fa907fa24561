"""The study's figures, drawn from the aggregated tables: plotting only.

One module per family of figures (:mod:`.gamma`, :mod:`.rate`, :mod:`.population`,
:mod:`.oversamplers`, :mod:`.flexible`, :mod:`.real_data`), the shared drawing conventions in
:mod:`.style` and the job entry point in :mod:`.render`. The report's registry
(:data:`augsim.report.registry.FIGURES`) names each figure's function by import path, so a job
imports the module of the figure it draws and no other; this package imports none of them.

Every public ``plot_<figure>(*tables, selection, options, catalogue)`` takes the tables of its
registry entry's ``reads``, in that order, then keywords only: the resolved
:class:`augsim.study.views.Selection` of its view (None for a figure without a view), its own
config keys (``options``) and the study's ``catalogue`` (each method's role, label, colour and
marker, each model's label and capabilities, each source's description). It returns a
:class:`matplotlib.figure.Figure`; which rows it shows is selected by
:mod:`augsim.report.selections`, which the claims read too.

Figures are built as ``Figure()`` objects, never through ``pyplot``: nothing is registered in
pyplot's global figure list, so nothing has to be closed and no "too many figures" warning can
fire in a long test session.

Shared conventions
------------------
- Evaluation ``training`` (the deployment prevalence).
- Source ``population`` (the exact metric of each fitted score) where the model declares exact
  population metrics and the source has a population, else ``empirical`` (the test set); every
  subtitle says which. Population curves (n -> infinity) are overlaid only on the former.
- Cells with failed fits (``n_failed > 0``) are drawn with a black cross and counted in the
  legend or title: their means are over fewer replicates.
"""

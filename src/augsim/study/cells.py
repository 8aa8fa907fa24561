"""Cells: the fitted combinations an experiment expands into, merged over experiments.

A *scenario* is a (data source, training size n) pair; its replicates are the unit of
simulation (a data set has one size: its training part's). A *cell* is a (data source, n, model
instance, method) combination with the gammas it is fitted at and its number of replicates.
Cells shared by experiments are fitted once, at the union of their gammas and the most
replicates any of them asks for (the first ones of the study's).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from augsim.study.design import chunk_replicates
from augsim.study.methods import RAW, Role, method_gammas


@dataclass(frozen=True, order=True)
class Cell:
    """One fitted combination, the gammas it is fitted at and its number of replicates (the
    first ``replicates`` of the study's)."""

    source: str
    n: int
    model: str
    method: str
    gammas: tuple[float, ...]
    replicates: int

    @property
    def key(self) -> tuple[str, int, str, str]:
        return (self.source, self.n, self.model, self.method)


def experiment_sources(experiment: Mapping) -> list[str]:
    """An experiment's data sources: its DGPs, or its data sets."""
    return list(experiment.get("dgps", experiment.get("datasets", [])))


def expand(
    experiments: Mapping[str, Mapping],
    *,
    scenarios: Callable[[Mapping], list[tuple[str, int]]],
    replicates: Callable[[Mapping], int],
) -> list[Cell]:
    """Every cell of the experiments, sorted; ``scenarios(experiment)`` gives an experiment's
    (source, n) pairs and ``replicates(experiment)`` its replicates. Raw is in every
    experiment, at gamma 0."""
    gammas: dict[tuple, set[float]] = defaultdict(set)
    counts: dict[tuple, int] = defaultdict(int)
    for experiment in experiments.values():
        count = replicates(experiment)
        for source, n in scenarios(experiment):
            for model in experiment["models"]:
                keys = [(source, n, model, RAW)]
                gammas[keys[0]].add(0.0)
                for method in experiment["methods"]:
                    if method != RAW:
                        keys.append((source, n, model, method))
                        gammas[keys[-1]].update(map(float, experiment["gammas"]))
                for key in keys:
                    counts[key] = max(counts[key], count)
    return sorted(Cell(*key, tuple(sorted(values)), counts[key]) for key, values in gammas.items())


def fitted(cells: Iterable[Cell], roles: Mapping[str, str]) -> list[Cell]:
    """The cells with fits of their own: every cell but those of a method only at gamma 0
    (there a method adds nothing: its fit is the raw fit)."""
    return [cell for cell in cells if method_gammas(roles[cell.method], cell.gammas)]


def gamma_zero(cells: Iterable[Cell], roles: Mapping[str, str]) -> list[dict]:
    """The cells of methods other than raw at gamma 0, whose rows are the raw fit's."""
    return [
        {
            "dgp": c.source,
            "n": c.n,
            "model": c.model,
            "method": c.method,
            "replicates": c.replicates,
        }
        for c in cells
        if 0.0 in c.gammas and roles[c.method] != Role.UNAUGMENTED
    ]


def chunk_count(replicates: int, chunk_size: int) -> int:
    """How many chunks of ``chunk_size`` hold ``replicates`` replicates."""
    return -(-replicates // chunk_size)


def chunk_ids(chunk: int, *, chunk_size: int, replicates: int) -> list[int]:
    """Replicate indices of chunk ``chunk`` among the first ``replicates``."""
    return chunk_replicates(chunk, chunk_size=chunk_size, replicates=replicates).tolist()

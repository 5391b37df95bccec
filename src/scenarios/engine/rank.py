"""Where a path stands among all root-to-outcome paths: counting and ranking them.

Analysis over the compiled arrays, so it lives in the engine; the walk-through
(:mod:`scenarios.walk`) and the HTML page call it with a result (or a bound set of
numbers) and never index the arrays themselves.

>>> import scenarios
>>> r = scenarios.load("entry-deterrence").evaluate(top=0)
>>> path_rank(r, 0.35)
PathRank(rank=2, higher=1, ties=0, total=3, probability=0.35)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .compiled import OUTCOME
from .paths import top_paths
from .propagate import forward
from .results import BeliefResult

if TYPE_CHECKING:  # pragma: no cover
    from .bind import Bound
    from .compiled import Compiled

__all__ = ["RANK_TOLERANCE", "PathRank", "count_paths", "path_counts", "top_probabilities", "path_rank",
           "outcomes_from"]

#: Two path probabilities within this relative distance are ties when ranking.  Products
#: of the same factors in another order differ in the last bits; nothing else is this close.
RANK_TOLERANCE = 1e-9


def _clean(x: float) -> float:
    return float(f"{x:.15g}")


@dataclass(frozen=True, slots=True)
class PathRank:
    """Where a path stands among all root-to-outcome paths, most probable first.

    ``rank`` is ``1 + higher`` (competition ranking: equally probable paths share the
    best rank among them); ``ties`` counts the *other* paths as probable as this one
    (within :data:`RANK_TOLERANCE`); ``total`` counts every path, zero-probability ones
    included.
    """

    rank: int
    higher: int
    ties: int
    total: int
    probability: float

    def to_dict(self) -> dict[str, int | float]:
        return {"rank": self.rank, "higher": self.higher, "ties": self.ties, "total": self.total,
                "probability": _clean(self.probability)}


def _compiled_and_p(numbers: BeliefResult | Bound) -> tuple[Compiled, np.ndarray]:
    """The compiled arrays and bound branch probabilities of a result or of a ``bind()`` Bound."""
    if isinstance(numbers, BeliefResult):
        return numbers.compiled, numbers.p_array
    return numbers.compiled, numbers.p


def count_paths(compiled: Compiled, p: np.ndarray | None = None) -> int:
    """Number of root-to-outcome paths (only those of positive probability, given ``p``).

    One backward pass in exact integers, without enumerating the paths.

    >>> import scenarios
    >>> count_paths(scenarios.load("donbas-recognition-2022").compiled)
    197
    """
    count = np.where(compiled.kind == OUTCOME, 1, 0).astype(object)
    use = np.ones(compiled.n_edges, dtype=bool) if p is None else p > 0
    for g in range(len(compiled.gen_nodes) - 2, -1, -1):
        lo, hi = compiled.gen_nodes[g], compiled.gen_nodes[g + 1]
        es = slice(compiled.gen_edges[g], compiled.gen_edges[g + 1])
        if es.start == es.stop:
            continue
        per_edge = np.where(use[es], count[compiled.child[es]], 0).astype(object)
        starts = compiled.edge_start[lo:hi]
        has = compiled.edge_start[lo + 1:hi + 1] > starts
        count[np.arange(lo, hi)[has]] = np.add.reduceat(per_edge, starts[has] - es.start)
    return int(count[compiled.root])


def path_counts(numbers: BeliefResult | Bound) -> tuple[int, int]:
    """How many root-to-outcome paths there are, and how many of positive probability, under
    a result's (or a Bound's) branch probabilities.

    >>> import scenarios
    >>> path_counts(scenarios.load("entry-deterrence").evaluate(top=0))
    (3, 3)
    """
    compiled, p = _compiled_and_p(numbers)
    return count_paths(compiled), count_paths(compiled, p)


def top_probabilities(numbers: BeliefResult | Bound, k: int) -> list[float]:
    """The probabilities of the ``k`` most probable root-to-outcome paths, most probable first.

    >>> import scenarios
    >>> top_probabilities(scenarios.load("entry-deterrence").evaluate(top=0), 5)
    [0.5, 0.35, 0.15]
    """
    compiled, p = _compiled_and_p(numbers)
    return [float(prob) for _, _, prob in top_paths(compiled, p, k)]


def path_rank(numbers: BeliefResult | Bound, probability: float) -> PathRank:
    """Rank of a path of ``probability`` among the root-to-outcome paths.

    ``numbers`` is a result (:meth:`Scenario.evaluate`; its bound probabilities count,
    whatever its mode) or a :func:`scenarios.engine.bind.bind` Bound.  Counts the paths
    that are more probable with the best-first search of
    :func:`scenarios.engine.paths.top_paths`, asking for four times as many paths until
    the last one found is below ``probability``, so only the paths ranked above (and a few
    below) are ever built, never all of them.  Probabilities within
    :data:`RANK_TOLERANCE` (relative) of each other are ties, and tied paths share the
    best rank among them.  A path of probability 0 ranks after every possible path.

    >>> import scenarios
    >>> from scenarios.engine.bind import bind
    >>> path_rank(bind(scenarios.load("entry-deterrence")), 0.35)
    PathRank(rank=2, higher=1, ties=0, total=3, probability=0.35)
    """
    compiled, p = _compiled_and_p(numbers)
    total = count_paths(compiled)
    if not probability > 0:
        positive = count_paths(compiled, p)
        return PathRank(positive + 1, positive, total - positive - 1, total, float(probability))
    high = probability * (1 + RANK_TOLERANCE)
    low = probability * (1 - RANK_TOLERANCE)
    k = 64
    while True:
        found = [prob for _, _, prob in top_paths(compiled, p, k)]
        if len(found) < k or found[-1] < low:
            break
        k *= 4
    higher = sum(1 for q in found if q > high)
    equal = sum(1 for q in found if low <= q <= high)
    return PathRank(higher + 1, higher, max(equal - 1, 0), total, float(probability))


def outcomes_from(result: BeliefResult, start: str) -> dict[str, float]:
    """The outcomes reached from node ``start`` under ``result``'s played weights, with the
    probability of each (positive ones only), most probable first, ties in listing order.

    Unlike ``evaluate(given=start)`` this needs no path to ``start``: it is what happens
    *if* the play is at ``start``, even where the result's weights never lead there.

    >>> import scenarios
    >>> outcomes_from(scenarios.load("entry-deterrence").solve(top=0), "response")
    {'share': 1.0}
    """
    compiled = result.compiled
    reach = forward(compiled, result.played_array, start=result.node_index(start))
    outcomes = np.flatnonzero((compiled.kind == OUTCOME) & (reach > 0))
    order = outcomes[np.lexsort((compiled.listing[outcomes], -reach[outcomes]))]
    return {compiled.ids[j]: float(reach[j]) for j in order}

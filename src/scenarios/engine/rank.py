"""Where a path stands among all root-to-outcome paths: counting and ranking them.

Analysis over the compiled arrays, so it lives in the engine; the walk-through
(:mod:`scenarios.walk`) and the HTML page call it with a result (or a bound set of
numbers) and never index the arrays themselves.

>>> import scenarios
>>> r = scenarios.load("entry-deterrence").evaluate(top=0)
>>> path_rank(r, 0.35)
PathRank(rank=2, higher=1, ties=0, total=3, probability=0.35, exact=True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..formatting import json_number
from .compiled import OUTCOME
from .paths import top_paths
from .propagate import forward
from .results import BeliefResult

if TYPE_CHECKING:  # pragma: no cover
    from .bind import Bound
    from .compiled import Compiled

__all__ = ["RANK_TOLERANCE", "PathRank", "count_paths", "path_counts", "top_probabilities", "path_rank",
           "count_at_least", "outcomes_from"]

#: Two path probabilities within this relative distance are ties when ranking.  Products
#: of the same factors in another order differ in the last bits; nothing else is this close.
RANK_TOLERANCE = 1e-9
#: Partial path probabilities this close (relative) are the same product in another order.
MERGE_TOLERANCE = 1e-12
#: How many of the most probable paths :func:`path_rank` builds before it counts instead.
SEARCH_PATHS = 4096
#: How many partial-path values :func:`count_at_least` may carry in all (memory is a few
#: tens of bytes each); past it the rank is a lower bound.
COUNT_BUDGET = 2_000_000


#: Numbers in ``to_dict()`` (``--json``): full precision, the one rule in formatting.py.
_clean = json_number


@dataclass(frozen=True, slots=True)
class PathRank:
    """Where a path stands among all root-to-outcome paths, most probable first.

    ``rank`` is ``1 + higher`` (competition ranking: equally probable paths share the
    best rank among them); ``ties`` counts the *other* paths as probable as this one
    (within :data:`RANK_TOLERANCE`); ``total`` counts every path, zero-probability ones
    included.  ``exact`` is false on a graph too large to count (:func:`path_rank`): then
    ``rank`` and ``higher`` are lower bounds.
    """

    rank: int
    higher: int
    ties: int
    total: int
    probability: float
    exact: bool = True

    def to_dict(self) -> dict[str, int | float | bool]:
        return {"rank": self.rank, "higher": self.higher, "ties": self.ties, "total": self.total,
                "probability": _clean(self.probability), "exact": self.exact}


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
    use = np.ones(compiled.n_edges, dtype=bool) if p is None else p > 0
    count = _fold_back(compiled, np.where(compiled.kind == OUTCOME, 1, 0).astype(object), np.add,
                       lambda es, below: np.where(use[es], below, 0).astype(object))
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
    whatever its mode) or a :func:`scenarios.engine.bind.bind` Bound.  Probabilities within
    :data:`RANK_TOLERANCE` (relative) of each other are ties, and tied paths share the
    best rank among them.  A path of probability 0 ranks after every possible path.

    The paths ranked above are first looked for best-first
    (:func:`scenarios.engine.paths.top_paths`, 64 of them, then four times as many, up to
    :data:`SEARCH_PATHS`), so only those paths (and a few below) are built; when
    there are more, they are *counted* by :func:`count_at_least`, one pass over the graph
    that never builds a path.  Either way time and memory are bounded; on a graph where
    even counting would pass :data:`COUNT_BUDGET`, the rank is a lower bound and
    ``exact`` is false.

    >>> import scenarios
    >>> from scenarios.engine.bind import bind
    >>> path_rank(bind(scenarios.load("entry-deterrence")), 0.35)
    PathRank(rank=2, higher=1, ties=0, total=3, probability=0.35, exact=True)
    """
    compiled, p = _compiled_and_p(numbers)
    total = count_paths(compiled)
    if not probability > 0:
        positive = count_paths(compiled, p)
        return PathRank(positive + 1, positive, total - positive - 1, total, float(probability))
    high = probability * (1 + RANK_TOLERANCE)
    low = probability * (1 - RANK_TOLERANCE)
    k = 64
    while True:  # ask for four times as many until past the path or past SEARCH_PATHS
        found = [prob for _, _, prob in top_paths(compiled, p, k)]
        if len(found) < k or found[-1] < low or k >= SEARCH_PATHS:
            break
        k *= 4
    if len(found) < k or found[-1] < low:
        higher = sum(1 for q in found if q > high)
        equal = sum(1 for q in found if low <= q <= high)
        return PathRank(higher + 1, higher, max(equal - 1, 0), total, float(probability))
    higher, equal, exact = count_at_least(compiled, p, low, high)
    if not exact:  # what the search saw is also a lower bound
        higher = max(higher, sum(1 for q in found if q > high))
    return PathRank(higher + 1, higher, max(equal - 1, 0), total, float(probability), exact)


def count_at_least(compiled: Compiled, p: np.ndarray, low: float, high: float,
                   budget: int | None = None) -> tuple[int, int, bool]:
    """``(above, between, exact)``: how many root-to-outcome paths have a probability above
    ``high``, and how many lie in ``[low, high]``, counted without building any path.

    A forward pass, generation by generation: each node carries the distinct probabilities
    of the partial paths that reach it with how many partial paths have each (equal values
    merged, counts in exact integers), and a partial path is dropped as soon as even its
    most probable completion falls below ``low``.  Sixty stacked 50/50 diamonds
    (2^60 equally likely paths) carry one value per node.  Work is bounded by ``budget``
    (default :data:`COUNT_BUDGET`) values in flight; past it the counts so far are returned
    as lower bounds with ``exact`` false.

    >>> import scenarios
    >>> c = scenarios.load("entry-deterrence").compiled
    >>> from scenarios.engine.bind import bind
    >>> count_at_least(c, bind(scenarios.load("entry-deterrence")).p, 0.3, 0.4)
    (1, 1, True)
    """
    budget = COUNT_BUDGET if budget is None else budget
    best = _best_completion(compiled, p)
    n_gen = len(compiled.gen_nodes) - 1
    gen_of = np.repeat(np.arange(n_gen), np.diff(compiled.gen_nodes))
    # pending[g]: (nodes, values, counts) arrays of partial paths arriving at generation g
    pending: list[list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = [[] for _ in range(n_gen)]
    root = compiled.root
    pending[gen_of[root]].append((np.array([root]), np.array([1.0]), np.array([1], dtype=object)))
    above = between = 0
    in_flight = 1
    for g in range(n_gen):
        if not pending[g]:
            continue
        nodes, values, counts = _merge(*(np.concatenate(parts) for parts in zip(*pending[g], strict=True)))
        pending[g] = []
        ends = compiled.kind[nodes] == OUTCOME
        above += int(counts[ends & (values > high)].sum())
        between += int(counts[ends & (values >= low) & (values <= high)].sum())
        nodes, values, counts = nodes[~ends], values[~ends], counts[~ends]
        if nodes.size == 0:
            continue
        starts, stops = compiled.edge_start[nodes], compiled.edge_start[nodes + 1]
        fan = stops - starts
        entry = np.repeat(np.arange(nodes.size), fan)
        edges = np.repeat(starts - np.cumsum(fan) + fan, fan) + np.arange(fan.sum())
        child = compiled.child[edges]
        value = values[entry] * p[edges]
        keep = (p[edges] > 0) & (value * best[child] >= low)
        child, value, count = child[keep], value[keep], counts[entry][keep]
        in_flight += int(keep.sum())
        if in_flight > budget:
            return above, between, False
        child_gen = gen_of[child]
        for h in np.unique(child_gen):
            at = child_gen == h
            pending[h].append((child[at], value[at], count[at]))
    return above, between, True


def _best_completion(compiled: Compiled, p: np.ndarray) -> np.ndarray:
    """Per node, the probability of its most probable path to an outcome (a backward pass)."""
    return _fold_back(compiled, np.where(compiled.kind == OUTCOME, 1.0, 0.0), np.maximum,
                      lambda es, below: p[es] * below)


def _fold_back(compiled: Compiled, values: np.ndarray, reduce: np.ufunc,
               through: Callable[[slice, np.ndarray], np.ndarray]) -> np.ndarray:
    """One backward pass, generation by generation from the outcomes: each node with branches
    gets ``reduce`` over its edges of ``through(edges, values[child])``; ``values`` (the
    outcomes' values set) is filled in place and returned."""
    for g in range(len(compiled.gen_nodes) - 2, -1, -1):
        lo, hi = compiled.gen_nodes[g], compiled.gen_nodes[g + 1]
        es = slice(compiled.gen_edges[g], compiled.gen_edges[g + 1])
        if es.start == es.stop:
            continue
        per_edge = through(es, values[compiled.child[es]])
        starts = compiled.edge_start[lo:hi]
        has = compiled.edge_start[lo + 1:hi + 1] > starts
        values[np.arange(lo, hi)[has]] = reduce.reduceat(per_edge, starts[has] - es.start)
    return values


def _merge(nodes: np.ndarray, values: np.ndarray, counts: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Partial paths at the same node with the same probability (within :data:`MERGE_TOLERANCE`,
    relative: the same factors multiplied in another order) become one, their counts added."""
    order = np.lexsort((values, nodes))
    nodes, values, counts = nodes[order], values[order], counts[order]
    new = np.ones(nodes.size, dtype=bool)
    new[1:] = (nodes[1:] != nodes[:-1]) | (values[1:] - values[:-1] > MERGE_TOLERANCE * values[1:])
    firsts = np.flatnonzero(new)
    return nodes[firsts], values[firsts], np.add.reduceat(counts, firsts)


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

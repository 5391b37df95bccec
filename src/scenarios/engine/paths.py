"""Root-to-outcome paths: the k most probable (best-first search), and all of them.

:func:`top_paths` finds the k most probable paths without enumerating the others.  It is
an A* search whose heuristic is exact: ``best[n]``, the probability of the most probable
completion from node ``n``, is computed first by one vectorised backward pass.  A partial
path's key, ``prefix probability × best[n]``, is then the probability of its best
completion, so complete paths leave the queue in order of probability and the search
expands about ``k × depth × branching`` entries.  Among equal keys the most recent entry
goes first (depth-first), so ties cannot make the search sweep a whole level.

:func:`all_paths` enumerates every path (iteratively); it is the brute-force reference the
tests compare the vectorised evaluators against, and is exponential in general.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from typing import TypeAlias

import numpy as np

from .compiled import OUTCOME, Compiled
from .propagate import WIDE

__all__ = ["top_paths", "all_paths"]

#: A path in the search, newest step first: ``(node, edge into it or -1, previous cell)``.
_Cell: TypeAlias = "tuple[int, int, _Cell | None]"


def _best_completion(compiled: Compiled, weight: np.ndarray, terminal: np.ndarray) -> np.ndarray:
    """Per node, the probability of its most probable completion to a ``terminal`` node."""
    best = terminal.astype(float)
    child, internal, offsets, segment = (compiled.child, compiled.internal, compiled.seg_offset,
                                         compiled.edge_segment)
    for lv in reversed(compiled.levels):
        lo, hi, s0, s1, single = lv.lo, lv.hi, lv.s0, lv.s1, lv.single
        q = best.take(child[lo:hi])
        q *= weight[lo:hi]
        if single >= 0:  # a few floats: Python's max is quicker than a numpy reduction
            best[single] = max(q.tolist())
        elif hi - lo <= WIDE:
            best.put(internal[s0:s1], np.maximum.reduceat(q, offsets[s0:s1]))
        else:  # many short segments: np.maximum.at is several times faster than reduceat
            top = np.zeros(s1 - s0)  # q >= 0
            np.maximum.at(top, segment[lo:hi], q)
            best.put(internal[s0:s1], top)
    return best


def top_paths(compiled: Compiled, p: np.ndarray, k: int, *, through: int | None = None,
              to_through: np.ndarray | None = None) -> list[tuple[list[int], list[int], float]]:
    """The ``k`` most probable root-to-outcome paths as ``(nodes, edges, probability)``.

    With ``through``, only paths passing that node; ``to_through`` must then hold, per
    node, the probability of going on to pass it (see ``backward_probability_to``).
    Paths of probability 0 are never listed.
    """
    if k <= 0:
        return []
    terminal = compiled.kind == OUTCOME
    weight = p
    if through is not None:
        # Before `through`, only edges that can still lead to it; after it, any edge.
        after = np.zeros(compiled.n_nodes, dtype=bool)
        after[through] = True
        for lv in compiled.levels_from(through):
            lo, hi = lv.lo, lv.hi
            es = slice(lo, hi)
            after[compiled.child[es][after[compiled.parent[es]] & (p[es] > 0)]] = True
        assert to_through is not None, "top_paths: 'through' needs 'to_through'"
        allowed = after[compiled.parent] | (to_through[compiled.child] > 0)
        weight = np.where(allowed, p, 0.0)
        terminal = terminal & after
    best = _best_completion(compiled, weight, terminal)

    found: list[tuple[list[int], list[int], float]] = []
    # Heap entries: (-key, -sequence, node, prefix probability, path cell).
    # A path cell is (node, edge, previous cell): shared prefixes cost nothing to copy.
    # Scalars are read with ``.item`` as Python numbers: a long best path (a 20,000-level
    # chain) means tens of thousands of pushes, and numpy scalars are slow in that loop.
    edge_start, child_of, weight_of, best_of, is_terminal = (
        compiled.edge_start.item, compiled.child.item, weight.item, best.item, terminal.item)
    push, pop = heapq.heappush, heapq.heappop
    sequence = 0
    root = compiled.root
    heap: list[tuple[float, int, int, float, _Cell]] = [(-best_of(root), 0, root, 1.0, (root, -1, None))]
    while heap and len(found) < k:
        key, _, node, prob, cell = pop(heap)
        if key == 0.0:
            break
        if is_terminal(node):
            found.append(_unroll(cell) + (prob,))
            continue
        for e in range(edge_start(node + 1) - 1, edge_start(node) - 1, -1):  # first branch pushed
            child = child_of(e)                                              # last, popped first
            step = prob * weight_of(e)
            bound = step * best_of(child)
            if bound > 0.0:
                sequence += 1
                push(heap, (-bound, -sequence, child, step, (child, e, cell)))
    return found


def _unroll(cell: _Cell | None) -> tuple[list[int], list[int]]:
    nodes: list[int] = []
    edges: list[int] = []
    while cell is not None:
        nodes.append(int(cell[0]))
        if cell[1] >= 0:
            edges.append(int(cell[1]))
        cell = cell[2]
    return nodes[::-1], edges[::-1]


def all_paths(compiled: Compiled, p: np.ndarray) -> Iterator[tuple[list[int], list[int], float]]:
    """Every root-to-outcome path as ``(nodes, edges, probability)``, zero-probability ones too."""
    stack: list[tuple[int, list[int], list[int], float]] = [(compiled.root, [compiled.root], [], 1.0)]
    while stack:
        node, nodes, edges, prob = stack.pop()
        lo, hi = compiled.edge_start[node], compiled.edge_start[node + 1]
        if lo == hi:
            yield nodes, edges, prob
            continue
        for e in range(hi - 1, lo - 1, -1):
            child = int(compiled.child[e])
            stack.append((child, nodes + [child], edges + [e], prob * p[e]))

"""Nodes with branches seen by branch position, for sums over each node's branches in batches.

Summing every node's branches over K columns is one gather-and-add per branch position,
each over whole rows of columns: far faster than ``np.add.reduceat`` along the first axis,
which walks the reduced axis innermost and strides across the columns.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from .compiled import Compiled

__all__ = ["Segments", "internal_segments"]


@dataclass(frozen=True, eq=False)
class Segments:
    """Nodes with branches, seen by branch position: column ``j`` holds every node's ``j``-th edge.

    Summing a node's branches is then one gather-and-add per branch position, each over
    whole rows of draws, which is far faster than ``np.add.reduceat`` along the first axis
    (that walks the reduced axis innermost, striding across the draws).
    """

    nodes: np.ndarray
    # per position j: (positions of the nodes with a j-th branch, or None for all; edges)
    columns: tuple[tuple[np.ndarray | None, np.ndarray], ...]

    @classmethod
    def of(cls, c: Compiled, nodes: np.ndarray) -> Segments:
        first = c.edge_start[nodes]
        degree = c.edge_start[nodes + 1] - first
        columns: list[tuple[np.ndarray | None, np.ndarray]] = []
        for j in range(int(degree.max()) if len(nodes) else 0):
            has = degree > j
            columns.append((None if has.all() else np.flatnonzero(has), first[has] + j))
        return cls(nodes, tuple(columns))

    def sum(self, x: np.ndarray) -> np.ndarray:
        """Per node, the sum of ``x`` over its edges (``x`` indexed by edge on the first axis)."""
        total: np.ndarray | None = None
        for positions, edges in self.columns:
            if total is None:
                total = x[edges]  # position 0 exists for every node; fancy indexing copies
            elif positions is None:
                total += x[edges]
            else:
                total[positions] += x[edges]
        assert total is not None, "Segments.sum on no nodes"  # callers check len(nodes) first
        return total


_INTERNAL: weakref.WeakKeyDictionary[Compiled, Segments] = weakref.WeakKeyDictionary()


def internal_segments(c: Compiled) -> Segments:
    """The :class:`Segments` of every node with branches (built once per compiled scenario)."""
    found = _INTERNAL.get(c)
    if found is None:
        found = Segments.of(c, np.flatnonzero(c.edge_start[1:] > c.edge_start[:-1]))
        _INTERNAL[c] = found
    return found

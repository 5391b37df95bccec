"""The vectorised passes over compiled generations that every evaluator is made of.

Forward passes carry probability from the root (or any node) towards the outcomes;
backward passes roll values from the outcomes towards the root.  Each loops once per
generation and does the generation's edges in one numpy operation.
"""

from __future__ import annotations

import numpy as np

from .compile import Compiled

__all__ = ["forward", "backward_expectation", "backward_probability_to", "segments"]


def _generation_of(compiled: Compiled, node: int) -> int:
    return int(np.searchsorted(compiled.gen_nodes, node, side="right") - 1)


def forward(compiled: Compiled, p: np.ndarray, start: int | None = None) -> np.ndarray:
    """Probability of passing each node, for paths starting at ``start`` (the root by default)."""
    start = compiled.root if start is None else start
    reach = np.zeros(compiled.n_nodes)
    reach[start] = 1.0
    for g in range(_generation_of(compiled, start), len(compiled.gen_nodes) - 1):
        es = slice(compiled.gen_edges[g], compiled.gen_edges[g + 1])
        if es.start == es.stop:
            continue
        np.add.at(reach, compiled.child[es], reach[compiled.parent[es]] * p[es])
    return reach


def segments(compiled: Compiled, g: int):
    """Nodes of generation ``g`` that have branches, and their segment starts in its edges."""
    lo, hi = compiled.gen_nodes[g], compiled.gen_nodes[g + 1]
    starts = compiled.edge_start[lo:hi]
    has = compiled.edge_start[lo + 1:hi + 1] > starts
    nodes = np.arange(lo, hi)[has]
    return nodes, starts[has] - compiled.gen_edges[g]


def backward_expectation(compiled: Compiled, p: np.ndarray, node_payoff: np.ndarray,
                         edge_payoff: np.ndarray) -> np.ndarray:
    """Expected payoff per actor from every node on, all branches weighted by ``p``."""
    values = node_payoff.copy()
    for g in range(len(compiled.gen_nodes) - 2, -1, -1):
        es = slice(compiled.gen_edges[g], compiled.gen_edges[g + 1])
        if es.start == es.stop:
            continue
        nodes, offsets = segments(compiled, g)
        q = edge_payoff[es] + values[compiled.child[es]]
        values[nodes] += np.add.reduceat(p[es, None] * q, offsets, axis=0)
    return values


def backward_probability_to(compiled: Compiled, p: np.ndarray, target: int) -> np.ndarray:
    """Probability, from every node, that the path goes on to pass ``target``."""
    h = np.zeros(compiled.n_nodes)
    h[target] = 1.0
    for g in range(_generation_of(compiled, target) - 1, -1, -1):
        es = slice(compiled.gen_edges[g], compiled.gen_edges[g + 1])
        if es.start == es.stop:
            continue
        nodes, offsets = segments(compiled, g)
        h[nodes] = np.add.reduceat(p[es] * h[compiled.child[es]], offsets)
    return h

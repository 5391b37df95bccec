"""The vectorised passes over compiled generations that every evaluator is made of.

Forward passes carry probability from the root (or any node) towards the outcomes;
backward passes roll values from the outcomes towards the root.  Each loops once per
generation that has branches (a :class:`~scenarios.engine.compiled.Level`) and does the
generation's edges in a few numpy operations on precomputed index arrays.

Two shapes of generation get their own code, because the loop's cost is the number of
numpy calls per generation times the number of generations:

* a *single* node with branches (a chain: 20,000 levels of one node each): its values are
  one small matrix-vector product, no segment bookkeeping;
* a *wide* generation (hundreds of thousands of edges at 10^6 nodes): sums per node with
  one ``np.bincount`` per actor into the generation's contiguous node slice, which is
  several times faster than ``np.add.reduceat`` over many short segments.

Values are computed actor-major, ``(actors, nodes)``, so an actor's row is contiguous; the
functions taking and returning ``(nodes, actors)`` arrays keep that public shape.
"""

from __future__ import annotations

import numpy as np

from .compiled import Compiled

__all__ = ["forward", "backward_expectation", "backward_expectation_by_actor",
           "backward_probability_to", "segments", "WIDE"]

#: Generations with more edges than this sum per node with ``np.bincount``; smaller ones
#: with one ``np.add.reduceat`` (fewer calls, and calls are what small generations cost).
WIDE = 512


def segments(compiled: Compiled, g: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes of generation ``g`` that have branches, and their segment starts in its edges."""
    s0, s1 = compiled.gen_internal[g], compiled.gen_internal[g + 1]
    return compiled.internal[s0:s1], compiled.seg_offset[s0:s1]


def forward(compiled: Compiled, p: np.ndarray, start: int | None = None) -> np.ndarray:
    """Probability of passing each node, for paths starting at ``start`` (the root by default).

    >>> import scenarios
    >>> from scenarios.engine.bind import bind
    >>> s = scenarios.load("entry-deterrence")
    >>> reach = forward(s.compiled, bind(s).p)
    >>> float(reach[s.compiled.index["war"]])  # 0.5 * 0.3
    0.15
    """
    start = compiled.root if start is None else start
    reach = np.zeros(compiled.n_nodes)
    reach[start] = 1.0
    parent, child = compiled.parent, compiled.child
    # In a tree every child has one parent, so its probability is assigned; in a DAG the
    # flows into a shared child are added up.
    into = reach.put if compiled.tree else (lambda where, flow: np.add.at(reach, where, flow))
    for lv in compiled.levels_from(start):
        lo, hi, single = lv.lo, lv.hi, lv.single
        if single >= 0:
            flow = p[lo:hi] * reach[single]
        else:
            flow = reach.take(parent[lo:hi])
            flow *= p[lo:hi]
        into(child[lo:hi], flow)
    return reach


def backward_expectation_by_actor(compiled: Compiled, p: np.ndarray, node_payoff: np.ndarray,
                                  edge_payoff: np.ndarray) -> np.ndarray:
    """Expected payoff from every node on, all branches weighted by ``p``: ``(actors, nodes)``.

    ``node_payoff`` is ``(actors, nodes)`` and ``edge_payoff`` ``(actors, edges)``.
    """
    values = np.array(node_payoff, dtype=float, order="C")
    child, internal, offsets, local = (compiled.child, compiled.internal, compiled.seg_offset,
                                       compiled.edge_local_parent)
    for lv in reversed(compiled.levels):
        lo, hi, n0, n1, s0, s1, single = lv.lo, lv.hi, lv.n0, lv.n1, lv.s0, lv.s1, lv.single
        q = values.take(child[lo:hi], axis=1)  # (actors, edges): the children's values
        if lv.paid:
            q += edge_payoff[:, lo:hi]
        if single >= 0:
            values[:, single] += np.dot(q, p[lo:hi])
        elif hi - lo <= WIDE:
            q *= p[lo:hi]
            values[:, internal[s0:s1]] += np.add.reduceat(q, offsets[s0:s1], axis=1)
        else:
            q *= p[lo:hi]
            where, m = local[lo:hi], n1 - n0
            for row, actor_q in zip(values, q, strict=False):
                row[n0:n1] += np.bincount(where, actor_q, minlength=m)
    return values


def backward_expectation(compiled: Compiled, p: np.ndarray, node_payoff: np.ndarray,
                         edge_payoff: np.ndarray) -> np.ndarray:
    """Expected payoff per actor from every node on, all branches weighted by ``p``.

    ``node_payoff`` is ``(nodes, actors)``, ``edge_payoff`` ``(edges, actors)``, and so is
    the result (a transposed view of :func:`backward_expectation_by_actor`'s).

    >>> import scenarios
    >>> from scenarios.engine.bind import bind
    >>> s = scenarios.load("entry-deterrence")
    >>> b = bind(s)
    >>> v = backward_expectation(s.compiled, b.p, b.node_payoff, b.edge_payoff)
    >>> v.shape == (s.compiled.n_nodes, len(s.compiled.actors))
    True
    """
    return backward_expectation_by_actor(compiled, p, np.asarray(node_payoff).T,
                                         np.asarray(edge_payoff).T).T


def backward_probability_to(compiled: Compiled, p: np.ndarray, target: int) -> np.ndarray:
    """Probability, from every node, that the path goes on to pass ``target``."""
    h = np.zeros(compiled.n_nodes)
    h[target] = 1.0
    child, internal, offsets, local = (compiled.child, compiled.internal, compiled.seg_offset,
                                       compiled.edge_local_parent)
    # Nodes of earlier generations only; a generation's nodes without branches stay 0.
    for lv in reversed(compiled.levels_before(target)):
        lo, hi, n0, n1, s0, s1, single = lv.lo, lv.hi, lv.n0, lv.n1, lv.s0, lv.s1, lv.single
        q = h.take(child[lo:hi])
        if single >= 0:
            h[single] = np.dot(q, p[lo:hi])
        elif hi - lo <= WIDE:
            q *= p[lo:hi]
            h.put(internal[s0:s1], np.add.reduceat(q, offsets[s0:s1]))
        else:
            q *= p[lo:hi]
            h[n0:n1] = np.bincount(local[lo:hi], q, minlength=n1 - n0)
    return h

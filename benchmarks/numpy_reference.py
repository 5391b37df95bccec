"""A bare numpy evaluator to measure the engine against (benchmarks only, not the package).

It computes the least the engine's evaluate and solve must compute, the plainest way numpy
allows, on the engine's own compiled arrays and bound numbers:

* ``evaluate``: reach of every node by one forward pass per generation, and every node's
  expected payoff per actor by one backward pass per generation whose per-node sums are
  ``np.bincount`` into the generation's node slice ("bincount rollback");
* ``solve``: backward induction where each generation's decision nodes have their branch
  values laid out in a padded matrix (nodes x widest branching, -inf padding) and the
  decider's best branch is one ``argmax`` per row ("padded argmax"); chance nodes and
  fixed decisions average by bincount as above.

No tie tolerance, no outcome sort, no paths, no result object: the engine's figures
divided by these are its overhead over numpy.  The answers are checked against the
engine's (the benchmark asserts they agree) so the comparison is like for like.
"""

from __future__ import annotations

import numpy as np


def _generations(c):
    """Per generation with edges: edge slice, node slice (both as ints)."""
    out = []
    for g in range(len(c.gen_nodes) - 1):
        lo, hi = int(c.gen_edges[g]), int(c.gen_edges[g + 1])
        if hi > lo:
            out.append((lo, hi, int(c.gen_nodes[g]), int(c.gen_nodes[g + 1])))
    return out


def reference_evaluate(c, p, node_payoff, edge_payoff, generations=None):
    """``(reach (N,), values (A, N))``; payoffs actor-major ``(A, N)`` and ``(A, E)``."""
    generations = generations or _generations(c)
    reach = np.zeros(c.n_nodes)
    reach[c.root] = 1.0
    parent, child = c.parent, c.child
    for lo, hi, _, _ in generations:
        flow = reach[parent[lo:hi]] * p[lo:hi]
        if c.tree:
            reach.put(child[lo:hi], flow)
        else:  # a shared child sums its parents' flows
            np.add.at(reach, child[lo:hi], flow)
    values = np.array(node_payoff, dtype=float)
    for lo, hi, n0, n1 in reversed(generations):
        q = values[:, child[lo:hi]] + edge_payoff[:, lo:hi]
        q *= p[lo:hi]
        where = parent[lo:hi] - n0
        for row, actor_q in zip(values, q, strict=True):
            row[n0:n1] += np.bincount(where, actor_q, minlength=n1 - n0)
    return reach, values


def prepare_solve(c):
    """Per generation: the padded layout of its solved decisions (built once, like compile)."""
    plans = []
    strategic = c.strategic
    for lo, hi, n0, n1 in _generations(c):
        nodes = np.arange(n0, n1)
        decided = nodes[strategic[nodes] & (c.edge_start[nodes + 1] > c.edge_start[nodes])]
        width = int((c.edge_start[decided + 1] - c.edge_start[decided]).max()) if len(decided) else 0
        if width:
            first = c.edge_start[decided]
            slots = first[:, None] + np.arange(width)[None, :]
            valid = slots < c.edge_start[decided + 1][:, None]
            slots = np.where(valid, slots, first[:, None])
        else:
            slots = valid = None
        averaged = ~strategic[c.parent[lo:hi]]
        plans.append((lo, hi, n0, n1, decided, slots, valid, averaged))
    return plans


def reference_solve(c, p, node_payoff, edge_payoff, plans):
    """``values (A, N)`` and ``chosen`` edge per node under backward induction."""
    values = np.array(node_payoff, dtype=float)
    chosen = np.full(c.n_nodes, -1, dtype=np.int64)
    parent, child, actor = c.parent, c.child, c.actor
    for lo, hi, n0, n1, decided, slots, valid, averaged in reversed(plans):
        q = values[:, child[lo:hi]] + edge_payoff[:, lo:hi]
        w = np.where(averaged, p[lo:hi], 0.0)
        if slots is not None:
            own = q[actor[decided][:, None], slots - lo]
            own[~valid] = -np.inf
            best = slots[np.arange(len(decided)), own.argmax(axis=1)]
            chosen[decided] = best
            w[best - lo] = 1.0
        q *= w
        where = parent[lo:hi] - n0
        for row, actor_q in zip(values, q, strict=True):
            row[n0:n1] += np.bincount(where, actor_q, minlength=n1 - n0)
    return values, chosen

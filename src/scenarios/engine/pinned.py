"""Re-weight one node per column and update only the path above it (trees): for value of information.

Learning a chance node's outcome before a decision (EVPI), or a signal about it (EVII),
changes that node's branch weights: the node is then worth ``sum_b w_b * (branch payoff +
child value)`` for the new weights ``w``.  In a tree only the node's ancestors change value,
so K such columns need not be K full rollbacks (:func:`~scenarios.engine.batch.solve_batch`
on ``(N, A, K)``): starting from one base rollback, :func:`path_values` moves each column's
changed value up its path one generation per step, vectorised over the columns.  An
averaging node (chance, fixed decision, or a decision not solved) changes by its branch
probability times the child's change; a solved decision re-chooses among its branches with
the changed one, by the engine's one tie rule (:func:`~scenarios.engine.strategic.tie_threshold`:
the first listed branch within tolerance of the best, for its actor's column and sign).
The work is ``O(K x depth x degree)`` instead of ``O(K x N)``.

``tests/test_voi.py`` holds it to one full re-solve per node and branch.
"""

from __future__ import annotations

import numpy as np

from .compiled import Compiled
from .strategic import tie_threshold

__all__ = ["path_values"]


def path_values(c: Compiled, p: np.ndarray, node_payoff: np.ndarray, edge_payoff: np.ndarray,
                values: np.ndarray, solved: np.ndarray, start: np.ndarray, weights: np.ndarray,
                targets: np.ndarray) -> np.ndarray:
    """Values at ``targets`` (node indices) per column: ``(T, A, K)``.

    Column ``k`` re-weights the branches of node ``start[k]`` by ``weights[k]`` (``(K, M)``,
    zero-padded beyond the node's branches); ``values`` ``(N, A)`` is the base rollback under
    ``p`` ``(E,)`` with the decisions in the mask ``solved`` chosen; ``node_payoff`` ``(N, A)``,
    ``edge_payoff`` ``(E, A)``.  A target that is not an ancestor of ``start[k]`` keeps its
    base value in column ``k``.  ``c`` must be a tree.
    """
    if not c.tree:
        raise ValueError("path_values works on trees; a DAG needs the full batch rollback")
    k = len(start)
    n_actors = values.shape[1]
    out = np.repeat(values[targets][:, :, None], k, axis=2)
    if k == 0:
        return out
    position = np.full(c.n_nodes, -1, dtype=np.int64)
    position[targets] = np.arange(len(targets))
    parent_edge = np.full(c.n_nodes, -1, dtype=np.int64)
    parent_edge[c.child] = np.arange(c.n_edges)
    signs = c.column_sign if c.column_sign is not None else np.ones(n_actors)

    value = node_payoff[start] + np.einsum("km,kma->ka", weights, _branch_values(c, edge_payoff, values, start,
                                                                                weights.shape[1]))
    cur = np.asarray(start, dtype=np.int64)
    column = np.arange(k)
    while len(column):
        hit = position[cur] >= 0
        if hit.any():
            out[position[cur[hit]], :, column[hit]] = value[hit]
        edge = parent_edge[cur]
        alive = edge >= 0
        if not alive.all():
            cur, value, column, edge = cur[alive], value[alive], column[alive], edge[alive]
            if not len(column):
                break
        parent = c.parent[edge]
        new = np.empty_like(value)
        chooses = solved[parent]
        avg = ~chooses
        if avg.any():
            new[avg] = values[parent[avg]] + p[edge[avg], None] * (value[avg] - values[cur[avg]])
        if chooses.any():
            new[chooses] = _rechoose(c, edge_payoff, values, node_payoff, signs, parent[chooses], edge[chooses],
                                     value[chooses])
        cur, value = parent, new
    return out


def _branch_values(c: Compiled, edge_payoff: np.ndarray, values: np.ndarray, nodes: np.ndarray,
                   width: int) -> np.ndarray:
    """``(n, width, A)``: each node's branch values (branch payoff + child value), 0 past its branches."""
    first = c.edge_start[nodes]
    degree = c.edge_start[nodes + 1] - first
    offsets = np.arange(width)
    valid = offsets[None, :] < degree[:, None]
    edges = np.where(valid, first[:, None] + offsets[None, :], 0)
    branch: np.ndarray = edge_payoff[edges] + values[c.child[edges]]
    branch[~valid] = 0.0
    return branch


def _rechoose(c: Compiled, edge_payoff: np.ndarray, values: np.ndarray, node_payoff: np.ndarray,
              signs: np.ndarray, nodes: np.ndarray, changed_edge: np.ndarray, changed: np.ndarray) -> np.ndarray:
    """A solved decision's value when its branch ``changed_edge`` leads to a child now worth ``changed``."""
    first = c.edge_start[nodes]
    degree = c.edge_start[nodes + 1] - first
    width = int(degree.max())
    branch = _branch_values(c, edge_payoff, values, nodes, width)
    rows = np.arange(len(nodes))
    branch[rows, changed_edge - first] = edge_payoff[changed_edge] + changed
    col = c.actor[nodes]
    own = branch[rows[:, None], np.arange(width)[None, :], col[:, None]] * signs[col][:, None]
    own[np.arange(width)[None, :] >= degree[:, None]] = -np.inf
    best = own.max(axis=1)
    choice = np.argmax(own >= tie_threshold(best)[:, None], axis=1)  # the first listed within tolerance
    result: np.ndarray = node_payoff[nodes] + branch[rows, choice]
    return result

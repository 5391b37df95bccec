"""Strategic mode: backward induction (Kuhn's theorem; any decision-analysis text's rollback).

At every decision node that is not ``fixed`` its actor takes the branch with the highest
expected payoff for that actor (branch payoff + the child's value); chance nodes and
fixed decisions average their branches by ``p``.  Ties go to the branch listed first and
are reported.  The rollback is vectorised per generation: a generation's branch values are
computed in one array, maximised per node with ``np.maximum.reduceat``, and the first
branch within tolerance of the maximum is chosen.  The result is a choice at every
decision node, on the solved path or off it (a subgame-perfect profile when information
is perfect), and the outcome distribution and expectations when those choices are played.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from ..model import Scenario
from .belief import _evaluate_bound
from .bind import bind
from .compile import DECISION
from .propagate import segments
from .results import SolveResult

__all__ = ["solve", "TIE_TOLERANCE"]

#: Two branch values within this (relative to their size) count as a tie.
TIE_TOLERANCE = 1e-9


def solve(scenario: Scenario, *, overrides: Mapping[str, Any] | None = None, top: int = 10) -> SolveResult:
    """Solve ``scenario`` by backward induction.

    Raises
    ------
    UnknownNameError, ProbabilityError, ExpressionError
        for bad ``overrides`` (see :func:`scenarios.analysis.belief.evaluate`).

    Examples
    --------
    >>> import scenarios
    >>> r = scenarios.load("entry-deterrence").solve()
    >>> r.choices
    {'entry': 'response', 'response': 'share'}
    """
    bound = bind(scenario, overrides)
    compiled = bound.compiled
    strategic = (compiled.kind == DECISION) & ~compiled.fixed
    values = bound.node_payoff.copy()
    chosen_edge = np.full(compiled.n_nodes, -1, dtype=np.int64)
    tied = np.zeros(compiled.n_nodes, dtype=bool)
    p = bound.p
    for g in range(len(compiled.gen_nodes) - 2, -1, -1):
        es = slice(compiled.gen_edges[g], compiled.gen_edges[g + 1])
        if es.start == es.stop:
            continue
        nodes, offsets = segments(compiled, g)
        parent = compiled.parent[es]
        q = bound.edge_payoff[es] + values[compiled.child[es]]  # branch values, (edges, actors)
        average = np.add.reduceat(p[es, None] * q, offsets, axis=0)
        pick = strategic[nodes]
        if pick.any():
            own = q[np.arange(len(q)), np.maximum(compiled.actor[parent], 0)]
            best = np.maximum.reduceat(own, offsets)
            best_per_edge = np.repeat(best, np.diff(np.append(offsets, len(q))))
            candidate = own >= best_per_edge - TIE_TOLERANCE * (1.0 + np.abs(best_per_edge))
            local = np.where(candidate, np.arange(len(q)), len(q))
            first = np.minimum.reduceat(local, offsets)
            count = np.add.reduceat(candidate.astype(np.int64), offsets)
            average[pick] = q[first[pick]]
            chosen_edge[nodes[pick]] = es.start + first[pick]
            tied[nodes[pick]] = count[pick] > 1
        values[nodes] += average

    p_played = p.copy()
    decided = np.flatnonzero(chosen_edge >= 0)
    p_played[chosen_edge[compiled.parent] >= 0] = 0.0  # other options of solved decisions
    p_played[chosen_edge[decided]] = 1.0
    return _evaluate_bound(scenario, bound, "strategic", p_played, given=None, overrides=overrides,
                           top=top, result_type=SolveResult, values=values,
                           chosen_edge=chosen_edge, tied=tied)

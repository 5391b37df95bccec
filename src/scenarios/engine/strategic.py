"""Strategic mode: backward induction (Kuhn's theorem; any decision-analysis text's rollback).

At every decision node that is not ``fixed`` its actor takes the branch with the highest
expected payoff for that actor (branch payoff + the child's value; the lowest for an actor
that minimises, and by its criterion's column for an actor with measures: see
:mod:`scenarios.engine.criteria`); chance nodes and
fixed decisions average their branches by ``p``.  Ties go to the branch listed first and
are reported.  The rollback is vectorised per generation: a generation's branch values are
one ``(actors, edges)`` array; each solved decision's best is found with
``np.maximum.reduceat`` over its own branches only, and the first branch within tolerance
of it is chosen.  The chosen branch then gets weight 1 (the others 0), so every node of
the generation, decision or chance, is one weighted sum.  The result is a choice at every
decision node, on the solved path or off it (a subgame-perfect profile when information
is perfect), and the outcome distribution and expectations when those choices are played.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, overload

import numpy as np

from ..errors import UnreachableNodeError
from ..model import Scenario
from .belief import _evaluate_bound
from .bind import bind
from .compiled import Compiled
from .propagate import WIDE
from .results import SolveResult

__all__ = ["solve", "rollback", "tie_threshold", "played_weights", "TIE_TOLERANCE"]

#: Two branch values within this (relative to their size) count as a tie.
TIE_TOLERANCE = 1e-9


def solve(scenario: Scenario, *, given: str | None = None, overrides: Mapping[str, Any] | None = None,
          top: int = 10, risk: Mapping[str, Any] | None = None) -> SolveResult:
    """Solve ``scenario`` by backward induction.

    With ``given``, the outcomes, expected payoffs and paths are conditioned on the solved
    play passing that node (as :func:`~scenarios.engine.belief.evaluate` conditions the
    belief-mode play); the choices are those of the whole solution.  ``risk`` replaces
    actors' risk attitudes (``{"russia": "exponential:5"}``); each actor then maximises its
    expected utility (:mod:`scenarios.engine.risk`).

    Raises
    ------
    UnknownNameError, ProbabilityError, ExpressionError
        for bad ``overrides`` (see :func:`scenarios.engine.belief.evaluate`) or an unknown ``given``.
    UnreachableNodeError
        if the solved play never passes ``given``.
    RiskError
        for a bad risk attitude (see :func:`scenarios.engine.risk.run_risk`), or ``given`` with one.

    Examples
    --------
    >>> import scenarios
    >>> r = scenarios.load("entry-deterrence").solve()
    >>> r.choices
    {'entry': 'response', 'response': 'share'}
    """
    if risk:  # ``{actor: Risk or "exponential:5"}``: see scenarios.engine.risk
        from .risk import apply_risk

        scenario = apply_risk(scenario, risk)
    bound = bind(scenario, overrides)
    if any(not actor.risk.neutral for actor in scenario.actors.values()):
        from .risk_results import _no_given, solve_with_risk

        _no_given(given)
        return solve_with_risk(scenario, bound, top=top, overrides=overrides)
    values, chosen_edge, tied, p_played = rollback(bound.compiled, bound.p, bound.node_payoff_by_actor,
                                                   bound.edge_payoff_by_actor)
    try:
        return _evaluate_bound(scenario, bound, "strategic", p_played, given=given, overrides=overrides,
                               top=top, result_type=SolveResult, values=values.T,
                               chosen_edge=chosen_edge, tied=tied)
    except UnreachableNodeError:
        raise UnreachableNodeError(
            f"--given {given}: the strategic solution never passes node {given!r} (a solved choice or a "
            "zero probability before it leads elsewhere); 'evaluate --given' conditions the belief-mode "
            "play instead") from None


def rollback(compiled: Compiled, p: np.ndarray, node_payoff: np.ndarray, edge_payoff: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Backward induction: ``(values, chosen_edge, tied, p_played)``.

    ``values`` is ``(actors, N)``: each node's expected payoffs when every solved decision
    takes its chosen branch; ``chosen_edge`` per node is that branch (-1 at nodes that are not
    solved decisions), ``tied`` says two or more branches were within tolerance of the best;
    ``p_played`` is ``p`` with each solved decision's chosen branch 1 and its others 0.
    Payoffs are actor-major, ``(actors, N)`` and ``(actors, E)``.

    A solved decision is averaged like a chance node, with weight 1 on the chosen branch and
    0 on the others (exact: adding zeros changes nothing), so a generation's values are one
    weighted sum whatever its mix of nodes.

    >>> import scenarios
    >>> from scenarios.engine.bind import bind
    >>> s = scenarios.load("entry-deterrence")
    >>> b = bind(s)
    >>> values, chosen, tied, played = rollback(s.compiled, b.p, b.node_payoff_by_actor,
    ...                                         b.edge_payoff_by_actor)
    >>> c = s.compiled
    >>> c.ids[c.child[chosen[c.index["response"]]]], values[:, c.root].tolist()
    ('share', [1.0, 1.0])
    """
    weights = p.copy()
    weights[compiled.strategic_edges] = 0.0  # a solved decision's branches, until one is chosen
    values = np.array(node_payoff, dtype=float, order="C")
    chosen_edge = np.full(compiled.n_nodes, -1, dtype=np.int64)
    tied = np.zeros(compiled.n_nodes, dtype=bool)
    child, internal, offsets, local, actor = (compiled.child, compiled.internal, compiled.seg_offset,
                                              compiled.edge_local_parent, compiled.actor)
    solved, solved_edges, solved_offset, owner_of, own_at = (
        compiled.strategic_node, compiled.strategic_edges, compiled.strategic_offset,
        compiled.strategic_owner, compiled.strategic_own)
    sign = compiled.strategic_sign  # None unless some actor minimises its column
    for lv in reversed(compiled.levels):
        lo, hi, n0, n1, s0, s1, single = lv.lo, lv.hi, lv.n0, lv.n1, lv.s0, lv.s1, lv.single
        t0, t1, u0, u1 = lv.t0, lv.t1, lv.u0, lv.u1
        q = values.take(child[lo:hi], axis=1)  # branch values (actors, edges)
        if lv.paid:
            q += edge_payoff[:, lo:hi]
        w = weights[lo:hi]
        if t1 > t0:  # pick: the first branch within tolerance of the decider's best
            if single >= 0:  # the generation's one node with branches: no segments
                own = q[actor[single]] if sign is None else q[actor[single]] * sign[u0]
                candidate = own >= tie_threshold(own.max())
                first = int(candidate.argmax())
                w[first] = 1.0
                chosen_edge[single] = lo + first
                tied[single] = np.count_nonzero(candidate) > 1
            else:
                own = q.take(own_at[u0:u1])  # the decider's value of each of its branches
                if sign is not None:
                    own *= sign[u0:u1]
                owner = owner_of[u0:u1]
                hits = np.flatnonzero(
                    own >= tie_threshold(np.maximum.reduceat(own, solved_offset[t0:t1])).take(owner))
                new = np.ones(len(hits), dtype=bool)  # a node's first candidate (each has one)
                holder = owner.take(hits)
                np.not_equal(holder[1:], holder[:-1], out=new[1:])
                firsts = np.flatnonzero(new)
                picked = solved_edges[u0:u1].take(hits.take(firsts))
                weights[picked] = 1.0
                nodes = solved[t0:t1]
                chosen_edge[nodes] = picked
                tied[nodes] = np.diff(firsts, append=len(hits)) > 1
        if single >= 0:
            values[:, single] += np.dot(q, w)
        elif hi - lo <= WIDE:
            q *= w
            values[:, internal[s0:s1]] += np.add.reduceat(q, offsets[s0:s1], axis=1)
        else:
            q *= w
            where, m = local[lo:hi], n1 - n0
            for row, actor_q in zip(values, q, strict=False):
                row[n0:n1] += np.bincount(where, actor_q, minlength=m)
    return values, chosen_edge, tied, weights


@overload
def tie_threshold(best: float) -> float: ...
@overload
def tie_threshold(best: np.ndarray) -> np.ndarray: ...


def tie_threshold(best: float | np.ndarray) -> float | np.ndarray:
    """Branch values at or above this count as tied with ``best``: the one tie rule of the
    engine (the single and the batch rollback both use it; the first listed tied branch wins)."""
    return best - TIE_TOLERANCE * (1.0 + np.abs(best))


def played_weights(compiled: Compiled, p: np.ndarray, chosen_edge: np.ndarray | None) -> np.ndarray:
    """``p`` with every solved decision's chosen branch 1 and its other branches 0.

    The one place "play the solved choices" is written.  ``p`` is ``(E,)`` with
    ``chosen_edge`` per node ``(N,)``, or ``(E, K)`` with ``(N, K)``; -1 marks nodes that
    are not solved decisions.  Returns a new array (``p`` itself when nothing is solved).

    >>> import numpy as np, scenarios
    >>> s = scenarios.load("entry-deterrence")
    >>> r = s.solve()
    >>> played_weights(s.compiled, r.p_array, r.chosen_edge).tolist()  # both decisions solved
    [0.0, 1.0, 0.0, 1.0]
    """
    if chosen_edge is None:
        return p
    played = np.array(p, dtype=float)
    if chosen_edge.ndim == 1:
        solved = chosen_edge >= 0
        played[solved[compiled.parent]] = 0.0
        played[chosen_edge[solved]] = 1.0
        return played
    decided = np.flatnonzero((chosen_edge >= 0).any(axis=1))
    if len(decided):
        played[np.isin(compiled.parent, decided)] = 0.0
        played[chosen_edge[decided], np.arange(p.shape[1])[None, :]] = 1.0
    return played

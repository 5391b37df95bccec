"""Evaluate many parameter draws at once: bind them into arrays, then batched passes.

:func:`bind_batch` turns K draws (:class:`~scenarios.analysis.sampling.Draws`) into
per-edge probabilities ``p`` of shape ``(E, K)`` and payoffs of shape ``(N, A, K)`` and
``(E, A, K)``, reusing the compiled constants and evaluating each symbolic quantity once
for all draws (expressions work element-wise on arrays).  The draw axis comes last so
that gathering a generation's parents or children copies contiguous rows; that layout
made the passes several times faster than draws-first.  Payoffs that do not depend on a
parameter are a broadcast view of the constants, so they cost no memory.

Draws that make probabilities invalid (a probability outside [0, 1], a node whose
branches do not sum to 1 within 1e-9, an expression that cannot be computed) are marked
in ``valid`` and counted per problem in ``problems``; they are never clipped into range
or dropped silently.  Their columns are reset to the base case, so the passes run on
well-defined numbers and callers simply leave those draws out.

:func:`forward_batch`, :func:`expected_payoffs_batch` and :func:`solve_batch` are the
belief-mode forward pass and the strategic backward induction of
:mod:`~scenarios.engine.propagate` and :mod:`~scenarios.engine.strategic`, vectorised
over a generation's edges *and* over the draws: the Python loop runs once per generation.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np

from ..errors import GameError
from ..model import Distribution, Parameter, Scenario
from .bind import Bound, bind, bind_probabilities, evaluate_columns, parse_overrides
from .check import Problems, edge_name, raise_first
from .compiled import Compiled
from .propagate import segments
from .segments import Segments
from .strategic import played_weights, tie_threshold

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.sampling import Draws
    from ..expressions import Expression, Value

#: Symbolic payoffs of the compiled scenario: ``((row, actor, Expression), ...)``.
_Symbolic: TypeAlias = "tuple[tuple[int, int, Expression], ...]"

__all__ = ["BatchProblem", "BatchBound", "BatchSolution", "prepare", "bind_batch", "evaluate_draws",
           "forward_batch", "expected_payoffs_batch", "solve_batch", "played_batch"]


@dataclass(frozen=True, eq=False)
class BatchProblem:
    """What batch evaluation needs of a scenario, as plain picklable data.

    A :class:`~scenarios.model.Scenario` holds read-only mapping proxies and cannot be
    pickled; this can, so it is what worker processes and Dask workers receive.
    ``base`` is the scenario bound at the base case under the overrides (None for a
    strict batch, where no column is ever reset to it).
    """

    base: Bound | None
    parameters: dict[str, Parameter]
    node_dists: dict[str, Distribution]
    pinned: dict[str, float]
    branch_overrides: dict[tuple[str, str], float]

    compiled_form: Compiled | None = None

    @property
    def compiled(self) -> Compiled:
        if self.base is not None:
            return self.base.compiled
        assert self.compiled_form is not None, "a BatchProblem has a base or a compiled form"
        return self.compiled_form


def prepare(scenario: Scenario, overrides: Mapping[str, Any] | None = None) -> BatchProblem:
    """The :class:`BatchProblem` of ``scenario`` under ``overrides`` (``--set`` values).

    Raises
    ------
    UnknownNameError, ExpressionError, ProbabilityError
        for bad overrides, or an invalid base case under them.
    """
    base = bind(scenario, overrides)  # validates the overrides and the base case
    pinned, branches = parse_overrides(scenario, overrides)
    node_dists = {node.id: node.dist for node in scenario.nodes.values() if node.dist is not None}
    return BatchProblem(base, dict(scenario.parameters), node_dists, pinned, branches)


@dataclass(frozen=True, eq=False)
class BatchBound:
    """Numbers for K draws; the draw axis is last.

    ``p`` is ``(E, K)``, ``node_payoff`` ``(N, A, K)``, ``edge_payoff`` ``(E, A, K)`` (either
    may be a read-only broadcast view of constants); ``valid`` is ``(K,)``; ``problems``
    maps a description of each problem to the number of draws it affects.
    """

    compiled: Compiled
    p: np.ndarray
    node_payoff: np.ndarray
    edge_payoff: np.ndarray
    valid: np.ndarray
    problems: dict[str, int]

    @property
    def n(self) -> int:
        return int(self.p.shape[1])


def bind_batch(problem: BatchProblem, draws: Draws, *,
               branch_columns: Mapping[tuple[str, str], np.ndarray] | None = None,
               strict: Callable[[int], str] | None = None) -> BatchBound:
    """Bind ``draws`` to probabilities and payoffs for all draws at once.

    Order of work per draw, as in :func:`~scenarios.engine.bind.bind`: expressions,
    then ``rest`` (1 minus the node's other branches), then Dirichlet nodes replace their
    branches' probabilities, then ``NODE.CHILD`` overrides pin a branch and rescale its
    siblings; then every probability and every node's sum is checked.

    ``branch_columns`` pins branches to a value per column (``{(node, child): (K,) values}``,
    after the overrides).  With ``strict`` (a function naming column ``k``, e.g.
    ``"drill_cost=50"``) the first invalid column raises ProbabilityError instead of being
    marked: the wrapper for analyses whose every setting must be valid.

    Examples
    --------
    >>> import scenarios
    >>> from scenarios.analysis.sampling import sample
    >>> s = scenarios.load("donbas-recognition-2022")
    >>> b = bind_batch(prepare(s), sample(s, 5, seed=0))
    >>> b.p.shape == (s.compiled.n_edges, 5), bool(b.valid.all())
    (True, True)
    """
    base, c = problem.base, problem.compiled
    node_base = base.node_payoff if base is not None else c.node_payoff_const
    edge_base = base.edge_payoff if base is not None else c.edge_payoff_const
    k = draws.n
    env = draws.parameters
    issues = Problems(k, draws.failed, draws.problems)
    pins = {**problem.branch_overrides, **(branch_columns or {})}
    p = bind_probabilities(c, env, k, pins=pins, drawn=draws.branches, issues=issues)
    node_payoff = _payoffs(c.node_payoff_symbolic, node_base, env, k, issues,
                           lambda i: f"payoff of node {c.ids[i]!r}", c.actors)
    edge_payoff = _payoffs(c.edge_payoff_symbolic, edge_base, env, k, issues,
                           lambda e: f"payoff of {edge_name(c, e)}", c.actors)
    if strict is not None and issues.invalid.any():
        raise_first(c, p, issues, lambda j: f"at {strict(j)}")
    invalid = issues.invalid
    if invalid.any() and base is not None:  # reset invalid draws to the base case: finite passes
        p[:, invalid] = base.p[:, None]
    np.clip(p, 0.0, 1.0, out=p)  # only rounding noise within the tolerance is left to clip
    return BatchBound(c, p, node_payoff, edge_payoff, ~invalid, issues.counts)


def _payoffs(symbolic: _Symbolic, base: np.ndarray, env: Mapping[str, Value], k: int, issues: Problems,
             where: Callable[[int], str], actors: tuple[str, ...]) -> np.ndarray:
    """Payoffs ``(rows, A, K)``: a broadcast view of the base when none is an expression."""
    if not symbolic:
        return np.broadcast_to(base[:, :, None], base.shape + (k,))
    out = np.repeat(base[:, :, None], k, axis=2)
    for row, actor, expr in symbolic:
        values, failed, message = evaluate_columns(expr, env, k, fill=base[row, actor])
        out[row, actor] = values
        if failed is not None:
            issues.note(failed, f"{where(row)} for {actors[actor]!r}: {message}")
    return out


# -- the passes -------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class _Generation:
    edges: slice
    parent: np.ndarray
    child: np.ndarray
    # (order, unique children, segment starts) when children repeat
    merge: tuple[np.ndarray, np.ndarray, np.ndarray] | None
    averaged: Segments  # the generation's chance nodes and fixed decisions
    decided: Segments  # the generation's decisions solved strategically


@dataclass(frozen=True, eq=False)
class _Structure:
    generations: tuple[_Generation, ...]  # those with edges, root side first
    internal: Segments  # every node with branches


_STRUCTURE: weakref.WeakKeyDictionary[Compiled, dict[tuple[int | None, tuple[int, ...]], _Structure]] = (
    weakref.WeakKeyDictionary())


def _structure(c: Compiled, solved: int | None = None, keep: tuple[int, ...] = ()) -> _Structure:
    """Index arrays the batched passes need, built once per compiled scenario.

    The decisions solved by backward induction are every non-fixed decision, or only node
    ``solved`` (the others then average their branches by the weights given); the decisions
    in ``keep`` are never solved (they average by the weights: a strategy played as given).
    """
    cache = _STRUCTURE.setdefault(c, {})
    cached = cache.get((solved, keep))
    if cached is None:
        generations: list[_Generation] = []
        if solved is None:
            strategic_node = np.asarray(c.strategic, dtype=bool)  # the compiled decisions solved by induction
        else:
            strategic_node = np.zeros(c.n_nodes, dtype=bool)
            strategic_node[solved] = True
        if keep:
            strategic_node = strategic_node.copy()
            strategic_node[list(keep)] = False
        for g in range(len(c.gen_nodes) - 1):
            es = slice(int(c.gen_edges[g]), int(c.gen_edges[g + 1]))
            if es.start == es.stop:
                continue
            child = c.child[es]
            merge = None
            if len(np.unique(child)) < len(child):  # a DAG: two parents here share a child
                order = np.argsort(child, kind="stable")
                unique, starts = np.unique(child[order], return_index=True)
                merge = (order, unique, starts)
            nodes, _ = segments(c, g)
            strategic = strategic_node[nodes]
            generations.append(_Generation(es, c.parent[es], child, merge,
                                           Segments.of(c, nodes[~strategic]),
                                           Segments.of(c, nodes[strategic])))
        internal = np.flatnonzero(c.edge_start[1:] > c.edge_start[:-1])
        cached = _Structure(tuple(generations), Segments.of(c, internal))
        cache[(solved, keep)] = cached
    return cached


def forward_batch(c: Compiled, p: np.ndarray) -> np.ndarray:
    """Probability of passing each node from the root, per draw: ``(N, K)``.

    >>> import scenarios
    >>> s = scenarios.load("entry-deterrence")
    >>> from scenarios.engine.bind import bind
    >>> reach = forward_batch(s.compiled, bind(s).p[:, None])
    >>> float(reach[s.compiled.index["war"], 0])
    0.15
    """
    reach = np.zeros((c.n_nodes, p.shape[1]))
    reach[c.root] = 1.0
    for gen in _structure(c).generations:
        contribution = reach[gen.parent] * p[gen.edges]
        if gen.merge is None:
            reach[gen.child] += contribution
        else:
            order, unique, starts = gen.merge
            reach[unique] += np.add.reduceat(contribution[order], starts, axis=0)
    return reach


def _weighted(weights: np.ndarray, payoff: np.ndarray, base: np.ndarray, symbolic: _Symbolic) -> np.ndarray:
    """``sum_m weights[m, k] * payoff[m, a, k]`` as ``(A, K)``: constants by one matrix product,
    then a correction for the rows whose payoff depends on the draw."""
    # einsum, not the @ operator: multi-threaded BLAS is erratic on a busy machine and
    # oversubscribes cores when worker processes run side by side.
    total: np.ndarray = np.einsum("ma,mk->ak", base, weights)
    rows = np.unique([row for row, _, _ in symbolic]) if symbolic else ()
    if len(rows):
        total += np.einsum("mk,mak->ak", weights[rows], payoff[rows] - base[rows][:, :, None])
    return total


def expected_payoffs_batch(bound: BatchBound, reach: np.ndarray, p: np.ndarray | None = None) -> np.ndarray:
    """Expected payoff per actor and draw, ``(A, K)``, from the reach of :func:`forward_batch`.

    By linearity, ``sum_nodes reach * node payoff + sum_edges reach(parent) * p * edge payoff``.
    """
    c = bound.compiled
    p = bound.p if p is None else p
    total = _weighted(reach, bound.node_payoff, _constant_part(bound.node_payoff, c.node_payoff_symbolic),
                      c.node_payoff_symbolic)
    if c.n_edges:
        total += _weighted(reach[c.parent] * p, bound.edge_payoff,
                           _constant_part(bound.edge_payoff, c.edge_payoff_symbolic), c.edge_payoff_symbolic)
    return total


def _constant_part(payoff: np.ndarray, symbolic: _Symbolic) -> np.ndarray:
    """The payoff matrix of draw 0 with the symbolic entries zeroed (they are added per draw)."""
    base = np.array(payoff[:, :, 0]) if payoff.shape[2] else np.zeros(payoff.shape[:2])
    for row, actor, _ in symbolic:
        base[row, actor] = 0.0
    return base


@dataclass(frozen=True, eq=False)
class BatchSolution:
    """Backward induction per draw: ``values (N, A, K)``, ``chosen_edge (N, K)`` (-1 where not
    solved), ``tied (N, K)`` (a tie broken in favour of the first listed branch)."""

    values: np.ndarray
    chosen_edge: np.ndarray
    tied: np.ndarray


def solve_batch(bound: BatchBound, p: np.ndarray | None = None, *, only: int | None = None,
                keep: tuple[int, ...] = ()) -> BatchSolution:
    """Strategic mode for every draw: the rollback of :func:`scenarios.engine.strategic.solve`.

    At a non-fixed decision node the actor takes the branch with the highest value for them
    (branch payoff + child value); ties (the engine's one rule,
    :func:`~scenarios.engine.strategic.tie_threshold`) go to the first branch listed; chance
    nodes and fixed decisions average by ``p``. Choosing only needs the deciding actor's
    values, so those are compared first and the chosen branch's values for every actor are
    gathered once afterwards. ``p`` replaces the bound weights (the base choices pinned in,
    say); ``only`` solves that decision node alone, the others averaging their branches by
    ``p``; the decision nodes in ``keep`` (indices) average by ``p`` too (a strategy pinned
    into ``p`` is played, not re-solved).

    Examples
    --------
    >>> import scenarios
    >>> from scenarios.analysis.sampling import sample
    >>> s = scenarios.load("entry-deterrence")
    >>> sol = solve_batch(bind_batch(prepare(s), sample(s, 2, seed=0)))
    >>> s.compiled.ids[s.compiled.child[sol.chosen_edge[s.compiled.index["response"], 0]]]
    'share'
    """
    c = bound.compiled
    if c.shared_sets:  # backward induction would let the actor see what it cannot (engine/games.py)
        raise GameError(f"information set {c.shared_sets[0]!r} joins several decisions, so backward induction "
                        "does not apply: this analysis solves by it (scenarios solve --method nash|qre|spe "
                        "computes equilibria)")
    k = bound.n
    # A writable C-ordered copy, (N, A, K): order="K" (the default) would copy a broadcast
    # view into an odd layout, and every gather below would then be slow.
    values = np.array(bound.node_payoff, dtype=float, order="C")
    n_actors = values.shape[1]
    edge_pay = _Rows(bound.edge_payoff, c.edge_payoff_symbolic)
    chosen = np.full((c.n_nodes, k), -1, dtype=np.int64)
    tied = np.zeros((c.n_nodes, k), dtype=bool)
    weights = bound.p if p is None else p
    for gen in reversed(_structure(c, only, tuple(sorted(keep))).generations):
        seg = gen.averaged
        if len(seg.nodes):
            average = None
            for positions, edges in seg.columns:
                q = edge_pay.add_to(values[c.child[edges]], edges)  # branch values, (m, A, K)
                q *= weights[edges][:, None, :]
                if average is None:
                    average = q
                elif positions is None:
                    average += q
                else:
                    average[positions] += q
            values[seg.nodes] += average
        seg = gen.decided
        if len(seg.nodes):
            first, count = _first_best(seg, c, values, edge_pay)
            edge = c.edge_start[seg.nodes][:, None] + first  # (n, K)
            chosen[seg.nodes] = edge
            tied[seg.nodes] = count > 1
            values[seg.nodes] += _take(values, c.child[edge], n_actors) + edge_pay.take(edge)
    return BatchSolution(values, chosen, tied)


def _take(values: np.ndarray, rows: np.ndarray, n_actors: int) -> np.ndarray:
    """``out[i, a, k] = values[rows[i, k], a, k]`` for ``values`` of shape ``(M, A, K)``."""
    k = rows.shape[1]
    flat = (rows[:, None, :] * n_actors + np.arange(n_actors)[None, :, None]) * k
    flat += np.arange(k)[None, None, :]
    out: np.ndarray = values.reshape(-1).take(flat)
    return out


class _Rows:
    """Payoff rows gathered cheaply: the constant part as an ``(M, A, 1)`` view that
    broadcasts, and only the rows with draw-dependent entries gathered in full."""

    def __init__(self, payoff: np.ndarray, symbolic: _Symbolic):
        self.payoff = payoff
        self.constant = payoff[:, :, :1] if payoff.shape[2] else payoff
        self.varies = np.zeros(payoff.shape[0], dtype=bool)
        for row, _, _ in symbolic:
            self.varies[row] = True
        self.any = bool(self.varies.any())

    def add_to(self, values: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """``payoff[rows] + values``, written into ``values`` (a fresh gathered array)."""
        values += self.constant[rows]
        if self.any:
            hit = np.flatnonzero(self.varies[rows])
            if len(hit):
                values[hit] += self.payoff[rows[hit]] - self.constant[rows[hit]]
        return values

    def actor(self, rows: np.ndarray, actor: np.ndarray) -> np.ndarray:
        """``payoff[rows[i], actor[i], :]`` as ``(m, K)`` (or ``(m, 1)`` when constant)."""
        out: np.ndarray = self.constant[rows, actor]
        if self.any:
            hit = np.flatnonzero(self.varies[rows])
            if len(hit):
                out = np.repeat(out, self.payoff.shape[2], axis=1) if out.shape[1] == 1 else out
                out[hit] = self.payoff[rows[hit], actor[hit]]
        return out

    def take(self, rows: np.ndarray) -> np.ndarray:
        """``payoff[rows[i, k], :, k]`` as ``(n, A, K)``."""
        n_actors = self.payoff.shape[1]
        if self.any:
            return _take(np.ascontiguousarray(self.payoff), rows, n_actors)
        constant = np.ascontiguousarray(self.constant[:, :, 0])
        out: np.ndarray = constant.reshape(-1).take(rows[:, None, :] * n_actors
                                                    + np.arange(n_actors)[None, :, None])
        return out


def _first_best(seg: Segments, c: Compiled, values: np.ndarray, edge_pay: _Rows) -> tuple[np.ndarray, np.ndarray]:
    """Per decision node and draw: the position of the first branch within tolerance of the
    best for the node's actor, and how many branches are that good (2 or more: a tie)."""
    owner = c.actor[seg.nodes]
    sign = c.column_sign[owner] if c.strategic_sign is not None and c.column_sign is not None else None
    own: list[np.ndarray] = []
    best: np.ndarray | None = None
    for positions, edges in seg.columns:
        actor = owner if positions is None else owner[positions]
        mine = values[c.child[edges], actor] + edge_pay.actor(edges, actor)  # (m, K)
        if sign is not None:
            mine *= (sign if positions is None else sign[positions])[:, None]
        own.append(mine)
        if best is None:
            best = mine.copy()
        elif positions is None:
            np.maximum(best, mine, out=best)
        else:
            best[positions] = np.maximum(best[positions], mine)
    assert best is not None, "_first_best on no decisions"  # callers check len(seg.nodes)
    threshold = tie_threshold(best)
    first = np.full(best.shape, -1, dtype=np.int64)
    count = np.zeros(best.shape, dtype=np.int64)
    for j, ((positions, _), mine) in enumerate(zip(seg.columns, own, strict=False)):
        rows = slice(None) if positions is None else positions
        candidate = mine >= threshold[rows]
        f = first[rows]
        f[candidate & (f < 0)] = j
        first[rows] = f
        count[rows] += candidate
    return first, count


#: Probabilities when the solved choices are played (chosen branches 1, their siblings 0).
played_batch = played_weights

#: The batch bind's expression evaluator under its older name.
evaluate_draws = evaluate_columns

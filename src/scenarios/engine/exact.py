"""Exact evaluation (``--exact``): belief mode and backward induction in rational numbers.

The float engine calls two branch values tied when they are within
:data:`~scenarios.engine.strategic.TIE_TOLERANCE` (1e-9, relative) of each other, which
cannot tell 0.1 + 0.2 against 0.3 (a true tie, 0.30000000000000004 in floats) from 0.1 +
0.2 against 0.3000000000001 (not a tie).  Here every number is a
:class:`fractions.Fraction` read from the file's decimal text
(:mod:`scenarios.engine.fractions_eval`), and a tie is an equality.

The passes share the engine's compile step (:mod:`scenarios.engine.compiled`: the
topological numbering, edges sorted by parent) and are plain loops over it, in that
order: the forward pass (probability of passing each node) over the edges, the rollback
(expected values, and at every solved decision the first listed branch of greatest value
for its actor) over the nodes in reverse; ``given`` conditions as the float belief pass
does (what is collected before the node weighted by the probability of going on to it).
Fractions cannot be vectorised, so the work is
bounded: at most :data:`EXACT_LIMIT` nodes and branches.  The result is a
:class:`~scenarios.engine.results.BeliefResult` / ``SolveResult`` (every view works, on the
exact numbers rounded to floats) that also carries the fractions (``result.exact``).

>>> import scenarios
>>> r = scenarios.load("entry-deterrence").solve(exact=True)
>>> r.exact.expected["entrant"], r.choices, r.to_dict()["exact"]
(Fraction(1, 1), {'entry': 'response', 'response': 'share'}, True)
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from ..errors import ExactError, ExpressionError, ProbabilityError, UnknownNameError, UnreachableNodeError, did_you_mean
from ..expressions import Expression
from ..model import REST, Scenario
from .belief import outcome_order
from .compiled import Compiled
from .fractions_eval import exact_number, exact_value, inexact_function
from .overrides import resolve_setting
from .paths import top_paths
from .results import BeliefResult, PathRow, SolveResult

__all__ = ["evaluate_exact", "solve_exact", "ExactNumbers", "ExactBeliefResult", "ExactSolveResult",
           "EXACT_LIMIT", "fraction_text"]

#: Exact mode refuses scenarios with more nodes plus branches than this (pure Python over
#: fractions: about 5 s at the limit for three actors, where the float engine takes 15 ms;
#: benchmarks/bench_explain.py).
EXACT_LIMIT = 100_000

_ZERO, _ONE = Fraction(0), Fraction(1)


def fraction_text(x: Fraction) -> str:
    """``'-99/50'``, or ``'3'`` for a whole number: the JSON form of an exact value."""
    return str(x)


@dataclass(frozen=True, eq=False)
class ExactNumbers:
    """The fractions of an exact result, in the engine's order (``compiled`` indices).

    ``p`` and ``played`` per edge, ``reach`` per node, ``values[i][c]`` the expected value
    of payoff column ``c`` from node ``i`` on, ``node_payoff[i][c]`` and
    ``edge_payoff[e][c]``; ``expected`` and ``parameters`` by name.
    """

    p: tuple[Fraction, ...]
    played: tuple[Fraction, ...]
    reach: tuple[Fraction, ...]
    values: tuple[tuple[Fraction, ...], ...]
    node_payoff: tuple[tuple[Fraction, ...], ...]
    edge_payoff: tuple[tuple[Fraction, ...], ...]
    expected: Mapping[str, Fraction]
    parameters: Mapping[str, Fraction]
    path_probabilities: tuple[Fraction, ...] = ()  # of ``result.paths``, in order

    def to_dict(self, choices: Mapping[str, str] | None = None) -> dict[str, Any]:
        return {"expected_payoffs": {k: fraction_text(v) for k, v in self.expected.items()},
                "parameters": {k: fraction_text(v) for k, v in self.parameters.items()},
                "paths": [fraction_text(x) for x in self.path_probabilities]}


class _ExactDict:
    """``to_dict()`` of an exact result: the float document, marked exact, with the fractions."""

    exact: ExactNumbers

    def _exact_dict(self, data: dict[str, Any]) -> dict[str, Any]:
        r: Any = self
        compiled = r.compiled
        numbers = self.exact
        data["exact"] = True
        fractions = numbers.to_dict()
        fractions["outcomes"] = {row.id: fraction_text(numbers.reach[compiled.index[row.id]])
                                 for row in r.outcomes}
        if isinstance(r, SolveResult):
            fractions["choice_values"] = self.exact_choice_values()
        data["fractions"] = fractions
        return data

    def exact_choice_values(self) -> dict[str, str]:
        """Every solved decision id → its exact value for its actor, as text (``'-23/10'``)."""
        r: Any = self
        compiled, values = r.compiled, self.exact.values
        column = dict(zip(compiled.actors, range(len(compiled.actors)), strict=True))
        return {node_id: fraction_text(values[compiled.index[node_id]][column[r.scenario.nodes[node_id].actor]])
                for node_id in getattr(r, "choices", {})}


@dataclass(frozen=True, eq=False)
class ExactBeliefResult(_ExactDict, BeliefResult):
    """A belief-mode result computed in fractions; ``exact`` holds them."""

    exact: ExactNumbers = field(kw_only=True, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return self._exact_dict(super().to_dict())


@dataclass(frozen=True, eq=False)
class ExactSolveResult(_ExactDict, SolveResult):
    """A strategic-mode result computed in fractions; ties are equalities."""

    exact: ExactNumbers = field(kw_only=True, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return self._exact_dict(super().to_dict())


def evaluate_exact(scenario: Scenario, *, given: str | None = None, overrides: Mapping[str, Any] | None = None,
                   top: int = 10) -> ExactBeliefResult:
    """Belief mode in fractions (see the module docstring), given the path passes ``given``
    if set; ExactError where that cannot be."""
    b = _bind_exact(scenario, overrides)
    values = _rollback(b.compiled, b.p, b.node_payoff, b.edge_payoff, None)
    result: ExactBeliefResult = _result(scenario, b, "belief", b.p, values, overrides, top, ExactBeliefResult,
                                        given=given)
    return result


def solve_exact(scenario: Scenario, *, given: str | None = None, overrides: Mapping[str, Any] | None = None,
                top: int = 10) -> ExactSolveResult:
    """Backward induction in fractions: a decision's best branch is the first listed of the
    greatest exact value (a tie is an equality); ExactError where that cannot be.

    >>> import scenarios
    >>> s = scenarios.loads('''
    ... title: Tie
    ... actors: {a: {}}
    ... nodes:
    ...   d: {kind: decision, actor: a, branches: [{to: x, payoffs: {a: 0.1}}, {to: y}]}
    ...   x: {kind: outcome, payoffs: {a: 0.2}}
    ...   y: {kind: outcome, payoffs: {a: 0.3}}
    ... ''')
    >>> solve_exact(s).ties, s.solve().ties  # 0.1 + 0.2 == 0.3 exactly; the float rule agrees here
    (('d',), ('d',))
    """
    b = _bind_exact(scenario, overrides)
    chosen = np.full(b.compiled.n_nodes, -1, dtype=np.int64)
    tied = np.zeros(b.compiled.n_nodes, dtype=bool)
    played = list(b.p)
    values = _rollback(b.compiled, b.p, b.node_payoff, b.edge_payoff, (chosen, tied, played))
    result: ExactSolveResult = _result(scenario, b, "strategic", tuple(played), values, overrides, top,
                                       ExactSolveResult, given=given, chosen_edge=chosen, tied=tied)
    return result


# -- binding ------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class _Bound:
    compiled: Compiled
    p: tuple[Fraction, ...]
    node_payoff: tuple[tuple[Fraction, ...], ...]
    edge_payoff: tuple[tuple[Fraction, ...], ...]
    parameters: dict[str, Fraction]


def _bind_exact(scenario: Scenario, overrides: Mapping[str, Any] | None) -> _Bound:
    compiled = scenario.compiled
    size = compiled.n_nodes + compiled.n_edges
    if size > EXACT_LIMIT:
        raise ExactError(f"--exact: {scenario.id} has {size:,} nodes and branches, more than exact mode's "
                         f"limit of {EXACT_LIMIT:,} (fractions are computed one at a time); drop --exact")
    measured = [key for key, actor in scenario.actors.items() if actor.measures]
    if measured:
        raise ExactError(f"--exact: actor {measured[0]!r} has measures, which exact mode does not support; "
                         "drop --exact")
    _refuse_inexact(scenario)
    param_fixed, pins = _exact_overrides(scenario, overrides)
    env = _parameters(scenario, param_fixed)
    a, column = len(compiled.actors), {key: k for k, key in enumerate(compiled.actors)}
    p: list[Fraction] = [_ZERO] * compiled.n_edges
    node_payoff: list[tuple[Fraction, ...]] = []
    edge_payoff: list[tuple[Fraction, ...]] = [(_ZERO,) * a] * compiled.n_edges
    nodes, starts = scenario.nodes, compiled.edge_start.tolist()
    for i, node_id in enumerate(compiled.ids):
        node = nodes[node_id]
        node_payoff.append(_row(node.payoffs, env, column, a, f"payoff of node {node_id!r}"))
        branches = node.branches
        rest = []
        for j, branch in enumerate(branches):
            e = starts[i] + j
            if branch.payoffs:
                edge_payoff[e] = _row(branch.payoffs, env, column, a, f"payoff of {node_id} → {branch.to}")
            if branch.p is None:
                p[e] = Fraction(1, len(branches))
            elif branch.p is REST:
                rest.append(e)
            else:
                assert isinstance(branch.p, Expression)
                p[e] = _value(branch.p, env, f"probability of {node_id} → {branch.to}")
        for e in rest:
            p[e] = _ONE - sum((p[k] for k in range(starts[i], starts[i + 1]) if k not in rest), _ZERO)
    for node_id, fixed in pins.items():
        _pin(compiled, p, node_id, fixed)
    _check(compiled, p)
    return _Bound(compiled, tuple(p), tuple(node_payoff), tuple(edge_payoff), env)


def _refuse_inexact(scenario: Scenario) -> None:
    """ExactError naming the first place the file uses exp, log, log10 or sqrt."""
    def check(expr: object, where: str) -> None:
        if isinstance(expr, Expression) and (name := inexact_function(expr)):
            raise ExactError(f"--exact: {where} uses {name}() ({str(expr)!r}), which has no exact rational value; "
                             "drop --exact")

    for name, parameter in scenario.parameters.items():
        check(parameter.value, f"parameter {name!r}")
    for node in scenario.nodes.values():
        for key, x in node.payoffs.items():
            check(x, f"the payoff of node {node.id!r} for {key!r}")
        for branch in node.branches:
            check(branch.p, f"the probability of {node.id} → {branch.to}")
            for key, x in branch.payoffs.items():
                check(x, f"the payoff of {node.id} → {branch.to} for {key!r}")


def _exact_overrides(scenario: Scenario, overrides: Mapping[str, Any] | None
                     ) -> tuple[dict[str, Fraction], dict[str, dict[str, Fraction]]]:
    """``--set`` values as fractions: ``({parameter: value}, {node: {position: value}})``."""
    params: dict[str, Fraction] = {}
    pins: dict[str, dict[str, Fraction]] = {}
    base: dict[str, Fraction] | None = None
    for name, raw in (overrides or {}).items():
        if isinstance(raw, bool) or not isinstance(raw, (int, float, str, Fraction)):
            raise ExpressionError(f"override {name}: {raw!r} is not a number")
        if isinstance(raw, Fraction):
            value = raw
        elif isinstance(raw, (int, float)):
            if not np.isfinite(raw):
                raise ExpressionError(f"override {name}: {raw!r} is not a finite number")
            value = Fraction(raw) if isinstance(raw, int) else exact_number(raw)
        else:
            expr = Expression.parse(raw)
            if (fn := inexact_function(expr)) is not None:
                raise ExactError(f"--exact: --set {name}={raw} uses {fn}(), which has no exact rational value")
            if base is None:
                base = _parameters(scenario, {})
            try:
                value = exact_value(expr, base)
            except ExpressionError as exc:
                raise ExpressionError(f"override {name}: {exc}") from None
        setting = resolve_setting(scenario, name, prefix="--set ")
        if setting.node is not None and setting.child is not None:
            if not _ZERO <= value <= _ONE:
                raise ProbabilityError(f"--set {name}={raw}: a probability must lie in [0, 1]")
            node_id, position = setting.pin
            pins.setdefault(node_id, {})[position] = value
        else:
            params[name] = value
    return params, pins


def _parameters(scenario: Scenario, fixed: Mapping[str, Fraction]) -> dict[str, Fraction]:
    """Exact parameter values in dependency order (file order among the ready ones)."""
    parameters = scenario.parameters
    position = {name: k for k, name in enumerate(parameters)}
    needs = {name: {n for n in p.value.names if n in parameters} for name, p in parameters.items()}
    users: dict[str, list[str]] = {name: [] for name in parameters}
    for name, refs in needs.items():
        for ref in refs:
            users[ref].append(name)
    waiting = {name: len(refs) for name, refs in needs.items()}
    ready = [(position[name], name) for name, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    values: dict[str, Fraction] = {}
    while ready:
        _, name = heapq.heappop(ready)
        values[name] = fixed[name] if name in fixed else _value(parameters[name].value, values,
                                                                 f"parameter {name!r}")
        for user in users[name]:
            waiting[user] -= 1
            if waiting[user] == 0:
                heapq.heappush(ready, (position[user], user))
    return values


def _value(expr: Expression, env: Mapping[str, Fraction], what: str) -> Fraction:
    try:
        return exact_value(expr, env)
    except ExpressionError as exc:
        raise ExpressionError(f"{what}: {exc}") from None


def _row(payoffs: Mapping[str, Expression], env: Mapping[str, Fraction], column: Mapping[str, int], a: int,
         what: str) -> tuple[Fraction, ...]:
    if not payoffs:
        return (_ZERO,) * a
    row = [_ZERO] * a
    for key, expr in payoffs.items():
        row[column[key]] = _value(expr, env, f"{what} for {key!r}")
    return tuple(row)


def _pin(compiled: Compiled, p: list[Fraction], node_id: str, fixed: Mapping[str, Fraction]) -> None:
    """Set the pinned branches of ``node_id``; its others share what is left in proportion."""
    i = compiled.index[node_id]
    lo, hi = int(compiled.edge_start[i]), int(compiled.edge_start[i + 1])
    pinned = {compiled.edge_of(node_id, position): value for position, value in fixed.items()}
    free = [e for e in range(lo, hi) if e not in pinned]
    left = _ONE - sum(pinned.values(), _ZERO)
    names = ", ".join(f"{node_id}.{compiled.ids[compiled.child[e]]}" for e in pinned)
    if left < 0:
        raise ProbabilityError(f"--set {names}: the values sum to {1 - left}, more than 1")
    total = sum((p[e] for e in free), _ZERO)
    if total == 0 and left != 0:
        raise ProbabilityError(f"--set {names}: node {node_id!r} has no other branch with probability left to "
                               f"rescale, so the values must sum to 1 (they sum to {1 - left})")
    for e in free:
        p[e] = p[e] * left / total if total else _ZERO
    for e, value in pinned.items():
        p[e] = value


def _check(compiled: Compiled, p: Sequence[Fraction]) -> None:
    """Every probability in [0, 1] and every node's exactly summing to 1, or ProbabilityError."""
    starts = compiled.edge_start.tolist()
    for i, node_id in enumerate(compiled.ids):
        lo, hi = starts[i], starts[i + 1]
        if lo == hi:
            continue
        for e in range(lo, hi):
            if not _ZERO <= p[e] <= _ONE:
                raise ProbabilityError(f"--exact: the probability of {node_id} → {compiled.ids[compiled.child[e]]} "
                                       f"is {p[e]} ({float(p[e]):.12g}), outside [0, 1]")
        total = sum(p[lo:hi], _ZERO)
        if total != 1:
            raise ProbabilityError(
                f"--exact: the probabilities of node {node_id!r} sum to {total} ({float(total):.17g}), not exactly "
                "1 (the float engine allows 1e-9); make them sum to 1 exactly (e.g. write the last as 'rest')")


# -- the passes -----------------------------------------------------------------------------------------
def _forward(compiled: Compiled, w: Sequence[Fraction], start: int) -> list[Fraction]:
    """Probability of passing each node from ``start``: edges in order (sorted by parent,
    parents in topological order), so a node's probability is complete before it is used."""
    reach = [_ZERO] * compiled.n_nodes
    reach[start] = _ONE
    for e, (u, v) in enumerate(zip(compiled.parent.tolist(), compiled.child.tolist(), strict=True)):
        if reach[u] and w[e]:
            reach[v] += reach[u] * w[e]
    return reach


def _rollback(compiled: Compiled, p: Sequence[Fraction], node_payoff: Sequence[tuple[Fraction, ...]],
              edge_payoff: Sequence[tuple[Fraction, ...]],
              solve: tuple[np.ndarray, np.ndarray, list[Fraction]] | None) -> list[tuple[Fraction, ...]]:
    """Expected values from every node on, nodes in reverse topological order.  With
    ``solve`` = ``(chosen, tied, played)``, every solved decision takes the first listed
    branch of greatest exact value for its actor (times the column's sign), recorded there."""
    starts, child = compiled.edge_start.tolist(), compiled.child.tolist()
    strategic, actor = compiled.strategic.tolist(), compiled.actor.tolist()
    sign = compiled.column_sign.tolist() if compiled.column_sign is not None else None
    values: list[tuple[Fraction, ...]] = list(node_payoff)
    a = len(compiled.actors)
    for i in range(compiled.n_nodes - 1, -1, -1):
        lo, hi = starts[i], starts[i + 1]
        if lo == hi:
            continue
        options = [tuple(x + y for x, y in zip(edge_payoff[e], values[child[e]], strict=True)) for e in range(lo, hi)]
        if solve is not None and strategic[i]:
            chosen, tied, played = solve
            c = actor[i]
            own = [q[c] if sign is None or sign[c] > 0 else -q[c] for q in options]
            best = max(own)
            hits = [k for k, x in enumerate(own) if x == best]
            chosen[i], tied[i] = lo + hits[0], len(hits) > 1
            for e in range(lo, hi):
                played[e] = _ONE if e == lo + hits[0] else _ZERO
            total = options[hits[0]]
        else:
            total = tuple(sum((p[e] * q[k] for e, q in zip(range(lo, hi), options, strict=True) if p[e]), _ZERO)
                          for k in range(a))
        values[i] = tuple(x + y for x, y in zip(node_payoff[i], total, strict=True))
    return values


# -- the result -------------------------------------------------------------------------------------------
def _result(scenario: Scenario, b: _Bound, mode: str, played: Sequence[Fraction], values: list[tuple[Fraction, ...]],
            overrides: Mapping[str, Any] | None, top: int, result_type: Any, given: str | None = None,
            **extra: Any) -> Any:
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 0:
        raise ValueError(f"top must be a whole number >= 0, not {top!r}")
    compiled = b.compiled
    reach = _forward(compiled, played, compiled.root)
    floats = np.array([float(x) for x in played])
    column = {key: k for k, key in enumerate(compiled.actors)}
    expected_columns = values[compiled.root]
    g, scale, to_g = None, _ONE, None
    if given is not None:
        g = _node_index(scenario, given)
        reach, expected_columns, to_g = _given(compiled, played, reach, values, b, g, given)
        scale = 1 / _forward(compiled, played, compiled.root)[g]
    reach_array = np.array([float(x) for x in reach])
    a = len(compiled.actors)
    node_payoff = np.array([[float(x) for x in row] for row in b.node_payoff], dtype=float).reshape(compiled.n_nodes, a)
    edge_payoff = np.array([[float(x) for x in row] for row in b.edge_payoff], dtype=float).reshape(compiled.n_edges, a)
    values_array = np.array([[float(x) for x in row] for row in values], dtype=float).reshape(compiled.n_nodes, a)
    order = _exact_order(compiled, reach, reach_array)
    actors = compiled.actor_keys
    expected = {key: expected_columns[column[key]] for key in actors}
    paths, path_probabilities = [], []
    found = (top_paths(compiled, floats, top) if g is None or to_g is None else
             top_paths(compiled, floats, top, through=g, to_through=np.array([float(x) for x in to_g])))
    for nodes, edges, _ in found:
        prob = scale
        for e in edges:
            prob *= played[e]
        total = [b.node_payoff[i] for i in nodes] + [b.edge_payoff[e] for e in edges]
        payoffs = {key: float(sum((row[column[key]] for row in total), _ZERO)) for key in actors}
        paths.append(PathRow(tuple(compiled.ids[i] for i in nodes), float(prob), payoffs,
                             tuple(compiled.branch[edges].tolist())))
        path_probabilities.append(prob)
    numbers = ExactNumbers(p=b.p, played=tuple(played), reach=tuple(reach), values=tuple(values),
                           node_payoff=b.node_payoff, edge_payoff=b.edge_payoff, expected=expected,
                           parameters=b.parameters, path_probabilities=tuple(path_probabilities))
    return result_type(
        scenario=scenario, mode=mode, given=given, overrides=dict(overrides or {}),
        expected_payoffs={k: float(v) for k, v in expected.items()}, paths=tuple(paths),
        expected_columns={key: float(expected_columns[k]) for key, k in column.items()},
        reach_array=reach_array, values_array=values_array, outcome_order=order, node_payoff=node_payoff,
        edge_payoff=edge_payoff, p_array=np.array([float(x) for x in b.p]), played_array=floats,
        given_index=g, parameters={k: float(v) for k, v in b.parameters.items()}, exact=numbers, **extra)


def _given(compiled: Compiled, w: Sequence[Fraction], reach: list[Fraction], values: list[tuple[Fraction, ...]],
           b: _Bound, g: int, name: str) -> tuple[list[Fraction], tuple[Fraction, ...], list[Fraction]]:
    """Conditioning on passing node ``g``: ``(reach given g, expected payoffs given g, the
    probability from each node of going on to pass g)``, as the float engine's belief pass.
    What is collected before g is weighted by P(pass u and then g); from g on, ``values[g]``."""
    if reach[g] == 0:
        raise UnreachableNodeError(f"--given {name}: no path with positive probability passes node {name!r}")
    starts, child = compiled.edge_start.tolist(), compiled.child.tolist()
    to_g = [_ZERO] * compiled.n_nodes
    to_g[g] = _ONE
    for i in range(g - 1, -1, -1):  # only nodes numbered before g can lead to it
        to_g[i] = sum((w[e] * to_g[child[e]] for e in range(starts[i], starts[i + 1]) if w[e]), _ZERO)
    before = [_ZERO] * len(compiled.actors)
    for u in range(g):
        if not (reach[u] and to_g[u]):
            continue
        rows = [(reach[u] * to_g[u], b.node_payoff[u])]
        rows += [(reach[u] * w[e] * to_g[child[e]], b.edge_payoff[e]) for e in range(starts[u], starts[u + 1])]
        for weight, row in rows:
            if weight:
                before = [x + weight * y for x, y in zip(before, row, strict=True)]
    after = _forward(compiled, w, g)
    conditional = [after[u] if after[u] else reach[u] * to_g[u] / reach[g] for u in range(compiled.n_nodes)]
    expected = tuple(x / reach[g] + y for x, y in zip(before, values[g], strict=True))
    return conditional, expected, to_g


def _node_index(scenario: Scenario, node_id: str) -> int:
    try:
        return scenario.compiled.index[node_id]
    except KeyError:
        raise UnknownNameError(f"--given {node_id}: unknown node{did_you_mean(node_id, scenario.nodes)}") from None


def _exact_order(compiled: Compiled, reach: Sequence[Fraction], reach_array: np.ndarray) -> np.ndarray:
    """Outcomes most probable first by their exact probabilities; equal ones in listing order
    (the outcomes are listed in file order), outcomes of probability 0 last."""
    listed = compiled.outcomes.tolist()
    if len(listed) > 50_000:  # sorting fractions is slow; the float order is the same up to ties
        return outcome_order(compiled, reach_array)
    ranked = sorted(range(len(listed)), key=lambda k: (reach[listed[k]] == 0, -reach[listed[k]], k))
    return np.array([listed[k] for k in ranked], dtype=np.int64)

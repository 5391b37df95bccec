"""Bind a scenario's symbolic quantities to numbers: parameters, overrides, then arrays.

This is the *evaluate* step between the symbolic model and the evaluators: parameters are
computed in dependency order, ``--set`` overrides are applied (a parameter, or
``NODE.CHILD`` for one branch probability with its siblings rescaled in proportion), and
the result is a :class:`Bound` holding per-edge probabilities and per-node and per-edge
payoff matrices in the compiled order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, overload

import numpy as np

from ..errors import ExpressionError, ProbabilityError
from ..expressions import Expression, Value
from ..model import Parameter, Scenario
from .check import Problems, check_columns, edge_name, raise_first
from .compiled import Compiled
from .overrides import resolve_setting
from .rescale import TOLERANCE, rescale_siblings
from .segments import Segments

__all__ = ["Bound", "bind", "bind_probabilities", "apply_pins", "evaluate_columns",
           "parameter_values", "parse_overrides", "rest_probabilities", "TOLERANCE",
           "REST_SNAP"]

#: A ``rest`` probability closer to 0 than this is 0 (floating-point noise, not a chance).
REST_SNAP = 1e-12


@dataclass(frozen=True, eq=False)
class Bound:
    """Numbers for one evaluation: ``p`` per edge, payoffs per node and per edge (x actor).

    ``node_payoff`` is ``(N, actors)`` and ``edge_payoff`` ``(E, actors)``; the evaluators
    use the same numbers actor-major, ``node_payoff_by_actor`` ``(actors, N)`` and
    ``edge_payoff_by_actor`` ``(actors, E)`` (the public arrays are views of those).
    Arrays that nothing changed are the compiled scenario's own, read-only: copy before
    writing.
    """

    compiled: Compiled
    p: np.ndarray
    node_payoff: np.ndarray
    edge_payoff: np.ndarray
    parameters: Mapping[str, float]
    node_payoff_by_actor: np.ndarray
    edge_payoff_by_actor: np.ndarray


@overload
def parameter_values(parameters: Mapping[str, Parameter], fixed: Mapping[str, float] | None = None, *,
                     failures: dict[str, ExpressionError] | None = None) -> dict[str, float]: ...
@overload
def parameter_values(parameters: Mapping[str, Parameter], fixed: Mapping[str, Value] | None = None, *,
                     failures: dict[str, ExpressionError] | None = None) -> dict[str, Value]: ...


def parameter_values(parameters: Mapping[str, Parameter],
                     fixed: Mapping[str, Value] | None = None, *,
                     failures: dict[str, ExpressionError] | None = None) -> dict[str, float] | dict[str, Value]:
    """Values of all parameters, in dependency order; ``fixed`` pins some of them.

    A parameter that cannot be computed raises ExpressionError (with ``.parameter`` set),
    unless ``failures`` is given: then it is recorded there and left out, as is every
    parameter that depends on it, and the others are computed (the loader reports them all).

    >>> from scenarios.model import Parameter
    >>> ps = {"a": Parameter("a", Expression.parse("2 * b")), "b": Parameter("b", Expression.number(3))}
    >>> parameter_values(ps)
    {'b': 3.0, 'a': 6.0}
    >>> parameter_values(ps, {"b": 0.5})
    {'b': 0.5, 'a': 1.0}
    """
    fixed = dict(fixed or {})
    edges = [(ref, name) for name, p in parameters.items() for ref in p.value.names if ref in parameters]
    order: Any = list(parameters)  # no parameter refers to another: file order, and no networkx import
    if edges:
        import networkx as nx

        deps = nx.DiGraph()
        deps.add_nodes_from(parameters)
        deps.add_edges_from(edges)
        order = nx.lexicographical_topological_sort(deps, key=list(parameters).index)
    values: dict[str, Value] = {}
    skipped: set[str] = set()
    for name in order:
        if name in fixed:
            values[name] = fixed[name]
            continue
        if skipped.intersection(parameters[name].value.names):
            skipped.add(name)
            continue
        try:
            values[name] = parameters[name].value.evaluate(values)
        except ExpressionError as exc:
            error = ExpressionError(f"parameter {name!r}: {exc}")
            error.parameter = name
            if failures is None:
                raise error from None
            failures[name] = error
            skipped.add(name)
    return values


def parse_overrides(scenario: Scenario, overrides: Mapping[str, Any] | None
                    ) -> tuple[dict[str, float], dict[tuple[str, str], float]]:
    """Split ``overrides`` into parameter values and branch probabilities, checked.

    Values may be numbers or expression text over the scenario's parameters (base values).
    Returns ``(parameters, branches)``: ``{name: value}`` and ``{(node, child): value}``.
    Raises UnknownNameError for an unknown name, ProbabilityError for a branch value
    outside [0, 1], ExpressionError for a value that does not parse.
    """
    params: dict[str, float] = {}
    branches: dict[tuple[str, str], float] = {}
    if not overrides:
        return params, branches
    base = None
    for name, raw in overrides.items():
        if isinstance(raw, bool):
            raise ExpressionError(f"override {name}: {raw!r} is not a number")
        if isinstance(raw, (int, float)):
            value = float(raw)
            if not np.isfinite(value):
                raise ExpressionError(f"override {name}: {raw!r} is not a finite number")
        else:
            expr = Expression.parse(str(raw))
            if base is None:
                base = parameter_values(scenario.parameters)
            try:
                value = expr.evaluate(base)
            except ExpressionError as exc:
                raise ExpressionError(f"override {name}: {exc}") from None
        setting = resolve_setting(scenario, name, prefix="--set ")
        if setting.node is not None and setting.child is not None:  # a branch
            if not 0.0 <= value <= 1.0:
                raise ProbabilityError(f"--set {name}={value:g}: a probability must lie in [0, 1]")
            branches[setting.pin] = value  # by position: branches may share a child
        else:
            params[name] = value
    return params, branches


def bind(scenario: Scenario, overrides: Mapping[str, Any] | None = None) -> Bound:
    """Numbers for ``scenario`` under ``overrides``; see the module docstring.

    Raises ProbabilityError if the probabilities are invalid once bound (a parameter
    override pushing a probability outside [0, 1], say), UnknownNameError and
    ExpressionError as :func:`parse_overrides`.

    Examples
    --------
    >>> import scenarios
    >>> s = scenarios.load("entry-deterrence")
    >>> b = bind(s, {"entry.response": 0.8})
    >>> [round(float(b.p[s.compiled.edge_of("entry", c)]), 12) for c in ("stay_out", "response")]
    [0.2, 0.8]
    """
    compiled = scenario.compiled
    param_overrides, branch_overrides = parse_overrides(scenario, overrides)
    # An expression that fails names its parameters' values ("where x = 0"): they say
    # which --set made it fail.
    values = parameter_values(scenario.parameters, param_overrides)

    p = compiled.p_const  # shared and read-only while nothing changes it
    if compiled.p_symbolic or len(compiled.p_rest) or branch_overrides:
        issues = Problems(1)
        columns = bind_probabilities(compiled, values, 1, pins=branch_overrides, issues=issues, strict=True)
        if issues.invalid.any():
            raise_first(compiled, columns, issues, lambda _: f"under {_describe(overrides)}")
        p = columns[:, 0]
        np.clip(p, 0.0, 1.0, out=p)  # only rounding noise within the tolerance is clipped

    node_payoff = _payoffs(compiled, compiled.node_payoff_by_actor, compiled.node_payoff_symbolic, values,
                           lambda i: f"payoff of node {compiled.ids[i]!r}")
    edge_payoff = _payoffs(compiled, compiled.edge_payoff_by_actor, compiled.edge_payoff_symbolic, values,
                           lambda e: f"payoff of {edge_name(compiled, e)}")
    return Bound(compiled, p, node_payoff.T, edge_payoff.T, values, node_payoff, edge_payoff)


def bind_probabilities(compiled: Compiled, env: Mapping[str, Any], k: int, *,
                       pins: Mapping[tuple[str, str], Any] | None = None,
                       drawn: Mapping[str, np.ndarray] | None = None, issues: Problems,
                       strict: bool = False) -> np.ndarray:
    """Branch probabilities ``(E, K)`` for K columns: the engine's one bind of probabilities.

    In order: expressions over ``env`` (each parameter a number or K values), ``rest`` (1
    minus the node's other branches), the drawn branches of Dirichlet nodes (``drawn``:
    node id -> ``(K, branches)``), then ``pins`` (``{(node, child): value or K values}``:
    the branch is set and its siblings rescaled in proportion); then every column is
    checked.  Problems are noted in ``issues`` (nothing raises, the caller decides);
    ``strict`` lets an expression that cannot be computed raise ExpressionError, as a
    single evaluation does.
    """
    p = np.repeat(compiled.p_const[:, None], k, axis=1)  # NaN where symbolic or rest, filled below
    drawn_at = {compiled.index[node_id]: values for node_id, values in (drawn or {}).items()}
    overwritten = np.zeros(compiled.n_edges, dtype=bool)
    for i in drawn_at:
        overwritten[compiled.edge_start[i]:compiled.edge_start[i + 1]] = True
    for edge, expr in compiled.p_symbolic:
        if overwritten[edge]:
            continue
        if strict:
            try:
                p[edge] = expr.evaluate(env)
            except ExpressionError as exc:
                raise ExpressionError(f"probability of {edge_name(compiled, edge)}: {exc}") from None
            continue
        values, failed, message = evaluate_columns(expr, env, k)
        p[edge] = values
        if failed is not None:
            issues.note(failed, f"probability of {edge_name(compiled, edge)}: {message}")
    rest = compiled.p_rest[~overwritten[compiled.p_rest]] if len(compiled.p_rest) else compiled.p_rest
    if len(rest):
        p[rest] = rest_probabilities(compiled, p, rest)
    for i, values in drawn_at.items():
        p[compiled.edge_start[i]:compiled.edge_start[i + 1]] = values.T
    if pins:
        apply_pins(compiled, p, pins, issues)
    check_columns(compiled, p, issues)
    return p


def apply_pins(compiled: Compiled, p: np.ndarray, pins: Mapping[tuple[str, str], Any], issues: Problems) -> None:
    """Pin branches in every column of ``p`` ``(E, K)``; each node's other branches share the rest
    in proportion (:func:`~scenarios.engine.rescale.rescale_siblings`)."""
    k = p.shape[1]
    for node_id, fixed in _pins_by_node(compiled, pins).items():
        i = compiled.index[node_id]
        edges = np.arange(compiled.edge_start[i], compiled.edge_start[i + 1])
        free = np.array([e for e in edges if e not in fixed], dtype=np.int64)
        total = np.broadcast_to(np.asarray(sum(fixed.values()), dtype=float), (k,))
        r = rescale_siblings(p[free], total)
        p[free] = r.free
        names = ", ".join(f"{node_id}.{compiled.ids[compiled.child[e]]}" for e in fixed)
        # The total is named when it is the same in every column (a --set value).
        same = total[0] if np.all(total == total[0]) else None
        sums = f"{same:g}" if same is not None else "more than 1"
        _note_pin(issues, r.over, f"--set {names}: the values sum to {sums}, more than 1"
                  if same is not None else f"--set {names}: the values sum to more than 1")
        _note_pin(issues, r.stuck, f"--set {names}: node {node_id!r} has no other branch with probability "
                  "left to rescale, so the values must sum to 1"
                  + (f" (they sum to {same:g})" if same is not None else ""))
        for e, value in fixed.items():
            p[e] = value


def _note_pin(issues: Problems, bad: np.ndarray, message: str) -> None:
    if np.any(bad):
        issues.note(bad, message)
        if message not in issues.pin_messages:
            issues.pin_messages.append(message)


def evaluate_columns(expr: Expression, env: Mapping[str, Value], n: int, *,
                     fill: float = np.nan) -> tuple[np.ndarray, np.ndarray | None, str | None]:
    """Evaluate ``expr`` for ``n`` columns (draws, settings); return ``(values, failed, message)``.

    ``failed`` is None when every column evaluates; otherwise a boolean mask of the
    columns whose value could not be computed (a division by zero, ``log`` of a number
    <= 0, a non-finite result: only where the value is used, so the branch an ``if`` does
    not take never fails), which get ``fill``, and ``message`` says why.  All columns are
    evaluated at once (:meth:`~scenarios.expressions.Expression.evaluate_columns`).

    Examples
    --------
    >>> e = Expression.parse("1 / x")
    >>> values, failed, message = evaluate_columns(e, {"x": np.array([1.0, 0.0, 4.0])}, 3, fill=-1)
    >>> values.tolist(), failed.tolist()
    ([1.0, -1.0, 0.25], [False, True, False])
    >>> message
    "expression '1 / x': division by zero"
    """
    try:
        values, failed, message = expr.evaluate_columns(env, n)
    except ExpressionError as exc:  # an unknown name: every column fails
        return np.full(n, fill, dtype=float), np.ones(n, dtype=bool), str(exc)
    if failed is not None:
        values[failed] = fill
    return values, failed, message


def rest_probabilities(compiled: Compiled, p: np.ndarray, rest: np.ndarray | None = None) -> np.ndarray:
    """The probability of ``rest`` branches (all of them by default): 1 minus their node's others.

    ``p`` is ``(E,)`` or ``(E, K)`` and holds the other branches (NaN at the rest branches
    themselves).  Each node's own branches are summed, in branch order as the loader does,
    and a rest within 1e-12 of 0 is 0: a node whose other branches sum to 1 up to rounding
    has a rest branch that cannot be taken, rather than one with probability 1e-16.
    """
    rest = compiled.p_rest if rest is None else rest
    p = np.asarray(p, dtype=float)
    is_rest = np.zeros(len(p), dtype=bool)
    is_rest[rest] = True
    # Only the rest nodes' own rows are read, one branch position at a time (no copy of
    # all of p, which for a batch of 10^4 columns is large).
    sums = np.zeros((len(rest),) + p.shape[1:])
    for positions, edges in Segments.of(compiled, compiled.parent[rest]).columns:
        rows = np.where(is_rest[edges].reshape((-1,) + (1,) * (p.ndim - 1)), 0.0, np.nan_to_num(p[edges]))
        if positions is None:
            sums += rows
        else:
            sums[positions] += rows
    value = 1.0 - sums
    value[np.abs(value) < REST_SNAP] = 0.0
    return value


def _payoffs(compiled: Compiled, const: np.ndarray, symbolic: tuple[tuple[int, int, Expression], ...],
             values: Mapping[str, float], what: Callable[[int], str]) -> np.ndarray:
    """Payoffs ``(actors, rows)``: the compiled constants, with any expressions evaluated."""
    if not symbolic:
        return const
    out = const.copy()
    for row, actor, expr in symbolic:
        try:
            out[actor, row] = expr.evaluate(values)
        except ExpressionError as exc:
            raise ExpressionError(f"{what(row)} for {compiled.actors[actor]!r}: {exc}") from None
    return out


def _describe(overrides: Mapping[str, Any] | None) -> str:
    if not overrides:
        return "the base case"
    return "--set " + " ".join(f"{k}={v}" for k, v in overrides.items())


def _pins_by_node(compiled: Compiled, branch_overrides: Mapping[tuple[str, str], Any]
                  ) -> dict[str, dict[int, Any]]:
    """``{(node, child): value}`` grouped per node as ``{node: {edge: value}}`` (a value is a
    number or K values)."""
    by_node: dict[str, dict[int, Any]] = {}
    for (node_id, child_id), value in branch_overrides.items():
        by_node.setdefault(node_id, {})[compiled.edge_of(node_id, child_id)] = value
    return by_node

"""Bind a scenario's symbolic quantities to numbers: parameters, overrides, then arrays.

This is the *evaluate* step between the symbolic model and the evaluators: parameters are
computed in dependency order, ``--set`` overrides are applied (a parameter, or
``NODE.CHILD`` for one branch probability with its siblings rescaled in proportion), and
the result is a :class:`Bound` holding per-edge probabilities and per-node and per-edge
payoff matrices in the compiled order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from ..errors import ExpressionError, ProbabilityError
from ..expressions import Expression
from ..model import Parameter, Scenario
from .check import column_problem
from .compiled import Compiled
from .overrides import resolve_setting
from .rescale import TOLERANCE, rescale_siblings

__all__ = ["Bound", "bind", "parameter_values", "parse_overrides", "rest_probabilities", "TOLERANCE",
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
    node_payoff_by_actor: np.ndarray | None = None
    edge_payoff_by_actor: np.ndarray | None = None

    def __post_init__(self):
        if self.node_payoff_by_actor is None:
            object.__setattr__(self, "node_payoff_by_actor", np.asarray(self.node_payoff).T)
        if self.edge_payoff_by_actor is None:
            object.__setattr__(self, "edge_payoff_by_actor", np.asarray(self.edge_payoff).T)


def parameter_values(parameters: Mapping[str, Parameter],
                     fixed: Mapping[str, float] | None = None) -> dict[str, float]:
    """Values of all parameters, in dependency order; ``fixed`` pins some of them.

    >>> from scenarios.model import Parameter
    >>> ps = {"a": Parameter("a", Expression.parse("2 * b")), "b": Parameter("b", Expression.number(3))}
    >>> parameter_values(ps)
    {'b': 3.0, 'a': 6.0}
    >>> parameter_values(ps, {"b": 0.5})
    {'b': 0.5, 'a': 1.0}
    """
    fixed = dict(fixed or {})
    deps = nx.DiGraph()
    deps.add_nodes_from(parameters)
    deps.add_edges_from((ref, name) for name, p in parameters.items() for ref in p.value.names
                        if ref in parameters)
    values: dict[str, float] = {}
    for name in nx.lexicographical_topological_sort(deps, key=list(parameters).index):
        if name in fixed:
            values[name] = fixed[name]
            continue
        try:
            values[name] = parameters[name].value.evaluate(values)
        except ExpressionError as exc:
            error = ExpressionError(f"parameter {name!r}: {exc}")
            error.parameter = name
            raise error from None
    return values


def parse_overrides(scenario: Scenario, overrides: Mapping[str, Any] | None):
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
        if setting.is_branch:
            if not 0.0 <= value <= 1.0:
                raise ProbabilityError(f"--set {name}={value:g}: a probability must lie in [0, 1]")
            branches[(setting.node, setting.child)] = value
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
    values = parameter_values(scenario.parameters, param_overrides)

    p = compiled.p_const  # shared and read-only while nothing changes it
    if compiled.p_symbolic or len(compiled.p_rest) or branch_overrides:
        p = p.copy()
        for edge, expr in compiled.p_symbolic:
            p[edge] = expr.evaluate(values)
        if len(compiled.p_rest):
            p[compiled.p_rest] = rest_probabilities(compiled, p)
    if param_overrides and compiled.p_symbolic:
        # The loader checked the base case; an overridden parameter may break it.
        _check_probabilities(scenario, compiled, p, overrides)
    elif len(compiled.p_rest):  # the loader allows a rest of -1e-10, say: rounding
        p[compiled.p_rest] = np.clip(p[compiled.p_rest], 0.0, 1.0)
    if branch_overrides:
        _apply_branch_overrides(compiled, p, branch_overrides)

    node_payoff = _payoffs(compiled.node_payoff_by_actor, compiled.node_payoff_symbolic, values)
    edge_payoff = _payoffs(compiled.edge_payoff_by_actor, compiled.edge_payoff_symbolic, values)
    return Bound(compiled, p, node_payoff.T, edge_payoff.T, values, node_payoff, edge_payoff)


def rest_probabilities(compiled: Compiled, p: np.ndarray) -> np.ndarray:
    """The probability of every ``rest`` branch: 1 minus its node's other branches.

    ``p`` holds the other branches (NaN at the rest branches themselves).  Each node's own
    branches are summed, in branch order as the loader does, and a rest within 1e-12 of 0
    is 0: a node whose other branches sum to 1 up to rounding has a rest branch that cannot
    be taken, rather than one with probability 1e-16.
    """
    parents = compiled.parent[compiled.p_rest]
    lo, hi = compiled.edge_start[parents], compiled.edge_start[parents + 1]
    known = np.concatenate((np.nan_to_num(p, nan=0.0), [0.0]))  # a 0 past the end for hi
    sums = np.add.reduceat(known, np.column_stack((lo, hi)).ravel())[::2]
    rest = 1.0 - sums
    rest[np.abs(rest) < REST_SNAP] = 0.0
    return rest


def _payoffs(const: np.ndarray, symbolic, values) -> np.ndarray:
    """Payoffs ``(actors, rows)``: the compiled constants, with any expressions evaluated."""
    if not symbolic:
        return const
    out = const.copy()
    for row, actor, expr in symbolic:
        out[actor, row] = expr.evaluate(values)
    return out


def _check_probabilities(scenario, compiled: Compiled, p: np.ndarray, overrides) -> None:
    """Every probability in [0, 1] and every node's sum 1 (catches parameter overrides)."""
    problem = column_problem(compiled, p)
    if problem is not None:
        what, why = problem
        raise ProbabilityError(f"{what} under {_describe(overrides)}, {why}")
    np.clip(p, 0.0, 1.0, out=p)  # only rounding noise within the tolerance is clipped


def _describe(overrides) -> str:
    if not overrides:
        return "the base case"
    return "--set " + " ".join(f"{k}={v}" for k, v in overrides.items())


def _apply_branch_overrides(compiled: Compiled, p: np.ndarray, branch_overrides) -> None:
    """Set overridden branches; rescale each node's other branches to fill the rest."""
    for node_id, fixed in _pins_by_node(compiled, branch_overrides).items():
        i = compiled.index[node_id]
        edges = np.arange(compiled.edge_start[i], compiled.edge_start[i + 1])
        free = np.array([e for e in edges if e not in fixed], dtype=np.int64)
        names = ", ".join(f"{node_id}.{compiled.ids[compiled.child[e]]}" for e in fixed)
        r = rescale_siblings(p[free], sum(fixed.values()))
        if r.over:
            raise ProbabilityError(f"--set {names}: the values sum to {float(r.pinned_total):g}, more than 1")
        if r.stuck:
            raise ProbabilityError(
                f"--set {names}: node {node_id!r} has no other branch with probability left to "
                f"rescale, so the values must sum to 1 (they sum to {float(r.pinned_total):g})")
        p[free] = r.free
        for e, value in fixed.items():
            p[e] = value


def _pins_by_node(compiled: Compiled, branch_overrides) -> dict[str, dict[int, object]]:
    """``{(node, child): value}`` grouped per node as ``{node: {edge: value}}``."""
    by_node: dict[str, dict[int, object]] = {}
    for (node_id, child_id), value in branch_overrides.items():
        by_node.setdefault(node_id, {})[compiled.edge_of(node_id, child_id)] = value
    return by_node

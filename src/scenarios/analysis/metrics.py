"""What an analysis measures, and measuring it over many parameter settings at once.

A *metric* is one number about a scenario: ``payoff:ACTOR`` (an actor's expected payoff),
``outcome:ID`` (the probability of ending in an outcome), ``tag:TAG`` (the probability of
ending in an outcome carrying the tag, e.g. P(war)) or ``node:ID`` (the probability of
passing a node).  Under a *policy* it is read in one of three ways:

``belief``
    every decision weighted by the analyst's beliefs (the ``p`` on its branches), as
    ``scenarios evaluate``;
``reoptimize``
    re-solved by backward induction at every setting, as TreeAge does;
``fixed``
    the strategic choices of the base case held while the parameters vary (each solved
    decision pinned to its base choice), as SilverDecisions does.

:func:`evaluate_settings` is the *evaluate* step of every sensitivity design (tornado,
spider, grid, threshold): it takes columns of settings, binds all of them in one
vectorised pass (an array axis per setting), rolls the graph back once per generation
for all settings together, and returns the metric and, optionally, the strategic choice
at one decision node with the value of each of its options.  Settings are independent, so
callers may split the columns into chunks and evaluate them anywhere.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..engine.bind import TOLERANCE, parameter_values, parse_overrides
from ..engine.compiled import DECISION, OUTCOME, Compiled
from ..engine.propagate import segments
from ..engine.strategic import TIE_TOLERANCE
from ..errors import ExpressionError, ProbabilityError, UnknownNameError
from ..model import Scenario

__all__ = ["METRIC_KINDS", "POLICIES", "Metric", "parse_metric", "default_metric", "metric_value",
           "evaluate_metric", "SettingsEvaluation", "evaluate_settings"]

METRIC_KINDS = ("payoff", "outcome", "tag", "node")
POLICIES = ("belief", "fixed", "reoptimize")
POLICY_DESCRIPTIONS = {
    "belief": "belief mode: every decision weighted by the analyst's beliefs",
    "fixed": "policy fixed: the base case's strategic choices held while values vary (as SilverDecisions)",
    "reoptimize": "policy reoptimize: re-solved by backward induction at every value (as TreeAge)",
}
#: Upper bound on the floats of one chunk's (settings x nodes x actors) value array.
_CHUNK_FLOATS = 4_000_000


def _close(name: str, known) -> str:
    close = difflib.get_close_matches(str(name), [str(k) for k in known], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


@dataclass(frozen=True, slots=True)
class Metric:
    """One number about a scenario: ``Metric("tag", "war")`` is P(ending in a war outcome).

    Build it with :func:`parse_metric`, which checks the name against the scenario.
    """

    kind: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"

    def describe(self, scenario: Scenario) -> str:
        """Words for tables and charts, e.g. ``"P(tag war)"``."""
        if self.kind == "payoff":
            return f"expected payoff to {scenario.actors[self.name].name}"
        if self.kind == "tag":
            return f"P(tag {self.name})"
        what = "outcome" if self.kind == "outcome" else "passing"
        return f"P({what} {scenario.nodes[self.name].label})"


def parse_metric(scenario: Scenario, text: str | Metric | None) -> Metric:
    """Parse and check ``KIND:NAME`` against ``scenario``; None gives :func:`default_metric`.

    Raises
    ------
    UnknownNameError
        for an unknown kind, actor, outcome, node or tag (with the known ones).

    Examples
    --------
    >>> import scenarios
    >>> s = scenarios.load("donbas-recognition-2022")
    >>> parse_metric(s, "tag:war")
    Metric(kind='tag', name='war')
    >>> parse_metric(s, "tag:peace")
    Traceback (most recent call last):
    ...
    scenarios.errors.UnknownNameError: metric tag:peace: no outcome has the tag 'peace' (tags on outcomes: diplomacy, escalation, frozen-conflict, recognition, sanctions, settlement, war)
    """
    if text is None:
        return default_metric(scenario)
    if isinstance(text, Metric):
        text = str(text)
    kind, sep, name = str(text).partition(":")
    kind, name = kind.strip(), name.strip()
    if not sep or not name or kind not in METRIC_KINDS:
        raise UnknownNameError(f"metric {text!r}: expected payoff:ACTOR, outcome:ID, tag:TAG or node:ID"
                               + (_close(kind, METRIC_KINDS) if sep else ""))
    if kind == "payoff":
        if name not in scenario.actors:
            known = ", ".join(scenario.actors) or "none"
            raise UnknownNameError(f"metric {text}: unknown actor {name!r}{_close(name, scenario.actors)} "
                                   f"(actors: {known})")
    elif kind == "tag":
        tags = sorted({t for n in scenario.nodes.values() if n.kind == "outcome" for t in n.tags})
        if name not in tags:
            known = ", ".join(tags) or "none"
            raise UnknownNameError(f"metric {text}: no outcome has the tag {name!r}{_close(name, tags)} "
                                   f"(tags on outcomes: {known})")
    else:
        node = scenario.nodes.get(name)
        if node is None:
            pool = scenario.outcomes if kind == "outcome" else scenario.nodes
            raise UnknownNameError(f"metric {text}: unknown {'outcome' if kind == 'outcome' else 'node'} "
                                   f"{name!r}{_close(name, pool)}")
        if kind == "outcome" and node.kind != "outcome":
            raise UnknownNameError(f"metric {text}: {name!r} is a {node.kind} node, not an outcome "
                                   f"(use node:{name} for the probability of passing it)")
    return Metric(kind, name)


def default_metric(scenario: Scenario) -> Metric:
    """The expected payoff to the actor deciding at the root (else the first actor).

    >>> import scenarios
    >>> default_metric(scenarios.load("oil-wildcatter"))
    Metric(kind='payoff', name='wildcatter')
    """
    root = scenario.nodes[scenario.root]
    if root.kind == "decision":
        return Metric("payoff", root.actor)
    if scenario.actors:
        return Metric("payoff", next(iter(scenario.actors)))
    raise UnknownNameError("the scenario has no actors, so there is no default metric: give one "
                           "(outcome:ID, tag:TAG or node:ID)")


def metric_value(metric: Metric, result) -> float:
    """The metric read off an evaluate or solve result.

    >>> import scenarios
    >>> s = scenarios.load("entry-deterrence")
    >>> metric_value(parse_metric(s, "outcome:war"), s.evaluate())
    0.15
    """
    if metric.kind == "payoff":
        return float(result.expected_payoffs[metric.name])
    if metric.kind == "tag":
        return float(result.tags.get(metric.name, 0.0))
    return result.probability(metric.name)


def evaluate_metric(scenario: Scenario, metric: str | Metric | None = None, *, mode: str = "belief",
                    overrides: Mapping[str, Any] | None = None) -> float:
    """The metric in belief mode (default) or under the strategic solution (``mode="strategic"``).

    Raises
    ------
    UnknownNameError, ProbabilityError, ExpressionError

    Examples
    --------
    >>> import scenarios
    >>> s = scenarios.load("oil-wildcatter")
    >>> round(evaluate_metric(s), 9), round(evaluate_metric(s, mode="strategic"), 9)
    (14.395, 20.0)
    """
    metric = parse_metric(scenario, metric)
    if mode not in ("belief", "strategic"):
        raise ValueError(f"mode must be 'belief' or 'strategic', not {mode!r}")
    result = scenario.evaluate(overrides=overrides, top=0) if mode == "belief" else \
        scenario.solve(overrides=overrides, top=0)
    return metric_value(metric, result)


# -- many settings at once ------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class SettingsEvaluation:
    """Per setting: the metric, and at ``node`` the choice (branch position) and option values.

    ``option_values[k, b]`` is the value to the deciding actor of taking branch ``b`` at
    ``node`` in setting ``k`` (branch payoff plus what follows, under the policy).
    """

    metric: np.ndarray | None
    choice: np.ndarray | None
    option_values: np.ndarray | None


def evaluate_settings(scenario: Scenario, settings: Mapping[str, Any], *, metric: str | Metric | None = None,
                      policy: str = "belief", node: str | None = None,
                      overrides: Mapping[str, Any] | None = None,
                      base_choices: np.ndarray | None = None) -> SettingsEvaluation:
    """Evaluate the metric (and the choice at ``node``) for every row of ``settings``.

    Parameters
    ----------
    settings : mapping
        ``{name: values}``, one column per varied quantity, all of the same length K: a
        parameter name, or ``NODE.CHILD`` for a branch probability (its siblings are
        rescaled in proportion, as ``--set`` does).
    metric : str or Metric, optional
        What to measure (default :func:`default_metric`); pass ``metric=False`` to skip it.
    policy : {"belief", "fixed", "reoptimize"}
        How decisions are read (see the module docstring).
    node : str, optional
        A non-fixed decision node: also return its strategic choice per setting (under
        ``fixed`` the other decisions keep their base choices while this one is re-optimized).
    overrides : mapping, optional
        The base case (``--set``); the columns take precedence over it.
    base_choices : array, optional
        ``SolveResult.chosen_edge`` of the base case for ``fixed`` (computed if omitted;
        pass it when evaluating chunks).

    Raises
    ------
    UnknownNameError, ProbabilityError, ExpressionError, ValueError

    Examples
    --------
    >>> import scenarios
    >>> s = scenarios.load("oil-wildcatter")
    >>> r = evaluate_settings(s, {"drill_cost": [50, 70, 90]}, policy="reoptimize", node="start")
    >>> r.metric.round(9).tolist(), [s.nodes["start"].branches[b].to for b in r.choice]
    ([40.0, 20.0, 9.5], ['drill_now', 'drill_now', 'seismic'])
    """
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {', '.join(POLICIES)}, not {policy!r}")
    compiled = scenario.compiled
    metric = None if metric is False else parse_metric(scenario, metric)
    d = _decision_index(scenario, node) if node is not None else None
    columns = _columns(scenario, settings)
    k = len(next(iter(columns.values()))) if columns else 1
    if policy == "fixed" and base_choices is None:
        base_choices = scenario.solve(overrides=overrides, top=0).chosen_edge
    width = compiled.n_nodes * max(len(compiled.actors), 1)
    size = max(1, _CHUNK_FLOATS // max(width, 1))
    parts = [_evaluate_chunk(scenario, {n: c[i:i + size] for n, c in columns.items()}, metric, policy, d,
                             overrides, base_choices, min(size, k - i)) for i in range(0, k, size)]
    join = (lambda xs: np.concatenate(xs) if xs[0] is not None else None)
    return SettingsEvaluation(join([p.metric for p in parts]), join([p.choice for p in parts]),
                              join([p.option_values for p in parts]))


def _decision_index(scenario: Scenario, node: str) -> int:
    found = scenario.nodes.get(node)
    if found is None:
        raise UnknownNameError(f"--node {node}: unknown node{_close(node, scenario.decisions)}")
    if found.kind != "decision":
        decisions = scenario.decisions
        listed = ", ".join(decisions[:10]) + (f", … ({len(decisions)} in all)" if len(decisions) > 10 else "")
        raise UnknownNameError(f"--node {node}: {node!r} is a {found.kind} node; a choice needs a "
                               f"decision node (decisions: {listed or 'none'})")
    if found.fixed:
        raise UnknownNameError(f"--node {node}: decision {node!r} is fixed (it keeps its belief weights "
                               "when solving), so it has no strategic choice")
    return scenario.compiled.index[node]


def _columns(scenario: Scenario, settings: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """Check names and values of ``settings``; return float columns of one length."""
    columns: dict[str, np.ndarray] = {}
    length = None
    for name, values in settings.items():
        column = np.atleast_1d(np.asarray(values, dtype=float))
        if column.ndim != 1:
            raise ValueError(f"settings {name!r}: expected one value per setting (a 1-D array)")
        if length is not None and len(column) != length:
            raise ValueError(f"settings: column {name!r} has {len(column)} values, others {length}")
        length = len(column)
        if not np.all(np.isfinite(column)):
            raise ExpressionError(f"{name}: values must be finite numbers")
        if "." in name:
            node_id, child = name.split(".", 1)
            node = scenario.nodes.get(node_id)
            if node is None:
                raise UnknownNameError(f"{name}: unknown node {node_id!r}{_close(node_id, scenario.nodes)}")
            if child not in node.children:
                raise UnknownNameError(f"{name}: node {node_id!r} has no branch to {child!r} "
                                       f"(its children: {', '.join(node.children) or 'none'})")
            bad = column[(column < 0.0) | (column > 1.0)]
            if len(bad):
                raise ProbabilityError(f"{name}={bad[0]:g}: a probability must lie in [0, 1]")
        elif name not in scenario.parameters:
            raise UnknownNameError(f"{name}: unknown parameter{_close(name, scenario.parameters)} "
                                   "(use NODE.CHILD for a branch probability)")
        columns[name] = column
    if length == 0:
        raise ValueError("settings: no values to evaluate")
    return columns


def _evaluate_chunk(scenario, columns, metric, policy, d, overrides, base_choices, k) -> SettingsEvaluation:
    compiled = scenario.compiled
    p, node_payoff, edge_payoff = _bind_batch(scenario, columns, overrides, k)
    strategic = (compiled.kind == DECISION) & ~compiled.fixed
    none = np.zeros(compiled.n_nodes, dtype=bool)
    if policy == "fixed":
        p = _pinned(compiled, p, base_choices)
    solve_all = policy == "reoptimize" or (policy == "belief" and d is not None)
    solved = _rollback(compiled, p, node_payoff, edge_payoff, strategic) if solve_all else None
    if policy == "fixed" and d is not None:
        only = none.copy()
        only[d] = True
        solved = _rollback(compiled, p, node_payoff, edge_payoff, only)

    value = None
    if metric is not None:
        if policy == "reoptimize":
            played_p = _played(compiled, p, solved[1], strategic)
            values = solved[0]
        else:  # belief weights, or the base choices already pinned into p
            played_p = p
            values = None
        if metric.kind == "payoff":
            if values is None:
                values = _rollback(compiled, p, node_payoff, edge_payoff, none)[0]
            value = values[:, compiled.root, compiled.actors.index(metric.name)]
        else:
            reach = _forward(compiled, played_p)
            value = reach[:, _metric_nodes(scenario, metric)].sum(axis=1)
    choice = options = None
    if d is not None:
        values, chosen = solved
        lo, hi = compiled.edge_start[d], compiled.edge_start[d + 1]
        choice = chosen[:, d] - lo
        actor = compiled.actor[d]
        edge_part = edge_payoff[..., lo:hi, actor]
        options = np.broadcast_to(edge_part, (k, hi - lo)) + values[:, compiled.child[lo:hi], actor]
    return SettingsEvaluation(value, choice, options)


def _metric_nodes(scenario: Scenario, metric: Metric) -> np.ndarray:
    compiled = scenario.compiled
    if metric.kind == "tag":
        return np.array([i for i in np.flatnonzero(compiled.kind == OUTCOME)
                         if metric.name in scenario.nodes[compiled.ids[i]].tags], dtype=np.int64)
    return np.array([compiled.index[metric.name]], dtype=np.int64)


# -- batched bind and passes -----------------------------------------------------------------------
def _bind_batch(scenario: Scenario, columns: dict[str, np.ndarray], overrides, k: int):
    """Per-setting probabilities (K, E) and payoffs ((K,) N, A) / ((K,) E, A)."""
    compiled = scenario.compiled
    base_params, base_branches = parse_overrides(scenario, overrides)
    pinned = {**base_params, **{n: c for n, c in columns.items() if "." not in n}}
    branch_pins = {f"{a}.{b}": v for (a, b), v in base_branches.items()}
    branch_pins.update({n: c for n, c in columns.items() if "." in n})
    values = parameter_values(scenario.parameters, pinned)

    p = np.repeat(compiled.p_const[None, :], k, axis=0)
    for edge, expr in compiled.p_symbolic:
        p[:, edge] = expr.evaluate(values)
    if len(compiled.p_rest):
        rest_parent = compiled.parent[compiled.p_rest]
        lo, hi = compiled.edge_start[rest_parent], compiled.edge_start[rest_parent + 1]
        # Each node's own branches summed (not differences of a running sum over all edges,
        # which leaves ~1e-16 where the rest is exactly 0); odd slots are discarded.
        others = np.concatenate((np.nan_to_num(p, nan=0.0), np.zeros((k, 1))), axis=1)
        sums = np.add.reduceat(others, np.column_stack((lo, hi)).ravel(), axis=1)[:, ::2]
        p[:, compiled.p_rest] = 1.0 - sums
    _check_batch(compiled, p, columns, pinned)
    if branch_pins:
        _pin_branches(compiled, p, branch_pins)

    node_payoff = _payoffs(compiled.node_payoff_const, compiled.node_payoff_symbolic, values, k)
    edge_payoff = _payoffs(compiled.edge_payoff_const, compiled.edge_payoff_symbolic, values, k)
    return p, node_payoff, edge_payoff


def _payoffs(const: np.ndarray, symbolic, values, k: int) -> np.ndarray:
    """(rows, A) when no payoff varies across settings, else (K, rows, A)."""
    if not symbolic:
        return const
    results = [(row, actor, expr.evaluate(values)) for row, actor, expr in symbolic]
    if all(np.ndim(v) == 0 for _, _, v in results):
        out = const.copy()
    else:
        out = np.repeat(const[None], k, axis=0)
    for row, actor, v in results:
        out[..., row, actor] = v
    return out


def _describe_row(columns: dict, pinned: dict, row: int) -> str:
    shown = [f"{n}={c[row]:g}" for n, c in columns.items()]
    return ", ".join(shown) if shown else "the base case"


def _check_batch(compiled: Compiled, p: np.ndarray, columns, pinned) -> None:
    """Every probability in [0, 1] and every node's sum 1, in every setting."""
    bad = np.argwhere((p < -TOLERANCE) | (p > 1 + TOLERANCE))
    if len(bad):
        row, e = bad[0]
        raise ProbabilityError(
            f"probability of {compiled.ids[compiled.parent[e]]!r} → {compiled.ids[compiled.child[e]]!r} is "
            f"{p[row, e]:.6g} at {_describe_row(columns, pinned, row)}, outside [0, 1]")
    has_edges = compiled.edge_start[1:] > compiled.edge_start[:-1]
    if not has_edges.any():
        return
    sums = np.add.reduceat(p, compiled.edge_start[:-1][has_edges], axis=1)
    off = np.argwhere(np.abs(sums - 1.0) > TOLERANCE)
    if len(off):
        row, j = off[0]
        node = compiled.ids[np.flatnonzero(has_edges)[j]]
        raise ProbabilityError(f"probabilities of node {node!r} sum to {sums[row, j]:.12g} at "
                               f"{_describe_row(columns, pinned, row)}, expected 1")
    np.clip(p, 0.0, 1.0, out=p)


def _pin_branches(compiled: Compiled, p: np.ndarray, pins: dict) -> None:
    """Set pinned branches per setting; each node's other branches share the rest in proportion."""
    by_node: dict[str, dict[int, Any]] = {}
    for name, value in pins.items():
        node_id, child = name.split(".", 1)
        by_node.setdefault(node_id, {})[compiled.edge_of(node_id, child)] = value
    for node_id, fixed in by_node.items():
        i = compiled.index[node_id]
        edges = np.arange(compiled.edge_start[i], compiled.edge_start[i + 1])
        free = np.array([e for e in edges if e not in fixed], dtype=np.int64)
        pinned_total = sum(np.asarray(v, dtype=float) for v in fixed.values()) + np.zeros(p.shape[0])
        remaining = 1.0 - pinned_total
        names = ", ".join(f"{node_id}.{compiled.ids[compiled.child[e]]}" for e in fixed)
        over = np.flatnonzero(remaining < -TOLERANCE)
        if len(over):
            raise ProbabilityError(f"{names}: the values sum to {pinned_total[over[0]]:g}, more than 1")
        free_total = p[:, free].sum(axis=1) if len(free) else np.zeros(p.shape[0])
        stuck = (free_total <= 0.0) & (np.abs(remaining) > TOLERANCE)
        if stuck.any():
            raise ProbabilityError(f"{names}: node {node_id!r} has no other branch with probability left to "
                                   f"rescale, so the values must sum to 1 (they sum to "
                                   f"{pinned_total[np.flatnonzero(stuck)[0]]:g})")
        if len(free):
            scale = np.where(free_total > 0.0, np.maximum(remaining, 0.0) / np.where(free_total > 0, free_total, 1),
                             0.0)
            p[:, free] *= scale[:, None]
        for e, value in fixed.items():
            p[:, e] = value


def _pinned(compiled: Compiled, p: np.ndarray, chosen_edge: np.ndarray) -> np.ndarray:
    """``p`` with every solved decision playing its (base) choice with certainty."""
    out = p.copy()
    decided = np.flatnonzero(chosen_edge >= 0)
    out[:, chosen_edge[compiled.parent] >= 0] = 0.0
    out[:, chosen_edge[decided]] = 1.0
    return out


def _played(compiled: Compiled, p: np.ndarray, chosen: np.ndarray, strategic: np.ndarray) -> np.ndarray:
    """Per setting, ``p`` with each strategic decision playing its chosen branch."""
    out = p.copy()
    nodes = np.flatnonzero(strategic)
    out[:, strategic[compiled.parent]] = 0.0
    rows = np.arange(p.shape[0])[:, None]
    out[rows, chosen[:, nodes]] = 1.0
    return out


def _rollback(compiled: Compiled, p, node_payoff, edge_payoff, strategic: np.ndarray):
    """Backward induction for all settings at once; (values (K, N, A), chosen edge (K, N)).

    Nodes in ``strategic`` take the branch best for their actor (first within
    :data:`~scenarios.engine.strategic.TIE_TOLERANCE` on ties, as ``solve``); the others
    average their branches by ``p``.
    """
    k = p.shape[0]
    values = np.broadcast_to(node_payoff, (k, *node_payoff.shape[-2:])).copy()
    chosen = np.full((k, compiled.n_nodes), -1, dtype=np.int64)
    rows = np.arange(k)[:, None]
    for g in range(len(compiled.gen_nodes) - 2, -1, -1):
        es = slice(compiled.gen_edges[g], compiled.gen_edges[g + 1])
        if es.start == es.stop:
            continue
        nodes, offsets = segments(compiled, g)
        q = edge_payoff[..., es, :] + values[:, compiled.child[es], :]  # (K, m, A)
        average = np.add.reduceat(p[:, es, None] * q, offsets, axis=1)
        pick = strategic[nodes]
        if pick.any():
            m = q.shape[1]
            own = q[:, np.arange(m), np.maximum(compiled.actor[compiled.parent[es]], 0)]  # (K, m)
            best = np.maximum.reduceat(own, offsets, axis=1)
            best_per_edge = np.repeat(best, np.diff(np.append(offsets, m)), axis=1)
            candidate = own >= best_per_edge - TIE_TOLERANCE * (1.0 + np.abs(best_per_edge))
            first = np.minimum.reduceat(np.where(candidate, np.arange(m), m), offsets, axis=1)
            taken = first[:, pick]
            average[:, pick, :] = q[rows, taken, :]
            chosen[:, nodes[pick]] = es.start + taken
        values[:, nodes, :] += average
    return values, chosen


def _forward(compiled: Compiled, p: np.ndarray) -> np.ndarray:
    """Probability of passing each node, per setting (K, N)."""
    k = p.shape[0]
    reach = np.zeros((k, compiled.n_nodes))
    reach[:, compiled.root] = 1.0
    for g in range(len(compiled.gen_nodes) - 1):
        es = slice(compiled.gen_edges[g], compiled.gen_edges[g + 1])
        if es.start == es.stop:
            continue
        child = compiled.child[es]
        flow = reach[:, compiled.parent[es]] * p[:, es]
        # Children shared within a generation (a DAG) are summed with one reduceat.
        order = np.argsort(child, kind="stable")
        sorted_child = child[order]
        starts = np.flatnonzero(np.r_[True, sorted_child[1:] != sorted_child[:-1]])
        reach[:, sorted_child[starts]] += np.add.reduceat(flow[:, order], starts, axis=1)
    return reach

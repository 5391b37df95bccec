"""Where an expected payoff comes from: contributions of paths (or outcomes) that sum to it.

An actor's expected payoff from a node is the sum, over the paths from that node to an
outcome, of the path's probability times the payoff the actor collects along it (every
node's own payoff and every branch's payoff on the path, the outcome's included).  Each
term is a path's *contribution*: the contributions add up to the expected value exactly
(up to float rounding; exactly for a result of ``--exact``).  A payoff on a branch is
counted in every path through that branch.

Paths are listed while there are at most :data:`PATH_LIMIT` of them with positive
probability (counted first, in one backward pass, without listing them).  Past it, or on
request, the rows are the *outcomes*: an outcome's contribution is the sum of its paths'
contributions, computed for all outcomes at once by a forward pass, so a branch's payoff
is shared among the outcomes it leads to in proportion to the probability of reaching
each; its "payoff" is then the expected payoff collected by the paths that end there.

With ``node``, everything is conditional on reaching that node and counts what is
collected from it on: the contributions sum to the node's value (``result.values``).

>>> import scenarios
>>> e = explain(scenarios.load("entry-deterrence").evaluate(top=0), actor="incumbent")
>>> [(row.outcome, row.probability, row.contribution) for row in e.rows]
[('stay_out', 0.5, 1.0), ('share', 0.35, 0.35), ('war', 0.15, -0.15)]
>>> round(sum(row.contribution for row in e.rows), 12) == round(e.expected, 12)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ..errors import AnalysisError, UnknownNameError, did_you_mean
from ..formatting import json_number
from .compiled import OUTCOME, Compiled
from .propagate import backward_expectation_by_actor, forward
from .results import BeliefResult

__all__ = ["explain", "Explanation", "ContributionRow", "PATH_LIMIT"]

#: Most paths listed one by one; past it the rows are outcomes.
PATH_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class ContributionRow:
    """One path (``nodes`` from the start node, ``branches`` the positions taken) or one
    outcome (``nodes`` is just the outcome): probability, payoff, contribution = their
    product, its share of the expected value (None when that is 0) and the running total
    of contributions down the sorted rows.  ``fractions``: ``(probability, payoff,
    contribution)`` exactly, for an exact result."""

    nodes: tuple[str, ...]
    branches: tuple[int, ...]
    outcome: str
    probability: float
    payoff: float
    contribution: float
    share: float | None
    cumulative: float
    fractions: tuple[Fraction, Fraction, Fraction] | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "outcome": self.outcome, "nodes": list(self.nodes), "branches": list(self.branches),
            "probability": json_number(self.probability), "payoff": json_number(self.payoff),
            "contribution": json_number(self.contribution),
            "share": None if self.share is None else json_number(self.share),
            "cumulative": json_number(self.cumulative)}
        if self.fractions is not None:
            data["fractions"] = dict(zip(("probability", "payoff", "contribution"), map(str, self.fractions),
                                         strict=True))
        return data


@dataclass(frozen=True, eq=False)
class Explanation:
    """The contributions to ``actor``'s expected payoff from ``node``, largest in size first.

    ``rows`` are the first ``top`` (all when ``top`` was None); ``others`` counts the rows
    left out and ``others_contribution``/``others_probability`` sum them, so the rows and
    the others add up to ``expected``.  ``unit`` is ``"paths"`` or ``"outcomes"``; ``why``
    says why outcomes were used; ``paths`` counts the paths of positive probability
    (a float past 2**53).
    """

    result: BeliefResult
    actor: str
    node: str
    unit: str
    why: str
    expected: float
    rows: tuple[ContributionRow, ...]
    others: int
    others_contribution: float
    others_probability: float
    paths: float
    limit: int
    expected_fraction: Fraction | None = None

    @property
    def exact(self) -> bool:
        return self.expected_fraction is not None

    @property
    def total(self) -> int:
        """How many rows there are in all (shown and others)."""
        return len(self.rows) + self.others

    def to_dict(self) -> dict[str, Any]:
        r = self.result
        data: dict[str, Any] = {
            "scenario": r.scenario.id, "mode": r.mode, "actor": self.actor, "node": self.node,
            "root": self.node == r.compiled.ids[r.compiled.root], "unit": self.unit, "why": self.why,
            "paths": int(self.paths) if self.paths < 2 ** 53 else float(self.paths), "path_limit": self.limit,
            "expected": json_number(self.expected), "exact": self.exact,
            "attribution": "a payoff on a branch counts in every path through it"
                           + ("; an outcome's rows share it in proportion to the probability of reaching them"
                              if self.unit == "outcomes" else ""),
            "rows": [row.to_dict() for row in self.rows],
            "others": {"count": self.others, "probability": json_number(self.others_probability),
                       "contribution": json_number(self.others_contribution)},
        }
        if self.expected_fraction is not None:
            data["expected_fraction"] = str(self.expected_fraction)
        if r.overrides:
            data["overrides"] = dict(r.overrides)
        return data


def explain(result: BeliefResult, *, actor: str | None = None, node: str | None = None,
            by: str | None = None, top: int | None = None, limit: int = PATH_LIMIT) -> Explanation:
    """The contributions to ``actor``'s expected payoff from ``node`` (the root by default)
    under ``result``'s weights (beliefs, or the solved choices of a SolveResult).

    ``by`` is ``"paths"``, ``"outcomes"`` or None (paths while there are at most ``limit``
    of them, else outcomes).  The default actor decides at ``node`` (or at the root; else
    the first actor).  UnknownNameError (with a suggestion) for an unknown actor or node,
    AnalysisError for ``by="paths"`` past the limit.
    """
    if result.given is not None:
        raise AnalysisError("explain reads a result without --given (use --node to start from a node)")
    if by not in (None, "paths", "outcomes"):
        raise AnalysisError(f"by must be 'paths' or 'outcomes', not {by!r}")
    compiled = result.compiled
    scenario = result.scenario
    if node is None:
        start = compiled.root
    else:
        if not isinstance(node, str) or node not in scenario.nodes:
            raise UnknownNameError(f"--node {node}: unknown node{did_you_mean(node, scenario.nodes)}")
        start = compiled.index[node]
    node_id = compiled.ids[start]
    if not compiled.actor_keys:
        raise AnalysisError(f"{scenario.id} has no actors: there is no expected payoff to explain")
    actor = actor if actor is not None else _default_actor(result, node_id)
    if actor not in compiled.actor_keys:
        raise UnknownNameError(f"--actor {actor}: unknown actor{did_you_mean(actor, compiled.actor_keys)} "
                               f"(actors: {', '.join(compiled.actor_keys)})")
    column = compiled.actors.index(actor)
    exact = getattr(result, "exact", None)
    if float(result.reach_array[start]) <= 0.0 and node is not None:
        note = " (under the solved choices)" if result.mode == "strategic" else ""
        raise AnalysisError(f"--node {node}: no path with positive probability reaches it{note}; "
                            "its value is still defined, but explain needs a reachable node")
    weights = np.asarray(result.played_array, dtype=float)
    paths = _count_paths(compiled, weights, start)
    if by == "paths" and paths > limit:
        raise AnalysisError(f"{_count_text(paths)} paths of positive probability from {node_id!r}, more than the "
                            f"limit of {limit:,} for listing paths; use --by outcomes")
    unit = "paths" if by == "paths" or (by is None and paths <= limit) else "outcomes"
    why = ""
    if unit == "outcomes" and by is None:
        why = f"{_count_text(paths)} paths, more than the limit of {limit:,}: grouped by outcome"
    elif unit == "outcomes":
        why = "grouped by outcome on request"
    if exact is not None:
        numbers = exact.played, exact.node_payoff, exact.edge_payoff
        rows = (_path_rows if unit == "paths" else _exact_outcome_rows)(compiled, numbers, start, column)
        expected_fraction = exact.values[start][column]
        expected = float(expected_fraction)
    else:
        node_pay, edge_pay = np.asarray(result.node_payoff)[:, column], np.asarray(result.edge_payoff)[:, column]
        if unit == "paths":
            rows = _path_rows(compiled, (weights.tolist(), node_pay.tolist(), edge_pay.tolist()), start, None)
        else:
            rows = _outcome_rows(compiled, weights, node_pay, edge_pay, start, top)
        expected_fraction = None
        expected = float(np.asarray(result.values_array)[start, column])
    return _assemble(result, actor, node_id, unit, why, expected, expected_fraction, rows, paths, limit, top)


def _default_actor(result: BeliefResult, node_id: str) -> str:
    nodes = result.scenario.nodes
    for candidate in (node_id, result.scenario.root):
        if nodes[candidate].actor is not None:
            return str(nodes[candidate].actor)
    return result.compiled.actor_keys[0]


def _count_text(paths: float) -> str:
    return f"{int(paths):,}" if paths < 2 ** 53 else f"about {paths:.3g}"


def _count_paths(compiled: Compiled, weights: np.ndarray, start: int) -> float:
    """Paths of positive probability from ``start`` to an outcome, by one backward pass
    (a float: exact below 2**53, which is far past any limit)."""
    terminal = (compiled.kind == OUTCOME).astype(float)[None, :]
    counts = backward_expectation_by_actor(compiled, (weights > 0).astype(float), terminal,
                                           np.zeros((1, compiled.n_edges)))
    return float(counts[0, start])


# A raw row: (sort key nodes, branches, outcome index, probability, payoff, contribution)
_Raw = tuple[tuple[int, ...], tuple[int, ...], int, Any, Any, Any]


def _path_rows(compiled: Compiled, numbers: tuple[Any, Any, Any], start: int, column: int | None) -> list[_Raw]:
    """Every path of positive weight from ``start``: probability, payoff collected along it
    (the start node's own included), contribution.  Iterative depth-first, branches in order.
    ``numbers`` = (weights per edge, node payoffs, edge payoffs): floats per actor already
    picked (``column`` None) or fractions with a column to pick."""
    weights, node_pay, edge_pay = numbers
    def pick(row: Any) -> Any:
        return row if column is None else row[column]

    starts, child, branch = compiled.edge_start.tolist(), compiled.child.tolist(), compiled.branch.tolist()
    one = Fraction(1) if column is not None else 1.0
    rows: list[_Raw] = []
    stack: list[tuple[int, tuple[int, ...], tuple[int, ...], Any, Any]] = [
        (start, (start,), (), one, pick(node_pay[start]))]
    while stack:
        u, nodes, taken, prob, pay = stack.pop()
        lo, hi = starts[u], starts[u + 1]
        if lo == hi:
            rows.append((nodes, taken, u, prob, pay, prob * pay))
            continue
        for e in range(hi - 1, lo - 1, -1):
            w = weights[e]
            if w > 0:
                v = child[e]
                stack.append((v, nodes + (v,), taken + (branch[e],), prob * w,
                              pay + pick(edge_pay[e]) + pick(node_pay[v])))
    return rows


def _outcome_rows(compiled: Compiled, weights: np.ndarray, node_pay: np.ndarray, edge_pay: np.ndarray,
                  start: int, top: int | None) -> list[_Raw]:
    """Per outcome reached from ``start``: probability, expected payoff collected on its paths,
    and the contribution (their product), by one vectorised forward pass of the mass
    ``E[collected so far; the path passes u]``.  With ``top``, the rows past the first
    ``top`` (by size, then listing) come back as one summed row (its outcome minus their count), so a
    scenario of 10^6 outcomes builds ``top`` + 1 rows, not 10^6."""
    reach = forward(compiled, weights, start)
    mass = np.zeros(compiled.n_nodes)
    mass[start] = node_pay[start]
    parent, child = compiled.parent, compiled.child
    for lv in compiled.levels_from(start):
        lo, hi = lv.lo, lv.hi
        u, v, w = parent[lo:hi], child[lo:hi], weights[lo:hi]
        np.add.at(mass, v, w * (mass[u] + reach[u] * (edge_pay[lo:hi] + node_pay[v])))
    outcomes = compiled.outcomes[reach[compiled.outcomes] > 0]
    probability, contribution = reach[outcomes], mass[outcomes]
    tail: list[_Raw] = []
    if top is not None and len(outcomes) > top:
        order = np.lexsort((compiled.listing[outcomes], -np.abs(contribution)))  # size first, then listing
        rest = order[top:]
        tail = [((), (), -len(rest), float(probability[rest].sum()), 0.0, float(contribution[rest].sum()))]
        outcomes, probability, contribution = outcomes[order[:top]], probability[order[:top]], contribution[order[:top]]
    return [((int(o),), (), int(o), float(p), float(c / p), float(c))
            for o, p, c in zip(outcomes.tolist(), probability.tolist(), contribution.tolist(), strict=True)] + tail


def _exact_outcome_rows(compiled: Compiled, numbers: tuple[Any, Any, Any], start: int, column: int | None
                        ) -> list[_Raw]:
    """:func:`_outcome_rows` in fractions: the same pass, one edge at a time (exact mode is
    bounded in size)."""
    weights, node_pay, edge_pay = numbers
    zero = Fraction(0)
    reach = [zero] * compiled.n_nodes
    mass = [zero] * compiled.n_nodes
    reach[start], mass[start] = Fraction(1), node_pay[start][column]
    for e, (u, v) in enumerate(zip(compiled.parent.tolist(), compiled.child.tolist(), strict=True)):
        w = weights[e]
        if reach[u] and w:
            reach[v] += reach[u] * w
            mass[v] += w * (mass[u] + reach[u] * (edge_pay[e][column] + node_pay[v][column]))
    return [((o,), (), o, reach[o], mass[o] / reach[o], mass[o]) for o in compiled.outcomes.tolist() if reach[o]]


def _assemble(result: BeliefResult, actor: str, node_id: str, unit: str, why: str, expected: float,
              expected_fraction: Fraction | None, raw: list[_Raw], paths: float, limit: int,
              top: int | None) -> Explanation:
    """Sort by size of contribution (ties: the file's listing of outcomes, then path order),
    keep ``top``, add shares and the running total."""
    compiled = result.compiled
    listing = compiled.listing
    tail = [row for row in raw if row[2] < 0]  # outcomes past ``top``, already summed (_outcome_rows)
    raw = [row for row in raw if row[2] >= 0] if tail else raw
    order = sorted(range(len(raw)), key=lambda k: (-abs(raw[k][5]), int(listing[raw[k][2]]), k))
    shown = order if top is None else order[:top]
    ids = compiled.ids
    rows = []
    running: Any = Fraction(0) if expected_fraction is not None else 0.0
    for k in shown:
        nodes, taken, outcome, prob, pay, contribution = raw[k]
        running += contribution
        share = None if expected == 0 else float(contribution) / expected
        if expected_fraction is not None and expected_fraction != 0:
            share = float(contribution / expected_fraction)
        rows.append(ContributionRow(
            nodes=tuple(ids[i] for i in nodes), branches=taken, outcome=ids[outcome], probability=float(prob),
            payoff=float(pay), contribution=float(contribution), share=share, cumulative=float(running),
            fractions=(prob, pay, contribution) if expected_fraction is not None else None))
    rest = order[len(shown):]
    others_contribution = sum((raw[k][5] for k in rest), Fraction(0) if expected_fraction is not None else 0.0)
    others_probability = sum((raw[k][3] for k in rest), Fraction(0) if expected_fraction is not None else 0.0)
    others = len(rest)
    for _, _, count, probability, _, contribution in tail:  # one summed row of -count outcomes
        others -= count
        others_contribution += contribution
        others_probability += probability
    return Explanation(result=result, actor=actor, node=node_id, unit=unit, why=why, expected=expected,
                       rows=tuple(rows), others=others, others_contribution=float(others_contribution),
                       others_probability=float(others_probability), paths=paths, limit=limit,
                       expected_fraction=expected_fraction)

"""Views of a result by node id: branches, flows, option values, the played path.

A result (:class:`~scenarios.engine.results.BeliefResult`) keeps the numbers it was
computed from in the engine's own order; the functions here turn them into what the rest
of the package reads: per-branch records for one node (:class:`BranchView`), and whole
columns in the scenario's *file order* (:class:`ResultArrays`: node ``i`` is the ``i``-th
node of the file, its branches are consecutive and in file order).  Drawings, pages and
the walk-through use these and never the compiled arrays, so the engine may change its
layout without them noticing.

>>> import scenarios
>>> r = scenarios.load("entry-deterrence").solve()
>>> [(b.to, b.played, b.chosen) for b in r.branches("response")]
[('war', 0.0, False), ('share', 1.0, True)]
>>> r.played_path()
('entry', 'response', 'share')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np

from .compiled import OUTCOME, Compiled
from .propagate import backward_probability_to, forward

if TYPE_CHECKING:  # pragma: no cover
    from .results import BeliefResult

__all__ = ["BranchView", "ResultArrays", "branch_views", "result_arrays", "edge_flows", "played_path"]


@dataclass(frozen=True, slots=True)
class BranchView:
    """One branch of one node, with the numbers of a result.

    ``probability`` is the branch's bound probability (its belief weight at a decision);
    ``played`` the weight this result's mode gives it (the same in belief mode; 1 for the
    chosen branch of a solved decision and 0 for the others in strategic mode); ``flow``
    the probability that the path takes the branch (given the result's ``given`` node, if
    any); ``payoffs`` what the branch itself pays each actor; ``value`` the expected
    payoff per actor of taking it (branch payoff plus what follows, under the result's
    mode): at a decision these are the option values its actor compares.
    """

    node: str
    index: int
    to: str
    label: str
    probability: float
    played: float
    flow: float
    payoffs: Mapping[str, float]
    value: Mapping[str, float]
    chosen: bool


@dataclass(frozen=True, eq=False)
class ResultArrays:
    """A result's numbers as columns in file order (read-only arrays).

    Nodes: ``ids[i]``, ``reach[i]`` (probability of passing it), ``values[i, a]`` (expected
    payoff to actor ``a`` from it on), ``node_payoffs[i, a]``, ``chosen[i]`` (position of
    the chosen branch of a solved decision, else -1).  Branches of node ``i`` are
    ``edge_start[i]:edge_start[i + 1]``, each with ``child`` (node position), ``p``,
    ``played``, ``flow`` and ``edge_payoffs[e, a]``.  ``root`` is the root's position.
    """

    ids: tuple[str, ...]
    actors: tuple[str, ...]
    root: int
    edge_start: np.ndarray
    child: np.ndarray
    p: np.ndarray
    played: np.ndarray
    flow: np.ndarray
    reach: np.ndarray
    values: np.ndarray
    node_payoffs: np.ndarray
    edge_payoffs: np.ndarray
    chosen: np.ndarray

    @property
    def parent(self) -> np.ndarray:
        """Per branch, the position of the node it leaves."""
        return np.repeat(np.arange(len(self.ids)), np.diff(self.edge_start))


def edge_flows(compiled: Compiled, p: np.ndarray, given: int | None = None) -> np.ndarray:
    """Probability that the path takes each edge (given that it passes ``given``, if set).

    Without conditioning: P(reach the parent) x p.  Given node g: a path takes edge
    u → v and passes g either with g at or after v, or with g at or before u (never
    both, the graph being acyclic), so the flow is ``(reach[u] p h[v] + a[u] p) /
    reach[g]`` with ``h[v]`` the probability of going on from v to g and ``a[u]`` the
    probability of passing g and then u.
    """
    reach = forward(compiled, p)
    flow: np.ndarray
    if given is None:
        flow = reach[compiled.parent] * p
        return flow
    h = backward_probability_to(compiled, p, given)
    after = forward(compiled, p, start=given) * reach[given]
    flow = (reach[compiled.parent] * p * h[compiled.child] + after[compiled.parent] * p) / reach[given]
    return flow


def played_path(compiled: Compiled, played: np.ndarray, start: int) -> list[int]:
    """Node indices from ``start`` taking, at every node, the first branch of largest weight."""
    i = start
    path = [i]
    while compiled.kind[i] != OUTCOME:
        lo, hi = compiled.edge_start[i], compiled.edge_start[i + 1]
        i = int(compiled.child[lo + int(np.argmax(played[lo:hi]))])
        path.append(i)
    return path


def branch_views(result: BeliefResult, node_id: str) -> tuple[BranchView, ...]:
    """The branches of ``node_id`` with ``result``'s numbers (see :class:`BranchView`)."""
    compiled = result.compiled
    i = result.node_index(node_id)
    lo, hi = int(compiled.edge_start[i]), int(compiled.edge_start[i + 1])
    actors, view = compiled.actor_keys, compiled.by_actor
    branches = result.scenario.nodes[node_id].branches
    chosen = result.chosen_array[i] if result.chosen_array is not None else -1
    flows = result.flow_array
    values, edge_payoff = result.values_array, result.edge_payoff
    views = []
    for j, e in enumerate(range(lo, hi)):
        c = int(compiled.child[e])
        views.append(BranchView(
            node=node_id, index=j, to=branches[j].to, label=branches[j].label,
            probability=float(result.p_array[e]), played=float(result.played_array[e]), flow=float(flows[e]),
            payoffs=MappingProxyType(dict(zip(actors, map(float, view(edge_payoff[e])), strict=True))),
            value=MappingProxyType(dict(zip(actors, map(float, view(edge_payoff[e] + values[c])), strict=True))),
            chosen=bool(chosen == e)))
    return tuple(views)


def result_arrays(result: BeliefResult) -> ResultArrays:
    """``result``'s numbers as columns in file order (see :class:`ResultArrays`)."""
    compiled = result.compiled
    file_of = np.asarray(compiled.listing)  # file position of each compiled node
    compiled_of = np.empty_like(file_of)
    compiled_of[file_of] = np.arange(len(file_of))  # compiled index of each file position
    counts = np.diff(compiled.edge_start)[compiled_of]
    edge_start = np.concatenate(([0], np.cumsum(counts)))
    # Each node's edges are consecutive in both orders, so the file order of edges is the
    # compiled edge segments taken node by node in file order.
    edges = np.repeat(compiled.edge_start[:-1][compiled_of] - edge_start[:-1], counts) + np.arange(edge_start[-1])
    chosen = np.full(len(file_of), -1, dtype=np.int64)
    if result.chosen_array is not None:
        solved = result.chosen_array[compiled_of]
        has = solved >= 0
        chosen[has] = solved[has] - compiled.edge_start[compiled_of[has]]
    arrays = dict(
        edge_start=edge_start, child=file_of[compiled.child[edges]], p=np.asarray(result.p_array)[edges],
        played=np.asarray(result.played_array)[edges], flow=np.asarray(result.flow_array)[edges],
        reach=np.asarray(result.reach_array)[compiled_of],
        values=compiled.by_actor(np.asarray(result.values_array)[compiled_of]),
        node_payoffs=compiled.by_actor(np.asarray(result.node_payoff)[compiled_of]),
        edge_payoffs=compiled.by_actor(np.asarray(result.edge_payoff)[edges]),
        chosen=chosen)
    for array in arrays.values():
        array.setflags(write=False)
    return ResultArrays(ids=tuple(result.scenario.nodes), actors=compiled.actor_keys,
                        root=int(file_of[compiled.root]), **arrays)

"""Tree layout for diagrams: which slots are drawn, and where (no matplotlib here).

Two steps, both iterative (no recursion, so a 10^5-node or 10^5-deep tree works):

1. :func:`plan` turns a scenario's graph into the *tree that is drawn*, a list of
   **slots**.  A slot is a node (:data:`NODE`), a piece of a branch that has to cross
   a level (:data:`LANE`), or the stub that stands for collapsed branches
   (:data:`STUB`).  In a tree every node is one slot.  A DAG is drawn with each shared
   node **once** (the default), by this rule:

   - a node with two or more drawn incoming branches is *shared*;
   - levels: the root is at level 0, every other node one level after its deepest
     parent (the longest path from the root, as in the engine's generations);
   - the node is laid out as the child of its *placement parent*: the deepest parent,
     and among equally deep ones the first met in a depth-first walk in branch order;
   - every other branch into it runs as a horizontal *lane* through the levels in
     between (the lane's first slot carries the branch's label and probability) and
     ends in a *port* slot on the shared node's own level, beside the node, so the
     layout keeps that row free; the renderer joins the ports to the node by a
     vertical *track* of the node's own, drawn in a zone between the level's branch
     labels and its symbols that no text enters, with a dot at every join.

   With ``unshare=True`` every path gets its own copies instead (the drawing is then a
   tree in the strict sense, and can be exponentially larger: see ``max_slots``).
   Branches can be collapsed into one stub per parent: those taken with probability
   below ``prune``, and those leading to nodes more than ``depth`` levels down.

2. :func:`tidy` places the slots across the levels with the tidy tree algorithm of
   Walker (1990) in the linear-time form of Buchheim, Jünger and Leipert (2002):
   subtrees never overlap, sibling order is kept, parents are centred between their
   first and last child, and each subtree is pushed as close to its left siblings as
   the node sizes allow.  Node sizes are inputs (extents on either side of the centre),
   so measured text drives the spacing.  :func:`columns` then places the levels along
   the depth axis from each level's widest run, symbol and text.

Coordinates are abstract (*depth* grows away from the root, *breadth* across a level);
the renderer maps them to x and y for a left-to-right or a top-down drawing.

References
----------
Walker, J. Q. (1990). A node-positioning algorithm for general trees. Software: Practice
and Experience 20(7), 685-705.
Buchheim, C., Jünger, M. and Leipert, S. (2002). Improving Walker's algorithm to run in
linear time. Graph Drawing 2002, LNCS 2528, 344-353.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ..errors import (
    TooLargeError,  # noqa: F401  (defined in errors.py; importable here as before)
)
from .tidy import Columns, columns, tidy  # noqa: F401  (the geometry steps, part of this API)

__all__ = ["NODE", "LANE", "STUB", "KIND_NAMES", "Graph", "Plan", "plan", "tidy", "Columns",
           "columns", "TooLargeError", "MAX_SLOTS"]

#: Slot kinds.
NODE, LANE, STUB = 0, 1, 2
KIND_NAMES = ("node", "lane", "stub")

#: Default cap on the number of slots :func:`plan` builds (unshared DAGs can explode).
MAX_SLOTS = 200_000

_LANE_ENTRY, _STUB_ENTRY = -1, -2  # stack markers of the planners

# Stack entries of the planners (see their comments): the unshared one's via node is the
# collapsed branch indices for a stub; the shared one's extra is None for a node, the
# shared node for a lane and (collapsed, weight) for a stub.
_UnsharedEntry = tuple[int, int, int, "int | tuple[int, ...]", int, float, bool]
_SharedEntry = tuple[int, int, int, int, int, "int | tuple[tuple[int, ...], float] | None"]


@dataclass(frozen=True, eq=False)
class Graph:
    """A graph in compressed form: node ``u``'s children, in branch order, are
    ``child[start[u]:start[u + 1]]``; ``names[u]`` is its id.

    >>> g = Graph.from_mapping({"a": ["b", "c"], "b": [], "c": []})
    >>> g.start.tolist(), g.child.tolist(), g.names
    ([0, 2, 2, 2], [1, 2], ('a', 'b', 'c'))
    """

    start: np.ndarray
    child: np.ndarray
    names: tuple[str, ...]

    @classmethod
    def from_mapping(cls, children: Mapping[str, Sequence[str]]) -> Graph:
        names = tuple(children)
        index = {k: i for i, k in enumerate(names)}
        counts = [len(children[k]) for k in names]
        start = np.concatenate(([0], np.cumsum(counts, dtype=np.int64)))
        child = np.fromiter((index[c] for k in names for c in children[k]), dtype=np.int64,
                            count=int(start[-1]))
        return cls(start.astype(np.int64), child, names)

    @property
    def n(self) -> int:
        return len(self.names)

    def edge_values(self, values: Mapping[str, Sequence[float]]) -> np.ndarray:
        """Per-edge numbers from ``{node id: [one per branch]}``."""
        out = np.zeros(len(self.child))
        for u, name in enumerate(self.names):
            out[self.start[u]:self.start[u + 1]] = values.get(name, ())
        return out


@dataclass(frozen=True, eq=False)
class Plan:
    """The tree that is drawn, as arrays with one entry per slot, slots in preorder.

    Slot 0 is the root and ``parent[s] < s``; siblings are in drawing order.

    ``kind``: NODE, LANE or STUB.  ``node``: the node a NODE slot draws or a LANE leads
    to (an index into ``names``), -1 for stubs.  ``level``: depth level (children are
    one level further).  ``via_node``/``via_branch``: the scenario branch whose line
    runs into the slot (-1 for the root and stubs).  ``labelled``: whether the slot's
    incoming run shows that branch's label and probability.  ``weight``: for ``unshare``
    plans, the probability of the path to this copy; for stubs, the total probability
    of the collapsed branches (NaN otherwise).  ``collapsed``: per stub slot, the
    indices of the collapsed branches of its parent's node.  ``converge``: ``(lane
    slot, node slot)`` hops into shared nodes.  ``shared``: nodes drawn once with
    several incoming branches.
    """

    names: tuple[str, ...]
    kind: np.ndarray
    node: np.ndarray
    parent: np.ndarray
    level: np.ndarray
    via_node: np.ndarray
    via_branch: np.ndarray
    labelled: np.ndarray
    weight: np.ndarray
    collapsed: Mapping[int, tuple[int, ...]] = field(default_factory=dict)
    converge: tuple[tuple[int, int], ...] = ()
    shared: frozenset[int] = frozenset()

    def __len__(self) -> int:
        return len(self.kind)

    @property
    def n_levels(self) -> int:
        return int(self.level.max()) + 1 if len(self.level) else 0

    @cached_property
    def children(self) -> list[list[int]]:
        """Children of every slot, in drawing order."""
        out: list[list[int]] = [[] for _ in range(len(self.kind))]
        for s, p in enumerate(self.parent.tolist()):
            if p >= 0:
                out[p].append(s)
        return out

    def node_id(self, slot: int) -> str | None:
        k = int(self.node[slot])
        return None if k < 0 else self.names[k]

    def slots_of(self, node_id: str) -> list[int]:
        """The NODE slots drawing ``node_id`` (one when shared, several when unshared)."""
        k = self.names.index(node_id)
        return np.flatnonzero((self.node == k) & (self.kind == NODE)).tolist()

    def rows(self) -> list[tuple[str, str | None, int]]:
        """``(kind, node id, level)`` per slot: a readable summary for tests and docs."""
        return [(KIND_NAMES[k], self.node_id(s), int(lv))
                for s, (k, lv) in enumerate(zip(self.kind.tolist(), self.level.tolist(), strict=False))]


class _Records:
    """Slots collected as one tuple each, in preorder; :meth:`finish` makes the arrays."""

    def __init__(self, names, max_slots: int, unshare: bool):
        self.names = names
        self.max_slots = max_slots
        self.unshare = unshare
        self.rows: list[tuple] = []  # (kind, node, parent, level, via_node, via_branch, labelled, weight)
        self.collapsed: dict[int, tuple[int, ...]] = {}

    def too_large(self):
        raise TooLargeError(
            f"the drawing would have more than {self.max_slots} elements; collapse unlikely "
            "or deep branches with --prune P or --depth D"
            + (" (or drop --unshare)" if self.unshare else ""))

    def finish(self, converge=(), shared=()) -> Plan:
        columns = list(zip(*self.rows, strict=False)) if self.rows else [()] * 8
        kind, node, parent, level, via_node, via_branch, labelled, weight = columns
        m = len(kind)
        ints = lambda xs: np.fromiter(xs, dtype=np.int64, count=m)  # noqa: E731
        return Plan(tuple(self.names), np.fromiter(kind, dtype=np.int8, count=m), ints(node),
                    ints(parent), ints(level), ints(via_node), ints(via_branch),
                    np.fromiter(labelled, dtype=bool, count=m),
                    np.fromiter(weight, dtype=float, count=m), dict(self.collapsed),
                    tuple(converge), frozenset(shared))


def plan(graph: Graph | Mapping[str, Sequence[str]], root: str | int, *, unshare: bool = False,
         probability: np.ndarray | Mapping | None = None, flow: np.ndarray | Mapping | None = None,
         given: str | int | None = None, to_given: np.ndarray | Mapping | None = None,
         prune: float | None = None, depth: int | None = None, keep: Sequence[int] | set[int] = (),
         max_slots: int = MAX_SLOTS) -> Plan:
    """The tree to draw for ``graph``.

    Parameters
    ----------
    graph : Graph or mapping
        A :class:`Graph`, or ``{node id: [child ids in branch order]}``.
    root : str or int
        The start node (id, or index into ``graph.names``).
    unshare : bool
        Draw a copy of a shared node for every path reaching it, instead of once.
    probability : array or mapping, optional
        Branch probabilities, one per edge of ``graph`` (or ``{node id: [p per
        branch]}``); needed by ``prune`` with ``unshare``, where a copy's probability
        is the product along its path.
    flow : array or mapping, optional
        Probability that the path takes each branch, in the same form; needed by
        ``prune`` in the shared (default) mode.
    given, to_given : optional
        Conditioning for ``unshare``: the node the path is known to pass and, per node,
        the probability of going on to pass it (array by node index, or mapping); the
        copies' probabilities are then conditional on passing ``given``.
    prune : float, optional
        Collapse branches taken with probability below this into one stub per parent.
    depth : int, optional
        Draw at most ``depth`` levels below the root: collapse the branches into nodes
        whose level (their longest path from the root; the path length when unshared)
        is greater.
    keep : edge positions, optional
        Branches that ``prune`` and ``depth`` never collapse (a highlighted path's), as
        positions in ``graph.child``.  The root's branches (the first-level options) are
        never collapsed either.
    max_slots : int
        Raise :class:`TooLargeError` beyond this many slots.

    Raises
    ------
    TooLargeError, ValueError

    Examples
    --------
    A diamond: ``b`` and ``c`` both lead to ``d``, which is drawn once.  Both parents
    are at level 1, so the placement parent is ``b`` (met first): ``d`` is laid out as
    its child, and the branch from ``c`` ends in a port (a lane slot) on ``d``'s level
    that converges into ``d``.

    >>> g = {"a": ["b", "c"], "b": ["d"], "c": ["d"], "d": []}
    >>> p = plan(g, "a")
    >>> p.rows()
    [('node', 'a', 0), ('node', 'b', 1), ('node', 'd', 2), ('node', 'c', 1), ('lane', 'd', 2)]
    >>> p.converge
    ((4, 2),)
    >>> [r[1] for r in plan(g, "a", unshare=True).rows()]
    ['a', 'b', 'd', 'c', 'd']
    """
    if prune is not None and not 0.0 <= prune <= 1.0:
        raise ValueError(f"prune must be a probability in [0, 1], not {prune!r}")
    if depth is not None and (isinstance(depth, bool) or depth < 0):
        raise ValueError(f"depth must be a whole number >= 0, not {depth!r}")
    if not isinstance(graph, Graph):
        graph = Graph.from_mapping(graph)
    if isinstance(root, str) or isinstance(given, str):
        index = {k: i for i, k in enumerate(graph.names)}
        if isinstance(root, str):
            root = index[root]
        if isinstance(given, str):
            given = index[given]
    if isinstance(probability, Mapping):
        probability = graph.edge_values(probability)
    if isinstance(flow, Mapping):
        flow = graph.edge_values(flow)
    if isinstance(to_given, Mapping):
        to_given = np.array([to_given.get(k, 0.0) for k in graph.names])
    if unshare:
        if prune is not None and probability is None:
            raise ValueError("prune with unshare needs the branch probabilities")
        if given is not None and to_given is None:
            raise ValueError("given needs to_given")
        return _plan_unshared(graph, root, probability, given, to_given, prune, depth, keep, max_slots)
    if prune is not None and flow is None:
        raise ValueError("prune needs the branch flows")
    if prune is None and depth is None:
        fast = _plan_tree(graph, root, max_slots)
        if fast is not None:
            return fast
    return _plan_shared(graph, root, flow, prune, depth, keep, max_slots)


def _always(graph: Graph, root: int, keep) -> frozenset[int]:
    """Edges never collapsed: ``keep`` and the root's branches."""
    return frozenset(keep) | frozenset(range(int(graph.start[root]), int(graph.start[root + 1])))


def _plan_tree(graph: Graph, root: int, max_slots: int) -> Plan | None:
    """The common case, fast: nothing collapsed and the drawn graph is a tree (else None)."""
    start = graph.start.tolist()
    kids = graph.child.tolist()
    seen = bytearray(graph.n)
    order = []
    stack = [root]
    while stack:
        u = stack.pop()
        if seen[u]:
            return None  # a shared node: the general planner handles it
        seen[u] = 1
        order.append(u)
        a, b = start[u], start[u + 1]
        if b > a:
            stack.extend(kids[b - 1:a - 1 if a else None:-1])
    m = len(order)
    if m > max_slots:
        _Records(graph.names, max_slots, False).too_large()
    node = np.asarray(order, dtype=np.int64)
    owner = np.repeat(np.arange(graph.n, dtype=np.int64), np.diff(graph.start))
    parent_node = np.full(graph.n, -1, dtype=np.int64)
    branch = np.full(graph.n, -1, dtype=np.int64)
    reached = np.frombuffer(bytes(seen), dtype=np.uint8).astype(bool)
    edges = np.flatnonzero(reached[owner])  # edges out of drawn nodes
    parent_node[graph.child[edges]] = owner[edges]
    branch[graph.child[edges]] = edges - graph.start[owner[edges]]
    slot = np.full(graph.n, -1, dtype=np.int64)
    slot[node] = np.arange(m)
    via_node = parent_node[node]
    parent = np.where(via_node >= 0, slot[np.maximum(via_node, 0)], -1)
    level = [0] * m
    par = parent.tolist()
    for s in range(1, m):
        level[s] = level[par[s]] + 1
    return Plan(graph.names, np.zeros(m, dtype=np.int8), node, parent,
                np.asarray(level, dtype=np.int64), via_node, branch[node], via_node >= 0,
                np.full(m, np.nan))


def _plan_unshared(graph, root, probability, given, to_given, prune, depth, keep_edges, max_slots) -> Plan:
    always = _always(graph, root, keep_edges)
    start = graph.start.tolist()
    kids = graph.child.tolist()
    prob_of = probability.tolist() if probability is not None else None
    to_g: list[float] | None = to_given.tolist() if to_given is not None else None
    p_given = 1.0
    if given is not None:
        assert to_g is not None, "plan() checks that given comes with to_given"
        p_given = float(to_g[root])
    out = _Records(graph.names, max_slots, True)
    rows = out.rows

    def conditional(prob: float, passed: bool, node: int) -> float:
        if given is None:
            return prob
        if p_given <= 0.0:
            return 0.0
        assert to_g is not None  # given is set
        return (prob if passed else prob * to_g[node]) / p_given

    # Entries: (node, parent slot, level, via node, via branch, path probability, passed
    # `given`); a stub is (_STUB_ENTRY, parent slot, level, collapsed, -1, weight, False).
    stack: list[_UnsharedEntry] = [(root, -1, 0, -1, -1, 1.0, root == given)]
    nan = float("nan")
    while stack:
        u, parent, level, vnode, vbranch, prob, passed = stack.pop()
        if len(rows) >= max_slots:
            out.too_large()
        if u == _STUB_ENTRY:
            assert isinstance(vnode, tuple)
            out.collapsed[len(rows)] = vnode
            rows.append((STUB, -1, parent, level, -1, -1, False, prob))
            continue
        s = len(rows)
        weight = conditional(prob, passed, u) if (given is not None or probability is not None) else nan
        rows.append((NODE, u, parent, level, vnode, vbranch, parent >= 0, weight))
        todo: list[_UnsharedEntry] = []
        stubbed: list[int] = []
        stub_weight = 0.0
        a = start[u]
        for i, child in enumerate(kids[a:start[u + 1]]):
            cprob = prob * prob_of[a + i] if prob_of is not None else 1.0
            cpassed = passed or child == given
            cweight = conditional(cprob, cpassed, child)
            if a + i not in always and ((depth is not None and level + 1 > depth)
                                        or (prune is not None and cweight < prune)):
                stubbed.append(i)
                stub_weight += cweight
            else:
                todo.append((child, s, level + 1, u, i, cprob, cpassed))
        if stubbed:  # drawn after the kept branches
            todo.append((_STUB_ENTRY, s, level + 1, tuple(stubbed), -1, stub_weight, False))
        stack.extend(reversed(todo))  # the first branch is laid out (and numbered) first
    return out.finish()


def _plan_shared(graph, root, flow, prune, depth, keep_edges, max_slots) -> Plan:
    always = _always(graph, root, keep_edges)
    n = graph.n
    start = graph.start.tolist()
    kids_all = graph.child.tolist()
    flows: list[float] | None = flow.tolist() if flow is not None else None
    assert prune is None or flows is not None, "plan() checks that prune comes with flow"
    dist = _longest_depth(start, kids_all, root, n) if depth is not None else None

    def kept(u: int) -> list[int]:
        """Indices of u's branches that are drawn."""
        a, b = start[u], start[u + 1]
        return [i for i in range(b - a)
                if a + i in always or (
                    (dist is None or dist[kids_all[a + i]] <= depth)
                    and (prune is None or (flows is not None and flows[a + i] >= prune)))]

    # Depth-first preorder over kept branches (branch order): which nodes are drawn, and
    # the order that breaks ties between equally deep parents of a shared node.
    seen = bytearray(n)
    indegree = [0] * n
    keep: list[list[int] | None] = [None] * n
    order = []
    stack = [root]
    while stack:
        u = stack.pop()
        if seen[u]:
            continue
        seen[u] = 1
        order.append(u)
        ks = keep[u] = kept(u)
        a = start[u]
        for j in range(len(ks) - 1, -1, -1):
            v = kids_all[a + ks[j]]
            indegree[v] += 1
            if not seen[v]:
                stack.append(v)
    shared = [v for v in order if indegree[v] > 1]

    # Levels in topological order (Kahn's algorithm over the drawn branches).
    level = [0] * n
    remaining = indegree[:]
    ready = [root]
    while ready:
        u = ready.pop()
        a = start[u]
        for i in keep[u]:
            v = kids_all[a + i]
            if level[u] + 1 > level[v]:
                level[v] = level[u] + 1
            remaining[v] -= 1
            if remaining[v] == 0:
                ready.append(v)
    placement: dict[int, tuple[int, int]] = {}
    for u in order:  # the deepest parent; the first met among equally deep ones
        a = start[u]
        for i in keep[u]:
            v = kids_all[a + i]
            if indegree[v] > 1:
                best = placement.get(v)
                if best is None or level[u] > level[best[0]]:
                    placement[v] = (u, i)

    out = _Records(graph.names, max_slots, False)
    rows = out.rows
    slot_of = [-1] * n
    pending: list[tuple[int, int]] = []
    nan = float("nan")
    # Entries: (what, parent slot, level, via node, via branch, extra): what is a node, or
    # _LANE_ENTRY (extra: the shared node) or _STUB_ENTRY (extra: (collapsed, weight)).
    # Lanes and stubs go through the stack too, so that slots are made in preorder.
    entries: list[_SharedEntry] = [(root, -1, 0, -1, -1, None)]
    while entries:
        u, parent, lv, vnode, vbranch, extra = entries.pop()
        if len(rows) >= max_slots:
            out.too_large()
        if u == _STUB_ENTRY:
            assert isinstance(extra, tuple)
            out.collapsed[len(rows)] = extra[0]
            rows.append((STUB, -1, parent, lv, -1, -1, False, extra[1]))
            continue
        if u == _LANE_ENTRY:  # a lane through the levels up to a port beside the shared node
            assert isinstance(extra, int)
            v = extra
            lane = parent
            for lane_level in range(lv, level[v] + 1):
                rows.append((LANE, v, lane, lane_level, vnode, vbranch, lane_level == lv, nan))
                lane = len(rows) - 1
            pending.append((lane, v))
            continue
        s = len(rows)
        slot_of[u] = s
        rows.append((NODE, u, parent, lv, vnode, vbranch, parent >= 0, nan))
        listed = keep[u]
        assert listed is not None  # every drawn node's kept branches were listed above
        ks = listed
        a, b = start[u], start[u + 1]
        todo: list[_SharedEntry] = []
        for i in ks:
            v = kids_all[a + i]
            if indegree[v] < 2 or placement[v] == (u, i):
                todo.append((v, s, lv + 1, u, i, None))
            else:
                todo.append((_LANE_ENTRY, s, lv + 1, u, i, v))
        if len(ks) < b - a:
            drawn = set(ks)
            collapsed = tuple(i for i in range(b - a) if i not in drawn)
            weight = sum(flows[a + i] for i in collapsed) if flows is not None else nan
            todo.append((_STUB_ENTRY, s, lv + 1, -1, -1, (collapsed, weight)))
        entries.extend(reversed(todo))
    return out.finish([(lane, slot_of[v]) for lane, v in pending], shared)


def _longest_depth(start: list[int], kids: list[int], root: int, n: int) -> list[int]:
    """Level of every node reachable from ``root``: its longest path from it (-1 if none).

    Kahn's algorithm over the reachable part, so that a node's level is final once all
    its parents are done.
    """
    reach = bytearray(n)
    reach[root] = 1
    stack = [root]
    indegree = [0] * n
    while stack:
        u = stack.pop()
        for v in kids[start[u]:start[u + 1]]:
            indegree[v] += 1
            if not reach[v]:
                reach[v] = 1
                stack.append(v)
    level = [-1] * n
    level[root] = 0
    ready = [root]
    while ready:
        u = ready.pop()
        for v in kids[start[u]:start[u + 1]]:
            if level[u] + 1 > level[v]:
                level[v] = level[u] + 1
            indegree[v] -= 1
            if indegree[v] == 0:
                ready.append(v)
    return level

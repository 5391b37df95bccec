"""Turn a Scenario into index arrays in topological order, once.

Nodes are renumbered generation by generation (a node's generation is the length of the
longest path reaching it), so every generation is a contiguous slice of node indices and,
with edges sorted by parent, a contiguous slice of edge indices.  The evaluators then
process one generation per numpy operation: the work is vectorised over the width of the
graph and the Python loop runs once per level, never once per node, and never recurses.

Everything a pass needs per generation is computed here, once: the :class:`Level` records
(slice bounds, the generation's nodes that have branches, where their branches start) and
per-edge index arrays (the parent's position in its generation, the deciding actor's row).
A pass then does no index arithmetic of its own, which matters for deep graphs: a
20,000-level chain runs each pass's loop 20,000 times, so its cost is the number of numpy
calls per generation.

The generations come from a vectorised Kahn's algorithm on the edge arrays rather than
from ``networkx.topological_generations``: on a 10^6-node scenario the numpy version takes
a fraction of a second where networkx's per-node Python loop takes several.  The scenario
itself is read in one sweep over its nodes in file order (no per-element numpy writes),
node ids are matched by their hashes in sorted numpy arrays rather than through a dict of
every id, and renumbering is a numpy permutation.

Examples
--------
>>> import scenarios
>>> c = scenarios.load("entry-deterrence").compiled
>>> c.n_nodes, c.n_edges, c.ids[c.root]
(5, 4, 'entry')
>>> [c.ids[i] for i in c.outcomes]  # in listing order
['stay_out', 'war', 'share']
>>> [(lv.lo, lv.hi, lv.n0, lv.n1) for lv in c.levels]  # edges and nodes of each generation
[(0, 2, 0, 1), (2, 4, 1, 3)]
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ..expressions import Expression
from ..kinds import CHANCE, DECISION, KINDS, OUTCOME
from ..model import REST, Scenario
from .criteria import criterion_columns, payoff_columns

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Node, _Rest

__all__ = ["Compiled", "Level", "NodeIndex", "compile_scenario", "compiled_form", "DECISION", "CHANCE", "OUTCOME"]

_KIND_CODE = {name: kind.code for name, kind in KINDS.items()}
_WITH_ACTOR = frozenset(name for name, kind in KINDS.items() if kind.has_actor)
_ACTOR_CODES = [kind.code for kind in KINDS.values() if kind.has_actor]
_CHOOSING_CODES = [kind.code for kind in KINDS.values() if kind.rule == "choose"]
_NAN = float("nan")


class Level(NamedTuple):
    """One generation that has branches; every field is a plain ``int`` or ``bool`` (cheap in loops).

    Its edges are ``lo:hi``, its nodes ``n0:n1``, and its nodes with branches are
    ``Compiled.internal[s0:s1]`` (their first edges, relative to ``lo``, are
    ``Compiled.seg_offset[s0:s1]``: ready for ``np.ufunc.reduceat``).  ``single`` is that
    node when exactly one node of the generation has branches (a chain), else -1.  The
    generation's decisions solved by backward induction are ``Compiled.strategic_node[t0:t1]``
    and their branches ``Compiled.strategic_edges[u0:u1]``.  ``paid`` says some of its edges
    carry payoffs (otherwise adding them is skipped).
    """

    lo: int
    hi: int
    n0: int
    n1: int
    s0: int
    s1: int
    single: int
    t0: int
    t1: int
    u0: int
    u1: int
    paid: bool


@dataclass(frozen=True, eq=False)
class Compiled:
    """Arrays describing a scenario's graph; index ``i`` is the ``i``-th node in topological order.

    All arrays are read-only: they are shared by every evaluation of the scenario.
    """

    ids: tuple[str, ...]  # node id per index
    index: Mapping[str, int]  # node id -> index (a NodeIndex)
    listing: np.ndarray  # position of each node in the file (for tie order)
    kind: np.ndarray  # DECISION / CHANCE / OUTCOME per node
    actor: np.ndarray  # actor index of decision nodes, -1 elsewhere
    fixed: np.ndarray  # decision nodes whose weights are kept when solving
    parent: np.ndarray  # per edge, sorted by parent then branch order
    child: np.ndarray
    branch: np.ndarray  # per edge, its position among the parent's branches
    edge_start: np.ndarray  # edges of node i are edge_start[i]:edge_start[i+1]
    gen_nodes: np.ndarray  # generation g holds nodes gen_nodes[g]:gen_nodes[g+1]
    gen_edges: np.ndarray  # ... and edges gen_edges[g]:gen_edges[g+1] (out of those nodes)
    root: int
    actors: tuple[str, ...]
    # Base-case numbers that do not depend on parameters, and what must be computed.
    p_const: np.ndarray  # per edge; NaN where symbolic or rest
    p_symbolic: tuple[tuple[int, Expression], ...]  # ((edge, Expression), ...)
    p_rest: np.ndarray  # edge indices of 'rest' branches
    node_payoff_by_actor: np.ndarray  # (A, N), symbolic entries 0
    node_payoff_symbolic: tuple[tuple[int, int, Expression], ...]  # ((node, actor, Expression), ...)
    edge_payoff_by_actor: np.ndarray  # (A, E)
    edge_payoff_symbolic: tuple[tuple[int, int, Expression], ...]  # ((edge, actor, Expression), ...)
    # Per-generation structure for the evaluators (see Level).
    levels: tuple[Level, ...]  # generations with branches, root side first
    level_of_gen: np.ndarray  # generation -> index of the first level at or after it
    internal: np.ndarray  # nodes with branches, ascending (so grouped by generation)
    gen_internal: np.ndarray  # generation g's are internal[gen_internal[g]:gen_internal[g+1]]
    seg_offset: np.ndarray  # per internal node, its first edge minus its generation's first edge
    edge_segment: np.ndarray  # per edge, its parent's position among its generation's internal nodes
    edge_local_parent: np.ndarray  # per edge, parent minus its generation's first node
    strategic: np.ndarray  # per node: a decision solved by backward induction (not fixed)
    strategic_node: np.ndarray  # those nodes, ascending (level by level: t0:t1)
    strategic_edges: np.ndarray  # their branches, ascending (level by level: u0:u1)
    strategic_offset: np.ndarray  # per strategic node, its first branch's position in u0:u1
    strategic_owner: np.ndarray  # per strategic branch, its node's position in t0:t1
    strategic_own: np.ndarray  # per strategic branch, actor * width + (edge - lo): the
    #                            decider's entry in its generation's (actors, width) values
    outcomes: np.ndarray  # outcome nodes in listing order
    tree: bool  # no node has two parents: flows into children can be assigned
    # Criteria (scenarios.engine.criteria): the payoff columns are ``actors``, one per actor or,
    # for an actor with measures, one per measure plus the actor's criterion column. A
    # decision maximises ``column_sign * value`` of its actor's column (-1: minimised);
    # ``strategic_sign`` is that sign per strategic branch, None when nothing is minimised.
    column_sign: np.ndarray | None = None
    strategic_sign: np.ndarray | None = None
    # The views keyed by actor (expected payoffs, outcome rows, branch views, ResultArrays)
    # show ``actor_keys``: the columns ``actor_columns`` (None: every column, no measures).
    actor_keys: tuple[str, ...] = ()
    actor_columns: np.ndarray | None = None
    # Information sets of two or more decisions (``infoset:``): backward induction refuses them.
    shared_sets: tuple[str, ...] = ()

    def by_actor(self, array: np.ndarray) -> np.ndarray:
        """``array``'s last axis (payoff columns) cut to the actors' own columns."""
        return array if self.actor_columns is None else array[..., self.actor_columns]

    @property
    def node_payoff_const(self) -> np.ndarray:
        """Constant node payoffs, (N, A) (a view of ``node_payoff_by_actor``)."""
        return self.node_payoff_by_actor.T

    @property
    def edge_payoff_const(self) -> np.ndarray:
        """Constant branch payoffs, (E, A) (a view of ``edge_payoff_by_actor``)."""
        return self.edge_payoff_by_actor.T

    @property
    def n_nodes(self) -> int:
        return len(self.ids)

    @property
    def n_edges(self) -> int:
        return len(self.parent)

    def generations(self) -> Iterator[tuple[slice, slice]]:
        """Yield ``(node_slice, edge_slice)`` per generation, root side first."""
        for g in range(len(self.gen_nodes) - 1):
            yield (slice(self.gen_nodes[g], self.gen_nodes[g + 1]),
                   slice(self.gen_edges[g], self.gen_edges[g + 1]))

    def edge_of(self, parent_id: str, child_id: str) -> int:
        """Edge index of the branch ``parent_id → child_id`` (KeyError if none, or if several
        branches of the parent lead there).  ``child_id`` may instead be the branch's position
        among the parent's branches, as text (``"2"``: node ids never start with a digit)."""
        i = self.index[parent_id]
        lo, hi = int(self.edge_start[i]), int(self.edge_start[i + 1])
        if child_id.isdigit() and child_id.isascii():
            if int(child_id) >= hi - lo:
                raise KeyError((parent_id, child_id))
            return lo + int(child_id)
        hits = np.flatnonzero(self.child[lo:hi] == self.index[child_id])
        if len(hits) != 1:  # none, or parallel branches: name one by its position
            raise KeyError((parent_id, child_id))
        return int(lo + hits[0])

    def levels_from(self, node: int) -> tuple[Level, ...]:
        """The levels from ``node``'s generation on (all of them for the root)."""
        g = int(np.searchsorted(self.gen_nodes, node, side="right") - 1)
        return self.levels[int(self.level_of_gen[g]):]

    def levels_before(self, node: int) -> tuple[Level, ...]:
        """The levels of the generations before ``node``'s."""
        g = int(np.searchsorted(self.gen_nodes, node, side="right") - 1)
        return self.levels[:int(self.level_of_gen[g])]


def compiled_form(scenario: Scenario) -> Compiled:
    """The compiled arrays of ``scenario``, built on first use and kept with it."""
    found = scenario._compiled
    if found is None:
        found = compile_scenario(scenario)
        object.__setattr__(scenario, "_compiled", found)
    return found


def compile_scenario(scenario: Scenario) -> Compiled:
    """Build the :class:`Compiled` arrays of ``scenario``."""
    actors, decider, sign, derived = payoff_columns(scenario)
    a = len(actors)
    columns = _sweep(scenario, actors, decider)
    n, e = len(columns.kind), len(columns.p)
    ids_file = list(scenario.nodes)
    finder = _HashFinder(ids_file)
    dst = finder.positions(columns.to)
    counts = columns.counts

    # -- generations and the new numbering ---------------------------------------------------
    file_start = np.concatenate(([0], np.cumsum(counts)))
    generation = _generations(n, dst, file_start)
    order = np.argsort(generation, kind="stable")  # by generation, then file order
    new_of_old = np.empty(n, dtype=np.int64)
    new_of_old[order] = np.arange(n)
    new_counts = counts[order]
    edge_start = np.concatenate(([0], np.cumsum(new_counts)))
    # A node's edges stay together and in branch order, so the new edge order is the file's
    # edge segments taken in the new node order: no sort needed.
    old_edge = np.repeat(file_start[:-1][order] - edge_start[:-1], new_counts) + np.arange(e)
    new_edge = np.empty(e, dtype=np.int64)
    new_edge[old_edge] = np.arange(e)
    parent = np.repeat(np.arange(n, dtype=np.int64), new_counts)
    child = new_of_old[dst[old_edge]]
    branch = np.arange(e) - np.repeat(edge_start[:-1], new_counts)
    gen_sorted = generation[order]
    n_gen = int(gen_sorted[-1]) + 1 if n else 0
    gen_nodes = np.searchsorted(gen_sorted, np.arange(n_gen + 1), side="left")
    gen_edges = edge_start[gen_nodes]

    kind, actor, fixed = columns.kind[order], columns.actor[order], columns.fixed[order]
    # Branch p: numbers now; 'rest', equal weights (a decision without beliefs) and
    # expressions are the rare NaN entries, sorted out here and at bind time.
    p_file = columns.p
    unknown = np.flatnonzero(np.isnan(p_file)).tolist()
    ps = columns.p_objects
    even = np.array([k for k in unknown if ps[k] is None], dtype=np.int64)
    p_file[even] = 1.0 / counts[np.searchsorted(file_start, even, side="right") - 1]
    p_const = p_file[old_edge]
    p_rest = np.sort(new_edge[np.array([k for k in unknown if ps[k] is REST], dtype=np.int64)])
    p_symbolic = tuple(sorted((int(new_edge[k]), x) for k in unknown if isinstance(x := ps[k], Expression)))
    # Payoffs are stored actor-major, (A, N) and (A, E): the evaluators work on one actor's
    # row at a time; ``node_payoff_const`` and ``edge_payoff_const`` are (N, A) views of them.
    node_payoff = np.zeros((a, n))
    node_payoff.ravel()[columns.node_cols * n + new_of_old[columns.node_rows]] = columns.node_values
    edge_payoff = np.zeros((a, e))
    edge_payoff.ravel()[columns.edge_cols * e + new_edge[columns.edge_rows]] = columns.edge_values
    node_symbolic = tuple(sorted((int(new_of_old[r]), c, x) for r, c, x in columns.node_symbolic))
    edge_symbolic = tuple(sorted((int(new_edge[r]), c, x) for r, c, x in columns.edge_symbolic))
    if derived:
        node_symbolic = criterion_columns(node_payoff, node_symbolic, derived)
        edge_symbolic = criterion_columns(edge_payoff, edge_symbolic, derived)

    ids = tuple(map(ids_file.__getitem__, order.tolist()))
    outcomes = new_of_old[np.flatnonzero(columns.kind == OUTCOME)]  # in listing order
    paid_edges = np.asarray(edge_payoff.any(axis=0))  # edges whose payoffs may be non-zero
    paid_edges[[k for k, _, _ in edge_symbolic]] = True
    structure = _structure(n, kind, actor, fixed, parent, child, edge_start, gen_nodes, gen_edges,
                           paid_edges)
    arrays = dict(listing=order, kind=kind, actor=actor, fixed=fixed, parent=parent, child=child,
                  branch=branch, edge_start=edge_start, gen_nodes=gen_nodes, gen_edges=gen_edges,
                  p_const=p_const, p_rest=p_rest, node_payoff_by_actor=node_payoff,
                  edge_payoff_by_actor=edge_payoff, outcomes=outcomes)
    column_sign = np.asarray(sign, dtype=float)
    strategic_sign = None
    if (column_sign < 0).any():
        strategic_sign = column_sign[actor[parent[structure["strategic_edges"]]]]
        strategic_sign.setflags(write=False)
    column_sign.setflags(write=False)
    for array in (*arrays.values(), *(v for v in structure.values() if isinstance(v, np.ndarray))):
        array.setflags(write=False)
    return Compiled(
        ids=ids, index=NodeIndex(ids, finder.renumbered(new_of_old)),
        root=int(new_of_old[finder.position(scenario.root)]), actors=actors, p_symbolic=p_symbolic,
        node_payoff_symbolic=node_symbolic, edge_payoff_symbolic=edge_symbolic, **arrays, **structure,
        column_sign=column_sign, strategic_sign=strategic_sign, actor_keys=tuple(scenario.actors),
        actor_columns=None if len(decider) == a else np.array(list(decider.values()), dtype=np.int64),
        shared_sets=tuple(name for name, members in scenario.infosets.items() if len(members) > 1),
    )


class _Columns(NamedTuple):
    """What :func:`_sweep` reads, per node and per branch in file order."""

    kind: np.ndarray
    actor: np.ndarray
    fixed: np.ndarray
    counts: np.ndarray  # branches per node
    to: list[str]  # child id per branch
    p: np.ndarray  # per branch; NaN unless a plain number
    p_objects: list[Expression | _Rest | None]  # per branch: Expression, REST or None
    node_rows: np.ndarray  # constant payoffs: node, actor column, value
    node_cols: np.ndarray
    node_values: np.ndarray
    node_symbolic: list[tuple[int, int, Expression]]  # (node, actor column, Expression)
    edge_rows: np.ndarray
    edge_cols: np.ndarray
    edge_values: np.ndarray
    edge_symbolic: list[tuple[int, int, Expression]]


def _sweep(scenario: Scenario, actors: tuple[str, ...], decider: Mapping[str, int]) -> _Columns:
    """Read every node and branch once, in file order, into flat columns.

    One Python loop touching each object once beats a ``map`` per attribute: at 10^6
    nodes the objects do not fit in the caches, and each extra pass costs a cache miss per
    object.  Lists are filled with bound ``append``/``extend`` (expression sources taken
    while the objects are at hand); numpy converts at the end.
    """
    kinds: list[str] = []
    deciders: list[Node] = []
    counts: list[int] = []
    to: list[str] = []
    ps: list[Expression | _Rest | None] = []
    p_sources: list[float | str | None] = []
    pay_sizes: list[int] = []
    pay_keys: list[str] = []
    pay_sources: list[float | str] = []
    branch_at: list[int] = []
    branch_sizes: list[int] = []
    branch_keys: list[str] = []
    branch_sources: list[float | str] = []
    add_kind, add_decider, add_count = kinds.append, deciders.append, counts.append
    add_to, add_p, add_p_source, add_size = to.append, ps.append, p_sources.append, pay_sizes.append
    add_keys, add_sources = pay_keys.extend, pay_sources.extend
    add_branch_at, add_branch_size = branch_at.append, branch_sizes.append
    add_branch_keys, add_branch_sources = branch_keys.extend, branch_sources.extend
    source = attrgetter("source")
    for node in scenario.nodes.values():
        kind_name = node.kind
        add_kind(kind_name)
        if kind_name in _WITH_ACTOR:  # only decisions have an actor and may be fixed
            add_decider(node)
        branches = node.branches
        add_count(len(branches))
        if branches:
            for branch in branches:
                add_to(branch.to)
                branch_p = branch.p
                add_p(branch_p)
                add_p_source(getattr(branch_p, "source", None))  # None for REST and None
                payoffs = branch.payoffs
                if payoffs:  # one branch in ten, say
                    add_branch_at(len(to) - 1)
                    add_branch_size(len(payoffs))
                    add_branch_keys(payoffs)
                    add_branch_sources(map(source, payoffs.values()))
        payoffs = node.payoffs
        add_size(len(payoffs))
        if payoffs:
            add_keys(payoffs)
            add_sources(map(source, payoffs.values()))
    n = len(kinds)
    kind = np.fromiter(map(_KIND_CODE.__getitem__, kinds), dtype=np.int8, count=n)
    code = {name: i for i, name in enumerate(actors)}
    actor = np.full(n, -1, dtype=np.int64)
    fixed = np.zeros(n, dtype=bool)
    at = np.flatnonzero(np.isin(kind, _ACTOR_CODES))
    actor[at] = np.fromiter(map(decider.__getitem__, map(attrgetter("actor"), deciders)), dtype=np.int64,
                            count=len(deciders))
    fixed[at] = np.fromiter(map(attrgetter("fixed"), deciders), dtype=np.bool_, count=len(deciders))

    node_rows = np.repeat(np.arange(n, dtype=np.int64), np.array(pay_sizes, dtype=np.int64))
    node_cols = np.fromiter(map(code.__getitem__, pay_keys), dtype=np.int64, count=len(pay_keys))
    node_values, odd = _numbers(pay_sources)
    nodes = list(scenario.nodes.values()) if odd else []
    node_symbolic = [(int(node_rows[k]), int(node_cols[k]), nodes[node_rows[k]].payoffs[pay_keys[k]])
                     for k in odd]
    edge_rows = np.repeat(np.array(branch_at, dtype=np.int64), np.array(branch_sizes, dtype=np.int64))
    edge_cols = np.fromiter(map(code.__getitem__, branch_keys), dtype=np.int64, count=len(branch_keys))
    edge_values, odd = _numbers(branch_sources)
    branch_list = [b for node in scenario.nodes.values() for b in node.branches] if odd else []
    edge_symbolic = [(int(edge_rows[k]), int(edge_cols[k]), branch_list[edge_rows[k]].payoffs[branch_keys[k]])
                     for k in odd]
    p, odd = _numbers(p_sources, missing=True)
    p[odd] = _NAN  # like REST and None: compile_scenario sorts them out
    return _Columns(
        kind=kind, actor=actor, fixed=fixed, counts=np.array(counts, dtype=np.int64), to=to, p=p,
        p_objects=ps, node_rows=node_rows, node_cols=node_cols, node_values=node_values,
        node_symbolic=node_symbolic, edge_rows=edge_rows, edge_cols=edge_cols,
        edge_values=edge_values, edge_symbolic=edge_symbolic,
    )


def _numbers(sources: Sequence[float | str | None], *, missing: bool = False) -> tuple[np.ndarray, list[int]]:
    """``(values, odd)`` for the sources of expressions (and None where ``missing``: NaN).

    A plain number's source is its float, an expression's its text.  The usual case, all
    numbers, is one C-level conversion.  Otherwise the texts are ``odd``: their positions
    are returned and their values are 0.  (A text that ``float`` reads, such as ``"-5"``,
    is taken as the number it evaluates to; one that reads as non-finite, a parameter named
    ``inf`` or ``nan``, sends the conversion down the slow path.)
    """
    try:
        values = np.array(sources, dtype=float).reshape(len(sources))
        if not (np.isinf(values).any() if missing else not np.isfinite(values).all()):
            return values, []
    except (ValueError, TypeError):
        pass
    values = np.fromiter((x if type(x) is float else _NAN for x in sources), dtype=float,
                         count=len(sources))
    odd = [k for k, x in enumerate(sources) if isinstance(x, str)]
    values[odd] = 0.0
    return values, odd


class _HashFinder:
    """File position of a node id, by its ``hash`` in a sorted array (no 10^6-entry dict)."""

    def __init__(self, ids: list[str]):
        self.ids = ids
        hashes = np.fromiter(map(hash, ids), dtype=np.int64, count=len(ids))
        self.at = np.argsort(hashes)
        self.hashes = hashes[self.at]
        self.unique = bool(np.all(self.hashes[1:] != self.hashes[:-1]))

    def position(self, node_id: str) -> int:
        i = int(self.hashes.searchsorted(hash(node_id)))
        while self.ids[self.at[i]] != node_id:  # only on a hash collision
            i += 1
        return int(self.at[i])

    def positions(self, node_ids: list[str]) -> np.ndarray:
        """Positions of ``node_ids``, every one of which is a node (the loader checked)."""
        if not self.unique:  # two ids share a hash (about one run in 10^7 at 10^6 nodes)
            where = dict(zip(self.ids, range(len(self.ids)), strict=False))
            return np.fromiter(map(where.__getitem__, node_ids), dtype=np.int64, count=len(node_ids))
        wanted = np.fromiter(map(hash, node_ids), dtype=np.int64, count=len(node_ids))
        # Searching in sorted order walks the table once instead of jumping around it.
        by_hash = np.argsort(wanted)
        out = np.empty(len(node_ids), dtype=np.int64)
        out[by_hash] = self.at[self.hashes.searchsorted(wanted[by_hash])]
        return out

    def renumbered(self, new_of_old: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The sorted hashes and the matching node indices after renumbering."""
        return self.hashes, new_of_old[self.at]


class NodeIndex(Mapping[str, int]):
    """Node id → node index: ``Compiled.index``, a read-only mapping.

    Built without a Python dict of every node (at 10^6 nodes that alone takes a third of a
    second): a lookup hashes the id and searches the sorted hashes.  After a few dozen
    lookups (a caller walking many nodes) a plain dict is built and used instead.

    >>> import scenarios
    >>> c = scenarios.load("entry-deterrence").compiled
    >>> c.index["entry"], "war" in c.index, c.index.get("nowhere")
    (0, True, None)
    """

    __slots__ = ("_ids", "_hashes", "_nodes", "_dict", "_lookups")
    _DICT_AFTER = 64

    def __init__(self, ids: tuple[str, ...], hashed: tuple[np.ndarray, np.ndarray] | None = None):
        self._ids = ids
        if hashed is None:
            hashes = np.fromiter(map(hash, ids), dtype=np.int64, count=len(ids))
            nodes = np.argsort(hashes)
            hashed = hashes[nodes], nodes
        self._hashes: np.ndarray
        self._nodes: np.ndarray
        self._hashes, self._nodes = hashed
        self._dict: dict[str, int] | None = None
        self._lookups = 0

    def __getitem__(self, key: str) -> int:
        if self._dict is not None:
            return self._dict[key]
        self._lookups += 1
        if self._lookups > self._DICT_AFTER:
            self._dict = dict(zip(self._ids, range(len(self._ids)), strict=False))
            return self._dict[key]
        h = hash(key)  # an unhashable key raises TypeError, as with a dict
        hashes, nodes, ids = self._hashes, self._nodes, self._ids
        i = int(hashes.searchsorted(h))
        while i < len(hashes) and hashes[i] == h:
            if ids[nodes[i]] == key:
                return int(nodes[i])
            i += 1
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __repr__(self) -> str:
        return f"NodeIndex({len(self._ids)} nodes)"

    def __reduce__(self) -> tuple[type[NodeIndex], tuple[tuple[str, ...]]]:
        # String hashes differ between processes (PYTHONHASHSEED): rebuild from the ids.
        return (NodeIndex, (self._ids,))


def _structure(n: int, kind: np.ndarray, actor: np.ndarray, fixed: np.ndarray, parent: np.ndarray,
               child: np.ndarray, edge_start: np.ndarray, gen_nodes: np.ndarray, gen_edges: np.ndarray,
               paid_edges: np.ndarray) -> dict[str, Any]:  # Compiled's keyword arguments, of mixed types
    """The per-generation index arrays and :class:`Level` records of :class:`Compiled`."""
    n_gen = len(gen_nodes) - 1
    gen_of_node = np.repeat(np.arange(n_gen, dtype=np.int64), np.diff(gen_nodes))
    has_edges = edge_start[1:] > edge_start[:-1]
    internal = np.flatnonzero(has_edges)
    gen_internal = np.searchsorted(internal, gen_nodes)
    rank = np.cumsum(has_edges) - 1  # position of a node among all internal nodes
    edge_gen = gen_of_node[parent]
    seg_offset = edge_start[internal] - gen_edges[gen_of_node[internal]]
    edge_segment = rank[parent] - gen_internal[edge_gen]
    edge_local_parent = parent - gen_nodes[edge_gen]
    strategic = np.isin(kind, _CHOOSING_CODES) & ~fixed
    strategic_node = internal[strategic[internal]]
    strategic_edges = np.flatnonzero(strategic[parent])
    gen_strategic = np.searchsorted(strategic_node, gen_nodes)
    gen_strategic_edges = np.searchsorted(strategic_edges, gen_edges)
    node_gen = gen_of_node[strategic_node]
    sizes = np.diff(edge_start)[strategic_node]
    strategic_offset = np.cumsum(sizes) - sizes - gen_strategic_edges[node_gen]
    strategic_owner = np.repeat(np.arange(len(strategic_node)) - gen_strategic[node_gen], sizes)
    owner_gen = edge_gen[strategic_edges]
    strategic_own = (actor[parent[strategic_edges]] * np.diff(gen_edges)[owner_gen]
                     + strategic_edges - gen_edges[owner_gen])
    tree = bool(np.bincount(child, minlength=n).max(initial=0) <= 1)

    with_edges = np.flatnonzero(gen_edges[1:] > gen_edges[:-1])
    first = internal[np.minimum(gen_internal[:-1], len(internal) - 1)] if len(internal) else -1
    single = np.where(np.diff(gen_internal) == 1, first, -1)
    paid_before = np.concatenate(([0], np.cumsum(paid_edges)))
    paid = paid_before[gen_edges[1:]] > paid_before[gen_edges[:-1]]
    columns = [gen_edges[:-1], gen_edges[1:], gen_nodes[:-1], gen_nodes[1:], gen_internal[:-1],
               gen_internal[1:], single, gen_strategic[:-1], gen_strategic[1:],
               gen_strategic_edges[:-1], gen_strategic_edges[1:], paid]
    levels = tuple(map(Level._make, zip(*(column[with_edges].tolist() for column in columns), strict=False)))
    level_of_gen = np.searchsorted(with_edges, np.arange(n_gen + 1))
    return dict(levels=levels, level_of_gen=level_of_gen, gen_internal=gen_internal, internal=internal,
                seg_offset=seg_offset, edge_segment=edge_segment, edge_local_parent=edge_local_parent,
                strategic=strategic, strategic_node=strategic_node, strategic_edges=strategic_edges,
                strategic_offset=strategic_offset, strategic_owner=strategic_owner,
                strategic_own=strategic_own, tree=tree)


def _generations(n: int, dst: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Longest-path depth of every node, by Kahn's algorithm one frontier at a time."""
    indegree = np.bincount(dst, minlength=n)
    tree = indegree.max(initial=0) <= 1  # then the next frontier is simply all the children
    generation = np.zeros(n, dtype=np.int64)
    frontier = np.flatnonzero(indegree == 0)
    level = 0
    done = 0
    while len(frontier):
        generation[frontier] = level
        done += len(frontier)
        if len(frontier) == 1:  # a chain: no index arithmetic
            targets = dst[start[frontier[0]]:start[frontier[0] + 1]]
        else:
            lo, hi = start[frontier], start[frontier + 1]
            sizes = hi - lo
            targets = dst[np.repeat(lo - np.cumsum(sizes) + sizes, sizes) + np.arange(sizes.sum())]
        if tree:
            frontier = targets
        else:
            np.subtract.at(indegree, targets, 1)
            ready = np.sort(targets[indegree[targets] == 0])
            frontier = ready[np.concatenate(([True], ready[1:] != ready[:-1]))] if len(ready) else ready
        level += 1
    if done != n:  # validation rejects cycles; this guards the invariant
        raise AssertionError("compile_scenario: the graph has a cycle")
    return generation

"""Tree layout (scenarios.render.layout): tidy placement and the drawn-tree plan, numerically.

No matplotlib here: the layout is pure.  Properties are checked on random trees and DAGs
(Hypothesis); expected values of small cases are worked by hand in comments.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scenarios.render import layout as lay

EPS = 1e-7


# -- random trees -------------------------------------------------------------------------------

@st.composite
def trees(draw, max_nodes: int = 60):
    """A random tree as children lists (node 0 the root), with random extents and a gap."""
    n = draw(st.integers(1, max_nodes))
    children = [[] for _ in range(n)]
    for v in range(1, n):
        # Mostly recent parents (deep, bushy trees), sometimes any earlier node (wide ones).
        lo = max(0, v - draw(st.integers(1, 6)))
        children[draw(st.integers(lo, v - 1))].append(v)
    sizes = st.floats(0.1, 20.0, allow_nan=False, allow_infinity=False)
    before = draw(st.lists(sizes, min_size=n, max_size=n))
    after = draw(st.lists(sizes, min_size=n, max_size=n))
    gap = draw(st.floats(0.0, 5.0))
    return children, before, after, gap


def levels_left_to_right(children, root=0):
    """Nodes of each depth in left-to-right order (a preorder lists them so)."""
    depth = {root: 0}
    order = []
    stack = [root]
    while stack:
        v = stack.pop()
        order.append(v)
        for c in children[v]:
            depth[c] = depth[v] + 1
        stack.extend(reversed(children[v]))
    by_level: dict[int, list[int]] = {}
    for v in order:
        by_level.setdefault(depth[v], []).append(v)
    return by_level, depth


def subtree(children, v):
    out, stack = [], [v]
    while stack:
        u = stack.pop()
        out.append(u)
        stack.extend(children[u])
    return out


class TestTidy:
    @given(trees())
    def test_no_overlap_and_order_kept(self, case):
        children, before, after, gap = case
        y = lay.tidy(children, before, after, gap=gap)
        by_level, _ = levels_left_to_right(children)
        for nodes in by_level.values():
            for a, b in zip(nodes, nodes[1:], strict=False):
                # b is to the right of a, at least the required separation away.
                assert y[b] - before[b] >= y[a] + after[a] + gap - EPS

    @given(trees())
    def test_parents_centred_over_first_and_last_child(self, case):
        children, before, after, gap = case
        y = lay.tidy(children, before, after, gap=gap)
        for v, kids in enumerate(children):
            if kids:
                assert y[v] == pytest.approx((y[kids[0]] + y[kids[-1]]) / 2, abs=EPS)

    @given(trees())
    def test_no_wider_than_needed(self, case):
        """Every last child's subtree touches its left siblings' subtrees on some level.

        So no sibling group could be pushed closer without overlapping (the width is
        no more than the node sizes force, given centred parents), and the layout's
        left edge is at 0.
        """
        children, before, after, gap = case
        y = lay.tidy(children, before, after, gap=gap)
        _, depth = levels_left_to_right(children)
        assert min(y[v] - before[v] for v in range(len(children))) == pytest.approx(0, abs=EPS)
        for kids in children:
            if len(kids) < 2:
                continue
            right = subtree(children, kids[-1])
            left = [u for k in kids[:-1] for u in subtree(children, k)]
            slack = []
            for level in {depth[u] for u in right} & {depth[u] for u in left}:
                edge = max(y[u] + after[u] for u in left if depth[u] == level)
                start = min(y[u] - before[u] for u in right if depth[u] == level)
                slack.append(start - edge - gap)
            assert min(slack) == pytest.approx(0, abs=1e-6)

    @given(trees())
    def test_deterministic(self, case):
        children, before, after, gap = case
        a = lay.tidy(children, before, after, gap=gap)
        b = lay.tidy([list(k) for k in children], list(before), list(after), gap=gap)
        assert np.array_equal(a, b)

    def test_three_leaves_by_hand(self):
        # Leaves of extent 1 either side, gap 1: centres 1, 4, 7; the root over the middle.
        assert lay.tidy([[1, 2, 3], [], [], []], [1] * 4, [1] * 4, gap=1).tolist() == [4, 1, 4, 7]

    def test_walkers_intermediate_subtrees_are_spread(self):
        # Root with a wide first subtree, two leaves, then another wide subtree: the wide
        # ones are pushed apart by their children, and the two small subtrees between them
        # are spaced evenly (Walker's apportioning), not piled against the left one.
        children = [[1, 4, 5, 6], [2, 3], [], [], [], [], [7, 8], [], []]
        size = [1.0] * 9
        y = lay.tidy(children, size, size, gap=0)
        # Level 2: leaves 2, 3, 7, 8 packed: 1, 3 and then 7, 9 (the right subtree is
        # pushed right so that its children clear 3 by 2 ... at least).
        assert y[3] - y[2] == pytest.approx(2)
        gaps = np.diff([y[1], y[4], y[5], y[6]])
        assert gaps == pytest.approx([gaps[0]] * 3)  # evenly spread

    def test_deep_chain_has_no_recursion_limit(self):
        n = 100_000
        children = [[i + 1] for i in range(n - 1)] + [[]]
        y = lay.tidy(children, [1.0] * n, [1.0] * n)
        assert len(y) == n and float(np.ptp(y)) == 0.0

    def test_empty(self):
        assert lay.tidy([], [], []).tolist() == []


class TestColumns:
    def test_by_hand(self):
        # Level 0: run 0, symbol 10, text 20 -> centre 5, bus 5 + 5 + 20 + 8 = 38.
        # Level 1: widest run 40 from 38 -> centre 38 + 40 + 5 = 83; text 50 -> end 138, bus 146.
        c = lay.columns([0, 1, 1], [0, 30, 40], [10, 10, 10], [20, 5, 50], stub=8)
        assert c.centre.tolist() == [5, 83]
        assert c.bus.tolist() == [38, 146]
        assert c.end == 138

    def test_track_zone_sits_between_runs_and_symbols(self):
        c = lay.columns([0, 1], [0, 30], [10, 10], [0, 0], track=[0, 12], stub=8)
        assert c.track_start[1] == pytest.approx(c.run_start[1] + 30)
        assert c.centre[1] == pytest.approx(c.track_start[1] + 12 + 5)


# -- the drawn tree: plan() -------------------------------------------------------------------------

@st.composite
def dags(draw, max_nodes: int = 14):
    """A random DAG with a root reaching every node (edges only from lower to higher ids)."""
    n = draw(st.integers(1, max_nodes))
    children = {i: [] for i in range(n)}
    for v in range(1, n):
        children[draw(st.integers(0, v - 1))].append(v)
    extra = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=2 * n))
    for a, b in extra:
        if a < b and b not in children[a]:
            children[a].append(b)
    for v in range(n):
        children[v] = draw(st.permutations(children[v]))
    return {f"n{v}": [f"n{c}" for c in children[v]] for v in range(n)}


def longest_depth(graph, root):
    order, seen = [], set()
    stack = [(root, False)]
    while stack:  # iterative post-order for a topological order
        v, done = stack.pop()
        if done:
            order.append(v)
            continue
        if v in seen:
            continue
        seen.add(v)
        stack.append((v, True))
        stack.extend((c, False) for c in graph[v])
    depth = {root: 0}
    for v in reversed(order):
        for c in graph[v]:
            depth[c] = max(depth.get(c, 0), depth[v] + 1)
    return depth


def discovery_order(graph, root):
    """Nodes in the order a depth-first walk (branches in order) first reaches them."""
    seen, order, stack = set(), [], [root]
    while stack:
        v = stack.pop()
        if v in seen:
            continue
        seen.add(v)
        order.append(v)
        stack.extend(reversed(graph[v]))
    return order


def count_paths(graph, root):
    """Root-to-leaf paths, by enumeration (small graphs only)."""
    total, stack = 0, [root]
    while stack:
        v = stack.pop()
        if not graph[v]:
            total += 1
        stack.extend(graph[v])
    return total


class TestPlanShared:
    @given(dags())
    def test_every_node_drawn_once_at_its_longest_depth(self, graph):
        p = lay.plan(graph, "n0")
        drawn = [n for k, n in zip(p.kind.tolist(), p.rows(), strict=False) if k == lay.NODE]
        ids = [row[1] for row in drawn]
        assert sorted(ids) == sorted(graph)  # each node exactly once
        depth = longest_depth(graph, "n0")
        for kind, node, level in p.rows():
            if kind == "node":
                assert level == depth[node]

    @given(dags())
    def test_slots_form_a_tree_in_preorder_with_levels_one_apart(self, graph):
        p = lay.plan(graph, "n0")
        assert p.parent[0] == -1
        assert all(p.parent[s] < s for s in range(1, len(p)))
        assert all(p.level[s] == p.level[p.parent[s]] + 1 for s in range(1, len(p)))

    @given(dags())
    def test_every_branch_drawn_and_labelled_exactly_once(self, graph):
        p = lay.plan(graph, "n0")
        labelled = [(p.names[u], b) for u, b, ok in zip(p.via_node.tolist(), p.via_branch.tolist(),
                                                        p.labelled.tolist(), strict=False) if ok]
        branches = [(u, i) for u, kids in graph.items() for i in range(len(kids))]
        assert sorted(labelled) == sorted(branches)

    @given(dags())
    def test_shared_nodes_converge_from_ports_beside_them(self, graph):
        """Rule: a shared node is the child of its deepest parent (first met among equals);
        each other branch into it ends in a port on its level that converges into it."""
        p = lay.plan(graph, "n0")
        parents = {v: [(u, i) for u, kids in graph.items() for i, c in enumerate(kids) if c == v]
                   for v in graph}
        assert p.shared == frozenset(p.names.index(v) for v, ps in parents.items() if len(ps) > 1)
        depth = longest_depth(graph, "n0")
        preorder = discovery_order(graph, "n0")
        for v in (p.names[k] for k in p.shared):
            (slot,) = p.slots_of(v)
            ports = [port for port, target in p.converge if target == slot]
            assert len(ports) == len(parents[v]) - 1
            assert all(p.level[q] == p.level[slot] and p.node[q] == p.node[slot] for q in ports)
            via = (p.names[p.via_node[slot]], int(p.via_branch[slot]))
            deepest = max(depth[u] for u, _ in parents[v])
            first = min((u for u, _ in parents[v] if depth[u] == deepest), key=preorder.index)
            assert via[0] == first

    @given(dags(max_nodes=9))
    def test_unshare_draws_one_copy_per_path(self, graph):
        p = lay.plan(graph, "n0", unshare=True)
        leaves = [r for r in p.rows() if r[0] == "node" and not graph[r[1]]]
        assert len(leaves) == count_paths(graph, "n0")
        assert not p.shared and not p.converge
        assert all(k == lay.NODE for k in p.kind.tolist())

    @given(dags(), st.data())
    def test_deterministic(self, graph, data):
        a, b = lay.plan(graph, "n0"), lay.plan(dict(graph), "n0")
        for field in ("kind", "node", "parent", "level", "via_node", "via_branch", "labelled"):
            assert np.array_equal(getattr(a, field), getattr(b, field))
        assert a.converge == b.converge

    def test_diamond_by_hand(self):
        p = lay.plan({"a": ["b", "c"], "b": ["d"], "c": ["d"], "d": []}, "a")
        assert p.rows() == [("node", "a", 0), ("node", "b", 1), ("node", "d", 2), ("node", "c", 1),
                            ("lane", "d", 2)]
        assert p.converge == ((4, 2),)
        assert p.labelled.tolist() == [False, True, True, True, True]

    def test_long_branch_runs_as_a_lane_labelled_once(self):
        # a -> x -> y -> d and a -> d: d is at level 3 under y; the branch a -> d crosses
        # levels 1 and 2 as lane slots and ends in a port on level 3.
        p = lay.plan({"a": ["d", "x"], "x": ["y"], "y": ["d"], "d": []}, "a")
        lanes = [s for s, k in enumerate(p.kind.tolist()) if k == lay.LANE]
        assert [int(p.level[s]) for s in lanes] == [1, 2, 3]
        assert [bool(p.labelled[s]) for s in lanes] == [True, False, False]
        assert p.converge == ((lanes[-1], p.slots_of("d")[0]),)


class TestPlanCollapse:
    graph = {"r": ["a", "b", "c"], "a": ["a1", "a2"], "b": [], "c": [], "a1": [], "a2": []}
    p = {"r": [0.7, 0.2, 0.1], "a": [0.9, 0.1]}

    def flows(self):
        # Flow = P(reach parent) x p: r->a .7, r->b .2, r->c .1, a->a1 .63, a->a2 .07.
        return {"r": [0.7, 0.2, 0.1], "a": [0.63, 0.07]}

    def test_prune_collapses_into_one_stub_per_parent(self):
        # The root's branches are first-level options: never collapsed (c: .1 stays).
        plan = lay.plan(self.graph, "r", flow=self.flows(), prune=0.15)
        rows = plan.rows()
        stubs = [s for s, k in enumerate(plan.kind.tolist()) if k == lay.STUB]
        assert [rows[s][2] for s in stubs] == [2]  # under a (a2: .07)
        assert [plan.collapsed[s] for s in stubs] == [(1,)]
        assert [plan.weight[s] for s in stubs] == pytest.approx([0.07])
        assert plan.children[1][-1] == stubs[0]  # the stub comes after the kept branches
        assert {r[1] for r in rows if r[0] == "node"} == {"r", "a", "a1", "b", "c"}

    def test_kept_branches_are_never_collapsed(self):
        # a -> a2 is branch 4 of the graph (r has 3, then a's first): a highlighted path's.
        plan = lay.plan(self.graph, "r", flow=self.flows(), prune=0.15, keep={4})
        assert {r[1] for r in plan.rows() if r[0] == "node"} == {"r", "a", "a1", "a2", "b", "c"}
        plan = lay.plan(self.graph, "r", depth=0, keep={4})
        assert {r[1] for r in plan.rows() if r[0] == "node"} == {"r", "a", "a2", "b", "c"}

    def test_prune_unshared_uses_path_probabilities(self):
        plan = lay.plan(self.graph, "r", unshare=True, probability=self.p, prune=0.15)
        ids = [r[1] for r in plan.rows() if r[0] == "node"]
        assert ids == ["r", "a", "a1", "b", "c"]
        assert sorted(plan.weight[plan.kind == lay.STUB].tolist()) == pytest.approx([0.07])

    def test_given_makes_path_probabilities_conditional(self):
        # Given the path passes a (P = .7): a1 has .63 / .7 = .9, a2 .1; b and c are 0.
        plan = lay.plan(self.graph, "r", unshare=True, probability=self.p, given="a",
                        to_given={"r": 0.7, "a": 1.0}, prune=0.05)
        weights = {r[1]: w for r, w in zip(plan.rows(), plan.weight.tolist(), strict=False) if r[0] == "node"}
        assert weights == pytest.approx({"r": 1.0, "a": 1.0, "a1": 0.9, "a2": 0.1, "b": 0.0, "c": 0.0})

    @given(dags(), st.integers(0, 4))
    def test_depth_keeps_the_first_d_levels(self, graph, d):
        p = lay.plan(graph, "n0", depth=d)
        depth = longest_depth(graph, "n0")
        drawn = {r[1] for r in p.rows() if r[0] == "node"}
        # The first-level options are always drawn, however deep their longest path.
        assert drawn == {v for v, k in depth.items() if k <= d} | {"n0", *graph["n0"]}
        assert int(p.level.max()) <= max(d, 1) + 1  # + 1: the stubs, one level below their parent
        collapsed = sum(len(c) for c in p.collapsed.values())
        kept = sum(1 for ok in p.labelled.tolist() if ok)
        assert kept + collapsed == sum(len(graph[v]) for v in drawn)

    def test_too_large_is_a_clear_error(self):
        binary = {f"n{i}": [f"n{2 * i + 1}", f"n{2 * i + 2}"] if 2 * i + 2 < 63 else [] for i in range(63)}
        with pytest.raises(lay.TooLargeError, match="--prune"):
            lay.plan(binary, "n0", max_slots=10)

    def test_bad_arguments(self):
        with pytest.raises(ValueError):
            lay.plan(self.graph, "r", prune=1.5, flow=self.flows())
        with pytest.raises(ValueError):
            lay.plan(self.graph, "r", prune=0.1)  # no flows given


def test_layout_module_does_not_import_matplotlib():
    import subprocess
    import sys

    code = "import sys, scenarios.render.layout; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

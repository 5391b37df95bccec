"""The compiled arrays and the evaluators' code paths that small scenarios never reach.

The property tests use graphs of a dozen nodes, so every generation there is "narrow".
Here a seeded scenario of ~2,000 nodes has generations wider than
``scenarios.engine.propagate.WIDE`` (the ``np.bincount`` / ``np.maximum.at`` code) and a
chain has generations of one node (the single-node code); both are checked against the
brute-force reference (``tests/reference.py``, full path enumeration) and against each
other.  Also: the per-generation index arrays against a direct recomputation, the node
index (hash search, collisions, pickling across hash seeds), outcome order with
near-equal and zero probabilities, and ``rest`` computed per node.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys

import numpy as np
import pytest

import builders
from builders import build
from reference import Reference
from scenarios.engine import belief, paths, propagate, strategic
from scenarios.engine.bind import bind
from scenarios.engine.compiled import OUTCOME, NodeIndex, _HashFinder

ACTORS = ("a", "b", "c")
TOL = 1e-9


def wide_data(seed: int, *, dag: bool = False) -> dict:
    """Root → 40 → 160 → 640 → 1280 nodes: the last two generations are wide.

    Decisions (some fixed, some with beliefs), chance nodes (some with ``rest``), branch
    payoffs on one branch in five, continuous outcome payoffs (no ties to call).  With
    ``dag`` some branches of the third generation also lead to extra outcomes shared
    between parents.
    """
    rng = np.random.default_rng(seed)
    widths = [1, 40, 160, 640, 1280]
    layers = [[f"g{g}n{i}" for i in range(w)] for g, w in enumerate(widths)]
    nodes: dict[str, dict] = {}
    shared = [f"s{i}" for i in range(50)] if dag else []
    for g, layer in enumerate(layers[:-1]):
        below = layers[g + 1]
        per = len(below) // len(layer)
        for i, node_id in enumerate(layer):
            kids = below[i * per:(i + 1) * per]
            if dag and g == 3:
                kids = kids + [shared[int(rng.integers(len(shared)))]]
            branches = [{"to": k} for k in kids]
            for branch in branches:
                if rng.random() < 0.2:
                    branch["payoffs"] = {ACTORS[int(rng.integers(3))]: round(float(rng.normal()), 3)}
            weights = rng.random(len(kids)) + 0.1
            ps = (weights / weights.sum()).tolist()
            if rng.random() < 0.5:
                node = {"kind": "decision", "actor": ACTORS[int(rng.integers(3))], "branches": branches}
                if rng.random() < 0.2:
                    node["fixed"] = True
                if rng.random() < 0.5 or node.get("fixed"):
                    for branch, p in zip(branches, ps, strict=False):
                        branch["p"] = p
            else:
                node = {"kind": "chance", "branches": branches}
                for branch, p in zip(branches, ps, strict=False):
                    branch["p"] = p
                if rng.random() < 0.3:
                    branches[-1]["p"] = "rest"
            nodes[node_id] = node
    for node_id in layers[-1] + shared:
        nodes[node_id] = {"kind": "outcome",
                          "payoffs": dict(zip(ACTORS, rng.normal(size=3).round(6).tolist(), strict=False))}
    return {"title": f"Wide {'DAG' if dag else 'tree'} {seed}",
            "actors": {a: {"name": a} for a in ACTORS}, "root": "g0n0", "nodes": nodes}


@pytest.fixture(scope="module", params=[(1, False), (2, True)], ids=["tree", "dag"])
def wide(request):
    seed, dag = request.param
    data = wide_data(seed, dag=dag)
    return data, build(data)


def test_the_wide_scenario_has_wide_and_narrow_generations(wide):
    _, s = wide
    widths = [lv.hi - lv.lo for lv in s.compiled.levels]
    assert max(widths) > propagate.WIDE and min(widths) <= propagate.WIDE
    assert s.compiled.tree == ("DAG" not in s.title)


def test_wide_belief_matches_brute_force(wide):
    data, s = wide
    ref = Reference(data).belief()
    result = s.evaluate(top=25)
    assert {o.id: o.probability for o in result.outcomes} == {
        k: pytest.approx(v, rel=TOL, abs=1e-15) for k, v in ref.outcomes.items()}
    assert result.expected_payoffs == {a: pytest.approx(v, rel=TOL, abs=TOL) for a, v in ref.expected.items()}
    assert [p.probability for p in result.paths] == [pytest.approx(p.probability, rel=TOL)
                                                     for p in ref.paths[:25]]
    given = "g2n7"
    ref = Reference(data).belief(given=given)
    result = s.evaluate(given=given)
    assert result.expected_payoffs == {a: pytest.approx(v, rel=TOL, abs=TOL) for a, v in ref.expected.items()}
    assert {n: result.reach[n] for n in ref.reach} == {
        n: pytest.approx(v, rel=TOL, abs=1e-15) for n, v in ref.reach.items()}


def test_wide_solve_matches_brute_force(wide):
    data, s = wide
    ref = Reference(data).solve()
    assert not ref.ambiguous
    result = s.solve()
    assert result.choices == ref.choices
    assert set(result.ties) == ref.ties
    assert result.expected_payoffs == {a: pytest.approx(v, rel=TOL, abs=TOL)
                                       for a, v in ref.belief.expected.items()}
    assert result.values["g1n3"] == {a: pytest.approx(v, rel=TOL, abs=TOL)
                                     for a, v in ref.values["g1n3"].items()}


def test_wide_and_narrow_code_agree(wide, monkeypatch):
    """Every generation through np.add.reduceat (WIDE huge) or through np.bincount (WIDE 0)."""
    _, s = wide
    c, p = s.compiled, bind(s).p
    runs, best = [], []
    for width in (10 ** 9, 0):
        for module in (propagate, strategic, paths):
            monkeypatch.setattr(module, "WIDE", width)
        runs.append((s.evaluate(given="g2n7"), s.evaluate(), s.solve()))
        best.append(paths._best_completion(c, p, c.kind == OUTCOME))
    assert np.array_equal(*best)  # maxima are exact, whichever way they are taken
    for narrow, wide_ in zip(*runs, strict=False):
        np.testing.assert_allclose(narrow.values_array, wide_.values_array, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(narrow.reach_array, wide_.reach_array, rtol=1e-12, atol=0)
        assert narrow.to_dict()["outcomes"] == wide_.to_dict()["outcomes"]
        assert [p.nodes for p in narrow.paths] == [p.nodes for p in wide_.paths]
    assert np.array_equal(runs[0][2].chosen_edge, runs[1][2].chosen_edge)
    assert np.array_equal(runs[0][2].tied, runs[1][2].tied)


def test_chain_single_node_generations_closed_form():
    # builders.deep_chain: the closed forms are geometric series (see its docstring).
    n = 3000
    s = build(builders.deep_chain(n))
    assert all(lv.single >= 0 for lv in s.compiled.levels)
    assert s.evaluate().expected_payoffs["walker"] == pytest.approx(builders.deep_chain_expected(n),
                                                                    rel=1e-12)
    assert s.solve().expected_payoffs["walker"] == pytest.approx(
        builders.deep_chain_expected(n, solved=True), rel=1e-12)


def test_level_arrays_match_a_direct_recomputation(wide):
    _, s = wide
    c = s.compiled
    for array in (c.parent, c.child, c.p_const, c.internal, c.edge_local_parent, c.strategic_edges):
        assert not array.flags.writeable
    seen_edges = 0
    for lv in c.levels:
        assert lv.lo == seen_edges
        assert np.all(c.parent[lv.lo:lv.hi] >= lv.n0) and np.all(c.parent[lv.lo:lv.hi] < lv.n1)
        seen_edges = lv.hi
        nodes = np.unique(c.parent[lv.lo:lv.hi])
        assert np.array_equal(c.internal[lv.s0:lv.s1], nodes)
        assert np.array_equal(c.seg_offset[lv.s0:lv.s1], c.edge_start[nodes] - lv.lo)
        assert np.array_equal(c.edge_local_parent[lv.lo:lv.hi], c.parent[lv.lo:lv.hi] - lv.n0)
        assert np.array_equal(nodes[c.edge_segment[lv.lo:lv.hi]], c.parent[lv.lo:lv.hi])
        assert lv.single == (nodes[0] if len(nodes) == 1 else -1)
        assert lv.paid == bool(np.any(c.edge_payoff_const[lv.lo:lv.hi] != 0))
        solved = nodes[c.strategic[nodes]]
        assert np.array_equal(c.strategic_node[lv.t0:lv.t1], solved)
        edges = np.flatnonzero(np.isin(c.parent, solved))
        assert np.array_equal(c.strategic_edges[lv.u0:lv.u1], edges)
        width = lv.hi - lv.lo
        assert np.array_equal(c.strategic_own[lv.u0:lv.u1], c.actor[c.parent[edges]] * width + edges - lv.lo)
        assert np.array_equal(solved[c.strategic_owner[lv.u0:lv.u1]], c.parent[edges])
    assert seen_edges == c.n_edges
    assert [c.ids[i] for i in c.outcomes] == [n for n in s.nodes if s.nodes[n].kind == "outcome"]


# -- the node index -----------------------------------------------------------------------------
def test_node_index_is_a_read_only_mapping(wide):
    _, s = wide
    index = s.compiled.index
    assert len(index) == s.compiled.n_nodes and list(index) == list(s.compiled.ids)
    assert all(index[node_id] == i for i, node_id in enumerate(s.compiled.ids))  # past the dict switch
    fresh = NodeIndex(s.compiled.ids)
    assert fresh["g3n5"] == s.compiled.ids.index("g3n5") and "nowhere" not in fresh
    assert fresh.get("nowhere") is None and dict(fresh) == dict(index)
    with pytest.raises(KeyError):
        fresh["nowhere"]


class Colliding(str):
    """A node id whose hash collides with every other's."""

    def __hash__(self):
        return 7


def test_node_index_and_finder_survive_hash_collisions():
    ids = tuple(Colliding(x) for x in ("x", "y", "z"))
    index = NodeIndex(ids)
    assert [index[i] for i in ids] == [0, 1, 2] and Colliding("w") not in index
    finder = _HashFinder(list(ids))
    assert not finder.unique
    assert finder.positions([ids[2], ids[0], ids[2]]).tolist() == [2, 0, 2]
    assert finder.position(ids[1]) == 1


def test_node_index_pickles_across_hash_seeds(tmp_path):
    # String hashes differ between processes; a pickled index must rebuild its hashes.
    s = build(builders.diamond_dag())
    path = tmp_path / "index.pickle"
    path.write_bytes(pickle.dumps(s.compiled.index))
    code = ("import pickle, sys; ix = pickle.loads(open(sys.argv[1], 'rb').read()); "
            "print({k: ix[k] for k in ix})")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                         env={**os.environ, "PYTHONHASHSEED": "12345"}, check=True).stdout
    assert out.strip() == str({k: i for i, k in enumerate(s.compiled.ids)})


# -- outcome order --------------------------------------------------------------------------
def _order(s, values: dict[str, float]) -> list[str]:
    c = s.compiled
    reach = np.zeros(c.n_nodes)
    for node_id, value in values.items():
        reach[c.index[node_id]] = value
    return [c.ids[i] for i in belief.outcome_order(c, reach)]


@pytest.fixture(scope="module")
def five():
    data = {"title": "Five", "nodes": {
        "r": {"kind": "chance", "branches": [{"to": k, "p": 0.2} for k in ("o1", "o2", "o3", "o4", "o5")]},
        **{k: {"kind": "outcome"} for k in ("o1", "o2", "o3", "o4", "o5")}}}
    return build(data)


def test_outcome_order_ties_at_twelve_significant_digits(five):
    # 0.1*0.2*0.3 = 0.006000000000000001 and 0.006 are the same probability (listing order:
    # o1, o2, o5); 0.00600000000001 differs from them in the 12th significant digit, so it
    # is larger, and comes first.
    assert _order(five, {"o1": 0.006, "o2": 0.1 * 0.2 * 0.3, "o3": 0.00600000000001,
                         "o4": 0.5, "o5": 0.006}) == ["o4", "o3", "o1", "o2", "o5"]


def test_outcome_order_zero_last_and_tiny_ties_in_listing_order(five):
    assert _order(five, {"o1": 0.0, "o2": 1e-300, "o3": 0.0, "o4": 1e-300, "o5": 0.25}) == \
        ["o5", "o2", "o4", "o1", "o3"]


def test_outcome_order_matches_a_stable_sort_on_rounded_probabilities():
    s = build(wide_data(3))
    c = s.compiled
    rng = np.random.default_rng(0)
    outcomes = c.outcomes
    for _ in range(20):
        reach = np.zeros(c.n_nodes)
        # Few distinct values, some computed two ways, some zero: many ties to break.
        base = rng.choice([0.0, 0.1 * 0.2 * 0.3, 0.006, 0.25, 1e-9, 1 / 3], size=len(outcomes))
        reach[outcomes] = base * rng.choice([1.0, 1.0 + 2 ** -52], size=len(outcomes))
        rounded = np.array([float(f"{x:.12g}") for x in reach[outcomes]])
        expected = outcomes[np.argsort(-rounded, kind="stable")]
        assert np.array_equal(belief.outcome_order(c, reach), expected)


# -- rest ---------------------------------------------------------------------------------------
def test_rest_is_computed_per_node():
    # 3,000 chance nodes going on with 0.9999, rest to a side outcome: every rest is exactly
    # 1 - 0.9999 (a running sum over all edges, as before, is off by ~1e-8 relative here).
    n = 3000
    nodes = {f"c{i}": {"kind": "chance", "branches": [
        {"to": f"c{i + 1}" if i + 1 < n else "end", "p": 0.9999}, {"to": f"o{i}", "p": "rest"}]}
        for i in range(n)}
    nodes.update({f"o{i}": {"kind": "outcome"} for i in range(n)})
    nodes["end"] = {"kind": "outcome"}
    s = build({"title": "Chain", "root": "c0", "nodes": nodes})
    p = bind(s).p
    assert set(p[s.compiled.p_rest].tolist()) == {1 - 0.9999}
    assert s.compiled.kind[s.compiled.index["end"]] == OUTCOME

"""The loader's shortcuts for big trees against its full checks (issue 10).

Three shortcuts let a million plain nodes load without a message being worded:
``io/plain.py`` builds a plain node directly, ``whole._nothing_to_report`` passes a node
whose numbers are all known good, and ``whole._listed_in_order`` settles the graph check
over arrays when the file lists parents before children.  Each may decline, never decide:
with the three switched off, every file must load to the same Scenario (field by field)
with the same warnings, or fail with the same messages in the same order.
"""

from __future__ import annotations

import dataclasses
import json
import math
import random
import warnings
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import builders
from scenarios.errors import ScenarioFileError
from scenarios.expressions import Expression
from scenarios.io import build, plain, read, whole
from scenarios.io.catalog import bundled_names, bundled_path
from scenarios.model import Actor, Branch, Node

DATA = Path(__file__).parent / "data"
FILES = sorted(p for p in DATA.rglob("*") if p.suffix in (".yaml", ".json") and p.parent.name != "hostile")
BUNDLED = [bundled_path(name) for name in bundled_names()]


@contextmanager
def shortcuts_off():
    saved = build.plain_reader, whole._nothing_to_report, whole._listed_in_order
    build.plain_reader = lambda *args: lambda *node: None
    whole._nothing_to_report = lambda *args: False
    whole._listed_in_order = lambda *args: False
    try:
        yield
    finally:
        build.plain_reader, whole._nothing_to_report, whole._listed_in_order = saved


def outcome(text: str, filename: str):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scenario = read._read(text, filename, None)
    except ScenarioFileError as exc:
        return ("error", None, [str(d) for d in exc.diagnostics])
    return ("ok", scenario, [str(d) for d in scenario.warnings])


def assert_same(text: str, filename: str = "m.json") -> str:
    quick = outcome(text, filename)
    with shortcuts_off():
        full = outcome(text, filename)
    assert quick[0] == full[0] and quick[2] == full[2], (quick[2], full[2])
    if full[0] == "ok":
        a, b = quick[1], full[1]
        assert a == b
        for node_id, node in b.nodes.items():  # field by field, labels and frozen payoffs too
            other = a.nodes[node_id]
            for name in node.__dataclass_fields__:
                assert getattr(other, name) == getattr(node, name), (node_id, name)
            assert type(other.payoffs) is type(node.payoffs)
            for x, y in zip(other.branches, node.branches, strict=True):
                for name in y.__dataclass_fields__:
                    assert getattr(x, name) == getattr(y, name), (node_id, name)
                assert str(x.p) == str(y.p)  # 1 and 1.0 read alike, never as True
    return full[0]


@pytest.mark.parametrize("path", FILES + BUNDLED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_file_reads_the_same_with_and_without_the_shortcuts(path):
    assert_same(path.read_text(encoding="utf-8"), path.name)


def tree(seed: int, size: int = 40) -> dict:
    """A generated tree whose numbers repeat (so most nodes are read by the shortcut)."""
    rng = random.Random(seed)
    nodes: dict = {}
    todo, count = ["n0"], 1
    while todo:
        node_id = todo.pop(0)
        if count >= size or rng.random() < 0.3:
            nodes[node_id] = {"kind": "outcome", "payoffs": {"a": rng.choice([1, 2.5, -1]), "b": rng.choice([1, 3])}}
            continue
        kind = rng.choice(["chance", "decision"])
        kids = [f"n{count + i}" for i in range(2)]
        count += 2
        todo += kids
        branches = [{"to": k} for k in kids]
        if kind == "chance":
            branches[0]["p"], branches[1]["p"] = rng.choice([(0.5, 0.5), (0.25, 0.75), (0.25, "rest")])
        nodes[node_id] = {"kind": kind, "branches": branches, "label": f"Node {node_id}"}
        if kind == "decision":
            nodes[node_id]["actor"] = rng.choice(["a", "b"])
    items = list(nodes.items())
    if seed % 3 == 0:  # not always parents first: the graph check's order shortcut declines
        rng.shuffle(items)
        items.sort(key=lambda kv: kv[0] != "n0")
    return {"title": "t", "actors": {"a": {}, "b": {}}, "root": "n0", "nodes": dict(items)}


_VALUES = st.one_of(st.none(), st.booleans(), st.sampled_from([0, -0.0, 1, 1.0, 0.5, 0.25, 2.5, float("nan"), 10**400]),
                    st.sampled_from(["rest", "a", "b", "c", "n1", "n2", "n0", "0.5", "x +", "\x1b[2J", "ok\u0085",
                                     "chance", "decision", "outcome", "\ud800"]),
                    st.lists(st.sampled_from(["a", 1, None]), max_size=2),
                    st.dictionaries(st.sampled_from(["to", "p", "kind", "a", "label", "tags", "fixed"]),
                                    st.sampled_from([0, 1, 0.5, "n1", "x", True]), max_size=2))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 50), st.randoms(use_true_random=False), st.lists(st.tuples(_VALUES, st.sampled_from(
    ["replace", "delete", "rename", "copy"])), min_size=1, max_size=3))
def test_mutated_trees_read_the_same_with_and_without_the_shortcuts(seed, rng: random.Random, edits):
    data = tree(seed)
    for value, action in edits:
        builders.mutate(data, rng, value, action)
    try:
        text = json.dumps(data)
    except (ValueError, TypeError):
        return
    assert_same(text)


def test_a_generated_tree_is_read_by_the_shortcuts(monkeypatch):
    """The shortcuts are taken (not only harmless): all but the first few nodes are plain."""
    full_reads = []
    real = build._node
    monkeypatch.setattr(build, "_node", lambda *a: full_reads.append(a[1]) or real(*a))
    data = tree(1, size=400)
    assert assert_same(json.dumps(data)) == "ok"
    assert 0 < len(full_reads) <= 12, len(full_reads)  # each new number is read fully once


def test_plain_nodes_decline_what_they_cannot_vouch_for():
    shared = {0.5: object(), 1: object()}
    for entry in ({"kind": "chance", "branches": [{"to": "b", "p": True}]},  # a bool equals 1
                  {"kind": "chance", "branches": [{"to": "b", "p": 0.5}, {"to": "b", "p": 0.5}]},  # duplicate
                  {"kind": "chance", "label": "\x1b]0;x\x07", "branches": [{"to": "b", "p": 1}]},
                  {"kind": "chance", "tags": ["x"], "branches": [{"to": "b", "p": 1}]},
                  {"kind": ["chance"], "branches": [{"to": "b", "p": 1}]},
                  {"kind": "outcome", "actor": None}, {"kind": "outcome", "text": None}):
        assert plain.plain_reader({"b": 1}, {}, {}, shared, plain.Gathered())("a", entry) is None, entry


def test_plain_nodes_are_built_field_for_field_as_the_dataclass_builds_them():
    """The quick builders fill every slot (a field added to the model and not set there would
    be an unset slot) with what the dataclass's own constructor gives."""
    payoffs = MappingProxyType({"x": Expression.number(1)})
    branch = plain._branch("b", "B", None, payoffs, "t")
    node = plain._node("a", "decision", "A", None, "x", (branch,), payoffs)
    assert type(node) is Node and type(branch) is Branch
    assert node == Node("a", "decision", "A", actor="x", branches=(Branch("b", "B", payoffs=payoffs, text="t"),),
                        payoffs=payoffs)
    for made in (node, branch):
        for field in dataclasses.fields(made):
            getattr(made, field.name)  # every slot set
    with pytest.raises(dataclasses.FrozenInstanceError):
        node.label = "changed"  # type: ignore[misc]


def test_settled_nodes_follow_the_base_case_rule():
    """The quick reading settles a node by _nothing_to_report's rule, from the raw numbers."""
    shared = {x: Expression.number(x) for x in (0.5, 0.25, 0.75, 1, 2.5, 1.5)}
    shared["q"] = Expression.parse("q")
    nodes = {"b": {"kind": "outcome"}, "c": {"kind": "outcome"}}
    actors = {"x": Actor("x", "X")}
    cases = [({"kind": "chance", "branches": [{"to": "b", "p": 0.5}, {"to": "c", "p": 0.5}]}, True),
             ({"kind": "chance", "branches": [{"to": "b", "p": 0.25}, {"to": "c", "p": 0.5}]}, False),
             ({"kind": "chance", "branches": [{"to": "b", "p": 1.5}, {"to": "c", "p": 0.5}]}, False),
             ({"kind": "chance", "branches": [{"to": "b", "p": 0.25}, {"to": "c", "p": "rest"}]}, False),
             ({"kind": "chance", "branches": [{"to": "b", "p": "q"}, {"to": "c", "p": 0.5}]}, False),
             ({"kind": "decision", "actor": "x", "branches": [{"to": "b"}, {"to": "c"}]}, True),
             ({"kind": "decision", "actor": "x", "branches": [{"to": "b", "p": 0.25}, {"to": "c"}]}, False),
             ({"kind": "decision", "actor": "x", "branches": [{"to": "b", "payoffs": {"x": "q"}}]}, False),
             ({"kind": "outcome", "payoffs": {"x": 2.5}}, True),
             ({"kind": "outcome", "payoffs": {"x": "q"}}, False)]
    for entry, settles in cases:
        gathered = plain.Gathered()
        node = plain.plain_reader({"b": 1, "c": 2}, plain.labels_of(nodes), actors, shared, gathered)("a", entry)
        assert node is not None, entry
        assert (gathered.checks == []) is settles, entry
        assert whole._nothing_to_report(node, {id(e): float(k) for k, e in shared.items() if k != "q"}) is settles


def test_the_tolerances_agree():
    assert plain._TOLERANCE == whole.PROBABILITY_TOLERANCE


def test_a_known_number_out_of_range_is_still_a_bad_probability():
    """1.5 and -0.5 sum to 1 and are known (as payoffs) before the chance node is checked."""
    data = {"title": "t", "actors": {"a": {}}, "nodes": {
        "x": {"kind": "decision", "actor": "a", "branches": [{"to": "y", "payoffs": {"a": 1.5}},
                                                            {"to": "z", "payoffs": {"a": -0.5}}]},
        "y": {"kind": "chance", "branches": [{"to": "z", "p": 1.5}, {"to": "w", "p": -0.5}]},
        "z": {"kind": "outcome"}, "w": {"kind": "outcome"}}}
    assert assert_same(json.dumps(data)) == "error"
    assert "outside [0, 1]" in outcome(json.dumps(data), "m.json")[2][0]


@pytest.mark.parametrize("ids, ok", [(["a", "b-2", "_c"], True), (["a", "2b"], False), (["a\nb"], False),
                                     (["a\n"], False), ([""], False), (["é"], False), (["-a"], False),
                                     ([1], False), (["a b"], False)])
def test_node_ids_are_checked_at_once_as_one_by_one(ids, ok):
    """The one-pass check of every node id agrees with the loader's NODE_ID rule."""
    assert plain.all_node_ids_ok(dict.fromkeys(ids)) is ok
    assert ok == all(isinstance(i, str) and build.NODE_ID.match(i) is not None for i in ids)


def test_a_number_not_read_before_is_read_as_the_full_reading_reads_it():
    """A finite number is read and shared by the quick reading; a non-finite one (or an
    integer too big for a float) is left to the full reading, which reports it."""
    shared: dict = {}
    read = plain.plain_reader({"b": 1}, {}, {"x": Actor("x", "X")}, shared, plain.Gathered())
    node = read("a", {"kind": "outcome", "payoffs": {"x": 2.5}})
    assert node is not None and node.payoffs["x"] is shared[2.5] and shared[2.5].source == 2.5
    for bad in (float("inf"), float("nan"), 10**400):
        assert read("a", {"kind": "outcome", "payoffs": {"x": bad}}) is None
    big = {"title": "t", "actors": {"a": {}}, "nodes": {"r": {"kind": "chance", "branches": [
        {"to": f"o{i}", "p": 0.001} for i in range(1000)]}, **{f"o{i}": {"kind": "outcome", "payoffs": {"a": i}}
                                                             for i in range(1000)}}}
    assert assert_same(json.dumps(big)) == "ok"


def test_zero_is_read_with_its_sign_and_never_shared():
    shared: dict = {}
    read = plain.plain_reader({"b": 1}, {}, {"x": Actor("x", "X"), "y": Actor("y", "Y")}, shared, plain.Gathered())
    node = read("a", {"kind": "outcome", "payoffs": {"x": -0.0, "y": 0}})
    assert node is not None and shared == {}
    assert math.copysign(1, node.payoffs["x"].source) == -1 and math.copysign(1, node.payoffs["y"].source) == 1

"""Validation: every error class of the contract with its code, line and column.

The files in data/invalid/ have one problem each; their ``# expect: CODE LINE:COL TEXT``
header lines give the expected diagnostics (``*`` when the position is not fixed by the
contract), worked out by counting lines and columns in the file by hand.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import networkx as nx
import pytest

import builders
import scenarios
from builders import DATA, build
from scenarios.errors import ScenarioFileError, ScenarioWarning, UnreachableNodeError, shorten
from scenarios.model import REST

INVALID = sorted((DATA / "invalid").glob("*.yaml"))
EXPECT = re.compile(r"# expect: (?P<code>[a-z-]+) (?P<pos>\*|\d+:\d+) (?P<text>.+)")


def expectations(path: Path) -> list[re.Match]:
    found = [EXPECT.fullmatch(line) for line in path.read_text().splitlines()
             if line.startswith("# expect:")]
    assert found and all(found), f"{path.name}: malformed '# expect:' header"
    return found


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_file(path):
    with pytest.raises(ScenarioFileError) as excinfo:
        scenarios.load(path)
    errors = excinfo.value.errors
    expected = expectations(path)
    assert len(errors) == len(expected), [str(d) for d in errors]
    for want in expected:
        matching = [d for d in errors if d.code == want["code"]
                    and (want["pos"] == "*" or f"{d.line}:{d.col}" == want["pos"])]
        assert matching, f"no {want['code']} at {want['pos']} in {[str(d) for d in errors]}"
        assert any(want["text"] in d.message for d in matching), [d.message for d in matching]
    for d in errors:
        assert d.file == str(path)
        assert str(d) == f"{path}:{d.line}:{d.col}: error: {shorten(d.message)}"  # long echoes are cut
    assert str(excinfo.value).splitlines()[0].startswith(f"{path}:")


def test_every_contract_error_class_has_a_file():
    """The contract's list of errors, each covered by at least one data/invalid file."""
    codes = {m["code"] for path in INVALID for m in expectations(path)}
    assert {"unknown-key", "duplicate-key", "unknown-node", "unknown-actor", "unknown-parameter",
            "unknown-source", "cycle", "probability-range", "probability-sum", "rest",
            "missing-actor", "outcome-branches", "no-branches", "non-finite", "expression",
            "parameter-cycle", "syntax", "type", "empty", "tag"} <= codes


def test_cycle_is_listed():
    with pytest.raises(ScenarioFileError) as excinfo:
        scenarios.load(DATA / "invalid" / "cycle.yaml")
    (d,) = excinfo.value.errors
    ring = d.message.split(":", 1)[1].split("(")[0].strip().split(" → ")
    assert ring[0] == ring[-1]  # closed: a → b → c → a
    assert sorted(ring[:-1]) == ["a", "b", "c"]
    # a rotation of a → b → c
    start = ring.index("a")
    assert (ring[start:-1] + ring[:start]) == ["a", "b", "c"]
    assert d.line in (5, 8, 11) and d.col == 3  # the key of a node on the cycle


def test_self_loop_is_a_cycle():
    data = builders.coin_flip()
    data["nodes"]["flip"]["branches"][1]["to"] = "flip"
    with pytest.raises(ScenarioFileError) as excinfo:
        build(data)
    assert [d.code for d in excinfo.value.errors] == ["cycle"]
    assert "flip → flip" in excinfo.value.errors[0].message


def test_parameter_cycle_is_listed():
    with pytest.raises(ScenarioFileError) as excinfo:
        scenarios.load(DATA / "invalid" / "parameter_cycle.yaml")
    (d,) = excinfo.value.errors
    assert "a" in d.message and "b" in d.message and "→" in d.message


# -- several errors at once ---------------------------------------------------------------------
MANY_NAME_ERRORS = """\
title: Many errors
actors:
  entrant: {name: Entrant}
sources:
  s1: {title: One}
nodes:
  entry:
    kind: decision
    actor: entrnt
    branches:
      - {to: stay_out, p: 0.5}
      - {to: respons, p: 0.5}
  stay_out:
    kind: outcome
    payof: {entrant: 0}
    source: s2
  response:
    kind: decision
    branches: [{to: stay_out}]
"""


def test_several_errors_in_one_file_are_reported_at_once():
    with pytest.raises(ScenarioFileError) as excinfo:
        scenarios.loads(MANY_NAME_ERRORS, filename="many.yaml")
    got = [(d.code, d.line, d.col) for d in excinfo.value.errors]
    assert got == [
        ("unknown-actor", 9, 12),
        ("unknown-node", 12, 14),
        ("unknown-key", 15, 5),
        ("unknown-source", 16, 13),
        ("missing-actor", 17, 3),
    ]  # sorted by position
    lines = str(excinfo.value).splitlines()
    assert sum(": error: " in line for line in lines) == 5
    # 'response' is unreachable (its only parent's branch is broken): a warning rides along.
    assert [d.code for d in excinfo.value.diagnostics if d.severity == "warning"] == ["unreachable"]


def test_several_probability_errors_are_reported_at_once():
    text = """\
title: Probabilities
parameters: {q: 0.5}
nodes:
  a:
    kind: chance
    branches: [{to: b, p: 0.5}, {to: c, p: 0.4}]
  b:
    kind: chance
    branches: [{to: c, p: q}, {to: d, p: 2}]
  c:
    kind: chance
    branches: [{to: d, p: rest}, {to: e, p: rest}]
  d: {kind: outcome}
  e: {kind: outcome}
"""
    with pytest.raises(ScenarioFileError) as excinfo:
        scenarios.loads(text)
    assert [d.code for d in excinfo.value.errors] == ["probability-sum", "probability-range", "rest"]
    assert "0.9" in excinfo.value.errors[0].message and "'a'" in excinfo.value.errors[0].message


def test_name_errors_and_probability_errors_are_reported_together():
    text = """\
title: Two kinds of problem
nodes:
  a:
    kind: chance
    branches: [{to: b, p: 0.5}, {to: c, p: 0.4}]
  b: {kind: outcome, colour: red}
  c: {kind: outcome}
"""
    with pytest.raises(ScenarioFileError) as excinfo:
        scenarios.loads(text)
    assert sorted(d.code for d in excinfo.value.errors) == ["probability-sum", "unknown-key"]


# -- warnings ------------------------------------------------------------------------------------
def test_unreachable_node_is_a_warning_not_an_error():
    path = DATA / "valid" / "unreachable_node.yaml"
    with pytest.warns(ScenarioWarning, match="'orphan' cannot be reached"):
        s = scenarios.load(path)
    (w,) = s.warnings
    assert (w.severity, w.code, w.line, w.col) == ("warning", "unreachable", 8, 3)
    assert str(w).startswith(f"{path}:8:3: warning: ")
    result = s.evaluate()
    assert result.probability("orphan") == 0.0
    assert sum(o.probability for o in result.outcomes) == pytest.approx(1.0)
    with pytest.raises(UnreachableNodeError):
        s.evaluate(given="orphan")


def test_valid_files_give_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in ("shared_outcome_dag.yaml", "rest_probability.yaml", "everything.yaml"):
            assert scenarios.load(DATA / "valid" / name).warnings == ()


# -- what a valid file becomes ----------------------------------------------------------------
def test_every_optional_key_is_read():
    s = scenarios.load(DATA / "valid" / "everything.yaml")
    assert (s.id, s.title, s.as_of, s.root) == ("every-key", "Every key", "2022-02-16", "start")
    assert s.summary.startswith("A scenario")
    assert s.sources["src"].url == "https://example.org"
    assert s.actors["alice"].color == "tab:blue" and s.actors["bob"].name == "Bob"
    q = s.parameters["q"]
    assert (q.low, q.high, q.dist.kind, q.dist.args) == (0.1, 0.9, "beta", (4.0, 6.0))
    assert {p.dist.kind for p in s.parameters.values() if p.dist} == {
        "beta", "uniform", "triangular", "normal", "lognormal", "fixed"}
    start = s.nodes["start"]
    assert (start.label, start.text, start.quote, start.historical) == (
        "Start", "Alice decides.", "A quotation.", True)
    assert start.source == ("src",)
    assert start.branches[0].text == "She gambles."
    assert start.branches[1].p is REST
    assert s.nodes["gamble"].fixed and s.nodes["gamble"].tags == ("middle",)
    assert s.nodes["lose"].tags == ("bad",)  # a single tag may be written as text
    # Hand: start: gamble (p = q = 0.4, branch payoff alice -2) or safe (0.6, alice 0.5).
    # gamble: bob +1, then win/lose 0.5 each: win alice 2*cost = 4, bob -1; lose alice -1,
    # bob max(2, 3) = 3.  E[alice] = 0.4*(-2 + 0.5*4 + 0.5*(-1)) + 0.6*0.5 = -0.2 + 0.3 = 0.1;
    # E[bob] = 0.4*(1 + 0.5*(-1) + 0.5*3) = 0.8.
    e = s.evaluate().expected_payoffs
    assert e["alice"] == pytest.approx(0.1) and e["bob"] == pytest.approx(0.8)


def test_defaults():
    s = build({"title": "Defaults", "actors": {"u": {}},
               "nodes": {"first": {"kind": "decision", "actor": "u",
                                   "branches": [{"to": "x"}, {"to": "y", "label": "Why"}]},
                         "x": {"kind": "outcome", "label": "Ex"},
                         "y": {"kind": "outcome"}}})
    assert s.root == "first"  # the first node listed
    assert s.id == "scenario" or s.id  # no file name: some id
    assert s.actors["u"].name == "u"  # name defaults to the key
    assert s.nodes["y"].label == "y"  # label defaults to the id
    assert [b.label for b in s.nodes["first"].branches] == ["Ex", "Why"]  # child's label
    assert [b.p for b in s.nodes["first"].branches] == [None, None]
    assert s.evaluate().outcomes[0].probability == 0.5  # equal weights


def test_id_defaults_to_the_file_name(write):
    path = write(builders.entry_deterrence_yaml(), "my-game.yaml")
    assert scenarios.load(path).id == "my-game"
    assert scenarios.loads("id: explicit\n" + builders.entry_deterrence_yaml()).id == "explicit"


def test_explicit_root_that_is_not_listed_first():
    data = builders.entry_deterrence()
    data["root"] = "response"
    with pytest.warns(ScenarioWarning):  # entry and stay_out become unreachable
        s = scenarios.loads(builders.to_yaml(data))
    assert s.root == "response"
    assert s.evaluate().expected_payoffs["entrant"] == pytest.approx(0.3 * -1 + 0.7 * 1)


def test_unknown_root():
    data = builders.entry_deterrence()
    data["root"] = "respons"
    with pytest.raises(ScenarioFileError, match="did you mean 'response'"):
        build(data)


def test_node_ids_may_use_hyphens_and_underscores():
    s = build({"title": "t", "nodes": {"_a-1": {"kind": "chance", "branches": [{"to": "b-2", "p": 1}]},
                                       "b-2": {"kind": "outcome"}}})
    assert s.evaluate().outcomes[0].id == "b-2"


def test_graph_is_a_frozen_multidigraph(entry):
    g = entry.graph
    assert isinstance(g, nx.MultiDiGraph) and nx.is_frozen(g)
    assert set(g.edges(keys=True)) == {("entry", "stay_out", 0), ("entry", "response", 1),
                                       ("response", "war", 0), ("response", "share", 1)}
    assert g.nodes["response"]["actor"] == "incumbent"
    assert g.edges["entry", "response", 1]["index"] == 1
    with pytest.raises(nx.NetworkXError):
        g.add_edge("war", "entry")


def test_scenario_parts_are_read_only(entry):
    with pytest.raises(TypeError):
        entry.nodes["x"] = entry.nodes["war"]  # type: ignore[index]
    with pytest.raises((AttributeError, TypeError)):
        entry.nodes["war"].kind = "chance"  # type: ignore[misc]
    with pytest.raises(TypeError):
        entry.nodes["war"].payoffs["entrant"] = 5  # type: ignore[index]


def test_loading_twice_gives_equal_scenarios():
    a = scenarios.loads(builders.entry_deterrence_yaml())
    b = scenarios.Scenario.from_dict(builders.entry_deterrence())
    assert a == b
    c = scenarios.Scenario.from_dict(builders.coin_flip())
    assert a != c


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        pytest.param(lambda d: d.update(title=["a"]), "type", id="title-list"),
        pytest.param(lambda d: d.update(nodes=[]), "type", id="nodes-list"),
        pytest.param(lambda d: d.update(nodes={}), "type", id="nodes-empty"),
        pytest.param(lambda d: d.pop("nodes"), "missing-key", id="nodes-missing"),
        pytest.param(lambda d: d["nodes"].update(war=3), "type", id="node-not-mapping"),
        pytest.param(lambda d: d["nodes"]["war"].pop("kind"), "missing-key", id="kind-missing"),
        pytest.param(lambda d: d["nodes"]["entry"]["branches"].append(5), "type", id="branch-not-mapping"),
        pytest.param(lambda d: d["nodes"]["entry"]["branches"][0].pop("to"), "missing-key",
                     id="branch-without-to"),
        pytest.param(lambda d: d["nodes"]["war"].update(payoffs=[1]), "type", id="payoffs-list"),
        pytest.param(lambda d: d["nodes"]["war"].update(tags=[1]), "type", id="tags-numbers"),
        pytest.param(lambda d: d["nodes"]["war"].update(historical="yes"), "type", id="historical-text"),
        pytest.param(lambda d: d["nodes"]["entry"].update(fixed=1), "type", id="fixed-number"),
        pytest.param(lambda d: d["nodes"]["war"]["payoffs"].update(entrant=True), "type", id="payoff-bool"),
        pytest.param(lambda d: d["nodes"]["war"]["payoffs"].update(entrant=None), "type", id="payoff-null"),
        pytest.param(lambda d: d["nodes"]["war"]["payoffs"].update(entrant=float("inf")), "non-finite",
                     id="payoff-inf"),
        pytest.param(lambda d: d["nodes"]["war"]["payoffs"].update(entrant=10 ** 400), "non-finite",
                     id="payoff-huge-int"),
        pytest.param(lambda d: d["nodes"]["entry"]["branches"][0].update(p=float("nan")), "non-finite",
                     id="p-nan"),
        pytest.param(lambda d: d["nodes"]["entry"]["branches"][0].update(p="1e999"), "expression",
                     id="p-1e999"),
        pytest.param(lambda d: d.update(parameters={"q": {"low": 0}}), "missing-key", id="parameter-no-value"),
        pytest.param(lambda d: d.update(parameters={"bad name": 1}), "name", id="parameter-name"),
        pytest.param(lambda d: d.update(parameters={"q": {"value": 1, "dist": {"gauss": [0, 1]}}}), "dist",
                     id="dist-unknown"),
        pytest.param(lambda d: d.update(parameters={"q": {"value": 1, "dist": {"normal": [0]}}}), "dist",
                     id="dist-arity"),
        pytest.param(lambda d: d.update(sources={"s": {"publisher": "p"}}), "missing-key", id="source-title"),
    ],
)
def test_shape_errors(mutate, code):
    data = builders.entry_deterrence()
    mutate(data)
    with pytest.raises(ScenarioFileError) as excinfo:
        build(data, filename="mutated.yaml")
    assert code in [d.code for d in excinfo.value.errors]
    assert all(d.file == "mutated.yaml" for d in excinfo.value.diagnostics)

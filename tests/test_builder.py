"""The Python builder: same scenario as the file, same validation, Python-side locations."""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings

import builders
import scenarios
from scenarios import ScenarioBuilder
from scenarios.builder import BUILDER, BuilderDiagnostic, describe
from scenarios.errors import ScenarioFileError, ScenarioWarning
from scenarios.expressions import Expression
from scenarios.model import REST
from test_dump import build as build_data
from test_dump import documents

HERE = __file__


def line_of(marker: str) -> int:
    """The line of this file holding ``marker`` (in a comment on the builder call)."""
    for number, text in enumerate(open(HERE, encoding="utf-8"), start=1):
        if f"# <{marker}>" in text:
            return number
    raise LookupError(marker)


def entry_deterrence_builder() -> ScenarioBuilder:
    b = ScenarioBuilder("Entry deterrence", id="entry")
    b.actor("entrant", "Entrant").actor("incumbent", "Incumbent")
    b.decision("entry", actor="entrant") \
        .branch("stay_out", label="Stay out", p=0.5) \
        .branch("response", label="Enter", p=0.5)
    b.decision("response", actor="incumbent") \
        .branch("war", label="Fight", p=0.3) \
        .branch("share", label="Accommodate", p=0.7)
    b.outcome("stay_out", payoffs={"entrant": 0, "incumbent": 2})
    b.outcome("war", payoffs={"entrant": -1, "incumbent": -1})
    b.outcome("share", payoffs={"entrant": 1, "incumbent": 1})
    return b


def test_builder_makes_the_same_scenario_as_the_contract_example():
    from_file = scenarios.loads(builders.entry_deterrence_yaml(), default_id="entry")
    built = entry_deterrence_builder().build()
    assert built == from_file
    # Gibbons 1992, sec. 2.1: the entrant enters, the incumbent accommodates.
    assert built.solve().choices == {"entry": "response", "response": "share"}
    assert built.filename == BUILDER


def test_every_key_of_the_format_through_the_builder():
    data = scenarios.load(builders.DATA / "valid" / "everything.yaml").to_dict()
    b = ScenarioBuilder(data["title"], id=data["id"], summary=data["summary"], as_of=data["as_of"],
                        root="start")
    b.source("src", "A source", publisher="P", date="2022-02-16", url="https://example.org", note="N")
    b.actor("alice", "Alice", color="tab:blue", description="First.").actor("bob", "Bob", color="#d55e00")
    b.parameter("q", 0.4, low=0.1, high=0.9, dist=("beta", 4, 6), description="A belief.")
    b.parameter("cost", 2).parameter("double_cost", "2 * cost")
    b.parameter("u_param", 1, dist={"uniform": [0, 2]}).parameter("t_param", 1, dist=("triangular", 0, 1, 2))
    b.parameter("n_param", 1, dist=("normal", 1, 0.5)).parameter("l_param", 1, dist=("lognormal", 0, 0.5))
    b.parameter("f_param", 1, dist=("fixed", 1))
    b.decision("start", actor="alice", label="Start", text="Alice decides.", source="src",
               quote="A quotation.", historical=True) \
        .branch("gamble", label="Gamble", p="q", text="She gambles.", payoffs={"alice": "-cost"}) \
        .branch("safe", p=REST)
    b.decision("gamble", actor="bob", fixed=True, tags=["middle"], payoffs={"bob": 1},
               branches=[{"to": "win", "p": 0.5}, {"to": "lose", "p": 0.5}])
    b.outcome("win", payoffs={"alice": "double_cost", "bob": -1}, tags=["good"], source=["src"],
              historical=True)
    b.outcome("lose", payoffs={"alice": -1, "bob": "max(cost, 3)"}, tags="bad")
    b.outcome("safe", payoffs={"alice": 0.5})
    assert b.build() == scenarios.load(builders.DATA / "valid" / "everything.yaml")


def test_python_numbers_expressions_and_rest_are_accepted():
    b = ScenarioBuilder("Numbers")
    b.actor("u")
    b.parameter("k", np.float64(2.0))
    b.chance("c").branch("a", p=Fraction(1, 4)).branch("b", p=Expression.parse("1/4 + 1/4")) \
        .branch("d", p=REST)
    b.outcome("a", payoffs={"u": np.int64(3)})
    b.outcome("b", payoffs={"u": Expression.parse("k * 2")})
    b.outcome("d")
    s = b.build()
    # 1/4 * 3 + 1/2 * (2 * 2) + 1/4 * 0 = 2.75
    assert s.evaluate().expected_payoffs == {"u": 2.75}
    assert s.nodes["c"].branches[2].p is REST


def test_errors_are_the_files_messages_at_the_python_call():
    b = ScenarioBuilder("Broken")
    b.actor("u")
    b.chance("c") \
        .branch("a", p=0.5) \
        .branch("zz", p=0.4)  # <unknown-node>
    b.outcome("a", payoffs={"u": 1, "bob": 2})  # <unknown-actor>
    with pytest.raises(ScenarioFileError) as excinfo:
        b.build()
    found = {d.code: d for d in excinfo.value.diagnostics}
    assert set(found) == {"unknown-node", "unknown-actor"}
    for code, d in found.items():
        assert isinstance(d, BuilderDiagnostic)
        assert (d.file, d.line) == (HERE, line_of(code))
    assert found["unknown-node"].where == "node 'c', branch 2 (to 'zz'), to"
    assert str(found["unknown-actor"]) == (
        f"{HERE}:{line_of('unknown-actor')}: node 'a', payoffs, bob: error: payoffs of outcome node "
        "'a': unknown actor 'bob'")


def _same_as_file(data: dict, make) -> None:
    """The builder's diagnostics (code, message) equal the loader's for the same data."""
    with pytest.raises(ScenarioFileError) as from_file:
        builders.build(data)
    with pytest.raises(ScenarioFileError) as from_builder:
        make().build()
    expected = sorted((d.code, d.severity, d.message) for d in from_file.value.diagnostics)
    assert sorted((d.code, d.severity, d.message) for d in from_builder.value.diagnostics) == expected


def test_probability_sum_error_matches_the_file():
    data = builders.entry_deterrence()
    data["nodes"]["response"]["branches"][1]["p"] = 0.6

    def make():
        b = entry_deterrence_builder()
        b.nodes["response"]._entry["branches"][1]["p"] = 0.6
        return b

    _same_as_file(data, make)


def test_structural_errors_match_the_file():
    data = {"title": "T", "actors": {"u": {}}, "nodes": {
        "d": {"kind": "decision", "branches": [{"to": "o", "p": 1.5}]},
        "c": {"kind": "chance", "actor": "u", "fixed": True, "branches": [{"to": "o"}]},
        "o": {"kind": "outcome", "payoffs": {"u": "1 +"}},
        "bad id": {"kind": "outcome"},
    }}

    def make():
        b = ScenarioBuilder("T")
        b.actor("u")
        b._node("d", "decision", {}, [{"to": "o", "p": 1.5}])  # no actor, as in the data
        b._node("c", "chance", {"actor": "u", "fixed": True}, [{"to": "o"}])
        b.outcome("o", payoffs={"u": "1 +"})
        b.outcome("bad id")
        return b

    _same_as_file(data, make)


@settings(max_examples=40)
@given(documents())
def test_replaying_any_valid_document_through_the_builder_gives_the_same_scenario(data):
    b = ScenarioBuilder(data["title"], id=data.get("id"), summary=data.get("summary"),
                        as_of=data.get("as_of"), root=data.get("root"))
    for key, entry in data.get("sources", {}).items():
        b.source(key, **entry)
    for key, entry in data["actors"].items():
        b.actor(key, **entry)
    for name, entry in data.get("parameters", {}).items():
        if isinstance(entry, dict):
            b.parameter(name, **entry)
        else:
            b.parameter(name, entry)
    for node_id, entry in data["nodes"].items():
        fields = {k: v for k, v in entry.items() if k not in ("kind", "branches", "dist")}
        kind = entry["kind"]
        if kind == "outcome":
            node = b.outcome(node_id, **fields)
        elif kind == "chance":
            node = b.chance(node_id, **fields)
        else:
            node = b.decision(node_id, **fields)
        if "dist" in entry:
            node._entry["dist"] = entry["dist"]  # node dist has no builder argument yet
        for branch in entry.get("branches", []):
            node.branch(**branch)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        built = b.build()
    expected = build_data(data)
    if "id" not in data:
        assert built.id == "scenario"
    assert built == expected


def test_duplicates_are_reported_like_duplicate_keys():
    b = ScenarioBuilder("T")
    b.actor("u")
    b.outcome("o")
    b.outcome("o", payoffs={"u": 1})  # <duplicate>
    with pytest.raises(ScenarioFileError) as excinfo:
        b.build()
    (d,) = excinfo.value.diagnostics
    assert (d.code, d.line) == ("duplicate-key", line_of("duplicate"))
    assert "duplicate node 'o'" in d.message


def test_unreachable_nodes_warn_with_the_builder_location():
    b = ScenarioBuilder("T")
    b.chance("c").branch("a", p=1)
    b.outcome("a")
    b.outcome("lonely")  # <lonely>
    with pytest.warns(ScenarioWarning, match="cannot be reached") as record:
        s = b.build()
    assert f"{HERE}:{line_of('lonely')}: node 'lonely'" in str(record[0].message)
    (w,) = s.warnings
    assert isinstance(w, BuilderDiagnostic) and w.code == "unreachable"


def test_missing_title_and_nodes_are_reported():
    b = ScenarioBuilder(None)  # <constructor>
    with pytest.raises(ScenarioFileError) as excinfo:
        b.build()
    codes = sorted(d.code for d in excinfo.value.diagnostics)
    assert codes == ["missing-key", "type"]
    assert all(d.line == line_of("constructor") for d in excinfo.value.diagnostics)


def test_branches_must_be_mappings():
    with pytest.raises(TypeError, match="must be a mapping"):
        ScenarioBuilder("T").chance("c", branches=["a"])


@pytest.mark.parametrize("name", scenarios.bundled_names())
def test_from_scenario_rebuilds_the_same_scenario(name):
    s = scenarios.load(name)
    again = ScenarioBuilder.from_scenario(s).build()
    assert again == s


def test_from_scenario_is_a_copy_that_can_be_extended():
    s = scenarios.load("entry-deterrence")
    b = ScenarioBuilder.from_scenario(s)
    b.nodes["response"].branch("exit", label="Leave", p=0)
    b.outcome("exit", payoffs={"entrant": -0.5, "incumbent": 3})
    changed = b.build()
    # The incumbent would now leave (3 > 1); the entrant then gets -0.5 < 0 and stays out.
    assert changed.solve().choices == {"entry": "stay_out", "response": "exit"}
    assert s.solve().choices == {"entry": "response", "response": "share"}  # original untouched


def test_to_dict_is_a_snapshot():
    b = entry_deterrence_builder()
    snapshot = b.to_dict()
    b.outcome("extra")
    assert "extra" not in snapshot["nodes"]


def test_describe_paths():
    data = {"nodes": {"a": {"branches": [{"to": "b"}]}}}
    assert describe(("nodes", "a", "branches", 0, "payoffs", "u"), data) == \
        "node 'a', branch 1 (to 'b'), payoffs, u"
    assert describe(("actors", "u", "color")) == "actor 'u', color"
    assert describe(("title",)) == "title"


def test_diagnostic_without_a_call_site_uses_the_builder_name():
    d = BuilderDiagnostic(BUILDER, 0, 0, "error", "x", "bad", where="node 'n'")
    assert str(d) == "<builder>:node 'n': error: bad"
    assert d.location == "<builder>:node 'n'"


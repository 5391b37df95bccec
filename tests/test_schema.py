"""The JSON Schema of scenario files: valid, complete, and never at odds with the loader.

Two directions are checked: every file the loader accepts validates against the schema
(bundled scenarios, test data, random documents), and every document the schema rejects
is rejected by the loader too (hand-made cases, the invalid test files, and random
mutations of valid documents).
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import warnings
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import scenarios
from scenarios.errors import ScenarioError, ScenarioWarning
from scenarios.io.document import parse_document
from scenarios.io.schema import SCHEMA_ID, schema, schema_path, schema_text, validate
from test_dump import documents

REPO = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data"
VALIDATOR = jsonschema.Draft202012Validator(schema())


def data_of(path: Path):
    return parse_document(path.read_text(encoding="utf-8"), str(path)).data


def loader_accepts(data) -> bool:
    """Does the loader accept ``data`` written out as a YAML file?"""
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScenarioWarning)
            scenarios.loads(text)
    except ScenarioError:
        return False
    return True


def accepted_files() -> list[Path]:
    files = sorted((REPO / "scenarios").glob("*.yaml")) + sorted((DATA / "valid").glob("*"))
    files += sorted((REPO / "docs" / "examples").glob("*.yaml"))
    files += sorted((DATA / "interop").glob("*.yaml"))
    files += sorted(p for p in (DATA / "variants").glob("*.yaml") if "invalid" not in p.name)
    return files


def test_the_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(schema())
    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema()["$id"] == SCHEMA_ID
    assert json.loads(schema_text()) == schema()
    assert schema_path().read_text(encoding="utf-8") == schema_text()


def test_schema_returns_a_copy():
    s = schema()
    s["properties"].clear()
    assert schema()["properties"]


@pytest.mark.parametrize("path", accepted_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_bundled_and_test_scenario_validates(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        try:
            scenarios.load(path)
        except ScenarioError:
            pytest.skip("not a loadable scenario on its own (a variant's missing base, say)")
    assert validate(data_of(path)) == []


@settings(max_examples=40)
@given(documents())
def test_random_valid_documents_validate(data):
    assert loader_accepts(data)
    assert validate(data) == []


# Documents the schema rejects; the loader must reject each of them too.
SCHEMA_INVALID = {
    "not a mapping": ["title", "nodes"],
    "no title": {"nodes": {"a": {"kind": "outcome"}}},
    "no nodes": {"title": "T"},
    "empty nodes": {"title": "T", "nodes": {}},
    "unknown top key": {"title": "T", "sumary": "x", "nodes": {"a": {"kind": "outcome"}}},
    "title is a list": {"title": ["T"], "nodes": {"a": {"kind": "outcome"}}},
    "bad node id": {"title": "T", "nodes": {"1st": {"kind": "outcome"}}},
    "bad kind": {"title": "T", "nodes": {"a": {"kind": "outcom"}}},
    "no kind": {"title": "T", "nodes": {"a": {"label": "A"}}},
    "decision without actor": {"title": "T", "nodes": {
        "a": {"kind": "decision", "branches": [{"to": "b"}]}, "b": {"kind": "outcome"}}},
    "chance without branches": {"title": "T", "nodes": {"a": {"kind": "chance"}}},
    "empty branches": {"title": "T", "nodes": {"a": {"kind": "chance", "branches": []}}},
    "outcome with branches": {"title": "T", "nodes": {"a": {"kind": "outcome", "branches": [{"to": "a"}]}}},
    "actor on chance": {"title": "T", "actors": {"u": {}}, "nodes": {
        "a": {"kind": "chance", "actor": "u", "branches": [{"to": "b", "p": 1}]}, "b": {"kind": "outcome"}}},
    "fixed on outcome": {"title": "T", "nodes": {"a": {"kind": "outcome", "fixed": True}}},
    "fixed not boolean": {"title": "T", "actors": {"u": {}}, "nodes": {
        "a": {"kind": "decision", "actor": "u", "fixed": "yes", "branches": [{"to": "b"}]},
        "b": {"kind": "outcome"}}},
    "unknown node key": {"title": "T", "nodes": {"a": {"kind": "outcome", "payoff": {}}}},
    "unknown branch key": {"title": "T", "nodes": {
        "a": {"kind": "chance", "branches": [{"to": "b", "p": 1, "lable": "x"}]}, "b": {"kind": "outcome"}}},
    "branch without to": {"title": "T", "nodes": {"a": {"kind": "chance", "branches": [{"p": 1}]}}},
    "probability above one": {"title": "T", "nodes": {
        "a": {"kind": "chance", "branches": [{"to": "b", "p": 1.5}]}, "b": {"kind": "outcome"}}},
    "probability is a boolean": {"title": "T", "nodes": {
        "a": {"kind": "chance", "branches": [{"to": "b", "p": True}]}, "b": {"kind": "outcome"}}},
    "payoff is a list": {"title": "T", "actors": {"u": {}}, "nodes": {
        "a": {"kind": "outcome", "payoffs": {"u": [1]}}}},
    "bad as_of": {"title": "T", "as_of": "16 Feb 2022", "nodes": {"a": {"kind": "outcome"}}},
    "source without title": {"title": "T", "sources": {"s": {"url": "x"}}, "nodes": {"a": {"kind": "outcome"}}},
    "unknown actor key": {"title": "T", "actors": {"u": {"colour": "red"}}, "nodes": {"a": {"kind": "outcome"}}},
    "parameter without value": {"title": "T", "parameters": {"q": {"low": 0, "high": 1}},
                                "nodes": {"a": {"kind": "outcome"}}},
    "parameter name": {"title": "T", "parameters": {"max": 1}, "nodes": {"a": {"kind": "outcome"}}},
    "unknown distribution": {"title": "T", "parameters": {"q": {"value": 1, "dist": {"gamma": [1, 2]}}},
                             "nodes": {"a": {"kind": "outcome"}}},
    "distribution arity": {"title": "T", "parameters": {"q": {"value": 0.5, "dist": {"beta": [1]}}},
                           "nodes": {"a": {"kind": "outcome"}}},
    "two distributions": {"title": "T", "parameters": {"q": {"value": 1, "dist": {
        "uniform": [0, 2], "normal": [1, 1]}}}, "nodes": {"a": {"kind": "outcome"}}},
    "low is text": {"title": "T", "parameters": {"q": {"value": 1, "low": "0", "high": 2}},
                    "nodes": {"a": {"kind": "outcome"}}},
    "dirichlet on outcome": {"title": "T", "nodes": {"a": {"kind": "outcome", "dist": {"dirichlet": [1]}}}},
    "dirichlet alpha zero": {"title": "T", "nodes": {
        "a": {"kind": "chance", "dist": {"dirichlet": [0]}, "branches": [{"to": "b", "p": 1}]},
        "b": {"kind": "outcome"}}},
    "tags not text": {"title": "T", "nodes": {"a": {"kind": "outcome", "tags": [1, 2]}}},
    "historical not boolean": {"title": "T", "nodes": {"a": {"kind": "outcome", "historical": "yes"}}},
    "remove not a list": {"extends": "base.yaml", "remove": "a"},
    "set of a list": {"extends": "base.yaml", "set": {"q": [1]}},
    "extends is empty": {"extends": "", "title": "T"},
}


@pytest.mark.parametrize("name", sorted(SCHEMA_INVALID))
def test_schema_invalid_documents_are_rejected_by_both(name):
    data = SCHEMA_INVALID[name]
    assert validate(data), f"the schema accepts {name!r}"
    assert not loader_accepts(data), f"the loader accepts {name!r}"


INVALID_FILES = sorted((DATA / "invalid").glob("*.yaml"))


@pytest.mark.parametrize("path", INVALID_FILES, ids=lambda p: p.stem)
def test_invalid_test_files_rejected_by_the_schema_are_rejected_by_the_loader(path):
    try:
        data = data_of(path)
    except ScenarioError:
        pytest.skip("not even YAML the schema could see")
    if not validate(data):
        pytest.skip("valid in shape; only the loader's deeper checks catch it")
    with pytest.raises(ScenarioError):
        scenarios.load(path)


def test_variant_documents_validate():
    variant = {"extends": "donbas-recognition-2022", "title": "Variant",
               "actors": {"ukraine": {"color": None}, "west": None},
               "parameters": {"p_recognize": 0.2, "new_one": {"value": 1, "low": None}},
               "nodes": {"putin_desk": {"text": None, "branches": [{"to": "recognized", "p": None}]},
                         "extra": {"kind": "outcome", "payoffs": {"russia": None}}},
               "set": {"p_recognize": 0.25, "putin_desk.recognized": "0.1 + 0.05"},
               "remove": ["extra", "putin_desk.minsk_talks"]}
    assert validate(variant) == []
    assert validate({"extends": "base.yaml"}) == []
    assert validate({"extends": "base.yaml", "nodes": {"a": None}}) != []  # null does not remove


# -- random mutations: schema-invalid => loader rejects ----------------------------------------
MUTATIONS = ["add unknown key", "drop required", "wrong type", "bad kind", "bad id", "bad probability"]


def mutate(data: dict, how: str, draw) -> dict:
    data = copy.deepcopy(data)
    node_id = draw(st.sampled_from(sorted(data["nodes"])))
    node = data["nodes"][node_id]
    if how == "add unknown key":
        where = draw(st.sampled_from(["top", "node", "branch", "actor"]))
        target = {"top": data, "node": node, "actor": next(iter(data["actors"].values())),
                  "branch": (node.get("branches") or [node])[0]}[where]
        target[draw(st.sampled_from(["payoff", "lable", "kindd", "x"]))] = 1
    elif how == "drop required":
        key = draw(st.sampled_from(["title", "nodes", "kind", "actor_or_branches"]))
        if key in ("title", "nodes"):
            data.pop(key)
        elif key == "kind":
            node.pop("kind")
        else:
            node.pop("actor" if node["kind"] == "decision" else "branches", None)
            node.pop("branches", None) if node["kind"] != "outcome" else None
    elif how == "wrong type":
        key = draw(st.sampled_from(["title", "label", "payoffs", "tags", "historical"]))
        value = draw(st.sampled_from([[1], {"a": 1}, True, None]))
        if key == "title":
            data["title"] = value
        else:
            node[key] = value
    elif how == "bad kind":
        node["kind"] = draw(st.sampled_from(["Decision", "leaf", "", 3]))
    elif how == "bad id":
        data["nodes"][draw(st.sampled_from(["9lives", "has space", "dot.ted", ""]))] = {"kind": "outcome"}
    else:
        chance = [n for n in data["nodes"].values() if n.get("branches")]
        if chance:
            chance[0]["branches"][0]["p"] = draw(st.sampled_from([-0.5, 1.01, 7]))
    return data


@settings(max_examples=60)
@given(documents(rich=False), st.sampled_from(MUTATIONS), st.data())
def test_mutated_documents_rejected_by_the_schema_are_rejected_by_the_loader(data, how, draws):
    mutated = mutate(data, how, draws.draw)
    if validate(mutated):
        assert not loader_accepts(mutated), (how, mutated)
    else:  # the mutation happened to keep the shape valid; the loader may still object
        pass


# -- the command ---------------------------------------------------------------------------------
def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scenarios", *args], capture_output=True, text=True,
                          timeout=60)


def test_scenarios_schema_prints_the_schema_and_its_path(tmp_path):
    out = run("schema")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == schema()
    out = run("schema", "--path")
    assert out.returncode == 0 and Path(out.stdout.strip()) == schema_path()
    out = run("schema", "-o", str(tmp_path / "scenario.schema.json"))
    assert out.returncode == 0 and out.stdout == ""
    assert json.loads((tmp_path / "scenario.schema.json").read_text(encoding="utf-8")) == schema()
    out = run("schema", "-o", str(tmp_path / "missing" / "s.json"))
    assert out.returncode == 1 and "does not exist" in out.stderr and "Traceback" not in out.stderr

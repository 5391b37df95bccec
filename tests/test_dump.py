"""Writing scenarios back: to_dict / dumps / dump, and the round trip loads(dumps(s)) == s.

:func:`documents` is a Hypothesis strategy for random valid scenario *documents* (plain
data) that exercises every key of the format with awkward values: text that YAML would
misread if written plainly (``yes``, ``null``, ``- a``, ``a: b``, numbers and dates as
text, leading spaces, line breaks, long paragraphs, quotes, non-ASCII), expressions,
``rest``, shared children (DAGs), explicit roots, node ``dist``, and labels equal or not
to their defaults.  The export tests reuse it.
"""

from __future__ import annotations

import datetime
import json
import warnings
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import scenarios
from builders import DATA, REPO, build
from scenarios.errors import ScenarioWarning
from scenarios.io.atomic import OutputError
from scenarios.io.dump import dump, dumps, to_dict

# -- the strategy ----------------------------------------------------------------------------
TRICKY = ["yes", "No", "null", "~", "true", "- a", "a: b", "#hash", "'single'", '"double"',
          "  leading", "trailing  ", "two\nlines", "three\n\nparagraphs\n", "1.5", "0x1F", "1e3",
          "2022-02-16", "@at", "`tick`", "tab\there", "é ü ✓ 中文 🚀", "{brace}", "[bracket]",
          "a | b > c", "percent % and & and *star", "back\\slash", "rest", "",
          "A long paragraph " * 8 + "that must be folded across several lines when written.",
          "Long text with a line break inside. " * 3 + "\nSecond line. " * 3]
#: Control characters other than tab and newline: scenario text may not hold them.
CONTROLS = "".join(map(chr, [*range(0, 9), *range(11, 32), *range(0x7f, 0xa0)]))
TEXT = st.one_of(st.sampled_from(TRICKY),
                 st.text(st.characters(exclude_categories=("Cs",), exclude_characters=CONTROLS), max_size=24))
COLORS = ["tab:blue", "#0072b2", "red", "C3", "0.5", "#d55e00aa"]
DISTS = [{"beta": [2, 5]}, {"uniform": [0, 2]}, {"triangular": [0, 1, 3]}, {"normal": [1, 0.5]},
         {"lognormal": [0, 0.25]}, {"fixed": 1}]
NODE_ID = st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,8}", fullmatch=True)
ACTOR_KEY = st.one_of(st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True),
                      st.sampled_from(["Ukraine (Kyiv)", "the west", "a.b", "NATO/EU"]))


@st.composite
def weights(draw, k: int) -> list[float]:
    """``k`` probabilities on a grid of eighths (exact in binary), summing to 1."""
    cuts = sorted(draw(st.lists(st.integers(0, 8), min_size=k - 1, max_size=k - 1)))
    bounds = [0, *cuts, 8]
    return [(bounds[i + 1] - bounds[i]) / 8 for i in range(k)]


@st.composite
def documents(draw, *, max_nodes: int = 8, dag: bool | None = None, rich: bool = True) -> dict:
    """A random valid scenario document (plain data), every node reachable from the root."""
    maybe = (lambda: draw(st.booleans())) if rich else (lambda: False)
    actors = draw(st.lists(ACTOR_KEY, min_size=1, max_size=3, unique=True))
    m = draw(st.integers(2, max_nodes))
    ids = draw(st.lists(NODE_ID, min_size=m, max_size=m, unique=True))
    children: dict[int, list[int]] = {i: [] for i in range(m)}
    for j in range(1, m):
        children[draw(st.integers(0, j - 1))].append(j)
    if dag if dag is not None else draw(st.booleans()):
        for i, j in draw(st.lists(st.tuples(st.integers(0, m - 1), st.integers(0, m - 1)), max_size=m)):
            if i < j and children[i] and j not in children[i]:
                children[i].append(j)  # forward edges only: stays acyclic

    data: dict = {"title": draw(TEXT)}
    if maybe():
        data["id"] = draw(NODE_ID)
    if maybe():
        data["summary"] = draw(TEXT)
    if maybe():
        # Late enough that no random text is dated after it: the hindsight rule
        # (io/hindsight.py) rejects a visible date after as_of, which tests of its own cover.
        data["as_of"] = draw(st.dates(min_value=datetime.date(9999, 12, 1)).map(lambda d: d.isoformat()))
    sources = draw(st.lists(NODE_ID, max_size=2, unique=True)) if rich else []
    if sources:
        data["sources"] = {}
        for key in sources:
            entry = {"title": draw(TEXT)}
            for field in ("publisher", "date", "url", "note"):
                if maybe():
                    entry[field] = draw(TEXT)
            data["sources"][key] = entry
    data["actors"] = {}
    for key in actors:
        entry = {}
        if maybe():
            entry["name"] = draw(TEXT)
        if maybe():
            entry["color"] = draw(st.sampled_from(COLORS))
        if maybe():
            entry["description"] = draw(TEXT)
        data["actors"][key] = entry
    params = draw(st.lists(st.from_regex(r"q[a-z0-9_]{0,4}", fullmatch=True), max_size=3, unique=True))
    if params:
        data["parameters"] = {}
        for name in params:
            value = draw(st.sampled_from([0, 1, -2, 0.25, 1 / 3, 2.5, 1e-3, 12345.678]))
            if maybe():
                entry = {"value": value}
                if maybe():
                    entry["low"], entry["high"] = value - 1, value + draw(st.sampled_from([0, 1, 0.5]))
                if maybe():
                    entry["dist"] = draw(st.sampled_from(DISTS))
                if maybe():
                    entry["description"] = draw(TEXT)
                data["parameters"][name] = entry
            else:
                data["parameters"][name] = value

    def quantity():
        if params and draw(st.integers(0, 2)) == 0:
            q = draw(st.sampled_from(params))
            return draw(st.sampled_from([q, f"-{q}", f"2 * {q} + 1", f"max({q}, 1)", f"abs({q}) / 2"]))
        return draw(st.sampled_from([0, 1, -1, 2, -7, 0.5, -2.25, 1 / 3, 100, 1e-9]))

    def payoffs():
        chosen = draw(st.lists(st.sampled_from(actors), max_size=len(actors), unique=True))
        return {a: quantity() for a in chosen}

    nodes = {}
    for i in range(m):
        node: dict = {}
        kids = children[i]
        if not kids:
            node["kind"] = "outcome"
        else:
            node["kind"] = draw(st.sampled_from(["decision", "chance"]))
            if node["kind"] == "decision":
                node["actor"] = draw(st.sampled_from(actors))
                if draw(st.integers(0, 3)) == 0:
                    node["fixed"] = True
        if maybe():
            node["label"] = draw(TEXT)
        if maybe():
            node["text"] = draw(TEXT)
        if sources and maybe():
            node["source"] = draw(st.sampled_from([sources[0], sources[:2]]))
        if maybe():
            node["quote"] = draw(TEXT)
        if maybe():
            node["historical"] = True
        if maybe():
            node["tags"] = draw(st.lists(st.sampled_from(["war", "peace", "frozen-conflict"]),
                                         unique=True, max_size=2))
        pay = payoffs()
        if pay:
            node["payoffs"] = pay
        if kids:
            with_p = node["kind"] == "chance" or draw(st.booleans())
            w = draw(weights(len(kids))) if with_p else None
            rest_at = draw(st.sampled_from([None, *range(len(kids))])) if with_p else None
            branches = []
            for b, child in enumerate(draw(st.permutations(kids))):
                branch = {"to": ids[child]}
                if maybe():
                    branch["label"] = draw(TEXT)
                if with_p:
                    branch["p"] = "rest" if b == rest_at else w[b]
                pay = payoffs() if maybe() else {}
                if pay:
                    branch["payoffs"] = pay
                if maybe():
                    branch["text"] = draw(TEXT)
                branches.append(branch)
            node["branches"] = branches
            if maybe() and draw(st.integers(0, 2)) == 0:
                node["dist"] = {"dirichlet": [draw(st.sampled_from([0.5, 1, 2, 10])) for _ in kids]}
        nodes[ids[i]] = node
    order = [0, *draw(st.permutations(range(1, m)))]
    if draw(st.integers(0, 3)) == 0:
        order = draw(st.permutations(order))
        data["root"] = ids[0]
    data["nodes"] = {ids[i]: nodes[ids[i]] for i in order}
    return data


def loads(text: str, **kwargs) -> scenarios.Scenario:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        return scenarios.loads(text, **kwargs)


def scenario_files() -> list[Path]:
    files = sorted((REPO / "scenarios").glob("*.yaml")) + sorted((DATA / "valid").glob("*"))
    return files + sorted((REPO / "docs" / "examples").glob("*.yaml"))


# -- round trips -----------------------------------------------------------------------------
@pytest.mark.parametrize("path", scenario_files(), ids=lambda p: p.name)
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_round_trip_of_every_bundled_and_test_scenario(path, fmt):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        original = scenarios.load(path)
    text = dumps(original, format=fmt)
    again = loads(text, filename=f"copy.{fmt}")
    assert again == original
    assert dumps(again, format=fmt) == text  # writing is deterministic and idempotent


@given(documents())
def test_round_trip_of_random_scenarios(data):
    original = build(data)
    text = dumps(original)
    assert loads(text) == original, text
    assert loads(dumps(original, format="json"), filename="x.json") == original
    assert dumps(loads(text)) == text


@given(documents(dag=True, rich=False))
def test_round_trip_keeps_the_numbers(data):
    # Equality of the models implies equal results; check one result anyway, end to end.
    original = build(data)
    again = loads(dumps(original))
    assert again.evaluate().to_dict() == original.evaluate().to_dict()
    assert again.solve().to_dict() == original.solve().to_dict()


def test_to_dict_of_a_built_scenario_equals_its_data_when_written_minimally():
    data = {
        "title": "Coin", "id": "coin",
        "actors": {"bettor": {"name": "Bettor"}},
        "parameters": {"stake": {"value": 2, "low": 1, "high": 3, "dist": {"uniform": [1, 3]}}},
        "nodes": {
            "flip": {"kind": "chance", "branches": [{"to": "heads", "p": 0.5},
                                                     {"to": "tails", "label": "Lose", "p": "rest"}]},
            "heads": {"kind": "outcome", "label": "Win", "payoffs": {"bettor": "stake"}},
            "tails": {"kind": "outcome", "payoffs": {"bettor": -1}},
        },
    }
    assert to_dict(build(data)) == data


def test_defaults_are_left_out_and_keys_come_in_human_order():
    s = build({
        "nodes": {"b": {"branches": [{"to": "c", "label": "C"}], "actor": "x", "kind": "decision",
                        "fixed": False, "label": "b"},
                  "c": {"kind": "outcome", "label": "C", "historical": False, "tags": []}},
        "actors": {"x": {"name": "x"}}, "title": "T"})
    data = to_dict(s)
    assert list(data) == ["title", "id", "actors", "nodes"]
    assert data["actors"] == {"x": {}}  # name == key
    assert data["nodes"]["b"] == {"kind": "decision", "actor": "x", "branches": [{"to": "c"}]}
    assert data["nodes"]["c"] == {"kind": "outcome", "label": "C"}


def test_explicit_root_is_kept_only_when_it_is_not_the_first_node():
    s = build({"title": "T", "root": "a", "nodes": {"a": {"kind": "chance", "branches": [
        {"to": "b", "p": 1}]}, "b": {"kind": "outcome"}}})
    assert "root" not in to_dict(s)
    s = build({"title": "T", "root": "a", "nodes": {"b": {"kind": "outcome"}, "a": {
        "kind": "chance", "branches": [{"to": "b", "p": 1}]}}})
    assert to_dict(s)["root"] == "a"


def test_whole_numbers_lose_their_point_and_expressions_keep_their_text():
    s = build({"title": "T", "actors": {"u": {}}, "parameters": {"k": 2.0, "e": " 2*k "},
               "nodes": {"o": {"kind": "outcome", "payoffs": {"u": 3.0}}}})
    data = to_dict(s)
    assert data["parameters"] == {"k": 2, "e": " 2*k "}
    assert isinstance(data["parameters"]["k"], int)
    assert data["nodes"]["o"]["payoffs"] == {"u": 3}


def test_yaml_is_laid_out_for_people():
    text = scenarios.load("entry-deterrence").to_yaml()
    assert text.startswith("title: Entry deterrence\nid: entry-deterrence\nsummary: >-\n")
    assert "    payoffs: {entrant: -1, incumbent: -1}\n" in text
    assert "      - {to: war, label: Fight (price war), p: 0.3}\n" in text
    assert "    tags: [entry, price-war]\n" in text
    assert "\n\n  war:\n" in text  # a blank line between nodes
    assert max(len(line) for line in text.splitlines()) <= 100
    yaml.safe_load(text)  # plain YAML any tool can read


def test_scenario_methods_and_package_exports():
    s = scenarios.load("oil-wildcatter")
    assert s.to_dict() == to_dict(s)
    assert s.to_yaml() == scenarios.dumps(s)
    assert scenarios.dump is dump
    assert json.loads(dumps(s, format="json")) == to_dict(s)
    with pytest.raises(ValueError, match="unknown format"):
        dumps(s, format="toml")


# -- dump() ------------------------------------------------------------------------------------
def test_dump_writes_yaml_or_json_by_suffix(tmp_path):
    s = scenarios.load("entry-deterrence")
    assert dump(s, tmp_path / "a.yaml") == tmp_path / "a.yaml"
    dump(s, tmp_path / "a.json")
    assert (tmp_path / "a.yaml").read_text(encoding="utf-8") == dumps(s)
    assert json.loads((tmp_path / "a.json").read_text(encoding="utf-8")) == to_dict(s)
    assert scenarios.load(tmp_path / "a.yaml") == s
    assert scenarios.load(tmp_path / "a.json") == s


def test_dump_refuses_to_overwrite_unless_asked(tmp_path):
    s = scenarios.load("entry-deterrence")
    for name in ("kept.yaml", "kept.json", "kept.txt"):
        target = tmp_path / name
        target.write_text("# my comments\n", encoding="utf-8")
        with pytest.raises(OutputError, match="refusing to overwrite"):
            dump(s, target)
        assert target.read_text(encoding="utf-8") == "# my comments\n"
        dump(s, target, overwrite=True)
        assert target.read_text(encoding="utf-8") != "# my comments\n"


def test_dump_into_a_missing_folder_fails_cleanly(tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        dump(scenarios.load("entry-deterrence"), tmp_path / "nope" / "s.yaml")
    assert not (tmp_path / "nope").exists()
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    import scenarios.io.dump as module

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    target = tmp_path / "s.yaml"
    monkeypatch.setattr(module, "dumps", boom)
    with pytest.raises(RuntimeError):
        dump(scenarios.load("entry-deterrence"), target)
    assert list(tmp_path.iterdir()) == []


@settings(max_examples=25)
@given(documents())
def test_written_files_load_back_equal(tmp_path_factory, data):
    s = build(data)
    folder = tmp_path_factory.mktemp("dump")
    dump(s, folder / "s.yaml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        assert scenarios.load(folder / "s.yaml") == s

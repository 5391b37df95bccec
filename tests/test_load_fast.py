"""The fast path of loading (io/fast.py) against the careful one (issue 10).

The fast path must never accept a file the careful path rejects, and must give the same
Scenario, the same warnings and the same error messages (codes, FILE:LINE:COL, order) on
every file: the whole data/ suite, the bundled scenarios, each as YAML and as JSON, and
files mutated by hypothesis (text edits and data edits).
"""

from __future__ import annotations

import json
import random
import warnings
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import builders
import scenarios
from scenarios import ScenarioBuilder
from scenarios.errors import ScenarioFileError
from scenarios.io import fast, read
from scenarios.io.catalog import bundled_names, bundled_path
from scenarios.io.document import parse_document
from scenarios.io.fast import NotFast, fast_document
from scenarios.io.variants import is_variant

DATA = Path(__file__).parent / "data"


def _text(path: Path) -> bool:
    """Files that reach a parser (hostile/ has some that are not UTF-8: refused on reading)."""
    try:
        path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return False
    return True


FILES = sorted(p for p in DATA.rglob("*") if p.suffix in (".yaml", ".json") and _text(p))
BUNDLED = [bundled_path(name) for name in bundled_names()]


def outcome(text: str, filename: str, *, fast_path: bool):
    """What loading gives, in comparable form: ("ok", scenario, warnings) or ("error", messages)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scenario = read._read(text, filename, None, fast=fast_path)
    except ScenarioFileError as exc:
        return ("error", None, [str(d) for d in exc.diagnostics])
    except Exception as exc:  # noqa: BLE001 - a bug shows as a difference between the paths
        return ("raised", None, [f"{type(exc).__name__}: {exc}"])
    return ("ok", scenario, [str(d) for d in scenario.warnings])


def fast_data(text: str, filename: str):
    """The fast reading's data, or NotFast (a JSON text's duplicate keys are ruled out by
    counting what the loader reads: here, all of it)."""
    document = fast_document(text, filename)
    if document.keys is not None:
        document.keys.add(document.data)
        if not document.keys.unique():
            raise NotFast("duplicate key")
    return document.data


def assert_same(text: str, filename: str) -> tuple:
    careful = outcome(text, filename, fast_path=False)
    quick = outcome(text, filename, fast_path=True)
    assert quick[0] == careful[0], (quick, careful)
    assert quick[2] == careful[2]
    if careful[0] == "ok":
        a, b = quick[1], careful[1]
        assert a == b and a.id == b.id and a.filename == b.filename
        assert [n.label for n in a.nodes.values()] == [n.label for n in b.nodes.values()]
    try:
        data = fast_data(text, filename)
    except NotFast:
        return careful
    # Whatever the fast reading accepts, the careful reading reads the same (never more):
    # repr tells 1 from 1.0 and True, -0.0 from 0.0, keeps key order, and shows nan as nan.
    assert repr(parse_document(text, filename).data) == repr(data)
    return careful


@pytest.mark.parametrize("path", FILES + BUNDLED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_both_paths_agree_on_every_file(path):
    text = path.read_text(encoding="utf-8")
    assert_same(text, str(path))


@pytest.mark.parametrize("path", [p for p in FILES + BUNDLED if p.suffix == ".yaml"],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_both_paths_agree_on_every_file_as_json(path, tmp_path):
    try:
        data = parse_document(path.read_text(encoding="utf-8"), str(path)).data
    except ScenarioFileError:
        pytest.skip("not readable as data")
    target = tmp_path / (path.stem + ".json")
    for text in (json.dumps(data, indent=2), json.dumps(data)):
        assert_same(text, str(target))


def test_the_invalid_suite_is_all_errors_on_both_paths():
    for path in sorted((DATA / "invalid").glob("*.yaml")):
        verdict = assert_same(path.read_text(encoding="utf-8"), str(path))
        assert verdict[0] == "error", path


def test_valid_files_never_touch_the_careful_reading(monkeypatch):
    flat = []
    for path in BUNDLED:
        text = path.read_text(encoding="utf-8")
        data = parse_document(text, str(path)).data
        if not is_variant(data):  # a variant's chain is read the careful way
            flat.append((path, json.dumps(data)))
    assert flat
    calls = []
    original = read.parse_document

    def counting(text, filename="<string>"):
        calls.append(filename)
        return original(text, filename)

    monkeypatch.setattr(read, "parse_document", counting)
    for path, json_text in flat:
        scenarios.load(path)
        scenarios.loads(json_text, filename="x.json")
    assert calls == []
    # A problem: its position comes from one pass over the parser's events, for all the
    # problems together, never from the careful reading (many times a big file's size).
    passes = []
    real = fast.positions_of
    monkeypatch.setattr(fast, "positions_of", lambda *args, **kw: passes.append(sorted(args[3])) or real(*args, **kw))
    with pytest.raises(ScenarioFileError) as caught:
        scenarios.loads("title: t\ntitel: x\nnodes: {a: {kind: outcome}, b: {kind: outcum}}\n", filename="bad.yaml")
    assert [str(d) for d in caught.value.diagnostics] == [
        "bad.yaml:2:1: error: unknown top-level key 'titel' (did you mean 'title'?)",
        "bad.yaml:3:39: error: node 'b': kind 'outcum' is not one of decision, chance, outcome (did you mean "
        "'outcome'?)"]
    assert calls == [] and passes == [[("nodes", "b", "kind"), ("titel",)]]


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n", "title: t\n<<: {a: 1}\n", "a: 1\na: 2\n", "a: !!set {x}\n",
    "a: !!binary aGk=\n", "a: !!python/name:os.system\n", "[" * 600 + "]" * 600, "", "# nothing\n",
    "a: 1\n---\nb: 2\n", "? [a]\n: 1\n", "{a: 1, a: 2}",
])
def test_the_fast_reading_declines_what_it_cannot_vouch_for(text):
    with pytest.raises(NotFast):
        fast_document(text, "x.yaml")


@pytest.mark.parametrize("text", ['{"a": 1, "a": 2}', '{"a": [1, 2', "[" * 5000 + "]" * 5000, ""])
def test_the_fast_json_reading_declines_what_it_cannot_vouch_for(text):
    with pytest.raises(NotFast):
        fast_data(text, "x.json")


def test_json_integers_past_4000_digits_read_as_the_careful_path_does():
    text = '{"title": ' + "1" * 4100 + ', "nodes": {"a": {"kind": "outcome"}}}'
    assert_same(text, "x.json")
    assert fast_document(text, "x.json").data["title"] == float("inf")


def test_dates_read_as_text_on_both_paths():
    text = "title: 2020-01-02\nas_of: 2022-02-21\nnodes: {2021-01-01: {kind: outcome}}\n"
    verdict = assert_same(text, "d.yaml")
    assert fast_document(text, "d.yaml").data["as_of"] == "2022-02-21"
    assert verdict[0] == "error"  # a node id may not start with a digit: same message both ways


def test_the_builder_reports_as_before():
    b = ScenarioBuilder("t")
    b.chance("c", branches=[{"to": "x", "p": 0.5}, {"to": "y", "p": 0.6}])
    b.outcome("x")
    b.outcome("y")
    with pytest.raises(ScenarioFileError, match="probabilities sum to 1.1") as info:
        b.build()
    assert "test_load_fast.py" in str(info.value)


# -- mutations ----------------------------------------------------------------------------------
_SEEDS = [p.read_text(encoding="utf-8") for p in BUNDLED[:3]] + [
    (DATA / "valid" / name).read_text(encoding="utf-8")
    for name in ("everything.yaml", "rest_probability.yaml", "unreachable_node.yaml")]
_TOKENS = [" ", "\n", ":", ": ", "- ", "&a ", "*a", "!!str ", "!!binary ", "!!set ", "<<: ", "{", "}",
           "[", "]", ",", "'", '"', "#", "1e999", ".nan", "rest", "9" * 4400, "\t", "? ", "2020-01-01",
           "~", "null", "yes", "0x1F", "-0.0", "1_000", "\u0085", "\\u00e9", "p * q", "R&D", "kind: ", "to: ",
           "\ufeff&a ", "&a", "*a ", "[&a x, *a]", "{? &b k: *b}", "\r\n", "\u2028"]


@st.composite
def text_mutations(draw):
    text = draw(st.sampled_from(_SEEDS))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "line"]))
        if action == "insert":
            text = text[:at] + draw(st.sampled_from(_TOKENS)) + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 12)):]
        else:
            lines = text.splitlines(keepends=True)
            i = min(at, len(lines) - 1)
            lines.insert(draw(st.integers(0, len(lines))), lines[i])
            text = "".join(lines)
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_mutations(), st.sampled_from(["m.yaml", "m.json"]))
def test_mutated_text_gives_the_same_verdict_and_messages(text, filename):
    assert_same(text, filename)


_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=True),
                    st.sampled_from(["rest", "a0", "outcome", "chance", "x +", "2 * 0.5", "", "n1", "#0072b2"]),
                    st.lists(st.sampled_from(["a", 1, None]), max_size=2),
                    st.dictionaries(st.sampled_from(["to", "p", "kind", "zz"]), st.integers(0, 1), max_size=2))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_SEEDS), st.randoms(use_true_random=False), _VALUES,
       st.sampled_from(["replace", "delete", "rename"]), st.booleans())
def test_mutated_data_gives_the_same_verdict_and_messages(seed, rng: random.Random, value, action, as_json):
    data = parse_document(seed, "seed.yaml").data
    builders.mutate(data, rng, value, action)
    if as_json:
        assert_same(json.dumps(data, indent=1), "m.json")
    else:
        assert_same(yaml.safe_dump(data, sort_keys=False), "m.yaml")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_mutations())
def test_the_fast_reading_declines_every_anchor_or_alias(text):
    """Aliases repeat values (the careful reading bounds how many): the fast one takes none."""
    try:
        events = list(yaml.parse(text, Loader=yaml.CSafeLoader))
    except yaml.YAMLError:
        return
    if any(isinstance(e, yaml.AliasEvent) or getattr(e, "anchor", None) for e in events):
        with pytest.raises(NotFast):
            fast_document(text, "a.yaml")


@pytest.mark.parametrize("argv", [["evaluate", "donbas-recognition-2022", "--json"], ["solve", "entry-deterrence"],
                                  ["validate", "oil-wildcatter"], ["show", "donbas-recognition-2022"]])
def test_core_commands_import_neither_networkx_nor_matplotlib(argv):
    import subprocess
    import sys

    code = ("import sys, contextlib, io\nfrom scenarios.cli import main\n"
            f"with contextlib.redirect_stdout(io.StringIO()):\n    assert main({argv!r}) == 0\n"
            "print(sorted(m for m in ('networkx', 'matplotlib') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("path", FILES + BUNDLED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_positions_of_a_path_are_the_careful_readings(path):
    """One pass over the events finds the careful reading's position of any value or key,
    as YAML and as JSON (where YAML reading a value otherwise means no positions at all)."""
    text = path.read_text(encoding="utf-8")
    try:
        careful = parse_document(text, path.name)
    except ScenarioFileError:
        return
    forms = [(text, path.name, careful)]
    if path.suffix == ".yaml":
        as_json = json.dumps(careful.data, indent=1)
        forms.append((as_json, "x.json", parse_document(as_json, "x.json")))
    for form, name, doc in forms:
        try:
            data = fast_data(form, name)
        except NotFast:
            continue
        paths = builders.data_paths(doc.data)
        requested = set(paths[:: max(1, len(paths) // 40)])
        found = fast.positions_of(form, name, data, requested)
        lazy = fast.LazyDocument(name, data, positions=found[0], key_positions=found[1])
        for p in requested:
            for key in (False, True):
                assert lazy.where(p, key=key) == doc.where(p, key=key), (name, p, key)


@pytest.mark.parametrize("text", ['{"a": 1e5, "b": {"c": 1}}', '{"a": NaN}', '{"a": "x\u0085y"}',
                                  '{"a": "\\ud83d\\ude00"}', '{"a": ' + "1" * 4100 + "}"])
def test_json_that_yaml_reads_otherwise_has_no_positions_on_either_path(text):
    careful = parse_document(text, "x.json")
    assert careful.positions == {}
    data = fast_document(text, "x.json").data
    assert fast.positions_of(text, "x.json", data, {("a",), ("b", "c")}) == ({}, {})


# -- duplicate keys in JSON, ruled out by counting (io/fast.py KeyTally) ---------------------------
_SCENARIO = {"title": "Keys", "actors": {"a": {"name": "A: the first"}, "b": {}},
             "nodes": {"n0": {"kind": "decision", "actor": "a", "label": "Start: choose",
                              "branches": [{"to": "n1", "label": "Left: go", "payoffs": {"a": 1}}, {"to": "n2"}]},
                       "n1": {"kind": "chance", "text": "Chance: 50/50",
                              "branches": [{"to": "n3", "p": 0.5}, {"to": "n4", "p": "rest"}]},
                       "n2": {"kind": "outcome", "payoffs": {"a": 1, "b": 2},
                              "reveal": {"date": "2022-02-21", "text": "What happened: this"}},
                       "n3": {"kind": "outcome", "payoffs": {"a": 0.5, "b": 1}},
                       "n4": {"kind": "outcome", "payoffs": {"a": 2, "b": 1}}}}
_SCENARIO_JSON = json.dumps(_SCENARIO, indent=1)  # one key a line


@pytest.mark.parametrize("line", [i for i, text in enumerate(_SCENARIO_JSON.splitlines()) if '": ' in text])
def test_a_duplicate_key_anywhere_in_json_is_refused_as_the_careful_reading_refuses_it(line):
    """Every key line of the file repeated in turn: a duplicate at the top, in an actor, a
    node, a branch, a payoff, a reveal; the fast path words it as the careful one does."""
    lines = _SCENARIO_JSON.splitlines()
    text = "\n".join(lines[:line + 1] + [lines[line].rstrip(",") + ","] + lines[line + 1:])
    if text.count("{") != _SCENARIO_JSON.count("{"):  # (a line opening a mapping: not a key of its own)
        return
    assert assert_same(text, "dup.json")[0] == "error"


def test_texts_with_colons_load_the_fast_way_and_a_duplicate_hidden_by_an_escaped_colon_is_found(monkeypatch):
    calls = []
    real = fast.plain_json
    monkeypatch.setattr(fast, "plain_json", lambda *a: calls.append(1) or real(*a))
    assert assert_same(_SCENARIO_JSON, "ok.json")[0] == "ok"
    assert calls == []  # the counts agreed: no second parse
    # A duplicate key loses one from the count, an escaped ':' (\u003a) adds one to the text's:
    # the escape is counted in the text too, so the two never cancel out.
    text = _SCENARIO_JSON.replace('"title": "Keys"', '"title": "Keys\\u003a", "title": "K"')
    assert assert_same(text, "dup.json")[0] == "error"
    assert "duplicate key" in " ".join(outcome(text, "dup.json", fast_path=True)[2])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.just(_SCENARIO), builders.scenario_data()),
       st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(
    ["repeat", ":", "\\u003a", "\\u003A", "\\\\u003a", '\\"x:'])), min_size=1, max_size=3))
def test_mutated_json_trees_give_the_same_verdict_and_messages(data, edits):
    """Scenarios with key lines repeated (duplicate keys) and ':' put into texts, escaped or not."""
    lines = json.dumps(data, indent=1).splitlines()
    for at, edit in edits:
        i = at % len(lines)
        if edit == "repeat":
            lines.insert(i, lines[i].rstrip(",") + ",")
        elif '": "' in lines[i]:
            lines[i] = lines[i].replace('": "', '": "' + edit, 1)
    assert_same("\n".join(lines), "m.json")


@pytest.mark.parametrize("text, where", [
    ('{"title":"x","title":"y","nodes":{"a":{"kind":"outcome"}}}', "1:14"),
    ('{\n  "title": "x",\n  "nodes": {"a": {"kind": "outcome",\n                 "kind": "chance"}}\n}', "4:18"),
])
def test_a_duplicate_json_key_is_reported_where_it_is_repeated(text, where):
    for fast_path in (True, False):
        verdict = outcome(text, "dup.json", fast_path=fast_path)
        assert verdict[0] == "error"
        assert verdict[2][0].startswith(f"dup.json:{where}: error: duplicate key"), verdict[2]

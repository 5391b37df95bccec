"""Reading text and files safely: YAML/JSON, positions, hostile documents, file problems."""

from __future__ import annotations

import json
import re
import time

import pytest

import builders
import scenarios
from scenarios.errors import Diagnostic, ScenarioFileError
from scenarios.io.document import MAX_ALIAS_VALUES, MAX_DEPTH, parse_document

#: Hostile documents must be refused quickly (the brief: well under 2 s).
QUICK = 2.0


def diagnostics(excinfo) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.col) for d in excinfo.value.diagnostics if d.severity == "error"]


# -- positions ---------------------------------------------------------------------------
def test_positions_are_one_based_line_and_column():
    doc = parse_document("a: 1\nb:\n  - x\n  - {c: 2}\n", "f.yaml")
    assert doc.data == {"a": 1, "b": ["x", {"c": 2}]}
    assert doc.positions[("a",)] == (1, 4)
    assert doc.positions[("b", 0)] == (3, 5)
    assert doc.positions[("b", 1, "c")] == (4, 9)
    assert doc.key_positions[("b",)] == (2, 1)
    assert doc.key_positions[("b", 1, "c")] == (4, 6)


def test_diagnostic_str_is_the_contract_line():
    d = Diagnostic("a.yaml", 3, 5, "error", "unknown-key", "unknown key 'payoff'")
    assert str(d) == "a.yaml:3:5: error: unknown key 'payoff'"


def test_file_error_str_has_one_line_per_problem_sorted_by_position():
    text = "title: t\nnodes:\n  b: {kind: outcome, kind: outcome}\n  a: {kind: outcome}\n  a: {kind: outcome}\n"
    with pytest.raises(ScenarioFileError) as excinfo:
        scenarios.loads(text, filename="two.yaml")
    lines = str(excinfo.value).splitlines()
    assert len(lines) == 2
    assert all(re.fullmatch(r"two\.yaml:\d+:\d+: error: .+", line) for line in lines)
    assert [(d.line, d.col) for d in excinfo.value.diagnostics] == [(3, 22), (5, 3)]
    assert isinstance(excinfo.value, ValueError)  # generic handlers work


# -- duplicate keys and tags (parse level) --------------------------------------------------
def test_duplicate_keys_everywhere_are_all_reported():
    text = """\
title: t
title: u
nodes:
  s:
    kind: chance
    branches:
      - {to: e, p: 1, p: 1}
  e: {kind: outcome}
"""
    with pytest.raises(ScenarioFileError) as excinfo:
        scenarios.loads(text)
    assert diagnostics(excinfo) == [("duplicate-key", 2, 1), ("duplicate-key", 7, 23)]
    assert "first defined at line 1" in excinfo.value.diagnostics[0].message


@pytest.mark.parametrize(
    "value",
    [
        "!!python/object/apply:os.system ['echo pwned']",
        "!!python/object:builtins.object {}",
        "!!python/name:os.system",
        "!!python/tuple [1, 2]",
        "!!set {a, b}",
        "!!omap [a: 1]",
        "!custom thing",
    ],
)
def test_object_constructing_and_unknown_tags_are_refused(value, tmp_path):
    marker = tmp_path / "pwned"
    text = f"title: {value.replace('echo pwned', f'touch {marker}')}\nnodes:\n  e: {{kind: outcome}}\n"
    with pytest.raises(ScenarioFileError) as excinfo:
        scenarios.loads(text)
    assert diagnostics(excinfo) == [("tag", 1, 8)]
    assert not marker.exists()


def test_binary_values_are_refused():
    with pytest.raises(ScenarioFileError) as excinfo:
        scenarios.loads("title: !!binary aGVsbG8=\nnodes: {e: {kind: outcome}}\n")
    assert diagnostics(excinfo) == [("scalar", 1, 8)]


def test_merge_keys_are_refused():
    with pytest.raises(ScenarioFileError) as excinfo:
        scenarios.loads("title: t\nx: &x {kind: outcome}\nnodes:\n  e:\n    <<: *x\n")
    assert ("merge-key", 5, 5) in diagnostics(excinfo)


def test_timestamps_become_iso_text():
    doc = parse_document("as_of: 2022-02-16\nat: 2022-02-16 10:30:00\n")
    assert doc.data == {"as_of": "2022-02-16", "at": "2022-02-16T10:30:00"}


# -- hostile documents -----------------------------------------------------------------------
def billion_laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghijklmnop"
    for prev, cur in zip(names, names[1:levels + 1], strict=False):
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_quickly():
    start = time.perf_counter()
    with pytest.raises(ScenarioFileError) as excinfo:
        scenarios.loads(billion_laughs())  # 9**10 = 3.5e9 strings if expanded
    assert time.perf_counter() - start < QUICK
    assert [d.code for d in excinfo.value.diagnostics] == ["too-large"]


def test_moderate_alias_use_is_fine():
    text = "title: t\nactors: {u: {}}\nnodes:\n  a: &o {kind: outcome, payoffs: {u: 1}}\n"
    text += "".join(f"  n{i}: *o\n" for i in range(50))
    text = text.replace("  a: &o", "  s: {kind: chance, branches: [" + ", ".join(
        [f"{{to: n{i}, p: 0.02}}" for i in range(50)]) + "]}\n  a: &o")
    with pytest.warns(scenarios.ScenarioWarning):  # 'a' is never reached
        s = scenarios.loads(text)
    assert s.evaluate().expected_payoffs["u"] == pytest.approx(1.0)
    assert 50 < MAX_ALIAS_VALUES


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("a: &x [*x]\n", id="recursive-sequence"),
        pytest.param("a: &x {b: *x}\n", id="recursive-mapping"),
        pytest.param("[" * 100_000 + "]" * 100_000, id="deep-flow"),
        pytest.param("".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 100)), id="deep-block"),
        pytest.param("- " * 5000 + "x\n", id="deep-compact-sequence"),
    ],
)
def test_deep_nesting_is_refused_quickly(text):
    start = time.perf_counter()
    with pytest.raises(ScenarioFileError) as excinfo:
        scenarios.loads(text)
    assert time.perf_counter() - start < QUICK
    assert excinfo.value.diagnostics[0].code in {"too-deep", "syntax"}


def test_huge_integer_beyond_python_conversion_limit_is_a_diagnostic():
    with pytest.raises(ScenarioFileError) as excinfo:
        scenarios.loads("title: t\nactors: {u: {}}\nnodes:\n  e: {kind: outcome, payoffs: {u: "
                        + "9" * 5000 + "}}\n")
    assert diagnostics(excinfo) == [("scalar", 4, 35)]


# -- not YAML, not a mapping, empty ---------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "code"),
    [
        pytest.param("", "empty", id="empty"),
        pytest.param("   \n\n", "empty", id="blank"),
        pytest.param("# only a comment\n", "empty", id="comment"),
        pytest.param("---\n", "type", id="empty-document"),
        pytest.param("null\n", "type", id="null"),
        pytest.param("just text\n", "type", id="scalar"),
        pytest.param("42\n", "type", id="number"),
        pytest.param("- a\n- b\n", "type", id="list"),
        pytest.param("a: [1, 2\n", "syntax", id="unclosed"),
        pytest.param("a: 1\n---\nb: 2\n", "syntax", id="two-documents"),
        pytest.param("a:\n\tb: 1\n", "syntax", id="tab-indent"),
        pytest.param("a: \x00\n", "syntax", id="nul-character"),
        pytest.param("? [a, b]\n: 1\n", "key-type", id="sequence-key"),
    ],
)
def test_not_a_scenario_document(text, code):
    with pytest.raises(ScenarioFileError) as excinfo:
        scenarios.loads(text, filename="x.yaml")
    assert [d.code for d in excinfo.value.diagnostics] == [code]
    assert all(d.file == "x.yaml" and d.line >= 1 and d.col >= 1 for d in excinfo.value.diagnostics)


def test_syntax_error_points_at_the_problem():
    with pytest.raises(ScenarioFileError) as excinfo:
        scenarios.loads("title: t\nnodes:\n  e: {kind: outcome\n  f: 1\n")
    (d,) = excinfo.value.diagnostics
    assert d.code == "syntax" and d.line >= 3  # not the 1:1 fallback


def test_loads_requires_text():
    with pytest.raises(TypeError):
        scenarios.loads(b"title: t")  # type: ignore[arg-type]


# -- JSON ---------------------------------------------------------------------------------
def test_json_file_loads_the_same_as_yaml():
    yaml_s = scenarios.load(builders.DATA / "valid" / "shared_outcome_dag.yaml")
    json_s = scenarios.load(builders.DATA / "valid" / "shared_outcome_dag.json")
    assert json_s.id == yaml_s.id == "shared_outcome_dag"
    assert json_s == yaml_s
    assert json_s.evaluate().to_dict() == yaml_s.evaluate().to_dict()
    assert json_s.solve().to_dict() == yaml_s.solve().to_dict()


def test_json_diagnostics_have_positions(write):
    data = builders.entry_deterrence()
    data["nodes"]["war"]["payoff"] = data["nodes"]["war"].pop("payoffs")
    path = write(json.dumps(data, indent=2), "entry.json")
    with pytest.raises(ScenarioFileError) as excinfo:
        scenarios.load(path)
    (d,) = excinfo.value.errors
    assert d.code == "unknown-key" and "did you mean 'payoffs'" in d.message
    line = path.read_text().splitlines()[d.line - 1]
    assert line[d.col - 1:].startswith('"payoff"')


def test_json_that_yaml_rejects_still_loads(write):
    # json.dumps escapes a non-BMP character as a surrogate pair, which PyYAML refuses;
    # the reader falls back to the json module for .json files.
    data = builders.coin_flip()
    data["title"] = "Coin \U0001F3B2"
    path = write(json.dumps(data), "coin.json")
    assert "\\ud83c" in path.read_text()
    s = scenarios.load(path)
    assert s.title == "Coin \U0001F3B2"
    assert s.evaluate().expected_payoffs == {"bettor": 0.0}


def test_json_fallback_still_reports_duplicate_keys(write):
    text = ('{"title": "Coin \\ud83c\\udfb2", "nodes": {"flip": {"kind": "outcome"}}, '
            '"title": "Other"}')
    with pytest.raises(ScenarioFileError) as excinfo:
        scenarios.load(write(text, "dup.json"))
    assert [d.code for d in excinfo.value.diagnostics] == ["duplicate-key"]


@pytest.mark.parametrize("char", ["\x85", "\x7f", "\x9f", "\r"], ids=["NEL", "DEL", "C1", "CR"])
def test_json_control_characters_are_read_then_refused(write, char):
    """Valid JSON (json.loads reads it exactly), but text holding a control character other
    than tab and newline is refused at its position (it could drive a terminal)."""
    data = builders.coin_flip()
    data["title"] = f"a{char}b"
    path = write(json.dumps(data, ensure_ascii=False), "coin.json")
    assert json.loads(path.read_text(encoding="utf-8"))["title"] == f"a{char}b"
    with pytest.raises(ScenarioFileError) as excinfo:
        scenarios.load(path)
    assert [d.code for d in excinfo.value.diagnostics] == ["control-character"]
    assert f"U+{ord(char):04X}" in str(excinfo.value)


def test_json_non_finite_numbers_are_errors(write):
    data = builders.coin_flip()
    text = json.dumps(data).replace('"p": 0.5', '"p": NaN')
    with pytest.raises(ScenarioFileError):
        scenarios.load(write(text, "nan.json"))


# -- files ----------------------------------------------------------------------------------
def test_missing_file(tmp_path):
    with pytest.raises(ScenarioFileError) as excinfo:
        scenarios.load(tmp_path / "nope.yaml")
    (d,) = excinfo.value.diagnostics
    assert (d.code, d.line, d.col) == ("no-file", 1, 1)
    assert d.file.endswith("nope.yaml")


def test_missing_name_suggests_a_bundled_scenario():
    with pytest.raises(ScenarioFileError, match="did you mean the bundled scenario 'entry-deterrence'"):
        scenarios.load("entry-deterence")


def test_directory_is_not_a_file(tmp_path):
    with pytest.raises(ScenarioFileError) as excinfo:
        scenarios.load(tmp_path)
    assert [d.code for d in excinfo.value.diagnostics] == ["no-file"]
    assert "directory" in excinfo.value.diagnostics[0].message


def test_non_utf8_file(write):
    path = write("title: caf\xe9\nnodes: {e: {kind: outcome}}\n".encode("latin-1"))
    with pytest.raises(ScenarioFileError) as excinfo:
        scenarios.load(path)
    assert [d.code for d in excinfo.value.diagnostics] == ["encoding"]


def test_utf8_with_bom_loads(write):
    path = write("\ufefftitle: Caf\u00e9\nnodes: {e: {kind: outcome}}\n")
    assert scenarios.load(path).title == "Caf\u00e9"


def test_load_accepts_str_and_path(write):
    path = write(builders.entry_deterrence_yaml(), "entry.yaml")
    assert scenarios.load(str(path)) == scenarios.load(path)
    assert scenarios.load(path).id == "entry"  # defaults to the file name


def test_too_long_file_name_is_a_file_error():
    with pytest.raises(ScenarioFileError):
        scenarios.load("a" * 300)


def test_a_mapping_of_many_keys_parses_as_fast_as_many_small_mappings():
    # The same number of YAML nodes, once as one mapping of 5,000 keys and once as 5,000
    # one-key mappings.  A linear reader takes about the same time for both; the quadratic
    # duplicate check makes the big mapping several times slower (and 100,000 keys take minutes).
    n = 5_000
    one_mapping = "".join(f"k{i}: {i}\n" for i in range(n))
    many_mappings = "".join(f"- {{k{i}: {i}}}\n" for i in range(n))

    def best_of_3(text):
        times = []
        for _ in range(3):
            start = time.perf_counter()
            parse_document(text)
            times.append(time.perf_counter() - start)
        return min(times)

    assert best_of_3(one_mapping) < 2.0 * best_of_3(many_mappings)

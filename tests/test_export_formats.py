"""Exports checked by the tools they are for: networkx's readers, Graphviz's ``dot``, a
Mermaid validator, and the scenario loader for JSON (Gambit's .efg is in test_efg.py).

Expected numbers come from ``tests/reference.py``, which binds the plain scenario data by
itself (no code shared with the package).
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings

import scenarios
from builders import build
from doc_examples import BIN, check_doctests, run_bash, transcripts
from reference import Reference
from scenarios.errors import ScenarioWarning
from scenarios.export import dot as dot_format
from scenarios.export import export, formats, json_format, mermaid
from scenarios.export._shared import ExportOptionError, xml_safe
from test_dump import documents

REPO = Path(__file__).parent.parent
INTEROP = Path(__file__).parent / "data" / "interop"
BUNDLED = scenarios.bundled_names()
OURS = ("json", "efg", "graphml", "gexf", "dot", "mermaid")
TOL = 1e-12
DOT = shutil.which("dot")
needs_dot = pytest.mark.skipif(DOT is None, reason="Graphviz 'dot' is not installed (Debian package "
                               "'graphviz'; CI installs it)")


def nasty() -> scenarios.Scenario:
    """Labels with every character that could break a format's quoting."""
    weird = 'Say "no" [now] {x} (y) <b>&amp; a|b #1; `t` \\N back\\slash\nsecond line \u00a0nbsp \u2028sep'
    return build({
        "title": weird, "id": "nasty",
        "actors": {"a b": {"name": weird, "color": "tab:red"}, "end": {"name": "graph"}},
        "nodes": {
            "end": {"kind": "decision", "actor": "a b", "label": weird, "branches": [
                {"to": "graph", "label": weird, "p": 0.5},
                {"to": "style", "label": weird, "p": 0.5, "payoffs": {"end": -1}}]},
            "graph": {"kind": "chance", "label": "subgraph", "branches": [
                {"to": "style", "label": "o--x", "p": 1 / 3}, {"to": "click", "p": "rest"}]},
            "style": {"kind": "outcome", "label": weird, "payoffs": {"a b": 1, "end": 2}},
            "click": {"kind": "outcome", "label": "", "payoffs": {"a b": 0.5}},
        },
    })


def bundled(name: str) -> scenarios.Scenario:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        return scenarios.load(name)


def test_every_format_is_registered_with_its_description():
    found = formats()
    for name in OURS:
        module = found[name]
        assert module.FORMAT == name
        assert module.SUFFIX.startswith(".") and module.DESCRIPTION
    with pytest.raises(scenarios.ScenarioError, match="unknown export format 'nope'"):
        export(bundled("entry-deterrence"), "nope")


# -- json --------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", BUNDLED)
def test_json_export_loads_back_identically(name):
    s = bundled(name)
    assert scenarios.loads(export(s, "json"), filename=f"{name}.json") == s


@settings(max_examples=40)
@given(documents())
def test_json_export_of_random_scenarios_loads_back_identically(data):
    s = build(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        assert scenarios.loads(json_format.export(s), filename="x.json") == s


def test_json_results_bundle():
    s = bundled("entry-deterrence")
    bundle = json.loads(json_format.export(s, results=True, overrides={"response.war": 0.6}))
    assert bundle["format"] == json_format.RESULTS_FORMAT
    assert scenarios.Scenario.from_dict(bundle["scenario"]) == s
    assert bundle["overrides"] == {"response.war": 0.6}
    # Hand-worked: with P(fight) = 0.6, E[entrant] = 0.5*(0.6*-1 + 0.4*1) = -0.1,
    # E[incumbent] = 0.5*2 + 0.5*(0.6*-1 + 0.4*1) = 0.9; solving ignores beliefs.
    assert bundle["evaluate"]["expected_payoffs"] == pytest.approx({"entrant": -0.1, "incumbent": 0.9}, rel=1e-15)
    assert bundle["solve"]["choices"] == {"entry": "response", "response": "share"}
    assert bundle["evaluate"] == s.evaluate(overrides={"response.war": 0.6}).to_dict()
    with pytest.raises(ExportOptionError, match="only affect --results"):
        json_format.export(s, overrides={"response.war": 0.6})


# -- graphml and gexf ----------------------------------------------------------------------------
def read_back(s: scenarios.Scenario, fmt: str, **options) -> nx.DiGraph:
    text = export(s, fmt, **options)
    if fmt == "graphml":
        return nx.read_graphml(io.StringIO(text))
    return nx.read_gexf(io.BytesIO(text.encode("utf-8")))


def check_graph(s: scenarios.Scenario, g: nx.DiGraph, fmt: str) -> None:
    """Structure and every attribute against the scenario and the reference numbers."""
    ref = Reference(s.to_dict())
    assert set(g.nodes) == set(s.nodes)
    assert {(u, v) for u, v in g.edges} == {(n.id, b.to) for n in s.nodes.values() for b in n.branches}
    for node_id, node in s.nodes.items():
        attrs = g.nodes[node_id]
        assert attrs["kind"] == node.kind and attrs["label"] == xml_safe(node.label)
        assert attrs["fixed"] is node.fixed and attrs["historical"] is node.historical
        assert attrs.get("text") == (node.text and xml_safe(node.text))
        assert attrs.get("quote") == (node.quote and xml_safe(node.quote))
        assert attrs.get("actor") == node.actor
        assert attrs.get("tags", "") == ";".join(node.tags)
        assert attrs.get("source", "") == ";".join(node.source)
        for actor in s.actors:
            assert attrs[f"payoff.{actor}.value"] == pytest.approx(ref.node_pay[node_id][actor], abs=TOL)
            if actor in node.payoffs:
                assert attrs[f"payoff.{actor}"] == str(node.payoffs[actor])
        for i, branch in enumerate(node.branches):
            edge = g.edges[node_id, branch.to]
            assert edge["label"] == xml_safe(branch.label) and edge["index"] == i
            assert edge["p.value"] == pytest.approx(ref.p[node_id][i], abs=TOL)
            if branch.p is not None:
                assert edge["p"] == str(branch.p)
            for actor in s.actors:
                assert edge[f"payoff.{actor}.value"] == pytest.approx(
                    ref.branch_pay[(node_id, i)][actor], abs=TOL)
    if fmt == "graphml":
        assert g.graph["title"] == xml_safe(s.title) and g.graph["root"] == s.root
        for name, value in ref.params.items():
            assert g.graph[f"parameter.{name}.value"] == pytest.approx(value, abs=TOL)
    else:
        assert all(g.nodes[n]["viz"]["color"] for n in g.nodes)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
@pytest.mark.parametrize("name", BUNDLED)
def test_graph_exports_read_back_with_every_attribute(fmt, name):
    s = bundled(name)
    check_graph(s, read_back(s, fmt), fmt)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graph_exports_of_awkward_labels(fmt):
    s = nasty()
    check_graph(s, read_back(s, fmt), fmt)


@settings(max_examples=30)
@given(documents())
def test_graph_exports_of_random_scenarios(data):
    s = build(data)
    for fmt in ("graphml", "gexf"):
        check_graph(s, read_back(s, fmt), fmt)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graph_exports_with_results(fmt):
    s = bundled("oil-wildcatter")
    g = read_back(s, fmt, results=True)
    # Raiffa's wildcatter as simplified in the bundled file: drilling at once is worth
    # 0.5*(-70) + 0.3*(120-70) + 0.2*(270-70) = 20 > 19.5 (test) > 0 (walk away).
    assert g.nodes["start"]["solve.choice"] == "drill_now"
    assert g.nodes["start"]["solve.value.wildcatter"] == pytest.approx(20)
    assert g.edges["start", "drill_now"]["solve.chosen"] is True
    assert g.edges["start", "seismic"]["solve.chosen"] is False
    # Belief mode: P(reach wet) = P(drill now) * 0.3 = 0.5 * 0.3 = 0.15.
    assert g.nodes["wet"]["belief.reach"] == pytest.approx(0.15)


def test_graph_export_under_overrides():
    g = read_back(bundled("entry-deterrence"), "graphml", overrides={"response.war": 0.9})
    assert g.edges["response", "war"]["p.value"] == pytest.approx(0.9)
    assert g.edges["response", "share"]["p.value"] == pytest.approx(0.1)


# -- dot ---------------------------------------------------------------------------------------
def render_svg(text: str) -> ET.Element:
    """Render with the real Graphviz; no warning allowed; the parsed SVG."""
    out = subprocess.run([DOT, "-Tsvg"], input=text.encode("utf-8"), capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr.decode()
    assert out.stderr.decode().strip() == "", out.stderr.decode()
    return ET.fromstring(out.stdout)


SVG = "{http://www.w3.org/2000/svg}"


def svg_groups(svg: ET.Element, cls: str) -> dict[str, ET.Element]:
    return {g.find(f"{SVG}title").text: g for g in svg.iter(f"{SVG}g") if g.get("class") == cls}


def svg_text(element: ET.Element) -> str:
    return "\n".join(t.text or "" for t in element.iter(f"{SVG}text"))


def check_dot(s: scenarios.Scenario, text: str) -> ET.Element:
    svg = render_svg(text)
    nodes = svg_groups(svg, "node")
    assert set(nodes) == set(s.nodes)
    edges = svg_groups(svg, "edge")
    assert sorted(edges) == sorted(f"{n.id}->{b.to}" for n in s.nodes.values() for b in n.branches)
    for node_id, node in s.nodes.items():
        shown = svg_text(nodes[node_id])
        for line in dot_format.printable(node.label).splitlines() or [""]:
            assert " ".join(line.split()) in " ".join(shown.split())
        if node.kind == "decision":
            assert nodes[node_id].find(f"{SVG}polygon") is not None  # the box
        elif node.kind == "chance":
            assert nodes[node_id].find(f"{SVG}ellipse") is not None
        else:
            assert "\u25c0" in shown  # the end-node triangle
    return svg


@needs_dot
@pytest.mark.parametrize("name", BUNDLED)
def test_dot_renders_with_graphviz(name):
    s = bundled(name)
    check_dot(s, dot_format.export(s))
    if not s.perfect_information:  # results are backward induction's: refused in one line for information sets
        with pytest.raises(scenarios.errors.GameError):
            dot_format.export(s, results=True)
        return
    check_dot(s, dot_format.export(s, results=True))


@needs_dot
def test_dot_renders_awkward_labels():
    s = nasty()
    svg = check_dot(s, dot_format.export(s))
    assert 'Say "no" [now] {x} (y) <b>&amp; a|b #1; `t` \\N back\\slash' in svg_text(svg)


@needs_dot
@pytest.mark.parametrize("title", ["", " ", "]", "[x]]>", "a\\N", "<b></b>"])
def test_dot_renders_titles_graphviz_once_refused(title):
    # Found by Hypothesis: an empty <b></b> and a bare ']' broke Graphviz's HTML labels.
    s = build({"title": title, "actors": {"a": {"name": title}}, "nodes": {
        "d": {"kind": "decision", "actor": "a", "label": title, "branches": [{"to": "o"}]},
        "o": {"kind": "outcome", "label": title}}})
    check_dot(s, dot_format.export(s, results=True))


@needs_dot
@settings(max_examples=25)
@given(documents())
def test_dot_renders_random_scenarios(data):
    s = build(data)
    check_dot(s, dot_format.export(s, results=True))


def test_dot_uses_decision_analysis_shapes_and_actor_colours():
    s = bundled("entry-deterrence")
    text = dot_format.export(s, results=True)
    lines = {line.split(" [")[0].strip(): line for line in text.splitlines() if " [" in line}
    assert 'shape=box' in lines['"entry"'] and 'color="#0072b2"' in lines['"entry"']
    assert 'color="#d55e00"' in lines['"response"']
    assert 'shape=plain' in lines['"war"'] and "&#9664;" in lines['"war"']
    # Solved choices drawn bold in the chooser's colour; beliefs shown as p on every edge.
    assert 'penwidth=2.5, color="#0072b2"' in lines['"entry" -> "response"']
    assert 'penwidth' not in lines['"entry" -> "stay_out"']
    assert 'p = 0.3' in lines['"response" -> "war"']
    oil = dot_format.export(bundled("oil-wildcatter"))
    assert "shape=ellipse" in oil and "(Wildcatter: -70)" in oil


def test_dot_quote_escapes():
    assert dot_format.quote('a"b\\c\nd&') == '"a\\"b\\\\c\\nd&amp;"'


# -- mermaid -------------------------------------------------------------------------------------
NODE = re.compile(r'    (?P<id>n_\w+)(?P<shape>\["(?P<a>[^"]*)"\]|\(\("(?P<b>[^"]*)"\)\)|>"(?P<c>[^"]*)"\])'
                  r'(:::(?P<cls>\w+))?')
EDGE = re.compile(r'    (?P<src>n_\w+) (?P<arrow>-->|==>)\|"(?P<label>[^"]*)"\| (?P<dst>n_\w+)')
CLASSDEF = re.compile(r"    classDef (?P<cls>\w+) [\w:#,.%-]+")
LINKSTYLE = re.compile(r"    linkStyle (?P<idx>\d+(,\d+)*) [\w:#,.-]+")
RESERVED = {"end", "graph", "subgraph", "flowchart", "style", "class", "classDef", "click", "linkStyle",
            "direction", "default"}


def validate_mermaid(text: str) -> dict:
    """A small validator of the Mermaid flowchart subset the exporter writes.

    Checks: YAML front matter, ``flowchart LR``, every line one of node / edge / classDef /
    linkStyle, node ids valid and declared once, edges between declared nodes, classes
    defined, link indices in range, labels free of raw quotes and of HTML other than
    ``<br/>``, entity codes well formed, and brackets balanced outside the quoted labels.
    """
    lines = text.rstrip("\n").split("\n")
    assert lines[0] == "---" and lines[1].startswith("title: \"") and lines[2] == "---"
    json.loads(lines[1][len("title: "):])  # a valid double-quoted string
    assert lines[3] == "flowchart LR"
    nodes, edges, classes, used_classes, styled = {}, [], set(), set(), []
    for line in lines[4:]:
        if m := NODE.fullmatch(line):
            node_id = m["id"]
            assert node_id not in nodes, f"{node_id} declared twice"
            assert node_id not in RESERVED and re.fullmatch(r"n_[A-Za-z0-9_]+", node_id)
            nodes[node_id] = m["a"] if m["a"] is not None else m["b"] if m["b"] is not None else m["c"]
            if m["cls"]:
                used_classes.add(m["cls"])
        elif m := EDGE.fullmatch(line):
            edges.append((m["src"], m["dst"], m["label"], m["arrow"]))
        elif m := CLASSDEF.fullmatch(line):
            classes.add(m["cls"])
        elif m := LINKSTYLE.fullmatch(line):
            styled.extend(int(i) for i in m["idx"].split(","))
        else:
            raise AssertionError(f"not a statement the exporter should write: {line!r}")
        if not NODE.fullmatch(line):  # a node's shape delimiters were matched by NODE itself
            outside = re.sub(r'"[^"]*"', "", line)
            for open_, close in ("[]", "()", "{}"):
                assert outside.count(open_) == outside.count(close), line
    for src, dst, _, _ in edges:
        assert src in nodes and dst in nodes, (src, dst)
    assert used_classes <= classes
    assert all(0 <= i < len(edges) for i in styled)
    for label in [*nodes.values(), *(e[2] for e in edges)]:
        assert '"' not in label
        assert re.sub(r"<br/>", "", label).count("<") == 0 and ">" not in re.sub(r"<br/>", "", label)
        for entity in re.findall(r"#[^;]*;?", label):
            assert re.fullmatch(r"#(\d+|[a-z]+);", entity), (entity, label)
    return {"nodes": nodes, "edges": edges, "styled": styled}


def unescape(label: str) -> str:
    names = {"quot": '"', "lt": "<", "gt": ">", "amp": "&"}
    label = label.replace("<br/>", "\n")
    return re.sub(r"#(\d+|[a-z]+);", lambda m: chr(int(m[1])) if m[1].isdigit() else names[m[1]], label)


def check_mermaid(s: scenarios.Scenario, text: str) -> dict:
    found = validate_mermaid(text)
    ids = mermaid.node_ids(s)
    assert sorted(found["nodes"]) == sorted(ids.values())
    assert sorted((e[0], e[1]) for e in found["edges"]) == sorted(
        (ids[n.id], ids[b.to]) for n in s.nodes.values() for b in n.branches)
    for node_id, node in s.nodes.items():
        assert unescape(found["nodes"][ids[node_id]]).startswith(mermaid.printable(node.label))
    return found


def test_mermaid_golden_entry_deterrence():
    text = mermaid.export(bundled("entry-deterrence"))
    golden = (INTEROP / "entry-deterrence.mmd").read_text(encoding="utf-8")
    assert text == golden
    check_mermaid(bundled("entry-deterrence"), text)


@pytest.mark.parametrize("name", BUNDLED)
def test_mermaid_of_bundled_scenarios_is_valid(name):
    s = bundled(name)
    check_mermaid(s, mermaid.export(s))
    if not s.perfect_information:  # results are backward induction's: refused in one line for information sets
        with pytest.raises(scenarios.errors.GameError):
            mermaid.export(s, results=True)
        return
    found = check_mermaid(s, mermaid.export(s, results=True))
    chosen = {(e[0], e[1]) for i, e in enumerate(found["edges"]) if e[3] == "==>"}
    ids = mermaid.node_ids(s)
    assert chosen == {(ids[k], ids[v]) for k, v in s.solve().choices.items()}
    assert sorted(found["styled"]) == [i for i, e in enumerate(found["edges"]) if e[3] == "==>"]


def test_mermaid_escapes_awkward_labels_and_keywords():
    s = nasty()
    found = check_mermaid(s, mermaid.export(s))
    assert "n_end" in found["nodes"] and "end" not in found["nodes"]
    label = unescape(found["nodes"]["n_end"])
    assert label.startswith('Say "no" [now] {x} (y) <b>&amp; a|b #1; `t` \\N back\\slash\nsecond line')


@settings(max_examples=40)
@given(documents())
def test_mermaid_of_random_scenarios_is_valid(data):
    s = build(data)
    check_mermaid(s, mermaid.export(s, results=True))


def test_mermaid_ids_stay_unique_after_cleaning():
    s = build({"title": "T", "nodes": {"a-b": {"kind": "chance", "branches": [
        {"to": "a_b", "p": 1}]}, "a_b": {"kind": "outcome"}}})
    assert mermaid.node_ids(s) == {"a-b": "n_a_b", "a_b": "n_a_b_2"}
    check_mermaid(s, mermaid.export(s))


# -- the command, as a user runs it ----------------------------------------------------------------
def test_cli_exports_every_format_to_a_file(cli_process, tmp_path):
    for fmt in OURS:
        target = tmp_path / f"out{formats()[fmt].SUFFIX}"
        out = cli_process("export", "entry-deterrence", "--to", fmt, "-o", str(target))
        assert out.returncode == 0, out.stderr
        assert out.stdout == "" and target.read_text(encoding="utf-8")
    assert scenarios.load(tmp_path / "out.json") == bundled("entry-deterrence")


def test_cli_export_to_standard_output_with_results(cli_process):
    out = cli_process("export", "entry-deterrence", "--to", "json", "--results", "--set", "response.war=0.6")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["evaluate"]["expected_payoffs"] == pytest.approx({"entrant": -0.1, "incumbent": 0.9},
                                                                                   rel=1e-15)


@pytest.mark.parametrize("args, message", [
    (["--to", "nope"], "unknown export format 'nope'"),
    (["--to", "efg", "--results"], "--results is not supported"),
    (["--to", "json", "--set", "response.war=0.6"], "only affect --results"),
    (["--to", "dot", "--set", "nope=1"], "unknown parameter"),
])
def test_cli_export_errors_are_clear_and_write_nothing(cli_process, tmp_path, args, message):
    target = tmp_path / "out.txt"
    out = cli_process("export", "entry-deterrence", *args, "-o", str(target))
    assert out.returncode == 1
    assert message in out.stderr and "Traceback" not in out.stderr
    assert out.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_cli_export_into_a_missing_folder(cli_process, tmp_path):
    out = cli_process("export", "entry-deterrence", "--to", "dot", "-o", str(tmp_path / "missing" / "x.dot"))
    assert out.returncode == 1 and "does not exist" in out.stderr and "Traceback" not in out.stderr
    assert list(tmp_path.iterdir()) == []


def test_cli_export_never_overwrites_a_scenario_file(cli_process, tmp_path):
    target = tmp_path / "mine.yaml"
    target.write_text("title: mine\n", encoding="utf-8")
    out = cli_process("export", "entry-deterrence", "--to", "json", "-o", str(target))
    assert out.returncode == 1 and "refusing to overwrite" in out.stderr
    assert target.read_text(encoding="utf-8") == "title: mine\n"


def test_cli_usage_error_exits_2(cli_process):
    out = cli_process("export", "entry-deterrence")
    assert out.returncode == 2 and "--to" in out.stderr


# -- docs/interop.md runs as written (the runner is tests/doc_examples.py) ----------------------------
DOC = "docs/interop.md"
# (command, expected output) for every ``$ scenarios`` line of the page's console blocks, but
# synopses with placeholders (FILE, OUT).
SESSIONS = [(command, shown) for command, shown in transcripts(DOC) if not re.search(r"\b[A-Z]{3,}\b", command)]


def test_interop_doc_python_examples_run():
    check_doctests(DOC, None, minimum=11)


@pytest.mark.parametrize("command, expected", SESSIONS, ids=lambda x: x[:60] if x else "")
def test_interop_doc_console_examples_run(tmp_path, command, expected):
    (tmp_path / "tests").symlink_to(REPO / "tests")  # the page's relative paths, outputs in tmp
    env = {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(tmp_path), "LC_ALL": "C.UTF-8",
           **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"}}  # a worktree's sources
    out = run_bash(command, tmp_path, timeout=120, env=env)
    assert "Traceback" not in out.stderr
    if "exit status" not in expected:
        assert out.returncode == 0, out.stderr
    if expected.strip():
        assert out.stdout == expected

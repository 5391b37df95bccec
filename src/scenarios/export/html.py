"""One self-contained HTML page for walking through a scenario in any browser.

``scenarios export FILE --to html -o walk.html`` writes a single file that a teacher can
send to students who have no Python: inline CSS and JavaScript, no fonts, scripts or
images from anywhere (a Content-Security-Policy forbids every network request), and the
scenario's numbers computed here, in Python, and embedded as JSON.  The page only follows
the tree: the bound branch probabilities and payoffs, the strategic solution's choices and
values (:func:`scenarios.solve`), the probabilities of the most probable paths (for the
rank at the end), the historical path with its dates (:func:`scenarios.walk.reveal`) and a
tree layout are all computed by this module.

The page offers the same walk as ``scenarios play``: narrative, sources and quotes,
numbered options with their probabilities, roll with a seed, back, history, a strategic
hint, the end-of-walk summary (path probability, rank, payoffs, decisions against the
solution) and the historical reveal, plus a small tree with the path highlighted.  It is
keyboard accessible (number keys, r, b, h, s, ?) and readable on a phone.

Rolls in the page use mulberry32, a small seeded generator written in JavaScript, so a
seed gives different rolls in the page than in ``scenarios play`` (numpy's PCG64).  Both
are reproducible: the same seed in the page gives the same rolls again.
"""

from __future__ import annotations

import html
import json

import numpy as np

from ..engine.bind import bind
from ..engine.paths import top_paths
from ..model import Scenario
from ..walk import RANK_TOLERANCE, count_paths, reveal
from ._shared import actor_colors

FORMAT = "html"
SUFFIX = ".html"
DESCRIPTION = "single-file interactive walk-through page (no network access)"

__all__ = ["FORMAT", "SUFFIX", "DESCRIPTION", "export", "page_data", "TOP_PATHS", "TREE_LIMIT"]

#: How many of the most probable paths are embedded for ranking a walk's path; a path
#: below them is reported as "beyond the N most probable".
TOP_PATHS = 20_000
#: Scenarios with more nodes than this get no tree drawing (it would be unreadable).
TREE_LIMIT = 400


def export(scenario: Scenario, *, overrides=None, seed: int = 1, results: bool = False, **_) -> str:
    """The page for ``scenario`` as HTML text.

    Parameters
    ----------
    overrides : mapping, optional
        As ``scenarios evaluate --set``; the page shows the numbers under them.
    seed : int
        The seed the page starts with (students can change it).
    results : bool
        Ignored: the page always carries its numbers.

    Raises
    ------
    UnknownNameError, ExpressionError, ProbabilityError
        for bad ``overrides``.

    Examples
    --------
    >>> import scenarios
    >>> page = export(scenarios.load("entry-deterrence"))
    >>> page.startswith("<!DOCTYPE html>") and "http://" not in page and "https://" not in page
    True
    """
    data = page_data(scenario, overrides=overrides, seed=seed)
    payload = _script_json(data)
    title = html.escape(scenario.title)
    tree = _tree_svg(scenario, data) if data["layout"] else ""
    return _PAGE.format(title=title, payload=payload, css=_CSS, js=_JS, tree=tree,
                        tree_note="" if tree else _NO_TREE)


def page_data(scenario: Scenario, *, overrides=None, seed: int = 1) -> dict:
    """Everything the page needs, as plain JSON-ready data (numbers computed here).

    >>> import scenarios
    >>> d = page_data(scenarios.load("entry-deterrence"))
    >>> d["root"], d["paths"]["total"], d["paths"]["top"]
    ('entry', 3, [0.5, 0.35, 0.15])
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**32:
        raise ValueError(f"seed must be a whole number in [0, 2**32), not {seed!r}")
    bound = bind(scenario, overrides)
    compiled = bound.compiled
    solution = scenario.solve(overrides=overrides, top=0)
    values = solution.values_array
    actors = list(compiled.actors)
    reachable = _reachable(scenario)
    colors = actor_colors(scenario)  # the actor's colour, or the exporters' shared palette

    nodes = {}
    for node_id in reachable:
        node = scenario.nodes[node_id]
        i = compiled.index[node_id]
        start = int(compiled.edge_start[i])
        branches = []
        for j, branch in enumerate(node.branches):
            e = start + j  # compiled edges are sorted by parent, then branch order
            branches.append({"to": branch.to, "label": branch.label, "p": float(bound.p[e]),
                             "payoffs": [float(x) for x in bound.edge_payoff[e]],
                             "text": branch.text})
        entry = {"kind": node.kind, "label": node.label, "text": node.text, "actor": node.actor,
                 "fixed": node.fixed, "quote": node.quote, "historical": node.historical,
                 "tags": list(node.tags),
                 "sources": [_source(scenario.sources[k]) for k in node.source],
                 "payoffs": [float(x) for x in bound.node_payoff[i]],
                 "value": [float(x) for x in values[i]], "branches": branches}
        if node.kind == "decision":
            a = actors.index(node.actor)
            entry["option_values"] = [float(bound.edge_payoff[start + j, a]
                                            + values[compiled.index[b.to], a])
                                      for j, b in enumerate(node.branches)]
            chosen = solution.chosen_edge[i]
            entry["choice"] = compiled.ids[compiled.child[chosen]] if chosen >= 0 else None
            entry["tie"] = node_id in solution.ties
        nodes[node_id] = entry

    found = top_paths(compiled, bound.p, TOP_PATHS)
    positive = count_paths(compiled, bound.p)
    shown = reveal(scenario)
    years = sorted({s.date[:4] for s in shown.steps if s.date})
    return {
        "format": "scenarios-walk-page", "version": 1,
        "id": scenario.id, "title": scenario.title, "summary": scenario.summary,
        "as_of": scenario.as_of, "seed": int(seed), "root": scenario.root,
        "overrides": {k: str(v) for k, v in (overrides or {}).items()},
        "actor_order": actors,
        "actors": {k: {"name": a.name, "color": colors[k], "description": a.description}
                   for k, a in scenario.actors.items()},
        "nodes": nodes,
        "paths": {"top": [float(p) for _, _, p in found], "total": count_paths(compiled),
                  "positive": positive, "complete": len(found) >= positive,
                  "tolerance": RANK_TOLERANCE},
        "solution_expected": [float(x) for x in values[compiled.root]],
        "reveal": {"steps": [s.to_dict() for s in shown.steps], "year": years[-1] if years else None,
                   "first_year": years[0] if years else None},
        "layout": _layout(scenario, reachable) if len(reachable) <= TREE_LIMIT else None,
    }


# -- helpers ----------------------------------------------------------------------------------
def _source(source) -> dict:
    return {"title": source.title, "publisher": source.publisher, "date": source.date,
            "url": source.url}


def _reachable(scenario: Scenario) -> list[str]:
    """Node ids reachable from the root, in topological (compiled) order."""
    compiled = scenario.compiled
    seen = np.zeros(compiled.n_nodes, dtype=bool)
    seen[compiled.root] = True
    for g in range(len(compiled.gen_nodes) - 1):
        es = slice(compiled.gen_edges[g], compiled.gen_edges[g + 1])
        seen[compiled.child[es][seen[compiled.parent[es]]]] = True
    return [compiled.ids[i] for i in np.flatnonzero(seen)]


def _layout(scenario: Scenario, reachable: list[str]) -> dict:
    """Columns by generation (outcomes all in the last one), rows from the outcomes' order.

    Outcomes take rows in the order a depth-first walk from the root first meets them;
    every other node sits at the mean row of its children, then each column is pushed
    apart to one row between nodes.  Iterative throughout.
    """
    compiled = scenario.compiled
    generation = np.repeat(np.arange(len(compiled.gen_nodes) - 1), np.diff(compiled.gen_nodes))
    keep = set(reachable)
    last = max((int(generation[compiled.index[n]]) for n in reachable), default=0)
    column = {n: last if scenario.nodes[n].kind == "outcome" else int(generation[compiled.index[n]])
              for n in reachable}
    row: dict[str, float] = {}
    stack, seen = [scenario.root], set()
    while stack:
        node_id = stack.pop()
        if node_id in seen:
            continue
        seen.add(node_id)
        node = scenario.nodes[node_id]
        if node.kind == "outcome":
            row[node_id] = float(len(row))
        stack.extend(b.to for b in reversed(node.branches) if b.to in keep)
    for node_id in reversed(reachable):  # children before parents
        node = scenario.nodes[node_id]
        if node.kind != "outcome":
            row[node_id] = float(np.mean([row[b.to] for b in node.branches]))
    for c in range(last):
        members = sorted((n for n in reachable if column[n] == c), key=lambda n: row[n])
        for a, b in zip(members, members[1:], strict=False):
            row[b] = max(row[b], row[a] + 1.0)
    return {"columns": last + 1, "rows": int(max(row.values(), default=0)) + 1,
            "at": {n: [column[n], round(row[n], 3)] for n in reachable}}


_DX, _DY, _PAD, _LABEL_W = 52, 26, 18, 236


def _tree_svg(scenario: Scenario, data: dict) -> str:
    """The tree as inline SVG: the page marks the path by adding classes to its elements."""
    layout = data["layout"]
    at = layout["at"]
    width = _PAD * 2 + (layout["columns"] - 1) * _DX + _LABEL_W
    height = _PAD * 2 + (layout["rows"] - 1) * _DY + 6

    def xy(node_id):
        c, r = at[node_id]
        return _PAD + c * _DX, _PAD + r * _DY

    parts = [f'<svg id="tree" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             'role="img" aria-labelledby="tree-title" focusable="false">',
             '<title id="tree-title">The scenario as a tree; your path is highlighted</title>']
    edges, shapes = [], []
    for node_id, node in data["nodes"].items():
        x1, y1 = xy(node_id)
        for branch in node["branches"]:
            x2, y2 = xy(branch["to"])
            mid = (x1 + x2) / 2
            edges.append(f'<path class="edge" data-edge="{html.escape(node_id)}>{html.escape(branch["to"])}" '
                         f'd="M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}"><title>'
                         f'{html.escape(branch["label"])} (p = {branch["p"]:.4g})</title></path>')
    for node_id, node in data["nodes"].items():
        x, y = xy(node_id)
        color = data["actors"][node["actor"]]["color"] if node["actor"] else None
        fill = f' style="fill:{color}"' if color else ""
        tip = f'<title>{html.escape(node["label"])}</title>'
        ident = f'class="node {node["kind"]}" data-node="{html.escape(node_id)}"'
        if node["kind"] == "decision":
            shape = f'<rect x="{x - 7}" y="{y - 7}" width="14" height="14"{fill}/>'
        elif node["kind"] == "chance":
            shape = f'<circle cx="{x}" cy="{y}" r="7.5"/>'
        else:
            shape = f'<path d="M{x - 7},{y + 6} L{x + 7},{y + 6} L{x},{y - 7} Z"/>'
        label = ""
        if node["kind"] == "outcome":
            text = node["label"] if len(node["label"]) <= 32 else node["label"][:31] + "…"
            label = f'<text x="{x + 12}" y="{y + 4}">{html.escape(text)}</text>'
        ring = f'<circle class="ring" cx="{x}" cy="{y}" r="12"/>'
        shapes.append(f'<g {ident}>{tip}{ring}{shape}{label}</g>')
    parts += ['<g class="edges">', *edges, '</g>', '<g class="nodes">', *shapes, '</g>', '</svg>']
    return "\n".join(parts)


def _script_json(data: dict) -> str:
    """JSON safe inside ``<script>``: no ``</script>``, ``<!--`` or line separators survive."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


_NO_TREE = f'<p class="note">The tree has more than {TREE_LIMIT} nodes, too many to draw here.</p>'

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="scenarios">
<title>{title}: walk through</title>
<style>
{css}
</style>
</head>
<body>
<a class="skip" href="#screen-title">Skip to the walk</a>
<header class="top">
  <h1 id="title">{title}</h1>
  <p id="as-of" class="muted"></p>
  <details id="about"><summary>About this scenario</summary><p id="summary"></p>
    <p class="muted">Every number on this page was computed in advance by the <code>scenarios</code>
    program and is embedded in the page; the page works offline and makes no network requests.</p>
  </details>
</header>
<main>
  <section id="walk" class="card" aria-labelledby="screen-title">
    <p id="step" class="muted"></p>
    <h2 id="screen-title" tabindex="-1"></h2>
    <p id="who"></p>
    <div id="narrative"></div>
    <blockquote id="quote" hidden></blockquote>
    <ul id="sources" class="sources"></ul>
    <p id="path-line">Your path so far: p = <strong id="path-p" data-p="1">1</strong>
      <span id="path-pct" class="muted"></span></p>
    <p id="accrued" class="muted"></p>
    <p id="last-step" aria-live="polite"></p>
    <div id="choices">
      <p id="question"></p>
      <ol id="options" class="options"></ol>
      <div class="controls">
        <button type="button" id="roll" aria-keyshortcuts="r"><kbd>r</kbd> Roll</button>
        <button type="button" id="back" aria-keyshortcuts="b"><kbd>b</kbd> Back</button>
        <button type="button" id="hint-button" aria-keyshortcuts="s" aria-controls="hint" aria-expanded="false"><kbd>s</kbd> Hint</button>
        <button type="button" id="history-button" aria-keyshortcuts="h" aria-controls="history" aria-expanded="false"><kbd>h</kbd> History</button>
        <button type="button" id="help-button" aria-keyshortcuts="?" aria-controls="help" aria-expanded="false"><kbd>?</kbd> Help</button>
      </div>
      <p id="message" class="message" role="status"></p>
    </div>
    <div id="hint" class="panel" hidden></div>
    <div id="help" class="panel" hidden>
      <h3>Keys</h3>
      <ul>
        <li><kbd>1</kbd>–<kbd>9</kbd> choose an option (for the actor, or for chance)</li>
        <li><kbd>r</kbd> roll: chance decides (at a decision, the analyst's belief weights)</li>
        <li><kbd>b</kbd> back one step &nbsp; <kbd>h</kbd> history &nbsp; <kbd>s</kbd> strategic hint &nbsp; <kbd>?</kbd> this help</li>
        <li><kbd>Tab</kbd> moves between the buttons; <kbd>Enter</kbd> or <kbd>Space</kbd> presses one.</li>
      </ul>
      <p class="muted">Rolls come from a small seeded generator (mulberry32) in the page: the same seed
      gives the same rolls again here, but not the same as <code>scenarios play --seed</code>, which uses numpy.</p>
    </div>
    <section id="summary-panel" hidden aria-labelledby="summary-title">
      <h3 id="summary-title">End of the walk</h3>
      <p id="route"></p>
      <p>Probability of this path: <strong id="final-p" data-p=""></strong> <span id="final-pct" class="muted"></span></p>
      <p id="rank" data-rank=""></p>
      <table id="payoffs"><caption>Payoffs</caption><thead><tr><th scope="col">actor</th><th scope="col">outcome</th><th scope="col">whole path</th></tr></thead><tbody></tbody></table>
      <p class="muted small">The whole path adds the costs and gains along the way to the outcome's own payoff.</p>
      <h4>Your decisions against the strategic solution</h4>
      <ul id="decisions"></ul>
      <p id="solution-expected" class="muted"></p>
      <section id="reveal" aria-labelledby="reveal-title">
        <h3 id="reveal-title">What actually happened</h3>
        <ol id="reveal-steps" class="reveal"></ol>
        <p id="history-route"></p>
        <p id="departure"></p>
      </section>
      <div class="controls"><button type="button" id="again">Start a new walk</button></div>
    </section>
  </section>
  <aside class="side">
    <section class="card" aria-labelledby="tree-heading">
      <h2 id="tree-heading" class="small-heading">The tree</h2>
      <div id="tree-box">{tree}{tree_note}</div>
      <p class="legend muted small"><span class="sq"></span> decision <span class="ci"></span> chance
        <span class="tr"></span> outcome · your path in bold<span id="legend-hist" hidden> · history dashed</span></p>
    </section>
    <section class="card" id="history" hidden aria-labelledby="history-title">
      <h2 id="history-title" class="small-heading">History</h2>
      <ol id="history-list"></ol>
    </section>
    <section class="card small">
      <label for="seed">Seed for rolls</label>
      <div class="seed-row"><input id="seed" type="number" min="0" max="4294967295" step="1" inputmode="numeric">
        <button type="button" id="new-seed">New seed</button></div>
      <p class="muted">Changing the seed starts a new walk.</p>
    </section>
  </aside>
</main>
<script type="application/json" id="scenario-data">{payload}</script>
<script>
{js}
</script>
</body>
</html>
"""

_CSS = """
:root { --ink:#1d2330; --muted:#5b6474; --line:#d7dce4; --bg:#f6f7f9; --card:#fff; --accent:#1f5fbf;
  --path:#c2410c; --hist:#111827; font-size:17px; }
* { box-sizing:border-box; }
body { margin:0; font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;
  color:var(--ink); background:var(--bg); line-height:1.45; }
.skip { position:absolute; left:-999px; } .skip:focus { left:8px; top:8px; background:#fff; padding:4px 8px; z-index:9; }
header.top { padding:14px 20px 4px; max-width:1280px; margin:0 auto; }
h1 { font-size:1.45rem; margin:0 0 2px; line-height:1.25; }
h2 { font-size:1.3rem; margin:4px 0 2px; line-height:1.3; }
h3 { font-size:1.1rem; margin:18px 0 6px; } h4 { font-size:1rem; margin:14px 0 4px; }
.small-heading { font-size:1rem; margin:0 0 6px; }
main { display:grid; grid-template-columns:minmax(0,1.1fr) minmax(0,1fr); gap:16px; padding:8px 20px 28px;
  max-width:1280px; margin:0 auto; align-items:start; }
@media (max-width: 860px) { main { grid-template-columns:minmax(0,1fr); padding:6px 10px 20px; }
  header.top { padding:10px 12px 2px; } :root { font-size:16px; } h1 { font-size:1.2rem; } h2 { font-size:1.15rem; }
  #tree { max-width:none; width:600px; } }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:14px 16px; margin-bottom:14px; }
.side { position:sticky; top:8px; }
@media (max-width: 860px) { .side { position:static; } }
.muted { color:var(--muted); } .small { font-size:.88rem; }
#step { margin:0; font-size:.9rem; }
#who { margin:0 0 8px; font-weight:600; display:flex; align-items:center; gap:8px; }
.swatch { display:inline-block; width:14px; height:14px; border-radius:3px; border:1px solid rgba(0,0,0,.25); }
#narrative p { margin:6px 0; }
blockquote { margin:10px 0 2px; padding:6px 12px; border-left:4px solid var(--line); font-style:italic; }
ul.sources { margin:2px 0 8px; padding-left:18px; font-size:.85rem; color:var(--muted); }
#path-line { margin:10px 0 0; } #accrued { margin:0 0 6px; font-size:.9rem; }
#last-step { margin:8px 0; padding:6px 10px; background:#eef3fb; border-radius:6px; }
#last-step:empty { display:none; }
ol.options { list-style:none; padding:0; margin:6px 0 10px; }
ol.options li { margin:6px 0; }
.option { width:100%; display:grid; grid-template-columns:2.1em minmax(0,1fr) auto; gap:8px; align-items:center;
  text-align:left; padding:9px 10px; min-height:48px; border:1px solid var(--line); border-radius:8px;
  background:#fff; color:var(--ink); font:inherit; cursor:pointer; position:relative; overflow:hidden; }
.option:hover { border-color:var(--accent); }
.option .num { font-weight:700; text-align:center; border:1px solid var(--line); border-radius:5px; padding:1px 0; }
.option .lab { overflow-wrap:anywhere; }
.option .p { font-variant-numeric:tabular-nums; color:var(--muted); white-space:nowrap; }
.option .bar { position:absolute; left:0; bottom:0; height:4px; background:var(--accent); opacity:.55; }
.option .pay { grid-column:2 / 4; font-size:.8rem; color:var(--muted); }
button { font:inherit; }
.controls { display:flex; flex-wrap:wrap; gap:8px; margin:8px 0; }
.controls button, #new-seed { padding:8px 12px; min-height:44px; border-radius:8px; border:1px solid var(--line);
  background:#f1f4f8; color:var(--ink); cursor:pointer; }
.controls button:hover, #new-seed:hover { border-color:var(--accent); }
button:focus-visible, input:focus-visible, summary:focus-visible { outline:3px solid #f59e0b; outline-offset:2px; }
h2:focus, h3:focus { outline:none; }
kbd { font-family:ui-monospace,Menlo,Consolas,"DejaVu Sans Mono",monospace; font-size:.8em; border:1px solid #b8c0cc;
  border-bottom-width:2px; border-radius:4px; padding:0 4px; background:#fff; }
.message { min-height:1.2em; margin:4px 0; color:#9a3412; }
.panel { border-top:1px solid var(--line); margin-top:8px; padding-top:6px; }
.panel table, #payoffs { border-collapse:collapse; margin:6px 0; }
.panel table caption { text-align:left; white-space:nowrap; padding-bottom:2px; }
td, th { padding:3px 10px 3px 0; text-align:left; vertical-align:top; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
#payoffs td:nth-child(n+2), #payoffs th:nth-child(n+2) { text-align:right; font-variant-numeric:tabular-nums; }
#payoffs caption { text-align:left; font-weight:600; }
#summary-panel { border-top:2px solid var(--ink); margin-top:10px; }
#final-p { font-size:1.15rem; }
ol.reveal { padding-left:0; list-style:none; }
ol.reveal li { margin:8px 0; padding-left:10px; border-left:3px solid var(--hist); }
ol.reveal .date { font-weight:700; font-variant-numeric:tabular-nums; }
ol.reveal .event, ol.reveal .q { display:block; font-size:.9rem; }
ol.reveal .q { font-style:italic; }
#tree-box { overflow-x:auto; }
#tree { display:block; max-width:100%; height:auto; }
#tree .edge { fill:none; stroke:#c5ccd6; stroke-width:1.5; }
#tree .edge.taken { stroke:var(--path); stroke-width:4; }
#tree .edge.hist { stroke:var(--hist); stroke-dasharray:5 4; stroke-width:2; }
#tree .edge.taken.hist { stroke:var(--path); stroke-dasharray:none; stroke-width:4; }
#tree .node rect, #tree .node circle:not(.ring), #tree .node path { fill:#9aa3b2; stroke:#fff; stroke-width:1.5; }
#tree .node.chance circle:not(.ring) { fill:#fff; stroke:#4b5563; stroke-width:2; }
#tree .node.outcome path { fill:#6b7280; }
#tree .node text { font-size:13px; fill:var(--ink); font-family:inherit; }
#tree .node .ring { fill:none; stroke:none; }
#tree .node.visited .ring { stroke:var(--path); stroke-width:2; }
#tree .node.current .ring { stroke:var(--path); stroke-width:3.5; fill:rgba(194,65,12,.12); }
#tree .node.visited text { font-weight:700; fill:var(--path); }
#tree .node.histnode text { text-decoration:underline; }
.legend span.sq, .legend span.ci, .legend span.tr { display:inline-block; width:10px; height:10px; margin-left:6px; }
.legend .sq { background:#9aa3b2; } .legend .ci { border:2px solid #4b5563; border-radius:50%; }
.legend .tr { width:0; height:0; border-left:6px solid transparent; border-right:6px solid transparent; border-bottom:10px solid #6b7280; }
#history-list { padding-left:22px; margin:4px 0; font-size:.92rem; }
.seed-row { display:flex; gap:8px; margin-top:4px; }
#seed { width:9em; padding:8px; font:inherit; border:1px solid var(--line); border-radius:6px; }
.note { color:var(--muted); } .nowrap { white-space:nowrap; }
@media (prefers-reduced-motion: no-preference) { .option { transition:border-color .12s; } }
"""

_JS = r"""
"use strict";
(function () {
  const D = JSON.parse(document.getElementById("scenario-data").textContent);
  const TOL = D.paths.tolerance;
  const $ = (id) => document.getElementById(id);

  // mulberry32: a tiny seeded generator (public domain, by Tommy Ettinger); numbers in [0, 1).
  function mulberry32(a) {
    return function () {
      a |= 0; a = (a + 0x6D2B79F5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  const S = { seed: D.seed, rng: mulberry32(D.seed), draws: 0, steps: [] };

  // -- numbers, formatted as the terminal formats them --------------------------------------
  function fixed(x, digits) {           // like scenarios.cli.text.number
    let t = x.toFixed(digits);
    if (t.indexOf(".") >= 0) t = t.replace(/0+$/, "").replace(/\.$/, "");
    return (t === "-0" || t === "") ? "0" : t;
  }
  function sig(x, n) {                  // like Python's format(x, ".{n}g")
    if (x === 0) return "0";
    const e = Math.floor(Math.log10(Math.abs(x)));
    if (e < -4 || e >= n) {
      let [m, ex] = x.toExponential(n - 1).split("e");
      if (m.indexOf(".") >= 0) m = m.replace(/0+$/, "").replace(/\.$/, "");
      const sign = ex[0] === "-" ? "-" : "+"; ex = ex.replace(/^[+-]/, "");
      return m + "e" + sign + (ex.length < 2 ? "0" + ex : ex);
    }
    let t = x.toFixed(Math.max(0, n - 1 - e));
    if (t.indexOf(".") >= 0) t = t.replace(/0+$/, "").replace(/\.$/, "");
    return t;
  }
  function ordinal(n) {
    const s = (n % 100 >= 10 && n % 100 <= 20) ? "th" : ({1: "st", 2: "nd", 3: "rd"}[n % 10] || "th");
    return n + s;
  }
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v);
    }
    for (const k of kids) if (k !== null && k !== undefined) e.append(k);
    return e;
  }
  const actorName = (k) => k ? D.actors[k].name : "chance";
  const short = (label) => { const h = label.split(":")[0].trim(); return h || label; };
  const branchLabel = (at, to) => D.nodes[at].branches.find((b) => b.to === to).label;

  // -- the walk ---------------------------------------------------------------------------------
  const current = () => S.steps.length ? S.steps[S.steps.length - 1].to : D.root;
  const path = () => [D.root].concat(S.steps.map((s) => s.to));
  function pathProbability() { let p = 1; for (const s of S.steps) p *= s.p; return p; }  // left to right, as Python
  function accrued() {
    const total = D.actor_order.map(() => 0);
    for (const id of path()) D.nodes[id].payoffs.forEach((v, a) => { total[a] += v; });
    for (const s of S.steps) {
      const b = D.nodes[s.at].branches.find((x) => x.to === s.to);
      b.payoffs.forEach((v, a) => { total[a] += v; });
    }
    return total;
  }
  function pick(branches, u) {          // as scenarios.walk._pick: searchsorted(cumsum, u * total, "right")
    const cum = []; let c = 0;
    for (const b of branches) { c += b.p; cum.push(c); }
    const x = u * cum[cum.length - 1];
    let k = cum.findIndex((v) => v > x);
    if (k < 0) { k = branches.length - 1; while (k > 0 && !(branches[k].p > 0)) k--; }
    return k;
  }
  function take(k, how, u) {
    const at = current(), b = D.nodes[at].branches[k];
    S.steps.push({ at: at, to: b.to, label: b.label, p: b.p, how: how, u: u });
    const what = how === "rolled" ? "Rolled " + u.toFixed(3) + ": " : "You chose: ";
    say(what + b.label + " (p = " + fixed(b.p, 4) + ")" + (b.text ? ". " + b.text : ""));
    render(true);
  }
  function choose(k) {
    const node = D.nodes[current()];
    if (node.kind === "outcome") return note("The walk has ended: go back (b) or start a new walk.");
    if (k < 0 || k >= node.branches.length) return note("There is no option " + (k + 1) + ": choose 1–" + node.branches.length + ".");
    take(k, "chose");
  }
  function roll() {
    const node = D.nodes[current()];
    if (node.kind === "outcome") return note("The walk has ended: go back (b) or start a new walk.");
    const u = S.rng(); S.draws += 1;
    take(pick(node.branches, u), "rolled", u);
  }
  function back() {
    if (!S.steps.length) return note("Already at the start: there is no step to go back to.");
    S.steps.pop(); say("Back to step " + (S.steps.length + 1) + ".");
    render(true);
  }
  function restart(seed) {
    if (seed !== undefined) { S.seed = seed; S.rng = mulberry32(seed); S.draws = 0; $("seed").value = seed; }
    S.steps = []; say("A new walk" + (seed !== undefined ? " with seed " + seed : "") + ".");
    render(true);
  }
  function say(text) { $("last-step").textContent = text; $("message").textContent = ""; }
  function note(text) { $("message").textContent = text; }

  // -- rank among all paths (the probabilities were computed by Python) -------------------------
  function rank(q) {
    const P = D.paths;
    if (!(q > 0)) return { rank: P.positive + 1, higher: P.positive, ties: P.total - P.positive - 1, total: P.total, known: true };
    const hi = q * (1 + TOL), lo = q * (1 - TOL);
    let higher = 0, equal = 0;
    for (const x of P.top) { if (x > hi) higher++; else if (x >= lo) equal++; }
    const known = P.complete || (P.top.length && P.top[P.top.length - 1] < lo);
    return { rank: higher + 1, higher: higher, ties: Math.max(equal - 1, 0), total: P.total, known: known };
  }
  function rankText(r) {
    if (!r.known) return "It is not among the " + D.paths.top.length + " most probable of " + r.total + " possible paths.";
    let t = r.higher === 0 ? "It is the most probable of " + r.total + " possible paths"
                           : "It is the " + ordinal(r.rank) + " most probable of " + r.total + " possible paths";
    if (r.ties) t += " (tied with " + r.ties + " other path" + (r.ties > 1 ? "s" : "") + " of the same probability)";
    if (r.higher) t += "; " + r.higher + (r.higher > 1 ? " paths are" : " path is") + " more probable";
    return t + ".";
  }

  // -- the solution, for hints and the review ---------------------------------------------------
  function likelyPath(id) {
    const out = [id];
    while (D.nodes[id].kind !== "outcome") {
      const n = D.nodes[id];
      let to = n.choice;
      if (!to) { let best = 0; n.branches.forEach((b, k) => { if (b.p > n.branches[best].p) best = k; }); to = n.branches[best].to; }
      out.push(to); id = to;
    }
    return out;
  }
  function payoffText(values) {
    return D.actor_order.map((a, i) => D.actors[a].name + " " + fixed(values[i], 2)).join(", ");
  }
  function renderHint() {
    const box = $("hint"); box.replaceChildren();
    const id = current(), n = D.nodes[id];
    box.append(el("h3", { text: "Strategic hint" }),
      el("p", { class: "muted small", text: "Backward induction: every actor maximises its own expected payoff." }));
    if (n.kind === "decision" && n.choice) {
      const who = actorName(n.actor);
      box.append(el("p", { text: who + " would choose “" + branchLabel(id, n.choice) + "”" + (n.tie ? " (a tie, broken by listing order)." : ".") }));
      const t = el("table", {}, el("caption", { class: "muted small", text: "value of each option for " + who }));
      n.branches.forEach((b, k) => t.append(el("tr", {},
        el("td", { text: (b.to === n.choice ? "→ " : "") + b.label }), el("td", { class: "num", text: fixed(n.option_values[k], 3) }))));
      box.append(t);
    } else if (n.kind === "decision") {
      box.append(el("p", { text: "This decision is fixed: the solution keeps its belief weights here." }));
    } else if (n.kind === "chance") {
      box.append(el("p", { text: "Chance decides here; the solution takes the probabilities as given." }));
    } else {
      box.append(el("p", { text: "The walk has ended." }));
    }
    if (n.kind !== "outcome") {
      const acc = accrued(), exp = acc.map((v, a) => v - n.payoffs[a] + n.value[a]);
      const route = likelyPath(id).slice(1).map((x) => short(D.nodes[x].label)).join(" → ");
      box.append(el("p", { text: "If every actor plays the solution from here, the likeliest continuation is " + route +
        "; expected path payoffs " + payoffText(exp) + "." }));
    }
  }

  // -- drawing -----------------------------------------------------------------------------------
  const treeNodes = {}, treeEdges = {};
  document.querySelectorAll("#tree [data-node]").forEach((g) => { treeNodes[g.getAttribute("data-node")] = g; });
  document.querySelectorAll("#tree [data-edge]").forEach((e) => { treeEdges[e.getAttribute("data-edge")] = e; });

  function renderTree(finished) {
    const onPath = new Set(path());
    for (const [id, g] of Object.entries(treeNodes)) {
      g.classList.toggle("visited", onPath.has(id));
      g.classList.toggle("current", id === current());
      g.classList.toggle("histnode", finished && D.nodes[id].historical);
    }
    const taken = new Set(S.steps.map((s) => s.at + ">" + s.to));
    const hist = new Set(); const hs = D.reveal.steps;
    for (let i = 0; i + 1 < hs.length; i++) hist.add(hs[i].node + ">" + hs[i + 1].node);
    for (const [key, e] of Object.entries(treeEdges)) {
      e.classList.toggle("taken", taken.has(key));
      e.classList.toggle("hist", finished && hist.has(key));
    }
    $("legend-hist").hidden = !(finished && hs.length);
  }

  function renderHistory() {
    const list = $("history-list"); list.replaceChildren();
    if (!S.steps.length) { list.append(el("li", { class: "muted", text: "No step taken yet." })); return; }
    for (const s of S.steps) {
      const n = D.nodes[s.at];
      list.append(el("li", { text: short(n.label) + " (" + actorName(n.actor) + "): " + (s.how === "rolled" ? "rolled " : "chose ") +
        "“" + s.label + "”, p = " + fixed(s.p, 4) }));
    }
  }

  function renderSummary() {
    const q = pathProbability(), p = path(), out = current(), acc = accrued();
    $("route").textContent = "Your path: " + S.steps.map((s) => s.label).join(" → ") + " ⇒ " + D.nodes[out].label;
    $("final-p").textContent = sig(q, 6); $("final-p").setAttribute("data-p", String(q));
    $("final-pct").textContent = "(" + sig(100 * q, 3) + "%)";
    const r = rank(q);
    $("rank").textContent = rankText(r); $("rank").setAttribute("data-rank", r.known ? String(r.rank) : "");
    const body = document.querySelector("#payoffs tbody"); body.replaceChildren();
    D.actor_order.forEach((a, i) => body.append(el("tr", {}, el("th", { scope: "row", text: D.actors[a].name }),
      el("td", { text: fixed(D.nodes[out].payoffs[i], 2) }), el("td", { text: fixed(acc[i], 2) }))));
    const list = $("decisions"); list.replaceChildren();
    for (const s of S.steps) {
      const n = D.nodes[s.at]; if (n.kind !== "decision") continue;
      const who = actorName(n.actor), k = n.branches.findIndex((b) => b.to === s.to), v = n.option_values[k];
      const you = s.how === "rolled" ? "the roll took" : "you took";
      let t;
      if (!n.choice) t = short(n.label) + " (" + who + ", fixed): " + you + " “" + s.label + "”.";
      else if (n.choice === s.to) t = short(n.label) + " (" + who + "): " + you + " “" + s.label + "”, as the solution does (value " + fixed(v, 3) + " for " + who + ").";
      else {
        const c = n.branches.findIndex((b) => b.to === n.choice);
        t = short(n.label) + " (" + who + "): " + you + " “" + s.label + "” (value " + fixed(v, 3) + " for " + who + "); the solution takes “" +
            n.branches[c].label + "” (" + fixed(n.option_values[c], 3) + ").";
      }
      list.append(el("li", { text: t }));
    }
    if (!list.children.length) list.append(el("li", { class: "muted", text: "You made no decision for an actor on this path." }));
    $("solution-expected").textContent = "If every actor played the solution from the start, the expected payoffs would be " +
      payoffText(D.solution_expected) + ".";
    renderReveal(p);
  }

  function renderReveal(p) {
    const R = D.reveal, steps = R.steps;
    $("reveal").hidden = !steps.length;
    if (!steps.length) return;
    const years = R.first_year && R.year && R.first_year !== R.year ? R.first_year + "–" + R.year : R.year;
    $("reveal-title").textContent = "What actually happened" + (years ? " in " + years : "");
    const list = $("reveal-steps"); list.replaceChildren();
    for (const s of steps) {
      list.append(el("li", { "data-node": s.node }, el("span", { class: "date", text: s.date || "undated" }), " ", s.label,
        s.event ? el("span", { class: "event muted", text: "source: " + s.event }) : null,
        s.quote ? el("span", { class: "q", text: "“" + s.quote + "”" }) : null,
        s.branch ? el("span", { class: "event", text: "→ " + s.branch }) : null));
    }
    const route = $("history-route"); route.replaceChildren("History's path: ");
    steps.forEach((s, i) => {
      route.append((i ? " → " : "") + short(s.label));
      if (s.date) route.append(" ", el("span", { class: "nowrap", text: "(" + s.date + ")" }));
    });
    route.append(".");
    let common = 0;
    while (common < Math.min(steps.length, p.length) && steps[common].node === p[common]) common++;
    let t;
    if (common === steps.length) t = "You followed the historical path all the way.";
    else if (common === p.length) t = "So far your path is the historical one.";
    else if (common === 0) t = "Your path did not start where history did.";
    else { const at = p[common - 1];
      t = "You left the historical path at “" + D.nodes[at].label + "”: history took “" + branchLabel(at, steps[common].node) +
          "”, you took “" + branchLabel(at, p[common]) + "”."; }
    $("departure").textContent = t;
  }

  function render(moved) {
    const id = current(), n = D.nodes[id], finished = n.kind === "outcome";
    $("step").textContent = "Step " + (S.steps.length + 1) + (finished ? " · the end" : "");
    const mark = { decision: "■ ", chance: "● ", outcome: "▲ Outcome: " }[n.kind];
    $("screen-title").textContent = mark + n.label;
    const who = $("who"); who.replaceChildren();
    if (n.kind === "decision") {
      const c = D.actors[n.actor].color;
      who.append(el("span", { class: "swatch", style: c ? "background:" + c : "background:#9aa3b2", "aria-hidden": "true" }), actorName(n.actor) + " decides");
      who.style.color = "";
    } else if (n.kind === "chance") who.append("Chance decides");
    const narrative = $("narrative"); narrative.replaceChildren();
    if (n.text) narrative.append(el("p", { text: n.text }));
    $("quote").hidden = !n.quote; $("quote").textContent = n.quote ? "“" + n.quote + "”" : "";
    const sources = $("sources"); sources.replaceChildren();
    for (const s of n.sources) sources.append(el("li", { text: [s.publisher, s.date].filter(Boolean).join(", ") + (s.publisher || s.date ? ": " : "") + s.title }));
    const q = pathProbability();
    $("path-p").textContent = sig(q, 6); $("path-p").setAttribute("data-p", String(q));
    $("path-pct").textContent = "(" + sig(100 * q, 3) + "%)";
    $("accrued").textContent = "Accrued payoffs: " + payoffText(accrued());
    $("question").textContent = n.kind === "decision" ? "What does " + actorName(n.actor) + " do? (p: the analyst's belief weights)"
                                                      : "What happens? (p: the probabilities)";
    const list = $("options"); list.replaceChildren();
    n.branches.forEach((b, k) => {
      const pay = b.payoffs.some((v) => v !== 0) ? el("span", { class: "pay", text: "on this branch: " +
        D.actor_order.map((a, i) => b.payoffs[i] ? D.actors[a].name + " " + fixed(b.payoffs[i], 2) : null).filter(Boolean).join(", ") }) : null;
      const btn = el("button", { type: "button", class: "option", "data-to": b.to, "aria-keyshortcuts": k < 9 ? String(k + 1) : null,
        "aria-label": (k + 1) + ": " + b.label + ", probability " + fixed(b.p, 4) },
        el("span", { class: "num", text: String(k + 1) }), el("span", { class: "lab", text: b.label }),
        el("span", { class: "p", text: "p = " + fixed(b.p, 4) }), pay, el("span", { class: "bar", style: "width:" + (100 * b.p).toFixed(2) + "%" }));
      btn.addEventListener("click", () => choose(k));
      list.append(el("li", {}, btn));
    });
    $("choices").hidden = finished;
    if (finished && !$("hint").hidden) toggle("hint", "hint-button");
    $("summary-panel").hidden = !finished;
    $("back").disabled = false;
    if (finished) renderSummary();
    if (!$("hint").hidden) renderHint();
    renderHistory(); renderTree(finished);
    if (moved) (finished ? $("summary-title") : $("screen-title")).focus({ preventScroll: false });
  }

  function toggle(panel, button) {
    const box = $(panel), show = box.hidden;
    box.hidden = !show; $(button).setAttribute("aria-expanded", String(show));
    if (show && panel === "hint") renderHint();
    if (show && panel === "history") renderHistory();
  }

  // -- wiring ------------------------------------------------------------------------------------
  $("as-of").textContent = D.as_of ? "as of " + D.as_of : "";
  $("summary").textContent = D.summary || "";
  $("about").hidden = !D.summary;
  $("summary-title").setAttribute("tabindex", "-1");
  $("seed").value = S.seed;
  $("roll").addEventListener("click", roll);
  $("back").addEventListener("click", back);
  $("hint-button").addEventListener("click", () => toggle("hint", "hint-button"));
  $("history-button").addEventListener("click", () => toggle("history", "history-button"));
  $("help-button").addEventListener("click", () => toggle("help", "help-button"));
  $("again").addEventListener("click", () => restart());
  $("seed").addEventListener("change", () => {
    const v = Number($("seed").value);
    if (Number.isInteger(v) && v >= 0 && v < 4294967296) restart(v); else note("A seed is a whole number from 0 to 4294967295.");
  });
  $("new-seed").addEventListener("click", () => restart(Math.floor(Math.random() * 4294967296)));
  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const tag = (e.target && e.target.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") return;
    const k = e.key;
    if (/^[1-9]$/.test(k)) { choose(Number(k) - 1); e.preventDefault(); }
    else if (k === "r" || k === "R") { roll(); e.preventDefault(); }
    else if (k === "b" || k === "B") { back(); e.preventDefault(); }
    else if (k === "h" || k === "H") { toggle("history", "history-button"); e.preventDefault(); }
    else if (k === "s" || k === "S") { toggle("hint", "hint-button"); e.preventDefault(); }
    else if (k === "?") { toggle("help", "help-button"); e.preventDefault(); }
  });
  window.scenarioWalk = { state: S, pathProbability: pathProbability, rank: rank, data: D };  // for tests and the curious
  render(false);
})();
"""

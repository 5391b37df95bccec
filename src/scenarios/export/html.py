"""One self-contained HTML page for walking through a scenario in any browser.

``scenarios export FILE --to html -o walk.html`` writes a single file that a teacher can
send to students who have no Python: inline CSS and JavaScript, no fonts, scripts or
images from anywhere (a Content-Security-Policy forbids every network request), and the
scenario's numbers computed here, in Python, and embedded as JSON.  The page only follows
the tree: the bound branch probabilities and payoffs, the strategic solution's choices and
values (:func:`scenarios.solve`), the probabilities of the most probable paths (for the
rank at the end, from :mod:`scenarios.engine.rank`), the historical path with its dates
(:func:`scenarios.walk.reveal`) and the tree's positions (:mod:`scenarios.render.layout`)
are all computed here, from the scenario's results.  The page itself (HTML, CSS,
JavaScript) is package data in ``html_page/``, filled in with the escaped JSON and the
inline SVG tree.

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

import functools
import html
import json
import re
from importlib import resources
from typing import Any

import numpy as np

from ..engine.rank import RANK_TOLERANCE, path_counts, top_probabilities
from ..kinds import KINDS
from ..model import DISCLAIMER, Scenario
from ..render.layout import NODE, plan, tidy
from ..walk import reveal
from ..walk.history import generations
from ..walk.infosets import hidden_set, narrative_node, root_path, step_views
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
    return _fill(_asset("page.html"), title=title, payload=payload, css=_asset("page.css"),
                 js=_asset("page.js"), tree=tree, tree_note="" if tree else _NO_TREE,
                 actor_legend=_actor_legend(data) if tree else "")


def page_data(scenario: Scenario, *, overrides=None, seed: int = 1) -> dict:
    """Everything the page needs, as plain JSON-ready data (numbers computed here).

    >>> import scenarios
    >>> d = page_data(scenarios.load("entry-deterrence"))
    >>> d["root"], d["paths"]["total"], d["paths"]["top"]
    ('entry', 3, [0.5, 0.35, 0.15])
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**32:
        raise ValueError(f"seed must be a whole number in [0, 2**32), not {seed!r}")
    belief = scenario.evaluate(overrides=overrides, top=0)
    game: Any = None  # an EquilibriumResult in a game with information sets
    solution: Any
    if scenario.perfect_information:
        solution = scenario.solve(overrides=overrides, top=0)
    else:  # information sets: the subgame-perfect equilibrium Gambit finds, played through our engine
        game = scenario.solve(method="spe", overrides=overrides, top=0)  # credible at every node
        solution = game.played
    arrays = solution.arrays  # file order; node payoffs are the same in both modes
    position = {node_id: k for k, node_id in enumerate(arrays.ids)}
    actors = list(arrays.actors)
    reachable = _reachable(scenario)
    colors = actor_colors(scenario)  # the actor's colour, or the exporters' shared palette

    nodes = {}
    for node_id in reachable:
        node = scenario.nodes[node_id]
        i = position[node_id]
        branches = [{"to": view.to, "label": view.label, "p": view.probability,
                     "payoffs": list(view.payoffs.values()), "text": branch.text}
                    for view, branch in zip(belief.branches(node_id), node.branches, strict=True)]
        entry: dict[str, Any] = {"kind": node.kind, "label": node.label, "text": node.text, "actor": node.actor,
                 "fixed": node.fixed, "quote": node.quote, "historical": node.historical,
                 "tags": list(node.tags),
                 "sources": [_source(scenario.sources[k]) for k in node.source],
                 "payoffs": [float(x) for x in arrays.node_payoffs[i]],
                 "value": [float(x) for x in arrays.values[i]], "branches": branches}
        if KINDS[node.kind].has_actor:
            actor = node.actor
            assert actor is not None  # a decision always has an actor
            entry["option_values"] = [view.value[actor] for view in solution.branches(node_id)]
            if game is None:
                entry["choice"] = solution.choice(node_id)
                entry["choice_branch"] = solution.choice_branches.get(node_id)  # several branches may share a child
                entry["tie"] = node_id in solution.ties
            else:  # the equilibrium's behaviour at the node's set: the same at every member
                options = game.equilibria[0].behaviour.get(scenario.infoset_of(node_id), {})
                entry.update(choice=None, choice_branch=None, tie=False,
                             equilibrium=[[label, p] for label, p in options.items() if p > 1e-12])
        nodes[node_id] = entry
    _hide_members(scenario, nodes)

    found = top_probabilities(belief, TOP_PATHS)
    total, positive = path_counts(belief)
    shown = reveal(scenario)
    years = sorted({s.date[:4] for s in shown.steps if s.date})
    return {
        "format": "scenarios-walk-page", "version": 1,
        "id": scenario.id, "title": scenario.title, "summary": scenario.summary,
        "disclaimer": DISCLAIMER, "as_of": scenario.as_of, "seed": int(seed), "root": scenario.root,
        "overrides": {k: str(v) for k, v in (overrides or {}).items()},
        "actor_order": actors,
        "actors": {k: {"name": a.name, "color": colors[k], "description": a.description}
                   for k, a in scenario.actors.items()},
        "nodes": nodes,
        "paths": {"top": found, "total": total,
                  "positive": positive, "complete": len(found) >= positive,
                  "tolerance": RANK_TOLERANCE},
        "solution_expected": [float(x) for x in arrays.values[arrays.root]],
        "game": None if game is None else {"method": game.method, "found": len(game.equilibria)},
        "reveal": {"steps": [s.to_dict() for s in shown.steps], "year": years[-1] if years else None,
                   "first_year": years[0] if years else None},
        "layout": _layout(scenario, reachable) if len(reachable) <= TREE_LIMIT else None,
    }


# -- helpers ----------------------------------------------------------------------------------
def _hide_members(scenario: Scenario, nodes: dict) -> None:
    """At a node of an information set with several members, the page carries only what the
    actor knows: the set's narrative (its first member's), no backward-induction choice or
    values, and for each step of the way there whether the actor sees it (``views``); the
    other members' own narratives are not in the page at all."""
    for node_id, entry in nodes.items():
        name = hidden_set(scenario, node_id)
        if name is None:
            continue
        shown = narrative_node(scenario, node_id)
        entry.update(label=shown.label, text=shown.text, quote=shown.quote, infoset=name,
                     sources=[_source(scenario.sources[k]) for k in shown.source],
                     members=[m for m in scenario.infosets[name] if m in nodes],
                     views=step_views(scenario, node_id, root_path(scenario, node_id)),
                     option_values=None, value=None)


def _source(source) -> dict:
    return {"title": source.title, "publisher": source.publisher, "date": source.date,
            "url": source.url}


def _reachable(scenario: Scenario) -> list[str]:
    """Node ids reachable from the root, in topological order (by generation, then file order)."""
    seen, stack = {scenario.root}, [scenario.root]
    while stack:
        for branch in scenario.nodes[stack.pop()].branches:
            if branch.to not in seen:
                seen.add(branch.to)
                stack.append(branch.to)
    generation = generations(scenario)
    position = {node_id: k for k, node_id in enumerate(scenario.nodes)}
    return sorted(seen, key=lambda n: (generation[n], position[n]))


def _layout(scenario: Scenario, reachable: list[str]) -> dict:
    """Columns by level, rows across them, from the diagrams' layout (:mod:`scenarios.render.layout`).

    Levels are the longest path from the root; outcomes all sit in the last column, their
    labels aligned, each keeping its row free up to there.  A node reached by several
    branches is drawn once.
    """
    children = {n: [b.to for b in scenario.nodes[n].branches] for n in reachable}
    drawn = plan(children, scenario.root)
    level = {drawn.names[k]: int(lv) for k, lv, kind in zip(drawn.node, drawn.level, drawn.kind, strict=True)
             if kind == NODE}
    last = max(level.values(), default=0)
    ends = [n for n in reachable if not children[n]]
    for n in ends:  # a chain of padding down to the last column keeps the outcome's row free
        chain = [f"{n}\0{k}" for k in range(last - level[n])]
        for parent, child in zip([n, *chain], chain, strict=False):
            children[parent] = [child]
        if chain:
            children[chain[-1]] = []
    drawn = plan(children, scenario.root)
    half = [0.5] * len(drawn)
    breadth = tidy(drawn.children, half, half)
    row = {drawn.names[k]: float(y) - 0.5 for k, y, kind in zip(drawn.node, breadth, drawn.kind, strict=True)
           if kind == NODE and drawn.names[k] in level}
    column = {n: last if not scenario.nodes[n].branches else level[n] for n in reachable}
    # The rows kept for converging branches stay empty here (the page draws each branch as one
    # curve): close every gap to at most one row.
    ys = sorted(set(row.values()))
    closed = dict(zip(ys, np.concatenate(([0.0], np.cumsum(np.minimum(np.diff(ys), 1.0)))).tolist(), strict=True))
    row = {n: closed[y] for n, y in row.items()}
    return {"columns": last + 1, "rows": int(max(row.values(), default=0)) + 1,
            "at": {n: [column[n], round(row[n], 3)] for n in reachable}}


_DX, _DY, _PAD, _LABEL_W = 52, 26, 18, 236
_HERE_ROOM = 14  # above the top row, for the "you are here" label


def _tree_svg(scenario: Scenario, data: dict) -> str:
    """The tree as inline SVG: the page marks the path by adding classes to its elements."""
    layout = data["layout"]
    at = layout["at"]
    width = _PAD * 2 + (layout["columns"] - 1) * _DX + _LABEL_W
    height = _PAD * 2 + _HERE_ROOM + (layout["rows"] - 1) * _DY + 6

    def xy(node_id):
        c, r = at[node_id]
        return _PAD + c * _DX, _PAD + _HERE_ROOM + r * _DY

    parts = [f'<svg id="tree" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             'role="img" aria-labelledby="tree-title" focusable="false">',
             '<title id="tree-title">The scenario as a tree; your path is highlighted</title>']
    edges, shapes = [], []
    for node_id, node in data["nodes"].items():
        x1, y1 = xy(node_id)
        targets = [branch["to"] for branch in node["branches"]]
        for k, branch in enumerate(node["branches"]):
            x2, y2 = xy(branch["to"])
            mid = (x1 + x2) / 2
            # Several branches into one node: bow them apart so each is its own curve.
            bow = _DY * 0.45 * (targets[:k].count(branch["to"]) - (targets.count(branch["to"]) - 1) / 2)
            edges.append(f'<path class="edge" data-edge="{html.escape(node_id)}>{html.escape(branch["to"])}" '
                         f'data-branch="{k}" d="M{x1},{y1} C{mid},{y1 + bow:g} {mid},{y2 + bow:g} {x2},{y2}"><title>'
                         f'{html.escape(branch["label"])} (p = {branch["p"]:.4g})</title></path>')
    for node_id, node in data["nodes"].items():
        x, y = xy(node_id)
        color = data["actors"][node["actor"]]["color"] if node["actor"] else None
        fill = f' style="fill:{color}"' if color else ""
        tip = f'<title>{html.escape(node["label"])}</title>'
        ident = f'class="node {node["kind"]}" data-node="{html.escape(node_id)}"'
        symbol = KINDS[node["kind"]].symbol
        if symbol == "square":
            shape = f'<rect x="{x - 7}" y="{y - 7}" width="14" height="14"{fill}/>'
        elif symbol == "circle":
            shape = f'<circle cx="{x}" cy="{y}" r="7.5"/>'
        else:
            shape = f'<path d="M{x - 7},{y + 6} L{x + 7},{y + 6} L{x},{y - 7} Z"/>'
        label = ""
        if not KINDS[node["kind"]].has_branches:
            text = node["label"] if len(node["label"]) <= 32 else node["label"][:31] + "…"
            label = f'<text x="{x + 12}" y="{y + 4}">{html.escape(text)}</text>'
        ring = f'<circle class="ring" cx="{x}" cy="{y}" r="12"/>'
        shapes.append(f'<g {ident} data-x="{x}" data-y="{y}">{tip}{ring}{shape}{label}</g>')
    # "You are here": the page moves this marker to the current node (renderTree in page.js).
    here = ('<g id="here" class="here" style="display:none" aria-hidden="true">'
            '<circle class="here-ring" r="17"/><text class="here-label">you are here</text></g>')
    parts += ['<g class="edges">', *edges, '</g>', '<g class="nodes">', *shapes, '</g>', here, '</svg>']
    return "\n".join(parts)


def _actor_legend(data: dict) -> str:
    """The actors whose decisions the tree colours, each with its colour (in listing order)."""
    deciding = {node["actor"] for node in data["nodes"].values() if node["actor"]}
    items = [f'<span class="actor-key"><span class="swatch" style="background:{html.escape(a["color"])}"></span>'
             f'{html.escape(a["name"])}</span>' for key, a in data["actors"].items() if key in deciding]
    if not items:
        return ""
    return '<p class="legend muted small" id="actor-legend">Who decides: ' + " ".join(items) + "</p>"


def _script_json(data: dict) -> str:
    """JSON safe inside ``<script>``: no ``</script>``, ``<!--`` or line separators survive."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


_NO_TREE = f'<p class="note">The tree has more than {TREE_LIMIT} nodes, too many to draw here.</p>'


@functools.cache
def _asset(name: str) -> str:
    """A file of the page (``html_page/page.html``, ``page.css``, ``page.js``), package data."""
    return resources.files(__package__).joinpath("html_page", name).read_text(encoding="utf-8")


_SLOT = re.compile(r"\{(title|payload|css|js|tree|tree_note|actor_legend)\}")


def _fill(template: str, **parts: str) -> str:
    """``template`` with each ``{name}`` replaced by ``parts[name]``, in one pass: text put in
    (the escaped JSON, the scenario's title) is never searched for slots again."""
    return _SLOT.sub(lambda match: parts[match.group(1)], template)

"""The pieces the two offline pages share (the walk-through of ``--to html`` and the what-if
page of ``--to whatif``): which nodes to draw, the small tree's layout and inline SVG, the
JSON embedded in a ``<script>``, and filling the page's template.

Not an exporter itself (it defines no ``FORMAT``).

>>> fill_slots("<h1>{title}</h1>{tree}", title="T", tree="{title}")  # put-in text is not searched again
'<h1>T</h1>{title}'
"""

from __future__ import annotations

import html
import json
import re

import numpy as np

from ..kinds import KINDS
from ..model import Scenario
from ..render.layout import NODE, plan, tidy
from ..walk.history import generations

__all__ = ["TREE_LIMIT", "reachable_nodes", "tree_layout", "tree_svg", "script_json", "fill_slots"]

#: Scenarios with more nodes than this get no tree drawing (it would be unreadable).
TREE_LIMIT = 400


def reachable_nodes(scenario: Scenario) -> list[str]:
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


def tree_layout(scenario: Scenario, reachable: list[str]) -> dict:
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


def tree_svg(scenario: Scenario, data: dict) -> str:
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


def script_json(data: dict) -> str:
    """JSON safe inside ``<script>``: no ``</script>``, ``<!--`` or line separators survive."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def fill_slots(template: str, **parts: str) -> str:
    """``template`` with each ``{name}`` of ``parts`` replaced, in one pass: text put in (the
    escaped JSON, the scenario's title) is never searched for slots again."""
    slot = re.compile(r"\{(" + "|".join(re.escape(name) for name in parts) + r")\}")
    return slot.sub(lambda match: parts[match.group(1)], template)

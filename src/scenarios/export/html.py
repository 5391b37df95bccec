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
from importlib import resources
from typing import Any

import numpy as np

from ..engine.rank import RANK_TOLERANCE, path_counts, top_probabilities
from ..kinds import KINDS
from ..model import DISCLAIMER, Scenario
from ..walk import reveal
from ..walk.infosets import hidden_set, narrative_node, root_path, step_views
from ._shared import actor_colors
from .page_tree import TREE_LIMIT, fill_slots, reachable_nodes, script_json, tree_layout, tree_svg

FORMAT = "html"
SUFFIX = ".html"
DESCRIPTION = "single-file interactive walk-through page (no network access)"

__all__ = ["FORMAT", "SUFFIX", "DESCRIPTION", "export", "page_data", "TOP_PATHS", "TREE_LIMIT"]

#: How many of the most probable paths are embedded for ranking a walk's path; a path
#: below them is reported as "beyond the N most probable".
TOP_PATHS = 20_000


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
    payload = script_json(data)
    title = html.escape(scenario.title)
    tree = tree_svg(scenario, data) if data["layout"] else ""
    return fill_slots(_asset("page.html"), title=title, payload=payload, css=_asset("page.css"),
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
    reachable = reachable_nodes(scenario)
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
                name = scenario.infoset_of(node_id)  # open: the actor's own earlier choice rules the set out
                is_open = name in game.equilibria[0].arbitrary
                options = {} if is_open else game.equilibria[0].behaviour.get(name, {})
                entry.update(choice=None, choice_branch=None, tie=False, open=is_open,
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
        "layout": tree_layout(scenario, reachable) if len(reachable) <= TREE_LIMIT else None,
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


def _actor_legend(data: dict) -> str:
    """The actors whose decisions the tree colours, each with its colour (in listing order)."""
    deciding = {node["actor"] for node in data["nodes"].values() if node["actor"]}
    items = [f'<span class="actor-key"><span class="swatch" style="background:{html.escape(a["color"])}"></span>'
             f'{html.escape(a["name"])}</span>' for key, a in data["actors"].items() if key in deciding]
    if not items:
        return ""
    return '<p class="legend muted small" id="actor-legend">Who decides: ' + " ".join(items) + "</p>"


_NO_TREE = f'<p class="note">The tree has more than {TREE_LIMIT} nodes, too many to draw here.</p>'


@functools.cache
def _asset(name: str) -> str:
    """A file of the page (``html_page/page.html``, ``page.css``, ``page.js``), package data."""
    return resources.files(__package__).joinpath("html_page", name).read_text(encoding="utf-8")

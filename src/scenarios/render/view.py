"""What a tree diagram shows: the options checked, the highlight resolved into branches,
and the numbers read from a result.

Every number comes from the result's views: :attr:`~scenarios.BeliefResult.arrays`
(columns in *file order*: node ``i`` is the ``i``-th node of the file, its branches
consecutive in file order), never from the engine's own arrays.  Branch positions here
(highlighted edges, a plan's ``via_node``/``via_branch``) are therefore file-order
positions: branch ``j`` of node ``i`` is ``arrays.edge_start[i] + j``.

No matplotlib here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .. import formatting
from ..errors import HighlightError, ScenarioError, UnknownNameError, did_you_mean
from ..kinds import KINDS
from ..model import DISCLAIMER

__all__ = ["HIGHLIGHTS", "TreeView", "tree_view", "resolve_highlight", "strategic_tiers", "header_texts"]

#: Named highlights; anything else is read as a path of node ids.
HIGHLIGHTS = ("likely", "strategic", "historical")


@dataclass(frozen=True, eq=False)
class TreeView:
    """One diagram's content before layout: the scenario, its result and what to show.

    ``arrays`` is the result's :class:`~scenarios.engine.views.ResultArrays`; ``shown``
    the branch probabilities drawn (the result's played weights: 1 and 0 at solved
    decisions); ``highlight`` the file-order positions of the highlighted branches, and
    ``path`` the same in order for a highlighted path (else None).
    """

    scenario: Any
    result: Any
    arrays: Any
    strategic: bool
    given: int | None  # file position of the node conditioned on
    value: str | None
    prune: float | None
    depth: int | None
    unshare: bool
    top_down: bool
    highlight: frozenset[int]
    path: list[int] | None
    highlight_text: str
    #: Branches a collapsed drawing keeps as well: with the most likely path highlighted, the
    #: likeliest path to the most likely outcome when that outcome is elsewhere (the subtitle
    #: names the outcome, so the picture must show it).
    also_keep: frozenset[int] = frozenset()
    #: With ``strategic``: the choices at decisions the play never reaches (drawn thinner, so
    #: the played path stands out), their legend text, and the branches of information sets an
    #: equilibrium leaves open (labelled "any" instead of a probability).
    off_path: frozenset[int] = frozenset()
    off_path_text: str = ""
    open_edges: frozenset[int] = frozenset()

    @property
    def shown(self) -> np.ndarray:
        return self.arrays.played

    def edge(self, node: int, branch: int) -> int:
        """File-order position of branch ``branch`` of the node at file position ``node``."""
        return int(self.arrays.edge_start[node]) + branch


def tree_view(scenario, result=None, *, overrides: Mapping[str, Any] | None = None, given: str | None = None,
              value: str | None = None, highlight: str | Sequence[str] | None = None,
              prune: float | None = None, depth: int | None = None, unshare: bool = False,
              top_down: bool = False, keep_likely_outcome: bool = True) -> TreeView:
    """Check the options of :func:`~scenarios.render.tree.draw_tree` and gather what it shows.

    Raises UnknownNameError for an unknown ``value`` actor, ``given`` node or highlight
    node; HighlightError and ScenarioError for a bad highlight, prune or depth.
    """
    if value is not None and value not in scenario.actors:
        raise UnknownNameError(f"--value {value}: unknown actor{did_you_mean(value, scenario.actors)} "
                               f"(actors: {', '.join(scenario.actors) or 'none'})")
    if prune is not None and not 0.0 <= float(prune) <= 1.0:
        raise ScenarioError(f"--prune {prune}: expected a probability in [0, 1]")
    if depth is not None and (isinstance(depth, bool) or int(depth) < 0):
        raise ScenarioError(f"--depth {depth}: expected a whole number >= 0")
    if result is None:
        result = scenario.evaluate(given=given, overrides=overrides, top=1)
    elif result.scenario is not scenario:
        raise ValueError("draw_tree: the result belongs to another scenario")
    game = None
    if getattr(result, "equilibria", None) is not None:  # an EquilibriumResult: its first equilibrium played
        game, result = result, result.played
    arrays = result.arrays
    off: set[int] = set()
    off_text = ""
    if highlight == "strategic" and result.mode in ("strategic", "equilibrium"):
        edges, off, text, off_text = strategic_tiers(scenario, result, game)
        path = None
    else:
        edges, path, text = resolve_highlight(scenario, highlight, result)
    given_at = arrays.ids.index(result.given) if result.given else None
    view = TreeView(scenario, result, arrays, result.mode == "strategic", given_at, value, prune, depth,
                    unshare, top_down, frozenset(edges), path, text, off_path=frozenset(off),
                    off_path_text=off_text, open_edges=frozenset(_open_edges(scenario, arrays, game)))
    if keep_likely_outcome and (prune is not None or depth is not None) and likely_outcome_note(view):
        view = replace(view, also_keep=frozenset(_likeliest_path_to(scenario, result, result.outcomes[0].id)))
    return view


_LAST_PATH: list = []  # [(scenario, result, outcome, edges)]: a slide asks once per candidate layout


def _likeliest_path_to(scenario, result, outcome: str) -> set[int]:
    """The branches of the likeliest path ending at ``outcome`` among the 50 likeliest paths
    (none if it is not among them)."""
    if _LAST_PATH:
        last_scenario, last_result, last_outcome, last_edges = _LAST_PATH[0]
        if last_scenario is scenario and last_result is result and last_outcome == outcome:
            return last_edges
    paths = (scenario.solve(overrides=result.overrides or None, top=50) if result.mode == "strategic" else
             scenario.evaluate(given=result.given, overrides=result.overrides or None, top=50)).paths
    edges: set[int] = set()
    for found in paths:
        if found.nodes[-1] == outcome:
            edges = resolve_highlight(scenario, list(found.nodes), result)[0]
            break
    _LAST_PATH[:] = [(scenario, result, outcome, edges)]
    return edges


# -- highlights ---------------------------------------------------------------------------------
def strategic_tiers(scenario, result, game=None) -> tuple[set[int], set[int], str, str]:
    """The path of play of a solved ``result`` (backward induction, or an equilibrium played)
    and its choices off that path: (every branch the play takes with positive probability:
    the choices and chance; the choices at decisions it never reaches; their two texts).
    An equilibrium's choices are the options it plays with positive probability; ``game``
    (the EquilibriumResult) drops the sets its first equilibrium leaves open."""
    arrays = result.arrays
    solved = np.array([KINDS[scenario.nodes[i].kind].has_actor and not scenario.nodes[i].fixed
                       for i in arrays.ids], dtype=bool)
    if result.mode == "strategic":
        has = arrays.chosen >= 0
        chosen = arrays.edge_start[:-1][has] + arrays.chosen[has]
        texts = ("path of play (backward induction)", "choices off the path of play")
    else:
        solved[[arrays.ids.index(n) for n in _open_nodes(game)]] = False
        chosen = np.flatnonzero(solved[arrays.parent] & (arrays.played > 1e-12))
        texts = ("path of play of the equilibrium", "its choices off that path")
    if not solved.any():
        raise HighlightError("--highlight strategic: the scenario has no decision, so there is no "
                             "strategic choice to highlight")
    played = np.flatnonzero(arrays.flow > 0)
    return set(played.tolist()), set(chosen[arrays.flow[chosen] <= 0].tolist()), *texts


def _open_nodes(game) -> list[str]:
    if game is None:
        return []
    eq = game.equilibria[0]
    return [n for name in eq.arbitrary for n in game.sets[name]]


def _open_edges(scenario, arrays, game) -> set[int]:
    """The branches of every node in a set the first equilibrium leaves open."""
    out: set[int] = set()
    for n in _open_nodes(game):
        i = arrays.ids.index(n)
        out.update(range(int(arrays.edge_start[i]), int(arrays.edge_start[i + 1])))
    return out



def _edge_starts(scenario) -> dict[str, int]:
    """File-order position of every node's first branch (read from the model: the nodes
    in file order, each node's branches after the previous node's)."""
    start, at = {}, 0
    for node_id, node in scenario.nodes.items():
        start[node_id] = at
        at += len(node.branches)
    return start


def _edge_of(scenario, starts: Mapping[str, int], a: str, b: str) -> int:
    """File-order position of the (first) branch from ``a`` to ``b`` (KeyError if none)."""
    for j, branch in enumerate(scenario.nodes[a].branches):
        if branch.to == b:
            return starts[a] + j
    raise KeyError((a, b))


def resolve_highlight(scenario, spec: str | Sequence[str] | None,
                      result=None) -> tuple[set[int], list[int] | None, str]:
    """The branches to highlight, as *file-order* positions (branch ``j`` of the ``i``-th
    node of the file is ``result.arrays.edge_start[i] + j``); the path's branches in
    order (for a path, else None); and a description for the subtitle and legend.

    ``spec`` is ``likely`` (the most probable path of ``result``), ``strategic`` (every
    decision's choice under backward induction), ``historical`` (branches between nodes
    marked ``historical``), or a path: node ids separated by commas, spaces or ``>``.

    Raises
    ------
    UnknownNameError
        for a node id that does not exist.
    HighlightError
        for consecutive ids with no branch between them, or an empty path.

    Examples
    --------
    >>> import scenarios
    >>> s = scenarios.load("entry-deterrence")
    >>> edges, path, text = resolve_highlight(s, "entry,response,share")
    >>> len(edges), text
    (2, 'highlighted path')
    """
    if spec is None:
        return set(), None, ""
    if not isinstance(spec, str):
        spec = ",".join(spec)
    name = spec.strip()
    starts = _edge_starts(scenario)
    if name == "likely":
        if result is None:
            result = scenario.evaluate(top=1)
        paths = result.paths or _top_path(scenario, result)
        if not paths or paths[0].probability <= 0.0:
            raise HighlightError("--highlight likely: no path has a positive probability, so there is "
                                 "no most likely path to highlight")
        path = paths[0]  # its branches by position: several may lead to the same child
        edges = [starts[a] + k for a, k in zip(path.nodes, path.branches, strict=False)]
        return set(edges), edges, f"most likely path (p = {formatting.diagram_probability(path.probability)})"
    if name == "strategic":
        solved = result if result is not None and result.mode == "strategic" else \
            scenario.solve(overrides=getattr(result, "overrides", None) or None, top=0)
        arrays = solved.arrays
        has = arrays.chosen >= 0
        if not has.any():
            raise HighlightError("--highlight strategic: the scenario has no decision, so there is no "
                                 "strategic choice to highlight")
        return set((arrays.edge_start[:-1][has] + arrays.chosen[has]).tolist()), None, \
            "strategic choices (backward induction)"
    if name == "historical":
        marked = {n.id for n in scenario.nodes.values() if n.historical}
        on_path = {starts[n.id] + j for n in scenario.nodes.values() if n.id in marked
                   for j, b in enumerate(n.branches) if b.to in marked}
        if not on_path:
            what = ("marks no node 'historical: true'" if not marked else
                    "marks no two connected nodes 'historical: true'")
            raise HighlightError(f"--highlight historical: {scenario.id} {what}, so there is no "
                                 "historical path to highlight")
        return on_path, None, "historical path"
    ids = [x for x in re.split(r"[\s,>]+", name) if x]
    if not ids:
        raise HighlightError("--highlight: give likely, strategic, historical or a path of node ids")
    for node_id in ids:
        if node_id not in scenario.nodes:
            hint = did_you_mean(node_id, list(scenario.nodes) + list(HIGHLIGHTS))
            raise UnknownNameError(f"--highlight {spec}: unknown node {node_id!r}{hint}; give "
                                   "likely, strategic, historical or a path of node ids")
    edges = []
    for a, b in zip(ids, ids[1:], strict=False):
        try:
            edges.append(_edge_of(scenario, starts, a, b))
        except KeyError:
            options = ", ".join(scenario.nodes[a].children) or "none: it is an outcome"
            raise HighlightError(f"--highlight {spec}: no branch from {a!r} to {b!r} "
                                 f"(the branches of {a!r} lead to {options})") from None
    return set(edges), edges, "highlighted path"


def _top_path(scenario, result):
    """The most probable path of ``result`` when it was computed with ``top=0``: the same
    evaluation asked again, through the public API, for its top path."""
    if result.mode == "strategic":
        return scenario.solve(overrides=result.overrides or None, top=1).paths
    return scenario.evaluate(given=result.given, overrides=result.overrides or None, top=1).paths


# -- numbers the result's views do not give ------------------------------------------------------

# -- texts around the tree -------------------------------------------------------------------------

def header_texts(view: TreeView, title: str | None, *, plan=None, slide: bool = False) -> dict[str, str]:
    """Title, subtitle (the mode and every option that changes what is shown) and footer.

    With the ``plan`` drawn, the subtitle counts the nodes collapsed; with ``slide``, it
    says that a slide keeps the first-level options and the highlighted path.
    """
    scenario, result = view.scenario, view.result
    if view.strategic:
        parts = ["Strategic mode: every actor chooses by backward induction"]
    elif result.mode == "equilibrium":  # an equilibrium played (engine/games.py)
        parts = ["An equilibrium played: every decision weighted by the equilibrium's probabilities"]
    else:
        parts = ["Belief mode: every decision weighted by the analyst's beliefs"]
    if result.overrides:
        parts.append("with " + ", ".join(f"{k} = {v}" for k, v in result.overrides.items()))
    if result.given:
        parts.append(f"given the path passes \u201c{scenario.nodes[result.given].label}\u201d "
                     "(probabilities conditional on it)")
    if view.value:
        parts.append(f"E[\u2026]: expected payoff to {scenario.actors[view.value].name}")
    if view.highlight_text:
        if not slide:  # a slide's legend names the thick line; its subtitle has no room to repeat it
            parts.append(f"thick line: {view.highlight_text}")
            if view.off_path:
                parts.append(f"thinner line: {view.off_path_text}")
    if view.open_edges:
        parts.append("any: a choice the equilibrium leaves open (the actor's own earlier choice rules it out)")
        note = likely_outcome_note(view)
        if note:
            parts.append(note)
    collapsed = []
    if view.prune:
        collapsed.append(f"branches below p = {formatting.diagram_probability(float(view.prune))}")
    if view.depth is not None:
        collapsed.append(f"levels below {view.depth}")
    if collapsed:
        text = " and ".join(collapsed) + " collapsed"
        hidden = _hidden_nodes(view, plan) if plan is not None else 0
        if hidden:
            text += f" ({hidden} of {len(scenario.nodes)} nodes not shown)"
        kept = ["the first-level options"]
        if view.highlight_text:
            kept.append("the " + view.highlight_text.split(" (")[0])
        if view.also_keep:
            kept.append("the likeliest path to the most likely outcome")
        parts.append(text + ", except " + " and ".join(kept))
    if view.unshare:
        parts.append("a shared node is drawn once per path reaching it, marked “same node, drawn n times”")
    footer = [DISCLAIMER]
    if scenario.as_of:
        footer.append(f"As of {scenario.as_of}.")
    short = list(footer)
    # Only sources a student may see before the reveal (dated on or before as_of); the
    # drawing shows the scenario as of that date (the hindsight rule, io/hindsight.py).
    visible = [(key, src) for key, src in scenario.sources.items() if not scenario.is_hindsight(key)]
    if visible:
        cited = []
        for _, src in visible:
            who = ", ".join(x for x in (src.publisher, src.date) if x)
            cited.append(f"{src.title}" + (f" ({who})" if who else ""))
        footer.append(("Source: " if len(cited) == 1 else "Sources: ") + "; ".join(cited) + ".")
        short.append(("Source" if len(visible) == 1 else "Sources") + ", by their ids in the file (titles and "
                     "dates in the file and the briefing pack): " + ", ".join(key for key, _ in visible) + ".")
    # A drawing shows a bounded amount of text whatever the file holds (a 10^5-character
    # title would be a thousand lines of header).  The painter uses the short footer (the
    # sources by id) when the full one would take more than a few lines.
    return {"title": _cut(title if title is not None else scenario.title, 300),
            "subtitle": _cut(" · ".join(parts), 600), "footer": _cut(" ".join(footer), FOOTER_CHARS),
            "footer_short": _cut(" ".join(short), 1500)}


#: The longest full footer a drawing shows (longer: the sources by id).
FOOTER_CHARS = 3000


def _hidden_nodes(view: TreeView, plan) -> int:
    """How many nodes of the scenario the plan does not draw."""
    from .layout import NODE

    drawn = set(plan.node[plan.kind == NODE].tolist())
    return len(view.scenario.nodes) - len(drawn)


def slide_footer(scenario) -> str:
    """A slide's footer: the disclaimer, the as-of date and how many sources (a slide has no
    room for the list; the briefing pack and the file give it)."""
    footer = [DISCLAIMER]
    if scenario.as_of:
        footer.append(f"As of {scenario.as_of}.")
    visible = [key for key in scenario.sources if not scenario.is_hindsight(key)]
    if visible:
        footer.append(f"{len(visible)} sources: see the briefing pack." if len(visible) > 1 else
                      f"Source: {scenario.sources[visible[0]].title}.")
    return _cut(" ".join(footer), 600)


def likely_outcome_note(view: TreeView) -> str:
    """With the most likely path highlighted: the most likely outcome, named as such, when
    the path ends elsewhere (an outcome reached by several paths can be likelier than the
    end of the likeliest single path); else ''."""
    if not view.highlight_text.startswith("most likely path") or not view.path:
        return ""
    arrays = view.arrays
    owner = np.searchsorted(arrays.edge_start, view.path[-1], side="right") - 1
    end = arrays.ids[int(arrays.child[view.path[-1]])] if owner >= 0 else None
    outcomes = view.result.outcomes
    if not outcomes or outcomes[0].id == end:
        return ""
    top = outcomes[0]
    return (f"most likely outcome: “{top.label}” (P = {formatting.diagram_probability(top.probability)} "
            "over all its paths)")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"

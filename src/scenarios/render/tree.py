"""Draw a scenario as a decision-tree diagram with matplotlib.

Decision-analysis notation: squares for decisions (filled with the deciding actor's
colour), circles for chance events, triangles for outcomes.  Along each branch, its
label above the line and its probability below; after each node, its label above the
line and its numbers below (the expected payoff to one actor with ``value=``; for an
outcome, the probability of reaching it and its payoffs).  The drawing is laid out by
:mod:`scenarios.render.layout` from the measured size of every piece of text
(:mod:`scenarios.render.measure`), so no two texts overlap and nothing is clipped; the
figure is as large as its content, or scaled to fit ``width`` x ``height``.

Everything is computed in *points* of the unscaled figure: the tree axes span exactly
the tree's extent, one data unit per point, and the header (title, subtitle, legend)
and footer (as-of date, sources) are placed around it in the same unit.

matplotlib is imported inside the functions only.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import formatting
from ..errors import (
    HighlightError,  # noqa: F401  (defined in errors.py; importable here as before)
    ScenarioError,
    ScenarioWarning,
    UnknownNameError,
)
from . import layout as lay
from .theme import Theme, get_theme

__all__ = ["draw_tree", "tree_figure", "HIGHLIGHTS", "resolve_highlight", "edge_flows",
           "format_probability", "format_number", "MIN_READABLE_PT", "MIN_FONT_PT", "DEFAULT_DPI",
           "MAX_PIXELS"]

#: Named highlights; anything else is read as a path of node ids.
HIGHLIGHTS = ("likely", "strategic", "historical")

#: Below this font size (points, after scaling) a warning suggests --prune or --depth.
MIN_READABLE_PT = 6.0
#: Below this one, drawing refuses (glyph metrics stop scaling with the size).
MIN_FONT_PT = 4.0
#: Default resolution, and the image size above which the default is lowered (72 dpi at least).
DEFAULT_DPI = 150.0
MAX_PIXELS = 25e6

# Geometry in points (of the unscaled figure).
_SYMBOL = 11.0  # decision square side, chance circle diameter, outcome triangle height
_STUB_SYMBOL = 6.0
_PAD = 4.0  # text from a symbol or the start of a run
_LINE_GAP = 1.5  # text from the line it sits on
_RUN_MIN = 16.0  # shortest run (incoming line) of a level
_BREADTH_GAP = 6.0  # between neighbouring slots
_STUB_LINE = 10.0  # from a node's symbol to the bus
_STACK_GAP = 1.0  # between stacked texts
_SMALL = 0.92  # numbers are this much smaller than names
_TRACK_MARGIN = 7.0  # converge strip: from its edges to the first and last track
_TRACK_GAP = 9.0  # between the tracks of two shared nodes on one level
_DOT = 2.2  # radius of the dot where a lane joins a track
_MARGIN = 18.0  # figure margin
_WRAP_LR = 135.0  # label width (points) before wrapping, left to right
_WRAP_TB = 100.0  # ... top down


# -- numbers --------------------------------------------------------------------------------

format_probability = formatting.diagram_probability

format_number = formatting.payoff_label

# -- what is drawn --------------------------------------------------------------------------

def edge_flows(compiled, p: np.ndarray, given: int | None = None) -> np.ndarray:
    """Probability that the path takes each edge (given that it passes ``given``, if set).

    Without conditioning: P(reach the parent) x p.  Given node g: a path takes edge
    u → v and passes g either with g at or after v, or with g at or before u (never
    both, the graph being acyclic), so the flow is ``(reach[u] p h[v] + a[u] p) /
    reach[g]`` with ``h[v]`` the probability of going on from v to g and ``a[u]`` the
    probability of passing g and then u.
    """
    from ..engine.propagate import backward_probability_to, forward

    reach = forward(compiled, p)
    if given is None:
        return reach[compiled.parent] * p
    h = backward_probability_to(compiled, p, given)
    after = forward(compiled, p, start=given) * reach[given]
    return (reach[compiled.parent] * p * h[compiled.child] + after[compiled.parent] * p) / reach[given]


def _played_probabilities(result, p: np.ndarray) -> np.ndarray:
    """Branch probabilities under a strategic result's choices (chosen 1, others 0)."""
    chosen = getattr(result, "chosen_edge", None)
    if chosen is None:
        return p
    compiled = result.scenario.compiled
    played = p.copy()
    played[chosen[compiled.parent] >= 0] = 0.0
    played[chosen[chosen >= 0]] = 1.0
    return played


def resolve_highlight(scenario, spec: str | Sequence[str] | None, result=None) -> tuple[set[int], list[int] | None, str]:
    """The compiled edge indices to highlight, the path's edges in order (for a path), and
    a description for the subtitle and legend.

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
    compiled = scenario.compiled
    if not isinstance(spec, str):
        spec = ",".join(spec)
    name = spec.strip()
    if name == "likely":
        if result is None:
            result = scenario.evaluate(top=1)
        paths = result.paths or _top_path(scenario, result)
        if not paths:
            return set(), [], "most likely path (none has positive probability)"
        path = paths[0]
        edges = [compiled.edge_of(a, b) for a, b in zip(path.nodes, path.nodes[1:], strict=False)]
        return set(edges), edges, f"most likely path (p = {format_probability(path.probability)})"
    if name == "strategic":
        solved = result if getattr(result, "chosen_edge", None) is not None else \
            scenario.solve(overrides=getattr(result, "overrides", None) or None, top=0)
        chosen = solved.chosen_edge
        return set(chosen[chosen >= 0].tolist()), None, "strategic choices (backward induction)"
    if name == "historical":
        marked = {n.id for n in scenario.nodes.values() if n.historical}
        edges = {compiled.edge_of(n.id, b.to) for n in scenario.nodes.values() if n.id in marked
                 for b in n.branches if b.to in marked}
        return edges, None, "historical path"
    ids = [x for x in re.split(r"[\s,>]+", name) if x]
    if not ids:
        raise HighlightError("--highlight: give likely, strategic, historical or a path of node ids")
    for node_id in ids:
        if node_id not in scenario.nodes:
            import difflib

            close = difflib.get_close_matches(node_id, list(scenario.nodes) + list(HIGHLIGHTS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise UnknownNameError(f"--highlight {spec}: unknown node {node_id!r}{hint}; give "
                                   "likely, strategic, historical or a path of node ids")
    edges = []
    for a, b in zip(ids, ids[1:], strict=False):
        try:
            edges.append(compiled.edge_of(a, b))
        except KeyError:
            options = ", ".join(scenario.nodes[a].children) or "none: it is an outcome"
            raise HighlightError(f"--highlight {spec}: no branch from {a!r} to {b!r} "
                                 f"(the branches of {a!r} lead to {options})") from None
    return set(edges), edges, "highlighted path"


def _top_path(scenario, result):
    """The most probable path of ``result`` when it was computed with ``top=0``."""
    if getattr(result, "chosen_edge", None) is not None:
        return scenario.solve(overrides=result.overrides or None, top=1).paths
    return scenario.evaluate(given=result.given, overrides=result.overrides or None, top=1).paths


# -- content of every slot --------------------------------------------------------------------

@dataclass
class _Slot:
    """The texts and symbol of one slot, before measuring.

    All text sits on the slot's incoming run, before its symbol: above the line the
    node's name (bold) over the branch label; below it the branch probability over the
    node's numbers.
    """

    title: str = ""  # node label (bold), or a stub's "n more (p = x)"
    label: str = ""  # branch label
    prob: str = ""  # branch probability, or "chosen"
    numbers: str = ""  # E[actor] = x; for outcomes P = reach, payoffs
    symbol: str = ""  # "decision", "chance", "outcome", "stub" or ""
    face: str | None = None
    hatch: str = ""
    muted: bool = False  # stubs: italic, muted colour


@dataclass
class _Tree:
    """Everything needed to draw: the plan, slot contents, and positions in points."""

    plan: lay.Plan
    slots: list[_Slot]
    depth: np.ndarray  # symbol centre along the depth axis, per slot
    breadth: np.ndarray  # centre across the level, per slot
    symbol: np.ndarray  # symbol size per slot
    cols: lay.Columns
    width: float  # extent along x (points), including padding
    height: float  # extent along y
    top_down: bool
    tracks: dict[int, float]  # shared node slot -> depth position of its converge track
    port_of: dict[int, int]  # port slot -> the shared node slot it converges into
    heights: dict[int, tuple[float, float, float]]  # slot -> heights of its 3 texts
    highlight_slots: set[int] = field(default_factory=set)


def _build_plan(scenario, result, p_shown, *, unshare, prune, depth):
    compiled = scenario.compiled
    graph = lay.Graph(compiled.edge_start, compiled.child, compiled.ids)
    given = compiled.index[result.given] if result.given else None
    options: dict[str, Any] = {"unshare": unshare, "prune": prune, "depth": depth}
    if unshare:
        from ..engine.propagate import backward_probability_to

        options["probability"] = p_shown
        if given is not None:
            options["given"] = given
            options["to_given"] = backward_probability_to(compiled, p_shown, given)
    elif prune is not None or depth is not None:  # stubs show the probability they stand for
        options["flow"] = edge_flows(compiled, p_shown, given)
    return lay.plan(graph, compiled.root, **options)


def _contents(scenario, result, plan, p_shown, theme: Theme, *, value, wrap, metrics, size,
              strategic) -> list[_Slot]:
    compiled = scenario.compiled
    actors = list(scenario.actors)
    styles = theme.categories(actors, {k: a.color for k, a in scenario.actors.items()})
    reach = result.reach_array
    values = result.values_array
    value_col = actors.index(value) if value is not None else None
    value_name = scenario.actors[value].name if value is not None else ""
    chosen = getattr(result, "chosen_edge", None) if strategic else None
    small = size * _SMALL
    kinds = plan.kind.tolist()
    nodes = plan.node.tolist()
    via_node = plan.via_node.tolist()
    via_branch = plan.via_branch.tolist()
    labelled = plan.labelled.tolist()
    weight = plan.weight.tolist()
    cache: dict[tuple, str] = {}

    def wrapped(text: str, bold: bool = False, font: float = size) -> str:
        key = (text, bold, font)
        if key not in cache:
            cache[key] = metrics.wrap(text, wrap, font, "bold" if bold else "normal")
        return cache[key]

    out = []
    for s, kind in enumerate(kinds):
        slot = _Slot()
        node = scenario.nodes[compiled.ids[nodes[s]]] if kind == lay.NODE else None
        if labelled[s]:
            u = via_node[s]
            e = int(compiled.edge_start[u]) + via_branch[s]
            branch = scenario.nodes[compiled.ids[u]].branches[via_branch[s]]
            if node is None or branch.label != node.label:  # the default label is the node's
                slot.label = wrapped(branch.label)
            if chosen is not None and chosen[u] >= 0:
                slot.prob = "chosen" if chosen[u] == e else ""
            else:
                slot.prob = f"p = {format_probability(float(p_shown[e]))}"
        if kind == lay.STUB:
            n = len(plan.collapsed.get(s, ()))
            w = weight[s]
            slot.title = f"{n} more" + ("" if math.isnan(w) else f" (p = {format_probability(w)})")
            slot.symbol = "stub"
            slot.muted = True
        elif node is not None:
            i = nodes[s]
            slot.symbol = node.kind
            slot.title = wrapped(node.label, bold=True)
            if node.kind == "decision":
                style = styles[node.actor]
                slot.face, slot.hatch = style.face, style.hatch
            elif node.kind == "chance":
                slot.face = theme.chance
            else:
                slot.face = theme.outcome
            if node.kind == "outcome":
                prob = weight[s] if not math.isnan(weight[s]) else float(reach[i])
                pays = [format_number(float(v)) for v in result.node_payoff[i]]
                numbers = f"P = {format_probability(prob)}"
                if len(pays) == 1:
                    numbers += f" · payoff {pays[0]}"
                elif pays:
                    numbers += " · (" + ", ".join(pays) + ")"
                slot.numbers = wrapped(numbers, font=small)
            elif value_col is not None:
                slot.numbers = wrapped(f"E[{value_name}] = {format_number(float(values[i, value_col]))}",
                                       font=small)
        out.append(slot)
    return out


def _below(slot: _Slot) -> str:
    """The probability and the numbers, drawn as one text (same size and colour)."""
    return "\n".join(t for t in (slot.prob, slot.numbers) if t)


def _text_sizes(slot: _Slot, metrics, size: float):
    """Widths and heights of a slot's three texts: title, label, and probability with numbers."""
    small = size * _SMALL
    style = "italic" if slot.muted else "normal"
    return (metrics.size(slot.title, size, "bold" if not slot.muted else "normal", style),
            metrics.size(slot.label, size), metrics.size(_below(slot), small))


def _stacked(*heights: float) -> float:
    """Height of texts stacked with a small gap between the non-empty ones."""
    present = [h for h in heights if h]
    return sum(present) + _STACK_GAP * max(0, len(present) - 1)


def _measure_and_place(plan: lay.Plan, slots: list[_Slot], metrics, size: float, *,
                       top_down: bool) -> _Tree:
    n = len(slots)
    run = np.zeros(n)
    symbol = np.zeros(n)
    before = np.zeros(n)
    after = np.zeros(n)
    heights = {}
    for s, slot in enumerate(slots):
        (tw, th), (lw, lh), (nw, nh) = _text_sizes(slot, metrics, size)
        heights[s] = (th, lh, nh)
        pw = 0.0
        sym = _SYMBOL if slot.symbol in ("decision", "chance", "outcome") else \
            (_STUB_SYMBOL if slot.symbol == "stub" else 0.0)
        symbol[s] = sym
        widest = max(tw, lw, pw, nw)
        if not top_down:
            run[s] = max(_RUN_MIN, widest + 2 * _PAD) if widest else _RUN_MIN
            above, below = _stacked(th, lh), nh
            before[s] = max(sym / 2, above + _LINE_GAP if above else 0.0, 1.0)
            after[s] = max(sym / 2, below + _LINE_GAP if below else 0.0, 1.0)
        else:
            stack = _stacked(th, lh, nh)
            run[s] = max(_RUN_MIN, stack + 2 * _PAD) if stack else _RUN_MIN
            before[s] = after[s] = max(sym, widest, 2.0) / 2
    # Shared nodes reached by converging lanes: one vertical track each, in a zone between
    # the level's runs and its symbols that no text enters.
    targets: dict[int, list[int]] = {}
    for port, node_slot in plan.converge:
        targets.setdefault(node_slot, []).append(port)
    zone = np.zeros(plan.n_levels)
    per_level: dict[int, list[int]] = {}
    for node_slot in targets:
        per_level.setdefault(int(plan.level[node_slot]), []).append(node_slot)
    for lv, nodes in per_level.items():
        zone[lv] = 2 * _TRACK_MARGIN + _TRACK_GAP * (len(nodes) - 1)
    cols = lay.columns(plan.level, run, symbol, np.zeros(n), track=zone, stub=_STUB_LINE)
    breadth = lay.tidy(plan.children, before, after, gap=_BREADTH_GAP)
    depth = cols.centre[plan.level]
    tracks: dict[int, float] = {}
    for lv, nodes in per_level.items():
        # Tracks spanning more go nearer the symbols: the lanes to the others stop sooner.
        def span(node_slot):
            ys = [breadth[q] for q in targets[node_slot]] + [breadth[node_slot]]
            return (max(ys) - min(ys), breadth[node_slot])
        for j, node_slot in enumerate(sorted(nodes, key=span)):
            tracks[node_slot] = cols.track_start[lv] + _TRACK_MARGIN + j * _TRACK_GAP
    extent_breadth = float((breadth + after).max()) if n else 0.0
    extent_depth = float(cols.centre[-1] + symbol[plan.level == plan.n_levels - 1].max() / 2) if n else 0.0
    pad = 4.0
    if top_down:
        width, height = extent_breadth + 2 * pad, extent_depth + 2 * pad
    else:
        width, height = extent_depth + 2 * pad, extent_breadth + 2 * pad
    return _Tree(plan, slots, depth + pad, breadth + pad, symbol, cols.shifted(pad), width, height,
                 top_down, {k: v + pad for k, v in tracks.items()},
                 {port: node for port, node in plan.converge}, heights)


# -- public entry points ----------------------------------------------------------------------

def draw_tree(scenario, result=None, *, ax=None, overrides: Mapping[str, Any] | None = None,
              given: str | None = None, value: str | None = None,
              highlight: str | Sequence[str] | None = None, prune: float | None = None,
              depth: int | None = None, unshare: bool = False, top_down: bool = False,
              theme: str | Theme = "light", width: float | None = None, height: float | None = None,
              dpi: float | None = None, title: str | None = None, legend: bool = True,
              footer: bool = True):
    """Draw ``scenario`` as a decision tree; return the matplotlib Axes holding the tree.

    Parameters
    ----------
    scenario : Scenario
    result : BeliefResult or SolveResult, optional
        What to show; default ``scenario.evaluate(given=given, overrides=overrides)``.
        A :class:`~scenarios.SolveResult` shows the strategic mode: reach probabilities
        under the solved choices, "chosen" on the chosen branches.
    ax : matplotlib Axes, optional
        Draw the tree (only: no header or footer) into these axes, text scaled to fit.
        By default a new figure is made, sized from its content (or to ``width`` x
        ``height`` inches), with title, subtitle, legend and footer.
    overrides, given
        As for :meth:`Scenario.evaluate` (ignored when ``result`` is given).
    value : actor key, optional
        Show each decision and chance node's expected payoff to this actor.
    highlight : str, optional
        ``likely``, ``strategic``, ``historical`` or a path of node ids (see
        :func:`resolve_highlight`).
    prune : float, optional
        Collapse branches taken with probability below this into one "n more (p = x)"
        stub per node.
    depth : int, optional
        Draw at most this many levels below the root (a node's level is its longest path
        from the root); deeper branches collapse into stubs the same way.
    unshare : bool
        Draw a shared node once per path reaching it (a strict tree) instead of once.
    top_down : bool
        Root at the top and depth downwards, instead of root on the left.
    theme : ``"light"``, ``"dark"``, ``"print"`` or a :class:`~scenarios.render.theme.Theme`
    width, height : float, optional
        Figure size in inches; the drawing is scaled (text included) to fit, centred.
    dpi : float, optional
        Resolution of the figure (text is measured for it).  Default
        :data:`DEFAULT_DPI`, lowered for very large diagrams so that a PNG stays under
        :data:`MAX_PIXELS` (but never below 72).
    title : str, optional
        Default: the scenario's title.
    legend, footer : bool
        Include the legend, and the as-of date and sources.

    Returns
    -------
    matplotlib.axes.Axes
        The axes of the tree; ``ax.figure`` is the whole figure.

    Raises
    ------
    UnknownNameError
        unknown ``value`` actor, ``given`` node or highlight node.
    HighlightError, scenarios.errors.TooLargeError, ScenarioError

    Examples
    --------
    >>> import scenarios
    >>> from scenarios.render import draw_tree
    >>> ax = draw_tree(scenarios.load("entry-deterrence"), highlight="strategic")
    >>> sorted(t.get_text() for t in ax.texts if t.get_text().startswith("Shared"))
    ['Shared market']
    """
    theme = get_theme(theme)
    if value is not None and value not in scenario.actors:
        import difflib

        close = difflib.get_close_matches(str(value), list(scenario.actors), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise UnknownNameError(f"--value {value}: unknown actor{hint} "
                               f"(actors: {', '.join(scenario.actors) or 'none'})")
    if prune is not None and not 0.0 <= float(prune) <= 1.0:
        raise ScenarioError(f"--prune {prune}: expected a probability in [0, 1]")
    if depth is not None and (isinstance(depth, bool) or int(depth) < 0):
        raise ScenarioError(f"--depth {depth}: expected a whole number >= 0")
    if result is None:
        result = scenario.evaluate(given=given, overrides=overrides, top=1)
    elif result.scenario is not scenario:
        raise ValueError("draw_tree: the result belongs to another scenario")
    from ..engine.bind import bind

    strategic = getattr(result, "chosen_edge", None) is not None
    p_bound = bind(scenario, result.overrides or None).p
    p_shown = _played_probabilities(result, p_bound)
    edges, path_edges, highlight_text = resolve_highlight(scenario, highlight, result)
    plan = _build_plan(scenario, result, p_shown, unshare=unshare, prune=prune, depth=depth)

    drawing = _Drawing(scenario, result, plan, theme, p_shown=p_shown, value=value,
                       top_down=top_down, dpi=dpi, strategic=strategic, unshare=unshare)
    drawing.mark(edges, path_edges)
    if ax is not None:
        return drawing.into_axes(ax)
    header = _header_texts(scenario, result, theme, title=title, value=value,
                           highlight_text=highlight_text, prune=prune, depth=depth, unshare=unshare)
    return drawing.figure(header, width=width, height=height, legend=legend, footer=footer,
                          highlight_text=highlight_text)


def tree_figure(scenario, result=None, **options):
    """:func:`draw_tree`, returning the Figure (for saving)."""
    return draw_tree(scenario, result, **options).figure


def _header_texts(scenario, result, theme, *, title, value, highlight_text, prune, depth, unshare):
    if result.mode == "strategic":
        parts = ["Strategic mode: every actor chooses by backward induction"]
    else:
        parts = ["Belief mode: every decision weighted by the analyst's beliefs"]
    if result.overrides:
        parts.append("with " + ", ".join(f"{k} = {v}" for k, v in result.overrides.items()))
    if result.given:
        parts.append(f"given the path passes \u201c{scenario.nodes[result.given].label}\u201d "
                     "(probabilities conditional on it)")
    if value:
        parts.append(f"E[\u2026]: expected payoff to {scenario.actors[value].name}")
    if highlight_text:
        parts.append(f"thick line: {highlight_text}")
    if prune:
        parts.append(f"branches below p = {format_probability(float(prune))} collapsed")
    if depth is not None:
        parts.append(f"levels below {depth} collapsed")
    if unshare:
        parts.append("shared nodes repeated on every path")
    footer = []
    if scenario.as_of:
        footer.append(f"As of {scenario.as_of}.")
    if scenario.sources:
        cited = []
        for src in scenario.sources.values():
            who = ", ".join(x for x in (src.publisher, src.date) if x)
            cited.append(f"{src.title}" + (f" ({who})" if who else ""))
        footer.append("Sources: " + "; ".join(cited) + ".")
    return {"title": title if title is not None else scenario.title, "subtitle": " · ".join(parts),
            "footer": " ".join(footer)}


# -- drawing ------------------------------------------------------------------------------------

class _Drawing:
    """Measures, lays out and draws one tree; knows the scale it is drawn at."""

    def __init__(self, scenario, result, plan, theme: Theme, *, p_shown, value, top_down, dpi,
                 strategic, unshare=False):
        self.scenario = scenario
        self.result = result
        self.plan = plan
        self.theme = theme
        self.p_shown = p_shown
        self.value = value
        self.top_down = top_down
        self.auto_dpi = dpi is None
        self.dpi = DEFAULT_DPI if dpi is None else float(dpi)
        self.strategic = strategic
        self.unshare = unshare
        self.size = theme.font_size
        self.scale = 1.0
        self.edges: set[int] = set()
        self.path_edges: list[int] | None = None
        self.tree = self._layout(1.0)

    def _layout(self, scale: float) -> _Tree:
        from .measure import TextMetrics

        metrics = TextMetrics(self.dpi, scale, self.theme.font_family)
        self.metrics = metrics
        slots = _contents(self.scenario, self.result, self.plan, self.p_shown, self.theme,
                          value=self.value, wrap=_WRAP_TB if self.top_down else _WRAP_LR,
                          metrics=metrics, size=self.size, strategic=self.strategic)
        return _measure_and_place(self.plan, slots, metrics, self.size, top_down=self.top_down)

    def relayout(self, scale: float) -> None:
        self.scale = scale
        self.tree = self._layout(scale)
        self._mark()

    # highlighting ------------------------------------------------------------------------
    def mark(self, edges: set[int], path_edges: list[int] | None) -> None:
        self.edges, self.path_edges = set(edges), path_edges
        self._mark()

    def _mark(self) -> None:
        plan, tree = self.plan, self.tree
        compiled = self.scenario.compiled
        tree.highlight_slots = set()
        if not self.edges:
            return
        has_via = plan.via_node >= 0
        edge_of_slot = np.where(has_via, compiled.edge_start[np.maximum(plan.via_node, 0)] + plan.via_branch, -1)
        hit = np.isin(edge_of_slot, list(self.edges)) & has_via
        if self.unshare and self.path_edges and compiled.parent[self.path_edges[0]] == compiled.root:
            # A path from the root: only its own copies, not every copy of its branches.
            keep = set()
            s = 0
            for e in self.path_edges:
                nxt = [c for c in plan.children[s] if edge_of_slot[c] == e]
                if not nxt:
                    break
                s = nxt[0]
                keep.add(s)
            tree.highlight_slots = keep
        else:
            tree.highlight_slots = set(np.flatnonzero(hit).tolist())

    # geometry helpers ----------------------------------------------------------------------
    def _xy(self, d, b):
        """Data coordinates (points; y up) of depth ``d`` and breadth ``b``."""
        if self.top_down:
            return b, -d
        return d, -b

    # the figure ----------------------------------------------------------------------------
    def figure(self, header, *, width, height, legend, footer, highlight_text):
        from .save import new_figure

        theme = self.theme
        fig = new_figure(1, 1, self.dpi, facecolor=theme.background)
        parts = self._fit(fig, header, legend=legend, footer=footer, highlight_text=highlight_text,
                          width=width, height=height)
        return parts

    def _fit(self, fig, header, *, legend, footer, highlight_text, width, height):
        """Lay out header, tree and footer; scale to width x height if given; draw."""
        natural = self._frame(header, legend, footer, highlight_text)
        target_w = width * 72.0 if width else None
        target_h = height * 72.0 if height else None
        if self.auto_dpi:
            # Estimate the final size; lower the resolution of very large images and measure
            # the text again for it (hinted glyph widths depend on the resolution).
            k0 = min(target_w / natural["W"] if target_w else math.inf,
                     target_h / natural["H"] if target_h else math.inf)
            k0 = 1.0 if k0 == math.inf else k0
            area = (target_w or natural["W"] * k0) * (target_h or natural["H"] * k0) / 72.0 ** 2
            if area * self.dpi ** 2 > MAX_PIXELS:
                self.dpi = max(72.0, math.floor(math.sqrt(MAX_PIXELS / area)))
                self.relayout(self.scale)
                natural = self._frame(header, legend, footer, highlight_text)
                fig.set_dpi(self.dpi)
        if target_w or target_h:
            def limit(fr):
                return min(target_w / fr["W"] if target_w else math.inf,
                           target_h / fr["H"] if target_h else math.inf)

            # Text re-measured at a smaller scale can wrap differently, so the size does
            # not shrink in proportion: lower the scale until the content fits.
            k = limit(natural)
            for _ in range(12):
                self.relayout(k)
                natural = self._frame(header, legend, footer, highlight_text)
                if limit(natural) >= k - 1e-9 or k * self.size < MIN_FONT_PT:
                    break
                k = min(limit(natural), k * 0.98)
            k = self.scale
            fig_w = target_w if target_w else natural["W"] * k
            fig_h = target_h if target_h else natural["H"] * k
        else:
            k = 1.0
            fig_w, fig_h = natural["W"], natural["H"]
        if self.size * k < MIN_FONT_PT:
            raise ScenarioError(
                f"at {fig_w / 72:.1f} x {fig_h / 72:.1f} in the diagram's text would be "
                f"{self.size * k:.1f} pt, too small to read; collapse branches with --prune P or "
                "--depth D, or give a larger --width/--height")
        if self.size * k < MIN_READABLE_PT:
            warnings.warn(
                f"the diagram's text is drawn at {self.size * k:.1f} pt to fit {fig_w / 72:.1f} x "
                f"{fig_h / 72:.1f} in; collapse branches with --prune P or --depth D for readable text",
                ScenarioWarning, stacklevel=4)
        fig.set_size_inches(fig_w / 72.0, fig_h / 72.0)
        # Centre the scaled content in the figure.
        off_x = (fig_w - natural["W"] * k) / 2
        off_y = (fig_h - natural["H"] * k) / 2
        return self._draw_frame(fig, natural, k, off_x, off_y)

    def _frame(self, header, legend, footer, highlight_text):
        """Sizes (nominal points) of the header, tree and footer, with wrapped texts."""
        theme, m = self.theme, self.metrics
        tree = self.tree
        legend_items = self._legend_items(highlight_text) if legend else []
        # Width: the tree, but at least wide enough for a readable title line.
        content_w = max(tree.width, 360.0)
        title_w = m.width(header["title"], theme.title_size, "bold")
        content_w = max(content_w, min(title_w, 900.0))
        legend_rows, legend_h = self._legend_layout(legend_items, content_w)
        content_w = max(content_w, self._legend_width(legend_rows))
        title = m.wrap(header["title"], content_w, theme.title_size, "bold")
        subtitle = m.wrap(header["subtitle"], content_w, theme.subtitle_size)
        foot = m.wrap(header["footer"], content_w, theme.footer_size) if footer and header["footer"] else ""
        title_h = m.height(title.count("\n") + 1, theme.title_size, "bold")
        sub_h = m.height(subtitle.count("\n") + 1, theme.subtitle_size) if subtitle else 0.0
        foot_h = m.height(foot.count("\n") + 1, theme.footer_size) if foot else 0.0
        gap = 8.0
        header_h = title_h + (4.0 + sub_h if sub_h else 0.0) + (gap + legend_h if legend_rows else 0.0) + gap
        footer_h = (gap + foot_h) if foot else 0.0
        W = content_w + 2 * _MARGIN
        H = _MARGIN + header_h + tree.height + footer_h + _MARGIN
        return {"W": W, "H": H, "content_w": content_w, "title": title, "subtitle": subtitle,
                "footer": foot, "title_h": title_h, "sub_h": sub_h, "foot_h": foot_h,
                "legend_rows": legend_rows, "legend_h": legend_h, "header_h": header_h,
                "footer_h": footer_h}

    # legend: drawn by hand (symbols and text) so it is measured like everything else ------
    def _legend_items(self, highlight_text):
        scenario, theme = self.scenario, self.theme
        items = []
        actors = list(scenario.actors)
        styles = theme.categories(actors, {k: a.color for k, a in scenario.actors.items()})
        drawn_nodes = {self.scenario.compiled.ids[i] for i in
                       np.unique(self.plan.node[self.plan.kind == lay.NODE]).tolist()}
        kinds = {scenario.nodes[n].kind for n in drawn_nodes}
        deciders = [a for a in actors if any(scenario.nodes[n].kind == "decision" and
                                              scenario.nodes[n].actor == a for n in drawn_nodes)]
        for a in deciders:
            st = styles[a]
            items.append(("decision", st.face, st.hatch, f"{scenario.actors[a].name} decides"))
        if "chance" in kinds:
            items.append(("chance", theme.chance, "", "chance"))
        if "outcome" in kinds:
            if len(actors) > 1:
                names = ", ".join(scenario.actors[a].name for a in actors)
                items.append(("outcome", theme.outcome, "", f"outcome: P = probability of reaching it; "
                                                            f"payoffs ({names})"))
            else:
                items.append(("outcome", theme.outcome, "", "outcome: P = probability of reaching it; payoff"))
        if np.any(self.plan.kind == lay.STUB):
            items.append(("stub", None, "", "collapsed branches"))
        if highlight_text:
            items.append(("line", theme.highlight, "", highlight_text))
        return items

    def _legend_item_width(self, item) -> float:
        return 14.0 + 4.0 + self.metrics.width(item[3], self.theme.font_size)

    def _legend_layout(self, items, width):
        """Rows of legend items that fit ``width``; and the legend's height."""
        if not items:
            return [], 0.0
        rows, row, used = [], [], 0.0
        spacing = 16.0
        for item in items:
            w = self._legend_item_width(item)
            if row and used + spacing + w > width:
                rows.append(row)
                row, used = [], 0.0
            used += (spacing if row else 0.0) + w
            row.append(item)
        rows.append(row)
        line_h = max(self.metrics.height(1, self.theme.font_size), 12.0)
        return rows, len(rows) * line_h + (len(rows) - 1) * 4.0

    def _legend_width(self, rows) -> float:
        return max((sum(self._legend_item_width(i) for i in row) + 16.0 * (len(row) - 1)
                    for row in rows), default=0.0)

    def _draw_frame(self, fig, fr, k, off_x, off_y):
        from matplotlib.transforms import Affine2D

        theme = self.theme
        tree = self.tree
        # Figure points (scaled, from the bottom left) -> display.
        pt = Affine2D().scale(k / 72.0).translate(off_x / 72.0, off_y / 72.0) + fig.dpi_scale_trans
        W, H = fr["W"], fr["H"]
        left = _MARGIN + (fr["content_w"] - tree.width) / 2
        bottom = _MARGIN + fr["footer_h"]
        fw, fh = fig.get_size_inches() * 72.0
        ax = fig.add_axes([(off_x + left * k) / fw, (off_y + bottom * k) / fh,
                           tree.width * k / fw, tree.height * k / fh])
        ax.set_axis_off()
        ax.set_xlim(0, tree.width)
        ax.set_ylim(-tree.height, 0)
        self._draw_tree(ax, k)
        y = H - _MARGIN
        fig.text(_MARGIN, y, fr["title"], transform=pt, ha="left", va="top", color=theme.text,
                 fontsize=theme.title_size * k, fontweight="bold", fontfamily=list(theme.font_family))
        y -= fr["title_h"]
        if fr["subtitle"]:
            y -= 4.0
            fig.text(_MARGIN, y, fr["subtitle"], transform=pt, ha="left", va="top", color=theme.muted,
                     fontsize=theme.subtitle_size * k, fontfamily=list(theme.font_family))
            y -= fr["sub_h"]
        if fr["legend_rows"]:
            y -= 8.0
            self._draw_legend(fig, pt, k, fr["legend_rows"], _MARGIN, y)
        if fr["footer"]:
            fig.text(_MARGIN, _MARGIN + fr["foot_h"], fr["footer"], transform=pt, ha="left", va="top",
                     color=theme.muted, fontsize=theme.footer_size * k,
                     fontfamily=list(theme.font_family))
        return ax

    def _draw_legend(self, fig, pt, k, rows, x0, y_top):
        theme = self.theme
        line_h = max(self.metrics.height(1, theme.font_size), 12.0)
        y = y_top
        for row in rows:
            x = x0
            cy = y - line_h / 2
            for item in row:
                kind, face, hatch, label = item
                self._legend_symbol(fig, pt, k, kind, face, hatch, x + 7.0, cy)
                fig.text(x + 18.0, cy, label, transform=pt, ha="left", va="center_baseline",
                         color=theme.text, fontsize=theme.font_size * k,
                         fontfamily=list(theme.font_family))
                x += self._legend_item_width(item) + 16.0
            y -= line_h + 4.0

    def _legend_symbol(self, fig, pt, k, kind, face, hatch, cx, cy):
        from matplotlib.lines import Line2D

        theme = self.theme
        if kind == "line":
            fig.add_artist(Line2D([cx - 7, cx + 7], [cy, cy], transform=pt, color=theme.highlight,
                                  linewidth=theme.highlight_width * k, solid_capstyle="butt"))
            return
        patch = _symbol_patch(kind, cx, cy, _SYMBOL * 0.9 if kind != "stub" else _STUB_SYMBOL,
                              face, hatch, theme, k, transform=pt, top_down=False)
        fig.add_artist(patch)

    # the tree itself ---------------------------------------------------------------------------
    def into_axes(self, ax):
        """Draw into the caller's axes, scaled to fit them."""
        fig = ax.figure
        bbox = ax.get_position()
        fw, fh = fig.get_size_inches() * 72.0
        k = min(bbox.width * fw / self.tree.width, bbox.height * fh / self.tree.height)
        if abs(k - 1.0) > 1e-3:
            self.relayout(k)
            k = min(bbox.width * fw / self.tree.width, bbox.height * fh / self.tree.height, k)
        ax.set_axis_off()
        # Keep one data unit = k display points in both directions; centre the tree.
        ax_w, ax_h = bbox.width * fw / k, bbox.height * fh / k
        cx, cy = self.tree.width / 2, -self.tree.height / 2
        ax.set_xlim(cx - ax_w / 2, cx + ax_w / 2)
        ax.set_ylim(cy - ax_h / 2, cy + ax_h / 2)
        self._draw_tree(ax, self.scale)
        if not ax.get_title():
            ax.set_title(self.scenario.title, color=self.theme.text)
        return ax

    def _draw_tree(self, ax, k):
        from matplotlib.collections import LineCollection

        theme, tree, plan = self.theme, self.tree, self.plan
        cols = tree.cols
        level = plan.level
        parent = plan.parent.tolist()
        kinds = plan.kind.tolist()
        lw = theme.line_width * k
        hw = theme.highlight_width * k
        normal, marked = [], []
        has_children = np.zeros(len(plan), dtype=bool)
        has_children[plan.parent[plan.parent >= 0]] = True
        hl = tree.highlight_slots
        marked_parents = {parent[s] for s in hl if parent[s] >= 0}
        xy = self._xy
        port_of = tree.port_of
        for s in range(len(plan)):
            d, b = tree.depth[s], tree.breadth[s]
            lv = level[s]
            if s in port_of:
                end = tree.tracks[port_of[s]]
            elif kinds[s] == lay.LANE:
                end = cols.bus[lv]
            else:
                end = d - tree.symbol[s] / 2
            q = parent[s]
            gap = self._text_gap(s) if self.top_down else None
            if q >= 0:
                bus = cols.bus[level[q]]
                if gap is None:
                    pieces = [[xy(bus, tree.breadth[q]), xy(bus, b), xy(end, b)]]
                else:  # top down, the line breaks around the texts on it
                    pieces = [[xy(bus, tree.breadth[q]), xy(bus, b), xy(gap[0], b)],
                              [xy(gap[1], b), xy(end, b)]]
                (marked if s in hl else normal).extend(p for p in pieces if p[0] != p[-1])
            elif any(tree.heights[s]):  # the root's stem, under its name
                start = cols.run_start[lv] if gap is None else gap[1]
                normal.append([xy(start, b), xy(end, b)])
            if has_children[s] and kinds[s] != lay.LANE:
                exit_ = d + tree.symbol[s] / 2
                segment = [xy(exit_, b), xy(cols.bus[lv], b)]
                (marked if s in marked_parents else normal).append(segment)
        # Converging lanes: each shared node's vertical track, joins marked by dots.
        dots, marked_dots = [], []
        ports_of: dict[int, list[int]] = {}
        for port, node_slot in plan.converge:
            ports_of.setdefault(node_slot, []).append(port)
        for node_slot, ports in ports_of.items():
            x = tree.tracks[node_slot]
            y_node = tree.breadth[node_slot]
            ys = [tree.breadth[q] for q in ports] + [y_node]
            normal.append([xy(x, min(ys)), xy(x, max(ys))])
            dots.extend(xy(x, y) for y in ys)
            for q in ports:
                if q in hl:  # the track from this port to the node, then into the node
                    marked.append([xy(x, tree.breadth[q]), xy(x, y_node),
                                   xy(tree.depth[node_slot] - tree.symbol[node_slot] / 2, y_node)])
                    marked_dots.extend([xy(x, tree.breadth[q]), xy(x, y_node)])
            if node_slot in hl:
                marked_dots.append(xy(x, y_node))
        ax.add_collection(LineCollection(normal, colors=theme.line, linewidths=lw, zorder=1,
                                         capstyle="butt", joinstyle="miter"))
        if marked:
            ax.add_collection(LineCollection(marked, colors=theme.highlight, linewidths=hw, zorder=2,
                                             capstyle="projecting", joinstyle="miter"))
        if dots:
            from matplotlib.collections import EllipseCollection

            for points, color, radius, z in ((dots, theme.line, _DOT, 1.5),
                                             (marked_dots, theme.highlight, _DOT + hw / k / 2, 2.5)):
                if points:
                    ax.add_collection(EllipseCollection(
                        2 * radius, 2 * radius, 0.0, units="xy", offsets=points,
                        offset_transform=ax.transData, facecolors=color, edgecolors="none", zorder=z))
        # Symbols.
        patches = []
        for s, slot in enumerate(tree.slots):
            if not slot.symbol:
                continue
            cx, cy = xy(tree.depth[s], tree.breadth[s])
            patches.append(_symbol_patch(slot.symbol, cx, cy, tree.symbol[s], slot.face, slot.hatch,
                                         theme, k, top_down=self.top_down))
        if patches:
            for patch in patches:  # hatches need one artist each; a few hundred at most
                ax.add_patch(patch)
        self._draw_texts(ax, k)

    def _text_gap(self, s: int) -> tuple[float, float]:
        """Top down: where the run of slot ``s`` breaks for its texts (depth from, to)."""
        heights = self.tree.heights[s]
        if not any(heights):
            start = self.tree.cols.run_start[self.plan.level[s]]
            return start, start
        top = self.tree.cols.run_start[self.plan.level[s]] + _PAD
        return top - _LINE_GAP, top + _stacked(*heights) + _LINE_GAP

    def _draw_texts(self, ax, k):
        theme, tree = self.theme, self.tree
        cols = tree.cols
        level = self.plan.level
        size = self.size * k
        small = self.size * _SMALL * k
        common = dict(fontfamily=list(theme.font_family), clip_on=False, zorder=4)
        for s, slot in enumerate(tree.slots):
            b = tree.breadth[s]
            x0 = cols.run_start[level[s]] + _PAD
            th, lh, nh = tree.heights[s]
            texts = (  # (text, height, font size, weight, colour)
                (slot.title, th, size, "normal" if slot.muted else "bold",
                 theme.muted if slot.muted else theme.text),
                (slot.label, lh, size, "normal", theme.text),
                (_below(slot), nh, small, "normal", theme.muted))
            style = "italic" if slot.muted else "normal"
            if not self.top_down:
                # Above the line, bottom up: label, then title; below it: probability, numbers.
                y = -b + _LINE_GAP
                for text, h, fs, weight, color in (texts[1], texts[0]):
                    if text:
                        ax.text(x0, y, text, ha="left", va="bottom", color=color, fontsize=fs,
                                fontweight=weight, fontstyle=style, **common)
                        y += h + _STACK_GAP
                text, h, fs, weight, color = texts[2]
                if text:
                    ax.text(x0, -b - _LINE_GAP, text, ha="left", va="top", color=color, fontsize=fs,
                            fontweight=weight, **common)
            else:
                y = x0  # depth position, downwards
                for text, h, fs, weight, color in texts:
                    if text:
                        ax.text(b, -y, text, ha="center", va="top", color=color, fontsize=fs,
                                fontweight=weight, fontstyle=style if text is slot.title else "normal",
                                multialignment="center", **common)
                        y += h + _STACK_GAP


def _symbol_patch(kind, cx, cy, size, face, hatch, theme: Theme, k, *, transform=None,
                  top_down=False):
    """The patch for a node symbol centred at (cx, cy), ``size`` points across."""
    from matplotlib.patches import Circle, Polygon, Rectangle

    edge = theme.node_edge
    lw = 0.8 * k
    options = dict(facecolor=face or theme.background, edgecolor=edge, linewidth=lw, zorder=3,
                   hatch=hatch or None)
    if transform is not None:
        options["transform"] = transform
    r = size / 2
    if kind == "decision":
        side = size * 0.9
        return Rectangle((cx - side / 2, cy - side / 2), side, side, **options)
    if kind == "chance":
        return Circle((cx, cy), r, **options)
    if kind == "outcome":
        # The tip points back along the incoming line (left, or up when top-down).
        if top_down:
            pts = [(cx, cy + r), (cx - r, cy - r * 0.8), (cx + r, cy - r * 0.8)]
        else:
            pts = [(cx - r, cy), (cx + r * 0.8, cy + r), (cx + r * 0.8, cy - r)]
        return Polygon(pts, closed=True, **options)
    # A collapsed stub: a small hollow circle, dashed outline.
    options.update(facecolor=theme.background, edgecolor=theme.muted, linestyle=(0, (2, 1.5)))
    return Circle((cx, cy), r, **options)


#: Notebook diagrams: nodes beyond which branches below this probability are collapsed.
NOTEBOOK_PRUNE_ABOVE = 150
NOTEBOOK_PRUNE = 0.01


def notebook_png(scenario, result=None) -> bytes | None:
    """The diagram as PNG bytes for Jupyter's ``_repr_png_`` (None if it cannot be drawn).

    A result is shown with its most likely path (a strategic result with its choices);
    a scenario of more than :data:`NOTEBOOK_PRUNE_ABOVE` nodes with branches below
    :data:`NOTEBOOK_PRUNE` collapsed.  Drawn when asked, at 100 dpi.

    >>> import scenarios
    >>> notebook_png(scenarios.load("entry-deterrence"))[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    from .save import figure_bytes

    highlight = None
    if result is not None:
        highlight = "strategic" if getattr(result, "chosen_edge", None) is not None else "likely"
    prune = NOTEBOOK_PRUNE if len(scenario.nodes) > NOTEBOOK_PRUNE_ABOVE else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScenarioWarning)
            ax = draw_tree(scenario, result, highlight=highlight, prune=prune, dpi=100.0)
            return figure_bytes(ax.figure, "png")
    except ScenarioError:  # e.g. too large even pruned: Jupyter falls back to the text repr
        return None

"""From a :class:`~scenarios.render.view.TreeView` to positioned slots: the plan (which
slots are drawn, :mod:`scenarios.render.layout`), the texts and symbol of every slot, their
measured sizes, and the positions of everything in points of the unscaled figure.

No matplotlib here beyond the text metrics (:mod:`scenarios.render.measure`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import formatting
from ..kinds import KINDS
from . import layout as lay
from .theme import Theme
from .view import TreeView

__all__ = ["Slot", "Placed", "build_plan", "contents", "measure_and_place", "below", "stacked"]

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
_TRACK_GAP = 12.0  # between the tracks of two shared nodes on one level (a line of text)
_WRAP_LR = 180.0  # label width (points) before wrapping, left to right: fewer lines, a wider and lower tree
_WRAP_TB = 100.0  # ... top down


# -- content of every slot --------------------------------------------------------------------

@dataclass
class Slot:
    """The texts and symbol of one slot, before measuring.

    All text sits on the slot's incoming run, before its symbol: above the line the
    node's name (bold) over the branch label; below it the branch probability over the
    node's numbers.
    """

    title: str = ""  # node label (bold), or a stub's "n more (p = x)"
    label: str = ""  # branch label
    prob: str = ""  # branch probability, or "chosen"; then the branch's own payoffs, if any
    numbers: str = ""  # E[actor] = x; for outcomes P = reach, payoffs
    symbol: str = ""  # the node kind's symbol (kinds.KINDS), "stub" or ""
    face: str | None = None
    hatch: str = ""
    muted: bool = False  # stubs: italic, muted colour
    pays: bool = False  # its branch has payoffs of its own (shown after the probability)


@dataclass
class Placed:
    """Everything needed to draw: the plan, slot contents, and positions in points."""

    plan: lay.Plan
    slots: list[Slot]
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
    off_path_slots: set[int] = field(default_factory=set)  # choices off the played path (view.off_path)


def build_plan(view: TreeView) -> lay.Plan:
    """The slots drawn for ``view`` (graph in file order: slot nodes are file positions)."""
    arrays = view.arrays
    graph = lay.Graph(arrays.edge_start, arrays.child, arrays.ids)
    options: dict[str, Any] = {"unshare": view.unshare, "prune": view.prune, "depth": view.depth,
                               "keep": view.highlight | view.also_keep}
    if view.unshare:
        options["probability"] = view.shown
        if view.given is not None:
            options["given"] = view.given
            # P(go on from each node to the given one), from the result (file order).
            options["to_given"] = view.result.probabilities_to(arrays.ids[view.given])
    elif view.prune is not None or view.depth is not None:  # stubs show the probability they stand for
        options["flow"] = arrays.flow
    return lay.plan(graph, arrays.root, **options)


def contents(view: TreeView, plan: lay.Plan, theme: Theme, *, wrap, metrics, size) -> list[Slot]:
    """The texts, symbol and colours of every slot of ``plan``."""
    scenario, arrays = view.scenario, view.arrays
    actors = list(scenario.actors)
    styles = theme.categories(actors, {k: a.color for k, a in scenario.actors.items()})
    faces = {"chance": theme.chance, "outcome": theme.outcome}  # kinds without an actor
    shown = view.shown
    reach = arrays.reach
    values = arrays.values
    edge_payoffs = arrays.edge_payoffs
    value_col = actors.index(view.value) if view.value is not None else None
    value_name = scenario.actors[view.value].name if view.value is not None else ""
    chosen = arrays.chosen.tolist() if view.strategic else None
    small = size * _SMALL
    kinds = plan.kind.tolist()
    nodes = plan.node.tolist()
    via_node = plan.via_node.tolist()
    via_branch = plan.via_branch.tolist()
    labelled = plan.labelled.tolist()
    weight = plan.weight.tolist()
    cache: dict[tuple, str] = {}
    copies: dict[int, int] = {}
    if view.unshare:  # a node drawn on several paths says so, under its numbers
        drawn = plan.node[(plan.kind == lay.NODE) & (plan.node >= 0)]
        counts = np.bincount(drawn, minlength=len(plan.names)) if len(drawn) else np.zeros(0, dtype=int)
        copies = {int(k): int(c) for k, c in enumerate(counts) if c > 1}

    def wrapped(text: str, bold: bool = False, font: float = size) -> str:
        key = (text, bold, font)
        if key not in cache:
            cache[key] = metrics.wrap(text, wrap, font, "bold" if bold else "normal")
        return cache[key]

    out = []
    for s, slot_kind in enumerate(kinds):
        slot = Slot()
        node = scenario.nodes[arrays.ids[nodes[s]]] if slot_kind == lay.NODE else None
        if labelled[s]:
            u = via_node[s]
            branch = scenario.nodes[arrays.ids[u]].branches[via_branch[s]]
            if node is None or branch.label != node.label:  # the default label is the node's
                slot.label = wrapped(branch.label)
            e = view.edge(u, via_branch[s])
            if chosen is not None and chosen[u] >= 0:
                slot.prob = "chosen" if chosen[u] == via_branch[s] else ""
            else:
                # "any": a set the equilibrium leaves open
                slot.prob = "any" if e in view.open_edges else f"p = {formatting.diagram_probability(float(shown[e]))}"
            own = branch_payoffs_text(edge_payoffs[e])
            if own:  # what taking the branch costs or brings, on the line under its label
                slot.prob = wrapped(f"{slot.prob} · {own}" if slot.prob else own, font=small)
                slot.pays = True
        if slot_kind == lay.STUB:
            n = len(plan.collapsed.get(s, ()))
            w = weight[s]
            slot.title = f"{n} more" + ("" if math.isnan(w) else f" (p = {formatting.diagram_probability(w)})")
            slot.symbol = "stub"
            slot.muted = True
        elif node is not None:
            i = nodes[s]
            kind = KINDS[node.kind]
            slot.symbol = kind.symbol
            slot.title = wrapped(node.label, bold=True)
            if kind.has_actor:
                style = styles[node.actor]
                slot.face, slot.hatch = style.face, style.hatch
            else:
                slot.face = faces[kind.name]
            if not kind.has_branches:  # an outcome: the probability of ending there, its payoffs
                prob = weight[s] if not math.isnan(weight[s]) else float(reach[i])
                pays = [formatting.payoff_label(float(v)) for v in arrays.node_payoffs[i]]
                numbers = f"P = {formatting.diagram_probability(prob)}"
                if len(pays) == 1:
                    numbers += f" · payoff {pays[0]}"
                elif pays:
                    numbers += " · (" + ", ".join(pays) + ")"
                slot.numbers = wrapped(numbers, font=small)
            elif value_col is not None:
                slot.numbers = wrapped(
                    f"E[{value_name}] = {formatting.payoff_label(float(values[i, value_col]))}", font=small)
            if i in copies:
                same = f"same node, drawn {copies[i]} times"
                slot.numbers = wrapped(f"{slot.numbers}\n{same}" if slot.numbers else same, font=small)
        out.append(slot)
    return out


def branch_payoffs_text(row) -> str:
    """A branch's own payoffs for its line: "payoff x" (one actor), "payoffs (x, y)" (in the
    legend's actor order), or "" when the branch pays nothing to anyone.

    >>> branch_payoffs_text([-70.0]), branch_payoffs_text([0.0, 2.5]), branch_payoffs_text([0.0])
    ('payoff −70', 'payoffs (0, 2.5)', '')
    """
    values = [float(v) for v in row]
    if not any(values):
        return ""
    pays = [formatting.payoff_label(v) for v in values]
    return f"payoff {pays[0]}" if len(pays) == 1 else "payoffs (" + ", ".join(pays) + ")"


def below(slot: Slot) -> str:
    """The probability and the numbers, drawn as one text (same size and colour)."""
    return "\n".join(t for t in (slot.prob, slot.numbers) if t)


def text_sizes(slot: Slot, metrics, size: float):
    """Widths and heights of a slot's three texts: title, label, and probability with numbers."""
    small = size * _SMALL
    style = "italic" if slot.muted else "normal"
    return (metrics.size(slot.title, size, "bold" if not slot.muted else "normal", style),
            metrics.size(slot.label, size), metrics.size(below(slot), small))


def stacked(*heights: float) -> float:
    """Height of texts stacked with a small gap between the non-empty ones."""
    present = [h for h in heights if h]
    return sum(present) + _STACK_GAP * max(0, len(present) - 1)


def measure_and_place(plan: lay.Plan, slots: list[Slot], metrics, size: float, *,
                       top_down: bool) -> Placed:
    n = len(slots)
    run = np.zeros(n)
    symbol = np.zeros(n)
    before = np.zeros(n)
    after = np.zeros(n)
    heights = {}
    lane_room = metrics.height(1, size) / 2
    for s, slot in enumerate(slots):
        (tw, th), (lw, lh), (nw, nh) = text_sizes(slot, metrics, size)
        heights[s] = (th, lh, nh)
        pw = 0.0
        sym = _STUB_SYMBOL if slot.symbol == "stub" else (_SYMBOL if slot.symbol else 0.0)
        symbol[s] = sym
        widest = max(tw, lw, pw, nw)
        if not top_down:
            run[s] = max(_RUN_MIN, widest + 2 * _PAD) if widest else _RUN_MIN
            above, below = stacked(th, lh), nh
            before[s] = max(sym / 2, above + _LINE_GAP if above else 0.0, 1.0)
            after[s] = max(sym / 2, below + _LINE_GAP if below else 0.0, 1.0)
        else:
            stack = stacked(th, lh, nh)
            run[s] = max(_RUN_MIN, stack + 2 * _PAD) if stack else _RUN_MIN
            before[s] = after[s] = max(sym, widest, 2.0) / 2
        if plan.kind[s] == lay.LANE:
            # Lanes and ports never closer than a line of text: each keeps half a line of room.
            before[s] = max(before[s], lane_room)
            after[s] = max(after[s], lane_room)
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
    return Placed(plan, slots, depth + pad, breadth + pad, symbol, cols.shifted(pad), width, height,
                 top_down, {k: v + pad for k, v in tracks.items()},
                 {port: node for port, node in plan.converge}, heights)



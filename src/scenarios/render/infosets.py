"""Information sets in drawings: the members of a set joined by a dashed line, with its name.

The textbook convention (and Gambit's): the decision nodes an actor cannot tell apart are
joined by a dashed line.  Here the line runs beside the members' symbols, on the side their
incoming lines come from, in the actor's colour; the set's name (underscores as spaces) sits
on the line in the first gap after its first member.  Several sets on one level get lines at
different distances from the symbols, so they never coincide.

Called from :meth:`scenarios.render.paint.Drawing._draw_tree` (one line); matplotlib is
only touched through the ``ax`` passed in.
"""

from __future__ import annotations

from . import layout as lay

__all__ = ["draw_infosets", "infoset_slots"]

_OFFSET = 2.0  # from a symbol's edge to the first set's line (points, before scaling)
_STEP = 3.5  # between the lines of two sets on one level


def infoset_slots(drawing) -> dict[str, list[int]]:
    """Set name -> the drawn NODE slots of its members (sets with two or more drawn)."""
    scenario, plan = drawing.scenario, drawing.plan
    sets = {name: set(members) for name, members in scenario.infosets.items() if len(members) > 1}
    if not sets:
        return {}
    owner = {node: name for name, members in sets.items() for node in members}
    found: dict[str, list[int]] = {}
    kinds, nodes, names = plan.kind.tolist(), plan.node.tolist(), plan.names
    for s in range(len(plan)):
        if kinds[s] == lay.NODE and names[nodes[s]] in owner:
            found.setdefault(owner[names[nodes[s]]], []).append(s)
    return {name: slots for name, slots in found.items() if len(slots) > 1}


def draw_infosets(drawing, ax, k: float) -> None:
    """Draw every information set of ``drawing`` (a :class:`~scenarios.render.paint.Drawing`)."""
    groups = infoset_slots(drawing)
    if not groups:
        return
    tree, theme, xy = drawing.tree, drawing.theme, drawing._xy
    small = drawing.size * 0.85 * k
    per_level: dict[float, int] = {}
    same_level: dict[float, list[float]] = {}  # depth -> breadths of every NODE slot there
    for s in range(len(drawing.plan)):
        if drawing.plan.kind[s] == lay.NODE:
            same_level.setdefault(round(float(tree.depth[s]), 3), []).append(float(tree.breadth[s]))
    for name, slots in groups.items():
        slots = sorted(slots, key=lambda s: tree.breadth[s])
        depth = min(float(tree.depth[s] - tree.symbol[s] / 2) for s in slots)
        key = round(depth, 3)
        j = per_level.get(key, 0)
        per_level[key] = j + 1
        line = depth - _OFFSET - j * _STEP
        color = tree.slots[slots[0]].face or theme.line
        ends = [float(tree.breadth[s]) for s in slots]
        points = [xy(line, ends[0]), xy(line, ends[-1])]
        ax.plot(*zip(*points, strict=True), ls=(0, (4, 3)), lw=max(theme.line_width * k * 1.4, 0.8),
                color=color, zorder=3.5, solid_capstyle="butt")
        for s, b in zip(slots, ends, strict=True):  # short joins into each member's symbol
            edge = float(tree.depth[s] - tree.symbol[s] / 2)
            ax.plot(*zip(xy(line, b), xy(edge, b), strict=True), lw=max(theme.line_width * k * 1.4, 0.8),
                    ls=(0, (2, 2)), color=color, zorder=3.5)
        # The name, in a gap between nodes of the level along the line: the first gap after the
        # first member where it overlaps no text drawn so far (the nodes' texts, other names).
        level = sorted(same_level.get(round(float(tree.depth[slots[0]]), 3), []))
        inside = [b for b in level if ends[0] <= b <= ends[-1]]
        gaps = [(a + b) / 2 for a, b in zip(inside, inside[1:], strict=False)] or [ends[0]]
        after = [b for b in level if b > ends[-1]]
        if after:
            gaps.append((ends[-1] + after[0]) / 2)
        label = None
        for gap in gaps:
            x, y = xy(line, gap)
            if label is not None:
                label.remove()
            label = ax.text(x, y, name.replace("_", " "), rotation=0 if drawing.top_down else 90, ha="center",
                            va="center", fontsize=small, color=color, fontstyle="italic", zorder=4.5,
                            clip_on=False, fontfamily=list(theme.font_family),
                            bbox={"facecolor": theme.background, "edgecolor": "none", "pad": 1.0})
            if not _overlaps(ax, label):
                break


def _overlaps(ax, label) -> bool:
    """Whether ``label`` overlaps another text of ``ax`` (measured by the figure's renderer)."""
    renderer = ax.figure.canvas.get_renderer()
    box = label.get_window_extent(renderer)
    for other in ax.texts:
        if other is not label and other.get_text().strip() and box.overlaps(other.get_window_extent(renderer)):
            return True
    return False

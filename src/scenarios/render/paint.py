"""Painting a placed tree with matplotlib: lines, symbols, texts, and the figure around
them (title, subtitle, legend, footer), scaled to fit a size if asked.

matplotlib is imported inside the functions only.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..errors import ScenarioError, ScenarioWarning
from ..kinds import KINDS
from . import layout as lay
from .infosets import draw_infosets
from .place import (
    _LINE_GAP,
    _PAD,
    _SMALL,
    _STACK_GAP,
    _STUB_SYMBOL,
    _SYMBOL,
    _WRAP_LR,
    _WRAP_TB,
    Placed,
    below,
    contents,
    measure_and_place,
    stacked,
)
from .theme import Theme
from .view import TreeView

__all__ = ["Drawing", "MIN_READABLE_PT", "MIN_FONT_PT", "DEFAULT_DPI", "MAX_PIXELS"]

#: Below this font size (points, after scaling) a warning suggests --prune or --depth.
MIN_READABLE_PT = 6.0
#: Below this one, drawing refuses (glyph metrics stop scaling with the size).
MIN_FONT_PT = 4.0
#: Default resolution, and the image size above which the default is lowered (72 dpi at least).
DEFAULT_DPI = 150.0
MAX_PIXELS = 25e6

_DOT = 2.2  # radius of the dot where a lane joins a track
_MARGIN = 18.0  # figure margin
_FOOTER_LINES = 6  # a footer wrapping to more lines lists the sources by id


class Drawing:
    """Measures, lays out and draws one tree; knows the scale it is drawn at."""

    def __init__(self, view: TreeView, plan: lay.Plan, theme: Theme, *, dpi: float | None,
                 wrap: float | None = None):
        self.view = view
        self.scenario = view.scenario
        self.plan = plan
        self.theme = theme
        self.top_down = view.top_down
        self.auto_dpi = dpi is None
        self.dpi = DEFAULT_DPI if dpi is None else float(dpi)
        self.size = theme.font_size
        self.wrap = wrap if wrap is not None else (_WRAP_TB if view.top_down else _WRAP_LR)
        self.scale = 1.0
        self.content_width = 0.0  # header and footer at least this wide (a slide: its width)
        self.margin = _MARGIN
        self.tree = self._layout(1.0)
        self._mark()

    def _layout(self, scale: float) -> Placed:
        from .measure import TextMetrics

        metrics = TextMetrics(self.dpi, scale, self.theme.font_family)
        self.metrics = metrics
        slots = contents(self.view, self.plan, self.theme, wrap=self.wrap,
                         metrics=metrics, size=self.size)
        return measure_and_place(self.plan, slots, metrics, self.size, top_down=self.top_down)

    def relayout(self, scale: float) -> None:
        self.scale = scale
        self.tree = self._layout(scale)
        self._mark()

    # highlighting ------------------------------------------------------------------------
    def _mark(self) -> None:
        """The slots drawn thick: those entered by a highlighted branch."""
        plan, tree, view = self.plan, self.tree, self.view
        tree.highlight_slots = set()
        tree.off_path_slots = set()
        if not view.highlight and not view.off_path:
            return
        edge_start = view.arrays.edge_start
        has_via = plan.via_node >= 0
        edge_of_slot = np.where(has_via, edge_start[np.maximum(plan.via_node, 0)] + plan.via_branch, -1)
        tree.off_path_slots = set(np.flatnonzero(np.isin(edge_of_slot, list(view.off_path)) & has_via).tolist())
        hit = np.isin(edge_of_slot, list(view.highlight)) & has_via
        root = view.arrays.root
        if view.unshare and view.path and edge_start[root] <= view.path[0] < edge_start[root + 1]:
            # A path from the root: only its own copies, not every copy of its branches.
            keep = set()
            s = 0
            for e in view.path:
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
    def figure(self, header, *, width, height, legend, footer, highlight_text, max_scale=math.inf):
        from .save import new_figure

        theme = self.theme
        fig = new_figure(1, 1, self.dpi, facecolor=theme.background)
        parts = self._fit(fig, header, legend=legend, footer=footer, highlight_text=highlight_text,
                          width=width, height=height, max_scale=max_scale)
        return parts

    def _fit(self, fig, header, *, legend, footer, highlight_text, width, height, max_scale=math.inf):
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
                           target_h / fr["H"] if target_h else math.inf, max_scale)

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
        content_w = max(tree.width, 360.0, self.content_width)
        title_w = m.width(header["title"], theme.title_size, "bold")
        content_w = max(content_w, min(title_w, 900.0))
        legend_rows, legend_h = self._legend_layout(legend_items, content_w)
        content_w = max(content_w, self._legend_width(legend_rows))
        title = m.wrap(header["title"], content_w, theme.title_size, "bold")
        subtitle = m.wrap(header["subtitle"], content_w, theme.subtitle_size)
        foot = m.wrap(header["footer"], content_w, theme.footer_size) if footer and header["footer"] else ""
        if foot.count("\n") >= _FOOTER_LINES and header.get("footer_short"):
            # A long source list would be a block of small print: the sources by id instead.
            foot = m.wrap(header["footer_short"], content_w, theme.footer_size)
        title_h = m.height(title.count("\n") + 1, theme.title_size, "bold")
        sub_h = m.height(subtitle.count("\n") + 1, theme.subtitle_size) if subtitle else 0.0
        foot_h = m.height(foot.count("\n") + 1, theme.footer_size) if foot else 0.0
        gap = 8.0
        header_h = title_h + (4.0 + sub_h if sub_h else 0.0) + (gap + legend_h if legend_rows else 0.0) + gap
        footer_h = (gap + foot_h) if foot else 0.0
        W = content_w + 2 * self.margin
        H = self.margin + header_h + tree.height + footer_h + self.margin
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
        ids = self.view.arrays.ids
        drawn = [scenario.nodes[ids[i]] for i in np.unique(self.plan.node[self.plan.kind == lay.NODE]).tolist()]
        kinds = {node.kind for node in drawn}
        for kind in KINDS.values():  # in the file format's order: decisions, chance, outcomes
            if kind.name not in kinds:
                continue
            if kind.has_actor:
                deciders = {node.actor for node in drawn if node.kind == kind.name}
                for a in actors:
                    if a in deciders:
                        st = styles[a]
                        items.append((kind.symbol, st.face, st.hatch, f"{scenario.actors[a].name} decides"))
            elif kind.has_branches:
                items.append((kind.symbol, theme.chance, "", kind.name))
            elif len(actors) > 1:
                names = ", ".join(scenario.actors[a].name for a in actors)
                items.append((kind.symbol, theme.outcome, "", f"outcome: P = probability of reaching it; "
                                                             f"payoffs ({names})"))
            else:
                items.append((kind.symbol, theme.outcome, "", "outcome: P = probability of reaching it; payoff"))
        if any(slot.pays for slot in self.tree.slots):
            own = "its own payoff" if len(actors) == 1 else "its own payoffs"
            items.append(("branch", None, "", f"branch: p · {own}, added to the outcome's"))
        if np.any(self.plan.kind == lay.STUB):
            items.append(("stub", None, "", "collapsed branches"))
        if highlight_text:
            items.append(("line", theme.highlight, "", highlight_text))
        if self.tree.off_path_slots:  # drawn: not every off-path choice survives a collapsed drawing
            items.append(("thin line", theme.highlight, "", self.view.off_path_text))
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
        H = fr["H"]
        left = self.margin + (fr["content_w"] - tree.width) / 2
        bottom = self.margin + fr["footer_h"]
        fw, fh = fig.get_size_inches() * 72.0
        ax = fig.add_axes([(off_x + left * k) / fw, (off_y + bottom * k) / fh,
                           tree.width * k / fw, tree.height * k / fh])
        ax.set_axis_off()
        ax.set_xlim(0, tree.width)
        ax.set_ylim(-tree.height, 0)
        self._draw_tree(ax, k)
        y = H - self.margin
        fig.text(self.margin, y, fr["title"], transform=pt, ha="left", va="top", color=theme.text,
                 fontsize=theme.title_size * k, fontweight="bold", fontfamily=list(theme.font_family))
        y -= fr["title_h"]
        if fr["subtitle"]:
            y -= 4.0
            fig.text(self.margin, y, fr["subtitle"], transform=pt, ha="left", va="top", color=theme.muted,
                     fontsize=theme.subtitle_size * k, fontfamily=list(theme.font_family))
            y -= fr["sub_h"]
        if fr["legend_rows"]:
            y -= 8.0
            self._draw_legend(fig, pt, k, fr["legend_rows"], self.margin, y)
        if fr["footer"]:
            fig.text(self.margin, self.margin + fr["foot_h"], fr["footer"], transform=pt, ha="left", va="top",
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
        if kind in ("line", "thin line", "branch"):  # the highlight's lines, or a plain branch
            if kind == "branch":
                color, width = theme.line, theme.line_width
            else:
                color = theme.highlight
                width = theme.highlight_width if kind == "line" else _off_path_width(theme)
            fig.add_artist(Line2D([cx - 7, cx + 7], [cy, cy], transform=pt, color=color,
                                  linewidth=width * k, solid_capstyle="butt"))
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

    def _draw_tree(self, ax, k: float) -> None:
        from matplotlib.collections import LineCollection

        theme, tree, plan = self.theme, self.tree, self.plan
        cols = tree.cols
        level = plan.level
        parent = plan.parent.tolist()
        kinds = plan.kind.tolist()
        lw = theme.line_width * k
        hw = theme.highlight_width * k
        normal: list[list[tuple[float, float]]] = []  # line segments, as lists of points
        marked: list[list[tuple[float, float]]] = []
        off: list[list[tuple[float, float]]] = []  # choices off the played path: thinner, highlight colour
        off_slots = tree.off_path_slots
        off_parents = {parent[s] for s in off_slots if parent[s] >= 0}
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
                (marked if s in hl else off if s in off_slots else normal).extend(p for p in pieces if p[0] != p[-1])
            elif any(tree.heights[s]):  # the root's stem, under its name
                start = cols.run_start[lv] if gap is None else gap[1]
                normal.append([xy(start, b), xy(end, b)])
            if has_children[s] and kinds[s] != lay.LANE:
                exit_ = d + tree.symbol[s] / 2
                segment = [xy(exit_, b), xy(cols.bus[lv], b)]
                (marked if s in marked_parents else off if s in off_parents else normal).append(segment)
        # Converging lanes: each shared node's vertical track, joins marked by dots.
        dots: list[tuple[float, float]] = []
        marked_dots: list[tuple[float, float]] = []
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
        if off:
            ax.add_collection(LineCollection(off, colors=theme.highlight, linewidths=_off_path_width(theme) * k,
                                             zorder=1.8, capstyle="projecting", joinstyle="miter"))
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
        draw_infosets(self, ax, k)  # members of an information set: a dashed line and the set's name

    def _text_gap(self, s: int) -> tuple[float, float]:
        """Top down: where the run of slot ``s`` breaks for its texts (depth from, to)."""
        heights = self.tree.heights[s]
        if not any(heights):
            start = self.tree.cols.run_start[self.plan.level[s]]
            return start, start
        top = self.tree.cols.run_start[self.plan.level[s]] + _PAD
        return top - _LINE_GAP, top + stacked(*heights) + _LINE_GAP

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
                (below(slot), nh, small, "normal", theme.muted))
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
    if kind == "square":  # a decision
        side = size * 0.9
        return Rectangle((cx - side / 2, cy - side / 2), side, side, **options)
    if kind == "circle":  # a chance node
        return Circle((cx, cy), r, **options)
    if kind == "triangle":  # an outcome
        # The tip points back along the incoming line (left, or up when top-down).
        if top_down:
            pts = [(cx, cy + r), (cx - r, cy - r * 0.8), (cx + r, cy - r * 0.8)]
        else:
            pts = [(cx - r, cy), (cx + r * 0.8, cy + r), (cx + r * 0.8, cy - r)]
        return Polygon(pts, closed=True, **options)
    # A collapsed stub: a small hollow circle, dashed outline.
    options.update(facecolor=theme.background, edgecolor=theme.muted, linestyle=(0, (2, 1.5)))
    return Circle((cx, cy), r, **options)


def _off_path_width(theme) -> float:
    """Choices off the path of play: the highlight's colour at half its width (at least half
    again the normal line's), so the path of play stands out and they still read as choices,
    in greyscale too."""
    return max(theme.highlight_width / 2, theme.line_width * 1.5)

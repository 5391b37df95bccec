"""A tree diagram for a slide (``draw --slide``): 13.33 x 7.5 in, no text under 9 pt.

The drawing tries, from the whole tree down to its first level, each depth of collapse
(at each depth: nothing more, then the branches taken with probability below 0.05, then
below 0.1, collapsed too) in both orientations (root on the left, root at the top), with shared nodes drawn once and
drawn once per parent, and keeps the deepest picture whose text fits the slide at 9 pt
or more; among those, the one drawn largest.  The first-level options and the
highlighted path (by default the most likely path) are never collapsed
(:func:`scenarios.render.layout.plan`'s ``keep``), and the subtitle says what was.

No matplotlib at import; the candidates are measured with :mod:`.measure`'s metrics.
"""

from __future__ import annotations

import dataclasses
import math
import warnings

from ..errors import ScenarioWarning
from . import layout as lay
from .paint import Drawing
from .place import _SMALL, build_plan
from .theme import Theme
from .view import header_texts, slide_footer, tree_view

__all__ = ["SLIDE", "MIN_SLIDE_PT", "MAX_SLIDE_SCALE", "slide_theme", "draw_slide"]

#: A 16:9 slide, inches (PowerPoint's default widescreen size).
SLIDE = (13.33, 7.5)
#: No text on a slide is smaller than this (points).
MIN_SLIDE_PT = 9.0
#: A small tree is enlarged at most this much (a slide of 25 pt text reads as a poster).
MAX_SLIDE_SCALE = 1.6
#: Margin of a slide (points): the slide's own frame gives the rest.
_SLIDE_MARGIN = 9.0
#: Label widths tried (points at 9 pt), root on the left and root at the top.
_WRAPS = {False: (135.0, 170.0, 200.0, 228.0, 250.0), True: (100.0, 125.0, 150.0)}
#: Collapsing the branches taken with probability below these is tried at every depth,
#: before collapsing a whole level.
_PRUNES = (0.05, 0.1)
#: Unshared candidates are skipped when they draw this many times the shared slots.
_UNSHARE_GROWTH = 2.5


def slide_theme(theme: Theme) -> Theme:
    """``theme`` with every text size at least :data:`MIN_SLIDE_PT` (the numbers under a
    line are drawn ``_SMALL`` times the diagram's size)."""
    size = max(theme.font_size, MIN_SLIDE_PT / _SMALL)
    return dataclasses.replace(theme, font_size=size, subtitle_size=max(theme.subtitle_size, size),
                               footer_size=max(theme.footer_size, MIN_SLIDE_PT),
                               title_size=max(theme.title_size, 18.0))


def _levels(plan: lay.Plan) -> int:
    return int(plan.level.max()) if len(plan) else 0


def draw_slide(scenario, result, *, theme: Theme, options: dict, title: str | None, legend: bool,
               footer: bool, dpi: float | None):
    """Choose and draw the slide (see the module's docstring); return the tree's axes."""
    theme = slide_theme(theme)
    width, height = SLIDE[0] * 72.0, SLIDE[1] * 72.0
    fixed_depth = options.get("depth")
    explicit = fixed_depth is not None or options.get("prune") is not None
    orientations = [True] if options.get("top_down") else [False, True]
    unshares = [True] if options.get("unshare") else [False, True]
    full = tree_view(scenario, result, **{**options, "depth": None, "prune": None, "unshare": False})
    result = full.result  # evaluated once
    deepest = _levels(build_plan(full))
    steps: list[tuple[int | None, float | None]] = [(fixed_depth, options.get("prune"))] if explicit else [
        (None, None), *((None, p) for p in _PRUNES),
        *((d, p) for d in range(deepest - 1, 0, -1) for p in (None, *_PRUNES))]
    best = None  # (scale, drawing, header): the largest drawing yet, if nothing fits
    chosen = None
    # First with the likeliest path to the most likely outcome kept (the subtitle names that
    # outcome), then, if no such picture fits at 9 pt, without it.
    rounds = [(keep, depth, prune) for keep in (True, False) for depth, prune in steps]
    for keep, depth, prune in rounds:
        if chosen is not None:
            break
        fitting: list[tuple] = []
        shared_slots = None
        for unshare in unshares:
            for top_down in orientations:
                view = tree_view(scenario, result, **{**options, "depth": depth, "prune": prune,
                                                      "unshare": unshare, "top_down": top_down},
                                 keep_likely_outcome=keep)
                plan = build_plan(view)
                if not unshare:
                    shared_slots = len(plan)
                    shared_plan = plan
                elif shared_slots is not None and (len(plan) > _UNSHARE_GROWTH * shared_slots
                                                   or not shared_plan.converge):
                    continue  # too large, or nothing shared: the same picture
                header = header_texts(view, title, plan=plan, slide=True)
                if footer:
                    header["footer"] = slide_footer(scenario)  # already short: counts the sources
                    header["footer_short"] = ""
                for wrap in _WRAPS[top_down]:  # wider labels: fewer lines, a lower tree
                    drawing = Drawing(view, plan, theme, dpi=dpi, wrap=wrap * theme.font_size / 9.0)
                    drawing.margin = _SLIDE_MARGIN
                    natural = drawing._frame(header, legend, footer, view.highlight_text)
                    scale = min(width / natural["W"], height / natural["H"], MAX_SLIDE_SCALE)
                    for _ in range(2):  # header and footer as wide as the slide at that scale
                        drawing.content_width = width / max(scale, 1.0) - 2 * _SLIDE_MARGIN
                        natural = drawing._frame(header, legend, footer, view.highlight_text)
                        scale = min(width / natural["W"], height / natural["H"], MAX_SLIDE_SCALE)
                    if best is None or scale > best[0]:
                        best = (scale, drawing, header)
                    if scale >= 1.0:
                        # Readable first: no lanes converging into a shared node, then the largest.
                        fitting.append((not plan.converge, scale, len(fitting), drawing, header))
                    if natural["W"] > width:
                        break  # wider labels only make it wider
        if fitting:
            _, scale, _, drawing, header = max(fitting, key=lambda c: (c[0], c[1], -c[2]))
            chosen = (scale, drawing, header)
    if chosen is None:
        chosen = best
    assert chosen is not None
    scale, drawing, header = chosen
    if scale < 1.0:
        warnings.warn(f"the slide's text is drawn at {theme.font_size * _SMALL * scale:.1f} pt, under "
                      f"{MIN_SLIDE_PT:g} pt: collapse more with --depth D or --prune P",
                      ScenarioWarning, stacklevel=3)
    return drawing.figure(header, width=SLIDE[0], height=SLIDE[1], legend=legend, footer=footer,
                          highlight_text=drawing.view.highlight_text, max_scale=MAX_SLIDE_SCALE)


def smallest_text(scale: float, theme: Theme) -> float:
    """The smallest text size (points) of a slide drawn at ``scale``."""
    return min(theme.font_size * _SMALL, theme.footer_size, theme.subtitle_size) * scale if \
        math.isfinite(scale) else 0.0

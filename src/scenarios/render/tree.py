"""Draw a scenario as a decision-tree diagram with matplotlib.

Decision-analysis notation: squares for decisions (filled with the deciding actor's
colour), circles for chance events, triangles for outcomes.  Along each branch, its
label above the line and its probability below; after each node, its label above the
line and its numbers below (the expected payoff to one actor with ``value=``; for an
outcome, the probability of reaching it and its payoffs).  The drawing is laid out by
:mod:`scenarios.render.layout` from the measured size of every piece of text
(:mod:`scenarios.render.measure`), so no two texts overlap and nothing is clipped; the
figure is as large as its content, or scaled to fit ``width`` x ``height``.

This module is the public entry point; the work is done in three steps, a module each:
:mod:`.view` (what to show: options checked, highlight resolved, numbers read from the
result's views), :mod:`.place` (slots, their texts and positions) and :mod:`.paint`
(matplotlib).

Everything is computed in *points* of the unscaled figure: the tree axes span exactly
the tree's extent, one data unit per point, and the header (title, subtitle, legend)
and footer (as-of date, sources) are placed around it in the same unit.

matplotlib is imported inside the functions only.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

from .. import formatting
from ..errors import (
    HighlightError,  # noqa: F401  (defined in errors.py; importable here as before)
    ScenarioError,
    ScenarioWarning,
)
from .paint import DEFAULT_DPI, MAX_PIXELS, MIN_FONT_PT, MIN_READABLE_PT, Drawing
from .place import build_plan
from .theme import Theme, get_theme
from .view import HIGHLIGHTS, header_texts, resolve_highlight, tree_view

__all__ = ["draw_tree", "tree_figure", "HIGHLIGHTS", "resolve_highlight", "format_probability",
           "format_number", "MIN_READABLE_PT", "MIN_FONT_PT", "DEFAULT_DPI", "MAX_PIXELS"]

format_probability = formatting.diagram_probability
format_number = formatting.payoff_label


def draw_tree(scenario, result=None, *, ax=None, overrides: Mapping[str, Any] | None = None,
              given: str | None = None, value: str | None = None,
              highlight: str | Sequence[str] | None = None, prune: float | None = None,
              depth: int | None = None, unshare: bool = False, top_down: bool = False,
              theme: str | Theme = "light", width: float | None = None, height: float | None = None,
              dpi: float | None = None, title: str | None = None, legend: bool = True,
              footer: bool = True, slide: bool = False):
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
    slide : bool
        A 16:9 slide (13.33 x 7.5 in) with no text under 9 pt: the orientation, the depth
        of collapse and whether shared nodes are repeated per parent are chosen to fit
        (:mod:`scenarios.render.slide`); the highlight defaults to ``likely``.
        ``width`` and ``height`` are then ignored.

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
    from .save import check_size

    check_size(width, height, dpi)  # before any font is made at that size
    theme = get_theme(theme)
    if slide and ax is None:
        from .slide import draw_slide

        options = dict(overrides=overrides, given=given, value=value,
                       highlight="likely" if highlight is None else highlight, prune=prune, depth=depth,
                       unshare=unshare, top_down=top_down)
        return draw_slide(scenario, result, theme=theme, options=options, title=title, legend=legend,
                          footer=footer, dpi=dpi)
    view = tree_view(scenario, result, overrides=overrides, given=given, value=value, highlight=highlight,
                     prune=prune, depth=depth, unshare=unshare, top_down=top_down)
    plan = build_plan(view)
    drawing = Drawing(view, plan, theme, dpi=dpi)
    if ax is not None:
        return drawing.into_axes(ax)
    return drawing.figure(header_texts(view, title, plan=plan), width=width, height=height, legend=legend,
                          footer=footer, highlight_text=view.highlight_text)


def tree_figure(scenario, result=None, **options):
    """:func:`draw_tree`, returning the Figure (for saving)."""
    return draw_tree(scenario, result, **options).figure


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
        highlight = "strategic" if result.mode == "strategic" else "likely"
    prune = NOTEBOOK_PRUNE if len(scenario.nodes) > NOTEBOOK_PRUNE_ABOVE else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScenarioWarning)
            ax = draw_tree(scenario, result, highlight=highlight, prune=prune, dpi=100.0)
            return figure_bytes(ax.figure, "png")
    except ScenarioError:  # e.g. too large even pruned: Jupyter falls back to the text repr
        return None

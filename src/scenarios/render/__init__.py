"""Diagrams and charts with matplotlib, and the one-command briefing pack.

- :func:`draw_tree` — the scenario as a decision tree (:mod:`.tree`), laid out by the pure
  tidy-tree code in :mod:`.layout` from measured text sizes (:mod:`.measure`);
  the tree is drawn in three steps: :mod:`.view` (what to show, read from the result's
  views), :mod:`.place` (slots and positions) and :mod:`.paint` (matplotlib);
- charts (:mod:`.charts`, one module per family), each drawing on a given Axes: outcome
  distribution, payoffs by option, tornado, spider, two-way map, PSA histograms and
  intervals, variant comparison;
- text pages for PDF documents (:mod:`.pages`);
- themes (:mod:`.theme`): ``light``, ``dark`` and ``print``; :func:`save_figure` writes
  any figure atomically (:mod:`.save`).

This package only draws.  The chart registry (``scenarios chart``: :data:`CHARTS`,
:func:`chart_figure`) and the briefing pack (:func:`write_report`, :class:`Report`) run
analyses, so they live in :mod:`scenarios.briefing`; their names are still importable
from here.

matplotlib is imported only when something is drawn, and pyplot only if the caller
already uses it; names here are imported on first use.
"""

from __future__ import annotations

from ..lazy import lazy_names

_EXPORTS = {
    "draw_tree": ".tree", "tree_figure": ".tree", "resolve_highlight": ".tree",
    "plan": ".layout", "tidy": ".layout", "columns": ".layout",
    "Theme": ".theme", "THEMES": ".theme", "get_theme": ".theme",
    "save_figure": ".save", "new_figure": ".save", "output_format": ".save",
    "outcome_chart": ".charts", "outcome_distribution": ".charts", "tag_chart": ".charts",
    "payoffs_by_option": ".charts", "option_chart": ".charts", "tornado": ".charts",
    "spider": ".charts", "two_way": ".charts", "psa_histograms": ".charts",
    "interval_plot": ".charts", "variant_comparison": ".charts", "tornado_chart": ".charts",
    "spider_chart": ".charts", "two_way_chart": ".charts", "psa_chart": ".charts",
    "comparison_chart": ".charts", "option_values": ".charts",
    # They run analyses, so they live in scenarios.briefing; importable here as before.
    "CHARTS": "scenarios.briefing.charts", "chart_figure": "scenarios.briefing.charts",
    "write_report": "scenarios.briefing.pack", "Report": "scenarios.briefing.pack",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_names(__name__, _EXPORTS)

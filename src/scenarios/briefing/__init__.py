"""Briefings: the analyses behind the graphics, run for the drawing code in :mod:`scenarios.render`.

- :mod:`.charts` — the chart registry: every kind of ``scenarios chart FILE KIND`` with
  its description, the analysis it runs (compute step) and its drawing (draw step);
  :func:`chart_figure` draws one by name;
- :mod:`.pack` — :func:`write_report`, the briefing pack (``scenarios report``): it
  evaluates and solves the scenario, runs the tornado of the main metric, and has the
  tree, charts and text pages drawn into a PDF and a folder with ``briefing.md``;
- :mod:`.deck` — :func:`write_deck`, the same briefing as an editable PowerPoint deck
  (``scenarios report --format pptx``) with native charts.

:mod:`scenarios.render` only draws; anything that runs an analysis for a picture lives here.
Names are imported on first use (matplotlib only when something is drawn).
"""

from __future__ import annotations

from ..lazy import lazy_names

_EXPORTS = {
    "chart_figure": ".charts", "CHARTS": ".charts", "REGISTRY": ".charts", "ChartKind": ".charts",
    "ChartRequest": ".charts", "register": ".charts",
    "write_report": ".pack", "Report": ".pack", "report_paths": ".pack",
    "write_deck": ".deck", "Deck": ".deck",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_names(__name__, _EXPORTS)

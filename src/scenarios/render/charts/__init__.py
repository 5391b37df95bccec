"""Charts for briefings: each function draws on a given matplotlib Axes and returns it.

Two layers:

- **plain charts** take simple, documented inputs (sequences, mappings, arrays), so they
  work on numbers from anywhere: :func:`outcome_distribution`, :func:`tag_probabilities`,
  :func:`payoffs_by_option`, :func:`tornado`, :func:`spider`, :func:`two_way`,
  :func:`psa_histograms`, :func:`interval_plot`, :func:`variant_comparison`;
- **adapters** read the package's results and call a plain chart:
  :func:`outcome_chart` (a :class:`~scenarios.BeliefResult`, with PSA intervals from a
  ``PSAResult``), :func:`tag_chart`, :func:`option_chart` (a decision node's options),
  :func:`tornado_chart`, :func:`spider_chart`, :func:`two_way_chart` (results of
  :mod:`scenarios.analysis.sensitivity`), :func:`psa_chart` (:mod:`scenarios.analysis.psa`)
  and :func:`comparison_chart` (:mod:`scenarios.analysis.compare`).

Every function takes ``ax=None`` (a new figure sized for the chart is made) and
``theme``.  Numbers printed on charts are the exact values, rounded for reading.
One module per family: :mod:`.outcomes` (outcomes, tags, options), :mod:`.sensitivity`
(tornado, spider, two-way), :mod:`.psa` and :mod:`.compare`.  These functions only draw:
the analyses are run by the caller, or by the chart registry
(:mod:`scenarios.briefing.charts`: ``scenarios chart FILE KIND`` and
:func:`~scenarios.briefing.charts.chart_figure`).  matplotlib is imported inside the
functions only.
"""

from __future__ import annotations

import importlib

from ...errors import UnknownChartError
from .cea import acceptability_curve, ce_plane, cea_chart
from .compare import comparison_chart, variant_comparison
from .outcomes import (
    option_chart,
    option_values,
    outcome_chart,
    outcome_distribution,
    payoffs_by_option,
    tag_chart,
    tag_probabilities,
)
from .psa import interval_plot, psa_chart, psa_histograms
from .sensitivity import spider, spider_chart, tornado, tornado_chart, two_way, two_way_chart

__all__ = ["outcome_distribution", "tag_probabilities", "payoffs_by_option", "tornado", "spider",
           "two_way", "psa_histograms", "interval_plot", "variant_comparison", "outcome_chart",
           "tag_chart", "option_chart", "option_values", "tornado_chart", "spider_chart",
           "two_way_chart", "psa_chart", "comparison_chart", "ce_plane", "acceptability_curve", "cea_chart",
           "UnknownChartError"]

#: Names that moved to the chart registry (they run analyses, which drawing code does not);
#: still readable here, imported on first use.
_MOVED = {"CHARTS": "scenarios.briefing.charts", "chart_figure": "scenarios.briefing.charts"}


def __getattr__(name: str):
    if name in _MOVED:
        return getattr(importlib.import_module(_MOVED[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

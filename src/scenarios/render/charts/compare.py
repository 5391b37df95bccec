"""Variants side by side: grouped bars, and the adapter over a
:class:`~scenarios.analysis.compare.Comparison`."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...errors import UnknownChartError
from ..theme import Theme, get_theme
from ._common import (
    _axes,
    _bar_style,
    _fmt,
    _legend,
    _room_for_labels,
    _title,
    _wrap,
)

# -- variants ------------------------------------------------------------------------------------

def variant_comparison(variants: Sequence[str], rows: Sequence[str], values, *, xlabel: str = "value",
                       ax=None, theme: str | Theme = "light", title: str | None = None):
    """Grouped horizontal bars: ``values[r][v]`` is quantity ``rows[r]`` in variant ``variants[v]``.

    Missing values (None or NaN) are left out and marked "n/a".

    >>> ax = variant_comparison(["base", "hawkish"], ["war", "peace"], [[0.2, 0.4], [0.8, None]])
    >>> sorted(round(float(p.get_width()), 2) for p in ax.patches)
    [0.2, 0.4, 0.8]
    """
    theme = get_theme(theme)
    table = np.array([[np.nan if v is None else float(v) for v in row] for row in values], dtype=float)
    table = table.reshape(len(rows), len(variants))
    ax = _axes(ax, theme, len(rows) * (0.5 + 0.3 * len(variants)))
    styles = theme.categories(list(variants))
    height = 0.8 / max(1, len(variants))
    y = np.arange(len(rows))
    texts = []
    for v, name in enumerate(variants):
        pos = y - 0.4 + height * (v + 0.5)
        present = ~np.isnan(table[:, v])
        ax.barh(pos[present], table[present, v], height=height * 0.92, label=name, zorder=2,
                **_bar_style(theme, styles[name]))
        for yy, value, ok in zip(pos, table[:, v], present, strict=False):
            text = _fmt(float(value)) if ok else "n/a"
            x = value if ok else 0.0
            texts.append(ax.text(x, yy, f" {text} ", va="center",
                                 ha="left" if (not ok or value >= 0) else "right", color=theme.text,
                                 fontsize=theme.font_size - 1.5, zorder=4))
    ax.axvline(0, color=theme.line, linewidth=0.8, zorder=1)
    ax.set_yticks(y, [_wrap(r) for r in rows])
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", color=theme.grid, linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)
    _legend(ax, theme, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    _title(ax, theme, title)
    _room_for_labels(ax, texts)
    return ax


def comparison_chart(comparison, section: str = "outcomes", *, ax=None, theme: str | Theme = "light",
                     title: str | None = None, top: int | None = 20):
    """A :class:`~scenarios.analysis.compare.Comparison`: ``section`` is ``outcomes``, ``tags``,
    ``expected_payoffs`` or ``solved_payoffs``."""
    sections = {"outcomes": "probability", "tags": "probability of ending in an outcome with the tag",
                "expected_payoffs": "expected payoff (belief mode)",
                "solved_payoffs": "expected payoff (strategic solution)"}
    if section not in sections:
        raise UnknownChartError(f"comparison section {section!r}: choose {', '.join(sections)}")
    rows = list(getattr(comparison, section))[: top if top else None]
    return variant_comparison(list(comparison.names), [r.label for r in rows], [r.values for r in rows],
                              xlabel=sections[section], ax=ax, theme=theme,
                              title=title if title is not None else
                              f"Variants compared: {sections[section]}")

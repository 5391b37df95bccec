"""The evidence timeline: P(tag) over the dates of a scenario's evidence, events marked.

:func:`timeline_lines` is the plain chart (dates, one series per tag, the events);
:func:`timeline_chart` reads a :class:`~scenarios.analysis.timeline.Timeline`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..theme import Theme, get_theme
from ._common import _axes, _fmt, _line_styles, _title, _wrap

__all__ = ["timeline_lines", "timeline_chart"]


def timeline_lines(dates: Sequence[str], series: Mapping[str, Sequence[float]], *,
                   events: Mapping[int, str] | None = None, ylabel: str = "probability", ax=None,
                   theme: str | Theme = "light", title: str | None = None, note: str | None = None):
    """One line per series over ``dates`` (categorical, evenly spaced), the last value labelled;
    ``events[i]`` marks position ``i`` with a dotted vertical line and a short label.

    >>> ax = timeline_lines(["as written", "02-17", "02-21"], {"war": [0.3, 0.4, 0.6]}, events={1: "incidents"})
    >>> [round(float(y), 2) for y in ax.lines[0].get_ydata()]
    [0.3, 0.4, 0.6]
    """
    from matplotlib.transforms import offset_copy

    theme = get_theme(theme)
    ax = _axes(ax, theme, 9, width=10.0)
    x = np.arange(len(dates))
    styles = _line_styles(theme, list(series))
    shift = side_by_side(series)
    ends = []
    for k, (name, values) in enumerate(series.items()):
        color, dash = styles[name]
        y = np.asarray(values, dtype=float)
        # Lines that run together are drawn side by side (a point or two apart), not on top
        # of one another; the data, and the values labelled, stay exact.
        moved = offset_copy(ax.transData, ax.figure, x=0.0, y=shift[name], units="points")
        ax.plot(x, y, color=color, linestyle=dash, linewidth=2.0, marker=_MARKERS[k % len(_MARKERS)],
                markersize=4.5, label=name, zorder=3, transform=moved)
        ends.append((float(y[-1]), name, color))
    placed: list[float] = []  # end labels, nudged apart so that equal values stay readable
    for value, name, color in sorted(ends):
        at = max([value] + [p + 0.04 for p in placed[-1:]])
        placed.append(at)
        ax.text(x[-1] + 0.12, at, f"{_fmt(value)} {name}", va="center", ha="left", color=color,
                fontsize=theme.font_size - 1.5, zorder=4)
    for i, label in (events or {}).items():
        ax.axvline(i, color=theme.muted, linewidth=0.9, linestyle=(0, (1.5, 2)), zorder=1)
        ax.text(i, 1.015, _wrap(label, 14), transform=ax.get_xaxis_transform(), rotation=0, ha="center",
                va="bottom", color=theme.muted, fontsize=theme.font_size - 2, zorder=4)
    ax.set_xticks(x, [_wrap(d, 10) for d in dates])
    ax.set_xlim(-0.3, len(dates) + 0.6)
    ax.set_ylim(-0.02, 1.0)  # a line at 0 stays clear of the axis
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", color=theme.grid, linewidth=0.6, zorder=0)
    _title(ax, theme, title)
    if note:
        ax.set_xlabel(_wrap(note, 140), fontsize=theme.font_size - 1.5, color=theme.muted)
    return ax


#: One marker per series, so that lines told apart by colour are told apart without it too.
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">")
#: Distance (points) between neighbouring lines drawn side by side: the line width.
_SIDE_BY_SIDE = 2.0


def side_by_side(series: Mapping[str, Sequence[float]]) -> dict[str, float]:
    """A vertical offset in points per series: 0, except for series sharing a segment with
    another (both ends equal), which are spread :data:`_SIDE_BY_SIDE` apart about 0.

    >>> side_by_side({"a": [0.1, 0.2], "b": [0.3, 0.2], "c": [0.5, 0.2], "d": [0.3, 0.2]})
    {'a': 0.0, 'b': -1.0, 'c': 0.0, 'd': 1.0}
    """
    names = list(series)
    values = [np.asarray(series[n], dtype=float) for n in names]
    group = list(range(len(names)))  # union-find over "shares a segment with"

    def root(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            same = np.isclose(values[i], values[j], rtol=0.0, atol=1e-9)
            if len(same) > 1 and np.any(same[1:] & same[:-1]):
                group[root(j)] = root(i)
    members: dict[int, list[int]] = {}
    for i in range(len(names)):
        members.setdefault(root(i), []).append(i)
    out = {n: 0.0 for n in names}
    for ids in members.values():
        if len(ids) > 1:
            for j, i in enumerate(ids):
                out[names[i]] = round((j - (len(ids) - 1) / 2) * _SIDE_BY_SIDE, 6)
    return out


def timeline_chart(timeline, tags: Sequence[str] | None = None, *, labels: Mapping[str, str] | None = None,
                   ax=None, theme: str | Theme = "light", title: str | None = None, name: str | None = None):
    """A :class:`~scenarios.analysis.timeline.Timeline`: P(tag) for ``tags`` (default every tag
    that moves), the dates where the conditioning node changes marked with that node's label
    (``labels``: node id -> label).  The default title names the scenario by ``name`` (its
    title; default its id)."""
    rows = timeline.rows
    all_tags = list(rows[0].tags)
    chosen = list(tags) if tags else [t for t in all_tags if max(r.tags[t] for r in rows) - min(r.tags[t] for r in rows)
                                      > 1e-9] or all_tags
    dates = ["as written" if i == 0 else r.date[5:] for i, r in enumerate(rows)]
    events = {}
    for i in range(1, len(rows)):
        if rows[i].given != rows[i - 1].given and rows[i].given:
            events[i] = (labels or {}).get(rows[i].given, rows[i].given).split(":")[0]
        elif rows[i].overrides != rows[i - 1].overrides:
            events[i] = "estimates revised"
    year = rows[-1].date[:4] if len(rows) > 1 else ""
    return timeline_lines(dates, {t: [r.tags[t] for r in rows] for t in chosen}, events=events,
                          ylabel="probability of ending in an outcome with the tag", ax=ax, theme=theme,
                          title=title if title is not None else
                          f"How the picture moved with the evidence ({name or timeline.scenario})",
                          note="Dates in " + year + ". Illustrative judgments for teaching, not forecasts: each "
                          "date conditions on what had happened by then (marked) and revises the estimates as "
                          "the scenario's evidence list says.")

"""What every chart shares: axes and figure sizing, styling, legends, titles, number
labels, and room for labels.  matplotlib is imported inside the functions only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ... import formatting
from ..theme import Theme

_WRAP = 34  # characters per line of a category label

#: Numbers given as a sequence or an array (the charts convert them with ``np.asarray``).
Floats = Sequence[float] | np.ndarray

# -- helpers ------------------------------------------------------------------------------------

_fmt = formatting.chart_number

def _wrap(label: str, width: int = _WRAP) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(str(label), width, break_long_words=True)) or str(label)


def _axes(ax, theme: Theme, rows: float = 6, *, width: float = 8.0, per_row: float = 0.42,
          min_height: float = 3.2):
    """The caller's axes, or new ones on a figure sized for ``rows`` rows."""
    if ax is not None:
        _style(ax, theme)
        return ax
    from ..save import new_figure

    height = max(min_height, 1.3 + per_row * rows)
    fig = new_figure(width, height, 150, facecolor=theme.background)
    fig.set_layout_engine("constrained")
    fig._scenarios_chart = True  # ours: the title goes on the figure, wrapped to its width
    ax = fig.add_subplot()
    _style(ax, theme)
    return ax


def _style(ax, theme: Theme) -> None:
    ax.set_facecolor(theme.background)
    ax.figure.set_facecolor(theme.background)
    for side, spine in ax.spines.items():
        spine.set_color(theme.line)
        spine.set_visible(side in ("left", "bottom"))
    ax.tick_params(colors=theme.text, labelsize=theme.font_size, labelcolor=theme.text)
    ax.xaxis.label.set_color(theme.text)
    ax.yaxis.label.set_color(theme.text)
    ax.title.set_color(theme.text)
    for label in ax.get_xticklabels() + ax.get_yticklabels():
        label.set_fontfamily(list(theme.font_family))


def _legend(ax, theme: Theme, **options):
    legend = ax.legend(frameon=False, fontsize=theme.font_size - 0.5, labelcolor=theme.text, **options)
    return legend


def _title(ax, theme: Theme, title: str | None) -> None:
    """The chart's title, wrapped to the width it has: the figure's if the figure is ours
    (a left-aligned figure title), else the axes' width."""
    if not title:
        return
    from ..measure import TextMetrics

    fig = ax.figure
    size = theme.font_size + 2
    metrics = TextMetrics(fig.dpi, family=theme.font_family)
    if getattr(fig, "_scenarios_chart", False):
        width = fig.get_figwidth() * 72.0 - 24.0
        fig.suptitle(metrics.wrap(title, width, size, "bold"), x=0.015, ha="left", color=theme.text,
                     fontsize=size, fontweight="bold", fontfamily=list(theme.font_family))
    else:
        width = ax.get_position().width * fig.get_figwidth() * 72.0
        ax.set_title(metrics.wrap(title, width, size, "bold"), color=theme.text, fontsize=size,
                     loc="left", fontweight="bold", fontfamily=list(theme.font_family))


def _outside_legend(ax, theme: Theme, **options):
    """A legend to the right of the axes, where it cannot cover bars or labels."""
    return _legend(ax, theme, loc="upper left", bbox_to_anchor=(1.01, 1.0), **options)


def _line_styles(theme: Theme, keys: Sequence[str]) -> dict[str, tuple[str, Any]]:
    """A (colour, dash) per key: colours first, then dashes once the colours run out (print:
    dashes and greys only)."""
    dashes = ["-", (0, (5, 2)), (0, (1.5, 1.5)), (0, (6, 2, 1.5, 2)), (0, (9, 3))]
    out = {}
    if theme.greyscale:
        greys = ["#000000", "#555555", "#999999"]
        for k, key in enumerate(keys):
            out[key] = (greys[(k // len(dashes)) % len(greys)], dashes[k % len(dashes)])
        return out
    colours = theme.palette
    for k, key in enumerate(keys):
        out[key] = (colours[k % len(colours)], dashes[(k // len(colours)) % len(dashes)])
    return out


def _bar_style(theme: Theme, style) -> dict:
    return {"color": style.face, "hatch": style.hatch or None,
            "edgecolor": theme.text if theme.greyscale else "none",
            "linewidth": 0.6 if theme.greyscale else 0.0}


def _room_for_labels(ax, texts, *, axis: str = "x") -> None:
    """Widen the data limits until every text in ``texts`` lies inside the axes."""
    if not texts:
        return
    fig = ax.figure
    for _ in range(4):
        fig.draw_without_rendering()  # run the layout engine: the axes' final size matters
        renderer = fig.canvas.get_renderer()
        inv = ax.transData.inverted()
        lo, hi = ax.get_xlim() if axis == "x" else ax.get_ylim()
        new_lo, new_hi = lo, hi
        for t in texts:
            box = t.get_window_extent(renderer)
            (x0, y0), (x1, y1) = inv.transform([(box.x0, box.y0), (box.x1, box.y1)])
            a, b = (x0, x1) if axis == "x" else (y0, y1)
            new_lo, new_hi = min(new_lo, a, b), max(new_hi, a, b)
        if new_lo >= lo and new_hi <= hi:
            return
        pad = 0.02 * (new_hi - new_lo)
        limits = (new_lo - (pad if new_lo < lo else 0), new_hi + (pad if new_hi > hi else 0))
        ax.set_xlim(*limits) if axis == "x" else ax.set_ylim(*limits)


def _finish_horizontal_bars(ax, theme: Theme, ticks, labels, xlabel: str, title: str | None, texts) -> None:
    """The common ending of a horizontal bar chart: one row per label, top row first, a light
    vertical grid behind the bars, the legend outside, the title, and room for value labels."""
    ax.set_yticks(ticks, labels)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", color=theme.grid, linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)
    _outside_legend(ax, theme)
    _title(ax, theme, title)
    _room_for_labels(ax, texts)

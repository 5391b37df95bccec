"""Sensitivity charts: tornado, spider and two-way map, and their adapters over
:mod:`scenarios.analysis.sensitivity` results."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..theme import Theme, get_theme
from ._common import (
    Floats,
    _axes,
    _bar_style,
    _finish_horizontal_bars,
    _fmt,
    _legend,
    _line_styles,
    _title,
    _wrap,
)

# -- tornado -------------------------------------------------------------------------------------

def tornado(names: Sequence[str], low: Floats, high: Floats, base: float, *,
            low_values: Sequence[float] | None = None, high_values: Sequence[float] | None = None,
            metric_label: str = "metric", ax=None, theme: str | Theme = "light",
            title: str | None = None, sort: bool = True):
    """A tornado diagram: for each variable, the metric at its low and high end around the base.

    Parameters
    ----------
    names : sequence of str
        The variables.
    low, high : sequences of float
        The metric with the variable at its low and at its high end (others at base).
    base : float
        The metric at the base case (the bars' common axis).
    low_values, high_values : sequences of float, optional
        The variable's low and high values, printed beside the bars.
    sort : bool
        Widest swing at the top (the tornado shape); False keeps the order given.

    >>> ax = tornado(["a", "b"], [1, 4], [3, 8], 5.0)
    >>> [t.get_text() for t in ax.get_yticklabels()]  # b swings 4, a swings 2
    ['b', 'a']
    """
    theme = get_theme(theme)
    low = np.asarray(low, dtype=float)
    high = np.asarray(high, dtype=float)
    order = np.argsort(-np.abs(high - low), kind="stable") if sort else np.arange(len(names))
    ax = _axes(ax, theme, len(names), per_row=0.5)
    low_style, high_style = theme.category(0), theme.category(1)
    texts = []
    for row, i in enumerate(order):
        for value, style, name in ((low[i], low_style, "variable at its low end"),
                                   (high[i], high_style, "variable at its high end")):
            ax.barh(row, value - base, left=base, height=0.62, zorder=2,
                    label=name if row == 0 else None, **_bar_style(theme, style))
        ends = []
        for value, setting, word in ((low[i], low_values, "low"), (high[i], high_values, "high")):
            at = _fmt(float(value))
            if setting is not None:
                at = f"{_fmt(float(setting[i]))} → {at}"
            ends.append((value, at, word))
        (lo_v, lo_t, _), (hi_v, hi_t, _) = ends
        if (lo_v >= base) == (hi_v >= base):  # both on one side: one label at the far end
            far = max(lo_v, hi_v) if lo_v >= base else min(lo_v, hi_v)
            labels = [(far, f"low {lo_t} · high {hi_t}")]
        else:
            labels = [(lo_v, lo_t), (hi_v, hi_t)]
        for value, text in labels:
            right = value >= base
            texts.append(ax.text(value, row, f"  {text}  ", va="center", ha="left" if right else "right",
                                 color=theme.text, fontsize=theme.font_size - 1, zorder=4))
    ax.axvline(base, color=theme.text, linewidth=1.0, zorder=3)
    _finish_horizontal_bars(ax, theme, np.arange(len(order)), [_wrap(names[i], 48) for i in order],
                            f"{metric_label} (base {_fmt(float(base))}); labels: variable value → metric",
                            title, texts)
    return ax


def tornado_chart(result, *, ax=None, theme: str | Theme = "light", title: str | None = None, top: int | None = 15):
    """A :class:`~scenarios.analysis.sensitivity.TornadoResult` as a tornado (widest ``top`` bars)."""
    bars = list(result.bars)[: top if top else None]
    label = getattr(result, "metric_label", "metric")
    return tornado(_words(result, [b.variable.name for b in bars]), [b.metric_low for b in bars],
                   [b.metric_high for b in bars], result.base_metric,
                   low_values=[b.variable.low for b in bars], high_values=[b.variable.high for b in bars],
                   metric_label=label, ax=ax, theme=theme,
                   title=title if title is not None else f"One-way sensitivity of the {label}")


def _words(result, names: list[str]) -> list[str]:
    """Words over names: each parameter's label (:func:`scenarios.labels.parameter_labels`)."""
    from ...labels import parameter_labels

    scenario = getattr(result, "scenario", None)
    return parameter_labels(scenario, names, _LABEL_CHARS) if scenario is not None else list(names)


#: A chart's parameter label is cut (at a word, with '…') to this many characters.
_LABEL_CHARS = 90


# -- spider --------------------------------------------------------------------------------------

def spider(series: Mapping[str, tuple[Sequence[float], Sequence[float]]], *, base: float | None = None,
           base_values: Mapping[str, float] | None = None, metric_label: str = "metric", ax=None,
           theme: str | Theme = "light", title: str | None = None):
    """A spider plot: the metric as each variable moves across its range, the others at base.

    ``series[name] = (values, metric)``.  The x axis is the position in each variable's
    range (0 its low end, 1 its high end), so variables of any unit share one axis; the
    ends are labelled with the actual values.  ``base_values[name]`` marks each base.

    >>> ax = spider({"a": ([0, 1, 2], [1, 2, 3]), "b": ([10, 20], [3, 1])}, base=2)
    >>> len(ax.lines)
    3
    """
    theme = get_theme(theme)
    ax = _axes(ax, theme, 8, width=9.0)
    styles = _line_styles(theme, list(series))
    for name, (given, metric) in series.items():
        values = np.asarray(given, dtype=float)
        span = values.max() - values.min()
        x = (values - values.min()) / span if span else np.zeros_like(values)
        color, dash = styles[name]
        label = f"{name} ({_fmt(float(values.min()))} to {_fmt(float(values.max()))})"
        ax.plot(x, metric, color=color, linewidth=1.8, marker="o", markersize=3.5, label=_wrap(label, 40),
                linestyle=dash, zorder=3)
        if base_values and name in base_values and span:
            bx = (base_values[name] - values.min()) / span
            ax.plot([bx], [np.interp(bx, x, metric)], marker="D", color=color, markersize=5, zorder=4)
    if base is not None:
        ax.axhline(base, color=theme.muted, linewidth=0.9, linestyle=(0, (3, 2)), zorder=1,
                   label=f"base {_fmt(float(base))}")
    ax.set_xlim(-0.03, 1.03)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1], ["low", "", "middle", "", "high"])
    ax.set_xlabel("position of the variable in its range")
    ax.set_ylabel(metric_label)
    ax.grid(color=theme.grid, linewidth=0.6, zorder=0)
    _legend(ax, theme, loc="center left", bbox_to_anchor=(1.01, 0.5))
    _title(ax, theme, title)
    return ax


def spider_chart(result, *, ax=None, theme: str | Theme = "light", title: str | None = None,
                 top: int | None = 8):
    """A :class:`~scenarios.analysis.sensitivity.SpiderResult` as a spider plot of the ``top``
    variables that move the metric most (None: all)."""
    label = getattr(result, "metric_label", "metric")
    lines = sorted(result.lines, key=lambda line: -(max(line.metric) - min(line.metric)))
    lines = lines[: top if top else None]
    words = dict(zip([line.variable.name for line in lines],
                     _words(result, [line.variable.name for line in lines]), strict=True))
    return spider({words[line.variable.name]: (line.values, line.metric) for line in lines},
                  base=result.base_metric,
                  base_values={words[line.variable.name]: line.variable.base for line in lines},
                  metric_label=label, ax=ax, theme=theme,
                  title=title if title is not None else f"Spider plot of the {label}")


# -- two-way map ---------------------------------------------------------------------------------

def two_way(xs: Floats, ys: Floats, choices, *, x_label: str = "x",
            y_label: str = "y", option_labels: Mapping[Any, str] | None = None, metric=None,
            base: tuple[float, float] | None = None, ax=None, theme: str | Theme = "light",
            title: str | None = None):
    """A two-way sensitivity map: the region of the (x, y) plane where each option is chosen.

    ``choices[j][i]`` is the option chosen at ``x = xs[i]``, ``y = ys[j]`` (any hashable;
    ``option_labels`` names them).  ``metric`` (same shape) adds labelled contour lines;
    ``base`` marks the base case.

    >>> ax = two_way([0, 1], [0, 1], [["a", "b"], ["a", "a"]], option_labels={"a": "A", "b": "B"})
    >>> sorted(t.get_text() for t in ax.get_legend().get_texts())
    ['A', 'B']
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    theme = get_theme(theme)
    xs = np.asarray(xs, dtype=float)
    ys = np.asarray(ys, dtype=float)
    grid = [list(row) for row in choices]
    options = list(dict.fromkeys(c for row in grid for c in row))
    names = {o: (option_labels or {}).get(o, str(o)) for o in options}
    codes = np.array([[options.index(c) for c in row] for row in grid], dtype=float)
    ax = _axes(ax, theme, 10, width=7.5)
    styles = theme.categories([str(o) for o in options])
    cmap = ListedColormap([styles[str(o)].face for o in options])

    def edges(v):
        if len(v) == 1:
            return np.array([v[0] - 0.5, v[0] + 0.5])
        mid = (v[1:] + v[:-1]) / 2
        return np.concatenate(([v[0] - (mid[0] - v[0])], mid, [v[-1] + (v[-1] - mid[-1])]))

    alpha = 1.0 if theme.greyscale else 0.75  # lighter, so contours and labels read on top
    ax.pcolormesh(edges(xs), edges(ys), codes, cmap=cmap, vmin=-0.5, vmax=len(options) - 0.5,
                  shading="flat", zorder=1, alpha=alpha)
    if theme.greyscale:  # hatch each region so it survives a photocopier
        for k, o in enumerate(options):
            mask = np.where(codes == k, 1.0, np.nan)
            if styles[str(o)].hatch:
                ax.pcolor(edges(xs), edges(ys), np.ma.masked_invalid(mask), hatch=styles[str(o)].hatch,
                          facecolor="none", edgecolor=theme.text, linewidth=0, zorder=2)
    if metric is not None and len(xs) > 1 and len(ys) > 1:
        contour = ax.contour(xs, ys, np.asarray(metric, dtype=float), levels=6, colors=theme.text,
                             linewidths=0.7, zorder=3)
        ax.clabel(contour, fontsize=theme.font_size - 1.5, fmt=lambda v: _fmt(float(v)))
    if base is not None:
        ax.plot([base[0]], [base[1]], marker="*", markersize=12, color=theme.text,
                markeredgecolor=theme.background, zorder=5, linestyle="none", label="base case")
    handles = [Patch(facecolor=styles[str(o)].face, hatch=styles[str(o)].hatch or None, alpha=alpha,
                     edgecolor=theme.text if theme.greyscale else "none", label=_wrap(names[o], 30))
               for o in options]
    if base is not None:
        handles += ax.get_legend_handles_labels()[0]
    ax.legend(handles=handles, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0),
              fontsize=theme.font_size - 0.5, labelcolor=theme.text, title="choice",
              title_fontsize=theme.font_size - 0.5)
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.set_xlim(edges(xs)[0], edges(xs)[-1])
    ax.set_ylim(edges(ys)[0], edges(ys)[-1])
    _title(ax, theme, title)
    return ax


def two_way_chart(result, *, ax=None, theme: str | Theme = "light", title: str | None = None):
    """A :class:`~scenarios.analysis.sensitivity.GridResult` as a two-way map of the choice."""
    scenario = result.scenario
    labels = None
    if result.node is not None:
        labels = {b.to: b.label for b in scenario.nodes[result.node].branches}
        choices = result.choices
        what = f"choice at {scenario.nodes[result.node].label}"
    else:  # no decision to map: bands of the metric instead
        choices = [[_fmt(float(v), 2) for v in row] for row in result.metric_grid]
        what = result.metric_label
    x_label, y_label = _words(result, [result.x.name, result.y.name])
    return two_way(result.xs, result.ys, choices, x_label=x_label, y_label=y_label,
                   option_labels=labels, metric=result.metric_grid,
                   base=(result.x.base, result.y.base), ax=ax, theme=theme,
                   title=title if title is not None else
                   f"Two-way sensitivity: {what} (contours: {result.metric_label})")

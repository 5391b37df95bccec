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
:func:`chart_figure` draws any chart of :data:`CHARTS` by name, for the command line.
matplotlib is imported inside the functions only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .. import formatting
from ..errors import (
    UnknownChartError,  # noqa: F401  (defined in errors.py; importable here as before)
    UnknownNameError,
)
from .theme import Theme, get_theme

__all__ = ["outcome_distribution", "tag_probabilities", "payoffs_by_option", "tornado", "spider",
           "two_way", "psa_histograms", "interval_plot", "variant_comparison", "outcome_chart",
           "tag_chart", "option_chart", "option_values", "tornado_chart", "spider_chart",
           "two_way_chart", "psa_chart", "comparison_chart", "CHARTS", "chart_figure",
           "UnknownChartError"]

_WRAP = 34  # characters per line of a category label


# -- helpers ------------------------------------------------------------------------------------

_fmt = formatting.chart_number

def _wrap(label: str, width: int = _WRAP) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(str(label), width, break_long_words=True)) or str(label)


def _axes(ax, theme: Theme, rows: int = 6, *, width: float = 8.0, per_row: float = 0.42,
          min_height: float = 3.2):
    """The caller's axes, or new ones on a figure sized for ``rows`` rows."""
    if ax is not None:
        _style(ax, theme)
        return ax
    from .save import new_figure

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
    from .measure import TextMetrics

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


# -- outcome distribution --------------------------------------------------------------------

def outcome_distribution(labels: Sequence[str], probabilities: Sequence[float], *,
                         groups: Sequence[str | None] | None = None,
                         intervals: Sequence[tuple[float, float]] | None = None, ax=None,
                         theme: str | Theme = "light", title: str | None = None,
                         xlabel: str = "probability", legend: bool = True):
    """Horizontal bars, one per outcome, in the order given (the first at the top).

    Parameters
    ----------
    labels, probabilities : sequences
        One entry per outcome.
    groups : sequence, optional
        A group per outcome (e.g. its first tag): bars are coloured by group, with a legend.
    intervals : sequence of (low, high), optional
        Uncertainty intervals (e.g. PSA 5 % and 95 % quantiles), drawn as error bars.
    ax, theme, title, xlabel
        As for every chart.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = outcome_distribution(["Stay out", "Share", "War"], [0.5, 0.35, 0.15])
    >>> [round(float(p.get_width()), 2) for p in ax.patches]
    [0.5, 0.35, 0.15]
    """
    theme = get_theme(theme)
    labels = [_wrap(x) for x in labels]
    probabilities = np.asarray(probabilities, dtype=float)
    if len(labels) != len(probabilities):
        raise ValueError("outcome_distribution: one probability per label")
    lines = sum(x.count("\n") + 1 for x in labels)
    ax = _axes(ax, theme, max(len(labels), lines * 0.8))
    y = np.arange(len(labels))
    keys = [g if g is not None else "(no tag)" for g in groups] if groups is not None else None
    styles = theme.categories(list(dict.fromkeys(keys))) if keys is not None else None
    texts = []
    seen = set()
    for i, (label, p) in enumerate(zip(labels, probabilities, strict=False)):
        if keys is not None:
            style = styles[keys[i]]
            options = _bar_style(theme, style)
            name = keys[i] if keys[i] not in seen else None
            seen.add(keys[i])
        else:
            options = _bar_style(theme, theme.category(0))
            name = None
        ax.barh(y[i], p, height=0.66, label=name, zorder=2, **options)
    if intervals is not None:
        lows = np.array([iv[0] for iv in intervals], dtype=float)
        highs = np.array([iv[1] for iv in intervals], dtype=float)
        ax.errorbar(probabilities, y, xerr=[np.maximum(probabilities - lows, 0),
                                            np.maximum(highs - probabilities, 0)],
                    fmt="none", ecolor=theme.text, elinewidth=1.0, capsize=3, zorder=3)
        ends = np.maximum(probabilities, highs)
    else:
        ends = probabilities
    for i, p in enumerate(probabilities):
        text = _fmt(float(p))
        if intervals is not None:
            text += f"  ({_fmt(float(intervals[i][0]))} to {_fmt(float(intervals[i][1]))})"
        texts.append(ax.text(ends[i], y[i], "  " + text, va="center", ha="left", color=theme.text,
                             fontsize=theme.font_size - 0.5, zorder=4))
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, max(1e-9, float(np.max(ends)) * 1.05) if len(ends) else 1)
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", color=theme.grid, linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)
    if keys is not None and legend:
        _outside_legend(ax, theme, title="first tag", title_fontsize=theme.font_size - 0.5)
    _title(ax, theme, title)
    _room_for_labels(ax, texts)
    return ax


def tag_probabilities(tags: Sequence[str], probabilities: Sequence[float], *,
                      intervals: Sequence[tuple[float, float]] | None = None, ax=None,
                      theme: str | Theme = "light", title: str | None = None):
    """Probability of ending in an outcome carrying each tag (tags overlap: no sum to 1).

    >>> ax = tag_probabilities(["entry", "no-entry"], [0.5, 0.5])
    >>> ax.get_xlabel()
    'probability of ending in an outcome with the tag'
    """
    return outcome_distribution(tags, probabilities, groups=list(tags), intervals=intervals, ax=ax,
                                theme=theme, title=title, legend=False,
                                xlabel="probability of ending in an outcome with the tag")


def outcome_chart(result, *, psa=None, ax=None, theme: str | Theme = "light", top: int | None = 25,
                  title: str | None = None):
    """The outcome distribution of a belief or solve result, coloured by each outcome's first tag.

    ``psa`` (a ``PSAResult`` of the same scenario) adds 5–95 % intervals.  ``top`` keeps
    the most probable outcomes (None: all).

    >>> import scenarios
    >>> ax = outcome_chart(scenarios.load("entry-deterrence").evaluate())
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['Entrant stays out', 'Shared market', 'Price war']
    """
    rows = list(result.outcomes)[: top if top else None]
    groups = [o.tags[0] if o.tags else None for o in rows]
    intervals = None
    if psa is not None:
        summaries = psa.outcomes
        intervals = [(summaries[o.id].q05, summaries[o.id].q95) for o in rows]
    mode = "strategic solution" if result.mode == "strategic" else "belief mode"
    return outcome_distribution([o.label for o in rows], [o.probability for o in rows],
                                groups=groups if any(groups) else None, intervals=intervals, ax=ax,
                                theme=theme,
                                title=title if title is not None else f"Outcomes ({mode})")


def tag_chart(result, *, psa=None, ax=None, theme: str | Theme = "light", title: str | None = None):
    """The tag probabilities of a belief or solve result (with PSA intervals if given)."""
    tags = dict(sorted(result.tags.items(), key=lambda kv: -kv[1]))  # most probable first
    intervals = [(psa.tags[t].q05, psa.tags[t].q95) for t in tags] if psa is not None else None
    return tag_probabilities(list(tags), list(tags.values()), intervals=intervals, ax=ax, theme=theme,
                             title=title if title is not None else
                             "Probability of ending in an outcome with each tag")


# -- payoffs by option -------------------------------------------------------------------------

def payoffs_by_option(options: Sequence[str], actors: Sequence[str], values, *,
                      chosen: int | None = None, colors: Sequence[str | None] | None = None, ax=None,
                      theme: str | Theme = "light", title: str | None = None):
    """Grouped horizontal bars: ``values[i][a]`` is the expected payoff of option ``i`` to actor ``a``.

    ``chosen`` marks one option (e.g. the strategic choice) with "(chosen)".

    >>> ax = payoffs_by_option(["Fight", "Accommodate"], ["Entrant", "Incumbent"], [[-1, -1], [1, 1]])
    >>> sorted(round(float(p.get_width()), 2) for p in ax.patches)
    [-1.0, -1.0, 1.0, 1.0]
    """
    theme = get_theme(theme)
    values = np.asarray(values, dtype=float).reshape(len(options), len(actors))
    labels = [_wrap(o) + ("\n(chosen)" if chosen == i else "") for i, o in enumerate(options)]
    ax = _axes(ax, theme, len(options) * (0.6 + 0.35 * len(actors)))
    styles = theme.categories(list(actors), dict(zip(actors, colors, strict=False)) if colors else None)
    height = 0.8 / max(1, len(actors))
    y = np.arange(len(options))
    texts = []
    for a, actor in enumerate(actors):
        pos = y - 0.4 + height * (a + 0.5)
        ax.barh(pos, values[:, a], height=height * 0.92, label=actor, zorder=2,
                **_bar_style(theme, styles[actor]))
        for yy, v in zip(pos, values[:, a], strict=False):
            texts.append(ax.text(v, yy, f" {_fmt(float(v))} " if v >= 0 else f" {_fmt(float(v))} ",
                                 va="center", ha="left" if v >= 0 else "right", color=theme.text,
                                 fontsize=theme.font_size - 1, zorder=4))
    ax.axvline(0, color=theme.line, linewidth=0.8, zorder=1)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel("expected payoff")
    ax.grid(axis="x", color=theme.grid, linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)
    _outside_legend(ax, theme)
    _title(ax, theme, title)
    _room_for_labels(ax, texts)
    return ax


def option_values(scenario, node: str, result=None) -> tuple[list[str], list[str], np.ndarray]:
    """Expected payoff of each option at decision ``node`` to every actor (from ``result``).

    An option's value is its branch payoff plus the child's expected value from there on,
    under the same weights as ``result`` (belief or strategic).  Returns option labels,
    actor names and the (options x actors) array.

    >>> import scenarios
    >>> s = scenarios.load("entry-deterrence")
    >>> option_values(s, "response", s.solve())[2].tolist()
    [[-1.0, -1.0], [1.0, 1.0]]
    """
    from ..engine.bind import bind

    if node not in scenario.nodes:
        import difflib

        close = difflib.get_close_matches(str(node), list(scenario.nodes), n=1)
        raise UnknownNameError(f"--node {node}: unknown node" + (f" (did you mean {close[0]!r}?)" if close else ""))
    if not scenario.nodes[node].branches:
        raise UnknownNameError(f"--node {node}: an outcome has no options; give a decision or chance node")
    result = result if result is not None else scenario.evaluate(top=0)
    compiled = scenario.compiled
    bound = bind(scenario, result.overrides or None)
    i = compiled.index[node]
    edges = np.arange(compiled.edge_start[i], compiled.edge_start[i + 1])
    values = bound.edge_payoff[edges] + result.values_array[compiled.child[edges]]
    labels = [b.label for b in scenario.nodes[node].branches]
    return labels, [scenario.actors[a].name for a in compiled.actors], values


def option_chart(scenario, node: str | None = None, *, result=None, ax=None, theme: str | Theme = "light",
                 title: str | None = None):
    """Expected payoff per actor of each option at a decision node (default: the root).

    The strategic choice there (backward induction) is marked.
    """
    node = node or scenario.root
    solved = scenario.solve(overrides=(result.overrides if result is not None else None) or None, top=0)
    result = result if result is not None else solved
    labels, actors, values = option_values(scenario, node, result)
    chosen_child = solved.choices.get(node)
    kids = scenario.nodes[node].children
    chosen = kids.index(chosen_child) if chosen_child in kids else None
    colors = [a.color for a in scenario.actors.values()]
    mode = "under the strategic solution" if result.mode == "strategic" else "in belief mode"
    return payoffs_by_option(labels, actors, values, chosen=chosen, colors=colors, ax=ax, theme=theme,
                             title=title if title is not None else
                             f"{scenario.nodes[node].label}: expected payoff of each option {mode}")


# -- tornado -------------------------------------------------------------------------------------

def tornado(names: Sequence[str], low: Sequence[float], high: Sequence[float], base: float, *,
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
    ax.set_yticks(np.arange(len(order)), [_wrap(names[i], 36) for i in order])
    ax.invert_yaxis()
    ax.set_xlabel(f"{metric_label} (base {_fmt(float(base))}); labels: variable value → metric")
    ax.grid(axis="x", color=theme.grid, linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)
    _outside_legend(ax, theme)
    _title(ax, theme, title)
    _room_for_labels(ax, texts)
    return ax


def tornado_chart(result, *, ax=None, theme: str | Theme = "light", title: str | None = None, top: int | None = 15):
    """A :class:`~scenarios.analysis.sensitivity.TornadoResult` as a tornado (widest ``top`` bars)."""
    bars = list(result.bars)[: top if top else None]
    label = getattr(result, "metric_label", "metric")
    return tornado([b.variable.name for b in bars], [b.metric_low for b in bars],
                   [b.metric_high for b in bars], result.base_metric,
                   low_values=[b.variable.low for b in bars], high_values=[b.variable.high for b in bars],
                   metric_label=label, ax=ax, theme=theme,
                   title=title if title is not None else f"One-way sensitivity of the {label}")


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
    for name, (values, metric) in series.items():
        values = np.asarray(values, dtype=float)
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
    return spider({line.variable.name: (line.values, line.metric) for line in lines},
                  base=result.base_metric,
                  base_values={line.variable.name: line.variable.base for line in lines},
                  metric_label=label, ax=ax, theme=theme,
                  title=title if title is not None else f"Spider plot of the {label}")


# -- two-way map ---------------------------------------------------------------------------------

def two_way(xs: Sequence[float], ys: Sequence[float], choices, *, x_label: str = "x",
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
    return two_way(result.xs, result.ys, choices, x_label=result.x.name, y_label=result.y.name,
                   option_labels=labels, metric=result.metric_grid,
                   base=(result.x.base, result.y.base), ax=ax, theme=theme,
                   title=title if title is not None else
                   f"Two-way sensitivity: {what} (contours: {result.metric_label})")


# -- probabilistic sensitivity -------------------------------------------------------------------

def psa_histograms(samples: Mapping[str, Sequence[float]], *, base: Mapping[str, float] | None = None,
                   bins: int = 40, xlabel: str = "value", ax=None, theme: str | Theme = "light",
                   title: str | None = None):
    """Overlaid histograms (outlines, so none hides another) of sampled quantities.

    ``samples[name]`` is an array of draws; ``base[name]`` marks the base-case value.

    >>> import numpy as np
    >>> ax = psa_histograms({"E[a]": np.arange(100.0)}, base={"E[a]": 50.0})
    >>> len(ax.patches), len(ax.lines)
    (1, 1)
    """
    theme = get_theme(theme)
    ax = _axes(ax, theme, 8)
    styles = _line_styles(theme, list(samples))
    arrays = {k: np.asarray(v, dtype=float) for k, v in samples.items()}
    finite = np.concatenate([a[np.isfinite(a)] for a in arrays.values()]) if arrays else np.zeros(0)
    edges = np.histogram_bin_edges(finite, bins=bins) if len(finite) else bins
    for name, values in arrays.items():
        color, dash = styles[name]
        ax.hist(values[np.isfinite(values)], bins=edges, histtype="step", linewidth=1.8, color=color,
                linestyle=dash,
                label=_wrap(f"{name}: mean {_fmt(float(np.nanmean(values)))}", 40), zorder=3)
        if base and name in base:
            ax.axvline(base[name], color=color, linewidth=1.0, linestyle=(0, (3, 2)), zorder=2)
    ax.set_xlabel(xlabel + ("  (dashed: base case)" if base else ""))
    ax.set_ylabel("draws")
    ax.grid(axis="y", color=theme.grid, linewidth=0.6, zorder=0)
    _legend(ax, theme, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    _title(ax, theme, title)
    return ax


def interval_plot(names: Sequence[str], means: Sequence[float], lows: Sequence[float],
                  highs: Sequence[float], *, base: Sequence[float] | None = None,
                  xlabel: str = "value", interval: str = "5–95 %", ax=None,
                  theme: str | Theme = "light", title: str | None = None):
    """Intervals (e.g. PSA 5 % to 95 %) with their means, one row per quantity.

    >>> ax = interval_plot(["a", "b"], [1, 2], [0, 1], [2, 3], base=[1.1, 2.2])
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['a', 'b']
    """
    theme = get_theme(theme)
    ax = _axes(ax, theme, len(names), per_row=0.45)
    y = np.arange(len(names))
    means = np.asarray(means, dtype=float)
    lows = np.asarray(lows, dtype=float)
    highs = np.asarray(highs, dtype=float)
    ax.hlines(y, lows, highs, color=theme.line if theme.greyscale else theme.palette[0], linewidth=3,
              zorder=2, label=f"{interval} interval")
    if base is not None:  # a tall tick, so that the mean's dot stays visible on top of it
        ax.plot(base, y, "|", color=theme.text, markersize=14, markeredgewidth=1.6, zorder=3,
                label="base case")
    ax.plot(means, y, "o", color=theme.text, markeredgecolor=theme.background, markersize=6, zorder=4,
            label="mean")
    texts = [ax.text(h, yy, f"  {_fmt(float(m))} ({_fmt(float(lo))} to {_fmt(float(h))})", va="center",
                     ha="left", color=theme.text, fontsize=theme.font_size - 1, zorder=4)
             for yy, m, lo, h in zip(y, means, lows, highs, strict=False)]
    ax.set_yticks(y, [_wrap(n) for n in names])
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", color=theme.grid, linewidth=0.6, zorder=0)
    _legend(ax, theme, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    _title(ax, theme, title)
    _room_for_labels(ax, texts)
    return ax


def psa_chart(result, what: str = "payoffs", *, ax=None, theme: str | Theme = "light",
              title: str | None = None, kind: str = "intervals",
              actor_names: Mapping[str, str] | None = None):
    """A ``PSAResult``: ``what`` is ``payoffs`` (belief-mode expected payoffs), ``solved``,
    ``outcomes`` or ``tags``; ``kind`` is ``intervals`` (5–95 %) or ``histogram``.
    ``actor_names`` maps actor keys to the names shown (e.g. from the scenario)."""
    if what not in ("payoffs", "solved", "outcomes", "tags"):
        raise UnknownChartError(f"psa chart of {what!r}: choose payoffs, solved, outcomes or tags")
    if what in ("payoffs", "solved"):
        summaries = result.expected_payoffs if what == "payoffs" else result.solved_payoffs
        draws = result.belief_draws if what == "payoffs" else result.solved_draws
        keys = list(result.actors)
        names = [(actor_names or {}).get(k, k) for k in keys]
        xlabel = "expected payoff" + (" (strategic solution)" if what == "solved" else " (belief mode)")
    elif what == "outcomes":
        summaries = result.outcomes
        keys = list(summaries)[:20]
        labels = dict(zip(result.outcome_ids, result.outcome_labels, strict=False))
        names = [labels[k] for k in keys]
        draws = result.outcome_draws
        xlabel = "probability"
    else:
        summaries = result.tags
        keys = list(summaries)
        names = keys
        draws = result.tag_draws
        xlabel = "probability of ending in an outcome with the tag"
    heading = title if title is not None else \
        f"Probabilistic sensitivity ({result.n_valid} draws): {xlabel}"
    if kind == "histogram":
        order = {"payoffs": result.actors, "solved": result.actors, "outcomes": result.outcome_ids,
                 "tags": result.tag_names}[what]
        index = {k: i for i, k in enumerate(order)}
        rows = keys[:6]
        samples = {n: draws[index[k]] for n, k in zip(names, rows, strict=False)}
        return psa_histograms(samples, base={n: summaries[k].base for n, k in zip(names, rows, strict=False)},
                              xlabel=xlabel, ax=ax, theme=theme, title=heading)
    if kind != "intervals":
        raise UnknownChartError(f"psa chart kind {kind!r}: choose intervals or histogram")
    return interval_plot(names, [summaries[k].mean for k in keys], [summaries[k].q05 for k in keys],
                         [summaries[k].q95 for k in keys], base=[summaries[k].base for k in keys],
                         xlabel=xlabel, ax=ax, theme=theme, title=heading)


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


# -- by name, for the command line ------------------------------------------------------------------

#: Chart kinds of ``scenarios chart FILE KIND`` and what they show.
CHARTS = {
    "outcomes": "outcome distribution, coloured by each outcome's first tag (--psa N adds 5-95 % intervals)",
    "tags": "probability of ending in an outcome with each tag (--psa N adds intervals)",
    "options": "expected payoff per actor of each option at a decision node (--node, default the root)",
    "tornado": "one-way sensitivity of a metric to each parameter's low/high range (--metric)",
    "spider": "the metric across each parameter's range (--metric, --steps)",
    "two-way": "where each option is chosen over a grid of two parameters (--x, --y, --node)",
    "psa": "probabilistic sensitivity: 5-95 % intervals of expected payoffs (--psa N, --of, --histogram)",
    "compare": "the scenario against variants given with --variant FILE (--of outcomes|tags|payoffs)",
}


def chart_figure(scenario, kind: str, *, overrides=None, given=None, theme: str | Theme = "light",
                 metric: str | None = None, node: str | None = None, x: str | None = None,
                 y: str | None = None, steps: int | None = None, policy: str = "belief",
                 psa_draws: int | None = None, seed: int | None = 0, of: str | None = None,
                 histogram: bool = False, variants: Sequence = (), solve: bool = False):
    """Draw chart ``kind`` (see :data:`CHARTS`) for ``scenario``; return the Axes.

    Raises
    ------
    UnknownChartError
        for an unknown kind, or options that do not fit it.
    """
    if kind not in CHARTS:
        import difflib

        close = difflib.get_close_matches(kind, list(CHARTS), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise UnknownChartError(f"unknown chart {kind!r}{hint}; charts: {', '.join(CHARTS)}")
    theme = get_theme(theme)
    overrides = dict(overrides or {}) or None

    def result():
        return scenario.solve(overrides=overrides, top=0) if solve else \
            scenario.evaluate(given=given, overrides=overrides, top=0)

    def run_psa():
        from ..analysis.psa import psa

        return psa(scenario, psa_draws or 1000, seed=seed, overrides=overrides, allow_invalid=True)

    if kind == "outcomes":
        return outcome_chart(result(), psa=run_psa() if psa_draws else None, theme=theme)
    if kind == "tags":
        r = result()
        if not r.tags:
            raise UnknownChartError("tags chart: no outcome of this scenario has tags")
        return tag_chart(r, psa=run_psa() if psa_draws else None, theme=theme)
    if kind == "options":
        return option_chart(scenario, node, result=result(), theme=theme)
    from ..analysis import sensitivity

    if kind == "tornado":
        return tornado_chart(sensitivity.tornado(scenario, metric=metric, policy=policy, overrides=overrides,
                                                 node=node), theme=theme)
    if kind == "spider":
        return spider_chart(sensitivity.spider(scenario, steps=steps or 9, metric=metric, policy=policy,
                                               overrides=overrides, node=node), theme=theme)
    if kind == "two-way":
        if not (x and y):
            raise UnknownChartError("two-way chart: give the two parameters with --x NAME --y NAME")
        return two_way_chart(sensitivity.grid(scenario, x, y, steps=steps or 41, metric=metric,
                                              policy="reoptimize" if policy == "belief" else policy,
                                              node=node, overrides=overrides), theme=theme)
    if kind == "psa":
        return psa_chart(run_psa(), of or "payoffs", kind="histogram" if histogram else "intervals",
                         theme=theme, actor_names={k: a.name for k, a in scenario.actors.items()})
    # compare
    if not variants:
        raise UnknownChartError("compare chart: give one or more variants with --variant FILE")
    from ..analysis.compare import compare

    section = {"payoffs": "expected_payoffs", "solved": "solved_payoffs"}.get(of or "outcomes", of or "outcomes")
    return comparison_chart(compare([scenario, *variants]), section, theme=theme)

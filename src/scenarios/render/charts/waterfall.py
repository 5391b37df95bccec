"""The waterfall of an expected payoff: each path's (or outcome's) contribution as a step.

:func:`waterfall` draws any list of contributions; :func:`explain_chart` draws a
:class:`~scenarios.engine.explain.Explanation` (``scenarios explain -o FILE``) at slide
size, each row labelled with the outcome's words and the route's branch labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ... import formatting
from ..theme import Theme, get_theme
from ._common import Floats, _style, _title

__all__ = ["waterfall", "explain_chart", "SLIDE"]

#: A 16:9 slide, in inches.
SLIDE = (13.33, 7.5)


def _signed(x: float) -> str:
    text = formatting.chart_number(abs(x))
    return ("+" if x > 0 else formatting.MINUS if x < 0 else "") + text


def waterfall(labels: Sequence[str], values: Floats, total: float, *, total_label: str = "expected value",
              ax=None, theme: str | Theme = "light", title: str | None = None, xlabel: str = "contribution",
              size: tuple[float, float] = SLIDE, font_size: float = 10.5):
    """Horizontal steps, top to bottom: each row moves the running total by its value; the
    last bar is ``total`` (the sum of the values, drawn from 0).

    >>> ax = waterfall(["a", "b"], [2.0, -0.5], 1.5)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['a', 'b', 'expected value']
    """
    theme = get_theme(theme)
    values = np.asarray(values, dtype=float)
    if ax is None:
        from ..save import new_figure

        fig = new_figure(*size, 150, facecolor=theme.background)
        fig.set_layout_engine("constrained")
        fig._scenarios_chart = True
        ax = fig.add_subplot()
    _style(ax, theme)
    if theme.greyscale:
        up = {"color": "#ffffff", "edgecolor": theme.text, "linewidth": 0.8}
        down = {"color": "#8c8c8c", "edgecolor": theme.text, "linewidth": 0.8, "hatch": "////"}
        whole = {"color": "#000000", "edgecolor": theme.text, "linewidth": 0.8}
    else:
        up = {"color": "#009E73", "edgecolor": "none"}  # Okabe-Ito bluish green: raises the value
        down = {"color": "#D55E00", "edgecolor": "none"}  # vermillion: lowers it
        whole = {"color": "#0072B2", "edgecolor": "none"}
    before = np.concatenate(([0.0], np.cumsum(values)[:-1]))
    n = len(values)
    texts = []
    for row, (start, value) in enumerate(zip(before.tolist(), values.tolist(), strict=True)):
        ax.barh(row, value, left=start, height=0.66, zorder=2, **(up if value >= 0 else down))
        end = start + value
        texts.append(ax.text(max(start, end), row, f"  {_signed(value)}", va="center", ha="left",
                             color=theme.text, fontsize=font_size, zorder=4))
        if row + 1 <= n:
            ax.plot([end, end], [row + 0.33, row + 0.67], color=theme.muted, linewidth=0.8, zorder=3)
    ax.barh(n, total, left=0.0, height=0.66, zorder=2, **whole)
    texts.append(ax.text(max(0.0, total), n, f"  {formatting.chart_number(total).replace('-', formatting.MINUS)}",
                         va="center", ha="left", color=theme.text, fontsize=font_size, fontweight="bold", zorder=4))
    ax.axvline(0.0, color=theme.text, linewidth=1.0, zorder=3)
    ax.margins(x=0.04)
    ax.set_yticks(np.arange(n + 1), list(labels) + [total_label])
    for tick in ax.get_yticklabels():
        tick.set_fontsize(font_size)
    ax.get_yticklabels()[-1].set_fontweight("bold")
    ax.tick_params(axis="x", labelsize=font_size)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel, fontsize=font_size)
    ax.grid(axis="x", color=theme.grid, linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)
    if title and getattr(ax.figure, "_scenarios_chart", False):  # our figure: a large title, wrapped to fit
        from ..measure import TextMetrics

        fig, size_pt = ax.figure, font_size + 4
        wrapped = TextMetrics(fig.dpi, family=theme.font_family).wrap(title, fig.get_figwidth() * 72.0 - 36.0,
                                                                       size_pt, "bold")
        fig.suptitle(wrapped, x=0.012, ha="left", color=theme.text, fontsize=size_pt, fontweight="bold",
                     fontfamily=list(theme.font_family))
    elif title:
        _title(ax, theme, title)
    from ._common import _room_for_labels

    _room_for_labels(ax, texts)
    return ax


def explain_chart(explanation: Any, *, ax=None, theme: str | Theme = "light", rows: int | None = None,
                  size: tuple[float, float] = SLIDE):
    """The waterfall of ``explanation``: its first ``rows`` rows (default 8 paths, whose labels
    take three lines, or 12 outcomes), the others as one step, and the expected value; each
    row labelled with the outcome's label and, for a path, the route taken."""
    e = explanation
    if rows is None:
        rows = 8 if e.unit == "paths" else 12
    scenario = e.result.scenario
    shown = e.rows[:rows]
    labels = [_row_label(scenario, row, e.unit) for row in shown]
    values = [row.contribution for row in shown]
    others = e.others + len(e.rows) - len(shown)
    if others:
        rest = e.others_contribution + sum(row.contribution for row in e.rows[rows:])
        labels.append(f"{others:,} other {e.unit if others > 1 else e.unit[:-1]}")
        values.append(rest)
    actor = scenario.actors[e.actor].name
    start = scenario.nodes[e.node].label
    mode = ("strategic mode: the solved choices" if e.result.mode == "strategic"
            else "belief mode: decisions weighted by the analyst's beliefs")
    where = "" if e.node == scenario.root else f" at “{start}”"
    title = f"{actor}: what makes up the expected payoff{where} ({mode})"
    xlabel = (f"contribution = probability × payoff to {actor}{' (exact)' if e.exact else ''}; "
              "the bars add up to the expected payoff")
    return waterfall(labels, values, e.expected, total_label=f"expected payoff {formatting.chart_number(e.expected)}"
                     .replace("-", formatting.MINUS), ax=ax, theme=theme, title=title, xlabel=xlabel, size=size)


def _row_label(scenario: Any, row: Any, unit: str, width: int = 64) -> str:
    """The outcome's label, then (for a path) the route in at most two lines, each branch
    label cut to its words before a colon and to a few words, so the steps that tell paths
    apart stay readable at slide size."""
    import textwrap

    outcome = scenario.nodes[row.outcome].label
    head = textwrap.shorten(outcome, width, placeholder="…")
    if unit != "paths" or len(row.nodes) < 2:
        return head
    steps = [_step(scenario.nodes[u].branches[k].label) for u, k in zip(row.nodes, row.branches, strict=False)]
    lines = textwrap.wrap(" → ".join(steps), width, break_on_hyphens=False)
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), width, placeholder=" …")]
    return "\n".join([head] + lines)


def _step(label: str, width: int = 26) -> str:
    import textwrap

    before, colon, _ = label.partition(":")
    if colon and len(before) >= 6:
        label = before
    return textwrap.shorten(label, width, placeholder="…")

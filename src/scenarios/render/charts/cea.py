"""Cost-effectiveness: the cost-effectiveness plane with the efficient frontier, and the
acceptability curve, from a ``CEAResult`` (:mod:`scenarios.analysis.cea`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..theme import Theme, get_theme
from ._common import _fmt, _legend, _line_styles, _room_for_labels, _style, _title, _wrap


def _amount(x: float) -> str:
    """Money-like numbers with thousands separators (3,333), small ones to 3 significant digits."""
    return f"{x:,.0f}" if abs(x) >= 100 else _fmt(x)

__all__ = ["ce_plane", "acceptability_curve", "cea_chart"]

_STATUS = {"frontier": "efficient", "dominated": "dominated", "extended": "extendedly dominated",
           "same": "same as another"}


def ce_plane(labels: Sequence[str], costs: Sequence[float], effects: Sequence[float], status: Sequence[str],
             frontier: Sequence[int], *, cost_label: str = "cost", effect_label: str = "effect", ax=None,
             theme: str | Theme = "light", title: str | None = None):
    """Strategies on the cost-effectiveness plane (effect across, cost up), the efficient
    frontier joined in order with each step's ICER written on it.

    >>> ax = ce_plane(["A", "B", "C"], [1, 3, 4], [10, 12, 11], ["frontier", "frontier", "dominated"], [0, 1])
    >>> len(ax.lines) >= 1
    True
    """
    theme = get_theme(theme)
    ax = _new(ax, theme, 1)[0]
    c, e = np.asarray(costs, dtype=float), np.asarray(effects, dtype=float)
    main, other = theme.palette[0], theme.muted
    front = list(frontier)
    ax.plot(e[front], c[front], color=main, linewidth=1.6, zorder=2, label="efficient frontier")
    for kind, marker, face in (("frontier", "o", main), ("extended", "o", "none"), ("dominated", "X", other),
                               ("same", "s", "none")):
        at = [i for i, s in enumerate(status) if s == kind]
        if at:
            ax.scatter(e[at], c[at], marker=marker, s=46, facecolors=face,
                       edgecolors=main if kind == "frontier" else other, linewidths=1.3, zorder=3,
                       label=_STATUS[kind])
    span_e = float(np.ptp(e)) or 1.0
    span_c = float(np.ptp(c)) or 1.0
    texts = []
    for i, label in enumerate(labels):  # efficient: right of the point (below the rising frontier);
        left = status[i] != "frontier"  # the others lie above it: their labels go to the left
        texts.append(ax.annotate(_wrap(label, 22), (e[i], c[i]), xytext=(-7 if left else 7, 0),
                                 textcoords="offset points", va="center", ha="right" if left else "left",
                                 fontsize=theme.font_size - 1, color=theme.text, zorder=4))
    for a, b in zip(front, front[1:], strict=False):  # below the rising frontier, where no point lies
        icer = (c[b] - c[a]) / (e[b] - e[a])
        ax.annotate(f"ICER {_amount(float(icer))}", ((e[a] + e[b]) / 2, (c[a] + c[b]) / 2), xytext=(8, -6),
                    textcoords="offset points", ha="left", va="top", fontsize=theme.font_size - 1.5,
                    color=main, zorder=4)
    del span_c
    _room_for_labels(ax, texts)
    ax.set_xlabel(effect_label)
    ax.set_ylabel(cost_label)
    ax.grid(color=theme.grid, linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)
    ax.margins(x=0.12, y=0.1)
    right = ax.get_xlim()
    ax.set_xlim(right[0], right[1] + 0.25 * span_e)  # room for the labels on the right
    _legend(ax, theme, loc="lower right")
    _title(ax, theme, title)
    return ax


def acceptability_curve(lambdas: Sequence[float], shares: np.ndarray, labels: Sequence[str], *,
                        wtp: float | None = None, draws: int | None = None, lambda_label: str = "λ", ax=None,
                        theme: str | Theme = "light", title: str | None = None):
    """Cost-effectiveness acceptability curve: per strategy (columns of ``shares``), the share
    of draws in which it has the highest net benefit, against willingness to pay.

    >>> import numpy as np
    >>> ax = acceptability_curve([0, 1, 2], np.array([[1, 0], [0.5, 0.5], [0, 1]]), ["A", "B"])
    >>> len(ax.lines)
    2
    """
    theme = get_theme(theme)
    ax = _new(ax, theme, 1)[0]
    shares = np.asarray(shares, dtype=float)
    styles = _line_styles(theme, list(labels))
    for j, label in enumerate(labels):
        if not shares[:, j].any():
            continue  # never best: listed in the title note instead of a flat line at 0
        color, dash = styles[label]
        ax.plot(lambdas, 100 * shares[:, j], color=color, linestyle=dash, linewidth=1.8, label=_wrap(label, 28),
                zorder=3)
    if wtp is not None:
        ax.axvline(wtp, color=theme.muted, linewidth=1.0, linestyle=(0, (3, 2)), zorder=2)
        ax.annotate(f"λ = {_amount(wtp)}", (wtp, 100), xytext=(3, -2), textcoords="offset points", va="top",
                    fontsize=theme.font_size - 1.5, color=theme.muted)
    never = [label for j, label in enumerate(labels) if not shares[:, j].any()]
    ax.set_ylim(-2, 102)
    ax.set_xlim(float(np.min(lambdas)), float(np.max(lambdas)))
    ax.set_ylabel("share of draws with the highest net benefit (%)")
    ax.set_xlabel(lambda_label + (f"\nnever best: {', '.join(never)}" if never else ""))
    ax.grid(color=theme.grid, linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)
    _legend(ax, theme, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    _title(ax, theme, title if title is not None else (f"Acceptability ({draws} draws)" if draws else None))
    return ax


def cea_chart(result, *, ax=None, theme: str | Theme = "light"):
    """The CE plane and, when the result has draws, the acceptability curve beside it (a new
    figure); on a given ``ax``, the plane only.  Returns the plane's Axes."""
    theme = get_theme(theme)
    actor = result.scenario.actors[result.actor]
    cost, effect = actor.measures[result.cost].name, actor.measures[result.effect].name
    two = ax is None and result.acceptability is not None
    plane, curve = _new(ax, theme, 2 if two else 1) if ax is None else (ax, None)
    if ax is not None:
        _style(ax, theme)
    strategies = result.strategies
    ce_plane([s.label for s in strategies], [s.cost for s in strategies], [s.effect for s in strategies],
             [s.status for s in strategies], result.frontier, cost_label=cost, effect_label=effect, ax=plane,
             theme=theme, title=None)
    plane.set_title(f"Cost-effectiveness plane ({result.mode} mode)", loc="left", fontsize=theme.font_size + 0.5,
                    color=theme.text)
    if curve is not None:
        acceptability_curve(result.lambdas, result.acceptability, [s.label for s in strategies], wtp=result.wtp,
                            draws=result.draws - result.invalid,
                            lambda_label=f"willingness to pay per unit of {effect} (λ)", ax=curve, theme=theme,
                            title=None)
        curve.set_title(f"Acceptability curve ({result.draws - result.invalid} draws)", loc="left",
                        fontsize=theme.font_size + 0.5, color=theme.text)
    _title(plane, theme, f"{result.scenario.title}: cost-effectiveness for {actor.name}")
    return plane


def _new(ax, theme: Theme, panels: int):
    """The caller's axes, or a new figure with ``panels`` axes side by side."""
    if ax is not None:
        _style(ax, theme)
        return ax, None
    from ..save import new_figure

    fig = new_figure(6.4 * panels + (1.6 if panels > 1 else 0.0), 4.8, 150, facecolor=theme.background)
    fig.set_layout_engine("constrained")
    fig._scenarios_chart = True
    axes = fig.subplots(1, panels, squeeze=False)[0] if panels > 1 else [fig.add_subplot()]
    for a in axes:
        _style(a, theme)
    return (axes[0], axes[1]) if panels > 1 else (axes[0], None)

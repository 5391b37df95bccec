"""Outcome distribution, tag probabilities and the payoffs of a node's options:
plain charts and the adapters that read a result."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...errors import UnknownNameError, did_you_mean
from ...kinds import KINDS
from ..theme import Theme, get_theme
from ._common import (
    Floats,
    _axes,
    _bar_style,
    _finish_horizontal_bars,
    _fmt,
    _outside_legend,
    _room_for_labels,
    _title,
    _wrap,
)

# -- outcome distribution --------------------------------------------------------------------

def outcome_distribution(labels: Sequence[str], probabilities: Floats, *,
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
    styles = theme.categories(list(dict.fromkeys(keys))) if keys is not None else {}
    texts = []
    seen = set()
    for i, p in enumerate(probabilities):
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
            texts.append(ax.text(v, yy, f" {_fmt(float(v))} ", va="center", ha="left" if v >= 0 else "right",
                                 color=theme.text, fontsize=theme.font_size - 1, zorder=4))
    ax.axvline(0, color=theme.line, linewidth=0.8, zorder=1)
    _finish_horizontal_bars(ax, theme, y, labels, "expected payoff", title, texts)
    return ax


def option_values(scenario, node: str, result=None) -> tuple[list[str], list[str], np.ndarray]:
    """Expected payoff of each option at decision ``node`` to every actor (from ``result``).

    An option's value is its branch payoff plus the child's expected value from there on,
    under the same weights as ``result`` (belief or strategic): the ``value`` of
    ``result.branches(node)``.  Returns option labels, actor names and the (options x
    actors) array.

    >>> import scenarios
    >>> s = scenarios.load("entry-deterrence")
    >>> option_values(s, "response", s.solve())[2].tolist()
    [[-1.0, -1.0], [1.0, 1.0]]
    """
    if node not in scenario.nodes:
        raise UnknownNameError(f"--node {node}: unknown node{did_you_mean(node, scenario.nodes)}")
    if not KINDS[scenario.nodes[node].kind].has_branches:
        raise UnknownNameError(f"--node {node}: an outcome has no options; give a decision or chance node")
    result = result if result is not None else scenario.evaluate(top=0)
    actors = list(scenario.actors)
    branches = result.branches(node)
    values = np.array([[b.value[a] for a in actors] for b in branches], dtype=float).reshape(len(branches), len(actors))
    return [b.label for b in branches], [scenario.actors[a].name for a in actors], values


def option_chart(scenario, node: str | None = None, *, result=None, solved=None, ax=None,
                 theme: str | Theme = "light", title: str | None = None):
    """Expected payoff per actor of each option at a decision node (default: the root).

    The strategic choice there (backward induction: ``solved``, a SolveResult with the
    same overrides; solved here if not given) is marked.
    """
    node = node or scenario.root
    if solved is None:
        solved = scenario.solve(overrides=(result.overrides if result is not None else None) or None, top=0)
    result = result if result is not None else solved
    labels, actors, values = option_values(scenario, node, result)
    chosen = solved.choice_branches.get(node)  # a position: several options may lead to one child
    colors = [a.color for a in scenario.actors.values()]
    mode = "under the strategic solution" if result.mode == "strategic" else "in belief mode"
    return payoffs_by_option(labels, actors, values, chosen=chosen, colors=colors, ax=ax, theme=theme,
                             title=title if title is not None else
                             f"{scenario.nodes[node].label}: expected payoff of each option {mode}")

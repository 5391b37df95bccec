"""Probabilistic sensitivity: histograms and intervals of sampled quantities, and the
adapter over a ``PSAResult`` (:mod:`scenarios.analysis.psa`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ...errors import UnknownChartError
from ..theme import Theme, get_theme
from ._common import (
    Floats,
    _axes,
    _fmt,
    _legend,
    _line_styles,
    _room_for_labels,
    _title,
    _wrap,
)

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


def interval_plot(names: Sequence[str], means: Floats, lows: Floats,
                  highs: Floats, *, base: Sequence[float] | None = None,
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

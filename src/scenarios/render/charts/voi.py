"""The value-of-information chart: one horizontal bar per piece of information at a decision.

Rows, top to bottom: perfect information about everything below the decision
(clairvoyance, the upper bound), perfect information about each uncertainty, each signal
(imperfect information) and, when asked for, each parameter's EVPPI; the words are the
file's labels and descriptions, not ids.  It reads a
:class:`~scenarios.analysis.voi.VOIResult` (the numbers are not recomputed here).
"""

from __future__ import annotations

from ..theme import Theme, get_theme
from ._common import _axes, _bar_style, _finish_horizontal_bars, _fmt, _legend, _room_for_labels, _wrap

__all__ = ["voi_chart"]

_GROUPS = ("everything", "perfect", "signal", "parameter")
_GROUP_NAMES = {"everything": "perfect information about everything (upper bound)",
                "perfect": "perfect information about one uncertainty",
                "signal": "a test or signal (imperfect information)",
                "parameter": "a parameter learned (EVPPI, estimated)"}


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _sentence(text: str) -> str:
    """A description's first sentence, without its full stop (a parameter's words on a chart)."""
    first = str(text).split(". ")[0].strip()
    return first[:-1] if first.endswith(".") else first


def voi_chart(result, *, decision: int = 0, ax=None, theme: str | Theme = "light", title: str | None = None,
              limit: int = 12):
    """Bars of the values of information at ``result.decisions[decision]`` (largest first within
    each group, at most ``limit`` uncertainties and parameters), in the actor's payoff units.

    >>> import scenarios
    >>> from scenarios.analysis.voi import value_of_information
    >>> ax = voi_chart(value_of_information(scenarios.load("oil-wildcatter")))
    >>> [round(float(p.get_width()), 2) for p in ax.patches][:2]
    [35.0, 35.0]
    """
    theme = get_theme(theme)
    d = result.decisions[decision]
    rows: list[tuple[str, str, float]] = []  # (group, label, value)
    if d.everything is not None:
        estimated = "" if d.everything.method == "exact" else " (estimated)"
        rows.append(("everything", "Everything below this decision" + estimated, d.everything.value))
    perfect = sorted(d.perfect, key=lambda i: -i.value)[:limit]
    rows += [("perfect", i.label, i.value) for i in perfect]
    rows += [("signal", i.label, i.value) for i in d.signals]
    evppi = result.evppi
    if evppi is not None and evppi.node == d.node:
        rows += [("parameter", _sentence(item.label), item.value) for item in evppi.items[:limit]]
    ax = _axes(ax, theme, max(len(rows), 1), width=10.0, per_row=0.5)
    styles = {g: _bar_style(theme, theme.category(k)) for k, g in enumerate(_GROUPS)}
    texts, labelled = [], set()
    for y, (group, _label, value) in enumerate(rows):
        shown = max(value, 0.0)
        ax.barh(y, shown, height=0.62, zorder=2, label=_GROUP_NAMES[group] if group not in labelled else None,
                **styles[group])
        labelled.add(group)
        texts.append(ax.text(shown, y, f"  {_fmt(value)}", va="center", ha="left", color=theme.text,
                             fontsize=theme.font_size, zorder=3))
    labels = [_wrap(_short(label), 48) for _, label, _ in rows]
    if not rows:
        ax.text(0.5, 0.5, "no uncertainty is resolved after this decision", transform=ax.transAxes,
                ha="center", va="center", color=theme.muted)
    ax.set_xlim(left=0)
    who = d.actor_name or d.actor
    default = f"What is it worth to {who} to know more before deciding? ({d.label.rstrip('?: ')})"
    _finish_horizontal_bars(ax, theme, list(range(len(rows))), labels,
                            f"expected payoff gained by {who} (payoff units, risk neutral; {result.mode} mode)",
                            title if title is not None else default, texts)
    if ax.get_legend() is not None:  # below the axes, two columns: the bars keep the slide's width
        ax.get_legend().remove()
        _legend(ax, theme, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
        _room_for_labels(ax, texts)
    return ax

"""The end of a walk in the terminal: "What actually happened" (the historical reveal).

Split from :mod:`scenarios.cli.play`; only the standard library at module level, as there.
"""

from __future__ import annotations

__all__ = ["render_reveal", "historical_year", "branch_label"]


def historical_year(reveal) -> str:
    years = sorted({step.date[:4] for step in reveal.steps if step.date})
    if not years:
        return ""
    return f" in {years[-1]}" if len(years) == 1 or years[-1] == years[-2] else \
        f" in {years[0]}–{years[-1]}"


def _short(label: str) -> str:
    """The part of a label before its colon: "Recognition: the West responds" → "Recognition"."""
    head = label.split(":", 1)[0].strip()
    return head if head else label


def branch_label(scenario, node_id: str, child: str, position: int | None = None) -> str:
    branches = scenario.nodes[node_id].branches  # by position where known: several may lead to one child
    return branches[position].label if position is not None else next(b.label for b in branches if b.to == child)


def render_reveal(walk, reveal, style) -> list[str]:
    if reveal.status == "none":
        return []
    s = walk.scenario
    lines = ["", style.bold(f"  What actually happened{historical_year(reveal)}")]
    for step in reveal.steps:
        date = step.date or "undated"
        lines.append(style.wrap(step.label, f"    {date:<10}  " if len(date) <= 10 else f"    {date}  ",
                                " " * 16))
        if step.text:
            lines.append(style.wrap(step.text, " " * 16))
        if step.event:
            lines.append(style.dim(style.wrap(f"source: {step.event}", " " * 16)))
        if step.quote:
            lines.append(style.wrap(f"“{step.quote}”", " " * 16))
        if step.branch:
            lines.append(style.wrap(f"→ {step.branch}", " " * 16))
    route = " → ".join(f"{_short(step.label)} ({step.date})" if step.date else _short(step.label)
                       for step in reveal.steps)
    lines += ["", style.wrap(f"History's path: {route}.", "  ", "    ")]
    if reveal.status == "followed":
        lines.append(style.wrap("You followed the historical path all the way.", "  "))
    elif reveal.status == "on-track":
        lines.append(style.wrap("So far your path is the historical one.", "  "))
    elif reveal.left_at is None:
        lines.append(style.wrap("Your path did not start where history did.", "  "))
    else:
        lines.append(style.wrap(
            f"You left the historical path at “{s.nodes[reveal.left_at].label}”: history took "
            f"“{branch_label(s, reveal.left_at, reveal.history_took)}”, you took "
            f"“{branch_label(s, reveal.left_at, reveal.you_took)}”.", "  "))
    return lines

"""The text of ``--exact`` results: the float tables marked exact, and the fractions below them."""

from __future__ import annotations

from typing import Any

__all__ = ["mark_exact", "EXACT_NOTE"]

EXACT_NOTE = "exact: rational arithmetic on the file's decimals (0.1 is 1/10); ties are equalities"


def mark_exact(result: Any, shown: str) -> str:
    """``shown`` (the float text of ``result``) with the exact note under its title and the
    exact values (fractions) at the end."""
    from .text import table

    s, numbers = result.scenario, result.exact
    lines = shown.split("\n")
    title = 1
    while title < len(lines) and lines[title].startswith("  "):  # the title's wrapped lines
        title += 1
    strategic = getattr(result, "choice_branches", None) is not None
    lines.insert(title, EXACT_NOTE if strategic else EXACT_NOTE.split(";")[0])
    payoffs = [(s.actors[a].name, a, str(v)) for a, v in numbers.expected.items()]
    lines += ["", "Exact expected payoffs (fractions)", table(("actor", "key", "expected"), payoffs, "llr")]
    choices = getattr(result, "choice_branches", None)
    if choices:
        values = result.exact_choice_values()
        rows = [(node_id, s.nodes[node_id].branches[k].label[:40], values[node_id],
                 "tie" if node_id in result.ties else "")
                for node_id, k in list(choices.items())[:60]]
        lines += ["", "Exact values of the choices (the deciding actor's; 'tie': equal values exactly)",
                  table(("decision", "choice", "value", "note"), rows, "llrl")]
    return "\n".join(lines)

"""Mermaid flowchart text, for Markdown documents (GitHub, GitLab and many wikis render it).

Paste the output into a fenced block that starts with three backticks and ``mermaid``.
The chart reads left to right; decision nodes are rectangles in their actor's colour,
chance nodes circles, outcomes flag shapes (Mermaid's classic syntax has no triangle).
Branches are labelled with their label and probability; outcomes list their payoffs.
With ``results=True`` the solved (strategic) choices are drawn as thick arrows.

Every label is quoted and escaped with Mermaid's entity codes (``#quot;``, ``#35;``,
``#lt;``...), so quotes, pipes, HTML and other punctuation in labels cannot break the
chart, and node ids are rewritten as ``n_<id>`` with anything but letters, digits and
``_`` replaced, which also keeps clear of Mermaid's keywords (``end``, ``graph``...).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..kinds import KINDS
from ..model import Scenario
from ._shared import actor_colors, format_probability, format_value, numbers_of, printable, tint

FORMAT = "mermaid"
SUFFIX = ".mmd"
DESCRIPTION = "Mermaid flowchart for Markdown (GitHub renders it)"

__all__ = ["export", "escape", "node_ids"]

# Inside a quoted label only these can end the label, start an entity, read as HTML, or
# open a Markdown string; brackets and the like are safe between quotes.
_ENTITIES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "|": "#124;",
             "`": "#96;"}
_SPECIAL = re.compile("[" + re.escape("".join(_ENTITIES)) + "]")


def escape(text: str) -> str:
    """Text safe inside a quoted Mermaid label; line breaks become ``<br/>``.

    >>> escape('Say "no" [now] & #1; a|b')
    'Say #quot;no#quot; [now] #amp; #35;1; a#124;b'
    >>> escape("two\\nlines")
    'two<br/>lines'
    """
    lines = printable(text).split("\n")
    return "<br/>".join(_SPECIAL.sub(lambda m: _ENTITIES[m.group()], line) for line in lines)


def node_ids(scenario: Scenario) -> dict[str, str]:
    """Scenario node id → Mermaid id (``n_`` + the id, non-word characters as ``_``, unique).

    >>> import scenarios
    >>> node_ids(scenarios.load("entry-deterrence"))["stay_out"]
    'n_stay_out'
    """
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for node_id in scenario.nodes:
        base = "n_" + re.sub(r"\W", "_", node_id, flags=re.ASCII)
        candidate, k = base, 1
        while candidate in taken:
            k += 1
            candidate = f"{base}_{k}"
        taken.add(candidate)
        ids[node_id] = candidate
    return ids


def export(scenario: Scenario, *, overrides: Mapping[str, Any] | None = None,
           results: bool = False) -> str:
    """The scenario as a Mermaid ``flowchart LR`` (text, without the Markdown fence).

    Raises
    ------
    UnknownNameError, ProbabilityError, ExpressionError
        for bad ``overrides``.

    Examples
    --------
    >>> import scenarios
    >>> print(export(scenarios.load("entry-deterrence")).splitlines()[4])
        n_entry["Enter the market?"]:::actor_entrant
    """
    numbers = numbers_of(scenario, overrides)
    colors = actor_colors(scenario)
    ids = node_ids(scenario)
    solved = scenario.solve(overrides=overrides, top=0) if results else None
    classes = _actor_classes(scenario)
    lines = ["---", f"title: {_yaml_string(scenario.title)}", "---", "flowchart LR"]
    for node_id, node in scenario.nodes.items():
        label = escape(node.label)
        mid = ids[node_id]
        symbol = KINDS[node.kind].symbol
        if symbol == "square":
            assert node.actor is not None  # a decision always has an actor
            lines.append(f'    {mid}["{label}"]:::{classes[node.actor]}')
        elif symbol == "circle":
            lines.append(f'    {mid}(("{label}")):::chance')
        else:
            payoffs = ", ".join(f"{scenario.actors[a].name}: {format_value(v)}"
                                for a, v in numbers.node_payoffs[node_id].items())
            text = label + (f"<br/>{escape(payoffs)}" if payoffs else "")
            lines.append(f'    {mid}>"{text}"]:::outcome')
    link = 0
    thick: list[int] = []
    for node_id, node in scenario.nodes.items():
        for i, branch in enumerate(node.branches):
            text = escape(branch.label)
            if not KINDS[node.kind].has_actor or branch.p is not None or node.fixed:
                text += f" (p = {format_probability(numbers.p[node_id][i])})"
            chosen = solved is not None and solved.choice_branches.get(node_id) == i  # by position
            arrow = "==>" if chosen else "-->"
            if chosen:
                thick.append(link)
            lines.append(f'    {ids[node_id]} {arrow}|"{text}"| {ids[branch.to]}')
            link += 1
    for key in scenario.actors:
        lines.append(f"    classDef {classes[key]} fill:{tint(colors[key])},stroke:{colors[key]},"
                     "stroke-width:2px,color:#000")
    lines.append("    classDef chance fill:#eeeeee,stroke:#666666,color:#000")
    lines.append("    classDef outcome fill:#f6f6f6,stroke:#888888,color:#000")
    if thick:
        lines.append(f"    linkStyle {','.join(map(str, thick))} stroke-width:3px")
    return "\n".join(lines) + "\n"


def _actor_classes(scenario: Scenario) -> dict[str, str]:
    """Actor key → a unique Mermaid class name (``actor_`` + letters, digits, ``_``)."""
    classes: dict[str, str] = {}
    for key in scenario.actors:
        base = "actor_" + re.sub(r"\W", "_", key, flags=re.ASCII)
        name, k = base, 1
        while name in classes.values():
            k += 1
            name = f"{base}_{k}"
        classes[key] = name
    return classes


def _yaml_string(text: str) -> str:
    """The title for Mermaid's YAML front matter, double-quoted."""
    escaped = printable(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'

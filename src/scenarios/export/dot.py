"""Graphviz DOT, drawn the decision-analysis way.

Decision nodes are boxes (squares, by convention) outlined and tinted in their actor's
colour, chance nodes circles, outcomes triangles; the tree grows left to right.  Each
branch is labelled with its label and probability (belief weight on decisions), plus any
branch payoff; outcomes show their payoffs.  A legend in the graph's title names the
actors in their colours.  With ``results=True`` nodes show the belief-mode probability
of being reached, and the choices of the solved (strategic) profile are drawn bold in
the deciding actor's colour.

Render with Graphviz: ``dot -Tsvg scenario.dot -o scenario.svg`` (or ``-Tpng``, ``-Tpdf``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..kinds import KINDS
from ..model import Scenario
from ._shared import actor_colors, format_probability, format_value, numbers_of, printable, tint

FORMAT = "dot"
SUFFIX = ".dot"
DESCRIPTION = "Graphviz DOT with decision-analysis shapes and actor colours"

__all__ = ["export", "quote", "html"]

_FONT = "Helvetica"
_CHANCE = "#666666"
_OUTCOME = "#888888"


def quote(text: str) -> str:
    r"""A DOT quoted string: ``\`` and ``"`` escaped, line breaks as ``\n``.

    ``&`` is written ``&amp;`` because Graphviz reads HTML entities even in plain labels.

    >>> print(quote('say "hi"\\now & then'))
    "say \"hi\"\\now &amp; then"
    """
    text = printable(text).replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")
    return '"' + text.replace("\r\n", "\n").replace("\n", "\\n") + '"'


def html(text: str) -> str:
    r"""Text for a Graphviz HTML-like label: ``& < > " \`` as entities, breaks as ``<br/>``.

    (A backslash would otherwise start an escape such as ``\N``, the node's name.)

    >>> html('a < b & "c" \\N')
    'a &lt; b &amp; &quot;c&quot; &#92;&#92;N'
    """
    text = printable(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace('"', "&quot;").replace("\\", "&#92;&#92;")  # Graphviz halves them
    text = text.replace("[", "&#91;").replace("]", "&#93;")  # a bare ']' can fail to parse
    return "<br/>".join(text.splitlines()) if "\n" in text else text


def _payoff_text(values: Mapping[str, float], scenario: Scenario, *, all_actors: bool) -> str:
    parts = [f"{scenario.actors[a].name}: {format_value(v)}" for a, v in values.items()
             if all_actors or v != 0]
    return ", ".join(parts)


def export(scenario: Scenario, *, overrides: Mapping[str, Any] | None = None,
           results: bool = False) -> str:
    """The scenario as a Graphviz DOT graph (text).

    Raises
    ------
    UnknownNameError, ProbabilityError, ExpressionError
        for bad ``overrides``.

    Examples
    --------
    >>> import scenarios
    >>> text = export(scenarios.load("entry-deterrence"))
    >>> print(next(line for line in text.splitlines() if line.strip().startswith('"entry"')))
      "entry" [shape=box, label="Enter the market?", color="#0072b2", fillcolor="#cce3f0", penwidth=2];
    """
    numbers = numbers_of(scenario, overrides)
    colors = actor_colors(scenario)
    belief = solved = None
    if results:
        belief = scenario.evaluate(overrides=overrides, top=0)
        solved = scenario.solve(overrides=overrides, top=0)

    legend = " &nbsp; ".join(f'<font color="{colors[k]}">&#9632;</font> {html(a.name)}'
                             for k, a in scenario.actors.items())
    parts = [f"<b>{html(scenario.title)}</b>" if scenario.title.strip() else "", legend]
    title = "<br/>".join(p for p in parts if p) or " "  # Graphviz refuses an empty <b></b>
    lines = [
        f"digraph {quote(scenario.id)} {{",
        f"  graph [rankdir=LR, label=<{title}>, labelloc=t, fontname={quote(_FONT)}, fontsize=16, "
        "nodesep=0.25, ranksep=0.5, pad=0.2];",
        f"  node [fontname={quote(_FONT)}, fontsize=11, style=filled, margin=\"0.12,0.06\"];",
        f"  edge [fontname={quote(_FONT)}, fontsize=10, color=\"#555555\", arrowhead=none];",
    ]
    for node_id, node in scenario.nodes.items():
        label = node.label
        symbol = KINDS[node.kind].symbol
        if not KINDS[node.kind].has_branches:
            payoff = _payoff_text(numbers.node_payoffs[node_id], scenario, all_actors=True)
            text = label + (f"\n{payoff}" if payoff else "")
        else:
            payoff = _payoff_text(numbers.node_payoffs[node_id], scenario, all_actors=False)
            text = label + (f"\n({payoff})" if payoff else "")
        if belief is not None:
            text += f"\nP(reach) = {format_probability(belief.reach[node_id])}"
        if symbol == "square":
            assert node.actor is not None  # a decision always has an actor
            color = colors[node.actor]
            fixed = ", style=\"filled,dashed\"" if node.fixed else ""
            attrs = (f"shape=box, label={quote(text)}, color={quote(color)}, "
                     f"fillcolor={quote(tint(color))}, penwidth=2{fixed}")
        elif symbol == "circle":
            attrs = (f"shape=ellipse, label={quote(text)}, color={quote(_CHANCE)}, "
                     f"fillcolor=\"#eeeeee\"")
        else:
            # A small triangle (the decision-analysis end-node mark, pointing back at the
            # branch) with the text beside it: a triangle shape big enough to hold the
            # text would dwarf the rest of the tree.
            attrs = (f"shape=plain, style=\"\", label=<<table border=\"0\" cellspacing=\"0\" "
                     f"cellpadding=\"1\"><tr><td><font color=\"{_OUTCOME}\" point-size=\"15\">"
                     f"&#9664;</font></td><td align=\"left\" balign=\"left\">{html(text) or ' '}</td>"
                     "</tr></table>>")
        lines.append(f"  {quote(node_id)} [{attrs}];")
    for node_id, node in scenario.nodes.items():
        strategic = KINDS[node.kind].has_actor and not node.fixed
        for i, branch in enumerate(node.branches):
            text = branch.label
            if not KINDS[node.kind].has_actor or branch.p is not None or node.fixed:
                text += f"\np = {format_probability(numbers.p[node_id][i])}"
            payoff = _payoff_text(numbers.branch_payoffs[node_id][i], scenario, all_actors=False)
            if payoff:
                text += f"\n({payoff})"
            attrs = f"label={quote(text)}"
            if solved is not None and strategic and solved.choice_branches.get(node_id) == i:  # by position
                assert node.actor is not None  # a decision always has an actor
                attrs += f", penwidth=2.5, color={quote(colors[node.actor])}"
            lines.append(f"  {quote(node_id)} -> {quote(branch.to)} [{attrs}];")
    lines.append("}")
    return "\n".join(lines) + "\n"

"""The report's section on equilibria, for a scenario with information sets.

When some decisions share an information set, the pack's strategic section states the
equilibrium the method computed (``scenario.solve(method="auto")``: Nash equilibria of a
two-player game, the logit selection for more) and, where there are several, all of them:
for each, the behaviour at every information set, the expected payoffs and the beliefs.
:mod:`scenarios.briefing.pack` calls these; the numbers come from the result only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..formatting import simple_fraction

__all__ = ["caption", "behaviour", "intro", "equilibrium_lines", "rows", "markdown", "pdf"]


def caption(game: Any) -> str:
    several = len(game.equilibria) > 1
    return ("The first equilibrium played: every decision weighted by the equilibrium's probabilities; "
            "the thick line is its path of play (its choices off that path, where drawn, are thinner)"
            + (" (the other equilibria are listed below)." if several else "."))


def behaviour(options: Any) -> str:
    """``raise 1/3, fold 2/3``; a choice made for sure is its label alone."""
    sure = [label for label, p in options.items() if abs(p - 1.0) < 1e-7]
    if sure:
        return sure[0]
    return ", ".join(f"{label} {simple_fraction(p)}" for label, p in options.items() if p > 1e-9)


def intro(game: Any) -> str:
    count = len(game.equilibria)
    found = "one equilibrium" if count == 1 else f"{count} equilibria"
    text = (f"Some decisions share an information set (the actor cannot tell them apart), so the strategic "
            f"answer is an equilibrium, not backward induction. Method: {game.description}; {found} found."
            + (f" Listed: {game.note}." if game.note else ""))
    if any(not all(eq.reached.values()) for eq in game.equilibria):
        text += (" A set marked not reached is one the equilibrium's play never gets to; its behaviour is what "
                 "the actor would do there if it did.")
    if any(eq.arbitrary for eq in game.equilibria):
        text += (" Behaviour \u201cany\u201d: the actor's own earlier choices rule the set out, so any choice "
                 "there leaves the equilibrium unchanged.")
    return text


def rows(scenario: Any, eq: Any, sets: Any) -> list[list[str]]:
    """Information set, actor, its nodes, whether play reaches it, the behaviour there."""
    out = []
    for name, members in sets.items():
        actor = scenario.nodes[members[0]].actor
        labels = ", ".join(scenario.nodes[m].label for m in members)
        does = "any" if name in eq.arbitrary else behaviour(eq.behaviour.get(name, {}))
        out.append([name, scenario.actors[actor].name, labels, "yes" if eq.reached.get(name, True) else "no", does])
    return out


#: The report's words for :attr:`~scenarios.engine.equilibrium.Equilibrium.kind`.
KINDS = {"pure": "pure (every information set, reached or not, chooses one option for sure)",
         "pure on its path, mixed off it": "pure on its path, mixed off it (every set its play reaches chooses "
                                           "one option for sure; some set it never reaches mixes)",
         "mixed": "mixed (some set its play reaches randomises)"}


def equilibrium_lines(scenario: Any, game: Any, k: int, eq: Any) -> list[str]:
    """The sentences under equilibrium ``k``'s table: pure or mixed, payoffs, beliefs."""
    payoffs = ", ".join(f"{scenario.actors[a].name} {simple_fraction(v)}" for a, v in eq.expected_payoffs.items())
    lines = [f"Equilibrium {k} is {KINDS[eq.kind]}. Expected payoffs: {payoffs}."]
    for name, belief in (eq.beliefs or {}).items():
        said = ", ".join(f"{scenario.nodes[n].label} {simple_fraction(p)}" for n, p in belief.items())
        lines.append(f"Beliefs at {name} (where the actor thinks it is, given it got there): {said}.")
    return lines


def markdown(scenario: Any, game: Any, md: Callable[[object], str],
             table: Callable[[list[str], list[list[str]]], list[str]]) -> list[str]:
    lines = [md(intro(game))]
    for k, eq in enumerate(game.equilibria, 1):
        lines += ["", f"### Equilibrium {k}", ""]
        lines += table(["information set", "actor", "nodes", "reached", "behaviour"],
                       [[md(c) for c in row] for row in rows(scenario, eq, game.sets)])
        for line in equilibrium_lines(scenario, game, k, eq):
            lines += ["", md(line)]
    return lines


def pdf(pages: Any, scenario: Any, game: Any, small: float) -> None:
    pages.paragraph(intro(game), size=small, muted=True)
    for k, eq in enumerate(game.equilibria, 1):
        pages.heading(f"Equilibrium {k}", 11.5)
        pages.table(["information set", "actor", "nodes", "reached", "behaviour"], rows(scenario, eq, game.sets),
                    [0.23, 0.14, 0.27, 0.09, 0.27])
        for line in equilibrium_lines(scenario, game, k, eq):
            pages.paragraph(line, size=small + 0.5)

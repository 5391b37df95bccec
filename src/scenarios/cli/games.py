"""Text of ``scenarios solve --method nash|qre|spe``: the equilibria, then the first one played.

Probabilities that are simple fractions are shown as such (``1/3``), since a mixed
equilibrium's numbers usually are and a textbook states them that way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..formatting import simple_fraction
from . import text

if TYPE_CHECKING:  # pragma: no cover
    from ..engine.equilibrium import Equilibrium, EquilibriumResult
    from ..model import Scenario

__all__ = ["format_equilibria", "fraction", "behaviour_text"]


fraction = simple_fraction  # (formatting.py: the one number-formatting module)


def behaviour_text(options: dict[str, float] | object) -> str:
    """``raise 1/3, fold 2/3``; a pure choice is its label alone."""
    assert isinstance(options, dict)
    sure = [label for label, p in options.items() if abs(p - 1.0) < 1e-7]
    if sure:
        return sure[0]
    return ", ".join(f"{label} {fraction(p)}" for label, p in options.items() if p > 1e-9)


def _set_rows(scenario: Scenario, result: EquilibriumResult, eq: Equilibrium) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for name, members in result.sets.items():
        actor = scenario.nodes[members[0]].actor
        assert actor is not None
        where = ", ".join(members) if len(members) <= 3 else f"{', '.join(members[:3])}, … ({len(members)})"
        rows.append((text._clip(name, 30), scenario.actors[actor].name, text._clip(where, 34),
                     text._clip(behaviour_text(dict(eq.behaviour.get(name, {}))), 50)))
    return rows


def format_equilibria(result: EquilibriumResult, *, limit: int = 10) -> str:
    s = result.scenario
    played = result.played
    lines = text._header(played, f"equilibrium mode: {result.description}")
    count = len(result.equilibria)
    found = (f"{count} equilibri{'um' if count == 1 else 'a'} found" if result.lam is None
             else "not an equilibrium: each actor errs, choosing better options more often")
    lines.append(found + (f"; {result.note}" if result.note else ""))
    for k, eq in enumerate(result.equilibria[:limit], 1):
        kind = "pure" if eq.pure else "mixed"
        what = f"Equilibrium {k}" if result.lam is None else "Quantal response profile"
        lines += ["", f"{what} ({kind}; largest gain from deviating alone: {fraction(eq.max_regret)})",
                  text.table(("information set", "actor", "nodes", "behaviour"), _set_rows(s, result, eq), "llll")]
        if eq.beliefs:
            for name, belief in eq.beliefs.items():
                lines.append(f"  beliefs at {name}: " + ", ".join(f"{n} {fraction(p)}" for n, p in belief.items()))
        lines.append("  expected payoffs: " + ", ".join(f"{s.actors[a].name} {fraction(v)}"
                                                       for a, v in eq.expected_payoffs.items()))
    if count > limit:
        lines.append(f"  … and {count - limit} more (use --json for all)")
    lines += ["", "When equilibrium 1 is played:"]
    lines += text._payoff_block(played) + text._outcome_block(played, limit=40) + text._path_block(played)
    return "\n".join(lines)

"""Text of ``scenarios solve --method nash|qre|spe``: the equilibria, then the first one played.

Probabilities that are simple fractions are shown as such (``1/3``), since a mixed
equilibrium's numbers usually are and a textbook states them that way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..formatting import simple_fraction
from . import text, width

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
        does = "any" if name in eq.arbitrary else behaviour_text(dict(eq.behaviour.get(name, {})))
        rows.append((text._clip(name, 30), scenario.actors[actor].name, text._clip(where, 34),
                     "yes" if eq.reached.get(name, True) else "no", text._clip(does, 50)))
    return rows


#: Under the equilibria, when some set is unreached / left open (the JSON's ``reached`` and
#: ``arbitrary``; docs/games.md).
UNREACHED_NOTE = ("reached no: play under the equilibrium never gets there; the behaviour is what the actor would "
                  "do if it did ({})")
WHY = {"spe": "subgame perfection makes it a best reply there too",
       "nash": "a Nash equilibrium need not make it a best reply there; --method spe does"}
ANY_NOTE = ("any: the actor's own earlier choices rule the set out, so Gambit gives no behaviour there and any "
            "choice leaves the equilibrium unchanged")


def format_equilibria(result: EquilibriumResult, *, limit: int = 10) -> str:
    s = result.scenario
    played = result.played
    lines = text._header(played, f"equilibrium mode: {result.description}")
    count = len(result.equilibria)
    found = (f"{count} equilibri{'um' if count == 1 else 'a'} found" if result.lam is None
             else "not an equilibrium: each actor errs, choosing better options more often")
    lines.append(found + (f"; {result.note}" if result.note else ""))
    for k, eq in enumerate(result.equilibria[:limit], 1):
        what = f"Equilibrium {k}" if result.lam is None else "Quantal response profile"
        lines += ["", f"{what} ({eq.kind}; largest gain from deviating alone: {fraction(eq.max_regret)})",
                  text.table(("information set", "actor", "nodes", "reached", "behaviour"), _set_rows(s, result, eq),
                             "lllll")]
        if eq.beliefs:
            for name, belief in eq.beliefs.items():
                lines.append(f"  beliefs at {name}: " + ", ".join(f"{n} {fraction(p)}" for n, p in belief.items()))
        lines.append("  expected payoffs: " + ", ".join(f"{s.actors[a].name} {fraction(v)}"
                                                       for a, v in eq.expected_payoffs.items()))
    if count > limit:
        lines.append(f"  … and {count - limit} more (use --json for all)")
    shown = result.equilibria[:limit]
    why = WHY.get(result.method, WHY["nash"])
    notes = [note for note, used in ((UNREACHED_NOTE.format(why), any(not all(e.reached.values()) for e in shown)),
                                     (ANY_NOTE, any(e.arbitrary for e in shown))) if used]
    if notes:
        lines += [""] + [width.wrap(note, "  ", "    ") for note in notes]
    lines += ["", "When equilibrium 1 is played:"]
    lines += text._payoff_block(played) + text._outcome_block(played, limit=40) + text._path_block(played)
    return "\n".join(lines)

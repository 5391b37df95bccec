"""``scenarios play`` in a game with information sets: what the student sees there.

At a decision whose information set has several members the screen shows the set's
narrative and a note that the actor cannot tell where it is (:func:`hidden_note`).  In such
a game backward induction does not apply, so the hint (key ``s``) and the end-of-walk review
use the subgame-perfect equilibrium Gambit finds (``scenarios solve FILE --method spe``) instead: its
behaviour at the set, which tells nothing about the member.

Only the standard library at module level (``scenarios --help`` imports cli.play).
"""

from __future__ import annotations

__all__ = ["hidden_note", "render_equilibrium_hint", "render_game_decisions"]


def _name(walk, key: str | None) -> str:
    return walk.scenario.actors[key].name if key else "chance"


def _behaviour_text(options) -> str:
    from .. import formatting

    played = [(label, p) for label, p in options.items() if p > 1e-12]
    if len(played) == 1:
        return f"“{played[0][0]}”"
    return ", ".join(f"“{label}” {formatting.terminal_number(p, 3)}" for label, p in played)


def hidden_note(walk) -> str:
    """The line shown at an information set: the actor cannot tell where it is."""
    who = _name(walk, walk.node.actor)
    n = len(walk.scenario.infosets[walk.infoset])
    return (f"{who} cannot tell which of {n} situations this is (information set “{walk.infoset}”): "
            f"it sees only what is written here; what it cannot see of the path so far is hidden.")


def _solver_line(walk, result) -> str:
    which = "the subgame-perfect equilibrium" if result.method == "spe" else "the first equilibrium"
    return f"{which} Gambit finds (`scenarios solve {walk.scenario.id} --method {result.method}`)"


def render_equilibrium_hint(walk, style) -> str:
    """The hint in a game with information sets: the equilibrium's behaviour where the walk is."""
    result = walk.equilibrium()
    first = result.equilibria[0]
    node = walk.node
    lines = [style.wrap(f"Strategic hint: backward induction does not apply in a game with information sets; "
                        f"here is {_solver_line(walk, result)}.", "  ", "    ")]
    if walk.infoset:
        lines.append(style.wrap(hidden_note(walk), "    "))
    if node.actor is not None:
        name = walk.scenario.infoset_of(node.id)
        options = first.behaviour.get(name)
        if name in first.arbitrary:
            lines.append(style.wrap(f"The equilibrium leaves this choice open: {_name(walk, node.actor)}'s own earlier "
                                    "choice rules it out, so any choice here keeps it an equilibrium.", "    "))
        elif options:
            lines.append(style.wrap(f"In it {_name(walk, node.actor)} plays {_behaviour_text(options)} here.",
                                    "    "))
        else:
            lines.append(style.wrap("This decision is fixed: the solution keeps its belief weights here.", "    "))
    elif node.branches:
        lines.append(style.wrap("Chance decides here; the equilibrium takes the probabilities as given.", "    "))
    else:
        lines.append("    The walk has ended.")
    return "\n".join(lines)


def render_game_decisions(walk, summary, style, branch_label) -> list[str]:
    """The end-of-walk review in a game with information sets: each decision against the
    first equilibrium's behaviour at its set."""
    from ..walk.infosets import hidden_set, members

    s = walk.scenario
    result = walk.equilibrium()
    first = result.equilibria[0]
    lines = ["", style.wrap(f"Your decisions against {_solver_line(walk, result)}:", "  ")]
    for review in summary.decisions:
        node = s.nodes[review.node]
        took = branch_label(s, review.node, review.took, review.took_branch)
        who = _name(walk, review.actor)
        you = "the roll took" if review.rolled else "you took"
        where = f"{node.label} ({who}"
        if hidden_set(s, review.node):
            where += f", not knowing which of {len(members(s, review.node))} situations it was in"
        options = first.behaviour.get(s.infoset_of(review.node))
        plays = f"; the equilibrium plays {_behaviour_text(options)}" if options else " (fixed)"
        if s.infoset_of(review.node) in first.arbitrary:
            plays = "; the equilibrium leaves this choice open (its own earlier choice rules it out)"
        lines.append(style.wrap(f"• {where}): {you} “{took}”{plays}.", "    ", "      "))
    from .. import formatting

    payoffs = ", ".join(f"{s.actors[a].name} {formatting.terminal_number(v, 2)}"
                        for a, v in first.expected_payoffs.items())
    lines.append(style.wrap(f"If every actor played that equilibrium from the start, the expected payoffs would "
                            f"be {payoffs}.", "    "))
    return lines

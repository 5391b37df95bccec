"""The results of solving a game with information sets: :class:`EquilibriumResult`.

Computed by :func:`scenarios.engine.games.solve_game` (``scenario.solve(method=...)``).
An equilibrium is a *behaviour strategy* per information set: at each set, the probability
with which its actor takes each option.  The result lists every equilibrium the method
found, and ``played`` is the ordinary :class:`~scenarios.engine.results.BeliefResult` of
the first one: the outcome distribution, expected payoffs, paths and branch views when
every decision is weighted by the equilibrium's probabilities (so drawings, tables and the
report read it as they read any result).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .results import BeliefResult, OutcomeRow, PathRow

if TYPE_CHECKING:  # pragma: no cover
    from .views import BranchView

__all__ = ["Equilibrium", "EquilibriumResult", "METHOD_NAMES"]

#: What each method computes, in words (the text output and the report use them).
METHOD_NAMES = {
    "backward": "backward induction",
    "nash": "Nash equilibria (sequence-form linear complementarity, Gambit's lcp)",
    "qre": "agent logit quantal response equilibrium (Gambit's logit)",
    "spe": "subgame-perfect equilibrium (subgames solved bottom-up with Gambit)",
}


def _clean(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


@dataclass(frozen=True, eq=False)
class Equilibrium:
    """One equilibrium (or, for ``qre`` at a finite ``lam``, one quantal response profile).

    ``behaviour``: information set name (a decision's node id when it has no ``infoset:``)
    -> option label -> probability, at every set, reached or not (a behaviour profile says
    what each actor would do everywhere).  ``reached``: set name -> whether the profile's
    play reaches it with positive probability.  ``arbitrary``: the unreached sets where the
    equilibrium leaves the behaviour open: Gambit returns no probabilities there because the
    actor's own earlier choices rule the set out, so whatever the actor would do there, the
    profile is the same equilibrium; ``behaviour`` lists the uniform choice at them (one of
    the many that fit).  ``expected_payoffs``: actor -> expected payoff when it is played
    (our engine's numbers; Gambit's agree, see the tests).  ``beliefs``: at each information
    set of two or more nodes that is reached with positive probability, member node id -> the
    probability of being there, given the set is reached (Bayes' rule on the profile); None if
    the method gives none.  ``max_regret``: the most any actor could gain by changing its
    strategy alone (0 for a Nash equilibrium, up to rounding).
    """

    behaviour: Mapping[str, Mapping[str, float]]
    expected_payoffs: Mapping[str, float]
    beliefs: Mapping[str, Mapping[str, float]] | None
    max_regret: float
    reached: Mapping[str, bool] = field(default_factory=dict)
    arbitrary: frozenset[str] = frozenset()

    @property
    def pure(self) -> bool:
        """Whether every information set takes one option with probability 1, reached or not
        (Gambit's sense); a set in :attr:`arbitrary` counts as pure, since any one option there
        gives the same equilibrium."""
        return all(_sure(options) for name, options in self.behaviour.items() if name not in self.arbitrary)

    @property
    def pure_on_path(self) -> bool:
        """Whether every set the play reaches takes one option with probability 1 (the
        equilibrium may still mix off its path: what an actor would do where play never goes)."""
        return all(_sure(options) for name, options in self.behaviour.items() if self.reached.get(name, True))

    @property
    def kind(self) -> str:
        """``pure``, ``pure on its path, mixed off it`` or ``mixed``."""
        return "pure" if self.pure else "pure on its path, mixed off it" if self.pure_on_path else "mixed"

    def to_dict(self) -> dict[str, Any]:
        return {"behaviour": {k: {a: _clean(p) for a, p in v.items()} for k, v in self.behaviour.items()},
                "reached": {k: bool(self.reached.get(k, True)) for k in self.behaviour},
                "arbitrary": [k for k in self.behaviour if k in self.arbitrary],
                "expected_payoffs": {k: _clean(v) for k, v in self.expected_payoffs.items()},
                "beliefs": None if self.beliefs is None else
                {k: {n: _clean(p) for n, p in v.items()} for k, v in self.beliefs.items()},
                "max_regret": _clean(self.max_regret), "pure": self.pure, "pure_on_path": self.pure_on_path}


def _sure(options: Mapping[str, float]) -> bool:
    return any(abs(p - 1.0) < 1e-7 for p in options.values())  # as the text shows it (cli/games.py)


@dataclass(frozen=True, eq=False)
class EquilibriumResult:
    """Strategic mode on a game with information sets (or with ``method`` asked for).

    ``method`` is ``"nash"``, ``"qre"`` or ``"spe"``; ``equilibria`` every equilibrium found,
    in the solver's order; ``players`` the actors with choices to make; ``sets`` every
    information set (name -> member node ids, a lone decision included); ``played`` the
    first equilibrium played (a BeliefResult: ``played.outcomes``, ``played.branches(id)`` …);
    ``note`` what the method does not promise (e.g. that the list is complete).
    """

    scenario: Any = field(repr=False)
    method: str
    equilibria: tuple[Equilibrium, ...]
    players: tuple[str, ...]
    sets: Mapping[str, tuple[str, ...]]
    played: BeliefResult = field(repr=False)
    note: str = ""
    lam: float | None = None

    @property
    def mode(self) -> str:
        return "equilibrium"

    @property
    def expected_payoffs(self) -> Mapping[str, float]:
        """Of the first equilibrium."""
        return self.played.expected_payoffs

    @property
    def outcomes(self) -> tuple[OutcomeRow, ...]:
        """Of the first equilibrium played (see :attr:`BeliefResult.outcomes`)."""
        return self.played.outcomes

    @property
    def paths(self) -> tuple[PathRow, ...]:
        return self.played.paths

    @property
    def tags(self) -> dict[str, float]:
        return self.played.tags

    def probability(self, node_id: str) -> float:
        return self.played.probability(node_id)

    def branches(self, node_id: str) -> tuple[BranchView, ...]:
        return self.played.branches(node_id)

    def played_path(self, start: str | None = None) -> tuple[str, ...]:
        return self.played.played_path(start) if start is not None else self.played.played_path()

    @property
    def description(self) -> str:
        return METHOD_NAMES.get(self.method, self.method)

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` document: the method, every equilibrium, and (as ``solve --json``
        gives them) the outcomes, tags, paths and expected payoffs of the first one played."""
        played = self.played.to_dict()
        return {"scenario": played["scenario"], "title": played["title"], "mode": "equilibrium",
                "method": self.method, "description": self.description, "lambda": self.lam,
                "overrides": played["overrides"], "players": list(self.players),
                "information_sets": {k: list(v) for k, v in self.sets.items()},
                "equilibria": [e.to_dict() for e in self.equilibria], "note": self.note,
                **{k: played[k] for k in ("expected_payoffs", "outcomes", "tags", "paths")}}

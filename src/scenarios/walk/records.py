"""The records a walk hands out: options, steps, hints, reviews, the reveal, the summary.

All are frozen; ``to_dict()`` is their JSON form (numbers at full precision, formatting.json_number).
:class:`~scenarios.engine.rank.PathRank` is the engine's and is re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ..engine.rank import PathRank
from ..formatting import json_number

__all__ = ["Option", "Step", "PathRank", "StrategicHint", "DecisionReview", "HistoricalStep", "Reveal",
           "WalkSummary"]


def _frozen(mapping) -> Mapping:
    return MappingProxyType(dict(mapping))


#: Numbers in ``to_dict()`` (``--json``): full precision, the one rule in formatting.py.
_clean = json_number


# -- result records -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Option:
    """One branch out of the current node, with its bound numbers.

    ``probability`` is the belief weight at a decision and the ``p`` of a chance node.
    ``index`` is the branch's position among the node's branches (from 0): several
    branches may lead to the same child ``to``, and the position tells them apart.
    """

    to: str
    label: str
    probability: float
    payoffs: Mapping[str, float] = field(default_factory=dict)  # accrued by taking it
    text: str | None = None
    index: int = 0

    def to_dict(self) -> dict:
        return {"to": self.to, "label": self.label, "probability": _clean(self.probability),
                "payoffs": {a: _clean(v) for a, v in self.payoffs.items()}, "text": self.text,
                "index": self.index}


@dataclass(frozen=True, slots=True)
class Step:
    """One step taken: from ``at`` to ``to``, chosen or rolled.

    A roll records ``draw``, its position in the seeded stream, and ``u``, the number
    drawn (uniform on [0, 1)), so it can be replayed and checked.  ``branch`` is the
    position of the branch taken among ``at``'s branches (several may lead to ``to``).
    """

    at: str
    to: str
    label: str
    probability: float
    how: str  # "chose" or "rolled"
    draw: int | None = None
    u: float | None = None
    branch: int = 0

    def to_dict(self) -> dict:
        return {"at": self.at, "to": self.to, "label": self.label, "branch": self.branch,
                "probability": _clean(self.probability), "how": self.how, "draw": self.draw}


@dataclass(frozen=True, slots=True)
class StrategicHint:
    """How the strategic solution (:func:`scenarios.solve`) plays on from a node.

    At a decision that is not ``fixed``, ``choice`` is the solved option and ``values``
    the value of every option for the deciding actor (branch payoff + the child's solved
    value).  ``expected`` is each actor's expected total payoff for the whole path if the
    solution plays on from here (what is accrued so far included); ``outcomes`` the
    outcome probabilities from here under the solution; ``likely_path`` the solved play
    from here taking the most probable branch at chance and fixed nodes.  ``values`` is
    keyed by child id; ``branch_values`` has one value per branch in listing order and
    ``choice_branch`` the chosen position (several branches may lead to one child).
    """

    node: str
    kind: str
    actor: str | None
    choice: str | None
    choice_label: str | None
    values: Mapping[str, float]
    tie: bool
    fixed: bool
    expected: Mapping[str, float]
    outcomes: Mapping[str, float]
    likely_path: tuple[str, ...]
    choice_branch: int | None = None
    branch_values: tuple[float, ...] = ()

    def to_dict(self) -> dict:
        return {"node": self.node, "kind": self.kind, "actor": self.actor, "choice": self.choice,
                "choice_label": self.choice_label, "choice_branch": self.choice_branch,
                "branch_values": [_clean(v) for v in self.branch_values],
                "values": {k: _clean(v) for k, v in self.values.items()}, "tie": self.tie,
                "fixed": self.fixed, "expected": {k: _clean(v) for k, v in self.expected.items()},
                "outcomes": {k: _clean(v) for k, v in self.outcomes.items()},
                "likely_path": list(self.likely_path)}


@dataclass(frozen=True, slots=True)
class DecisionReview:
    """A decision the walk passed, compared with the strategic solution's choice there."""

    node: str
    actor: str
    took: str
    strategic: str | None  # None at a fixed decision (kept at its belief weights)
    value_took: float  # for the deciding actor: branch payoff + solved value of the child
    value_strategic: float | None
    rolled: bool = False  # the belief weights decided (a roll), not the student
    took_branch: int | None = None  # positions among the node's branches (several may share a child)
    strategic_branch: int | None = None

    @property
    def agrees(self) -> bool:
        if self.strategic is None:
            return True
        if self.took_branch is not None and self.strategic_branch is not None:
            return self.took_branch == self.strategic_branch
        return self.took == self.strategic

    def to_dict(self) -> dict:
        return {"node": self.node, "actor": self.actor, "took": self.took, "rolled": self.rolled,
                "took_branch": self.took_branch, "strategic_branch": self.strategic_branch,
                "strategic": self.strategic, "agrees": self.agrees,
                "value_took": _clean(self.value_took),
                "value_strategic": None if self.value_strategic is None else _clean(self.value_strategic)}


@dataclass(frozen=True, slots=True)
class HistoricalStep:
    """A node marked ``historical``, with the date and the source that tell what happened
    (from the node's ``reveal:`` when it has one) and the reveal's text."""

    node: str
    label: str
    date: str | None
    event: str | None  # title of the dated source
    sources: tuple[str, ...]
    quote: str | None
    branch: str | None  # label of the branch history took from here, if any
    text: str | None = None  # what actually happened (the node's reveal text)

    def to_dict(self) -> dict:
        return {"node": self.node, "label": self.label, "date": self.date, "event": self.event,
                "sources": list(self.sources), "quote": self.quote, "branch": self.branch,
                "text": self.text}


@dataclass(frozen=True, slots=True)
class Reveal:
    """The historical path and where a walk's path left it.

    ``status`` is ``"left"`` (the walk took another branch at ``left_at``: history went
    to ``history_took``, the walk to ``you_took``), ``"followed"`` (the walk went through
    every historical node), ``"on-track"`` (so far every step was historical) or
    ``"none"`` (no node is marked historical).  ``followed`` counts the historical nodes
    the walk shared before leaving.
    """

    steps: tuple[HistoricalStep, ...]
    status: str
    followed: int
    left_at: str | None = None
    history_took: str | None = None
    you_took: str | None = None

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(s.node for s in self.steps)

    def to_dict(self) -> dict:
        return {"steps": [s.to_dict() for s in self.steps], "status": self.status,
                "followed": self.followed, "left_at": self.left_at,
                "history_took": self.history_took, "you_took": self.you_took}


@dataclass(frozen=True, slots=True)
class WalkSummary:
    """Everything shown at the end of a walk; ``to_dict()`` is its JSON form."""

    scenario: str
    path: tuple[str, ...]
    steps: tuple[Step, ...]
    outcome: str
    outcome_payoffs: Mapping[str, float]  # the outcome's own payoff
    path_payoffs: Mapping[str, float]  # everything accrued along the path, outcome included
    probability: float
    rank: PathRank
    decisions: tuple[DecisionReview, ...]
    solution_expected: Mapping[str, float]  # expected payoffs of the solved game, from the root
    reveal: Reveal

    def to_dict(self) -> dict:
        return {"scenario": self.scenario, "path": list(self.path),
                "steps": [s.to_dict() for s in self.steps], "outcome": self.outcome,
                "outcome_payoffs": {a: _clean(v) for a, v in self.outcome_payoffs.items()},
                "path_payoffs": {a: _clean(v) for a, v in self.path_payoffs.items()},
                "probability": _clean(self.probability), "rank": self.rank.to_dict(),
                "decisions": [d.to_dict() for d in self.decisions],
                "solution_expected": {a: _clean(v) for a, v in self.solution_expected.items()},
                "reveal": self.reveal.to_dict()}

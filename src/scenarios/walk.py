"""Stepping through a scenario one node at a time: the :class:`Walk`.

A walk starts at the root and moves down one branch per step: the student chooses an
option for the actor (or for chance), or rolls, letting the belief weights of a decision
or the probabilities of a chance node decide with a seeded generator.  Steps can be taken
back any number of times.  Along the way the walk knows the path's probability (the
product of the branch probabilities taken) and the payoffs accrued; at the end, the
outcome, the path's rank among all root-to-outcome paths, how the strategic solution
would have played, and the historical path (nodes marked ``historical``) with the point
where the student left it.  A walk is saved as JSON (scenario id, choices, seed, rolls)
and replays exactly.

The walk does no input or output.  ``scenarios play`` (terminal), the HTML export and the
notebooks all drive this one object.  The numbers come from
:func:`scenarios.engine.bind.bind` and :func:`scenarios.solve`, so overrides are
honoured exactly as ``scenarios evaluate --set`` honours them.

Randomness: roll number ``k`` of a walk uses the ``k``-th number of
``numpy.random.default_rng(seed).random()``.  Going back does not rewind the stream (a
student who goes back and rolls again gets a fresh roll); a saved walk records how many
numbers were drawn, so a resumed walk rolls on exactly as the original would have.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from .engine.bind import bind
from .engine.compiled import OUTCOME
from .engine.paths import top_paths
from .engine.propagate import forward
from .errors import SavedWalkError, ScenarioError, UnknownNameError, WalkError  # noqa: F401  (defined in errors.py; importable here as before)
from .model import Node, Scenario, Source

__all__ = ["Walk", "Option", "Step", "PathRank", "StrategicHint", "DecisionReview",
           "HistoricalStep", "Reveal", "WalkSummary", "WalkError", "SavedWalkError",
           "historical_path", "reveal", "path_rank", "count_paths", "event_date",
           "ordinal", "RANK_TOLERANCE", "WALK_FORMAT", "WALK_VERSION"]

#: Two path probabilities within this relative distance are ties when ranking.  Products
#: of the same factors in another order differ in the last bits; nothing else is this close.
RANK_TOLERANCE = 1e-9
#: ``format`` and ``version`` of a saved walk (JSON).
WALK_FORMAT = "scenarios-walk"
WALK_VERSION = 1
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?")


def _frozen(mapping) -> Mapping:
    return MappingProxyType(dict(mapping))


def _clean(x: float) -> float:
    return float(f"{x:.15g}")


# -- result records -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Option:
    """One branch out of the current node, with its bound numbers.

    ``probability`` is the belief weight at a decision and the ``p`` of a chance node.
    """

    to: str
    label: str
    probability: float
    payoffs: Mapping[str, float] = field(default_factory=dict)  # accrued by taking it
    text: str | None = None

    def to_dict(self) -> dict:
        return {"to": self.to, "label": self.label, "probability": _clean(self.probability),
                "payoffs": {a: _clean(v) for a, v in self.payoffs.items()}, "text": self.text}


@dataclass(frozen=True, slots=True)
class Step:
    """One step taken: from ``at`` to ``to``, chosen or rolled.

    A roll records ``draw``, its position in the seeded stream, and ``u``, the number
    drawn (uniform on [0, 1)), so it can be replayed and checked.
    """

    at: str
    to: str
    label: str
    probability: float
    how: str  # "chose" or "rolled"
    draw: int | None = None
    u: float | None = None

    def to_dict(self) -> dict:
        return {"at": self.at, "to": self.to, "label": self.label,
                "probability": _clean(self.probability), "how": self.how, "draw": self.draw}


@dataclass(frozen=True, slots=True)
class PathRank:
    """Where a path stands among all root-to-outcome paths, most probable first.

    ``rank`` is ``1 + higher`` (competition ranking: equally probable paths share the
    best rank among them); ``ties`` counts the *other* paths as probable as this one
    (within :data:`RANK_TOLERANCE`); ``total`` counts every path, zero-probability ones
    included.
    """

    rank: int
    higher: int
    ties: int
    total: int
    probability: float

    def to_dict(self) -> dict:
        return {"rank": self.rank, "higher": self.higher, "ties": self.ties, "total": self.total,
                "probability": _clean(self.probability)}


@dataclass(frozen=True, slots=True)
class StrategicHint:
    """How the strategic solution (:func:`scenarios.solve`) plays on from a node.

    At a decision that is not ``fixed``, ``choice`` is the solved option and ``values``
    the value of every option for the deciding actor (branch payoff + the child's solved
    value).  ``expected`` is each actor's expected total payoff for the whole path if the
    solution plays on from here (what is accrued so far included); ``outcomes`` the
    outcome probabilities from here under the solution; ``likely_path`` the solved play
    from here taking the most probable branch at chance and fixed nodes.
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

    def to_dict(self) -> dict:
        return {"node": self.node, "kind": self.kind, "actor": self.actor, "choice": self.choice,
                "choice_label": self.choice_label,
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

    @property
    def agrees(self) -> bool:
        return self.strategic is None or self.took == self.strategic

    def to_dict(self) -> dict:
        return {"node": self.node, "actor": self.actor, "took": self.took, "rolled": self.rolled,
                "strategic": self.strategic, "agrees": self.agrees,
                "value_took": _clean(self.value_took),
                "value_strategic": None if self.value_strategic is None else _clean(self.value_strategic)}


@dataclass(frozen=True, slots=True)
class HistoricalStep:
    """A node marked ``historical``, with the date and the source that tell what happened."""

    node: str
    label: str
    date: str | None
    event: str | None  # title of the dated source
    sources: tuple[str, ...]
    quote: str | None
    branch: str | None  # label of the branch history took from here, if any

    def to_dict(self) -> dict:
        return {"node": self.node, "label": self.label, "date": self.date, "event": self.event,
                "sources": list(self.sources), "quote": self.quote, "branch": self.branch}


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


# -- the walk -------------------------------------------------------------------------------
class Walk:
    """A student's walk through ``scenario``, from the root to an outcome.

    Parameters
    ----------
    scenario : Scenario
    seed : int, numpy.random.Generator or None
        Seeds the rolls.  ``None`` picks a fresh seed, recorded in :attr:`seed` so the
        walk can still be saved and replayed; a Generator gives one number for it.
    overrides : mapping, optional
        As ``scenarios evaluate --set``: ``{"param": value}`` or ``{"NODE.CHILD": p}``.

    Raises
    ------
    UnknownNameError, ExpressionError, ProbabilityError
        for bad ``overrides``.

    Examples
    --------
    >>> import scenarios
    >>> from scenarios.walk import Walk
    >>> walk = Walk(scenarios.load("entry-deterrence"), seed=1)
    >>> [(o.label, o.probability) for o in walk.options]
    [('Stay out', 0.5), ('Enter', 0.5)]
    >>> walk.choose("Enter").to
    'response'
    >>> walk.choose("war").label
    'Fight (price war)'
    >>> walk.is_finished, walk.path_probability, dict(walk.payoffs)
    (True, 0.15, {'entrant': -1.0, 'incumbent': -1.0})
    >>> walk.rank()
    PathRank(rank=3, higher=2, ties=0, total=3, probability=0.15)
    >>> walk.back().id
    'response'
    """

    __slots__ = ("scenario", "seed", "overrides", "_bound", "_rng", "_draws", "_steps",
                 "_solution", "_played")

    def __init__(self, scenario: Scenario, *, seed: int | np.random.Generator | None = None,
                 overrides: Mapping[str, Any] | None = None):
        if not isinstance(scenario, Scenario):
            raise TypeError(f"Walk() takes a Scenario, not {type(scenario).__name__}")
        self.scenario = scenario
        self.overrides = dict(overrides or {})
        self._bound = bind(scenario, self.overrides)
        self.seed = _seed_of(seed)
        self._rng = np.random.default_rng(self.seed)
        self._draws = 0
        self._steps: list[Step] = []
        self._solution = None
        self._played = None

    # -- where we are ----------------------------------------------------------------------
    @property
    def node(self) -> Node:
        """The current node."""
        return self.scenario.nodes[self.node_id]

    @property
    def node_id(self) -> str:
        return self._steps[-1].to if self._steps else self.scenario.root

    @property
    def text(self) -> str | None:
        """The narrative of the current node."""
        return self.node.text

    @property
    def sources(self) -> tuple[Source, ...]:
        """The current node's sources (unknown keys cannot occur: the loader checks them)."""
        return tuple(self.scenario.sources[key] for key in self.node.source)

    @property
    def quote(self) -> str | None:
        return self.node.quote

    @property
    def actor(self) -> str | None:
        """Key of the actor deciding at the current node (None at chance nodes and outcomes)."""
        return self.node.actor

    @property
    def options(self) -> tuple[Option, ...]:
        """The branches out of the current node in listing order (empty at an outcome)."""
        return self._options_at(self.node_id)

    @property
    def history(self) -> tuple[Step, ...]:
        """The steps taken so far, first first."""
        return tuple(self._steps)

    @property
    def path(self) -> tuple[str, ...]:
        """Node ids from the root to the current node."""
        return (self.scenario.root,) + tuple(s.to for s in self._steps)

    @property
    def path_probability(self) -> float:
        """Product of the probabilities of the branches taken (1 at the root)."""
        probability = 1.0
        for step in self._steps:  # left to right, as the HTML page multiplies too
            probability *= step.probability
        return probability

    @property
    def is_finished(self) -> bool:
        return self.node.kind == "outcome"

    @property
    def is_at_start(self) -> bool:
        return not self._steps

    @property
    def rolls(self) -> int:
        """How many random numbers the walk has drawn (rolls taken back included)."""
        return self._draws

    @property
    def accrued(self) -> Mapping[str, float]:
        """Payoffs accrued so far: nodes passed (the current one included) and branches taken."""
        compiled = self._bound.compiled
        nodes = [compiled.index[n] for n in self.path]
        edges = [self._edge(s.at, s.to) for s in self._steps]
        total = (self._bound.node_payoff[nodes].sum(axis=0)
                 + self._bound.edge_payoff[edges].sum(axis=0))
        return _frozen(zip(compiled.actors, map(float, total), strict=False))

    @property
    def payoffs(self) -> Mapping[str, float]:
        """The outcome's own payoffs (the walk must be finished)."""
        self._require_finished("payoffs")
        row = self._bound.node_payoff[self._bound.compiled.index[self.node_id]]
        return _frozen(zip(self._bound.compiled.actors, map(float, row), strict=False))

    @property
    def outcome(self) -> Node | None:
        """The outcome node reached, or None while walking."""
        return self.node if self.is_finished else None

    # -- moving ----------------------------------------------------------------------------
    def choose(self, option: str | Option) -> Step:
        """Take the option given by its branch label, its child id, or an :class:`Option`.

        Raises
        ------
        UnknownNameError
            if no option matches (the message lists the valid ones).
        WalkError
            if the walk is finished.
        """
        self._require_walking("choose")
        options = self.options
        target = _match_option(options, option, self.node_id)
        return self._take(target, "chose")

    def roll(self) -> Step:
        """Let chance (or, at a decision, the belief weights) pick the next branch.

        Raises
        ------
        WalkError
            if the walk is finished.
        """
        self._require_walking("roll")
        u = float(self._rng.random())
        draw = self._draws
        self._draws += 1
        return self._take(_pick(self.options, u), "rolled", draw, u)

    def back(self, steps: int = 1) -> Node:
        """Undo the last ``steps`` steps; return the node the walk is now at.

        Raises
        ------
        WalkError
            at the start, or when asked to go back further than the walk has come.
        """
        if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
            raise ValueError(f"back() takes a whole number of steps >= 1, not {steps!r}")
        if not self._steps:
            raise WalkError(f"already at the start ({self.scenario.root!r}): there is no step to go back")
        if steps > len(self._steps):
            raise WalkError(f"cannot go back {steps} steps: only {len(self._steps)} taken")
        del self._steps[len(self._steps) - steps:]
        return self.node

    def restart(self) -> Node:
        """Go back to the root (the random stream is not rewound)."""
        self._steps.clear()
        return self.node

    def _take(self, option: Option, how: str, draw: int | None = None, u: float | None = None) -> Step:
        step = Step(self.node_id, option.to, option.label, option.probability, how, draw, u)
        self._steps.append(step)
        return step

    # -- analysis of the walk ------------------------------------------------------------------
    def rank(self) -> PathRank:
        """The finished path's rank among all root-to-outcome paths; see :func:`path_rank`.

        Raises
        ------
        WalkError
            if the walk has not reached an outcome.
        """
        self._require_finished("rank")
        return path_rank(self._bound, self.path_probability)

    def hint(self) -> StrategicHint:
        """How the strategic solution would play on from the current node.

        Examples
        --------
        >>> import scenarios
        >>> walk = Walk(scenarios.load("entry-deterrence"))
        >>> _ = walk.choose("Enter")
        >>> hint = walk.hint()
        >>> hint.choice, dict(hint.values)
        ('share', {'war': -1.0, 'share': 1.0})
        """
        solution = self._solve()
        compiled = self._bound.compiled
        node = self.node
        i = compiled.index[node.id]
        values = solution.values_array
        actors = compiled.actors
        option_values: dict[str, float] = {}
        choice = None
        if node.kind == "decision":
            a = actors.index(node.actor)
            for option in self.options:
                e = self._edge(node.id, option.to)
                option_values[option.to] = float(self._bound.edge_payoff[e, a]
                                                 + values[compiled.index[option.to], a])
            if solution.chosen_edge[i] >= 0:
                choice = compiled.ids[compiled.child[solution.chosen_edge[i]]]
        accrued = np.fromiter(self.accrued.values(), dtype=float, count=len(actors))
        expected = accrued - self._bound.node_payoff[i] + values[i]
        reach = forward(compiled, self._played_p(), start=i)
        outcomes = np.flatnonzero((compiled.kind == OUTCOME) & (reach > 0))
        order = outcomes[np.lexsort((compiled.listing[outcomes], -reach[outcomes]))]
        label = next((b.label for b in node.branches if b.to == choice), None)
        return StrategicHint(
            node=node.id, kind=node.kind, actor=node.actor, choice=choice, choice_label=label,
            values=_frozen(option_values), tie=node.id in solution.ties,
            fixed=node.kind == "decision" and node.fixed,
            expected=_frozen(zip(actors, map(float, expected), strict=False)),
            outcomes=_frozen((compiled.ids[j], float(reach[j])) for j in order),
            likely_path=self._likely_path(i))

    def review(self) -> tuple[DecisionReview, ...]:
        """Each decision the walk passed, with the strategic solution's choice there."""
        solution = self._solve()
        compiled = self._bound.compiled
        values = solution.values_array
        out = []
        for step in self._steps:
            node = self.scenario.nodes[step.at]
            if node.kind != "decision":
                continue
            i, a = compiled.index[node.id], compiled.actors.index(node.actor)

            def value_of(child: str) -> float:
                e = self._edge(node.id, child)
                return float(self._bound.edge_payoff[e, a] + values[compiled.index[child], a])

            chosen = solution.chosen_edge[i]
            strategic = compiled.ids[compiled.child[chosen]] if chosen >= 0 else None
            out.append(DecisionReview(node.id, node.actor, step.to, strategic, value_of(step.to),
                                      value_of(strategic) if strategic else None,
                                      step.how == "rolled"))
        return tuple(out)

    def reveal(self) -> Reveal:
        """The historical path and where this walk left it; see :func:`reveal`."""
        return reveal(self.scenario, self.path)

    def summary(self) -> WalkSummary:
        """The end-of-walk summary: path, probability, rank, payoffs, decisions, reveal.

        Raises
        ------
        WalkError
            if the walk has not reached an outcome.

        Examples
        --------
        >>> import scenarios
        >>> walk = Walk(scenarios.load("entry-deterrence"))
        >>> _ = walk.choose("Stay out")
        >>> s = walk.summary()
        >>> s.outcome, s.probability, s.rank.rank, [d.strategic for d in s.decisions]
        ('stay_out', 0.5, 1, ['response'])
        """
        self._require_finished("summary")
        solution = self._solve()
        return WalkSummary(
            scenario=self.scenario.id, path=self.path, steps=self.history, outcome=self.node_id,
            outcome_payoffs=self.payoffs, path_payoffs=self.accrued,
            probability=self.path_probability, rank=self.rank(), decisions=self.review(),
            solution_expected=_frozen(solution.expected_payoffs), reveal=self.reveal())

    # -- saving and resuming -------------------------------------------------------------------
    def to_dict(self) -> dict:
        """The saved form: scenario id, seed, overrides, choices and the number of rolls."""
        return {"format": WALK_FORMAT, "version": WALK_VERSION, "scenario": self.scenario.id,
                "seed": self.seed, "overrides": dict(self.overrides),
                "choices": [{"at": s.at, "to": s.to, "how": s.how, "draw": s.draw} for s in self._steps],
                "rolls": self._draws, "path": list(self.path),
                "probability": _clean(self.path_probability)}

    def dumps(self) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_dict(cls, scenario: Scenario, data: Any) -> Walk:
        """Replay a saved walk on ``scenario``; every roll is re-drawn and checked.

        Raises
        ------
        SavedWalkError
            if ``data`` is not a saved walk, belongs to another scenario, or does not
            replay (a choice that is not a branch, a roll that now lands elsewhere).
        """
        _check_saved(data)
        if data["scenario"] != scenario.id:
            raise SavedWalkError(f"saved walk is for scenario {data['scenario']!r}, "
                                 f"not {scenario.id!r}")
        try:
            walk = cls(scenario, seed=data["seed"], overrides=data["overrides"])
        except ScenarioError as exc:
            raise SavedWalkError(f"saved walk: its overrides do not apply: {exc}") from None
        rolls = data["rolls"]
        draws = [c["draw"] for c in data["choices"] if c["how"] == "rolled"]
        if any(b <= a for a, b in zip(draws, draws[1:], strict=False)) or any(d >= rolls for d in draws):
            raise SavedWalkError(f"saved walk: roll numbers {draws} must increase and stay "
                                 f"below 'rolls' ({rolls})")
        stream = np.random.default_rng(walk.seed).random(rolls)
        for n, choice in enumerate(data["choices"], 1):
            where = f"saved walk, choice {n}"
            if choice["at"] != walk.node_id:
                raise SavedWalkError(f"{where}: made at {choice['at']!r}, but the walk is at "
                                     f"{walk.node_id!r}")
            if walk.is_finished:
                raise SavedWalkError(f"{where}: the walk already ended at {walk.node_id!r}")
            options = walk.options
            if choice["to"] not in {o.to for o in options}:
                raise SavedWalkError(f"{where}: {walk.node_id!r} has no branch to {choice['to']!r} "
                                     f"(its options: {', '.join(o.to for o in options)})")
            if choice["how"] == "chose":
                walk._take(next(o for o in options if o.to == choice["to"]), "chose")
            else:
                u = float(stream[choice["draw"]])
                picked = _pick(options, u)
                if picked.to != choice["to"]:
                    raise SavedWalkError(
                        f"{where}: roll #{choice['draw']} now lands on {picked.to!r}, not "
                        f"{choice['to']!r} (were the scenario's numbers changed?)")
                walk._take(picked, "rolled", choice["draw"], u)
        walk._rng = np.random.default_rng(walk.seed)
        walk._rng.random(rolls)  # advance the stream past the numbers already drawn
        walk._draws = rolls
        return walk

    @classmethod
    def loads(cls, scenario: Scenario, text: str) -> Walk:
        """Replay a walk saved as JSON text (:meth:`dumps`).

        Raises
        ------
        SavedWalkError
            for text that is not JSON, and as :meth:`from_dict`.

        Examples
        --------
        >>> import scenarios
        >>> s = scenarios.load("entry-deterrence")
        >>> walk = Walk(s, seed=7)
        >>> _ = walk.roll()
        >>> again = Walk.loads(s, walk.dumps())
        >>> again.history == walk.history and again.roll() == walk.roll()
        True
        """
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, TypeError) as exc:
            raise SavedWalkError(f"saved walk is not valid JSON: {exc}") from None
        return cls.from_dict(scenario, data)

    # -- helpers -------------------------------------------------------------------------------
    def _edge(self, parent: str, child: str) -> int:
        compiled = self._bound.compiled
        node = self.scenario.nodes[parent]
        j = next(k for k, b in enumerate(node.branches) if b.to == child)
        return int(compiled.edge_start[compiled.index[parent]] + j)

    def _options_at(self, node_id: str) -> tuple[Option, ...]:
        compiled = self._bound.compiled
        start = int(compiled.edge_start[compiled.index[node_id]])
        actors = compiled.actors
        out = []
        for j, branch in enumerate(self.scenario.nodes[node_id].branches):
            e = start + j  # edges are sorted by parent, then branch order
            payoffs = {a: float(v) for a, v in zip(actors, self._bound.edge_payoff[e], strict=False) if v != 0}
            out.append(Option(branch.to, branch.label, float(self._bound.p[e]), _frozen(payoffs),
                              branch.text))
        return tuple(out)

    def _solve(self):
        if self._solution is None:
            self._solution = self.scenario.solve(overrides=self.overrides, top=0)
        return self._solution

    def _played_p(self) -> np.ndarray:
        """Edge probabilities when the solution is played: 1 on chosen branches, 0 on the others."""
        if self._played is None:
            compiled = self._bound.compiled
            chosen = self._solve().chosen_edge
            p = self._bound.p.copy()
            p[chosen[compiled.parent] >= 0] = 0.0
            p[chosen[chosen >= 0]] = 1.0
            self._played = p
        return self._played

    def _likely_path(self, i: int) -> tuple[str, ...]:
        compiled = self._bound.compiled
        p = self._played_p()
        path = [compiled.ids[i]]
        while compiled.kind[i] != OUTCOME:
            lo, hi = compiled.edge_start[i], compiled.edge_start[i + 1]
            e = lo + int(np.argmax(p[lo:hi]))  # first of the most probable
            i = int(compiled.child[e])
            path.append(compiled.ids[i])
        return tuple(path)

    def _require_walking(self, what: str) -> None:
        if self.is_finished:
            raise WalkError(f"cannot {what}: the walk has ended at outcome {self.node_id!r} "
                            "(go back, or start a new walk)")

    def _require_finished(self, what: str) -> None:
        if not self.is_finished:
            raise WalkError(f"no {what} yet: the walk is at {self.node_id!r}, not at an outcome")

    def __repr__(self) -> str:
        return (f"Walk(scenario={self.scenario.id!r}, at={self.node_id!r}, steps={len(self._steps)}, "
                f"seed={self.seed})")


# -- free functions ---------------------------------------------------------------------------
def _seed_of(seed) -> int:
    if seed is None:
        return int(np.random.SeedSequence().entropy % 2**32)
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(2**32))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be a whole number, a numpy Generator or None, not {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, not {seed}")
    return int(seed)


def _pick(options: tuple[Option, ...], u: float) -> Option:
    """The option whose cumulative interval holds ``u``; zero-probability options never."""
    weights = np.array([o.probability for o in options])
    cumulative = np.cumsum(weights)
    k = int(np.searchsorted(cumulative, u * cumulative[-1], side="right"))
    if k >= len(options):  # u * total rounded onto the last boundary
        k = int(np.flatnonzero(weights > 0)[-1])
    return options[k]


def _match_option(options: tuple[Option, ...], wanted, node_id: str) -> Option:
    if isinstance(wanted, Option):
        for option in options:
            if option.to == wanted.to:
                return option
        wanted = wanted.to
    if not isinstance(wanted, str):
        raise TypeError(f"choose() takes a branch label, a child id or an Option, not {wanted!r}")
    for option in options:
        if option.to == wanted:
            return option
    for test in (lambda o: o.label == wanted,
                 lambda o: o.label.casefold() == wanted.strip().casefold()):
        hits = [o for o in options if test(o)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise UnknownNameError(f"option {wanted!r} at {node_id!r} is ambiguous: several "
                                   f"branches have that label; use the child id "
                                   f"({', '.join(o.to for o in hits)})")
    valid = "; ".join(f"{o.label!r} (to {o.to})" for o in options)
    close = difflib.get_close_matches(wanted, [o.label for o in options] + [o.to for o in options], n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise UnknownNameError(f"no option {wanted!r} at {node_id!r}{hint}; the options are: {valid}")


def _check_saved(data: Any) -> None:
    """Shape checks of a saved walk, each with a message that says what is wrong."""
    def bad(message: str):
        raise SavedWalkError(f"saved walk: {message}")

    if not isinstance(data, dict):
        bad(f"expected a JSON object, found {type(data).__name__}")
    if data.get("format") != WALK_FORMAT:
        bad(f"'format' must be {WALK_FORMAT!r} (is this a saved walk?)")
    if data.get("version") != WALK_VERSION:
        bad(f"unsupported version {data.get('version')!r} (this program reads {WALK_VERSION})")
    for key, kind in (("scenario", str), ("seed", int), ("rolls", int), ("choices", list),
                      ("overrides", dict)):
        value = data.get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            bad(f"{key!r} must be {'a ' + kind.__name__ if key != 'overrides' else 'an object'}, "
                f"found {value!r}")
    if data["seed"] < 0 or data["rolls"] < 0:
        bad("'seed' and 'rolls' must be >= 0")
    for key, value in data["overrides"].items():
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            bad(f"override {key!r} must be a number or an expression, found {value!r}")
    for n, choice in enumerate(data["choices"], 1):
        if not isinstance(choice, dict) or not isinstance(choice.get("at"), str) \
                or not isinstance(choice.get("to"), str):
            bad(f"choice {n} must be an object with text 'at' and 'to', found {choice!r}")
        how, draw = choice.get("how"), choice.get("draw")
        if how not in ("chose", "rolled"):
            bad(f"choice {n}: 'how' must be 'chose' or 'rolled', found {how!r}")
        if how == "rolled" and (not isinstance(draw, int) or isinstance(draw, bool) or draw < 0):
            bad(f"choice {n}: a roll needs its 'draw' number (>= 0), found {draw!r}")
        if how == "chose" and draw is not None:
            bad(f"choice {n}: a choice has no 'draw', found {draw!r}")


def count_paths(compiled, p: np.ndarray | None = None) -> int:
    """Number of root-to-outcome paths (only those of positive probability, given ``p``).

    One backward pass in exact integers, without enumerating the paths.

    >>> import scenarios
    >>> count_paths(scenarios.load("donbas-recognition-2022").compiled)
    64
    """
    count = np.where(compiled.kind == OUTCOME, 1, 0).astype(object)
    use = np.ones(compiled.n_edges, dtype=bool) if p is None else p > 0
    for g in range(len(compiled.gen_nodes) - 2, -1, -1):
        lo, hi = compiled.gen_nodes[g], compiled.gen_nodes[g + 1]
        es = slice(compiled.gen_edges[g], compiled.gen_edges[g + 1])
        if es.start == es.stop:
            continue
        per_edge = np.where(use[es], count[compiled.child[es]], 0).astype(object)
        starts = compiled.edge_start[lo:hi]
        has = compiled.edge_start[lo + 1:hi + 1] > starts
        count[np.arange(lo, hi)[has]] = np.add.reduceat(per_edge, starts[has] - es.start)
    return int(count[compiled.root])


def path_rank(bound, probability: float) -> PathRank:
    """Rank of a path of ``probability`` among the root-to-outcome paths under ``bound``.

    Counts the paths that are more probable with the best-first search of
    :func:`scenarios.engine.paths.top_paths`, asking for four times as many paths
    until the last one found is below ``probability``, so only the paths ranked above (and
    a few below) are ever built, never all of them.  Probabilities within
    :data:`RANK_TOLERANCE` (relative) of each other are ties, and tied paths share the
    best rank among them.  A path of probability 0 ranks after every possible path.

    >>> import scenarios
    >>> from scenarios.engine.bind import bind
    >>> path_rank(bind(scenarios.load("entry-deterrence")), 0.35)
    PathRank(rank=2, higher=1, ties=0, total=3, probability=0.35)
    """
    compiled = bound.compiled
    total = count_paths(compiled)
    if not probability > 0:
        positive = count_paths(compiled, bound.p)
        return PathRank(positive + 1, positive, total - positive - 1, total, float(probability))
    high = probability * (1 + RANK_TOLERANCE)
    low = probability * (1 - RANK_TOLERANCE)
    k = 64
    while True:
        found = [prob for _, _, prob in top_paths(compiled, bound.p, k)]
        if len(found) < k or found[-1] < low:
            break
        k *= 4
    higher = sum(1 for q in found if q > high)
    equal = sum(1 for q in found if low <= q <= high)
    return PathRank(higher + 1, higher, max(equal - 1, 0), total, float(probability))


def historical_path(scenario: Scenario) -> tuple[str, ...]:
    """Ids of the nodes marked ``historical``, in the order they happened (topological).

    >>> import scenarios
    >>> historical_path(scenarios.load("donbas-recognition-2022"))
    ('putin_desk', 'recognized', 'recog_sanctions', 'invasion', 'full_scale_war')
    """
    compiled = scenario.compiled
    marked = [i for i, node_id in enumerate(compiled.ids) if scenario.nodes[node_id].historical]
    return tuple(compiled.ids[i] for i in marked)  # compiled order is topological


def event_date(scenario: Scenario, node: Node) -> tuple[str | None, Source | None]:
    """The date of what happened at ``node`` and the source that gives it.

    The first source dated after the scenario's ``as_of`` (what happened next), else the
    latest dated source (what was known then); ``(None, None)`` without dated sources.
    """
    dated = []
    for key in node.source:
        src = scenario.sources[key]
        match = _DATE.match(src.date or "")
        if match:
            dated.append((match.group(0), src))
    if not dated:
        return None, None
    after = sorted((d for d in dated if scenario.as_of and d[0] > scenario.as_of), key=lambda d: d[0])
    chosen = after[0] if after else max(dated, key=lambda d: d[0])
    return chosen


def reveal(scenario: Scenario, path: tuple[str, ...] | list[str] = ()) -> Reveal:
    """The historical path with dates and sources, and where ``path`` left it.

    >>> import scenarios
    >>> s = scenarios.load("donbas-recognition-2022")
    >>> r = reveal(s, ["putin_desk", "minsk_talks"])
    >>> r.status, r.left_at, r.history_took, r.you_took
    ('left', 'putin_desk', 'recognized', 'minsk_talks')
    >>> [(step.date, step.node) for step in r.steps][1:4]
    [('2022-02-21', 'recognized'), ('2022-02-22', 'recog_sanctions'), ('2022-02-24', 'invasion')]
    """
    ids = historical_path(scenario)
    steps = []
    for k, node_id in enumerate(ids):
        node = scenario.nodes[node_id]
        date, src = event_date(scenario, node)
        nxt = ids[k + 1] if k + 1 < len(ids) else None
        branch = next((b.label for b in node.branches if b.to == nxt), None)
        steps.append(HistoricalStep(node_id, node.label, date, src.title if src else None,
                                    node.source, node.quote, branch))
    path = list(path)
    if not ids:
        return Reveal((), "none", 0)
    common = 0
    while common < min(len(ids), len(path)) and ids[common] == path[common]:
        common += 1
    if common == len(ids):
        return Reveal(tuple(steps), "followed", common)
    if common == len(path):
        return Reveal(tuple(steps), "on-track", common)
    left_at = path[common - 1] if common else None
    return Reveal(tuple(steps), "left", common, left_at, ids[common], path[common])


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``11th``, ``22nd``…

    >>> [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 102)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '102nd']
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"

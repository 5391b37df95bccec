"""The :class:`Walk` itself: where it is, its options, choosing, rolling, going back.

Every number comes from the scenario's results: ``scenario.evaluate(overrides=...)`` for
the bound probabilities and payoffs, ``scenario.solve(overrides=...)`` for the hints and
the review, :func:`scenarios.engine.rank.path_rank` for the rank.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine.rank import PathRank, outcomes_from, path_rank
from ..errors import UnknownNameError, WalkError, did_you_mean
from ..kinds import KINDS
from ..model import Node, Scenario, Source
from .history import reveal
from .infosets import hidden_set, narrative_node, step_views
from .records import DecisionReview, Option, Reveal, Step, StrategicHint, WalkSummary, _frozen
from .saved import parse, replay, saved_form

if TYPE_CHECKING:  # pragma: no cover
    from ..engine.equilibrium import EquilibriumResult
    from ..engine.results import SolveResult

__all__ = ["Walk", "pick"]


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
    PathRank(rank=3, higher=2, ties=0, total=3, probability=0.15, exact=True)
    >>> walk.back().id
    'response'
    """

    __slots__ = ("scenario", "seed", "overrides", "_belief", "_rng", "_draws", "_steps",
                 "_solution", "_positions")

    def __init__(self, scenario: Scenario, *, seed: int | np.random.Generator | None = None,
                 overrides: Mapping[str, Any] | None = None):
        if not isinstance(scenario, Scenario):
            raise TypeError(f"Walk() takes a Scenario, not {type(scenario).__name__}")
        self.scenario = scenario
        self.overrides = dict(overrides or {})
        self._belief = scenario.evaluate(overrides=self.overrides, top=0)
        self.seed = _seed_of(seed)
        self._rng = np.random.default_rng(self.seed)
        self._draws = 0
        self._steps: list[Step] = []
        self._solution: SolveResult | EquilibriumResult | None = None
        self._positions: dict[str, int] | None = None

    # -- where we are ----------------------------------------------------------------------
    @property
    def node(self) -> Node:
        """The current node."""
        return self.scenario.nodes[self.node_id]

    @property
    def node_id(self) -> str:
        return self._steps[-1].to if self._steps else self.scenario.root

    @property
    def infoset(self) -> str | None:
        """The current node's information set when it has several members (the actor cannot
        tell them apart: show only :attr:`narrative` and :meth:`step_views`), else None."""
        return hidden_set(self.scenario, self.node_id)

    @property
    def narrative(self) -> Node:
        """The node whose label, text, quote and sources the student reads here: the current
        node, or at an information set its first member (see :mod:`scenarios.walk.infosets`)."""
        return narrative_node(self.scenario, self.node_id)

    def step_views(self) -> tuple[str, ...]:
        """For each step taken, ``"shown"``, ``"action"`` or ``"hidden"``: what the actor
        deciding at the current node can see of it (all ``"shown"`` outside information sets)."""
        return tuple(step_views(self.scenario, self.node_id, [(s.at, s.branch) for s in self._steps]))

    @property
    def text(self) -> str | None:
        """The narrative the student reads at the current node (:attr:`narrative`'s text)."""
        return self.narrative.text

    @property
    def sources(self) -> tuple[Source, ...]:
        """The sources of :attr:`narrative` (unknown keys cannot occur: the loader checks them)."""
        return tuple(self.scenario.sources[key] for key in self.narrative.source)

    @property
    def quote(self) -> str | None:
        return self.narrative.quote

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
        return not KINDS[self.node.kind].has_branches

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
        arrays = self._belief.arrays
        nodes = [self._position(n) for n in self.path]
        edges = [self._edge(s.at, s.branch) for s in self._steps]
        total = arrays.node_payoffs[nodes].sum(axis=0) + arrays.edge_payoffs[edges].sum(axis=0)
        return _frozen(zip(arrays.actors, map(float, total), strict=False))

    @property
    def payoffs(self) -> Mapping[str, float]:
        """The outcome's own payoffs (the walk must be finished)."""
        self._require_finished("payoffs")
        return _frozen(self._belief.node_payoffs(self.node_id))

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
        return self._take(pick(self.options, u), "rolled", draw, u)

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
        step = Step(self.node_id, option.to, option.label, option.probability, how, draw, u, option.index)
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
        return path_rank(self._belief, self.path_probability)

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
        if not self.scenario.perfect_information:
            raise WalkError("no backward-induction hint in a game with information sets: see "
                            "Walk.equilibrium() (the equilibria Gambit finds)")
        solution = self._solve()
        node = self.node
        deciding = KINDS[node.kind].rule == "choose"
        option_values: dict[str, float] = {}
        branch_values: tuple[float, ...] = ()
        choice = position = None
        if deciding:
            actor = node.actor
            assert actor is not None  # a decision always has an actor
            views = solution.branches(node.id)
            branch_values = tuple(b.value[actor] for b in views)
            for b in views:  # by child: of several branches to one child, the best
                option_values[b.to] = max(option_values.get(b.to, b.value[actor]), b.value[actor])
            choice = solution.choice(node.id)
            position = solution.choice_branches.get(node.id)
        arrays, i = solution.arrays, self._position(node.id)
        accrued = np.fromiter(self.accrued.values(), dtype=float, count=len(arrays.actors))
        expected = accrued - arrays.node_payoffs[i] + arrays.values[i]
        label = None if position is None else node.branches[position].label
        return StrategicHint(
            node=node.id, kind=node.kind, actor=node.actor, choice=choice, choice_label=label,
            values=_frozen(option_values), tie=node.id in solution.ties,
            fixed=deciding and node.fixed,
            expected=_frozen(zip(arrays.actors, map(float, expected), strict=False)),
            outcomes=_frozen(outcomes_from(solution, node.id)),
            likely_path=solution.played_path(node.id), choice_branch=position, branch_values=branch_values)

    def review(self) -> tuple[DecisionReview, ...]:
        """Each decision the walk passed, with the strategic solution's choice there.  In a game
        with information sets there is no single choice to compare with: ``strategic`` is None
        and the values are those of the first equilibrium (:meth:`equilibrium`)."""
        if not self.scenario.perfect_information:
            played = self.equilibrium().played
            reviews = []
            for step in self._steps:
                actor = self.scenario.nodes[step.at].actor
                if actor is not None:  # a decision
                    took = played.branches(step.at)[step.branch].value[actor]
                    reviews.append(DecisionReview(step.at, actor, step.to, None, took, None, step.how == "rolled",
                                                  step.branch, None))
            return tuple(reviews)
        solution = self._solve()
        out = []
        for step in self._steps:
            node = self.scenario.nodes[step.at]
            if KINDS[node.kind].rule != "choose":
                continue
            actor = node.actor
            assert actor is not None  # a decision always has an actor
            value = [b.value[actor] for b in solution.branches(node.id)]  # by position
            strategic = solution.choice(node.id)
            position = solution.choice_branches.get(node.id)
            out.append(DecisionReview(node.id, actor, step.to, strategic, value[step.branch],
                                      None if position is None else value[position],
                                      step.how == "rolled", step.branch, position))
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
        return saved_form(self)

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
        return replay(cls, scenario, data)

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
        return cls.from_dict(scenario, parse(text))

    # -- helpers -------------------------------------------------------------------------------
    def _position(self, node_id: str) -> int:
        """The file position of ``node_id`` (rows of the results' ``arrays``)."""
        if self._positions is None:
            self._positions = {n: k for k, n in enumerate(self._belief.arrays.ids)}
        return self._positions[node_id]

    def _edge(self, parent: str, position: int) -> int:
        """The file position of branch ``position`` of ``parent`` (rows of ``arrays.edge_payoffs``)."""
        return int(self._belief.arrays.edge_start[self._position(parent)]) + position

    def _options_at(self, node_id: str) -> tuple[Option, ...]:
        branches = self.scenario.nodes[node_id].branches
        return tuple(Option(view.to, view.label, view.probability,
                            _frozen((a, v) for a, v in view.payoffs.items() if v != 0), branch.text, k)
                     for k, (view, branch) in enumerate(zip(self._belief.branches(node_id), branches,
                                                            strict=True)))

    def equilibrium(self) -> EquilibriumResult:
        """In a game with information sets: the subgame-perfect equilibrium Gambit finds
        (``scenario.solve(method="spe")``; needs the ``games`` extra), computed once.

        Raises
        ------
        WalkError
            for a game of perfect information (use :meth:`hint`).
        """
        if self.scenario.perfect_information:
            raise WalkError("this scenario has no information sets: backward induction solves it (hint())")
        return self._solve()  # type: ignore[return-value]  # an EquilibriumResult here

    def _solve(self) -> Any:
        if self._solution is None:
            if self.scenario.perfect_information:
                self._solution = self.scenario.solve(overrides=self.overrides, top=0)
            else:
                # subgame perfect: credible at every node, so a hint anywhere is a sensible one
                self._solution = self.scenario.solve(method="spe", overrides=self.overrides, top=0)
        return self._solution

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




def _seed_of(seed: int | np.integer | np.random.Generator | None) -> int:
    if seed is None:
        entropy = np.random.SeedSequence().entropy
        assert isinstance(entropy, int)  # drawn fresh (no entropy given): always a single int
        return int(entropy % 2**32)
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(2**32))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be a whole number, a numpy Generator or None, not {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, not {seed}")
    return int(seed)


def pick(options: tuple[Option, ...], u: float) -> Option:
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
            if option.index == wanted.index and option.to == wanted.to:
                return option
        wanted = wanted.to
    if not isinstance(wanted, str):
        raise TypeError(f"choose() takes a branch label, a child id or an Option, not {wanted!r}")
    by_child = [o for o in options if o.to == wanted]
    if len(by_child) == 1:
        return by_child[0]
    if by_child:  # several branches lead to that child: only the label tells them apart
        raise UnknownNameError(f"option {wanted!r} at {node_id!r} is ambiguous: {len(by_child)} branches lead "
                               f"there; choose one by its label ({'; '.join(repr(o.label) for o in by_child)})")
    for test in (lambda o: o.label == wanted,
                 lambda o: o.label.casefold() == wanted.strip().casefold()):
        hits = [o for o in options if test(o)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise UnknownNameError(f"option {wanted!r} at {node_id!r} is ambiguous: several "
                                   f"branches have that label; use the child id "
                                   f"({', '.join(o.to for o in hits)}) or an Option")
    valid = "; ".join(f"{o.label!r} (to {o.to})" for o in options)
    hint = did_you_mean(wanted, [o.label for o in options] + [o.to for o in options])
    raise UnknownNameError(f"no option {wanted!r} at {node_id!r}{hint}; the options are: {valid}")



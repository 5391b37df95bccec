"""Frozen result objects; ``to_dict()`` is the ``--json`` output of the CLI, in one place.

Results keep numpy arrays and build per-node dictionaries only when asked, so evaluating a
10^6-node scenario does not pay for a million Python objects nobody reads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from ..formatting import json_number
from .compiled import OUTCOME

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Branch, Scenario
    from .compiled import Compiled
    from .views import BranchView, ResultArrays

__all__ = ["OutcomeRow", "PathRow", "BeliefResult", "SolveResult"]


#: Numbers in ``to_dict()`` (``--json``): full precision, the one rule in formatting.py.
_clean = json_number


def _clean_map(mapping: Mapping[str, float]) -> dict[str, float]:
    return {k: _clean(v) for k, v in mapping.items()}


@dataclass(frozen=True, slots=True)
class OutcomeRow:
    id: str
    label: str
    probability: float
    payoffs: Mapping[str, float]
    tags: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "probability": _clean(self.probability),
                "payoffs": _clean_map(self.payoffs), "tags": list(self.tags)}


@dataclass(frozen=True, slots=True)
class PathRow:
    """A root-to-outcome path: node ids, probability, total payoff accrued along it.

    A path is a sequence of branches: ``branches[k]`` is the position (from 0) of the branch
    taken from ``nodes[k]`` among that node's branches, which tells apart several branches
    of one node that lead to the same child.
    """

    nodes: tuple[str, ...]
    probability: float
    payoffs: Mapping[str, float]
    branches: tuple[int, ...] = ()

    def steps(self, scenario: Scenario) -> tuple[Branch, ...]:
        """The branches taken, in order (the :class:`~scenarios.model.Branch` objects)."""
        nodes = scenario.nodes
        if len(self.branches) == len(self.nodes) - 1:
            return tuple(nodes[u].branches[k] for u, k in zip(self.nodes, self.branches, strict=False))
        return tuple(next(b for b in nodes[u].branches if b.to == v)  # a path built without positions
                     for u, v in zip(self.nodes, self.nodes[1:], strict=False))

    def to_dict(self) -> dict[str, Any]:
        return {"nodes": list(self.nodes), "branches": list(self.branches),
                "probability": _clean(self.probability), "payoffs": _clean_map(self.payoffs)}


@dataclass(frozen=True, eq=False)
class BeliefResult:
    """Outcome distribution, expected payoffs and top paths of one evaluation.

    ``reach_array[i]`` is the probability that the path passes node ``compiled.ids[i]``
    (given ``given``, if set); ``values_array[i, a]`` the expected payoff to actor ``a``
    from node ``i`` on, counting the node's own payoff; ``node_payoff`` the bound payoff
    of each node.
    """

    scenario: Scenario = field(repr=False)
    mode: str
    given: str | None
    overrides: Mapping[str, object]
    expected_payoffs: Mapping[str, float]
    paths: tuple[PathRow, ...]
    reach_array: np.ndarray = field(repr=False)
    values_array: np.ndarray = field(repr=False)
    outcome_order: np.ndarray = field(repr=False)
    node_payoff: np.ndarray = field(repr=False)  # bound payoffs (N x actors)
    # The numbers the result was computed from (engine order); read them through the views.
    edge_payoff: np.ndarray = field(repr=False)  # bound branch payoffs (E x actors)
    p_array: np.ndarray = field(repr=False)  # bound branch probabilities
    played_array: np.ndarray = field(repr=False)  # the weights of this mode
    given_index: int | None = field(default=None, repr=False)
    parameters: Mapping[str, float] = field(default_factory=dict, repr=False)  # bound values
    #: Expected value of every payoff column: the actors', and ``actor.measure`` for measures.
    expected_columns: Mapping[str, float] = field(default_factory=dict, repr=False)
    #: Per actor ``(expected utility, certainty equivalent)`` when some actor is not risk
    #: neutral (:mod:`scenarios.engine.risk`); empty otherwise.
    risk_numbers: Mapping[str, tuple[float, float]] = field(default_factory=dict, repr=False)

    # -- risk attitudes (docs/risk-attitudes.md) ------------------------------------------
    @property
    def risk_attitudes(self) -> dict[str, str]:
        """Per actor, its risk attitude as text (``neutral``, ``exponential:5``, ...)."""
        return {key: str(actor.risk) for key, actor in self.scenario.actors.items()}

    @property
    def risk_seeking(self) -> dict[str, str]:
        """The risk-seeking actors, each with why (``R < 0``, ``a > 1``): accepted, and noted.

        >>> import scenarios
        >>> scenarios.load("entry-deterrence").solve(risk={"entrant": "exponential:-2"}).risk_seeking
        {'entrant': 'R < 0'}
        """
        from .risk import risk_seeking

        return {key: why for key, actor in self.scenario.actors.items() if (why := risk_seeking(actor.risk))}

    @property
    def risk_neutral(self) -> bool:
        """Every actor is risk neutral (expected utility = certainty equivalent = expected payoff)."""
        return not self.risk_numbers

    @property
    def expected_utilities(self) -> dict[str, float]:
        """Per actor, the expected utility of the total payoff (the expected payoff when risk neutral).

        >>> import scenarios
        >>> r = scenarios.load("entry-deterrence").solve(risk={"entrant": "exponential:1"})
        >>> round(r.expected_utilities["entrant"], 6), round(r.certainty_equivalents["entrant"], 6)
        (0.632121, 1.0)
        """
        return {key: self.risk_numbers[key][0] if key in self.risk_numbers else value
                for key, value in self.expected_payoffs.items()}

    @property
    def certainty_equivalents(self) -> dict[str, float]:
        """Per actor, the sure payoff worth as much to it as the lottery (its expected payoff
        when risk neutral)."""
        return {key: self.risk_numbers[key][1] if key in self.risk_numbers else value
                for key, value in self.expected_payoffs.items()}

    # -- views by id (scenarios.engine.views) ---------------------------------------------
    @property
    def compiled(self) -> Compiled:
        """The engine's arrays this result indexes (private to :mod:`scenarios.engine`)."""
        from .compiled import compiled_form

        return compiled_form(self.scenario)

    @property
    def chosen_array(self) -> np.ndarray | None:
        """Per node (engine order), the chosen edge of a solved decision, else -1; None in belief mode."""
        return None

    @cached_property
    def flow_array(self) -> np.ndarray:
        """Per edge (engine order), the probability that the path takes it."""
        from .views import edge_flows

        return edge_flows(self.compiled, self.played_array, self.given_index)

    def node_index(self, node_id: str) -> int:
        """The engine's index of ``node_id`` (UnknownNameError, with a suggestion, if none)."""
        from ..errors import UnknownNameError, did_you_mean

        try:
            return self.compiled.index[node_id]
        except (KeyError, TypeError):
            raise UnknownNameError(f"unknown node {node_id!r}{did_you_mean(node_id, self.scenario.nodes)}") from None

    def branches(self, node_id: str) -> tuple[BranchView, ...]:
        """The branches of ``node_id`` with this result's numbers: a tuple of
        :class:`~scenarios.engine.views.BranchView` (probability, played weight, flow,
        branch payoffs, option value per actor, chosen).

        >>> import scenarios
        >>> r = scenarios.load("entry-deterrence").evaluate()
        >>> [(b.to, b.probability, b.value["entrant"]) for b in r.branches("response")]
        [('war', 0.3, -1.0), ('share', 0.7, 1.0)]
        """
        from .views import branch_views

        return branch_views(self, node_id)

    @cached_property
    def arrays(self) -> ResultArrays:
        """Every number of the result as columns in file order
        (:class:`~scenarios.engine.views.ResultArrays`), for drawings of large scenarios."""
        from .views import result_arrays

        return result_arrays(self)

    def node_payoffs(self, node_id: str) -> dict[str, float]:
        """The payoffs of ``node_id`` itself, per actor (bound)."""
        row = self.compiled.by_actor(np.asarray(self.node_payoff)[self.node_index(node_id)])
        return dict(zip(self.compiled.actor_keys, map(float, row), strict=True))

    def played_path(self, start: str | None = None) -> tuple[str, ...]:
        """From ``start`` (the root by default) to an outcome, taking at every node the first
        branch of largest played weight: the solved choices and the most probable chance
        branches in strategic mode, the most probable branch everywhere in belief mode.
        It does not honour ``given`` (start at the given node to follow it from there)."""
        from .views import played_path

        compiled = self.compiled
        begin = compiled.root if start is None else self.node_index(start)
        return tuple(compiled.ids[i] for i in played_path(compiled, self.played_array, begin))

    def probabilities_to(self, node_id: str) -> np.ndarray:
        """Per node in file order (as :attr:`arrays`), the probability of going on from it to
        pass ``node_id`` under this result's played weights: 1 at the node itself, 0 where it
        cannot be reached (``--unshare --given`` drawings need it).

        >>> import scenarios
        >>> scenarios.load("entry-deterrence").evaluate().probabilities_to("war").tolist()
        [0.15, 0.3, 0.0, 1.0, 0.0]
        """
        from .propagate import backward_probability_to

        compiled = self.compiled
        h = backward_probability_to(compiled, self.played_array, self.node_index(node_id))
        file_of = np.asarray(compiled.listing)
        out = np.empty(len(file_of))
        out[file_of] = h
        return out

    def path_probability(self, nodes: Sequence[str]) -> float:
        """Probability (under this result's weights) that the path follows ``nodes`` in order,
        from the first of them; a step that is not a branch has probability 0.  Not
        conditioned on ``given`` (unlike :attr:`paths` and :attr:`reach`)."""
        compiled = self.compiled
        prob = 1.0
        for a, b in zip(nodes, nodes[1:], strict=False):
            i, j = self.node_index(a), self.node_index(b)
            lo, hi = compiled.edge_start[i], compiled.edge_start[i + 1]
            hits = np.flatnonzero(compiled.child[lo:hi] == j)
            prob *= float(self.played_array[lo + hits].sum()) if len(hits) else 0.0
        return prob

    @property
    def scenario_id(self) -> str:
        return self.scenario.id

    @cached_property
    def outcomes(self) -> tuple[OutcomeRow, ...]:
        """Every outcome, most probable first (ties in listing order), with its own payoffs."""
        compiled = self.scenario.compiled
        order = np.asarray(self.outcome_order)
        nodes, ids, actors = self.scenario.nodes, compiled.ids, compiled.actor_keys
        # Whole columns converted at once; the loop only assembles the rows.
        return tuple(
            OutcomeRow(node.id, node.label, probability, dict(zip(actors, payoffs, strict=False)), node.tags)
            for node, probability, payoffs in zip(
                (nodes[ids[i]] for i in order.tolist()), self.reach_array.take(order).tolist(),
                compiled.by_actor(np.asarray(self.node_payoff).take(order, axis=0)).tolist(), strict=False)
        )

    @cached_property
    def measures(self) -> dict[str, dict[str, float]]:
        """For each actor with ``measures``, the expected value of each (the criterion's value,
        e.g. the net benefit, is ``expected_payoffs[actor]``); empty when no actor has measures.

        >>> import scenarios
        >>> r = scenarios.load("docs/examples/screening-cea.yaml").solve()  # doctest: +SKIP
        >>> r.measures  # doctest: +SKIP
        {'health': {'cost': 6000.0, 'effect': 11.5}}
        """
        return {key: {m: self.expected_columns[f"{key}.{m}"] for m in actor.measures}
                for key, actor in self.scenario.actors.items() if actor.measures}

    @cached_property
    def reach(self) -> dict[str, float]:
        """Probability of passing each node, by id."""
        return dict(zip(self.scenario.compiled.ids, map(float, self.reach_array), strict=False))

    @cached_property
    def values(self) -> dict[str, dict[str, float]]:
        """Expected payoff per actor from each node on (the node's own payoff included)."""
        compiled = self.scenario.compiled
        return {node_id: dict(zip(compiled.actor_keys, map(float, row), strict=False))
                for node_id, row in zip(compiled.ids, compiled.by_actor(self.values_array), strict=False)}

    @cached_property
    def tags(self) -> dict[str, float]:
        """Probability of ending in an outcome carrying each tag, tags sorted by name."""
        totals: dict[str, float] = {}
        compiled = self.scenario.compiled
        nodes, ids = self.scenario.nodes, compiled.ids
        outcomes = np.flatnonzero(compiled.kind == OUTCOME)
        for i, probability in zip(outcomes.tolist(), self.reach_array.take(outcomes).tolist(), strict=False):
            for tag in nodes[ids[i]].tags:
                totals[tag] = totals.get(tag, 0.0) + probability
        return dict(sorted(totals.items()))

    def probability(self, node_id: str) -> float:
        """Probability of passing ``node_id`` (of ending there, for an outcome)."""
        from ..errors import UnknownNameError

        try:
            return float(self.reach_array[self.scenario.compiled.index[node_id]])
        except KeyError:
            raise UnknownNameError(f"unknown node {node_id!r}") from None

    def _repr_png_(self) -> bytes | None:
        """The tree with the most likely path (or the strategic choices) as PNG, for Jupyter."""
        from ..render.tree import notebook_png

        return notebook_png(self.scenario, self)

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` document of the command-line contract."""
        return {
            "scenario": self.scenario.id,
            "title": self.scenario.title,
            "mode": self.mode,
            "given": self.given,
            "overrides": {k: v for k, v in self.overrides.items()},
            "expected_payoffs": _clean_map(self.expected_payoffs),
            "risk": self.risk_attitudes,
            "risk_seeking": self.risk_seeking,
            "expected_utilities": _clean_map(self.expected_utilities),
            "certainty_equivalents": _clean_map(self.certainty_equivalents),
            "outcomes": [row.to_dict() for row in self.outcomes],
            "tags": _clean_map(self.tags),
            "paths": [path.to_dict() for path in self.paths],
            **({"expected_measures": {a: _clean_map(m) for a, m in self.measures.items()}}
               if self.measures else {}),
        }


@dataclass(frozen=True, eq=False)
class SolveResult(BeliefResult):
    """Strategic mode: the belief fields under the solved choices, plus the choices.

    ``choices`` maps every non-fixed decision node to the chosen child id; ``ties`` lists
    the decision nodes (listing order) where two or more branches were equally good for
    the actor and the first listed was taken.
    """

    # Keyword-only: they follow the base class's fields that have defaults.
    chosen_edge: np.ndarray = field(kw_only=True, repr=False)  # per node; -1 if not solved
    tied: np.ndarray = field(kw_only=True, repr=False)  # per node

    @property
    def chosen_array(self) -> np.ndarray | None:
        return self.chosen_edge

    def choice(self, node_id: str) -> str | None:
        """The child chosen at decision ``node_id`` (None if it is not a solved decision)."""
        e = int(self.chosen_edge[self.node_index(node_id)])
        return self.compiled.ids[self.compiled.child[e]] if e >= 0 else None

    @cached_property
    def _solved(self) -> np.ndarray:
        compiled = self.scenario.compiled
        decided = np.flatnonzero(self.chosen_edge >= 0)
        return decided[np.argsort(compiled.listing[decided], kind="stable")]

    @cached_property
    def choices(self) -> dict[str, str]:
        """Every non-fixed decision node id → the chosen child id, in listing order."""
        compiled = self.scenario.compiled
        return {compiled.ids[i]: compiled.ids[compiled.child[self.chosen_edge[i]]] for i in self._solved}

    @cached_property
    def choice_branches(self) -> dict[str, int]:
        """Every non-fixed decision node id → the position (from 0) of the chosen branch among
        its branches: :attr:`choices` names the child, which several branches may share."""
        compiled = self.scenario.compiled
        return {compiled.ids[i]: int(compiled.branch[self.chosen_edge[i]]) for i in self._solved}

    @cached_property
    def choice_labels(self) -> dict[str, str]:
        """Every non-fixed decision node id → the label of the chosen branch."""
        nodes = self.scenario.nodes
        return {node_id: nodes[node_id].branches[k].label for node_id, k in self.choice_branches.items()}

    @cached_property
    def ties(self) -> tuple[str, ...]:
        """Decision nodes where a tie was broken in favour of the first listed branch."""
        compiled = self.scenario.compiled
        return tuple(compiled.ids[i] for i in self._solved if self.tied[i])

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        data["choices"] = self.choices
        data["choice_branches"] = self.choice_branches
        data["choice_labels"] = self.choice_labels
        data["ties"] = list(self.ties)
        return data

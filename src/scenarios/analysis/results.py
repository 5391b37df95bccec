"""Frozen result objects; ``to_dict()`` is the ``--json`` output of the CLI, in one place.

Results keep numpy arrays and build per-node dictionaries only when asked, so evaluating a
10^6-node scenario does not pay for a million Python objects nobody reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Mapping

import numpy as np

from .compile import OUTCOME

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Scenario

__all__ = ["OutcomeRow", "PathRow", "BeliefResult", "SolveResult"]


def _clean(x: float) -> float:
    """15 significant digits: 0.19999999999999998 prints as 0.2 in JSON and tables."""
    return float(f"{x:.15g}")


def _clean_map(mapping: Mapping[str, float]) -> dict[str, float]:
    return {k: _clean(v) for k, v in mapping.items()}


@dataclass(frozen=True, slots=True)
class OutcomeRow:
    id: str
    label: str
    probability: float
    payoffs: Mapping[str, float]
    tags: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "probability": _clean(self.probability),
                "payoffs": _clean_map(self.payoffs), "tags": list(self.tags)}


@dataclass(frozen=True, slots=True)
class PathRow:
    """A root-to-outcome path: node ids, probability, total payoff accrued along it."""

    nodes: tuple[str, ...]
    probability: float
    payoffs: Mapping[str, float]

    def to_dict(self) -> dict:
        return {"nodes": list(self.nodes), "probability": _clean(self.probability),
                "payoffs": _clean_map(self.payoffs)}


@dataclass(frozen=True, eq=False)
class BeliefResult:
    """Outcome distribution, expected payoffs and top paths of one evaluation.

    ``reach_array[i]`` is the probability that the path passes node ``compiled.ids[i]``
    (given ``given``, if set); ``values_array[i, a]`` the expected payoff to actor ``a``
    from node ``i`` on, counting the node's own payoff; ``node_payoff`` the bound payoff
    of each node.
    """

    scenario: "Scenario" = field(repr=False)
    mode: str
    given: str | None
    overrides: Mapping[str, object]
    expected_payoffs: Mapping[str, float]
    paths: tuple[PathRow, ...]
    reach_array: np.ndarray = field(repr=False)
    values_array: np.ndarray = field(repr=False)
    outcome_order: np.ndarray = field(repr=False)
    node_payoff: np.ndarray = field(repr=False)  # bound payoffs (N x actors)

    @property
    def scenario_id(self) -> str:
        return self.scenario.id

    @cached_property
    def outcomes(self) -> tuple[OutcomeRow, ...]:
        """Every outcome, most probable first (ties in listing order), with its own payoffs."""
        compiled = self.scenario.compiled
        order = np.asarray(self.outcome_order)
        nodes, ids, actors = self.scenario.nodes, compiled.ids, compiled.actors
        # Whole columns converted at once; the loop only assembles the rows.
        return tuple(
            OutcomeRow(node.id, node.label, probability, dict(zip(actors, payoffs)), node.tags)
            for node, probability, payoffs in zip(
                (nodes[ids[i]] for i in order.tolist()), self.reach_array.take(order).tolist(),
                np.asarray(self.node_payoff).take(order, axis=0).tolist())
        )

    @cached_property
    def reach(self) -> dict[str, float]:
        """Probability of passing each node, by id."""
        return dict(zip(self.scenario.compiled.ids, map(float, self.reach_array)))

    @cached_property
    def values(self) -> dict[str, dict[str, float]]:
        """Expected payoff per actor from each node on (the node's own payoff included)."""
        actors = self.scenario.compiled.actors
        return {node_id: dict(zip(actors, map(float, row)))
                for node_id, row in zip(self.scenario.compiled.ids, self.values_array)}

    @cached_property
    def tags(self) -> dict[str, float]:
        """Probability of ending in an outcome carrying each tag, tags sorted by name."""
        totals: dict[str, float] = {}
        compiled = self.scenario.compiled
        nodes, ids = self.scenario.nodes, compiled.ids
        outcomes = np.flatnonzero(compiled.kind == OUTCOME)
        for i, probability in zip(outcomes.tolist(), self.reach_array.take(outcomes).tolist()):
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

    def to_dict(self) -> dict:
        """The ``--json`` document of the command-line contract."""
        return {
            "scenario": self.scenario.id,
            "title": self.scenario.title,
            "mode": self.mode,
            "given": self.given,
            "overrides": {k: v for k, v in self.overrides.items()},
            "expected_payoffs": _clean_map(self.expected_payoffs),
            "outcomes": [row.to_dict() for row in self.outcomes],
            "tags": _clean_map(self.tags),
            "paths": [path.to_dict() for path in self.paths],
        }


@dataclass(frozen=True, eq=False)
class SolveResult(BeliefResult):
    """Strategic mode: the belief fields under the solved choices, plus the choices.

    ``choices`` maps every non-fixed decision node to the chosen child id; ``ties`` lists
    the decision nodes (listing order) where two or more branches were equally good for
    the actor and the first listed was taken.
    """

    chosen_edge: np.ndarray = field(default=None, repr=False)  # per node; -1 if not solved
    tied: np.ndarray = field(default=None, repr=False)  # per node

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
    def ties(self) -> tuple[str, ...]:
        """Decision nodes where a tie was broken in favour of the first listed branch."""
        compiled = self.scenario.compiled
        return tuple(compiled.ids[i] for i in self._solved if self.tied[i])

    def to_dict(self) -> dict:
        data = super().to_dict()
        data["choices"] = self.choices
        data["ties"] = list(self.ties)
        return data

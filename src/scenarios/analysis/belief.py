"""Belief mode: every decision weighted by its ``p``; outcome probabilities and expectations.

The probability of a path is the product of its branch probabilities; an outcome's
probability is the sum over the paths reaching it; an actor's expected payoff is the sum
over paths of path probability × (payoffs accrued along the path + the outcome's payoff).
By linearity that is ``Σ_nodes reach × node payoff + Σ_edges reach(parent) × p × branch
payoff``, so one forward pass gives all of it.  Conditioning on a node ``g`` uses a
backward pass for the probability of going on to ``g`` (for what is accrued before it)
and a forward pass from ``g`` (for the outcomes after it).
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from ..errors import UnknownNameError, UnreachableNodeError
from ..model import Scenario
from .bind import Bound, bind
from .compile import OUTCOME
from .paths import top_paths
from .propagate import backward_expectation, backward_probability_to, forward
from .results import BeliefResult, PathRow

__all__ = ["evaluate"]


def evaluate(scenario: Scenario, *, given: str | None = None,
             overrides: Mapping[str, Any] | None = None, top: int = 10) -> BeliefResult:
    """Evaluate ``scenario`` in belief mode.

    Parameters
    ----------
    given : node id, optional
        Condition on the path passing this node.
    overrides : mapping, optional
        ``{"param": value}`` or ``{"NODE.CHILD": p}`` (siblings rescaled in proportion).
    top : int
        How many of the most probable paths to list.

    Raises
    ------
    UnknownNameError, UnreachableNodeError, ProbabilityError, ExpressionError

    Examples
    --------
    >>> import scenarios
    >>> r = scenarios.load("entry-deterrence").evaluate(overrides={"entry.response": 0.5})
    >>> round(sum(o.probability for o in r.outcomes), 12)
    1.0
    """
    bound = bind(scenario, overrides)
    return _evaluate_bound(scenario, bound, "belief", bound.p, given=given, overrides=overrides,
                           top=top, result_type=BeliefResult)


def _evaluate_bound(scenario: Scenario, bound: Bound, mode: str, p: np.ndarray, *, given, overrides,
                    top: int, result_type=BeliefResult, values: np.ndarray | None = None, **extra):
    """Shared by belief and strategic mode: distribution, expectations and paths under ``p``."""
    compiled = bound.compiled
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 0:
        raise ValueError(f"top must be a whole number >= 0, not {top!r}")
    reach = forward(compiled, p)
    if values is None:
        values = backward_expectation(compiled, p, bound.node_payoff, bound.edge_payoff)
    if given is None:
        expected = values[compiled.root]
        found = top_paths(compiled, p, top)
        scale = 1.0
    else:
        g = _node_index(scenario, given)
        if reach[g] <= 0.0:
            raise UnreachableNodeError(
                f"--given {given}: no path with positive probability passes node {given!r}")
        to_g = backward_probability_to(compiled, p, g)
        weight = reach * to_g  # P(pass u and later pass g), for u before g
        weight[g] = 0.0
        edge_weight = reach[compiled.parent] * p * to_g[compiled.child]
        before = weight @ bound.node_payoff + edge_weight @ bound.edge_payoff
        expected = before / reach[g] + values[g]
        reach_g = reach[g]
        after = forward(compiled, p, start=g)
        # P(pass u | pass g): before g from the weights, g and after from the forward pass.
        reach = np.where(after > 0, after, reach * to_g / reach_g)
        found = top_paths(compiled, p, top, through=g, to_through=to_g)
        scale = 1.0 / reach_g  # listed paths' probabilities are conditional on passing g
    outcomes = np.flatnonzero(compiled.kind == OUTCOME)
    order = outcomes[np.lexsort((compiled.listing[outcomes], -reach[outcomes]))]
    actors = compiled.actors
    paths = tuple(
        PathRow(tuple(compiled.ids[i] for i in nodes), float(prob * scale),
                dict(zip(actors, map(float, bound.node_payoff[nodes].sum(axis=0)
                                     + bound.edge_payoff[edges].sum(axis=0)))))
        for nodes, edges, prob in found
    )
    return result_type(
        scenario=scenario, mode=mode, given=given, overrides=dict(overrides or {}),
        expected_payoffs=dict(zip(actors, map(float, expected))), paths=paths, reach_array=reach,
        values_array=values, outcome_order=order, node_payoff=bound.node_payoff, **extra)


def _node_index(scenario: Scenario, node_id: str) -> int:
    try:
        return scenario.compiled.index[node_id]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(str(node_id), list(scenario.nodes), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise UnknownNameError(f"--given {node_id}: unknown node{hint}") from None

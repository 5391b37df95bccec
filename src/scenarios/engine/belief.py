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

from collections.abc import Mapping
from typing import Any, TypeVar

import numpy as np

from ..errors import UnknownNameError, UnreachableNodeError, did_you_mean
from ..model import Scenario
from .bind import Bound, bind
from .compiled import Compiled
from .paths import top_paths
from .propagate import backward_expectation_by_actor, backward_probability_to, forward
from .results import BeliefResult, PathRow

__all__ = ["evaluate", "outcome_order", "TIE_DIGITS"]

_Result = TypeVar("_Result", bound=BeliefResult)

#: Outcome probabilities equal to this many significant digits are tied (listing order):
#: 0.3*0.2*0.1 and 0.1*0.2*0.3 differ in the last bit but are the same probability.
TIE_DIGITS = 12


def evaluate(scenario: Scenario, *, given: str | None = None,
             overrides: Mapping[str, Any] | None = None, top: int = 10,
             risk: Mapping[str, Any] | None = None) -> BeliefResult:
    """Evaluate ``scenario`` in belief mode.

    Parameters
    ----------
    given : node id, optional
        Condition on the path passing this node.
    overrides : mapping, optional
        ``{"param": value}`` or ``{"NODE.CHILD": p}`` (siblings rescaled in proportion).
    top : int
        How many of the most probable paths to list.
    risk : mapping, optional
        ``{actor: Risk or "exponential:5"}``: replaces actors' risk attitudes; the result
        reports their expected utilities and certainty equivalents (:mod:`scenarios.engine.risk`).

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
    if risk:
        from .risk import apply_risk

        scenario = apply_risk(scenario, risk)
    bound = bind(scenario, overrides)
    if any(not actor.risk.neutral for actor in scenario.actors.values()):
        from .risk_results import evaluate_with_risk

        return evaluate_with_risk(scenario, bound, given=given, top=top, overrides=overrides)
    return _evaluate_bound(scenario, bound, "belief", bound.p, given=given, overrides=overrides,
                           top=top, result_type=BeliefResult)


def _evaluate_bound(scenario: Scenario, bound: Bound, mode: str, p: np.ndarray, *, given: str | None,
                    overrides: Mapping[str, Any] | None, top: int, result_type: type[_Result],
                    values: np.ndarray | None = None, risk_numbers: Mapping[str, tuple[float, float]] | None = None,
                    **extra: np.ndarray) -> _Result:
    """Shared by belief and strategic mode: distribution, expectations and paths under ``p``."""
    compiled = bound.compiled
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 0:
        raise ValueError(f"top must be a whole number >= 0, not {top!r}")
    reach = forward(compiled, p)
    if values is None:
        values = backward_expectation_by_actor(compiled, p, bound.node_payoff_by_actor,
                                               bound.edge_payoff_by_actor).T
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
    order = outcome_order(compiled, reach)
    actors, view = compiled.actor_keys, compiled.by_actor  # measures: see expected_columns
    paths = tuple(
        PathRow(tuple(compiled.ids[i] for i in nodes), float(prob * scale),
                dict(zip(actors, map(float, view(bound.node_payoff[nodes].sum(axis=0)
                                                 + bound.edge_payoff[edges].sum(axis=0))), strict=False)),
                tuple(compiled.branch[edges].tolist()))
        for nodes, edges, prob in found
    )
    return result_type(
        scenario=scenario, mode=mode, given=given, overrides=dict(overrides or {}),
        expected_payoffs=dict(zip(actors, map(float, view(expected)), strict=False)), paths=paths,
        expected_columns=dict(zip(compiled.actors, map(float, expected), strict=True)), reach_array=reach,
        values_array=values, outcome_order=order, node_payoff=bound.node_payoff, edge_payoff=bound.edge_payoff,
        p_array=bound.p, played_array=p, given_index=None if given is None else g, parameters=bound.parameters,
        risk_numbers=dict(risk_numbers or {}), **extra)


def outcome_order(compiled: Compiled, reach: np.ndarray) -> np.ndarray:
    """Outcome nodes, most probable first; probabilities equal to :data:`TIE_DIGITS`
    significant digits in listing order (so are outcomes of probability 0, last).

    Sorting on exact floats would put 0.1*0.2*0.3 = 0.006000000000000001 before 0.006
    whatever the listing says.  Rather than round every probability, the outcomes are sorted
    exactly (an unstable quicksort: a stable sort of floats is several times slower), and
    only neighbours within 1e-10 of each other are compared rounded; runs of equal rounded
    probability are then put in listing order.  Rounding is monotone, so this is the order
    of a stable sort on the rounded probabilities.

    >>> import numpy as np, scenarios
    >>> c = scenarios.load("entry-deterrence").compiled  # outcomes: stay_out, war, share
    >>> reach = np.zeros(c.n_nodes)
    >>> reach[[c.index["stay_out"], c.index["war"], c.index["share"]]] = [0.5, 0.1 * 0.2 * 0.3, 0.006]
    >>> [c.ids[i] for i in outcome_order(c, reach)]
    ['stay_out', 'war', 'share']
    """
    listed = compiled.outcomes
    x = reach.take(listed)
    zero = np.flatnonzero(x <= 0.0)
    if len(zero):
        positive = np.flatnonzero(x > 0.0)
        listed, x, zero = listed.take(positive), x.take(positive), listed.take(zero)
    o = np.argsort(x)[::-1]  # exact ties come out reversed here; they are put right below
    xs = x.take(o)
    near = np.flatnonzero(xs[:-1] - xs[1:] <= 1e-10 * xs[:-1])
    if len(near):
        same = np.zeros(len(xs) - 1, dtype=bool)
        same[near] = _round_significant(xs.take(near)) == _round_significant(xs.take(near + 1))
        if same.any():
            run = np.concatenate(([0], np.cumsum(~same)))  # runs of equal rounded probability
            tied = np.flatnonzero(np.concatenate((same, [False])) | np.concatenate(([False], same)))
            n = len(xs)
            o[tied] = np.sort(run.take(tied) * n + o.take(tied)) % n  # each run by listing
    order = listed.take(o)
    return np.concatenate((order, zero)) if len(zero) else order


def _round_significant(x: np.ndarray, digits: int = TIE_DIGITS) -> np.ndarray:
    """``x > 0`` rounded to ``digits`` significant digits (below about 1e-290, unrounded)."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        scale = 10.0 ** (digits - 1 - np.floor(np.log10(x)))
        rounded = np.round(x * scale) / scale
    return np.where(np.isfinite(rounded), rounded, x)  # the scale overflows for tiny x


def _node_index(scenario: Scenario, node_id: str) -> int:
    try:
        return scenario.compiled.index[node_id]
    except KeyError:
        raise UnknownNameError(f"--given {node_id}: unknown node{did_you_mean(node_id, scenario.nodes)}") from None

"""Results under risk attitudes: ``solve``/``evaluate`` (K = 1) and the batch solve (K settings).

The numbers come from :func:`scenarios.engine.risk.run_risk`; a result keeps its usual
meaning (``values``, ``expected_payoffs``: expected payoffs under the played weights) and adds
each actor's expected utility and certainty equivalent (``BeliefResult.risk_numbers``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..errors import RiskError
from ..model import Scenario
from .batch import BatchBound, BatchSolution
from .belief import _evaluate_bound
from .bind import Bound
from .propagate import backward_expectation_by_actor
from .results import BeliefResult, SolveResult
from .risk import RiskRun, risk_table, run_risk

__all__ = ["solve_with_risk", "evaluate_with_risk", "solve_batch_risk"]


def _numbers(scenario: Scenario, run: RiskRun, column: int = 0) -> dict[str, tuple[float, float]]:
    c = scenario.compiled
    at = {key: i for i, key in enumerate(c.actors)}
    return {key: (float(run.expected_utility[at[key], column]), float(run.certainty[at[key], column]))
            for key in c.actor_keys}


def _single(bound: Bound, scenario: Scenario, solved: np.ndarray | None, p: np.ndarray | None = None) -> RiskRun:
    c = bound.compiled
    risks = risk_table(scenario, c)
    assert risks is not None, "called only when some actor is not risk neutral"
    p = bound.p if p is None else p
    return run_risk(scenario, c, risks, p[:, None], bound.node_payoff_by_actor[:, :, None],
                    bound.edge_payoff_by_actor[:, :, None], solved=solved)


def _no_given(given: str | None) -> None:
    if given is not None:
        raise RiskError(f"--given {given}: conditioning on a node is not supported with risk attitudes other "
                        "than neutral (evaluate the part of the scenario from that node, or drop --risk)")


def solve_with_risk(scenario: Scenario, bound: Bound, *, top: int, overrides: Mapping[str, Any] | None
                    ) -> SolveResult:
    """Strategic mode where each actor maximises its expected utility."""
    c = bound.compiled
    run = _single(bound, scenario, np.asarray(c.strategic, dtype=bool))
    played = run.weights[:, 0]
    values = backward_expectation_by_actor(c, played, bound.node_payoff_by_actor, bound.edge_payoff_by_actor).T
    return _evaluate_bound(scenario, bound, "strategic", played, given=None, overrides=overrides, top=top,
                           result_type=SolveResult, values=values, risk_numbers=_numbers(scenario, run),
                           chosen_edge=run.chosen[:, 0], tied=run.tied[:, 0])


def evaluate_with_risk(scenario: Scenario, bound: Bound, *, given: str | None, top: int,
                       overrides: Mapping[str, Any] | None) -> BeliefResult:
    """Belief mode: nobody decides; each actor's expected utility of the beliefs' lottery."""
    _no_given(given)
    run = _single(bound, scenario, None)
    return _evaluate_bound(scenario, bound, "belief", bound.p, given=None, overrides=overrides, top=top,
                           result_type=BeliefResult, risk_numbers=_numbers(scenario, run))


def solve_batch_risk(scenario: Scenario, bound: BatchBound, p: np.ndarray | None = None, *,
                     only: int | None = None, keep: tuple[int, ...] = (),
                     tolerance: Mapping[int, np.ndarray] | None = None,
                     decide: bool = True) -> tuple[BatchSolution, np.ndarray, RiskRun]:
    """:func:`scenarios.engine.batch.solve_batch` under the actors' risk attitudes, for K columns.

    Returns the solution (``values`` ``(N, A, K)`` are in the decision units of
    :class:`~scenarios.engine.risk.RiskRun`: certainty equivalents, or expected utilities of
    totals), the branch payoffs in the same units ``(E, A, K)`` (option value = branch payoff
    + child's value) and the run.  ``tolerance`` ``{column: (K,) R}`` varies exponential risk
    tolerances per column (``risk.ACTOR`` in sensitivity and threshold).  With ``decide``
    False nobody decides (every node averages by ``p``): the run's certainty equivalents are
    those of the lottery ``p`` plays.
    """
    c = bound.compiled
    risks = risk_table(scenario, c)
    if risks is None:
        risks = tuple(actor.risk for actor in scenario.actors.values())
    if only is not None:
        solved = np.zeros(c.n_nodes, dtype=bool)
        solved[only] = True
    else:
        solved = np.array(c.strategic, dtype=bool)
    if keep:
        solved[list(keep)] = False
    weights = bound.p if p is None else p
    node = np.ascontiguousarray(np.transpose(bound.node_payoff, (1, 0, 2)))
    edge = np.ascontiguousarray(np.transpose(bound.edge_payoff, (1, 0, 2)))
    run = run_risk(scenario, c, risks, np.asarray(weights, dtype=float), node, edge, solved=solved if decide else None,
                   tolerance=tolerance)
    solution = BatchSolution(np.ascontiguousarray(np.transpose(run.score, (1, 0, 2))), run.chosen, run.tied)
    return solution, np.transpose(run.option_payoff, (1, 0, 2)), run

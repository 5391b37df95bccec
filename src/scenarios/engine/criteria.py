"""Payoff columns of actors with measures and criteria, for the compiler.

The engine's payoff axis holds one column per actor, or, for an actor with ``measures``,
one column per measure (``actor.measure``) followed by the actor's criterion column
(keyed by the actor): a copy of one measure, or the net benefit ``wtp * effect - cost``
computed on every node and branch payoff.  Expected values are linear, so the criterion
column rolled back is the criterion of the rolled-back measures; the passes then maximise
one column per actor, times a sign (-1 for a minimised one), with no other change.  A
utility (risk attitude) would apply to that criterion column.

>>> import scenarios
>>> s = scenarios.loads('''
... title: T
... actors: {gov: {minimize: true}, health: {measures: {cost: {minimize: true}, effect: {}},
...          criterion: {net_benefit: {effect: effect, cost: cost, lambda: 20000}}}}
... nodes: {end: {kind: outcome, payoffs: {gov: 5, health: {cost: 100, effect: 0.5}}}}
... ''')
>>> columns, decider, sign, derived = payoff_columns(s)
>>> columns, sign
(('gov', 'health.cost', 'health.effect', 'health'), [-1.0, -1.0, 1.0, 1.0])
>>> s.evaluate().expected_payoffs["health"]  # 20000 * 0.5 - 100
9900.0
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..expressions import Expression
from ..model import Scenario

__all__ = ["payoff_columns", "criterion_columns"]


class _Derived(NamedTuple):
    """A criterion column: a copy of one ``measure`` column, or ``wtp * effect - cost``."""

    column: int
    measure: int = -1
    effect: int = -1
    cost: int = -1
    wtp: Expression | None = None


def payoff_columns(scenario: Scenario) -> tuple[tuple[str, ...], dict[str, int], list[float], list[_Derived]]:
    """``(columns, decider, sign, derived)``: the payoff columns (an actor's key, or per measure
    ``actor.measure`` and then the actor's key for its criterion's value), the column each
    actor decides by, the sign it maximises that column with, and the derived columns."""
    columns: list[str] = []
    sign: list[float] = []
    decider: dict[str, int] = {}
    derived: list[_Derived] = []
    for key, actor in scenario.actors.items():
        measures = actor.measures
        if not measures:
            decider[key] = len(columns)
            columns.append(key)
            sign.append(-1.0 if actor.minimize else 1.0)
            continue
        at = {m: len(columns) + i for i, m in enumerate(measures)}
        columns.extend(f"{key}.{m}" for m in measures)
        sign.extend(-1.0 if m.minimize else 1.0 for m in measures.values())
        criterion = actor.criterion
        decider[key] = len(columns)
        columns.append(key)
        if criterion is None or criterion.kind == "measure":
            measure = criterion.measure if criterion is not None and criterion.measure else next(iter(measures))
            sign.append(-1.0 if measures[measure].minimize else 1.0)
            derived.append(_Derived(decider[key], measure=at[measure]))
        else:
            assert criterion.effect and criterion.cost and criterion.wtp is not None
            sign.append(1.0)
            derived.append(_Derived(decider[key], effect=at[criterion.effect], cost=at[criterion.cost],
                                    wtp=criterion.wtp))
    return tuple(columns), decider, sign, derived


def criterion_columns(payoff: np.ndarray, symbolic: tuple[tuple[int, int, Expression], ...],
                       derived: list[_Derived]) -> tuple[tuple[int, int, Expression], ...]:
    """Fill the derived rows of ``payoff`` (columns, rows) in place; return the symbolic
    entries with the derived columns' own (an expression wherever a measure or ``wtp`` is one)."""
    cells = {(row, column): x for row, column, x in symbolic}
    extra = []
    for d in derived:
        if d.wtp is None:
            payoff[d.column] = payoff[d.measure]
            extra += [(row, d.column, x) for row, column, x in symbolic if column == d.measure]
            continue
        rows = {row for row, column, _ in symbolic if column in (d.effect, d.cost)}
        if d.wtp.is_number:
            payoff[d.column] = float(d.wtp.evaluate({})) * payoff[d.effect] - payoff[d.cost]
        else:
            payoff[d.column] = -payoff[d.cost]
            rows.update(np.flatnonzero(payoff[d.effect]).tolist())
        for row in sorted(rows):
            effect = cells.get((row, d.effect)) or Expression.number(payoff[d.effect, row])
            cost = cells.get((row, d.cost)) or Expression.number(payoff[d.cost, row])
            extra.append((row, d.column, _net_benefit(d.wtp, effect, cost)))
            payoff[d.column, row] = 0.0
    return tuple(sorted(symbolic + tuple(extra), key=lambda entry: entry[:2]))


def _net_benefit(wtp: Expression, effect: Expression, cost: Expression) -> Expression:
    """The expression ``wtp * effect - cost``: parsed, so it is whatever the parser makes of it."""
    return Expression.parse(f"({wtp}) * ({effect}) - ({cost})")

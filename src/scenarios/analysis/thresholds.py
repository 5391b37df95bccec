"""Threshold analysis: where the strategic choice at a decision node changes.

As one variable moves across its range, a scan brackets every change of the choice, then
bisection on the difference between the deciding actor's values of the two options
narrows each bracket to the tolerance (1e-9 by default), so the crossing found is the
exact one, not the point where the solver's tie tolerance lets go.  Settings are
evaluated by :func:`scenarios.analysis.metrics.evaluate_settings`, like the other
sensitivity designs of :mod:`scenarios.analysis.sensitivity`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import AnalysisError
from ..model import Scenario
from .metrics import POLICY_DESCRIPTIONS, evaluate_settings
from .sensitivity import Variable, _clean, _frame, _steps, variables

__all__ = ["Crossing", "ThresholdResult", "threshold", "THRESHOLD_TOLERANCE"]

#: Bisection stops when the bracket around a crossing is this narrow (in the variable's units).
THRESHOLD_TOLERANCE = 1e-9
_MAX_CROSSINGS_PER_STEP = 64


# -- threshold ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Crossing:
    """A value of the variable where the choice at the node changes from ``left`` to ``right``.

    ``bracket`` is the final interval (narrower than the tolerance) and ``value`` its
    middle; ``left_value``/``right_value`` are the deciding actor's values of the two
    options there (equal at a smooth crossing, apart where a later choice jumps).
    """

    value: float
    bracket: tuple[float, float]
    left: str
    right: str
    left_value: float
    right_value: float

    def to_dict(self) -> dict:
        return {"value": self.value, "bracket": list(self.bracket), "left": self.left, "right": self.right,
                "left_value": _clean(self.left_value), "right_value": _clean(self.right_value)}


@dataclass(frozen=True, eq=False)
class ThresholdResult:
    """Where the strategic choice at ``node`` changes as ``variable`` moves across its range."""

    scenario: Scenario = field(repr=False)
    variable: Variable
    node: str = ""
    actor: str = ""
    policy: str = "reoptimize"
    base_choice: str = ""
    crossings: tuple[Crossing, ...] = ()
    steps: int = 0
    tolerance: float = THRESHOLD_TOLERANCE
    overrides: Mapping[str, Any] = field(default_factory=dict)
    held_choices: Mapping[str, str] = field(default_factory=dict)
    first_choice: str = ""

    @property
    def segments(self) -> tuple[tuple[float, float, str], ...]:
        """``(from, to, choice)`` intervals covering the range, split at the crossings."""
        out, start, current = [], self.variable.low, self.first_choice
        for c in self.crossings:
            out.append((start, c.value, current))
            start, current = c.value, c.right
        out.append((start, self.variable.high, current))
        return tuple(out)

    def to_dict(self) -> dict:
        options = {b.to: b.label for b in self.scenario.nodes[self.node].branches}
        return {"scenario": self.scenario.id, "analysis": "threshold", "variable": self.variable.to_dict(),
                "node": self.node, "actor": self.actor, "policy": self.policy,
                "policy_description": POLICY_DESCRIPTIONS[self.policy], "base_choice": self.base_choice,
                "crossings": [c.to_dict() for c in self.crossings],
                "segments": [{"from": _clean(a), "to": _clean(b), "choice": c} for a, b, c in self.segments],
                "options": options, "steps": self.steps, "tolerance": self.tolerance,
                "overrides": dict(self.overrides), "held_choices": dict(self.held_choices)}

    def to_frame(self):
        """One row per crossing (pandas)."""
        return _frame([c.to_dict() for c in self.crossings])


def threshold(scenario: Scenario, param: str, *, node: str | None = None, policy: str = "reoptimize",
              ranges: Mapping[str, tuple[float, float]] | None = None, steps: int = 101,
              tolerance: float = THRESHOLD_TOLERANCE,
              overrides: Mapping[str, Any] | None = None) -> ThresholdResult:
    """The values of ``param`` within its range where the strategic choice at ``node`` changes.

    A scan at ``steps`` evenly spaced values brackets each change; bisection on the sign
    of (value of the current choice − best other option) for the deciding actor narrows
    each bracket below ``tolerance``.  Under ``reoptimize`` every other decision is
    re-solved too; under ``fixed`` the other decisions keep their base choices.  Two
    changes closer together than the scan's spacing can be missed: raise ``steps``.  Where
    the change comes from a jump (a later decision switching), it is found where the solver
    switches, whose tie rule treats values within 1e-9 (relative) as equal.

    Raises
    ------
    UnknownNameError
        for an unknown variable or node, a node that is not a non-fixed decision.
    AnalysisError
        for a bad range, ``steps`` < 2, a policy other than reoptimize or fixed.

    Examples
    --------
    >>> import scenarios
    >>> t = threshold(scenarios.load("oil-wildcatter"), "test_cost")
    >>> [(round(c.value, 9), c.left, c.right) for c in t.crossings]
    [(9.5, 'seismic', 'drill_now')]
    """
    if policy not in ("reoptimize", "fixed"):
        raise AnalysisError(f"threshold: policy must be 'reoptimize' or 'fixed', not {policy!r}")
    steps = _steps(steps)
    if not (isinstance(tolerance, (int, float)) and tolerance > 0):
        raise AnalysisError(f"threshold: tolerance must be a positive number, got {tolerance!r}")
    node = scenario.root if node is None else node
    (variable,) = variables(scenario, [param], ranges=ranges, overrides=overrides)
    base_solution = scenario.solve(overrides=overrides, top=0)
    base_edges = base_solution.chosen_edge if policy == "fixed" else None

    def run(xs) -> Any:
        return evaluate_settings(scenario, {variable.name: np.atleast_1d(xs)}, metric=False, policy=policy,
                                 node=node, overrides=overrides, base_choices=base_edges)

    base = run([variable.base])  # also checks the node
    compiled = scenario.compiled
    sign = float(compiled.column_sign[compiled.actor[compiled.index[node]]]) \
        if compiled.column_sign is not None else 1.0  # -1: the actor minimises (scenarios.engine.criteria)
    xs = np.linspace(variable.low, variable.high, steps) if variable.high > variable.low else \
        np.array([variable.low])
    scan = run(xs)
    crossings: list[Crossing] = []
    for i in np.flatnonzero(scan.choice[1:] != scan.choice[:-1]):
        lo, current, goal = xs[i], int(scan.choice[i]), int(scan.choice[i + 1])
        for _ in range(_MAX_CROSSINGS_PER_STEP):
            crossing, current, lo = _bisect(run, lo, xs[i + 1], current, tolerance, sign)
            crossings.append(Crossing(
                crossing[0], crossing[1], _branch_to(scenario, node, crossing[2]), _branch_to(scenario, node, current),
                crossing[3], crossing[4]))
            if current == goal:
                break
    return ThresholdResult(scenario, variable, node, scenario.nodes[node].actor or "", policy,
                           _branch_to(scenario, node, base.choice[0]), tuple(crossings), steps, float(tolerance),
                           dict(overrides or {}), dict(base_solution.choices) if policy == "fixed" else {},
                           _branch_to(scenario, node, scan.choice[0]))


def _branch_to(scenario: Scenario, node: str, position: Any) -> str:
    """The child at branch ``position`` of decision ``node``."""
    return scenario.nodes[node].branches[int(position)].to


def _bisect(run, lo: float, hi: float, current: int, tolerance: float, sign: float = 1.0):
    """Narrow ``[lo, hi]`` to where option ``current`` stops being the best.

    Returns ``((value, bracket, left, left_value, right_value), right, new_lo)``: the
    option that overtakes ``current`` is the best of the others at the bracket's right end.
    """
    def margin(x):
        values = run([x]).option_values[0]
        others = np.delete(sign * values, current)
        return sign * values[current] - others.max(), values

    while hi - lo > tolerance:
        mid = lo + (hi - lo) / 2
        if mid <= lo or mid >= hi:  # the floats ran out before the tolerance did
            break
        if margin(mid)[0] > 0:
            lo = mid
        else:
            hi = mid
    _, values = margin(hi)
    others = sign * values
    others[current] = -np.inf
    right = int(np.argmax(others))  # first listed among equals, as the solver breaks ties
    middle = lo + (hi - lo) / 2
    _, at_middle = margin(middle)
    return ((float(middle), (float(lo), float(hi)), current, float(at_middle[current]), float(at_middle[right])),
            right, hi)

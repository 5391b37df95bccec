"""Deterministic sensitivity analysis: one-way (tornado), spider, two-way grid and threshold.

Each design picks settings of the *variables* (parameters with a ``low``/``high`` range,
or ranges given by the caller; branch probabilities ``NODE.CHILD`` with a range, their
siblings rescaled in proportion as ``--set`` does), evaluates all of them in one batch
with :func:`scenarios.analysis.metrics.evaluate_settings`, and returns a frozen result
with ``to_dict()`` (the ``--json`` output) and ``to_frame()`` (pandas, if installed).
Every result says under which policy its metric was read: ``belief`` (decisions weighted
by the analyst's beliefs), ``fixed`` (the base case's strategic choices held, as
SilverDecisions does) or ``reoptimize`` (re-solved at every value, as TreeAge does).

Threshold analysis (where the strategic choice flips) is in
:mod:`scenarios.analysis.thresholds`; its names are importable from here too.

References
----------
Clemen, R. T. & Reilly, T., *Making Hard Decisions*, ch. 5 (sensitivity analysis:
tornado diagrams, one- and two-way sensitivity, threshold values).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..engine.bind import bind, parameter_values, parse_overrides
from ..engine.overrides import resolve_setting
from ..engine.results import SolveResult
from ..errors import (
    AnalysisError,  # noqa: F401  (defined in errors.py; importable here as before)
)
from ..formatting import json_number
from ..model import Scenario
from .metrics import POLICIES, POLICY_DESCRIPTIONS, Metric, _decision_index, evaluate_settings, parse_metric

__all__ = ["AnalysisError", "Variable", "variables", "TornadoBar", "TornadoResult", "tornado",
           "SpiderLine", "SpiderResult", "spider", "GridResult", "grid"]



#: Numbers in ``to_dict()`` (``--json``): full precision, the one rule in formatting.py.
_clean = json_number


# -- variables ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Variable:
    """A quantity varied by a sensitivity design, with its range and base value.

    ``kind`` is ``"parameter"`` or ``"branch"`` (``name`` is then ``NODE.CHILD``).
    """

    name: str
    kind: str
    low: float
    high: float
    base: float
    description: str | None = None

    def to_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind, "low": _clean(self.low), "high": _clean(self.high),
                "base": _clean(self.base), "description": self.description}


def variables(scenario: Scenario, names: Sequence[str] | None = None, *,
              ranges: Mapping[str, tuple[float, float]] | None = None,
              overrides: Mapping[str, Any] | None = None) -> tuple[Variable, ...]:
    """The variables of a design: ``names`` (default: every parameter with a range, then ``ranges``).

    ``ranges`` maps a parameter or ``NODE.CHILD`` to ``(low, high)``, replacing the file's
    range.  Base values are those of the base case under ``overrides``.

    Raises
    ------
    UnknownNameError
        for an unknown parameter, node or branch.
    AnalysisError
        for a range with low > high, a branch range outside [0, 1], a variable without a
        range, or no variable at all.

    Examples
    --------
    >>> import scenarios
    >>> [v.name for v in variables(scenarios.load("oil-wildcatter"))]
    ['test_cost', 'drill_cost', 'revenue_wet', 'revenue_soaking']
    >>> variables(scenarios.load("oil-wildcatter"), ["drill_cost"], ranges={"drill_cost": (90, 50)})
    Traceback (most recent call last):
    ...
    scenarios.errors.AnalysisError: range of drill_cost: low 90 is above high 50
    """
    ranges = dict(ranges or {})
    for name, bounds in ranges.items():
        _check_name(scenario, name)
        low, high = _bounds(name, bounds)
        if resolve_setting(scenario, name).is_risk:
            if low <= 0.0 <= high:
                raise AnalysisError(f"range of {name}: a risk tolerance range may not include 0 "
                                    f"(got {low:g}:{high:g}; use positive values for risk aversion)")
            continue
        if "." in name and not (0.0 <= low and high <= 1.0):
            raise AnalysisError(f"range of {name}: a branch probability's range must lie within [0, 1], "
                                f"got {low:g}:{high:g}")
    if names is None:
        names = [n for n, p in scenario.parameters.items() if p.low is not None and p.high is not None]
        names += [n for n in ranges if n not in names]
        if not names:
            raise AnalysisError("no parameter has a range (low/high in the file): give one with "
                                "--range NAME=LOW:HIGH")
    base_params, _ = parse_overrides(scenario, overrides)
    values = parameter_values(scenario.parameters, base_params)
    bound = None
    out: list[Variable] = []
    for name in dict.fromkeys(names):  # in order, once each
        _check_name(scenario, name)
        if resolve_setting(scenario, name).is_risk:
            out.append(_risk_variable(scenario, name, ranges, overrides))
            continue
        if "." in name:
            if name not in ranges:
                raise AnalysisError(f"branch probability {name} needs a range: --range {name}=LOW:HIGH")
            if bound is None:
                bound = bind(scenario, overrides)
            node_id, position = resolve_setting(scenario, name).pin  # branches may share a child
            base = float(bound.p[scenario.compiled.edge_of(node_id, position)])
            node = scenario.nodes[node_id]
            label = node.branches[int(position)].label
            out.append(Variable(name, "branch", *_bounds(name, ranges[name]), base,
                                f"probability of {label!r} at {node.label!r}"))
            continue
        parameter = scenario.parameters[name]
        if name in ranges:
            low, high = _bounds(name, ranges[name])
        elif parameter.low is not None and parameter.high is not None:
            low, high = parameter.low, parameter.high
        else:
            raise AnalysisError(f"parameter {name!r} has no range: give low/high in the file or "
                                f"--range {name}=LOW:HIGH")
        out.append(Variable(name, "parameter", float(low), float(high), float(values[name]),
                            parameter.description))
    return tuple(out)


def _risk_variable(scenario: Scenario, name: str, ranges: Mapping[str, tuple[float, float]],
                   overrides: Mapping[str, Any] | None) -> Variable:
    """``risk.ACTOR``: the actor's exponential risk tolerance R, over ``--range risk.ACTOR=LOW:HIGH``."""
    actor = scenario.actors[name[len("risk."):]]
    if actor.risk.kind != "exponential":
        raise AnalysisError(f"{name}: actor {actor.key!r} has risk attitude {actor.risk}; its risk tolerance "
                            f"varies only for an exponential one (give one: --risk {actor.key}=exponential:R)")
    if name not in ranges:
        raise AnalysisError(f"{name} needs a range: --range {name}=LOW:HIGH (risk tolerance R, in payoff units)")
    low, high = _bounds(name, ranges[name])
    return Variable(name, "risk", low, high, float(actor.risk.value or 0.0),
                    f"risk tolerance R of {actor.name} (exponential utility)")


def _check_name(scenario: Scenario, name: str) -> None:
    if not isinstance(name, str):
        raise TypeError(f"variable names are text, not {type(name).__name__}")
    resolve_setting(scenario, name)


def _bounds(name: str, bounds) -> tuple[float, float]:
    try:
        low, high = (float(x) for x in bounds)
    except (TypeError, ValueError):
        raise AnalysisError(f"range of {name}: expected (low, high), got {bounds!r}") from None
    if not (math.isfinite(low) and math.isfinite(high)):
        raise AnalysisError(f"range of {name}: low and high must be finite numbers")
    if low > high:
        raise AnalysisError(f"range of {name}: low {low:g} is above high {high:g}")
    return low, high


# -- shared pieces ----------------------------------------------------------------------------------
def _setup(scenario: Scenario, metric: str | Metric | None, policy: str, node: str | None,
           overrides: Mapping[str, Any] | None) -> tuple[Metric, str | None, SolveResult | None]:
    if policy not in POLICIES:
        raise AnalysisError(f"policy must be one of {', '.join(POLICIES)}, not {policy!r}")
    metric = parse_metric(scenario, metric)
    if node is None:  # the root's choice, when the root is a decision to solve
        root = scenario.nodes[scenario.root]
        chooser = root.id if root.info.has_actor and not root.fixed else None
    else:
        _decision_index(scenario, node)  # an unknown node, or one without a choice, is an error
        chooser = node
    base_choices = scenario.solve(overrides=overrides, top=0) if policy == "fixed" else None
    return metric, chooser, base_choices


def _child(scenario: Scenario, node: str | None, position) -> str | None:
    if node is None or position is None:
        return None
    return scenario.nodes[node].branches[int(position)].to


def _frame(rows: list[dict]):
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is an optional extra
        raise ImportError("to_frame() needs pandas: pip install 'scenarios[pandas]'") from None
    return pd.DataFrame(rows)


@dataclass(frozen=True, eq=False)
class _Header:
    """What every sensitivity result records about how it was computed."""

    scenario: Scenario = field(repr=False)
    metric: Metric
    policy: str
    node: str | None
    overrides: Mapping[str, Any]
    held_choices: Mapping[str, str]

    @property
    def metric_label(self) -> str:
        return self.metric.describe(self.scenario)

    def _header_dict(self, analysis: str) -> dict:
        return {"scenario": self.scenario.id, "analysis": analysis, "metric": str(self.metric),
                "metric_label": self.metric_label, "policy": self.policy,
                "policy_description": POLICY_DESCRIPTIONS[self.policy], "node": self.node,
                "overrides": dict(self.overrides), "held_choices": dict(self.held_choices)}


def _held(scenario, base_solution) -> dict[str, str]:
    return dict(base_solution.choices) if base_solution is not None else {}


# -- tornado ----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TornadoBar:
    """One variable of a tornado: the metric at its low and high end, and the choice there."""

    variable: Variable
    metric_low: float
    metric_high: float
    choice_low: str | None
    choice_high: str | None

    @property
    def swing(self) -> float:
        return abs(self.metric_high - self.metric_low)

    def to_dict(self) -> dict:
        return {**self.variable.to_dict(), "metric_low": _clean(self.metric_low),
                "metric_high": _clean(self.metric_high), "swing": _clean(self.swing),
                "choice_low": self.choice_low, "choice_high": self.choice_high}


@dataclass(frozen=True, eq=False)
class TornadoResult(_Header):
    """One-way sensitivity of a metric: bars sorted by swing, widest first."""

    base_metric: float = 0.0
    base_choice: str | None = None
    bars: tuple[TornadoBar, ...] = ()

    def to_dict(self) -> dict:
        return {**self._header_dict("tornado"), "base": {"metric": _clean(self.base_metric),
                                                         "choice": self.base_choice},
                "bars": [bar.to_dict() for bar in self.bars]}

    def to_frame(self):
        """One row per variable, in tornado order (pandas)."""
        return _frame([bar.to_dict() for bar in self.bars])


def tornado(scenario: Scenario, params: Sequence[str] | None = None, *, metric: str | Metric | None = None,
            policy: str = "belief", ranges: Mapping[str, tuple[float, float]] | None = None,
            node: str | None = None, overrides: Mapping[str, Any] | None = None) -> TornadoResult:
    """One-way sensitivity: the metric at each variable's low and high, others at base.

    Parameters
    ----------
    params : list of str, optional
        Parameters or ``NODE.CHILD`` branches (default: every parameter with a range).
    metric : str or Metric, optional
        ``payoff:ACTOR``, ``outcome:ID``, ``tag:TAG`` or ``node:ID`` (default: the expected
        payoff to the actor deciding at the root).
    policy : {"belief", "fixed", "reoptimize"}
    ranges : mapping, optional
        ``{name: (low, high)}``, replacing or supplying a variable's range.
    node : str, optional
        Decision node whose strategic choice is reported at each end (default: the root).
    overrides : mapping, optional
        The base case (``--set``).

    Raises
    ------
    UnknownNameError, AnalysisError, ProbabilityError, ExpressionError

    Examples
    --------
    >>> import scenarios
    >>> t = tornado(scenarios.load("oil-wildcatter"), ["drill_cost", "test_cost"], policy="reoptimize")
    >>> [(b.variable.name, round(b.metric_low, 9), round(b.metric_high, 9)) for b in t.bars]
    [('drill_cost', 40.0, 9.5), ('test_cost', 29.5, 20.0)]
    """
    metric, chooser, base_solution = _setup(scenario, metric, policy, node, overrides)
    chosen = variables(scenario, params, ranges=ranges, overrides=overrides)
    n = len(chosen)
    columns = {}
    for i, v in enumerate(chosen):
        column = np.full(1 + 2 * n, v.base)
        column[1 + 2 * i], column[2 + 2 * i] = v.low, v.high
        columns[v.name] = column
    result = evaluate_settings(scenario, columns, metric=metric, policy=policy, node=chooser,
                               overrides=overrides,
                               base_choices=base_solution.chosen_edge if base_solution is not None else None)
    assert result.metric is not None  # a metric was asked for
    choice = result.choice if result.choice is not None else [None] * (1 + 2 * n)
    bars = [TornadoBar(v, float(result.metric[1 + 2 * i]), float(result.metric[2 + 2 * i]),
                       _child(scenario, chooser, choice[1 + 2 * i]), _child(scenario, chooser, choice[2 + 2 * i]))
            for i, v in enumerate(chosen)]
    bars.sort(key=lambda bar: -bar.swing)  # stable: equal swings keep the variables' order
    return TornadoResult(scenario, metric, policy, chooser, dict(overrides or {}), _held(scenario, base_solution),
                         base_metric=float(result.metric[0]), base_choice=_child(scenario, chooser, choice[0]),
                         bars=tuple(bars))


# -- spider -----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SpiderLine:
    """The metric (and choice) along one variable's range, the others at base."""

    variable: Variable
    values: tuple[float, ...]
    metric: tuple[float, ...]
    choices: tuple[str | None, ...]

    def to_dict(self) -> dict:
        return {**self.variable.to_dict(), "values": [_clean(x) for x in self.values],
                "metric": [_clean(y) for y in self.metric], "choices": list(self.choices)}


@dataclass(frozen=True, eq=False)
class SpiderResult(_Header):
    """Data for a spider plot: one line per variable across its range."""

    base_metric: float = 0.0
    steps: int = 0
    lines: tuple[SpiderLine, ...] = ()

    def to_dict(self) -> dict:
        return {**self._header_dict("spider"), "base": {"metric": _clean(self.base_metric)},
                "steps": self.steps, "lines": [line.to_dict() for line in self.lines]}

    def to_frame(self):
        """Long format: one row per (variable, step) (pandas)."""
        rows = [{"variable": line.variable.name, "step": i, "value": x, "metric": y, "choice": c}
                for line in self.lines
                for i, (x, y, c) in enumerate(zip(line.values, line.metric, line.choices, strict=True))]
        return _frame(rows)


def _steps(steps: int, least: int = 2) -> int:
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < least:
        raise AnalysisError(f"--steps must be a whole number >= {least}, got {steps!r}")
    return int(steps)


def spider(scenario: Scenario, params: Sequence[str] | None = None, *, steps: int = 5,
           metric: str | Metric | None = None, policy: str = "belief",
           ranges: Mapping[str, tuple[float, float]] | None = None, node: str | None = None,
           overrides: Mapping[str, Any] | None = None) -> SpiderResult:
    """The metric at ``steps`` evenly spaced values across each variable's range.

    Parameters and errors as :func:`tornado`; ``steps`` must be at least 2.

    Examples
    --------
    >>> import scenarios
    >>> s = spider(scenarios.load("oil-wildcatter"), ["drill_cost"], steps=3, policy="fixed")
    >>> s.lines[0].values, [round(y, 9) + 0.0 for y in s.lines[0].metric]
    ((50.0, 70.0, 90.0), [40.0, 20.0, 0.0])
    """
    steps = _steps(steps)
    metric, chooser, base_solution = _setup(scenario, metric, policy, node, overrides)
    chosen = variables(scenario, params, ranges=ranges, overrides=overrides)
    n = len(chosen)
    columns = {}
    for i, v in enumerate(chosen):
        column = np.full(1 + steps * n, v.base)
        column[1 + steps * i: 1 + steps * (i + 1)] = np.linspace(v.low, v.high, steps)
        columns[v.name] = column
    result = evaluate_settings(scenario, columns, metric=metric, policy=policy, node=chooser,
                               overrides=overrides,
                               base_choices=base_solution.chosen_edge if base_solution is not None else None)
    assert result.metric is not None  # a metric was asked for
    lines = []
    for i, v in enumerate(chosen):
        part = slice(1 + steps * i, 1 + steps * (i + 1))
        picks = result.choice[part] if result.choice is not None else [None] * steps
        lines.append(SpiderLine(v, tuple(float(x) for x in columns[v.name][part]),
                                tuple(float(y) for y in result.metric[part]),
                                tuple(_child(scenario, chooser, c) for c in picks)))
    return SpiderResult(scenario, metric, policy, chooser, dict(overrides or {}), _held(scenario, base_solution),
                        base_metric=float(result.metric[0]), steps=steps, lines=tuple(lines))


# -- two-way grid ---------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class GridResult(_Header):
    """Two-way sensitivity: the metric and the choice at ``node`` on a grid of two variables.

    ``metric[j, i]`` and ``choices[j][i]`` belong to ``x = xs[i]``, ``y = ys[j]`` (rows
    are y, as in a heat map).
    """

    x: Variable
    y: Variable
    xs: tuple[float, ...] = ()
    ys: tuple[float, ...] = ()
    metric_grid: np.ndarray = field(kw_only=True, repr=False)  # keyword-only: after fields with defaults
    choices: tuple[tuple[str | None, ...], ...] = ()

    def to_dict(self) -> dict:
        options = {}
        if self.node is not None:
            options = {b.to: b.label for b in self.scenario.nodes[self.node].branches}
        return {**self._header_dict("grid"), "x": self.x.to_dict(), "y": self.y.to_dict(),
                "xs": [_clean(v) for v in self.xs], "ys": [_clean(v) for v in self.ys],
                "metric_grid": [[_clean(v) for v in row] for row in self.metric_grid],
                "choices": [list(row) for row in self.choices], "options": options}

    def to_frame(self):
        """Long format: one row per cell (pandas)."""
        rows = [{self.x.name: x, self.y.name: y, "metric": float(self.metric_grid[j, i]),
                 "choice": self.choices[j][i]}
                for j, y in enumerate(self.ys) for i, x in enumerate(self.xs)]
        return _frame(rows)


def grid(scenario: Scenario, x: str, y: str, *, steps: int = 21, metric: str | Metric | None = None,
         policy: str = "belief", ranges: Mapping[str, tuple[float, float]] | None = None,
         node: str | None = None, overrides: Mapping[str, Any] | None = None) -> GridResult:
    """The metric and the strategic choice at ``node`` over a ``steps`` x ``steps`` grid.

    The choice is the re-solved one (under ``fixed``, the other decisions keep their base
    choices while ``node`` is re-optimized).

    Raises
    ------
    AnalysisError
        if ``x`` and ``y`` are the same, or as :func:`tornado`.

    Examples
    --------
    >>> import scenarios
    >>> g = grid(scenarios.load("oil-wildcatter"), "test_cost", "drill_cost", steps=3, policy="reoptimize")
    >>> g.choices[1]  # drill_cost 70: the test pays only below 9.5
    ('seismic', 'drill_now', 'drill_now')
    """
    if x == y:
        raise AnalysisError(f"--grid needs two different variables, got {x} twice")
    steps = _steps(steps)
    metric, chooser, base_solution = _setup(scenario, metric, policy, node, overrides)
    vx, vy = variables(scenario, [x, y], ranges=ranges, overrides=overrides)
    xs, ys = np.linspace(vx.low, vx.high, steps), np.linspace(vy.low, vy.high, steps)
    gx, gy = np.meshgrid(xs, ys)  # (steps_y, steps_x)
    result = evaluate_settings(scenario, {vx.name: gx.ravel(), vy.name: gy.ravel()}, metric=metric,
                               policy=policy, node=chooser, overrides=overrides,
                               base_choices=base_solution.chosen_edge if base_solution is not None else None)
    assert result.metric is not None  # a metric was asked for
    picks = result.choice.reshape(gx.shape) if result.choice is not None else np.full(gx.shape, None)
    choices = tuple(tuple(_child(scenario, chooser, c) for c in row) for row in picks)
    return GridResult(scenario, metric, policy, chooser, dict(overrides or {}), _held(scenario, base_solution),
                      x=vx, y=vy, xs=tuple(map(float, xs)), ys=tuple(map(float, ys)),
                      metric_grid=result.metric.reshape(gx.shape), choices=choices)


_THRESHOLD_NAMES = ("Crossing", "ThresholdResult", "threshold", "THRESHOLD_TOLERANCE")


def __getattr__(name: str):
    # Threshold analysis lives in .thresholds (it builds on this module); its names are
    # still importable from here, loaded on first use so neither module loads the other early.
    if name in _THRESHOLD_NAMES:
        from . import thresholds

        return getattr(thresholds, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

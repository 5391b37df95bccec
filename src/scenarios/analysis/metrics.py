"""What an analysis measures, and measuring it over many parameter settings at once.

A *metric* is one number about a scenario: ``payoff:ACTOR`` (an actor's expected payoff),
``outcome:ID`` (the probability of ending in an outcome), ``tag:TAG`` (the probability of
ending in an outcome carrying the tag, e.g. P(war)), ``node:ID`` (the probability of
passing a node) or ``ce:ACTOR`` (an actor's certainty equivalent under its risk attitude,
docs/risk-attitudes.md; its expected payoff when risk neutral).  Under a *policy* it is read in one of three ways:

``belief``
    every decision weighted by the analyst's beliefs (the ``p`` on its branches), as
    ``scenarios evaluate``;
``reoptimize``
    re-solved by backward induction at every setting, as TreeAge does;
``fixed``
    the strategic choices of the base case held while the parameters vary (each solved
    decision pinned to its base choice), as SilverDecisions does.

:func:`evaluate_settings` is the *evaluate* step of every sensitivity design (tornado,
spider, grid, threshold): it takes columns of settings, binds all of them in one
vectorised pass (an array axis per setting), rolls the graph back once per generation
for all settings together, and returns the metric and, optionally, the strategic choice
at one decision node with the value of each of its options.  Settings are independent, so
callers may split the columns into chunks and evaluate them anywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ..engine.batch import (
    BatchProblem,
    bind_batch,
    expected_payoffs_batch,
    forward_batch,
    played_batch,
    solve_batch,
)
from ..engine.bind import parameter_values, parse_overrides
from ..engine.compiled import OUTCOME
from ..engine.overrides import resolve_setting
from ..engine.risk_results import solve_batch_risk
from ..errors import ExpressionError, ProbabilityError, UnknownNameError, did_you_mean
from ..expressions import Value
from ..model import Scenario
from .sampling import Draws

__all__ = ["METRIC_KINDS", "POLICIES", "Metric", "parse_metric", "default_metric", "metric_value",
           "evaluate_metric", "SettingsEvaluation", "evaluate_settings"]

METRIC_KINDS = ("payoff", "outcome", "tag", "node", "ce")
POLICIES = ("belief", "fixed", "reoptimize")
POLICY_DESCRIPTIONS = {
    "belief": "belief mode: every decision weighted by the analyst's beliefs",
    "fixed": "policy fixed: the base case's strategic choices held while values vary (as SilverDecisions)",
    "reoptimize": "policy reoptimize: re-solved by backward induction at every value (as TreeAge)",
}
#: Upper bound on the floats of one chunk's (settings x nodes x actors) value array.
_CHUNK_FLOATS = 4_000_000


@dataclass(frozen=True, slots=True)
class Metric:
    """One number about a scenario: ``Metric("tag", "war")`` is P(ending in a war outcome).

    Build it with :func:`parse_metric`, which checks the name against the scenario.
    """

    kind: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"

    def describe(self, scenario: Scenario) -> str:
        """Words for tables and charts, e.g. ``"P(tag war)"``."""
        if self.kind == "payoff":
            return f"expected payoff to {scenario.actors[self.name].name}"
        if self.kind == "ce":
            return f"certainty equivalent to {scenario.actors[self.name].name}"
        if self.kind == "tag":
            return f"P(tag {self.name})"
        what = "outcome" if self.kind == "outcome" else "passing"
        return f"P({what} {scenario.nodes[self.name].label})"


def parse_metric(scenario: Scenario, text: str | Metric | None) -> Metric:
    """Parse and check ``KIND:NAME`` against ``scenario``; None gives :func:`default_metric`.

    Raises
    ------
    UnknownNameError
        for an unknown kind, actor, outcome, node or tag (with the known ones).

    Examples
    --------
    >>> import scenarios
    >>> s = scenarios.load("donbas-recognition-2022")
    >>> parse_metric(s, "tag:war")
    Metric(kind='tag', name='war')
    >>> parse_metric(s, "tag:peace")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    scenarios.errors.UnknownNameError: metric tag:peace: no outcome has the tag 'peace' (tags on outcomes: ..., war)
    """
    if text is None:
        return default_metric(scenario)
    if isinstance(text, Metric):
        text = str(text)
    kind, sep, name = str(text).partition(":")
    kind, name = kind.strip(), name.strip()
    if not sep or not name or kind not in METRIC_KINDS:
        hint = did_you_mean(kind, METRIC_KINDS) if sep else ""
        raise UnknownNameError(f"metric {text!r}: expected payoff:ACTOR, outcome:ID, tag:TAG or node:ID "
                               f"(or ce:ACTOR, a certainty equivalent){hint}")
    if kind in ("payoff", "ce"):
        if name not in scenario.actors:
            known = ", ".join(scenario.actors) or "none"
            raise UnknownNameError(f"metric {text}: unknown actor {name!r}{did_you_mean(name, scenario.actors)} "
                                   f"(actors: {known})")
    elif kind == "tag":
        tags = sorted({t for n in scenario.nodes.values() if not n.info.has_branches for t in n.tags})
        if name not in tags:
            known = ", ".join(tags) or "none"
            raise UnknownNameError(f"metric {text}: no outcome has the tag {name!r}{did_you_mean(name, tags)} "
                                   f"(tags on outcomes: {known})")
    else:
        node = scenario.nodes.get(name)
        if node is None:
            pool = scenario.outcomes if kind == "outcome" else scenario.nodes
            raise UnknownNameError(f"metric {text}: unknown {'outcome' if kind == 'outcome' else 'node'} "
                                   f"{name!r}{did_you_mean(name, pool)}")
        if kind == "outcome" and node.info.has_branches:
            raise UnknownNameError(f"metric {text}: {name!r} is a {node.kind} node, not an outcome "
                                   f"(use node:{name} for the probability of passing it)")
    return Metric(kind, name)


def default_metric(scenario: Scenario) -> Metric:
    """The expected payoff to the actor deciding at the root (else the first actor); for a
    scenario without actors, the probability of its most likely outcome at the base case.

    >>> import scenarios
    >>> default_metric(scenarios.load("oil-wildcatter"))
    Metric(kind='payoff', name='wildcatter')
    >>> default_metric(scenarios.loads("title: t\\nnodes: {a: {kind: chance, branches: [{to: b, p: 0.3}, "
    ...     "{to: c, p: 0.7}]}, b: {kind: outcome}, c: {kind: outcome}}"))
    Metric(kind='outcome', name='c')
    """
    root = scenario.nodes[scenario.root]
    if root.info.has_actor and root.actor is not None:  # a decision always has an actor
        return Metric("payoff", root.actor)
    if scenario.actors:
        return Metric("payoff", next(iter(scenario.actors)))
    return Metric("outcome", scenario.evaluate(top=1).outcomes[0].id)


def metric_value(metric: Metric, result) -> float:
    """The metric read off an evaluate or solve result.

    >>> import scenarios
    >>> s = scenarios.load("entry-deterrence")
    >>> metric_value(parse_metric(s, "outcome:war"), s.evaluate())
    0.15
    """
    if metric.kind == "payoff":
        return float(result.expected_payoffs[metric.name])
    if metric.kind == "ce":
        return float(result.certainty_equivalents[metric.name])
    if metric.kind == "tag":
        return float(result.tags.get(metric.name, 0.0))
    return result.probability(metric.name)


def evaluate_metric(scenario: Scenario, metric: str | Metric | None = None, *, mode: str = "belief",
                    overrides: Mapping[str, Any] | None = None) -> float:
    """The metric in belief mode (default) or under the strategic solution (``mode="strategic"``).

    Raises
    ------
    UnknownNameError, ProbabilityError, ExpressionError

    Examples
    --------
    >>> import scenarios
    >>> s = scenarios.load("oil-wildcatter")
    >>> round(evaluate_metric(s), 9), round(evaluate_metric(s, mode="strategic"), 9)
    (14.395, 20.0)
    """
    metric = parse_metric(scenario, metric)
    if mode not in ("belief", "strategic"):
        raise ValueError(f"mode must be 'belief' or 'strategic', not {mode!r}")
    result = scenario.evaluate(overrides=overrides, top=0) if mode == "belief" else \
        scenario.solve(overrides=overrides, top=0)
    return metric_value(metric, result)


# -- many settings at once ------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class SettingsEvaluation:
    """Per setting: the metric, and at ``node`` the choice (branch position) and option values.

    ``option_values[k, b]`` is the value to the deciding actor of taking branch ``b`` at
    ``node`` in setting ``k`` (branch payoff plus what follows, under the policy).
    """

    metric: np.ndarray | None
    choice: np.ndarray | None
    option_values: np.ndarray | None


def evaluate_settings(scenario: Scenario, settings: Mapping[str, Any], *,
                      metric: str | Metric | Literal[False] | None = None,
                      policy: str = "belief", node: str | None = None,
                      overrides: Mapping[str, Any] | None = None,
                      base_choices: np.ndarray | None = None) -> SettingsEvaluation:
    """Evaluate the metric (and the choice at ``node``) for every row of ``settings``.

    Parameters
    ----------
    settings : mapping
        ``{name: values}``, one column per varied quantity, all of the same length K: a
        parameter name, or ``NODE.CHILD`` for a branch probability (its siblings are
        rescaled in proportion, as ``--set`` does).
    metric : str or Metric, optional
        What to measure (default :func:`default_metric`); pass ``metric=False`` to skip it.
    policy : {"belief", "fixed", "reoptimize"}
        How decisions are read (see the module docstring).
    node : str, optional
        A non-fixed decision node: also return its strategic choice per setting (under
        ``fixed`` the other decisions keep their base choices while this one is re-optimized).
    overrides : mapping, optional
        The base case (``--set``); the columns take precedence over it.
    base_choices : array, optional
        ``SolveResult.chosen_edge`` of the base case for ``fixed`` (computed if omitted;
        pass it when evaluating chunks).

    Raises
    ------
    UnknownNameError, ProbabilityError, ExpressionError, ValueError

    Examples
    --------
    >>> import scenarios
    >>> s = scenarios.load("oil-wildcatter")
    >>> r = evaluate_settings(s, {"drill_cost": [50, 70, 90]}, policy="reoptimize", node="start")
    >>> r.metric.round(9).tolist(), [s.nodes["start"].branches[b].to for b in r.choice]
    ([40.0, 20.0, 9.5], ['drill_now', 'drill_now', 'seismic'])
    """
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {', '.join(POLICIES)}, not {policy!r}")
    compiled = scenario.compiled
    metric = None if metric is False else parse_metric(scenario, metric)
    d = _decision_index(scenario, node) if node is not None else None
    columns = _columns(scenario, settings)
    k = len(next(iter(columns.values()))) if columns else 1
    if policy == "fixed" and base_choices is None:
        base_choices = scenario.solve(overrides=overrides, top=0).chosen_edge
    width = compiled.n_nodes * max(len(compiled.actors), 1)
    size = max(1, _CHUNK_FLOATS // max(width, 1))
    parts = [_evaluate_chunk(scenario, {n: c[i:i + size] for n, c in columns.items()}, metric, policy, d,
                             overrides, base_choices, min(size, k - i)) for i in range(0, k, size)]
    return SettingsEvaluation(_join([p.metric for p in parts]), _join([p.choice for p in parts]),
                              _join([p.option_values for p in parts]))


def _join(parts: list) -> np.ndarray | None:
    return np.concatenate(parts) if parts[0] is not None else None


def _decision_index(scenario: Scenario, node: str) -> int:
    found = scenario.nodes.get(node)
    if found is None:
        raise UnknownNameError(f"--node {node}: unknown node{did_you_mean(node, scenario.decisions)}")
    if not found.info.has_actor:
        decisions = scenario.decisions
        listed = ", ".join(decisions[:10]) + (f", … ({len(decisions)} in all)" if len(decisions) > 10 else "")
        raise UnknownNameError(f"--node {node}: {node!r} is a {found.kind} node; a choice needs a "
                               f"decision node (decisions: {listed or 'none'})")
    if found.fixed:
        raise UnknownNameError(f"--node {node}: decision {node!r} is fixed (it keeps its belief weights "
                               "when solving), so it has no strategic choice")
    return scenario.compiled.index[node]


def _columns(scenario: Scenario, settings: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """Check names and values of ``settings``; return float columns of one length."""
    columns: dict[str, np.ndarray] = {}
    length = None
    for name, values in settings.items():
        column = np.atleast_1d(np.asarray(values, dtype=float))
        if column.ndim != 1:
            raise ValueError(f"settings {name!r}: expected one value per setting (a 1-D array)")
        if length is not None and len(column) != length:
            raise ValueError(f"settings: column {name!r} has {len(column)} values, others {length}")
        length = len(column)
        if not np.all(np.isfinite(column)):
            raise ExpressionError(f"{name}: values must be finite numbers")
        setting = resolve_setting(scenario, name)
        if setting.is_risk and np.any(column == 0.0):
            raise ExpressionError(f"{name}=0: the risk tolerance R must be non-zero")
        if setting.is_branch:
            bad = column[(column < 0.0) | (column > 1.0)]
            if len(bad):
                raise ProbabilityError(f"{name}={bad[0]:g}: a probability must lie in [0, 1]")
        columns[name] = column
    if length == 0:
        raise ValueError("settings: no values to evaluate")
    return columns


def _evaluate_chunk(scenario, columns, metric, policy, d, overrides, base_choices, k) -> SettingsEvaluation:
    """One chunk of settings on the engine's batch evaluator (columns are settings, last axis)."""
    compiled = scenario.compiled
    tolerance = {compiled.actors.index(name[len("risk."):]): columns.pop(name)
                 for name in list(columns) if resolve_setting(scenario, name).is_risk}
    risky = bool(tolerance) or any(not a.risk.neutral for a in scenario.actors.values())
    bound = _bind_settings(scenario, columns, overrides, k)
    p = bound.p
    if policy == "fixed":  # every solved decision plays its base choice in every setting
        p = played_batch(compiled, p, np.broadcast_to(base_choices[:, None], (compiled.n_nodes, k)))
    solved = None
    option_payoff = bound.edge_payoff
    if risky:  # each actor maximises its expected utility (scenarios.engine.risk)
        if policy == "reoptimize" or d is not None:
            solved, option_payoff, _ = solve_batch_risk(scenario, bound, p, only=d if policy == "fixed" else None,
                                                        tolerance=tolerance)
    elif policy == "reoptimize" or (policy == "belief" and d is not None):
        solved = solve_batch(bound, p)
    elif policy == "fixed" and d is not None:
        solved = solve_batch(bound, p, only=d)

    value = None
    if metric is not None:
        if policy == "reoptimize":
            assert solved is not None  # solved above under this policy
            played = played_batch(compiled, p, solved.chosen_edge)
        else:
            played = p
        reach = forward_batch(compiled, played)
        if metric.kind == "ce" and risky:  # the certainty equivalent under the played weights
            _, _, run = solve_batch_risk(scenario, bound, played, tolerance=tolerance, decide=False)
            value = run.certainty[compiled.actors.index(metric.name)]
        elif metric.kind in ("payoff", "ce"):
            actor = compiled.actors.index(metric.name)
            if solved is not None and policy == "reoptimize" and not risky:
                value = solved.values[compiled.root, actor]
            else:
                value = expected_payoffs_batch(bound, reach, played)[actor]
        else:
            value = reach[_metric_nodes(scenario, metric)].sum(axis=0)
    choice = options = None
    if d is not None:
        assert solved is not None  # a decision d is always solved above
        lo, hi = compiled.edge_start[d], compiled.edge_start[d + 1]
        choice = solved.chosen_edge[d] - lo
        actor = compiled.actor[d]
        options = (option_payoff[lo:hi, actor] + solved.values[compiled.child[lo:hi], actor]).T
    return SettingsEvaluation(value, choice, options)


def _bind_settings(scenario: Scenario, columns: dict[str, np.ndarray], overrides, k: int):
    """The engine's batch bind of K settings, strict: the first invalid setting raises."""
    params, branches = parse_overrides(scenario, overrides)
    # Strict: an invalid setting raises, so no base case to reset columns to is bound.
    problem = BatchProblem(None, dict(scenario.parameters), {}, params, branches, compiled_form=scenario.compiled)
    pinned: dict[str, Value] = {**problem.pinned, **{n: c for n, c in columns.items() if "." not in n}}
    values = parameter_values(scenario.parameters, pinned)
    branch_columns = {resolve_setting(scenario, n).pin: c for n, c in columns.items() if "." in n}

    def name(row: int) -> str:
        shown = [f"{n}={c[row]:g}" for n, c in columns.items()]
        return ", ".join(shown) if shown else "the base case"

    return bind_batch(problem, Draws(k, values), branch_columns=branch_columns, strict=name)


def _metric_nodes(scenario: Scenario, metric: Metric) -> np.ndarray:
    compiled = scenario.compiled
    if metric.kind == "tag":
        return np.array([i for i in np.flatnonzero(compiled.kind == OUTCOME)
                         if metric.name in scenario.nodes[compiled.ids[i]].tags], dtype=np.int64)
    return np.array([compiled.index[metric.name]], dtype=np.int64)

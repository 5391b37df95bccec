"""Side-by-side comparison of scenarios: typically a base and its variants.

For each scenario: the belief-mode outcome and tag probabilities and expected payoffs,
and the strategic solution's choices and payoffs, lined up by outcome id, tag, actor and
decision node, with the difference of each against the first scenario.  Rows present in
only some scenarios (a variant added or removed an outcome) show ``None`` where absent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..formatting import json_number
from ..model import Scenario

__all__ = ["ComparedRow", "ChoiceRow", "Change", "Comparison", "compare"]


def _clean(x: float | None) -> float | None:
    """Numbers in ``to_dict()`` (``--json``): full precision, the one rule in formatting.py."""
    return None if x is None else json_number(x)


@dataclass(frozen=True, slots=True)
class ComparedRow:
    """One quantity across the scenarios; ``values[i]`` is None where scenario i lacks it."""

    key: str
    label: str
    values: tuple[float | None, ...]

    @property
    def differences(self) -> tuple[float | None, ...]:
        """``values[i] - values[0]`` for every scenario after the first (None if either is absent)."""
        first = self.values[0]
        return tuple(None if v is None or first is None else v - first for v in self.values[1:])

    def to_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "values": [_clean(v) for v in self.values],
                "differences": [_clean(d) for d in self.differences]}


@dataclass(frozen=True, slots=True)
class ChoiceRow:
    """The strategic choice (child id) at one decision node in each scenario."""

    node: str
    label: str
    choices: tuple[str | None, ...]
    choice_labels: tuple[str | None, ...]

    @property
    def changed(self) -> bool:
        """True if some scenario chooses differently from the first."""
        return any(c != self.choices[0] for c in self.choices[1:])

    def to_dict(self) -> dict:
        return {"node": self.node, "label": self.label, "choices": list(self.choices),
                "choice_labels": list(self.choice_labels), "changed": self.changed}


@dataclass(frozen=True, slots=True)
class Change:
    """One input of a scenario that differs from the first scenario's.

    ``what`` is ``parameter``, ``branch`` (a branch probability written differently),
    ``payoff`` (an outcome's or a branch's payoff written differently), ``node added`` or
    ``node removed``; ``key`` names it (``p_escalate``, ``recognized.recog_condemn``,
    ``war.russia``); ``before``/``after`` are the bound values (None where absent).
    """

    what: str
    key: str
    before: float | None
    after: float | None

    def to_dict(self) -> dict:
        return {"what": self.what, "key": self.key, "before": _clean(self.before), "after": _clean(self.after)}


@dataclass(frozen=True, eq=False)
class Comparison:
    """Scenarios side by side; the first is the reference for the differences."""

    scenarios: tuple[Scenario, ...] = field(repr=False)
    names: tuple[str, ...]
    outcomes: tuple[ComparedRow, ...]
    tags: tuple[ComparedRow, ...]
    expected_payoffs: tuple[ComparedRow, ...]
    solved_payoffs: tuple[ComparedRow, ...]
    choices: tuple[ChoiceRow, ...]
    #: Per scenario after the first, what its inputs change from the first's.
    changes: tuple[tuple[Change, ...], ...] = ()
    overrides: dict = field(default_factory=dict)  # applied to every scenario

    def to_dict(self) -> dict:
        """The ``scenarios compare --json`` document."""
        return {
            "analysis": "compare",
            "scenarios": [{"name": name, "id": s.id, "title": s.title, "file": s.filename}
                          for name, s in zip(self.names, self.scenarios, strict=False)],
            "reference": self.names[0],
            "outcomes": [r.to_dict() for r in self.outcomes],
            "tags": [r.to_dict() for r in self.tags],
            "expected_payoffs": [r.to_dict() for r in self.expected_payoffs],
            "solved_payoffs": [r.to_dict() for r in self.solved_payoffs],
            "choices": [r.to_dict() for r in self.choices],
            "overrides": dict(self.overrides),
            "changes": {name: [c.to_dict() for c in changes]
                        for name, changes in zip(self.names[1:], self.changes, strict=False)},
        }

    def to_frame(self):
        """Long format (pandas): one row per (section, key, scenario) with value and difference."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - pandas is an optional extra
            raise ImportError("to_frame() needs pandas: pip install 'scenarios[pandas]'") from None
        rows = []
        for section in ("outcomes", "tags", "expected_payoffs", "solved_payoffs"):
            for row in getattr(self, section):
                first = row.values[0]
                for name, value in zip(self.names, row.values, strict=False):
                    rows.append({"section": section, "key": row.key, "label": row.label, "scenario": name,
                                 "value": value,
                                 "difference": None if value is None or first is None else value - first})
        return pd.DataFrame(rows)


def compare(scenarios: Sequence[Scenario], overrides: Mapping[str, Any] | None = None) -> Comparison:
    """Evaluate and solve each scenario and line the results up against the first.

    ``overrides`` (``--set``) apply to every scenario.  :attr:`Comparison.changes` lists,
    for each scenario after the first, the inputs it changes: parameter values, branch
    probabilities and payoffs written differently, nodes added or removed.

    Raises
    ------
    ValueError
        for fewer than two scenarios.
    ProbabilityError, ExpressionError
        if a scenario cannot be evaluated at its base case.

    Examples
    --------
    >>> import scenarios
    >>> base = scenarios.load("entry-deterrence")
    >>> cheap = scenarios.loads('''
    ... extends: entry-deterrence
    ... set: {response.war: 0.6}
    ... ''', filename="<cheap>")
    >>> c = compare([base, cheap])
    >>> war = next(r for r in c.outcomes if r.key == "war")
    >>> war.values, [round(d, 9) for d in war.differences]
    ((0.15, 0.3), [0.15])
    >>> [(ch.what, ch.key, ch.before, ch.after) for ch in c.changes[0]]
    [('branch', 'response.war', 0.3, 0.6), ('branch', 'response.share', 0.7, 0.4)]
    """
    scenarios = tuple(scenarios)
    if len(scenarios) < 2:
        raise ValueError(f"compare needs at least two scenarios, got {len(scenarios)}")
    names = _names(scenarios)
    overrides = dict(overrides or {})
    beliefs = [s.evaluate(top=0, overrides=overrides or None) for s in scenarios]
    solved = [s.solve(top=0, overrides=overrides or None) for s in scenarios]

    outcome_keys = _union([[o.id for o in b.outcomes] for b in beliefs])
    outcomes = tuple(ComparedRow(key, _label(scenarios, key),
                                 tuple(b.probability(key) if key in s.nodes and not s.nodes[key].info.has_branches
                                       else None for s, b in zip(scenarios, beliefs, strict=False)))
                     for key in outcome_keys)
    tag_keys = _union([[t for t in _outcome_tags(s)] for s in scenarios])
    tags = tuple(ComparedRow(tag, tag, tuple(b.tags.get(tag, 0.0) if tag in _outcome_tags(s) else None
                                             for s, b in zip(scenarios, beliefs, strict=False)))
                 for tag in tag_keys)
    actor_keys = _union([list(s.actors) for s in scenarios])

    def payoffs(results):
        return tuple(ComparedRow(a, _actor_name(scenarios, a),
                                 tuple(r.expected_payoffs.get(a) for r in results)) for a in actor_keys)

    decision_keys = _union([list(r.choices) for r in solved])
    choices = []
    for node_id in decision_keys:
        picks = tuple(r.choices.get(node_id) for r in solved)
        labels = tuple(r.choice_labels.get(node_id) for r in solved)  # the chosen branch's, not its child's
        choices.append(ChoiceRow(node_id, _label(scenarios, node_id), picks, labels))
    changes = tuple(_changes(scenarios[0], beliefs[0], s, b) for s, b in zip(scenarios[1:], beliefs[1:], strict=True))
    return Comparison(scenarios, names, outcomes, tags, payoffs(beliefs), payoffs(solved), tuple(choices),
                      changes, overrides)


def _changes(first: Scenario, first_result, other: Scenario, result) -> tuple[Change, ...]:
    """What ``other`` writes differently from ``first``, with the bound values of each."""
    out = [Change("parameter", name, first_result.parameters.get(name), value)
           for name, value in result.parameters.items()
           if first_result.parameters.get(name) != value]
    out += [Change("parameter", name, value, None) for name, value in first_result.parameters.items()
            if name not in result.parameters]
    for node_id, node in other.nodes.items():
        base = first.nodes.get(node_id)
        if base is None:
            out.append(Change("node added", node_id, None, None))
            continue
        mine, theirs = result.branches(node_id), first_result.branches(node_id)
        for position, branch in enumerate(node.branches):
            if position >= len(base.branches) or base.branches[position].to != branch.to:
                continue
            old, key = base.branches[position], f"{node_id}.{branch.to}"
            if str(old.p) != str(branch.p):
                out.append(Change("branch", key, theirs[position].probability, mine[position].probability))
            for actor, written in branch.payoffs.items():
                if str(old.payoffs.get(actor)) != str(written):
                    out.append(Change("payoff", f"{key}.{actor}", theirs[position].payoffs.get(actor),
                                      mine[position].payoffs.get(actor)))
        for actor, written in node.payoffs.items():
            if str(base.payoffs.get(actor)) != str(written):
                out.append(Change("payoff", f"{node_id}.{actor}", first_result.node_payoffs(node_id).get(actor),
                                  result.node_payoffs(node_id).get(actor)))
    out += [Change("node removed", node_id, None, None) for node_id in first.nodes if node_id not in other.nodes]
    return tuple(out)


def _names(scenarios: Sequence[Scenario]) -> tuple[str, ...]:
    """Scenario ids, made unique with ``#2``, ``#3`` where two share an id."""
    seen: dict[str, int] = {}
    out = []
    for s in scenarios:
        seen[s.id] = seen.get(s.id, 0) + 1
        out.append(s.id if seen[s.id] == 1 else f"{s.id}#{seen[s.id]}")
    return tuple(out)


def _union(lists: list[list[str]]) -> list[str]:
    return list(dict.fromkeys(key for keys in lists for key in keys))


def _outcome_tags(scenario: Scenario) -> list[str]:
    return sorted({t for n in scenario.nodes.values() if not n.info.has_branches for t in n.tags})


def _label(scenarios: Sequence[Scenario], node_id: str) -> str:
    return next(s.nodes[node_id].label for s in scenarios if node_id in s.nodes)


def _actor_name(scenarios: Sequence[Scenario], key: str) -> str:
    return next(s.actors[key].name for s in scenarios if key in s.actors)

"""Side-by-side comparison of scenarios: typically a base and its variants.

For each scenario: the belief-mode outcome and tag probabilities and expected payoffs,
and the strategic solution's choices and payoffs, lined up by outcome id, tag, actor and
decision node, with the difference of each against the first scenario.  Rows present in
only some scenarios (a variant added or removed an outcome) show ``None`` where absent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..formatting import json_number
from ..model import Scenario

__all__ = ["ComparedRow", "ChoiceRow", "Comparison", "compare"]


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


def compare(scenarios: Sequence[Scenario]) -> Comparison:
    """Evaluate and solve each scenario and line the results up against the first.

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
    """
    scenarios = tuple(scenarios)
    if len(scenarios) < 2:
        raise ValueError(f"compare needs at least two scenarios, got {len(scenarios)}")
    names = _names(scenarios)
    beliefs = [s.evaluate(top=0) for s in scenarios]
    solved = [s.solve(top=0) for s in scenarios]

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
    return Comparison(scenarios, names, outcomes, tags, payoffs(beliefs), payoffs(solved), tuple(choices))


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

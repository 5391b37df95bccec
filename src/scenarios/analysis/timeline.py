"""The evidence timeline: how the picture moves as dated evidence arrives.

A scenario's ``evidence:`` list (see :mod:`scenarios.io.evidence`) holds dated
observations, each conditioning on a node (``given``) and/or overriding parameters or
branch probabilities (``set``).  :func:`timeline` runs the one engine once per date with
the evidence so far: the first row is the scenario as written (its ``as_of``, no
evidence); each later row conditions on the latest ``given`` so far and applies every
``set`` so far (a later value for a name replaces an earlier one), exactly what
``scenarios evaluate --given NODE --set NAME=VALUE ...`` computes.  Each row has the
probability of every tag and outcome (belief mode, given the evidence) and each actor's
strategic choices (backward induction with the overrides so far) along the solved path
from the conditioning node.

>>> import scenarios
>>> rows = timeline(scenarios.load("donbas-recognition-2022")).rows
>>> rows[0].date, rows[0].given, round(rows[0].tags["war"], 4)
('2022-02-16', None, 0.3195)
>>> rows[-1].date, rows[-1].given
('2022-02-23', 'recog_targeted')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["TimelineRow", "Timeline", "timeline"]


@dataclass(frozen=True)
class TimelineRow:
    """The picture on one date, given the evidence up to and including it."""

    date: str
    observed: tuple[str, ...]  # what was observed on this date (empty for the first row)
    sources: tuple[str, ...]
    given: str | None  # the node conditioned on (the latest 'given' so far)
    overrides: dict[str, float]  # every 'set' so far
    tags: dict[str, float]
    outcomes: dict[str, float]  # outcome id -> probability, file order
    choices: dict[str, str]  # decision node id -> chosen child, along the solved path from `given`
    expected: dict[str, float]  # belief-mode expected payoffs given the evidence

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date, "observed": list(self.observed), "sources": list(self.sources),
                "given": self.given, "set": dict(self.overrides), "tags": dict(self.tags),
                "outcomes": dict(self.outcomes), "choices": dict(self.choices),
                "expected_payoffs": dict(self.expected)}


@dataclass(frozen=True)
class Timeline:
    scenario: str
    as_of: str | None
    rows: tuple[TimelineRow, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"scenario": self.scenario, "as_of": self.as_of, "rows": [r.to_dict() for r in self.rows]}


def timeline(scenario, *, overrides=None) -> Timeline:
    """One :class:`TimelineRow` for the scenario as written, then one per evidence date.

    ``overrides`` (``--set`` on the command line) apply under all the evidence.
    """
    base = {str(k): v for k, v in (overrides or {}).items()}
    groups: list[tuple[str, list]] = []
    for item in scenario.evidence:
        if groups and groups[-1][0] == item.date:
            groups[-1][1].append(item)
        else:
            groups.append((item.date, [item]))
    first_date = scenario.as_of or (groups[0][0] if groups else "")
    rows = [_row(scenario, first_date, (), (), None, dict(base))]
    given: str | None = None
    current: dict[str, Any] = dict(base)
    for date, items in groups:
        for item in items:
            given = item.given or given
            current.update(item.set)
        sources = tuple(dict.fromkeys(k for item in items for k in item.source))
        rows.append(_row(scenario, date, tuple(i.observed for i in items), sources, given, dict(current)))
    return Timeline(scenario.id, scenario.as_of, tuple(rows))


def _row(scenario, date, observed, sources, given, overrides) -> TimelineRow:
    belief = scenario.evaluate(given=given, overrides=overrides or None, top=0)
    choices: dict[str, str] = {}
    if scenario.perfect_information:  # (with information sets there is no solved path to follow)
        solved = scenario.solve(overrides=overrides or None, top=0)
        path = solved.played_path(given) if given else solved.played_path()
        choices = {node: nxt for node, nxt in zip(path, path[1:], strict=False)
                   if scenario.nodes[node].info.has_actor}
    outcomes = {o.id: o.probability for o in belief.outcomes}
    return TimelineRow(date, observed, sources, given, overrides, dict(belief.tags),
                       {n: outcomes[n] for n in scenario.outcomes if n in outcomes},
                       choices, dict(belief.expected_payoffs))

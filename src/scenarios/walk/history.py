"""What happened: the historical path (nodes marked ``historical``), its dates and sources,
and where a walk's path left it."""

from __future__ import annotations

import re

from ..model import Node, Scenario, Source
from .records import HistoricalStep, Reveal

__all__ = ["historical_path", "event_date", "reveal", "ordinal", "generations"]

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?")


def historical_path(scenario: Scenario) -> tuple[str, ...]:
    """Ids of the nodes marked ``historical``, in the order they happened (topological).

    >>> import scenarios
    >>> historical_path(scenarios.load("donbas-recognition-2022"))  # doctest: +NORMALIZE_WHITESPACE
    ('putin_desk', 'incidents', 'after_restraint', 'recognized', 'recog_targeted', 'invasion',
     'war_more_aid', 'full_scale_war')
    """
    marked = [node_id for node_id, node in scenario.nodes.items() if node.historical]
    if len(marked) < 2:
        return tuple(marked)
    generation = generations(scenario)
    position = {node_id: k for k, node_id in enumerate(scenario.nodes)}
    return tuple(sorted(marked, key=lambda n: (generation[n], position[n])))


def generations(scenario: Scenario) -> dict[str, int]:
    """Each node's topological generation (the longest path from the root to it): the order,
    with ties in file order, in which the engine evaluates the nodes."""
    nodes = scenario.nodes
    waiting = dict.fromkeys(nodes, 0)
    for node in nodes.values():
        for branch in node.branches:
            waiting[branch.to] += 1
    generation: dict[str, int] = {}
    frontier = [node_id for node_id, count in waiting.items() if count == 0]
    g = 0
    while frontier:
        following = []
        for node_id in frontier:
            generation[node_id] = g
            for branch in nodes[node_id].branches:
                waiting[branch.to] -= 1
                if waiting[branch.to] == 0:
                    following.append(branch.to)
        frontier, g = following, g + 1
    return generation


def event_date(scenario: Scenario, node: Node) -> tuple[str | None, Source | None]:
    """The date of what happened at ``node`` and the source that gives it.

    With a ``reveal:``, its date and its first source; otherwise the first source dated
    after the scenario's ``as_of`` (what happened next), else the latest dated source (what
    was known then); ``(None, None)`` without dated sources.
    """
    if node.reveal is not None:
        first = next((scenario.sources[k] for k in node.reveal.source if k in scenario.sources), None)
        return node.reveal.date or None, first
    dated = []
    for key in node.source:
        src = scenario.sources[key]
        match = _DATE.match(src.date or "")
        if match:
            dated.append((match.group(0), src))
    if not dated:
        return None, None
    after = sorted((d for d in dated if scenario.as_of and d[0] > scenario.as_of), key=lambda d: d[0])
    chosen = after[0] if after else max(dated, key=lambda d: d[0])
    return chosen


def reveal(scenario: Scenario, path: tuple[str, ...] | list[str] = ()) -> Reveal:
    """The historical path with dates and sources, and where ``path`` left it.

    >>> import scenarios
    >>> s = scenarios.load("donbas-recognition-2022")
    >>> r = reveal(s, ["putin_desk", "minsk_talks"])
    >>> r.status, r.left_at, r.history_took, r.you_took
    ('left', 'putin_desk', 'incidents', 'minsk_talks')
    >>> [(step.date, step.node) for step in r.steps][2:4]
    [('2022-02-21', 'after_restraint'), ('2022-02-21/2022-02-23', 'recognized')]
    """
    ids = historical_path(scenario)
    steps = []
    for k, node_id in enumerate(ids):
        node = scenario.nodes[node_id]
        date, src = event_date(scenario, node)
        nxt = ids[k + 1] if k + 1 < len(ids) else None
        branch = next((b.label for b in node.branches if b.to == nxt), None)
        shown = node.reveal
        steps.append(HistoricalStep(node_id, node.label, date, src.title if src else None,
                                    shown.source if shown else node.source,
                                    shown.quote if shown else node.quote, branch,
                                    shown.text if shown else None))
    path = list(path)
    if not ids:
        return Reveal((), "none", 0)
    common = 0
    while common < min(len(ids), len(path)) and ids[common] == path[common]:
        common += 1
    if common == len(ids):
        return Reveal(tuple(steps), "followed", common)
    if common == len(path):
        return Reveal(tuple(steps), "on-track", common)
    left_at = path[common - 1] if common else None
    return Reveal(tuple(steps), "left", common, left_at, ids[common], path[common])


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``11th``, ``22nd``…

    >>> [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 102)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '102nd']
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"

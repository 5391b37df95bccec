"""The ``evidence:`` list: dated observations an analyst conditions on, for ``scenarios timeline``.

Each item::

    - date: "2022-02-21"                       # YYYY-MM-DD, required
      observed: Putin signs decrees recognizing the two "republics"   # required
      source: recognition-decrees             # a source key or a list of them
      given: west_first_answer                # optional: condition on passing this node
      set: {p_invade: 0.8, after_tranche.invasion: 0.9}   # optional: --set overrides

``given`` and ``set`` mean exactly what ``evaluate --given NODE --set NAME=VALUE`` means.
Evidence accumulates: at each date the analysis conditions on the latest ``given`` so far
(so each ``given`` must lie at or below the one before it) and applies every ``set`` so far
(a later value for the same name replaces the earlier one).  Evidence is hindsight by
design (it is dated after ``as_of``); it is never shown during a walk.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from ..errors import did_you_mean
from ..model import Evidence, Node, Parameter, Source

if TYPE_CHECKING:  # pragma: no cover
    from .build import _Report as Report

__all__ = ["parse_evidence", "EVIDENCE_KEYS"]

EVIDENCE_KEYS = ("date", "observed", "source", "given", "set")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def parse_evidence(report: Report, data: dict, nodes: dict[str, Node], sources: dict[str, Source],
                   parameters: dict[str, Parameter]) -> tuple[Evidence, ...]:
    raw = data.get("evidence")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        report.error(("evidence",), "type", "'evidence' must be a list of {date, observed, source, given, set}")
        return ()
    items: list[Evidence] = []
    previous_given: str | None = None
    previous_date = ""
    for i, entry in enumerate(raw):
        path = ("evidence", i)
        if not isinstance(entry, dict):
            report.error(path, "type", f"evidence item {i + 1} must be a mapping")
            continue
        for key in entry:
            if key not in EVIDENCE_KEYS:
                report.error(path + (key,), "unknown-key", f"unknown key in evidence item {i + 1}: "
                             f"{key!r}{did_you_mean(key, EVIDENCE_KEYS)}", key=True)
        date = entry.get("date")
        if not isinstance(date, str) or not _DATE.match(date):
            report.error(path + ("date",) if "date" in entry else path, "date",
                         f"evidence item {i + 1} needs a 'date' YYYY-MM-DD", key="date" not in entry)
            date = ""
        elif date < previous_date:
            report.error(path + ("date",), "date", f"evidence item {i + 1}: {date} comes before the item "
                         f"above ({previous_date}); list evidence in date order")
        previous_date = max(previous_date, date)
        observed = entry.get("observed")
        if not isinstance(observed, str) or not observed.strip():
            report.error(path + ("observed",) if "observed" in entry else path, "missing-key",
                         f"evidence item {i + 1} needs 'observed' (what was seen, in words)",
                         key="observed" not in entry)
            observed = ""
        keys = _keys(report, entry, path, i, sources)
        given = entry.get("given")
        if given is not None:
            if not isinstance(given, str) or given not in nodes:
                report.error(path + ("given",), "unknown-node", f"evidence item {i + 1}: unknown node "
                             f"{given!r}{did_you_mean(str(given), nodes)}")
                given = None
            elif previous_given and given != previous_given and not _below(nodes, previous_given, given):
                report.error(path + ("given",), "evidence-given", f"evidence item {i + 1}: node {given!r} "
                             f"cannot be reached from {previous_given!r}, given by an earlier item (evidence "
                             "accumulates: each 'given' lies below the one before)")
            else:
                previous_given = given
        overrides = _overrides(report, entry, path, i, nodes, parameters)
        if not keys and not given and not overrides and "source" not in entry:
            pass  # an observation with no effect is allowed (it is still listed)
        items.append(Evidence(date, observed, keys, given, overrides))
    return tuple(items)


def _keys(report: Report, entry: dict, path: tuple, i: int, sources: dict) -> tuple[str, ...]:
    value = entry.get("source", [])
    listed = [value] if isinstance(value, str) else value
    if not isinstance(listed, list) or not all(isinstance(s, str) for s in listed):
        report.error(path + ("source",), "type", f"evidence item {i + 1}: 'source' must be a source key or a list")
        return ()
    for j, key in enumerate(listed):
        if key not in sources:
            where = path + ("source", j) if isinstance(value, list) else path + ("source",)
            report.error(where, "unknown-source", f"evidence item {i + 1}: unknown source {key!r}"
                         f"{did_you_mean(key, sources)}")
    return tuple(listed)


def _overrides(report: Report, entry: dict, path: tuple, i: int, nodes: dict[str, Node],
               parameters: dict[str, Parameter]) -> dict[str, float]:
    raw = entry.get("set")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        report.error(path + ("set",), "type", f"evidence item {i + 1}: 'set' must be a mapping NAME: NUMBER")
        return {}
    out: dict[str, float] = {}
    for name, value in raw.items():
        where = path + ("set", name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(float(value)):
            report.error(where, "type", f"evidence item {i + 1}: {name} must be set to a finite number")
            continue
        name = str(name)
        if "." in name and name not in parameters:
            node_id, _, child = name.partition(".")
            node = nodes.get(node_id)
            if node is None or child not in {b.to for b in node.branches}:
                report.error(where, "unknown-name", f"evidence item {i + 1}: {name!r} is not NODE.CHILD of "
                             "this scenario", key=True)
                continue
            if not 0.0 <= float(value) <= 1.0:
                report.error(where, "probability-range", f"evidence item {i + 1}: {name} = {value} is "
                             "outside [0, 1]")
                continue
        elif name not in parameters:
            report.error(where, "unknown-parameter", f"evidence item {i + 1}: unknown parameter {name!r}"
                         f"{did_you_mean(name, parameters)}", key=True)
            continue
        out[name] = float(value)
    return out


def _below(nodes: dict[str, Node], start: str, target: str) -> bool:
    """``target`` can be reached from ``start`` (an iterative search over the branches)."""
    seen, stack = {start}, [start]
    while stack:
        node = nodes.get(stack.pop())
        for branch in node.branches if node else ():
            if branch.to == target:
                return True
            if branch.to not in seen:
                seen.add(branch.to)
                stack.append(branch.to)
    return False

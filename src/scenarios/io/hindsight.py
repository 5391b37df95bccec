"""The hindsight rule: nothing dated after a scenario's ``as_of`` is visible before the end
of a walk.

A scenario is written as of a date.  What a student reads before choosing (the title, the
summary, every node's label, text and quote, every branch's label and text, the actors'
and parameters' descriptions, and the sources those cite) must be knowable on that date.
What happened afterwards lives in two places only:

* a node's ``reveal:`` (``{date, text, source, quote}``): what actually happened there,
  shown only at the end of a walk as "what actually happened";
* the ``evidence:`` list (:mod:`scenarios.io.evidence`), read by ``scenarios timeline``.

So the loader checks, each problem at its ``FILE:LINE:COL``:

* a node's ``source`` may not cite a source dated after ``as_of`` (cite it from the node's
  ``reveal`` instead);
* no visible text may carry a date after ``as_of`` (ISO ``2022-02-24``, ``24 February
  2022``, ``February 24, 2022``, ``February 2022``).  Hindsight without a date ("seven
  months on") cannot be caught by a program: the author keeps it in ``reveal``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..errors import did_you_mean
from ..model import Node, Revealed, Source, date_after

if TYPE_CHECKING:  # pragma: no cover
    from .build import _Report as Report

__all__ = ["attach_reveals", "check_hindsight", "dates_in", "REVEAL_KEYS"]

REVEAL_KEYS = ("date", "text", "source", "quote")
_DATE_FIELD = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?(\s*/\s*\d{4}(-\d{2}(-\d{2})?)?)?\Z")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_M = "|".join(_MONTHS)
_PATTERNS = (
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), lambda m: f"{m[1]}-{m[2]}-{m[3]}"),
    (re.compile(rf"\b(\d{{1,2}}) ({_M}) (\d{{4}})\b"),
     lambda m: f"{m[3]}-{_MONTHS.index(m[2]) + 1:02d}-{int(m[1]):02d}"),
    (re.compile(rf"\b({_M}) (\d{{1,2}}),? (\d{{4}})\b"),
     lambda m: f"{m[3]}-{_MONTHS.index(m[1]) + 1:02d}-{int(m[2]):02d}"),
    (re.compile(rf"\b({_M}) (\d{{4}})\b"), lambda m: f"{m[2]}-{_MONTHS.index(m[1]) + 1:02d}"),
)


def dates_in(text: str) -> list[str]:
    """The dates written in ``text``, as ISO strings (a month alone as ``YYYY-MM``).

    >>> dates_in("On 24 February 2022, and on February 26, 2022; by 2022-03-02 or September 2022.")
    ['2022-03-02', '2022-02-24', '2022-02-26', '2022-09']
    """
    found: list[str] = []
    spans: list[tuple[int, int]] = []
    for pattern, iso in _PATTERNS:
        for match in pattern.finditer(text):
            if any(a <= match.start() < b for a, b in spans):
                continue
            spans.append(match.span())
            found.append(iso(match))
    return found


def attach_reveals(report: Report, data: dict, nodes: dict[str, Node], sources: dict[str, Source],
                   among: Iterable[Any] | None = None) -> None:
    """Read each node's ``reveal:`` and attach it to the built node (in place in ``nodes``).

    ``among``: the only node ids that may have one, in the file's order (None: every node)."""
    section = data.get("nodes")
    if not isinstance(section, dict):
        return
    candidates = section.items() if among is None else [(node_id, section.get(node_id)) for node_id in among]
    revealing = [node_id for node_id, entry in candidates if entry.__class__ is dict and "reveal" in entry]
    for node_id in revealing:  # (a few nodes of a file: no pass over a big tree's built nodes)
        node = nodes.get(node_id)
        if node is None:
            continue
        entry = section[node_id]
        path = ("nodes", node_id, "reveal")
        raw = entry["reveal"]
        if not isinstance(raw, dict):
            report.error(path, "type", f"node {node_id!r}: 'reveal' must be a mapping {{date, text, source, "
                         "quote}")
            continue
        for key in raw:
            if key not in REVEAL_KEYS:
                report.error(path + (key,), "unknown-key", f"unknown key in the reveal of node {node_id!r}: "
                             f"{key!r}{did_you_mean(key, REVEAL_KEYS)}", key=True)
        fields = {}
        for key in ("date", "text", "quote"):
            value = raw.get(key)
            if value is not None and (isinstance(value, (bool, dict, list))):
                report.error(path + (key,), "type", f"{key!r} must be text")
                value = None
            fields[key] = None if value is None else str(value)
        for key in ("date", "text"):
            if fields[key] is None and key not in raw:
                report.error(path, "missing-key", f"the reveal of node {node_id!r} has no {key!r}", key=True)
        if fields["date"] is not None and not _DATE_FIELD.match(fields["date"]):
            report.error(path + ("date",), "date", f"reveal date {fields['date']!r} is not a date "
                         "(YYYY-MM-DD, YYYY-MM, YYYY or a range A/B)")
        keys = _source_keys(report, raw, path, f"the reveal of node {node_id!r}", sources)
        nodes[node_id] = replace(node, reveal=Revealed(fields["date"] or "", fields["text"] or "", keys,
                                                       fields["quote"]))


def _source_keys(report: Report, raw: dict, path: tuple, what: str, sources: dict) -> tuple[str, ...]:
    value = raw.get("source", [])
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(s, str) for s in items):
        report.error(path + ("source",), "type", f"{what}: 'source' must be a source key or a list of them")
        return ()
    for i, key in enumerate(items):
        if key not in sources:
            where = path + ("source", i) if isinstance(value, list) else path + ("source",)
            report.error(where, "unknown-source", f"{what}: unknown source {key!r}{did_you_mean(key, sources)}")
    return tuple(items)


def check_hindsight(report: Report, data: dict, as_of: str | None, sources: dict[str, Source],
                    nodes: dict[str, Node]) -> None:
    """Report hindsight before the reveal: later sources cited by nodes, later dates in visible text."""
    if not as_of:
        return
    later = {key for key, src in sources.items() if date_after(src.date, as_of)}

    def scan(text: Any, path: tuple, what: str) -> None:
        if not isinstance(text, str):
            return
        for date in dates_in(text):
            if date_after(date, as_of):
                report.error(path, "hindsight", f"{what} mentions {date}, after as_of {as_of}: what "
                             "happened later belongs in a node's 'reveal' (shown only at the end of a walk)")
                return

    scan(data.get("title"), ("title",), "the title")
    scan(data.get("summary"), ("summary",), "the summary")
    for section, fields in (("actors", ("name", "description")), ("parameters", ("description",)),
                            ("sources", ("title", "note"))):
        for key, entry in (data.get(section) or {}).items() if isinstance(data.get(section), dict) else ():
            if not isinstance(entry, dict) or (section == "sources" and key in later):
                continue
            for field in fields:
                scan(entry.get(field), (section, key, field), f"{section[:-1]} {key!r}: {field!r}")
    raw_nodes = data.get("nodes")
    for node_id, node in nodes.items():
        entry = raw_nodes.get(node_id) if isinstance(raw_nodes, dict) else None
        if not isinstance(entry, dict):
            continue
        path = ("nodes", node_id)
        for field in ("label", "text", "quote"):
            scan(entry.get(field), path + (field,), f"node {node_id!r}: {field!r}")
        for i, key in enumerate(node.source):
            if key in later:
                where = path + ("source", i) if isinstance(entry.get("source"), list) else path + ("source",)
                report.error(where, "hindsight", f"node {node_id!r} cites source {key!r}, dated "
                             f"{sources[key].date}, after as_of {as_of}: cite it from the node's 'reveal' "
                             "(shown only at the end of a walk)")
        raw_branches = entry.get("branches")
        if isinstance(raw_branches, list):
            for i, raw in enumerate(raw_branches):
                if isinstance(raw, dict):
                    for field in ("label", "text"):
                        scan(raw.get(field), path + ("branches", i, field), f"node {node_id!r}, branch {i + 1}: "
                             f"{field!r}")


"""The ``uncertainties:`` section: states that chance nodes share, and signals about them.

Read by ``scenarios voi`` (value of information); evaluation does not use it.  Each entry::

    uncertainties:
      site:                                   # an id of its own
        label: What is under the site         # optional words for tables and charts
        description: ...                      # optional
        nodes: [drill_now, fav_drill, unfav_drill]   # chance nodes modelling this one state
        signals:                              # optional: tests or reports about the state
          survey:
            label: A seismic survey
            likelihoods:                      # P(reading | state), one row per state
              dry: {favourable: 0.3, unfavourable: 0.7}
              wet: {favourable: 0.6, unfavourable: 0.4}
              soaking: {favourable: 0.8, unfavourable: 0.2}

Every listed node must be a chance node with as many branches as the first; branch *i* of
each is the same state (labels, where both nodes give them, must agree).  The prior is the
first node's probabilities.  A state (a likelihood row) is named by the first node's branch
target (``to``) or its label; every row names the same readings, each a number in [0, 1],
and each row sums to 1 (within 1e-6).  A node may belong to one uncertainty only.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ..errors import did_you_mean
from ..model import Node, Signal, Uncertainty

if TYPE_CHECKING:  # pragma: no cover
    from .build import _Report as Report

__all__ = ["parse_uncertainties", "UNCERTAINTY_KEYS", "SIGNAL_KEYS"]

UNCERTAINTY_KEYS = ("label", "description", "nodes", "signals")
SIGNAL_KEYS = ("label", "description", "likelihoods")
_TOLERANCE = 1e-6


def parse_uncertainties(report: Report, data: dict, nodes: dict[str, Node]) -> dict[str, Uncertainty]:
    raw = data.get("uncertainties")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        report.error(("uncertainties",), "type", "'uncertainties' must be a mapping of ids to {label, nodes, signals}")
        return {}
    out: dict[str, Uncertainty] = {}
    owner: dict[str, str] = {}
    for key, entry in raw.items():
        path = ("uncertainties", key)
        name = str(key)
        if not isinstance(entry, dict):
            report.error(path, "type", f"uncertainty {name!r} must be a mapping with 'nodes'")
            continue
        _keys(report, entry, path, UNCERTAINTY_KEYS, f"key in uncertainty {name!r}:")
        label, description = _text(report, entry, path, "label"), _text(report, entry, path, "description")
        listed = _node_list(report, entry, path, name, nodes, owner)
        if listed is None:
            continue
        first = nodes[listed[0]]
        signals = _signals(report, entry.get("signals"), path + ("signals",), name, first)
        if signals is not None:
            out[name] = Uncertainty(name, listed, label, description, signals)
    return out


def _keys(report: Report, entry: dict, path: tuple, allowed: tuple[str, ...], what: str) -> None:
    for key in entry:
        if key not in allowed:
            report.error(path + (key,), "unknown-key", f"unknown {what} {key!r}{did_you_mean(str(key), allowed)}",
                         key=True)


def _text(report: Report, entry: dict, path: tuple, key: str) -> str | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        report.error(path + (key,), "type", f"{key!r} must be text")
        return None
    return value


def _node_list(report: Report, entry: dict, path: tuple, name: str, nodes: dict[str, Node],
               owner: dict[str, str]) -> tuple[str, ...] | None:
    value = entry.get("nodes")
    listed = [value] if isinstance(value, str) else value
    if "nodes" not in entry:
        report.error(path, "missing-key", f"uncertainty {name!r} needs 'nodes' (the chance nodes that model it)")
        return None
    if not isinstance(listed, list) or not listed or not all(isinstance(n, str) for n in listed):
        report.error(path + ("nodes",), "type", f"uncertainty {name!r}: 'nodes' must be a chance node id "
                     "or a non-empty list of them")
        return None
    ok = True
    first: Node | None = None
    for j, node_id in enumerate(listed):
        where = path + ("nodes", j) if isinstance(value, list) else path + ("nodes",)
        node = nodes.get(node_id)
        if node is None:
            report.error(where, "unknown-node", f"uncertainty {name!r}: unknown node {node_id!r}"
                         f"{did_you_mean(node_id, nodes)}")
            ok = False
            continue
        if node.kind != "chance":
            report.error(where, "uncertainty-node", f"uncertainty {name!r}: {node_id!r} is a {node.kind} node; "
                         "an uncertainty lists chance nodes")
            ok = False
            continue
        if node_id in owner:
            report.error(where, "uncertainty-node", f"uncertainty {name!r}: node {node_id!r} already belongs "
                         f"to uncertainty {owner[node_id]!r}" if owner[node_id] != name else
                         f"uncertainty {name!r}: node {node_id!r} is listed twice")
            ok = False
            continue
        owner[node_id] = name
        if first is None:
            first = node
            continue
        if len(node.branches) != len(first.branches):
            report.error(where, "uncertainty-node", f"uncertainty {name!r}: {node_id!r} has {len(node.branches)} "
                         f"branches and {first.id!r} has {len(first.branches)}; every node of an uncertainty "
                         "has one branch per state")
            ok = False
            continue
        for i, (mine, theirs) in enumerate(zip(node.branches, first.branches, strict=True)):
            if mine.label and theirs.label and mine.label.casefold() != theirs.label.casefold():
                report.error(where, "uncertainty-node", f"uncertainty {name!r}: branch {i + 1} of {node_id!r} is "
                             f"{mine.label!r} but of {first.id!r} {theirs.label!r}; list each node's states "
                             "in the same order")
                ok = False
                break
    return tuple(listed) if ok else None


def _signals(report: Report, raw: Any, path: tuple, name: str, first: Node) -> dict[str, Signal] | None:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        report.error(path, "type", f"uncertainty {name!r}: 'signals' must be a mapping of ids to "
                     "{label, likelihoods}")
        return None
    out: dict[str, Signal] = {}
    ok = True
    for key, entry in raw.items():
        where = path + (key,)
        sid = str(key)
        if not isinstance(entry, dict):
            report.error(where, "type", f"signal {sid!r} must be a mapping with 'likelihoods'")
            ok = False
            continue
        _keys(report, entry, where, SIGNAL_KEYS, f"key in signal {sid!r}:")
        signal = _likelihoods(report, entry, where, sid, first)
        if signal is None:
            ok = False
            continue
        readings, table = signal
        out[sid] = Signal(sid, readings, table, _text(report, entry, where, "label"),
                          _text(report, entry, where, "description"))
    return out if ok else None


def _likelihoods(report: Report, entry: dict, path: tuple, sid: str,
                 first: Node) -> tuple[tuple[str, ...], tuple[tuple[float, ...], ...]] | None:
    raw = entry.get("likelihoods")
    if not isinstance(raw, dict) or not raw:
        report.error(path + ("likelihoods",) if "likelihoods" in entry else path,
                     "missing-key" if "likelihoods" not in entry else "type",
                     f"signal {sid!r} needs 'likelihoods': a mapping STATE: {{READING: P(reading | state)}}",
                     key="likelihoods" not in entry)
        return None
    names: dict[str, int] = {}
    for i, branch in enumerate(first.branches):  # a state is named by its target or its label
        names.setdefault(branch.to, i)
        if branch.label:
            names.setdefault(branch.label, i)
    rows: dict[int, dict[str, float]] = {}
    readings: list[str] = []
    ok = True
    for state, row in raw.items():
        where = path + ("likelihoods", state)
        index = names.get(str(state))
        if index is None:
            report.error(where, "unknown-state", f"signal {sid!r}: {state!r} is not a state of {first.id!r}"
                         f"{did_you_mean(str(state), names)} (name a branch by its 'to' or its label)", key=True)
            ok = False
            continue
        if index in rows:
            report.error(where, "duplicate-state", f"signal {sid!r}: state {state!r} is given twice", key=True)
            ok = False
            continue
        if not isinstance(row, dict) or not row:
            report.error(where, "type", f"signal {sid!r}, state {state!r}: give {{READING: probability, ...}}")
            ok = False
            continue
        values: dict[str, float] = {}
        for reading, value in row.items():
            at = where + (reading,)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(float(value)):
                report.error(at, "type", f"signal {sid!r}: P({reading} | {state}) must be a number")
                ok = False
            elif not 0.0 <= float(value) <= 1.0:
                report.error(at, "probability-range", f"signal {sid!r}: P({reading} | {state}) = {value} "
                             "is outside [0, 1]")
                ok = False
            else:
                values[str(reading)] = float(value)
                if str(reading) not in readings:
                    readings.append(str(reading))
        if values and len(values) == len(row) and abs(sum(values.values()) - 1.0) > _TOLERANCE:
            report.error(where, "probability-sum", f"signal {sid!r}: the readings given {state!r} sum to "
                         f"{sum(values.values()):.6g}, not 1")
            ok = False
        rows[index] = values
    if not ok:
        return None
    missing = [first.branches[i].label or first.branches[i].to for i in range(len(first.branches)) if i not in rows]
    if missing:
        report.error(path + ("likelihoods",), "missing-state", f"signal {sid!r}: no likelihoods for the "
                     f"state(s) {', '.join(map(repr, missing))} of {first.id!r}")
        return None
    for i, values in rows.items():
        extra = [r for r in readings if r not in values]
        if extra:
            state = first.branches[i].label or first.branches[i].to
            report.error(path + ("likelihoods",), "missing-reading", f"signal {sid!r}: state {state!r} gives "
                         f"no probability for the reading(s) {', '.join(map(repr, extra))} (write 0)")
            return None
    table = tuple(tuple(rows[i][r] for r in readings) for i in range(len(first.branches)))
    return tuple(readings), table

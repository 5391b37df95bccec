"""Information sets in a scenario file: the ``simultaneous:`` shorthand and the rules of sets.

A decision node may name its information set (``infoset: west_sees_move``): the actor at a
member cannot tell which member it is at.  :func:`check_infosets` holds every set to the
rules of a game in extensive form (Kuhn's): one actor, the same option labels in the same
order, no member below another member, and *perfect recall* (the actor remembers its own
earlier information sets and choices, so every member is reached after the same own
history).  Every problem is reported at once, at the member's ``infoset:`` line.

The shorthand ``simultaneous:`` on a decision node (two actors choosing at one moment)
is expanded by :func:`expand_simultaneous` before the nodes are built: the second actor
gets one decision node per option of the first (ids ``NODE--1``, ``NODE--2`` …), all in
one information set, so it chooses without seeing the first actor's choice::

    toss:
      kind: decision
      actor: row
      simultaneous:
        actor: column
        options: [heads, tails]
      branches:
        - {label: heads, then: {heads: row_wins, tails: column_wins}}
        - {label: tails, then: {heads: column_wins, tails: row_wins}}
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import did_you_mean

__all__ = ["alias", "expand_simultaneous", "check_infosets", "read_infoset", "SIMULTANEOUS_KEYS", "SET_NAME"]

SET_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
SIMULTANEOUS_KEYS = ("actor", "options", "infoset", "label", "text")
OPTION_KEYS = ("label", "p", "text")
THEN_KEYS = ("to", "p", "payoffs", "text")


def alias(aliases: dict[tuple, tuple], path: tuple) -> tuple:
    """Where the file wrote ``path`` if a node made by the shorthand holds it (else ``path``)."""
    if path[:2] not in aliases:
        return path
    return aliases.get(path[:4], aliases[path[:2]])


def _kind(value: Any) -> str:
    from .build import _kind as kind_of  # the loader's words for a value's type

    return kind_of(value)


def expand_simultaneous(report: Any, section: dict, actors: dict) -> tuple[dict, dict[tuple, tuple]]:
    """``section`` (the ``nodes:`` mapping) with every ``simultaneous:`` node expanded, and the
    path aliases for diagnostics on generated nodes (generated path -> the file's path).

    The data read from the file is not changed: expanded nodes are new mappings.
    """
    if not any(isinstance(e, dict) and "simultaneous" in e for e in section.values()):
        return section, {}
    out: dict = {}
    aliases: dict[tuple, tuple] = {}
    for node_id, entry in section.items():
        if not (isinstance(entry, dict) and "simultaneous" in entry):
            out[node_id] = entry
            continue
        generated = _expand(report, node_id, entry, section, aliases, actors)
        out[node_id] = generated[0] if generated else {k: v for k, v in entry.items() if k != "simultaneous"}
        for gen_id, gen_entry in generated[1:]:
            out[gen_id] = gen_entry
    return out, aliases


def _expand(report: Any, node_id: str, entry: dict, section: dict,
            aliases: dict[tuple, tuple], actors: dict) -> list:
    path = ("nodes", node_id, "simultaneous")
    sim = entry["simultaneous"]
    what = f"decision node {node_id!r}: simultaneous"
    if entry.get("kind") != "decision":
        report.error(path, "simultaneous", f"node {node_id!r}: only a decision node can have 'simultaneous' "
                     "(the second actor choosing at the same moment)", key=True)
        return []
    if not isinstance(sim, dict):
        report.error(path, "simultaneous", f"{what} must be a mapping {{actor, options}}, not {_kind(sim)}")
        return []
    ok = True
    for key in sim:
        if key not in SIMULTANEOUS_KEYS:
            report.error(path + (key,), "unknown-key", f"unknown key in {what}: {key!r}"
                         f"{did_you_mean(key, SIMULTANEOUS_KEYS)}", key=True)
    for required in ("actor", "options"):
        if required not in sim:
            report.error(path, "missing-key", f"{what} has no {required!r}", key=True)
            ok = False
    options = _options(report, sim.get("options"), path + ("options",), what) if "options" in sim else None
    set_name = sim.get("infoset", f"{node_id}_{sim.get('actor')}")
    if "infoset" in sim and (not isinstance(set_name, str) or not SET_NAME.match(set_name)):
        report.error(path + ("infoset",), "infoset", f"{what}: infoset {set_name!r} must be letters, digits, "
                     "'_' and '-', starting with a letter or '_'")
        ok = False
    branches = entry.get("branches")
    if not isinstance(branches, list) or not branches:
        return []  # the loader reports the missing branches of the node itself
    if options is None or not ok:  # reported; keep the node's branches from adding errors of their own
        return [{**{k: v for k, v in entry.items() if k != "simultaneous"},
                 "branches": [_placeholder(raw) for raw in branches]}]
    labels = [o["label"] for o in options]
    row_branches: list = []
    generated: list = []
    for index, raw in enumerate(branches):
        bpath = ("nodes", node_id, "branches", index)
        if not isinstance(raw, dict) or "then" not in raw:
            if isinstance(raw, dict) and "to" in raw:
                report.error(bpath + ("to",), "simultaneous", f"{what}: each branch says where every option of "
                             f"{sim['actor']!r} leads with 'then: {{option: node}}', not 'to:'", key=True)
            elif isinstance(raw, dict):
                report.error(bpath, "missing-key", f"{what}: branch has no 'then' (option of {sim['actor']!r} "
                             "-> node)")
            row_branches.append(raw)  # the loader reports a branch that is not a mapping
            continue
        then = raw["then"]
        tpath = bpath + ("then",)
        if not isinstance(then, dict):
            report.error(tpath, "type", f"{what}: 'then' must be a mapping option -> node, not {_kind(then)}")
            continue
        for option in then:
            if option not in labels:
                report.error(tpath + (option,), "simultaneous", f"{what}: {option!r} is not an option of "
                             f"{sim['actor']!r}{did_you_mean(option, labels)}", key=True)
        missing = [label for label in labels if label not in then]
        if missing:
            report.error(tpath, "simultaneous", f"{what}: 'then' does not say where option(s) "
                         f"{', '.join(map(repr, missing))} of {sim['actor']!r} lead")
        gen_id = f"{node_id}--{index + 1}"
        if gen_id in section:
            report.error(bpath, "simultaneous", f"{what}: the expanded node id {gen_id!r} is already a node; "
                         "rename that node")
            continue
        gen_branches: list[dict] = []
        for option in options:
            target = then.get(option["label"])
            if target is None:
                continue
            branch = {"to": target} if not isinstance(target, dict) else {
                k: v for k, v in target.items() if k != "label"}
            for key in (target if isinstance(target, dict) else ()):
                if key not in THEN_KEYS:
                    report.error(tpath + (option["label"], key), "unknown-key", f"unknown key in {what} "
                                 f"'then' {option['label']!r}: {key!r}{did_you_mean(key, THEN_KEYS)}", key=True)
            branch["label"] = option["label"]
            if "p" in option and "p" not in branch:
                branch["p"] = option["p"]
            if "text" in option and "text" not in branch:
                branch["text"] = option["text"]
            aliases[("nodes", gen_id, "branches", len(gen_branches))] = tpath + (option["label"],)
            gen_branches.append(branch)
        aliases[("nodes", gen_id)] = tpath
        gen_entry: dict = {"kind": "decision", "actor": sim["actor"], "branches": gen_branches,
                           "label": sim.get("label", f"{_name(actors, sim['actor'])} chooses")}
        if not missing:  # (a node missing options is reported above, not again as a set's mismatch)
            gen_entry["infoset"] = set_name
        if "text" in sim:
            gen_entry["text"] = sim["text"]
        generated.append((gen_id, gen_entry))
        row_branches.append({**{k: v for k, v in raw.items() if k != "then"}, "to": gen_id})
    row = {k: v for k, v in entry.items() if k != "simultaneous"}
    row["branches"] = row_branches
    return [row, *generated]


def _placeholder(raw: Any) -> Any:
    """A branch of a broken shorthand with a ``to`` (its first target), so it adds no errors."""
    if not isinstance(raw, dict) or "then" not in raw:
        return raw
    then = raw["then"]
    first = next(iter(then.values()), None) if isinstance(then, dict) and then else None
    target = first.get("to") if isinstance(first, dict) else first
    return {**{k: v for k, v in raw.items() if k != "then"}, "to": target}


def _name(actors: dict, key: Any) -> str:
    actor = actors.get(key) if isinstance(key, str) else None
    return actor.name if actor is not None else str(key)


def _options(report: Any, raw: Any, path: tuple, what: str) -> list[dict] | None:
    if not isinstance(raw, list) or not raw:
        report.error(path, "type", f"{what}: 'options' must be a non-empty list of option labels")
        return None
    options: list[dict] = []
    for i, item in enumerate(raw):
        option = {"label": item} if isinstance(item, (str, int, float)) and not isinstance(item, bool) else item
        if not isinstance(option, dict) or "label" not in option:
            report.error(path + (i,), "type", f"{what}: an option is a label or {{label, p, text}}, "
                         f"not {_kind(item)}")
            return None
        for key in option:
            if key not in OPTION_KEYS:
                report.error(path + (i, key), "unknown-key", f"unknown key in {what} option: {key!r}"
                             f"{did_you_mean(key, OPTION_KEYS)}", key=True)
                return None
        option = {**option, "label": str(option["label"])}
        if any(o["label"] == option["label"] for o in options):
            report.error(path + (i,), "simultaneous", f"{what}: option {option['label']!r} is listed twice")
            return None
        options.append(option)
    return options


# -- the rules of information sets ----------------------------------------------------------------
def read_infoset(report: Any, infoset: str | None, path: tuple, what: str, info: Any) -> str | None:
    """A node's ``infoset:`` (already read as text), checked: a name, on a decision node."""
    if infoset is not None and "infoset" not in info.keys:
        report.error(path + ("infoset",), "infoset", f"{what}: only decision nodes belong to information "
                     "sets (chance and outcomes are seen by no actor's choice)", key=True)
        return None
    if infoset is not None and not SET_NAME.match(infoset):
        report.error(path + ("infoset",), "infoset", f"{what}: infoset {infoset!r} must be letters, digits, "
                     "'_' and '-', starting with a letter or '_'")
        return None
    return infoset


def check_infosets(report: Any, nodes: dict, root: str | None) -> None:
    """Report every broken information set (see the module's docstring); ``nodes`` are built
    :class:`~scenarios.model.Node` objects (a DAG is allowed: perfect recall is checked on
    every path into a member)."""
    sets: dict[str, list] = {}
    for node in nodes.values():
        if node.infoset is not None:
            sets.setdefault(node.infoset, []).append(node)
    if not sets:
        return
    where = {name: [("nodes", m.id, "infoset") for m in members] for name, members in sets.items()}
    shared = {name for name, members in sets.items() if len(members) > 1}
    for name, members in sets.items():
        others = [m.id for m in nodes.values() if m.id == name and m not in members]
        if others:
            report.error(where[name][0], "infoset", f"information set {name!r} has the name of node "
                         f"{name!r}, which is not in it; choose another name")
    for name in shared:
        members = sets[name]
        first = members[0]
        for node, path in zip(members[1:], where[name][1:], strict=True):
            if node.actor != first.actor:
                report.error(path, "infoset", f"information set {name!r}: node {node.id!r} is decided by "
                             f"{node.actor!r} but {first.id!r} by {first.actor!r}; one actor decides at a set")
            labels = [b.label for b in node.branches]
            expected = [b.label for b in first.branches]
            if labels != expected:
                report.error(path, "infoset", f"information set {name!r}: node {node.id!r} has the options "
                             f"{labels} but {first.id!r} has {expected}; the actor cannot tell them apart, "
                             "so the options (labels, in order) must be the same")
            if node.fixed != first.fixed:
                report.error(path, "infoset", f"information set {name!r}: node {node.id!r} and {first.id!r} "
                             "differ in 'fixed'")
        labels = [b.label for b in first.branches]
        if len(set(labels)) != len(labels):
            report.error(where[name][0], "infoset", f"information set {name!r}: node {first.id!r} has two "
                         "options with one label; options at a set are told apart by their labels")
    if shared and root is not None and root in nodes:
        _check_recall(report, nodes, root, sets, shared, where)


def _check_recall(report: Any, nodes: dict, root: str, sets: dict, shared: set, where: dict) -> None:
    """Perfect recall and no member below another, on every path (histories are interned)."""
    actors = {sets[name][0].actor for name in shared}
    # A history of one actor is an int: 0 is empty; table[h] = (parent history, set, label, node).
    table: list[tuple] = [(0, "", "", "")]
    interned: dict[tuple, int] = {}
    ambiguous = -1  # reached along paths with different own histories
    order = _topological(nodes, root)
    history: dict[str, dict[str, int]] = {root: dict.fromkeys(actors, 0)}
    for node_id in order:
        node = nodes[node_id]
        mine = history.get(node_id)
        if mine is None:
            continue
        for branch in node.branches:
            if branch.to not in nodes:
                continue
            child = mine
            if node.actor in actors:
                parent = mine[node.actor]
                if parent != ambiguous:
                    key = (parent, node.infoset if node.infoset is not None else node.id, branch.label)
                    hid = interned.get(key)
                    if hid is None:
                        hid = interned[key] = len(table)
                        table.append((*key, node.id))
                else:
                    hid = ambiguous
                child = {**mine, node.actor: hid}
            seen = history.get(branch.to)
            if seen is None:
                history[branch.to] = child
            elif seen != child:
                history[branch.to] = {a: seen[a] if seen[a] == child[a] else ambiguous for a in actors}
    for name in [n for n in sets if n in shared]:  # file order
        members = sets[name]
        actor = members[0].actor
        if actor not in actors:
            continue
        reported = False
        for node, path in zip(members, where[name], strict=True):
            hid = history.get(node.id, {}).get(actor)
            h = hid
            while h is not None and h > 0:
                parent, set_name, _label, at = table[h]
                if set_name == name:
                    report.error(path, "infoset", f"information set {name!r}: node {node.id!r} comes after "
                                 f"node {at!r} of the same set; {actor!r} would have to forget its own move")
                    reported = True
                    break
                h = parent
            if hid == ambiguous:
                report.error(path, "perfect-recall", f"information set {name!r}: node {node.id!r} is reached "
                             f"along paths on which {actor!r} chose differently before; draw it as separate "
                             "nodes (perfect recall: an actor remembers its own choices)")
                reported = True
        if reported:
            continue
        histories = [history.get(m.id, {}).get(actor) for m in members]
        for node, path, hid in zip(members[1:], where[name][1:], histories[1:], strict=True):
            if hid != histories[0]:
                report.error(path, "perfect-recall", f"information set {name!r}: {actor!r} reaches {node.id!r} "
                             f"after {_describe(table, hid)} but {members[0].id!r} after "
                             f"{_describe(table, histories[0])}; an actor remembers what it knew and chose "
                             "(perfect recall), so members must follow the same own history")


def _describe(table: list[tuple], hid: int | None) -> str:
    if not hid:
        return "no choice of its own"
    steps = []
    while hid:
        parent, set_name, label, _at = table[hid]
        steps.append(f"{label!r} at {set_name!r}")
        hid = parent
    return "choosing " + ", then ".join(reversed(steps))


def _topological(nodes: dict, root: str) -> list[str]:
    """Node ids reachable from ``root``, parents first (Kahn's algorithm; the graph is acyclic)."""
    indegree: dict[str, int] = {}
    stack, seen = [root], {root}
    while stack:
        node_id = stack.pop()
        for branch in nodes[node_id].branches:
            if branch.to in nodes:
                indegree[branch.to] = indegree.get(branch.to, 0) + 1
                if branch.to not in seen:
                    seen.add(branch.to)
                    stack.append(branch.to)
    order, ready = [], [root]
    while ready:
        node_id = ready.pop()
        order.append(node_id)
        for branch in nodes[node_id].branches:
            if branch.to in nodes:
                indegree[branch.to] -= 1
                if indegree[branch.to] == 0:
                    ready.append(branch.to)
    return order

"""Scenario variants: a file that says ``extends: base.yaml`` and changes parts of its base.

A variant is an ordinary scenario document with three more top-level keys: ``extends``
(the base file, relative to the variant's folder, or a bundled scenario's name), ``set``
and ``remove``.  Loading resolves the chain of ``extends`` (a variant of a variant of a
base), applies each variant's changes in turn from the base outwards, and hands the
resulting plain document to the normal validation in :mod:`scenarios.io.build`, so a
variant is checked exactly like a flat file.  Every value in the resolved document
remembers the file, line and column it came from, so a problem is reported in the file
where it was written: a bad probability in the base at the base's line, a bad override
at the variant's line.

The rules, applied per variant in this order (see ``docs/analysis.md``):

1. ``title``, ``summary``, ``as_of``, ``root``: replaced.  ``id`` is never inherited:
   a variant is its own scenario (its ``id``, or its file name).
2. ``sources``, ``actors``, ``parameters``: merged entry by entry.  A mapping entry
   merges field by field into the base entry (``null`` deletes a field, as in JSON
   Merge Patch, RFC 7386); a plain number or expression for a parameter that has a long
   form in the base changes only its ``value`` (its range and ``dist`` stay); ``null``
   for a whole entry deletes it; a new name adds it.
3. ``nodes``: a new id adds the node (listed after the base's nodes).  For an existing
   id the entry merges field by field: ``payoffs`` merge by actor, ``branches`` merge by
   their ``to`` (a listed branch to an existing child merges field by field, a branch to
   a new child is appended; where several branches lead to that child, the one with the
   same ``label``, or a new branch), any other field is replaced, ``null`` deletes a field.  An
   entry with a different ``kind`` replaces the base node wholesale.
4. ``set: {NAME: VALUE}``: a parameter's value, or ``NODE.CHILD`` (``NODE.POSITION`` or
   ``NODE.LABEL`` where several branches lead to CHILD) for one branch
   probability with the node's other branches rescaled in proportion, exactly as
   ``--set`` does on the command line (several entries on one node pin all of them).
5. ``remove: [NODE, NODE.CHILD, ...]``: removes a branch (its probability goes to the
   node's other branches in proportion, as if it had been ``set`` to 0), or a node with
   every branch leading to it; nodes that only the removed part led to go with it.

An ``extends`` chain that comes back to a file already in it is an error naming the
chain.  A base must lie in the folder of the file that was loaded (or below it), or be a
bundled scenario's name: an absolute path, or a path that leaves that folder (``..``, or a
link pointing out), is refused unless the caller allows it (``anywhere=True``;
``--extends-anywhere`` on the command line), so a file from elsewhere cannot make
``scenarios`` read, and echo in its messages, files beside it.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from ..engine.rescale import rescale_siblings
from ..errors import Diagnostic, ScenarioFileError, did_you_mean
from ..expressions import format_number
from .catalog import is_bundled
from .document import Document, parse_document
from .files import InputFileError, read_text_file
from .located import _V, Loc, ResolvedDocument, _flatten, _located, _plain, _Problems

__all__ = ["VARIANT_KEYS", "ResolvedDocument", "is_variant", "resolve_variant"]

#: Top-level keys that only a variant may use; they never reach validation.
VARIANT_KEYS = ("extends", "set", "remove")
#: Ordinary top-level keys a variant may change (``io.build.TOP_KEYS``).
_SCALARS = ("title", "summary", "as_of", "root", "evidence", "uncertainties")  # the last two: replaced whole
_SECTIONS = ("sources", "actors", "parameters")

def is_variant(data: Any) -> bool:
    """True if ``data`` (a parsed document) uses ``extends``, ``set`` or ``remove``.

    >>> is_variant({"extends": "base.yaml"}), is_variant({"title": "t"})
    (True, False)
    """
    return isinstance(data, dict) and any(key in data for key in VARIANT_KEYS)


# -- resolution ---------------------------------------------------------------------------------
def resolve_variant(doc: Document, *, anywhere: bool = False) -> Document:
    """Resolve ``doc``'s ``extends`` chain and changes into one plain, located document.

    The base is looked up relative to the folder of ``doc.filename`` (the current folder
    for text without a file), or as a bundled scenario's name.  Unless ``anywhere``, every
    base of the chain must lie inside the folder of ``doc.filename`` (see the module's
    docstring).

    Raises
    ------
    ScenarioFileError
        for a missing or unreadable base, an inheritance cycle, a ``set`` or ``remove``
        naming something that does not exist, and any error in a file of the chain,
        each at its own ``FILE:LINE:COL``.

    Examples
    --------
    >>> from scenarios.io.document import parse_document
    >>> doc = resolve_variant(parse_document('''
    ... extends: coin-flip-base.yaml
    ... ''', "<variant>"))
    Traceback (most recent call last):
    ...
    scenarios.errors.ScenarioFileError: <variant>:2:10: error: extends: no such file 'coin-flip-base.yaml' (nor ...)
    """
    chain = _chain(doc, anywhere=anywhere)  # the variant first, the base last
    problems = _Problems()
    base = chain[-1]
    for key in ("set", "remove"):
        if isinstance(base.data, dict) and key in base.data:
            problems.error((base.filename, *base.key_positions.get((key,), (1, 1))), "variant",
                           f"'{key}' is only allowed in a variant (a file with 'extends: BASE')")
    problems.raise_if_any()
    tree = _located(base)
    for variant in reversed(chain[:-1]):
        _apply(tree, _located(variant), problems)
    problems.raise_if_any()
    return _flatten(tree, doc.filename)


def _chain(doc: Document, *, anywhere: bool) -> list[Document]:
    """The documents from ``doc`` down to its base-most ancestor, checking for cycles and
    (unless ``anywhere``) that every base lies in ``doc``'s folder."""
    home = _folder_of(doc.filename)
    chain = [doc]
    seen = {_identity(doc.filename): doc.filename}
    current = doc
    while isinstance(current.data, dict) and "extends" in current.data:
        at = (current.filename, *current.where(("extends",)))
        target = current.data["extends"]
        if not isinstance(target, str) or not target.strip():
            raise ScenarioFileError([Diagnostic(*at, "error", "variant",
                                                "extends: expected the base file's path as text")])
        if os.path.isabs(target.strip()) and not anywhere:
            raise ScenarioFileError([Diagnostic(*at, "error", "extends-outside", (
                f"extends: {_shown(target)} is an absolute path; a base must be in the scenario's folder "
                "(allow it with --extends-anywhere)"))])
        path = _locate(current.filename, target.strip())
        if path is None:
            raise ScenarioFileError([Diagnostic(*at, "error", "no-file", f"extends: no such file {_shown(target)} "
                                                "(nor a bundled scenario of that name)")])
        if not anywhere and not is_bundled(path) and not _inside(path, home):
            raise ScenarioFileError([Diagnostic(*at, "error", "extends-outside", (
                f"extends: {_shown(target)} is outside the scenario's folder {str(home)!r} "
                "(allow it with --extends-anywhere)"))])
        identity = _identity(str(path))
        if identity in seen:
            names = [d.filename for d in chain] + [seen[identity]]
            raise ScenarioFileError([Diagnostic(*at, "error", "extends-cycle",
                                                "inheritance cycle: " + " → ".join(names))])
        try:
            text = read_text_file(path)
        except InputFileError as exc:
            raise ScenarioFileError([Diagnostic(*at, "error", exc.code,
                                                f"extends: cannot read {str(path)!r}: {exc}")]) from None
        base = parse_document(text, str(path))
        if not isinstance(base.data, dict):
            raise ScenarioFileError([Diagnostic(str(path), 1, 1, "error", "type",
                                                "a scenario file must be a mapping of keys")])
        seen[identity] = str(path)
        chain.append(base)
        current = base
    return chain


def _shown(target: str, limit: int = 200) -> str:
    """``repr`` of a path from the file, cut to ``limit`` characters (messages echo input)."""
    return repr(target if len(target) <= limit else target[:limit] + "…")


def _folder_of(filename: str) -> Path:
    """The folder whose files a scenario may extend: its own (the current one for text)."""
    folder = Path.cwd() if filename.startswith("<") else Path(filename).parent
    try:
        return folder.resolve()
    except OSError:  # pragma: no cover - unresolvable path
        return Path(os.path.abspath(folder))


def _inside(path: Path, folder: Path) -> bool:
    """``path``, links resolved, is ``folder`` or below it."""
    try:
        return path.resolve().is_relative_to(folder)
    except OSError:  # pragma: no cover - unresolvable path
        return False


def _identity(filename: str) -> str:
    if filename.startswith("<"):
        return filename
    try:
        return str(Path(filename).resolve())
    except OSError:  # pragma: no cover - unresolvable path
        return os.path.abspath(filename)


def _locate(referrer: str, target: str) -> Path | None:
    """``target`` relative to the referring file's folder, else a bundled scenario name."""
    folder = Path.cwd() if referrer.startswith("<") else Path(referrer).parent
    candidate = Path(target) if os.path.isabs(target) else folder / target
    try:
        exists = candidate.exists()
    except (OSError, ValueError):  # a name the OS refuses (too long, NUL byte)
        exists = False
    if exists:  # a folder or a device is then refused by reading it, with what it is
        return Path(os.path.normpath(candidate))
    if "/" not in target and os.sep not in target:
        from .catalog import bundled_path

        stem = Path(target).stem if Path(target).suffix in (".yaml", ".yml", ".json") else target
        return bundled_path(stem)
    return None


# -- applying one variant -------------------------------------------------------------------
def _apply(tree: _V, variant: _V, problems: _Problems) -> None:
    """Apply one variant's changes to the resolved ``tree`` of its base, in place."""
    top = tree.value
    changes = variant.value
    top.pop("id", None)  # a variant is its own scenario
    allowed = ("id", *_SCALARS, *_SECTIONS, "nodes", *VARIANT_KEYS)
    for key, node in changes.items():
        if key not in allowed:
            problems.error(node.key_at, "unknown-key", f"unknown top-level key {key!r}{did_you_mean(key, allowed)}")
        elif key in ("id", *_SCALARS):
            top[key] = node
        elif key in _SECTIONS:
            _merge_section(top, key, node, problems)
    if "nodes" in changes:
        _merge_nodes(top, changes["nodes"], problems)
    if "set" in changes:
        _apply_set(top, changes["set"], problems)
    if "remove" in changes:
        _apply_remove(top, changes["remove"], problems)


def _merge_fields(base: _V, patch: _V, *, merge_maps: tuple = ()) -> None:
    """Merge ``patch`` (a mapping) into ``base`` field by field; null deletes a field."""
    for key, value in patch.value.items():
        if value.value is None:
            base.value.pop(key, None)
        elif key in merge_maps and isinstance(value.value, dict) and isinstance(
                base.value.get(key, _V(None, value.at)).value, dict):
            _merge_fields(base.value[key], value)
        else:
            base.value[key] = value


def _merge_section(top: dict, key: str, patch: _V, problems: _Problems) -> None:
    if not isinstance(patch.value, dict) or key not in top or not isinstance(top[key].value, dict):
        top[key] = patch  # validation reports a malformed section where the variant wrote it
        return
    section = top[key].value
    what = {"sources": "source", "actors": "actor", "parameters": "parameter"}[key]
    for name, entry in patch.value.items():
        old = section.get(name)
        if entry.value is None:
            if old is None:
                problems.error(entry.key_at, "unknown-name", f"{key}: cannot delete unknown {what} "
                               f"{name!r}{did_you_mean(name, section)}")
            section.pop(name, None)
        elif old is not None and isinstance(entry.value, dict):
            if not isinstance(old.value, dict):
                if key != "parameters":
                    section[name] = entry
                    continue
                # A shorthand parameter in the base: its number is the 'value' of the long form.
                old = section[name] = _V({"value": old}, old.at, old.key_at)
            _merge_fields(old, entry)
            old.key_at = entry.key_at or old.key_at
        elif key == "parameters" and old is not None and isinstance(old.value, dict):
            old.value["value"] = entry  # shorthand: a new base value; range and dist stay
        else:
            section[name] = entry


def _merge_nodes(top: dict, patch: _V, problems: _Problems) -> None:
    if not isinstance(patch.value, dict) or "nodes" not in top or not isinstance(top["nodes"].value, dict):
        top["nodes"] = patch
        return
    nodes = top["nodes"].value
    for node_id, entry in patch.value.items():
        old = nodes.get(node_id)
        if entry.value is None:
            problems.error(entry.key_at, "variant", f"nodes: {node_id!r}: null does not remove a node; "
                           f"use 'remove: [{node_id}]'")
        elif old is None or not isinstance(old.value, dict) or not isinstance(entry.value, dict):
            nodes[node_id] = entry
        elif "kind" in entry.value and _plain(entry.value["kind"]) != _plain(old.value.get("kind", _V(None, ()))):
            nodes[node_id] = entry  # a different kind of node: replaced wholesale
        else:
            _merge_node(old, entry, node_id, problems)


def _merge_node(old: _V, patch: _V, node_id: str, problems: _Problems) -> None:
    for key, value in patch.value.items():
        if value.value is None:
            old.value.pop(key, None)
        elif key == "payoffs" and isinstance(value.value, dict) and isinstance(
                old.value.get("payoffs", _V(None, ())).value, dict):
            _merge_fields(old.value["payoffs"], value)
        elif key == "branches" and isinstance(value.value, list) and isinstance(
                old.value.get("branches", _V(None, ())).value, list):
            _merge_branches(old.value["branches"], value, node_id, problems)
            # A problem with the list as a whole (a sum off, a 'rest' gone negative) is this
            # variant's doing: point at its 'branches'.
            old.value["branches"].at, old.value["branches"].key_at = value.at, value.key_at
            for branch in old.value["branches"].value:
                if isinstance(branch.value, dict) and _plain(branch.value.get("p", _V(None, ()))) == "rest":
                    branch.value["p"] = _V("rest", value.at, value.key_at)
        else:
            old.value[key] = value


def _merge_branches(old: _V, patch: _V, node_id: str, problems: _Problems) -> None:
    def to_of(b: _V) -> Any:
        return _plain(b.value["to"]) if isinstance(b.value, dict) and "to" in b.value else None

    for branch in patch.value:
        if not isinstance(branch.value, dict) or not isinstance(branch.value.get("to", _V(None, ())).value, str):
            problems.error(branch.at, "variant", f"nodes: {node_id!r}: a branch in a variant needs "
                           "'to' (the child it changes, or a new child it adds)")
            continue
        target = branch.value["to"].value
        same = [b for b in old.value if to_of(b) == target]
        if len(same) > 1:  # several branches lead there: the label says which (or adds one)
            if "label" not in branch.value:
                problems.error(branch.at, "variant", f"nodes: {node_id!r}: {len(same)} branches lead to "
                               f"{target!r}; give the 'label' of the one this changes")
                continue
            label = _plain(branch.value["label"])
            same = [b for b in same if "label" in b.value and _plain(b.value["label"]) == label]
        if same:
            _merge_fields(same[0], branch, merge_maps=("payoffs",))
        else:
            old.value.append(branch)


# -- set and remove ---------------------------------------------------------------------------
def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _known_number(value: Any) -> float:
    """``_number(value)`` for a value already checked to be a number."""
    number = _number(value)
    assert number is not None
    return number


def _branch_of(top: dict, name: str, at: Loc, what: str, problems: _Problems):
    """``(node _V, branch index)`` for ``NODE.CHILD``, ``NODE.POSITION`` (from 0) or ``NODE.LABEL``
    (as ``--set`` reads them: several branches may lead to one child), or None after reporting why not."""
    node_id, _, child = name.partition(".")
    nodes = top["nodes"].value if "nodes" in top and isinstance(top["nodes"].value, dict) else {}
    node = nodes.get(node_id)
    if node is None:
        problems.error(at, "unknown-node", f"{what} {name}: unknown node {node_id!r}{did_you_mean(node_id, nodes)}")
        return None
    branches = node.value.get("branches") if isinstance(node.value, dict) else None
    raw = [b.value if isinstance(b.value, dict) else {}
           for b in (branches.value if branches is not None and isinstance(branches.value, list) else [])]
    targets = [_plain(b.get("to", _V(None, ()))) for b in raw]
    at_child = [i for i, t in enumerate(targets) if t == child]
    if len(at_child) == 1:
        return node, at_child[0]
    if at_child:
        named = ", ".join(f"{node_id}.{i}" for i in at_child)
        problems.error(at, "ambiguous-branch", f"{what} {name}: {len(at_child)} branches of node {node_id!r} "
                       f"lead to {child!r}; name one by its position or its label: {named}")
        return None
    if child.isdigit() and child.isascii() and int(child) < len(targets):
        return node, int(child)
    labels = [_plain(b["label"]) if "label" in b else _label_of(nodes, t) for b, t in zip(raw, targets, strict=True)]
    labelled = [i for i, label in enumerate(labels) if label == child]
    if len(labelled) == 1:
        return node, labelled[0]
    listed = ", ".join(str(t) for t in dict.fromkeys(targets)) or "none"
    problems.error(at, "unknown-node", f"{what} {name}: node {node_id!r} has no branch to {child!r} "
                   f"(its children: {listed})")
    return None


def _label_of(nodes: dict, node_id: Any) -> Any:
    """The label a branch to ``node_id`` shows by default: the node's label, else its id."""
    target = nodes.get(node_id) if isinstance(node_id, str) else None
    if target is not None and isinstance(target.value, dict) and "label" in target.value:
        return _plain(target.value["label"])
    return node_id


def _apply_set(top: dict, patch: _V, problems: _Problems) -> None:
    if not isinstance(patch.value, dict):
        problems.error(patch.at, "type", "set: expected a mapping of NAME: VALUE "
                       "(a parameter, or NODE.CHILD for a branch probability)")
        return
    params = top["parameters"].value if "parameters" in top and isinstance(top["parameters"].value, dict) else {}
    pins: dict[int, tuple[_V, dict[int, _V]]] = {}
    for name, value in patch.value.items():
        at = value.key_at or value.at
        if isinstance(value.value, bool) or not isinstance(value.value, (int, float, str)):
            problems.error(value.at, "type", f"set {name}: expected a number or an expression")
            continue
        if not isinstance(name, str):
            problems.error(at, "type", f"set: {name!r} is not a parameter or NODE.CHILD name")
        elif "." in name:
            found = _branch_of(top, name, at, "set", problems)
            if found is not None:
                number = _number(value.value)
                if number is not None and not 0.0 <= number <= 1.0:
                    problems.error(value.at, "probability-range",
                                   f"set {name}: {number:g} is not a probability in [0, 1]")
                    continue
                node, index = found
                pins.setdefault(id(node), (node, {}))[1][index] = value
        elif name in params:
            entry = params[name]
            if isinstance(entry.value, dict):
                entry.value["value"] = value
                entry.key_at = value.key_at  # a range error now points at this 'set'
            else:
                params[name] = _V(value.value, value.at, value.key_at)
        else:
            problems.error(at, "unknown-parameter", f"set {name}: unknown parameter{did_you_mean(name, params)} "
                           "(use NODE.CHILD for a branch probability)")
    for node, pinned in pins.values():
        _rescale(node, pinned, patch.at, problems)


def _rescale(node: _V, pinned: dict[int, _V], at: Loc, problems: _Problems) -> bool:
    """Pin branches of ``node`` to new ``p`` values; rescale the others in proportion.

    The same arithmetic as ``--set`` (``engine.bind``): the free branches keep their
    ratios and share ``1 - sum(pinned)``; a free ``rest`` branch stays ``rest``.  When every
    probability involved is a number the new ones are numbers; otherwise they are
    expressions, so they still follow the parameters they were written with.
    """
    branches = node.value["branches"].value
    n = len(branches)
    raw = [b.value["p"].value if "p" in b.value else None for b in branches]
    if all(p is None for p in raw):  # a decision without beliefs: equal weights
        raw = [1.0 / n] * n
    rest = next((i for i, p in enumerate(raw) if p == "rest"), None)
    rest_free = rest is not None and rest not in pinned
    free = [i for i in range(n) if i not in pinned and i != rest]
    names = ", ".join(str(_plain(branches[i].value.get("to", _V(None, ())))) for i in pinned)
    where = next(iter(pinned.values()))
    involved = [raw[i] for i in range(n) if i != rest] + [v.value for v in pinned.values()]
    if all(_number(x) is not None for x in involved):
        # The engine's arithmetic (scenarios.engine.rescale); a free rest branch holds what
        # the others leave, so it takes part in the proportions and stays rest.
        total = sum(_known_number(v.value) for v in pinned.values())
        free_values = [_number(raw[i]) for i in free]
        if rest_free:
            free_values.append(1.0 - sum(_known_number(raw[i]) for i in range(n) if i != rest))
        r = rescale_siblings(np.array(free_values, dtype=float), total)
        if r.over:
            problems.error(where.at, "probability-sum",
                           f"branches to {names}: the values sum to {total:g}, more than 1")
            return False
        if r.stuck:
            problems.error(where.at, "probability-sum",
                           f"branches to {names}: no other branch has probability left to rescale, "
                           f"so the values must sum to 1 (they sum to {total:g})")
            return False
        # 15 digits, so 0.5 * 0.6 is written 0.3 (the sum stays within 1e-9 of 1).
        new: dict[int, Any] = {i: float(f"{x:.15g}") for i, x in zip(free, r.free.tolist(), strict=False)}
    else:
        taken = _sum([_text(v.value) for v in pinned.values()])
        share = (_minus("1", _sum([_text(raw[i]) for i in pinned])) if rest_free
                 else _sum([_text(raw[i]) for i in free]))
        numerator = _minus("1", taken)
        scale = f" * {_paren(numerator)}" if numerator != "1" else ""
        new = {i: f"{_paren(_text(raw[i]))}{scale} / {_paren(share)}" for i in free}
    for i, branch in enumerate(branches):
        if i in pinned:
            branch.value["p"] = _V(pinned[i].value, pinned[i].at, pinned[i].key_at)
        elif i in new:
            branch.value["p"] = _V(new[i], where.at, where.key_at)
    return True


def _text(value: Any) -> str:
    number = _number(value)
    if number is not None:  # 15 digits: 0.15 * 0.6 prints as 0.09, not 0.09000000000000001
        return format_number(float(f"{number:.15g}")) if math.isfinite(number) else "0"
    return str(value)


def _paren(text: str) -> str:
    """``text`` wrapped in parentheses unless it is a plain number or name."""
    plain = text.replace(".", "").replace("_", "").replace("e-", "").isalnum() and not text.startswith("-")
    return text if plain else f"({text})"


def _sum(parts: list[str]) -> str:
    """The sum of expression texts, numbers folded: ``['0.2', 'p', '0.3']`` → ``'p + 0.5'``."""
    numbers = [_number_of(p) for p in parts]
    symbolic = [_paren(p) for p, n in zip(parts, numbers, strict=False) if n is None]
    constant = sum(n for n in numbers if n is not None)
    if constant or not symbolic:
        symbolic.append(_text(constant))
    if len(symbolic) == 1:
        return parts[numbers.index(None)] if constant == 0 and None in numbers else symbolic[0]
    return " + ".join(symbolic)


def _minus(left: str, right: str) -> str:
    a, b = _number_of(left), _number_of(right)
    if a is not None and b is not None:
        return _text(a - b)
    return f"{left} - {_paren(right)}"


def _number_of(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _apply_remove(top: dict, patch: _V, problems: _Problems) -> None:
    items = patch.value if isinstance(patch.value, list) else [patch]
    if not isinstance(patch.value, list) and not isinstance(patch.value, str):
        problems.error(patch.at, "type", "remove: expected a list of node ids and NODE.CHILD branches")
        return
    if "nodes" not in top or not isinstance(top["nodes"].value, dict):
        return
    nodes = top["nodes"].value
    before = _reachable(top)
    for item in items:
        name = item.value
        if not isinstance(name, str):
            problems.error(item.at, "type", f"remove: {name!r} is not a node id or NODE.CHILD")
        elif "." in name:
            found = _branch_of(top, name, item.at, "remove", problems)
            if found is not None:
                _drop_branch(found[0], found[1], name, item.at, problems)
        elif name not in nodes:
            problems.error(item.at, "unknown-node", f"remove {name}: unknown node{did_you_mean(name, nodes)}")
        elif name == _root(top):
            problems.error(item.at, "variant", f"remove {name}: cannot remove the root node "
                           "(give another 'root' first)")
        else:
            del nodes[name]
            for parent_id, parent in list(nodes.items()):
                branches = parent.value.get("branches") if isinstance(parent.value, dict) else None
                if branches is None or not isinstance(branches.value, list):
                    continue
                into = [i for i, b in enumerate(branches.value)
                        if isinstance(b.value, dict) and _plain(b.value.get("to", _V(None, ()))) == name]
                for index in reversed(into):  # last first: several branches may lead there
                    _drop_branch(parent, index, f"{parent_id}.{name}", item.at, problems)
    after = _reachable(top)
    for node_id in [n for n in nodes if n in before and n not in after]:
        del nodes[node_id]  # only the removed part led here


def _drop_branch(node: _V, index: int, name: str, at: Loc, problems: _Problems) -> None:
    branches = node.value["branches"].value
    if len(branches) == 1:
        problems.error(at, "variant", f"remove {name}: it is the only branch of its node "
                       "(remove the node instead)")
        return
    zero = _V(0.0, at, at)
    has_p = any("p" in b.value for b in branches)
    if has_p and not _rescale(node, {index: zero}, at, problems):
        return
    del branches[index]


def _root(top: dict) -> str | None:
    if "root" in top and isinstance(top["root"].value, str):
        return top["root"].value
    nodes = top["nodes"].value
    return next(iter(nodes), None)


def _reachable(top: dict) -> set[str]:
    nodes = top["nodes"].value
    root = _root(top)
    seen: set[str] = set()
    stack: list[str] = [root] if root is not None and root in nodes else []
    while stack:
        node_id = stack.pop()
        if node_id in seen:
            continue
        seen.add(node_id)
        node = nodes.get(node_id)
        branches = node.value.get("branches") if node is not None and isinstance(node.value, dict) else None
        for b in (branches.value if branches is not None and isinstance(branches.value, list) else []):
            if isinstance(b.value, dict):
                target = _plain(b.value.get("to", _V(None, ())))
                if isinstance(target, str) and target in nodes:
                    stack.append(target)
    return seen

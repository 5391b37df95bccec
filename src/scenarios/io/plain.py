"""The quick reading of a node in its plain form: no checks can speak, so none are worded.

A generated tree has a million nodes that look alike: a kind, an actor, a label, branches
``{to, p}`` with numbers already seen, payoffs by actor.  :func:`plain_node` builds such a
node straight away, with only the tests that tell it is plain; the moment anything is not
(an unknown or rarer key, a type to complain about, a number not read before, a control
character, a duplicate branch), it returns None and the full reading of
:mod:`scenarios.io.build` reads the node with every check and message.  So the quick
reading never decides a problem: it gives the very Node the full reading would give, or
declines (tests/test_load_plain.py holds the two equal).

>>> from scenarios.expressions import Expression
>>> from scenarios.model import Actor
>>> nodes = {"a": {"kind": "chance", "branches": [{"to": "b", "p": 0.5}, {"to": "b", "p": 0.5, "label": "B2"}]},
...          "b": {"kind": "outcome", "label": "End", "payoffs": {"x": 1}}}
>>> shared = {0.5: Expression.number(0.5), 1: Expression.number(1)}
>>> node = plain_node("a", nodes["a"], nodes, {"x": Actor("x", "X")}, shared)
>>> [(b.to, b.label, str(b.p)) for b in node.branches]
[('b', 'End', '0.5'), ('b', 'B2', '0.5')]
>>> plain_node("a", {"kind": "chance", "branches": [{"to": "b", "p": 0.25}]}, nodes, {}, shared) is None
True
"""

from __future__ import annotations

import dataclasses
import re
from types import MappingProxyType
from typing import Any

from .. import kinds
from ..expressions import Expression
from ..model import _EMPTY, REST, Actor, Branch, Node

__all__ = ["plain_node"]

#: The keys of a plain node and branch; any other key (tags, fixed, dist, reveal, keys added
#: to the format later) sends the node to the full reading.
PLAIN_NODE_KEYS = frozenset(("kind", "label", "text", "actor", "branches", "payoffs"))
PLAIN_BRANCH_KEYS = frozenset(("to", "p", "label", "payoffs", "text"))
#: The full reading's rule on scenario text (io/build.py ``_CONTROL``), as one test.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]").search
_KINDS = dict(kinds.KINDS)  # (a dict: looked up a million times)


def plain_node(node_id: str, entry: dict, all_nodes: dict, actors: dict[str, Actor],
               shared: dict[Any, Expression]) -> Node | None:
    """The Node for ``entry`` if it is plain, else None (read it fully).

    ``shared`` holds the expressions the full reading has already read, by their number
    or text (``_Report.expressions``); a value not in it is not plain (yet).
    """
    if not entry.keys() <= PLAIN_NODE_KEYS:
        return None
    kind = entry.get("kind")
    info = _KINDS.get(kind) if kind.__class__ is str else None
    if info is None:
        return None
    actor = entry.get("actor")
    if info.has_actor:
        if actor.__class__ is not str or actor not in actors:
            return None
    elif actor is not None or "actor" in entry:
        return None
    label = entry.get("label", node_id)  # (a node id is printable: the loader checked it)
    text = entry.get("text")
    if label is not node_id and (label.__class__ is not str or _UNPRINTABLE(label)):
        return None
    if text is not None and (text.__class__ is not str or _UNPRINTABLE(text)) or ("text" in entry and text is None):
        return None
    raw_branches = entry.get("branches")
    branches: list[Branch] = []
    if info.has_branches:
        if raw_branches.__class__ is not list or not raw_branches:
            return None
        for raw in raw_branches:
            branch = _plain_branch(raw, all_nodes, actors, shared)
            if branch is None:
                return None
            branches.append(branch)
        if len(branches) > 1 and len({(b.to, b.label) for b in branches}) < len(branches):
            return None  # two branches alike: the full reading says which
    elif "branches" in entry:
        return None
    payoffs = _plain_payoffs(entry, actors, shared) if "payoffs" in entry else _EMPTY
    if payoffs is None:
        return None
    return _node(node_id, info.name, label, text, actor, tuple(branches), payoffs)


def _plain_branch(raw: Any, all_nodes: dict, actors: dict[str, Actor], shared: dict) -> Branch | None:
    if raw.__class__ is not dict or not raw.keys() <= PLAIN_BRANCH_KEYS:
        return None
    to = raw.get("to")
    if to.__class__ is not str or to not in all_nodes:
        return None
    p: Expression | object | None = None
    if "p" in raw:
        value = raw["p"]
        if value == "rest":
            p = REST
        else:
            cls = value.__class__  # (as for payoffs: no bool, no zero)
            p = shared.get(value) if (cls is float or cls is int or cls is str) and value else None
            if p is None:
                return None
    if "label" in raw:
        label = raw["label"]
        if label.__class__ is not str or _UNPRINTABLE(label):
            return None
    else:  # the child's label, as the full reading takes it
        child = all_nodes[to]
        label = child.get("label", to) if child.__class__ is dict else to
        if label.__class__ is not str:
            label = str(label) if isinstance(label, (int, float)) else to
    text = raw.get("text")
    if "text" in raw and (text.__class__ is not str or _UNPRINTABLE(text)):
        return None
    payoffs = _plain_payoffs(raw, actors, shared) if "payoffs" in raw else _EMPTY
    if payoffs is None:
        return None
    return _branch(to, label, p, payoffs, text)


def _plain_payoffs(entry: dict, actors: dict[str, Actor], shared: dict) -> MappingProxyType | None:
    section = entry.get("payoffs")
    if not section:
        return _EMPTY if section is None or section.__class__ is dict else None  # type: ignore[return-value]
    if section.__class__ is not dict:
        return None
    payoffs = {}
    for actor, value in section.items():
        found = actors.get(actor)
        if found is None or found.measures:
            return None
        cls = value.__class__  # (never a bool, which equals 0 or 1, nor zero, whose sign the full reading keeps)
        expression = shared.get(value) if (cls is float or cls is int or cls is str) and value else None
        if expression is None:
            return None
        payoffs[actor] = expression
    return MappingProxyType(payoffs)


# -- building without the frozen dataclass's __init__ ---------------------------------------
# A frozen dataclass sets each field through object.__setattr__ and then runs __post_init__
# (which freezes the payoffs and makes tuples): a third of the quick reading's time.  The
# values here are already frozen mappings and tuples, so the slots are filled directly; every
# other field (fields added to the model later too) gets the value a default instance has.
def _others(template: Any, given: tuple[str, ...]) -> list[tuple[Any, Any]]:
    cls = template.__class__
    return [(getattr(cls, f.name).__set__, getattr(template, f.name))
            for f in dataclasses.fields(cls) if f.name not in given]


def _node_maker():
    given = ("id", "kind", "label", "text", "actor", "branches", "payoffs")
    others = _others(Node(id="", kind="outcome", label=""), given)
    set_id, set_kind, set_label, set_text, set_actor, set_branches, set_payoffs = (
        getattr(Node, name).__set__ for name in given)
    new = Node.__new__

    def make(node_id: str, kind: str, label: str, text: str | None, actor: str | None,
             branches: tuple[Branch, ...], payoffs: MappingProxyType) -> Node:
        node = new(Node)
        set_id(node, node_id)
        set_kind(node, kind)
        set_label(node, label)
        set_text(node, text)
        set_actor(node, actor)
        set_branches(node, branches)
        set_payoffs(node, payoffs)
        for set_value, value in others:
            set_value(node, value)
        return node

    return make


def _branch_maker():
    given = ("to", "label", "p", "payoffs", "text")
    others = _others(Branch(to="", label=""), given)
    set_to, set_label, set_p, set_payoffs, set_text = (getattr(Branch, name).__set__ for name in given)
    new = Branch.__new__

    def make(to: str, label: str, p: Any, payoffs: MappingProxyType, text: str | None) -> Branch:
        branch = new(Branch)
        set_to(branch, to)
        set_label(branch, label)
        set_p(branch, p)
        set_payoffs(branch, payoffs)
        set_text(branch, text)
        for set_value, value in others:
            set_value(branch, value)
        return branch

    return make


_node = _node_maker()
_branch = _branch_maker()

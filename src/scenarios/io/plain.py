"""The quick reading of a node in its plain form: no checks can speak, so none are worded.

A generated tree has a million nodes that look alike: a kind, an actor, a label, branches
``{to, p}`` with numbers seen many times, payoffs by actor.  The reader of :func:`plain_reader`
builds such a node straight away, with only the tests that tell it is plain; the moment
anything is not (an unknown or rarer key, a type to complain about, a number that is not
finite, an expression not read before, a control character, a duplicate branch), it returns None and the full reading of
:mod:`scenarios.io.build` reads the node with every check and message.  So the quick reading
never decides a problem: it gives the very Node the full reading would give, or declines
(tests/test_load_plain.py holds the two equal).

It also settles the base-case check of the nodes it builds when it can: every payoff and
probability a plain number (the shared ones are finite and non-zero), probabilities in
[0, 1] summing to 1, by the same rule as ``whole._nothing_to_report``; only the others are
listed for the check (``Gathered.checks``).

>>> from scenarios.expressions import Expression
>>> from scenarios.model import Actor
>>> nodes = {"a": {"kind": "chance", "branches": [{"to": "b", "p": 0.5}, {"to": "b", "p": 0.5, "label": "B2"}]},
...          "b": {"kind": "outcome", "label": "End", "payoffs": {"x": 1}}}
>>> shared = {0.5: Expression.number(0.5), 1: Expression.number(1)}
>>> gathered = Gathered()
>>> read = plain_reader({"a": 0, "b": 1}, labels_of(nodes), {"x": Actor("x", "X")}, shared, gathered)
>>> node = read("a", nodes["a"])
>>> [(b.to, b.label, str(b.p)) for b in node.branches]
[('b', 'End', '0.5'), ('b', 'B2', '0.5')]
>>> gathered.checks, gathered.counts, gathered.targets
([], [2], [1, 1])
>>> read("c", {"kind": "chance", "branches": [{"to": "b", "p": "q / 4"}]}) is None  # (an expression not read yet)
True
>>> read("d", {"kind": "chance", "branches": [{"to": "b", "p": 0.5}]}).id, gathered.checks
('d', ['d'])
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from math import isfinite
from types import MappingProxyType
from typing import Any

from .. import kinds
from ..expressions import Expression
from ..model import _EMPTY, REST, Actor, Branch, Node

__all__ = ["Gathered", "all_node_ids_ok", "labels_of", "plain_reader"]

#: The keys of a plain node and branch; any other key (tags, fixed, dist, reveal, keys added
#: to the format later) sends the node to the full reading.
PLAIN_NODE_KEYS = frozenset(("kind", "label", "text", "actor", "branches", "payoffs"))
PLAIN_BRANCH_KEYS = frozenset(("to", "p", "label", "payoffs", "text"))
#: The full reading's rule on scenario text (io/build.py ``_CONTROL``), as one test.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]").search
_NOT_PLAIN = object()  # (a text that is not: None is a text left out)
#: The base-case check's tolerance (whole.PROBABILITY_TOLERANCE; a test keeps them equal).
_TOLERANCE = 1e-9


@dataclass
class Gathered:
    """What the node pass notes besides the nodes, for the checks of the whole scenario."""

    #: The nodes the base-case check must look at (all but those the quick reading settled),
    #: in the file's order (filled by io/build.py's node pass too, with every node read fully).
    checks: list[str] = field(default_factory=list)
    #: The nodes the quick reading declined (read fully, or not built), in the file's order.
    declined: list[str] = field(default_factory=list)
    #: The keys and the ':' in texts of the entries it built (io/fast.py's KeyTally).
    keys: int = 0
    #: The graph, in the file's order: each node's number of branches, and the position in
    #: the file of each branch's child (whole.check_graph; filled by io/build.py's node pass,
    #: for the quick and the full reading alike).
    counts: list[int] = field(default_factory=list)
    targets: list[int] = field(default_factory=list)


#: Node ids one per line, all matching io/build.py's NODE_ID: one pass of the regex engine for a whole file.
_NODE_IDS = re.compile(r"(?:[A-Za-z_][A-Za-z0-9_-]*\n)*")


def all_node_ids_ok(section: dict) -> bool:
    """True if every key of ``section`` is a text matching io/build.py's NODE_ID (checked at once; False
    sends each node id to the check of its own, which words the message)."""
    try:
        joined = "\n".join(section)
    except TypeError:  # a key that is not text
        return False
    # (an id holding a newline would read as two ids: the count of newlines rules it out)
    return joined.count("\n") == len(section) - 1 and _NODE_IDS.fullmatch(joined + "\n") is not None


def labels_of(all_nodes: dict) -> dict[str, Any]:
    """The ``label`` of each node entry that has one, by node id: looked up for every branch
    without a label, so a big tree's nodes are not each visited again (most have none).

    >>> labels_of({"a": {"kind": "outcome", "label": "A"}, "b": {"kind": "outcome"}})
    {'a': 'A'}
    """
    return {node_id: entry["label"] for node_id, entry in all_nodes.items()
            if entry.__class__ is dict and "label" in entry}


def plain_reader(index: dict[str, int], labels: dict[str, Any], actors: dict[str, Actor],
                 shared: dict[Any, Expression], gathered: Gathered) -> Callable[[str, Any], Node | None]:
    """A function giving the Node for a plain node's entry, or None (read it fully).

    ``index``: each node id's position in the file's ``nodes``; ``labels``: the ``label`` of
    each node that has one (:func:`labels_of`; a branch without a label of its own takes its
    child's).  ``shared`` holds the expressions the
    full reading has already read, by their number or text (``_Report.expressions``: finite
    non-zero numbers and parsed texts); a value not in it is not plain (yet).  What it notes
    of the nodes it builds goes to ``gathered``.
    """
    kinds_by_name = dict(kinds.KINDS)  # (a dict: looked up a million times)
    # (an actor id with a ':' in it would need counting for the KeyTally: read fully)
    actor_ids = frozenset(name for name in actors if ":" not in name)
    payoff_actors = frozenset(name for name in actor_ids if not actors[name].measures)
    lookup, unprintable, position, child_label = shared.get, _UNPRINTABLE, index.get, labels.get
    add_check, add_count, add_targets = gathered.checks.append, gathered.counts.append, gathered.targets.extend
    node_keys, branch_keys = PLAIN_NODE_KEYS, PLAIN_BRANCH_KEYS
    numbers_only = True  # of the node being read
    tally = 0  # its keys and the ':' in its texts, for the KeyTally

    def payoffs_of(section: Any) -> MappingProxyType | None:
        nonlocal numbers_only, tally
        if section.__class__ is not dict:
            return _EMPTY if section is None else None  # type: ignore[return-value]
        if not section:
            return _EMPTY  # type: ignore[return-value]
        if not section.keys() <= payoff_actors:
            return None
        payoffs = {}
        for actor, value in section.items():
            # (never a bool, which equals 0 or 1; zero is never shared, as its sign is kept)
            cls = value.__class__
            if cls is float or cls is int:
                expression = (lookup(value) or new_number(value)) if value else Expression.number(value)
            elif cls is str:
                expression = lookup(value)
                numbers_only = False
                tally += value.count(":")
            else:
                return None
            if expression is None:
                return None
            payoffs[actor] = expression
        tally += len(section)
        return MappingProxyType(payoffs)

    def new_number(value: int | float) -> Expression | None:
        """A number not read before, read as the full reading reads it (io/build.py
        ``_expression``: a finite number, shared by its value); None if it is not finite."""
        try:
            number = float(value)
        except OverflowError:
            return None
        if not isfinite(number):
            return None
        expression = shared[value] = Expression.number(number)
        return expression

    def own_text(value: Any) -> Any:
        """A label or text of the entry's own, its ':' counted; _NOT_PLAIN if it is not plain."""
        nonlocal tally
        if value.__class__ is not str or unprintable(value):
            return _NOT_PLAIN
        tally += value.count(":")
        return value

    def read(node_id: str, entry: Any) -> Node | None:
        nonlocal numbers_only, tally
        if not entry.keys() <= node_keys:
            return None
        kind = entry.get("kind")
        info = kinds_by_name.get(kind) if kind.__class__ is str else None
        if info is None:
            return None
        actor = entry.get("actor")
        if info.has_actor:
            if actor.__class__ is not str or actor not in actor_ids:
                return None
        elif "actor" in entry:
            return None
        tally = len(entry)  # (a kind, an actor id and a node id hold no ':')
        label = own_text(entry["label"]) if "label" in entry else node_id  # (an id is printable: checked)
        text = own_text(entry["text"]) if "text" in entry else None
        if label is _NOT_PLAIN or text is _NOT_PLAIN:
            return None
        numbers_only = True
        total, given, missing = 0.0, False, False  # the probabilities, as _nothing_to_report adds them
        branches: list[Branch] = []
        targets: list[int] = []
        if info.has_branches:
            raw_branches = entry.get("branches")
            if raw_branches.__class__ is not list or not raw_branches:
                return None
            for raw in raw_branches:
                if raw.__class__ is not dict or not raw.keys() <= branch_keys:
                    return None
                tally += len(raw)
                to: Any = raw.get("to")
                child_at = position(to) if to.__class__ is str else None
                if child_at is None:
                    return None
                p: Any = None
                if "p" in raw:
                    value = raw["p"]
                    cls = value.__class__
                    if cls is float or cls is int:
                        p = (lookup(value) or new_number(value)) if value else Expression.number(value)
                        if p is None:
                            return None
                        if not -_TOLERANCE <= value <= 1.0 + _TOLERANCE:
                            numbers_only = False  # out of range: the full check words it
                        total += value
                        given = True
                    elif cls is str:
                        p = REST if value == "rest" else lookup(value)
                        if p is None:
                            return None
                        numbers_only = False
                        tally += value.count(":")
                    else:
                        return None
                else:
                    missing = True
                if "label" in raw:
                    branch_label = own_text(raw["label"])
                    if branch_label is _NOT_PLAIN:
                        return None
                else:  # the child's label, as the full reading takes it
                    branch_label = child_label(to, to)
                    if branch_label.__class__ is not str:
                        branch_label = str(branch_label) if isinstance(branch_label, (int, float)) else to
                branch_text = own_text(raw["text"]) if "text" in raw else None
                if branch_text is _NOT_PLAIN:
                    return None
                branch_payoffs = payoffs_of(raw["payoffs"]) if "payoffs" in raw else _EMPTY
                if branch_payoffs is None:
                    return None
                targets.append(child_at)
                branches.append(_branch(to, branch_label, p, branch_payoffs, branch_text))
            if len(branches) > 1 and len(set(targets)) < len(branches) \
                    and len({(b.to, b.label) for b in branches}) < len(branches):
                return None  # two branches alike: the full reading says which
        elif "branches" in entry:
            return None
        payoffs = payoffs_of(entry["payoffs"]) if "payoffs" in entry else _EMPTY
        if payoffs is None:
            return None
        add_count(len(branches))
        add_targets(targets)
        gathered.keys += tally
        if not (numbers_only and (abs(total - 1.0) <= _TOLERANCE and not missing if given
                                  else not branches or info.rule != "average")):
            add_check(node_id)
        return _node(node_id, info.name, label, text, actor, tuple(branches), payoffs)

    return read


# -- building without the frozen dataclass's __init__ ---------------------------------------
# A frozen dataclass sets each field through object.__setattr__ and then runs __post_init__
# (which freezes the payoffs and makes tuples): most of the quick reading's time.  The values
# here are already frozen mappings and tuples, so a node is filled as a draft (a plain class
# with the very same slots, whose attributes are stored at full speed) and then made a Node by
# setting its class, which CPython allows between classes of one memory layout.  Every field
# is set, so a field added to the model later and not set here is an unset slot: reading it
# raises, and tests/test_load_plain.py compares every field with the full reading's.
_NodeDraft = type("_NodeDraft", (), {"__slots__": Node.__slots__})
_BranchDraft = type("_BranchDraft", (), {"__slots__": Branch.__slots__})
_new = object.__new__


def _node(node_id: str, kind: str, label: str, text: str | None, actor: str | None,
          branches: tuple[Branch, ...], payoffs: Any) -> Node:
    node: Any = _new(_NodeDraft)
    node.id, node.kind, node.label, node.text, node.actor = node_id, kind, label, text, actor
    node.branches, node.payoffs = branches, payoffs
    node.fixed, node.tags, node.source, node.quote, node.historical = False, (), (), None, False
    node.dist = node.reveal = node.infoset = None
    node.__class__ = Node
    return node


def _branch(to: str, label: Any, p: Any, payoffs: Any, text: str | None) -> Branch:
    branch: Any = _new(_BranchDraft)
    branch.to, branch.label, branch.p, branch.payoffs, branch.text = to, label, p, payoffs, text
    branch.__class__ = Branch
    return branch

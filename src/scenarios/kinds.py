"""The node kinds, in one table: what each kind is, its file keys, its symbol and its rule.

Every module that needs to know about a kind asks this table instead of comparing
strings: the loader for the keys a node of the kind may carry, the engine for how the
kind's value is computed from its branches, the drawings for its symbol.  Adding a kind
starts here (docs/architecture.md lists the other places).

>>> KINDS["chance"].rule
'average'
>>> [k.name for k in KINDS.values() if k.has_branches]
['decision', 'chance']
>>> kind_of("outcome").symbol
'triangle'
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["NodeKind", "KINDS", "KIND_NAMES", "COMMON_KEYS", "NODE_KEYS", "kind_of", "DECISION", "CHANCE", "OUTCOME"]


@dataclass(frozen=True, slots=True)
class NodeKind:
    """One kind of node.

    ``code`` is the kind's number in the engine's arrays; ``rule`` how the engine values a
    node of the kind: ``"choose"`` (its actor takes the best branch in strategic mode, its
    branches are weighted by their ``p`` in belief mode), ``"average"`` (branches weighted
    by their probabilities) or ``"end"`` (no branches: the payoffs are the value).
    ``keys`` are the kind's own keys in a scenario file, beyond those every node has.
    """

    name: str
    code: int
    rule: str
    symbol: str  # how drawings mark it: "square", "circle", "triangle"
    keys: tuple[str, ...]
    has_branches: bool
    has_actor: bool
    description: str


#: Keys every node may carry, whatever its kind.
COMMON_KEYS = ("kind", "label", "text", "payoffs", "tags", "source", "quote", "historical", "reveal")

_TABLE = (
    NodeKind("decision", 0, "choose", "square", ("actor", "branches", "fixed", "dist", "infoset", "simultaneous"),
             True, True,
             "an actor chooses one branch"),
    NodeKind("chance", 1, "average", "circle", ("branches", "dist"), True, False,
             "chance picks a branch with the given probabilities"),
    NodeKind("outcome", 2, "end", "triangle", (), False, False,
             "an end of the story, with a payoff per actor"),
)

#: Kind name -> :class:`NodeKind`, in the order the file format lists them.
KINDS = MappingProxyType({k.name: k for k in _TABLE})
KIND_NAMES = tuple(KINDS)
#: The engine's codes of the three kinds its passes know (a new kind adds its own).
DECISION, CHANCE, OUTCOME = KINDS["decision"].code, KINDS["chance"].code, KINDS["outcome"].code
#: Every key a node may carry in a file, in the order error messages list them: the common
#: keys and each kind's own (the loader reports a kind's key on another kind).
NODE_KEYS = ("kind", "label", "text", "actor", "fixed", "branches", "payoffs", "tags", "source",
             "quote", "historical", "reveal", "dist", "infoset", "simultaneous")
assert set(NODE_KEYS) == set(COMMON_KEYS).union(*(k.keys for k in _TABLE)), "keep NODE_KEYS in step"


def kind_of(name: str) -> NodeKind:
    """The :class:`NodeKind` called ``name`` (KeyError for an unknown one)."""
    return KINDS[name]

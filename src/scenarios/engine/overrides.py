"""Names of the quantities an analyst may set: a parameter, or ``NODE.BRANCH`` for a branch
(or ``risk.ACTOR``, an actor's exponential risk tolerance, for sensitivity and threshold).

One resolver for ``--set``, sensitivity variables and settings columns, so every command
says the same thing about a name it does not know (with a suggestion).  A branch of NODE is
named after the dot by its child's id (``NODE.CHILD``, when only one branch of NODE leads
there), by its label (``NODE.LABEL``, when no other branch of NODE has it) or by its
position among NODE's branches counting from 0 (``NODE.2``, always unambiguous; node ids
cannot start with a digit).  Several branches of one node may lead to the same child, and
then ``NODE.CHILD`` is refused with the names that work.

>>> import scenarios
>>> s = scenarios.load("entry-deterrence")
>>> resolve_setting(s, "entry.response")
Setting(name='entry.response', node='entry', child='response', branch=1)
>>> resolve_setting(s, "entry.Stay out").pin, resolve_setting(s, "entry.0").pin
(('entry', '0'), ('entry', '0'))
>>> resolve_setting(s, "entry.fihgt", prefix="--set ")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
scenarios.errors.UnknownNameError: --set entry.fihgt: node 'entry' has no branch to 'fihgt' (its children: ...)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import UnknownNameError, did_you_mean

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Node, Scenario

__all__ = ["Setting", "resolve_setting", "branch_position"]


@dataclass(frozen=True, slots=True)
class Setting:
    """A settable quantity: a parameter (``node`` None) or the branch at position ``branch``
    of ``node``, which leads to ``child``."""

    name: str
    node: str | None = None
    child: str | None = None
    branch: int | None = None
    actor: str | None = field(default=None, repr=False)  # ``risk.ACTOR``: the actor's risk tolerance R

    @property
    def is_branch(self) -> bool:
        return self.node is not None

    @property
    def is_risk(self) -> bool:
        """``risk.ACTOR``: an actor's risk tolerance (sensitivity and threshold; docs/risk-attitudes.md)."""
        return self.actor is not None

    @property
    def pin(self) -> tuple[str, str]:
        """The branch as ``(node, position)``, the key :func:`scenarios.engine.bind.bind`
        pins it by (its position as text: :meth:`~scenarios.engine.compiled.Compiled.edge_of`
        reads it)."""
        if self.node is None or self.branch is None:
            raise ValueError(f"{self.name}: not a branch")
        return self.node, str(self.branch)


def resolve_setting(scenario: Scenario, name: str, *, prefix: str = "") -> Setting:
    """The :class:`Setting` called ``name``; UnknownNameError (``prefix`` + name first) if none."""
    if not isinstance(name, str):
        raise TypeError(f"setting names are text, not {type(name).__name__}")
    if name.startswith("risk.") and "risk" not in scenario.nodes:
        actor = name[len("risk."):]
        if actor not in scenario.actors:
            raise UnknownNameError(f"{prefix}{name}: unknown actor {actor!r}{did_you_mean(actor, scenario.actors)} "
                                   f"(risk.ACTOR is an actor's risk tolerance; actors: {', '.join(scenario.actors)})")
        return Setting(name, actor=actor)
    if "." in name:
        node_id, ref = name.split(".", 1)
        node = scenario.nodes.get(node_id)
        if node is None:
            raise UnknownNameError(f"{prefix}{name}: unknown node {node_id!r}{did_you_mean(node_id, scenario.nodes)}")
        position = branch_position(node, ref, f"{prefix}{name}")
        return Setting(name, node_id, node.branches[position].to, position)
    if name not in scenario.parameters:
        raise UnknownNameError(f"{prefix}{name}: unknown parameter{did_you_mean(name, scenario.parameters)} "
                               "(use NODE.CHILD for a branch probability)")
    return Setting(name)


def branch_position(node: Node, ref: str, what: str) -> int:
    """Position of the branch of ``node`` that ``ref`` names (a child id reached by one branch
    only, a position counting from 0, or a label no other branch has); UnknownNameError
    starting with ``what`` otherwise."""
    children = [b.to for b in node.branches]
    if ref in children:
        at = [i for i, c in enumerate(children) if c == ref]
        if len(at) == 1:
            return at[0]
        named = ", ".join(f"{node.id}.{i} ({node.branches[i].label!r})" for i in at)
        raise UnknownNameError(f"{what}: {len(at)} branches of node {node.id!r} lead to {ref!r}; "
                               f"name one by its position or its label: {named}")
    if ref.isdigit() and ref.isascii():
        if int(ref) < len(children):
            return int(ref)
        raise UnknownNameError(f"{what}: node {node.id!r} has {len(children)} branches "
                               f"(positions 0 to {len(children) - 1})")
    labelled = [i for i, b in enumerate(node.branches) if b.label == ref]
    if len(labelled) == 1:
        return labelled[0]
    if labelled:
        raise UnknownNameError(f"{what}: {len(labelled)} branches of node {node.id!r} are labelled {ref!r}; "
                               "name one by its position: " + ", ".join(f"{node.id}.{i}" for i in labelled))
    raise UnknownNameError(f"{what}: node {node.id!r} has no branch to {ref!r} "
                           f"(its children: {', '.join(dict.fromkeys(children)) or 'none'})")

"""Names of the quantities an analyst may set: a parameter, or ``NODE.CHILD`` for a branch.

One resolver for ``--set``, sensitivity variables and settings columns, so every command
says the same thing about a name it does not know (with a suggestion).

>>> import scenarios
>>> s = scenarios.load("entry-deterrence")
>>> resolve_setting(s, "entry.response")
Setting(name='entry.response', node='entry', child='response')
>>> resolve_setting(s, "entry.fihgt", prefix="--set ")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
scenarios.errors.UnknownNameError: --set entry.fihgt: node 'entry' has no branch to 'fihgt' (its children: ...)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import UnknownNameError, did_you_mean

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Scenario

__all__ = ["Setting", "resolve_setting"]


@dataclass(frozen=True, slots=True)
class Setting:
    """A settable quantity: a parameter (``node`` None) or the branch ``node`` → ``child``."""

    name: str
    node: str | None = None
    child: str | None = None

    @property
    def is_branch(self) -> bool:
        return self.node is not None


def resolve_setting(scenario: Scenario, name: str, *, prefix: str = "") -> Setting:
    """The :class:`Setting` called ``name``; UnknownNameError (``prefix`` + name first) if none."""
    if not isinstance(name, str):
        raise TypeError(f"setting names are text, not {type(name).__name__}")
    if "." in name:
        node_id, child = name.split(".", 1)
        node = scenario.nodes.get(node_id)
        if node is None:
            raise UnknownNameError(f"{prefix}{name}: unknown node {node_id!r}{did_you_mean(node_id, scenario.nodes)}")
        if child not in node.children:
            raise UnknownNameError(f"{prefix}{name}: node {node_id!r} has no branch to {child!r} "
                                   f"(its children: {', '.join(node.children) or 'none'})")
        return Setting(name, node_id, child)
    if name not in scenario.parameters:
        raise UnknownNameError(f"{prefix}{name}: unknown parameter{did_you_mean(name, scenario.parameters)} "
                               "(use NODE.CHILD for a branch probability)")
    return Setting(name)

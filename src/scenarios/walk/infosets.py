"""What the acting actor knows at an information set: the view a student gets in a walk.

At a decision whose information set has several members (``infoset:``), the actor cannot
tell the members apart.  A walk (``scenarios play``, the HTML page) then shows the student
only what the actor knows:

* the set's narrative, which is its first member's (file order) label, text, quote and
  sources, at whichever member the walk is;
* of the steps taken so far, only those the actor could see: a step is *shown* when every
  member's path took the same node and branch at that depth, shown as an *action* (who did
  what, not the node's own label) when the members' paths took different nodes of the same
  actor by branches of the same label, and *hidden* otherwise (chance's pick of Russia's
  resolve, say);
* no path probability, accrued payoffs or backward-induction hint, which would tell the
  members apart.

The end of the walk may show everything: the reveal is hindsight by design.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Node, Scenario

__all__ = ["members", "narrative_node", "step_views", "SHOWN", "ACTION", "HIDDEN", "root_path"]

SHOWN, ACTION, HIDDEN = "shown", "action", "hidden"


def members(scenario: Scenario, node_id: str) -> tuple[str, ...]:
    """The members of ``node_id``'s information set (just ``node_id`` outside any named set)."""
    name = scenario.nodes[node_id].infoset
    if name is None:
        return (node_id,)
    return tuple(scenario.infosets.get(name, (node_id,)))


def hidden_set(scenario: Scenario, node_id: str) -> str | None:
    """The name of ``node_id``'s information set when it has several members, else None."""
    return scenario.nodes[node_id].infoset if len(members(scenario, node_id)) > 1 else None


def narrative_node(scenario: Scenario, node_id: str) -> Node:
    """The node whose label, text, quote and sources the student reads at ``node_id``."""
    return scenario.nodes[members(scenario, node_id)[0]]


def root_path(scenario: Scenario, node_id: str) -> list[tuple[str, int]]:
    """One path from the root to ``node_id`` as (node, branch position) steps (iterative).

    In a tree the path is unique; where branches converge the first parent found (file
    order) is taken.
    """
    parent: dict[str, tuple[str, int]] = {}
    for nid, node in scenario.nodes.items():
        for k, branch in enumerate(node.branches):
            parent.setdefault(branch.to, (nid, k))
    steps: list[tuple[str, int]] = []
    at, seen = node_id, {node_id}
    while at != scenario.root and at in parent:
        at, k = parent[at]
        if at in seen:  # a cycle cannot occur in a loaded scenario; stop rather than loop
            break
        seen.add(at)
        steps.append((at, k))
    steps.reverse()
    return steps


def step_views(scenario: Scenario, node_id: str, taken: Sequence[tuple[str, int]]) -> list[str]:
    """For each step ``taken`` (node, branch position) on the way to ``node_id``: SHOWN,
    ACTION or HIDDEN, as the actor deciding at ``node_id`` can see it (see the module)."""
    group = members(scenario, node_id)
    if len(group) == 1:
        return [SHOWN] * len(taken)
    others = [root_path(scenario, m) for m in group if m != node_id]
    views = []
    for depth, (at, k) in enumerate(taken):
        node = scenario.nodes[at]
        label = node.branches[k].label
        same_step = same_action = True
        for path in others:
            if depth >= len(path) or len(path) != len(taken):
                same_step = same_action = False
                break
            o_at, o_k = path[depth]
            other = scenario.nodes[o_at]
            same_step &= o_at == at and o_k == k
            same_action &= (other.actor == node.actor and node.actor is not None
                            and other.branches[o_k].label == label)
        views.append(SHOWN if same_step else ACTION if same_action else HIDDEN)
    return views

"""Gambit's extensive-form game format (``.efg``, "EFG 2 R"), for Gambit and pygambit.

The mapping:

- actors are the players, in the scenario's order (named by their ``name``);
- a decision node is a personal move of its actor, with an information set of its own,
  or, when it names a set of several nodes (``infoset:``), the set's: one Gambit
  information set per set, labelled with the set's name (which ``scenarios import``
  reads back as the name); the members' actions are written in the set's order;
- a chance node is a move of nature, its probabilities written as exact rationals where
  the numbers allow (``1/3`` rather than 0.3333333333333333, see
  :func:`~scenarios.export._shared.exact_fraction`), adjusted so each node's sum is
  exactly 1 as Gambit requires;
- a ``fixed`` decision is written as a move of nature with the belief weights: Gambit has
  no notion of a choice that is not optimized, and this keeps ``solve``'s semantics;
- payoffs accrued along a path (node and branch payoffs) are added into the outcome at
  the end of that path, so each terminal node carries the path's total payoff;
- the format describes a tree, so a DAG is unfolded: a node reached by several paths is
  written once per path (the copies' node labels are ``id#2``, ``id#3``...), each copy of
  a decision with its own information set (copies of a member of a shared set stay in
  it).  Nodes that cannot be reached from the root are left out.

Node labels are the scenario's node ids; the author's labels name the moves (information
sets) and outcomes.

Gambit (16.6 and later) wants labels of printable ASCII, single-spaced, non-empty and
unique (players and outcomes in the game, actions in a move): text is folded to ASCII
(accents dropped, typographic quotes and dashes replaced, other characters as ``?``),
labels without a letter or digit left fall back on the id, and repeats get the child's
id or ``#2``, ``#3``... appended.  Gambit's reader does not unescape backslashes, so a
backslash is written as ``/``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from ..errors import (
    EfgSizeError,  # noqa: F401  (defined in errors.py; importable here as before)
)
from ..kinds import KINDS
from ..model import Scenario
from ._shared import exact_fraction, numbers_of, printable

FORMAT = "efg"
SUFFIX = ".efg"
DESCRIPTION = "Gambit extensive-form game (opens in Gambit and pygambit)"

__all__ = ["export", "tree_size", "ascii_text", "MAX_TREE_NODES", "EfgSizeError"]

#: Refuse to unfold a DAG into a tree larger than this (the file would be unusable).
MAX_TREE_NODES = 1_000_000


def tree_size(scenario: Scenario) -> int:
    """Nodes of the tree the scenario unfolds into (one per root-to-node path).

    Counted from the outcomes up: a node's subtree is the node and its children's
    subtrees, a shared node's counted once for each branch to it (capped at 2**62).

    >>> import scenarios
    >>> tree_size(scenarios.load("entry-deterrence"))
    5
    """
    nodes = scenario.nodes
    size: dict[str, int] = {}
    stack: list[tuple[str, bool]] = [(scenario.root, False)]
    while stack:  # depth first; a node's size once all its children have theirs
        node_id, children_done = stack.pop()
        if node_id in size:
            continue
        branches = nodes[node_id].branches
        if children_done:
            size[node_id] = min(1 + sum(size[b.to] for b in branches), _MOST)
        else:
            stack.append((node_id, True))
            stack.extend((b.to, False) for b in branches if b.to not in size)
    return size[scenario.root]


#: The largest count tree_size reports.
_MOST = 2**62


# Typographic characters with a plain ASCII stand-in (Gambit reads ASCII only).
_ASCII = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
                        "\u00ab": '"', "\u00bb": '"', "\u2013": "-", "\u2014": "-", "\u2015": "-",
                        "\u2212": "-", "\u2026": "...", "\u2022": "*", "\u00d7": "x", "\u2192": "->",
                        "\u00a0": " ", "\u00df": "ss", "\u00e6": "ae", "\u00c6": "AE", "\u00f8": "o",
                        "\u00d8": "O", "\u0153": "oe", "\u0152": "OE", "\u0142": "l", "\u0141": "L"})
_NOT_ASCII = re.compile(r"[^\x20-\x7e\n]+")


def ascii_text(text: str) -> str:
    """``text`` in printable ASCII, as Gambit requires: accents dropped, typographic
    quotes and dashes replaced, anything else left as ``?``.

    >>> print(ascii_text("Kyiv’s “reading” – café, Київ"))
    Kyiv's "reading" - cafe, ?
    """
    folded = unicodedata.normalize("NFKD", printable(text).translate(_ASCII))
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return _NOT_ASCII.sub("?", folded)


def _quote(text: str) -> str:
    """A Gambit label: double quotes escaped, backslashes (unescapable there) as '/'."""
    return '"' + ascii_text(text).replace("\\", "/").replace('"', '\\"') + '"'


def _label(text: str, fallback: str = "") -> str:
    """One line of ASCII, single spaces; ``fallback`` if no letter or digit is left."""
    label = " ".join(ascii_text(text).replace("\\", "/").split())
    return label if any(c.isalnum() for c in label) or not fallback else fallback


def _number(x: float) -> str:
    """A payoff: an integer, a short decimal, or an exact rational."""
    if float(x).is_integer():
        return str(int(x))
    text = repr(float(x))
    if len(text) <= 8 and "e" not in text:
        return text
    f = exact_fraction(x)
    return f"{f.numerator}/{f.denominator}" if f.denominator != 1 else str(f.numerator)


def _probabilities(values: list[float]) -> list[str]:
    """Exact rationals summing to exactly 1 (the largest absorbs rounding left over)."""
    fractions = [exact_fraction(v) if v > 0 else Fraction(0) for v in values]
    left = 1 - sum(fractions)
    if left:
        k = max(range(len(values)), key=lambda i: values[i])
        fractions[k] += left
    return [str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}" for f in fractions]


def _unique(labels: list[str], fallback: list[str]) -> list[str]:
    """Non-empty, unique labels: empty ones take the fallback, repeats get it appended.

    >>> _unique(["Same", "Same", "", "Same (b)"], ["a", "b", "c", "d"])
    ['Same (a)', 'Same (b)', 'c', 'Same (b) #2']
    """
    out = [label if label.strip() else fb for label, fb in zip(labels, fallback, strict=False)]
    counts: dict[str, int] = {}
    for label in out:
        counts[label] = counts.get(label, 0) + 1
    out = [f"{label} ({fb})" if counts[label] > 1 else label for label, fb in zip(out, fallback, strict=False)]
    taken: set[str] = set()
    return [_fresh(label, taken) for label in out]


def _fresh(label: str, taken: set[str]) -> str:
    """``label``, or ``label #2``, ``#3``... whichever is not yet in ``taken`` (then taken)."""
    candidate, k = label, 1
    while candidate in taken:
        k += 1
        candidate = f"{label} #{k}"
    taken.add(candidate)
    return candidate


def export(scenario: Scenario, *, overrides: Mapping[str, Any] | None = None,
           max_nodes: int = MAX_TREE_NODES) -> str:
    """The scenario as a Gambit ``.efg`` file (text).

    Parameters
    ----------
    scenario : Scenario
    overrides : mapping, optional
        ``--set`` values (parameters or ``NODE.CHILD``) to bind before writing.
    max_nodes : int
        Largest tree to write when unfolding a DAG.

    Returns
    -------
    str

    Raises
    ------
    EfgSizeError
        if the unfolded tree would have more than ``max_nodes`` nodes.
    UnknownNameError, ProbabilityError, ExpressionError
        for bad ``overrides``.

    Examples
    --------
    >>> import scenarios
    >>> print(export(scenarios.load("entry-deterrence")))  # doctest: +ELLIPSIS
    EFG 2 R "Entry deterrence" { "Entrant" "Incumbent" }
    "..."
    <BLANKLINE>
    p "entry" 1 1 "Enter the market?" { "Stay out" "Enter" } 0
    t "stay_out" 1 "Entrant stays out" { 0, 2 }
    p "response" 2 1 "Fight or accommodate?" { "Fight (price war)" "Accommodate (share the market)" } 0
    t "war" 2 "Price war" { -1, -1 }
    t "share" 3 "Shared market" { 1, 1 }
    <BLANKLINE>
    """
    size = tree_size(scenario)
    if size > max_nodes:
        raise EfgSizeError(
            f"{scenario.id}: error: the efg format describes a tree, and unfolding this scenario's "
            f"shared nodes would make {size:,} nodes (more than {max_nodes:,}); export a smaller "
            "scenario or use graphml/gexf, which keep the graph as it is")
    numbers = numbers_of(scenario, overrides)
    actors = list(scenario.actors)
    player_number = {key: i + 1 for i, key in enumerate(actors)}
    players = _unique([_label(a.name, _label(key, f"Player {i + 1}"))
                       for i, (key, a) in enumerate(scenario.actors.items())],
                      [_label(key, f"player {i + 1}") for i, key in enumerate(actors)])

    # Gambit's players maximise: an actor that minimises its payoff (a cost) is written negated.
    sign = {key: -1.0 if a.minimize or (a.criterion is not None and a.criterion.kind == "measure"
                                        and a.measures[a.criterion.measure or ""].minimize) else 1.0
            for key, a in scenario.actors.items()}
    comment = [scenario.summary or "", f"Exported from scenario '{scenario.id}' by scenarios. Fixed "
               "decisions are chance moves with the belief weights; payoffs accrued along a path "
               "are included in its outcome." + (" Payoffs of actors that minimise (costs) are negated, so "
                                                 "every player maximises." if -1.0 in sign.values() else "")]
    lines = [f"EFG 2 R {_quote(_label(scenario.title, scenario.id))} "
             f"{{ {' '.join(_quote(p) for p in players)} }}",
             _quote("\n\n".join(c for c in comment if c)), ""]

    infosets = {key: 0 for key in actors}
    set_numbers: dict[str, tuple[int, str]] = {}  # a shared set's number and label, once numbered
    chance_infosets = 0
    outcomes = 0
    copies: dict[str, int] = {}
    # Gambit wants node and outcome labels unique in the game, and we keep information-set
    # labels unique per player: the id (with #k for the k-th copy of a shared node) names
    # the node, the author's label names its move or outcome.
    used: dict[Any, set[str]] = {}

    def unique(scope, text: str) -> str:
        return _fresh(text, used.setdefault(scope, set()))
    zero = [0.0] * len(actors)
    # Depth-first, children in branch order: the preorder the format is written in.
    stack: list[tuple[str, list[float]]] = [(scenario.root, zero)]
    while stack:
        node_id, accrued = stack.pop()
        node = scenario.nodes[node_id]
        own = numbers.node_payoffs[node_id]
        total = [accrued[j] + sign[a] * own[a] for j, a in enumerate(actors)]
        copies[node_id] = copies.get(node_id, 0) + 1
        name = node_id if copies[node_id] == 1 else f"{node_id}#{copies[node_id]}"
        text = _label(node.label, node_id)
        if not KINDS[node.kind].has_branches:
            outcomes += 1
            values = ", ".join(_number(v) for v in total)
            lines.append(f"t {_quote(name)} {outcomes} {_quote(unique('outcome', text))} {{ {values} }}")
            continue
        actions = _unique([_label(b.label, b.to) for b in node.branches], [b.to for b in node.branches])
        if KINDS[node.kind].has_actor and not node.fixed:
            actor = node.actor
            assert actor is not None  # a decision always has an actor
            shared = node.infoset if node.infoset is not None and len(scenario.infosets[node.infoset]) > 1 else None
            if shared is None or shared not in set_numbers:
                infosets[actor] += 1
                move = unique(actor, text if shared is None else _label(shared, shared))
                if shared is not None:  # one information set for every member (and copy)
                    set_numbers[shared] = (infosets[actor], move)
            number, move = set_numbers[shared] if shared is not None else (infosets[actor], move)
            listed = " ".join(_quote(a) for a in actions)
            lines.append(f"p {_quote(name)} {player_number[actor]} {number} {_quote(move)} {{ {listed} }} 0")
        else:
            chance_infosets += 1
            probabilities = _probabilities(numbers.p[node_id])
            listed = " ".join(f"{_quote(a)} {q}" for a, q in zip(actions, probabilities, strict=False))
            lines.append(f"c {_quote(name)} {chance_infosets} {_quote(unique(None, text))} {{ {listed} }} 0")
        for i in range(len(node.branches) - 1, -1, -1):
            branch = node.branches[i]
            paid = numbers.branch_payoffs[node_id][i]
            stack.append((branch.to, [total[j] + sign[a] * paid[a] for j, a in enumerate(actors)]))
    return "\n".join(lines) + "\n"

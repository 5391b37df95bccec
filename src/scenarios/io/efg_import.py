"""Read a Gambit extensive-form game (``.efg``) of perfect information as a scenario.

The mapping is the inverse of :mod:`scenarios.export.efg`: players become actors,
personal moves decision nodes, chance moves chance nodes with their probabilities, and
terminal nodes outcomes with their payoffs; an outcome attached to a non-terminal node
becomes that node's (accrued) payoff.  Exact rationals that are not exact in binary
floating point (``1/3``) are kept as expressions (``"1/3"``), so nothing is rounded in
the file.

A player's information set of several nodes becomes a named set (``infoset:`` on each
member, named by the set's label, or ``PLAYER_setN``); the scenario's rules of sets (one
player, the same actions, perfect recall) are checked as for any file, and a problem is
reported at the ``.efg`` entry of the node it names (chance nodes may share an
information set; they share its probabilities).  Every problem is reported as
``FILE:LINE:COL: error: MESSAGE``.

The format is documented with Gambit ("The extensive game (.efg) file format"); this
reader follows it: ``EFG 2 R "title" { "player" ... } "comment"``, then one node per
entry in depth-first order, ``c``/``p``/``t`` with labels, information-set numbers,
actions (and probabilities) and outcomes (with payoffs at their first appearance).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..errors import Diagnostic, ScenarioFileError
from ..model import Scenario
from .files import InputFileError, read_text_file

__all__ = ["parse_efg", "load_efg", "loads_efg", "EfgNode"]

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?(/\d+)?\Z")
_NODE_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
# Gambit escapes only the double quote inside labels (\"); any other backslash is literal.
# (A backslash and the character after it are one unit, so matching never backtracks.)
_TOKEN = re.compile(r'(?P<space>[\s,]+)|(?P<string>"(?:[^"\\]|\\.)*")|(?P<open>")|(?P<brace>[{}])'
                    r'|(?P<word>[^\s{}",]+)', re.S)



def _shown(text: str, limit: int = 40) -> str:
    """``text`` quoted for a message, cut to ``limit`` characters (inputs can be huge)."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + f"… ({len(text):,} characters)"

@dataclass
class _Token:
    kind: str  # "string", "word", "{", "}", "end"
    text: str
    line: int
    col: int


@dataclass
class EfgNode:
    """One node as read: kind ``c``/``p``/``t`` and where it was in the file."""

    kind: str
    label: str
    line: int
    col: int
    title: str = ""  # the information set's label (moves) or the outcome's (terminal)
    player: int = 0  # 1-based for personal nodes
    infoset: int = 0
    outcome: int = 0
    children: list[int] = field(default_factory=list)


class _Reader:
    def __init__(self, text: str, filename: str):
        self.filename = filename
        self.tokens = list(self._tokenize(text))
        self.at = 0

    def error(self, token: _Token, message: str, code: str = "efg") -> ScenarioFileError:
        return ScenarioFileError([Diagnostic(self.filename, token.line, token.col, "error", code, message)])

    def _tokenize(self, text: str):
        """Tokens with 1-based line and column, by one regular expression (fast on big files)."""
        line, line_start = 1, 0
        for match in _TOKEN.finditer(text):
            kind = match.lastgroup
            start = match.start()
            if kind == "space":
                breaks = match.group().count("\n")
                if breaks:
                    line += breaks
                    line_start = match.group().rfind("\n") + start + 1
                continue
            col = start - line_start + 1
            if kind == "string":
                body = match.group()[1:-1]
                yield _Token("string", body.replace('\\"', '"'), line, col)  # only quotes are escaped
                breaks = body.count("\n")
                if breaks:
                    line += breaks
                    line_start = start + 1 + body.rfind("\n") + 1
            elif kind == "open":
                raise ScenarioFileError([Diagnostic(self.filename, line, col, "error", "efg",
                                                    "text label never closed (missing '\"')")])
            else:
                yield _Token(match.group() if kind == "brace" else "word", match.group(), line, col)
        yield _Token("end", "", line, len(text) - line_start + 1)

    # -- token helpers --------------------------------------------------------------------
    def peek(self) -> _Token:
        return self.tokens[self.at]

    def take(self) -> _Token:
        token = self.tokens[self.at]
        if token.kind != "end":
            self.at += 1
        return token

    def expect(self, kind: str, what: str) -> _Token:
        token = self.take()
        if token.kind != kind:
            found = "the end of the file" if token.kind == "end" else _shown(token.text)
            raise self.error(token, f"expected {what}, found {found}")
        return token

    def integer(self, what: str) -> tuple[int, _Token]:
        token = self.take()
        if token.kind != "word" or not re.fullmatch(r"\d+", token.text):
            found = "the end of the file" if token.kind == "end" else _shown(token.text)
            raise self.error(token, f"expected {what} (a whole number), found {found}")
        if len(token.text) > 18:  # past any real game, and past Python's int conversion limit
            raise self.error(token, f"{what} {_shown(token.text)} is too large")
        return int(token.text), token

    def number(self, what: str) -> tuple[Fraction, str, _Token]:
        token = self.take()
        if token.kind != "word" or not _NUMBER.match(token.text):
            found = "the end of the file" if token.kind == "end" else _shown(token.text)
            raise self.error(token, f"expected {what} (a number such as 2, -1.5 or 1/3), found {found}")
        if len(token.text) > 1000:  # Fraction() of thousands of digits: slow, then refused
            raise self.error(token, f"{what} {_shown(token.text)} has too many digits")
        try:
            value = Fraction(token.text)
        except (ValueError, ZeroDivisionError):
            raise self.error(token, f"{what} {_shown(token.text)} is not a number") from None
        return value, token.text, token

    def optional_string(self) -> str | None:
        if self.peek().kind == "string":
            return self.take().text
        return None


def _value(fraction: Fraction, text: str) -> int | float | str:
    """A number for the scenario file: int, float when exact enough, else ``"p/q"`` text."""
    if fraction.denominator == 1:
        return int(fraction)
    if "/" not in text or Fraction(float(fraction)) == fraction:
        return float(fraction)  # a decimal as written, or a binary-exact fraction (1/4)
    return f"{fraction.numerator}/{fraction.denominator}"


def _slug(text: str, fallback: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", text.strip()).strip("_-").lower()[:40].strip("_-")
    if not slug:
        return fallback
    if not re.match(r"[A-Za-z_]", slug):
        slug = f"{fallback[0]}_{slug}"
    return slug


def _unique(base: str, taken: set[str]) -> str:
    name, k = base, 1
    while name in taken:
        k += 1
        name = f"{base}_{k}"
    taken.add(name)
    return name


def parse_efg(text: str, filename: str = "<string>", *, positions: list[tuple[int, int]] | None = None) -> dict:
    """Parse ``.efg`` text into scenario data (plain dict, file format v1).

    Raises
    ------
    ScenarioFileError
        for malformed text, with the line and column of the problem.

    Examples
    --------
    >>> data = parse_efg('''EFG 2 R "Coin" { "Bettor" }
    ... c "flip" 1 "" { "Heads" 1/3 "Tails" 2/3 } 0
    ... t "heads" 1 "win" { 1 }
    ... t "tails" 2 "lose" { -1 }
    ... ''')
    >>> data["actors"], data["nodes"]["flip"]["branches"][0]
    ({'bettor': {'name': 'Bettor'}}, {'to': 'heads', 'label': 'Heads', 'p': '1/3'})
    """
    reader = _Reader(text, filename)
    head = reader.take()
    if head.kind != "word" or head.text != "EFG":
        raise reader.error(head, "not a Gambit extensive-form game: the file must start with 'EFG 2 R'")
    version = reader.take()
    if version.text != "2":
        raise reader.error(version, f"unsupported .efg version {version.text!r} (only version 2 is read)")
    kind = reader.take()
    if kind.text not in ("R", "D"):
        raise reader.error(kind, f"expected 'R' or 'D' after 'EFG 2', found {kind.text!r}")
    title = reader.expect("string", "the game's title in double quotes").text
    reader.expect("{", "'{' opening the list of players")
    players: list[str] = []
    while reader.peek().kind == "string":
        players.append(reader.take().text)
    reader.expect("}", "'}' closing the list of players (each player's name in double quotes)")
    comment = reader.optional_string() or ""

    nodes: list[EfgNode] = []
    actions: dict[tuple[int, int], tuple[list[str], list[tuple[Fraction, str]] | None, EfgNode]] = {}
    outcomes: dict[int, tuple[str, list[tuple[Fraction, str]]]] = {}
    members: dict[tuple[int, int], list[EfgNode]] = {}
    open_slots: list[list[int]] = []  # [node index, children still expected]
    while reader.peek().kind != "end":
        token = reader.take()
        if token.kind != "word" or token.text not in ("c", "p", "t"):
            raise reader.error(token, f"expected a node ('c' chance, 'p' personal or 't' terminal), "
                               f"found {_shown(token.text)}")
        if not open_slots and nodes:
            raise reader.error(token, "extra node after the game tree is complete")
        label = reader.expect("string", "the node's label in double quotes").text
        node = EfgNode(token.text, label, token.line, token.col)
        if node.kind == "p":
            node.player, player_token = reader.integer("the player number")
            if not 1 <= node.player <= len(players):
                raise reader.error(player_token, f"player {node.player} does not exist (the game has "
                                   f"{len(players)} player(s))")
        if node.kind in ("c", "p"):
            node.infoset, infoset_token = reader.integer("the information set number")
            key = (node.player, node.infoset)  # player 0 is chance
            infoset_label = reader.optional_string()
            listed: list[str] | None = None
            probabilities: list[tuple[Fraction, str]] | None = None
            if reader.peek().kind == "{":
                reader.take()
                listed, probabilities = [], []
                while reader.peek().kind == "string":
                    listed.append(reader.take().text)
                    if node.kind == "c":
                        value, raw, where = reader.number(f"the probability of action {listed[-1]!r}")
                        if not 0 <= value <= 1:
                            raise reader.error(where, f"probability {raw} of action {listed[-1]!r} is "
                                               "outside [0, 1]")
                        probabilities.append((value, raw))
                reader.expect("}", "'}' closing the list of actions (each action's name in double quotes"
                              + (", then its probability)" if node.kind == "c" else ")"))
                if not listed:
                    raise reader.error(token, "a move needs at least one action")
                if node.kind == "c" and sum(v for v, _ in probabilities) != 1:
                    total = sum(v for v, _ in probabilities)
                    raise reader.error(token, f"chance move {label or infoset_label or ''!r}: probabilities "
                                       f"sum to {total}, not exactly 1")
            if key in actions:
                known = actions[key][0]
                if listed is not None and listed != known:
                    raise reader.error(infoset_token, f"information set {node.infoset} is listed again with "
                                       "different actions")
            elif listed is None:
                raise reader.error(infoset_token, f"information set {node.infoset} appears for the first "
                                   "time without its list of actions")
            else:
                actions[key] = (listed, probabilities if node.kind == "c" else None, node)
            members.setdefault(key, []).append(node)
            node.title = infoset_label or ""
        node.outcome, outcome_token = reader.integer("the outcome number")
        outcome_name = reader.optional_string()
        payoffs = None
        if reader.peek().kind == "{":
            reader.take()
            payoffs = []
            while reader.peek().kind == "word":
                value, raw, _ = reader.number("a payoff")
                payoffs.append((value, raw))
            reader.expect("}", "'}' closing the payoffs")
            if len(payoffs) != len(players):
                raise reader.error(outcome_token, f"outcome {node.outcome} has {len(payoffs)} payoff(s); the "
                                   f"game has {len(players)} player(s)")
        if node.outcome:
            if node.outcome not in outcomes:
                if payoffs is None:
                    raise reader.error(outcome_token, f"outcome {node.outcome} appears for the first time "
                                       "without its payoffs")
                outcomes[node.outcome] = (outcome_name or "", payoffs)
            elif payoffs is not None and [v for v, _ in payoffs] != [v for v, _ in outcomes[node.outcome][1]]:
                raise reader.error(outcome_token, f"outcome {node.outcome} is listed again with different "
                                   "payoffs")
        if node.kind == "t":
            node.title = outcome_name or outcomes.get(node.outcome, ("",))[0]
        index = len(nodes)
        nodes.append(node)
        if open_slots:
            parent = open_slots[-1]
            nodes[parent[0]].children.append(index)
            parent[1] -= 1
            if parent[1] == 0:
                open_slots.pop()
        if node.kind != "t":
            open_slots.append([index, len(actions[(node.player, node.infoset)][0])])
    end = reader.peek()
    if not nodes:
        raise reader.error(end, "the game has no nodes")
    if open_slots:
        waiting = nodes[open_slots[-1][0]]
        raise reader.error(end, f"the file ends before the tree is complete: the node at line {waiting.line} "
                           f"still needs {open_slots[-1][1]} more child node(s)")

    shared = {key: group for key, group in members.items() if key[0] > 0 and len(group) > 1}
    if positions is not None:  # where each node (in the order of the scenario's nodes) was written
        positions.extend((node.line, node.col) for node in nodes)
    return _scenario_data(title, comment, players, nodes, actions, outcomes, shared)


def _scenario_data(title, comment, players, nodes, actions, outcomes, shared) -> dict:
    taken: set[str] = set()
    actor_keys = [_unique(_slug(name, f"player{i + 1}"), taken) for i, name in enumerate(players)]
    data: dict[str, Any] = {"title": title or "Imported game"}
    if comment.strip():
        data["summary"] = comment.strip()
    data["actors"] = {key: ({"name": name} if name and name != key else {})
                      for key, name in zip(actor_keys, players, strict=False)}

    def payoff_map(outcome: int) -> dict:
        if not outcome:
            return {}
        return {key: _value(v, raw) for key, (v, raw) in zip(actor_keys, outcomes[outcome][1], strict=False)}

    taken_ids: set[str] = set()
    fallback = {"c": "chance", "p": "decision", "t": "outcome"}
    # The id comes from the node's label, the shown label from its move's or outcome's
    # label (how scenarios.export.efg writes them), each falling back on the other.
    ids, shown = [], []
    for i, node in enumerate(nodes):
        name = node.label.strip() or node.title.strip()
        base = name if _NODE_ID.match(name) else _slug(name, f"{fallback[node.kind]}{i + 1}")
        ids.append(_unique(base, taken_ids))
        shown.append(node.title.strip() or node.label.strip())
    # A player's information set of several nodes becomes a named set (infoset: NAME): named
    # by its label where it has one, else by the player and the set's number.
    set_names: dict[tuple[int, int], str] = {}
    for key, group in shared.items():
        label = group[0].title.strip()
        base = _slug(label, "set") if label else f"{actor_keys[key[0] - 1]}_set{key[1]}"
        set_names[key] = _unique(base, taken_ids)
    data["nodes"] = {}
    for i, node in enumerate(nodes):
        entry: dict[str, Any] = {"kind": {"c": "chance", "p": "decision", "t": "outcome"}[node.kind]}
        if node.kind == "p":
            entry["actor"] = actor_keys[node.player - 1]
            if (node.player, node.infoset) in set_names:
                entry["infoset"] = set_names[(node.player, node.infoset)]
        if shown[i] and shown[i] != ids[i]:
            entry["label"] = shown[i]
        payoffs = payoff_map(node.outcome)
        if payoffs:
            entry["payoffs"] = payoffs
        if node.kind != "t":
            names, probabilities, _ = actions[(node.player, node.infoset)]
            if (node.player, node.infoset) in set_names:  # members need the same, distinct labels
                names = _distinct_labels(names)
            branches = []
            for k, child in enumerate(node.children):
                branch: dict[str, Any] = {"to": ids[child]}
                if names[k].strip():
                    branch["label"] = names[k]
                if probabilities is not None:
                    branch["p"] = _value(*probabilities[k])
                branches.append(branch)
            entry["branches"] = branches
        data["nodes"][ids[i]] = entry
    return data


def _at_nodes(exc: ScenarioFileError, filename: str, data: dict,
              positions: list[tuple[int, int]]) -> ScenarioFileError:
    """``exc`` with each problem placed at the ``.efg`` entry of the first node it names."""
    ids = list(data["nodes"])
    moved = []
    for d in exc.diagnostics:
        named = [n for n in re.findall(r"'([^']+)'", d.message) if n in data["nodes"]]
        line, col = positions[ids.index(named[0])] if named else (1, 1)
        moved.append(Diagnostic(filename, line, col, d.severity, d.code, d.message))
    return ScenarioFileError(moved)


def _distinct_labels(names: list[str]) -> list[str]:
    """Action names made non-empty and distinct ("Wait", "Wait (2)"; "" -> "action 1")."""
    out: list[str] = []
    for k, name in enumerate(names):
        label = name.strip() or f"action {k + 1}"
        base, n = label, 2
        while label in out:
            label, n = f"{base} ({n})", n + 1
        out.append(label)
    return out


def loads_efg(text: str, *, filename: str = "<string>", id: str | None = None) -> Scenario:
    """Parse ``.efg`` text and validate the result as a :class:`~scenarios.Scenario`.

    Raises
    ------
    ScenarioFileError
        as :func:`parse_efg`.
    """
    positions: list[tuple[int, int]] = []
    data = parse_efg(text, filename, positions=positions)
    data = {"title": data.pop("title"), "id": id or "imported-game", **data}
    try:
        return Scenario.from_dict(data, filename=filename)
    except ScenarioFileError as exc:  # a set without perfect recall, say: at the .efg node's entry
        raise _at_nodes(exc, filename, data, positions) from None


def load_efg(path: str | os.PathLike, *, id: str | None = None) -> Scenario:
    """Read a ``.efg`` file as a scenario (``id`` defaults to the file name's stem).

    Raises
    ------
    ScenarioFileError
        if the file cannot be read, is malformed, or breaks a rule of information sets
        (an actor that forgets what it knew: no perfect recall).
    """
    path = Path(path)
    try:
        text = read_text_file(path)
    except InputFileError as exc:
        raise ScenarioFileError([Diagnostic(str(path), 1, 1, "error", exc.code, str(exc))]) from None
    return loads_efg(text, filename=str(path), id=id or _slug(path.stem, "imported-game"))

"""Build a scenario in Python, validated exactly like a file.

:class:`ScenarioBuilder` collects actors, parameters, sources, nodes and branches as plain
data in the file format, and :meth:`ScenarioBuilder.build` passes that data through the
same validation as a YAML file (:func:`scenarios.io.build.build_scenario`): the same rules,
the same messages and codes, all problems reported at once.  Only the location differs: a
file's ``LINE:COL`` becomes the Python line that added the offending piece, plus the piece
itself, e.g. ``make_game.py:14: node 'response', branch 2: error: ...``.

Examples
--------
>>> from scenarios import ScenarioBuilder
>>> b = ScenarioBuilder("Entry deterrence", id="entry")
>>> b.actor("entrant", "Entrant").actor("incumbent", "Incumbent")
ScenarioBuilder('Entry deterrence', actors=2, parameters=0, nodes=0)
>>> b.decision("entry", actor="entrant").branch("stay_out", label="Stay out").branch("response", label="Enter")
NodeBuilder('entry', kind='decision', branches=2)
>>> b.decision("response", actor="incumbent").branch("war", label="Fight").branch("share", label="Accommodate")
NodeBuilder('response', kind='decision', branches=2)
>>> _ = b.outcome("stay_out", payoffs={"entrant": 0, "incumbent": 2})
>>> _ = b.outcome("war", payoffs={"entrant": -1, "incumbent": -1})
>>> _ = b.outcome("share", payoffs={"entrant": 1, "incumbent": 1})
>>> s = b.build()
>>> s.solve().choices
{'entry': 'response', 'response': 'share'}
"""

from __future__ import annotations

import copy
import numbers
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import Diagnostic, ScenarioFileError

if TYPE_CHECKING:  # pragma: no cover
    from types import FrameType

    from .model import Scenario

__all__ = ["ScenarioBuilder", "NodeBuilder", "BuilderDiagnostic", "BUILDER"]

#: The file name of builder diagnostics whose Python call site is unknown.
BUILDER = "<builder>"
_HERE = os.path.normcase(os.path.abspath(__file__))


@dataclass(frozen=True, slots=True)
class BuilderDiagnostic(Diagnostic):
    """A :class:`~scenarios.errors.Diagnostic` located in Python code, not in a file.

    ``file`` and ``line`` are the Python call that added the offending piece (``col`` is
    0), ``where`` names the piece (``node 'x', branch 2``).

    Examples
    --------
    >>> d = BuilderDiagnostic("make.py", 7, 0, "error", "unknown-node", "branch to unknown node 'y'",
    ...                       where="node 'x', branch 1")
    >>> str(d)
    "make.py:7: node 'x', branch 1: error: branch to unknown node 'y'"
    >>> str(BuilderDiagnostic(BUILDER, 0, 0, "error", "type", "bad", where="node 'x'"))
    "<builder>:node 'x': error: bad"
    """

    where: str = ""

    @property
    def location(self) -> str:
        if self.file == BUILDER or self.line <= 0:
            return f"{BUILDER}:{self.where}" if self.where else BUILDER
        return f"{self.file}:{self.line}: {self.where}" if self.where else f"{self.file}:{self.line}"

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.message}"


def _call_site() -> tuple[str, int]:
    """File and line of the nearest caller outside this module."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and os.path.normcase(os.path.abspath(frame.f_code.co_filename)) == _HERE:
        frame = frame.f_back
    if frame is None:  # pragma: no cover - always called from somewhere
        return BUILDER, 0
    return frame.f_code.co_filename, frame.f_lineno


def _plain(value: Any) -> Any:
    """Python values → the plain data a YAML file would hold.

    Real numbers (numpy scalars, Fractions) become float, expressions their text, REST
    ``"rest"``; tuples and sets become lists.  Anything else is left for validation to
    report exactly as it would in a file.
    """
    from .expressions import Expression
    from .model import REST

    if value is REST:
        return "rest"
    if isinstance(value, Expression):
        return value.source
    if isinstance(value, bool) or value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _set(entry: dict, key: str, value: Any, *, default: Any = None) -> None:
    if value is not default:
        entry[key] = _plain(value)


class NodeBuilder:
    """A node being built; :meth:`branch` adds branches and returns the node for chaining."""

    __slots__ = ("_owner", "id", "_entry")

    def __init__(self, owner: ScenarioBuilder, node_id: str, entry: dict):
        self._owner = owner
        self.id = node_id
        self._entry = entry

    @property
    def kind(self) -> Any:
        return self._entry.get("kind")

    def branch(self, to: str, *, label: str | None = None, p: Any = None,
               payoffs: Mapping[str, Any] | None = None, text: str | None = None) -> NodeBuilder:
        """Add a branch to node ``to`` (which may be added later).

        Several branches of one node may lead to the same child (give them different labels).

        Parameters
        ----------
        to : str
            Id of the child node.
        label : str, optional
            Text on the edge; defaults to the child's label.
        p : float, str or REST, optional
            Probability (chance) or belief weight (decision): a number, a parameter name,
            an expression, or ``"rest"``.
        payoffs : mapping, optional
            Actor → number or expression, accrued by paths taking this branch.
        text : str, optional
            Narrative shown when a student takes the branch.

        Returns
        -------
        NodeBuilder
            This node, so calls chain.
        """
        entry: dict[str, Any] = {"to": _plain(to)}
        _set(entry, "label", label)
        _set(entry, "p", p)
        _set(entry, "payoffs", payoffs)
        _set(entry, "text", text)
        branches = self._entry.setdefault("branches", [])
        self._owner._sites[("nodes", self.id, "branches", len(branches))] = _call_site()
        branches.append(entry)
        return self

    def __repr__(self) -> str:
        return f"NodeBuilder({self.id!r}, kind={self.kind!r}, branches={len(self._entry.get('branches', []))})"


class ScenarioBuilder:
    """Collects a scenario piece by piece; :meth:`build` validates and returns it.

    Parameters
    ----------
    title : str
        Human title.
    id, summary, as_of, root : str, optional
        As the top-level keys of a file (``root`` defaults to the first node added).

    See Also
    --------
    scenarios.loads : the same validation, for text.
    """

    def __init__(self, title: str, *, id: str | None = None, summary: str | None = None,
                 as_of: str | None = None, root: str | None = None):
        self._data: dict[str, Any] = {"title": _plain(title)}
        _set(self._data, "id", id)
        _set(self._data, "summary", summary)
        _set(self._data, "as_of", as_of)
        _set(self._data, "root", root)
        self._sites: dict[tuple, tuple[str, int]] = {(): _call_site()}
        self._duplicates: list[BuilderDiagnostic] = []

    def __repr__(self) -> str:
        counts = ", ".join(f"{section}={len(self._data.get(section) or {})}"
                           for section in ("actors", "parameters", "nodes"))
        return f"ScenarioBuilder({self._data.get('title')!r}, {counts})"

    # -- sections ---------------------------------------------------------------------------
    def _add(self, section: str, key: Any, entry: Any, what: str) -> None:
        table = self._data.setdefault(section, {})
        site = _call_site()
        if key in table:
            first = self._sites.get((section, key), (BUILDER, 0))
            self._duplicates.append(BuilderDiagnostic(
                site[0], site[1], 0, "error", "duplicate-key",
                f"duplicate {what} {key!r} (first added at {first[0]}:{first[1]}); a file would "
                "silently keep only the last", where=f"{what} {key!r}"))
            return
        table[key] = entry
        self._sites[(section, key)] = site

    def source(self, key: str, title: str, *, publisher: str | None = None, date: str | None = None,
               url: str | None = None, note: str | None = None) -> ScenarioBuilder:
        """Add a source that nodes can cite by ``key``."""
        entry: dict[str, Any] = {"title": _plain(title)}
        for name, value in (("publisher", publisher), ("date", date), ("url", url), ("note", note)):
            _set(entry, name, value)
        self._add("sources", key, entry, "source")
        return self

    def actor(self, key: str, name: str | None = None, *, color: str | None = None,
              description: str | None = None) -> ScenarioBuilder:
        """Add an actor (``name`` defaults to ``key``; ``color`` is any matplotlib colour)."""
        entry: dict[str, Any] = {}
        _set(entry, "name", name)
        _set(entry, "color", color)
        _set(entry, "description", description)
        self._add("actors", key, entry, "actor")
        return self

    def parameter(self, name: str, value: Any, *, low: float | None = None, high: float | None = None,
                  dist: Mapping[str, Any] | tuple | None = None,
                  description: str | None = None) -> ScenarioBuilder:
        """Add a parameter usable in expressions.

        ``dist`` is a mapping as in a file (``{"beta": [3, 7]}``) or a tuple
        ``("beta", 3, 7)``.
        """
        if isinstance(dist, tuple) and dist and isinstance(dist[0], str):
            kind, *args = dist
            dist = {kind: args[0] if kind == "fixed" and len(args) == 1 else args}
        extra: dict[str, Any] = {}
        for key, item in (("low", low), ("high", high), ("dist", dist), ("description", description)):
            _set(extra, key, item)
        entry = {"value": _plain(value), **extra} if extra else _plain(value)
        self._add("parameters", name, entry, "parameter")
        return self

    # -- nodes ------------------------------------------------------------------------------
    def _node(self, node_id: str, kind: str, fields: dict[str, Any],
              branches: Iterable[Mapping[str, Any]] | None) -> NodeBuilder:
        entry: dict[str, Any] = {"kind": kind}
        for key, value in fields.items():
            if key in ("fixed", "historical"):
                if value is not False:
                    entry[key] = _plain(value)
            elif key in ("tags", "source"):
                if value:
                    entry[key] = [value] if isinstance(value, str) else _plain(list(value))
            else:
                _set(entry, key, value)
        self._add("nodes", node_id, entry, "node")
        node = NodeBuilder(self, node_id, entry)
        for branch in branches or ():
            if isinstance(branch, Mapping):
                node.branch(**branch)
            else:
                raise TypeError(f"node {node_id!r}: each of 'branches' must be a mapping like "
                                f"{{'to': ..., 'p': ...}}, not {type(branch).__name__}")
        return node

    def decision(self, id: str, *, actor: str, label: str | None = None, text: str | None = None,
                 fixed: bool = False, payoffs: Mapping[str, Any] | None = None, tags: Iterable[str] = (),
                 source: str | Iterable[str] = (), quote: str | None = None, historical: bool = False,
                 branches: Iterable[Mapping[str, Any]] | None = None, infoset: str | None = None) -> NodeBuilder:
        """Add a decision node owned by ``actor``; add its options with ``.branch(...)``.
        ``infoset`` names its information set (see docs/scenario-format.md)."""
        return self._node(id, "decision", dict(actor=actor, fixed=fixed, infoset=infoset, label=label, text=text,
                                               source=source, quote=quote, historical=historical,
                                               tags=tags, payoffs=payoffs), branches)

    def chance(self, id: str, *, label: str | None = None, text: str | None = None,
               payoffs: Mapping[str, Any] | None = None, tags: Iterable[str] = (),
               source: str | Iterable[str] = (), quote: str | None = None, historical: bool = False,
               branches: Iterable[Mapping[str, Any]] | None = None) -> NodeBuilder:
        """Add a chance node; every branch needs ``p`` (or one ``"rest"``)."""
        return self._node(id, "chance", dict(label=label, text=text, source=source, quote=quote,
                                             historical=historical, tags=tags, payoffs=payoffs), branches)

    def outcome(self, id: str, *, payoffs: Mapping[str, Any] | None = None, label: str | None = None,
                text: str | None = None, tags: Iterable[str] = (), source: str | Iterable[str] = (),
                quote: str | None = None, historical: bool = False) -> NodeBuilder:
        """Add an outcome node with its terminal ``payoffs`` (actor → number or expression)."""
        return self._node(id, "outcome", dict(label=label, text=text, source=source, quote=quote,
                                              historical=historical, tags=tags, payoffs=payoffs), None)

    @property
    def nodes(self) -> dict[str, NodeBuilder]:
        """The nodes added so far, by id (to add branches to one later)."""
        return {k: NodeBuilder(self, k, v) for k, v in self._data.get("nodes", {}).items()}

    # -- result -----------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """The plain data collected so far (a deep copy), in file format v1."""
        return copy.deepcopy(self._data)

    def build(self) -> Scenario:
        """Validate everything added and return the :class:`~scenarios.Scenario`.

        Raises
        ------
        ScenarioFileError
            listing every problem, each a :class:`BuilderDiagnostic` located at the
            Python call that added the offending piece.

        Warns
        -----
        ScenarioWarning
            for nodes that cannot be reached from the root, as when loading a file.
        """
        import warnings

        from .errors import ScenarioWarning
        from .io.build import build_scenario
        from .io.fast import LazyDocument

        data = self.to_dict()
        paths: list[tuple] = []

        def locate() -> tuple[dict, dict]:
            # Each path gets a distinct synthetic "line", so every diagnostic the file
            # validator reports can be traced back to the path, and from it to Python.
            # Only done if there is a diagnostic (the loader's fast path, io/fast.py).
            paths.extend(_all_paths(data))
            positions = {path: (i + 1, 0) for i, path in enumerate(paths)}
            return positions, dict(positions)

        doc = LazyDocument(BUILDER, data, locate=locate)
        try:
            scenario = build_scenario(doc, default_id="scenario")
        except ScenarioFileError as exc:
            mapped = [self._locate(d, paths) for d in exc.diagnostics]
            raise ScenarioFileError(self._duplicates + mapped) from None
        if self._duplicates:
            raise ScenarioFileError(self._duplicates + [self._locate(d, paths) for d in scenario.warnings])
        scenario.warnings = tuple(self._locate(d, paths) for d in scenario.warnings)
        for diagnostic in scenario.warnings:
            warnings.warn(str(diagnostic), ScenarioWarning, stacklevel=2)
        return scenario

    def _locate(self, diagnostic: Diagnostic, paths: list[tuple]) -> BuilderDiagnostic:
        index = diagnostic.line - 1
        path = paths[index] if 0 <= index < len(paths) else ()
        site = None
        for cut in range(len(path), -1, -1):
            site = self._sites.get(path[:cut])
            if site is not None:
                break
        file, line = site or (BUILDER, 0)
        return BuilderDiagnostic(file, line, 0, diagnostic.severity, diagnostic.code,
                                 diagnostic.message, where=describe(path, self._data))

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> ScenarioBuilder:
        """A builder holding a copy of ``scenario``, to change and build again.

        Examples
        --------
        >>> import scenarios
        >>> b = ScenarioBuilder.from_scenario(scenarios.load("entry-deterrence"))
        >>> _ = b.nodes["response"].branch("exit", label="Leave the market", p=0)
        >>> _ = b.outcome("exit", payoffs={"entrant": 2, "incumbent": 0})
        >>> b.build().solve().choices["response"]
        'share'
        """
        from .io.dump import to_dict

        builder = cls.__new__(cls)
        builder._data = to_dict(scenario)
        builder._sites = {}
        builder._duplicates = []
        return builder


def _all_paths(data: Any) -> list[tuple]:
    """Every path into ``data`` (mappings by key, lists by index), iteratively, root first."""
    paths: list[tuple] = []
    todo: list[tuple[tuple, Any]] = [((), data)]
    while todo:
        path, value = todo.pop()
        paths.append(path)
        if isinstance(value, dict):
            todo.extend((path + (k,), v) for k, v in reversed(list(value.items())))
        elif isinstance(value, list):
            todo.extend((path + (i,), v) for i, v in reversed(list(enumerate(value))))
    return paths


def describe(path: tuple, data: Mapping[str, Any] | None = None) -> str:
    """A path into scenario data in words, e.g. ``node 'a', branch 2 (to 'b'), p``.

    >>> describe(("nodes", "a", "branches", 1, "p"), {"nodes": {"a": {"branches": [{}, {"to": "b"}]}}})
    "node 'a', branch 2 (to 'b'), p"
    >>> describe(("parameters", "q", "dist"))
    "parameter 'q', dist"
    >>> describe(())
    'scenario'
    """
    singular = {"nodes": "node", "actors": "actor", "parameters": "parameter", "sources": "source"}
    words: list[str] = []
    i = 0
    value: Any = data
    while i < len(path):
        part = path[i]
        if i == 0 and part in singular and i + 1 < len(path):
            key = path[i + 1]
            words.append(f"{singular[part]} {key!r}")
            value = value.get(part, {}).get(key) if isinstance(value, Mapping) else None
            i += 2
            continue
        if part == "branches" and i + 1 < len(path) and isinstance(path[i + 1], int):
            index = path[i + 1]
            branches = value.get("branches") if isinstance(value, Mapping) else None
            branch = branches[index] if isinstance(branches, list) and index < len(branches) else None
            to = branch.get("to") if isinstance(branch, Mapping) else None
            words.append(f"branch {index + 1}" + (f" (to {to!r})" if isinstance(to, str) else ""))
            value = branch
            i += 2
            continue
        words.append(str(part) if not isinstance(part, int) else f"item {part + 1}")
        value = value.get(part) if isinstance(value, Mapping) else None
        i += 1
    return ", ".join(words) if words else "scenario"

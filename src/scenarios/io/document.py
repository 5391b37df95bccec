"""Safe YAML/JSON to plain Python data, keeping the line and column of every value.

The YAML text is *composed* into a node graph with PyYAML's safe loader (the C version
when present) and converted to dicts, lists and scalars by an iterative walk of our own.
That walk is where the rules for untrusted input live: only the standard YAML tags are
accepted (nothing constructs Python objects), duplicate mapping keys are reported rather
than silently overwritten, and alias expansion is bounded, so a "billion laughs" document
is refused instead of exhausting memory.

Positions are 1-based ``(line, col)`` pairs keyed by the path of a value, e.g.
``("nodes", "entry", "branches", 0, "p")``; keys of mappings have their own table so an
unknown key can be pointed at exactly.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from ..errors import Diagnostic, DuplicateJSONKey, ScenarioFileError

__all__ = ["Document", "parse_document", "MAX_ALIAS_VALUES", "MAX_DEPTH"]

_Loader: type[yaml.CSafeLoader] | type[yaml.SafeLoader]
try:  # the C loader composes large files several times faster
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

#: Upper bound on values reached a second time through an alias ("billion laughs").
MAX_ALIAS_VALUES = 100_000
#: Upper bound on nesting (a recursive alias would otherwise nest forever).
MAX_DEPTH = 500

_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "binary")
}

Path = tuple


@dataclass(slots=True)
class Document:
    """Plain data read from a file, with positions for diagnostics."""

    filename: str
    data: Any
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def where_all(self, requests: list[tuple[Path, bool]]) -> list[tuple[int, int]]:
        """:meth:`where` of each ``(path, key)``, in order (a lazy document finds them together)."""
        return [self.where(path, key=key) for path, key in requests]

    def where(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Position of the value at ``path`` (or of its key), falling back to the parent."""
        table = self.key_positions if key else self.positions
        while True:
            if path in table:
                return table[path]
            if path in self.positions:
                return self.positions[path]
            if not path:
                return (1, 1)
            path = path[:-1]


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def parse_document(text: str, filename: str = "<string>") -> Document:
    """Parse YAML (or JSON) text into a :class:`Document`.

    A ``.json`` file is read by the :mod:`json` module, which decides what the data is
    (YAML 1.1 reads some valid JSON differently, e.g. ``1e5`` or a raw U+0085); the YAML
    reading supplies the positions whenever it agrees on the data.

    Raises
    ------
    ScenarioFileError
        if the text is not well-formed, uses a non-standard tag, repeats a key, nests
        deeper than :data:`MAX_DEPTH`, or repeats more than :data:`MAX_ALIAS_VALUES`
        values through aliases.

    Examples
    --------
    >>> doc = parse_document("a: 1\\nb: [x, y]\\n", "f.yaml")
    >>> doc.data, doc.positions[("b", 1)]
    ({'a': 1, 'b': ['x', 'y']}, (2, 8))
    """
    if filename.lower().endswith(".json"):
        data = _read_json(text, filename)
        try:
            document = _parse_yaml(text, filename)
        except ScenarioFileError:
            return Document(filename, data)
        try:
            agree = _same(document.data, data)
        except RecursionError:
            agree = False
        return document if agree else Document(filename, data)
    return _parse_yaml(text, filename)


def _parse_yaml(text: str, filename: str) -> Document:
    problems: list[Diagnostic] = []

    def error(pos: tuple[int, int], code: str, message: str) -> None:
        problems.append(Diagnostic(filename, pos[0], pos[1], "error", code, message))

    try:
        _check_depth(text, filename)
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise ScenarioFileError(
            [Diagnostic(filename, *pos, "error", "syntax", f"not valid YAML or JSON: {reason}")]
        ) from None
    except yaml.YAMLError as exc:
        raise ScenarioFileError(
            [Diagnostic(filename, 1, 1, "error", "syntax", f"not valid YAML or JSON: {exc}")]
        ) from None
    except RecursionError:
        raise ScenarioFileError(
            [Diagnostic(filename, 1, 1, "error", "syntax", "document is nested too deeply")]
        ) from None
    if root is None:
        raise ScenarioFileError([Diagnostic(filename, 1, 1, "error", "empty", "file is empty")])

    doc = Document(filename, None)
    constructor = SafeConstructor()
    seen: set[int] = set()
    repeated = 0
    # Each task: (yaml node, container to fill, key or index in it, path of the value).
    holder: dict = {}
    todo: list = [(root, holder, "root", ())]
    while todo:
        node, container, slot, path = todo.pop()
        if id(node) in seen:
            repeated += 1
            if repeated > MAX_ALIAS_VALUES:
                raise ScenarioFileError(
                    [Diagnostic(filename, *_mark(node), "error", "too-large",
                                f"aliases expand to more than {MAX_ALIAS_VALUES:,} repeated values")]
                )
        else:
            seen.add(id(node))
        if len(path) > MAX_DEPTH:
            raise ScenarioFileError(
                [Diagnostic(filename, *_mark(node), "error", "too-deep",
                            f"values are nested more than {MAX_DEPTH} levels deep "
                            "(a recursive alias?)")]
            )
        doc.positions[path] = _mark(node)
        if node.tag not in _STANDARD_TAGS:
            error(_mark(node), "tag", f"YAML tag {node.tag!r} is not allowed (plain data only)")
            container[slot] = None
            continue
        if isinstance(node, yaml.ScalarNode):
            container[slot] = _scalar(constructor, node, error)
        elif isinstance(node, yaml.SequenceNode):
            items: list = [None] * len(node.value)
            container[slot] = items
            for index in range(len(node.value) - 1, -1, -1):
                todo.append((node.value[index], items, index, path + (index,)))
        else:  # MappingNode
            mapping: dict = {}
            container[slot] = mapping
            pending = []
            for key_node, value_node in node.value:
                if key_node.tag.endswith(":merge"):
                    error(_mark(key_node), "merge-key", "YAML merge keys ('<<') are not supported")
                    continue
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _STANDARD_TAGS:
                    error(_mark(key_node), "key-type", "mapping keys must be plain strings or numbers")
                    continue
                key = _scalar(constructor, key_node, error)
                if key is not None and not isinstance(key, (str, int, float, bool)):
                    key = str(key)
                if key in mapping:  # every key is entered below as soon as it is read
                    first = doc.key_positions.get(path + (key,), (0, 0))
                    error(_mark(key_node), "duplicate-key",
                          f"duplicate key {key!r} (first defined at line {first[0]}); "
                          "YAML would silently keep only the last")
                    continue
                doc.key_positions[path + (key,)] = _mark(key_node)
                mapping[key] = None
                pending.append((key, value_node, path + (key,)))
            for key, value_node, value_path in reversed(pending):
                todo.append((value_node, mapping, key, value_path))
    if problems:
        raise ScenarioFileError(problems)
    doc.data = holder["root"]
    return doc


def _check_depth(text: str, filename: str) -> None:
    """Refuse deep nesting before composing: PyYAML's composer recurses per level."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH and event.start_mark is not None:  # the parser marks every event
                raise ScenarioFileError(
                    [Diagnostic(filename, event.start_mark.line + 1, event.start_mark.column + 1,
                                "error", "too-deep", f"values are nested more than {MAX_DEPTH} levels deep")]
                )
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1


def _scalar(constructor: SafeConstructor, node: yaml.ScalarNode, error) -> Any:
    """Construct one scalar with the safe constructor; dates become ISO strings."""
    try:
        value = constructor.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        error(_mark(node), "scalar", f"cannot read value {node.value[:40]!r}: {exc}")
        return None
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        error(_mark(node), "scalar", "binary values are not allowed")
        return None
    return value


def _json_int(text: str) -> int | float:
    """A JSON integer; one too long for Python's int conversion (4,300 digits) becomes an
    infinite float, which validation then reports as not finite at its line and column."""
    return int(text) if len(text) <= 4000 else float(text)


def _read_json(text: str, filename: str) -> Any:
    """JSON data, refusing duplicate keys; errors carry the JSON parser's line and column."""

    def pairs(items):
        mapping = {}
        for key, value in items:
            if key in mapping:
                raise DuplicateJSONKey(key)
            mapping[key] = value
        return mapping

    try:
        return json.loads(text, object_pairs_hook=pairs, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        raise ScenarioFileError([Diagnostic(filename, exc.lineno, exc.colno, "error", "syntax",
                                            f"not valid JSON: {exc.msg}")]) from None
    except RecursionError:
        raise ScenarioFileError([Diagnostic(filename, 1, 1, "error", "too-deep",
                                            "document is nested too deeply")]) from None
    except DuplicateJSONKey as exc:
        key = exc.args[0]
        line, col = _duplicate_position(text, filename, key)
        raise ScenarioFileError([Diagnostic(filename, line, col, "error", "duplicate-key",
                                            f"duplicate key {key!r}; JSON readers would "
                                            "silently keep only the last")]) from None


def _duplicate_position(text: str, filename: str, key: str) -> tuple[int, int]:
    """Where the second ``key`` of a mapping starts, as the YAML composer finds it (JSON is
    YAML flow style, which the composer reads with positions); 1:1 if it cannot say."""
    try:
        _parse_yaml(text, filename)
    except ScenarioFileError as exc:
        for problem in exc.diagnostics:
            if problem.code == "duplicate-key" and problem.message.startswith(f"duplicate key {key!r} "):
                return problem.line, problem.col
    return 1, 1


def _same(a: Any, b: Any) -> bool:
    """Equal data, with int and float told apart (YAML and JSON must agree exactly)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=False))
    return a == b

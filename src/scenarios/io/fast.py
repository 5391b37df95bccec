"""The fast path of loading: C parsers, no positions until a problem needs one.

Loading used to compose every file with PyYAML (a ``.json`` file too, for its line and
column numbers) and record the position of every value, which costs far more than the
parsing itself on a big generated tree.  Positions are needed only to *report* a problem,
so the loader first reads the text the fast way:

* ``.json``: :func:`json.loads` (C); duplicate keys, which the careful reading refuses, are
  ruled out after the fact by counting (:class:`KeyTally`);
* YAML: libyaml parses (C) and :func:`plain_yaml` builds plain data from its events,
  with only the standard tags, no merge keys, no duplicate keys, no anchors or aliases,
  and no nesting near :data:`~scenarios.io.document.MAX_DEPTH`.

Whatever the fast reading is not sure of (any of the above, a syntax error, a variant's
``extends:``) raises :class:`NotFast`, and the loader falls back to the careful reading of
:mod:`scenarios.io.document`, unchanged.  When the fast reading succeeds, its data is
exactly what the careful reading would give, and the ONE validation
(:func:`scenarios.io.build.build_scenario`) runs on it with a :class:`LazyDocument`:
positions are looked up only when a problem or a warning is reported, all of them in one
pass over the parser's events (:func:`positions_of`), giving exactly the careful reading's
positions without its tables of every value.  So every rule in ``io/build.py`` and ``io/whole.py`` applies on
both paths, and the messages are the same, with the same FILE:LINE:COL, in the same order.

>>> doc = fast_document('{"title": "t", "nodes": {"a": {"kind": "outcome"}}}', "s.json")
>>> doc.data["nodes"], doc.where(("nodes", "a"))
({'a': {'kind': 'outcome'}}, (1, 31))
>>> fast_document("a: &x 1\\nb: *x\\n", "s.yaml")
Traceback (most recent call last):
...
scenarios.errors.NotFast: an anchor
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from ..errors import NotFast
from .document import MAX_DEPTH, Document, _json_int, _Loader

__all__ = ["NotFast", "KeyTally", "LazyDocument", "fast_document", "plain_yaml", "plain_json", "positions_of"]


@dataclass(slots=True)
class LazyDocument(Document):
    """A :class:`Document` whose positions are looked up only when a diagnostic needs them.

    ``locate_some(requests)`` returns ``(positions, key_positions)`` holding at least every
    prefix of the requested paths (one pass over the text for all the diagnostics of a
    load); ``locate()`` returns the full tables, once.
    """

    locate: Callable[[], tuple[dict, dict]] | None = field(default=None, repr=False)
    locate_some: Callable[[list[tuple[tuple, bool]]], tuple[dict, dict]] | None = field(default=None, repr=False)
    #: JSON read without refusing duplicate keys: the loader counts what it reads into this,
    #: and the reading stands only if :meth:`KeyTally.unique` says so.
    keys: KeyTally | None = field(default=None, repr=False)

    def where_all(self, requests: list[tuple[tuple, bool]]) -> list[tuple[int, int]]:
        if self.locate_some is None:
            return Document.where_all(self, requests)
        positions, key_positions = self.locate_some(requests)
        found = Document(self.filename, None, positions, key_positions)
        return [found.where(path, key=key) for path, key in requests]

    def where(self, path: tuple, *, key: bool = False) -> tuple[int, int]:
        if self.locate_some is not None:
            return self.where_all([(path, key)])[0]
        if self.locate is not None:
            locate, self.locate = self.locate, None
            self.positions, self.key_positions = locate()
        return Document.where(self, path, key=key)


def fast_document(text: str, filename: str) -> LazyDocument:
    """``text`` read the fast way, positions on demand; :class:`NotFast` if it cannot be."""
    long_ints: list[str] = []

    def read_int(digits: str) -> int | float:  # (_json_int, noting the integers YAML cannot read)
        if len(digits) <= 4000:
            return int(digits)
        long_ints.append(digits)
        return float(digits)

    keys = None
    try:
        if filename.lower().endswith(".json"):
            data = json.loads(text, parse_int=read_int)  # (duplicate keys: see KeyTally)
            keys = KeyTally(text)
        else:
            data = plain_yaml(text)
    except NotFast:
        raise
    except (ValueError, TypeError, OverflowError, RecursionError, yaml.YAMLError) as exc:
        raise NotFast(f"{type(exc).__name__}: {exc}"[:200]) from None

    def locate_some(requests: list[tuple[tuple, bool]]) -> tuple[dict, dict]:
        doubt = bool(long_ints) or any(search(text) for search in _JSON_DOUBTS)
        return positions_of(text, filename, data, {path for path, _ in requests}, doubt=doubt)

    return LazyDocument(filename, data, locate_some=locate_some, keys=keys)


class KeyTally:
    """Duplicate keys in a JSON text, ruled out after the fact.

    :func:`json.loads` keeps the last of two equal keys without a word, and a hook refusing
    them costs a Python call for every object (a quarter of the parsing of a big tree).  So
    the text is parsed without one and the loader counts what it reads: every key, and every
    ``:`` inside a text.  In the JSON text each key is followed by one ``:`` and every other
    ``:`` is inside a string, written ``:`` or ``\\u003a``; a lost key lowers the count, and
    nothing can raise it above the text's, so equal counts mean no key was lost.  When they
    differ (a duplicate, a part the count left out, a ``:`` written another way), the text
    is parsed again with the hook (:func:`plain_json`), which decides.

    >>> tally = KeyTally('{"a": "x:y", "b": [{"c": 1}]}')
    >>> tally.add({"a": "x:y", "b": [{"c": 1}]}); tally.unique()
    True
    >>> tally = KeyTally('{"a": 1, "a": 2}')
    >>> tally.add({"a": 2}); tally.unique()
    False
    """

    __slots__ = ("text", "expected", "counted")

    def __init__(self, text: str) -> None:
        self.text = text
        self.expected = text.count(":") + text.count("\\u003a") + text.count("\\u003A")
        self.counted = 0

    def add(self, data: Any) -> None:
        """Count the keys of every mapping in ``data`` and the ``:`` of every text in it."""
        count, todo = 0, [data]
        while todo:
            item = todo.pop()
            cls = item.__class__
            if cls is dict:
                count += len(item)
                for key, value in item.items():
                    count += key.count(":")  # (a JSON key is text)
                    todo.append(value)
            elif cls is list:
                todo.extend(item)
            elif cls is str:
                count += item.count(":")
        self.counted += count

    def give_up(self) -> None:
        """The count cannot be kept (the data was rearranged): the hook will decide."""
        self.counted = -1

    def unique(self) -> bool:
        """True if the text has no duplicate key."""
        if self.counted == self.expected:
            return True
        try:
            plain_json(self.text)
        except NotFast:
            return False
        except (ValueError, RecursionError):  # (json.loads read it once already)
            return False
        return True


# -- positions, for the diagnostics only ----------------------------------------------------------
#: What YAML 1.1 may read differently from :mod:`json` in a JSON text: an exponent after a
#: digit (YAML's floats need a point and a signed exponent: ``1e5`` is text to it), NaN and
#: Infinity, the line-break characters YAML folds, and surrogate escapes (json pairs them,
#: YAML does not); and an integer too long to read (:func:`_json_int` makes it infinite, so
#: an infinite number in the data raises the doubt).  Where none occurs, YAML reads every
#: value as json did; where one does (even inside a string), each value is compared on the
#: way.  (Separate searches: one pattern of alternatives is ten times slower.)
_JSON_DOUBTS = (re.compile(r"[eE](?<=[0-9][eE])").search, re.compile("[\u0085\u2028\u2029]").search,
                re.compile(r"\\[uU][dD][89a-fA-F]").search, re.compile("NaN|Infinity").search)


def _json_doubt(text: str, data: Any) -> bool:
    """True if YAML might read the JSON ``text`` otherwise than :mod:`json` read ``data``."""
    return any(search(text) for search in _JSON_DOUBTS) or _has_infinity(data)


def _has_infinity(data: Any) -> bool:
    todo = [data]
    while todo:
        value = todo.pop()
        if value.__class__ is dict:
            todo.extend(value.values())
        elif value.__class__ is list:
            todo.extend(value)
        elif value.__class__ is float and (value == math.inf or value == -math.inf):
            return True
    return False


def positions_of(text: str, filename: str, data: Any, paths: set[tuple], *,
                 doubt: bool | None = None) -> tuple[dict, dict]:
    """``(positions, key_positions)`` of the values and keys at ``paths`` and all their
    prefixes, exactly as the careful reading (:func:`parse_document`) has them, found in one
    pass over libyaml's events: no node tree and no table of every value, so a diagnostic in
    a big file costs a pass over the text, not many times its size in memory.

    As the careful reading does, a ``.json`` file gets no positions at all (every message at
    1:1) when YAML reads it differently from :mod:`json` (``1e5`` is text to YAML 1.1); so
    where :func:`_json_doubt` finds a doubt, YAML's reading of every value is compared with
    ``data`` on the way (``doubt``: whether the caller already knows there is one).

    >>> text = '{"a": [1, {"b": 2.5}]}'
    >>> positions_of(text, "f.json", {"a": [1, {"b": 2.5}]}, {("a", 1, "b")})
    ({(): (1, 1), ('a',): (1, 7), ('a', 1): (1, 11), ('a', 1, 'b'): (1, 17)}, {('a',): (1, 2), ('a', 1, 'b'): (1, 12)})
    >>> positions_of('{"a": 1e5}', "f.json", {"a": 1e5}, {("a",)})
    ({}, {})
    """
    wanted = {path[:cut] for path in paths for cut in range(len(path) + 1)}
    positions: dict[tuple, tuple[int, int]] = {}
    key_positions: dict[tuple, tuple[int, int]] = {}
    compare = filename.lower().endswith(".json") and (_json_doubt(text, data) if doubt is None else doubt)
    readers = _scalar_readers()
    loader = _Loader(text)
    nothing: tuple[dict, dict] = ({}, {})
    no_key = object()

    def scalar(event: Any) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            tag = resolve(yaml.ScalarNode, event.value, event.implicit)
        return event.value if tag == _STR else readers[tag](yaml.ScalarNode(tag, event.value))

    try:
        resolve, get = loader.resolve, loader.get_event
        scalar_event, mapping_start = yaml.ScalarEvent, yaml.MappingStartEvent
        ends = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
        starts = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
        get(), get()  # the stream's and the document's starts
        # One frame per open collection: [its path (None when no wanted path lies below it),
        # is it a mapping, next index or key (no_key when a key comes next), its data and the
        # data's keys still to come (both only when comparing)].
        stack: list[list[Any]] = []
        while True:
            event: Any = get()
            cls = event.__class__
            if cls in ends:
                frame = stack.pop()
                if compare and (next(frame[4], no_key) is not no_key if frame[1] else frame[2] != len(frame[3])):
                    return nothing
                continue
            if cls is not scalar_event and cls not in starts:
                if cls is yaml.DocumentEndEvent:
                    break
                return nothing  # an alias: not JSON, and YAML read the fast way has none
            expected: Any = None
            if stack:
                frame = stack[-1]
                base = frame[0]
                if frame[1]:
                    if frame[2] is no_key:  # a key
                        if cls is not scalar_event:
                            return nothing
                        if base is None and not compare:
                            frame[2] = None  # (not a key to look for: any value but no_key)
                            continue
                        key = scalar(event)
                        if compare and next(frame[4], no_key) != key:
                            return nothing
                        frame[2] = key
                        if base is not None and base + (key,) in wanted:
                            key_positions[base + (key,)] = (event.start_mark.line + 1, event.start_mark.column + 1)
                        continue
                    slot, frame[2] = frame[2], no_key
                    if compare:
                        expected = frame[3][slot]
                else:
                    slot = frame[2]
                    frame[2] += 1
                    if compare:
                        if slot >= len(frame[3]):
                            return nothing
                        expected = frame[3][slot]
                path = base + (slot,) if base is not None else None
                if path is not None and path not in wanted:
                    path = None
            else:
                path, expected = (), data
            if path is not None:
                positions[path] = (event.start_mark.line + 1, event.start_mark.column + 1)
            if cls is scalar_event:
                if compare:
                    value = scalar(event)
                    if type(value) is not type(expected) or value != expected:
                        return nothing
                continue
            mapping = cls is mapping_start
            if compare and type(expected) is not (dict if mapping else list):
                return nothing
            if len(stack) >= MAX_DEPTH:  # the careful reading refuses to compose it
                return nothing
            stack.append([path, mapping, no_key if mapping else 0, expected,
                          iter(expected) if compare and mapping else None])
    except (yaml.YAMLError, KeyError, ValueError, OverflowError):
        return nothing  # YAML cannot read it as json did: the careful reading keeps no positions
    finally:
        loader.dispose()
    return positions, key_positions


# -- JSON ----------------------------------------------------------------------------------------
def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise NotFast("duplicate key")
    return mapping


def plain_json(text: str, read_int: Callable[[str], Any] = _json_int) -> Any:
    """JSON data as the careful reading gives it (same integers; duplicate keys refused)."""
    return json.loads(text, object_pairs_hook=_unique, parse_int=read_int)


# -- YAML ----------------------------------------------------------------------------------------
_TAG = "tag:yaml.org,2002:"
_STR, _SEQ, _MAP = _TAG + "str", _TAG + "seq", _TAG + "map"


def _scalar_readers() -> dict[str, Callable[[Any], Any]]:
    """Tag -> reader for the standard scalar tags, with the careful reading's constructor."""
    constructor = SafeConstructor()

    def timestamp(node: Any) -> str:
        return constructor.construct_yaml_timestamp(node).isoformat()

    return {_TAG + "int": constructor.construct_yaml_int, _TAG + "float": constructor.construct_yaml_float,
            _TAG + "bool": constructor.construct_yaml_bool, _TAG + "null": constructor.construct_yaml_null,
            _TAG + "timestamp": timestamp}  # binary is refused (NotFast): the careful path reports it


def plain_yaml(text: str) -> Any:
    """YAML text as plain data, exactly as the careful reading gives it, or :class:`NotFast`.

    Built straight from libyaml's events, so no node tree is held (a tenth of the memory
    of composing, and a little faster); tags are resolved by the same resolver the
    composer calls, and scalars read by the same constructor as the careful reading.
    """
    readers = _scalar_readers()
    loader = _Loader(text)
    try:
        resolve, get = loader.resolve, loader.get_event
        scalar_event, sequence_start, mapping_start = yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent
        ends = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
        scalar_node = yaml.ScalarNode
        get()  # the stream's start
        if get().__class__ is not yaml.DocumentStartEvent:
            raise NotFast("empty")
        root: list[Any] = []
        # One frame per open collection: [container, is it a mapping, its key awaiting a value or no_key].
        stack: list[list[Any]] = [[root, False, None]]
        no_key = stack  # a marker no key can equal
        limit = MAX_DEPTH - 2  # stay clear of the careful reading's depth rule
        frame = stack[-1]
        value: Any
        while True:
            event: Any = get()
            cls = event.__class__
            if cls is scalar_event:
                if event.anchor is not None:
                    raise NotFast("an anchor")
                tag, value = event.tag, event.value
                if tag is None or tag == "!":
                    tag = resolve(scalar_node, value, event.implicit)
                if tag != _STR:
                    reader = readers.get(tag)
                    if reader is None:
                        raise NotFast(f"tag {tag!r}")
                    value = reader(scalar_node(tag, value))
            elif cls is mapping_start or cls is sequence_start:
                if event.anchor is not None:
                    raise NotFast("an anchor")
                if len(stack) > limit:
                    raise NotFast("deep")
                mapping = cls is mapping_start
                tag = event.tag
                if tag is None or tag == "!":
                    tag = resolve(yaml.MappingNode if mapping else yaml.SequenceNode, None, event.implicit)
                if tag != (_MAP if mapping else _SEQ):
                    raise NotFast(f"tag {tag!r}")
                value = {} if mapping else []
            elif cls in ends:
                stack.pop()
                frame = stack[-1]
                continue
            elif cls is yaml.DocumentEndEvent:
                break
            else:  # an alias
                raise NotFast(cls.__name__)
            container = frame[0]
            if frame[1]:
                key = frame[2]
                if key is no_key:
                    if cls is not scalar_event:
                        raise NotFast("a key that is not a scalar")
                    if value in container:
                        raise NotFast("duplicate key")
                    container[value] = None  # keys keep their order; the value comes next
                    frame[2] = value
                    continue
                container[key] = value
                frame[2] = no_key
            else:
                container.append(value)
            if cls is not scalar_event:
                frame = [value, cls is mapping_start, no_key]
                stack.append(frame)
        if get().__class__ is not yaml.StreamEndEvent:
            raise NotFast("more than one document")
        return root[0]
    finally:
        loader.dispose()

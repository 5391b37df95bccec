"""The fast path of loading: C parsers, no positions until a problem needs one.

Loading used to compose every file with PyYAML (a ``.json`` file too, for its line and
column numbers) and record the position of every value, which costs far more than the
parsing itself on a big generated tree.  Positions are needed only to *report* a problem,
so the loader first reads the text the fast way:

* ``.json``: :func:`json.loads` (C), refusing duplicate keys as the careful reading does;
* YAML: libyaml parses (C) and :func:`plain_yaml` builds plain data from its events,
  with only the standard tags, no merge keys, no duplicate keys, no anchors or aliases,
  and no nesting near :data:`~scenarios.io.document.MAX_DEPTH`.

Whatever the fast reading is not sure of (any of the above, a syntax error, a variant's
``extends:``) raises :class:`NotFast`, and the loader falls back to the careful reading of
:mod:`scenarios.io.document`, unchanged.  When the fast reading succeeds, its data is
exactly what the careful reading would give, and the ONE validation
(:func:`scenarios.io.build.build_scenario`) runs on it with a :class:`LazyDocument`:
positions are looked up, by the careful reading of the same text, only when a problem or
a warning is reported.  So every rule in ``io/build.py`` and ``io/whole.py`` applies on
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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from ..errors import NotFast
from .document import MAX_DEPTH, Document, _json_int, _Loader, parse_document

__all__ = ["NotFast", "LazyDocument", "fast_document", "plain_yaml", "plain_json"]


@dataclass(slots=True)
class LazyDocument(Document):
    """A :class:`Document` whose position tables are filled on the first :meth:`where`.

    ``locate`` returns ``(positions, key_positions)``; it runs at most once, and only
    when a diagnostic is reported.
    """

    locate: Callable[[], tuple[dict, dict]] | None = field(default=None, repr=False)

    def where(self, path: tuple, *, key: bool = False) -> tuple[int, int]:
        if self.locate is not None:
            locate, self.locate = self.locate, None
            self.positions, self.key_positions = locate()
        return Document.where(self, path, key=key)


def fast_document(text: str, filename: str) -> LazyDocument:
    """``text`` read the fast way, positions on demand; :class:`NotFast` if it cannot be."""
    try:
        data = plain_json(text) if filename.lower().endswith(".json") else plain_yaml(text)
    except NotFast:
        raise
    except (ValueError, TypeError, OverflowError, RecursionError, yaml.YAMLError) as exc:
        raise NotFast(f"{type(exc).__name__}: {exc}"[:200]) from None

    def locate() -> tuple[dict, dict]:
        careful = parse_document(text, filename)
        return careful.positions, careful.key_positions

    return LazyDocument(filename, data, locate=locate)


# -- JSON ----------------------------------------------------------------------------------------
def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise NotFast("duplicate key")
    return mapping


def plain_json(text: str) -> Any:
    """JSON data as the careful reading gives it (same integers; duplicate keys refused)."""
    return json.loads(text, object_pairs_hook=_unique, parse_int=_json_int)


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

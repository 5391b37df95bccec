"""The fast path of loading: C parsers, no positions until a problem needs one.

Loading used to compose every file with PyYAML (a ``.json`` file too, for its line and
column numbers) and record the position of every value, which costs far more than the
parsing itself on a big generated tree.  Positions are needed only to *report* a problem,
so the loader first reads the text the fast way:

* ``.json``: :func:`json.loads` (C), refusing duplicate keys as the careful reading does;
* YAML: libyaml composes the node tree (C) and :func:`plain_yaml` turns it into plain data
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
scenarios.io.fast.NotFast: anchors or aliases
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from .document import MAX_DEPTH, Document, _json_int, _Loader, parse_document

__all__ = ["NotFast", "LazyDocument", "fast_document", "plain_yaml", "plain_json"]


class NotFast(Exception):
    """The fast reading cannot vouch for this text: read it the careful way."""


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
#: An anchor (&a) or alias (*a) begins a token (at a line's start, after white space or a
#: flow indicator) and has a name.  A match may be a false alarm ("R &D", "p *q"): the
#: careful reading then decides.  ("p * q" is no match: a bare & or * is no anchor.)
_ANCHOR = re.compile(r"(?:^|[\s\ufeff\[\]{},:?\-\"'])[&*](?=[^\s,\[\]{}])", re.MULTILINE)


def _scalar_readers() -> dict[str, Callable[[Any], Any]]:
    """Tag -> reader for the standard scalar tags, with the careful reading's constructor."""
    constructor = SafeConstructor()

    def timestamp(node: Any) -> str:
        return constructor.construct_yaml_timestamp(node).isoformat()

    return {_TAG + "int": constructor.construct_yaml_int, _TAG + "float": constructor.construct_yaml_float,
            _TAG + "bool": constructor.construct_yaml_bool, _TAG + "null": constructor.construct_yaml_null,
            _TAG + "timestamp": timestamp}  # binary is refused (NotFast): the careful path reports it


def plain_yaml(text: str) -> Any:
    """YAML text as plain data, exactly as the careful reading gives it, or :class:`NotFast`."""
    if _ANCHOR.search(text):
        raise NotFast("anchors or aliases")
    root = yaml.compose(text, Loader=_Loader)  # libyaml itself refuses nesting past 1,000 levels
    if root is None:
        raise NotFast("empty")
    readers = _scalar_readers()
    scalar_node, sequence_node, mapping_node = yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode
    limit = MAX_DEPTH - 1  # stay clear of the careful reading's depth rule
    holder: list[Any] = [None]
    todo: list[tuple[yaml.Node, Any, Any, int]] = [(root, holder, 0, 0)]
    del root
    pop, push = todo.pop, todo.append
    while todo:
        node, container, slot, depth = pop()
        cls = node.__class__
        if cls is scalar_node:
            if node.tag == _STR:
                container[slot] = node.value
            else:
                reader = readers.get(node.tag)
                if reader is None:
                    raise NotFast(f"tag {node.tag!r}")
                container[slot] = reader(node)
            continue
        if depth >= limit:
            raise NotFast("deep")
        depth += 1
        if cls is mapping_node and node.tag == _MAP:
            mapping: dict[Any, Any] = {}
            container[slot] = mapping
            for key_node, value_node in node.value:
                if key_node.__class__ is not scalar_node:
                    raise NotFast("a key that is not a scalar")
                if key_node.tag == _STR:
                    key = key_node.value
                else:
                    reader = readers.get(key_node.tag)
                    if reader is None:
                        raise NotFast(f"key tag {key_node.tag!r}")
                    key = reader(key_node)
                if key in mapping:
                    raise NotFast("duplicate key")
                mapping[key] = None
                push((value_node, mapping, key, depth))
            node.value = ()  # let the walked part of the node tree go (peak memory: tree + data)
        elif cls is sequence_node and node.tag == _SEQ:
            items = [None] * len(node.value)
            container[slot] = items
            for index, item in enumerate(node.value):
                push((item, items, index, depth))
            node.value = ()
        else:
            raise NotFast(f"tag {node.tag!r}")
    return holder[0]

"""A scenario document as a tree of located values, for resolving variants (``extends:``).

Each value keeps the file, line and column it was written at, so a value a variant
changes points at the variant's own file in error messages; :func:`_flatten` turns the
tree back into a :class:`ResolvedDocument` whose positions name each value's file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import Diagnostic, ScenarioFileError
from .document import Document

__all__ = ["Loc", "ResolvedDocument"]

Loc = tuple  # (file, line, col)


@dataclass(slots=True)
class ResolvedDocument(Document):
    """A :class:`Document` assembled from several files: each position knows its file.

    Examples
    --------
    >>> doc = ResolvedDocument("v.yaml", {"a": 1}, {(): (1, 1), ("a",): (2, 3)}, {("a",): (2, 1)},
    ...                        files={(): "v.yaml", ("a",): "base.yaml"}, key_files={("a",): "base.yaml"})
    >>> doc.file_of(("a",)), doc.where(("a",))
    ('base.yaml', (2, 3))
    """

    files: dict = field(default_factory=dict)
    key_files: dict = field(default_factory=dict)

    def file_of(self, path: tuple, *, key: bool = False) -> str:
        """The file that wrote the value at ``path`` (same fallback as :meth:`where`)."""
        table = self.key_files if key else self.files
        while True:
            if path in table:
                return table[path]
            if path in self.files:
                return self.files[path]
            if not path:
                return self.filename
            path = path[:-1]


# -- a document as a tree of located values ---------------------------------------------------
@dataclass(slots=True)
class _V:
    """A value (scalar, dict of _V or list of _V) with where it was written."""

    value: Any
    at: Loc
    key_at: Loc | None = None


def _located(doc: Document) -> _V:
    """``doc.data`` as a _V tree, iteratively (documents may nest deeply)."""
    holder: dict[str, _V] = {}
    todo: list[tuple[Any, Any, Any, tuple[Any, ...]]] = [(doc.data, holder, "root", ())]
    while todo:
        value, container, slot, path = todo.pop()
        at = (doc.filename, *doc.where(path))
        key_at = (doc.filename, *doc.key_positions[path]) if path in doc.key_positions else None
        if isinstance(value, dict):
            node = _V({}, at, key_at)
            for k, v in value.items():
                node.value[k] = None
                todo.append((v, node.value, k, path + (k,)))
        elif isinstance(value, list):
            node = _V([None] * len(value), at, key_at)
            for i, v in enumerate(value):
                todo.append((v, node.value, i, path + (i,)))
        else:
            node = _V(value, at, key_at)
        container[slot] = node
    return holder["root"]


def _flatten(tree: _V, filename: str) -> ResolvedDocument:
    """Plain data plus position and file tables from a _V tree."""
    doc = ResolvedDocument(filename, None)
    holder: dict[str, Any] = {}
    todo: list[tuple[_V, Any, Any, tuple[Any, ...]]] = [(tree, holder, "root", ())]
    while todo:
        node, container, slot, path = todo.pop()
        doc.files[path], line, col = node.at
        doc.positions[path] = (line, col)
        if node.key_at is not None:
            doc.key_files[path], kline, kcol = node.key_at
            doc.key_positions[path] = (kline, kcol)
        if isinstance(node.value, dict):
            out: Any = {}
            for k, v in node.value.items():
                out[k] = None
                todo.append((v, out, k, path + (k,)))
        elif isinstance(node.value, list):
            out = [None] * len(node.value)
            for i, v in enumerate(node.value):
                todo.append((v, out, i, path + (i,)))
        else:
            out = node.value
        container[slot] = out
    doc.data = holder["root"]
    return doc


def _plain(node: _V) -> Any:
    """The plain value of a small _V subtree (for reading numbers and names)."""
    if isinstance(node.value, dict):
        return {k: _plain(v) for k, v in node.value.items()}
    if isinstance(node.value, list):
        return [_plain(v) for v in node.value]
    return node.value


class _Problems:
    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def error(self, at: Loc, code: str, message: str) -> None:
        self.items.append(Diagnostic(at[0], at[1], at[2], "error", code, message))

    def raise_if_any(self) -> None:
        if self.items:
            raise ScenarioFileError(self.items)

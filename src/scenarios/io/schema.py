"""The JSON Schema (draft 2020-12) of scenario files, format version 1.

The schema ships inside the package as ``scenarios/io/schema.json``.  Editors use it for
completion, hover help and inline errors while a scenario is typed (see docs/interop.md);
``scenarios schema`` prints it and ``scenarios schema --path`` says where it is.

It describes the *shape* of a file: which keys exist where, their types, the node kinds,
the id and parameter-name patterns, and the extensions for variants (``extends``, ``set``,
``remove``) and for uncertain branch probabilities (``dist: {dirichlet: [...]}`` on a
node).  Expressions are strings (at most 2000 characters); the descriptions of
``quantity`` and ``probability`` list the functions they may call
(:data:`scenarios.expressions.FUNCTIONS`; a test keeps the two in step).  Checks that need
the whole scenario (names that must exist, cycles, probabilities
summing to 1) stay with the loader.  The schema is deliberately never stricter than the
loader: a file the loader accepts always validates, and a file the schema rejects is
always rejected by the loader too (the tests check both directions).
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["schema", "schema_text", "schema_path", "validate", "SCHEMA_ID"]

#: The ``$id`` of the schema.
SCHEMA_ID = "urn:scenarios:scenario-format:1"


def schema_text() -> str:
    """The schema as JSON text, exactly as shipped.

    >>> '"$schema": "https://json-schema.org/draft/2020-12/schema"' in schema_text()
    True
    """
    return (resources.files(__package__) / "schema.json").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _parsed() -> dict:
    return json.loads(schema_text())


def schema() -> dict:
    """The schema as a dict (a fresh copy each call).

    >>> s = schema()
    >>> s["$id"] == SCHEMA_ID, sorted(s["properties"])[:4]
    (True, ['actors', 'as_of', 'evidence', 'extends'])
    """
    return copy.deepcopy(_parsed())


def schema_path() -> Path:
    """Where the installed ``schema.json`` is, for pointing an editor at it.

    >>> schema_path().name
    'schema.json'
    """
    return Path(str(resources.files(__package__) / "schema.json"))


def validate(data: Any) -> list[str]:
    """Check plain data (as read from a file) against the schema; return the problems.

    Each problem is one line, ``PATH: MESSAGE`` with the path as slash-separated keys.
    An empty list means the data has the right shape (the loader may still find a
    missing node or a probability sum that is off).  Needs the ``jsonschema`` package.

    Raises
    ------
    ImportError
        if ``jsonschema`` is not installed.

    Examples
    --------
    >>> validate({"title": "T", "nodes": {"a": {"kind": "outcome"}}})
    []
    >>> validate({"title": "T", "nodes": {"a": {"kind": "outcome", "payof": {}}}})
    ["/nodes/a: Additional properties are not allowed ('payof' was unexpected)"]
    """
    try:
        import jsonschema
    except ImportError:  # pragma: no cover - jsonschema is a test dependency
        raise ImportError("scenarios.io.schema.validate needs the 'jsonschema' package "
                          "(pip install jsonschema)") from None
    validator = jsonschema.Draft202012Validator(_parsed())
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        where = "/" + "/".join(str(p) for p in error.absolute_path)
        problems.append(f"{where}: {error.message}")
    return problems

"""Exporters: the scenario in other tools' formats, one module per format.

Each module in this package defines::

    FORMAT = "efg"                   # the name after --to
    SUFFIX = ".efg"                  # the usual file suffix
    DESCRIPTION = "Gambit extensive-form game"
    def export(scenario, **options) -> str | bytes   # the file's content

:func:`export` looks the format up, renders it and, given a path, writes it atomically.
``scenarios export FILE --to FORMAT -o OUT`` is the command-line face of the same call.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from types import ModuleType

from ..errors import (  # noqa: F401  (defined in errors.py; importable here as before)
    ScenarioError,
    UnknownFormatError,
)

__all__ = ["formats", "export", "UnknownFormatError"]


def formats() -> dict[str, ModuleType]:
    """Exporter modules by format name, sorted."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f".{info.name}", __name__)
        if hasattr(module, "FORMAT") and hasattr(module, "export"):
            found[module.FORMAT] = module
    return dict(sorted(found.items()))


def export(scenario, fmt: str, path: str | os.PathLike | None = None, **options) -> str | bytes:
    """Render ``scenario`` as ``fmt``; write it atomically to ``path`` if given.

    Raises UnknownFormatError for an unknown format and
    :class:`~scenarios.errors.OutputError` for a path that cannot be written.
    """
    available = formats()
    if fmt not in available:
        raise UnknownFormatError(f"unknown export format {fmt!r} (available: {', '.join(available) or 'none'})")
    content = available[fmt].export(scenario, **options)
    if path is not None:
        from ..io.atomic import write_atomic

        write_atomic(path, content)
    return content

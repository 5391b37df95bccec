"""Read a scenario from a path, a bundled name or text."""

from __future__ import annotations

import gc
import os
import warnings
from pathlib import Path

from ..errors import Diagnostic, ScenarioFileError, ScenarioWarning
from ..model import Scenario
from .build import build_scenario
from .catalog import bundled_names, bundled_path
from .document import Document, parse_document
from .fast import NotFast, fast_document
from .files import InputFileError, read_text_file
from .variants import is_variant, resolve_variant

__all__ = ["load", "loads", "resolve"]


def resolve(path_or_name: str | os.PathLike) -> Path:
    """The file for a path or a bundled scenario name; ScenarioFileError if neither."""
    path = Path(path_or_name)
    if _exists(path):
        return path
    text = str(path_or_name)
    if os.sep not in text and "/" not in text:
        found = bundled_path(Path(text).stem if Path(text).suffix in (".yaml", ".yml", ".json") else text)
        if found is not None:
            return found
    import difflib

    close = difflib.get_close_matches(text, bundled_names(), n=1)
    hint = f" (did you mean the bundled scenario {close[0]!r}?)" if close else \
        " (run 'scenarios list' for the bundled scenarios)"
    raise ScenarioFileError([Diagnostic(text, 1, 1, "error", "no-file",
                                        f"no such file or bundled scenario{hint}")])


def _exists(path: Path) -> bool:
    """Path.exists() that says False, not OSError, for names the OS refuses (too long, say)."""
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def load(path_or_name: str | os.PathLike, *, extends_anywhere: bool = False) -> Scenario:
    """Load and validate a scenario file (YAML or JSON) or a bundled scenario by name.

    A variant's ``extends:`` base must be in the file's folder (or below it) or be a bundled
    name; ``extends_anywhere=True`` allows absolute paths and paths leaving the folder.

    Warnings (unreachable nodes, say) are issued as :class:`ScenarioWarning` and kept in
    ``scenario.warnings``.

    Raises
    ------
    ScenarioFileError
        listing every problem as ``FILE:LINE:COL: error: MESSAGE``.

    Examples
    --------
    >>> import scenarios
    >>> scenarios.load("entry-deterrence").title
    'Entry deterrence'
    """
    path = resolve(path_or_name)
    name = str(path_or_name) if _exists(Path(path_or_name)) else str(path)
    if path.is_dir():
        raise ScenarioFileError([Diagnostic(name, 1, 1, "error", "no-file",
                                            "is a directory, not a scenario file")])
    try:
        text = read_text_file(path)
    except InputFileError as exc:
        raise ScenarioFileError([Diagnostic(name, 1, 1, "error", exc.code, str(exc))]) from None
    return loads(text, filename=name, default_id=path.stem, extends_anywhere=extends_anywhere)


def loads(text: str, *, filename: str = "<string>", default_id: str | None = None,
          extends_anywhere: bool = False) -> Scenario:
    """Load and validate a scenario from YAML or JSON text.

    >>> import scenarios
    >>> s = scenarios.loads('''
    ... title: Coin
    ... nodes:
    ...   flip: {kind: chance, branches: [{to: heads, p: 0.5}, {to: tails, p: rest}]}
    ...   heads: {kind: outcome}
    ...   tails: {kind: outcome}
    ... ''')
    >>> s.evaluate().outcomes[0].probability
    0.5
    """
    if not isinstance(text, str):
        raise TypeError(f"loads() takes text, not {type(text).__name__}")
    try:
        if not text.isascii():  # (no copy of a big ASCII text just to look for surrogates)
            text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate: a str that is not valid Unicode text
        line = text.count("\n", 0, exc.start) + 1
        col = exc.start - (text.rfind("\n", 0, exc.start) + 1) + 1
        raise ScenarioFileError([Diagnostic(filename, line, col, "error", "encoding",
                                            "not valid Unicode text (a lone surrogate character)")]) from None
    scenario = _read(text, filename, default_id, extends_anywhere=extends_anywhere)
    for diagnostic in scenario.warnings:
        warnings.warn(str(diagnostic), ScenarioWarning, stacklevel=2)
    return scenario


def _read(text: str, filename: str, default_id: str | None, *, fast: bool = True,
          extends_anywhere: bool = False) -> Scenario:
    """Parse and validate ``text``: the fast reading first (io/fast.py), unless ``fast`` is
    False or it cannot vouch for the text, then the careful one; the same validation after."""
    # Loading allocates millions of small acyclic objects; the cyclic garbage collector would
    # rescan them again and again for nothing (half the load time of a 10^4-node file).
    collecting = gc.isenabled()
    gc.disable()
    try:
        document: Document | None = None
        if fast:
            try:  # C parsers, no positions: looked up (by the careful reading) only for a diagnostic
                document = fast_document(text, filename)
            except NotFast:
                pass
        if document is None or is_variant(document.data):
            document = parse_document(text, filename)  # the careful reading, positions and all
        if is_variant(document.data):  # `extends: base.yaml`: resolve the chain, then validate
            document = resolve_variant(document, anywhere=extends_anywhere)
        keys = getattr(document, "keys", None)  # JSON read without refusing duplicate keys
        try:
            scenario = build_scenario(document, default_id=default_id)
        except ScenarioFileError:
            if keys is None or keys.unique():
                raise
        else:
            if keys is None or keys.unique():
                return scenario
        # A duplicate key, or counts that could not rule one out: the careful reading decides.
        return _read(text, filename, default_id, fast=False, extends_anywhere=extends_anywhere)
    finally:
        if collecting:
            # What loading made stays, so it goes straight to the oldest generation: enabled
            # again with millions of objects in the youngest, the collector's next pass would
            # walk them all (a second and more for a 10^6-node tree).  (Freezing and unfreezing
            # only moves the objects between the collector's lists.)
            gc.freeze()
            gc.unfreeze()
            gc.enable()

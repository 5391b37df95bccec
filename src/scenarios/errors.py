"""Errors and diagnostics raised by :mod:`scenarios`.

The tree, written out once::

    ScenarioError(Exception)                      base: the CLI catches it and exits 1
    ├── ScenarioFileError(ScenarioError, ValueError)   loading or validation failed;
    │                                                  ``.diagnostics`` holds every problem
    ├── UnknownNameError(ScenarioError, LookupError)   unknown node, actor or parameter in a request
    ├── ExpressionError(ScenarioError, ValueError)     an expression fails to parse or evaluate
    ├── ProbabilityError(ScenarioError, ValueError)    probabilities invalid after binding
    ├── UnreachableNodeError(ScenarioError, ValueError) conditioning on a node that cannot be reached
    ├── WhatIfCompileError(ScenarioError)           an expression the what-if page cannot compute
    ├── AnalysisError, WalkError (SavedWalkError), HighlightError, TooLargeError,
    │   UnknownThemeError, UnknownChartError, UnknownOutputFormatError, UnknownFormatError,
    │   ExportOptionError, EfgSizeError (all also ValueError): a request a command cannot meet
    └── OutputError(ScenarioError, OSError)        an output file cannot be written
    ScenarioWarning(UserWarning)                  unreachable nodes and the like
    InputFileError(OSError)                       an input file that cannot be read (callers word it)
    NotFast(Exception)                            internal to the loader: read the careful way

Every exception class of the package is defined here (the modules that raise them import
them, and the old import paths still work).  :func:`did_you_mean` is the one place that
suggests a close name for an unknown one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "Diagnostic",
    "shorten",
    "printable",
    "MAX_MESSAGE",
    "MAX_SHOWN",
    "ScenarioError",
    "ScenarioFileError",
    "UnknownNameError",
    "RiskError",
    "ExactError",
    "ExpressionError",
    "ProbabilityError",
    "UnreachableNodeError",
    "ScenarioWarning",
    "did_you_mean",
    "InputFileError",
    "EfgSizeError",
    "UnknownFormatError",
    "ExportOptionError",
    "WalkError",
    "SavedWalkError",
    "UnknownThemeError",
    "HighlightError",
    "UnknownOutputFormatError",
    "TooLargeError",
    "UnknownChartError",
    "OutputError",
    "AnalysisError",
    "WhatIfCompileError",
    "NotFast",
]


#: The longest message printed: input echoed in a message (a key, a name, an expression)
#: is cut in the middle past this many characters, so a hostile file gets a short line.
MAX_MESSAGE = 400
#: How many problems of one file are printed; the rest are counted ("… and N more").
MAX_SHOWN = 1000


_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    r"""``text`` with control characters (but tab and newline) shown as escapes, for a terminal:
    a file name or a command-line value echoed in a message cannot drive it.

    >>> print(printable("f\x1b[31m.yaml"))
    f\x1b[31m.yaml
    """
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def shorten(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text``, cut in the middle (its start and its end kept) when longer than ``limit``.

    >>> shorten("unknown key '" + "x" * 1000 + "'; did you mean 'payoffs'?", 70)
    "unknown key 'xxxxxxxxxxxxxxxxxxxxxx […] xx'; did you mean 'payoffs'?"
    """
    if len(text) <= limit:
        return text
    tail = limit * 2 // 5  # the end often says what to do ("did you mean ...")
    return text[:limit - tail - 7] + " […] " + text[-tail:]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in a scenario file, with its 1-based position.

    Examples
    --------
    >>> str(Diagnostic("a.yaml", 3, 5, "error", "unknown-key", "unknown key 'payoff'"))
    "a.yaml:3:5: error: unknown key 'payoff'"
    """

    file: str
    line: int
    col: int
    severity: str  # "error" or "warning"
    code: str  # short stable kind, e.g. "unknown-key", "probability-sum", "cycle"
    message: str

    def __str__(self) -> str:
        return f"{shorten(self.file)}:{self.line}:{self.col}: {self.severity}: {shorten(self.message)}"


class ScenarioError(Exception):
    """Base class of every error about scenario content or a request about it."""


class ScenarioFileError(ScenarioError, ValueError):
    """A scenario could not be loaded; ``diagnostics`` lists every problem found."""

    def __init__(self, diagnostics: Sequence[Diagnostic]):
        # Sorted by position so a reader can walk the file top to bottom.
        self.diagnostics = sorted(diagnostics, key=lambda d: (d.file, d.line, d.col))
        lines = [str(d) for d in self.diagnostics[:MAX_SHOWN]]
        if len(self.diagnostics) > MAX_SHOWN:
            lines.append(f"… and {len(self.diagnostics) - MAX_SHOWN:,} more problems (not shown)")
        super().__init__("\n".join(lines))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


class UnknownNameError(ScenarioError, LookupError):
    """A node, actor, parameter or option named in a request does not exist."""

    def __str__(self) -> str:  # LookupError would repr() the message
        return str(self.args[0]) if self.args else ""


class ExpressionError(ScenarioError, ValueError):
    """An expression does not parse, names an unknown parameter, or fails to evaluate."""

    #: The parameter whose value failed to compute, when the error is about one.
    parameter: str | None = None


class ProbabilityError(ScenarioError, ValueError):
    """Probabilities are invalid once parameters and overrides are bound."""


class UnreachableNodeError(ScenarioError, ValueError):
    """A request conditions on a node that no path reaches."""


class ExactError(ScenarioError, ValueError):
    """A scenario (or a request) has no exact rational evaluation: a function such as ``exp``
    or ``sqrt``, a feature exact mode does not support, or a size past its limit."""


class ScenarioWarning(UserWarning):
    """Something suspicious but not invalid, such as a node no path reaches."""


def did_you_mean(name: object, known: Iterable[object]) -> str:
    """``" (did you mean 'x'?)"`` for the closest known name, or ``""`` when none is close.

    >>> did_you_mean("recognise", ["recognize", "minsk"])
    " (did you mean 'recognize'?)"
    >>> did_you_mean("zzz", ["recognize"])
    ''
    """
    import difflib

    close = difflib.get_close_matches(str(name), [str(k) for k in known], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# -- errors of particular commands, defined here so that all of them are in one place --------


class EfgSizeError(ScenarioError, ValueError):
    """Unfolding the scenario's DAG into a tree would make too many nodes."""


class UnknownFormatError(ScenarioError, ValueError):
    """``--to`` names a format no exporter provides."""


class ExportOptionError(ScenarioError, ValueError):
    """An export option the format cannot honour (``--results`` for efg, say)."""


class WalkError(ScenarioError, ValueError):
    """A step that cannot be taken: back at the start, a roll after the end, and the like."""


class SavedWalkError(WalkError):
    """A saved walk is corrupt, or was saved for another scenario or other numbers."""


class UnknownThemeError(ScenarioError, ValueError):
    """A theme name that does not exist."""


class HighlightError(ScenarioError, ValueError):
    """A highlight that names no known kind and is not a path of the scenario."""


class UnknownOutputFormatError(ScenarioError, ValueError):
    """The output file's suffix is not a format figures can be written in."""


class TooLargeError(ScenarioError, ValueError):
    """The drawn tree would have more slots than allowed."""


class UnknownChartError(ScenarioError, ValueError):
    """A chart kind that does not exist."""


class OutputError(ScenarioError, OSError):
    """An output file cannot be written (missing folder, no permission, would overwrite a scenario)."""


class AnalysisError(ScenarioError, ValueError):
    """A sensitivity request cannot be met: a range with low > high, a grid of one variable, …"""


class RiskError(ScenarioError, ValueError):
    """A risk attitude cannot be used: a bad ``--risk`` spec, R = 0, a log or power utility of a
    non-positive total payoff, an expression utility that is not increasing, an unsupported
    combination (``minimize``, ``measures``, ``--given``)."""


class InputFileError(OSError):
    """A file that cannot be read as input; the message says why, without the file name
    (callers put it in their own FILE:LINE:COL form); ``code`` is the diagnostic code
    (``no-file``, ``not-regular``, ``too-large`` or ``encoding``)."""

    def __init__(self, message: str, code: str = "no-file"):
        super().__init__(message)
        self.code = code

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class GameError(ScenarioError, ValueError):
    """Equilibria cannot be computed: pygambit is not installed, the method does not apply
    (``nash`` with three players, ``backward`` with information sets), the game is too large."""


class WhatIfCompileError(ScenarioError):
    """An expression uses an operation the what-if page's engine does not know."""


class NotFast(Exception):
    """The fast reading (io/fast.py) cannot vouch for a text: read it the careful way.
    Internal: it never leaves the loader."""


class DuplicateJSONKey(Exception):
    """Internal to io/document.py: :mod:`json` read a key twice in one mapping (the
    diagnostic, with the key's position, is worded once its position is found)."""

"""Errors and diagnostics raised by :mod:`scenarios`.

The tree, written out once::

    ScenarioError(Exception)                      base: the CLI catches it and exits 1
    ├── ScenarioFileError(ScenarioError, ValueError)   loading or validation failed;
    │                                                  ``.diagnostics`` holds every problem
    ├── UnknownNameError(ScenarioError, LookupError)   unknown node, actor or parameter in a request
    ├── ExpressionError(ScenarioError, ValueError)     an expression fails to parse or evaluate
    ├── ProbabilityError(ScenarioError, ValueError)    probabilities invalid after binding
    └── UnreachableNodeError(ScenarioError, ValueError) conditioning on a node that cannot be reached
    ScenarioWarning(UserWarning)                  unreachable nodes and the like
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Diagnostic",
    "ScenarioError",
    "ScenarioFileError",
    "UnknownNameError",
    "ExpressionError",
    "ProbabilityError",
    "UnreachableNodeError",
    "ScenarioWarning",
]


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
        return f"{self.file}:{self.line}:{self.col}: {self.severity}: {self.message}"


class ScenarioError(Exception):
    """Base class of every error about scenario content or a request about it."""


class ScenarioFileError(ScenarioError, ValueError):
    """A scenario could not be loaded; ``diagnostics`` lists every problem found."""

    def __init__(self, diagnostics: list[Diagnostic]):
        # Sorted by position so a reader can walk the file top to bottom.
        self.diagnostics = sorted(diagnostics, key=lambda d: (d.file, d.line, d.col))
        super().__init__("\n".join(str(d) for d in self.diagnostics))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


class UnknownNameError(ScenarioError, LookupError):
    """A node, actor, parameter or option named in a request does not exist."""

    def __str__(self) -> str:  # LookupError would repr() the message
        return str(self.args[0]) if self.args else ""


class ExpressionError(ScenarioError, ValueError):
    """An expression does not parse, names an unknown parameter, or fails to evaluate."""


class ProbabilityError(ScenarioError, ValueError):
    """Probabilities are invalid once parameters and overrides are bound."""


class UnreachableNodeError(ScenarioError, ValueError):
    """A request conditions on a node that no path reaches."""


class ScenarioWarning(UserWarning):
    """Something suspicious but not invalid, such as a node no path reaches."""

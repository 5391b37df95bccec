"""scenarios: explore weighted decision graphs of crises and choices.

A scenario has decision nodes owned by actors, chance nodes with probabilities and
outcomes with a payoff per actor.  Load one, then evaluate it in belief mode (every
choice weighted by the analyst's beliefs) or solve it strategically (backward induction).

>>> import scenarios
>>> s = scenarios.load("entry-deterrence")
>>> scenarios.solve(s).choices["response"]
'share'

The public names are imported on first use (PEP 562), so ``scenarios --help`` starts
without loading numpy or networkx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .lazy import lazy_names

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "load": ".io.read", "loads": ".io.read", "bundled_names": ".io.catalog",
    "dump": ".io.dump", "dumps": ".io.dump", "ScenarioBuilder": ".builder",
    "evaluate": ".engine.belief", "solve": ".engine.strategic", "Walk": ".walk",
    "BeliefResult": ".engine.results", "SolveResult": ".engine.results",
    "OutcomeRow": ".engine.results", "PathRow": ".engine.results",
    "Scenario": ".model", "Node": ".model", "Branch": ".model", "Actor": ".model",
    "Parameter": ".model", "Distribution": ".model", "Source": ".model", "REST": ".model",
    "Diagnostic": ".errors", "ScenarioError": ".errors", "ScenarioFileError": ".errors",
    "UnknownNameError": ".errors", "ExpressionError": ".errors", "ProbabilityError": ".errors",
    "UnreachableNodeError": ".errors", "ScenarioWarning": ".errors",
}

__all__ = ["__version__", *_EXPORTS]


__getattr__, __dir__ = lazy_names(__name__, _EXPORTS)


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs
    from .builder import ScenarioBuilder
    from .engine.belief import evaluate
    from .engine.results import BeliefResult, OutcomeRow, PathRow, SolveResult
    from .engine.strategic import solve
    from .errors import (
        Diagnostic,
        ExpressionError,
        ProbabilityError,
        ScenarioError,
        ScenarioFileError,
        ScenarioWarning,
        UnknownNameError,
        UnreachableNodeError,
    )
    from .io.catalog import bundled_names
    from .io.dump import dump, dumps
    from .io.read import load, loads
    from .model import REST, Actor, Branch, Distribution, Node, Parameter, Scenario, Source
    from .walk import Walk

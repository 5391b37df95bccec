"""scenarios: explore weighted decision graphs of crises and choices.

A scenario has decision nodes owned by actors, chance nodes with probabilities and
outcomes with a payoff per actor.  Load one, then evaluate it in belief mode (every
choice weighted by the analyst's beliefs) or solve it strategically (backward induction).

>>> import scenarios
>>> s = scenarios.load("entry-deterrence")
>>> scenarios.solve(s).choices["response"]
'share'
"""

from __future__ import annotations

from .analysis.belief import evaluate
from .analysis.results import BeliefResult, OutcomeRow, PathRow, SolveResult
from .analysis.strategic import solve
from .errors import (Diagnostic, ExpressionError, ProbabilityError, ScenarioError, ScenarioFileError,
                     ScenarioWarning, UnknownNameError, UnreachableNodeError)
from .io.catalog import bundled_names
from .io.read import load, loads
from .model import REST, Actor, Branch, Distribution, Node, Parameter, Scenario, Source

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "load", "loads", "evaluate", "solve", "bundled_names",
    "Scenario", "Node", "Branch", "Actor", "Parameter", "Distribution", "Source", "REST",
    "BeliefResult", "SolveResult", "OutcomeRow", "PathRow",
    "Diagnostic", "ScenarioError", "ScenarioFileError", "UnknownNameError", "ExpressionError",
    "ProbabilityError", "UnreachableNodeError", "ScenarioWarning",
]

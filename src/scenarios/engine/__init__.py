"""The evaluation engine: the one place a scenario's numbers are computed.

Pipeline: a :class:`~scenarios.model.Scenario` is compiled once into index arrays
(:mod:`.compiled`, private to this package), overrides are parsed once (:mod:`.overrides`),
parameters and probabilities are bound (:mod:`.bind`), and the passes (:mod:`.propagate`,
:mod:`.strategic`) compute reach, expectations and backward induction.  Everything outside
this package reads *results* (:mod:`.results`, with views by node id in :mod:`.views`)
and never the compiled arrays.

>>> import scenarios
>>> from scenarios import engine
>>> r = engine.solve(scenarios.load("entry-deterrence"))
>>> r.choice("entry"), r.expected_payoffs["entrant"]
('response', 1.0)
"""

from __future__ import annotations

from .belief import evaluate
from .results import BeliefResult, OutcomeRow, PathRow, SolveResult
from .strategic import solve
from .views import BranchView, ResultArrays

__all__ = ["evaluate", "solve", "BeliefResult", "SolveResult", "OutcomeRow", "PathRow", "BranchView",
           "ResultArrays"]

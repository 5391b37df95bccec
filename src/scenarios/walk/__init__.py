"""Stepping through a scenario one node at a time: the :class:`Walk`.

A walk starts at the root and moves down one branch per step: the student chooses an
option for the actor (or for chance), or rolls, letting the belief weights of a decision
or the probabilities of a chance node decide with a seeded generator.  Steps can be taken
back any number of times.  Along the way the walk knows the path's probability (the
product of the branch probabilities taken) and the payoffs accrued; at the end, the
outcome, the path's rank among all root-to-outcome paths, how the strategic solution
would have played, and the historical path (nodes marked ``historical``) with the point
where the student left it.  A walk is saved as JSON (scenario id, choices, seed, rolls)
and replays exactly.

The walk does no input or output.  ``scenarios play`` (terminal), the HTML export and the
notebooks all drive this one object.  The numbers come from
the scenario's results (:meth:`~scenarios.model.Scenario.evaluate` and
:meth:`~scenarios.model.Scenario.solve`), so overrides are honoured exactly as
``scenarios evaluate --set`` honours them; the rank from :mod:`scenarios.engine.rank`.

Randomness: roll number ``k`` of a walk uses the ``k``-th number of
``numpy.random.default_rng(seed).random()``.  Going back does not rewind the stream (a
student who goes back and rolls again gets a fresh roll); a saved walk records how many
numbers were drawn, so a resumed walk rolls on exactly as the original would have.

Modules: :mod:`.core` (the walk), :mod:`.records` (what it hands out), :mod:`.saved`
(saving and replaying), :mod:`.history` (the historical path and the reveal); ranking
paths is the engine's (:mod:`scenarios.engine.rank`).
"""

from __future__ import annotations

from ..engine.rank import RANK_TOLERANCE, PathRank, count_paths, path_rank
from ..errors import SavedWalkError, WalkError
from .core import Walk
from .history import event_date, historical_path, ordinal, reveal
from .records import DecisionReview, HistoricalStep, Option, Reveal, Step, StrategicHint, WalkSummary
from .saved import WALK_FORMAT, WALK_VERSION

__all__ = ["Walk", "Option", "Step", "PathRank", "StrategicHint", "DecisionReview",
           "HistoricalStep", "Reveal", "WalkSummary", "WalkError", "SavedWalkError",
           "historical_path", "reveal", "path_rank", "count_paths", "event_date",
           "ordinal", "RANK_TOLERANCE", "WALK_FORMAT", "WALK_VERSION"]

"""JSON: the scenario in file format v1, or a bundle of the scenario and its results.

Without results the output *is* a scenario file (JSON is read like YAML), and it loads
back equal: ``scenarios.loads(export(s)) == s``.  With ``results=True`` the output is a
bundle for programs and reports::

    {"format": "scenarios-results/1",
     "scenario": {...the scenario, format v1...},
     "overrides": {...},
     "evaluate": {...scenarios evaluate --json...},
     "solve": {...scenarios solve --json...}}

(the bundle is not itself a scenario file; its ``scenario`` member is).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..io.dump import json_text, to_dict
from ..model import Scenario
from ._shared import ExportOptionError

FORMAT = "json"
SUFFIX = ".json"
DESCRIPTION = "the scenario as JSON (format v1); with --results, plus evaluate and solve results"

__all__ = ["export", "RESULTS_FORMAT"]

#: The ``format`` member of a results bundle.
RESULTS_FORMAT = "scenarios-results/1"


def export(scenario: Scenario, *, results: bool = False, overrides: Mapping[str, Any] | None = None,
           top: int = 10) -> str:
    """The scenario as JSON text; with ``results``, a bundle with evaluate and solve output.

    Parameters
    ----------
    scenario : Scenario
    results : bool
        Add ``evaluate`` and ``solve`` results (their ``to_dict()``, as ``--json`` prints).
    overrides : mapping, optional
        ``--set`` values for the results (the scenario itself is written as it is).
    top : int
        Paths listed in the results.

    Raises
    ------
    ExportOptionError
        if ``overrides`` are given without ``results`` (they would change nothing).
    UnknownNameError, ProbabilityError, ExpressionError
        for bad ``overrides``.

    Examples
    --------
    >>> import json, scenarios
    >>> s = scenarios.load("entry-deterrence")
    >>> scenarios.loads(export(s), filename="copy.json") == s
    True
    >>> bundle = json.loads(export(s, results=True))
    >>> bundle["solve"]["choices"], bundle["evaluate"]["expected_payoffs"]  # full precision: 0.2 as computed
    ({'entry': 'response', 'response': 'share'}, {'entrant': 0.19999999999999998, 'incumbent': 1.2})
    """
    data = to_dict(scenario)
    if not results:
        if overrides:
            raise ExportOptionError("json export: overrides only affect --results (the scenario is "
                             "written as it is)")
        return json_text(data)
    bundle = {
        "format": RESULTS_FORMAT,
        "scenario": data,
        "overrides": dict(overrides or {}),
        "evaluate": scenario.evaluate(overrides=overrides, top=top).to_dict(),
        # With information sets the strategic result is the equilibria (engine/games.py).
        "solve": (scenario.solve(overrides=overrides, top=top) if scenario.perfect_information else
                  scenario.solve(overrides=overrides, top=top, method="auto")).to_dict(),
    }
    return json_text(bundle)

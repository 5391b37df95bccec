"""One small function per sub-command: resolve the file, call the library, print."""

from __future__ import annotations

import json
import sys
import warnings

from ..errors import ScenarioWarning
from ..io.catalog import bundled_names, bundled_path
from ..io.read import load
from . import text


def _load(args):
    """Load FILE; warnings go to stderr in the FILE:LINE:COL form, once."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        scenario = load(args.file)
    for diagnostic in scenario.warnings:
        print(diagnostic, file=sys.stderr)
    return scenario


def _overrides(args) -> dict:
    return dict(args.overrides)


def _emit(output: str) -> None:
    sys.stdout.write(output.rstrip("\n") + "\n")


def cmd_list(args) -> int:
    rows = []
    for name in bundled_names():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScenarioWarning)
            scenario = load(bundled_path(name))
        rows.append((name, scenario.title, str(len(scenario.nodes))))
    _emit(text.table(("name", "title", "nodes"), rows, "llr", indent=""))
    return 0


def cmd_validate(args) -> int:
    scenario = _load(args)
    _emit(text.format_validate(scenario, args.file))
    return 0


def cmd_show(args) -> int:
    scenario = _load(args)
    result = scenario.evaluate(overrides=_overrides(args), top=0) if args.overrides else None
    _emit(text.format_show(scenario, result))
    return 0


def cmd_evaluate(args) -> int:
    scenario = _load(args)
    result = scenario.evaluate(given=args.given, overrides=_overrides(args), top=args.top)
    _emit(json.dumps(result.to_dict(), indent=2) if args.json else text.format_evaluate(result))
    return 0


def cmd_solve(args) -> int:
    scenario = _load(args)
    result = scenario.solve(overrides=_overrides(args), top=args.top)
    _emit(json.dumps(result.to_dict(), indent=2) if args.json else text.format_solve(result))
    return 0

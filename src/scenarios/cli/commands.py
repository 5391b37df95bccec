"""The core sub-commands (list, validate, show, evaluate, solve): load, call the library, print.

Each is a small function ``run(args) -> int``; :func:`register` adds them to the parser.
Helpers here (:func:`load_scenario`, :func:`emit`) serve the other command modules too.
"""

from __future__ import annotations

import json
import sys
import warnings

from ..errors import ScenarioWarning, printable
from . import add_file, add_json, add_set, add_top

# The library (numpy, networkx, PyYAML) is imported inside the functions, so that building
# the parser for --help stays cheap.


def load_scenario(args):
    """Load FILE; warnings go to stderr in the FILE:LINE:COL form, once."""
    from ..io.read import load

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        scenario = load(args.file, extends_anywhere=getattr(args, "extends_anywhere", False))
    for diagnostic in scenario.warnings:
        print(printable(str(diagnostic)), file=sys.stderr)
    return scenario


def overrides_of(args) -> dict:
    return dict(args.overrides)


def emit(output: str) -> None:
    sys.stdout.write(printable(output.rstrip("\n")) + "\n")  # a file name from the command line, say


def cmd_list(args) -> int:
    from ..io.catalog import bundled_names, bundled_path
    from ..io.read import load
    from . import text

    rows = []
    for name in bundled_names():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScenarioWarning)
            path = bundled_path(name)
            assert path is not None  # bundled_names() lists only names that have a file
            scenario = load(path)
        rows.append((name, scenario.title, str(len(scenario.nodes))))
    emit(text.table(("name", "title", "nodes"), rows, "llr", indent=""))
    return 0


def cmd_validate(args) -> int:
    from . import text

    scenario = load_scenario(args)
    emit(text.format_validate(scenario, args.file))
    return 0


def cmd_show(args) -> int:
    from . import text

    scenario = load_scenario(args)
    result = scenario.evaluate(overrides=overrides_of(args), top=0) if args.overrides else None
    emit(text.format_show(scenario, result))
    return 0


def cmd_evaluate(args) -> int:
    from . import text

    scenario = load_scenario(args)
    result = scenario.evaluate(given=args.given, overrides=overrides_of(args), top=args.top)
    emit(json.dumps(result.to_dict(), indent=2) if args.json else text.format_evaluate(result))
    return 0


def cmd_solve(args) -> int:
    from . import text

    scenario = load_scenario(args)
    method = getattr(args, "method", None)
    lam = getattr(args, "lam", None)
    if method not in (None, "backward") or lam is not None or not scenario.perfect_information:
        from .games import format_equilibria  # information sets: equilibria through Gambit

        game = scenario.solve(overrides=overrides_of(args), top=args.top, lam=lam,
                              method=method or ("auto" if lam is None else "qre"))
        emit(json.dumps(game.to_dict(), indent=2) if args.json else format_equilibria(game))
        return 0
    result = scenario.solve(overrides=overrides_of(args), top=args.top)
    emit(json.dumps(result.to_dict(), indent=2) if args.json else text.format_solve(result))
    return 0


def register(add) -> None:
    add("list", "list the bundled scenarios", cmd_list)
    add_file(add("validate", "load and check a scenario; print 'ok' and a summary, or every error",
                 cmd_validate))
    p = add("show", "print the scenario as an indented tree", cmd_show)
    add_file(p)
    add_set(p)
    p = add("evaluate", "belief mode: outcome distribution, expected payoffs, most likely paths",
            cmd_evaluate)
    add_file(p)
    add_set(p)
    p.add_argument("--given", metavar="NODE", help="condition on the path passing NODE")
    add_top(p)
    add_json(p)
    p = add("solve", "strategic mode: backward induction; choices, outcomes and payoffs under them "
            "(equilibria through Gambit for information sets: --method)", cmd_solve)
    add_file(p)
    add_set(p)
    add_top(p)
    add_json(p)
    p.add_argument("--method", choices=("backward", "nash", "qre", "spe"), default=None,
                   help="backward induction (the default when every decision sees all before it); nash, qre "
                        "or spe: equilibria computed by Gambit (the default with information sets: nash for "
                        "two players, qre for more); see docs/games.md")
    p.add_argument("--lambda", dest="lam", metavar="L", type=float, default=None,
                   help="with --method qre: the logit QRE at precision L instead of its limit")

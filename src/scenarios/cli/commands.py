"""The core sub-commands (list, validate, show, evaluate, solve): load, call the library, print.

Each is a small function ``run(args) -> int``; :func:`register` adds them to the parser.
Helpers here (:func:`load_scenario`, :func:`emit`) serve the other command modules too.
"""

from __future__ import annotations

import json
import sys
import warnings

from ..errors import ScenarioWarning, printable
from . import add_file, add_json, add_risk, add_set, add_top
from .width import add_width

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
    risk = getattr(args, "risk", None)  # --risk ACTOR=SPEC (docs/risk-attitudes.md)
    return scenario.with_risk(dict(risk)) if risk else scenario


def overrides_of(args) -> dict:
    return dict(args.overrides)


def emit(output: str) -> None:
    sys.stdout.write(printable(output.rstrip("\n")) + "\n")  # a file name from the command line, say


def cmd_list(args) -> int:
    from ..io.catalog import bundled_names, bundled_path
    from ..io.read import load
    from . import text

    found = []
    for name in bundled_names():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScenarioWarning)
            path = bundled_path(name)
            assert path is not None  # bundled_names() lists only names that have a file
            found.append((name, load(path)))
    if args.json:
        emit(json.dumps([{"name": name, "id": s.id, "title": s.title, "as_of": s.as_of, "nodes": len(s.nodes),
                          "summary": s.summary} for name, s in found], indent=2, ensure_ascii=False))
        return 0
    rows = [(name, s.title, str(len(s.nodes))) for name, s in found]
    emit(text.table(("name", "title", "nodes"), rows, "llr", indent=""))
    return 0


def cmd_validate(args) -> int:
    from . import text

    if not args.json:
        emit(text.format_validate(load_scenario(args), args.file))
        return 0
    from ..errors import ScenarioFileError

    try:
        scenario = load_scenario(args)
    except ScenarioFileError as exc:  # every problem, as data, on standard output; still exit 1
        emit(json.dumps({"ok": False, "file": args.file, "problems": [_diagnostic(d) for d in exc.diagnostics]},
                        indent=2, ensure_ascii=False))
        return 1
    counts = text.kind_counts(scenario)
    emit(json.dumps({"ok": True, "file": args.file, "id": scenario.id, "title": scenario.title,
                     "nodes": len(scenario.nodes), "kinds": counts, "actors": len(scenario.actors),
                     "parameters": len(scenario.parameters),
                     "problems": [_diagnostic(d) for d in scenario.warnings]}, indent=2, ensure_ascii=False))
    return 0


def _diagnostic(d) -> dict:
    return {"file": d.file, "line": d.line, "col": d.col, "severity": d.severity, "code": d.code,
            "message": d.message}


def cmd_show(args) -> int:
    from . import text

    scenario = load_scenario(args)
    if args.json:
        emit(json.dumps(text.show_dict(scenario, scenario.evaluate(overrides=overrides_of(args), top=0)),
                        indent=2, ensure_ascii=False))
        return 0
    result = scenario.evaluate(overrides=overrides_of(args), top=0) if args.overrides else None
    emit(text.format_show(scenario, result))
    return 0


def cmd_evaluate(args) -> int:
    from . import text

    scenario = load_scenario(args)
    result = scenario.evaluate(given=args.given, overrides=overrides_of(args), top=args.top, exact=args.exact)
    shown = text.format_evaluate(result)
    if args.exact and not args.json:
        from .exact_text import mark_exact
        from .width import fit

        shown = fit(mark_exact(result, shown))
    emit(json.dumps(result.to_dict(), indent=2) if args.json else shown)
    return 0


def cmd_solve(args) -> int:
    from . import text

    scenario = load_scenario(args)
    method = getattr(args, "method", None)
    lam = getattr(args, "lam", None)
    if method not in (None, "backward") or lam is not None or not scenario.perfect_information:
        from .games import format_equilibria  # information sets: equilibria through Gambit

        game = scenario.solve(given=args.given, overrides=overrides_of(args), top=args.top, exact=args.exact,
                              lam=lam, method=method or ("auto" if lam is None else "qre"))
        from .width import fit

        emit(json.dumps(game.to_dict(), indent=2) if args.json else fit(format_equilibria(game)))
        return 0
    result = scenario.solve(given=args.given, overrides=overrides_of(args), top=args.top, exact=args.exact)
    shown = text.format_solve(result)
    if args.exact and not args.json:
        from .exact_text import mark_exact
        from .width import fit

        shown = fit(mark_exact(result, shown))
    emit(json.dumps(result.to_dict(), indent=2) if args.json else shown)
    return 0


def register(add) -> None:
    p = add("list", "list the bundled scenarios", cmd_list)
    p.add_argument("--json", action="store_true",
                   help="print a JSON list: name, id, title, as_of, nodes and summary of each")
    add_width(p)
    p = add("validate", "load and check a scenario; print 'ok' and a summary, or every error", cmd_validate)
    add_file(p)
    p.add_argument("--json", action="store_true",
                   help="print the summary, or every problem (file, line, col, severity, code, message), "
                        "as JSON on standard output")
    add_width(p)
    p = add("show", "print the scenario as an indented tree", cmd_show)
    add_file(p)
    add_set(p)
    p.add_argument("--json", action="store_true",
                   help="print the nodes in file order with their branches' bound probabilities as JSON")
    add_width(p)
    p = add("evaluate", "belief mode: outcome distribution, expected payoffs, most likely paths",
            cmd_evaluate)
    add_file(p)
    add_set(p)
    p.add_argument("--given", metavar="NODE", help="condition on the path passing NODE")
    add_risk(p)
    add_top(p)
    add_json(p)
    add_exact(p)
    add_width(p)
    p = add("solve", "strategic mode: backward induction; choices, outcomes and payoffs under them "
            "(equilibria through Gambit for information sets: --method)", cmd_solve)
    add_file(p)
    add_set(p)
    p.add_argument("--given", metavar="NODE",
                   help="condition on the path passing NODE (the solved play from there on; the choices "
                        "before NODE must lead to it)")
    add_risk(p)
    add_top(p)
    add_json(p)
    add_exact(p)
    add_width(p)
    p.add_argument("--method", choices=("backward", "nash", "qre", "spe"), default=None,
                   help="backward induction (the default when every decision sees all before it); nash, qre "
                        "or spe: equilibria computed by Gambit (the default with information sets: nash for "
                        "two players, qre for more); see docs/games.md")
    p.add_argument("--lambda", dest="lam", metavar="L", type=float, default=None,
                   help="with --method qre: the logit QRE at precision L instead of its limit")


def add_exact(p) -> None:
    p.add_argument("--exact", action="store_true",
                   help="compute in exact fractions read from the file's decimals (0.1 is 1/10): "
                        "ties are equalities, not a 1e-9 tolerance; refused for exp, log, sqrt")

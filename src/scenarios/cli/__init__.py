"""The ``scenarios`` command: argument parsing, one error handler, exit codes.

Exit status: 0 success, 1 the scenario is invalid or a request about it cannot be met,
2 the command line is wrong.  Results go to standard output, everything else to standard
error, and no user error ever shows a traceback.  Only the standard library and the
package's light modules are imported on the ``--help`` path; matplotlib never is.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

__all__ = ["main", "build_parser"]


class _Parser(argparse.ArgumentParser):
    """argparse, with 'scenarios: error:' usage errors kept on one line plus usage."""


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = _Parser(
        prog="scenarios",
        description="Explore weighted decision graphs: outcomes, probabilities, what each actor "
                    "can expect, and what a rational actor would choose.",
        epilog="FILE is a scenario file (YAML or JSON) or the name of a bundled scenario "
               "(see 'scenarios list').",
    )
    parser.add_argument("--version", action="version", version=f"scenarios {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name, help_text):
        p = sub.add_parser(name, help=help_text, description=help_text)
        return p

    command("list", "list the bundled scenarios")
    p = command("validate", "load and check a scenario; print 'ok' and a summary, or every error")
    p.add_argument("file", metavar="FILE")
    p = command("show", "print the scenario as an indented tree")
    p.add_argument("file", metavar="FILE")
    _add_set(p)
    p = command("evaluate", "belief mode: outcome distribution, expected payoffs, most likely paths")
    p.add_argument("file", metavar="FILE")
    _add_set(p)
    p.add_argument("--given", metavar="NODE", help="condition on the path passing NODE")
    p.add_argument("--top", metavar="N", type=_count, default=10,
                   help="how many of the most probable paths to list (default 10)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p = command("solve", "strategic mode: backward induction; choices, outcomes and payoffs under them")
    p.add_argument("file", metavar="FILE")
    _add_set(p)
    p.add_argument("--top", metavar="N", type=_count, default=10,
                   help="how many of the most probable paths to list (default 10)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    return parser


def _add_set(p: argparse.ArgumentParser) -> None:
    p.add_argument("--set", metavar="NAME=VALUE", action="append", default=[], type=_assignment,
                   dest="overrides",
                   help="override a parameter, or NODE.CHILD for a branch probability (the other "
                        "branches are rescaled); repeatable")


def _assignment(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name.strip(), value.strip()


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help/--version
        return int(exc.code or 0)
    from ..errors import ScenarioError
    from . import commands

    try:
        return getattr(commands, "cmd_" + args.command)(args)
    except ScenarioError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `scenarios show big.yaml | head`
        sys.stderr.close()
        return 0

"""The ``scenarios`` command: argument parsing, one error handler, exit codes.

Exit status: 0 success, 1 the scenario is invalid or a request about it cannot be met,
2 the command line is wrong.  Results go to standard output, everything else to standard
error, and no user error ever shows a traceback.  Only the standard library and the
package's light modules are imported on the ``--help`` path; matplotlib never is.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

__all__ = ["main", "build_parser", "add_file", "add_set", "add_json", "add_top", "count"]


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error as one line 'scenarios COMMAND: error: ...' and a hint.

    Sub-commands' parsers are of this class too (``add_subparsers`` uses the parent's class),
    and an unknown option is reported by the sub-command it was given to (argparse would
    report it from the top parser), with the closest option when one is close.
    """

    def error(self, message: str):  # type: ignore[override]
        """Exit 2 with ``PROG: error: MESSAGE`` and a line saying where the usage is (no usage
        block: ``--help`` prints it)."""
        from ..errors import printable, shorten

        hint = "" if "--help" in message else f"run '{self.prog} --help' for usage\n"
        self.exit(2, f"{self.prog}: error: {printable(shorten(message))}\n{hint}")

    def parse_args(self, args=None, namespace=None):  # type: ignore[override]
        namespace, extras = self.parse_known_args(args, namespace)
        if extras:
            parser = self._command_parser(namespace)
            parser.error(f"unrecognized arguments: {' '.join(extras)}{parser._suggest(extras)}")
        return namespace

    def _command_parser(self, namespace) -> _Parser:
        """The parser of the sub-command ``namespace`` was parsed for (self when none)."""
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                found = action.choices.get(getattr(namespace, action.dest, None) or "")
                return found if isinstance(found, _Parser) else self
        return self

    def _suggest(self, extras: list[str]) -> str:
        """`` (did you mean '--width'?)`` for the first unknown option close to one of ours."""
        from ..errors import did_you_mean

        options = {o[2:]: o for a in self._actions for o in a.option_strings if o.startswith("--")}
        word = next((e.partition("=")[0] for e in extras if e.startswith("--")), None)
        close = did_you_mean(word[2:], options) if word else ""  # 'wdth' -> 'width', not '--top' -> '--set'
        return close.replace("'", "'--", 1) if close else ""

    def _check_value(self, action, value):  # type: ignore[no-untyped-def]
        """A value outside ``choices``: the closest choice too (argparse lists them all)."""
        if action.choices is not None and value not in action.choices \
                and not isinstance(action, argparse._SubParsersAction):
            from ..errors import did_you_mean

            listed = ", ".join(map(repr, action.choices))
            close = did_you_mean(value, action.choices)
            raise argparse.ArgumentError(action, f"invalid choice: {value!r}" + (
                f"{close}; choose from {listed}" if close else f" (choose from {listed})"))
        super()._check_value(action, value)

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[override]
        """An unknown COMMAND is a usage error that names the closest command (exit 2)."""
        argv = list(sys.argv[1:] if args is None else args)
        commands = next((a.choices for a in self._actions if isinstance(a, argparse._SubParsersAction)), None)
        word = next((a for a in argv if not a.startswith("-")), None)
        if commands and word is not None and word not in commands and argv.index(word) == 0:
            from ..errors import did_you_mean

            self.error(f"unknown command {word[:40]!r}{did_you_mean(word, commands)}; "
                       "'scenarios --help' lists them")
        return super().parse_known_args(args, namespace)


def command_modules() -> list[str]:
    """Modules of ``scenarios.cli`` that add sub-commands: each defines ``register(add)``.

    Found by name, the core ``commands`` first, so a feature adds its commands by adding
    one module.  They must be light to import (no numpy or matplotlib at module level):
    ``--help`` imports them all.
    """
    import os  # (not pkgutil: it imports inspect, ast and tokenize, a tenth of a small command's time)

    names = sorted(entry.name[:-3] for entry in os.scandir(__path__[0])
                   if entry.name.endswith(".py") and entry.name[0] != "_" and entry.name != "text.py")
    return sorted(names, key=lambda n: n != "commands")


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

    def add(name: str, help_text: str, run) -> argparse.ArgumentParser:
        """Add sub-command ``name``; ``run(args) -> int`` carries it out."""
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(run=run)
        return p

    import importlib

    for name in command_modules():
        module = importlib.import_module(f".{name}", __name__)
        if hasattr(module, "register"):
            module.register(add)
    return parser


def add_file(p: argparse.ArgumentParser) -> None:
    """The FILE argument every scenario-reading command takes first."""
    p.add_argument("file", metavar="FILE", help="scenario file (YAML/JSON) or bundled name")
    p.add_argument("--extends-anywhere", action="store_true",
                   help="let a variant's extends: name an absolute path or a file outside its folder")


def add_json(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print the result as JSON")


def add_top(p: argparse.ArgumentParser) -> None:
    p.add_argument("--top", metavar="N", type=count, default=10,
                   help="how many of the most probable paths to list (default 10)")


def add_set(p: argparse.ArgumentParser) -> None:
    p.add_argument("--set", metavar="NAME=VALUE", action="append", default=[], type=_assignment,
                   dest="overrides",
                   help="override a parameter, or NODE.CHILD for a branch probability (NODE.POSITION "
                        "or NODE.LABEL where several branches lead to CHILD; the other branches are "
                        "rescaled); repeatable")


def add_risk(p: argparse.ArgumentParser) -> None:
    """``--risk ACTOR=SPEC`` (docs/risk-attitudes.md): applied by ``load_scenario``."""
    p.add_argument("--risk", metavar="ACTOR=SPEC", action="append", default=[], type=_assignment,
                   help="an actor's risk attitude: neutral, exponential:R (risk tolerance R, non-zero; "
                        "negative for risk seeking), power:a, log or expression:TEXT in x; repeatable")


def _assignment(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {_shown(text)}")
    return name.strip(), value.strip()


def _shown(text: str) -> str:
    return repr(text) if len(text) <= 100 else repr(text[:100]) + "…"


def count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {_shown(text)}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {_shown(text)}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help/--version
        return int(exc.code or 0)
    from ..errors import MAX_SHOWN, ScenarioError, printable, shorten
    from .width import configure

    configure(args)  # --width, where the command has it
    try:
        return args.run(args)
    except ScenarioError as exc:
        lines = str(exc).splitlines()  # a file's problems are already cut and counted
        print("\n".join(printable(shorten(line)) for line in lines[:MAX_SHOWN + 1]), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `scenarios show big.yaml | head`
        sys.stderr.close()
        return 0

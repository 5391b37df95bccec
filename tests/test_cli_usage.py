"""Usage errors: one line ``scenarios COMMAND: error: ...`` and one hint line, exit 2, for
every sub-command's parser; ``--help`` still prints the whole usage (exit 0).

Most cases run ``main`` in-process (every sub-command, cheaply); a few run ``python -m
scenarios`` as a user does, to check the exit status and the exact standard error.
"""

from __future__ import annotations

import argparse

import pytest

from scenarios.cli import build_parser


def _commands() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(sub.choices)


COMMANDS = _commands()


def hint(command: str) -> str:
    return f"run 'scenarios {command} --help' for usage"


def test_there_are_many_commands():
    assert {"list", "show", "evaluate", "solve", "compare", "voi", "draw", "play"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_unknown_option_is_one_line_from_the_command(cli, command):
    status, out, err = cli(command, "--no-such-option")
    assert (status, out) == (2, "")
    first, second = err.splitlines()
    assert second == hint(command)
    # a command with a required argument may report that first; either way it is the command's own line
    assert first in (f"scenarios {command}: error: unrecognized arguments: --no-such-option",) \
        or first.startswith(f"scenarios {command}: error: the following arguments are required: ")


@pytest.mark.parametrize("command", [c for c in COMMANDS if c not in ("list", "schema")])
def test_unknown_option_after_the_file_is_named(cli, command):
    argv = [command, "entry-deterrence", "--no-such-option"]
    if command == "compare":
        argv.insert(2, "entry-deterrence")
    if command == "chart":
        argv.insert(2, "outcomes")
    status, out, err = cli(*argv)
    assert (status, out) == (2, "")
    lines = err.splitlines()
    assert lines[-1] == hint(command) and len(lines) == 2
    assert lines[0].startswith(f"scenarios {command}: error: ")


@pytest.mark.parametrize("command", COMMANDS)
def test_help_is_unchanged(cli, command):
    status, out, err = cli(command, "--help")
    assert (status, err) == (0, "")
    assert out.startswith(f"usage: scenarios {command} ")
    assert "options:" in out and "-h, --help" in out


@pytest.mark.parametrize(("argv", "first"), [
    (["draw", "entry-deterrence", "--theme", "drak"],
     "scenarios draw: error: argument --theme: invalid choice: 'drak' (did you mean 'dark'?); "
     "choose from 'light', 'dark', 'print'"),
    (["draw", "entry-deterrence", "--theme", "zzz"],
     "scenarios draw: error: argument --theme: invalid choice: 'zzz' (choose from 'light', 'dark', 'print')"),
    (["solve", "entry-deterrence", "--wdth=50"],
     "scenarios solve: error: unrecognized arguments: --wdth=50 (did you mean '--width'?)"),
    (["show", "entry-deterrence", "--top", "3"],  # show has no --top: no far-fetched suggestion
     "scenarios show: error: unrecognized arguments: --top 3"),
    (["cea", "entry-deterrence", "--actor"], "scenarios cea: error: argument --actor: expected one argument"),
], ids=["bad-choice-close", "bad-choice-far", "misspelt-option", "option-of-another-command", "missing-value"])
def test_messages(cli, argv, first):
    status, out, err = cli(*argv)
    assert (status, out) == (2, "")
    assert err.splitlines() == [first, hint(argv[0])]


def test_control_characters_in_an_unknown_option_are_escaped(cli):
    status, _, err = cli("show", "entry-deterrence", "--x\x1b[31m")
    assert status == 2
    assert "\x1b" not in err and "--x\\x1b[31m" in err


# -- as a user runs it --------------------------------------------------------------------------------
@pytest.mark.parametrize(("argv", "expected"), [
    (["voi", "oil-wildcatter", "--mode", "beleif"],
     ["scenarios voi: error: argument --mode: invalid choice: 'beleif' (did you mean 'belief'?); "
      "choose from 'strategic', 'belief'", hint("voi")]),
    (["compare", "entry-deterrence"],
     ["scenarios compare: error: the following arguments are required: B", hint("compare")]),
    (["evaluate", "entry-deterrence", "--bogus", "1"],
     ["scenarios evaluate: error: unrecognized arguments: --bogus 1", hint("evaluate")]),
    ([], ["scenarios: error: the following arguments are required: COMMAND", "run 'scenarios --help' for usage"]),
    (["evalute"], ["scenarios: error: unknown command 'evalute' (did you mean 'evaluate'?); "
                   "'scenarios --help' lists them"]),
], ids=["bad-choice", "missing-argument", "unknown-option", "no-command", "unknown-command"])
def test_as_a_user_sees_it(cli_process, argv, expected):
    done = cli_process(*argv)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == expected


def test_help_as_a_user_sees_it(cli_process):
    done = cli_process("voi", "--help")
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.startswith("usage: scenarios voi [-h]") and "--node D" in done.stdout

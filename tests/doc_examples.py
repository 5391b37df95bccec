"""Run the examples of a Markdown page as written: the one runner behind every doc test.

A page shows three kinds of example, each in a fenced block:

* ``console``: ``$ command`` lines, each followed by what it prints.  Either a *session*
  (:func:`check_sessions`: every command succeeds, prints no traceback, and every line
  shown under it appears in its output, whitespace collapsed so that wrapping does not
  matter) or *transcripts* (:func:`transcripts`: each command with its output exactly as
  shown, for the test to compare).
* ``sh``: bare ``scenarios ...`` command lines (:func:`commands`), which must succeed.
* ``pycon`` (or ``python`` with ``>>>`` prompts): doctests (:func:`check_doctests`).

Commands run in one of three ways: through the command line's ``main`` in-process
(:func:`run_main`), as ``python -m scenarios`` (:func:`run_scenarios`), or in bash with the
installed ``scenarios`` first on PATH (:func:`run_bash`, :func:`in_bash`).
"""

from __future__ import annotations

import doctest
import os
import re
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The folder of the installed ``scenarios`` command (the Python running the tests).
BIN = Path(sys.executable).parent


def page(name: str | Path) -> Path:
    """The page ``name``, relative to the checkout (``"README.md"``, ``"docs/graphics.md"``)."""
    return ROOT / name


def blocks(name: str | Path, language: str) -> list[str]:
    """The text of every ``language`` block of the page, in order."""
    return re.findall(rf"```{language}\n(.*?)```", page(name).read_text(encoding="utf-8"), flags=re.S)


def flat(text: str) -> str:
    """``text`` with every run of whitespace as one space."""
    return " ".join(text.split())


def sessions(name: str | Path) -> list[tuple[str, list[str]]]:
    """Every ``$ command`` of the page's console blocks, with the non-blank lines shown under it."""
    commands: list[tuple[str, list[str]]] = []
    for block in blocks(name, "console"):
        for line in block.splitlines():
            if line.startswith("$ "):
                commands.append((line[2:], []))
            elif line.strip():
                commands[-1][1].append(line.strip())
    return commands


def transcripts(name: str | Path) -> list[tuple[str, str]]:
    """``(command, output)`` for every ``$ command`` of the page's console blocks: the text
    shown under it (up to the next ``$ `` line or the end of the block), exactly."""
    out = []
    for block in blocks(name, "console"):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, shown = chunk.partition("\n")
            out.append((command, shown))
    return out


def commands(name: str | Path) -> list[str]:
    """The ``scenarios ...`` lines of the page's ``sh`` blocks, trailing ``  # comments`` removed."""
    return [line.split("  #")[0].strip() for block in blocks(name, "sh") for line in block.splitlines()
            if line.startswith("scenarios ")]


# -- running ----------------------------------------------------------------------------------------
def run_main(argv: Sequence[str], capsys) -> tuple[int, str, str]:
    """``scenarios ARGV`` through the command line's ``main``, in-process: (status, stdout, stderr)."""
    from scenarios.cli import main

    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def run_scenarios(args: Sequence[str], *, cwd=None, env=None, timeout: float = 120,
                  stdin=None) -> subprocess.CompletedProcess:
    """``python -m scenarios ARGS`` as a user runs it (text output captured)."""
    return subprocess.run([sys.executable, "-m", "scenarios", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=timeout, stdin=stdin)


def run_bash(command: str, cwd: Path, *, timeout: float = 60, env: dict[str, str] | None = None,
             **extra: str) -> subprocess.CompletedProcess:
    """``command`` in bash in ``cwd``, with ``env`` (by default this environment with the
    installed ``scenarios`` first on PATH) and ``extra`` variables."""
    if env is None:
        env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(["bash", "-c", command], cwd=cwd, env={**env, **extra}, text=True, capture_output=True,
                          stdin=subprocess.DEVNULL, timeout=timeout)


def in_bash(cwd: Path, *, timeout: float = 60, **extra: str) -> Callable[[str], tuple[int, str]]:
    """A runner for :func:`check_sessions`: :func:`run_bash`, giving (status, stdout and stderr)."""

    def run(command: str) -> tuple[int, str]:
        done = run_bash(command, cwd, timeout=timeout, **extra)
        return done.returncode, done.stdout + "\n" + done.stderr

    return run


def run_python(code: str, cwd: Path, *, timeout: float = 300) -> subprocess.CompletedProcess:
    """``python -c CODE`` in ``cwd``."""
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=timeout)


# -- checking ---------------------------------------------------------------------------------------
def check_sessions(name: str | Path, run: Callable[[str], tuple[int, str]], *, minimum: int,
                   after: Callable[[str], None] | None = None) -> None:
    """Run every ``$ command`` of the page's console blocks in order with ``run(command) ->
    (status, output)``: each must exit 0, print no traceback and print every line shown
    under it (whitespace collapsed); ``after(command)`` checks more.  At least ``minimum``
    commands must have run."""
    ran = 0
    for command, expected in sessions(name):
        code, output = run(command)
        assert code == 0, (command, output)
        output = flat(output)
        assert "Traceback" not in output
        for line in expected:
            assert flat(line) in output, (command, line)
        if after is not None:
            after(command)
        ran += 1
    assert ran >= minimum


def check_doctests(name: str | Path, language: str | None = "pycon", *, minimum: int = 1) -> None:
    """Run the page's ``language`` blocks (the whole page for None) as doctests, with
    ELLIPSIS: no failures, at least ``minimum`` examples tried."""
    path = page(name)
    text = path.read_text(encoding="utf-8") if language is None else "\n".join(blocks(name, language))
    test = doctest.DocTestParser().get_doctest(text, {"__name__": "__main__"}, path.name, str(path), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0 and runner.tries >= minimum, (runner.failures, runner.tries)

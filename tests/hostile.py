"""Running the command line against hostile input, and what must hold whatever it is given.

Shared by tests/test_hostile_cli.py (every command against every file of
tests/data/hostile/) and tests/test_fuzz_cli.py (hypothesis-mutated files).  The rules, from
the README's promises: the exit status is 0, 1 or 2; there is never a traceback; messages
are bounded (at most 1,001 lines of stderr, each at most a few hundred characters plus the
file name); a failing command writes nothing (no output, no temporary file); a succeeding
one leaves no temporary file behind.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from scenarios.cli import main
from scenarios.errors import MAX_MESSAGE, MAX_SHOWN

#: The formats `export --to` writes.
EXPORTS = ("json", "efg", "graphml", "gexf", "dot", "mermaid", "html")


@dataclass
class Run:
    argv: tuple[str, ...]
    status: int
    stdout: str
    stderr: str


def run_cli(argv: Sequence[str | Path]) -> Run:
    """``scenarios ARGV`` in-process, standard output and error captured (no stdin)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([str(a) for a in argv])
    return Run(tuple(map(str, argv)), status, out.getvalue(), err.getvalue())


def scenario_commands(path: Path, out: Path) -> list[list[str | Path]]:
    """Every command that reads a scenario file, each writing (if at all) into ``out``."""
    commands: list[list[str | Path]] = [
        ["validate", path], ["show", path], ["evaluate", path, "--json"], ["evaluate", path, "--top", "3"],
        ["solve", path, "--json"], ["solve", path],
        ["solve", path, "--exact", "--json"], ["explain", path, "--exact"],
        ["explain", path, "--by", "outcomes", "-o", out / "waterfall.png"],
        ["simulate", path, "-n", "200", "--seed", "1"],
        ["simulate", path, "--uncertainty", "-n", "20", "--seed", "1"],
        ["sensitivity", path], ["compare", path, path],
        ["draw", path, "-o", out / "tree.png"], ["chart", path, "outcomes", "-o", out / "chart.svg"],
        ["report", path, "-o", out / "brief"],
        ["play", path, "--auto", "--seed", "1", "--transcript", out / "walk.md", "--save", out / "walk.json"],
    ]
    commands += [["export", path, "--to", fmt, "-o", out / f"export.{fmt}"] for fmt in EXPORTS]
    return commands


def walk_commands(path: Path, out: Path) -> list[list[str | Path]]:
    """Resuming a saved walk (of the bundled entry-deterrence)."""
    return [["play", "entry-deterrence", "--resume", path, "--auto", "--save", out / "again.json"]]


def efg_commands(path: Path, out: Path) -> list[list[str | Path]]:
    return [["import", path, "-o", out / "imported.yaml"], ["import", path], ["validate", path]]


def check(run: Run, out: Path, *, file_name: str = "") -> None:
    """The promises, for one finished command whose outputs go into ``out``."""
    where = " ".join(run.argv)
    assert run.status in (0, 1, 2), (where, run.status, run.stderr[-2000:])
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout, (where, run.stderr[-3000:])
    lines = run.stderr.splitlines()
    assert len(lines) <= MAX_SHOWN + 1, (where, len(lines))
    longest = MAX_MESSAGE + 2 * len(str(file_name) or where) + 200
    assert all(len(line) <= longest for line in lines), (where, max(map(len, lines)))
    written = sorted(p.relative_to(out) for p in out.rglob("*")) if out.exists() else []
    if run.status != 0:
        assert written == [], (where, written, run.stderr[-2000:])
    assert not [p for p in written if p.name.startswith(".")], (where, written)  # no temporary left

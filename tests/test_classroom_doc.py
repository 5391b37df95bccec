"""The examples in docs/classroom.md run as written: shell sessions and Python.

Console blocks: each ``$ command`` runs in bash in one temporary folder (so files made by
one command are there for the next), with the installed ``scenarios`` first on PATH; it
must exit 0, and every line shown under it must appear in its output (whitespace
collapsed, so wrapping does not matter).  ``pycon`` blocks run as doctests.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent / "scenarios"


def flat(text: str) -> str:
    return " ".join(text.split())


DOC = Path(__file__).parents[1] / "docs" / "classroom.md"


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_classroom_console_examples(tmp_path):
    env = {**os.environ, "PATH": f"{BIN.parent}{os.pathsep}{os.environ['PATH']}", "COLUMNS": "80",
           "NO_COLOR": "1"}
    ran = 0
    for block in _blocks("console"):
        commands: list[tuple[str, list[str]]] = []
        for line in block.splitlines():
            if line.startswith("$ "):
                commands.append((line[2:], []))
            elif line.strip():
                commands[-1][1].append(line.strip())
        for command, expected in commands:
            done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, text=True,
                                  capture_output=True, stdin=subprocess.DEVNULL, timeout=60)
            assert done.returncode == 0, (command, done.stderr)
            output = flat(done.stdout + "\n" + done.stderr)
            assert "Traceback" not in output
            for line in expected:
                assert flat(line) in output, (command, line)
            ran += 1
    assert ran >= 10


def test_classroom_python_examples():
    import doctest

    parser = doctest.DocTestParser()
    test = parser.get_doctest("\n".join(_blocks("pycon")), {}, "classroom.md", str(DOC), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert test.examples and runner.failures == 0

"""The examples in docs/graphics.md run as written: shell sessions and Python.

Console blocks: each ``$ command`` runs in one temporary folder, through the command
line's ``main`` in-process (test_report.py runs the same commands as subprocesses); it
must succeed, print no traceback, and every line shown under it must appear in its
output.  Every file a ``draw``, ``chart`` or ``report``
command names is checked to exist with the right signature.  ``pycon`` blocks run as
doctests.
"""

from __future__ import annotations

import doctest
import os
import re
import shlex
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

DOC = Path(__file__).parents[1] / "docs" / "graphics.md"
SIGNATURES = {".png": b"\x89PNG", ".pdf": b"%PDF-", ".svg": b"<?xml"}


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def run_line(command: str, cwd: Path, capsys) -> tuple[int, str]:
    """Run one documented command in-process: ``scenarios ...`` through the CLI's ``main``
    (the commands are also run as subprocesses in test_report.py), ``ls DIR`` by listing."""
    from scenarios.cli import main

    allowed_failure = command.endswith("|| true")
    argv = shlex.split(command.removesuffix("|| true"))
    if argv[0] == "ls":
        return 0, "\n".join(sorted(p.name for p in (cwd / argv[1]).iterdir()))
    assert argv[0] == "scenarios", command
    os.chdir(cwd)
    code = main(argv[1:])
    out = capsys.readouterr()
    if allowed_failure:
        assert code == 1, command
        code = 0
    return code, out.out + "\n" + out.err


def test_console_examples(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ran = 0
    for block in blocks("console"):
        commands: list[tuple[str, list[str]]] = []
        for line in block.splitlines():
            if line.startswith("$ "):
                commands.append((line[2:], []))
            elif line.strip():
                commands[-1][1].append(line.strip())
        for command, expected in commands:
            code, output = run_line(command, tmp_path, capsys)
            assert code == 0, (command, output)
            output = " ".join(output.split())
            assert "Traceback" not in output
            for line in expected:
                assert " ".join(line.split()) in output, (command, line)
            match = re.search(r"-o (\S+)", command)
            if match and "||" not in command:
                out = tmp_path / match.group(1)
                if out.suffix in SIGNATURES:
                    assert out.read_bytes().startswith(SIGNATURES[out.suffix]), command
            ran += 1
    assert ran >= 14


def test_python_examples(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    test = doctest.DocTestParser().get_doctest("\n".join(blocks("pycon")), {}, "graphics.md", str(DOC), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0 and runner.tries >= 10


def test_example_image_is_small():
    image = DOC.parent / "img" / "entry-deterrence.png"
    assert image.read_bytes().startswith(b"\x89PNG") and image.stat().st_size < 200_000

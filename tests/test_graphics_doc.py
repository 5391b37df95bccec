"""The examples in docs/graphics.md run as written: shell sessions and Python.

Console blocks: each ``$ command`` runs in one temporary folder, through the command
line's ``main`` in-process (test_report.py runs the same commands as subprocesses); it
must succeed, print no traceback, and every line shown under it must appear in its
output.  Every file a ``draw``, ``chart`` or ``report``
command names is checked to exist with the right signature.  ``pycon`` blocks run as
doctests.  The runner is tests/doc_examples.py.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import matplotlib

from doc_examples import check_doctests, check_sessions, page, run_main

matplotlib.use("Agg")

DOC = "docs/graphics.md"
SIGNATURES = {".png": b"\x89PNG", ".pdf": b"%PDF-", ".svg": b"<?xml"}


def run_line(command: str, cwd: Path, capsys) -> tuple[int, str]:
    """Run one documented command in-process: ``scenarios ...`` through the CLI's ``main``
    (the commands are also run as subprocesses in test_report.py), ``ls DIR`` by listing."""
    allowed_failure = command.endswith("|| true")
    argv = shlex.split(command.removesuffix("|| true"))
    if argv[0] == "ls":
        return 0, "\n".join(sorted(p.name for p in (cwd / argv[1]).iterdir()))
    assert argv[0] == "scenarios", command
    os.chdir(cwd)
    code, out, err = run_main(argv[1:], capsys)
    if allowed_failure:
        assert code == 1, command
        code = 0
    return code, out + "\n" + err


def test_console_examples(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def signature(command: str) -> None:
        match = re.search(r"-o (\S+)", command)
        if match and "||" not in command:
            out = tmp_path / match.group(1)
            if out.suffix in SIGNATURES:
                assert out.read_bytes().startswith(SIGNATURES[out.suffix]), command

    check_sessions(DOC, lambda command: run_line(command, tmp_path, capsys), minimum=14, after=signature)


def test_python_examples(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    check_doctests(DOC, "pycon", minimum=10)


def test_example_image_is_small():
    image = page(DOC).parent / "img" / "entry-deterrence.png"
    assert image.read_bytes().startswith(b"\x89PNG") and image.stat().st_size < 200_000

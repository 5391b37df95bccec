"""The examples in docs/value-of-information.md run as written: sessions, commands and Python.

Console blocks run through the command line's ``main`` in-process; every line shown under a
command must appear in its output (the numbers on the page are pasted from these runs).
``sh`` blocks' ``scenarios`` lines must succeed; ``pycon`` blocks run as doctests.
"""

from __future__ import annotations

import shlex

import matplotlib

from doc_examples import blocks, check_doctests, check_sessions, commands, run_main

matplotlib.use("Agg")

DOC = "docs/value-of-information.md"


def test_console_examples(capsys):
    def run(command: str) -> tuple[int, str]:
        argv = shlex.split(command)
        assert argv[0] == "scenarios", command
        code, out, err = run_main(argv[1:], capsys)
        return code, out + "\n" + err

    check_sessions(DOC, run, minimum=4)


def test_sh_examples(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ran = 0
    for line in commands(DOC):
        if "FILE" in line:  # the synopsis
            continue
        code, out, err = run_main(shlex.split(line)[1:], capsys)
        assert code == 0, (line, err)
        ran += 1
    assert ran >= 1 and (tmp_path / "voi.png").read_bytes()[:4] == b"\x89PNG"


def test_python_examples():
    check_doctests(DOC, "pycon", minimum=3)


def test_error_examples(capsys):
    """The page's ``text`` blocks of a ``$ scenarios`` command that fails: exit 1, standard
    error exactly as shown, nothing on standard output."""
    ran = 0
    for block in blocks(DOC, "text"):
        command, _, shown = block.partition("\n")
        if not command.startswith("$ scenarios "):
            continue
        code, out, err = run_main(shlex.split(command[2:])[1:], capsys)
        assert (code, out, err) == (1, "", shown), command
        ran += 1
    assert ran >= 1

"""The examples in docs/briefing.md run as written (the runner is tests/doc_examples.py).

Each ``$ command`` runs in-process in one temporary folder and must print exactly what the
page shows (standard output and error together); every deck it names must be a deck that
python-pptx opens.  The ``pycon`` blocks run as doctests.
"""

from __future__ import annotations

import shlex

import matplotlib
import pytest

from doc_examples import check_doctests, run_main, transcripts

matplotlib.use("Agg")
pptx = pytest.importorskip("pptx", reason="python-pptx is not installed (pip install 'scenarios[pptx]')")

DOC = "docs/briefing.md"


def test_console_examples(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shown = transcripts(DOC)
    assert len(shown) >= 3
    for command, expected in shown:
        failing = command.endswith("|| true")
        argv = shlex.split(command.removesuffix("|| true"))
        assert argv[0] == "scenarios", command
        code, out, err = run_main(argv[1:], capsys)
        assert code == (1 if failing else 0), (command, err)
        assert out + err == expected, command
        for name in out.split():
            assert len(pptx.Presentation(str(tmp_path / name)).slides) >= 9, name


def test_python_examples(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    check_doctests(DOC, "pycon", minimum=7)

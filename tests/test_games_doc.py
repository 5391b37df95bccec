"""docs/games.md runs as written: its shell sessions (in bash, from the repository's root)
and its Python examples; its example files solve to the published equilibria."""

from __future__ import annotations

from pathlib import Path

import pytest

import scenarios
from doc_examples import check_doctests, check_sessions, in_bash

pytest.importorskip("pygambit")
ROOT = Path(__file__).resolve().parents[1]
DOC = "docs/games.md"


def test_console_examples(monkeypatch):
    check_sessions(DOC, in_bash(ROOT, COLUMNS="120", NO_COLOR="1"), minimum=6)


def test_python_examples(monkeypatch):
    monkeypatch.chdir(ROOT)
    check_doctests(DOC, "pycon", minimum=6)


def test_example_files_load_and_validate():
    for name in ("poker", "matching-pennies", "entry-types"):
        s = scenarios.load(ROOT / "docs" / "examples" / f"{name}.yaml")
        assert not s.perfect_information

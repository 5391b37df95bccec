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


def test_console_examples(tmp_path):
    """In a scratch directory that sees the checkout's docs/ and tests/ (a drawing's -o writes
    there, not into the checkout)."""
    for name in ("docs", "tests"):
        (tmp_path / name).symlink_to(ROOT / name, target_is_directory=True)
    check_sessions(DOC, in_bash(tmp_path, COLUMNS="120", NO_COLOR="1"), minimum=7)
    assert (tmp_path / "outside.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_python_examples(monkeypatch):
    monkeypatch.chdir(ROOT)
    check_doctests(DOC, "pycon", minimum=6)


def test_example_files_load_and_validate():
    for name in ("poker", "matching-pennies", "entry-types"):
        s = scenarios.load(ROOT / "docs" / "examples" / f"{name}.yaml")
        assert not s.perfect_information

"""The examples in docs/bluffing.md run as written (the runner is tests/doc_examples.py):
console sessions in bash with the installed ``scenarios`` first on PATH, every line shown
appearing in the output; the ``pycon`` block as a doctest.  The page's numbers come from the
hand analysis that tests/test_bluffing.py checks in pygambit."""

from __future__ import annotations

import pytest

from doc_examples import check_doctests, check_sessions, in_bash, page

pytest.importorskip("pygambit")

DOC = "docs/bluffing.md"


def test_bluffing_console_examples(tmp_path):
    check_sessions(DOC, in_bash(tmp_path, COLUMNS="200", NO_COLOR="1"), minimum=3)


def test_bluffing_python_examples():
    check_doctests(DOC, "pycon")


def test_the_page_shows_the_chart_and_states_the_threshold():
    text = page(DOC).read_text(encoding="utf-8")
    assert "![" in text and "img/bluffing-threshold.png" in text
    assert (page("docs") / "img" / "bluffing-threshold.png").stat().st_size > 50_000
    assert "**0.6**" in text

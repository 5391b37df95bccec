"""The examples in docs/classroom.md run as written: shell sessions and Python.

Console blocks: each ``$ command`` runs in bash in one temporary folder (so files made by
one command are there for the next), with the installed ``scenarios`` first on PATH; it
must exit 0, and every line shown under it must appear in its output (whitespace
collapsed, so wrapping does not matter).  ``pycon`` blocks run as doctests.  The runner
is tests/doc_examples.py.
"""

from __future__ import annotations

from doc_examples import check_doctests, check_sessions, in_bash

DOC = "docs/classroom.md"


def test_classroom_console_examples(tmp_path):
    check_sessions(DOC, in_bash(tmp_path, COLUMNS="80", NO_COLOR="1"), minimum=10)


def test_classroom_python_examples():
    check_doctests(DOC, "pycon")

"""The examples in docs/risk-attitudes.md run as written (the runner is tests/doc_examples.py).

Console blocks run in bash from the checkout (they read docs/examples/ and bundled names),
with the installed ``scenarios`` first on PATH: every command exits 0 and prints every line
shown under it (whitespace collapsed).  ``pycon`` blocks run as doctests.
"""

from __future__ import annotations

from doc_examples import ROOT, check_doctests, check_sessions, in_bash

DOC = "docs/risk-attitudes.md"


def test_risk_console_examples():
    check_sessions(DOC, in_bash(ROOT, timeout=120, COLUMNS="100", NO_COLOR="1"), minimum=6)


def test_risk_python_examples():
    check_doctests(DOC, "pycon", minimum=6)

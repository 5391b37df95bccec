"""Table cells wrap at word boundaries (cli/width.py): a word is cut only when it is longer
than its column, and the table stays within ``--width``.  ``scenarios compare`` is the
command with the longest cells; it runs here as a user runs it, at narrow widths.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scenarios.cli import width

HYPHEN = re.compile(r"(?<=[^\W\d]-)(?=[^\W\d])")


def pieces(text: str) -> set[str]:
    """Every run of a word's hyphen-separated parts ('self-', 'proclaimed', 'self-proclaimed')."""
    out = set()
    for word in text.split():
        parts = HYPHEN.split(word)
        out |= {"".join(parts[i:j]) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)}
    return out


words = st.text(alphabet="abcdefghij-", min_size=1, max_size=14).filter(lambda w: w.strip("-"))


@given(st.lists(words, min_size=1, max_size=12), st.integers(min_value=3, max_value=40))
def test_lines_break_only_words_longer_than_a_line(ws, room):
    text = " ".join(ws)
    lines = width._lines(text, room, " ")
    assert all(width.display_width(line) <= room for line in lines)
    assert " ".join(" ".join(lines).split()) == text or "".join("".join(lines).split()) == "".join(text.split())
    whole = pieces(text)
    for token in " ".join(lines).split():
        if token not in whole:  # a cut: only in a piece longer than a continuation line
            assert any(token in w and max(map(len, HYPHEN.split(w))) > room - 1 for w in ws), (token, lines)


@given(st.lists(st.lists(words, min_size=1, max_size=6), min_size=1, max_size=6),
       st.integers(min_value=width.MIN_WIDTH, max_value=90))
def test_table_cuts_no_word_that_fits(rows, columns):
    cells = [[" ".join(r), "0.25", " ".join(reversed(r))] for r in rows]
    text = width.table(["first column", "p", "second"], cells, "lrl", indent="  ", width=columns)
    assert all(width.display_width(line) <= columns for line in text.splitlines())
    whole = set().union(*(pieces(c) for row in cells for c in row), pieces("first column second p"))
    for token in text.split():
        if token not in whole and set(token) != {"-"} and not token.endswith(":"):  # 'p:' of a record
            assert any(token in w and len(w) > 24 for row in rows for w in row), token  # only words past 24


def test_an_identifier_longer_than_its_column_is_cut_after_a_dot_or_underscore():
    assert width._lines("donbas_offensive.donbas_war_sanctioned", 30, " ") == [
        "donbas_offensive.donbas_war_", " sanctioned"]
    assert width._lines("abcdefghijklmnopqrstuvwxyz", 10) == ["abcdefghij", "klmnopqrst", "uvwxyz"]


# -- scenarios compare, as a user runs it -----------------------------------------------------------
NAMES = ["donbas-recognition-2022", "donbas-west-split", "donbas-dovish"]


@pytest.fixture(scope="module")
def wide(cli_process):
    done = cli_process("compare", *NAMES, "--width", "400")
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("columns", [34, 48, 60, 66, 80])
def test_compare_wraps_at_word_boundaries(cli_process, wide, columns):
    done = cli_process("compare", *NAMES, "--width", str(columns))
    assert done.returncode == 0 and done.stderr == ""
    lines = done.stdout.splitlines()
    assert max(width.display_width(line) for line in lines) <= columns
    whole = pieces(wide)
    cut = {t for t in done.stdout.split() if t not in whole and set(t) != {"-"} and not t.endswith(":")}
    # only identifiers longer than a column are cut (after a '.' or '_')
    assert all(any(t in w and len(w) > 24 for w in whole) for t in cut), sorted(cut)
    # words that used to be cut in the middle at some widths ("self-proc" / "laimed re" / "publics,")
    for word in ("self-", "proclaimed", "republics,", "escalation", "sweeping", "Ukraine's"):
        assert word in done.stdout.split() or any(word in t for t in done.stdout.split() if t in whole), word

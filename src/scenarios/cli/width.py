"""Text that fits the terminal: the one place that knows the width and lays text out to it.

Every text command prints through these functions, so nothing it prints is wider than
:func:`columns`: the terminal's width when standard output is a terminal, 80 columns when it
is piped or redirected, or ``--width N`` (:func:`add_width`) when given.

* :func:`table`: aligned columns.  A table that fits is printed as is; one that does not
  wraps its text columns (numbers are never cut nor wrapped); one that still does not fit
  is split into column groups stacked one below the other, each repeating the first column
  (a record per row, as a last resort, when even that is too wide).
* :func:`wrap`: a paragraph filled to the width after an indent.
* :func:`fit`: any text, every line wider than the width wrapped at spaces with its own
  indent plus two: the safety net a formatter applies to its whole output.

A new command adopts it with ``add_width(parser)`` and by building its text with
``table``/``wrap`` and returning ``fit(text)``; ``cli.main`` applies ``--width``.
Only the standard library is imported: ``scenarios --help`` loads this module.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import textwrap
import unicodedata
from collections.abc import Iterable, Sequence

__all__ = ["columns", "configure", "add_width", "display_width", "wrap", "fit", "table", "MIN_WIDTH"]

#: The narrowest width we lay text out to (``--width`` below it is a usage error).
MIN_WIDTH = 30
#: Width when standard output is not a terminal and no ``--width`` is given.
PIPED_WIDTH = 80
#: Gap between table columns.
GAP = "  "

#: Where a table cell may break: spaces, and after a hyphen between letters (as textwrap does).
_WORD = re.compile(r"\s+|(?<=[^\W\d]-)(?=[^\W\d])")
#: Inside a word, after a hyphen between letters ("self-" "proclaimed"; not "2022-02").
_HYPHEN = re.compile(r"(?<=[^\W\d]-)(?=[^\W\d])")

_width: int | None = None  # set by configure() from --width; None: ask the terminal


def columns() -> int:
    """The width to lay text out to: ``--width``, else the terminal's, else 80 when piped."""
    if _width is not None:
        return _width
    stream = sys.stdout
    if hasattr(stream, "isatty") and stream.isatty():
        return max(MIN_WIDTH, shutil.get_terminal_size((PIPED_WIDTH, 24)).columns)
    return PIPED_WIDTH


def configure(args: argparse.Namespace | None) -> None:
    """Use ``args.text_width`` (``--width``) if the command has one; else the default."""
    global _width
    _width = getattr(args, "text_width", None)


def _columns_type(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of columns, got {text[:40]!r}") from None
    if value < MIN_WIDTH:
        raise argparse.ArgumentTypeError(f"expected at least {MIN_WIDTH} columns, got {value}")
    return value


def add_width(p: argparse.ArgumentParser) -> None:
    """The ``--width N`` option of a command that prints text."""
    p.add_argument("--width", metavar="N", type=_columns_type, default=None, dest="text_width",
                   help=f"lay text out to N columns (default: the terminal's width; {PIPED_WIDTH} when "
                        "output is piped)")


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (East Asian) characters two, combining marks none."""
    if text.isascii():
        return len(text)
    total = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        total += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return total


def _pad(text: str, width: int, align: str) -> str:
    room = " " * max(0, width - display_width(text))
    return text + room if align == "l" else room + text


def _lines(text: str, width: int, subsequent: str = "") -> list[str]:
    """``text`` wrapped to ``width`` columns, continuation lines after ``subsequent``: breaks
    at spaces and after a hyphen between letters, and inside a word only when the word is
    longer than a line (at least one line)."""
    if display_width(text) <= width:
        return [text]
    if width <= 2 * len(subsequent):
        subsequent = ""
    lines: list[str] = []
    line = text[:len(text) - len(text.lstrip())][:width // 2]  # a cell's own indent stays (as textwrap's did)
    for word in text.split():
        for k, piece in enumerate(_HYPHEN.split(word)):
            room = max(1, width - (len(subsequent) if lines else 0))
            joined = line + " " + piece if line.strip() and k == 0 else line + piece
            if display_width(joined) <= room:
                line = joined
                continue
            if line.strip():
                lines.append(line)
                room = max(1, width - len(subsequent))
            while display_width(piece) > room:  # a piece longer than a whole line: cut it
                head, piece = _cut(piece, room)
                lines.append(head)
                room = max(1, width - len(subsequent))
            line = piece
    lines.append(line)
    return lines[:1] + [subsequent + rest for rest in lines[1:]]


def _cut(piece: str, room: int) -> tuple[str, str]:
    """The start of ``piece`` that fits ``room`` columns, and the rest: cut after its last '.',
    '_' or '/' that fits (an identifier such as ``node.child_id``) when that keeps at least half
    the room and more than punctuation is left over, else at the room (one character at least)."""
    used = 0
    for i, ch in enumerate(piece):
        used += display_width(ch)
        if used > room:
            at = max(piece.rfind(mark, 0, i) for mark in "._/") + 1
            at = at if 2 * at >= room and any(c.isalnum() for c in piece[i:]) else max(1, i)
            return piece[:at], piece[at:]
    return piece, ""


def wrap(text: str, indent: str = "", subsequent: str | None = None, width: int | None = None) -> str:
    """A paragraph filled to the width after ``indent`` (line breaks in it become spaces)."""
    width = columns() if width is None else width
    rest = indent if subsequent is None else subsequent
    room = max(MIN_WIDTH // 2, width - max(len(indent), len(rest)))
    width = max(width, room + max(len(indent), len(rest)))
    return textwrap.fill(re.sub(r"\s*\n\s*", " ", text.strip()), width=width, initial_indent=indent,
                         subsequent_indent=rest, break_on_hyphens=False)


def fit(text: str, width: int | None = None) -> str:
    """Every line of ``text`` wider than the width, wrapped at spaces after its own indent plus two."""
    width = columns() if width is None else width
    out = []
    for line in text.split("\n"):
        if display_width(line) <= width:
            out.append(line)
            continue
        body = line.lstrip(" ")
        indent = line[: len(line) - len(body)]
        if len(indent) > width // 2:
            indent = indent[: width // 2]
        out.extend(textwrap.wrap(body, width=width, initial_indent=indent, subsequent_indent=indent + "  ",
                                 break_on_hyphens=False, drop_whitespace=True) or [""])
    return "\n".join(out)


# -- tables ------------------------------------------------------------------------------------
def table(headers: Sequence[str], rows: Iterable[Sequence[object]], align: str | None = None,
          indent: str = "  ", width: int | None = None) -> str:
    """Aligned columns in at most ``width`` columns; ``align`` has 'l' or 'r' per column.

    Right-aligned columns hold numbers: they keep their full width.  Left-aligned (text)
    columns wrap when the table would be too wide, continuation lines indented by one space;
    when even that does not fit, the columns after the first are split into groups shown one
    below the other, each group repeating the first column.

    >>> print(table(["name", "p"], [["a long label that will wrap", "0.25"]], "lr", indent="", width=20))
    name               p
    --------------  ----
    a long label    0.25
     that will
     wrap
    """
    cells = [[str(c) for c in row] for row in rows]
    headers = [str(h) for h in headers]
    align = (align or "l" * len(headers)).ljust(len(headers), "l")[:len(headers)]
    width = columns() if width is None else width
    room = width - display_width(indent)
    natural = [max([display_width(h)] + [display_width(r[i]) for r in cells if i < len(r)])
               for i, h in enumerate(headers)]
    for row in cells:
        row.extend([""] * (len(headers) - len(row)))
    if _total(natural) <= room:
        return _render(headers, cells, align, natural, indent)
    least = [_least(headers[i], [r[i] for r in cells], align[i], natural[i]) for i in range(len(headers))]
    if _total(least) <= room:
        return _render(headers, cells, align, _share(natural, least, room), indent)
    return _stacked(headers, cells, align, natural, least, indent, room)


def _total(widths: Sequence[int]) -> int:
    return sum(widths) + len(GAP) * max(0, len(widths) - 1)


def _least(header: str, column: list[str], align: str, natural: int) -> int:
    """The narrowest a column may be: numbers whole, text down to its longest word (a word
    longer than 24 columns is broken) but not under 8 columns; a word that may start a
    continuation line counts one more, for its indent, so that no word that fits is cut."""
    words = max([display_width(w) for text in [header, *column] for w in _WORD.split(text)] or [0])
    if align == "r":  # numbers never wrap; a header wraps between words
        return max([display_width(c) for c in column] + [words, 1])
    need = 0
    for text in [header, *column]:
        first, *rest = _WORD.split(text.strip()) or [""]
        need = max(need, display_width(first), *(display_width(w) + 1 for w in rest))
    return min(natural, max(8, min(need, 25)))


def _share(natural: list[int], least: list[int], room: int) -> list[int]:
    """Widths between ``least`` and ``natural`` that add up to ``room``: each column gets up to a
    common extra (water filling), so short columns are whole and the long ones wrap."""
    widths = list(least)
    spare = room - _total(widths)
    want = sorted((n - m, i) for i, (n, m) in enumerate(zip(natural, least, strict=True)) if n > m)
    for k, (w, i) in enumerate(want):
        level = spare // (len(want) - k)  # an equal share of what is left
        give = min(w, level)
        widths[i] += give
        spare -= give
    for _, i in reversed(want):  # the remainder of the division, to the widest
        give = min(spare, natural[i] - widths[i])
        widths[i] += give
        spare -= give
    return widths


def _render(headers: list[str], cells: list[list[str]], align: str, widths: list[int], indent: str) -> str:
    def block(row: list[str], rule: bool = False) -> list[str]:
        pieces = [[c] if rule else _lines(c, w, "" if a == "r" else " ")
                  for c, w, a in zip(row, widths, align, strict=True)]
        height = max(len(p) for p in pieces)
        out = []
        for k in range(height):
            parts = [_pad(p[k] if k < len(p) else "", w, a) for p, w, a in zip(pieces, widths, align, strict=True)]
            out.append((indent + GAP.join(parts)).rstrip())
        return out

    lines = block(headers) + block(["-" * w for w in widths], rule=True)
    for row in cells:
        lines += block(row)
    return "\n".join(lines)


def _stacked(headers: list[str], cells: list[list[str]], align: str, natural: list[int], least: list[int],
             indent: str, room: int) -> str:
    """Column groups one below the other, each repeating the first column; records if even one
    column beside the first does not fit."""
    key = min(natural[0], max(least[0], room // 3))
    groups: list[list[int]] = []
    used = key
    for i in range(1, len(headers)):
        need = len(GAP) + least[i]
        if groups and used + need <= room:
            groups[-1].append(i)
            used += need
        elif key + need <= room:
            groups.append([i])
            used = key + need
        else:
            return _records(headers, cells, indent, room)
    parts = []
    for group in groups:
        keep = [0, *group]
        sub = table([headers[i] for i in keep], [[r[i] for i in keep] for r in cells],
                    "".join(align[i] for i in keep), indent=indent, width=room + display_width(indent))
        parts.append(sub)
    return "\n\n".join(parts)


def _records(headers: list[str], cells: list[list[str]], indent: str, room: int) -> str:
    """One block per row: its first cell, then 'header: value' for the others."""
    out = []
    for row in cells:
        out += [indent + line for line in _lines(row[0], room, " ")]
        for h, c in zip(headers[1:], row[1:], strict=True):
            if c:
                out += [indent + "  " + line for line in _lines(f"{h}: {c}", room - 2, "  ")]
    return "\n".join(out)

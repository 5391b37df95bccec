"""Text extents in points, measured with matplotlib's own fonts, fast; and wrapping.

Diagrams are laid out from the size their text will really have, so nothing overlaps
or is clipped.  Asking matplotlib to shape every string costs about half a millisecond
each (FreeType lays the whole string out), too slow for a 500-node tree; instead each
glyph's advance is measured once per font, size and resolution and a string's width is
the sum of its advances.  The advance taken is the larger of the hinted one at the
output resolution (what the PNG renderer uses: the sum matches matplotlib's width to
within 0.4 %) and the unhinted one (what the PDF and SVG backends use), plus a 1 %
margin, so the estimate is never smaller than the drawn text.  Line heights follow
matplotlib's multi-line layout (the font's ascent, descent and line gap), with the
tallest ascent and deepest descent of common glyphs.
"""

from __future__ import annotations

import textwrap
from functools import lru_cache
from typing import Literal, cast

__all__ = ["TextMetrics", "wrap_words"]

_MARGIN = 1.01  # relative safety margin on widths
_TALL = "lpÉÅgjy()[]|{}"  # the tallest ascent and deepest descent of common text


class TextMetrics:
    """Measure text for one output resolution, in points of the final figure.

    ``scale`` is the factor the figure will be drawn at (text of nominal size ``s`` is
    drawn at ``s * scale`` points); extents are returned in nominal points, so the
    layout can be computed once in nominal units.

    >>> m = TextMetrics(dpi=150)
    >>> w, h = m.size("Enter", 9)
    >>> 20 < w < 30 and 8 < h < 14
    True
    >>> m.width("a\\nlonger line", 9) == m.width("longer line", 9)
    True
    """

    def __init__(self, dpi: float = 150.0, scale: float = 1.0,
                 family: tuple[str, ...] = ("DejaVu Sans", "sans-serif")):
        self.dpi = float(dpi)
        self.scale = float(scale)
        self.family = tuple(family)
        self._fonts: dict[tuple, tuple[dict, object, float, float, float]] = {}

    def _font(self, size: float, weight: str, style: str):
        key = (size, weight, style)
        found = self._fonts.get(key)
        if found is None:
            found = self._fonts[key] = _load_font(self.family, size * self.scale, weight, style,
                                                  self.dpi)
        return found

    def width(self, text: str, size: float, weight: str = "normal", style: str = "normal") -> float:
        """Width of the widest line of ``text`` in nominal points."""
        advances, font, _, _, _ = self._font(size, weight, style)
        best = 0.0
        for line in text.split("\n"):
            total = 0.0
            for ch in line:
                a = advances.get(ch)
                if a is None:
                    a = advances[ch] = _advance(font, ch, self.dpi)
                total += a
            best = max(best, total)
        # One extra pixel for the last glyph's ink beyond its advance.
        return (best * _MARGIN + 72.0 / self.dpi) / self.scale if best else 0.0

    def height(self, lines: int, size: float, weight: str = "normal", style: str = "normal") -> float:
        """Height of ``lines`` lines of text in nominal points (0 for none)."""
        if lines <= 0:
            return 0.0
        _, _, ascent, descent, gap = self._font(size, weight, style)
        per_line = ascent + descent + (gap if lines > 1 else 0.0)
        return lines * per_line * 1.005 / self.scale

    def size(self, text: str, size: float, weight: str = "normal", style: str = "normal"
             ) -> tuple[float, float]:
        """``(width, height)`` of ``text`` in nominal points; ``(0, 0)`` for empty text."""
        if not text:
            return 0.0, 0.0
        return (self.width(text, size, weight, style),
                self.height(text.count("\n") + 1, size, weight, style))

    def wrap(self, text: str, width: float, size: float, weight: str = "normal",
             style: str = "normal") -> str:
        """``text`` wrapped at spaces so that each line fits ``width`` points."""
        return wrap_words(text, lambda s: self.width(s, size, weight, style), width)


def wrap_words(text: str, measure, width: float) -> str:
    """Greedy word wrap with a width function; over-long words are broken.

    >>> wrap_words("one two three four", len, 9)
    'one two\\nthree\\nfour'
    """
    out = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if measure(candidate) <= width or not line:
                line = candidate
            else:
                out.append(line)
                line = word
            while measure(line) > width and len(line) > 1:  # a word longer than the width
                cut = _longest_fit(line, measure, width)
                out.append(line[:cut] + "-")
                line = line[cut:]
        out.append(line)
    return "\n".join(out)


def _longest_fit(word: str, measure, width: float) -> int:
    """The longest prefix of ``word`` (at least 1, less than all) that fits ``width`` with a
    hyphen, by bisection: a 10^5-character word takes 17 measurements, not 10^5."""
    lo, hi = 1, len(word) - 1  # lo always acceptable (a single character goes on its own line)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if measure(word[:mid] + "-") <= width:
            lo = mid
        else:
            hi = mid - 1
    return lo


def chars_wrap(text: str, chars: int) -> str:
    """Wrap by character count (cheap first pass for labels)."""
    return "\n".join(textwrap.wrap(text, chars, break_long_words=True, break_on_hyphens=False)) or text


@lru_cache(maxsize=64)
def _load_font(family: tuple[str, ...], size: float, weight: str, style: str, dpi: float):
    """(advance cache, font, line ascent, line descent, line gap), heights in final points.

    As matplotlib lays out lines (``Text._get_layout``, line spacing "normal"): each line
    is at least the font's own ascent and descent (the OS/2 table, else hhea) tall, more
    for taller glyphs, and lines of multi-line text are a line gap apart.
    """
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties, findfont, get_font

    # matplotlib checks the style name itself (ValueError for an unknown one).
    prop = FontProperties(family=list(family), size=size, weight=weight,
                          style=cast(Literal["normal", "italic", "oblique"], style))
    font = get_font(findfont(prop))
    to_pt = 72.0 / dpi
    ascent = descent = gap = 0.0
    head = font.get_sfnt_table("head")
    assert head is not None, "every TrueType/OpenType font has a head table"
    upem = head["unitsPerEm"]
    if (os2 := font.get_sfnt_table("OS/2")) is not None:
        scale = size / upem  # font units -> points
        gap, ascent, descent = (os2["sTypoLineGap"] * scale, os2["sTypoAscender"] * scale,
                                -os2["sTypoDescender"] * scale)
    elif (hhea := font.get_sfnt_table("hhea")) is not None:
        scale = size / upem
        gap, ascent, descent = hhea["lineGap"] * scale, hhea["ascent"] * scale, -hhea["descent"] * scale
    renderer = RendererAgg(1, 1, dpi)
    for sample in ("lp", _TALL):
        _, h, d = renderer.get_text_width_height_descent(sample, prop, ismath=False)
        ascent = max(ascent, (h - d) * to_pt)
        descent = max(descent, d * to_pt)
    return {}, (font, prop), ascent, descent, gap


def _advance(font_state, ch: str, dpi: float) -> float:
    """The larger of the hinted (at ``dpi``) and unhinted advances of ``ch``, in points."""
    from matplotlib import ft2font
    from matplotlib.backends.backend_agg import get_hinting_flag

    font, prop = font_state
    size = prop.get_size_in_points()
    font.set_size(size, dpi)
    hinted = font.load_char(ord(ch), flags=get_hinting_flag()).horiAdvance / 64.0
    linear = font.load_char(ord(ch), flags=ft2font.LoadFlags.NO_HINTING).linearHoriAdvance / 65536.0
    return max(hinted, linear) * 72.0 / dpi

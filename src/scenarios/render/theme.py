"""Colours, fonts and line styles for diagrams and charts: light, dark and print.

The palette is Okabe and Ito's (2008) eight colours, chosen to stay distinguishable
with the common forms of colour blindness.  Actors take the file's ``color`` when it
gives one, else the palette in order.  The ``print`` theme is for greyscale printers
and photocopies: no colour at all; actors and tags are told apart by grey level *and*
hatching, and highlighted paths by weight, so nothing depends on hue.

No matplotlib import at module level: themes are plain data.

References
----------
Okabe, M. and Ito, K. (2008). Color Universal Design (CUD): how to make figures and
presentations that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..errors import (
    UnknownThemeError,  # noqa: F401  (defined in errors.py; importable here as before)
)

__all__ = ["OKABE_ITO", "Theme", "THEMES", "get_theme", "UnknownThemeError", "Style"]

#: Okabe-Ito colours by name.
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7",
}
# Order for categories: strong, well separated colours first; yellow (weak on white) late.
_PALETTE = tuple(OKABE_ITO[k] for k in ("blue", "vermillion", "bluish_green", "orange",
                                         "reddish_purple", "sky_blue", "yellow", "black"))
# Greys from light to dark and hatches, combined for the print theme's categories.
_GREYS = ("#ffffff", "#c8c8c8", "#8c8c8c", "#4d4d4d")
_HATCHES = ("", "////", "....", "xxxx", "\\\\\\\\", "oo", "++", "--")


@dataclass(frozen=True, slots=True)
class Style:
    """How one category (an actor, a tag) is filled: colour, hatch, edge colour."""

    face: str
    hatch: str = ""
    edge: str = "#000000"


@dataclass(frozen=True)
class Theme:
    """One look for every figure.  Sizes are in points."""

    name: str
    background: str
    text: str  # main text
    muted: str  # secondary text: probabilities, footers, stub text
    line: str  # edges and axes
    chance: str  # chance node fill
    outcome: str  # outcome node fill
    node_edge: str  # outline of node symbols
    highlight: str  # highlighted paths and choices
    grid: str
    palette: tuple[str, ...]
    greyscale: bool = False
    # DejaVu Sans ships with matplotlib (same metrics everywhere); "sans-serif" makes SVG files
    # list matplotlib's sans-serif fallbacks (Verdana, Arial, Helvetica, ...) after it, for
    # editors that lack it (matplotlib itself always finds the first).
    font_family: tuple[str, ...] = ("DejaVu Sans", "sans-serif")
    font_size: float = 9.0  # diagram text
    title_size: float = 15.0
    subtitle_size: float = 9.5
    footer_size: float = 7.5
    line_width: float = 0.9
    highlight_width: float = 3.0

    def category(self, i: int, color: str | None = None) -> Style:
        """The style of the ``i``-th category; ``color`` (e.g. the file's) wins unless printing.

        >>> get_theme("light").category(0).face
        '#0072B2'
        >>> s = get_theme("print").category(1)
        >>> (s.face, s.hatch)
        ('#c8c8c8', '////')
        """
        if self.greyscale:
            # Grey level and hatch both change from one category to the next, so that
            # neighbours differ twice over; 4 greys x 8 hatches before any repeat.
            return Style(_GREYS[i % len(_GREYS)], _HATCHES[i % len(_HATCHES)], self.text)
        return Style(color or self.palette[i % len(self.palette)], "", self.node_edge)

    def categories(self, keys: Sequence[str], colors: Mapping[str, str | None] | None = None
                   ) -> dict[str, Style]:
        """Styles for ``keys`` in order, taking ``colors[key]`` where given (not when printing).

        Palette colours already taken by a given colour are skipped, so two categories
        never share a colour by accident.
        """
        colors = dict(colors or {})
        taken = {c.lower() for c in colors.values() if c}
        free = [c for c in self.palette if c.lower() not in taken]
        out, k = {}, 0
        for i, key in enumerate(keys):
            if self.greyscale:
                out[key] = self.category(i)
            elif given := colors.get(key):
                out[key] = Style(given, "", self.node_edge)
            else:
                out[key] = Style(free[k % len(free)] if free else self.palette[k % len(self.palette)],
                                 "", self.node_edge)
                k += 1
        return out

    def rc(self) -> dict:
        """matplotlib rcParams for this theme (use with ``matplotlib.rc_context``)."""
        return {
            "figure.facecolor": self.background, "axes.facecolor": self.background,
            "savefig.facecolor": self.background, "savefig.edgecolor": self.background,
            "text.color": self.text, "axes.labelcolor": self.text, "axes.edgecolor": self.line,
            "xtick.color": self.text, "ytick.color": self.text, "grid.color": self.grid,
            "axes.titlecolor": self.text, "legend.edgecolor": self.grid,
            "legend.facecolor": self.background, "legend.labelcolor": self.text,
            "font.family": list(self.font_family), "font.size": self.font_size,
            "axes.titlesize": self.font_size + 2, "axes.labelsize": self.font_size,
            "xtick.labelsize": self.font_size - 0.5, "ytick.labelsize": self.font_size - 0.5,
            "legend.fontsize": self.font_size - 0.5, "hatch.color": self.text,
            "hatch.linewidth": 0.6, "axes.spines.top": False, "axes.spines.right": False,
            "svg.fonttype": "none", "pdf.fonttype": 42,
        }


THEMES: dict[str, Theme] = {
    "light": Theme(
        name="light", background="#ffffff", text="#1a1a1a", muted="#555555", line="#7a7a7a",
        chance="#d9d9d9", outcome="#4d4d4d", node_edge="#1a1a1a", highlight=OKABE_ITO["reddish_purple"],
        grid="#e3e3e3", palette=_PALETTE),
    "dark": Theme(
        name="dark", background="#16191d", text="#ececec", muted="#a9b0b8", line="#8b949e",
        chance="#5c636b", outcome="#c9c9c9", node_edge="#ececec", highlight=OKABE_ITO["yellow"],
        grid="#30363d", palette=tuple(OKABE_ITO[k] for k in (
            "sky_blue", "vermillion", "bluish_green", "orange", "reddish_purple", "yellow", "blue"))
        + ("#ffffff",)),
    "print": Theme(
        name="print", background="#ffffff", text="#000000", muted="#333333", line="#6b6b6b",
        chance="#ffffff", outcome="#000000", node_edge="#000000", highlight="#000000",
        grid="#d0d0d0", palette=("#000000",), greyscale=True, highlight_width=3.4),
}


def get_theme(theme: str | Theme = "light") -> Theme:
    """A theme by name (``light``, ``dark``, ``print``), or the theme itself.

    >>> get_theme("dark").background
    '#16191d'
    >>> get_theme("sepia")
    Traceback (most recent call last):
    ...
    scenarios.errors.UnknownThemeError: unknown theme 'sepia' (available: light, dark, print)
    """
    if isinstance(theme, Theme):
        return theme
    try:
        return THEMES[theme]
    except KeyError:
        raise UnknownThemeError(f"unknown theme {theme!r} (available: {', '.join(THEMES)})") from None

"""Figures: make one without global state, and save it atomically in a checked format.

:func:`new_figure` uses pyplot only when the caller already uses it (a notebook or an
interactive session, where figures should display); otherwise it builds a bare
``Figure`` on the Agg canvas, which needs no display and leaves no global state behind.
:func:`save_figure` checks the format from the suffix, renders to a temporary file next
to the target with that explicit format, then renames it (:mod:`scenarios.io.atomic`),
so an interrupted save never leaves a partial file.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from ..errors import (
    TooLargeError,
    UnknownOutputFormatError,  # noqa: F401  (defined in errors.py; importable here as before)
)
from ..io.atomic import OutputError, atomic_path

__all__ = ["FORMATS", "UnknownOutputFormatError", "output_format", "new_figure", "close_figure",
           "save_figure", "figure_bytes"]

#: Output formats by file suffix.
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def output_format(path: str | os.PathLike, allowed=FORMATS) -> str:
    """The format for ``path`` from its suffix.

    >>> output_format("tree.SVG")
    'svg'
    >>> output_format("tree.jpg")
    Traceback (most recent call last):
    ...
    scenarios.errors.UnknownOutputFormatError: tree.jpg: error: unknown output format '.jpg' (use .png, .svg or .pdf)
    """
    suffix = Path(path).suffix.lower()
    if suffix not in allowed:
        names = [s for s in allowed]
        listed = ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]
        what = f"unknown output format {suffix!r}" if suffix else "no file suffix to tell the format"
        raise UnknownOutputFormatError(f"{path}: error: {what} (use {listed})")
    return allowed[suffix]


def new_figure(width: float = 6.4, height: float = 4.8, dpi: float = 100.0, facecolor=None):
    """A matplotlib Figure of ``width`` x ``height`` inches.

    Through pyplot (so that it displays) only if pyplot is already in use; else a bare
    Figure on an Agg canvas.
    """
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib.pyplot as plt

        return plt.figure(figsize=(width, height), dpi=dpi, facecolor=facecolor)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=dpi, facecolor=facecolor)
    FigureCanvasAgg(fig)
    return fig


def close_figure(fig) -> None:
    """Let go of ``fig`` once it is saved: pyplot keeps every figure it made until closed
    (and warns past 20); a bare figure needs nothing.  Never imports pyplot itself, which
    would make every later :func:`new_figure` a pyplot figure."""
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib.pyplot as plt

        plt.close(fig)


#: Text stays text: SVG <text> elements (fonts named, with fallbacks, for Inkscape and
#: PowerPoint to edit) and PDF with embedded TrueType fonts (no Type 3 glyph procedures).
VECTOR_TEXT = {"svg.fonttype": "none", "pdf.fonttype": 42, "ps.fonttype": 42}


def vector_text():
    """A context in which saved SVG and PDF files keep their text as text (:data:`VECTOR_TEXT`)."""
    import matplotlib

    return matplotlib.rc_context(VECTOR_TEXT)


def save_figure(fig, path: str | os.PathLike, *, dpi: float | None = None,
                metadata: dict | None = None) -> Path:
    """Save ``fig`` to ``path`` atomically; the format comes from the suffix.

    Raises
    ------
    UnknownOutputFormatError
        for a suffix other than .png, .svg or .pdf.
    scenarios.errors.OutputError
        when the folder does not exist or cannot be written, or the target is a
        scenario file.
    """
    fmt = output_format(path)
    check_pixels(fig, dpi)
    with atomic_path(path) as tmp, vector_text():
        try:
            fig.savefig(tmp, format=fmt, dpi=dpi or fig.dpi, facecolor=fig.get_facecolor(),
                        metadata=_metadata(fmt, metadata), **_png_options(fig, fmt, dpi))
        except OSError as exc:
            raise OutputError(f"{path}: error: cannot write the figure ({exc.strerror or exc})") from None
    return Path(path)


#: The longest side of a figure in pixels (at its dpi): past this the renderer runs out of
#: memory or fails inside FreeType, so larger sizes are refused up front.
MAX_PIXELS = 32_768


#: The highest resolution accepted (fonts at more dots per inch fail inside FreeType).
MAX_DPI = 2_400


def check_size(width: float | None, height: float | None, dpi: float | None) -> None:
    """TooLargeError, naming the limit, for a requested size the renderer cannot make:
    ``dpi`` above :data:`MAX_DPI`, or a side longer than :data:`MAX_PIXELS` pixels."""
    resolution = dpi or 150.0
    if not resolution <= MAX_DPI:
        raise TooLargeError(f"--dpi {resolution:g}: at most {MAX_DPI:,} dots per inch")
    for name, inches in (("--width", width), ("--height", height)):
        if inches is not None and not inches * resolution <= MAX_PIXELS:
            raise TooLargeError(f"{name} {inches:g} at {resolution:g} dpi would be {inches * resolution:,.0f} "
                                f"pixels; the limit is {MAX_PIXELS:,} (lower {name} or --dpi)")


def check_pixels(fig: Any, dpi: float | None) -> None:
    """TooLargeError if ``fig`` at ``dpi`` would be wider or taller than :data:`MAX_PIXELS`."""
    width, height = fig.get_size_inches()
    resolution = dpi or fig.dpi
    side = max(width, height) * resolution
    if not side <= MAX_PIXELS:
        raise TooLargeError(f"the figure would be {width:g} x {height:g} in at {resolution:g} dpi, "
                            f"{side:,.0f} pixels on its longest side; the limit is {MAX_PIXELS:,} "
                            "(lower --dpi, --width or --height)")


def figure_bytes(fig, fmt: str = "png", *, dpi: float | None = None) -> bytes:
    """The figure rendered to bytes (for notebooks and tests)."""
    import io

    check_pixels(fig, dpi)
    buffer = io.BytesIO()
    with vector_text():
        fig.savefig(buffer, format=fmt, dpi=dpi or fig.dpi, facecolor=fig.get_facecolor(),
                    metadata=_metadata(fmt, None))
    return buffer.getvalue()


def _png_options(fig, fmt: str, dpi: float | None) -> dict:
    """Faster zlib for very large PNGs (a tall tree can be tens of megapixels): level 6
    spends seconds there for a few per cent of file size."""
    if fmt != "png":
        return {}
    w, h = fig.get_size_inches() * (dpi or fig.dpi)
    return {"pil_kwargs": {"compress_level": 6 if w * h < 8e6 else 2}}


def _metadata(fmt: str, extra: dict | None) -> dict:
    # A fixed creator and no dates: the same input gives the same bytes (for PNG/SVG).
    from .. import __version__

    software = f"scenarios {__version__}"
    by_format: dict[str, dict[str, str | None]] = {
        "png": {"Software": software}, "svg": {"Creator": software, "Date": None},
        "pdf": {"Creator": software, "CreationDate": None}}
    base = by_format[fmt]
    if extra:
        base.update(extra)
    return base

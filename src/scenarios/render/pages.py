"""16:9 landscape text pages for PDF documents (headings, wrapped paragraphs, tables,
paginated), and writing a list of figures as one PDF.  Drawing only: what the pages say
is decided by the caller (the briefing pack, :mod:`scenarios.briefing`).

matplotlib is imported inside the functions only.
"""

from __future__ import annotations

from pathlib import Path

from .theme import Theme

__all__ = ["TextPages", "write_pdf", "PAGE", "BODY", "SMALL"]

PAGE = (13.33, 7.5)  # every page, inches: a 16:9 slide, landscape
_MARGIN = 54.0  # points
BODY = 10.0
SMALL = 8.5


def write_pdf(path: Path, figures, *, title: str, creator: str) -> None:
    """Write ``figures`` to ``path`` as one PDF, a page each, every page :data:`PAGE` (a chart
    drawn at another size is laid out again at that size; a tree should be drawn for a slide),
    text as text in embedded TrueType fonts."""
    from matplotlib.backends.backend_pdf import PdfPages

    from .save import vector_text

    with vector_text(), PdfPages(path, metadata={"Title": title, "Creator": creator,
                                                 "CreationDate": None}) as pdf:
        for fig in figures:
            if fig.get_layout_engine() is not None:
                fig.set_size_inches(*PAGE)
            pdf.savefig(fig, facecolor=fig.get_facecolor())


class TextPages:
    """16:9 landscape text pages: headings, wrapped paragraphs and tables, paginated."""

    def __init__(self, theme: Theme, dpi: float = 150.0):
        from .measure import TextMetrics

        self.theme = theme
        self.metrics = TextMetrics(dpi, family=theme.font_family)
        self.width = PAGE[0] * 72 - 2 * _MARGIN
        self.pages: list[list[tuple]] = [[]]
        self.y = _MARGIN  # from the top

    def _room(self, height: float) -> None:
        if self.y + height > PAGE[1] * 72 - _MARGIN and self.pages[-1]:
            self.pages.append([])
            self.y = _MARGIN

    def heading(self, text: str, size: float) -> None:
        text = self.metrics.wrap(text, self.width, size, "bold")
        h = self.metrics.height(text.count("\n") + 1, size, "bold")
        self._room(h + 8 + 3 * BODY)  # keep a heading with what follows it
        self.y += 6 if self.pages[-1] else 0
        self.pages[-1].append(("text", _MARGIN, self.y, text, size, "bold", False))
        self.y += h + 6

    def paragraph(self, text: str, *, size: float = BODY, muted: bool = False, space: float = 6) -> None:
        wrapped = self.metrics.wrap(text, self.width, size).split("\n")
        line_h = self.metrics.height(2, size) - self.metrics.height(1, size)
        first = self.metrics.height(1, size)
        chunk: list[str] = []
        for line in wrapped:  # split across pages line by line
            needed = first + line_h * len(chunk)
            if self.y + needed > PAGE[1] * 72 - _MARGIN and chunk:
                self._flush(chunk, size, muted)
                chunk = []
                self.pages.append([])
                self.y = _MARGIN
            chunk.append(line)
        if chunk:
            self._flush(chunk, size, muted)
        self.y += space

    def _flush(self, lines: list[str], size: float, muted: bool) -> None:
        text = "\n".join(lines)
        self.pages[-1].append(("text", _MARGIN, self.y, text, size, "normal", muted))
        self.y += self.metrics.height(len(lines), size)

    def table(self, headers, rows, fractions) -> None:
        widths = [f * self.width for f in fractions]
        size = SMALL
        pad = 4.0

        def cells(values, weight):
            wrapped = [self.metrics.wrap(str(v), w - 2 * pad, size, weight)
                       for v, w in zip(values, widths, strict=False)]
            height = max(self.metrics.height(c.count("\n") + 1, size, weight) for c in wrapped) + 2 * pad
            return wrapped, height

        head, head_h = cells(headers, "bold")

        def draw_row(wrapped, height, weight, rule):
            x = _MARGIN
            for text, w in zip(wrapped, widths, strict=False):
                self.pages[-1].append(("text", x + pad, self.y + pad, text, size, weight, False))
                x += w
            self.y += height
            if rule:
                self.pages[-1].append(("rule", _MARGIN, self.y, _MARGIN + self.width))

        self._room(head_h * 2)
        draw_row(head, head_h, "bold", True)
        for row in rows:
            wrapped, height = cells(row, "normal")
            if self.y + height > PAGE[1] * 72 - _MARGIN:
                self.pages.append([])
                self.y = _MARGIN
                draw_row(head, head_h, "bold", True)  # repeat the header on a new page
            draw_row(wrapped, height, "normal", False)
            self.pages[-1].append(("rule", _MARGIN, self.y, _MARGIN + self.width, "light"))
        self.y += 8

    def finish(self) -> list:
        from matplotlib.lines import Line2D

        from .save import new_figure

        theme = self.theme
        figures = []
        height = PAGE[1] * 72
        for ops in self.pages:
            if not ops:
                continue
            fig = new_figure(*PAGE, 150, facecolor=theme.background)
            for op in ops:
                if op[0] == "text":
                    _, x, y, text, size, weight, muted = op
                    fig.text(x / (PAGE[0] * 72), 1 - y / height, text, ha="left", va="top",
                             fontsize=size, fontweight=weight, color=theme.muted if muted else theme.text,
                             fontfamily=list(theme.font_family))
                else:
                    x0, y, x1 = op[1], op[2], op[3]
                    light = len(op) > 4
                    fig.add_artist(Line2D([x0 / (PAGE[0] * 72), x1 / (PAGE[0] * 72)],
                                          [1 - y / height] * 2, color=theme.grid if light else theme.line,
                                          linewidth=0.5 if light else 0.8))
            figures.append(fig)
        return figures

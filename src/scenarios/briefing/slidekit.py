"""The slide primitives of the briefing deck (:mod:`.deck`): measured text, flowing text,
paged native tables, native bar and line charts, full-slide pictures.

Every piece of text is measured before it is placed, with
:class:`~scenarios.render.measure.TextMetrics` and DejaVu Sans, which is at least as wide
as the deck's Arial (and its metric twin Liberation Sans), and every paragraph gets an
exact line height: the box drawn is the box measured, in PowerPoint and LibreOffice alike.
Text and lists that do not fit continue on a slide titled "... (continued)".
"""

from __future__ import annotations

import io

from ..errors import ScenarioError
from ..render.theme import Theme

__all__ = ["SlideKit", "WIDTH_IN", "HEIGHT_IN", "MARGIN_IN", "BODY_MIN", "LINE", "short"]

WIDTH_IN, HEIGHT_IN = 13.333, 7.5  # 16:9
MARGIN_IN = 0.6
TITLE_SIZE, BODY_SIZE, BODY_MIN = 28.0, 16.0, 12.0
FONT = "Arial"
LINE = 1.2  # line height relative to the font size (PowerPoint's single spacing is about 1.17)
_BODY_TOP, _BODY_BOTTOM = 1.3, 7.05  # inches


def need_pptx():
    """python-pptx, or a one-line error saying how to install it."""
    try:
        import pptx
    except ImportError:
        raise ScenarioError("error: --format pptx needs python-pptx: pip install 'scenarios[pptx]'") from None
    return pptx


class SlideKit:
    """A 16:9 presentation being built, with the slide titles in order (:attr:`titles`)."""

    def __init__(self, theme: Theme, dpi: float | None):
        from pptx import Presentation
        from pptx.util import Inches

        from ..render.measure import TextMetrics

        self.theme = theme
        self.dpi = dpi
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = Inches(WIDTH_IN), Inches(HEIGHT_IN)
        self.metrics = TextMetrics(dpi=300)  # DejaVu Sans: at least as wide as Arial or Liberation Sans
        self.titles: list[str] = []

    def color(self, hex_color: str):
        from pptx.dml.color import RGBColor

        return RGBColor.from_string(hex_color.lstrip("#")[:6].upper())

    def slide(self, title: str | None):
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[6])  # blank
        fill = slide.background.fill
        fill.solid()
        fill.fore_color.rgb = self.color(self.theme.background)
        self.titles.append(title or "")
        if title:
            self.text(slide, title, MARGIN_IN, 0.35, WIDTH_IN - 2 * MARGIN_IN, 0.85, TITLE_SIZE, bold=True)
        return slide

    def lines(self, text: str, width_in: float, size: float, bold: bool = False) -> list[str]:
        """``text`` wrapped to the box's inner width (its insets taken off)."""
        inner = (width_in - 0.2) * 72.0
        return self.metrics.wrap(text, inner, size, "bold" if bold else "normal").split("\n")

    def height(self, text: str, width_in: float, size: float, bold: bool = False) -> float:
        """Height in inches of ``text`` in a box ``width_in`` wide (insets included)."""
        return len(self.lines(text, width_in, size, bold)) * size * LINE / 72.0 + 0.1

    def text(self, slide, text, x, y, w, h, size, *, bold=False, muted=False, italic=False, space=0.0):
        """A wrapped text box; ``text`` may be a list of paragraphs."""
        from pptx.enum.text import MSO_AUTO_SIZE
        from pptx.util import Inches, Pt

        box = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
        frame = box.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        frame.margin_left = frame.margin_right = Inches(0.1)
        frame.margin_top = frame.margin_bottom = Inches(0.05)
        for i, para in enumerate([text] if isinstance(text, str) else text):
            p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            p.line_spacing = Pt(size * LINE)  # exact: the height measured is the height drawn
            if i and space:
                p.space_before = Pt(space)
            run = p.add_run()
            run.text = para
            font = run.font
            font.name, font.size, font.bold, font.italic = FONT, Pt(size), bold, italic
            font.color.rgb = self.color(self.theme.muted if muted else self.theme.text)
        return box

    def fit_size(self, text: str, w: float, h: float, largest: float = 20.0) -> float | None:
        """The largest size from ``largest`` down to 12 pt at which ``text`` fits ``w`` x ``h``."""
        size = largest
        while size >= BODY_MIN:
            if self.height(text, w, size) <= h:
                return size
            size -= 1.0
        return None

    def flow(self, title: str, blocks: list[tuple[str, float, bool]], top: float = _BODY_TOP,
             first_title: str | None = None) -> None:
        """Paragraphs ``(text, size, bold)`` on as many slides as they need (``title (continued)``);
        the first slide is titled ``first_title`` when given."""
        w = WIDTH_IN - 2 * MARGIN_IN
        slide, y = self.slide(first_title or title), top
        for k, (text, size, bold) in enumerate(blocks):
            lines = self.lines(text, w, size, bold)
            if bold and y > top:
                y += 0.12  # a heading sits closer to what it heads than to what came before
                if k + 1 < len(blocks):  # keep a heading with the first lines of what it heads
                    nxt_text, nxt_size, nxt_bold = blocks[k + 1]
                    nxt = min(3, len(self.lines(nxt_text, w, nxt_size, nxt_bold)))
                    if y + (len(lines) * size + nxt * nxt_size) * LINE / 72.0 + 0.3 > _BODY_BOTTOM:
                        slide, y = self.slide(f"{title} (continued)"), _BODY_TOP
            while lines:
                room = int(((_BODY_BOTTOM - y) - 0.1) * 72.0 / (size * LINE))
                if room <= 0 or (room < min(len(lines), 3) and y > top):  # no orphan lines at the foot
                    slide, y = self.slide(f"{title} (continued)"), _BODY_TOP
                    continue
                part, lines = lines[:room], lines[room:]
                h = len(part) * size * LINE / 72.0 + 0.1
                self.text(slide, " ".join(part), MARGIN_IN, y, w, h, size, bold=bold)
                y += h + 0.08

    def table(self, title: str, headers: list[str], rows: list[list[str]], widths: list[float],
              size: float = 14.0, intro: str | None = None):
        """A native table on as many slides as its rows need, the header row on each;
        returns the last slide and the height (in) where the table ends on it."""
        from pptx.util import Inches, Pt

        w = WIDTH_IN - 2 * MARGIN_IN
        col_in = self.columns(w, widths, [headers, *rows], size)

        def row_height(cells, bold=False):
            return max(len(self.lines(str(c), cw, size, bold)) for c, cw in zip(cells, col_in, strict=True)
                       ) * size * LINE / 72.0 + 0.12

        pending = list(rows)
        page = 0
        while pending or page == 0:
            slide = self.slide(title if page == 0 else f"{title} (continued)")
            y = _BODY_TOP
            if intro and page == 0:
                h = self.height(intro, w, BODY_MIN + 2)
                self.text(slide, intro, MARGIN_IN, y, w, h, BODY_MIN + 2, muted=True)
                y += h + 0.05
            used = row_height(headers, True)
            chunk: list[list[str]] = []
            while pending and (y + used + row_height(pending[0]) <= _BODY_BOTTOM or not chunk):
                used += row_height(pending[0])
                chunk.append(pending.pop(0))
            shape = slide.shapes.add_table(len(chunk) + 1, len(headers), Inches(MARGIN_IN), Inches(y),
                                           Inches(w), Inches(used))
            table = shape.table
            for j, cw in enumerate(col_in):
                table.columns[j].width = Inches(cw)
            for i, cells in enumerate([headers, *chunk]):
                table.rows[i].height = Inches(row_height(cells, i == 0))
                for j, value in enumerate(cells):
                    cell = table.cell(i, j)
                    cell.margin_left = cell.margin_right = Inches(0.1)
                    cell.margin_top = cell.margin_bottom = Inches(0.04)
                    frame = cell.text_frame
                    frame.word_wrap = True
                    frame.text = str(value)
                    for p in frame.paragraphs:
                        p.line_spacing = Pt(size * LINE)
                        for run in p.runs:
                            run.font.name, run.font.size, run.font.bold = FONT, Pt(size), i == 0
            page += 1
        return slide, y + used

    def columns(self, w: float, widths: list[float], rows: list[list[str]], size: float) -> list[float]:
        """Column widths (in) in the ratio ``widths``, each at least as wide as its longest word
        (taken from the widest column), so that no word is broken inside a cell."""
        cols = [w * f / sum(widths) for f in widths]
        need = [max((self.metrics.width(word, size, "bold") for row in rows for word in str(row[j]).split()),
                    default=0.0) / 72.0 + 0.25 for j in range(len(cols))]
        for j, n in enumerate(need):
            if cols[j] < n:
                widest = max(range(len(cols)), key=lambda k: cols[k] - need[k])
                give = min(n - cols[j], cols[widest] - need[widest])
                if widest != j and give > 0:
                    cols[j] += give
                    cols[widest] -= give
        return cols

    def picture(self, title: str, ax, caption: str) -> None:
        """A figure drawn at 16:9 over the whole slide; the caption in the slide's notes."""
        from pptx.util import Inches

        from ..render.save import close_figure

        buffer = io.BytesIO()
        ax.figure.savefig(buffer, format="png", dpi=self.dpi or 150, facecolor=ax.figure.get_facecolor())
        close_figure(ax.figure)
        slide = self.slide(None)
        self.titles[-1] = title
        slide.shapes.add_picture(buffer, 0, 0, Inches(WIDTH_IN), Inches(HEIGHT_IN))
        slide.notes_slide.notes_text_frame.text = caption

    def chart(self, slide, kind, categories, series, *, y: float, h: float, number_format: str,
              legend: bool = False, axis_title: str | None = None):
        """A native chart: ``series`` is ``[(name, values)]``."""
        from pptx.chart.data import CategoryChartData
        from pptx.enum.chart import XL_LEGEND_POSITION
        from pptx.util import Inches, Pt

        data = CategoryChartData(number_format=number_format)
        data.categories = categories
        for name, values in series:
            data.add_series(name, [float(v) for v in values])
        frame = slide.shapes.add_chart(kind, Inches(MARGIN_IN), Inches(y), Inches(WIDTH_IN - 2 * MARGIN_IN),
                                       Inches(h), data)
        chart = frame.chart
        chart.font.size, chart.font.name = Pt(BODY_MIN + 1), FONT
        chart.font.color.rgb = self.color(self.theme.text)
        chart.has_title = False  # the slide's title says what it is
        chart.has_legend = legend
        if legend:
            chart.legend.position = XL_LEGEND_POSITION.TOP
            chart.legend.include_in_layout = False
        if axis_title:
            axis = chart.value_axis
            axis.has_title = True
            axis.axis_title.text_frame.text = axis_title
            for p in axis.axis_title.text_frame.paragraphs:
                for run in p.runs:
                    run.font.size, run.font.bold = Pt(BODY_MIN + 1), False
        chart.value_axis.tick_labels.number_format = number_format
        chart.value_axis.tick_labels.number_format_is_linked = False
        chart.value_axis.has_major_gridlines = True
        chart.value_axis.major_gridlines.format.line.color.rgb = self.color(self.theme.grid)
        return chart

    def bars(self, title: str, categories: list[str], values: list[float], caption: str) -> None:
        """A horizontal bar chart of probabilities, largest at the top, with data labels."""
        from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION

        slide = self.slide(title)
        w = WIDTH_IN - 2 * MARGIN_IN
        ch = self.height(caption, w, BODY_MIN + 2)
        chart = self.chart(slide, XL_CHART_TYPE.BAR_CLUSTERED, [short(c) for c in categories],
                           [("probability", values)], y=_BODY_TOP, h=_BODY_BOTTOM - _BODY_TOP - ch - 0.05,
                           number_format="0.0%")
        chart.category_axis.reverse_order = True  # the first (most likely) at the top
        chart.value_axis.minimum_scale = 0.0  # a probability bar starts at 0
        self.label_every_bar(chart, 0.36)
        plot = chart.plots[0]
        plot.gap_width = 40
        plot.vary_by_categories = False
        plot.series[0].format.fill.solid()
        plot.series[0].format.fill.fore_color.rgb = self.color(self.theme.palette[0])
        plot.has_data_labels = True
        plot.data_labels.number_format, plot.data_labels.number_format_is_linked = "0.0%", False
        plot.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
        self.text(slide, caption, MARGIN_IN, _BODY_BOTTOM - ch, w, ch, BODY_MIN + 2, muted=True)

    @staticmethod
    def label_every_bar(chart, share: float, right: float = 0.93) -> None:
        """Every category labelled (none skipped when the labels are long) and ``share`` of
        the chart's width kept for the labels (the plot area placed by hand, up to ``right``)."""
        from pptx.oxml import parse_xml
        from pptx.oxml.ns import qn

        axis = chart.category_axis._element
        for old in axis.findall(qn("c:tickLblSkip")):
            axis.remove(old)
        skip = parse_xml('<c:tickLblSkip xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" val="1"/>')
        after = axis.find(qn("c:lblOffset"))
        if after is None:
            after = axis.find(qn("c:lblAlgn"))
        if after is not None:
            after.addnext(skip)
        else:
            axis.append(skip)
        plot_area = chart._chartSpace.find(qn("c:chart")).find(qn("c:plotArea"))
        for old in plot_area.findall(qn("c:layout")):
            plot_area.remove(old)
        layout = parse_xml(
            '<c:layout xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:manualLayout>'
            '<c:layoutTarget val="inner"/><c:xMode val="edge"/><c:yMode val="edge"/>'
            f'<c:x val="{share:.3f}"/><c:y val="0.10"/><c:w val="{right - share:.3f}"/><c:h val="0.76"/>'
            '</c:manualLayout></c:layout>')
        plot_area.insert(0, layout)

    # the slides ---------------------------------------------------------------------------------


def short(text: str, limit: int = 60) -> str:
    """A chart category: on one line, at most ``limit`` characters (the table has the full text)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

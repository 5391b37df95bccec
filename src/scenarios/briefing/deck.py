"""The briefing deck: ``scenarios report FILE --format pptx -o deck.pptx``.

One call, :func:`write_deck`, runs the analyses of the briefing pack (:mod:`.pack`) and
writes a PowerPoint deck (16:9, 13.33 x 7.5 in) a briefer can edit:

1. a title slide: title, as-of date, summary and the disclaimer;
2. key numbers: the most likely outcome, the most likely path, each actor's expected payoff;
3. the tree (the diagram from :func:`scenarios.render.tree.draw_tree`, drawn at 16:9);
4. the outcome distribution and the probability by tag as native bar charts;
5. the most likely paths and their narratives;
6. the strategic solution: its tree and the choices;
7. the tornado of the main metric as a native bar chart;
8. the evidence timeline (a native line chart and what was observed) when the file has one;
9. the sources, then what actually happened (hindsight) when the file reveals it.

Charts are PowerPoint charts holding the analysis' numbers (edit them with "Edit Data"),
not pictures; every parameter is named by its description (:func:`parameter_label`).
Text is measured before it is placed (:class:`~scenarios.render.measure.TextMetrics`
with DejaVu Sans, wider than the deck's Arial), so it fits its box at 12 pt or more;
long lists continue on further slides.  The file is written atomically.
"""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ScenarioError, ScenarioWarning
from ..io.atomic import atomic_path
from ..model import DISCLAIMER
from ..render.theme import Theme, get_theme
from . import pack

__all__ = ["Deck", "write_deck", "BODY_MIN"]

WIDTH_IN, HEIGHT_IN = 13.333, 7.5
MARGIN_IN = 0.6
TITLE_SIZE, BODY_SIZE, BODY_MIN = 28.0, 16.0, 12.0
FONT = "Arial"
LINE = 1.2  # line height relative to the font size (PowerPoint's single spacing is about 1.17)
_BODY_TOP, _BODY_BOTTOM = 1.3, 7.05  # inches
_CHART_ROWS = 15  # bars in one chart; more are summarised in the caption
_TORNADO_ROWS = 12


@dataclass(frozen=True)
class Deck:
    """What :func:`write_deck` wrote: the file and each slide's title, in order."""

    path: Path
    slides: tuple[str, ...]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"pptx": str(self.path), "slides": list(self.slides), "notes": list(self.notes)}


def _pptx():
    try:
        import pptx
    except ImportError:
        raise ScenarioError("error: --format pptx needs python-pptx: pip install 'scenarios[pptx]'") from None
    return pptx


def write_deck(scenario, out: str | os.PathLike, *, overrides: Mapping[str, Any] | None = None,
               theme: str | Theme = "light", metric: str | None = None, top: int = 5,
               dpi: float | None = None) -> Deck:
    """Write the briefing deck for ``scenario`` to ``out`` (a ``.pptx`` file).

    The options are those of :func:`~scenarios.briefing.pack.write_report`.

    Examples
    --------
    >>> import tempfile, pathlib, scenarios
    >>> deck = write_deck(scenarios.load("entry-deterrence"), pathlib.Path(tempfile.mkdtemp()) / "d.pptx")
    >>> deck.slides[:3]
    ('Entry deterrence', 'Key numbers', 'The tree')
    """
    _pptx()
    out = Path(out)
    facts = _Facts(scenario, dict(overrides or {}) or None, get_theme(theme), metric, top)
    builder = _Builder(facts, dpi)
    with atomic_path(out) as tmp:
        builder.build().save(str(tmp))
    return Deck(out, tuple(builder.titles), tuple(facts.notes))


# -- what the deck says -----------------------------------------------------------------------------

class _Facts:
    """The results the deck shows, computed as the briefing pack computes them."""

    # The pack's shared pieces read only .scenario and .solved: the same words in both.
    route = pack._Content.route
    narrative = pack._Content.narrative
    visible_sources = pack._Content.visible_sources
    what_happened = pack._Content.what_happened
    source_text = staticmethod(pack._Content.source_text)

    def __init__(self, scenario, overrides, theme: Theme, metric, top: int):
        from ..analysis.metrics import parse_metric
        from ..analysis.sensitivity import AnalysisError, tornado

        self.scenario, self.overrides, self.theme = scenario, overrides, theme
        self.notes: list[str] = []
        self.belief = scenario.evaluate(overrides=overrides, top=top)
        self.solved = scenario.solve(overrides=overrides, top=top)
        self.metric = parse_metric(scenario, metric)
        self.tornado = None
        if not any(p.low is not None and p.high is not None for p in scenario.parameters.values()):
            self.notes.append("No tornado diagram: no parameter of the scenario has a low/high range "
                              "(give parameters low and high values in the file to get one).")
        else:
            try:
                self.tornado = tornado(scenario, metric=self.metric, overrides=overrides)
            except AnalysisError as exc:
                self.notes.append(f"No tornado diagram: {exc}.")
        self.timeline = None
        if scenario.evidence:
            from ..analysis.timeline import timeline

            self.timeline = timeline(scenario, overrides=overrides)

    def variable_label(self, variable) -> str:
        """A tornado variable in words: the parameter's label, or the branch's."""
        if variable.kind == "parameter":
            return parameter_label(self.scenario, variable.name)
        node_id, _, child = variable.name.partition(".")
        node = self.scenario.nodes.get(node_id)
        branch = next((b for b in node.branches if b.to == child), None) if node else None
        return f"probability of {branch.label} at {node.label}" if branch else variable.name

    def choice_rows(self) -> list[list[str]]:
        s, z = self.scenario, self.solved
        rows = []
        for node_id, position in z.choice_branches.items():  # by position: branches may share a child
            node = s.nodes[node_id]
            rows.append([node.label, s.actors[node.actor].name, node.branches[position].label,
                         pack._num(z.values[node_id][node.actor]), "yes" if z.reach[node_id] > 0 else "no"])
        return rows


# -- building the slides ----------------------------------------------------------------------------

class _Builder:
    def __init__(self, facts: _Facts, dpi: float | None):
        from pptx import Presentation
        from pptx.util import Inches

        from ..render.measure import TextMetrics

        self.f = facts
        self.dpi = dpi
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = Inches(WIDTH_IN), Inches(HEIGHT_IN)
        self.metrics = TextMetrics(dpi=300)  # DejaVu Sans: at least as wide as Arial or Liberation Sans
        self.titles: list[str] = []

    # primitives ---------------------------------------------------------------------------------
    def color(self, hex_color: str):
        from pptx.dml.color import RGBColor

        return RGBColor.from_string(hex_color.lstrip("#")[:6].upper())

    def slide(self, title: str | None):
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[6])  # blank
        fill = slide.background.fill
        fill.solid()
        fill.fore_color.rgb = self.color(self.f.theme.background)
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
            p.line_spacing = LINE * 0.98
            if i and space:
                p.space_before = Pt(space)
            run = p.add_run()
            run.text = para
            font = run.font
            font.name, font.size, font.bold, font.italic = FONT, Pt(size), bold, italic
            font.color.rgb = self.color(self.f.theme.muted if muted else self.f.theme.text)
        return box

    def fit_size(self, text: str, w: float, h: float, largest: float = 20.0) -> float | None:
        """The largest size from ``largest`` down to 12 pt at which ``text`` fits ``w`` x ``h``."""
        size = largest
        while size >= BODY_MIN:
            if self.height(text, w, size) <= h:
                return size
            size -= 1.0
        return None

    def flow(self, title: str, blocks: list[tuple[str, float, bool]], top: float = _BODY_TOP) -> None:
        """Paragraphs ``(text, size, bold)`` on as many slides as they need (``title (continued)``)."""
        w = WIDTH_IN - 2 * MARGIN_IN
        slide, y, first = self.slide(title), top, True
        for text, size, bold in blocks:
            lines = self.lines(text, w, size, bold)
            while lines:
                room = int(((_BODY_BOTTOM - y) - 0.1) * 72.0 / (size * LINE))
                if room <= 0 or (room < min(len(lines), 3) and y > top):  # no orphan lines at the foot
                    slide, y, first = self.slide(f"{title} (continued)"), _BODY_TOP, False
                    continue
                part, lines = lines[:room], lines[room:]
                h = len(part) * size * LINE / 72.0 + 0.1
                self.text(slide, " ".join(part), MARGIN_IN, y, w, h, size, bold=bold)
                y += h + 0.08
        del first

    def table(self, title: str, headers: list[str], rows: list[list[str]], widths: list[float],
              size: float = 14.0, intro: str | None = None) -> None:
        """A native table on as many slides as its rows need, the header row on each."""
        from pptx.util import Inches, Pt

        w = WIDTH_IN - 2 * MARGIN_IN
        col_in = [w * f / sum(widths) for f in widths]

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
                        p.line_spacing = LINE * 0.98
                        for run in p.runs:
                            run.font.name, run.font.size, run.font.bold = FONT, Pt(size), i == 0
            page += 1

    def picture(self, title: str, ax, caption: str) -> None:
        """A figure drawn at 16:9 over the whole slide; the caption in the slide's notes."""
        import matplotlib.pyplot as plt
        from pptx.util import Inches

        buffer = io.BytesIO()
        ax.figure.savefig(buffer, format="png", dpi=self.dpi or 150, facecolor=ax.figure.get_facecolor())
        plt.close(ax.figure)
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
        chart.font.color.rgb = self.color(self.f.theme.text)
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
        chart.value_axis.major_gridlines.format.line.color.rgb = self.color(self.f.theme.grid)
        return chart

    def bars(self, title: str, categories: list[str], values: list[float], caption: str) -> None:
        """A horizontal bar chart of probabilities, largest at the top, with data labels."""
        from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION

        slide = self.slide(title)
        w = WIDTH_IN - 2 * MARGIN_IN
        ch = self.height(caption, w, BODY_MIN + 2)
        chart = self.chart(slide, XL_CHART_TYPE.BAR_CLUSTERED, [_short(c) for c in categories],
                           [("probability", values)], y=_BODY_TOP, h=_BODY_BOTTOM - _BODY_TOP - ch - 0.05,
                           number_format="0.0%")
        chart.category_axis.reverse_order = True  # the first (most likely) at the top
        plot = chart.plots[0]
        plot.gap_width = 40
        plot.vary_by_categories = False
        plot.series[0].format.fill.solid()
        plot.series[0].format.fill.fore_color.rgb = self.color(self.f.theme.palette[0])
        plot.has_data_labels = True
        plot.data_labels.number_format, plot.data_labels.number_format_is_linked = "0.0%", False
        plot.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
        self.text(slide, caption, MARGIN_IN, _BODY_BOTTOM - ch, w, ch, BODY_MIN + 2, muted=True)

    # the slides ---------------------------------------------------------------------------------
    def build(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScenarioWarning)
            self.title_slide()
            self.key_numbers()
            self.tree_slides()
            self.outcome_slides()
            self.path_slides()
            self.strategic_slides()
            self.tornado_slide()
            self.timeline_slides()
            self.source_slides()
        return self.prs

    def title_slide(self) -> None:
        from .. import __version__

        s, f = self.f.scenario, self.f
        w = WIDTH_IN - 2 * MARGIN_IN
        title_size = next((z for z in (36.0, 32.0, 28.0, 24.0) if self.height(s.title, w, z, True) <= 1.6), 24.0)
        slide = self.slide(None)
        self.titles[-1] = s.title
        th = self.height(s.title, w, title_size, True)
        self.text(slide, s.title, MARGIN_IN, 0.5, w, th, title_size, bold=True)
        meta = [f"As of {s.as_of}" if s.as_of else "No as-of date in the file",
                f"generated by scenarios {__version__} from {Path(s.filename).name}"]
        if f.overrides:
            meta.append("overrides: " + ", ".join(f"{parameter_label(s, k)} = {v}" for k, v in f.overrides.items()))
        meta_text = " · ".join(meta)
        y = 0.5 + th + 0.05
        mh = self.height(meta_text, w, BODY_MIN + 2)
        self.text(slide, meta_text, MARGIN_IN, y, w, mh, BODY_MIN + 2, muted=True)
        y += mh + 0.15
        dh = self.height(DISCLAIMER, w, BODY_MIN + 2, True)
        box = self.text(slide, DISCLAIMER, MARGIN_IN, HEIGHT_IN - 0.45 - dh, w, dh, BODY_MIN + 2, bold=True)
        box.line.color.rgb = self.color(self.f.theme.highlight)
        room = HEIGHT_IN - 0.45 - dh - 0.15 - y
        summary = s.summary or ""
        if summary:
            size = self.fit_size(summary, w, room, 20.0)
            if size is not None:
                self.text(slide, summary, MARGIN_IN, y, w, self.height(summary, w, size), size)
            else:
                self.text(slide, "The summary follows on the next slide.", MARGIN_IN, y, w, 0.5, BODY_SIZE)
                self.flow("Summary", [(summary, BODY_MIN + 2, False)])

    def key_numbers(self) -> None:
        s, b, z = self.f.scenario, self.f.belief, self.f.solved
        lines = []
        if b.outcomes:
            o = b.outcomes[0]
            lines.append(f"Most likely outcome: {o.label} (p = {pack._p(o.probability)}).")
        if b.paths:
            p = b.paths[0]
            route = " → ".join(self.f.route(p))
            lines.append(f"Most likely path: {route}, ending in {s.nodes[p.nodes[-1]].label} "
                         f"(p = {pack._p(p.probability)}).")
        if z.paths:
            lines.append("Under the strategic solution the played path ends in "
                         f"{s.nodes[z.played_path()[-1]].label}.")
        intro = "\n".join(lines)
        self.table("Key numbers", ["actor", "expected payoff (belief mode)", "expected payoff (strategic)"],
                   [[s.actors[a].name, pack._num(b.expected_payoffs[a]), pack._num(z.expected_payoffs[a])]
                    for a in s.actors], [0.4, 0.3, 0.3], size=16.0, intro=None)
        slide = self.prs.slides[len(self.prs.slides) - 1]
        w = WIDTH_IN - 2 * MARGIN_IN
        rows_h = (len(s.actors) + 1) * (16.0 * LINE / 72.0 + 0.12) + 0.3
        texts = intro.split("\n")
        y = _BODY_TOP + rows_h
        for t in texts:
            h = self.height(t, w, 18.0)
            if y + h > _BODY_BOTTOM:
                break
            self.text(slide, t, MARGIN_IN, y, w, h, 18.0)
            y += h + 0.1

    def slide_tree(self, result, highlight: str):
        """The tree at 16:9; when its text would be small there, fewer levels (and a note saying so)."""
        from ..render.tree import draw_tree

        f = self.f
        for depth in (None, 6, 5, 4, 3, 2, 1):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ScenarioWarning)
                try:
                    ax = draw_tree(f.scenario, result, highlight=highlight, theme=f.theme, width=WIDTH_IN,
                                   height=HEIGHT_IN, dpi=self.dpi, depth=depth)
                except ScenarioError:
                    continue
            if depth != 1 and _smallest_text(ax) < _TREE_MIN_PT:
                import matplotlib.pyplot as plt

                plt.close(ax.figure)
                continue
            note = "" if depth is None else (f" Drawn to {depth} level{'s' if depth > 1 else ''} below the root so "
                                             "that its text is readable at slide size; deeper branches are "
                                             "collapsed into stubs.")
            return ax, note
        raise ScenarioError("error: the tree cannot be drawn at slide size")

    def tree_slides(self) -> None:
        ax, note = self.slide_tree(self.f.belief, "likely")
        self.picture("The tree", ax, "The scenario as a decision tree; the thick line is the most likely path."
                     + note)

    def outcome_slides(self) -> None:
        b = self.f.belief
        shown = b.outcomes[:_CHART_ROWS]
        caption = "Probability of each outcome (belief mode), most likely first."
        if len(b.outcomes) > len(shown):
            rest = sum(o.probability for o in b.outcomes[len(shown):])
            caption += (f" {len(b.outcomes) - len(shown)} less likely outcomes (p = {pack._p(rest)} together) "
                        "are not shown.")
        self.bars("Outcome distribution", [o.label for o in shown], [o.probability for o in shown], caption)
        if b.tags:
            tags = sorted(b.tags.items(), key=lambda kv: -kv[1])[:_CHART_ROWS]
            self.bars("Probability by tag", [t for t, _ in tags], [p for _, p in tags],
                      "Probability of ending in an outcome carrying each tag (tags can overlap).")

    def path_slides(self) -> None:
        s, b = self.f.scenario, self.f.belief
        if not b.paths:
            return
        actors = [s.actors[a].name for a in s.actors]
        self.table("Most likely paths", ["#", "p", "route and outcome"] + [f"payoff: {a}" for a in actors],
                   [[str(i), pack._p(p.probability), " → ".join(self.f.route(p)) + " ⇒ " + s.nodes[p.nodes[-1]].label]
                    + [pack._num(p.payoffs[a]) for a in s.actors] for i, p in enumerate(b.paths, 1)],
                   [0.5, 0.9, 8.0] + [1.5] * len(actors), size=13.0,
                   intro="Each path's probability is that of the whole route, not of its outcome.")
        blocks: list[tuple[str, float, bool]] = []
        for i, path in enumerate(b.paths, 1):
            blocks.append((f"Path {i}, ending in {s.nodes[path.nodes[-1]].label} (p = {pack._p(path.probability)})",
                           16.0, True))
            blocks.append((self.f.narrative(path) or "(no narrative in the file)", 14.0, False))
        self.flow("The most likely paths, told", blocks)

    def strategic_slides(self) -> None:
        f = self.f
        ax, note = self.slide_tree(f.solved, "strategic")
        self.picture("The strategic solution", ax,
                     "The strategic solution: every actor chooses by backward induction; thick lines are the "
                     "choices at every decision, on the played path or not." + note)
        intro = ("Backward induction: at every decision not marked fixed, its actor takes the option with the "
                 "highest expected payoff to itself.")
        if f.solved.ties:
            intro += " Ties broken for the first listed option at: " + ", ".join(f.solved.ties) + "."
        self.table("Strategic solution: the choices", ["decision", "actor", "choice", "value", "on the played path"],
                   self.f.choice_rows(), [0.32, 0.15, 0.33, 0.09, 0.11], size=13.0, intro=intro)

    def tornado_slide(self) -> None:
        from pptx.enum.chart import XL_CHART_TYPE, XL_TICK_LABEL_POSITION

        t = self.f.tornado
        if t is None:
            return
        bars = t.bars[:_TORNADO_ROWS]
        slide = self.slide(f"Sensitivity of the {t.metric_label}")
        w = WIDTH_IN - 2 * MARGIN_IN
        caption = (f"Base case: {pack._num(t.base_metric)}. Each bar: the change from the base case when one "
                   "parameter is moved to its low and to its high value, the others at their base values.")
        if len(t.bars) > len(bars):
            caption += f" {len(t.bars) - len(bars)} parameters with smaller swings are not shown."
        ch = self.height(caption, w, BODY_MIN + 2)
        categories = [f"{self.f.variable_label(bar.variable)} ({pack._num(bar.variable.low)} to "
                      f"{pack._num(bar.variable.high)})" for bar in bars]
        chart = self.chart(slide, XL_CHART_TYPE.BAR_CLUSTERED, [_short(c, 70) for c in categories],
                           [("at the low value", [bar.metric_low - t.base_metric for bar in bars]),
                            ("at the high value", [bar.metric_high - t.base_metric for bar in bars])],
                           y=_BODY_TOP, h=_BODY_BOTTOM - _BODY_TOP - ch - 0.05, number_format="+0.0#;-0.0#;0",
                           legend=True, axis_title=f"change in the {t.metric_label}")
        chart.category_axis.reverse_order = True
        chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
        plot = chart.plots[0]
        plot.gap_width, plot.overlap = 40, 100
        for series, color in zip(plot.series, (self.f.theme.palette[0], self.f.theme.palette[1]), strict=True):
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = self.color(color)
            series.invert_if_negative = False
        self.text(slide, caption, MARGIN_IN, _BODY_BOTTOM - ch, w, ch, BODY_MIN + 2, muted=True)

    def timeline_slides(self) -> None:
        from pptx.enum.chart import XL_CHART_TYPE

        tl = self.f.timeline
        if tl is None or not tl.rows:
            return
        tags = [t for t in tl.rows[0].tags if max(r.tags[t] for r in tl.rows) - min(r.tags[t] for r in tl.rows) > 1e-9]
        if tags:
            slide = self.slide("The evidence timeline")
            w = WIDTH_IN - 2 * MARGIN_IN
            caption = ("Probability of each tag on each date, given the evidence up to that date (belief mode); "
                       "the first point is the scenario as written.")
            ch = self.height(caption, w, BODY_MIN + 2)
            categories = ["as written"] + [r.date for r in tl.rows[1:]]
            self.chart(slide, XL_CHART_TYPE.LINE_MARKERS, categories,
                       [(t, [r.tags[t] for r in tl.rows]) for t in tags], y=_BODY_TOP,
                       h=_BODY_BOTTOM - _BODY_TOP - ch - 0.05, number_format="0%", legend=True)
            self.text(slide, caption, MARGIN_IN, _BODY_BOTTOM - ch, w, ch, BODY_MIN + 2, muted=True)
        rows = []
        for r in tl.rows[1:]:
            given = self.f.scenario.nodes[r.given].label if r.given else ""
            rows.append([r.date, " ".join(r.observed), given] + [pack._p(r.tags[t]) for t in tags[:3]])
        self.table("The evidence, date by date", ["date", "observed", "the picture then starts at"]
                   + [f"P({t})" for t in tags[:3]], rows, [1.3, 6.0, 2.2] + [1.0] * len(tags[:3]), size=12.0)

    def source_slides(self) -> None:
        f = self.f
        blocks = [("• " + f.source_text(src), 13.0, False) for src in f.visible_sources]
        blocks += [(note, 13.0, False) for note in f.notes]
        if blocks:
            self.flow("Sources" if f.visible_sources else "Notes", blocks)
        steps, later = f.what_happened()
        if steps or later:
            hblocks = [(pack._HINDSIGHT, 13.0, False)]
            hblocks += [(f"{step.date or 'undated'}: {pack._sentence(step.label)}"
                         + (f" {step.text}" if step.text else "") + (f" → {step.branch}" if step.branch else ""),
                         13.0, False) for step in steps]
            hblocks += [("• " + f.source_text(src), 13.0, False) for src in later]
            self.flow("What actually happened", hblocks)


def _short(text: str, limit: int = 60) -> str:
    """A chart category: on one line, at most ``limit`` characters (the table has the full text)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def parameter_label(scenario, name: str) -> str:  # TODO: scenarios.labels.parameter_label (helper slides)
    parameter = scenario.parameters.get(name)
    text = " ".join((parameter.description or "").split()) if parameter is not None else ""
    if not text:
        return name
    first = text.split(". ")[0].rstrip(".")
    return first if len(first) <= 80 else first[:79].rstrip() + "…"


_TREE_MIN_PT = 9.0  # the floor for text on a slide


def _smallest_text(ax) -> float:
    """The smallest font size (pt) of the visible node and branch text of a drawn tree."""
    sizes = [t.get_fontsize() for t in ax.texts if t.get_visible() and t.get_text().strip()]
    return min(sizes, default=_TREE_MIN_PT)

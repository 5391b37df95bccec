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

import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ScenarioWarning
from ..io.atomic import atomic_path
from ..labels import parameter_label
from ..model import DISCLAIMER
from ..render.theme import Theme, get_theme
from . import pack
from .slidekit import (
    _BODY_BOTTOM,
    _BODY_TOP,
    BODY_MIN,
    HEIGHT_IN,
    LINE,
    MARGIN_IN,
    WIDTH_IN,
    SlideKit,
    need_pptx,
)

__all__ = ["Deck", "write_deck", "BODY_MIN"]

_CHART_ROWS = 15  # bars in one chart; more are summarised in the caption
_TORNADO_ROWS = 8  # two lines of 13 pt per bar


@dataclass(frozen=True)
class Deck:
    """What :func:`write_deck` wrote: the file and each slide's title, in order."""

    path: Path
    slides: tuple[str, ...]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"pptx": str(self.path), "slides": list(self.slides), "notes": list(self.notes)}


def write_deck(scenario, out: str | os.PathLike, *, overrides: Mapping[str, Any] | None = None,
               theme: str | Theme = "light", metric: str | None = None, top: int = 5,
               dpi: float | None = None) -> Deck:
    """Write the briefing deck for ``scenario`` to ``out`` (``.pptx`` is added when missing).

    The options are those of :func:`~scenarios.briefing.pack.write_report`.

    Examples
    --------
    >>> import tempfile, pathlib, scenarios
    >>> deck = write_deck(scenarios.load("entry-deterrence"), pathlib.Path(tempfile.mkdtemp()) / "d.pptx")
    >>> deck.slides[:3]
    ('Entry deterrence', 'Key numbers', 'The tree')
    """
    need_pptx()
    out = Path(out)
    if out.suffix.lower() != ".pptx":
        out = out.with_name(out.name + ".pptx")
    with atomic_path(out) as tmp:  # a target that cannot be written fails before any work
        facts = _Facts(scenario, dict(overrides or {}) or None, get_theme(theme), metric, top)
        builder = _Builder(facts, dpi)
        builder.build().save(str(tmp))
    return Deck(out, tuple(builder.titles), tuple(facts.notes))


# -- what the deck says -----------------------------------------------------------------------------

class _Facts(pack._Content):
    """The results the deck shows, computed as the briefing pack computes them (no figures).

    A :class:`~scenarios.briefing.pack._Content` for its shared pieces (routes, narratives,
    sources, hindsight): the same words in the pack and the deck.
    """

    def __init__(self, scenario, overrides, theme: Theme, metric, top: int):
        from ..analysis.metrics import parse_metric
        tornado_or_note = pack.tornado_or_note

        self.scenario, self.overrides, self.theme = scenario, overrides, theme
        self.notes: list[str] = []
        self.belief = scenario.evaluate(overrides=overrides, top=top)
        self.solved = scenario.solve(overrides=overrides, top=top)
        self.metric = parse_metric(scenario, metric)
        self.tornado = tornado_or_note(scenario, self.metric, overrides, self.notes)
        self.timeline = None
        if scenario.evidence:
            from ..analysis.timeline import timeline

            self.timeline = timeline(scenario, overrides=overrides)

    def variable_label(self, variable, max_chars: int | None = None) -> str:
        """A tornado variable in words: the parameter's label, or the branch's (``NODE.CHILD``)."""
        return parameter_label(self.scenario, variable.name, max_chars)


# -- building the slides ----------------------------------------------------------------------------

class _Builder(SlideKit):
    def __init__(self, facts: _Facts, dpi: float | None):
        super().__init__(facts.theme, dpi)
        self.f = facts

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
        dh = self.height(DISCLAIMER, w, BODY_MIN + 2, True) + 0.1  # room inside the frame
        box = self.text(slide, DISCLAIMER, MARGIN_IN, HEIGHT_IN - 0.45 - dh, w, dh, BODY_MIN + 2, bold=True)
        box.line.color.rgb = self.color(self.f.theme.highlight)
        room = HEIGHT_IN - 0.45 - dh - 0.15 - y
        summary = s.summary or ""
        if summary:
            size = self.fit_size(summary, w, room, 20.0)
            if size is not None:
                self.text(slide, summary, MARGIN_IN, y, w, self.height(summary, w, size), size)
            else:  # as much as fits here at 14 pt, the rest on "Summary (continued)"
                size = BODY_MIN + 2
                lines = self.lines(summary, w, size)
                keep = max(1, int((room - 0.1) * 72.0 / (size * LINE)))
                here = " ".join(lines[:keep])
                cut = here.rfind(". ") + 1  # end the slide at a sentence when one ends in its second half
                if cut > len(here) // 2:
                    here = here[:cut]
                self.text(slide, here, MARGIN_IN, y, w, self.height(here, w, size), size)
                self.flow("Summary", [(" ".join(lines)[len(here):].strip(), size, False)],
                          first_title="Summary (continued)")

    def key_numbers(self) -> None:
        s, b, z = self.f.scenario, self.f.belief, self.f.solved
        lines = []
        if b.outcomes:
            o = b.outcomes[0]
            lines.append(f"Most likely outcome: {o.label} (p = {pack._p(o.probability)}).")
        if b.paths:
            lines.append(f"Most likely path: {self.f.path_sentence(b.paths[0])}.")
        if z.paths:
            lines.append("Under the strategic solution the played path ends in "
                         f"{s.nodes[z.played_path()[-1]].label}.")
        slide, y = self.table("Key numbers", ["actor", "expected payoff (belief mode)", "expected payoff (strategic)"],
                              [[s.actors[a].name, pack._num(b.expected_payoffs[a]), pack._num(z.expected_payoffs[a])]
                               for a in s.actors], [0.4, 0.3, 0.3], size=16.0)
        w = WIDTH_IN - 2 * MARGIN_IN
        y += 0.3
        for line in lines:
            h = self.height(line, w, 18.0)
            if y + h > _BODY_BOTTOM:  # a scenario with many actors: the table takes the slide
                slide, y = self.slide("Key numbers (continued)"), _BODY_TOP
            self.text(slide, line, MARGIN_IN, y, w, h, 18.0)
            y += h + 0.1

    def slide_tree(self, result, highlight: str | None):
        """The tree drawn for a 16:9 slide (no text under 9 pt; what is collapsed is said on it)."""
        from ..render.tree import draw_tree

        return draw_tree(self.f.scenario, result, highlight=highlight, theme=self.f.theme, dpi=self.dpi, slide=True)

    def tree_slides(self) -> None:
        ax = self.slide_tree(self.f.belief, "likely")
        self.picture("The tree", ax, "The scenario as a decision tree; the thick line is the most likely path.")

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
        strategic = "strategic" if f.scenario.decisions else None  # nothing to highlight without (likely then)
        ax = self.slide_tree(f.solved, strategic)
        self.picture("The strategic solution", ax,
                     "The strategic solution: every actor chooses by backward induction; the thick line is the "
                     "path of play (the choices off it, where drawn, are thinner: what an actor would do there).")
        intro = ("Backward induction: at every decision not marked fixed, its actor takes the option with the "
                 "highest expected payoff to itself.")
        if f.solved.ties:
            intro += " Ties broken for the first listed option at: " + ", ".join(f.solved.ties) + "."
        self.table("Strategic solution: the choices", ["decision", "actor", "choice", "value", "on the played path"],
                   self.f.choice_rows(not_played="no"), [0.32, 0.15, 0.33, 0.09, 0.11], size=13.0, intro=intro)

    def tornado_slide(self) -> None:
        from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION

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
        categories = [f"{self.f.variable_label(bar.variable, 48)} ({pack._num(bar.variable.low)} to "
                      f"{pack._num(bar.variable.high)})" for bar in bars]
        chart = self.chart(slide, XL_CHART_TYPE.BAR_CLUSTERED, categories,
                           [("at the low value", [bar.metric_low - t.base_metric for bar in bars]),
                            ("at the high value", [bar.metric_high - t.base_metric for bar in bars])],
                           y=_BODY_TOP, h=_BODY_BOTTOM - _BODY_TOP - ch - 0.05, number_format="+0.0#;-0.0#;0",
                           legend=True, axis_title=f"change in the {t.metric_label}")
        chart.category_axis.reverse_order = True
        chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
        chart.legend.position = XL_LEGEND_POSITION.RIGHT
        self.label_every_bar(chart, 0.42, right=0.80)
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
            rows.append([r.date, " ".join(r.observed), given])
        self.table("The evidence, date by date", ["date", "observed", "where the story stands (given)"],
                   rows, [1.3, 7.0, 2.8], size=13.0)

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
            if later:
                hblocks.append(("Sources dated after the scenario's as-of date", 14.0, True))
            hblocks += [("• " + f.source_text(src), 13.0, False) for src in later]
            self.flow("What actually happened", hblocks)

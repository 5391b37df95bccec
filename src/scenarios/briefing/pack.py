"""The briefing pack: ``OUT.pdf`` (multi-page) and ``OUT/`` with ``briefing.md`` and its PNGs.

One call, :func:`write_report`, evaluates the scenario (belief mode and strategic mode),
runs the one-way sensitivity of the main metric (:func:`scenarios.analysis.sensitivity.tornado`),
draws the figures and writes:

1. a title page: title, as-of date, summary and the key numbers;
2. the tree with the most likely path highlighted;
3. the outcome distribution and the tag probabilities;
4. the most likely paths as a table, each with its narrative (the branch and outcome texts);
5. the strategic solution: the tree with every strategic choice highlighted, and the choices;
6. the tornado diagram of the main metric;
7. the sources.

The PDF has one page per figure (each page the figure's own size) and letter-size text
pages; ``briefing.md`` embeds the same figures as PNGs.  The pack is made under temporary
names and renamed into place (the folder, then the PDF), so an interrupted or failed
report leaves the previous pack as it was, or nothing; nothing else is written.

This module decides what the pack says and runs the analyses it needs; the figures and
pages are drawn by :mod:`scenarios.render` (:mod:`~scenarios.render.tree`,
:mod:`~scenarios.render.charts`, :mod:`~scenarios.render.pages`).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import formatting
from ..errors import ScenarioWarning, shorten
from ..io.atomic import OutputError, atomic_folder, atomic_path, write_atomic
from ..labels import parameter_label
from ..model import DISCLAIMER
from ..render.pages import SMALL as _SMALL
from ..render.pages import TextPages as _Pages
from ..render.theme import Theme, get_theme
from . import equilibria

__all__ = ["Report", "write_report", "report_paths"]


@dataclass(frozen=True)
class Report:
    """What :func:`write_report` wrote."""

    pdf: Path
    folder: Path
    markdown: Path
    images: tuple[Path, ...]
    notes: tuple[str, ...] = ()  # sections left out, and why

    @property
    def files(self) -> tuple[Path, ...]:
        return (self.pdf, self.markdown, *self.images)

    def to_dict(self) -> dict:
        return {"pdf": str(self.pdf), "folder": str(self.folder), "markdown": str(self.markdown),
                "images": [str(p) for p in self.images], "notes": list(self.notes)}


def report_paths(out: str | os.PathLike) -> tuple[Path, Path]:
    """``(OUT.pdf, OUT/)`` for ``out`` (a trailing ``.pdf`` is dropped).

    >>> [str(p) for p in report_paths("briefs/donbas.pdf")]
    ['briefs/donbas.pdf', 'briefs/donbas']
    """
    out = Path(out)
    if out.suffix.lower() == ".pdf":
        out = out.with_suffix("")
    if not out.name or out.name in (".", ".."):
        raise OutputError(f"{str(out)!r}: error: give the briefing pack a name (-o NAME makes NAME.pdf and NAME/)")
    return out.with_name(out.name + ".pdf"), out


def _check_folder(folder: Path) -> None:
    parent = folder.parent if str(folder.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"{folder}: error: folder {str(parent)!r} does not exist")
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: error: exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / "briefing.md").exists():
        raise OutputError(f"{folder}: error: the folder exists and is not a briefing pack "
                          "(no briefing.md); choose another OUT")


def write_report(scenario, out: str | os.PathLike, *, overrides: Mapping[str, Any] | None = None,
                 theme: str | Theme = "light", metric: str | None = None, top: int = 5,
                 dpi: float | None = None) -> Report:
    """Write the briefing pack for ``scenario`` to ``OUT.pdf`` and ``OUT/``.

    Parameters
    ----------
    scenario : Scenario
    out : path
        ``OUT``: the pack is ``OUT.pdf`` and the folder ``OUT/`` (``briefing.md`` and PNGs).
    overrides : mapping, optional
        ``--set`` values for every analysis in the pack.
    theme : str or Theme
    metric : str, optional
        The main metric for the tornado (``payoff:ACTOR``, ``tag:TAG``, ``outcome:ID``,
        ``node:ID``; default: the expected payoff to the actor deciding at the root).
    top : int
        How many of the most likely paths to list.
    dpi : float, optional
        Resolution of the PNGs (default as :func:`~scenarios.render.draw_tree`).

    Raises
    ------
    scenarios.errors.OutputError
        when a file or the folder cannot be written.
    UnknownNameError, ProbabilityError, ExpressionError
        for bad ``overrides`` or ``metric``.

    Examples
    --------
    >>> import tempfile, pathlib, scenarios
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> r = write_report(scenarios.load("entry-deterrence"), folder / "brief")
    >>> r.pdf.name, r.markdown.name, sorted(p.name for p in r.images)[:2]
    ('brief.pdf', 'briefing.md', ['outcomes.png', 'strategic.png'])
    """
    from ..render.save import close_figure, save_figure

    theme = get_theme(theme)
    pdf_path, folder = report_paths(out)
    try:
        _check_folder(folder)
        if pdf_path.exists() and pdf_path.is_dir():
            raise OutputError(f"{pdf_path}: error: is a directory")
    except OutputError:
        raise
    except OSError as exc:  # a name too long, no permission to look
        raise OutputError(f"{shorten(str(folder))}: error: cannot write there ({exc.strerror or exc})") from None
    overrides = dict(overrides or {}) or None
    content = _Content(scenario, overrides, theme, metric, top, dpi)
    # The whole pack is made under temporary names, then the folder and the PDF are renamed
    # into place one after the other: an interrupted report leaves the old pack (or none).
    try:
        with atomic_path(pdf_path) as pdf_tmp, atomic_folder(folder) as staging:
            for name, fig in content.figures:
                save_figure(fig, staging / name)
            write_atomic(staging / "briefing.md", content.markdown())
            _write_pdf(pdf_tmp, content)
    finally:  # under pyplot (a notebook) the pack's figures would otherwise stay open
        for _, fig in content.figures:
            close_figure(fig)
    images = tuple(folder / name for name, _ in content.figures)
    return Report(pdf_path, folder, folder / "briefing.md", images, tuple(content.notes))


def _write_pdf(path: Path, content: _Content) -> None:
    from .. import __version__
    from ..render.pages import write_pdf
    from ..render.save import close_figure

    pages = content.pdf_pages()
    try:
        write_pdf(path, pages, title=content.scenario.title, creator=f"scenarios {__version__}")
    finally:
        for fig in pages:  # the text pages (the charts among them are closed by the caller)
            close_figure(fig)


# -- what the pack says ---------------------------------------------------------------------------

class _Content:
    """Results, figures and text of one pack (figures in PDF order)."""

    def __init__(self, scenario, overrides, theme: Theme, metric, top, dpi):
        from ..render import charts
        from ..render.tree import draw_tree

        self.scenario = scenario
        self.overrides = overrides
        self.theme = theme
        self.notes: list[str] = []
        self.belief = scenario.evaluate(overrides=overrides, top=top)
        # With information sets the strategic answer is an equilibrium (briefing/equilibria.py).
        self.game = None if scenario.perfect_information else scenario.solve(overrides=overrides, top=top,
                                                                               method="auto")
        self.solved = scenario.solve(overrides=overrides, top=top) if self.game is None else self.game.played
        self.figures: list[tuple[str, Any]] = []
        self.captions: dict[str, str] = {}

        def add(name, ax, caption):
            self.figures.append((name, ax.figure))
            self.captions[name] = caption

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScenarioWarning)
            add("tree.png", draw_tree(scenario, self.belief, highlight="likely", theme=theme, dpi=dpi,
                                      slide=True),
                "The scenario as a decision tree; the thick line is the most likely path.")
            add("outcomes.png", charts.outcome_chart(self.belief, theme=theme),
                "Probability of each outcome (belief mode), coloured by its first tag.")
            if self.belief.tags:
                add("tags.png", charts.tag_chart(self.belief, theme=theme),
                    "Probability of ending in an outcome carrying each tag (tags can overlap).")
            if self.game is not None:
                add("strategic.png", draw_tree(scenario, self.game, highlight="strategic", theme=theme, dpi=dpi,
                                               slide=True),
                    equilibria.caption(self.game))
            else:
                strategic = "strategic" if scenario.decisions else None  # nothing to highlight without
                add("strategic.png", draw_tree(scenario, self.solved, highlight=strategic, theme=theme,
                                               dpi=dpi, slide=True),
                    "The strategic solution: every actor chooses by backward induction; the thick line is "
                    "the path of play (the choices off it, where drawn, are thinner: what an actor would do there).")
        from ..analysis.metrics import parse_metric

        self.metric = parse_metric(scenario, metric)
        self.tornado = tornado_or_note(scenario, self.metric, overrides, self.notes)
        if self.tornado is not None:
            add("tornado.png", charts.tornado_chart(self.tornado, theme=theme),
                f"One-way sensitivity of the {self.tornado.metric_label}: each parameter moved "
                "to its low and high value, the others at their base values.")

    # markdown -----------------------------------------------------------------------------------
    def markdown(self) -> str:
        from .. import __version__

        s, b, z = self.scenario, self.belief, self.solved
        lines = [f"# {_md(s.title)}", ""]
        meta = []
        if s.as_of:
            meta.append(f"As of {s.as_of}.")
        meta.append(f"Briefing pack generated by scenarios {__version__} from `{Path(s.filename).name}`.")
        if self.overrides:
            meta.append("Overrides: " + ", ".join(_md(f"{parameter_label(s, k)} = {v}")
                                                  for k, v in self.overrides.items()) + ".")
        lines += [" ".join(meta), ""]
        lines += [f"**{_md(DISCLAIMER)}**", ""]
        if s.summary:
            lines += [_md(s.summary), ""]
        lines += ["## Key numbers", ""]
        risky = not z.risk_neutral  # risk attitudes: the certainty equivalent too (docs/risk-attitudes.md)
        lines += _md_table(["actor", "expected payoff (belief mode)", "expected payoff (strategic)"]
                           + (["risk attitude", "certainty equivalent (strategic)"] if risky else []),
                           [[_md(s.actors[a].name), _num(b.expected_payoffs[a]), _num(z.expected_payoffs[a])]
                            + ([_md(z.risk_attitudes[a]), _num(z.certainty_equivalents[a])] if risky else [])
                            for a in s.actors])
        if b.outcomes:
            top = b.outcomes[0]
            lines += ["", f"Most likely outcome: **{_md(top.label)}** (p = {_p(top.probability)})."]
            if b.paths:
                lines += ["", f"Most likely path: {_md(self.path_sentence(b.paths[0]))}."]
        for name, _ in self.figures:
            if name == "tree.png":
                lines += ["", "## The tree", "", f"![{_md(self.captions[name])}]({name})", "",
                          f"*{_md(self.captions[name])}*"]
        lines += ["", "## Outcomes", "", f"![{self.captions['outcomes.png']}](outcomes.png)", ""]
        actors = [_md(s.actors[a].name) for a in s.actors]
        lines += _md_table(["outcome", "probability", "tags"] + [f"payoff: {a}" for a in actors],
                           [[_md(o.label), _p(o.probability), _md(", ".join(o.tags))]
                            + [_num(o.payoffs[a]) for a in s.actors] for o in b.outcomes])
        if b.tags:
            lines += ["", "### Tags", "", f"![{self.captions['tags.png']}](tags.png)", ""]
            lines += _md_table(["tag", "probability"], [[_md(t), _p(p)] for t, p in
                                                        sorted(b.tags.items(), key=lambda kv: -kv[1])])
        lines += ["", "## Most likely paths", ""]
        lines += _md_table(["#", "probability", "route", "outcome"] + [f"payoff: {a}" for a in actors],
                           [[str(i), _p(p.probability), _md(" → ".join(self.route(p))),
                             _md(s.nodes[p.nodes[-1]].label)] + [_num(p.payoffs[a]) for a in s.actors]
                            for i, p in enumerate(b.paths, 1)])
        for i, path in enumerate(b.paths, 1):
            lines += ["", f"**Path {i}, ending in {_md(s.nodes[path.nodes[-1]].label)}** "
                      f"(p = {_p(path.probability)}, the whole path)", ""]
            lines += [_md(self.narrative(path)) or "*(no narrative in the file)*"]
        lines += ["", "## Strategic solution", "", f"![{self.captions['strategic.png']}](strategic.png)", ""]
        if self.game is not None:
            lines += equilibria.markdown(s, self.game, _md, _md_table)
        else:
            lines += _md_table(["decision", "actor", "choice", "value to the actor", "on the played path"],
                               self.choice_rows(_md))
        if self.game is None and z.ties:
            lines += ["", "Ties broken for the first listed option at: " + _md(", ".join(z.ties)) + "."]
        if self.tornado is not None:
            t = self.tornado
            lines += ["", f"## Sensitivity of the {t.metric_label}", "",
                      f"![{self.captions['tornado.png']}](tornado.png)", "", f"Base case: {_num(t.base_metric)}.", ""]
            lines += _md_table(["parameter", "low", "high", "metric at low", "metric at high", "swing"],
                               [[_md(parameter_label(s, bar.variable.name)), _num(bar.variable.low),
                                 _num(bar.variable.high), _num(bar.metric_low), _num(bar.metric_high),
                                 _num(bar.swing)]
                                for bar in t.bars])
        for note in self.notes:
            lines += ["", f"*{_md(note)}*"]
        if self.visible_sources:
            lines += ["", "## Sources", ""]
            for src in self.visible_sources:
                lines.append("- " + _md(self.source_text(src)))
        steps, later = self.what_happened()
        if steps or later:
            lines += ["", "## What actually happened", "", _md(_HINDSIGHT), ""]
            for step in steps:
                lines.append(f"- **{_md(step.date or 'undated')}**: {_md(_sentence(step.label))}"
                             + (f" {_md(step.text)}" if step.text else "")
                             + (f" → *{_md(step.branch)}*" if step.branch else ""))
            if later:
                lines += ["", "Sources dated after the scenario's as-of date:", ""]
                lines += ["- " + _md(self.source_text(src)) for src in later]
        return "\n".join(lines).rstrip() + "\n"

    @property
    def visible_sources(self) -> list:
        """The sources a reader may see before the reveal (dated on or before ``as_of``)."""
        s = self.scenario
        return [src for key, src in s.sources.items() if not s.is_hindsight(key)]

    def what_happened(self) -> tuple[list, list]:
        """The historical path's steps (with the nodes' reveals) and the sources dated after as_of."""
        from ..walk import reveal

        s = self.scenario
        return list(reveal(s).steps), [src for key, src in s.sources.items() if s.is_hindsight(key)]

    # shared pieces ------------------------------------------------------------------------------
    def route(self, path) -> list[str]:
        s = self.scenario
        return [b.label for b in path.steps(s)]  # by position: branches may share a child

    def path_sentence(self, path) -> str:
        """``route, ending in OUTCOME (p = P)``: a path named as a path, its probability the path's."""
        return (" → ".join(self.route(path)) + f", ending in {self.scenario.nodes[path.nodes[-1]].label} "
                f"(p = {_p(path.probability)})")

    def narrative(self, path) -> str:
        """The branch texts along the path and the outcome's text, in order."""
        s = self.scenario
        parts = []
        for branch in path.steps(s):
            if branch.text:
                parts.append(branch.text.strip())
        end = s.nodes[path.nodes[-1]]
        if end.text:
            parts.append(end.text.strip())
        return " ".join(parts)

    def choice_rows(self, text=str, not_played: str = "") -> list[list[str]]:
        """The strategic choices, one row each; the file's words passed through ``text``
        (``_md`` for the Markdown table; as written for the PDF and the deck, which draw text
        as is); the last column "yes" on the played path, else ``not_played``."""
        s, z = self.scenario, self.solved
        rows = []
        for node_id, position in z.choice_branches.items():  # by position: branches may share a child
            node = s.nodes[node_id]
            branch = node.branches[position]
            rows.append([text(node.label), text(s.actors[node.actor].name), text(branch.label),
                         _num(z.values[node_id][node.actor]), "yes" if z.reach[node_id] > 0 else not_played])
        return rows

    @staticmethod
    def source_text(src) -> str:
        text = src.title
        extra = ", ".join(x for x in (src.publisher, src.date) if x)
        if extra:
            text += f" ({extra})"
        text += "."
        if src.note:
            text += " " + " ".join(src.note.split())
        if src.url:
            text += f" {src.url}"
        return text

    # PDF ----------------------------------------------------------------------------------------
    def pdf_pages(self):
        from .. import __version__

        s, b, z = self.scenario, self.belief, self.solved
        figures = dict(self.figures)
        pages = _Pages(self.theme)
        pages.heading(s.title, 20)
        meta = []
        if s.as_of:
            meta.append(f"As of {s.as_of}")
        meta.append(f"generated by scenarios {__version__} from {Path(s.filename).name}")
        if self.overrides:
            meta.append("overrides: " + ", ".join(f"{parameter_label(s, k)} = {v}" for k, v in self.overrides.items()))
        pages.paragraph(" · ".join(meta), size=_SMALL, muted=True)
        pages.paragraph(DISCLAIMER)
        if s.summary:
            pages.paragraph(s.summary)
        pages.heading("Key numbers", 13)
        if z.risk_neutral:
            pages.table(["actor", "expected payoff (belief mode)", "expected payoff (strategic)"],
                        [[s.actors[a].name, _num(b.expected_payoffs[a]), _num(z.expected_payoffs[a])]
                         for a in s.actors], [0.4, 0.3, 0.3])
        else:  # risk attitudes: the certainty equivalent too (docs/risk-attitudes.md)
            pages.table(["actor", "expected payoff (belief)", "expected payoff (strategic)", "risk",
                         "certainty equivalent (strategic)"],
                        [[s.actors[a].name, _num(b.expected_payoffs[a]), _num(z.expected_payoffs[a]),
                          z.risk_attitudes[a], _num(z.certainty_equivalents[a])] for a in s.actors],
                        [0.24, 0.17, 0.17, 0.2, 0.22])
        if b.outcomes:
            top = b.outcomes[0]
            pages.paragraph(f"Most likely outcome: {top.label} (p = {_p(top.probability)}).")
            if b.paths:
                pages.paragraph(f"Most likely path: {self.path_sentence(b.paths[0])}.")
        pages.heading("Contents", 13)
        contents = ["The tree, with the most likely path", "Outcome distribution",
                    "Most likely paths and their narratives", "Strategic solution"]
        if b.tags:
            contents.insert(2, "Probability by tag")
        if self.tornado is not None:
            contents.append(f"Sensitivity of the {self.tornado.metric_label}")
        if s.sources:
            contents.append("Sources")
        if any(self.what_happened()):
            contents.append("What actually happened")
        for i, item in enumerate(contents, 1):
            pages.paragraph(f"{i}. {item}", space=2)
        out = pages.finish()
        out.append(figures["tree.png"])
        out.append(figures["outcomes.png"])
        if "tags.png" in figures:
            out.append(figures["tags.png"])
        pages = _Pages(self.theme)
        pages.heading("Most likely paths", 16)
        actors = [s.actors[a].name for a in s.actors]
        pages.table(["#", "p", "route"] + actors,
                    [[str(i), _p(p.probability), " → ".join(self.route(p)) + " ⇒ " + s.nodes[p.nodes[-1]].label]
                     + [_num(p.payoffs[a]) for a in s.actors] for i, p in enumerate(b.paths, 1)],
                    [0.05, 0.09, 0.86 - 0.1 * len(actors)] + [0.1] * len(actors))
        for i, path in enumerate(b.paths, 1):
            pages.heading(f"Path {i}, ending in {s.nodes[path.nodes[-1]].label} (p = {_p(path.probability)})", 11.5)
            pages.paragraph(self.narrative(path) or "(no narrative in the file)")
        out += pages.finish()
        out.append(figures["strategic.png"])
        pages = _Pages(self.theme)
        pages.heading("Strategic solution: the " + ("equilibria" if self.game is not None else "choices"), 16)
        if self.game is not None:
            equilibria.pdf(pages, s, self.game, _SMALL)
        else:
            pages.paragraph("Backward induction: at every decision not marked fixed, its actor takes the "
                            "option with the highest expected payoff to itself.", size=_SMALL, muted=True)
            pages.table(["decision", "actor", "choice", "value", "played"], self.choice_rows(),
                        [0.3, 0.17, 0.33, 0.1, 0.1])
        if self.game is None and z.ties:
            pages.paragraph("Ties broken for the first listed option at: " + ", ".join(z.ties) + ".")
        out += pages.finish()
        if "tornado.png" in figures:
            out.append(figures["tornado.png"])
        steps, later = self.what_happened()
        if s.sources or self.notes or steps:
            pages = _Pages(self.theme)
            if self.visible_sources:
                pages.heading("Sources", 16)
                for src in self.visible_sources:
                    pages.paragraph("• " + self.source_text(src), size=_SMALL + 0.5)
            for note in self.notes:
                pages.paragraph(note, muted=True)
            if steps or later:
                pages.heading("What actually happened", 16)
                pages.paragraph(_HINDSIGHT, muted=True)
                for step in steps:
                    pages.paragraph(f"{step.date or 'undated'}: {_sentence(step.label)}"
                                    + (f" {step.text}" if step.text else "")
                                    + (f" → {step.branch}" if step.branch else ""), size=_SMALL + 0.5)
                for src in later:
                    pages.paragraph("• " + self.source_text(src), size=_SMALL + 0.5)
            out += pages.finish()
        return out


# -- formatting -------------------------------------------------------------------------------------
def _sentence(label: str) -> str:
    """A label as a sentence: a full stop unless it already ends with one, '?' or '!'."""
    return label if label.endswith((".", "?", "!")) else label + "."


_HINDSIGHT = ("Hindsight: what happened after the scenario's as-of date, kept out of everything above "
              "(the scenario's numbers are judgments as of that date).")


def _p(x: float) -> str:
    return formatting.diagram_probability(float(x))


def _num(x: float) -> str:
    return formatting.payoff_label(float(x))


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]|#"} | {"<": "&lt;", ">": "&gt;", "&": "&amp;"})


def _md(text: object) -> str:
    r"""Text from the scenario, safe inside a Markdown table cell or paragraph: on one line,
    Markdown's marks escaped and ``<``, ``>``, ``&`` as entities, so no label can add
    HTML (``<img onerror=...>``, ``</script>``) to a viewer that renders it.

    >>> _md("<img src=x onerror=alert(1)> | *bold*")
    '&lt;img src=x onerror=alert(1)&gt; \\| \\*bold\\*'
    """
    return " ".join(str(text).split()).translate(_MD_SPECIAL)


def _md_table(headers, rows) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "| " + " | ".join("---" for _ in headers) + " |"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out


def tornado_or_note(scenario: Any, metric: Any, overrides: Mapping[str, Any] | None, notes: list[str]) -> Any:
    """The tornado of ``metric`` for a briefing (the PDF pack and the deck), or None with the
    reason added to ``notes`` (no parameter has a range, or the analysis cannot be made)."""
    from ..analysis.sensitivity import AnalysisError, tornado

    if not any(p.low is not None and p.high is not None for p in scenario.parameters.values()):
        notes.append("No tornado diagram: no parameter of the scenario has a low/high range "
                     "(give parameters low and high values in the file to get one).")
        return None
    try:
        return tornado(scenario, metric=metric, overrides=overrides)
    except AnalysisError as exc:
        notes.append(f"No tornado diagram: {exc}.")
        return None

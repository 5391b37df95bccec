"""``scenarios draw``, ``scenarios chart`` and ``scenarios report``: diagrams, charts, briefing pack.

Each writes its file(s) atomically, prints the path(s) written on standard output and
nothing else; warnings (text drawn small, say) go to standard error.  matplotlib is
imported only when a command runs, never when the parser is built.
"""

from __future__ import annotations

import argparse
import sys
import warnings

from . import add_file, add_risk, add_set

_THEMES = ("light", "dark", "print")


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a probability, got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a probability in [0, 1], got {text!r}")
    return value


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0 or value != value or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}")
    return value


def _whole(text: str) -> int:
    from . import count

    return count(text)


def _common(p: argparse.ArgumentParser, *, output_help: str) -> None:
    add_file(p)
    p.add_argument("-o", "--output", metavar="OUT", required=True, help=output_help)
    add_set(p)
    p.add_argument("--theme", choices=_THEMES, default="light",
                   help="light (default), dark, or print (greyscale with hatching)")


def _run(draw) -> int:
    """Run a drawing function; print its warnings to stderr and the written paths to stdout."""
    from ..errors import ScenarioWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ScenarioWarning)
        paths = draw()
    for w in caught:
        if issubclass(w.category, ScenarioWarning):
            print(f"warning: {w.message}", file=sys.stderr)
    for path in paths:
        print(path)
    return 0


def cmd_draw(args) -> int:
    from ..render.save import output_format, save_figure
    from .commands import load_scenario, overrides_of

    output_format(args.output)  # an unknown format fails before any work
    scenario = load_scenario(args)

    def draw():
        from ..render.tree import draw_tree

        overrides = overrides_of(args) or None
        if args.method and not args.solve:
            from ..errors import ScenarioError

            raise ScenarioError("--method chooses how --solve solves; add --solve")
        # --method nash|qre|spe: the first equilibrium, played (an EquilibriumResult; docs/games.md)
        result = scenario.solve(overrides=overrides, top=1, method=args.method) if args.solve else None
        if args.solve and args.given:
            from ..errors import ScenarioError

            raise ScenarioError("--given applies to belief mode; drop it or --solve")
        ax = draw_tree(scenario, result, overrides=overrides, given=args.given, value=args.value,
                       highlight=args.highlight, prune=args.prune, depth=args.depth,
                       unshare=args.unshare, top_down=args.top_down, theme=args.theme,
                       width=args.width, height=args.height, dpi=args.dpi, title=args.title,
                       slide=args.slide)
        return [save_figure(ax.figure, args.output)]

    return _run(draw)


def cmd_chart(args) -> int:
    from ..briefing.charts import REGISTRY
    from ..errors import UnknownChartError, did_you_mean
    from ..render.save import output_format, save_figure
    from .commands import load_scenario, overrides_of

    if args.kind not in REGISTRY:
        raise UnknownChartError(f"unknown chart {args.kind!r}{did_you_mean(args.kind, REGISTRY)}; "
                                f"charts: {', '.join(REGISTRY)}")
    output_format(args.output)
    scenario = load_scenario(args)
    variants = []
    for name in args.variant:
        args_like = argparse.Namespace(file=name, extends_anywhere=getattr(args, "extends_anywhere", False))
        variants.append(load_scenario(args_like))

    def draw():
        from ..briefing.charts import chart_figure

        ax = chart_figure(scenario, args.kind, overrides=overrides_of(args), given=args.given,
                          theme=args.theme, metric=args.metric, node=args.node, x=args.x, y=args.y,
                          steps=args.steps, policy=args.policy, psa_draws=args.psa, seed=args.seed,
                          of=args.of, histogram=args.histogram, variants=variants, solve=args.solve)
        return [save_figure(ax.figure, args.output, dpi=args.dpi)]

    return _run(draw)


_REPORT_FORMATS = ("pdf", "pptx")


def _report_format(args) -> str:
    """``--format``, or ``pptx`` when OUT ends in ``.pptx``; an unknown format is one line."""
    from ..errors import UnknownFormatError, did_you_mean

    fmt = args.format or ("pptx" if str(args.output).lower().endswith(".pptx") else "pdf")
    suffix = str(args.output).lower().rpartition(".")[2] if "." in str(args.output) else ""
    if args.format is None and suffix in ("ppt", "pps", "ppsx", "key", "odp", "pptm"):
        # an old or other slide suffix would quietly give a folder named deck.ppt and deck.ppt.pdf
        raise UnknownFormatError(f"error: report -o {args.output}: the deck is written as .pptx (did you mean "
                                 f"{str(args.output)[: -len(suffix)]}pptx?); a folder and PDF need a name "
                                 "without a slide suffix")
    if fmt not in _REPORT_FORMATS:
        raise UnknownFormatError(f"error: unknown report format {fmt!r}{did_you_mean(fmt, _REPORT_FORMATS)}; "
                                 f"formats: {', '.join(_REPORT_FORMATS)}")
    return fmt


def cmd_report(args) -> int:
    from .commands import load_scenario, overrides_of

    fmt = _report_format(args)  # before any work
    if fmt == "pptx":
        from ..briefing.slidekit import need_pptx

        need_pptx()  # python-pptx missing: one line, before any work
    scenario = load_scenario(args)

    if fmt == "pptx":
        def draw_deck():
            from ..briefing.deck import write_deck

            deck = write_deck(scenario, args.output, overrides=overrides_of(args), theme=args.theme,
                              metric=args.metric, top=args.top, dpi=args.dpi)
            for note in deck.notes:
                print(f"note: {note}", file=sys.stderr)
            return [deck.path]

        return _run(draw_deck)

    def draw():
        from ..briefing.pack import write_report

        report = write_report(scenario, args.output, overrides=overrides_of(args), theme=args.theme,
                              metric=args.metric, top=args.top, dpi=args.dpi)
        for note in report.notes:
            print(f"note: {note}", file=sys.stderr)
        return [report.pdf, report.markdown]

    return _run(draw)


def register(add) -> None:
    p = add("draw", "draw the scenario as a decision tree: PNG, SVG or PDF", cmd_draw)
    _common(p, output_help="output file; the format comes from the suffix: .png, .svg or .pdf")
    p.add_argument("--given", metavar="NODE", help="condition on the path passing NODE")
    p.add_argument("--solve", action="store_true",
                   help="show the strategic solution (backward induction) instead of belief mode")
    p.add_argument("--method", choices=("backward", "nash", "qre", "spe"),
                   help="with --solve: backward induction (the default), or the first equilibrium by nash, qre "
                        "or spe (a game with information sets; see scenarios solve --method)")
    p.add_argument("--value", metavar="ACTOR",
                   help="show each decision and chance node's expected payoff to ACTOR")
    p.add_argument("--highlight", metavar="WHAT",
                   help="likely (most likely path), strategic (every strategic choice), historical, "
                        "or a path of node ids such as root,a,b")
    p.add_argument("--prune", metavar="P", type=_probability,
                   help="collapse branches taken with probability below P into one 'n more' stub "
                        "(never a first-level option or a branch of the highlighted path)")
    p.add_argument("--depth", metavar="D", type=_whole,
                   help="draw at most D levels below the root; deeper branches collapse the same way "
                        "(never a first-level option or a branch of the highlighted path)")
    p.add_argument("--unshare", action="store_true",
                   help="repeat a shared node on every path reaching it (a strict tree)")
    p.add_argument("--top-down", action="store_true", help="root at the top instead of the left")
    p.add_argument("--dpi", type=_positive, help="resolution (default 150, lower for huge diagrams)")
    p.add_argument("--width", metavar="IN", type=_positive,
                   help="figure width in inches (the drawing is scaled to fit)")
    p.add_argument("--height", metavar="IN", type=_positive,
                   help="figure height in inches (the drawing is scaled to fit)")
    p.add_argument("--title", help="title (default: the scenario's)")
    p.add_argument("--slide", action="store_true",
                   help="a 16:9 slide (13.33 x 7.5 in), no text under 9 pt: orientation and collapse "
                        "chosen to fit; the most likely path highlighted unless --highlight")

    from ..briefing.charts import REGISTRY  # no matplotlib: the registry draws on demand

    kinds = list(REGISTRY)
    p = add("chart", f"draw one chart: {', '.join(kinds[:-1])} or {kinds[-1]}", cmd_chart)
    add_file(p)
    p.add_argument("kind", metavar="KIND", help=f"the chart: {', '.join(kinds)} (see docs/graphics.md)")
    p.add_argument("-o", "--output", metavar="OUT", required=True,
                   help="output file; the format comes from the suffix: .png, .svg or .pdf")
    add_set(p)
    p.add_argument("--theme", choices=_THEMES, default="light",
                   help="light (default), dark, or print (greyscale with hatching)")
    p.add_argument("--given", metavar="NODE", help="outcomes/tags/options: condition on passing NODE")
    p.add_argument("--solve", action="store_true",
                   help="outcomes/tags/options: under the strategic solution instead of belief mode")
    p.add_argument("--metric", help="tornado/spider/two-way: payoff:ACTOR, outcome:ID, tag:TAG, node:ID or ce:ACTOR "
                                    "(default: payoff to the actor deciding at the root)")
    p.add_argument("--policy", choices=("belief", "fixed", "reoptimize"), default="belief",
                   help="tornado/spider/two-way: how decisions are read as values vary (default belief; "
                        "two-way re-solves unless fixed)")
    p.add_argument("--node", metavar="NODE",
                   help="options: the decision node (default the root); two-way: whose choice to map")
    p.add_argument("--x", metavar="NAME", help="two-way: parameter on the x axis")
    p.add_argument("--y", metavar="NAME", help="two-way: parameter on the y axis")
    p.add_argument("--steps", type=_whole, help="spider/two-way: points per variable")
    p.add_argument("--psa", metavar="N", type=_whole,
                   help="psa: number of draws (default 1000); outcomes/tags: add 5-95 %% intervals from N draws")
    p.add_argument("--seed", type=_whole, default=0, help="psa: random seed (default 0)")
    p.add_argument("--of", choices=("payoffs", "solved", "outcomes", "tags"),
                   help="psa: which quantities (default payoffs); compare: which section (default outcomes)")
    p.add_argument("--histogram", action="store_true", help="psa: histograms instead of intervals")
    p.add_argument("--variant", metavar="FILE", action="append", default=[],
                   help="compare: a variant scenario (file or bundled name); repeatable")
    p.add_argument("--dpi", type=_positive, help="resolution of a PNG (default 150)")

    p = add("report", "write the briefing pack: OUT.pdf and OUT/ with briefing.md and its PNGs, "
            "or an editable PowerPoint deck (--format pptx)", cmd_report)
    _common(p, output_help="OUT: writes OUT.pdf and the folder OUT/; with --format pptx the deck OUT")
    p.add_argument("--format", metavar="FMT",
                   help="pdf (default: OUT.pdf and OUT/) or pptx (a PowerPoint deck with native charts; "
                        "the default when OUT ends in .pptx)")
    p.add_argument("--metric", help="the main metric for the tornado (default: payoff to the actor "
                                    "deciding at the root)")
    p.add_argument("--top", metavar="N", type=_whole, default=5,
                   help="how many of the most likely paths to list (default 5)")
    p.add_argument("--dpi", type=_positive, help="resolution of the PNGs (default 150)")
    add_risk(p)

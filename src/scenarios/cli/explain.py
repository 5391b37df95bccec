"""``scenarios explain``: where an actor's expected payoff comes from, path by path.

The numbers come from :func:`scenarios.engine.explain.explain` (a result in, contributions
out); this module formats them, and draws the waterfall with ``-o``.
"""

from __future__ import annotations

import json

from . import add_file, add_json, add_set, count
from .width import add_width, fit, wrap

__all__ = ["register", "format_explanation"]

DEFAULT_TOP = 15


def cmd_explain(args) -> int:
    from ..engine.explain import explain
    from .commands import emit, load_scenario, overrides_of

    if args.output:
        from ..render.save import output_format

        output_format(args.output)  # an unknown format fails before any work
    scenario = load_scenario(args)
    overrides = overrides_of(args)
    if args.strategic:
        result = scenario.solve(overrides=overrides, top=0, exact=args.exact)
    else:
        result = scenario.evaluate(overrides=overrides, top=0, exact=args.exact)
    explanation = explain(result, actor=args.actor, node=args.node, by=args.by, top=args.top)
    if args.output:
        from ..render.charts.waterfall import explain_chart
        from ..render.save import save_figure

        ax = explain_chart(explanation, theme=args.theme)
        path = save_figure(ax.figure, args.output)
        if not args.json:
            emit(f"wrote {path}")
    emit(json.dumps(explanation.to_dict(), indent=2) if args.json else fit(format_explanation(explanation)))
    return 0


def format_explanation(e) -> str:
    """The text of ``scenarios explain``: a header that says what is summed, then one row per
    path (its route under it) or outcome, the others, and the total."""
    from .text import number, table

    r = e.result
    s = r.scenario
    actor = s.actors[e.actor].name
    mode = ("strategic mode: every decision takes its solved choice" if r.mode == "strategic"
            else "belief mode: every decision weighted by the analyst's beliefs")
    start = s.nodes[e.node]
    lines = [f"{s.title} — where the expected payoff of {actor} comes from ({mode})"]
    if e.exact:
        lines.append("exact: rational arithmetic on the file's decimals (0.1 is 1/10); contributions sum exactly")
    if r.overrides:
        lines.append("overrides: " + ", ".join(f"{k}={v}" for k, v in r.overrides.items()))
    fraction = f" (exactly {e.expected_fraction})" if e.exact and e.expected_fraction.denominator != 1 else ""
    if e.node == s.root:
        lines.append(f"Expected payoff of {actor} [{e.actor}]: {number(e.expected)}{fraction}")
    else:
        lines.append(f"Expected payoff of {actor} [{e.actor}] from {start.label!r} [{e.node}], given the path "
                     f"reaches it, counting what is collected from there on: {number(e.expected)}{fraction}")
    if e.unit == "paths":
        lines.append(f"Rows: the {e.total:,} paths of positive probability from {e.node!r} to an outcome "
                     f"(at most {e.limit:,} are listed one by one; past that, outcomes)")
    else:
        lines.append(f"Rows: the {e.total:,} outcomes reached ({e.why}); an outcome's payoff is the expected "
                     "payoff collected on the paths ending there")
    lines.append("contribution = probability × payoff; the contributions sum to the expected payoff. Payoffs on "
                 "branches count in every path through them" + (", shared among the outcomes they lead to in "
                                                                 "proportion to the probability of reaching each"
                                                                 if e.unit == "outcomes" else "") + ".")
    by_outcome = e.unit == "outcomes"
    rows = []
    routes = []
    for k, row in enumerate(e.rows, 1):
        rows.append([str(k), number(row.probability), number(row.payoff), number(row.contribution),
                     _share(row.share), number(row.cumulative)]
                    + ([_clip(s.nodes[row.outcome].label, 48)] if by_outcome else []))
        routes.append("" if by_outcome else _route(s, row))
    if e.others:
        rows.append(["rest", number(e.others_probability), "", number(e.others_contribution),
                     _share(None if e.expected == 0 else e.others_contribution / e.expected), number(e.expected)]
                    + ([f"the other {e.others:,} outcomes"] if by_outcome else []))
    rows.append(["total", number(sum(row.probability for row in e.rows) + e.others_probability), "",
                 number(e.expected), "–" if e.expected == 0 else "100.0%", ""] + ([""] if by_outcome else []))
    routes.append("")
    headers = ["#", "probability", "payoff", "contribution", "share", "cumulative"]
    headers += ["outcome"] if by_outcome else []
    lines += ["", table(headers, rows, "rrrrrr" + ("l" if by_outcome else ""))]
    if not by_outcome:  # each row's route, below the table (a wrapped table has no row per line)
        lines += ["", "The paths, by row number:"]
        lines += [wrap(f"{k:>3}. {route}", "  ", "       ") for k, route in enumerate(routes, 1) if route]
        if e.others:
            lines.append(f"  and the other {e.others:,} paths (--top to list more)")
    return "\n".join(lines)


def _share(share: float | None) -> str:
    from .. import formatting

    if share is None:
        return "–"
    return formatting.percent(share if round(share, 3) != 0 else 0.0)  # never "-0.0%"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _route(scenario, row) -> str:
    outcome = scenario.nodes[row.outcome].label
    if len(row.nodes) < 2:
        return f"⇒ {outcome}"
    steps = [scenario.nodes[u].branches[k].label for u, k in zip(row.nodes, row.branches, strict=False)]
    return " → ".join(steps) + f"  ⇒ {outcome}"


def register(add) -> None:
    p = add("explain", "where an actor's expected payoff comes from: each path's (or outcome's) probability × "
                       "payoff, largest first, summing to the expected value", cmd_explain)
    add_file(p)
    p.add_argument("--actor", metavar="ACTOR",
                   help="whose payoff (default: the actor deciding at --node, or at the root)")
    p.add_argument("--node", metavar="NODE",
                   help="explain the expected payoff from NODE on, given the path reaches it (default: the root)")
    p.add_argument("--by", choices=("paths", "outcomes"),
                   help="rows are paths (default while there are at most 10,000) or outcomes")
    p.add_argument("--strategic", action="store_true",
                   help="under the strategic solution (backward induction) instead of the beliefs")
    p.add_argument("--top", metavar="K", type=count, default=DEFAULT_TOP,
                   help=f"how many rows to list (default {DEFAULT_TOP}); the rest are summed in one row")
    add_set(p)
    p.add_argument("--exact", action="store_true",
                   help="compute in exact fractions read from the file's decimals; contributions sum exactly")
    p.add_argument("-o", "--output", metavar="OUT",
                   help="also draw the waterfall chart (slide size): .png, .svg or .pdf")
    p.add_argument("--theme", choices=("light", "dark", "print"), default="light",
                   help="the chart's theme: light (default), dark, or print (greyscale with hatching)")
    add_json(p)
    add_width(p)

"""The analyst's sub-commands: ``sensitivity``, ``threshold`` and ``compare``.

Each parses its options, calls one library function (:mod:`scenarios.analysis.sensitivity`
or :mod:`scenarios.analysis.compare`) and prints the result as a table or, with
``--json``, as the result's ``to_dict()``.  Only the standard library is imported here at
module level, so ``scenarios --help`` stays fast.
"""

from __future__ import annotations

import argparse
import json

from ..labels import parameter_labels
from . import add_file, add_json, add_risk, add_set, count
from .width import add_width, columns, fit

POLICY_CHOICES = ("belief", "fixed", "reoptimize")


# -- argument types ------------------------------------------------------------------------------
def _range(text: str) -> tuple[str, float, float]:
    """``NAME=LOW:HIGH`` → ``(name, low, high)``; a malformed one is a usage error (exit 2)."""
    name, sep, bounds = text.partition("=")
    low, colon, high = bounds.partition(":")
    if not sep or not colon or not name.strip() or ":" in high:
        raise argparse.ArgumentTypeError(f"expected NAME=LOW:HIGH, got {text!r}")
    try:
        return name.strip(), float(low), float(high)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers in NAME=LOW:HIGH, got {text!r}") from None


def _names(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"expected NAME[,NAME...], got {text!r}")
    return names


def _ranges(args) -> dict:
    return {name: (low, high) for name, low, high in args.ranges}


# -- commands ----------------------------------------------------------------------------------------
def cmd_sensitivity(args) -> int:
    from ..analysis import sensitivity as sa
    from .commands import emit, load_scenario, overrides_of

    scenario = load_scenario(args)
    options = dict(metric=args.metric, policy=args.policy, ranges=_ranges(args), node=args.node,
                   overrides=overrides_of(args))
    result: sa.GridResult | sa.SpiderResult | sa.TornadoResult
    if args.grid is not None:
        names = [n.strip() for n in args.grid.split(",") if n.strip()]
        if len(names) != 2:
            raise sa.AnalysisError(f"--grid needs two variables as P1,P2, got {args.grid!r}")
        result = sa.grid(scenario, names[0], names[1], steps=21 if args.steps is None else args.steps, **options)
        text = format_grid
    elif args.spider:
        result = sa.spider(scenario, args.params, steps=5 if args.steps is None else args.steps, **options)
        text = format_spider
    else:
        result = sa.tornado(scenario, args.params, **options)
        text = format_tornado
    emit(json.dumps(result.to_dict(), indent=2) if args.json else text(result))
    return 0


def cmd_threshold(args) -> int:
    from ..analysis import sensitivity as sa
    from .commands import emit, load_scenario, overrides_of

    scenario = load_scenario(args)
    result = sa.threshold(scenario, args.param, node=args.node, policy=args.policy, ranges=_ranges(args),
                          steps=101 if args.steps is None else args.steps, overrides=overrides_of(args))
    emit(json.dumps(result.to_dict(), indent=2) if args.json else format_threshold(result))
    return 0


def cmd_compare(args) -> int:
    from ..analysis.compare import compare
    from .commands import emit, load_scenario, overrides_of

    loaded = []
    for name in [args.file, *args.others]:
        args.file = name
        loaded.append(load_scenario(args))
    result = compare(loaded, overrides=overrides_of(args))
    emit(json.dumps(result.to_dict(), indent=2) if args.json else format_compare(result))
    return 0


def register(add) -> None:
    p = add("sensitivity", "one-way (tornado), spider or two-way sensitivity of a metric to parameters",
            cmd_sensitivity)
    add_file(p)
    p.add_argument("--params", metavar="A,B", type=_names,
                   help="parameters or NODE.CHILD branches to vary (default: every parameter with low/high)")
    p.add_argument("--metric", metavar="M",
                   help="payoff:ACTOR, outcome:ID, tag:TAG, node:ID or ce:ACTOR (default: payoff of the root's actor)")
    p.add_argument("--policy", choices=POLICY_CHOICES, default="belief",
                   help="belief: decisions weighted by beliefs (default); fixed: base case's strategic "
                        "choices held; reoptimize: re-solved at every value")
    p.add_argument("--range", metavar="NAME=LOW:HIGH", action="append", default=[], type=_range,
                   dest="ranges", help="range of a parameter or NODE.CHILD branch (repeatable)")
    design = p.add_mutually_exclusive_group()
    design.add_argument("--spider", action="store_true", help="the metric along each range (spider plot data)")
    design.add_argument("--grid", metavar="P1,P2", help="two-way grid of two variables (heat map data)")
    p.add_argument("--steps", metavar="N", type=count, default=None,
                   help="points along each range (default 5 for --spider, 21 for --grid)")
    p.add_argument("--node", metavar="D", help="decision node whose strategic choice is reported "
                                              "(default: the root)")
    add_set(p)
    add_risk(p)
    add_json(p)
    add_width(p)

    p = add("threshold", "where the strategic choice at a decision node changes as one parameter moves",
            cmd_threshold)
    add_file(p)
    p.add_argument("--param", metavar="P", required=True, help="parameter or NODE.CHILD branch to move")
    p.add_argument("--node", metavar="D", help="decision node (default: the root)")
    p.add_argument("--policy", choices=("reoptimize", "fixed"), default="reoptimize",
                   help="reoptimize: every decision re-solved (default); fixed: the other decisions "
                        "keep their base-case choices")
    p.add_argument("--range", metavar="NAME=LOW:HIGH", action="append", default=[], type=_range,
                   dest="ranges", help="range to search (default: the parameter's low/high)")
    p.add_argument("--steps", metavar="N", type=count, default=None,
                   help="scan points that bracket the changes before bisection (default 101)")
    add_set(p)
    add_risk(p)
    add_json(p)
    add_width(p)

    p = add("compare", "scenarios side by side: outcome and tag probabilities, payoffs, choices, differences",
            cmd_compare)
    p.add_argument("file", metavar="A", help="the reference scenario (file or bundled name)")
    p.add_argument("others", metavar="B", nargs="+", help="scenarios to compare with A")
    add_set(p)
    add_json(p)
    add_width(p)


# -- text ---------------------------------------------------------------------------------------------
def _n(x: float, digits: int = 4) -> str:
    from .text import number

    return number(x, digits)


def _signed(x: float | None) -> str:
    if x is None:
        return "–"
    text = _n(x)
    return text if text.startswith("-") or text == "0" else "+" + text


def _choice_text(scenario, node: str | None, child: str | None) -> str:
    if node is None or child is None:
        return ""
    label = next(b.label for b in scenario.nodes[node].branches if b.to == child)
    return label if label == child else f"{label} [{child}]"


def _head(result, what: str) -> list[str]:
    from ..analysis.metrics import POLICY_DESCRIPTIONS
    from .text import wrap

    s = result.scenario
    lines = [f"{s.title} — {what} of {result.metric_label} [{result.metric}]",
             wrap(POLICY_DESCRIPTIONS[result.policy])]
    if result.overrides:
        lines.append("overrides: " + ", ".join(f"{k}={v}" for k, v in result.overrides.items()))
    if result.held_choices:
        held = ", ".join(f"{n}→{c}" for n, c in result.held_choices.items())
        lines.append(wrap(f"held choices: {held}"))
    return lines


def format_tornado(result) -> str:
    from .text import table

    s = result.scenario
    lines = _head(result, "tornado")
    base = f"base case: {_n(result.base_metric)}"
    if result.node:
        base += f"   choice at {result.node!r}: {_choice_text(s, result.node, result.base_choice)}"
    lines += [base, ""]
    widest = max((bar.swing for bar in result.bars), default=0.0)
    rows, flips = [], []
    # Words over names: each parameter's description (or label); the name where it has none.
    words = parameter_labels(s, [bar.variable.name for bar in result.bars], max_chars=72)
    for bar, word in zip(result.bars, words, strict=True):
        v = bar.variable
        rows.append([word, _n(v.low), _n(v.base), _n(v.high), _n(bar.metric_low), _n(bar.metric_high),
                     _n(bar.swing)])
        if result.node and bar.choice_low != bar.choice_high:
            flips.append(f"  {word}: {_choice_text(s, result.node, bar.choice_low)} at low, "
                         f"{_choice_text(s, result.node, bar.choice_high)} at high")
    headers: tuple[str, ...] = ("variable", "low", "base", "high", "at low", "at high", "swing")
    bare = max(len(line) for line in table(headers, rows, "lrrrrrr").splitlines())
    room = min(20, columns() - bare - 2)  # the bars take what the numbers leave, up to 20 columns
    if room >= 3:
        for row, bar in zip(rows, result.bars, strict=True):
            row.append(_bar(0.0 if widest <= 0 else room * bar.swing / widest))
        headers += ("",)
    lines.append(table(headers, rows, "lrrrrrrl"))
    if flips:
        what = (f"re-optimizing {result.node!r} alone (the other choices held) would choose differently"
                if result.policy == "fixed" else f"the strategic choice at {result.node!r} differs")
        lines += ["", f"{what} between the ends of:"] + flips
    return fit("\n".join(lines))


def _bar(length: float) -> str:
    """A bar ``length`` columns long, to an eighth of a column (block elements)."""
    eighths = round(length * 8)
    return "█" * (eighths // 8) + ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")[eighths % 8]


def format_spider(result) -> str:
    from .text import table

    lines = _head(result, "spider data")
    lines += [f"base case: {_n(result.base_metric)}", ""]
    words = parameter_labels(result.scenario, [line.variable.name for line in result.lines], max_chars=72)
    rows = [(word, f"{_n(line.values[0])} … {_n(line.values[-1])}",
             *(_n(y) for y in line.metric)) for word, line in zip(words, result.lines, strict=True)]
    headers = ("variable", "range", *(f"step {i + 1}" for i in range(result.steps)))
    lines.append(table(headers, rows, "ll" + "r" * result.steps))
    lines.append(f"  (the metric at {result.steps} evenly spaced values from low to high; --json for the "
                 "values and choices)")
    return fit("\n".join(lines))


def format_grid(result) -> str:
    from .text import table

    s = result.scenario
    lines = _head(result, "two-way grid")
    lines.append(f"x = {result.x.name} (columns), y = {result.y.name} (rows)")
    corner = f"{result.y.name} \\ {result.x.name}"
    headers = (corner, *(_n(x, 3) for x in result.xs))
    rows = [(_n(y, 3), *(_n(v, 3) for v in row)) for y, row in zip(result.ys, result.metric_grid, strict=False)]
    lines += ["", result.metric_label, table(headers, rows, "r" * len(headers))]
    if result.node:
        options = [b.to for b in s.nodes[result.node].branches]
        letters = {child: chr(ord("A") + i) if i < 26 else "?" for i, child in enumerate(options)}
        rows = [(_n(y, 3), *(letters.get(c, "") for c in row))
                for y, row in zip(result.ys, result.choices, strict=False)]
        legend = [f"  {letters[c]} = {_choice_text(s, result.node, c)}" for c in options]
        lines += ["", f"strategic choice at {result.node!r}", table(headers, rows, "r" * len(headers))] + legend
    return fit("\n".join(lines))


def format_threshold(result) -> str:
    from ..analysis.metrics import POLICY_DESCRIPTIONS
    from .text import table, wrap

    s = result.scenario
    v = result.variable
    node = s.nodes[result.node]
    lines = [f"{s.title} — threshold of {v.name} on [{_n(v.low)}, {_n(v.high)}] at {result.node!r} "
             f"({s.actors[result.actor].name} decides)", wrap(POLICY_DESCRIPTIONS[result.policy])]
    if result.overrides:
        lines.append("overrides: " + ", ".join(f"{k}={val}" for k, val in result.overrides.items()))
    lines += [f"base case: {v.name} = {_n(v.base)} → {_choice_text(s, result.node, result.base_choice)}", ""]
    rows = [(f"{a:.10g}", f"{b:.10g}", _choice_text(s, result.node, c)) for a, b, c in result.segments]
    lines += [f"{node.label} — the choice across the range", table(("from", "to", "choice"), rows, "rrl")]
    if not result.crossings:
        lines += ["", f"no change of choice within the range (scanned at {result.steps} points)"]
    else:
        lines += ["", f"crossings (bisection to within {result.tolerance:g}):"]
        for c in result.crossings:
            lines.append(f"  {v.name} = {c.value:.10g}: {_choice_text(s, result.node, c.left)} → "
                         f"{_choice_text(s, result.node, c.right)}  (values {_n(c.left_value)} and "
                         f"{_n(c.right_value)} for {s.actors[result.actor].name})")
    return fit("\n".join(lines))


def format_compare(result) -> str:
    from .text import table

    names = result.names
    headers = ["", names[0]]
    for name in names[1:]:
        headers += [name, "Δ"]

    def block(title: str, rows) -> list[str]:
        out = []
        for row in rows:
            cells = [row.label, "–" if row.values[0] is None else _n(row.values[0])]
            for value, diff in zip(row.values[1:], row.differences, strict=False):
                cells += ["–" if value is None else _n(value), _signed(diff)]
            out.append(cells)
        return ["", title, table([title.split(" (")[0].lower()] + headers[1:], out, "l" + "r" * (len(headers) - 1))]

    lines = ["Scenarios compared (Δ: difference from the first)"]
    lines += [f"  {name}: {s.title}" for name, s in zip(names, result.scenarios, strict=False)]
    if result.overrides:
        lines.append("overrides (applied to every scenario): "
                     + ", ".join(f"{k}={v}" for k, v in result.overrides.items()))
    for name, changes in zip(names[1:], result.changes, strict=False):
        lines += ["", f"What {name} changes from {names[0]}" + ("" if changes else ": nothing written differently")]
        if changes:
            changed = [(c.what, c.key, "–" if c.before is None else _n(c.before),
                        "–" if c.after is None else _n(c.after)) for c in changes]
            lines.append(table(("change", "name", "from", "to"), changed, "llrr"))
    lines += block("Outcomes (belief mode probabilities)", result.outcomes)
    if result.tags:
        lines += block("Tags (probability of ending in an outcome with the tag, belief mode)", result.tags)
    lines += block("Expected payoffs (belief mode)", result.expected_payoffs)
    lines += block("Expected payoffs (strategic solution)", result.solved_payoffs)
    rows = [[("* " if r.changed else "") + r.label] + [c or "–" for c in r.choice_labels] for r in result.choices]
    lines += ["", "Strategic choices (* where a scenario differs from the first)",
              table(["decision", *names], rows, "l" * (len(names) + 1))]
    return fit("\n".join(lines))

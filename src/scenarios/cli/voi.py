"""``scenarios voi``: the value of information at a decision (EVPI, clairvoyance, EVII, EVPPI).

The numbers come from :mod:`scenarios.analysis.voi` and :mod:`scenarios.analysis.evppi`;
the chart from :mod:`scenarios.render.charts.voi`.  Only the standard library is imported
at module level, so ``scenarios --help`` stays fast.
"""

from __future__ import annotations

import json

from . import add_file, add_json, add_set, count
from .width import add_width, fit


def cmd_voi(args) -> int:
    from ..analysis.evppi import evppi
    from ..analysis.voi import value_of_information
    from .commands import emit, load_scenario, overrides_of

    if args.output is not None:
        from ..render.save import output_format

        output_format(args.output)  # an unknown format fails before any work
    scenario = load_scenario(args)
    overrides = overrides_of(args) or None
    result = value_of_information(scenario, node=args.node, actor=args.actor, mode=args.mode,
                                  overrides=overrides, seed=args.seed, samples=args.samples)
    if args.evppi is not None:
        names = [n.strip() for n in args.evppi.split(",") if n.strip() and n.strip() != "all"]
        found = evppi(scenario, names or None, node=result.decisions[0].node, mode=args.mode,
                      draws=args.draws, seed=args.seed, overrides=overrides)
        import dataclasses

        result = dataclasses.replace(result, evppi=found)
    emit(json.dumps(result.to_dict(), indent=2) if args.json else fit(format_voi(result)))
    if args.output is not None:
        from ..render.charts.voi import voi_chart
        from ..render.save import save_figure

        ax = voi_chart(result, theme=args.theme)
        print(save_figure(ax.figure, args.output))
    return 0


def format_voi(result) -> str:
    from ..analysis.voi import MODE_NOTES
    from ..formatting import terminal_number as num
    from .text import table, wrap

    lines = [f"Value of information: {result.title or result.scenario_id} ({result.mode} mode, payoff terms, "
             "risk neutral)", wrap(MODE_NOTES[result.mode])]
    for d in result.decisions:
        who = d.actor_name or d.actor
        lines += ["", f"Decision {d.label} [{d.node}], decided by {who}",
                  f"  expected payoff without more information: {num(d.without)}"]
        rows = []
        if d.everything is not None:
            rows.append(["everything below (clairvoyance)", num(d.everything.value), num(d.everything.with_information),
                         "upper bound"])
        for i in sorted(d.perfect, key=lambda i: -i.value):
            rows.append([f"{i.label} [{i.id}]", num(i.value), num(i.with_information), "perfect"])
        for i in d.signals:
            rows.append([f"{i.label} [{i.id}]", num(i.value), num(i.with_information), "imperfect (signal)"])
        if rows:
            lines.append(table(["information before deciding", "value", "payoff with it", "kind"], rows, "lrrl"))
        else:
            lines.append("  no uncertainty is resolved after this decision: information cannot change it")
        if d.everything is not None and d.everything.method != "exact":
            se = f" (standard error {num(d.everything.stderr)})" if d.everything.stderr is not None else ""
            lines.append(wrap(f"clairvoyance {d.everything.method}{se}", "  "))
    e = result.evppi
    if e is not None:
        lines += ["", f"EVPPI at [{e.node}]: the value of learning one parameter before deciding",
                  wrap(f"method: {e.method}; seed {e.seed}", "  "),
                  f"  all drawn parameters together (EVPI on parameters): {num(e.all_parameters)}"]
        lines.append(table(["parameter", "EVPPI", "noise floor"],
                           [[i.parameter, num(i.value), num(i.noise_floor)] for i in e.items], "lrr"))
    return "\n".join(lines)


def _node(text: str) -> str:
    """``--node``: a decision's id, bare or as printed, ``[id]``."""
    text = text.strip()
    return text[1:-1].strip() if len(text) > 2 and text[0] == "[" and text[-1] == "]" else text


def _positive(text: str) -> int:
    value = count(text)
    if value < 2:
        import argparse

        raise argparse.ArgumentTypeError(f"expected a whole number >= 2, got {text!r}")
    return value


def register(add) -> None:
    p = add("voi", "value of information at a decision: perfect (EVPI) per uncertainty, of everything, "
                   "imperfect (EVII) per signal, and EVPPI per parameter", cmd_voi)
    add_file(p)
    p.add_argument("--node", metavar="D", type=_node,
                   help="the decision, by its id as printed ('start' or '[start]'; default: the root if it is a "
                        "decision, else the first decisions; with --actor, that actor's first decisions)")
    p.add_argument("--actor", metavar="A", help="report the decisions of this actor")
    p.add_argument("--mode", choices=("strategic", "belief"), default="strategic",
                   help="strategic: every decision solved, the information public (default); belief: only the "
                        "decision optimised, the others as the file's probabilities")
    p.add_argument("--evppi", metavar="PARAMS", nargs="?", const="all",
                   help="also EVPPI per parameter from PSA draws, at the first decision reported "
                        "(comma-separated names; default every parameter with a dist)")
    p.add_argument("--draws", metavar="N", type=count, default=4000, help="PSA draws for --evppi (default 4000)")
    p.add_argument("--seed", metavar="S", type=count, default=0,
                   help="random seed for --evppi and sampled clairvoyance (default 0)")
    p.add_argument("--samples", metavar="N", type=_positive, default=4000,
                   help="joint outcomes sampled for clairvoyance when there are more than 20,000 to "
                        "enumerate (default 4000)")
    p.add_argument("-o", "--output", metavar="OUT", help="also draw the briefing chart (.png, .svg or .pdf)")
    p.add_argument("--theme", choices=("light", "dark", "print"), default="light", help="chart theme")
    add_set(p)
    add_json(p)
    add_width(p)

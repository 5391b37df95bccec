"""``scenarios cea``: cost-effectiveness of an actor's strategies (:mod:`scenarios.analysis.cea`).

Only the standard library is imported at module level, so ``scenarios --help`` stays fast.
"""

from __future__ import annotations

import argparse
import json
import math

from . import add_file, add_json, add_set, count
from .width import add_width, fit

#: Rows of the acceptability table in the text output (the JSON has the whole grid).
CEAC_ROWS = 11


def _finite(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"expected a finite number >= 0, got {text!r}")
    return value


def cmd_cea(args) -> int:
    from ..analysis.cea import cea
    from .commands import emit, load_scenario, overrides_of

    scenario = load_scenario(args)
    draws = args.draws
    if draws is None:
        uncertain = any(p.dist is not None for p in scenario.parameters.values()) or any(
            n.dist is not None for n in scenario.nodes.values())
        draws = 1000 if uncertain else 0
    result = cea(scenario, args.actor, wtp=args.wtp, strategic=args.strategic, overrides=overrides_of(args),
                 cost=args.cost, effect=args.effect, limit=args.limit, draws=draws, seed=args.seed,
                 lambda_max=args.lambda_max)
    emit(json.dumps(result.to_dict(), indent=2) if args.json else format_cea(result))
    return 0


def format_cea(result) -> str:
    from ..formatting import percent, terminal_number
    from .text import table, wrap

    s = result.scenario
    actor = s.actors[result.actor]
    cost, effect = actor.measures[result.cost], actor.measures[result.effect]

    def n(x: float) -> str:
        return terminal_number(x, 2) if abs(x) < 1e6 else f"{x:.6g}"

    mode = ("strategic: the other actors solve by backward induction in response" if result.mode == "strategic"
            else "belief mode: the other actors play as the file's beliefs say")
    lines = [f"{s.title} — cost-effectiveness for {actor.name} ({result.actor})",
             wrap(f"Each strategy of {actor.name} is played; {mode}. Cost = {cost.name} ({result.cost}), "
                  f"effect = {effect.name} ({result.effect}); net benefit = lambda * effect - cost."),
             ""]
    status = {"frontier": "efficient", "dominated": "dominated by", "extended": "extendedly dominated by",
              "same": "same as"}
    rows = []
    for st, nb in zip(result.strategies, result.net_benefit, strict=True):
        note = status[st.status] + (" " + " and ".join(st.by) if st.by else "")
        rows.append((st.label, n(st.cost), n(st.effect), "" if st.icer is None else n(st.icer),
                     n(nb), note))
    lines += [table(("strategy", "cost", "effect", "ICER", f"NB at λ={n(result.wtp)}", "status"), rows,
                    "lrrrrl"), ""]
    lines.append("Best by net benefit as λ (willingness to pay per unit of effect) varies:")
    lines.append(table(("λ from", "λ to", "strategy"),
                       [(n(lo), "∞" if hi == math.inf else n(hi), result.strategies[i].label)
                        for lo, hi, i in result.intervals], "rrl"))
    lines += ["", f"At λ = {n(result.wtp)}: {result.strategies[result.best].label} "
              f"(net benefit {n(result.net_benefit[result.best])})"]
    if result.acceptability is not None:
        valid = result.draws - result.invalid
        left = f"; {result.invalid} invalid draws left out" if result.invalid else ""
        lines += ["", f"Acceptability: share of {valid} parameter draws in which each strategy has the "
                  f"highest net benefit{left}"]
        step = max(1, (len(result.lambdas) - 1) // (CEAC_ROWS - 1))
        picks = range(0, len(result.lambdas), step)
        labels = [st.label for st in result.strategies]
        lines.append(table(("λ", *labels), [(n(result.lambdas[k]), *(percent(x) for x in result.acceptability[k]))
                                             for k in picks], "r" * (1 + len(labels))))
    return fit("\n".join(lines))


def register(add) -> None:
    p = add("cea", "Cost-effectiveness of an actor's strategies: expected cost and effect, dominance, "
            "ICERs along the efficient frontier, the best strategy as willingness to pay varies, and "
            "an acceptability curve from parameter draws", cmd_cea)
    add_file(p)
    p.add_argument("--actor", required=True, metavar="A", help="the actor whose strategies are compared")
    p.add_argument("--lambda", dest="wtp", metavar="V", type=_finite, default=None,
                   help="willingness to pay per unit of effect for the net benefit column (default: "
                        "the actor's net_benefit lambda)")
    p.add_argument("--strategic", action="store_true",
                   help="the other actors solve by backward induction (default: they play their beliefs)")
    p.add_argument("--cost", metavar="M", help="the cost measure (default: the actor's net_benefit cost)")
    p.add_argument("--effect", metavar="M", help="the effect measure (default: the net_benefit effect)")
    p.add_argument("--draws", metavar="N", type=count, default=None,
                   help="parameter draws for the acceptability curve (default 1000 when the file has "
                        "distributions, else none; 0 for none)")
    p.add_argument("--seed", metavar="S", type=count, default=0, help="random seed of the draws (default 0)")
    p.add_argument("--lambda-max", metavar="V", type=_finite, default=None,
                   help="right end of the acceptability curve's λ axis (default: twice the largest ICER)")
    p.add_argument("--limit", metavar="N", type=count, default=256,
                   help="refuse actors with more than N strategies (default 256)")
    add_set(p)
    add_json(p)
    add_width(p)

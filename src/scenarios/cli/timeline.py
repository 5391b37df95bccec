"""``scenarios timeline FILE``: the picture on each date of the scenario's dated evidence.

For each date, the probability of every tag and outcome given the evidence so far, and each
actor's strategic choices along the solved path (:mod:`scenarios.analysis.timeline`, which
runs the one engine as ``evaluate --given/--set`` does).
"""

from __future__ import annotations

import json

from . import add_file, add_json, add_set
from .width import add_width


def cmd_timeline(args) -> int:
    from .. import formatting
    from ..analysis.timeline import timeline
    from ..model import DISCLAIMER
    from . import text, width
    from .commands import emit, load_scenario, overrides_of

    scenario = load_scenario(args)
    result = timeline(scenario, overrides=overrides_of(args))
    if args.json:
        emit(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return 0
    s = scenario
    out = [f"{s.title} — evidence timeline", width.wrap(DISCLAIMER)]
    if len(result.rows) == 1:
        out.append("This scenario has no dated evidence (an 'evidence:' list; see docs/analysis.md).")
    tags = list(result.rows[0].tags)
    if tags:
        out += ["", "Probability of each tag given the evidence so far (belief mode)"]
        head = ["date", "given", *tags]
        rows = [["as written" if i == 0 else r.date, r.given or "-",
                 *[formatting.diagram_probability(r.tags[t]) for t in tags]] for i, r in enumerate(result.rows)]
        out.append(text.table(head, rows, "ll" + "r" * len(tags)))
    out += ["", "Outcomes given the evidence so far (belief mode)"]
    ids = list(result.rows[0].outcomes)
    out.append(text.table(["outcome", *["as written" if i == 0 else r.date[5:] for i, r in enumerate(result.rows)]],
                          [[s.nodes[o].label, *[formatting.diagram_probability(r.outcomes[o])
                                                    for r in result.rows]] for o in ids],
                          "l" + "r" * len(result.rows)))
    if s.perfect_information:
        out += ["", "Evidence and the strategic choices from the node conditioned on (backward induction)"]
    else:  # information sets: the timeline has no solved path (scenarios solve --method gives equilibria)
        out += ["", "Evidence (no strategic choices: with information sets, backward induction does not apply; "
                    "scenarios solve --method nash, qre or spe gives the equilibria)"]
    for i, r in enumerate(result.rows):
        when = ("as written" if s.as_of is None else f"{s.as_of} as written") if i == 0 else r.date
        out.append(f"  {when}")
        for observed in r.observed:
            out.append(width.wrap("observed: " + observed, "    ", "      "))
        if r.sources:
            out.append(width.wrap("sources: " + "; ".join(s.sources[k].title for k in r.sources), "    ", "      "))
        if r.overrides:
            out.append("    set so far: " + ", ".join(f"{k}={v:g}" for k, v in r.overrides.items()))
        for node, child in r.choices.items():
            actor = s.actors[s.nodes[node].actor].name
            label = next(b.label for b in s.nodes[node].branches if b.to == child)
            out.append(width.wrap(f"{actor} at “{s.nodes[node].label}”: {label}", "    ", "      "))
    emit(width.fit("\n".join(out)))
    return 0


def register(add) -> None:
    p = add("timeline", "for each date of the scenario's evidence: P(each tag and outcome) and the "
            "strategic choices given the evidence so far", cmd_timeline)
    add_file(p)
    add_set(p)
    add_json(p)
    add_width(p)

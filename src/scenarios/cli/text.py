"""Plain-text rendering of scenarios and results for the terminal: tables and the tree."""

from __future__ import annotations

import textwrap

from .. import formatting
from ..engine.results import BeliefResult, SolveResult
from ..expressions import Expression
from ..kinds import KINDS
from ..model import REST, Scenario
from . import width

__all__ = ["table", "show_dict", "format_show", "format_evaluate", "format_solve", "format_validate", "number"]

#: The glyph of each drawing symbol of the kinds table, and so of each node kind.
SYMBOL_GLYPH = {"square": "■", "circle": "●", "triangle": "▲"}
KIND_MARK = {name: SYMBOL_GLYPH[kind.symbol] for name, kind in KINDS.items()}


number = formatting.terminal_number

table = width.table  # the one table layout: fits the terminal (see cli/width.py)


def _quantity(expr: Expression | object) -> str:
    if expr is REST:
        return "rest"
    return str(expr)


def kind_counts(scenario: Scenario) -> dict[str, int]:
    counts = dict.fromkeys(KINDS, 0)
    for n in scenario.nodes.values():
        counts[n.kind] += 1
    return counts


def format_validate(scenario: Scenario, path: str) -> str:
    counts = kind_counts(scenario)
    return width.wrap(f"ok: {path}: {scenario.title!r}: {len(scenario.nodes)} nodes ({counts['decision']} decision, "
                      f"{counts['chance']} chance, {counts['outcome']} outcome), {len(scenario.actors)} actors, "
                      f"{len(scenario.parameters)} parameters, {len(scenario.warnings)} warnings", "", "    ")


def format_show(scenario: Scenario, probabilities: BeliefResult | None = None) -> str:
    """The tree as indented text; a node reached a second time (a DAG) is not repeated."""
    columns = width.columns()
    lines = [width.wrap(f"{scenario.title} ({scenario.id})")]
    if scenario.as_of:
        lines.append(f"as of {scenario.as_of}")
    legend = "  ".join(f"{KIND_MARK[name]} {name}" for name in KINDS)
    lines.append(width.fit(f"{legend};  p: branch probability (belief weight on decisions)"))
    lines.append("")
    shown: set[str] = set()
    values = bound_probabilities(scenario, probabilities)
    # Stack of (node id, prefix for its own line, prefix for its children, branch text).
    stack = [(scenario.root, "", "", "")]
    while stack:
        node_id, own, below, via = stack.pop()
        node = scenario.nodes[node_id]
        text = f"{own}{via}{KIND_MARK[node.kind]} {node.label}"
        if node.label != node.id:
            text += f"  [{node.id}]"
        if KINDS[node.kind].has_actor:
            assert node.actor is not None  # a decision always has an actor
            actor = scenario.actors[node.actor]
            text += f"  — {actor.name} decides" + ("  (fixed)" if node.fixed else "")
        if node.payoffs:
            text += "  payoffs: " + ", ".join(f"{a} {_quantity(v)}" for a, v in node.payoffs.items())
        if node.tags:
            text += "  #" + " #".join(node.tags)
        if node.historical:
            text += "  (historical)"
        repeated = node_id in shown and bool(node.branches)
        if repeated:
            text += "  (continues above)"
        # Continuation lines keep the tree's rails, and one more down to the node's own branches.
        lines += _tree_lines(text, own, below + ("│  " if node.branches and not repeated else "   "), columns)
        if repeated:
            continue
        shown.add(node_id)
        for i in range(len(node.branches) - 1, -1, -1):
            branch = node.branches[i]
            last = i == len(node.branches) - 1
            p = values.get((node_id, i))  # by position: several branches may lead to one child
            label = f"{branch.label}" + (f" (p={p})" if p else "")
            if branch.payoffs:
                label += " payoffs: " + ", ".join(f"{a} {_quantity(v)}" for a, v in branch.payoffs.items())
            stack.append((branch.to, below + ("└─ " if last else "├─ "),
                          below + ("   " if last else "│  "), label + " → "))
    return "\n".join(lines)


def _tree_lines(text: str, own: str, rail: str, columns: int) -> list[str]:
    """One node of ``show``: ``own`` then ``text`` wrapped to ``columns``; later lines after ``rail``.

    A tree deeper than half the width has its rails cut on the left (``…`` marks the cut),
    so that the text keeps at least half the line.
    """
    body = text[len(own):]
    keep = columns // 2
    if len(own) > keep:
        own, rail = "…" + own[-(keep - 1):], "…" + rail[-(keep - 1):]
    room = max(columns - len(rail), 12)
    first = textwrap.wrap(body, width=columns - len(own), break_on_hyphens=False) or [""]
    lines = [own + first[0]]
    rest = " ".join(first[1:])
    if rest:
        lines += [rail + line for line in textwrap.wrap(rest, width=room, break_on_hyphens=False)]
    return lines


def show_dict(scenario: Scenario, result: BeliefResult) -> dict:
    """The ``show --json`` document: the nodes in file order with bound numbers.

    ``{"id", "title", "as_of", "root", "overrides", "actors": {key: name}, "nodes": [{"id",
    "label", "kind", "actor" (decisions; else null), "fixed", "tags", "historical", "reach"
    (probability of passing it, belief mode), "payoffs" {actor: value}, "branches": [{"to",
    "label", "p" (bound), "p_expression" (as written when not a plain number, else null),
    "payoffs"}]}]}``; payoffs list only the actors the file gives a payoff there.
    """
    from ..formatting import json_number

    def written(expr) -> str | None:
        if expr is None or (isinstance(expr, Expression) and expr.is_number):
            return None
        return _quantity(expr)

    reach = dict(zip(result.arrays.ids, map(float, result.arrays.reach), strict=True))
    nodes = []
    for node_id, node in scenario.nodes.items():
        own = result.node_payoffs(node_id)
        views = result.branches(node_id)
        nodes.append({
            "id": node_id, "label": node.label, "kind": node.kind,
            "actor": node.actor if KINDS[node.kind].has_actor else None,
            "fixed": bool(node.fixed), "tags": list(node.tags), "historical": bool(node.historical),
            "reach": json_number(reach[node_id]),
            "payoffs": {a: json_number(own[a]) for a in node.payoffs},
            "branches": [{"to": b.to, "label": b.label, "p": json_number(v.probability),
                          "p_expression": written(b.p),
                          "payoffs": {a: json_number(v.payoffs[a]) for a in b.payoffs}}
                         for b, v in zip(node.branches, views, strict=True)],
        })
    return {"id": scenario.id, "title": scenario.title, "as_of": scenario.as_of, "root": scenario.root,
            "overrides": dict(result.overrides), "actors": {k: a.name for k, a in scenario.actors.items()},
            "nodes": nodes}


def bound_probabilities(scenario: Scenario, result: BeliefResult | None) -> dict:
    """Branch probability text per (node, branch position): the expression and its value.

    The values are the result's bound probabilities (``scenario`` is evaluated once, without
    overrides, when no result is given).
    """
    if result is None:
        result = scenario.evaluate(top=0)
    arrays = result.arrays  # file order: the branches of node i start at edge_start[i]
    out = {}
    for i, node in enumerate(scenario.nodes.values()):
        start = int(arrays.edge_start[i])
        for j, branch in enumerate(node.branches):
            value = number(float(arrays.p[start + j]))
            written = branch.p
            if written is None or (isinstance(written, Expression) and written.is_number):
                out[(node.id, j)] = value
            else:
                out[(node.id, j)] = f"{_quantity(written)} = {value}"
    return out


def _header(result: BeliefResult, what: str) -> list[str]:
    s = result.scenario
    lines = [f"{s.title} — {what}"]
    if s.as_of:
        lines.append(f"as of {s.as_of}")
    if result.given:
        lines.append(f"given: the path passes {s.nodes[result.given].label!r} [{result.given}]")
    if result.overrides:
        lines.append("overrides: " + ", ".join(f"{k}={v}" for k, v in result.overrides.items()))
    return lines


def _payoff_block(result: BeliefResult) -> list[str]:
    s = result.scenario
    if result.risk_neutral:
        rows: list[tuple[str, ...]] = [(s.actors[a].name, a, number(v)) for a, v in result.expected_payoffs.items()]
        lines = ["", "Expected payoffs", table(("actor", "key", "expected"), rows, "llr")]
    else:  # risk attitudes (docs/risk-attitudes.md): utility and certainty equivalent too
        eu, ce, risk = result.expected_utilities, result.certainty_equivalents, result.risk_attitudes
        rows = [(s.actors[a].name, a, _clip(risk[a], 24), number(v), number(eu[a]), number(ce[a]))
                for a, v in result.expected_payoffs.items()]
        lines = ["", "Expected payoffs, expected utility of the total payoff, certainty equivalent",
                 table(("actor", "key", "risk", "expected", "utility", "cert. equiv."), rows, "lllrrr")]
        lines += [width.wrap(f"note: actor {key} is risk seeking ({why}): it values a gamble above its "
                             "expected payoff", "  ", "    ") for key, why in result.risk_seeking.items()]
    if result.measures:  # actors with several measures: the payoff above is their criterion's value
        measured = [(s.actors[a].name, f"{a}.{m}", s.actors[a].measures[m].name, number(v))
                    for a, values in result.measures.items() for m, v in values.items()]
        lines += ["", "Expected measures (an actor with measures has its criterion's value above)",
                  table(("actor", "key", "measure", "expected"), measured, "lllr")]
    return lines


def _outcome_block(result: BeliefResult, limit: int | None = None) -> list[str]:
    s = result.scenario
    actors = list(s.actors)
    outcomes = result.outcomes if limit is None else result.outcomes[:limit]
    rows = [[number(o.probability), o.label] + [number(o.payoffs[a], 2) for a in actors]
            + [", ".join(o.tags)] for o in outcomes]
    lines = ["", "Outcomes (most probable first; payoffs are the outcome's own)",
             table(["probability", "outcome"] + actors + ["tags"], rows, "rl" + "r" * len(actors) + "l")]
    if limit is not None and len(result.outcomes) > limit:
        lines.append(f"  … and {len(result.outcomes) - limit} more")
    if result.tags:
        lines += ["", "Tags (probability of ending in an outcome with the tag)",
                  table(("tag", "probability"), [(t, number(p)) for t, p in result.tags.items()], "lr")]
    return lines


def _path_block(result: BeliefResult) -> list[str]:
    """Numbered paths: probability and accrued payoffs, then the route wrapped to the terminal."""
    if not result.paths:
        return []
    s = result.scenario
    cond = f" (probabilities given the path passes {result.given})" if result.given else ""
    lines = ["", f"Most probable paths{cond}; payoffs accrued along the path"]
    for rank, path in enumerate(result.paths, 1):
        steps = [b.label for b in path.steps(s)]  # by position: branches may share a child
        payoffs = ", ".join(f"{a} {number(v, 2)}" for a, v in path.payoffs.items())
        lines.append(f"  {rank:>2}. p = {number(path.probability)}   ({payoffs})")
        route = " → ".join(steps) + f"  ⇒ {s.nodes[path.nodes[-1]].label}"
        lines.append(width.wrap(route, "      "))
    return lines


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def format_evaluate(result: BeliefResult) -> str:
    lines = _header(result, "belief mode (every decision weighted by the analyst's beliefs)")
    lines += _payoff_block(result) + _outcome_block(result, limit=40) + _path_block(result)
    return width.fit("\n".join(lines))


def format_solve(result: SolveResult) -> str:
    s = result.scenario
    criteria = any(a.minimize or a.measures for a in result.scenario.actors.values())
    goal = "its expected payoff" if result.risk_neutral else "its expected utility (see --risk)"
    lines = _header(result, f"strategic mode (backward induction: each actor maximises {goal}"
                    + (", or minimises it, or follows its criterion)" if criteria else ")"))
    rows = []
    for node_id, position in list(result.choice_branches.items())[:60]:  # branches may share a child
        node = s.nodes[node_id]
        branch = node.branches[position]
        actor = node.actor
        assert actor is not None  # only decisions are chosen, and a decision always has an actor
        own = result.values[node_id][actor]
        on_path = "yes" if result.reach[node_id] > 0 else ""
        rows.append((node.label, s.actors[actor].name, branch.label,
                     number(own), on_path, "tie" if node_id in result.ties else ""))
    lines += ["", "Choices (every decision node; 'played' marks those on the solved path)",
              table(("decision", "actor", "choice", "value", "played", "note"), rows, "lllrll")]
    if len(result.choices) > 60:
        lines.append(f"  … and {len(result.choices) - 60} more (use --json for all)")
    if result.ties:
        lines.append("  tie: equally good options; the first listed was taken")
    if not result.risk_neutral:
        lines.append("  value: the decider's expected payoff; it chose by expected utility")
    fixed = [n for n in s.nodes.values() if KINDS[n.kind].has_actor and n.fixed]
    if fixed:
        lines.append("  fixed decisions keep their belief weights: " + ", ".join(n.id for n in fixed))
    lines += _payoff_block(result) + _outcome_block(result, limit=40) + _path_block(result)
    return width.fit("\n".join(lines))


def wrap(text: str, indent: str = "") -> str:
    """A paragraph filled to the terminal's width (at most 100 columns, for reading)."""
    return width.wrap(text, indent, width=min(width.columns(), 100))

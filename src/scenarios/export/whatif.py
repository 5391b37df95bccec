"""One self-contained what-if page: sliders for every parameter and branch, computed in the browser.

``scenarios export FILE --to whatif -o page.html`` writes a single HTML file (inline CSS and
JavaScript, a Content-Security-Policy forbidding every network request) that carries the
scenario *and a small engine*: moving a slider re-binds the parameters, rescales the
siblings of a set branch exactly as ``--set NODE.CHILD=V`` does, and reruns the forward
pass, the expectations and backward induction in JavaScript, with the engine's tolerances
and tie rule.  ``window.scenario.evaluate({set: {...}})`` and ``window.scenario.solve(...)``
return the same JSON as ``scenarios evaluate/solve --set ... --json``.

What is computed here, in Python, once:

* the nodes in the engine's evaluation order (by generation, ties in file order, as
  :mod:`scenarios.walk.history` gives it), so the page's sums run in the engine's order;
* every expression (parameters, probabilities, payoffs) compiled from its checked postfix
  program (:class:`scenarios.expressions.Expression`) into a flat list of numbers that the
  page's stack machine runs (:func:`compile_expression`); nothing is ever ``eval``-ed;
* the tree drawing for small scenarios (the walk-through page's layout and SVG,
  :mod:`scenarios.export.html`), which the page recolours.

The page's JavaScript (``whatif_page/engine.js`` and ``ui.js``) is package data.
"""

from __future__ import annotations

import functools
import html
import math
from collections.abc import Mapping
from importlib import resources
from typing import Any

import networkx as nx

from ..engine.results import _clean as _json_number
from ..errors import ExportOptionError, ExpressionError, WhatIfCompileError
from ..expressions import Expression
from ..kinds import KINDS
from ..model import REST, Scenario
from ..walk.history import generations
from ._shared import actor_colors
from .page_tree import TREE_LIMIT, fill_slots, reachable_nodes, script_json, tree_layout, tree_svg

FORMAT = "whatif"
SUFFIX = ".html"
DESCRIPTION = "single-file what-if page: live sliders, computed in the browser (no network access)"

__all__ = ["FORMAT", "SUFFIX", "DESCRIPTION", "export", "page_data", "compile_expression", "OPCODES",
           "WhatIfCompileError", "TOLERANCE", "TIE_TOLERANCE", "REST_SNAP", "TIE_DIGITS", "TOP", "JSON_DIGITS"]

# The engine's constants, mirrored for the page (tests/test_whatif_compile.py checks that
# they equal engine/rescale.py's, engine/strategic.py's, engine/bind.py's and engine/belief.py's;
# the export layer may not import the engine's internals).
TOLERANCE = 1e-9  # probabilities: range and sums
TIE_TOLERANCE = 1e-9  # strategic ties, relative (tie_threshold)
REST_SNAP = 1e-12  # a 'rest' closer to 0 than this is 0
TIE_DIGITS = 12  # outcome probabilities equal to this many digits are listed in file order
TOP = 10  # paths listed, as the command line's --top default
# How --json writes numbers (engine/results.py's one rule, read rather than restated): rounded
# to 15 significant digits, or in full (None) once the full-precision JSON of issue 17.4 is in.
JSON_DIGITS = None if _json_number(0.1 + 0.2) == 0.1 + 0.2 else 15


#: Opcodes of the page's stack machine; ``whatif_page/engine.js`` has the same table.
#: CONST and NAME take one operand (the number, the parameter's slot), MIN and MAX the
#: argument count; the others none.
OPCODES = {name: code for code, name in enumerate((
    "CONST", "NAME", "NEG", "ADD", "SUB", "MUL", "DIV", "POW", "MIN", "MAX", "ABS",
    "EXP", "LOG", "LOG10", "SQRT", "FLOOR", "CEIL", "ROUND", "ROUND2", "IF",
    "LT", "LE", "GT", "GE", "EQ", "NE", "AND", "OR", "NOT"))}

_BINARY = {"+": "ADD", "-": "SUB", "*": "MUL", "/": "DIV", "**": "POW", "<": "LT", "<=": "LE", ">": "GT",
           ">=": "GE", "==": "EQ", "!=": "NE", "and": "AND", "or": "OR"}
#: Function name -> (opcode, least, most arguments; most None: any number).
_CALLS: dict[str, tuple[str, int, int | None]] = {
    "abs": ("ABS", 1, 1), "min": ("MIN", 2, None), "max": ("MAX", 2, None), "exp": ("EXP", 1, 1),
    "log": ("LOG", 1, 1), "log10": ("LOG10", 1, 1), "sqrt": ("SQRT", 1, 1), "floor": ("FLOOR", 1, 1),
    "ceil": ("CEIL", 1, 1), "round": ("ROUND", 1, 2), "if": ("IF", 3, 3), "not": ("NOT", 1, 1)}


def compile_expression(expr: Expression, slots: Mapping[str, int]) -> list[float]:
    """``expr``'s checked postfix program as the page's flat code: opcodes and operands.

    ``slots`` numbers the parameters.  Raises :class:`WhatIfCompileError` for an operation
    the page cannot compute (so a new expression form fails at export, never in the page).

    >>> compile_expression(Expression.parse("max(0, 1 - p)"), {"p": 0})
    [0, 0.0, 0, 1.0, 1, 0, 4, 9, 2]
    """
    code: list[float] = []
    for step in expr.program:
        op: tuple[Any, ...] = tuple(step)
        what = op[0]
        if what == "const":
            code += [OPCODES["CONST"], float(op[1])]
        elif what == "name":
            if op[1] not in slots:
                raise WhatIfCompileError(f"expression {expr.source!r}: unknown parameter {op[1]!r}")
            code += [OPCODES["NAME"], slots[op[1]]]
        elif what == "neg":
            code.append(OPCODES["NEG"])
        elif what == "not":
            code.append(OPCODES["NOT"])
        elif what in ("bin", "cmp", "bool") and op[1] in _BINARY:
            code.append(OPCODES[_BINARY[op[1]]])
        elif what == "call" and op[1] in _CALLS:
            name, count = op[1], op[2]
            opcode, least, most = _CALLS[name]
            if count < least or (most is not None and count > most):
                raise WhatIfCompileError(f"expression {expr.source!r}: {name}() with {count} arguments")
            if opcode in ("MIN", "MAX"):
                code += [OPCODES[opcode], count]
            else:
                code.append(OPCODES["ROUND2"] if name == "round" and count == 2 else OPCODES[opcode])
        else:
            raise WhatIfCompileError(f"expression {expr.source!r}: the what-if page cannot compute "
                                     f"{' '.join(map(str, op))!r}")
    return code


def export(scenario: Scenario, *, overrides: Mapping[str, Any] | None = None, results: bool = False, **_) -> str:
    """The what-if page for ``scenario`` as HTML text; ``overrides`` (as ``--set``) are the
    settings it opens with (its "base" stays the scenario's own).

    >>> import scenarios
    >>> page = export(scenarios.load("entry-deterrence"))
    >>> page.startswith("<!DOCTYPE html>") and "https://" not in page and "http://" not in page
    True
    """
    data = page_data(scenario, overrides=overrides)
    tree = ""
    if data["drawn"]:
        tree = tree_svg(scenario, data["drawn"]).replace(
            "your path is highlighted", "the most likely path is highlighted, line widths show the flow")
    del data["drawn"]
    return fill_slots(_asset("page.html"), title=html.escape(scenario.title), payload=script_json(data),
                 css=_asset("page.css"), js=_asset("engine.js") + "\n" + _asset("ui.js"), tree=tree,
                 tree_note="" if tree else f'<p class="note">The tree has more than {TREE_LIMIT} nodes, '
                                            'too many to draw here.</p>')


def page_data(scenario: Scenario, *, overrides: Mapping[str, Any] | None = None) -> dict:
    """Everything the page's engine and interface need, as JSON-ready data.

    Nodes are in the engine's order (``order``: file positions), branches of node ``i`` are
    ``start[i]:start[i + 1]``.  A branch's probability is ``pk`` 0 (the number ``pv``), 1
    (``rest``) or 2 (expression ``pv``); expressions are ``exprs[k] = [source, code]``.

    >>> import scenarios
    >>> d = page_data(scenarios.load("entry-deterrence"))
    >>> d["ids"], d["start"], d["pv"]
    (['entry', 'response', 'stay_out', 'war', 'share'], [0, 2, 4, 4, 4, 4], [0.5, 0.5, 0.3, 0.7])
    """
    unsupported = [key for key, actor in scenario.actors.items() if actor.measures or actor.minimize]
    if unsupported:  # the page's engine maximises one payoff per actor
        raise ExportOptionError(f"--to whatif: the what-if page does not compute measures, criteria or "
                                f"minimize yet (actor {unsupported[0]!r}); use scenarios evaluate/solve/cea")
    risky = [key for key, actor in scenario.actors.items() if not actor.risk.neutral]
    if risky:  # the page's engine is risk neutral (docs/risk-attitudes.md)
        raise ExportOptionError(f"--to whatif: the what-if page does not compute risk attitudes yet (actor "
                                f"{risky[0]!r} has risk {scenario.actors[risky[0]].risk}); use scenarios solve --risk")
    shared = [name for name, members in scenario.infosets.items() if len(members) > 1]
    if shared:  # the page's strategic mode is backward induction, which sets would break
        raise ExportOptionError(f"--to whatif: the what-if page solves by backward induction, which does not "
                                f"apply to information sets (set {shared[0]!r}); use scenarios solve --method nash")
    generation = generations(scenario)
    file_pos = {node_id: k for k, node_id in enumerate(scenario.nodes)}
    order = sorted(scenario.nodes, key=lambda n: (generation[n], file_pos[n]))
    index = {node_id: i for i, node_id in enumerate(order)}
    actors = list(scenario.actors)
    actor_index = {a: k for k, a in enumerate(actors)}
    params = list(scenario.parameters)
    slots = {name: k for k, name in enumerate(params)}
    exprs: list[list[Any]] = []
    expr_at: dict[int, int] = {}

    def expression(x: Expression) -> int:
        key = id(x)
        if key not in expr_at:
            expr_at[key] = len(exprs)
            exprs.append([str(x.source), compile_expression(x, slots)])
        return expr_at[key]

    kinds: list[int] = []
    actor_of: list[int] = []
    solved: list[bool] = []
    start: list[int] = [0]
    child: list[int] = []
    labels: list[str] = []
    edge_labels: list[str] = []
    pk: list[int] = []
    pv: list[float] = []
    node_pay: list[list[float]] = []  # [node, actor, kind (0 number, 2 expression), value]
    edge_pay: list[list[float]] = []
    tags: dict[int, list[str]] = {}
    for node_id in order:
        node = scenario.nodes[node_id]
        i = index[node_id]
        kind = KINDS[node.kind]
        kinds.append(kind.code)
        actor_of.append(actor_index[node.actor] if kind.has_actor and node.actor is not None else -1)
        solved.append(kind.rule == "choose" and not node.fixed)
        labels.append(node.label)
        if node.tags:
            tags[i] = list(node.tags)
        for a, x in node.payoffs.items():
            node_pay.append(_quantity(i, actor_index[a], x, expression))
        for branch in node.branches:
            e = len(child)
            child.append(index[branch.to])
            edge_labels.append(branch.label)
            if branch.p is None:  # a decision without beliefs: equal weights
                pk.append(0)
                pv.append(1.0 / len(node.branches))
            elif branch.p is REST:
                pk.append(1)
                pv.append(0.0)
            elif isinstance(branch.p, Expression) and branch.p.is_number:
                pk.append(0)
                pv.append(float(branch.p.source))
            else:
                assert isinstance(branch.p, Expression)
                pk.append(2)
                pv.append(expression(branch.p))
            for a, x in branch.payoffs.items():
                edge_pay.append(_quantity(e, actor_index[a], x, expression))
        start.append(len(child))

    base = scenario.evaluate(top=0)  # raises for a scenario whose base case is invalid
    parameters = []
    for name in params:
        p = scenario.parameters[name]
        value = float(base.parameters[name])
        parameters.append({"name": name, "value": value, "expr": expression(p.value), "derived": not p.value.is_number,
                           "description": p.description, "range": _slider_range(scenario, name, value, p.low, p.high)})
    colors = actor_colors(scenario)
    reachable = reachable_nodes(scenario)
    drawn = None
    if len(reachable) <= TREE_LIMIT:
        drawn = {"layout": tree_layout(scenario, reachable), "actors": {k: {"color": c} for k, c in colors.items()},
                 "nodes": {n: {"kind": scenario.nodes[n].kind, "label": scenario.nodes[n].label,
                               "actor": scenario.nodes[n].actor,
                               "branches": [{"to": b.to, "label": b.label, "p": v.probability}
                                            for b, v in zip(scenario.nodes[n].branches, base.branches(n),
                                                            strict=True)]}
                           for n in reachable}}
    return {
        "format": "scenarios-whatif-page", "version": 1, "id": scenario.id, "title": scenario.title,
        "summary": scenario.summary, "as_of": scenario.as_of,
        "actors": actors, "actor_names": [scenario.actors[a].name for a in actors],
        "colors": [colors[a] for a in actors],
        "ids": order, "labels": labels, "kind": kinds, "actor": actor_of, "solved": solved,
        "start": start, "child": child, "edge_labels": edge_labels, "pk": pk, "pv": pv,
        "node_pay": node_pay, "edge_pay": edge_pay, "exprs": exprs,
        "root": index[scenario.root],
        "decisions": [index[n] for n, node in scenario.nodes.items()
                      if KINDS[node.kind].rule == "choose" and not node.fixed and node.branches],
        "outcomes": [index[n] for n, node in scenario.nodes.items() if KINDS[node.kind].rule == "end"],
        "tags": {str(i): t for i, t in tags.items()},
        "parameters": parameters, "param_order": [slots[n] for n in _parameter_order(scenario)],
        "initial": _initial(scenario, overrides, base.parameters),
        "constants": {"tolerance": TOLERANCE, "tie_tolerance": TIE_TOLERANCE, "rest_snap": REST_SNAP,
                      "tie_digits": TIE_DIGITS, "top": TOP, "json_digits": JSON_DIGITS},
        "drawn": drawn,
    }


def _quantity(row: int, actor: int, x: Expression, expression) -> list[float]:
    if x.is_number:
        return [row, actor, 0, float(x.source)]
    return [row, actor, 2, expression(x)]


def _parameter_order(scenario: Scenario) -> list[str]:
    """The order the engine computes parameters in (dependencies first, ties in file order)."""
    parameters = scenario.parameters
    deps = nx.DiGraph()
    deps.add_nodes_from(parameters)
    deps.add_edges_from((ref, name) for name, p in parameters.items() for ref in p.value.names if ref in parameters)
    listed = list(parameters)
    return list(nx.lexicographical_topological_sort(deps, key=listed.index))


def _slider_range(scenario: Scenario, name: str, value: float, low: float | None,
                  high: float | None) -> list[float]:
    """The parameter's low/high; else [0, 1] for a value in it, else 0 to twice the value."""
    if low is not None and high is not None and low < high:
        return [float(low), float(high)]
    if 0.0 <= value <= 1.0:
        lo, hi = 0.0, 1.0
    elif value > 0:
        lo, hi = 0.0, 2.0 * value
    else:
        lo, hi = 2.0 * value, 0.0
    if low is not None:
        lo = float(low)
    if high is not None:
        hi = float(high)
    if not lo < hi or not math.isfinite(hi - lo):
        lo, hi = value - 1.0, value + 1.0
    return [lo, hi]


def _initial(scenario: Scenario, overrides: Mapping[str, Any] | None, base: Mapping[str, float]) -> dict:
    """``--set`` values the page opens with, as numbers (expression text evaluated at the base)."""
    if not overrides:
        return {}
    scenario.evaluate(overrides=overrides, top=0)  # every problem raised here, as the CLI would
    out = {}
    for name, raw in overrides.items():
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            out[name] = float(raw)
        else:
            try:
                out[name] = float(Expression.parse(str(raw)).evaluate(base))
            except ExpressionError as exc:  # pragma: no cover  (evaluate above raised it already)
                raise ExpressionError(f"override {name}: {exc}") from None
    return out


@functools.cache
def _asset(name: str) -> str:
    """A file of the page (``whatif_page/page.html``, ``page.css``, ``engine.js``, ``ui.js``)."""
    return resources.files(__package__).joinpath("whatif_page", name).read_text(encoding="utf-8")


def engine_source() -> str:
    """The page's engine (JavaScript), for tests that run it outside the page."""
    return _asset("engine.js")

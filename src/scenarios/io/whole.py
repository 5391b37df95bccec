"""The loader's checks that need the whole scenario: the graph, parameter order, the base case.

Called by :func:`scenarios.io.build.build_scenario` once every section has been read;
each problem is reported with its position like every other.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from ..errors import ExpressionError, did_you_mean
from ..expressions import Expression
from ..model import REST, Node, Parameter

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from .build import _Report as Report
    from .plain import Gathered

__all__ = ["check_graph", "check_parameter_order", "check_base_case", "PROBABILITY_TOLERANCE"]

#: Probabilities of a node must sum to 1 within this (the engine's tolerance,
#: :data:`scenarios.engine.rescale.TOLERANCE`; a test keeps the two equal).
PROBABILITY_TOLERANCE = 1e-9


def check_graph(report: Report, graph: nx.MultiDiGraph | None, nodes: dict[str, Node], root: str | None,
                gathered: Gathered | None = None) -> None:
    """Cycles (an error) and nodes the root cannot reach (warnings).

    A plain-Python pass over index lists settles the common case (acyclic, everything
    reachable: nothing to report) without building a networkx graph; only when it finds
    a problem is the graph built (if ``graph`` is None) and searched, by the same code as
    ever, so the messages (which cycle, in which order) stay exactly the same.  The node
    pass's arrays (``gathered``, io/plain.py) spare the index lists when they cover every node.
    """
    tried = False
    if gathered is not None and len(gathered.counts) == len(nodes) and root is not None and root in nodes:
        if _listed_in_order(gathered.counts, list(nodes).index(root), gathered.targets):
            return
        tried = True
    if _acyclic_and_reachable(nodes, root, try_order=not tried):
        return
    import networkx as nx

    if graph is None:
        from ..model import graph_of

        graph = graph_of(nodes)
    try:
        cycle = nx.find_cycle(graph, source=list(nodes))
    except nx.NetworkXNoCycle:
        cycle = None
    if cycle:
        ring = [step[0] for step in cycle] + [cycle[0][0]]  # (u, v, key) steps of a multigraph
        report.error(("nodes", cycle[0][0]), "cycle", "cycle: " + " → ".join(ring)
                     + " (a scenario must be acyclic)", key=True)
        return
    if root is None:
        return
    reachable = nx.descendants(graph, root) | {root}
    for node_id in nodes:
        if node_id not in reachable:
            report.warning(("nodes", node_id), "unreachable",
                           f"node {node_id!r} cannot be reached from the root {root!r}", key=True)


def _acyclic(count: int, children: Sequence[Iterable[int]]) -> bool:
    """Kahn's algorithm on index lists: True if the ``count`` vertices have no cycle."""
    indegree = [0] * count
    for kids in children:
        for k in kids:
            indegree[k] += 1
    todo = [i for i in range(count) if not indegree[i]]
    done = 0
    while todo:
        i = todo.pop()
        done += 1
        for k in children[i]:
            indegree[k] -= 1
            if not indegree[k]:
                todo.append(k)
    return done == count


def _acyclic_and_reachable(nodes: Mapping[str, Node], root: str | None, *, try_order: bool = True) -> bool:
    """True if the graph of ``nodes`` has no cycle and (given a root) every node is reachable
    (``try_order``: settle it first by :func:`_listed_in_order` if it can)."""
    index = {node_id: i for i, node_id in enumerate(nodes)}
    try:
        targets = [index[b.to] for node in nodes.values() for b in node.branches]
    except KeyError:  # a branch to a node that could not be built: left out, as graph_of does
        children = [[index[b.to] for b in node.branches if b.to in index] for node in nodes.values()]
    else:
        if try_order and root is not None and root in index and _listed_in_order(
                [len(node.branches) for node in nodes.values()], index[root], targets):
            return True
        children, start = [], 0
        for node in nodes.values():
            end = start + len(node.branches)
            children.append(targets[start:end])
            start = end
    if not _acyclic(len(children), children):
        return False
    if root is None:
        return True
    if root not in index:
        return False
    seen = bytearray(len(children))
    start = index[root]
    seen[start] = 1
    todo, reached = [start], 1
    while todo:
        for k in children[todo.pop()]:
            if not seen[k]:
                seen[k] = 1
                reached += 1
                todo.append(k)
    return reached == len(children)


def _listed_in_order(counts: list[int], root: int, targets: list[int]) -> bool:
    """The common case, settled over arrays: every branch leads to a node listed after its
    parent (so the file's order is a topological order: no cycle) and the root is the only
    node without a parent (in a graph without cycles, every node is then reached from it).
    ``counts``: each node's number of branches; ``targets``: the position of each branch's
    child (both in the file's order).  False does not say there is a problem, only that the
    node-by-node pass must look."""
    import numpy as np

    child = np.asarray(targets, dtype=np.int64)
    parent = np.repeat(np.arange(len(counts), dtype=np.int64), np.asarray(counts, dtype=np.int64))
    if len(child) != len(parent) or not bool(np.all(child > parent)):
        return False
    orphans = np.flatnonzero(np.bincount(child, minlength=len(counts)) == 0)
    return len(orphans) == 1 and int(orphans[0]) == root


def check_parameter_order(report: Report, parameters: dict[str, Parameter]) -> None:
    names = list(parameters)
    index = {name: i for i, name in enumerate(names)}
    children: list[list[int]] = [[] for _ in names]
    for name, param in parameters.items():
        for ref in param.value.names:
            if ref not in parameters:
                report.error(("parameters", name), "unknown-parameter", f"parameter {name!r} refers to "
                             f"unknown parameter {ref!r}{did_you_mean(ref, parameters)}", key=True)
            else:
                children[index[ref]].append(index[name])
    if _acyclic(len(names), children):  # the common case: no networkx needed
        return
    import networkx as nx

    deps = nx.DiGraph()  # built in the same order as ever, so the same cycle is named
    for name, param in parameters.items():
        deps.add_node(name)
        for ref in param.value.names:
            if ref in parameters:
                deps.add_edge(ref, name)
    try:
        cycle = nx.find_cycle(deps)
    except nx.NetworkXNoCycle:  # pragma: no cover - Kahn's algorithm found one
        return
    ring = [u for u, _ in cycle] + [cycle[0][0]]
    report.error(("parameters", cycle[0][0]), "parameter-cycle",
                 "parameters refer to each other in a cycle: " + " → ".join(ring), key=True)


def check_base_case(report: Report, parameters: dict[str, Parameter], nodes: dict[str, Node],
                     skip: Collection[str] = frozenset(), only: Iterable[str] | None = None) -> None:
    """Evaluate every expression at the base case and check every node's probabilities.

    ``skip``: nodes whose probabilities are not checked (they lost a branch); ``only``: the
    nodes to look at, in the file's order, if the others are known to have nothing to report
    (the quick reading settled them, io/plain.py)."""
    from ..engine.bind import parameter_values  # the one place parameters are bound

    failures: dict[str, ExpressionError] = {}
    values = parameter_values(parameters, failures=failures)
    for name, exc in failures.items():  # every parameter that cannot be computed, not only the first
        report.error(("parameters", name), "expression", str(exc))
    # Parameters left out because one they use failed: expressions using them are skipped.
    not_computed = parameters.keys() - values.keys()
    for name, param in parameters.items():
        if name in not_computed:
            continue
        base_value = values[name]
        if param.low is not None and param.high is not None and not param.low <= base_value <= param.high:
            report.error(("parameters", name), "range", f"parameter {name!r}: value {base_value:g} is outside "
                         f"its range [{param.low:g}, {param.high:g}]", key=True)

    # Loading a big tree evaluates millions of expressions, mostly plain numbers and mostly
    # the same few objects (io/build.py shares equal expressions): a number is read off its
    # program, and any other expression is evaluated once.  Problems are never cached, so
    # each place reports its own.
    known: dict[int, float] = {}

    def number(expr: Expression, path: tuple, what: str) -> float | None:
        if expr.names & not_computed:
            return None
        value = known.get(id(expr))
        if value is not None:
            return value
        program = expr.program
        if len(program) == 1 and program[0][0] == "const" and not expr.names:
            value = float(program[0][1])
            if math.isfinite(value):
                known[id(expr)] = value
                return value
        unknown = sorted(expr.names - values.keys())
        if unknown:
            report.error(path, "unknown-parameter", f"{what}: unknown parameter {unknown[0]!r}"
                         f"{did_you_mean(unknown[0], values)}")
            return None
        try:
            value = expr.evaluate(values)
        except ExpressionError as exc:
            report.error(path, "expression", f"{what}: {exc}")
            return None
        known[id(expr)] = value
        return value

    looked_at = nodes.values() if only is None else [nodes[n] for n in only if n in nodes]
    for node in looked_at:
        if _nothing_to_report(node, known) and node.id not in skip:
            continue
        path = ("nodes", node.id)
        what = f"{node.kind} node {node.id!r}"
        for actor, expr in node.payoffs.items():
            if id(expr) not in known:  # (the test only saves building the message's words)
                number(expr, path + ("payoffs", actor), f"{what}: payoff for {actor!r}")
        for i, branch in enumerate(node.branches):
            for actor, expr in branch.payoffs.items():
                if id(expr) not in known:
                    number(expr, path + ("branches", i, "payoffs", actor), f"{what} → {branch.to!r}: payoff")
        if not node.branches or node.id in skip:
            continue
        given = [b.p is not None for b in node.branches]
        if node.info.rule == "average" and not all(given):
            missing = node.branches[given.index(False)]
            report.error(path + ("branches", given.index(False)), "missing-p",
                         f"{what}: branch to {missing.to!r} has no probability 'p' (every branch of a "
                         "chance node needs one, or one may say 'rest')")
            continue
        if node.info.has_actor and any(given) and not all(given):
            missing = node.branches[given.index(False)]
            report.error(path + ("branches", given.index(False)), "missing-p",
                         f"{what}: branch to {missing.to!r} has no 'p' while others do (give every "
                         "branch a belief weight, or none for equal weights)")
            continue
        if not any(given):
            continue
        rests = [i for i, b in enumerate(node.branches) if b.p is REST]
        if len(rests) > 1:
            report.error(path + ("branches", rests[1], "p"), "rest",
                         f"{what}: more than one branch says 'rest'")
            continue
        total, ok = 0.0, True
        for i, branch in enumerate(node.branches):
            if not isinstance(branch.p, Expression):  # REST (every branch has a 'p' here)
                continue
            value = known.get(id(branch.p))
            if value is None:
                value = number(branch.p, path + ("branches", i, "p"), f"{what}: probability to {branch.to!r}")
            if value is None:
                ok = False
            elif not -PROBABILITY_TOLERANCE <= value <= 1.0 + PROBABILITY_TOLERANCE:  # as the engine's check
                report.error(path + ("branches", i, "p"), "probability-range",
                             f"{what}: probability to {branch.to!r} is {value:g}, outside [0, 1]")
                ok = False
            else:
                total += value
        if not ok:
            continue
        if rests:
            rest = 1.0 - total
            if rest < -PROBABILITY_TOLERANCE:
                report.error(path + ("branches", rests[0], "p"), "probability-sum",
                             f"{what}: 'rest' would be {rest:.6g}; the other branches already sum to "
                             f"{total:.12g}")
        elif abs(total - 1.0) > PROBABILITY_TOLERANCE:
            report.error(path + ("branches",), "probability-sum",
                         f"{what}: probabilities sum to {total:.12g}, expected 1 (±1e-9)", key=True)


def _nothing_to_report(node: Node, known: dict[int, float]) -> bool:
    """True when every number of ``node`` is already known good and its probabilities plainly
    sum to 1: most nodes of a big tree, passed without wording a message.  False sends the
    node through the full check of :func:`check_base_case`, which decides (so this test may
    say False of a good node, never True of a bad one)."""
    for expr in node.payoffs.values():
        if id(expr) not in known:
            return False
    total, given, missing = 0.0, False, False
    for branch in node.branches:
        for expr in branch.payoffs.values():
            if id(expr) not in known:
                return False
        if branch.p is None:
            missing = True
            continue
        value = known.get(id(branch.p))  # (REST is never known: the full check does 'rest')
        if value is None or not -PROBABILITY_TOLERANCE <= value <= 1.0 + PROBABILITY_TOLERANCE:
            return False
        total += value
        given = True
    if not given:  # no probabilities: fine for a decision (equal weights), not for chance
        return not node.branches or (node.info.rule != "average")
    return not missing and abs(total - 1.0) <= PROBABILITY_TOLERANCE

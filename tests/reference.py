"""A brute-force reference evaluator over plain scenario data, independent of ``scenarios``.

It walks the data dict as written (the format of shared/design/scenario-format.md) and
applies the contract's semantics directly, by recursion and full path enumeration, with
plain Python floats.  It is exponential and meant for the small graphs of the tests; it
shares no code with the package (not its expression parser, not its graph compiler, not
``scenarios.engine.paths.all_paths``).

Semantics implemented (the contract, "Semantics"):

- path probability = product of the branch probabilities along it; decisions without any
  ``p`` are uniform; ``rest`` is 1 minus the other branches of its node;
- expected payoff = sum over paths of probability x (node payoffs along the path,
  outcome included, + branch payoffs along the path);
- ``NODE.CHILD`` (or ``NODE.POSITION``, ``NODE.LABEL``) overrides pin that branch and rescale
  the node's other branches in proportion; parameter overrides replace the parameter (dependants recomputed);
- strategic mode: backward induction; a non-fixed decision takes the branch with the
  highest (branch payoff + child value) for its actor, ties to the first listed; chance
  nodes and fixed decisions average by ``p``;
- conditioning on ``given``: only the paths through the node, probabilities divided by
  the probability of passing it.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass, field

#: The contract's tolerance for probabilities summing to 1.
PROB_TOL = 1e-9
#: Two branch values within TIE_TOL * (1 + |best|) are a tie (as the contract's "ties").
TIE_TOL = 1e-9
#: A gap between TIE_TOL and AMBIGUOUS_TOL is too close to call against float noise.
AMBIGUOUS_TOL = 1e-6


class RefError(Exception):
    """The reference finds the request invalid."""


class RefProbabilityError(RefError):
    pass


class RefUnknownName(RefError):
    pass


class RefUnreachable(RefError):
    pass


# -- expressions ------------------------------------------------------------------------
_BIN = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a ** b,
}
_CALLS = {"min": min, "max": max, "abs": abs}


def eval_expr(value, env: dict[str, float]) -> float:
    """A number, or an arithmetic expression text, evaluated by walking its ``ast``."""
    if isinstance(value, bool):
        raise RefError(f"{value!r} is not a number")
    if isinstance(value, (int, float)):
        return float(value)

    def walk(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.Name):
            return float(env[node.id])
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -walk(node.operand)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd):
            return walk(node.operand)
        if isinstance(node, ast.BinOp) and type(node.op) in _BIN:
            return _BIN[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _CALLS:
            return float(_CALLS[node.func.id](*[walk(a) for a in node.args]))
        raise RefError(f"unsupported expression {ast.dump(node)}")

    return walk(ast.parse(str(value).strip(), mode="eval").body)


def parameter_values(data: dict, pinned: dict[str, float] | None = None) -> dict[str, float]:
    """Every parameter's value, computed on demand by recursion; ``pinned`` overrides."""
    raw = {}
    for name, entry in (data.get("parameters") or {}).items():
        raw[name] = entry["value"] if isinstance(entry, dict) else entry
    pinned = dict(pinned or {})
    values: dict[str, float] = {}

    class Lazy(dict):
        def __missing__(self, name):
            return value_of(name)

    def value_of(name):
        if name in pinned:
            return pinned[name]
        if name not in values:
            values[name] = eval_expr(raw[name], Lazy())
        return values[name]

    return {name: value_of(name) for name in raw}


# -- the reference model -----------------------------------------------------------------
@dataclass
class Path:
    nodes: tuple[str, ...]
    probability: float
    payoffs: dict[str, float]
    branches: tuple[int, ...] = ()  # position of each branch taken (several may share a child)


@dataclass
class BeliefRef:
    outcomes: dict[str, float]  # outcome id -> probability (every outcome listed)
    expected: dict[str, float]
    paths: list[Path]  # every path with positive probability, most probable first
    tags: dict[str, float]
    reach: dict[str, float] = field(default_factory=dict)


@dataclass
class SolveRef:
    values: dict[str, dict[str, float]]
    choices: dict[str, str]
    ties: set[str]
    ambiguous: bool  # some decision was too close to call against float noise
    belief: BeliefRef  # the outcome distribution and expectations under the choices
    choice_branches: dict[str, int] = field(default_factory=dict)  # position of each choice


class Reference:
    """The contract's semantics on plain ``data`` (a scenario as a dict)."""

    def __init__(self, data: dict, overrides: dict | None = None):
        self.data = data
        self.nodes: dict[str, dict] = data["nodes"]
        self.root: str = data.get("root", next(iter(self.nodes)))
        self.actors: list[str] = list(data.get("actors") or {})
        overrides = dict(overrides or {})
        branch_over = {k: v for k, v in overrides.items() if "." in k}
        param_over = {k: v for k, v in overrides.items() if "." not in k}
        base = parameter_values(data)
        for name in param_over:
            if name not in base:
                raise RefUnknownName(name)
        self.params = parameter_values(
            data, {k: eval_expr(v, base) for k, v in param_over.items()})
        # Probabilities per node, as lists in branch order.
        self.p: dict[str, list[float]] = {}
        for node_id, node in self.nodes.items():
            if node.get("branches"):
                self.p[node_id] = self._probabilities(node_id, node)
        by_node: dict[str, dict[int, float]] = {}
        for key, value in branch_over.items():
            node_id, ref = key.split(".", 1)
            if node_id not in self.nodes:
                raise RefUnknownName(key)
            position = self._branch_named(node_id, ref)
            if position is None:
                raise RefUnknownName(key)
            value = eval_expr(value, base)
            if not 0.0 <= value <= 1.0:
                raise RefProbabilityError(key)
            by_node.setdefault(node_id, {})[position] = value
        for node_id, pins in by_node.items():
            self.p[node_id] = rescale(self.p[node_id], pins)
        self.node_pay = {
            node_id: self._payoffs(node.get("payoffs")) for node_id, node in self.nodes.items()
        }
        self.branch_pay = {
            (node_id, i): self._payoffs(b.get("payoffs"))
            for node_id, node in self.nodes.items()
            for i, b in enumerate(node.get("branches") or [])
        }

    def _branch_named(self, node_id: str, ref: str) -> int | None:
        """The branch ``NODE.ref`` names: the one branch to child ``ref``, position ``ref``
        (from 0) or the one branch labelled ``ref``; None if none or several."""
        branches = self.nodes[node_id].get("branches", [])
        to_child = [i for i, b in enumerate(branches) if b["to"] == ref]
        if to_child:
            return to_child[0] if len(to_child) == 1 else None
        if ref.isdigit():
            return int(ref) if int(ref) < len(branches) else None
        labelled = [i for i, b in enumerate(branches) if self.branch_label(b) == ref]
        return labelled[0] if len(labelled) == 1 else None

    def branch_label(self, branch: dict) -> str:
        """A branch's label: its own, else its child's label, else the child's id."""
        if "label" in branch:
            return str(branch["label"])
        return str(self.nodes.get(branch["to"], {}).get("label", branch["to"]))

    # -- binding -----------------------------------------------------------------------
    def _payoffs(self, mapping) -> dict[str, float]:
        out = {a: 0.0 for a in self.actors}
        for actor, value in (mapping or {}).items():
            out[actor] = eval_expr(value, self.params)
        return out

    def _probabilities(self, node_id: str, node: dict) -> list[float]:
        branches = node["branches"]
        if all("p" not in b for b in branches):
            return [1.0 / len(branches)] * len(branches)
        ps = [None if b["p"] == "rest" else eval_expr(b["p"], self.params) for b in branches]
        known = sum(p for p in ps if p is not None)
        ps = [1.0 - known if p is None else p for p in ps]
        if any(p < -PROB_TOL or p > 1 + PROB_TOL for p in ps) or abs(sum(ps) - 1) > PROB_TOL:
            raise RefProbabilityError(f"node {node_id}: {ps}")
        return [min(max(p, 0.0), 1.0) for p in ps]

    def zero_rests(self) -> list[str]:
        """Nodes whose 'rest' branch is worth exactly 0 (the other branches sum to 1)."""
        return [node_id for node_id, node in self.nodes.items()
                for i, b in enumerate(node.get("branches") or [])
                if b.get("p") == "rest" and self.p[node_id][i] <= 1e-12]

    def children(self, node_id: str) -> list[str]:
        return [b["to"] for b in self.nodes[node_id].get("branches") or []]

    # -- belief mode -------------------------------------------------------------------
    def all_paths(self, p: dict[str, list[float]] | None = None) -> list[Path]:
        """Every root-to-outcome path (zero-probability ones too), by recursion."""
        p = self.p if p is None else p
        found: list[Path] = []

        def visit(node_id, nodes, taken, prob, pay):
            pay = add(pay, self.node_pay[node_id])
            nodes = nodes + (node_id,)
            kids = self.children(node_id)
            if not kids:
                found.append(Path(nodes, prob, pay, taken))
                return
            for i, child in enumerate(kids):
                visit(child, nodes, taken + (i,), prob * p[node_id][i], add(pay, self.branch_pay[(node_id, i)]))

        visit(self.root, (), (), 1.0, {a: 0.0 for a in self.actors})
        return found

    def belief(self, given: str | None = None, p: dict[str, list[float]] | None = None) -> BeliefRef:
        paths = self.all_paths(p)
        if given is not None:
            if given not in self.nodes:
                raise RefUnknownName(given)
            paths = [path for path in paths if given in path.nodes]
            mass = sum(path.probability for path in paths)
            if mass <= 0.0:
                raise RefUnreachable(given)
            paths = [Path(path.nodes, path.probability / mass, path.payoffs, path.branches) for path in paths]
        outcomes = {n: 0.0 for n, node in self.nodes.items() if node["kind"] == "outcome"}
        expected = {a: 0.0 for a in self.actors}
        reach = {n: 0.0 for n in self.nodes}
        for path in paths:
            outcomes[path.nodes[-1]] += path.probability
            for n in set(path.nodes):
                reach[n] += path.probability
            for a in self.actors:
                expected[a] += path.probability * path.payoffs[a]
        tags: dict[str, float] = {}
        for n, prob in outcomes.items():
            for tag in self.nodes[n].get("tags") or []:
                tags[tag] = tags.get(tag, 0.0) + prob
        positive = sorted((path for path in paths if path.probability > 0.0),
                          key=lambda path: -path.probability)
        return BeliefRef(outcomes, expected, positive, tags, reach)

    # -- strategic mode ----------------------------------------------------------------
    def solve(self) -> SolveRef:
        values: dict[str, dict[str, float]] = {}
        choices: dict[str, str] = {}
        positions: dict[str, int] = {}
        ties: set[str] = set()
        ambiguous = False

        def value(node_id):
            nonlocal ambiguous
            if node_id in values:
                return values[node_id]
            node = self.nodes[node_id]
            kids = self.children(node_id)
            own = dict(self.node_pay[node_id])
            if kids:
                q = [add(self.branch_pay[(node_id, i)], value(c)) for i, c in enumerate(kids)]
                if node["kind"] == "decision" and not node.get("fixed", False):
                    actor = node["actor"]
                    best = max(v[actor] for v in q)
                    scale = 1.0 + abs(best)
                    gaps = [best - v[actor] for v in q]
                    first = next(i for i, g in enumerate(gaps) if g <= TIE_TOL * scale)
                    if sum(g <= TIE_TOL * scale for g in gaps) > 1:
                        ties.add(node_id)
                    if any(1e-11 * scale < g < AMBIGUOUS_TOL * scale for g in gaps):
                        ambiguous = True
                    choices[node_id] = kids[first]
                    positions[node_id] = first
                    own = add(own, q[first])
                else:
                    for prob, v in zip(self.p[node_id], q, strict=False):
                        own = add(own, {a: prob * x for a, x in v.items()})
            values[node_id] = own
            return own

        for node_id in self.nodes:  # every node, on the path or not
            value(node_id)
        played = dict(self.p)
        for node_id, first in positions.items():  # by position: several branches may share a child
            played[node_id] = [1.0 if i == first else 0.0 for i in range(len(self.children(node_id)))]
        return SolveRef(values, choices, ties, ambiguous, self.belief(p=played), positions)


def add(a: dict[str, float], b: dict[str, float]) -> dict[str, float]:
    return {k: a.get(k, 0.0) + b.get(k, 0.0) for k in a.keys() | b.keys()}


def rescale(ps: list[float], pins: dict[int, float]) -> list[float]:
    """Pin some branches; the others share what is left in proportion to their weights."""
    left = 1.0 - sum(pins.values())
    if left < -PROB_TOL:
        raise RefProbabilityError("pinned values sum to more than 1")
    free = [i for i in range(len(ps)) if i not in pins]
    free_total = sum(ps[i] for i in free)
    out = list(ps)
    if free_total <= 0.0:
        if abs(left) > PROB_TOL:
            raise RefProbabilityError("nothing left to rescale")
        for i in free:
            out[i] = 0.0
    else:
        for i in free:
            out[i] = ps[i] * max(left, 0.0) / free_total
    for i, v in pins.items():
        out[i] = v
    return out


def close(a: float, b: float, tol: float = 1e-9) -> bool:
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)

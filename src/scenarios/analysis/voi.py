"""Value of information at a decision: perfect (EVPI), of everything (clairvoyance), imperfect (EVII).

For a decision ``D`` and its actor, the value of learning an uncertainty ``U`` before ``D``
is the actor's expected payoff at ``D`` when ``U`` is known, minus the payoff without it::

    EVPI(U) = sum_j P(U = j) * V_D(U = j)  -  V_D

where ``V_D(U = j)`` is the value at ``D`` with every chance node of ``U`` resolved to its
branch ``j`` (the chance node moved before the decision).  An uncertainty is a chance node
below ``D``, or an ``uncertainties:`` entry of the file (several chance nodes modelling one
state; its prior is its first node's probabilities).  Clairvoyance resolves every
uncertainty below ``D`` at once: exact over all joint outcomes when there are at most
:data:`ENUMERATION_LIMIT` of them, else estimated from sampled joint outcomes (the output
says which, with a standard error).  A signal (``signals:`` of an uncertainty) with
likelihoods P(reading | state) gives the imperfect value: each reading's posterior
(Bayes' rule) replaces the prior in every node of the uncertainty::

    EVII(S) = sum_r P(S = r) * V_D(posterior given r)  -  V_D

Every one of these is a column of one batch: the base case, each (uncertainty, state), each
(signal, reading) and each joint outcome pins probabilities in its own column, and the
engine's batched rollback (:func:`~scenarios.engine.batch.solve_batch`) solves them
together, so no Python re-solve runs per node.

Modes: ``strategic`` solves every decision by backward induction, the information is public
(every later decision, the other actors' included, is re-solved knowing it), so in a game
the value can be negative; ``belief`` optimises ``D`` alone, every other decision keeping
the probabilities the file gives it.  Values are in payoff terms (risk neutral); for an
actor who minimises, a value of information is the reduction it brings.

>>> import scenarios
>>> r = value_of_information(scenarios.load("oil-wildcatter"))
>>> d = r.decisions[0]
>>> d.node, round(d.without, 9), round(d.everything.value, 9)
('start', 20.0, 35.0)
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..engine.batch import BatchBound, prepare, solve_batch
from ..engine.compiled import Compiled
from ..engine.pinned import path_values
from ..engine.risk import refuse_risk
from ..errors import AnalysisError, UnknownNameError, did_you_mean
from ..formatting import json_number
from ..model import Scenario

__all__ = ["MODES", "ENUMERATION_LIMIT", "Information", "DecisionValue", "VOIResult", "value_of_information",
           "decisions_for", "MODE_NOTES", "base_bound"]

MODES = ("strategic", "belief")
#: Clairvoyance enumerates the joint outcomes of the uncertainties below a decision up to
#: this many; beyond, it samples them.
ENUMERATION_LIMIT = 20_000
#: Floats per batch of columns (values are (nodes, actors, columns)): about 64 MB.
_BUDGET = 8_000_000
MODE_NOTES = {
    "strategic": "Strategic mode: the information is public. Every later decision, the other actors' "
                 "included, is re-solved knowing it, so in a game a value can be negative (what the "
                 "others do with it can hurt).",
    "belief": "Belief mode: only the decision itself is optimised, with and without the information; "
              "every other decision keeps the probabilities the file gives it, so what another actor "
              "will do is uncertain like chance, and learning it is information too.",
}


@dataclass(frozen=True)
class Information:
    """One piece of information and its value at a decision.

    ``kind`` is ``perfect`` (an uncertainty learned), ``everything`` (clairvoyance) or
    ``signal`` (a test's reading learned); ``outcomes`` are ``(state or reading, probability,
    value at the decision given it)``; ``method`` is ``exact`` or says how it was estimated.
    """

    kind: str
    id: str
    label: str
    nodes: tuple[str, ...]
    value: float
    with_information: float
    outcomes: tuple[tuple[str, float, float], ...] = ()
    method: str = "exact"
    stderr: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {"kind": self.kind, "id": self.id, "label": self.label, "nodes": list(self.nodes),
               "value": json_number(self.value), "with_information": json_number(self.with_information),
               "method": self.method,
               "outcomes": [{"name": n, "probability": json_number(p), "value": json_number(v)}
                            for n, p, v in self.outcomes]}
        if self.stderr is not None:
            out["stderr"] = json_number(self.stderr)
        return out


@dataclass(frozen=True)
class DecisionValue:
    """The values of information at one decision, for the actor who makes it."""

    node: str
    label: str
    actor: str
    actor_name: str
    without: float
    perfect: tuple[Information, ...]
    everything: Information | None
    signals: tuple[Information, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"node": self.node, "label": self.label, "actor": self.actor, "actor_name": self.actor_name,
                "without_information": json_number(self.without),
                "perfect": [i.to_dict() for i in self.perfect],
                "everything": self.everything.to_dict() if self.everything else None,
                "signals": [i.to_dict() for i in self.signals]}


@dataclass(frozen=True)
class VOIResult:
    scenario_id: str
    title: str
    mode: str
    decisions: tuple[DecisionValue, ...]
    evppi: Any = None  # an analysis.evppi.EVPPIResult when asked for
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {"scenario": self.scenario_id, "mode": self.mode, "note": MODE_NOTES[self.mode],
                "risk": "payoff terms (risk neutral)",
                "decisions": [d.to_dict() for d in self.decisions],
                "evppi": self.evppi.to_dict() if self.evppi is not None else None,
                "notes": list(self.notes)}


# -- which decisions, which uncertainties ------------------------------------------------------
def decisions_for(scenario: Scenario, node: str | None = None, actor: str | None = None) -> list[str]:
    """The decisions to report: ``node``; else ``actor``'s first decisions (none of the
    actor's above them); else the root if it is a decision, else the first decisions."""
    nodes = scenario.nodes
    solvable = [n for n, v in nodes.items() if v.kind == "decision" and not v.fixed]
    if actor is not None and actor not in scenario.actors:
        raise UnknownNameError(f"unknown actor {actor!r}{did_you_mean(actor, scenario.actors)}")
    if node is not None:
        if node not in nodes or nodes[node].kind != "decision" or nodes[node].fixed:
            raise _not_a_decision(scenario, node, solvable)
        if actor is not None and nodes[node].actor != actor:
            raise AnalysisError(f"node {node!r} is decided by {nodes[node].actor!r}, not {actor!r}")
        return [node]
    if actor is None and scenario.root in solvable:
        return [scenario.root]
    wanted = [n for n in solvable if actor is None or nodes[n].actor == actor]
    if not wanted:
        raise AnalysisError(f"actor {actor!r} makes no decision that is solved" if actor else
                            "this scenario has no decision that is solved")
    below: set[str] = set()  # decisions (of the actor) that have one of theirs above
    for start in wanted:
        stack = [b.to for b in nodes[start].branches]
        while stack:
            n = stack.pop()
            if n in below:
                continue
            below.add(n)
            stack.extend(b.to for b in nodes[n].branches)
    return [n for n in wanted if n not in below]


def _not_a_decision(scenario: Scenario, node: str, solvable: list[str]) -> UnknownNameError | AnalysisError:
    """Why ``--node`` cannot be ``node``: an unknown id (the closest one), or an id of something
    else that voi prints (an uncertainty, a signal, a chance node: the information valued, in
    the table's ``[id]``); and the decisions it can be."""
    nodes = scenario.nodes
    shown = ", ".join(repr(n) for n in solvable[:6]) + (f" and {len(solvable) - 6} more" if len(solvable) > 6 else "")
    takes = f"--node takes a decision that is solved: {shown}" if solvable else \
        "this scenario has no decision that is solved"
    signals = {sid: u.id for u in scenario.uncertainties.values() for sid in u.signals}
    if node in nodes:
        kind = nodes[node].kind
        what = ("a fixed decision (its probabilities are kept)" if kind == "decision" else
                "a chance node (information whose value voi reports), not a decision" if kind == "chance" else
                f"an {kind} node, not a decision" if kind[0] in "aeiou" else f"a {kind} node, not a decision")
    elif node in scenario.uncertainties:
        what = "an uncertainty (information whose value voi reports), not a decision"
    elif node in signals:
        what = f"a signal on the uncertainty {signals[node]!r} (information whose value voi reports), not a decision"
    else:
        close = did_you_mean(node, solvable) or did_you_mean(node, [*nodes, *scenario.uncertainties, *signals])
        return UnknownNameError(f"unknown node {node!r}{close}; {takes}")
    return AnalysisError(f"{node!r} is {what}; {takes}")


@dataclass(frozen=True)
class _Uncertainty:
    id: str
    label: str
    nodes: tuple[int, ...]  # compiled indices
    names: tuple[str, ...]  # node ids
    states: tuple[str, ...]
    prior: np.ndarray
    signals: tuple[tuple[str, str, tuple[str, ...], np.ndarray], ...]  # (id, label, readings, likelihood)
    actor: str | None = None  # a decision's actor (belief mode): never an uncertainty for its own decisions


def _uncertainties(scenario: Scenario, c: Compiled, p: np.ndarray, mode: str) -> list[_Uncertainty]:
    """The declared uncertainties, then every other chance node (in belief mode, every
    decision node too: what an actor will do is then a belief, uncertain like chance)."""
    grouped = {n for u in scenario.uncertainties.values() for n in u.nodes}
    out = []
    for u in scenario.uncertainties.values():
        first = scenario.nodes[u.nodes[0]]
        i = c.index[u.nodes[0]]
        signals = tuple((s.id, s.label or s.id, s.readings, np.asarray(s.likelihood, dtype=float))
                        for s in u.signals.values())
        out.append(_Uncertainty(u.id, u.label or first.label or u.id, tuple(c.index[n] for n in u.nodes), u.nodes,
                                tuple(b.label or b.to for b in first.branches),
                                p[c.edge_start[i]:c.edge_start[i + 1]].copy(), signals))
    for node_id, node in scenario.nodes.items():
        believed = mode == "belief" and node.kind == "decision" and node.branches
        if (node.kind == "chance" or believed) and node_id not in grouped:
            i = c.index[node_id]
            label = node.label or node_id
            if believed:
                who = scenario.actors.get(node.actor or "")
                label = f"What {(who.name if who and who.name else node.actor)} does: {label}"
            out.append(_Uncertainty(node_id, label, (i,), (node_id,),
                                    tuple(b.label or b.to for b in node.branches),
                                    p[c.edge_start[i]:c.edge_start[i + 1]].copy(), (),
                                    node.actor if believed else None))
    return out


def _descendants(c: Compiled, start: int) -> np.ndarray:
    """A mask of the nodes below ``start`` (itself excluded), by generations of the edge arrays."""
    seen = np.zeros(c.n_nodes, dtype=bool)
    frontier = np.array([start])
    while len(frontier):
        lo, hi = c.edge_start[frontier], c.edge_start[frontier + 1]
        counts = hi - lo
        if not counts.sum():
            break
        edges = np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
        children = np.unique(c.child[edges])
        frontier = children[~seen[children]]
        seen[frontier] = True
    return seen


# -- the batch ---------------------------------------------------------------------------------
class _Columns:
    """Columns of re-weighted nodes, solved together; the values at the decisions kept.

    A column that re-weights one node of a tree is solved by the path update
    (:func:`~scenarios.engine.pinned.path_values`: only the node's ancestors change); the
    others (several nodes at once, or a DAG) by the batched rollback, in batches that fit
    the memory budget.  Column 0 is the base case.
    """

    def __init__(self, problem, mode: str, decisions: Sequence[int]):
        self.problem, self.mode, self.decisions = problem, mode, list(decisions)
        self.c: Compiled = problem.compiled
        self.base = problem.base
        self.single: list[tuple[int, int, np.ndarray]] = []  # (column, node, weights)
        self.multi: list[tuple[int, list[tuple[int, np.ndarray]]]] = [(0, [])]  # (column, pins)
        self.joint: list[tuple[int, list[tuple[int, ...]], np.ndarray]] = []  # (first column, nodes, states)
        self.n = 1

    def add(self, pins: list[tuple[int, np.ndarray]]) -> int:
        if len(pins) == 1 and self.c.tree:
            self.single.append((self.n, pins[0][0], pins[0][1]))
        else:
            self.multi.append((self.n, pins))
        self.n += 1
        return self.n - 1

    def add_joint(self, nodes: list[tuple[int, ...]], states: np.ndarray) -> range:
        """Columns resolving every uncertainty ``u`` (its ``nodes[u]``) to branch ``states[u, s]``."""
        self.joint.append((self.n, nodes, states))
        self.n += states.shape[1]
        return range(self.n - states.shape[1], self.n)

    def solve(self) -> np.ndarray:
        """Values at the decisions per column: ``(decisions, payoff columns, K)``."""
        c, base = self.c, self.base
        out = np.empty((len(self.decisions), len(c.actors), self.n))
        width = max(1, _BUDGET // max(1, c.n_nodes * len(c.actors)))
        jobs: list[tuple[list[int], Any]] = []  # (columns, how to pin them into p)
        for lo in range(0, len(self.multi), width):
            chunk = self.multi[lo:lo + width]
            jobs.append(([k for k, _ in chunk], [pins for _, pins in chunk]))
        for first, nodes, states in self.joint:
            for lo in range(0, states.shape[1], width):
                part = states[:, lo:lo + width]
                jobs.append((list(range(first + lo, first + lo + part.shape[1])), (nodes, part)))
        for cols, how in jobs:
            p = np.repeat(base.p[:, None], len(cols), axis=1)
            if isinstance(how, list):
                _pin(c, p, how)
            else:
                _pin_joint(c, p, *how)
            bound = base_bound(self.problem, p)
            if self.mode == "strategic":
                out[:, :, cols] = solve_batch(bound).values[self.decisions]
            else:
                for j, d in enumerate(self.decisions):
                    out[j][:, cols] = solve_batch(bound, only=d).values[d]
        if self.single:
            self._paths(out)
        return out

    def _paths(self, out: np.ndarray) -> None:
        c, base = self.c, self.base
        cols = np.array([k for k, _, _ in self.single])
        start = np.array([n for _, n, _ in self.single], dtype=np.int64)
        weights = np.zeros((len(start), max(len(w) for _, _, w in self.single)))
        for row, (_, _, w) in enumerate(self.single):
            weights[row, :len(w)] = w
        one = base_bound(self.problem, base.p[:, None])
        targets = np.array(self.decisions, dtype=np.int64)
        if self.mode == "strategic":
            values = solve_batch(one).values[:, :, 0]
            out[:, :, cols] = path_values(c, base.p, base.node_payoff, base.edge_payoff, values,
                                          np.asarray(c.strategic, dtype=bool), start, weights, targets)
            return
        for j, d in enumerate(self.decisions):
            values = solve_batch(one, only=d).values[:, :, 0]
            solved = np.zeros(c.n_nodes, dtype=bool)
            solved[d] = True
            out[j][:, cols] = path_values(c, base.p, base.node_payoff, base.edge_payoff, values, solved, start,
                                          weights, targets[j:j + 1])[0]


def base_bound(problem, p: np.ndarray) -> BatchBound:
    """A batch of ``p.shape[1]`` columns with the base case's payoffs and probabilities ``p``."""
    base, k = problem.base, p.shape[1]
    return BatchBound(problem.compiled, p, np.broadcast_to(base.node_payoff[:, :, None], base.node_payoff.shape + (k,)),
                      np.broadcast_to(base.edge_payoff[:, :, None], base.edge_payoff.shape + (k,)),
                      np.ones(k, dtype=bool), {})


def _pin(c: Compiled, p: np.ndarray, chunk: list[list[tuple[int, np.ndarray]]]) -> None:
    """Write each column's pinned probabilities (node, vector over its branches) into ``p``."""
    edges: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    values: list[np.ndarray] = []
    for k, pins in enumerate(chunk):
        for node, vector in pins:
            start = c.edge_start[node]
            edges.append(np.arange(start, start + len(vector)))
            cols.append(np.full(len(vector), k))
            values.append(vector)
    if edges:
        p[np.concatenate(edges), np.concatenate(cols)] = np.concatenate(values)


def _pin_joint(c: Compiled, p: np.ndarray, nodes: list[tuple[int, ...]], states: np.ndarray) -> None:
    """Column ``s`` resolves every node of uncertainty ``u`` to its branch ``states[u, s]``."""
    for u, group in enumerate(nodes):
        for node in group:
            first, last = int(c.edge_start[node]), int(c.edge_start[node + 1])
            p[first:last] = np.arange(last - first)[:, None] == states[u][None, :]


def _onehot(n: int, j: int) -> np.ndarray:
    v = np.zeros(n)
    v[j] = 1.0
    return v


# -- the analysis ------------------------------------------------------------------------------
def value_of_information(scenario: Scenario, *, node: str | None = None, actor: str | None = None,
                         mode: str = "strategic", overrides: Mapping[str, Any] | None = None,
                         samples: int = 4000, seed: int = 0, limit: int = ENUMERATION_LIMIT,
                         everything_too: bool = True) -> VOIResult:
    """EVPI per uncertainty, clairvoyance and EVII per signal at each decision of
    :func:`decisions_for` (``node``/``actor``), in ``mode``, under ``overrides`` (``--set``).
    Clairvoyance (``everything_too``) enumerates up to ``limit`` joint outcomes, else samples
    ``samples`` of them (``seed``).

    Raises
    ------
    UnknownNameError, AnalysisError
        an unknown node or actor (with "did you mean"), a node that is not a solved decision.
    """
    if mode not in MODES:
        raise AnalysisError(f"unknown mode {mode!r}{did_you_mean(mode, MODES)}")
    refuse_risk(scenario, "value of information (voi)")  # its re-solves choose by expected payoff
    names = decisions_for(scenario, node, actor)
    problem = prepare(scenario, overrides)
    c = problem.compiled
    decisions = [c.index[n] for n in names]
    assert problem.base is not None, "prepare() binds the base case"
    uncertainties = _uncertainties(scenario, c, problem.base.p, mode)
    below = {d: _descendants(c, d) for d in decisions}
    relevant = {d: [_seen_from(u, below[d], c, problem.base.p) for u in uncertainties if below[d][list(u.nodes)].any()
                    and (u.actor is None or u.actor != scenario.nodes[c.ids[d]].actor)] for d in decisions}
    batch = _Columns(problem, mode, decisions)
    perfect: dict[tuple[str, bytes], list[tuple[int, float, str]]] = {}  # uncertainty -> (column, prior, state)
    signal_cols: dict[tuple[tuple[str, bytes], str], list[tuple[int, float, str]]] = {}
    for u in {_key(u): u for d in decisions for u in relevant[d]}.values():
        n_states = len(u.prior)
        perfect[_key(u)] = [(batch.add([(i, _onehot(n_states, j)) for i in u.nodes]), float(u.prior[j]), u.states[j])
                         for j in range(n_states) if u.prior[j] > 0]
        for sid, _, readings, table in u.signals:
            joint = u.prior[:, None] * table  # P(state, reading)
            marginal = joint.sum(axis=0)
            signal_cols[(_key(u), sid)] = [(batch.add([(i, joint[:, r] / marginal[r]) for i in u.nodes]),
                                         float(marginal[r]), readings[r])
                                        for r in range(len(readings)) if marginal[r] > 0]
    everything = {d: _joint_columns(batch, relevant[d], samples, seed, limit) if everything_too else None
                  for d in decisions}
    values = batch.solve()
    signs = c.column_sign if c.column_sign is not None else np.ones(len(c.actors))
    out = []
    for j, d in enumerate(decisions):
        col = int(c.actor[d])
        sign = float(signs[col])
        v = values[j, col] * sign  # "more is better" for the actor
        items = tuple(_info(v, sign, "perfect", u.id, u.label, u.names, perfect[_key(u)]) for u in relevant[d])
        signals = tuple(_info(v, sign, "signal", sid, f"{label} ({u.label})", u.names, signal_cols[(_key(u), sid)])
                        for u in relevant[d] for sid, label, _, _ in u.signals)
        all_info = None
        joint = everything[d]
        if joint is not None:
            cols, method, sampled = joint
            found = _info(v, sign, "everything", "everything", "everything below the decision (clairvoyance)",
                          tuple(n for u in relevant[d] for n in u.names), cols)
            stderr = None
            if sampled and len(cols) > 1:
                diffs = np.array([v[k] for k, _, _ in cols])
                stderr = float(diffs.std(ddof=1) / np.sqrt(len(diffs)))
            all_info = Information(found.kind, found.id, found.label, found.nodes, found.value,
                                   found.with_information, (), method, stderr)
        owner = scenario.nodes[names[j]].actor or ""
        who = scenario.actors.get(owner)
        out.append(DecisionValue(names[j], scenario.nodes[names[j]].label or names[j], owner,
                                 who.name if who and who.name else owner, sign * float(v[0]), items, all_info,
                                 signals))
    return VOIResult(scenario.id, scenario.title, mode, tuple(out))


def _seen_from(u: _Uncertainty, below: np.ndarray, c: Compiled, p: np.ndarray) -> _Uncertainty:
    """``u`` as a decision sees it: its prior is the probabilities of its first node below the
    decision (the file's prior when that is its first node; below a test's reading, the
    posterior the tree gives there: the site after a favourable test, not before it)."""
    first = next(i for i in u.nodes if below[i])
    if first == u.nodes[0]:
        return u
    return replace(u, prior=p[c.edge_start[first]:c.edge_start[first + 1]].copy())


def _key(u: _Uncertainty) -> tuple[str, bytes]:
    """An uncertainty with its prior: decisions that see the same prior share its columns."""
    return u.id, u.prior.tobytes()


def _info(v: np.ndarray, sign: float, kind: str, uid: str, label: str, nodes: tuple[str, ...],
          cols: list[tuple[int, float, str]]) -> Information:
    """The value of the information whose outcomes are ``cols`` (column, weight, name); ``v``
    holds the decider's values per column (column 0 the base case), signed so more is better."""
    weights = np.array([w for _, w, _ in cols])
    got = np.array([v[k] for k, _, _ in cols])
    with_info = float(weights @ got / weights.sum())
    without = float(v[0])
    gain = with_info - without
    gain = 0.0 if abs(gain) <= 1e-9 * max(1.0, abs(with_info), abs(without)) else gain  # rounding noise
    return Information(kind, uid, label, nodes, gain, sign * with_info,
                       tuple((n, w, sign * float(v[k])) for k, w, n in cols))


def _joint_columns(batch: _Columns, relevant: list[_Uncertainty], samples: int, seed: int,
                   limit: int) -> tuple[list[tuple[int, float, str]], str, bool] | None:
    """Columns for clairvoyance: every joint outcome (exact) or ``samples`` sampled ones."""
    if not relevant:
        return None
    states = [np.flatnonzero(u.prior > 0) for u in relevant]
    total = 1
    for s in states:
        total *= len(s)
        if total > limit:
            break
    nodes = [u.nodes for u in relevant]
    if total <= limit:
        combos = np.array(list(itertools.product(*states)), dtype=np.int64).T.reshape(len(relevant), -1)
        weights = np.ones(combos.shape[1])
        for row, u in enumerate(relevant):
            weights *= u.prior[combos[row]]
        cols = batch.add_joint(nodes, combos)
        return [(k, float(w), "") for k, w in zip(cols, weights, strict=True)], "exact", False
    rng = np.random.default_rng(seed)
    drawn = np.array([rng.choice(len(u.prior), size=samples, p=u.prior / u.prior.sum()) for u in relevant])
    cols = batch.add_joint(nodes, drawn)
    return [(k, 1.0, "") for k in cols], (f"estimated from {samples} sampled joint outcomes of {len(relevant)} "
                                         f"uncertainties (seed {seed}; more than {limit} joint outcomes to "
                                         "enumerate)"), True

"""Risk attitudes: each actor maximises the expected utility of the TOTAL payoff of a path.

The utilities (docs/risk-attitudes.md), with x the total payoff of a path (payoffs on its
nodes and branches added up):

* ``neutral``: u(x) = x (the default; results are exactly those of the risk-neutral engine);
* ``exponential: R`` (R != 0): u(x) = sign(R) (1 - exp(-x/R)); R > 0 risk averse, R < 0
  risk seeking (the sign keeps u increasing); CE = -R log E[exp(-X/R)];
* ``power: a`` (a != 0): u(x) = x**a / a for x > 0 (constant relative risk aversion 1 - a);
  CE = (a E[u])**(1/a);
* ``log``: u(x) = log x for x > 0 (the limit a -> 0); CE = exp(E[u]);
* ``expression: TEXT``: u(x) given by our expression parser in ``x``; it must be increasing
  on the path totals; CE by bisection between the smallest and the largest total.

How it is computed.  The exponential certainty equivalent rolls back exactly, whatever was
paid before a node: CE(node) = payoff(node) - R log sum_b p_b exp(-(payoff(b) + CE(child))/R),
so it works on DAGs.  The other utilities need the amount accumulated from the root; it is
computed by a forward pass and must be the same along every path into a node (always so on a
tree; on a DAG with payoffs before a shared node it is refused, naming the node).  Their
payoffs are then replaced by u(total) at the outcomes, and expected utility rolls back
linearly.  One kernel (:func:`rollback_risk`) does both kinds of row for K columns at once,
one generation per numpy operation; ``solve``/``evaluate`` run it with K = 1 and the batch
analyses (sensitivity, threshold, with the risk tolerance as a variable) with K settings.
A decision takes the branch of highest certainty equivalent (exponential and neutral
deciders) or expected utility (the others): u is increasing, so the two orders agree.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ExpressionError, RiskError, UnknownNameError, did_you_mean
from ..expressions import Expression
from ..model import NEUTRAL, Risk, Scenario
from .compiled import Compiled
from .strategic import tie_threshold

__all__ = ["RISK_FORMS", "make_risk", "parse_risk", "apply_risk", "refuse_risk", "risk_table", "risk_seeking",
           "utility", "certainty_equivalent", "RiskRun", "run_risk", "rollback_risk"]

RISK_FORMS = ("neutral", "exponential", "power", "log", "expression")
_GENERAL = ("power", "log", "expression")
_BISECTIONS = 80


def make_risk(form: str, argument: Any = None, prefix: str = "") -> Risk:
    """The :class:`~scenarios.model.Risk` ``form`` with ``argument``; RiskError saying why not.

    >>> make_risk("exponential", 5)
    Risk(kind='exponential', value=5.0, expression=None)
    >>> make_risk("exponential", 0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    scenarios.errors.RiskError: exponential risk tolerance R = 0 is not allowed (R is non-zero: ...)
    """
    if form not in RISK_FORMS:
        starting = [f for f in RISK_FORMS if str(form) and f.startswith(str(form))]
        hint = f" (did you mean {starting[0]!r}?)" if len(starting) == 1 else did_you_mean(str(form), RISK_FORMS)
        raise RiskError(f"{prefix}unknown risk attitude {form!r}{hint} "
                        "(use neutral, log, exponential:R, power:a or expression:TEXT)")
    if form in ("neutral", "log"):
        if argument is not None:
            raise RiskError(f"{prefix}risk attitude {form!r} takes no value (got {argument!r})")
        return NEUTRAL if form == "neutral" else Risk("log")
    if form == "expression":
        if not isinstance(argument, str):
            raise RiskError(f"{prefix}a utility expression must be text in x, such as \"1 - exp(-x/50)\"")
        try:
            expression = Expression.parse(argument)
        except ExpressionError as exc:
            raise RiskError(f"{prefix}utility {exc}") from None
        unknown = sorted(expression.names - {"x"})
        if unknown:
            raise RiskError(f"{prefix}utility expression {argument!r} uses unknown name {unknown[0]!r}"
                            f"{did_you_mean(unknown[0], ['x'])} (its only name is x, the total payoff)")
        if "x" not in expression.names:
            raise RiskError(f"{prefix}utility expression {argument!r} does not use x (the total payoff)")
        return Risk("expression", expression=expression)
    what = "exponential risk tolerance R" if form == "exponential" else "power exponent a"
    if isinstance(argument, str):
        try:
            argument = float(argument)
        except ValueError:
            raise RiskError(f"{prefix}{what} must be a number, not {argument!r}") from None
    if isinstance(argument, bool) or not isinstance(argument, (int, float)):
        raise RiskError(f"{prefix}{what} must be a number, not {type(argument).__name__}")
    try:
        value = float(argument)
    except OverflowError:
        value = math.inf
    if not math.isfinite(value):
        raise RiskError(f"{prefix}{what} must be a finite number, not {argument}")
    if value == 0.0:
        if form == "exponential":
            raise RiskError(f"{prefix}{what} = 0 is not allowed (R is non-zero: positive for risk aversion, "
                            "negative for risk seeking; use neutral for an expected-value maximiser)")
        raise RiskError(f"{prefix}{what} = 0 is not allowed (use log, the limit a -> 0)")
    return Risk(form, value)


def parse_risk(text: str, prefix: str = "") -> Risk:
    """``neutral``, ``log``, ``exponential:R``, ``power:a`` or ``expression:TEXT`` (``--risk``).

    >>> str(parse_risk("exponential:5")), str(parse_risk("expression:sqrt(x)"))
    ('exponential:5', 'expression:sqrt(x)')
    """
    form, sep, argument = str(text).partition(":")
    form = form.strip()
    if form in ("neutral", "log") or form not in RISK_FORMS:
        return make_risk(form, argument.strip() if sep else None, prefix)
    if not sep or not argument.strip():
        raise RiskError(f"{prefix}risk attitude {form!r} needs a value: {form}:"
                        + ("TEXT" if form == "expression" else "R" if form == "exponential" else "a"))
    return make_risk(form, argument if form == "expression" else argument.strip(), prefix)


def apply_risk(scenario: Scenario, risk: Mapping[str, Risk | str] | None) -> Scenario:
    """``scenario`` with the actors' risk attitudes replaced (``{actor: Risk or spec}``).

    The copy shares the original's compiled arrays (a risk attitude does not change them).
    UnknownNameError for an unknown actor, RiskError for a bad spec or combination.
    """
    if not risk:
        return scenario
    from dataclasses import replace

    actors = dict(scenario.actors)
    for key, spec in risk.items():
        if key not in actors:
            raise UnknownNameError(f"--risk {key}: unknown actor{did_you_mean(key, actors)} "
                                   f"(actors: {', '.join(actors) or 'none'})")
        value = spec if isinstance(spec, Risk) else parse_risk(spec, f"--risk {key}={spec}: ")
        actor = actors[key]
        if not value.neutral and (actor.minimize or actor.measures):
            raise RiskError(f"--risk {key}: actor {key!r} {'minimises' if actor.minimize else 'has measures'}; "
                            "a risk attitude other than neutral applies only to a payoff that is maximised")
        actors[key] = replace(actor, risk=value)
    copy = Scenario(id=scenario.id, title=scenario.title, nodes=scenario.nodes, root=scenario.root,
                    summary=scenario.summary, as_of=scenario.as_of, sources=scenario.sources, actors=actors,
                    parameters=scenario.parameters, filename=scenario.filename, warnings=scenario.warnings,
                    graph=scenario._graph, evidence=scenario.evidence)
    copy._compiled = scenario._compiled
    copy._base_values = scenario._base_values
    return copy


def refuse_risk(scenario: Scenario, what: str) -> None:
    """RiskError if some actor is not risk neutral: for the analyses that do not compute them yet."""
    for key, actor in scenario.actors.items():
        if not actor.risk.neutral:
            raise RiskError(f"{what} does not compute risk attitudes yet (actor {key!r} has risk {actor.risk}); "
                            "use solve, evaluate, sensitivity or threshold, or drop --risk")


def risk_seeking(risk: Risk) -> str | None:
    """Why ``risk`` is risk seeking (a convex utility: a lottery is worth more to the actor than
    its expected payoff), or None: ``R < 0`` for exponential, ``a > 1`` for power.  Legitimate,
    and said wherever risk attitudes are reported; an expression's shape is not judged.

    >>> risk_seeking(make_risk("exponential", -10)), risk_seeking(make_risk("power", 2)), risk_seeking(Risk("log"))
    ('R < 0', 'a > 1', None)
    """
    if risk.kind == "exponential" and (risk.value or 0.0) < 0:
        return "R < 0"
    if risk.kind == "power" and (risk.value or 0.0) > 1:
        return "a > 1"
    return None


def risk_table(scenario: Scenario, compiled: Compiled) -> tuple[Risk, ...] | None:
    """The risk attitude of each payoff column (``compiled.actors``); None if all are neutral."""
    risks = {key: actor.risk for key, actor in scenario.actors.items()}
    if all(r.neutral for r in risks.values()):
        return None
    return tuple(risks.get(column, NEUTRAL) for column in compiled.actors)


# -- the utilities ------------------------------------------------------------------------------
def utility(risk: Risk, x: np.ndarray) -> np.ndarray:
    """u(x), element-wise (see the module docstring for the forms)."""
    x = np.asarray(x, dtype=float)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        if risk.kind == "exponential":
            r = float(risk.value or 1.0)
            out: np.ndarray = -math.copysign(1.0, r) * np.expm1(-x / r)
        elif risk.kind == "power":
            a = float(risk.value or 1.0)
            out = np.power(x, a) / a
        elif risk.kind == "log":
            out = np.log(x)
        elif risk.kind == "expression":
            assert risk.expression is not None
            out = np.broadcast_to(np.asarray(risk.expression.evaluate({"x": x}), dtype=float), x.shape).copy()
        else:
            out = x.copy()
    return out


def certainty_equivalent(risk: Risk, eu: np.ndarray, low: np.ndarray | None = None,
                         high: np.ndarray | None = None) -> np.ndarray:
    """The sure amount whose utility is ``eu`` (u's inverse; by bisection on [low, high] for an
    expression utility).

    >>> float(certainty_equivalent(make_risk("exponential", 10), utility(make_risk("exponential", 10), 3.0)))
    3.0
    """
    eu = np.asarray(eu, dtype=float)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        if risk.kind == "exponential":
            r = float(risk.value or 1.0)
            out: np.ndarray = -r * np.log1p(-math.copysign(1.0, r) * eu)
            return out
        if risk.kind == "power":
            a = float(risk.value or 1.0)
            out = np.power(a * eu, 1.0 / a)
            return out
        if risk.kind == "log":
            out = np.exp(eu)
            return out
        if risk.kind != "expression":
            return eu.copy()
    assert low is not None and high is not None
    lo, hi = np.array(low, dtype=float), np.array(high, dtype=float)
    for _ in range(_BISECTIONS):
        mid = lo + (hi - lo) / 2
        below = utility(risk, mid) < eu
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    middle: np.ndarray = lo + (hi - lo) / 2
    return middle


# -- the runs -------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class RiskRun:
    """One run of the risk-aware rollback over K columns.

    ``score`` is ``(A, N, K)``: per node, the certainty equivalent from there on (neutral and
    exponential columns) or the expected utility of the path total (the other utilities);
    ``option_payoff`` the branch payoffs in the same units ``(A, E, K)`` (zero for the
    utilities of totals, whose payoffs are in the outcomes' utilities); ``chosen``, ``tied``
    ``(N, K)`` and ``weights`` ``(E, K)`` as the strategic rollback's; ``expected_utility`` and
    ``certainty`` ``(A, K)`` per payoff column at the root.
    """

    score: np.ndarray
    option_payoff: np.ndarray
    chosen: np.ndarray
    tied: np.ndarray
    weights: np.ndarray
    expected_utility: np.ndarray
    certainty: np.ndarray


def run_risk(scenario: Scenario, compiled: Compiled, risks: tuple[Risk, ...], p: np.ndarray,
             node_payoff: np.ndarray, edge_payoff: np.ndarray, *, solved: np.ndarray | None = None,
             tolerance: Mapping[int, np.ndarray] | None = None) -> RiskRun:
    """Roll back K columns under ``risks`` (one per payoff column).

    ``p`` is ``(E, K)``, payoffs ``(A, N, K)`` and ``(A, E, K)``; ``solved`` marks the decisions
    solved by their actor (None: none, belief mode); ``tolerance`` replaces the risk
    tolerance R of some exponential columns, ``{column: (K,) values}`` (sensitivity).
    RiskError for a log or power utility of a non-positive total, an expression utility that
    fails or is not increasing, a non-exponential utility on a DAG whose totals into a
    shared node differ, a tolerance of 0.
    """
    a, _, k = node_payoff.shape
    tol = np.full((a, k), np.inf)
    general = [i for i, r in enumerate(risks) if r.kind in _GENERAL]
    for i, r in enumerate(risks):
        if r.kind == "exponential":
            tol[i] = float(r.value or 1.0)
    for column, values in (tolerance or {}).items():
        values = np.broadcast_to(np.asarray(values, dtype=float), (k,))
        if not np.all(np.isfinite(values)) or np.any(values == 0.0):
            bad = values[~np.isfinite(values) | (values == 0.0)][0]
            raise RiskError(f"risk.{compiled.actors[column]}={bad:g}: the risk tolerance R must be a finite, "
                            "non-zero number")
        tol[column] = values
    low = high = None
    if general:
        node_payoff = np.array(node_payoff, dtype=float)
        edge_payoff = np.array(edge_payoff, dtype=float)
        totals = _totals(compiled, node_payoff[general], edge_payoff[general], [risks[i] for i in general], general)
        leaves = np.flatnonzero(compiled.edge_start[1:] == compiled.edge_start[:-1])
        low, high = totals[:, leaves].min(axis=1), totals[:, leaves].max(axis=1)
        for row, i in enumerate(general):
            node_payoff[i] = 0.0
            node_payoff[i, leaves] = _utility_at(scenario, compiled, risks[i], totals[row, leaves], leaves, i)
            edge_payoff[i] = 0.0
    score, chosen, tied, weights = rollback_risk(compiled, p, node_payoff, edge_payoff, tol, solved)
    root = score[:, compiled.root, :]
    eu, ce = root.copy(), root.copy()
    for i, r in enumerate(risks):
        if r.kind == "exponential":
            eu[i] = np.sign(tol[i]) * -np.expm1(-root[i] / tol[i])
        elif r.kind in _GENERAL:
            assert low is not None and high is not None
            row = general.index(i)
            ce[i] = certainty_equivalent(r, root[i], low[row], high[row])
    return RiskRun(score, edge_payoff, chosen, tied, weights, eu, ce)


def _utility_at(scenario: Scenario, compiled: Compiled, risk: Risk, totals: np.ndarray, leaves: np.ndarray,
                column: int) -> np.ndarray:
    """u(total) at the outcomes ``leaves`` ((L, K) totals), with the checks that name an outcome."""
    who = f"actor {compiled.actors[column]!r} (risk {risk})"
    if risk.kind in ("power", "log"):
        bad = np.argwhere(totals <= 0.0)
        if len(bad):
            leaf, col = bad[0]
            raise RiskError(f"{who}: the path to outcome {compiled.ids[leaves[leaf]]!r} totals "
                            f"{totals[leaf, col]:g}; power and log utilities need positive totals "
                            "(shift the payoffs, or use exponential)")
    try:
        values = utility(risk, totals)
    except ExpressionError as exc:
        raise RiskError(f"{who}: {exc}") from None
    flat_x, flat_u = totals.ravel(), values.ravel()
    order = np.argsort(flat_x, kind="stable")
    xs, us = flat_x[order], flat_u[order]
    step = np.flatnonzero((xs[1:] > xs[:-1]) & ~(us[1:] > us[:-1]))
    if len(step):
        j = step[0]
        raise RiskError(f"{who}: the utility is not increasing between x = {xs[j]:g} and x = {xs[j + 1]:g} "
                        f"(u = {us[j]:g} and {us[j + 1]:g}); a utility must increase with the payoff")
    return values


def _totals(c: Compiled, node_payoff: np.ndarray, edge_payoff: np.ndarray, risks: list[Risk],
            rows: list[int]) -> np.ndarray:
    """Per node, the payoff accumulated from the root through it (its own included), ``(G, N, K)``;
    RiskError when two paths into a node bring different amounts (a DAG)."""
    g, n, k = node_payoff.shape
    into = np.zeros((g, n, k))
    spread = np.zeros((g, n, k), dtype=bool) if not c.tree else None
    seen = np.zeros(n, dtype=bool)
    for lv in c.levels:
        lo, hi = lv.lo, lv.hi
        parent, child = c.parent[lo:hi], c.child[lo:hi]
        arriving = into[:, parent] + node_payoff[:, parent] + edge_payoff[:, lo:hi]
        if c.tree:
            into[:, child] = arriving
            continue
        assert spread is not None
        order = np.argsort(child, kind="stable")
        unique, starts = np.unique(child[order], return_index=True)
        least = np.minimum.reduceat(arriving[:, order], starts, axis=1)
        most = np.maximum.reduceat(arriving[:, order], starts, axis=1)
        before = seen[unique]
        old = into[:, unique]
        differs = (most - least > 1e-9 * (1.0 + np.abs(most)))
        differs |= before[None, :, None] & (np.abs(old - least) > 1e-9 * (1.0 + np.abs(old)))
        spread[:, unique] |= differs
        into[:, unique] = np.where(before[None, :, None], old, least)
        seen[unique] = True
    if spread is not None and spread.any():
        row, node, col = np.argwhere(spread)[0]
        raise RiskError(f"actor {c.actors[rows[row]]!r} (risk {risks[row]}): node {c.ids[node]!r} is reached with "
                        "different payoffs accumulated before it, and a power, log or expression utility needs "
                        "one total per path through it; use exponential (it rolls back whatever came before) or put "
                        "those payoffs after the shared node")
    totals: np.ndarray = into + node_payoff
    return totals


# -- the kernel -----------------------------------------------------------------------------------
def rollback_risk(c: Compiled, p: np.ndarray, node_payoff: np.ndarray, edge_payoff: np.ndarray,
                  tolerance: np.ndarray, solved: np.ndarray | None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(score, chosen, tied, weights)`` for K columns; rows with an infinite ``tolerance``
    ``(A, K)`` average linearly, the others by the exponential certainty equivalent.

    ``p`` ``(E, K)``; payoffs ``(A, N, K)``, ``(A, E, K)``; ``solved`` per node (or None).
    Decisions take the first branch within the engine's tie tolerance of the decider's best
    (:func:`~scenarios.engine.strategic.tie_threshold`), as the risk-neutral rollbacks do.
    """
    k = p.shape[1]
    score = np.array(node_payoff, dtype=float, order="C")
    weights = np.array(p, dtype=float)
    chosen = np.full((c.n_nodes, k), -1, dtype=np.int64)
    tied = np.zeros((c.n_nodes, k), dtype=bool)
    exp_rows = np.flatnonzero(np.isfinite(tolerance).all(axis=1))
    lin_rows = np.flatnonzero(~np.isfinite(tolerance).all(axis=1))
    r = tolerance[exp_rows][:, None, :]
    all_linear = len(exp_rows) == 0
    columns = np.arange(k)
    for lv in reversed(c.levels):
        lo, hi, s0, s1 = lv.lo, lv.hi, lv.s0, lv.s1
        q = score[:, c.child[lo:hi], :]
        if lv.paid:
            q += edge_payoff[:, lo:hi, :]
        w = weights[lo:hi]
        nodes, offsets = c.internal[s0:s1], c.seg_offset[s0:s1]
        if solved is not None:
            deciding = solved[nodes]
            if deciding.any():
                _decide(c, q, w, lo, nodes, offsets, deciding, chosen, tied, columns)
        if all_linear:
            score[:, nodes, :] += np.add.reduceat(q * w, offsets, axis=1)
            continue
        if len(lin_rows):
            score[np.ix_(lin_rows, nodes)] += np.add.reduceat(q[lin_rows] * w, offsets, axis=1)
        z = np.where(w > 0.0, q[exp_rows] / -r, -np.inf)  # (x, m, K)
        top = np.maximum.reduceat(z, offsets, axis=1)
        seg = c.edge_segment[lo:hi]
        with np.errstate(invalid="ignore"):
            total = np.add.reduceat(w * np.exp(z - top[:, seg, :]), offsets, axis=1)
        score[np.ix_(exp_rows, nodes)] += -r * (np.log(total) + top)
    return score, chosen, tied, weights


def _decide(c: Compiled, q: np.ndarray, w: np.ndarray, lo: int, nodes: np.ndarray, offsets: np.ndarray,
            deciding: np.ndarray, chosen: np.ndarray, tied: np.ndarray, columns: np.ndarray) -> None:
    """Pick each deciding node's branch per column: weight 1 on it, 0 on its siblings."""
    m = q.shape[1]
    edge_deciding = deciding[c.edge_segment[lo:lo + m]]
    edges = np.flatnonzero(edge_deciding)  # local positions of the deciding nodes' branches
    at = np.flatnonzero(deciding)
    starts = np.searchsorted(edges, offsets[at])
    own = q[c.actor[c.parent[lo + edges]], edges, :]  # (u, K): the decider's value of each branch
    best = np.maximum.reduceat(own, starts, axis=0)
    owner = np.repeat(np.arange(len(at)), np.diff(np.append(starts, len(edges))))
    candidate = own >= tie_threshold(best)[owner]
    first = np.minimum.reduceat(np.where(candidate, np.arange(len(edges))[:, None], len(edges)), starts, axis=0)
    count = np.add.reduceat(candidate.astype(np.int64), starts, axis=0)
    w[edges] = 0.0
    picked = edges[first]  # (t, K) local edge positions
    w[picked, columns[None, :]] = 1.0
    chosen[nodes[at]] = lo + picked
    tied[nodes[at]] = count > 1

"""Cost-effectiveness analysis: an actor's strategies by expected cost and effect.

For an actor with a cost measure and an effect measure (``criterion: {net_benefit: {...}}``
names them, or ``cost=``/``effect=`` do), every pure strategy of the actor (one option at
each of its decisions that the strategy can reach; for a single decision, its options) is
played with the other actors as in belief mode (their beliefs), or, ``strategic=True``,
with the other actors solving by backward induction in response.  Then the textbook steps
(Drummond et al., *Methods for the Economic Evaluation of Health Care Programmes*, ch. 4;
any health-economics text):

1. **Dominance**: a strategy that costs at least as much as another and yields no more
   effect (one of the two strictly) is dominated; a strategy equal in both to one listed
   before it is marked ``same``.
2. **Extended dominance**: the others, sorted by cost, form increasing ICERs; a strategy
   whose ICER (against the previous one) is above the next one's is extendedly dominated
   (a mix of its neighbours does better) and removed, until the ICERs increase.
3. The rest is the **efficient frontier**, with the incremental cost-effectiveness ratio
   ``(C_k - C_{k-1}) / (E_k - E_{k-1})`` of each step.  Net benefit ``lambda * E - C`` is
   highest for frontier strategy ``k`` when ``lambda`` lies between its ICER and the next
   one's: those are the **lambda intervals**.
4. With draws (``draws=N``: the parameters' and nodes' distributions, sampled by
   :mod:`scenarios.analysis.sampling` as the PSA does), the **cost-effectiveness
   acceptability curve**: for each lambda on a grid, the share of draws in which each
   strategy has the highest net benefit.  Every strategy is evaluated on all the draws at
   once by the batch engine (:mod:`scenarios.engine.batch`): one pass per strategy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..engine.batch import bind_batch, expected_payoffs_batch, forward_batch, prepare, solve_batch
from ..engine.bind import parameter_values
from ..engine.risk import refuse_risk
from ..engine.strategic import tie_threshold
from ..errors import AnalysisError, UnknownNameError, did_you_mean
from ..model import Scenario
from .sampling import Draws, sample

__all__ = ["MAX_STRATEGIES", "LAMBDA_STEPS", "Strategy", "CEAResult", "cea", "frontier", "lambda_intervals",
           "acceptability"]

#: At most this many strategies are enumerated unless ``limit`` says otherwise.
MAX_STRATEGIES = 256
#: At most this many (draw, strategy) evaluations for the acceptability curve.
MAX_COLUMNS = 10**7
#: Points on the lambda grid of the acceptability curve.
LAMBDA_STEPS = 101


@dataclass(frozen=True)
class Strategy:
    """One strategy: its choices (decision id -> child id), expected cost and effect, and its
    place: ``frontier``, ``dominated``, ``extended`` (extendedly dominated) or ``same``."""

    label: str
    choices: Mapping[str, str]
    cost: float
    effect: float
    status: str = "frontier"
    by: tuple[str, ...] = ()  # the strategies that dominate it (for dominated, extended, same)
    icer: float | None = None  # frontier only, against the previous frontier strategy

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "choices": dict(self.choices), "cost": self.cost, "effect": self.effect,
                "status": self.status, "by": list(self.by), "icer": self.icer}


@dataclass(frozen=True, eq=False)
class CEAResult:
    scenario: Scenario = field(repr=False)
    actor: str
    cost: str  # measure names
    effect: str
    mode: str  # "belief" or "strategic"
    wtp: float  # the lambda of net_benefit and best
    strategies: tuple[Strategy, ...]
    frontier: tuple[int, ...]  # positions in strategies, cheapest first
    intervals: tuple[tuple[float, float, int], ...]  # (lambda from, lambda to, strategy)
    net_benefit: tuple[float, ...]
    best: int
    lambdas: np.ndarray | None = field(default=None, repr=False)  # CEAC grid
    acceptability: np.ndarray | None = field(default=None, repr=False)  # (lambdas, strategies)
    draws: int = 0
    invalid: int = 0

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "scenario": self.scenario.id, "actor": self.actor, "cost": self.cost, "effect": self.effect,
            "mode": self.mode, "lambda": self.wtp,
            "strategies": [dict(s.to_dict(), net_benefit=nb) for s, nb in zip(self.strategies, self.net_benefit,
                                                                               strict=True)],
            "frontier": [self.strategies[i].label for i in self.frontier],
            "lambda_intervals": [{"from": lo, "to": None if hi == np.inf else hi, "best": self.strategies[i].label}
                                 for lo, hi, i in self.intervals],
            "best": self.strategies[self.best].label,
        }
        if self.lambdas is not None and self.acceptability is not None:
            data["acceptability"] = {
                "draws": self.draws, "invalid": self.invalid, "lambda": self.lambdas.tolist(),
                "probability": {s.label: self.acceptability[:, j].tolist() for j, s in enumerate(self.strategies)}}
        return data


def cea(scenario: Scenario, actor: str, *, wtp: float | None = None, strategic: bool = False,
        overrides: Mapping[str, Any] | None = None, cost: str | None = None, effect: str | None = None,
        limit: int = MAX_STRATEGIES, draws: int = 0, seed: Any = 0, lambda_max: float | None = None
        ) -> CEAResult:
    """Cost-effectiveness of ``actor``'s strategies (see the module docstring).

    Raises
    ------
    UnknownNameError
        for an unknown actor or measure.
    AnalysisError
        when the actor has no cost and effect, no decision, or more than ``limit`` strategies.

    Examples
    --------
    >>> import scenarios
    >>> from scenarios.analysis.cea import cea
    >>> r = cea(scenarios.load("docs/examples/screening-cea.yaml"), "health")  # doctest: +SKIP
    """
    refuse_risk(scenario, "cost-effectiveness analysis (cea)")  # its batch solve is risk neutral
    cost, effect, criterion_wtp = _measures(scenario, actor, cost, effect)
    compiled = scenario.compiled
    mine = [i for i in compiled.strategic_node.tolist() if compiled.actor_keys[_owner(compiled, i)] == actor]
    if not mine:
        raise AnalysisError(f"cea: actor {actor!r} has no decision to choose a strategy at")
    strategies = _strategies(compiled, mine, limit)
    problem = prepare(scenario, overrides)
    base = problem.base
    assert base is not None
    if wtp is None:
        wtp = criterion_wtp.evaluate(dict(base.parameters)) if criterion_wtp is not None else 0.0
    columns = (compiled.actors.index(f"{actor}.{cost}"), compiled.actors.index(f"{actor}.{effect}"))
    base_draws = Draws(1, parameter_values(scenario.parameters, problem.pinned))
    values = _evaluate(problem, base_draws, compiled, mine, strategies, columns, strategic)[:, :, 0]
    labels = [_label(scenario, compiled, choice) for choice in strategies]
    places, front = frontier(values[:, 0], values[:, 1], labels)
    rows = [Strategy(labels[j], {compiled.ids[d]: compiled.ids[compiled.child[e]] for d, e in choice.items()},
                     float(values[j, 0]), float(values[j, 1]), status, by, icer)
            for j, (choice, (status, by, icer)) in enumerate(zip(strategies, places, strict=True))]
    with np.errstate(over="ignore", invalid="ignore"):
        nb = wtp * values[:, 1] - values[:, 0]
        largest = float(lambda_max or 0.0) * float(np.abs(values[:, 1]).max(initial=0.0))
    if not np.all(np.isfinite(nb)) or not np.isfinite(largest):  # past float range: no honest answer
        raise AnalysisError(f"cea: the net benefit is not a finite number at lambda = {float(wtp):g}"
                            + (f" or --lambda-max {float(lambda_max):g}" if lambda_max else "")
                            + "; use a smaller willingness to pay")
    best = int(np.flatnonzero(nb >= tie_threshold(nb.max()))[0])
    intervals = lambda_intervals(values[:, 0], values[:, 1], front)
    result = CEAResult(scenario=scenario, actor=actor, cost=cost, effect=effect,
                       mode="strategic" if strategic else "belief", wtp=float(wtp), strategies=tuple(rows),
                       frontier=tuple(front), intervals=intervals, net_benefit=tuple(map(float, nb)), best=best)
    if not draws:
        return result
    if draws * len(strategies) > MAX_COLUMNS:
        raise AnalysisError(f"cea: {draws} draws of {len(strategies)} strategies is more than "
                            f"{MAX_COLUMNS:,} evaluations (the limit); use fewer draws")
    sampled = sample(scenario, draws, seed=seed, overrides=overrides)
    drawn = _evaluate(problem, sampled, compiled, mine, strategies, columns, strategic, valid=True)
    ok = ~np.isnan(drawn[0, 0])
    if not ok.any():
        raise AnalysisError("cea: every draw made the probabilities invalid")
    top = max((hi if hi != np.inf else lo) for lo, hi, _ in intervals)
    lambda_max = lambda_max or _round_up(max(2.0 * top, 2.0 * float(wtp), 1.0))
    grid = np.linspace(0.0, lambda_max, LAMBDA_STEPS)
    return replace(result, lambdas=grid, acceptability=acceptability(drawn[:, 0, ok], drawn[:, 1, ok], grid),
                   draws=int(draws), invalid=int((~ok).sum()))


def _round_up(x: float) -> float:
    """``x`` rounded up to 1, 2 or 5 times a power of ten (a chart's axis end)."""
    power = 10.0 ** np.floor(np.log10(x))
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= x * (1 - 1e-9)))


def _owner(compiled, node: int) -> int:
    """The position among the actors of the actor deciding at ``node``."""
    column = int(compiled.actor[node])
    if compiled.actor_columns is None:
        return column
    return int(np.flatnonzero(compiled.actor_columns == column)[0])


def _measures(scenario: Scenario, actor: str, cost: str | None, effect: str | None):
    if actor not in scenario.actors:
        raise UnknownNameError(f"cea: unknown actor {actor!r}{did_you_mean(actor, scenario.actors)}")
    spec = scenario.actors[actor]
    criterion = spec.criterion
    if not spec.measures:
        raise AnalysisError(f"cea: actor {actor!r} has one payoff; cost-effectiveness needs 'measures' "
                            "(a cost and an effect) on the actor")
    net = criterion is not None and criterion.kind == "net_benefit"
    cost = cost or (criterion.cost if net and criterion is not None else None)
    effect = effect or (criterion.effect if net and criterion is not None else None)
    if cost is None or effect is None:
        raise AnalysisError(f"cea: actor {actor!r} has no net_benefit criterion: name the measures with "
                            f"--cost and --effect (its measures: {', '.join(spec.measures)})")
    for role, name in (("cost", cost), ("effect", effect)):
        if name not in spec.measures:
            raise UnknownNameError(f"cea: actor {actor!r} has no measure {name!r} for the {role}"
                                   f"{did_you_mean(name, spec.measures)} (its measures: {', '.join(spec.measures)})")
    if cost == effect:
        raise AnalysisError(f"cea: the cost and the effect are the same measure {cost!r}")
    return cost, effect, criterion.wtp if net and criterion is not None else None


def _strategies(compiled, decisions: list[int], limit: int) -> list[dict[int, int]]:
    """The actor's reduced pure strategies: one edge at each of its decisions that the choices
    already made leave reachable (decisions in topological order), depth first, iteratively."""
    found: list[dict[int, int]] = []
    stack: list[dict[int, int]] = [{}]
    while stack:
        partial = stack.pop()
        reached = _reachable(compiled, partial)
        open_ = [d for d in decisions if d in reached and d not in partial]
        if not open_:
            found.append(partial)
            if len(found) > limit:
                raise AnalysisError(f"cea: the actor has more than {limit} strategies (the limit); "
                                    "raise it with --limit")
            continue
        d = open_[0]
        lo, hi = int(compiled.edge_start[d]), int(compiled.edge_start[d + 1])
        stack.extend({**partial, d: e} for e in reversed(range(lo, hi)))
    return found


def _reachable(compiled, chosen: Mapping[int, int]) -> set[int]:
    seen = {compiled.root}
    todo = [compiled.root]
    while todo:
        i = todo.pop()
        edges = [chosen[i]] if i in chosen else range(int(compiled.edge_start[i]), int(compiled.edge_start[i + 1]))
        for e in edges:
            j = int(compiled.child[e])
            if j not in seen:
                seen.add(j)
                todo.append(j)
    return seen


def _label(scenario: Scenario, compiled, choice: Mapping[int, int]) -> str:
    parts = []
    for d, e in sorted(choice.items(), key=lambda item: int(compiled.listing[item[0]])):
        node = scenario.nodes[compiled.ids[d]]
        parts.append(node.branches[e - int(compiled.edge_start[d])].label)
    return " / ".join(parts)


def _evaluate(problem, draws: Draws, compiled, mine: list[int], strategies: list[dict[int, int]],
              columns: tuple[int, int], strategic: bool, *, valid: bool = False) -> np.ndarray:
    """``(strategies, 2, K)``: expected cost and effect of each strategy in every column; NaN
    in the columns whose draws are invalid (with ``valid``; otherwise they raise)."""
    bound = bind_batch(problem, draws, strict=None if valid else (lambda j: "the base case"))
    out = np.empty((len(strategies), 2, bound.n))
    decided = np.isin(compiled.parent, mine)
    for s, choice in enumerate(strategies):
        p = np.array(bound.p)
        p[decided] = 0.0
        p[list(choice.values())] = 1.0
        if strategic:
            solution = solve_batch(bound, p, keep=tuple(mine))
            total = solution.values[compiled.root]
        else:
            total = expected_payoffs_batch(bound, forward_batch(compiled, p), p)
        out[s] = total[list(columns)]
    if valid:
        out[:, :, ~bound.valid] = np.nan
    return out


def frontier(costs: Sequence[float] | np.ndarray, effects: Sequence[float] | np.ndarray,
             labels: Sequence[str]) -> tuple[list[tuple[str, tuple[str, ...], float | None]], list[int]]:
    """Per strategy ``(status, by, icer)`` and the frontier (positions, cheapest first).

    >>> rows, front = frontier([1000, 3000, 4000, 6000], [10, 10.5, 10.4, 11.5], "ABCD")
    >>> [r[0] for r in rows], front
    (['frontier', 'extended', 'dominated', 'frontier'], [0, 3])
    >>> round(rows[3][2], 2)  # (6000 - 1000) / (11.5 - 10)
    3333.33
    """
    c, e = np.asarray(costs, dtype=float), np.asarray(effects, dtype=float)
    n = len(c)
    rows: list[tuple[str, tuple[str, ...], float | None]] = [("frontier", (), None)] * n
    for i in range(n):
        same = [j for j in range(i) if c[j] == c[i] and e[j] == e[i]]
        better = [j for j in range(n) if c[j] <= c[i] and e[j] >= e[i] and (c[j] < c[i] or e[j] > e[i])]
        if better:
            rows[i] = ("dominated", tuple(labels[j] for j in better), None)
        elif same:
            rows[i] = ("same", (labels[same[0]],), None)
    front = sorted((i for i in range(n) if rows[i][0] == "frontier"), key=lambda i: (c[i], -e[i], i))
    changed = True
    while changed:  # remove the first strategy whose ICER is above the next one's, until none is
        changed = False
        for k in range(1, len(front) - 1):
            a, b, d = front[k - 1], front[k], front[k + 1]
            if (c[b] - c[a]) * (e[d] - e[b]) > (c[d] - c[b]) * (e[b] - e[a]):  # ICER(b) > ICER(d), no division
                rows[b] = ("extended", (labels[a], labels[d]), None)
                del front[k]
                changed = True
                break
    for k in range(1, len(front)):
        a, b = front[k - 1], front[k]
        rows[b] = ("frontier", (), float((c[b] - c[a]) / (e[b] - e[a])))
    return rows, front


def lambda_intervals(costs: np.ndarray, effects: np.ndarray, front: Sequence[int]
                     ) -> tuple[tuple[float, float, int], ...]:
    """``(from, to, strategy)``: for lambda >= 0, which frontier strategy has the highest net
    benefit ``lambda * effect - cost`` (the boundaries are the frontier's ICERs)."""
    bounds = [0.0] + [float((costs[b] - costs[a]) / (effects[b] - effects[a]))
                      for a, b in zip(front, front[1:], strict=False)] + [float(np.inf)]
    return tuple((bounds[k], bounds[k + 1], i) for k, i in enumerate(front))


def acceptability(costs: np.ndarray, effects: np.ndarray, lambdas: np.ndarray) -> np.ndarray:
    """``(lambdas, strategies)``: the share of draws (columns of ``costs`` and ``effects``,
    ``(strategies, draws)``) in which each strategy has the highest net benefit; each row
    sums to 1 (a tie goes to the first listed, as the solver's)."""
    out = np.zeros((len(lambdas), costs.shape[0]))
    n = costs.shape[1]
    for start in range(0, len(lambdas), 16):  # bounded memory: 16 lambdas at a time
        grid = lambdas[start:start + 16]
        nb = grid[:, None, None] * effects[None] - costs[None]  # (l, strategies, draws)
        best = np.argmax(nb >= tie_threshold(nb.max(axis=1, keepdims=True)), axis=1)  # (l, draws)
        counts = np.zeros((len(grid), costs.shape[0]))
        np.add.at(counts, (np.repeat(np.arange(len(grid)), n), best.ravel()), 1.0)
        out[start:start + 16] = counts / n
    return out

"""Probabilistic sensitivity analysis (PSA): how much do the conclusions depend on the numbers?

K parameter sets are drawn from the parameters' ``dist`` (and Dirichlet nodes), each is
evaluated exactly, in belief mode and strategically, and the spread is summarised: for
every outcome and tag the mean probability with its standard error and the 5 / 50 / 95 %
quantiles, the same for each actor's expected payoff (belief mode, and under the solved
choices), and **decision stability**: for each decision node, how often each option is
the strategic choice across the draws (with how often the node is on the solved path).

The draws are evaluated in chunks of :data:`CHUNK_SIZE`, all draws of a chunk at once
(:mod:`scenarios.engine.batch`); chunks can run on local processes or a Dask cluster
(:mod:`scenarios.analysis.parallel`) with results identical to a serial run.  Draws that
make probabilities invalid are counted per problem and reported; by default they are an
error, and with ``allow_invalid=True`` the summaries cover the valid draws only (and
say how many were left out).  Nothing is clipped into range.

Quantiles use numpy's default (linear interpolation between order statistics, type 7 of
Hyndman and Fan 1996).  The approach is the "second-order Monte Carlo" of the decision
analysis literature (Briggs, Claxton and Sculpher, *Decision Modelling for Health
Economic Evaluation*, 2006, ch. 4).

Examples
--------
>>> import scenarios
>>> s = scenarios.load("donbas-recognition-2022")
>>> r = psa(s, 2000, seed=1)
>>> r.n_valid, r.n_invalid
(2000, 0)
>>> war = r.tags["war"]
>>> bool(war.q05 < war.mean < war.q95)
True
>>> root = r.stability[0]
>>> root.node, sum(o.draws for o in root.options)
('putin_desk', 2000)
"""

from __future__ import annotations

import mmap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine.batch import (
    BatchProblem,
    bind_batch,
    expected_payoffs_batch,
    forward_batch,
    played_batch,
    prepare,
    solve_batch,
)
from ..engine.results import _clean
from ..engine.risk import refuse_risk
from ..errors import AnalysisError, ProbabilityError
from ..model import Scenario
from .parallel import Task, check_workers, plan, run
from .psa_collect import Collector
from .sampling import Draws, draw, seed_sequence

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = ["psa", "PSAResult", "Summary", "OptionShare", "DecisionStability", "CHUNK_SIZE",
           "QUANTILES"]

#: The most parameter draws one run evaluates (each keeps a column of outcomes).
MAX_DRAWS = 10**7


#: Draws per chunk: the unit of seeding and of parallel work (independent of the workers).
CHUNK_SIZE = 1024
#: The quantiles reported.
QUANTILES = (0.05, 0.5, 0.95)
#: Each chunk is evaluated in slices of draws whose (nodes x actors x draws) value array
#: stays near this size (but at least MIN_SLICE draws).  Small working arrays are reused by
#: the allocator; large ones go back to the system when freed and cost page faults when
#: allocated again, which on a 10^3-node scenario made the evaluation twice as slow.
MEMORY_BUDGET = 8 * 2**20
MIN_SLICE = 128


@dataclass(frozen=True)
class Summary:
    """One quantity across the valid draws: mean, its standard error, quantiles, base case."""

    base: float
    mean: float
    se: float
    q05: float
    q50: float
    q95: float

    def to_dict(self) -> dict:
        return {k: _number(getattr(self, k)) for k in ("base", "mean", "se", "q05", "q50", "q95")}


@dataclass(frozen=True)
class OptionShare:
    """How often one option of a decision was the strategic choice."""

    to: str
    label: str
    draws: int
    share: float

    def to_dict(self) -> dict:
        return {"to": self.to, "label": self.label, "draws": self.draws, "share": _number(self.share)}


@dataclass(frozen=True)
class DecisionStability:
    """For one decision node: the share of valid draws in which each option is chosen.

    ``base_choice`` is the choice at the base case; ``ties`` counts draws in which the
    choice was a tie broken for the first listed branch; ``on_path`` is the share of draws
    in which the solved play reaches the node.
    """

    node: str
    label: str
    actor: str
    base_choice: str
    options: tuple[OptionShare, ...]
    ties: int
    on_path: float

    @property
    def modal(self) -> OptionShare:
        """The option chosen most often (the first listed among equals)."""
        return max(self.options, key=lambda o: o.draws)

    @property
    def base_share(self) -> float:
        """Share of draws that agree with the base-case choice."""
        return next(o.share for o in self.options if o.to == self.base_choice)

    def to_dict(self) -> dict:
        return {"node": self.node, "label": self.label, "actor": self.actor,
                "base_choice": self.base_choice, "base_share": _number(self.base_share),
                "ties": self.ties, "on_path": _number(self.on_path),
                "options": [o.to_dict() for o in self.options]}


def _number(x: float) -> float | None:
    return None if x is None or not np.isfinite(x) else _clean(float(x))


@dataclass(frozen=True, eq=False)
class _Plan:
    """Everything a chunk needs; picklable, sent once to each worker."""

    problem: BatchProblem
    outcomes: np.ndarray  # node indices of the outcomes, in listing order
    tag_matrix: np.ndarray  # (T, O): 1 where the outcome carries the tag
    decisions: np.ndarray  # node indices of the non-fixed decisions, in listing order
    # The run's result arrays in memory shared with forked worker processes (see
    # Collector), which then write their columns in place instead of sending them back.
    sink: dict | None = None


@dataclass(frozen=True, eq=False)
class _Chunk:
    """One chunk's results: arrays over all its draws (NaN where a draw is invalid), and
    counts over its valid draws."""

    valid: np.ndarray  # (n,)
    # None where a forked worker wrote the block into shared memory instead.
    parameters: np.ndarray | None  # (P, n)
    outcomes: np.ndarray | None  # (O, n)
    tags: np.ndarray | None  # (T, n)
    belief: np.ndarray | None  # (A, n)
    solved: np.ndarray | None  # (A, n)
    choice_counts: np.ndarray  # (E,) how often each edge was a decision's strategic choice
    ties: np.ndarray  # (D,)
    on_path: np.ndarray  # (D,)
    problems: dict[str, int]


def _run_chunk(plan_: _Plan, task: Task) -> _Chunk:
    """Draw and evaluate one chunk (module level, so worker processes can run it)."""
    problem = plan_.problem
    draws = draw(problem.parameters, problem.node_dists, task.size, seed=task.seed,
                 pinned=problem.pinned)
    c = problem.compiled
    width = max(MIN_SLICE, MEMORY_BUDGET // (8 * max(1, c.n_nodes * max(1, len(c.actors)))))
    parts = [_evaluate(plan_, _slice(draws, lo, min(lo + width, draws.n)))
             for lo in range(0, draws.n, width)]
    chunk = parts[0] if len(parts) == 1 else _merge(parts)
    problems = dict(draws.problems)  # the draws' own problems (derived parameters), counted once
    for key, count in chunk.problems.items():
        problems[key] = problems.get(key, 0) + count
    parameters = np.array([draws.parameters[name] for name in problem.parameters]).reshape(
        len(problem.parameters), draws.n)
    blocks: dict[str, np.ndarray | None] = {"parameters": parameters, "outcomes": chunk.outcomes, "tags": chunk.tags,
              "belief": chunk.belief, "solved": chunk.solved}
    if plan_.sink is not None and _in_shared_memory(plan_.sink):
        start = task.index * plan_.sink["chunk_size"]
        at = slice(start, start + task.size)
        for name, block in blocks.items():
            plan_.sink[name][:, at] = block
        blocks = dict.fromkeys(blocks)  # written in place: nothing to send back
    return _Chunk(chunk.valid, blocks["parameters"], blocks["outcomes"], blocks["tags"],
                  blocks["belief"], blocks["solved"], chunk.choice_counts, chunk.ties, chunk.on_path,
                  problems)


def _in_shared_memory(sink: dict) -> bool:
    """True in a process forked after the sink was made: its arrays are still the shared
    mapping (a pickled copy, as sent to spawned processes or Dask, is not)."""
    def shared(array: np.ndarray) -> bool:
        owner: object = array
        while isinstance(owner, np.ndarray):
            owner = owner.base
        if isinstance(owner, memoryview):  # np.frombuffer keeps a memoryview of the mapping
            owner = owner.obj
        return isinstance(owner, mmap.mmap)

    return all(shared(a) for name, a in sink.items() if name != "chunk_size" and a.size)


def _slice(draws: Draws, lo: int, hi: int) -> Draws:
    """Draws ``lo:hi`` (their ``failed`` marks kept, their problem counts left to the caller)."""
    return Draws(hi - lo, {k: v[lo:hi] if isinstance(v, np.ndarray) else v for k, v in draws.parameters.items()},
                 {k: v[lo:hi] for k, v in draws.branches.items()},
                 draws.failed[lo:hi] if draws.failed is not None else None,
                 {}, draws.sampled)


def _evaluate(plan_: _Plan, draws: Draws) -> _Chunk:
    bound = bind_batch(plan_.problem, draws)
    c = bound.compiled
    valid = bound.valid
    reach = forward_batch(c, bound.p)
    belief = expected_payoffs_batch(bound, reach)
    solution = solve_batch(bound)
    played = forward_batch(c, played_batch(c, bound.p, solution.chosen_edge))
    every = bool(valid.all())
    rows = slice(None) if every else valid  # skip copying columns when every draw is valid
    outcomes = reach[plan_.outcomes]
    tags = np.einsum("to,ok->tk", plan_.tag_matrix, outcomes)  # not @: see batch._weighted
    solved = solution.values[c.root]
    if not every:  # the passes ran on base-case stand-ins for invalid draws: blank them
        for block in (outcomes, tags, belief, solved):
            block[:, ~valid] = np.nan
    chosen = solution.chosen_edge[plan_.decisions][:, rows]
    counts = np.bincount(chosen.ravel(), minlength=c.n_edges) if chosen.size else np.zeros(c.n_edges, int)
    return _Chunk(valid, np.zeros((0, draws.n)), outcomes, tags, belief, solved, counts,
                  solution.tied[plan_.decisions][:, rows].sum(axis=1),
                  (played[plan_.decisions][:, rows] > 0).sum(axis=1), dict(bound.problems))


def _merge(parts: list[_Chunk]) -> _Chunk:
    """Concatenate slices of a chunk in order (arrays along the draws); add up their counts."""
    problems: dict[str, int] = {}
    for part in parts:
        for key, count in part.problems.items():
            problems[key] = problems.get(key, 0) + count

    def cat(name: str) -> np.ndarray:
        return np.concatenate([getattr(part, name) for part in parts], axis=-1)

    def total(arrays: list[np.ndarray]) -> np.ndarray:  # sum(arrays), typed
        out = arrays[0].copy()
        for array in arrays[1:]:
            out = out + array
        return out

    return _Chunk(cat("valid"), cat("parameters"), cat("outcomes"), cat("tags"), cat("belief"),
                  cat("solved"), total([p.choice_counts for p in parts]), total([p.ties for p in parts]),
                  total([p.on_path for p in parts]), problems)


@dataclass(frozen=True, eq=False)
class PSAResult:
    """The draws of a probabilistic sensitivity analysis and their summaries.

    Arrays hold one column per valid draw (``parameter_draws`` one per draw, valid or
    not, with ``valid`` marking which).  Summaries are computed on first use.
    ``seed`` reproduces the run (None when a Generator or SeedSequence was passed).
    """

    scenario_id: str
    title: str
    n: int
    seed: int | None
    chunk_size: int
    overrides: Mapping[str, object]
    uncertain: Mapping[str, Mapping]  # {"parameters": {name: {kind: args}}, "nodes": {id: {...}}}
    problems: Mapping[str, int]  # problem -> number of draws it affects
    valid: np.ndarray = field(repr=False)
    parameter_names: tuple[str, ...] = field(repr=False)
    parameter_draws: np.ndarray = field(repr=False)
    outcome_ids: tuple[str, ...] = field(repr=False)
    outcome_labels: tuple[str, ...] = field(repr=False)
    outcome_tags: tuple[tuple[str, ...], ...] = field(repr=False)
    outcome_draws: np.ndarray = field(repr=False)
    tag_names: tuple[str, ...] = field(repr=False)
    tag_draws: np.ndarray = field(repr=False)
    actors: tuple[str, ...] = field(repr=False)
    belief_draws: np.ndarray = field(repr=False)
    solved_draws: np.ndarray = field(repr=False)
    base: Mapping[str, np.ndarray] = field(repr=False)  # base-case values per block
    stability: tuple[DecisionStability, ...] = field(repr=False)

    @property
    def n_valid(self) -> int:
        return int(self.valid.sum())

    @property
    def n_invalid(self) -> int:
        return self.n - self.n_valid

    @cached_property
    def outcomes(self) -> dict[str, Summary]:
        """Outcome id → summary of its probability, most probable (by mean) first."""
        rows = _summaries(self.outcome_draws, self.base["outcomes"])
        order = sorted(range(len(rows)), key=lambda i: (-_sort_key(rows[i].mean), i))
        return {self.outcome_ids[i]: rows[i] for i in order}

    @cached_property
    def tags(self) -> dict[str, Summary]:
        """Tag → summary of the probability of ending in an outcome with it (tags by name)."""
        return dict(zip(self.tag_names, _summaries(self.tag_draws, self.base["tags"]), strict=False))

    @cached_property
    def expected_payoffs(self) -> dict[str, Summary]:
        """Actor → summary of the expected payoff in belief mode."""
        return dict(zip(self.actors, _summaries(self.belief_draws, self.base["belief"]), strict=False))

    @cached_property
    def solved_payoffs(self) -> dict[str, Summary]:
        """Actor → summary of the expected payoff when the solved (strategic) choices are played."""
        return dict(zip(self.actors, _summaries(self.solved_draws, self.base["solved"]), strict=False))

    def to_dict(self) -> dict:
        """The ``scenarios simulate --uncertainty --json`` document."""
        labels = dict(zip(self.outcome_ids, self.outcome_labels, strict=False))
        tags = dict(zip(self.outcome_ids, self.outcome_tags, strict=False))
        return {
            "scenario": self.scenario_id,
            "title": self.title,
            "mode": "psa",
            "n": self.n,
            "seed": self.seed,
            "chunk_size": self.chunk_size,
            "overrides": dict(self.overrides),
            "uncertain": {k: dict(v) for k, v in self.uncertain.items()},
            "valid": self.n_valid,
            "invalid": {"draws": self.n_invalid,
                        "problems": [{"problem": k, "draws": v} for k, v in self.problems.items()]},
            "quantiles": list(QUANTILES),
            "outcomes": [{"id": k, "label": labels[k], "tags": list(tags[k]), **s.to_dict()}
                         for k, s in self.outcomes.items()],
            "tags": {k: s.to_dict() for k, s in self.tags.items()},
            "expected_payoffs": {k: s.to_dict() for k, s in self.expected_payoffs.items()},
            "solved_payoffs": {k: s.to_dict() for k, s in self.solved_payoffs.items()},
            "decision_stability": [d.to_dict() for d in self.stability],
        }

    def to_frame(self) -> pandas.DataFrame:
        """Summaries as a table: one row per (kind, item) with base, mean, se, q05, q50, q95.

        Raises ImportError if pandas is not installed.
        """
        import pandas as pd

        rows = []
        for kind, block in (("outcome", self.outcomes), ("tag", self.tags),
                            ("payoff", self.expected_payoffs), ("solved", self.solved_payoffs)):
            for item, s in block.items():
                rows.append({"kind": kind, "item": item, **{k: getattr(s, k) for k in
                                                            ("base", "mean", "se", "q05", "q50", "q95")}})
        return pd.DataFrame(rows).set_index(["kind", "item"])

    def draws_frame(self) -> pandas.DataFrame:
        """One row per draw: parameters, ``valid``, and (valid draws) outcome and tag
        probabilities and payoffs, as columns ``param:NAME``, ``outcome:ID``, ``tag:TAG``,
        ``payoff:ACTOR`` and ``solved:ACTOR``.  Raises ImportError without pandas."""
        import pandas as pd

        columns: dict[str, np.ndarray] = {f"param:{name}": self.parameter_draws[i]
                                          for i, name in enumerate(self.parameter_names)}
        columns["valid"] = self.valid
        for prefix, names, values in (("outcome", self.outcome_ids, self.outcome_draws),
                                      ("tag", self.tag_names, self.tag_draws),
                                      ("payoff", self.actors, self.belief_draws),
                                      ("solved", self.actors, self.solved_draws)):
            for i, name in enumerate(names):
                full = np.full(self.n, np.nan)
                full[self.valid] = values[i]
                columns[f"{prefix}:{name}"] = full
        return pd.DataFrame(columns)

    def stability_frame(self) -> pandas.DataFrame:
        """Decision stability as a table: one row per (decision, option)."""
        import pandas as pd

        rows = [{"node": d.node, "actor": d.actor, "option": o.to, "label": o.label, "draws": o.draws,
                 "share": o.share, "base_choice": o.to == d.base_choice}
                for d in self.stability for o in d.options]
        return pd.DataFrame(rows).set_index(["node", "option"])


def _sort_key(x: float) -> float:
    return x if np.isfinite(x) else -np.inf


def _summaries(values: np.ndarray, base: np.ndarray) -> list[Summary]:
    """Mean, standard error and quantiles of each row of ``values`` (columns are draws)."""
    m, n = values.shape
    if n == 0:
        nan = np.full(m, np.nan)
        mean = se = nan
        q = np.full((3, m), np.nan)
    else:
        mean = values.mean(axis=1)
        se = values.std(axis=1, ddof=1) / np.sqrt(n) if n > 1 else np.full(m, np.nan)
        q = np.quantile(values, QUANTILES, axis=1)
    return [Summary(float(base[i]), float(mean[i]), float(se[i]), float(q[0, i]), float(q[1, i]),
                    float(q[2, i])) for i in range(m)]


def psa(scenario: Scenario, n: int = 1000, *, seed: Any = None,
        overrides: Mapping[str, Any] | None = None, workers: int | None = None, dask: Any = None,
        allow_invalid: bool = False, progress: Callable[[int], None] | None = None,
        chunk_size: int = CHUNK_SIZE) -> PSAResult:
    """Probabilistic sensitivity analysis of ``scenario`` with ``n`` draws.

    Parameters
    ----------
    n : int
        Number of parameter sets to draw (>= 1).
    seed : int, numpy Generator, SeedSequence or None
        Same seed, same result (whatever ``workers`` or ``dask``).
    overrides : mapping, optional
        ``--set`` values: a parameter named here is pinned (not drawn); ``NODE.CHILD``
        pins a branch probability in every draw, the node's other branches rescaled.
    workers : int, optional
        Local processes to run chunks on.
    dask : str or distributed.Client, optional
        Dask scheduler address (or client) to run chunks on.
    allow_invalid : bool
        Summarise the valid draws when some draws make probabilities invalid, instead
        of raising.  The count and the problems are in the result either way.
    progress : callable, optional
        Called with the number of draws in each finished chunk.
    chunk_size : int
        Draws per chunk (part of what a seed means: keep the default to reproduce runs).

    Returns
    -------
    PSAResult

    Raises
    ------
    ProbabilityError
        if draws make probabilities invalid (unless ``allow_invalid``), or every draw does.
    UnknownNameError, ExpressionError
        for bad ``overrides``.
    ValueError
        for ``n`` < 1 or ``workers`` < 1.

    Examples
    --------
    >>> import scenarios
    >>> s = scenarios.loads('''
    ... title: One uncertain branch
    ... parameters:
    ...   p_win: {value: 0.3, dist: {beta: [3, 7]}}
    ... nodes:
    ...   bet: {kind: chance, branches: [{to: win, p: p_win}, {to: lose, p: rest}]}
    ...   win: {kind: outcome}
    ...   lose: {kind: outcome}
    ... ''')
    >>> r = psa(s, 4000, seed=2)
    >>> round(r.outcomes["win"].mean, 2)   # Beta(3, 7) has mean 0.3
    0.3
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"the number of draws must be a whole number >= 1, not {n!r}")
    if n > MAX_DRAWS:  # refused before any work: 10^12 draws used to end in a MemoryError
        raise AnalysisError(f"{n:,} draws: at most {MAX_DRAWS:,} parameter draws in one run (every draw's "
                            "outcomes are kept for the quantiles)")
    check_workers(workers)
    root = seed_sequence(seed)
    reproducible = not root.spawn_key and root.n_children_spawned == 0 and isinstance(root.entropy, int)
    # its batch solve is risk neutral (docs/risk-attitudes.md)
    refuse_risk(scenario, "probabilistic sensitivity analysis (simulate --uncertainty)")
    problem = prepare(scenario, overrides)
    c = problem.compiled
    outcome_nodes = list(scenario.outcomes)
    outcomes = np.array([c.index[i] for i in outcome_nodes], dtype=np.int64)
    tag_names = sorted({t for i in outcome_nodes for t in scenario.nodes[i].tags})
    tag_matrix = np.array([[float(t in scenario.nodes[i].tags) for i in outcome_nodes] for t in tag_names])
    tag_matrix = tag_matrix.reshape(len(tag_names), len(outcome_nodes))
    decisions = [node_id for node_id in scenario.decisions if not scenario.nodes[node_id].fixed]
    plan_ = _Plan(problem, outcomes, tag_matrix, np.array([c.index[d] for d in decisions], dtype=np.int64))

    tasks = plan(int(n), chunk_size, root)
    # Local worker processes write their results straight into shared memory when they are
    # forked from this one (the common case); otherwise results travel back pickled.
    local = dask is None and check_workers(workers) > 1 and len(tasks) > 1
    merged = Collector(plan_, int(n), chunk_size, shared=local)
    if local:
        plan_ = replace(plan_, sink=merged.sink)
    run(_run_chunk, plan_, tasks, workers=workers, dask=dask, progress=progress, collect=merged.add)
    merged.finish()

    n_invalid = int((~merged.valid).sum())
    if n_invalid and (not allow_invalid or n_invalid == n):
        raise ProbabilityError(_invalid_message(n, n_invalid, merged.problems, allow_invalid))

    base_belief = scenario.evaluate(overrides=overrides, top=0)
    base_solved = scenario.solve(overrides=overrides, top=0)
    base = {
        "outcomes": base_belief.reach_array[outcomes],
        "tags": np.array([base_belief.tags.get(t, 0.0) for t in tag_names]),
        "belief": np.array([base_belief.expected_payoffs[a] for a in c.actor_keys]),
        "solved": np.array([base_solved.expected_payoffs[a] for a in c.actor_keys]),
    }
    stability = _stability(scenario, decisions, merged, base_solved.choices, max(1, n - n_invalid))
    uncertain = {
        "parameters": {name: {p.dist.kind: list(p.dist.args)} for name, p in scenario.parameters.items()
                       if p.dist is not None and name not in problem.pinned},
        "nodes": {node_id: {dist.kind: list(dist.args)} for node_id, dist in problem.node_dists.items()},
    }
    return PSAResult(
        scenario_id=scenario.id, title=scenario.title, n=int(n),
        seed=int(root.entropy) if reproducible and isinstance(root.entropy, int) else None,
        chunk_size=chunk_size, overrides=dict(overrides or {}), uncertain=uncertain,
        problems=dict(sorted(merged.problems.items(), key=lambda kv: -kv[1])), valid=merged.valid,
        parameter_names=tuple(problem.parameters), parameter_draws=merged.parameters,
        outcome_ids=tuple(outcome_nodes),
        outcome_labels=tuple(scenario.nodes[i].label for i in outcome_nodes),
        outcome_tags=tuple(scenario.nodes[i].tags for i in outcome_nodes),
        outcome_draws=merged.outcomes, tag_names=tuple(tag_names), tag_draws=merged.tags,
        # By actor, as the results are: an actor with measures by its criterion's value.
        actors=c.actor_keys, belief_draws=c.by_actor(merged.belief.T).T, solved_draws=c.by_actor(merged.solved.T).T,
        base=base,
        stability=stability,
    )


def _stability(scenario: Scenario, decisions: list[str], merged: Collector, base_choices: Mapping[str, str],
               n_valid: int) -> tuple[DecisionStability, ...]:
    c = scenario.compiled
    rows = []
    for j, node_id in enumerate(decisions):
        node = scenario.nodes[node_id]
        i = c.index[node_id]
        edges = range(c.edge_start[i], c.edge_start[i + 1])
        options = tuple(OptionShare(b.to, b.label, int(merged.choice_counts[e]),
                                    int(merged.choice_counts[e]) / n_valid)
                        for b, e in zip(node.branches, edges, strict=False))
        assert node.actor is not None  # the loader gives every decision an actor
        actor = scenario.actors[node.actor].name if node.actor in scenario.actors else node.actor
        rows.append(DecisionStability(node_id, node.label, actor, base_choices[node_id], options,
                                      int(merged.ties[j]), int(merged.on_path[j]) / n_valid))
    return tuple(rows)


def _invalid_message(n: int, n_invalid: int, problems: Mapping[str, int], allowed: bool) -> str:
    lines = [f"probabilistic analysis: {n_invalid} of {n} draws make the scenario invalid "
             "(probabilities are never clipped into range):"]
    ranked = sorted(problems.items(), key=lambda kv: -kv[1])
    lines += [f"  {problem}: {count} draw{'s' if count != 1 else ''}" for problem, count in ranked[:10]]
    if len(ranked) > 10:
        lines.append(f"  ... and {len(ranked) - 10} more problems")
    hints = []
    if any("outside [0, 1]" in problem for problem in problems):
        hints.append("give probabilities distributions that stay within [0, 1] (beta, uniform, "
                     "triangular)")
    if any("do not sum to 1" in problem for problem in problems):
        hints.append("let one branch of each node named say 'rest', so its branches sum to 1 in "
                     "every draw")
    if allowed:
        lines.append("no draw is valid" + (": " + "; ".join(hints) if hints else ""))
    else:
        lines.append("; ".join(hints + ["or allow invalid draws (--allow-invalid) to summarise the "
                                        "valid ones only"]))
    return "\n".join(lines)

"""Monte Carlo path simulation: sample root-to-outcome paths and compare with the exact answer.

Every path starts at the root; at each node the next branch is drawn with the branch
probabilities (decisions by their belief weights, as in belief mode) until an outcome is
reached.  All paths advance together one level at a time: per level, one uniform number
per active path picks the branch by a single ``searchsorted`` over the cumulative branch
probabilities of all nodes (node ``v``'s branches occupy the interval ``[v, v + 1)``),
and paths that reach an outcome leave the active set.  The Python loop runs once per
level, never once per path.

The result gives, for every outcome and tag, the sampled frequency with its standard
error next to the exact probability, and each actor's sampled mean payoff (node and
branch payoffs along the path plus the outcome's) with its standard error next to the
exact expectation; with ``paths=True``, the sampled paths in the order drawn.  Runs are
cut into chunks of :data:`CHUNK_SIZE` paths, seeded by ``SeedSequence.spawn``, so the
same seed gives the same paths serially, on ``workers`` processes or on Dask.

Examples
--------
>>> import scenarios
>>> s = scenarios.load("entry-deterrence")
>>> r = simulate(s, 20000, seed=1)
>>> row = r.outcomes["war"]
>>> row.exact
0.15
>>> abs(row.frequency - row.exact) < 4 * row.se
True
>>> simulate(s, 3, seed=7, paths=True).paths[0].nodes
('entry', 'response', 'share')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine.bind import bind
from ..engine.compiled import OUTCOME
from ..engine.results import _clean, _clean_map
from ..errors import AnalysisError
from ..model import Scenario
from .parallel import Task, check_workers, plan, run
from .sampling import as_generator, seed_sequence

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = ["simulate", "SimulationResult", "Frequency", "Estimate", "SampledPath", "CHUNK_SIZE"]

#: The most paths one run samples, and the most it keeps with ``paths=True``.
MAX_PATHS = 10**9
MAX_RECORDED = 10**7


#: Paths per chunk: the unit of seeding and of parallel work.
CHUNK_SIZE = 1 << 17


@dataclass(frozen=True)
class Frequency:
    """How often paths ended in an outcome (or a tag): sampled frequency ± se, and the exact value.

    ``z`` is (frequency − exact) in standard errors of the exact binomial proportion
    (None when the exact value is 0 or 1, where the sample cannot deviate).
    """

    count: int
    frequency: float
    se: float
    exact: float
    z: float | None

    def to_dict(self) -> dict:
        return {"count": self.count, "frequency": _clean(self.frequency), "se": _clean(self.se),
                "exact": _clean(self.exact), "z": None if self.z is None else _clean(self.z)}


@dataclass(frozen=True)
class Estimate:
    """A sampled mean with its standard error and the exact value."""

    mean: float
    se: float
    exact: float

    def to_dict(self) -> dict:
        return {"mean": _clean(self.mean), "se": _clean(self.se), "exact": _clean(self.exact)}


@dataclass(frozen=True)
class SampledPath:
    """One sampled path: node ids from the root to the outcome, and the payoff accrued;
    ``branches`` the position of each branch taken among its node's branches (several
    branches of a node may lead to the same child)."""

    nodes: tuple[str, ...]
    payoffs: Mapping[str, float]
    branches: tuple[int, ...] = ()

    def to_dict(self) -> dict:
        return {"nodes": list(self.nodes), "branches": list(self.branches), "payoffs": _clean_map(self.payoffs)}


@dataclass(frozen=True, eq=False)
class _Plan:
    """What a chunk of paths needs; picklable, sent once to each worker."""

    root: int
    key: np.ndarray  # per edge: parent + cumulative probability within the parent (last = parent + 1)
    last_edge: np.ndarray  # per node: its last branch with positive probability
    child: np.ndarray
    is_outcome: np.ndarray
    prefix: np.ndarray | None  # trees: payoff accrued from the root to each node, (N, A)
    step: np.ndarray | None  # otherwise: payoff gained by taking each edge (edge + child), (A, E)
    root_payoff: np.ndarray
    record: bool
    branch: np.ndarray  # per edge, its position among its parent's branches (recorded with the path)


def _make_plan(bound, record: bool) -> _Plan:
    c = bound.compiled
    p = bound.p
    within = np.cumsum(p) if len(p) else p
    starts = c.edge_start[c.parent]
    before = np.concatenate(([0.0], within))[starts]
    cumulative = within - before  # cumulative probability within each parent's branches
    # Each node's last branch with positive probability (and any zero ones after it) ends
    # exactly at 1: no rounding gap at the end of the interval, and a branch with p = 0 is
    # never drawn (its key equals its predecessor's, and searchsorted takes the first).
    positive = np.where(p > 0.0, np.arange(len(p)), -1)
    last_positive = np.full(c.n_nodes, -1, dtype=np.int64)
    has = np.flatnonzero(c.edge_start[1:] > c.edge_start[:-1])
    if len(has):
        last_positive[has] = np.maximum.reduceat(positive, c.edge_start[has])
    cumulative[np.arange(len(p)) >= last_positive[c.parent]] = 1.0
    key = c.parent + cumulative
    tree = not len(c.child) or np.bincount(c.child, minlength=c.n_nodes).max() <= 1
    prefix = step = None
    if tree:
        prefix = bound.node_payoff.copy()
        for g in range(len(c.gen_nodes) - 1):
            es = slice(c.gen_edges[g], c.gen_edges[g + 1])
            prefix[c.child[es]] += prefix[c.parent[es]] + bound.edge_payoff[es]
    else:
        step = np.ascontiguousarray((bound.edge_payoff + bound.node_payoff[c.child]).T)
    return _Plan(c.root, key, last_positive, c.child, c.kind == OUTCOME, prefix, step,
                 bound.node_payoff[c.root].copy(), record, c.branch)


@dataclass(frozen=True, eq=False)
class _Chunk:
    n: int
    ends: np.ndarray  # (N,) paths ending at each node
    mean: np.ndarray  # (A,) mean total payoff
    m2: np.ndarray  # (A,) sum of squared deviations from the mean
    nodes: np.ndarray | None  # (levels + 1, n) node index per step, -1 after the end
    totals: np.ndarray | None  # (n, A)
    branches: np.ndarray | None = None  # as nodes: position of the branch into each (-1 at the root)


def _walk(plan_: _Plan, task: Task) -> _Chunk:
    """Sample one chunk of paths, all paths advancing one level per iteration."""
    rng = as_generator(task.seed)
    n = task.size
    end = np.full(n, plan_.root, dtype=np.int64)
    dag = plan_.prefix is None
    if dag:  # running totals of the active paths, one row per actor (1-D gathers are fastest)
        running = np.repeat(plan_.root_payoff[:, None], n, axis=1)
        totals = np.empty_like(running)
    levels = []
    active = np.arange(n)
    current = end.copy()
    if plan_.is_outcome[plan_.root]:
        active = active[:0]
    while len(active):
        u = rng.random(len(active))
        edge = np.searchsorted(plan_.key, current + u, side="right")
        np.minimum(edge, plan_.last_edge[current], out=edge)  # current + u may round up to current + 1
        nxt = plan_.child[edge]
        if dag:
            assert plan_.step is not None  # a plan has ``prefix`` (a tree) or ``step`` (a DAG)
            for a, row in enumerate(plan_.step):
                running[a] += row.take(edge)
        if plan_.record:
            levels.append((active, nxt, plan_.branch[edge]))
        done = plan_.is_outcome[nxt]
        end[active[done]] = nxt[done]
        keep = ~done
        if dag:
            totals[:, active[done]] = running[:, done]
            running = running[:, keep]
        active, current = active[keep], nxt[keep]
    if dag:
        totals = totals.T
        if plan_.is_outcome[plan_.root]:
            totals = np.tile(plan_.root_payoff, (n, 1))
    else:
        assert plan_.prefix is not None
        totals = plan_.prefix[end]
    mean = totals.mean(axis=0)
    m2 = ((totals - mean) ** 2).sum(axis=0)
    nodes = branches = None
    if plan_.record:
        nodes = np.full((len(levels) + 1, n), -1, dtype=np.int32)
        branches = np.full((len(levels) + 1, n), -1, dtype=np.int32)
        nodes[0] = plan_.root
        for level, (ids, reached, position) in enumerate(levels, start=1):
            nodes[level, ids] = reached
            branches[level, ids] = position
    return _Chunk(n, np.bincount(end, minlength=len(plan_.last_edge)), mean, m2, nodes,
                  totals if plan_.record else None, branches)


def _merge(chunks: list[_Chunk]) -> _Chunk:
    """Combine chunks in order; means and variances by Chan et al.'s pairwise update."""
    n, mean, m2 = chunks[0].n, chunks[0].mean.copy(), chunks[0].m2.copy()
    for chunk in chunks[1:]:
        total = n + chunk.n
        delta = chunk.mean - mean
        mean = mean + delta * (chunk.n / total)
        m2 = m2 + chunk.m2 + delta ** 2 * (n * chunk.n / total)
        n = total
    nodes = totals = branches = None
    if chunks[0].nodes is not None:  # then every chunk recorded its paths
        recorded = [(chunk.nodes, chunk.totals, chunk.n, chunk.branches) for chunk in chunks
                    if chunk.nodes is not None and chunk.totals is not None and chunk.branches is not None]
        depth = max(steps.shape[0] for steps, _, _, _ in recorded)
        nodes = np.full((depth, n), -1, dtype=np.int32)
        branches = np.full((depth, n), -1, dtype=np.int32)
        at = 0
        for steps, _, size, taken in recorded:
            nodes[:steps.shape[0], at:at + size] = steps
            branches[:steps.shape[0], at:at + size] = taken
            at += size
        totals = np.concatenate([paid for _, paid, _, _ in recorded])
    ends = chunks[0].ends.copy()
    for chunk in chunks[1:]:
        ends = ends + chunk.ends
    return _Chunk(n, ends, mean, m2, nodes, totals, branches)


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """Sampled paths summarised against the exact belief-mode evaluation.

    ``seed`` reproduces the run (None when a Generator or SeedSequence was passed).
    """

    scenario_id: str
    title: str
    n: int
    seed: int | None
    chunk_size: int
    overrides: Mapping[str, object]
    outcomes: Mapping[str, Frequency]  # most probable (exactly) first
    tags: Mapping[str, Frequency]
    expected_payoffs: Mapping[str, Estimate]
    labels: Mapping[str, str]
    outcome_tags: Mapping[str, tuple[str, ...]]
    path_nodes: np.ndarray | None = None  # (levels + 1, n) node index per step, -1 after the end
    path_branches: np.ndarray | None = None  # (levels + 1, n) position of the branch into each step
    path_payoffs: np.ndarray | None = None  # (n, A)
    node_ids: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()

    @cached_property
    def paths(self) -> tuple[SampledPath, ...] | None:
        """The sampled paths in the order drawn (None unless ``paths=True``)."""
        if self.path_nodes is None or self.path_payoffs is None:
            return None
        ids = self.node_ids
        columns = self.path_nodes.T.tolist()
        taken = self.path_branches.T.tolist() if self.path_branches is not None else [[]] * len(columns)
        payoffs = self.path_payoffs.tolist()
        out = []
        for column, pay, positions in zip(columns, payoffs, taken, strict=False):
            stop = column.index(-1) if -1 in column else len(column)
            out.append(SampledPath(tuple(ids[i] for i in column[:stop]), dict(zip(self.actors, pay, strict=False)),
                                   tuple(positions[1:stop])))
        return tuple(out)

    def to_dict(self) -> dict:
        """The ``scenarios simulate --json`` document."""
        data = {
            "scenario": self.scenario_id,
            "title": self.title,
            "mode": "monte-carlo",
            "n": self.n,
            "seed": self.seed,
            "chunk_size": self.chunk_size,
            "overrides": dict(self.overrides),
            "expected_payoffs": {k: v.to_dict() for k, v in self.expected_payoffs.items()},
            "outcomes": [{"id": k, "label": self.labels[k], "tags": list(self.outcome_tags[k]),
                          **v.to_dict()} for k, v in self.outcomes.items()],
            "tags": {k: v.to_dict() for k, v in self.tags.items()},
        }
        if self.paths is not None:
            data["paths"] = [path.to_dict() for path in self.paths]
        return data

    def to_frame(self) -> pandas.DataFrame:
        """Outcomes and tags as a table: count, frequency, se, exact, z.  Needs pandas."""
        import pandas as pd

        rows = [{"kind": kind, "item": item, **row.to_dict()}
                for kind, block in (("outcome", self.outcomes), ("tag", self.tags))
                for item, row in block.items()]
        return pd.DataFrame(rows).set_index(["kind", "item"])


def simulate(scenario: Scenario, n: int = 10_000, *, seed: Any = None,
             overrides: Mapping[str, Any] | None = None, paths: bool = False,
             workers: int | None = None, dask: Any = None,
             progress: Callable[[int], None] | None = None,
             chunk_size: int = CHUNK_SIZE) -> SimulationResult:
    """Sample ``n`` root-to-outcome paths of ``scenario`` in belief mode.

    Parameters
    ----------
    n : int
        Number of paths (>= 1).
    seed : int, numpy Generator, SeedSequence or None
        Same seed, same paths; the result records the seed to reproduce a run.
    overrides : mapping, optional
        ``--set`` values, as for :func:`scenarios.engine.belief.evaluate`.
    paths : bool
        Keep every sampled path (node ids and accrued payoff), in order.
    workers, dask, progress
        As for :func:`scenarios.analysis.parallel.run`.
    chunk_size : int
        Paths per chunk (part of what a seed means).

    Returns
    -------
    SimulationResult

    Raises
    ------
    UnknownNameError, ProbabilityError, ExpressionError
        for bad ``overrides``.
    ValueError
        for ``n`` < 1 or ``workers`` < 1.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"the number of paths must be a whole number >= 1, not {n!r}")
    if n > MAX_PATHS:  # refused before any work: 10^12 paths used to end in a MemoryError
        raise AnalysisError(f"-n {n}: at most {MAX_PATHS:,} paths in one run (minutes of work even on a small "
                            "tree); the standard error already falls below 1e-4 at 10^8")
    if paths and n > MAX_RECORDED:
        raise AnalysisError(f"-n {n} with --paths: at most {MAX_RECORDED:,} paths are kept in memory")
    check_workers(workers)
    root = seed_sequence(seed)
    reproducible = not root.spawn_key and root.n_children_spawned == 0 and isinstance(root.entropy, int)
    bound = bind(scenario, overrides)
    exact = scenario.evaluate(overrides=overrides, top=0)
    chunks = run(_walk, _make_plan(bound, paths), plan(int(n), chunk_size, root), workers=workers,
                 dask=dask, progress=progress)
    assert chunks is not None  # without ``collect``, run returns the results
    merged = _merge(chunks)

    c = bound.compiled
    order = exact.outcome_order  # most probable first, ties in listing order
    outcomes = {c.ids[i]: _frequency(int(merged.ends[i]), int(n), float(exact.reach_array[i]))
                for i in order}
    tag_counts: dict[str, int] = {}
    for i in order:
        for tag in scenario.nodes[c.ids[i]].tags:
            tag_counts[tag] = tag_counts.get(tag, 0) + int(merged.ends[i])
    tags = {tag: _frequency(tag_counts[tag], int(n), exact.tags[tag]) for tag in sorted(tag_counts)}
    se = np.sqrt(merged.m2 / (n - 1) / n) if n > 1 else np.full(len(c.actors), np.nan)
    mean, se = c.by_actor(merged.mean), c.by_actor(se)  # by actor, as the results are
    payoffs = {a: Estimate(float(mean[j]), float(se[j]), exact.expected_payoffs[a])
               for j, a in enumerate(c.actor_keys)}
    return SimulationResult(
        scenario_id=scenario.id, title=scenario.title, n=int(n),
        seed=int(root.entropy) if reproducible and isinstance(root.entropy, int) else None, chunk_size=chunk_size,
        overrides=dict(overrides or {}), outcomes=outcomes, tags=tags, expected_payoffs=payoffs,
        labels={c.ids[i]: scenario.nodes[c.ids[i]].label for i in order},
        outcome_tags={c.ids[i]: scenario.nodes[c.ids[i]].tags for i in order},
        path_nodes=merged.nodes, path_branches=merged.branches,
        path_payoffs=None if merged.totals is None else c.by_actor(merged.totals),
        node_ids=c.ids, actors=c.actor_keys,
    )


def _frequency(count: int, n: int, exact: float) -> Frequency:
    frequency = count / n
    se = float(np.sqrt(frequency * (1.0 - frequency) / n))
    spread = np.sqrt(exact * (1.0 - exact) / n)
    z = float((frequency - exact) / spread) if spread > 0 else None
    return Frequency(count, frequency, se, exact, z)

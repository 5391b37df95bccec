"""Draw parameter sets from the scenario's distributions, for probabilistic analysis.

Every parameter with a ``dist`` (beta, uniform, triangular, normal, lognormal, fixed) is
drawn; a node with ``dist: {dirichlet: [...]}`` has its branch probabilities drawn jointly.
Parameters defined from other parameters are then recomputed per draw from their
expressions, in dependency order, so a derived quantity moves with its inputs.

Randomness comes from one helper, :func:`seed_sequence`, which turns an int, a
:class:`numpy.random.Generator`, a :class:`numpy.random.SeedSequence` or ``None`` into a
SeedSequence.  Each uncertain quantity gets its own stream keyed by its name
(``parameter:NAME``, ``node:ID``), so draws are *common random numbers*: pinning one
parameter with ``--set``, or adding a parameter to a variant, leaves the draws of every
other quantity unchanged, and two variants analysed with the same seed differ only where
the scenarios differ.  The global ``numpy.random`` state is never touched.

Examples
--------
>>> import scenarios
>>> s = scenarios.load("donbas-recognition-2022")
>>> d = sample(s, 4, seed=1)
>>> d.parameters["p_recognize"].shape
(4,)
>>> bool(((0.25 <= d.parameters["p_recognize"]) & (d.parameters["p_recognize"] <= 0.65)).all())
True
>>> (sample(s, 4, seed=1).parameters["p_recognize"] == d.parameters["p_recognize"]).all()
np.True_
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import networkx as nx
import numpy as np

from ..engine.batch import evaluate_draws
from ..engine.bind import parameter_values
from ..errors import ExpressionError
from ..expressions import Value
from ..model import Distribution, Parameter, Scenario

__all__ = ["seed_sequence", "as_generator", "stream", "draw_distribution", "Draws", "draw",
           "sample", "uncertain_nodes", "DISTRIBUTION_KINDS"]

DISTRIBUTION_KINDS = ("beta", "uniform", "triangular", "normal", "lognormal", "fixed", "dirichlet")


def seed_sequence(seed: Any = None) -> np.random.SeedSequence:
    """The :class:`numpy.random.SeedSequence` behind ``seed``.

    An int (>= 0) seeds it directly; ``None`` takes fresh entropy from the system (its
    ``entropy`` reproduces the run); a SeedSequence is used as it is; a Generator
    spawns a child, so the caller's generator is advanced but never shared.

    Raises
    ------
    TypeError
        for any other type; ValueError for a negative int.

    Examples
    --------
    >>> seed_sequence(7).entropy
    7
    >>> seed_sequence(None).entropy > 0
    True
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        # A Generator's bit generator is seeded by a SeedSequence (the stubs say ISeedSequence).
        return cast(np.random.SeedSequence, seed.spawn(1)[0].bit_generator.seed_seq)
    if seed is None:
        return np.random.SeedSequence()
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, a numpy Generator, a SeedSequence or None, "
                        f"not {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, not {seed}")
    return np.random.SeedSequence(int(seed))


def as_generator(seed: Any = None) -> np.random.Generator:
    """A :class:`numpy.random.Generator` for ``seed`` (see :func:`seed_sequence`).

    >>> float(as_generator(3).random()) == float(as_generator(3).random())
    True
    """
    return np.random.default_rng(seed_sequence(seed))


def _label_key(label: str) -> int:
    # A stable 64-bit number per name (Python's hash() is salted per process).
    return int.from_bytes(hashlib.blake2b(label.encode("utf-8"), digest_size=8).digest(), "little")


def stream(seed: Any, label: str) -> np.random.Generator:
    """The generator of one named quantity under ``seed``: its own stream, stable across runs.

    >>> a = stream(1, "parameter:x").random()
    >>> b = stream(1, "parameter:y").random()
    >>> a == stream(1, "parameter:x").random(), a == b
    (True, False)
    """
    ss = seed_sequence(seed)
    child = np.random.SeedSequence(ss.entropy, spawn_key=tuple(ss.spawn_key) + (_label_key(label),))
    return np.random.default_rng(child)


def draw_distribution(dist: Distribution, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` draws from ``dist``: shape ``(n,)``, or ``(n, k)`` for a k-branch Dirichlet.

    ``lognormal: [mu, sigma]`` are the mean and standard deviation of the logarithm (as
    in numpy); ``triangular: [lo, mode, hi]``; ``fixed: x`` always gives ``x``.

    Raises
    ------
    ValueError
        for an unknown kind or arguments the loader would have refused.

    Examples
    --------
    >>> from scenarios.model import Distribution
    >>> x = draw_distribution(Distribution("uniform", (2.0, 3.0)), 1000, as_generator(0))
    >>> bool((x >= 2).all() and (x < 3).all())
    True
    >>> draw_distribution(Distribution("dirichlet", (1.0, 1.0, 2.0)), 5, as_generator(0)).shape
    (5, 3)
    """
    kind, args = dist.kind, tuple(float(a) for a in dist.args)
    if kind not in DISTRIBUTION_KINDS:
        raise ValueError(f"unknown distribution {kind!r} (one of {', '.join(DISTRIBUTION_KINDS)})")
    problem = _argument_problem(kind, args)
    if problem:
        raise ValueError(f"{kind}{list(args)}: {problem}")
    if kind == "beta":
        return rng.beta(args[0], args[1], n)
    if kind == "uniform":
        return rng.uniform(args[0], args[1], n)
    if kind == "triangular":
        return rng.triangular(args[0], args[1], args[2], n)
    if kind == "normal":
        return rng.normal(args[0], args[1], n)
    if kind == "lognormal":
        return rng.lognormal(args[0], args[1], n)
    if kind == "fixed":
        return np.full(n, args[0])
    return rng.dirichlet(args, n)


def _argument_problem(kind: str, args: tuple[float, ...]) -> str | None:
    arity = {"beta": 2, "uniform": 2, "triangular": 3, "normal": 2, "lognormal": 2, "fixed": 1}
    if kind in arity and len(args) != arity[kind]:
        return f"takes {arity[kind]} number(s), got {len(args)}"
    if not all(np.isfinite(args)):
        return "arguments must be finite"
    if kind == "beta" and min(args) <= 0:
        return "a and b must be > 0"
    if kind == "uniform" and args[0] >= args[1]:
        return "lo must be below hi"
    if kind == "triangular" and not (args[0] <= args[1] <= args[2] and args[0] < args[2]):
        return "needs lo <= mode <= hi and lo < hi"
    if kind in ("normal", "lognormal") and args[1] <= 0:
        return "the spread must be > 0"
    if kind == "dirichlet" and (len(args) < 1 or min(args) <= 0):
        return "needs one alpha > 0 per branch"
    return None


@dataclass(frozen=True, eq=False)
class Draws:
    """``n`` draws of a scenario's uncertain quantities.

    ``parameters`` holds every parameter's value per draw (drawn, pinned, or recomputed
    from its expression); ``branches`` maps each node with a Dirichlet to its drawn branch
    probabilities, shape ``(n, k)`` in branch order; ``failed`` marks draws where a
    derived parameter could not be computed (its expression divided by zero, say), and
    ``problems`` counts those draws per problem.  ``sampled`` names the parameters that
    were drawn from their ``dist``.
    """

    n: int
    parameters: Mapping[str, Value]  # per draw, or one number for all
    branches: Mapping[str, np.ndarray] = field(default_factory=dict)
    failed: np.ndarray | None = None
    problems: Mapping[str, int] = field(default_factory=dict)
    sampled: tuple[str, ...] = ()

    def __post_init__(self):
        if self.failed is None:
            object.__setattr__(self, "failed", np.zeros(self.n, dtype=bool))


def uncertain_nodes(scenario: Scenario) -> dict[str, Distribution]:
    """Nodes whose branch probabilities are drawn (``dist: {dirichlet: [...]}``), in listing order."""
    return {node.id: node.dist for node in scenario.nodes.values() if node.dist is not None}


def draw(parameters: Mapping[str, Parameter], node_dists: Mapping[str, Distribution], n: int, *,
         seed: Any = None, pinned: Mapping[str, float] | None = None) -> Draws:
    """Draw ``n`` sets of parameters and Dirichlet branch probabilities (the worker's entry point).

    ``pinned`` fixes parameters at a value (``--set``): they are still drawn, and the draw
    is discarded, so every other quantity sees the same random numbers either way.

    Raises
    ------
    ValueError
        for ``n < 1``.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"the number of draws must be a whole number >= 1, not {n!r}")
    n = int(n)
    ss = seed_sequence(seed)
    pinned = dict(pinned or {})
    drawn = {name: draw_distribution(p.dist, n, stream(ss, f"parameter:{name}"))
             for name, p in parameters.items() if p.dist is not None}
    branches = {node_id: draw_distribution(dist, n, stream(ss, f"node:{node_id}"))
                for node_id, dist in node_dists.items()}

    # A draw whose derived parameter cannot be computed is marked failed and gets the base
    # value, so expressions further down see ordinary numbers (and do not fail again).
    try:
        base = parameter_values(parameters, pinned)
    except ExpressionError:
        base = {}
    values: dict[str, np.ndarray] = {}
    failed = np.zeros(n, dtype=bool)
    problems: dict[str, int] = {}
    for name in dependency_order(parameters):
        if name in pinned:
            values[name] = np.full(n, float(pinned[name]))
        elif name in drawn:
            values[name] = drawn[name]
        else:
            result, bad, message = evaluate_draws(parameters[name].value, values, n,
                                                  fill=base.get(name, np.nan))
            values[name] = result
            if bad is not None:
                failed |= bad
                key = f"parameter {name!r}: {message}"
                problems[key] = problems.get(key, 0) + int(bad.sum())
    ordered = {name: values[name] for name in parameters}  # listing order for reports
    sampled = tuple(name for name in parameters if name in drawn and name not in pinned)
    return Draws(n, ordered, branches, failed, problems, sampled)


def dependency_order(parameters: Mapping[str, Parameter]) -> list[str]:
    """Parameter names with every parameter after those its expression uses (ties: listing order).

    >>> from scenarios.expressions import Expression
    >>> ps = {"a": Parameter("a", Expression.parse("b + 1")), "b": Parameter("b", Expression.number(1))}
    >>> dependency_order(ps)
    ['b', 'a']
    """
    deps = nx.DiGraph()
    deps.add_nodes_from(parameters)
    deps.add_edges_from((ref, name) for name, p in parameters.items() for ref in p.value.names
                        if ref in parameters)
    position = {name: i for i, name in enumerate(parameters)}
    return list(nx.lexicographical_topological_sort(deps, key=position.__getitem__))


def sample(scenario: Scenario, n: int, *, seed: Any = None,
           overrides: Mapping[str, Any] | None = None) -> Draws:
    """Draw ``n`` parameter sets of ``scenario`` (see the module docstring).

    ``overrides`` are ``--set`` values: a parameter named there is pinned; branch
    overrides (``NODE.CHILD``) are applied when the draws are bound, not here.

    Raises
    ------
    UnknownNameError, ExpressionError, ProbabilityError
        for bad ``overrides``; ValueError for ``n < 1``.

    Examples
    --------
    >>> import scenarios
    >>> s = scenarios.load("donbas-recognition-2022")
    >>> d = sample(s, 3, seed=0, overrides={"p_recognize": 0.4})
    >>> d.parameters["p_recognize"].tolist()
    [0.4, 0.4, 0.4]
    >>> "p_recognize" in d.sampled
    False
    """
    from ..engine.bind import parse_overrides

    pinned, _ = parse_overrides(scenario, overrides)
    return draw(dict(scenario.parameters), uncertain_nodes(scenario), n, seed=seed, pinned=pinned)

"""Expected value of partial perfect information (EVPPI) on parameters, from PSA draws.

At a decision ``D``, each option ``b`` has a net benefit ``NB_b(theta)`` for the deciding
actor that depends on the drawn parameters ``theta``.  Learning a parameter ``phi`` before
choosing is worth::

    EVPPI(phi) = E_phi[ max_b E[NB_b | phi] ]  -  max_b E[NB_b]

and learning every drawn parameter (the EVPI on parameters) is ``E[max_b NB_b] - max_b E[NB_b]``,
estimated directly from the draws.  ``E[NB_b | phi]`` is estimated by the **binning method**
of Sadatsafavi et al. (2013, "Need for speed: an efficient algorithm for calculation of
single-parameter expected value of partial perfect information", Value in Health 16:438-448):
the draws, sorted by ``phi``, are cut into ``B`` bins of equal count, and the mean net
benefit of each option within a bin stands for its conditional expectation.  The estimate
is biased upward by the noise of the bin means; the same estimator on the draws in a
shuffled order (``phi`` carrying no information) measures that bias, reported as the noise
floor: an EVPPI near its floor is indistinguishable from zero.

The options' net benefits come from one batch (:func:`~scenarios.engine.batch.solve_batch`
with ``only=D``): every other decision plays its base-case strategic choice (``strategic``)
or keeps the file's probabilities (``belief``), so the information informs ``D`` alone.

>>> import scenarios
>>> r = evppi(scenarios.load("oil-wildcatter"), draws=2000, seed=1)
>>> r.method.startswith("binning"), r.node, r.items[0].value >= 0
(True, 'start', True)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..engine.batch import bind_batch, prepare, solve_batch
from ..engine.risk import refuse_risk
from ..engine.strategic import played_weights
from ..errors import AnalysisError, UnknownNameError, did_you_mean
from ..formatting import json_number
from ..model import Scenario
from .sampling import sample
from .voi import MODES, base_bound, decisions_for

__all__ = ["EVPPIItem", "EVPPIResult", "evppi", "binned_evppi"]


@dataclass(frozen=True)
class EVPPIItem:
    parameter: str
    label: str
    value: float
    noise_floor: float

    def to_dict(self) -> dict[str, Any]:
        return {"parameter": self.parameter, "label": self.label, "value": json_number(self.value),
                "noise_floor": json_number(self.noise_floor)}


@dataclass(frozen=True)
class EVPPIResult:
    node: str
    actor: str
    mode: str
    draws: int
    seed: int
    bins: int
    method: str
    without: float  # max_b E[NB_b]
    all_parameters: float  # EVPI on every drawn parameter
    items: tuple[EVPPIItem, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"node": self.node, "actor": self.actor, "mode": self.mode, "draws": self.draws, "seed": self.seed,
                "bins": self.bins, "method": self.method, "without_information": json_number(self.without),
                "all_parameters": json_number(self.all_parameters), "parameters": [i.to_dict() for i in self.items]}


def binned_evppi(nb: np.ndarray, phi: np.ndarray, bins: int) -> float:
    """The binning estimate of EVPPI: ``nb`` is ``(options, K)``, ``phi`` ``(K,)``.

    >>> nb = np.array([[0.0, 0.0, 0.0, 0.0], [-1.0, -1.0, 1.0, 1.0]])
    >>> binned_evppi(nb, np.array([0.1, 0.2, 0.8, 0.9]), 2)  # phi tells the two halves apart
    0.5
    """
    order = np.argsort(phi, kind="stable")
    k = nb.shape[1]
    total = 0.0
    for part in np.array_split(order, bins):
        if len(part):
            total += len(part) * float(nb[:, part].mean(axis=1).max())
    return total / k - float(nb.mean(axis=1).max())


def evppi(scenario: Scenario, parameters: Sequence[str] | None = None, *, node: str | None = None,
          actor: str | None = None, mode: str = "strategic", draws: int = 4000, seed: int = 0,
          bins: int | None = None, overrides: Mapping[str, Any] | None = None) -> EVPPIResult:
    """EVPPI at one decision (``node``, or the first of :func:`~scenarios.analysis.voi.decisions_for`)
    for each parameter in ``parameters`` (default: every parameter with a ``dist``)."""
    if mode not in MODES:
        raise AnalysisError(f"unknown mode {mode!r}{did_you_mean(mode, MODES)}")
    refuse_risk(scenario, "EVPPI (voi --evppi)")  # its solves choose by expected payoff
    drawn = [name for name, p in scenario.parameters.items() if p.dist is not None]
    if not drawn:
        raise AnalysisError("EVPPI needs parameters with a 'dist' to draw; this scenario has none")
    names = list(parameters) if parameters else drawn
    for name in names:
        if name not in scenario.parameters:
            raise UnknownNameError(f"unknown parameter {name!r}{did_you_mean(name, drawn)}")
        if name not in drawn:
            raise AnalysisError(f"parameter {name!r} has no 'dist': it is not drawn, so learning it "
                                f"teaches nothing{did_you_mean(name, drawn)}")
    if draws < 10:
        raise AnalysisError(f"EVPPI needs at least 10 draws, got {draws}")
    decision = decisions_for(scenario, node, actor)[0]
    problem = prepare(scenario, overrides)
    c = problem.compiled
    d = c.index[decision]
    sampled = sample(scenario, draws, seed=seed, overrides=overrides)
    bound = bind_batch(problem, sampled)
    p = bound.p
    if mode == "strategic":
        assert problem.base is not None, "prepare() binds the base case"
        chosen = solve_batch(base_bound(problem, problem.base.p[:, None])).chosen_edge.copy()
        chosen[d] = -1  # D itself is optimised per draw below
        p = played_weights(c, p, np.repeat(chosen, bound.n, axis=1))
    solution = solve_batch(bound, p, only=d)
    col = int(c.actor[d])
    sign = float(c.column_sign[col]) if c.column_sign is not None else 1.0
    edges = np.arange(c.edge_start[d], c.edge_start[d + 1])
    edge_pay = np.broadcast_to(bound.edge_payoff[edges, col], (len(edges), bound.n))
    nb = sign * (solution.values[c.child[edges], col] + edge_pay)  # (options, K)
    nb = nb[:, bound.valid]
    k = nb.shape[1]
    if k < 10:
        raise AnalysisError(f"only {k} of {draws} draws are valid; EVPPI needs at least 10")
    b = bins if bins is not None else int(min(100, max(2, round(np.sqrt(k)))))
    without = float(nb.mean(axis=1).max())
    all_params = float(nb.max(axis=0).mean()) - without
    rng = np.random.default_rng(seed)
    items = []
    for name in names:
        phi = np.broadcast_to(np.asarray(sampled.parameters[name], dtype=float), (draws,))[bound.valid]
        floor = float(np.mean([binned_evppi(nb, rng.permutation(phi), b) for _ in range(5)]))
        label = scenario.parameters[name].description or name
        items.append(EVPPIItem(name, label, binned_evppi(nb, phi, b), floor))
    method = (f"binning (Sadatsafavi et al. 2013): {k} draws sorted by the parameter into {b} bins of equal "
              "count; noise floor = the same estimator on shuffled draws (mean of 5)")
    owner = scenario.nodes[decision].actor or ""
    return EVPPIResult(decision, owner, mode, k, seed, b, method, sign * without, all_params,
                       tuple(sorted(items, key=lambda i: -i.value)))

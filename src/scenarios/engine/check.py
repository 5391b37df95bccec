"""Are bound probabilities valid?  The engine's one rule, for one column or for many.

Every probability must be finite and within [0, 1], and every node's branches must sum to
1, both within :data:`~scenarios.engine.rescale.TOLERANCE`.  A batch (the settings of a
tornado, the draws of a PSA) is checked column by column with a mask and a count per
problem (:func:`scenarios.engine.batch.bind_batch`); a single evaluation, or a batch that
must be valid throughout, stops at the first problem, which :func:`column_problem` words.

>>> import numpy as np, scenarios
>>> s = scenarios.load("entry-deterrence")
>>> c = s.compiled
>>> p = np.array(s.evaluate().p_array)
>>> column_problem(c, p) is None
True
>>> p[c.edge_of("entry", "stay_out")] = 1.2
>>> column_problem(c, p)
("probability of 'entry' → 'stay_out' is 1.2", 'outside [0, 1]')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from ..errors import ProbabilityError
from .compiled import Compiled
from .rescale import TOLERANCE
from .segments import internal_segments

__all__ = ["column_problem", "Problems", "check_columns", "raise_first", "edge_name", "TOLERANCE"]


def column_problem(compiled: Compiled, p: np.ndarray) -> tuple[str, str] | None:
    """The first problem of one column of branch probabilities, as ``(what, why)``, or None.

    Callers put where it happened between the two: ``f"{what} under the base case, {why}"``.
    """
    bad = np.flatnonzero(~np.isfinite(p) | (p < -TOLERANCE) | (p > 1 + TOLERANCE))
    if len(bad):
        e = bad[0]
        return (f"probability of {compiled.ids[compiled.parent[e]]!r} → {compiled.ids[compiled.child[e]]!r} "
                f"is {p[e]:.6g}", "outside [0, 1]")
    has_edges = compiled.edge_start[1:] > compiled.edge_start[:-1]
    if not len(p) or not has_edges.any():
        return None
    sums = np.add.reduceat(p, compiled.edge_start[:-1][has_edges])
    off = np.flatnonzero(np.abs(sums - 1.0) > TOLERANCE)
    if len(off):
        node = compiled.ids[np.flatnonzero(has_edges)[off[0]]]
        return f"probabilities of node {node!r} sum to {sums[off[0]]:.12g}", "expected 1"
    return None


def edge_name(c: Compiled, edge: int | np.integer) -> str:
    """``'parent' → 'child'`` for messages."""
    return f"{c.ids[c.parent[edge]]!r} → {c.ids[c.child[edge]]!r}"


class Problems:
    """Counts columns per problem (``counts``, ``masks``) and collects the invalid ones (``invalid``)."""

    def __init__(self, n: int, failed: np.ndarray | None = None, initial: Mapping[str, int] | None = None):
        self.invalid = np.zeros(n, dtype=bool) if failed is None else failed.copy()
        self.counts = dict(initial or {})
        self.masks: dict[str, np.ndarray] = {}
        self.pin_messages: list[str] = []  # problems of pinned values, reported first

    def note(self, bad: np.ndarray, message: str) -> None:
        bad = np.broadcast_to(bad, self.invalid.shape)
        count = int(np.count_nonzero(bad))
        if count:
            self.invalid |= bad
            self.counts[message] = self.counts.get(message, 0) + count
            self.masks[message] = self.masks[message] | bad if message in self.masks else bad.copy()


def check_columns(c: Compiled, p: np.ndarray, issues: Problems) -> None:
    """Note every column of ``p`` ``(E, K)`` whose probabilities are not finite and within
    [0, 1], or whose nodes' probabilities do not sum to 1."""
    out = ~np.isfinite(p)
    out |= p < -TOLERANCE
    out |= p > 1.0 + TOLERANCE
    for e in np.flatnonzero(out.any(axis=1)):
        issues.note(out[e], f"probability of {edge_name(c, e)} outside [0, 1]")
    internal = internal_segments(c)
    if not len(internal.nodes):
        return
    sums = internal.sum(np.where(out, 0.0, p))
    node_out = internal.sum(out.astype(np.float64)) > 0
    off = (np.abs(sums - 1.0) > TOLERANCE) & ~node_out  # range problems are reported above
    for j in np.flatnonzero(off.any(axis=1)):
        issues.note(off[j], f"probabilities of node {c.ids[internal.nodes[j]]!r} do not sum to 1")


def raise_first(c: Compiled, p: np.ndarray, issues: Problems, where: Callable[[int], str]) -> None:
    """ProbabilityError for the first invalid column: the strict wrapper of :class:`Problems`.

    A pinned value that cannot be honoured (``--set`` values summing to more than 1, say)
    is reported as noted; otherwise the column's first invalid probability, with
    ``where(k)`` naming the column ("under --set a=1", "at drill_cost=50").
    """
    k = int(np.flatnonzero(issues.invalid)[0])
    pinned = [m for m in issues.pin_messages if issues.masks[m][k]]
    if pinned:
        raise ProbabilityError(pinned[0])
    problem = column_problem(c, p[:, k])
    if problem is not None:
        what, why = problem
        raise ProbabilityError(f"{what} {where(k)}, {why}")
    first = next(m for m, mask in issues.masks.items() if mask[k])
    raise ProbabilityError(f"{first} ({where(k)})")

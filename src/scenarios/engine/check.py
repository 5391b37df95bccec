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

import numpy as np

from .compiled import Compiled
from .rescale import TOLERANCE

__all__ = ["column_problem", "TOLERANCE"]


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

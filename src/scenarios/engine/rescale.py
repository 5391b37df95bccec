"""Sibling rescaling: pin some branches of a node, the others share what is left in proportion.

This is the arithmetic of ``--set NODE.CHILD=V``, of ``NODE.CHILD`` columns in a
sensitivity analysis, of Dirichlet-free overrides in a PSA and of ``set:`` in a variant
file, written once.  It is pure: numbers in, numbers and verdicts out; callers decide
whether a verdict is an error (a single evaluation) or marks a column invalid (a batch).

>>> r = rescale_siblings([0.2, 0.6], 0.5)  # a third branch pinned to 0.5
>>> [round(float(x), 12) for x in r.free], bool(r.over), bool(r.stuck)
([0.125, 0.375], False, False)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Rescaled", "rescale_siblings", "TOLERANCE"]

#: Probabilities are compared with this absolute tolerance everywhere in the engine.
TOLERANCE = 1e-9


@dataclass(frozen=True, eq=False)
class Rescaled:
    """The free branches' new probabilities and what was wrong, per column.

    ``free`` has the shape of the free values given; ``over`` says the pinned values sum
    to more than 1; ``stuck`` that no free branch has probability to scale while the
    pinned values do not sum to 1 (then ``free`` is 0).  Both have the shape of the
    pinned total (a scalar for a single evaluation, ``(K,)`` for K columns).
    """

    free: np.ndarray
    over: np.ndarray
    stuck: np.ndarray
    pinned_total: np.ndarray


def rescale_siblings(free: npt.ArrayLike, pinned_total: npt.ArrayLike) -> Rescaled:
    """Scale ``free`` (the unpinned branches' probabilities, first axis = branches, any
    trailing batch axes) so that they sum to ``1 - pinned_total``, keeping their ratios.

    >>> r = rescale_siblings(np.array([[0.5, 0.0], [0.5, 0.0]]), np.array([0.4, 0.4]))
    >>> r.free.tolist(), r.stuck.tolist()
    ([[0.3, 0.0], [0.3, 0.0]], [False, True])
    >>> bool(rescale_siblings([0.3], 1.2).over)
    True
    """
    free = np.asarray(free, dtype=float)
    pinned_total = np.asarray(pinned_total, dtype=float)
    left = 1.0 - pinned_total
    over = left < -TOLERANCE
    if free.shape[0] == 0:
        total = np.zeros_like(pinned_total)
    else:
        total = free.sum(axis=0)
    empty = ~(total > 0.0)
    stuck = empty & (np.abs(left) > TOLERANCE)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(empty, 0.0, np.maximum(left, 0.0) / np.where(empty, 1.0, total))
    return Rescaled(free * scale, over, stuck, pinned_total)

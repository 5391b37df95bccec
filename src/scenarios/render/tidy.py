"""Geometry of a planned tree: :func:`tidy` places slots across the levels, :func:`columns`
places the levels along the depth axis (no matplotlib here).

Both are part of :mod:`scenarios.render.layout`'s API (import them from there); they live
here so that the planning and the geometry each have a module of their own.  See
:mod:`scenarios.render.layout` for the algorithm and its references.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["tidy", "Columns", "columns"]


# -- the tidy tree algorithm ----------------------------------------------------------------

def tidy(children: Sequence[Sequence[int]], before: Sequence[float] | np.ndarray,
         after: Sequence[float] | np.ndarray, *,
         gap: float = 0.0, root: int = 0) -> np.ndarray:
    """Breadth coordinate of every node of a tree (Buchheim, Jünger and Leipert 2002).

    Node ``v`` occupies ``[y - before[v], y + after[v]]`` across its level; two nodes on
    the same level are at least ``gap`` apart.  The result has its smallest extent at 0.

    Parameters
    ----------
    children : sequence of sequences of int
        ``children[v]``: the children of node ``v``, in order.
    before, after : sequences of float
        Each node's extent on either side of its centre.
    gap : float
        Free space between neighbouring nodes of one level.
    root : int
        The root's index.

    Examples
    --------
    A root with three leaves of size 2 (extent 1 each side), gap 1: the leaves are 3
    apart and the root sits over the middle one.

    >>> tidy([[1, 2, 3], [], [], []], [1, 1, 1, 1], [1, 1, 1, 1], gap=1).tolist()
    [4.0, 1.0, 4.0, 7.0]
    """
    n = len(children)
    if n == 0:
        return np.zeros(0)
    before = [float(b) for b in before]
    after = [float(a) for a in after]
    gap = float(gap)
    parent = [-1] * n
    number = [0] * n  # 1-based position among siblings
    left = [-1] * n  # left sibling
    leftmost = list(range(n))  # leftmost sibling (itself for the root)
    first = [-1] * n  # first child
    last = [-1] * n  # last child
    for v in range(n):
        kids = children[v]
        if kids:
            first[v] = kids[0]
            last[v] = kids[-1]
            prev = -1
            for k, c in enumerate(kids):
                parent[c] = v
                number[c] = k + 1
                left[c] = prev
                leftmost[c] = kids[0]
                prev = c

    prelim = [0.0] * n
    mod = [0.0] * n
    shift = [0.0] * n
    change = [0.0] * n
    thread = [-1] * n
    ancestor = list(range(n))
    default = [-1] * n  # per parent: the default ancestor while its children are apportioned

    # Post-order with children left to right: reverse a preorder that visits them right to left.
    pre = []
    stack = [root]
    while stack:
        v = stack.pop()
        pre.append(v)
        stack.extend(children[v])

    for v in reversed(pre):
        w = left[v]
        if first[v] >= 0:
            # execute_shifts(v): spread the shifts recorded by move_subtree.
            s = ch = 0.0
            for x in reversed(children[v]):
                prelim[x] += s
                mod[x] += s
                ch += change[x]
                s += shift[x] + ch
            mid = (prelim[first[v]] + prelim[last[v]]) / 2.0
            if w >= 0:
                prelim[v] = prelim[w] + after[w] + gap + before[v]
                mod[v] = prelim[v] - mid
            else:
                prelim[v] = mid
        elif w >= 0:
            prelim[v] = prelim[w] + after[w] + gap + before[v]
        p = parent[v]
        if p < 0:
            continue
        if w < 0:
            default[p] = v
            continue
        # apportion(v): push v's subtree right of its left siblings' subtrees.
        da = default[p]
        vip = vop = v
        vim = w
        vom = leftmost[v]
        sip = mod[vip]
        sop = mod[vop]
        sim = mod[vim]
        som = mod[vom]
        nr = last[vim] if last[vim] >= 0 else thread[vim]  # next_right(vim)
        nl = first[vip] if first[vip] >= 0 else thread[vip]  # next_left(vip)
        while nr >= 0 and nl >= 0:
            vim = nr
            vip = nl
            vom = first[vom] if first[vom] >= 0 else thread[vom]
            vop = last[vop] if last[vop] >= 0 else thread[vop]
            ancestor[vop] = v
            sh = (prelim[vim] + sim) - (prelim[vip] + sip) + after[vim] + gap + before[vip]
            if sh > 0.0:
                a = ancestor[vim]
                if parent[a] != p:
                    a = da
                # move_subtree(a, v, sh)
                subtrees = number[v] - number[a]
                change[v] -= sh / subtrees
                shift[v] += sh
                change[a] += sh / subtrees
                prelim[v] += sh
                mod[v] += sh
                sip += sh
                sop += sh
            sim += mod[vim]
            sip += mod[vip]
            som += mod[vom]
            sop += mod[vop]
            nr = last[vim] if last[vim] >= 0 else thread[vim]
            nl = first[vip] if first[vip] >= 0 else thread[vip]
        if nr >= 0 and (last[vop] if last[vop] >= 0 else thread[vop]) < 0:
            thread[vop] = nr
            mod[vop] += sim - sop
        if nl >= 0 and (first[vom] if first[vom] >= 0 else thread[vom]) < 0:
            thread[vom] = nl
            mod[vom] += sip - som
            da = v
        default[p] = da

    # Second walk: add up the modifiers from the root down.
    y = [0.0] * n
    acc = [0.0] * n
    for v in pre:  # preorder: a parent comes before its children
        y[v] = prelim[v] + acc[v]
        m = acc[v] + mod[v]
        for c in children[v]:
            acc[c] = m
    out = np.asarray(y)
    low = (out - np.asarray(before)).min()
    return out - low


# -- levels along the depth axis ------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Columns:
    """Where each level sits along the depth axis.

    For level ``L``: runs (the incoming lines, with their labels) start at
    ``run_start[L]``; the zone for converging tracks, ``track[L]`` wide (0 when no lane
    converges there), starts at ``track_start[L]``, after the widest run; symbols are
    centred at ``centre[L]``; lines to the children leave at ``bus[L]`` (a vertical bus
    there fans out to them).  ``end`` is the far edge of the last level's text.
    """

    run_start: np.ndarray
    track_start: np.ndarray
    track: np.ndarray
    centre: np.ndarray
    bus: np.ndarray
    end: float

    def shifted(self, offset: float) -> Columns:
        return Columns(self.run_start + offset, self.track_start + offset, self.track,
                       self.centre + offset, self.bus + offset, self.end + offset)


def columns(level: npt.ArrayLike, run: npt.ArrayLike, symbol: npt.ArrayLike,
            text: npt.ArrayLike, *, track: npt.ArrayLike | None = None,
            stub: float = 8.0) -> Columns:
    """Place the levels along the depth axis from their contents' sizes.

    Level ``L`` needs room for its widest run (``run``: incoming line with its label),
    then ``track[L]`` for converging tracks, its largest symbol and its widest text after
    the symbol; ``stub`` is the length of the line from the end of that text to the bus.

    Examples
    --------
    >>> c = columns([0, 1, 1], [0, 30, 40], [10, 10, 10], [20, 5, 50], stub=8)
    >>> c.centre.tolist(), c.bus.tolist(), c.end
    ([5.0, 83.0], [38.0, 146.0], 138.0)
    """
    levels = np.asarray(level, dtype=np.int64)
    n_levels = int(levels.max()) + 1 if len(levels) else 0
    widest_run = np.zeros(n_levels)
    widest_symbol = np.zeros(n_levels)
    widest_text = np.zeros(n_levels)
    np.maximum.at(widest_run, levels, np.asarray(run, dtype=float))
    np.maximum.at(widest_symbol, levels, np.asarray(symbol, dtype=float))
    np.maximum.at(widest_text, levels, np.asarray(text, dtype=float))
    tracks = np.zeros(n_levels) if track is None else np.asarray(track, dtype=float)[:n_levels]
    run_start = np.zeros(n_levels)
    track_start = np.zeros(n_levels)
    centre = np.zeros(n_levels)
    bus = np.zeros(n_levels)
    position = 0.0
    for lv in range(n_levels):
        run_start[lv] = position
        track_start[lv] = position + widest_run[lv]
        centre[lv] = track_start[lv] + tracks[lv] + widest_symbol[lv] / 2.0
        end = centre[lv] + widest_symbol[lv] / 2.0 + widest_text[lv]
        bus[lv] = end + stub
        position = bus[lv]
    return Columns(run_start, track_start, tracks, centre, bus,
                   float(bus[-1] - stub) if n_levels else 0.0)

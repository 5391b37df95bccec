"""Where a PSA's chunks land: arrays for the whole run, filled as chunks arrive in any order.

With forked local workers the arrays live in anonymous shared memory, so a worker writes
its chunk in place and sends back only counts.
"""

from __future__ import annotations

import mmap
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from .parallel import Task
    from .psa import _Chunk, _Plan

__all__ = ["Collector", "shared_empty"]


class Collector:
    """Chunk results written into arrays for the whole run as they arrive (in any order):
    no list of chunks, no concatenation at the end; invalid draws' columns are dropped once."""

    def __init__(self, plan_: _Plan, n: int, chunk_size: int, *, shared: bool = False):
        c = plan_.problem.compiled
        a = len(c.actors)
        empty = shared_empty if shared else np.empty
        self.chunk_size = chunk_size
        self.valid = np.zeros(n, dtype=bool)
        self.parameters = empty((len(plan_.problem.parameters), n))
        self.outcomes = empty((len(plan_.outcomes), n))
        self.tags = empty((plan_.tag_matrix.shape[0], n))
        self.belief = empty((a, n))
        self.solved = empty((a, n))
        self.choice_counts = np.zeros(c.n_edges, dtype=np.int64)
        self.ties = np.zeros(len(plan_.decisions), dtype=np.int64)
        self.on_path = np.zeros(len(plan_.decisions), dtype=np.int64)
        self.problems: dict[str, int] = {}

    def add(self, task: Task, chunk: _Chunk) -> None:
        at = slice(task.index * self.chunk_size, task.index * self.chunk_size + task.size)
        self.valid[at] = chunk.valid
        for name in ("parameters", "outcomes", "tags", "belief", "solved"):
            block = getattr(chunk, name)
            if block is not None:  # None: a forked worker wrote it into shared memory
                getattr(self, name)[:, at] = block
        self.choice_counts += chunk.choice_counts
        self.ties += chunk.ties
        self.on_path += chunk.on_path
        for key, count in chunk.problems.items():
            self.problems[key] = self.problems.get(key, 0) + count

    @property
    def sink(self) -> dict:
        return {"chunk_size": self.chunk_size, "parameters": self.parameters, "outcomes": self.outcomes,
                "tags": self.tags, "belief": self.belief, "solved": self.solved}

    def finish(self) -> None:
        if not self.valid.all():
            for name in ("outcomes", "tags", "belief", "solved"):
                setattr(self, name, getattr(self, name)[:, self.valid])


def shared_empty(shape: tuple[int, ...]) -> np.ndarray:
    """An uninitialised float array in anonymous shared memory (inherited by forked children)."""
    size = int(np.prod(shape)) * 8
    if size == 0:
        return np.empty(shape)
    return np.frombuffer(mmap.mmap(-1, size), dtype=np.float64).reshape(shape)

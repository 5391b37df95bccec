"""Split sampled work into chunks and run them in order, on local processes, or on Dask.

A run of ``n`` draws (or paths) is cut into chunks of a fixed size, and chunk ``i`` draws
its random numbers from child ``i`` of the run's :class:`numpy.random.SeedSequence`
(``SeedSequence.spawn``).  Neither depends on how many workers there are, and results
are gathered back in chunk order, so a run gives the same numbers serially, with
``workers=N`` local processes (:class:`concurrent.futures.ProcessPoolExecutor`), or on a
Dask cluster (``dask=ADDRESS`` or a ``distributed.Client``; the optional extra
``scenarios[dask]``).

The function a chunk runs must be a module-level function ``function(shared, task)``;
``shared`` (the prepared problem) is sent to each worker once, not with every task.

Examples
--------
>>> tasks = plan(2500, 1000, seed=1)
>>> [t.size for t in tasks]
[1000, 1000, 500]
>>> run(_total, 10, tasks)
[1010, 1010, 510]
"""

from __future__ import annotations

import multiprocessing
import os
import re
import threading
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

import numpy as np

from .sampling import seed_sequence

__all__ = ["Task", "plan", "run", "check_workers", "keep_freed_memory"]


@dataclass(frozen=True)
class Task:
    """Chunk ``index`` of a run: ``size`` draws from the random stream ``seed``."""

    index: int
    size: int
    seed: np.random.SeedSequence


def plan(n: int, chunk_size: int, seed: Any = None) -> list[Task]:
    """Cut ``n`` units into chunks of ``chunk_size`` (the last may be smaller), each with its
    own child of ``seed``'s SeedSequence.

    Raises
    ------
    ValueError
        if ``n`` or ``chunk_size`` is not a whole number >= 1.
    """
    for name, value in (("n", n), ("chunk_size", chunk_size)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a whole number >= 1, not {value!r}")
    sizes = [chunk_size] * (n // chunk_size) + ([n % chunk_size] if n % chunk_size else [])
    children = seed_sequence(seed).spawn(len(sizes))
    return [Task(i, int(size), child) for i, (size, child) in enumerate(zip(sizes, children, strict=False))]


def check_workers(workers: int | None) -> int:
    """``workers`` as an int >= 1 (None means 1)."""
    if workers is None:
        return 1
    if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
        raise ValueError(f"workers must be a whole number >= 1, not {workers!r}")
    return int(workers)


def run(function: Callable[[Any, Task], Any], shared: Any, tasks: Sequence[Task], *,
        workers: int | None = None, dask: Any = None,
        progress: Callable[[int], None] | None = None,
        collect: Callable[[Task, Any], None] | None = None) -> list | None:
    """``[function(shared, task) for task in tasks]``, serially, on processes or on Dask.

    Parameters
    ----------
    workers : int, optional
        Local worker processes (1 or None: run in this process).
    dask : str or distributed.Client, optional
        A Dask scheduler address (``tcp://host:8786``) or a connected client.
    progress : callable, optional
        Called with each finished task's ``size``.
    collect : callable, optional
        Called with ``(task, result)`` as each task finishes (in any order), instead of
        keeping the results: ``run`` then returns None, and memory holds one result at a time.

    Raises
    ------
    ValueError
        for ``workers`` < 1 or both ``workers`` > 1 and ``dask``.
    ImportError
        if ``dask`` is given and ``distributed`` is not installed.
    OSError
        if the Dask scheduler cannot be reached.
    """
    workers = check_workers(workers)
    if dask is not None and workers > 1:
        raise ValueError("use either local workers or a Dask cluster, not both")
    results: list = [None] * len(tasks)

    def done(i: int, result: Any) -> None:
        if collect is None:
            results[i] = result
        else:
            collect(tasks[i], result)
        if progress is not None:
            progress(tasks[i].size)

    if dask is not None:
        _run_dask(function, shared, tasks, dask, done)
    elif workers == 1 or len(tasks) <= 1:
        for i, task in enumerate(tasks):
            done(i, function(shared, task))
    else:
        _run_processes(function, shared, tasks, min(workers, len(tasks)), done)
    return results if collect is None else None


# -- local processes ----------------------------------------------------------------------------
_SHARED: Any = None


def _install(shared: Any) -> None:
    global _SHARED
    _SHARED = shared
    keep_freed_memory()  # a worker process is ours: tune its allocator for chunk after chunk


def keep_freed_memory() -> bool:
    """Ask glibc's allocator to keep freed memory for reuse (Linux only; process-wide).

    Evaluating chunk after chunk allocates and frees arrays of tens of megabytes.  By
    default glibc returns such memory to the system and takes it back, zero-filled, one
    page fault at a time, which can double the time of a probabilistic analysis (more
    when transparent huge pages are scarce).  This serves arrays up to 32 MB from the heap
    and keeps up to 1 GB of freed heap for reuse.  The command line and worker processes
    call it; a library function never does, since it changes the whole process.  Returns
    whether the setting took effect.
    """
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        m_trim_threshold, m_mmap_threshold = -1, -3
        return bool(libc.mallopt(m_mmap_threshold, 32 * 2**20)) and bool(
            libc.mallopt(m_trim_threshold, 2**30))
    except (OSError, AttributeError):  # not glibc
        return False


def _call(function, task: Task):
    return function(_SHARED, task)


def _context():
    """``fork`` while this process has one thread (fast: workers inherit the imports);
    otherwise ``forkserver`` (forking a threaded process can deadlock), else ``spawn``."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _run_processes(function, shared, tasks, workers: int, done) -> None:
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=_install,
                               initargs=(shared,))
    try:
        futures = {pool.submit(_call, function, task): i for i, task in enumerate(tasks)}
        for future in as_completed(futures):
            done(futures[future], future.result())
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


# -- Dask ---------------------------------------------------------------------------------------
#: ``HOST:PORT``, or any ``PROTOCOL://...`` address (tcp, tls, inproc, ...).
_DASK_ADDRESS = re.compile(r"[a-z]+://\S+|[A-Za-z0-9._\-\[\]:]+:\d{1,5}")


def _run_dask(function, shared, tasks, address, done) -> None:
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:
        raise ImportError("running on a Dask cluster needs dask.distributed: "
                          "pip install 'scenarios[dask]'") from None
    own = not isinstance(address, Client)
    if own:
        if not isinstance(address, str) or not _DASK_ADDRESS.fullmatch(address.strip()):
            # A malformed address made distributed hang for 20 s and end in a traceback.
            raise ConnectionError(f"{address!r} is not a scheduler address (expected HOST:PORT or "
                                  "tcp://HOST:PORT)")
        timeout = os.environ.get("SCENARIOS_DASK_TIMEOUT", "10s")
        try:
            client = Client(address.strip(), timeout=timeout, set_as_default=False)
        except OSError:
            raise
        except Exception as exc:  # distributed raises several kinds for a scheduler it cannot use
            raise ConnectionError(f"{type(exc).__name__}: {exc}") from None
    else:
        client = address
    try:
        # Sent once to every worker; tasks carry only (index, size, seed).
        shared_future = client.scatter(shared, broadcast=True, hash=False)
        run_id = uuid.uuid4().hex[:12]
        futures = [client.submit(function, shared_future, task, key=f"scenarios-{run_id}-{task.index}",
                                 pure=False) for task in tasks]
        position = {future.key: i for i, future in enumerate(futures)}
        for future in dask_completed(futures, loop=client.loop):
            done(position[future.key], future.result())
            future.release()  # the cluster need not keep a result once it is collected
    finally:
        if own:
            client.close()


def _total(shared: int, task: Task) -> int:
    """A toy chunk function for the module's example."""
    return shared + task.size

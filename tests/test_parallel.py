"""Scale-out: chunks on local processes and on a Dask cluster give the serial result exactly."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from scenarios.analysis.montecarlo import simulate
from scenarios.analysis.parallel import Task, plan, run
from scenarios.analysis.psa import psa

SCENARIOS = [sys.executable, "-m", "scenarios"]


def _square_sum(shared: int, task: Task) -> float:
    """A chunk function: the sum of ``shared`` plus the squares of the chunk's uniforms."""
    rng = np.random.default_rng(task.seed)
    return shared + float((rng.random(task.size) ** 2).sum())



@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as local:
        yield local


def test_plan_cuts_chunks_and_seeds_them_independently_of_the_workers():
    tasks = plan(2500, 1000, seed=3)
    assert [(t.index, t.size) for t in tasks] == [(0, 1000), (1, 1000), (2, 500)]
    again = plan(2500, 1000, seed=3)
    # Chunk i's stream is child i of the run's SeedSequence (SeedSequence(3).spawn(3)[i]).
    expected = np.random.SeedSequence(3).spawn(3)
    for task, other, child in zip(tasks, again, expected, strict=False):
        assert task.seed.spawn_key == other.seed.spawn_key == child.spawn_key == (task.index,)
        assert task.seed.generate_state(4).tolist() == child.generate_state(4).tolist()
    assert [t.size for t in plan(3, 1000, seed=0)] == [3]
    with pytest.raises(ValueError, match=">= 1"):
        plan(0, 10)
    with pytest.raises(ValueError, match="chunk_size"):
        plan(10, 0)


def test_run_serial_and_on_processes_agree():
    tasks = plan(10_000, 1000, seed=1)
    done = []
    serial = run(_square_sum, 5, tasks, progress=done.append)
    assert done == [1000] * 10
    parallel = run(_square_sum, 5, tasks, workers=2)
    assert parallel == serial  # same chunks, same seeds, gathered in order


def test_run_checks_its_options():
    tasks = plan(10, 5, seed=1)
    with pytest.raises(ValueError, match="workers"):
        run(_square_sum, 0, tasks, workers=0)
    with pytest.raises(ValueError, match="not both"):
        run(_square_sum, 0, tasks, workers=2, dask="tcp://localhost:1")


def test_psa_on_two_processes_equals_serial(donbas):
    serial = psa(donbas, 3000, seed=5, chunk_size=256)
    parallel = psa(donbas, 3000, seed=5, chunk_size=256, workers=2)
    assert json.dumps(parallel.to_dict()) == json.dumps(serial.to_dict())
    assert np.array_equal(parallel.outcome_draws, serial.outcome_draws)
    assert np.array_equal(parallel.parameter_draws, serial.parameter_draws)


def test_forked_workers_write_into_shared_memory_and_others_send_results(donbas, monkeypatch):
    import multiprocessing

    import scenarios.analysis.parallel as parallel
    import scenarios.analysis.psa_collect as collect

    sent = []
    add = collect.Collector.add
    monkeypatch.setattr(collect.Collector, "add",
                        lambda self, task, chunk: (sent.append(chunk.outcomes is None), add(self, task, chunk)))
    serial = psa(donbas, 1500, seed=9, chunk_size=500)
    monkeypatch.setattr(parallel, "_context", lambda: multiprocessing.get_context("fork"))
    sent.clear()
    forked = psa(donbas, 1500, seed=9, chunk_size=500, workers=2)
    assert sent == [True, True, True]  # written in place by the workers
    monkeypatch.setattr(parallel, "_context", lambda: multiprocessing.get_context("spawn"))
    sent.clear()
    spawned = psa(donbas, 1500, seed=9, chunk_size=500, workers=2)
    assert sent == [False, False, False]  # a spawned worker has a copy: results come back
    assert json.dumps(forked.to_dict()) == json.dumps(spawned.to_dict()) == json.dumps(serial.to_dict())
    assert np.array_equal(forked.outcome_draws, serial.outcome_draws)
    assert np.array_equal(spawned.parameter_draws, serial.parameter_draws)


def test_monte_carlo_on_two_processes_equals_serial(donbas):
    serial = simulate(donbas, 20_000, seed=6, paths=True, chunk_size=4096)
    parallel = simulate(donbas, 20_000, seed=6, paths=True, chunk_size=4096, workers=2)
    assert parallel.to_dict() == serial.to_dict()


def test_psa_on_a_dask_cluster_equals_serial(donbas, cluster):
    serial = psa(donbas, 3000, seed=7, chunk_size=256)
    on_dask = psa(donbas, 3000, seed=7, chunk_size=256, dask=cluster.scheduler_address)
    assert json.dumps(on_dask.to_dict()) == json.dumps(serial.to_dict())
    assert np.array_equal(on_dask.solved_draws, serial.solved_draws)


def test_monte_carlo_on_a_dask_cluster_equals_serial(donbas, cluster):
    from distributed import Client

    serial = simulate(donbas, 10_000, seed=8, paths=True, chunk_size=2048)
    with Client(cluster.scheduler_address, set_as_default=False) as client:  # a client works too
        on_dask = simulate(donbas, 10_000, seed=8, paths=True, chunk_size=2048, dask=client)
        assert client.status == "running"  # a caller's client is left open
    assert on_dask.to_dict() == serial.to_dict()


def test_dask_progress_reports_every_chunk(donbas, cluster):
    done = []
    psa(donbas, 1000, seed=1, chunk_size=300, dask=cluster.scheduler_address, progress=done.append)
    assert sorted(done) == [100, 300, 300, 300]


def test_unreachable_dask_scheduler_is_an_os_error(donbas, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setenv("SCENARIOS_DASK_TIMEOUT", "0.5s")
    with pytest.raises(OSError):
        psa(donbas, 10, seed=1, dask="tcp://127.0.0.1:1")


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([*SCENARIOS, *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env})


def test_cli_workers_give_the_serial_output():
    args = ("simulate", "donbas-recognition-2022", "--uncertainty", "-n", "2500", "--seed", "3", "--json")
    serial = _cli(*args)
    parallel = _cli(*args, "--workers", "2")
    assert serial.returncode == parallel.returncode == 0
    assert parallel.stdout == serial.stdout


def test_cli_unreachable_dask_exits_1():
    pytest.importorskip("distributed")
    out = _cli("simulate", "entry-deterrence", "-n", "10", "--dask", "tcp://127.0.0.1:1",
               SCENARIOS_DASK_TIMEOUT="0.5s")
    assert out.returncode == 1 and out.stdout == ""
    assert "cannot reach the Dask scheduler" in out.stderr and "Traceback" not in out.stderr


def _stderr_on_a_terminal(*args: str) -> str:
    """Run ``scenarios ARGS`` with standard error on a pseudo-terminal; return what it wrote."""
    import fcntl
    import pty
    import select
    import struct
    import termios

    master, slave = pty.openpty()
    # A new pseudo-terminal is 0 columns wide, and tqdm draws nothing in 0 columns.
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    proc = subprocess.Popen([*SCENARIOS, *args], stdout=subprocess.DEVNULL, stderr=slave,
                            stdin=subprocess.DEVNULL)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    proc.wait(timeout=120)
    os.close(master)
    assert proc.returncode == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_on_a_terminal_for_long_runs_and_not_with_quiet():
    args = ("simulate", "donbas-recognition-2022", "--uncertainty", "-n", "250000", "--seed", "1")
    shown = _stderr_on_a_terminal(*args)
    assert "draws/s" in shown and "250k" in shown  # tqdm's bar, with its rate and total
    assert _stderr_on_a_terminal(*args, "--quiet") == ""
    # A short run finishes before the bar's half-second delay: nothing is drawn.
    assert _stderr_on_a_terminal("simulate", "entry-deterrence", "-n", "100", "--seed", "1") == ""

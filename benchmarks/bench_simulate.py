"""Simulation benchmark: Monte Carlo paths, probabilistic sensitivity analysis, workers.

Scenarios are the random trees of ``bench_engine.py`` (node ``j`` in breadth-first order is a
decision or chance node with probability 1/2, with 2 to 4 branches; 3 actors; about two
thirds outcomes), made uncertain for PSA by :func:`uncertain_scenario`: 20 chance nodes get
a first branch ``x_i * s`` with ``x_i ~ Beta`` (mean at the original probability,
concentration 20) and a ``rest`` branch, 5 cost parameters ``~ Triangular(1, 2, 4)`` enter 20
branch payoffs (one through a derived parameter, their sum), and 2 chance nodes draw their
branches from a Dirichlet(2, ..., 2).  A DAG variant redirects a tenth of the branches that
end in an outcome to 50 shared outcomes.

=====================  ===================================================================
paths 1e6 / 1e4 tree   ``simulate(s, 10**6)`` on a 10^4-node tree (target < 0.5 s)
paths 1e6 / 1e4 DAG    the same on the DAG variant (payoffs accrued per step)
paths 1e5 recorded     ``simulate(s, 10**5, paths=True)`` (every path kept, in order)
psa 1e4 / 1e3 untuned  the same as the next row, before the allocator setting below
psa 1e4 / 1e3          ``psa(s, 10**4)`` on a 10^3-node uncertain scenario (target < 1 s)
psa 1e4 / donbas       ``psa`` on the bundled Donbas scenario (30 nodes, 14 parameters)
psa 1e5 serial         ``psa(s, 10**5)`` on the 10^3-node scenario, one process
psa 1e5 workers 2      ``psa(s, 10**5, workers=2)``; speed-up target >= 1.6x
cli donbas psa 1e4     ``scenarios simulate donbas-recognition-2022 --uncertainty -n 10000
                       --json``, end to end (process start, imports, load, run, print)
=====================  ===================================================================

All rows but the first run after ``keep_freed_memory()``, the glibc allocator setting that
``scenarios simulate`` and its worker processes use (freed arrays are kept for reuse
instead of being returned to the system and faulted back in page by page); the first row
shows the same PSA in a process without it, as a library user's process runs it.

Times are the best of R runs (R in the table), wall clock, after one warm-up run; the
machine is shared, so the best run is the one least disturbed by other work.  ``cpu s`` is
the CPU time of that run, this process and its worker processes together: on a busy
machine it shows whether the work itself (rather than the wait for a core) changed.  The
serial and ``workers=2`` runs of the 10^5-draw comparison alternate, ``--rounds`` times
each.  Usage::

    python benchmarks/bench_simulate.py            # everything (about a minute)
    python benchmarks/bench_simulate.py --quick    # skip the 10^5-draw worker comparison
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import scenarios  # noqa: E402
from bench_engine import random_scenario  # noqa: E402
from scenarios.analysis.montecarlo import simulate  # noqa: E402
from scenarios.analysis.parallel import keep_freed_memory  # noqa: E402
from scenarios.analysis.psa import psa  # noqa: E402
from scenarios.errors import ScenarioWarning  # noqa: E402

TARGETS = {"paths 1e6 / 1e4 tree": ("<", 0.5), "psa 1e4 / 1e3 untuned": ("<", 1.0),
           "psa 1e4 / 1e3": ("<", 1.0), "psa 1e5 workers 2": ("speed-up >=", 1.6)}


def uncertain_scenario(n: int, seed: int = 1, n_prob: int = 20, n_cost: int = 5,
                       n_dirichlet: int = 2) -> dict:
    """A random ``n``-node scenario with parameters drawn from distributions (see above)."""
    data = random_scenario(n, seed)
    rng = np.random.default_rng(seed + 1000)
    nodes = data["nodes"]
    chance = [k for k, v in nodes.items() if v["kind"] == "chance"]
    rng.shuffle(chance)
    params: dict[str, object] = {}
    for i, node_id in enumerate(chance[:n_prob]):
        branches = nodes[node_id]["branches"]
        first, last = branches[0]["p"], branches[-1]["p"]
        total = first + last
        mean = first / total
        params[f"x{i}"] = {"value": mean, "dist": {"beta": [20 * mean, 20 * (1 - mean)]}}
        branches[0]["p"] = f"x{i} * {total!r}"
        branches[-1]["p"] = "rest"
    for j in range(n_cost):
        params[f"cost{j}"] = {"value": 2.0, "dist": {"triangular": [1.0, 2.0, 4.0]}}
    params["cost_total"] = " + ".join(f"cost{j}" for j in range(n_cost))
    edges = [b for v in nodes.values() if v["kind"] != "outcome" for b in v["branches"]]
    for t in rng.choice(len(edges), size=20, replace=False):
        edges[t]["payoffs"] = {"a0": f"-cost{t % n_cost}", "a1": "cost_total / 5"}
    for node_id in chance[n_prob:n_prob + n_dirichlet]:
        nodes[node_id]["dist"] = {"dirichlet": [2.0] * len(nodes[node_id]["branches"])}
    data["parameters"] = params
    return data


def dag_scenario(n: int, seed: int = 1, shared: int = 50) -> dict:
    """The random tree with a tenth of its outcome branches sent to ``shared`` common outcomes."""
    data = random_scenario(n, seed)
    nodes = data["nodes"]
    rng = np.random.default_rng(seed + 2000)
    outcomes = [k for k, v in nodes.items() if v["kind"] == "outcome"]
    common = set(outcomes[:shared])
    dropped = set()
    for node in nodes.values():
        for branch in node.get("branches", []):
            if branch["to"] in common or nodes[branch["to"]]["kind"] != "outcome":
                continue
            target = outcomes[int(rng.integers(shared))]
            if rng.random() < 0.1 and all(b["to"] != target for b in node["branches"]):
                dropped.add(branch["to"])
                branch["to"] = target
    data["nodes"] = {k: v for k, v in nodes.items() if k not in dropped}
    data["title"] += " (DAG)"
    return data


def build(data: dict):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        s = scenarios.Scenario.from_dict(data)
    _ = s.compiled  # compile outside the timings
    return s


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children (workers, the CLI)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def best(fn, repeats: int) -> tuple[float, float]:
    """Best wall-clock time of ``repeats`` runs, and the CPU seconds of that run."""
    fn()  # warm-up: first-touch page faults, caches
    runs = []
    for _ in range(repeats):
        cpu, start = _cpu(), time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start, _cpu() - cpu))
    return min(runs)


def best_once(fn) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one run (no warm-up)."""
    cpu, start = _cpu(), time.perf_counter()
    fn()
    return time.perf_counter() - start, _cpu() - cpu


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the 10^5-draw worker comparison")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3,
                        help="serial / workers=2 pairs for the 10^5-draw comparison (default 3)")
    args = parser.parse_args(argv)

    tree = build(random_scenario(10_000, args.seed))
    dag = build(dag_scenario(10_000, args.seed))
    uncertain = build(uncertain_scenario(1_000, args.seed))
    donbas = scenarios.load("donbas-recognition-2022")
    rows = []

    def row(name, what, timing, repeats, note=""):
        seconds, cpu = timing
        rows.append((name, what, seconds, cpu, repeats, note))
        print(f"  … {name}: {seconds:.3f} s (cpu {cpu:.3f} s)", file=sys.stderr, flush=True)

    # First as a library user's process runs it, then with the allocator setting that the
    # command line and worker processes use (parallel.keep_freed_memory).
    row("psa 1e4 / 1e3 untuned", f"{len(uncertain.nodes):,} nodes, {len(uncertain.parameters)} params",
        best(lambda: psa(uncertain, 10**4, seed=1), 5), 5)
    keep_freed_memory()
    row("paths 1e6 / 1e4 tree", f"{len(tree.nodes):,} nodes",
        best(lambda: simulate(tree, 10**6, seed=1), 5), 5)
    row("paths 1e6 / 1e4 DAG", f"{len(dag.nodes):,} nodes",
        best(lambda: simulate(dag, 10**6, seed=1), 3), 3)
    row("paths 1e5 recorded", f"{len(tree.nodes):,} nodes",
        best(lambda: simulate(tree, 10**5, seed=1, paths=True), 3), 3)
    row("psa 1e4 / 1e3", f"{len(uncertain.nodes):,} nodes, {len(uncertain.parameters)} params",
        best(lambda: psa(uncertain, 10**4, seed=1), 5), 5)
    row("psa 1e4 / donbas", f"{len(donbas.nodes)} nodes, {len(donbas.parameters)} params",
        best(lambda: psa(donbas, 10**4, seed=1), 5), 5)
    if not args.quick:
        # Interleaved, so a burst of other work on the machine hits both alike.
        serial, two = [], []
        for _ in range(args.rounds):
            serial.append(best_once(lambda: psa(uncertain, 10**5, seed=1)))
            two.append(best_once(lambda: psa(uncertain, 10**5, seed=1, workers=2)))
        serial, two = min(serial), min(two)
        row("psa 1e5 serial", f"{len(uncertain.nodes):,} nodes", serial, args.rounds)
        row("psa 1e5 workers 2", f"{len(uncertain.nodes):,} nodes", two, args.rounds,
            f"speed-up {serial[0] / two[0]:.2f}x")
    command = [sys.executable, "-m", "scenarios", "simulate", "donbas-recognition-2022",
               "--uncertainty", "-n", "10000", "--seed", "1", "--json"]
    row("cli donbas psa 1e4", "end to end",
        best(lambda: subprocess.run(command, check=True, stdout=subprocess.DEVNULL), 3), 3)

    print(f"\nbench_simulate.py on {os.cpu_count()} cores, load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} (seed {args.seed})\n")
    header = ("benchmark", "scenario", "best s", "cpu s", "runs", "target", "met", "note")
    table = []
    for name, what, seconds, cpu, repeats, note in rows:
        target = TARGETS.get(name)
        met = ""
        if target and target[0] == "<":
            met = "yes" if seconds < target[1] else "NO"
        elif target:
            ratio = rows[[r[0] for r in rows].index("psa 1e5 serial")][2] / seconds
            met = "yes" if ratio >= target[1] else "NO"
        target_text = ""
        if target:
            target_text = f"{target[0]} {target[1]:g}{' s' if target[0] == '<' else 'x'}"
        table.append((name, what, f"{seconds:.3f}", f"{cpu:.3f}", str(repeats), target_text, met, note))
    widths = [max(len(h), *(len(r[i]) for r in table)) for i, h in enumerate(header)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=False)))
    print("  ".join("-" * w for w in widths))
    for r in table:
        cells = (c.rjust(w) if i in (2, 3, 4) else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=False)))
        print("  ".join(cells).rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())

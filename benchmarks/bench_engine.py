"""Engine benchmark: build, compile, evaluate, solve and top paths on random scenarios.

Random scenarios of 10^3 … 10^6 nodes are generated as plain dicts in the file format
(seeded ``numpy.random.Generator``), built through the public loader path
``scenarios.Scenario.from_dict`` (which validates), and timed phase by phase:

=================  ==========================================================================
build s            ``Scenario.from_dict(data, filename=...)``, one run
compile s          first access of ``scenario.compiled`` (``compile_scenario``), one run
evaluate ms        ``scenario.evaluate(top=10)`` plus forcing the eager result: reach array,
                   expected payoffs, ``outcome_order`` and the sorted probabilities; best of R
outcomes-view ms   ``result.outcomes`` (one Python row per outcome, built lazily) on a fresh
                   result; best of R
solve ms           ``scenario.solve(top=10)``, forced the same way; best of R
top-10 ms          ``top_paths(compiled, bind(scenario).p, 10)`` alone; best of R
numpy ref ms       the bare numpy evaluator of ``numpy_reference.py`` (bincount rollback for
                   evaluate, padded argmax backward induction for solve) on the same compiled
                   arrays and bound numbers, answers checked against the engine's; best of R.
                   "ratio" is the engine's time over the reference's
peak MB            RSS high-water mark over build + compile + evaluate + solve, minus the RSS
                   just before the build (a ``ru_maxrss``-style delta: Linux ``VmHWM``, reset
                   through ``/proc/self/clear_refs`` where allowed, else ``getrusage``)
=================  ==========================================================================

R is 20 / 10 / 5 / 3 for 10^3 / 10^4 / 10^5 / 10^6 nodes.  Each size runs in a fresh
child process (this script with ``--worker``), so memory figures and the garbage
collector's state do not leak from one size to the next.

The random trees: node ``j`` in breadth-first order is a decision or chance node with
probability 1/2 (the first few always are, so the tree cannot die out), with 2 to 4
branches; the rest are outcomes.  That gives about two thirds outcomes and a depth of a
few dozen generations at 10^6 nodes.  Nodes are listed depth-first (as authors write
trees), not sorted by generation.  Decisions belong to one of 3 actors; half of them carry
a belief ``p`` on their branches, half none (equal weights).  Chance ``p`` are numbers.
Outcomes have payoffs for all 3 actors; one branch in ten carries a payoff for one actor.

Also timed: the command line end to end on a 10^4-node YAML file
(``scenarios evaluate FILE --json > /dev/null``, best of 3), ``scenarios --help`` (best of
5), and a 20,000-level chain of chance nodes, each going on with p 0.9999 or, with
``rest``, to a side outcome (every tenth side branch carries a payoff).

Usage::

    python benchmarks/bench_engine.py              # 10^3 … 10^6 (10^6 needs ~1 min, a few GB)
    python benchmarks/bench_engine.py --max-exp 5  # stop at 10^5
    python benchmarks/bench_engine.py --seed 7
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the numpy reference beside this file
import numpy_reference  # noqa: E402

ACTORS = ("a0", "a1", "a2")
REPEATS = {3: 20, 4: 10, 5: 5, 6: 3}
CHAIN_LEVELS = 20_000
E2E_EXP = 4
TARGETS = {  # upper limits in seconds
    "evaluate_1e6": 0.100,
    "solve_1e6": 0.100,
    "compile_1e6": 2.0,
    "e2e_1e4": 2.0,
    "help": 0.25,
}


# -- random scenarios ----------------------------------------------------------------------------
def _tree_shape(n: int, rng: np.random.Generator, q: float = 0.5, forced: int = 8):
    """Branch counts per node in breadth-first order (0 for outcomes); node 0 is the root.

    Node ``j``'s children are the nodes ``first[j] : first[j] + kids[j]``.
    """
    if n < 3:
        raise ValueError("need at least 3 nodes")
    internal = rng.random(n) < q
    internal[:forced] = True
    b = rng.integers(2, 5, size=n)
    while True:
        kids = np.where(internal, b, 0)
        count = 1 + np.cumsum(kids)  # nodes that exist once nodes 0..j are expanded
        done = np.flatnonzero(count >= n)
        stop = int(done[0]) if len(done) else n
        # Node j+1 must exist before it is expanded: count[j] >= j + 2 for j < stop.
        dead = np.flatnonzero(count[:stop] < np.arange(2, stop + 2))
        if len(dead):
            internal[dead[0]] = True  # revive the tree where it died out
            continue
        if not len(done):  # ran out of candidates (tiny n): expand the first leaf
            internal[np.flatnonzero(~internal)[0]] = True
            continue
        break
    kids[stop + 1:] = 0
    over = int(count[stop]) - n
    kids[stop] -= over
    if kids[stop] < 2:  # give the missing branch back, take one from a node with 3 or 4
        short = 2 - kids[stop]
        kids[stop] = 2
        donors = np.flatnonzero(kids[:stop] >= 3)
        for d in donors[::-1][:short]:
            kids[d] -= 1
    first = np.concatenate(([1], 1 + np.cumsum(kids)[:-1]))
    assert first[-1] + kids[-1] == n and (kids[:n] == 0).sum() > 0
    assert np.all(first[kids > 0] > np.flatnonzero(kids > 0)), "a child before its parent"
    return kids, first


def _depth_first(kids: np.ndarray, first: np.ndarray) -> list[int]:
    """Breadth-first indices in depth-first pre-order (how an author lists a tree)."""
    kids_l, first_l = kids.tolist(), first.tolist()
    order = []
    stack = [0]
    while stack:
        j = stack.pop()
        order.append(j)
        k = kids_l[j]
        if k:
            f = first_l[j]
            stack.extend(range(f + k - 1, f - 1, -1))
    return order


def random_scenario(n: int, seed: int) -> dict:
    """A random n-node scenario tree as plain data in the file format."""
    rng = np.random.default_rng(seed)
    kids, first = _tree_shape(n, rng)
    internal = kids > 0
    n_edges = int(kids.sum())
    owner = np.repeat(np.arange(n), kids)  # per edge, in breadth-first edge order
    decision = internal & (rng.random(n) < 0.5)
    actor = rng.integers(0, len(ACTORS), size=n)
    beliefs = rng.random(n) < 0.5  # decisions with a belief p
    weights = rng.integers(1, 10, size=n_edges).astype(float)
    starts = np.concatenate(([0], np.cumsum(kids)))[:-1]
    totals = np.add.reduceat(weights, starts[internal])
    node_total = np.zeros(n)
    node_total[internal] = totals
    p = weights / node_total[owner]
    give_p = ~decision[owner] | beliefs[owner]
    outcome_pay = np.round(rng.normal(0.0, 5.0, size=(n, len(ACTORS))), 1)
    has_branch_pay = rng.random(n_edges) < 0.1
    branch_actor = rng.integers(0, len(ACTORS), size=n_edges)
    branch_pay = rng.integers(-5, 6, size=n_edges)

    ids = [f"n{j}" for j in range(n)]
    kids_l, starts_l = kids.tolist(), starts.tolist()
    decision_l, actor_l = decision.tolist(), actor.tolist()
    p_l, give_p_l = p.tolist(), give_p.tolist()
    pay_l = outcome_pay.tolist()
    has_bp_l, bact_l, bpay_l = has_branch_pay.tolist(), branch_actor.tolist(), branch_pay.tolist()
    first_l = first.tolist()

    nodes = {}
    for j in _depth_first(kids, first):
        k = kids_l[j]
        if not k:
            row = pay_l[j]
            nodes[ids[j]] = {"kind": "outcome",
                             "payoffs": {ACTORS[0]: row[0], ACTORS[1]: row[1], ACTORS[2]: row[2]}}
            continue
        branches = []
        e0, c0 = starts_l[j], first_l[j]
        for i in range(k):
            e = e0 + i
            branch = {"to": ids[c0 + i]}
            if give_p_l[e]:
                branch["p"] = p_l[e]
            if has_bp_l[e]:
                branch["payoffs"] = {ACTORS[bact_l[e]]: bpay_l[e]}
            branches.append(branch)
        if decision_l[j]:
            nodes[ids[j]] = {"kind": "decision", "actor": ACTORS[actor_l[j]], "branches": branches}
        else:
            nodes[ids[j]] = {"kind": "chance", "branches": branches}
    return {
        "title": f"Random benchmark scenario ({n:,} nodes, seed {seed})",
        "actors": {a: {"name": f"Actor {a}"} for a in ACTORS},
        "root": ids[0],
        "nodes": nodes,
    }


def chain_scenario(levels: int, seed: int) -> dict:
    """``levels`` chance nodes in a line; each also branches to a side outcome."""
    rng = np.random.default_rng(seed)
    pay = np.round(rng.normal(0.0, 5.0, size=(levels + 1, len(ACTORS))), 1).tolist()
    nodes = {}
    for i in range(levels):
        on = f"c{i + 1}" if i + 1 < levels else "end"
        nodes[f"c{i}"] = {"kind": "chance", "branches": [
            {"to": on, "p": 0.9999},
            {"to": f"o{i}", "p": "rest", "payoffs": {ACTORS[i % 3]: 1}} if i % 10 == 0
            else {"to": f"o{i}", "p": "rest"},
        ]}
    for i in range(levels):
        nodes[f"o{i}"] = {"kind": "outcome", "payoffs": dict(zip(ACTORS, pay[i], strict=False))}
    nodes["end"] = {"kind": "outcome", "payoffs": dict(zip(ACTORS, pay[levels], strict=False))}
    return {"title": f"Chain of {levels:,} chance nodes",
            "actors": {a: {"name": a} for a in ACTORS}, "root": "c0", "nodes": nodes}


# -- measuring ---------------------------------------------------------------------------------
def _best(fn, repeats: int) -> tuple[float, object]:
    """Best wall time of ``repeats`` calls of ``fn`` and the last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        result = None  # free the previous result before the next run
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


class PeakRSS:
    """RSS high-water mark since ``reset()``, in bytes (Linux VmHWM, else ru_maxrss delta)."""

    def __init__(self):
        self.method = "getrusage"
        self.base = 0

    @staticmethod
    def _status(field: str) -> int | None:
        try:
            with open("/proc/self/status") as f:
                for line in f:
                    if line.startswith(field + ":"):
                        return int(line.split()[1]) * 1024
        except OSError:
            return None
        return None

    def reset(self) -> None:
        gc.collect()
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")  # resets VmHWM to the current RSS
            self.method = "VmHWM"
            self.base = self._status("VmRSS")
        except OSError:
            import resource

            self.method = "getrusage"
            self.base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    def peak(self) -> int:
        if self.method == "VmHWM":
            return self._status("VmHWM") - self.base
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - self.base


def _force(result):
    """Touch the eagerly computed parts of a result, including the sorted outcomes."""
    reach = result.reach_array
    dict(result.expected_payoffs)
    order = result.outcome_order
    probabilities = reach[order]
    return result, probabilities


def worker_size(exp: int, seed: int) -> dict:
    """Measure one size in this process; return the numbers."""
    import scenarios
    from scenarios.engine.bind import bind
    from scenarios.engine.paths import top_paths

    n = 10 ** exp
    repeats = REPEATS.get(exp, 3)
    t0 = time.perf_counter()
    data = random_scenario(n, seed + exp)
    generate = time.perf_counter() - t0

    rss = PeakRSS()
    rss.reset()
    t0 = time.perf_counter()
    scenario = scenarios.Scenario.from_dict(data, filename=f"random-1e{exp}.yaml")
    build = time.perf_counter() - t0

    t0 = time.perf_counter()
    compiled = scenario.compiled
    compile_s = time.perf_counter() - t0

    evaluate_s, (result, _) = _best(lambda: _force(scenario.evaluate(top=10)), repeats)
    assert abs(float(result.reach_array[result.outcome_order].sum()) - 1.0) < 1e-6
    del result
    solve_s, (solved, _) = _best(lambda: _force(scenario.solve(top=10)), repeats)
    del solved
    peak = rss.peak()

    outcome_view = float("inf")
    for _ in range(repeats):
        fresh = scenario.evaluate(top=10)
        t0 = time.perf_counter()
        _ = fresh.outcomes  # built on first access: that is what is timed
        outcome_view = min(outcome_view, time.perf_counter() - t0)
        del fresh

    bound = bind(scenario)
    top_s, found = _best(lambda: top_paths(compiled, bound.p, 10), repeats)
    assert len(found) == 10

    # The bare numpy reference on the same compiled arrays and bound numbers.
    node_pay, edge_pay = bound.node_payoff_by_actor, bound.edge_payoff_by_actor
    generations = numpy_reference._generations(compiled)
    ref_eval_s, (ref_reach, ref_values) = _best(
        lambda: numpy_reference.reference_evaluate(compiled, bound.p, node_pay, edge_pay, generations), repeats)
    plans = numpy_reference.prepare_solve(compiled)
    ref_solve_s, (ref_solved, _) = _best(
        lambda: numpy_reference.reference_solve(compiled, bound.p, node_pay, edge_pay, plans), repeats)
    check = scenario.evaluate(top=0)
    assert np.allclose(ref_reach, check.reach_array) and np.allclose(ref_values.T, check.values_array)
    assert np.allclose(ref_solved[:, compiled.root], scenario.solve(top=0).values_array[compiled.root])
    return {
        "exp": exp, "nodes": compiled.n_nodes, "edges": compiled.n_edges,
        "outcomes": int((compiled.kind == 2).sum()), "generations": len(compiled.gen_nodes) - 1,
        "repeats": repeats, "generate": generate, "build": build, "compile": compile_s,
        "evaluate": evaluate_s, "outcomes_view": outcome_view, "solve": solve_s, "top10": top_s,
        "peak": peak, "peak_method": rss.method, "ref_evaluate": ref_eval_s, "ref_solve": ref_solve_s,
    }


def worker_chain(seed: int) -> dict:
    import scenarios

    data = chain_scenario(CHAIN_LEVELS, seed)
    t0 = time.perf_counter()
    scenario = scenarios.Scenario.from_dict(data, filename="chain.yaml")
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    compiled = scenario.compiled
    compile_s = time.perf_counter() - t0
    evaluate_s, _ = _best(lambda: _force(scenario.evaluate(top=10)), 3)
    solve_s, _ = _best(lambda: _force(scenario.solve(top=10)), 3)
    return {"nodes": compiled.n_nodes, "generations": len(compiled.gen_nodes) - 1, "build": build,
            "compile": compile_s, "evaluate": evaluate_s, "solve": solve_s}


def _run_worker(args: list[str]) -> dict:
    """Run this script as a child with ``args``; its last stdout line is the JSON result."""
    proc = subprocess.run([sys.executable, os.path.abspath(__file__), *args],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        return {"error": f"exit {proc.returncode}: {tail}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- end to end ---------------------------------------------------------------------------------
def write_yaml(data: dict, path: Path) -> None:
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    with open(path, "w", encoding="utf-8") as f:
        yaml.dump(data, f, Dumper=dumper, sort_keys=False, default_flow_style=None,
                  allow_unicode=True, width=200)


def scenarios_command() -> str:
    here = Path(sys.executable).parent / "scenarios"
    found = str(here) if here.exists() else shutil.which("scenarios")
    if not found:
        raise SystemExit("cannot find the 'scenarios' command next to this Python or on PATH")
    return found


def time_command(argv: list[str], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - t0
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}: "
                               f"{proc.stderr.decode(errors='replace')[-500:]}")
        best = min(best, elapsed)
    return best


# -- report ------------------------------------------------------------------------------------
def _verdict(value, limit) -> str:
    if value is None:
        return "n/a (not run)"
    return ("PASS" if value < limit else "FAIL")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the scenarios engine (prints a table).")
    parser.add_argument("--max-exp", type=int, default=6, choices=(3, 4, 5, 6),
                        help="largest size is 10^MAX_EXP nodes (default 6)")
    parser.add_argument("--seed", type=int, default=20240216, help="random seed (default 20240216)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)  # internal: one measurement per child
    args = parser.parse_args(argv)

    if args.worker:
        out = worker_chain(args.seed) if args.worker == "chain" else worker_size(int(args.worker), args.seed)
        print(json.dumps(out))
        return 0

    import numpy

    import scenarios

    sys.stdout.reconfigure(line_buffering=True)  # keep the table and the progress notes in order
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    print(f"# scenarios {scenarios.__version__} engine benchmark — Python {sys.version.split()[0]}, "
          f"numpy {numpy.__version__}, {os.cpu_count()} CPUs, seed {args.seed}, "
          f"load average {load} (1/5/15 min) at the start\n", flush=True)
    rows = []
    for exp in range(3, args.max_exp + 1):
        print(f"  running 10^{exp} nodes…", file=sys.stderr, flush=True)
        rows.append(_run_worker(["--worker", str(exp), "--seed", str(args.seed)]))

    print("| nodes | build s | compile s | evaluate ms | numpy ref ms | ratio | solve ms | numpy ref ms | ratio "
          "| outcomes-view ms | top-10 ms | peak MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for exp, r in zip(range(3, args.max_exp + 1), rows, strict=False):
        if "error" in r:
            print(f"| 10^{exp} | error: {r['error']} |||||||")
            continue
        print(f"| 10^{exp} | {r['build']:.3f} | {r['compile']:.3f} | {r['evaluate'] * 1e3:,.1f} "
              f"| {r['ref_evaluate'] * 1e3:,.1f} | {r['evaluate'] / r['ref_evaluate']:.1f}x "
              f"| {r['solve'] * 1e3:,.1f} | {r['ref_solve'] * 1e3:,.1f} | {r['solve'] / r['ref_solve']:.1f}x "
              f"| {r['outcomes_view'] * 1e3:,.1f} | {r['top10'] * 1e3:,.2f} | {r['peak'] / 2**20:,.0f} |")
    print()
    for exp, r in zip(range(3, args.max_exp + 1), rows, strict=False):
        if "error" not in r:
            print(f"- 10^{exp}: {r['nodes']:,} nodes, {r['edges']:,} edges, {r['outcomes']:,} outcomes, "
                  f"{r['generations']} generations; best of {r['repeats']}; data generated in "
                  f"{r['generate']:.2f} s; peak = RSS high-water delta ({r['peak_method']})")

    print("  running the command line…", file=sys.stderr, flush=True)
    command = scenarios_command()
    with tempfile.TemporaryDirectory(prefix="bench-scenarios-") as tmp:
        path = Path(tmp) / "random-1e4.yaml"
        write_yaml(random_scenario(10 ** E2E_EXP, args.seed + E2E_EXP), path)
        size = path.stat().st_size
        e2e = time_command([command, "evaluate", str(path), "--json"], 3)
    help_s = time_command([command, "--help"], 5)
    print(f"\nend to end: `scenarios evaluate FILE --json > /dev/null` on a 10^4-node YAML file "
          f"({size / 1024:,.0f} KiB): {e2e:.3f} s (best of 3)")
    print(f"`scenarios --help`: {help_s * 1e3:.0f} ms (best of 5)")

    print("  running the chain…", file=sys.stderr, flush=True)
    chain = _run_worker(["--worker", "chain", "--seed", str(args.seed)])
    if "error" in chain:
        print(f"chain of {CHAIN_LEVELS:,} levels: error: {chain['error']}")
    else:
        print(f"chain of {CHAIN_LEVELS:,} levels ({chain['nodes']:,} nodes, {chain['generations']:,} "
              f"generations): build {chain['build']:.3f} s, compile {chain['compile']:.3f} s, "
              f"evaluate {chain['evaluate'] * 1e3:,.1f} ms, solve {chain['solve'] * 1e3:,.1f} ms "
              f"(best of 3)")

    big = rows[3] if len(rows) > 3 and "error" not in rows[3] else {}
    checks = [
        ("evaluate 10^6 < 100 ms", big.get("evaluate"), TARGETS["evaluate_1e6"], 1e3, "ms"),
        ("solve 10^6 < 100 ms", big.get("solve"), TARGETS["solve_1e6"], 1e3, "ms"),
        ("compile 10^6 < 2 s", big.get("compile"), TARGETS["compile_1e6"], 1, "s"),
        ("10^4-node file end to end < 2 s", e2e, TARGETS["e2e_1e4"], 1, "s"),
        ("--help < 0.25 s", help_s, TARGETS["help"], 1, "s"),
    ]
    parts = []
    for label, value, limit, scale, unit in checks:
        shown = "" if value is None else f" ({value * scale:,.{0 if unit == 'ms' else 2}f} {unit})"
        parts.append(f"{label}: {_verdict(value, limit)}{shown}")
    print("\ntargets: " + "; ".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())

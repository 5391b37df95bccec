"""Sensitivity benchmark: tornado, spider, two-way grid and threshold on random scenarios.

Random trees of 10^3 and 10^4 nodes (the shape of ``bench_engine.random_scenario``: about
half the internal nodes decisions, 2-4 branches, three actors) get 20 parameters with
``low``/``high`` ranges: 10 scale one branch probability of the chance nodes (each chance
node's first branch is ``(1/k) * s_j``, its last ``rest``, so every value in the range is
valid) and 10 shift outcome payoffs (``x + c_j``).  Each design is timed on a loaded
scenario (loading is not timed), best of R runs:

==================  ======================================================================
tornado/belief      ``tornado(s)``: 20 variables x (low, high) + base = 41 settings, metric
                    payoff of the root's actor, choice at the root
tornado/fixed       the same with ``policy="fixed"`` (includes the base-case solve)
tornado/reoptimize  the same with ``policy="reoptimize"``
tornado/tag         ``policy="reoptimize"``, metric ``tag:t0`` (a forward pass as well)
spider              ``spider(s, steps=11)``: 20 x 11 + 1 = 221 settings
grid 21x21          ``grid(s, s0, c0, steps=21)``: 441 settings
threshold           ``threshold(s, c0, steps=101)``: scan plus bisection to 1e-9
loop baseline       the tornado's 41 settings as 41 calls of ``scenario.solve()`` (what
                    batching saves)
==================  ======================================================================

The target (issue #3): a tornado over 20 parameters on a 10^3-node scenario < 0.2 s.

Usage::

    python benchmarks/bench_sensitivity.py
    python benchmarks/bench_sensitivity.py --seed 7 --repeats 5
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import bench_engine  # noqa: E402  (the random tree shapes)
import scenarios  # noqa: E402
from scenarios.analysis.sensitivity import grid, spider, threshold, tornado  # noqa: E402
from scenarios.errors import ScenarioWarning  # noqa: E402

N_SCALE = 10
N_SHIFT = 10
TARGET_TORNADO_1E3 = 0.2


def parameterised(n: int, seed: int) -> dict:
    """A random n-node scenario with 20 ranged parameters in probabilities and payoffs."""
    data = bench_engine.random_scenario(n, seed)
    params = {}
    for j in range(N_SCALE):
        params[f"s{j}"] = {"value": 1.0, "low": 0.5, "high": 1.5}
    for j in range(N_SHIFT):
        params[f"c{j}"] = {"value": 0.0, "low": -5.0, "high": 5.0}
    chance = outcome = 0
    for node in data["nodes"].values():
        if node["kind"] == "chance":
            k = len(node["branches"])
            for branch in node["branches"]:
                branch["p"] = 1.0 / k
            node["branches"][0]["p"] = f"{1.0 / k!r} * s{chance % N_SCALE}"
            node["branches"][-1]["p"] = "rest"
            chance += 1
        elif node["kind"] == "outcome":
            payoffs = node["payoffs"]
            payoffs["a0"] = f"{payoffs['a0']!r} + c{outcome % N_SHIFT}"
            if outcome % 7 == 0:
                node["tags"] = ["t0"]
            outcome += 1
    data["parameters"] = params
    return data


def best_of(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sizes", default="1000,10000")
    args = parser.parse_args(argv)

    rows = []
    for n in [int(x) for x in args.sizes.split(",")]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScenarioWarning)
            s = scenarios.Scenario.from_dict(parameterised(n, args.seed), filename=f"<random {n}>")
        c = s.compiled  # compile once, as any loaded scenario is
        # The decision nearest the root (the random root may be a chance node).
        top = next(c.ids[i] for i in range(c.n_nodes) if s.nodes[c.ids[i]].kind == "decision")
        cases = [
            ("tornado/belief", lambda s=s, top=top: tornado(s, node=top)),
            ("tornado/fixed", lambda s=s, top=top: tornado(s, policy="fixed", node=top)),
            ("tornado/reoptimize", lambda s=s, top=top: tornado(s, policy="reoptimize", node=top)),
            ("tornado/tag", lambda s=s, top=top: tornado(s, policy="reoptimize", metric="tag:t0", node=top)),
            ("spider 11 steps", lambda s=s, top=top: spider(s, steps=11, node=top)),
            ("grid 21x21", lambda s=s, top=top: grid(s, "s0", "c0", steps=21, node=top)),
            ("threshold", lambda s=s, top=top: threshold(s, "c0", node=top)),
            ("loop baseline (41 solves)", lambda s=s, top=top: [s.solve(top=0) for _ in range(41)]),
        ]
        for name, fn in cases:
            fn()  # warm up (imports, caches)
            rows.append((f"{n:,}", name, best_of(fn, args.repeats)))

    print(f"{'nodes':>7}  {'design':<26}  {'seconds':>9}  target")
    print(f"{'-' * 7}  {'-' * 26}  {'-' * 9}  {'-' * 14}")
    ok = True
    for nodes, name, seconds in rows:
        target = ""
        if nodes == "1,000" and name.startswith("tornado/"):
            passed = seconds < TARGET_TORNADO_1E3
            ok &= passed
            target = f"< {TARGET_TORNADO_1E3} s {'ok' if passed else 'MISSED'}"
        print(f"{nodes:>7}  {name:<26}  {seconds:>9.4f}  {target}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

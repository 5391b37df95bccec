"""Value-of-information benchmark: EVPI for every chance node at the root decision.

Random trees of 10^3, 10^4 and 10^5 nodes (``bench_engine.random_scenario``: about half the
internal nodes decisions, 2-4 branches, three actors; the root made a decision of actor
``a``).  Timed on a loaded scenario (loading is not timed), best of R runs:

==================  ======================================================================
evpi/strategic      ``value_of_information(s, everything_too=False)``: EVPI of every chance
                    node below the root, every decision re-solved (the path update of
                    ``engine/pinned.py``: one column per chance node and branch)
evpi/belief         the same in belief mode (the root alone optimised; the other actors'
                    decisions are uncertainties too, so there are more columns)
clairvoyance        ``value_of_information(s)`` with 1000 sampled joint outcomes (full
                    batched rollbacks, one column per joint outcome)
loop baseline       EVPI of the first 20 chance nodes by one ``scenario.solve(overrides=
                    {NODE.CHILD: 1})`` per branch, scaled to every chance node (what
                    batching saves)
==================  ======================================================================

The target (issue 12): EVPI for every chance node of a 10^4-node scenario <= 2 s.

Usage::

    python benchmarks/bench_voi.py
    python benchmarks/bench_voi.py --sizes 3 4 --repeats 3
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import scenarios  # noqa: E402
from bench_engine import random_scenario  # noqa: E402
from scenarios.analysis.voi import value_of_information  # noqa: E402


def best(fn, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def build(n: int, seed: int) -> scenarios.Scenario:
    data = random_scenario(n, seed)
    root = data["nodes"][data["root"]]
    root["kind"], root["actor"] = "decision", next(iter(data["actors"]))
    return scenarios.Scenario.from_dict(data)


def loop_baseline(s: scenarios.Scenario, chances: list[str], limit: int = 20) -> float:
    """Seconds for EVPI of ``limit`` chance nodes by Python re-solves, scaled to all of them."""
    actor = s.nodes[s.root].actor
    t = time.perf_counter()
    base = s.solve().values[s.root][actor]
    for node in chances[:limit]:
        total = 0.0
        for b in s.nodes[node].branches:
            total += s.solve(overrides={f"{node}.{b.to}": 1.0}).values[s.root][actor]
        _ = total - base
    elapsed = time.perf_counter() - t
    return elapsed * len(chances) / max(1, min(limit, len(chances)))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[3, 4, 5], help="powers of ten (default 3 4 5)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    print(f"{'nodes':>8} {'chance':>7} {'evpi/strategic':>15} {'evpi/belief':>12} {'clairvoyance':>13} "
          f"{'loop baseline':>14}  target")
    for exp in args.sizes:
        s = build(10 ** exp, args.seed)
        chances = [n for n, v in s.nodes.items() if v.kind == "chance"]
        strategic, _ = best(lambda s=s: value_of_information(s, everything_too=False), args.repeats)
        belief, _ = best(lambda s=s: value_of_information(s, mode="belief", everything_too=False), args.repeats)
        clair, _ = best(lambda s=s: value_of_information(s, samples=1000), 1)
        loop = f"{loop_baseline(s, chances):.1f}s" if exp <= 4 else "-"
        verdict = ("ok" if strategic <= 2.0 else "SLOW") if exp == 4 else ""
        print(f"{10 ** exp:>8,} {len(chances):>7,} {strategic:>14.3f}s {belief:>11.3f}s {clair:>12.3f}s "
              f"{loop:>14}  {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

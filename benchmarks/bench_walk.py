"""Walk benchmark: start, roll to the end, rank the path, and export the HTML page.

Random scenarios of 10^3 … 10^5 nodes come from ``bench_engine.random_scenario`` (seeded),
built through ``Scenario.from_dict``.  Per size, timed (best of R):

==============  ================================================================================
walk ms         ``Walk(scenario, seed=s)``: evaluating the numbers (compile excluded, done once before)
roll ms         rolling from the root to an outcome (all steps of one walk)
rank ms         ``walk.rank()`` for that path: counting every path exactly, then the best-first
                search for the paths more probable than it
asked           the most paths the search was asked for (it asks for 64, then 4x as many)
paths           the number of root-to-outcome paths (exact, never enumerated)
summary ms      ``walk.summary()`` minus the rank: solve once, review, reveal
html ms / KB    ``scenarios.export.html.export(scenario)`` and the page's size
==============  ================================================================================

Also: ``scenarios play donbas-recognition-2022 --auto`` end to end (best of 3).  The rank
is the one step whose cost depends on where the path ranks: a path far down the list
makes the search visit every path above it.  The table reports the rolled path (a typical
one); the line below it the least probable path of a 10^4-node scenario (the worst case).

Usage::

    python benchmarks/bench_walk.py            # 10^3 … 10^5
    python benchmarks/bench_walk.py --max-exp 4
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import scenarios  # noqa: E402
import scenarios.engine.rank as rank_module  # noqa: E402
from bench_engine import random_scenario  # noqa: E402
from scenarios.export.html import export  # noqa: E402
from scenarios.walk import Walk  # noqa: E402

REPEATS = {3: 10, 4: 5, 5: 3}


def best(fn, repeats):
    times, value = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return min(times), value


def rolled_walk(scenario, seed):
    walk = Walk(scenario, seed=seed)
    while not walk.is_finished:
        walk.roll()
    return walk


def spy_top_paths():
    asked = []
    real = rank_module.top_paths

    def spy(compiled, p, k, **kw):
        asked.append(k)
        return real(compiled, p, k, **kw)

    rank_module.top_paths = spy
    return asked, real


def least_probable_walk(scenario):
    """The walk along the least probable path of positive probability: the last in the ranking."""
    from scenarios.engine.bind import bind
    from scenarios.engine.paths import all_paths

    compiled = scenario.compiled
    nodes, _, _ = min((path for path in all_paths(compiled, bind(scenario).p) if path[2] > 0),
                      key=lambda path: path[2])
    walk = Walk(scenario, seed=0)
    for i in nodes[1:]:
        walk.choose(compiled.ids[i])
    return walk


def row(exp, seed):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scenario = scenarios.Scenario.from_dict(random_scenario(10**exp, seed), filename="bench")
    _ = scenario.compiled  # compile once, outside the timings
    r = REPEATS[exp]
    t_walk, _ = best(lambda: Walk(scenario, seed=seed), r)
    t_roll, walk = best(lambda: rolled_walk(scenario, seed), r)
    asked, real = spy_top_paths()
    try:
        t_rank, rank = best(walk.rank, r)
    finally:
        rank_module.top_paths = real
    walk.summary()  # solve once (cached on the walk)
    t_summary, _ = best(walk.summary, r)
    t_html, page = best(lambda: export(scenario), max(1, r // 2))
    return {"nodes": 10**exp, "steps": len(walk.history), "walk": t_walk, "roll": t_roll,
            "rank": t_rank, "position": rank.rank, "asked": max(asked), "paths": rank.total,
            "summary": max(t_summary - t_rank, 0.0), "html": t_html, "kb": len(page.encode()) / 1024}


def worst_case(seed):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scenario = scenarios.Scenario.from_dict(random_scenario(10**4, seed), filename="bench")
    walk = least_probable_walk(scenario)
    asked, real = spy_top_paths()
    try:
        t_rank, rank = best(walk.rank, 3)
    finally:
        rank_module.top_paths = real
    return t_rank, rank, max(asked)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-exp", type=int, default=5, choices=(3, 4, 5))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    header = (f"{'nodes':>8} {'steps':>5} {'walk ms':>8} {'roll ms':>8} {'rank ms':>8} {'rank':>6} "
              f"{'asked':>6} {'paths':>8} {'summary ms':>10} {'html ms':>8} {'html KB':>8}")
    print(header)
    print("-" * len(header))
    for exp in range(3, args.max_exp + 1):
        r = row(exp, args.seed)
        print(f"{r['nodes']:>8} {r['steps']:>5} {1e3 * r['walk']:>8.2f} {1e3 * r['roll']:>8.2f} "
              f"{1e3 * r['rank']:>8.1f} {r['position']:>6} {r['asked']:>6} {r['paths']:>8} "
              f"{1e3 * r['summary']:>10.1f} {1e3 * r['html']:>8.0f} {r['kb']:>8.0f}")

    t_rank, rank, asked = worst_case(args.seed)
    print(f"\nworst case, 10^4 nodes, the least probable path: rank {rank.rank} of "
          f"{rank.total} paths in {1e3 * t_rank:.0f} ms (search asked for {asked} paths)")

    command = [str(Path(sys.executable).parent / "scenarios"), "play", "donbas-recognition-2022",
               "--auto", "--seed", "1"]
    t_play, _ = best(lambda: subprocess.run(command, capture_output=True, check=True), 3)
    print(f"scenarios play donbas-recognition-2022 --auto, end to end: {1e3 * t_play:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

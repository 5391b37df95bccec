"""``--exact`` and ``explain`` benchmark: fractions against floats, contributions by path and outcome.

Random scenario trees of 10^3 … 10^5 nodes (seeded; three actors, half the nodes decisions,
branch probabilities in twentieths so that they sum to 1 exactly, a tenth of the branches
with a payoff).  Per size, timed (best of R, the compile step done once before):

============  ==================================================================================
solve ms      ``scenario.solve(top=0)``: the float engine
exact ms      ``scenario.solve(top=0, exact=True)``: the same in fractions (pure Python)
ratio         exact / float
paths ms      ``explain(result, by="paths")``: counting, then listing every path (up to 10,000)
outcomes ms   ``explain(result, by="outcomes")``: the vectorised forward pass, one row per outcome
============  ==================================================================================

Exact mode refuses more than ``EXACT_LIMIT`` nodes and branches (100,000): the 10^5 row
shows "refused" there.

Usage::

    python benchmarks/bench_explain.py            # 10^3 … 10^5
    python benchmarks/bench_explain.py --max-exp 4
"""

from __future__ import annotations

import argparse
import random
import time

import scenarios
from scenarios.engine.exact import EXACT_LIMIT
from scenarios.engine.explain import PATH_LIMIT, explain

ACTORS = ("a", "b", "c")


def random_tree(n: int, seed: int) -> dict:
    """An n-node tree: each internal node has 2-4 branches; probabilities in twentieths."""
    rng = random.Random(seed)
    nodes: dict[str, dict] = {}
    queue, made = [0], 1
    while queue:
        i = queue.pop(0)
        k = min(rng.randint(2, 4), n - made)
        if k < 2:
            nodes[f"n{i}"] = {"kind": "outcome", "payoffs": {a: rng.randint(-9, 9) / 2 for a in ACTORS}}
            continue
        cuts = sorted(rng.sample(range(1, 20), k - 1))
        weights = [(b - a) / 20 for a, b in zip([0, *cuts], [*cuts, 20], strict=True)]
        branches = []
        for j in range(k):
            branch: dict = {"to": f"n{made + j}", "label": f"b{j}", "p": weights[j]}
            if rng.random() < 0.1:
                branch["payoffs"] = {rng.choice(ACTORS): rng.randint(-5, 5) / 10}
            branches.append(branch)
        queue += range(made, made + k)
        made += k
        node: dict = {"kind": "chance", "branches": branches}
        if rng.random() < 0.5:
            node = {"kind": "decision", "actor": rng.choice(ACTORS), "branches": branches}
        nodes[f"n{i}"] = node
    return {"title": f"random {n}", "actors": {a: {"name": a.upper()} for a in ACTORS}, "nodes": nodes}


def best(fn, repeats: int):
    times, value = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return min(times) * 1000, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-exp", type=int, default=5)
    args = parser.parse_args()
    print(f"{'nodes':>7}  {'solve ms':>9}  {'exact ms':>9}  {'ratio':>6}  {'paths ms':>9}  {'outcomes ms':>11}  rows")
    for exp in range(3, args.max_exp + 1):
        s = scenarios.Scenario.from_dict(random_tree(10 ** exp, seed=exp))
        s.compiled  # noqa: B018  (compile once, outside the timings)
        repeats = 5 if exp < 5 else 2
        solve_ms, result = best(lambda s=s: s.solve(top=0), repeats)
        size = s.compiled.n_nodes + s.compiled.n_edges
        if size <= EXACT_LIMIT:
            exact_ms, _ = best(lambda s=s: s.solve(top=0, exact=True), max(1, repeats // 2))
            exact, ratio = f"{exact_ms:9.1f}", f"{exact_ms / solve_ms:6.1f}"
        else:
            exact, ratio = f"{'refused':>9}", f"{'':>6}"
        belief = s.evaluate(top=0)
        paths_ms, e = best(lambda b=belief: explain(b, actor="a", top=20), repeats)
        outcomes_ms, o = best(lambda b=belief: explain(b, actor="a", by="outcomes", top=20), repeats)
        unit = e.unit if e.unit == "paths" else f"outcomes (> {PATH_LIMIT:,} paths)"
        print(f"{len(s.nodes):>7}  {solve_ms:9.1f}  {exact}  {ratio}  {paths_ms:9.1f}  {outcomes_ms:11.1f}  "
              f"{e.total:,} {unit}; {o.total:,} outcomes")


if __name__ == "__main__":
    main()

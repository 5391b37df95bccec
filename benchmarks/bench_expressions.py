"""Expression benchmark: evaluating one expression over K parameter columns at once.

Each expression is parsed once and evaluated over K columns (draws or settings) of seeded
uniform parameter values, best of R runs:

==================  ======================================================================
evaluate ms         ``Expression.evaluate(env)`` over K columns (no column fails)
columns ms          ``engine.bind.evaluate_columns`` over K columns where 1% of the columns
                    fail (a division by zero, or ``log`` of a number <= 0 on the path
                    taken): the failing columns are masked, not searched for
per column ns       evaluate ms / K
==================  ======================================================================

Run ``python benchmarks/bench_expressions.py [K ...]`` (default 10^4, 10^5, 10^6).
"""

from __future__ import annotations

import sys
import time

import numpy as np

from scenarios.engine.bind import evaluate_columns
from scenarios.expressions import Expression

EXPRESSIONS = [
    "max(0, 1 - p_a - p_b) * k",
    "p_a * k + p_b ** 2 - abs(p_a - p_b) / k",
    "exp(-k * p_a) + log(k) + sqrt(p_b)",
    "round(p_a * 100, 1) + floor(k) - ceil(p_b)",
    "if(p_a > 0.25, log(p_a - 0.25), 0) + (p_b < 0.1 or k > 2)",
    "1 / x",
    "if(x > -0.98, log(x + 0.98), 0) + log(x + 0.99)",
]


def best(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main(sizes: list[int]) -> None:
    print(f"{'expression':58s} {'K':>9s} {'evaluate ms':>12s} {'columns ms':>11s} {'per column ns':>14s}")
    for k in sizes:
        rng = np.random.default_rng(0)
        env = {"p_a": rng.uniform(0, 0.5, k), "p_b": rng.uniform(0, 0.5, k), "k": rng.uniform(1, 3, k),
               "x": rng.uniform(0.5, 1.0, k)}
        failing = dict(env)
        x = env["x"].copy()
        x[rng.choice(k, max(1, k // 100), replace=False)] = -1.0  # 1 / x fine, log(x + 0.99) not
        x[rng.choice(k, max(1, k // 100), replace=False)] = 0.0  # 1 / x fails
        failing["x"] = x
        runs = 5 if k <= 10**5 else 2
        for text in EXPRESSIONS:
            e = Expression.parse(text)
            evaluate = best(lambda e=e, env=env: e.evaluate(env), runs)
            columns = best(lambda e=e, env=failing, k=k: evaluate_columns(e, env, k), runs)
            print(f"{text:58s} {k:9d} {evaluate * 1e3:12.2f} {columns * 1e3:11.2f} {evaluate / k * 1e9:14.1f}")


if __name__ == "__main__":
    main([int(float(a)) for a in sys.argv[1:]] or [10**4, 10**5, 10**6])

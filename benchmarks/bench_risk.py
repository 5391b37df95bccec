"""Risk attitudes benchmark: the strategic rollback with and without risk attitudes.

On the random trees of ``bench_engine.py`` (10^4 and 10^5 nodes, 3 actors, payoffs on
outcomes and on one branch in ten), times ``scenario.solve(top=0)``:

================  ========================================================================
neutral ms        every actor risk neutral: the engine's rollback (engine/strategic.py)
exponential ms    every actor ``exponential: R`` (R = 5): the certainty-equivalent rollback
                  of engine/risk.py (log-sum-exp per generation), plus the expected payoffs
                  under the played choices
mixed ms          one actor exponential, one ``log`` on payoffs shifted to be positive
                  (path totals by a forward pass, u(total) at the outcomes, then the same
                  kernel), one neutral
batch 64 ms       ``evaluate_settings`` with 64 columns of ``risk.a0`` (the batch analyses:
                  sensitivity, threshold), policy reoptimize; per column in brackets
================  ========================================================================

Best of R runs (5 at 10^4, 3 at 10^5).  Usage::

    python benchmarks/bench_risk.py            # 10^4 and 10^5
    python benchmarks/bench_risk.py --max-exp 4
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scenarios  # noqa: E402
from bench_engine import random_scenario  # noqa: E402
from scenarios.analysis.metrics import evaluate_settings  # noqa: E402


def _best(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best * 1000


def _positive(data: dict) -> dict:
    """The same tree with every payoff shifted up so that path totals are positive (for log)."""
    for node in data["nodes"].values():
        if "payoffs" in node:
            node["payoffs"] = {a: v + 100 for a, v in node["payoffs"].items()}
    return data


def run(exp: int, seed: int) -> tuple[str, ...]:
    n = 10 ** exp
    repeats = 5 if exp <= 4 else 3
    s = scenarios.Scenario.from_dict(random_scenario(n, seed))
    s.compiled  # noqa: B018  (compiled once, outside the timings)
    risky = s.with_risk({a: "exponential:5" for a in s.actors})
    mixed = scenarios.Scenario.from_dict(_positive(random_scenario(n, seed)))
    mixed.compiled  # noqa: B018
    actors = list(mixed.actors)
    mixed = mixed.with_risk({actors[0]: "exponential:5", actors[1]: "log"})
    neutral = _best(lambda: s.solve(top=0), repeats)
    exponential = _best(lambda: risky.solve(top=0), repeats)
    both = _best(lambda: mixed.solve(top=0), repeats)
    node = next(n for n in s.decisions if not s.nodes[n].fixed)  # the first solved decision
    columns = {f"risk.{actors[0]}": np.linspace(1, 50, 64)}
    batch = _best(lambda: evaluate_settings(risky, columns, metric=False, policy="reoptimize", node=node),
                  max(1, repeats - 2))
    return (f"10^{exp}", f"{s.compiled.n_nodes}", f"{neutral:.1f}", f"{exponential:.1f}",
            f"{exponential / neutral:.1f}x", f"{both:.1f}", f"{batch:.0f} ({batch / 64:.1f})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-exp", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    header = ("size", "nodes", "neutral ms", "exponential ms", "ratio", "mixed ms", "batch 64 ms (per column)")
    rows = [run(exp, args.seed) for exp in range(4, args.max_exp + 1)]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print("  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)))
    for row in rows:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Rendering benchmark: tree layout, diagrams to PNG/SVG/PDF, and the briefing pack.

Timed, each the best of R runs (wall clock, and the process's CPU time, which matters on
a shared machine):

======================  ================================================================
layout 10^5             ``plan`` + ``tidy`` + ``columns`` for a random 10^5-node tree
                        (the engine benchmark's generator), node extents given (no text
                        measured): the pure layout.  Target < 1 s.
layout chain 10^5       the same for a 10^5-deep chain (no recursion anywhere).
draw N to PNG           ``draw_tree`` + ``save_figure`` for random N-node trees, text
                        measured and drawn.  Target < 3 s for N = 500.
Donbas to PNG/SVG/PDF   the bundled Donbas scenario, most likely path highlighted.
Donbas pack             ``write_report`` (PDF + folder with briefing.md and 5 PNGs).
                        Target < 10 s.
======================  ================================================================

Usage::

    python benchmarks/bench_render.py            # best of 3
    python benchmarks/bench_render.py --repeats 1
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from bench_engine import random_scenario  # noqa: E402  (one generator for all benchmarks)


def best(fn, repeats: int):
    """(best wall seconds, CPU seconds of that run, last result)."""
    runs = []
    result = None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        runs.append((time.perf_counter() - wall, time.process_time() - cpu))
    wall, cpu = min(runs)
    return wall, cpu, result


def build(n: int, seed: int):
    import scenarios

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = scenarios.Scenario.from_dict(random_scenario(n, seed))
    s.evaluate(top=0)  # compile outside the timings (the engine caches it)
    return s


def layout_only(scenario):
    from scenarios.render import layout as lay

    compiled = scenario.compiled

    def run():
        graph = lay.Graph(compiled.edge_start, compiled.child, compiled.ids)
        plan = lay.plan(graph, compiled.root)
        n = len(plan)
        size = np.full(n, 6.0)
        y = lay.tidy(plan.children, size, size, gap=4.0)
        lay.columns(plan.level, np.full(n, 40.0), np.full(n, 11.0), np.zeros(n))
        return n, float(y.max())

    return run


def chain_graph(n: int):
    from scenarios.render import layout as lay

    graph = lay.Graph(np.concatenate((np.arange(n), [n - 1])).astype(np.int64),
                      np.arange(1, n, dtype=np.int64), tuple(f"c{i}" for i in range(n)))

    def run():
        plan = lay.plan(graph, 0)
        size = np.full(n, 6.0)
        lay.tidy(plan.children, size, size)
        lay.columns(plan.level, size, size, size)
        return len(plan)

    return run


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    import scenarios
    from scenarios.briefing.pack import write_report
    from scenarios.render.save import save_figure
    from scenarios.render.tree import draw_tree

    rows = []  # (what, size, wall, cpu, target)
    r = args.repeats
    big = build(100_000, args.seed)
    wall, cpu, (slots, _) = best(layout_only(big), r)
    rows.append(("layout (plan+tidy+columns)", f"{slots:,} nodes", wall, cpu, 1.0))
    wall, cpu, _ = best(chain_graph(100_000), r)
    rows.append(("layout, 10^5-deep chain", "100,000 nodes", wall, cpu, None))
    del big

    out = Path(tempfile.mkdtemp(prefix="bench-render-"))
    for n in (100, 300, 500):
        s = build(n, args.seed)

        def draw(s=s, n=n):
            ax = draw_tree(s, highlight="likely")
            save_figure(ax.figure, out / f"random{n}.png")
            return ax.figure

        wall, cpu, fig = best(draw, r)
        w, h = fig.get_size_inches()
        rows.append((f"draw to PNG ({w:.0f}x{h:.0f} in, {fig.dpi:.0f} dpi)", f"{n} nodes", wall, cpu,
                     3.0 if n == 500 else None))
    donbas = scenarios.load("donbas-recognition-2022")
    for fmt in ("png", "svg", "pdf"):
        def draw(fmt=fmt):
            ax = draw_tree(donbas, highlight="likely")
            save_figure(ax.figure, out / f"donbas.{fmt}")

        wall, cpu, _ = best(draw, r)
        rows.append((f"Donbas tree to {fmt.upper()}", f"{len(donbas.nodes)} nodes", wall, cpu, None))
    wall, cpu, report = best(lambda: write_report(donbas, out / "donbas-pack"), r)
    rows.append(("Donbas briefing pack (PDF + md + 5 PNG)", f"{len(report.files)} files", wall, cpu, 10.0))

    print(f"\nscenarios rendering benchmark (best of {r}; CPU = process time of that run; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)\n")
    head = f"{'what':<44} {'size':>14} {'wall s':>8} {'CPU s':>8} {'target':>8}  verdict"
    print(head)
    print("-" * len(head))
    for what, size, wall, cpu, target in rows:
        verdict = "" if target is None else ("ok" if wall < target else
                                             ("ok (CPU)" if cpu < target else "SLOW"))
        target_text = f"< {target:g}" if target else ""
        print(f"{what:<44} {size:>14} {wall:>8.2f} {cpu:>8.2f} {target_text:>8}  {verdict}")
    print(f"\nfiles written under {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

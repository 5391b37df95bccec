"""Interop benchmark: saving, the builder, every export format and the .efg import.

Random trees of 10^3, 10^4 and 10^5 nodes (seeded ``numpy.random.Generator``; decisions
and chance nodes with 2 to 4 branches, 3 actors, payoffs on outcomes and on one branch in
ten, a parameter used in some payoffs) are built with ``Scenario.from_dict`` and timed,
best of R runs (R = 3 / 2 / 1):

===========  ====================================================================
dumps        ``scenarios.dumps(s)`` (YAML)
loads        ``scenarios.loads(text)`` of that YAML (the round trip's other half)
builder      replaying the document through ``ScenarioBuilder`` and ``build()``
json ...     ``scenarios.export.export(s, FORMAT)`` for each format
import       ``scenarios.io.efg_import.loads_efg`` of the efg export
===========  ====================================================================

The table gives seconds and the output size in kB.  Usage::

    python benchmarks/bench_interop.py            # 10^3, 10^4, 10^5 nodes
    python benchmarks/bench_interop.py --quick    # 10^3, 10^4
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

import scenarios
from scenarios.export import export
from scenarios.io.efg_import import loads_efg

FORMATS = ("json", "efg", "graphml", "gexf", "dot", "mermaid")


def random_tree(n: int, seed: int = 1) -> dict:
    rng = np.random.default_rng(seed)
    actors = ["a", "b", "c"]
    nodes: dict[str, dict] = {}
    queue = ["n0"]
    count = 1
    while queue:
        node_id = queue.pop(0)
        inner = count < n - 4 and (count < 4 or rng.random() < 0.5)
        if not inner:
            nodes[node_id] = {"kind": "outcome", "payoffs": {a: int(rng.integers(-5, 6)) for a in actors}}
            if rng.random() < 0.1:
                nodes[node_id]["payoffs"]["a"] = "2 * cost"
            continue
        k = int(rng.integers(2, 5))
        kids = [f"n{count + i}" for i in range(k)]
        count += k
        queue.extend(kids)
        if rng.random() < 0.5:
            w = rng.dirichlet(np.ones(k)).round(3)
            branches = [{"to": c, "p": float(p)} for c, p in zip(kids[:-1], w[:-1], strict=False)]
            branches.append({"to": kids[-1], "p": "rest"})
            nodes[node_id] = {"kind": "chance", "branches": branches}
        else:
            nodes[node_id] = {"kind": "decision", "actor": actors[int(rng.integers(3))],
                              "branches": [{"to": c} for c in kids]}
        for branch in nodes[node_id]["branches"]:
            if rng.random() < 0.1:
                branch["payoffs"] = {"b": -1}
    return {"title": f"Random tree of {len(nodes)} nodes", "id": f"tree-{len(nodes)}",
            "actors": {a: {"name": a.upper()} for a in actors}, "parameters": {"cost": 1.5},
            "nodes": nodes}


def replay(data: dict) -> scenarios.Scenario:
    b = scenarios.ScenarioBuilder(data["title"], id=data["id"])
    for key, entry in data["actors"].items():
        b.actor(key, **entry)
    for name, value in data["parameters"].items():
        b.parameter(name, value)
    for node_id, entry in data["nodes"].items():
        kind = entry["kind"]
        if kind == "outcome":
            b.outcome(node_id, payoffs=entry.get("payoffs"))
        else:
            node = b.chance(node_id) if kind == "chance" else b.decision(node_id, actor=entry["actor"])
            for branch in entry["branches"]:
                node.branch(**branch)
    return b.build()


def best(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    sizes = (1_000, 10_000) if parser.parse_args().quick else (1_000, 10_000, 100_000)
    warnings.simplefilter("ignore")
    rows = []
    for n, repeat in zip(sizes, (3, 2, 1), strict=False):
        data = random_tree(n)
        s = scenarios.Scenario.from_dict(data)
        row = {"nodes": len(s.nodes)}
        row["dumps"] = best(lambda s=s: scenarios.dumps(s), repeat)
        text = row["dumps"][1]
        row["loads"] = (best(lambda text=text: scenarios.loads(text), repeat)[0], text)
        row["builder"] = (best(lambda data=data: replay(data), repeat)[0], "")
        for fmt in FORMATS:
            row[fmt] = best(lambda s=s, fmt=fmt: export(s, fmt), repeat)
        efg_text = row["efg"][1]
        row["import"] = (best(lambda efg_text=efg_text: loads_efg(efg_text), repeat)[0], "")
        rows.append(row)
    columns = ["dumps", "loads", "builder", *FORMATS, "import"]
    print(f"{'nodes':>8}  " + "  ".join(f"{c:>9}" for c in columns) + "   (seconds, best of R)")
    for row in rows:
        print(f"{row['nodes']:>8}  " + "  ".join(f"{row[c][0]:>9.3f}" for c in columns))
    print()
    print(f"{'nodes':>8}  " + "  ".join(f"{c:>9}" for c in ["yaml", *FORMATS]) + "   (output kB)")
    for row in rows:
        sizes_kb = [len(row["dumps"][1].encode()) / 1e3] + [len(row[f][1].encode()) / 1e3 for f in FORMATS]
        print(f"{row['nodes']:>8}  " + "  ".join(f"{k:>9.0f}" for k in sizes_kb))


if __name__ == "__main__":
    main()

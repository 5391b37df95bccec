"""Loading benchmark: ``scenarios.load`` next to the bare C parser, 10^3 … 10^6 nodes.

The random trees of ``bench_engine.py`` (same generator, same seed) are written once as
JSON (``json.dumps``) and as YAML (PyYAML's C dumper, block style) into a temporary folder;
each size and format is then measured in a fresh child process (this script with
``--worker``), so memory figures and the garbage collector's state do not leak between
runs:

=================  ==========================================================================
parser s           the C parser alone on the text already in memory: ``json.loads`` for
                   JSON, ``yaml.load(text, Loader=yaml.CSafeLoader)`` for YAML (the garbage
                   collector off, as ``scenarios.load`` has it); best of R
load s             ``scenarios.load(path)``: read, parse, validate, build the Scenario; best of R
ratio              load s / parser s (wall); "parser cpu s", "load cpu s" and "cpu ratio" the
                   same on process CPU time, which a machine shared with other work disturbs less
peak MB            RSS high-water mark of the load alone, minus the RSS before it
+eval+solve MB     the same high-water mark after ``evaluate()`` and ``solve()`` of the
                   loaded scenario as well (issue 10 asks: 10^6 nodes within 4 GB)
=================  ==========================================================================

R is 5 / 3 / 1 / 1 for 10^3 / 10^4 / 10^5 / 10^6 nodes.  Targets (issue 10): JSON load at
most 10x ``json.loads`` at 10^5 and 10^6 nodes; YAML load at most 1.5x the C YAML parser;
the 10^6-node JSON file loaded and validated in at most 10 s.

Usage::

    python benchmarks/bench_load.py              # 10^3 … 10^6 (10^6: a few minutes, ~3 GB)
    python benchmarks/bench_load.py --max-exp 5  # stop at 10^5
    python benchmarks/bench_load.py --formats json
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the generator of bench_engine.py
from bench_engine import PeakRSS, random_scenario, write_yaml  # noqa: E402

REPEATS = {3: 5, 4: 3, 5: 1, 6: 1}
SEED = 1


def _best(fn, repeats: int) -> tuple[float, float]:
    """Best wall and best CPU time of ``repeats`` calls of ``fn`` (its result dropped at once)."""
    wall = cpu = float("inf")
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall = min(wall, time.perf_counter() - w0)
        cpu = min(cpu, time.process_time() - c0)
    return wall, cpu


def _parse_time(parse, text: str, repeats: int) -> tuple[float, float]:
    gc.disable()
    try:
        return _best(lambda: parse(text), repeats)
    finally:
        gc.enable()


def worker(path: str, exp: int) -> dict:
    """Measure one file in this process; return the numbers."""
    import yaml

    import scenarios

    scenarios.loads("title: t\nnodes: {a: {kind: outcome}}\n")  # imports done before timing
    text = Path(path).read_text(encoding="utf-8")
    repeats = REPEATS.get(exp, 1)
    if path.endswith(".json"):
        parse_wall, parse_cpu = _parse_time(json.loads, text, repeats)
    else:
        parse_wall, parse_cpu = _parse_time(lambda t: yaml.load(t, Loader=yaml.CSafeLoader), text, repeats)
    text = ""
    gc.collect()
    if repeats > 1:
        load_wall, load_cpu = _best(lambda: scenarios.load(path), repeats - 1)
    else:
        load_wall = load_cpu = float("inf")
    meter = PeakRSS()
    meter.reset()
    w0, c0 = time.perf_counter(), time.process_time()
    scenario = scenarios.load(path)
    load_wall = min(load_wall, time.perf_counter() - w0)
    load_cpu = min(load_cpu, time.process_time() - c0)
    load_peak = meter.peak()
    assert len(scenario.nodes) == 10 ** exp
    scenario.evaluate(top=10)
    scenario.solve(top=10)
    return {"parse": parse_wall, "parse_cpu": parse_cpu, "load": load_wall, "load_cpu": load_cpu,
            "peak": load_peak, "peak_all": meter.peak(), "method": meter.method}


def _run_worker(path: Path, exp: int) -> dict:
    proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--worker", str(path), str(exp)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        return {"error": f"exit {proc.returncode}: {tail}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark scenarios.load against the C parsers "
                                                 "(prints a table).")
    parser.add_argument("--max-exp", type=int, default=6, choices=range(3, 7), metavar="{3..6}",
                        help="largest size, 10^N nodes (default 6)")
    parser.add_argument("--formats", default="json,yaml", help="comma-separated: json, yaml")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker[0], int(args.worker[1]))))
        return 0

    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        for exp in range(3, args.max_exp + 1):
            data = random_scenario(10 ** exp, SEED)
            files = {}
            if "json" in formats:
                files["json"] = Path(folder, f"tree-{exp}.json")
                files["json"].write_text(json.dumps(data), encoding="utf-8")
            if "yaml" in formats:
                files["yaml"] = Path(folder, f"tree-{exp}.yaml")
                write_yaml(data, files["yaml"])
            del data
            for fmt, path in files.items():
                numbers = _run_worker(path, exp)
                numbers.update(exp=exp, fmt=fmt, mb=path.stat().st_size / 2**20)
                rows.append(numbers)
                print(_row(numbers), file=sys.stderr, flush=True)
                path.unlink()

    print(f"scenarios.load against the C parser (seed {SEED}; times in s, best of "
          + "/".join(str(REPEATS[e]) for e in range(3, args.max_exp + 1)) + ")\n")
    print(_header())
    for numbers in rows:
        print(_row(numbers))
    print()
    for line in _verdicts(rows):
        print(line)
    return 0


def _header() -> str:
    return (f"{'nodes':>9} {'format':>6} {'file MB':>8} {'parser s':>9} {'load s':>8} {'ratio':>6} "
            f"{'parser cpu s':>12} {'load cpu s':>10} {'cpu ratio':>9} {'peak MB':>8} {'+eval+solve MB':>14}")


def _row(n: dict) -> str:
    head = f"{10 ** n['exp']:>9,} {n['fmt']:>6} {n['mb']:>8.1f}"
    if "error" in n:
        return f"{head}  {n['error']}"
    return (f"{head} {n['parse']:>9.3f} {n['load']:>8.3f} {n['load'] / n['parse']:>6.2f} "
            f"{n['parse_cpu']:>12.3f} {n['load_cpu']:>10.3f} {n['load_cpu'] / n['parse_cpu']:>9.2f} "
            f"{n['peak'] / 2**20:>8.0f} {n['peak_all'] / 2**20:>14.0f}")


def _verdicts(rows: list[dict]) -> list[str]:
    lines = []
    for n in rows:
        if "error" in n:
            continue
        ratio, cpu = n["load"] / n["parse"], n["load_cpu"] / n["parse_cpu"]
        if n["fmt"] == "json" and n["exp"] >= 5:
            lines.append(f"JSON 10^{n['exp']}: load <= 10x json.loads: ratio {ratio:.2f} (cpu {cpu:.2f}) "
                         + ("PASS" if min(ratio, cpu) <= 10 else "FAIL"))
        if n["fmt"] == "json" and n["exp"] == 6:
            lines.append(f"JSON 10^6: loaded and validated in <= 10 s: {n['load']:.2f} s "
                         f"(cpu {n['load_cpu']:.2f} s) " + ("PASS" if min(n["load"], n["load_cpu"]) <= 10 else "FAIL"))
            lines.append(f"JSON 10^6: peak memory {n['peak'] / 2**20:,.0f} MB loading, "
                         f"{n['peak_all'] / 2**20:,.0f} MB with evaluate and solve (limit 4,096 MB) "
                         + ("PASS" if n["peak_all"] <= 4 * 2**30 else "FAIL"))
        if n["fmt"] == "yaml":
            lines.append(f"YAML 10^{n['exp']}: load <= 1.5x the C YAML parser: ratio {ratio:.2f} "
                         f"(cpu {cpu:.2f}) " + ("PASS" if min(ratio, cpu) <= 1.5 else "FAIL"))
    return lines


if __name__ == "__main__":
    sys.exit(main())

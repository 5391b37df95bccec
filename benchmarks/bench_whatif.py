"""What-if page benchmark: one slider step in headless Chromium, and the page's size.

Random scenario trees of 10^2 … 10^4 nodes come from ``bench_engine.random_scenario``
(seeded; a third of the nodes outcomes, decisions with and without beliefs, branch
payoffs), exported with ``scenarios.export.whatif.export`` and opened from disk in
Debian's ``/usr/bin/chromium`` through Playwright for Python.  Per size:

===========  ====================================================================================
nodes        nodes in the scenario
KB           the page's size (target: under 300 KB at 10^3 nodes)
export ms    ``export(scenario)`` in Python
engine ms    ``window.scenario.evaluate`` + ``solve`` for one setting (bind, the passes, the ten
             most probable paths, the outcome order, the JSON), median of the steps
step ms      one slider step as the reader makes it: an ``input`` event on the root's first
             branch slider (its siblings rescaled), both modes recomputed, every panel redrawn,
             then a forced layout; median of 30 steps (target: 16 ms at 10^3 nodes, one frame
             at 60 Hz; 100 ms at 10^4)
best ms      the fastest of those steps (the cost without other processes in the way)
worst ms     the slowest of those steps
flips ms     the scan for where the choices flip (run after the reader stops moving, not per step)
===========  ====================================================================================

Usage::

    python benchmarks/bench_whatif.py               # 10^2, 10^3, 10^4
    python benchmarks/bench_whatif.py --max-exp 3
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import scenarios  # noqa: E402
from bench_engine import random_scenario  # noqa: E402
from scenarios.export.whatif import export  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
STEPS = 30

STEP = """async ([name, steps]) => {
  const range = document.querySelector(`[data-setting="${name}"] input[type=range]`);
  const times = [], engine = [];
  for (let k = 0; k < steps + 3; k++) {
    const value = 0.05 + 0.9 * ((k * 37) % 101) / 100;
    let t0 = performance.now();
    range.value = String(value);
    range.dispatchEvent(new Event("input", {bubbles: true}));
    void document.body.offsetHeight;           // layout, as the next frame would
    const t1 = performance.now();
    const set = {}; set[name] = value;
    window.scenario.evaluate({set}); window.scenario.solve({set});
    const t2 = performance.now();
    if (k >= 3) { times.push(t1 - t0); engine.push(t2 - t1); }
    await new Promise((done) => requestAnimationFrame(() => done()));
  }
  await new Promise((done) => setTimeout(done, 400));   // the flip scan after the last step
  return {times, engine, flips: window.scenario.timing.flips};
}"""


def measure(page, path: Path, scenario) -> dict:
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-ready]", timeout=60_000)
    root = scenario.root
    name = f"{root}.{scenario.nodes[root].branches[0].to}"
    out = page.evaluate(STEP, [name, STEPS])
    return {"step": statistics.median(out["times"]), "best": min(out["times"]), "worst": max(out["times"]),
            "engine": statistics.median(out["engine"]), "flips": out["flips"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-exp", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as manager:
        browser = manager.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for exp in range(2, args.max_exp + 1):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                scenario = scenarios.Scenario.from_dict(random_scenario(10 ** exp, args.seed))
            t0 = time.perf_counter()
            html = export(scenario)
            export_ms = (time.perf_counter() - t0) * 1e3
            path = Path(tmp) / f"page-{exp}.html"
            path.write_text(html, encoding="utf-8")
            numbers = measure(page, path, scenario)
            rows.append((len(scenario.nodes), len(html.encode("utf-8")) / 1024, export_ms, numbers))
        browser.close()
    print(f"{'nodes':>7} {'KB':>7} {'export ms':>10} {'engine ms':>10} {'step ms':>8} {'best ms':>8} {'worst ms':>9} "
          f"{'flips ms':>9}")
    for nodes, kb, export_ms, n in rows:
        print(f"{nodes:>7} {kb:>7.0f} {export_ms:>10.0f} {n['engine']:>10.2f} {n['step']:>8.2f} {n['best']:>8.2f} "
              f"{n['worst']:>9.2f} {n['flips']:>9.0f}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"(Chromium {CHROMIUM}; {os.cpu_count()} cores, load average {load:.1f} at the end; "
          f"median of {STEPS} slider steps; targets: step <= 16 ms at 10^3 nodes, <= 100 ms at 10^4; "
          "page < 300 KB at 10^3)")


if __name__ == "__main__":
    main()

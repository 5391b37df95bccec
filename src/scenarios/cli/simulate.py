"""``scenarios simulate``: Monte Carlo paths, or probabilistic sensitivity analysis with
``--uncertainty``; chunks on local processes (``--workers``) or a Dask cluster (``--dask``).

Only the standard library is imported here at module level: ``scenarios --help`` builds
every sub-command's parser.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

from .. import formatting
from . import add_file, add_json, add_set, count
from .width import add_width, fit

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.montecarlo import SimulationResult

#: Rows shown in text tables before "… and N more" (``--json`` has everything).
OUTCOME_ROWS = 40
DECISION_ROWS = 60


def cmd_simulate(args) -> int:
    from ..analysis.psa import PSAResult
    from ..errors import ScenarioError
    from .commands import emit, load_scenario, overrides_of

    if args.n == 0:
        raise ScenarioError(f"-n 0: nothing to simulate; give the number of "
                            f"{'parameter draws' if args.uncertainty else 'paths'} (at least 1)")
    if args.workers == 0:
        raise ScenarioError("--workers 0: give the number of worker processes (at least 1)")
    scenario = load_scenario(args)
    overrides = overrides_of(args)
    from ..analysis.parallel import keep_freed_memory

    keep_freed_memory()  # this process is ours: see its docstring
    bar, progress = _progress_bar(args)
    options = dict(seed=args.seed, overrides=overrides, workers=args.workers, dask=args.dask,
                   progress=progress)
    result: PSAResult | SimulationResult
    try:
        if args.uncertainty:
            from ..analysis.psa import psa

            result = psa(scenario, args.n, allow_invalid=args.allow_invalid, **options)
        else:
            from ..analysis.montecarlo import simulate

            result = simulate(scenario, args.n, paths=args.paths, **options)
    except ImportError as exc:  # --dask without dask.distributed installed
        raise ScenarioError(f"--dask: {exc}") from None
    except OSError as exc:  # the scheduler cannot be reached (TimeoutError is an OSError)
        raise ScenarioError(f"--dask {args.dask}: cannot reach the Dask scheduler ({exc})") from None
    finally:
        if bar is not None:
            bar.close()
    if isinstance(result, PSAResult) and result.n_invalid:  # only --uncertainty makes a PSAResult
        print(f"warning: {result.n_invalid} of {result.n} draws make the scenario invalid and are "
              "left out of the summaries:", file=sys.stderr)
        for problem, draws in result.problems.items():
            print(f"  {problem}: {draws} draw{'s' if draws != 1 else ''}", file=sys.stderr)
    if args.json:
        emit(json.dumps(result.to_dict(), indent=2))
    elif args.uncertainty:
        emit(format_psa(scenario, result))
    else:
        emit(format_simulation(scenario, result))
    return 0


def _progress_bar(args):
    """A tqdm bar on standard error for runs longer than half a second; none with --quiet,
    under --json to a pipe, or when standard error is not a terminal."""
    if args.quiet or not sys.stderr.isatty():
        return None, None
    import tqdm

    tqdm.tqdm.monitor_interval = 0  # no monitor thread: worker processes can then be forked
    bar = tqdm.tqdm(total=args.n, unit=" draws" if args.uncertainty else " paths", unit_scale=True,
                    file=sys.stderr, delay=0.5, leave=False, dynamic_ncols=True)
    return bar, bar.update


# -- text output ------------------------------------------------------------------------------------
def _header(scenario, what: str, result) -> list[str]:
    lines = [f"{scenario.title} — {what}"]
    if scenario.as_of:
        lines.append(f"as of {scenario.as_of}")
    if result.overrides:
        lines.append("overrides: " + ", ".join(f"{k}={v}" for k, v in result.overrides.items()))
    if result.seed is not None:
        lines.append(f"seed {result.seed} (the same seed gives the same result)")
    return lines


def _signed(x: float | None) -> str:
    from .text import number

    return "" if x is None else f"{x:+.2f}" if abs(x) < 100 else number(x, 0)


def format_simulation(scenario, result) -> str:
    """Monte Carlo result as text: sampled payoffs, outcome and tag frequencies, paths."""
    from .text import number, table

    lines = _header(scenario, f"Monte Carlo: {result.n:,} sampled paths (belief mode)", result)
    rows: list[tuple[str, ...]]  # five columns here, six in the tables below
    rows = [(scenario.actors[a].name, a, number(e.mean), number(e.se), number(e.exact))
            for a, e in result.expected_payoffs.items()]
    lines += ["", "Expected payoffs: sampled mean ± standard error, and the exact expectation",
              table(("actor", "key", "sampled", "± se", "exact"), rows, "llrrr")]
    shown = list(result.outcomes.items())[:OUTCOME_ROWS]
    rows = [(result.labels[k], str(f.count), number(f.frequency), number(f.se),
             number(f.exact), _signed(f.z)) for k, f in shown]
    lines += ["", "Outcomes (most probable first): sampled frequency ± standard error, exact probability",
              table(("outcome", "paths", "sampled", "± se", "exact", "z"), rows, "lrrrrr")]
    if len(result.outcomes) > OUTCOME_ROWS:
        lines.append(f"  … and {len(result.outcomes) - OUTCOME_ROWS} more (use --json for all)")
    lines.append("  z = (sampled − exact) / the exact standard error: mostly within ±2, rarely beyond ±4")
    if result.tags:
        rows = [(t, str(f.count), number(f.frequency), number(f.se), number(f.exact), _signed(f.z))
                for t, f in result.tags.items()]
        lines += ["", "Tags (paths ending in an outcome with the tag)",
                  table(("tag", "paths", "sampled", "± se", "exact", "z"), rows, "lrrrrr")]
    if result.paths is not None:
        width = len(str(len(result.paths)))
        lines += ["", "Sampled paths, in the order drawn (payoffs accrued along the path)"]
        for i, path in enumerate(result.paths, 1):
            payoffs = ", ".join(f"{a} {number(v, 2)}" for a, v in path.payoffs.items())
            lines.append(f"  {i:>{width}}. {' → '.join(path.nodes)}   ({payoffs})")
    return fit("\n".join(lines))


_percent = formatting.percent

def format_psa(scenario, result) -> str:
    """Probabilistic sensitivity analysis as text: stability, payoffs, tags, outcomes."""
    from .text import number, table

    lines = _header(scenario, f"probabilistic sensitivity analysis: {result.n:,} draws", result)
    params = result.uncertain["parameters"]
    nodes = result.uncertain["nodes"]
    described = [f"{name} ~ {kind}({', '.join(number(a) for a in args)})"
                 for name, dist in params.items() for kind, args in dist.items()]
    if not params and not nodes:
        lines.append("uncertain: nothing (no parameter has a 'dist' and no node a Dirichlet), so "
                     "every draw is the base case")
    else:
        lines.append(f"uncertain: {len(params)} parameter{'s' if len(params) != 1 else ''}"
                     + (f", {len(nodes)} node{'s' if len(nodes) != 1 else ''} with Dirichlet branch "
                        "probabilities" if nodes else ""))
    for text in described[:12]:
        lines.append(f"  {text}")
    if len(described) > 12:
        lines.append(f"  … and {len(described) - 12} more")
    for node_id, dist in nodes.items():
        lines.append(f"  {node_id} branches ~ dirichlet({', '.join(number(a) for a in dist['dirichlet'])})")
    if result.n_invalid:
        lines.append(f"invalid draws: {result.n_invalid} of {result.n}, left out of every summary below")
        lines += [f"  {problem}: {draws}" for problem, draws in result.problems.items()]
    else:
        lines.append("invalid draws: none")

    rows = []
    for d in result.stability[:DECISION_ROWS]:
        for j, option in enumerate(d.options):
            first = j == 0
            rows.append((d.label if first else "", d.actor if first else "",
                         option.label, _percent(option.share), str(option.draws),
                         "base" if option.to == d.base_choice else "",
                         _percent(d.on_path) if first else "", str(d.ties) if first and d.ties else ""))
    if rows:
        lines += ["", "Decision stability: how often each option is the strategic choice across the draws",
                  table(("decision", "actor", "option", "share", "draws", "base", "on path", "ties"),
                        rows, "lllrrlrr"),
                  "  base: the choice at the base case; on path: share of draws in which the solved play "
                  "reaches the decision;",
                  "  ties: draws in which equally good options were decided by listing order"]
        if len(result.stability) > DECISION_ROWS:
            lines.append(f"  … and {len(result.stability) - DECISION_ROWS} more decisions "
                         "(use --json for all)")

    def summary_rows(block, name=lambda k: (k,)):
        return [name(k) + (number(s.base), number(s.mean), number(s.se), number(s.q05), number(s.q50),
                           number(s.q95)) for k, s in block]

    head = ("base", "mean", "± se", "5%", "50%", "95%")
    actor = lambda a: (scenario.actors[a].name, a)  # noqa: E731
    lines += ["", "Expected payoffs, belief mode (base case; mean ± standard error and quantiles "
              "across draws)",
              table(("actor", "key") + head, summary_rows(result.expected_payoffs.items(), actor),
                    "llrrrrrr"),
              "", "Expected payoffs when the strategic choices are played",
              table(("actor", "key") + head, summary_rows(result.solved_payoffs.items(), actor),
                    "llrrrrrr")]
    if result.tags:
        lines += ["", "Tags: probability of ending in an outcome with the tag",
                  table(("tag",) + head, summary_rows(result.tags.items()), "lrrrrrr")]
    shown = list(result.outcomes.items())[:OUTCOME_ROWS]
    labels = dict(zip(result.outcome_ids, result.outcome_labels, strict=False))
    lines += ["", "Outcomes (by mean probability)",
              table(("outcome",) + head, summary_rows(shown, lambda k: (labels[k],)), "lrrrrrr")]
    if len(result.outcomes) > OUTCOME_ROWS:
        lines.append(f"  … and {len(result.outcomes) - OUTCOME_ROWS} more (use --json for all)")
    return fit("\n".join(lines))


def register(add) -> None:
    p = add("simulate", "Monte Carlo: sample paths, or (--uncertainty) draw parameters from their "
            "distributions and report the spread of outcomes, payoffs and strategic choices",
            cmd_simulate)
    add_file(p)
    p.add_argument("-n", metavar="N", type=count, default=10_000,
                   help="number of paths, or of parameter draws with --uncertainty (default 10000)")
    p.add_argument("--seed", metavar="S", type=count, default=None,
                   help="random seed (a whole number); the same seed gives the same result; "
                        "without one the seed used is printed")
    add_set(p)
    what = p.add_mutually_exclusive_group()
    what.add_argument("--paths", action="store_true", help="list every sampled path, in order")
    what.add_argument("--uncertainty", action="store_true",
                      help="probabilistic sensitivity analysis: draw parameters from their 'dist' "
                           "(and Dirichlet nodes), evaluate each draw exactly, report quantiles and "
                           "decision stability")
    p.add_argument("--allow-invalid", action="store_true",
                   help="with --uncertainty: when some draws make probabilities invalid, summarise "
                        "the valid draws (and report how many were left out) instead of failing")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", metavar="N", type=count, default=None,
                       help="run chunks on N local processes (same result as serial)")
    where.add_argument("--dask", metavar="ADDRESS",
                       help="run chunks on the Dask cluster at ADDRESS, e.g. tcp://host:8786 "
                            "(needs the extra scenarios[dask]; same result as serial)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_json(p)
    add_width(p)

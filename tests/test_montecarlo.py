"""Monte Carlo path simulation against exact answers (brute-force path enumeration)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings

import scenarios
from builders import build, coin_flip, diamond_dag, entry_deterrence, scenario_data
from reference import Reference
from scenarios.analysis.montecarlo import simulate
from scenarios.errors import ProbabilityError, UnknownNameError

#: Sampled values must lie within this many standard errors of the exact ones.
Z = 4.0
SCENARIOS = [sys.executable, "-m", "scenarios"]


def _within(sampled: float, exact: float, se: float) -> bool:
    return abs(sampled - exact) <= Z * se + 1e-12


@settings(derandomize=True, max_examples=40)  # seeded: the same random trees every run
@given(data=scenario_data(max_nodes=9))
def test_monte_carlo_agrees_with_exact_evaluation_on_random_graphs(data):
    """Every outcome frequency and mean payoff within 4 standard errors of brute force."""
    s = build(data)
    n = 20_000
    r = simulate(s, n, seed=1234)
    ref = Reference(data).belief()
    for outcome, exact in ref.outcomes.items():
        row = r.outcomes[outcome]
        assert row.exact == pytest.approx(exact, abs=1e-12)
        if exact <= 1e-15:
            assert row.count == 0  # an impossible outcome is never sampled
        else:
            assert _within(row.frequency, exact, math.sqrt(exact * (1 - exact) / n)), (outcome, row)
    for actor, exact in ref.expected.items():
        e = r.expected_payoffs[actor]
        assert _within(e.mean, exact, e.se), (actor, e, exact)
    for tag, exact in ref.tags.items():
        assert _within(r.tags[tag].frequency, exact, math.sqrt(exact * (1 - exact) / n))
    assert sum(row.count for row in r.outcomes.values()) == n


@settings(derandomize=True, max_examples=25)
@given(data=scenario_data(max_nodes=8, dag=True))
def test_recorded_paths_are_real_paths_with_their_payoffs(data):
    s = build(data)
    ref = Reference(data)
    known = {path.nodes: path for path in ref.all_paths()}
    r = simulate(s, 300, seed=5, paths=True)
    assert len(r.paths) == 300
    counts = Counter(path.nodes[-1] for path in r.paths)
    for path in r.paths:
        truth = known[path.nodes]  # a root-to-outcome path of the scenario...
        assert truth.probability > 0  # ...that can happen
        for actor, value in truth.payoffs.items():
            assert path.payoffs[actor] == pytest.approx(value, abs=1e-9)
    for outcome, row in r.outcomes.items():
        assert row.count == counts.get(outcome, 0)


def test_entry_deterrence_by_hand():
    # Exact (Gibbons 1992, sec. 2.1, the contract's example): stay_out 0.5, share 0.35,
    # war 0.15; E[entrant] = 0.2, E[incumbent] = 1.2.
    s = build(entry_deterrence())
    n = 100_000
    r = simulate(s, n, seed=2)
    assert [k for k in r.outcomes] == ["stay_out", "share", "war"]
    for outcome, p in (("stay_out", 0.5), ("share", 0.35), ("war", 0.15)):
        row = r.outcomes[outcome]
        assert row.exact == pytest.approx(p)
        assert row.se == pytest.approx(math.sqrt(row.frequency * (1 - row.frequency) / n))
        assert abs(row.z) < Z
    assert r.expected_payoffs["entrant"].exact == pytest.approx(0.2)
    assert _within(r.expected_payoffs["incumbent"].mean, 1.2, r.expected_payoffs["incumbent"].se)


def test_diamond_dag_payoffs_and_standard_error():
    # diamond_dag's docstring: path payoffs 109, 9, 16, 101, 1, 10 with probabilities
    # 0.16, 0.04, 0.20, 0.12, 0.03, 0.45; E = 37.65.  The payoff's exact standard
    # deviation: sqrt(E[X^2] - 37.65^2).
    s = build(diamond_dag())
    probs = np.array([0.16, 0.04, 0.20, 0.12, 0.03, 0.45])
    pays = np.array([109, 9, 16, 101, 1, 10])
    sd = math.sqrt(probs @ pays ** 2 - 37.65 ** 2)
    n = 50_000
    r = simulate(s, n, seed=9)
    e = r.expected_payoffs["u"]
    assert e.exact == pytest.approx(37.65)
    assert abs(e.mean - 37.65) < Z * sd / math.sqrt(n)
    assert e.se == pytest.approx(sd / math.sqrt(n), rel=0.05)


def test_zero_probability_branches_are_never_taken():
    data = {
        "title": "zeros",
        "nodes": {
            "c": {"kind": "chance", "branches": [{"to": "a", "p": 0}, {"to": "b", "p": 1},
                                                  {"to": "d", "p": 0}]},
            "a": {"kind": "outcome"}, "b": {"kind": "outcome"}, "d": {"kind": "outcome"},
        },
    }
    r = simulate(build(data), 50_000, seed=0)
    assert (r.outcomes["a"].count, r.outcomes["b"].count, r.outcomes["d"].count) == (0, 50_000, 0)
    assert r.outcomes["b"].z is None  # no spread to measure against


def test_a_root_that_is_an_outcome():
    data = {"title": "one", "actors": {"u": {}}, "nodes": {"o": {"kind": "outcome", "payoffs": {"u": 3}}}}
    r = simulate(build(data), 10, seed=0, paths=True)
    assert r.outcomes["o"].count == 10
    assert r.paths[0].nodes == ("o",) and r.paths[0].payoffs == {"u": 3.0}
    assert r.expected_payoffs["u"].mean == 3.0 and r.expected_payoffs["u"].se == 0.0


def test_same_seed_same_paths_other_seed_other_paths():
    s = scenarios.load("donbas-recognition-2022")
    a = simulate(s, 2000, seed=11, paths=True)
    b = simulate(s, 2000, seed=11, paths=True)
    c = simulate(s, 2000, seed=12, paths=True)
    assert a.to_dict() == b.to_dict()
    assert [p.nodes for p in a.paths] != [p.nodes for p in c.paths]
    assert a.seed == 11


def test_seed_none_records_a_seed_that_reproduces_the_run():
    s = build(coin_flip(0.3))
    first = simulate(s, 500)
    again = simulate(s, 500, seed=first.seed)
    assert first.to_dict()["outcomes"] == again.to_dict()["outcomes"]


def test_chunks_do_not_change_the_statistics_they_merge():
    # Chan et al.'s merge of per-chunk means and variances equals the one-pass values.
    s = build(diamond_dag())
    r = simulate(s, 5000, seed=3, paths=True, chunk_size=512)
    totals = np.array([p.payoffs["u"] for p in r.paths])
    assert r.expected_payoffs["u"].mean == pytest.approx(totals.mean(), rel=1e-12)
    assert r.expected_payoffs["u"].se == pytest.approx(totals.std(ddof=1) / math.sqrt(5000), rel=1e-9)


def test_overrides_move_both_the_sample_and_the_exact_answer():
    s = build({**coin_flip("ph"), "parameters": {"ph": 0.5}})
    r = simulate(s, 20_000, seed=1, overrides={"ph": 0.9})
    assert r.outcomes["heads"].exact == pytest.approx(0.9)
    assert abs(r.outcomes["heads"].z) < Z
    r = simulate(s, 20_000, seed=1, overrides={"flip.tails": 0.75})
    assert r.outcomes["tails"].exact == pytest.approx(0.75)
    with pytest.raises(UnknownNameError):
        simulate(s, 10, overrides={"nope": 1})
    with pytest.raises(ProbabilityError):
        simulate(s, 10, overrides={"ph": 1.5})


@pytest.mark.parametrize("n", [0, -3, 2.5, True])
def test_n_must_be_a_positive_whole_number(n):
    with pytest.raises(ValueError, match=">= 1"):
        simulate(build(coin_flip()), n)


def test_to_dict_and_to_frame():
    s = build(entry_deterrence())
    r = simulate(s, 1000, seed=1, paths=True)
    d = r.to_dict()
    assert d["mode"] == "monte-carlo" and d["n"] == 1000 and d["seed"] == 1
    assert set(d["outcomes"][0]) == {"id", "label", "tags", "count", "frequency", "se", "exact", "z"}
    assert len(d["paths"]) == 1000 and d["paths"][0]["nodes"][0] == "entry"
    json.dumps(d)  # plain JSON types only
    assert "paths" not in simulate(s, 10, seed=1).to_dict()
    pd = pytest.importorskip("pandas")
    frame = r.to_frame()
    assert isinstance(frame, pd.DataFrame)
    assert frame.loc[("outcome", "war"), "exact"] == pytest.approx(0.15)


# -- the command line, as a user runs it ------------------------------------------------------------
def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*SCENARIOS, *args], capture_output=True, text=True, timeout=120)


def test_cli_simulate_json_is_reproducible():
    first = _run("simulate", "entry-deterrence", "-n", "4000", "--seed", "7", "--json")
    second = _run("simulate", "entry-deterrence", "-n", "4000", "--seed", "7", "--json")
    other = _run("simulate", "entry-deterrence", "-n", "4000", "--seed", "8", "--json")
    assert first.returncode == 0 and first.stderr == ""
    assert first.stdout == second.stdout != other.stdout
    data = json.loads(first.stdout)
    assert data["seed"] == 7 and data["n"] == 4000
    assert {o["id"]: o["exact"] for o in data["outcomes"]} == {"stay_out": 0.5, "share": 0.35, "war": 0.15}


def test_cli_simulate_text_and_paths():
    out = _run("simulate", "entry-deterrence", "-n", "6", "--seed", "1", "--paths", "--set",
               "entry.response=0.8")
    assert out.returncode == 0, out.stderr
    assert "Monte Carlo: 6 sampled paths" in out.stdout
    assert "overrides: entry.response=0.8" in out.stdout
    listed = [line for line in out.stdout.splitlines() if line.strip()[:2] in {f"{i}." for i in range(1, 7)}]
    assert len(listed) == 6 and all(line.split(". ", 1)[1].startswith("entry") for line in listed)


@pytest.mark.parametrize("args,status,message", [
    (("-n", "0"), 1, "-n 0: nothing to simulate"),
    (("--set", "nope=1"), 1, "unknown parameter"),
    (("--set", "entry.nowhere=0.5"), 1, "has no branch to 'nowhere'"),
    (("--workers", "0"), 1, "--workers 0"),
    (("-n", "-5"), 2, "whole number"),
    (("--seed", "x"), 2, "whole number"),
    (("--paths", "--uncertainty"), 2, "not allowed with"),
    (("--workers", "2", "--dask", "tcp://h:1"), 2, "not allowed with"),
])
def test_cli_simulate_bad_input(args, status, message):
    out = _run("simulate", "entry-deterrence", *args)
    assert out.returncode == status
    assert out.stdout == ""
    assert message in out.stderr
    assert "Traceback" not in out.stderr


def test_cli_simulate_without_seed_prints_the_seed_it_used():
    out = _run("simulate", "entry-deterrence", "-n", "10")
    assert out.returncode == 0
    line = next(line for line in out.stdout.splitlines() if line.startswith("seed "))
    seed = line.split()[1]
    again = _run("simulate", "entry-deterrence", "-n", "10", "--seed", seed)
    assert again.stdout == out.stdout

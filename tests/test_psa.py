"""Probabilistic sensitivity analysis: closed-form quantiles, decision stability, invalid
draws, and every draw checked against the exact engine and the brute-force reference."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings

import scenarios
from builders import build, scenario_data
from doc_examples import check_doctests, check_sessions, in_bash
from reference import Reference
from scenarios.analysis.psa import QUANTILES, psa
from scenarios.analysis.sampling import Draws, sample
from scenarios.engine.batch import bind_batch, expected_payoffs_batch, forward_batch, prepare, solve_batch
from scenarios.engine.bind import parameter_values
from scenarios.errors import ProbabilityError, UnknownNameError

#: Sampled statistics must lie within this many standard errors of the exact ones.
Z = 4.0
SCENARIOS = [sys.executable, "-m", "scenarios"]


def bet(dist: dict, value: float = 0.3, win: float = 1.0, extra: dict | None = None) -> dict:
    """One chance node: win with probability ``x`` (drawn from ``dist``), else lose."""
    return {
        "title": "bet",
        "actors": {"u": {}},
        "parameters": {"x": {"value": value, "dist": dist}, **(extra or {})},
        "nodes": {
            "c": {"kind": "chance", "branches": [{"to": "win", "p": "x"}, {"to": "lose", "p": "rest"}]},
            "win": {"kind": "outcome", "payoffs": {"u": win}, "tags": ["good"]},
            "lose": {"kind": "outcome", "tags": ["bad"]},
        },
    }


def _bisect(cdf, q: float, lo: float = 0.0, hi: float = 1.0) -> float:
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if cdf(mid) < q else (lo, mid)
    return (lo + hi) / 2


def _quantile_se(q: float, density: float, n: int) -> float:
    """Asymptotic standard error of the sample q-quantile: sqrt(q (1 - q) / n) / f(x_q)."""
    return math.sqrt(q * (1 - q) / n) / density


def _beta_2_5_cdf(x: float) -> float:
    # Beta(2, 5) with integer parameters: F(x) = sum_{j=2}^{6} C(6, j) x^j (1 - x)^(6 - j)
    # = 1 - (1 - x)^6 - 6 x (1 - x)^5.
    return 1 - (1 - x) ** 6 - 6 * x * (1 - x) ** 5


def _beta_2_5_pdf(x: float) -> float:
    return 30 * x * (1 - x) ** 4  # 1 / B(2, 5) = 30


def test_quantiles_of_one_beta_branch_are_the_beta_quantiles():
    """The outcome's probability is the parameter itself, so its quantiles are Beta(2, 5)'s."""
    n = 20_000
    r = psa(build(bet({"beta": [2, 5]}, 0.3, win=10)), n, seed=3)
    assert r.n_valid == n
    exact = [_bisect(_beta_2_5_cdf, q) for q in QUANTILES]
    stats = pytest.importorskip("scipy.stats")
    assert np.allclose(exact, stats.beta(2, 5).ppf(QUANTILES), atol=1e-12)  # a second method
    win = r.outcomes["win"]
    for got, x, q in zip((win.q05, win.q50, win.q95), exact, QUANTILES, strict=False):
        assert abs(got - x) < Z * _quantile_se(q, _beta_2_5_pdf(x), n), (q, got, x)
    # Mean 2/7 and variance 2*5 / (7^2 * 8) of Beta(2, 5).
    sd = math.sqrt(10 / (49 * 8))
    assert abs(win.mean - 2 / 7) < Z * sd / math.sqrt(n)
    assert win.se == pytest.approx(sd / math.sqrt(n), rel=0.05)
    assert win.base == pytest.approx(0.3)
    # The tag and the payoff (10 per win) are the same draws, exactly.
    assert r.tags["good"] == win
    pay = r.expected_payoffs["u"]
    assert (pay.q05, pay.q50, pay.q95) == pytest.approx((10 * win.q05, 10 * win.q50, 10 * win.q95))
    lose = r.outcomes["lose"]
    assert (lose.q05, lose.q95) == pytest.approx((1 - win.q95, 1 - win.q05))


def test_quantiles_through_a_derived_parameter_and_a_triangular():
    """p = y / 2 with y ~ Triangular(0, 0.5, 1): F(t) = 2 t^2 on [0, 0.5], so the quantiles
    are sqrt(q / 2) below the mode and 1 - sqrt((1 - q) / 2) above, halved."""
    data = bet({"fixed": 0}, 0, extra={"y": {"value": 0.5, "dist": {"triangular": [0, 0.5, 1]}}})
    data["parameters"]["x"] = "y / 2"
    n = 20_000
    r = psa(build(data), n, seed=8)
    win = r.outcomes["win"]
    for got, q in zip((win.q05, win.q50, win.q95), QUANTILES, strict=False):
        y = math.sqrt(q / 2) if q <= 0.5 else 1 - math.sqrt((1 - q) / 2)
        density = 4 * min(y, 1 - y)  # of y; p = y / 2 has density twice that
        assert abs(got - y / 2) < Z * _quantile_se(q, 2 * density, n), (q, got, y / 2)
    assert r.uncertain == {"parameters": {"y": {"triangular": [0.0, 0.5, 1.0]}}, "nodes": {}}


def test_dirichlet_node_marginals():
    """Branch i of a Dirichlet(2, 3, 5) is Beta(a_i, 10 - a_i); branch 1 is Beta(2, 8) with
    F(x) = 1 - (1 - x)^9 - 9 x (1 - x)^8."""
    data = {
        "title": "three",
        "nodes": {
            "c": {"kind": "chance", "dist": {"dirichlet": [2, 3, 5]},
                  "branches": [{"to": "a", "p": 0.5}, {"to": "b", "p": 0.25}, {"to": "d", "p": "rest"}]},
            "a": {"kind": "outcome"}, "b": {"kind": "outcome"}, "d": {"kind": "outcome"},
        },
    }
    n = 20_000
    r = psa(build(data), n, seed=4)
    a = r.outcomes["a"]
    assert a.base == 0.5  # the base case keeps the branches' p
    for got, q in zip((a.q05, a.q50, a.q95), QUANTILES, strict=False):
        x = _bisect(lambda t: 1 - (1 - t) ** 9 - 9 * t * (1 - t) ** 8, q)
        assert abs(got - x) < Z * _quantile_se(q, 72 * x * (1 - x) ** 7, n)
    for outcome, alpha in (("a", 2), ("b", 3), ("d", 5)):
        var = alpha * (10 - alpha) / (100 * 11)
        assert abs(r.outcomes[outcome].mean - alpha / 10) < Z * math.sqrt(var / n)
    assert r.uncertain["nodes"] == {"c": {"dirichlet": [2.0, 3.0, 5.0]}}


def _choice(extra_nodes: dict | None = None, fixed: bool = False) -> dict:
    """A decision: 'risky' pays x ~ Uniform(0, 1), 'safe' pays 0.3 (so risky in 70 % of draws)."""
    return {
        "title": "choice",
        "actors": {"u": {"name": "You"}},
        "parameters": {"x": {"value": 0.5, "dist": {"uniform": [0, 1]}}},
        "nodes": {
            "d": {"kind": "decision", "actor": "u", "fixed": fixed, "branches": [
                {"to": "risky", "label": "Take the risk"}, {"to": "safe", "label": "Play safe"}]},
            "risky": {"kind": "outcome", "payoffs": {"u": "x"}},
            "safe": {"kind": "outcome", "payoffs": {"u": 0.3}},
            **(extra_nodes or {}),
        },
    }


def test_decision_stability_matches_the_probability_of_each_choice():
    n = 10_000
    r = psa(build(_choice()), n, seed=6)
    (d,) = r.stability
    risky, safe = d.options
    assert (d.node, d.actor, d.base_choice) == ("d", "You", "risky")  # base x = 0.5 > 0.3
    assert risky.draws + safe.draws == n
    assert abs(risky.share - 0.7) < Z * math.sqrt(0.7 * 0.3 / n)
    assert d.base_share == risky.share and d.modal is risky
    assert d.on_path == 1.0 and d.ties == 0
    # Solved payoff = max(x, 0.3): mean = 0.3 * 0.3 + (1 - 0.09) / 2 = 0.545.
    solved = r.solved_payoffs["u"]
    assert abs(solved.mean - 0.545) < Z * solved.se
    assert solved.q05 == pytest.approx(0.3)  # at least 30 % of draws sit at the floor
    assert solved.base == pytest.approx(0.5)
    # Belief mode weights the two options equally: E = (x + 0.3) / 2, mean 0.4.
    assert abs(r.expected_payoffs["u"].mean - 0.4) < Z * r.expected_payoffs["u"].se


def test_fixed_decisions_are_not_in_the_stability_table_and_ties_are_counted():
    r = psa(build(_choice(fixed=True)), 100, seed=1)
    assert r.stability == ()
    tie = _choice()
    tie["nodes"]["risky"]["payoffs"] = {"u": 1}
    tie["nodes"]["safe"]["payoffs"] = {"u": 1}
    r = psa(build(tie), 100, seed=1)
    (d,) = r.stability
    assert d.ties == 100 and d.options[0].draws == 100  # ties go to the first listed


def test_on_path_share_for_a_decision_behind_another():
    # The root picks 'inner' only when x > 0.6 (inner's best is x + 0.1 vs 0.7), 40 % of draws.
    data = _choice()
    data["nodes"]["d"]["branches"] = [{"to": "inner"}, {"to": "out"}]
    data["nodes"]["inner"] = {"kind": "decision", "actor": "u",
                              "branches": [{"to": "risky", "payoffs": {"u": 0.1}}, {"to": "safe"}]}
    data["nodes"]["out"] = {"kind": "outcome", "payoffs": {"u": 0.7}}
    n = 10_000
    r = psa(build(data), n, seed=2)
    outer, inner = r.stability
    assert abs(outer.options[0].share - 0.4) < Z * math.sqrt(0.24 / n)
    assert inner.on_path == outer.options[0].share
    assert abs(inner.options[0].share - 0.8) < Z * math.sqrt(0.16 / n)  # x + 0.1 > 0.3


def test_invalid_draws_are_counted_and_reported_never_clipped():
    # x ~ Normal(0.5, 0.3) leaves [0, 1] with probability 2 * Phi(-0.5 / 0.3) = 0.0956.
    s = build(bet({"normal": [0.5, 0.3]}, 0.5))
    with pytest.raises(ProbabilityError) as info:
        psa(s, 2000, seed=1)
    message = str(info.value)
    assert "draws make the scenario invalid" in message
    assert "probability of 'c' → 'win' outside [0, 1]" in message
    assert "--allow-invalid" in message
    n = 20_000
    r = psa(s, n, seed=1, allow_invalid=True)
    share = math.erfc(0.5 / 0.3 / math.sqrt(2))  # 2 * Phi(-z)
    assert abs(r.n_invalid / n - share) < Z * math.sqrt(share * (1 - share) / n)
    x = r.parameter_draws[r.parameter_names.index("x")]
    assert np.array_equal(r.valid, (x >= 0) & (x <= 1))
    # The summaries use exactly the valid draws, unclipped.
    assert np.array_equal(r.outcome_draws[r.outcome_ids.index("win")], x[r.valid])
    assert r.outcomes["win"].mean == pytest.approx(x[r.valid].mean())
    assert r.problems["probability of 'c' → 'win' outside [0, 1]"] == int((x > 1).sum() + (x < 0).sum())
    assert r.to_dict()["invalid"]["draws"] == r.n_invalid


def test_every_draw_invalid_is_an_error_even_when_allowed():
    with pytest.raises(ProbabilityError, match="no draw is valid"):
        psa(build(bet({"uniform": [1.5, 2]}, 0.5)), 50, seed=1, allow_invalid=True)


def test_probabilities_that_do_not_sum_to_one_are_reported():
    data = bet({"uniform": [0.3, 0.7]}, 0.5)
    # No 'rest': the sum is x + max(0.5, 1 - x), which is 1 for x <= 0.5 and above 1 otherwise.
    data["nodes"]["c"]["branches"][1]["p"] = "max(0.5, 1 - x)"
    r = psa(build(data), 4000, seed=1, allow_invalid=True)
    x = r.parameter_draws[0]
    assert np.array_equal(r.valid, x <= 0.5)
    assert r.problems == {"probabilities of node 'c' do not sum to 1": int((x > 0.5).sum())}
    with pytest.raises(ProbabilityError, match="do not sum to 1") as info:
        psa(build(data), 500, seed=1)
    assert "say 'rest'" in str(info.value)
    data["nodes"]["c"]["branches"][1]["p"] = 0.5  # now only x = 0.5 exactly would be valid
    with pytest.raises(ProbabilityError, match="no draw is valid"):
        psa(build(data), 50, seed=1, allow_invalid=True)


def test_a_derived_expression_failing_in_some_draws_is_reported():
    data = bet({"fixed": 0}, 0, extra={"w": {"value": 0.25, "dist": {"normal": [0.25, 0.1]}}})
    data["parameters"]["x"] = "w ** 0.5"  # not real where w < 0 (about 0.6 % of draws)
    r = psa(build(data), 5000, seed=2, allow_invalid=True)
    (problem, count), = r.problems.items()
    assert problem.startswith("parameter 'x'") and count == r.n_invalid > 0


def test_every_draw_equals_the_exact_engine_run_with_that_draws_values():
    """A second method: scenario.evaluate / solve with each draw's parameters as overrides."""
    s = scenarios.load("donbas-recognition-2022")
    problem = prepare(s)
    draws = sample(s, 6, seed=31)
    bound = bind_batch(problem, draws)
    reach = forward_batch(bound.compiled, bound.p)
    expected = expected_payoffs_batch(bound, reach)
    solution = solve_batch(bound)
    c = bound.compiled
    for k in range(draws.n):
        values = {name: float(v[k]) for name, v in draws.parameters.items()}
        belief = s.evaluate(overrides=values, top=0)
        solved = s.solve(overrides=values, top=0)
        assert np.allclose(reach[:, k], belief.reach_array, atol=1e-12)
        assert np.allclose(expected[:, k], [belief.expected_payoffs[a] for a in c.actors], atol=1e-12)
        assert np.array_equal(solution.chosen_edge[:, k], solved.chosen_edge)
        assert np.allclose(solution.values[:, :, k], solved.values_array, atol=1e-12)


@settings(derandomize=True, max_examples=40)
@given(data=scenario_data(max_nodes=9))
def test_batch_passes_match_the_brute_force_reference_on_random_graphs(data):
    """Perturb every parameter per draw, then compare each draw with the reference."""
    s = build(data)
    base = parameter_values(s.parameters)
    k = 4
    rng = np.random.default_rng(0)
    values = {name: np.full(k, value) * rng.uniform(0.9, 1.0, k) for name, value in base.items()}
    draws = Draws(k, values)
    bound = bind_batch(prepare(s), draws)
    reach = forward_batch(bound.compiled, bound.p)
    expected = expected_payoffs_batch(bound, reach)
    solution = solve_batch(bound)
    c = bound.compiled
    for j in range(k):
        if not bound.valid[j]:
            continue  # a scaled probability can break a node's sum; bind_batch said so
        ref = Reference(data, overrides={n: float(v[j]) for n, v in values.items()})
        belief = ref.belief()
        for outcome, p in belief.outcomes.items():
            assert reach[c.index[outcome], j] == pytest.approx(p, abs=1e-9)
        for i, actor in enumerate(c.actors):
            assert expected[i, j] == pytest.approx(belief.expected[actor], abs=1e-9)
        solved = ref.solve()
        if solved.ambiguous:
            continue
        for node, child in solved.choices.items():
            assert c.ids[c.child[solution.chosen_edge[c.index[node], j]]] == child
        root_value = solution.values[c.root, :, j]
        for i, actor in enumerate(c.actors):
            assert root_value[i] == pytest.approx(solved.values[ref.root][actor], abs=1e-9)


def test_branch_overrides_apply_to_every_draw():
    s = scenarios.load("donbas-recognition-2022")
    overrides = {"putin_desk.incidents": 0.5, "sanction_cost_russia": 4}
    draws = sample(s, 3, seed=5, overrides=overrides)
    assert np.all(draws.parameters["sanction_cost_russia"] == 4.0)
    bound = bind_batch(prepare(s, overrides), draws)
    reach = forward_batch(bound.compiled, bound.p)
    for k in range(3):
        values = {name: float(v[k]) for name, v in draws.parameters.items()}
        exact = s.evaluate(overrides={**values, "putin_desk.incidents": 0.5}, top=0)
        assert np.allclose(reach[:, k], exact.reach_array, atol=1e-12)
    r = psa(s, 300, seed=5, overrides=overrides)
    assert r.outcomes["recognition_frozen"].base == pytest.approx(
        s.evaluate(overrides=overrides).probability("recognition_frozen"))
    assert "sanction_cost_russia" not in r.uncertain["parameters"]


def test_same_seed_same_result_and_common_random_numbers():
    s = scenarios.load("donbas-recognition-2022")
    a, b, c = psa(s, 1500, seed=7), psa(s, 1500, seed=7), psa(s, 1500, seed=8)
    assert a.to_dict() == b.to_dict() != c.to_dict()
    assert a.seed == 7
    pinned = psa(s, 1500, seed=7, overrides={"p_recognize": 0.3})
    i = a.parameter_names.index("p_minsk_progress")
    assert np.array_equal(pinned.parameter_draws[i], a.parameter_draws[i])


def test_bad_arguments():
    s = build(bet({"beta": [1, 1]}))
    with pytest.raises(ValueError, match=">= 1"):
        psa(s, 0)
    with pytest.raises(ValueError, match="workers"):
        psa(s, 10, workers=0)
    with pytest.raises(UnknownNameError):
        psa(s, 10, overrides={"y": 1})


def test_to_dict_to_frame_and_draws_frame():
    s = scenarios.load("donbas-recognition-2022")
    r = psa(s, 400, seed=1)
    d = r.to_dict()
    assert d["mode"] == "psa" and d["valid"] == 400 and d["invalid"] == {"draws": 0, "problems": []}
    assert d["decision_stability"][0]["node"] == "putin_desk"
    assert set(d["tags"]["war"]) == {"base", "mean", "se", "q05", "q50", "q95"}
    assert len(d["outcomes"]) == len(s.outcomes)
    json.dumps(d)
    pd = pytest.importorskip("pandas")
    frame = r.to_frame()
    assert frame.loc[("tag", "war"), "mean"] == pytest.approx(r.tags["war"].mean)
    draws = r.draws_frame()
    assert draws.shape[0] == 400 and "param:p_recognize" in draws and "tag:war" in draws
    assert np.allclose(draws["tag:war"].mean(), r.tags["war"].mean)
    stability = r.stability_frame()
    assert isinstance(stability, pd.DataFrame)
    assert stability.loc[("putin_desk", "buildup"), "base_choice"]


# -- the command line ---------------------------------------------------------------------------------
def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*SCENARIOS, *args], capture_output=True, text=True, timeout=120)


def test_cli_uncertainty_on_donbas():
    out = _run("simulate", "donbas-recognition-2022", "--uncertainty", "-n", "2000", "--seed", "1")
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""  # no progress bar: standard error is not a terminal
    assert "probabilistic sensitivity analysis: 2,000 draws" in " ".join(out.stdout.split())
    assert "Decision stability" in out.stdout and "The Duma's" in out.stdout  # the table wraps to 80 columns
    data = json.loads(_run("simulate", "donbas-recognition-2022", "--uncertainty", "-n", "2000",
                           "--seed", "1", "--json").stdout)
    root = data["decision_stability"][0]
    assert root["node"] == "putin_desk" and sum(o["draws"] for o in root["options"]) == 2000


def test_cli_invalid_draws_exit_1_unless_allowed(write):
    path = write(json.dumps(bet({"normal": [0.5, 0.3]}, 0.5)), "bet.json")
    out = _run("simulate", str(path), "--uncertainty", "-n", "1000", "--seed", "1")
    assert out.returncode == 1 and out.stdout == "" and "Traceback" not in out.stderr
    assert "outside [0, 1]" in out.stderr and "--allow-invalid" in out.stderr
    out = _run("simulate", str(path), "--uncertainty", "-n", "1000", "--seed", "1", "--allow-invalid")
    assert out.returncode == 0
    assert "warning:" in out.stderr and "left out" in out.stderr
    assert "invalid draws:" in out.stdout


def test_cli_bad_dist_in_the_file_names_the_item(write):
    data = bet({"beta": [0, 1]})
    path = write(json.dumps(data), "bad.json")
    out = _run("simulate", str(path), "--uncertainty", "-n", "10")
    assert out.returncode == 1 and "parameter 'x': dist beta" in out.stderr and "> 0" in out.stderr


# -- the examples in docs/simulation.md run as written (the runner is tests/doc_examples.py) -----------
def test_simulation_doc_console_examples(tmp_path):
    check_sessions("docs/simulation.md", in_bash(tmp_path, timeout=120, COLUMNS="100"), minimum=8)


def test_simulation_doc_python_examples():
    check_doctests("docs/simulation.md", "pycon")

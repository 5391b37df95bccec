"""Criteria (minimised payoffs, several measures, net benefit) and cost-effectiveness analysis.

Exact values are worked by hand in the docstrings; the engine's criteria are checked
against rewritten copies of random scenarios (a minimised payoff against its negation,
a net-benefit criterion against the net benefit written out as one payoff).
"""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scenarios
from builders import REPO, build, scenario_data
from scenarios.analysis.cea import acceptability, cea, frontier, lambda_intervals
from scenarios.analysis.sampling import Draws
from scenarios.engine.batch import bind_batch, prepare, solve_batch
from scenarios.engine.bind import parameter_values
from scenarios.errors import AnalysisError, ScenarioFileError, UnknownNameError

EXAMPLE = REPO / "docs" / "examples" / "screening-cea.yaml"


@pytest.fixture(scope="module")
def screening():
    return scenarios.load(str(EXAMPLE))


# -- the hand-worked tree --------------------------------------------------------------------------
def test_screening_tree_against_the_hand_computation(screening):
    """Each strategy's expected cost and effect (response p, up-front cost u; a responder costs
    800 more and gains 12 QALYs, a non-responder 1200 and 8):

    ======================  =====  =====  ===========================  ====================
    strategy                p      u      cost = u + 1200 - 400 p      effect = 8 + 4 p
    ======================  =====  =====  ===========================  ====================
    Standard care           0.5    0      1000                         10
    New drug                0.625  2050   3000                         10.5
    Device                  0.6    3040   4000                         10.4
    Drug and device         0.875  5150   6000                         11.5
    Intensive programme     0.975  9190   10000                        11.9
    ======================  =====  =====  ===========================  ====================

    Device costs more than New drug and gains less: dominated.  Sorted by cost, the others'
    ICERs are New drug vs Standard 2000 / 0.5 = 4000, Drug and device vs New drug
    3000 / 1.0 = 3000 < 4000, so New drug is extendedly dominated; without it, Drug and
    device vs Standard 5000 / 1.5 = 3333.33, Intensive vs Drug and device 4000 / 0.4 = 10000.
    Net benefit 5000 E - C at lambda 5000: 49000, 49500, 48000, 51500, 49500: Drug and device.
    """
    r = cea(screening, "health")
    rows = {s.label: s for s in r.strategies}
    expected = {"Standard care": (1000, 10), "New drug": (3000, 10.5), "Device": (4000, 10.4),
                "Drug and device": (6000, 11.5), "Intensive programme": (10000, 11.9)}
    for label, (c, e) in expected.items():
        assert rows[label].cost == pytest.approx(c, abs=1e-9)
        assert rows[label].effect == pytest.approx(e, abs=1e-12)
    assert rows["Device"].status == "dominated" and rows["Device"].by == ("New drug",)
    assert rows["New drug"].status == "extended"
    assert rows["New drug"].by == ("Standard care", "Drug and device")
    assert [r.strategies[i].label for i in r.frontier] == ["Standard care", "Drug and device",
                                                          "Intensive programme"]
    assert rows["Drug and device"].icer == pytest.approx(5000 / 1.5)
    assert rows["Intensive programme"].icer == pytest.approx(10000)
    assert rows["Standard care"].icer is None
    assert [x for lo, hi, _ in r.intervals for x in (lo, hi)] == pytest.approx(
        [0, 5000 / 1.5, 5000 / 1.5, 10000, 10000, np.inf])
    assert [r.strategies[i].label for _, _, i in r.intervals] == ["Standard care", "Drug and device",
                                                                 "Intensive programme"]
    assert r.wtp == 5000 and r.strategies[r.best].label == "Drug and device"
    assert r.net_benefit == pytest.approx((49000, 49500, 48000, 51500, 49500))


@pytest.mark.parametrize(("wtp", "best", "child"), [(2000, "Standard care", "standard"),
                                                     (5000, "Drug and device", "combined"),
                                                     (20000, "Intensive programme", "intensive")])
def test_net_benefit_optimum_at_given_lambdas(screening, wtp, best, child):
    """At lambda 2000: NB = 19000, 18000, 16800, 17000, 13800 (Standard care); at 20000:
    199000, 207000, 204000, 224000, 228000 (Intensive).  cea's best and solve's choice agree."""
    assert cea(screening, "health", wtp=wtp).strategies[cea(screening, "health", wtp=wtp).best].label == best
    assert screening.solve(overrides={"wtp": wtp}).choices == {"strategy": child}


def test_frontier_with_equal_strategies_and_a_cheaper_better_one():
    """B = A exactly (marked 'same'); C costs as much as A and gains more (dominates A and B);
    D is dearer and better (ICER (30 - 10) / (4 - 2) = 10)."""
    rows, front = frontier([10, 10, 10, 30], [1, 1, 2, 4], "ABCD")
    assert [r[0] for r in rows] == ["dominated", "dominated", "frontier", "frontier"]
    assert rows[0][1] == ("C",) and front == [2, 3] and rows[3][2] == 10
    rows, front = frontier([5, 5], [1, 1], "XY")
    assert [r[0] for r in rows] == ["frontier", "same"] and rows[1][1] == ("X",) and front == [0]
    assert lambda_intervals(np.array([5.0]), np.array([1.0]), [0]) == ((0.0, np.inf, 0),)


def test_acceptability_rows_are_shares_that_sum_to_one(screening):
    r = cea(screening, "health", draws=400, seed=3)
    a = r.acceptability
    assert a.shape == (len(r.lambdas), 5)
    assert ((a >= 0) & (a <= 1)).all()
    np.testing.assert_allclose(a.sum(axis=1), 1.0)
    assert a[0, 0] == 1.0  # at lambda 0 the cheapest always wins
    assert r.lambdas[-1] == 20000  # twice the largest ICER, rounded up


@given(st.integers(1, 6), st.integers(1, 30), st.integers(0, 2**31 - 1))
@settings(max_examples=40, deadline=None)
def test_acceptability_is_a_distribution_over_strategies(s, d, seed):
    rng = np.random.default_rng(seed)
    costs, effects = rng.normal(size=(s, d)), rng.normal(size=(s, d))
    a = acceptability(costs, effects, np.linspace(0, 5, 7))
    assert ((a >= 0) & (a <= 1)).all()
    np.testing.assert_allclose(a.sum(axis=1), 1.0)


# -- criteria in the engine --------------------------------------------------------------------------
def _rewrite(data: dict, actor: str, payoff) -> dict:
    out = copy.deepcopy(data)
    for node in out["nodes"].values():
        for holder in [node, *(node.get("branches") or [])]:
            if holder.get("payoffs") and actor in holder["payoffs"]:
                holder["payoffs"][actor] = payoff(holder["payoffs"][actor])
    return out


def _batch_choices(s):
    problem = prepare(s)
    bound = bind_batch(problem, Draws(1, parameter_values(s.parameters)))
    chosen = solve_batch(bound).chosen_edge[:, 0]
    c = s.compiled
    return {c.ids[i]: c.ids[c.child[e]] for i, e in enumerate(chosen.tolist()) if e >= 0}


@given(scenario_data(max_nodes=9))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_minimising_equals_maximising_the_negated_payoff(data):
    minimised = copy.deepcopy(data)
    minimised["actors"]["a0"]["minimize"] = True
    negated = _rewrite(data, "a0", lambda v: f"-({v})")
    a, b = build(minimised).solve(), build(negated).solve()
    assert a.choices == b.choices
    assert a.expected_payoffs["a0"] == pytest.approx(-b.expected_payoffs["a0"], abs=1e-9)
    assert _batch_choices(build(minimised)) == a.choices  # the batch rollback minimises too


@given(scenario_data(max_nodes=9), st.sampled_from([2.5, "wtp"]))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_net_benefit_criterion_equals_the_net_benefit_written_out(data, wtp):
    """Actor a0 gets two measures, effect = its payoff v and cost = v squared, and chooses by
    net benefit; the copy has one payoff ``L * (v) - ((v) * (v))``: same choices, same value."""
    parameters = dict(data.get("parameters") or {})
    parameters["wtp"] = 3
    measured = _rewrite(data, "a0", lambda v: {"effect": v, "cost": f"({v}) * ({v})"})
    measured["parameters"] = parameters
    measured["actors"]["a0"].update(measures={"cost": {"minimize": True}, "effect": {}},
                                    criterion={"net_benefit": {"effect": "effect", "cost": "cost", "lambda": wtp}})
    written = _rewrite(data, "a0", lambda v: f"{wtp} * ({v}) - (({v}) * ({v}))")
    written["parameters"] = parameters
    a, b = build(measured).solve(), build(written).solve()
    assert a.choices == b.choices
    assert a.expected_payoffs["a0"] == pytest.approx(b.expected_payoffs["a0"], rel=1e-9, abs=1e-9)
    assert _batch_choices(build(measured)) == a.choices


def test_minimised_cost_is_chosen_low_and_reported_as_it_is():
    s = scenarios.loads("""
title: Which route?
actors: {ops: {name: Operations, minimize: true}}
nodes:
  route: {kind: decision, actor: ops, branches: [{to: road}, {to: rail}, {to: air}]}
  road: {kind: outcome, payoffs: {ops: 40}}
  rail: {kind: outcome, payoffs: {ops: 25}}
  air: {kind: outcome, payoffs: {ops: 90}}
""")
    r = s.solve()
    assert r.choices == {"route": "rail"} and r.expected_payoffs == {"ops": 25.0}
    assert s.evaluate().expected_payoffs == {"ops": pytest.approx(155 / 3)}


def test_measures_in_results_and_json(screening, cli):
    r = screening.evaluate()
    assert r.measures == {"health": {"cost": pytest.approx(4800), "effect": pytest.approx(10.86)}}
    assert r.expected_payoffs == {"health": pytest.approx(5000 * 10.86 - 4800)}  # the criterion's value
    assert [b.value["health"] for b in r.branches("strategy")] == pytest.approx([49000, 49500, 48000, 51500, 49500])
    status, out, _ = cli("solve", str(EXAMPLE), "--json")
    data = json.loads(out)
    assert status == 0 and data["expected_measures"] == {"health": {"cost": 6000.0, "effect": 11.5}}
    assert data["expected_payoffs"] == {"health": 51500.0}
    status, out, _ = cli("solve", "entry-deterrence", "--json")
    assert "expected_measures" not in json.loads(out)  # old files: the same keys as before


def test_round_trip_keeps_measures_and_criteria(screening):
    assert scenarios.loads(screening.to_yaml()) == screening
    assert scenarios.Scenario.from_dict(screening.to_dict()) == screening


# -- strategies ------------------------------------------------------------------------------------
TWO_STAGE = """
title: Two stages
parameters: {wtp: 100}
actors:
  payer:
    measures: {cost: {minimize: true}, effect: {}}
    criterion: {net_benefit: {effect: effect, cost: cost, lambda: wtp}}
  maker: {name: Manufacturer}
nodes:
  test:
    kind: decision
    actor: payer
    branches:
      - {to: price, label: Test, payoffs: {payer: {cost: 10}}}
      - {to: treat_all, label: No test}
  price:
    kind: decision
    actor: maker
    branches:
      - {to: result, label: Low price, p: 0.5, payoffs: {maker: 1}}
      - {to: result_high, label: High price, p: 0.5, payoffs: {maker: 3, payer: {cost: 20}}}
  result:
    kind: chance
    branches: [{to: treat, p: 0.4}, {to: wait, p: rest}]
  result_high:
    kind: chance
    branches: [{to: treat_high, p: 0.4}, {to: wait_high, p: rest}]
  treat: {kind: decision, actor: payer, branches: [{to: t1, label: Treat}, {to: t2, label: Watch}]}
  treat_high: {kind: outcome, payoffs: {payer: {cost: 50, effect: 2}}}
  wait: {kind: outcome, payoffs: {payer: {effect: 1}}}
  wait_high: {kind: outcome, payoffs: {payer: {effect: 1}}}
  treat_all: {kind: outcome, payoffs: {payer: {cost: 80, effect: 1.5}}}
  t1: {kind: outcome, payoffs: {payer: {cost: 50, effect: 2}}}
  t2: {kind: outcome, payoffs: {payer: {cost: 0, effect: 1.2}}}
"""


def test_reduced_strategies_and_the_other_actor_in_both_modes():
    """The payer's reduced strategies: No test (the later decision is not reached), Test / Treat,
    Test / Watch: three, not four.  Belief mode, maker prices low or high with 1/2 each:
    Test / Treat costs 10 + 0.5 * 20 + 0.4 * 50 = 40, effect 0.4 * 2 + 0.6 * 1 = 1.4;
    Test / Watch costs 10 + 10 + 0.5 * 0.4 * 50 = 30, effect 0.5 * (0.4 * 1.2 + 0.6) + 0.5 * 1.4 = 1.24.
    Strategic: the maker prices high (3 > 1): Test / * costs 10 + 20 + 20 = 50, effect 1.4."""
    s = scenarios.loads(TWO_STAGE)
    r = cea(s, "payer")
    rows = {x.label: (x.cost, x.effect) for x in r.strategies}
    assert set(rows) == {"No test", "Test / Treat", "Test / Watch"}
    assert rows["Test / Treat"] == pytest.approx((40, 1.4))
    assert rows["Test / Watch"] == pytest.approx((30, 1.24))
    assert rows["No test"] == pytest.approx((80, 1.5))
    solved = {x.label: (x.cost, x.effect) for x in cea(s, "payer", strategic=True).strategies}
    assert solved["Test / Treat"] == pytest.approx((50, 1.4))
    assert solved["Test / Watch"] == pytest.approx((50, 1.4))
    assert cea(s, "payer", strategic=True).mode == "strategic"
    with pytest.raises(AnalysisError, match="more than 2 strategies"):
        cea(s, "payer", limit=2)
    with pytest.raises(AnalysisError, match="measures"):
        cea(s, "maker")
    with pytest.raises(UnknownNameError, match="did you mean 'payer'"):
        cea(s, "payr")


# -- bad input -------------------------------------------------------------------------------------
BAD = {
    "unknown measure in a payoff": ("payoffs: {health: {cots: 5}}", "no measure 'cots'", "did you mean 'cost'"),
    "a number where measures are needed": ("payoffs: {health: 5}", "must be a mapping of its measures", ""),
    "a mapping for a one-payoff actor": ("payoffs: {gov: {cost: 5}}", "not a mapping", ""),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_payoffs_are_file_line_col_errors(case):
    payoff, message, hint = BAD[case]
    text = f"""title: T
actors:
  gov: {{}}
  health:
    measures: {{cost: {{minimize: true}}, effect: {{}}}}
    criterion: {{net_benefit: {{effect: effect, cost: cost, lambda: 1}}}}
nodes:
  end: {{kind: outcome, {payoff}}}
"""
    with pytest.raises(ScenarioFileError) as info:
        scenarios.loads(text, filename="bad.yaml")
    shown = str(info.value)
    assert shown.startswith("bad.yaml:8:") and message in shown and hint in shown


@pytest.mark.parametrize(("actor", "message", "line"), [
    ("{measures: {cost: {}, effect: {}}}", "name its 'criterion'", 3),
    ("{measures: {cost: {}}, criterion: costs}", "criterion 'costs' is not one of its measures", 3),
    ("{measures: {cost: {}, e: {}}, criterion: {net_benefit: {effect: eff, cost: cost, lambda: 1}}}",
     "effect 'eff' is not one of its measures", 3),
    ("{measures: {cost: {}, e: {}}, criterion: {net_benefit: {effect: e, cost: cost}}}", "has no 'lambda'", 3),
    ("{measures: {cost: {}, e: {}}, criterion: {net_benefit: {effect: e, cost: cost, lambda: wpt}}}",
     "unknown parameter 'wpt'", 3),
    ("{measures: {cost: {}, e: {}}, criterion: {netbenefit: {}}}", "did you mean 'net_benefit'", 3),
    ("{measures: 5}", "'measures' must be a non-empty mapping", 3),
    ("{minimize: true, measures: {cost: {}}}", "on the measure that is minimised", 3),
    ("{criterion: cost}", "a 'criterion' needs 'measures'", 3),
    ("{minimize: 1}", "must be true or false", 3),
])
def test_bad_actor_specs_are_file_line_col_errors(actor, message, line):
    text = f"title: T\nactors:\n  h: {actor}\nparameters: {{wtp: 1}}\nnodes:\n  end: {{kind: outcome}}\n"
    with pytest.raises(ScenarioFileError) as info:
        scenarios.loads(text, filename="bad.yaml")
    assert str(info.value).startswith(f"bad.yaml:{line}:") and message in str(info.value)


def test_cli_cea_runs_and_refuses_bad_requests(cli, tmp_path):
    status, out, _ = cli("cea", str(EXAMPLE), "--actor", "health", "--draws", "200")
    flat = " ".join(out.split())  # the status column wraps at 80 columns
    assert status == 0 and "extendedly dominated by Standard care and Drug and device" in flat
    assert "Acceptability: share of 200 parameter draws" in flat
    status, out, _ = cli("cea", str(EXAMPLE), "--actor", "health", "--lambda", "20000", "--json", "--draws", "0")
    data = json.loads(out)
    assert data["best"] == "Intensive programme" and "acceptability" not in data
    for argv, message in [
        (("--actor", "nobody"), "unknown actor 'nobody'"),
        (("--actor", "health", "--cost", "price"), "no measure 'price'"),
        (("--actor", "health", "--limit", "3"), "more than 3 strategies"),
    ]:
        status, out, err = cli("cea", str(EXAMPLE), *argv)
        assert status == 1 and out == "" and message in err and len(err.strip().splitlines()) == 1
    status, _, err = cli("cea", "entry-deterrence", "--actor", "entrant")
    assert status == 1 and "measures" in err


def test_cli_cea_as_a_user_runs_it(cli_process):
    done = cli_process("cea", str(EXAMPLE), "--actor", "health", "--draws", "100", "--strategic")
    assert done.returncode == 0 and "strategic" in done.stdout and "Traceback" not in done.stderr


def test_cea_chart_draws_plane_and_curve(screening, tmp_path):
    from scenarios.briefing.charts import chart_figure

    ax = chart_figure(screening, "cea", psa_draws=200)
    assert len(ax.figure.axes) == 2
    texts = [t.get_text() for t in ax.texts]
    assert "ICER 3,333" in texts and "ICER 10,000" in texts
    with pytest.raises(Exception, match="net_benefit"):
        chart_figure(scenarios.load("entry-deterrence"), "cea")


def test_threshold_on_willingness_to_pay_finds_the_icers(screening):
    """Re-solving as lambda moves, the choice flips exactly at the frontier's ICERs
    (3333.33 and 10000, worked above): two analyses, one answer."""
    from scenarios.analysis.thresholds import threshold

    t = threshold(screening, "wtp", node="strategy")
    assert [c.value for c in t.crossings] == pytest.approx([5000 / 1.5, 10000], rel=1e-9)


def test_threshold_of_a_minimising_actor():
    """Road costs `fuel`, rail 25; a minimiser switches to rail where fuel passes 25."""
    from scenarios.analysis.thresholds import threshold

    s = scenarios.loads("""
title: Which route?
parameters: {fuel: {value: 40, low: 0, high: 100}}
actors: {ops: {name: Operations, minimize: true}}
nodes:
  route: {kind: decision, actor: ops, branches: [{to: road}, {to: rail}]}
  road: {kind: outcome, payoffs: {ops: fuel}}
  rail: {kind: outcome, payoffs: {ops: 25}}
""")
    (crossing,) = threshold(s, "fuel", node="route").crossings
    assert crossing.value == pytest.approx(25, abs=1e-8)
    assert (crossing.left, crossing.right) == ("road", "rail")


@pytest.mark.parametrize("argv", [
    ("show",), ("evaluate", "--given", "drug"), ("simulate", "-n", "300", "--seed", "1"),
    ("simulate", "--uncertainty", "-n", "300", "--seed", "1", "--quiet"), ("sensitivity", "--spider"),
    ("threshold", "--param", "wtp", "--node", "strategy"), ("export", "--to", "efg"),
])
def test_every_command_reads_a_file_with_measures(cli, argv):
    """Commands written before criteria see an actor with measures by its criterion's value."""
    status, out, err = cli(argv[0], str(EXAMPLE), *argv[1:])
    assert status == 0, err
    if argv[0] == "simulate":
        assert "Health service" in out and "health.cost" not in out


def test_text_output_lists_the_measures(cli):
    status, out, _ = cli("solve", str(EXAMPLE))
    assert status == 0 and "follows its criterion" in out
    assert "health.cost    Cost (GBP)      6000" in out and "health.effect  QALYs           11.5" in out


def test_efg_export_negates_a_minimised_payoff(cli, tmp_path):
    """Gambit's players maximise: a cost of 40 is written as -40, so the exported game is the same game."""
    path = tmp_path / "route.yaml"
    path.write_text("""title: Which route?
actors: {ops: {name: Operations, minimize: true}, rival: {}}
nodes:
  route: {kind: decision, actor: ops, branches: [{to: road}, {to: rail}]}
  road: {kind: outcome, payoffs: {ops: 40, rival: 1}}
  rail: {kind: outcome, payoffs: {ops: 25, rival: 2}}
""", encoding="utf-8")
    status, out, _ = cli("export", str(path), "--to", "efg")
    assert status == 0 and "{ -40, 1 }" in out and "{ -25, 2 }" in out and "are negated" in out


def test_the_schema_accepts_the_example_and_rejects_a_bad_criterion():
    import yaml

    from scenarios.io.schema import validate

    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    assert validate(data) == []
    data["actors"]["health"]["criterion"] = {"net_benefit": {"effect": "effect"}}
    assert validate(data) and "criterion" in validate(data)[0]
    with pytest.raises(ScenarioFileError, match="has no 'cost'"):
        scenarios.Scenario.from_dict(data)

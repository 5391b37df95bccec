"""Risk attitudes (docs/risk-attitudes.md): expected utility of the total payoff of a path.

Independent values: certainty equivalents from their closed forms on lotteries, a risk
tolerance threshold from its closed form (sure 10 against a 50/50 gamble of 30 or 0: the
gamble's CE equals 10 where exp(-10/R) is the golden ratio's inverse, R = 10 / ln(phi)),
and brute force: every path enumerated (tests/reference.py) with expected utility of the
path totals and backward induction by certainty equivalent written out by recursion.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pytest import approx

import scenarios
from builders import build, scenario_data
from reference import Reference, RefProbabilityError, add
from scenarios.analysis.metrics import evaluate_settings
from scenarios.analysis.thresholds import threshold
from scenarios.engine.bind import bind
from scenarios.engine.risk import parse_risk, rollback_risk
from scenarios.engine.strategic import rollback
from scenarios.errors import RiskError, UnknownNameError

DATA = "tests/data/valid/risk_attitudes.yaml"
PHI = (1 + math.sqrt(5)) / 2


def lottery(*pairs, risk: str = "exponential: 100") -> scenarios.Scenario:
    """A chance node over outcomes ``(p, payoff)`` for actor ``a`` with risk ``risk``."""
    branches = "\n".join(f"      - {{to: o{i}, p: {p}}}" for i, (p, _) in enumerate(pairs))
    outcomes = "\n".join(f"  o{i}: {{kind: outcome, payoffs: {{a: {x}}}}}" for i, (_, x) in enumerate(pairs))
    return scenarios.loads(f"title: L\nactors: {{a: {{risk: {{{risk}}}}}}}\nnodes:\n  c:\n    kind: chance\n"
                           f"    branches:\n{branches}\n{outcomes}\n")


def two_options(r: float) -> scenarios.Scenario:
    """Sure 10 against a 50/50 gamble of 30 or 0 (the gamble's payoff partly on its branch)."""
    return scenarios.loads(f"""
title: Sure or gamble
actors: {{dm: {{risk: {{exponential: {r}}}}}}}
nodes:
  d:
    kind: decision
    actor: dm
    branches: [{{to: sure}}, {{to: gamble, payoffs: {{dm: 12}}}}]
  sure: {{kind: outcome, payoffs: {{dm: 10}}}}
  gamble: {{kind: chance, branches: [{{to: win, p: 0.5}}, {{to: lose, p: rest}}]}}
  win: {{kind: outcome, payoffs: {{dm: 18}}}}
  lose: {{kind: outcome, payoffs: {{dm: -12}}}}
""")


# -- closed forms ---------------------------------------------------------------------------------
@pytest.mark.parametrize("r", [100.0, 10.0, 1.0, -30.0, -3.0])
def test_exponential_certainty_equivalent_is_the_closed_form(r):
    pairs = [(0.5, 0.0), (0.5, 100.0)]
    s = lottery(*pairs, risk=f"exponential: {r}")
    want = -r * math.log(sum(p * math.exp(-x / r) for p, x in pairs))
    res = s.evaluate()
    assert res.certainty_equivalents["a"] == approx(want, rel=1e-12, abs=1e-12)
    assert res.expected_utilities["a"] == approx(math.copysign(1, r) * (1 - math.exp(-want / r)), rel=1e-12)
    assert res.expected_payoffs["a"] == approx(50.0)
    assert (res.certainty_equivalents["a"] < 50.0) == (r > 0)  # averse below the mean, seeking above


def test_a_three_way_lottery_and_the_textbook_value():
    # R = 100 and 50/50 of 0 and 100: CE = -100 ln((1 + e^-1) / 2) = 37.9885493...
    assert lottery((0.5, 0), (0.5, 100)).evaluate().certainty_equivalents["a"] == approx(37.98854930, abs=1e-8)
    pairs = [(0.2, -50.0), (0.3, 10.0), (0.5, 80.0)]
    s = lottery(*pairs, risk="exponential: 40")
    assert s.evaluate().certainty_equivalents["a"] == approx(
        -40 * math.log(sum(p * math.exp(-x / 40) for p, x in pairs)), rel=1e-12)


def test_log_power_and_expression_certainty_equivalents():
    # Belief mode: 'choose' has no p, so 1/2 sure 40, 1/4 win 100, 1/4 lose 1 (for these actors).
    r = scenarios.load(DATA).evaluate()
    ce = r.certainty_equivalents
    assert ce["kelly"] == approx(40 ** 0.5 * 100 ** 0.25 * 1 ** 0.25, rel=1e-12)  # geometric mean: 20
    assert ce["kelly"] == approx(20.0, rel=1e-12)
    assert ce["crra"] == approx((0.5 * 40 ** 0.5 + 0.25 * 10 + 0.25 * 1) ** 2, rel=1e-12)
    u = [1 - math.exp(-x / 40) for x in (40, 100, 1)]
    eu = 0.5 * u[0] + 0.25 * u[1] + 0.25 * u[2]
    assert r.expected_utilities["own"] == approx(eu, rel=1e-12)
    assert ce["own"] == approx(-40 * math.log(1 - eu), rel=1e-9)  # by bisection
    # payoffs along the path add up: averse's gamble branch costs 5, so its totals are 100 and 0
    assert ce["averse"] == approx(-50 * math.log(0.5 * math.exp(-40 / 50) + 0.25 * math.exp(-2) + 0.25), rel=1e-12)
    assert ce["plain"] == r.expected_payoffs["plain"] == r.expected_utilities["plain"]


def test_strategic_choice_by_expected_utility():
    s = scenarios.load(DATA)
    r = s.solve()
    assert r.choices == {"choose": "sure"}  # CE of the gamble: -50 ln((e^-2 + 1) / 2) = 28.3 < 40
    neutral = s.solve(risk={"averse": "neutral"})
    assert neutral.choices == {"choose": "gamble"}  # 50 > 40
    assert neutral.certainty_equivalents["averse"] == neutral.expected_payoffs["averse"] == approx(50.0)


def test_the_threshold_of_risk_tolerance_is_the_closed_form():
    # Gamble CE = sure 10 <=> (1 + e^(-30/R)) / 2 = e^(-10/R) <=> u = e^(-10/R) solves u^3 - 2u + 1 = 0,
    # u = 1/phi: R* = 10 / ln(phi) = 20.78...; below R* the sure 10, above it the gamble (EV 15).
    want = 10 / math.log(PHI)
    t = threshold(two_options(5), "risk.dm", ranges={"risk.dm": (1, 100)}, node="d")
    assert [(c.left, c.right) for c in t.crossings] == [("sure", "gamble")]
    assert t.crossings[0].value == approx(want, abs=1e-7)
    assert t.crossings[0].left_value == approx(10.0, abs=1e-6)  # both options' CE at the crossing
    assert two_options(want - 1e-6).solve().choices["d"] == "sure"
    assert two_options(want + 1e-6).solve().choices["d"] == "gamble"


def test_risk_neutral_is_todays_engine_exactly():
    for name in ("oil-wildcatter", "donbas-recognition-2022", "entry-deterrence"):
        s = scenarios.load(name)
        everyone = {a: "neutral" for a in s.actors}
        for mode in ("evaluate", "solve"):
            a, b = getattr(s, mode)(), getattr(s, mode)(risk=everyone)
            assert a.to_dict() == b.to_dict()
            assert a.certainty_equivalents == a.expected_utilities == a.expected_payoffs
            assert np.array_equal(a.values_array, b.values_array)


# -- brute force -----------------------------------------------------------------------------------
def _ce(lot: list[tuple[float, dict]], actor: str, r: float | None) -> float:
    if r is None:
        return sum(p * pay[actor] for p, pay in lot)
    return -r * math.log(sum(p * math.exp(-pay[actor] / r) for p, pay in lot))


def _brute_solve(ref: Reference, tolerance: dict[str, float | None]):
    """Backward induction by certainty equivalent over whole lotteries of path totals."""
    memo: dict[str, list] = {}
    choices: dict[str, str] = {}
    near = []

    def lot(node_id):
        if node_id in memo:
            return memo[node_id]
        node, kids = ref.nodes[node_id], ref.children(node_id)
        own = ref.node_pay[node_id]
        if not kids:
            out = [(1.0, dict(own))]
        else:
            options = [[(p, add(add(own, ref.branch_pay[(node_id, i)]), pay)) for p, pay in lot(c)]
                       for i, c in enumerate(kids)]
            if node["kind"] == "decision" and not node.get("fixed", False):
                actor = node["actor"]
                values = [_ce(o, actor, tolerance[actor]) for o in options]
                best = max(values)
                scale = 1 + abs(best)
                first = next(i for i, v in enumerate(values) if v >= best - 1e-9 * scale)
                near.extend(1e-11 * scale < best - v < 1e-6 * scale for v in values)
                choices[node_id] = kids[first]
                out = options[first]
            else:
                out = [(q * p, pay) for q, o in zip(ref.p[node_id], options, strict=True) for p, pay in o]
        memo[node_id] = out
        return out

    root = lot(ref.root)
    return {a: _ce(root, a, tolerance[a]) for a in ref.actors}, choices, any(near)


TOLERANCES = st.sampled_from([None, 1.0, 3.0, 10.0, -4.0, -25.0])


@settings(max_examples=80, deadline=None)
@given(scenario_data(max_nodes=9), st.data())
def test_exponential_rollback_equals_brute_force(data, draw):
    try:
        ref = Reference(data)
    except RefProbabilityError:
        assume(False)
    tolerance = {a: draw.draw(TOLERANCES) for a in ref.actors}
    risk = {a: "neutral" if r is None else f"exponential:{r}" for a, r in tolerance.items()}
    s = build(data)
    # belief mode: E[u(total)] over every path
    paths = ref.all_paths()
    lot = [(p.probability, p.payoffs) for p in paths if p.probability > 0]
    belief = s.evaluate(risk=risk, top=0)
    for a in ref.actors:
        assert belief.certainty_equivalents[a] == approx(_ce(lot, a, tolerance[a]), rel=1e-9, abs=1e-9)
    # strategic mode: backward induction on the lotteries
    want, choices, ambiguous = _brute_solve(ref, tolerance)
    assume(not ambiguous)
    solved = s.solve(risk=risk, top=0)
    assert solved.choices == choices
    for a in ref.actors:
        assert solved.certainty_equivalents[a] == approx(want[a], rel=1e-9, abs=1e-9)
        r = tolerance[a]
        if r is not None:
            assert solved.expected_utilities[a] == approx(math.copysign(1, r) * -math.expm1(-want[a] / r),
                                                          rel=1e-9, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(scenario_data(max_nodes=9), st.data())
def test_the_risk_kernel_with_neutral_rows_is_the_rollback(data, draw):
    s = build(data)
    try:
        b = bind(s)
    except scenarios.errors.ScenarioError:
        assume(False)
    c = s.compiled
    values, chosen, tied, played = rollback(c, b.p, b.node_payoff_by_actor, b.edge_payoff_by_actor)
    tol = np.full((len(c.actors), 1), np.inf)
    score, chosen2, tied2, played2 = rollback_risk(c, b.p[:, None], b.node_payoff_by_actor[:, :, None],
                                                   b.edge_payoff_by_actor[:, :, None], tol,
                                                   np.asarray(c.strategic, dtype=bool))
    assert np.array_equal(chosen, chosen2[:, 0]) and np.array_equal(tied, tied2[:, 0])
    assert np.allclose(values, score[:, :, 0], rtol=1e-12, atol=1e-12)
    assert np.array_equal(played, played2[:, 0])


@settings(max_examples=40, deadline=None)
@given(scenario_data(max_nodes=9), st.data())
def test_batch_columns_of_risk_tolerance_equal_single_solves(data, draw):
    s = build(data)
    decisions = [n for n, node in data["nodes"].items() if node["kind"] == "decision" and not node.get("fixed")]
    assume(decisions)
    node = draw.draw(st.sampled_from(decisions))
    actor = draw.draw(st.sampled_from(list(s.actors)))
    values = draw.draw(st.lists(st.sampled_from([0.5, 2.0, 7.0, -3.0, -40.0]), min_size=1, max_size=4))
    s = s.with_risk({actor: "exponential:1"})
    try:
        batch = evaluate_settings(s, {f"risk.{actor}": values}, metric=f"payoff:{actor}", policy="reoptimize",
                                  node=node)
    except scenarios.errors.ScenarioError:
        assume(False)
    for k, r in enumerate(values):
        single = s.solve(risk={actor: f"exponential:{r}"}, top=0)
        assert batch.metric[k] == approx(single.expected_payoffs[actor], rel=1e-9, abs=1e-9)
        assert s.nodes[node].branches[int(batch.choice[k])].to == single.choices[node]


@settings(max_examples=30, deadline=None)
@given(scenario_data(max_nodes=9), st.data())
def test_the_certainty_equivalent_metric_in_batch_equals_single_results(data, draw):
    s = build(data)
    actor = draw.draw(st.sampled_from(list(s.actors)))
    policy = draw.draw(st.sampled_from(["belief", "reoptimize"]))
    values = draw.draw(st.lists(st.sampled_from([0.5, 2.0, 7.0, -3.0]), min_size=1, max_size=3))
    s = s.with_risk({actor: "exponential:1"})
    try:
        batch = evaluate_settings(s, {f"risk.{actor}": values}, metric=f"ce:{actor}", policy=policy)
    except scenarios.errors.ScenarioError:
        assume(False)
    for k, r in enumerate(values):
        one = (s.solve if policy == "reoptimize" else s.evaluate)(risk={actor: f"exponential:{r}"}, top=0)
        assert batch.metric[k] == approx(one.certainty_equivalents[actor], rel=1e-9, abs=1e-9)


# -- DAGs and refusals ----------------------------------------------------------------------------
DAG = """
title: Shared node with payoffs before it
actors: {a: {risk: RISK}}
nodes:
  start:
    kind: chance
    branches:
      - {to: left, p: 0.5, payoffs: {a: 5}}
      - {to: right, p: rest}
  left: {kind: chance, branches: [{to: shared, p: 1}]}
  right: {kind: chance, branches: [{to: shared, p: 1, payoffs: {a: 1}}]}
  shared: {kind: chance, branches: [{to: hi, p: 0.5}, {to: lo, p: rest}]}
  hi: {kind: outcome, payoffs: {a: 10}}
  lo: {kind: outcome, payoffs: {a: 2}}
"""


def test_exponential_rolls_back_on_a_dag_with_payoffs_before_the_shared_node():
    r = scenarios.loads(DAG.replace("RISK", "{exponential: 4}")).evaluate()
    totals = [15, 7, 11, 3]  # via left (5) or right (1), then hi (10) or lo (2)
    assert r.certainty_equivalents["a"] == approx(-4 * math.log(sum(0.25 * math.exp(-x / 4) for x in totals)),
                                                  rel=1e-12)


def test_other_utilities_refuse_a_dag_with_different_totals_into_a_node():
    s = scenarios.loads(DAG.replace("RISK", "log"))
    with pytest.raises(RiskError, match="node 'shared' is reached with different payoffs"):
        s.evaluate()
    same = scenarios.loads(DAG.replace("RISK", "log").replace("payoffs: {a: 5}", "payoffs: {a: 1}"))
    assert same.evaluate().certainty_equivalents["a"] == approx(math.sqrt(11 * 3), rel=1e-12)


def test_log_of_a_non_positive_total_names_the_outcome_and_actor():
    s = scenarios.loads("title: L\nactors: {a: {risk: log}}\nnodes:\n  c: {kind: chance, branches: "
                        "[{to: o0, p: 0.5}, {to: o1, p: rest}]}\n  o0: {kind: outcome, payoffs: {a: 3}}\n"
                        "  o1: {kind: outcome, payoffs: {a: 0}}\n")
    with pytest.raises(RiskError, match=r"actor 'a' \(risk log\): the path to outcome 'o1' totals 0"):
        s.evaluate()


def test_an_expression_utility_must_increase():
    s = lottery((0.5, 1), (0.5, 4), risk='expression: "-x"')
    with pytest.raises(RiskError, match="not increasing between x = 1 and x = 4"):
        s.solve()


def test_api_refusals():
    s = scenarios.load("entry-deterrence")
    with pytest.raises(UnknownNameError, match="did you mean 'entrant'"):
        s.solve(risk={"entrnt": "exponential:1"})
    with pytest.raises(RiskError, match="R = 0"):
        s.solve(risk={"entrant": "exponential:0"})
    with pytest.raises(RiskError, match="--given"):
        s.evaluate(risk={"entrant": "exponential:1"}, given="response")
    with pytest.raises(RiskError, match="unknown risk attitude 'expon' \\(did you mean 'exponential'\\?\\)"):
        parse_risk("expon:3")
    assert str(parse_risk("power:0.5")) == "power:0.5"


# -- the command line ------------------------------------------------------------------------------
def test_cli_text_shows_utility_columns_only_with_risk(cli):
    status, out, _ = cli("solve", "oil-wildcatter")
    assert status == 0 and "cert. equiv." not in out
    status, out, _ = cli("solve", "oil-wildcatter", "--risk", "wildcatter=exponential:1000")
    assert status == 0 and "cert. equiv." in out and "exponential:1000" in out


def test_cli_json_always_has_utilities(cli):
    status, out, _ = cli("evaluate", "oil-wildcatter", "--json")
    data = json.loads(out)
    assert data["certainty_equivalents"] == data["expected_utilities"] == data["expected_payoffs"]
    assert data["risk"] == {"wildcatter": "neutral"}
    status, out, _ = cli("solve", "oil-wildcatter", "--json", "--risk", "wildcatter=exponential:30")
    data = json.loads(out)
    assert data["risk"] == {"wildcatter": "exponential:30"} and data["choices"]["start"] == "walk_away"


@pytest.mark.parametrize(("spec", "message"), [
    ("wildcater=exponential:5", "--risk wildcater: unknown actor (did you mean 'wildcatter'?)"),
    ("wildcatter=exponential:0", "R = 0 is not allowed"),
    ("wildcatter=exponential:abc", "must be a number"),
    ("wildcatter=quadratic", "unknown risk attitude 'quadratic'"),
    ("wildcatter=log", "the path to outcome"),
])
def test_cli_bad_risk_is_one_line_exit_1(cli, spec, message):
    status, out, err = cli("solve", "oil-wildcatter", "--risk", spec)
    assert status == 1 and out == "" and message in err and len(err.strip().splitlines()) == 1


def test_cli_bad_file_risk_gets_file_line_col(cli_process):
    done = cli_process("validate", "tests/data/invalid/bad_risk.yaml")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "tests/data/invalid/bad_risk.yaml:12:27: error: actor 'a': exponential risk tolerance R = 0" in done.stderr


def test_cli_threshold_of_risk_tolerance(cli):
    status, out, _ = cli("threshold", "oil-wildcatter", "--param", "risk.wildcatter", "--risk",
                         "wildcatter=exponential:50", "--range", "risk.wildcatter=10:1000", "--json")
    assert status == 0
    crossings = json.loads(out)["crossings"]
    assert crossings and all(10 < c["value"] < 1000 for c in crossings)
    status, _, err = cli("threshold", "oil-wildcatter", "--param", "risk.wildcatter")
    assert status == 1 and "exponential" in err
    status, _, err = cli("threshold", "oil-wildcatter", "--param", "risk.wildcater", "--risk",
                         "wildcatter=exponential:50", "--range", "risk.wildcater=1:2")
    assert status == 1 and "did you mean 'wildcatter'" in err


def test_analyses_that_do_not_compute_risk_say_so(cli):
    from scenarios.analysis.psa import psa

    s = scenarios.load(DATA)
    with pytest.raises(RiskError, match="simulate --uncertainty"):
        psa(s, 10, seed=0)
    status, _, err = cli("export", DATA, "--to", "whatif", "-o", "unused.html")
    assert status == 1 and "does not compute risk attitudes" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("actor", ["kelly", "crra", "own", "seeker"])
def test_batch_with_utilities_of_totals_equals_single_solves(actor):
    s = scenarios.load(DATA)
    values = [1.0, 20.0, 60.0, 500.0]  # the averse decider switches from the sure amount to the gamble
    batch = evaluate_settings(s, {"risk.averse": values}, metric=f"ce:{actor}", policy="reoptimize", node="choose")
    seen = set()
    for k, r in enumerate(values):
        one = s.solve(risk={"averse": f"exponential:{r}"}, top=0)
        assert batch.metric[k] == approx(one.certainty_equivalents[actor], rel=1e-9)
        seen.add(one.choices["choose"])
    assert seen == {"sure", "gamble"}


# -- risk seeking (R < 0, a > 1): accepted, and said where risk attitudes are reported --------------
def test_risk_seeking_from_the_file_is_named_in_json(cli):
    status, out, err = cli("solve", DATA, "--json")
    assert (status, err) == (0, "")
    assert json.loads(out)["risk_seeking"] == {"seeker": "R < 0"}  # averse (R = 50), power 0.5, log: not seeking
    status, out, _ = cli("evaluate", DATA, "--json", "--risk", "crra=power:2", "--risk", "seeker=neutral")
    assert status == 0 and json.loads(out)["risk_seeking"] == {"crra": "a > 1"}
    status, out, _ = cli("evaluate", "entry-deterrence", "--json")
    assert status == 0 and json.loads(out)["risk_seeking"] == {}


def test_risk_seeking_note_as_a_user_sees_it(cli_process):
    done = cli_process("solve", "oil-wildcatter", "--top", "0", "--risk", "wildcatter=exponential:-50",
                       "--width", "120")
    assert done.returncode == 0 and done.stderr == ""
    notes = [line for line in done.stdout.splitlines() if "risk seeking" in line]
    assert notes == ["  note: actor wildcatter is risk seeking (R < 0): it values a gamble above its expected payoff"]
    # it drills even after an unfavourable test: expected payoff -19, chosen by expected utility
    assert any(line.split()[-2:] == ["Drill", "-19"] for line in done.stdout.splitlines())
    averse = cli_process("solve", "oil-wildcatter", "--top", "0", "--risk", "wildcatter=exponential:50")
    assert averse.returncode == 0 and "risk seeking" not in averse.stdout


def test_risk_seeking_note_per_actor(cli):
    status, out, _ = cli("evaluate", DATA, "--top", "0", "--risk", "crra=power:2", "--width", "200")
    assert status == 0
    assert [line.strip() for line in out.splitlines() if "risk seeking" in line] == [
        "note: actor seeker is risk seeking (R < 0): it values a gamble above its expected payoff",
        "note: actor crra is risk seeking (a > 1): it values a gamble above its expected payoff"]

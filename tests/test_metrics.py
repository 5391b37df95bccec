"""Metrics (payoff:, outcome:, tag:, node:) and the batched evaluator behind every sensitivity design.

Expected values are hand-worked (entry deterrence, oil wildcatter: docs/teaching-answers.md)
or come from the brute-force reference evaluator (tests/reference.py), which shares no code
with the package.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import builders
import scenarios
from reference import Reference, RefError
from scenarios.analysis import metrics
from scenarios.analysis.metrics import (
    Metric,
    default_metric,
    evaluate_metric,
    evaluate_settings,
    metric_value,
    parse_metric,
)
from scenarios.errors import ExpressionError, ProbabilityError, ScenarioError, UnknownNameError

TOL = 1e-9




# -- parsing ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, kind, name", [
    ("payoff:west", "payoff", "west"),
    ("outcome:full_scale_war", "outcome", "full_scale_war"),
    ("tag:war", "tag", "war"),
    ("tag:frozen-conflict", "tag", "frozen-conflict"),
    ("node:invasion", "node", "invasion"),
    (" tag : war ", "tag", "war"),
], ids=["payoff", "outcome", "tag", "tag-with-dash", "node", "spaces"])
def test_parse_metric(donbas, text, kind, name):
    assert parse_metric(donbas, text) == Metric(kind, name)
    assert str(parse_metric(donbas, text)) == f"{kind}:{name}"


@pytest.mark.parametrize("text, phrase", [
    ("payoff:nato", "unknown actor 'nato'"),
    ("outcome:peace", "unknown outcome 'peace'"),
    ("outcome:invasion", "'invasion' is a decision node, not an outcome (use node:invasion"),
    ("node:nowhere", "unknown node 'nowhere'"),
    ("tag:peace", "no outcome has the tag 'peace'"),
    ("war", "expected payoff:ACTOR, outcome:ID, tag:TAG or node:ID"),
    ("tags:war", "(did you mean 'tag'?)"),
    ("tag:", "expected payoff:ACTOR"),
], ids=["actor", "outcome", "not-outcome", "node", "tag", "no-colon", "typo-kind", "empty-name"])
def test_parse_metric_errors_name_the_item(donbas, text, phrase):
    with pytest.raises(UnknownNameError) as info:
        parse_metric(donbas, text)
    assert phrase in str(info.value)
    assert isinstance(info.value, ScenarioError) and isinstance(info.value, LookupError)


def test_unknown_actor_suggests_and_lists(donbas):
    with pytest.raises(UnknownNameError, match=r"did you mean 'west'\?\) \(actors: russia, west, ukraine\)"):
        parse_metric(donbas, "payoff:wset")


def test_default_metric_is_the_root_deciders_payoff(donbas, oil):
    assert default_metric(donbas) == Metric("payoff", "russia")
    assert default_metric(oil) == Metric("payoff", "wildcatter")
    coin = builders.build(builders.coin_flip())  # chance root: the first actor
    assert default_metric(coin) == Metric("payoff", "bettor")
    no_actors = scenarios.loads("title: t\nnodes:\n  c: {kind: chance, branches: [{to: a, p: 0.25}, "
                                "{to: b, p: 0.75}]}\n  a: {kind: outcome}\n  b: {kind: outcome}\n")
    assert default_metric(no_actors) == Metric("outcome", "b")  # no payoff to take: P(most likely outcome)


def test_describe(donbas):
    assert parse_metric(donbas, "tag:war").describe(donbas) == "P(tag war)"
    assert parse_metric(donbas, "payoff:west").describe(donbas) == "expected payoff to The West (US and allies)"
    assert parse_metric(donbas, "outcome:standoff").describe(donbas) == "P(outcome Prolonged armed standoff)"


# -- one evaluation ---------------------------------------------------------------------------------
def test_metric_value_entry_deterrence(entry):
    # Belief: war 0.5*0.3 = 0.15; E[entrant] = 0.35 - 0.15 = 0.2.  Solved: enter, share -> 1.
    belief, solved = entry.evaluate(), entry.solve()
    assert metric_value(parse_metric(entry, "outcome:war"), belief) == pytest.approx(0.15)
    assert metric_value(parse_metric(entry, "payoff:entrant"), belief) == pytest.approx(0.2)
    assert metric_value(parse_metric(entry, "node:response"), belief) == pytest.approx(0.5)
    assert metric_value(parse_metric(entry, "payoff:entrant"), solved) == pytest.approx(1.0)
    assert metric_value(parse_metric(entry, "outcome:war"), solved) == 0.0


def test_evaluate_metric_tag_war_matches_teaching_answers(donbas):
    # docs/teaching-answers.md: P(tag war) = 0.3194815 in belief mode; 0 under the solution
    # (Putin keeps the build-up and negotiates: security_deal, payoffs (3, 2, 1)).
    assert evaluate_metric(donbas, "tag:war") == pytest.approx(0.3194815, abs=TOL)
    assert evaluate_metric(donbas, "tag:war", mode="strategic") == pytest.approx(0.0, abs=TOL)
    assert evaluate_metric(donbas, "tag:frozen-conflict") == pytest.approx(0.4736385, abs=TOL)
    assert evaluate_metric(donbas, "payoff:west", mode="strategic") == pytest.approx(2.0, abs=TOL)


def test_evaluate_metric_with_overrides(oil):
    # drill_cost 90: drill now 0, test -10 + 0.5 * 39 = 9.5 -> the test is chosen.
    assert evaluate_metric(oil, mode="strategic", overrides={"drill_cost": 90}) == pytest.approx(9.5)
    with pytest.raises(ValueError, match="mode"):
        evaluate_metric(oil, mode="fixed")


# -- many settings ----------------------------------------------------------------------------------
def test_oil_policies_by_hand(oil):
    # Over drill_cost c (others at base): drill now is worth 90 - c; with the test the strategy
    # is worth 54.5 - 0.5c for 51 <= c (and 80 - c below 51, when drilling after a bad reading pays).
    # Belief E = 14.395 - 0.665 (c - 70)  (0.5 from drilling now, 0.3 * (0.45 + 0.1) after a test).
    cs = [50.0, 60.0, 70.0, 80.0, 90.0]
    reopt = evaluate_settings(oil, {"drill_cost": cs}, policy="reoptimize", node="start")
    assert reopt.metric == pytest.approx([40, 30, 20, max(10, 54.5 - 40), 9.5])
    assert [oil.nodes["start"].branches[b].to for b in reopt.choice] == \
        ["drill_now", "drill_now", "drill_now", "seismic", "seismic"]
    fixed = evaluate_settings(oil, {"drill_cost": cs}, policy="fixed", node="start")
    assert fixed.metric == pytest.approx([40, 30, 20, 10, 0])  # drill now, held
    belief = evaluate_settings(oil, {"drill_cost": cs}, policy="belief")
    assert belief.metric == pytest.approx([14.395 - 0.665 * (c - 70) for c in cs])
    assert belief.choice is None


def test_option_values_at_the_node(oil):
    # start's options at base: drill now 20, seismic test 19.5, walk away 0.
    r = evaluate_settings(oil, {}, metric=False, policy="reoptimize", node="start")
    assert r.metric is None
    assert r.option_values[0] == pytest.approx([20, 19.5, 0])


def test_fixed_holds_downstream_choices_but_reoptimizes_the_node():
    # root (a): safe -> 1, or go -> n (b): left (a 2, b k) / right (a 0, b 0).  At base k = 1 b
    # goes left, so go is worth 2 to a.  At k = -1 b would go right: re-solved, go is worth 0
    # and a plays safe; with the base choices held, go is still worth 2.
    s = builders.build(fork_data())
    reopt = evaluate_settings(s, {"k": [-1.0, 1.0]}, metric="payoff:a", policy="reoptimize", node="root")
    fixed = evaluate_settings(s, {"k": [-1.0, 1.0]}, metric="payoff:a", policy="fixed", node="root")
    assert reopt.metric.tolist() == [1.0, 2.0]
    assert [s.nodes["root"].branches[c].to for c in reopt.choice] == ["S", "n"]
    assert fixed.metric.tolist() == [2.0, 2.0]
    assert [s.nodes["root"].branches[c].to for c in fixed.choice] == ["n", "n"]


def fork_data() -> dict:
    return {
        "title": "Fork",
        "actors": {"a": {}, "b": {}},
        "parameters": {"k": {"value": 1, "low": -1, "high": 2}},
        "nodes": {
            "root": {"kind": "decision", "actor": "a", "branches": [{"to": "S"}, {"to": "n"}]},
            "n": {"kind": "decision", "actor": "b", "branches": [{"to": "L"}, {"to": "R"}]},
            "S": {"kind": "outcome", "payoffs": {"a": 1}},
            "L": {"kind": "outcome", "payoffs": {"a": 2, "b": "k"}},
            "R": {"kind": "outcome", "payoffs": {"a": 0, "b": 0}},
        },
    }


def test_branch_columns_rescale_like_set(donbas):
    # recognized.recog_condemn = 0.5: targeted and sweeping share 0.5 in proportion 0.35 : 0.5.
    values = [0.0, 0.5, 1.0]
    batch = evaluate_settings(donbas, {"recognized.recog_condemn": values}, metric="tag:war")
    for v, got in zip(values, batch.metric, strict=False):
        one = donbas.evaluate(overrides={"recognized.recog_condemn": v}, top=0).tags["war"]
        assert got == pytest.approx(one, abs=TOL)


def test_base_overrides_apply_and_columns_win(donbas):
    r = evaluate_settings(donbas, {"p_recognize": [0.2]}, metric="tag:war",
                          overrides={"p_recognize": 0.4, "p_sanctions_deter": 0.5})
    one = donbas.evaluate(overrides={"p_recognize": 0.2, "p_sanctions_deter": 0.5}, top=0).tags["war"]
    assert r.metric[0] == pytest.approx(one, abs=TOL)


def test_rest_that_is_exactly_zero_stays_zero():
    # 0.3 + 0.7 is exactly 1.0 in floating point, so 'rest' must be exactly 0, not ~1e-16.
    s = scenarios.loads("title: t\nactors: {u: {}}\nnodes:\n  n: {kind: chance, branches: [{to: a, p: 0.3}, "
                        "{to: b, p: 0.7}, {to: c, p: rest}]}\n  a: {kind: outcome}\n  b: {kind: outcome}\n"
                        "  c: {kind: outcome, payoffs: {u: 1}}\n")
    r = evaluate_settings(s, {}, metric="outcome:c")
    assert r.metric[0] == 0.0


def test_chunks_give_the_same_numbers(donbas, monkeypatch):
    xs = np.linspace(0.1, 0.5, 17)
    whole = evaluate_settings(donbas, {"p_sanctions_deter": xs}, metric="payoff:west", policy="reoptimize",
                              node="recognized")
    monkeypatch.setattr(metrics, "_CHUNK_FLOATS", 200)  # 30 nodes x 3 actors: 2 settings per chunk
    chunked = evaluate_settings(donbas, {"p_sanctions_deter": xs}, metric="payoff:west", policy="reoptimize",
                                node="recognized")
    assert np.array_equal(whole.metric, chunked.metric)
    assert np.array_equal(whole.choice, chunked.choice)
    assert np.array_equal(whole.option_values, chunked.option_values)


@pytest.mark.parametrize("settings, error, phrase", [
    ({"nope": [1]}, UnknownNameError, "nope: unknown parameter"),
    ({"p_recognise": [0.1]}, UnknownNameError, "did you mean 'p_recognize'"),
    ({"nowhere.x": [0.1]}, UnknownNameError, "unknown node 'nowhere'"),
    ({"recognized.invasion": [0.1]}, UnknownNameError, "has no branch to 'invasion'"),
    ({"recognized.recog_condemn": [1.5]}, ProbabilityError, "recognized.recog_condemn=1.5"),
    ({"p_recognize": [float("nan")]}, ExpressionError, "finite"),
    ({"p_pullback": [1.5]}, ProbabilityError, "p_pullback=1.5"),
], ids=["unknown", "typo", "node", "branch", "branch-range", "nan", "invalid-probability"])
def test_settings_errors(donbas, settings, error, phrase):
    with pytest.raises(error) as info:
        evaluate_settings(donbas, settings, metric="tag:war")
    assert phrase in str(info.value)


def test_settings_programming_errors(donbas):
    with pytest.raises(ValueError, match="has 1 values, others 2"):
        evaluate_settings(donbas, {"p_recognize": [0.1, 0.2], "p_sanctions_deter": [0.1]})
    with pytest.raises(ValueError, match="policy"):
        evaluate_settings(donbas, {}, policy="greedy")
    with pytest.raises(UnknownNameError, match="fixed"):
        fixed = builders.build({"title": "f", "actors": {"u": {}}, "nodes": {
            "d": {"kind": "decision", "actor": "u", "fixed": True, "branches": [{"to": "a"}, {"to": "b"}]},
            "a": {"kind": "outcome"}, "b": {"kind": "outcome"}}})
        evaluate_settings(fixed, {}, node="d")


# -- property: the batch agrees with the brute-force reference ------------------------------------
@st.composite
def scenario_and_settings(draw):
    data = draw(builders.scenario_data(max_nodes=9))
    scenario = builders.build(data)
    # Vary payoff-like parameters freely (probability ones would break sums) and one branch.
    costs = [n for n, v in (data.get("parameters") or {}).items()
             if isinstance(v, int) and not isinstance(v, bool)]
    k = draw(st.integers(1, 4))
    settings = {}
    for name in costs[:2]:
        settings[name] = draw(st.lists(st.integers(-6, 6), min_size=k, max_size=k))
    branching = [n for n in scenario.nodes.values() if n.branches]
    node = draw(st.sampled_from(branching))
    child = draw(st.sampled_from(node.children))
    settings[f"{node.id}.{child}"] = draw(st.lists(st.sampled_from([0.0, 0.25, 0.5, 1.0]), min_size=k,
                                                   max_size=k))
    return data, scenario, settings, k


@settings(max_examples=40)
@given(scenario_and_settings())
def test_batch_agrees_with_reference(case):
    data, scenario, columns, k = case
    rows = [{name: values[i] for name, values in columns.items()} for i in range(k)]
    refs = []
    for row in rows:
        try:
            refs.append(Reference(data, row))
        except RefError:
            assume(False)  # the reference finds this setting invalid; so must the batch
    try:
        belief = {a: evaluate_settings(scenario, columns, metric=f"payoff:{a}") for a in scenario.actors}
        reopt = {a: evaluate_settings(scenario, columns, metric=f"payoff:{a}", policy="reoptimize")
                 for a in scenario.actors}
    except ProbabilityError:
        assume(False)
    for i, ref in enumerate(refs):
        b = ref.belief()
        for a in scenario.actors:
            assert math.isclose(belief[a].metric[i], b.expected[a], rel_tol=1e-9, abs_tol=1e-9)
        solved = ref.solve()
        if solved.ambiguous:
            continue
        for a in scenario.actors:
            assert math.isclose(reopt[a].metric[i], solved.belief.expected[a], rel_tol=1e-9, abs_tol=1e-9)
        for outcome in scenario.outcomes:
            got = evaluate_settings(scenario, {n: [v[i]] for n, v in columns.items()},
                                    metric=f"outcome:{outcome}", policy="reoptimize").metric[0]
            assert math.isclose(got, solved.belief.outcomes[outcome], abs_tol=1e-9)

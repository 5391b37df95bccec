"""Strategic mode: backward induction, ties, fixed decisions, overrides.

Hand-worked rollbacks are in the comments and in the builders' docstrings.
"""

from __future__ import annotations

import json

import pytest

import builders
import scenarios
from builders import build
from reference import Reference
from scenarios.errors import ProbabilityError, UnknownNameError


def test_entry_deterrence_subgame_perfect_equilibrium(entry):
    # Gibbons (1992) sec. 2.1: after entry the incumbent accommodates (1 > -1); the entrant,
    # anticipating it, enters (1 > 0).  The threat to fight is not credible.
    result = entry.solve()
    assert result.choices == {"entry": "response", "response": "share"}
    assert result.ties == ()
    assert result.expected_payoffs == {"entrant": 1.0, "incumbent": 1.0}
    assert {o.id: o.probability for o in result.outcomes} == {"share": 1.0, "stay_out": 0.0, "war": 0.0}
    assert [o.id for o in result.outcomes] == ["share", "stay_out", "war"]
    assert [p.nodes for p in result.paths] == [("entry", "response", "share")]
    assert result.values["response"] == {"entrant": 1.0, "incumbent": 1.0}


def test_solve_json_adds_choices_and_ties(entry):
    data = json.loads(json.dumps(entry.solve().to_dict()))
    assert data["mode"] == "strategic"
    assert data["choices"] == {"entry": "response", "response": "share"}
    assert data["ties"] == []
    assert {"scenario", "given", "expected_payoffs", "outcomes", "paths"} <= data.keys()


def test_module_function_equals_method(entry):
    assert scenarios.solve(entry).to_dict() == entry.solve().to_dict()


def test_wildcatter_rollback():
    # builders.wildcatter docstring: fav -> drill (59), unfav -> walk (0), start -> drill
    # now (20 against 19.5 for the test and 0 for walking away).
    result = build(builders.wildcatter()).solve()
    assert result.choices == {"start": "drill", "fav": "fav_drill", "unfav": "unfav_walk"}
    assert result.ties == ()
    assert result.expected_payoffs["w"] == pytest.approx(20)
    assert result.values["fav"]["w"] == pytest.approx(59)
    assert result.values["unfav"]["w"] == pytest.approx(0)
    assert result.values["test"]["w"] == pytest.approx(29.5)  # before the test's cost of 10
    assert {o.id: round(o.probability, 12) for o in result.outcomes if o.probability} == {
        "dry": 0.5, "wet": 0.3, "soaking": 0.2}
    # Choices are made off the solved path too (unfav is never reached when drilling now).
    assert result.reach["unfav"] == 0.0


@pytest.mark.parametrize(
    ("test_cost", "choice", "value"),
    [
        (5, "test", 24.5),  # -5 + 0.5*59 = 24.5 > 20
        (9, "test", 20.5),
        (10, "drill", 20.0),
        (20, "drill", 20.0),
    ],
)
def test_wildcatter_value_of_information(test_cost, choice, value):
    # The test is worth 0.5*59 + 0.5*0 - 20 = 9.5 before its cost.
    result = build(builders.wildcatter()).solve(overrides={"test_cost": test_cost})
    assert result.choices["start"] == choice
    assert result.expected_payoffs["w"] == pytest.approx(value)


def test_wildcatter_tie_at_the_value_of_information():
    # At test_cost = 9.5 both are worth 20: the first listed (drill) is taken and the tie reported.
    result = build(builders.wildcatter()).solve(overrides={"test_cost": 9.5})
    assert result.choices["start"] == "drill"
    assert result.ties == ("start",)
    assert result.to_dict()["ties"] == ["start"]


def test_centipede_everyone_takes():
    # builders.centipede docstring.
    result = build(builders.centipede()).solve()
    assert result.choices == {"c1": "take1", "c2": "take2", "c3": "take3", "c4": "take4"}
    assert result.expected_payoffs == {"p1": 1.0, "p2": 0.0}
    assert result.values["c3"] == {"p1": 3.0, "p2": 1.0}
    assert result.ties == ()


def test_diamond_dag_rollback(diamond):
    # builders.diamond_dag docstring: left -> mid (78 > 5); E = 52.25;
    # good 0.32 + 0.12 = 0.44, bad 0.08 + 0.03 = 0.11, r_out 0.45, l_out 0.
    result = diamond.solve()
    assert result.choices == {"left": "mid"}
    assert result.expected_payoffs["u"] == pytest.approx(52.25)
    got = {o.id: o.probability for o in result.outcomes}
    assert got == {"good": pytest.approx(0.44), "r_out": pytest.approx(0.45),
                   "bad": pytest.approx(0.11), "l_out": 0.0}
    assert [o.id for o in result.outcomes] == ["r_out", "good", "bad", "l_out"]


def test_branch_payoffs_count_in_the_choice():
    # a: branch payoff -5, then 8 -> 3;  b: 4.  The actor takes b even though a's outcome is better.
    s = build({"title": "t", "actors": {"u": {}}, "nodes": {
        "d": {"kind": "decision", "actor": "u", "branches": [
            {"to": "a", "payoffs": {"u": -5}}, {"to": "b"}]},
        "a": {"kind": "outcome", "payoffs": {"u": 8}},
        "b": {"kind": "outcome", "payoffs": {"u": 4}}}})
    result = s.solve()
    assert result.choices == {"d": "b"}
    assert result.expected_payoffs["u"] == 4.0


def test_each_actor_maximises_its_own_payoff():
    # d1 (alice): x or d2; d2 (bob): y (alice 10, bob 1) or z (alice 0, bob 2) -> z;
    # so alice compares x (5) with 0 -> x.
    s = build({"title": "t", "actors": {"alice": {}, "bob": {}}, "nodes": {
        "d1": {"kind": "decision", "actor": "alice", "branches": [{"to": "x"}, {"to": "d2"}]},
        "d2": {"kind": "decision", "actor": "bob", "branches": [{"to": "y"}, {"to": "z"}]},
        "x": {"kind": "outcome", "payoffs": {"alice": 5, "bob": 5}},
        "y": {"kind": "outcome", "payoffs": {"alice": 10, "bob": 1}},
        "z": {"kind": "outcome", "payoffs": {"alice": 0, "bob": 2}}}})
    assert s.solve().choices == {"d1": "x", "d2": "z"}


# -- ties ---------------------------------------------------------------------------------------
def tie_scenario(first: str, second: str) -> dict:
    return {"title": "tie", "actors": {"u": {}, "v": {}}, "nodes": {
        "d": {"kind": "decision", "actor": "u", "branches": [{"to": first}, {"to": second}]},
        "a": {"kind": "outcome", "payoffs": {"u": 1, "v": 0}},
        "b": {"kind": "outcome", "payoffs": {"u": 1, "v": 7}}}}


@pytest.mark.parametrize(("first", "second"), [("a", "b"), ("b", "a")])
def test_ties_go_to_the_first_listed_branch_and_are_reported(first, second):
    result = build(tie_scenario(first, second)).solve()
    assert result.choices == {"d": first}
    assert result.ties == ("d",)
    # The tie decides what the other actor gets.
    assert result.expected_payoffs["v"] == (0.0 if first == "a" else 7.0)


def test_float_noise_is_a_tie():
    # a: 0.3;  b: branch 0.1 + outcome 0.2 = 0.30000000000000004.  Equal for the contract.
    s = build({"title": "t", "actors": {"u": {}}, "nodes": {
        "d": {"kind": "decision", "actor": "u", "branches": [
            {"to": "a"}, {"to": "b", "payoffs": {"u": 0.1}}]},
        "a": {"kind": "outcome", "payoffs": {"u": 0.3}},
        "b": {"kind": "outcome", "payoffs": {"u": 0.2}}}})
    result = s.solve()
    assert result.choices == {"d": "a"} and result.ties == ("d",)


def test_near_but_not_equal_values_are_not_a_tie():
    data = tie_scenario("a", "b")
    data["nodes"]["b"]["payoffs"]["u"] = 1.000001
    result = build(data).solve()
    assert result.choices == {"d": "b"} and result.ties == ()


def test_ties_are_listed_in_listing_order():
    data = {"title": "t", "actors": {"u": {}}, "nodes": {
        "top": {"kind": "chance", "branches": [{"to": "d2", "p": 0.5}, {"to": "d1", "p": 0.5}]},
        "d1": {"kind": "decision", "actor": "u", "branches": [{"to": "a"}, {"to": "b"}]},
        "d2": {"kind": "decision", "actor": "u", "branches": [{"to": "c"}, {"to": "e"}]},
        "a": {"kind": "outcome"}, "b": {"kind": "outcome"},
        "c": {"kind": "outcome"}, "e": {"kind": "outcome"}}}
    result = build(data).solve()
    assert result.ties == ("d1", "d2")
    assert list(result.choices) == ["d1", "d2"]


# -- fixed decisions ----------------------------------------------------------------------------
def test_fixed_decision_keeps_its_weights(entry):
    # response fixed at fight 0.3 / accommodate 0.7: worth 0.3*(-1) + 0.7*1 = 0.4 to each.
    # The entrant compares stay out (0) with 0.4 and enters.
    data = builders.entry_deterrence()
    data["nodes"]["response"]["fixed"] = True
    result = build(data).solve()
    assert result.choices == {"entry": "response"}  # fixed nodes are not chosen
    assert result.expected_payoffs == {"entrant": pytest.approx(0.4), "incumbent": pytest.approx(0.4)}
    assert {o.id: o.probability for o in result.outcomes} == {
        "share": pytest.approx(0.7), "war": pytest.approx(0.3), "stay_out": 0.0}


def test_fixed_decision_without_beliefs_is_averaged_equally():
    # response fixed, no p: 0.5*(-1) + 0.5*1 = 0 for the entrant = stay out (0): a tie,
    # broken towards stay_out (listed first).
    data = builders.entry_deterrence()
    data["nodes"]["response"]["fixed"] = True
    for node in ("entry", "response"):
        for b in data["nodes"][node]["branches"]:
            del b["p"]
    result = build(data).solve()
    assert result.choices == {"entry": "stay_out"}
    assert result.ties == ("entry",)
    assert result.values["response"]["incumbent"] == pytest.approx(0.0)


def test_fixed_decision_responds_to_branch_overrides():
    data = builders.entry_deterrence()
    data["nodes"]["response"]["fixed"] = True
    # response.war = 0.8: worth 0.8*(-1) + 0.2*1 = -0.6 to the entrant, who stays out.
    result = build(data).solve(overrides={"response.war": 0.8})
    assert result.choices == {"entry": "stay_out"}
    assert result.values["response"]["entrant"] == pytest.approx(-0.6)


# -- overrides ----------------------------------------------------------------------------------
def test_payoff_parameter_override_changes_the_equilibrium():
    # If fighting paid the incumbent 2 (> 1), it would fight; the entrant would then stay out
    # (0 > -1).  Payoffs (0, 2).
    data = builders.entry_deterrence()
    data["parameters"] = {"fight_value": -1}
    data["nodes"]["war"]["payoffs"]["incumbent"] = "fight_value"
    s = build(data)
    assert s.solve().choices == {"entry": "response", "response": "share"}
    result = s.solve(overrides={"fight_value": 2})
    assert result.choices == {"entry": "stay_out", "response": "war"}
    assert result.expected_payoffs == {"entrant": 0.0, "incumbent": 2.0}


def test_branch_overrides_do_not_change_strategic_choices(entry):
    # Belief weights of non-fixed decisions play no part in backward induction.
    assert entry.solve(overrides={"response.war": 0.99}).choices == entry.solve().choices


def test_invalid_solve_overrides(entry):
    with pytest.raises(UnknownNameError):
        entry.solve(overrides={"nope": 1})
    with pytest.raises(ProbabilityError):
        entry.solve(overrides={"entry.response": 2})


# -- a deep chain -------------------------------------------------------------------------------
def test_deep_chain_solves_without_recursion(chain_20k):
    result = chain_20k.solve(top=2)
    # builders.deep_chain: solved E = (1 - q^n)/(1 - q) + 10 q^n; the walker takes hi.
    assert result.choices == {"end": "hi"}
    assert result.expected_payoffs["walker"] == pytest.approx(
        builders.deep_chain_expected(20_000, solved=True), rel=1e-9)
    assert result.probability("lo") == 0.0
    assert len(result.paths[0].nodes) == 20_002


@pytest.mark.parametrize("factory", [builders.entry_deterrence, builders.wildcatter, builders.centipede,
                                     builders.diamond_dag], ids=["entry", "wildcatter", "centipede",
                                                                 "diamond"])
def test_hand_worked_trees_match_brute_force(factory):
    data = factory()
    result = build(data).solve()
    ref = Reference(data).solve()
    assert result.choices == ref.choices
    assert set(result.ties) == ref.ties
    for node, values in ref.values.items():
        assert result.values[node] == pytest.approx(values, abs=1e-9)

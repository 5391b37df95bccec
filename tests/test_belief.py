"""Belief mode: outcome distributions, expected payoffs, paths, overrides and conditioning.

Expected numbers are worked by hand in the comments (or in the builders' docstrings), or
come from the brute-force enumeration in tests/reference.py.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass

import pytest

import builders
import scenarios
from builders import DATA, build
from reference import Reference
from scenarios.errors import ExpressionError, ProbabilityError, ScenarioError, UnknownNameError, UnreachableNodeError

TOL = 1e-12  # hand-worked numbers, a few float operations
DEEP_TOL = 1e-9  # tens of thousands of operations


@dataclass(frozen=True)
class Case:
    factory: Callable[[], dict]
    outcomes: dict[str, float]  # outcome id -> probability, most probable first
    expected: dict[str, float]
    tol: float = TOL


CASES = {
    # The contract's example (builders.entry_deterrence docstring).
    "entry-deterrence": Case(builders.entry_deterrence,
                             {"stay_out": 0.5, "share": 0.35, "war": 0.15},
                             {"entrant": 0.2, "incumbent": 1.2}),
    # Heads and tails 0.5 each; +1 / -1.
    "coin-flip": Case(builders.coin_flip, {"heads": 0.5, "tails": 0.5}, {"bettor": 0.0}),
    # Biased coin: heads 0.7 (tails = rest = 0.3): E = 0.7 - 0.3 = 0.4.
    "biased-coin": Case(lambda: builders.coin_flip(0.7), {"heads": 0.7, "tails": 0.3}, {"bettor": 0.4}),
    # builders.diamond_dag docstring.
    "diamond-dag": Case(builders.diamond_dag,
                        {"r_out": 0.45, "good": 0.28, "l_out": 0.2, "bad": 0.07}, {"u": 37.65}),
    # builders.wildcatter docstring: E = 14.395.  Outcomes: dry 0.5*0.5 = 0.25, walk 0.2,
    # wet 0.15, unfav_walk 0.3*0.5*0.8 = 0.12, soaking 0.1, fav_wet 0.3*0.5*0.9*0.4 = 0.054,
    # fav_dry = fav_soaking = 0.3*0.5*0.9*0.3 = 0.0405, unfav_dry 0.3*0.5*0.2*0.7 = 0.021,
    # fav_walk 0.015, unfav_wet 0.006, unfav_soaking 0.003.
    "wildcatter": Case(builders.wildcatter,
                       {"dry": 0.25, "walk": 0.2, "wet": 0.15, "unfav_walk": 0.12, "soaking": 0.1,
                        "fav_wet": 0.054, "fav_dry": 0.0405, "fav_soaking": 0.0405, "unfav_dry": 0.021,
                        "fav_walk": 0.015, "unfav_wet": 0.006, "unfav_soaking": 0.003},
                       {"w": 14.395}, tol=1e-9),
    # A four-move centipede with no beliefs: every option 1/2.  Outcomes: take1 1/2,
    # take2 1/4, take3 1/8, take4 1/16, end 1/16.  E[p1] = 1/2 + 0 + 3/8 + 2/16 + 4/16 = 1.25;
    # E[p2] = 0 + 2/4 + 1/8 + 4/16 + 3/16 = 1.0625.
    "centipede-uniform": Case(builders.centipede,
                              {"take1": 0.5, "take2": 0.25, "take3": 0.125, "take4": 0.0625, "end": 0.0625},
                              {"p1": 1.25, "p2": 1.0625}),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_hand_worked(case):
    result = build(case.factory()).evaluate()
    got = {row.id: row.probability for row in result.outcomes}
    assert list(got) == list(case.outcomes)  # order: most probable first, ties by listing
    for key, p in case.outcomes.items():
        assert got[key] == pytest.approx(p, abs=case.tol)
    for actor, value in case.expected.items():
        assert result.expected_payoffs[actor] == pytest.approx(value, abs=case.tol)
    assert sum(got.values()) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_hand_worked_matches_brute_force(case):
    """The reference enumeration agrees with the hand numbers (a check on the reference)."""
    ref = Reference(case.factory()).belief()
    for key, p in case.outcomes.items():
        assert ref.outcomes[key] == pytest.approx(p, abs=case.tol)
    for actor, value in case.expected.items():
        assert ref.expected[actor] == pytest.approx(value, abs=case.tol)


def test_rest_probability_file():
    # rest = 1 - 0.25 - 0.35 = 0.4; E = 0.25*1 + 0.35*2 + 0.4*3 = 2.15.
    result = scenarios.load(DATA / "valid" / "rest_probability.yaml").evaluate()
    assert [(o.id, o.probability) for o in result.outcomes] == [
        ("high", pytest.approx(0.4)), ("mid", pytest.approx(0.35)), ("low", pytest.approx(0.25))]
    assert result.expected_payoffs["u"] == pytest.approx(2.15)


def test_outcome_rows_carry_own_payoffs_labels_and_tags(entry):
    rows = {o.id: o for o in entry.evaluate().outcomes}
    assert rows["war"].payoffs == {"entrant": -1.0, "incumbent": -1.0}
    assert rows["war"].label == "war"
    s = build(builders.coin_flip())
    heads = next(o for o in s.evaluate().outcomes if o.id == "heads")
    assert heads.tags == ("win",)


def test_paths_carry_payoffs_accrued_along_the_way(diamond):
    # builders.diamond_dag docstring: the six paths and their totals.
    paths = {row.nodes: (row.probability, row.payoffs["u"]) for row in diamond.evaluate().paths}
    assert paths == {
        ("root", "right", "r_out"): (pytest.approx(0.45), pytest.approx(10)),
        ("root", "left", "l_out"): (pytest.approx(0.2), pytest.approx(16)),
        ("root", "left", "mid", "good"): (pytest.approx(0.16), pytest.approx(109)),
        ("root", "right", "mid", "good"): (pytest.approx(0.12), pytest.approx(101)),
        ("root", "left", "mid", "bad"): (pytest.approx(0.04), pytest.approx(9)),
        ("root", "right", "mid", "bad"): (pytest.approx(0.03), pytest.approx(1)),
    }
    assert [round(p.probability, 12) for p in diamond.evaluate().paths] == [0.45, 0.2, 0.16, 0.12, 0.04, 0.03]


def test_reach_values_and_tags(diamond):
    result = diamond.evaluate()
    # reach: mid 0.4*0.5 + 0.6*0.25 = 0.35; values: from mid on -2 + 0.8*100 = 78;
    # from left on: 10 + 0.5*78 + 0.5*5 = 51.5.
    assert result.reach["mid"] == pytest.approx(0.35)
    assert result.probability("mid") == pytest.approx(0.35)
    assert result.reach["root"] == 1.0
    assert result.values["mid"]["u"] == pytest.approx(78)
    assert result.values["left"]["u"] == pytest.approx(51.5)
    assert result.values["root"]["u"] == pytest.approx(37.65)
    assert result.tags == {"good": pytest.approx(0.28)}
    with pytest.raises(UnknownNameError):
        result.probability("nowhere")


def test_module_function_equals_method(entry):
    assert scenarios.evaluate(entry).to_dict() == entry.evaluate().to_dict()


def test_to_dict_is_the_contract_json(entry):
    data = json.loads(json.dumps(entry.evaluate().to_dict()))
    assert {"scenario", "mode", "given", "expected_payoffs", "outcomes", "paths"} <= data.keys()
    assert data["scenario"] == "entry" and data["mode"] == "belief" and data["given"] is None
    # Full precision (issue 17): exactly the engine's floats (0.2 computed as 0.19999999999999998).
    assert data["expected_payoffs"] == entry.evaluate().expected_payoffs
    assert data["expected_payoffs"] == pytest.approx({"entrant": 0.2, "incumbent": 1.2}, rel=1e-15)
    assert data["outcomes"][0] == {"id": "stay_out", "label": "stay_out", "probability": 0.5,
                                   "payoffs": {"entrant": 0.0, "incumbent": 2.0}, "tags": []}
    assert data["paths"][0] == {"nodes": ["entry", "stay_out"], "branches": [0], "probability": 0.5,
                                "payoffs": {"entrant": 0.0, "incumbent": 2.0}}
    assert [o["id"] for o in data["outcomes"]] == ["stay_out", "share", "war"]


# -- ordering of outcomes ---------------------------------------------------------------------
def test_equal_outcomes_keep_listing_order():
    s = build({"title": "t", "nodes": {
        "n": {"kind": "chance", "branches": [{"to": "b", "p": 0.25}, {"to": "a", "p": 0.25},
                                             {"to": "c", "p": 0.5}]},
        "a": {"kind": "outcome"}, "b": {"kind": "outcome"}, "c": {"kind": "outcome"}}})
    assert [o.id for o in s.evaluate().outcomes] == ["c", "a", "b"]


def test_equal_outcomes_computed_differently_keep_listing_order():
    # o1 = 0.3*0.2*0.1 and o2 = 0.1*0.2*0.3 are both 0.006 (the JSON prints both as 0.006),
    # but (0.1*0.2)*0.3 = 0.006000000000000001 in floating point.  Contract: ties by listing
    # order, so o1 (listed first) comes first.
    s = build({"title": "t", "nodes": {
        "r": {"kind": "chance", "branches": [{"to": "x", "p": 0.3}, {"to": "y", "p": 0.1},
                                             {"to": "other", "p": "rest"}]},
        "x": {"kind": "chance", "branches": [{"to": "a", "p": 0.2}, {"to": "xo", "p": "rest"}]},
        "y": {"kind": "chance", "branches": [{"to": "b", "p": 0.2}, {"to": "yo", "p": "rest"}]},
        "a": {"kind": "chance", "branches": [{"to": "o1", "p": 0.1}, {"to": "z1", "p": "rest"}]},
        "b": {"kind": "chance", "branches": [{"to": "o2", "p": 0.3}, {"to": "z2", "p": "rest"}]},
        "o1": {"kind": "outcome"}, "o2": {"kind": "outcome"}, "z1": {"kind": "outcome"},
        "z2": {"kind": "outcome"}, "xo": {"kind": "outcome"}, "yo": {"kind": "outcome"},
        "other": {"kind": "outcome"}}})
    ids = [o["id"] for o in s.evaluate().to_dict()["outcomes"]]
    assert ids.index("o1") < ids.index("o2")


# -- overrides ----------------------------------------------------------------------------------
def test_branch_override_rescales_siblings(entry):
    # entry.response = 0.8 -> stay_out 0.2 (the only sibling takes the rest);
    # share 0.8*0.7 = 0.56, war 0.8*0.3 = 0.24; E[entrant] = 0.56 - 0.24 = 0.32.
    result = entry.evaluate(overrides={"entry.response": 0.8})
    got = {o.id: o.probability for o in result.outcomes}
    assert got == {"share": pytest.approx(0.56), "war": pytest.approx(0.24), "stay_out": pytest.approx(0.2)}
    assert result.expected_payoffs["entrant"] == pytest.approx(0.32)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        # a pinned at 0.6: b and c share 0.4 in proportion 0.3 : 0.2 -> 0.24, 0.16.
        ({"n.a": 0.6}, {"a": 0.6, "b": 0.24, "c": 0.16}),
        # b pinned at 0.5 (from 0.3): a and c (0.5 : 0.2) share 0.5 -> 5/14, 1/7.
        ({"n.b": 0.5}, {"a": 0.5 * 5 / 7, "b": 0.5, "c": 0.5 * 2 / 7}),
        # the rest branch may be pinned too.
        ({"n.c": 0.0}, {"a": 0.5 / 0.8, "b": 0.3 / 0.8, "c": 0.0}),
        # several on one node: a and b pinned, c takes what is left.
        ({"n.a": 0.2, "n.b": 0.2}, {"a": 0.2, "b": 0.2, "c": 0.6}),
        ({"n.a": 0.1, "n.b": 0.2, "n.c": 0.7}, {"a": 0.1, "b": 0.2, "c": 0.7}),
        ({"n.a": 1}, {"a": 1.0, "b": 0.0, "c": 0.0}),
        # a parameter: pa = 0.2 -> rest = 1 - 0.2 - 0.3 = 0.5.
        ({"pa": 0.2}, {"a": 0.2, "b": 0.3, "c": 0.5}),
        # values may be expression text over the parameters' base values: pa / 2 = 0.25.
        ({"n.a": "pa / 2"}, {"a": 0.25, "b": 0.3 * 0.75 / 0.5, "c": 0.2 * 0.75 / 0.5}),
        ({"pa": "1/4"}, {"a": 0.25, "b": 0.3, "c": 0.45}),
    ],
    ids=lambda v: json.dumps(v) if isinstance(v, dict) and "a" not in v else None,
)
def test_overrides_on_a_three_way_node(overrides, expected):
    s = build(builders.three_way())
    result = s.evaluate(overrides=overrides)
    got = {o.id: o.probability for o in result.outcomes}
    assert got == {k: pytest.approx(v, abs=1e-12) for k, v in expected.items()}
    assert sum(got.values()) == pytest.approx(1.0, abs=1e-12)
    # E = a*1 + b*2 + c*4
    e = expected["a"] + 2 * expected["b"] + 4 * expected["c"]
    assert result.expected_payoffs["u"] == pytest.approx(e, abs=1e-12)
    ref = Reference(builders.three_way(), overrides).belief()
    assert ref.expected["u"] == pytest.approx(e, abs=1e-12)


def test_overrides_do_not_change_the_scenario():
    s = build(builders.three_way())
    s.evaluate(overrides={"n.a": 0.9, "pa": 0.1})
    assert s.evaluate().expected_payoffs["u"] == pytest.approx(0.5 + 0.6 + 0.8)


def test_parameter_override_reaches_dependent_parameters():
    data = builders.coin_flip("half * 2")
    data["parameters"] = {"base": 0.25, "half": "base"}
    s = build(data)
    # half = base = 0.25 -> heads 0.5; with base = 0.4: heads 0.8, E = 0.8 - 0.2 = 0.6.
    assert s.evaluate().expected_payoffs["bettor"] == pytest.approx(0.0)
    assert s.evaluate(overrides={"base": 0.4}).expected_payoffs["bettor"] == pytest.approx(0.6)
    # pinning the dependent one wins over its formula: heads 2*0.1 = 0.2, E = -0.6.
    assert s.evaluate(overrides={"half": 0.1}).expected_payoffs["bettor"] == pytest.approx(-0.6)


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"n.a": 1.5}, ProbabilityError),
        ({"n.a": -0.1}, ProbabilityError),
        ({"n.a": 0.7, "n.b": 0.5}, ProbabilityError),  # pinned values sum to 1.2
        ({"n.a": 0.3, "n.b": 0.3, "n.c": 0.3}, ProbabilityError),  # all pinned, sum 0.9
        ({"pa": 0.9}, ProbabilityError),  # rest would be 1 - 0.9 - 0.3 < 0
        ({"pa": 1.5}, ProbabilityError),
        ({"nope": 1}, UnknownNameError),
        ({"nope.a": 0.5}, UnknownNameError),
        ({"n.zz": 0.5}, UnknownNameError),
        ({"a.n": 0.5}, UnknownNameError),  # an outcome has no branches
        ({"n.a": "1 +"}, ExpressionError),
        ({"n.a": "unknown_param"}, ExpressionError),
        ({"pa": float("nan")}, ExpressionError),
        ({"pa": True}, ExpressionError),
    ],
    ids=str,
)
def test_invalid_overrides(overrides, error):
    s = build(builders.three_way())
    with pytest.raises(error) as excinfo:
        s.evaluate(overrides=overrides)
    assert isinstance(excinfo.value, ScenarioError)
    with pytest.raises(error):
        s.solve(overrides=overrides)


def test_override_with_no_sibling_left_to_rescale():
    # n: a 1, b 0.  Pinning a at 0.5 needs b to take 0.5, but b has no weight to scale.
    s = build({"title": "t", "nodes": {
        "n": {"kind": "chance", "branches": [{"to": "a", "p": 1}, {"to": "b", "p": 0}]},
        "a": {"kind": "outcome"}, "b": {"kind": "outcome"}}})
    with pytest.raises(ProbabilityError):
        s.evaluate(overrides={"n.a": 0.5})
    assert s.evaluate(overrides={"n.b": 1})  # pinning b at 1 leaves a exactly 0: fine
    assert s.evaluate(overrides={"n.b": 1}).probability("b") == 1.0


def test_override_on_decision_without_beliefs():
    # entry without p: uniform.  entry.response = 0.9 -> stay_out 0.1.
    data = builders.entry_deterrence()
    for b in data["nodes"]["entry"]["branches"]:
        del b["p"]
    result = build(data).evaluate(overrides={"entry.response": 0.9})
    assert result.probability("stay_out") == pytest.approx(0.1)
    assert result.probability("share") == pytest.approx(0.63)


# -- conditioning -------------------------------------------------------------------------------
def test_given_a_decision(entry):
    # Given the path passes 'response': war 0.3, share 0.7, stay_out 0.
    # E[entrant] = E[incumbent] = 0.3*(-1) + 0.7*1 = 0.4.
    result = entry.evaluate(given="response")
    assert {o.id: o.probability for o in result.outcomes} == {
        "share": pytest.approx(0.7), "war": pytest.approx(0.3), "stay_out": 0.0}
    assert result.expected_payoffs == {"entrant": pytest.approx(0.4), "incumbent": pytest.approx(0.4)}
    assert [(p.nodes, round(p.probability, 12)) for p in result.paths] == [
        (("entry", "response", "share"), 0.7), (("entry", "response", "war"), 0.3)]
    assert result.given == "response" and result.to_dict()["given"] == "response"
    assert result.reach["entry"] == pytest.approx(1.0)
    assert result.reach["stay_out"] == 0.0


def test_given_includes_what_was_accrued_before_the_node(diamond):
    # builders.diamond_dag docstring: E[u | mid] = 599/7; good 0.8, bad 0.2.  Passing mid
    # came from the left with probability 0.2/0.35 = 4/7 and from the right with 3/7.
    result = diamond.evaluate(given="mid")
    assert result.expected_payoffs["u"] == pytest.approx(599 / 7, abs=1e-12)
    assert {o.id: o.probability for o in result.outcomes} == {
        "good": pytest.approx(0.8), "bad": pytest.approx(0.2), "l_out": 0.0, "r_out": 0.0}
    assert result.reach["left"] == pytest.approx(4 / 7)
    assert result.reach["right"] == pytest.approx(3 / 7)
    paths = {p.nodes: p.probability for p in result.paths}
    # conditional path probabilities: 0.16/0.35, 0.12/0.35, 0.04/0.35, 0.03/0.35
    assert paths == {("root", "left", "mid", "good"): pytest.approx(16 / 35),
                     ("root", "right", "mid", "good"): pytest.approx(12 / 35),
                     ("root", "left", "mid", "bad"): pytest.approx(4 / 35),
                     ("root", "right", "mid", "bad"): pytest.approx(3 / 35)}
    assert sum(paths.values()) == pytest.approx(1.0)


@pytest.mark.parametrize("node", ["root", "left", "right", "mid", "good", "bad", "l_out", "r_out"])
def test_given_matches_brute_force_on_a_dag(node):
    data = builders.diamond_dag()
    result = build(data).evaluate(given=node, top=100)
    ref = Reference(data).belief(given=node)
    assert result.expected_payoffs["u"] == pytest.approx(ref.expected["u"], abs=1e-12)
    for row in result.outcomes:
        assert row.probability == pytest.approx(ref.outcomes[row.id], abs=1e-12)
    assert sorted((p.nodes, round(p.probability, 12)) for p in result.paths) == sorted(
        (p.nodes, round(p.probability, 12)) for p in ref.paths)


def test_given_the_root_is_unconditional(diamond):
    assert diamond.evaluate(given="root").to_dict()["outcomes"] == diamond.evaluate().to_dict()["outcomes"]


def test_given_an_outcome(entry):
    result = entry.evaluate(given="war")
    assert result.probability("war") == pytest.approx(1.0)
    assert result.expected_payoffs == {"entrant": pytest.approx(-1), "incumbent": pytest.approx(-1)}


def test_given_a_node_reached_with_probability_zero(entry):
    with pytest.raises(UnreachableNodeError):
        entry.evaluate(given="response", overrides={"entry.response": 0})


def test_rest_that_is_exactly_zero():
    # b: c 1.0, never rest -> rest = 1 - 1.0 = 0: 'never' cannot be reached.
    s = build({"title": "Zero rest", "nodes": {
        "a": {"kind": "chance", "branches": [{"to": "b", "p": 0.65}, {"to": "x", "p": "rest"}]},
        "b": {"kind": "chance", "branches": [{"to": "c", "p": 1.0}, {"to": "never", "p": "rest"}]},
        "c": {"kind": "outcome"}, "x": {"kind": "outcome"}, "never": {"kind": "outcome"}}})
    result = s.evaluate()
    assert result.probability("never") == 0.0
    assert [p.nodes for p in result.paths] == [("a", "b", "c"), ("a", "x")]
    with pytest.raises(UnreachableNodeError):
        s.evaluate(given="never")


def test_given_an_unknown_node(entry):
    with pytest.raises(UnknownNameError, match="did you mean 'response'"):
        entry.evaluate(given="respons")


# -- top paths ----------------------------------------------------------------------------------
@pytest.mark.parametrize("top", [0, 1, 2, 3, 5, 12, 100])
@pytest.mark.parametrize("factory", [builders.wildcatter, builders.diamond_dag, builders.centipede],
                         ids=["wildcatter", "diamond", "centipede"])
def test_top_paths_are_the_most_probable(factory, top):
    data = factory()
    paths = build(data).evaluate(top=top).paths
    ref = Reference(data).belief().paths
    assert len(paths) == min(top, len(ref))
    probs = [p.probability for p in paths]
    assert probs == sorted(probs, reverse=True)
    assert probs == pytest.approx([p.probability for p in ref[:top]], abs=1e-12)
    by_nodes = {p.nodes: p for p in ref}
    for row in paths:  # each listed path is a real path, with its probability and total
        assert row.probability == pytest.approx(by_nodes[row.nodes].probability, abs=1e-12)
        for actor, value in row.payoffs.items():
            assert value == pytest.approx(by_nodes[row.nodes].payoffs[actor], abs=1e-9)


def test_top_must_be_a_whole_number(entry):
    for bad in (-1, 1.5, True):
        with pytest.raises((ValueError, TypeError)):
            entry.evaluate(top=bad)


# -- a deep chain -------------------------------------------------------------------------------
def test_deep_chain_evaluates_without_recursion(chain_20k):
    chain = chain_20k
    assert sys.getrecursionlimit() < 20_000  # the chain is deeper than Python's stack
    result = chain.evaluate(top=3)
    assert result.expected_payoffs["walker"] == pytest.approx(
        builders.deep_chain_expected(20_000), rel=DEEP_TOL)
    assert sum(o.probability for o in result.outcomes) == pytest.approx(1.0, abs=DEEP_TOL)
    # A path that stops after k steps has probability q^k (1 - q) <= 1e-4; the two
    # full-length paths have q^20000 / 2 ~ e^-2 / 2 ~ 0.068 each, so they come first.
    assert len(result.paths[0].nodes) == 20_002
    assert result.paths[0].probability == pytest.approx((1 - 1e-4) ** 20_000 / 2, rel=DEEP_TOL)


def test_deep_chain_given_a_late_node(chain_20k):
    chain = chain_20k
    # Accrued before c19999: 19,999 chain nodes paying 1; then 1 + q*5 (see builders.deep_chain).
    result = chain.evaluate(given="c19999", top=1)
    assert result.expected_payoffs["walker"] == pytest.approx(20_000 + 5 * (1 - 1e-4), rel=1e-12)
    assert result.probability("stop") == pytest.approx(1e-4)

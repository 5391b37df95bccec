"""Threshold analysis: where the strategic choice at a decision node changes, to within 1e-9.

Crossings are checked against exact values worked by hand (docs/teaching-answers.md for the
oil wildcatter and Donbas) and against closed forms for random linear two-option decisions.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import builders
import scenarios
from scenarios.analysis.sensitivity import THRESHOLD_TOLERANCE, AnalysisError, ThresholdResult, threshold
from scenarios.cli import main
from scenarios.errors import UnknownNameError

EXACT = 1e-9  # the contract of threshold(): the crossing to within 1e-9




def crossings(result: ThresholdResult) -> list[tuple[float, str, str]]:
    return [(c.value, c.left, c.right) for c in result.crossings]


# -- the oil wildcatter (teaching-answers.md, "Thresholds") ------------------------------------------
@pytest.mark.parametrize("policy", ["reoptimize", "fixed"])
def test_test_cost_threshold_is_9_5(oil, policy):
    # With a free test the strategy is worth 29.5 against 20: the test is worth 9.5, so it is
    # chosen for test_cost < 9.5 and drilling at once above.
    t = threshold(oil, "test_cost", policy=policy)
    [(value, left, right)] = crossings(t)
    assert abs(value - 9.5) <= EXACT
    assert (left, right) == ("seismic", "drill_now")
    lo, hi = t.crossings[0].bracket
    assert lo <= 9.5 <= hi and hi - lo <= THRESHOLD_TOLERANCE
    assert t.base_choice == "drill_now" and t.node == "start" and t.actor == "wildcatter"
    assert [(c, round(a, 6), round(b, 6)) for a, b, c in t.segments] == [
        ("seismic", 0.0, 9.5), ("drill_now", 9.5, 20.0)]
    # At the crossing both options are worth 20 to the wildcatter.
    assert t.crossings[0].left_value == pytest.approx(20, abs=1e-8)
    assert t.crossings[0].right_value == pytest.approx(20, abs=1e-8)


@pytest.mark.parametrize("policy", ["reoptimize", "fixed"])
def test_drill_cost_threshold_is_71(oil, policy):
    # Drill now 90 - c against the test 54.5 - 0.5 c (51 <= c <= 129): equal at c = 71; below 51
    # the test is worth 80 - c < 90 - c, so there is no other crossing in [50, 90].
    t = threshold(oil, "drill_cost", policy=policy)
    [(value, left, right)] = crossings(t)
    assert abs(value - 71) <= EXACT
    assert (left, right) == ("drill_now", "seismic")


def test_revenue_wet_threshold_is_115(oil):
    # Drill now 0.3 w + 54 - 70; the test -10 + 0.5 (0.4 w + 81 - 70) (an unfavourable reading
    # never pays to drill for w <= 150): 0.3 w - 16 = 0.2 w - 4.5 at w = 115.
    [(value, left, right)] = crossings(threshold(oil, "revenue_wet"))
    assert abs(value - 115) <= EXACT and (left, right) == ("seismic", "drill_now")


def test_threshold_of_a_later_decision(oil):
    # At 'unfavourable', drilling is worth 0.2 w + 0.1 r - c = 51 - c: it pays below c = 51.
    t = threshold(oil, "drill_cost", node="unfavourable")
    [(value, left, right)] = crossings(t)
    assert abs(value - 51) <= EXACT and (left, right) == ("unfav_drill", "unfav_walk_away")


def test_threshold_of_a_branch_probability(oil):
    # P(dry) = d on drilling now, wet and soaking rescaled in proportion (0.6 and 0.4 of 1 - d):
    # drill now = -70 + (1 - d)(0.6 * 120 + 0.4 * 270) = -70 + 180 (1 - d), against the test's
    # 19.5: equal at d = 1 - 89.5 / 180.
    t = threshold(oil, "drill_now.dry", ranges={"drill_now.dry": (0, 1)})
    [(value, left, right)] = crossings(t)
    assert abs(value - (1 - 89.5 / 180)) <= EXACT and (left, right) == ("drill_now", "seismic")
    assert t.variable.kind == "branch" and t.variable.base == 0.5
    frame = t.to_frame()
    assert list(frame["left"]) == ["drill_now"] and frame["value"][0] == pytest.approx(value)


# -- Donbas (docs/teaching-answers.md, strategic mode by hand) --------------------------------------
def test_west_response_to_an_invasion_flips_at_six_tenths(donbas):
    # At 'invasion' the West compares (its payoff, Russia then plays nothing more):
    # more aid -2 + p(-4) + (1 - p)(-9) = -11 + 5p against pre-war aid -1 - 7 = -8
    # (words -2 - 7 = -9): zero at p = 0.6.
    t = threshold(donbas, "p_hold_more_aid", node="invasion")
    [(value, left, right)] = crossings(t)
    assert abs(value - 0.6) <= EXACT
    assert (left, right) == ("war_prewar_aid", "war_more_aid")
    assert t.base_choice == "war_more_aid"


def test_credibility_cost_flips_the_first_answer_to_recognition(donbas):
    # At 'recognized' Russia then stops at recognition whatever the West does (2 for it), so
    # the West compares words -ccw - 2, a first tranche -0.3 - 2, sweeping sanctions -1 - 2:
    # words are best below ccw = 0.3, the tranche above it.
    t = threshold(donbas, "credibility_cost_west", node="recognized")
    assert [(left, right) for _, left, right in crossings(t)] == [("recog_condemn", "recog_targeted")]
    assert abs(t.crossings[0].value - 0.3) <= EXACT


def test_crossing_inside_one_scan_step(donbas):
    # With only the two ends of [0, 2] scanned the change is still found exactly.
    t = threshold(donbas, "credibility_cost_west", node="recognized", steps=2)
    assert [round(c.value, 8) for c in t.crossings] == [0.3]


def test_no_crossing(donbas):
    t = threshold(donbas, "p_recognize")  # Putin's choice does not depend on the analyst's belief
    assert t.crossings == ()
    assert t.segments == ((0.25, 0.65, "buildup"),)


# -- policies ---------------------------------------------------------------------------------------
def fork() -> scenarios.Scenario:
    # root (a): safe -> 1, or go -> n (b): left (a 2, b k) / right (a 0, b 0); k in [-1, 2].
    return builders.build({
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
    })


def test_reoptimize_finds_a_jump_that_fixed_holds_away():
    # Re-solved, b goes right for k < 0 (and left on the tie at 0, listed first), so a's 'go'
    # jumps from 0 to 2 at k = 0: a switches from safe to go there.  With b held at its base
    # choice (left), go is worth 2 throughout: no change.
    s = fork()
    t = threshold(s, "k")
    [(value, left, right)] = crossings(t)
    # b's own tie rule (values within 1e-9 x (1 + |best|) are equal, the first listed wins) moves
    # its switch to k = -1e-9, and a's jump with it: the crossing is found within bisection's
    # 1e-9 of that point.
    assert abs(value - (-1e-9)) <= EXACT and (left, right) == ("S", "n")
    jump = t.crossings[0]
    assert jump.left_value == 1.0 and jump.right_value in (0.0, 2.0)  # either side of the jump
    fixed = threshold(s, "k", policy="fixed")
    assert fixed.crossings == () and fixed.held_choices == {"root": "n", "n": "L"}


# -- property: linear two-option decisions --------------------------------------------------------
@settings(max_examples=60)
@given(st.integers(-9, 9), st.integers(-9, 9), st.integers(-9, 9), st.integers(-9, 9))
def test_linear_crossing_found_exactly(a, b, c, d):
    # Option x pays a k + b, option y pays c k + d: they cross at k* = (d - b) / (a - c).
    assume(a != c)
    exact = (d - b) / (a - c)
    assume(-4.5 < exact < 4.5)
    s = builders.build({
        "title": "Line", "actors": {"u": {}},
        "parameters": {"k": {"value": 0, "low": -5, "high": 5}},
        "nodes": {"d": {"kind": "decision", "actor": "u", "branches": [{"to": "x"}, {"to": "y"}]},
                  "x": {"kind": "outcome", "payoffs": {"u": f"{a} * k + {b}"}},
                  "y": {"kind": "outcome", "payoffs": {"u": f"{c} * k + {d}"}}},
    })
    t = threshold(s, "k")
    [(value, left, right)] = crossings(t)
    assert abs(value - exact) <= EXACT
    # Left of the crossing the option with the smaller slope is better.
    assert left == ("x" if a < c else "y") and right == ("y" if a < c else "x")


# -- errors ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, error, phrase", [
    (dict(param="nope"), UnknownNameError, "nope: unknown parameter"),
    (dict(param="p_sanctions_deter", node="war_more_aid"), UnknownNameError, "'war_more_aid' is a chance node"),
    (dict(param="p_sanctions_deter", node="recognised"), UnknownNameError, "did you mean 'recognized'"),
    (dict(param="p_sanctions_deter", policy="belief"), AnalysisError, "policy must be 'reoptimize' or 'fixed'"),
    (dict(param="p_sanctions_deter", steps=1), AnalysisError, "--steps must be a whole number >= 2"),
    (dict(param="p_sanctions_deter", tolerance=0), AnalysisError, "tolerance must be a positive number"),
    (dict(param="p_sanctions_deter", ranges={"p_sanctions_deter": (0.5, 0.1)}), AnalysisError,
     "low 0.5 is above high 0.1"),
], ids=["param", "chance-node", "typo-node", "policy", "steps", "tolerance", "range"])
def test_threshold_errors(donbas, kwargs, error, phrase):
    param = kwargs.pop("param")
    with pytest.raises(error) as info:
        threshold(donbas, param, **kwargs)
    assert phrase in str(info.value)


def test_fixed_decision_has_no_threshold():
    s = builders.build({"title": "f", "actors": {"u": {}}, "parameters": {"x": {"value": 0, "low": 0, "high": 1}},
                        "nodes": {"d": {"kind": "decision", "actor": "u", "fixed": True,
                                        "branches": [{"to": "a"}, {"to": "b"}]},
                                  "a": {"kind": "outcome", "payoffs": {"u": "x"}}, "b": {"kind": "outcome"}}})
    with pytest.raises(UnknownNameError, match="decision 'd' is fixed"):
        threshold(s, "x")


# -- command line -----------------------------------------------------------------------------------
def test_cli_threshold_text(capsys):
    code = main(["threshold", "donbas-recognition-2022", "--param", "p_hold_more_aid", "--node", "invasion"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "policy reoptimize" in out
    assert "p_hold_more_aid = 0.6" in out  # bisection to within 1e-9: 0.6000000003
    assert ("Sweeping sanctions, aid at its pre-war level [war_prewar_aid] → Sweeping sanctions and more "
            "military aid [war_more_aid]") in " ".join(out.split())


def test_cli_threshold_json(capsys):
    code = main(["threshold", "oil-wildcatter", "--param", "drill_cost", "--json", "--range", "drill_cost=60:80",
                 "--policy", "fixed"])
    out, err = capsys.readouterr()
    assert code == 0, err
    doc = json.loads(out)
    assert doc["analysis"] == "threshold" and doc["policy"] == "fixed"
    assert abs(doc["crossings"][0]["value"] - 71) <= EXACT
    assert doc["variable"]["low"] == 60 and doc["held_choices"]["start"] == "drill_now"
    assert [s["choice"] for s in doc["segments"]] == ["drill_now", "seismic"]


@pytest.mark.parametrize("args, code, phrase", [
    (["--param", "nope"], 1, "nope: unknown parameter"),
    (["--param", "p_sanctions_deter", "--node", "nowhere"], 1, "unknown node"),
    ([], 2, "the following arguments are required: --param"),
    (["--param", "p_sanctions_deter", "--policy", "belief"], 2, "invalid choice"),
], ids=["param", "node", "missing", "policy"])
def test_cli_threshold_errors(capsys, args, code, phrase):
    assert main(["threshold", "donbas-recognition-2022", *args]) == code
    out, err = capsys.readouterr()
    assert phrase in err and out == ""

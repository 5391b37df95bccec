"""``--exact``: evaluation and backward induction in fractions.

Values are checked against fractions worked by hand, against the float engine (to 1e-12
where no tie is near) and against the brute-force reference (tests/reference.py); the tie
tests show what the float tolerance cannot tell apart.
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import builders
import scenarios
from reference import Reference
from scenarios.engine import exact as exact_module
from scenarios.engine.strategic import TIE_TOLERANCE
from scenarios.errors import ExactError, ProbabilityError

HAND = """
title: Hand-worked
actors: {a: {name: A}, b: {name: B}}
parameters:
  q: {value: "1/3"}
nodes:
  d:
    kind: decision
    actor: a
    branches:
      - {to: c, label: Gamble, p: 0.5, payoffs: {a: -0.1}}
      - {to: safe, label: Safe, p: 0.5}
  c:
    kind: chance
    branches:
      - {to: win, p: q}
      - {to: lose, p: rest}
  win: {kind: outcome, payoffs: {a: 3, b: 0.1}}
  lose: {kind: outcome, payoffs: {a: -1, b: 0.2}}
  safe: {kind: outcome, payoffs: {a: 0.2, b: 0.3}}
"""


def tie_file(whole: str) -> str:
    """A decision between 0.1 (on the branch) + 0.2 (the outcome) and ``whole``."""
    return f"""
title: Tie or not
actors: {{a: {{name: A}}}}
nodes:
  d:
    kind: decision
    actor: a
    branches:
      - {{to: x, label: Sum, payoffs: {{a: 0.1}}}}
      - {{to: y, label: Whole}}
  x: {{kind: outcome, payoffs: {{a: 0.2}}}}
  y: {{kind: outcome, payoffs: {{a: {whole}}}}}
"""


# -- hand-worked values -------------------------------------------------------------------------------
def test_hand_worked_tree_in_fractions():
    s = scenarios.loads(HAND)
    # Gamble: -1/10 + (1/3 * 3 + 2/3 * -1) = -1/10 + 1/3 = 7/30; Safe: 1/5 = 6/30.
    solved = s.solve(exact=True)
    assert solved.choices == {"d": "c"} and solved.ties == ()
    assert solved.exact.expected == {"a": Fraction(7, 30), "b": Fraction(1, 3) * Fraction(1, 10)
                                     + Fraction(2, 3) * Fraction(1, 5)}
    assert solved.exact_choice_values() == {"d": "7/30"}
    # Belief mode: half each, so (7/30 + 6/30) / 2 = 13/60 for A; outcomes 1/6, 1/3, 1/2.
    belief = s.evaluate(exact=True)
    assert belief.exact.expected["a"] == Fraction(13, 60)
    c = s.compiled
    assert [belief.exact.reach[c.index[o]] for o in ("win", "lose", "safe")] == [
        Fraction(1, 6), Fraction(1, 3), Fraction(1, 2)]
    assert [row.id for row in belief.outcomes] == ["safe", "lose", "win"]
    assert belief.expected_payoffs["a"] == pytest.approx(13 / 60, abs=1e-15)
    assert belief.exact.parameters == {"q": Fraction(1, 3)}


def test_decimal_text_is_read_exactly():
    s = scenarios.loads("""
title: Decimals
actors: {a: {}}
nodes:
  c:
    kind: chance
    branches:
      - {to: x, p: "0.1 + 0.2"}
      - {to: y, p: 0.7}
  x: {kind: outcome, payoffs: {a: "0.12345678901234567890"}}
  y: {kind: outcome, payoffs: {a: 1e-3}}
""")
    r = s.evaluate(exact=True)
    text_value = Fraction("0.12345678901234567890")  # every digit written, not the double's
    assert text_value != Fraction(0.12345678901234567890)
    assert r.exact.expected["a"] == Fraction(3, 10) * text_value + Fraction(7, 10) * Fraction(1, 1000)


def test_set_values_are_exact_and_pins_rescale_exactly():
    s = scenarios.loads(HAND)
    r = s.evaluate(exact=True, overrides={"q": "0.1", "d.safe": "0.3"})
    c = s.compiled
    assert r.exact.reach[c.index["win"]] == Fraction(7, 10) * Fraction(1, 10)
    assert r.exact.p[c.edge_of("d", "c")] == Fraction(7, 10)
    assert r.overrides == {"q": "0.1", "d.safe": "0.3"}


# -- ties: exact against the float tolerance --------------------------------------------------------
def test_a_true_tie_and_a_near_tie_that_floats_cannot_tell_apart():
    true_tie, near_tie = scenarios.loads(tie_file("0.3")), scenarios.loads(tie_file("0.3000000000001"))
    # Floats: 0.1 + 0.2 = 0.30000000000000004 and the gap to 0.3000000000001 is 1e-13, far
    # inside the 1e-9 relative tolerance: the float engine calls both ties and takes "Sum".
    assert 0.1 + 0.2 != 0.3 and abs((0.1 + 0.2) - 0.3000000000001) < TIE_TOLERANCE
    for s in (true_tie, near_tie):
        assert s.solve().ties == ("d",) and s.solve().choices == {"d": "x"}
    # Exact: 1/10 + 1/5 == 3/10 is a tie (the first listed is taken) ...
    r = true_tie.solve(exact=True)
    assert r.ties == ("d",) and r.choices == {"d": "x"} and r.exact.expected["a"] == Fraction(3, 10)
    # ... and 3000000000001/10^13 > 3/10 is not: "Whole" is strictly better.
    r = near_tie.solve(exact=True)
    assert r.ties == () and r.choices == {"d": "y"}
    assert r.exact.expected["a"] == Fraction("0.3000000000001")


def test_cli_marks_the_result_exact(cli, write):
    path = write(tie_file("0.3000000000001"))
    status, out, _ = cli("solve", str(path), "--exact")
    assert status == 0
    lines = out.splitlines()
    under_title = next(line for line in lines[1:] if not line.startswith("  "))  # after the wrapped title
    assert under_title.startswith("exact: rational arithmetic")
    assert "3000000000001/10000000000000" in out and "tie" not in out.split("Exact values")[1].split("\n", 3)[3]
    status, out, _ = cli("solve", str(path), "--exact", "--json")
    data = json.loads(out)
    assert data["exact"] is True and data["ties"] == [] and data["choices"] == {"d": "y"}
    assert data["fractions"]["expected_payoffs"] == {"a": "3000000000001/10000000000000"}
    assert data["expected_payoffs"]["a"] == pytest.approx(0.3000000000001, abs=1e-15)
    assert data["fractions"]["choice_values"] == {"d": "3000000000001/10000000000000"}
    status, out, _ = cli("evaluate", str(path), "--exact", "--json")
    data = json.loads(out)
    assert data["exact"] is True and data["fractions"]["outcomes"] == {"x": "1/2", "y": "1/2"}
    status, out, _ = cli("solve", str(path), "--json")
    assert "exact" not in json.loads(out)


# -- agreement with the float engine and the reference ------------------------------------------------
def _agree(x: float, y: float) -> bool:
    return abs(x - y) <= 1e-12 * (1 + abs(x))


@given(builders.scenario_data())
def test_exact_and_float_agree_where_no_tie_is_near(data):
    s = builders.build(data)
    belief, exact_belief = s.evaluate(top=0), s.evaluate(exact=True, top=0)
    for key, value in belief.expected_payoffs.items():
        assert _agree(value, exact_belief.expected_payoffs[key])
    assert all(_agree(x, y) for x, y in zip(belief.reach_array, exact_belief.reach_array, strict=True))
    solved, exact_solved = s.solve(top=0), s.solve(exact=True, top=0)
    ref = Reference(data).solve()
    assume(not solved.ties and not exact_solved.ties and not ref.ambiguous)
    assert exact_solved.choice_branches == solved.choice_branches == ref.choice_branches
    for key, value in solved.expected_payoffs.items():
        assert _agree(value, exact_solved.expected_payoffs[key])
        assert abs(ref.values[s.root][key] - float(exact_solved.exact.expected[key])) <= 1e-9


@given(builders.scenario_data(dag=True))
def test_exact_values_are_those_of_the_reference_on_dags(data):
    s = builders.build(data)
    ref = Reference(data).belief()
    r = s.evaluate(exact=True, top=0)
    for key, value in ref.expected.items():
        assert abs(float(r.exact.expected[key]) - value) <= 1e-9 * (1 + abs(value))
    for outcome, probability in ref.outcomes.items():
        assert abs(float(r.exact.reach[s.compiled.index[outcome]]) - probability) <= 1e-12


@given(builders.scenario_data(), st.data())
def test_exact_given_agrees_with_the_float_engine_and_the_reference(data, draw):
    s = builders.build(data)
    reached = [n for n, p in s.evaluate(top=0).reach.items() if p > 0]
    node = draw.draw(st.sampled_from(reached))
    floats, fractions = s.evaluate(given=node, top=3), s.evaluate(given=node, top=3, exact=True)
    ref = Reference(data).belief(given=node)
    for key, value in floats.expected_payoffs.items():
        assert _agree(value, fractions.expected_payoffs[key])
        assert abs(float(fractions.exact.expected[key]) - ref.expected[key]) <= 1e-9 * (1 + abs(ref.expected[key]))
    assert all(_agree(x, y) for x, y in zip(floats.reach_array, fractions.reach_array, strict=True))
    by_path = {(p.nodes, p.branches): p.probability for p in ref.paths}
    assert len(fractions.paths) == min(3, len(by_path))
    for path in fractions.paths:  # each listed path with its probability given the node
        assert abs(path.probability - by_path[(path.nodes, path.branches)]) <= 1e-9


def test_exact_given_by_hand():
    r = scenarios.loads(HAND).evaluate(exact=True, given="c")
    # Given the gamble: -1/10 on the way, then 1/3 * 3 + 2/3 * -1 = 1/3.
    assert r.exact.expected["a"] == Fraction(7, 30) and r.given == "c"
    assert [(p.nodes, p.probability) for p in r.paths] == [(("d", "c", "lose"), pytest.approx(2 / 3)),
                                                           (("d", "c", "win"), pytest.approx(1 / 3))]
    with pytest.raises(scenarios.errors.UnknownNameError, match="did you mean 'c'"):
        scenarios.loads(HAND).evaluate(exact=True, given="cc")


# -- refusals: one clear line ---------------------------------------------------------------------------
SQRT = """
title: Irrational
parameters: {x: {value: "sqrt(2) / 2"}}
nodes:
  c: {kind: chance, branches: [{to: a, p: x}, {to: b, p: rest}]}
  a: {kind: outcome}
  b: {kind: outcome}
"""


def test_a_function_without_an_exact_value_is_refused(cli, write):
    with pytest.raises(ExactError, match=r"parameter 'x' uses sqrt\(\)"):
        scenarios.loads(SQRT).evaluate(exact=True)
    status, out, err = cli("evaluate", str(write(SQRT)), "--exact")
    assert status == 1 and out == ""
    assert err.strip().count("\n") == 0 and "sqrt()" in err and "drop --exact" in err


def test_non_whole_powers_and_size_are_refused(monkeypatch):
    s = scenarios.loads(SQRT.replace("sqrt(2) / 2", "0.25 ** 0.5"))
    with pytest.raises(ExactError, match="not a whole number"):
        s.evaluate(exact=True)
    s = scenarios.loads(HAND)
    monkeypatch.setattr(exact_module, "EXACT_LIMIT", 5)
    with pytest.raises(ExactError, match="limit of 5"):
        s.solve(exact=True)


def test_probabilities_that_sum_to_one_only_within_the_tolerance_are_refused():
    s = scenarios.loads("""
title: Thirds
nodes:
  c: {kind: chance, branches: [{to: a, p: 0.333333333333}, {to: b, p: 0.333333333333}, {to: d, p: 0.333333333333}]}
  a: {kind: outcome}
  b: {kind: outcome}
  d: {kind: outcome}
""")
    assert s.evaluate().expected_payoffs == {}  # the float engine accepts it (1e-12 off)
    with pytest.raises(ProbabilityError, match="not exactly 1"):
        s.evaluate(exact=True)


def test_bundled_scenarios_evaluate_exactly_and_agree():
    for name in ("oil-wildcatter", "donbas-recognition-2022", "entry-deterrence"):
        s = scenarios.load(name)
        for mode in ("evaluate", "solve"):
            floats, fractions = getattr(s, mode)(), getattr(s, mode)(exact=True)
            assert getattr(floats, "choices", None) == getattr(fractions, "choices", None)
            for key, value in floats.expected_payoffs.items():
                assert _agree(value, float(fractions.exact.expected[key]))


def test_a_minimising_actor_takes_the_exactly_smaller_value():
    text = """
title: Least cost
actors: {gov: {minimize: true}}
nodes:
  d: {kind: decision, actor: gov, branches: [{to: x, payoffs: {gov: 0.1}}, {to: y}, {to: z}]}
  x: {kind: outcome, payoffs: {gov: 0.2}}
  y: {kind: outcome, payoffs: {gov: COST}}
  z: {kind: outcome, payoffs: {gov: 0.5}}
"""
    tie, below = scenarios.loads(text.replace("COST", "0.3")), scenarios.loads(text.replace("COST", "0.2999999999999"))
    assert below.solve().ties == ("d",) and below.solve().choices == {"d": "x"}  # floats: within 1e-9
    assert tie.solve(exact=True).ties == ("d",) and tie.solve(exact=True).choices == {"d": "x"}
    r = below.solve(exact=True)
    assert r.ties == () and r.choices == {"d": "y"} and r.exact.expected["gov"] == Fraction("0.2999999999999")

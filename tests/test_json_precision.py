"""Full precision in every JSON output (issue 17, part 4).

``--json`` and JSON exports carry each float as Python's ``repr`` writes it (the shortest
text that reads back as the same float); rounding happens only in text tables.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings

import builders
import scenarios
from scenarios.formatting import json_number

SEVEN_THIRDS = repr(7 / 3)  # '2.3333333333333335'

# A's expected payoff is 7/3 exactly as a float: every outcome pays it, and halves are exact.
THIRDS = """\
title: Seven thirds
actors: {A: {}, B: {}}
parameters:
  share: {value: 0.5, low: 0.25, high: 0.75}
nodes:
  choose:
    kind: decision
    actor: A
    branches:
      - {to: left}
      - {to: right}
  left:
    kind: chance
    branches:
      - {to: win, p: share}
      - {to: lose, p: rest}
  right: {kind: outcome, payoffs: {A: "7/3", B: 1}}
  win: {kind: outcome, payoffs: {A: "7/3", B: "1/3"}}
  lose: {kind: outcome, payoffs: {A: "7/3", B: 2}}
"""


def raw(text: str):
    """JSON with every float left as the text that was written."""
    return json.loads(text, parse_float=lambda s: s)


def test_json_number_is_the_float_itself():
    for x in (7 / 3, 0.1 + 0.2, 1e-320, 2.0**60 + 1, -1.5, 1 / 3):
        assert json_number(x) == x and repr(json_number(x)) == repr(x)
    assert repr(json_number(-0.0)) == "0.0"


@pytest.fixture
def thirds(write):
    return write(THIRDS, "thirds.yaml")


def test_evaluate_and_solve_json_carry_seven_thirds(cli, thirds):
    for command in ("evaluate", "solve"):
        status, out, err = cli(command, str(thirds), "--json")
        assert status == 0, err
        doc = raw(out)
        assert doc["expected_payoffs"]["A"] == SEVEN_THIRDS, command
        assert {o["payoffs"]["A"] for o in doc["outcomes"]} == {SEVEN_THIRDS}
        assert "2.33333333333333," not in out and "2.33333333333333\n" not in out


def test_evaluate_json_as_a_user_runs_it(cli_process, thirds):
    out = cli_process("evaluate", str(thirds), "--json")
    assert out.returncode == 0, out.stderr
    doc = raw(out.stdout)
    assert doc["expected_payoffs"]["A"] == SEVEN_THIRDS
    assert {o["id"]: o["payoffs"]["B"] for o in doc["outcomes"]}["win"] == repr(1 / 3)


def test_simulate_json_carries_seven_thirds(cli, thirds):
    status, out, err = cli("simulate", str(thirds), "-n", "200", "--seed", "1", "--json")
    assert status == 0, err
    assert SEVEN_THIRDS in out and "2.33333333333333," not in out
    status, out, err = cli("simulate", str(thirds), "--uncertainty", "-n", "50", "--seed", "1", "--json")
    assert status == 0, err
    assert SEVEN_THIRDS in out


def test_compare_json_carries_seven_thirds(cli, thirds):
    status, out, err = cli("compare", str(thirds), str(thirds), "--json")
    assert status == 0, err
    doc = raw(out)
    rows = [row for section in doc.values() if isinstance(section, list) for row in section
            if isinstance(row, dict) and "values" in row]
    assert any(row["values"] == [SEVEN_THIRDS, SEVEN_THIRDS] for row in rows), doc


def test_json_export_with_results_carries_seven_thirds(cli, thirds):
    status, out, err = cli("export", str(thirds), "--to", "json", "--results")
    assert status == 0, err
    doc = raw(out)
    assert doc["evaluate"]["expected_payoffs"]["A"] == SEVEN_THIRDS
    assert doc["solve"]["expected_payoffs"]["A"] == SEVEN_THIRDS


def test_sensitivity_json_is_the_evaluation_exactly(cli, thirds):
    s = scenarios.load(str(thirds))
    status, out, err = cli("sensitivity", str(thirds), "--metric", "payoff:B", "--policy", "belief", "--json")
    assert status == 0, err
    [bar] = raw(out)["bars"]
    low = s.evaluate(overrides={"share": 0.25}).expected_payoffs["B"]
    high = s.evaluate(overrides={"share": 0.75}).expected_payoffs["B"]
    got = sorted([float(bar["metric_low"]), float(bar["metric_high"])])
    assert got == pytest.approx(sorted([low, high]), rel=1e-15)
    # by hand: A's options equally likely; B gets 1 on the right, share/3 + (1 - share) * 2 on the left
    assert got == pytest.approx([0.5 * (0.75 / 3 + 0.5) + 0.5, 0.5 * (0.25 / 3 + 1.5) + 0.5], rel=1e-15)
    # 1.2916666666666667: written in full, not cut to 15 significant digits
    assert max(bar["metric_low"], bar["metric_high"], key=len).startswith("1.29166666666666")
    assert max(len(bar["metric_low"]), len(bar["metric_high"])) >= 17


def test_text_tables_still_round(cli, thirds):
    status, out, err = cli("solve", str(thirds))
    assert status == 0, err
    assert "2.3333" in out and SEVEN_THIRDS not in out


@settings(max_examples=40)
@given(builders.scenario_data(max_nodes=9))
def test_json_round_trips_the_engine_floats(data):
    s = builders.build(data)
    for result in (s.evaluate(), s.solve()):
        text = json.dumps(result.to_dict(), indent=2)  # what --json prints
        back = json.loads(text)
        assert back["expected_payoffs"] == dict(result.expected_payoffs)
        exact = {o.id: o.probability for o in result.outcomes}
        assert {o["id"]: o["probability"] for o in back["outcomes"]} == exact
        assert {o["id"]: o["payoffs"] for o in back["outcomes"]} == {o.id: dict(o.payoffs) for o in result.outcomes}
        raw_doc = raw(text)
        for actor, value in result.expected_payoffs.items():
            assert float(raw_doc["expected_payoffs"][actor]) == value

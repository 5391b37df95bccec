"""Scenarios side by side: ``compare`` as a library and as ``scenarios compare``.

By hand, for entry deterrence (stay out 0.5; after entry fight 0.3, accommodate 0.7) and the
variant with ``set: {response.war: 0.6}``:

  P(war)   0.5 * 0.3 = 0.15  ->  0.5 * 0.6 = 0.30   (+0.15)
  P(share) 0.5 * 0.7 = 0.35  ->  0.5 * 0.4 = 0.20   (-0.15)
  E[entrant]   0.35 - 0.15 = 0.2     ->  0.2 - 0.3 = -0.1            (-0.3)
  E[incumbent] 1 + 0.35 - 0.15 = 1.2 ->  1 + 0.2 - 0.3 = 0.9         (-0.3)
  tag entry (war or share) 0.5 in both.  Solved: enter, accommodate in both: (1, 1).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import scenarios
from scenarios.analysis.compare import Comparison, compare
from scenarios.cli import main

TOL = 1e-12


@pytest.fixture(scope="module")
def base():
    return scenarios.load("entry-deterrence")


def variant(text: str, name: str = "<variant>") -> scenarios.Scenario:
    return scenarios.loads("extends: entry-deterrence\n" + text, filename=name)


def row(rows, key):
    return next(r for r in rows if r.key == key)


def test_compare_hand_numbers(base):
    c = compare([base, variant("set: {response.war: 0.6}\n")])
    assert isinstance(c, Comparison) and c.names == ("entry-deterrence", "scenario")
    war, share, out = row(c.outcomes, "war"), row(c.outcomes, "share"), row(c.outcomes, "stay_out")
    assert war.values == pytest.approx((0.15, 0.3), abs=TOL) and war.differences == pytest.approx((0.15,), abs=TOL)
    assert share.values == pytest.approx((0.35, 0.2), abs=TOL) and share.differences == pytest.approx((-0.15,))
    assert out.differences == pytest.approx((0.0,), abs=TOL)
    assert [r.key for r in c.outcomes] == ["stay_out", "share", "war"]  # the first's most probable first
    assert row(c.tags, "entry").values == pytest.approx((0.5, 0.5))
    assert row(c.tags, "price-war").differences == pytest.approx((0.15,))
    assert row(c.expected_payoffs, "entrant").values == pytest.approx((0.2, -0.1), abs=TOL)
    assert row(c.expected_payoffs, "incumbent").differences == pytest.approx((-0.3,), abs=TOL)
    assert row(c.solved_payoffs, "entrant").values == pytest.approx((1.0, 1.0))
    assert [(r.node, r.choices, r.changed) for r in c.choices] == [
        ("entry", ("response", "response"), False), ("response", ("share", "share"), False)]


def test_compare_changed_choice_and_missing_rows(base):
    # The variant makes fighting pay for the incumbent (3 > 1): it fights, so the entrant stays
    # out; and it adds an outcome 'buyout' reached from 'response' (with 0.1, the others rescaled).
    text = ("nodes:\n  war: {payoffs: {incumbent: 3}}\n  buyout: {kind: outcome, tags: [deal], "
            "payoffs: {entrant: 2, incumbent: 0}}\n  response: {branches: [{to: buyout, p: 0}]}\n"
            "set: {response.buyout: 0.1}\n")
    other = variant(text)
    c = compare([base, other, base])
    assert c.names == ("entry-deterrence", "scenario", "entry-deterrence#2")
    choices = {r.node: r for r in c.choices}
    assert choices["entry"].choices == ("response", "stay_out", "response") and choices["entry"].changed
    assert choices["entry"].choice_labels[1] == "Stay out"
    assert choices["response"].choices == ("share", "war", "share")
    buyout = row(c.outcomes, "buyout")
    assert buyout.values == (None, pytest.approx(0.05), None) and buyout.differences == (None, None)
    assert row(c.tags, "deal").values == (None, pytest.approx(0.05), None)
    # war: 0.5 * 0.3 * 0.9 (rescaled to make room for the buyout) = 0.135.
    assert row(c.outcomes, "war").values[1] == pytest.approx(0.135)
    assert row(c.solved_payoffs, "entrant").values == pytest.approx((1.0, 0.0, 1.0))


def test_compare_needs_two(base):
    with pytest.raises(ValueError, match="at least two scenarios, got 1"):
        compare([base])


def test_to_dict_and_frame(base):
    c = compare([base, variant("set: {response.war: 0.6}\n")])
    doc = json.loads(json.dumps(c.to_dict()))
    assert doc["analysis"] == "compare" and doc["reference"] == "entry-deterrence"
    assert [s["name"] for s in doc["scenarios"]] == ["entry-deterrence", "scenario"]
    war = next(r for r in doc["outcomes"] if r["key"] == "war")
    assert war == {"key": "war", "label": "Price war", "values": [0.15, 0.3], "differences": [0.15]}
    assert doc["choices"][0] == {"node": "entry", "label": "Enter the market?", "choices": ["response", "response"],
                                 "choice_labels": ["Enter", "Enter"], "changed": False}
    frame = c.to_frame()
    assert set(frame["section"]) == {"outcomes", "tags", "expected_payoffs", "solved_payoffs"}
    assert len(frame[frame["section"] == "outcomes"]) == 3 * 2


def test_donbas_views_agree_with_each_evaluation():
    names = ["donbas-recognition-2022", "donbas-hawkish", "donbas-dovish"]
    loaded = [scenarios.load(n) for n in names]
    c = compare(loaded)
    war = row(c.tags, "war")
    for s, value in zip(loaded, war.values, strict=False):
        assert value == pytest.approx(s.evaluate(top=0).tags["war"], abs=TOL)
    assert war.values[0] == pytest.approx(0.3194815, abs=1e-9)  # teaching-answers.md
    assert war.differences[0] > 0.2 and war.differences[1] < -0.2


# -- command line ---------------------------------------------------------------------------------------
def test_cli_compare_text():
    done = subprocess.run([sys.executable, "-m", "scenarios", "compare", "donbas-recognition-2022",
                           "donbas-hawkish", "donbas-dovish"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Scenarios compared (Δ: difference from the first)" in out
    assert "donbas-hawkish: Donbas 2022, hawkish reading" in out
    war = next(line for line in out.splitlines() if line.strip().startswith("war "))
    # base 0.3194815 by hand (docs/teaching-answers.md); the variants as evaluated (the test above)
    assert war.split()[1:] == ["0.3195", "0.6178", "+0.2983", "0.0678", "-0.2517"]
    assert "Strategic choices (* where a scenario differs from the first)" in out
    assert done.stderr == ""


def test_cli_compare_json(capsys, tmp_path):
    path = tmp_path / "v.yaml"
    path.write_text("extends: entry-deterrence\nset: {response.war: 0.6}\n")
    assert main(["compare", "entry-deterrence", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["scenarios"][1] == {"name": "v", "id": "v", "title": "Entry deterrence", "file": str(path)}
    assert next(r for r in doc["tags"] if r["key"] == "price-war")["differences"] == [0.15]


@pytest.mark.parametrize("args, code, phrase", [
    (["entry-deterrence"], 2, "the following arguments are required: B"),
    (["entry-deterrence", "no-such-scenario"], 1, "no-such-scenario:1:1: error: no such file"),
], ids=["one", "missing"])
def test_cli_compare_errors(capsys, args, code, phrase):
    assert main(["compare", *args]) == code
    out, err = capsys.readouterr()
    assert phrase in err and out == ""

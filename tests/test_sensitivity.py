"""One-way (tornado), spider and two-way sensitivity, as a library and from the command line.

The oil wildcatter's numbers are worked by hand below (docs/teaching-answers.md gives the
tree: prior dry/wet/soaking 0.5/0.3/0.2, after a favourable reading 0.3/0.4/0.3, after an
unfavourable one 0.7/0.2/0.1; drilling costs c, a test t, wet and soaking wells bring in
w and r).  With the other values at base:

* drill now = 0.3 w + 0.2 r - c  (20 at base)
* after a favourable reading, drilling = 0.4 w + 0.3 r - c (59), after an unfavourable one
  0.2 w + 0.1 r - c (-19, so walk away); the test strategy = -t + 0.5 max(fav, 0) + 0.5 max(unfav, 0)
* belief mode E = 0.5 drill-now + 0.3 (-t + 0.45 fav + 0.1 unfav) = 14.395 at base.

The Donbas numbers are checked against the brute-force reference evaluator.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import builders
import scenarios
from reference import Reference
from scenarios.analysis.sensitivity import (
    AnalysisError,
    GridResult,
    SpiderResult,
    TornadoResult,
    grid,
    spider,
    tornado,
    variables,
)
from scenarios.errors import ProbabilityError, UnknownNameError

TOL = 1e-9
SCENARIOS = [sys.executable, "-m", "scenarios"]




def bundled_data(name: str) -> dict:
    import yaml

    from scenarios.io.catalog import bundled_path

    return yaml.safe_load(bundled_path(name).read_text(encoding="utf-8"))


def bars(result: TornadoResult) -> list[tuple]:
    return [(b.variable.name, round(b.metric_low, 9), round(b.metric_high, 9)) for b in result.bars]


# -- variables ---------------------------------------------------------------------------------------
def test_variables_default_to_parameters_with_ranges(donbas):
    names = [v.name for v in variables(donbas)]
    assert names == list(donbas.parameters)  # every Donbas parameter has low/high
    p = variables(donbas, ["p_recognize"])[0]
    assert (p.kind, p.low, p.high, p.base) == ("parameter", 0.25, 0.65, 0.45)


def test_variables_ranges_and_branches(donbas):
    vs = variables(donbas, ["p_recognize", "recognized.recog_condemn"],
                   ranges={"recognized.recog_condemn": (0, 0.5), "p_recognize": (0.2, 0.25)},
                   overrides={"p_recognize": 0.22})
    assert [(v.name, v.kind, v.low, v.high) for v in vs] == [
        ("p_recognize", "parameter", 0.2, 0.25), ("recognized.recog_condemn", "branch", 0.0, 0.5)]
    assert vs[0].base == 0.22  # the base case under --set
    assert vs[1].base == pytest.approx(0.15)
    # A range for a name not in the list of parameters is added after them.
    extra = variables(donbas, ranges={"recognized.recog_condemn": (0, 1)})
    assert extra[-1].name == "recognized.recog_condemn" and len(extra) == len(donbas.parameters) + 1


@pytest.mark.parametrize("names, ranges, error, phrase", [
    (["nope"], None, UnknownNameError, "nope: unknown parameter"),
    (["recognized.nope"], None, UnknownNameError, "has no branch to 'nope'"),
    (["nowhere.x"], None, UnknownNameError, "unknown node 'nowhere'"),
    (["p_recognize"], {"p_recognize": (0.5, 0.1)}, AnalysisError, "range of p_recognize: low 0.5 is above high 0.1"),
    (["recognized.recog_condemn"], None, AnalysisError, "needs a range: --range recognized.recog_condemn=LOW:HIGH"),
    (["recognized.recog_condemn"], {"recognized.recog_condemn": (0.5, 1.5)}, AnalysisError, "within [0, 1]"),
    (["p_recognize"], {"p_recognize": (0, float("inf"))}, AnalysisError, "finite"),
    (None, {"zzz": (0, 1)}, UnknownNameError, "zzz: unknown parameter"),
], ids=["unknown", "branch", "node", "low>high", "branch-no-range", "branch-range", "inf", "range-unknown"])
def test_variable_errors_name_the_item(donbas, names, ranges, error, phrase):
    with pytest.raises(error) as info:
        variables(donbas, names, ranges=ranges)
    assert phrase in str(info.value)


def test_parameter_without_range(oil):
    s = scenarios.loads("title: t\nactors: {u: {}}\nparameters: {x: 1}\nnodes:\n"
                        "  o: {kind: outcome, payoffs: {u: x}}\n")
    with pytest.raises(AnalysisError, match="no parameter has a range"):
        variables(s)
    with pytest.raises(AnalysisError,
                       match=r"parameter 'x' has no range: give low/high in the file or --range x=LOW:HIGH"):
        variables(s, ["x"])
    assert variables(s, ["x"], ranges={"x": (0, 2)})[0].base == 1.0


# -- tornado: hand-worked --------------------------------------------------------------------------
def test_oil_tornado_reoptimize(oil):
    # test_cost 0: -0 + 0.5 * 59 = 29.5 > 20; 20: test 9.5 < 20 -> 20.
    # drill_cost 50: drill now 40 (test 30); 90: drill now 0, test -10 + 0.5 * 39 = 9.5.
    # revenue_wet 90: drill now 11, test -10 + 0.5 * 47 = 13.5; 150: drill now 29, test 25.5.
    # revenue_soaking 200: drill now 6, test -10 + 0.5 * 38 = 9; 340: drill now 34, test 30.
    t = tornado(oil, policy="reoptimize")
    assert bars(t) == [("drill_cost", 40.0, 9.5), ("revenue_soaking", 9.0, 34.0),
                       ("revenue_wet", 13.5, 29.0), ("test_cost", 29.5, 20.0)]
    assert [round(b.swing, 9) for b in t.bars] == [30.5, 25.0, 15.5, 9.5]
    assert t.base_metric == pytest.approx(20.0) and t.base_choice == "drill_now"
    drill = t.bars[0]
    assert (drill.choice_low, drill.choice_high) == ("drill_now", "seismic")
    assert t.held_choices == {}


def test_oil_tornado_fixed(oil):
    # The base choices (drill now; after a test drill on favourable, walk on unfavourable) are
    # held: the metric is the value of drilling now, 0.3 w + 0.2 r - c; the test cost drops out.
    t = tornado(oil, policy="fixed")
    assert bars(t) == [("drill_cost", 40.0, 0.0), ("revenue_soaking", 6.0, 34.0),
                       ("revenue_wet", 11.0, 29.0), ("test_cost", 20.0, 20.0)]
    assert t.held_choices == {"start": "drill_now", "favourable": "fav_drill", "unfavourable": "unfav_walk_away"}
    # The choice at the root is still reported as re-optimised there (the other decisions held).
    assert (t.bars[0].choice_low, t.bars[0].choice_high) == ("drill_now", "seismic")


def test_oil_tornado_belief(oil):
    # dE/dt = -0.3; dE/dc = -(0.5 + 0.3 * 0.55) = -0.665; dE/dw = 0.5 * 0.3 + 0.3 * (0.45 * 0.4 +
    # 0.1 * 0.2) = 0.21; dE/dr = 0.5 * 0.2 + 0.3 * (0.45 * 0.3 + 0.1 * 0.1) = 0.1435.
    t = tornado(oil)
    assert t.policy == "belief"
    expected = [("drill_cost", 14.395 + 0.665 * 20, 14.395 - 0.665 * 20),
                ("revenue_soaking", 14.395 - 0.1435 * 70, 14.395 + 0.1435 * 70),
                ("revenue_wet", 14.395 - 0.21 * 30, 14.395 + 0.21 * 30),
                ("test_cost", 14.395 + 0.3 * 10, 14.395 - 0.3 * 10)]
    for bar, (name, low, high) in zip(t.bars, expected, strict=False):
        assert bar.variable.name == name
        assert (bar.metric_low, bar.metric_high) == pytest.approx((low, high), abs=TOL)
    assert t.base_metric == pytest.approx(14.395, abs=TOL)


def test_fixed_and_reoptimize_differ_where_a_later_choice_flips():
    # root (a): safe -> 1 or go -> n (b): left (a 2, b k) / right (a 0, b 0); k in [-1, 2], base 1.
    # reoptimize: at k = -1 b goes right, so a plays safe (1); at k = 2, go (2): swing 1.
    # fixed: b keeps going left, a keeps going: 2 at both ends, swing 0.
    # belief (equal weights): E[a] = 0.5 * 1 + 0.25 * 2 = 1 whatever k; E[b] = 0.25 k.
    s = builders.build(fork_data())
    assert bars(tornado(s, metric="payoff:a", policy="reoptimize")) == [("k", 1.0, 2.0)]
    assert bars(tornado(s, metric="payoff:a", policy="fixed")) == [("k", 2.0, 2.0)]
    assert bars(tornado(s, metric="payoff:a")) == [("k", 1.0, 1.0)]
    assert bars(tornado(s, metric="payoff:b")) == [("k", -0.25, 0.5)]


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


def test_donbas_tornado_of_war_agrees_with_reference(donbas):
    raw = bundled_data("donbas-recognition-2022")  # the reference reads the file's plain data
    t = tornado(donbas, metric="tag:war")
    assert t.base_metric == pytest.approx(0.3194815, abs=TOL)  # teaching-answers.md
    for bar in t.bars:
        v = bar.variable
        low = Reference(raw, {v.name: v.low}).belief().tags["war"]
        high = Reference(raw, {v.name: v.high}).belief().tags["war"]
        assert (bar.metric_low, bar.metric_high) == pytest.approx((low, high), abs=TOL)
    swings = [b.swing for b in t.bars]
    assert swings == sorted(swings, reverse=True)
    # By hand: P(war) moves by 0.3 per unit of p_invade_on_pretext after restraint and by 0.1 * 2
    # after a firefight (capped at 0.55 there): 0.2444815 at 0.05, 0.3944815 at 0.4: swing 0.15.
    assert t.bars[0].variable.name == "p_invade_on_pretext"
    assert (t.bars[0].metric_low, t.bars[0].metric_high) == pytest.approx((0.2444815, 0.3944815), abs=TOL)
    # Payoff-only parameters cannot move a probability in belief mode; nor can what happens
    # after an invasion, a deal taken from the standoff, or an offensive taken from 'stop'.
    assert {b.variable.name for b in t.bars if b.swing == 0} == {
        "tranche_cost_russia", "sanction_cost_russia", "sanction_cost_west", "tranche_cost_west",
        "credibility_cost_west", "aid_cost_west", "p_buildup_deal", "p_limited_offensive", "p_hold",
        "p_hold_more_aid"}


def test_p_buildup_deal_cannot_move_war(donbas):
    # A deal takes its probability from the standoff ('rest'), never from invasion: exactly 0.
    t = tornado(donbas, ["p_buildup_deal"], metric="tag:war")
    assert t.bars[0].metric_low == pytest.approx(t.bars[0].metric_high, abs=1e-15)


def test_tornado_of_branch_probability(donbas):
    t = tornado(donbas, ["recognized.recog_condemn"], metric="tag:war",
                ranges={"recognized.recog_condemn": (0.0, 1.0)})
    # At 1 every recognition is met with words: P(esc | recognized) = 0.5, against 0.35 for
    # sweeping sanctions... the reference computes the whole distribution.
    for value, got in ((0.0, t.bars[0].metric_low), (1.0, t.bars[0].metric_high)):
        ref = donbas.evaluate(overrides={"recognized.recog_condemn": value}, top=0).tags["war"]
        assert got == pytest.approx(ref, abs=TOL)


def test_equal_swings_keep_the_given_order(donbas):
    t = tornado(donbas, ["aid_cost_west", "sanction_cost_west"], metric="tag:war")
    assert [b.variable.name for b in t.bars] == ["aid_cost_west", "sanction_cost_west"]


def test_invalid_setting_is_reported(donbas):
    with pytest.raises(ProbabilityError, match="p_pullback=1.5"):
        tornado(donbas, ["p_pullback"], ranges={"p_pullback": (0.1, 1.5)}, metric="tag:war")


@settings(max_examples=25)
@given(st.data())
def test_tornado_bars_are_reference_evaluations(data):
    scenario_data = data.draw(builders.scenario_data(max_nodes=9))
    costs = [n for n, v in (scenario_data.get("parameters") or {}).items()
             if isinstance(v, int) and not isinstance(v, bool)]  # payoff parameters: any value is valid
    assume(costs)
    s = builders.build(scenario_data)
    actor = next(iter(s.actors))
    ranges = {name: (-3.0, 4.0) for name in costs}
    t = tornado(s, list(ranges), ranges=ranges, metric=f"payoff:{actor}")
    for bar in t.bars:
        for value, got in ((-3.0, bar.metric_low), (4.0, bar.metric_high)):
            ref = Reference(scenario_data, {bar.variable.name: value}).belief().expected[actor]
            assert got == pytest.approx(ref, rel=1e-9, abs=1e-9)


# -- spider and grid ----------------------------------------------------------------------------------
def test_spider_oil(oil):
    s = spider(oil, steps=5, policy="reoptimize")
    assert isinstance(s, SpiderResult) and s.steps == 5
    drill = next(line for line in s.lines if line.variable.name == "drill_cost")
    # c = 50, 60, 70, 80, 90: drill now 40, 30, 20; then the test: 54.5 - 40 = 14.5, 9.5.
    assert drill.values == (50.0, 60.0, 70.0, 80.0, 90.0)
    assert drill.metric == pytest.approx((40, 30, 20, 14.5, 9.5))
    assert drill.choices == ("drill_now", "drill_now", "drill_now", "seismic", "seismic")
    frame = s.to_frame()
    assert len(frame) == 4 * 5 and set(frame.columns) >= {"variable", "value", "metric", "choice"}


def test_spider_steps_checked(oil):
    with pytest.raises(AnalysisError, match="--steps must be a whole number >= 2, got 1"):
        spider(oil, steps=1)


def test_grid_oil(oil):
    # test_cost t (x) 0, 10, 20; drill_cost c (y) 60, 70, 80.  Drill now 90 - c; the test
    # strategy -t + 0.5 (129 - c) (drilling after an unfavourable reading never pays for c > 51).
    ranges = {"drill_cost": (60, 80)}
    g = grid(oil, "test_cost", "drill_cost", steps=3, policy="reoptimize", ranges=ranges)
    assert isinstance(g, GridResult)
    expected = np.array([[max(90 - c, -t + 0.5 * (129 - c)) for t in (0, 10, 20)] for c in (60, 70, 80)])
    assert g.metric_grid == pytest.approx(expected)
    # c = 60: 30 against 34.5 / 24.5 / 14.5; c = 70: 20 against 29.5 / 19.5 / 9.5;
    # c = 80: 10 against 24.5 / 14.5 / 4.5.
    assert g.choices == (("seismic", "drill_now", "drill_now"),
                         ("seismic", "drill_now", "drill_now"),
                         ("seismic", "seismic", "drill_now"))
    assert g.xs == (0.0, 10.0, 20.0) and g.ys == (60.0, 70.0, 80.0)
    frame = g.to_frame()
    assert len(frame) == 9 and list(frame.columns) == ["test_cost", "drill_cost", "metric", "choice"]


def test_grid_needs_two_different_variables(oil):
    with pytest.raises(AnalysisError, match="two different variables, got drill_cost twice"):
        grid(oil, "drill_cost", "drill_cost")
    with pytest.raises(UnknownNameError, match="nope"):
        grid(oil, "drill_cost", "nope")


def test_results_are_frozen_and_serialise(donbas):
    for result in (tornado(donbas, metric="tag:war"), spider(donbas, steps=3, metric="tag:war"),
                   grid(donbas, "p_recognize", "p_sanctions_deter", steps=3, node="recognized")):
        doc = json.loads(json.dumps(result.to_dict()))
        assert doc["scenario"] == "donbas-recognition-2022"
        assert doc["policy"] == "belief" and "belief mode" in doc["policy_description"]
        with pytest.raises(AttributeError):
            result.policy = "fixed"
    doc = tornado(donbas, metric="tag:war").to_dict()
    assert doc["analysis"] == "tornado" and doc["metric"] == "tag:war" and doc["metric_label"] == "P(tag war)"
    assert doc["bars"][0]["name"] == "p_invade_on_pretext"
    assert set(doc["bars"][0]) >= {"low", "high", "base", "metric_low", "metric_high", "swing", "choice_low"}


def test_tornado_to_frame(oil):
    frame = tornado(oil, policy="reoptimize").to_frame()
    assert list(frame["name"]) == ["drill_cost", "revenue_soaking", "revenue_wet", "test_cost"]
    assert list(frame["swing"]) == pytest.approx([30.5, 25, 15.5, 9.5])


# -- command line ---------------------------------------------------------------------------------
def run(*args: str) -> subprocess.CompletedProcess:
    """The installed command, as a user runs it (a few tests; the rest run in-process)."""
    return subprocess.run([*SCENARIOS, *args], capture_output=True, text=True, timeout=60)


def main(capsys, *args: str) -> tuple[int, str, str]:
    from scenarios.cli import main as cli_main

    code = cli_main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_tornado_text_names_the_policy():
    done = run("sensitivity", "oil-wildcatter", "--policy", "reoptimize")
    assert done.returncode == 0, done.stderr
    assert "policy reoptimize: re-solved" in done.stdout and "(as TreeAge)" in done.stdout
    lines = done.stdout.splitlines()
    # Parameters by their descriptions, not their names (issue 14: words over names).
    order = [line.strip()[:20] for line in lines if line.strip().startswith(("Cost of", "Revenue from"))
             and ":" not in line]
    assert order[:4] == ["Cost of drilling a w", "Revenue from a soaki", "Revenue from a wet w", "Cost of the seismic "]
    assert "drill_cost" not in done.stdout
    flat = " ".join(done.stdout.split())
    assert "Cost of drilling a well (thousand dollars): Drill now [drill_now] at low, Seismic test first" in flat
    assert done.stderr == ""


def test_cli_bad_request_as_a_user_sees_it():
    done = run("sensitivity", "donbas-recognition-2022", "--range", "p_recognize=0.5:0.1")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip() == "range of p_recognize: low 0.5 is above high 0.1"
    done = run("sensitivity", "donbas-recognition-2022", "--grid", "a,b", "--spider")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == ["scenarios sensitivity: error: argument --spider: not allowed with argument "
                                        "--grid", "run 'scenarios sensitivity --help' for usage"]


def test_cli_tornado_json_tag_metric(capsys):
    code, out, err = main(capsys, "sensitivity", "donbas-recognition-2022", "--metric", "tag:war", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["base"]["metric"] == pytest.approx(0.3194815)
    assert doc["policy"] == "belief" and doc["bars"][0]["name"] == "p_invade_on_pretext"


def test_cli_spider_grid_and_ranges(capsys):
    code, out, err = main(capsys, "sensitivity", "oil-wildcatter", "--spider", "--steps", "3", "--params",
                          "drill_cost", "--policy", "fixed", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["lines"][0]["metric"] == pytest.approx([40, 20, 0], abs=1e-12)
    assert doc["held_choices"]["start"] == "drill_now"
    code, out, err = main(capsys, "sensitivity", "oil-wildcatter", "--grid", "test_cost,drill_cost", "--steps", "3",
                          "--range", "drill_cost=60:80", "--policy", "reoptimize")
    assert code == 0, err
    assert "A = Drill now [drill_now]" in out and "test_cost" in out
    code, out, err = main(capsys, "sensitivity", "donbas-recognition-2022", "--params", "recognized.recog_condemn",
                          "--range", "recognized.recog_condemn=0:1", "--metric", "tag:war", "--set",
                          "p_recognize=0.4")
    assert code == 0, err
    assert "overrides: p_recognize=0.4" in out
    code, out, err = main(capsys, "sensitivity", "oil-wildcatter", "--spider")
    assert code == 0 and "step 5" in out  # five steps by default


@pytest.mark.parametrize("args, phrase", [
    (["--params", "nope"], "nope: unknown parameter"),
    (["--range", "p_recognize=0.5:0.1"], "range of p_recognize: low 0.5 is above high 0.1"),
    (["--grid", "p_recognize"], "--grid needs two variables as P1,P2, got 'p_recognize'"),
    (["--grid", "p_recognize,zzz"], "zzz: unknown parameter"),
    (["--metric", "tag:peace"], "no outcome has the tag 'peace'"),
    (["--metric", "payoff:nato"], "unknown actor 'nato'"),
    (["--node", "war_more_aid"], "'war_more_aid' is a chance node"),
    (["--spider", "--steps", "1"], "--steps must be a whole number >= 2"),
    (["--params", "recognized.recog_condemn"], "needs a range"),
], ids=["unknown-param", "low>high", "grid-one", "grid-unknown", "tag", "actor", "node", "steps", "branch-range"])
def test_cli_bad_requests_exit_1(capsys, args, phrase):
    code, out, err = main(capsys, "sensitivity", "donbas-recognition-2022", *args)
    assert code == 1
    assert phrase in err and out == ""


@pytest.mark.parametrize("args", [
    ["--range", "x=1"], ["--range", "x=a:b"], ["--spider", "--grid", "a,b"], ["--policy", "greedy"],
    ["--steps", "-3"],
], ids=["range-shape", "range-numbers", "spider-and-grid", "policy", "steps"])
def test_cli_usage_errors_exit_2(capsys, args):
    code, out, err = main(capsys, "sensitivity", "donbas-recognition-2022", *args)
    assert code == 2 and out == ""
    first, hint = err.splitlines()  # one line, no usage block
    assert first.startswith("scenarios sensitivity: error: argument --")
    assert hint == "run 'scenarios sensitivity --help' for usage"


# -- the documentation's examples (the runner is tests/doc_examples.py) -----------------------------
def test_docs_analysis_examples_print_what_the_page_shows(capsys, monkeypatch):
    """Every ``$ scenarios ...`` block of docs/analysis.md prints exactly the text shown under it."""
    import shlex

    from doc_examples import ROOT, run_main, transcripts

    blocks = transcripts("docs/analysis.md")
    assert len(blocks) >= 10
    monkeypatch.chdir(ROOT)  # the page's paths are relative to the checkout
    for command, shown in blocks:
        words = shlex.split(command)
        assert words[0] == "scenarios"
        _, out, err = run_main(words[1:], capsys)  # exit codes vary: the error examples exit 1
        assert (out + err).rstrip("\n") == shown.rstrip("\n"), command


def test_docs_analysis_python_examples_run():
    from doc_examples import check_doctests

    check_doctests("docs/analysis.md", None, minimum=10)

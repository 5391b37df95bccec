"""``scenarios explain``: contributions of paths (or outcomes) that sum to an expected payoff.

Checked against the brute-force reference's path enumeration (tests/reference.py), by
hand on small trees, by the sum property on random trees and DAGs (hypothesis), exactly
in fractions with ``--exact``, and as a user runs the command.
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

import builders
import scenarios
from reference import Reference
from scenarios.engine.explain import explain
from scenarios.errors import AnalysisError, UnknownNameError

BRANCH_PAYOFFS = """
title: Costs on branches
actors: {a: {name: A}}
nodes:
  c:
    kind: chance
    branches:
      - {to: m, label: Costly, p: 0.4, payoffs: {a: -2}}
      - {to: m, label: Free, p: 0.6}
  m:
    kind: chance
    payoffs: {a: 1}
    branches:
      - {to: good, p: 0.25}
      - {to: bad, p: 0.75, payoffs: {a: -1}}
  good: {kind: outcome, payoffs: {a: 10}}
  bad: {kind: outcome, payoffs: {a: -4}}
"""


def _total(e) -> float:
    return sum(row.contribution for row in e.rows) + e.others_contribution


def _close(x: float, y: float) -> bool:
    return abs(x - y) <= 1e-9 * (1 + abs(x) + abs(y))


# -- hand-worked ------------------------------------------------------------------------------------
def test_paths_with_branch_payoffs_by_hand():
    s = scenarios.loads(BRANCH_PAYOFFS)  # a DAG: both branches of c lead to m
    e = explain(s.evaluate(top=0), actor="a")
    assert e.unit == "paths" and e.paths == 4
    got = {(row.branches, row.outcome): (row.probability, row.payoff) for row in e.rows}
    want = {((0, 0), "good"): (0.1, -2 + 1 + 10), ((0, 1), "bad"): (0.3, -2 + 1 - 1 - 4),
            ((1, 0), "good"): (0.15, 1 + 10), ((1, 1), "bad"): (0.45, 1 - 1 - 4)}
    assert got.keys() == want.keys() and all(got[k] == pytest.approx(want[k]) for k in want)
    # Sorted by size: |0.45 * -4| = 1.8 first, then 0.3 * -6 = -1.8 (tie: path order), ...
    assert [row.contribution for row in e.rows] == pytest.approx([-1.8, -1.8, 1.65, 0.9])
    assert e.expected == pytest.approx(-1.05) and _total(e) == pytest.approx(e.expected)
    assert [row.cumulative for row in e.rows] == pytest.approx([-1.8, -3.6, -1.95, -1.05])
    assert e.rows[0].share == pytest.approx(-1.8 / -1.05)


def test_outcomes_share_branch_payoffs_in_proportion_to_the_paths():
    s = scenarios.loads(BRANCH_PAYOFFS)
    e = explain(s.evaluate(top=0), actor="a", by="outcomes")
    rows = {row.outcome: row for row in e.rows}
    # good: 0.1 * 9 + 0.15 * 11 = 2.55 over probability 0.25; bad: 0.3 * -6 + 0.45 * -4 = -3.6.
    assert rows["good"].probability == pytest.approx(0.25) and rows["good"].contribution == pytest.approx(2.55)
    assert rows["good"].payoff == pytest.approx(2.55 / 0.25)
    assert rows["bad"].contribution == pytest.approx(-3.6) and _total(e) == pytest.approx(-1.05)
    assert e.why == "grouped by outcome on request"


def test_node_explains_the_value_from_there_on():
    s = scenarios.loads(BRANCH_PAYOFFS)
    r = s.evaluate(top=0)
    e = explain(r, actor="a", node="m")
    assert e.expected == pytest.approx(r.values["m"]["a"]) == pytest.approx(1 + 0.25 * 10 + 0.75 * -5)
    assert [(row.nodes, row.probability) for row in e.rows] == [(("m", "bad"), 0.75), (("m", "good"), 0.25)]


def test_entry_deterrence_strategic_has_one_path():
    r = scenarios.load("entry-deterrence").solve(top=0)
    e = explain(r)  # the entrant decides at the root
    assert e.actor == "entrant" and [(row.nodes, row.contribution) for row in e.rows] == [
        (("entry", "response", "share"), 1.0)]


def test_exact_contributions_sum_exactly():
    s = scenarios.loads(BRANCH_PAYOFFS)
    for by in ("paths", "outcomes"):
        e = explain(s.evaluate(top=0, exact=True), actor="a", by=by)
        assert e.exact and e.expected_fraction == Fraction(-21, 20)
        assert sum((row.fractions[2] for row in e.rows), Fraction(0)) == Fraction(-21, 20)
        assert all(row.fractions[0] * row.fractions[1] == row.fractions[2] for row in e.rows)


# -- the limit, names -----------------------------------------------------------------------------------
def test_past_the_path_limit_rows_are_outcomes_and_the_limit_is_named():
    s = scenarios.load("donbas-recognition-2022")
    r = s.evaluate(top=0)
    e = explain(r, actor="russia", limit=100)
    assert e.unit == "outcomes" and e.why == "197 paths, more than the limit of 100: grouped by outcome"
    assert _close(_total(e), r.expected_payoffs["russia"])
    with pytest.raises(AnalysisError, match="more than the limit of 100 for listing paths"):
        explain(r, actor="russia", by="paths", limit=100)


def test_unknown_actor_and_node_suggest_a_name():
    r = scenarios.load("donbas-recognition-2022").evaluate(top=0)
    with pytest.raises(UnknownNameError, match=r"--actor rusia: unknown actor \(did you mean 'russia'\?\)"):
        explain(r, actor="rusia")
    with pytest.raises(UnknownNameError, match=r"--node recognised: unknown node \(did you mean 'recognized'\?\)"):
        explain(r, node="recognised")


def test_a_scenario_without_actors_has_nothing_to_explain():
    s = scenarios.loads("title: T\nnodes:\n  a: {kind: outcome}\n", filename="t.yaml")
    with pytest.raises(AnalysisError, match="no actors"):
        explain(s.evaluate(top=0))


def test_top_keeps_the_sum_in_the_others():
    r = scenarios.load("donbas-recognition-2022").evaluate(top=0)
    full, short = explain(r, actor="west"), explain(r, actor="west", top=5)
    assert len(short.rows) == 5 and short.others == full.total - 5
    assert short.rows == full.rows[:5] and _close(_total(short), _total(full))
    assert _close(short.others_probability + sum(row.probability for row in short.rows), 1.0)
    full, short = explain(r, actor="west", by="outcomes"), explain(r, actor="west", by="outcomes", top=3)
    assert short.rows == full.rows[:3] and short.others == full.total - 3 and _close(_total(short), _total(full))


# -- properties on random trees and DAGs ------------------------------------------------------------------
@given(builders.scenario_data(), st.booleans(), st.data())
def test_contributions_sum_to_the_expected_value(data, strategic, draw):
    s = builders.build(data)
    r = s.solve(top=0) if strategic else s.evaluate(top=0)
    reached = [n for n in s.nodes if r.reach[n] > 0]
    node = draw.draw(st.sampled_from([None, *reached]))
    for actor in s.actors:
        for by in ("paths", "outcomes"):
            e = explain(r, actor=actor, node=node, by=by, top=draw.draw(st.sampled_from([None, 0, 2])))
            assert _close(_total(e), r.values[e.node][actor])
            assert _close(sum(row.probability for row in e.rows) + e.others_probability, 1.0)
            if e.rows:
                assert _close(e.rows[-1].cumulative, sum(row.contribution for row in e.rows))
            sizes = [abs(row.contribution) for row in e.rows]
            assert sizes == sorted(sizes, reverse=True)


@given(builders.scenario_data(dag=True))
def test_paths_are_the_reference_paths(data):
    s = builders.build(data)
    ref = Reference(data).belief()
    r = s.evaluate(top=0)
    for actor in s.actors:
        e = explain(r, actor=actor, by="paths")
        got = {(row.nodes, row.branches): row.contribution for row in e.rows}
        want = {(p.nodes, p.branches): p.probability * p.payoffs[actor] for p in ref.paths}
        assert got.keys() == want.keys()
        assert all(_close(got[k], want[k]) for k in want)


@given(builders.scenario_data())
def test_exact_contributions_sum_exactly_on_random_scenarios(data):
    s = builders.build(data)
    r = s.evaluate(top=0, exact=True)
    for actor in s.actors:
        for by in ("paths", "outcomes"):
            e = explain(r, actor=actor, by=by)
            assert sum((row.fractions[2] for row in e.rows), Fraction(0)) == r.exact.expected[actor]


# -- the command, as a user runs it ---------------------------------------------------------------------
def test_cli_explains_russias_expected_payoff_in_one_command(cli_process, tmp_path):
    out = tmp_path / "waterfall.png"
    done = cli_process("explain", "donbas-recognition-2022", "--actor", "russia", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "Expected payoff of Russia (Putin) [russia]: -1.3112" in done.stdout
    assert "the 197 paths of positive probability" in done.stdout and "total" in done.stdout
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    done = cli_process("explain", "donbas-recognition-2022", "--actor", "rusia")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip() == ("--actor rusia: unknown actor (did you mean 'russia'?) "
                                   "(actors: russia, west, ukraine)")
    done = cli_process("explain", "donbas-recognition-2022", "--node", "recognised")
    assert done.returncode == 1
    assert done.stderr.strip() == "--node recognised: unknown node (did you mean 'recognized'?)"


def test_cli_json_and_exact(cli):
    status, out, _ = cli("explain", "entry-deterrence", "--actor", "incumbent", "--json", "--exact")
    assert status == 0
    data = json.loads(out)
    assert data["exact"] is True and data["expected_fraction"] == "6/5" and data["unit"] == "paths"
    assert [(row["outcome"], row["fractions"]["contribution"]) for row in data["rows"]] == [
        ("stay_out", "1"), ("share", "7/20"), ("war", "-3/20")]
    status, out, _ = cli("explain", "entry-deterrence", "--strategic", "--top", "0", "--json")
    data = json.loads(out)
    assert data["rows"] == [] and data["others"]["count"] == 1 and data["others"]["contribution"] == 1.0


def test_waterfall_labels_are_the_outcomes_words():
    from scenarios.render.charts.waterfall import explain_chart

    s = scenarios.load("donbas-recognition-2022")
    e = explain(s.evaluate(top=0), actor="russia", by="outcomes", top=3)
    ax = explain_chart(e)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "Full-scale war: a long war" and labels[-2] == "8 other outcomes"
    assert labels[-1] == "expected payoff \u22121.31"
    assert tuple(ax.figure.get_size_inches()) == pytest.approx((13.33, 7.5))

"""Information sets in the file format: the key, the simultaneous shorthand, the rules.

The invalid cases with their FILE:LINE:COL are files in data/invalid/ (test_io_build.py
runs them); here: the model's view, the expansion, round trips, and the command line.
"""

from __future__ import annotations

import scenarios
from builders import DATA
from scenarios.errors import ScenarioFileError

POKER = DATA / "valid" / "stripped_down_poker.yaml"
PENNIES = DATA / "valid" / "matching_pennies_simultaneous.yaml"


def test_infosets_are_named_sets_in_file_order():
    s = scenarios.load(POKER)
    assert dict(s.infosets) == {"bob_facing_raise": ("b_high", "b_low")}
    assert s.nodes["b_low"].infoset == "bob_facing_raise" and s.nodes["a_high"].infoset is None
    assert not s.perfect_information
    assert s.infoset_of("b_high") == "bob_facing_raise" and s.infoset_of("a_low") == "a_low"
    assert scenarios.load("entry-deterrence").perfect_information


def test_the_simultaneous_shorthand_expands_to_one_information_set():
    s = scenarios.load(PENNIES)
    assert list(s.nodes) == ["toss", "toss--1", "toss--2", "row_wins", "column_wins"]
    assert [(b.label, b.to) for b in s.nodes["toss"].branches] == [("heads", "toss--1"), ("tails", "toss--2")]
    assert dict(s.infosets) == {"toss_column": ("toss--1", "toss--2")}
    second = s.nodes["toss--2"]
    assert second.actor == "column" and second.label == "Column chooses"
    assert [(b.label, b.to) for b in second.branches] == [("heads", "column_wins"), ("tails", "row_wins")]


def test_shorthand_options_with_beliefs_payoffs_and_names(write):
    s = scenarios.load(write("""
title: Chicken
actors: {a: {name: Ann}, b: {name: Bo}}
nodes:
  meet:
    kind: decision
    actor: a
    simultaneous:
      actor: b
      infoset: bo_blind
      label: Bo swerves or not
      options: [{label: swerve, p: 0.25}, {label: straight, p: rest}]
    branches:
      - label: swerve
        then: {swerve: tie, straight: {to: lose, payoffs: {b: 1}}}
      - label: straight
        then: {swerve: win, straight: crash}
  tie: {kind: outcome}
  lose: {kind: outcome, payoffs: {a: -1}}
  win: {kind: outcome, payoffs: {a: 1, b: -1}}
  crash: {kind: outcome, payoffs: {a: -10, b: -10}}
"""))
    assert dict(s.infosets) == {"bo_blind": ("meet--1", "meet--2")}
    assert s.nodes["meet--1"].label == "Bo swerves or not"
    assert s.nodes["meet--1"].branches[1].payoffs["b"].evaluate({}) == 1
    r = s.evaluate()
    assert abs(r.probability("crash") - 0.5 * 0.75) < 1e-12  # belief mode: row 1/2, column's p


def test_round_trip_keeps_information_sets():
    for path in (POKER, PENNIES):
        s = scenarios.load(path)
        again = scenarios.loads(s.to_yaml())
        assert again == s and dict(again.infosets) == dict(s.infosets)


def test_belief_mode_is_unchanged_by_information_sets():
    s = scenarios.load(POKER)
    r = s.evaluate()
    assert abs(r.probability("call_low") - 0.5 * 0.5 * 0.5) < 1e-12


def test_a_set_named_like_another_node_is_refused(write):
    path = write("""
title: T
actors: {a: {}}
nodes:
  start:
    kind: decision
    actor: a
    infoset: end
    branches: [{to: end, label: x}]
  end: {kind: outcome}
""")
    try:
        scenarios.load(path)
    except ScenarioFileError as exc:
        assert [(d.line, d.col, d.code) for d in exc.errors] == [(8, 14, "infoset")]
    else:  # pragma: no cover
        raise AssertionError("accepted")


def test_a_dag_merging_different_own_histories_breaks_perfect_recall(write):
    path = write("""
title: Merge
actors: {a: {}, b: {}}
nodes:
  deal:
    kind: chance
    branches: [{to: a1, p: 0.5}, {to: a2, p: 0.5}]
  a1:
    kind: decision
    actor: a
    branches: [{to: m, label: l}, {to: m, label: r}]
  a2:
    kind: decision
    actor: a
    branches: [{to: n, label: l}, {to: n, label: r}]
  m:
    kind: decision
    actor: a
    infoset: s
    branches: [{to: e, label: u}, {to: e, label: v}]
  n:
    kind: decision
    actor: a
    infoset: s
    branches: [{to: e, label: u}, {to: e, label: v}]
  e: {kind: outcome}
""")
    try:
        scenarios.load(path)
    except ScenarioFileError as exc:
        assert {d.code for d in exc.errors} == {"perfect-recall"}
        assert (exc.errors[0].line, exc.errors[0].col) == (19, 14)
    else:  # pragma: no cover
        raise AssertionError("accepted")


def test_cli_validate_reports_broken_sets_without_traceback(cli_process):
    bad = DATA / "invalid" / "infoset_descendant.yaml"
    done = cli_process("validate", str(bad))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"{bad}:17:14: error: information set 's': node 'again' comes after node 'start'" in done.stderr

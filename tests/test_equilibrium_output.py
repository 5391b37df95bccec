"""How an equilibrium is reported: which information sets its play reaches, where its
behaviour is open (``any``), and what ``pure`` means (docs/games.md, "Unreached information
sets, and what pure means").

Exact values worked out by hand on two small games:

* the outside option (docs/examples/outside-option.yaml): Ann takes 1 (Bob 1) or goes in;
  Bob stops (Ann 0, Bob 2) or lets Ann choose a deal (2, 1) or a breakdown (0, 0).  Going in
  pays Ann 2(1 - s) with her deal, s the probability that Bob stops, so Ann stays out exactly
  when s >= 1/2: the Nash equilibria are Ann out, Bob stopping with s in [1/2, 1] (extreme
  points s = 1/2 and s = 1), Ann's second move ruled out by her own first (open).  The
  subgame-perfect one: deal, stop, out.
* entry deterrence (scenarios/entry-deterrence.yaml): Enter/Accommodate (1, 1); Stay out
  (0, 2) with Fight at q >= 1/2, since entering then pays the entrant 1 - 2q <= 0 (extreme
  points q = 1 and q = 1/2).  The response is unreached when the entrant stays out, but its
  behaviour is part of the equilibrium (the threat), so it is never open.
"""

from __future__ import annotations

import json
from fractions import Fraction as F
from pathlib import Path

import pytest

import scenarios

gbt = pytest.importorskip("pygambit")
ROOT = Path(__file__).resolve().parents[1]
OUTSIDE = ROOT / "docs" / "examples" / "outside-option.yaml"


def outside_nash():
    return scenarios.load(OUTSIDE).solve(method="nash", top=0)


def test_outside_option_equilibria_exactly_as_by_hand():
    r = outside_nash()
    assert [(eq.behaviour["ann_first"], eq.behaviour["bob_moves"]) for eq in r.equilibria] == [
        ({"out": 1.0, "in": 0.0}, {"stop": 0.5, "go": 0.5}),
        ({"out": 1.0, "in": 0.0}, {"stop": 1.0, "go": 0.0})]
    for eq in r.equilibria:
        assert eq.reached == {"ann_first": True, "bob_moves": False, "ann_second": False}
        assert eq.arbitrary == frozenset({"ann_second"})
        assert eq.behaviour["ann_second"] == {"deal": 0.5, "breakdown": 0.5}  # the uniform completion
        assert dict(eq.expected_payoffs) == {"ann": 1.0, "bob": 1.0} and eq.max_regret == 0
    mixed_off, pure = r.equilibria
    assert (mixed_off.pure, mixed_off.pure_on_path, mixed_off.kind) == (False, True, "pure on its path, mixed off it")
    assert (pure.pure, pure.pure_on_path, pure.kind) == (True, True, "pure")


def _outside_in_gambit():
    """The outside option built directly in pygambit (not through our build_game)."""
    g = gbt.Game.new_tree(players=["ann", "bob"])
    g.append_move(g.root, "ann", ["out", "in"])
    g.root.infoset.label = "ann_first"
    went_in = g.root.children["in"]
    g.append_move(went_in, "bob", ["stop", "go"])
    went_in.infoset.label = "bob_moves"
    second = went_in.children["go"]
    g.append_move(second, "ann", ["deal", "breakdown"])
    second.infoset.label = "ann_second"
    for node, pay in [(g.root.children["out"], (1, 1)), (went_in.children["stop"], (0, 2)),
                      (second.children["deal"], (2, 1)), (second.children["breakdown"], (0, 0))]:
        g.set_outcome(node, g.add_outcome(f"o{len(g.outcomes) + 1}", [F(pay[0]), F(pay[1])]))
    return g


@pytest.mark.parametrize("choice", ["deal", "breakdown"])
def test_any_completion_of_an_open_set_is_the_same_equilibrium(choice):
    """Every pure choice at the open set gives an equilibrium (Gambit's max regret 0) with the
    same payoffs: 'any' and 'pure' are honest."""
    g = _outside_in_gambit()
    for eq in outside_nash().equilibria:
        profile = g.mixed_behavior_profile(rational=True)
        for infoset in g.infosets:
            for action in infoset.actions:
                p = eq.behaviour[infoset.label][action.label]
                if infoset.label in eq.arbitrary:
                    p = 1.0 if action.label == choice else 0.0
                profile[action] = F(p).limit_denominator(100)
        assert profile.max_regret() == 0
        assert [profile.payoff(pl) for pl in g.players] == [1, 1]


def test_subgame_perfection_fixes_the_own_excluded_set():
    eq, = scenarios.load(OUTSIDE).solve(method="spe", top=0).equilibria
    assert eq.behaviour == {"ann_first": {"out": 1.0, "in": 0.0}, "bob_moves": {"stop": 1.0, "go": 0.0},
                            "ann_second": {"deal": 1.0, "breakdown": 0.0}}
    assert eq.reached == {"ann_first": True, "bob_moves": False, "ann_second": False}
    assert eq.arbitrary == frozenset() and eq.pure and eq.kind == "pure"


def test_entry_deterrence_threats_are_unreached_not_open():
    r = scenarios.load("entry-deterrence").solve(method="nash", top=0)
    found = {(eq.behaviour["entry"]["Enter"], eq.behaviour["response"]["Fight (price war)"]):
             (dict(eq.reached), eq.arbitrary, eq.kind, dict(eq.expected_payoffs)) for eq in r.equilibria}
    assert found == {
        (1.0, 0.0): ({"entry": True, "response": True}, frozenset(), "pure", {"entrant": 1.0, "incumbent": 1.0}),
        (0.0, 1.0): ({"entry": True, "response": False}, frozenset(), "pure", {"entrant": 0.0, "incumbent": 2.0}),
        (0.0, 0.5): ({"entry": True, "response": False}, frozenset(), "pure on its path, mixed off it",
                     {"entrant": 0.0, "incumbent": 2.0})}


def test_bluffing_pooling_leaves_the_recognition_moves_open():
    """At the prior 0.4 both kinds of Russia keep the build-up in some equilibria: Russia's own
    choice then rules out its last moves after a recognition, which are open; the West's answer
    to a recognition is unreached but part of the equilibrium."""
    r = scenarios.load("bluffing-2022").solve(method="nash", top=0)
    keep = "Keep the build-up, recognize nothing"
    pooling = [eq for eq in r.equilibria if eq.behaviour["resolved"][keep] == 1 and eq.behaviour["bluffing"][keep] == 1]
    assert pooling
    for eq in pooling:
        assert eq.arbitrary == frozenset({"last_recognition_resolved", "last_recognition_bluffing"})
        assert not eq.reached["west_sees_recognition"] and "west_sees_recognition" not in eq.arbitrary
        assert all(sum(eq.behaviour[name].values()) == pytest.approx(1) for name in eq.behaviour)
    assert len({tuple(sorted((k, tuple(v.items())) for k, v in eq.behaviour.items())) for eq in r.equilibria}) \
        == len(r.equilibria) == 10
    spe, = scenarios.load("bluffing-2022").solve(method="spe", top=0).equilibria
    assert spe.arbitrary == frozenset() and spe.pure  # every last move is a subgame of its own


def test_solve_json_via_the_command_line(cli_process):
    done = cli_process("solve", str(OUTSIDE), "--method", "nash", "--json")
    assert done.returncode == 0, done.stderr
    eqs = json.loads(done.stdout)["equilibria"]
    assert [{k: e[k] for k in ("reached", "arbitrary", "pure", "pure_on_path")} for e in eqs] == [
        {"reached": {"ann_first": True, "bob_moves": False, "ann_second": False}, "arbitrary": ["ann_second"],
         "pure": False, "pure_on_path": True},
        {"reached": {"ann_first": True, "bob_moves": False, "ann_second": False}, "arbitrary": ["ann_second"],
         "pure": True, "pure_on_path": True}]
    assert eqs[1]["behaviour"] == {"ann_first": {"out": 1.0, "in": 0.0}, "bob_moves": {"stop": 1.0, "go": 0.0},
                                   "ann_second": {"deal": 0.5, "breakdown": 0.5}}


def test_solve_text_via_the_command_line(cli_process):
    done = cli_process("solve", str(OUTSIDE), "--method", "nash", "--top", "0")
    assert done.returncode == 0, done.stderr
    flat = " ".join(done.stdout.split())
    for line in ["Equilibrium 1 (pure on its path, mixed off it; largest gain from deviating alone: 0)",
                 "information set actor nodes reached behaviour",
                 "ann_first Ann ann_first yes out", "bob_moves Bob bob_moves no stop 1/2, go 1/2",
                 "ann_second Ann ann_second no any",
                 "Equilibrium 2 (pure; largest gain from deviating alone: 0)", "bob_moves Bob bob_moves no stop",
                 "reached no: play under the equilibrium never gets there",
                 "a Nash equilibrium need not make it a best reply there; --method spe does",
                 "any: the actor's own earlier choices rule the set out"]:
        assert line in flat, line
    spe = cli_process("solve", str(OUTSIDE), "--method", "spe", "--top", "0")
    flat = " ".join(spe.stdout.split())
    assert "ann_second Ann ann_second no deal" in flat and "subgame perfection makes it a best reply" in flat
    assert "any:" not in flat


def test_the_report_marks_unreached_and_open_sets():
    from scenarios.briefing import equilibria

    s = scenarios.load("bluffing-2022")
    game = s.solve(method="nash", top=0)
    k, eq = next((k, eq) for k, eq in enumerate(game.equilibria, 1) if eq.arbitrary)
    rows = {row[0]: row[3:] for row in equilibria.rows(s, eq, game.sets)}
    assert all(rows[name] == ["no", "any"] for name in eq.arbitrary)
    assert rows["resolved"][0] == "yes"
    text = equilibria.intro(game)
    assert "not reached" in text and "\u201cany\u201d" in text
    assert equilibria.equilibrium_lines(s, game, k, eq)[0].startswith(f"Equilibrium {k} is {equilibria.KINDS[eq.kind]}")


#: Ann, not seeing luck, takes 1 or goes in and then picks x or y (both pay her 0), again not
#: seeing luck: her second set spans both branches, so no subgame holds it alone, and her own
#: first choice (out, by hand) rules it out, under spe as under nash.
BLIND = """\
title: A blind second move
actors: {ann: {name: Ann}, bob: {name: Bob}}
nodes:
  luck:
    kind: chance
    branches: [{to: first_a, label: good, p: 0.5}, {to: first_b, label: bad, p: 0.5}]
  first_a:
    {kind: decision, actor: ann, infoset: ann_first, branches: [{to: out_a, label: out}, {to: second_a, label: in}]}
  first_b:
    {kind: decision, actor: ann, infoset: ann_first, branches: [{to: out_b, label: out}, {to: second_b, label: in}]}
  second_a: {kind: decision, actor: ann, infoset: ann_second, branches: [{to: x_a, label: x}, {to: y_a, label: y}]}
  second_b: {kind: decision, actor: ann, infoset: ann_second, branches: [{to: x_b, label: x}, {to: y_b, label: y}]}
  out_a: {kind: outcome, payoffs: {ann: 1, bob: 0}}
  out_b: {kind: outcome, payoffs: {ann: 1, bob: 0}}
  x_a: {kind: outcome, payoffs: {ann: 0, bob: 1}}
  y_a: {kind: outcome, payoffs: {ann: 0, bob: 1}}
  x_b: {kind: outcome, payoffs: {ann: 0, bob: 1}}
  y_b: {kind: outcome, payoffs: {ann: 0, bob: 1}}
"""


@pytest.fixture()
def blind(tmp_path):
    path = tmp_path / "blind.yaml"
    path.write_text(BLIND, encoding="utf-8")
    return path


@pytest.mark.parametrize("method", ["nash", "spe"])
def test_a_set_open_under_subgame_perfection_too(blind, method):
    eq, = scenarios.load(blind).solve(method=method, top=0).equilibria
    assert eq.behaviour["ann_first"] == {"out": 1.0, "in": 0.0}
    assert eq.reached == {"ann_first": True, "ann_second": False} and eq.arbitrary == frozenset({"ann_second"})
    assert eq.pure and eq.kind == "pure"


def test_the_walk_page_and_play_say_an_open_choice_is_open(blind, monkeypatch, capsys):
    from scenarios.cli import main
    from scenarios.export.html import page_data

    nodes = page_data(scenarios.load(blind))["nodes"]
    assert [(nodes[n]["open"], nodes[n]["equilibrium"]) for n in ("first_a", "second_a", "second_b")] == [
        (False, [["out", 1.0]]), (True, []), (True, [])]
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("1\n2\ns\n1\n"))
    assert main(["play", str(blind)]) == 0
    out = " ".join(capsys.readouterr()[0].split())
    assert "The equilibrium leaves this choice open: Ann's own earlier choice rules it out" in out
    assert "the equilibrium leaves this choice open (its own earlier choice rules it out)" in out

"""Equilibria of games with information sets, computed through Gambit (pygambit).

Independent values: textbook games with published equilibria (stripped-down poker,
Reiley, Urbancic and Walker 2008: the first player bets a low card with probability 1/3,
the second calls with 2/3, the game is worth 1/3 to the first; matching pennies at 1/2;
an entry game with a strong or weak incumbent, worked by hand below).  Every solution is
checked in pygambit on a game built here by hand, not by our code: its maximum regret is 0
and its payoffs equal ours.  Perfect-information trees give backward induction's answer.
"""

from __future__ import annotations

import sys
from fractions import Fraction as F

import pytest
from hypothesis import HealthCheck, assume, given, settings

import builders
import scenarios
from builders import DATA
from scenarios.errors import GameError

gbt = pytest.importorskip("pygambit")

POKER = DATA / "valid" / "stripped_down_poker.yaml"
PENNIES = DATA / "valid" / "matching_pennies_simultaneous.yaml"

ENTRY = """
title: Entry against an incumbent of unknown type
actors:
  entrant: {name: Entrant}
  incumbent: {name: Incumbent}
parameters:
  strong: {value: 0.3}
nodes:
  nature:
    kind: chance
    branches:
      - {to: e_strong, label: strong incumbent, p: strong}
      - {to: e_weak, label: weak incumbent, p: rest}
  e_strong:
    kind: decision
    actor: entrant
    infoset: entrant_blind
    branches: [{to: i_strong, label: enter}, {to: out_strong, label: stay out}]
  e_weak:
    kind: decision
    actor: entrant
    infoset: entrant_blind
    branches: [{to: i_weak, label: enter}, {to: out_weak, label: stay out}]
  i_strong:
    kind: decision
    actor: incumbent
    branches: [{to: fight_s, label: fight}, {to: share_s, label: accommodate}]
  i_weak:
    kind: decision
    actor: incumbent
    branches: [{to: fight_w, label: fight}, {to: share_w, label: accommodate}]
  out_strong: {kind: outcome, payoffs: {entrant: 0, incumbent: 3}}
  out_weak: {kind: outcome, payoffs: {entrant: 0, incumbent: 3}}
  fight_s: {kind: outcome, payoffs: {entrant: -1, incumbent: 1}}
  share_s: {kind: outcome, payoffs: {entrant: 1, incumbent: 0}}
  fight_w: {kind: outcome, payoffs: {entrant: -1, incumbent: -1}}
  share_w: {kind: outcome, payoffs: {entrant: 1, incumbent: 1}}
"""


def hand_poker():
    """Stripped-down poker built directly in pygambit (the check's own game)."""
    g = gbt.Game.new_tree(players=["alice", "bob"], title="poker")
    g.append_move(g.root, g.players.chance, ["high", "low"])
    g.set_chance_probs(g.root.infoset, [F(1, 2), F(1, 2)])
    high, low = g.root.children
    g.append_move(high, "alice", ["raise", "fold"])
    g.append_move(low, "alice", ["raise", "fold"])
    high.infoset.label, low.infoset.label = "a_high", "a_low"
    g.append_move(high.children["raise"], "bob", ["meet", "pass"])
    bob = high.children["raise"].infoset
    bob.label = "bob_facing_raise"
    g.append_infoset(low.children["raise"], bob)
    for node, (a, b) in [(high.children["fold"], (-1, 1)), (low.children["fold"], (-1, 1)),
                         (high.children["raise"].children["meet"], (2, -2)),
                         (high.children["raise"].children["pass"], (1, -1)),
                         (low.children["raise"].children["meet"], (-2, 2)),
                         (low.children["raise"].children["pass"], (1, -1))]:
        g.set_outcome(node, g.add_outcome(payoffs=[F(a), F(b)], label=f"o{len(g.outcomes) + 1}"))
    return g


def check_in_gambit(game, equilibrium, players):
    """Our behaviour set into a profile of ``game``: max regret 0 and the same payoffs."""
    profile = game.mixed_behavior_profile(rational=False)
    for infoset in game.infosets:
        if not infoset.is_chance:
            for action in infoset.actions:
                profile[action] = equilibrium.behaviour[infoset.label][action.label]
    assert profile.max_regret() < 1e-7
    for player in players:
        assert abs(float(profile.payoff(player)) - equilibrium.expected_payoffs[player]) < 1e-7


@pytest.mark.parametrize("method", ["nash", "spe", "qre"])
def test_stripped_down_poker_has_its_published_equilibrium(method):
    r = scenarios.load(POKER).solve(method=method)
    assert r.method == method and len(r.equilibria) == 1
    eq = r.equilibria[0]
    tol = 1e-12 if method != "qre" else 1e-6
    assert abs(eq.behaviour["a_low"]["raise"] - 1 / 3) < tol
    assert abs(eq.behaviour["bob_facing_raise"]["meet"] - 2 / 3) < tol
    assert eq.behaviour["a_high"]["raise"] > 1 - tol
    assert abs(eq.expected_payoffs["alice"] - 1 / 3) < tol and abs(eq.expected_payoffs["bob"] + 1 / 3) < tol
    # Bayes: P(high | raise) = (1/2) / (1/2 + 1/2 * 1/3) = 3/4.
    assert eq.beliefs is not None and abs(eq.beliefs["bob_facing_raise"]["b_high"] - 0.75) < tol
    check_in_gambit(hand_poker(), eq, ["alice", "bob"])
    assert abs(r.probability("call_low") - 0.5 * (1 / 3) * (2 / 3)) < tol  # the first one played


def test_matching_pennies_as_a_simultaneous_move():
    r = scenarios.load(PENNIES).solve(method="nash")
    assert len(r.equilibria) == 1
    eq = r.equilibria[0]
    assert eq.behaviour == {"toss": {"heads": 0.5, "tails": 0.5}, "toss_column": {"heads": 0.5, "tails": 0.5}}
    assert eq.expected_payoffs == {"row": 0.0, "column": 0.0} and eq.max_regret == 0
    assert eq.beliefs == {"toss_column": {"toss--1": 0.5, "toss--2": 0.5}}
    assert not eq.pure


@pytest.mark.parametrize(("strong", "enters"), [(0.3, True), (0.7, False)])
def test_entry_with_a_strong_or_weak_incumbent(write, strong, enters):
    """By hand: a strong incumbent fights (1 > 0), a weak one accommodates (1 > -1); the
    entrant, not knowing which, enters iff -strong + (1 - strong) > 0, i.e. strong < 1/2."""
    s = scenarios.load(write(ENTRY))
    for method in ("nash", "spe"):
        r = s.solve(method=method, overrides={"strong": strong})
        eq = r.equilibria[0]
        if method == "spe" or enters:  # off the path a Nash equilibrium may threaten anything
            assert eq.behaviour["i_strong"] == {"fight": 1.0, "accommodate": 0.0}
            assert eq.behaviour["i_weak"] == {"fight": 0.0, "accommodate": 1.0}
        assert eq.behaviour["entrant_blind"]["enter"] == (1.0 if enters else 0.0)
        expected_entrant = (1 - 2 * strong) if enters else 0.0
        assert abs(eq.expected_payoffs["entrant"] - expected_entrant) < 1e-12
        assert abs(eq.expected_payoffs["incumbent"] - (1.0 if enters else 3.0)) < 1e-12
        assert eq.max_regret < 1e-12
        assert eq.beliefs is not None
        assert abs(eq.beliefs["entrant_blind"]["e_strong"] - strong) < 1e-12


#: A coordination game played at once: two pure equilibria and a mixed one.
BATTLE = """
title: Battle of the sexes
actors: {f: {}, m: {}}
nodes:
  meet:
    kind: decision
    actor: f
    simultaneous: {actor: m, options: [ballet, football]}
    branches:
      - {label: ballet, then: {ballet: bb, football: bf}}
      - {label: football, then: {ballet: fb, football: ff}}
  bb: {kind: outcome, payoffs: {f: 2, m: 1}}
  bf: {kind: outcome, payoffs: {f: 0, m: 0}}
  fb: {kind: outcome, payoffs: {f: 0, m: 0}}
  ff: {kind: outcome, payoffs: {f: 1, m: 2}}
"""


def test_nash_lists_every_equilibrium_it_finds(write):
    """A coordination game played at once: two pure equilibria and a mixed one (2/3)."""
    s = scenarios.load(write(BATTLE))
    r = s.solve(method="nash")
    found = sorted(round(e.behaviour["meet"]["ballet"], 9) for e in r.equilibria)
    assert found == [0.0, round(2 / 3, 9), 1.0]
    assert all(e.max_regret < 1e-12 for e in r.equilibria)


def test_three_players_nash_refused_qre_computed(write):
    s = scenarios.load(write("""
title: Three
actors: {a: {}, b: {}, c: {}}
nodes:
  x:
    kind: decision
    actor: a
    branches: [{to: y, label: l}, {to: end1, label: r}]
  y:
    kind: decision
    actor: b
    branches: [{to: z1, label: l}, {to: z2, label: r}]
  z1:
    kind: decision
    actor: c
    infoset: c_blind
    branches: [{to: end2, label: u}, {to: end3, label: d}]
  z2:
    kind: decision
    actor: c
    infoset: c_blind
    branches: [{to: end3, label: u}, {to: end2, label: d}]
  end1: {kind: outcome, payoffs: {a: 1, b: 0, c: 0}}
  end2: {kind: outcome, payoffs: {a: 2, b: 1, c: 1}}
  end3: {kind: outcome, payoffs: {a: 0, b: 0, c: 0}}
"""))
    with pytest.raises(GameError, match="three|3 players.*qre"):
        s.solve(method="nash")
    r = s.solve(method="qre")
    assert r.equilibria[0].max_regret < 1e-6
    spe = s.solve(method="spe")
    assert spe.equilibria[0].max_regret < 1e-6


def test_backward_refused_with_information_sets():
    with pytest.raises(GameError, match="backward induction does not apply"):
        scenarios.load(POKER).solve()


def test_missing_pygambit_names_the_pip_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "pygambit", None)
    with pytest.raises(GameError, match=r"pip install 'scenarios\[games\]'"):
        scenarios.load(POKER).solve(method="nash")


def test_minimising_actor_and_fixed_decision(write):
    """An actor that minimises cost and a fixed decision (a chance move with its p)."""
    s = scenarios.load(write("""
title: Costs
actors: {buyer: {minimize: true}, seller: {}}
nodes:
  start:
    kind: decision
    actor: seller
    fixed: true
    branches: [{to: b1, p: 0.25, label: cheap}, {to: b2, p: 0.75, label: dear}]
  b1:
    kind: decision
    actor: buyer
    infoset: blind
    branches: [{to: o1, label: buy}, {to: o2, label: wait}]
  b2:
    kind: decision
    actor: buyer
    infoset: blind
    branches: [{to: o3, label: buy}, {to: o4, label: wait}]
  o1: {kind: outcome, payoffs: {buyer: 1, seller: 1}}
  o2: {kind: outcome, payoffs: {buyer: 2, seller: 0}}
  o3: {kind: outcome, payoffs: {buyer: 4, seller: 3}}
  o4: {kind: outcome, payoffs: {buyer: 2, seller: 0}}
"""))
    # buy costs 0.25 * 1 + 0.75 * 4 = 3.25, wait costs 2: the buyer waits.
    r = s.solve(method="nash")
    assert r.equilibria[0].behaviour == {"blind": {"buy": 0.0, "wait": 1.0}}
    assert r.expected_payoffs["buyer"] == 2.0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(builders.scenario_data(max_nodes=9, dag=False, max_actors=3))
def test_perfect_information_spe_is_backward_induction(data):
    s = builders.build(data)
    backward = s.solve()
    assume(not backward.ties)
    r = s.solve(method="spe")
    eq = r.equilibria[0]
    for node_id in backward.choices:
        position = backward.choice_branches[node_id]
        label = s.nodes[node_id].branches[position].label
        options = eq.behaviour[node_id]
        assert options[label] > 1 - 1e-9 or sum(1 for b in s.nodes[node_id].branches if b.label == label) > 1
    for actor, value in backward.expected_payoffs.items():
        assert abs(r.expected_payoffs[actor] - value) < 1e-9 * (1 + abs(value))
    assert eq.max_regret < 1e-7


def test_cli_solve_methods(cli_process, tmp_path):
    done = cli_process("solve", str(POKER), "--method", "nash", "--top", "0")
    assert done.returncode == 0, done.stderr
    assert "raise 1/3, fold 2/3" in done.stdout and "meet 2/3, pass 1/3" in done.stdout
    done = cli_process("solve", str(POKER))
    assert done.returncode == 1 or "Nash" in done.stdout
    done = cli_process("solve", str(POKER), "--method", "backward")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "backward induction does not apply" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    done = cli_process("solve", str(PENNIES), "--json")
    import json
    data = json.loads(done.stdout)
    assert data["mode"] == "equilibrium" and data["equilibria"][0]["behaviour"]["toss_column"]["heads"] == 0.5


@pytest.mark.parametrize("argv, phrase", [
    (["export", "{P}", "--to", "whatif", "-o", "{T}/w.html"], "what-if page solves by backward induction"),
    (["export", "{P}", "--to", "dot", "--results", "-o", "{T}/x.dot"], "backward induction does not apply"),
    (["simulate", "{P}", "--uncertainty"], "backward induction does not apply"),
    (["threshold", "{P}", "--node", "a_low", "--param", "deal.a_high", "--range", "deal.a_high=0.2:0.8"],
     "backward induction does not apply"),
    (["compare", "{P}", "{P}"], "backward induction does not apply"),
])
def test_features_that_assume_perfect_information_refuse_in_one_line(cli, tmp_path, argv, phrase):
    args = [a.replace("{P}", str(POKER)).replace("{T}", str(tmp_path)) for a in argv]
    status, out, err = cli(*args)
    assert status == 1 and phrase in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_belief_mode_features_work_with_information_sets(cli, tmp_path):
    assert cli("evaluate", str(POKER))[0] == 0
    status, out, _ = cli("timeline", str(POKER))  # belief mode by date; no solved path to follow
    assert status == 0 and "backward induction does not apply" in " ".join(out.split())
    assert cli("sensitivity", str(POKER), "--range", "deal.a_high=0.2:0.8")[0] == 0
    status, out, _ = cli("export", str(POKER), "--to", "json", "--results")
    import json
    assert status == 0 and json.loads(out)["solve"]["mode"] == "equilibrium"


def test_report_states_every_equilibrium(tmp_path, write):
    from scenarios.briefing.pack import write_report

    poker = write_report(scenarios.load(POKER), tmp_path / "poker")
    text = poker.markdown.read_text(encoding="utf-8")
    assert "raise 1/3, fold 2/3" in text and "meet 2/3, pass 1/3" in text
    assert "Beliefs at bob\\_facing\\_raise" in text and "b\\_high 3/4, b\\_low 1/4" in text
    battle = scenarios.load(write(BATTLE, "battle.yaml"))
    text = write_report(battle, tmp_path / "battle").markdown.read_text(encoding="utf-8")
    assert "3 equilibria found" in text and "### Equilibrium 3" in text
    assert "ballet 2/3, football 1/3" in text  # the mixed one

"""Gambit's .efg format: exports checked by pygambit, imports of games of perfect information.

pygambit is the judge: it reads what we write, and we compare its players, terminal
payoffs and chance probabilities with ``tests/reference.py`` (which evaluates the plain
scenario data independently).  The strategic profile our ``solve`` returns is handed to
pygambit as a pure behaviour profile; pygambit's own numbers must say it is a
subgame-perfect equilibrium: no player gains by deviating at any node (``node_value``,
the one-shot deviation principle for finite games of perfect information), its
``agent_max_regret`` and (where the strategy space is small enough to enumerate)
``max_regret`` are zero, and its payoffs equal our expected payoffs.  pygambit's own
subgame-perfect solver was removed in 16.5, so this is how we agree with it.
"""

from __future__ import annotations

import io
import math
import re
import warnings
from fractions import Fraction
from pathlib import Path

import pygambit as gbt
import pytest
from hypothesis import given, settings

import scenarios
from builders import build
from reference import Reference
from scenarios.errors import ScenarioFileError, ScenarioWarning
from scenarios.export import efg
from scenarios.io.efg_import import load_efg, loads_efg, parse_efg
from test_dump import documents

INTEROP = Path(__file__).parent / "data" / "interop"
BUNDLED = scenarios.bundled_names()
TOL = 1e-9
#: Enumerate pure strategies for max_regret only when a player has at most this many.
MAX_STRATEGIES = 4096


def bundled(name: str) -> scenarios.Scenario:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        return scenarios.load(name)


def read(text: str) -> gbt.Game:
    return gbt.read_efg(io.StringIO(text))


def preorder(game: gbt.Game):
    """Gambit's nodes depth first, children in action order (as the file lists them)."""
    stack = [game.root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(list(node.children)))


def node_id(gambit_node) -> str:
    return gambit_node.label.split("#")[0]


# -- export ---------------------------------------------------------------------------------------
def check_game(s: scenarios.Scenario, game: gbt.Game) -> None:
    """Players, structure, chance probabilities and terminal payoffs against the reference."""
    ref = Reference(s.to_dict())
    players = list(game.players)
    assert len(players) == len(s.actors)
    labels = [p.label for p in players]
    assert len(set(labels)) == len(labels) and all(labels)
    for label, actor in zip(labels, s.actors.values(), strict=False):
        name = " ".join(actor.name.split())
        if name.isascii() and name.isprintable() and "\\" not in name and labels.count(name) == 1:
            assert label == name
    actor_of = {key: players[i] for i, key in enumerate(s.actors)}
    # The reference enumerates root-to-outcome paths depth first in branch order, which is
    # the order of Gambit's terminal nodes.
    paths = ref.all_paths()
    terminals = [n for n in preorder(game) if n.is_terminal]
    assert len(terminals) == len(paths)
    for gnode, path in zip(terminals, paths, strict=False):
        assert node_id(gnode) == path.nodes[-1]
        for key, player in actor_of.items():
            assert float(gnode.outcome[player]) == pytest.approx(path.payoffs[key], abs=TOL)
    for gnode in preorder(game):
        if gnode.is_terminal:
            continue
        node = s.nodes[node_id(gnode)]
        actions = list(gnode.infoset.actions)
        assert len(actions) == len(node.branches)
        if gnode.player.is_chance:
            assert node.kind == "chance" or node.fixed
            probabilities = [Fraction(str(a.prob)) for a in actions]
            assert sum(probabilities) == 1  # exactly, as Gambit requires
            assert [float(q) for q in probabilities] == pytest.approx(ref.p[node.id], abs=1e-12)
        else:
            assert node.kind == "decision" and not node.fixed
            assert gnode.player == actor_of[node.actor]
            assert len(list(gnode.infoset.members)) == 1  # perfect information


def strategy_count(player) -> int:
    return math.prod(len(list(i.actions)) for i in player.infosets)


def check_equilibrium(s: scenarios.Scenario, game: gbt.Game) -> None:
    """Our solve() profile is subgame perfect by pygambit's own arithmetic."""
    solved = s.solve()
    profile = game.mixed_behavior_profile(rational=True)
    for infoset in game.infosets:
        if infoset.player.is_chance:
            continue
        (member,) = list(infoset.members)
        node = s.nodes[node_id(member)]
        chosen = [b.to for b in node.branches].index(solved.choices[node.id])
        profile[infoset] = [1 if i == chosen else 0 for i in range(len(node.branches))]
    for gnode in preorder(game):  # one-shot deviations, at every node, reached or not
        if gnode.is_terminal or gnode.player.is_chance:
            continue
        values = [float(profile.node_value(gnode.player, child)) for child in gnode.children]
        picked = [float(profile[a]) for a in gnode.infoset.actions].index(1.0)
        assert max(values) - values[picked] <= TOL * (1 + abs(max(values))), gnode.label
    assert float(profile.agent_max_regret()) <= TOL
    if all(strategy_count(p) <= MAX_STRATEGIES for p in game.players):
        assert float(profile.max_regret()) <= TOL
    for player, key in zip(game.players, s.actors, strict=False):
        assert float(profile.payoff(player)) == pytest.approx(solved.expected_payoffs[key], abs=TOL)


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_scenarios_export_to_games_pygambit_reads(name):
    s = bundled(name)
    game = read(efg.export(s))
    assert game.title == " ".join(s.title.split())
    if not s.perfect_information:  # bluffing-2022: each named set is one Gambit information set
        shared = {i.label: sorted(n.label for n in i.members) for p in game.players for i in p.infosets
                  if len(i.members) > 1}
        assert shared == {k: sorted(v) for k, v in s.infosets.items()}
        return
    check_game(s, game)
    check_equilibrium(s, game)


@settings(max_examples=40)
@given(documents())
def test_random_scenarios_export_to_games_pygambit_reads(data):
    s = build(data)
    game = read(efg.export(s))
    check_game(s, game)
    check_equilibrium(s, game)


def test_entry_deterrence_by_hand():
    # Selten's chain-store stage game; SPE (enter, accommodate) with payoffs (1, 1), and
    # "stay out, fight" is a Nash equilibrium that is not subgame perfect: pygambit's
    # regret is zero for it, but the incumbent gains 2 by deviating at 'response'.
    s = bundled("entry-deterrence")
    game = read(efg.export(s))
    assert [p.label for p in game.players] == ["Entrant", "Incumbent"]
    assert [(n.label, [float(n.outcome[p]) for p in game.players])
            for n in preorder(game) if n.is_terminal] == [
        ("stay_out", [0, 2]), ("war", [-1, -1]), ("share", [1, 1])]
    check_equilibrium(s, game)
    nash = game.mixed_behavior_profile(rational=True)
    entrant, incumbent = game.players
    nash[list(entrant.infosets)[0]] = [1, 0]
    nash[list(incumbent.infosets)[0]] = [1, 0]
    assert nash.max_regret() == 0
    response = next(n for n in preorder(game) if n.label == "response")
    assert nash.node_value(incumbent, list(response.children)[1]) - \
        nash.node_value(incumbent, list(response.children)[0]) == 2


def test_accrued_payoffs_are_folded_into_outcomes():
    # Oil wildcatter (Raiffa 1968, simplified in the bundled file): drilling now costs 70
    # on the branch, so the terminal 'wet' carries 120 - 70 = 50.
    game = read(efg.export(bundled("oil-wildcatter")))
    outcome = {n.label: float(n.outcome[list(game.players)[0]]) for n in preorder(game) if n.is_terminal}
    assert outcome["wet"] == 50 and outcome["soaking"] == 200 and outcome["dry"] == -70
    assert outcome["fav_wet"] == 120 - 10 - 70  # test cost, then drilling cost


def test_fixed_decisions_become_chance_moves_with_the_belief_weights():
    s = build({"title": "Fixed", "actors": {"a": {"name": "A"}, "b": {"name": "B"}}, "nodes": {
        "first": {"kind": "decision", "actor": "a", "branches": [{"to": "second"}, {"to": "out"}]},
        "second": {"kind": "decision", "actor": "b", "fixed": True, "branches": [
            {"to": "x", "p": 0.25}, {"to": "y", "p": "rest"}]},
        "out": {"kind": "outcome", "payoffs": {"a": 1}},
        "x": {"kind": "outcome", "payoffs": {"a": 4, "b": 1}},
        "y": {"kind": "outcome", "payoffs": {"a": 0, "b": 3}},
    }})
    text = efg.export(s)
    assert 'c "second" 1 "second" { "x" 1/4 "y" 3/4 } 0' in text
    game = read(text)
    assert len(list(list(game.players)[1].infosets)) == 0  # B never moves strategically
    # A: second is worth 0.25*4 + 0.75*0 = 1, a tie with 'out' (1): the first listed wins.
    assert s.solve().choices == {"first": "second"}
    check_equilibrium(s, game)


def test_probabilities_are_exact_rationals_summing_to_one():
    s = build({"title": "Thirds", "actors": {"u": {}}, "parameters": {"third": "1/3"}, "nodes": {
        "c": {"kind": "chance", "branches": [{"to": "a", "p": "third"}, {"to": "b", "p": "third"},
                                              {"to": "d", "p": "rest"}]},
        "a": {"kind": "outcome", "payoffs": {"u": "third"}}, "b": {"kind": "outcome"},
        "d": {"kind": "outcome", "payoffs": {"u": 0.1}}}})
    text = efg.export(s)
    assert '{ "a" 1/3 "b" 1/3 "d" 1/3 }' in text  # 1 - 2/3 in floats is not 1/3, but stands for it
    assert 't "a" 1 "a" { 1/3 }' in text and 't "d" 3 "d" { 0.1 }' in text
    game = read(text)
    assert [a.prob for a in game.root.infoset.actions] == [gbt.Rational(1, 3)] * 3


def test_a_dag_is_unfolded_into_a_tree():
    data = {"title": "Diamond", "actors": {"u": {}}, "nodes": {
        "root": {"kind": "chance", "branches": [{"to": "left", "p": 0.4}, {"to": "mid", "p": 0.6}]},
        "left": {"kind": "decision", "actor": "u", "branches": [{"to": "mid"}, {"to": "out"}]},
        "mid": {"kind": "decision", "actor": "u", "payoffs": {"u": 1}, "branches": [
            {"to": "good"}, {"to": "out"}]},
        "good": {"kind": "outcome", "payoffs": {"u": 5}}, "out": {"kind": "outcome"}}}
    s = build(data)
    # Paths to each node: root 1, left 1, mid 2, good 2, out 3 -> 9 tree nodes.
    assert efg.tree_size(s) == 9
    game = read(efg.export(s))
    labels = [n.label for n in preorder(game)]
    assert labels == ["root", "left", "mid", "good", "out", "out#2", "mid#2", "good#2", "out#3"]
    assert len(list(list(game.players)[0].infosets)) == 3  # left, mid, mid#2: one each
    check_game(s, game)
    check_equilibrium(s, game)


def test_a_dag_too_large_to_unfold_is_refused():
    nodes = {}
    for i in range(40):  # a ladder of 40 diamonds: 2**40 paths
        nxt = f"n{i + 1}" if i < 39 else "end"
        nodes[f"n{i}"] = {"kind": "chance", "branches": [{"to": f"a{i}", "p": 0.5}, {"to": f"b{i}", "p": 0.5}]}
        nodes[f"a{i}"] = {"kind": "chance", "branches": [{"to": nxt, "p": 1}]}
        nodes[f"b{i}"] = {"kind": "chance", "branches": [{"to": nxt, "p": 1}]}
    nodes["end"] = {"kind": "outcome"}
    s = build({"title": "Ladder", "nodes": nodes})
    assert efg.tree_size(s) > 2**40
    with pytest.raises(efg.EfgSizeError, match="unfolding"):
        efg.export(s)


def test_labels_with_quotes_backslashes_and_repeats():
    s = build({"title": 'A "quoted" title \\ here', "actors": {"a": {"name": 'Ms "A"'}, "b": {"name": 'Ms "A"'}},
               "nodes": {"d": {"kind": "decision", "actor": "a", "label": "Pick \\ one", "branches": [
                   {"to": "x", "label": "Same"}, {"to": "y", "label": "Same"}, {"to": "z", "label": ""}]},
                   "x": {"kind": "outcome", "label": "End"}, "y": {"kind": "outcome", "label": "End"},
                   "z": {"kind": "outcome", "label": "End"}}})
    game = read(efg.export(s))
    assert game.title == 'A "quoted" title / here'
    assert [p.label for p in game.players] == ['Ms "A" (a)', 'Ms "A" (b)']
    assert [a.label for a in game.root.infoset.actions] == ["Same (x)", "Same (y)", "z"]  # '' -> id
    assert sorted(o.label for o in game.outcomes) == ["End", "End #2", "End #3"]


def test_export_under_overrides():
    s = bundled("entry-deterrence")
    game = read(efg.export(s, overrides={"response.war": 0.2}))
    # Beliefs do not enter the game (decisions are strategic); the file is unchanged.
    assert efg.export(s, overrides={"response.war": 0.2}) == efg.export(s)
    assert len(list(game.players)) == 2


# -- import --------------------------------------------------------------------------------------
def test_import_of_a_hand_made_game():
    s = load_efg(INTEROP / "entry-with-demand.efg")
    assert s.id == "entry-with-demand" and s.title == "Entry with uncertain demand"
    assert [a.name for a in s.actors.values()] == ["Entrant", 'Incumbent "the firm"']
    assert s.nodes["demand"].kind == "chance" and s.nodes["enter_h"].actor == "entrant"
    assert str(s.nodes["demand"].branches[0].p) == "2/3"
    assert s.nodes["retest"].branches[1].label == "Low"  # actions of a reused chance infoset
    # By hand (entering costs 1/2, accrued at fight_h / fight_l):
    #   high demand: fight -1 < share 1.5 -> share; enter -1/2 + 2.5 = 2 > 0 -> enter.
    #   low demand: share is worth 2/3*1/3 = 2/9 > -1 -> share; enter -1/2 + 2/3*1 = 1/6 > 0.
    #   entrant 2/3*2 + 1/3*1/6 = 25/18; incumbent 2/3*1.5 + 1/3*2/9 = 29/27.
    solved = s.solve()
    assert solved.expected_payoffs["entrant"] == pytest.approx(25 / 18, abs=1e-12)
    assert solved.expected_payoffs["incumbent_the_firm"] == pytest.approx(29 / 27, abs=1e-12)
    # Belief mode, decisions 1/2 each: high 1/2*(-1/2 + 1/2*-1 + 1/2*2.5) = 1/8,
    # low 1/2*(-1/2 + 1/2*-1 + 1/2*2/3) = -1/3; 2/3*1/8 - 1/3*1/3 = -1/36.
    assert s.evaluate().expected_payoffs["entrant"] == pytest.approx(-1 / 36, abs=1e-12)


def test_imported_game_agrees_with_pygambit_reading_the_same_file():
    path = INTEROP / "entry-with-demand.efg"
    s = load_efg(path)
    game = gbt.read_efg(str(path))
    check_equilibrium(s, read(efg.export(s)))
    # The same profile, built on pygambit's reading of the original file.
    solved = s.solve()
    profile = game.mixed_behavior_profile(rational=True)
    for infoset in game.infosets:
        if not infoset.player.is_chance:
            (member,) = list(infoset.members)
            chosen = [b.to for b in s.nodes[member.label].branches].index(solved.choices[member.label])
            profile[infoset] = [1 if i == chosen else 0 for i in range(len(list(infoset.actions)))]
    assert profile.payoff(list(game.players)[0]) == gbt.Rational(25, 18)
    assert profile.payoff(list(game.players)[1]) == gbt.Rational(29, 27)
    assert profile.max_regret() == 0


def test_import_of_a_game_written_by_pygambit():
    g = gbt.Game.new_tree(players=["Alice", "Bob"], title="Built in pygambit")
    g.append_move(g.root, g.players.chance, ["heads", "tails"])
    g.set_chance_probs(g.root.infoset, [gbt.Rational(1, 3), gbt.Rational(2, 3)])
    heads, tails = list(g.root.children)
    g.append_move(heads, "Alice", ["stop", "go"])
    g.append_move(tails, "Bob", ["left", "right"])
    stop, go = list(heads.children)
    g.set_outcome(stop, g.add_outcome("stopped", [1, 0]))
    g.append_move(go, "Bob", ["x", "y"])
    gx, gy = list(go.children)
    g.set_outcome(gx, g.add_outcome("gx", [gbt.Rational(5, 2), -1]))
    g.set_outcome(gy, g.add_outcome("gy", [0, 3]))
    left, right = list(tails.children)
    g.set_outcome(left, g.add_outcome("tl", [gbt.Decimal("0.1"), 2]))
    g.set_outcome(right, g.add_outcome("tr", [2, gbt.Rational(1, 7)]))
    g.set_outcome(tails, g.add_outcome("toll", [1, 1]))
    s = loads_efg(g.to_efg(), id="pygambit-game")
    # By hand: after go, Bob takes y (3 > -1), so Alice gets 0 < 1 and stops: heads gives
    # (1, 0).  After tails (toll (1, 1) accrued) Bob takes left (2 > 1/7): (1.1, 3).
    # Alice: 1/3*1 + 2/3*1.1 = 16/15; Bob: 1/3*0 + 2/3*3 = 2.
    solved = s.solve()
    assert list(solved.expected_payoffs.values()) == pytest.approx([16 / 15, 2], abs=1e-12)
    check_equilibrium(s, read(efg.export(s)))


@pytest.mark.parametrize("name", BUNDLED)
def test_export_then_import_keeps_every_result(name):
    s = bundled(name)
    again = loads_efg(efg.export(s))
    method = None if s.perfect_information else "spe"  # information sets (bluffing-2022): an equilibrium
    a, b = s.solve(method=method), again.solve(method=method)
    assert list(b.expected_payoffs.values()) == pytest.approx(list(a.expected_payoffs.values()), abs=TOL)
    # The same outcomes are reached as often (copies of shared outcomes added up by label).
    def by_label(result):
        totals = {}
        for row in result.outcomes:
            label = re.sub(r" #\d+$", "", row.label)
            totals[label] = totals.get(label, 0.0) + row.probability
        return totals

    expected = by_label(a)
    assert by_label(b) == pytest.approx(expected, abs=TOL)


@settings(max_examples=30)
@given(documents())
def test_export_then_import_of_random_scenarios(data):
    s = build(data)
    again = loads_efg(efg.export(s))
    a, b = s.solve(), again.solve()
    assert list(b.expected_payoffs.values()) == pytest.approx(list(a.expected_payoffs.values()), abs=TOL)
    ea, eb = s.evaluate(), again.evaluate()
    fixed_or_chance = all(n.kind != "decision" or n.fixed for n in s.nodes.values())
    if fixed_or_chance:  # no strategic decision: belief mode is the same game
        assert list(eb.expected_payoffs.values()) == pytest.approx(list(ea.expected_payoffs.values()), abs=TOL)


def test_imperfect_information_is_read_as_information_sets():
    s = load_efg(INTEROP / "matching-pennies.efg")
    (name, members), = s.infosets.items()
    assert name == "column" and len(members) == 2  # named by the set's label
    assert all(s.nodes[m].actor == "column" for m in members)
    eq = s.solve(method="nash").equilibria[0]
    assert eq.behaviour[name] == {"Heads": 0.5, "Tails": 0.5}


def test_a_game_without_perfect_recall_is_refused_at_its_node():
    with pytest.raises(ScenarioFileError) as excinfo:
        load_efg(INTEROP / "forgetful.efg")
    (d,) = excinfo.value.diagnostics
    assert (d.code, d.line, d.col) == ("infoset", 6, 1)
    assert "comes after node" in d.message and "forget its own move" in d.message


HEADER = 'EFG 2 R "G" { "A" "B" }\n""\n'
MALFORMED = [
    ("not a game", "hello", 1, 1, "must start with 'EFG 2 R'"),
    ("version", 'EFG 3 R "G" { }', 1, 5, "unsupported .efg version"),
    ("players unclosed", 'EFG 2 R "G" { "A" 1', 1, 19, "'}' closing the list of players"),
    ("unclosed quote", HEADER + 'p "root 1 1 "" { "l" } 0\n', 3, 20, "never closed"),
    ("bad node type", HEADER + 'x "" 1 1\n', 3, 1, "expected a node"),
    ("player out of range", HEADER + 'p "" 3 1 "" { "l" } 0\n', 3, 6, "player 3 does not exist"),
    ("bad probability", HEADER + 'c "" 1 "" { "h" half "t" 1/2 } 0\n', 3, 17, "probability of action 'h'"),
    ("probability sum", HEADER + 'c "" 1 "" { "h" 1/2 "t" 1/3 } 0\nt "" 1 "" { 0, 0 }\nt "" 2 "" { 0, 0 }\n',
     3, 1, "sum to 5/6"),
    ("probability range", HEADER + 'c "" 1 "" { "h" 3/2 "t" -1/2 } 0\n', 3, 17, "outside [0, 1]"),
    ("payoff count", HEADER + 't "" 1 "o" { 1 }\n', 3, 6, "1 payoff(s); the game has 2"),
    ("outcome without payoffs", HEADER + 't "" 1 "o"\n', 3, 6, "without its payoffs"),
    ("infoset without actions", HEADER + 'p "" 1 1 "" 0\n', 3, 8, "without its list of actions"),
    ("truncated", (INTEROP / "truncated.efg").read_text(), 6, 1, "still needs 1 more child"),
    ("extra node", HEADER + 't "" 1 "o" { 1, 2 }\nt "" 2 "o2" { 1, 2 }\n', 4, 1, "extra node"),
    ("no nodes", HEADER, 3, 1, "no nodes"),
    ("changed actions", HEADER + 'p "" 1 1 "" { "l" "r" } 0\np "" 2 1 "" { "a" } 0\nt "" 1 "" { 0, 0 }\n'
     'p "" 2 1 "" { "b" } 0\nt "" 2 "" { 0, 0 }\n', 6, 8, "different actions"),
]


@pytest.mark.parametrize("text, line, col, phrase", [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_malformed_files_are_reported_with_their_position(text, line, col, phrase):
    with pytest.raises(ScenarioFileError) as excinfo:
        parse_efg(text, "game.efg")
    (d,) = excinfo.value.diagnostics
    assert phrase in d.message
    assert (d.file, d.line, d.col) == ("game.efg", line, col)
    assert str(d).startswith(f"game.efg:{line}:{col}: error: ")


# -- the command, as a user runs it -----------------------------------------------------------------
def test_cli_import_writes_a_scenario_that_loads(cli_process, tmp_path):
    target = tmp_path / "game.yaml"
    out = cli_process("import", str(INTEROP / "entry-with-demand.efg"), "-o", str(target))
    assert out.returncode == 0, out.stderr
    assert out.stdout == "" and "wrote" in out.stderr
    s = scenarios.load(target)
    assert s.id == "game" and s.solve().expected_payoffs["entrant"] == pytest.approx(25 / 18)
    # Refuses to overwrite the scenario it just wrote, unless --force.
    out = cli_process("import", str(INTEROP / "entry-with-demand.efg"), "-o", str(target))
    assert out.returncode == 1 and "refusing to overwrite" in out.stderr
    assert cli_process("import", str(INTEROP / "entry-with-demand.efg"), "-o", str(target), "--force").returncode == 0


def test_cli_import_to_standard_output(cli_process):
    out = cli_process("import", str(INTEROP / "entry-with-demand.efg"))
    assert out.returncode == 0, out.stderr
    assert scenarios.loads(out.stdout) == load_efg(INTEROP / "entry-with-demand.efg")


@pytest.mark.parametrize("name, phrase", [
    ("forgetful.efg", "forget its own move"),
    ("truncated.efg", "before the tree is complete"),
    ("missing.efg", "cannot read the file"),
])
def test_cli_import_errors_exit_1_and_write_nothing(cli_process, tmp_path, name, phrase):
    out = cli_process("import", str(INTEROP / name), "-o", str(tmp_path / "out.yaml"))
    assert out.returncode == 1
    assert phrase in out.stderr and "Traceback" not in out.stderr
    assert out.stdout == "" and list(tmp_path.iterdir()) == []


def test_cli_import_refuses_other_formats(cli_process, tmp_path):
    path = tmp_path / "game.nfg"
    path.write_text("NFG 1 R \"x\" { } { }\n", encoding="utf-8")
    out = cli_process("import", str(path))
    assert out.returncode == 1 and ".efg" in out.stderr


def test_cli_export_efg_opens_in_pygambit(cli_process, tmp_path):
    target = tmp_path / "donbas.efg"
    out = cli_process("export", "donbas-recognition-2022", "--to", "efg", "-o", str(target))
    assert out.returncode == 0, out.stderr
    game = gbt.read_efg(str(target))
    assert [p.label for p in game.players] == ["Russia (Putin)", "The West (US and allies)", "Ukraine"]


# -- information sets: Gambit's own catalogue and round trips -----------------------------------
def _catalogue() -> list[Path]:
    return sorted((Path(gbt.__file__).parent / "catalog_data").rglob("*.efg"))


@pytest.mark.parametrize("path", _catalogue(), ids=lambda p: p.stem)
def test_gambit_catalogue_games_import_exactly_when_they_have_perfect_recall(path):
    """Every game of the catalogue that ships with pygambit: imported iff Gambit says it has
    perfect recall; then our equilibria include the one Gambit's LCP finds, with its payoffs."""
    game = gbt.read_efg(str(path))
    if not game.is_perfect_recall:
        with pytest.raises(ScenarioFileError) as excinfo:
            load_efg(path)
        assert {d.code for d in excinfo.value.diagnostics} <= {"infoset", "perfect-recall"}
        return
    s = load_efg(path)
    if len(game.players) > 2:
        r = s.solve(method="qre")
        assert r.equilibria[0].max_regret < 1e-6
        return
    r = s.solve(method="nash")
    ours = [tuple(round(v, 6) for v in e.expected_payoffs.values()) for e in r.equilibria]
    first = gbt.nash.lcp_solve(game, rational=False).equilibria[0]
    assert tuple(round(float(first.payoff(p)), 6) for p in game.players) in ours
    assert all(e.max_regret < 1e-9 for e in r.equilibria)


def test_reiley_poker_from_the_catalogue_has_its_published_equilibrium():
    path = next((p for p in _catalogue() if p.parent.name == "reiley2008"), None)
    if path is None:  # pragma: no cover
        pytest.skip("pygambit's catalogue is not installed")
    eq = load_efg(path).solve(method="nash").equilibria[0]
    professor = {k: v for k, v in eq.behaviour.items() if abs(v.get("Bet", 0) - 1 / 3) < 1e-9}
    assert len(professor) == 1  # the Queen is bet with probability 1/3 (the King always)
    assert any(abs(v.get("Call", 0) - 2 / 3) < 1e-9 for v in eq.behaviour.values())
    assert eq.expected_payoffs == pytest.approx({"professor": 1 / 3, "student": -1 / 3})


@pytest.mark.parametrize("name", ["stripped_down_poker.yaml", "matching_pennies_simultaneous.yaml"])
def test_information_sets_round_trip_through_efg(name):
    s = scenarios.load(INTEROP.parent / "valid" / name)
    text = efg.export(s)
    assert gbt.read_efg(io.StringIO(text)).is_perfect_recall
    again = loads_efg(text)
    assert dict(again.infosets).keys() == dict(s.infosets).keys()
    a, b = s.solve(method="nash"), again.solve(method="nash")
    assert [e.expected_payoffs for e in a.equilibria] == [e.expected_payoffs for e in b.equilibria]
    assert [dict(e.behaviour) for e in a.equilibria] == [dict(e.behaviour) for e in b.equilibria]

"""The bundled bluffing game (scenarios/bluffing-2022.yaml, docs/bluffing.md): its equilibria
worked out by hand, checked independently in pygambit, and what a student sees at the West's
information sets in ``play`` (the browser page: tests/test_bluffing_browser.py).

The hand analysis (docs/bluffing.md).  Payoffs (Russia, West) after each action and answer,
recognition's cost included (1 for a resolved Russia, 7 for one that is not):

    resolved:  keep: deal (4,-3)  war (0,-7)   back down (-4,3)
               recog: deal (3,-3) war (1,-7)   back down (-5,3)
    bluffing:  keep: deal (4,-3)  war (-6,-7)  back down (-2,3)
               recog: deal (-3,-3) war (-11,-7) back down (-9,3)

After a firm answer a resolved Russia attacks (0 > -4, 1 > -5) and one that is not backs down
(-2 > -6, -9 > -11).  So the West, believing Russia resolved with probability q, gets -3 by
accommodating and 3 - 10q by standing firm: it accommodates iff q >= 3/5 (the threshold).
A Russia that is not resolved always keeps the build-up (its worst there, -2, beats its best
after recognizing, -3).  Then with prior p:

* separating (every p): a resolved Russia recognizes, the West accommodates recognition
  (q = 1) and stands firm against the build-up (q = 0); payoffs Russia 5p - 2, West 3 - 6p;
* pooling (p >= 3/5 only): both keep the build-up and the West accommodates it (q = p);
  payoffs Russia 4, West -3;
* hybrid (p >= 3/5): a resolved Russia keeps the build-up with probability 3(1 - p)/(2p), so
  that q = 3/5 after it, and the West accommodates the build-up with probability 3/4, so that
  a resolved Russia is indifferent (4 * 3/4 = 3); payoffs Russia 5/2 + p/2, West -3.
"""

from __future__ import annotations

import io
import sys
from fractions import Fraction as F

import pytest

import scenarios
from scenarios.cli import main
from scenarios.walk import Walk

THRESHOLD = F(3, 5)
TYPES, ACTIONS = ("resolved", "bluffing"), ("keep", "recog")
#: (type, action, answer[, last move]) -> (Russia, West), recognition's cost included.
PAYOFFS = {
    ("resolved", "keep", "acc"): (4, -3), ("resolved", "keep", "firm", "attack"): (0, -7),
    ("resolved", "keep", "firm", "back"): (-4, 3), ("resolved", "recog", "acc"): (3, -3),
    ("resolved", "recog", "firm", "attack"): (1, -7), ("resolved", "recog", "firm", "back"): (-5, 3),
    ("bluffing", "keep", "acc"): (4, -3), ("bluffing", "keep", "firm", "attack"): (-6, -7),
    ("bluffing", "keep", "firm", "back"): (-2, 3), ("bluffing", "recog", "acc"): (-3, -3),
    ("bluffing", "recog", "firm", "attack"): (-11, -7), ("bluffing", "recog", "firm", "back"): (-9, 3),
}
#: The scenario's outcome node for each key of PAYOFFS.
OUTCOME = {"acc": "deal", "attack": "war", "back": "backdown"}
ACTION_WORD = {"keep": "buildup", "recog": "recognition"}


def outcome_id(key) -> str:
    t, m, *rest = key
    return f"{OUTCOME[rest[-1]]}_{ACTION_WORD[m]}_{t}"


def by_hand(family: str, p: F) -> dict:
    """Behaviour and payoffs of each equilibrium family at prior p (module docstring)."""
    if family == "separating":
        return {"recog": {"resolved": 1, "bluffing": 0}, "acc": {"keep": 0, "recog": 1},
                "russia": 5 * p - 2, "west": 3 - 6 * p}
    if family == "pooling":
        return {"recog": {"resolved": 0, "bluffing": 0}, "acc": {"keep": 1, "recog": None},
                "russia": F(4), "west": F(-3)}
    keep = F(3) * (1 - p) / (2 * p)
    return {"recog": {"resolved": 1 - keep, "bluffing": 0}, "acc": {"keep": F(3, 4), "recog": 1},
            "russia": F(5, 2) + p / 2, "west": F(-3)}


def families(p: F) -> list[str]:
    return ["separating"] + (["pooling", "hybrid"] if p >= THRESHOLD else [])


# -- the file says what the hand analysis assumes ----------------------------------------------------
def test_the_file_has_the_payoffs_of_the_hand_analysis():
    s = scenarios.load("bluffing-2022")
    paths = {row.nodes[-1]: row for row in s.evaluate(top=100).paths}  # payoffs accrued along each path
    assert len(paths) == len(PAYOFFS) == 12
    for key, (russia, west) in PAYOFFS.items():
        assert dict(paths[outcome_id(key)].payoffs) == {"russia": russia, "west": west}, key
    assert dict(s.infosets) == {
        "west_sees_buildup": ("west_buildup_resolved", "west_buildup_bluffing"),
        "west_sees_recognition": ("west_recognition_resolved", "west_recognition_bluffing")}
    assert s.evaluate(top=0).parameters["p_resolved"] == 0.4


def test_the_threshold_by_hand():
    # accommodate: -3; firm: q(-7) + (1 - q)3; equal at q = 6/10
    q = THRESHOLD
    assert -3 == q * -7 + (1 - q) * 3
    assert all(PAYOFFS[(t, m, "firm", "attack")][0] > PAYOFFS[(t, m, "firm", "back")][0]
               for t in ("resolved",) for m in ACTIONS)
    assert all(PAYOFFS[(t, m, "firm", "attack")][0] < PAYOFFS[(t, m, "firm", "back")][0]
               for t in ("bluffing",) for m in ACTIONS)
    # a Russia that is not resolved: keeping the build-up dominates recognizing
    assert min(PAYOFFS[("bluffing", "keep", "acc")][0], PAYOFFS[("bluffing", "keep", "firm", "back")][0]) > \
        max(PAYOFFS[("bluffing", "recog", "acc")][0], PAYOFFS[("bluffing", "recog", "firm", "back")][0])


# -- an independent check in pygambit ----------------------------------------------------------------
gbt = pytest.importorskip("pygambit")


def gambit_game(p: F, *, reduced: bool):
    """The game built directly in pygambit from PAYOFFS (not from the scenario file).  With
    ``reduced``, Russia's last move is replaced by its subgame-perfect choice."""
    g = gbt.Game.new_tree(players=["Russia", "West"], title="bluffing")
    g.append_move(g.root, g.players.chance, list(TYPES))
    g.set_chance_probs(g.root.infoset, [p, 1 - p])
    for t in TYPES:
        g.append_move(g.root.children[t], "Russia", list(ACTIONS))
    for m in ACTIONS:
        g.append_move([g.root.children[t].children[m] for t in TYPES], "West", ["acc", "firm"])
    for t in TYPES:
        for m in ACTIONS:
            west = g.root.children[t].children[m]
            g.set_outcome(west.children["acc"], g.add_outcome(f"{t} {m} acc", list(PAYOFFS[(t, m, "acc")])))
            firm = west.children["firm"]
            if reduced:
                last = "attack" if t == "resolved" else "back"
                g.set_outcome(firm, g.add_outcome(f"{t} {m} firm", list(PAYOFFS[(t, m, "firm", last)])))
            else:
                g.append_move(firm, "Russia", ["attack", "back"])
                for a in ("attack", "back"):
                    g.set_outcome(firm.children[a], g.add_outcome(f"{t} {m} {a}", list(PAYOFFS[(t, m, "firm", a)])))
    return g


def _key(infoset) -> str:
    first = list(infoset.members)[0]
    return f"{infoset.player.label}:{first.prior_action.label}"


def summary(profile, g) -> dict:
    """An equilibrium as {"recog": {type: P(recognize)}, "acc": {action: P(accommodate)}, payoffs}."""
    out = {"recog": {}, "acc": {}}
    for infoset in g.infosets:
        if infoset.player.is_chance or len(list(infoset.actions)) != 2:
            continue
        labels = [a.label for a in infoset.actions]
        if labels == list(ACTIONS):
            out["recog"][_key(infoset).split(":")[1]] = profile[infoset.actions["recog"]]
        elif labels == ["acc", "firm"]:
            out["acc"][_key(infoset).split(":")[1]] = profile[infoset.actions["acc"]]
    out["russia"], out["west"] = profile.payoff("Russia"), profile.payoff("West")
    return out


@pytest.mark.parametrize("p", [F(1, 10), F(2, 5), F(59, 100), F(61, 100), F(7, 10), F(9, 10)])
def test_gambit_finds_exactly_the_equilibria_worked_out_by_hand(p):
    g = gambit_game(p, reduced=True)
    found = [summary(eq.as_behavior(), g) for eq in gbt.nash.enummixed_solve(g, rational=True).equilibria]
    expected = families(p)
    for family in expected:
        want = by_hand(family, p)
        hits = [f for f in found if f["recog"] == want["recog"] and f["acc"]["keep"] == want["acc"]["keep"]
                and (want["acc"]["recog"] is None or f["acc"]["recog"] == want["acc"]["recog"])]
        assert hits, (family, p, found)
        assert all((h["russia"], h["west"]) == (want["russia"], want["west"]) for h in hits)
    # nothing else: every equilibrium Gambit lists belongs to one of the expected families
    # (pooling comes twice: the West's answer to a recognition nobody makes is free)
    assert len(found) == (1 if p < THRESHOLD else 4), found


@pytest.mark.parametrize("p", [F(1, 5), F(2, 5), F(7, 10), F(9, 10)])
def test_hand_profiles_have_zero_regret_in_the_full_game(p):
    """In the full game (Russia's last move included), each hand-derived profile is a Nash
    equilibrium (max regret 0) exactly where the analysis says it exists."""
    g = gambit_game(p, reduced=False)
    for family in ("separating", "pooling", "hybrid"):
        if family == "hybrid" and p < THRESHOLD:
            continue  # its formula has no meaning there (a probability above 1)
        want = by_hand(family, p)
        profile = g.mixed_behavior_profile(rational=True)
        for infoset in g.infosets:
            if infoset.player.is_chance:
                continue
            labels = [a.label for a in infoset.actions]
            first = list(infoset.members)[0]
            if labels == ["attack", "back"]:
                resolved = first.parent.parent.prior_action.label == "resolved"
                profile[infoset.actions["attack"]], profile[infoset.actions["back"]] = (1, 0) if resolved else (0, 1)
            elif labels == list(ACTIONS):
                r = F(want["recog"][first.prior_action.label])
                profile[infoset.actions["recog"]], profile[infoset.actions["keep"]] = r, 1 - r
            else:
                a = want["acc"][first.prior_action.label]
                a = F(1) if a is None else F(a)
                profile[infoset.actions["acc"]], profile[infoset.actions["firm"]] = a, 1 - a
        regret = profile.max_regret()
        exists = family == "separating" or p >= THRESHOLD
        assert (regret == 0) == exists, (family, p, regret)
        if exists:
            assert (profile.payoff("Russia"), profile.payoff("West")) == (want["russia"], want["west"])
    # below the threshold pooling fails: the West would rather stand firm against the build-up
    if p < THRESHOLD:
        assert p * -7 + (1 - p) * 3 > -3


# -- the tool: scenarios solve --method nash / spe ---------------------------------------------------
RECOGNIZE = "Recognize the two self-proclaimed republics"


def credible(eq) -> bool:
    """Russia's last moves as it would make them: a resolved Russia attacks, one that is not
    backs down (where the equilibrium says; at a set in ``eq.arbitrary`` any move fits)."""
    for action in ("buildup", "recognition"):
        for kind, best in (("resolved", "Attack"), ("bluffing", "Back down")):
            name = f"last_{action}_{kind}"
            if name not in eq.arbitrary and eq.behaviour[name][best] < 1 - 1e-9:
                return False
    return True


@pytest.mark.parametrize("p", [F(2, 5), F(7, 10)])
def test_the_tools_credible_equilibria_are_the_hand_analysis(p):
    s = scenarios.load("bluffing-2022")
    result = s.solve(method="nash", overrides={"p_resolved": float(p)}, top=0)
    assert all(e.max_regret == pytest.approx(0, abs=1e-9) for e in result.equilibria)
    found = {}
    for eq in filter(credible, result.equilibria):
        b = eq.behaviour
        key = (round(b["resolved"][RECOGNIZE], 9), round(b["west_sees_buildup"]["Accommodate"], 9))
        found[key] = (eq.expected_payoffs["russia"], eq.expected_payoffs["west"])
    expected = {}
    for family in families(p):
        want = by_hand(family, p)
        expected[(round(float(want["recog"]["resolved"]), 9), round(float(want["acc"]["keep"]), 9))] = (
            pytest.approx(float(want["russia"]), abs=1e-9), pytest.approx(float(want["west"]), abs=1e-9))
    assert found == expected


def test_spe_is_the_separating_equilibrium():
    s = scenarios.load("bluffing-2022")
    for p in (0.2, 0.4, 0.7):
        (eq,) = s.solve(method="spe", overrides={"p_resolved": p}).equilibria
        assert eq.behaviour["resolved"][RECOGNIZE] == 1 and eq.behaviour["bluffing"][RECOGNIZE] == 0
        assert eq.behaviour["west_sees_buildup"]["Accommodate"] == 0
        assert eq.behaviour["west_sees_recognition"]["Accommodate"] == 1
        assert eq.expected_payoffs == {"russia": pytest.approx(5 * p - 2), "west": pytest.approx(3 - 6 * p)}


# -- play: the student sees only what the West knows ---------------------------------------------------
HIDDEN_TEXT = "(Hidden from the West.)"
HIDDEN_LABEL = "a Russia that is not resolved): the West answers"
SET_TEXT = "Russia keeps its build-up near Ukraine and has not recognized"


def flat(text: str) -> str:
    return " ".join(text.split())


def test_walk_at_the_hidden_member_shows_the_sets_narrative():
    s = scenarios.load("bluffing-2022")
    walk = Walk(s, seed=1)
    walk.choose("bluffing")
    walk.choose("Keep the build-up, recognize nothing")
    assert walk.node_id == "west_buildup_bluffing" and walk.infoset == "west_sees_buildup"
    assert walk.narrative.id == "west_buildup_resolved"
    assert SET_TEXT in flat(walk.text) and HIDDEN_TEXT not in walk.text
    assert walk.step_views() == ("hidden", "action")
    # the student still chooses one option, and goes on from the node the walk is really at
    assert [o.label for o in walk.options] == ["Accommodate", "Firm: sanctions and deterrence"]
    assert walk.choose("Firm: sanctions and deterrence").to == "last_buildup_bluffing"
    assert walk.infoset is None and walk.step_views() == ("shown",) * 3  # Russia knows it all
    assert walk.back().id == "west_buildup_bluffing" and walk.infoset == "west_sees_buildup"
    # outside information sets nothing changes
    assert Walk(s).infoset is None and Walk(s).narrative.id == "resolve"


def play(keys: str, monkeypatch, capsys, *args):
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr(sys, "stdin", io.StringIO(keys))
    code = main(["play", "bluffing-2022", "--seed", "1", *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def screens(out: str) -> list[str]:
    """The screens of a session, split at each step's header."""
    return out.split(" Step ")[1:]


def test_play_hides_the_member_and_the_chance_pick(monkeypatch, capsys):
    # chance: not resolved; Russia keeps the build-up; at the West: history, hint, back, again
    out = play("2\n1\nh\ns\nb\n1\nq\n", monkeypatch, capsys)
    west = [sc for sc in screens(out) if sc.startswith("3 ")]
    assert len(west) == 2  # reached twice: before and after going back
    for screen in west:
        text = flat(screen.split("\n> ")[0] if "\n> " in screen else screen)
        assert SET_TEXT in text and "The build-up goes on: the West answers" in text
        assert HIDDEN_TEXT not in text and HIDDEN_LABEL not in text
        assert "cannot tell which of 2 situations" in text
        assert "p = 0.3" not in text and "accrued payoffs" not in text  # 0.6 x 0.5 would tell
    after_h = flat(out.split("> h")[1].split("> s")[0])
    assert "1. (hidden: The West (US and allies) cannot see this step)" in after_h
    assert "2. ■ Russia (Putin): chose “Keep the build-up, recognize nothing”" in after_h
    assert "Not resolved" not in after_h and "Path probability" not in after_h
    after_s = flat(out.split("> s")[1].split("> b")[0])
    assert "backward induction does not apply" in after_s and "--method spe" in after_s
    assert "In it The West (US and allies) plays “Firm: sanctions and deterrence” here." in after_s
    assert "value of each option" not in after_s


def test_play_the_end_may_show_everything(monkeypatch, capsys):
    out = play("2\n1\n2\n2\n", monkeypatch, capsys)
    end = flat(out.split("End of the walk")[1])
    assert "Not resolved: pressing for gains without a war" in end  # the route: hindsight
    assert "not knowing which of 2 situations" in end
    assert "What actually happened" in end


def test_play_piped_as_a_subprocess():
    """As a classroom script runs it: ``python -m scenarios play`` with keys on standard input."""
    import subprocess

    done = subprocess.run([sys.executable, "-m", "scenarios", "play", "bluffing-2022", "--seed", "1"],
                          input="2\n1\nq\n", capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "Traceback" not in done.stderr
    west = done.stdout.split(" Step 3 ")[1]
    assert SET_TEXT in flat(west) and HIDDEN_TEXT not in west and HIDDEN_LABEL not in flat(west)



def test_every_quotation_in_the_bluffing_game_is_verbatim_in_the_sources():
    """The fact-check rule for the bundled game: each node's and reveal's ``quote`` is in a
    source it cites, and every run of words in double quotation marks anywhere a reader sees
    (summary, sources, actors' and parameters' descriptions, labels, texts, reveals) is
    verbatim in the CBS article or inside a quotation of the timeline."""
    import re

    from test_hindsight import SOURCES
    if not SOURCES.is_dir():
        pytest.skip("../shared/sources/ is not present")
    s = scenarios.load("bluffing-2022")
    cbs = " ".join((SOURCES / "cbs-2022-02-16-duma-recognition.txt").read_text(encoding="utf-8").split())
    quoted = re.findall(r'"([^"]+)"', (SOURCES / "timeline-2022.md").read_text(encoding="utf-8"))
    files = {"CBS News": cbs, "public record": "\n".join(quoted)}
    quotes = [(n.quote, n.source) for n in s.nodes.values() if n.quote]
    quotes += [(n.reveal.quote, n.reveal.source) for n in s.nodes.values() if n.reveal and n.reveal.quote]
    for quote, keys in quotes:
        assert any(quote in files[s.sources[k].publisher] for k in keys), (quote, keys)
    prose = [s.summary or ""] + [src.title + " " + (src.note or "") for src in s.sources.values()]
    prose += [a.description or "" for a in s.actors.values()] + [p.description or "" for p in s.parameters.values()]
    for node in s.nodes.values():
        prose += [node.label, node.text or ""] + [b.label + " " + (b.text or "") for b in node.branches]
        prose += [node.reveal.text] if node.reveal else []
    found = [q for text in prose for q in re.findall(r'"([^"]+)"', " ".join(text.split()))]
    for q in found:
        assert q in cbs or any(q in x for x in quoted), q
    assert len(quotes) == 7 and len(found) >= 10, (quotes, found)

"""``scenarios play``: piped input (in-process and as a subprocess) and a real pseudo-terminal.

The expected numbers are the textbook ones of test_walk.py: in entry deterrence the path
Enter → Fight has probability 0.5 × 0.3 = 0.15 and is the 3rd of 3 paths.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import scenarios
from scenarios.cli import main
from scenarios.walk import Walk

BIN = Path(sys.executable).parent / "scenarios"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def flat(text: str) -> str:
    """``text`` with line breaks and indentation collapsed, to find wrapped phrases."""
    return " ".join(text.split())


def play(args, keys: str, monkeypatch, capsys):
    """Run ``scenarios play`` in-process with ``keys`` as standard input, 80 columns wide."""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr(sys, "stdin", io.StringIO(keys))
    code = main(["play", *args])
    out, err = capsys.readouterr()
    return code, out, err


def run(args, keys: str = "", env=None, timeout=60):
    """The installed command, as a user (or a classroom script) runs it."""
    environment = {**os.environ, "COLUMNS": "80", **(env or {})}
    done = subprocess.run([str(BIN), *args], input=keys, capture_output=True, text=True,
                          timeout=timeout, env=environment)
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    return done


# -- a whole walk, piped ---------------------------------------------------------------------------
def test_full_walk_piped(monkeypatch, capsys):
    code, out, err = play(["entry-deterrence", "--seed", "1"], "2\n1\n", monkeypatch, capsys)
    assert code == 0 and err == ""
    assert "■ Enter the market?" in out and "Entrant decides" in out
    assert " 1) Stay out" in out and "p = 0.5" in out
    assert "You chose: Enter (p = 0.5)" in out and "You chose: Fight (price war) (p = 0.3)" in out
    assert "▲ Outcome:" in out and "End of the walk" in out
    assert "Probability of this path: 0.15 (15%)" in out
    assert "It is the 3rd most probable of 3 possible paths; 2 paths are more probable." in flat(out)
    # Strategic review: the entrant's Enter agrees (value 1), the incumbent's Fight does not.
    assert "as the solution does (value 1 for Entrant)" in flat(out)
    assert "the solution takes “Accommodate (share the market)” (1)" in flat(out)
    assert "\x1b[" not in out  # no colour when output is not a terminal
    assert out.rstrip().endswith("(end of input)")


def test_donbas_to_the_historical_end(monkeypatch, capsys):
    # incidents, restraint, recognize, a first tranche, invasion, sanctions and more aid, holds
    keys = "3\n1\n1\n2\n1\n1\n1\n"
    code, out, _ = play(["donbas-recognition-2022", "--seed", "2"], keys, monkeypatch, capsys)
    assert code == 0
    # 0.4 * 0.75 * 0.45 * 0.55 * 0.4 * 0.6 * 0.7 = 0.012474 (docs/teaching-answers.md)
    assert "Probability of this path: 0.012474 (1.25%)" in out
    assert "It is the 15th most probable of 197 possible paths; 14 paths are more probable." in flat(out)
    assert "What actually happened in 2022" in out
    assert ("History's path: The Duma's request on Putin's desk (2022-02-17/2022-02-19) → Incidents on the "
            "line of contact (2022-02-19/2022-02-21) → Kyiv holds its fire (2022-02-21) → Recognition "
            "(2022-02-21/2022-02-23) → Targeted sanctions (2022-02-22/2022-02-24) → Full-scale invasion "
            "(2022-02-26) → With more aid (2022-02-24/2022-09-30) → Full-scale war (2022-09-30).") in flat(out)
    assert "You followed the historical path all the way." in out
    # Payoffs: outcome (-5, -4, -8), whole path (-9, -6.3, -8) (docs/teaching-answers.md).
    assert re.search(r"Russia \(Putin\)\s+-5\s+-9", out)
    assert re.search(r"The West \(US and allies\)\s+-4\s+-6.3", out)
    # Nothing dated after 2022-02-16 before the reveal; the disclaimer first.
    before = out.split("What actually happened")[0]
    assert not re.search(r"2022-0(2-(1[7-9]|2\d)|[3-9])", before)
    assert out.lstrip().startswith("Note: Illustrative judgments for teaching")


def test_reveal_after_leaving_history(monkeypatch, capsys):
    keys = "1\n1\n2\n1\n"  # Minsk, Kyiv's reading, talks stall, keep talking
    code, out, _ = play(["donbas-recognition-2022", "--seed", "2"], keys, monkeypatch, capsys)
    assert code == 0 and "Frozen conflict, talks go on" in out
    flat = " ".join(out.split())
    assert ("You left the historical path at “The Duma's request on Putin's desk”: history took "
            "“Keep the build-up while incidents multiply along the line of contact”, you took "
            "“Pull forces back and pursue the Minsk diplomacy”.") in flat


# -- keys --------------------------------------------------------------------------------------
def test_bad_keys_re_ask(monkeypatch, capsys):
    code, out, _ = play(["entry-deterrence"], "x\n9\n0\n\nhelp me\n1\n", monkeypatch, capsys)
    assert code == 0
    assert "Unknown key “x”: the keys are 1-2, r, b, h, s, ?, q" in out
    assert "There is no option 9: choose 1-2" in out
    assert "There is no option 0: choose 1-2" in out
    assert "Type a key and press Enter: 1-2 to choose" in out
    assert "Unknown key “help me”" in out
    assert "You chose: Stay out" in out  # and the walk went on after the bad keys


def test_back_at_the_root_and_after_a_step(monkeypatch, capsys):
    code, out, _ = play(["entry-deterrence"], "b\n2\nb\n1\n", monkeypatch, capsys)
    assert code == 0
    assert "Already at the start: there is no step to go back to." in out
    assert "← Back to step 1." in out
    assert out.count("Step 1 · Entry deterrence") == 2  # the first screen, shown again after b
    assert "You chose: Stay out" in out


def test_back_from_the_end(monkeypatch, capsys):
    code, out, _ = play(["entry-deterrence"], "1\n1\nb\n2\n2\nq\n", monkeypatch, capsys)
    assert code == 0
    assert "The walk has ended: b goes back a step" in out  # a number after the end
    assert out.count("End of the walk") == 2
    assert "Accommodate (share the market) (p = 0.7)" in out and "Bye. You stopped at the end." in out


def test_quit(monkeypatch, capsys):
    code, out, _ = play(["entry-deterrence"], "2\nq\n1\n", monkeypatch, capsys)
    assert code == 0
    assert "Bye. You stopped at “Fight or accommodate?” (step 2)." in out
    assert "Fight (price war) (p = 0.3)" not in out.split("Bye.")[1]  # nothing read after q


def test_history_hint_and_help(monkeypatch, capsys):
    code, out, _ = play(["entry-deterrence"], "h\n2\nh\ns\n?\n", monkeypatch, capsys)
    assert code == 0
    assert "History: no step taken yet" in out
    assert "1. ■ Enter the market? (Entrant): chose “Enter”, p = 0.5" in out
    assert "Incumbent would choose “Accommodate (share the market)”." in out
    assert re.search(r"→ Accommodate \(share the market\)\s+1\n", out)
    assert re.search(r"  Fight \(price war\)\s+-1\n", out)
    assert "r        roll: let chance decide" in out


def test_enter_rolls_at_a_chance_node(monkeypatch, capsys):
    code, out, _ = play(["oil-wildcatter", "--seed", "3"], "1\n\n", monkeypatch, capsys)
    assert code == 0
    walk = Walk(scenarios.load("oil-wildcatter"), seed=3)
    walk.choose("drill_now")
    expected = walk.roll()
    assert f"Rolled {expected.u:.3f}: {expected.label}" in out


def test_roll_matches_the_library(monkeypatch, capsys):
    code, out, _ = play(["donbas-recognition-2022", "--seed", "77"], "r\n" * 10, monkeypatch, capsys)
    walk = Walk(scenarios.load("donbas-recognition-2022"), seed=77)
    while not walk.is_finished:
        step = walk.roll()
        assert f"Rolled {step.u:.3f}: {step.label}" in flat(out)
    assert f"Probability of this path: {walk.path_probability:.6g}" in out


def test_end_of_input_at_once(monkeypatch, capsys):
    code, out, err = play(["entry-deterrence"], "", monkeypatch, capsys)
    assert code == 0 and "(end of input)" in out and err == ""


def test_ctrl_c_exits_cleanly(monkeypatch, capsys):
    def interrupt(prompt=""):
        raise KeyboardInterrupt

    monkeypatch.setattr("builtins.input", interrupt)
    assert main(["play", "entry-deterrence"]) == 0
    assert "(interrupted)" in capsys.readouterr().out


# -- --auto, --transcript, --save and --resume ---------------------------------------------------
def test_auto_plays_to_the_end_like_the_library(monkeypatch, capsys):
    code, out, _ = play(["donbas-recognition-2022", "--seed", "2022", "--auto"], "", monkeypatch, capsys)
    assert code == 0 and "End of the walk" in out and "(end of input)" not in out
    walk = Walk(scenarios.load("donbas-recognition-2022"), seed=2022)
    while not walk.is_finished:
        walk.roll()
    route = " → ".join(s.label for s in walk.history)
    assert route.split(" → ")[0] in out
    assert f"Probability of this path: {walk.path_probability:.6g}" in out
    code, again, _ = play(["donbas-recognition-2022", "--seed", "2022", "--auto"], "", monkeypatch, capsys)
    assert again == out  # seeded: the same walk, screen for screen


def test_transcript(tmp_path, monkeypatch, capsys):
    target = tmp_path / "walk.md"
    code, _, err = play(["entry-deterrence", "--seed", "5", "--transcript", str(target)],
                        "2\nb\n2\n1\n", monkeypatch, capsys)
    assert code == 0 and f"wrote the transcript to {target}" in err
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Walk through “Entry deterrence”")
    assert "- seed: 5; rolls drawn: 0; steps taken back: 1" in text
    assert "## 1. ■ Enter the market? — Entrant decides" in text
    assert "| 2 | Enter | 0.5 | **taken** |" in text
    assert "**Chose:** Fight (price war) (p = 0.3); path probability now 0.15 (15%)." in text
    assert "## 3. ▲ Outcome: Price war" in text or "## 3. ▲ Outcome:" in text
    assert "- Path probability: **0.15 (15%)**" in text
    assert "| Entrant | -1 | -1 |" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["walk.md"]  # written atomically


def test_transcript_of_an_unfinished_walk(tmp_path, monkeypatch, capsys):
    target = tmp_path / "partial.md"
    play(["entry-deterrence", "--transcript", str(target)], "2\nq\n", monkeypatch, capsys)
    text = target.read_text(encoding="utf-8")
    assert "*The walk stopped here (quit), at step 2" in text


def test_save_and_resume_go_on_exactly(tmp_path, monkeypatch, capsys):
    saved = tmp_path / "walk.json"
    play(["donbas-recognition-2022", "--seed", "8", "--save", str(saved)], "r\nr\nb\nq\n", monkeypatch, capsys)
    data = json.loads(saved.read_text())
    assert data["seed"] == 8 and data["rolls"] == 2 and len(data["choices"]) == 1
    _, resumed, _ = play(["donbas-recognition-2022", "--resume", str(saved), "--auto"], "", monkeypatch, capsys)
    # The same as one uninterrupted walk: roll, roll, back, then roll to the end.
    walk = Walk(scenarios.load("donbas-recognition-2022"), seed=8)
    walk.roll(), walk.roll(), walk.back()
    while not walk.is_finished:
        walk.roll()
    assert f"Probability of this path: {walk.path_probability:.6g}" in resumed
    assert resumed.count("> r (auto)") == len(walk.history) - 1


def test_resume_errors(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, _, err = play(["entry-deterrence", "--resume", str(bad)], "", monkeypatch, capsys)
    assert code == 1 and f"{bad}: error: saved walk is not valid JSON" in err
    other = tmp_path / "other.json"
    other.write_text(Walk(scenarios.load("oil-wildcatter"), seed=1).dumps())
    code, _, err = play(["entry-deterrence", "--resume", str(other)], "", monkeypatch, capsys)
    assert code == 1 and "saved walk is for scenario 'oil-wildcatter', not 'entry-deterrence'" in err
    code, _, err = play(["entry-deterrence", "--resume", str(tmp_path / "missing.json")], "", monkeypatch, capsys)
    assert code == 1 and "cannot read the saved walk" in err
    code, _, err = play(["entry-deterrence", "--resume", str(other), "--set", "entry.response=0.2"], "",
                        monkeypatch, capsys)
    assert code == 1 and "--set cannot be combined with --resume" in err


def test_overrides_in_play(monkeypatch, capsys):
    code, out, _ = play(["entry-deterrence", "--set", "entry.response=0.8"], "q\n", monkeypatch, capsys)
    assert code == 0 and re.search(r"1\) Stay out\s+p = 0.2\n", out)


# -- as a user runs it ----------------------------------------------------------------------------
def test_subprocess_piped_walk_and_exit_codes(tmp_path):
    done = run(["play", "entry-deterrence", "--seed", "1"], "2\n2\n")
    assert done.returncode == 0 and done.stderr == ""
    assert "Probability of this path: 0.35 (35%)" in done.stdout
    assert "2nd most probable of 3" in done.stdout
    # Usage errors exit 2; a bad file exits 1 with its diagnostics; neither shows a traceback.
    assert run(["play", "entry-deterrence", "--seed", "1", "--resume", "x.json"]).returncode == 2
    assert run(["play", "entry-deterrence", "--seed", "-3"]).returncode == 2
    broken = tmp_path / "broken.yaml"
    broken.write_text("title: Broken\nnodes:\n  a: {kind: decision}\n")
    done = run(["play", str(broken)], "1\n")
    assert done.returncode == 1 and f"{broken}:" in done.stderr and "error" in done.stderr
    assert done.stdout == ""


def test_subprocess_no_colour_when_piped():
    done = run(["play", "donbas-recognition-2022", "--auto", "--seed", "1"])
    assert done.returncode == 0 and "\x1b[" not in done.stdout


# -- a real terminal ----------------------------------------------------------------------------------
@pytest.fixture
def pexpect():
    """pexpect drives a real pseudo-terminal (a test dependency, like Playwright)."""
    return pytest.importorskip("pexpect", reason="pexpect drives the pseudo-terminal tests")


def spawn(pexpect, args, env=None):
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    environment.update({"TERM": "xterm-256color", "COLUMNS": "90", "LINES": "40", **(env or {})})
    return pexpect.spawn(str(BIN), ["play", *args], env=environment, encoding="utf-8",
                         timeout=20, dimensions=(40, 90))


def test_terminal_session_with_colour(pexpect):
    child = spawn(pexpect, ["donbas-recognition-2022", "--seed", "4"])
    # Russia's colour #d55e00 = rgb(213, 94, 0), as a 24-bit ANSI foreground.
    child.expect_exact("\x1b[1;38;2;213;94;0m")
    child.expect_exact("> ")
    child.sendline("7")
    child.expect_exact("There is no option 7: choose 1-3")
    child.sendline("2")  # keep the build-up with a quiet line: the West decides next
    child.expect_exact("The build-up stays: how far does the West go?")
    child.expect_exact("\x1b[1;38;2;0;114;178m")  # the West's #0072b2
    child.expect_exact("> ")
    child.sendline("b")
    child.expect_exact("Back to step 1.")
    child.expect_exact("> ")
    child.sendline("q")
    child.expect_exact("Bye.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_terminal_no_color_and_ctrl_c(pexpect):
    child = spawn(pexpect, ["entry-deterrence"], env={"NO_COLOR": "1"})
    child.expect_exact("> ")
    assert "\x1b[" not in child.before
    child.sendintr()
    child.expect_exact("(interrupted)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_terminal_end_of_input(pexpect):
    child = spawn(pexpect, ["entry-deterrence"])
    child.expect_exact("> ")
    child.sendeof()
    child.expect_exact("(end of input)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_terminal_width_is_honoured(pexpect):
    child = pexpect.spawn(str(BIN), ["play", "donbas-recognition-2022"], encoding="utf-8", timeout=20,
                          dimensions=(40, 50), env={**os.environ, "NO_COLOR": "1", "COLUMNS": "50"})
    child.expect_exact("> ")
    lines = ANSI.sub("", child.before).replace("\r", "").splitlines()
    assert max(len(line) for line in lines) <= 50
    child.sendline("q")
    child.expect(pexpect.EOF)


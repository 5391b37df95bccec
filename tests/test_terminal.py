"""Text that fits the terminal (cli/width.py), the --json of list/validate/show, compare --set,
solve --given and the "did you mean" of an unknown command.

The width checks run every text command on every bundled scenario (and the docs' examples)
in one ``python -m`` process per width whose standard output is a pipe, as a user's
``scenarios ... | less`` is: 80 columns without ``--width``, else the width asked for.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import scenarios
from scenarios.cli.width import display_width, fit, table, wrap

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [str(ROOT / "docs" / "examples" / name)
            for name in ("market-entry.yaml", "bid-deposit.yaml", "screening-cea.yaml")]
ALL = [*scenarios.bundled_names(), *EXAMPLES]

#: Runs each command line of stdin (JSON list of argv) through main(), output to the piped stdout.
DRIVER = """
import json, sys
from scenarios.cli import main
for argv in json.load(sys.stdin):
    sys.stdout.flush()
    code = main(argv)
    sys.stdout.flush()
    print("\\x00END", code, flush=True)
"""


def command_lines(name: str) -> list[list[str]]:
    """Every text command worth running on scenario ``name``."""
    s = scenarios.load(name)
    ranged = [k for k, p in s.parameters.items() if p.low is not None]
    game = not s.perfect_information  # information sets: equilibria, without --given or --exact
    lines = [["validate", name], ["show", name], ["evaluate", name], ["solve", name],
             ["evaluate", name, "--given", s.root, "--top", "3"],
             ["solve", name, "--method", "spe"] if game else ["solve", name, "--given", s.root, "--top", "3"],
             ["simulate", name, "-n", "300", "--seed", "1", "--quiet"],
             ["simulate", name, "-n", "5", "--paths", "--seed", "1", "--quiet"],
             ["timeline", name], ["play", name, "--auto", "--seed", "3"]]
    if s.actors and not any(a.measures for a in s.actors.values()):  # (exact mode refuses measures)
        lines += [["explain", name], ["explain", name, "--by", "outcomes"]]
        if not game:
            lines.append(["solve", name, "--exact"])
        if any(n.kind == "decision" for n in s.nodes.values()) and not game:
            lines.append(["voi", name, "--mode", "belief"])
    if any(p.dist is not None for p in s.parameters.values()):
        lines.append(["simulate", name, "-n", "40", "--uncertainty", "--seed", "1", "--quiet"])
    if ranged:
        lines += [["sensitivity", name], ["sensitivity", name, "--spider"]]
        if not game:  # (threshold finds where a solved choice flips)
            lines.append(["threshold", name, "--param", ranged[0]])
    if len(ranged) >= 2 and not game:
        lines.append(["sensitivity", name, "--grid", f"{ranged[0]},{ranged[1]}", "--steps", "9",
                      "--node", s.root])
    if any(a.measures for a in s.actors.values()):
        actor = next(k for k, a in s.actors.items() if a.measures)
        lines.append(["cea", name, "--actor", actor, "--draws", "200"])
    return lines


def everything() -> list[list[str]]:
    lines = [["list"]]
    for name in ALL:
        lines += command_lines(name)
    lines.append(["compare", "donbas-recognition-2022", "donbas-hawkish", "donbas-dovish", "donbas-west-split",
                  "--set", "p_escalate=0.6"])
    lines.append(["compare", "entry-deterrence", EXAMPLES[0]])
    lines.append(["solve", "docs/examples/donbas-uncertain-west.yaml", "--risk", "russia=exponential:20"])
    lines.append(["voi", "oil-wildcatter"])
    return lines


def run_piped(width: int | None) -> list[tuple[list[str], int, str]]:
    argvs = everything()
    if width is not None:
        argvs = [[*a, "--width", str(width)] for a in argvs]
    done = subprocess.run([sys.executable, "-c", DRIVER], input=json.dumps(argvs), capture_output=True, text=True,
                          timeout=900, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    chunks = done.stdout.split("\x00END ")
    out = []
    for argv, chunk, following in zip(argvs, chunks, chunks[1:], strict=False):
        text = chunk.split("\n", 1)[1] if chunk.startswith(("0\n", "1\n", "2\n")) else chunk
        out.append((argv, int(following.split("\n", 1)[0]), text))
    assert len(out) == len(argvs), done.stderr[-3000:]
    return out


@pytest.mark.parametrize("width", [None, 60, 120], ids=["piped-80", "width-60", "width-120"])
def test_every_text_line_fits_the_width(width):
    limit = width or 80
    too_wide = []
    for argv, code, text in run_piped(width):
        assert code == 0, (argv, text[-500:])
        assert text.strip(), argv
        for line in text.splitlines():
            if display_width(line) > limit:
                too_wide.append((" ".join(argv), display_width(line), line))
    assert not too_wide, too_wide[:5]


def test_the_old_widest_outputs_now_fit(cli_process):
    """show and timeline of Donbas printed lines of 269 and 251 characters before."""
    for command in ("show", "timeline"):
        done = cli_process(command, "donbas-recognition-2022")
        assert done.returncode == 0
        assert max(map(display_width, done.stdout.splitlines())) <= 80
        assert "[recognition_frozen]" in done.stdout if command == "show" else \
            "Recognized self-proclaimed republics, no wider war" in " ".join(done.stdout.split())  # not cut


# -- the layout itself --------------------------------------------------------------------------
NUMBERS = ["0.0255", "-1.954", "12345.678", "0.3194815", "1e-09"]


@pytest.mark.parametrize("width", [30, 40, 60, 80, 200])
def test_tables_fit_and_never_cut_a_number(width):
    headers = ["outcome", *(f"column {i}" for i in range(9)), "tags"]
    rows = [["Full-scale war: Ukraine's defence collapses within weeks", *NUMBERS, *NUMBERS[:4], "war, escalation"],
            ["Stay out", *reversed(NUMBERS), *NUMBERS[1:], ""]]
    text = table(headers, rows, "l" + "r" * 9 + "l", width=width)
    assert max(map(display_width, text.splitlines())) <= width
    tokens = set(text.split())
    assert set(NUMBERS) <= tokens  # every number whole, on one line
    flat = " ".join(text.split())
    assert "Ukraine's defence collapses" in flat or width < 40


def test_a_table_that_fits_is_unchanged():
    text = table(["actor", "expected"], [["Entrant", "0.2"], ["Incumbent", "1.2"]], "lr", width=80)
    assert text.splitlines() == ["  actor      expected", "  ---------  --------", "  Entrant         0.2",
                                 "  Incumbent       1.2"]


def test_wide_tables_stack_column_groups_repeating_the_first_column():
    headers = ["date", *(f"2022-02-{d}" for d in range(10, 24))]
    rows = [["as written", *(["0.125"] * 14)], ["after", *(["0.5"] * 14)]]
    text = table(headers, rows, "l" + "r" * 14, width=60)
    groups = text.split("\n\n")
    assert len(groups) >= 3
    assert all(group.lstrip().startswith("date") for group in groups)
    assert sum(len(re.findall(r"2022-02-\d\d", g)) for g in groups) == 14


def test_wrap_and_fit_keep_indents():
    text = wrap("word " * 40, "    ", "      ", width=40)
    lines = text.splitlines()
    assert lines[0].startswith("    w") and all(line.startswith("      w") for line in lines[1:])
    assert max(map(len, lines)) <= 40
    fitted = fit("  " + "long " * 30, width=50)
    assert max(map(len, fitted.splitlines())) <= 50 and fitted.splitlines()[1].startswith("    long")


def test_wide_characters_count_double():
    assert display_width("戦争") == 4 and display_width("é") == 1 and display_width("■ a") == 3


def test_the_tree_keeps_its_rails_when_wrapped(cli):
    status, out, _ = cli("show", "donbas-recognition-2022", "--width", "60")
    assert status == 0
    lines = out.splitlines()
    assert max(map(display_width, lines)) <= 60
    # a wrapped node's later lines start with the rails of the tree (or spaces), never with text
    body = lines[lines.index("") + 1:]
    assert all(re.match(r"^[│ ├└…■●▲─]", line) for line in body)


# -- --json of list, validate and show ------------------------------------------------------------
def test_list_json(cli):
    status, out, err = cli("list", "--json")
    doc = json.loads(out)
    assert status == 0 and err == ""
    assert [d["name"] for d in doc] == list(scenarios.bundled_names())
    entry = next(d for d in doc if d["name"] == "entry-deterrence")
    assert entry["nodes"] == 5 and entry["title"] == scenarios.load("entry-deterrence").title
    assert set(entry) == {"name", "id", "title", "as_of", "nodes", "summary"}


def test_validate_json_ok_and_invalid(cli, tmp_path):
    status, out, _ = cli("validate", "entry-deterrence", "--json")
    doc = json.loads(out)
    assert status == 0 and doc["ok"] is True
    assert doc["nodes"] == 5 and doc["kinds"] == {"decision": 2, "chance": 0, "outcome": 3}
    assert doc["actors"] == 2 and doc["problems"] == []
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: t\nactors: {a: {name: A}}\nnodes:\n  r: {kind: decision, actor: b, branches: [{to: x}]}\n")
    status, out, err = cli("validate", bad, "--json")
    doc = json.loads(out)
    assert status == 1 and doc["ok"] is False and len(doc["problems"]) >= 2
    first = doc["problems"][0]
    assert set(first) == {"file", "line", "col", "severity", "code", "message"}
    assert first["file"] == str(bad) and first["line"] >= 1 and first["severity"] == "error"


def test_show_json_has_bound_probabilities(cli):
    status, out, _ = cli("show", "entry-deterrence", "--json", "--set", "response.war=0.6")
    doc = json.loads(out)
    assert status == 0 and doc["id"] == "entry-deterrence" and doc["root"] == "entry"
    nodes = {n["id"]: n for n in doc["nodes"]}
    assert list(nodes) == list(scenarios.load("entry-deterrence").nodes)  # file order
    response = nodes["response"]
    assert response["kind"] == "decision" and response["actor"] == "incumbent"
    assert [(b["to"], b["p"]) for b in response["branches"]] == [("war", 0.6), ("share", 0.4)]
    assert nodes["war"]["payoffs"] == {"entrant": -1.0, "incumbent": -1.0}
    assert nodes["war"]["reach"] == pytest.approx(0.5 * 0.6)
    assert doc["overrides"] == {"response.war": "0.6"}


def test_show_json_keeps_expressions(cli):
    _, out, _ = cli("show", "donbas-recognition-2022", "--json")
    nodes = {n["id"]: n for n in json.loads(out)["nodes"]}
    stop = next(b for b in nodes["recog_condemn"]["branches"] if b["to"] == "donbas_offensive")
    assert stop["p_expression"] == "min(p_limited_offensive, 1 - p_escalate)" and stop["p"] == pytest.approx(0.2)


# -- compare --set, solve --given, did you mean --------------------------------------------------------
def test_compare_set_applies_to_every_scenario_and_lists_the_changes(cli, tmp_path):
    variant = tmp_path / "v.yaml"
    variant.write_text("extends: entry-deterrence\nset: {response.war: 0.6}\n")
    status, out, _ = cli("compare", "entry-deterrence", variant, "--set", "entry.stay_out=0", "--json")
    doc = json.loads(out)
    war = next(r for r in doc["outcomes"] if r["key"] == "war")
    assert war["values"] == [pytest.approx(0.3), pytest.approx(0.6)]  # Enter for sure in both
    assert doc["overrides"] == {"entry.stay_out": "0"}
    assert doc["changes"]["v"][0] == {"what": "branch", "key": "response.war", "before": 0.3, "after": 0.6}
    status, out, _ = cli("compare", "entry-deterrence", variant, "--set", "entry.stay_out=0")
    assert status == 0
    assert "overrides (applied to every scenario): entry.stay_out=0" in out
    assert re.search(r"What v changes from entry-deterrence\n.*\n.*\n\s+branch\s+response\.war\s+0\.3\s+0\.6", out)


def test_solve_given_conditions_the_solved_play(cli):
    status, out, _ = cli("solve", "entry-deterrence", "--given", "response", "--json")
    doc = json.loads(out)
    assert status == 0 and doc["given"] == "response"
    result = scenarios.load("entry-deterrence").solve(given="response")
    assert result.probability("share") == 1.0
    status, out, err = cli("solve", "entry-deterrence", "--given", "war")
    assert status == 1 and "the strategic solution never passes node 'war'" in err and out == ""


def test_an_unknown_command_says_did_you_mean(cli):
    status, out, err = cli("evalute", "entry-deterrence")
    assert (status, out) == (2, "")
    assert "unknown command 'evalute' (did you mean 'evaluate'?)" in err
    assert "Traceback" not in err

"""The command line, in-process: ``scenarios.cli.main(argv)`` with captured output.

Checks the contract's CLI section: sub-commands, ``--json`` documents, ``--set``,
``--given``, ``--top``, exit statuses (0 ok, 1 invalid scenario or request, 2 bad command
line), errors on stderr as ``FILE:LINE:COL: error: ...``, results only on stdout, and
never a traceback.
"""

from __future__ import annotations

import json
import re

import pytest

import builders
import scenarios
from builders import DATA

INVALID = sorted((DATA / "invalid").glob("*.yaml"))
DIAGNOSTIC = re.compile(r"(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning): (?P<message>.+)")


@pytest.fixture
def entry_file(write):
    return write(builders.entry_deterrence_yaml(), "entry-deterrence.yaml")


# -- list, validate, show ------------------------------------------------------------------------
def test_list(cli):
    status, out, err = cli("list")
    assert status == 0 and err == ""
    for name in scenarios.bundled_names():
        assert name in out
    assert {"entry-deterrence", "oil-wildcatter", "donbas-recognition-2022"} <= set(scenarios.bundled_names())


def test_validate_ok(cli, entry_file):
    status, out, err = cli("validate", entry_file)
    assert status == 0 and err == ""
    assert out.startswith("ok")
    assert all(len(line) <= 80 for line in out.splitlines())  # the summary wraps to the width
    status, out, err = cli("validate", entry_file, "--width", "1000")
    assert out.count("\n") == 1  # a one-line summary when it fits


def test_validate_a_bundled_name(cli):
    status, out, err = cli("validate", "entry-deterrence")
    assert (status, err) == (0, "") and out.startswith("ok")


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_validate_invalid_file(cli, path):
    status, out, err = cli("validate", path)
    assert status == 1
    assert out == ""
    lines = err.strip().splitlines()
    assert lines
    errors = []
    for line in lines:
        m = DIAGNOSTIC.fullmatch(line)
        assert m, f"not FILE:LINE:COL: severity: MESSAGE: {line!r}"
        assert m["file"] == str(path)
        if m["severity"] == "error":
            errors.append(m)
    # Same count and positions as the '# expect:' header of the file (see test_io_build.py).
    expected = [line.split()[3] for line in path.read_text().splitlines() if line.startswith("# expect:")]
    assert len(errors) == len(expected)
    for pos in expected:
        assert pos == "*" or any(f"{m['line']}:{m['col']}" == pos for m in errors)


def test_validate_reports_several_errors(cli, write):
    text = builders.entry_deterrence_yaml().replace("actor: entrant", "actor: entrnt").replace(
        "to: war", "to: wr")
    status, out, err = cli("validate", write(text))
    assert status == 1 and out == ""
    assert len([line for line in err.splitlines() if ": error: " in line]) == 2


def test_validate_warns_but_succeeds(cli):
    path = DATA / "valid" / "unreachable_node.yaml"
    status, out, err = cli("validate", path)
    assert status == 0 and out.startswith("ok")
    (line,) = err.strip().splitlines()
    m = DIAGNOSTIC.fullmatch(line)
    assert m and (m["line"], m["col"], m["severity"]) == ("8", "3", "warning")


def test_show(cli, entry_file):
    status, out, err = cli("show", entry_file)
    assert (status, err) == (0, "")
    for label in ("Stay out", "Enter", "Fight", "Accommodate", "stay_out", "war", "share"):
        assert label in out
    assert out.index("entry") < out.index("response") < out.index("share")


def test_show_with_set(cli, entry_file):
    status, out, err = cli("show", entry_file, "--set", "entry.response=0.8")
    assert (status, err) == (0, "")
    assert "0.8" in out and "0.2" in out


def test_show_dag_does_not_repeat_shared_subtrees(cli):
    status, out, _ = cli("show", DATA / "valid" / "shared_outcome_dag.yaml")
    assert status == 0
    assert out.count("u 100") == 1  # good (payoff u 100) below mid is drawn once
    assert "continues above" in out


# -- evaluate and solve ------------------------------------------------------------------------
def test_evaluate_text(cli, entry_file):
    status, out, err = cli("evaluate", entry_file)
    assert (status, err) == (0, "")
    assert "0.2" in out and "1.2" in out  # the expected payoffs
    assert "0.35" in out and "0.15" in out  # outcome probabilities


def test_evaluate_json_is_the_contract_document(cli, entry_file):
    status, out, err = cli("evaluate", entry_file, "--json")
    assert (status, err) == (0, "")
    doc = json.loads(out)
    assert {"scenario", "mode", "given", "expected_payoffs", "outcomes", "paths"} <= doc.keys()
    # The contract's example values, verbatim.
    assert doc["scenario"] == "entry-deterrence"
    assert doc["mode"] == "belief"
    assert doc["given"] is None
    assert doc["expected_payoffs"] == pytest.approx({"entrant": 0.2, "incumbent": 1.2}, rel=1e-15)
    assert doc["outcomes"][0] == {"id": "stay_out", "label": "stay_out", "probability": 0.5,
                                  "payoffs": {"entrant": 0.0, "incumbent": 2.0}, "tags": []}
    assert doc["paths"][0] == {"nodes": ["entry", "stay_out"], "branches": [0], "probability": 0.5,
                               "payoffs": {"entrant": 0.0, "incumbent": 2.0}}
    assert [o["id"] for o in doc["outcomes"]] == ["stay_out", "share", "war"]
    assert len(doc["paths"]) == 3


def test_solve_json(cli, entry_file):
    status, out, err = cli("solve", entry_file, "--json")
    assert (status, err) == (0, "")
    doc = json.loads(out)
    assert doc["mode"] == "strategic"
    assert doc["choices"] == {"entry": "response", "response": "share"}
    assert doc["ties"] == []
    assert doc["expected_payoffs"] == {"entrant": 1.0, "incumbent": 1.0}
    assert {"scenario", "given", "outcomes", "paths"} <= doc.keys()


def test_solve_text(cli):
    status, out, err = cli("solve", "oil-wildcatter")
    assert (status, err) == (0, "")
    assert "20" in out  # EMV of drilling at once (docs/teaching-answers.md)


def test_json_matches_the_library(cli, entry_file):
    s = scenarios.load(entry_file)
    for command, result in (("evaluate", s.evaluate()), ("solve", s.solve())):
        status, out, _ = cli(command, entry_file, "--json")
        assert status == 0
        assert json.loads(out) == json.loads(json.dumps(result.to_dict()))


def test_top(cli, entry_file):
    for n in (0, 1, 2, 3, 50):
        status, out, _ = cli("evaluate", entry_file, "--json", "--top", n)
        assert status == 0
        assert len(json.loads(out)["paths"]) == min(n, 3)
    status, out, _ = cli("solve", entry_file, "--json", "--top", 0)
    assert status == 0 and json.loads(out)["paths"] == []


def test_top_default_is_ten(cli):
    status, out, _ = cli("evaluate", "oil-wildcatter", "--json")  # 12 paths
    assert status == 0 and len(json.loads(out)["paths"]) == 10


def test_set_parameter_and_branch(cli):
    # Wildcatter: test_cost 5 makes the test worth -5 + 29.5 = 24.5 > 20.
    status, out, err = cli("solve", "oil-wildcatter", "--json", "--set", "test_cost=5")
    assert (status, err) == (0, "")
    doc = json.loads(out)
    assert doc["choices"]["start"] == "seismic"
    assert doc["expected_payoffs"]["wildcatter"] == pytest.approx(24.5)
    # Repeatable; NODE.CHILD with an expression value (1/4).
    status, out, err = cli("evaluate", "entry-deterrence", "--json", "--set", "entry.response=1/4",
                           "--set", "response.war=0.5")
    assert (status, err) == (0, "")
    probs = {o["id"]: o["probability"] for o in json.loads(out)["outcomes"]}
    # stay_out 0.75; war = share = 0.25*0.5 = 0.125
    assert probs == {"stay_out": 0.75, "war": 0.125, "share": 0.125}


def test_given(cli, entry_file):
    status, out, err = cli("evaluate", entry_file, "--json", "--given", "response")
    assert (status, err) == (0, "")
    doc = json.loads(out)
    assert doc["given"] == "response"
    assert doc["expected_payoffs"] == pytest.approx({"entrant": 0.4, "incumbent": 0.4}, rel=1e-15)
    assert {p["probability"] for p in doc["paths"]} == {0.7, 0.3}


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        pytest.param(["--set", "nope=1"], "nope", id="unknown-parameter"),
        pytest.param(["--set", "entry.nowhere=0.5"], "nowhere", id="unknown-child"),
        pytest.param(["--set", "nowhere.war=0.5"], "nowhere", id="unknown-node"),
        pytest.param(["--set", "entry.response=1.5"], "[0, 1]", id="probability-above-one"),
        pytest.param(["--set", "entry.response=-0.5"], "[0, 1]", id="probability-negative"),
        pytest.param(["--set", "entry.response=0.5+"], "parse", id="bad-expression"),
        pytest.param(["--set", "entry.response=__import__('os')"], "", id="hostile-expression"),
        pytest.param(["--given", "nowhere"], "nowhere", id="unknown-given"),
        pytest.param(["--given", "respons"], "did you mean 'response'", id="given-typo"),
        pytest.param(["--given", "response", "--set", "entry.response=0"], "response", id="unreachable-given"),
    ],
)
def test_bad_requests_exit_1(cli, entry_file, args, fragment):
    status, out, err = cli("evaluate", entry_file, *args)
    assert status == 1
    assert out == ""
    assert fragment in err and err.strip()


EVALUATE_HINT = "run 'scenarios evaluate --help' for usage"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        pytest.param(["evaluate", "entry-deterrence", "--set", "x"],
                     ["scenarios evaluate: error: argument --set: expected NAME=VALUE, got 'x'", EVALUATE_HINT],
                     id="set-without-equals"),
        pytest.param(["evaluate", "entry-deterrence", "--set", "=1"],
                     ["scenarios evaluate: error: argument --set: expected NAME=VALUE, got '=1'", EVALUATE_HINT],
                     id="set-without-name"),
        pytest.param(["evaluate", "entry-deterrence", "--set", "x="],
                     ["scenarios evaluate: error: argument --set: expected NAME=VALUE, got 'x='", EVALUATE_HINT],
                     id="set-without-value"),
        pytest.param(["evaluate", "entry-deterrence", "--top", "-1"],
                     ["scenarios evaluate: error: argument --top: expected a whole number >= 0, got '-1'",
                      EVALUATE_HINT], id="top-negative"),
        pytest.param(["evaluate", "entry-deterrence", "--top", "many"],
                     ["scenarios evaluate: error: argument --top: expected a whole number, got 'many'",
                      EVALUATE_HINT], id="top-not-a-number"),
        pytest.param(["evaluate", "entry-deterrence", "--bogus"],
                     ["scenarios evaluate: error: unrecognized arguments: --bogus", EVALUATE_HINT],
                     id="unknown-flag"),
        pytest.param(["evaluate", "entry-deterrence", "--wdth", "40"],
                     ["scenarios evaluate: error: unrecognized arguments: --wdth 40 (did you mean '--width'?)",
                      EVALUATE_HINT], id="misspelt-flag"),
        pytest.param(["evaluate"],
                     ["scenarios evaluate: error: the following arguments are required: FILE", EVALUATE_HINT],
                     id="missing-file"),
        pytest.param(["solve", "entry-deterrence", "--width", "10"],
                     ["scenarios solve: error: argument --width: expected at least 30 columns, got 10",
                      "run 'scenarios solve --help' for usage"], id="width-too-narrow"),
        pytest.param(["shwo", "entry-deterrence"],
                     ["scenarios: error: unknown command 'shwo' (did you mean 'show'?); 'scenarios --help' lists them"],
                     id="misspelt-command"),
        pytest.param(["frobnicate"], ["scenarios: error: unknown command 'frobnicate'; 'scenarios --help' lists them"],
                     id="unknown-command"),
        pytest.param([], ["scenarios: error: the following arguments are required: COMMAND",
                          "run 'scenarios --help' for usage"], id="no-command"),
        pytest.param(["--bogus"], ["scenarios: error: the following arguments are required: COMMAND",
                                   "run 'scenarios --help' for usage"], id="bad-global-flag"),
    ],
)
def test_bad_command_lines_exit_2(cli, argv, expected):
    """A usage error is one line (and a hint where to find the usage), never the usage block."""
    status, out, err = cli(*argv)
    assert (status, out) == (2, "")
    assert err.splitlines() == expected


@pytest.mark.parametrize("command", ["validate", "show", "evaluate", "solve"])
def test_missing_file_exits_1(cli, tmp_path, command):
    status, out, err = cli(command, tmp_path / "nope.yaml")
    assert status == 1 and out == ""
    m = DIAGNOSTIC.fullmatch(err.strip())
    assert m and m["file"].endswith("nope.yaml") and m["severity"] == "error"


@pytest.mark.parametrize("command", ["validate", "show", "evaluate", "solve"])
def test_invalid_file_exits_1_for_every_command(cli, command):
    status, out, err = cli(command, DATA / "invalid" / "probability_sum.yaml")
    assert status == 1 and out == ""
    assert DIAGNOSTIC.fullmatch(err.strip().splitlines()[0])


def test_directory_and_non_utf8(cli, tmp_path, write):
    assert cli("validate", tmp_path)[0] == 1
    assert cli("validate", write(b"title: \xff\xfe\n"))[0] == 1


@pytest.mark.parametrize("argv", [["--help"], ["evaluate", "--help"], ["solve", "--help"],
                                  ["validate", "--help"], ["show", "--help"], ["list", "--help"]])
def test_help(cli, argv):
    status, out, err = cli(*argv)
    assert status == 0
    assert "usage:" in out and err == ""


def test_help_lists_the_contract_commands(cli):
    _, out, _ = cli("--help")
    for command in ("list", "validate", "show", "evaluate", "solve"):
        assert command in out


def test_version(cli):
    status, out, _ = cli("--version")
    assert status == 0 and scenarios.__version__ in out

"""The installed ``scenarios`` command, run as a user runs it (a few cases; each starts Python)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import builders
from builders import DATA

SCRIPT = Path(sys.executable).with_name("scenarios")


def run(*argv, cwd=None, timeout=60):
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "scenarios"]
    proc = subprocess.run(command + [str(a) for a in argv], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout, env={**os.environ, "PYTHONWARNINGS": ""})
    return proc.returncode, proc.stdout, proc.stderr


def test_evaluate_json(tmp_path):
    path = tmp_path / "entry-deterrence.yaml"
    path.write_text(builders.entry_deterrence_yaml())
    status, out, err = run("evaluate", path, "--json", cwd=tmp_path)
    assert (status, err) == (0, "")
    doc = json.loads(out)
    assert doc["expected_payoffs"] == pytest.approx({"entrant": 0.2, "incumbent": 1.2}, rel=1e-15)
    assert doc["mode"] == "belief" and doc["scenario"] == "entry-deterrence"


def test_solve_bundled_name_from_anywhere(tmp_path):
    status, out, err = run("solve", "entry-deterrence", "--json", cwd=tmp_path)
    assert (status, err) == (0, "")
    assert json.loads(out)["choices"] == {"entry": "response", "response": "share"}


def test_invalid_file():
    path = DATA / "invalid" / "probability_sum.yaml"
    status, out, err = run("validate", path)
    assert status == 1 and out == ""
    assert err.startswith(f"{path}:8:5: error: ")
    assert "Traceback" not in err


def test_bad_command_line():
    status, out, err = run("evaluate", "entry-deterrence", "--set", "x")
    assert status == 2 and out == ""
    assert err.splitlines() == ["scenarios evaluate: error: argument --set: expected NAME=VALUE, got 'x'",
                                "run 'scenarios evaluate --help' for usage"]


def test_unknown_name_in_set():
    status, out, err = run("evaluate", "entry-deterrence", "--set", "nope=1")
    assert status == 1 and out == "" and "nope" in err and "Traceback" not in err


def test_missing_file(tmp_path):
    status, out, err = run("show", tmp_path / "missing.yaml")
    assert status == 1 and out == "" and "missing.yaml:1:1: error:" in err and "Traceback" not in err


def test_help_exit_0():
    status, out, err = run("--help")
    assert status == 0 and "usage:" in out and err == ""


def test_python_dash_m():
    proc = subprocess.run([sys.executable, "-m", "scenarios", "--help"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0 and "usage:" in proc.stdout


def test_help_does_not_import_matplotlib():
    code = ("import sys\n"
            "from scenarios.cli import main\n"
            "status = main(['--help'])\n"
            "print(status, 'matplotlib' in sys.modules, file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    status, has_matplotlib = proc.stderr.split()[-2:]
    assert status == "0"
    assert has_matplotlib == "False"


def test_too_long_file_name_is_an_error_not_a_traceback():
    status, out, err = run("validate", "a" * 300)
    assert "Traceback" not in err
    assert status == 1 and out == ""

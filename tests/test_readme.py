"""The README's examples run as written: the tour's output is exact, every command succeeds."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from doc_examples import ROOT, blocks, commands, run_python, run_scenarios, transcripts

README = "README.md"


def _run(command: str, cwd: Path) -> subprocess.CompletedProcess:
    args = command.split()[1:]  # drop the leading "scenarios"
    env = dict(os.environ, COLUMNS="100", NO_COLOR="1")
    return run_scenarios(args, cwd=cwd, env=env, stdin=subprocess.DEVNULL, timeout=300)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "docs" / "examples", tmp_path / "docs" / "examples")
    return tmp_path


TOUR = [pytest.param(command, shown, id=f"$ {command}"[:60]) for command, shown in transcripts(README)]


@pytest.mark.parametrize("command, shown", TOUR)
def test_tour_output_is_what_the_program_prints(command: str, shown: str, workdir: Path):
    result = _run(command, workdir)
    assert result.returncode == 0, result.stderr
    expected = shown.rstrip("\n").split("\n") if shown.rstrip("\n") else []
    if expected and expected[-1] == "...":  # the README shows the start of the output
        expected = expected[:-1]
        assert result.stdout.splitlines()[: len(expected)] == expected
    else:
        assert result.stdout.splitlines() == expected


@pytest.mark.parametrize("command", commands(README))
def test_every_readme_command_runs(command: str, workdir: Path):
    result = _run(command, workdir)
    assert result.returncode == 0, f"{command}\n{result.stderr}"
    assert "Traceback" not in result.stderr


def test_python_example_runs():
    [code] = [b for b in blocks(README, "python") if "import scenarios" in b]
    result = run_python(code, ROOT)
    assert result.returncode == 0, result.stderr

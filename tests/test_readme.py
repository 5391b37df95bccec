"""The README's examples run as written: the tour's output is exact, every command succeeds."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SCENARIOS = [sys.executable, "-m", "scenarios"]


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def _run(command: str, cwd: Path) -> subprocess.CompletedProcess:
    args = command.split()[1:]  # drop the leading "scenarios"
    env = dict(os.environ, COLUMNS="100", NO_COLOR="1")
    return subprocess.run(SCENARIOS + args, cwd=cwd, capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL, timeout=300)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "docs" / "examples", tmp_path / "docs" / "examples")
    return tmp_path


@pytest.mark.parametrize("block", _blocks("console"), ids=lambda b: b.splitlines()[0][:60])
def test_tour_output_is_what_the_program_prints(block: str, workdir: Path):
    command, *expected = block.rstrip("\n").split("\n")
    result = _run(command.removeprefix("$ "), workdir)
    assert result.returncode == 0, result.stderr
    if expected and expected[-1] == "...":  # the README shows the start of the output
        expected = expected[:-1]
        assert result.stdout.splitlines()[: len(expected)] == expected
    else:
        assert result.stdout.splitlines() == expected


COMMANDS = [line.split("  #")[0].strip() for block in _blocks("sh") for line in block.splitlines()
            if line.startswith("scenarios ")]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_readme_command_runs(command: str, workdir: Path):
    result = _run(command, workdir)
    assert result.returncode == 0, f"{command}\n{result.stderr}"
    assert "Traceback" not in result.stderr


def test_python_example_runs():
    [code] = [b for b in _blocks("python") if "import scenarios" in b]
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr

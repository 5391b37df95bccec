"""The whole command line against every file of tests/data/hostile/ (issue 16).

Each file is one class of hostile input (see tests/data/hostile/make.py, which wrote them):
YAML bombs and object tags, deep nesting, huge integers, lone surrogates, control
characters, expressions that try to run code or explode, cycles, thousands of problems,
HTML and Markdown in text, extends: out of the folder, saved walks that are absurd, broken
or deep, and Gambit files that are huge, deep or garbage.  Every command that reads such a
file runs in-process; :func:`hostile.check` holds it to the promises (exit 0, 1 or 2, no
traceback, bounded messages, nothing written on failure, no temporary file left).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from hostile import check, efg_commands, run_cli, scenario_commands, walk_commands

HOSTILE = Path(__file__).parent / "data" / "hostile"
sys.path.insert(0, str(HOSTILE))
import make  # noqa: E402  (tests/data/hostile/make.py: what each file is)

FILES = sorted(p for p in HOSTILE.iterdir() if p.suffix in (".yaml", ".json", ".efg"))


def test_the_folder_holds_what_make_py_writes():
    assert sorted(p.name for p in FILES) == sorted(make.FILES)
    for path in FILES:
        content = make.FILES[path.name]
        assert path.read_bytes() == (content if isinstance(content, bytes) else content.encode("utf-8")), path.name


def commands_for(path: Path, out: Path):
    if path.suffix == ".efg":
        return efg_commands(path, out)
    if path.name.startswith("walk_"):
        return walk_commands(path, out)
    return scenario_commands(path, out)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_command_on_a_hostile_file(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # anything written by mistake would land here
    statuses = []
    for argv in commands_for(path, tmp_path / "out"):
        out = tmp_path / "out"
        out.mkdir()
        run = run_cli(argv)
        check(run, out, file_name=str(path))
        statuses.append(run.status)
        for leftover in sorted(out.rglob("*"), reverse=True):
            leftover.rmdir() if leftover.is_dir() else leftover.unlink()
        out.rmdir()
    assert sorted(os.listdir(tmp_path)) == [], "written outside the output folder"
    assert not (tmp_path / "pwned").exists()
    if path.name not in ACCEPTED:
        assert set(statuses) == {1}, (path.name, statuses)  # refused by every command


#: Hostile files that are nonetheless valid scenarios (their text is only text) or,
#: for .efg, whose import is refused while ``validate`` of a .efg is refused too.
ACCEPTED = {"html_in_text.yaml", "merge_bomb.yaml", "walk_huge_seed.json", "deep.efg", "long_line.yaml"}


def test_generated_hostile_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name, content in make.generated().items():
        path = tmp_path / name
        path.write_text(content)
        out = tmp_path / "out"
        for argv in commands_for(path, out):
            out.mkdir()
            run = run_cli(argv)
            check(run, out, file_name=str(path))
            assert run.status == 1 and "100,001 choices; a walk makes at most 100,000" in run.stderr
            out.rmdir()


def test_html_in_text_stays_text_everywhere(tmp_path):
    """The one hostile file that loads: every output that can carry markup escapes it."""
    path = HOSTILE / "html_in_text.yaml"
    run = run_cli(["export", path, "--to", "html", "-o", tmp_path / "page.html"])
    assert run.status == 0, run.stderr
    page = (tmp_path / "page.html").read_text()
    assert "<script>alert(1)</script>" not in page and "<img src=x onerror" not in page
    run = run_cli(["export", path, "--to", "json", "-o", tmp_path / "s.json"])
    assert json.loads((tmp_path / "s.json").read_text())["title"] == "</script><script>alert(1)</script>"
    run = run_cli(["report", path, "-o", tmp_path / "brief"])
    markdown = (tmp_path / "brief" / "briefing.md").read_text()
    assert "<img" not in markdown and "<script" not in markdown

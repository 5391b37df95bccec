"""Hostile files (issue 16, reading and writing): special files are never read nor replaced,
existing scenario files (JSON too) are never overwritten, inputs are bounded in size.

Every case runs the command line as a user does and checks the exit code, a one-line
error on stderr without a traceback, and that nothing was written or replaced.  Special
files are made in a temporary folder (a FIFO, a link to it); the system's devices are only
ever read (/dev/zero), never offered as an output.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import scenarios
from scenarios.errors import OutputError, ScenarioFileError
from scenarios.io.atomic import write_atomic
from scenarios.io.files import InputFileError, read_text_file

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs (POSIX)")


def run(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scenarios", *args], cwd=cwd, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=60, env={**os.environ, **(env or {})})


def one_line_error(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


# -- writing --------------------------------------------------------------------------------------
@pytest.mark.parametrize("via_link", [False, True], ids=["fifo", "link-to-fifo"])
def test_a_fifo_is_never_replaced_by_an_output(tmp_path, fifo, via_link):
    target = fifo
    if via_link:
        target = tmp_path / "link.json"
        target.symlink_to(fifo)
    result = run("export", "entry-deterrence", "--to", "json", "-o", str(target), cwd=tmp_path)
    one_line_error(result, "not a regular file", "refusing to replace it")
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert target.is_symlink() == via_link
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted({fifo.name, target.name})  # no temp file left


def test_write_atomic_refuses_special_files(fifo):
    with pytest.raises(OutputError, match="not a regular file"):
        write_atomic(fifo, "x")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_json_scenario_is_not_overwritten_by_an_export(tmp_path):
    scenario = tmp_path / "real.json"
    scenario.write_text(json.dumps(scenarios.load("entry-deterrence").to_dict()))
    before = scenario.read_bytes()
    result = run("export", "entry-deterrence", "--to", "efg", "-o", str(scenario), cwd=tmp_path)
    one_line_error(result, "refusing to overwrite an existing scenario file")
    assert scenario.read_bytes() == before
    assert scenarios.load(scenario).title == "Entry deterrence"


def test_other_json_files_and_links_to_regular_files_are_replaced(tmp_path):
    plain = tmp_path / "numbers.json"
    plain.write_text('{"a": 1}')
    assert run("export", "entry-deterrence", "--to", "efg", "-o", str(plain), cwd=tmp_path).returncode == 0
    assert plain.read_text().startswith("EFG")
    # A link to a regular file: the link is replaced by the new file, its old target kept.
    kept = tmp_path / "kept.txt"
    kept.write_text("keep me")
    link = tmp_path / "out.efg"
    link.symlink_to(kept)
    assert run("export", "entry-deterrence", "--to", "efg", "-o", str(link), cwd=tmp_path).returncode == 0
    assert not link.is_symlink() and link.read_text().startswith("EFG")
    assert kept.read_text() == "keep me"


# -- reading ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("command", [["validate"], ["evaluate"], ["import"]])
def test_a_fifo_is_refused_at_once_not_read(tmp_path, fifo, command):
    target = fifo if command != ["import"] else fifo.rename(tmp_path / "game.efg")
    result = run(*command, str(target), cwd=tmp_path)  # would hang forever if the FIFO were opened
    one_line_error(result, "not a regular file")


def test_dev_zero_is_refused(tmp_path):
    one_line_error(run("validate", "/dev/zero", cwd=tmp_path), "/dev/zero:1:1: error: not a regular file")


def test_a_saved_walk_that_is_a_fifo_is_refused(tmp_path, fifo):
    result = run("play", "entry-deterrence", "--resume", str(fifo), cwd=tmp_path)
    one_line_error(result, "cannot read the saved walk", "not a regular file")


def test_an_extends_base_that_is_a_fifo_is_an_error_at_its_line(tmp_path, fifo):
    variant = tmp_path / "variant.yaml"
    variant.write_text(f"title: V\nextends: {fifo.name}\n")
    result = run("validate", str(variant), cwd=tmp_path)  # would hang if the FIFO were opened
    one_line_error(result, f"{variant}:2:10: error: extends:")  # only regular files are bases


def test_files_over_the_size_limit_are_refused_naming_the_limit(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("title: big\n" + "# padding\n" * 100)
    result = run("validate", str(big), cwd=tmp_path, env={"SCENARIOS_MAX_INPUT_BYTES": "500"})
    one_line_error(result, "more than the limit of 500 bytes", "SCENARIOS_MAX_INPUT_BYTES")
    with pytest.raises(ScenarioFileError, match="too-large|more than the limit"):
        os.environ["SCENARIOS_MAX_INPUT_BYTES"] = "500"
        try:
            scenarios.load(big)
        finally:
            del os.environ["SCENARIOS_MAX_INPUT_BYTES"]


def test_read_text_file_codes(tmp_path, fifo):
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(b"title: caf\xe9\n")
    for path, code in ((fifo, "not-regular"), (tmp_path, "no-file"), (tmp_path / "missing", "no-file"),
                       (bad, "encoding")):
        with pytest.raises(InputFileError) as info:
            read_text_file(path)
        assert info.value.code == code


# -- bounded work -----------------------------------------------------------------------------------
@pytest.mark.parametrize("args, words", [
    (["simulate", "entry-deterrence", "-n", "1000000000000"], ["at most 1,000,000,000 paths"]),
    (["simulate", "entry-deterrence", "--uncertainty", "-n", "1000000000000"],
     ["1,000,000,000,000 draws: at most 10,000,000 parameter draws"]),
    (["chart", "oil-wildcatter", "psa", "-o", "c.png", "--psa", "1000000000000"],
     ["1,000,000,000,000 draws: at most 10,000,000 parameter draws"]),
    (["simulate", "entry-deterrence", "--paths", "-n", "100000000"], ["at most 10,000,000 paths are kept"]),
    (["draw", "entry-deterrence", "-o", "t.png", "--dpi", "1e6"], ["at most 2,400 dots per inch"]),
    (["draw", "entry-deterrence", "-o", "t.png", "--width", "1e9"], ["the limit is 32,768"]),
    (["draw", "entry-deterrence", "-o", "t.png", "--height", "400", "--dpi", "100"], ["the limit is 32,768"]),
    (["chart", "entry-deterrence", "outcomes", "-o", "c.png", "--dpi", "5000"], ["the limit is 32,768"]),
    (["report", "entry-deterrence", "-o", "pack", "--dpi", "1e6"], ["at most 2,400 dots per inch"]),
], ids=lambda x: " ".join(x) if isinstance(x, list) and x and x[0] in ("simulate", "draw", "chart", "report") else "")
def test_absurd_sizes_are_refused_up_front_naming_the_limit(tmp_path, args, words):
    result = run(*args, cwd=tmp_path)
    one_line_error(result, *words)
    assert list(tmp_path.iterdir()) == []  # nothing written


# -- hostile content ------------------------------------------------------------------------------
def test_integers_past_pythons_conversion_limit_are_file_errors(tmp_path):
    digits = "9" * 5000
    scenario = tmp_path / "big.json"
    scenario.write_text('{"title": "t", "actors": {"a": {"name": "A"}}, '
                        f'"nodes": {{"o": {{"kind": "outcome", "payoffs": {{"a": {digits}}}}}}}}}')
    one_line_error(run("validate", str(scenario), cwd=tmp_path), f"{scenario}:1:", "must be a finite number")
    game = tmp_path / "big.efg"
    game.write_text(f'EFG 2 R "g" {{ "A" }}\n""\nt "" 1 "o" {{ {digits} }}\n')
    result = run("import", str(game), cwd=tmp_path)
    one_line_error(result, f"{game}:3:14: error:", "(5,000 characters) has too many digits")
    assert len(result.stderr) < 300  # the input is not echoed whole
    game.write_text(f'EFG 2 R "g" {{ "A" }}\n""\nt "" {digits} "o" {{ 1 }}\n')
    one_line_error(run("import", str(game), cwd=tmp_path), f"{game}:3:6: error:", "is too large")


def test_text_with_a_lone_surrogate_is_a_scenario_error():
    with pytest.raises(ScenarioFileError, match=r"<string>:2:10: error: not valid Unicode text"):
        scenarios.loads("title: t\nsummary: \ud800\n")


def test_the_markdown_briefing_escapes_text_from_the_scenario(tmp_path):
    data = scenarios.load("entry-deterrence").to_dict()
    data["title"] = "T <script>alert(1)</script>"
    data["nodes"]["war"]["label"] = "<img src=x onerror=alert(1)> | *war*"
    path = tmp_path / "hostile.yaml"
    path.write_text(json.dumps(data))  # JSON is YAML
    result = run("report", str(path), "-o", "pack", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    markdown = (tmp_path / "pack" / "briefing.md").read_text()
    assert "<img" not in markdown and "<script" not in markdown and "</script>" not in markdown
    assert "&lt;img src=x onerror=alert(1)&gt; \\| \\*war\\*" in markdown


def test_a_report_folder_that_cannot_be_made_is_an_output_error(tmp_path, monkeypatch):
    """A read-only or full file system (simulated: root may write anywhere) is one line."""
    import errno

    from scenarios.briefing.pack import write_report

    def refuse(self, *args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(os, "mkdir", refuse)
    with pytest.raises(OutputError, match=r"pack: error: cannot make the folder \(Read-only file system\)"):
        write_report(scenarios.load("entry-deterrence"), tmp_path / "pack")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("failure", [KeyboardInterrupt, OSError(28, "No space left on device")],
                         ids=["interrupted", "disk full"])
@pytest.mark.parametrize("before", ["nothing", "an old pack"])
def test_a_report_that_fails_half_way_leaves_the_old_pack_or_nothing(tmp_path, monkeypatch, failure, before):
    """The PDF is written last: failing there, after every image and briefing.md were made,
    must leave no partial folder, no PDF and no temporary file, and an old pack untouched."""
    from scenarios.briefing import pack

    scenario = scenarios.load("entry-deterrence")
    if before == "an old pack":
        pack.write_report(scenario, tmp_path / "brief")
    old = {p.relative_to(tmp_path): p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file()}

    def fail(path, content):
        Path(path).write_bytes(b"%PDF-1.4 half")
        raise failure

    monkeypatch.setattr(pack, "_write_pdf", fail)
    with pytest.raises(KeyboardInterrupt if failure is KeyboardInterrupt else OutputError):
        pack.write_report(scenario, tmp_path / "brief")
    now = {p.relative_to(tmp_path): p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file()}
    assert now == old
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_new_report_replaces_the_old_pack_whole(tmp_path):
    from scenarios.briefing.pack import write_report

    write_report(scenarios.load("entry-deterrence"), tmp_path / "brief")
    (tmp_path / "brief" / "stale.png").write_bytes(b"old")
    report = write_report(scenarios.load("oil-wildcatter"), tmp_path / "brief")
    assert sorted(p.name for p in (tmp_path / "brief").iterdir()) == sorted(
        [report.markdown.name, *(p.name for p in report.images)])
    assert "oil wildcatter" in report.markdown.read_text() and report.pdf.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief", "brief.pdf"]


@pytest.mark.parametrize("mutate, words", [
    (lambda d: d.update(rolls=10**12), ["'rolls' is 1,000,000,000,000; a walk makes at most 1,000,000"]),
    (lambda d: d.update(choices=[{"at": "entry", "to": "x", "how": "chose", "draw": None}] * 200_000),
     ["200,000 choices; a walk makes at most 100,000"]),
    (lambda d: d.update(choices="[" * 100_000), ["'choices' must be a list"]),
], ids=["absurd rolls", "too many choices", "long garbage"])
def test_hostile_saved_walks_are_refused_briefly(tmp_path, mutate, words):
    from scenarios.walk import Walk

    data = json.loads(Walk(scenarios.load("entry-deterrence"), seed=1).dumps())
    mutate(data)
    saved = tmp_path / "walk.json"
    saved.write_text(json.dumps(data))
    result = run("play", "entry-deterrence", "--resume", str(saved), cwd=tmp_path)
    one_line_error(result, *words)
    assert len(result.stderr) < 500


def test_a_deeply_nested_saved_walk_is_refused(tmp_path):
    saved = tmp_path / "walk.json"
    saved.write_text("[" * 100_000 + "]" * 100_000)
    result = run("play", "entry-deterrence", "--resume", str(saved), cwd=tmp_path)
    one_line_error(result, "nested too deeply")


@pytest.mark.parametrize("address, seconds", [("garbage address", 5), ("tcp://127.0.0.1:9", 20)],
                         ids=["garbage", "closed port"])
def test_an_unreachable_dask_scheduler_is_one_line_within_seconds(tmp_path, address, seconds):
    pytest.importorskip("distributed")
    import time

    start = time.monotonic()
    result = run("simulate", "entry-deterrence", "-n", "100", "--dask", address, cwd=tmp_path,
                 env={"SCENARIOS_DASK_TIMEOUT": "3s"})
    one_line_error(result, f"--dask {address}: cannot reach the Dask scheduler")
    assert result.stderr.count("\n") == 1
    assert time.monotonic() - start < seconds


# -- extends: stays in the scenario's folder unless allowed ------------------------------------------
@pytest.fixture
def bases(tmp_path: Path) -> Path:
    (tmp_path / "sub").mkdir()
    (tmp_path / "base.yaml").write_text(
        "title: Base\nnodes:\n  flip: {kind: chance, branches: [{to: a, p: 0.5}, {to: b, p: rest}]}\n"
        "  a: {kind: outcome}\n  b: {kind: outcome}\n")
    (tmp_path / "sub" / "link.yaml").symlink_to(tmp_path / "base.yaml")
    return tmp_path


@pytest.mark.parametrize("target, words", [
    ("../base.yaml", "is outside the scenario's folder"),
    ("link.yaml", "is outside the scenario's folder"),  # a link pointing out of the folder
    ("/etc/passwd", "is an absolute path"),
    ("{base}/base.yaml", "is an absolute path"),
    ("./../sub/../base.yaml", "is outside the scenario's folder"),
], ids=["parent", "link out", "system file", "absolute inside", "dots"])
def test_extends_outside_the_folder_needs_the_flag(bases, target, words):
    variant = bases / "sub" / "variant.yaml"
    variant.write_text(f"title: V\nextends: {target.format(base=bases)}\n")
    result = run("validate", "sub/variant.yaml", cwd=bases)
    one_line_error(result, "sub/variant.yaml:2:10: error: extends: ", words, "--extends-anywhere")
    assert "root:" not in result.stderr  # nothing of /etc/passwd is echoed
    with pytest.raises(ScenarioFileError, match=words):
        scenarios.load(variant)


def test_extends_inside_the_folder_and_bundled_names_need_no_flag(bases):
    (bases / "sub" / "inner").mkdir()
    (bases / "sub" / "inner" / "base.yaml").write_text((bases / "base.yaml").read_text())
    (bases / "sub" / "v1.yaml").write_text("title: V1\nextends: inner/base.yaml\n")
    (bases / "sub" / "v2.yaml").write_text("title: V2\nextends: entry-deterrence\n")
    for name in ("v1", "v2"):
        result = run("validate", f"sub/{name}.yaml", cwd=bases)
        assert result.returncode == 0, result.stderr


def test_the_flag_allows_a_base_anywhere(bases):
    (bases / "sub" / "variant.yaml").write_text(f"title: V\nextends: {bases}/base.yaml\n")
    (bases / "sub" / "up.yaml").write_text("title: U\nextends: ../base.yaml\n")
    for name in ("variant", "up"):
        result = run("evaluate", f"sub/{name}.yaml", "--extends-anywhere", "--json", cwd=bases)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["outcomes"][0]["probability"] == 0.5
    assert scenarios.load(bases / "sub" / "up.yaml", extends_anywhere=True).title == "U"


# -- messages that echo input are bounded -------------------------------------------------------------
def test_a_huge_name_in_a_message_is_cut_in_the_middle(tmp_path):
    name = "k" * 100_000  # JSON: YAML refuses keys over 1,024 characters by itself
    (tmp_path / "big.json").write_text(json.dumps({"title": "T", name: 1, "nodes": {"a": {"kind": "outcome"}}}))
    result = run("validate", "big.json", cwd=tmp_path)
    one_line_error(result, "big.json:1:", ": error: unknown top-level key 'kkkk", " […] ")
    assert len(result.stderr) < 600


def test_thousands_of_problems_print_the_first_thousand_and_a_count(tmp_path):
    nodes = "".join(f"  n{i}: {{kind: outcome, colour: red}}\n" for i in range(3000))
    (tmp_path / "many.yaml").write_text("title: T\nnodes:\n" + nodes)
    result = run("validate", "many.yaml", cwd=tmp_path)
    lines = result.stderr.splitlines()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    # 3,000 errors and 2,999 warnings (unreachable nodes)
    assert len(lines) == 1001 and lines[-1] == "… and 4,999 more problems (not shown)"
    with pytest.raises(ScenarioFileError) as caught:  # the API keeps every one
        scenarios.load(tmp_path / "many.yaml")
    assert len(caught.value.diagnostics) == 5999


def test_a_huge_command_line_value_is_echoed_cut(tmp_path):
    result = run("evaluate", "entry-deterrence", "--top", "9" * 10_000 + "x", cwd=tmp_path)
    assert result.returncode == 2 and len(result.stderr) < 1500, len(result.stderr)


# -- found by a new user's review ------------------------------------------------------------------
def test_a_reserved_parameter_name_says_so(tmp_path):
    (tmp_path / "r.yaml").write_text("title: T\nparameters: {min: 3}\nnodes: {a: {kind: outcome}}\n")
    one_line_error(run("validate", "r.yaml", cwd=tmp_path), "r.yaml:2:14: error: parameter name 'min' is reserved")


@pytest.mark.parametrize("out, words", [("", "give the briefing pack a name"),
                                        ("a" * 300, "cannot write there (File name too long)")],
                         ids=["empty", "too long"])
def test_report_names_that_cannot_be_used_are_one_line(tmp_path, out, words):
    one_line_error(run("report", "entry-deterrence", "-o", out, cwd=tmp_path), words)
    assert list(tmp_path.iterdir()) == []


def test_control_characters_in_names_from_the_command_line_are_shown_escaped(tmp_path):
    (tmp_path / "f\x1b[31m.json").write_text('{"title": "A\\rB", "nodes": {"a": {"kind": "outcome"}}}')
    result = run("validate", "f\x1b[31m.json", cwd=tmp_path)
    one_line_error(result, "f\\x1b[31m.json:1:11: error: 'title' contains the control character U+000D")
    assert "\x1b" not in result.stderr and "\r" not in result.stderr
    result = run("evaluate", "entry-deterrence", "--set", "x\x1b[2J=1", cwd=tmp_path)
    one_line_error(result, "--set x\\x1b[2J: unknown parameter")


@pytest.mark.parametrize("args", [["--lambda", "2e307"], ["--lambda-max", "1e308", "--draws", "50"]])
def test_cea_refuses_a_willingness_to_pay_past_float_range(tmp_path, args):
    example = Path(__file__).parents[1] / "docs" / "examples" / "screening-cea.yaml"
    one_line_error(run("cea", str(example), "--actor", "health", *args, cwd=tmp_path),
                   "the net benefit is not a finite number")

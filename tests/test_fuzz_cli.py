"""Fuzzing the command line's file inputs with hypothesis (issue 16).

Three kinds of file reach the command line: scenario files (YAML and JSON), saved walks
(JSON) and Gambit games (.efg).  Each test starts from real files of that kind and mutates
them: bytes flipped, inserted, deleted or cut; lines repeated, swapped or dropped; or (for
JSON) a value anywhere in the document replaced by a hostile one (huge or non-finite
numbers, deep nesting, long or odd text, wrong types).  Whatever comes out, the commands
that read it must keep the promises of :func:`hostile.check`: exit 0, 1 or 2, no
traceback, bounded messages, nothing written on failure, no temporary file left.

``FUZZ_EXAMPLES=N`` runs N examples per test (default 60, so the suite stays quick).
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostile import check, run_cli
from scenarios.io.catalog import bundled_path

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
DATA = Path(__file__).parent / "data"

SCENARIO_SEEDS = [bundled_path(n).read_bytes() for n in ("entry-deterrence", "oil-wildcatter")] + [
    (DATA / "valid" / "everything.yaml").read_bytes(), (DATA / "valid" / "shared_outcome_dag.json").read_bytes()]
WALK_SEED = json.dumps({
    "format": "scenarios-walk", "version": 1, "scenario": "entry-deterrence", "seed": 3, "overrides": {},
    "choices": [{"at": "entry", "to": "response", "how": "chose", "draw": None},
                {"at": "response", "to": "share", "how": "rolled", "draw": 0}],
    "rolls": 1, "path": ["entry", "response", "share"], "probability": 0.35}).encode()
EFG_SEEDS = [(DATA / "interop" / name).read_bytes() for name in ("entry-with-demand.efg", "matching-pennies.efg")]

BIG = "<an integer of 5,001 digits>"  # json cannot write one: put in as text, below
HOSTILE_VALUES = st.one_of(
    st.integers(min_value=-10 ** 30, max_value=10 ** 30), st.floats(allow_nan=True, allow_infinity=True),
    st.just(BIG), st.booleans(), st.none(), st.text(max_size=30),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x3000), max_size=30),
    st.just("x" * 20_000), st.just("rest"), st.just("__import__('os').system('true')"),
    st.just("9 ** 9 ** 9"), st.just("log(0)"), st.just([[[[[]]]]]), st.just({"a": {"b": None}}),
    st.integers(1, 5000).map(lambda n: "(" * n + "1" + ")" * n),
)


@st.composite
def mutated_bytes(draw, seeds: list[bytes]) -> bytes:
    """A seed file with a few byte- or line-level changes."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "cut", "repeat-line", "drop-line", "swap-lines"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(st.sampled_from([b"{", b"[", b"}", b":", b"\n", b"  ", b"- ", b"&a ", b"*a", b"!!str ",
                                                b"\x00", b"\xff", b"1e999", b"'", b'"', b"#", b"rest", b"-1"]))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 20))]
        elif kind == "cut":
            del data[at:]
        else:
            lines = bytes(data).split(b"\n")
            i, j = (draw(st.integers(0, len(lines) - 1)) for _ in range(2))
            if kind == "repeat-line":
                lines.insert(i, lines[i])
            elif kind == "drop-line" and len(lines) > 1:
                del lines[i]
            else:
                lines[i], lines[j] = lines[j], lines[i]
            data = bytearray(b"\n".join(lines))
    return bytes(data)


@st.composite
def mutated_json(draw, seed: object) -> bytes:
    """A JSON document with one to three values (anywhere) replaced by hostile ones."""
    doc = json.loads(json.dumps(seed))
    for _ in range(draw(st.integers(1, 3))):
        holders = []  # (container, key) of every value in the document
        stack = [doc]
        while stack:
            node = stack.pop()
            items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
            for key, value in items:
                holders.append((node, key))
                stack.append(value)
        if not holders:
            break
        container, key = draw(st.sampled_from(holders))
        container[key] = copy.deepcopy(draw(HOSTILE_VALUES))  # st.just gives one object: never share it
    return json.dumps(doc).replace(json.dumps(BIG), "1" + "0" * 5000).encode()


def run_on(content: bytes, suffix: str, commands) -> None:
    """Write ``content`` to a fresh file and run every command of ``commands(path, out)`` on it."""
    folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
    try:
        path = folder / f"input{suffix}"
        path.write_bytes(content)
        for argv in commands(path, folder / "out"):
            (folder / "out").mkdir()
            check(run_cli(argv), folder / "out", file_name=str(path))
            shutil.rmtree(folder / "out")
        assert sorted(p.name for p in folder.iterdir()) == [path.name]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def reading(path: Path, out: Path):
    return [["validate", path], ["evaluate", path, "--json"], ["solve", path],
            ["export", path, "--to", "json", "-o", out / "s.json"]]


@FUZZ
@given(content=mutated_bytes(SCENARIO_SEEDS), suffix=st.sampled_from([".yaml", ".json"]))
def test_fuzz_scenario_files(content, suffix):
    run_on(content, suffix, reading)


@FUZZ
@given(content=mutated_json(json.loads((DATA / "valid" / "shared_outcome_dag.json").read_text())))
def test_fuzz_scenario_values(content):
    run_on(content, ".json", lambda path, out: [*reading(path, out), ["draw", path, "-o", out / "t.svg"],
                                                ["play", path, "--auto", "--seed", "2"]])


def resuming(path: Path, out: Path):
    return [["play", "entry-deterrence", "--resume", path, "--auto", "--save", out / "w.json"]]


@FUZZ
@given(content=st.one_of(mutated_bytes([WALK_SEED]), mutated_json(json.loads(WALK_SEED))))
def test_fuzz_saved_walks(content):
    run_on(content, ".json", resuming)


def importing(path: Path, out: Path):
    return [["import", path, "-o", out / "game.yaml"]]


@FUZZ
@given(content=mutated_bytes(EFG_SEEDS))
def test_fuzz_gambit_files(content):
    run_on(content, ".efg", importing)

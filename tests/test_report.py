"""The briefing pack (scenarios.render.report) and the draw/chart/report commands.

Commands are run as a user runs them (a subprocess): exit codes, standard output versus
standard error, no traceback, exactly the expected files with the right signatures and
nothing else.  Atomic writing is checked by interrupting a save half way.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

import scenarios  # noqa: E402
from scenarios.briefing.pack import report_paths, write_report  # noqa: E402
from scenarios.io.atomic import OutputError  # noqa: E402
from scenarios.render.save import UnknownOutputFormatError, save_figure  # noqa: E402

SIGNATURES = {".png": b"\x89PNG\r\n\x1a\n", ".pdf": b"%PDF-", ".svg": b"<?xml"}


def all_files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def has_signature(path: Path) -> bool:
    data = path.read_bytes()
    return len(data) > 100 and data.startswith(SIGNATURES[path.suffix])


def pdf_pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))


# -- the pack ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def donbas_pack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pack")
    report = write_report(scenarios.load("donbas-recognition-2022"), folder / "donbas")
    return folder, report


def test_pack_writes_exactly_its_files(donbas_pack):
    folder, report = donbas_pack
    images = ["outcomes.png", "strategic.png", "tags.png", "tornado.png", "tree.png"]
    assert all_files(folder) == {"donbas.pdf", "donbas/briefing.md"} | {f"donbas/{i}" for i in images}
    assert sorted(p.name for p in report.images) == images
    assert all(has_signature(p) for p in report.images) and has_signature(report.pdf)
    assert report.notes == ()


def test_markdown_embeds_every_image_and_the_numbers(donbas_pack):
    folder, report = donbas_pack
    text = report.markdown.read_text(encoding="utf-8")
    embedded = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert sorted(embedded) == sorted(p.name for p in report.images)
    s = scenarios.load("donbas-recognition-2022")
    belief, solved = s.evaluate(top=5), s.solve()
    assert text.startswith(f"# {s.title}\n") and "As of 2022-02-16." in text
    from scenarios.render.tree import format_number, format_probability

    for key, actor in s.actors.items():
        row = f"| {actor.name} | {format_number(belief.expected_payoffs[key])} | " \
              f"{format_number(solved.expected_payoffs[key])} |"
        assert row in text
    top = belief.paths[0]
    assert f"| 1 | {format_probability(top.probability)} |" in text
    assert s.nodes[top.nodes[-1]].text.split()[0] in text  # the narrative of the top path
    for node_id, child in solved.choices.items():
        label = next(b.label for b in s.nodes[node_id].branches if b.to == child)
        assert label in text
    assert "## Sources" in text and all(src.title in text for src in s.sources.values())


def test_markdown_words_over_names_and_paths_named_as_paths(donbas_pack):
    """Parameters by their descriptions (names only where a parameter has none); a path's
    heading says it is a path, its probability the path's; the most likely outcome and the
    most likely path each named as such."""
    from scenarios.labels import parameter_label
    from scenarios.render.tree import format_probability

    _, report = donbas_pack
    text = report.markdown.read_text(encoding="utf-8")
    s = scenarios.load("donbas-recognition-2022")
    section = text[text.index("## Sensitivity"):]
    section = section[:section.index("\n## ")] if "\n## " in section else section
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| parameter")
            and not line.startswith("| ---")]
    ranged = [n for n, p in s.parameters.items() if p.low is not None and p.high is not None]
    assert len(rows) == len(ranged)
    for name in ranged:
        label = parameter_label(s, name)
        assert label != name and f"| {label} |" in section
        assert f"| {name} |" not in section
    belief = s.evaluate(top=5)
    for i, path in enumerate(belief.paths, 1):
        assert (f"**Path {i}, ending in {s.nodes[path.nodes[-1]].label}** "
                f"(p = {format_probability(path.probability)}, the whole path)") in text
    top = belief.outcomes[0]
    assert f"Most likely outcome: **{top.label}** (p = {format_probability(top.probability)})." in text
    assert "Most likely path: " in text and text.count("Most likely path: ") == 1


def test_pdf_has_title_figures_tables_and_sources(donbas_pack):
    _, report = donbas_pack
    # Title page, tree, outcomes, tags, paths (2 pages), strategic tree, choices, tornado, sources.
    assert pdf_pages(report.pdf) >= 9
    assert b"Donbas 2022" in report.pdf.read_bytes()  # the document's title metadata


def test_pdf_choices_table_shows_labels_as_written(tmp_path, monkeypatch):
    """Markdown's escapes (``\\*``, ``\\|``, ``&lt;``) belong in briefing.md only: the PDF's
    choices table draws the file's words as written."""
    import builders
    from scenarios.render.pages import TextPages

    data = builders.entry_deterrence()
    data["actors"]["entrant"]["name"] = "Entrant_[A]"
    data["nodes"]["entry"]["label"] = "Enter? (#1 <first> & *only*)"
    data["nodes"]["entry"]["branches"][1]["label"] = "Enter | fast_track"
    tables = []
    real = TextPages.table

    def record(self, headers, rows, fractions):
        tables.append((headers, rows))
        return real(self, headers, rows, fractions)

    monkeypatch.setattr(TextPages, "table", record)
    report = write_report(builders.build(data), tmp_path / "pack")
    (rows,) = [rows for headers, rows in tables if headers[:3] == ["decision", "actor", "choice"]]
    assert ["Enter? (#1 <first> & *only*)", "Entrant_[A]", "Enter | fast_track"] in [r[:3] for r in rows]
    assert not any("\\" in cell or "&lt;" in cell for row in rows for cell in row)
    md = (report.folder / "briefing.md").read_text(encoding="utf-8")
    assert "| Enter? (\\#1 &lt;first&gt; &amp; \\*only\\*) | Entrant\\_\\[A\\] | Enter \\| fast\\_track |" in md


def test_small_scenario_without_ranges_notes_the_missing_tornado(tmp_path):
    report = write_report(scenarios.load("entry-deterrence"), tmp_path / "entry.pdf")
    assert report.pdf == tmp_path / "entry.pdf" and report.folder == tmp_path / "entry"
    assert "tornado.png" not in {p.name for p in report.images}
    assert any("low/high range" in n for n in report.notes)
    assert "No tornado diagram" in report.markdown.read_text(encoding="utf-8")


def test_rewriting_a_pack_and_refusing_other_folders(tmp_path):
    s = scenarios.load("entry-deterrence")
    write_report(s, tmp_path / "brief")
    write_report(s, tmp_path / "brief", theme="print")  # a pack folder may be rewritten
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "holiday.jpg").write_bytes(b"x")
    with pytest.raises(OutputError, match="not a briefing pack"):
        write_report(s, tmp_path / "photos")
    with pytest.raises(OutputError, match="does not exist"):
        write_report(s, tmp_path / "missing" / "brief")
    assert report_paths("a/b.PDF") == (Path("a/b.PDF").with_name("b.pdf"), Path("a/b"))


# -- atomic writes ----------------------------------------------------------------------------------

def test_interrupted_figure_save_leaves_nothing(tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    from scenarios.render.tree import draw_tree

    fig = draw_tree(scenarios.load("entry-deterrence")).figure
    real = Figure.savefig

    def half_then_fail(self, fname, **kwargs):
        Path(fname).write_bytes(b"\x89PNG partial")  # half written ...
        raise KeyboardInterrupt  # ... then interrupted

    monkeypatch.setattr(Figure, "savefig", half_then_fail)
    with pytest.raises(KeyboardInterrupt):
        save_figure(fig, tmp_path / "tree.png")
    assert all_files(tmp_path) == set()
    monkeypatch.setattr(Figure, "savefig", real)
    save_figure(fig, tmp_path / "tree.png")
    assert all_files(tmp_path) == {"tree.png"}


def test_interrupted_pdf_leaves_no_partial_pdf(tmp_path, monkeypatch):
    from matplotlib.backends import backend_pdf

    calls = []

    def fail_on_third_page(self, figure=None, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(self, figure, **kwargs)

    real = backend_pdf.PdfPages.savefig
    monkeypatch.setattr(backend_pdf.PdfPages, "savefig", fail_on_third_page)
    with pytest.raises(OutputError, match="No space left"):
        write_report(scenarios.load("entry-deterrence"), tmp_path / "brief")
    assert not any(name.endswith(".pdf") or ".tmp" in name for name in all_files(tmp_path))


def test_save_checks_format_and_scenario_files(tmp_path):
    from scenarios.render.save import new_figure

    fig = new_figure(2, 2)
    with pytest.raises(UnknownOutputFormatError, match="use .png, .svg or .pdf"):
        save_figure(fig, tmp_path / "x.jpg")
    scenario_file = tmp_path / "mine.yaml"
    scenario_file.write_text("title: keep me\n")
    with pytest.raises(UnknownOutputFormatError):
        save_figure(fig, scenario_file)
    assert scenario_file.read_text() == "title: keep me\n"


# -- the commands, as a user runs them ------------------------------------------------------------------

def run(*argv, cwd=None):
    env = dict(os.environ, MPLBACKEND="Agg")
    return subprocess.run([sys.executable, "-m", "scenarios", *map(str, argv)], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=120)


@pytest.mark.parametrize("suffix, extra", [(".png", ["--highlight", "likely", "--value", "russia"]),
                                           (".svg", ["--theme", "dark", "--top-down"]),
                                           (".pdf", ["--theme", "print", "--prune", "0.05"])])
def test_draw_writes_one_file_of_the_right_type(tmp_path, suffix, extra):
    out = tmp_path / f"tree{suffix}"
    done = run("draw", "donbas-recognition-2022", "-o", out, *extra)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out) and done.stderr == ""
    assert all_files(tmp_path) == {out.name} and has_signature(out)


def test_chart_and_report_commands(tmp_path):
    done = run("chart", "oil-wildcatter", "tornado", "-o", tmp_path / "t.png", "--policy", "reoptimize")
    assert done.returncode == 0, done.stderr
    assert has_signature(tmp_path / "t.png")
    done = run("report", "entry-deterrence", "-o", tmp_path / "brief", "--theme", "print")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(tmp_path / "brief.pdf"), str(tmp_path / "brief" / "briefing.md")]
    assert done.stderr.startswith("note: No tornado diagram")
    assert all_files(tmp_path) >= {"t.png", "brief.pdf", "brief/briefing.md", "brief/tree.png"}
    assert not [f for f in all_files(tmp_path) if ".tmp" in f]


@pytest.mark.parametrize("argv, message", [
    (["draw", "entry-deterrence", "-o", "{tmp}/tree.jpg"], "unknown output format '.jpg'"),
    (["draw", "entry-deterrence", "-o", "{tmp}/no/such/folder/tree.png"], "does not exist"),
    (["draw", "entry-deterrence", "-o", "{tmp}/file.txt/tree.png"], "does not exist"),
    (["draw", "entry-deterrence", "-o", "{tmp}/tree.png", "--highlight", "entry,war"], "no branch"),
    (["draw", "entry-deterrence", "-o", "{tmp}/tree.png", "--given", "nowhere"], "unknown node"),
    (["chart", "entry-deterrence", "pie", "-o", "{tmp}/c.png"], "unknown chart 'pie'"),
    (["report", "entry-deterrence", "-o", "{tmp}/file.txt/brief"], "does not exist"),
], ids=["format", "folder", "folder-is-a-file", "path", "given", "chart", "report-folder"])
def test_errors_exit_1_with_a_clear_message_and_write_nothing(tmp_path, argv, message):
    (tmp_path / "file.txt").write_text("not a folder")
    done = run(*[a.format(tmp=tmp_path) for a in argv])
    assert done.returncode == 1
    assert message in done.stderr and "Traceback" not in done.stderr and done.stdout == ""
    assert all_files(tmp_path) == {"file.txt"}


def test_usage_errors_exit_2(tmp_path):
    done = run("draw", "entry-deterrence", "-o", tmp_path / "t.png", "--prune", "1.5")
    assert done.returncode == 2 and "--prune" in done.stderr
    assert all_files(tmp_path) == set()


def test_never_overwrites_a_scenario_file(tmp_path):
    scenario_file = tmp_path / "entry.yaml"
    text = scenarios.load("entry-deterrence").to_yaml() if hasattr(scenarios.Scenario, "to_yaml") else \
        Path(scenarios.load("entry-deterrence").filename).read_text(encoding="utf-8")
    scenario_file.write_text(text, encoding="utf-8")
    for argv in (["draw", scenario_file, "-o", scenario_file],
                 ["chart", scenario_file, "outcomes", "-o", scenario_file]):
        done = run(*argv)
        assert done.returncode == 1 and "Traceback" not in done.stderr
    assert scenario_file.read_text(encoding="utf-8") == text


def test_help_does_not_import_matplotlib():
    code = ("import sys\nfrom scenarios.cli import main\n"
            "main(['draw', '--help'])\nprint('matplotlib' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "--highlight" in done.stdout and done.stderr.strip() == "False"


def test_a_scenario_without_actors_gets_a_report(tmp_path, cli):
    """No actor to take a payoff of: the default metric is P(the most likely outcome)."""
    path = tmp_path / "coin.yaml"
    path.write_text("title: Coin\nnodes:\n  flip: {kind: chance, branches: [{to: heads, p: 0.3}, "
                    "{to: tails, p: rest}]}\n  heads: {kind: outcome}\n  tails: {kind: outcome}\n")
    code, out, err = cli("report", str(path), "-o", str(tmp_path / "pack"))
    assert code == 0, err
    assert (tmp_path / "pack.pdf").stat().st_size > 0 and "Traceback" not in err


def test_pack_and_deck_leave_no_figure_open_and_never_start_pyplot(tmp_path):
    """Under pyplot (a notebook), pyplot keeps every figure it made until closed and warns past
    20: a report closes its figures once written, three reports in a row raise no warning.
    Without pyplot, writing a deck does not import it (which would make every later figure of
    the process a pyplot one)."""
    code = f"""
import sys, warnings
warnings.simplefilter("error")
import matplotlib
matplotlib.use("Agg")
import scenarios
from scenarios.briefing.deck import write_deck
from scenarios.briefing.pack import write_report
write_deck(scenarios.load("entry-deterrence"), r"{tmp_path / 'deck.pptx'}")
print("pyplot after the deck:", "matplotlib.pyplot" in sys.modules)
import matplotlib.pyplot as plt
for i in range(3):
    write_report(scenarios.load("oil-wildcatter"), r"{tmp_path}" + f"/pack{{i}}")
print("open figures:", plt.get_fignums())
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[:2] == ["pyplot after the deck: False", "open figures: []"], done.stdout

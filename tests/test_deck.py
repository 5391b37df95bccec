"""The briefing deck (``scenarios report --format pptx``), read back with python-pptx.

The deck's native charts must hold the analysis' numbers, and those are checked against
the brute-force reference (tests/reference.py), not against the code that made them:
the outcome distribution, the tags, every tornado bar (the metric re-evaluated by the
reference with the one parameter moved) and the evidence timeline (the reference
conditioned and overridden as each date says).  The layout is checked as geometry (every
box on its slide, no two text boxes overlapping, no text under 12 pt) and by rendering
the deck with LibreOffice (once per session) to one PNG per slide.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
import yaml  # noqa: E402

pptx = pytest.importorskip("pptx", reason="python-pptx is not installed (pip install 'scenarios[pptx]')")

from pptx.enum.chart import XL_CHART_TYPE  # noqa: E402
from pptx.enum.shapes import MSO_SHAPE_TYPE  # noqa: E402
from pptx.util import Emu  # noqa: E402

import scenarios  # noqa: E402
import scenarios.io.catalog  # noqa: E402
from reference import Reference  # noqa: E402
from scenarios.briefing.deck import write_deck  # noqa: E402
from scenarios.briefing.slidekit import BODY_MIN, short  # noqa: E402
from scenarios.errors import OutputError  # noqa: E402
from scenarios.labels import parameter_label  # noqa: E402
from scenarios.model import DISCLAIMER  # noqa: E402

TOL = 1e-9
DONBAS = "donbas-recognition-2022"


def reference(name: str, overrides=None) -> Reference:
    s = scenarios.load(name)
    data = yaml.safe_load(scenarios.io.catalog.bundled_path(name).read_text(encoding="utf-8"))
    if "extends" in data:
        data = s.to_dict()
    return Reference(data, overrides)


@pytest.fixture(scope="module")
def donbas_deck(tmp_path_factory):
    path = tmp_path_factory.mktemp("deck") / "donbas.pptx"
    deck = write_deck(scenarios.load(DONBAS), path)
    return deck, pptx.Presentation(str(path))


def slide_titled(prs, title: str):
    found = [s for s in prs.slides if any(sh.has_text_frame and sh.text_frame.text == title for sh in s.shapes)]
    assert len(found) == 1, title
    return found[0]


def charts(slide):
    return [sh.chart for sh in slide.shapes if sh.has_chart]


def all_text(prs) -> str:
    parts = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(parts)


# -- what the deck holds --------------------------------------------------------------------------

def test_slides_in_order_and_16_9(donbas_deck):
    deck, prs = donbas_deck
    assert len(prs.slides) == len(deck.slides) == 20
    assert (prs.slide_width, prs.slide_height) == (Emu(12192000), Emu(6858000)) or \
        abs(prs.slide_width / prs.slide_height - 16 / 9) < 1e-3
    firsts = [t for t in deck.slides if not t.endswith("(continued)")]
    assert firsts == [scenarios.load(DONBAS).title, "Key numbers", "The tree", "Outcome distribution",
                      "Probability by tag", "Most likely paths", "The most likely paths, told",
                      "The strategic solution", "Strategic solution: the choices",
                      "Sensitivity of the expected payoff to Russia (Putin)", "The evidence timeline",
                      "The evidence, date by date", "Sources", "What actually happened"]
    assert deck.notes == ()


def test_title_slide_has_summary_as_of_and_disclaimer(donbas_deck):
    _, prs = donbas_deck
    s = scenarios.load(DONBAS)
    text = "\n".join(sh.text_frame.text for sh in prs.slides[0].shapes if sh.has_text_frame)
    assert s.title in text and DISCLAIMER in text and f"As of {s.as_of}" in text
    assert " ".join(s.summary.split()) in " ".join(text.split())


def test_outcome_chart_is_native_and_holds_the_reference_distribution(donbas_deck):
    _, prs = donbas_deck
    s = scenarios.load(DONBAS)
    ref = reference(DONBAS).belief()
    (chart,) = charts(slide_titled(prs, "Outcome distribution"))
    assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    labels = {short(s.nodes[k].label): p for k, p in ref.outcomes.items() if p > 0}
    categories = list(chart.plots[0].categories)
    values = list(chart.plots[0].series[0].values)
    assert len(categories) == len(labels) and set(categories) == set(labels)
    assert values == [pytest.approx(labels[c], abs=TOL) for c in categories]
    assert values == sorted(values, reverse=True)  # most likely first
    (tags,) = charts(slide_titled(prs, "Probability by tag"))
    got = dict(zip(tags.plots[0].categories, tags.plots[0].series[0].values, strict=True))
    assert got == {t: pytest.approx(p, abs=TOL) for t, p in ref.tags.items()}


def test_tornado_chart_holds_each_parameter_moved_alone(donbas_deck):
    _, prs = donbas_deck
    s = scenarios.load(DONBAS)
    actor = s.nodes[s.root].actor
    base = reference(DONBAS).belief().expected[actor]
    (chart,) = charts(slide_titled(prs, f"Sensitivity of the expected payoff to {s.actors[actor].name}"))
    assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    low, high = chart.plots[0].series
    assert (low.name, high.name) == ("at the low value", "at the high value")
    by_label = {}
    for name, p in s.parameters.items():
        if p.low is not None and p.high is not None:
            label = f"{parameter_label(s, name, 48)} ("
            by_label[label] = (reference(DONBAS, {name: p.low}).belief().expected[actor] - base,
                               reference(DONBAS, {name: p.high}).belief().expected[actor] - base, p)
    categories = list(chart.plots[0].categories)
    assert len(categories) == min(8, len(by_label))
    swings = []
    for category, lo, hi in zip(categories, low.values, high.values, strict=True):
        key = category[:category.index(" (") + 2]
        assert key in by_label, category  # words, never the parameter's name
        want_lo, want_hi, _ = by_label[key]
        assert (lo, hi) == (pytest.approx(want_lo, abs=TOL), pytest.approx(want_hi, abs=TOL))
        swings.append(abs(hi - lo))
    assert swings == sorted(swings, reverse=True)
    widest = max(abs(a - b) for a, b, _ in by_label.values())
    assert swings[0] == pytest.approx(widest, abs=TOL)


def test_timeline_chart_holds_the_reference_on_each_date(donbas_deck):
    _, prs = donbas_deck
    s = scenarios.load(DONBAS)
    (chart,) = charts(slide_titled(prs, "The evidence timeline"))
    assert chart.chart_type == XL_CHART_TYPE.LINE_MARKERS
    categories = list(chart.plots[0].categories)
    assert categories[0] == "as written" and len(categories) == 1 + len({e.date for e in s.evidence})
    groups: dict[str, list] = {}
    for item in s.evidence:  # the file lists its evidence by date
        groups.setdefault(item.date, []).append(item)
    given, current, expected = None, {}, [reference(DONBAS).belief().tags]
    for items in groups.values():
        for item in items:
            given = item.given or given
            current.update(item.set)
        expected.append(reference(DONBAS, dict(current)).belief(given=given).tags)
    assert categories[1:] == list(groups)
    series = {sr.name: list(sr.values) for sr in chart.plots[0].series}
    assert series  # only tags that move are drawn
    for tag, values in series.items():
        assert values == [pytest.approx(e[tag], abs=TOL) for e in expected]
        assert max(values) - min(values) > 1e-9


def test_narratives_sources_and_words_over_names(donbas_deck):
    _, prs = donbas_deck
    s = scenarios.load(DONBAS)
    text = " ".join(all_text(prs).split())
    b = s.evaluate(top=5)
    for i, path in enumerate(b.paths, 1):
        assert f"Path {i}, ending in {s.nodes[path.nodes[-1]].label}" in text
        for branch in path.steps(s):
            if branch.text:
                assert " ".join(branch.text.split()) in text
    for key, src in s.sources.items():
        assert src.title in text, key
    assert f"Most likely outcome: {b.outcomes[0].label}" in text
    assert "Most likely path: " in text
    chart_words = " ".join(str(c) for slide in prs.slides for ch in charts(slide) for c in ch.plots[0].categories)
    for name, p in s.parameters.items():  # parameters are named by their descriptions
        if p.description:
            assert f"{name} (" not in chart_words


def test_text_fits_on_its_slide_at_12_pt_or_more(donbas_deck):
    _, prs = donbas_deck
    width, height = prs.slide_width, prs.slide_height
    for number, slide in enumerate(prs.slides, 1):
        boxes = []
        for shape in slide.shapes:
            assert 0 <= shape.left and shape.left + shape.width <= width, number
            assert 0 <= shape.top and shape.top + shape.height <= height, number
            runs = []
            if shape.has_text_frame:
                runs = [r for p in shape.text_frame.paragraphs for r in p.runs]
                boxes.append((shape.left, shape.top, shape.left + shape.width, shape.top + shape.height))
                assert shape.text_frame.word_wrap is True
            if shape.has_table:
                runs = [r for row in shape.table.rows for c in row.cells for p in c.text_frame.paragraphs
                        for r in p.runs]
            for run in runs:
                assert run.font.size is not None and run.font.size.pt >= BODY_MIN, (number, run.text)
            if shape.has_chart:
                assert shape.chart.font.size.pt >= BODY_MIN
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], f"slide {number}: overlap"


def test_tree_slides_are_full_slide_pictures(donbas_deck):
    _, prs = donbas_deck
    for title in ("The tree", "The strategic solution"):
        slide = [s for s in prs.slides if s.notes_slide.notes_text_frame.text.startswith(
            "The scenario" if title == "The tree" else "The strategic solution")][0]
        (picture,) = [sh for sh in slide.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert (picture.width, picture.height) == (prs.slide_width, prs.slide_height)
        w, h = picture.image.size
        assert abs(w / h - 16 / 9) < 0.01


def test_a_deck_without_ranges_or_evidence_says_so(tmp_path):
    deck = write_deck(scenarios.load("entry-deterrence"), tmp_path / "e.pptx")
    assert not any(t.startswith(("Sensitivity", "The evidence")) for t in deck.slides)
    assert deck.notes and deck.notes[0].startswith("No tornado diagram")
    assert "No tornado diagram" in all_text(pptx.Presentation(str(deck.path)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.pptx"]


def test_overrides_reach_every_number(tmp_path):
    s = scenarios.load(DONBAS)
    name = next(n for n, p in s.parameters.items() if p.low is not None)
    value = s.parameters[name].high
    deck = write_deck(s, tmp_path / "d.pptx", overrides={name: value})
    prs = pptx.Presentation(str(deck.path))
    (chart,) = charts(slide_titled(prs, "Outcome distribution"))
    ref = reference(DONBAS, {name: value}).belief()
    got = dict(zip(chart.plots[0].categories, chart.plots[0].series[0].values, strict=True))
    assert got == {short(s.nodes[k].label): pytest.approx(p, abs=TOL) for k, p in ref.outcomes.items() if p > 0}
    assert f"{parameter_label(s, name)} = {value}" in all_text(prs)


def test_write_is_atomic(tmp_path, monkeypatch):
    from scenarios.briefing import deck as deck_module

    target = tmp_path / "d.pptx"
    target.write_bytes(b"the old deck")

    def broken(self):
        raise OutputError("disk full")

    (tmp_path / "folder.pptx").mkdir()
    with pytest.raises(OutputError, match="is a directory"):
        write_deck(scenarios.load("entry-deterrence"), tmp_path / "folder.pptx")
    monkeypatch.setattr(deck_module._Builder, "build", broken)
    with pytest.raises(OutputError):
        write_deck(scenarios.load("entry-deterrence"), target)
    assert target.read_bytes() == b"the old deck"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.pptx", "folder.pptx"]


# -- the command line ------------------------------------------------------------------------------

def test_cli_writes_the_deck_and_prints_its_path(cli_process, tmp_path):
    r = cli_process("report", "entry-deterrence", "-o", "deck.pptx", cwd=tmp_path)  # the suffix says pptx
    assert r.returncode == 0, r.stderr
    assert r.stdout == "deck.pptx\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.pptx"]
    assert len(pptx.Presentation(str(tmp_path / "deck.pptx")).slides) == 10


def test_cli_format_pptx_adds_the_suffix_and_unknown_format_is_one_line(cli_process, tmp_path):
    r = cli_process("report", "entry-deterrence", "--format", "pptx", "-o", "brief", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout == "brief.pptx\n", r.stderr
    r = cli_process("report", "entry-deterrence", "--format", "ppt", "-o", "x", cwd=tmp_path)
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr == "error: unknown report format 'ppt' (did you mean 'pptx'?); formats: pdf, pptx\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.pptx"]


def test_cli_without_python_pptx_is_one_line(tmp_path):
    fake = tmp_path / "fake" / "pptx"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('no pptx here')\n")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path / "fake"), env.get("PYTHONPATH", "")])
    import sys

    r = subprocess.run([sys.executable, "-m", "scenarios", "report", "entry-deterrence", "-o", "d.pptx"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr == "error: --format pptx needs python-pptx: pip install 'scenarios[pptx]'\n"
    assert not (tmp_path / "d.pptx").exists()


# -- rendered by LibreOffice -----------------------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="session")
def rendered_deck(tmp_path_factory):
    """The Donbas deck rendered by LibreOffice: (deck, [PNG per page]); once per session."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-impress "
                    "(.ci/run installs it)")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    folder = tmp_path_factory.mktemp("rendered")
    deck = write_deck(scenarios.load(DONBAS), folder / "donbas.pptx")
    profile = folder / "profile"  # a private LibreOffice profile: no clash with a running instance
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(folder), str(deck.path)], check=True, capture_output=True, timeout=300)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(folder / "donbas.pdf"), str(folder / "page")],
                   check=True, timeout=300)
    return deck, sorted(folder.glob("page-*.png"))


def test_libreoffice_renders_one_16_9_page_per_slide(rendered_deck):
    from PIL import Image

    deck, pages = rendered_deck
    assert len(pages) == len(deck.slides)
    for page in pages:
        with Image.open(page) as image:
            w, h = image.size
            assert abs(w / h - 16 / 9) < 0.01
            grey = image.convert("L")
            dark = sum(grey.histogram()[:128])
            assert dark > 0.002 * w * h, f"{page.name} looks blank"


def test_rendered_text_stays_inside_the_slide(rendered_deck):
    """No text box grows past the slide's foot: the bottom strip of every page is empty
    except on the full-slide pictures."""
    from PIL import Image

    deck, pages = rendered_deck
    for title, page in zip(deck.slides, pages, strict=True):
        if title in ("The tree", "The strategic solution"):
            continue
        with Image.open(page) as image:
            w, h = image.size
            strip = image.convert("L").crop((0, int(h * 0.955), w, h))
            assert strip.getextrema()[0] > 200, f"{page.name} ({title}): something drawn in the bottom margin"


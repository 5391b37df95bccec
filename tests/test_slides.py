"""Slide-ready diagrams and files other tools edit (issue 14.1-14.3): --slide keeps text at
9 pt or more without overlaps, --depth never hides a first-level option, SVG keeps text as
<text>, PDFs embed TrueType (no Type 3), a highlight that finds nothing is an error."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import scenarios
from scenarios.errors import HighlightError

BUNDLED = sorted(p.stem for p in (Path(__file__).resolve().parents[1] / "scenarios").glob("*.yaml"))


def _texts(fig):
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    out = []
    for t in fig.findobj(lambda a: hasattr(a, "get_text") and hasattr(a, "get_fontsize")):
        if t.get_text().strip() and t.get_visible():
            out.append((t.get_text(), t.get_fontsize(), t.get_window_extent(renderer)))
    return out


@pytest.mark.parametrize("name", BUNDLED)
def test_slide_text_is_at_least_9_pt_and_never_overlaps(name):
    from scenarios.render import draw_tree

    ax = draw_tree(scenarios.load(name), slide=True, dpi=100)
    fig = ax.figure
    assert tuple(round(x, 2) for x in fig.get_size_inches()) == (13.33, 7.5)
    texts = _texts(fig)
    assert texts
    small = [(t, s) for t, s, _ in texts if s < 9.0 - 1e-6]
    assert not small, small[:3]
    W, H = fig.canvas.get_width_height()
    for i, (a, _, box) in enumerate(texts):
        assert box.x0 >= -1 and box.y0 >= -1 and box.x1 <= W + 1 and box.y1 <= H + 1, a
        for b, _, other in texts[i + 1:]:
            overlap_w = min(box.x1, other.x1) - max(box.x0, other.x0)
            overlap_h = min(box.y1, other.y1) - max(box.y0, other.y0)
            assert overlap_w <= 0.5 or overlap_h <= 0.5, (a, b)


@pytest.mark.parametrize("name", BUNDLED)
def test_depth_2_svg_names_every_first_level_option(name, tmp_path):
    from scenarios.render import draw_tree, save_figure

    s = scenarios.load(name)
    path = save_figure(draw_tree(s, depth=2, width=13.33, height=7.5).figure, tmp_path / "d2.svg")
    root = ET.parse(path).getroot()
    texts = [" ".join(el.itertext()) for el in root.iter() if el.tag.endswith("}text")]
    words = " ".join(" ".join(texts).split())  # wrapped lines are <text> elements in order
    for branch in s.nodes[s.root].branches:
        assert branch.label in words, (name, branch.label)
        assert s.nodes[branch.to].label in words, (name, s.nodes[branch.to].label)
    assert "<path" in path.read_text() and "<text" in path.read_text()


def test_donbas_depth_2_keeps_the_highlighted_path(tmp_path):
    from scenarios.render import draw_tree

    s = scenarios.load("donbas-recognition-2022")
    ax = draw_tree(s, depth=1, highlight="likely")
    shown = " ".join(t.get_text() for t in ax.texts)
    path = s.evaluate(top=1).paths[0]
    assert s.nodes[path.nodes[-1]].label.split("\n")[0].split()[0] in shown
    assert "except the first-level options and the most likely path" in " ".join(
        t.get_text().replace("\n", " ") for t in ax.figure.texts)


@pytest.mark.parametrize("fmt", ["pdf"])
def test_pdfs_embed_truetype_not_type3(fmt, tmp_path):
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (poppler-utils) is not installed")
    from scenarios.briefing import write_report
    from scenarios.render import draw_tree, save_figure

    s = scenarios.load("entry-deterrence")
    files = [save_figure(draw_tree(s).figure, tmp_path / "tree.pdf"),
             write_report(s, tmp_path / "pack").pdf]
    for pdf in files:
        out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        rows = out.splitlines()[2:]
        assert rows, out
        assert not any("Type 3" in r for r in rows), out
        assert all("TrueType" in r for r in rows), out


def test_briefing_pdf_pages_are_one_16_9_size(tmp_path):
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    from scenarios.briefing import write_report

    pdf = write_report(scenarios.load("oil-wildcatter"), tmp_path / "pack").pdf
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(pdf)], capture_output=True, text=True,
                         check=True).stdout
    sizes = set(re.findall(r"Page\s+\d+ size:\s+([\d.]+ x [\d.]+)", out))
    assert sizes == {"959.76 x 540"}, sizes


def test_highlight_that_finds_nothing_is_an_error(cli_process, tmp_path):
    from scenarios.render.view import resolve_highlight

    with pytest.raises(HighlightError, match="historical"):
        resolve_highlight(scenarios.load("oil-wildcatter"), "historical")
    result = cli_process("draw", "oil-wildcatter", "-o", "x.png", "--highlight", "historical", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no historical path" in lines[0], result.stderr
    assert not (tmp_path / "x.png").exists()


def test_chart_labels_are_words_not_names():
    from scenarios.analysis.sensitivity import tornado
    from scenarios.render import charts

    ax = charts.tornado_chart(tornado(scenarios.load("oil-wildcatter")))
    labels = " ".join(t.get_text().replace("\n", " ") for t in ax.get_yticklabels())
    assert "drill_cost" not in labels and "Cost of drilling a well" in labels

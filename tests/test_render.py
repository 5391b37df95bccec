"""Tree diagrams (scenarios.render.tree): text never overlaps or is clipped, numbers are right.

Overlap is checked on what matplotlib really draws: every visible Text artist's window
extent from the renderer, pairwise.  Expected numbers come from hand calculation (entry
deterrence, in comments) or from brute-force path enumeration (engine.paths.all_paths).
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.text import Text  # noqa: E402

import scenarios  # noqa: E402
from scenarios.engine.bind import bind  # noqa: E402
from scenarios.engine.paths import all_paths  # noqa: E402
from scenarios.engine.views import edge_flows  # noqa: E402
from scenarios.errors import ScenarioError, ScenarioWarning, UnknownNameError  # noqa: E402
from scenarios.render import layout as lay  # noqa: E402
from scenarios.render.measure import TextMetrics, wrap_words  # noqa: E402
from scenarios.render.tree import (  # noqa: E402
    HighlightError,
    draw_tree,
    format_number,
    format_probability,
    notebook_png,
    resolve_highlight,
)

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
import builders  # noqa: E402
from bench_engine import random_scenario  # noqa: E402  (the engine benchmark's generator)

BUNDLED = scenarios.bundled_names()


def drawn_texts(fig) -> list[Text]:
    """The texts a viewer sees: figure texts, axes texts, titles, legends, and the tick
    and axis labels of axes whose axis is shown."""
    out = list(fig.texts)
    for ax in fig.axes:
        out += ax.texts + [ax.title, ax._left_title, ax._right_title]
        if ax.axison:
            for axis in (ax.xaxis, ax.yaxis):  # only the ticks inside the view are drawn
                lo, hi = sorted(axis.get_view_interval())
                out += [t.label1 for t in axis.get_major_ticks() if lo - 1e-9 <= t.get_loc() <= hi + 1e-9]
                out.append(axis.label)
        if ax.get_legend() is not None:
            out += ax.get_legend().get_texts() + [ax.get_legend().get_title()]
    for legend in fig.legends:
        out += legend.get_texts()
    return [t for t in out if t.get_visible() and t.get_text().strip()]


def text_boxes(fig):
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    return [(t.get_text(), t.get_window_extent(renderer)) for t in drawn_texts(fig)]


def overlaps(fig) -> list:
    """Pairs of texts whose boxes intersect, and texts reaching outside the figure."""
    boxes = text_boxes(fig)
    frame = fig.bbox
    bad = [("outside", text) for text, b in boxes
           if b.x0 < frame.x0 - 0.5 or b.y0 < frame.y0 - 0.5 or b.x1 > frame.x1 + 0.5 or b.y1 > frame.y1 + 0.5]
    boxes.sort(key=lambda tb: tb[1].x0)
    for i, (ta, a) in enumerate(boxes):  # sweep along x: only neighbours can meet
        for tb, b in boxes[i + 1:]:
            if b.x0 >= a.x1:
                break
            if min(a.x1, b.x1) - max(a.x0, b.x0) > 0.01 and min(a.y1, b.y1) - max(a.y0, b.y0) > 0.01:
                bad.append((ta, tb))
    return bad


def texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]



@pytest.fixture(scope="module")
def entry_s():
    return scenarios.load("entry-deterrence")


# -- nothing overlaps, nothing is clipped ---------------------------------------------------------

@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_text_never_overlaps(name):
    ax = draw_tree(scenarios.load(name), highlight="likely")
    assert overlaps(ax.figure) == []


@pytest.mark.parametrize("options", [
    {"top_down": True}, {"theme": "print", "highlight": "strategic", "value": "ukraine"},
    {"prune": 0.05, "theme": "dark"}, {"width": 13.33, "height": 7.5, "prune": 0.04}, {"dpi": 72},
    {"depth": 2, "top_down": True},
], ids=["top-down", "print-strategic-value", "prune-dark", "slide-size", "72dpi", "depth-top-down"])
def test_donbas_variants_never_overlap(donbas, options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)  # slide size: text drawn small, on purpose
        ax = draw_tree(donbas, **options)
    assert overlaps(ax.figure) == []


def test_generated_300_node_tree_never_overlaps():
    s = builders.build(random_scenario(300, 3))
    ax = draw_tree(s, highlight="likely", value="a0")
    assert overlaps(ax.figure) == []


def test_unshared_tree_never_overlaps():
    ax = draw_tree(scenarios.load("oil-wildcatter"), unshare=True, top_down=True)
    assert overlaps(ax.figure) == []


# -- what is drawn ------------------------------------------------------------------------------------

def test_entry_deterrence_numbers_by_hand(entry_s):
    ax = draw_tree(entry_s, value="entrant")
    shown = texts(ax)
    # Outcomes: stay out 0.5, war 0.5 x 0.3 = 0.15, share 0.5 x 0.7 = 0.35, with payoffs.
    for line in ("P = 0.5 · (0, 2)", "P = 0.15 · (\u22121, \u22121)", "P = 0.35 · (1, 1)"):
        assert any(line in t for t in shown), line
    # E[entrant]: root 0.5·0 + 0.5·(0.3·(−1) + 0.7·1) = 0.2; at the response 0.4.
    assert "E[Entrant] = 0.2" in shown and "p = 0.5\nE[Entrant] = 0.4" in shown
    assert "p = 0.3\nP = 0.15 · (\u22121, \u22121)" in shown
    assert "Enter the market?" in shown and "Fight (price war)" in shown


@pytest.mark.parametrize("slide", [False, True], ids=["normal", "slide"])
def test_branch_payoffs_are_drawn_on_their_branches(cli, tmp_path, slide):
    """The wildcatter's drill (70) and test (10) costs are branch payoffs: each shows on the
    line under its branch's label, in the saved SVG (text kept as text), nothing overlapping."""
    import xml.etree.ElementTree as ET

    out = tmp_path / "oil.svg"
    status, _, err = cli("draw", "oil-wildcatter", "-o", str(out), *(["--slide"] if slide else []))
    assert status == 0, err
    root = ET.parse(out).getroot()
    lines = [" ".join(el.itertext()) for el in root.iter() if el.tag.endswith("}text")]
    minus = "\u2212"
    # Drill now (p = 0.5), after a favourable (0.9) and an unfavourable (0.2) reading; the test (0.3).
    for line in (f"p = 0.5 · payoff {minus}70", f"p = 0.9 · payoff {minus}70", f"p = 0.2 · payoff {minus}70",
                 f"p = 0.3 · payoff {minus}10"):
        assert line in lines, line
    assert sum(t.startswith("p = ") and "payoff" in t for t in lines) == 4  # none on branches without
    assert "branch: p · its own payoff, added to the outcome's" in lines  # the legend says what it is
    ax = draw_tree(scenarios.load("oil-wildcatter"), slide=slide)
    assert overlaps(ax.figure) == []


def test_branch_payoffs_strategic_and_several_actors():
    """Under a solved decision the payoff follows "chosen" (or stands alone on a branch not
    chosen); with several actors it lists them in the legend's order."""
    oil = scenarios.load("oil-wildcatter")
    shown = texts(draw_tree(oil, oil.solve()))
    assert "chosen · payoff \u221270" in shown and "payoff \u221210" in shown
    bluff = scenarios.load("bluffing-2022")
    shown = texts(draw_tree(bluff))
    # Recognizing costs Russia 1 when resolved and 7 when not; the West nothing (bluffing-2022.yaml).
    assert any(t.startswith("p = 0.5 · payoffs (\u22121, 0)") for t in shown), shown
    assert any(t.startswith("p = 0.5 · payoffs (\u22127, 0)") for t in shown), shown
    legend = [t.get_text() for t in draw_tree(bluff).figure.texts]
    assert "branch: p · its own payoffs, added to the outcome's" in legend
    entry = [t.get_text() for t in draw_tree(scenarios.load("entry-deterrence")).figure.texts]
    assert not any(t.startswith("branch:") for t in entry)  # no branch payoffs: no legend item


def test_symbols_by_kind(entry_s):
    from matplotlib.patches import Circle, Polygon, Rectangle

    ax = draw_tree(entry_s, legend=False)
    kinds = [type(p) for p in ax.patches]
    assert kinds.count(Rectangle) == 2 and kinds.count(Polygon) == 3 and kinds.count(Circle) == 0


def test_decisions_take_the_actors_colours(entry_s):
    ax = draw_tree(entry_s, legend=False)
    faces = {to_rgba(p.get_facecolor())[:3] for p in ax.patches if type(p).__name__ == "Rectangle"}
    assert faces == {to_rgba("#0072b2")[:3], to_rgba("#d55e00")[:3]}  # the file's colours


def test_legend_names_the_actors_and_the_payoff_order(donbas):
    ax = draw_tree(donbas)
    fig_texts = [t.get_text() for t in ax.figure.texts]
    assert "Russia (Putin) decides" in fig_texts
    assert any("payoffs (Russia (Putin), The West (US and allies), Ukraine)" in t for t in fig_texts)
    assert fig_texts[0] == donbas.title
    assert any(t.startswith("Illustrative judgments for teaching") and "As of 2022-02-16." in t
               for t in fig_texts)  # the footer: the disclaimer first


def footer_of(fig) -> str:
    (text,) = [t.get_text() for t in fig.texts if t.get_text().startswith("Illustrative judgments")]
    return " ".join(text.split())  # wrapped lines joined


def test_footer_lists_every_source_in_full_when_it_fits(donbas):
    """Donbas's 14 sources dated by its as_of (of 24) fit in a few lines: every title, publisher
    and date is there, nothing cut (the footer used to stop at 1,500 characters, mid-title)."""
    fig = draw_tree(donbas, highlight="likely").figure
    footer = footer_of(fig)
    visible = [src for key, src in donbas.sources.items() if not donbas.is_hindsight(key)]
    assert len(visible) == 14 and "…" not in footer and footer.endswith(".")
    for src in visible:
        assert f"{src.title} ({src.publisher}, {src.date})" in footer, src.title
    assert overlaps(fig) == []


def test_footer_names_sources_by_id_when_the_list_is_long():
    """Forty long source titles would be a block of small print: the footer gives their ids
    (the full list is in the file and the briefing pack), still every one, nothing cut."""
    data = builders.entry_deterrence()
    data["sources"] = {f"src-{i:02d}": {"title": f"A long report on the market, part {i}, " + "with details " * 8,
                                        "publisher": "Some Publisher", "date": "2020-01-01"} for i in range(40)}
    fig = draw_tree(builders.build(data)).figure
    footer = footer_of(fig)
    assert "Sources, by their ids in the file" in footer and "A long report" not in footer
    assert all(f"src-{i:02d}" in footer for i in range(40)) and "…" not in footer
    assert overlaps(fig) == []


def test_strategic_result_marks_the_choices(entry_s):
    ax = draw_tree(entry_s, entry_s.solve())
    shown = texts(ax)
    assert sum(t.startswith("chosen") for t in shown) == 2  # Enter, Accommodate
    assert "p = 0.3" not in shown  # solved decisions show choices, not beliefs
    assert any("P = 1 · (1, 1)" in t for t in shown)  # the solved outcome is reached surely


def test_print_theme_is_greyscale(donbas):
    ax = draw_tree(donbas, theme="print", highlight="historical")
    colours = []
    for artist in ax.figure.findobj():
        for getter in ("get_facecolor", "get_edgecolor", "get_color"):
            value = getattr(artist, getter, lambda: None)()
            if value is None or isinstance(value, str) and value == "none":
                continue
            arr = np.atleast_2d(np.asarray(matplotlib.colors.to_rgba_array(value)))
            colours.extend(arr[:, :3].tolist())
    assert colours and all(max(c) - min(c) < 1e-6 for c in colours)


def test_draw_into_given_axes(entry_s):
    from scenarios.render.save import new_figure

    fig = new_figure(6, 3)
    ax = fig.add_subplot()
    assert draw_tree(entry_s, ax=ax) is ax
    assert ax.get_title() == entry_s.title
    assert overlaps(fig) == []


def test_slide_size_is_exact_and_tiny_text_refused(donbas):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ScenarioWarning)
        # the second edition is deeper (eight stages): on a slide it needs collapsing
        ax = draw_tree(donbas, width=13.33, height=7.5, prune=0.04)
    assert tuple(ax.figure.get_size_inches()) == pytest.approx((13.33, 7.5))
    assert any("--prune" in str(w.message) for w in caught)  # text below 6 pt: a warning
    with pytest.raises(ScenarioError, match="too small to read"):
        draw_tree(donbas, width=3, height=2)


def test_large_diagram_lowers_the_default_resolution():
    from scenarios.render.tree import MAX_PIXELS

    s = builders.build(random_scenario(300, 3))
    fig = draw_tree(s).figure
    w, h = fig.get_size_inches() * fig.dpi
    assert fig.dpi < 150 and w * h < MAX_PIXELS * 1.3
    assert draw_tree(s, dpi=150).figure.dpi == 150  # an explicit dpi is kept


def test_errors_name_what_is_wrong(entry_s):
    with pytest.raises(UnknownNameError, match="unknown actor"):
        draw_tree(entry_s, value="nobody")
    with pytest.raises(UnknownNameError, match="unknown node 'respons'.*did you mean 'response'"):
        draw_tree(entry_s, highlight="entry,respons")
    with pytest.raises(HighlightError, match="no branch from 'entry' to 'war'"):
        draw_tree(entry_s, highlight="entry>war")
    with pytest.raises(UnknownNameError):
        draw_tree(entry_s, given="nowhere")


# -- highlights ------------------------------------------------------------------------------------------

def file_edge(s, a, b):
    """File-order position of the branch a -> b (the positions of ``result.arrays``)."""
    arrays = s.evaluate(top=0).arrays
    i = arrays.ids.index(a)
    lo = int(arrays.edge_start[i])
    return lo + [arrays.ids[c] for c in arrays.child[lo:arrays.edge_start[i + 1]]].index(b)


def edges(s, *pairs):
    return {file_edge(s, a, b) for a, b in pairs}


def test_highlights_by_hand(entry_s, donbas):
    found, path, text = resolve_highlight(entry_s, "likely")
    assert found == edges(entry_s, ("entry", "stay_out")) and text == "most likely path (p = 0.5)"
    found, path, _ = resolve_highlight(entry_s, "strategic")  # Enter, then Accommodate
    assert found == edges(entry_s, ("entry", "response"), ("response", "share")) and path is None
    found, _, _ = resolve_highlight(donbas, "historical")  # between the eight nodes marked in the file
    assert found == edges(donbas, ("putin_desk", "incidents"), ("incidents", "after_restraint"),
                          ("after_restraint", "recognized"), ("after_restraint", "invasion"),
                          ("recognized", "recog_targeted"), ("recog_targeted", "invasion"),
                          ("invasion", "war_more_aid"), ("war_more_aid", "full_scale_war"))
    found, path, _ = resolve_highlight(entry_s, "entry > response , share")
    assert path == [file_edge(entry_s, "entry", "response"), file_edge(entry_s, "response", "share")]


def test_strategic_highlight_covers_choices_off_the_played_path(donbas):
    chosen = donbas.solve().choices
    found, _, _ = resolve_highlight(donbas, "strategic")
    assert found == edges(donbas, *chosen.items())
    assert len(chosen) > sum(1 for n in chosen if donbas.solve().reach[n] > 0)  # some are off-path


def test_highlighted_lines_drawn_in_the_highlight_colour(entry_s):
    from matplotlib.collections import LineCollection

    from scenarios.render.theme import get_theme

    ax = draw_tree(entry_s, highlight="strategic")
    colour = to_rgba(get_theme("light").highlight)
    marked = [c for c in ax.collections if isinstance(c, LineCollection)
              and tuple(c.get_colors()[0]) == colour]
    # Two branches (entry -> response, response -> share) and the two stubs leaving their parents.
    assert len(marked) == 1 and len(marked[0].get_segments()) == 4


# -- probabilities for pruning: against brute-force enumeration ---------------------------------------

def brute_flows(s, given=None):
    compiled = s.compiled
    p = bind(s).p
    flow = np.zeros(compiled.n_edges)
    total = 0.0
    g = compiled.index[given] if given else None
    for nodes, path_edges, prob in all_paths(compiled, p):
        if g is not None and g not in nodes:
            continue
        total += prob
        for e in path_edges:
            flow[e] += prob
    return flow / total


@settings(max_examples=40)
@given(builders.scenario_data(max_nodes=9), st.data())
def test_edge_flows_equal_enumeration(data, draw):
    s = builders.build(data)
    p = bind(s).p
    assert np.allclose(edge_flows(s.compiled, p), brute_flows(s), atol=1e-12)
    reach = s.evaluate(top=0).reach
    candidates = [n for n in s.nodes if reach[n] > 0]
    g = draw.draw(st.sampled_from(candidates))
    assert np.allclose(edge_flows(s.compiled, p, s.compiled.index[g]), brute_flows(s, g), atol=1e-12)



@settings(max_examples=40)
@given(builders.scenario_data(max_nodes=9), st.data())
def test_probability_to_the_given_node_equals_enumeration(data, draw):
    """--unshare --given lays out by P(go on from each node to the given node), which the
    result gives in file order (probabilities_to): against brute-force path enumeration."""
    s = builders.build(data)
    result = s.evaluate(top=0)
    arrays = result.arrays
    g = draw.draw(st.sampled_from(list(s.nodes)))
    h = result.probabilities_to(g)
    for i, start in enumerate(arrays.ids):  # sum over the paths from each node through g
        expected = sum(prob for nodes, _, prob in sub_paths(arrays, i) if arrays.ids.index(g) in nodes)
        assert h[i] == pytest.approx(expected, abs=1e-12), start


def sub_paths(arrays, start):
    """Every path from node ``start`` to an outcome: (nodes, branches, probability), file order."""
    out, stack = [], [([start], [], 1.0)]
    while stack:
        nodes, branches, prob = stack.pop()
        u = nodes[-1]
        lo, hi = int(arrays.edge_start[u]), int(arrays.edge_start[u + 1])
        if lo == hi:
            out.append((nodes, branches, prob))
        for e in range(lo, hi):
            stack.append((nodes + [int(arrays.child[e])], branches + [e], prob * float(arrays.p[e])))
    return out

def test_prune_stub_probability_is_the_collapsed_flow(donbas):
    flows = brute_flows(donbas)
    ax = draw_tree(donbas, prune=0.05)
    stubs = [t for t in texts(ax) if " more (p = " in t]
    assert stubs  # some branches are collapsed
    compiled = donbas.compiled
    expected = set()
    for node in donbas.nodes.values():
        small = [compiled.edge_of(node.id, b.to) for b in node.branches
                 if flows[compiled.edge_of(node.id, b.to)] < 0.05]
        if small:
            expected.add(f"{len(small)} more (p = {format_probability(flows[small].sum())})")
    assert set(stubs) <= expected


def test_given_shows_conditional_probabilities(entry_s):
    # Given the path passes the response: war 0.3, share 0.7; stay out 0.
    shown = texts(draw_tree(entry_s, given="response"))
    assert any("P = 0.3 · (" in t for t in shown) and any("P = 0.7 · (" in t for t in shown)


# -- numbers and text measurement ------------------------------------------------------------------------

def test_formatting():
    assert [format_probability(x) for x in (0.3, 1 / 3, 0.0004, 1.0, 0.99999)] == \
        ["0.3", "0.333", "< 0.001", "1", "> 0.999"]
    assert [format_number(x) for x in (-8, 2.005, -0.0001, 12.5)] == ["\u22128", "2", "0", "12.5"]


@settings(max_examples=80)
@given(st.text(st.characters(min_codepoint=32, max_codepoint=0x24F, blacklist_categories=("Cs", "Cc", "Cf")),
               min_size=1, max_size=40),
       st.sampled_from([72.0, 100.0, 150.0, 300.0]), st.sampled_from([6.0, 8.28, 9.0, 15.0]),
       st.sampled_from(["normal", "bold"]))
def test_measured_width_is_never_less_than_matplotlibs(text, dpi, size, weight):
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    renderer = RendererAgg(1, 1, dpi)
    prop = FontProperties(family="DejaVu Sans", size=size, weight=weight)
    w, _, _ = renderer.get_text_width_height_descent(text, prop, ismath=False)
    measured = TextMetrics(dpi).width(text, size, weight)
    actual = w * 72.0 / dpi
    assert measured >= actual - 1e-9
    assert measured <= actual * 1.12 + 3.0  # close, so layouts are not loose


def test_measured_height_covers_multiline_text():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(dpi=150)
    FigureCanvasAgg(fig)
    for lines in (1, 2, 4):
        for sample in ("Quiz jpg (É)", "aaa", "Ågj|"):
            t = fig.text(0, 0, "\n".join([sample] * lines), fontsize=9, fontfamily="DejaVu Sans")
            box = t.get_window_extent(fig.canvas.get_renderer())
            measured = TextMetrics(150).height(lines, 9)
            assert box.height * 72 / 150 - 1e-6 <= measured <= box.height * 72 / 150 * 1.3


@given(st.lists(st.text("abcdefghij", min_size=1, max_size=12), min_size=1, max_size=12),
       st.integers(5, 40))
def test_wrap_lines_fit(words, width):
    wrapped = wrap_words(" ".join(words), len, width)
    assert all(len(line) <= width for line in wrapped.split("\n"))
    assert wrapped.replace("-\n", "").replace("\n", " ").replace(" ", "") == "".join(words)


# -- notebooks ------------------------------------------------------------------------------------------

def test_notebook_reprs_are_png(entry_s):
    assert entry_s._repr_png_()[:8] == b"\x89PNG\r\n\x1a\n"
    assert entry_s.evaluate()._repr_png_()[:4] == b"\x89PNG"
    assert entry_s.solve()._repr_png_()[:4] == b"\x89PNG"
    assert notebook_png(entry_s) == notebook_png(entry_s)  # deterministic bytes


def test_shared_nodes_are_drawn_once(donbas):
    """Donbas is a DAG: each node has one symbol, and its shared nodes' other branches
    converge from ports (one dot per join)."""
    from matplotlib.collections import EllipseCollection

    ax = draw_tree(donbas, legend=False)
    assert len(ax.patches) == len(donbas.nodes)  # one symbol per node
    plan = lay.plan(lay.Graph(donbas.compiled.edge_start, donbas.compiled.child, donbas.compiled.ids),
                    donbas.compiled.root)
    assert {plan.names[k] for k in plan.shared} >= {"invasion", "recognized", "recognition_frozen",
                                                    "minsk_stalls"}
    dots = sum(len(c.get_offsets()) for c in ax.collections if isinstance(c, EllipseCollection))
    # A dot where each port joins its node's track, and one where the track meets the node.
    assert dots == len(plan.converge) + len(plan.shared)

"""Charts (scenarios.render.charts): the drawn bars, lines and regions equal their inputs.

Plain charts are checked against their inputs; adapters against the analysis results they
read and hand-worked values (oil wildcatter from docs/teaching-answers.md, entry
deterrence by hand in comments).  Text overlap is checked as for the tree.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import LineCollection, QuadMesh  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

import scenarios  # noqa: E402
from scenarios.analysis import sensitivity  # noqa: E402
from scenarios.briefing.charts import chart_figure  # noqa: E402
from scenarios.render import charts  # noqa: E402
from test_render import overlaps  # noqa: E402


def bars(ax):
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def ticks(ax):
    return [t.get_text() for t in ax.get_yticklabels()]




# -- plain charts --------------------------------------------------------------------------------------

def test_outcome_distribution_bars_labels_and_groups():
    ax = charts.outcome_distribution(["A", "B", "C"], [0.5, 0.3, 0.2], groups=["x", "y", "x"])
    assert [round(float(b.get_width()), 12) for b in bars(ax)] == [0.5, 0.3, 0.2]
    assert ticks(ax) == ["A", "B", "C"]  # in the order given, the first at the top
    faces = [b.get_facecolor() for b in bars(ax)]
    assert faces[0] == faces[2] != faces[1]  # coloured by group
    assert sorted(t.get_text() for t in ax.get_legend().get_texts()) == ["x", "y"]
    assert [t.get_text().strip() for t in ax.texts] == ["0.5", "0.3", "0.2"]


def test_outcome_distribution_intervals_are_error_bars():
    ax = charts.outcome_distribution(["A", "B"], [0.6, 0.4], intervals=[(0.5, 0.7), (0.3, 0.45)])
    segments = [c for c in ax.collections if isinstance(c, LineCollection)][0].get_segments()
    spans = sorted((round(s[0][0], 9), round(s[1][0], 9)) for s in segments)
    assert spans == [(0.3, 0.45), (0.5, 0.7)]
    assert ax.texts[0].get_text().strip() == "0.6  (0.5 to 0.7)"


def test_payoffs_by_option_marks_the_choice():
    ax = charts.payoffs_by_option(["Fight", "Accommodate"], ["Entrant", "Incumbent"], [[-1, -1], [1, 1]],
                                  chosen=1)
    assert ticks(ax) == ["Fight", "Accommodate\n(chosen)"]
    assert sorted(float(b.get_width()) for b in bars(ax)) == [-1, -1, 1, 1]


def test_tornado_sorted_by_swing_around_the_base():
    # Swings: a |3 - 1| = 2, b |8 - 4| = 4, c |5.5 - 4.5| = 1: order b, a, c.
    ax = charts.tornado(["a", "b", "c"], [1, 4, 4.5], [3, 8, 5.5], 5.0, low_values=[0, 10, 20],
                        high_values=[1, 11, 21])
    assert ticks(ax) == ["b", "a", "c"]
    spans = [(round(float(b.get_x()), 9), round(float(b.get_x() + b.get_width()), 9)) for b in bars(ax)]
    assert spans == [(5, 4), (5, 8), (5, 1), (5, 3), (5, 4.5), (5, 5.5)]  # left = base, to the metric
    labels = [t.get_text().strip() for t in ax.texts]
    assert "10 → 4" in labels and "11 → 8" in labels
    # a: low 1 and high 3 are both below the base 5: one combined label, not two colliding ones.
    assert "low 0 → 1 · high 1 → 3" in labels


def test_spider_positions_in_range():
    ax = charts.spider({"a": ([0, 1, 2], [1, 2, 3]), "b": ([10, 15, 20], [3, 2, 1])}, base=2,
                       base_values={"a": 1, "b": 15})
    lines = [ln for ln in ax.lines if ln.get_label().startswith(("a (", "b ("))]
    assert [np.asarray(ln.get_xdata()).tolist() for ln in lines] == [[0, 0.5, 1], [0, 0.5, 1]]
    assert [list(ln.get_ydata()) for ln in lines] == [[1, 2, 3], [3, 2, 1]]


def test_two_way_regions():
    ax = charts.two_way([0, 1, 2], [0, 1], [["a", "a", "b"], ["a", "b", "b"]],
                        option_labels={"a": "Drill", "b": "Test"}, base=(1, 0))
    mesh = next(c for c in ax.collections if isinstance(c, QuadMesh))
    assert np.asarray(mesh.get_array()).reshape(2, 3).tolist() == [[0, 0, 1], [0, 1, 1]]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Drill", "Test", "base case"]


def test_psa_histograms_count_every_draw():
    rng = np.random.default_rng(1)
    ax = charts.psa_histograms({"x": rng.normal(size=500), "y": rng.normal(2, 1, size=300)},
                               base={"x": 0.0, "y": 2.0}, bins=20)
    assert len(ax.patches) == 2 and len(ax.lines) == 2  # one outline and one base line each
    heights = [p.get_path().vertices[:, 1] for p in ax.patches]
    # A step outline holds each bin's count twice (its two top corners).
    assert [int(h.sum() // 2) for h in heights] == [500, 300]


def test_interval_plot_segments():
    ax = charts.interval_plot(["a", "b"], [1, 2], [0, 1.5], [2, 3], base=[1.1, 2.2])
    segments = ax.collections[0].get_segments()
    assert [(s[0][0], s[1][0]) for s in segments] == [(0, 2), (1.5, 3)]
    assert ax.texts[0].get_text().strip() == "1 (0 to 2)"


def test_variant_comparison_handles_missing_values():
    ax = charts.variant_comparison(["base", "v"], ["war", "peace"], [[0.2, 0.4], [0.8, None]])
    assert sorted(round(float(b.get_width()), 9) for b in bars(ax)) == [0.2, 0.4, 0.8]
    assert "n/a" in [t.get_text().strip() for t in ax.texts]


# -- adapters over the analysis results ---------------------------------------------------------------

def test_option_values_by_hand(oil):
    entry = scenarios.load("entry-deterrence")
    # Belief: entering is worth 0.3·(−1) + 0.7·1 = 0.4 to each firm; strategic: (1, 1).
    assert charts.option_values(entry, "entry")[2] == pytest.approx(np.array([[0, 2], [0.4, 0.4]]))
    assert charts.option_values(entry, "entry", entry.solve())[2] == pytest.approx(np.array([[0, 2], [1, 1]]))
    # Oil wildcatter at the start: drill now 20, test 19.5 (strategic) or 14.65 (belief), don't 0.
    labels, actors, strategic = charts.option_values(oil, "start", oil.solve())
    assert strategic[:, 0] == pytest.approx([20, 19.5, 0])
    assert charts.option_values(oil, "start")[2][:, 0] == pytest.approx([20, 14.65, 0])
    with pytest.raises(scenarios.UnknownNameError, match="did you mean 'start'"):
        charts.option_values(oil, "strat")


def test_option_chart_marks_the_strategic_choice(oil):
    ax = charts.option_chart(oil)
    assert ticks(ax)[0].endswith("(chosen)")  # drill now, worth 20 > 19.5 > 0


def test_outcome_and_tag_charts_read_the_result():
    s = scenarios.load("entry-deterrence")
    r = s.evaluate()
    ax = charts.outcome_chart(r)
    assert [round(float(b.get_width()), 12) for b in bars(ax)] == [0.5, 0.35, 0.15]
    ax = charts.tag_chart(r)
    # entry: 0.35 + 0.15 = 0.5; no-entry 0.5; shared-market 0.35; price-war 0.15.
    assert sorted(round(float(b.get_width()), 12) for b in bars(ax)) == [0.15, 0.35, 0.5, 0.5]


def test_tornado_chart_matches_the_sensitivity_result(oil):
    t = sensitivity.tornado(oil, ["drill_cost", "test_cost"], policy="reoptimize")
    ax = charts.tornado_chart(t)
    # Words over names: each parameter's description (its first sentence), wrapped.
    assert [t.replace("\n", " ") for t in ticks(ax)] == [
        "Cost of drilling a well (thousand dollars)", "Cost of the seismic test (thousand dollars)"]
    ends = sorted(round(float(b.get_x() + b.get_width()), 9) for b in bars(ax))
    assert ends == [9.5, 20.0, 29.5, 40.0]  # docs/teaching-answers.md thresholds
    assert all(float(b.get_x()) == pytest.approx(20.0) for b in bars(ax))  # the base, 20


def test_two_way_chart_maps_the_choice(oil):
    g = sensitivity.grid(oil, "test_cost", "drill_cost", steps=3, policy="reoptimize")
    ax = charts.two_way_chart(g)
    mesh = next(c for c in ax.collections if isinstance(c, QuadMesh))
    codes = np.asarray(mesh.get_array()).reshape(3, 3)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    names = {b.to: b.label for b in oil.nodes["start"].branches}
    # Row drill_cost = 70: test only below 9.5, so seismic at test_cost 0, then drill now.
    assert [legend[int(c)] for c in codes[1]] == [names["seismic"], names["drill_now"], names["drill_now"]]


def test_psa_and_comparison_charts_read_their_results(donbas):
    from scenarios.analysis.compare import compare
    from scenarios.analysis.psa import psa

    result = psa(donbas, 300, seed=4)
    ax = charts.psa_chart(result, "payoffs", actor_names={k: a.name for k, a in donbas.actors.items()})
    assert ticks(ax) == [a.name for a in donbas.actors.values()]
    segments = ax.collections[0].get_segments()
    expected = [(result.expected_payoffs[a].q05, result.expected_payoffs[a].q95) for a in result.actors]
    assert np.array([(s[0][0], s[1][0]) for s in segments]) == pytest.approx(np.array(expected))
    comparison = compare([donbas, scenarios.load("donbas-hawkish")])
    ax = charts.comparison_chart(comparison, "expected_payoffs")
    widths = sorted(float(b.get_width()) for b in bars(ax))
    assert widths == pytest.approx(sorted(v for row in comparison.expected_payoffs for v in row.values))


# -- by name, as the command line draws them -----------------------------------------------------------

@pytest.mark.parametrize("kind, options", [
    ("outcomes", {}), ("tags", {"theme": "dark"}), ("options", {"node": "recognized"}),
    ("tornado", {"theme": "print"}), ("spider", {"steps": 5}), ("psa", {"psa_draws": 200}),
])
def test_every_chart_without_overlaps(donbas, kind, options):
    ax = chart_figure(donbas, kind, **options)
    assert overlaps(ax.figure) == []


def test_chart_errors(donbas):
    with pytest.raises(charts.UnknownChartError, match="did you mean 'tornado'"):
        chart_figure(donbas, "tornadoes")
    with pytest.raises(charts.UnknownChartError, match="--x NAME --y NAME"):
        chart_figure(donbas, "two-way")
    with pytest.raises(charts.UnknownChartError, match="--variant"):
        chart_figure(donbas, "compare")


def test_print_charts_are_greyscale(donbas):
    ax = chart_figure(donbas, "outcomes", theme="print")
    for b in bars(ax):
        r, g, b_, _ = b.get_facecolor()
        assert r == g == b_
    assert any(b.get_hatch() for b in bars(ax))  # told apart by hatching, not hue


def test_registry_lists_every_kind_with_both_steps():
    from scenarios.briefing.charts import CHARTS, REGISTRY

    assert list(CHARTS) == ["outcomes", "tags", "options", "tornado", "spider", "two-way", "psa", "compare",
                           "cea", "timeline"]
    for name, kind in REGISTRY.items():
        assert kind.name == name and CHARTS[name] == kind.description
        assert callable(kind.compute) and callable(kind.draw)


def test_registry_draws_on_given_axes(donbas):
    from scenarios.render.save import new_figure

    ax = new_figure(8, 4, 100).add_subplot()
    assert chart_figure(donbas, "outcomes", ax=ax) is ax


def test_render_modules_do_not_run_analyses():
    """The drawing code reads results; analyses and the engine's internals stay out of it."""
    import ast
    from pathlib import Path

    import scenarios.render

    root = Path(scenarios.render.__file__).parent
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                name = "." * node.level + (node.module or "")
                assert "analysis" not in name and "engine" not in name, (path.name, name)
            if isinstance(node, ast.Attribute):
                assert node.attr not in ("compiled", "chosen_edge", "reach_array", "values_array"), \
                    (path.name, node.attr)


def test_timeline_title_names_the_scenario_and_lines_run_side_by_side(donbas):
    """The title names the scenario by its title, not its id; tags whose lines share a
    segment (recognition and frozen-conflict from 02-21 on, both 0.26, 0.25, 0.21;
    settlement and diplomacy at 0 from 02-17 on) are drawn side by side, the data exact."""
    from scenarios.analysis.timeline import timeline

    ax = chart_figure(donbas, "timeline")
    title = ax.figure.get_suptitle().replace("\n", " ")
    assert donbas.title in title and donbas.id not in title
    rows = timeline(donbas).rows
    lines = {line.get_label(): line for line in ax.lines if not line.get_label().startswith("_")}
    for tag in lines:
        assert np.allclose(lines[tag].get_ydata(), [r.tags[tag] for r in rows])  # values unchanged
    fig = ax.figure
    fig.canvas.draw()

    def drawn_y(tag):  # display y of the last point, after the line's offset
        line = lines[tag]
        return line.get_transform().transform((len(rows) - 1, line.get_ydata()[-1]))[1]

    assert rows[-1].tags["recognition"] == pytest.approx(rows[-1].tags["frozen-conflict"])
    for a, b in (("recognition", "frozen-conflict"), ("settlement", "diplomacy")):
        gap_points = abs(drawn_y(a) - drawn_y(b)) * 72.0 / fig.dpi
        assert gap_points == pytest.approx(2.0, abs=1e-6), (a, b)
    assert len({line.get_marker() for line in lines.values()}) == len(lines)
    assert overlaps(fig) == []

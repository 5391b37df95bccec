"""Strategic drawings: the path of play stands out (thick), the choices at decisions the play
never reaches are drawn thinner, and an equilibrium's open sets say "any".

Exact branch sets by hand: the oil wildcatter solved by backward induction drills at once
(the test is not worth its cost), so the path of play is ``start -> drill_now`` and the three
chance branches below it; after a test that is never bought it would drill on a favourable
reading and not on an unfavourable one (docs/examples and scenarios/oil-wildcatter.yaml).
The outside option's first Nash equilibrium: Ann out (the path of play), Bob stopping half
the time off the path, Ann's second move open (docs/games.md).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

import scenarios  # noqa: E402
from scenarios.render.paint import _off_path_width  # noqa: E402
from scenarios.render.theme import get_theme  # noqa: E402
from scenarios.render.tree import draw_tree  # noqa: E402
from scenarios.render.view import header_texts, tree_view  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUTSIDE = ROOT / "docs" / "examples" / "outside-option.yaml"


def edges(result, *pairs):
    """File-order positions of the branches ``(node, child)``."""
    arrays = result.arrays
    out = set()
    for node, child in pairs:
        i = arrays.ids.index(node)
        for e in range(int(arrays.edge_start[i]), int(arrays.edge_start[i + 1])):
            if arrays.ids[int(arrays.child[e])] == child:
                out.add(e)
    assert len(out) == len(pairs)
    return out


def figure_texts(ax) -> str:
    return " ".join(t.get_text() for t in ax.figure.findobj(matplotlib.text.Text))


def off_path_lines(ax):
    """Widths of the line collections in the highlight colour thinner than the path of play,
    relative to it (the drawing's scale cancels)."""
    theme = get_theme("light")
    widths = sorted({round(float(c.get_linewidths()[0]), 6) for c in ax.collections
                     if isinstance(c, LineCollection) and len(c.get_segments())
                     and tuple(c.get_colors()[0]) == to_rgba(theme.highlight)})
    return [w / widths[-1] for w in widths[:-1]]


def test_backward_induction_path_of_play_and_choices_off_it():
    s = scenarios.load("oil-wildcatter")
    r = s.solve()
    view = tree_view(s, r, highlight="strategic")
    assert view.highlight == edges(r, ("start", "drill_now"), ("drill_now", "dry"), ("drill_now", "wet"),
                                   ("drill_now", "soaking"))
    assert view.off_path == edges(r, ("favourable", "fav_drill"), ("unfavourable", "unfav_walk_away"))
    assert (view.highlight_text, view.off_path_text) == ("path of play (backward induction)",
                                                         "choices off the path of play")
    header = header_texts(view, None)
    assert "thick line: path of play (backward induction) · thinner line: choices off the path of play" \
        in header["subtitle"]


def test_an_equilibrium_drawn_with_its_open_sets():
    s = scenarios.load(OUTSIDE)
    game = s.solve(method="nash", top=0)
    view = tree_view(s, game, highlight="strategic")
    played = game.played
    assert view.result is played
    assert view.highlight == edges(played, ("ann_first", "sure"))
    assert view.off_path == edges(played, ("bob_moves", "stopped"), ("bob_moves", "ann_second"))
    assert view.open_edges == edges(played, ("ann_second", "deal"), ("ann_second", "breakdown"))
    assert "any: a choice the equilibrium leaves open" in header_texts(view, None)["subtitle"]
    ax = draw_tree(s, game, highlight="strategic")
    shown = [t.get_text().split("\n")[0] for t in ax.texts]  # a branch's p, then the outcome's P under it
    assert shown.count("any") == 2 and shown.count("p = 0.5") == 2
    assert "its choices off that path" in figure_texts(ax)  # the legend's second line
    theme = get_theme("light")
    assert off_path_lines(ax) == [pytest.approx(_off_path_width(theme) / theme.highlight_width, rel=1e-4)]


def test_no_off_path_legend_when_every_choice_is_played():
    s = scenarios.load("entry-deterrence")
    ax = draw_tree(s, s.solve(), highlight="strategic")
    assert "choices off the path of play" not in figure_texts(ax)
    assert not off_path_lines(ax)
    assert "path of play (backward induction)" in figure_texts(ax)


def test_belief_mode_strategic_highlight_is_unchanged():
    """Without a solved result the strategic highlight still marks every choice, on one tier."""
    s = scenarios.load("oil-wildcatter")
    view = tree_view(s, highlight="strategic")
    assert not view.off_path and view.highlight_text == "strategic choices (backward induction)"
    assert len(view.highlight) == 3


def test_the_reports_picture_of_a_game_draws_the_path_of_play():
    from scenarios.briefing import equilibria

    game = scenarios.load("bluffing-2022").solve(method="auto", top=0)
    assert "its path of play (its choices off that path, where drawn, are thinner)" in equilibria.caption(game)
    ax = draw_tree(game.scenario, game, highlight="strategic", slide=True)
    assert "path of play of the equilibrium" in figure_texts(ax)


def test_draw_an_equilibrium_from_the_command_line(cli_process, tmp_path):
    out = tmp_path / "outside.png"
    done = cli_process("draw", str(OUTSIDE), "--solve", "--method", "nash", "--highlight", "strategic", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out) and out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    wrong = cli_process("draw", str(OUTSIDE), "--method", "nash", "-o", str(tmp_path / "no.png"))
    assert wrong.returncode == 1 and "--method chooses how --solve solves; add --solve" in wrong.stderr
    assert "Traceback" not in wrong.stderr and not (tmp_path / "no.png").exists()

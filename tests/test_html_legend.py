"""The student page's mini-tree: a legend of the actors' colours and a "you are here" marker.

Static checks on the exported page, then Debian's Chromium through Playwright (the
``browser`` fixture and helpers of tests/test_html_browser.py): the marker sits on the
current node at the start, follows each step and ends on the outcome.  Screenshots go to a
temporary folder and to ``$SCENARIOS_SHOTS`` when set.
"""

from __future__ import annotations

import re

import pytest

import scenarios
from scenarios.export.html import export, page_data
from test_html_browser import browser, open_page, option, shots  # noqa: F401 - fixtures


@pytest.mark.parametrize("name", ["donbas-recognition-2022", "entry-deterrence", "oil-wildcatter"])
def test_the_legend_names_every_deciding_actor_with_its_colour(name):
    scenario = scenarios.load(name)
    page = export(scenario)
    legend = re.search(r'<p class="legend muted small" id="actor-legend">(.*?)</p>', page).group(1)
    data = page_data(scenario)
    deciding = [k for k in scenario.actors if any(n.actor == k for n in scenario.nodes.values())]
    shown = re.findall(r'background:(#[0-9a-f]{6})"></span>([^<]+)</span>', legend)
    assert shown == [(data["actors"][k]["color"], scenario.actors[k].name) for k in deciding]
    # the tree colours each decision with the same colour
    for node_id, node in scenario.nodes.items():
        if node.actor:
            g = re.search(rf'<g class="node decision" data-node="{node_id}"[^>]*>.*?</g>', page, flags=re.S).group(0)
            assert f'style="fill:{data["actors"][node.actor]["color"]}"' in g
    assert page.count('id="here"') == 1 and "you are here" in page


def marker(page) -> tuple[float, float]:
    transform = page.locator("#here").get_attribute("transform")
    x, y = map(float, re.fullmatch(r"translate\(([-\d.]+),([-\d.]+)\)", transform).groups())
    return x, y


def node_at(page, node_id: str) -> tuple[float, float]:
    g = page.locator(f'#tree [data-node="{node_id}"]')
    return float(g.get_attribute("data-x")), float(g.get_attribute("data-y"))


def test_you_are_here_follows_the_walk(browser, tmp_path, shots):  # noqa: F811 - fixtures
    target = tmp_path / "walk.html"
    target.write_text(export(scenarios.load("donbas-recognition-2022")), encoding="utf-8")
    page, guard = open_page(browser, target.as_uri(), viewport={"width": 1280, "height": 900})
    here = page.locator("#here")
    assert here.is_visible()
    assert marker(page) == node_at(page, "putin_desk")
    assert page.locator("#actor-legend").is_visible()
    assert page.locator("#actor-legend").inner_text() == \
        "Who decides: Russia (Putin) The West (US and allies) Ukraine"
    assert "you are at The Duma's request on Putin's desk" in page.locator("#tree-title").text_content()
    for child in ("incidents", "after_restraint", "recognized"):
        option(page, child).click()
        assert marker(page) == node_at(page, child)
        assert page.locator("#tree .node.current").get_attribute("data-node") == child
    shots(page, "legend-middle")
    page.locator("#back").click()
    assert marker(page) == node_at(page, "after_restraint")
    for key in "1111111":
        if page.locator("#summary-panel").is_visible():
            break
        page.keyboard.press(key)
    end = page.locator("#tree .node.current").get_attribute("data-node")
    assert scenarios.load("donbas-recognition-2022").nodes[end].kind == "outcome"
    assert marker(page) == node_at(page, end)
    # the label sits inside the drawing, to the outcome's left
    box, tree = here.locator("text").bounding_box(), page.locator("#tree").bounding_box()
    assert tree["x"] <= box["x"] and box["x"] + box["width"] <= tree["x"] + tree["width"]
    assert box["x"] + box["width"] < page.locator(f'#tree [data-node="{end}"] path').bounding_box()["x"]
    shots(page, "legend-end")
    guard.check()

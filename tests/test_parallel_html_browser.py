"""The HTML walk page on a scenario with several branches into one node, in Chromium.

Three bids lead to the same deposit node: the page must offer all three with their labels,
take the one clicked (its own probability and payoff), mark that edge only in the tree,
and review the choice against the solved branch, not the solved child.
"""

from __future__ import annotations

import pytest

from builders import build
from scenarios.export.html import export
from test_html_browser import browser, open_page, path_p  # noqa: F401  (browser is a fixture)
from test_parallel_branches import BID


@pytest.fixture(scope="module")
def bid_page(tmp_path_factory):
    target = tmp_path_factory.mktemp("page") / "bid.html"
    target.write_text(export(build(BID)), encoding="utf-8")
    return target


def test_parallel_options_are_offered_taken_and_reviewed(browser, bid_page, tmp_path):  # noqa: F811
    page, guard = open_page(browser, bid_page.as_uri(), viewport={"width": 1280, "height": 900})
    options = page.locator("#options button")
    assert options.count() == 4
    assert [options.nth(k).locator(".lab").inner_text() for k in range(4)] == [
        "Cost low", "Cost fair", "Cost high", "Walk away"]
    assert page.locator('#tree .edge[data-edge="bid>deposit"]').count() == 3
    page.locator("#hint-button").click()
    hint = page.locator("#hint").inner_text()
    assert "would choose “Cost low”" in hint and "→ Cost low" in hint and "→ Cost fair" not in hint
    page.locator("#hint-button").click()

    options.nth(1).click()  # Cost fair
    assert path_p(page) == 0.3
    assert "Firm -20" in page.locator("#accrued").inner_text()
    taken = page.locator("#tree .edge.taken")
    assert taken.count() == 1 and taken.get_attribute("data-branch") == "1"
    page.keyboard.press("3")  # Small (sold): the deposit's second branch into 'small'
    assert page.locator("#summary-panel").is_visible()
    assert path_p(page, "#final-p") == pytest.approx(0.06)
    assert page.locator("#tree .edge.taken").count() == 2
    assert "Cost fair → Small (sold) ⇒ small" in page.locator("#route").inner_text()
    decisions = page.locator("#decisions").inner_text()
    assert "you took “Cost fair” (value 18 for Firm); the solution takes “Cost low” (28)" in decisions
    page.screenshot(path=str(tmp_path / "bid.png"), full_page=True)
    guard.check()

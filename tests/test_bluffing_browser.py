"""The HTML walk-through page at an information set (the bundled bluffing game): the student
sees the set's narrative and never which member; in a real headless Chromium (as
tests/test_html_browser.py, whose fixtures this module reuses)."""

from __future__ import annotations

import subprocess

import pytest

import scenarios
from scenarios.export.html import page_data
from test_bluffing import HIDDEN_LABEL, HIDDEN_TEXT, SET_TEXT, flat
from test_html_browser import BIN, browser, open_page, option, shots  # noqa: F401  (fixtures)


@pytest.fixture(scope="module")
def bluff_page(tmp_path_factory):
    target = tmp_path_factory.mktemp("bluff") / "bluff.html"
    done = subprocess.run([str(BIN), "export", "bluffing-2022", "--to", "html", "-o", str(target)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "Traceback" not in done.stderr
    return target


def test_the_hidden_members_narrative_is_not_in_the_page_at_all(bluff_page):
    text = bluff_page.read_text(encoding="utf-8")
    assert HIDDEN_TEXT not in text and HIDDEN_LABEL not in text
    data = page_data(scenarios.load("bluffing-2022"))
    member = data["nodes"]["west_buildup_bluffing"]
    assert member["infoset"] == "west_sees_buildup"
    assert member["members"] == ["west_buildup_resolved", "west_buildup_bluffing"]
    assert member["label"] == data["nodes"]["west_buildup_resolved"]["label"]
    assert member["views"] == ["hidden", "action"]
    assert member["choice"] is None and member["option_values"] is None  # no backward-induction hint
    assert "infoset" not in data["nodes"]["resolve"]


def visible(page) -> str:
    return flat(page.locator("main").inner_text() if page.locator("main").count() else page.inner_text("body"))


def test_walk_to_the_hidden_member_in_chromium(browser, bluff_page, shots):  # noqa: F811
    page, guard = open_page(browser, bluff_page.as_uri(), viewport={"width": 1280, "height": 900})
    option(page, "bluffing").click()  # chance: not resolved
    option(page, "west_buildup_bluffing").click()  # Russia keeps the build-up
    seen = flat(page.locator("#walk").inner_text())
    assert SET_TEXT in seen and "The build-up goes on: the West answers" in seen
    assert HIDDEN_TEXT not in seen and HIDDEN_LABEL not in seen
    assert "cannot tell which of 2 situations" in seen
    assert not page.locator("#path-line").is_visible()  # p = 0.3 would tell the members apart
    assert "Not resolved" not in seen  # the last-step line does not name the chance pick either
    page.keyboard.press("h")
    history = flat(page.locator("#history-list").inner_text())
    assert "(hidden: The West (US and allies) cannot see this step)" in history
    assert "Russia (Putin): chose “Keep the build-up, recognize nothing”" in history
    assert "Not resolved" not in history
    page.keyboard.press("s")
    hint = flat(page.locator("#hint").inner_text())
    assert "--method spe" in hint and "would choose" not in hint
    # the tree marks both members as where the walk may be, and not the hidden chance branch
    assert page.locator('#tree g.current').count() == 2
    assert page.locator('#tree [data-node="bluffing"]').get_attribute("class").split().count("visited") == 0
    shots(page, "bluff-infoset")
    # going back and on again; the student still chooses one option
    page.keyboard.press("b")
    assert "Keep the build-up, recognize nothing" in page.locator("#options").inner_text()
    option(page, "west_buildup_bluffing").click()
    option(page, "last_buildup_bluffing").click()  # firm
    seen = flat(page.locator("#walk").inner_text())
    assert "your bluff is called" in seen  # Russia's own node: Russia knows
    assert page.locator("#path-line").is_visible()
    option(page, "backdown_buildup_bluffing").click()
    end = flat(page.locator("#summary-panel").inner_text())
    assert "Not resolved: pressing for gains without a war" in end  # the end may show everything
    assert "not knowing which of 2 situations" in end
    guard.check()

"""The HTML walk-through page: static checks, then a real headless Chromium.

The browser tests drive Debian's ``/usr/bin/chromium`` with Playwright for Python (never
``playwright install``).  They skip, saying why, only when Chromium cannot be launched and
the ``CI`` environment variable is not set; in CI they must run.  Screenshots go to a
temporary folder, and also to ``$SCENARIOS_SHOTS`` when that is set (to look at them).

The expected numbers: the Donbas historical path has probability
0.4 × 0.75 × 0.45 × 0.55 × 0.4 × 0.6 × 0.7 = 0.012474 and ranks 15th of 197 (tests/test_walk.py
works both out by hand).  Nothing dated after the scenario's as_of (2022-02-16) may be
visible in the page before the end of a walk (the hindsight rule, tests/test_hindsight.py).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import builders
import scenarios
from scenarios.export.html import export, page_data
from scenarios.export.page_tree import script_json
from scenarios.walk import Walk

BIN = Path(sys.executable).parent / "scenarios"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
HISTORICAL = ("incidents", "after_restraint", "recognized", "recog_targeted", "invasion", "war_more_aid",
              "full_scale_war")
LATER = re.compile(r"2022-0(2-(1[7-9]|2\d)|[3-9]-\d\d)|\b(1[7-9]|2\d) February 2022|February (1[7-9]|2\d)\b")


def later_dates(text: str) -> list[str]:
    """Dates after 2022-02-16 written in ``text`` (ISO, or 'DD February 2022' as the texts write them)."""
    return [m.group(0) for m in LATER.finditer(text)]


def cli(*args):
    done = subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=60)
    assert "Traceback" not in done.stderr
    return done



@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    """The Donbas page, exported as a user does it."""
    target = tmp_path_factory.mktemp("page") / "walk.html"
    done = cli("export", "donbas-recognition-2022", "--to", "html", "-o", str(target))
    assert done.returncode == 0 and done.stdout == ""
    return target


# -- without a browser ----------------------------------------------------------------------------
def test_page_is_self_contained(page_file):
    text = page_file.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text
    assert "default-src 'none'" in text  # the Content-Security-Policy forbids any request
    for remote in ("http://", "https://", "<link", "src=", "@import", "url(", "//cdn", "@font-face"):
        assert remote not in text, remote
    assert text.count("<script") == 2 and text.count("</script>") == 2


def test_embedded_numbers_come_from_python(donbas):
    data = page_data(donbas)
    assert data["root"] == "putin_desk" and data["paths"]["total"] == 197
    assert data["paths"]["complete"] and len(data["paths"]["top"]) == 197
    best = donbas.evaluate(top=5).paths
    assert data["paths"]["top"][:5] == [p.probability for p in best]
    root = data["nodes"]["putin_desk"]
    assert [b["p"] for b in root["branches"]] == pytest.approx([0.15, 0.45, 0.4], abs=1e-12)
    assert root["choice"] == "buildup"
    # docs/teaching-answers.md: Minsk 0.2, quiet build-up 3, incidents 1 (Russia's values)
    assert root["option_values"] == pytest.approx([0.2, 3.0, 1.0], abs=1e-9)
    assert [s["date"] for s in data["reveal"]["steps"]][1:4] == ["2022-02-19/2022-02-21", "2022-02-21",
                                                                 "2022-02-21/2022-02-23"]
    assert "the first tranche" in data["reveal"]["steps"][3]["text"]
    assert data["disclaimer"].startswith("Illustrative judgments for teaching")
    assert data["actors"]["russia"]["color"] == "#d55e00"
    with_override = page_data(donbas, overrides={"p_quiet": 0.3})
    assert with_override["nodes"]["putin_desk"]["branches"][2]["p"] == pytest.approx(0.55, abs=1e-12)


def test_script_json_cannot_close_the_script():
    text = script_json({"t": "</script><script>alert(1)</script><!-- \u2028 & >"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"t": "</script><script>alert(1)</script><!-- \u2028 & >"}


def hostile_scenario():
    data = builders.coin_flip()
    data["title"] = "Coin </script><script>document.title='pwned'</script>"
    data["nodes"]["flip"]["text"] = "<!-- <b>not bold</b> <img src=x onerror=alert(1)>"
    data["nodes"]["flip"]["branches"][0]["label"] = "</script>heads"
    return builders.build(data)


def test_hostile_text_is_escaped():
    page = export(hostile_scenario())
    assert page.count("</script>") == 2  # only the page's own two script elements
    assert "<img src=x" not in page and "<b>not bold</b>" not in page


def test_invalid_scenario_fails_like_validate(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("title: Broken\nnodes:\n  a: {kind: decision, branches: [{to: nowhere}]}\n")
    target = tmp_path / "out.html"
    exported = cli("export", str(broken), "--to", "html", "-o", str(target))
    validated = cli("validate", str(broken))
    assert exported.returncode == validated.returncode == 1
    assert exported.stderr == validated.stderr and "error" in exported.stderr
    assert not target.exists() and list(tmp_path.iterdir()) == [broken]


def test_export_to_standard_output():
    done = cli("export", "entry-deterrence", "--to", "html")
    assert done.returncode == 0 and done.stdout.startswith("<!DOCTYPE html>")


def test_bad_seed():
    with pytest.raises(ValueError):
        page_data(scenarios.load("entry-deterrence"), seed=-1)


def test_large_scenarios_skip_the_tree_drawing():
    scenario = builders.build(builders.deep_chain(450))
    page = export(scenario)
    assert 'id="tree"' not in page and "too many to draw" in page


# -- in Chromium -------------------------------------------------------------------------------------
def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI is set, so the browser test must run")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - depends on the machine
        _unavailable(f"Playwright for Python is not installed ({exc})")
    manager = sync_playwright().start()
    try:
        chromium = manager.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    except Exception as exc:  # pragma: no cover - depends on the machine
        manager.stop()
        _unavailable(f"cannot launch Chromium at {CHROMIUM}: {str(exc).splitlines()[0]}")
    yield chromium
    chromium.close()
    manager.stop()


@pytest.fixture
def shots(tmp_path):
    """``shot(page, name)`` saves a screenshot under tmp_path (and $SCENARIOS_SHOTS)."""
    keep = os.environ.get("SCENARIOS_SHOTS")

    def shot(page, name: str) -> Path:
        path = tmp_path / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 5_000  # a real picture, not an empty page
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(keep) / path.name)
        return path

    return shot


class Guard:
    """Aborts and records every request that is not for a file:// URL; collects JS errors."""

    def __init__(self, page):
        self.blocked: list[str] = []
        self.errors: list[str] = []
        page.route("**/*", self._route)
        page.on("request", lambda r: None if r.url.startswith(("file:", "data:"))
                else self.blocked.append(r.url))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def _route(self, route):
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def check(self):
        assert self.blocked == [], f"the page tried to reach the network: {self.blocked}"
        assert self.errors == [], self.errors


def open_page(browser, url: str, **context):
    ctx = browser.new_context(**context)
    page = ctx.new_page()
    guard = Guard(page)
    page.goto(url)
    return page, guard


def path_p(page, which="#path-p") -> float:
    return float(page.locator(which).get_attribute("data-p"))


def option(page, child: str):
    return page.locator(f'#options button[data-to="{child}"]')


def test_click_through_a_whole_walk(browser, page_file, donbas, shots):
    page, guard = open_page(browser, page_file.as_uri(), viewport={"width": 1280, "height": 900})
    assert page.title().startswith("Donbas 2022")
    assert page.locator("#disclaimer").is_visible()  # at the top, not folded away
    assert "not forecasts" in page.locator("#disclaimer").inner_text()
    assert page.locator("#screen-title").inner_text() == "■ The Duma's request on Putin's desk"
    assert page.locator("#options button").count() == 3
    assert "p = 0.4" in option(page, "incidents").inner_text()
    shots(page, "start")

    option(page, "incidents").click()
    assert path_p(page) == 0.4
    option(page, "after_restraint").click()
    option(page, "recognized").click()
    option(page, "recog_sanctions").click()
    shots(page, "middle")
    page.locator("#back").click()  # back restores the previous screen
    assert page.locator("#screen-title").inner_text() == "■ Recognition: the West's first answer"
    assert path_p(page) == pytest.approx(0.135, abs=1e-15) and page.locator("#tree .edge.taken").count() == 3
    assert later_dates(page.locator("body").inner_text()) == []  # no hindsight before the end
    option(page, "recog_targeted").click()
    page.keyboard.press("1")  # full-scale invasion
    page.keyboard.press("1")  # sweeping sanctions and more military aid
    page.keyboard.press("1")  # the defence holds
    assert page.locator("#summary-panel").is_visible()

    walk = Walk(donbas)
    for child in HISTORICAL:
        walk.choose(child)
    assert path_p(page, "#final-p") == walk.path_probability  # bit for bit
    assert page.locator("#final-p").inner_text() == f"{walk.path_probability:.6g}"
    assert page.locator("#rank").get_attribute("data-rank") == str(walk.rank().rank) == "15"
    assert page.locator("#rank").inner_text() == \
        "It is the 15th most probable of 197 possible paths; 14 paths are more probable."
    payoffs = page.locator("#payoffs tbody").inner_text()
    assert re.search(r"Russia \(Putin\)\s+-5\s+-9", payoffs)
    reveal = page.locator("#reveal").inner_text()
    assert "What actually happened in 2022" in reveal and "the first tranche" in reveal
    for date in ("2022-02-21", "2022-02-24", "2022-02-26", "2022-09-30"):
        assert date in reveal
    assert page.locator("#departure").inner_text() == "You followed the historical path all the way."
    assert page.locator("#tree .edge.taken").count() == 7
    assert page.locator("#tree .node.current").get_attribute("data-node") == "full_scale_war"
    shots(page, "end")
    guard.check()


def test_leaving_history_and_the_hint(browser, page_file, donbas):
    page, guard = open_page(browser, page_file.as_uri())
    page.keyboard.press("s")
    hint = page.locator("#hint").inner_text()
    assert "Russia (Putin) would choose “Keep the build-up, the line of contact quiet”." in hint
    assert "3" in hint and "0.2" in hint
    minsk = ("minsk_talks", "minsk_progress_kyiv", "minsk_stalls", "frozen_status_quo")
    for child in minsk:
        option(page, child).click()
    walk = Walk(donbas)
    for child in minsk:
        walk.choose(child)
    assert path_p(page, "#final-p") == walk.path_probability
    # 0.15 * 0.85 * 0.8 * 0.6 = 0.0612, after 0.105, 0.0928125 and 0.07875 (tests/test_walk.py)
    assert page.locator("#rank").get_attribute("data-rank") == "4"
    assert page.locator("#departure").inner_text() == (
        "You left the historical path at “The Duma's request on Putin's desk”: history took "
        "“Keep the build-up while incidents multiply along the line of contact”, you took "
        "“Pull forces back and pursue the Minsk diplomacy”.")
    decisions = page.locator("#decisions").inner_text()
    assert "as the solution does" in decisions
    guard.check()


@pytest.mark.parametrize("seed", [1, 5, 9, 13, 21, 34])
def test_no_hindsight_before_the_end_of_a_rolled_walk(browser, page_file, seed):
    page, guard = open_page(browser, page_file.as_uri())
    page.fill("#seed", str(seed))
    page.locator("#seed").dispatch_event("change")
    page.locator("#screen-title").focus()
    for _ in range(12):
        assert later_dates(page.locator("body").inner_text()) == [], seed
        if page.locator("#summary-panel").is_visible():
            break
        page.keyboard.press("r")
        if page.locator("#summary-panel").is_visible():
            break
    assert page.locator("#summary-panel").is_visible()
    text = page.locator("body").inner_text()
    before, marker, after = text.partition("What actually happened")
    assert marker and later_dates(after)
    assert later_dates(before.split("End of the walk")[0]) == []
    guard.check()


def test_rolls_are_seeded_and_agree_with_python(browser, page_file, donbas):
    page, guard = open_page(browser, page_file.as_uri())
    page.fill("#seed", "7")
    page.locator("#seed").dispatch_event("change")
    page.locator("#screen-title").focus()
    for _ in range(10):
        if page.locator("#summary-panel").is_visible():
            break
        page.keyboard.press("r")
    assert page.locator("#summary-panel").is_visible()
    steps = page.evaluate("window.scenarioWalk.state.steps.map(s => s.to)")
    walk = Walk(donbas)
    for child in steps:
        walk.choose(child)
    assert path_p(page, "#final-p") == walk.path_probability
    assert page.locator("#rank").get_attribute("data-rank") == str(walk.rank().rank)
    # The same seed gives the same rolls again (mulberry32 in the page).
    page.locator("#again").click()
    page.fill("#seed", "7")
    page.locator("#seed").dispatch_event("change")
    page.locator("#screen-title").focus()
    while not page.locator("#summary-panel").is_visible():
        page.keyboard.press("r")
    assert page.evaluate("window.scenarioWalk.state.steps.map(s => s.to)") == steps
    page.keyboard.press("h")
    assert page.locator("#history-list li").count() == len(steps)
    assert "rolled" in page.locator("#history-list").inner_text()
    guard.check()


def test_keyboard_only(browser, page_file):
    page, guard = open_page(browser, page_file.as_uri())
    page.keyboard.press("b")
    assert page.locator("#message").inner_text() == "Already at the start: there is no step to go back to."
    page.keyboard.press("Tab")  # the skip link first, then into the page
    for _ in range(12):
        if page.evaluate("document.activeElement.classList.contains('option')"):
            break
        page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('data-to')")
    assert focused == "minsk_talks"
    page.keyboard.press("Enter")
    assert path_p(page) == 0.15
    assert page.evaluate("document.activeElement.id") == "screen-title"  # focus follows the walk
    page.keyboard.press("9")
    assert page.locator("#message").inner_text().startswith("There is no option 9")
    page.keyboard.press("?")
    assert page.locator("#help").is_visible()
    guard.check()


def test_phone_viewport(browser, page_file, shots):
    page, guard = open_page(browser, page_file.as_uri(), viewport={"width": 390, "height": 844},
                            device_scale_factor=2, is_mobile=True, has_touch=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    box = option(page, "minsk_talks").bounding_box()
    assert box["width"] > 300 and box["height"] >= 44  # a comfortable touch target
    shots(page, "phone-start")
    for child in HISTORICAL[:2]:
        option(page, child).tap()
    for _ in range(5):  # recognize, words, invasion, more aid, the defence holds
        page.keyboard.press("1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("#summary-panel").is_visible()
    shots(page, "phone-end")
    guard.check()


def test_hostile_text_stays_text(browser, tmp_path):
    target = tmp_path / "hostile.html"
    target.write_text(export(hostile_scenario()), encoding="utf-8")
    page, guard = open_page(browser, target.as_uri())
    assert page.locator("#title").inner_text() == "Coin </script><script>document.title='pwned'</script>"
    assert page.title() == "Coin </script><script>document.title='pwned'</script>: walk through"
    assert page.locator("#narrative").inner_text() == "<!-- <b>not bold</b> <img src=x onerror=alert(1)>"
    assert page.locator("#narrative b").count() == 0 and page.locator("#narrative img").count() == 0
    option(page, "heads").click()
    assert path_p(page, "#final-p") == 0.5
    guard.check()


def test_network_is_really_blocked(browser, tmp_path):
    """The guard itself works: a page that asks for a remote image is caught."""
    target = tmp_path / "leaky.html"
    target.write_text('<!DOCTYPE html><img src="https://example.invalid/x.png">', encoding="utf-8")
    page, guard = open_page(browser, target.as_uri())
    page.wait_for_timeout(200)
    assert guard.blocked and guard.blocked[0].startswith("https://example.invalid/")

"""The what-if page in a real headless Chromium: its engine against the Python engine.

Driven with Playwright for Python and Debian's ``/usr/bin/chromium`` (the fixtures of
tests/test_html_browser.py: the tests skip only when Chromium cannot be launched and
``CI`` is unset).  For every bundled scenario and for Hypothesis-random trees and DAGs, at
random settings (parameters anywhere in their slider range, branches pinned anywhere in
[0, 1], so some settings are invalid), ``window.scenario.evaluate/solve({set})`` must
return the JSON of ``scenarios evaluate/solve --set ... --json`` (``to_dict()``): the same
keys, outcomes in the same order, numbers within 1e-12, the same choices and ties; and
where the Python engine refuses the settings, the page must refuse them with the same
message.  Then the interface: keyboard, invalid settings, hostile text, the address.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import builders
import scenarios
from scenarios.errors import ScenarioError
from scenarios.export.whatif import export, page_data
from scenarios.io.catalog import bundled_names
from test_html_browser import Guard, browser, shots  # noqa: F401  (fixtures shared with the walk page)

TOLERANCE = 1e-12

RUN = """(sets) => sets.map((set) => {
  const out = {};
  for (const mode of ["evaluate", "solve"]) {
    try { out[mode] = window.scenario[mode]({set: set}); }
    catch (err) { out[mode] = {error: err.message, kind: err.kind || err.name}; }
  }
  return out;
})"""


def python_side(scenario, overrides: dict) -> dict:
    out = {}
    for mode in ("evaluate", "solve"):
        try:
            out[mode] = getattr(scenario, mode)(overrides=overrides).to_dict()
        except ScenarioError as exc:
            out[mode] = {"error": str(exc), "type": type(exc).__name__}
    return out


def assert_same(got, want, where="") -> None:
    """Equal JSON: same keys in the same order, same strings, numbers within 1e-12."""
    if isinstance(want, dict):
        assert isinstance(got, dict), where
        assert list(got) == list(want), f"{where}: keys {list(got)} != {list(want)}"
        for key in want:
            assert_same(got[key], want[key], f"{where}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), f"{where}: {got} != {want}"
        for k, (a, b) in enumerate(zip(got, want, strict=True)):
            assert_same(a, b, f"{where}[{k}]")
    elif isinstance(want, (int, float)) and not isinstance(want, bool):
        assert isinstance(got, (int, float)) and not isinstance(got, bool), where
        assert abs(got - want) <= TOLERANCE * max(1.0, abs(want)), f"{where}: {got} != {want}"
    else:
        assert got == want, f"{where}: {got!r} != {want!r}"


def random_settings(scenario, rng: random.Random, count: int) -> list[dict]:
    """``count`` random --set dictionaries: parameters within their slider ranges, some branches pinned."""
    data = page_data(scenario)
    branches = [f"{node_id}.{b.to}" for node_id, node in scenario.nodes.items() for b in node.branches]
    out: list[dict] = [{}]
    for _ in range(count):
        chosen: dict = {}
        for p in data["parameters"]:
            if rng.random() < 0.5:
                lo, hi = p["range"]
                chosen[p["name"]] = rng.uniform(lo, hi)
        for name in rng.sample(branches, min(len(branches), rng.choice([0, 1, 1, 2, 3]))):
            chosen[name] = rng.choice([0.0, 1.0, round(rng.random(), 3), rng.random()])
        out.append(chosen)
    return out


def check_page(page, scenario, sets: list[dict]) -> tuple[int, int]:
    """Every setting in the page and in Python; returns (valid, invalid) counts."""
    got = page.evaluate(RUN, sets)
    valid = invalid = 0
    for chosen, result in zip(sets, got, strict=True):
        want = python_side(scenario, chosen)
        for mode in ("evaluate", "solve"):
            where = f"{scenario.id} {mode} --set {chosen}"
            if "error" in want[mode]:
                invalid += 1
                assert "error" in result[mode], f"{where}: the page computed numbers, Python refused: {want[mode]}"
                if result[mode]["kind"] == "expression":  # the wording of expression errors may differ
                    assert want[mode]["type"] == "ExpressionError", where
                else:  # --set values and probabilities: the engine's message, word for word
                    assert result[mode]["error"] == want[mode]["error"], where
            else:
                valid += 1
                assert "error" not in result[mode], f"{where}: {result[mode]}"
                assert_same(result[mode], want[mode], where)
    return valid, invalid


def open_page(browser, path, scenario=None, *, hash_: str = ""):  # noqa: F811
    if scenario is not None:
        path.write_text(export(scenario), encoding="utf-8")
    page = browser.new_page()
    page.set_default_timeout(60_000)  # the machine may be busy
    guard = Guard(page)
    page.goto(path.as_uri() + hash_)
    page.wait_for_selector("body[data-ready]")
    return page, guard


# -- the engine against the Python engine ------------------------------------------------------------
@pytest.mark.parametrize("name", bundled_names())
def test_bundled_scenarios_at_random_settings(browser, tmp_path, name):  # noqa: F811
    scenario = scenarios.load(name)
    if not scenario.perfect_information:
        pytest.skip(f"{name} has information sets: the what-if page refuses them (backward induction only)")
    page, guard = open_page(browser, tmp_path / "page.html", scenario)
    valid, invalid = check_page(page, scenario, random_settings(scenario, random.Random(name), 40))
    assert valid >= 20  # most random settings are valid; the invalid ones were refused alike
    assert not guard.errors and not guard.blocked
    page.close()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("random")


@pytest.mark.parametrize("dag", [False, True], ids=["trees", "dags"])
def test_random_scenarios_at_random_settings(browser, scratch, dag):  # noqa: F811
    page = browser.new_page()
    page.set_default_timeout(60_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    target = scratch / f"random-{dag}.html"

    @given(data=builders.scenario_data(dag=dag), seed=st.integers(0, 2**32 - 1))
    @settings(max_examples=int(os.environ.get("WHATIF_EXAMPLES", "30")), deadline=None,
              suppress_health_check=[HealthCheck.too_slow])
    def check(data, seed):
        scenario = builders.build(data)
        target.write_text(export(scenario), encoding="utf-8")
        page.goto(target.as_uri())
        page.wait_for_selector("body[data-ready]")
        check_page(page, scenario, random_settings(scenario, random.Random(seed), 8))
        assert not errors

    check()
    page.close()


def test_ties_take_the_first_listed_branch(browser, tmp_path):  # noqa: F811
    data = builders.centipede()
    data["nodes"]["c4"]["branches"][0]["payoffs"] = {"p2": -1}  # take at c4: 4 - 1 = 3 = pass: a tie
    scenario = builders.build(data)
    assert scenario.solve().ties == ("c4",)
    page, _ = open_page(browser, tmp_path / "page.html", scenario)
    check_page(page, scenario, [{}])
    assert page.evaluate("window.scenario.solve({}).ties") == ["c4"]
    for top in (0, 1, 3):  # the number of paths listed, as --top
        assert_same(page.evaluate(f"window.scenario.evaluate({{top: {top}}})"), scenario.evaluate(top=top).to_dict())
    assert_same(page.evaluate("window.scenario.solve({set: {'c1.take1': '0.25'}})"),
                scenario.solve(overrides={"c1.take1": "0.25"}).to_dict())  # text values, kept as given


def test_sibling_rescaling_and_its_problems(browser, tmp_path):  # noqa: F811
    scenario = builders.build(builders.three_way())
    page, _ = open_page(browser, tmp_path / "page.html", scenario)
    sets = [{"n.a": 0.8}, {"n.a": 0.8, "n.b": 0.1}, {"n.a": 0.7, "n.b": 0.6}, {"n.a": 0.5, "n.b": 0.5, "n.c": 0.5},
            {"pa": 0.9}, {"pa": 0.7, "n.c": 0.0}, {"n.a": 1.5}, {"n.a": 1.0, "n.b": 0.0, "n.c": 0.0}]
    valid, invalid = check_page(page, scenario, sets)
    assert invalid == 2 * 4  # sum 1.3; sum 1.5; pa=0.9 makes 'rest' negative; 1.5 is not a probability
    message = page.evaluate("() => { try { window.scenario.evaluate({set: {'n.a': 0.7, 'n.b': 0.6}}) }"
                            " catch (e) { return e.message } }")
    assert message == "--set n.a, n.b: the values sum to 1.3, more than 1"


def test_the_pages_stack_machine(browser, tmp_path):  # noqa: F811
    """The JavaScript machine on every expression form (random values) and on the functions' code."""
    from scenarios.export.whatif import compile_expression
    from scenarios.expressions import Expression
    from test_whatif_compile import FORMS, FUNCTION_CASES

    page, _ = open_page(browser, tmp_path / "page.html", scenarios.load("entry-deterrence"))
    rng = random.Random(15)
    jobs, wanted = [], []
    for text in FORMS:
        expr = Expression.parse(text)
        for _ in range(20):
            env = [rng.uniform(-5, 5), rng.uniform(-5, 5), rng.uniform(0.5, 5)]
            jobs.append([str(expr.source), compile_expression(expr, {"a": 0, "b": 1, "c": 2}), env])
            try:
                wanted.append(expr.evaluate(dict(zip("abc", env, strict=True))))
            except ScenarioError:
                wanted.append(None)
    for code, env, value in FUNCTION_CASES:
        jobs.append(["f", code, env])
        wanted.append(value)
    got = page.evaluate("""(jobs) => jobs.map(([source, code, env]) => {
        try { return WhatIfEngine.run(source, code, Float64Array.from(env)); } catch (err) { return null; } })""", jobs)
    for job, a, b in zip(jobs, got, wanted, strict=True):
        assert (a is None) == (b is None), job
        if b is not None:
            assert a == pytest.approx(b, rel=1e-14, abs=1e-300), job


# -- the interface ----------------------------------------------------------------------------------
def _text(page, selector: str) -> str:
    return page.inner_text(selector)


def test_keyboard_moves_a_slider_and_the_display_follows(browser, tmp_path, shots):  # noqa: F811
    page, guard = open_page(browser, tmp_path / "page.html", scenarios.load("oil-wildcatter"))
    before = (_text(page, "#outcomes"), _text(page, "#payoffs"))
    slider = page.locator('[data-setting="drill_cost"] input[type=range]')
    slider.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    state = page.evaluate("window.scenario.state()")
    assert state["set"]["drill_cost"] == pytest.approx(71.0)  # base 70, five steps of 0.2
    after = (_text(page, "#outcomes"), _text(page, "#payoffs"))
    assert after != before
    want = scenarios.load("oil-wildcatter").evaluate(overrides={"drill_cost": 71.0})
    assert f"{want.expected_payoffs['wildcatter']:.4g}" in after[1]
    page.wait_for_function("() => location.hash.includes('s.drill_cost=71')")  # once the reader pauses
    assert page.input_value('[data-setting="drill_cost"] input.box') == "71"
    shots(page, "whatif-keyboard")
    assert not guard.errors and not guard.blocked


def test_where_the_choice_flips(browser, tmp_path):  # noqa: F811
    from scenarios.analysis.sensitivity import threshold

    scenario = scenarios.load("oil-wildcatter")
    crossing = threshold(scenario, "drill_cost", node=scenario.root).crossings[0].value
    page, _ = open_page(browser, tmp_path / "page.html", scenario, hash_="#focus=drill_cost")
    flip = page.locator(f'#decisions .flip[data-node="{scenario.root}"]')
    page.wait_for_function("() => document.querySelector('#decisions .flip').textContent.startsWith('Flips')")
    text = flip.inner_text()
    assert "drill_cost ≈" in text
    shown = float(text.split("drill_cost ≈ ")[1].split(";")[0].rstrip("."))
    assert shown == pytest.approx(crossing, abs=1e-2)  # shown to 4 digits
    flips = page.evaluate("window.scenario.flips()")
    assert flips[scenario.root][0][0] == pytest.approx(crossing, abs=1e-6)
    page.select_option("#focus", "revenue_wet")  # another variable: the flips are recomputed
    page.wait_for_function("() => document.querySelector('#decisions .flip').textContent.includes('revenue_wet')")


def test_invalid_settings_show_a_message_and_no_numbers(browser, tmp_path, shots):  # noqa: F811
    page, guard = open_page(browser, tmp_path / "page.html", scenarios.load("entry-deterrence"))
    assert page.is_hidden("#problem")
    page.fill('[data-setting="entry.stay_out"] input.box', "0.7")
    page.press('[data-setting="entry.stay_out"] input.box', "Enter")
    assert page.is_hidden("#problem")
    page.fill('[data-setting="entry.response"] input.box', "0.6")
    page.press('[data-setting="entry.response"] input.box', "Enter")
    assert page.is_visible("#problem")
    message = _text(page, "#problem")
    assert "--set entry.stay_out, entry.response: the values sum to 1.3, more than 1" in message
    for panel in ("#outcomes", "#payoffs", "#decisions"):
        assert _text(page, panel).strip() == "—"
        assert "%" not in _text(page, panel)
    shots(page, "whatif-invalid")
    page.fill('[data-setting="entry.stay_out"] input.box', "1.5")
    page.press('[data-setting="entry.stay_out"] input.box', "Enter")
    assert "a probability must lie in [0, 1]" in _text(page, "#problem")
    page.click("#reset")
    assert page.is_hidden("#problem") and "%" in _text(page, "#outcomes")
    assert not guard.errors and not guard.blocked


def test_a_parameter_pushing_a_probability_out_of_range(browser, tmp_path):  # noqa: F811
    scenario = builders.build(builders.three_way())
    page, _ = open_page(browser, tmp_path / "page.html", scenario)
    page.fill('[data-setting="pa"] input.box', "0.9")
    page.press('[data-setting="pa"] input.box', "Enter")
    with pytest.raises(ScenarioError) as python:
        scenario.evaluate(overrides={"pa": 0.9})
    assert str(python.value) in _text(page, "#problem")


def test_hostile_text_stays_text(browser, tmp_path):  # noqa: F811
    data = builders.coin_flip()
    data["title"] = "Coin </script><script>document.title='pwned'</script>"
    data["summary"] = "<img src=x onerror=\"document.title='pwned'\">"
    data["nodes"]["heads"]["label"] = "<img src=x onerror=\"document.title='pwned'\">"
    data["nodes"]["flip"]["branches"][0]["label"] = "</script><b>heads</b>"
    data["nodes"]["heads"]["tags"] = ["<script>x</script>"]
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    guard = Guard(page)
    target = tmp_path / "page.html"
    target.write_text(export(builders.build(data)), encoding="utf-8")
    page.goto(target.as_uri())
    page.wait_for_selector("body[data-ready]")
    page.click('[data-setting="flip.heads"] input.box')
    assert page.title() == data["title"] + ": what if" and not dialogs  # the title as text, no script ran
    assert "<img src=x" in _text(page, "#outcomes")  # shown as text
    assert page.locator("#outcomes img, #outcomes b, #controls b, #tags script").count() == 0
    assert "</script><b>heads</b>" in _text(page, "#controls")
    assert not guard.errors and not guard.blocked


def test_the_state_is_in_the_address(browser, tmp_path):  # noqa: F811
    path = tmp_path / "page.html"
    scenario = scenarios.load("oil-wildcatter")
    page, _ = open_page(browser, path, scenario, hash_="#s.drill_cost=80&s.drill_now.dry=0.6&mode=strategic")
    state = page.evaluate("window.scenario.state()")
    assert state["set"] == {"drill_cost": 80, "drill_now.dry": 0.6} and state["mode"] == "strategic"
    assert page.input_value('[data-setting="drill_cost"] input[type=range]') == "80"
    want = scenario.solve(overrides={"drill_cost": 80, "drill_now.dry": 0.6})
    assert f"{want.expected_payoffs['wildcatter']:.4g}" in _text(page, "#payoffs")
    link = page.evaluate("location.href")
    other, _ = open_page(browser, path, hash_=link.split("#", 1)[1] and "#" + link.split("#", 1)[1])
    assert other.evaluate("window.scenario.state()")["set"] == state["set"]
    page.click("#reset")
    page.wait_for_function("() => !location.hash.includes('drill_cost')")
    bad, _ = open_page(browser, path, hash_="#s.nowhere=1&s.drill_cost=abc")
    assert bad.evaluate("window.scenario.state()")["set"] == {}
    assert "Ignored" in _text(bad, "#status")


def test_opens_with_the_exported_settings(browser, tmp_path):  # noqa: F811
    scenario = scenarios.load("oil-wildcatter")
    path = tmp_path / "page.html"
    path.write_text(export(scenario, overrides={"drill_cost": "85"}), encoding="utf-8")
    page, _ = open_page(browser, path)
    assert page.evaluate("window.scenario.state()")["set"] == {"drill_cost": 85}
    assert json.loads(json.dumps(page.evaluate("window.scenario.evaluate({})")))["overrides"] == {}


def test_parallel_branches_match_the_engine(browser, tmp_path):  # noqa: F811
    """Several branches into one node (docs/examples/bid-deposit.yaml): paths carry their
    branch positions, choices their branch and label, and --set names a branch by position."""
    scenario = scenarios.load(Path(__file__).parents[1] / "docs" / "examples" / "bid-deposit.yaml")
    page, guard = open_page(browser, tmp_path / "page.html", scenario)
    sets = [{}, {"bid.1": 0.6}, {"bid.Cost high": 0.2}, {"bid.deposit": 0.5}]
    valid, invalid = check_page(page, scenario, sets)
    assert (valid, invalid) == (6, 2)  # bid.deposit is ambiguous: refused alike, word for word
    assert not guard.errors and not guard.blocked
    page.close()


def test_measures_are_refused_in_one_line(tmp_path):
    path = Path(__file__).parents[1] / "docs" / "examples" / "screening-cea.yaml"
    with pytest.raises(ScenarioError, match="does not compute measures"):
        export(scenarios.load(path))

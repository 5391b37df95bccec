"""The Donbas scenario's second edition and the hindsight rule (issue 11).

Numbers worked out by hand for the bundled file (base case):

* the historical path takes, in order, "incidents multiply" (0.4), "restraint" (0.75),
  "recognize" (p_recognize 0.45), "a first, targeted tranche" (0.55), "full-scale invasion"
  (p_escalate × (1 − p_tranche_deter) = 0.5 × 0.8 = 0.4), "more military aid" (0.6) and
  "the defence holds" (p_hold_more_aid 0.7):
  0.4 × 0.75 × 0.45 × 0.55 × 0.4 × 0.6 × 0.7 = 0.012474;
* P(war) = P(reaching the invasion node), since every war outcome lies below it and nothing
  else leads to one.  Bottom up, I(n) = P(reaching ``invasion`` from n):
  recog_condemn 0.5, recog_targeted 0.4, recog_sanctions 0.5 × 0.6 = 0.3;
  recognized 0.15 × 0.5 + 0.55 × 0.4 + 0.3 × 0.3 = 0.385;
  after_restraint 0.45 × 0.385 + 0.2 = 0.37325;
  after_firefight 0.45 × 0.385 + min(0.55, 0.4) = 0.57325;
  incidents 0.75 × 0.37325 + 0.25 × 0.57325 = 0.42325;
  buildup_course 0.2 × 0.385 + 0.25 = 0.327; buildup_stepped 0.077 + 0.25 × 0.75 = 0.2645;
  buildup 0.5 × (0.327 + 0.2645) = 0.29575;
  minsk_stalls 0.4 × 0.385 = 0.154; minsk_talks 0.85 × 0.8 × 0.154 + 0.15 × 0.4 × 0.154 = 0.11396;
  root 0.15 × 0.11396 + 0.45 × 0.29575 + 0.4 × 0.42325 = 0.3194815;
* on the last evidence date (given recog_targeted, p_escalate 0.8): P(war) = 0.8 × 0.8 = 0.64.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import scenarios
from scenarios.analysis.timeline import timeline
from scenarios.errors import ScenarioFileError
from scenarios.io.hindsight import dates_in
from scenarios.model import DISCLAIMER, date_after
from scenarios.walk import Walk, historical_path, reveal

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT.parent / "shared" / "sources"
DONBAS = ("donbas-recognition-2022", "donbas-hawkish", "donbas-dovish", "donbas-west-split")
AS_OF = "2022-02-16"


@pytest.fixture(scope="module")
def donbas():
    return scenarios.load("donbas-recognition-2022")


def later_dates(text: str) -> list[str]:
    return [d for d in dates_in(text) + re.findall(r"\d{4}-\d{2}-\d{2}", text) if date_after(d, AS_OF)]


# -- the historical path ---------------------------------------------------------------------------
def test_history_is_one_path_and_the_reveal_lists_its_dated_steps(donbas):
    path = historical_path(donbas)
    assert path == ("putin_desk", "incidents", "after_restraint", "recognized", "recog_targeted",
                    "invasion", "war_more_aid", "full_scale_war")
    assert path[0] == donbas.root
    for parent, child in zip(path, path[1:], strict=False):
        assert child in {b.to for b in donbas.nodes[parent].branches}, (parent, child)
    shown = reveal(donbas, path)
    assert shown.status == "followed"
    dates = [step.date for step in shown.steps]
    assert all(dates) and all(step.text for step in shown.steps)
    ends = [d.split("/")[-1] for d in dates]  # each step ends no earlier than the one before
    assert ends == sorted(ends) and dates[0].startswith("2022-02-17") and ends[-1] == "2022-09-30"
    assert [step.branch for step in shown.steps][3] == "Targeted sanctions, heavier measures held back (a judgment)"
    assert donbas.evaluate().path_probability(path) == pytest.approx(0.012474, abs=1e-12)


def test_base_numbers_by_hand(donbas):
    r = donbas.evaluate()
    assert r.tags["war"] == pytest.approx(0.3194815, abs=1e-12)
    # the first answer to recognition costs Russia less than sweeping sanctions
    costs = {b.to: b.payoffs["russia"] for b in r.branches("recognized")}
    assert costs == {"recog_condemn": 0.0, "recog_targeted": -1.0, "recog_sanctions": -3.0}


def test_russian_choices_are_decisions(donbas):
    for node in ("after_restraint", "after_firefight", "recog_condemn", "recog_targeted", "recog_sanctions",
                 "buildup_course", "buildup_stepped", "minsk_stalls"):
        assert donbas.nodes[node].kind == "decision" and donbas.nodes[node].actor == "russia"


def test_aid_changes_how_a_war_goes(donbas):
    r = donbas.evaluate()
    holds = {n: dict((b.to, b.probability) for b in r.branches(n))["full_scale_war"]
             for n in ("war_more_aid", "war_prewar_aid", "war_words")}
    assert holds == {"war_more_aid": pytest.approx(0.7), "war_prewar_aid": pytest.approx(0.4),
                     "war_words": pytest.approx(0.4)}


def test_each_reading_is_consistent_with_its_summary():
    hawk = scenarios.load("donbas-hawkish").solve()
    assert hawk.choices["recog_targeted"] == "invasion" and hawk.tags["war"] > 0.99
    dove = scenarios.load("donbas-dovish").solve()
    assert dove.tags["war"] == 0.0 and dove.played_path()[-1] == "security_deal"
    base, split = scenarios.load("donbas-recognition-2022"), scenarios.load("donbas-west-split")
    assert split.evaluate().tags["war"] > base.evaluate().tags["war"]


# -- nothing after as_of before the reveal -----------------------------------------------------------
@pytest.mark.parametrize("name", DONBAS)
def test_no_later_source_or_date_before_the_reveal(name):
    s = scenarios.load(name)
    visible = [s.title, s.summary or ""]
    for node in s.nodes.values():
        assert not any(s.is_hindsight(k) for k in node.source), node.id
        visible += [node.label, node.text or "", node.quote or ""]
        visible += [x for b in node.branches for x in (b.label, b.text or "")]
    visible += [a.description or "" for a in s.actors.values()]
    visible += [p.description or "" for p in s.parameters.values()]
    assert [t for t in visible if later_dates(t)] == []


@pytest.mark.parametrize("seed", range(0, 40, 3))
def test_terminal_walk_shows_no_later_date_before_what_actually_happened(cli, seed, tmp_path):
    transcript = tmp_path / "walk.md"
    status, out, _ = cli("play", "donbas-recognition-2022", "--auto", "--seed", str(seed),
                         "--transcript", str(transcript))
    assert status == 0
    assert out.index("Note: Illustrative judgments") < out.index("Step 1")
    before, marker, after = out.partition("What actually happened")
    assert marker and later_dates(after) and later_dates(before) == []
    text = transcript.read_text(encoding="utf-8")
    before, marker, _ = text.partition("## What actually happened")
    assert marker and later_dates(before) == [] and DISCLAIMER in text


def test_walk_on_the_historical_path_in_python(donbas):
    walk = Walk(donbas, seed=1)
    for child in historical_path(donbas)[1:]:
        walk.choose(child)
    summary = walk.summary()
    assert summary.reveal.status == "followed" and summary.probability == pytest.approx(0.012474, abs=1e-12)


def _scenario_text(extra_source: str = "", node_extra: str = "", text: str = "Options.") -> str:
    return f"""title: T
as_of: "2022-02-16"
sources:
  early: {{title: Early, date: "2022-02-15"}}
  late: {{title: Late, date: "2022-02-21"}}{extra_source}
actors: {{a: {{name: A}}}}
nodes:
  start:
    kind: decision
    actor: a
    text: {text}
    historical: true{node_extra}
    branches:
      - {{to: x, p: 0.5}}
      - {{to: y, p: 0.5}}
  x: {{kind: outcome, payoffs: {{a: 1}}}}
  y: {{kind: outcome, payoffs: {{a: 0}}}}
"""


def test_validator_rejects_a_visible_later_source_with_its_position(cli_process, tmp_path):
    path = tmp_path / "late.yaml"
    path.write_text(_scenario_text(node_extra="\n    source: [early, late]"), encoding="utf-8")
    done = cli_process("validate", str(path))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert re.search(rf"{re.escape(str(path))}:13:21: error: node 'start' cites source 'late', dated "
                     r"2022-02-21, after as_of 2022-02-16", done.stderr), done.stderr


def test_validator_rejects_a_later_date_in_visible_text(tmp_path):
    with pytest.raises(ScenarioFileError) as caught:
        scenarios.loads(_scenario_text(text="On 24 February 2022 it began."), filename="t.yaml")
    assert "t.yaml:11:11: error: node 'start': 'text' mentions 2022-02-24, after as_of 2022-02-16" in str(caught.value)


def test_reveal_may_cite_later_sources_and_is_shown_only_at_the_end():
    s = scenarios.loads(_scenario_text(node_extra="\n    reveal: {date: \"2022-02-21\", text: It happened., "
                                                   "source: late}"))
    assert s.nodes["start"].reveal.source == ("late",)
    steps = reveal(s, ["start"]).steps
    assert steps[0].date == "2022-02-21" and steps[0].text == "It happened."


def test_reveal_and_evidence_errors_have_positions():
    bad = _scenario_text(node_extra="\n    reveal: {date: soon, txt: x}") + """evidence:
  - {date: "2022-02-17", observed: x, given: nowhere, set: {p_q: 1}}
"""
    with pytest.raises(ScenarioFileError) as caught:
        scenarios.loads(bad, filename="e.yaml")
    text = str(caught.value)
    # positions counted by hand in the text above: line 13 is the reveal, line 20 the item
    for expected in ("e.yaml:13:20: error: reveal date 'soon' is not a date",
                     "e.yaml:13:26: error: unknown key in the reveal of node 'start': 'txt'",
                     "e.yaml:13:5: error: the reveal of node 'start' has no 'text'",
                     "e.yaml:20:46: error: evidence item 1: unknown node 'nowhere'",
                     "e.yaml:20:61: error: evidence item 1: unknown parameter 'p_q'"):
        assert expected in text, (expected, text)


def test_dump_round_trip_keeps_reveal_and_evidence(donbas):
    again = scenarios.loads(scenarios.dumps(donbas))
    assert again == donbas and again.nodes["recognized"].reveal == donbas.nodes["recognized"].reveal
    assert len(again.evidence) == 9


# -- quotations ----------------------------------------------------------------------------------------
def _source_text(scenario, key: str) -> str | None:
    publisher = scenario.sources[key].publisher
    name = {"CBS News": "cbs-2022-02-16-duma-recognition.txt", "public record": "timeline-2022.md"}.get(publisher)
    return (SOURCES / name).read_text(encoding="utf-8") if name else None


@pytest.mark.skipif(not SOURCES.is_dir(), reason="../shared/sources/ is not present")
@pytest.mark.parametrize("name", DONBAS)
def test_every_quotation_is_verbatim_in_its_cited_source(name):
    s = scenarios.load(name)
    timeline_text = (SOURCES / "timeline-2022.md").read_text(encoding="utf-8")
    quoted_in_timeline = set(re.findall(r'"([^"]+)"', timeline_text))
    checked = 0
    items = [(n.quote, n.source) for n in s.nodes.values() if n.quote]
    items += [(n.reveal.quote, n.reveal.source) for n in s.nodes.values() if n.reveal and n.reveal.quote]
    for quote, keys in items:
        texts = {k: _source_text(s, k) for k in keys}
        assert any(t and quote in t for t in texts.values()), (quote, keys)
        for k, t in texts.items():
            if t is timeline_text or (t and s.sources[k].publisher == "public record" and quote in t):
                assert quote in quoted_in_timeline or any(quote in q for q in quoted_in_timeline), (quote, k)
        checked += 1
    # words in double quotation marks inside the texts: each verbatim in one of the source files
    cbs = (SOURCES / "cbs-2022-02-16-duma-recognition.txt").read_text(encoding="utf-8")
    prose = [s.summary or ""] + [src.title + " " + (src.note or "") for src in s.sources.values()]
    for node in s.nodes.values():
        prose += [node.label, node.text or ""] + [b.label + " " + (b.text or "") for b in node.branches]
        if node.reveal:
            prose.append(node.reveal.text)
    prose += [e.observed for e in s.evidence]
    for text in prose:
        for quote in re.findall(r'"([^"]+)"', text):
            assert quote in cbs or quote in quoted_in_timeline or any(quote in q for q in quoted_in_timeline), quote
            checked += 1
    assert checked > 20


# -- the evidence timeline -----------------------------------------------------------------------------
def test_timeline_by_hand(donbas):
    rows = timeline(donbas).rows
    assert [r.date for r in rows] == ["2022-02-16", "2022-02-15", "2022-02-16", "2022-02-17", "2022-02-18",
                                      "2022-02-19", "2022-02-20", "2022-02-21", "2022-02-22", "2022-02-23"]
    assert rows[0].tags["war"] == pytest.approx(0.3194815, abs=1e-12)
    assert rows[1].tags == rows[0].tags  # the 15 February item only records what the base holds
    assert rows[-1].given == "recog_targeted" and rows[-1].tags["war"] == pytest.approx(0.64, abs=1e-12)


def test_timeline_equals_evaluate_with_the_same_evidence(donbas):
    for row in timeline(donbas).rows:
        r = donbas.evaluate(given=row.given, overrides=row.overrides or None)
        assert row.tags == r.tags
        assert row.outcomes == {o.id: o.probability for o in r.outcomes}
        solved = donbas.solve(overrides=row.overrides or None)
        for node, child in row.choices.items():
            assert solved.choice(node) == child


def test_timeline_cli_json_equals_evaluate_cli(cli):
    status, out, _ = cli("timeline", "donbas-recognition-2022", "--json")
    assert status == 0
    rows = json.loads(out)["rows"]
    for row in (rows[3], rows[-1]):
        args = ["evaluate", "donbas-recognition-2022", "--json", "--given", row["given"]]
        for name, value in row["set"].items():
            args += ["--set", f"{name}={value!r}"]
        status, out, _ = cli(*args)
        evaluated = json.loads(out)
        assert {o["id"]: o["probability"] for o in evaluated["outcomes"]} == pytest.approx(row["outcomes"], abs=1e-12)


def test_timeline_text_and_chart(cli, tmp_path):
    status, out, _ = cli("timeline", "donbas-recognition-2022")
    assert status == 0 and DISCLAIMER in " ".join(out.split()) and "2022-02-23  recog_targeted" in out
    target = tmp_path / "t.png"
    status, _, err = cli("chart", "donbas-recognition-2022", "timeline", "-o", str(target))
    assert status == 0 and target.stat().st_size > 10_000, err
    status, _, err = cli("chart", "entry-deterrence", "timeline", "-o", str(tmp_path / "u.png"))
    assert status == 1 and "no dated 'evidence:'" in err


def test_disclaimer_where_students_look(donbas):
    from scenarios.export.html import export
    from scenarios.render.view import header_texts, tree_view

    page = export(donbas)
    assert 'id="disclaimer"' in page and page.index('id="disclaimer"') < page.index('<details id="about"')
    footer = header_texts(tree_view(donbas), None)["footer"]
    assert footer.startswith(DISCLAIMER)
    assert "Russia launches a full-scale invasion" not in footer  # a later source: never in a drawing

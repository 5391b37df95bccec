"""Words over names: scenarios.labels.parameter_label."""

import doctest

import scenarios
import scenarios.labels as labels
from scenarios.labels import clip, parameter_label, parameter_labels, short_text


def test_doctests():
    assert doctest.testmod(labels).failed == 0


def test_first_sentence_without_judgment_asides():
    assert short_text("Chance that X holds (a judgment). More text.") == "Chance that X holds"
    assert short_text("Cost of Y (payoff units, a judgment): well below Z.") == "Cost of Y"
    assert short_text("Cost of a well (thousand dollars).") == "Cost of a well (thousand dollars)"
    assert short_text("Belief that A (he had given no indication that he would, by then).") == "Belief that A"


def test_every_bundled_parameter_has_words():
    s = scenarios.load("donbas-recognition-2022")
    for name in s.parameters:
        label = parameter_label(s, name)
        assert label != name and "judgment" not in label and len(label) > 10
    assert parameter_label(s, "p_recognize") == (
        "Belief that Putin recognizes the two self-proclaimed republics once incidents have multiplied")


def test_missing_description_and_branch_overrides():
    s = scenarios.load("entry-deterrence")
    assert parameter_label(s, "nothing") == "nothing"
    assert parameter_label(s, "response.war") == "p(" + s.nodes["response"].label + " → Fight (price war))"


def test_clip_and_duplicates():
    assert clip("one two three four", 10) == "one two…"
    assert clip("short", 10) == "short"
    s = scenarios.load("oil-wildcatter")
    assert parameter_labels(s, ["drill_cost", "x"]) == ["Cost of drilling a well (thousand dollars)", "x"]

"""The Walk: stepping, rolling, going back, ranking, hints, the reveal, saving and replaying.

Expected numbers are worked by hand in the comments (the textbook trees), taken from
docs/teaching-answers.md (Donbas), or come from a second method: the brute-force
reference evaluator in tests/reference.py, and Monte Carlo agreement for the rolls.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import builders
import scenarios
from reference import Reference
from scenarios.errors import ScenarioError, UnknownNameError
from scenarios.walk import (
    RANK_TOLERANCE,
    PathRank,
    SavedWalkError,
    Walk,
    WalkError,
    count_paths,
    historical_path,
    ordinal,
    path_rank,
    reveal,
)

EXACT = 1e-12





def walk_to(scenario, *children, **kwargs) -> Walk:
    walk = Walk(scenario, seed=0, **kwargs)
    for child in children:
        walk.choose(child)
    return walk


def state(walk: Walk):
    """Everything observable about where a walk stands."""
    return (walk.node_id, walk.path, walk.history, walk.path_probability, walk.options,
            dict(walk.accrued), walk.is_finished)


# -- the current node and its options ------------------------------------------------------
def test_start_screen(donbas):
    walk = Walk(donbas, seed=1)
    assert walk.node_id == "putin_desk" and walk.is_at_start and not walk.is_finished
    assert walk.actor == "russia"
    assert "Which card does he play?" in walk.text
    assert [s.publisher for s in walk.sources] == ["CBS News", "public record"]
    assert walk.quote.startswith("The Duma's vote on Tuesday")
    # Belief weights at the root: p_recognize 0.30, Minsk 0.25, false flag 0.20, rest 0.25.
    assert [o.to for o in walk.options] == ["recognized", "minsk_talks", "false_flag", "buildup"]
    assert [o.probability for o in walk.options] == pytest.approx([0.30, 0.25, 0.20, 0.25], abs=EXACT)
    assert walk.path_probability == 1.0 and walk.path == ("putin_desk",)


def test_options_carry_bound_branch_payoffs(donbas):
    walk = walk_to(donbas, "recognized")
    by_child = {o.to: o for o in walk.options}
    # Targeted sanctions: russia -sanction_cost_russia/3 = -1; west -1/3 - 1/2 = -5/6.
    assert by_child["recog_targeted"].payoffs["russia"] == pytest.approx(-1.0, abs=EXACT)
    assert by_child["recog_targeted"].payoffs["west"] == pytest.approx(-5 / 6, abs=EXACT)
    assert "ukraine" not in by_child["recog_targeted"].payoffs  # zero payoffs are left out
    assert by_child["recog_sanctions"].text.startswith("Sanctions on banks")


def test_overrides_are_honoured(donbas, entry):
    # A branch override pins one branch and rescales the others: 0.2 / 0.8.
    walk = Walk(entry, overrides={"entry.response": 0.8})
    assert [o.probability for o in walk.options] == pytest.approx([0.2, 0.8], abs=EXACT)
    # A parameter override: p_recognize 0.45 leaves rest = 1 - 0.45 - 0.25 - 0.20 = 0.10.
    walk = Walk(donbas, overrides={"p_recognize": 0.45})
    assert [o.probability for o in walk.options] == pytest.approx([0.45, 0.25, 0.20, 0.10], abs=EXACT)
    with pytest.raises(UnknownNameError):
        Walk(donbas, overrides={"p_recognise": 0.4})


# -- choosing --------------------------------------------------------------------------------
def test_choose_by_label_child_id_or_option(entry_bundled):
    walk = Walk(entry_bundled, seed=0)
    assert walk.choose("Enter").to == "response"
    walk.back()
    assert walk.choose("response").label == "Enter"
    walk.back()
    assert walk.choose("  enter ").to == "response"  # case and spaces do not matter for labels
    walk.back()
    assert walk.choose(walk.options[0]).to == "stay_out"
    assert walk.is_finished and walk.outcome.id == "stay_out"


def test_unknown_option_lists_the_valid_ones(entry_bundled):
    walk = Walk(entry_bundled, seed=0)
    with pytest.raises(UnknownNameError) as info:
        walk.choose("Entre")
    message = str(info.value)
    assert "'Stay out' (to stay_out)" in message and "'Enter' (to response)" in message
    assert "did you mean 'Enter'" in message
    with pytest.raises(TypeError):
        walk.choose(1)


def test_ambiguous_label_asks_for_the_child_id():
    data = builders.coin_flip()
    for branch in data["nodes"]["flip"]["branches"]:
        branch["label"] = "Same"
    walk = Walk(builders.build(data), seed=0)
    with pytest.raises(UnknownNameError, match="ambiguous"):
        walk.choose("Same")
    assert walk.choose("tails").to == "tails"


def test_finished_walk_refuses_to_move_on(entry_bundled):
    walk = walk_to(entry_bundled, "stay_out")
    with pytest.raises(WalkError, match="ended"):
        walk.roll()
    with pytest.raises(WalkError, match="ended"):
        walk.choose("Enter")
    assert isinstance(WalkError("x"), ScenarioError)


# -- path probability and payoffs -------------------------------------------------------------
def test_historical_path_probability_and_payoffs(donbas):
    # docs/teaching-answers.md: 0.3 * 0.5 * 0.35 * 0.6 = 0.0315, total payoff (-10, -6, -7).
    walk = walk_to(donbas, "recognized", "recog_sanctions", "invasion", "full_scale_war")
    assert walk.is_finished
    assert walk.path_probability == pytest.approx(0.0315, abs=EXACT)
    assert dict(walk.payoffs) == {"russia": -4.0, "west": -3.0, "ukraine": -7.0}
    assert dict(walk.accrued) == pytest.approx({"russia": -10.0, "west": -6.0, "ukraine": -7.0}, abs=EXACT)


def test_path_probability_is_the_product_of_the_steps(donbas):
    walk = Walk(donbas, seed=11)
    product = 1.0
    while not walk.is_finished:
        step = walk.roll()
        product *= step.probability
        assert walk.path_probability == product  # same factors, same order: bit for bit
    assert product == math.prod(s.probability for s in walk.history)


@settings(max_examples=40)
@given(data=builders.scenario_data(max_nodes=9), seed=st.integers(0, 2**32 - 1))
def test_walk_agrees_with_the_reference(data, seed):
    """A rolled walk's probability and payoffs equal the brute-force reference's path."""
    scenario = builders.build(data)
    walk = Walk(scenario, seed=seed)
    while not walk.is_finished:
        walk.roll()
    ref = {path.nodes: path for path in Reference(data).all_paths()}[walk.path]
    assert walk.path_probability == pytest.approx(ref.probability, rel=1e-9, abs=1e-15)
    assert walk.path_probability > 0  # a roll never takes a zero-probability branch
    assert dict(walk.accrued) == pytest.approx(ref.payoffs, rel=1e-9, abs=1e-9)
    rank = walk.rank()
    probabilities = [p.probability for p in Reference(data).all_paths()]
    q = walk.path_probability
    assert rank.total == len(probabilities)
    assert rank.higher == sum(p > q * (1 + RANK_TOLERANCE) for p in probabilities)
    assert rank.ties == sum(abs(p - q) <= q * RANK_TOLERANCE for p in probabilities) - 1


# -- back ----------------------------------------------------------------------------------------
def test_back_restores_the_exact_state(donbas):
    walk = Walk(donbas, seed=3)
    states = [state(walk)]
    while not walk.is_finished:
        walk.roll()
        states.append(state(walk))
    for expected in reversed(states[:-1]):
        walk.back()
        assert state(walk) == expected
    with pytest.raises(WalkError, match="already at the start"):
        walk.back()


def test_back_several_steps(donbas):
    walk = walk_to(donbas, "minsk_talks", "minsk_progress_kyiv", "minsk_stalls")
    before = state(walk_to(donbas, "minsk_talks"))
    assert walk.back(2).id == "minsk_talks"
    assert state(walk) == before
    with pytest.raises(WalkError, match="only 1 taken"):
        walk.back(2)
    with pytest.raises(ValueError):
        walk.back(0)
    walk.restart()
    assert walk.is_at_start


# -- rolling -------------------------------------------------------------------------------------
def test_seeded_replays_are_identical(donbas):
    def rolled(seed):
        walk = Walk(donbas, seed=seed)
        while not walk.is_finished:
            walk.roll()
        return walk.history

    assert rolled(2022) == rolled(2022)
    assert len({tuple(s.to for s in rolled(seed)) for seed in range(12)}) > 1
    # A Generator seeds a walk too; the seed it gives is recorded.
    walk = Walk(donbas, seed=np.random.default_rng(5))
    assert walk.seed == int(np.random.default_rng(5).integers(2**32))


def test_roll_uses_the_kth_number_of_the_seeded_stream(entry_bundled):
    walk = Walk(entry_bundled, seed=42)
    u = np.random.default_rng(42).random(3)
    first = walk.roll()
    assert first.draw == 0 and first.u == u[0]
    # Stay out covers [0, 0.5), Enter [0.5, 1).
    assert first.to == ("stay_out" if u[0] < 0.5 else "response")
    walk.back()
    second = walk.roll()  # going back does not rewind: a fresh number
    assert second.draw == 1 and second.u == u[1] and walk.rolls == 2


def test_rolls_follow_the_probabilities(donbas):
    """Monte Carlo: 6000 rolls at the root against 0.30/0.25/0.20/0.25, chi-square."""
    walk = Walk(donbas, seed=7)
    counts = {o.to: 0 for o in walk.options}
    n = 6000
    for _ in range(n):
        counts[walk.roll().to] += 1
        walk.back()
    expected = np.array([o.probability for o in walk.options]) * n
    chi2 = float(((np.array(list(counts.values())) - expected) ** 2 / expected).sum())
    assert chi2 < 16.27  # the 0.999 quantile of chi-square with 3 degrees of freedom


def test_rolled_outcomes_match_the_belief_distribution(entry_bundled):
    """Whole walks rolled to the end reach each outcome as often as evaluate() says."""
    n = 3000
    counts = {"stay_out": 0, "share": 0, "war": 0}
    walk = Walk(entry_bundled, seed=99)
    for _ in range(n):
        while not walk.is_finished:
            walk.roll()
        counts[walk.node_id] += 1
        walk.restart()
    for outcome, p in (("stay_out", 0.5), ("share", 0.35), ("war", 0.15)):
        se = math.sqrt(p * (1 - p) / n)
        assert abs(counts[outcome] / n - p) < 4 * se


def test_zero_probability_branch_is_never_rolled_but_can_be_chosen():
    data = builders.coin_flip()
    data["nodes"]["flip"]["branches"][0]["p"] = 0.0
    scenario = builders.build(data)
    walk = Walk(scenario, seed=0)
    assert all(walk.roll().to == "tails" and walk.back() for _ in range(200))
    walk.choose("heads")
    assert walk.path_probability == 0.0
    # Ranked after every possible path: 1 path (tails) is possible.
    assert walk.rank() == PathRank(rank=2, higher=1, ties=0, total=2, probability=0.0)


# -- rank --------------------------------------------------------------------------------------
@pytest.mark.parametrize("outcome, probability, rank", [
    # Entry deterrence (Selten 1978; docs/teaching-answers.md): stay_out 0.5, then
    # share 0.5*0.7 = 0.35, then war 0.5*0.3 = 0.15.
    ("stay_out", 0.5, 1), ("share", 0.35, 2), ("war", 0.15, 3),
], ids=["stay_out", "share", "war"])
def test_rank_entry_deterrence(entry_bundled, outcome, probability, rank):
    children = {"stay_out": ["stay_out"], "share": ["response", "share"], "war": ["response", "war"]}
    walk = walk_to(entry_bundled, *children[outcome])
    assert walk.path_probability == pytest.approx(probability, abs=EXACT)
    assert walk.rank() == PathRank(rank, rank - 1, 0, 3, walk.path_probability)


# The oil wildcatter's 12 paths by hand (docs/teaching-answers.md), most probable first:
# dry 0.25, walk_away 0.2, wet 0.15, unfav_walk_away 0.3*0.5*0.8 = 0.12, soaking 0.10,
# fav_wet 0.3*0.5*0.9*0.4 = 0.054, fav_dry = fav_soaking = 0.3*0.5*0.9*0.3 = 0.0405 (a tie),
# unfav_dry 0.3*0.5*0.2*0.7 = 0.021, fav_walk_away 0.015, unfav_wet 0.006, unfav_soaking 0.003.
OIL = [
    (("drill_now", "dry"), 0.25, 1, 0),
    (("walk_away",), 0.2, 2, 0),
    (("drill_now", "wet"), 0.15, 3, 0),
    (("seismic", "unfavourable", "unfav_walk_away"), 0.12, 4, 0),
    (("drill_now", "soaking"), 0.10, 5, 0),
    (("seismic", "favourable", "fav_drill", "fav_wet"), 0.054, 6, 0),
    (("seismic", "favourable", "fav_drill", "fav_dry"), 0.0405, 7, 1),
    (("seismic", "favourable", "fav_drill", "fav_soaking"), 0.0405, 7, 1),
    (("seismic", "unfavourable", "unfav_drill", "unfav_dry"), 0.021, 9, 0),
    (("seismic", "favourable", "fav_walk_away"), 0.015, 10, 0),
    (("seismic", "unfavourable", "unfav_drill", "unfav_wet"), 0.006, 11, 0),
    (("seismic", "unfavourable", "unfav_drill", "unfav_soaking"), 0.003, 12, 0),
]


@pytest.mark.parametrize("children, probability, rank, ties", OIL, ids=[c[0][-1] for c in OIL])
def test_rank_oil_wildcatter(oil, children, probability, rank, ties):
    walk = walk_to(oil, *children)
    assert walk.path_probability == pytest.approx(probability, abs=EXACT)
    assert walk.rank() == PathRank(rank, rank - 1, ties, 12, walk.path_probability)


def test_rank_of_the_historical_donbas_path(donbas):
    walk = walk_to(donbas, "recognized", "recog_sanctions", "invasion", "full_scale_war")
    # Paths more probable than 0.0315, by hand from docs/teaching-answers.md:
    # frozen_status_quo via Kyiv 0.25*0.85*0.8*0.6 = 0.102; standoff after aid 0.25*0.6*0.56
    # = 0.084; recognition_frozen after sweeping sanctions 0.3*0.5*0.65 = 0.0975;
    # after targeted 0.3*0.35*0.575 = 0.060375; pretext_exposed 0.2*0.75*0.6*0.65 = 0.0585;
    # standoff after talks 0.25*0.4*0.5 = 0.05; minsk_settlement 0.25*0.85*0.2 = 0.0425;
    # that is 7, and no other path reaches 0.0315 (the next, security_deal after arms and
    # posture, is 0.25*0.6*0.2 = 0.03).
    assert walk.rank() == PathRank(8, 7, 0, 64, walk.path_probability)


def test_rank_searches_only_as_far_as_needed(monkeypatch):
    """On a chain with 2,002 paths the top path is ranked after asking for 64, not all."""
    import scenarios.engine.rank as rank_module

    asked = []
    real = rank_module.top_paths

    def spy(compiled, p, k, **kw):
        asked.append(k)
        return real(compiled, p, k, **kw)

    monkeypatch.setattr(rank_module, "top_paths", spy)
    scenario = builders.build(builders.deep_chain(2_000, q=0.9))
    walk = Walk(scenario, seed=0)
    walk.choose("stop")  # probability 0.1; the path c0 -> c1 -> ... is less likely (0.9^k)
    rank = walk.rank()
    assert rank.total == 2_002 and rank.rank == 1  # 2,000 stops, then lo or hi
    assert asked == [64]


def test_count_paths_exact_beyond_floating_point():
    # 70 diamonds in a row (c_i -> l_i or r_i -> c_{i+1}): 2^70 paths, more than a float counts.
    nodes = {}
    for i in range(70):
        nodes[f"c{i}"] = {"kind": "chance", "branches": [{"to": f"l{i}", "p": 0.5}, {"to": f"r{i}", "p": "rest"}]}
        nodes[f"l{i}"] = {"kind": "chance", "branches": [{"to": f"c{i + 1}", "p": 1}]}
        nodes[f"r{i}"] = {"kind": "chance", "branches": [{"to": f"c{i + 1}", "p": 1}]}
    nodes["c70"] = {"kind": "outcome"}
    scenario = builders.build({"title": "Doubling", "nodes": nodes})
    assert count_paths(scenario.compiled) == 2**70


@settings(max_examples=40)
@given(data=builders.scenario_data(max_nodes=10))
def test_count_paths_matches_enumeration(data):
    from scenarios.engine.bind import bind
    from scenarios.engine.paths import all_paths

    scenario = builders.build(data)
    assert count_paths(scenario.compiled) == len(Reference(data).all_paths())
    # Positive paths: against enumerating the same bound numbers.  (Not against the
    # reference: a `rest` that is 0 by hand can be bound as 1e-16, float noise of bind.)
    p = bind(scenario).p
    assert count_paths(scenario.compiled, p) == sum(prob > 0 for _, _, prob in all_paths(scenario.compiled, p))


def test_path_rank_function(entry_bundled):
    from scenarios.engine.bind import bind

    bound = bind(entry_bundled)
    assert path_rank(bound, 0.15).rank == 3
    assert path_rank(bound, 0.4).rank == 2  # a probability between paths ranks by position
    assert path_rank(bound, 1.0).rank == 1


def test_rank_needs_a_finished_walk(entry_bundled):
    with pytest.raises(WalkError, match="not at an outcome"):
        Walk(entry_bundled).rank()
    with pytest.raises(WalkError):
        Walk(entry_bundled).summary()


def test_ordinal():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 111)] == \
        ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "111th"]


# -- the strategic hint and the review ------------------------------------------------------------
def test_hint_at_the_donbas_root(donbas):
    # docs/teaching-answers.md: putin_desk -> minsk_talks (-0.2; recognize -4.15, false flag -3,
    # build-up -2); under the solution minsk_settlement 0.2, frozen_status_quo 0.8;
    # expected payoffs (-0.2, 0.8, -0.6).
    hint = Walk(donbas).hint()
    assert hint.choice == "minsk_talks" and hint.choice_label == "Keep pursuing the Minsk diplomacy"
    assert dict(hint.values) == pytest.approx(
        {"recognized": -4.15, "minsk_talks": -0.2, "false_flag": -3.0, "buildup": -2.0}, abs=1e-9)
    assert dict(hint.expected) == pytest.approx({"russia": -0.2, "west": 0.8, "ukraine": -0.6}, abs=1e-9)
    assert dict(hint.outcomes) == pytest.approx({"frozen_status_quo": 0.8, "minsk_settlement": 0.2}, abs=1e-12)
    assert hint.likely_path == ("putin_desk", "minsk_talks", "minsk_progress_kyiv", "minsk_stalls",
                                "frozen_status_quo")
    assert not hint.tie and not hint.fixed


def test_hint_counts_what_was_accrued(donbas):
    # After recognition and sweeping sanctions the West has paid 1 and Russia 3; from
    # recog_sanctions the solution continues: escalation 0.35 -> invasion (west sanctions and
    # aid: russia -3 -4, west -2 -3) or 0.65 frozen (2, -2, -4).
    walk = walk_to(donbas, "recognized", "recog_sanctions")
    hint = walk.hint()
    assert hint.choice is None and hint.kind == "chance"
    russia = -3 + 0.35 * (-3 - 4) + 0.65 * 2
    west = -1 + 0.35 * (-1 - 1 - 3) + 0.65 * -2
    assert hint.expected["russia"] == pytest.approx(russia, abs=1e-9)
    assert hint.expected["west"] == pytest.approx(west, abs=1e-9)


def test_hint_entry_deterrence(entry_bundled):
    # Backward induction (Gibbons 1992, 2.1): after entry, fight -1 < accommodate 1.
    hint = walk_to(entry_bundled, "response").hint()
    assert hint.choice == "share" and dict(hint.values) == {"war": -1.0, "share": 1.0}


def test_review_compares_each_decision(donbas):
    walk = walk_to(donbas, "recognized", "recog_targeted", "invasion", "war_condemnation_only")
    review = walk.review()
    assert [(r.node, r.took, r.strategic, r.agrees) for r in review] == [
        ("putin_desk", "recognized", "minsk_talks", False),
        ("recognized", "recog_targeted", "recog_sanctions", False),
        ("invasion", "war_condemnation_only", "full_scale_war", False),
    ]
    # recognized: targeted -4.108333 against sweeping -4.05 (teaching answers).
    assert review[1].value_took == pytest.approx(-4.1083333333, abs=1e-9)
    assert review[1].value_strategic == pytest.approx(-4.05, abs=1e-9)
    # invasion: words alone -7 for the West against sanctions and aid -5.
    assert (review[2].value_took, review[2].value_strategic) == pytest.approx((-7.0, -5.0), abs=1e-9)


# -- the historical reveal -------------------------------------------------------------------------
def test_reveal_names_the_2022_path(donbas):
    assert historical_path(donbas) == ("putin_desk", "recognized", "recog_sanctions", "invasion",
                                       "full_scale_war")
    steps = {s.node: s for s in reveal(donbas).steps}
    # recognition 2022-02-21 -> sanctions 2022-02-22 -> full-scale invasion 2022-02-24
    assert steps["recognized"].date == "2022-02-21"
    assert "recognizing" in steps["recognized"].event
    assert steps["recog_sanctions"].date == "2022-02-22"
    assert "sanctions" in steps["recog_sanctions"].event
    assert steps["invasion"].date == "2022-02-24"
    assert "full-scale invasion" in steps["invasion"].event
    assert steps["putin_desk"].branch == 'Recognize the two "republics"'
    assert steps["invasion"].branch == "Sweeping sanctions and military aid to Ukraine"
    assert steps["full_scale_war"].branch is None


def test_reveal_says_where_the_walk_left_history(donbas):
    walk = walk_to(donbas, "recognized", "recog_targeted")
    r = walk.reveal()
    assert (r.status, r.left_at, r.history_took, r.you_took, r.followed) == \
        ("left", "recognized", "recog_sanctions", "recog_targeted", 2)
    walk = walk_to(donbas, "recognized", "recog_sanctions")
    assert walk.reveal().status == "on-track"
    walk = walk_to(donbas, "recognized", "recog_sanctions", "invasion", "full_scale_war")
    summary = walk.summary()
    assert summary.reveal.status == "followed" and summary.reveal.followed == 5
    assert summary.to_dict()["reveal"]["steps"][1]["date"] == "2022-02-21"


def test_reveal_without_historical_nodes(entry_bundled):
    r = walk_to(entry_bundled, "stay_out").reveal()
    assert r.status == "none" and r.steps == ()


def test_summary_to_dict(entry_bundled):
    summary = walk_to(entry_bundled, "response", "share").summary()
    data = json.loads(json.dumps(summary.to_dict()))
    assert data["outcome"] == "share" and data["probability"] == 0.35
    assert data["rank"] == {"rank": 2, "higher": 1, "ties": 0, "total": 3, "probability": 0.35,
                            "exact": True}
    assert data["path_payoffs"] == {"entrant": 1.0, "incumbent": 1.0}
    assert data["solution_expected"] == {"entrant": 1.0, "incumbent": 1.0}
    assert [d["agrees"] for d in data["decisions"]] == [True, True]


# -- saving, resuming, replaying -------------------------------------------------------------------
def test_save_and_resume_replays_exactly(donbas):
    walk = Walk(donbas, seed=123)
    walk.roll()
    walk.roll()
    walk.back()
    walk.roll()
    text = walk.dumps()
    saved = json.loads(text)
    assert saved["scenario"] == "donbas-recognition-2022" and saved["seed"] == 123
    assert saved["rolls"] == 3 and [c["draw"] for c in saved["choices"]] == [0, 2]
    resumed = Walk.loads(donbas, text)
    assert state(resumed) == state(walk) and resumed.rolls == walk.rolls
    # Both go on identically: the stream continues after the three numbers drawn.
    while not walk.is_finished:
        assert resumed.roll() == walk.roll()
    assert resumed.summary() == walk.summary()


def test_resume_with_chosen_steps_and_overrides(donbas):
    walk = Walk(donbas, seed=5, overrides={"p_recognize": 0.4})
    walk.choose("recognized")
    walk.roll()
    resumed = Walk.from_dict(donbas, walk.to_dict())
    assert resumed.overrides == {"p_recognize": 0.4}
    assert resumed.history == walk.history and resumed.path_probability == walk.path_probability


def _saved(donbas):
    walk = Walk(donbas, seed=9)
    walk.choose("recognized")
    walk.roll()
    return walk.to_dict()


@pytest.mark.parametrize("corrupt, match", [
    (lambda d: "not json {", "not valid JSON"),
    (lambda d: [1, 2], "expected a JSON object"),
    (lambda d: {**d, "format": "other"}, "format"),
    (lambda d: {**d, "version": 99}, "unsupported version"),
    (lambda d: {**d, "scenario": "entry-deterrence"}, "for scenario 'entry-deterrence'"),
    (lambda d: {**d, "seed": "nine"}, "'seed' must be"),
    (lambda d: {**d, "seed": True}, "'seed' must be"),
    (lambda d: {**d, "rolls": -1}, ">= 0"),
    (lambda d: {**d, "choices": "all"}, "'choices' must be"),
    (lambda d: {**d, "choices": [{"at": "putin_desk"}]}, "choice 1 must be"),
    (lambda d: {**d, "choices": [{**d["choices"][0], "how": "guessed"}]}, "'how' must be"),
    (lambda d: {**d, "choices": [{**d["choices"][0], "draw": 0}]}, "a choice has no 'draw'"),
    (lambda d: {**d, "choices": [d["choices"][0], {**d["choices"][1], "draw": None}]}, "needs its 'draw'"),
    (lambda d: {**d, "choices": [{**d["choices"][0], "at": "invasion"}]}, "made at 'invasion'"),
    (lambda d: {**d, "choices": [{**d["choices"][0], "to": "invasion"}]}, "no branch to 'invasion'"),
    (lambda d: {**d, "rolls": 0}, "must increase and stay below"),
    (lambda d: {**d, "overrides": {"p_recognize": [1]}}, "must be a number"),
    (lambda d: {**d, "overrides": {"nope": 1}}, "overrides do not apply"),
], ids=["not-json", "not-object", "format", "version", "other-scenario", "seed-text", "seed-bool",
        "rolls-negative", "choices-text", "choice-shape", "how", "draw-on-choice", "roll-no-draw",
        "wrong-node", "not-a-branch", "draw-beyond-rolls", "override-type", "override-name"])
def test_corrupt_saved_walks_are_clear_errors(donbas, corrupt, match):
    bad = corrupt(_saved(donbas))
    text = bad if isinstance(bad, str) else json.dumps(bad)
    with pytest.raises(SavedWalkError, match=match):
        Walk.loads(donbas, text)


def test_tampered_roll_is_detected(donbas):
    data = _saved(donbas)
    rolled = data["choices"][1]
    others = [o.to for o in walk_to(donbas, "recognized").options if o.to != rolled["to"]]
    rolled["to"] = others[0]
    with pytest.raises(SavedWalkError, match="now lands on"):
        Walk.from_dict(donbas, data)


def test_roll_lands_elsewhere_when_numbers_change(donbas):
    # The same saved rolls under other numbers: a clear error, not a silently different walk.
    walk = Walk(donbas, seed=0)
    while True:
        walk.restart()
        step = walk.roll()
        if step.to == "recognized":
            break
    data = walk.to_dict()
    data["overrides"] = {"p_recognize": 0.0}
    with pytest.raises(SavedWalkError, match="now lands on"):
        Walk.from_dict(donbas, data)


def test_bad_seeds():
    scenario = builders.build(builders.coin_flip())
    with pytest.raises(TypeError):
        Walk(scenario, seed=1.5)
    with pytest.raises(ValueError):
        Walk(scenario, seed=-1)
    assert 0 <= Walk(scenario).seed < 2**32  # a fresh seed is recorded
    with pytest.raises(TypeError):
        Walk({"nodes": {}})


@settings(max_examples=30)
@given(data=builders.scenario_data(max_nodes=9), seed=st.integers(0, 2**32 - 1),
       actions=st.lists(st.sampled_from(["roll", "roll", "back", "first"]), max_size=12))
def test_any_session_saves_and_replays(data, seed, actions):
    """Whatever a student does, the saved walk replays to the same state and rolls on alike."""
    scenario = builders.build(data)
    walk = Walk(scenario, seed=seed)
    for action in actions:
        if action == "back" and not walk.is_at_start:
            walk.back()
        elif action == "roll" and not walk.is_finished:
            walk.roll()
        elif action == "first" and not walk.is_finished:
            walk.choose(walk.options[0])
    resumed = Walk.loads(scenario, walk.dumps())
    assert state(resumed) == state(walk)
    while not walk.is_finished:
        assert resumed.roll() == walk.roll()


@pytest.mark.parametrize("name", scenarios.bundled_names())
def test_every_bundled_scenario_walks(name):
    """Each bundled scenario can be rolled to the end, summarised, saved and replayed."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", scenarios.ScenarioWarning)
        scenario = scenarios.load(name)
    walk = Walk(scenario, seed=1)
    while not walk.is_finished:
        walk.roll()
    summary = walk.summary()
    assert 0 < summary.probability <= 1 and 1 <= summary.rank.rank <= summary.rank.total
    # The exact count against enumerating every path (variants use `extends`, so the
    # engine's iterative enumeration stands in for the reference here).
    from scenarios.engine.bind import bind
    from scenarios.engine.paths import all_paths

    paths = [prob for _, _, prob in all_paths(scenario.compiled, bind(scenario).p)]
    assert summary.rank.total == len(paths)
    assert summary.rank.higher == sum(q > summary.probability * (1 + RANK_TOLERANCE) for q in paths)
    assert Walk.loads(scenario, walk.dumps()).history == walk.history

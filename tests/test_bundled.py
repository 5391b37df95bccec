"""The bundled scenarios (the repository's scenarios/ folder): load, evaluate, solve, content rules.

Entry deterrence and the oil wildcatter are checked against numbers re-derived by hand
here (they agree with docs/teaching-answers.md).  For Donbas only invariants are checked:
its probabilities and payoffs are illustrative judgments that may be revised.
"""

from __future__ import annotations

import re
import warnings

import pytest
import yaml

import scenarios
import scenarios.io.catalog
from builders import REPO
from reference import Reference

NAMES = scenarios.bundled_names()
DONBAS = "donbas-recognition-2022"
CBS_TEXT = REPO.parent / "shared" / "sources" / "cbs-2022-02-16-duma-recognition.txt"
TOL = 1e-9


def load(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error", scenarios.ScenarioWarning)  # a bundled file has no warning
        return scenarios.load(name)


def root_to_outcome_paths(s):
    """Every root-to-outcome path, by an explicit stack (independent of the package)."""
    stack = [(s.root,)]
    while stack:
        path = stack.pop()
        node = s.nodes[path[-1]]
        if node.kind == "outcome":
            yield path
        for branch in node.branches:
            stack.append(path + (branch.to,))


def test_the_three_contract_scenarios_are_bundled():
    assert {"entry-deterrence", "oil-wildcatter", DONBAS} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_bundled_scenario_loads_evaluates_and_solves(name):
    s = load(name)
    assert s.warnings == ()
    assert s.title
    if not s.perfect_information:  # information sets (bluffing-2022): equilibria, not backward induction
        pytest.importorskip("pygambit")
        result = s.solve(method="nash")
        assert result.equilibria and all(e.max_regret == pytest.approx(0, abs=1e-9) for e in result.equilibria)
        assert sum(o.probability for o in result.outcomes) == pytest.approx(1.0, abs=TOL)
        return
    for result in (s.evaluate(), s.solve()):
        assert sum(o.probability for o in result.outcomes) == pytest.approx(1.0, abs=TOL)
        probs = [o.probability for o in result.outcomes]
        assert all(a >= b - 1e-12 for a, b in zip(probs, probs[1:], strict=False))
        assert set(result.expected_payoffs) == set(s.actors)
    solved = s.solve()
    strategic = {n.id for n in s.nodes.values() if n.kind == "decision" and not n.fixed}
    assert set(solved.choices) == strategic


@pytest.mark.parametrize("name", NAMES)
def test_bundled_scenario_content_rules(name):
    s = load(name)
    for node in s.nodes.values():
        if node.quote:
            assert node.source, f"{name}: node {node.id!r} has a quote but no source"
        for key in node.source:
            assert key in s.sources


# -- entry deterrence ----------------------------------------------------------------------------
def test_entry_deterrence_numbers():
    s = load("entry-deterrence")
    # Belief: stay_out 0.5, share 0.5*0.7 = 0.35, war 0.5*0.3 = 0.15;
    # E[entrant] = 0.35 - 0.15 = 0.2; E[incumbent] = 0.5*2 + 0.35 - 0.15 = 1.2.
    belief = s.evaluate()
    assert {o.id: o.probability for o in belief.outcomes} == {
        "stay_out": pytest.approx(0.5), "share": pytest.approx(0.35), "war": pytest.approx(0.15)}
    assert belief.expected_payoffs == {"entrant": pytest.approx(0.2), "incumbent": pytest.approx(1.2)}
    # Strategic: accommodate (1 > -1), then enter (1 > 0): share with certainty, (1, 1).
    solved = s.solve()
    assert solved.choices == {"entry": "response", "response": "share"}
    assert solved.ties == ()
    assert solved.expected_payoffs == {"entrant": pytest.approx(1), "incumbent": pytest.approx(1)}


# -- oil wildcatter ------------------------------------------------------------------------------
def test_oil_wildcatter_belief():
    s = load("oil-wildcatter")
    result = s.evaluate()
    # Path probabilities (the product of the branch weights) by hand:
    expected = {
        "dry": 0.5 * 0.5, "walk_away": 0.2, "wet": 0.5 * 0.3, "unfav_walk_away": 0.3 * 0.5 * 0.8,
        "soaking": 0.5 * 0.2, "fav_wet": 0.3 * 0.5 * 0.9 * 0.4, "fav_dry": 0.3 * 0.5 * 0.9 * 0.3,
        "fav_soaking": 0.3 * 0.5 * 0.9 * 0.3, "unfav_dry": 0.3 * 0.5 * 0.2 * 0.7,
        "fav_walk_away": 0.3 * 0.5 * 0.1, "unfav_wet": 0.3 * 0.5 * 0.2 * 0.2,
        "unfav_soaking": 0.3 * 0.5 * 0.2 * 0.1,
    }
    assert {o.id: o.probability for o in result.outcomes} == {k: pytest.approx(v) for k, v in expected.items()}
    # E = drill now 0.5*20 + test 0.3*(-10 + 0.5*0.9*59 + 0.5*0.2*(-19)) + walk 0.2*0
    #   = 10 + 0.3*(-10 + 26.55 - 1.9) = 10 + 4.395 = 14.395
    assert result.expected_payoffs["wildcatter"] == pytest.approx(14.395)
    assert result.tags["oil"] == pytest.approx(0.15 + 0.1 + 0.054 + 0.0405 + 0.006 + 0.003)


def test_oil_wildcatter_rollback():
    s = load("oil-wildcatter")
    result = s.solve()
    # favourable: 0.3(-70) + 0.4(50) + 0.3(200) = 59 > 0 -> drill;
    # unfavourable: 0.7(-70) + 0.2(50) + 0.1(200) = -19 < 0 -> walk away;
    # start: drill now 0.5(-70) + 0.3(50) + 0.2(200) = 20 > test -10 + 0.5*59 = 19.5 > 0.
    assert result.choices == {"start": "drill_now", "favourable": "fav_drill",
                              "unfavourable": "unfav_walk_away"}
    assert result.ties == ()
    assert result.expected_payoffs["wildcatter"] == pytest.approx(20)
    assert result.values["favourable"]["wildcatter"] == pytest.approx(59)
    assert result.values["seismic"]["wildcatter"] == pytest.approx(29.5)
    assert {o.id: o.probability for o in result.outcomes if o.probability > TOL} == {
        "dry": pytest.approx(0.5), "wet": pytest.approx(0.3), "soaking": pytest.approx(0.2)}


@pytest.mark.parametrize(
    ("overrides", "choice", "value", "tie"),
    [
        # The test is worth 29.5 - 20 = 9.5: it pays only below that cost; at 9.5 a tie goes
        # to drill_now, listed first.
        ({"test_cost": 5}, "seismic", 24.5, False),
        ({"test_cost": 9.5}, "drill_now", 20.0, True),
        ({"test_cost": 10}, "drill_now", 20.0, False),
        # Drilling cost c: drill now 0.5(-c) + 0.3(120 - c) + 0.2(270 - c) = 90 - c; after a
        # test, favourable 129 - c (drill), unfavourable 51 - c (< 0 for c > 51: walk), so
        # the test is worth -10 + 0.5(129 - c) = 54.5 - 0.5c.  Equal at c = 71.
        ({"drill_cost": 60}, "drill_now", 30.0, False),
        ({"drill_cost": 71}, "drill_now", 19.0, True),
        ({"drill_cost": 72}, "seismic", 18.5, False),
        ({"drill_cost": 90}, "seismic", 9.5, False),
    ],
)
def test_oil_wildcatter_thresholds(overrides, choice, value, tie):
    result = load("oil-wildcatter").solve(overrides=overrides)
    assert result.choices["start"] == choice
    assert result.expected_payoffs["wildcatter"] == pytest.approx(value)
    assert ("start" in result.ties) is tie


# -- Donbas 2022 ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def donbas():
    return load(DONBAS)


def test_donbas_outcomes_have_payoffs_for_every_actor_and_tags(donbas):
    assert {"russia", "west", "ukraine"} <= set(donbas.actors)
    outcomes = [n for n in donbas.nodes.values() if n.kind == "outcome"]
    assert len(outcomes) >= 8
    for node in outcomes:
        assert {"russia", "west", "ukraine"} <= set(node.payoffs), node.id
        assert node.tags, node.id


def test_donbas_has_exactly_one_historical_path(donbas):
    # One root-to-outcome path goes through every historical node (in a DAG another path may
    # skip some of them, e.g. invasion straight after restraint, but only one holds them all).
    paths = list(root_to_outcome_paths(donbas))
    marked = {n for n, node in donbas.nodes.items() if node.historical}
    historical = [p for p in paths if set(p) == marked]
    assert len(historical) == 1 and len(marked) == 8
    (path,) = historical
    # ... and it has positive probability in belief mode.
    result = donbas.evaluate(top=len(paths))
    assert {row.nodes: row.probability for row in result.paths}[path] > 0


def test_donbas_summary_says_it_is_illustrative(donbas):
    assert "illustrative" in donbas.summary.lower()


def test_donbas_quotes_citing_cbs_are_verbatim(donbas):
    if not CBS_TEXT.exists():
        pytest.skip(f"{CBS_TEXT} is not present")
    cbs = {key for key, source in donbas.sources.items() if (source.publisher or "") == "CBS News"}
    assert cbs, "the Donbas scenario cites the CBS report"

    def normal(text):  # verbatim up to line breaks and runs of spaces
        return re.sub(r"\s+", " ", text).strip()

    article = normal(CBS_TEXT.read_text(encoding="utf-8"))
    quoted = [n for n in donbas.nodes.values() if n.quote and cbs & set(n.source)]
    assert quoted
    for node in quoted:
        assert normal(node.quote) in article, f"{node.id}: {node.quote!r}"


@pytest.mark.parametrize("name", NAMES)
def test_bundled_scenario_matches_brute_force(name):
    s = load(name)
    data = yaml.safe_load(scenarios.io.catalog.bundled_path(name).read_text(encoding="utf-8"))
    if "extends" in data:  # a variant of another file: take the resolved data
        data = s.to_dict()
    ref = Reference(data)
    belief, ref_belief = s.evaluate(), ref.belief()
    assert belief.expected_payoffs == {a: pytest.approx(v, abs=TOL) for a, v in ref_belief.expected.items()}
    assert {o.id: o.probability for o in belief.outcomes} == {
        k: pytest.approx(v, abs=TOL) for k, v in ref_belief.outcomes.items()}
    if not s.perfect_information:  # backward induction does not apply (tests/test_bluffing.py checks it)
        return
    solved, ref_solved = s.solve(), ref.solve()
    assert solved.choices == ref_solved.choices
    assert set(solved.ties) == ref_solved.ties
    assert solved.expected_payoffs == {
        a: pytest.approx(v, abs=TOL) for a, v in ref_solved.belief.expected.items()}


def test_donbas_invariants(donbas):
    belief = donbas.evaluate()
    assert sum(o.probability for o in belief.outcomes) == pytest.approx(1.0, abs=TOL)
    assert all(o.probability > 0 for o in belief.outcomes)  # every outcome can happen
    solved = donbas.solve()
    assert sum(o.probability for o in solved.outcomes) == pytest.approx(1.0, abs=TOL)
    # In strategic mode each mover's solved value is at least what any of its options gives.
    ref = Reference(yaml.safe_load(scenarios.io.catalog.bundled_path(DONBAS).read_text(encoding="utf-8")))
    for node_id in solved.choices:
        node = donbas.nodes[node_id]
        for i, b in enumerate(node.branches):
            option = ref.branch_pay[(node_id, i)][node.actor] + solved.values[b.to][node.actor]
            assert solved.values[node_id][node.actor] >= option - TOL
    # The tags partition is consistent: war outcomes' probability equals the 'war' tag's.
    war = sum(o.probability for o in belief.outcomes if "war" in o.tags)
    assert belief.tags.get("war", 0.0) == pytest.approx(war)

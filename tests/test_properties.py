"""Property tests on random trees and DAGs, against the brute-force reference (tests/reference.py).

The random scenarios come from ``builders.scenario_data()``: decisions (some fixed, with or
without belief weights), chance nodes (sometimes with ``rest``), shared children, node and
branch payoffs, 1-4 actors and parameters used through expressions.
"""

from __future__ import annotations

import copy
import json
import math
import warnings

import pytest
from hypothesis import assume, example, given, note
from hypothesis import strategies as st

import builders
import scenarios
from builders import build, scenario_data
from reference import Reference, RefProbabilityError, RefUnreachable, rescale
from scenarios.engine.bind import bind
from scenarios.errors import ProbabilityError, ScenarioFileError, ScenarioWarning, UnreachableNodeError

TOL = 1e-9


def approx(x):
    return pytest.approx(x, rel=TOL, abs=TOL)


@given(scenario_data())
def test_outcome_probabilities_sum_to_one(data):
    s = build(data)
    for result in (s.evaluate(), s.solve()):
        assert sum(o.probability for o in result.outcomes) == approx(1.0)
        assert all(-TOL <= o.probability <= 1 + TOL for o in result.outcomes)
        assert len(result.outcomes) == sum(n["kind"] == "outcome" for n in data["nodes"].values())


@given(scenario_data())
def test_belief_matches_brute_force(data):
    note(json.dumps(data))
    result = build(data).evaluate()
    ref = Reference(data).belief()
    assert result.expected_payoffs == {a: approx(v) for a, v in ref.expected.items()}
    assert {o.id: o.probability for o in result.outcomes} == {k: approx(v) for k, v in ref.outcomes.items()}
    assert result.reach == {k: approx(v) for k, v in ref.reach.items()}
    assert result.tags == {k: approx(v) for k, v in sorted(ref.tags.items())}
    probs = [o.probability for o in result.outcomes]
    assert all(a >= b - 1e-12 for a, b in zip(probs, probs[1:], strict=False))  # most probable first


@given(scenario_data())
def test_solve_matches_backward_induction(data):
    note(json.dumps(data))
    ref = Reference(data).solve()
    assume(not ref.ambiguous)  # no decision within float noise of a tie
    result = build(data).solve()
    assert result.choices == ref.choices
    assert set(result.ties) == ref.ties
    for node, values in ref.values.items():
        assert result.values[node] == {a: approx(v) for a, v in values.items()}
    assert result.expected_payoffs == {a: approx(v) for a, v in ref.belief.expected.items()}
    assert {o.id: o.probability for o in result.outcomes} == {
        k: approx(v) for k, v in ref.belief.outcomes.items()}


@given(scenario_data())
def test_solved_value_at_a_decision_dominates_every_branch(data):
    result = build(data).solve()
    ref = Reference(data)
    for node_id, node in data["nodes"].items():
        if node["kind"] != "decision" or node.get("fixed"):
            continue
        actor = node["actor"]
        value = result.values[node_id][actor]
        for i, branch in enumerate(node["branches"]):
            option = (ref.node_pay[node_id][actor] + ref.branch_pay[(node_id, i)][actor]
                      + result.values[branch["to"]][actor])
            assert value >= option - TOL * (1 + abs(option))
        chosen = result.choices[node_id]
        i = [b["to"] for b in node["branches"]].index(chosen)
        assert value == approx(ref.node_pay[node_id][actor] + ref.branch_pay[(node_id, i)][actor]
                               + result.values[chosen][actor])


@given(scenario_data(), st.sampled_from([-2.0, 0.0, 0.5, 3.0]), st.data())
def test_scaling_an_actors_payoffs_scales_its_expectation(data, factor, draw):
    actor = draw.draw(st.sampled_from(list(data["actors"])))
    base = build(data).evaluate().expected_payoffs
    scaled = build(builders.scale_actor(data, actor, factor)).evaluate().expected_payoffs
    for a in base:
        expected = base[a] * factor if a == actor else base[a]
        assert scaled[a] == pytest.approx(expected, rel=1e-9, abs=1e-9)


@given(scenario_data(), st.sampled_from([0.5, 2.0, 10.0]), st.data())
def test_positive_scaling_keeps_the_strategic_choices(data, factor, draw):
    assume(not Reference(data).solve().ambiguous)
    actor = draw.draw(st.sampled_from(list(data["actors"])))
    base = build(data).solve()
    scaled = build(builders.scale_actor(data, actor, factor)).solve()
    assert scaled.choices == base.choices
    assert scaled.expected_payoffs[actor] == pytest.approx(base.expected_payoffs[actor] * factor,
                                                           rel=1e-9, abs=1e-9)


@st.composite
def with_branch_overrides(draw):
    data = draw(scenario_data())
    inner = [n for n, node in data["nodes"].items() if node.get("branches")]
    node_id = draw(st.sampled_from(inner))
    children = [b["to"] for b in data["nodes"][node_id]["branches"]]
    pinned = draw(st.lists(st.sampled_from(children), min_size=1, max_size=len(children), unique=True))
    values = {f"{node_id}.{c}": draw(st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.9, 1.0])) for c in pinned}
    return data, node_id, values


@given(with_branch_overrides())
def test_branch_overrides_keep_siblings_summing_to_one(case):
    data, node_id, overrides = case
    note(json.dumps(data))
    s = build(data)
    ref_base = Reference(data)
    pins = {[b["to"] for b in data["nodes"][node_id]["branches"]].index(k.split(".", 1)[1]): v
            for k, v in overrides.items()}
    try:
        expected = rescale(ref_base.p[node_id], pins)
    except RefProbabilityError:
        with pytest.raises(ProbabilityError):
            s.evaluate(overrides=overrides)
        return
    bound = bind(s, overrides)
    compiled = bound.compiled
    got = [float(bound.p[compiled.edge_of(node_id, b["to"])]) for b in data["nodes"][node_id]["branches"]]
    assert sum(got) == approx(1.0)
    assert got == [approx(x) for x in expected]
    # ... and the whole evaluation agrees with the reference under the override.
    result = s.evaluate(overrides=overrides)
    ref = Reference(data, overrides).belief()
    assert sum(o.probability for o in result.outcomes) == approx(1.0)
    assert result.expected_payoffs == {a: approx(v) for a, v in ref.expected.items()}


@given(scenario_data(), st.data())
def test_parameter_overrides_match_brute_force(data, draw):
    params = list(data.get("parameters") or {})
    assume(params)
    name = draw.draw(st.sampled_from(params))
    value = draw.draw(st.sampled_from([0.0, 0.05, 0.2, 0.5, 1.0, 2.0, -1.0]))
    s = build(data)
    try:
        ref = Reference(data, {name: value}).belief()
    except RefProbabilityError:
        with pytest.raises(ProbabilityError):
            s.evaluate(overrides={name: value})
        return
    result = s.evaluate(overrides={name: value})
    assert result.expected_payoffs == {a: approx(v) for a, v in ref.expected.items()}


@given(scenario_data(), st.integers(0, 12))
def test_top_paths_are_the_most_probable_of_all(data, top):
    result = build(data).evaluate(top=top)
    ref = Reference(data).belief().paths  # positive-probability paths, most probable first
    assert len(result.paths) == min(top, len(ref))
    assert [p.probability for p in result.paths] == [approx(p.probability) for p in ref[:top]]
    by_nodes = {p.nodes: p for p in ref}
    for row in result.paths:
        assert row.nodes in by_nodes
        assert row.probability == approx(by_nodes[row.nodes].probability)
        assert row.payoffs == {a: approx(v) for a, v in by_nodes[row.nodes].payoffs.items()}
    assert len({row.nodes for row in result.paths}) == len(result.paths)


@given(scenario_data(), st.data())
def test_given_matches_brute_force(data, draw):
    node = draw.draw(st.sampled_from(list(data["nodes"])))
    note(f"given {node}: {json.dumps(data)}")
    s = build(data)
    try:
        ref = Reference(data).belief(given=node)
    except RefUnreachable:
        with pytest.raises(UnreachableNodeError):
            s.evaluate(given=node)
        return
    result = s.evaluate(given=node, top=1000)
    assert result.expected_payoffs == {a: approx(v) for a, v in ref.expected.items()}
    assert {o.id: o.probability for o in result.outcomes} == {k: approx(v) for k, v in ref.outcomes.items()}
    assert result.reach == {k: approx(v) for k, v in ref.reach.items()}
    got = sorted((p.nodes, p.probability) for p in result.paths)
    want = sorted((p.nodes, p.probability) for p in ref.paths)
    assert [n for n, _ in got] == [n for n, _ in want]
    assert [p for _, p in got] == [approx(p) for _, p in want]


@given(scenario_data())
def test_yaml_json_and_dict_load_the_same(data):
    a = build(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        b = scenarios.loads(builders.to_yaml(data))
        c = scenarios.loads(builders.to_json(data), filename="s.json")
    assert a == b
    assert b.evaluate().to_dict()["outcomes"] == c.evaluate().to_dict()["outcomes"]


PRINTABLE = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=20)
TRICKY = st.one_of(PRINTABLE, st.sampled_from(
    ["yes", "null", "~", "1.5", "rest", "a: b", "- x", "#c", "'q'", '"d"', "x\ny\n", "  lead",
     "trail  ", "", "2022-02-16", "[a]", "*al", "!tag", "long " * 40, "%x", "@y", "`z"]))


@st.composite
def with_texts(draw):
    data = copy.deepcopy(draw(scenario_data()))
    data["title"] = draw(TRICKY) or "t"
    if draw(st.booleans()):
        data["summary"] = draw(TRICKY)
    for node in data["nodes"].values():
        for holder in [node, *(node.get("branches") or [])]:
            for key in ("label", "text"):
                if draw(st.integers(0, 3)) == 0:
                    holder[key] = draw(TRICKY)
    return data


@given(with_texts())
def test_dumps_round_trip(data):
    """house-style.md section 5: ``loads(dumps(s)) == s`` (YAML and JSON), and via to_dict."""
    s = build(data)
    assert scenarios.loads(scenarios.dumps(s)) == s
    assert scenarios.loads(scenarios.dumps(s, format="json"), filename="s.json") == s
    assert scenarios.Scenario.from_dict(s.to_dict()) == s


# -- loader fuzzing -----------------------------------------------------------------------------
SEEDS = [builders.entry_deterrence_yaml(), builders.to_yaml(builders.diamond_dag()),
         builders.to_yaml(builders.wildcatter()), builders.to_json(builders.three_way())]
SNIPPETS = list(":-[]{}&*!|>'\"#\n\t ,?0.5e9") + [
    "rest", "p: ", "kind: ", "- to: ", "decision", "chance", "outcome", "\x00", "\u00e9", "\ufeff",
    "!!python/object/apply:os.system ['true']", "&a ", "*a", "<<: ", "1e999", ".nan", "~", "---\n",
    "{{", "]]", "99999999999999999999999999", "\\ud83d"]


@st.composite
def mutated_text(draw):
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 6))):
        i = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["delete", "duplicate", "replace", "insert"]))
        if op == "delete":
            text = text[:i] + text[i + draw(st.integers(1, 8)):]
        elif op == "duplicate":
            j = min(len(text), i + draw(st.integers(1, 40)))
            text = text[:j] + text[i:j] + text[j:]
        elif op == "replace":
            text = text[:i] + draw(st.sampled_from(SNIPPETS)) + text[i + 1:]
        else:
            text = text[:i] + draw(st.sampled_from(SNIPPETS)) + text[i:]
    return text


KEYS = ["title", "id", "root", "nodes", "actors", "parameters", "sources", "kind", "branches", "to",
        "p", "payoffs", "actor", "fixed", "tags", "source", "value", "low", "high", "dist", "beta",
        "decision", "chance", "outcome", "rest", "entry", "response", "war", "share", "stay_out",
        "entrant", "incumbent"]
JUNK = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10 ** 20, 10 ** 20), st.floats(),
              st.sampled_from(KEYS), st.text(max_size=6)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.one_of(st.sampled_from(KEYS), st.integers(0, 3)),
                                            inner, max_size=4)),
    max_leaves=10)


@st.composite
def mutated_data(draw):
    data = copy.deepcopy(draw(st.sampled_from(
        [builders.entry_deterrence(), builders.diamond_dag(), builders.three_way()])))
    for _ in range(draw(st.integers(1, 3))):
        holder = data
        for _ in range(draw(st.integers(0, 4))):
            inner = [k for k, v in (holder.items() if isinstance(holder, dict) else enumerate(holder))
                     if isinstance(v, (dict, list)) and v]
            if not inner:
                break
            holder = holder[draw(st.sampled_from(inner))]
        if isinstance(holder, dict):
            holder[draw(st.sampled_from(KEYS + list(holder)))] = draw(JUNK)
        elif holder:
            holder[draw(st.integers(0, len(holder) - 1))] = draw(JUNK)
    return data


def load_or_file_error(load):
    """Loading either works (and then evaluate/solve work) or raises ScenarioFileError."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        try:
            s = load()
        except ScenarioFileError as exc:
            assert exc.diagnostics and all(d.line >= 1 and d.col >= 1 for d in exc.diagnostics)
            return
    for result in (s.evaluate(), s.solve()):
        total = sum(o.probability for o in result.outcomes)
        assert math.isclose(total, 1.0, abs_tol=1e-9) or total == 0.0  # 0: root unreachable? never
        json.dumps(result.to_dict())


@example("title: t\nnodes:\n  a: {kind: outcome}\n  a: {kind: outcome}\n")
@example("")
@given(mutated_text())
def test_fuzz_mutated_text_raises_only_file_errors(text):
    load_or_file_error(lambda: scenarios.loads(text, filename="fuzz.yaml"))
    load_or_file_error(lambda: scenarios.loads(text, filename="fuzz.json"))


@given(st.one_of(mutated_data(), st.dictionaries(st.sampled_from(KEYS), JUNK, max_size=5)))
def test_fuzz_random_data_raises_only_file_errors(data):
    load_or_file_error(lambda: scenarios.Scenario.from_dict(data))
    try:
        text = builders.to_yaml(data)
    except Exception:  # not representable as YAML (it is all plain data, but be safe)
        return
    load_or_file_error(lambda: scenarios.loads(text))

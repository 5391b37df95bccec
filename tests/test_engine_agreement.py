"""Every analysis agrees with the single evaluation, column by column, on random scenarios.

The batch evaluator (settings of a tornado, spider, grid or threshold; draws of a PSA) and
the single evaluation (``evaluate``/``solve`` with ``--set``) are separate kernels of one
engine: the batch one works on K columns at once, the single one is specialised for K = 1.
These tests hold them to the same numbers on hypothesis-random trees and DAGs, and the
belief numbers also to the brute-force reference (tests/reference.py), which shares no
code with the engine.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pytest import approx

from builders import build, scenario_data
from reference import Reference, RefProbabilityError
from scenarios.analysis.metrics import evaluate_settings, metric_value, parse_metric
from scenarios.analysis.sampling import Draws
from scenarios.engine import batch
from scenarios.engine.bind import parameter_values
from scenarios.errors import ProbabilityError

VALUES = st.lists(st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.8, 1.0, 2.0, -0.5]), min_size=1, max_size=4)


def _setting(data: dict, draw) -> tuple[str, list[float]]:
    """A parameter, or a chance node's branch, and K values for it."""
    names = list(data.get("parameters") or {})
    names += [f"{node_id}.{b['to']}" for node_id, node in data["nodes"].items()
              if node["kind"] == "chance" for b in node["branches"]]
    assume(names)
    name = draw.draw(st.sampled_from(names))
    values = draw.draw(VALUES)
    if "." in name:
        values = [min(max(v, 0.0), 1.0) for v in values]
    return name, values


def _singles(s, name, values, mode):
    """Per value, the single evaluation (or None where the setting is invalid)."""
    out = []
    for v in values:
        try:
            out.append(s.evaluate(overrides={name: v}, top=0) if mode == "belief"
                       else s.solve(overrides={name: v}, top=0))
        except ProbabilityError:
            out.append(None)
    return out


@settings(max_examples=60, deadline=None)
@given(scenario_data(), st.data())
def test_settings_columns_equal_single_evaluations(data, draw):
    s = build(data)
    name, values = _setting(data, draw)
    actor = draw.draw(st.sampled_from(list(s.actors)))
    outcome = draw.draw(st.sampled_from(list(s.outcomes)))
    decisions = [n for n in s.decisions if not s.nodes[n].fixed]
    node = draw.draw(st.sampled_from(decisions)) if decisions else None
    for policy, mode in (("belief", "belief"), ("reoptimize", "strategic")):
        singles = _singles(s, name, values, mode)
        for metric in (f"payoff:{actor}", f"outcome:{outcome}"):
            if any(r is None for r in singles):
                with pytest.raises(ProbabilityError):
                    evaluate_settings(s, {name: values}, metric=metric, policy=policy, node=node)
                continue
            got = evaluate_settings(s, {name: values}, metric=metric, policy=policy, node=node)
            parsed = parse_metric(s, metric)
            assert got.metric.tolist() == [approx(metric_value(parsed, r), abs=1e-9) for r in singles]
            if node is not None:
                solved = _singles(s, name, values, "strategic")
                children = [b.to for b in s.nodes[node].branches]
                for k, r in enumerate(solved):
                    # The choice is the first branch leading to the solved child.
                    assert children[got.choice[k]] == r.choices[node]
                    views = {b.index: b.value[s.nodes[node].actor] for b in r.branches(node)}
                    assert got.option_values[k].tolist() == [approx(views[j], abs=1e-9) for j in range(len(views))]
        if policy == "belief":
            for v, r in zip(values, singles, strict=True):
                if r is None:
                    continue
                ref = Reference(data, {name: v}).belief()
                assert r.expected_payoffs == {a: approx(x, abs=1e-9) for a, x in ref.expected.items()}


@settings(max_examples=40, deadline=None)
@given(scenario_data(), st.data())
def test_fixed_policy_equals_belief_with_the_base_choices_pinned(data, draw):
    s = build(data)
    name, values = _setting(data, draw)
    base = s.solve(top=0)
    # Pinning every solved decision's base choice to probability 1 is the fixed policy.
    pins = {f"{node}.{child}": 1.0 for node, child in base.choices.items()}
    assume(name.split(".")[0] not in pins)
    actor = next(iter(s.actors))
    singles = []
    for v in values:
        try:
            s.evaluate(overrides={name: v}, top=0)  # the setting itself must be valid
            singles.append(s.evaluate(overrides={**pins, name: v}, top=0))
        except ProbabilityError:
            singles.append(None)
    if any(r is None for r in singles):
        with pytest.raises(ProbabilityError):
            evaluate_settings(s, {name: values}, metric=f"payoff:{actor}", policy="fixed")
        return
    got = evaluate_settings(s, {name: values}, metric=f"payoff:{actor}", policy="fixed")
    assert got.metric.tolist() == [approx(r.expected_payoffs[actor], abs=1e-9) for r in singles]


@settings(max_examples=40, deadline=None)
@given(scenario_data(), st.data())
def test_batch_draws_equal_single_evaluations(data, draw):
    """A PSA's draws, bound and evaluated together, equal one evaluation per draw."""
    s = build(data)
    params = list(s.parameters)
    assume(params)
    k = draw.draw(st.integers(1, 4))
    columns = {name: np.array(draw.draw(st.lists(st.sampled_from([0.0, 0.2, 0.5, 1.0, 3.0]),
                                                   min_size=k, max_size=k))) for name in params}
    problem = batch.prepare(s)
    bound = batch.bind_batch(problem, Draws(k, parameter_values(s.parameters, columns)))
    reach = batch.forward_batch(s.compiled, bound.p)
    expected = batch.expected_payoffs_batch(bound, reach)
    solution = batch.solve_batch(bound)
    for j in range(k):
        setting = {name: float(c[j]) for name, c in columns.items()}
        try:
            single = s.evaluate(overrides=setting, top=0)
            solved = s.solve(overrides=setting, top=0)
        except ProbabilityError:
            assert not bound.valid[j]
            continue
        assert bound.valid[j]
        assert reach[:, j].tolist() == [approx(x, abs=1e-12) for x in single.reach_array]
        assert expected[:, j].tolist() == [approx(single.expected_payoffs[a], abs=1e-9) for a in s.actors]
        assert solution.values[s.compiled.root, :, j].tolist() == \
            [approx(solved.expected_payoffs[a], abs=1e-9) for a in s.actors]
        assert solution.chosen_edge[:, j].tolist() == solved.chosen_edge.tolist()
        try:
            ref = Reference(data, setting).belief()
        except RefProbabilityError:
            continue
        assert single.expected_payoffs == {a: approx(x, abs=1e-9) for a, x in ref.expected.items()}


@settings(max_examples=60, deadline=None)
@given(scenario_data(), st.data())
def test_probabilities_to_a_node_match_path_enumeration(data, draw):
    """P(go on from u to pass t), summed over the reference's paths through u and t."""
    s = build(data)
    target = draw.draw(st.sampled_from(list(s.nodes)))
    result = s.evaluate(top=0)
    got = dict(zip(s.nodes, result.probabilities_to(target).tolist(), strict=True))
    paths = Reference(data).all_paths()
    for u in s.nodes:
        through_u = [p for p in paths if u in p.nodes]
        mass_u = sum(p.probability for p in through_u)
        if mass_u <= 0.0:
            continue
        both = sum(p.probability for p in through_u
                   if target in p.nodes and p.nodes.index(target) >= p.nodes.index(u))
        assert got[u] == approx(both / mass_u, abs=1e-9)

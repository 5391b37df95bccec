"""Drawing parameter sets: seeds, each distribution, derived parameters, Dirichlet nodes,
common random numbers, and the ``dist: {dirichlet: [...]}`` node key in the loader."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import scenarios
from builders import build
from scenarios.analysis.sampling import (
    as_generator,
    dependency_order,
    draw,
    draw_distribution,
    sample,
    seed_sequence,
    stream,
)
from scenarios.errors import ScenarioFileError, UnknownNameError
from scenarios.model import Distribution

#: Sample means must lie within this many standard errors of the exact mean.
Z = 4.0
N = 40_000


def _one_parameter(dist: dict, value: float = 0.5, extra: dict | None = None) -> dict:
    """A coin whose heads probability is parameter ``x`` (any ``dist``)."""
    return {
        "title": "one parameter",
        "actors": {"u": {}},
        "parameters": {"x": {"value": value, "dist": dist}, **(extra or {})},
        "nodes": {
            "c": {"kind": "chance", "branches": [{"to": "h", "p": "x"}, {"to": "t", "p": "rest"}]},
            "h": {"kind": "outcome", "payoffs": {"u": 1}},
            "t": {"kind": "outcome"},
        },
    }


# -- seeds --------------------------------------------------------------------------------------------
def test_seed_sequence_from_int_none_generator_and_sequence():
    assert seed_sequence(12).entropy == 12
    ss = np.random.SeedSequence(5)
    assert seed_sequence(ss) is ss
    assert seed_sequence(None).entropy != seed_sequence(None).entropy  # fresh entropy each time
    rng = np.random.default_rng(3)
    first, second = seed_sequence(rng), seed_sequence(rng)
    # A Generator spawns a child each time: new streams, never the caller's own.
    assert first.spawn_key != second.spawn_key
    assert seed_sequence(np.int64(4)).entropy == 4


@pytest.mark.parametrize("bad", [1.5, "7", True, [1]])
def test_seed_of_the_wrong_type_is_a_type_error(bad):
    with pytest.raises(TypeError, match="seed must be"):
        seed_sequence(bad)


def test_negative_seed_is_a_value_error():
    with pytest.raises(ValueError, match=">= 0"):
        seed_sequence(-1)


def test_as_generator_is_reproducible_and_matches_default_rng():
    assert as_generator(9).random(3).tolist() == as_generator(9).random(3).tolist()
    # An int seed means what it means to numpy.
    assert as_generator(9).random(3).tolist() == np.random.default_rng(9).random(3).tolist()


def test_named_streams_are_stable_and_distinct():
    a = stream(1, "parameter:a").random(5)
    assert a.tolist() == stream(1, "parameter:a").random(5).tolist()
    assert a.tolist() != stream(1, "parameter:b").random(5).tolist()
    assert a.tolist() != stream(2, "parameter:a").random(5).tolist()


# -- distributions --------------------------------------------------------------------------------------
# (kind, args, exact mean, exact variance): textbook moments.
MOMENTS = [
    ("beta", (2.0, 5.0), 2 / 7, 2 * 5 / (7 ** 2 * 8)),
    ("uniform", (-1.0, 3.0), 1.0, 16 / 12),
    ("triangular", (0.0, 1.0, 4.0), 5 / 3, (0 + 1 + 16 - 0 - 0 - 4) / 18),
    ("normal", (2.0, 0.5), 2.0, 0.25),
    ("lognormal", (0.1, 0.4), math.exp(0.1 + 0.08), (math.exp(0.16) - 1) * math.exp(0.2 + 0.16)),
]


@pytest.mark.parametrize("kind,args,mean,var", MOMENTS, ids=[m[0] for m in MOMENTS])
def test_draw_distribution_moments(kind, args, mean, var):
    x = draw_distribution(Distribution(kind, args), N, as_generator(11))
    assert x.shape == (N,)
    assert abs(x.mean() - mean) < Z * math.sqrt(var / N)
    # The variance too, loosely (its own standard error is about var * sqrt(2 / N) for these).
    assert abs(x.var() - var) < 0.05 * var


@pytest.mark.parametrize("kind,args,mean,var", MOMENTS, ids=[m[0] for m in MOMENTS])
def test_draw_distribution_matches_scipy(kind, args, mean, var):
    stats = pytest.importorskip("scipy.stats")
    frozen = {
        "beta": lambda a, b: stats.beta(a, b),
        "uniform": lambda lo, hi: stats.uniform(lo, hi - lo),
        "triangular": lambda lo, mode, hi: stats.triang((mode - lo) / (hi - lo), lo, hi - lo),
        "normal": lambda m, s: stats.norm(m, s),
        "lognormal": lambda mu, sigma: stats.lognorm(sigma, scale=math.exp(mu)),
    }[kind](*args)
    x = draw_distribution(Distribution(kind, args), 5000, as_generator(3))
    assert stats.kstest(x, frozen.cdf).pvalue > 1e-3
    assert frozen.mean() == pytest.approx(mean) and frozen.var() == pytest.approx(var)


def test_fixed_and_dirichlet():
    assert draw_distribution(Distribution("fixed", (0.25,)), 4, as_generator(0)).tolist() == [0.25] * 4
    alphas = (2.0, 3.0, 5.0)
    x = draw_distribution(Distribution("dirichlet", alphas), N, as_generator(1))
    assert x.shape == (N, 3)
    assert np.allclose(x.sum(axis=1), 1.0)
    # Marginal i is Beta(a_i, a0 - a_i): mean a_i / a0, variance a_i (a0 - a_i) / (a0^2 (a0 + 1)).
    for i, a in enumerate(alphas):
        var = a * (10 - a) / (100 * 11)
        assert abs(x[:, i].mean() - a / 10) < Z * math.sqrt(var / N)


@pytest.mark.parametrize("kind,args,match", [
    ("beta", (0.0, 1.0), "> 0"),
    ("uniform", (1.0, 1.0), "below"),
    ("triangular", (0.0, 2.0, 1.0), "lo <= mode <= hi"),
    ("normal", (0.0, -1.0), "> 0"),
    ("dirichlet", (1.0, 0.0), "alpha > 0"),
    ("gamma", (1.0, 1.0), "unknown distribution"),
    ("beta", (1.0,), "takes 2"),
])
def test_draw_distribution_refuses_bad_arguments(kind, args, match):
    with pytest.raises(ValueError, match=match):
        draw_distribution(Distribution(kind, args), 3, as_generator(0))


@given(lo=st.floats(-5, 5), width=st.floats(0.01, 5), mode=st.floats(0, 1), seed=st.integers(0, 2**32))
def test_bounded_distributions_stay_in_their_support(lo, width, mode, seed):
    hi = lo + width
    rng = as_generator(seed)
    u = draw_distribution(Distribution("uniform", (lo, hi)), 200, rng)
    t = draw_distribution(Distribution("triangular", (lo, lo + mode * width, hi)), 200, rng)
    b = draw_distribution(Distribution("beta", (0.5 + width, 0.5 + mode)), 200, rng)
    assert ((u >= lo) & (u <= hi)).all() and ((t >= lo) & (t <= hi)).all()
    assert ((b >= 0) & (b <= 1)).all()


# -- parameter sets -------------------------------------------------------------------------------------
def test_derived_parameters_are_recomputed_per_draw():
    s = build(_one_parameter({"uniform": [0.2, 0.4]}, 0.3,
                             {"y": "2 * x", "z": {"value": "y - x + 0.1"}}))
    d = sample(s, 1000, seed=4)
    x, y, z = (d.parameters[k] for k in ("x", "y", "z"))
    assert np.array_equal(y, 2 * x)
    assert np.allclose(z, y - x + 0.1)
    assert d.sampled == ("x",)
    assert not d.failed.any() and not d.problems


def test_a_derived_parameter_that_fails_in_some_draws_marks_only_those():
    # sqrt of a normal draw: not a real number exactly where the draw is negative.
    s = build(_one_parameter({"fixed": 0.5}, 0.5, {"w": {"value": 1, "dist": {"normal": [0, 1]}},
                                                    "r": "w ** 0.5"}))
    d = sample(s, 2000, seed=8)
    assert np.array_equal(d.failed, d.parameters["w"] < 0)
    (message, count), = d.problems.items()
    assert "parameter 'r'" in message and "not a real number" in message
    assert count == int((d.parameters["w"] < 0).sum())
    ok = ~d.failed
    assert np.allclose(d.parameters["r"][ok], np.sqrt(d.parameters["w"][ok]))
    assert np.all(d.parameters["r"][d.failed] == 1.0)  # the base case stands in for failed draws


def test_dependency_order_puts_inputs_first():
    s = build(_one_parameter({"fixed": 0.5}, 0.5, {"c": "b + 1", "b": "a * 2", "a": 1}))
    order = dependency_order(s.parameters)
    assert order.index("a") < order.index("b") < order.index("c")
    assert order[0] == "x"  # ties keep listing order


def test_common_random_numbers_when_pinning_or_adding_parameters():
    base = _one_parameter({"beta": [2, 3]}, 0.4, {"k": {"value": 1, "dist": {"normal": [1, 0.1]}}})
    s = build(base)
    d = sample(s, 500, seed=21)
    pinned = sample(s, 500, seed=21, overrides={"x": 0.3})
    assert np.all(pinned.parameters["x"] == 0.3)
    assert np.array_equal(pinned.parameters["k"], d.parameters["k"])  # k's draws unchanged
    bigger = dict(base)
    bigger["parameters"] = {"new": {"value": 0, "dist": {"uniform": [0, 1]}}, **base["parameters"]}
    d2 = sample(build(bigger), 500, seed=21)
    assert np.array_equal(d2.parameters["x"], d.parameters["x"])
    assert np.array_equal(d2.parameters["k"], d.parameters["k"])


def test_dirichlet_nodes_are_drawn_jointly_and_the_base_case_keeps_p():
    data = {
        "title": "dirichlet",
        "nodes": {
            "c": {"kind": "chance", "dist": {"dirichlet": [1, 2, 7]},
                  "branches": [{"to": "a", "p": 0.2}, {"to": "b", "p": 0.3}, {"to": "d", "p": "rest"}]},
            "a": {"kind": "outcome"}, "b": {"kind": "outcome"}, "d": {"kind": "outcome"},
        },
    }
    s = build(data)
    assert s.nodes["c"].dist == Distribution("dirichlet", (1.0, 2.0, 7.0))
    assert s.evaluate().probability("a") == pytest.approx(0.2)  # base case: the branches' p
    d = sample(s, 3000, seed=2)
    x = d.branches["c"]
    assert x.shape == (3000, 3) and np.allclose(x.sum(axis=1), 1)
    assert abs(x[:, 2].mean() - 0.7) < Z * math.sqrt(0.7 * 0.3 / 11 / 3000)


def test_sample_checks_its_arguments():
    s = build(_one_parameter({"beta": [1, 1]}))
    with pytest.raises(ValueError, match=">= 1"):
        sample(s, 0)
    with pytest.raises(UnknownNameError, match="did you mean 'x'"):
        sample(s, 3, overrides={"xx": 1})
    assert draw({}, {}, 2, seed=0).parameters == {}


def test_bundled_donbas_draws_respect_the_supports():
    s = scenarios.load("donbas-recognition-2022")
    d = sample(s, 2000, seed=5)
    for name, param in s.parameters.items():
        x = d.parameters[name]
        if param.dist.kind == "beta":
            assert ((x > 0) & (x < 1)).all()
        elif param.dist.kind == "triangular":
            lo, _, hi = param.dist.args
            assert ((x >= lo) & (x <= hi)).all()


# -- the loader's 'dist' on nodes ---------------------------------------------------------------------------
NODE_DIST = """\
title: t
nodes:
  c:
    kind: chance
    dist: {dist}
    branches:
      - {{to: a, p: 0.5}}
      - {{to: b, p: rest}}
  a: {{kind: outcome}}
  b: {{kind: outcome}}
"""


@pytest.mark.parametrize("dist,match", [
    ("{dirichlet: [1, 0]}", "alpha 0 (branch 2) must be > 0"),
    ("{dirichlet: [1, -2]}", "must be > 0"),
    ("{dirichlet: [1, 2, 3]}", "list of 2 numbers, one per branch in order, got 3"),
    ("{dirichlet: 3}", "got a number"),
    ("{dirichlet: [1, x]}", "must be a number"),
    ("{dirichlet: [1, .inf]}", "finite"),
    ("{beta: [1, 2]}", "must be 'dirichlet', not 'beta'"),
    ("[1, 2]", "dist must be {dirichlet"),
    ("{dirichlet: [1, 2], beta: [1, 1]}", "dist must be {dirichlet"),
])
def test_invalid_node_dist_is_reported_at_its_line(write, dist, match):
    path = write(NODE_DIST.format(dist=dist))
    with pytest.raises(ScenarioFileError) as info:
        scenarios.load(path)
    (diagnostic,) = info.value.errors
    assert diagnostic.code in ("dist", "type", "non-finite")
    assert diagnostic.line == 5  # the "dist:" line
    assert match in diagnostic.message


def test_dist_on_an_outcome_is_an_error(write):
    path = write(NODE_DIST.format(dist="{dirichlet: [1, 1]}").replace(
        "a: {kind: outcome}", "a: {kind: outcome, dist: {dirichlet: [1]}}"))
    with pytest.raises(ScenarioFileError) as info:
        scenarios.load(path)
    (diagnostic,) = info.value.errors
    assert (diagnostic.code, diagnostic.line) == ("dist", 9)
    assert "only decision and chance nodes" in diagnostic.message


def test_dist_on_a_decision_node_is_accepted(write):
    path = write(NODE_DIST.format(dist="{dirichlet: [2.5, 1]}").replace(
        "kind: chance", "kind: decision\n    actor: u").replace("title: t", "title: t\nactors: {u: {}}"))
    s = scenarios.load(path)
    assert s.nodes["c"].dist.args == (2.5, 1.0)

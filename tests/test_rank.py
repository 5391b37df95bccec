"""Path rank by counting: exact on graphs with astronomically many paths, equal to brute
force on small ones, and a lower bound (said so) past the budget.

The closed forms: on n stacked diamonds whose two branches have probabilities a > b, a
path that takes the likely branch k times has probability a^k b^(n-k); the paths more
probable are those taking it more often, sum over j > k of C(n, j); the ties are the other
C(n, k) - 1 paths with k likely branches.
"""

from __future__ import annotations

from math import comb

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import builders
from reference import Reference
from scenarios.engine.bind import bind
from scenarios.engine.rank import RANK_TOLERANCE, PathRank, count_at_least, path_rank


def stacked_diamonds(n: int, a: float = 0.5) -> dict:
    """n chance diamonds in a row: d_i branches to l_i (p = a) and r_i (1 - a), both go on
    to d_{i+1}; the last ones end in one outcome."""
    nodes: dict = {}
    for i in range(n):
        after = f"d{i + 1}" if i + 1 < n else "end"
        nodes[f"d{i}"] = {"kind": "chance", "branches": [{"to": f"l{i}", "p": a}, {"to": f"r{i}", "p": "rest"}]}
        nodes[f"l{i}"] = {"kind": "chance", "branches": [{"to": after, "p": 1}]}
        nodes[f"r{i}"] = {"kind": "chance", "branches": [{"to": after, "p": 1}]}
    nodes["end"] = {"kind": "outcome"}
    return {"title": "Stacked diamonds", "nodes": nodes}


def test_sixty_fair_diamonds_are_counted_not_enumerated():
    # 2^60 equally likely paths: enumerating them ran out of memory.
    bound = bind(builders.build(stacked_diamonds(60)))
    rank = path_rank(bound, 0.5 ** 60)
    assert rank == PathRank(rank=1, higher=0, ties=2 ** 60 - 1, total=2 ** 60, probability=0.5 ** 60)


@pytest.mark.parametrize("k", [0, 7, 20, 33, 40])
def test_unfair_diamonds_rank_by_binomial_counts(k):
    n, a = 40, 0.7
    bound = bind(builders.build(stacked_diamonds(n, a)))
    q = a ** k * (1 - a) ** (n - k)
    rank = path_rank(bound, q)
    higher = sum(comb(n, j) for j in range(k + 1, n + 1))
    assert rank == PathRank(higher + 1, higher, comb(n, k) - 1, 2 ** n, q)


def test_past_the_budget_the_rank_is_a_lower_bound_and_says_so():
    n, a, k = 30, 0.7, 10
    bound = bind(builders.build(stacked_diamonds(n, a)))
    q = a ** k * (1 - a) ** (n - k)
    above, between, exact = count_at_least(bound.compiled, bound.p, q * (1 - RANK_TOLERANCE),
                                           q * (1 + RANK_TOLERANCE), budget=50)
    assert not exact
    assert above <= sum(comb(n, j) for j in range(k + 1, n + 1)) and between <= comb(n, k)


@settings(max_examples=60, deadline=None)
@given(data=builders.scenario_data(max_nodes=12), pick=st.integers(0, 10 ** 6))
def test_counting_equals_brute_force_enumeration(data, pick):
    ref = Reference(data)
    paths = ref.all_paths()
    bound = bind(builders.build(data))
    target = paths[pick % len(paths)].probability
    if not target > 0:
        return
    low, high = target * (1 - RANK_TOLERANCE), target * (1 + RANK_TOLERANCE)
    above = sum(1 for path in paths if path.probability > high)
    between = sum(1 for path in paths if low <= path.probability <= high)
    assert count_at_least(bound.compiled, bound.p, low, high) == (above, between, True)
    rank = path_rank(bound, target)
    assert (rank.higher, rank.ties, rank.total) == (above, between - 1, len(paths))


def test_play_to_the_end_of_sixty_diamonds(tmp_path, cli_process):
    path = tmp_path / "diamonds.yaml"
    path.write_text(builders.to_yaml(stacked_diamonds(60)))
    done = cli_process("play", path, "--auto", "--seed", "1", timeout=60)
    assert done.returncode == 0, done.stderr
    assert "It is the most probable of 1152921504606846976 possible paths (tied with " \
           "1152921504606846975 other paths of the same probability)." in " ".join(done.stdout.split())

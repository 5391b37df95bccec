"""Factories for test scenarios: small hand-worked ones, a deep chain, and random ones.

Every factory returns plain data (a dict in the file format), which a test turns into a
:class:`scenarios.Scenario` with ``Scenario.from_dict`` or writes out as YAML/JSON with
:func:`to_yaml` / :func:`to_json`.  :func:`entry_deterrence_yaml` is the contract's
example text verbatim.  :func:`scenario_data` is a Hypothesis strategy for random valid
trees and DAGs.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import yaml
from hypothesis import strategies as st

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
DATA = TESTS / "data"

# The minimal complete example of shared/design/scenario-format.md, verbatim.
ENTRY_DETERRENCE_YAML = """\
title: Entry deterrence
actors:
  entrant: {name: Entrant}
  incumbent: {name: Incumbent}
nodes:
  entry:
    kind: decision
    actor: entrant
    branches:
      - {to: stay_out, label: Stay out, p: 0.5}
      - {to: response, label: Enter, p: 0.5}
  response:
    kind: decision
    actor: incumbent
    branches:
      - {to: war, label: Fight, p: 0.3}
      - {to: share, label: Accommodate, p: 0.7}
  stay_out: {kind: outcome, payoffs: {entrant: 0, incumbent: 2}}
  war:      {kind: outcome, payoffs: {entrant: -1, incumbent: -1}}
  share:    {kind: outcome, payoffs: {entrant: 1, incumbent: 1}}
"""


def build(data: dict, **kwargs):
    """``Scenario.from_dict(data)``, with any ScenarioWarning silenced."""
    import warnings

    import scenarios
    from scenarios.errors import ScenarioWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        return scenarios.Scenario.from_dict(data, **kwargs)


def to_yaml(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def to_json(data: dict) -> str:
    return json.dumps(data, indent=2)


def entry_deterrence_yaml() -> str:
    """The contract's example (Selten's chain-store stage game) as YAML text."""
    return ENTRY_DETERRENCE_YAML


def entry_deterrence() -> dict:
    """The contract's example as data.

    Hand-worked (Gibbons 1992, "A Primer in Game Theory", sec. 2.1: backward induction):
    belief mode: stay_out 0.5, share 0.5*0.7 = 0.35, war 0.5*0.3 = 0.15;
    E[entrant] = 0.35 - 0.15 = 0.2, E[incumbent] = 1 + 0.35 - 0.15 = 1.2.
    Strategic: after entry the incumbent compares fight -1 < accommodate 1 -> share;
    the entrant compares stay out 0 < enter 1 -> response.  SPE payoffs (1, 1).
    """
    return yaml.safe_load(ENTRY_DETERRENCE_YAML)


def coin_flip(p_heads: float | str = 0.5) -> dict:
    """A fair bet: heads pays the bettor +1, tails -1 (E = 2p - 1)."""
    return {
        "title": "Coin flip",
        "actors": {"bettor": {"name": "Bettor"}},
        "nodes": {
            "flip": {"kind": "chance", "branches": [
                {"to": "heads", "label": "Heads", "p": p_heads},
                {"to": "tails", "label": "Tails", "p": "rest"},
            ]},
            "heads": {"kind": "outcome", "payoffs": {"bettor": 1}, "tags": ["win"]},
            "tails": {"kind": "outcome", "payoffs": {"bettor": -1}, "tags": ["loss"]},
        },
    }


def diamond_dag() -> dict:
    """A DAG where ``mid`` (and so ``good``/``bad``) is reached by two paths.

    Worked by hand (one actor u):

    paths (probability, total payoff = branch + node payoffs along it + outcome):
      root -1-> left -> mid -> good   0.4*0.5*0.8  = 0.16   1 + 10 - 2 + 100 = 109
      root -1-> left -> mid -> bad    0.4*0.5*0.2  = 0.04   1 + 10 - 2 + 0   = 9
      root -1-> left -> l_out         0.4*0.5      = 0.20   1 + 10 + 5       = 16
      root -3-> right -> mid -> good  0.6*0.25*0.8 = 0.12   3 - 2 + 100      = 101
      root -3-> right -> mid -> bad   0.6*0.25*0.2 = 0.03   3 - 2 + 0        = 1
      root -3-> right -> r_out        0.6*0.75     = 0.45   3 + 7            = 10
    outcomes: r_out 0.45, good 0.28, l_out 0.20, bad 0.07; E[u] = 17.44 + 0.36 + 3.2
      + 12.12 + 0.03 + 4.5 = 37.65.
    given mid: P(mid) = 0.2 + 0.15 = 0.35; good 0.8, bad 0.2;
      E[u | mid] = (17.44 + 0.36 + 12.12 + 0.03) / 0.35 = 29.95 / 0.35 = 599/7.
    solve: at left (u decides) mid is worth -2 + 0.8*100 = 78 > 5 -> mid;
      right is worth 0.25*78 + 0.75*7 = 24.75; root 0.4*(1 + 10 + 78) + 0.6*(3 + 24.75)
      = 35.6 + 16.65 = 52.25; outcomes good 0.32 + 0.12 = 0.44, bad 0.11, r_out 0.45.
    """
    return {
        "title": "Diamond",
        "actors": {"u": {"name": "U"}},
        "nodes": {
            "root": {"kind": "chance", "branches": [
                {"to": "left", "p": 0.4, "payoffs": {"u": 1}},
                {"to": "right", "p": 0.6, "payoffs": {"u": 3}},
            ]},
            "left": {"kind": "decision", "actor": "u", "payoffs": {"u": 10}, "branches": [
                {"to": "mid", "p": 0.5},
                {"to": "l_out", "p": 0.5},
            ]},
            "right": {"kind": "chance", "branches": [
                {"to": "mid", "p": 0.25},
                {"to": "r_out", "p": "rest"},
            ]},
            "mid": {"kind": "chance", "payoffs": {"u": -2}, "branches": [
                {"to": "good", "p": 0.8},
                {"to": "bad", "p": "rest"},
            ]},
            "good": {"kind": "outcome", "payoffs": {"u": 100}, "tags": ["good"]},
            "bad": {"kind": "outcome", "payoffs": {"u": 0}},
            "l_out": {"kind": "outcome", "payoffs": {"u": 5}},
            "r_out": {"kind": "outcome", "payoffs": {"u": 7}},
        },
    }


def deep_chain(n: int, q: float = 1 - 1e-4) -> dict:
    """``n`` chance nodes in a chain: c_i goes on to c_{i+1} with ``q``, else stops.

    Each c_i pays the walker 1; after c_{n-1} the walker picks between ``lo`` (0) and
    ``hi`` (10) with equal belief weights.  Closed forms (geometric series):
    belief E = sum_{i<n} q^i + q^n * 5 = (1 - q^n)/(1 - q) + 5 q^n;
    solved E = (1 - q^n)/(1 - q) + 10 q^n;
    given c_{n-1}: n (one per chain node) + q * 5.
    """
    nodes = {}
    for i in range(n):
        nxt = f"c{i + 1}" if i + 1 < n else "end"
        nodes[f"c{i}"] = {"kind": "chance", "payoffs": {"walker": 1},
                          "branches": [{"to": nxt, "p": q}, {"to": "stop", "p": "rest"}]}
    nodes["end"] = {"kind": "decision", "actor": "walker",
                    "branches": [{"to": "lo"}, {"to": "hi"}]}
    nodes["lo"] = {"kind": "outcome", "payoffs": {"walker": 0}}
    nodes["hi"] = {"kind": "outcome", "payoffs": {"walker": 10}}
    nodes["stop"] = {"kind": "outcome"}
    return {"title": f"Chain of {n}", "actors": {"walker": {}}, "nodes": nodes}


def deep_chain_expected(n: int, q: float = 1 - 1e-4, *, solved: bool = False) -> float:
    geometric = -math.expm1(n * math.log(q)) / (1 - q)
    return geometric + (10 if solved else 5) * q ** n


def three_way() -> dict:
    """One chance node with three branches 0.5 / 0.3 / 0.2 (for override arithmetic)."""
    return {
        "title": "Three way",
        "actors": {"u": {}},
        "parameters": {"pa": 0.5},
        "nodes": {
            "n": {"kind": "chance", "branches": [
                {"to": "a", "p": "pa"}, {"to": "b", "p": 0.3}, {"to": "c", "p": "rest"}]},
            "a": {"kind": "outcome", "payoffs": {"u": 1}},
            "b": {"kind": "outcome", "payoffs": {"u": 2}},
            "c": {"kind": "outcome", "payoffs": {"u": 4}},
        },
    }


def wildcatter() -> dict:
    """A one-decision-maker tree with a test option, in the manner of Raiffa's oil wildcatter.

    (Raiffa 1968, "Decision Analysis", ch. 1-2: rollback of a drill/test tree.)  Numbers
    in thousands of dollars: drilling costs 70 (on the Drill branches), a wet well brings
    120, a soaking one 270; prior dry/wet/soaking 0.5/0.3/0.2; a test costing ``test_cost``
    reads favourable or unfavourable with 0.5 each, after which the odds are 0.3/0.4/0.3
    or 0.7/0.2/0.1.  Worked by hand:

    - drill on the prior: 0.5(-70) + 0.3(50) + 0.2(200) = -35 + 15 + 40 = 20;
    - after favourable: 0.3(-70) + 0.4(50) + 0.3(200) = -21 + 20 + 60 = 59 -> drill;
    - after unfavourable: 0.7(-70) + 0.2(50) + 0.1(200) = -49 + 10 + 20 = -19 -> walk (0);
    - test: -10 + 0.5(59) + 0.5(0) = 19.5 < 20, so drill now; EMV 20.
    - belief weights (drill 0.5, test 0.3, walk 0.2; after favourable drill 0.9, after
      unfavourable drill 0.2): E = 0.5(20) + 0.3(-10 + 0.5(0.9*59) + 0.5(0.2*(-19))) + 0
      = 10 + 0.3(-10 + 26.55 - 1.9) = 10 + 4.395 = 14.395.
    """
    def well(prefix, dry, wet):
        return {"kind": "chance", "branches": [
            {"to": f"{prefix}dry", "p": dry}, {"to": f"{prefix}wet", "p": wet},
            {"to": f"{prefix}soaking", "p": "rest"}]}

    def outcomes(prefix):
        return {f"{prefix}dry": {"kind": "outcome", "payoffs": {"w": 0}, "tags": ["dry"]},
                f"{prefix}wet": {"kind": "outcome", "payoffs": {"w": "revenue_wet"}, "tags": ["oil"]},
                f"{prefix}soaking": {"kind": "outcome", "payoffs": {"w": 270}, "tags": ["oil"]}}

    drill = {"w": "-drill_cost"}
    return {
        "title": "Wildcatter",
        "actors": {"w": {"name": "Wildcatter"}},
        "parameters": {"test_cost": 10, "drill_cost": {"value": 70, "low": 50, "high": 90},
                       "revenue_wet": 120},
        "nodes": {
            "start": {"kind": "decision", "actor": "w", "branches": [
                {"to": "drill", "p": 0.5, "payoffs": drill},
                {"to": "test", "p": 0.3, "payoffs": {"w": "-test_cost"}},
                {"to": "walk", "p": 0.2}]},
            "drill": well("", 0.5, 0.3),
            **outcomes(""),
            "walk": {"kind": "outcome"},
            "test": {"kind": "chance", "branches": [{"to": "fav", "p": 0.5}, {"to": "unfav", "p": "rest"}]},
            "fav": {"kind": "decision", "actor": "w", "branches": [
                {"to": "fav_drill", "p": 0.9, "payoffs": drill}, {"to": "fav_walk", "p": 0.1}]},
            "fav_drill": well("fav_", 0.3, 0.4),
            **outcomes("fav_"),
            "fav_walk": {"kind": "outcome"},
            "unfav": {"kind": "decision", "actor": "w", "branches": [
                {"to": "unfav_drill", "p": 0.2, "payoffs": drill}, {"to": "unfav_walk", "p": 0.8}]},
            "unfav_drill": well("unfav_", 0.7, 0.2),
            **outcomes("unfav_"),
            "unfav_walk": {"kind": "outcome"},
        },
    }


def centipede() -> dict:
    """A four-move centipede game (Rosenthal 1981; Osborne and Rubinstein 1994, sec. 6.5).

    Players 1 and 2 alternate; each may take (end the game) or pass.  Payoffs (p1, p2):
    take at c1 (1, 0), at c2 (0, 2), at c3 (3, 1), at c4 (2, 4); pass at c4 (4, 3).
    Backward induction: c4: 2 takes (4 > 3); c3: 1 takes (3 > 2); c2: 2 takes (2 > 1);
    c1: 1 takes (1 > 0).  Every player takes at every node; payoffs (1, 0).
    """
    def take(p1, p2):
        return {"kind": "outcome", "payoffs": {"p1": p1, "p2": p2}}

    def move(actor, i):
        nxt = f"c{i + 1}" if i < 4 else "end"
        return {"kind": "decision", "actor": actor,
                "branches": [{"to": f"take{i}", "label": "Take"}, {"to": nxt, "label": "Pass"}]}

    return {
        "title": "Centipede",
        "actors": {"p1": {}, "p2": {}},
        "nodes": {"c1": move("p1", 1), "c2": move("p2", 2), "c3": move("p1", 3), "c4": move("p2", 4),
                  "take1": take(1, 0), "take2": take(0, 2), "take3": take(3, 1), "take4": take(2, 4),
                  "end": take(4, 3)},
    }


# -- random scenarios ----------------------------------------------------------------------
_PROB_GRID = [i / 20 for i in range(21)]  # 0, 0.05, ..., 1


@st.composite
def _weights(draw, k: int) -> list[float]:
    """``k`` probabilities on a grid of twentieths, summing to 1."""
    cuts = sorted(draw(st.lists(st.integers(0, 20), min_size=k - 1, max_size=k - 1)))
    bounds = [0] + cuts + [20]
    return [(bounds[i + 1] - bounds[i]) / 20 for i in range(k)]


@st.composite
def scenario_data(draw, *, max_nodes: int = 11, dag: bool | None = None,
                  max_actors: int = 4) -> dict:
    """A random valid scenario as data: a tree, or a DAG with shared children.

    Decision nodes (with an actor, sometimes ``fixed``, belief ``p`` or none), chance
    nodes (``p`` on every branch, sometimes one ``rest``), node and branch payoffs,
    1-4 actors, and parameters used in probabilities and payoffs through expressions.
    Every node is reachable from the root, so loading gives no warning.
    """
    n_actors = draw(st.integers(1, max_actors))
    actors = [f"a{i}" for i in range(n_actors)]
    m = draw(st.integers(2, max_nodes))
    # A random tree first: node j > 0 hangs below some earlier node.
    children: dict[int, list[int]] = {i: [] for i in range(m)}
    for j in range(1, m):
        children[draw(st.integers(0, j - 1))].append(j)
    if dag if dag is not None else draw(st.booleans()):
        extra = draw(st.lists(st.tuples(st.integers(0, m - 1), st.integers(0, m - 1)),
                              max_size=2 * m))
        for i, j in extra:  # edges only forward, so the graph stays acyclic
            if i < j and children[i] and j not in children[i]:
                children[i].append(j)
    for i in range(m):
        children[i] = draw(st.permutations(children[i]))

    ids = [f"n{i}" for i in range(m)]
    parameters: dict[str, object] = {}

    def new_param(value) -> str:
        name = f"q{len(parameters)}"
        parameters[name] = value
        return name

    # Cost-like parameters shared by payoffs; one may be derived from another.
    costs = []
    for _ in range(draw(st.integers(0, 2))):
        costs.append(new_param(draw(st.integers(-3, 5))))
    if costs and draw(st.booleans()):
        costs.append(new_param(f"{costs[0]} * 2 - 1"))

    def quantity():
        """A payoff: a small integer or an expression over the cost parameters."""
        if costs and draw(st.integers(0, 3)) == 0:
            c = draw(st.sampled_from(costs))
            return draw(st.sampled_from([c, f"-{c}", f"2 * {c} + 1", f"max({c}, 1)",
                                         f"abs({c}) / 2", f"({c} - 1) ** 2"]))
        return draw(st.integers(-6, 6))

    def payoffs(probability_of_any: int):
        if draw(st.integers(0, 9)) >= probability_of_any:
            return None
        chosen = draw(st.lists(st.sampled_from(actors), min_size=1, unique=True))
        return {a: quantity() for a in chosen}

    def probability(value: float):
        form = draw(st.integers(0, 5))
        if form == 0:
            return new_param(value)
        if form == 1 and value > 0:
            return f"{new_param(value / 2)} * 2"
        if form == 2:
            return f"min({new_param(value)}, 1)"
        return value

    nodes: dict[str, dict] = {}
    for i in range(m):
        node: dict[str, object] = {}
        kids = children[i]
        if not kids:
            node["kind"] = "outcome"
            if draw(st.booleans()):
                node["tags"] = draw(st.lists(st.sampled_from(["t1", "t2", "t3"]), unique=True))
            pay = payoffs(8)
        else:
            kind = draw(st.sampled_from(["decision", "chance"]))
            node["kind"] = kind
            if kind == "decision":
                node["actor"] = draw(st.sampled_from(actors))
                if draw(st.integers(0, 4)) == 0:
                    node["fixed"] = True
            with_p = kind == "chance" or draw(st.integers(0, 2)) > 0
            weights = draw(_weights(len(kids))) if with_p else None
            rest_at = draw(st.sampled_from([None, *range(len(kids))])) if with_p else None
            branches = []
            for b, child in enumerate(kids):
                branch: dict[str, object] = {"to": ids[child]}
                if with_p:
                    branch["p"] = "rest" if b == rest_at else probability(weights[b])
                bp = payoffs(3)
                if bp:
                    branch["payoffs"] = bp
                branches.append(branch)
            node["branches"] = branches
            pay = payoffs(3)
        if pay:
            node["payoffs"] = pay
        nodes[ids[i]] = node

    # Listing order: the root first (the default root), or anywhere with an explicit root.
    order = [ids[0]] + draw(st.permutations(ids[1:]))
    data: dict[str, object] = {"title": "random"}
    if draw(st.integers(0, 3)) == 0:
        order = draw(st.permutations(order))
        data["root"] = ids[0]
    data["actors"] = {a: {"name": a.upper()} for a in actors}
    if parameters:
        data["parameters"] = parameters
    data["nodes"] = {k: nodes[k] for k in order}
    return data


def scale_actor(data: dict, actor: str, factor: float) -> dict:
    """A copy of ``data`` with every payoff of ``actor`` multiplied by ``factor``."""
    import copy

    out = copy.deepcopy(data)

    def scaled(mapping):
        if mapping and actor in mapping:
            mapping[actor] = f"({mapping[actor]}) * {factor!r}"

    for node in out["nodes"].values():
        scaled(node.get("payoffs"))
        for branch in node.get("branches") or []:
            scaled(branch.get("payoffs"))
    return out


def data_paths(data, prefix=()):
    """Every path in plain data (mappings and lists), the root's ``()`` first: for tests that
    mutate a file's data at a random place."""
    out, todo = [], [(data, prefix)]
    while todo:
        value, path = todo.pop()
        out.append(path)
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        todo.extend((child, path + (key,)) for key, child in reversed(list(items)))
    return out


def mutate(data, rng, value, action: str) -> None:
    """One edit of plain ``data`` in place, at a place ``rng`` picks: ``replace`` its value
    with ``value``, ``delete`` it, ``rename`` its key (``KEY_x``) or ``copy`` it under that name."""
    path = rng.choice(data_paths(data)[1:])
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if action == "replace":
        parent[last] = value
    elif action == "delete":
        del parent[last]
    elif action == "copy" and isinstance(parent, dict):
        parent[f"{last}_x" if isinstance(last, str) else last] = json.loads(json.dumps(parent[last]))
    elif isinstance(parent, dict):
        parent[f"{last}_x"] = parent.pop(last)

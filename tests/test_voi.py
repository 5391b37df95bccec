"""Value of information (scenarios voi): hand-worked values, properties, brute force, the CLI."""

from __future__ import annotations

import itertools
import json
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scenarios
from scenarios.analysis.evppi import binned_evppi, evppi
from scenarios.analysis.voi import value_of_information
from scenarios.errors import ScenarioFileError


def _oil():
    return scenarios.load("oil-wildcatter")


def test_oil_wildcatter_textbook_evpi():
    s = _oil()
    params = {k: float(p.value.source) if hasattr(p.value, "source") else p.value for k, p in s.parameters.items()}
    drill, wet, soaking, test = (params["drill_cost"], params["revenue_wet"], params["revenue_soaking"],
                                 params["test_cost"])
    prior = (0.5, 0.3, 0.2)
    gross = (0.0, wet, soaking)
    # Without information: drill now is worth sum p * revenue - cost = 20 (the test is worth 19.5).
    drill_now = sum(p * g for p, g in zip(prior, gross, strict=False)) - drill
    fav, unfav = (0.3, 0.4, 0.3), (0.7, 0.2, 0.1)
    test_value = -test + 0.5 * max(sum(p * g for p, g in zip(fav, gross, strict=False)) - drill, 0) + \
        0.5 * max(sum(p * g for p, g in zip(unfav, gross, strict=False)) - drill, 0)
    without = max(drill_now, test_value, 0.0)
    # With perfect information about the site: drill only where it pays.
    with_info = sum(p * max(g - drill, 0.0) for p, g in zip(prior, gross, strict=False))
    d = value_of_information(s).decisions[0]
    site = next(i for i in d.perfect if i.id == "site")
    assert d.without == pytest.approx(without) == pytest.approx(20)
    assert site.value == pytest.approx(with_info - without) == pytest.approx(35)
    assert d.everything.value == pytest.approx(35) and d.everything.method == "exact"


def test_oil_wildcatter_evii_by_bayes():
    s = _oil()
    prior = np.array([0.5, 0.3, 0.2])
    likelihood = np.array([[0.3, 0.7], [2 / 3, 1 / 3], [0.75, 0.25]])
    gross = np.array([0.0, 120.0, 270.0])
    total = 0.0
    for r in range(2):
        joint = prior * likelihood[:, r]
        posterior = joint / joint.sum()
        drill = posterior @ gross - 70
        # every site node takes the posterior: testing again is worth -10 + max(drill, 0)
        total += joint.sum() * max(drill, -10 + max(drill, 0), 0.0)
    d = value_of_information(s).decisions[0]
    (survey,) = d.signals
    assert survey.value == pytest.approx(total - 20) == pytest.approx(9.5)
    assert survey.outcomes[0][1] == pytest.approx(0.5)


TWO_BRANCH = """
title: Umbrella
actors: {me: {}}
nodes:
  go:
    kind: decision
    actor: me
    branches:
      - {to: rain_u, label: Umbrella}
      - {to: rain_n, label: No umbrella}
  rain_u:
    kind: chance
    branches: [{to: u_wet, label: Rain, p: 0.3}, {to: u_dry, label: Dry, p: 0.7}]
  rain_n:
    kind: chance
    branches: [{to: n_wet, label: Rain, p: 0.3}, {to: n_dry, label: Dry, p: 0.7}]
  u_wet: {kind: outcome, payoffs: {me: 60}}
  u_dry: {kind: outcome, payoffs: {me: 80}}
  n_wet: {kind: outcome, payoffs: {me: 0}}
  n_dry: {kind: outcome, payoffs: {me: 100}}
uncertainties:
  rain:
    label: Will it rain?
    nodes: [rain_u, rain_n]
    signals:
      forecast:
        likelihoods:
          Rain: {wet: 0.8, fine: 0.2}
          Dry: {wet: 0.1, fine: 0.9}
"""


def test_two_branch_textbook():
    d = value_of_information(scenarios.loads(TWO_BRANCH)).decisions[0]
    # without: umbrella 0.3*60+0.7*80 = 74, none 70 -> 74; with: 0.3*60 + 0.7*100 = 88
    assert d.without == pytest.approx(74)
    assert d.perfect[0].value == pytest.approx(14)
    # forecast: P(wet) = 0.24+0.07 = 0.31; posterior rain 0.24/0.31: umbrella 60*.774+80*.226 vs 100*.226
    p_wet = 0.3 * 0.8 + 0.7 * 0.1
    q = 0.3 * 0.8 / p_wet
    v_wet = max(60 * q + 80 * (1 - q), 100 * (1 - q))
    q = 0.3 * 0.2 / (1 - p_wet)
    v_fine = max(60 * q + 80 * (1 - q), 100 * (1 - q))
    assert d.signals[0].value == pytest.approx(p_wet * v_wet + (1 - p_wet) * v_fine - 74)


# -- the slow reference: one Python re-solve per node and branch -------------------------------------
def slow_evpi(s, decision: str, chance: str, mode: str = "strategic") -> float:
    actor = s.nodes[decision].actor

    def value(overrides):
        if mode == "strategic":
            r = s.solve(overrides=overrides)
            return r.values[decision][actor]
        r = s.evaluate(overrides=overrides)
        return max(b.value[actor] for b in r.branches(decision))

    base = value(None)
    r = s.evaluate()
    total = 0.0
    for b in r.branches(chance):
        if b.probability > 0:
            total += b.probability * value({f"{chance}.{b.index + 1}": 1.0} if _shared_target(s, chance)
                                           else {f"{chance}.{b.to}": 1.0})
    return total - base


def _shared_target(s, node):
    targets = [b.to for b in s.nodes[node].branches]
    return len(set(targets)) < len(targets)


@st.composite
def trees(draw, dag=False):
    """Random trees of decisions (one or two actors) and chance nodes, small enough to enumerate."""
    n_actors = draw(st.integers(1, 2))
    actors = [f"a{i}" for i in range(n_actors)]
    nodes: dict = {}
    counter = itertools.count()
    frontier = [("n0", 0)]
    nodes_order = []
    while frontier:
        nid, depth = frontier.pop(0)
        nodes_order.append(nid)
        kind = "outcome" if depth >= 3 or (depth > 0 and draw(st.booleans()) and depth >= 2) else \
            ("decision" if depth == 0 else draw(st.sampled_from(["decision", "chance"])))
        if kind == "outcome":
            nodes[nid] = {"kind": "outcome", "payoffs": {a: draw(st.integers(-9, 9)) for a in actors}}
            continue
        k = draw(st.integers(2, 3))
        children = [f"n{next(counter) + 1}" for _ in range(k)]
        if kind == "decision":
            nodes[nid] = {"kind": "decision", "actor": "a0" if depth == 0 else draw(st.sampled_from(actors)),
                          "branches": [{"to": c} for c in children]}
        else:
            w = [draw(st.integers(1, 5)) for _ in range(k)]
            nodes[nid] = {"kind": "chance", "branches": [{"to": c, "p": round(x / sum(w), 6)} for c, x in
                                                         zip(children, w, strict=False)]}
            nodes[nid]["branches"][-1]["p"] = "rest"
        frontier += [(c, depth + 1) for c in children]
    return {"title": "random", "actors": {a: {} for a in actors}, "nodes": {n: nodes[n] for n in nodes_order}}


@settings(max_examples=40, deadline=None)
@given(trees(), st.integers(0, 10**6))
def test_evpi_properties_and_brute_force(data, seed):
    s = scenarios.Scenario.from_dict(data)
    chances = [n for n, v in s.nodes.items() if v.kind == "chance"]
    rng = np.random.default_rng(seed)
    if chances:  # a random test on a random chance node
        node = chances[int(rng.integers(len(chances)))]
        k = len(s.nodes[node].branches)
        table = rng.dirichlet(np.ones(2), size=k)
        rows = {b.to: {"x": float(row[0]), "y": 1 - float(row[0])}
                for b, row in zip(s.nodes[node].branches, table, strict=True)}
        data = {**data, "uncertainties": {"u": {"nodes": [node], "signals": {"t": {"likelihoods": rows}}}}}
        s = scenarios.Scenario.from_dict(data)
    single = len(s.actors) == 1
    for mode in ("strategic", "belief"):
        d = value_of_information(s, mode=mode).decisions[0]
        for info in d.perfect:
            assert info.value == pytest.approx(slow_evpi(s, d.node, info.nodes[0], mode), abs=1e-9)
        if single or mode == "belief":
            for info in d.perfect:
                assert info.value >= -1e-9
            if d.everything is not None:
                assert all(d.everything.value >= i.value - 1e-9 for i in d.perfect)
            for sig in d.signals:
                (perfect,) = [i for i in d.perfect if i.id == "u"]
                assert perfect.value + 1e-9 >= sig.value >= -1e-9


def test_dag_shared_node():
    text = """
title: DAG
actors: {me: {}}
nodes:
  d: {kind: decision, actor: me, branches: [{to: c1}, {to: c2}]}
  c1: {kind: chance, branches: [{to: s, p: 0.5}, {to: x, p: 0.5}]}
  c2: {kind: chance, branches: [{to: s, p: 0.2}, {to: y, p: 0.8}]}
  s: {kind: chance, branches: [{to: good, p: 0.5}, {to: bad, p: 0.5}]}
  x: {kind: outcome, payoffs: {me: 1}}
  y: {kind: outcome, payoffs: {me: 2}}
  good: {kind: outcome, payoffs: {me: 10}}
  bad: {kind: outcome, payoffs: {me: -10}}
"""
    s = scenarios.loads(text)
    d = value_of_information(s).decisions[0]
    for info in d.perfect:
        assert info.value == pytest.approx(slow_evpi(s, "d", info.id))
    assert d.everything.value >= max(i.value for i in d.perfect) - 1e-12


def test_sampled_clairvoyance_says_so():
    d = value_of_information(_oil(), limit=2, samples=500, seed=3).decisions[0]
    assert "sampled" in d.everything.method and d.everything.stderr is not None
    assert d.everything.value == pytest.approx(35, abs=6 * d.everything.stderr + 1e-9)


def test_bad_uncertainties_are_located():
    bad = TWO_BRANCH.replace("nodes: [rain_u, rain_n]", "nodes: [rain_u, rain_x, go]").replace(
        "Dry: {wet: 0.1, fine: 0.9}", "Dry: {wet: 0.1, fine: 0.8}")
    with pytest.raises(ScenarioFileError) as info:
        scenarios.loads(bad, filename="u.yaml")
    text = str(info.value)
    assert "u.yaml:24:21: error: uncertainty 'rain': unknown node 'rain_x' (did you mean" in text
    assert "u.yaml:24:29: error: uncertainty 'rain': 'go' is a decision node" in text
    with pytest.raises(ScenarioFileError) as info:
        scenarios.loads(TWO_BRANCH.replace("Dry: {wet: 0.1, fine: 0.9}", "Dry: {wet: 0.1, fine: 0.8}"),
                        filename="u.yaml")
    assert str(info.value).startswith("u.yaml:29:16: error:")
    assert "signal 'forecast': the readings given 'Dry' sum to 0.9, not 1" in str(info.value)


def test_uncertainties_round_trip():
    from scenarios.io.dump import dumps

    s = scenarios.loads(TWO_BRANCH)
    again = scenarios.loads(dumps(s))
    assert again == s and again.uncertainties["rain"].signals["forecast"].readings == ("wet", "fine")


def test_binned_evppi_and_evppi_bounds():
    rng = np.random.default_rng(0)
    phi = rng.uniform(size=4000)
    nb = np.vstack([np.zeros(4000), phi - 0.5 + rng.normal(0, 0.01, 4000)])
    # E[max(0, phi - 0.5)] - max(0, 0) = 0.125
    assert binned_evppi(nb, phi, 50) == pytest.approx(0.125, abs=0.01)
    r = evppi(_oil(), draws=2000, seed=2)
    assert all(i.value <= r.all_parameters + 1e-9 for i in r.items)
    assert r.method.startswith("binning (Sadatsafavi")


def test_cli_voi(cli_process):
    out = cli_process("voi", "oil-wildcatter")
    assert out.returncode == 0, out.stderr
    assert "What is under the site [site]" in out.stdout and "Strategic mode" in out.stdout
    data = json.loads(cli_process("voi", "oil-wildcatter", "--json", "--evppi", "test_cost", "--draws", "500").stdout)
    assert data["decisions"][0]["perfect"][0]["value"] == pytest.approx(35)
    assert data["evppi"]["method"].startswith("binning")


TAKES = "--node takes a decision that is solved: 'start', 'favourable', 'unfavourable'"


@pytest.mark.parametrize("args, message", [
    (("--node", "strat"), f"unknown node 'strat' (did you mean 'start'?); {TAKES}"),
    (("--node", "[strat]"), f"unknown node 'strat' (did you mean 'start'?); {TAKES}"),
    (("--node", "sit"), f"unknown node 'sit' (did you mean 'site'?); {TAKES}"),
    (("--actor", "wildcater"), "unknown actor 'wildcater' (did you mean 'wildcatter'?)"),
    (("--node", "dry"), f"'dry' is an outcome node, not a decision; {TAKES}"),
    # the ids in voi's table, [site] and the like, are the information valued, not decisions
    (("--node", "[site]"), f"'site' is an uncertainty (information whose value voi reports), not a decision; {TAKES}"),
    (("--node", "survey"), "'survey' is a signal on the uncertainty 'site' (information whose value voi reports), "
                           f"not a decision; {TAKES}"),
    (("--node", "seismic"), f"'seismic' is a chance node (information whose value voi reports), not a decision; "
                            f"{TAKES}"),
    (("--evppi", "drill_cots"), "unknown parameter 'drill_cots' (did you mean 'drill_cost'?)"),
])
def test_cli_voi_bad_names(cli, args, message):
    status, out, err = cli("voi", "oil-wildcatter", *args)
    assert status == 1 and err.strip().splitlines() == [message] and not out


def test_cli_voi_bad_name_subprocess(cli_process):
    out = cli_process("voi", "oil-wildcatter", "--node", "strat")
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.splitlines() == [f"unknown node 'strat' (did you mean 'start'?); {TAKES}"]


def test_cli_voi_node_takes_the_id_as_printed(cli_process):
    """Each decision is printed 'Decision LABEL [ID]'; --node takes ID, bare or in brackets."""
    shown = cli_process("voi", "oil-wildcatter", "--actor", "wildcatter", "--node", "favourable")
    assert shown.returncode == 0, shown.stderr
    (header,) = [line for line in shown.stdout.splitlines() if line.startswith("Decision ")]
    assert header == "Decision Favourable reading: drill? [favourable], decided by Wildcatter"
    printed = re.search(r"\[(\w+)\]", header).group()
    again = cli_process("voi", "oil-wildcatter", "--actor", "wildcatter", "--node", printed)
    assert (again.returncode, again.stdout, again.stderr) == (0, shown.stdout, "")


def test_cli_voi_chart(cli, tmp_path):
    target = tmp_path / "voi.png"
    status, out, err = cli("voi", "oil-wildcatter", "--evppi", "--draws", "300", "-o", str(target))
    assert status == 0, err
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@settings(max_examples=25, deadline=None)
@given(trees())
def test_path_update_equals_full_batched_rollback(data):
    """The path update (engine/pinned.py) and the full batched rollback agree column by column."""
    from scenarios.analysis import voi

    s = scenarios.Scenario.from_dict(data)
    for mode in ("strategic", "belief"):
        fast = voi.value_of_information(s, mode=mode, everything_too=False).decisions[0]
        original = voi._Columns.add

        def full(self, pins):
            self.multi.append((self.n, pins))
            self.n += 1
            return self.n - 1

        voi._Columns.add = full
        try:
            slow = voi.value_of_information(s, mode=mode, everything_too=False).decisions[0]
        finally:
            voi._Columns.add = original
        assert [i.value for i in fast.perfect] == pytest.approx([i.value for i in slow.perfect], abs=1e-12)


def test_docs_page_numbers():
    """The numbers docs/value-of-information.md quotes for the Donbas scenario."""
    s = scenarios.load("donbas-recognition-2022")
    d = value_of_information(s, node="recognized", mode="belief").decisions[0]
    by_id = {i.id: i.value for i in d.perfect}
    assert d.without == pytest.approx(-5.3)
    assert by_id["recog_sanctions"] == pytest.approx(1.15)
    strategic = value_of_information(s, node="recognized").decisions[0]
    assert strategic.everything.value == pytest.approx(0)


def test_variant_replaces_uncertainties(tmp_path):
    base = tmp_path / "rain.yaml"
    base.write_text(TWO_BRANCH, encoding="utf-8")
    variant = tmp_path / "rain-noisy.yaml"
    variant.write_text("extends: rain.yaml\ntitle: Noisy forecast\nuncertainties:\n  rain:\n"
                       "    nodes: [rain_u, rain_n]\n    signals:\n      forecast:\n        likelihoods:\n"
                       "          Rain: {wet: 0.5, fine: 0.5}\n          Dry: {wet: 0.5, fine: 0.5}\n",
                       encoding="utf-8")
    d = value_of_information(scenarios.load(variant)).decisions[0]
    assert d.perfect[0].value == pytest.approx(14) and d.signals[0].value == pytest.approx(0)


def test_cli_samples_option(cli):
    status, out, err = cli("voi", "oil-wildcatter", "--samples", "1", "--json")
    assert status == 2 and "expected a whole number >= 2" in err


def test_an_uncertainty_below_a_test_reading_is_valued_with_the_posterior_there():
    """After the seismic reading the site is no longer at its prior: at 'favourable' it is
    0.3/0.4/0.3 (dry/wet/soaking), at 'unfavourable' 0.7/0.2/0.1 (the file's fav_drill and
    unfav_drill).  By hand: favourable, drill is worth 59 and knowing the site
    0.4 x 50 + 0.3 x 200 = 80 (EVPI 21); unfavourable, walk away (0) against
    0.2 x 50 + 0.1 x 200 = 30.  A second reading (signal 'survey') after a favourable one never
    stops the drilling (0); after an unfavourable one it is worth
    P(fav) x value(drill | fav) = (0.2 x 2/3 x 120 + 0.1 x 0.75 x 270) - 0.41833... x 70.
    (The prior of drill_now, 0.5/0.3/0.2, gave -4 and 55: a negative value for one decider.)"""
    s = scenarios.load("oil-wildcatter")
    fav = value_of_information(s, node="favourable").decisions[0]
    assert fav.without == pytest.approx(59, abs=1e-9)
    assert {i.id: i.value for i in fav.perfect} == {"site": pytest.approx(21, abs=1e-9)}
    assert fav.signals[0].value == pytest.approx(0, abs=1e-9)
    assert fav.everything.value == pytest.approx(21, abs=1e-9)
    unfav = value_of_information(s, node="unfavourable").decisions[0]
    assert unfav.without == pytest.approx(0, abs=1e-9)
    assert unfav.perfect[0].value == pytest.approx(30, abs=1e-9)
    p_fav = 0.7 * 0.3 + 0.2 * (2 / 3) + 0.1 * 0.75
    assert unfav.signals[0].value == pytest.approx(0.2 * (2 / 3) * 120 + 0.1 * 0.75 * 270 - p_fav * 70, rel=1e-9)
    root = value_of_information(s).decisions[0]  # the root still sees the prior: the textbook 35
    assert root.perfect[0].value == pytest.approx(35, abs=1e-9)

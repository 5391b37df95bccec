"""Several branches of one node into the same node (issue 17, part 2).

A branch is identified by its node and its position (its label and probability), not by
its target.  The fixture ``BID`` has a decision whose three options (cost low, fair, high)
all lead to one chance node, and a chance node whose two branches lead to the same
outcome; the numbers are checked by hand and against the brute-force reference
(tests/reference.py, which enumerates paths branch by branch).  Hypothesis adds random
DAGs with parallel branches; the command line is tested as a user runs it.
"""

from __future__ import annotations

import copy
import io
import json
import subprocess
import sys

import networkx as nx
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pytest import approx

import scenarios
from builders import build, scenario_data, to_yaml
from doc_examples import ROOT, check_sessions, in_bash
from reference import Reference
from scenarios.errors import ScenarioFileError, UnknownNameError
from scenarios.walk import Walk

BID = {
    "title": "Bid and deposit",
    "id": "bid",
    "actors": {"firm": {"name": "Firm"}},
    "nodes": {
        "bid": {"kind": "decision", "actor": "firm", "label": "What bid?", "branches": [
            {"to": "deposit", "label": "Cost low", "p": 0.2, "payoffs": {"firm": -10}, "text": "Cheap."},
            {"to": "deposit", "label": "Cost fair", "p": 0.3, "payoffs": {"firm": -20}},
            {"to": "deposit", "label": "Cost high", "p": 0.4, "payoffs": {"firm": -30}},
            {"to": "none", "label": "Walk away", "p": 0.1}]},
        "deposit": {"kind": "chance", "label": "Deposit?", "branches": [
            {"to": "big", "label": "Big", "p": 0.3},
            {"to": "small", "label": "Small (found)", "p": 0.5},
            {"to": "small", "label": "Small (sold)", "p": "rest", "payoffs": {"firm": 5}}]},
        "big": {"kind": "outcome", "payoffs": {"firm": 100}},
        "small": {"kind": "outcome", "payoffs": {"firm": 10}},
        "none": {"kind": "outcome", "payoffs": {"firm": 0}},
    },
}
# By hand: the deposit is worth 0.3 * 100 + 0.5 * 10 + 0.2 * (10 + 5) = 38.  In belief mode
# the bid costs 0.2 * 10 + 0.3 * 20 + 0.4 * 30 = 20 and reaches the deposit with p 0.9:
# 0.9 * 38 - 20 = 14.2.  Solved, the firm bids low: 38 - 10 = 28.
DEPOSIT_VALUE, BELIEF_EXPECTED, SOLVED_EXPECTED = 38.0, 14.2, 28.0


@pytest.fixture(scope="module")
def bid():
    return build(BID)


@pytest.fixture
def bid_file(tmp_path):
    path = tmp_path / "bid.yaml"
    path.write_text(to_yaml(BID))
    return path


def _keyed(paths) -> dict[tuple, float]:
    return {(tuple(p.nodes), tuple(p.branches)): p.probability for p in paths}


# -- loading and the model ------------------------------------------------------------------------
def test_parallel_branches_load_and_keep_their_positions(bid):
    assert [b.label for b in bid.nodes["bid"].branches][:3] == ["Cost low", "Cost fair", "Cost high"]
    g = bid.graph
    assert isinstance(g, nx.MultiDiGraph) and g.number_of_edges("bid", "deposit") == 3
    assert [g.edges["bid", "deposit", k]["label"] for k in range(3)] == ["Cost low", "Cost fair", "Cost high"]
    assert bid.compiled.n_edges == 7


def test_two_branches_to_one_node_with_one_label_are_refused(write):
    data = copy.deepcopy(BID)
    data["nodes"]["bid"]["branches"][1]["label"] = "Cost low"
    with pytest.raises(ScenarioFileError) as info:
        scenarios.load(write(to_yaml(data)))
    assert [d.code for d in info.value.diagnostics] == ["duplicate-branch"]
    assert "two branches to 'deposit' labelled 'Cost low'" in str(info.value)


def test_unlabelled_parallel_branches_are_refused_all_at_once(write):
    text = ("title: T\nactors: {u: {}}\nnodes:\n  a:\n    kind: decision\n    actor: u\n"
            "    branches: [{to: b}, {to: b}, {to: b}]\n  b: {kind: outcome}\n")
    with pytest.raises(ScenarioFileError) as info:
        scenarios.load(write(text))
    assert [d.code for d in info.value.diagnostics] == ["duplicate-branch", "duplicate-branch"]


# -- the numbers, by hand and against the reference -------------------------------------------------
def test_belief_by_hand_and_by_the_reference(bid):
    r = bid.evaluate(top=100)
    ref = Reference(BID).belief()
    assert r.expected_payoffs["firm"] == approx(BELIEF_EXPECTED)
    assert ref.expected["firm"] == approx(BELIEF_EXPECTED)
    assert {o.id: o.probability for o in r.outcomes} == approx(ref.outcomes)
    assert r.reach == approx(ref.reach)
    assert r.values["deposit"]["firm"] == approx(DEPOSIT_VALUE)
    # Every path, told apart by its branches: 3 bids x 3 deposit branches + walking away.
    assert len(r.paths) == 10 and len(_keyed(r.paths)) == 10
    assert _keyed(r.paths) == approx(_keyed(ref.paths))
    for path in r.paths:
        same = next(p for p in ref.paths if (p.nodes, p.branches) == (path.nodes, path.branches))
        assert path.payoffs == approx(same.payoffs)
    top = r.paths[0]
    assert (top.nodes, top.branches, top.probability) == (("bid", "deposit", "small"), (2, 1), approx(0.2))
    assert [b.label for b in top.steps(bid)] == ["Cost high", "Small (found)"]


def test_solve_by_hand_and_by_the_reference(bid):
    r = bid.solve()
    ref = Reference(BID).solve()
    assert r.expected_payoffs["firm"] == approx(SOLVED_EXPECTED) == ref.belief.expected["firm"]
    assert r.choices == {"bid": "deposit"} == ref.choices
    assert r.choice_branches == {"bid": 0} == ref.choice_branches
    assert r.choice_labels == {"bid": "Cost low"}
    assert [b.value["firm"] for b in r.branches("bid")] == approx([28, 18, 8, 0])
    assert [b.chosen for b in r.branches("bid")] == [True, False, False, False]
    assert r.path_probability(["bid", "deposit"]) == approx(1.0)
    assert _keyed(r.paths) == approx(_keyed(ref.belief.paths))


def test_the_solved_branch_is_not_always_the_first_into_its_child():
    data = copy.deepcopy(BID)
    data["nodes"]["bid"]["branches"][0]["payoffs"] = {"firm": -35}  # low now costs most
    s, ref = build(data), Reference(data).solve()
    assert s.solve().choice_branches == {"bid": 1} == ref.choice_branches
    assert s.solve().expected_payoffs["firm"] == approx(18.0)


def test_given_a_node_reached_by_parallel_branches(bid):
    r = bid.evaluate(given="deposit", top=100)
    ref = Reference(BID).belief(given="deposit")
    assert r.expected_payoffs["firm"] == approx(ref.expected["firm"])
    assert {o.id: o.probability for o in r.outcomes} == approx(ref.outcomes)
    assert _keyed(r.paths) == approx(_keyed(ref.paths))


# -- overrides ------------------------------------------------------------------------------------
def test_node_child_is_ambiguous_and_says_what_works(bid):
    with pytest.raises(UnknownNameError) as info:
        bid.evaluate(overrides={"bid.deposit": 0.5})
    message = str(info.value)
    assert "3 branches of node 'bid' lead to 'deposit'" in message
    assert "bid.0 ('Cost low'), bid.1 ('Cost fair'), bid.2 ('Cost high')" in message


@pytest.mark.parametrize("name", ["bid.1", "bid.Cost fair"])
def test_a_branch_by_position_or_label(bid, name):
    r = bid.evaluate(overrides={name: 0.5}, top=0)
    ref = Reference(BID, {name: 0.5}).belief()
    assert r.expected_payoffs["firm"] == approx(ref.expected["firm"])
    assert [b.probability for b in r.branches("bid")] == approx([0.2 / 0.7 * 0.5, 0.5, 0.4 / 0.7 * 0.5,
                                                                  0.1 / 0.7 * 0.5])


def test_a_unique_child_still_names_its_branch(bid):
    r = bid.evaluate(overrides={"bid.none": 0.4, "deposit.big": 0.5}, top=0)
    ref = Reference(BID, {"bid.none": 0.4, "deposit.big": 0.5}).belief()
    assert r.expected_payoffs["firm"] == approx(ref.expected["firm"])


@pytest.mark.parametrize("name, words", [("bid.4", "has 4 branches (positions 0 to 3)"),
                                         ("bid.Cost mid", "has no branch to 'Cost mid'")])
def test_bad_branch_names(bid, name, words):
    with pytest.raises(UnknownNameError, match=words.replace("(", r"\(").replace(")", r"\)")):
        bid.evaluate(overrides={name: 0.5})


def test_sensitivity_of_a_parallel_branch(bid):
    from scenarios.analysis.metrics import evaluate_settings

    got = evaluate_settings(bid, {"bid.2": [0.0, 0.4, 1.0]}, metric="payoff:firm")
    want = [Reference(BID, {"bid.2": v}).belief().expected["firm"] for v in (0.0, 0.4, 1.0)]
    assert got.metric.tolist() == approx(want)


# -- hypothesis: random DAGs with parallel branches -------------------------------------------------
@st.composite
def parallel_data(draw) -> dict:
    """``scenario_data`` with some branches split into two or three parallel copies (same
    child, own label and share of the probability, sometimes their own payoffs)."""
    data = draw(scenario_data(max_nodes=8))
    split_any = False
    for node in data["nodes"].values():
        branches = node.get("branches")
        if not branches:
            continue
        out = []
        for i, branch in enumerate(branches):
            copies = draw(st.integers(1, 3)) if branch.get("p") != "rest" else 1
            split_any |= copies > 1
            cuts = sorted(draw(st.lists(st.sampled_from([0, 1, 2, 3, 4]), min_size=copies - 1,
                                        max_size=copies - 1)))
            shares = [(hi - lo) / 4 for lo, hi in zip([0, *cuts], [*cuts, 4], strict=True)]  # sum to 1
            for k in range(copies):
                twin = copy.deepcopy(branch)
                twin["label"] = f"b{i}.{k}"
                if "p" in branch and copies > 1:
                    twin["p"] = f"({branch['p']}) * {shares[k]}"
                if k and draw(st.booleans()):
                    actor = draw(st.sampled_from(list(data["actors"])))
                    twin["payoffs"] = {**twin.get("payoffs", {}), actor: draw(st.integers(-4, 4))}
                out.append(twin)
        node["branches"] = out
    assume(split_any)
    return data


@settings(max_examples=60, deadline=None)
@given(parallel_data())
def test_random_dags_with_parallel_branches_agree_with_brute_force(data):
    s = build(data)
    ref = Reference(data)
    belief, want = s.evaluate(top=10_000), ref.belief()
    assert sum(o.probability for o in belief.outcomes) == approx(1.0)
    assert belief.expected_payoffs == approx(want.expected, abs=1e-9)
    assert {o.id: o.probability for o in belief.outcomes} == approx(want.outcomes, abs=1e-12)
    assert _keyed(belief.paths) == approx(_keyed(want.paths), abs=1e-12)
    solved, strategic = s.solve(top=0), ref.solve()
    if not strategic.ambiguous:
        assert solved.choice_branches == strategic.choice_branches
        assert solved.choices == strategic.choices
        assert solved.expected_payoffs == approx(strategic.belief.expected, abs=1e-9)


# -- walking -------------------------------------------------------------------------------------
def test_a_walk_offers_every_option_and_takes_the_one_chosen(bid):
    walk = Walk(bid, seed=1)
    assert [(o.label, o.to, o.index) for o in walk.options][:3] == [
        ("Cost low", "deposit", 0), ("Cost fair", "deposit", 1), ("Cost high", "deposit", 2)]
    with pytest.raises(UnknownNameError, match="ambiguous: 3 branches lead there"):
        walk.choose("deposit")
    step = walk.choose("Cost fair")
    assert (step.to, step.branch, step.probability) == ("deposit", 1, 0.3)
    assert walk.accrued["firm"] == -20  # the fair cost, not the first branch's
    walk.choose("Small (sold)")
    assert walk.path_probability == approx(0.06) and walk.accrued["firm"] == approx(-20 + 10 + 5)
    review = walk.review()[0]
    assert (review.took_branch, review.strategic_branch, review.agrees) == (1, 0, False)
    assert review.value_took == approx(18) and review.value_strategic == approx(28)
    again = Walk.loads(bid, walk.dumps())
    assert again.history == walk.history
    assert [c["branch"] for c in json.loads(walk.dumps())["choices"]] == [1, 2]


def test_a_hint_names_the_solved_branch(bid):
    hint = Walk(bid).hint()
    assert (hint.choice, hint.choice_branch, hint.choice_label) == ("deposit", 0, "Cost low")
    assert hint.branch_values == approx((28, 18, 8, 0))
    assert dict(hint.values) == approx({"deposit": 28, "none": 0})


def test_a_saved_walk_without_positions_is_refused_where_it_is_ambiguous(bid):
    walk = Walk(bid)
    walk.choose("Cost high")
    data = walk.to_dict()
    del data["choices"][0]["branch"]
    with pytest.raises(scenarios.errors.SavedWalkError, match="needs its 'branch' position"):
        Walk.from_dict(bid, data)
    data["choices"][0]["branch"] = 3
    with pytest.raises(scenarios.errors.SavedWalkError, match="branch 3 of 'bid' does not lead to 'deposit'"):
        Walk.from_dict(bid, data)


def test_rolled_walks_replay_on_parallel_branches(bid):
    for seed in range(20):
        walk = Walk(bid, seed=seed)
        while not walk.is_finished:
            walk.roll()
        again = Walk.loads(bid, walk.dumps())
        assert again.history == walk.history and again.accrued == walk.accrued


def test_the_html_page_offers_both_options_with_their_labels(bid):
    from scenarios.export import html

    text = html.export(bid)
    assert text.count('data-edge="bid&gt;deposit"') == 3 or text.count('data-edge="bid>deposit"') == 3
    for k in range(3):
        assert f'data-branch="{k}"' in text
    start = text.index('"bid":{')
    page_data = text[start:start + 2000]
    assert '"choice_branch":0' in page_data
    for label in ("Cost low", "Cost fair", "Cost high"):
        assert f'"label":"{label}"' in page_data


# -- exports -------------------------------------------------------------------------------------
def test_efg_writes_parallel_branches_as_separate_subtrees(bid):
    from scenarios.export import efg
    from scenarios.io.efg_import import loads_efg

    text = efg.export(bid)
    assert text.count('"Deposit?') == 3  # one subtree per option into the deposit
    back = loads_efg(text)
    assert len(back.nodes) == 1 + 3 * 4 + 1
    assert back.solve().expected_payoffs["firm"] == approx(SOLVED_EXPECTED)
    assert back.solve().choice_labels == {**back.solve().choice_labels, "bid": "Cost low"}


def test_graphml_and_gexf_keep_parallel_edges(bid):
    from scenarios.export import gexf, graphml

    g = nx.read_graphml(io.StringIO(graphml.export(bid, results=True)))
    assert isinstance(g, nx.MultiDiGraph) and g.number_of_edges("bid", "deposit") == 3
    chosen = {d["label"]: d["solve.chosen"] for _, v, d in g.edges(data=True) if v == "deposit"}
    assert chosen == {"Cost low": True, "Cost fair": False, "Cost high": False}
    assert sorted(k for _, _, k in g.edges(keys=True))[:3] == ["bid.0", "bid.1", "bid.2"]
    g = nx.read_gexf(io.BytesIO(gexf.export(bid).encode()))
    assert g.number_of_edges("bid", "deposit") == 3 and g.number_of_edges("deposit", "small") == 2


@pytest.mark.parametrize("fmt, chosen", [("dot", "penwidth=2.5"), ("mermaid", "==>")])
def test_dot_and_mermaid_draw_each_parallel_edge_and_mark_only_the_chosen(bid, fmt, chosen):
    from scenarios.export import dot, mermaid

    text = {"dot": dot, "mermaid": mermaid}[fmt].export(bid, results=True)
    lines = [line for line in text.splitlines() if "Cost " in line]
    assert len(lines) == 3
    assert [chosen in line for line in lines] == [True, False, False]


# -- variants ------------------------------------------------------------------------------------
def _variant(tmp_path, body: str):
    (tmp_path / "bid.yaml").write_text(to_yaml(BID))
    path = tmp_path / "variant.yaml"
    path.write_text("extends: bid.yaml\ntitle: Variant\n" + body)
    return scenarios.load(path)


def test_variant_sets_a_parallel_branch_by_position_or_label(tmp_path):
    for name in ("bid.1", "bid.Cost fair"):
        s = _variant(tmp_path, f"set: {{'{name}': 0.5}}\n")
        assert [b.probability for b in s.evaluate().branches("bid")] == approx(
            [0.2 / 0.7 * 0.5, 0.5, 0.4 / 0.7 * 0.5, 0.1 / 0.7 * 0.5])


def test_variant_refuses_an_ambiguous_branch_and_removes_every_branch_into_a_node(tmp_path):
    with pytest.raises(ScenarioFileError, match="3 branches of node 'bid' lead to 'deposit'"):
        _variant(tmp_path, "set: {bid.deposit: 0.5}\n")
    s = _variant(tmp_path, "remove: [bid.Cost high, small]\n")
    assert [b.label for b in s.nodes["bid"].branches] == ["Cost low", "Cost fair", "Walk away"]
    assert [b.label for b in s.nodes["deposit"].branches] == ["Big"]


def test_variant_merges_a_parallel_branch_by_its_label(tmp_path):
    s = _variant(tmp_path, "nodes:\n  bid:\n    branches:\n      - {to: deposit, label: Cost fair, "
                           "payoffs: {firm: -5}}\n")
    assert [b.value["firm"] for b in s.evaluate().branches("bid")][:3] == approx([28, 33, 8])
    with pytest.raises(ScenarioFileError, match="give the 'label' of the one this changes"):
        _variant(tmp_path, "nodes:\n  bid:\n    branches:\n      - {to: deposit, p: 0.3}\n")


def test_dump_and_builder_keep_parallel_branches(bid):
    from scenarios.builder import ScenarioBuilder

    assert scenarios.loads(bid.to_yaml()) == bid
    b = ScenarioBuilder("T", id="t")
    b.actor("u")
    b.chance("c").branch("o", p=0.5, label="x").branch("o", p=0.5, label="y")
    b.outcome("o", payoffs={"u": 1})
    assert [p.branches for p in b.build().evaluate().paths] == [(0,), (1,)]


# -- the command line, as a user runs it --------------------------------------------------------------
def test_cli_json_tells_parallel_branches_apart(cli, bid_file):
    code, out, _ = cli("evaluate", bid_file, "--json")
    doc = json.loads(out)
    assert code == 0 and doc["paths"][0]["nodes"] == ["bid", "deposit", "small"]
    assert doc["paths"][0]["branches"] == [2, 1]
    assert len({(tuple(p["nodes"]), tuple(p["branches"])) for p in doc["paths"]}) == len(doc["paths"]) == 10
    code, out, _ = cli("solve", bid_file, "--json")
    doc = json.loads(out)
    assert (doc["choices"], doc["choice_branches"], doc["choice_labels"]) == (
        {"bid": "deposit"}, {"bid": 0}, {"bid": "Cost low"})
    code, out, _ = cli("evaluate", bid_file)
    assert "Cost high → Small (found)  ⇒ small" in out and "Cost fair → Big  ⇒ big" in out
    code, out, _ = cli("show", bid_file)
    for line in ("├─ Cost low (p=0.2) payoffs: firm -10 → ● Deposit?", "├─ Cost fair (p=0.3) payoffs: firm -20",
                 "├─ Cost high (p=0.4) payoffs: firm -30", "├─ Small (found) (p=0.5) → ▲ small",
                 "└─ Small (sold) (p=rest = 0.2) payoffs: firm 5 → ▲ small"):
        assert line in out


def test_cli_set_errors_and_forms(cli, bid_file):
    code, _, err = cli("evaluate", bid_file, "--set", "bid.deposit=0.5")
    assert code == 1 and "name one by its position or its label: bid.0 ('Cost low')" in err
    code, out, _ = cli("evaluate", bid_file, "--set", "bid.Cost high=1", "--json")
    assert code == 0 and json.loads(out)["expected_payoffs"]["firm"] == approx(DEPOSIT_VALUE - 30)


def test_cli_simulate_records_branches(cli, bid_file):
    code, out, _ = cli("simulate", bid_file, "-n", "2000", "--seed", "4", "--paths", "--json")
    doc = json.loads(out)
    assert code == 0
    taken = {tuple(p["branches"]) for p in doc["paths"] if p["nodes"][1:2] == ["deposit"]}
    assert {t[0] for t in taken} == {0, 1, 2} and {t[1] for t in taken} == {0, 1, 2}
    assert doc["expected_payoffs"]["firm"]["exact"] == approx(BELIEF_EXPECTED)


def test_cli_draw_and_every_export(cli, bid_file, tmp_path):
    code, out, err = cli("draw", bid_file, "--highlight", "likely", "-o", tmp_path / "bid.png")
    assert code == 0 and (tmp_path / "bid.png").stat().st_size > 10_000
    for fmt in ("json", "efg", "graphml", "gexf", "dot", "mermaid", "html"):
        code, out, err = cli("export", bid_file, "--to", fmt, "-o", tmp_path / f"bid.{fmt}")
        assert code == 0, err
    assert json.loads((tmp_path / "bid.json").read_text())  # the JSON form loads back
    code, out, err = cli("import", tmp_path / "bid.efg", "-o", tmp_path / "back.yaml")
    assert code == 0 and scenarios.load(tmp_path / "back.yaml").solve().expected_payoffs["firm"] == approx(28)


def test_play_with_a_saved_walk(cli_process, bid_file, tmp_path):
    saved = tmp_path / "walk.json"
    done = subprocess.run([sys.executable, "-m", "scenarios", "play", str(bid_file), "--seed", "3", "--save",
                           str(saved)], input="s\n2\n2\nq\n", capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "You chose: Cost fair" in done.stdout and "→ Cost low" in done.stdout
    data = json.loads(saved.read_text())
    assert [(c["to"], c["branch"]) for c in data["choices"]] == [("deposit", 1), ("small", 1)]
    resumed = cli_process("play", bid_file, "--resume", saved, "--transcript", tmp_path / "walk.md")
    assert resumed.returncode == 0, resumed.stderr
    text = (tmp_path / "walk.md").read_text()
    assert "| 2 | Cost fair | 0.3 | **taken** |" in text and "| 1 | Cost low | 0.2 |  |" in text
    shown = " ".join(resumed.stdout.split())  # the terminal text is wrapped
    assert "you took “Cost fair” (value 18 for Firm); the solution takes “Cost low” (28)" in shown


def test_the_format_guide_examples_run():
    check_sessions("docs/scenario-format.md", in_bash(ROOT, COLUMNS="100", NO_COLOR="1"), minimum=4)
    assert scenarios.load(ROOT / "docs/examples/bid-deposit.yaml").solve().choice_labels == {"bid": "Cost low"}


def test_the_option_chart_marks_the_chosen_branch_not_the_first_into_its_child():
    import matplotlib

    matplotlib.use("Agg")
    from scenarios.render import charts

    data = copy.deepcopy(BID)
    data["nodes"]["bid"]["branches"][0]["payoffs"] = {"firm": -35}  # now "Cost fair" is best
    ax = charts.option_chart(build(data))
    shown = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    assert [t for t in shown if "(chosen)" in t] == ["Cost fair (chosen)"]

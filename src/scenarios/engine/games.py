"""Strategic mode with information sets: equilibria computed by Gambit (pygambit).

Backward induction (:mod:`scenarios.engine.strategic`) needs every decision to see all
that came before it.  When an actor cannot tell some decisions apart (an ``infoset:``
shared by several nodes) the game is handed to Gambit, the field's solver, through its
Python interface pygambit (the optional extra ``pip install 'scenarios[games]'``):

* ``nash``: Nash equilibria of a two-player game by the sequence-form linear
  complementarity method (Koller, Megiddo and von Stengel 1996; ``pygambit.nash.lcp_solve``),
  in exact rational arithmetic on small games, every equilibrium the method finds listed;
* ``qre``: the agent logit quantal response equilibrium (McKelvey and Palfrey 1998) for any
  number of players (``pygambit.nash.logit_solve``: the limit of the principal branch as
  the precision grows, a Nash equilibrium; with ``lam`` the QRE at that precision,
  ``pygambit.qre.logit_solve_lambda``);
* ``spe``: a subgame-perfect equilibrium, by solving the smallest subgames first (each with
  ``nash``, or ``qre`` when it has more than two players) and replacing each by its value.

The game is built from the bound scenario (parameters, ``--set`` and ``rest`` applied):
the scenario's DAG unfolded into a tree, payoffs accrued along each path summed at its
end, chance probabilities and payoffs as exact fractions of the decimals the file gives,
``fixed`` decisions as chance moves with their ``p``, and each actor paid in the column
it decides by (negated for an actor that minimises).  The equilibria come back as
behaviour strategies per information set; the first is then played through our own
engine (:func:`scenarios.engine.belief._evaluate_bound`), so every view of a result works
on it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import numpy as np

from ..errors import GameError
from ..kinds import DECISION
from ..model import Scenario
from .belief import _evaluate_bound
from .bind import Bound, bind
from .equilibrium import Equilibrium, EquilibriumResult
from .results import BeliefResult

__all__ = ["solve_game", "METHODS", "MAX_GAME_NODES", "build_game", "GameTree"]

METHODS = ("backward", "nash", "qre", "spe")
#: The unfolded tree handed to Gambit may have at most this many nodes.
MAX_GAME_NODES = 20_000
#: Up to this many nodes, ``nash`` computes in exact rational arithmetic.
EXACT_NODES = 3_000
#: ``nash`` lists every extreme equilibrium when the two players' pure strategies make at most
#: this many pairs (vertex enumeration grows fast: 8 x 8 takes 0.4 s exactly, 12 x 12 over 40 s),
#: or when one player has at most ENUMERATE_FEW of them and the other at most ENUMERATE_MANY (the
#: cost grows with the smaller side: the bluffing game's 64 x 4 takes about a second).
ENUMERATE_STRATEGIES = 64
ENUMERATE_FEW, ENUMERATE_MANY = 4, 256
INSTALL = "pip install 'scenarios[games]'"
#: A set reached with at most this probability counts as not reached (the logit method's limit
#: leaves choices it rules out at about 1e-8; exact methods give 0).
REACHED = 1e-7


def _pygambit() -> Any:
    try:
        import pygambit
    except ImportError:
        raise GameError(f"computing equilibria needs pygambit, which is not installed: {INSTALL}") from None
    return pygambit


def _exact(x: float) -> Fraction:
    """The fraction a decimal from the file means (0.1 -> 1/10), not the binary float's."""
    return Fraction(x).limit_denominator(10**9) if abs(x) < 1e12 else Fraction(x)


class GameTree:
    """The scenario unfolded into a tree (lists indexed by tree node, preorder).

    ``src`` the engine's node index, ``edge`` the edge into it (-1 at the root), ``kids``
    its children, ``acc`` the payoff columns accrued from the root through the node itself.
    """

    def __init__(self, scenario: Scenario, bound: Bound):
        compiled = bound.compiled
        self.scenario, self.bound, self.compiled = scenario, bound, compiled
        self.src: list[int] = []
        self.edge: list[int] = []
        self.kids: list[list[int]] = []
        self.acc: list[np.ndarray] = []
        self.parent: list[int] = []
        node_pay, edge_pay = bound.node_payoff, bound.edge_payoff  # (N, A), (E, A)
        stack = [(compiled.root, -1, -1, node_pay[compiled.root].copy())]
        while stack:
            i, e, up, acc = stack.pop()
            t = len(self.src)
            if t >= MAX_GAME_NODES:
                raise GameError(f"{scenario.filename}: the game unfolds into more than {MAX_GAME_NODES:,} nodes "
                                "(a DAG's shared nodes are copied for each path); Gambit's methods are for "
                                "smaller games")
            self.src.append(i)
            self.edge.append(e)
            self.kids.append([])
            self.acc.append(acc)
            self.parent.append(up)
            if up >= 0:
                self.kids[up].append(t)
            lo, hi = int(compiled.edge_start[i]), int(compiled.edge_start[i + 1])
            for k in range(hi - 1, lo - 1, -1):  # reversed onto the stack: children in branch order
                c = int(compiled.child[k])
                stack.append((c, k, t, acc + edge_pay[k] + node_pay[c]))
        decision = compiled.kind == DECISION
        self.strategic = [bool(decision[i] and not compiled.fixed[i]) for i in self.src]
        self.set_of = [scenario.infoset_of(compiled.ids[i]) if s else "" for i, s in zip(self.src, self.strategic,
                                                                                         strict=True)]
        self.labels = {i: _unique_labels(scenario, compiled.ids[i]) for i in set(self.src)}

    def subtree(self, t: int) -> list[int]:
        out, stack = [], [t]
        while stack:
            u = stack.pop()
            out.append(u)
            stack.extend(reversed(self.kids[u]))
        return out


def _unique_labels(scenario: Scenario, node_id: str) -> list[str]:
    """The node's option labels, made distinct ("Wait", "Wait (2)") as Gambit's actions must be."""
    out: list[str] = []
    for b in scenario.nodes[node_id].branches:
        label, n = b.label or "-", 2
        while label in out:
            label, n = f"{b.label} ({n})", n + 1
        out.append(label)
    return out


def build_game(tree: GameTree, players: tuple[str, ...], top: int = 0,
               replaced: Mapping[int, np.ndarray] | None = None) -> tuple[Any, dict[int, Any]]:
    """A pygambit game of the subtree from ``top`` (nodes in ``replaced`` become ends paying
    their value); returns the game and tree node -> Gambit node."""
    gbt = _pygambit()
    compiled, replaced = tree.compiled, replaced or {}
    game = gbt.Game.new_tree(players=list(players), title=tree.scenario.title or tree.scenario.id)
    columns = [compiled.actors.index(a) if a in compiled.actors else -1 for a in players]
    sign = compiled.column_sign
    signs = [float(sign[c]) if c >= 0 and sign is not None else 1.0 for c in columns]
    sets: dict[str, Any] = {}
    gnode: dict[int, Any] = {}
    queue = [(top, game.root)]
    p = tree.bound.p
    while queue:
        t, g = queue.pop()
        gnode[t] = g
        i = tree.src[t]
        value = replaced.get(t)
        if value is None and tree.kids[t]:
            labels = tree.labels[i]
            if tree.strategic[t]:
                name = tree.set_of[t]
                if name in sets:
                    game.append_infoset(g, sets[name])
                else:
                    game.append_move(g, _player(tree, i), labels)
                    sets[name] = g.infoset
                    g.infoset.label = name
            else:  # chance, or a fixed decision: its p
                game.append_move(g, game.players.chance, labels)
                lo = int(compiled.edge_start[i])
                probs = [_exact(float(p[lo + k])) for k in range(len(labels))]
                probs[-1] = Fraction(1) - sum(probs[:-1], Fraction(0))  # exact fractions that sum to 1
                game.set_chance_probs(g.infoset, probs)
            queue.extend(zip(tree.kids[t], list(g.children), strict=True))
            continue
        acc = tree.acc[t] if value is None else value
        payoffs = [_exact(s * float(acc[c])) if c >= 0 else Fraction(0) for c, s in zip(columns, signs, strict=True)]
        game.set_outcome(g, game.add_outcome(payoffs=payoffs, label=f"end {len(game.outcomes) + 1}"))
    return game, gnode


def _player(tree: GameTree, i: int) -> str:
    actor = tree.scenario.nodes[tree.compiled.ids[i]].actor
    assert actor is not None  # a decision always has an actor
    return actor


def solve_game(scenario: Scenario, *, method: str | None = None, overrides: Mapping[str, Any] | None = None,
               top: int = 10, lam: float | None = None) -> EquilibriumResult:
    """Equilibria of ``scenario`` by ``method`` (``nash``, ``qre``, ``spe``; None: ``nash``
    for two players, else ``qre``).  Raises :class:`~scenarios.errors.GameError` when pygambit
    is missing or the method does not apply (one line, naming what to do instead)."""
    bound = bind(scenario, overrides)
    tree = GameTree(scenario, bound)
    players = tuple(dict.fromkeys(_player(tree, tree.src[t]) for t in range(len(tree.src)) if tree.strategic[t]))
    if method is None:
        method = "nash" if len(players) <= 2 else "qre"
    if method not in ("nash", "qre", "spe"):
        raise GameError(f"unknown method {method!r}: use nash, qre or spe")
    if method == "nash" and len(players) > 2:
        raise GameError(f"{scenario.filename}: --method nash (sequence-form LCP) computes two-player games; this one "
                        f"has {len(players)} players ({', '.join(players)}): use --method qre")
    if lam is not None and method != "qre":
        raise GameError("a precision (lambda) is for --method qre only")
    gbt = _pygambit()
    padded = players + tuple(f"(nobody {k})" for k in range(2 - len(players))) if method != "qre" else players
    if not players:
        padded = ("(nobody 0)", "(nobody 1)")
    game, gnode = build_game(tree, padded)
    if not game.is_perfect_recall:
        raise GameError(f"{scenario.filename}: unfolded into a tree, this DAG makes an actor forget its own "
                        "earlier choice at a shared node; Gambit's methods need perfect recall: give each path "
                        "its own copy of the node")
    note = ""
    open_sets: set[str] | None = None  # spe: the sets left open in their own subgame
    if method == "spe":
        spe, open_sets = _spe(tree, gbt, game)
        profiles = [spe]
        note = ("one subgame-perfect equilibrium: in each subgame the first equilibrium Gambit finds "
                "(others may exist)")
    elif method == "nash":
        exact = len(tree.src) <= EXACT_NODES
        profiles = list(gbt.nash.lcp_solve(game, rational=exact, use_strategic=False).equilibria)
        note = ("the equilibrium the sequence-form LCP method reaches; a game this large can have others "
                "it does not list")
        first, second = list(game.players)
        m, n = _pure_strategies(first), _pure_strategies(second)
        if m * n <= ENUMERATE_STRATEGIES or (min(m, n) <= ENUMERATE_FEW and max(m, n) <= ENUMERATE_MANY):
            # Small enough to list them all: every extreme equilibrium of the strategic form.
            profiles += [p.as_behavior() for p in gbt.nash.enummixed_solve(game, rational=exact).equilibria]
            note = ("every extreme equilibrium, by Gambit's enummixed on the strategic form after the sequence-"
                    "form LCP; mixtures of equilibria of one component are equilibria too")
    elif lam is None:
        profiles = list(gbt.nash.logit_solve(game, use_strategic=False).equilibria)
        note = "the limit of the logit QRE as precision grows: one Nash equilibrium, Gambit's logit selection"
    else:
        found = gbt.qre.logit_solve_lambda(game, lam=[float(lam)], use_strategic=False)
        profiles = [_flat_profile(game, found[0])]
        note = f"the logit QRE at precision lambda = {lam:g}: actors err, better options more often"
    if not profiles:
        raise GameError(f"{scenario.filename}: Gambit found no equilibrium by --method {method}")
    solved = {tree.compiled.ids[tree.src[t]] for t in range(len(tree.src)) if tree.strategic[t]}
    sets: dict[str, list[str]] = {}
    for node_id in scenario.nodes:  # file order
        if node_id in solved:
            sets.setdefault(scenario.infoset_of(node_id), []).append(node_id)
    equilibria, played = [], None
    for profile in profiles:
        behaviour = _behaviour(game, profile)
        reached, arbitrary = _reach(game, profile)
        if open_sets is not None:  # subgame perfection fixes a set its actor's own move rules out
            arbitrary = open_sets
        for name in arbitrary:  # any behaviour fits there: the uniform one completes the profile
            behaviour[name] = dict.fromkeys(behaviour[name], 1.0 / len(behaviour[name]))
        result = _play(scenario, bound, tree, behaviour, overrides, top)
        played = result if played is None else played
        beliefs = _beliefs(tree, game, gnode, profile)
        equilibria.append(Equilibrium(
            behaviour={k: behaviour[k] for k in sets if k in behaviour}, expected_payoffs=dict(result.expected_payoffs),
            beliefs={k: {n: beliefs[k][n] for n in sets[k] if n in beliefs[k]} for k in sets if k in beliefs},
            max_regret=float(profile.max_regret()), reached={k: reached[k] for k in sets if k in reached},
            arbitrary=frozenset(k for k in sets if k in arbitrary)))
    assert played is not None
    return EquilibriumResult(scenario=scenario, method=method, equilibria=_distinct(equilibria), players=players,
                             sets={k: tuple(v) for k, v in sets.items()}, played=played, note=note, lam=lam)


def _pure_strategies(player: Any) -> int:
    """How many pure strategies ``player`` has (the product of its sets' option counts)."""
    count = 1
    for infoset in player.infosets:
        count *= len(infoset.actions)
        if count > ENUMERATE_MANY:
            break
    return count


def _flat_profile(game: Any, qre: Any) -> Any:
    """A behaviour profile of ``game`` from a QRE's flat list (player, set, action order)."""
    profile = game.mixed_behavior_profile()
    k = 0
    for player in game.players:
        for infoset in player.infosets:
            for action in infoset.actions:
                profile[action] = qre[k]
                k += 1
    return profile


def _behaviour(game: Any, profile: Any) -> dict[str, dict[str, float]]:
    return {infoset.label: {a.label: float(profile[a]) for a in infoset.actions}
            for player in game.players for infoset in player.infosets}


def _reach(game: Any, profile: Any) -> tuple[dict[str, bool], set[str]]:
    """Set name -> whether ``profile`` reaches it; and the sets its actor's own earlier
    choices rule out (the probability of the actor's own moves on the way there is 0).

    Such a set is never reached, whatever the others do, so any behaviour there leaves the
    equilibrium intact: Gambit leaves it undefined (all 0, ``is_defined_at`` false) when it
    converts a mixed strategy, and its sequence-form LCP fills it with the uniform choice;
    both are one arbitrary completion, reported as such."""
    reached = {infoset.label: float(profile.infoset_prob(infoset)) > REACHED
               for player in game.players for infoset in player.infosets}
    arbitrary = {infoset.label for player in game.players for infoset in player.infosets
                 if not profile.is_defined_at(infoset)}
    # node, player label -> probability of that player's own moves on the way there
    stack: list[tuple[Any, dict[str, float]]] = [(game.root, {})]
    while stack:
        node, own = stack.pop()
        if node.is_terminal:
            continue
        infoset = node.infoset
        who = None if infoset.is_chance else node.player.label
        if who is not None and own.get(who, 1.0) <= 0:
            arbitrary.add(infoset.label)
        for action, child in zip(infoset.actions, node.children, strict=True):
            if who is None:
                stack.append((child, own))
            else:
                stack.append((child, {**own, who: own.get(who, 1.0) * float(profile[action])}))
    return reached, arbitrary


def _beliefs(tree: GameTree, game: Any, gnode: Mapping[int, Any], profile: Any) -> dict[str, dict[str, float]]:
    """At each set of two or more nodes that the profile reaches: member id -> belief."""
    members: dict[str, list[int]] = {}
    for t, g in gnode.items():
        if tree.strategic[t] and g.infoset is not None and not g.is_terminal:
            members.setdefault(tree.set_of[t], []).append(t)
    out: dict[str, dict[str, float]] = {}
    ids = tree.compiled.ids
    for name, ts in members.items():
        if len({tree.src[t] for t in ts}) < 2 or float(profile.infoset_prob(gnode[ts[0]].infoset)) <= 0:
            continue
        belief: dict[str, float] = {}
        for t in ts:
            node_id = ids[tree.src[t]]
            belief[node_id] = belief.get(node_id, 0.0) + float(profile.belief(gnode[t]))
        out[name] = belief
    return out


def _play(scenario: Scenario, bound: Bound, tree: GameTree, behaviour: Mapping[str, Mapping[str, float]],
          overrides: Mapping[str, Any] | None, top: int) -> BeliefResult:
    """The equilibrium played through our engine: each solved decision weighted by it."""
    compiled = bound.compiled
    p = np.array(bound.p, dtype=float)
    for i in set(tree.src[t] for t in range(len(tree.src)) if tree.strategic[t]):
        options = behaviour.get(scenario.infoset_of(compiled.ids[i]))
        if options is None:
            continue
        lo = int(compiled.edge_start[i])
        for k, label in enumerate(tree.labels[i]):
            p[lo + k] = options.get(label, 0.0)
    return _evaluate_bound(scenario, bound, "equilibrium", p, given=None, overrides=overrides, top=top,
                           result_type=BeliefResult)


def _distinct(equilibria: list[Equilibrium]) -> tuple[Equilibrium, ...]:
    """Equilibria with different behaviour (to 1e-9), first found first."""
    seen, out = set(), []
    for e in equilibria:
        key = tuple((s, a, round(p, 9)) for s, o in sorted(e.behaviour.items()) for a, p in o.items())
        if key not in seen:
            seen.add(key)
            out.append(e)
    return tuple(out)


# -- subgame perfection ---------------------------------------------------------------------------
def subgame_roots(tree: GameTree) -> list[int]:
    """Tree nodes that start a subgame with a choice in it (every set wholly inside or outside),
    deepest first."""
    n = len(tree.src)
    tin, tout, depth = [0] * n, [0] * n, [0] * n
    clock, stack = 0, [(0, False)]
    while stack:
        t, done = stack.pop()
        if done:
            tout[t] = clock
            continue
        tin[t] = clock
        clock += 1
        stack.append((t, True))
        for k in reversed(tree.kids[t]):
            depth[k] = depth[t] + 1
            stack.append((k, False))
    spans: dict[str, list[int]] = {}
    for t in range(n):
        if tree.strategic[t]:
            spans.setdefault(tree.set_of[t], []).append(tin[t])
    wide = [sorted(v) for v in spans.values() if len(v) > 1]  # members' entry times, per shared set
    choice = [0] * (n + 1)  # prefix counts of strategic nodes in preorder
    order = sorted(range(n), key=tin.__getitem__)
    for position, t in enumerate(order):
        choice[position + 1] = choice[position] + tree.strategic[t]
    roots = []
    for t in range(n):
        if not tree.kids[t] or choice[tout[t]] - choice[tin[t]] == 0:
            continue
        a, b = tin[t], tout[t]
        inside = (bisect_left(times, b) - bisect_left(times, a) for times in wide)
        if all(k in (0, len(times)) for k, times in zip(inside, wide, strict=True)):
            roots.append(t)
    return sorted(roots, key=lambda t: -depth[t])


def _spe(tree: GameTree, gbt: Any, full: Any) -> tuple[Any, set[str]]:
    """A subgame-perfect profile of the full game ``full``: smallest subgames first; and the
    sets whose behaviour is open: ruled out by their actor's own move within the smallest
    subgame that holds them (there any behaviour is subgame perfect)."""
    behaviour: dict[str, dict[str, float]] = {}
    open_sets: set[str] = set()
    value: dict[int, np.ndarray] = {}
    roots = subgame_roots(tree)
    for r in roots:
        inner = {t: value[t] for t in tree.subtree(r) if t in value and t != r}
        active = tuple(dict.fromkeys(_player(tree, tree.src[t]) for t in _reduced(tree, r, inner)
                                     if tree.strategic[t] and t not in inner))
        if len(active) <= 2:
            active += tuple(f"(nobody {k})" for k in range(2 - len(active)))
        game, _ = build_game(tree, active, r, inner)
        if len(active) <= 2:
            found = gbt.nash.lcp_solve(game, rational=len(tree.src) <= EXACT_NODES, use_strategic=False)
        else:
            found = gbt.nash.logit_solve(game, use_strategic=False)
        behaviour.update(_behaviour(game, found.equilibria[0]))
        open_sets |= _reach(game, found.equilibria[0])[1]
        value[r] = _expected(tree, r, inner, behaviour)
    profile = full.mixed_behavior_profile(rational=False)
    for infoset in full.infosets:
        if not infoset.is_chance:
            for action in infoset.actions:
                profile[action] = behaviour[infoset.label][action.label]
    return profile, open_sets


def _reduced(tree: GameTree, top: int, replaced: Mapping[int, np.ndarray]) -> list[int]:
    """The tree nodes from ``top`` down to, not into, the ``replaced`` subgames."""
    out, stack = [], [top]
    while stack:
        t = stack.pop()
        out.append(t)
        if t == top or t not in replaced:
            stack.extend(tree.kids[t])
    return out


def _expected(tree: GameTree, top: int, replaced: Mapping[int, np.ndarray],
              behaviour: Mapping[str, Mapping[str, float]]) -> np.ndarray:
    """Expected payoff columns of the subtree from ``top`` when ``behaviour`` is played."""
    compiled, p = tree.compiled, tree.bound.p
    order = [t for t in tree.subtree(top)]
    value: dict[int, np.ndarray] = {}
    for t in reversed(order):
        if t in replaced:
            value[t] = replaced[t]
            continue
        if not tree.kids[t]:
            value[t] = tree.acc[t]
            continue
        i = tree.src[t]
        lo = int(compiled.edge_start[i])
        if tree.strategic[t]:
            options = behaviour[tree.set_of[t]]
            weights = [options[label] for label in tree.labels[i]]
        else:
            weights = [float(p[lo + k]) for k in range(len(tree.kids[t]))]
        value[t] = sum((w * value[k] for w, k in zip(weights, tree.kids[t], strict=True)),
                       np.zeros_like(tree.acc[t]))
    return value[top]


"""The validated scenario: frozen dataclasses for its parts and a read-only graph.

A :class:`Scenario` is only made by the loader (:func:`scenarios.load`,
:func:`scenarios.loads`, :meth:`Scenario.from_dict`), which checks everything first;
code that receives one can trust it.  Quantities (probabilities, payoffs, parameter
values) stay symbolic here, as :class:`~scenarios.expressions.Expression` objects, and are
turned into numbers by :mod:`scenarios.engine.bind`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar, overload

from .errors import Diagnostic
from .expressions import Expression
from .kinds import KIND_NAMES, KINDS, NodeKind

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from .engine.compiled import Compiled
    from .engine.equilibrium import EquilibriumResult
    from .engine.results import BeliefResult, SolveResult

__all__ = ["REST", "Source", "Measure", "Criterion", "Risk", "NEUTRAL",
           "Actor", "Distribution", "Parameter", "Branch", "Node", "Scenario",
           "NODE_KINDS", "DISCLAIMER", "Revealed", "Evidence", "date_after", "Signal", "Uncertainty"]

NODE_KINDS = KIND_NAMES  # from the node-kind table (scenarios.kinds)
#: Shown where students look: the start of ``play``, the top of the HTML page, the briefing's
#: title page and the footer of drawings.
DISCLAIMER = ("Illustrative judgments for teaching and discussion, not forecasts: the probabilities "
              "and payoffs are an analyst's assumptions, not measurements.")
_V = TypeVar("_V")


class _Rest:
    """The ``rest`` probability: one minus the other branches of the node."""

    _instance: _Rest | None = None

    def __new__(cls) -> _Rest:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "REST"

    def __str__(self) -> str:
        return "rest"

    def __reduce__(self) -> tuple[type[_Rest], tuple[()]]:
        return (_Rest, ())


REST = _Rest()


#: The one empty read-only mapping (a million nodes without payoffs need not hold a million).
_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _frozen(mapping: Mapping[str, _V] | None) -> Mapping[str, _V]:
    return MappingProxyType(dict(mapping)) if mapping else _EMPTY


@dataclass(frozen=True, slots=True)
class Source:
    key: str
    title: str
    publisher: str | None = None
    date: str | None = None
    url: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Measure:
    """One payoff measure of an actor (``cost``, ``effect``): maximised unless ``minimize``."""

    key: str
    name: str
    minimize: bool = False


@dataclass(frozen=True, slots=True)
class Criterion:
    """How an actor with several measures chooses: one ``measure`` (in its own direction), or
    ``net_benefit``: ``wtp * effect - cost`` maximised (``wtp`` a number or an expression)."""

    kind: str  # "measure" or "net_benefit"
    measure: str | None = None
    effect: str | None = None
    cost: str | None = None
    wtp: Expression | None = None


@dataclass(frozen=True, slots=True)
class Risk:
    """An actor's risk attitude: the utility of the total payoff of a path (see
    docs/risk-attitudes.md; the numbers are in :mod:`scenarios.engine.risk`).

    ``kind`` is ``neutral`` (u(x) = x), ``exponential`` (``value`` the risk tolerance R,
    non-zero: u(x) = sign(R) (1 - exp(-x/R))), ``power`` (``value`` a, non-zero:
    u(x) = x**a / a for x > 0), ``log`` (u(x) = log x for x > 0) or ``expression``
    (``expression`` in ``x``, increasing)."""

    kind: str = "neutral"
    value: float | None = None
    expression: Expression | None = None

    @property
    def neutral(self) -> bool:
        return self.kind == "neutral"

    def __str__(self) -> str:
        if self.kind in ("neutral", "log"):
            return self.kind
        if self.kind == "expression":
            return f"expression:{self.expression}"
        return f"{self.kind}:{self.value:g}"


NEUTRAL = Risk()


@dataclass(frozen=True, slots=True)
class Actor:
    """An actor.  Without ``measures`` it has one payoff (keyed by the actor), maximised unless
    ``minimize``; with ``measures`` its payoffs are keyed ``actor.measure`` and ``criterion``
    says how it chooses (the engine adds a column keyed by the actor: the criterion's value)."""

    key: str
    name: str
    color: str | None = None
    description: str | None = None
    minimize: bool = False
    measures: Mapping[str, Measure] = field(default_factory=dict)
    criterion: Criterion | None = None
    risk: Risk = NEUTRAL  # the risk attitude (format extension, scenarios.io.risk)

    def __post_init__(self) -> None:
        object.__setattr__(self, "measures", _frozen(self.measures))

    @property
    def columns(self) -> tuple[str, ...]:
        """The payoff keys of this actor: its own key, or ``actor.measure`` per measure."""
        if not self.measures:
            return (self.key,)
        return tuple(f"{self.key}.{m}" for m in self.measures)


@dataclass(frozen=True, slots=True)
class Distribution:
    """A parameter's uncertainty, e.g. ``Distribution("beta", (3.5, 6.5))``."""

    kind: str
    args: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    value: Expression
    low: float | None = None
    high: float | None = None
    dist: Distribution | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Branch:
    """An edge from a decision or chance node; ``p`` is an Expression, REST or None."""

    to: str
    label: str
    p: Expression | _Rest | None = None
    payoffs: Mapping[str, Expression] = field(default_factory=dict)
    text: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "payoffs", _frozen(self.payoffs))


@dataclass(frozen=True, slots=True)
class Revealed:
    """What actually happened at a node (its ``reveal:``): dated after the scenario's
    ``as_of`` as a rule, so shown only at the end of a walk, as "what actually happened"."""

    date: str
    text: str
    source: tuple[str, ...] = ()
    quote: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "source", tuple(self.source))


@dataclass(frozen=True, slots=True)
class Evidence:
    """A dated observation (the ``evidence:`` list): conditioning on a node (``given``)
    and/or parameter or branch overrides (``set``), as ``evaluate --given/--set`` takes them."""

    date: str
    observed: str
    source: tuple[str, ...] = ()
    given: str | None = None
    set: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "source", tuple(self.source))
        object.__setattr__(self, "set", _frozen(self.set))


@dataclass(frozen=True, slots=True)
class Signal:
    """A test or report on an uncertainty (``uncertainties: U: signals:``): its possible
    ``readings`` and ``likelihood[state][reading]`` = P(reading | state), the states in the
    order of the uncertainty's first node's branches.  Read by ``scenarios voi`` (EVII)."""

    id: str
    readings: tuple[str, ...]
    likelihood: tuple[tuple[float, ...], ...]
    label: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Uncertainty:
    """One uncertain state that one or more chance nodes model (``uncertainties:``): learning
    it resolves every listed node to the same branch (by position).  Its prior is the first
    node's probabilities.  Read by ``scenarios voi``; evaluation does not use it."""

    id: str
    nodes: tuple[str, ...]
    label: str | None = None
    description: str | None = None
    signals: Mapping[str, Signal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "nodes", tuple(self.nodes))
        object.__setattr__(self, "signals", _frozen(self.signals))


def date_after(date: str | None, as_of: str | None) -> bool:
    """Whether ``date`` (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, or a range ``A/B``) begins
    after ``as_of``: a partial date counts from its first day.

    >>> date_after("2022-02-21", "2022-02-16"), date_after("2022-02", "2022-02-16")
    (True, False)
    >>> date_after("2021-11/2022-02", "2022-02-16"), date_after(None, "2022-02-16")
    (False, False)
    """
    if not date or not as_of:
        return False
    start = date.split("/")[0].strip()
    if not start[:4].isdigit():
        return False
    padded = (start[:10] + "-01-01"[len(start[:10]) - 4:]) if len(start[:10]) < 10 else start[:10]
    return padded > as_of


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    kind: str
    label: str
    text: str | None = None
    actor: str | None = None
    fixed: bool = False
    branches: tuple[Branch, ...] = ()
    payoffs: Mapping[str, Expression] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    quote: str | None = None
    historical: bool = False
    #: ``Distribution("dirichlet", alphas)``: the branch probabilities are uncertain and
    #: drawn jointly in probabilistic analysis (the base case keeps the branches' ``p``).
    dist: Distribution | None = None
    #: What actually happened here, dated (shown only after a walk; see :class:`Revealed`).
    reveal: Revealed | None = None
    #: Decision nodes: the information set the node belongs to (``infoset:``); its actor cannot
    #: tell the members of one set apart.  None: the node is a set of its own.
    infoset: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "payoffs", _frozen(self.payoffs))
        # (a loader passes tuples already: tested, not converted, a million times over)
        for name in ("branches", "tags", "source"):
            if getattr(self, name).__class__ is not tuple:
                object.__setattr__(self, name, tuple(getattr(self, name)))

    @property
    def info(self) -> NodeKind:
        """This node's row of the node-kind table (:mod:`scenarios.kinds`): ask it, not the name.

        >>> from scenarios.model import Node
        >>> Node("end", "outcome", "The end").info.has_branches
        False
        """
        return KINDS[self.kind]

    @property
    def children(self) -> tuple[str, ...]:
        return tuple(b.to for b in self.branches)


class Scenario:
    """A validated weighted decision graph.

    Do not call the constructor: use :func:`scenarios.load`, :func:`scenarios.loads`
    or :meth:`Scenario.from_dict`, which validate first.

    Examples
    --------
    >>> import scenarios
    >>> s = scenarios.load("entry-deterrence")
    >>> s
    Scenario(id='entry-deterrence', nodes=5)
    >>> s.root, s.nodes[s.root].kind
    ('entry', 'decision')
    """

    __slots__ = ("id", "title", "summary", "as_of", "sources", "actors", "parameters", "root",
                 "nodes", "filename", "warnings", "_graph", "_compiled", "_base_values", "evidence",
                 "uncertainties", "_infosets")

    def __init__(self, *, id: str, title: str, nodes: Mapping[str, Node], root: str,
                 summary: str | None = None, as_of: str | None = None,
                 sources: Mapping[str, Source] | None = None,
                 actors: Mapping[str, Actor] | None = None,
                 parameters: Mapping[str, Parameter] | None = None,
                 filename: str = "<string>", warnings: tuple[Diagnostic, ...] = (),
                 graph: nx.MultiDiGraph | None = None, evidence: tuple[Evidence, ...] = (),
                 uncertainties: Mapping[str, Uncertainty] | None = None):
        self.id = id
        self.title = title
        self.summary = summary
        self.as_of = as_of
        self.sources = _frozen(sources)
        self.actors = _frozen(actors)
        self.parameters = _frozen(parameters)
        self.root = root
        self.nodes = _frozen(nodes)
        self.filename = filename
        self.warnings = tuple(warnings)
        self._graph = graph
        self._compiled: Compiled | None = None
        self._base_values: dict[str, float] | None = None
        #: Dated evidence items (``evidence:``), in date order, for ``scenarios timeline``.
        self.evidence = tuple(evidence)
        #: Uncertainties several chance nodes share, and signals about them (``uncertainties:``),
        #: for ``scenarios voi``.
        self.uncertainties = _frozen(uncertainties)
        self._infosets: Mapping[str, tuple[str, ...]] | None = None

    # -- construction -------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, filename: str = "<dict>",
                  default_id: str | None = None) -> Scenario:
        """Validate plain data (as read from YAML) and build a Scenario.

        Raises :class:`~scenarios.errors.ScenarioFileError` listing every problem.
        """
        from .io.build import build_scenario
        from .io.document import Document

        return build_scenario(Document(filename, data), default_id=default_id)

    # -- views ----------------------------------------------------------------------------
    def is_hindsight(self, source_key: str) -> bool:
        """Whether the source is dated after ``as_of`` (cited only from ``reveal:`` and
        ``evidence:``, shown only as "what actually happened")."""
        source = self.sources.get(source_key)
        return source is not None and date_after(source.date, self.as_of)

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The scenario as a frozen :class:`networkx.MultiDiGraph` (read-only).

        Node attributes: ``kind``, ``label``, ``actor``, ``node`` (the :class:`Node`).
        One edge per branch, keyed by its position among the parent's branches (several
        branches of a node may lead to the same child): ``graph.edges[parent, child, index]``.
        Edge attributes: ``label``, ``index`` (that position), ``branch`` (the :class:`Branch`).
        """
        if self._graph is None:
            self._graph = graph_of(self.nodes)
        return self._graph

    @property
    def outcomes(self) -> tuple[str, ...]:
        """Ids of the outcome nodes, in listing order."""
        return tuple(n.id for n in self.nodes.values() if not n.info.has_branches)

    @property
    def decisions(self) -> tuple[str, ...]:
        return tuple(n.id for n in self.nodes.values() if n.info.has_actor)

    @property
    def infosets(self) -> Mapping[str, tuple[str, ...]]:
        """The named information sets (``infoset:`` on decision nodes): set name -> the ids of
        its member nodes, in file order.  A decision without ``infoset:`` is a set of its own
        (named by its node id) and is not listed.

        >>> import scenarios
        >>> dict(scenarios.load("entry-deterrence").infosets)
        {}
        """
        if self._infosets is None:
            sets: dict[str, list[str]] = {}
            for node in self.nodes.values():
                if node.infoset is not None:
                    sets.setdefault(node.infoset, []).append(node.id)
            self._infosets = _frozen({name: tuple(members) for name, members in sets.items()})
        return self._infosets

    @property
    def perfect_information(self) -> bool:
        """Whether every information set is a single node (each decision sees all before it):
        then strategic mode is backward induction; otherwise see :mod:`scenarios.engine.games`."""
        return all(len(members) == 1 for members in self.infosets.values())

    def infoset_of(self, node_id: str) -> str:
        """The name of the information set of decision ``node_id``: its ``infoset:``, or its id."""
        node = self.nodes[node_id]
        return node.infoset if node.infoset is not None else node.id

    @property
    def compiled(self) -> Compiled:
        """The engine's index arrays, built once (private to :mod:`scenarios.engine`; read results instead)."""
        from .engine.compiled import compiled_form

        return compiled_form(self)

    def __repr__(self) -> str:
        return f"Scenario(id={self.id!r}, nodes={len(self.nodes)})"

    def _repr_png_(self) -> bytes | None:
        """The decision tree as PNG, drawn when Jupyter asks (see :mod:`scenarios.render`)."""
        from .render.tree import notebook_png

        return notebook_png(self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Scenario):
            return NotImplemented
        fields = ("id", "title", "summary", "as_of", "root")
        return all(getattr(self, f) == getattr(other, f) for f in fields) and all(
            dict(getattr(self, f)) == dict(getattr(other, f))
            for f in ("sources", "actors", "parameters", "nodes")
        ) and list(self.nodes) == list(other.nodes) and self.evidence == other.evidence and (
            dict(self.uncertainties) == dict(other.uncertainties))

    __hash__ = None  # type: ignore[assignment]

    # -- analyses (thin wrappers over scenarios.analysis) ----------------------------------
    def evaluate(self, *, given: str | None = None, overrides: Mapping[str, Any] | None = None,
                 top: int = 10, risk: Mapping[str, Any] | None = None, exact: bool = False) -> BeliefResult:
        """Belief mode; see :func:`scenarios.engine.belief.evaluate` (``exact``: in fractions,
        :func:`scenarios.engine.exact.evaluate_exact`)."""
        if exact:
            from .engine.exact import evaluate_exact

            self._exact_without_risk(risk)
            return evaluate_exact(self, given=given, overrides=overrides, top=top)
        from .engine.belief import evaluate

        return evaluate(self, given=given, overrides=overrides, top=top, risk=risk)

    @overload
    def solve(self, *, given: str | None = None, overrides: Mapping[str, Any] | None = None, top: int = 10,
              risk: Mapping[str, Any] | None = None, exact: bool = False, method: None = None,
              lam: None = None) -> SolveResult: ...
    @overload
    def solve(self, *, given: str | None = None, overrides: Mapping[str, Any] | None = None, top: int = 10,
              risk: Mapping[str, Any] | None = None, exact: bool = False, method: str,
              lam: float | None = None) -> SolveResult | EquilibriumResult: ...

    def solve(self, *, given: str | None = None, overrides: Mapping[str, Any] | None = None, top: int = 10,
              risk: Mapping[str, Any] | None = None, exact: bool = False, method: str | None = None,
              lam: float | None = None) -> SolveResult | EquilibriumResult:
        """Strategic mode.  ``method`` None or ``"backward"``: backward induction
        (:func:`scenarios.engine.strategic.solve`, a :class:`SolveResult`; by expected utility
        for actors with a risk attitude; in fractions with ``exact``,
        :func:`scenarios.engine.exact.solve_exact`), which needs every information set to be
        one node (a :class:`~scenarios.errors.GameError` otherwise).  ``"nash"``, ``"qre"``,
        ``"spe"`` (``"auto"``: nash for two players, qre for more): equilibria through Gambit,
        an :class:`~scenarios.engine.equilibrium.EquilibriumResult`; see :mod:`scenarios.engine.games`."""
        from .errors import GameError

        if method in (None, "backward"):
            if not self.perfect_information:
                name, members = next((k, v) for k, v in self.infosets.items() if len(v) > 1)
                raise GameError(f"{self.filename}: information set {name!r} joins {len(members)} decisions, so "
                                "backward induction does not apply; for equilibria: scenarios solve --method "
                                "nash, qre or spe (Scenario.solve(method=...))")
            if exact:
                from .engine.exact import solve_exact

                self._exact_without_risk(risk)
                return solve_exact(self, given=given, overrides=overrides, top=top)
            from .engine.strategic import solve

            return solve(self, given=given, overrides=overrides, top=top, risk=risk)
        what = "a game with information sets" if method == "auto" else f"solve --method {method}"
        for flag, used in (("--given", given is not None), ("--exact", exact), ("--risk", bool(risk))):
            if used:
                raise GameError(f"{what}: {flag} applies to backward induction only (equilibria through "
                                "Gambit do not take it)")
        from .engine.games import solve_game
        from .engine.risk import refuse_risk

        refuse_risk(self, f"{what} (equilibria through Gambit)")
        return solve_game(self, method=None if method == "auto" else method, overrides=overrides, top=top,
                          lam=lam)

    def _exact_without_risk(self, risk: Mapping[str, Any] | None) -> None:
        """Exact mode is risk neutral: an exponential or log utility has no exact value."""
        from .errors import ExactError

        averse = sorted(risk or ()) or [key for key, actor in self.actors.items() if not actor.risk.neutral]
        if averse:
            raise ExactError(f"--exact computes expected payoffs in fractions; actor {averse[0]!r} has a risk "
                             "attitude, whose utility has no exact value (drop --exact or the attitude)")

    def with_risk(self, risk: Mapping[str, Any]) -> Scenario:
        """This scenario with actors' risk attitudes replaced: ``{"russia": "exponential:5"}``
        (see :func:`scenarios.engine.risk.apply_risk` and docs/risk-attitudes.md)."""
        from .engine.risk import apply_risk

        return apply_risk(self, risk)

    # -- writing back (see scenarios.io.dump) -----------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain data in file format v1; ``Scenario.from_dict(s.to_dict()) == s``."""
        from .io.dump import to_dict

        return to_dict(self)

    def to_yaml(self) -> str:
        """Clean, human-ordered YAML text that loads back equal; see :func:`scenarios.dump`."""
        from .io.dump import dumps

        return dumps(self)


def graph_of(nodes: Mapping[str, Node]) -> nx.MultiDiGraph:
    """Build the frozen MultiDiGraph of ``nodes``: one edge per branch, keyed by its position
    (edges to unknown ids are skipped).

    networkx is imported here, on first use: loading and evaluating need no graph object.
    """
    import networkx as nx

    graph = nx.MultiDiGraph()
    graph.add_nodes_from(
        (n.id, {"kind": n.kind, "label": n.label, "actor": n.actor, "node": n}) for n in nodes.values()
    )
    graph.add_edges_from(
        (n.id, b.to, i, {"label": b.label, "index": i, "branch": b})
        for n in nodes.values()
        for i, b in enumerate(n.branches)
        if b.to in nodes
    )
    return nx.freeze(graph)

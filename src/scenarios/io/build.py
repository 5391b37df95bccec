"""Checked plain data → :class:`~scenarios.model.Scenario`, reporting every problem at once.

Checks run in passes and append :class:`~scenarios.errors.Diagnostic` objects to one
report: the shape of each section (keys, types, "did you mean"), then names (actors,
parameters, sources, branch targets), then the graph (cycles, reachability), then the
numbers at the base case (expressions evaluate, probabilities lie in [0, 1] and sum to 1).
The loader raises once at the end, so an author sees all the problems in one run.
"""

from __future__ import annotations

import math
import re
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from .. import kinds
from ..errors import Diagnostic, ExpressionError, ScenarioFileError, did_you_mean
from ..expressions import RESERVED, Expression, is_identifier
from ..model import NEUTRAL, NODE_KINDS, REST, Actor, Branch, Node, Parameter, Scenario, Source
from .document import Document
from .evidence import parse_evidence
from .hindsight import attach_reveals, check_hindsight
from .infosets import alias, check_infosets, expand_simultaneous, read_infoset
from .plain import Gathered, all_node_ids_ok, labels_of, plain_reader
from .whole import PROBABILITY_TOLERANCE, check_base_case, check_graph, check_parameter_order

if TYPE_CHECKING:  # pragma: no cover
    from ..model import _Rest
    from .fast import KeyTally

__all__ = ["build_scenario", "PROBABILITY_TOLERANCE"]


NODE_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
TOP_KEYS = ("title", "id", "summary", "as_of", "sources", "actors", "parameters", "root", "nodes", "evidence",
            "uncertainties")
SOURCE_KEYS = ("title", "publisher", "date", "url", "note")
ACTOR_KEYS = ("name", "color", "description", "minimize", "measures", "criterion", "risk")

PARAMETER_KEYS = ("value", "low", "high", "dist", "description")
NODE_KEYS = kinds.NODE_KEYS  # the node-kind table lists each kind's keys
BRANCH_KEYS = ("to", "label", "p", "payoffs", "text")


class _Report:
    """Collects diagnostics with positions looked up in the document."""

    def __init__(self, doc: Document):
        self.doc = doc
        self._items: list[Diagnostic] = []
        #: Diagnostics not yet given their positions: looked up together, at the end, so a
        #: big file read the fast way is searched once for all of them (io/fast.py).
        self._pending: list[tuple[str, tuple, str, str, bool]] = []
        self._errors = 0
        #: Expressions already read, by their number or text: a big tree repeats a few
        #: values millions of times, and an Expression is immutable, so they are shared.
        self.expressions: dict[Any, Expression] = {}
        self.aliases: dict[tuple, tuple] = {}  # paths of nodes the simultaneous shorthand made -> the file's

    def error(self, path: tuple, code: str, message: str, *, key: bool = False) -> None:
        self._add("error", path, code, message, key)

    def warning(self, path: tuple, code: str, message: str, *, key: bool = False) -> None:
        self._add("warning", path, code, message, key)

    def _add(self, severity, path, code, message, key):
        path = alias(self.aliases, path) if self.aliases else path  # io/infosets.py
        self._pending.append((severity, path, code, message, key))
        self._errors += severity == "error"

    @property
    def items(self) -> list[Diagnostic]:
        """Every diagnostic so far, in the order reported, with its FILE:LINE:COL."""
        if self._pending:
            pending, self._pending = self._pending, []
            spots = self.doc.where_all([(path, key) for _, path, _, _, key in pending])
            # A variant's resolved document (io/variants.py) spans files: name the one that wrote it.
            file_of = getattr(self.doc, "file_of", None)
            for (severity, path, code, message, key), (line, col) in zip(pending, spots, strict=True):
                filename = file_of(path, key=key) if file_of else self.doc.filename
                self._items.append(Diagnostic(filename, line, col, severity, code, message))
        return self._items

    @property
    def errors(self) -> int:
        return self._errors

    @property
    def failed(self) -> bool:
        return self.errors > 0


def build_scenario(doc: Document, *, default_id: str | None = None) -> Scenario:
    """Validate ``doc`` and build the Scenario; raise ScenarioFileError on any error."""
    report = _Report(doc)
    data = doc.data
    if not isinstance(data, dict):
        report.error((), "type", f"a scenario file must be a mapping of keys, not {_kind(data)}")
        raise ScenarioFileError(report.items)
    _check_keys(report, data, (), TOP_KEYS, "top-level key")
    keys = getattr(doc, "keys", None)  # JSON read the fast way: its keys are counted (io/fast.py)
    if keys is not None:
        if data.get("nodes").__class__ is dict:  # (the node entries: counted by the node pass)
            keys.add({key: value for key, value in data.items() if key != "nodes"})
            keys.counted += 1
        else:
            keys.add(data)
            keys = None
    for required in ("title", "nodes"):
        if required not in data:
            report.error((), "missing-key", f"missing required top-level key {required!r}")

    title = _string(report, data, ("title",), required=False) or ""
    if default_id is None:
        default_id = PurePath(doc.filename).stem if doc.filename[:1] != "<" else "scenario"
    scenario_id = _string(report, data, ("id",)) or default_id
    summary = _string(report, data, ("summary",))
    as_of = _string(report, data, ("as_of",))
    if as_of is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", as_of):
        report.error(("as_of",), "date", f"as_of {as_of!r} is not a date YYYY-MM-DD")

    sources = _sources(report, data)
    actors = _actors(report, data)
    before = report.errors
    parameters = _parameters(report, data)
    check_parameter_order(report, parameters)
    parameters_ok = report.errors == before
    from .criteria import check_criteria  # imports this module's helpers: loaded on first use

    check_criteria(report, actors, parameters)
    nodes, broken, gathered = _nodes(report, data, actors, parameters, sources, keys)
    # Each node's 'reveal:' (io/hindsight.py); a node with one is never plain, so only the
    # declined are looked at (all, if the simultaneous shorthand made nodes of its own).
    attach_reveals(report, data, nodes, sources, among=None if report.aliases else gathered.declined)
    check_hindsight(report, data, as_of, sources, nodes)  # nothing after as_of before the reveal

    root = None
    if "root" in data:
        root = _string(report, data, ("root",))
        if root is not None and root not in nodes and nodes:
            report.error(("root",), "unknown-node", f"root {root!r} is not a node{did_you_mean(root, nodes)}")
            root = None
    elif nodes:
        root = next(iter(nodes))

    if nodes:  # the networkx graph is built only if a problem is found (or scenario.graph is asked)
        check_graph(report, None, nodes, root, gathered)
        check_infosets(report, nodes, root)  # information sets (io/infosets.py)
    # The numbers are checked even when other problems were found, so an author sees them all
    # in one run; only nodes that are themselves broken (a branch dropped, say) are skipped.
    if parameters_ok:
        check_base_case(report, parameters, nodes, skip=broken, only=gathered.checks)
    evidence = parse_evidence(report, data, nodes, sources, parameters)  # io/evidence.py
    from .uncertainties import parse_uncertainties  # io/uncertainties.py, for `scenarios voi`

    uncertainties = parse_uncertainties(report, data, nodes)
    if report.failed:
        raise ScenarioFileError(report.items)
    assert root is not None  # no nodes, or a bad root, is an error reported above
    return Scenario(id=scenario_id, title=title, summary=summary, as_of=as_of, sources=sources,
                    actors=actors, parameters=parameters, root=root, nodes=nodes,
                    filename=doc.filename, warnings=tuple(report.items), evidence=evidence,
                    uncertainties=uncertainties)


# -- small helpers ---------------------------------------------------------------------------
def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    return {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def _check_keys(report: _Report, mapping: dict, path: tuple, allowed, what: str) -> None:
    for key in mapping:
        if key not in allowed:
            report.error(path + (key,), "unknown-key", f"unknown {what} {key!r}{did_you_mean(key, allowed)}",
                         key=True)


def _mapping(report: _Report, value: Any, path: tuple, what: str) -> dict | None:
    if value is None:
        return {}
    if not isinstance(value, dict):
        report.error(path, "type", f"{what} must be a mapping, not {_kind(value)}")
        return None
    return value


def _string(report: _Report, mapping: dict, path: tuple, *, required: bool = False) -> str | None:
    key = path[-1]
    if key not in mapping:
        return None
    value = mapping[key]
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        report.error(path, "type", f"{key!r} must be text, not {_kind(value)}")
        return None
    _check_printable(report, str(value), path, repr(key))
    return str(value)


#: Control characters other than tab and newline: C0 (ESC starts every terminal control
#: sequence; a carriage return overwrites the line), DEL and C1 (U+009B is ESC [ in 8-bit
#: terminals).  YAML refuses them raw but not as escapes ("\e", "\x1b") and JSON neither
#: raw nor as "\u001b": shown in a terminal they could clear it, retitle it or hide text,
#: so scenario text may not hold them.  (YAML turns CR LF line ends into newlines.)
#: Lone surrogates (JSON's "\ud800") are not Unicode text at all: no font draws them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def _check_printable(report: _Report, text: str, path: tuple, what: str, *, key: bool = False) -> None:
    found = _CONTROL.search(text)
    if found and "\ud800" <= found.group() <= "\udfff":
        report.error(path, "encoding", f"{what} is not valid Unicode text (a lone surrogate "
                     f"U+{ord(found.group()):04X})", key=key)
    elif found:
        report.error(path, "control-character", f"{what} contains the control character "
                     f"U+{ord(found.group()):04X}; text may hold tabs and newlines, no other control characters",
                     key=key)


def _bool(report: _Report, mapping: dict, path: tuple) -> bool:
    value = mapping.get(path[-1], False)
    if not isinstance(value, bool):
        report.error(path, "type", f"{path[-1]!r} must be true or false, not {_kind(value)}")
        return False
    return value


def _number(report: _Report, value: Any, path: tuple, what: str) -> float | None:
    """A plain finite number (no expressions): parameter ranges and dist arguments."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        report.error(path, "type", f"{what} must be a number, not {_kind(value)}")
        return None
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        report.error(path, "non-finite", f"{what} must be a finite number, not {value}")
        return None
    return number


def _expression(report: _Report, value: Any, path: tuple, what: str) -> Expression | None:
    """A number or an expression string, parsed (names are checked later)."""
    cached = _shared(report, value)
    if cached is not None:
        return cached
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        report.error(path, "type", f"{what} must be a number or an expression, not {_kind(value)}")
        return None
    if isinstance(value, str):
        try:
            expression = report.expressions[value] = Expression.parse(value)
        except ExpressionError as exc:
            report.error(path, "expression", f"{what}: {exc}")
            return None
        return expression
    number = _number(report, value, path, what)
    if number is None:
        return None
    expression = Expression.number(number)
    if value:  # 0.0 and -0.0 are equal keys but keep their sign in the file; never shared
        report.expressions[value] = expression
    return expression


def _shared(report: _Report, value: Any) -> Expression | None:
    """The expression already read for an equal number or text, if any (callers use it to
    skip even the words of a message that cannot be needed)."""
    return report.expressions.get(value) if value.__class__ in _SHAREABLE and value else None


#: Value types whose equal values give equal expressions (bool is not one: it is an error;
#: 1 and 1.0 both give the number 1.0).
_SHAREABLE = frozenset((int, float, str))


# -- sections ---------------------------------------------------------------------------------
def _sources(report: _Report, data: dict) -> dict[str, Source]:
    section = _mapping(report, data.get("sources"), ("sources",), "'sources'")
    sources = {}
    for key, entry in (section or {}).items():
        path = ("sources", key)
        _check_printable(report, str(key), path, "a source's key", key=True)
        entry = _mapping(report, entry, path, f"source {key!r}")
        if entry is None:
            continue
        _check_keys(report, entry, path, SOURCE_KEYS, f"key in source {key!r}:")
        if "title" not in entry:
            report.error(path, "missing-key", f"source {key!r} has no 'title'", key=True)
        fields = {k: _string(report, entry, path + (k,)) for k in SOURCE_KEYS}
        sources[str(key)] = Source(key=str(key), title=fields["title"] or str(key),
                                   publisher=fields["publisher"], date=fields["date"],
                                   url=fields["url"], note=fields["note"])
    return sources


def _actors(report: _Report, data: dict) -> dict[str, Actor]:
    section = _mapping(report, data.get("actors"), ("actors",), "'actors'")
    actors = {}
    for key, entry in (section or {}).items():
        path = ("actors", key)
        _check_printable(report, str(key), path, "an actor's key", key=True)
        entry = _mapping(report, entry, path, f"actor {key!r}")
        if entry is None:
            continue
        _check_keys(report, entry, path, ACTOR_KEYS, f"key in actor {key!r}:")
        color = _string(report, entry, path + ("color",))
        if color is not None and not _is_color(color):
            report.error(path + ("color",), "color", f"actor {key!r}: {color!r} is not a colour "
                         "(use a name such as 'tab:blue' or a hex code such as '#0072b2')")
        from .criteria import criterion_of, measures_of  # the measures and criteria of actors
        from .risk import risk_of as _risk_of

        measures = measures_of(report, entry, path, str(key))
        minimize = _bool(report, entry, path + ("minimize",))
        if minimize and measures:
            report.error(path + ("minimize",), "criterion", f"actor {key!r} has 'measures': say "
                         "'minimize: true' on the measure that is minimised, not on the actor", key=True)
        actors[str(key)] = Actor(key=str(key), name=_string(report, entry, path + ("name",)) or str(key),
                                 color=color, description=_string(report, entry, path + ("description",)),
                                 minimize=minimize and not measures, measures=measures,
                                 criterion=criterion_of(report, entry, path, str(key), measures),
                                 risk=NEUTRAL if "risk" not in entry else  # format extension: io/risk.py
                                 _risk_of(report, entry, path, str(key), minimize=minimize, measures=bool(measures)))
    return actors


_HEX_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})\Z")


def _is_color(text: str) -> bool:
    if _HEX_COLOR.match(text):  # what matplotlib accepts as hex, without importing it (0.3 s)
        return True
    # matplotlib is imported only for files that name colours by name; --help never gets here.
    from matplotlib.colors import is_color_like

    return is_color_like(text)


def _parameters(report: _Report, data: dict) -> dict[str, Parameter]:
    section = _mapping(report, data.get("parameters"), ("parameters",), "'parameters'")
    parameters = {}
    for name, entry in (section or {}).items():
        path = ("parameters", name)
        if isinstance(name, str) and name in RESERVED:
            report.error(path, "name", f"parameter name {name!r} is reserved: it is a function in expressions "
                         f"({', '.join(sorted(RESERVED))}); choose another name", key=True)
            continue
        if not isinstance(name, str) or not is_identifier(name):
            report.error(path, "name", f"parameter name {name!r} must be letters, digits and '_', "
                         "starting with a letter or '_' (it is used in expressions)", key=True)
            continue
        if not isinstance(entry, dict):
            value = _expression(report, entry, path, f"parameter {name!r}")
            if value is not None:
                parameters[name] = Parameter(name, value)
            continue
        _check_keys(report, entry, path, PARAMETER_KEYS, f"key in parameter {name!r}:")
        if "value" not in entry:
            report.error(path, "missing-key", f"parameter {name!r} has no 'value' (the base case)", key=True)
            continue
        value = _expression(report, entry["value"], path + ("value",), f"parameter {name!r}")
        low = high = None
        if "low" in entry:
            low = _number(report, entry["low"], path + ("low",), f"parameter {name!r}: low")
        if "high" in entry:
            high = _number(report, entry["high"], path + ("high",), f"parameter {name!r}: high")
        if ("low" in entry) != ("high" in entry):
            report.error(path, "range", f"parameter {name!r} gives only one of 'low' and 'high'", key=True)
        if low is not None and high is not None and low > high:
            report.error(path + ("low",), "range", f"parameter {name!r}: low {low:g} is above high {high:g}")
        dist = (_distributions().parameter_distribution(report, entry.get("dist"), path + ("dist",), name)
                if "dist" in entry else None)
        if value is not None:
            parameters[name] = Parameter(name, value, low, high, dist,
                                         _string(report, entry, path + ("description",)))
    return parameters


def _payoffs(report: _Report, entry: dict, path: tuple, actors: dict, owner: str) -> dict[str, Expression]:
    if "payoffs" not in entry:  # most branches (a shortcut: nothing to check)
        return {}
    section = _mapping(report, entry.get("payoffs"), path, f"payoffs of {owner}")
    payoffs: dict[str, Expression] = {}
    if not section:
        return payoffs
    from .criteria import measure_payoffs, new_payoff

    for actor, value in section.items():
        if actor not in actors:
            head, dot, measure = str(actor).partition(".")
            if dot and head in actors and measure in actors[head].measures:  # the flat form health.cost
                expr = _expression(report, value, path + (actor,), f"payoff of {owner} for {actor!r}")
                if expr is not None and new_payoff(report, payoffs, actor, path + (actor,), owner):
                    payoffs[actor] = expr
                continue
            known = [*actors, *(c for a in actors.values() if a.measures for c in a.columns)]
            report.error(path + (actor,), "unknown-actor", f"payoffs of {owner}: unknown actor {actor!r}"
                         f"{did_you_mean(actor, known)}", key=True)
            continue
        measures = actors[actor].measures
        if measures:
            measure_payoffs(report, value, path + (actor,), actors[actor], owner, payoffs)
            continue
        if isinstance(value, dict):
            report.error(path + (actor,), "type", f"payoff of {owner} for {actor!r} must be a number or an "
                         f"expression, not a mapping (actor {actor!r} declares no 'measures')")
            continue
        expr = _shared(report, value) or _expression(report, value, path + (actor,),
                                                     f"payoff of {owner} for {actor!r}")
        if expr is not None:
            payoffs[actor] = expr
    return payoffs


def _nodes(report: _Report, data: dict, actors: dict, parameters: dict, sources: dict,
           keys: KeyTally | None = None) -> tuple[dict[str, Node], set[str], Gathered]:
    """The nodes that could be built, the ids of those that had errors of their own, and
    what the pass noted of them (the graph's arrays only if every node could be built).
    ``keys``: the count of a JSON text's keys (io/fast.py), to which the node entries add."""
    section = data.get("nodes")
    if "nodes" not in data:
        return {}, set(), Gathered()
    if not isinstance(section, dict) or not section:
        report.error(("nodes",), "type", "'nodes' must be a non-empty mapping of node id → node")
        return {}, set(), Gathered()
    nodes: dict[str, Node] = {}
    broken: set[str] = set()
    section, report.aliases = expand_simultaneous(report, section, actors)  # io/infosets.py
    index = {node_id: i for i, node_id in enumerate(section)}
    gathered = Gathered()
    plain = plain_reader(index, labels_of(section), actors, report.expressions, gathered)
    ids_ok = all_node_ids_ok(section)
    if keys is not None:
        if report.aliases or not ids_ok:  # (entries the file does not have; ids with a ':' in them)
            keys.give_up()
            keys = None
        else:
            keys.counted += len(section)
    plain_id = NODE_ID.match
    for node_id, entry in section.items():
        # Most nodes of a big tree are plain: built at once, with no message to word (io/plain.py).
        if entry.__class__ is dict and (ids_ok or (node_id.__class__ is str and plain_id(node_id))):
            node = plain(node_id, entry)
            if node is not None:
                nodes[node_id] = node
                continue
        gathered.declined.append(node_id)
        gathered.checks.append(node_id)
        if keys is not None:
            keys.add(entry)
        path = ("nodes", node_id)
        if not isinstance(node_id, str) or not NODE_ID.match(node_id):
            report.error(path, "node-id", f"node id {node_id!r} must be letters, digits, '_' and '-', "
                         "starting with a letter or '_'", key=True)
            continue
        if not isinstance(entry, dict):
            report.error(path, "type", f"node {node_id!r} must be a mapping, not {_kind(entry)}")
            continue
        node = _node(report, node_id, entry, path, section, actors, sources)
        if node is not None:
            nodes[node_id] = node
            gathered.counts.append(len(node.branches))
            gathered.targets.extend([index.get(b.to, -1) for b in node.branches])
            raw = entry.get("branches")
            if isinstance(raw, list) and len(raw) != len(node.branches):  # a branch was dropped
                broken.add(node_id)
    if keys is not None:
        keys.counted += gathered.keys
    if len(nodes) != len(section):  # positions in the file are not positions in `nodes`
        gathered.counts.clear()
        gathered.targets.clear()
    return nodes, broken, gathered


def _node(report, node_id, entry, path, all_nodes, actors, sources) -> Node | None:
    _check_keys(report, entry, path, NODE_KEYS, f"key in node {node_id!r}:")
    kind = entry.get("kind")
    if "kind" not in entry:
        report.error(path, "missing-key", f"node {node_id!r} has no 'kind' (decision, chance or outcome)", key=True)
        return None
    if kind not in NODE_KINDS:
        report.error(path + ("kind",), "kind", f"node {node_id!r}: kind {kind!r} is not one of "
                     f"decision, chance, outcome{did_you_mean(kind, NODE_KINDS)}")
        return None
    info = kinds.KINDS[kind]  # what the kind allows comes from the node-kind table
    what = f"{kind} node {node_id!r}"
    actor = _string(report, entry, path + ("actor",))
    if info.has_actor:
        if "actor" not in entry:
            report.error(path, "missing-actor", f"{what} has no 'actor' (who decides here?)", key=True)
        elif actor is not None and actor not in actors:
            report.error(path + ("actor",), "unknown-actor", f"{what}: unknown actor {actor!r}"
                         f"{did_you_mean(actor, actors)}")
    elif "actor" in entry:
        report.error(path + ("actor",), "actor-kind", f"{what}: only decision nodes have an 'actor'", key=True)
    fixed = _bool(report, entry, path + ("fixed",))
    if "fixed" in entry and "fixed" not in info.keys:
        report.error(path + ("fixed",), "fixed-kind", f"{what}: only decision nodes can be 'fixed'", key=True)

    branches: list[Branch] = []
    if not info.has_branches:
        if "branches" in entry:
            report.error(path + ("branches",), "outcome-branches", f"{what} has branches; an outcome "
                         "ends a path (make it a decision or chance node)", key=True)
    elif not isinstance(entry.get("branches"), list) or not entry.get("branches"):
        report.error(path + ("branches",) if "branches" in entry else path, "no-branches",
                     f"{what} needs a non-empty list of 'branches'", key="branches" not in entry)
    else:
        # Several branches may lead to the same node (a branch is its position and label, not
        # its target), but two of them to one node need different labels to be told apart.
        seen: set[tuple[str, str]] = set()
        for index, raw in enumerate(entry["branches"]):
            branch = _branch(report, raw, path + ("branches", index), what, all_nodes, actors)
            if branch is None:
                continue
            if (branch.to, branch.label) in seen:
                where = path + ("branches", index) + (("label",) if isinstance(raw, dict) and "label" in raw
                                                      else ("to",))
                report.error(where, "duplicate-branch",
                             f"{what} has two branches to {branch.to!r} labelled {branch.label!r}; "
                             "branches into the same node need different labels")
            seen.add((branch.to, branch.label))
            branches.append(branch)

    tags = entry.get("tags", [])
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        report.error(path + ("tags",), "type", f"{what}: 'tags' must be a list of text")
        tags = []
    for i, tag in enumerate(tags):
        _check_printable(report, tag, path + ("tags", i) if isinstance(entry.get("tags"), list) else path + ("tags",),
                         f"{what}: a tag")
    source = entry.get("source", [])
    if isinstance(source, str):
        source = [source]
    if not isinstance(source, list) or not all(isinstance(s, str) for s in source):
        report.error(path + ("source",), "type", f"{what}: 'source' must be a source key or a list of them")
        source = []
    for i, key in enumerate(source):
        if key not in sources:
            where = path + ("source", i) if isinstance(entry.get("source"), list) else path + ("source",)
            report.error(where, "unknown-source", f"{what}: unknown source {key!r}{did_you_mean(key, sources)}")
    label = _string(report, entry, path + ("label",))
    return Node(id=node_id, kind=kind, label=label if label is not None else node_id,
                text=_string(report, entry, path + ("text",)), actor=actor if info.has_actor else None,
                fixed=fixed and "fixed" in info.keys, branches=tuple(branches),
                payoffs=_payoffs(report, entry, path + ("payoffs",), actors, what), tags=tuple(tags),
                source=tuple(source), quote=_string(report, entry, path + ("quote",)),
                historical=_bool(report, entry, path + ("historical",)),
                dist=_distributions().node_distribution(report, entry, path, what) if "dist" in entry else None,
                infoset=read_infoset(report, _string(report, entry, path + ("infoset",)), path, what, info))


def _distributions():
    """io/distributions.py, which uses this module's helpers: imported on first use."""
    from . import distributions

    return distributions


def _branch(report, raw, path, owner, all_nodes, actors) -> Branch | None:
    if not isinstance(raw, dict):
        report.error(path, "type", f"{owner}: a branch must be a mapping like {{to: ..., p: ...}}, "
                     f"not {_kind(raw)}")
        return None
    _check_keys(report, raw, path, BRANCH_KEYS, "key in branch:")
    if "to" not in raw:
        report.error(path, "missing-key", f"{owner}: branch has no 'to' (the child node id)")
        return None
    to = raw["to"]
    if not isinstance(to, str) or to not in all_nodes:
        report.error(path + ("to",), "unknown-node", f"{owner}: branch to unknown node {to!r}"
                     f"{did_you_mean(to, [k for k in all_nodes if isinstance(k, str)])}")
        return None
    p: Expression | _Rest | None = None
    if "p" in raw:
        if raw["p"] == "rest":
            p = REST
        else:
            p = _shared(report, raw["p"]) or _expression(report, raw["p"], path + ("p",),
                                                         f"{owner}: probability to {to!r}")
            if p is None:
                return None
    label = _string(report, raw, path + ("label",))
    if label is None:
        child = all_nodes.get(to)
        label = child.get("label", to) if isinstance(child, dict) else to
        label = str(label) if isinstance(label, (str, int, float)) else to
    payoffs = _payoffs(report, raw, path + ("payoffs",), actors, f"{owner} → {to!r}") if "payoffs" in raw else {}
    return Branch(to=to, label=label, p=p, payoffs=payoffs, text=_string(report, raw, path + ("text",)))

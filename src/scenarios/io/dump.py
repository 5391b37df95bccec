"""Scenario → plain data → clean, human-ordered YAML or JSON (the inverse of loading).

:func:`to_dict` gives the scenario as the plain data of a version-1 file: keys in the order
a person writes them (title, id, summary, ... nodes; and per node kind, actor, label, ...
branches), defaults left out (a label equal to the id, ``fixed: false``, a branch label
equal to the child's label), numbers that are whole written without ``.0``, and
expressions exactly as the author wrote them.  :func:`dumps` renders that as YAML in the
style of the bundled files (payoffs, tags and short branches on one line, long text
folded) or as JSON; :func:`dump` writes it atomically.  Comments and the key order of a
loaded file do not survive, every value does: ``loads(dumps(s)) == s``.
"""

from __future__ import annotations

import json
import os
import re
import textwrap
from pathlib import Path
from typing import Any

import yaml

from ..expressions import Expression
from ..model import REST, Scenario

__all__ = ["to_dict", "dumps", "dump", "json_text", "FORMATS"]

#: What :func:`dumps` can write.
FORMATS = ("yaml", "json")

# Rendering choices for YAML (none of them changes a value).
_WIDTH = 80  # fold long text at about this column
_FLOW_BRANCH_MAX = 76  # a branch goes on one line if its flow form is at most this long
_FOLD_AT = 72  # text longer than this is written as a folded block


def _number(value: float) -> int | float:
    """Whole numbers as int (``2`` rather than ``2.0``), others unchanged."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def _quantity(expr: Expression) -> int | float | str:
    """A number, or the expression text as the author wrote it."""
    if isinstance(expr.source, str):
        return expr.source
    return _number(expr.source)


def _payoffs(mapping, actors) -> dict:
    out: dict[str, Any] = {}
    for key, expr in mapping.items():
        actor, dot, measure = key.partition(".")  # an actor's measures: {health: {cost: ...}}
        if dot and key not in actors:
            out.setdefault(actor, {})[measure] = _quantity(expr)
        else:
            out[key] = _quantity(expr)
    return out


def _actor_criteria(actor, entry: dict[str, Any]) -> None:
    """The keys of the measures-and-criteria extension (scenarios.io.criteria)."""
    if actor.minimize:
        entry["minimize"] = True
    if actor.measures:
        entry["measures"] = {key: {**({"name": m.name} if m.name != key else {}),
                                   **({"minimize": True} if m.minimize else {})}
                             for key, m in actor.measures.items()}
    criterion = actor.criterion
    if criterion is not None and (criterion.kind != "measure" or len(actor.measures) > 1):
        entry["criterion"] = criterion.measure if criterion.kind == "measure" else {"net_benefit": {
            "effect": criterion.effect, "cost": criterion.cost, "lambda": _quantity(criterion.wtp)}}
    risk = actor.risk  # the risk-attitudes extension (scenarios.io.risk)
    if not risk.neutral:
        entry["risk"] = risk.kind if risk.kind == "log" else \
            {"expression": str(risk.expression)} if risk.kind == "expression" else {risk.kind: _number(risk.value)}


def _distribution(dist) -> dict:
    args = [_number(a) for a in dist.args]
    if dist.kind == "fixed" and len(args) == 1:
        return {"fixed": args[0]}
    return {dist.kind: args}


def _one_or_list(items: tuple[str, ...]) -> str | list[str]:
    return items[0] if len(items) == 1 else list(items)


def to_dict(scenario: Scenario) -> dict:
    """The scenario as plain data in file format v1, keys in human order.

    Parameters
    ----------
    scenario : Scenario

    Returns
    -------
    dict
        Only builtin types (dict, list, str, int, float, bool); ``Scenario.from_dict``
        of it equals ``scenario``.

    Examples
    --------
    >>> import scenarios
    >>> data = to_dict(scenarios.load("entry-deterrence"))
    >>> list(data)[:3], data["nodes"]["war"]["payoffs"]
    (['title', 'id', 'summary'], {'entrant': -1, 'incumbent': -1})
    """
    data: dict[str, Any] = {"title": scenario.title, "id": scenario.id}
    if scenario.summary is not None:
        data["summary"] = scenario.summary
    if scenario.as_of is not None:
        data["as_of"] = scenario.as_of
    if scenario.sources:
        data["sources"] = {
            key: {k: getattr(src, k) for k in ("title", "publisher", "date", "url", "note")
                  if getattr(src, k) is not None}
            for key, src in scenario.sources.items()
        }
    if scenario.actors:
        actors = {}
        for key, actor in scenario.actors.items():
            entry: dict[str, Any] = {}
            if actor.name != key:
                entry["name"] = actor.name
            if actor.color is not None:
                entry["color"] = actor.color
            if actor.description is not None:
                entry["description"] = actor.description
            _actor_criteria(actor, entry)
            actors[key] = entry
        data["actors"] = actors
    if scenario.parameters:
        params = {}
        for name, param in scenario.parameters.items():
            value = _quantity(param.value)
            extra: dict[str, Any] = {}
            if param.low is not None:
                extra["low"] = _number(param.low)
            if param.high is not None:
                extra["high"] = _number(param.high)
            if param.dist is not None:
                extra["dist"] = _distribution(param.dist)
            if param.description is not None:
                extra["description"] = param.description
            params[name] = {"value": value, **extra} if extra else value
        data["parameters"] = params
    if scenario.nodes and scenario.root != next(iter(scenario.nodes)):
        data["root"] = scenario.root
    data["nodes"] = {node_id: _node(scenario, node) for node_id, node in scenario.nodes.items()}
    if scenario.evidence:
        data["evidence"] = [{k: v for k, v in (("date", e.date), ("observed", e.observed),
                             ("source", _one_or_list(e.source) if e.source else None), ("given", e.given),
                             ("set", dict(e.set) or None)) if v is not None} for e in scenario.evidence]
    if scenario.uncertainties:
        data["uncertainties"] = {key: _uncertainty(scenario, u) for key, u in scenario.uncertainties.items()}
    return data


def _uncertainty(scenario: Scenario, u) -> dict:
    """An ``uncertainties:`` entry as the file writes it (states named by the first node's
    branch targets, or positions where two branches share a target)."""
    entry: dict[str, Any] = {k: v for k, v in (("label", u.label), ("description", u.description)) if v}
    entry["nodes"] = list(u.nodes)
    targets = [b.to for b in scenario.nodes[u.nodes[0]].branches]
    states = targets if len(set(targets)) == len(targets) else [b.label for b in scenario.nodes[u.nodes[0]].branches]
    if u.signals:
        entry["signals"] = {sid: {**{k: v for k, v in (("label", s.label), ("description", s.description)) if v},
                                  "likelihoods": {state: dict(zip(s.readings, row, strict=True))
                                                  for state, row in zip(states, s.likelihood, strict=True)}}
                            for sid, s in u.signals.items()}
    return entry


def _node(scenario: Scenario, node) -> dict:
    entry: dict[str, Any] = {"kind": node.kind}
    if node.actor is not None:
        entry["actor"] = node.actor
    if node.fixed:
        entry["fixed"] = True
    if node.infoset is not None:
        entry["infoset"] = node.infoset
    if node.label != node.id:
        entry["label"] = node.label
    if node.text is not None:
        entry["text"] = node.text
    if node.source:
        entry["source"] = _one_or_list(node.source)
    if node.quote is not None:
        entry["quote"] = node.quote
    if node.historical:
        entry["historical"] = True
    if node.reveal is not None:
        entry["reveal"] = {k: v for k, v in (("date", node.reveal.date), ("text", node.reveal.text),
                           ("source", _one_or_list(node.reveal.source) if node.reveal.source else None),
                           ("quote", node.reveal.quote)) if v is not None}
    if node.tags:
        entry["tags"] = list(node.tags)
    if node.payoffs:
        entry["payoffs"] = _payoffs(node.payoffs, scenario.actors)
    dist = getattr(node, "dist", None)  # node-level Dirichlet (probabilistic analysis)
    if dist is not None:
        entry["dist"] = _distribution(dist)
    if node.branches:
        entry["branches"] = [_branch(scenario, b) for b in node.branches]
    return entry


def _branch(scenario: Scenario, branch) -> dict:
    entry: dict[str, Any] = {"to": branch.to}
    child = scenario.nodes.get(branch.to)
    if child is None or branch.label != child.label:
        entry["label"] = branch.label
    if branch.p is REST:
        entry["p"] = "rest"
    elif branch.p is not None:
        entry["p"] = _quantity(branch.p)
    if branch.payoffs:
        entry["payoffs"] = _payoffs(branch.payoffs, scenario.actors)
    if branch.text is not None:
        entry["text"] = branch.text
    return entry


# -- YAML rendering ------------------------------------------------------------------------
class _Flow(dict):
    """A mapping written on one line: ``{entrant: 0, incumbent: 2}``."""


class _FlowList(list):
    """A list written on one line: ``[entry, price-war]``."""


class _Folded(str):
    """Long text written as a folded block (``>-``)."""


class _Literal(str):
    """Text with line breaks written as a literal block (``|``)."""


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Safe dumper (libyaml's emitter when present, several times faster) with the styles
    above.  Both emitters write a mapping's block sequence without indenting its ``- ``
    items; :func:`_indent_branches` indents them afterwards, as people write them."""


def _represent_flow(dumper, data):
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)


def _represent_flow_list(dumper, data):
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


# A YAML reader turns NEL, LS and PS into line breaks (and folds them) everywhere except
# in escapes, so text holding them is written double-quoted, where they are escaped.
_ODD_BREAKS = re.compile("[\x85\u2028\u2029]")


def _represent_str(dumper, data, style=None):
    if _ODD_BREAKS.search(data):
        style = '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style=style)


def _represent_folded(dumper, data):
    return _represent_str(dumper, data, ">")


def _represent_literal(dumper, data):
    return _represent_str(dumper, data, "|")


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_Flow, _represent_flow)
_Dumper.add_representer(_FlowList, _represent_flow_list)
_Dumper.add_representer(_Folded, _represent_folded)
_Dumper.add_representer(_Literal, _represent_literal)


def _text(value: Any) -> Any:
    """Long or multi-line text as a block scalar (PyYAML falls back to quotes if unsafe)."""
    if not isinstance(value, str):
        return value
    if "\n" in value.rstrip("\n"):
        return _Literal(value)
    if len(value) > _FOLD_AT and "\n" not in value:
        return _Folded(value)
    return value


def _flow_length(mapping: dict) -> int:
    return len(yaml.dump(mapping, Dumper=_Dumper, default_flow_style=True, width=10_000,
                         allow_unicode=True).strip())


def _styled_branch(branch: dict) -> dict:
    styled = {k: (_Flow(v) if k == "payoffs" else v) for k, v in branch.items()}
    if "text" not in branch and _flow_length(branch) <= _FLOW_BRANCH_MAX:
        return _Flow(styled)
    if "text" in styled:
        styled["text"] = _text(styled["text"])
    return styled


def _styled(data: dict) -> dict:
    """Mark the parts of ``to_dict`` output that read best on one line or as blocks."""
    out = dict(data)
    if "summary" in out:
        out["summary"] = _text(out["summary"])
    for section in ("sources", "actors"):
        if section in out:
            out[section] = {key: {k: _text(v) for k, v in entry.items()} for key, entry in out[section].items()}
    if "parameters" in out:
        params = {}
        for name, entry in out["parameters"].items():
            if isinstance(entry, dict):
                entry = {k: (_Flow(v) if k == "dist" else _text(v) if k == "description" else v)
                         for k, v in entry.items()}
            params[name] = entry
        out["parameters"] = params
    nodes = {}
    for node_id, entry in out["nodes"].items():
        node = {}
        for key, value in entry.items():
            if key in ("payoffs", "dist"):
                value = _Flow(value)
            elif key in ("tags", "source") and isinstance(value, list):
                value = _FlowList(value)
            elif key == "branches":
                value = [_styled_branch(b) for b in value]
            elif key in ("text", "quote", "label"):
                value = _text(value)
            node[key] = value
        nodes[node_id] = node
    out["nodes"] = nodes
    return out


# Characters YAML's reader refuses even inside JSON strings (the loader reads JSON as YAML
# first): DEL, the C1 controls and the two non-characters.  JSON escapes them.
# NEL and the Unicode line and paragraph separators are line breaks to a YAML reader, which
# folds them inside quoted strings: they are escaped too.
_NOT_YAML_PRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def json_text(data: Any) -> str:
    r"""``data`` as indented JSON, non-ASCII text kept readable, loadable by every reader.

    >>> print(json_text({"a": "é\x7f"}))
    {
      "a": "é\u007f"
    }
    <BLANKLINE>
    """
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return _NOT_YAML_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def dumps(scenario: Scenario, *, format: str = "yaml") -> str:
    """The scenario as YAML (default) or JSON text that loads back equal.

    Parameters
    ----------
    scenario : Scenario
    format : {"yaml", "json"}

    Returns
    -------
    str

    Raises
    ------
    ValueError
        for an unknown ``format``.

    Examples
    --------
    >>> import scenarios
    >>> s = scenarios.loads('''
    ... nodes:
    ...   flip: {kind: chance, branches: [{to: heads, p: 0.5}, {to: tails, p: rest}]}
    ...   heads: {payoffs: {bettor: 2 * stake}, kind: outcome}
    ...   tails: {kind: outcome, label: Tails}
    ... title: Coin
    ... actors: {bettor: {name: Bettor}}
    ... parameters: {stake: 1.0}
    ... ''')
    >>> text = dumps(s)
    >>> print(text)
    title: Coin
    id: scenario
    <BLANKLINE>
    actors:
      bettor:
        name: Bettor
    <BLANKLINE>
    parameters:
      stake: 1
    <BLANKLINE>
    nodes:
      flip:
        kind: chance
        branches:
          - {to: heads, p: 0.5}
          - {to: tails, p: rest}
    <BLANKLINE>
      heads:
        kind: outcome
        payoffs: {bettor: 2 * stake}
    <BLANKLINE>
      tails:
        kind: outcome
        label: Tails
    <BLANKLINE>
    >>> scenarios.loads(text) == s
    True
    """
    if format == "json":
        return json_text(to_dict(scenario))
    if format != "yaml":
        raise ValueError(f"unknown format {format!r} (use one of {', '.join(FORMATS)})")
    styled = _styled(to_dict(scenario))
    # One chunk per section and per node, with a blank line between them, as people
    # lay out these files by hand.
    head = {k: styled[k] for k in ("title", "id", "summary", "as_of") if k in styled}
    chunks = [_yaml(head)]
    chunks.extend(_yaml({section: styled[section]}) for section in ("sources", "actors", "parameters")
                  if section in styled)
    nodes = "".join(textwrap.indent(_indent_branches(_yaml({node_id: node})), "  ") + "\n"
                    for node_id, node in styled["nodes"].items())
    root = _yaml({"root": styled["root"]}) if "root" in styled else ""
    chunks.append(root + "nodes:\n" + nodes.rstrip("\n") + "\n")
    if "evidence" in styled:
        chunks.append(_yaml({"evidence": styled["evidence"]}))
    if "uncertainties" in styled:
        chunks.append(_yaml({"uncertainties": styled["uncertainties"]}))
    return "\n".join(chunks)


def _indent_branches(chunk: str) -> str:
    """Indent the items of a node's ``branches`` list by two spaces.

    ``chunk`` is one node (``id:`` then its keys at two spaces); ``branches`` is its last
    key, so every line after it belongs to the list.  Shifting a whole block keeps every
    relative indentation, block scalars' included; empty lines stay empty.
    """
    head, sep, tail = chunk.partition("\n  branches:\n")
    if not sep:
        return chunk
    return head + sep + "".join("  " + line if line.strip() else line
                                for line in tail.splitlines(keepends=True))


def _yaml(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=_WIDTH,
                     indent=2, default_flow_style=False)


def dump(scenario: Scenario, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Write the scenario to ``path`` atomically: JSON for ``.json``, YAML otherwise.

    Parameters
    ----------
    scenario : Scenario
    path : str or path-like
    overwrite : bool
        Replace an existing file (by default an existing file is never overwritten, so a
        hand-edited scenario, comments and all, cannot be lost by accident).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    scenarios.errors.OutputError
        if the file exists (and ``overwrite`` is false) or the folder does not exist.

    Examples
    --------
    >>> import scenarios, tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "copy.yaml"
    >>> _ = dump(scenarios.load("entry-deterrence"), out)
    >>> scenarios.load(out) == scenarios.load("entry-deterrence")
    True
    """
    from .atomic import OutputError, write_atomic

    path = Path(path)
    if path.exists() and not path.is_dir() and not overwrite:
        raise OutputError(f"{path}: error: refusing to overwrite an existing file (pass overwrite=True)")
    text = dumps(scenario, format="json" if path.suffix.lower() == ".json" else "yaml")
    return write_atomic(path, text, overwrite_scenarios=True)

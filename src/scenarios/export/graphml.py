"""GraphML (via networkx), for yEd, Gephi, Cytoscape and any graph library.

The file holds the scenario's graph as it is (shared nodes stay shared) with every node
and branch attribute.  Quantities appear twice: as the expression the author wrote
(``payoff.west = "-sanction_cost"``, ``p = "p_recognize"``) and as the number it has at
the base case or under ``overrides`` (``payoff.west.value = -2.0``, ``p.value = 0.3``).

Node attributes: ``kind``, ``label``, ``text``, ``actor``, ``actor_name``, ``color``
(``#rrggbb`` of the actor; decisions only), ``fixed``, ``historical``, ``tags`` and
``source`` (``;``-separated), ``quote``, ``payoff.ACTOR`` (the expression, where given)
and ``payoff.ACTOR.value`` (every actor, 0 where not given).  Edge attributes:
``label``, ``index`` (position among the parent's branches), ``p`` (expression, or
``rest``; absent for a decision without beliefs), ``p.value``, ``text``, and payoffs as
for nodes.  Graph attributes: ``title``, ``id``, ``root``, ``summary``, ``as_of``,
``actor.KEY.name``/``actor.KEY.color``, ``parameter.NAME`` and ``parameter.NAME.value``.

With ``results=True`` nodes also get ``belief.reach`` (probability of passing the node
in belief mode), ``belief.value.ACTOR`` (expected payoff from the node on),
``solve.reach``, ``solve.value.ACTOR`` and, on solved decisions, ``solve.choice``; edges
get ``solve.chosen``.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from ..model import REST, Scenario
from ._shared import actor_colors, numbers_of, xml_safe

FORMAT = "graphml"
SUFFIX = ".graphml"
DESCRIPTION = "GraphML graph with every attribute (yEd, Gephi, Cytoscape, networkx)"

__all__ = ["export", "to_networkx"]


def _expression_text(expr) -> str:
    return xml_safe(str(expr))


def to_networkx(scenario: Scenario, *, overrides: Mapping[str, Any] | None = None,
                results: bool = False):
    """The scenario as a plain :class:`networkx.MultiDiGraph` with scalar attributes only: one
    edge per branch, keyed by its position among the parent's branches (several branches of
    a node may lead to the same child), as :attr:`~scenarios.model.Scenario.graph`.

    Every attribute is a str, int, float or bool (what GraphML and GEXF can hold); absent
    values are left out rather than set to None; text is cleaned of the control characters
    XML cannot hold (see :func:`~scenarios.export._shared.xml_safe`).

    Examples
    --------
    >>> import scenarios
    >>> g = to_networkx(scenarios.load("oil-wildcatter"))
    >>> g.nodes["wet"]["payoff.wildcatter"], g.nodes["wet"]["payoff.wildcatter.value"]
    ('revenue_wet', 120.0)
    >>> g.edges["start", "drill_now", 0]["p.value"], g.graph["parameter.drill_cost.value"]
    (0.5, 70.0)
    """
    import networkx as nx

    numbers = numbers_of(scenario, overrides)
    colors = actor_colors(scenario)
    actors = list(scenario.actors)
    graph = nx.MultiDiGraph()
    meta = {"title": scenario.title, "id": scenario.id, "root": scenario.root,
            "summary": scenario.summary, "as_of": scenario.as_of}
    graph.graph.update({k: v for k, v in meta.items() if v is not None})
    for key, actor in scenario.actors.items():
        graph.graph[f"actor.{key}.name"] = actor.name
        graph.graph[f"actor.{key}.color"] = colors[key]
    for name, param in scenario.parameters.items():
        graph.graph[f"parameter.{name}"] = _expression_text(param.value)
        graph.graph[f"parameter.{name}.value"] = numbers.parameters[name]

    for node_id, node in scenario.nodes.items():
        attrs: dict[str, Any] = {"kind": node.kind, "label": node.label}
        if node.text is not None:
            attrs["text"] = node.text
        if node.actor is not None:
            attrs["actor"] = node.actor
            attrs["actor_name"] = scenario.actors[node.actor].name
            attrs["color"] = colors[node.actor]
        attrs["fixed"] = node.fixed
        attrs["historical"] = node.historical
        if node.tags:
            attrs["tags"] = ";".join(node.tags)
        if node.source:
            attrs["source"] = ";".join(node.source)
        if node.quote is not None:
            attrs["quote"] = node.quote
        _payoffs(attrs, node.payoffs, numbers.node_payoffs[node_id], actors)
        graph.add_node(node_id, **attrs)
    for node_id, node in scenario.nodes.items():
        for i, branch in enumerate(node.branches):
            # ``branch`` names it as --set does (NODE.POSITION): unique, the edge's id in GraphML.
            attrs = {"label": branch.label, "index": i, "branch": f"{node_id}.{i}", "p.value": numbers.p[node_id][i]}
            if branch.p is REST:
                attrs["p"] = "rest"
            elif branch.p is not None:
                attrs["p"] = _expression_text(branch.p)
            if branch.text is not None:
                attrs["text"] = branch.text
            _payoffs(attrs, branch.payoffs, numbers.branch_payoffs[node_id][i], actors)
            graph.add_edge(node_id, branch.to, key=i, **attrs)
    if results:
        _add_results(scenario, graph, overrides)
    _clean_text(graph)
    return graph


def _clean_text(graph) -> None:
    """Text as XML can hold it (control characters out), in every attribute."""
    for table in (graph.graph, *(d for _, d in graph.nodes(data=True)),
                  *(d for _, _, d in graph.edges(data=True))):  # every parallel edge too
        for key, value in table.items():
            if isinstance(value, str):
                table[key] = xml_safe(value)


def _payoffs(attrs: dict, written, values: Mapping[str, float], actors: list[str]) -> None:
    for actor in actors:
        if actor in written:
            attrs[f"payoff.{actor}"] = _expression_text(written[actor])
        attrs[f"payoff.{actor}.value"] = values[actor]


def _add_results(scenario: Scenario, graph, overrides) -> None:
    belief = scenario.evaluate(overrides=overrides, top=0)
    solved = scenario.solve(overrides=overrides, top=0)
    for prefix, result in (("belief", belief), ("solve", solved)):
        reach, values = result.reach, result.values
        for node_id in scenario.nodes:
            data = graph.nodes[node_id]
            data[f"{prefix}.reach"] = reach[node_id]
            for actor, value in values[node_id].items():
                data[f"{prefix}.value.{actor}"] = value
    for node_id, child in solved.choices.items():
        graph.nodes[node_id]["solve.choice"] = child
        graph.nodes[node_id]["solve.choice_branch"] = solved.choice_branches[node_id]
    for parent, _, index, data in graph.edges(keys=True, data=True):  # by position: branches may share a child
        data["solve.chosen"] = solved.choice_branches.get(parent) == index


def export(scenario: Scenario, *, overrides: Mapping[str, Any] | None = None,
           results: bool = False) -> str:
    """The scenario as GraphML text (UTF-8 XML).

    Raises
    ------
    UnknownNameError, ProbabilityError, ExpressionError
        for bad ``overrides``.

    Examples
    --------
    >>> import io, networkx as nx, scenarios
    >>> text = export(scenarios.load("entry-deterrence"))
    >>> g = nx.read_graphml(io.StringIO(text))
    >>> sorted(g.successors("entry")), g.nodes["war"]["payoff.incumbent.value"]
    (['response', 'stay_out'], -1.0)
    """
    import networkx as nx

    buffer = io.BytesIO()
    nx.write_graphml(to_networkx(scenario, overrides=overrides, results=results), buffer,
                     encoding="utf-8", prettyprint=True, edge_id_from_attribute="branch")
    return buffer.getvalue().decode("utf-8")

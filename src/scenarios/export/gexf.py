"""GEXF (via networkx), Gephi's own format.

The same graph and attributes as the GraphML export (see
:mod:`scenarios.export.graphml`), plus Gephi's visual hints: decision nodes are squares
in their actor's colour, chance nodes grey discs, outcomes light grey triangles.  GEXF
keeps no graph-level attributes other than its name, so the title is the graph's name
and parameters appear only through the values on nodes and edges.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from ..kinds import KINDS
from ..model import Scenario
from ._shared import actor_colors, xml_safe
from .graphml import to_networkx

FORMAT = "gexf"
SUFFIX = ".gexf"
DESCRIPTION = "GEXF graph with every attribute and Gephi colours and shapes"

__all__ = ["export"]

#: Gephi's shape for each drawing symbol of the kinds table.
_SHAPES = {"square": "square", "circle": "disc", "triangle": "triangle"}
_GREY = {"chance": "#999999", "outcome": "#cccccc"}


def _rgba(color: str) -> dict:
    from matplotlib.colors import to_rgb

    r, g, b = (round(255 * c) for c in to_rgb(color))
    return {"r": r, "g": g, "b": b, "a": 1.0}


def export(scenario: Scenario, *, overrides: Mapping[str, Any] | None = None,
           results: bool = False) -> str:
    """The scenario as GEXF 1.2 text (UTF-8 XML).

    Raises
    ------
    UnknownNameError, ProbabilityError, ExpressionError
        for bad ``overrides``.

    Examples
    --------
    >>> import io, networkx as nx, scenarios
    >>> g = nx.read_gexf(io.BytesIO(export(scenarios.load("entry-deterrence")).encode()))
    >>> g.nodes["entry"]["label"], g.nodes["entry"]["viz"]["color"]
    ('Enter the market?', {'r': 0, 'g': 114, 'b': 178, 'a': 1.0})
    """
    import networkx as nx

    graph = to_networkx(scenario, overrides=overrides, results=results)
    colors = actor_colors(scenario)
    for node_id, data in graph.nodes(data=True):
        node = scenario.nodes[node_id]
        color = colors[node.actor] if node.actor else _GREY[node.kind]
        data["viz"] = {"color": _rgba(color), "shape": _SHAPES[KINDS[node.kind].symbol]}
    graph.graph = {"name": xml_safe(scenario.title)}
    buffer = io.BytesIO()
    nx.write_gexf(graph, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue().decode("utf-8")

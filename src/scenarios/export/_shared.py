"""Pieces the exporters share: bound numbers per node and branch, colours, number text.

Not an exporter itself (it defines no ``FORMAT``).  Numbers come from one evaluation
of the scenario (:meth:`scenarios.Scenario.evaluate`): its columns in file order
(:attr:`~scenarios.engine.results.BeliefResult.arrays`) re-indexed here by node id and
branch position, for writers that walk the scenario in file order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .. import formatting
from ..errors import (
    ExportOptionError,  # noqa: F401  (defined in errors.py; importable here as before)
    )
from ..model import Scenario

__all__ = ["ExportOptionError", "Numbers", "numbers_of", "actor_colors", "format_probability",
           "format_value", "exact_fraction", "printable", "xml_safe", "PALETTE"]

#: Colours for actors that do not name one (Okabe and Ito's colour-blind-safe palette).
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#f0e442", "#000000")


@dataclass(frozen=True)
class Numbers:
    """Bound numbers by id: ``p[node][i]`` for branch ``i``; payoffs as actor → float."""

    p: dict[str, list[float]]
    node_payoffs: dict[str, dict[str, float]]
    branch_payoffs: dict[str, list[dict[str, float]]]
    parameters: dict[str, float]


def numbers_of(scenario: Scenario, overrides: Mapping[str, Any] | None = None) -> Numbers:
    """Probabilities and payoffs of every node and branch under ``overrides``.

    >>> import scenarios
    >>> n = numbers_of(scenarios.load("entry-deterrence"), {"response.war": 0.6})
    >>> n.p["response"], n.node_payoffs["war"]
    ([0.6, 0.4], {'entrant': -1.0, 'incumbent': -1.0})
    """
    result = scenario.evaluate(overrides=overrides, top=0)
    arrays = result.arrays  # file order: node i is the i-th node, its branches from edge_start[i]
    actors = arrays.actors
    p: dict[str, list[float]] = {}
    node_payoffs: dict[str, dict[str, float]] = {}
    branch_payoffs: dict[str, list[dict[str, float]]] = {}
    for i, node_id in enumerate(arrays.ids):
        edges = range(int(arrays.edge_start[i]), int(arrays.edge_start[i + 1]))
        p[node_id] = [float(arrays.p[e]) for e in edges]
        node_payoffs[node_id] = dict(zip(actors, map(float, arrays.node_payoffs[i]), strict=False))
        branch_payoffs[node_id] = [dict(zip(actors, map(float, arrays.edge_payoffs[e]), strict=False))
                                   for e in edges]
    return Numbers(p, node_payoffs, branch_payoffs, dict(result.parameters))


def actor_colors(scenario: Scenario) -> dict[str, str]:
    """Actor key → ``#rrggbb``: the actor's own colour, or the next palette colour.

    >>> import scenarios
    >>> actor_colors(scenarios.load("entry-deterrence"))
    {'entrant': '#0072b2', 'incumbent': '#d55e00'}
    """
    from matplotlib.colors import to_hex

    colors = {}
    spare = iter(PALETTE * (len(scenario.actors) // len(PALETTE) + 1))
    for key, actor in scenario.actors.items():
        colors[key] = to_hex(actor.color) if actor.color else next(spare)
    return colors


def tint(color: str, amount: float = 0.8) -> str:
    """``color`` mixed with white (``amount`` of white), as ``#rrggbb``.

    >>> tint("#000000", 0.5)
    '#808080'
    """
    from matplotlib.colors import to_hex, to_rgb

    r, g, b = to_rgb(color)
    return to_hex((r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount))


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")


def printable(text: str) -> str:
    r"""``text`` without control characters (diagram tools choke on them); tabs as spaces.

    >>> printable("a\tb\x07c\nd")
    'a b c\nd'
    """
    return _CONTROL.sub(" ", str(text).replace("\t", " ").replace("\r\n", "\n").replace("\r", "\n"))


_NOT_XML = re.compile("[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    r"""``text`` with the characters XML 1.0 cannot hold replaced by U+FFFD; CR LF as LF.

    >>> xml_safe("bell\x07 and\r\nbreak") == "bell\ufffd and\nbreak"
    True
    """
    return _NOT_XML.sub("\ufffd", str(text).replace("\r\n", "\n").replace("\r", "\n"))


format_probability = formatting.export_probability

format_value = formatting.export_value

def exact_fraction(x: float, *, max_denominator: int = 10**6, tolerance: float = 1e-15) -> Fraction:
    """The simple fraction ``x`` stands for, if there is one; else ``x``'s shortest decimal.

    ``1/3`` computed in floating point is 0.3333333333333333; the fraction it stands for
    is 1/3 (the check is against the float, within ``tolerance``).  A number with no
    small-denominator fraction near it is taken at its shortest decimal text, so the
    result is always exact and short.

    >>> exact_fraction(1/3), exact_fraction(0.35), exact_fraction(2.0), exact_fraction(0.1234567891)
    (Fraction(1, 3), Fraction(7, 20), Fraction(2, 1), Fraction(1234567891, 10000000000))
    """
    near = Fraction(x).limit_denominator(max_denominator)
    if abs(float(near) - x) <= tolerance * max(1.0, abs(x)):
        return near
    return Fraction(repr(float(x)))

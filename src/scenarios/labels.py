"""Words over names: the one place that turns a parameter's name into the words a reader sees.

Charts, diagrams and the briefing pack call :func:`parameter_label` wherever they would
otherwise print a parameter's name; names stay in ``--json`` output and where a parameter
has no description.  The label is the parameter's ``label`` when the model has one, else
the first sentence of its ``description`` without the asides a chart has no room for
(parentheses that say "a judgment", or that run longer than a short unit such as
"(thousand dollars)", and whatever follows a colon or a semicolon), else the name itself.
An override of a branch probability, ``NODE.CHILD``, reads as the node's and the
branch's labels.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["clip", "parameter_label", "parameter_labels", "short_text"]

_SENTENCE_END = re.compile(r"(?<=[a-z0-9\)])\.(\s|$)")
_PAREN = re.compile(r"\s*\(([^()]*)\)")
_SHORT_ASIDE = 28  # characters: "(thousand dollars)" stays, a sentence in brackets goes


def _drop_asides(text: str) -> str:
    def keep(match: re.Match[str]) -> str:
        inner = match.group(1)
        if "judgment" in inner or len(inner) > _SHORT_ASIDE:
            return ""
        return match.group(0)

    previous = None
    while previous != text:  # nested or repeated asides
        previous, text = text, _PAREN.sub(keep, text)
    return text


def short_text(text: str) -> str:
    """The first sentence of ``text``, its long asides and anything after ':' or ';' dropped."""
    text = " ".join(text.split())
    match = _SENTENCE_END.search(text)
    if match:
        text = text[:match.start()]
    text = _drop_asides(text)
    for stop in (": ", "; "):
        if stop in text:
            text = text[:text.index(stop)]
    text = text.strip().rstrip(".,;:")
    return text


def clip(text: str, max_chars: int | None) -> str:
    """``text`` cut at a word boundary to at most ``max_chars`` characters, with '…' if cut."""
    if max_chars is None or len(text) <= max_chars:
        return text
    cut = text[:max_chars - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def parameter_label(scenario: Any, name: str, max_chars: int | None = None) -> str:
    """The words for parameter ``name`` of ``scenario`` (see the module's docstring),
    cut at a word boundary to ``max_chars`` when given.

    >>> import scenarios
    >>> s = scenarios.load("oil-wildcatter")
    >>> parameter_label(s, "test_cost")
    'Cost of the seismic test (thousand dollars)'
    >>> parameter_label(s, "no_such_name")
    'no_such_name'
    """
    parameters = getattr(scenario, "parameters", None) or {}
    parameter = parameters.get(name)
    if parameter is not None:
        label = getattr(parameter, "label", None)
        if label:
            return clip(str(label), max_chars)
        description = getattr(parameter, "description", None)
        if description:
            short = short_text(description)
            if short:
                return clip(short, max_chars)
        return name
    node_id, dot, child = name.partition(".")
    nodes = getattr(scenario, "nodes", None) or {}
    if dot and node_id in nodes:
        node = nodes[node_id]
        for branch in node.branches:
            if branch.to == child:
                return clip(f"p({node.label} → {branch.label})", max_chars)
    return name


def parameter_labels(scenario: Any, names: list[str] | tuple[str, ...], max_chars: int | None = None) -> list[str]:
    """:func:`parameter_label` of each name; two equal labels get their names added."""
    labels = [parameter_label(scenario, n, max_chars) for n in names]
    seen: dict[str, int] = {}
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
    return [f"{label} ({n})" if seen[label] > 1 and label != n else label
            for label, n in zip(labels, names, strict=True)]

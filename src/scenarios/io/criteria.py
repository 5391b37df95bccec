"""The measures and criteria of actors (format extension for costs and cost-effectiveness).

An actor may have several payoff measures (``measures: {cost: {minimize: true}, effect: {}}``)
and a ``criterion`` saying how it chooses: one measure in its own direction, or net benefit
``lambda * effect - cost``.  Payoffs of such an actor are written ``{actor: {cost: ..., effect:
...}}`` (or flat, ``actor.cost: ...``) and stored under ``actor.measure`` keys.  Checked here,
with every problem reported at its FILE:LINE:COL like the rest of :mod:`scenarios.io.build`.
"""

from __future__ import annotations

from typing import Any

from ..errors import did_you_mean
from ..expressions import Expression, is_identifier
from ..model import Actor, Criterion, Measure, Parameter
from .build import _bool, _check_keys, _expression, _kind, _mapping, _Report, _string

__all__ = ["measures_of", "criterion_of", "check_criteria", "measure_payoffs", "new_payoff",
           "MEASURE_KEYS", "NET_BENEFIT_KEYS"]

MEASURE_KEYS = ("name", "minimize")
NET_BENEFIT_KEYS = ("effect", "cost", "lambda")


def measures_of(report: _Report, entry: dict, path: tuple, actor: str) -> dict[str, Measure]:
    """``measures: {cost: {minimize: true}, effect: {}}``: an actor's several payoffs."""
    if "measures" not in entry:
        return {}
    where = path + ("measures",)
    section = entry["measures"]
    if not isinstance(section, dict) or not section:
        report.error(where, "type", f"actor {actor!r}: 'measures' must be a non-empty mapping of measure "
                     f"name -> {{minimize: true}} or {{}}, not {_kind(section)}")
        return {}
    measures = {}
    for name, spec in section.items():
        at = where + (name,)
        if not isinstance(name, str) or not is_identifier(name):
            report.error(at, "name", f"actor {actor!r}: measure name {name!r} must be letters, digits and "
                         "'_', starting with a letter or '_'", key=True)
            continue
        spec = _mapping(report, spec, at, f"actor {actor!r}: measure {name!r}")
        if spec is None:
            continue
        _check_keys(report, spec, at, MEASURE_KEYS, f"key in measure {name!r} of actor {actor!r}:")
        measures[name] = Measure(name, _string(report, spec, at + ("name",)) or name,
                                 _bool(report, spec, at + ("minimize",)))
    return measures


def criterion_of(report: _Report, entry: dict, path: tuple, actor: str,
               measures: dict[str, Measure]) -> Criterion | None:
    """``criterion: MEASURE`` or ``criterion: {net_benefit: {effect: E, cost: C, lambda: L}}``."""
    where = path + ("criterion",)
    if "criterion" not in entry:
        if len(measures) > 1:
            report.error(path, "criterion", f"actor {actor!r} has {len(measures)} measures "
                         f"({', '.join(measures)}): name its 'criterion' (one measure, or "
                         "{net_benefit: {effect: ..., cost: ..., lambda: ...}})", key=True)
        return Criterion("measure", next(iter(measures))) if len(measures) == 1 else None
    value = entry["criterion"]
    if not measures:
        report.error(where, "criterion", f"actor {actor!r}: a 'criterion' needs 'measures' (an actor "
                     "with one payoff is maximised, or minimised with 'minimize: true')", key=True)
        return None

    def measure(name: Any, at: tuple, role: str) -> str | None:
        if not isinstance(name, str) or name not in measures:
            report.error(at, "unknown-measure", f"actor {actor!r}: {role} {name!r} is not one of its measures "
                         f"({', '.join(measures)}){did_you_mean(str(name), measures)}")
            return None
        return name

    if isinstance(value, str):
        found = measure(value, where, "criterion")
        return Criterion("measure", found) if found else None
    if not isinstance(value, dict) or len(value) != 1 or "net_benefit" not in value:
        if isinstance(value, dict) and len(value) == 1:
            (other, _), = value.items()
            report.error(where + (other,), "criterion", f"actor {actor!r}: unknown criterion {other!r}"
                         f"{did_you_mean(str(other), ['net_benefit'])}", key=True)
        else:
            report.error(where, "criterion", f"actor {actor!r}: 'criterion' must be a measure name or "
                         f"{{net_benefit: {{effect: ..., cost: ..., lambda: ...}}}}, not {_kind(value)}")
        return None
    at = where + ("net_benefit",)
    spec = _mapping(report, value["net_benefit"], at, f"actor {actor!r}: net_benefit")
    if spec is None:
        return None
    _check_keys(report, spec, at, NET_BENEFIT_KEYS, "key in net_benefit:")
    for required in NET_BENEFIT_KEYS:
        if required not in spec:
            report.error(at, "missing-key", f"actor {actor!r}: net_benefit has no {required!r}", key=True)
    effect = measure(spec["effect"], at + ("effect",), "effect") if "effect" in spec else None
    cost = measure(spec["cost"], at + ("cost",), "cost") if "cost" in spec else None
    if effect is not None and effect == cost:
        report.error(at + ("cost",), "criterion", f"actor {actor!r}: net_benefit's cost and effect are "
                     f"the same measure {cost!r}")
        return None
    wtp = _expression(report, spec["lambda"], at + ("lambda",), f"actor {actor!r}: net_benefit lambda") \
        if "lambda" in spec else None
    if effect is None or cost is None or wtp is None:
        return None
    for role, name in (("effect", effect), ("cost", cost)):
        if measures[name].minimize != (role == "cost"):
            report.warning(at + (role,), "criterion", f"actor {actor!r}: net benefit counts {role} {name!r} "
                           f"as {'a cost (minimised)' if role == 'cost' else 'an effect (maximised)'}; "
                           f"its 'minimize' says otherwise")
    return Criterion("net_benefit", effect=effect, cost=cost, wtp=wtp)


def check_criteria(report: _Report, actors: dict[str, Actor], parameters: dict[str, Parameter]) -> None:
    """A net benefit's ``lambda`` names only parameters; no actor is named like another's measure."""
    for key, actor in actors.items():
        for column in actor.columns if actor.measures else ():
            if column in actors:
                report.error(("actors", column), "name", f"actor {column!r} has the name of actor {key!r}'s "
                             "measure: rename one of them", key=True)
        wtp = actor.criterion.wtp if actor.criterion is not None else None
        for name in sorted(wtp.names if wtp is not None else ()):
            if name not in parameters:
                report.error(("actors", key, "criterion", "net_benefit", "lambda"), "unknown-parameter",
                             f"actor {key!r}: net_benefit lambda uses unknown parameter {name!r}"
                             f"{did_you_mean(name, parameters)}")


def measure_payoffs(report: _Report, value: Any, path: tuple, actor: Actor, owner: str,
                     payoffs: dict[str, Expression]) -> None:
    """``{cost: 1200, effect: 0.81}`` for an actor with measures, stored as ``actor.measure`` keys."""
    names = ", ".join(actor.measures)
    if not isinstance(value, dict):
        report.error(path, "type", f"payoff of {owner} for {actor.key!r} must be a mapping of its measures "
                     f"({names}) such as {{{next(iter(actor.measures))}: ...}}, not {_kind(value)}")
        return
    for measure, amount in value.items():
        if measure not in actor.measures:
            report.error(path + (measure,), "unknown-measure", f"payoff of {owner}: actor {actor.key!r} has "
                         f"no measure {measure!r} (its measures: {names}){did_you_mean(str(measure), actor.measures)}",
                         key=True)
            continue
        key = f"{actor.key}.{measure}"
        expr = _expression(report, amount, path + (measure,), f"payoff of {owner} for {key!r}")
        if expr is not None and new_payoff(report, payoffs, key, path + (measure,), owner):
            payoffs[key] = expr


def new_payoff(report: _Report, payoffs: dict, key: str, path: tuple, owner: str) -> bool:
    if key in payoffs:
        report.error(path, "duplicate-payoff", f"payoffs of {owner}: {key!r} is given twice", key=True)
        return False
    return True

"""An actor's ``risk:`` (format extension for risk attitudes; see docs/risk-attitudes.md).

``risk: neutral`` (the default), ``risk: log``, ``risk: {exponential: R}`` (R non-zero, negative
for risk seeking), ``risk: {power: a}`` (a non-zero) or ``risk: {expression: "1 - exp(-x/50)"}``
(our expression parser, in the one name ``x``).  Every problem is reported at its
FILE:LINE:COL like the rest of :mod:`scenarios.io.build`; the rules themselves are
:func:`scenarios.engine.risk.make_risk`, shared with ``--risk ACTOR=SPEC``.
"""

from __future__ import annotations

from typing import Any

from ..errors import RiskError, did_you_mean
from ..model import NEUTRAL, Risk
from .build import _kind, _Report

__all__ = ["risk_of"]


def risk_of(report: _Report, entry: dict, path: tuple, actor: str, *, minimize: bool, measures: bool) -> Risk:
    """The risk attitude of ``actor`` (NEUTRAL when absent or wrong; problems reported)."""
    if "risk" not in entry:
        return NEUTRAL
    from ..engine.risk import RISK_FORMS, make_risk  # numpy and the engine: only for files that use it

    where = path + ("risk",)
    value: Any = entry["risk"]
    if isinstance(value, str):
        form, argument, at = value, None, where
        if value not in ("neutral", "log"):
            hint = did_you_mean(value, RISK_FORMS)
            report.error(at, "risk", f"actor {actor!r}: unknown risk attitude {value!r}{hint} (use neutral, log, "
                         "{exponential: R}, {power: a} or {expression: ...})")
            return NEUTRAL
    elif isinstance(value, dict) and len(value) == 1:
        (form, argument), = value.items()
        at = where + (form,)
        if form not in RISK_FORMS or form in ("neutral", "log"):
            report.error(at, "risk", f"actor {actor!r}: unknown risk attitude {form!r}"
                         f"{did_you_mean(str(form), ('exponential', 'power', 'expression'))} (use neutral, log, "
                         "{exponential: R}, {power: a} or {expression: ...})", key=True)
            return NEUTRAL
    else:
        report.error(where, "risk", f"actor {actor!r}: 'risk' must be neutral, log, {{exponential: R}}, "
                     f"{{power: a}} or {{expression: ...}}, not {_kind(value)}")
        return NEUTRAL
    try:
        risk = make_risk(str(form), argument, f"actor {actor!r}: ")
    except RiskError as exc:
        report.error(at, "risk", str(exc))
        return NEUTRAL
    if not risk.neutral and (minimize or measures):
        report.error(where, "risk", f"actor {actor!r}: a risk attitude other than neutral is not supported "
                     f"together with {'minimize' if minimize else 'measures'} (the utility applies to a payoff "
                     "that is maximised)", key=True)
        return NEUTRAL
    return risk

"""Distributions in a scenario file: a parameter's ``dist`` and a node's Dirichlet ``dist``.

Read by :mod:`scenarios.io.build` (whose small helpers it uses) and checked with the same
report, so every problem has its FILE:LINE:COL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import kinds
from ..errors import did_you_mean
from ..model import Distribution
from .build import _kind, _number, _Report

__all__ = ["DISTRIBUTIONS", "parameter_distribution", "node_distribution"]

#: A parameter's distributions and how many numbers each takes.
DISTRIBUTIONS = {"beta": 2, "uniform": 2, "triangular": 3, "normal": 2, "lognormal": 2, "fixed": 1}


def parameter_distribution(report: _Report, value: Any, path: tuple, name: str) -> Distribution | None:
    what = f"parameter {name!r}: dist"
    if not isinstance(value, dict) or len(value) != 1:
        report.error(path, "dist", f"{what} must be one of {{beta: [a, b]}}, {{uniform: [lo, hi]}}, "
                     "{triangular: [lo, mode, hi]}, {normal: [mean, sd]}, {lognormal: [mu, sigma]}, {fixed: x}")
        return None
    (kind, args), = value.items()
    if kind not in DISTRIBUTIONS:
        report.error(path + (kind,), "dist", f"{what}: unknown distribution {kind!r}"
                     f"{did_you_mean(kind, DISTRIBUTIONS)}", key=True)
        return None
    arity = DISTRIBUTIONS[kind]
    raw = args if isinstance(args, list) else [args]
    if len(raw) != arity:
        report.error(path + (kind,), "dist", f"{what}: {kind} takes {arity} number(s), got {len(raw)}")
        return None
    found = [_number(report, a, path + (kind, i), f"{what} {kind}") for i, a in enumerate(raw)]
    numbers = [n for n in found if n is not None]
    if len(numbers) < len(found):
        return None
    checks: dict[str, Callable[..., str | None]] = {
        "beta": lambda a, b: "a and b must be > 0" if a <= 0 or b <= 0 else None,
        "uniform": lambda lo, hi: "lo must be below hi" if lo >= hi else None,
        "triangular": lambda lo, mode, hi: "needs lo <= mode <= hi and lo < hi"
        if not (lo <= mode <= hi and lo < hi) else None,
        "normal": lambda mean, sd: "sd must be > 0" if sd <= 0 else None,
        "lognormal": lambda mu, sigma: "sigma must be > 0" if sigma <= 0 else None,
        "fixed": lambda x: None,
    }
    problem = checks[kind](*numbers)
    if problem:
        report.error(path + (kind,), "dist", f"{what} {kind}{numbers}: {problem}")
        return None
    return Distribution(kind, tuple(numbers))


def node_distribution(report: _Report, entry: dict, path: tuple, what: str) -> Distribution | None:
    """``dist: {dirichlet: [a1, ..., ak]}`` on a decision or chance node, one alpha > 0 per branch."""
    where = path + ("dist",)
    value = entry["dist"]
    kind = kinds.KINDS.get(str(entry.get("kind")))
    if kind is not None and not kind.has_branches:
        report.error(where, "dist", f"{what}: only decision and chance nodes can carry a 'dist' "
                     "(it draws their branch probabilities)", key=True)
        return None
    if not isinstance(value, dict) or len(value) != 1:
        report.error(where, "dist", f"{what}: dist must be {{dirichlet: [a1, ..., ak]}}, one alpha > 0 "
                     "per branch")
        return None
    (kind, alphas), = value.items()
    if kind != "dirichlet":
        report.error(where + (kind,), "dist", f"{what}: a node's dist must be 'dirichlet', not {kind!r} "
                     "(put other distributions on parameters)", key=True)
        return None
    branches = entry.get("branches")
    wanted = len(branches) if isinstance(branches, list) else None
    if not isinstance(alphas, list) or (wanted is not None and len(alphas) != wanted):
        got = f"{len(alphas)} number(s)" if isinstance(alphas, list) else _kind(alphas)
        count = f"{wanted} numbers" if wanted is not None else "numbers"
        report.error(where + (kind,), "dist", f"{what}: dirichlet takes a list of {count}, one per "
                     f"branch in order, got {got}")
        return None
    found = [_number(report, a, where + (kind, i), f"{what}: dirichlet alpha") for i, a in enumerate(alphas)]
    numbers = [n for n in found if n is not None]
    if len(numbers) < len(found):
        return None
    for i, alpha in enumerate(numbers):
        if alpha <= 0:
            report.error(where + (kind, i), "dist", f"{what}: dirichlet alpha {alpha:g} (branch {i + 1}) "
                         "must be > 0")
            return None
    return Distribution("dirichlet", tuple(numbers))

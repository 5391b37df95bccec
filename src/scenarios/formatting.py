"""Numbers as text, in one place: for terminals, diagrams, charts, pages and exports.

Each function has one job and one style; pick by where the number is shown.  Rounding is
for text only: every ``--json`` output and JSON export carries full precision through
:func:`json_number` (Python writes a float as the shortest text that reads back as the
same float), so a program comparing our numbers with another tool's sees them exactly.

>>> terminal_number(0.30163250000000003), diagram_probability(0.08250000001), payoff_label(-8.0)
('0.3016', '0.0825', '−8')
"""

from __future__ import annotations

import math

__all__ = ["terminal_number", "percent", "diagram_probability", "payoff_label", "chart_number",
           "export_probability", "export_value", "shortest", "json_number", "simple_fraction"]

MINUS = "\u2212"  # a true minus sign for typeset text (diagrams, charts)


def terminal_number(x: float, digits: int = 4) -> str:
    """A compact number for terminal tables: up to ``digits`` decimals, no trailing zeros, no '-0'.

    >>> [terminal_number(x) for x in (0.25, 1 / 3, -0.00001, 2.0)]
    ['0.25', '0.3333', '0', '2']
    """
    text = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def percent(share: float) -> str:
    """A share as a percentage with one decimal: ``percent(0.991) == '99.1%'``."""
    return f"{100 * share:.1f}%"


def diagram_probability(p: float) -> str:
    """A probability for a diagram: three significant digits, tiny values as '< 0.001'.

    >>> [diagram_probability(x) for x in (0.3, 0.08250000001, 1.0, 0.0, 0.0004, 0.123456)]
    ['0.3', '0.0825', '1', '0', '< 0.001', '0.123']
    """
    if p <= 0.0:
        return "0"
    if p < 0.001:
        return "< 0.001"
    if p >= 0.9995 and p < 1.0:
        return "> 0.999"
    text = f"{p:.3g}"
    return text if "e" not in text else f"{p:.4f}".rstrip("0").rstrip(".")


def payoff_label(x: float) -> str:
    """A payoff for a diagram: at most two decimals, a true minus sign, no '-0'.

    >>> [payoff_label(x) for x in (-8.0, 1.2345, 0.0, -0.001, 2.5)]
    ['−8', '1.23', '0', '0', '2.5']
    """
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    if text in ("-0", "", "0", "-0.0"):
        return "0"
    return text.replace("-", MINUS)


def chart_number(x: float | None, digits: int = 3) -> str:
    """A number for a chart label: ``digits`` significant digits, true minus sign, '–' for none.

    >>> chart_number(-0.30163), chart_number(None), chart_number(0.0004)
    ('−0.302', '–', '4.0e−04')
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if x == 0:
        return "0"
    text = f"{x:.{digits}g}" if abs(x) >= 1e-3 else f"{x:.1e}"
    return text.replace("-", MINUS)


def export_probability(p: float) -> str:
    """A probability in an exported diagram format: up to 4 significant digits.

    >>> export_probability(0.35), export_probability(1/3), export_probability(1.0)
    ('0.35', '0.3333', '1')
    """
    return f"{p:.4g}"


def export_value(x: float) -> str:
    """A payoff in an exported diagram format: whole numbers without decimals, others to 4 digits.

    >>> export_value(-1.0), export_value(2.5), export_value(1/3)
    ('-1', '2.5', '0.3333')
    """
    if float(x).is_integer():
        return str(int(x))
    return f"{x:.4g}"


def shortest(value: float) -> str:
    """The shortest text that reads back as the same float (integers without '.0').

    >>> shortest(2.0), shortest(0.1 + 0.2)
    ('2', '0.30000000000000004')
    """
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def json_number(x: float) -> float:
    """A number for JSON output (``to_dict()``, ``--json``): the float itself, never rounded.

    :mod:`json` writes it as ``repr`` does, the shortest text that reads back as the same
    float; only a negative zero becomes 0.0 (the sign of a zero is noise, not a result).

    >>> import json
    >>> json.dumps([json_number(7 / 3), json_number(0.1 + 0.2), json_number(-0.0)])
    '[2.3333333333333335, 0.30000000000000004, 0.0]'
    """
    return float(x) + 0.0


def simple_fraction(x: float, digits: int = 4) -> str:
    """A probability or payoff of an equilibrium: a simple fraction when it is one (to 1e-7,
    denominators up to 24), as textbooks state mixed equilibria, else :func:`terminal_number`.

    >>> [simple_fraction(x) for x in (1 / 3, 0.5, 1.0, 0.123456, -2 / 3, 1e-12)]
    ['1/3', '1/2', '1', '0.1235', '-2/3', '0']
    """
    from fractions import Fraction

    close = Fraction(x).limit_denominator(24)
    if abs(float(close) - x) < 1e-7:
        return str(close)
    return terminal_number(x, digits)

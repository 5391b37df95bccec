"""Exact values of expressions: the expression machine's program run on ``fractions.Fraction``.

Used by ``--exact`` (:mod:`scenarios.engine.exact`).  A number is read from the text the
author wrote (``0.1`` is 1/10, not the double nearest to it): a number inside an
expression text from its own characters, a plain YAML number from the shortest decimal
that reads back as the same double (which is the text written whenever it has at most 15
significant digits).  ``exp``, ``log``, ``log10`` and ``sqrt`` have no exact rational value
and are refused; so is a power with an exponent that is not a whole number.  Domain rules
are those of the float machine: a problem counts only where the value is used (the branch
an ``if`` does not take never fails).

>>> from scenarios.expressions import Expression
>>> exact_value(Expression.parse("0.1 + 0.2"), {})
Fraction(3, 10)
>>> exact_value(Expression.parse("if(x > 0, 1 / x, 0)"), {"x": Fraction(0)})
Fraction(0, 1)
>>> exact_value(Expression.number(0.1), {})
Fraction(1, 10)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from ..errors import ExactError, ExpressionError, did_you_mean
from ..expressions import Expression

__all__ = ["exact_value", "exact_number", "inexact_function", "NO_EXACT_VALUE", "MAX_POWER"]

#: Functions whose values are irrational in general: exact mode refuses them.
NO_EXACT_VALUE = frozenset({"exp", "log", "log10", "sqrt"})
#: The largest whole exponent ``**`` takes exactly (a bigger one would build huge integers).
MAX_POWER = 1000


class _Undefined:
    """A value that could not be computed (why), carried until it is used or dropped."""

    __slots__ = ("why",)

    def __init__(self, why: str):
        self.why = why


@functools.lru_cache(maxsize=1 << 16)  # files repeat their numbers: read each once
def exact_number(value: float, text: str | None = None) -> Fraction:
    """The exact rational of a number written as ``text`` (read as ``value``, a float).

    >>> exact_number(0.1, "0.1"), exact_number(0.1), exact_number(3.0, "0x3")
    (Fraction(1, 10), Fraction(1, 10), Fraction(3, 1))
    """
    if text is not None:
        cleaned = text.strip().replace("_", "")
        try:
            found = Fraction(cleaned)
        except (ValueError, ZeroDivisionError):
            try:
                found = Fraction(int(cleaned, 0))
            except ValueError:
                found = None
        if found is not None and float(found) == value:
            return found
    return Fraction(repr(float(value)))


def inexact_function(expr: Expression) -> str | None:
    """The first function ``expr`` calls that has no exact value (``"sqrt"``), or None."""
    for op in expr.program:
        if op[0] == "call" and op[1] in NO_EXACT_VALUE:
            return op[1]
    return None


def exact_value(expr: Expression, env: Mapping[str, Fraction]) -> Fraction:
    """``expr`` evaluated exactly over ``env`` (parameter values as fractions).

    Raises ExpressionError where a value that is used cannot be computed (division by
    zero, ...), ExactError for a function or power with no exact value.
    """
    stack: list[Fraction | _Undefined] = []
    program: tuple[Any, ...] = expr.program  # instructions of mixed shapes (see expressions._Op)
    texts = expr.texts
    push, pop = stack.append, stack.pop
    for i, op in enumerate(program):
        code = op[0]
        if code == "const":
            push(exact_number(op[1], texts[i] if i < len(texts) else None))
        elif code == "name":
            try:
                push(env[op[1]])
            except KeyError:
                raise ExpressionError(f"expression {expr.source!r}: unknown parameter {op[1]!r}"
                                      f"{did_you_mean(op[1], env)}") from None
        elif code == "neg":
            x = pop()
            push(x if isinstance(x, _Undefined) else -x)
        elif code == "not":
            x = pop()
            push(x if isinstance(x, _Undefined) else Fraction(x == 0))
        elif code in ("bin", "cmp"):
            right, left = pop(), pop()
            if isinstance(left, _Undefined):
                push(left)
            elif isinstance(right, _Undefined):
                push(right)
            elif code == "cmp":
                push(Fraction(_compare(op[1], left, right)))
            else:
                push(_binary(expr, i, op[1], left, right))
        elif code == "bool":
            right, left = pop(), pop()
            if isinstance(left, _Undefined):
                push(left)
            elif (left != 0) == (op[1] == "or"):  # decided by the left side: true or, false and
                push(Fraction(op[1] == "or"))
            else:
                push(right if isinstance(right, _Undefined) else Fraction(right != 0))
        else:  # call
            name, count = op[1], op[2]
            args = stack[len(stack) - count:]
            del stack[len(stack) - count:]
            push(_call(expr, i, name, args))
    result = pop()
    if isinstance(result, _Undefined):
        raise ExpressionError(f"expression {expr.source!r}: {result.why}")
    return result


def _compare(symbol: str, left: Fraction, right: Fraction) -> bool:
    return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right,
            "==": left == right, "!=": left != right}[symbol]


def _binary(expr: Expression, i: int, symbol: str, left: Fraction, right: Fraction) -> Fraction | _Undefined:
    if symbol == "+":
        return left + right
    if symbol == "-":
        return left - right
    if symbol == "*":
        return left * right
    if symbol == "/":
        return _Undefined("division by zero") if right == 0 else left / right
    if right.denominator != 1:  # **
        raise ExactError(f"--exact: {expr.texts[i]!r} in {str(expr)!r} raises to a power that is not a whole "
                         "number, which has no exact rational value; drop --exact")
    if abs(right) > MAX_POWER:
        raise ExactError(f"--exact: {expr.texts[i]!r} in {str(expr)!r} raises to a power beyond "
                         f"{MAX_POWER} (the exact-mode limit)")
    if left == 0 and right < 0:
        return _Undefined(f"power is not a real number ({expr.texts[i]})")
    return left ** int(right)


def _call(expr: Expression, i: int, name: str, args: list[Fraction | _Undefined]) -> Fraction | _Undefined:
    if name == "if":
        cond, a, b = args
        if isinstance(cond, _Undefined):
            return cond
        return a if cond != 0 else b
    bad = next((a for a in args if isinstance(a, _Undefined)), None)
    if bad is not None:
        return bad
    values: list[Fraction] = [a for a in args if not isinstance(a, _Undefined)]
    if name in NO_EXACT_VALUE:
        raise ExactError(f"--exact: {str(expr)!r} uses {name}(), which has no exact rational value; drop --exact")
    if name == "min":
        return min(values)
    if name == "max":
        return max(values)
    if name == "abs":
        return abs(values[0])
    if name == "floor":
        return Fraction(math.floor(values[0]))
    if name == "ceil":
        return Fraction(math.ceil(values[0]))
    if name == "round":  # half to even on the exact value, as the float rule intends
        digits = values[1] if len(values) > 1 else Fraction(0)
        if digits.denominator != 1 or abs(digits) > 308:
            return _Undefined(f"{expr.texts[i]} needs a whole number n, -308 <= n <= 308")
        return Fraction(round(values[0], int(digits)))
    raise ExactError(f"--exact: {str(expr)!r} calls {name}(), which exact mode does not compute")

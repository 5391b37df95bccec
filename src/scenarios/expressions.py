"""Safe arithmetic over parameters: parse once, evaluate on numbers or numpy arrays.

An expression is a number, a parameter name, ``+ - * / **``, parentheses, unary minus,
``min(...)``, ``max(...)`` or ``abs(...)``.  The text is parsed with :mod:`ast` and every
node is checked against a whitelist; nothing is ever passed to ``eval``.  The checked tree
is flattened into postfix form so evaluation is an iterative stack machine (no recursion
limit) that works element-wise on numpy arrays, which is how parameter draws are evaluated
in batch.

Examples
--------
>>> e = Expression.parse("max(0, 1 - p_a - p_b)")
>>> sorted(e.names)
['p_a', 'p_b']
>>> float(e.evaluate({"p_a": 0.25, "p_b": 0.5}))
0.25
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeAlias, overload

import numpy as np
import numpy.typing as npt

from . import formatting
from .errors import ExpressionError

__all__ = ["Expression", "is_identifier", "MAX_EXPRESSION_LENGTH"]

MAX_EXPRESSION_LENGTH = 2000
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_FUNCTIONS = {"min": (2, None), "max": (2, None), "abs": (1, 1)}
_BINARY: dict[type[ast.operator], str] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/",
                                          ast.Pow: "**"}

#: One postfix instruction: push a number or a parameter, negate, apply an operator, call.
_Op: TypeAlias = (tuple[Literal["const"], float] | tuple[Literal["name"], str] | tuple[Literal["neg"]]
                  | tuple[Literal["bin"], str] | tuple[Literal["call"], str, int])
#: What an expression evaluates to: a number, or one value per draw.
Value: TypeAlias = float | npt.NDArray[np.float64]


def is_identifier(name: str) -> bool:
    """True if ``name`` can be used as a parameter name in expressions."""
    return bool(_IDENTIFIER.match(name)) and name not in _FUNCTIONS


@dataclass(frozen=True, slots=True)
class Expression:
    """A number or a parsed arithmetic expression over parameter names.

    ``source`` is what the author wrote (a float for plain numbers, the text otherwise),
    so a scenario can be written back unchanged.
    """

    source: float | str
    program: tuple[_Op, ...] = field(repr=False, compare=False)
    names: frozenset[str] = field(repr=False, compare=False)

    @classmethod
    def number(cls, value: float) -> Expression:
        """An expression that is a plain number."""
        value = float(value)
        return cls(value, (("const", value),), frozenset())

    @classmethod
    def parse(cls, text: str) -> Expression:
        """Parse ``text``; raise :class:`ExpressionError` saying what is wrong.

        >>> Expression.parse("2 *").source
        Traceback (most recent call last):
        ...
        scenarios.errors.ExpressionError: expression '2 *' does not parse: invalid syntax
        """
        if not isinstance(text, str):
            raise TypeError(f"expression text must be a str, not {type(text).__name__}")
        if len(text) > MAX_EXPRESSION_LENGTH:
            raise ExpressionError(
                f"expression is {len(text)} characters long (at most {MAX_EXPRESSION_LENGTH})"
            )
        try:
            tree = ast.parse(text.strip(), mode="eval")
        except SyntaxError as exc:
            raise ExpressionError(f"expression {text!r} does not parse: {exc.msg}") from None
        except (RecursionError, MemoryError, ValueError):
            raise ExpressionError(f"expression {text!r} is nested too deeply") from None
        program, names = _compile(tree.body, text)
        if len(program) == 1 and (first := program[0])[0] == "const":
            return cls(first[1], program, names)
        return cls(text, program, names)

    @property
    def is_number(self) -> bool:
        return not self.names and len(self.program) == 1

    @overload
    def evaluate(self, env: Mapping[str, float]) -> float: ...
    @overload
    def evaluate(self, env: Mapping[str, Value]) -> Value: ...

    def evaluate(self, env: Mapping[str, Value]) -> Value:
        """Evaluate with parameter values from ``env`` (numbers or same-shaped arrays).

        Raises :class:`ExpressionError` for an unknown name, a division by zero, a
        result that is not a finite real number.
        """
        stack: list[Value] = []
        with np.errstate(all="ignore"):
            for op in self.program:
                if op[0] == "const":
                    stack.append(op[1])
                elif op[0] == "name":
                    try:
                        stack.append(env[op[1]])
                    except KeyError:
                        raise ExpressionError(
                            f"expression {self.source!r}: unknown parameter {op[1]!r}"
                        ) from None
                elif op[0] == "neg":
                    stack.append(-stack.pop())
                elif op[0] == "bin":
                    right = stack.pop()
                    left = stack.pop()
                    stack.append(self._binary(op[1], left, right))
                else:  # call
                    args = stack[len(stack) - op[2]:]
                    del stack[len(stack) - op[2]:]
                    if op[1] == "abs":
                        stack.append(np.abs(args[0]))
                    else:
                        fn = np.minimum if op[1] == "min" else np.maximum
                        value = args[0]
                        for arg in args[1:]:
                            value = fn(value, arg)
                        stack.append(value)
        result = stack.pop()
        if not np.all(np.isfinite(result)):
            raise ExpressionError(f"expression {self.source!r} is not a finite number ({result})")
        if np.ndim(result) == 0:
            return float(result)
        return result

    def _binary(self, symbol: str, left: Value, right: Value) -> Value:
        if symbol == "+":
            return np.add(left, right)
        if symbol == "-":
            return np.subtract(left, right)
        if symbol == "*":
            return np.multiply(left, right)
        if symbol == "/":
            if np.any(np.asarray(right) == 0):
                raise ExpressionError(f"expression {self.source!r}: division by zero")
            return np.divide(left, right)
        result: Value = np.power(np.asarray(left, dtype=float), right)
        if np.any(np.isnan(result)):
            raise ExpressionError(f"expression {self.source!r}: power is not a real number")
        return result

    def __str__(self) -> str:
        return format_number(self.source) if isinstance(self.source, float) else self.source


format_number = formatting.shortest

def _compile(root: ast.AST, text: str) -> tuple[tuple[_Op, ...], frozenset[str]]:
    """Check ``root`` against the whitelist and flatten it to postfix, iteratively."""
    program: list[_Op] = []
    names: set[str] = set()
    # (node, expanded?) pairs: children are pushed first, the operator emitted after them.
    todo: list[tuple[ast.AST, bool]] = [(root, False)]
    while todo:
        node, expanded = todo.pop()
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise ExpressionError(f"expression {text!r}: {node.value!r} is not a number")
            try:
                value = float(node.value)
            except OverflowError:
                raise ExpressionError(f"expression {text!r}: number too large") from None
            if not math.isfinite(value):
                raise ExpressionError(f"expression {text!r}: number is not finite")
            program.append(("const", value))
        elif isinstance(node, ast.Name):
            if node.id in _FUNCTIONS:
                raise ExpressionError(f"expression {text!r}: {node.id!r} is a function")
            names.add(node.id)
            program.append(("name", node.id))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            if expanded:
                if isinstance(node.op, ast.USub):
                    program.append(("neg",))
            else:
                todo.append((node, True))
                todo.append((node.operand, False))
        elif isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            if expanded:
                program.append(("bin", _BINARY[type(node.op)]))
            else:
                todo.append((node, True))
                todo.append((node.right, False))
                todo.append((node.left, False))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS:
            name = node.func.id
            least, most = _FUNCTIONS[name]
            if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
                raise ExpressionError(f"expression {text!r}: {name}() takes plain arguments only")
            if len(node.args) < least or (most is not None and len(node.args) > most):
                wanted = f"exactly {least}" if least == most else f"at least {least}"
                raise ExpressionError(
                    f"expression {text!r}: {name}() takes {wanted} argument(s), got {len(node.args)}"
                )
            if expanded:
                program.append(("call", name, len(node.args)))
            else:
                todo.append((node, True))
                for arg in reversed(node.args):
                    todo.append((arg, False))
        else:
            what = type(node).__name__
            if isinstance(node, ast.Call):
                what = "call of a function other than min, max, abs"
            elif isinstance(node, (ast.BinOp, ast.UnaryOp)):
                what = f"operator {type(node.op).__name__}"
            raise ExpressionError(
                f"expression {text!r}: {what} is not allowed "
                "(use numbers, parameter names, + - * / **, parentheses, min, max, abs)"
            )
    return tuple(program), frozenset(names)

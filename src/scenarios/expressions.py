"""Safe arithmetic over parameters: parse once, evaluate on numbers or numpy arrays.

An expression is a number, a parameter name, ``+ - * / **``, parentheses, unary minus, a
comparison (``< <= > >= == !=``, giving 1.0 or 0.0), ``and``/``or``/``not``, or a call of
one of the functions in :data:`FUNCTIONS` (``min``, ``max``, ``abs``, ``exp``, ``log``,
``log10``, ``sqrt``, ``floor``, ``ceil``, ``round`` and the conditional ``if(cond, a, b)``).
Precedence is Python's.  The text is parsed with :mod:`ast` and every node is checked
against a whitelist; nothing is ever passed to ``eval``.  The checked tree is flattened
into postfix form, so evaluation is an iterative stack machine (no recursion limit) that
works element-wise on numpy arrays: K parameter columns (draws, settings) are evaluated
at once.

Domain rules (``log`` needs a positive argument, a divisor must not be 0, ...) apply only
where a value is used: the branch of ``if`` that a column does not take, and the right
side of ``and``/``or`` when the left decides, never raise.  Both sides are computed for
every column with numpy's floating-point warnings off, and a column fails only if a
problem lies on its own path.

Examples
--------
>>> e = Expression.parse("max(0, 1 - p_a - p_b)")
>>> sorted(e.names)
['p_a', 'p_b']
>>> float(e.evaluate({"p_a": 0.25, "p_b": 0.5}))
0.25
>>> Expression.parse("if(x > 0, log(x), 0)").evaluate({"x": np.array([-1.0, 1.0])}).tolist()
[0.0, 0.0]
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias, overload

import numpy as np
import numpy.typing as npt

from . import formatting
from .errors import ExpressionError, did_you_mean

__all__ = ["Expression", "Function", "FUNCTIONS", "COMPARISONS", "RESERVED", "is_identifier",
           "MAX_EXPRESSION_LENGTH"]

MAX_EXPRESSION_LENGTH = 2000
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

#: What an expression evaluates to: a number, or one value per column.
Value: TypeAlias = float | npt.NDArray[np.float64]
#: True/False, or one per column (numpy's bool arrays; Any keeps ``&`` and ``~`` typed simply).
Mask: TypeAlias = Any


def _round(x: Value, n: Value = 0.0) -> Value:
    """numpy.round's method, for ``n`` per column: scale by 10**n, round half to even, scale back."""
    scale = np.power(10.0, np.abs(n))
    up = np.asarray(n) >= 0
    result: Value = np.where(up, np.rint(np.multiply(x, scale)) / scale, np.rint(np.divide(x, scale)) * scale)
    return result


def _if(cond: Value, a: Value, b: Value) -> Value:
    result: Value = np.where(np.asarray(cond) != 0, a, b)
    return result


def _fold(fn: Callable[[Value, Value], Value]) -> Callable[..., Value]:
    def folded(*args: Value) -> Value:
        value = args[0]
        for arg in args[1:]:
            value = fn(value, arg)
        return value
    return folded


@dataclass(frozen=True)
class Function:
    """One function expressions may call: the single table the engine, the docs and the
    what-if page read.

    ``domain`` gives, for the arguments, a mask of the columns *outside* the domain
    (None: every real argument is allowed); ``rule`` says the domain in words, about the
    argument named ``argument``.  Whatever the domain, a result must be a finite number.
    """

    name: str
    least: int  # fewest arguments
    most: int | None  # most arguments (None: any number)
    implementation: Callable[..., Value] = field(repr=False)
    description: str
    example: str  # an expression using it, with no parameters
    value: float  # what the example evaluates to
    domain: Callable[..., Mask] | None = field(default=None, repr=False)
    rule: str = ""
    argument: int = 0  # which argument the domain rule is about

    @property
    def signature(self) -> str:
        if self.name in ("min", "max"):
            return f"{self.name}(a, b, ...)"
        return {"round": "round(x) or round(x, n)", "if": "if(cond, a, b)"}.get(self.name, f"{self.name}(x)")


def _positive(x: Value, *_: Value) -> Mask:
    return ~(np.asarray(x) > 0)


def _whole(_x: Value, n: Value = 0.0) -> Mask:
    digits = np.asarray(n)
    return ~np.isfinite(digits) | (np.floor(digits) != digits) | (np.abs(digits) > 308)


#: The functions, in the order the docs list them.
FUNCTIONS: Mapping[str, Function] = {f.name: f for f in (
    Function("min", 2, None, _fold(np.minimum), "the smallest argument", "min(3, 1, 2)", 1.0),
    Function("max", 2, None, _fold(np.maximum), "the largest argument", "max(3, 1, 2)", 3.0),
    Function("abs", 1, 1, np.abs, "absolute value", "abs(-2.5)", 2.5),
    Function("exp", 1, 1, np.exp, "e to the power x", "exp(0)", 1.0),
    Function("log", 1, 1, np.log, "natural logarithm", "log(exp(2))", 2.0,
             _positive, "x > 0"),
    Function("log10", 1, 1, np.log10, "logarithm to base 10", "log10(1000)", 3.0,
             _positive, "x > 0"),
    Function("sqrt", 1, 1, np.sqrt, "square root", "sqrt(2.25)", 1.5,
             lambda x: ~(np.asarray(x) >= 0), "x >= 0"),
    Function("floor", 1, 1, np.floor, "the largest whole number <= x", "floor(-2.5)", -3.0),
    Function("ceil", 1, 1, np.ceil, "the smallest whole number >= x", "ceil(-2.5)", -2.0),
    Function("round", 1, 2, _round,
             "x rounded to n decimals (default 0), half to even as numpy.round: x * 10**n is "
             "rounded half to even and divided by 10**n (n < 0: x / 10**-n, rounded, times 10**-n); "
             "so round(2.5) is 2 and round(2.675, 2) is 2.68", "round(2.5) + round(0.125, 2)", 2.12,
             _whole, "a whole number n, -308 <= n <= 308", 1),
    Function("if", 3, 3, _if,
             "a where cond is not 0, b where it is 0; only the branch taken must be computable",
             "if(2 > 1, 10, 20)", 10.0),
)}

#: Comparison operators: each gives 1.0 (true) or 0.0 (false).  ``and``, ``or`` and ``not``
#: treat any number other than 0 as true and give 1.0 or 0.0; ``and``/``or`` look at their
#: right side only where the left does not decide (so ``x > 0 and log(x) < 1`` is safe).
COMPARISONS: Mapping[str, Callable[[Value, Value], Value]] = {
    "<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
    "==": np.equal, "!=": np.not_equal,
}
_COMPARE: dict[type[ast.cmpop], str] = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
                                        ast.Eq: "==", ast.NotEq: "!="}
_BINARY: dict[type[ast.operator], str] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/",
                                          ast.Pow: "**"}

#: Names a parameter may not take: the functions of the first format version.  (Functions
#: added later are not reserved, so older files with a parameter called ``log`` still load:
#: ``log(x)`` is the function, a bare ``log`` the parameter.)
RESERVED = frozenset({"min", "max", "abs"})

# ``if`` is a Python keyword, so ``if(`` is renamed to this two-character identifier (same
# length: positions stay right) before ast reads the text; no parameter name can be it.
_IF = "\u0131\u0192"
_IF_CALL = re.compile(r"\bif(?=\s*\()")

#: One postfix instruction: ``("const", x)``, ``("name", parameter)``, ``("neg",)``,
#: ``("not",)``, ``("bin", "+" | "-" | "*" | "/" | "**")``, ``("cmp", "<" | "<=" | ...)``,
#: ``("bool", "and" | "or")``, ``("call", function, argument count)``.  An expression's
#: ``starts[i]`` is where instruction i's subprogram begins, which locates its operands.
_Op: TypeAlias = (tuple[Literal["const"], float] | tuple[Literal["name"], str] | tuple[Literal["neg"]]
                  | tuple[Literal["not"]] | tuple[Literal["bin", "cmp", "bool"], str]
                  | tuple[Literal["call"], str, int])


def is_identifier(name: str) -> bool:
    """True if ``name`` can be used as a parameter name in expressions."""
    return bool(_IDENTIFIER.match(name)) and name not in RESERVED


_NOT_FINITE = "the result is not a finite number"


@dataclass(frozen=True, slots=True)
class _Failure:
    """A domain problem at one instruction: where (``bad``, a mask or a bool) and why."""

    what: str  # e.g. "log(a - 1) needs a - 1 > 0"
    shown: str | None  # the sub-expression whose value is shown, e.g. "a - 1" (None: none)
    values: Value  # its values
    bad: Mask


@dataclass(frozen=True, slots=True)
class Expression:
    """A number or a parsed arithmetic expression over parameter names.

    ``source`` is what the author wrote (a float for plain numbers, the text otherwise),
    so a scenario can be written back unchanged.
    """

    source: float | str
    program: tuple[_Op, ...] = field(repr=False, compare=False)
    names: frozenset[str] = field(repr=False, compare=False)
    # Per instruction: where its subprogram starts, and the text of the sub-expression.
    starts: tuple[int, ...] = field(default=(0,), repr=False, compare=False)
    texts: tuple[str, ...] = field(default=("",), repr=False, compare=False)

    @classmethod
    def number(cls, value: float) -> Expression:
        """An expression that is a plain number."""
        value = float(value)
        return cls(value, (("const", value),), frozenset(), (0,), (format_number(value),))

    @classmethod
    def parse(cls, text: str) -> Expression:
        """Parse ``text``; raise :class:`ExpressionError` saying what is wrong.

        >>> Expression.parse("2 *").source
        Traceback (most recent call last):
        ...
        scenarios.errors.ExpressionError: expression '2 *' does not parse: invalid syntax
        >>> Expression.parse("exq(1)")
        Traceback (most recent call last):
        ...
        scenarios.errors.ExpressionError: expression 'exq(1)': unknown function 'exq' (did you mean 'exp'?)
        """
        if not isinstance(text, str):
            raise TypeError(f"expression text must be a str, not {type(text).__name__}")
        if len(text) > MAX_EXPRESSION_LENGTH:
            raise ExpressionError(
                f"expression is {len(text)} characters long (at most {MAX_EXPRESSION_LENGTH})"
            )
        odd = next((ch for ch in text if not ch.isascii()), None)
        if odd is not None:
            raise ExpressionError(f"expression {text!r}: character {odd!r} is not allowed (ASCII only)")
        stripped = _IF_CALL.sub(_IF, text.strip())
        try:
            tree = ast.parse(stripped, mode="eval")
        except SyntaxError as exc:
            raise ExpressionError(f"expression {text!r} does not parse: {exc.msg}") from None
        except (RecursionError, MemoryError, ValueError):
            raise ExpressionError(f"expression {text!r} is nested too deeply") from None
        program, starts, texts, names = _compile(tree.body, text, stripped)
        if len(program) == 1 and (first := program[0])[0] == "const":
            return cls(first[1], program, names, starts, texts)
        return cls(text, program, names, starts, texts)

    @property
    def is_number(self) -> bool:
        return not self.names and len(self.program) == 1

    @overload
    def evaluate(self, env: Mapping[str, float]) -> float: ...
    @overload
    def evaluate(self, env: Mapping[str, Value]) -> Value: ...

    def evaluate(self, env: Mapping[str, Value]) -> Value:
        """Evaluate with parameter values from ``env`` (numbers or same-shaped arrays).

        Raises :class:`ExpressionError` for an unknown name, or where a value is used
        outside its domain (a division by zero, ``log`` of a number <= 0, ...) or the
        result is not a finite real number: the message names the expression, every
        problem, the values, and the parameters' values in the first failing column.
        """
        result, failed, failures = self._run(env)
        if failed is None:
            return result if isinstance(result, np.ndarray) and result.ndim else float(result)
        raise ExpressionError(self._message(failures, failed, env))

    def evaluate_columns(self, env: Mapping[str, Value], n: int
                         ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_] | None, str | None]:
        """``(values, failed, message)`` for ``n`` columns, without raising for a domain problem.

        ``failed`` is None when every column evaluates, else the mask of columns that do
        not (their values are undefined); ``message`` then says what failed, without the
        values of any one column (it describes them all).  An unknown name still raises.

        >>> values, failed, message = Expression.parse("log(x)").evaluate_columns({"x": np.array([1.0, -1.0])}, 2)
        >>> failed.tolist(), message
        ([False, True], "expression 'log(x)': log(x) needs x > 0")
        """
        result, failed, failures = self._run(env)
        values = np.broadcast_to(np.asarray(result, dtype=float), (n,)).copy()
        if failed is None:
            return values, None, None
        failed = np.broadcast_to(failed, (n,)).copy()
        whats = list(dict.fromkeys(f.what for f in failures))
        return values, failed, f"expression {self.source!r}: " + "; ".join(whats)

    # -- the machine ------------------------------------------------------------------------
    def _run(self, env: Mapping[str, Value]) -> tuple[Value, Mask | None, list[_Failure]]:
        """Compute every instruction for every column; ``(result, failed or None, failures)``."""
        stack: list[Value] = []
        checks: list[tuple[int, _Failure]] = []
        chosen: dict[int, Mask] = {}  # per if/and/or: where its first operand is not 0
        program, texts = self.program, self.texts
        with np.errstate(all="ignore"):
            for i, op in enumerate(program):
                if op[0] == "const":
                    stack.append(op[1])
                elif op[0] == "name":
                    try:
                        stack.append(env[op[1]])
                    except KeyError:
                        raise ExpressionError(
                            f"expression {self.source!r}: unknown parameter {op[1]!r}"
                            f"{did_you_mean(op[1], env)}"
                        ) from None
                elif op[0] == "neg":
                    stack.append(np.negative(stack.pop()))
                elif op[0] == "not":
                    stack.append((np.asarray(stack.pop()) == 0).astype(float))
                elif op[0] == "bin":
                    right = stack.pop()
                    left = stack.pop()
                    stack.append(self._binary(i, op[1], left, right, checks))
                elif op[0] == "cmp":
                    right = stack.pop()
                    left = stack.pop()
                    stack.append(np.asarray(COMPARISONS[op[1]](left, right), dtype=float))
                elif op[0] == "bool":  # and / or
                    right = stack.pop()
                    left = np.asarray(stack.pop()) != 0
                    chosen[i] = left
                    if op[1] == "and":
                        stack.append((left & (np.asarray(right) != 0)).astype(float))
                    else:
                        stack.append((left | (np.asarray(right) != 0)).astype(float))
                else:  # call
                    fn = FUNCTIONS[op[1]]
                    args = stack[len(stack) - op[2]:]
                    del stack[len(stack) - op[2]:]
                    if fn.name == "if":
                        chosen[i] = np.asarray(args[0]) != 0
                    elif fn.domain is not None and len(args) > fn.argument:
                        bad = fn.domain(*args)
                        if np.any(bad):
                            shown = texts[self._operands(i)[fn.argument]]
                            about = fn.rule.startswith("x ")  # "x > 0": about this argument
                            rule = shown + fn.rule[1:] if about else fn.rule
                            value = None if about and _IDENTIFIER.match(shown) else shown
                            checks.append((i, _Failure(f"{texts[i]} needs {rule}", value, args[fn.argument], bad)))
                    stack.append(fn.implementation(*args))
        result = stack.pop()
        nonfinite = ~np.isfinite(result)
        if not checks and not np.any(nonfinite):
            return result, None, []
        used = self._used(chosen) if checks else {}
        failures: list[_Failure] = []
        failed: Mask = np.zeros(np.shape(result), dtype=bool)
        for i, failure in checks:
            real = np.asarray(failure.bad) & used.get(i, True)
            if np.any(real):
                failures.append(_Failure(failure.what, failure.shown, failure.values, real))
                failed = failed | real
        rest = nonfinite & ~failed
        if np.any(rest):
            failures.append(_Failure(_NOT_FINITE, None, result, rest))
            failed = failed | rest
        if not np.any(failed):
            return result, None, []
        return result, failed, failures

    def _binary(self, i: int, symbol: str, left: Value, right: Value,
                checks: list[tuple[int, _Failure]]) -> Value:
        if symbol == "+":
            return np.add(left, right)
        if symbol == "-":
            return np.subtract(left, right)
        if symbol == "*":
            return np.multiply(left, right)
        if symbol == "/":
            zero = np.asarray(right) == 0
            if np.any(zero):
                shown = self.texts[i - 1]
                what = "division by zero" + ("" if _IDENTIFIER.match(shown) else f" ({shown} is 0)")
                checks.append((i, _Failure(what, None, right, zero)))
            return np.divide(left, right)
        result: Value = np.power(np.asarray(left, dtype=float), right)
        odd = np.isnan(result) & ~np.isnan(left) & ~np.isnan(right)
        if np.any(odd):
            checks.append((i, _Failure(f"power is not a real number ({self.texts[i]})", None, result, odd)))
        return result

    def _operands(self, i: int) -> list[int]:
        """The instructions computing the operands of instruction ``i``, first operand first."""
        op = self.program[i]
        arity = {"const": 0, "name": 0, "neg": 1, "not": 1}.get(op[0], 2)
        if op[0] == "call":
            arity = op[2]  # a call carries its argument count
        roots: list[int] = []
        j = i - 1
        for _ in range(arity):
            roots.append(j)
            j = self.starts[j] - 1
        return roots[::-1]

    def _used(self, chosen: Mapping[int, Mask]) -> dict[int, Mask]:
        """Per instruction, where its value is used: everywhere for the result, only where an
        ``if`` takes a branch for that branch, only where ``and``/``or`` is undecided by its
        left side for the right side.  Parents come after their operands, so one backward
        pass suffices."""
        used: dict[int, Mask] = {len(self.program) - 1: True}
        for i in range(len(self.program) - 1, -1, -1):
            here = used.get(i, False)
            operands = self._operands(i)
            op = self.program[i]
            if i in chosen and op[0] == "call":  # if(cond, a, b)
                cond, a, b = operands
                used[cond] = here
                used[a] = here & chosen[i]
                used[b] = here & ~chosen[i]
            elif i in chosen and op[0] == "bool":  # and / or
                left, right = operands
                used[left] = here
                used[right] = here & (chosen[i] if op[1] == "and" else ~chosen[i])
            else:
                for j in operands:
                    used[j] = here
        return used

    def _message(self, failures: list[_Failure], failed: Mask, env: Mapping[str, Value]) -> str:
        """Every problem of the first failing column, with the values there."""
        failed = np.asarray(failed)
        column = int(np.flatnonzero(failed.ravel())[0]) if failed.ndim else 0

        def at(values: Value) -> str:
            v = np.asarray(values, dtype=float)
            return _show(float(v.ravel()[column] if v.ndim else v))

        parts = []
        for f in failures:
            if np.ndim(f.bad) and not np.asarray(f.bad).ravel()[column]:
                continue  # a problem of other columns
            if f.what == _NOT_FINITE:
                parts.append(f"{f.what} ({at(f.values)})")
            elif f.shown is None:
                parts.append(f.what)  # a parameter's value is shown below
            elif _is_number(f.shown):
                parts.append(f"{f.what}, not {f.shown}")
            else:
                parts.append(f"{f.what}, but {f.shown} = {at(f.values)}")
        where = [f"{name} = {at(env[name])}" for name in sorted(self.names) if name in env]
        notes = ["where " + ", ".join(where[:8]) + (", …" if len(where) > 8 else "")] if where else []
        if failed.ndim and failed.size > 1:
            notes.append(f"{int(failed.sum())} of {failed.size} evaluated together fail")
        text = f"expression {self.source!r}: " + "; ".join(parts)
        return text + (" (" + "; ".join(notes) + ")" if notes else "")

    def __str__(self) -> str:
        return format_number(self.source) if isinstance(self.source, float) else self.source


format_number = formatting.shortest


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _show(x: float) -> str:
    return format_number(x) if math.isfinite(x) else str(x)


def _compile(root: ast.AST, text: str, renamed: str
             ) -> tuple[tuple[_Op, ...], tuple[int, ...], tuple[str, ...], frozenset[str]]:
    """Check ``root`` against the whitelist and flatten it to postfix, iteratively.

    Returns the program, where each instruction's subprogram starts, each instruction's
    source text, and the parameter names used.
    """
    program: list[_Op] = []
    starts: list[int] = []
    texts: list[str] = []
    names: set[str] = set()

    def emit(op: _Op, node: ast.AST, start: int) -> None:
        program.append(op)
        starts.append(start)
        segment = ast.get_source_segment(renamed, node) or ""
        texts.append(" ".join(segment.replace(_IF, "if").split()))

    # (node, start of its subprogram or -1 when not yet expanded)
    todo: list[tuple[ast.AST, int]] = [(root, -1)]
    while todo:
        node, start = todo.pop()
        expanded = start >= 0
        here = len(program)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise ExpressionError(f"expression {text!r}: {node.value!r} is not a number")
            try:
                value = float(node.value)
            except OverflowError:
                raise ExpressionError(f"expression {text!r}: number too large") from None
            if not math.isfinite(value):
                raise ExpressionError(f"expression {text!r}: number is not finite")
            emit(("const", value), node, here)
        elif isinstance(node, ast.Name):
            if node.id in FUNCTIONS and node.id in RESERVED:
                raise ExpressionError(f"expression {text!r}: {node.id!r} is a function")
            names.add(node.id)
            emit(("name", node.id), node, here)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
            if not expanded:
                todo.append((node, here))
                todo.append((node.operand, -1))
            elif isinstance(node.op, ast.USub):
                emit(("neg",), node, start)
            elif isinstance(node.op, ast.Not):
                emit(("not",), node, start)
            # unary plus emits nothing: the operand is the value
        elif isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            if expanded:
                emit(("bin", _BINARY[type(node.op)]), node, start)
            else:
                todo += [(node, here), (node.right, -1), (node.left, -1)]
        elif isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE:
            if expanded:
                emit(("cmp", _COMPARE[type(node.ops[0])]), node, start)
            else:
                todo += [(node, here), (node.comparators[0], -1), (node.left, -1)]
        elif isinstance(node, ast.BoolOp):
            word = "and" if isinstance(node.op, ast.And) else "or"
            if expanded:
                emit(("bool", word), node, start)
            elif len(node.values) > 2:  # a and b and c is (a and b) and c
                inner = ast.BoolOp(op=node.op, values=node.values[:-1])
                inner = ast.copy_location(inner, node.values[0])
                inner.end_lineno, inner.end_col_offset = node.values[-2].end_lineno, node.values[-2].end_col_offset
                todo += [(node, here), (node.values[-1], -1), (inner, -1)]
            else:
                todo += [(node, here), (node.values[1], -1), (node.values[0], -1)]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            name = "if" if node.func.id == _IF else node.func.id
            fn = FUNCTIONS.get(name)
            if fn is None:
                hint = did_you_mean(name, FUNCTIONS) or " (use " + ", ".join(FUNCTIONS) + ")"
                raise ExpressionError(f"expression {text!r}: unknown function {name!r}{hint}")
            if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
                raise ExpressionError(f"expression {text!r}: {name}() takes plain arguments only")
            if len(node.args) < fn.least or (fn.most is not None and len(node.args) > fn.most):
                wanted = (f"exactly {fn.least}" if fn.least == fn.most else f"at least {fn.least}"
                          if fn.most is None else f"{fn.least} to {fn.most}")
                raise ExpressionError(
                    f"expression {text!r}: {name}() takes {wanted} argument(s), got {len(node.args)}"
                )
            if expanded:
                emit(("call", name, len(node.args)), node, start)
            else:
                todo.append((node, here))
                for arg in reversed(node.args):
                    todo.append((arg, -1))
        else:
            what = type(node).__name__
            hint = ""
            if isinstance(node, ast.Call):
                what = "calling something other than a function name"
            elif isinstance(node, (ast.BinOp, ast.UnaryOp)):
                what = f"operator {type(node.op).__name__}"
            elif isinstance(node, ast.Compare):
                what = "a chained comparison" if len(node.ops) > 1 else f"comparison {type(node.ops[0]).__name__}"
                hint = " (write (a < b) and (b < c))" if len(node.ops) > 1 else ""
            elif isinstance(node, ast.IfExp):
                what, hint = "'a if cond else b'", " (write if(cond, a, b))"
            raise ExpressionError(
                f"expression {text!r}: {what} is not allowed{hint} (use numbers, parameter names, "
                "+ - * / **, parentheses, comparisons, and, or, not, and the functions "
                + ", ".join(FUNCTIONS) + ")"
            )
    return tuple(program), tuple(starts), tuple(texts), frozenset(names)

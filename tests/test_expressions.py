"""Expressions: safe arithmetic over parameters (contract: "Parameters and expressions")."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scenarios.errors import ExpressionError
from scenarios.expressions import MAX_EXPRESSION_LENGTH, Expression, is_identifier

ENV = {"a": 2.0, "b": 3.0, "p_x": 0.25, "_c": -1.5}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1.0),
        ("  0.5  ", 0.5),
        ("1 + 2 * 3", 7.0),  # * binds tighter than +
        ("(1 + 2) * 3", 9.0),
        ("10 - 4 - 3", 3.0),  # left associative
        ("8 / 4 / 2", 1.0),  # left associative
        ("2 ** 3 ** 2", 512.0),  # ** is right associative: 2 ** 9
        ("-2 ** 2", -4.0),  # unary minus binds looser than **: -(2 ** 2)
        ("(-2) ** 2", 4.0),
        ("2 ** -1", 0.5),
        ("--3", 3.0),
        ("+3", 3.0),
        ("-a", -2.0),
        ("a * b - p_x", 5.75),
        ("1 - p_x - _c", 2.25),  # 1 - 0.25 + 1.5
        ("a / b", 2.0 / 3.0),
        ("min(a, b)", 2.0),
        ("max(a, b, 10, -1)", 10.0),
        ("min(3, max(a, b))", 3.0),
        ("abs(_c)", 1.5),
        ("abs(a - b)", 1.0),
        ("max(0, 1 - p_x - a)", 0.0),
        ("1e-3", 0.001),
        ("1_000", 1000.0),
        ("4 ** 0.5", 2.0),
    ],
)
def test_arithmetic(text, expected):
    assert Expression.parse(text).evaluate(ENV) == pytest.approx(expected, rel=1e-15)


def test_deep_unary_minus_evaluates_without_recursion():
    # 1990 minus signs cancel out; 1991 leave one.  The evaluator is a stack machine.
    assert Expression.parse("-" * 1990 + "1").evaluate({}) == 1.0
    assert Expression.parse("-" * 1991 + "a").evaluate(ENV) == -2.0


def test_names_are_collected():
    assert Expression.parse("max(0, 1 - p_a - p_b) * k").names == {"p_a", "p_b", "k"}
    assert Expression.parse("min(1, 2)").names == frozenset()


def test_number_expression_keeps_source():
    assert Expression.number(3).source == 3.0
    assert Expression.number(3).is_number
    assert Expression.parse("0.25").is_number
    assert not Expression.parse("a + 1").is_number
    assert str(Expression.parse("a + 1")) == "a + 1"


def test_evaluates_elementwise_on_arrays():
    a = np.array([0.0, 1.0, 2.0])
    result = Expression.parse("max(a, 1) * 2 + abs(-a) - min(a, 0.5)").evaluate({"a": a})
    # element-wise by hand: a=0: 2+0-0 = 2; a=1: 2+1-0.5 = 2.5; a=2: 4+2-0.5 = 5.5
    np.testing.assert_allclose(result, [2.0, 2.5, 5.5])


def test_array_division_by_zero_in_any_element_is_an_error():
    with pytest.raises(ExpressionError, match="division by zero"):
        Expression.parse("1 / a").evaluate({"a": np.array([1.0, 0.0])})


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("__import__('os').system('echo pwned')", id="import-call"),
        pytest.param("os.system", id="attribute"),
        pytest.param("a.real", id="attribute-on-name"),
        pytest.param("(1).__class__", id="dunder-attribute"),
        pytest.param("exq(1)", id="unknown-function"),
        pytest.param("a < b < 3", id="chained-comparison"),
        pytest.param("a is b", id="is"),
        pytest.param("a in b", id="in"),
        pytest.param("if(1, 2)", id="if-two-arguments"),
        pytest.param("round(1, 2, 3)", id="round-three-arguments"),
        pytest.param("log()", id="log-no-argument"),
        pytest.param("é + 1", id="non-ascii"),
        pytest.param("eval('1')", id="eval"),
        pytest.param("lambda: 1", id="lambda"),
        pytest.param("'abc'", id="string"),
        pytest.param("b'abc'", id="bytes"),
        pytest.param("f'{a}'", id="f-string"),
        pytest.param("~1", id="invert"),
        pytest.param("a[0]", id="subscript"),
        pytest.param("[1, 2]", id="list"),
        pytest.param("(1, 2)", id="tuple"),
        pytest.param("{1: 2}", id="dict"),
        pytest.param("a if b else 1", id="conditional"),
        pytest.param("(x := 1)", id="walrus"),
        pytest.param("7 // 2", id="floor-division"),
        pytest.param("7 % 2", id="modulo"),
        pytest.param("1 << 2", id="shift"),
        pytest.param("1 @ 2", id="matmul"),
        pytest.param("True", id="bool"),
        pytest.param("None", id="none"),
        pytest.param("1j", id="complex"),
        pytest.param("min", id="bare-function-name"),
        pytest.param("min(1)", id="min-one-argument"),
        pytest.param("abs(1, 2)", id="abs-two-arguments"),
        pytest.param("max(*a)", id="starred"),
        pytest.param("max(a=1, b=2)", id="keywords"),
        pytest.param("", id="empty"),
        pytest.param("1 +", id="incomplete"),
        pytest.param("1 2", id="two-numbers"),
        pytest.param("a = 1", id="assignment"),
        pytest.param("import os", id="statement"),
        pytest.param("1\n+ 2", id="newline"),
        pytest.param("1e999", id="overflowing-literal"),
        pytest.param("1" + "0" * 400, id="huge-integer-literal"),
        pytest.param("x" * (MAX_EXPRESSION_LENGTH + 1), id="too-long"),
        pytest.param("(" * 300 + "1" + ")" * 300, id="deep-parentheses"),
    ],
)
def test_rejected_at_parse(text):
    with pytest.raises(ExpressionError):
        Expression.parse(text)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("1/0", "division by zero"),
        ("a / (b - 3)", "division by zero"),
        ("(-1)**0.5", "not a real number"),
        ("_c ** 0.5", "not a real number"),
        ("10 ** 400", "finite"),
        ("9 ** 9 ** 9", "finite"),
        ("2.0 ** 1e6", "finite"),
        ("0 ** -1", "finite"),
        ("1e308 * 10", "finite"),
        ("unknown + 1", "unknown parameter 'unknown'"),
    ],
)
def test_rejected_at_evaluation(text, fragment):
    expression = Expression.parse(text)
    with pytest.raises(ExpressionError, match=fragment.replace("(", r"\(")):
        expression.evaluate(ENV)


def test_huge_power_is_refused_quickly():
    # A Python int power would compute 9**387420489 (hundreds of MB, minutes); floats overflow.
    start = time.perf_counter()
    with pytest.raises(ExpressionError):
        Expression.parse("9 ** 9 ** 9").evaluate({})
    assert time.perf_counter() - start < 1.0


def test_never_eval(monkeypatch):
    """A hostile text is rejected by the whitelist; eval/exec are never called and compile
    only ever builds an AST (which is how ``ast.parse`` works), never code."""
    import ast
    import builtins

    real_compile = builtins.compile

    def forbidden(*args, **kwargs):
        raise AssertionError("eval or exec was called")

    def ast_only(source, filename, mode, flags=0, *args, **kwargs):
        assert flags & ast.PyCF_ONLY_AST, "compile() was asked for code, not an AST"
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    monkeypatch.setattr(builtins, "compile", ast_only)
    with pytest.raises(ExpressionError):
        Expression.parse("__import__('os').system('echo pwned')")
    value = Expression.parse("max(a, 1) + 2 ** b").evaluate(ENV)
    monkeypatch.undo()
    assert value == 10.0


def test_parse_rejects_non_text():
    with pytest.raises(TypeError):
        Expression.parse(1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "ok"), [("p_a", True), ("_x1", True), ("A", True),
                                          ("1a", False), ("a-b", False), ("a.b", False),
                                          ("", False), ("min", False), ("max", False),
                                          ("abs", False), ("é", False)])
def test_is_identifier(name, ok):
    assert is_identifier(name) is ok


_ALPHABET = st.sampled_from(list("0123456789.+-*/() ,eEab_") + ["**", "min(", "max(", "abs(", "a", "b",
                                                                 "__", "'", "[", "]", "<", "lambda", "x"])


@given(st.lists(_ALPHABET, max_size=30).map("".join))
def test_fuzz_only_expression_errors(text):
    """Any text either parses or raises ExpressionError; evaluation likewise."""
    try:
        expression = Expression.parse(text)
    except ExpressionError:
        return
    try:
        value = expression.evaluate({"a": 0.5, "b": -2.0, "x": 3.0})
    except ExpressionError:
        return
    assert np.isfinite(value)

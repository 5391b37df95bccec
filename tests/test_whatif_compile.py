"""The what-if page's expression compiler and data, without a browser.

Each expression form is compiled to the page's postfix code and run by a small stack
machine written here (:func:`run`, the page's semantics: errors are values until the end,
``if`` keeps only the taken branch); its value must equal the Python engine's, and an
expression the engine refuses to compute must fail here with the same message.  The
functions the ``expr`` branch adds (exp, log, ..., if) are checked on hand-written code
against :mod:`math` and numpy.
"""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import builders
import scenarios
from scenarios.errors import ExpressionError
from scenarios.export import whatif
from scenarios.export.whatif import OPCODES, WhatIfCompileError, compile_expression, export, page_data
from scenarios.expressions import Expression

OP = OPCODES
NAMES = {"a": 0, "b": 1, "c": 2}


class Failed(Exception):
    pass


def _rint(y: float) -> float:
    return float(np.rint(y))


def run(source: str, code: list[float], env: list[float]) -> float:
    """The page's stack machine, in Python: the reference the JavaScript is written against."""
    stack: list[tuple[float, str | None]] = []
    k = 0
    arity = {OP[n]: 1 for n in ("NEG", "ABS", "EXP", "LOG", "LOG10", "SQRT", "FLOOR", "CEIL", "ROUND", "NOT")}
    while k < len(code):
        op = int(code[k])
        k += 1
        if op == OP["CONST"]:
            stack.append((code[k], None))
            k += 1
        elif op == OP["NAME"]:
            stack.append((env[int(code[k])], None))
            k += 1
        elif op in (OP["MIN"], OP["MAX"]):
            m = int(code[k])
            k += 1
            args = stack[-m:]
            del stack[-m:]
            fn = np.minimum if op == OP["MIN"] else np.maximum
            value = args[0][0]
            for x, _ in args[1:]:
                value = float(fn(value, x))
            stack.append((value, next((e for _, e in args if e), None)))
        elif op == OP["IF"]:
            (c, ec), a, b = stack[-3:]
            del stack[-3:]
            stack.append((c, ec) if ec else (a if c != 0 else b))
        elif op in arity:
            x, e = stack.pop()
            err = None
            with np.errstate(all="ignore"):
                if op == OP["NEG"]:
                    r = -x
                elif op == OP["ABS"]:
                    r = abs(x)
                elif op == OP["EXP"]:
                    r = float(np.exp(x))
                elif op == OP["LOG"]:
                    r, err = (math.log(x), None) if x > 0 else (math.nan, "log() needs a number > 0")
                elif op == OP["LOG10"]:
                    r, err = (math.log10(x), None) if x > 0 else (math.nan, "log10() needs a number > 0")
                elif op == OP["SQRT"]:
                    r, err = (math.sqrt(x), None) if x >= 0 else (math.nan, "sqrt() needs a number >= 0")
                elif op == OP["FLOOR"]:
                    r = float(math.floor(x))
                elif op == OP["CEIL"]:
                    r = float(math.ceil(x))
                elif op == OP["ROUND"]:
                    r = _rint(x)
                else:
                    r = 1.0 if x == 0 else 0.0
            stack.append((r, e or err))
        else:
            b, eb = stack.pop()
            a, ea = stack.pop()
            err = None
            with np.errstate(all="ignore"):
                if op == OP["ADD"]:
                    r = a + b
                elif op == OP["SUB"]:
                    r = a - b
                elif op == OP["MUL"]:
                    r = a * b
                elif op == OP["DIV"]:
                    r, err = (a / b, None) if b != 0 else (math.nan, "division by zero")
                elif op == OP["POW"]:
                    r = float(np.power(a, b))
                    if math.isnan(r):
                        err = "power is not a real number"
                elif op == OP["ROUND2"]:  # numpy.round's method: scale by 10**n, rint, scale back
                    n = int(b)
                    r = float(np.rint(a * 10.0 ** n) / 10.0 ** n if n >= 0 else np.rint(a / 10.0 ** -n) * 10.0 ** -n)
                elif op == OP["AND"]:
                    stack.append((float(a != 0 and b != 0), ea or (None if a == 0 else eb)))
                    continue
                elif op == OP["OR"]:
                    stack.append((float(a != 0 or b != 0), ea or (None if a != 0 else eb)))
                    continue
                else:
                    r = float({OP["LT"]: a < b, OP["LE"]: a <= b, OP["GT"]: a > b, OP["GE"]: a >= b,
                               OP["EQ"]: a == b, OP["NE"]: a != b}[op])
            stack.append((r, ea or eb or err))
    (value, err), = stack
    if err:
        raise Failed(f"expression {source!r}: {err}")
    if not math.isfinite(value):
        raise Failed(f"expression {source!r} is not a finite number ({value})")
    return value


FORMS = ["a", "2.5", "-a", "+a", "a + b * c", "(a - b) / c", "a ** 2", "a ** b", "-a ** 2", "min(a, b)",
         "max(a, b, c, 0)", "abs(a - b)", "max(0, 1 - a - b)", "a / (b - b)", "(-a) ** 0.5", "10 ** 400",
         "1e308 * 10 - 1e308 * 10", "min(a, 1) * 2 - abs(b) / 3", "a - -b", "((a))", "2 ** -1", "0 ** -1"]


@pytest.mark.parametrize("text", FORMS)
@given(a=st.floats(-5, 5), b=st.floats(-5, 5), c=st.floats(0.5, 5))
@settings(max_examples=40, deadline=None)
def test_each_form_computes_what_the_engine_computes(text, a, b, c):
    expr = Expression.parse(text)
    code = compile_expression(expr, NAMES)
    env = {"a": a, "b": b, "c": c}
    try:
        want = expr.evaluate(env)
    except ExpressionError as exc:
        with pytest.raises(Failed) as failed:
            run(str(expr.source), code, [a, b, c])
        # Both refuse, naming the expression (the engine's wording may add the values).
        assert str(failed.value).startswith(f"expression {expr.source!r}")
        assert str(exc).startswith(f"expression {expr.source!r}")
        return
    assert run(str(expr.source), code, [a, b, c]) == want


def _code(*ops):
    out = []
    for op in ops:
        out += [OP[op[0]], *op[1:]] if isinstance(op, tuple) else [OP[op]]
    return out


_X = ("NAME", 0)
#: Hand-written code for the functions of the expr branch: (code, parameter values, value).
FUNCTION_CASES = [
    (_code(_X, "EXP"), [1.5], math.exp(1.5)), (_code(_X, "LOG"), [2.0], math.log(2.0)),
    (_code(_X, "LOG10"), [1000.0], 3.0), (_code(_X, "SQRT"), [2.0], math.sqrt(2.0)),
    (_code(_X, "FLOOR"), [-1.5], -2.0), (_code(_X, "CEIL"), [-1.5], -1.0),
    (_code(_X, "ROUND"), [2.5], 2.0), (_code(_X, "ROUND"), [3.5], 4.0), (_code(_X, "ROUND"), [-2.5], -2.0),
    (_code(_X, ("CONST", 2.0), "ROUND2"), [2.675], float(np.round(2.675, 2))),
    (_code(_X, ("CONST", -1.0), "ROUND2"), [25.0], 20.0),
    (_code(_X, ("CONST", 30.0), "ROUND2"), [1.0 / 3.0], float(np.rint((1 / 3) * 10.0 ** 30) / 10.0 ** 30)),
    (_code(_X, ("CONST", 1.0), "LT"), [0.5], 1.0), (_code(_X, ("CONST", 1.0), "GE"), [0.5], 0.0),
    (_code(_X, ("CONST", 0.5), "EQ"), [0.5], 1.0), (_code(_X, ("CONST", 0.5), "NE"), [0.5], 0.0),
    (_code(_X, "NOT"), [0.0], 1.0),
    # if(x > 0, log(x), 0): the untaken branch's error never surfaces
    (_code(_X, ("CONST", 0.0), "GT", _X, "LOG", ("CONST", 0.0), "IF"), [-1.0], 0.0),
    (_code(_X, ("CONST", 0.0), "GT", _X, "LOG", ("CONST", 0.0), "IF"), [math.e], 1.0),
    # x > 0 and 1 / x > 2: the right side is not looked at when the left is false
    (_code(_X, ("CONST", 0.0), "GT", ("CONST", 1.0), _X, "DIV", ("CONST", 2.0), "GT", "AND"), [0.0], 0.0),
]


def test_the_functions_of_the_expr_branch():
    x = _X
    for code, env, want in FUNCTION_CASES:
        assert run("f", code, env) == want
    with pytest.raises(Failed, match="log"):
        run("f", _code(x, ("CONST", 0.0), "LT", x, "LOG", ("CONST", 0.0), "IF"), [-1.0])


def test_an_unknown_operation_is_a_compile_error():
    strange = Expression("median(a)", (("call", "median", 1),), frozenset({"a"}))
    with pytest.raises(WhatIfCompileError, match="cannot compute"):
        compile_expression(strange, NAMES)
    with pytest.raises(WhatIfCompileError, match="unknown parameter"):
        compile_expression(Expression.parse("zz + 1"), NAMES)


def test_the_mirrored_constants_are_the_engines():
    from scenarios.engine.belief import TIE_DIGITS
    from scenarios.engine.bind import REST_SNAP
    from scenarios.engine.rescale import TOLERANCE
    from scenarios.engine.strategic import TIE_TOLERANCE, tie_threshold

    assert (whatif.TOLERANCE, whatif.TIE_TOLERANCE, whatif.REST_SNAP, whatif.TIE_DIGITS) == (
        TOLERANCE, TIE_TOLERANCE, REST_SNAP, TIE_DIGITS)
    assert tie_threshold(2.0) == 2.0 - whatif.TIE_TOLERANCE * 3.0  # the rule the page writes out


def test_parameters_in_the_engines_order():
    from scenarios.engine.bind import parameter_values

    s = builders.build({"title": "t", "actors": {"u": {}}, "parameters": {"z": "y * 2", "y": "x + 1", "x": 1, "w": 3},
                        "nodes": {"o": {"kind": "outcome", "payoffs": {"u": "z"}}}})
    d = page_data(s)
    order = [d["parameters"][k]["name"] for k in d["param_order"]]
    assert order == list(parameter_values(s.parameters))


def test_page_data_in_the_engines_order():
    s = scenarios.load("oil-wildcatter")
    d = page_data(s)
    r = s.evaluate()
    assert set(d["ids"]) == set(s.nodes) and d["ids"][d["root"]] == s.root
    # branch probabilities: numbers where constant, 'rest' (kind 1) or compiled expressions
    assert len(d["pk"]) == len(d["child"]) == d["start"][-1]
    assert [d["ids"][i] for i in d["outcomes"]] == [n for n, x in s.nodes.items() if x.kind == "outcome"]
    assert {p["name"]: p["value"] for p in d["parameters"]} == pytest.approx(dict(r.parameters))
    for p in d["parameters"]:
        lo, hi = p["range"]
        assert lo < hi


def test_slider_ranges():
    data = builders.wildcatter()
    d = page_data(builders.build(data))
    ranges = {p["name"]: p["range"] for p in d["parameters"]}
    assert ranges["drill_cost"] == [50.0, 90.0]  # low/high
    assert ranges["test_cost"] == [0.0, 20.0]  # twice the value
    assert page_data(builders.build(builders.three_way()))["parameters"][0]["range"] == [0.0, 1.0]


def test_the_page_is_one_file_without_network():
    page = export(scenarios.load("donbas-recognition-2022"))
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "default-src 'none'" in page
    for remote in ("http://", "https://", "<link", "src=", "@import", "url(", "@font-face"):
        assert remote not in page, remote
    assert page.count("<script") == 2 and page.count("</script>") == 2
    for forbidden in ("eval(", "Function(", "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"):
        assert forbidden not in page, forbidden


def test_hostile_text_cannot_leave_the_data():
    data = builders.coin_flip()
    data["title"] = "Coin </script><script>document.title='pwned'</script>"
    data["nodes"]["heads"]["label"] = "<img src=x onerror=alert(1)>"
    data["nodes"]["flip"]["branches"][0]["label"] = "</script>heads"
    page = export(builders.build(data))
    assert page.count("</script>") == 2 and "<img src=x" not in page


def test_export_from_the_command_line(cli, tmp_path):
    target = tmp_path / "page.html"
    status, out, err = cli("export", "oil-wildcatter", "--to", "whatif", "-o", str(target), "--set", "drill_cost=80")
    assert status == 0 and out == "", err
    initial = page_data(scenarios.load("oil-wildcatter"), overrides={"drill_cost": "80"})["initial"]
    assert initial == {"drill_cost": 80.0}
    assert '"initial":{"drill_cost":80.0}' in target.read_text(encoding="utf-8")
    status, _, err = cli("export", "oil-wildcatter", "--to", "whatif", "-o", str(tmp_path / "x.html"),
                         "--set", "start.drill_now=1.5")
    assert status == 1 and "a probability must lie in [0, 1]" in err
    assert not (tmp_path / "x.html").exists()


def test_page_size_for_a_thousand_nodes():
    sys.path.insert(0, str(builders.REPO / "benchmarks"))
    from bench_engine import random_scenario  # the benchmarks' random trees (seeded)

    page = export(builders.build(random_scenario(1000, 1)))
    assert len(page.encode("utf-8")) < 300_000


def test_help_lists_the_format():
    done = subprocess.run([sys.executable, "-m", "scenarios", "export", "--help"], capture_output=True, text=True)
    assert "whatif" in done.stdout


def test_the_guides_commands_run(tmp_path):
    from doc_examples import commands, run_scenarios

    lines = [c for c in commands("docs/analysis.md") + commands("README.md") if "--to whatif" in c]
    assert len(lines) >= 3
    for line in lines:
        done = run_scenarios(line.split()[1:], cwd=tmp_path)
        assert done.returncode == 0, (line, done.stderr)
    assert (tmp_path / "whatif.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_large_scenarios_get_no_tree_drawing():
    page = export(builders.build(builders.deep_chain(450)))
    assert 'id="tree"' not in page and "too many to draw" in page


def test_json_numbers_follow_the_engines_rule():
    data = builders.coin_flip("0.1 + 0.2")  # 0.30000000000000004
    outcomes = builders.build(data).evaluate().to_dict()["outcomes"]
    want = min(o["probability"] for o in outcomes)  # heads (tails, 0.7, is listed first)
    assert (whatif.JSON_DIGITS is None) == (want == 0.1 + 0.2)
    assert whatif.JSON_DIGITS is None  # every JSON output keeps full precision now

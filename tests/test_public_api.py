"""The public names of ``scenarios``: exactly these, each importable, errors in their tree."""

from __future__ import annotations

import subprocess
import sys

import pytest

import scenarios
from scenarios import errors

PUBLIC = {
    "__version__",
    # reading, writing, building
    "load", "loads", "dump", "dumps", "bundled_names", "ScenarioBuilder",
    # analyses and their results
    "evaluate", "solve", "BeliefResult", "SolveResult", "OutcomeRow", "PathRow",
    # stepping through a scenario
    "Walk",
    # the model
    "Scenario", "Node", "Branch", "Actor", "Parameter", "Distribution", "Source", "REST",
    # errors and warnings
    "Diagnostic", "ScenarioError", "ScenarioFileError", "UnknownNameError", "ExpressionError",
    "ProbabilityError", "UnreachableNodeError", "ScenarioWarning",
}


def test_all_is_the_public_names():
    assert set(scenarios.__all__) == PUBLIC
    assert len(scenarios.__all__) == len(set(scenarios.__all__))  # no duplicates


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_every_public_name_exists(name):
    assert getattr(scenarios, name) is not None
    assert name in dir(scenarios)


def test_star_import():
    namespace: dict = {}
    exec("from scenarios import *", namespace)  # noqa: S102 - the test's own code
    assert PUBLIC - {"__version__"} <= set(namespace)


def test_unknown_attribute():
    with pytest.raises(AttributeError):
        scenarios.no_such_name  # noqa: B018


def test_version_is_a_string():
    assert isinstance(scenarios.__version__, str) and scenarios.__version__.count(".") >= 1


def test_error_tree():
    """shared/design/house-style.md section 4: the hierarchy and the builtins mixed in."""
    assert issubclass(errors.ScenarioFileError, errors.ScenarioError)
    assert issubclass(errors.ScenarioFileError, ValueError)
    assert issubclass(errors.UnknownNameError, errors.ScenarioError)
    assert issubclass(errors.UnknownNameError, LookupError)
    assert issubclass(errors.ExpressionError, errors.ScenarioError)
    assert issubclass(errors.ExpressionError, ValueError)
    assert issubclass(errors.ProbabilityError, errors.ScenarioError)
    assert issubclass(errors.ProbabilityError, ValueError)
    assert issubclass(errors.UnreachableNodeError, errors.ScenarioError)
    assert issubclass(errors.UnreachableNodeError, ValueError)
    assert issubclass(errors.ScenarioWarning, UserWarning)
    assert not issubclass(errors.ScenarioWarning, errors.ScenarioError)
    assert scenarios.ScenarioError is errors.ScenarioError


def test_unknown_name_error_message_is_not_repred():
    assert str(errors.UnknownNameError("unknown node 'x'")) == "unknown node 'x'"


def test_diagnostic_is_frozen():
    d = errors.Diagnostic("f", 1, 2, "error", "code", "message")
    with pytest.raises(AttributeError):
        d.line = 3  # type: ignore[misc]


def test_import_is_light():
    """``import scenarios`` alone loads neither numpy nor matplotlib (names load on first use)."""
    code = "import sys, scenarios; print('numpy' in sys.modules, 'matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
    assert out.split() == ["False", "False"]

"""Shared fixtures and Hypothesis profiles.

Tiny scenarios (``entry``, ``diamond``), bundled scenarios loaded once per session
(``entry_bundled``, ``oil``, ``donbas``), a temporary-file writer (``write``), a deep chain,
and the command line: ``cli`` in-process, ``cli_process`` as a user runs it.  Helpers
that run the examples of the documentation are in doc_examples.py.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).parent))  # builders.py and reference.py

import builders  # noqa: E402
import scenarios  # noqa: E402
from doc_examples import run_main, run_scenarios  # noqa: E402

# Fast by default (the suite must stay well under a minute on two busy cores);
# HYPOTHESIS_PROFILE=thorough for a longer hunt.  No example database is written.
settings.register_profile("fast", max_examples=60, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=1000, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))


@pytest.fixture
def write(tmp_path):
    """``write(text, name="s.yaml")`` writes a file under ``tmp_path`` and returns its path."""

    def _write(text: str | bytes, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def entry():
    return scenarios.loads(builders.entry_deterrence_yaml(), filename="entry.yaml")


@pytest.fixture
def diamond():
    return scenarios.Scenario.from_dict(builders.diamond_dag())


@pytest.fixture(scope="session")
def chain_20k():
    """``builders.deep_chain(20_000)`` loaded once (building 20,000 nodes takes a second or two)."""
    return builders.build(builders.deep_chain(20_000))


# -- bundled scenarios, loaded once (scenarios are immutable) ----------------------------------------
@pytest.fixture(scope="session")
def entry_bundled():
    return scenarios.load("entry-deterrence")


@pytest.fixture(scope="session")
def oil():
    return scenarios.load("oil-wildcatter")


@pytest.fixture(scope="session")
def donbas():
    return scenarios.load("donbas-recognition-2022")


# -- the command line ---------------------------------------------------------------------------------
@pytest.fixture
def cli(capsys):
    """``cli(*argv) -> (status, stdout, stderr)``: the command line's ``main`` in-process;
    asserts there is never a traceback."""

    def _cli(*argv):
        status, out, err = run_main(argv, capsys)
        assert "Traceback" not in err and "Traceback" not in out
        return status, out, err

    return _cli


@pytest.fixture(scope="session")
def cli_process():
    """``cli_process(*args, cwd=None) -> CompletedProcess``: ``python -m scenarios ARGS`` as
    a user runs it, output captured as text (each call starts Python: use it sparingly)."""

    def _cli_process(*args, cwd=None, timeout: float = 120):
        return run_scenarios(args, cwd=cwd, timeout=timeout)

    return _cli_process

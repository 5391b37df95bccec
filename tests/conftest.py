"""Shared fixtures (tiny scenarios, a temporary-file writer, a deep chain) and Hypothesis profiles."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).parent))  # builders.py and reference.py

import builders  # noqa: E402
import scenarios  # noqa: E402

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

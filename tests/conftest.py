"""Shared fixtures: the fixture rule base, the shipped one, and a CLI runner that goes
through the real error boundary."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from helpers import MINI_RULES, CliResult, RunCli
from switchadvisor.cli import run
from switchadvisor.rulebase import RuleBase, load_rulebase

# Compiled rule bases are cached in a directory of this run's own, never the user's cache
# (subprocesses inherit it).
os.environ["SWITCHADVISOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="switchadvisor-test-cache-")
atexit.register(shutil.rmtree, os.environ["SWITCHADVISOR_CACHE_DIR"], ignore_errors=True)
os.environ.pop("SWITCHADVISOR_NO_CACHE", None)

# Property-based tests (tests/test_properties.py): CI runs a fixed, derandomised profile;
# HYPOTHESIS_PROFILE=long explores much further on a developer's machine.
settings.register_profile(
    "ci", max_examples=100, derandomize=True, database=None, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.register_profile(
    "long", max_examples=5_000, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plain, fixed-width output and no rule-base override from the environment."""
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("SWITCHADVISOR_RULES", raising=False)
    monkeypatch.delenv("SWITCHADVISOR_DEBUG", raising=False)


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> RunCli:
    """Run the CLI in-process through its error boundary; returns code, stdout, stderr."""

    def invoke(*args: str) -> CliResult:
        code = run(list(args))
        captured = capsys.readouterr()
        return CliResult(int(code), captured.out, captured.err)

    return invoke


@pytest.fixture(scope="session")
def mini_rulebase() -> RuleBase:
    return load_rulebase(MINI_RULES)


@pytest.fixture(scope="session")
def shipped_rulebase() -> RuleBase:
    return load_rulebase()


@pytest.fixture
def mini_copy(tmp_path: Path) -> Iterator[Path]:
    """A writable copy of the fixture rule base, in a directory named rules/."""
    target = tmp_path / "rules"
    shutil.copytree(MINI_RULES, target)
    yield target

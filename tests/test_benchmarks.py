"""The benchmark scripts run and their fixtures are valid (issue 11). Never timed: these check
that each script works in a small mode and reports what it promises, not how fast."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from helpers import RunCli

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def test_compare_rule_base_validates(run_cli: RunCli) -> None:
    result = run_cli("rules", "validate", str(BENCHMARKS / "compare_rules"))
    assert result.exit_code == 0, result
    assert "8 findings" in result.stdout


def test_compare_engines_agree_on_every_record(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("rule_engine")
    pytest.importorskip("zen")
    script = _script("compare_engines")
    assert script.main(["--records", "60", "--rounds", "1"]) == 0
    out = capsys.readouterr().out
    assert "mismatches against the plain-Python decision: 0 " in out
    for name in ("switchadvisor assess", "rule-engine", "zen-engine", "plain Python"):
        assert f"  {name} " in out


def test_compare_engines_fails_when_an_engine_disagrees(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("rule_engine")
    pytest.importorskip("zen")
    script = _script("compare_engines")
    original = script.rule_engine_engine

    def wrong() -> object:
        engine = original()
        return lambda record: engine(record) | {"invented-finding"}

    monkeypatch.setattr(script, "rule_engine_engine", wrong)
    assert script.main(["--records", "20", "--rounds", "1"]) == 1
    assert "rule-engine 20" in capsys.readouterr().out


def test_scaling_builds_a_valid_bigger_rule_base(capsys: pytest.CaptureFixture[str]) -> None:
    script = _script("scaling")
    assert script.main(["--factor", "2", "--runs", "1", "--switches", "20"]) == 0
    out = capsys.readouterr().out
    assert "32 drugs" in out  # 16 shipped drugs, cloned once: the 2× base loaded
    assert "load_rulebase" in out and "assess / switch" in out


def test_startup_times_the_floor_and_both_paths(capsys: pytest.CaptureFixture[str]) -> None:
    if shutil.which("switchadvisor") is None:
        pytest.skip("switchadvisor is not on PATH")
    script = _script("startup")
    assert script.main(["--runs", "1", "--no-in-process"]) == 0
    out = capsys.readouterr().out
    assert "import typer, rich.console, pydantic, yaml" in out
    assert "check --format json" in out and "check (text)" in out

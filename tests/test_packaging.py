"""The rule base is found wherever the package is installed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from switchadvisor.resources import RuleSource, locate_rules


def test_installed_package_uses_its_packaged_rules(tmp_path: Path) -> None:
    # Run from an empty directory so the import comes from the environment, not the checkout.
    code = ("import switchadvisor, switchadvisor.resources as r; "
            "print(switchadvisor.__file__); print(r.locate_rules().source.value)")
    completed = subprocess.run([sys.executable, "-c", code], cwd=tmp_path,
                               capture_output=True, text=True, check=True)
    module_file, source = completed.stdout.split()
    if "site-packages" not in module_file:
        pytest.skip("switchadvisor is installed in editable mode")
    assert source == RuleSource.PACKAGE.value


def test_source_checkout_finds_its_rules() -> None:
    location = locate_rules()
    assert (location.path / "rulebase.yaml").is_file()


def test_environment_variable_overrides(monkeypatch: pytest.MonkeyPatch,
                                        tmp_path: Path) -> None:
    monkeypatch.setenv("SWITCHADVISOR_RULES", str(tmp_path))
    location = locate_rules()
    assert location.source is RuleSource.OVERRIDE
    assert location.path == tmp_path

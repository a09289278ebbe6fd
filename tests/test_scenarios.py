"""The shipped rule base's scenarios, one pytest case each, through the shipped runner."""

from __future__ import annotations

import pytest

from switchadvisor.resources import locate_rules
from switchadvisor.rulebase import RuleBase
from switchadvisor.scenarios import coverage, load_scenarios, run_scenario

SCENARIOS = load_scenarios(locate_rules().path / "scenarios")


def test_there_are_enough_scenarios() -> None:
    assert len(SCENARIOS) >= 40


@pytest.mark.parametrize("loaded", SCENARIOS, ids=[loaded.id for loaded in SCENARIOS])
def test_scenario(shipped_rulebase: RuleBase, loaded: object) -> None:
    result = run_scenario(shipped_rulebase, loaded)  # type: ignore[arg-type]
    assert result.passed, "\n".join(result.failures)


def test_every_finding_is_exercised(shipped_rulebase: RuleBase) -> None:
    report = coverage(shipped_rulebase, SCENARIOS)
    assert report.missing == (), f"findings no scenario exercises: {report.missing}"

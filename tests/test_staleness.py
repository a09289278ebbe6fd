"""The rule base's review date: stated in every format, and a warning when it is more than 12
months before the assessment date (`--on`, or today). The engine never reads the clock."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from helpers import MINI_RULES, RunCli
from switchadvisor.assessment import STALE_WARNING
from switchadvisor.engine import Switch, assess, rulebase_stale
from switchadvisor.errors import ExitCode
from switchadvisor.rulebase import RuleBase

REVIEWED = dt.date(2026, 11, 24)  # the fixture rule base's review date
MINI = ("--rules", str(MINI_RULES))

STALENESS = [
    (dt.date(2026, 11, 24), False),
    (dt.date(2027, 11, 24), False),  # exactly 12 months: not more than 12
    (dt.date(2027, 11, 25), True),
    (dt.date(2030, 1, 1), True),
    (dt.date(2025, 1, 1), False),  # an assessment before the review
]


@pytest.mark.parametrize(("on", "stale"), STALENESS, ids=[str(on) for on, _ in STALENESS])
def test_stale_means_more_than_12_months(on: dt.date, stale: bool) -> None:
    assert rulebase_stale(REVIEWED, on) is stale


def test_a_leap_day_review_is_compared_by_calendar() -> None:
    assert rulebase_stale(dt.date(2024, 2, 29), dt.date(2025, 2, 28)) is False
    assert rulebase_stale(dt.date(2024, 2, 29), dt.date(2025, 3, 1)) is True


def test_engine_takes_the_date_from_its_caller(mini_rulebase: RuleBase) -> None:
    switch = Switch.resolve(mini_rulebase, "fingolimod", "cladribine")
    assert assess(mini_rulebase, switch).rulebase.stale is False  # no date: not judged
    late = assess(mini_rulebase, switch, assessed_on=dt.date(2028, 1, 1))
    assert late.rulebase.stale is True
    assert late.rulebase.reviewed == "2026-11-24"
    via_fact = assess(mini_rulebase, "fingolimod", "cladribine", stopped="2027-12-01",
                      on="2028-01-01")
    assert via_fact.rulebase.stale is True


@pytest.mark.parametrize("output_format", ["text", "markdown", "json"])
def test_every_format_states_the_review_date_and_warns_when_stale(
        run_cli: RunCli, output_format: str) -> None:
    fresh = run_cli("check", "--from", "fingolimod", "--to", "cladribine", "--stopped",
                    "2026-11-01", "--on", "2026-12-01", "-f", output_format, "--width", "200",
                    *MINI)
    stale = run_cli("check", "--from", "fingolimod", "--to", "cladribine", "--stopped",
                    "2028-01-01", "--on", "2028-02-01", "-f", output_format, "--width", "200",
                    *MINI)
    assert fresh.exit_code == stale.exit_code == ExitCode.OK, (fresh, stale)
    assert "2026-11-24" in fresh.stdout
    if output_format == "json":
        assert json.loads(fresh.stdout)["rulebase"]["stale"] is False
        assert json.loads(stale.stdout)["rulebase"]["stale"] is True
        assert json.loads(stale.stdout)["rulebase"]["reviewed"] == "2026-11-24"
    else:
        assert "reviewed 2026-11-24" in fresh.stdout
        assert STALE_WARNING not in " ".join(fresh.stdout.split())
        assert STALE_WARNING in " ".join(stale.stdout.split())


def test_without_on_today_is_the_assessment_date(run_cli: RunCli, mini_copy: Path) -> None:
    meta = mini_copy / "rulebase.yaml"
    meta.write_text(meta.read_text().replace("reviewed: 2026-11-24", "reviewed: 2001-01-01"))
    result = run_cli("check", "--from", "fingolimod", "--to", "cladribine", "-f", "json",
                     "--rules", str(mini_copy))
    assert json.loads(result.stdout)["rulebase"]["stale"] is True


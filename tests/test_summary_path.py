"""Issue 11: batch's summary records come from ``assess_summary`` (and, for the line alone,
``summary_line``), which skip what a summary leaves out. Each must give exactly
``summarize(assess(...))``, byte for byte, for every pair of the shipped drugs and every kind
of fact set: given, missing, at thresholds, out of window; with a current and a stale rule
base."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from switchadvisor import assess, summarize
from switchadvisor.engine import Switch, assess_summary, summary_line
from switchadvisor.facts import parse_facts
from switchadvisor.rulebase import RuleBase

FACT_SETS: list[dict[str, object]] = [
    {},
    {"lymphocytes": "0.6", "weeks_since_stop": "6"},
    {"lymphocytes": "1.0", "weeks_since_stop": "2 months"},
    {"lymphocytes": "300/uL", "lymphocytes_lln": "0.8"},
    {"weeks_since_stop": "0"},
    {"weeks_since_stop": "110"},
    {"lymphocytes": "2.0", "weeks_since_stop": "40", "disease_activity": "highly-active",
     "age": "60", "jcv": "positive", "pregnancy_planned": True},
    {"disease_activity": "none", "jcv": "negative", "pregnancy_planned": False, "age": "25"},
]


@pytest.mark.parametrize("facts", FACT_SETS, ids=lambda facts: ",".join(facts) or "none")
def test_the_summary_path_equals_summarizing_the_full_assessment(
        shipped_rulebase: RuleBase, facts: dict[str, object]) -> None:
    for from_id, to_id in itertools.permutations(sorted(shipped_rulebase.drugs), 2):
        expected = summarize(assess(shipped_rulebase, from_id, to_id, record_id=7, **facts))
        got = assess_summary(shipped_rulebase, from_id, to_id, record_id=7, **facts)
        assert got.to_json_line() == expected.to_json_line(), (from_id, to_id, facts)
        assert got == expected


def test_the_summary_path_refuses_what_assess_refuses(shipped_rulebase: RuleBase) -> None:
    from switchadvisor.errors import InputError

    for bad in ({"lymphocytes": "45"}, {"weeks_since_stop": "-3"}):
        with pytest.raises(InputError) as full:
            assess(shipped_rulebase, "fingolimod", "alemtuzumab", **bad)
        with pytest.raises(InputError) as summary:
            assess_summary(shipped_rulebase, "fingolimod", "alemtuzumab", **bad)
        assert str(summary.value) == str(full.value)


@pytest.mark.parametrize("on", [dt.date(2026, 12, 1), dt.date(2031, 1, 1)],
                         ids=["current", "stale"])
@pytest.mark.parametrize("facts", FACT_SETS, ids=lambda facts: ",".join(facts) or "none")
def test_the_summary_line_is_the_summary_records_json(
        shipped_rulebase: RuleBase, facts: dict[str, object], on: dt.date) -> None:
    read = parse_facts(facts)
    for number, (from_id, to_id) in enumerate(
            itertools.permutations(sorted(shipped_rulebase.drugs), 2)):
        record_id = f"r{number}" if number % 2 else number
        received = {"from": from_id, "to": to_id, **facts}
        expected = summarize(assess(shipped_rulebase, from_id, to_id, assessed_on=on,
                                    received=received, record_id=record_id, **facts))
        switch = Switch.resolve(shipped_rulebase, from_id, to_id)
        line = summary_line(shipped_rulebase, switch, read, on, received, record_id)
        assert line == (expected.to_json_line(), expected.verdict, expected.worst_possible), \
            (from_id, to_id, facts)
        assert expected.rulebase.stale is (on.year > 2030)

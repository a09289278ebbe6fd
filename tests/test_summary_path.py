"""Issue 11: batch's summary records come from ``assess_summary``, which skips what a summary
leaves out. It must give exactly ``summarize(assess(...))``, byte for byte, for every pair of
the shipped drugs and every kind of fact set: given, missing, at thresholds, out of window."""

from __future__ import annotations

import itertools

import pytest

from switchadvisor import assess, summarize
from switchadvisor.engine import assess_summary
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

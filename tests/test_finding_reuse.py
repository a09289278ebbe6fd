"""Issue 11: a finding whose condition met the same facts before is reused, not rebuilt.

The reuse is keyed by the value and the reading (how it was written) of each fact the
condition names; these tests hold every reused finding equal to one built on an empty cache,
for facts that compare equal but are worded differently.
"""

from __future__ import annotations

import itertools

from switchadvisor import assess
from switchadvisor.facts import Facts
from switchadvisor.rulebase import RuleBase

# Equal values, each written its own way: the trace quotes the input as written.
SPELLINGS: list[dict[str, object]] = [
    {"lymphocytes": "600/uL", "weeks_since_stop": 6},
    {"lymphocytes": 0.6, "weeks_since_stop": "6"},
    {"lymphocytes": "0.6e9/L", "weeks_since_stop": "42d"},
    {"lymphocytes": "600/uL", "weeks_since_stop": "42d", "pregnancy_planned": True},
    {"lymphocytes": 0.6, "weeks_since_stop": 6, "pregnancy_planned": False},
    {},
]


def _cold(rulebase: RuleBase, from_id: str, to_id: str, facts: object) -> str:
    rulebase.cache.pop("engine", None)
    return assess(rulebase, from_id, to_id, facts=facts).to_json()  # type: ignore[arg-type]


def test_reused_findings_equal_fresh_ones_for_every_pair(shipped_rulebase: RuleBase) -> None:
    """Each fact set assessed three times, interleaved with the others (a finding is kept on
    its second meeting and reused on the third), gives what an empty cache gives."""
    for from_id, to_id in itertools.permutations(sorted(shipped_rulebase.drugs), 2):
        expected = [_cold(shipped_rulebase, from_id, to_id, facts) for facts in SPELLINGS]
        for _ in range(3):
            again = [assess(shipped_rulebase, from_id, to_id, facts=facts).to_json()
                     for facts in SPELLINGS]
            assert again == expected, (from_id, to_id)


def test_equal_numbers_without_a_reading_are_not_confused(
        shipped_rulebase: RuleBase) -> None:
    """-0.0 equals 0.0 but is written "-0": facts built directly (no reading) are not
    mixed up by the reuse."""
    fact_sets = [Facts(weeks_since_stop=0.0, lymphocytes=0.0),
                 Facts(weeks_since_stop=-0.0, lymphocytes=-0.0)]
    expected = [_cold(shipped_rulebase, "fingolimod", "alemtuzumab", facts)
                for facts in fact_sets]
    assert expected[0] != expected[1]  # the case is real: the two are worded differently
    for _ in range(3):
        assert [assess(shipped_rulebase, "fingolimod", "alemtuzumab", facts=facts).to_json()
                for facts in fact_sets] == expected

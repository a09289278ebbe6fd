"""The reasoning in clinical words: what the trace and "fires if" say, through the engine."""

from __future__ import annotations

import re

import pytest

from switchadvisor import assess
from switchadvisor.render.card import render_card_plain
from switchadvisor.render.console import render_plain
from switchadvisor.rulebase import RuleBase

RAW = re.compile(r"\b(?:from|to)\.[a-z_]+\.(?:min|median|max)\b|lymphocytes_lln|weeks_since_stop"
                 r"|disease_activity|pregnancy_planned|→ (?:true|false|unknown)|\[unknown\]")


def _texts(shipped: RuleBase, from_: str, to: str, **facts: object) -> list[str]:
    assessment = assess(shipped, from_, to, **facts)
    texts = [step.text for item in [*assessment.findings, *assessment.not_evaluated,
                                    *assessment.not_fired] for step in item.trace]
    return texts + [item.decides for item in assessment.not_evaluated]


def test_a_comparison_reads_as_a_clinician_would_say_it(shipped_rulebase: RuleBase) -> None:
    texts = _texts(shipped_rulebase, "fingolimod", "cladribine", lymphocytes="600/uL",
                   weeks_since_stop="6")
    assert ("lymphocytes 600 cells/µL = 0.60 ×10⁹/L is below your lab's lower limit "
            "1.00 ×10⁹/L (default)") in texts
    assert ("time since the last dose 6 weeks is below Fingolimod's presence in the body after "
            "stopping 8.7 weeks (up to 2 months)") in texts
    assert "time since the last dose 6 weeks is below 2 months (8.7 weeks)" in texts


def test_a_comparison_that_does_not_hold_says_so(shipped_rulebase: RuleBase) -> None:
    texts = _texts(shipped_rulebase, "fingolimod", "cladribine", lymphocytes="1.5",
                   weeks_since_stop="20")
    assert any(text.startswith("lymphocytes 1.5 (read as ×10⁹/L) is at or above your lab's "
                               "lower limit") for text in texts)


def test_missing_facts_and_missing_figures_are_told_apart(shipped_rulebase: RuleBase) -> None:
    texts = _texts(shipped_rulebase, "dimethyl-fumarate", "cladribine", weeks_since_stop="4")
    assert "lymphocytes: not given" in texts
    assert ("no verified figure for Dimethyl fumarate's immune effect after stopping"
            in texts)


@pytest.mark.parametrize(("from_", "to"), [("fingolimod", "alemtuzumab"),
                                           ("fingolimod", "cladribine"),
                                           ("natalizumab", "ocrelizumab")])
@pytest.mark.parametrize("facts", [{}, {"lymphocytes": "600/uL", "weeks_since_stop": "6",
                                        "disease_activity": "active"}])
def test_no_condition_names_reach_the_reader(shipped_rulebase: RuleBase, from_: str, to: str,
                                             facts: dict[str, str]) -> None:
    assessment = assess(shipped_rulebase, from_, to, **facts)
    for text in (render_card_plain(assessment, 100), render_plain(assessment, 100)):
        flat = " ".join(text.split())
        found = RAW.findall(flat)
        assert not found, found
        assert flat.count("always applies") <= 1

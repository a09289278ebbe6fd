"""`switchadvisor demo`: the headline switches, step by step, told from the rule base.

Every claim the demo shows is an evidence entry's own finding (with its id, kind and n) or a
pathway's washout basis; the demo adds no clinical statement of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from switchadvisor.assessment import Assessment, EvidenceOut, FiredFinding, NotEvaluated
from switchadvisor.engine import Switch, assess
from switchadvisor.errors import InputError
from switchadvisor.facts import Facts
from switchadvisor.rulebase import EvidenceKind, Layer, RuleBase

HEADLINE = (("fingolimod", "alemtuzumab"), ("fingolimod", "cladribine"),
            ("natalizumab", "ocrelizumab"))
SIGNALS = (EvidenceKind.CASE_SERIES, EvidenceKind.CASE_REPORT)
STUDIES = (EvidenceKind.RCT, EvidenceKind.COHORT)


@dataclass(frozen=True)
class Cited:
    entry: EvidenceOut
    supports: bool
    """It is cited in support of a finding about this switch."""
    against: bool
    """It argues against a finding about this switch."""


@dataclass(frozen=True)
class DemoStep:
    assessment: Assessment
    signals: tuple[Cited, ...]
    """Case series and case reports cited about this exact switch."""
    studies: tuple[Cited, ...]
    """Cohorts and trials cited about this exact switch, for or against."""


def demo_steps(rulebase: RuleBase, facts: Facts | None = None) -> list[DemoStep]:
    """The headline switches the rule base knows (InputError if it knows none)."""
    steps = []
    for from_id, to_id in HEADLINE:
        if from_id not in rulebase.drugs or to_id not in rulebase.drugs:
            continue
        assessment = assess(rulebase, Switch.resolve(rulebase, from_id, to_id),
                            facts=facts or Facts())
        steps.append(step(assessment))
    if not steps:
        raise InputError("this rule base has none of the demo's switches ("
                         + ", ".join(f"{a}→{b}" for a, b in HEADLINE) + ")", option="--rules")
    return steps


def step(assessment: Assessment) -> DemoStep:
    items: list[FiredFinding | NotEvaluated] = [*assessment.findings,
                                                *assessment.not_evaluated]
    specific = [item for item in items if item.layer is Layer.DRUG_PAIR]
    support = {ref for item in specific for ref in item.evidence}
    against = {ref for item in specific for ref in item.counter_evidence}
    cited = [Cited(entry, entry.id in support, entry.id in against)
             for entry in assessment.evidence if entry.id in support | against]
    return DemoStep(
        assessment=assessment,
        signals=tuple(item for item in cited if item.entry.kind in SIGNALS),
        studies=tuple(item for item in cited if item.entry.kind in STUDIES),
    )

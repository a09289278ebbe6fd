"""The severity policy (README, "Severity policy") as code: each finding's severity follows from
what it rests on (its ``basis``), lowered one level for a secondary source and one for a class
inference, and its evidence and wording must fit that basis.

Pure: takes the rule base, returns the disagreements as sentences; the test suite asserts there
are none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from switchadvisor.rulebase.models import Basis, EvidenceKind, Finding, RuleBase, Severity

LEVEL: dict[Basis, Severity] = {
    Basis.CONTRAINDICATION: Severity.CRITICAL,
    Basis.MUST: Severity.CRITICAL,
    Basis.NOT_RECOMMENDED: Severity.CRITICAL,
    Basis.CAUTION: Severity.WARNING,
    Basis.COHORT_SIGNAL: Severity.WARNING,
    Basis.CONSENSUS: Severity.WARNING,
    Basis.CASE_SIGNAL: Severity.INFO,
    Basis.CHECK: Severity.INFO,
    Basis.INFORMATION: Severity.INFO,
}
"""The level a finding with this basis has, before a secondary source or a class inference
lowers it."""

LABEL_BASES = frozenset(
    {Basis.CONTRAINDICATION, Basis.MUST, Basis.NOT_RECOMMENDED, Basis.CAUTION, Basis.CHECK})

NEEDED_KINDS: dict[Basis, frozenset[EvidenceKind]] = {
    **{basis: frozenset({EvidenceKind.LABEL}) for basis in LABEL_BASES},
    Basis.COHORT_SIGNAL: frozenset({EvidenceKind.COHORT, EvidenceKind.RCT}),
    Basis.CONSENSUS: frozenset({EvidenceKind.GUIDELINE, EvidenceKind.EXPERT_OPINION}),
    Basis.CASE_SIGNAL: frozenset({EvidenceKind.CASE_REPORT, EvidenceKind.CASE_SERIES}),
}
"""A finding's evidence must include at least one source of one of these kinds."""

CASE_LEVEL = frozenset(
    {EvidenceKind.CASE_REPORT, EvidenceKind.CASE_SERIES, EvidenceKind.EXPERT_OPINION})

WORDING: dict[Basis, re.Pattern[str]] = {
    Basis.CONTRAINDICATION: re.compile(r"contraindicat", re.I),
    Basis.MUST: re.compile(r"\bmust\b|\brequire|\bneeds?\b", re.I),
    Basis.NOT_RECOMMENDED: re.compile(
        r"not recommend|does not recommend|advises? against|\bavoid", re.I),
}
"""A finding with this basis says so in its message."""

STRONG_WORDS = re.compile(r"contraindicat|\bmust not\b", re.I)
STRONG_BASES = frozenset({Basis.CONTRAINDICATION, Basis.MUST, Basis.CHECK})
"""Only these bases may use the strongest label words in a message."""

INFERENCE_WORDS = re.compile(r"class(?:-level)? inference", re.I)

_ORDER = (Severity.INFO, Severity.WARNING, Severity.CRITICAL)


def expected_severity(finding: Finding) -> Severity | None:
    """The severity the policy gives a finding; None when it has no basis."""
    if finding.basis is None:
        return None
    rank = _ORDER.index(LEVEL[finding.basis]) - finding.secondary - finding.inference
    return _ORDER[max(rank, 0)]


def findings(rulebase: RuleBase) -> Iterator[tuple[str, Finding]]:
    """Every finding of the rule base, with where it lives ("drug:fingolimod", "pathway:a→b")."""
    for rule in rulebase.findings.values():
        yield rule.origin, rule.finding


def problems(finding: Finding, kinds: dict[str, EvidenceKind]) -> list[str]:
    """Where one finding disagrees with the policy (empty when it agrees)."""
    if finding.basis is None:
        return ["has no basis"]
    found: list[str] = []
    basis = finding.basis
    expected = expected_severity(finding)
    if finding.severity is not expected:
        lowered = [name for name, flag in (("secondary source", finding.secondary),
                                          ("class inference", finding.inference)) if flag]
        found.append(f"is {finding.severity.value} but basis {basis.value}"
                     + (f" ({', '.join(lowered)})" if lowered else "")
                     + f" gives {expected.value if expected else '?'}")
    evidence_kinds = {kinds[ref] for ref in finding.evidence if ref in kinds}
    needed = NEEDED_KINDS.get(basis)
    if needed is not None and not evidence_kinds & needed:
        found.append(f"basis {basis.value} needs evidence of kind "
                     f"{' or '.join(sorted(kind.value for kind in needed))}")
    if evidence_kinds and evidence_kinds <= CASE_LEVEL and finding.severity is Severity.CRITICAL:
        found.append("case-level evidence alone cannot be critical")
    if finding.secondary and basis not in LABEL_BASES:
        found.append("only a label basis can be read through a secondary source")
    wording = WORDING.get(basis)
    if wording is not None and not wording.search(finding.message):
        found.append(f"basis {basis.value} but the message does not say so "
                     f"(expected /{wording.pattern}/)")
    strong = STRONG_WORDS.search(finding.message)
    if strong and basis not in STRONG_BASES:
        found.append(f"says {strong.group(0)!r} but its basis is {basis.value}")
    if finding.inference and not INFERENCE_WORDS.search(f"{finding.title} {finding.message}"):
        found.append("a class inference must say so in its title or message")
    return found


def check(rulebase: RuleBase) -> list[str]:
    """Every disagreement with the policy in a rule base, one sentence each."""
    kinds = {entry_id: entry.kind for entry_id, entry in rulebase.evidence.items()}
    return [f"{finding.id} ({origin}): {problem}"
            for origin, finding in findings(rulebase)
            for problem in problems(finding, kinds)]

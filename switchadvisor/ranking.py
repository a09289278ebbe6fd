"""`switchadvisor options`: every possible next drug, ranked by what the engine finds.

For a drug being stopped and the facts given, each other drug is assessed as the drug
started, and the switches are ordered by, in turn:

1. the verdict (info before warning before critical);
2. the worst verdict still possible from findings whose facts were not given (a switch that
   cannot get worse comes before one that could);
3. the strength of the evidence behind the answer: drug-specific evidence (a drug→drug
   pathway for this exact switch) before class-level inference only; then the strongest
   kind of source cited for the switch's findings and washout, in the order ``EVIDENCE_ORDER``
   (comparative studies before regulatory text before reviews and case reports); then
   more distinct sources before fewer;
4. the drug's name.

Each option carries the one or two findings that set its place: the most severe finding that
fired, and the most severe finding that could still make it worse (with the facts it needs).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from switchadvisor.assessment import Assessment, FactReading
from switchadvisor.engine import Switch, assess, name_index
from switchadvisor.facts import Facts
from switchadvisor.matrix import is_specific
from switchadvisor.rulebase import EvidenceKind, RuleBase, Severity

EVIDENCE_ORDER = (
    EvidenceKind.RCT, EvidenceKind.COHORT, EvidenceKind.GUIDELINE, EvidenceKind.LABEL,
    EvidenceKind.REVIEW, EvidenceKind.CASE_SERIES, EvidenceKind.CASE_REPORT,
    EvidenceKind.EXPERT_OPINION,
)
"""Strongest first: randomised trials, then cohorts with a denominator, graded guidelines,
labels, reviews, case series, single cases, and expert opinion."""


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Driver(_Out):
    """A finding that sets an option's place."""

    id: str
    severity: Severity
    title: str
    fired: bool = Field(description="True: it fired; false: it could fire (facts needed).")
    needs: list[str] = Field(default_factory=list, description="Options that would decide it.")


class Strength(_Out):
    specific: bool = Field(description="A drug→drug pathway applies to this switch.")
    best_kind: EvidenceKind | None = Field(description="The strongest kind of source cited.")
    sources: int = Field(description="Distinct sources cited for findings and the washout.")

    def sort_key(self) -> tuple[int, int, int]:
        kind = (EVIDENCE_ORDER.index(self.best_kind) if self.best_kind is not None
                else len(EVIDENCE_ORDER))
        return (0 if self.specific else 1, kind, -self.sources)

    def words(self) -> str:
        kind = self.best_kind.value.replace("-", " ") if self.best_kind else "no source"
        scope = "drug-specific" if self.specific else "class-level inference"
        return f"{scope}; strongest kind {kind}; {self.sources} sources"


class RankedOption(_Out):
    rank: int
    to: str
    name: str
    drug_class: str
    verdict: Severity
    worst_possible: Severity
    strength: Strength
    drivers: list[Driver]


class Ranking(_Out):
    from_: str = Field(alias="from", serialization_alias="from")
    name: str
    rulebase: dict[str, str]
    facts: list[FactReading]
    order: str = Field(description="How the options are ranked, in words.")
    options: list[RankedOption]

    def to_json(self) -> str:
        return self.model_dump_json(indent=2, by_alias=True) + "\n"


ORDER_WORDS = ("verdict, then the worst still possible with facts not given, then the "
               "strength of evidence (drug-specific before class-level, then the strongest "
               "kind of source, then the number of sources), then name")


def strength(assessment: Assessment) -> Strength:
    cited = {ref for item in assessment.findings for ref in item.evidence}
    if assessment.washout is not None:
        cited.update(assessment.washout.evidence)
    kinds = [entry.kind for entry in assessment.evidence if entry.id in cited]
    best = min(kinds, key=EVIDENCE_ORDER.index, default=None)
    return Strength(specific=is_specific(assessment), best_kind=best, sources=len(cited))


def drivers(assessment: Assessment) -> list[Driver]:
    """The most severe fired finding and the most severe one that could still make it worse."""
    result: list[Driver] = []
    if assessment.findings:
        top = assessment.findings[0]  # the engine orders by severity, specific layers first
        result.append(Driver(id=top.id, severity=top.severity, title=top.title, fired=True))
    worse = [item for item in assessment.not_evaluated
             if item.severity.rank > assessment.verdict.rank]
    if worse:
        item = worse[0]
        result.append(Driver(id=item.id, severity=item.severity, title=item.title,
                             fired=False, needs=list(item.options)))
    return result


def rank_options(rulebase: RuleBase, from_name: str, facts: Facts) -> Ranking:
    """Every other drug as the next one, ranked (see the module docstring)."""
    names = name_index(rulebase)
    stopped = names.resolve(from_name, option="--from")
    assessments = [assess(rulebase, Switch(stopped, names.resolve(to_id, option="--to")),
                          facts=facts)
                   for to_id in sorted(rulebase.drugs) if to_id != stopped.drug.id]
    ordered = sorted(assessments, key=lambda item: (
        item.verdict.rank, item.worst_possible.rank, strength(item).sort_key(),
        item.switch.to.name.lower()))
    options = [RankedOption(rank=index + 1, to=item.switch.to.id, name=item.switch.to.name,
                            drug_class=item.switch.to.class_name, verdict=item.verdict,
                            worst_possible=item.worst_possible, strength=strength(item),
                            drivers=drivers(item))
               for index, item in enumerate(ordered)]
    readings = assessments[0].facts if assessments else []
    return Ranking(from_=stopped.drug.id, name=stopped.drug.name,
                   rulebase={"id": rulebase.meta.id, "version": rulebase.meta.version},
                   facts=[reading for reading in readings if reading.source == "given"],
                   order=ORDER_WORDS, options=options)

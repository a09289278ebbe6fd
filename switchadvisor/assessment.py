"""The Assessment: the result of one switch check, and the JSON contract.

Field order here is the key order of the JSON output. Changing a field's meaning or removing
one bumps ``SCHEMA_VERSION``'s major number; adding one bumps the minor number.
"""

from __future__ import annotations

import enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from switchadvisor.rulebase import EvidenceKind, Layer, Severity

SCHEMA_VERSION = "2.0"
"""2.0: `detail`, `id` and `input` on the Assessment and the `Summary` record (additive);
figures with `measure` and `statistic`, and an evidence `year` that may be null (a change)."""

InputValue = str | bool | int | float
"""A raw input value as received (a CLI string, or a JSON scalar in a batch record)."""


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class WashoutPosition(str, enum.Enum):
    TOO_EARLY = "too-early"
    WITHIN = "within"
    LATE = "late"
    UNKNOWN = "unknown"


STALE_WARNING = ("the rule base was last reviewed more than 12 months before the assessment "
                 "date: labels and evidence may have changed since; check the current labels.")


class RuleBaseInfo(_Out):
    id: str
    version: str
    reviewed: str
    sha256: str = Field(description="sha256 over the rule base's files (paths and bytes).")
    stale: bool = Field(
        False, description="The review date is more than 12 months before the assessment date.")


class DrugRef(_Out):
    id: str
    name: str
    drug_class: str = Field(description="Mechanism class id.")
    class_name: str
    input: str = Field(description="The name as given.")
    matched_as: Literal["generic", "brand", "alias"]
    off_label: bool = False


class FactReading(_Out):
    name: str
    value: float | str | bool
    unit: str
    read_as: str = Field(description="How the value was read, e.g. '600 cells/µL = 0.60 ×10⁹/L'.")
    source: Literal["given", "default"]


class Bound(_Out):
    weeks: float | None = Field(description="None when no verified upper bound exists.")
    text: str = Field(description="As written in the evidence ('2 months', 'up to 2 months'), "
                      "or a sentence saying which upper bound is missing.")
    source: str | None = Field(
        None, description="The drug figure it comes from, e.g. \"Fingolimod's presence in "
        "the body after stopping\"; None for a fixed duration.")


class Washout(_Out):
    min: Bound | None
    max: Bound | None
    window: str = Field(description="The window in its source's unit with weeks beside, e.g. "
                        "'1–2 months (4.3–8.7 weeks)'.")
    basis: str
    evidence: list[str]
    layer: Layer
    origin: str
    weeks_since_stop: float | None
    position: WashoutPosition
    explanation: str


class TraceStep(_Out):
    text: str
    result: bool | None


class FiredFinding(_Out):
    id: str
    severity: Severity
    title: str
    message: str
    layer: Layer
    origin: str
    condition: str | None = Field(description="The `when` condition; None = always applies.")
    trace: list[TraceStep]
    evidence: list[str]
    counter_evidence: list[str]


class NotEvaluated(_Out):
    id: str
    severity: Severity = Field(description="The severity it would have if it fired.")
    title: str
    layer: Layer
    origin: str
    condition: str
    needs: list[str] = Field(description="Facts that were not given.")
    options: list[str] = Field(description="CLI options that would supply them.")
    decides: str = Field(description="What would make it fire, from the condition itself.")
    trace: list[TraceStep]
    evidence: list[str]
    counter_evidence: list[str]


class NotFired(_Out):
    id: str
    severity: Severity
    title: str
    layer: Layer
    origin: str
    condition: str
    trace: list[TraceStep]


class Superseded(_Out):
    id: str
    title: str
    layer: Layer
    by: str


class Alternative(_Out):
    to: str
    name: str
    reason: str
    evidence: list[str]
    origin: str


FigureMeasure = Literal["drug-present", "lymphocytes-lln", "b-cells-repleted", "cd4-recovered",
                        "plasma-below-threshold", "rebound-onset", "raised-counts-normalised"]
FigureStatistic = Literal["upper-bound", "median", "mean", "share-by-time", "range", "typical"]


class Figure(_Out):
    """One figure of the stopping drug; a drug may have several with the same name. A figure
    the rule base does not have is absent (renderers say "no verified figure")."""

    name: str = Field(description="Figure id, e.g. 'lymphocyte_recovery'.")
    drug: str = Field(description="Drug id.")
    measure: FigureMeasure = Field(description="What the figure measures.")
    statistic: FigureStatistic = Field(description="What kind of number it is.")
    weeks: float | None = Field(
        description="In weeks: the value (upper-bound, median, mean, typical), the time point "
        "(share-by-time) or the upper end (range).")
    low_weeks: float | None = Field(None, description="Lower end of a range, else None.")
    share: float | None = Field(None, description="Percent of patients (share-by-time only).")
    text: str = Field(description="Keeps the statistic: 'median 72 weeks', '80% by 12 months', "
                      "'up to 2 months'.")
    evidence: list[str]
    note: str | None = None


class EvidenceOut(_Out):
    id: str
    kind: EvidenceKind
    authors: str
    title: str
    source: str
    year: int | None = Field(description="None for an undated label revision.")
    doi: str | None
    pmid: str | None
    url: str | None
    section: str | None
    holder: str | None = Field(None, description="Label holder, for labels.")
    version: str | None = Field(
        None, description="Label version or revision date of the text read, for labels.")
    n: int | None
    n_note: str | None
    finding: str
    cited_for: list[str] = Field(description="Finding or washout ids citing it in support.")
    cited_against: list[str] = Field(description="Finding ids it argues against.")


class SwitchInfo(_Out):
    from_: DrugRef = Field(alias="from", serialization_alias="from")
    to: DrugRef
    pathways: list[str] = Field(description="Pathways composed: 'fingolimod→alemtuzumab', …")

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Assessment(_Out):
    """Everything switchadvisor concluded about one switch, and why."""

    schema_version: str = SCHEMA_VERSION
    detail: Literal["full"] = Field(
        "full", description="'full': the whole assessment ('summary' records are a Summary).")
    id: str | int | None = Field(
        None, description="The batch record's `id`, echoed back; null when none was given.")
    tool_version: str
    rulebase: RuleBaseInfo
    input: dict[str, InputValue] = Field(
        default_factory=dict,
        description="The input as received: `from`, `to` and each fact given, by fact name, "
        "with its raw value (e.g. \"600/uL\"); `facts` shows how each was read.")
    switch: SwitchInfo
    summary: list[str] = Field(description="Pathway summaries, most specific first.")
    facts: list[FactReading]
    verdict: Severity = Field(description="Highest severity among fired findings.")
    worst_possible: Severity = Field(
        description="Highest severity still possible given the facts not given."
    )
    washout: Washout | None
    figures: list[Figure] = Field(description="The stopping drug's figures after stopping, "
                                  "each with what it measures and its statistic.")
    findings: list[FiredFinding]
    not_evaluated: list[NotEvaluated]
    not_fired: list[NotFired]
    superseded: list[Superseded]
    alternatives: list[Alternative]
    evidence: list[EvidenceOut]
    disclaimer: str

    def evidence_for(self) -> list[EvidenceOut]:
        """Sources cited in support (or only as context) of what was reported."""
        return [entry for entry in self.evidence if entry.cited_for or not entry.cited_against]

    def evidence_against(self) -> list[EvidenceOut]:
        """Sources that argue against a reported finding."""
        return [entry for entry in self.evidence if entry.cited_against]

    def to_json(self) -> str:
        """Canonical JSON: contract key order, two-space indent, trailing newline."""
        return self.model_dump_json(indent=2, by_alias=True) + "\n"


# --------------------------------------------------------------------- the summary record


class SummaryWashout(_Out):
    window: str = Field(description="The window in words, as in the full record.")
    position: WashoutPosition
    weeks_since_stop: float | None


class SummaryFinding(_Out):
    id: str = Field(description="Finding id; resolve it in the rule base named by `rulebase`.")
    severity: Severity
    title: str
    evidence: list[str] = Field(description="Evidence ids cited in support.")


class SummaryNotEvaluated(_Out):
    id: str
    severity: Severity = Field(description="The severity it would have if it fired.")
    title: str
    needs: list[str] = Field(description="Facts that were not given.")
    options: list[str] = Field(description="CLI options (batch keys) that would supply them.")
    evidence: list[str]


class SwitchIds(_Out):
    from_: str = Field(alias="from", serialization_alias="from",
                       description="Drug id being stopped.")
    to: str = Field(description="Drug id being started.")

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Summary(_Out):
    """A compact record of one assessment: the verdict and finding ids, for pipelines.

    Finding and evidence ids resolve against the rule base named (id, version, sha256) in
    `rulebase`; `--detail full` carries the findings' text and the evidence entries.
    """

    schema_version: str = SCHEMA_VERSION
    detail: Literal["summary"] = "summary"
    id: str | int | None = Field(
        None, description="The batch record's `id`, echoed back; null when none was given.")
    tool_version: str
    rulebase: RuleBaseInfo
    input: dict[str, InputValue] = Field(description="The input as received.")
    switch: SwitchIds
    verdict: Severity = Field(description="Highest severity among fired findings.")
    worst_possible: Severity = Field(
        description="Highest severity still possible given the facts not given.")
    washout: SummaryWashout | None
    facts: list[FactReading] = Field(description="The facts as read (interpreted).")
    findings: list[SummaryFinding] = Field(description="Fired findings, most severe first.")
    not_evaluated: list[SummaryNotEvaluated] = Field(
        description="Findings that could not be evaluated for want of facts.")

    def to_json(self) -> str:
        """One compact line (no trailing newline), contract key order."""
        return self.model_dump_json(by_alias=True)


def summarize(assessment: Assessment) -> Summary:
    """The Summary record of a full Assessment."""
    washout = assessment.washout
    return Summary(
        schema_version=assessment.schema_version,
        id=assessment.id,
        tool_version=assessment.tool_version,
        rulebase=assessment.rulebase,
        input=assessment.input,
        switch=SwitchIds(from_=assessment.switch.from_.id, to=assessment.switch.to.id),
        verdict=assessment.verdict,
        worst_possible=assessment.worst_possible,
        washout=None if washout is None else SummaryWashout(
            window=washout.window, position=washout.position,
            weeks_since_stop=washout.weeks_since_stop),
        facts=assessment.facts,
        findings=[SummaryFinding(id=item.id, severity=item.severity, title=item.title,
                                 evidence=item.evidence) for item in assessment.findings],
        not_evaluated=[SummaryNotEvaluated(id=item.id, severity=item.severity, title=item.title,
                                           needs=item.needs, options=item.options,
                                           evidence=item.evidence)
                       for item in assessment.not_evaluated],
    )

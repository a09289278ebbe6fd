"""The Assessment: the result of one switch check, and the JSON contract.

Field order here is the key order of the JSON output. Changing a field's meaning or removing
one bumps ``SCHEMA_VERSION``'s major number; adding one bumps the minor number.

Plain frozen dataclasses: building one never validates (the engine builds them from validated
rule-base data), and this module does not import pydantic. JSON is written by ``jsonout`` with
the standard ``json`` module; reading JSON back (``Assessment.from_json``) and the JSON Schemas
(``switchadvisor.schemas``) go through ``pydantic.TypeAdapter``, imported only there. A field's
description and JSON name (``from_`` → ``"from"``) are in its ``metadata``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from switchadvisor import jsonout
from switchadvisor.records import Record
from switchadvisor.rulebase import EvidenceKind, Layer, Severity

SCHEMA_VERSION = "2.0"
"""2.0: `detail`, `id` and `input` on the Assessment and the `Summary` record (additive);
figures with `measure` and `statistic`, and an evidence `year` that may be null (a change)."""

InputValue = str | bool | int | float
"""A raw input value as received (a CLI string, or a JSON scalar in a batch record)."""

_CONFIG = {"extra": "forbid"}
"""pydantic's configuration of every output dataclass (read when validating JSON back)."""


def _doc(description: str, alias: str | None = None) -> dict[str, str]:
    """Field metadata pydantic reads: the description and, if any, the JSON name."""
    return {"description": description} if alias is None else {
        "alias": alias, "description": description}


_FROM = {"alias": "from"}


class _Record(Record):
    """Where the committed JSON Schema has no description for a class, its docstring starts
    with "ClassName(", which pydantic leaves out of the schema (as the signature
    ``dataclass`` would otherwise compute for it, at a cost)."""

    __slots__ = ()


_D = TypeVar("_D", bound="_Document")


class _Document(_Record):
    """What the two records (Assessment and Summary) do alike: one-line JSON, Python data,
    and reading either back, validated (pydantic's ``ValidationError``, a ValueError, if it
    is not one). Each writes its own ``to_json``."""

    __slots__ = ()

    def to_json_line(self) -> str:
        """The record's JSON on one compact line (no trailing newline), as ``batch`` writes it."""
        return jsonout.compact(self)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object as Python data (JSON names, enums as their values)."""
        return jsonout.to_data(self)  # type: ignore[no-any-return]

    @classmethod
    def from_json(cls: type[_D], text: str | bytes) -> _D:
        """Read (and validate) a record written by ``to_json``."""
        return jsonout.validate_json(cls, text)

    @classmethod
    def from_dict(cls: type[_D], data: object) -> _D:
        """Validate JSON data (as ``json.loads`` returns it) into a record."""
        return jsonout.validate_data(cls, data)


class WashoutPosition(str, enum.Enum):
    TOO_EARLY = "too-early"
    WITHIN = "within"
    LATE = "late"
    UNKNOWN = "unknown"


STALE_WARNING = ("the rule base was last reviewed more than 12 months before the assessment "
                 "date: labels and evidence may have changed since; check the current labels.")


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class RuleBaseInfo(_Record):
    """RuleBaseInfo(…): the rule base an assessment was made with."""

    __pydantic_config__ = _CONFIG

    id: str
    version: str
    reviewed: str
    sha256: str = field(metadata=_doc("sha256 over the rule base's files (paths and bytes)."))
    stale: bool = field(default=False, metadata=_doc(
        "The review date is more than 12 months before the assessment date."))


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class DrugRef(_Record):
    """DrugRef(…): one drug of the switch, with the name it was given as."""

    __pydantic_config__ = _CONFIG

    id: str
    name: str
    drug_class: str = field(metadata=_doc("Mechanism class id."))
    class_name: str
    input: str = field(metadata=_doc("The name as given."))
    matched_as: Literal["generic", "brand", "alias"]
    off_label: bool = False


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class FactReading(_Record):
    """FactReading(…): one fact as read: its value, unit and how the input was understood."""

    __pydantic_config__ = _CONFIG

    name: str
    value: float | str | bool
    unit: str
    read_as: str = field(metadata=_doc(
        "How the value was read, e.g. '600 cells/µL = 0.60 ×10⁹/L'."))
    source: Literal["given", "default"]


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Bound(_Record):
    """Bound(…): one end of a washout window."""

    __pydantic_config__ = _CONFIG

    weeks: float | None = field(metadata=_doc("None when no verified upper bound exists."))
    text: str = field(metadata=_doc(
        "As written in the evidence ('2 months', 'up to 2 months'), or a sentence saying "
        "which upper bound is missing."))
    source: str | None = field(default=None, metadata=_doc(
        "The drug figure it comes from, e.g. \"Fingolimod's presence in the body after "
        "stopping\"; None for a fixed duration."))


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Washout(_Record):
    """Washout(…): the washout window of the switch and where the gap given falls in it."""

    __pydantic_config__ = _CONFIG

    min: Bound | None
    max: Bound | None
    window: str = field(metadata=_doc(
        "The window in its source's unit with weeks beside, e.g. '1–2 months (4.3–8.7 "
        "weeks)'."))
    basis: str
    evidence: list[str]
    layer: Layer
    origin: str
    weeks_since_stop: float | None
    position: WashoutPosition
    explanation: str


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class TraceStep(_Record):
    """TraceStep(…): one step of a condition's evaluation, in words, with its result."""

    __pydantic_config__ = _CONFIG

    text: str
    result: bool | None


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class FiredFinding(_Record):
    """FiredFinding(…): a finding whose condition held (or that always applies)."""

    __pydantic_config__ = _CONFIG

    id: str
    severity: Severity
    title: str
    message: str
    layer: Layer
    origin: str
    condition: str | None = field(metadata=_doc(
        "The `when` condition; None = always applies."))
    trace: list[TraceStep]
    evidence: list[str]
    counter_evidence: list[str]


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class NotEvaluated(_Record):
    """NotEvaluated(…): a finding that could not be decided for want of facts or figures."""

    __pydantic_config__ = _CONFIG

    id: str
    severity: Severity = field(metadata=_doc("The severity it would have if it fired."))
    title: str
    layer: Layer
    origin: str
    condition: str
    needs: list[str] = field(metadata=_doc("Facts that were not given."))
    options: list[str] = field(metadata=_doc("CLI options that would supply them."))
    decides: str = field(metadata=_doc(
        "What would make it fire, from the condition itself."))
    trace: list[TraceStep]
    evidence: list[str]
    counter_evidence: list[str]


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class NotFired(_Record):
    """NotFired(…): a finding whose condition did not hold."""

    __pydantic_config__ = _CONFIG

    id: str
    severity: Severity
    title: str
    layer: Layer
    origin: str
    condition: str
    trace: list[TraceStep]


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Superseded(_Record):
    """Superseded(…): a general finding replaced by a more specific one."""

    __pydantic_config__ = _CONFIG

    id: str
    title: str
    layer: Layer
    by: str


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Alternative(_Record):
    """Alternative(…): another drug or class to consider, and why."""

    __pydantic_config__ = _CONFIG

    to: str
    name: str
    reason: str
    evidence: list[str]
    origin: str


FigureMeasure = Literal["drug-present", "lymphocytes-lln", "b-cells-repleted", "cd4-recovered",
                        "plasma-below-threshold", "rebound-onset", "raised-counts-normalised"]
FigureStatistic = Literal["upper-bound", "median", "mean", "share-by-time", "range", "typical"]


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Figure(_Record):
    """One figure of the stopping drug; a drug may have several with the same name. A figure
    the rule base does not have is absent (renderers say "no verified figure")."""

    __pydantic_config__ = _CONFIG

    name: str = field(metadata=_doc("Figure id, e.g. 'lymphocyte_recovery'."))
    drug: str = field(metadata=_doc("Drug id."))
    measure: FigureMeasure = field(metadata=_doc("What the figure measures."))
    statistic: FigureStatistic = field(metadata=_doc("What kind of number it is."))
    weeks: float | None = field(metadata=_doc(
        "In weeks: the value (upper-bound, median, mean, typical), the time point "
        "(share-by-time) or the upper end (range)."))
    low_weeks: float | None = field(default=None, metadata=_doc(
        "Lower end of a range, else None."))
    share: float | None = field(default=None, metadata=_doc(
        "Percent of patients (share-by-time only)."))
    text: str = field(metadata=_doc(
        "Keeps the statistic: 'median 72 weeks', '80% by 12 months', 'up to 2 months'."))
    evidence: list[str]
    note: str | None = None


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class EvidenceOut(_Record):
    """EvidenceOut(…): one source cited, with the findings citing it for and against."""

    __pydantic_config__ = _CONFIG

    id: str
    kind: EvidenceKind
    authors: str
    title: str
    source: str
    year: int | None = field(metadata=_doc("None for an undated label revision."))
    doi: str | None
    pmid: str | None
    url: str | None
    section: str | None
    holder: str | None = field(default=None, metadata=_doc("Label holder, for labels."))
    version: str | None = field(default=None, metadata=_doc(
        "Label version or revision date of the text read, for labels."))
    n: int | None
    n_note: str | None
    finding: str
    cited_for: list[str] = field(metadata=_doc(
        "Finding or washout ids citing it in support."))
    cited_against: list[str] = field(metadata=_doc("Finding ids it argues against."))


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class SwitchInfo(_Record):
    """SwitchInfo(…): the two drugs and the pathways composed for the switch."""

    __pydantic_config__ = _CONFIG

    from_: DrugRef = field(metadata=_FROM)
    to: DrugRef
    pathways: list[str] = field(metadata=_doc(
        "Pathways composed: 'fingolimod→alemtuzumab', …"))


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Assessment(_Document):
    """Assessment(…): everything switchadvisor concluded about one switch, and why."""

    __pydantic_config__ = _CONFIG

    schema_version: str = SCHEMA_VERSION
    detail: Literal["full"] = field(default="full", metadata=_doc(
        "'full': the whole assessment ('summary' records are a Summary)."))
    id: str | int | None = field(default=None, metadata=_doc(
        "The batch record's `id`, echoed back; null when none was given."))
    tool_version: str
    rulebase: RuleBaseInfo
    input: dict[str, InputValue] = field(default_factory=dict, metadata=_doc(
        "The input as received: `from`, `to` and each fact given, by fact name, with its raw "
        "value (e.g. \"600/uL\"); `facts` shows how each was read."))
    switch: SwitchInfo
    summary: list[str] = field(metadata=_doc("Pathway summaries, most specific first."))
    facts: list[FactReading]
    verdict: Severity = field(metadata=_doc("Highest severity among fired findings."))
    worst_possible: Severity = field(metadata=_doc(
        "Highest severity still possible given the facts not given."))
    washout: Washout | None
    figures: list[Figure] = field(metadata=_doc(
        "The stopping drug's figures after stopping, each with what it measures and its "
        "statistic."))
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
        return jsonout.indented(self) + "\n"


# --------------------------------------------------------------------- the summary record


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class SummaryWashout(_Record):
    """SummaryWashout(…): the washout window in a summary record."""

    __pydantic_config__ = _CONFIG

    window: str = field(metadata=_doc("The window in words, as in the full record."))
    position: WashoutPosition
    weeks_since_stop: float | None


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class SummaryFinding(_Record):
    """SummaryFinding(…): a fired finding in a summary record."""

    __pydantic_config__ = _CONFIG

    id: str = field(metadata=_doc(
        "Finding id; resolve it in the rule base named by `rulebase`."))
    severity: Severity
    title: str
    evidence: list[str] = field(metadata=_doc("Evidence ids cited in support."))


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class SummaryNotEvaluated(_Record):
    """SummaryNotEvaluated(…): a finding not evaluated, in a summary record."""

    __pydantic_config__ = _CONFIG

    id: str
    severity: Severity = field(metadata=_doc("The severity it would have if it fired."))
    title: str
    needs: list[str] = field(metadata=_doc("Facts that were not given."))
    options: list[str] = field(metadata=_doc(
        "CLI options (batch keys) that would supply them."))
    evidence: list[str]


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class SwitchIds(_Record):
    """SwitchIds(…): the two drug ids of a summary record."""

    __pydantic_config__ = _CONFIG

    from_: str = field(metadata=_doc("Drug id being stopped.", alias="from"))
    to: str = field(metadata=_doc("Drug id being started."))


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Summary(_Document):
    """A compact record of one assessment: the verdict and finding ids, for pipelines.

    Finding and evidence ids resolve against the rule base named (id, version, sha256) in
    `rulebase`; `--detail full` carries the findings' text and the evidence entries.
    """

    __pydantic_config__ = _CONFIG

    schema_version: str = SCHEMA_VERSION
    detail: Literal["summary"] = "summary"
    id: str | int | None = field(default=None, metadata=_doc(
        "The batch record's `id`, echoed back; null when none was given."))
    tool_version: str
    rulebase: RuleBaseInfo
    input: dict[str, InputValue] = field(metadata=_doc("The input as received."))
    switch: SwitchIds
    verdict: Severity = field(metadata=_doc("Highest severity among fired findings."))
    worst_possible: Severity = field(metadata=_doc(
        "Highest severity still possible given the facts not given."))
    washout: SummaryWashout | None
    facts: list[FactReading] = field(metadata=_doc("The facts as read (interpreted)."))
    findings: list[SummaryFinding] = field(metadata=_doc(
        "Fired findings, most severe first."))
    not_evaluated: list[SummaryNotEvaluated] = field(metadata=_doc(
        "Findings that could not be evaluated for want of facts."))

    def to_json(self) -> str:
        """One compact line (no trailing newline), contract key order."""
        return jsonout.compact(self)


def summarize(assessment: Assessment) -> Summary:
    """The Summary record of a full Assessment."""
    washout = assessment.washout
    return Summary(
        schema_version=assessment.schema_version,
        id=assessment.id,
        tool_version=assessment.tool_version,
        rulebase=assessment.rulebase,
        input=assessment.input,
        switch=switch_ids(assessment.switch.from_.id, assessment.switch.to.id),
        verdict=assessment.verdict,
        worst_possible=assessment.worst_possible,
        washout=None if washout is None else summary_washout(
            washout.window, washout.position, washout.weeks_since_stop),
        facts=assessment.facts,
        findings=[summary_finding(item.id, item.severity, item.title, item.evidence)
                  for item in assessment.findings],
        not_evaluated=[summary_not_evaluated(item.id, item.severity, item.title, item.needs,
                                             item.options, item.evidence)
                       for item in assessment.not_evaluated],
    )


# The parts of a Summary, shared by ``summarize`` and the engine's summary path (which builds
# the same record without the full assessment), so both give the very same objects.


def switch_ids(from_: str, to: str) -> SwitchIds:
    return _shared((SwitchIds, from_, to), lambda: SwitchIds(from_=from_, to=to))


def summary_washout(window: str, position: WashoutPosition,
                    weeks_since_stop: float | None) -> SummaryWashout:
    # not shared: one per gap, and gaps vary from record to record
    return SummaryWashout(window=window, position=position, weeks_since_stop=weeks_since_stop)


def summary_finding(id: str, severity: Severity, title: str,
                    evidence: Sequence[str]) -> SummaryFinding:
    key = (SummaryFinding, id, severity, title, tuple(evidence))
    return _shared(key, lambda: SummaryFinding(
        id=id, severity=severity, title=title, evidence=list(evidence)))


def summary_not_evaluated(id: str, severity: Severity, title: str,
                          needs: Sequence[str], options: Sequence[str],
                          evidence: Sequence[str]) -> SummaryNotEvaluated:
    key = (SummaryNotEvaluated, id, severity, title, tuple(needs), tuple(options),
           tuple(evidence))
    return _shared(key, lambda: SummaryNotEvaluated(
        id=id, severity=severity, title=title, needs=list(needs), options=list(options),
        evidence=list(evidence)))


_T = TypeVar("_T")
_PARTS: dict[tuple[object, ...], Any] = {}
_PARTS_SIZE = 4_096
"""Summary parts kept by their content (frozen, so shared and written to JSON once): a finding
gives the same part in every record that carries it. Bounded, so memory stays flat."""


def _shared(key: tuple[object, ...], build: Callable[[], _T]) -> _T:
    part: _T | None = _PARTS.get(key)
    if part is None:
        part = build()
        if len(_PARTS) < _PARTS_SIZE:
            _PARTS[key] = part
    return part

"""Pydantic models of the rule base's YAML files, and the compiled rule base they become."""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from switchadvisor.conditions import Condition, FactSpec, FactType
from switchadvisor.facts import PATIENT_FACTS
from switchadvisor.resources import RuleLocation

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
KEBAB_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Id = Annotated[str, Field(pattern=ID_PATTERN, min_length=2, max_length=80)]
KebabId = Annotated[str, Field(pattern=KEBAB_PATTERN, min_length=2, max_length=80)]
EvidenceRefs = Annotated[list[Id], Field(min_length=1)]


class Severity(str, enum.Enum):
    """Finding levels, as in HL7 CDS Hooks cards; the verdict is the highest fired."""

    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}


class EvidenceKind(str, enum.Enum):
    LABEL = "label"
    GUIDELINE = "guideline"
    RCT = "rct"
    COHORT = "cohort"
    CASE_SERIES = "case-series"
    CASE_REPORT = "case-report"
    REVIEW = "review"
    EXPERT_OPINION = "expert-opinion"


class LymphocyteEffect(str, enum.Enum):
    SEQUESTER = "sequester"
    DEPLETE = "deplete"
    BLOCK_MIGRATION = "block-migration"
    MODULATE = "modulate"
    CYTOSTATIC = "cytostatic"


class Layer(str, enum.Enum):
    """Where a finding came from: specific evidence or a class-level inference."""

    DRUG_PAIR = "drug-pair"
    CLASS_PAIR = "class-pair"
    AFTER_STOPPING = "after-stopping"
    BEFORE_STARTING = "before-starting"


class RuleModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


# ------------------------------------------------------------------------------ durations

_DURATION = re.compile(
    r"^\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>days?|weeks?|months?|years?)\s*$"
)
_WEEKS_PER = {"day": 1 / 7, "week": 1.0, "month": 365.25 / 12 / 7, "year": 365.25 / 7}


class Duration(RuleModel):
    """A time such as "10 days" or "2 months", kept as written and in weeks."""

    text: str
    weeks: float

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            match = _DURATION.match(value)
            if match is None:
                raise ValueError(
                    f"{value!r} is not a duration; write a number and a unit, e.g. "
                    "'10 days', '8 weeks', '2 months', '1 year'"
                )
            unit = match.group("unit").rstrip("s")
            weeks = float(match.group("number")) * _WEEKS_PER[unit]
            return {"text": value.strip(), "weeks": round(weeks, 4)}
        return value


def _duration_from_text(value: Any) -> Any:
    return Duration.model_validate(value) if isinstance(value, str) else value


DurationField = Annotated[Duration, BeforeValidator(_duration_from_text)]

# ----------------------------------------------------------------------------- the files


class RuleBaseMeta(RuleModel):
    id: KebabId
    version: str = Field(min_length=1)
    reviewed: dt.date
    title: str = Field(min_length=1)
    disclaimer: str = Field(min_length=20)


class EvidenceEntry(RuleModel):
    """One source in the citation registry."""

    id: Id
    kind: EvidenceKind
    authors: str = Field(min_length=1)
    title: str = Field(min_length=1)
    source: str = Field(min_length=1, description="Journal citation, or the issuing body.")
    year: int | None = Field(
        None, ge=1950, le=2100,
        description="Publication year; for a label, the year of the revision read (None: undated).")
    doi: Annotated[str, Field(pattern=r"^10\.\d{4,9}/\S+$")] | None = None
    pmid: Annotated[str, Field(pattern=r"^\d{6,9}$")] | None = None
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None
    section: str | None = Field(None, description="Label section(s), for labels.")
    holder: str | None = Field(
        None, min_length=2,
        description="Label holder (marketing-authorisation holder), for labels.")
    version: str | None = Field(
        None, min_length=4,
        description="Label version or revision date of the text read, for labels.")
    n: int | None = Field(None, ge=1, description="Participants, where it applies.")
    n_note: str | None = None
    finding: str = Field(min_length=10)
    seen_at: list[Annotated[str, Field(pattern=r"^https?://\S+$")]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_identifier(self) -> EvidenceEntry:
        if not (self.doi or self.pmid or self.url):
            raise ValueError("needs a doi, a pmid or an official url")
        if self.kind is EvidenceKind.LABEL and not self.section:
            raise ValueError("a label citation needs the label section")
        if self.kind is not EvidenceKind.LABEL and self.year is None:
            raise ValueError("needs its publication year")
        return self


class EvidenceFile(RuleModel):
    evidence: list[EvidenceEntry]


class DrugClass(RuleModel):
    id: KebabId
    name: str
    lymphocyte_effect: LymphocyteEffect
    description: str
    evidence: EvidenceRefs


class ClassesFile(RuleModel):
    classes: list[DrugClass]


class Basis(str, enum.Enum):
    """What a finding rests on, strongest first; the README's severity policy maps it to a level.

    Label bases (contraindication, must, not-recommended, caution) describe what the label text
    says about the situation the finding fires in; ``check`` is a label requirement shown as a
    to-do before starting (screening, tests), not a statement that it is unmet.
    """

    CONTRAINDICATION = "contraindication"
    MUST = "must"
    NOT_RECOMMENDED = "not-recommended"
    CAUTION = "caution"
    COHORT_SIGNAL = "cohort-signal"
    CONSENSUS = "consensus"
    CASE_SIGNAL = "case-signal"
    CHECK = "check"
    INFORMATION = "information"


class Finding(RuleModel):
    """One statement a rule base makes about a switch, with its condition and citations."""

    id: KebabId
    severity: Severity
    basis: Basis | None = Field(
        None, description="What the finding rests on; checked against severity and evidence.")
    secondary: bool = Field(
        False, description="The label wording behind the basis was read only as restated by a "
                           "secondary source (review table, compendium): one level lower.")
    inference: bool = Field(
        False, description="Class inference: no evidence about the drug itself, only about "
                           "others of its class; one level lower, and said so in the text.")
    title: str = Field(min_length=5)
    when: str | None = Field(None, description="Condition; absent = always applies.")
    message: str = Field(min_length=10)
    evidence: EvidenceRefs
    counter_evidence: list[Id] = Field(default_factory=list)
    supersedes: list[KebabId] = Field(default_factory=list)
    replaces: list[KebabId] = Field(default_factory=list)


class Period(RuleModel):
    """A time span from the evidence (any of min, median, max), with its citations."""

    min: DurationField | None = None
    median: DurationField | None = None
    max: DurationField | None = None
    note: str | None = None
    evidence: EvidenceRefs

    @model_validator(mode="after")
    def _has_a_bound(self) -> Period:
        if self.min is None and self.max is None and self.median is None:
            raise ValueError("give at least one of min, median, max")
        if self.min and self.max and self.min.weeks > self.max.weeks:
            raise ValueError("min is longer than max")
        return self

    def describe(self) -> str:
        parts = []
        if self.min and self.max:
            parts.append(f"{self.min.text} to {self.max.text}")
        elif self.max:
            parts.append(f"up to {self.max.text}")
        elif self.min:
            parts.append(f"at least {self.min.text}")
        if self.median:
            parts.append(f"median {self.median.text}")
        return ", ".join(parts)


FIGURES = ("elimination", "lymphocyte_recovery", "b_cell_repletion", "rebound_window")
FIGURE_WORDS = {
    "elimination": "elimination after stopping",
    "lymphocyte_recovery": "lymphocyte recovery after stopping",
    "b_cell_repletion": "B-cell repletion after stopping",
    "rebound_window": "window for rebound after stopping",
    "lasting_effect": "longest verified effect after stopping",
}
BOUNDS = ("min", "median", "max")
LASTING_EFFECT = "lasting_effect"
"""A derived figure: the longest of a drug's elimination, lymphocyte recovery and B-cell
repletion (max, else median), so one condition covers drugs whose lasting effect differs in
kind (an S1P modulator has no B-cell figure; an anti-CD20 antibody has no elimination one)."""
_EFFECT_FIGURES = ("elimination", "lymphocyte_recovery", "b_cell_repletion")


class AfterStopping(RuleModel):
    elimination: Period | None = None
    lymphocyte_recovery: Period | None = None
    b_cell_repletion: Period | None = None
    rebound_window: Period | None = None
    findings: list[Finding] = Field(default_factory=list)

    def figure(self, name: str) -> Period | None:
        value = getattr(self, name)
        assert value is None or isinstance(value, Period)
        return value

    def lasting_effect(self) -> tuple[str, Duration] | None:
        """The longest verified effect after stopping, with the figure it comes from."""
        candidates = []
        for name in _EFFECT_FIGURES:
            period = self.figure(name)
            duration = (period.max or period.median) if period is not None else None
            if duration is not None:
                candidates.append((name, duration))
        return max(candidates, key=lambda candidate: candidate[1].weeks, default=None)

    def duration(self, figure: str, bound: str) -> Duration | None:
        """One bound of a figure (``lasting_effect`` has only ``max``), None if unverified."""
        if figure == LASTING_EFFECT:
            longest = self.lasting_effect()
            return longest[1] if longest is not None and bound == "max" else None
        period = self.figure(figure)
        value = getattr(period, bound) if period is not None else None
        assert value is None or isinstance(value, Duration)
        return value

    def describe_figure(self, figure: str) -> str | None:
        """A figure in the evidence's words ("1 month to 2 months"), None if unverified."""
        if figure == LASTING_EFFECT:
            longest = self.lasting_effect()
            if longest is None:
                return None
            return f"{longest[1].text} ({FIGURE_WORDS[longest[0]]})"
        period = self.figure(figure)
        return period.describe() if period is not None else None


class BeforeStarting(RuleModel):
    findings: list[Finding] = Field(default_factory=list)


class Route(str, enum.Enum):
    ORAL = "oral"
    INFUSION = "infusion"
    INJECTION = "injection"


class Drug(RuleModel):
    id: KebabId
    name: str
    class_: KebabId = Field(alias="class")
    brands: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)
    route: Route
    off_label: bool = False
    note: str | None = None
    after_stopping: AfterStopping = Field(default_factory=lambda: AfterStopping())
    before_starting: BeforeStarting = Field(default_factory=BeforeStarting)


class DrugsFile(RuleModel):
    drugs: list[Drug]


_REFERENCE = re.compile(
    rf"^(from|to)\.(?:({'|'.join(FIGURES)})\.({'|'.join(BOUNDS)})|{LASTING_EFFECT}\.max)$"
)


def _bound(value: Any) -> Any:
    if isinstance(value, str) and _REFERENCE.match(value.strip()):
        return value.strip()
    if isinstance(value, str):
        return Duration.model_validate(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError("give a unit: e.g. '4 weeks'")
    return value


Bound = Annotated[Duration | str, BeforeValidator(_bound)]


class Washout(RuleModel):
    """The recommended gap between stopping one drug and starting the next.

    Bounds are durations ("4 weeks") or references to the stopping drug's own figures
    ("from.elimination.max"), so a class-level pathway uses each drug's numbers.
    """

    min: Bound | None = None
    max: Bound | None = None
    basis: str = Field(min_length=10)
    evidence: EvidenceRefs


class Alternative(RuleModel):
    to: KebabId
    reason: str = Field(min_length=10)
    evidence: EvidenceRefs


class Pathway(RuleModel):
    from_: KebabId = Field(alias="from")
    to: KebabId
    summary: str = Field(min_length=10)
    washout: Washout | None = None
    findings: list[Finding] = Field(default_factory=list)
    alternatives: list[Alternative] = Field(default_factory=list)


# ------------------------------------------------------------------------- loaded result


def condition_facts() -> dict[str, FactSpec]:
    """Every name a condition may use: patient facts and the two drugs' figures (weeks)."""
    specs = dict(PATIENT_FACTS)
    for side, role in (("from", "stopping"), ("to", "starting")):
        for figure in FIGURES:
            for bound in BOUNDS:
                name = f"{side}.{figure}.{bound}"
                specs[name] = FactSpec(
                    name, FactType.NUMBER,
                    f"{bound} {FIGURE_WORDS[figure]} of the {role} drug", "weeks",
                )
        name = f"{side}.{LASTING_EFFECT}.max"
        specs[name] = FactSpec(name, FactType.NUMBER,
                               f"{FIGURE_WORDS[LASTING_EFFECT]} of the {role} drug", "weeks")
    return specs


CONDITION_FACTS = condition_facts()
TEMPLATE_FIELDS = frozenset(
    {f"{side}.name" for side in ("from", "to")}
    | {f"{side}.{figure}" for side in ("from", "to") for figure in (*FIGURES, LASTING_EFFECT)}
)
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Rule:
    """A finding ready to evaluate: where it came from and its compiled condition."""

    finding: Finding
    layer: Layer
    origin: str
    """The pathway or drug it belongs to, e.g. "fingolimod→alemtuzumab" or "fingolimod"."""
    condition: Condition | None


@dataclass(frozen=True)
class PathwayRules:
    pathway: Pathway
    layer: Layer
    rules: tuple[Rule, ...]


@dataclass
class RuleBase:
    """A validated, cross-checked rule base with compiled conditions."""

    meta: RuleBaseMeta
    location: RuleLocation
    sha256: str
    evidence: dict[str, EvidenceEntry]
    classes: dict[str, DrugClass]
    drugs: dict[str, Drug]
    pathways: dict[tuple[str, str], PathwayRules]
    after_stopping: dict[str, tuple[Rule, ...]]
    before_starting: dict[str, tuple[Rule, ...]]
    findings: dict[str, Rule] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict, repr=False)
    """Derived indexes (drug names), built on first use."""

    def pathway(self, from_id: str, to_id: str) -> PathwayRules | None:
        return self.pathways.get((from_id, to_id))

    @property
    def finding_count(self) -> int:
        return len(self.findings)



FILE_MODELS: dict[str, type[RuleModel]] = {
    "rulebase.yaml": RuleBaseMeta,
    "evidence.yaml": EvidenceFile,
    "classes.yaml": ClassesFile,
    "drugs.yaml": DrugsFile,
}


def model_for(relpath: str) -> type[RuleModel]:
    """The model of one rule file: the four registries by name, a pathway otherwise."""
    return FILE_MODELS.get(relpath, Pathway)

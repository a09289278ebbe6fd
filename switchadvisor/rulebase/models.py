"""The rule base's types: its YAML files' entries, and the compiled rule base they become.

Plain frozen dataclasses, so running a rule base (and unpickling a cached one) never imports
pydantic. pydantic validates them only where YAML enters (``loader``), via ``TypeAdapter``:
constraints are ``constraints`` markers in ``Annotated[...]``, key aliases and descriptions
are dataclass field metadata, unknown keys are refused through ``__pydantic_config__``, and
checks across fields are ``__post_init__`` (a ValueError there is reported at the entry).
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from switchadvisor import timeunits
from switchadvisor.conditions import FactSpec, FactType
from switchadvisor.facts import PATIENT_FACTS
from switchadvisor.records import Record
from switchadvisor.rulebase.constraints import Before, Between, NonEmpty, Text

if TYPE_CHECKING:
    from switchadvisor.conditions import Condition
    from switchadvisor.resources import RuleLocation

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
KEBAB_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Id = Annotated[str, Text(pattern=ID_PATTERN, min_length=2, max_length=80)]
KebabId = Annotated[str, Text(pattern=KEBAB_PATTERN, min_length=2, max_length=80)]
EvidenceRefs = Annotated[list[Id], NonEmpty()]
NonEmptyText = Annotated[str, Text(min_length=1)]
DOI_PATTERN = r"^10\.\d{4,9}/\S+$"
PMID_PATTERN = r"^\d{6,9}$"
URL_PATTERN = r"^https?://\S+$"


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


class RuleModel(Record):
    """Base of the rule-base entry types: value semantics from ``Record``; pydantic refuses
    keys they do not declare."""

    __slots__ = ()

    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}


def doc(description: str, **metadata: str) -> dict[str, str]:
    """Field metadata pydantic reads: a description for the JSON Schema, and an alias."""
    return {"description": description, **metadata}


# ------------------------------------------------------------------------------ durations


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Duration(RuleModel):
    """A time such as "10 days" or "2 months", kept as written and in weeks.

    Converted by ``switchadvisor.timeunits`` (one definition of a month everywhere).
    """

    text: str
    weeks: float
    number: float = 0.0
    unit: str = "week"

    @classmethod
    def of(cls, text: str) -> Duration:
        """A duration from its text ("2 months"); ValueError if it is not one."""
        number, unit, weeks = timeunits.parse_duration(text)
        return cls(text=text.strip(), weeks=weeks, number=number, unit=unit)


def _duration_from_text(value: Any) -> Any:
    return Duration.of(value) if isinstance(value, str) else value


DurationField = Annotated[Duration, Before(_duration_from_text)]

# ----------------------------------------------------------------------------- the files


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class RuleBaseMeta(RuleModel):
    id: KebabId
    version: Annotated[str, Text(min_length=1)]
    reviewed: dt.date
    title: Annotated[str, Text(min_length=1)]
    disclaimer: Annotated[str, Text(min_length=20)]


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class EvidenceEntry(RuleModel):
    """One source in the citation registry."""

    id: Id
    kind: EvidenceKind
    authors: Annotated[str, Text(min_length=1)]
    title: Annotated[str, Text(min_length=1)]
    source: NonEmptyText = field(metadata=doc("Journal citation, or the issuing body."))
    year: Annotated[int, Between(ge=1950, le=2100)] | None = field(default=None, metadata=doc(
        "Publication year; for a label, the year of the revision read (None: undated)."))
    doi: Annotated[str, Text(pattern=DOI_PATTERN)] | None = None
    pmid: Annotated[str, Text(pattern=PMID_PATTERN)] | None = None
    url: Annotated[str, Text(pattern=URL_PATTERN)] | None = None
    section: str | None = field(default=None, metadata=doc("Label section(s), for labels."))
    holder: Annotated[str, Text(min_length=2)] | None = field(default=None, metadata=doc(
        "Label holder (marketing-authorisation holder), for labels."))
    version: Annotated[str, Text(min_length=4)] | None = field(default=None, metadata=doc(
        "Label version or revision date of the text read, for labels."))
    n: Annotated[int, Between(ge=1)] | None = field(
        default=None, metadata=doc("Participants, where it applies."))
    n_note: str | None = None
    finding: Annotated[str, Text(min_length=10)]
    seen_at: list[Annotated[str, Text(pattern=URL_PATTERN)]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not (self.doi or self.pmid or self.url):
            raise ValueError("needs a doi, a pmid or an official url")
        if self.kind is EvidenceKind.LABEL and not self.section:
            raise ValueError("a label citation needs the label section")
        if self.kind is not EvidenceKind.LABEL and self.year is None:
            raise ValueError("needs its publication year")


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class EvidenceFile(RuleModel):
    evidence: list[EvidenceEntry]


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class DrugClass(RuleModel):
    id: KebabId
    name: str
    lymphocyte_effect: LymphocyteEffect
    description: str
    evidence: EvidenceRefs


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
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


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Finding(RuleModel):
    """One statement a rule base makes about a switch, with its condition and citations."""

    id: KebabId
    severity: Severity
    basis: Basis | None = field(default=None, metadata=doc(
        "What the finding rests on; checked against severity and evidence."))
    secondary: bool = field(default=False, metadata=doc(
        "The label wording behind the basis was read only as restated by a secondary source "
        "(review table, compendium): one level lower."))
    inference: bool = field(default=False, metadata=doc(
        "Class inference: no evidence about the drug itself, only about others of its class; "
        "one level lower, and said so in the text."))
    title: Annotated[str, Text(min_length=5)]
    when: str | None = field(default=None, metadata=doc("Condition; absent = always applies."))
    message: Annotated[str, Text(min_length=10)]
    evidence: EvidenceRefs
    counter_evidence: list[Id] = field(default_factory=list)
    supersedes: list[KebabId] = field(default_factory=list)
    replaces: list[KebabId] = field(default_factory=list)


class Measure(str, enum.Enum):
    """What a drug figure measures."""

    DRUG_PRESENT = "drug-present"
    LYMPHOCYTES_LLN = "lymphocytes-lln"
    B_CELLS_REPLETED = "b-cells-repleted"
    CD4_RECOVERED = "cd4-recovered"
    PLASMA_BELOW_THRESHOLD = "plasma-below-threshold"
    REBOUND_ONSET = "rebound-onset"
    RAISED_COUNTS_NORMALISED = "raised-counts-normalised"


RECOVERY_MEASURES = frozenset({Measure.LYMPHOCYTES_LLN, Measure.B_CELLS_REPLETED,
                               Measure.CD4_RECOVERED})
"""Measures of a recovery to a level, which a source may set otherwise (``threshold``)."""
IMMUNE_MEASURES = frozenset({Measure.DRUG_PRESENT, Measure.LYMPHOCYTES_LLN,
                             Measure.B_CELLS_REPLETED, Measure.CD4_RECOVERED})
"""Measures of an effect on the immune system that may persist after stopping. A plasma
level below a (pregnancy) threshold, raised counts falling back and the onset of rebound are
not."""


class Statistic(str, enum.Enum):
    """What kind of number a drug figure is."""

    UPPER_BOUND = "upper-bound"
    """The source states the time as a maximum ("up to 2 months")."""
    MEDIAN = "median"
    MEAN = "mean"
    SHARE_BY_TIME = "share-by-time"
    """A share of patients reached it by a time ("80% by 12 months"): not a duration."""
    RANGE = "range"
    """The source gives a span of times ("4–12 weeks") that is not a maximum."""
    TYPICAL = "typical"
    """The usual time ("generally within 12 weeks"): not a maximum."""


FIGURE_MEASURES: dict[str, Measure] = {
    "elimination": Measure.DRUG_PRESENT,
    "lymphocyte_recovery": Measure.LYMPHOCYTES_LLN,
    "b_cell_repletion": Measure.B_CELLS_REPLETED,
    "cd4_recovery": Measure.CD4_RECOVERED,
    "plasma_level": Measure.PLASMA_BELOW_THRESHOLD,
    "rebound_onset": Measure.REBOUND_ONSET,
    "raised_counts": Measure.RAISED_COUNTS_NORMALISED,
}
"""Each figure name and the one thing it measures."""
FIGURES = tuple(FIGURE_MEASURES)
IMMUNE_EFFECT = "immune_effect"
"""A derived figure: the longest *upper bound* among a drug's figures that measure an immune
effect (drug present, lymphocytes, B cells, CD4 cells), so one condition covers drugs whose
lasting effect differs in kind. Medians, means, shares and typical times never count."""
FIGURE_WORDS = {
    "elimination": "presence in the body after stopping",
    "lymphocyte_recovery": "lymphocyte recovery to the lower limit of normal",
    "b_cell_repletion": "B-cell repletion",
    "cd4_recovery": "CD4 T-cell recovery",
    "plasma_level": "time for the plasma level to fall below its threshold",
    "rebound_onset": "onset of returning disease activity after stopping",
    "raised_counts": "return of its raised blood counts to baseline",
    IMMUNE_EFFECT: "immune effect after stopping",
}
FIGURE_SUBJECTS = {"lymphocyte_recovery": "lymphocyte recovery"}
"""What a figure measures without the level its words imply, for a figure that names its own
(``DrugFigure.threshold``)."""
UPPER = "upper"
"""The only statistic a condition or a washout bound may take from a figure."""


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class DrugFigure(RuleModel):
    """One number about a drug after stopping: what it measures and what statistic it is.

    ``time`` is the value (the time point for a share); ``low`` the lower end of a range
    (or of "up to 3–4 weeks", "usually within 1–2 months"); ``share`` the percent of
    patients for a share by a time.
    """

    name: str
    measure: Measure
    statistic: Statistic
    time: DurationField
    low: DurationField | None = None
    share: Annotated[float, Between(gt=0, le=100)] | None = None
    threshold: str | None = None
    """The level a recovery is measured to, when the source's is not the one ``measure``
    names (cladribine's median is to 800 cells/µL, not to the lower limit of normal): said
    with the figure wherever it is shown."""
    note: str | None = None
    evidence: EvidenceRefs

    def __post_init__(self) -> None:
        expected = FIGURE_MEASURES.get(self.name)
        if expected is None:
            raise ValueError(f"unknown figure name {self.name!r} "
                             f"(known: {', '.join(FIGURES)})")
        if self.measure is not expected:
            raise ValueError(f"figure `{self.name}` measures {expected.value}, not "
                             f"{self.measure.value}")
        if (self.share is None) == (self.statistic is Statistic.SHARE_BY_TIME):
            raise ValueError("give `share` (percent of patients) for a share-by-time figure, "
                             "and only for one")
        if self.statistic is Statistic.RANGE and self.low is None:
            raise ValueError("a range needs `low`")
        if self.threshold is not None and self.measure not in RECOVERY_MEASURES:
            recoveries = ", ".join(sorted(measure.value for measure in RECOVERY_MEASURES))
            raise ValueError(f"`threshold` applies to a recovery ({recoveries}), not to "
                             f"{self.measure.value}")
        if self.threshold is not None and not self.threshold.strip():
            raise ValueError("`threshold` must name a level, e.g. 800 cells/µL")
        if self.low is not None:
            if self.statistic not in {Statistic.RANGE, Statistic.UPPER_BOUND,
                                      Statistic.TYPICAL}:
                raise ValueError(f"`low` does not apply to a {self.statistic.value}")
            if self.low.weeks >= self.time.weeks:
                raise ValueError("`low` must be shorter than `time`")

    def span(self) -> str:
        low = (self.low.number, self.low.unit) if self.low is not None else None
        return timeunits.span_text(low, (self.time.number, self.time.unit))

    def describe(self) -> str:
        """The figure in words, always with its statistic ("median 72 weeks"), and with the
        level it was measured to when that is not the usual one ("median 28 weeks, to 800
        cells/µL")."""
        text = self._statistic_text()
        return f"{text}, to {self.threshold}" if self.threshold is not None else text

    def _statistic_text(self) -> str:
        if self.statistic is Statistic.UPPER_BOUND:
            return f"up to {self.span()}"
        if self.statistic is Statistic.MEDIAN:
            return f"median {self.time.text}"
        if self.statistic is Statistic.MEAN:
            return f"mean {self.time.text}"
        if self.statistic is Statistic.SHARE_BY_TIME:
            assert self.share is not None
            return f"{self.share:g}% by {self.time.text}"
        if self.statistic is Statistic.TYPICAL:
            return f"usually within {self.span()}"
        return self.span()


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class AfterStopping(RuleModel):
    figures: list[DrugFigure] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def named(self, name: str) -> list[DrugFigure]:
        """The drug's figures of one name (a drug may have several), in file order."""
        if name == IMMUNE_EFFECT:
            return [figure for figure in self.figures if figure.measure in IMMUNE_MEASURES]
        return [figure for figure in self.figures if figure.name == name]

    def upper(self, name: str) -> DrugFigure | None:
        """The longest upper bound stated for a figure (or for the immune effect), if any."""
        bounds = [figure for figure in self.named(name)
                  if figure.statistic is Statistic.UPPER_BOUND]
        return max(bounds, key=lambda figure: figure.time.weeks, default=None)

    def describe(self, name: str) -> str | None:
        """A figure in words, every statistic kept ("40% by 6 months, 80% by 12 months");
        for the immune effect, its longest upper bound and what it measures."""
        if name == IMMUNE_EFFECT:
            longest = self.upper(name)
            if longest is None:
                return None
            return f"{longest.describe()} (its figure for {_words([longest])})"
        figures = self.named(name)
        return ", ".join(figure.describe() for figure in figures) if figures else None

    def no_upper_bound(self, name: str, drug_name: str) -> str:
        """Why a condition needing an upper bound cannot be decided, in one clause."""
        what = FIGURE_WORDS[name]
        others = _grouped(self.named(name))
        if others:
            return f"no verified upper bound for {drug_name}'s {what} ({others})"
        unrelated = _grouped([figure for figure in self.figures
                              if figure.measure is not Measure.REBOUND_ONSET])
        if name == IMMUNE_EFFECT and unrelated:
            return (f"no verified figure for {drug_name}'s {what} (its figures measure "
                    f"something else: {unrelated})")
        return f"no verified figure for {drug_name}'s {what}"


def _grouped(figures: list[DrugFigure]) -> str:
    """Figures in words, grouped by name: "B-cell repletion: median 3 months, mean 6 months"."""
    grouped: dict[str, list[DrugFigure]] = {}
    for figure in figures:
        grouped.setdefault(figure.name, []).append(figure)
    return "; ".join(f"{_words(group)}: {', '.join(figure.describe() for figure in group)}"
                     for group in grouped.values())


def _words(figures: list[DrugFigure]) -> str:
    """What figures of one name measure, in words; without the level the measure implies
    when each of them names its own (``threshold``: "lymphocyte recovery", not "… to the
    lower limit of normal", for a median to 800 cells/µL)."""
    name = figures[0].name
    if all(figure.threshold is not None for figure in figures):
        return FIGURE_SUBJECTS.get(name, FIGURE_WORDS[name])
    return FIGURE_WORDS[name]


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class BeforeStarting(RuleModel):
    findings: list[Finding] = field(default_factory=list)


class Route(str, enum.Enum):
    ORAL = "oral"
    INFUSION = "infusion"
    INJECTION = "injection"


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Drug(RuleModel):
    id: KebabId
    name: str
    class_: KebabId = field(metadata={"alias": "class"})
    brands: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    route: Route
    off_label: bool = False
    note: str | None = None
    after_stopping: AfterStopping = field(default_factory=lambda: AfterStopping())
    before_starting: BeforeStarting = field(default_factory=lambda: BeforeStarting())


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class DrugsFile(RuleModel):
    drugs: list[Drug]


_REFERENCE = re.compile(rf"^(from|to)\.({'|'.join((*FIGURES, IMMUNE_EFFECT))})\.{UPPER}$")
_ANY_REFERENCE = re.compile(r"^(from|to)\.[a-z_]+\.[a-z_]+$")


def _bound(value: Any) -> Any:
    if isinstance(value, str) and _REFERENCE.match(value.strip()):
        return value.strip()
    if isinstance(value, str) and _ANY_REFERENCE.match(value.strip()):
        raise ValueError(
            f"{value.strip()!r}: a washout bound can take only an upper bound from a drug "
            f"figure, written <from|to>.<figure>.{UPPER} (figures: "
            f"{', '.join((*FIGURES, IMMUNE_EFFECT))}); a median, mean or share is not a bound")
    if isinstance(value, str):
        return Duration.of(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError("give a unit: e.g. '4 weeks'")
    if isinstance(value, dict):
        return {key: _bound_per_drug(item) for key, item in value.items()}
    return value


def _bound_per_drug(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError("give a unit: e.g. '4 weeks'")
    return Duration.of(value) if isinstance(value, str) else value


Bound = Annotated[Duration | dict[str, Duration] | str, Before(_bound)]


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Washout(RuleModel):
    """The recommended gap between stopping one drug and starting the next.

    Bounds are durations ("4 weeks"), references to an upper bound of the stopping drug's
    own figures ("from.elimination.upper"), or, in a class pathway, durations per drug
    (``{fingolimod: 2 months}``) where only some drugs of the class have evidence on gap
    length: the other drugs get no bound and are never called *late*.
    """

    min: Bound | None = None
    max: Bound | None = None
    basis: Annotated[str, Text(min_length=10)]
    evidence: EvidenceRefs


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Alternative(RuleModel):
    to: KebabId
    reason: Annotated[str, Text(min_length=10)]
    evidence: EvidenceRefs


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Pathway(RuleModel):
    from_: KebabId = field(metadata={"alias": "from"})
    to: KebabId
    summary: Annotated[str, Text(min_length=10)]
    washout: Washout | None = None
    findings: list[Finding] = field(default_factory=list)
    alternatives: list[Alternative] = field(default_factory=list)


# ------------------------------------------------------------------------- loaded result


def condition_facts() -> dict[str, FactSpec]:
    """Every name a condition may use: patient facts, the two drugs' figures' upper bounds
    (weeks) and the two drugs' classes' effect on lymphocytes."""
    specs = dict(PATIENT_FACTS)
    for side, role in (("from", "stopping"), ("to", "starting")):
        for figure in (*FIGURES, IMMUNE_EFFECT):
            name = f"{side}.{figure}.{UPPER}"
            specs[name] = FactSpec(
                name, FactType.NUMBER,
                f"verified upper bound of the {role} drug's {FIGURE_WORDS[figure]}", "weeks",
            )
        name = f"{side}.lymphocyte_effect"
        specs[name] = FactSpec(name, FactType.CHOICE,
                               f"how the {role} drug's class acts on lymphocytes",
                               choices=tuple(effect.value for effect in LymphocyteEffect))
    return specs


CONDITION_FACTS = condition_facts()
TEMPLATE_FIELDS = frozenset(
    {f"{side}.name" for side in ("from", "to")}
    | {f"{side}.{figure}" for side in ("from", "to") for figure in (*FIGURES, IMMUNE_EFFECT)}
)
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
FIGURE_REFERENCE = re.compile(r"\b(from|to)\.([a-z_]+)\.([a-z_]+)\b")
"""A figure statistic named in a condition; only ``.upper`` compiles."""


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

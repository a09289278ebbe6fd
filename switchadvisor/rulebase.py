"""The rule base: pydantic models of its YAML files, the loader and the cross-checks.

The loader validates every file, then cross-references ids, then compiles every condition,
collecting problems at each stage; it raises one ``RuleBaseError`` holding all of them, each
positioned at file:line:column (paths relative to the rule base's parent directory).
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from switchadvisor import yamlio
from switchadvisor.conditions import (
    Condition,
    ConditionSyntaxError,
    FactSpec,
    FactType,
    compile_condition,
)
from switchadvisor.errors import Problem, RuleBaseError
from switchadvisor.facts import PATIENT_FACTS
from switchadvisor.resources import RuleLocation, locate_rules

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


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


# ------------------------------------------------------------------------------ durations

_DURATION = re.compile(
    r"^\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>days?|weeks?|months?|years?)\s*$"
)
_WEEKS_PER = {"day": 1 / 7, "week": 1.0, "month": 365.25 / 12 / 7, "year": 365.25 / 7}


class Duration(_Model):
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


class RuleBaseMeta(_Model):
    id: KebabId
    version: str = Field(min_length=1)
    reviewed: dt.date
    title: str = Field(min_length=1)
    disclaimer: str = Field(min_length=20)


class EvidenceEntry(_Model):
    """One source in the citation registry."""

    id: Id
    kind: EvidenceKind
    authors: str = Field(min_length=1)
    title: str = Field(min_length=1)
    source: str = Field(min_length=1, description="Journal citation, or the issuing body.")
    year: int = Field(ge=1950, le=2100)
    doi: Annotated[str, Field(pattern=r"^10\.\d{4,9}/\S+$")] | None = None
    pmid: Annotated[str, Field(pattern=r"^\d{6,9}$")] | None = None
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None
    section: str | None = Field(None, description="Label section(s), for labels.")
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
        return self


class EvidenceFile(_Model):
    evidence: list[EvidenceEntry]


class DrugClass(_Model):
    id: KebabId
    name: str
    lymphocyte_effect: LymphocyteEffect
    description: str
    evidence: EvidenceRefs


class ClassesFile(_Model):
    classes: list[DrugClass]


class Finding(_Model):
    """One statement a rule base makes about a switch, with its condition and citations."""

    id: KebabId
    severity: Severity
    title: str = Field(min_length=5)
    when: str | None = Field(None, description="Condition; absent = always applies.")
    message: str = Field(min_length=10)
    evidence: EvidenceRefs
    counter_evidence: list[Id] = Field(default_factory=list)
    supersedes: list[KebabId] = Field(default_factory=list)
    replaces: list[KebabId] = Field(default_factory=list)


class Period(_Model):
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


class AfterStopping(_Model):
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


class BeforeStarting(_Model):
    findings: list[Finding] = Field(default_factory=list)


class Route(str, enum.Enum):
    ORAL = "oral"
    INFUSION = "infusion"
    INJECTION = "injection"


class Drug(_Model):
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


class DrugsFile(_Model):
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


class Washout(_Model):
    """The recommended gap between stopping one drug and starting the next.

    Bounds are durations ("4 weeks") or references to the stopping drug's own figures
    ("from.elimination.max"), so a class-level pathway uses each drug's numbers.
    """

    min: Bound | None = None
    max: Bound | None = None
    basis: str = Field(min_length=10)
    evidence: EvidenceRefs


class Alternative(_Model):
    to: KebabId
    reason: str = Field(min_length=10)
    evidence: EvidenceRefs


class Pathway(_Model):
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
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


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


# ---------------------------------------------------------------------------------- loader

REQUIRED_FILES = ("rulebase.yaml", "evidence.yaml", "classes.yaml", "drugs.yaml")


@dataclass
class _Loaded:
    relpath: str
    document: yamlio.Document
    model: Any


class _Collector:
    def __init__(self, root_name: str) -> None:
        self.root_name = root_name
        self.problems: list[Problem] = []
        self.nodes: dict[str, yamlio.Document] = {}
        self.invalid_ids: set[str] = set()
        """Ids of entries that failed validation: not reported again as dangling."""
        self.kept: dict[tuple[str, str], list[int]] = {}
        """Original positions of the entries that validated, by (file, list key)."""

    def display(self, relpath: str) -> str:
        return f"{self.root_name}/{relpath}"

    def add(self, relpath: str, position: tuple[int, int], code: str, message: str) -> None:
        self.problems.append(Problem(self.display(relpath), position[0], position[1], code,
                                     message))

    def remap(self, relpath: str, loc: Sequence[str | int]) -> list[str | int]:
        """Map an index among the entries that validated back to its place in the file."""
        kept = self.kept.get((relpath, str(loc[0]))) if len(loc) > 1 else None
        if kept is not None and isinstance(loc[1], int):
            return [loc[0], kept[loc[1]], *loc[2:]]
        return list(loc)

    def at(self, relpath: str, loc: Sequence[str | int], code: str, message: str) -> None:
        loc = self.remap(relpath, loc)
        document = self.nodes.get(relpath)
        node = document.node if document else None
        self.add(relpath, yamlio.locate(node, loc), code, message)


def load_rulebase(path: str | Path | None = None) -> RuleBase:
    """Load, validate and compile a rule base (the packaged one by default).

    Raises ``RuleBaseError`` listing every problem, or ``InputError`` for a missing
    ``path``.
    """
    location = locate_rules(path)
    root = location.path
    collector = _Collector(root.name or "rules")
    files = _rule_files(root, collector)
    digest = hashlib.sha256()
    loaded: dict[str, _Loaded] = {}
    for relpath, file_path in files:
        raw = file_path.read_bytes()
        digest.update(relpath.encode("utf-8") + b"\0" + raw + b"\0")
        model_type = _model_for(relpath)
        result = _load_file(relpath, raw, model_type, collector)
        if result is not None:
            loaded[relpath] = result
    rulebase = _cross_check(location, digest.hexdigest(), loaded, collector)
    if collector.problems or rulebase is None:
        raise RuleBaseError(collector.problems, summary=f"invalid rule base {root}")
    return rulebase


def _rule_files(root: Path, collector: _Collector) -> list[tuple[str, Path]]:
    files: list[tuple[str, Path]] = []
    for name in REQUIRED_FILES:
        if (root / name).is_file():
            files.append((name, root / name))
        else:
            collector.add(name, (1, 1), "missing-file", f"required file {name} is missing")
    pathway_dir = root / "pathways"
    if pathway_dir.is_dir():
        for file_path in sorted(pathway_dir.iterdir()):
            if file_path.suffix in {".yaml", ".yml"}:
                files.append((f"pathways/{file_path.name}", file_path))
    return files


def _model_for(relpath: str) -> type[_Model]:
    models: dict[str, type[_Model]] = {
        "rulebase.yaml": RuleBaseMeta,
        "evidence.yaml": EvidenceFile,
        "classes.yaml": ClassesFile,
        "drugs.yaml": DrugsFile,
    }
    return models.get(relpath, Pathway)


_REGISTRIES: dict[str, tuple[str, type[_Model]]] = {
    "evidence.yaml": ("evidence", EvidenceEntry),
    "classes.yaml": ("classes", DrugClass),
    "drugs.yaml": ("drugs", Drug),
}


def _load_file(relpath: str, raw: bytes, model_type: type[_Model],
               collector: _Collector) -> _Loaded | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        collector.add(relpath, (1, 1), "encoding", f"not UTF-8 text ({exc.reason})")
        return None
    try:
        document = yamlio.load_document(text)
    except yamlio.YamlSyntaxError as exc:
        code = "unsafe-tag" if "tag" in exc.message else "yaml-syntax"
        collector.add(relpath, (exc.line, exc.column), code, exc.message)
        return None
    collector.nodes[relpath] = document
    if not isinstance(document.data, dict):
        collector.add(relpath, (1, 1), "not-a-mapping",
                      "the file must hold a mapping of keys to values")
        return None
    # Lists of entries are validated entry by entry, so one broken entry does not hide the
    # problems (dangling ids, bad conditions) of all the others.
    data = dict(document.data)
    if relpath in _REGISTRIES:
        key, item_model = _REGISTRIES[relpath]
        data[key] = _valid_items(relpath, document, data.get(key), [key], item_model, collector)
    elif model_type is Pathway:
        data["findings"] = _valid_items(relpath, document, data.get("findings", []),
                                        ["findings"], Finding, collector)
    try:
        model = model_type.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            _report_validation_error(relpath, document, error, collector)
        return None
    return _Loaded(relpath, document, model)


def _valid_items(relpath: str, document: yamlio.Document, items: Any,
                 loc: list[str | int], item_model: type[_Model],
                 collector: _Collector) -> Any:
    if not isinstance(items, list):
        return items  # the file model reports the wrong type
    valid = []
    kept = collector.kept.setdefault((relpath, str(loc[0])), [])
    for index, item in enumerate(items):
        try:
            valid.append(item_model.model_validate(item))
            kept.append(index)
        except ValidationError as exc:
            for error in exc.errors():
                located = dict(error)
                located["loc"] = (*loc, index, *error["loc"])
                _report_validation_error(relpath, document, located, collector)
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                collector.invalid_ids.add(item["id"])
    return valid


_MESSAGES = {
    "missing": "{field} is required",
    "extra_forbidden": "unknown key {field}",
    "string_pattern_mismatch": "{field}: {input!r} does not have the expected form ({hint})",
    "enum": "{field}: {input!r} is not one of {expected}",
    "too_short": "{field} must not be empty",
}


def _report_validation_error(relpath: str, document: yamlio.Document,
                             error: Mapping[str, Any], collector: _Collector) -> None:
    loc = [part for part in error["loc"] if not _is_union_tag(part)]
    kind = error["type"]
    # an error about a whole entry (loc ends in its index) is described by that entry
    where = _breadcrumb(document.data, [*loc, ""] if loc and isinstance(loc[-1], int) else loc)
    field_name = f"`{loc[-1]}`" if loc and isinstance(loc[-1], str) else "value"
    if kind == "extra_forbidden":
        position = yamlio.key_position(document.node, loc[:-1], str(loc[-1]))
        known = _known_keys(relpath, loc)
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        collector.add(relpath, position, "unknown-key", f"{where}unknown key {field_name}{hint}")
        return
    if kind == "missing":
        collector.add(relpath, yamlio.locate(document.node, loc[:-1]), "missing-key",
                      f"{where}{field_name} is required")
        return
    ctx = error.get("ctx") or {}
    if kind == "string_pattern_mismatch":
        hint = _PATTERN_HINTS.get(str(ctx.get("pattern")), f"pattern {ctx.get('pattern')}")
        message = f"{field_name}: {error['input']!r} is not {hint}"
    elif kind == "enum":
        message = f"{field_name}: {error['input']!r} is not one of {ctx.get('expected')}"
    elif kind == "too_short" and isinstance(error.get("input"), list):
        message = f"{field_name} must list at least one entry"
    elif kind == "value_error":
        message = f"{field_name}: {ctx.get('error', error['msg'])}"
        if not loc or not isinstance(loc[-1], str):
            message = str(ctx.get("error", error["msg"]))
    else:
        message = f"{field_name}: {error['msg'].lower()}"
        if "input" in error and not isinstance(error["input"], (dict, list)):
            message += f" (got {error['input']!r})"
    collector.add(relpath, yamlio.locate(document.node, loc), "invalid-value", where + message)


def _is_union_tag(part: Any) -> bool:
    return isinstance(part, str) and ("[" in part or part in {"str", "Duration"})


_PATTERN_HINTS = {
    ID_PATTERN: "an id (lower-case letters, digits, '.', '_' or '-')",
    KEBAB_PATTERN: "a kebab-case id (lower-case words joined by '-')",
    r"^10\.\d{4,9}/\S+$": "a DOI such as 10.1212/NXI.0000000000000320",
    r"^\d{6,9}$": "a PMID (digits only)",
    r"^https?://\S+$": "an http(s) URL",
}


def _breadcrumb(data: Any, loc: Sequence[str | int]) -> str:
    """Words for where an error is: "drug `fingolimod`, finding 2 (`x`): "."""
    parts: list[str] = []
    current = data
    previous: str | int | None = None
    for step in loc[:-1] if loc else []:
        try:
            current = current[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(step, int):
            noun = {"findings": "finding", "drugs": "drug", "classes": "class",
                    "evidence": "evidence entry", "alternatives": "alternative"}.get(
                str(previous), "item")
            ident = current.get("id") if isinstance(current, dict) else None
            parts.append(f"{noun} {step + 1}" + (f" (`{ident}`)" if ident else ""))
        elif step in {"after_stopping", "before_starting", "washout"}:
            parts.append(str(step))
        previous = step
    return (", ".join(parts) + ": ") if parts else ""


def _known_keys(relpath: str, loc: Sequence[str | int]) -> list[str]:
    model: Any = _model_for(relpath)
    for step in loc[:-1]:
        if isinstance(step, int):
            continue
        fields = getattr(model, "model_fields", {})
        field_info = fields.get(step) or next(
            (info for info in fields.values() if info.alias == step), None)
        if field_info is None:
            return []
        model = _inner_model(field_info.annotation)
        if model is None:
            return []
    fields = getattr(model, "model_fields", {})
    return [info.alias or name for name, info in fields.items()]


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


# ------------------------------------------------------------------------- cross-checks


def _cross_check(location: RuleLocation, sha256: str, loaded: Mapping[str, _Loaded],
                 collector: _Collector) -> RuleBase | None:
    meta = loaded.get("rulebase.yaml")
    evidence_file = loaded.get("evidence.yaml")
    classes_file = loaded.get("classes.yaml")
    drugs_file = loaded.get("drugs.yaml")

    evidence = _unique(
        "evidence.yaml", "evidence",
        evidence_file.model.evidence if evidence_file else [], collector)
    classes = _unique("classes.yaml", "classes",
                      classes_file.model.classes if classes_file else [], collector)
    drugs = _unique("drugs.yaml", "drugs", drugs_file.model.drugs if drugs_file else [],
                    collector)
    evidence_known = evidence_file is not None
    cited: set[str] = set()

    def check_refs(relpath: str, loc: list[str | int], refs: Iterable[str]) -> None:
        for index, ref in enumerate(refs):
            cited.add(ref)
            if evidence_known and ref not in evidence and ref not in collector.invalid_ids:
                collector.at(relpath, [*loc, index], "unknown-evidence",
                             f"unknown evidence id {ref!r}{_did_you_mean(ref, evidence)}")

    for index, drug_class in enumerate(classes.values()):
        check_refs("classes.yaml", ["classes", index, "evidence"], drug_class.evidence)

    names_seen: dict[str, str] = {}
    all_rules: dict[str, Rule] = {}
    rule_locations: dict[str, tuple[str, list[str | int]]] = {}
    after_stopping: dict[str, tuple[Rule, ...]] = {}
    before_starting: dict[str, tuple[Rule, ...]] = {}

    for index, drug in enumerate(drugs.values()):
        base: list[str | int] = ["drugs", index]
        if (classes_file is not None and drug.class_ not in classes
                and drug.class_ not in collector.invalid_ids):
            collector.at("drugs.yaml", [*base, "class"], "unknown-class",
                         f"drug `{drug.id}`: unknown class {drug.class_!r}"
                         f"{_did_you_mean(drug.class_, classes)}")
        for name in (drug.id, drug.name, *drug.brands, *drug.aliases):
            owner = names_seen.setdefault(name.casefold(), drug.id)
            if owner != drug.id:
                collector.at("drugs.yaml", base, "duplicate-name",
                             f"drug `{drug.id}`: name {name!r} already belongs to `{owner}`")
        for figure in FIGURES:
            period = drug.after_stopping.figure(figure)
            if period is not None:
                check_refs("drugs.yaml", [*base, "after_stopping", figure, "evidence"],
                           period.evidence)
        for section, drug_layer, target in (
            ("after_stopping", Layer.AFTER_STOPPING, after_stopping),
            ("before_starting", Layer.BEFORE_STARTING, before_starting),
        ):
            findings = getattr(drug, section).findings
            target[drug.id] = _compile_findings(
                "drugs.yaml", [*base, section, "findings"], findings, drug_layer, drug.id,
                collector, check_refs, all_rules, rule_locations)

    pathways: dict[tuple[str, str], PathwayRules] = {}
    for relpath, item in loaded.items():
        if not relpath.startswith("pathways/"):
            continue
        pathway: Pathway = item.model
        layer = _pathway_layer(relpath, pathway, drugs, classes, collector,
                               checking=drugs_file is not None and classes_file is not None)
        expected_name = f"pathways/{pathway.from_}--{pathway.to}.yaml"
        if relpath != expected_name:
            collector.at(relpath, ["from"], "file-name",
                         f"file name should be {expected_name.split('/')[1]} "
                         f"for from: {pathway.from_}, to: {pathway.to}")
        key = (pathway.from_, pathway.to)
        if key in pathways:
            collector.at(relpath, ["from"], "duplicate-pathway",
                         f"a pathway {pathway.from_} → {pathway.to} already exists")
        if pathway.washout is not None:
            check_refs(relpath, ["washout", "evidence"], pathway.washout.evidence)
        for alt_index, alternative in enumerate(pathway.alternatives):
            check_refs(relpath, ["alternatives", alt_index, "evidence"], alternative.evidence)
            if drugs_file and classes_file and (
                    alternative.to not in drugs and alternative.to not in classes):
                collector.at(relpath, ["alternatives", alt_index, "to"], "unknown-drug",
                             f"alternative {alternative.to!r} is not a known drug or class"
                             f"{_did_you_mean(alternative.to, [*drugs, *classes])}")
        rules = _compile_findings(
            relpath, ["findings"], pathway.findings, layer if layer else Layer.CLASS_PAIR,
            f"{pathway.from_}→{pathway.to}", collector, check_refs, all_rules,
            rule_locations)
        if layer is not None:
            pathways[key] = PathwayRules(pathway, layer, rules)

    for finding_id, rule in all_rules.items():
        relpath, loc = rule_locations[finding_id]
        for index, superseded_id in enumerate(rule.finding.supersedes):
            if superseded_id in collector.invalid_ids:
                continue
            if superseded_id not in all_rules:
                collector.at(relpath, [*loc, "supersedes", index], "unknown-finding",
                             f"finding `{finding_id}` supersedes unknown finding "
                             f"{superseded_id!r}{_did_you_mean(superseded_id, all_rules)}")
            elif superseded_id == finding_id:
                collector.at(relpath, [*loc, "supersedes", index], "self-supersede",
                             f"finding `{finding_id}` cannot supersede itself")

    if meta is None or collector.problems:
        return None
    return RuleBase(
        meta=meta.model, location=location, sha256=sha256, evidence=evidence,
        classes=classes, drugs=drugs, pathways=pathways, after_stopping=after_stopping,
        before_starting=before_starting, findings=all_rules,
    )


def _unique(relpath: str, key: str, items: Sequence[Any],
            collector: _Collector) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for index, item in enumerate(items):
        if item.id in result:
            collector.at(relpath, [key, index, "id"], "duplicate-id",
                         f"duplicate id {item.id!r} in {relpath}")
        else:
            result[item.id] = item
    return result


def _did_you_mean(value: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _pathway_layer(relpath: str, pathway: Pathway, drugs: Mapping[str, Drug],
                   classes: Mapping[str, DrugClass], collector: _Collector, *,
                   checking: bool) -> Layer | None:
    kinds = []
    for side, value in (("from", pathway.from_), ("to", pathway.to)):
        if value in drugs:
            kinds.append("drug")
        elif value in classes:
            kinds.append("class")
        else:
            if checking and value not in collector.invalid_ids:
                collector.at(relpath, [side], "unknown-drug",
                             f"`{side}`: {value!r} is not a known drug or class"
                             f"{_did_you_mean(value, [*drugs, *classes])}")
            kinds.append("?")
    if kinds == ["drug", "drug"]:
        return Layer.DRUG_PAIR
    if kinds == ["class", "class"]:
        return Layer.CLASS_PAIR
    if "?" not in kinds:
        collector.at(relpath, ["to"], "mixed-pathway",
                     "a pathway joins two drugs or two classes, not a drug and a class")
    return None


def _compile_findings(relpath: str, loc: list[str | int], findings: Sequence[Finding],
                      layer: Layer, origin: str, collector: _Collector,
                      check_refs: Any, all_rules: dict[str, Rule],
                      rule_locations: dict[str, tuple[str, list[str | int]]]
                      ) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for index, finding in enumerate(findings):
        here: list[str | int] = [*loc, index]
        check_refs(relpath, [*here, "evidence"], finding.evidence)
        check_refs(relpath, [*here, "counter_evidence"], finding.counter_evidence)
        overlap = set(finding.evidence) & set(finding.counter_evidence)
        if overlap:
            collector.at(relpath, [*here, "counter_evidence"], "evidence-both-ways",
                         f"finding `{finding.id}` cites {sorted(overlap)[0]!r} both for and "
                         "against")
        for placeholder in _PLACEHOLDER.findall(finding.message):
            if placeholder not in TEMPLATE_FIELDS:
                collector.at(relpath, [*here, "message"], "unknown-placeholder",
                             f"finding `{finding.id}`: unknown placeholder {{{placeholder}}} "
                             f"(known: {', '.join(sorted(TEMPLATE_FIELDS))})")
        condition = None
        if finding.when is not None:
            try:
                condition = compile_condition(finding.when, CONDITION_FACTS)
            except ConditionSyntaxError as exc:
                document = collector.nodes.get(relpath)
                line, column, style = yamlio.scalar_start(
                    document.node if document else None,
                    collector.remap(relpath, [*here, "when"]))
                offset = 1 if style in {'"', "'"} else 0
                collector.add(relpath, (line, column + offset + exc.column - 1),
                              "condition", f"finding `{finding.id}`: {exc.message}")
        if finding.id in all_rules:
            collector.at(relpath, [*here, "id"], "duplicate-id",
                         f"duplicate finding id {finding.id!r} "
                         f"(also in {collector.display(rule_locations[finding.id][0])})")
            continue
        rule = Rule(finding, layer, origin, condition)
        all_rules[finding.id] = rule
        rule_locations[finding.id] = (relpath, here)
        rules.append(rule)
    return tuple(rules)


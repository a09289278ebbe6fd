"""HL7 CDS Hooks cards: an Assessment as the body of a CDS Service response.

The card fields follow the CDS Hooks specification ("Card Attributes", "Source", "Link" and
"Coding" in cds-hooks/docs ``docs/specification/current.md``): ``{"cards": [...]}``, each card
with ``uuid``, ``summary`` (one sentence, under 140 characters), ``detail`` (GitHub-flavoured
Markdown), ``indicator`` (info | warning | critical), ``source`` {label, url?, icon?, topic?},
and optional ``suggestions``, ``selectionBehavior``, ``overrideReasons`` and ``links``
[{label, url, type: absolute | smart, appContext?}].

What we send:

- one card per fired finding, most severe first (the Assessment's order): ``indicator`` is the
  finding's severity, ``detail`` the message, the reasoning (the condition and each comparison
  with its values) and the evidence for and against, ``source`` the strongest supporting
  evidence and ``links`` every other source cited, for and against;
- one card summarising the findings that could not be evaluated, when there are any: its
  ``indicator`` is the highest severity they could reach (missing is not false), its ``detail``
  lists what each needs;
- no ``suggestions`` (switchadvisor proposes no orders to change) and so no
  ``selectionBehavior``; no ``overrideReasons``; an ``extension`` (the name the specification
  reserves for custom data) with the finding ids, so a pipeline can map a card back.

"Strongest" evidence: ``EVIDENCE_STRENGTH`` ranks the kinds — a regulatory label first (what
the regulator requires for this drug), then a graded guideline, then primary studies by design
(randomised trial, cohort, case series, case report), then narrative reviews and expert
opinion, which summarise rather than observe. Ties keep the rule author's order of citation.

A card's ``uuid`` is ``uuid5`` of the finding id and the rule base sha256: the same finding from
the same rule base always has the same uuid, and any change to the rule base gives new ones.
Renderers never evaluate: everything here comes from the Assessment.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from switchadvisor.assessment import (
    SCHEMA_VERSION,
    Assessment,
    EvidenceOut,
    FiredFinding,
    NotEvaluated,
)
from switchadvisor.facts import PATIENT_FACTS
from switchadvisor.render.safe import neutralise_html
from switchadvisor.rulebase import EvidenceKind, Severity

SPECIFICATION = "https://cds-hooks.hl7.org/"
SCHEMA_ID = f"urn:switchadvisor:schema:cds-hooks:{SCHEMA_VERSION}"
"""As the other committed schemas: a URN with the name and the contract version."""
SUMMARY_LIMIT = 140
"""The specification asks for a summary of fewer than 140 characters."""
LABEL_LIMIT = 120
EXTENSION = "switchadvisor"

EVIDENCE_STRENGTH: tuple[EvidenceKind, ...] = (
    EvidenceKind.LABEL,
    EvidenceKind.GUIDELINE,
    EvidenceKind.RCT,
    EvidenceKind.COHORT,
    EvidenceKind.CASE_SERIES,
    EvidenceKind.CASE_REPORT,
    EvidenceKind.REVIEW,
    EvidenceKind.EXPERT_OPINION,
)
"""Evidence kinds, strongest first, for choosing a card's ``source``."""

CARD_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:switchadvisor:cds-hooks:card")


# ------------------------------------------------------------------------------ models


class _Card(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Source(_Card):
    label: str
    url: str | None = None


class Link(_Card):
    label: str
    url: str
    type: Literal["absolute", "smart"] = "absolute"


class Card(_Card):
    uuid: str
    summary: str = Field(max_length=SUMMARY_LIMIT - 1)
    detail: str
    indicator: Severity
    source: Source
    links: list[Link] | None = None
    extension: dict[str, Any] | None = None


class CardResponse(_Card):
    cards: list[Card]


# ---------------------------------------------------------------------------- building


def card_uuid(sha256: str, key: str) -> str:
    """The stable card uuid for ``key`` (a finding id) under the rule base ``sha256``."""
    return str(uuid.uuid5(CARD_NAMESPACE, f"{sha256}/{key}"))


def cds_hooks_response(assessment: Assessment) -> CardResponse:
    """The CDS Hooks response for one assessment."""
    registry = {entry.id: entry for entry in assessment.evidence}
    cards = [_finding_card(assessment, finding, registry) for finding in assessment.findings]
    if assessment.not_evaluated:
        cards.append(_not_evaluated_card(assessment, registry))
    return CardResponse(cards=cards)


def render_cds_hooks(assessment: Assessment, *, indent: int | None = 2) -> str:
    """The response as JSON text (one line with ``indent=None``), ending in a newline."""
    data = cds_hooks_response(assessment).model_dump(mode="json", exclude_none=True)
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(data, indent=indent, ensure_ascii=False, separators=separators) + "\n"


def _finding_card(assessment: Assessment, finding: FiredFinding,
                  registry: dict[str, EvidenceOut]) -> Card:
    supporting = _entries(finding.evidence, registry)
    against = _entries(finding.counter_evidence, registry)
    strongest = strongest_evidence(supporting)
    others = [entry for entry in supporting if entry is not strongest]
    links = [_link(entry) for entry in others] + [_link(entry, against=True) for entry in against]
    return Card(
        uuid=card_uuid(assessment.rulebase.sha256, finding.id),
        summary=_summary(assessment, finding.title),
        detail=neutralise_html(_finding_detail(assessment, finding, supporting, against)),
        indicator=finding.severity,
        source=_source(strongest) if strongest else _rulebase_source(assessment),
        links=links or None,
        extension={EXTENSION: {"finding": finding.id, "status": "fired",
                               "layer": finding.layer.value}},
    )


def _not_evaluated_card(assessment: Assessment, registry: dict[str, EvidenceOut]) -> Card:
    pending = assessment.not_evaluated
    worst = max((item.severity for item in pending), key=lambda severity: severity.rank)
    needs = list(dict.fromkeys(_need_words(name) for item in pending for name in item.needs))
    count = len(pending)
    noun = "finding" if count == 1 else "findings"
    text = (f"{count} {noun} not evaluated (could be {worst.value}); "
            f"needs {', '.join(needs)}")
    ids = [item.id for item in pending]
    cited = [entry for item in pending
             for entry in [strongest_evidence(_entries(item.evidence, registry))] if entry]
    links = [_link(entry) for entry in {entry.id: entry for entry in cited}.values()]
    return Card(
        uuid=card_uuid(assessment.rulebase.sha256, "not-evaluated:" + ",".join(sorted(ids))),
        summary=_summary(assessment, text),
        detail=neutralise_html(_not_evaluated_detail(assessment, pending)),
        indicator=worst,
        source=_rulebase_source(assessment),
        links=links or None,
        extension={EXTENSION: {"findings": ids, "status": "not-evaluated"}},
    )


# ------------------------------------------------------------------------------ evidence


def strongest_evidence(entries: list[EvidenceOut]) -> EvidenceOut | None:
    """The entry of the strongest kind (``EVIDENCE_STRENGTH``); the first cited on a tie."""
    if not entries:
        return None
    return min(entries, key=lambda entry: EVIDENCE_STRENGTH.index(entry.kind))


def evidence_url(entry: EvidenceOut) -> str:
    """DOI → https://doi.org/…, else PMID → PubMed, else the entry's URL."""
    if entry.doi:
        return f"https://doi.org/{entry.doi}"
    if entry.pmid:
        return f"https://pubmed.ncbi.nlm.nih.gov/{entry.pmid}/"
    assert entry.url is not None  # the rule base requires one of the three
    return entry.url


def evidence_label(entry: EvidenceOut) -> str:
    """A short citation: 'Willis et al. 2017 (case series, n=9): An observational study…'."""
    kind = entry.kind.value.replace("-", " ")
    size = f", n={entry.n}" if entry.n else ""
    title = "" if entry.title.startswith("[") else entry.title
    if entry.kind is EvidenceKind.LABEL:
        return _shorten(f"{title or entry.source} ({kind})", LABEL_LIMIT)
    match = re.match(r"([A-Z][^\s,\[\]]*)", entry.authors)
    if match:
        who = match.group(1) + (" et al." if "," in entry.authors else "")
    else:
        who = entry.source.split(";")[0]
    who = who if str(entry.year) in who else f"{who} {entry.year}"
    head = f"{who} ({kind}{size})"
    return _shorten(f"{head}: {title}" if title else head, LABEL_LIMIT)


def _entries(ids: list[str], registry: dict[str, EvidenceOut]) -> list[EvidenceOut]:
    return [registry[evidence_id] for evidence_id in ids if evidence_id in registry]


def _source(entry: EvidenceOut) -> Source:
    return Source(label=evidence_label(entry), url=evidence_url(entry))


def _rulebase_source(assessment: Assessment) -> Source:
    info = assessment.rulebase
    return Source(label=f"switchadvisor rule base {info.id} {info.version}")


def _link(entry: EvidenceOut, *, against: bool = False) -> Link:
    label = evidence_label(entry)
    return Link(label=f"Argues the other way: {label}" if against else label,
                url=evidence_url(entry))


# -------------------------------------------------------------------------------- text


def _summary(assessment: Assessment, text: str) -> str:
    switch = assessment.switch
    return _shorten(f"{switch.from_.name} → {switch.to.name}: {text}", SUMMARY_LIMIT - 1)


def _shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary with '…' to at most ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "…"


def _code(text: str) -> str:
    """``text`` as a Markdown code span (safe for `<`, `*`, `_` …)."""
    text = " ".join(text.split())
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}" if fence == "`" else f"{fence} {text} {fence}"


def _need_words(name: str) -> str:
    if name in PATIENT_FACTS:
        return name.replace("_", " ")
    return "a drug figure with no verified value"


def _evidence_lines(entries: list[EvidenceOut]) -> list[str]:
    return [f"- [{evidence_label(entry)}]({evidence_url(entry)})" for entry in entries]


def _footer(assessment: Assessment) -> list[str]:
    info = assessment.rulebase
    return ["", f"*Rule base {info.id} {info.version}, reviewed {info.reviewed}. "
                f"{assessment.disclaimer}*"]


def _finding_detail(assessment: Assessment, finding: FiredFinding,
                    supporting: list[EvidenceOut], against: list[EvidenceOut]) -> str:
    lines = [" ".join(finding.message.split()), "",
             f"**Why:** {finding.layer.value} finding ({finding.origin}), "
             f"id {_code(finding.id)}."]
    if finding.condition is not None:
        lines.append(f"Condition {_code(finding.condition)}:")
    lines.append("")
    lines += [f"- {_code(step.text)}" for step in finding.trace]  # each with its result
    if supporting:
        lines += ["", "**Evidence:**", "", *_evidence_lines(supporting)]
    if against:
        lines += ["", "**Evidence that argues the other way:**", "",
                  *_evidence_lines(against)]
    return "\n".join(lines + _footer(assessment))


def _not_evaluated_detail(assessment: Assessment, pending: list[NotEvaluated]) -> str:
    lines = ["These findings could not be evaluated because facts they need were not given; "
             "missing is not the same as false.", ""]
    for item in pending:
        lines.append(f"- **{item.severity.value}** {item.title} ({_code(item.id)}): needs "
                     f"{', '.join(_need_words(name) for name in item.needs)}; "
                     f"{_code(item.decides)}.")
    return "\n".join(lines + _footer(assessment))


# ------------------------------------------------------------------------------ schema


def cds_hooks_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a CDS Hooks response, written from the specification's
    card fields — independent of the models above, so a test can hold the output to it."""

    def text(description: str, **extra: Any) -> dict[str, Any]:
        return {"type": "string", "description": description, **extra}

    coding = {
        "type": "object",
        "description": "A code with its system and a human-readable display.",
        "required": ["code", "system"],
        "properties": {
            "code": text("The code for what is being represented."),
            "system": text("The code system of `code`."),
            "display": text("A short, human-readable label to display."),
        },
        "additionalProperties": False,
    }
    extension = {
        "type": "object",
        "description": "Custom data; the specification reserves the name `extension`.",
    }
    url = text("An absolute URL.", pattern=r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
    action = {
        "type": "object",
        "description": "A suggested change to a FHIR resource.",
        "required": ["type", "description"],
        "properties": {
            "type": {"enum": ["create", "update", "delete"],
                     "description": "The kind of action."},
            "description": text("Human-readable description of the action."),
            "resource": {"type": "object", "description": "A FHIR resource."},
            "resourceId": text("A relative reference to the resource (for delete)."),
            "extension": extension,
        },
        "additionalProperties": False,
    }
    suggestion = {
        "type": "object",
        "description": "A set of changes the user may accept.",
        "required": ["label"],
        "properties": {
            "label": text("Human-readable label, e.g. the text of a button."),
            "uuid": text("Unique identifier, for auditing and logging suggestions."),
            "isRecommended": {"type": "boolean",
                              "description": "This suggestion is the recommended one."},
            "actions": {"type": "array", "items": {"$ref": "#/$defs/Action"},
                        "description": "Actions, all applied together when accepted."},
            "extension": extension,
        },
        "additionalProperties": False,
    }
    source = {
        "type": "object",
        "description": "The primary source of the guidance the card represents.",
        "required": ["label"],
        "properties": {
            "label": text("Short, human-readable label of the source."),
            "url": {**url, "description": "Where to learn more about the source."},
            "icon": {**url, "description": "URL of a 100x100 pixel PNG icon of the source."},
            "topic": {"$ref": "#/$defs/Coding",
                      "description": "A high-level category of the card's content."},
            "extension": extension,
        },
        "additionalProperties": False,
    }
    link = {
        "type": "object",
        "description": "A link to more information or to an app.",
        "required": ["label", "url", "type"],
        "properties": {
            "label": text("Human-readable label of the link."),
            "url": {**url, "description": "URL to open (GET, in a browser context)."},
            "type": {"enum": ["absolute", "smart"],
                     "description": "absolute: open as-is; smart: a SMART app launch URL."},
            "appContext": text("Data for a launched SMART app; only for `smart` links."),
            "extension": extension,
        },
        "additionalProperties": False,
        "if": {"properties": {"type": {"const": "absolute"}}},
        "then": {"not": {"required": ["appContext"]}},
    }
    card = {
        "type": "object",
        "description": "One card: information, suggested actions and links.",
        "required": ["summary", "indicator", "source"],
        "properties": {
            "uuid": text("Unique identifier of the card, for logging and feedback.",
                         format="uuid",
                         pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"),
            "summary": text("One-sentence summary, fewer than 140 characters.",
                            minLength=1, maxLength=SUMMARY_LIMIT - 1),
            "detail": text("Detailed information, in GitHub-flavoured Markdown."),
            "indicator": {"enum": ["info", "warning", "critical"],
                          "description": "Urgency, in increasing order: info, warning, "
                                         "critical."},
            "source": {"$ref": "#/$defs/Source"},
            "suggestions": {"type": "array", "items": {"$ref": "#/$defs/Suggestion"},
                            "description": "Changes the user may accept."},
            "selectionBehavior": {"enum": ["at-most-one", "any"],
                                  "description": "How many suggestions may be chosen; "
                                                 "required when there are suggestions."},
            "overrideReasons": {
                "type": "array",
                "items": {"allOf": [{"$ref": "#/$defs/Coding"}, {"required": ["display"]}]},
                "description": "Reasons a user may give for overriding the card.",
            },
            "links": {"type": "array", "items": {"$ref": "#/$defs/Link"},
                      "description": "Links to more information or to apps."},
            "extension": extension,
        },
        "additionalProperties": False,
        "dependentRequired": {"suggestions": ["selectionBehavior"]},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "CDS Hooks response (switchadvisor --format cds-hooks)",
        "description": "The body of a CDS Service response: cards, as in the CDS Hooks "
                       f"specification ({SPECIFICATION}), sections Card Attributes, Source, "
                       "Suggestion, Action, Link and Coding.",
        "type": "object",
        "required": ["cards"],
        "properties": {
            "cards": {"type": "array", "items": {"$ref": "#/$defs/Card"},
                      "description": "The cards; empty when there is nothing to say."},
            "systemActions": {"type": "array", "items": {"$ref": "#/$defs/Action"},
                              "description": "Actions proposed for automatic application."},
            "extension": extension,
        },
        "additionalProperties": False,
        "$defs": {"Action": action, "Card": card, "Coding": coding, "Link": link,
                  "Source": source, "Suggestion": suggestion},
    }

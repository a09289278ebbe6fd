"""Looking things up in a rule base: one id explained, the citation registry, the drugs.

Pure: takes a RuleBase, returns typed data (never prints). ``explain`` accepts a finding id,
a pathway (``fingolimod--alemtuzumab`` or ``fingolimod→alemtuzumab``), a drug (id, brand or
alias), a class id or an evidence id; an unknown id raises ``InputError`` with the closest ids.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from switchadvisor.assessment import Figure
from switchadvisor.conditions import render
from switchadvisor.errors import InputError
from switchadvisor.facts import describe_value
from switchadvisor.rulebase import (
    FIGURE_WORDS,
    Drug,
    DrugClass,
    EvidenceEntry,
    EvidenceKind,
    Finding,
    Layer,
    PathwayRules,
    Rule,
    RuleBase,
)

"""The figures a drug is described by, in order (a missing one has no verified figure)."""

PATIENT_WORDS = {
    "lymphocytes": "the lymphocyte count",
    "lymphocytes_lln": "your lab's lower limit",
    "weeks_since_stop": "the time since the last dose",
    "disease_activity": "disease activity",
    "age": "age",
    "pregnancy_planned": "a planned pregnancy",
    "jcv": "anti-JCV antibody status",
}
BOUND_WORDS = {"min": "shortest", "median": "median", "max": "longest", "upper": "longest"}


# ----------------------------------------------------------------------------- the data


@dataclass(frozen=True)
class FindingInfo:
    finding: Finding
    layer: Layer
    origin: str
    condition: str | None
    """The `when` condition in words; None = always applies."""
    applies_to: tuple[tuple[str, str], ...]
    """Every (from, to) drug pair the finding is composed into."""
    superseded_in: tuple[tuple[str, str], ...]
    """Pairs where a more specific finding replaces it."""
    evidence: tuple[EvidenceEntry, ...]
    counter_evidence: tuple[EvidenceEntry, ...]


@dataclass(frozen=True)
class PathwayInfo:
    rules: PathwayRules
    name: str
    applies_to: tuple[tuple[str, str], ...]
    findings: tuple[Finding, ...]
    evidence: tuple[EvidenceEntry, ...]
    conditions: dict[str, str | None] = field(default_factory=dict)
    """Each finding's condition in words, by finding id (None = always applies)."""


@dataclass(frozen=True)
class DrugInfo:
    drug: Drug
    class_name: str
    figures: tuple[Figure, ...]
    after_stopping: tuple[Finding, ...]
    before_starting: tuple[Finding, ...]
    pathways: tuple[str, ...]
    evidence: tuple[EvidenceEntry, ...]
    conditions: dict[str, str | None] = field(default_factory=dict)
    """Each finding's condition in words, by finding id (None = always applies)."""


@dataclass(frozen=True)
class ClassInfo:
    drug_class: DrugClass
    drugs: tuple[str, ...]
    pathways: tuple[str, ...]
    evidence: tuple[EvidenceEntry, ...]


@dataclass(frozen=True)
class EvidenceInfo:
    entry: EvidenceEntry
    cited_for: tuple[str, ...]
    """Findings, washouts, alternatives and figures that cite it in support."""
    cited_against: tuple[str, ...]
    """Findings it argues against."""


@dataclass(frozen=True)
class Explained:
    kind: Literal["finding", "pathway", "drug", "class", "evidence"]
    id: str
    item: FindingInfo | PathwayInfo | DrugInfo | ClassInfo | EvidenceInfo


@dataclass(frozen=True)
class EvidenceRow:
    """One line of the citation registry."""

    id: str
    kind: str
    n: int | None
    first_author: str
    year: int | None
    journal: str
    doi: str | None
    pmid: str | None
    url: str | None
    title: str


@dataclass(frozen=True)
class DrugRow:
    id: str
    name: str
    drug_class: str
    class_name: str
    brands: tuple[str, ...]
    aliases: tuple[str, ...]
    route: str
    off_label: bool
    figures: tuple[Figure, ...] = field(default=())


# ------------------------------------------------------------------------------- explain


def explain(rulebase: RuleBase, ident: str) -> Explained:
    """Explain one id; InputError (exit 2) with the closest ids when it is unknown."""
    key = ident.strip()
    lowered = key.lower()
    if key in rulebase.findings:
        return Explained("finding", key, finding_info(rulebase, key))
    pathway = _pathway_key(rulebase, lowered)
    if pathway is not None:
        return Explained("pathway", f"{pathway[0]}--{pathway[1]}",
                         pathway_info(rulebase, *pathway))
    if key in rulebase.evidence:
        return Explained("evidence", key, evidence_info(rulebase, key))
    drug = _drug_by_name(rulebase, lowered)
    if drug is not None:
        return Explained("drug", drug.id, drug_info(rulebase, drug.id))
    if lowered in rulebase.classes:
        return Explained("class", lowered, class_info(rulebase, lowered))
    close = difflib.get_close_matches(key, known_ids(rulebase), n=5, cutoff=0.5)
    if not close:  # a fragment: ids that contain it
        close = [name for name in known_ids(rulebase) if lowered in name][:5]
    hint = f" — did you mean {', '.join(close)}?" if close else ""
    raise InputError(f"no finding, pathway, drug, class or evidence with id {ident!r}{hint}",
                     option="ID", suggestions=tuple(close))


def known_ids(rulebase: RuleBase) -> list[str]:
    """Every id `explain` accepts (drug brands and aliases aside)."""
    return [*rulebase.findings, *(f"{a}--{b}" for a, b in rulebase.pathways),
            *rulebase.drugs, *rulebase.classes, *rulebase.evidence]


def _pathway_key(rulebase: RuleBase, text: str) -> tuple[str, str] | None:
    for separator in ("--", "→", "->"):
        if separator in text:
            left, _, right = text.partition(separator)
            key = (left.strip(), right.strip())
            if key in rulebase.pathways:
                return key
            drugs = (_drug_by_name(rulebase, key[0]), _drug_by_name(rulebase, key[1]))
            if drugs[0] and drugs[1] and (drugs[0].id, drugs[1].id) in rulebase.pathways:
                return drugs[0].id, drugs[1].id
    return None


def _drug_by_name(rulebase: RuleBase, text: str) -> Drug | None:
    for drug in rulebase.drugs.values():
        names = [drug.id, drug.name, *drug.brands, *drug.aliases]
        if text in (name.lower() for name in names):
            return drug
    return None


def _entries(rulebase: RuleBase, ids: Iterable[str]) -> tuple[EvidenceEntry, ...]:
    return tuple(rulebase.evidence[ref] for ref in dict.fromkeys(ids) if ref in rulebase.evidence)


def condition_words(rule: Rule) -> str | None:
    """A rule's `when` in words: facts named as a clinician would, figures by their drug."""
    if rule.condition is None:
        return None
    return render(rule.condition.root, describe_value, label=fact_words)


def fact_words(name: str) -> str:
    if name in PATIENT_WORDS:
        return PATIENT_WORDS[name]
    parts = name.split(".")
    if len(parts) == 3:
        side = "the stopping drug" if parts[0] == "from" else "the starting drug"
        words = FIGURE_WORDS.get(parts[1], parts[1].replace("_", " "))
        bound = BOUND_WORDS.get(parts[2], parts[2])
        return f"{side}'s {bound} {words}"
    return name.replace("_", " ")


def finding_info(rulebase: RuleBase, finding_id: str) -> FindingInfo:
    rule = rulebase.findings[finding_id]
    pairs = _pairs_for(rulebase, rule)
    superseding = {target for pathway in rulebase.pathways.values() for other in pathway.rules
                   for target in other.finding.supersedes}
    superseded_in: list[tuple[str, str]] = []
    if finding_id in superseding:
        for pair in pairs:
            specific = rulebase.pathway(*pair)
            if specific is not None and any(finding_id in other.finding.supersedes
                                            for other in specific.rules):
                superseded_in.append(pair)
    return FindingInfo(
        finding=rule.finding, layer=rule.layer, origin=rule.origin,
        condition=condition_words(rule),
        applies_to=tuple(pair for pair in pairs if pair not in superseded_in),
        superseded_in=tuple(superseded_in),
        evidence=_entries(rulebase, rule.finding.evidence),
        counter_evidence=_entries(rulebase, rule.finding.counter_evidence))


def _pairs_for(rulebase: RuleBase, rule: Rule) -> list[tuple[str, str]]:
    """Every ordered drug pair a rule is composed into (see engine._compose)."""
    drugs = sorted(rulebase.drugs.values(), key=lambda drug: drug.id)
    pairs = [(a, b) for a in drugs for b in drugs if a.id != b.id]
    if rule.layer is Layer.DRUG_PAIR or rule.layer is Layer.CLASS_PAIR:
        left, _, right = rule.origin.partition("→")
        if rule.layer is Layer.DRUG_PAIR:
            return [(left, right)]
        return [(a.id, b.id) for a, b in pairs if a.class_ == left and b.class_ == right]
    if rule.layer is Layer.AFTER_STOPPING:
        return [(a.id, b.id) for a, b in pairs if a.id == rule.origin]
    return [(a.id, b.id) for a, b in pairs if b.id == rule.origin]


def pathway_info(rulebase: RuleBase, from_id: str, to_id: str) -> PathwayInfo:
    rules = rulebase.pathways[(from_id, to_id)]
    pathway = rules.pathway
    applies: tuple[tuple[str, str], ...]
    if rules.layer is Layer.DRUG_PAIR:
        applies = ((from_id, to_id),)
    else:
        applies = tuple((a.id, b.id) for a in sorted(rulebase.drugs.values(), key=_by_id)
                        for b in sorted(rulebase.drugs.values(), key=_by_id)
                        if a.id != b.id and a.class_ == from_id and b.class_ == to_id)
    refs: list[str] = []
    for finding in pathway.findings:
        refs += [*finding.evidence, *finding.counter_evidence]
    if pathway.washout is not None:
        refs += pathway.washout.evidence
    for alternative in pathway.alternatives:
        refs += alternative.evidence
    return PathwayInfo(rules=rules, name=f"{from_id}→{to_id}", applies_to=applies,
                       findings=tuple(pathway.findings), evidence=_entries(rulebase, refs),
                       conditions=_conditions(rulebase, pathway.findings))


def _conditions(rulebase: RuleBase, findings: Iterable[Finding]) -> dict[str, str | None]:
    return {finding.id: condition_words(rulebase.findings[finding.id])
            for finding in findings if finding.id in rulebase.findings}


def _by_id(drug: Drug) -> str:
    return drug.id


def drug_info(rulebase: RuleBase, drug_id: str) -> DrugInfo:
    drug = rulebase.drugs[drug_id]
    drug_class = rulebase.classes.get(drug.class_)
    pathways = [f"{a}--{b}" for a, b in rulebase.pathways
                if drug_id in (a, b) or drug.class_ in (a, b)]
    refs: list[str] = []
    for figure in drug.after_stopping.figures:
        refs += figure.evidence
    findings = [*drug.after_stopping.findings, *drug.before_starting.findings]
    for finding in findings:
        refs += [*finding.evidence, *finding.counter_evidence]
    return DrugInfo(drug=drug, class_name=drug_class.name if drug_class else drug.class_,
                    figures=tuple(drug_figures(rulebase, drug_id)),
                    after_stopping=tuple(drug.after_stopping.findings),
                    before_starting=tuple(drug.before_starting.findings),
                    pathways=tuple(pathways), evidence=_entries(rulebase, refs),
                    conditions=_conditions(rulebase, findings))


def class_info(rulebase: RuleBase, class_id: str) -> ClassInfo:
    drug_class = rulebase.classes[class_id]
    members = tuple(sorted(drug.id for drug in rulebase.drugs.values()
                           if drug.class_ == class_id))
    pathways = tuple(f"{a}--{b}" for a, b in rulebase.pathways if class_id in (a, b))
    return ClassInfo(drug_class=drug_class, drugs=members, pathways=pathways,
                     evidence=_entries(rulebase, drug_class.evidence))


def evidence_info(rulebase: RuleBase, evidence_id: str) -> EvidenceInfo:
    cited_for: list[str] = []
    cited_against: list[str] = []
    for finding_id, rule in rulebase.findings.items():
        if evidence_id in rule.finding.evidence:
            cited_for.append(finding_id)
        if evidence_id in rule.finding.counter_evidence:
            cited_against.append(finding_id)
    for (a, b), rules in rulebase.pathways.items():
        washout = rules.pathway.washout
        if washout is not None and evidence_id in washout.evidence:
            cited_for.append(f"washout {a}--{b}")
        for alternative in rules.pathway.alternatives:
            if evidence_id in alternative.evidence:
                cited_for.append(f"alternative {alternative.to} in {a}--{b}")
    for drug in rulebase.drugs.values():
        for figure in drug.after_stopping.figures:
            if evidence_id in figure.evidence:
                cited_for.append(f"{drug.id} {figure.name.replace('_', ' ')}")
    for drug_class in rulebase.classes.values():
        if evidence_id in drug_class.evidence:
            cited_for.append(f"class {drug_class.id}")
    return EvidenceInfo(entry=rulebase.evidence[evidence_id],
                        cited_for=tuple(dict.fromkeys(cited_for)),
                        cited_against=tuple(dict.fromkeys(cited_against)))


# ---------------------------------------------------------------------- drugs' figures


def drug_figures(rulebase: RuleBase, drug_id: str) -> list[Figure]:
    """A drug's timing figures exactly as the engine puts them in an Assessment.

    Read through a switch from the drug (the Assessment carries the stopping drug's figures),
    so this stays right whatever the figure model looks like.
    """
    from switchadvisor.engine import Switch, assess

    other = next((drug_id_ for drug_id_ in sorted(rulebase.drugs) if drug_id_ != drug_id), None)
    if other is None:
        return []
    assessment = assess(rulebase, Switch.resolve(rulebase, drug_id, other))
    return [figure for figure in assessment.figures if figure.drug == drug_id]


FIGURE_LABELS = {
    "elimination": "still present",
    "lymphocyte_recovery": "lymphocytes recovered",
    "b_cell_repletion": "B cells repleted",
    "cd4_recovery": "CD4 T cells recovered",
    "plasma_level": "plasma below threshold",
    "rebound_onset": "rebound onset",
    "raised_counts": "raised counts normalised",
}
"""A drug's figures in a few words each (``explain`` gives what each one measures in full)."""


def figure_text(figures: Sequence[Figure], name: str) -> str:
    """Every figure of that name, with its statistic ("median 72 weeks; 80% by 12 months"),
    or "no verified figure"."""
    texts = [figure.text for figure in figures
             if figure.name == name and figure.evidence and figure.text]
    return "; ".join(dict.fromkeys(texts)) or "no verified figure"


def drug_rows(rulebase: RuleBase) -> list[DrugRow]:
    rows = []
    for drug in sorted(rulebase.drugs.values(), key=_by_id):
        drug_class = rulebase.classes.get(drug.class_)
        rows.append(DrugRow(
            id=drug.id, name=drug.name, drug_class=drug.class_,
            class_name=drug_class.name if drug_class else drug.class_,
            brands=tuple(drug.brands), aliases=tuple(drug.aliases), route=drug.route.value,
            off_label=drug.off_label, figures=tuple(drug_figures(rulebase, drug.id))))
    return rows


# -------------------------------------------------------------------------- the registry

_JOURNAL_END = re.compile(r";|\s+(?:19|20)\d\d\b")


def evidence_rows(rulebase: RuleBase, *, kind: str | None = None,
                  drug: str | None = None) -> list[EvidenceRow]:
    """The citation registry, optionally only one kind or the sources a drug's rules cite."""
    if kind is not None:
        kinds = [member.value for member in EvidenceKind]
        wanted = kind.strip().lower().replace(" ", "-").replace("_", "-")
        if wanted not in kinds:
            close = difflib.get_close_matches(wanted, kinds, n=1, cutoff=0.5)
            hint = f" — did you mean {close[0]}?" if close else ""
            raise InputError(f"--kind: {kind!r} is not a kind of evidence{hint}",
                             option="--kind", accepted=" | ".join(kinds),
                             suggestions=tuple(close))
        kind = wanted
    allowed: set[str] | None = None
    if drug is not None:
        from switchadvisor.engine import name_index

        resolved = name_index(rulebase).resolve(drug, option="--drug").drug
        allowed = set(_drug_evidence(rulebase, resolved))
    rows = []
    for entry in rulebase.evidence.values():
        if kind is not None and entry.kind.value != kind:
            continue
        if allowed is not None and entry.id not in allowed:
            continue
        rows.append(evidence_row(entry))
    return rows


def evidence_row(entry: EvidenceEntry) -> EvidenceRow:
    holder = getattr(entry, "holder", None)
    first = holder if isinstance(holder, str) and holder else entry.authors
    first = first.split(",")[0].split(" (")[0].strip()
    journal = _JOURNAL_END.split(entry.source, maxsplit=1)[0].strip()
    return EvidenceRow(id=entry.id, kind=entry.kind.value, n=entry.n, first_author=first,
                       year=entry.year, journal=journal, doi=entry.doi, pmid=entry.pmid,
                       url=entry.url, title=" ".join(entry.title.split()))


def _drug_evidence(rulebase: RuleBase, drug: Drug) -> list[str]:
    info = drug_info(rulebase, drug.id)
    refs = [entry.id for entry in info.evidence]
    for name in info.pathways:
        a, _, b = name.partition("--")
        refs += [entry.id for entry in pathway_info(rulebase, a, b).evidence]
    return list(dict.fromkeys(refs))


__all__ = [
    "FIGURE_LABELS", "DrugInfo", "DrugRow", "EvidenceInfo", "EvidenceRow", "Explained",
    "FindingInfo", "PathwayInfo", "drug_figures", "drug_rows", "evidence_rows", "explain",
    "figure_text",
]

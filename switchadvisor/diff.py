"""What a rule-base change does to the answers: outcomes, their differences, `rules diff`.

An ``Outcome`` is what a reviewer compares between two runs of the same switch: the verdict,
the worst severity still possible, the fired findings and the findings not evaluated (each by
id with its severity) and the washout window with the person's position in it. ``compare``
lists what changed between two outcomes; ``replay`` uses it for saved records and
``diff_rulebases`` for every ordered pair of drugs under ``FACT_SETS``.

``FACT_SETS`` is fixed and documented, so two reviews of the same change see the same rows:
no facts; each fact the rule base's conditions use, alone, at values on either side of the
thresholds they are compared with (lymphocytes 0.5, 0.9 and 1.5 ×10⁹/L; 2, 8 and 26 weeks since
stopping; each disease activity; a planned pregnancy; a positive JCV status); and two
combinations (a typical switch and a high-risk one) for conditions joining several facts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from switchadvisor.assessment import Assessment
from switchadvisor.engine import Switch, assess
from switchadvisor.facts import Facts, parse_facts
from switchadvisor.names import Resolved
from switchadvisor.rulebase import RuleBase, Severity

SEVERITIES = tuple(severity.value for severity in Severity)


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


# ----------------------------------------------------------------------------- outcomes


@dataclass(frozen=True)
class Outcome:
    """The parts of an assessment a rule-base change can alter."""

    verdict: str
    worst_possible: str
    findings: Mapping[str, str] = field(default_factory=dict)
    """Fired finding id → severity."""
    not_evaluated: Mapping[str, str] = field(default_factory=dict)
    """Not-evaluated finding id → the severity it would have."""
    washout: str | None = None
    """The window and the position in it ('4 weeks to 8 weeks; within'), None without one."""

    @classmethod
    def of(cls, assessment: Assessment) -> Outcome:
        washout = assessment.washout
        return cls(
            verdict=assessment.verdict.value,
            worst_possible=assessment.worst_possible.value,
            findings={item.id: item.severity.value for item in assessment.findings},
            not_evaluated={item.id: item.severity.value for item in assessment.not_evaluated},
            washout=f"{washout.window}; {washout.position.value}" if washout else None,
        )

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Outcome:
        """From a saved assessment, full or summary; ValueError if it is not one."""
        verdict = record.get("verdict")
        if verdict not in SEVERITIES:
            raise ValueError("not an assessment record (no valid 'verdict')")
        worst = record.get("worst_possible", verdict)
        if worst not in SEVERITIES:
            raise ValueError(f"'worst_possible' is not a severity: {worst!r}")
        washout = record.get("washout")
        if washout is not None and not isinstance(washout, Mapping):
            raise ValueError("'washout' is not an object")
        return cls(
            verdict=verdict,
            worst_possible=worst,
            findings=_severities(record, "findings"),
            not_evaluated=_severities(record, "not_evaluated"),
            washout=(f"{washout.get('window')}; {washout.get('position')}"
                     if washout is not None else None),
        )


def _severities(record: Mapping[str, Any], key: str) -> dict[str, str]:
    items = record.get(key, [])
    if not isinstance(items, list):
        raise ValueError(f"{key!r} is not a list")
    result: dict[str, str] = {}
    for item in items:
        if not (isinstance(item, Mapping) and isinstance(item.get("id"), str)
                and item.get("severity") in SEVERITIES):
            raise ValueError(f"an entry of {key!r} has no id and severity")
        result[item["id"]] = item["severity"]
    return result


class Transition(_Out):
    old: str | None
    new: str | None


class SeverityChange(_Out):
    id: str
    old: str
    new: str


class Change(_Out):
    """What differs between two outcomes of the same switch and facts."""

    verdict: Transition | None = None
    worst_possible: Transition | None = None
    findings_added: list[str] = Field(default_factory=list)
    findings_removed: list[str] = Field(default_factory=list)
    findings_severity: list[SeverityChange] = Field(default_factory=list)
    not_evaluated_added: list[str] = Field(default_factory=list)
    not_evaluated_removed: list[str] = Field(default_factory=list)
    not_evaluated_severity: list[SeverityChange] = Field(default_factory=list)
    washout: Transition | None = None

    def lines(self, old: Outcome, new: Outcome) -> list[str]:
        """One readable line per difference, e.g. '+ finding x (critical)'."""
        lines = []
        if self.verdict:
            lines.append(f"verdict: {self.verdict.old} → {self.verdict.new}")
        if self.worst_possible:
            lines.append(f"worst possible: {self.worst_possible.old} → "
                         f"{self.worst_possible.new}")
        lines += [f"+ finding {item} ({new.findings[item]})" for item in self.findings_added]
        lines += [f"- finding {item} ({old.findings[item]})" for item in self.findings_removed]
        lines += [f"~ finding {item.id}: {item.old} → {item.new}"
                  for item in self.findings_severity]
        lines += [f"+ not evaluated {item} ({new.not_evaluated[item]})"
                  for item in self.not_evaluated_added]
        lines += [f"- not evaluated {item} ({old.not_evaluated[item]})"
                  for item in self.not_evaluated_removed]
        lines += [f"~ not evaluated {item.id}: {item.old} → {item.new}"
                  for item in self.not_evaluated_severity]
        if self.washout:
            lines.append(f"washout: {self.washout.old or 'none'} → {self.washout.new or 'none'}")
        return lines


def compare(old: Outcome, new: Outcome) -> Change | None:
    """The differences between two outcomes; None when they are the same."""
    if old == new:
        return None
    return Change(
        verdict=_transition(old.verdict, new.verdict),
        worst_possible=_transition(old.worst_possible, new.worst_possible),
        findings_added=[item for item in new.findings if item not in old.findings],
        findings_removed=[item for item in old.findings if item not in new.findings],
        findings_severity=_severity_changes(old.findings, new.findings),
        not_evaluated_added=[item for item in new.not_evaluated if item not in old.not_evaluated],
        not_evaluated_removed=[item for item in old.not_evaluated
                               if item not in new.not_evaluated],
        not_evaluated_severity=_severity_changes(old.not_evaluated, new.not_evaluated),
        washout=_transition(old.washout, new.washout),
    )


def _transition(old: str | None, new: str | None) -> Transition | None:
    return Transition(old=old, new=new) if old != new else None


def _severity_changes(old: Mapping[str, str], new: Mapping[str, str]) -> list[SeverityChange]:
    return [SeverityChange(id=item, old=old[item], new=new[item])
            for item in old if item in new and old[item] != new[item]]


# --------------------------------------------------------------------------- fact sets


class FactSet(_Out):
    name: str
    facts: dict[str, str | bool]


FACT_SETS: tuple[FactSet, ...] = tuple(FactSet(name=name, facts=facts) for name, facts in (
    ("no facts", {}),
    ("lymphocytes 0.5 (low)", {"lymphocytes": "0.5"}),
    ("lymphocytes 0.9 (below the default LLN, 1.0)", {"lymphocytes": "0.9"}),
    ("lymphocytes 1.5 (normal)", {"lymphocytes": "1.5"}),
    ("2 weeks since stop", {"weeks_since_stop": "2"}),
    ("8 weeks since stop", {"weeks_since_stop": "8"}),
    ("26 weeks since stop", {"weeks_since_stop": "26"}),
    ("disease activity none", {"disease_activity": "none"}),
    ("disease activity active", {"disease_activity": "active"}),
    ("disease activity highly-active", {"disease_activity": "highly-active"}),
    ("pregnancy planned", {"pregnancy_planned": True}),
    ("JCV positive", {"jcv": "positive"}),
    ("typical: 8 weeks, lymphocytes 1.5, active",
     {"weeks_since_stop": "8", "lymphocytes": "1.5", "disease_activity": "active"}),
    ("high risk: 26 weeks, lymphocytes 0.5, highly-active",
     {"weeks_since_stop": "26", "lymphocytes": "0.5", "disease_activity": "highly-active"}),
))
"""The representative fact sets `rules diff` assesses every pair with (values in the CLI's
units: lymphocytes ×10⁹/L, weeks)."""


# ------------------------------------------------------------------------------- rules diff


class RuleBaseRef(_Out):
    id: str
    version: str
    sha256: str
    path: str


class Pair(_Out):
    from_: str = Field(alias="from", serialization_alias="from")
    to: str


class SwitchChange(_Out):
    from_: str = Field(alias="from", serialization_alias="from")
    to: str
    fact_set: str
    old_verdict: str
    new_verdict: str
    change: Change
    lines: list[str] = Field(description="The change in words, one line per difference.")


class RuleBaseDiff(_Out):
    """Every difference between two rule bases' answers, over ``FACT_SETS``."""

    old: RuleBaseRef
    new: RuleBaseRef
    identical: bool
    fact_sets: list[FactSet]
    switches_compared: int = Field(description="Ordered pairs of drugs known to both.")
    drugs_added: list[str]
    drugs_removed: list[str]
    pairs_added: list[Pair]
    pairs_removed: list[Pair]
    switches_changed: int
    changes: list[SwitchChange]


def diff_rulebases(old: RuleBase, new: RuleBase,
                   fact_sets: Iterable[FactSet] = FACT_SETS) -> RuleBaseDiff:
    """Assess every ordered pair known to both rule bases under each fact set; list changes."""
    sets = list(fact_sets)
    parsed = [parse_facts(fact_set.facts) for fact_set in sets]
    common = sorted(set(old.drugs) & set(new.drugs))
    pairs = [(a, b) for a in common for b in common if a != b]
    changes: list[SwitchChange] = []
    for from_id, to_id in pairs:
        for fact_set, facts in zip(sets, parsed, strict=True):
            before = Outcome.of(_assess_ids(old, from_id, to_id, facts))
            after = Outcome.of(_assess_ids(new, from_id, to_id, facts))
            change = compare(before, after)
            if change is not None:
                changes.append(SwitchChange(
                    from_=from_id, to=to_id, fact_set=fact_set.name,
                    old_verdict=before.verdict, new_verdict=after.verdict, change=change,
                    lines=change.lines(before, after)))
    old_pairs = set(_pairs(old.drugs))
    new_pairs = set(_pairs(new.drugs))
    added = sorted(set(new.drugs) - set(old.drugs))
    removed = sorted(set(old.drugs) - set(new.drugs))
    pairs_added = [Pair(from_=a, to=b) for a, b in sorted(new_pairs - old_pairs)]
    pairs_removed = [Pair(from_=a, to=b) for a, b in sorted(old_pairs - new_pairs)]
    return RuleBaseDiff(
        old=_ref(old), new=_ref(new),
        identical=not (changes or added or removed),
        fact_sets=sets, switches_compared=len(pairs),
        drugs_added=added, drugs_removed=removed,
        pairs_added=pairs_added, pairs_removed=pairs_removed,
        switches_changed=len({(item.from_, item.to) for item in changes}),
        changes=changes,
    )


def _assess_ids(rulebase: RuleBase, from_id: str, to_id: str, facts: Facts) -> Assessment:
    """Assess a switch named by drug ids (not by names, which an alias could shadow)."""
    switch = Switch(Resolved(rulebase.drugs[from_id], from_id, "generic"),
                    Resolved(rulebase.drugs[to_id], to_id, "generic"))
    return assess(rulebase, switch, facts=facts)


def _pairs(drugs: Iterable[str]) -> Iterator[tuple[str, str]]:
    ids = sorted(drugs)
    return ((a, b) for a in ids for b in ids if a != b)


def _ref(rulebase: RuleBase) -> RuleBaseRef:
    return RuleBaseRef(id=rulebase.meta.id, version=rulebase.meta.version,
                       sha256=rulebase.sha256, path=str(rulebase.location.path))


def render_diff_text(diff: RuleBaseDiff) -> str:
    """The diff grouped for reading: switches with the same changes together, each change
    with the fact sets it appears under."""
    lines = [f"old: {_describe(diff.old)}", f"new: {_describe(diff.new)}",
             f"compared {diff.switches_compared} switches × {len(diff.fact_sets)} fact sets"]
    if diff.drugs_added:
        lines.append(f"drugs added: {', '.join(diff.drugs_added)} "
                     f"({len(diff.pairs_added)} new switches, not compared)")
    if diff.drugs_removed:
        lines.append(f"drugs removed: {', '.join(diff.drugs_removed)} "
                     f"({len(diff.pairs_removed)} switches gone)")
    if diff.identical:
        return "\n".join([*lines, "no differences"]) + "\n"
    total = len(diff.fact_sets)
    order = [fact_set.name for fact_set in diff.fact_sets]
    blocks: dict[tuple[str, str], dict[str, list[str]]] = {}
    for item in diff.changes:
        block = blocks.setdefault((item.from_, item.to), {})
        for line in item.lines:
            block.setdefault(line, []).append(item.fact_set)
    groups: dict[tuple[str, ...], list[str]] = {}
    for (from_id, to_id), block in blocks.items():
        rendered = tuple(f"  {line}  [{_sets(block[line], order, total)}]"
                         for line in sorted(block, key=_line_rank))
        groups.setdefault(rendered, []).append(f"{from_id} → {to_id}")
    lines.append(f"{diff.switches_changed} switches differ:")
    for rendered, switches in groups.items():
        count = len(switches)
        lines += ["", (switches[0] if count == 1 else f"{count} switches: {', '.join(switches)}"),
                  *rendered]
    return "\n".join(lines) + "\n"


_LINE_ORDER = ("verdict", "worst", "+ finding", "- finding", "~ finding", "+ not", "- not",
               "~ not", "washout")


def _line_rank(line: str) -> int:
    """Order the lines of a block as ``Change.lines`` does."""
    return next(rank for rank, prefix in enumerate(_LINE_ORDER) if line.startswith(prefix))


def _describe(ref: RuleBaseRef) -> str:
    return f"{ref.id} {ref.version} (sha256 {ref.sha256[:12]}…) at {ref.path}"


def _sets(names: list[str], order: list[str], total: int) -> str:
    """The fact sets a line appears under, or those it does not when that is shorter."""
    if len(names) == total:
        return "every fact set"
    missing = [name for name in order if name not in names]
    if len(missing) < len(names):
        return f"every fact set but {'; '.join(missing)}"
    return "; ".join(sorted(names, key=order.index))

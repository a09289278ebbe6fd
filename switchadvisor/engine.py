"""The engine: compose the rules that apply to one switch, evaluate them, build the Assessment.

Pure: takes a RuleBase, a Switch and Facts, returns an Assessment; never prints or exits.
Layers, most specific first: the drug→drug pathway, the class→class pathway, the stopping
drug's after-stopping rules, the starting drug's before-starting requirements.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from switchadvisor import __version__
from switchadvisor.assessment import (
    Alternative,
    Assessment,
    Bound,
    DrugRef,
    EvidenceOut,
    FactReading,
    Figure,
    FiredFinding,
    InputValue,
    NotEvaluated,
    NotFired,
    RuleBaseInfo,
    Superseded,
    SwitchInfo,
    TraceStep,
    Washout,
    WashoutPosition,
)
from switchadvisor.conditions import Value, evaluate, render
from switchadvisor.errors import InputError
from switchadvisor.facts import PATIENT_FACTS, Facts, describe_value, parse_facts
from switchadvisor.names import NameIndex, Resolved
from switchadvisor.rulebase import (
    CONDITION_FACTS,
    FIGURE_WORDS,
    FIGURES,
    Drug,
    Duration,
    Layer,
    PathwayRules,
    Rule,
    RuleBase,
    Severity,
)

NO_FIGURE = "no verified figure"


@dataclass(frozen=True)
class Switch:
    """A resolved switch from one drug to another."""

    from_: Resolved
    to: Resolved

    @classmethod
    def resolve(cls, rulebase: RuleBase, from_name: str, to_name: str) -> Switch:
        """Resolve two names (generic, brand or alias); InputError if unknown or the same."""
        index = name_index(rulebase)
        from_drug = index.resolve(from_name, option="--from")
        to_drug = index.resolve(to_name, option="--to")
        if from_drug.drug.id == to_drug.drug.id:
            raise InputError(
                f"--from and --to are both {from_drug.drug.id}: a switch needs two different "
                "drugs",
                option="--to", code="same-drug",
            )
        return cls(from_drug, to_drug)


def name_index(rulebase: RuleBase) -> NameIndex:
    index = rulebase.cache.get("names")
    if index is None:
        index = rulebase.cache["names"] = NameIndex(rulebase.drugs.values())
    assert isinstance(index, NameIndex)
    return index


# ----------------------------------------------------------------------- drug figures


class _Context:
    """Fact lookup and wording for one switch: patient facts plus the two drugs' figures."""

    def __init__(self, from_drug: Drug, to_drug: Drug, facts: Facts) -> None:
        self.drugs = {"from": from_drug, "to": to_drug}
        self.facts = facts

    def figure(self, side: str, figure: str) -> str:
        return self.drugs[side].after_stopping.describe_figure(figure) or NO_FIGURE

    def duration(self, name: str) -> Duration | None:
        side, figure, bound = name.split(".")
        return self.drugs[side].after_stopping.duration(figure, bound)

    def lookup(self, name: str) -> Value | None:
        if name in PATIENT_FACTS:
            return self.facts.value(name)
        duration = self.duration(name)
        return duration.weeks if duration is not None else None

    def describe(self, name: str, value: Value) -> str:
        if name in PATIENT_FACTS:
            return describe_value(name, value, self.facts)
        if name in CONDITION_FACTS and isinstance(value, float):
            duration = self.duration(name)
            if duration is not None and duration.weeks == value:
                drug = self.drugs[name.split(".")[0]]
                return f"{value:.1f} weeks ({drug.name}: {duration.text})"
            return f"{value:g} weeks"
        return str(value)

    def message(self, text: str) -> str:
        """Fill {from.name}, {to.elimination}, … with this switch's drugs and figures."""

        def substitute(match: re.Match[str]) -> str:
            side, attribute = match.group(1), match.group(2)
            if attribute == "name":
                return self.drugs[side].name
            return self.figure(side, attribute)

        return re.sub(r"\{(from|to)\.([a-z_]+)\}", substitute, " ".join(text.split()))


# -------------------------------------------------------------------------------- assess


def assess(
    rulebase: RuleBase,
    switch: Switch | str,
    to: str | None = None,
    /,
    facts: Facts | Mapping[str, object] | None = None,
    *,
    received: Mapping[str, InputValue] | None = None,
    **fact_values: object,
) -> Assessment:
    """Evaluate every rule that applies to a switch.

    ``assess(rulebase, Switch.resolve(rulebase, "Gilenya", "Lemtrada"), facts)`` or, with
    names and raw facts as on the command line,
    ``assess(rulebase, "Gilenya", "Lemtrada", lymphocytes="600/uL")``.
    Raises ``InputError`` for an unknown drug or an impossible fact. ``received`` is the input
    as received, recorded as ``Assessment.input``; by default it is the names and raw facts
    given here (or, for a Facts object, each given fact's value as read).
    """
    if received is None:
        received = received_input(switch, to, facts, fact_values)
    if isinstance(switch, str):
        if to is None:
            raise InputError("assess() needs the drug being started as well", option="--to")
        switch = Switch.resolve(rulebase, switch, to)
    elif to is not None:
        raise InputError("give either a Switch or two drug names, not both", option="--to")
    if not isinstance(facts, Facts):
        facts = parse_facts({**(facts or {}), **fact_values})
    elif fact_values:
        raise InputError("give facts either as a Facts object or as values, not both")
    from_drug, to_drug = switch.from_.drug, switch.to.drug
    context = _Context(from_drug, to_drug, facts)
    layers = _compose(rulebase, from_drug, to_drug)
    rules = [rule for _, rules in layers for rule in rules]
    superseding = {target: rule.finding.id for rule in rules for target in rule.finding.supersedes}

    fired: list[FiredFinding] = []
    not_evaluated: list[NotEvaluated] = []
    not_fired: list[NotFired] = []
    superseded: list[Superseded] = []
    for rule in rules:
        finding = rule.finding
        if finding.id in superseding:
            superseded.append(Superseded(id=finding.id, title=finding.title, layer=rule.layer,
                                         by=superseding[finding.id]))
            continue
        _evaluate_rule(rule, context, fired, not_evaluated, not_fired)

    # Most severe first; within a level, the layer order (specific before general) stays.
    fired.sort(key=lambda item: -item.severity.rank)
    not_evaluated.sort(key=lambda item: -item.severity.rank)
    verdict = max((item.severity for item in fired), key=_rank, default=Severity.INFO)
    worst = max([verdict, *(item.severity for item in not_evaluated)], key=_rank)
    pathways = [pathway for pathway, _ in layers if pathway is not None]
    washout = _washout(pathways, context)
    alternatives = _alternatives(rulebase, pathways, to_drug)
    figures = _figures(from_drug)

    evidence_ids = _cited(fired, not_evaluated, washout, alternatives, figures)
    return Assessment(
        tool_version=__version__,
        rulebase=RuleBaseInfo(id=rulebase.meta.id, version=rulebase.meta.version,
                              reviewed=rulebase.meta.reviewed.isoformat(),
                              sha256=rulebase.sha256),
        input=dict(received),
        switch=SwitchInfo(
            from_=_drug_ref(rulebase, switch.from_), to=_drug_ref(rulebase, switch.to),
            pathways=[_pathway_name(pathway) for pathway in pathways],
        ),
        summary=[_summary(pathway, context) for pathway in pathways],
        facts=_readings(facts),
        verdict=verdict,
        worst_possible=worst,
        washout=washout,
        figures=figures,
        findings=fired,
        not_evaluated=not_evaluated,
        not_fired=not_fired,
        superseded=superseded,
        alternatives=alternatives,
        evidence=_evidence(rulebase, evidence_ids, fired, not_evaluated, washout),
        disclaimer=" ".join(rulebase.meta.disclaimer.split()),
    )


def received_input(switch: Switch | str, to: str | None, facts: object,
                   fact_values: Mapping[str, object]) -> dict[str, InputValue]:
    """The input record of an ``assess()`` call: names as given, then each fact given."""
    record: dict[str, InputValue] = {}
    if isinstance(switch, Switch):
        record["from"], record["to"] = switch.from_.matched, switch.to.matched
    else:
        record["from"] = switch
        if to is not None:
            record["to"] = to
    if isinstance(facts, Facts):
        given = {name: facts.value(name) for name in PATIENT_FACTS
                 if name in facts.read_as or name in facts.model_fields_set}
    else:
        given = {**(facts or {}), **fact_values}  # type: ignore[dict-item]
    for name, value in given.items():
        if isinstance(value, str | bool | int | float):
            record[name] = value
    return record


def _rank(severity: Severity) -> int:
    return severity.rank


def _compose(rulebase: RuleBase, from_drug: Drug,
             to_drug: Drug) -> list[tuple[PathwayRules | None, tuple[Rule, ...]]]:
    drug_pair = rulebase.pathway(from_drug.id, to_drug.id)
    class_pair = rulebase.pathway(from_drug.class_, to_drug.class_)
    return [
        (drug_pair, drug_pair.rules if drug_pair else ()),
        (class_pair, class_pair.rules if class_pair else ()),
        (None, rulebase.after_stopping.get(from_drug.id, ())),
        (None, rulebase.before_starting.get(to_drug.id, ())),
    ]


def _summary(pathway: PathwayRules, context: _Context) -> str:
    text = context.message(pathway.pathway.summary)
    if pathway.layer is Layer.CLASS_PAIR:
        return f"Class level ({_pathway_name(pathway)}): {text}"
    return text


def _pathway_name(pathway: PathwayRules) -> str:
    return f"{pathway.pathway.from_}→{pathway.pathway.to}"


def _evaluate_rule(rule: Rule, context: _Context, fired: list[FiredFinding],
                   not_evaluated: list[NotEvaluated], not_fired: list[NotFired]) -> None:
    finding = rule.finding
    common = {"id": finding.id, "severity": finding.severity, "title": finding.title,
              "layer": rule.layer, "origin": rule.origin}
    if rule.condition is None:
        fired.append(FiredFinding(
            **common, message=context.message(finding.message), condition=None,
            trace=[TraceStep(text="always applies to this switch", result=True)],
            evidence=list(finding.evidence), counter_evidence=list(finding.counter_evidence)))
        return
    evaluation = evaluate(rule.condition, context.lookup, context.describe)
    trace = [TraceStep(text=step.text, result=step.result) for step in evaluation.trace]
    condition = render(rule.condition.root)
    if evaluation.result is True:
        fired.append(FiredFinding(
            **common, message=context.message(finding.message), condition=condition,
            trace=trace, evidence=list(finding.evidence),
            counter_evidence=list(finding.counter_evidence)))
    elif evaluation.result is False:
        not_fired.append(NotFired(**common, condition=condition, trace=trace))
    else:
        not_evaluated.append(NotEvaluated(
            **common, condition=condition, needs=list(evaluation.missing),
            options=_options(evaluation.missing, context),
            decides=f"fires if {evaluation.decides}", trace=trace,
            evidence=list(finding.evidence), counter_evidence=list(finding.counter_evidence)))


def _options(missing: Sequence[str], context: _Context) -> list[str]:
    options: list[str] = []
    for name in missing:
        spec = PATIENT_FACTS.get(name)
        if spec is not None and spec.option:
            option = spec.option
            if name == "weeks_since_stop":
                option = "--weeks-since-stop (or --stopped)"
        else:
            side, figure, _ = name.split(".")
            option = (f"none: {context.drugs[side].name} has {NO_FIGURE} for "
                      f"{FIGURE_WORDS[figure]}")
        if option not in options:
            options.append(option)
    return options


# ------------------------------------------------------------------------------ washout


def _washout(pathways: Sequence[PathwayRules], context: _Context) -> Washout | None:
    chosen = next((pathway for pathway in pathways if pathway.pathway.washout), None)
    if chosen is None:
        return None
    spec = chosen.pathway.washout
    assert spec is not None
    low = _bound(spec.min, context)
    high = _bound(spec.max, context)
    weeks = context.facts.weeks_since_stop
    position, explanation = _position(weeks, low, high)
    return Washout(min=low, max=high, window=_window_text(low, high),
                   basis=context.message(spec.basis),
                   evidence=list(spec.evidence), layer=chosen.layer,
                   origin=_pathway_name(chosen), weeks_since_stop=weeks, position=position,
                   explanation=explanation)


def _bound(value: Duration | str | None, context: _Context) -> Bound | None:
    if value is None:
        return None
    if isinstance(value, Duration):
        return Bound(weeks=value.weeks, text=value.text)
    side, figure, _ = value.split(".")
    duration = context.duration(value)
    source = f"{context.drugs[side].name}'s {FIGURE_WORDS[figure]}"
    if duration is not None:
        return Bound(weeks=duration.weeks, text=duration.text, source=source)
    return Bound(weeks=None, text=NO_FIGURE, source=source)


def _window_text(low: Bound | None, high: Bound | None) -> str:
    if low and high:
        text = f"{low.text} to {high.text}"
    elif high:
        text = f"up to {high.text}"
    elif low:
        text = f"at least {low.text}"
    else:
        return "no fixed window (see the basis)"
    sources = list(dict.fromkeys(bound.source for bound in (low, high) if bound and bound.source))
    return f"{text} ({'; '.join(sources)})" if sources else text


def _position(weeks: float | None, low: Bound | None,
              high: Bound | None) -> tuple[WashoutPosition, str]:
    if low is None and high is None:
        return WashoutPosition.UNKNOWN, "the evidence gives no fixed window for this switch"
    if weeks is None:
        return (WashoutPosition.UNKNOWN,
                "give --weeks-since-stop or --stopped to place the gap in the window")
    gap = f"{weeks:.1f} weeks since stopping"
    if low is not None and low.weeks is not None and weeks < low.weeks:
        return (WashoutPosition.TOO_EARLY,
                f"{gap} < {low.weeks:.1f} weeks ({low.text}): too early")
    if high is not None and high.weeks is not None and weeks > high.weeks:
        return WashoutPosition.LATE, f"{gap} > {high.weeks:.1f} weeks ({high.text}): late"
    undecided = [bound for bound in (low, high) if bound is not None and bound.weeks is None]
    if undecided:
        return (WashoutPosition.UNKNOWN,
                f"{gap}; the window has a bound with {NO_FIGURE} ({undecided[0].text})")
    return WashoutPosition.WITHIN, f"{gap}: within the window"


# -------------------------------------------------------------------------- the rest


def _alternatives(rulebase: RuleBase, pathways: Sequence[PathwayRules],
                  to_drug: Drug) -> list[Alternative]:
    seen: set[str] = {to_drug.id}
    result: list[Alternative] = []
    for pathway in pathways:
        for alternative in pathway.pathway.alternatives:
            if alternative.to in seen:
                continue
            seen.add(alternative.to)
            target = rulebase.drugs.get(alternative.to) or rulebase.classes.get(alternative.to)
            name = target.name if target is not None else alternative.to
            result.append(Alternative(to=alternative.to, name=name,
                                      reason=" ".join(alternative.reason.split()),
                                      evidence=list(alternative.evidence),
                                      origin=_pathway_name(pathway)))
    return result


def _figures(drug: Drug) -> list[Figure]:
    figures = []
    for name in FIGURES:
        period = drug.after_stopping.figure(name)
        if period is None and name in {"b_cell_repletion", "rebound_window"}:
            continue  # shown only where the drug has one
        figures.append(Figure(
            name=name, drug=drug.id,
            text=period.describe() if period is not None else NO_FIGURE,
            evidence=list(period.evidence) if period is not None else [],
            note=" ".join(period.note.split()) if period is not None and period.note else None,
        ))
    return figures


def _cited(fired: Iterable[FiredFinding], not_evaluated: Iterable[NotEvaluated],
           washout: Washout | None, alternatives: Iterable[Alternative],
           figures: Iterable[Figure]) -> list[str]:
    ordered: dict[str, None] = {}
    cited: list[FiredFinding | NotEvaluated] = [*fired, *not_evaluated]
    for item in cited:
        for ref in [*item.evidence, *item.counter_evidence]:
            ordered.setdefault(ref)
    for ref in washout.evidence if washout else []:
        ordered.setdefault(ref)
    for group in [*(a.evidence for a in alternatives), *(f.evidence for f in figures)]:
        for ref in group:
            ordered.setdefault(ref)
    return list(ordered)


def _evidence(rulebase: RuleBase, ids: Sequence[str], fired: Sequence[FiredFinding],
              not_evaluated: Sequence[NotEvaluated],
              washout: Washout | None) -> list[EvidenceOut]:
    support: dict[str, list[str]] = {}
    against: dict[str, list[str]] = {}
    cited: list[FiredFinding | NotEvaluated] = [*fired, *not_evaluated]
    for item in cited:
        for ref in item.evidence:
            support.setdefault(ref, []).append(item.id)
        for ref in item.counter_evidence:
            against.setdefault(ref, []).append(item.id)
    for ref in washout.evidence if washout else []:
        support.setdefault(ref, []).append("washout")
    result = []
    for ref in ids:
        entry = rulebase.evidence[ref]
        result.append(EvidenceOut(
            id=entry.id, kind=entry.kind, authors=entry.authors, title=entry.title,
            source=entry.source, year=entry.year, doi=entry.doi, pmid=entry.pmid, url=entry.url,
            section=entry.section, n=entry.n, n_note=entry.n_note,
            finding=" ".join(entry.finding.split()),
            cited_for=support.get(ref, []), cited_against=against.get(ref, []),
        ))
    return result


def _drug_ref(rulebase: RuleBase, resolved: Resolved) -> DrugRef:
    drug = resolved.drug
    drug_class = rulebase.classes.get(drug.class_)
    return DrugRef(id=drug.id, name=drug.name, drug_class=drug.class_,
                   class_name=drug_class.name if drug_class else drug.class_,
                   input=resolved.matched,
                   matched_as=resolved.matched_as,
                   off_label=drug.off_label)


def _readings(facts: Facts) -> list[FactReading]:
    readings = []
    for name, spec in PATIENT_FACTS.items():
        value = facts.value(name)
        if value is None:
            continue
        default = facts.is_default(name)
        readings.append(FactReading(
            name=name, value=value, unit=spec.unit,
            read_as=describe_value(name, value, facts),
            source="default" if default else "given"))
    return readings


__all__ = ["Switch", "assess", "name_index"]

"""The engine: compose the rules that apply to one switch, evaluate them, build the Assessment.

Pure: takes a RuleBase, a Switch and Facts, returns an Assessment; never prints or exits.
Layers, most specific first: the drug→drug pathway, the class→class pathway, the stopping
drug's after-stopping rules, the starting drug's before-starting requirements.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypedDict, TypeVar

from switchadvisor import __version__, jsonout, timeunits
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
    Summary,
    SummaryFinding,
    SummaryNotEvaluated,
    SummaryWashout,
    Superseded,
    SwitchInfo,
    TraceStep,
    Washout,
    WashoutPosition,
    summary_finding,
    summary_not_evaluated,
    summary_washout,
    switch_ids,
)
from switchadvisor.conditions import (
    Evaluation,
    FactLookup,
    FactType,
    Value,
    decide,
    evaluate,
    render,
)
from switchadvisor.errors import InputError
from switchadvisor.facts import (
    PATIENT_FACTS,
    Facts,
    bounded,
    describe_value,
    parse_date,
    parse_facts,
)
from switchadvisor.jsonout import compact
from switchadvisor.names import NameIndex, Resolved
from switchadvisor.rulebase import (
    CONDITION_FACTS,
    FIGURE_WORDS,
    Drug,
    DrugClass,
    DrugFigure,
    Duration,
    Layer,
    PathwayRules,
    Rule,
    RuleBase,
    Severity,
    Statistic,
)
from switchadvisor.timeunits import format_weeks

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


_FACT_WORDS = {
    "lymphocytes": "lymphocytes",
    "lymphocytes_lln": "your lab's lower limit",
    "weeks_since_stop": "time since the last dose",
    "disease_activity": "disease activity",
    "age": "age",
    "pregnancy_planned": "pregnancy planned",
    "jcv": "anti-JCV antibody status",
}


class _Context:
    """Fact lookup and wording for one switch: patient facts plus the two drugs' figures."""

    def __init__(self, from_drug: Drug, to_drug: Drug, facts: Facts,
                 classes: Mapping[str, DrugClass] | None = None) -> None:
        self.drugs = {"from": from_drug, "to": to_drug}
        self.facts = facts
        self.classes = classes or {}

    def upper(self, name: str) -> DrugFigure | None:
        """The verified upper bound a ``<side>.<figure>.upper`` name refers to, if any."""
        side, figure, _ = name.split(".")
        return self.drugs[side].after_stopping.upper(figure)

    def lookup(self, name: str) -> Value | None:
        if name in PATIENT_FACTS:
            return self.facts.value(name)
        side, attribute = name.split(".", 1)
        if attribute == "lymphocyte_effect":
            drug_class = self.classes.get(self.drugs[side].class_)
            return drug_class.lymphocyte_effect.value if drug_class is not None else None
        upper = self.upper(name)
        return upper.time.weeks if upper is not None else None

    def describe(self, name: str, value: Value) -> str:
        if name in PATIENT_FACTS:
            return describe_value(name, value, self.facts)
        if name in CONDITION_FACTS and isinstance(value, float):
            upper = self.upper(name)
            if upper is not None and upper.time.weeks == value:
                return f"{format_weeks(value)} weeks ({upper.describe()})"
            return f"{format_weeks(value)} weeks"
        return str(value)

    # -- trace wording: facts named in clinical words, never as condition names

    def label(self, name: str) -> str:
        """A fact in words: "your lab's lower limit", "Fingolimod's elimination after
        stopping"."""
        if name in _FACT_WORDS:
            return _FACT_WORDS[name]
        side, _, rest = name.partition(".")
        if side in self.drugs and rest:
            figure = rest.split(".")[0]
            words = FIGURE_WORDS.get(figure, figure.replace("_", " "))
            return f"{self.drugs[side].name}'s {words}"
        return name.replace("_", " ")

    def unknown(self, name: str) -> str:
        """Why a fact has no value: not given, or no verified figure in the rule base."""
        if name in PATIENT_FACTS:
            return f"{self.label(name)}: not given"
        return self.missing_figure(name)

    def missing_figure(self, name: str) -> str:
        """Why a figure name has no value for this switch, as a clause for the user."""
        side, figure = name.split(".")[:2]
        drug = self.drugs[side]
        if figure not in FIGURE_WORDS:
            return f"{drug.name}'s class gives no {figure.replace('_', ' ')}"
        return drug.after_stopping.no_upper_bound(figure, drug.name)

    def missing_templates(self, text: str) -> list[str]:
        """Figure placeholders in a message that this switch's drugs have no figure for."""
        return [f"{side}.{figure}" for side, figure in _TEMPLATE.findall(text)
                if figure != "name"
                and self.drugs[side].after_stopping.describe(figure) is None]

    def message(self, text: str) -> str:
        """Fill {from.name}, {to.plasma_level}, … with this switch's drugs and figures."""

        def substitute(match: re.Match[str]) -> str:
            side, attribute = match.group(1), match.group(2)
            if attribute == "name":
                return self.drugs[side].name
            described = self.drugs[side].after_stopping.describe(attribute)
            assert described is not None, "missing figures are caught before rendering"
            return described

        return _TEMPLATE.sub(substitute, " ".join(text.split()))


_TEMPLATE = re.compile(r"\{(from|to)\.([a-z_]+)\}")


# -------------------------------------------------------------------------------- assess


def assess(
    rulebase: RuleBase,
    switch: Switch | str,
    to: str | None = None,
    /,
    facts: Facts | Mapping[str, object] | None = None,
    assessed_on: dt.date | None = None,
    *,
    received: Mapping[str, InputValue] | None = None,
    record_id: object = None,
    **fact_values: object,
) -> Assessment:
    """Evaluate every rule that applies to a switch.

    ``assess(rulebase, Switch.resolve(rulebase, "Gilenya", "Lemtrada"), facts)`` or, with
    names and raw facts as on the command line,
    ``assess(rulebase, "Gilenya", "Lemtrada", lymphocytes="600/uL")``.
    Raises ``InputError`` for an unknown drug or an impossible fact. ``assessed_on`` (or
    the ``on`` fact) is the assessment date the rule base's review date is compared with;
    without it the rule base is not called stale (the engine never reads the clock).
    ``received`` is the input as received, recorded as ``Assessment.input``; by default it
    is the names and raw facts given here (or, for a Facts object, each given fact's value
    as read). ``record_id`` is echoed back as ``Assessment.id`` (a batch record's id).
    """
    call = _prepare(rulebase, switch, to, facts, assessed_on, received, record_id,
                    fact_values)
    context, pair, caches = call.context, call.pair, call.caches
    # findings are kept for reuse with the pair, if the pair itself is kept
    keep = caches if caches.pairs.get((call.from_drug.id, call.to_drug.id)) is pair else None
    decided = [_reused_finding(pair_rule, context, keep) for pair_rule in pair.conditional]
    kinds = tuple([outcome for outcome, _ in decided])
    layout = pair.layouts.get(kinds)
    if layout is None:
        layout = _layout(rulebase, pair, decided)
        if len(pair.layouts) < _LAYOUTS_PER_PAIR:
            pair.layouts[kinds] = layout
    return Assessment(
        id=call.record_id,
        tool_version=__version__,
        rulebase=call.rulebase_info,
        input=call.received,
        switch=_switch_info(rulebase, caches, pair, call.switch),
        summary=list(pair.summary),
        facts=_readings(call.facts, caches),
        verdict=layout.verdict,
        worst_possible=layout.worst,
        washout=_washout(pair.washout, context),
        figures=list(pair.figures),
        findings=_filled(layout.fired, decided),
        not_evaluated=_filled(layout.not_evaluated, decided),
        not_fired=_filled(layout.not_fired, decided),
        superseded=list(layout.superseded),
        alternatives=list(pair.alternatives),
        evidence=list(layout.evidence),
        disclaimer=pair.disclaimer,
    )


def _filled(slots: _Slots[_F], decided: Sequence[_Outcome]) -> list[_F]:
    """A findings list from its layout: the fixed findings, and this assessment's findings
    of the conditional rules in their places."""
    items = list(slots.template)
    for position, index in slots.slots:
        items[position] = decided[index][1]  # type: ignore[assignment]  # by construction
    return items  # type: ignore[return-value]  # every None replaced


def _layout(rulebase: RuleBase, pair: _Pair, decided: Sequence[_Outcome]) -> _Layout:
    """Where each finding goes for one pattern of outcomes of the pair's conditional rules:
    the lists, their order, the verdict and the evidence depend on which list each rule's
    finding is in, and on the rule, never on the finding's trace."""
    parts = _findings(rulebase, pair, decided)
    index = {id(finding): number for number, (_, finding) in enumerate(decided)}

    def slots(items: tuple[_F, ...]) -> _Slots[_F]:
        return _Slots(template=tuple(None if id(item) in index else item for item in items),
                      slots=tuple((position, index[id(item)])
                                  for position, item in enumerate(items) if id(item) in index))

    return _Layout(fired=slots(parts.fired), not_evaluated=slots(parts.not_evaluated),
                   not_fired=slots(parts.not_fired), superseded=parts.superseded,
                   verdict=parts.verdict, worst=parts.worst, evidence=parts.evidence)


def _findings(rulebase: RuleBase, pair: _Pair, decided: Sequence[_Outcome]) -> _Findings:
    """An assessment's findings, verdict and evidence from the outcomes of the pair's
    conditional rules (in order) and its fixed findings."""
    outcomes = dict(zip([id(pair_rule) for pair_rule in pair.conditional], decided,
                        strict=True))
    fired: list[FiredFinding] = []
    not_evaluated: list[NotEvaluated] = []
    not_fired: list[NotFired] = []
    for pair_rule in pair.rules:
        finding: _Finding | None = pair_rule.fixed
        if finding is None:
            finding = outcomes[id(pair_rule)][1]
        if isinstance(finding, FiredFinding):
            fired.append(finding)
        elif isinstance(finding, NotEvaluated):
            not_evaluated.append(finding)
        else:
            not_fired.append(finding)
    # Several specific findings can replace one general finding (e.g. two gap bands): name the
    # one that fired, if any, rather than one that did not apply to these facts.
    fired_ids = {item.id for item in fired}
    superseded = [_superseded_by(item, pair.superseding[item.id], fired_ids)
                  for item in pair.superseded]
    verdict, worst = _rank_findings(fired, not_evaluated)
    return _Findings(fired=tuple(fired), not_evaluated=tuple(not_evaluated),
                     not_fired=tuple(not_fired), superseded=tuple(superseded),
                     verdict=verdict, worst=worst,
                     evidence=tuple(_pair_evidence(rulebase, pair, fired, not_evaluated)))


def assess_summary(
    rulebase: RuleBase,
    switch: Switch | str,
    to: str | None = None,
    /,
    facts: Facts | Mapping[str, object] | None = None,
    assessed_on: dt.date | None = None,
    *,
    received: Mapping[str, InputValue] | None = None,
    record_id: object = None,
    **fact_values: object,
) -> Summary:
    """``summarize(assess(...))`` without building what a summary leaves out (traces,
    messages, findings that did not fire, evidence entries): the same decisions
    (``_decide``), the same parts, the same record; arguments as for ``assess``."""
    call = _prepare(rulebase, switch, to, facts, assessed_on, received, record_id,
                    fact_values)
    pair, weeks = call.pair, call.facts.weeks_since_stop
    parts = _summary_decision(pair, call.facts)
    washout = pair.washout
    summary = _summary_record(
        call.rulebase_info, pair, parts, call.record_id, call.received,
        None if washout is None else summary_washout(
            washout.window, _place(weeks, washout.low, washout.high), weeks),
        _readings(call.facts, call.caches))
    jsonout.keep(summary, _summary_text(pair, parts, call.rulebase_info, call.record_id,
                                        call.received, call.facts, call.caches))
    return summary


def summary_line(rulebase: RuleBase, switch: Switch, facts: Facts, assessed_on: dt.date,
                 received: dict[str, InputValue], record_id: str | int | None,
                 ) -> tuple[str, Severity, Severity]:
    """``assess_summary(...)``'s one-line JSON, verdict and worst severity still possible,
    written from the same decisions and parts without building the Summary: what ``batch
    --detail summary`` writes for each record. The arguments are already checked and read
    (a Switch resolved in ``rulebase``, Facts, the record's id and input as received)."""
    caches = _caches(rulebase)
    from_drug, to_drug = switch.from_.drug, switch.to.drug
    pair = caches.pairs.get((from_drug.id, to_drug.id)) or _pair(rulebase, from_drug, to_drug)
    parts = _summary_decision(pair, facts)
    info = caches.rulebase_info_on.get(assessed_on) or _rulebase_info_on(rulebase, caches,
                                                                         assessed_on)
    text = _summary_text(pair, parts, info, record_id, received, facts, caches)
    return text, parts.verdict, parts.worst


def _summary_text(pair: _Pair, parts: _SummaryParts, info: RuleBaseInfo,
                  record_id: str | int | None, received: dict[str, InputValue],
                  facts: Facts, caches: _Caches) -> str:
    """A summary record's one-line JSON: the pattern's frame (``_summary_frame``) with the
    record's id, input, washout and fact readings written in."""
    write = parts.frames.get(info.stale) or _summary_frame(pair, parts, info)
    washout_text = "null"
    if pair.washout is not None:
        assert pair.washout_frame is not None
        weeks = facts.weeks_since_stop
        washout_text = pair.washout_frame(
            compact(_place(weeks, pair.washout.low, pair.washout.high)), compact(weeks))
    return write(compact(record_id), compact(received), washout_text,
                 _readings_text(facts, caches))


def _summary_decision(pair: _Pair, facts: Facts) -> _SummaryParts:
    """A summary's findings, verdict and worst severity for these facts: the outcome of each
    conditional rule (``_outcome``), then the parts kept for that pattern of outcomes."""
    lookup = _summary_values(pair, facts).get
    decided = []
    for pair_rule in pair.conditional:
        known = pair_rule.decisions
        if known is None:
            decided.append(_outcome(pair_rule, lookup))
        else:
            key = tuple(map(lookup, pair_rule.facts))
            decided.append(known.get(key) or _decided(known, key, pair_rule, lookup))
    pattern = tuple(decided)  # each rule's outcome and, if pending, the facts it needs
    parts = pair.summaries.get(pattern)
    if parts is None:
        assert pair.context is not None
        parts = _summary_parts(pair, decided, pair.context)
        if len(pair.summaries) < _SUMMARIES_PER_PAIR:
            pair.summaries[pattern] = parts
    return parts


def _decided(known: dict[tuple[object, ...], tuple[str, tuple[str, ...]]],
             key: tuple[object, ...], pair_rule: _PairRule,
             lookup: FactLookup) -> tuple[str, tuple[str, ...]]:
    decided = _outcome(pair_rule, lookup)
    if len(known) < _DECISIONS_KEPT:  # the values' combinations bound it; this guards it
        known[key] = decided
    return decided


_DECISIONS_KEPT = 64


def _summary_values(pair: _Pair, facts: Facts) -> dict[str, Value | None]:
    """Every value the pair's conditions can name, by name: the drug figures (fixed by the
    pair) and the patient's facts (a Facts' fields are its ``__dict__``; the one other key,
    ``read_as``, names no fact). Equal to what ``_Context.lookup`` gives for each name."""
    state: dict[str, Value | None] = facts.__dict__
    return {**pair.figure_values, **state} if pair.figure_values else state


def _summary_record(info: RuleBaseInfo, pair: _Pair, parts: _SummaryParts,
                    record_id: str | int | None, received: dict[str, InputValue],
                    washout: SummaryWashout | None, readings: list[FactReading]) -> Summary:
    assert pair.context is not None
    drugs = pair.context.drugs
    return Summary(
        id=record_id,
        tool_version=__version__,
        rulebase=info,
        input=received,
        switch=switch_ids(drugs["from"].id, drugs["to"].id),
        verdict=parts.verdict,
        worst_possible=parts.worst,
        washout=washout,
        facts=readings,
        findings=list(parts.fired),
        not_evaluated=list(parts.not_evaluated),
    )


def _summary_frame(pair: _Pair, parts: _SummaryParts,
                   info: RuleBaseInfo) -> Callable[..., str]:
    """The one-line JSON of this pattern's summaries with the rule base, the switch and the
    findings written once (``jsonout.frame``); the open fields are id, input, washout and
    facts, in that order. Built from a summary made as every summary is (``_summary_record``)."""
    model = _summary_record(info, pair, parts, None, {}, None, [])
    write = parts.frames[info.stale] = jsonout.frame(
        Summary, {name: getattr(model, name) for name in _FRAMED})
    return write


def _summary_parts(pair: _Pair, decided: Sequence[tuple[str, tuple[str, ...]]],
                   context: _Context) -> _SummaryParts:
    """A summary's findings from the outcomes of the pair's conditional rules (in order)."""
    outcomes = dict(zip([id(rule) for rule in pair.conditional], decided, strict=True))
    fired: list[SummaryFinding] = []
    not_evaluated: list[SummaryNotEvaluated] = []
    for pair_rule in pair.rules:
        fixed = pair_rule.fixed
        if isinstance(fixed, FiredFinding):
            fired.append(summary_finding(fixed.id, fixed.severity, fixed.title, fixed.evidence))
            continue
        if isinstance(fixed, NotEvaluated):
            not_evaluated.append(summary_not_evaluated(
                fixed.id, fixed.severity, fixed.title, fixed.needs, fixed.options,
                fixed.evidence))
            continue
        outcome, missing = outcomes[id(pair_rule)]
        common, evidence = pair_rule.common, pair_rule.rule.finding.evidence
        if outcome is _FIRED:
            fired.append(summary_finding(common["id"], common["severity"], common["title"],
                                         evidence))
        elif outcome is _PENDING:
            not_evaluated.append(summary_not_evaluated(
                common["id"], common["severity"], common["title"], missing,
                _options(missing, context), evidence))
        elif outcome is _NO_FIGURE:
            not_evaluated.append(summary_not_evaluated(
                common["id"], common["severity"], common["title"], pair_rule.missing,
                [f"none: {reason}" for reason in _no_figure_reasons(pair_rule, context)],
                evidence))
    verdict, worst = _rank_findings(fired, not_evaluated)
    return _SummaryParts(tuple(fired), tuple(not_evaluated), verdict, worst)


def _prepare(rulebase: RuleBase, switch: Switch | str, to: str | None,
             facts: Facts | Mapping[str, object] | None, assessed_on: dt.date | None,
             received: Mapping[str, InputValue] | None, record_id: object,
             fact_values: Mapping[str, object],
             ) -> _Call:
    """An ``assess()`` call's arguments checked and read, with what they select."""
    if record_id is not None and (isinstance(record_id, bool)
                                  or not isinstance(record_id, str | int)):
        raise InputError("a record id is a string or an integer", option="id")
    if received is None:
        received = received_input(switch, to, facts, fact_values)
    if isinstance(switch, str):
        if to is None:
            raise InputError("assess() needs the drug being started as well", option="--to")
        switch = Switch.resolve(rulebase, switch, to)
    elif to is not None:
        raise InputError("give either a Switch or two drug names, not both", option="--to")
    if not isinstance(facts, Facts):
        raw = {**(facts or {}), **fact_values}
        if assessed_on is None and raw.get("on") not in (None, ""):
            assessed_on = parse_date(bounded(raw["on"], option="--on"), option="--on")
        facts = parse_facts(raw)
    elif fact_values:
        raise InputError("give facts either as a Facts object or as values, not both")
    from_drug, to_drug = switch.from_.drug, switch.to.drug
    caches = _caches(rulebase)
    return _Call(
        switch=switch, facts=facts, received=dict(received), record_id=record_id,
        from_drug=from_drug, to_drug=to_drug,
        context=_Context(from_drug, to_drug, facts, rulebase.classes),
        pair=_pair(rulebase, from_drug, to_drug), caches=caches,
        rulebase_info=_rulebase_info(rulebase, caches,
                                     rulebase_stale(rulebase.meta.reviewed, assessed_on)))


@dataclass(frozen=True, eq=False, repr=False)  # internal: no generated methods to compile
class _Call:
    """One ``assess``/``assess_summary`` call, read: its input and what it selects."""

    switch: Switch
    facts: Facts
    received: dict[str, InputValue]
    record_id: str | int | None
    from_drug: Drug
    to_drug: Drug
    context: _Context
    pair: _Pair
    caches: _Caches
    rulebase_info: RuleBaseInfo


# ------------------------------------------------------------- what depends on the pair only


class _Common(TypedDict):
    """The fields every finding model shares, taken from the rule."""

    id: str
    severity: Severity
    title: str
    layer: Layer
    origin: str


@dataclass(frozen=True, eq=False, repr=False)  # internal: no generated methods to compile
class _PairRule:
    """One rule of a switch, with what does not depend on the facts worked out once."""

    rule: Rule
    common: _Common
    missing: tuple[str, ...]
    """Figure placeholders of the message that this pair's drugs have no figure for."""
    message: str | None
    """The message filled in for this pair (None when a figure is missing)."""
    condition: str | None
    """The condition rendered (None = always applies)."""
    fixed: FiredFinding | NotEvaluated | None = None
    """Without a condition, the outcome is the same for every assessment: built once."""
    facts: tuple[str, ...] = ()
    """The patient facts the condition names: with the pair, they decide the outcome."""
    outcomes: dict[_FactKey, _Outcome] = field(default_factory=dict)
    """The finding built, by the values and readings of ``facts`` (bounded, filled as met:
    see ``_Caches.outcomes_kept``)."""
    decisions: dict[tuple[object, ...], tuple[str, tuple[str, ...]]] | None = None
    """``_outcome`` by the values of ``facts``, when each of them has only a few possible
    values (true or false, a choice; or not given), filled as met: the summary path then
    decides such a rule (a planned pregnancy, the disease activity) by one lookup. None when
    a fact is a number."""


_Finding = FiredFinding | NotEvaluated | NotFired

_Outcome = tuple[str, _Finding]
"""What became of a rule (``_FIRED`` …) and the finding built for it."""

_FactKey = tuple[tuple[object, "str | None"], ...]
"""The value and the reading (how it was written) of each fact a condition names."""


@dataclass(frozen=True, eq=False, repr=False)  # internal: no generated methods to compile
class _PairWashout:
    """The washout window of a switch without the gap: bounds, wording and provenance."""

    low: Bound | None
    high: Bound | None
    window: str
    basis: str
    evidence: tuple[str, ...]
    layer: Layer
    origin: str
    notes: tuple[str, ...]
    placed: dict[tuple[type, float | str], Washout] = field(default_factory=dict)
    """The window with a gap placed in it, by the gap (bounded: ``_GAPS_PER_PAIR``)."""


_GAPS_PER_PAIR = 16
"""Placed washouts kept per pair: gaps given to the day rarely repeat, so a few ('not
given' first) are kept; more only grew memory with the number of records."""


@dataclass(frozen=True, eq=False, repr=False)  # internal: no generated methods to compile
class _Pair:
    """Everything about a switch that depends only on its two drugs, not on the facts."""

    rules: tuple[_PairRule, ...]
    superseded: tuple[Superseded, ...]
    superseding: Mapping[str, tuple[str, ...]]
    """Each superseded finding → the findings that replace it, in layer order."""
    pathway_names: tuple[str, ...]
    summary: tuple[str, ...]
    washout: _PairWashout | None
    alternatives: tuple[Alternative, ...]
    figures: tuple[Figure, ...]
    disclaimer: str
    evidence: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[EvidenceOut, ...]] = field(
        default_factory=dict, compare=False)
    """The evidence list by the ids fired and not evaluated (bounded, filled as met)."""
    conditional: tuple[_PairRule, ...] = ()
    """The rules whose outcome depends on the facts (the others are ``fixed``)."""
    context: _Context | None = None
    """The pair's context without patient facts: the drugs' figures and wording."""
    figure_values: Mapping[str, Value | None] = field(default_factory=dict)
    """The drug figures the conditional rules name, by name, as ``context.lookup`` gives
    them (they depend on the drugs only)."""
    washout_frame: Callable[..., str] | None = None
    """A summary's washout as one-line JSON with the pair's window written once
    (``jsonout.frame`` of ``SummaryWashout``): the position and the gap are written per
    record."""
    layouts: dict[tuple[str, ...], _Layout] = field(default_factory=dict)
    """Where an assessment's findings go, by the outcomes of the conditional rules (bounded:
    ``_LAYOUTS_PER_PAIR``, filled as met)."""
    summaries: dict[tuple[tuple[str, tuple[str, ...]], ...], _SummaryParts] = field(
        default_factory=dict)
    """A summary's findings by the outcomes of the conditional rules (bounded, filled as
    met): a handful of outcome patterns cover every record of a pair."""


@dataclass(frozen=True, eq=False, repr=False)  # internal: no generated methods to compile
class _Findings:
    """What an assessment says about findings, for one pattern of outcomes."""

    fired: tuple[FiredFinding, ...]
    not_evaluated: tuple[NotEvaluated, ...]
    not_fired: tuple[NotFired, ...]
    superseded: tuple[Superseded, ...]
    verdict: Severity
    worst: Severity
    evidence: tuple[EvidenceOut, ...]


_F = TypeVar("_F", FiredFinding, NotEvaluated, NotFired)


@dataclass(frozen=True, eq=False, repr=False)  # internal: no generated methods to compile
class _Slots(Generic[_F]):
    """One findings list of a layout: the fixed findings in place, None where a conditional
    rule's finding goes, and for each such place the rule's index among the conditional."""

    template: tuple[_F | None, ...]
    slots: tuple[tuple[int, int], ...]


@dataclass(frozen=True, eq=False, repr=False)  # internal: no generated methods to compile
class _Layout:
    """Where an assessment's findings go for one pattern of outcomes, with what follows
    from the pattern alone (the verdict, superseded findings, the evidence list)."""

    fired: _Slots[FiredFinding]
    not_evaluated: _Slots[NotEvaluated]
    not_fired: _Slots[NotFired]
    superseded: tuple[Superseded, ...]
    verdict: Severity
    worst: Severity
    evidence: tuple[EvidenceOut, ...]


@dataclass(frozen=True, eq=False, repr=False)  # internal: no generated methods to compile
class _SummaryParts:
    """What a summary record says about findings, for one pattern of outcomes."""

    fired: tuple[SummaryFinding, ...]
    not_evaluated: tuple[SummaryNotEvaluated, ...]
    verdict: Severity
    worst: Severity
    frames: dict[bool, Callable[..., str]] = field(default_factory=dict)
    """The summary's one-line JSON with what this pattern fixes written once, by whether the
    rule base is stale (``_summary_frame``)."""


_FRAMED = ("schema_version", "detail", "tool_version", "rulebase", "switch", "verdict",
           "worst_possible", "findings", "not_evaluated")
"""A summary's fields that the rule base, the pair, the pattern of outcomes and staleness
fix; the others (id, input, washout, facts) are written for each record."""


_SUMMARIES_PER_PAIR = 256


@dataclass(eq=False, repr=False)
class _Caches:
    """The engine's caches for one RuleBase object (in its ``cache``)."""

    owner: weakref.ref[RuleBase]
    pairs: dict[tuple[str, str], _Pair] = field(default_factory=dict)
    evidence: dict[str, EvidenceOut] = field(default_factory=dict)
    """Each evidence entry, validated once (citations empty)."""
    cited: dict[tuple[str, tuple[str, ...], tuple[str, ...]], EvidenceOut] = field(
        default_factory=dict)
    """Evidence entries with their citing findings (bounded by ``_EVIDENCE_CACHE_SIZE``)."""
    rulebase_info: dict[bool, RuleBaseInfo] = field(default_factory=dict)
    """The rule base's output record, stale or not."""
    rulebase_info_on: dict[dt.date, RuleBaseInfo] = field(default_factory=dict)
    """The rule base's output record by assessment date (a batch has one or a few)."""
    switches: dict[tuple[str, str, str, str, str, str], SwitchInfo] = field(
        default_factory=dict)
    """Each switch's output record, by the drugs and the names as given (bounded)."""
    readings: dict[tuple[str, type, object, str | None], tuple[FactReading, str]] = field(
        default_factory=dict)
    """Each fact reading met, with its one-line JSON, by fact, value and how it was read
    (bounded)."""
    outcomes_kept: int = 0
    """Findings kept in the pair rules' ``outcomes``, all pairs together (bounded by
    ``_OUTCOMES_KEPT``)."""
    outcomes_seen: set[int] = field(default_factory=set)
    """Fact keys met once (bounded): a finding is kept when its key comes a second time, so
    that one-off values (a count given to the cell) do not fill the room frequent ones need."""


def _caches(rulebase: RuleBase) -> _Caches:
    """This rule base's engine caches. A copy made with ``dataclasses.replace`` shares the
    ``cache`` dict but not these: they belong to the object they were built from."""
    caches = rulebase.cache.get("engine")
    if not isinstance(caches, _Caches) or caches.owner() is not rulebase:
        caches = rulebase.cache["engine"] = _Caches(owner=weakref.ref(rulebase))
    return caches


def _pair(rulebase: RuleBase, from_drug: Drug, to_drug: Drug) -> _Pair:
    """The pair's composed rules and fixed parts, computed once per rule base and pair.

    One entry per ordered pair of the rule base's drugs, so bounded by the rule base, not by
    the number of switches assessed. The output models kept here are frozen and shared
    between assessments. Drugs that are not the rule base's own objects are never cached.
    """
    if rulebase.drugs.get(from_drug.id) is not from_drug \
            or rulebase.drugs.get(to_drug.id) is not to_drug:
        return _build_pair(rulebase, from_drug, to_drug)
    pairs = _caches(rulebase).pairs
    key = (from_drug.id, to_drug.id)
    pair = pairs.get(key)
    if pair is None:
        pair = pairs[key] = _build_pair(rulebase, from_drug, to_drug)
    return pair


def _build_pair(rulebase: RuleBase, from_drug: Drug, to_drug: Drug) -> _Pair:
    context = _Context(from_drug, to_drug, Facts(), rulebase.classes)
    layers = _compose(rulebase, from_drug, to_drug)
    rules = [rule for _, rules in layers for rule in rules]
    superseding: dict[str, list[str]] = {}
    for rule in rules:
        for target in rule.finding.supersedes:
            superseding.setdefault(target, []).append(rule.finding.id)
    kept: list[_PairRule] = []
    superseded: list[Superseded] = []
    for rule in rules:
        finding = rule.finding
        if finding.id in superseding:
            superseded.append(Superseded(id=finding.id, title=finding.title, layer=rule.layer,
                                         by=superseding[finding.id][0]))
            continue
        missing = tuple(context.missing_templates(finding.message))
        facts = tuple(name for name in rule.condition.fact_names if name in PATIENT_FACTS) \
            if rule.condition is not None else ()
        pair_rule = _PairRule(
            rule=rule,
            common=_Common(id=finding.id, severity=finding.severity, title=finding.title,
                           layer=rule.layer, origin=rule.origin),
            missing=missing,
            message=None if missing else context.message(finding.message),
            condition=render(rule.condition.root) if rule.condition is not None else None,
            facts=facts,
            decisions={} if all(PATIENT_FACTS[name].type is not FactType.NUMBER
                                for name in facts) else None,
        )
        if rule.condition is None:
            fixed = _build_finding(pair_rule, context)[1]
            assert not isinstance(fixed, NotFired), "a rule without a condition always fires"
            pair_rule = dataclasses.replace(pair_rule, fixed=fixed)
        kept.append(pair_rule)
    pathways = [pathway for pathway, _ in layers if pathway is not None]
    conditional = tuple(rule for rule in kept if rule.fixed is None)
    washout = _pair_washout(pathways, context)
    return _Pair(
        rules=tuple(kept),
        superseded=tuple(superseded),
        superseding={target: tuple(ids) for target, ids in superseding.items()},
        pathway_names=tuple(_pathway_name(pathway) for pathway in pathways),
        summary=tuple(_summary(pathway, context) for pathway in pathways),
        washout=washout,
        alternatives=tuple(_alternatives(rulebase, pathways, to_drug)),
        figures=tuple(_figures(from_drug)),
        disclaimer=" ".join(rulebase.meta.disclaimer.split()),
        conditional=conditional,
        context=context,
        figure_values={name: context.lookup(name) for pair_rule in conditional
                       for name in pair_rule.rule.condition.fact_names  # type: ignore[union-attr]
                       if name not in PATIENT_FACTS},
        washout_frame=None if washout is None else jsonout.frame(
            SummaryWashout, {"window": washout.window}),
    )


def rulebase_stale(reviewed: dt.date, on: dt.date | None) -> bool:
    """True when the review date is more than 12 calendar months before ``on``."""
    if on is None:
        return False
    return (on.year - 1, on.month, on.day) > (reviewed.year, reviewed.month, reviewed.day)


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
        given = {name: facts.value(name) for name in facts.given()}
    else:
        given = {**(facts or {}), **fact_values}  # type: ignore[dict-item]
    for name, value in given.items():
        if isinstance(value, str | bool | int | float):
            record[name] = value
    return record


def _superseded_by(item: Superseded, superseding: Sequence[str],
                   fired_ids: set[str]) -> Superseded:
    """The superseded entry naming the superseding finding that fired, if any."""
    by = next((by for by in superseding if by in fired_ids), item.by)
    return item if by == item.by else dataclasses.replace(item, by=by)


def _rank(severity: Severity) -> int:
    return severity.rank


class _HasSeverity(Protocol):
    @property
    def severity(self) -> Severity: ...


_Fired = TypeVar("_Fired", bound=_HasSeverity)
_Pending = TypeVar("_Pending", bound=_HasSeverity)


def _rank_findings(fired: list[_Fired], not_evaluated: list[_Pending],
                   ) -> tuple[Severity, Severity]:
    """Sort both lists most severe first (within a level the layer order, specific before
    general, stays) and give the verdict and the worst severity still possible."""
    fired.sort(key=lambda item: -item.severity.rank)
    not_evaluated.sort(key=lambda item: -item.severity.rank)
    verdict = max((item.severity for item in fired), key=_rank, default=Severity.INFO)
    worst = max([verdict, *(item.severity for item in not_evaluated)], key=_rank)
    return verdict, worst



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


_FIRED, _NOT_FIRED, _PENDING, _NO_FIGURE = "fired", "not-fired", "pending", "no-figure"
"""What became of a rule: fired, did not fire, not evaluated for want of facts, or not
evaluated because its message quotes a figure the drug does not have."""


def _outcome(pair_rule: _PairRule, lookup: FactLookup) -> tuple[str, tuple[str, ...]]:
    """The one decision about a rule, and the facts a pending one needs: what both the full
    assessment (``_decide``) and the summary rest on. ``lookup`` gives a fact's value by
    name, the patient's or a drug figure (``_Context.lookup``, or ``_summary_values``)."""
    condition = pair_rule.rule.condition
    # A message that would quote a figure this drug does not have is never printed with a
    # gap in it: unless its condition is false or itself undecided, the finding is not
    # evaluated, and says which figure is missing.
    if pair_rule.missing and (condition is None
                              or decide(condition, lookup)[0] is True):
        return _NO_FIGURE, ()
    if condition is None:
        return _FIRED, ()
    result, missing = decide(condition, lookup)
    if result is None:
        return _PENDING, missing
    return (_FIRED if result else _NOT_FIRED), ()


def _decide(pair_rule: _PairRule, context: _Context) -> tuple[str, Evaluation | None]:
    """``_outcome``, with the evaluation whose trace and wording the full assessment shows
    (worked out only when read)."""
    outcome, _ = _outcome(pair_rule, context.lookup)
    condition = pair_rule.rule.condition
    if outcome is _NO_FIGURE or condition is None:
        return outcome, None
    return outcome, evaluate(condition, context.lookup, context.describe,
                             label=context.label, unknown=context.unknown)


def _reused_finding(pair_rule: _PairRule, context: _Context,
                    caches: _Caches | None) -> _Outcome:
    """What became of a conditional rule, and its finding; with ``caches``, a finding may be
    kept for reuse (then shared, frozen, and alive as long as the pair).

    The finding depends only on the pair and on the values (and readings) of the patient
    facts the condition names: a finding met before with the same ones is reused."""
    if caches is None:
        return _build_finding(pair_rule, context)
    facts = context.facts
    read_as = facts.read_as
    key = tuple([(getattr(facts, name), read_as.get(name)) for name in pair_rule.facts])
    known = pair_rule.outcomes.get(key)
    if known is not None:
        return known
    outcome, finding = _build_finding(pair_rule, context)
    seen = caches.outcomes_seen
    owned = hash((id(pair_rule), key))  # a collision only keeps a finding early
    if owned not in seen:  # met once: kept if it comes again
        if len(seen) >= _OUTCOMES_SEEN:
            seen.clear()
        if _plain(key):
            seen.add(owned)
    elif caches.outcomes_kept < _OUTCOMES_KEPT:
        pair_rule.outcomes[key] = (outcome, finding)
        caches.outcomes_kept += 1
    return outcome, finding


_OUTCOMES_KEPT = 2048
"""Findings kept for reuse, all pairs together: bounded, so memory stays flat."""

_OUTCOMES_SEEN = 16_384
"""Fact keys remembered as met once (cleared when full)."""

_LAYOUTS_PER_PAIR = 256
"""Layouts kept per pair (one per pattern of outcomes met): bounded."""



def _plain(key: _FactKey) -> bool:
    """Whether equal keys are sure to give the same words: not for a number without a
    reading that is zero (-0.0 equals 0.0 but is written "-0") or not equal to itself."""
    for value, read in key:
        if read is None and type(value) is float and (value == 0 or value != value):
            return False
    return True


def _build_finding(pair_rule: _PairRule, context: _Context) -> _Outcome:
    """The finding for this switch's facts, and its outcome. Output dataclasses are built
    without validation: every value here is already of the field's type (validated
    rule-base data, strings, enums)."""
    outcome, evaluation = _decide(pair_rule, context)
    finding = pair_rule.rule.finding
    common = pair_rule.common
    if outcome is _NO_FIGURE:
        reasons = _no_figure_reasons(pair_rule, context)
        return outcome, NotEvaluated(
            **common,
            condition=pair_rule.condition if pair_rule.condition is not None else "always",
            needs=list(pair_rule.missing), options=[f"none: {reason}" for reason in reasons],
            decides=f"needs a verified figure: {'; '.join(reasons)}",
            trace=[TraceStep(text=reason, result=None) for reason in reasons],
            evidence=list(finding.evidence),
            counter_evidence=list(finding.counter_evidence))
    message = pair_rule.message
    if evaluation is None:  # fired, with no condition
        assert message is not None, "a message with a missing figure is not evaluated above"
        return outcome, FiredFinding(
            **common, message=message, condition=None,
            trace=[TraceStep(text="always applies to this switch", result=True)],
            evidence=list(finding.evidence), counter_evidence=list(finding.counter_evidence))
    trace = [TraceStep(text=step.text, result=step.result) for step in evaluation.trace]
    condition = pair_rule.condition
    assert condition is not None
    if outcome is _FIRED:
        assert message is not None, "a message with a missing figure is not evaluated above"
        return outcome, FiredFinding(
            **common, message=message, condition=condition,
            trace=trace, evidence=list(finding.evidence),
            counter_evidence=list(finding.counter_evidence))
    if outcome is _NOT_FIRED:
        return outcome, NotFired(**common, condition=condition, trace=trace)
    return outcome, NotEvaluated(
        **common, condition=condition, needs=list(evaluation.missing),
        options=_options(evaluation.missing, context),
        decides=f"fires if {evaluation.decides}", trace=trace,
        evidence=list(finding.evidence), counter_evidence=list(finding.counter_evidence))


def _no_figure_reasons(pair_rule: _PairRule, context: _Context) -> list[str]:
    return [context.missing_figure(name) for name in pair_rule.missing]


def _options(missing: Sequence[str], context: _Context) -> list[str]:
    options: list[str] = []
    for name in missing:
        spec = PATIENT_FACTS.get(name)
        if spec is not None and spec.option:
            option = spec.option
            if name == "weeks_since_stop":
                option = "--weeks-since-stop (or --stopped)"
            elif name == "pregnancy_planned":
                option = "--pregnancy-planned / --no-pregnancy-planned"
        else:
            option = f"none: {context.missing_figure(name)}"
        if option not in options:
            options.append(option)
    return options


# ------------------------------------------------------------------------------ washout


def _pair_washout(pathways: Sequence[PathwayRules], context: _Context) -> _PairWashout | None:
    chosen = next((pathway for pathway in pathways if pathway.pathway.washout), None)
    if chosen is None:
        return None
    spec = chosen.pathway.washout
    assert spec is not None
    notes: list[str] = []
    low, low_duration = _bound(spec.min, context, notes)
    high, high_duration = _bound(spec.max, context, notes)
    return _PairWashout(low=low, high=high,
                        window=_window_text(low, high, low_duration, high_duration),
                        basis=context.message(spec.basis), evidence=tuple(spec.evidence),
                        layer=chosen.layer, origin=_pathway_name(chosen), notes=tuple(notes))


def _washout(pair: _PairWashout | None, context: _Context) -> Washout | None:
    if pair is None:
        return None
    weeks = context.facts.weeks_since_stop
    key = (type(weeks), weeks if weeks else repr(weeks))  # -0.0 == 0.0, written "-0"
    washout = pair.placed.get(key)
    if washout is None:
        position, explanation = _position(weeks, pair.low, pair.high)
        if pair.notes:
            explanation = f"{explanation}; {'; '.join(pair.notes)}"
        washout = Washout(min=pair.low, max=pair.high, window=pair.window, basis=pair.basis,
                          evidence=list(pair.evidence), layer=pair.layer, origin=pair.origin,
                          weeks_since_stop=weeks, position=position, explanation=explanation)
        if len(pair.placed) < _GAPS_PER_PAIR:  # frozen, so shared between assessments
            pair.placed[key] = washout
    return washout


def _bound(value: Duration | dict[str, Duration] | str | None, context: _Context,
           notes: list[str]) -> tuple[Bound | None, Duration | None]:
    """A washout bound for this switch, with the duration it was written as."""
    if value is None:
        return None, None
    if isinstance(value, Duration):
        return Bound(weeks=value.weeks, text=value.text), value
    drug = context.drugs["from"]
    if isinstance(value, dict):
        duration = value.get(drug.id)
        if duration is None:
            notes.append(f"no evidence on gap length after {drug.name}, so this bound is "
                         "not set for it (see the basis)")
            return None, None
        return Bound(weeks=duration.weeks, text=duration.text), duration
    side, figure, _ = value.split(".")
    upper = context.upper(value)
    source = f"{context.drugs[side].name}'s {FIGURE_WORDS[figure]}"
    if upper is not None:
        return Bound(weeks=upper.time.weeks, text=upper.time.text, source=source), upper.time
    return Bound(weeks=None, text=context.missing_figure(value), source=source), None


def _window_text(low: Bound | None, high: Bound | None, low_duration: Duration | None,
                 high_duration: Duration | None) -> str:
    """The window in its source's unit, with weeks beside: "1–2 months (4.3–8.7 weeks)"."""
    if low_duration and high_duration:
        units = {low_duration.unit, high_duration.unit}
        text = timeunits.span_text((low_duration.number, low_duration.unit),
                                   (high_duration.number, high_duration.unit))
        text = timeunits.weeks_beside(text, [low_duration.weeks, high_duration.weeks],
                                      "week" if units == {"week"} else "other")
    elif high_duration:
        text = "up to " + timeunits.weeks_beside(high_duration.text, [high_duration.weeks],
                                                 high_duration.unit)
    elif low_duration:
        text = "at least " + timeunits.weeks_beside(low_duration.text, [low_duration.weeks],
                                                    low_duration.unit)
    else:
        text = "no fixed window (see the basis)"
    undecided = [bound.text for bound in (low, high) if bound is not None and bound.weeks is None]
    if undecided:
        text = f"{text}; {'; '.join(undecided)}"
    sources = list(dict.fromkeys(bound.source for bound in (low, high)
                                 if bound and bound.source and bound.weeks is not None))
    return f"{text} ({'; '.join(sources)})" if sources else text


def _place(weeks: float | None, low: Bound | None, high: Bound | None) -> WashoutPosition:
    """Where a gap stands in a washout window (the summary needs no more)."""
    if weeks is None or (low is None and high is None):
        return WashoutPosition.UNKNOWN
    if low is not None and low.weeks is not None and weeks < low.weeks:
        return WashoutPosition.TOO_EARLY
    if high is not None and high.weeks is not None and weeks > high.weeks:
        return WashoutPosition.LATE
    if (low is not None and low.weeks is None) or (high is not None and high.weeks is None):
        return WashoutPosition.UNKNOWN  # a bound without a verified figure
    return WashoutPosition.WITHIN


def _position(weeks: float | None, low: Bound | None,
              high: Bound | None) -> tuple[WashoutPosition, str]:
    """``_place``, with why, in words."""
    place = _place(weeks, low, high)
    if low is None and high is None:
        return place, "the evidence gives no fixed window for this switch"
    if weeks is None:
        return place, "give --weeks-since-stop or --stopped to place the gap in the window"
    gap = f"{format_weeks(weeks)} weeks since stopping"
    if place is WashoutPosition.TOO_EARLY:
        assert low is not None and low.weeks is not None
        return place, f"{gap} < {format_weeks(low.weeks)} weeks ({low.text}): too early"
    if place is WashoutPosition.LATE:
        assert high is not None and high.weeks is not None
        return place, f"{gap} > {format_weeks(high.weeks)} weeks ({high.text}): late"
    if place is WashoutPosition.UNKNOWN:
        undecided = [bound for bound in (low, high) if bound is not None and bound.weeks is None]
        return place, f"{gap}; {undecided[0].text}"
    return place, f"{gap}: within the window"


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
    """The stopping drug's figures, each with what it measures and what statistic it is."""
    figures = []
    for figure in drug.after_stopping.figures:
        is_range = figure.statistic is Statistic.RANGE
        figures.append(Figure(
            name=figure.name, drug=drug.id, measure=figure.measure.value,
            statistic=figure.statistic.value, weeks=figure.time.weeks,
            low_weeks=figure.low.weeks if is_range and figure.low is not None else None,
            share=figure.share, text=figure.describe(), evidence=list(figure.evidence),
            note=" ".join(figure.note.split()) if figure.note else None,
        ))
    return figures



def _pair_evidence(rulebase: RuleBase, pair: _Pair, fired: Sequence[FiredFinding],
                   not_evaluated: Sequence[NotEvaluated]) -> list[EvidenceOut]:
    """The evidence list of an assessment: it depends only on the pair and on which findings
    fired or were not evaluated, so it is worked out once per such outcome."""
    key = (tuple(item.id for item in fired), tuple(item.id for item in not_evaluated))
    entries = pair.evidence.get(key)
    if entries is None:
        entries = _evidence(rulebase, pair, fired, not_evaluated)
        if len(pair.evidence) < _OUTCOMES_PER_PAIR:
            pair.evidence[key] = entries
    return list(entries)


_OUTCOMES_PER_PAIR = 256
"""Evidence lists kept per pair (one per set of findings fired / not evaluated): bounded."""


def _cited(pair: _Pair, fired: Iterable[FiredFinding],
           not_evaluated: Iterable[NotEvaluated]) -> list[str]:
    ordered: dict[str, None] = {}
    cited: list[FiredFinding | NotEvaluated] = [*fired, *not_evaluated]
    for item in cited:
        for ref in [*item.evidence, *item.counter_evidence]:
            ordered.setdefault(ref)
    for ref in pair.washout.evidence if pair.washout else []:
        ordered.setdefault(ref)
    for group in [*(a.evidence for a in pair.alternatives), *(f.evidence for f in pair.figures)]:
        for ref in group:
            ordered.setdefault(ref)
    return list(ordered)


def _evidence(rulebase: RuleBase, pair: _Pair, fired: Sequence[FiredFinding],
              not_evaluated: Sequence[NotEvaluated]) -> tuple[EvidenceOut, ...]:
    support: dict[str, list[str]] = {}
    against: dict[str, list[str]] = {}
    cited: list[FiredFinding | NotEvaluated] = [*fired, *not_evaluated]
    for item in cited:
        for ref in item.evidence:
            support.setdefault(ref, []).append(item.id)
        for ref in item.counter_evidence:
            against.setdefault(ref, []).append(item.id)
    for ref in pair.washout.evidence if pair.washout else []:
        support.setdefault(ref, []).append("washout")
    caches = _caches(rulebase)
    templates, shared = caches.evidence, caches.cited
    result = []
    for ref in _cited(pair, fired, not_evaluated):
        cited_for, cited_against = support.get(ref, []), against.get(ref, [])
        key = (ref, tuple(cited_for), tuple(cited_against))
        out = shared.get(key)
        if out is not None:
            result.append(out)
            continue
        template = templates.get(ref)
        if template is None:
            entry = rulebase.evidence[ref]
            template = templates[ref] = EvidenceOut(
                id=entry.id, kind=entry.kind, authors=entry.authors, title=entry.title,
                source=entry.source, year=entry.year, doi=entry.doi, pmid=entry.pmid,
                url=entry.url, section=entry.section, holder=entry.holder,
                version=entry.version, n=entry.n, n_note=entry.n_note,
                finding=" ".join(entry.finding.split()), cited_for=[], cited_against=[])
        out = dataclasses.replace(template, cited_for=cited_for, cited_against=cited_against)
        if len(shared) < _EVIDENCE_CACHE_SIZE:  # frozen, so shared between assessments
            shared[key] = out
        result.append(out)
    return tuple(result)


_EVIDENCE_CACHE_SIZE = 4_096
"""Evidence entries kept per (entry, citing findings): bounded, so memory stays flat."""


def _rulebase_info(rulebase: RuleBase, caches: _Caches, stale: bool) -> RuleBaseInfo:
    info = caches.rulebase_info.get(stale)
    if info is None:
        meta = rulebase.meta
        info = caches.rulebase_info[stale] = RuleBaseInfo(
            id=meta.id, version=meta.version, reviewed=meta.reviewed.isoformat(),
            sha256=rulebase.sha256, stale=stale)
    return info


def _rulebase_info_on(rulebase: RuleBase, caches: _Caches, on: dt.date) -> RuleBaseInfo:
    """The rule base's output record for an assessment date, kept by the date."""
    info = _rulebase_info(rulebase, caches, rulebase_stale(rulebase.meta.reviewed, on))
    if len(caches.rulebase_info_on) >= _DATES_KEPT:
        caches.rulebase_info_on.clear()
    caches.rulebase_info_on[on] = info
    return info


_DATES_KEPT = 400
"""Assessment dates whose rule-base record is kept (records may each give their own)."""


def _switch_info(rulebase: RuleBase, caches: _Caches, pair: _Pair,
                 switch: Switch) -> SwitchInfo:
    """The switch's output record, shared by every assessment of the same names as given."""
    from_, to = switch.from_, switch.to
    own = (rulebase.drugs.get(from_.drug.id) is from_.drug
           and rulebase.drugs.get(to.drug.id) is to.drug)
    key = (from_.drug.id, from_.matched, from_.matched_as, to.drug.id, to.matched,
           to.matched_as)
    info = caches.switches.get(key) if own else None
    if info is None:
        info = SwitchInfo(from_=_drug_ref(rulebase, from_), to=_drug_ref(rulebase, to),
                          pathways=list(pair.pathway_names))
        if own and len(caches.switches) < _SWITCH_CACHE_SIZE:
            caches.switches[key] = info
    return info


_SWITCH_CACHE_SIZE = 4_096
"""Switch records kept (by drugs and names as given): bounded, so memory stays flat."""


def _drug_ref(rulebase: RuleBase, resolved: Resolved) -> DrugRef:
    drug = resolved.drug
    drug_class = rulebase.classes.get(drug.class_)
    return DrugRef(id=drug.id, name=drug.name, drug_class=drug.class_,
                   class_name=drug_class.name if drug_class else drug.class_,
                   input=resolved.matched,
                   matched_as=resolved.matched_as,
                   off_label=drug.off_label)


def _readings(facts: Facts, caches: _Caches) -> list[FactReading]:
    """How each fact given (or defaulted) was read; a reading met before is shared."""
    return [reading for reading, _ in _reading_entries(facts, caches)]


def _readings_text(facts: Facts, caches: _Caches) -> str:
    """``_readings`` as one-line JSON (what ``compact`` writes for the list)."""
    return "[" + ",".join([text for _, text in _reading_entries(facts, caches)]) + "]"


def _reading_entries(facts: Facts, caches: _Caches) -> list[tuple[FactReading, str]]:
    """Each fact given (or defaulted), as read, with its one-line JSON; a reading met
    before is shared, its text written once."""
    entries = []
    shared = caches.readings
    state, read_as = facts.__dict__, facts.read_as
    for name in _FACT_NAMES:
        value = state[name]
        if value is None:
            continue
        read = read_as.get(name)
        # -0.0 == 0.0 but is written "-0"; a fact read from nothing is the default
        key = (name, type(value), value if value else repr(value), read)
        entry = shared.get(key)
        if entry is None:
            default = facts.is_default(name)
            reading = FactReading(
                name=name, value=float(value) if type(value) is int else value,
                unit=PATIENT_FACTS[name].unit, read_as=describe_value(name, value, facts),
                source="default" if default else "given")
            if len(shared) >= _READINGS_CACHE_SIZE:  # the values met change: start again
                shared.clear()
            entry = shared[key] = (reading, compact(reading))
        entries.append(entry)
    return entries


_FACT_NAMES = tuple(PATIENT_FACTS)
_READINGS_CACHE_SIZE = 4_096
"""Fact readings kept (by fact, value and how it was written): bounded, emptied when full
(lab values repeat: two decimals, whole cells/µL, whole weeks or days)."""


__all__ = ["Switch", "assess", "assess_summary", "name_index"]

"""The engine's per-pair entry point, for many assessments of the same switches (batch mode).

``prepare(rulebase, from_id, to_id)`` computes once everything that depends only on the pair —
the composed layers, supersession, pathway summaries, messages, rendered conditions, figures,
alternatives, the washout window, and the rule-base info — by running ``engine.assess`` once
with no facts and keeping its pair-level parts. Per record, only the conditions are evaluated
and the rest is reused:

- ``summary`` / ``summary_line``: the Summary record as a dict / as one JSON line, with the
  conditions compiled to closures (``compile_fast``) and the line written from fragments
  serialised once per pair;
- ``full`` / ``full_json``: the full Assessment as a model / as one JSON line, the line written
  from per-pair fragments cut around what the facts change, and the evidence list built and
  serialised once per set of cited findings.

The result is the same as ``engine.assess`` for the same input, field for field and byte for
byte (``tests/test_batch.py`` checks it over every ordered pair of the shipped rule base).
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from switchadvisor.assessment import (
    Assessment,
    DrugRef,
    EvidenceOut,
    FiredFinding,
    InputValue,
    NotEvaluated,
    NotFired,
    SwitchInfo,
    TraceStep,
    WashoutPosition,
)
from switchadvisor.conditions import (
    And,
    Compare,
    Const,
    FactIsTrue,
    Literal_,
    Member,
    Name,
    Node,
    Not,
    Or,
    Value,
    evaluate,
    render,
)
from switchadvisor.engine import (  # the engine's own helpers, so both paths share them
    Switch,
    _cited,
    _compose,
    _Context,
    _drug_ref,
    _evidence,
    _options,
    _position,
    _rank,
    _readings,
    assess,
)
from switchadvisor.facts import PATIENT_FACTS, Facts, describe_value
from switchadvisor.names import Resolved
from switchadvisor.rulebase import CONDITION_FACTS, Rule, RuleBase, Severity

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _make_dumps() -> Callable[[Any], str]:
    """The encoder above, its C scanner built once rather than on every call."""
    c_make_encoder = getattr(json.encoder, "c_make_encoder", None)
    if c_make_encoder is None:  # pragma: no cover - pure-Python json
        return _ENCODER.encode
    scanner = c_make_encoder(None, _ENCODER.default, json.encoder.encode_basestring, None,
                             ":", ",", False, False, False)

    def encode(value: Any) -> str:
        return "".join(scanner(value, 0))
    return encode


dumps = _make_dumps()
"""One compact JSON line: UTF-8 text kept, no spaces (as ``model_dump_json`` writes)."""

_ALWAYS = [TraceStep(text="always applies to this switch", result=True)]
_CACHE_LIMIT = 256
_EVIDENCE_LIMIT = 32
"""Evidence lists kept per pair (each up to tens of KB): bounds memory whatever the input."""


# ------------------------------------------------------------------ compiled conditions

Truth = bool | None
Environment = Mapping[str, Value | None]
Compiled = Callable[[Environment], tuple[Truth, tuple[str, ...]]]
"""A condition as a closure: (three-valued result, facts missing to decide it).

Gives exactly what ``conditions.evaluate`` gives for ``result`` and ``missing`` (Kleene
logic; the missing facts are those left in the residual condition, in order), without
rendering the trace; the full record still uses ``evaluate`` for the trace in words.
"""

_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge,
}
_NOTHING: tuple[str, ...] = ()


def compile_fast(node: Node) -> Compiled:
    """Compile a condition's AST into a closure over an environment of fact values."""
    if isinstance(node, Const):
        constant = (node.value, _NOTHING)
        return lambda env: constant
    if isinstance(node, Compare):
        return _compile_compare(node)
    if isinstance(node, Member):
        choices = frozenset(choice.value for choice in node.choices)
        negated = node.negated
        if isinstance(node.subject, Literal_):
            fixed = (node.subject.value in choices) != negated
            return lambda env: (fixed, _NOTHING)
        subject = node.subject.name
        missing = (subject,)

        def member(env: Environment) -> tuple[Truth, tuple[str, ...]]:
            value = env.get(subject)
            return (None, missing) if value is None else ((value in choices) != negated,
                                                          _NOTHING)
        return member
    if isinstance(node, FactIsTrue):
        name = node.name.name
        missing_name = (name,)

        def is_true(env: Environment) -> tuple[Truth, tuple[str, ...]]:
            value = env.get(name)
            return (None, missing_name) if value is None else (bool(value), _NOTHING)
        return is_true
    if isinstance(node, Not):
        inner = compile_fast(node.operand)

        def negate(env: Environment) -> tuple[Truth, tuple[str, ...]]:
            result, missing = inner(env)
            return (None, missing) if result is None else (not result, _NOTHING)
        return negate
    operands = tuple(compile_fast(operand) for operand in node.operands)
    absorbing = isinstance(node, Or)  # true absorbs an 'or', false absorbs an 'and'

    def combine(env: Environment) -> tuple[Truth, tuple[str, ...]]:
        unknown: list[str] = []
        decided = False
        for operand in operands:
            result, missing = operand(env)
            if result is None:
                unknown.extend(missing)
            elif result is absorbing:
                decided = True
        if decided:
            return absorbing, _NOTHING
        if unknown:
            return None, tuple(dict.fromkeys(unknown))
        return not absorbing, _NOTHING
    assert isinstance(node, And | Or)
    return combine


def _compile_compare(node: Compare) -> Compiled:
    compare = _OPERATORS[node.op]
    left, right = node.left, node.right
    if isinstance(left, Name) and isinstance(right, Literal_):
        name, constant = left.name, right.value
        missing = (name,)

        def name_literal(env: Environment) -> tuple[Truth, tuple[str, ...]]:
            value = env.get(name)
            return (None, missing) if value is None else (compare(value, constant), _NOTHING)
        return name_literal

    def general(env: Environment) -> tuple[Truth, tuple[str, ...]]:
        values = [operand.value if isinstance(operand, Literal_) else env.get(operand.name)
                  for operand in (left, right)]
        if values[0] is None or values[1] is None:
            return None, tuple(operand.name for operand, value in zip((left, right), values,
                                                                      strict=True)
                               if isinstance(operand, Name) and value is None)
        return compare(values[0], values[1]), _NOTHING
    return general


@dataclass(frozen=True)
class _RuleParts:
    """What a rule contributes that depends only on the pair."""

    rule: Rule
    common: dict[str, Any]
    message: str
    condition: str | None
    summary: dict[str, Any]
    compiled: Compiled | None
    rank: int
    summary_json: str


@dataclass
class PreparedSwitch:
    """Everything about one (from, to) pair that does not depend on the facts."""

    rulebase: RuleBase
    from_: Resolved
    to: Resolved
    template: Assessment
    """``assess`` with no facts: the source of every pair-level field."""
    parts: list[_RuleParts]
    rulebase_data: dict[str, Any]
    switch_data: dict[str, str]
    figures: dict[str, Value | None]
    """The two drugs' figures that conditions may name (``from.elimination.max`` …)."""
    _evidence_json: dict[tuple[tuple[str, ...], tuple[str, ...]], str] = field(
        default_factory=dict)
    _options: dict[tuple[str, ...], list[str]] = field(default_factory=dict)
    _refs: dict[tuple[str, str], DrugRef] = field(default_factory=dict)
    _unknown_json: dict[tuple[str, tuple[str, ...]], str] = field(default_factory=dict)
    _switches: dict[tuple[str, str], str] = field(default_factory=dict)
    _full: _Fragments | bool | None = None

    def __post_init__(self) -> None:
        # Fragments of the summary line that depend only on the pair.
        template = self.template
        self._head = (f'{{"schema_version":{dumps(template.schema_version)},'
                      '"detail":"summary","id":')
        self._middle = (f',"tool_version":{dumps(template.tool_version)},"rulebase":'
                        f'{dumps(self.rulebase_data)},"input":')
        self._switch_json = f',"switch":{dumps(self.switch_data)}'
        window = template.washout.window if template.washout else ""
        self._window_json = f'{{"window":{dumps(window)}'

    # ------------------------------------------------------------------ evaluation

    def _evaluate(self, context: _Context) -> tuple[
            list[tuple[_RuleParts, Any]], list[tuple[_RuleParts, Any]],
            list[tuple[_RuleParts, Any]]]:
        fired: list[tuple[_RuleParts, Any]] = []
        unknown: list[tuple[_RuleParts, Any]] = []
        not_fired: list[tuple[_RuleParts, Any]] = []
        describe = context.describe
        for parts in self.parts:
            condition = parts.rule.condition
            if condition is None:
                fired.append((parts, None))
                continue
            evaluation = evaluate(condition, context.lookup, describe)
            if evaluation.result is True:
                fired.append((parts, evaluation))
            elif evaluation.result is False:
                not_fired.append((parts, evaluation))
            else:
                unknown.append((parts, evaluation))
        fired.sort(key=lambda item: -item[0].rule.finding.severity.rank)
        unknown.sort(key=lambda item: -item[0].rule.finding.severity.rank)
        return fired, unknown, not_fired

    def _option_list(self, missing: tuple[str, ...], context: _Context) -> list[str]:
        options = self._options.get(missing)
        if options is None:
            options = _options(missing, context)
            if len(self._options) < _CACHE_LIMIT:
                self._options[missing] = options
        return options

    @staticmethod
    def _verdicts(fired: list[tuple[_RuleParts, Any]],
                  unknown: list[tuple[_RuleParts, Any]]) -> tuple[Severity, Severity]:
        verdict = max((parts.rule.finding.severity for parts, _ in fired), key=_rank,
                      default=Severity.INFO)
        worst = max([verdict, *(parts.rule.finding.severity for parts, _ in unknown)],
                    key=_rank)
        return verdict, worst

    # --------------------------------------------------------------------- summary

    def _outcome(self, facts: Facts) -> tuple[
            list[_RuleParts], list[tuple[_RuleParts, tuple[str, ...]]], Severity, Severity]:
        """Fired and not-evaluated rules (most severe first), verdict, worst possible."""
        env = {**self.figures, **vars(facts)}  # the fields by name (plus read_as, unused)
        fired: list[_RuleParts] = []
        unknown: list[tuple[_RuleParts, tuple[str, ...]]] = []
        fired_rank = unknown_rank = 0
        for parts in self.parts:
            compiled = parts.compiled
            result, missing = (True, _NOTHING) if compiled is None else compiled(env)
            if result is True:
                fired.append(parts)
                fired_rank = max(fired_rank, parts.rank)
            elif result is None:
                unknown.append((parts, missing))
                unknown_rank = max(unknown_rank, parts.rank)
        fired.sort(key=_parts_rank)
        unknown.sort(key=_unknown_rank)
        return fired, unknown, _BY_RANK[fired_rank], _BY_RANK[max(fired_rank, unknown_rank)]

    def _position(self, facts: Facts) -> WashoutPosition | None:
        washout = self.template.washout
        if washout is None:
            return None
        weeks = facts.weeks_since_stop
        return (washout.position if weeks is None
                else _position(weeks, washout.min, washout.max)[0])

    def _unknown_data(self, parts: _RuleParts, missing: tuple[str, ...],
                      context: _Context) -> dict[str, Any]:
        return {"id": parts.summary["id"], "severity": parts.summary["severity"],
                "title": parts.summary["title"], "needs": list(missing),
                "options": self._option_list(missing, context),
                "evidence": parts.summary["evidence"]}

    def summary(self, switch: Switch, facts: Facts, received: Mapping[str, InputValue],
                record_id: object = None) -> dict[str, Any]:
        """The Summary record as a dict (JSON-ready, contract key order)."""
        context = _Context(switch.from_.drug, switch.to.drug, facts)
        fired, unknown, verdict, worst = self._outcome(facts)
        position = self._position(facts)
        washout = self.template.washout
        return {
            "schema_version": self.template.schema_version,
            "detail": "summary",
            "id": record_id,
            "tool_version": self.template.tool_version,
            "rulebase": self.rulebase_data,
            "input": dict(received),
            "switch": self.switch_data,
            "verdict": verdict.value,
            "worst_possible": worst.value,
            "washout": None if washout is None or position is None else {
                "window": washout.window, "position": position.value,
                "weeks_since_stop": facts.weeks_since_stop},
            "facts": _reading_dicts(facts),
            "findings": [parts.summary for parts in fired],
            "not_evaluated": [self._unknown_data(parts, missing, context)
                              for parts, missing in unknown],
        }

    def summary_line(self, switch: Switch, facts: Facts, received: Mapping[str, InputValue],
                     record_id: object = None) -> tuple[str, str, str]:
        """(``summary()`` as one compact JSON line, verdict, worst_possible), built from
        fragments serialised once per pair: the same bytes as encoding ``summary()``."""
        fired, unknown, verdict, worst = self._outcome(facts)
        position = self._position(facts)
        if position is None:
            washout = "null"
        else:
            weeks = facts.weeks_since_stop
            washout = (f'{self._window_json},"position":"{position.value}","weeks_since_stop":'
                       f'{"null" if weeks is None else float.__repr__(weeks)}}}')
        unknown_json = ""
        if unknown:
            context = _Context(switch.from_.drug, switch.to.drug, facts)
            texts = []
            for parts, missing in unknown:
                key = (parts.summary["id"], missing)
                text = self._unknown_json.get(key)
                if text is None:
                    text = dumps(self._unknown_data(parts, missing, context))
                    if len(self._unknown_json) < _CACHE_LIMIT:
                        self._unknown_json[key] = text
                texts.append(text)
            unknown_json = ",".join(texts)
        line = "".join((
            self._head, dumps(record_id), self._middle, dumps(received), self._switch_json,
            ',"verdict":"', verdict.value, '","worst_possible":"', worst.value,
            '","washout":', washout, ',"facts":', _readings_json(facts),
            ',"findings":[', ",".join(parts.summary_json for parts in fired),
            '],"not_evaluated":[', unknown_json, "]}"))
        return line, verdict.value, worst.value

    # ------------------------------------------------------------------------ full

    def assessment(self, switch: Switch, facts: Facts, received: Mapping[str, InputValue],
                   record_id: object = None) -> Assessment:
        """The full Assessment (as ``engine.assess`` gives it), evidence left empty.

        Use ``evidence_json`` for the evidence of this assessment, serialised.
        """
        context = _Context(switch.from_.drug, switch.to.drug, facts)
        fired_parts, unknown_parts, not_fired_parts = self._evaluate(context)
        verdict, worst = self._verdicts(fired_parts, unknown_parts)
        fired = [self._fired(parts, evaluation) for parts, evaluation in fired_parts]
        not_evaluated = [
            NotEvaluated.model_construct(
                **parts.common, condition=parts.condition or "", needs=list(evaluation.missing),
                options=self._option_list(evaluation.missing, context),
                decides=f"fires if {evaluation.decides}", trace=_trace(evaluation),
                evidence=list(parts.rule.finding.evidence),
                counter_evidence=list(parts.rule.finding.counter_evidence))
            for parts, evaluation in unknown_parts
        ]
        not_fired = [NotFired.model_construct(**parts.common, condition=parts.condition or "",
                                              trace=_trace(evaluation))
                     for parts, evaluation in not_fired_parts]
        template = self.template
        washout = template.washout
        weeks = facts.weeks_since_stop
        if washout is not None and weeks is not None:
            position, explanation = _position(weeks, washout.min, washout.max)
            washout = washout.model_copy(update={
                "weeks_since_stop": weeks, "position": position, "explanation": explanation})
        switch_info = SwitchInfo.model_construct(
            from_=self._ref(switch.from_), to=self._ref(switch.to),
            pathways=template.switch.pathways)
        return template.model_copy(update={
            "id": record_id, "input": dict(received), "switch": switch_info,
            "facts": _readings(facts), "verdict": verdict, "worst_possible": worst,
            "washout": washout, "findings": fired, "not_evaluated": not_evaluated,
            "not_fired": not_fired, "evidence": [],
        })

    def evidence(self, assessment: Assessment) -> tuple[list[EvidenceOut], str]:
        """The evidence list of an assessment made here, and its JSON (kept for reuse, for up
        to ``_EVIDENCE_LIMIT`` sets of cited findings per pair)."""
        template = self.template
        ids = _cited(assessment.findings, assessment.not_evaluated, template.washout,
                     template.alternatives, template.figures)
        entries = _evidence(self.rulebase, ids, assessment.findings,
                            assessment.not_evaluated, assessment.washout)
        text = f"[{','.join(entry.model_dump_json(by_alias=True) for entry in entries)}]"
        key = (tuple(item.id for item in assessment.findings),
               tuple(item.id for item in assessment.not_evaluated))
        if key not in self._evidence_json and len(self._evidence_json) < _EVIDENCE_LIMIT:
            self._evidence_json[key] = text
        return entries, text

    def full(self, switch: Switch, facts: Facts, received: Mapping[str, InputValue],
             record_id: object = None) -> Assessment:
        """The complete Assessment, equal to ``engine.assess`` for the same input."""
        assessment = self.assessment(switch, facts, received, record_id)
        entries, _ = self.evidence(assessment)
        return assessment.model_copy(update={"evidence": entries})

    def full_json(self, switch: Switch, facts: Facts, received: Mapping[str, InputValue],
                  record_id: object = None) -> tuple[str, str, str]:
        """(the full Assessment as one compact JSON line, verdict, worst_possible).

        Built from fragments serialised once per pair (the template's fields, each rule's
        constant part, the evidence list per set of cited findings), with only what the facts
        change encoded per record: the same bytes as ``full(...).model_dump_json()``.
        """
        fragments = self._fragments()
        if fragments is None:
            return self._full_json_models(switch, facts, received, record_id)
        context = _Context(switch.from_.drug, switch.to.drug, facts)
        fired, unknown, not_fired = self._evaluate(context)
        verdict, worst = self._verdicts(fired, unknown)
        key = (tuple(parts.summary["id"] for parts, _ in fired),
               tuple(parts.summary["id"] for parts, _ in unknown))
        evidence = self._evidence_json.get(key)
        if evidence is None:
            _, evidence = self.evidence(self.assessment(switch, facts, received, record_id))
        findings = []
        for parts, evaluation in fired:
            prefix, suffix = fragments.rules[parts.summary["id"]][0]
            trace = fragments.always if evaluation is None else _trace_json(evaluation)
            findings.append(f"{prefix}{trace}{suffix}")
        unknowns = []
        for parts, evaluation in unknown:
            prefix, suffix = fragments.rules[parts.summary["id"]][1]
            options = self._option_list(evaluation.missing, context)
            unknowns.append(
                f'{prefix}"needs":{dumps(list(evaluation.missing))},"options":{dumps(options)},'
                f'"decides":{dumps("fires if " + evaluation.decides)},"trace":'
                f"{_trace_json(evaluation)}{suffix}")
        not_fired_json = []
        for parts, evaluation in not_fired:
            prefix, suffix = fragments.rules[parts.summary["id"]][2]
            not_fired_json.append(f"{prefix}{_trace_json(evaluation)}{suffix}")
        washout = fragments.washout
        weeks = facts.weeks_since_stop
        if washout is None or weeks is None:
            washout_json = fragments.fields["washout"]
        else:
            bounds = self.template.washout
            assert bounds is not None
            position, explanation = _position(weeks, bounds.min, bounds.max)
            washout_json = '"washout":' + dumps({**washout, "weeks_since_stop": weeks,
                                                 "position": position.value,
                                                 "explanation": explanation})
        variable = {
            "id": f'"id":{dumps(record_id)}',
            "input": f'"input":{dumps(received)}',
            "switch": f'"switch":{self._switch_info_json(switch)}',
            "facts": f'"facts":{_readings_json(facts)}',
            "verdict": f'"verdict":"{verdict.value}"',
            "worst_possible": f'"worst_possible":"{worst.value}"',
            "washout": washout_json,
            "findings": f'"findings":[{",".join(findings)}]',
            "not_evaluated": f'"not_evaluated":[{",".join(unknowns)}]',
            "not_fired": f'"not_fired":[{",".join(not_fired_json)}]',
            "evidence": f'"evidence":{evidence}',
        }
        fields = fragments.fields
        text = "{" + ",".join([variable.get(name) or fields[name] for name in _FIELDS]) + "}"
        return text, verdict.value, worst.value

    def _full_json_models(self, switch: Switch, facts: Facts,
                          received: Mapping[str, InputValue],
                          record_id: object) -> tuple[str, str, str]:
        """``full_json`` through the models (when the fragments cannot be cut safely)."""
        assessment = self.full(switch, facts, received, record_id)
        return (assessment.model_dump_json(by_alias=True), assessment.verdict.value,
                assessment.worst_possible.value)

    def _fragments(self) -> _Fragments | None:
        if self._full is None:
            self._full = _Fragments.build(self) or False
        return self._full if isinstance(self._full, _Fragments) else None

    def _switch_info_json(self, switch: Switch) -> str:
        key = (switch.from_.matched, switch.to.matched)
        text = self._switches.get(key)
        if text is None:
            text = SwitchInfo.model_construct(
                from_=self._ref(switch.from_), to=self._ref(switch.to),
                pathways=self.template.switch.pathways).model_dump_json(by_alias=True)
            if len(self._switches) < _CACHE_LIMIT:
                self._switches[key] = text
        return text

    # --------------------------------------------------------------------- helpers

    def _fired(self, parts: _RuleParts, evaluation: Any) -> FiredFinding:
        finding = parts.rule.finding
        return FiredFinding.model_construct(
            **parts.common, message=parts.message, condition=parts.condition,
            trace=list(_ALWAYS) if evaluation is None else _trace(evaluation),
            evidence=list(finding.evidence), counter_evidence=list(finding.counter_evidence))

    def _ref(self, resolved: Resolved) -> DrugRef:
        key = (resolved.matched, resolved.drug.id)
        ref = self._refs.get(key)
        if ref is None:
            ref = _drug_ref(self.rulebase, resolved)
            if len(self._refs) < _CACHE_LIMIT:
                self._refs[key] = ref
        return ref


@dataclass(frozen=True)
class _Fragments:
    """The full record's JSON that depends only on the pair, cut around what the facts change.

    Each rule's finding is serialised once with an empty trace (and, when not evaluated, empty
    needs/options/decides) and cut at that marker, so that fields added to the models later
    are carried along; ``build`` returns None when a marker is not where expected.
    """

    fields: dict[str, str]
    """'"name":<json>' of each top-level field, from the template."""
    rules: dict[str, tuple[tuple[str, str], tuple[str, str], tuple[str, str]]]
    """Finding id → (fired, not evaluated, not fired) (prefix, suffix) pairs."""
    washout: dict[str, Any] | None
    always: str

    @staticmethod
    def build(prepared: PreparedSwitch) -> _Fragments | None:
        template = prepared.template
        fields = {}
        for name in _FIELDS:
            text = template.model_dump_json(by_alias=True, include={name})
            fields[name] = text[1:-1]
        rules = {}
        for parts in prepared.parts:
            finding = parts.rule.finding
            evidence, counter = list(finding.evidence), list(finding.counter_evidence)
            condition = parts.condition or ""
            fired = _cut(FiredFinding.model_construct(
                **parts.common, message=parts.message, condition=parts.condition, trace=[],
                evidence=evidence, counter_evidence=counter), _TRACE_MARK)
            unknown = _cut(NotEvaluated.model_construct(
                **parts.common, condition=condition, needs=[], options=[], decides="",
                trace=[], evidence=evidence, counter_evidence=counter), _UNKNOWN_MARK)
            not_fired = _cut(NotFired.model_construct(**parts.common, condition=condition,
                                                      trace=[]), _TRACE_MARK)
            if fired is None or unknown is None or not_fired is None:
                return None
            rules[finding.id] = (fired, unknown, not_fired)
        washout = template.washout.model_dump(mode="json") if template.washout else None
        always = dumps([step.model_dump(mode="json") for step in _ALWAYS])
        return _Fragments(fields=fields, rules=rules, washout=washout, always=always)


_TRACE_MARK = '"trace":[]'
_UNKNOWN_MARK = '"needs":[],"options":[],"decides":"","trace":[]'


def _cut(model: Any, marker: str) -> tuple[str, str] | None:
    """(text up to where the variable part starts, text after it), or None."""
    text: str = model.model_dump_json(by_alias=True)
    if text.count(marker) != 1:
        return None
    before, after = text.split(marker)
    variable_start = marker.split(":", 1)[0] + ":"  # '"trace":' or '"needs":'
    if marker == _TRACE_MARK:
        return before + variable_start, after
    return before, after


def _trace_json(evaluation: Any) -> str:
    return dumps([{"text": step.text, "result": step.result} for step in evaluation.trace])


_BY_RANK = {severity.rank: severity for severity in Severity}


def _parts_rank(item: _RuleParts) -> int:
    return -item.rank


def _unknown_rank(item: tuple[_RuleParts, tuple[str, ...]]) -> int:
    return -item[0].rule.finding.severity.rank


_FIELDS = list(Assessment.model_fields)
_LAST = _FIELDS[-1]
_EVIDENCE_BEFORE_LAST = len(_FIELDS) >= 2 and _FIELDS[-2] == "evidence"


def _trace(evaluation: Any) -> list[TraceStep]:
    return [TraceStep.model_construct(text=step.text, result=step.result)
            for step in evaluation.trace]


_UNITS = {name: json.encoder.encode_basestring(spec.unit)
          for name, spec in PATIENT_FACTS.items()}


_READINGS: dict[tuple[str, Any, str | None], str] = {}
"""A reading's JSON by (fact, value, how it was read): all that ``describe_value`` uses."""


def _readings_json(facts: Facts) -> str:
    """``dumps(_reading_dicts(facts))``, from readings serialised once each."""
    read_as = facts.read_as
    texts = []
    for name in PATIENT_FACTS:
        value = getattr(facts, name)
        if value is None:
            continue
        key = (name, value, read_as.get(name))
        text = _READINGS.get(key)
        if text is None:
            text = _reading_json(name, value, facts)
            if len(_READINGS) < 4 * _CACHE_LIMIT * len(PATIENT_FACTS):
                _READINGS[key] = text
        texts.append(text)
    return f"[{','.join(texts)}]"


def _reading_json(name: str, value: Any, facts: Facts) -> str:
    encode = json.encoder.encode_basestring
    if isinstance(value, bool):
        value_json = "true" if value else "false"
    elif isinstance(value, str):
        value_json = encode(value)
    else:
        value_json = float.__repr__(float(value))
    source = "default" if facts.is_default(name) else "given"
    return (f'{{"name":"{name}","value":{value_json},"unit":{_UNITS[name]},'
            f'"read_as":{encode(describe_value(name, value, facts))},"source":"{source}"}}')


def _reading_dicts(facts: Facts) -> list[dict[str, Any]]:
    """``engine._readings`` as dicts."""
    readings = []
    for name, spec in PATIENT_FACTS.items():
        value = facts.value(name)
        if value is None:
            continue
        readings.append({"name": name, "value": value, "unit": spec.unit,
                         "read_as": describe_value(name, value, facts),
                         "source": "default" if facts.is_default(name) else "given"})
    return readings


def prepare(rulebase: RuleBase, from_id: str, to_id: str) -> PreparedSwitch:
    """Compute once what the switch ``from_id`` → ``to_id`` (drug ids) needs for any facts."""
    switch = Switch.resolve(rulebase, from_id, to_id)
    template = assess(rulebase, switch, facts=Facts(), received={})
    context = _Context(switch.from_.drug, switch.to.drug, Facts())
    superseded = {item.id for item in template.superseded}
    parts = []
    for _, rules in _compose(rulebase, switch.from_.drug, switch.to.drug):
        for rule in rules:
            finding = rule.finding
            if finding.id in superseded:
                continue
            common = {"id": finding.id, "severity": finding.severity, "title": finding.title,
                      "layer": rule.layer, "origin": rule.origin}
            parts.append(_RuleParts(
                rule=rule, common=common, message=context.message(finding.message),
                condition=render(rule.condition.root) if rule.condition is not None else None,
                summary={"id": finding.id, "severity": finding.severity.value,
                         "title": finding.title, "evidence": list(finding.evidence)},
                compiled=compile_fast(rule.condition.root) if rule.condition else None,
                rank=finding.severity.rank,
                summary_json=dumps({"id": finding.id, "severity": finding.severity.value,
                                    "title": finding.title,
                                    "evidence": list(finding.evidence)})))
    return PreparedSwitch(
        rulebase=rulebase, from_=switch.from_, to=switch.to, template=template, parts=parts,
        rulebase_data=template.rulebase.model_dump(mode="json"),
        switch_data={"from": switch.from_.drug.id, "to": switch.to.drug.id},
        figures={name: context.lookup(name) for name in CONDITION_FACTS
                 if name not in PATIENT_FACTS},
    )


__all__ = ["PreparedSwitch", "prepare"]

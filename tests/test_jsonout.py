"""The output JSON (written without pydantic) is the JSON pydantic writes, and reads back."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from switchadvisor import Switch, assess
from switchadvisor.assessment import Assessment, FactReading, Summary, summarize
from switchadvisor.rulebase import RuleBase

FACT_SETS: list[dict[str, Any]] = [
    {}, {"lymphocytes": "600/uL", "weeks_since_stop": "6"},
    {"lymphocytes": 0.2, "weeks_since_stop": "400d", "disease_activity": "highly-active",
     "age": 61, "pregnancy_planned": True, "jcv": "positive"},
]


def _assessments(rulebase: RuleBase) -> list[Assessment]:
    pairs = [(a, b) for a, b in itertools.permutations(sorted(rulebase.drugs), 2)]
    return [assess(rulebase, Switch.resolve(rulebase, a, b), facts=facts, record_id=number)
            for number, ((a, b), facts) in enumerate(itertools.product(pairs, FACT_SETS))]


def test_json_is_what_pydantic_writes_for_every_pair(mini_rulebase: RuleBase) -> None:
    """pydantic's own serialiser of the same dataclasses is the reference, byte for byte."""
    full, summary = TypeAdapter(Assessment), TypeAdapter(Summary)
    for assessment in _assessments(mini_rulebase):
        assert assessment.to_json() == full.dump_json(
            assessment, by_alias=True, indent=2).decode() + "\n"
        assert assessment.to_json_line() == full.dump_json(assessment, by_alias=True).decode()
        record = summarize(assessment)
        assert record.to_json() == summary.dump_json(record, by_alias=True).decode()
        assert assessment.to_dict() == json.loads(assessment.to_json())
        assert record.to_dict() == json.loads(record.to_json())


def test_json_reads_back_to_the_same_assessment(mini_rulebase: RuleBase) -> None:
    for assessment in _assessments(mini_rulebase)[:12]:
        again = Assessment.from_json(assessment.to_json())
        assert again == assessment and again.to_json() == assessment.to_json()
        record = summarize(assessment)
        assert Summary.from_json(record.to_json()) == record
        assert Assessment.from_dict(assessment.to_dict()) == assessment


def test_reading_back_refuses_what_is_not_an_assessment(mini_rulebase: RuleBase) -> None:
    data = assess(mini_rulebase, "fingolimod", "alemtuzumab").to_dict()
    with pytest.raises(ValidationError, match="unexpected_keyword_argument"):
        Assessment.from_dict({**data, "surprise": 1})
    with pytest.raises(ValidationError):
        Assessment.from_dict({**data, "verdict": "dire"})
    with pytest.raises(ValueError):  # pydantic's ValidationError is a ValueError
        Summary.from_json(json.dumps(data))  # a full record is not a summary


@given(st.floats(allow_nan=False, allow_infinity=False) | st.floats(-1e-3, 1e-3))
def test_numbers_are_spelt_as_pydantic_spells_them(number: float) -> None:
    """Python writes 1e-05 where pydantic wrote 0.00001: the old spelling is kept."""
    reading = FactReading(name="lymphocytes", value=number, unit="×10⁹/L", read_as="x",
                          source="given")
    text = _summary_with(reading)
    assert TypeAdapter(FactReading).dump_json(reading).decode() in text
    assert Summary.from_json(text).to_json() == text


def test_control_characters_and_tiny_numbers_in_the_input_echo(mini_rulebase: RuleBase) -> None:
    assessment = assess(mini_rulebase, "fingolimod", "alemtuzumab",
                        received={"from": "fingolimod", "to": "\x00 1e-05\x00"},
                        weeks_since_stop="0")
    tiny = replace(assessment, input={**assessment.input, "lymphocytes": 1e-5})
    line = tiny.to_json_line()
    assert '"to":"\\u0000 1e-05\\u0000"' in line and '"lymphocytes":0.00001' in line
    assert json.loads(line)["input"]["lymphocytes"] == 1e-5


def _summary_with(reading: FactReading) -> str:
    from switchadvisor.assessment import RuleBaseInfo, SwitchIds
    from switchadvisor.rulebase import Severity

    return Summary(tool_version="0", rulebase=RuleBaseInfo(id="r", version="1",
                                                           reviewed="2026-01-01", sha256="0"),
                   input={"lymphocytes": reading.value}, switch=SwitchIds(from_="a", to="b"),
                   verdict=Severity.INFO, worst_possible=Severity.INFO, washout=None,
                   facts=[reading], findings=[], not_evaluated=[]).to_json()


def test_parts_shared_between_records_are_written_as_when_fresh(
        mini_rulebase: RuleBase) -> None:
    """One-line JSON and summary records reuse what earlier records wrote (evidence entries,
    findings, readings, summary parts); with every cache emptied they are the same."""
    from switchadvisor import assessment as module

    def lines(items: list[Assessment]) -> list[str]:
        return [text for item in items for text in (item.to_json_line(),
                                                    summarize(item).to_json())]

    warm = lines(_assessments(mini_rulebase) + _assessments(mini_rulebase)[::-1])
    cold = []
    for item in _assessments(mini_rulebase) + _assessments(mini_rulebase)[::-1]:
        fresh = Assessment.from_json(item.to_json())  # new objects: nothing written yet
        mini_rulebase.cache.pop("engine", None)
        module._PARTS.clear()
        cold += lines([fresh])
    assert warm == cold

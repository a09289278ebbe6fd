"""Reading patient facts: counts, times, dates, choices, and how each value is described."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from switchadvisor.errors import InputError
from switchadvisor.facts import (
    COUNT_FORMS,
    MAX_WEEKS,
    Facts,
    FactValue,
    describe_value,
    parse_count,
    parse_facts,
    parse_weeks,
    weeks_between,
)

TODAY = dt.date(2024, 6, 1)
COUNT_RANGE = "≥ 0 and ≤ 50 ×10⁹/L (= 50000 cells/µL)"

# ------------------------------------------------------------------------------ parse_count

COUNTS = [
    pytest.param("0.6", 0.6, "0.6 (read as ×10⁹/L)", id="bare-decimal"),
    pytest.param("0.6e9/L", 0.6, "0.60 ×10⁹/L", id="e9-per-litre"),
    pytest.param("0.6x10^9/L", 0.6, "0.60 ×10⁹/L", id="x10^9-per-litre"),
    pytest.param("0.6 ×10⁹/L", 0.6, "0.60 ×10⁹/L", id="unicode-times-ten-to-the-nine"),
    pytest.param("0.6 X 10**9 per L", 0.6, "0.60 ×10⁹/L", id="X-10**9-per-L"),
    pytest.param("1.2 G/L", 1.2, "1.2 G/L = 1.20 ×10⁹/L", id="giga-per-litre"),
    pytest.param("600/uL", 0.6, "600 cells/µL = 0.60 ×10⁹/L", id="per-uL"),
    pytest.param("600/µL", 0.6, "600 cells/µL = 0.60 ×10⁹/L", id="per-micro-sign-L"),
    pytest.param("600/μL", 0.6, "600 cells/µL = 0.60 ×10⁹/L", id="per-greek-mu-L"),
    pytest.param("600 cells/mm3", 0.6, "600 cells/mm³ = 0.60 ×10⁹/L", id="cells-per-mm3"),
    pytest.param("600 cells/µL", 0.6, "600 cells/µL = 0.60 ×10⁹/L", id="cells-per-µL"),
    pytest.param("600/mm³", 0.6, "600 cells/mm³ = 0.60 ×10⁹/L", id="per-mm-superscript-3"),
    pytest.param("600", 0.6, "600 (read as cells/µL) = 0.60 ×10⁹/L",
                 id="bare-from-100-is-cells-per-µL"),
    pytest.param("100", 0.1, "100 (read as cells/µL) = 0.10 ×10⁹/L", id="bare-100"),
    pytest.param("20", 20.0, "20 (read as ×10⁹/L)", id="bare-20-upper-bound"),
    pytest.param("0", 0.0, "0 (read as ×10⁹/L)", id="zero"),
    pytest.param("  0.6  ", 0.6, "0.6 (read as ×10⁹/L)", id="surrounding-blanks"),
    pytest.param("50000/uL", 50.0, "50000 cells/µL = 50.00 ×10⁹/L", id="upper-bound-per-uL"),
]


@pytest.mark.parametrize(("text", "value", "read_as"), COUNTS)
def test_parse_count_accepts(text: str, value: float, read_as: str) -> None:
    got, got_read_as = parse_count(text, option="--lymphocytes")
    assert got == pytest.approx(value)
    assert got_read_as == read_as


BAD_COUNTS = [
    pytest.param("-1", "is out of range", COUNT_RANGE, id="negative"),
    pytest.param("abc", "cannot read 'abc' as a lymphocyte count", COUNT_FORMS, id="word"),
    pytest.param("60 ×10⁹/L", "is out of range", COUNT_RANGE, id="above-50-per-litre"),
    pytest.param("60000/uL", "is out of range", COUNT_RANGE, id="above-50000-per-uL"),
    pytest.param("nan", "cannot read 'nan'", COUNT_FORMS, id="nan"),
    pytest.param("inf", "cannot read 'inf'", COUNT_FORMS, id="inf"),
    pytest.param("1e999", "cannot read '1e999'", COUNT_FORMS, id="exponent-without-unit"),
    pytest.param("", "the value is empty", COUNT_FORMS, id="empty"),
    pytest.param("600 mg", "cannot read '600 mg'", COUNT_FORMS, id="wrong-unit"),
    pytest.param("0.6 ×10⁶/L", "cannot read", COUNT_FORMS, id="wrong-power-of-ten"),
]


@pytest.mark.parametrize(("text", "fragment", "accepted"), BAD_COUNTS)
def test_parse_count_rejects(text: str, fragment: str, accepted: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_count(text, option="--lymphocytes")
    message = str(caught.value)
    assert message.startswith("--lymphocytes: ")
    assert fragment in message
    assert f"(accepted: {accepted})" in message
    assert caught.value.option == "--lymphocytes"


@settings(database=None)
@given(st.integers(min_value=100, max_value=50_000))
def test_bare_counts_from_100_are_cells_per_microlitre(cells: int) -> None:
    value, read_as = parse_count(str(cells), option="--lymphocytes")
    assert value == pytest.approx(cells / 1000)
    assert read_as.startswith(f"{cells} (read as cells/µL) = ")


@settings(database=None)
@given(st.integers(min_value=0, max_value=50_000))
def test_count_units_agree(cells: int) -> None:
    """n cells/µL, n/mm³ and n/1000 ×10⁹/L are the same count."""
    per_ul, _ = parse_count(f"{cells}/uL", option="--lymphocytes")
    per_mm3, _ = parse_count(f"{cells} cells/mm3", option="--lymphocytes")
    per_l, _ = parse_count(f"{cells / 1000!r} ×10⁹/L", option="--lymphocytes")
    assert per_ul == per_mm3 == pytest.approx(per_l)


# ------------------------------------------------------------------------------ parse_weeks

WEEKS = [
    pytest.param("6", 6.0, "6 weeks", id="bare-weeks"),
    pytest.param("6w", 6.0, "6 weeks", id="w"),
    pytest.param("6 weeks", 6.0, "6 weeks", id="weeks"),
    pytest.param("42d", 6.0, "42 days = 6.0 weeks", id="d"),
    pytest.param("42 days", 6.0, "42 days = 6.0 weeks", id="days"),
    pytest.param("2 months", 2 * 365.25 / 12 / 7, "2 months = 8.7 weeks", id="months"),
    pytest.param(0, 0.0, "0 weeks", id="zero-number"),
    pytest.param(6.5, 6.5, "6.5 weeks", id="float-number"),
    pytest.param("520", 520.0, "520 weeks", id="upper-bound"),
    pytest.param("1", 1.0, "1 week", id="one-week-singular"),
    pytest.param("1 month", 365.25 / 12 / 7, "1 month = 4.3 weeks", id="one-month-singular"),
]


@pytest.mark.parametrize(("text", "weeks", "read_as"), WEEKS)
def test_parse_weeks_accepts(text: str | float, weeks: float, read_as: str) -> None:
    got, got_read_as = parse_weeks(text, option="--weeks-since-stop")
    assert got == pytest.approx(weeks)
    assert got_read_as == read_as


BAD_WEEKS = [
    pytest.param("-1", "is out of range", id="negative"),
    pytest.param("600", "is out of range", id="above-10-years"),
    pytest.param("521", "is out of range", id="just-above-upper-bound"),
    pytest.param("200 months", "is out of range", id="months-above-10-years"),
    pytest.param("six", "cannot read 'six' as a time", id="word"),
    pytest.param("3 fortnights", "cannot read '3 fortnights' as a time", id="unknown-unit"),
    pytest.param("", "cannot read '' as a time", id="empty"),
]


@pytest.mark.parametrize(("text", "fragment"), BAD_WEEKS)
def test_parse_weeks_rejects(text: str, fragment: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_weeks(text, option="--weeks-since-stop")
    message = str(caught.value)
    assert message.startswith("--weeks-since-stop: ")
    assert fragment in message
    assert f"(accepted: 0 to {MAX_WEEKS:g} weeks, e.g. 6, 6w, 42d, 2 months)" in message
    assert caught.value.option == "--weeks-since-stop"


# ---------------------------------------------------------------------------- weeks_between

@pytest.mark.parametrize(
    ("stopped", "on", "weeks", "read_as"),
    [
        pytest.param(dt.date(2024, 1, 1), dt.date(2024, 2, 12), 6.0,
                     "stopped 2024-01-01, assessed 2024-02-12: 42 days = 6.0 weeks",
                     id="six-weeks"),
        pytest.param(dt.date(2024, 6, 1), dt.date(2024, 6, 1), 0.0,
                     "stopped 2024-06-01, assessed 2024-06-01: 0 days = 0.0 weeks",
                     id="same-day"),
        pytest.param(dt.date(2024, 2, 28), dt.date(2024, 3, 1), 2 / 7,
                     "stopped 2024-02-28, assessed 2024-03-01: 2 days = 0.3 weeks",
                     id="across-leap-day"),
    ],
)
def test_weeks_between(stopped: dt.date, on: dt.date, weeks: float, read_as: str) -> None:
    got, got_read_as = weeks_between(stopped, on, today=TODAY)
    assert got == pytest.approx(weeks)
    assert got_read_as == read_as


@pytest.mark.parametrize(
    ("stopped", "on", "fragment"),
    [
        pytest.param(dt.date(2024, 6, 2), dt.date(2024, 6, 1),
                     "2024-06-02 is after the assessment date 2024-06-01 (today)",
                     id="after-today"),
        pytest.param(dt.date(2024, 3, 2), dt.date(2024, 3, 1),
                     "2024-03-02 is after the assessment date 2024-03-01 (accepted",
                     id="after-another-day"),
        pytest.param(dt.date(2010, 1, 1), dt.date(2024, 6, 1), "is more than 10 years ago",
                     id="more-than-10-years"),
    ],
)
def test_weeks_between_rejects(stopped: dt.date, on: dt.date, fragment: str) -> None:
    with pytest.raises(InputError) as caught:
        weeks_between(stopped, on, today=TODAY)
    assert fragment in str(caught.value)
    assert caught.value.option == "--stopped"


# ------------------------------------------------------------------------------ parse_facts

PARSED = [
    pytest.param({}, {}, id="nothing-given"),
    pytest.param({"lymphocytes": None, "age": "", "jcv": None}, {}, id="none-and-empty-ignored"),
    pytest.param({"lymphocytes": 0.6}, {"lymphocytes": 0.6}, id="count-as-number"),
    pytest.param({"lymphocytes": "600/uL"}, {"lymphocytes": 0.6}, id="count-per-uL"),
    pytest.param({"stopped": "2024-01-01", "on": "2024-02-12"}, {"weeks_since_stop": 6.0},
                 id="stopped-and-on"),
    pytest.param({"stopped": "2024-05-04"}, {"weeks_since_stop": 4.0},
                 id="stopped-assessed-today"),
    pytest.param({"stopped": "2024-06-01"}, {"weeks_since_stop": 0.0}, id="stopped-today"),
    pytest.param({"weeks_since_stop": "42d"}, {"weeks_since_stop": 6.0}, id="weeks-in-days"),
    pytest.param({"disease_activity": "Highly Active"},
                 {"disease_activity": "highly-active"}, id="activity-spaces-and-case"),
    pytest.param({"disease_activity": "highly_active"},
                 {"disease_activity": "highly-active"}, id="activity-underscore"),
    pytest.param({"disease_activity": " none "}, {"disease_activity": "none"},
                 id="activity-blanks"),
    pytest.param({"jcv": "unknown"}, {"jcv": None}, id="jcv-unknown-is-not-given"),
    pytest.param({"jcv": "Unknown"}, {"jcv": None}, id="jcv-Unknown"),
    pytest.param({"jcv": "Positive"}, {"jcv": "positive"}, id="jcv-positive"),
    pytest.param({"pregnancy_planned": "yes"}, {"pregnancy_planned": True}, id="pregnancy-yes"),
    pytest.param({"pregnancy_planned": "no"}, {"pregnancy_planned": False}, id="pregnancy-no"),
    pytest.param({"pregnancy_planned": False}, {"pregnancy_planned": False},
                 id="pregnancy-bool-false-is-given"),
    pytest.param({"age": "1"}, {"age": 1.0}, id="age-lower-bound"),
    pytest.param({"age": 120}, {"age": 120.0}, id="age-upper-bound"),
    pytest.param({}, {"lymphocytes_lln": 1.0}, id="lln-default"),
    pytest.param({"lymphocytes_lln": "5"}, {"lymphocytes_lln": 5.0}, id="lln-upper-bound"),
    pytest.param({"lymphocytes_lln": "0.8"}, {"lymphocytes_lln": 0.8}, id="lln-0.8"),
    pytest.param({"lymphocytes_lln": "800/uL"}, {"lymphocytes_lln": 0.8}, id="lln-per-uL"),
    pytest.param({"lymphocytes_lln": "1000"}, {"lymphocytes_lln": 1.0},
                 id="lln-bare-cells-per-uL"),
]


@pytest.mark.parametrize(("raw", "expected"), PARSED)
def test_parse_facts(raw: dict[str, object], expected: dict[str, FactValue | None]) -> None:
    facts = parse_facts(raw, today=TODAY)
    assert {name: facts.value(name) for name in expected} == pytest.approx(expected)


BAD_FACTS = [
    pytest.param({"stopped": "2024-03-01", "on": "2024-02-01"}, "--stopped",
                 "2024-03-01 is after the assessment date 2024-02-01", id="stopped-after-on"),
    pytest.param({"stopped": "2024-06-02"}, "--stopped",
                 "is after the assessment date 2024-06-01 (today)", id="stopped-in-the-future"),
    pytest.param({"stopped": "2024-01-01", "weeks_since_stop": "6"}, "--stopped",
                 "give either --weeks-since-stop or --stopped, not both", id="stopped-and-weeks"),
    pytest.param({"on": "2024-02-01"}, "--on", "give --stopped too", id="on-without-stopped"),
    pytest.param({"stopped": "2024-13-01"}, "--stopped", "is not a date", id="bad-stop-date"),
    pytest.param({"stopped": "2024-01-01", "on": "tomorrow"}, "--on", "is not a date",
                 id="bad-on-date"),
    pytest.param({"stopped": "2010-01-01"}, "--stopped", "more than 10 years ago",
                 id="stopped-long-ago"),
    pytest.param({"disease_activity": "actve"}, "--disease-activity",
                 "'actve' is not accepted — did you mean active?",
                 id="activity-misspelt"),
    pytest.param({"disease_activity": "very"}, "--disease-activity",
                 "(accepted: none | active | highly-active)", id="activity-unknown"),
    pytest.param({"jcv": "maybe"}, "--jcv", "(accepted: positive | negative)", id="jcv-bad"),
    pytest.param({"pregnancy_planned": "perhaps"}, "--pregnancy-planned",
                 "'perhaps' is not yes or no", id="pregnancy-bad"),
    pytest.param({"age": "0"}, "--age", "'0' is out of range (accepted: years, 1 to 120)",
                 id="age-0"),
    pytest.param({"age": "121"}, "--age", "'121' is out of range", id="age-121"),
    pytest.param({"age": "old"}, "--age", "'old' is not a number", id="age-word"),
    pytest.param({"age": "nan"}, "--age", "is out of range", id="age-nan"),
    pytest.param({"lymphocytes": "abc"}, "--lymphocytes", "cannot read 'abc'",
                 id="lymphocytes-bad"),
    pytest.param({"lymphocytes_lln": "0"}, "--lymphocytes-lln",
                 "'0' is out of range (accepted: > 0 and ≤ 5 ×10⁹/L", id="lln-0"),
    pytest.param({"lymphocytes_lln": "6"}, "--lymphocytes-lln", "'6' is out of range",
                 id="lln-6"),
    pytest.param({"lymphocytes_lln": "5.5 ×10⁹/L"}, "--lymphocytes-lln", "is out of range",
                 id="lln-5.5-per-litre"),
    pytest.param({"weeks_since_stop": "six"}, "--weeks-since-stop", "cannot read 'six'",
                 id="weeks-bad"),
    pytest.param({"weight": "70"}, "weight", "unknown fact 'weight'", id="unknown-key"),
]


@pytest.mark.parametrize(("raw", "option", "fragment"), BAD_FACTS)
def test_parse_facts_rejects(raw: dict[str, object], option: str, fragment: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_facts(raw, today=TODAY)
    assert caught.value.option == option
    assert fragment in str(caught.value)


def test_misspelt_choice_carries_its_suggestion() -> None:
    with pytest.raises(InputError) as caught:
        parse_facts({"disease_activity": "actve"}, today=TODAY)
    assert caught.value.suggestions == ("active",)
    assert caught.value.to_dict()["suggestions"] == ["active"]


def test_parse_facts_records_how_values_were_read() -> None:
    facts = parse_facts({"lymphocytes": "600/uL", "stopped": "2024-01-01", "on": "2024-02-12",
                         "age": "40"}, today=TODAY)
    assert facts.read_as == {
        "lymphocytes": "600 cells/µL = 0.60 ×10⁹/L",
        "weeks_since_stop": "stopped 2024-01-01, assessed 2024-02-12: 42 days = 6.0 weeks",
        "age": "40 years",
    }


# ---------------------------------------------------------------------------- describe_value

GIVEN = parse_facts({"lymphocytes": "600/uL", "weeks_since_stop": "42d", "age": "40",
                     "jcv": "positive", "pregnancy_planned": "no"}, today=TODAY)
GIVEN_LLN = parse_facts({"lymphocytes_lln": "0.8"}, today=TODAY)

DESCRIBED = [
    pytest.param("lymphocytes", 0.6, GIVEN, "600 cells/µL = 0.60 ×10⁹/L",
                 id="given-count-as-read"),
    pytest.param("weeks_since_stop", 6.0, GIVEN, "42 days = 6.0 weeks", id="given-time-as-read"),
    pytest.param("age", 40.0, GIVEN, "40 years", id="given-age"),
    pytest.param("jcv", "positive", GIVEN, "positive", id="given-choice"),
    pytest.param("pregnancy_planned", False, GIVEN, "false", id="given-boolean"),
    pytest.param("lymphocytes_lln", 1.0, GIVEN, "1.00 ×10⁹/L (default)", id="default-lln"),
    pytest.param("lymphocytes_lln", 0.8, GIVEN_LLN, "0.8 (read as ×10⁹/L)", id="given-lln"),
    pytest.param("lymphocytes", 1.0, GIVEN, "1.00 ×10⁹/L",
                 id="other-value-of-a-given-fact"),
    pytest.param("lymphocytes", 0.5, GIVEN_LLN, "0.50 ×10⁹/L", id="fact-not-given"),
    pytest.param("lymphocytes", 0.5, None, "0.50 ×10⁹/L", id="no-facts-count"),
    pytest.param("weeks_since_stop", 12.0, None, "12 weeks", id="no-facts-weeks"),
    pytest.param("age", 30.0, None, "30 years", id="no-facts-age"),
    pytest.param("pregnancy_planned", True, None, "true", id="no-facts-boolean"),
    pytest.param("disease_activity", "active", None, "active", id="no-facts-choice"),
    pytest.param("from.elimination.max", 12.0, None, "12", id="rule-base-figure"),
    pytest.param("from.elimination.max", 12.0, GIVEN, "12",
                 id="rule-base-figure-with-facts"),
]


@pytest.mark.parametrize(("name", "value", "facts", "text"), DESCRIBED)
def test_describe_value(name: str, value: FactValue, facts: Facts | None, text: str) -> None:
    assert describe_value(name, value, facts) == text


# ------------------------------------------------------------------- Facts as a value


def test_facts_built_directly_are_checked_and_numbers_become_floats() -> None:
    facts = Facts(lymphocytes=1, age=40, jcv="negative", pregnancy_planned=False)
    assert (facts.lymphocytes, facts.age) == (1.0, 40.0)
    assert isinstance(facts.lymphocytes, float) and isinstance(facts.age, float)
    assert facts.given() == ("lymphocytes", "age", "pregnancy_planned", "jcv")
    for bad in ({"lymphocytes": "0.6"}, {"age": True}, {"jcv": "maybe"},
                {"disease_activity": "very"}, {"pregnancy_planned": "yes"},
                {"read_as": {"age": 40}}):
        with pytest.raises(ValueError):
            Facts(**bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Facts(weight=70)  # type: ignore[call-arg]


def test_facts_are_frozen_and_a_copy_changes_only_what_it_names() -> None:
    facts = parse_facts({"lymphocytes": "600/uL", "jcv": "positive"}, today=TODAY)
    with pytest.raises(AttributeError):
        facts.lymphocytes = 0.5  # type: ignore[misc]
    changed = facts.replace(lymphocytes=0.5, read_as={**facts.read_as, "lymphocytes": "0.5"})
    assert (changed.lymphocytes, changed.jcv, changed.read_as["lymphocytes"]) == (
        0.5, "positive", "0.5")
    assert facts.lymphocytes == 0.6
    assert facts.replace(age=30).age == 30.0
    assert facts.given() == ("lymphocytes", "jcv")
    assert Facts().given() == ()


def test_a_reading_is_the_same_every_time_the_same_text_is_read() -> None:
    # readings are remembered by their text: -0.0 and 0.0, 1 and 1.0 and "1" stay distinct
    for raw in ("-0.0", -0.0, 0.0, 1, 1.0, "1", "600/uL", "600/uL"):
        first = parse_facts({"lymphocytes": raw}, today=TODAY)
        again = parse_facts({"lymphocytes": raw}, today=TODAY)
        assert first == again
        assert first.read_as["lymphocytes"] == parse_count(
            str(raw), option="--lymphocytes")[1]
    assert parse_facts({"lymphocytes": -0.0}).read_as != parse_facts(
        {"lymphocytes": 0.0}).read_as
    for raw in ("600 furlongs", "60"):  # an error is raised every time, never remembered
        for _ in range(2):
            with pytest.raises(InputError):
                parse_facts({"lymphocytes": raw})


def test_reading_facts_needs_no_pydantic() -> None:
    import subprocess
    import sys

    code = ("import sys, switchadvisor.facts as f; f.parse_facts({'lymphocytes': '600/uL'}); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('pydantic', 'yaml', 'rich', 'typer')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"

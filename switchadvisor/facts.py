"""Patient facts: parsing, units, ranges, and how each value was read.

Lymphocyte counts are held in ×10⁹/L; times in weeks. Every parser raises ``InputError``
naming the option and the accepted range, so the CLI and batch mode report the same text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from switchadvisor import timeunits
from switchadvisor.conditions import FactSpec, FactType
from switchadvisor.errors import InputError

COUNT_UNIT = "×10⁹/L"
DEFAULT_LLN = 1.0
MAX_COUNT = 50.0
"""Counts above this (in ×10⁹/L) are impossible input; bare numbers above it are cells/µL."""
WEEKS_PER_MONTH = timeunits.WEEKS_PER_MONTH
MAX_WEEKS = 520.0

DiseaseActivity = Literal["none", "active", "highly-active"]
JcvStatus = Literal["positive", "negative"]
DISEASE_ACTIVITY: tuple[str, ...] = ("none", "active", "highly-active")
JCV: tuple[str, ...] = ("positive", "negative")

PATIENT_FACTS: dict[str, FactSpec] = {
    spec.name: spec
    for spec in (
        FactSpec("lymphocytes", FactType.NUMBER, "absolute lymphocyte count", COUNT_UNIT,
                 option="--lymphocytes"),
        FactSpec("lymphocytes_lln", FactType.NUMBER,
                 "lower limit of normal for the lymphocyte count (default 1.0 ×10⁹/L)",
                 COUNT_UNIT, option="--lymphocytes-lln"),
        FactSpec("weeks_since_stop", FactType.NUMBER,
                 "weeks since the last dose of the stopped drug", "weeks",
                 option="--weeks-since-stop"),
        FactSpec("disease_activity", FactType.CHOICE, "current MS disease activity",
                 choices=DISEASE_ACTIVITY, option="--disease-activity"),
        FactSpec("age", FactType.NUMBER, "age", "years", option="--age"),
        FactSpec("pregnancy_planned", FactType.BOOLEAN, "a pregnancy is planned",
                 option="--pregnancy-planned"),
        FactSpec("jcv", FactType.CHOICE, "anti-JCV antibody status", choices=JCV,
                 option="--jcv"),
    )
}

FactValue = float | str | bool


_NUMBER_FACTS = ("lymphocytes", "lymphocytes_lln", "weeks_since_stop", "age")


@dataclass(frozen=True)
class Facts:
    """The patient facts given for one assessment (None = not given).

    A plain frozen dataclass: ``parse_facts`` builds it from raw input (validated there); a
    direct construction is checked in ``__post_init__`` (numbers become floats).
    """

    __pydantic_config__: ClassVar[dict[str, str]] = {"extra": "forbid"}

    lymphocytes: float | None = field(
        default=None, metadata={"description": "Absolute lymphocyte count, ×10⁹/L."})
    lymphocytes_lln: float = field(
        default=DEFAULT_LLN, metadata={"description": "Lower limit of normal, ×10⁹/L."})
    weeks_since_stop: float | None = field(
        default=None, metadata={"description": "Weeks since the last dose."})
    disease_activity: DiseaseActivity | None = None
    age: float | None = field(default=None, metadata={"description": "Age in years."})
    pregnancy_planned: bool | None = None
    jcv: JcvStatus | None = None
    read_as: dict[str, str] = field(
        default_factory=dict,
        metadata={"description": "How each given value was read, by fact name."})

    def __post_init__(self) -> None:
        for name in _NUMBER_FACTS:
            value = getattr(self, name)
            if value is None and name != "lymphocytes_lln":
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{name} must be a number, not {value!r}")
            if not isinstance(value, float):
                object.__setattr__(self, name, float(value))
        for name, choices in (("disease_activity", DISEASE_ACTIVITY), ("jcv", JCV)):
            value = getattr(self, name)
            if value is not None and value not in choices:
                raise ValueError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
        if self.pregnancy_planned is not None and not isinstance(self.pregnancy_planned, bool):
            raise ValueError(f"pregnancy_planned must be true or false, not "
                             f"{self.pregnancy_planned!r}")
        if not isinstance(self.read_as, dict) or not all(
                isinstance(key, str) and isinstance(text, str)
                for key, text in self.read_as.items()):
            raise ValueError("read_as must map fact names to text")

    def value(self, name: str) -> FactValue | None:
        """A fact's value by name, None when not given."""
        value: FactValue | None = getattr(self, name)
        return value

    def is_default(self, name: str) -> bool:
        return name == "lymphocytes_lln" and name not in self.read_as

    def given(self) -> tuple[str, ...]:
        """The names of the facts given (read from input, or set to other than the default)."""
        return tuple(name for name in PATIENT_FACTS
                     if name in self.read_as or getattr(self, name) != _DEFAULTS[name])

    def replace(self, **changes: object) -> Facts:
        """A copy with some values changed (checked as on construction)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]



_DEFAULTS: dict[str, object] = {
    spec.name: spec.default for spec in dataclasses.fields(Facts) if spec.name != "read_as"}
_FIELDS = tuple(_DEFAULTS)


def _facts(values: dict[str, object], read_as: dict[str, str]) -> Facts:
    """Facts from values the parsers have already checked (no second check)."""
    facts = object.__new__(Facts)
    state = facts.__dict__
    state.update(_DEFAULTS)
    state.update(values)
    state["read_as"] = read_as
    return facts


# ---------------------------------------------------------------------- lymphocyte counts

_NUMBER = r"(?P<number>[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)"
MAX_FACT_LENGTH = 64
"""Longest fact value read (characters); longer input is refused before any parsing."""
BARE_PER_LITRE_MAX = 20.0
"""A bare number up to this is read as ×10⁹/L: adult absolute lymphocyte counts are about
1–4 ×10⁹/L, and even marked lymphocytosis stays far below 20."""
BARE_PER_MICROLITRE_MIN = 100.0
"""A bare number from this up is read as cells/µL: 100 cells/µL (0.1 ×10⁹/L) is already
grade 4 lymphopenia, and no lymphocyte count is 100 ×10⁹/L."""

_LEADING_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")
"""A number at the start of a count (no nested repetition: linear on any input)."""

_PER_LITRE_9 = 1.0
_PER_MICROLITRE = 1 / 1000
_COUNT_UNITS: dict[str, tuple[float, str]] = {
    # ×10⁹/L and the notations labs print for the same quantity
    **dict.fromkeys(("x10^9/l", "10^9/l", "x109/l", "e9/l", "x10e9/l"), (_PER_LITRE_9, "×10⁹/L")),
    "g/l": (_PER_LITRE_9, "G/L"),
    "/nl": (_PER_LITRE_9, "/nL"),
    **dict.fromkeys(("x10^3/ul", "10^3/ul", "x103/ul", "e3/ul", "x10e3/ul"),
                    (_PER_LITRE_9, "×10³/µL")),
    **dict.fromkeys(("x10^3/mm3", "10^3/mm3", "x103/mm3"), (_PER_LITRE_9, "×10³/mm³")),
    "k/ul": (_PER_LITRE_9, "K/µL"),
    "k/mm3": (_PER_LITRE_9, "K/mm³"),
    # cells per microlitre (= per mm³)
    "/ul": (_PER_MICROLITRE, "cells/µL"),
    "/mm3": (_PER_MICROLITRE, "cells/mm³"),
}
_UNIT_SPELLINGS = (
    ("µ", "u"), ("μ", "u"), ("×", "x"), ("*", "x"), ("⁹", "^9"), ("³", "^3"), ("xx", "^"),
    ("cells", ""), ("cell", ""), ("per", "/"), ("mcl", "ul"), ("mm^3", "mm3"),
)
COUNT_FORMS = (
    "0.6, 0,6, 0.6x10^9/L, 0.6e9/L, 0.6 G/L, 0.6/nL, 0.6 K/uL, 0.6x10^3/uL, 600/uL, "
    f"600 cells/mm3; a bare number is read as ×10⁹/L up to {BARE_PER_LITRE_MAX:g} and as "
    f"cells/µL from {BARE_PER_MICROLITRE_MIN:g}"
)


def format_count(value: float) -> str:
    return f"{value:.2f} {COUNT_UNIT}"


def bounded(value: object, *, option: str) -> str:
    """A fact value as text, refused (before any parsing) when longer than MAX_FACT_LENGTH."""
    try:
        text = value if isinstance(value, str) else str(value)
    except ValueError:  # an integer too long to print
        text = None
    if text is None or len(text) > MAX_FACT_LENGTH:
        size = f"{len(text):,} characters" if text is not None else "too many digits"
        raise InputError(f"{option}: the value is too long ({size})", option=option,
                         accepted=f"at most {MAX_FACT_LENGTH} characters")
    return text


def _unit_key(text: str) -> str:
    key = "".join(text.lower().split())
    for spelling, canonical in _UNIT_SPELLINGS:
        key = key.replace(spelling, canonical)
    return key


def _read_number(written: str, raw: str, *, option: str) -> float:
    """A number with a decimal point or a decimal comma; a thousands separator is refused."""
    if "," in written:
        whole, _, decimals = written.partition(",")
        if len(decimals) == 3 and whole.lstrip("+-") not in ("", "0"):
            plain = whole + decimals
            raise InputError(
                f"{option}: {raw!r} is ambiguous: {written} may be {plain} or {whole}.{decimals};"
                f" write {plain} or {whole}.{decimals} (with its unit)",
                option=option, accepted=COUNT_FORMS)
        written = written.replace(",", ".")
    return float(written)


def parse_count(text: str, *, option: str, low: float = 0.0, high: float = MAX_COUNT,
                low_inclusive: bool = True) -> tuple[float, str]:
    """Read a lymphocyte count; returns (×10⁹/L, how it was read).

    A count with a unit is read in that unit. A bare number is read only where one reading
    is plausible (×10⁹/L up to BARE_PER_LITRE_MAX, cells/µL from BARE_PER_MICROLITRE_MIN);
    between the two it is refused as ambiguous, so no value ever jumps by a factor of 1,000.
    """
    raw = bounded(text, option=option).strip()
    if not raw:
        raise InputError(f"{option}: the value is empty", option=option, accepted=COUNT_FORMS)
    match = _LEADING_NUMBER.match(raw)
    if match is None:
        raise InputError(f"{option}: cannot read {raw!r} as a lymphocyte count",
                         option=option, accepted=COUNT_FORMS)
    written = match.group()
    unit_text = raw[match.end():]
    key = _unit_key(unit_text)
    number = _read_number(written, raw, option=option)
    comma = " (decimal comma)" if "," in written else ""
    read_comma = "decimal comma; " if comma else ""
    if key in _COUNT_UNITS:
        factor, unit = _COUNT_UNITS[key]
        value = number * factor
        if factor == _PER_LITRE_9 and unit == COUNT_UNIT:
            read = f"{format_count(value)}{comma}"
        else:
            space = "" if unit.startswith("/") else " "
            read = f"{number:g}{space}{unit}{comma} = {format_count(value)}"
    elif key == "" and unit_text.strip():
        raise InputError(f"{option}: {raw!r} gives cells but no volume; write e.g. "
                         f"{written}/uL or {written} cells/mm3", option=option,
                         accepted=COUNT_FORMS)
    elif key:
        raise InputError(f"{option}: cannot read {raw!r} as a lymphocyte count",
                         option=option, accepted=COUNT_FORMS)
    elif BARE_PER_LITRE_MAX < number < BARE_PER_MICROLITRE_MIN:
        raise InputError(
            f"{option}: {written} is ambiguous: write {written}/uL or {written}x10^9/L",
            option=option, accepted=COUNT_FORMS)
    elif number >= BARE_PER_MICROLITRE_MIN:
        value = number * _PER_MICROLITRE
        read = f"{number:g} ({read_comma}read as cells/µL) = {format_count(value)}"
    else:
        value, read = number, f"{number:g} ({read_comma}read as {COUNT_UNIT})"
    too_low = value < low if low_inclusive else value <= low
    if too_low or value > high:
        bound = "≥" if low_inclusive else ">"
        raise InputError(
            f"{option}: {raw!r} is out of range",
            option=option,
            accepted=f"{bound} {low:g} and ≤ {high:g} {COUNT_UNIT} "
            f"(= {high * 1000:g} cells/µL)",
        )
    return value, read


# --------------------------------------------------------------------------------- times

_DURATION = (  # compiled on first use (``re`` keeps it): not every run reads a time
    rf"^\s*{_NUMBER}\s*(?P<unit>d|days?|w|wk|wks|weeks?|m|mo|months?|y|yr|yrs|years?)?\s*$")
_UNIT_LETTER = {"d": "day", "w": "week", "m": "month", "y": "year"}


def parse_weeks(text: str | float, *, option: str) -> tuple[float, str]:
    """Read a time since stopping (weeks by default; days, months and years accepted),
    converted by ``timeunits`` like every duration in the rule base."""
    raw = str(text).strip()
    match = re.match(_DURATION, raw, re.IGNORECASE)
    accepted = f"0 to {MAX_WEEKS:g} weeks, e.g. 6, 6w, 42d, 2 months"
    if match is None:
        raise InputError(f"{option}: cannot read {raw!r} as a time", option=option,
                         accepted=accepted)
    number = float(match.group("number"))
    unit = _UNIT_LETTER[(match.group("unit") or "w").lower()[0]]
    weeks = timeunits.to_weeks(number, unit)
    unit_text = unit if number == 1 else f"{unit}s"  # "1 week", "1 month", not "1 weeks"
    read = f"{number:g} {unit_text}" + ("" if unit == "week" else f" = {weeks:.1f} weeks")
    if not math.isfinite(weeks) or weeks < 0 or weeks > MAX_WEEKS:
        raise InputError(f"{option}: {raw!r} is out of range", option=option,
                         accepted=accepted)
    return weeks, read


def parse_date(text: str, *, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise InputError(f"{option}: {text!r} is not a date", option=option,
                         accepted="YYYY-MM-DD") from None


def weeks_between(stopped: dt.date, on: dt.date, *, today: dt.date) -> tuple[float, str]:
    """Weeks from the stop date to the assessment date, refusing impossible dates."""
    if stopped > on:
        raise InputError(
            f"--stopped: {stopped.isoformat()} is after the assessment date {on.isoformat()}"
            + (" (today)" if on == today else ""),
            option="--stopped",
            accepted=f"a date on or before {on.isoformat()}",
        )
    days = (on - stopped).days
    weeks = timeunits.to_weeks(days, "day")
    if weeks > MAX_WEEKS:
        raise InputError(f"--stopped: {stopped.isoformat()} is more than 10 years ago",
                         option="--stopped", accepted=f"within {MAX_WEEKS:g} weeks of --on")
    return weeks, (f"stopped {stopped.isoformat()}, assessed {on.isoformat()}: "
                   f"{days} days = {weeks:.1f} weeks")


# ------------------------------------------------------------------------ other facts

def parse_choice(text: str, *, option: str, choices: tuple[str, ...]) -> str:
    import difflib

    value = str(text).strip().lower().replace("_", "-").replace(" ", "-")
    if value in choices:
        return value
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.5)
    hint = f" — did you mean {close[0]}?" if close else ""
    raise InputError(f"{option}: {text!r} is not accepted{hint}", option=option,
                     accepted=" | ".join(choices), suggestions=tuple(close))


def parse_age(text: str | float, *, option: str = "--age") -> float:
    try:
        value = float(str(text).strip())
    except ValueError:
        raise InputError(f"{option}: {text!r} is not a number", option=option,
                         accepted="years, 1 to 120") from None
    if not math.isfinite(value) or not 1 <= value <= 120:
        raise InputError(f"{option}: {text!r} is out of range", option=option,
                         accepted="years, 1 to 120")
    return value


def parse_bool(value: object, *, option: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"yes", "true", "1", "y"}:
        return True
    if text in {"no", "false", "0", "n"}:
        return False
    raise InputError(f"{option}: {value!r} is not yes or no", option=option,
                     accepted="true | false")


FACT_KEYS = (
    "lymphocytes", "lymphocytes_lln", "weeks_since_stop", "stopped", "on",
    "disease_activity", "age", "pregnancy_planned", "jcv",
)


_COUNT_KEYS = ("lymphocytes", "lymphocytes_lln")


def _option(key: str) -> str:
    return "--" + key.replace("_", "-")


_FACT_KEY_SET = frozenset(FACT_KEYS)
_OPTIONS = {key: _option(key) for key in FACT_KEYS}

_READINGS_CACHE_SIZE = 4096
"""Readings kept per fact (value as given → value and how it was read): lab values repeat
(two decimals, whole cells/µL, whole weeks or days), so a batch reads each spelling once."""
_COUNTS: dict[str, tuple[float, str]] = {}
_LLNS: dict[str, tuple[float, str]] = {}
_WEEKS: dict[str, tuple[float, str]] = {}


def _reading(cache: dict[str, tuple[float, str]], text: str,
             read: Callable[[str], tuple[float, str]]) -> tuple[float, str]:
    """``read(text)``, remembered (a reading depends on the text alone; errors are not
    remembered, and the text is at most ``MAX_FACT_LENGTH`` long)."""
    reading = cache.get(text)
    if reading is None:
        reading = read(text)
        if len(cache) < _READINGS_CACHE_SIZE:
            cache[text] = reading
    return reading


_AGES: dict[str, tuple[float, str]] = {}


def _read_age(text: str, value: object) -> tuple[float, str]:
    """An age and how it was read, remembered by its text (errors quote the value given)."""
    age = parse_age(value)  # type: ignore[arg-type]  # checked there
    reading = (age, f"{age:g} years")
    if len(_AGES) < _READINGS_CACHE_SIZE:
        _AGES[text] = reading
    return reading


def _read_count(text: str) -> tuple[float, str]:
    return parse_count(text, option="--lymphocytes")


def _read_lln(text: str) -> tuple[float, str]:
    return parse_count(text, option="--lymphocytes-lln", low=0.0, high=5.0,
                       low_inclusive=False)


def _read_weeks(text: str) -> tuple[float, str]:
    return parse_weeks(text, option="--weeks-since-stop")


def parse_facts(raw: Mapping[str, object], *, today: dt.date | None = None) -> Facts:
    """Build Facts from raw strings or numbers (CLI options or a batch record).

    Keys are those of ``FACT_KEYS``; None values are "not given". Errors name the CLI option
    (``--lymphocytes``) so a person and a pipeline read the same message.
    """
    if not _FACT_KEY_SET.issuperset(raw):
        unknown = sorted(set(raw) - _FACT_KEY_SET)
        raise InputError(f"unknown fact {unknown[0]!r}", option=unknown[0],
                         accepted=", ".join(FACT_KEYS))
    given: dict[str, object] = {}
    texts: dict[str, str] = {}
    for key, value in raw.items():  # bounded before any parsing; an empty count is an error
        if value is None:
            continue
        if isinstance(value, str) and len(value) <= MAX_FACT_LENGTH:
            text = value
        else:
            text = bounded(value, option=_OPTIONS[key])
        if not text or text.isspace():
            if key in _COUNT_KEYS:
                raise InputError(f"{_OPTIONS[key]}: the value is empty",
                                 option=_OPTIONS[key], accepted=COUNT_FORMS)
            if value == "":
                continue
        given[key] = value
        texts[key] = text
    values: dict[str, object] = {}
    read_as: dict[str, str] = {}

    if "lymphocytes" in texts:
        text = texts["lymphocytes"]
        values["lymphocytes"], read_as["lymphocytes"] = _COUNTS.get(text) or _reading(
            _COUNTS, text, _read_count)
    if "lymphocytes_lln" in texts:
        values["lymphocytes_lln"], read_as["lymphocytes_lln"] = _reading(
            _LLNS, texts["lymphocytes_lln"], _read_lln)
    if "on" in given and "stopped" not in given:
        raise InputError("--on is the assessment date for --stopped; give --stopped too",
                         option="--on")
    if "weeks_since_stop" in texts:
        if "stopped" in given:
            raise InputError("give either --weeks-since-stop or --stopped, not both",
                             option="--stopped")
        text = texts["weeks_since_stop"]
        values["weeks_since_stop"], read_as["weeks_since_stop"] = _WEEKS.get(text) or _reading(
            _WEEKS, text, _read_weeks)
    if "stopped" in given:
        stopped = parse_date(str(given["stopped"]), option="--stopped")
        today = today or dt.date.today()
        on = parse_date(str(given["on"]), option="--on") if "on" in given else today
        values["weeks_since_stop"], read_as["weeks_since_stop"] = weeks_between(
            stopped, on, today=today)
    if "disease_activity" in given:
        activity = given["disease_activity"]
        values["disease_activity"] = activity if activity in DISEASE_ACTIVITY else parse_choice(
            str(activity), option="--disease-activity", choices=DISEASE_ACTIVITY)
    if "age" in given:
        values["age"], read_as["age"] = _AGES.get(texts["age"]) or _read_age(
            texts["age"], given["age"])
    if "pregnancy_planned" in given:
        planned = given["pregnancy_planned"]
        values["pregnancy_planned"] = planned if planned.__class__ is bool else parse_bool(
            planned, option="--pregnancy-planned")
    if "jcv" in given:
        jcv = given["jcv"]
        if jcv not in JCV:
            jcv = str(jcv).strip().lower()
        if jcv != "unknown":  # an unknown status is simply not given
            values["jcv"] = jcv if jcv in JCV else parse_choice(jcv, option="--jcv",
                                                                 choices=JCV)
    return _facts(values, read_as)


_UNITS: dict[str, str] = {name: spec.unit for name, spec in PATIENT_FACTS.items()}


def describe_value(name: str, value: FactValue, facts: Facts | None = None) -> str:
    """A value with its unit; for a given fact, how it was read."""
    unit = _UNITS.get(name)
    if facts is not None and unit is not None and getattr(facts, name) == value:
        read = facts.read_as.get(name)
        if read is not None:
            return read
        if name == "lymphocytes_lln":  # not given: the default
            return f"{format_count(float(value))} (default)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if unit == COUNT_UNIT:
        return format_count(value)
    if unit:
        return f"{round(value, 1):g} {unit}"
    return f"{round(value, 2):g}"

"""One time arithmetic: days, weeks, months and years, and how a span is written.

Every duration in the rule base (drug figures, washout bounds, durations in conditions) and
every time a user gives (``--weeks-since-stop``, ``--stopped``) is converted here, with one
definition of a month (an average Gregorian month, 365.25 / 12 days), so "2 months" is the
same number of weeks wherever it appears.
"""

from __future__ import annotations

import re

DAYS_PER_WEEK = 7.0
DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12
WEEKS_PER_MONTH = DAYS_PER_MONTH / DAYS_PER_WEEK
"""4.348 weeks: one definition of a month for the whole program."""
WEEKS_PER_YEAR = DAYS_PER_YEAR / DAYS_PER_WEEK

UNITS = ("day", "week", "month", "year")
WEEKS_PER: dict[str, float] = {
    "day": 1 / DAYS_PER_WEEK,
    "week": 1.0,
    "month": WEEKS_PER_MONTH,
    "year": WEEKS_PER_YEAR,
}

DURATION_WORDS = r"days?|weeks?|months?|years?"
_DURATION = rf"^\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>{DURATION_WORDS})\s*$"
"""Compiled on first use (``re`` keeps it)."""


def unit_of(word: str) -> str:
    """The canonical unit of a unit word: "months" → "month"."""
    unit = word.strip().lower().rstrip("s")
    if unit not in WEEKS_PER:
        raise ValueError(f"unknown time unit {word!r}")
    return unit


def to_weeks(number: float, unit: str) -> float:
    """A number of days, weeks, months or years in weeks."""
    return number * WEEKS_PER[unit_of(unit)]


def parse_duration(text: str) -> tuple[float, str, float]:
    """Read "10 days", "2 months", "1 year"; returns (number, unit, weeks).

    Raises ValueError with a plain explanation for anything else.
    """
    match = re.match(_DURATION, text)
    if match is None:
        raise ValueError(
            f"{text!r} is not a duration; write a number and a unit, e.g. "
            "'10 days', '8 weeks', '2 months', '1 year'"
        )
    number = float(match.group("number"))
    unit = unit_of(match.group("unit"))
    return number, unit, to_weeks(number, unit)


def format_weeks(weeks: float) -> str:
    """Weeks to one decimal, without a trailing ".0": 8.7, 4, 0.5."""
    return f"{round(weeks, 1):g}"


def _number(value: float) -> str:
    return f"{value:g}"


def _plural(number: float, unit: str) -> str:
    return unit if number == 1 else f"{unit}s"


def span_text(low: tuple[float, str] | None, high: tuple[float, str]) -> str:
    """A span in its source's unit: "1–2 months", "10 days to 4 weeks", "2 months"."""
    high_number, high_unit = high
    if low is None:
        return f"{_number(high_number)} {_plural(high_number, high_unit)}"
    low_number, low_unit = low
    if low_unit == high_unit:
        return f"{_number(low_number)}–{_number(high_number)} {_plural(high_number, high_unit)}"
    return (f"{_number(low_number)} {_plural(low_number, low_unit)} to "
            f"{_number(high_number)} {_plural(high_number, high_unit)}")


def weeks_beside(text: str, weeks: list[float], unit: str) -> str:
    """Add the weeks beside a span written in another unit: "1–2 months (4.3–8.7 weeks)"."""
    if unit == "week" or not weeks:
        return text
    written = "–".join(format_weeks(value) for value in weeks)
    return f"{text} ({written} weeks)"

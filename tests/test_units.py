"""Lymphocyte counts that cannot be misread, and fact values bounded before parsing.

A bare number is read only where one reading is plausible; the ambiguous middle is refused
(exit 2, naming the option and the forms accepted); no value ever moves by a factor of 1,000
between two neighbouring inputs. Every notation labs print is accepted, and the output says
how each value was read, in every format.
"""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import MINI_RULES, RunCli
from switchadvisor.errors import ExitCode, InputError
from switchadvisor.facts import (
    BARE_PER_LITRE_MAX,
    BARE_PER_MICROLITRE_MIN,
    MAX_COUNT,
    MAX_FACT_LENGTH,
    parse_count,
    parse_facts,
)

MINI = ("--rules", str(MINI_RULES))

# ------------------------------------------------------------------- accepted notations

READINGS = [
    # text, value in ×10⁹/L, read_as
    ("0.6", 0.6, "0.6 (read as ×10⁹/L)"),
    ("0,6", 0.6, "0.6 (decimal comma; read as ×10⁹/L)"),
    ("1,25", 1.25, "1.25 (decimal comma; read as ×10⁹/L)"),
    ("0,600", 0.6, "0.6 (decimal comma; read as ×10⁹/L)"),
    ("20", 20.0, "20 (read as ×10⁹/L)"),
    ("100", 0.1, "100 (read as cells/µL) = 0.10 ×10⁹/L"),
    ("600", 0.6, "600 (read as cells/µL) = 0.60 ×10⁹/L"),
    ("0.6 K/uL", 0.6, "0.6 K/µL = 0.60 ×10⁹/L"),
    ("0.6K/µL", 0.6, "0.6 K/µL = 0.60 ×10⁹/L"),
    ("0.6x10^3/uL", 0.6, "0.6 ×10³/µL = 0.60 ×10⁹/L"),
    ("0.6 10^3/µL", 0.6, "0.6 ×10³/µL = 0.60 ×10⁹/L"),
    ("0.6 ×10³/µL", 0.6, "0.6 ×10³/µL = 0.60 ×10⁹/L"),
    ("0.6 x 10^3/mm3", 0.6, "0.6 ×10³/mm³ = 0.60 ×10⁹/L"),
    ("0.6 G/L", 0.6, "0.6 G/L = 0.60 ×10⁹/L"),
    ("0.6/nL", 0.6, "0.6/nL = 0.60 ×10⁹/L"),
    ("0.6 per nL", 0.6, "0.6/nL = 0.60 ×10⁹/L"),
    ("0.6e9/L", 0.6, "0.60 ×10⁹/L"),
    ("0.6x10^9/L", 0.6, "0.60 ×10⁹/L"),
    ("0.6 ×10⁹/L", 0.6, "0.60 ×10⁹/L"),
    ("0.6 x109/L", 0.6, "0.60 ×10⁹/L"),
    ("0,6 x10^9/L", 0.6, "0.60 ×10⁹/L (decimal comma)"),
    ("45/uL", 0.045, "45 cells/µL = 0.04 ×10⁹/L"),
    ("45x10^9/L", 45.0, "45.00 ×10⁹/L"),
    ("600 cells/uL", 0.6, "600 cells/µL = 0.60 ×10⁹/L"),
    ("600 cells/µL", 0.6, "600 cells/µL = 0.60 ×10⁹/L"),
    ("600 cells/mcL", 0.6, "600 cells/µL = 0.60 ×10⁹/L"),
    ("600 cells/mm3", 0.6, "600 cells/mm³ = 0.60 ×10⁹/L"),
    ("600 cells per mm³", 0.6, "600 cells/mm³ = 0.60 ×10⁹/L"),
]


@pytest.mark.parametrize(("text", "value", "read_as"), READINGS, ids=[r[0] for r in READINGS])
def test_lab_notations_are_read(text: str, value: float, read_as: str) -> None:
    got, got_read_as = parse_count(text, option="--lymphocytes")
    assert got == pytest.approx(value)
    assert got_read_as == read_as


# ------------------------------------------------------------------------- refused input

REFUSED = [
    # text, fragment of the message
    ("45", "45 is ambiguous: write 45/uL or 45x10^9/L"),
    ("21", "21 is ambiguous: write 21/uL or 21x10^9/L"),
    ("50", "50 is ambiguous"),
    ("51", "51 is ambiguous"),
    ("99.9", "99.9 is ambiguous"),
    ("1,200", "'1,200' is ambiguous: 1,200 may be 1200 or 1.200"),
    ("600 cells", "gives cells but no volume"),
    ("0.6 mg", "cannot read '0.6 mg'"),
    ("0.6 ×10⁶/L", "cannot read"),
    ("0.6.1", "cannot read"),
    ("1,2.5", "cannot read"),
    ("6e2", "cannot read '6e2'"),
    ("", "the value is empty"),
    ("   ", "the value is empty"),
]


@pytest.mark.parametrize(("text", "fragment"), REFUSED, ids=[r[0] or "empty" for r in REFUSED])
def test_unreadable_or_ambiguous_counts_are_refused(text: str, fragment: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_count(text, option="--lymphocytes")
    message = str(caught.value)
    assert message.startswith("--lymphocytes: ")
    assert fragment in message
    assert "(accepted: 0.6, 0,6, 0.6x10^9/L" in message
    assert caught.value.option == "--lymphocytes"


def test_no_bare_number_jumps_by_a_factor_of_1000() -> None:
    """Walking the bare numbers upwards, the value read never falls; between the two
    plausible readings every number is refused."""
    previous = -1.0
    for tenths in range(0, 2001):
        text = f"{tenths / 10:g}"
        number = tenths / 10
        if BARE_PER_LITRE_MAX < number < BARE_PER_MICROLITRE_MIN:
            with pytest.raises(InputError, match="is ambiguous"):
                parse_count(text, option="--lymphocytes")
            continue
        value, _ = parse_count(text, option="--lymphocytes")
        if number >= BARE_PER_MICROLITRE_MIN:
            assert value == pytest.approx(number / 1000)
        else:
            assert value == pytest.approx(number)
            assert value >= previous
            previous = value


LLN = [
    ("0.8", 0.8, None),
    ("800", 0.8, None),
    ("0,8", 0.8, None),
    ("0.8 K/uL", 0.8, None),
    ("45", None, "45 is ambiguous"),
    ("", None, "the value is empty"),
    ("6", None, "is out of range"),
]


@pytest.mark.parametrize(("text", "value", "error"), LLN, ids=[r[0] or "empty" for r in LLN])
def test_lymphocytes_lln_follows_the_same_rules(text: str, value: float | None,
                                                 error: str | None) -> None:
    if error is None:
        assert parse_facts({"lymphocytes_lln": text}).lymphocytes_lln == pytest.approx(value)
    else:
        with pytest.raises(InputError, match=error) as caught:
            parse_facts({"lymphocytes_lln": text})
        assert caught.value.option == "--lymphocytes-lln"


# ------------------------------------------------------------------------- through the CLI

CLI_ERRORS = [
    (("--lymphocytes", "45"), "--lymphocytes: 45 is ambiguous: write 45/uL or 45x10^9/L"),
    (("--lymphocytes", ""), "--lymphocytes: the value is empty"),
    (("--lymphocytes-lln", ""), "--lymphocytes-lln: the value is empty"),
    (("--lymphocytes-lln", "45"), "--lymphocytes-lln: 45 is ambiguous"),
]


@pytest.mark.parametrize(("args", "message"), CLI_ERRORS, ids=[" ".join(a) for a, _ in CLI_ERRORS])
def test_cli_refuses_with_exit_2_naming_the_option(run_cli: RunCli, args: tuple[str, ...],
                                                   message: str) -> None:
    result = run_cli("check", "--from", "fingolimod", "--to", "cladribine", *args, *MINI)
    assert result.exit_code == ExitCode.USAGE, result
    assert result.stdout == ""
    assert result.stderr.startswith(f"switchadvisor: error: {message}")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("output_format", ["text", "markdown", "json"])
def test_every_format_shows_how_the_count_was_read(run_cli: RunCli,
                                                   output_format: str) -> None:
    result = run_cli("check", "--from", "fingolimod", "--to", "cladribine",
                     "--lymphocytes", "0.45 K/uL", "-f", output_format, "--width", "200",
                     *MINI)
    assert result.exit_code == ExitCode.OK, result
    assert "0.45 K/µL = 0.45 ×10⁹/L" in result.stdout
    if output_format == "json":
        facts = json.loads(result.stdout)["facts"]
        assert facts[0]["read_as"] == "0.45 K/µL = 0.45 ×10⁹/L"


def test_the_critical_finding_is_no_longer_silenced_by_a_bare_45(run_cli: RunCli) -> None:
    """Today `--lymphocytes 45` is read as 45 ×10⁹/L and the low-count finding is silent;
    with a unit the reading is unambiguous and the finding fires."""
    result = run_cli("check", "--from", "fingolimod", "--to", "cladribine",
                     "--lymphocytes", "45/uL", "-f", "json", *MINI)
    data = json.loads(result.stdout)
    assert data["facts"][0]["value"] == pytest.approx(0.045)
    assert data["findings"], result


# ------------------------------------------------------------------ length before parsing

LONG_VALUES = [
    ("--lymphocytes", "1" * 120_000),
    ("--lymphocytes", " " * 119_999 + "x"),
    ("--lymphocytes-lln", "0" * 120_000),
    ("--weeks-since-stop", "1" * 120_000),
    ("--weeks-since-stop", " " * 119_999 + "x"),
    ("--stopped", "2" * 120_000),
    ("--age", "9" * 120_000),
    ("--disease-activity", "a" * 120_000),
    ("--jcv", "p" * 120_000),
]


@pytest.mark.parametrize(("option", "value"), LONG_VALUES,
                         ids=[f"{o}-{v[-1]}" for o, v in LONG_VALUES])
def test_a_120000_character_value_is_refused_before_parsing(run_cli: RunCli, option: str,
                                                            value: str) -> None:
    result = run_cli("check", "--from", "fingolimod", "--to", "cladribine", option, value,
                     *MINI)
    assert result.exit_code == ExitCode.USAGE, result
    assert result.stderr == (f"switchadvisor: error: {option}: the value is too long "
                             "(120,000 characters) "
                             f"(accepted: at most {MAX_FACT_LENGTH} characters)\n")


def test_the_length_bound_is_checked_before_the_parser_runs(monkeypatch: pytest.MonkeyPatch,
                                                            ) -> None:
    """Asserted by result: the count parser never sees a value over the bound."""
    import switchadvisor.facts as facts

    seen: list[int] = []
    real = facts._LEADING_NUMBER

    class Spy:
        def match(self, text: str) -> object:
            seen.append(len(text))
            return real.match(text)

    monkeypatch.setattr(facts, "_LEADING_NUMBER", Spy())
    with pytest.raises(InputError, match="too long"):
        parse_facts({"lymphocytes": "1" * 120_000})
    with pytest.raises(InputError, match="too long"):
        parse_count("1" * (MAX_FACT_LENGTH + 1), option="--lymphocytes")
    parse_count("1" * 3, option="--lymphocytes")
    assert seen == [3]


def test_a_huge_integer_in_a_batch_record_is_refused() -> None:
    with pytest.raises(InputError, match="too long") as caught:
        parse_facts({"lymphocytes": 10 ** 5000})
    assert caught.value.option == "--lymphocytes"


def test_a_value_at_the_bound_is_read() -> None:
    text = "0.6" + " " * (MAX_FACT_LENGTH - 3)
    assert parse_facts({"lymphocytes": text}).lymphocytes == pytest.approx(0.6)


# ------------------------------------------------------------------------- property-based

_PIECES = st.sampled_from(["0", "6", "45", ".", ",", " ", "x", "×", "10", "^", "9", "3", "/",
                           "L", "uL", "µL", "mm3", "K", "G", "n", "e", "cells", "-", "per"])


@settings(max_examples=300, database=None, deadline=None)
@given(st.one_of(st.text(max_size=40), st.lists(_PIECES, max_size=8).map("".join)))
def test_any_text_is_a_reading_in_range_or_one_error_naming_the_option(text: str) -> None:
    try:
        value, read_as = parse_count(text, option="--lymphocytes")
    except InputError as error:
        assert error.option == "--lymphocytes"
        assert str(error).startswith("--lymphocytes: ")
        assert "\n" not in str(error)
    else:
        assert math.isfinite(value) and 0 <= value <= MAX_COUNT
        assert "×10⁹/L" in read_as

"""`check --what-if FACT=FROM..TO:STEP`: where a threshold sits."""

from __future__ import annotations

import json
from typing import Any

import pytest

from helpers import RunCli
from switchadvisor.errors import ExitCode
from switchadvisor.whatif import MAX_STEPS, parse_spec

SWITCH = ("check", "--from", "fingolimod", "--to", "cladribine")
THRESHOLD = "cladribine-before-start-lymphocytes"


def what_if(run_cli: RunCli, spec: str, *args: str) -> dict[str, Any]:
    result = run_cli(*SWITCH, "--what-if", spec, "--format", "json", *args)
    assert result.exit_code == ExitCode.OK, result
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_values_are_exact_steps() -> None:
    spec = parse_spec("lymphocytes=0.2..2.0:0.2")
    assert spec.values() == [0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8, 2.0]
    assert parse_spec(" weeks-since-stop = 0..24:2 ").fact == "weeks_since_stop"


def test_the_cladribine_lymphocyte_threshold_flips(run_cli: RunCli) -> None:
    rows = what_if(run_cli, "lymphocytes=0.2..2.0:0.2")["rows"]
    below = [row for row in rows if row["value"] < 1.0]
    above = [row for row in rows if row["value"] >= 1.0]
    assert below and above
    assert all(row["verdict"] == "critical" and THRESHOLD in row["fired"] for row in below)
    assert all(row["verdict"] != "critical" and THRESHOLD not in row["fired"] for row in above)
    assert [row["value"] for row in rows if row["changed"]] == [1.0]


def test_the_lab_limit_moves_the_threshold(run_cli: RunCli) -> None:
    rows = what_if(run_cli, "lymphocytes=0.2..2.0:0.2", "--lymphocytes-lln", "0.8")["rows"]
    assert [row["value"] for row in rows if row["changed"]] == [0.8]


def test_weeks_since_stop_shows_where_the_gap_becomes_long(run_cli: RunCli) -> None:
    rows = what_if(run_cli, "weeks_since_stop=0..24:2")["rows"]
    long_gap = [row["value"] for row in rows if "fingolimod-after-stop-long-gap" in row["fired"]]
    assert long_gap and long_gap == [value for value in
                                     (row["value"] for row in rows) if value > 8.7]


def test_text_table_marks_the_change(run_cli: RunCli) -> None:
    result = run_cli(*SWITCH, "--what-if", "lymphocytes=0.2..2.0:0.2", "--width", "100")
    assert result.exit_code == ExitCode.OK, result
    changed = [line for line in result.stdout.splitlines() if line.startswith(">  ")]
    assert len(changed) == 1 and changed[0].split()[1] == "1" and "WARNING" in changed[0]
    assert changed[0].split()[-2:] == [".", "."]  # neither varying finding fires from 1.0
    assert "A  Lymphocytes must be normal before cladribine (critical)" in result.stdout
    assert THRESHOLD not in result.stdout  # titles in the text, ids in the JSON


@pytest.mark.parametrize("width", [60, 80, 120])
def test_text_fits_in_plain_ascii_and_never_cuts_a_word(run_cli: RunCli, width: int) -> None:
    result = run_cli(*SWITCH, "--what-if", "lymphocytes=0.2..2.0:0.2", "--width", str(width))
    lines = result.stdout.splitlines()
    assert all(len(line) <= width and line == line.rstrip() and line.isascii()
               for line in lines), result.stdout
    assert "lymphocytes (x10^9/L)" in result.stdout  # the unit once, in the heading
    assert "read as" not in result.stdout
    words = set(result.stdout.split())
    assert {"Lymphocytes", "must", "normal", "cladribine"} <= words


@pytest.mark.parametrize("spec", [
    "lymphocytes", "lymphocytes=0.2-2.0:0.2", "jcv=0..1:1", "lymphocytes=2..1:0.1",
    "lymphocytes=0..1:0", "lymphocytes=0..1:-1", f"age=1..{MAX_STEPS + 1}:1",
    "lymphocytes=0..100:0.1", "lymphocytes=nan..1:0.1", "",
])
def test_bad_specs_exit_2_naming_the_option_and_form(run_cli: RunCli, spec: str) -> None:
    result = run_cli(*SWITCH, "--what-if", spec)
    assert result.exit_code == ExitCode.USAGE, result
    assert "--what-if" in result.stderr and "FACT=FROM..TO:STEP" in result.stderr
    assert "Traceback" not in result.stderr


def test_impossible_values_are_usage_errors(run_cli: RunCli) -> None:
    result = run_cli(*SWITCH, "--what-if", "weeks_since_stop=500..600:50")
    assert result.exit_code == ExitCode.USAGE, result
    assert "--what-if: 550 is not a possible weeks_since_stop" in result.stderr


@pytest.mark.parametrize("extra", [("--lymphocytes", "0.5"), ("--fail-on", "warning")])
def test_conflicting_options_exit_2(run_cli: RunCli, extra: tuple[str, str]) -> None:
    result = run_cli(*SWITCH, "--what-if", "lymphocytes=0.2..2.0:0.2", *extra)
    assert result.exit_code == ExitCode.USAGE, result
    assert "--what-if" in result.stderr

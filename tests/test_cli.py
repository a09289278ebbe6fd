"""The CLI through its error boundary: formats, exit codes, stdout/stderr discipline."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from helpers import MINI_RULES, RunCli
from switchadvisor.assessment import SCHEMA_VERSION
from switchadvisor.errors import ExitCode

MINI = ("--rules", str(MINI_RULES))


def test_json_resolves_brands_and_is_clean(run_cli: RunCli) -> None:
    result = run_cli("check", "--from", "Gilenya", "--to", "lemtrada", "--format", "json", *MINI)
    assert result.exit_code == ExitCode.OK, result
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["switch"]["from"]["id"] == "fingolimod"
    assert data["switch"]["from"]["matched_as"] == "brand"
    assert data["switch"]["to"]["id"] == "alemtuzumab"
    assert data["rulebase"]["id"] == "mini"
    assert len(data["rulebase"]["sha256"]) == 64
    assert result.stdout.endswith("}\n")


def test_json_is_byte_identical_for_identical_input(run_cli: RunCli) -> None:
    args = ("check", "--from", "fingolimod", "--to", "cladribine", "--lymphocytes", "0.7",
            "-f", "json", *MINI)
    assert run_cli(*args).stdout == run_cli(*args).stdout


def test_lymphocytes_trace_shows_the_comparison(run_cli: RunCli) -> None:
    result = run_cli("check", "--from", "fingolimod", "--to", "cladribine",
                     "--lymphocytes", "600/uL", "-f", "json", *MINI)
    data = json.loads(result.stdout)
    fired = {item["id"]: item for item in data["findings"]}
    trace = fired["cladribine-before-start-lymphocytes"]["trace"][0]["text"]
    assert "600 cells/µL = 0.60 ×10⁹/L" in trace
    assert trace.endswith("is below your lab's lower limit 1.00 ×10⁹/L (default)")
    assert data["facts"][0]["read_as"] == "600 cells/µL = 0.60 ×10⁹/L"


def test_missing_lymphocytes_is_not_evaluated_and_names_the_option(run_cli: RunCli) -> None:
    result = run_cli("check", "--from", "fingolimod", "--to", "cladribine", "-f", "json", *MINI)
    data = json.loads(result.stdout)
    pending = {item["id"]: item for item in data["not_evaluated"]}
    item = pending["cladribine-before-start-lymphocytes"]
    assert item["needs"] == ["lymphocytes"]
    assert item["options"] == ["--lymphocytes"]
    assert item["decides"] == ("fires if lymphocytes < your lab's lower limit 1.00 ×10⁹/L "
                               "(default)")
    assert data["verdict"] == "info"
    assert data["worst_possible"] == "critical"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        pytest.param(("--from", "fingolimid", "--to", "alemtuzumab"),
                     "unknown drug 'fingolimid' — did you mean fingolimod?", id="unknown-drug"),
        pytest.param(("--from", "gilenya", "--to", "Fingolimod"),
                     "--from and --to are both fingolimod", id="same-drug"),
        pytest.param(("--from", "fingolimod", "--to", "alemtuzumab", "--lymphocytes", "0.6 mg"),
                     "--lymphocytes: cannot read '0.6 mg'", id="bad-unit"),
        pytest.param(("--from", "fingolimod", "--to", "alemtuzumab", "--lymphocytes", "-1"),
                     "--lymphocytes: '-1' is out of range", id="negative-count"),
        pytest.param(("--from", "fingolimod", "--to", "alemtuzumab", "--stopped", "2999-01-01"),
                     "--stopped: 2999-01-01 is after the assessment date", id="future-date"),
        pytest.param(("--from", "fingolimod", "--to", "alemtuzumab", "--age", "0"),
                     "--age: '0' is out of range", id="age-range"),
        pytest.param(("--from", "fingolimod", "--to", "alemtuzumab", "--fail-on", "severe"),
                     "--fail-on: 'severe' is not accepted", id="bad-fail-on"),
        pytest.param(("--from", "fingolimod", "--to", "alemtuzumab", "--strict"),
                     "--strict only has a meaning with --fail-on", id="strict-alone"),
    ],
)
def test_bad_input_exits_2_with_one_line(run_cli: RunCli, args: tuple[str, ...],
                                         fragment: str) -> None:
    result = run_cli("check", *args, *MINI)
    assert result.exit_code == ExitCode.USAGE, result
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result
    assert fragment in lines[0]
    assert "Traceback" not in result.stderr


def test_option_parser_errors_exit_2(run_cli: RunCli) -> None:
    result = run_cli("check", "--to", "alemtuzumab", *MINI)
    assert result.exit_code == ExitCode.USAGE, result
    assert "--from" in result.stderr


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        pytest.param(("--fail-on", "warning"), ExitCode.FAIL_ON, id="reaches-warning"),
        pytest.param(("--fail-on", "info"), ExitCode.FAIL_ON, id="reaches-info"),
        pytest.param(("--fail-on", "critical"), ExitCode.OK, id="below-critical"),
        pytest.param(("--fail-on", "critical", "--strict"), ExitCode.OK,
                     id="strict-nothing-pending"),
        pytest.param((), ExitCode.OK, id="no-fail-on"),
    ],
)
def test_fail_on(run_cli: RunCli, extra: tuple[str, ...], code: ExitCode) -> None:
    # fingolimod → alemtuzumab in the fixture: verdict warning; with every fact given
    # nothing is left pending.
    result = run_cli("check", "--from", "fingolimod", "--to", "alemtuzumab", "-f", "json",
                     "--weeks-since-stop", "10", "--lymphocytes", "1.5",
                     "--disease-activity", "none", *extra, *MINI)
    assert result.exit_code == code, result
    assert json.loads(result.stdout)["verdict"] == "warning"


def test_strict_counts_what_could_not_be_evaluated(run_cli: RunCli) -> None:
    args = ("check", "--from", "fingolimod", "--to", "cladribine", "-f", "json",
            "--fail-on", "critical", *MINI)
    assert run_cli(*args).exit_code == ExitCode.OK
    assert run_cli(*args, "--strict").exit_code == ExitCode.FAIL_ON


def test_text_output_has_every_section(run_cli: RunCli) -> None:
    result = run_cli("check", "--from", "fingolimod", "--to", "alemtuzumab",
                     "--lymphocytes", "0.6", "--full", *MINI)
    assert result.exit_code == ExitCode.OK, result
    for fragment in ("WARNING", "Fingolimod → Alemtuzumab", "Washout: 4–8 weeks",
                     "Findings", "Not evaluated", "needs the disease activity",
                     "give --disease-activity", "Alternatives worth considering",
                     "Evidence that argues the other way", "Not a prescription"):
        assert fragment in result.stdout, fragment
    assert "\x1b[" not in result.stdout  # no colour when not a terminal


def test_markdown_output(run_cli: RunCli) -> None:
    result = run_cli("check", "--from", "fingolimod", "--to", "alemtuzumab", "-f", "markdown",
                     *MINI)
    assert result.stdout.startswith("# Fingolimod → Alemtuzumab: **WARNING**")
    assert "| Level | Finding | Why | Evidence |" in result.stdout
    assert "## Evidence that argues the other way" in result.stdout


def test_version(run_cli: RunCli) -> None:
    result = run_cli("--version")
    assert result.exit_code == ExitCode.OK
    assert result.stdout.startswith("switchadvisor ")


def test_schema_is_json(run_cli: RunCli) -> None:
    schema = json.loads(run_cli("schema").stdout)
    assert schema["title"] == "Assessment"
    assert "verdict" in schema["properties"]


def test_drugs_lists_names(run_cli: RunCli) -> None:
    result = run_cli("drugs", *MINI)
    assert "fingolimod" in result.stdout and "Gilenya" in result.stdout


def test_rules_test_runs_scenarios(run_cli: RunCli) -> None:
    result = run_cli("rules", "test", "--coverage", *MINI)
    assert result.exit_code == ExitCode.OK, result
    assert "scenarios: 2 passed, 0 failed" in result.stdout
    assert "not exercised: class-s1p-modulator-to-anti-cd52-overlap" in result.stdout


def test_rules_test_min_coverage_fails(run_cli: RunCli) -> None:
    result = run_cli("rules", "test", "--min-coverage", "100", *MINI)
    assert result.exit_code == ExitCode.FAIL_ON, result
    assert "below --min-coverage 100%" in result.stderr


def test_internal_errors_are_one_line_exit_70(run_cli: RunCli,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import switchadvisor.engine

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(switchadvisor.engine, "assess", broken)
    result = run_cli("check", "--from", "fingolimod", "--to", "alemtuzumab", *MINI)
    assert result.exit_code == ExitCode.INTERNAL, result
    assert result.stderr.strip().splitlines() == [
        "switchadvisor: internal error: RuntimeError: boom (please report it; run with --debug "
        "for the traceback)"]


def test_module_entry_point_runs_in_a_subprocess() -> None:
    completed = subprocess.run([sys.executable, "-m", "switchadvisor", "--version"],
                               capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("switchadvisor ")


def test_json_path_never_imports_rich() -> None:
    code = (
        "import sys\n"
        "from switchadvisor.cli import run\n"
        f"run(['check', '--from', 'fingolimod', '--to', 'alemtuzumab', '-f', 'json', "
        f"'--rules', {str(MINI_RULES)!r}])\n"
        "sys.stderr.write(str(sorted(m for m in sys.modules if m.split('.')[0] == 'rich')))\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               check=False)
    assert completed.stderr.strip() == "[]"

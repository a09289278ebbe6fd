"""`switchadvisor batch`: one record out per record in, in order; bad records become error
records; output validates against the committed schemas; a batch record is what `assess`
gives."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from helpers import MINI_RULES, RunCli
from switchadvisor.assessment import summarize
from switchadvisor.batch import MAX_RECORD_CHARS, assess_many, read_records
from switchadvisor.engine import assess
from switchadvisor.errors import ExitCode
from switchadvisor.rulebase import RuleBase
from switchadvisor.schemas import SCHEMAS

MINI = ("--rules", str(MINI_RULES))

GOOD = {"id": "a", "from": "Gilenya", "to": "alemtuzumab", "lymphocytes": "600/uL",
        "weeks_since_stop": 6}
# (input line, expected error code or None for an assessment, field)
CASES: list[tuple[str, str | None, str | None]] = [
    (json.dumps(GOOD), None, None),
    (json.dumps({"from": "fingolimod", "to": "cladribine", "weeks-since-stop": "42d",
                 "pregnancy-planned": False}), None, None),
    (json.dumps({"id": 7, "from": "fingolimd", "to": "alemtuzumab"}), "unknown-drug", "from"),
    (json.dumps({"id": "u", "from": "fingolimod", "to": "alemtuzumab",
                 "lymphocytes": "600 furlongs"}), "invalid-value", "lymphocytes"),
    (json.dumps({"from": "fingolimod"}), "missing-field", "to"),
    (json.dumps({"from": "fingolimod", "to": "alemtuzumab", "lymfocytes": 0.6}),
     "unknown-key", "lymfocytes"),
    ("this is not JSON at all", "not-json", None),
    ("[1, 2]", "not-an-object", None),
    (json.dumps({"from": "fingolimod", "to": "Gilenya"}), "same-drug", "to"),
    (json.dumps({"from": "fingolimod", "to": "alemtuzumab", "weeks_since_stop": 4,
                 "weeks-since-stop": 5}), "duplicate-key", "weeks_since_stop"),
    (json.dumps({"from": "fingolimod", "to": "alemtuzumab", "age": [40]}),
     "invalid-value", "age"),
    (json.dumps({"id": {"x": 1}, "from": "fingolimod", "to": "alemtuzumab"}),
     "invalid-value", "id"),
    (json.dumps({"from": "fingolimod", "to": "alemtuzumab", "age": 40}), None, None),
]


def _input_text() -> str:
    lines: list[str] = []
    for number, (text, _, _) in enumerate(CASES):
        lines.append(text)
        if number % 3 == 0:
            lines.append("")  # blank lines are skipped
            lines.append("   ")
    return "\n".join(lines) + "\n"


def _schema(name: str) -> dict[str, Any]:
    return SCHEMAS[name]()


@pytest.fixture
def batch_file(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text(_input_text(), encoding="utf-8")
    return path


@pytest.mark.parametrize("detail", ["summary", "full"])
def test_one_record_out_per_record_in_with_error_records(
        detail: str, batch_file: Path, run_cli: RunCli) -> None:
    result = run_cli("batch", str(batch_file), "--detail", detail, *MINI)
    assert result.exit_code == ExitCode.USAGE, result  # some records were invalid
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == len(CASES)
    input_lines = _input_text().splitlines()
    assessment_schema = jsonschema.Draft202012Validator(
        _schema("summary" if detail == "summary" else "assessment"))
    error_schema = jsonschema.Draft202012Validator(_schema("batch-error"))
    for record, (text, code, field) in zip(out, CASES, strict=True):
        if code is None:
            assessment_schema.validate(record)
            assert record["detail"] == detail
            assert record["input"]["from"] == json.loads(text)["from"]
        else:
            error_schema.validate(record)
            assert (record["error"]["code"], record["error"]["field"]) == (code, field), record
            assert input_lines[record["line"] - 1] == text  # the right line number
    assert out[0]["id"] == "a" and out[2]["id"] == 7 and out[3]["id"] == "u"
    assert "13 records: 3 assessed" in result.stderr and "10 invalid" in result.stderr
    assert "records/s" in result.stderr


def test_input_is_recorded_as_received(batch_file: Path, run_cli: RunCli) -> None:
    result = run_cli("batch", str(batch_file), *MINI)
    second = json.loads(result.stdout.splitlines()[1])
    assert second["input"] == {"from": "fingolimod", "to": "cladribine",
                               "weeks_since_stop": "42d", "pregnancy_planned": False}
    assert [fact["name"] for fact in second["facts"] if fact["source"] == "given"] == [
        "weeks_since_stop", "pregnancy_planned"]
    assert second["rulebase"]["sha256"] and second["tool_version"]


@pytest.mark.parametrize("detail", ["summary", "full"])
def test_two_runs_give_identical_bytes(detail: str, batch_file: Path, tmp_path: Path,
                                       run_cli: RunCli) -> None:
    outputs = []
    for run in range(2):
        target = tmp_path / f"out{run}.jsonl"
        result = run_cli("batch", str(batch_file), "--output", str(target), "--detail", detail,
                         "--quiet", *MINI)
        assert result.stdout == "" and result.stderr == ""
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0].count(b"\n") == len(CASES)


def test_all_good_records_exit_0_and_fail_on_exits_1(tmp_path: Path, run_cli: RunCli) -> None:
    path = tmp_path / "good.jsonl"
    path.write_text(json.dumps(GOOD) + "\n" + json.dumps({**GOOD, "id": "b"}) + "\n",
                    encoding="utf-8")
    assert run_cli("batch", str(path), *MINI).exit_code == ExitCode.OK
    verdicts = {json.loads(line)["verdict"]
                for line in run_cli("batch", str(path), *MINI).stdout.splitlines()}
    assert verdicts == {"warning"}
    assert run_cli("batch", str(path), "--fail-on", "warning", *MINI).exit_code == 1
    assert run_cli("batch", str(path), "--fail-on", "critical", *MINI).exit_code == 0


def test_bad_options_are_usage_errors(batch_file: Path, run_cli: RunCli) -> None:
    result = run_cli("batch", str(batch_file), "--detail", "everything", *MINI)
    assert result.exit_code == ExitCode.USAGE
    assert json.loads(result.stdout)["error"]["field"] == "detail"
    missing = run_cli("batch", str(batch_file.with_name("nope.jsonl")), *MINI)
    assert missing.exit_code == ExitCode.USAGE and "cannot read" in missing.stderr


def test_a_json_array_gives_the_same_records(batch_file: Path, tmp_path: Path,
                                             run_cli: RunCli) -> None:
    elements = [json.loads(text) if code not in ("not-json",) else "x"
                for text, code, _ in CASES]
    array = tmp_path / "in.json"
    array.write_text("  \n" + json.dumps(elements, ensure_ascii=False), encoding="utf-8")
    from_lines = run_cli("batch", str(batch_file), *MINI).stdout.splitlines()
    from_array = run_cli("batch", str(array), *MINI).stdout.splitlines()
    assert len(from_array) == len(from_lines)
    for position, (line, element) in enumerate(zip(from_lines, from_array, strict=True), 1):
        a, b = json.loads(line), json.loads(element)
        if "error" in a:
            assert b["line"] == position  # arrays count elements
            if a["error"]["code"] != "not-json":  # "x" is a string, not broken JSON
                assert a["error"] == b["error"]
        else:
            assert a == b


@pytest.mark.parametrize(("text", "expected"), [
    ('[{"a": "],[{\\"}"}, {"b": [1, {"c": 2}]}]', ['{"a": "],[{\\"}"}', '{"b": [1, {"c": 2}]}']),
    ("[]", []),
    ("[ ]\n", []),
    ("[1,,2]", ["1", "", "2"]),
    ("[1, 2", ["1", "2"]),
    ("[1] 2", ["1", "]2"]),
])
def test_array_splitting(text: str, expected: list[str]) -> None:
    assert [item for _, item in read_records(io.StringIO(text))] == expected


def test_array_splitting_across_chunks() -> None:
    records = [{"from": "fingolimod", "to": "alemtuzumab", "note": "x" * 50_000 + '\\"]'}
               for _ in range(4)]
    text = json.dumps(records)
    assert [json.loads(item) for _, item in read_records(io.StringIO(text))] == records


def test_an_overlong_line_is_an_error_and_the_batch_goes_on(tmp_path: Path,
                                                            run_cli: RunCli) -> None:
    path = tmp_path / "long.jsonl"
    huge = json.dumps({"from": "fingolimod", "to": "alemtuzumab",
                       "age": "1" * (MAX_RECORD_CHARS * 3)})
    path.write_text(f"{huge}\n{json.dumps(GOOD)}\n", encoding="utf-8")
    result = run_cli("batch", str(path), *MINI)
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["error"]["code"] == "too-long" and first["line"] == 1
    assert second["id"] == "a" and second["verdict"] == "warning"


def test_stdin_pipe_streams_without_progress() -> None:
    text = "\n".join([json.dumps(GOOD), "", "{", json.dumps({**GOOD, "id": "z"})]) + "\n"
    completed = subprocess.run(
        [sys.executable, "-m", "switchadvisor", "batch", "-", *MINI], input=text,
        capture_output=True, text=True, check=False)
    assert completed.returncode == ExitCode.USAGE, completed.stderr
    lines = completed.stdout.splitlines()
    assert [json.loads(line).get("id") for line in lines] == ["a", None, "z"]
    assert json.loads(lines[1])["line"] == 3
    assert "\r" not in completed.stderr  # no progress indicator on a pipe
    assert completed.stderr.count("\n") == 1  # the summary line only


# ------------------------------------------------------------------------ errors as data


@pytest.mark.parametrize(("args", "code", "field"), [
    (("--from", "fingolimd", "--to", "alemtuzumab", "-f", "json"), "unknown-drug", "from"),
    (("--from", "fingolimod", "--to", "alemtuzumab", "--format=json", "--lymphocytes", "lots"),
     "invalid-value", "lymphocytes"),
    (("--from", "fingolimod", "-fjson"), "usage", "to"),
    (("--from", "fingolimod", "--to", "alemtuzumab", "-f", "json", "--detail", "some"),
     "invalid-value", "detail"),
])
def test_check_json_errors_are_json_on_stdout(args: tuple[str, ...], code: str, field: str,
                                              run_cli: RunCli) -> None:
    result = run_cli("check", *args, *MINI)
    assert result.exit_code == ExitCode.USAGE
    error = json.loads(result.stdout)["error"]
    assert (error["code"], error["field"]) == (code, field)
    assert result.stderr.strip()  # the one-line message stays on stderr


def test_text_errors_stay_off_stdout(run_cli: RunCli) -> None:
    result = run_cli("check", "--from", "fingolimd", "--to", "alemtuzumab", *MINI)
    assert result.exit_code == ExitCode.USAGE and result.stdout == ""


def test_check_detail_summary_and_compact(run_cli: RunCli) -> None:
    args = ("check", "--from", "Gilenya", "--to", "alemtuzumab", "--lymphocytes", "600/uL",
            "-f", "json", *MINI)
    full = run_cli(*args)
    summary = run_cli(*args, "--detail", "summary", "--compact")
    assert full.stdout.startswith('{\n  "schema_version"')
    assert summary.stdout.count("\n") == 1
    full_data, summary_data = json.loads(full.stdout), json.loads(summary.stdout)
    jsonschema.validate(full_data, _schema("assessment"))
    jsonschema.validate(summary_data, _schema("summary"))
    assert full_data["detail"] == "full" and summary_data["detail"] == "summary"
    assert summary_data["input"] == full_data["input"] == {
        "from": "Gilenya", "to": "alemtuzumab", "lymphocytes": "600/uL"}
    assert list(summary_data) == ["schema_version", "detail", "id", "tool_version",
                                  "rulebase", "input", "switch", "verdict", "worst_possible",
                                  "washout", "facts", "findings", "not_evaluated"]
    assert run_cli(*args[:-3], "--compact", *MINI).exit_code == ExitCode.USAGE


# --------------------------------------------------------- a batch record is assess()'s

FACT_SETS: list[dict[str, object]] = [
    {},
    {"lymphocytes": "600/uL", "weeks_since_stop": 6},
    {"lymphocytes": 0.3, "lymphocytes_lln": "0.9", "weeks_since_stop": "2"},
    {"lymphocytes": "1500", "weeks_since_stop": "30", "disease_activity": "highly-active",
     "age": 55, "jcv": "positive", "pregnancy_planned": True},
    {"weeks_since_stop": 0, "disease_activity": "none", "jcv": "negative",
     "pregnancy_planned": False},
    {"stopped": "2024-01-01", "on": "2024-06-30", "disease_activity": "active"},
]


def test_batch_records_equal_the_engine_on_every_pair(shipped_rulebase: RuleBase) -> None:
    """Batch is the engine, record for record: summary and full, over every ordered pair."""
    ids = sorted(shipped_rulebase.drugs)
    pairs = list(itertools.permutations(ids, 2))
    records = [{"id": n, "from": from_id, "to": to_id, **raw}
               for n, ((from_id, to_id), raw) in enumerate(itertools.product(pairs, FACT_SETS))]
    for detail in ("summary", "full"):
        today = dt.date(2026, 12, 1)
        for record, out in zip(records, assess_many(shipped_rulebase, records, detail=detail,
                                                    today=today), strict=True):
            received = {key: value for key, value in record.items() if key != "id"}
            facts = {key: value for key, value in received.items() if key not in ("from", "to")}
            on = facts.get("on")
            expected = assess(shipped_rulebase, str(record["from"]), str(record["to"]),
                              facts=facts, received=received,
                              assessed_on=dt.date.fromisoformat(str(on)) if on else today,
                              record_id=record["id"])
            want = summarize(expected) if detail == "summary" else expected
            assert out == want.to_dict(), (detail, record)


def test_an_invalid_rule_base_is_an_error_object_too(mini_copy: Path, run_cli: RunCli) -> None:
    (mini_copy / "drugs.yaml").write_text("drugs: [\n", encoding="utf-8")
    result = run_cli("check", "--from", "fingolimod", "--to", "alemtuzumab", "-f", "json",
                     "--rules", str(mini_copy))
    assert result.exit_code == ExitCode.RULEBASE, result
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "invalid-rulebase" and error["problems"]
    # the same error object as a batch error record's: it validates against that schema
    jsonschema.validate({"line": 1, "id": None, "error": error}, SCHEMAS["batch-error"]())
    assert "drugs.yaml" in result.stderr

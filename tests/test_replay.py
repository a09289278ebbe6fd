"""`switchadvisor replay`: saved assessments re-run against the current rule base."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from helpers import MINI_RULES, RunCli
from switchadvisor.cli import run
from switchadvisor.errors import ExitCode
from switchadvisor.resources import locate_rules

SWITCHES = [
    ("fingolimod", "cladribine", "--lymphocytes", "900/uL"),
    ("Gilenya", "Tysabri", "--stopped", "2026-10-01", "--on", "2026-11-24"),
    ("fingolimod", "ocrelizumab", "--weeks-since-stop", "6w", "--disease-activity",
     "highly active", "--age", "40", "--no-pregnancy-planned", "--jcv", "positive"),
    ("natalizumab", "ocrelizumab", "--weeks-since-stop", "4", "--lymphocytes-lln", "1.2"),
]
REBOUND = "fingolimod-after-stop-rebound"


def _check(run_cli: RunCli, switch: tuple[str, ...], *extra: str) -> dict[str, Any]:
    result = run_cli("check", "--from", switch[0], "--to", switch[1], *switch[2:], "-f", "json",
                     *extra)
    assert result.exit_code == ExitCode.OK, result
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _summary(full: dict[str, Any], record_id: str | None = None, *,
             with_input: dict[str, Any] | None = None) -> dict[str, Any]:
    """A summary record as the contract describes it (keys in order; `input` optional)."""
    washout = full["washout"]
    record: dict[str, Any] = {
        "schema_version": full["schema_version"], "detail": "summary", "id": record_id,
        "tool_version": full["tool_version"], "rulebase": full["rulebase"],
    }
    if with_input is not None:
        record["input"] = with_input
    record.update({
        "switch": {"from": full["switch"]["from"]["id"], "to": full["switch"]["to"]["id"]},
        "verdict": full["verdict"], "worst_possible": full["worst_possible"],
        "washout": None if washout is None else {
            "window": washout["window"], "position": washout["position"],
            "weeks_since_stop": washout["weeks_since_stop"]},
        "facts": full["facts"],
        "findings": [{key: item[key] for key in ("id", "severity", "title", "evidence")}
                     for item in full["findings"]],
        "not_evaluated": [{key: item[key] for key in ("id", "severity", "title", "needs",
                                                      "options", "evidence")}
                          for item in full["not_evaluated"]],
    })
    return record


def _write_lines(path: Path, records: list[Any]) -> Path:
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n"
                            for record in records), encoding="utf-8")
    return path


def _edited_rules(tmp_path: Path) -> Path:
    """A copy of the shipped rule base in which one finding's severity changed."""
    rules = tmp_path / "edited"
    shutil.copytree(locate_rules().path, rules)
    drugs = rules / "drugs.yaml"
    text = drugs.read_text(encoding="utf-8")
    old = f"- id: {REBOUND}\n          severity: info"
    assert old in text
    drugs.write_text(text.replace(old, old.replace("info", "critical")), encoding="utf-8")
    return rules


@pytest.fixture(scope="module")
def saved() -> list[dict[str, Any]]:
    """`check --format json` of each switch, run once for the module."""
    records = []
    for switch in SWITCHES:
        out = io.StringIO()
        with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(out):
            patch.delenv("SWITCHADVISOR_RULES", raising=False)
            code = run(["check", "--from", switch[0], "--to", switch[1], *switch[2:],
                        "-f", "json"])
        assert code == ExitCode.OK
        records.append(json.loads(out.getvalue()))
    return records


# --------------------------------------------------------------------------- no change


def test_a_pretty_printed_assessment_replays_unchanged(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("check", "--from", "fingolimod", "--to", "alemtuzumab", "-f", "json")
    path = tmp_path / "one.json"
    path.write_text(result.stdout, encoding="utf-8")
    replayed = run_cli("replay", str(path))
    assert replayed.exit_code == ExitCode.OK, replayed
    assert "1 record: 1 unchanged, 0 changed, 0 errors, 0 skipped" in replayed.stdout
    assert "(the current one)" in replayed.stdout


@pytest.mark.parametrize("form", ["full", "summary", "summary-with-input",
                                  "summary-with-empty-input", "array"])
def test_records_from_this_version_replay_unchanged(run_cli: RunCli, tmp_path: Path,
                                                    saved: list[dict[str, Any]],
                                                    form: str) -> None:
    inputs = [_input(switch) for switch in SWITCHES]
    records: list[Any] = {
        "full": saved,
        "summary": [_summary(item, f"r{n}") for n, item in enumerate(saved)],
        "summary-with-input": [_summary(item, f"r{n}", with_input=raw)
                               for n, (item, raw) in enumerate(zip(saved, inputs, strict=True))],
        "summary-with-empty-input": [_summary(item, with_input={}) for item in saved],
        "array": saved,
    }[form]
    path = tmp_path / "saved.jsonl"
    if form == "array":
        path.write_text(json.dumps(records, indent=2), encoding="utf-8")
    else:
        _write_lines(path, records)
    result = run_cli("replay", str(path), "-f", "json")
    assert result.exit_code == ExitCode.OK, result
    report = json.loads(result.stdout)
    assert report["counts"] == {"records": 4, "unchanged": 4, "changed": 0, "errors": 0,
                                "skipped": 0}
    assert report["records"] == []


def _input(switch: tuple[str, ...]) -> dict[str, Any]:
    """The input record for a CLI switch, as batch would echo it."""
    raw: dict[str, Any] = {"from": switch[0], "to": switch[1]}
    args = list(switch[2:])
    while args:
        option = args.pop(0).removeprefix("--").replace("-", "_")
        if option in ("pregnancy_planned", "no_pregnancy_planned"):
            raw["pregnancy_planned"] = option == "pregnancy_planned"
        else:
            raw[option] = args.pop(0)
    return raw


def test_stopped_without_on_uses_the_recorded_weeks(run_cli: RunCli, tmp_path: Path) -> None:
    # Saved two weeks after stopping; re-run against "today" it would be months later.
    full = _check(run_cli, ("fingolimod", "ocrelizumab", "--stopped", "2026-09-01",
                            "--on", "2026-09-15"))
    assert "fingolimod-after-stop-overlap" in [item["id"] for item in full["findings"]]
    record = _summary(full, "p1", with_input={"from": "fingolimod", "to": "ocrelizumab",
                                              "stopped": "2026-09-01"})
    result = run_cli("replay", str(_write_lines(tmp_path / "s.jsonl", [record])))
    assert result.exit_code == ExitCode.OK, result


# ------------------------------------------------------------------------------ changes


def test_a_rule_edit_reports_the_changed_switches(run_cli: RunCli, tmp_path: Path,
                                                  saved: list[dict[str, Any]]) -> None:
    path = _write_lines(tmp_path / "saved.jsonl",
                        [_summary(item, f"r{n}") for n, item in enumerate(saved)])
    result = run_cli("replay", str(path), "--rules", str(_edited_rules(tmp_path)), "-f", "json")
    assert result.exit_code == ExitCode.FAIL_ON, result
    report = json.loads(result.stdout)
    assert report["counts"]["changed"] == 3  # the three switches from fingolimod
    assert report["counts"]["unchanged"] == 1  # natalizumab → ocrelizumab
    assert report["saved_with"][0]["sha256"] != report["rulebase"]["sha256"]
    for record, line in zip(report["records"], (1, 2, 3), strict=True):
        assert record["line"] == line
        assert record["id"] == f"r{line - 1}"
        assert record["status"] == "changed"
        assert record["new_verdict"] == "critical"
        assert {"id": REBOUND, "old": "info", "new": "critical"} in (
            record["change"]["findings_severity"])
    assert report["records"][2]["change"]["verdict"] == {"old": "warning", "new": "critical"}


def test_text_report_names_each_change(run_cli: RunCli, tmp_path: Path,
                                       saved: list[dict[str, Any]]) -> None:
    path = _write_lines(tmp_path / "saved.jsonl", saved)
    result = run_cli("replay", str(path), "--rules", str(_edited_rules(tmp_path)))
    assert result.exit_code == ExitCode.FAIL_ON, result
    out = result.stdout
    assert "a different rule base sha256 is expected" in out
    assert "line 2: Gilenya → Tysabri: changed" in out
    assert f"~ finding {REBOUND}: info → critical" in out
    assert "4 records: 1 unchanged, 3 changed, 0 errors, 0 skipped" in out


def test_an_input_the_rule_base_now_rejects_is_a_change(run_cli: RunCli, tmp_path: Path,
                                                        saved: list[dict[str, Any]]) -> None:
    path = _write_lines(tmp_path / "saved.jsonl", saved[2:3])  # ocrelizumab: not in mini
    result = run_cli("replay", str(path), "--rules", str(MINI_RULES), "-f", "json")
    assert result.exit_code == ExitCode.FAIL_ON, result
    record = json.loads(result.stdout)["records"][0]
    assert record["status"] == "changed"
    assert record["new_verdict"] is None
    assert "unknown drug 'ocrelizumab'" in record["message"]


# ------------------------------------------------------------------------------- errors


def test_bad_records_are_reported_and_the_rest_still_run(run_cli: RunCli, tmp_path: Path,
                                                         saved: list[dict[str, Any]]) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join([
        json.dumps(saved[0]),                                       # 1 fine
        "",                                                         # 2 blank: skipped
        "not json at all",                                          # 3
        json.dumps([1, 2]),                                         # 4 not an object
        json.dumps({"verdict": "red"}),                             # 5 not an assessment
        json.dumps({"line": 7, "id": "x", "error": {"code": "unknown-drug"}}),  # 6 batch error
        json.dumps({key: value for key, value in saved[3].items()
                    if key not in ("switch", "input")}),            # 7 nothing to re-run
        json.dumps(saved[3]),                                       # 8 fine
        json.dumps({**saved[3], "input": {"from": "natalizumab", "to": "ocrelizumab",
                                          "lymphocytes": "lots"}}),  # 9 unreadable fact
    ]) + "\n", encoding="utf-8")
    result = run_cli("replay", str(path), "-f", "json")
    assert result.exit_code == ExitCode.USAGE, result
    report = json.loads(result.stdout)
    assert report["counts"] == {"records": 8, "unchanged": 2, "changed": 0, "errors": 5,
                                "skipped": 1}
    assert [(item["line"], item["status"]) for item in report["records"]] == [
        (3, "error"), (4, "error"), (5, "error"), (6, "skipped"), (7, "error"), (9, "error")]
    assert "cannot read the saved facts: --lymphocytes" in report["records"][5]["message"]
    assert report["records"][0]["message"].startswith("not JSON")
    assert report["records"][3]["id"] == "x"


@pytest.mark.parametrize(("args", "needle"), [
    (("replay", "does-not-exist.jsonl"), "FILE: no such file"),
    (("replay",), "Missing argument"),
])
def test_unreadable_input_exits_2(run_cli: RunCli, args: tuple[str, ...], needle: str) -> None:
    result = run_cli(*args)
    assert result.exit_code == ExitCode.USAGE
    assert needle in result.stderr
    assert "Traceback" not in result.stderr


def test_an_empty_file_has_nothing_to_replay(run_cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("\n\n", encoding="utf-8")
    result = run_cli("replay", str(path))
    assert result.exit_code == ExitCode.OK, result
    assert "0 records" in result.stdout

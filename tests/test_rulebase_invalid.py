"""Golden broken rule bases: each case overlays files on the fixture rule base and lists the
problems (file:line:column: message [code]) that must be reported, through the API and the
CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import MINI_RULES, RunCli
from switchadvisor.errors import ExitCode, RuleBaseError
from switchadvisor.rulebase import load_rulebase

CASES = Path(__file__).parent / "rulebase_invalid"
UNSAFE_MARKER = Path("/tmp/switchadvisor-unsafe-tag-test")


def _build(case: str, tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(MINI_RULES, target)
    shutil.copytree(CASES / case / "rules", target, dirs_exist_ok=True)
    return target


def _expected(case: str) -> list[str]:
    return [line for line in (CASES / case / "expected.txt").read_text(encoding="utf-8")
            .splitlines() if line.strip()]


CASE_NAMES = sorted(path.name for path in CASES.iterdir() if path.is_dir())


@pytest.mark.parametrize("case", CASE_NAMES)
def test_api_reports_every_expected_problem(case: str, tmp_path: Path) -> None:
    with pytest.raises(RuleBaseError) as caught:
        load_rulebase(_build(case, tmp_path))
    reported = [str(problem) for problem in caught.value.problems]
    assert reported == _expected(case)


@pytest.mark.parametrize("case", CASE_NAMES)
def test_cli_lists_problems_and_exits_3(case: str, tmp_path: Path, run_cli: RunCli) -> None:
    result = run_cli("rules", "validate", str(_build(case, tmp_path)))
    assert result.exit_code == ExitCode.RULEBASE, result
    for line in _expected(case):
        assert line in result.stderr.splitlines(), result
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_python_tag_is_rejected_and_never_run(tmp_path: Path) -> None:
    UNSAFE_MARKER.unlink(missing_ok=True)
    with pytest.raises(RuleBaseError) as caught:
        load_rulebase(_build("unsafe-tag", tmp_path))
    assert caught.value.problems[0].code == "unsafe-tag"
    assert not UNSAFE_MARKER.exists()


def test_several_problems_are_all_reported(tmp_path: Path) -> None:
    with pytest.raises(RuleBaseError) as caught:
        load_rulebase(_build("several-problems", tmp_path))
    codes = sorted({problem.code for problem in caught.value.problems})
    assert codes == ["condition", "unknown-evidence", "unknown-key"]


def test_missing_required_files_are_each_reported(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "rulebase.yaml").write_text("id: x\n", encoding="utf-8")
    with pytest.raises(RuleBaseError) as caught:
        load_rulebase(tmp_path / "rules")
    messages = [str(problem) for problem in caught.value.problems]
    for name in ("classes.yaml", "drugs.yaml", "evidence.yaml"):
        assert any(f"required file {name} is missing" in message for message in messages)
    assert any("rulebase.yaml" in message and "`version` is required" in message
               for message in messages)


def test_missing_rules_directory_is_a_usage_error(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("rules", "validate", "--rules", str(tmp_path / "nowhere"))
    assert result.exit_code == ExitCode.USAGE, result
    assert len(result.stderr.strip().splitlines()) == 1
    assert "rule base directory not found" in result.stderr


def test_sha256_changes_with_content(mini_copy: Path) -> None:
    before = load_rulebase(mini_copy).sha256
    drugs = mini_copy / "drugs.yaml"
    drugs.write_text(drugs.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert load_rulebase(mini_copy).sha256 != before

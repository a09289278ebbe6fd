"""`switchadvisor rules diff OLD_DIR NEW_DIR`: the answers two rule bases give, compared."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helpers import MINI_RULES, RunCli
from switchadvisor.diff import FACT_SETS
from switchadvisor.errors import ExitCode

CLADRIBINE = "cladribine-before-start-lymphocytes"
INVALID = Path(__file__).parent / "rulebase_invalid"


def _copy(tmp_path: Path, name: str = "new") -> Path:
    target = tmp_path / name
    shutil.copytree(MINI_RULES, target)
    return target


def _edit(rules: Path, file: str, old: str, new: str) -> None:
    path = rules / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_shipped_rule_base_against_itself_is_empty(run_cli: RunCli) -> None:
    from switchadvisor.resources import locate_rules

    rules = str(locate_rules().path)
    result = run_cli("rules", "diff", rules, rules, "-f", "json")
    assert result.exit_code == ExitCode.OK, result
    diff = json.loads(result.stdout)
    assert diff["identical"] is True
    assert diff["changes"] == []
    assert diff["switches_compared"] == 16 * 15
    assert [item["name"] for item in diff["fact_sets"]] == [item.name for item in FACT_SETS]


def test_identical_copies_have_no_differences(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("rules", "diff", str(MINI_RULES), str(_copy(tmp_path)))
    assert result.exit_code == ExitCode.OK, result
    assert result.stdout.rstrip().endswith("no differences")
    assert result.stderr == ""


def test_a_severity_edit_lists_every_switch_it_changes(run_cli: RunCli, tmp_path: Path) -> None:
    new = _copy(tmp_path)
    _edit(new, "drugs.yaml", f"id: {CLADRIBINE}\n          severity: critical",
          f"id: {CLADRIBINE}\n          severity: warning")
    result = run_cli("rules", "diff", str(MINI_RULES), str(new), "-f", "json")
    assert result.exit_code == ExitCode.FAIL_ON, result
    diff = json.loads(result.stdout)
    assert diff["identical"] is False
    assert diff["old"]["sha256"] != diff["new"]["sha256"]
    changed = {(item["from"], item["to"]) for item in diff["changes"]}
    assert changed == {("fingolimod", "cladribine"), ("alemtuzumab", "cladribine")}
    assert diff["switches_changed"] == 2
    # it fires with a low count, is not evaluated without one, does not fire with a normal one
    low = {item.name for item in FACT_SETS if float(item.facts.get("lymphocytes", 9)) < 1.0}
    unknown = {item.name for item in FACT_SETS if "lymphocytes" not in item.facts}
    severity = [{"id": CLADRIBINE, "old": "critical", "new": "warning"}]
    for pair in changed:
        rows = {item["fact_set"]: item["change"] for item in diff["changes"]
                if (item["from"], item["to"]) == pair}
        assert set(rows) == low | unknown
        for name in low:
            assert rows[name]["findings_severity"] == severity
            assert rows[name]["verdict"] == {"old": "critical", "new": "warning"}
        for name in unknown:
            assert rows[name]["not_evaluated_severity"] == severity


def test_a_condition_edit_shows_added_and_removed_findings(run_cli: RunCli,
                                                          tmp_path: Path) -> None:
    new = _copy(tmp_path)
    _edit(new, "drugs.yaml", "when: 'lymphocytes < lymphocytes_lln'", "when: 'lymphocytes < 0.8'")
    result = run_cli("rules", "diff", str(MINI_RULES), str(new))
    assert result.exit_code == ExitCode.FAIL_ON, result
    out = result.stdout
    assert "2 switches differ:" in out
    assert "\nalemtuzumab → cladribine\n  verdict: critical → info  [lymphocytes 0.9" in out
    assert "\nfingolimod → cladribine\n  verdict: critical → info  [lymphocytes 0.9" in out
    assert f"  - finding {CLADRIBINE} (critical)  [lymphocytes 0.9 (below the default LLN, " \
           "1.0)]" in out
    # and the other way round the finding is added
    back = run_cli("rules", "diff", str(new), str(MINI_RULES))
    assert f"  + finding {CLADRIBINE} (critical)" in back.stdout


def test_each_change_names_the_fact_sets_it_appears_under(run_cli: RunCli,
                                                          tmp_path: Path) -> None:
    new = _copy(tmp_path)
    _edit(new, "drugs.yaml", "id: fingolimod-after-stop-overlap\n          severity: warning",
          "id: fingolimod-after-stop-overlap\n          severity: critical")
    result = run_cli("rules", "diff", str(MINI_RULES), str(new))
    assert result.exit_code == ExitCode.FAIL_ON, result
    weeks = "2 weeks since stop; 8 weeks since stop; typical: 8 weeks, lymphocytes 1.5, active"
    # fired when the gap is short, not evaluated when no gap is given, silent at 26 weeks
    assert (f"  ~ finding fingolimod-after-stop-overlap: warning → critical  [{weeks}]"
            in result.stdout)
    assert ("  ~ not evaluated fingolimod-after-stop-overlap: warning → critical  [every fact "
            "set but 2 weeks since stop; 8 weeks since stop; 26 weeks since stop; typical: 8 "
            "weeks, lymphocytes 1.5, active; high risk: 26 weeks, lymphocytes 0.5, "
            "highly-active]" in result.stdout)


def test_drugs_only_in_one_rule_base_are_added_or_removed(run_cli: RunCli,
                                                          tmp_path: Path) -> None:
    new = _copy(tmp_path)
    _edit(new, "drugs.yaml", "  - id: cladribine\n",
          "  - id: siponimod\n    name: Siponimod\n    class: s1p-modulator\n"
          "    brands: [Mayzent]\n    route: oral\n  - id: cladribine\n")
    result = run_cli("rules", "diff", str(MINI_RULES), str(new), "-f", "json")
    assert result.exit_code == ExitCode.FAIL_ON, result
    diff = json.loads(result.stdout)
    assert diff["drugs_added"] == ["siponimod"]
    assert diff["switches_compared"] == 6
    assert len(diff["pairs_added"]) == 6
    assert {"from": "siponimod", "to": "cladribine"} in diff["pairs_added"]
    back = run_cli("rules", "diff", str(new), str(MINI_RULES))
    assert back.exit_code == ExitCode.FAIL_ON
    assert "drugs removed: siponimod (6 switches gone)" in back.stdout


def test_an_invalid_rule_base_exits_3_naming_it(run_cli: RunCli, tmp_path: Path) -> None:
    broken = _copy(tmp_path, "broken")
    shutil.copytree(INVALID / "unknown-key" / "rules", broken, dirs_exist_ok=True)
    result = run_cli("rules", "diff", str(MINI_RULES), str(broken))
    assert result.exit_code == ExitCode.RULEBASE, result
    assert f"NEW_DIR {broken}: invalid rule base" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("which", ["OLD_DIR", "NEW_DIR"])
def test_a_missing_directory_exits_2(run_cli: RunCli, tmp_path: Path, which: str) -> None:
    missing = str(tmp_path / "nowhere")
    args = (missing, str(MINI_RULES)) if which == "OLD_DIR" else (str(MINI_RULES), missing)
    result = run_cli("rules", "diff", *args)
    assert result.exit_code == ExitCode.USAGE
    assert f"{which}: rule base directory not found" in result.stderr


def test_the_readme_describes_the_fact_sets() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("**`switchadvisor rules diff OLD_DIR NEW_DIR`**", 1)[1]
    assert f"each of {len(FACT_SETS)} fixed fact sets" in section
    values = {str(value) for item in FACT_SETS for value in item.facts.values()} - {"True"}
    for value in values:
        assert value in section, value

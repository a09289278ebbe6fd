"""`switchadvisor options`: every other drug ranked, each with the findings that place it."""

from __future__ import annotations

import json
from typing import Any

from helpers import RunCli
from switchadvisor.errors import ExitCode
from switchadvisor.ranking import Strength
from switchadvisor.rulebase import EvidenceKind, RuleBase

RANK = {"info": 0, "warning": 1, "critical": 2}


def ranking(run_cli: RunCli, *args: str) -> dict[str, Any]:
    result = run_cli("options", "--format", "json", *args)
    assert result.exit_code == ExitCode.OK, result
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_ranks_every_other_drug_once(run_cli: RunCli, shipped_rulebase: RuleBase) -> None:
    data = ranking(run_cli, "--from", "Gilenya")
    assert data["from"] == "fingolimod"
    targets = [option["to"] for option in data["options"]]
    assert sorted(targets) == sorted(set(shipped_rulebase.drugs) - {"fingolimod"})
    assert [option["rank"] for option in data["options"]] == list(range(1, len(targets) + 1))


def test_order_is_verdict_then_worst_possible(run_cli: RunCli) -> None:
    options = ranking(run_cli, "--from", "natalizumab")["options"]
    keys = [(RANK[option["verdict"]], RANK[option["worst_possible"]]) for option in options]
    assert keys == sorted(keys)


def test_drivers_name_what_fired_and_what_could_make_it_worse(run_cli: RunCli) -> None:
    options = {option["to"]: option for option in
               ranking(run_cli, "--from", "fingolimod")["options"]}
    alemtuzumab = options["alemtuzumab"]
    fired, could = alemtuzumab["drivers"]
    assert fired["fired"] and fired["severity"] == alemtuzumab["verdict"]
    assert not could["fired"] and could["severity"] == "critical"
    # the first finding that could make it critical: contraception after fingolimod (needs the
    # pregnancy plan and the gap) comes before alemtuzumab's inactive-disease rule
    assert could["needs"] in (["--disease-activity"],
                              ["--pregnancy-planned / --no-pregnancy-planned",
                               "--weeks-since-stop (or --stopped)"])


def test_facts_move_a_drug_down(run_cli: RunCli) -> None:
    before = [option["to"] for option in ranking(run_cli, "--from", "fingolimod")["options"]]
    after = [option["to"] for option in
             ranking(run_cli, "--from", "fingolimod", "--lymphocytes", "0.4")["options"]]
    assert after.index("cladribine") > before.index("cladribine")
    assert after[-1] == "cladribine"  # the only critical verdict with these facts


def test_strength_drug_specific_first_then_kind_then_number() -> None:
    specific = Strength(specific=True, best_kind=EvidenceKind.CASE_REPORT, sources=1)
    cohort = Strength(specific=False, best_kind=EvidenceKind.COHORT, sources=3)
    label = Strength(specific=False, best_kind=EvidenceKind.LABEL, sources=9)
    more = Strength(specific=False, best_kind=EvidenceKind.COHORT, sources=5)
    ordered = sorted([label, cohort, specific, more], key=Strength.sort_key)
    assert ordered == [specific, more, cohort, label]


def test_text_lists_every_drug_within_80_columns(run_cli: RunCli,
                                                 shipped_rulebase: RuleBase) -> None:
    result = run_cli("options", "--from", "fingolimod", "--width", "80")
    assert result.exit_code == ExitCode.OK, result
    assert all(len(line) <= 80 and line == line.rstrip() for line in result.stdout.splitlines())
    for drug_id, drug in shipped_rulebase.drugs.items():
        if drug_id != "fingolimod":
            assert drug.name in result.stdout
    assert "Ranked by verdict" in result.stdout
    assert result.stdout.isascii()
    # a finding about stopping fingolimod places every option alike: said once, above
    assert result.stdout.count("Contraception for 2 months after fingolimod") == 1
    assert "Every option: could be critical: Contraception" in result.stdout


def test_unknown_drug_is_a_usage_error(run_cli: RunCli) -> None:
    result = run_cli("options", "--from", "nosuchdrug")
    assert result.exit_code == ExitCode.USAGE, result

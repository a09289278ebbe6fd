"""`explain`, `evidence` and `drugs`: the core lookups and the commands."""

from __future__ import annotations

import json

import pytest

from helpers import MINI_RULES, RunCli
from switchadvisor.errors import ExitCode, InputError
from switchadvisor.lookup import (
    DrugInfo,
    EvidenceInfo,
    FindingInfo,
    PathwayInfo,
    evidence_rows,
    explain,
)
from switchadvisor.rulebase import RuleBase

MINI = ("--rules", str(MINI_RULES))


# ------------------------------------------------------------------------------ the core


@pytest.mark.parametrize(("ident", "kind", "canonical"), [
    ("fingolimod-to-alemtuzumab-escape", "finding", "fingolimod-to-alemtuzumab-escape"),
    ("fingolimod--alemtuzumab", "pathway", "fingolimod--alemtuzumab"),
    ("fingolimod→alemtuzumab", "pathway", "fingolimod--alemtuzumab"),
    ("Gilenya--Lemtrada", "pathway", "fingolimod--alemtuzumab"),
    ("s1p-modulator--anti-cd52", "pathway", "s1p-modulator--anti-cd52"),
    ("Gilenya", "drug", "fingolimod"),
    ("fty720", "drug", "fingolimod"),
    ("s1p-modulator", "class", "s1p-modulator"),
    ("willis2017", "evidence", "willis2017"),
])
def test_explain_finds_every_kind_of_id(mini_rulebase: RuleBase, ident: str, kind: str,
                                        canonical: str) -> None:
    explained = explain(mini_rulebase, ident)
    assert (explained.kind, explained.id) == (kind, canonical)


def test_a_finding_says_where_it_applies_and_cites_both_ways(mini_rulebase: RuleBase) -> None:
    info = explain(mini_rulebase, "fingolimod-to-alemtuzumab-escape").item
    assert isinstance(info, FindingInfo)
    assert info.applies_to == (("fingolimod", "alemtuzumab"),)
    assert [entry.id for entry in info.evidence] == ["willis2017"]
    assert "frau2019" in [entry.id for entry in info.counter_evidence]


def test_a_class_finding_applies_to_every_pair_of_the_classes_unless_replaced(
        mini_rulebase: RuleBase) -> None:
    superseded = [rule.finding.supersedes for rule in mini_rulebase.findings.values()]
    target = next(ident for group in superseded for ident in group)
    info = explain(mini_rulebase, target).item
    assert isinstance(info, FindingInfo)
    assert ("fingolimod", "alemtuzumab") in info.superseded_in
    assert ("fingolimod", "alemtuzumab") not in info.applies_to


def test_a_condition_is_given_in_words(mini_rulebase: RuleBase) -> None:
    info = explain(mini_rulebase, "cladribine-before-start-lymphocytes").item
    assert isinstance(info, FindingInfo)
    assert info.condition == "the lymphocyte count < your lab's lower limit"


def test_an_evidence_id_lists_what_cites_it(mini_rulebase: RuleBase) -> None:
    info = explain(mini_rulebase, "frau2019").item
    assert isinstance(info, EvidenceInfo)
    assert "fingolimod-to-alemtuzumab-escape" in info.cited_against
    assert any(item.startswith("washout") for item in info.cited_for)


def test_a_drug_carries_its_figures_as_the_engine_gives_them(mini_rulebase: RuleBase) -> None:
    info = explain(mini_rulebase, "fingolimod").item
    assert isinstance(info, DrugInfo)
    texts = {figure.name: figure.text for figure in info.figures}
    assert texts["elimination"] == "up to 2 months"
    assert "fingolimod--alemtuzumab" in info.pathways


def test_a_pathway_lists_its_findings(mini_rulebase: RuleBase) -> None:
    info = explain(mini_rulebase, "fingolimod--alemtuzumab").item
    assert isinstance(info, PathwayInfo)
    assert "fingolimod-to-alemtuzumab-escape" in [finding.id for finding in info.findings]


def test_an_unknown_id_raises_with_the_closest_ids(mini_rulebase: RuleBase) -> None:
    with pytest.raises(InputError) as caught:
        explain(mini_rulebase, "fingolimod-to-alemtuzumab-escap")
    assert caught.value.suggestions[0] == "fingolimod-to-alemtuzumab-escape"


def test_evidence_rows_filter_by_kind_and_drug(mini_rulebase: RuleBase) -> None:
    cohorts = evidence_rows(mini_rulebase, kind="cohort")
    assert cohorts and all(row.kind == "cohort" for row in cohorts)
    cladribine = {row.id for row in evidence_rows(mini_rulebase, drug="Mavenclad")}
    assert "mavenclad-eu-4.2" in cladribine
    assert "willis2017" not in cladribine


# ------------------------------------------------------------------------------ commands


def test_explain_command_prints_the_rule_and_its_evidence_in_full(run_cli: RunCli) -> None:
    result = run_cli("explain", "fingolimod-to-alemtuzumab-escape", "--width", "80", *MINI)
    assert result.exit_code == ExitCode.OK, result
    for fragment in ("applies to", "fingolimod → alemtuzumab", "Evidence",
                     "Evidence that argues against it", "willis2017", "frau2019",
                     "PMID 28101520"):
        assert fragment in result.stdout, fragment
    assert all(line == line.rstrip() for line in result.stdout.splitlines())


def test_explain_unknown_id_exits_2_with_suggestions(run_cli: RunCli) -> None:
    result = run_cli("explain", "fingolimod-alemtuzumb", *MINI)
    assert result.exit_code == ExitCode.USAGE, result
    assert "did you mean" in result.stderr
    assert "fingolimod--alemtuzumab" in result.stderr
    assert "Traceback" not in result.stderr


def test_explain_nothing_close_still_exits_2(run_cli: RunCli) -> None:
    result = run_cli("explain", "zzzzzz", *MINI)
    assert result.exit_code == ExitCode.USAGE, result
    assert "no finding, pathway, drug, class or evidence with id 'zzzzzz'" in result.stderr


def test_evidence_command_lists_the_registry(run_cli: RunCli) -> None:
    result = run_cli("evidence", "--width", "80", *MINI)
    assert result.exit_code == ExitCode.OK, result
    assert result.stdout.startswith("Evidence (")
    assert "willis2017 · case series n=9 · Willis M 2017" in result.stdout
    assert "PMID 28101520" in result.stdout


def test_evidence_command_json(run_cli: RunCli) -> None:
    result = run_cli("evidence", "--kind", "cohort", "-f", "json", *MINI)
    rows = json.loads(result.stdout)
    assert rows and {row["kind"] for row in rows} == {"cohort"}
    assert set(rows[0]) >= {"id", "kind", "n", "first_author", "year", "journal", "doi",
                            "pmid"}


def test_evidence_command_bad_kind_exits_2(run_cli: RunCli) -> None:
    result = run_cli("evidence", "--kind", "cohrt", *MINI)
    assert result.exit_code == ExitCode.USAGE, result
    assert "did you mean cohort" in result.stderr


def test_drugs_command_has_a_header_and_figures(run_cli: RunCli) -> None:
    result = run_cli("drugs", "--width", "100", *MINI)
    assert result.exit_code == ExitCode.OK, result
    assert "Drug (brands)" in result.stdout and "Figures after the last dose" in result.stdout
    assert "still present: up to 2 months" in result.stdout
    assert "no verified figure" in result.stdout


def test_drugs_shows_every_figure_with_its_statistic(run_cli: RunCli) -> None:
    result = run_cli("drugs", "--width", "200")
    assert result.exit_code == ExitCode.OK, result
    text = result.stdout
    for words in ("B cells repleted: median 72 weeks; 90% by 2.5 years",  # ocrelizumab
                  "B cells repleted: median 24.6 weeks",  # ofatumumab
                  "lymphocytes recovered: 40% by 6 months; 80% by 12 months",  # alemtuzumab
                  "raised counts normalised: usually within 16 weeks",  # natalizumab
                  "plasma below threshold: mean 8 months; up to 2 years",  # teriflunomide
                  "rebound onset: usually within 12 weeks; up to 24 weeks"):  # fingolimod
        assert words in text, words
    assert "anti-cd52" not in text and "Anti-CD52" in text  # the class in words


@pytest.mark.parametrize("width", [80, 100, 120])
def test_drugs_fits_and_cuts_no_word(run_cli: RunCli, width: int) -> None:
    result = run_cli("drugs", "--width", str(width))
    assert result.exit_code == ExitCode.OK, result
    assert "…" not in result.stdout and "immunomodulators" in result.stdout
    assert all(len(line) <= width and line == line.rstrip()
               for line in result.stdout.splitlines())


def test_explain_drug_lists_its_figures_and_names_the_missing_ones_once(
        run_cli: RunCli) -> None:
    result = run_cli("explain", "teriflunomide", "--width", "100", "--no-pager")
    assert result.exit_code == ExitCode.OK, result
    lines = result.stdout.splitlines()
    plasma = next(line for line in lines if line.startswith("plasma below threshold"))
    assert plasma.split(maxsplit=3)[3] == "mean 8 months; up to 2 years [aubagio-eu-4.4]"
    assert result.stdout.count("no verified figure") == 1
    assert "lymphocytes recovered, B cells repleted" in result.stdout


def test_drugs_command_json(run_cli: RunCli) -> None:
    rows = json.loads(run_cli("drugs", "-f", "json", *MINI).stdout)
    fingolimod = next(row for row in rows if row["id"] == "fingolimod")
    assert fingolimod["brands"] == ["Gilenya"]
    assert {"name": "elimination", "text": "up to 2 months"}.items() <= next(
        figure for figure in fingolimod["figures"] if figure["name"] == "elimination").items()


def test_evidence_lines_that_wrap_keep_an_indent(run_cli: RunCli) -> None:
    """A source's line wraps to the right of the identifiers under it, never at the margin
    where the next source's id starts."""
    result = run_cli("evidence", "--width", "60", "--no-pager")
    assert result.exit_code == ExitCode.OK, result
    known = {row.id for row in evidence_rows(_shipped())}
    for line in result.stdout.splitlines()[1:]:
        if line.startswith("id · kind"):
            continue
        if not line.startswith(" "):
            assert line.split(" · ", 1)[0] in known, line  # only an id starts at the margin


def _shipped() -> RuleBase:
    from switchadvisor.rulebase import load_rulebase

    return load_rulebase()

"""`--format cds-hooks`: CDS Hooks cards, held to a schema written from the specification."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from helpers import MINI_RULES, RunCli
from switchadvisor import assess, load_rulebase
from switchadvisor.assessment import EvidenceOut
from switchadvisor.errors import ExitCode
from switchadvisor.render.cds_hooks import (
    EVIDENCE_STRENGTH,
    card_uuid,
    cds_hooks_schema,
    evidence_url,
    strongest_evidence,
)
from switchadvisor.rulebase import EvidenceKind

SCHEMA_FILE = Path(__file__).parent.parent / "schemas" / "cds-hooks.schema.json"
VALIDATOR = Draft202012Validator(cds_hooks_schema(), format_checker=FormatChecker())

SWITCHES = [
    ("fingolimod", "alemtuzumab"),
    ("fingolimod", "cladribine", "--lymphocytes", "0.5"),
    ("natalizumab", "fingolimod", "--weeks-since-stop", "6", "--jcv", "positive"),
    ("ocrelizumab", "rituximab", "--disease-activity", "highly-active"),
    ("teriflunomide", "ublituximab", "--pregnancy-planned"),
    ("Gilenya", "Mavenclad", "--lymphocytes", "1.5", "--weeks-since-stop", "26",
     "--disease-activity", "none"),
]


def _run(run_cli: RunCli, switch: tuple[str, ...], fmt: str, *extra: str) -> Any:
    result = run_cli("check", "--from", switch[0], "--to", switch[1], *switch[2:], "-f", fmt,
                     *extra)
    assert result.exit_code == ExitCode.OK, result
    return json.loads(result.stdout)


@pytest.mark.parametrize("switch", SWITCHES, ids=lambda switch: f"{switch[0]}-{switch[1]}")
def test_cards_validate_and_match_the_assessment(run_cli: RunCli,
                                                 switch: tuple[str, ...]) -> None:
    response = _run(run_cli, switch, "cds-hooks")
    assessment = _run(run_cli, switch, "json")
    errors = [error.message for error in VALIDATOR.iter_errors(response)]
    assert errors == []
    cards = response["cards"]
    fired = [card for card in cards if card["extension"]["switchadvisor"]["status"] == "fired"]
    # one card per fired finding, in the assessment's order, with its severity
    assert [card["extension"]["switchadvisor"]["finding"] for card in fired] == [
        finding["id"] for finding in assessment["findings"]]
    assert [card["indicator"] for card in fired] == [
        finding["severity"] for finding in assessment["findings"]]
    pending = [card for card in cards if card not in fired]
    assert len(pending) == (1 if assessment["not_evaluated"] else 0)
    if pending:
        assert pending[0]["indicator"] == max(
            (item["severity"] for item in assessment["not_evaluated"]),
            key=["info", "warning", "critical"].index)
        assert (pending[0]["extension"]["switchadvisor"]["findings"]
                == [item["id"] for item in assessment["not_evaluated"]])
    for card in cards:
        assert len(card["summary"]) < 140
        assert card["detail"].strip()
    for card, finding in zip(fired, assessment["findings"], strict=True):
        assert finding["message"] in card["detail"]
        for step in finding["trace"]:
            assert step["text"] in card["detail"]


def test_source_is_the_strongest_evidence_and_links_the_rest(run_cli: RunCli) -> None:
    response = _run(run_cli, ("fingolimod", "alemtuzumab"), "cds-hooks")
    assessment = _run(run_cli, ("fingolimod", "alemtuzumab"), "json")
    registry = {entry["id"]: entry for entry in assessment["evidence"]}
    for card, finding in zip(response["cards"], assessment["findings"], strict=False):
        entries = [registry[ref] for ref in finding["evidence"]]
        ranks = [EVIDENCE_STRENGTH.index(EvidenceKind(entry["kind"])) for entry in entries]
        strongest = entries[ranks.index(min(ranks))]
        assert card["source"]["url"] == _url(strongest)
        others = [entry for entry in entries if entry is not strongest]
        against = [registry[ref] for ref in finding["counter_evidence"]]
        assert [link["url"] for link in card.get("links", [])] == [
            _url(entry) for entry in [*others, *against]]
        assert all(link["label"].startswith("Argues the other way")
                   for link in card.get("links", [])[len(others):])


def _url(entry: dict[str, Any]) -> str:
    if entry["doi"]:
        return f"https://doi.org/{entry['doi']}"
    if entry["pmid"]:
        return f"https://pubmed.ncbi.nlm.nih.gov/{entry['pmid']}/"
    return str(entry["url"])


def test_same_input_gives_the_same_bytes(run_cli: RunCli) -> None:
    args = ("check", "--from", "fingolimod", "--to", "alemtuzumab", "-f", "cds-hooks")
    first, second = run_cli(*args), run_cli(*args)
    assert first.stdout == second.stdout
    assert first.stdout.endswith("}\n")


def test_uuids_follow_the_finding_and_the_rule_base_sha256(run_cli: RunCli,
                                                           tmp_path: Path) -> None:
    changed = tmp_path / "rules"
    shutil.copytree(MINI_RULES, changed)
    with (changed / "evidence.yaml").open("a", encoding="utf-8") as file:
        file.write("# a byte more: a different sha256\n")
    switch = ("fingolimod", "alemtuzumab", "--weeks-since-stop", "1")
    before = _run(run_cli, switch, "cds-hooks", "--rules", str(MINI_RULES))["cards"]
    after = _run(run_cli, switch, "cds-hooks", "--rules", str(changed))["cards"]
    sha_before = _run(run_cli, switch, "json", "--rules", str(MINI_RULES))["rulebase"]["sha256"]
    assert [card["summary"] for card in before] == [card["summary"] for card in after]
    assert not {card["uuid"] for card in before} & {card["uuid"] for card in after}
    for card in before:
        if card["extension"]["switchadvisor"]["status"] == "fired":
            finding = card["extension"]["switchadvisor"]["finding"]
            assert card["uuid"] == card_uuid(sha_before, finding)
    # the same finding in another switch: same rule base, same id, same uuid
    other = _run(run_cli, ("fingolimod", "cladribine", "--weeks-since-stop", "1"), "cds-hooks",
                 "--rules", str(MINI_RULES))
    shared = {card["extension"]["switchadvisor"]["finding"]: card["uuid"]
              for card in other["cards"] if "finding" in card["extension"]["switchadvisor"]}
    compared = 0
    for card in before:
        finding = card["extension"]["switchadvisor"].get("finding")
        if finding in shared:
            assert shared[finding] == card["uuid"]
            compared += 1
    assert compared


def test_long_titles_are_shortened_below_140(run_cli: RunCli, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(MINI_RULES, rules)
    drugs = rules / "drugs.yaml"
    long_title = "Fingolimod is still active " + "and still acting on lymphocytes " * 6
    drugs.write_text(drugs.read_text(encoding="utf-8").replace(
        "title: Fingolimod is still active", f"title: {long_title.strip()}"), encoding="utf-8")
    response = _run(run_cli, ("fingolimod", "alemtuzumab", "--weeks-since-stop", "1"),
                    "cds-hooks", "--rules", str(rules))
    summaries = [card["summary"] for card in response["cards"]]
    shortened = [summary for summary in summaries if summary.endswith("…")]
    assert shortened
    assert all(len(summary) < 140 for summary in summaries)
    assert VALIDATOR.is_valid(response)


# --------------------------------------------------------------------------- the schema


def test_committed_schema_matches_the_function() -> None:
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == cds_hooks_schema()
    assert SCHEMA_FILE.read_text(encoding="utf-8") == json.dumps(
        cds_hooks_schema(), indent=2, ensure_ascii=False) + "\n"


def test_schema_is_a_valid_draft_2020_12_schema_with_an_id() -> None:
    schema = cds_hooks_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"]


GOOD_CARD: dict[str, Any] = {
    "uuid": "12bc5b48-8cd1-5ce5-84bc-6d044b243743",
    "summary": "A short summary",
    "indicator": "warning",
    "source": {"label": "A source", "url": "https://example.org/source"},
}

BAD_CARDS = {
    "summary of 140 characters": {"summary": "x" * 140},
    "no summary": {"summary": None},
    "unknown indicator": {"indicator": "high"},
    "no source": {"source": None},
    "source without label": {"source": {"url": "https://example.org"}},
    "link of unknown type": {"links": [{"label": "l", "url": "https://e.org", "type": "x"}]},
    "link without type": {"links": [{"label": "l", "url": "https://e.org"}]},
    "appContext on an absolute link": {"links": [{"label": "l", "url": "https://e.org",
                                                  "type": "absolute", "appContext": "{}"}]},
    "suggestions without selectionBehavior": {"suggestions": [{"label": "Do it"}]},
    "unknown selectionBehavior": {"suggestions": [{"label": "Do it"}],
                                  "selectionBehavior": "all"},
    "override reason without display": {"overrideReasons": [{"code": "c", "system": "s"}]},
    "action of unknown type": {"suggestions": [{"label": "Do", "actions": [
        {"type": "replace", "description": "d"}]}], "selectionBehavior": "any"},
    "unknown field": {"colour": "red"},
    "uuid that is not a uuid": {"uuid": "card-1"},
}


@pytest.mark.parametrize("case", sorted(BAD_CARDS))
def test_schema_rejects_cards_the_specification_forbids(case: str) -> None:
    card = {**GOOD_CARD, **BAD_CARDS[case]}
    card = {key: value for key, value in card.items() if value is not None}
    assert VALIDATOR.is_valid({"cards": [GOOD_CARD]})
    assert not VALIDATOR.is_valid({"cards": [card]})


def test_schema_accepts_the_optional_fields_the_specification_allows() -> None:
    card = {**GOOD_CARD, "detail": "**Markdown**",
            "suggestions": [{"label": "Order", "uuid": "s1", "isRecommended": True,
                             "actions": [{"type": "delete", "description": "Remove",
                                          "resourceId": "ServiceRequest/1"}]}],
            "selectionBehavior": "at-most-one",
            "overrideReasons": [{"code": "c", "system": "s", "display": "Patient refused"}],
            "links": [{"label": "App", "url": "https://smart.example.org/launch",
                       "type": "smart", "appContext": "{}"}],
            "source": {"label": "S", "topic": {"code": "1", "system": "s"}}}
    assert VALIDATOR.is_valid({"cards": [card], "systemActions": []})
    assert VALIDATOR.is_valid({"cards": []})


# ------------------------------------------------------------------------ evidence order


def _entry(kind: str, ref: str, *, doi: str | None = None, pmid: str | None = None,
           url: str | None = "https://example.org/x") -> EvidenceOut:
    """An evidence entry of the mini rule base, re-labelled (so new fields need no care)."""
    template = assess(load_rulebase(MINI_RULES), "fingolimod", "alemtuzumab").evidence[0]
    return replace(template, id=ref, kind=EvidenceKind(kind), doi=doi, pmid=pmid, url=url)


@pytest.mark.parametrize(("kinds", "expected"), [
    (["review", "cohort", "label"], "c"),
    (["case-report", "case-series"], "b"),
    (["expert-opinion", "review"], "b"),
    (["rct", "guideline"], "b"),
    (["cohort", "cohort"], "a"),  # a tie keeps the author's order
])
def test_strongest_evidence(kinds: list[str], expected: str) -> None:
    entries = [_entry(kind, ref) for kind, ref in zip(kinds, "abc", strict=False)]
    chosen = strongest_evidence(entries)
    assert chosen is not None and chosen.id == expected
    assert strongest_evidence([]) is None


@pytest.mark.parametrize(("doi", "pmid", "url", "expected"), [
    ("10.1000/x1", "12345678", "https://e.org", "https://doi.org/10.1000/x1"),
    (None, "12345678", "https://e.org", "https://pubmed.ncbi.nlm.nih.gov/12345678/"),
    (None, None, "https://e.org", "https://e.org"),
])
def test_evidence_url(doi: str | None, pmid: str | None, url: str | None,
                      expected: str) -> None:
    assert evidence_url(_entry("cohort", "a", doi=doi, pmid=pmid, url=url)) == expected

"""Citations a clinician can use (issue 7 §6): no research notes in anything a user sees, label
citations that name their holder and the version read, verified identifiers, and a validator
that refuses a rule base breaking any of this (exit 3, file:line)."""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import RunCli
from switchadvisor.engine import Switch, assess
from switchadvisor.errors import ExitCode
from switchadvisor.rulebase import EvidenceKind, RuleBase
from switchadvisor.rulebase.wording import BANNED_PHRASES, RENDERED_KEYS

BANNED = [re.compile(pattern, re.IGNORECASE) for pattern, _ in BANNED_PHRASES]

# Research notes found in the shipped rule base by the clinical review; each must be refused.
NOTES = [
    "[author list beyond the first not shown on the page seen]",
    "Skattebøl [initial not shown], et al.",
    "the Mount Sinai Scholars record dates the issue February 2022",
    "Aubagio (teriflunomide) EU SmPC; copy on 120ty.net (read 2026)",
    "US Prescribing Information (label holder not named in the dossier)",
    "No study in the dossier looks at natalizumab after alemtuzumab.",
    "but the abstract seen does not say which drug it disfavoured",
    "(alping2016, observational; figures from a news summary).",
    "(read in a reproduction of an older label copy)",
    "(effect sizes were not in the part of the page read)",
    "number of patients and results not in the text seen",
]


@pytest.mark.parametrize("note", NOTES)
def test_each_research_note_of_the_review_is_banned(note: str) -> None:
    assert any(pattern.search(note) for pattern in BANNED), note


ALLOWED = [
    "No published study of this switch was found in the evidence review of November 2026.",
    "Class-level inference: it is not recommended by the label.",
    "A review table citing this section reports a median of 72 weeks.",
    "(as restated by the holder)",
    "undated revision; check the current SmPC",
    "the study does not say which drugs it counted as low-efficacy",
]


@pytest.mark.parametrize("text", ALLOWED)
def test_clinical_wording_is_not_banned(text: str) -> None:
    assert not any(pattern.search(text) for pattern in BANNED), text


def _all_pairs(rulebase: RuleBase) -> list[tuple[str, str]]:
    return list(itertools.permutations(sorted(rulebase.drugs), 2))


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for child in value.values():
            yield from _strings(child)
    elif isinstance(value, list):
        for child in value:
            yield from _strings(child)
    elif isinstance(value, str):
        yield " ".join(value.split())


def test_no_banned_phrase_in_any_rendered_field_of_any_pair(
        shipped_rulebase: RuleBase) -> None:
    """Every string of every ordered pair's Assessment (what JSON, Markdown and text render)."""
    pairs = _all_pairs(shipped_rulebase)
    assert len(pairs) == 240
    seen: dict[str, str] = {}
    for from_id, to_id in pairs:
        assessment = assess(shipped_rulebase, Switch.resolve(shipped_rulebase, from_id, to_id))
        for text in _strings(assessment.to_dict()):
            seen.setdefault(text, f"{from_id}→{to_id}")
    found = [f"{pair}: {match.group(0)}" for text, pair in seen.items()
             for pattern in BANNED if (match := pattern.search(text))]
    assert found == []


def test_every_label_names_its_holder_and_the_version_read(shipped_rulebase: RuleBase) -> None:
    labels = [entry for entry in shipped_rulebase.evidence.values()
              if entry.kind is EvidenceKind.LABEL]
    assert labels
    for entry in labels:
        assert entry.holder and entry.version, entry.id
        # the year printed is the revision's, never the year the copy was read
        assert entry.year is None or entry.year < 2026, entry.id


HOLDERS = [
    ("ponvory-us-5", "Vanda Pharmaceuticals Inc."),
    ("mavenclad-us-boxed", "EMD Serono, Inc."),
    ("mayzent-us-5.11", "Novartis Pharmaceuticals Corporation"),
    ("ocrevus-us-4", "Genentech, Inc."),
]


@pytest.mark.parametrize(("entry_id", "holder"), HOLDERS)
def test_holders_are_the_current_ones(shipped_rulebase: RuleBase, entry_id: str,
                                      holder: str) -> None:
    assert shipped_rulebase.evidence[entry_id].holder == holder


IDENTIFIERS = [
    ("landi_fty_stop", "10.1007/s00415-021-10658-8", "34136943"),
    ("pfeuffer2021", None, "33712515"),
    ("cossburn2011", "10.1212/WNL.0b013e318228bec5", None),
    ("leurs2018", "10.1177/1352458517726381", "28823223"),
]


@pytest.mark.parametrize(("entry_id", "doi", "pmid"), IDENTIFIERS)
def test_identifiers_verified_since_the_first_dossier(shipped_rulebase: RuleBase,
                                                      entry_id: str, doi: str | None,
                                                      pmid: str | None) -> None:
    entry = shipped_rulebase.evidence[entry_id]
    assert (entry.doi, entry.pmid) == (doi, pmid)
    verified = (Path(__file__).parents[1] / "rules" / "VERIFIED.md").read_text(encoding="utf-8")
    row = next(line for line in verified.splitlines() if line.startswith(f"| {entry_id} |"))
    assert "http" in row
    for identifier in (doi, pmid):
        if identifier:
            assert identifier in row


@pytest.mark.parametrize("output_format", ["text", "markdown", "json"])
def test_citations_show_holder_and_version(run_cli: RunCli, output_format: str) -> None:
    # citations in full: the text card lists ids only, so text uses --full
    full = ["--full"] if output_format == "text" else []
    result = run_cli("check", "--from", "natalizumab", "--to", "ponesimod", "-f",
                     output_format, "--width", "300", *full)
    assert result.exit_code == ExitCode.OK, result
    if output_format == "json":
        entry = next(item for item in json.loads(result.stdout)["evidence"]
                     if item["id"] == "tysabri-us-boxed")
        assert entry["holder"] == "Biogen Inc."
        assert entry["version"] == "current openFDA record at the November 2026 review"
        assert entry["year"] is None
    else:
        text = " ".join(result.stdout.split())
        assert "Biogen Inc. (n.d.)" in text
        assert "Version: current openFDA record at the November 2026 review." in text


# ------------------------------------------------------------------- validation enforces it

BROKEN = [
    # file, text replaced, replacement, expected code
    ("pathways/fingolimod--alemtuzumab.yaml", "summary: Lymphocytes",
     "summary: No study in the dossier. Lymphocytes", "provenance-wording"),
    ("evidence.yaml", "    holder: Merck KGaA\n", "", "label-holder"),
    ("evidence.yaml", "    version: 2017 revision\n", "", "label-version"),
    ("evidence.yaml", "Lymphocyte counts must be normal",
     "Lymphocyte counts (read 2026) must be normal", "provenance-wording"),
]


@pytest.mark.parametrize(("relpath", "old", "new", "code"), BROKEN,
                         ids=[f"{code}-{relpath}" for relpath, _, _, code in BROKEN])
def test_validate_refuses_notes_and_incomplete_labels(run_cli: RunCli, mini_copy: Path,
                                                      relpath: str, old: str, new: str,
                                                      code: str) -> None:
    path = mini_copy / relpath
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = run_cli("rules", "validate", str(mini_copy))
    assert result.exit_code == ExitCode.RULEBASE, result
    lines = [line for line in result.stderr.splitlines() if line.endswith(f"[{code}]")]
    assert len(lines) == 1, result
    assert re.match(rf"rules/{re.escape(relpath)}:\d+:\d+: ", lines[0]), lines[0]


def test_every_rendered_field_of_the_models_is_checked() -> None:
    """The wording check walks the keys that reach a user; ids, urls and conditions are not."""
    assert {"title", "message", "summary", "basis", "reason", "finding", "source", "authors",
            "note", "holder", "version", "n_note", "section", "description"} <= RENDERED_KEYS
    assert not {"id", "url", "doi", "pmid", "when", "seen_at", "evidence"} & RENDERED_KEYS


def test_no_finding_cites_a_label_read_only_in_a_review_table(
        shipped_rulebase: RuleBase) -> None:
    """Clinical review 2026-11-29: figures read in the Schweitzer 2021 review's tables are cited
    to that review (kind review), not to a label entry whose text was never read."""
    review_url = "pmc.ncbi.nlm.nih.gov/articles/PMC8217029"
    via_review = {entry_id for entry_id, entry in shipped_rulebase.evidence.items()
                  if entry.kind is EvidenceKind.LABEL and review_url in (entry.url or "")}
    assert "schweitzer2021" in shipped_rulebase.evidence
    assert via_review == set()  # such a label entry would be cited as label text
    citing = [f"{finding_id} cites {entry_id}"
              for finding_id, located in shipped_rulebase.findings.items()
              for entry_id in (*located.finding.evidence, *located.finding.counter_evidence)
              if entry_id in via_review]
    parts = [*shipped_rulebase.classes.values(), *shipped_rulebase.drugs.values(),
             *(rules.pathway for rules in shipped_rulebase.pathways.values())]
    citing += [f"{where} cites {entry_id}" for part in parts
               for where, entry_id in _cited_ids(dataclasses.asdict(part), "")
               if entry_id in via_review]
    assert citing == []


def _cited_ids(data: object, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("evidence", "counter_evidence") and isinstance(value, list):
                yield from ((f"{where}.{key}", item) for item in value if isinstance(item, str))
            else:
                yield from _cited_ids(value, f"{where}.{key}")
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from _cited_ids(item, f"{where}[{index}]")


def test_every_banned_phrase_needs_one_of_the_gate_keywords() -> None:
    """The wording check skips strings without a keyword, so each phrase must contain one."""
    from switchadvisor.rulebase.wording import BANNED_PHRASES, KEYWORDS

    for pattern, _ in BANNED_PHRASES:
        assert any(word in pattern for word in KEYWORDS), pattern

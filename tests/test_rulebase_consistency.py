"""Invariants of the shipped rule base: complete, cited, verified, tidy."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from switchadvisor import Switch, assess
from switchadvisor.resources import locate_rules
from switchadvisor.rulebase import RuleBase, load_rulebase

RULES = locate_rules().path
_SHIPPED = load_rulebase()
PAIRS = list(itertools.permutations(sorted(_SHIPPED.drugs), 2))


def test_the_sixteen_drugs_and_eight_classes() -> None:
    assert len(_SHIPPED.drugs) == 16
    assert set(_SHIPPED.classes) == {
        "s1p-modulator", "anti-cd20", "anti-cd52", "purine-analogue", "anti-integrin",
        "fumarate", "dhodh-inhibitor", "injectable-immunomodulator"}
    assert len(PAIRS) == 240


@pytest.mark.parametrize(("from_id", "to_id"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_every_ordered_pair_gets_a_cited_answer(shipped_rulebase: RuleBase, from_id: str,
                                                to_id: str) -> None:
    from_drug, to_drug = shipped_rulebase.drugs[from_id], shipped_rulebase.drugs[to_id]
    assert (shipped_rulebase.pathway(from_id, to_id) is not None
            or shipped_rulebase.pathway(from_drug.class_, to_drug.class_) is not None)
    assessment = assess(shipped_rulebase, Switch.resolve(shipped_rulebase, from_id, to_id))
    assert assessment.findings, "no finding fired"
    assert all(item.evidence for item in assessment.findings)
    assert assessment.evidence


def test_every_evidence_entry_is_cited(shipped_rulebase: RuleBase) -> None:
    cited: set[str] = set()
    for rule in shipped_rulebase.findings.values():
        cited.update(rule.finding.evidence, rule.finding.counter_evidence)
    for drug in shipped_rulebase.drugs.values():
        for figure in drug.after_stopping.figures:
            cited.update(figure.evidence)
    for drug_class in shipped_rulebase.classes.values():
        cited.update(drug_class.evidence)
    for pathway in shipped_rulebase.pathways.values():
        if pathway.pathway.washout:
            cited.update(pathway.pathway.washout.evidence)
        for alternative in pathway.pathway.alternatives:
            cited.update(alternative.evidence)
    assert sorted(set(shipped_rulebase.evidence) - cited) == []


def test_every_doi_and_pmid_is_listed_in_verified_md(shipped_rulebase: RuleBase) -> None:
    verified = (RULES / "VERIFIED.md").read_text(encoding="utf-8").lower()
    missing = []
    for entry in shipped_rulebase.evidence.values():
        for identifier in (entry.doi, entry.pmid):
            if identifier and identifier.lower() not in verified:
                missing.append(f"{entry.id}: {identifier}")
    assert missing == []


def test_verified_md_rows_give_a_url(shipped_rulebase: RuleBase) -> None:
    verified = (RULES / "VERIFIED.md").read_text(encoding="utf-8")
    for entry in shipped_rulebase.evidence.values():
        if entry.doi or entry.pmid:
            row = next((line for line in verified.splitlines()
                        if line.startswith("|") and f" {entry.id} " in line), None)
            assert row is not None and "http" in row, entry.id


def test_no_unverifiable_figure_is_stated() -> None:
    text = "\n".join(path.read_text(encoding="utf-8") for path in RULES.rglob("*.yaml"))
    # "15–25% of baseline" (a range) is a verified cladribine figure; a bare 25% is not.
    assert not re.search(r"(?<![–\-\d])25\s?%", text), "the unverified 25% figure is stated"


@pytest.mark.parametrize("name", ["evidence.yaml", "drugs.yaml", "classes.yaml"])
def test_registries_are_sorted_by_id(name: str) -> None:
    text = (RULES / name).read_text(encoding="utf-8")
    # Entries added by a parallel review are appended after APPENDED (to keep merges easy);
    # each part is sorted, and the integrator folds the appended part into place.
    for part in text.split(APPENDED):
        ids = re.findall(r"^  - id: (\S+)$", part, re.MULTILINE)
        assert ids == sorted(ids)


APPENDED = "\n  # --- appended by the figures review (issue 7); sorted into place when merged ---\n"


def test_rituximab_is_marked_off_label(shipped_rulebase: RuleBase) -> None:
    assert shipped_rulebase.drugs["rituximab"].off_label
    assert [drug for drug in shipped_rulebase.drugs.values() if drug.off_label] == [
        shipped_rulebase.drugs["rituximab"]]


def test_pathway_files_are_named_after_their_switch() -> None:
    for path in (RULES / "pathways").glob("*.yaml"):
        assert re.fullmatch(r"[a-z0-9-]+--[a-z0-9-]+\.yaml", path.name), path.name
    assert Path(RULES / "scenarios").is_dir()

"""The severity policy (README, "Severity policy"): every finding's severity follows from its
basis and the kinds of its evidence, and its wording matches; and no rendered pathway or
before-starting text carries research notes or garbled template sentences."""

from __future__ import annotations

import itertools
import re

import pytest
from pydantic import TypeAdapter

from switchadvisor import assess
from switchadvisor.rulebase import EvidenceKind, Finding, RuleBase, Severity, load_rulebase
from switchadvisor.rulebase.models import Basis, Layer
from switchadvisor.rulebase.severity_policy import check, expected_severity, problems

_SHIPPED = load_rulebase()
FINDING_IDS = sorted(_SHIPPED.findings)
PAIRS = list(itertools.permutations(sorted(_SHIPPED.drugs), 2))
KINDS = {
    "label-a": EvidenceKind.LABEL, "cohort-a": EvidenceKind.COHORT, "rct-a": EvidenceKind.RCT,
    "case-a": EvidenceKind.CASE_REPORT, "series-a": EvidenceKind.CASE_SERIES,
    "expert-a": EvidenceKind.EXPERT_OPINION, "review-a": EvidenceKind.REVIEW,
}


def _finding(**fields: object) -> Finding:
    values: dict[str, object] = {
        "id": "made-up", "severity": "critical", "basis": "contraindication",
        "title": "A made-up finding", "message": "The label contraindicates this drug here.",
        "evidence": ["label-a"],
    }
    values.update(fields)
    return TypeAdapter(Finding).validate_python(values)


# ------------------------------------------------------------------ the shipped rule base


@pytest.mark.parametrize("finding_id", FINDING_IDS)
def test_each_shipped_finding_follows_the_policy(shipped_rulebase: RuleBase,
                                                 finding_id: str) -> None:
    finding = shipped_rulebase.findings[finding_id].finding
    kinds = {entry_id: entry.kind for entry_id, entry in shipped_rulebase.evidence.items()}
    assert problems(finding, kinds) == []


def test_the_whole_rule_base_agrees_with_the_policy(shipped_rulebase: RuleBase) -> None:
    assert check(shipped_rulebase) == []


def test_a_label_contraindication_read_as_label_text_outranks_a_secondary_not_recommended(
        shipped_rulebase: RuleBase) -> None:
    """The inconsistency the review found: EU fingolimod contraindication (warning) below a
    secondary-source "not recommended" (critical)."""
    contraindication = shipped_rulebase.findings["fingolimod-before-start-immunocompromised"]
    secondary = shipped_rulebase.findings["alemtuzumab-to-siponimod-not-recommended"]
    assert contraindication.finding.severity is Severity.CRITICAL
    assert secondary.finding.secondary
    assert secondary.finding.severity.rank < contraindication.finding.severity.rank


# --------------------------------------------------------------------- the policy itself


@pytest.mark.parametrize(("basis", "secondary", "inference", "expected"), [
    ("contraindication", False, False, "critical"),
    ("must", False, False, "critical"),
    ("not-recommended", False, False, "critical"),
    ("not-recommended", True, False, "warning"),
    ("not-recommended", True, True, "info"),
    ("caution", False, False, "warning"),
    ("caution", False, True, "info"),
    ("cohort-signal", False, False, "warning"),
    ("cohort-signal", False, True, "info"),
    ("consensus", False, False, "warning"),
    ("case-signal", False, False, "info"),
    ("check", False, True, "info"),
    ("information", False, False, "info"),
])
def test_expected_severity_by_basis(basis: str, secondary: bool, inference: bool,
                                    expected: str) -> None:
    finding = _finding(basis=basis, secondary=secondary, inference=inference)
    assert expected_severity(finding) is Severity(expected)


@pytest.mark.parametrize(("fields", "complaint"), [
    ({"basis": None}, "has no basis"),
    ({"severity": "warning"}, "is warning but basis contraindication"),
    ({"evidence": ["cohort-a"]}, "needs evidence of kind label"),
    ({"basis": "case-signal", "severity": "critical", "evidence": ["case-a", "series-a"],
      "message": "Three cases of activity."}, "case-level evidence alone cannot be critical"),
    ({"basis": "cohort-signal", "severity": "warning", "evidence": ["case-a"],
      "message": "A signal of harm in people."}, "needs evidence of kind cohort or rct"),
    ({"message": "The label advises care here."}, "the message does not say so"),
    ({"basis": "must", "message": "Consider a blood count."}, "the message does not say so"),
    ({"basis": "information", "severity": "info",
      "message": "The drug must not be given with active hepatitis B."},
     "says 'must not' but its basis is information"),
    ({"basis": "caution", "severity": "warning",
      "message": "The label says this is contraindicated."},
     "says 'contraindicat' but its basis is caution"),
    ({"basis": "cohort-signal", "severity": "info", "secondary": True, "evidence": ["cohort-a"],
      "message": "A signal of harm in people."},
     "only a label basis can be read through a secondary source"),
    ({"inference": True, "severity": "warning"}, "must say so in its title or message"),
])
def test_policy_problems_are_reported(fields: dict[str, object], complaint: str) -> None:
    found = problems(_finding(**fields), KINDS)
    assert any(complaint in problem for problem in found), found


def test_a_finding_that_agrees_has_no_problems() -> None:
    assert problems(_finding(), KINDS) == []
    inferred = _finding(basis="check", severity="info", inference=True,
                        title="Hepatitis B before X (class inference)",
                        message="Active hepatitis B is a contraindication for the class.")
    assert problems(inferred, KINDS) == []


def test_basis_values_are_the_documented_ones() -> None:
    assert [basis.value for basis in Basis] == [
        "contraindication", "must", "not-recommended", "caution", "cohort-signal", "consensus",
        "case-signal", "check", "information"]


# ---------------------------------------------------------- rendered text, all 240 pairs

PROVENANCE = re.compile(
    r"in the dossier|the dossier|no study in the|not shown|read 2026|per the [^.]* record|"
    r"secondary source|abstract seen|abstract not seen|news summary|not seen|summary seen|"
    r"seen in a|suppresses immunity", re.I)
GARBLED_FIGURE = re.compile(r"\bno verified figure\b", re.I)
OWN_LAYERS = {Layer.DRUG_PAIR, Layer.CLASS_PAIR, Layer.BEFORE_STARTING}


def _rendered(from_id: str, to_id: str) -> list[tuple[str, str]]:
    """(where, text) for every pathway or before-starting text a user sees for one pair."""
    result = assess(_SHIPPED, from_id, to_id, lymphocytes=0.5, weeks_since_stop=2,
                    disease_activity="active", pregnancy_planned=True, jcv="positive")
    texts = [("summary", summary) for summary in result.summary]
    texts += [(finding.id, f"{finding.title} {finding.message}")
              for finding in result.findings if finding.layer in OWN_LAYERS]
    texts += [(f"alternative {item.to}", item.reason) for item in result.alternatives]
    return texts


@pytest.mark.parametrize(("from_id", "to_id"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_no_research_notes_in_pathway_text(from_id: str, to_id: str) -> None:
    bad = [(where, match.group(0)) for where, text in _rendered(from_id, to_id)
           for match in [PROVENANCE.search(text)] if match]
    assert bad == []


def test_literature_findings_use_the_agreed_sentence() -> None:
    result = assess(_SHIPPED, "ocrelizumab", "natalizumab")
    no_study = next(item for item in result.findings
                    if item.id == "class-anti-cd20-to-anti-integrin-no-pair-evidence")
    assert no_study.message.startswith(
        "No published study of this switch was found in the evidence review of November 2026.")


@pytest.mark.parametrize(("from_id", "to_id"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_before_starting_text_never_embeds_a_missing_figure(from_id: str, to_id: str) -> None:
    bad = [where for where, text in _rendered(from_id, to_id)
           if GARBLED_FIGURE.search(text) and not where.startswith(("summary", "alternative"))
           and _SHIPPED.findings[where].layer is Layer.BEFORE_STARTING]
    assert bad == []


def test_new_starting_checks_belong_to_their_drug_only() -> None:
    """Unconditional starting checks appear when that drug is started, never otherwise."""
    checks = {"ocrelizumab-before-start-hbv": "ocrelizumab",
              "rituximab-before-start-hbv": "rituximab",
              "siponimod-before-start-blood-count": "siponimod",
              "siponimod-before-start-vzv": "siponimod",
              "fingolimod-before-start-checks": "fingolimod",
              "cladribine-before-start-contraindications": "cladribine"}
    for from_id, to_id in PAIRS:
        fired = {item.id for item in assess(_SHIPPED, from_id, to_id).findings}
        for finding_id, drug in checks.items():
            assert (finding_id in fired) == (to_id == drug), (from_id, to_id, finding_id)

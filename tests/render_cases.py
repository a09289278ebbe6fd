"""Assessments built by hand (no engine) for the renderer tests."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from switchadvisor.assessment import (
    Alternative,
    Assessment,
    Bound,
    DrugRef,
    EvidenceOut,
    FactReading,
    Figure,
    FiredFinding,
    NotEvaluated,
    NotFired,
    RuleBaseInfo,
    Superseded,
    SwitchInfo,
    TraceStep,
    Washout,
    WashoutPosition,
)
from switchadvisor.rulebase import EvidenceKind, Layer, Severity

LONG_URL = ("https://example.org/a/very/long/path/that/does/not/fit/on/one/line/of/sixty/"
            "columns/at/all/report.html")
LONG_TITLE = ("A deliberately long finding title that cannot fit on one line at sixty columns "
              "and must wrap under itself")
LONG_REASON = ("A reason long enough to wrap at every width tested here: it goes on and on "
               "about registries, cohorts and labels so that the continuation lines show "
               "whether they keep their indent.")


def source(ident: str, kind: EvidenceKind, n: int | None = None, *,
           cited_for: list[str] | None = None, cited_against: list[str] | None = None,
           url: str | None = None) -> EvidenceOut:
    return EvidenceOut(
        id=ident, kind=kind, authors="Author A, Author B", title=f"The {ident} study",
        source="J Test 2020;1(1):1–2", year=2020,
        doi=None if url else f"10.1000/{ident}", pmid=None if url else "12345678", url=url,
        section="4.4" if kind is EvidenceKind.LABEL else None, n=n, n_note=None,
        finding=f"What {ident} found, in a sentence long enough to wrap at sixty columns.",
        cited_for=cited_for if cited_for is not None else ["finding-one"],
        cited_against=cited_against or [])


def hand_built(**update: Any) -> Assessment:
    """fingolimod → alemtuzumab with one fact given, two findings, two not evaluated, …"""
    drug = {"matched_as": "generic"}
    assessment = Assessment(
        tool_version="0.0.0",
        rulebase=RuleBaseInfo(id="test-rules", version="2026.1.0", reviewed="2026-01-15",
                              sha256="0" * 64),
        switch=SwitchInfo(
            from_=DrugRef(id="fingolimod", name="Fingolimod", drug_class="s1p-modulator",
                          class_name="S1P receptor modulators", input="fingolimod", **drug),
            to=DrugRef(id="alemtuzumab", name="Alemtuzumab", drug_class="anti-cd52",
                       class_name="Anti-CD52 antibody", input="alemtuzumab", **drug),
            pathways=["fingolimod→alemtuzumab"]),
        summary=["A summary of the pathway."],
        facts=[FactReading(name="lymphocytes", value=0.6, unit="×10⁹/L",
                           read_as="600 cells/µL = 0.60 ×10⁹/L", source="given"),
               FactReading(name="lymphocytes_lln", value=1.0, unit="×10⁹/L",
                           read_as="1.00 ×10⁹/L (default)", source="default")],
        verdict=Severity.WARNING,
        worst_possible=Severity.CRITICAL,
        washout=Washout(min=Bound(weeks=4.0, text="4 weeks"), max=Bound(weeks=8.0,
                                                                       text="8 weeks"),
                        window="4 weeks to 8 weeks", basis="Expert opinion.",
                        evidence=["label-a"], layer=Layer.DRUG_PAIR,
                        origin="fingolimod→alemtuzumab", weeks_since_stop=None,
                        position=WashoutPosition.UNKNOWN,
                        explanation="give --weeks-since-stop or --stopped to place the gap"),
        figures=[Figure(name="elimination", drug="fingolimod", measure="drug-present",
                        statistic="upper-bound", weeks=8.7, text="up to 2 months",
                        evidence=["label-a"])],
        findings=[
            FiredFinding(id="finding-one", severity=Severity.WARNING, title="Early breakthrough",
                         message="Case series describe early activity.", layer=Layer.DRUG_PAIR,
                         origin="fingolimod→alemtuzumab", condition=None,
                         trace=[TraceStep(text="always applies to this switch", result=True)],
                         evidence=["series-a", "series-b"],
                         counter_evidence=["cohort-a", "cohort-b", "cohort-c"]),
            FiredFinding(id="finding-two", severity=Severity.INFO, title=LONG_TITLE,
                         message="Lymphocytes are low.", layer=Layer.AFTER_STOPPING,
                         origin="fingolimod", condition="lymphocytes < lymphocytes_lln",
                         trace=[TraceStep(text="lymphocytes 600 cells/µL = 0.60 ×10⁹/L is below "
                                          "your lab's lower limit 1.00 ×10⁹/L (default)",
                                          result=True)],
                         evidence=["cohort-a", "label-a"], counter_evidence=[]),
        ],
        not_evaluated=[
            NotEvaluated(id="pending-critical", severity=Severity.CRITICAL,
                         title="Not recommended for inactive disease",
                         layer=Layer.BEFORE_STARTING, origin="alemtuzumab",
                         condition='disease_activity == "none"', needs=["disease_activity"],
                         options=["--disease-activity"],
                         decides="fires if disease activity is none",
                         trace=[TraceStep(text="disease activity: not given", result=None)],
                         evidence=["label-a"], counter_evidence=[]),
            NotEvaluated(id="pending-warning", severity=Severity.WARNING, title=LONG_TITLE,
                         layer=Layer.AFTER_STOPPING, origin="fingolimod",
                         condition="weeks_since_stop < from.elimination.max",
                         needs=["weeks_since_stop"],
                         options=["--weeks-since-stop (or --stopped)"],
                         decides="fires if time since the last dose < Fingolimod's "
                         "elimination after stopping 8.7 weeks (up to 2 months)",
                         trace=[TraceStep(text="time since the last dose: not given",
                                          result=None)],
                         evidence=["label-a"], counter_evidence=[]),
        ],
        not_fired=[NotFired(id="quiet-one", severity=Severity.WARNING, title="A quiet rule",
                            layer=Layer.AFTER_STOPPING, origin="fingolimod",
                            condition="age > 60",
                            trace=[TraceStep(text="age 40 years is at or below 60 years",
                                             result=False)])],
        superseded=[Superseded(id="class-level-finding-with-a-long-identifier",
                               title=LONG_TITLE, layer=Layer.CLASS_PAIR, by="finding-one")],
        alternatives=[Alternative(to="ocrelizumab", name="Ocrelizumab", reason=LONG_REASON,
                                  evidence=["cohort-a"], origin="fingolimod→alemtuzumab"),
                      Alternative(to="natalizumab", name="Natalizumab", reason="Also possible.",
                                  evidence=["cohort-b"], origin="fingolimod→alemtuzumab")],
        evidence=[
            source("series-a", EvidenceKind.CASE_SERIES, 9),
            source("series-b", EvidenceKind.CASE_SERIES, 3),
            source("cohort-a", EvidenceKind.COHORT, 170, cited_for=["finding-two"],
                   cited_against=["finding-one"]),
            source("cohort-b", EvidenceKind.COHORT, 50, cited_for=[],
                   cited_against=["finding-one"]),
            source("cohort-c", EvidenceKind.COHORT, 77, cited_for=[],
                   cited_against=["finding-one"], url=LONG_URL),
            source("label-a", EvidenceKind.LABEL, cited_for=["finding-two", "washout"]),
        ],
        disclaimer="Educational aid, not a prescription. It summarises labels and studies. "
        "Every decision belongs to the neurologist and the person with MS.",
    )
    return replace(assessment, **update) if update else assessment

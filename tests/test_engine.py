"""The engine on the fixture rule base: layers, supersession, washout, three-valued results."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from switchadvisor import Switch, assess, load_rulebase, parse_facts
from switchadvisor.assessment import Assessment, WashoutPosition
from switchadvisor.errors import InputError
from switchadvisor.rulebase import Layer, RuleBase, Severity


def check(rulebase: RuleBase, from_name: str, to_name: str, **facts: object) -> Assessment:
    return assess(rulebase, Switch.resolve(rulebase, from_name, to_name), facts=parse_facts(facts))


def test_layers_are_composed_and_labelled(mini_rulebase: RuleBase) -> None:
    result = check(mini_rulebase, "fingolimod", "cladribine", lymphocytes="0.7",
                   weeks_since_stop="12")
    layers = {item.id: item.layer for item in [*result.findings, *result.not_fired]}
    assert layers == {
        "class-s1p-modulator-to-purine-analogue-recovery": Layer.CLASS_PAIR,
        "fingolimod-after-stop-overlap": Layer.AFTER_STOPPING,
        "cladribine-before-start-lymphocytes": Layer.BEFORE_STARTING,
    }
    assert result.switch.pathways == ["s1p-modulator→purine-analogue"]
    assert result.summary[0].startswith("Class level (s1p-modulator→purine-analogue): ")


def test_verdict_is_the_highest_fired_severity(mini_rulebase: RuleBase) -> None:
    low = check(mini_rulebase, "fingolimod", "cladribine", lymphocytes="0.7")
    normal = check(mini_rulebase, "fingolimod", "cladribine", lymphocytes="1.4")
    assert low.verdict is Severity.CRITICAL
    assert normal.verdict is Severity.INFO
    assert "cladribine-before-start-lymphocytes" in {item.id for item in normal.not_fired}


def test_specific_finding_supersedes_class_finding(mini_rulebase: RuleBase) -> None:
    result = check(mini_rulebase, "fingolimod", "alemtuzumab")
    assert [(item.id, item.by) for item in result.superseded] == [
        ("class-s1p-modulator-to-anti-cd52-overlap", "fingolimod-to-alemtuzumab-escape")]
    ids = {item.id for item in [*result.findings, *result.not_evaluated, *result.not_fired]}
    assert "class-s1p-modulator-to-anti-cd52-overlap" not in ids


def test_messages_use_the_stopping_drugs_own_figures(mini_rulebase: RuleBase) -> None:
    result = check(mini_rulebase, "fingolimod", "cladribine")
    message = next(item.message for item in result.findings
                   if item.id == "class-s1p-modulator-to-purine-analogue-recovery")
    assert message == "Lymphocytes recover within 1 month to 2 months after Fingolimod."


@pytest.mark.parametrize(
    ("to_name", "weeks", "position"),
    [
        pytest.param("alemtuzumab", None, WashoutPosition.UNKNOWN, id="no-gap-given"),
        pytest.param("alemtuzumab", "2", WashoutPosition.TOO_EARLY, id="before-min"),
        pytest.param("alemtuzumab", "4", WashoutPosition.WITHIN, id="at-min"),
        pytest.param("alemtuzumab", "8", WashoutPosition.WITHIN, id="at-max"),
        pytest.param("alemtuzumab", "9", WashoutPosition.LATE, id="after-max"),
        pytest.param("cladribine", "8", WashoutPosition.TOO_EARLY, id="before-drug-figure"),
        pytest.param("cladribine", "9", WashoutPosition.WITHIN, id="after-drug-figure"),
    ],
)
def test_washout_position(mini_rulebase: RuleBase, to_name: str, weeks: str | None,
                          position: WashoutPosition) -> None:
    facts = {"weeks_since_stop": weeks} if weeks else {}
    washout = check(mini_rulebase, "fingolimod", to_name, **facts).washout
    assert washout is not None
    assert washout.position is position, washout.explanation


def test_washout_bound_from_a_drug_figure(mini_rulebase: RuleBase) -> None:
    washout = check(mini_rulebase, "fingolimod", "cladribine").washout
    assert washout is not None and washout.min is not None
    assert washout.min.text == "2 months"
    assert washout.min.source == "Fingolimod's lymphocyte recovery after stopping"
    assert washout.window == "at least 2 months (Fingolimod's lymphocyte recovery after stopping)"
    assert washout.min.weeks == pytest.approx(8.6964, abs=1e-3)
    assert washout.layer is Layer.CLASS_PAIR


def test_missing_drug_figure_is_said_not_guessed(mini_copy: Path) -> None:
    drugs = mini_copy / "drugs.yaml"
    text = drugs.read_text(encoding="utf-8")
    text = text.replace("      elimination: {max: 2 months, evidence: [gilenya-us-5.8]}\n", "")
    text = text.replace("      lymphocyte_recovery: {min: 1 month, max: 2 months, "
                        "evidence: [gilenya-us-5.8]}\n", "")
    drugs.write_text(text, encoding="utf-8")
    rulebase = load_rulebase(mini_copy)
    result = check(rulebase, "fingolimod", "cladribine", weeks_since_stop="3")
    assert result.washout is not None and result.washout.min is not None
    assert result.washout.min.text.startswith("no verified figure")
    assert result.washout.position is WashoutPosition.UNKNOWN
    pending = {item.id: item for item in result.not_evaluated}
    overlap = pending["fingolimod-after-stop-overlap"]
    assert overlap.needs == ["from.elimination.max"]
    assert overlap.options == [
        "none: Fingolimod has no verified figure for elimination after stopping"]
    message = next(item.message for item in result.findings
                   if item.id == "class-s1p-modulator-to-purine-analogue-recovery")
    assert "no verified figure" in message


def test_not_evaluated_carries_partial_trace(mini_rulebase: RuleBase) -> None:
    result = check(mini_rulebase, "fingolimod", "alemtuzumab", lymphocytes="0.6")
    item = next(entry for entry in result.not_evaluated
                if entry.id == "fingolimod-to-alemtuzumab-low-count")
    assert item.needs == ["disease_activity"]
    assert item.decides == "fires if disease activity is not none"
    assert [step.result for step in item.trace] == [True, None]


def test_evidence_is_tagged_for_and_against(mini_rulebase: RuleBase) -> None:
    result = check(mini_rulebase, "fingolimod", "alemtuzumab")
    evidence = {entry.id: entry for entry in result.evidence}
    assert evidence["willis2017"].cited_for == ["fingolimod-to-alemtuzumab-escape"]
    assert evidence["frau2019"].cited_against == ["fingolimod-to-alemtuzumab-escape"]
    assert "washout" in evidence["frau2019"].cited_for
    assert evidence["willis2017"].kind.value == "case-series"


def test_alternatives_never_suggest_the_target(mini_rulebase: RuleBase) -> None:
    to_alemtuzumab = check(mini_rulebase, "fingolimod", "alemtuzumab")
    assert [alt.to for alt in to_alemtuzumab.alternatives] == ["cladribine"]


@pytest.mark.parametrize(
    ("from_name", "to_name", "message"),
    [
        pytest.param("fingolimd", "alemtuzumab", "did you mean fingolimod", id="typo"),
        pytest.param("Gilenia", "alemtuzumab", "did you mean Gilenya (fingolimod)", id="brand"),
        pytest.param("FTY720", "fingolimod", "both fingolimod", id="alias-same-drug"),
        pytest.param("", "alemtuzumab", "no drug name given", id="empty"),
    ],
)
def test_switch_resolution_errors(mini_rulebase: RuleBase, from_name: str, to_name: str,
                                  message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        Switch.resolve(mini_rulebase, from_name, to_name)


def test_assessment_is_deterministic(mini_rulebase: RuleBase) -> None:
    first = check(mini_rulebase, "fingolimod", "alemtuzumab", lymphocytes="0.6").to_json()
    second = check(mini_rulebase, "fingolimod", "alemtuzumab", lymphocytes="0.6").to_json()
    assert first == second


@pytest.mark.parametrize(
    ("drug", "figure", "weeks"),
    [
        pytest.param("ocrelizumab", "b_cell_repletion", 72.0, id="anti-cd20-b-cells"),
        pytest.param("siponimod", "lymphocyte_recovery", 4.0, id="s1p-residual-lowering"),
        pytest.param("teriflunomide", "elimination", 104.4, id="slow-elimination"),
        pytest.param("interferon-beta", None, None, id="no-verified-figure"),
    ],
)
def test_lasting_effect_is_the_longest_verified_figure(
        shipped_rulebase: RuleBase, drug: str, figure: str | None, weeks: float | None) -> None:
    longest = shipped_rulebase.drugs[drug].after_stopping.lasting_effect()
    if figure is None:
        assert longest is None
    else:
        assert longest is not None
        assert longest[0] == figure
        assert longest[1].weeks == pytest.approx(weeks, abs=0.1)


def test_public_api_accepts_names_and_raw_facts(mini_rulebase: RuleBase) -> None:
    by_names = assess(mini_rulebase, "Gilenya", "Mavenclad", lymphocytes="600/uL")
    typed = assess(mini_rulebase, Switch.resolve(mini_rulebase, "fingolimod", "cladribine"),
                   facts=parse_facts({"lymphocytes": "0.6"}))
    assert by_names.verdict is typed.verdict is Severity.CRITICAL
    assert [item.id for item in by_names.findings] == [item.id for item in typed.findings]


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        pytest.param(("fingolimod",), {}, "needs the drug being started", id="one-name"),
        pytest.param(("fingolimod", "alemtuzumab"), {"lymphocytes": "-1"}, "out of range",
                     id="impossible-fact"),
    ],
)
def test_public_api_errors(mini_rulebase: RuleBase, args: tuple[str, ...],
                           kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        assess(mini_rulebase, *args, **kwargs)

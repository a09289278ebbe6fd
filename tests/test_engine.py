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
    assert message == "Lymphocyte recovery after Fingolimod: up to 1–2 months."


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
    assert washout.min.source == ("Fingolimod's lymphocyte recovery to the lower limit of "
                                  "normal")
    assert washout.window == ("at least 2 months (8.7 weeks) (Fingolimod's lymphocyte "
                              "recovery to the lower limit of normal)")
    assert washout.min.weeks == pytest.approx(8.6964, abs=1e-3)
    assert washout.layer is Layer.CLASS_PAIR


def test_missing_drug_figure_is_said_not_guessed(mini_copy: Path) -> None:
    drugs = mini_copy / "drugs.yaml"
    text = drugs.read_text(encoding="utf-8")
    start = text.index("      figures:\n")
    text = text[:start] + text[text.index("      findings:\n", start):]
    drugs.write_text(text, encoding="utf-8")
    rulebase = load_rulebase(mini_copy)
    result = check(rulebase, "fingolimod", "cladribine", weeks_since_stop="3")
    assert result.washout is not None and result.washout.min is not None
    assert result.washout.min.text == (
        "no verified figure for Fingolimod's lymphocyte recovery to the lower limit of normal")
    assert result.washout.position is WashoutPosition.UNKNOWN
    assert "no verified figure" not in result.washout.window.split(";")[0]
    pending = {item.id: item for item in result.not_evaluated}
    overlap = pending["fingolimod-after-stop-overlap"]
    assert overlap.needs == ["from.elimination.upper"]
    assert overlap.options == [
        "none: no verified figure for Fingolimod's presence in the body after stopping"]
    # A message that would quote the missing figure is not printed with a gap in it.
    recovery = pending["class-s1p-modulator-to-purine-analogue-recovery"]
    assert recovery.needs == ["from.lymphocyte_recovery"]
    assert all("no verified figure" not in item.message for item in result.findings)


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
        pytest.param("fingolimod", "elimination", 8.696, id="s1p-drug-present"),
        pytest.param("siponimod", "lymphocyte_recovery", 4.0, id="s1p-residual-lowering"),
        pytest.param("ocrelizumab", None, None, id="median-is-not-a-bound"),
        pytest.param("ofatumumab", None, None, id="median-is-not-a-bound-either"),
        pytest.param("alemtuzumab", None, None, id="shares-and-means-are-not-bounds"),
        pytest.param("teriflunomide", None, None, id="plasma-level-is-not-immune"),
        pytest.param("natalizumab", None, None, id="raised-counts-are-not-immune"),
        pytest.param("interferon-beta", None, None, id="no-verified-figure"),
    ],
)
def test_immune_effect_is_the_longest_upper_bound_of_an_immune_measure(
        shipped_rulebase: RuleBase, drug: str, figure: str | None, weeks: float | None) -> None:
    longest = shipped_rulebase.drugs[drug].after_stopping.upper("immune_effect")
    if figure is None:
        assert longest is None
    else:
        assert longest is not None
        assert longest.name == figure
        assert longest.time.weeks == pytest.approx(weeks, abs=0.01)


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


@pytest.mark.parametrize(
    ("weeks", "by"),
    [
        pytest.param("10", "natalizumab-to-fingolimod-gap-8-to-12-weeks", id="8-to-12-fired"),
        pytest.param("14", "natalizumab-to-fingolimod-gap-over-12-weeks", id="over-12-fired"),
    ],
)
def test_superseded_names_the_specific_finding_that_fired(shipped_rulebase: RuleBase,
                                                          weeks: str, by: str) -> None:
    """Clinical review 2026-11-29: at 10 weeks after natalizumab the general long-gap finding
    was said to be replaced by the over-12-weeks finding, which had not fired."""
    result = check(shipped_rulebase, "natalizumab", "fingolimod", weeks_since_stop=weeks)
    replaced = {item.id: item.by for item in result.superseded}
    assert replaced["natalizumab-after-stop-long-gap"] == by
    assert by in {item.id for item in result.findings}

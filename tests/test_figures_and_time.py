"""Drug figures that say what they measure, one time arithmetic, and properties over all
240 ordered switches of the shipped rule base (issue 7, sections 1, 2 and 4)."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from switchadvisor import Switch, assess, load_rulebase, parse_facts, timeunits
from switchadvisor import facts as facts_module
from switchadvisor.assessment import Assessment, WashoutPosition
from switchadvisor.conditions import compile_condition, render
from switchadvisor.errors import RuleBaseError
from switchadvisor.facts import parse_weeks
from switchadvisor.render.markdown import render_markdown
from switchadvisor.rulebase import CONDITION_FACTS, Duration, Layer, RuleBase, Statistic

FACT_SETS: list[dict[str, object]] = [
    {},
    {"weeks_since_stop": "3"},
    {"weeks_since_stop": "30", "lymphocytes": "0.6", "pregnancy_planned": "yes"},
    {"weeks_since_stop": "120", "lymphocytes": "1.5", "disease_activity": "active",
     "jcv": "positive", "pregnancy_planned": "no", "age": "30"},
]
"""Facts under which every pair's rendered text is checked."""

STILL_ACTING = re.compile(r"weeks_since_stop < from\.")
"""A finding that fires while the stopped drug (or its effect) may still be present."""


def pairs(rulebase: RuleBase) -> list[tuple[str, str]]:
    return list(itertools.permutations(sorted(rulebase.drugs), 2))


def check(rulebase: RuleBase, from_id: str, to_id: str, facts: dict[str, object]) -> Assessment:
    return assess(rulebase, Switch.resolve(rulebase, from_id, to_id), facts=parse_facts(facts))


def test_there_are_240_ordered_pairs(shipped_rulebase: RuleBase) -> None:
    assert len(pairs(shipped_rulebase)) == 240


# ------------------------------------------------------------------- one time arithmetic


@pytest.mark.parametrize("text", ["2 months", "10 days", "1 year", "24.6 weeks"])
def test_a_duration_is_the_same_number_of_weeks_everywhere(text: str) -> None:
    in_rules = Duration.of(text).weeks
    from_user, _ = parse_weeks(text, option="--weeks-since-stop")
    in_condition = compile_condition(f"weeks_since_stop < {text}", CONDITION_FACTS)
    assert in_rules == from_user
    # a span in weeks is shown as written; any other unit gets its weeks beside it
    assert f"{timeunits.format_weeks(in_rules)} weeks" in render(in_condition.root)
    assert render(in_condition.root).count(" weeks") == 1
    number, unit, weeks = timeunits.parse_duration(text)
    assert weeks == in_rules == timeunits.to_weeks(number, unit)


def test_a_month_has_one_definition() -> None:
    assert facts_module.WEEKS_PER_MONTH is timeunits.WEEKS_PER_MONTH
    assert Duration.of("2 months").weeks == pytest.approx(8.696, abs=1e-3)


def test_a_window_is_shown_in_its_sources_unit_with_weeks_beside(
        shipped_rulebase: RuleBase) -> None:
    washout = check(shipped_rulebase, "fingolimod", "cladribine", {}).washout
    assert washout is not None
    assert washout.window == "1–2 months (4.3–8.7 weeks)"
    mixed = check(shipped_rulebase, "fingolimod", "alemtuzumab", {}).washout
    assert mixed is not None and mixed.window == "4 weeks to 2 months (4–8.7 weeks)"


def test_two_months_given_is_not_late_against_a_two_month_window(
        shipped_rulebase: RuleBase) -> None:
    washout = check(shipped_rulebase, "fingolimod", "alemtuzumab",
                    {"weeks_since_stop": "2 months"}).washout
    assert washout is not None and washout.position is WashoutPosition.WITHIN


def test_no_switch_is_late_while_the_stopped_drug_is_still_acting(
        shipped_rulebase: RuleBase) -> None:
    """Every ordered pair, every half week to two years: never *late* and "still acting"."""
    weeks = [step / 2 for step in range(0, 209)]
    checked = 0
    for from_id, to_id in pairs(shipped_rulebase):
        switch = Switch.resolve(shipped_rulebase, from_id, to_id)
        probe = assess(shipped_rulebase, switch, facts=parse_facts({"weeks_since_stop": "0"}))
        if probe.washout is None or probe.washout.max is None or probe.washout.max.weeks is None:
            continue  # no upper bound: the gap can never be called late
        for week in weeks:
            result = assess(shipped_rulebase, switch,
                            facts=parse_facts({"weeks_since_stop": str(week)}))
            assert result.washout is not None
            if result.washout.position is not WashoutPosition.LATE:
                continue
            checked += 1
            acting = [item.id for item in result.findings
                      if item.condition and STILL_ACTING.search(item.condition)]
            assert acting == [], f"{from_id}→{to_id} at {week} weeks is late but {acting}"
    assert checked > 0  # the property was exercised, not vacuously true


# ------------------------------------------------------------- figures and their statistic


def test_every_figure_keeps_its_statistic_in_words(shipped_rulebase: RuleBase) -> None:
    words = {Statistic.MEDIAN: "median ", Statistic.MEAN: "mean ",
             Statistic.UPPER_BOUND: "up to ", Statistic.TYPICAL: "usually within ",
             Statistic.SHARE_BY_TIME: "% by "}
    for drug in shipped_rulebase.drugs.values():
        for figure in drug.after_stopping.figures:
            if figure.statistic in words:
                assert words[figure.statistic] in figure.describe(), (drug.id, figure)


def test_no_median_is_rendered_without_saying_so(shipped_rulebase: RuleBase) -> None:
    """Wherever a median figure's time appears in text about the stopping drug (pathways,
    after-stopping findings, washout, figures), "median" is said just before it: a median
    is never shown as if it were a duration."""
    for from_id, to_id in pairs(shipped_rulebase):
        drug = shipped_rulebase.drugs[from_id]
        figures = [figure for figure in drug.after_stopping.figures
                   if figure.statistic is Statistic.MEDIAN]
        if not figures:
            continue
        result = check(shipped_rulebase, from_id, to_id, FACT_SETS[2])
        texts = _user_texts(result, about_starting_drug=False)
        for figure, text in itertools.product(figures, texts):
            for match in re.finditer(rf"(?<![\d.]){re.escape(figure.time.text)}", text):
                before = text[max(0, match.start() - 40):match.start()]
                assert figure.statistic.value in before, (
                    f"{from_id}→{to_id}: {figure.time.text!r} without "
                    f"{figure.statistic.value!r} in {text!r}")


def test_figures_follow_the_contract(shipped_rulebase: RuleBase) -> None:
    alemtuzumab = check(shipped_rulebase, "alemtuzumab", "ocrelizumab", {}).figures
    lymphocytes = [figure for figure in alemtuzumab if figure.name == "lymphocyte_recovery"]
    assert [(figure.statistic, figure.share, figure.text) for figure in lymphocytes] == [
        ("share-by-time", 40, "40% by 6 months"), ("share-by-time", 80, "80% by 12 months")]
    assert lymphocytes[1].weeks == pytest.approx(52.18, abs=0.01)
    assert lymphocytes[1].measure == "lymphocytes-lln" and lymphocytes[1].low_weeks is None
    cd4 = next(figure for figure in alemtuzumab if figure.name == "cd4_recovery")
    assert (cd4.measure, cd4.statistic, cd4.text) == ("cd4-recovered", "mean", "mean 36 months")

    ocrelizumab = check(shipped_rulebase, "ocrelizumab", "cladribine", {}).figures
    assert ocrelizumab[0].text == "median 72 weeks"
    assert ocrelizumab[0].evidence == ["schweitzer2021"]

    natalizumab = check(shipped_rulebase, "natalizumab", "fingolimod", {}).figures
    assert [(figure.name, figure.measure, figure.statistic) for figure in natalizumab] == [
        ("raised_counts", "raised-counts-normalised", "typical"),
        ("rebound_onset", "rebound-onset", "range")]
    assert (natalizumab[1].low_weeks, natalizumab[1].weeks) == (4.0, 12.0)

    fingolimod = check(shipped_rulebase, "fingolimod", "ocrelizumab", {}).figures
    rebound = [figure.text for figure in fingolimod if figure.name == "rebound_onset"]
    assert rebound == ["usually within 12 weeks", "up to 24 weeks"]

    teriflunomide = check(shipped_rulebase, "teriflunomide", "ocrelizumab", {}).figures
    assert {figure.measure for figure in teriflunomide} == {"plasma-below-threshold"}
    # A drug without figures has none in the list (renderers say "no verified figure").
    assert check(shipped_rulebase, "glatiramer-acetate", "ocrelizumab", {}).figures == []


def test_a_figure_measured_to_its_own_level_says_so_wherever_it_is_shown(
        shipped_rulebase: RuleBase) -> None:
    """Cladribine's median recovery is to 800 cells/µL (its label's threshold for the second
    course), not to the lower limit of normal that the measure names: every place that shows
    the number says to what, and nothing calls it a recovery to the lower limit."""
    figure = check(shipped_rulebase, "cladribine", "ocrelizumab", {}).figures[0]
    assert (figure.name, figure.measure, figure.text) == (
        "lymphocyte_recovery", "lymphocytes-lln", "median 28 weeks, to 800 cells/µL")
    for to_id in sorted(set(shipped_rulebase.drugs) - {"cladribine"}):
        result = check(shipped_rulebase, "cladribine", to_id, FACT_SETS[2])
        for text in _user_texts(result, about_starting_drug=False):
            for match in re.finditer(r"28 weeks", text):
                assert "to 800 cells/µL" in text[match.end():match.end() + 30], (to_id, text)
            assert "lower limit of normal: median 28 weeks" not in text, (to_id, text)


def test_a_rule_needing_an_upper_bound_says_which_is_missing(
        shipped_rulebase: RuleBase) -> None:
    result = check(shipped_rulebase, "ofatumumab", "cladribine", {"weeks_since_stop": "30"})
    pending = {item.id: item for item in result.not_evaluated}
    item = pending["cladribine-before-start-prior-immunosuppression"]
    assert item.needs == ["from.immune_effect.upper"]
    assert item.options == ["none: no verified upper bound for Ofatumumab's immune effect "
                            "after stopping (B-cell repletion: median 24.6 weeks)"]


# ---------------------------------------------------------------- no garbled generated text

GARBLED = re.compile(
    r"up to no verified|(?<!There )is no verified figure|\(no verified figure\)"
    r"|lasts no verified"
    r"|This applies if|within up to|give none|\{(?:from|to)\.[a-z_.]+\}")


def _user_texts(result: Assessment, *, about_starting_drug: bool = True) -> list[str]:
    findings = [item for item in result.findings
                if about_starting_drug or item.layer is not Layer.BEFORE_STARTING]
    texts = [*result.summary, *(item.message for item in findings),
             *(item.title for item in [*result.findings, *result.not_evaluated])]
    texts += [option for item in result.not_evaluated for option in item.options]
    texts += [item.decides for item in result.not_evaluated]
    texts += [figure.text for figure in result.figures]
    if result.washout is not None:
        texts += [result.washout.window, result.washout.basis, result.washout.explanation]
    return texts


def test_no_rendered_text_is_garbled_for_any_pair(shipped_rulebase: RuleBase) -> None:
    for (from_id, to_id), facts in itertools.product(pairs(shipped_rulebase), FACT_SETS):
        result = check(shipped_rulebase, from_id, to_id, facts)
        for text in [*_user_texts(result), render_markdown(result)]:
            found = GARBLED.search(text)
            assert found is None, f"{from_id}→{to_id} {facts}: {found.group()!r} in {text!r}"


# ------------------------------------------------------------------------- validation


def _load_with(mini_copy: Path, relpath: str, old: str, new: str) -> RuleBaseError:
    path = mini_copy / relpath
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(RuleBaseError) as caught:
        load_rulebase(mini_copy)
    return caught.value


def test_validation_rejects_a_condition_comparing_a_median(mini_copy: Path) -> None:
    error = _load_with(mini_copy, "drugs.yaml", "from.elimination.upper",
                       "from.elimination.median")
    [problem] = error.problems
    assert problem.code == "figure-statistic"
    assert (problem.path, problem.line) == ("rules/drugs.yaml", 37)
    assert "`from.elimination.median` would compare a median as if it were a bound" in (
        problem.message)


def test_validation_rejects_a_washout_bound_from_a_median(mini_copy: Path) -> None:
    error = _load_with(mini_copy, "pathways/s1p-modulator--purine-analogue.yaml",
                       "from.lymphocyte_recovery.upper", "from.lymphocyte_recovery.median")
    assert "a washout bound can take only an upper bound" in str(error.problems[0].message)


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        pytest.param("measure: drug-present", "measure: raised-counts-normalised",
                     "figure `elimination` measures drug-present", id="wrong-measure"),
        pytest.param("statistic: upper-bound, time: 2 months",
                     "statistic: share-by-time, time: 2 months", "give `share`",
                     id="share-without-percent"),
        pytest.param("measure: drug-present, ", "", "measure", id="no-measure"),
        pytest.param("measure: drug-present, ", "measure: drug-present, threshold: 5 ng/mL, ",
                     "`threshold` applies to a recovery", id="threshold-on-elimination"),
        pytest.param("measure: lymphocytes-lln, ", "measure: lymphocytes-lln, threshold: ' ', ",
                     "`threshold` must name a level", id="blank-threshold"),
    ],
)
def test_validation_rejects_a_figure_that_does_not_say_what_it_is(
        mini_copy: Path, old: str, new: str, fragment: str) -> None:
    error = _load_with(mini_copy, "drugs.yaml", old, new)
    assert any(fragment in problem.message for problem in error.problems), error.problems


def test_validation_rejects_a_per_drug_bound_for_a_drug_outside_the_class(
        mini_copy: Path) -> None:
    error = _load_with(mini_copy, "pathways/s1p-modulator--purine-analogue.yaml",
                       "min: from.lymphocyte_recovery.upper", "max: {cladribine: 2 months}")
    [problem] = error.problems
    assert problem.code == "unknown-drug"
    assert "'cladribine' is not a drug of class 's1p-modulator'" in problem.message


def test_a_per_drug_bound_applies_only_to_its_drug(shipped_rulebase: RuleBase) -> None:
    fingolimod = check(shipped_rulebase, "fingolimod", "dimethyl-fumarate",
                       {"weeks_since_stop": "10"}).washout
    siponimod = check(shipped_rulebase, "siponimod", "dimethyl-fumarate",
                      {"weeks_since_stop": "10"}).washout
    assert fingolimod is not None and fingolimod.position is WashoutPosition.LATE
    assert fingolimod.window == "up to 2 months (8.7 weeks)"
    assert siponimod is not None and siponimod.position is WashoutPosition.UNKNOWN
    assert "no evidence on gap length after Siponimod" in siponimod.explanation

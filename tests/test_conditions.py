"""The `when:` condition language: parsing, type checks, three-valued evaluation, traces."""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from switchadvisor.conditions import (
    ConditionSyntaxError,
    Evaluation,
    FactSpec,
    FactType,
    Truth,
    Value,
    compile_condition,
    decide,
    evaluate,
    render,
)
from switchadvisor.facts import PATIENT_FACTS, describe_value, parse_facts

FACTS: dict[str, FactSpec] = {
    **PATIENT_FACTS,
    "from.elimination.max": FactSpec(
        "from.elimination.max", FactType.NUMBER, "longest elimination of the stopping drug",
        "weeks",
    ),
}


def run(source: str, values: Mapping[str, Value]) -> Evaluation:
    """Evaluate against plain values (a missing key is a fact not given)."""
    return evaluate(compile_condition(source, FACTS), values.get, describe_value)


def assess(source: str, raw: Mapping[str, object],
           figures: Mapping[str, float] | None = None) -> Evaluation:
    """Evaluate against parsed patient facts, described as the CLI describes them."""
    facts = parse_facts(raw)
    extra = dict(figures or {})

    def lookup(name: str) -> Value | None:
        return extra[name] if name in extra else facts.value(name)

    def describe(name: str, value: Value) -> str:
        if name in extra:  # the rule base's figures are in weeks
            return f"{value:g} weeks"
        return describe_value(name, value, facts)

    return evaluate(compile_condition(source, FACTS), lookup, describe)


# ------------------------------------------------------------------------ valid conditions

VALID = [
    # every operator, both sides of its boundary
    pytest.param("age < 40", {"age": 39.0}, True, id="lt-true"),
    pytest.param("age < 40", {"age": 40.0}, False, id="lt-false-at-boundary"),
    pytest.param("age <= 40", {"age": 40.0}, True, id="le-true-at-boundary"),
    pytest.param("age <= 40", {"age": 40.5}, False, id="le-false"),
    pytest.param("age > 40", {"age": 41.0}, True, id="gt-true"),
    pytest.param("age > 40", {"age": 40.0}, False, id="gt-false-at-boundary"),
    pytest.param("age >= 40", {"age": 40.0}, True, id="ge-true-at-boundary"),
    pytest.param("age >= 40", {"age": 39.5}, False, id="ge-false"),
    pytest.param("age == 40", {"age": 40.0}, True, id="eq-number-true"),
    pytest.param("age == 40", {"age": 41.0}, False, id="eq-number-false"),
    pytest.param("age != 40", {"age": 41.0}, True, id="ne-number-true"),
    pytest.param("age != 40", {"age": 40.0}, False, id="ne-number-false"),
    pytest.param("age>40", {"age": 41.0}, True, id="no-whitespace"),
    pytest.param("40 < age", {"age": 41.0}, True, id="constant-on-the-left"),
    pytest.param("40 < age", {"age": 40.0}, False, id="constant-on-the-left-false"),
    pytest.param("age > -1", {"age": 1.0}, True, id="negative-number"),
    pytest.param("lymphocytes < lymphocytes_lln", {"lymphocytes": 0.6, "lymphocytes_lln": 1.0},
                 True, id="fact-against-fact-true"),
    pytest.param("lymphocytes < lymphocytes_lln", {"lymphocytes": 1.2, "lymphocytes_lln": 1.0},
                 False, id="fact-against-fact-false"),
    # numbers
    pytest.param("lymphocytes < 0.5", {"lymphocytes": 0.4}, True, id="decimal-0.5"),
    pytest.param("lymphocytes < 0.5", {"lymphocytes": 0.5}, False, id="decimal-0.5-boundary"),
    pytest.param("lymphocytes < .5", {"lymphocytes": 0.4}, True, id="leading-dot-.5"),
    pytest.param("lymphocytes == .5", {"lymphocytes": 0.5}, True, id="leading-dot-equals"),
    pytest.param("age == 1e3", {"age": 1000.0}, True, id="exponent-1e3"),
    pytest.param("age < 1e3", {"age": 1000.0}, False, id="exponent-1e3-boundary"),
    pytest.param("age < 2.5E1", {"age": 24.0}, True, id="exponent-upper-case-E"),
    # strings, both quote styles
    pytest.param('jcv == "positive"', {"jcv": "positive"}, True, id="double-quoted-eq"),
    pytest.param("jcv == 'positive'", {"jcv": "positive"}, True, id="single-quoted-eq"),
    pytest.param("jcv == 'positive'", {"jcv": "negative"}, False, id="single-quoted-eq-false"),
    pytest.param('jcv != "positive"', {"jcv": "negative"}, True, id="double-quoted-ne"),
    pytest.param("'positive' == jcv", {"jcv": "positive"}, True, id="string-on-the-left"),
    # booleans
    pytest.param("pregnancy_planned == true", {"pregnancy_planned": True}, True,
                 id="eq-true"),
    pytest.param("pregnancy_planned == false", {"pregnancy_planned": True}, False,
                 id="eq-false"),
    pytest.param("pregnancy_planned != false", {"pregnancy_planned": True}, True,
                 id="ne-false"),
    pytest.param("pregnancy_planned", {"pregnancy_planned": True}, True, id="bare-fact-true"),
    pytest.param("pregnancy_planned", {"pregnancy_planned": False}, False,
                 id="bare-fact-false"),
    pytest.param("true", {}, True, id="constant-true"),
    pytest.param("false", {}, False, id="constant-false"),
    # and / or / not
    pytest.param("age > 30 and jcv == 'positive'", {"age": 40.0, "jcv": "positive"}, True,
                 id="and-true"),
    pytest.param("age > 30 and jcv == 'positive'", {"age": 40.0, "jcv": "negative"}, False,
                 id="and-false"),
    pytest.param("age > 30 or jcv == 'positive'", {"age": 20.0, "jcv": "positive"}, True,
                 id="or-true"),
    pytest.param("age > 30 or jcv == 'positive'", {"age": 20.0, "jcv": "negative"}, False,
                 id="or-false"),
    pytest.param("age > 1 and age > 2 and age > 3", {"age": 3.0}, False, id="and-chain"),
    pytest.param("age > 5 or age > 4 or age > 3", {"age": 3.5}, True, id="or-chain"),
    pytest.param("not pregnancy_planned", {"pregnancy_planned": False}, True, id="not-bare"),
    pytest.param("not age > 30", {"age": 40.0}, False, id="not-comparison"),
    pytest.param("not not pregnancy_planned", {"pregnancy_planned": True}, True,
                 id="double-not"),
    # precedence: not > and > or; parentheses override
    pytest.param("not pregnancy_planned and age > 30",
                 {"pregnancy_planned": False, "age": 20.0}, False,
                 id="not-binds-tighter-than-and"),
    pytest.param("not (pregnancy_planned and age > 30)",
                 {"pregnancy_planned": False, "age": 20.0}, True, id="parenthesised-not"),
    pytest.param("age > 30 or age > 50 and age < 10", {"age": 40.0}, True,
                 id="and-binds-tighter-than-or-right"),
    pytest.param("(age > 30 or age > 50) and age < 10", {"age": 40.0}, False,
                 id="parentheses-override-right"),
    pytest.param("age < 10 and age < 20 or age > 30", {"age": 40.0}, True,
                 id="and-binds-tighter-than-or-left"),
    pytest.param("age < 10 and (age < 20 or age > 30)", {"age": 40.0}, False,
                 id="parentheses-override-left"),
    pytest.param("not age > 30 or age > 35", {"age": 40.0}, True, id="not-binds-tighter-than-or"),
    pytest.param("((age > 30))", {"age": 40.0}, True, id="nested-parentheses"),
    # in [...] / not in [...]
    pytest.param('disease_activity in ["active", "highly-active"]',
                 {"disease_activity": "active"}, True, id="in-true"),
    pytest.param("disease_activity in ['active', 'highly-active']",
                 {"disease_activity": "none"}, False, id="in-false"),
    pytest.param("disease_activity not in ['none']", {"disease_activity": "highly-active"},
                 True, id="not-in-true"),
    pytest.param("disease_activity not in ['none']", {"disease_activity": "none"}, False,
                 id="not-in-false"),
    pytest.param("age in [30, 40]", {"age": 40.0}, True, id="in-number-list"),
    pytest.param("age in [30, 40]", {"age": 35.0}, False, id="in-number-list-false"),
    pytest.param("pregnancy_planned in [true]", {"pregnancy_planned": False}, False,
                 id="in-boolean-list"),
    pytest.param("not disease_activity in ['none']", {"disease_activity": "none"}, False,
                 id="not-before-in"),
    # dotted names
    pytest.param("from.elimination.max > 10", {"from.elimination.max": 12.0}, True,
                 id="dotted-name"),
    pytest.param("weeks_since_stop < from.elimination.max",
                 {"weeks_since_stop": 12.0, "from.elimination.max": 12.0}, False,
                 id="dotted-name-against-fact"),
]


@pytest.mark.parametrize(("source", "values", "expected"), VALID)
def test_valid_condition_evaluates(source: str, values: dict[str, Value],
                                   expected: bool) -> None:
    evaluation = run(source, values)
    assert evaluation.result is expected
    assert evaluation.missing == ()
    assert evaluation.decides is None


# ---------------------------------------------------------------------- invalid conditions

INVALID = [
    pytest.param("agee > 30", 1, "unknown fact 'agee' (did you mean 'age'?)",
                 id="unknown-fact-did-you-mean"),
    pytest.param("age > 30 and lymphocyte < 1", 14,
                 "unknown fact 'lymphocyte' (did you mean 'lymphocytes'?)",
                 id="unknown-fact-later-in-condition"),
    pytest.param("zzz == 1", 1, "unknown fact 'zzz'", id="unknown-fact-no-suggestion"),
    pytest.param("age = 30", 5, "use '==' to compare for equality", id="single-equals"),
    pytest.param("jcv == 'positive", 8, "unterminated string", id="unterminated-single-quote"),
    pytest.param('jcv == "positive', 8, "unterminated string", id="unterminated-double-quote"),
    pytest.param("age >", 6, "expected a fact name or a value, found end of condition",
                 id="missing-right-operand"),
    pytest.param("> 30", 1, "expected a fact name or a value, found '>'",
                 id="missing-left-operand"),
    pytest.param("age > 30 and", 13, "expected a fact name or a value, found end of condition",
                 id="missing-operand-after-and"),
    pytest.param("not", 4, "found end of condition", id="not-alone"),
    pytest.param("age > 30 40", 10, "unexpected '40' (missing 'and'/'or'?)",
                 id="trailing-number"),
    pytest.param("age > 30 jcv == 'positive'", 10, "unexpected 'jcv' (missing 'and'/'or'?)",
                 id="trailing-comparison"),
    pytest.param("jcv == 'positive' == 'negative'", 19, "unexpected '=='",
                 id="chained-comparison"),
    pytest.param("", 1, "empty condition", id="empty"),
    pytest.param("   ", 1, "empty condition", id="blank"),
    pytest.param("(age > 30", 10, "expected ')', found end of condition",
                 id="unclosed-parenthesis"),
    pytest.param("((age > 30)", 12, "expected ')', found end of condition",
                 id="unclosed-outer-parenthesis"),
    pytest.param("age > 30)", 9, "unexpected ')'", id="extra-closing-parenthesis"),
    pytest.param("()", 2, "expected a fact name or a value, found ')'",
                 id="empty-parentheses"),
    pytest.param("age > 'old'", 5, "cannot compare a number with a choice",
                 id="number-fact-with-string"),
    pytest.param("pregnancy_planned == 1", 19, "cannot compare a boolean with a number",
                 id="boolean-fact-with-number"),
    pytest.param('disease_activity == "actve"', 21,
                 "'actve' is not a value of disease_activity (one of: 'none', 'active', "
                 "'highly-active')", id="unknown-choice-value"),
    pytest.param("disease_activity in ['none', 'actve']", 30,
                 "'actve' is not a value of disease_activity", id="unknown-choice-in-list"),
    pytest.param("jcv < 'positive'", 5, "'<' needs numbers; use == or != here",
                 id="less-than-on-string-fact"),
    pytest.param("pregnancy_planned >= true", 19, "'>=' needs numbers",
                 id="ordering-on-boolean-fact"),
    pytest.param("1 < 2", 3, "compares two constants; name a fact", id="two-constants"),
    pytest.param("'a' == 'a'", 5, "compares two constants", id="two-string-constants"),
    pytest.param("age > 30 AND age < 50", 10, "keywords are lower-case: write 'and'",
                 id="upper-case-AND"),
    pytest.param("Not pregnancy_planned", 1, "keywords are lower-case: write 'not'",
                 id="capitalised-not"),
    pytest.param("jcv in ['positive', age]", 21, "a list holds values, not fact names",
                 id="fact-name-in-list"),
    pytest.param("jcv in []", 9, "expected a fact name or a value, found ']'",
                 id="empty-list"),
    pytest.param("jcv in ['positive'", 19, "expected ']', found end of condition",
                 id="unclosed-list"),
    pytest.param("jcv in 'positive'", 8, "expected '[', found", id="in-without-list"),
    pytest.param("age in ['x']", 9, "list value does not match age's type",
                 id="list-value-wrong-type"),
    pytest.param("30 in [30]", 4, "'in' needs a fact name on its left", id="in-on-constant"),
    pytest.param("age", 1, "age is not true/false; compare it with something",
                 id="bare-number-fact"),
    pytest.param("30", 1, "a value alone is not a condition", id="bare-number"),
    pytest.param("age > 30 & age < 50", 10, "unexpected character '&'",
                 id="unexpected-character"),
]


@pytest.mark.parametrize(("source", "column", "fragment"), INVALID)
def test_invalid_condition_reports_column(source: str, column: int, fragment: str) -> None:
    with pytest.raises(ConditionSyntaxError) as caught:
        compile_condition(source, FACTS)
    assert fragment in caught.value.message
    assert str(caught.value) == caught.value.message
    assert caught.value.column == column


# ------------------------------------------------------------- three-valued truth tables

T, F, U = True, False, None
_WORD = {T: "true", F: "false", U: "unknown"}
LEFT = {T: {"age": 40.0}, F: {"age": 20.0}, U: {}}  # age > 30
RIGHT = {T: {"lymphocytes": 0.5}, F: {"lymphocytes": 2.0}, U: {}}  # lymphocytes < 1

AND_TABLE = {
    (T, T): T, (T, F): F, (T, U): U,
    (F, T): F, (F, F): F, (F, U): F,
    (U, T): U, (U, F): F, (U, U): U,
}
OR_TABLE = {
    (T, T): T, (T, F): T, (T, U): T,
    (F, T): T, (F, F): F, (F, U): U,
    (U, T): T, (U, F): U, (U, U): U,
}
NOT_TABLE = {T: F, F: T, U: U}

BINARY_CASES = [
    pytest.param(word, left, right, table[left, right],
                 id=f"{_WORD[left]}-{word}-{_WORD[right]}")
    for word, table in (("and", AND_TABLE), ("or", OR_TABLE))
    for left, right in itertools.product((T, F, U), repeat=2)
]


@pytest.mark.parametrize(("word", "left", "right", "expected"), BINARY_CASES)
def test_kleene_binary_truth_table(word: str, left: Truth, right: Truth,
                                   expected: Truth) -> None:
    evaluation = run(f"age > 30 {word} lymphocytes < 1", {**LEFT[left], **RIGHT[right]})
    assert evaluation.result is expected
    assert [step.result for step in evaluation.trace] == [left, right]


@pytest.mark.parametrize(("operand", "expected"),
                         [pytest.param(value, NOT_TABLE[value], id=f"not-{_WORD[value]}")
                          for value in (T, F, U)])
def test_kleene_not_truth_table(operand: Truth, expected: Truth) -> None:
    assert run("not age > 30", LEFT[operand]).result is expected


# -------------------------------------------------------------------------------- traces

TRACES = [
    pytest.param(
        "lymphocytes < lymphocytes_lln", {"lymphocytes": "600/uL"}, True,
        ["lymphocytes 600 cells/µL = 0.60 ×10⁹/L is below lymphocytes_lln 1.00 ×10⁹/L"
         " (default)"],
        id="count-read-as-cells-per-microlitre"),
    pytest.param(
        "age > 30 or jcv == 'positive'", {"age": "40"}, True,
        ["age 40 years is above 30 years", "jcv not given"],
        id="or-does-not-short-circuit"),
    pytest.param(
        "age < 30 and pregnancy_planned", {"age": "40", "pregnancy_planned": "yes"}, False,
        ["age 40 years is at or above 30 years", "pregnancy_planned: yes"],
        id="and-does-not-short-circuit"),
    pytest.param(
        "not (age > 30)", {"age": "40"}, False, ["age 40 years is above 30 years"],
        id="not-records-the-inner-comparison"),
    pytest.param(
        "disease_activity in ['active', 'highly-active']",
        {"disease_activity": "Highly Active"}, True,
        ["disease_activity is highly-active, one of active or highly-active"],
        id="membership"),
    pytest.param(
        "disease_activity == 'none'", {"disease_activity": "active"}, False,
        ["disease_activity is active, not none"], id="choice-compared"),
    pytest.param(
        "disease_activity not in ['none']", {"disease_activity": "none"}, False,
        ["disease_activity is none"], id="negated-membership-known"),
    pytest.param(
        "disease_activity not in ['none']", {}, None,
        ["disease_activity not given"], id="negated-membership"),
    pytest.param(
        "true or weeks_since_stop < 4", {"weeks_since_stop": "42d"}, True,
        ["weeks_since_stop 42 days = 6.0 weeks is at or above 4 weeks"],
        id="constants-leave-no-step"),
    pytest.param(
        "weeks_since_stop < from.elimination.max", {"weeks_since_stop": "6"}, True,
        ["weeks_since_stop 6 weeks is below from.elimination.max 12 weeks"],
        id="rule-base-figure"),
]


@pytest.mark.parametrize(("source", "raw", "result", "steps"), TRACES)
def test_trace_records_every_comparison(source: str, raw: dict[str, object], result: Truth,
                                        steps: list[str]) -> None:
    evaluation = assess(source, raw, {"from.elimination.max": 12.0})
    assert evaluation.result is result
    assert [step.text for step in evaluation.trace] == steps


def test_trace_step_names_its_missing_facts() -> None:
    evaluation = assess("age > 30 and lymphocytes < lymphocytes_lln", {"age": "40"})
    assert [(step.result, step.missing) for step in evaluation.trace] == [
        (True, ()), (None, ("lymphocytes",)),
    ]


# ---------------------------------------------------------------------- residual "decides"

RESIDUALS = [
    pytest.param("lymphocytes < lymphocytes_lln", {}, ("lymphocytes",),
                 "lymphocytes < 1.00 ×10⁹/L (default)", id="default-lln-substituted"),
    pytest.param("lymphocytes < lymphocytes_lln", {"lymphocytes_lln": "0.8"}, ("lymphocytes",),
                 "lymphocytes < 0.8 (read as ×10⁹/L)", id="given-lln-substituted"),
    pytest.param("age > 30 and lymphocytes < 1", {"age": "40"}, ("lymphocytes",),
                 "lymphocytes < 1.00 ×10⁹/L", id="and-known-half-true"),
    pytest.param("jcv == 'positive' or age < 30", {"age": "40"}, ("jcv",),
                 "jcv is positive", id="or-known-half-false"),
    pytest.param("age > 30 and (lymphocytes < 0.5 or jcv == 'positive')", {"age": "40"},
                 ("lymphocytes", "jcv"), "lymphocytes < 0.50 ×10⁹/L or jcv is positive",
                 id="nested-or-kept"),
    pytest.param("age < 30 or (lymphocytes < 0.5 and jcv == 'positive')", {"age": "40"},
                 ("lymphocytes", "jcv"), "lymphocytes < 0.50 ×10⁹/L and jcv is positive",
                 id="nested-and-kept"),
    pytest.param("not (age > 30 and pregnancy_planned)", {"age": "40"},
                 ("pregnancy_planned",), "not (pregnancy_planned)",
                 id="not-of-unknown"),
    pytest.param("30 < age", {}, ("age",), "age > 30 years", id="constant-left-flipped"),
    pytest.param("disease_activity in ['active', 'highly-active']", {}, ("disease_activity",),
                 "disease_activity is active or highly-active", id="membership"),
    pytest.param("weeks_since_stop < from.elimination.max", {}, ("weeks_since_stop",),
                 "weeks_since_stop < 12 weeks", id="rule-base-figure-substituted"),
    pytest.param("weeks_since_stop < 2 months", {}, ("weeks_since_stop",),
                 "weeks_since_stop < 2 months (8.7 weeks)", id="months-with-weeks-beside"),
    pytest.param("weeks_since_stop < 1 week", {}, ("weeks_since_stop",),
                 "weeks_since_stop < 1 week", id="weeks-not-repeated-singular"),
    pytest.param("weeks_since_stop > 8 weeks", {}, ("weeks_since_stop",),
                 "weeks_since_stop > 8 weeks", id="weeks-not-repeated"),
]


@pytest.mark.parametrize(("source", "raw", "missing", "decides"), RESIDUALS)
def test_unknown_result_names_what_decides_it(source: str, raw: dict[str, object],
                                              missing: tuple[str, ...], decides: str) -> None:
    evaluation = assess(source, raw, {"from.elimination.max": 12.0})
    assert evaluation.result is None
    assert evaluation.missing == missing
    assert evaluation.decides == decides


@pytest.mark.parametrize(
    ("source", "raw", "result"),
    [
        pytest.param("age < 30 and lymphocytes < 1", {"age": "40"}, False,
                     id="false-and-unknown"),
        pytest.param("age > 30 or lymphocytes < 1", {"age": "40"}, True,
                     id="true-or-unknown"),
    ],
)
def test_known_result_has_no_residual(source: str, raw: dict[str, object],
                                      result: bool) -> None:
    evaluation = assess(source, raw)
    assert evaluation.result is result
    assert evaluation.missing == ()
    assert evaluation.decides is None


# ----------------------------------------------------------------- render and fact_names

RENDERED = [
    pytest.param("30 < age", "age > 30", id="constant-left-flipped"),
    pytest.param("age >= 30 and age <= 40", "age ≥ 30 and age ≤ 40", id="inequality-words"),
    pytest.param("jcv == 'positive'", "jcv is positive", id="eq-in-words"),
    pytest.param("jcv != 'positive'", "jcv is not positive", id="ne-in-words"),
    pytest.param("disease_activity not in ['none']", "disease_activity is not none",
                 id="not-in"),
    pytest.param("not pregnancy_planned", "not (pregnancy_planned)", id="not"),
    pytest.param("age > 30 and (jcv == 'positive' or pregnancy_planned)",
                 "age > 30 and (jcv is positive or pregnancy_planned)",
                 id="or-inside-and-parenthesised"),
    pytest.param("(age > 30 and age < 40) and age != 35",
                 "age > 30 and age < 40 and age is not 35", id="and-inside-and-flat"),
    pytest.param("true", "always", id="constant-true"),
    pytest.param("false", "never", id="constant-false"),
]


@pytest.mark.parametrize(("source", "text"), RENDERED)
def test_render_in_words(source: str, text: str) -> None:
    assert render(compile_condition(source, FACTS).root) == text


@pytest.mark.parametrize(
    ("source", "names"),
    [
        pytest.param("true", (), id="none"),
        pytest.param("lymphocytes < lymphocytes_lln or age > 30 and lymphocytes < 0.5",
                     ("lymphocytes", "lymphocytes_lln", "age"), id="first-appearance-order"),
        pytest.param("not (jcv in ['positive'] and pregnancy_planned)",
                     ("jcv", "pregnancy_planned"), id="membership-and-bare"),
        pytest.param("12 > from.elimination.max", ("from.elimination.max",), id="dotted"),
    ],
)
def test_fact_names(source: str, names: tuple[str, ...]) -> None:
    assert compile_condition(source, FACTS).fact_names == names


# ----------------------------------------------------------------------- laws (hypothesis)

LAW_FACTS: dict[str, FactSpec] = {
    "p": FactSpec("p", FactType.BOOLEAN, "p"),
    "q": FactSpec("q", FactType.BOOLEAN, "q"),
    "r": FactSpec("r", FactType.BOOLEAN, "r"),
    "n": FactSpec("n", FactType.NUMBER, "n"),
}
ATOMS = ("p", "q", "r", "n > 0", "true", "false")
NUMBER_FOR = {True: 1.0, False: -1.0, None: None}

Expr = str | tuple[str, "Expr"] | tuple[str, "Expr", "Expr"]
Assignment = dict[str, Truth]

truths = st.sampled_from([True, False, None])
assignments = st.fixed_dictionaries({name: truths for name in ("p", "q", "r", "n")})


def expressions(atoms: tuple[str, ...], max_leaves: int) -> st.SearchStrategy[Expr]:
    """Conditions built from ``atoms`` with not, and, or."""
    return st.recursive(
        st.sampled_from(atoms),
        lambda inner: st.one_of(
            st.tuples(st.just("not"), inner),
            st.tuples(st.sampled_from(["and", "or"]), inner, inner),
        ),
        max_leaves=max_leaves,
    )


exprs = expressions(ATOMS, max_leaves=8)


def source_of(expr: Expr) -> str:
    if isinstance(expr, str):
        return expr
    if len(expr) == 2:
        return f"not ({source_of(expr[1])})"
    word, left, right = expr
    return f"({source_of(left)}) {word} ({source_of(right)})"


def reference(expr: Expr, assignment: Assignment) -> Truth:
    """Kleene logic as min/max over false < unknown < true."""
    rank = {False: 0, None: 1, True: 2}
    back = {0: False, 1: None, 2: True}
    if isinstance(expr, str):
        constants: dict[str, Truth] = {"true": True, "false": False}
        return constants[expr] if expr in constants else assignment[expr.split()[0]]
    if len(expr) == 2:
        return back[2 - rank[reference(expr[1], assignment)]]
    word, left, right = expr
    ranks = (rank[reference(left, assignment)], rank[reference(right, assignment)])
    return back[min(ranks) if word == "and" else max(ranks)]


def atoms_in(expr: Expr) -> list[str]:
    if isinstance(expr, str):
        return [expr]
    return [atom for part in expr[1:] for atom in atoms_in(part)]


def evaluate_law(source: str, assignment: Mapping[str, Truth]) -> Evaluation:
    def lookup(name: str) -> Value | None:
        return NUMBER_FOR[assignment[name]] if name == "n" else assignment[name]

    return evaluate(compile_condition(source, LAW_FACTS), lookup, lambda _, value: str(value))


@settings(database=None, max_examples=300)
@given(exprs, assignments)
def test_evaluator_agrees_with_reference_kleene(expr: Expr, assignment: Assignment) -> None:
    evaluation = evaluate_law(source_of(expr), assignment)
    assert evaluation.result is reference(expr, assignment)
    # no short-circuit: one step per fact-bearing atom, constants leave none
    assert len(evaluation.trace) == sum(1 for a in atoms_in(expr) if a not in {"true", "false"})
    given_missing = {name for name, value in assignment.items() if value is None}
    if evaluation.result is None:
        assert evaluation.missing
        assert set(evaluation.missing) <= given_missing
        assert evaluation.decides
    else:
        assert evaluation.missing == ()
        assert evaluation.decides is None


MIXED_ATOMS = (
    "pregnancy_planned", "age > 30", "30 < age", "lymphocytes < lymphocytes_lln",
    "lymphocytes < lymphocytes", "jcv == 'positive'", "jcv != 'negative'",
    "disease_activity in ['active', 'highly-active']", "disease_activity not in ['none']",
    "true", "false",
)
mixed_exprs = expressions(MIXED_ATOMS, max_leaves=10)
mixed_values = st.fixed_dictionaries({
    "pregnancy_planned": st.sampled_from([True, False, None]),
    "age": st.sampled_from([20.0, 30.0, 40.0, None]),
    "lymphocytes": st.sampled_from([0.5, 1.0, 1.5, None]),
    "lymphocytes_lln": st.sampled_from([0.8, 1.0, None]),
    "jcv": st.sampled_from(["positive", "negative", None]),
    "disease_activity": st.sampled_from(["none", "active", "highly-active", None]),
})


@settings(database=None, max_examples=400)
@given(mixed_exprs, mixed_values)
def test_decide_names_the_facts_the_residual_names(expr: Expr,
                                                    values: dict[str, Value | None]) -> None:
    """``decide`` works out an undecided condition's missing facts without building the
    residual; they must be the residual's own (``evaluate``'s), in the same order."""
    condition = compile_condition(source_of(expr), FACTS)
    lookup = values.get
    result, missing = decide(condition, lookup)
    evaluation = evaluate(condition, lookup, lambda _, value: str(value))
    assert result is evaluation.result
    assert missing == evaluation.missing
    assert len(set(missing)) == len(missing)
    if result is None:
        assert missing and all(values[name] is None for name in missing)


@settings(database=None, max_examples=200)
@given(exprs, exprs, assignments)
def test_de_morgan(a: Expr, b: Expr, assignment: Assignment) -> None:
    a_src, b_src = source_of(a), source_of(b)
    assert (evaluate_law(f"not (({a_src}) and ({b_src}))", assignment).result
            is evaluate_law(f"not ({a_src}) or not ({b_src})", assignment).result)
    assert (evaluate_law(f"not (({a_src}) or ({b_src}))", assignment).result
            is evaluate_law(f"not ({a_src}) and not ({b_src})", assignment).result)


@settings(database=None, max_examples=200)
@given(exprs, assignments)
def test_double_negation(a: Expr, assignment: Assignment) -> None:
    a_src = source_of(a)
    assert (evaluate_law(f"not not ({a_src})", assignment).result
            is evaluate_law(a_src, assignment).result)


@settings(database=None, max_examples=200)
@given(exprs, assignments, st.data())
def test_known_result_survives_filling_in_missing_facts(expr: Expr, assignment: Assignment,
                                                         data: st.DataObject) -> None:
    """Monotonicity: a decided result cannot change when a missing fact is given."""
    result = evaluate_law(source_of(expr), assignment).result
    filled = {name: value if value is not None else data.draw(st.booleans(), label=name)
              for name, value in assignment.items()}
    if result is not None:
        assert evaluate_law(source_of(expr), filled).result is result


# --------------------------------------------------------------- compiled once, worded late


def test_the_words_are_put_together_only_when_read() -> None:
    described: list[str] = []

    def describe(name: str, value: Value) -> str:
        described.append(name)
        return describe_value(name, value)

    condition = compile_condition("lymphocytes < 0.8 and (age > 60 or jcv == 'positive')",
                                  FACTS)
    evaluation = evaluate(condition, {"lymphocytes": 0.5, "age": 40.0}.get, describe)
    assert (evaluation.result, evaluation.missing) == (None, ("jcv",))
    assert described == []  # the result is known; no sentence has been written yet
    assert [step.text for step in evaluation.trace] == [
        "lymphocytes 0.50 ×10⁹/L is below 0.80 ×10⁹/L", "age 40 years is at or below 60 years",
        "jcv not given"]
    assert evaluation.decides == "jcv is positive"
    assert described  # written on first reading, once
    count = len(described)
    assert evaluation.trace == evaluation.trace and len(described) == count


def test_an_evaluation_equals_one_built_from_its_parts() -> None:
    evaluation = run("age < 40", {"age": 39.0})
    built = Evaluation(True, evaluation.trace, (), None)
    assert evaluation == built and built == evaluation
    assert "result=True" in repr(evaluation)
    assert evaluation != run("age < 40", {"age": 41.0})


def test_a_compiled_condition_pickles_without_its_evaluators() -> None:
    import pickle

    condition = compile_condition("lymphocytes < lymphocytes_lln or not pregnancy_planned",
                                  FACTS)
    before = evaluate(condition, {"lymphocytes": 0.5}.get, describe_value)
    assert condition.fact_names == ("lymphocytes", "lymphocytes_lln", "pregnancy_planned")
    copy = pickle.loads(pickle.dumps(condition))
    assert copy == condition
    assert evaluate(copy, {"lymphocytes": 0.5}.get, describe_value) == before


def test_compiled_conditions_are_values() -> None:
    import copy
    from dataclasses import FrozenInstanceError

    first = compile_condition("age < 40 and jcv in ['positive']", FACTS)
    second = compile_condition("age < 40 and jcv in ['positive']", FACTS)
    assert first == second and hash(first.root) == hash(second.root)
    assert first.root != compile_condition("age < 41 and jcv in ['positive']", FACTS).root
    assert copy.deepcopy(first.root) == first.root
    assert repr(first.root).startswith("And(operands=(Compare(left=Name(name='age', column=1)")
    with pytest.raises(FrozenInstanceError):
        first.root.operands = ()  # type: ignore[misc, union-attr]
    step = run("age < 40", {"age": 39.0}).trace[0]
    with pytest.raises(FrozenInstanceError):
        step.text = "changed"  # type: ignore[misc]

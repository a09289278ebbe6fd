"""Property-based tests (hypothesis). CI runs the fixed, derandomised ``ci`` profile
registered in ``conftest.py``; ``HYPOTHESIS_PROFILE=long python -m pytest
tests/test_properties.py`` explores much further on a developer's machine.

- the condition parser on random token soups: a condition, or a positioned
  ``ConditionSyntaxError`` — nothing else;
- random valid conditions agree with a straightforward reference evaluator, three-valued
  (Kleene), and the Kleene laws hold; giving a missing fact never changes a known result;
- ``--lymphocytes`` / ``--weeks-since-stop`` strings: a value in range with its unit, or a
  one-line error naming the option (exit 2);
- random option combinations on ``check``: exit 0, 1, 2 or 3, never a traceback.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Union

from hypothesis import assume, given
from hypothesis import strategies as st

from helpers import MINI_RULES, RunCli
from switchadvisor.conditions import (
    MAX_NESTING,
    ConditionSyntaxError,
    compile_condition,
    evaluate,
)
from switchadvisor.errors import ExitCode, InputError
from switchadvisor.facts import MAX_COUNT, MAX_WEEKS, parse_facts
from switchadvisor.rulebase import CONDITION_FACTS

# ------------------------------------------------------------------ token soups

TOKENS = [
    "(", ")", "[", "]", ",", "and", "or", "not", "in", "true", "false", "<", "<=", ">", ">=",
    "==", "!=", "=", "age", "lymphocytes", "lymphocytes_lln", "disease_activity",
    "pregnancy_planned", "jcv", "from.elimination.max", "to.lasting_effect.max", "nosuch",
    "from.", "1", "0.5", "-3", "1e3", "1e999", '"active"', "'none'", '"positive"', '"',
    "'", "AND", "Not", "@", "\\", "\u00e9", "\x00", "",
]


@given(st.lists(st.sampled_from(TOKENS), max_size=25), st.sampled_from([" ", ""]))
def test_token_soup_parses_or_raises_a_positioned_syntax_error(tokens: list[str],
                                                               separator: str) -> None:
    source = separator.join(tokens)
    try:
        condition = compile_condition(source, CONDITION_FACTS)
    except ConditionSyntaxError as exc:
        assert 1 <= exc.column <= len(source) + 1
        assert exc.message and "\n" not in exc.message
    else:
        assert condition.source == source


@given(st.text(max_size=80))
def test_any_text_parses_or_raises_a_positioned_syntax_error(source: str) -> None:
    try:
        compile_condition(source, CONDITION_FACTS)
    except ConditionSyntaxError as exc:
        assert 1 <= exc.column <= len(source) + 1


@given(st.integers(min_value=MAX_NESTING + 1, max_value=3000), st.booleans())
def test_deep_nesting_is_a_syntax_error_not_a_crash(depth: int, parentheses: bool) -> None:
    source = ("(" * depth + "age > 1" + ")" * depth) if parentheses \
        else ("not " * depth + "age > 1")
    try:
        compile_condition(source, CONDITION_FACTS)
    except ConditionSyntaxError as exc:
        assert "nested too deeply" in exc.message
    else:
        raise AssertionError("accepted a condition nested beyond the limit")


# ---------------------------------------------- random valid conditions, reference evaluator

NUMBERS = ("age", "lymphocytes", "weeks_since_stop")
CHOICES = {"disease_activity": ("none", "active", "highly-active"),
           "jcv": ("positive", "negative")}
BOOLEANS = ("pregnancy_planned",)
OPS = ("<", "<=", ">", ">=", "==", "!=")


@dataclass(frozen=True)
class Cmp:
    name: str
    op: str
    value: float


@dataclass(frozen=True)
class In:
    name: str
    choices: tuple[str, ...]
    negated: bool


@dataclass(frozen=True)
class Flag:
    name: str


@dataclass(frozen=True)
class Neg:
    operand: Expr


@dataclass(frozen=True)
class Both:
    operands: tuple[Expr, ...]


@dataclass(frozen=True)
class Either:
    operands: tuple[Expr, ...]


Expr = Union[Cmp, In, Flag, Neg, Both, Either]  # noqa: UP007

leaves = st.one_of(
    st.builds(Cmp, st.sampled_from(NUMBERS), st.sampled_from(OPS),
              st.sampled_from([0.0, 0.5, 1.0, 18.0, 40.0])),
    st.sampled_from(sorted(CHOICES)).flatmap(lambda name: st.builds(
        In, st.just(name), st.lists(st.sampled_from(CHOICES[name]), min_size=1, max_size=3,
                                    unique=True).map(tuple), st.booleans())),
    st.builds(Flag, st.sampled_from(BOOLEANS)),
)
expressions = st.recursive(leaves, lambda inner: st.one_of(
    st.builds(Neg, inner),
    st.lists(inner, min_size=2, max_size=3).map(lambda items: Both(tuple(items))),
    st.lists(inner, min_size=2, max_size=3).map(lambda items: Either(tuple(items))),
), max_leaves=10)


def source(expr: Expr) -> str:
    if isinstance(expr, Cmp):
        return f"{expr.name} {expr.op} {expr.value:g}"
    if isinstance(expr, In):
        listed = ", ".join(f'"{choice}"' for choice in expr.choices)
        return f"{expr.name} {'not in' if expr.negated else 'in'} [{listed}]"
    if isinstance(expr, Flag):
        return expr.name
    if isinstance(expr, Neg):
        return f"not ({source(expr.operand)})"
    word = " and " if isinstance(expr, Both) else " or "
    return word.join(f"({source(operand)})" for operand in expr.operands)


def depth(expr: Expr) -> int:
    if isinstance(expr, Neg):
        return 2 + depth(expr.operand)
    if isinstance(expr, (Both, Either)):
        return 1 + max(depth(operand) for operand in expr.operands)
    return 0


Facts = dict[str, Union[float, str, bool, None]]  # noqa: UP007


def reference(expr: Expr, facts: Facts) -> bool | None:
    """Kleene logic, written out plainly."""
    if isinstance(expr, Cmp):
        value = facts.get(expr.name)
        if value is None:
            return None
        assert isinstance(value, float)
        return {"<": value < expr.value, "<=": value <= expr.value, ">": value > expr.value,
                ">=": value >= expr.value, "==": value == expr.value,
                "!=": value != expr.value}[expr.op]
    if isinstance(expr, In):
        value = facts.get(expr.name)
        return None if value is None else (value in expr.choices) != expr.negated
    if isinstance(expr, Flag):
        value = facts.get(expr.name)
        return None if value is None else bool(value)
    if isinstance(expr, Neg):
        inner = reference(expr.operand, facts)
        return None if inner is None else not inner
    results = [reference(operand, facts) for operand in expr.operands]
    if isinstance(expr, Both):
        if False in results:
            return False
        return None if None in results else True
    if True in results:
        return True
    return None if None in results else False


fact_values = st.fixed_dictionaries({
    **{name: st.one_of(st.none(), st.sampled_from([0.0, 0.4, 0.5, 1.0, 17.0, 18.0, 60.0]))
       for name in NUMBERS},
    **{name: st.one_of(st.none(), st.sampled_from(choices)) for name, choices in CHOICES.items()},
    **{name: st.one_of(st.none(), st.booleans()) for name in BOOLEANS},
})


def run(expr: Expr, facts: Facts) -> bool | None:
    condition = compile_condition(source(expr), CONDITION_FACTS)
    result = evaluate(condition, lambda name: facts.get(name), lambda _, value: str(value))
    if result.result is None:
        assert result.missing, "an unknown result names the facts that would decide it"
    return result.result


@given(expressions, fact_values)
def test_conditions_agree_with_the_reference_evaluator(expr: Expr, facts: Facts) -> None:
    assume(depth(expr) <= MAX_NESTING)
    assert run(expr, facts) == reference(expr, facts)


@given(expressions, expressions, expressions, fact_values)
def test_kleene_laws_hold(a: Expr, b: Expr, c: Expr, facts: Facts) -> None:
    assume(max(depth(a), depth(b), depth(c)) <= MAX_NESTING - 6)
    assert run(Neg(Neg(a)), facts) == run(a, facts)
    assert run(Neg(Both((a, b))), facts) == run(Either((Neg(a), Neg(b))), facts)
    assert run(Neg(Either((a, b))), facts) == run(Both((Neg(a), Neg(b))), facts)
    assert run(Both((a, b)), facts) == run(Both((b, a)), facts)
    assert run(Both((a, Either((b, c)))), facts) == \
        run(Either((Both((a, b)), Both((a, c)))), facts)
    assert run(Either((a, Neg(a))), facts) in (True, None)  # never false
    assert run(Both((a, Neg(a))), facts) in (False, None)  # never true


@given(expressions, fact_values, fact_values)
def test_giving_a_missing_fact_never_changes_a_known_result(expr: Expr, partial: Facts,
                                                            extra: Facts) -> None:
    assume(depth(expr) <= MAX_NESTING)
    known = run(expr, partial)
    completed = {name: partial[name] if partial[name] is not None else extra[name]
                 for name in partial}
    if known is not None:
        assert run(expr, completed) == known


# ------------------------------------------------------------------------- facts strings

COUNT_PIECES = ["0", "0.6", "600", "1e9", "-1", ".", "e", "x10^9", "e9", "/L", "/uL", "/µL",
                " cells/mm3", " ", "×10⁹/L", "nan", "inf", "10", "^", "x", "mm3", ",", "1_000"]
WEEK_PIECES = ["6", "6.5", "-2", "w", "weeks", "d", "days", " ", "month", "months", "year",
               "1e3", "nan", "inf", "0", "42", "h", "."]


def _check_fact(option: str, key: str, text: str, high: float, unit_word: str) -> None:
    try:
        facts = parse_facts({key: text})
    except InputError as exc:
        assert exc.option == option
        assert option in str(exc) and "\n" not in str(exc)
        return
    value = facts.value(key)
    if value is None:  # an empty value is "not given"
        assert not text.strip()
        return
    assert isinstance(value, float) and math.isfinite(value) and 0 <= value <= high
    assert unit_word in facts.read_as[key]


@given(st.one_of(st.lists(st.sampled_from(COUNT_PIECES), max_size=6).map("".join),
                 st.text(max_size=30)))
def test_lymphocyte_strings_give_a_value_or_a_one_line_error(text: str) -> None:
    _check_fact("--lymphocytes", "lymphocytes", text, MAX_COUNT, "10⁹/L")


@given(st.one_of(st.lists(st.sampled_from(WEEK_PIECES), max_size=6).map("".join),
                 st.text(max_size=30)))
def test_weeks_strings_give_a_value_or_a_one_line_error(text: str) -> None:
    _check_fact("--weeks-since-stop", "weeks_since_stop", text, MAX_WEEKS, "week")


@given(st.sampled_from(["--lymphocytes", "--weeks-since-stop"]),
       st.one_of(st.lists(st.sampled_from(COUNT_PIECES + WEEK_PIECES), max_size=5).map("".join),
                 st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)))
def test_fact_options_exit_0_or_2_with_one_line(run_cli: RunCli, option: str,
                                                text: str) -> None:
    assume(not text.startswith("-") or text[1:2].isdigit())
    result = run_cli("check", "--from", "fingolimod", "--to", "alemtuzumab", "-f", "json",
                     "--rules", str(MINI_RULES), f"{option}={text}")
    assert result.exit_code in (ExitCode.OK, ExitCode.USAGE), result
    if result.exit_code == ExitCode.USAGE:
        assert result.stderr.count("\n") == 1 and option in result.stderr, result


# -------------------------------------------------------------- random CLI combinations

OPTION_VALUES: dict[str, list[str | None]] = {
    "--from": ["fingolimod", "Gilenya", "alemtuzumab", "cladribine", "fingolimd", "", "x" * 300],
    "--to": ["alemtuzumab", "Lemtrada", "cladribine", "fingolimod", "nosuch", "\x1b[31m"],
    "--lymphocytes": ["0.6", "600/uL", "-1", "abc", "1e400", ""],
    "--lymphocytes-lln": ["1.0", "0", "9", "x"],
    "--weeks-since-stop": ["6", "42d", "2 months", "-1", "999 years", "w"],
    "--stopped": ["2026-10-01", "2026-02-30", "yesterday"],
    "--on": ["2026-11-24", "1900-01-01", "2026-13-01"],
    "--disease-activity": ["none", "active", "highly-active", "very"],
    "--age": ["40", "-3", "200", "forty"],
    "--jcv": ["positive", "negative", "maybe"],
    "--format": ["text", "json", "markdown", "xml"],
    "--fail-on": ["info", "warning", "critical", "fatal"],
    "--width": ["80", "10", "abc"],
    "--max-problems": ["1", "0", "x"],
    "--rules": [str(MINI_RULES), "/nonexistent-switchadvisor", ""],
    "--strict": [None],
    "--pregnancy-planned": [None],
    "--no-pregnancy-planned": [None],
}


@given(st.dictionaries(st.sampled_from(sorted(OPTION_VALUES)), st.integers(0, 10),
                       max_size=8))
def test_random_check_options_exit_0_1_2_or_3_without_traceback(run_cli: RunCli,
                                                                 chosen: dict[str, int]) -> None:
    args = ["check"]
    chosen.setdefault("--rules", 0)
    for option, pick in sorted(chosen.items()):
        values = OPTION_VALUES[option]
        value = values[pick % len(values)]
        args += [option] if value is None else [f"{option}={value}"]
    result = run_cli(*args)
    assert result.exit_code in (0, 1, 2, 3), result
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result
    assert "\x1b" not in result.stderr


# ----------------------------------------------- random rule files: a rule base or problems

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
              st.floats(allow_nan=True, allow_infinity=True),
              st.text(max_size=12), st.sampled_from(["2026-02-30", "4 weeks", "age > 1",
                                                     "((", "fingolimod", "info"])),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8)


def _paths(data: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


@given(st.sampled_from(["drugs.yaml", "evidence.yaml", "rulebase.yaml",
                        "pathways/fingolimod--alemtuzumab.yaml"]),
       st.integers(min_value=0), json_values)
def test_a_mutated_rule_file_gives_a_rule_base_or_problems(tmp_path_factory: object,
                                                            relpath: str, pick: int,
                                                            value: object) -> None:
    import json
    import shutil

    from switchadvisor import yamlio
    from switchadvisor.errors import RuleBaseError
    from switchadvisor.rulebase import load_rulebase

    target = tmp_path_factory.mktemp("rules") / "rules"  # type: ignore[attr-defined]
    shutil.copytree(MINI_RULES, target)
    data = yamlio.load_document((target / relpath).read_text(encoding="utf-8")).data
    paths = _paths(data)
    path = paths[pick % len(paths)]
    if not path:
        data = value
    else:
        holder = data
        for step in path[:-1]:
            holder = holder[step]
        holder[path[-1]] = value
    (target / relpath).write_text(json.dumps(data, default=str), encoding="utf-8")
    try:
        load_rulebase(target)
    except RuleBaseError as exc:
        assert exc.problems
        assert all(len(str(problem)) <= 400 for problem in exc.problems)

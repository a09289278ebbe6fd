"""The `when:` condition language: parsed once by our own small parser, evaluated three-valued.

Grammar (keywords are lower-case)::

    expr     := or
    or       := and ("or" and)*
    and      := unary ("and" unary)*
    unary    := "not" unary | primary
    primary  := "(" expr ")" | operand [ OP operand | ["not"] "in" list ]
    operand  := NUMBER | DURATION | STRING | "true" | "false" | NAME
    list     := "[" literal ("," literal)* "]"
    OP       := "<" | "<=" | ">" | ">=" | "==" | "!="

A DURATION ("2 months", "10 days") is a number of weeks, converted by ``timeunits`` so the
rule base has one time arithmetic. A bare NAME is allowed only for a true/false fact.
Evaluation is Kleene logic: a comparison that involves a missing fact is *unknown*;
``false and unknown`` is false and ``true or unknown`` is true. Every comparison evaluated
is recorded with the actual values.
"""

from __future__ import annotations

import enum
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import FrozenInstanceError, dataclass
from typing import Literal, TypeVar

from switchadvisor import timeunits

Value = float | str | bool
Truth = bool | None  # None means unknown

OPERATORS = ("<=", ">=", "==", "!=", "<", ">")
_OP_WORDS = {
    "<": "<",
    "<=": "≤",
    ">": ">",
    ">=": "≥",
    "==": "is",
    "!=": "is not",
}
_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


class FactType(str, enum.Enum):
    NUMBER = "number"
    CHOICE = "choice"
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class FactSpec:
    """What the condition language knows about one fact name."""

    name: str
    type: FactType
    description: str
    unit: str = ""
    choices: tuple[str, ...] = ()
    option: str | None = None
    """The CLI option that supplies it (None for figures taken from the rule base)."""


class ConditionSyntaxError(Exception):
    """A condition that does not parse or does not type-check; ``column`` is 1-based."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


# ---------------------------------------------------------------------------------- AST

_set = object.__setattr__


class _Frozen:
    """An immutable value whose fields are its ``__match_args__`` (in order; stored in
    ``__slots__``): equality, hash, repr and pickling by field, as a frozen dataclass gives,
    for a fraction of a frozen dataclass's cost at import (no generated code: this module is
    on every command's start-up path). Subclasses are decorated with ``_value`` so that they
    are still dataclasses (``dataclasses.fields``, the compiled rule base's unpickler)."""

    __slots__ = ()
    __match_args__: tuple[str, ...] = ()

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def _fields(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__match_args__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, _Frozen)
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__match_args__)
        return f"{self.__class__.__qualname__}({fields})"

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        return self.__class__, self._fields()


_value = dataclass(init=False, repr=False, eq=False)
"""A ``_Frozen`` subclass as a dataclass: fields recorded, nothing generated (its own
``__init__``; equality, hash, repr and immutability from ``_Frozen``)."""


@_value
class Literal_(_Frozen):
    """A value written in a condition: a number, a duration (in weeks), a text, true/false."""

    __slots__ = ("column", "origin", "text", "value")
    __match_args__ = ("value", "column", "origin", "text")
    value: Value
    column: int
    origin: str | None
    """The fact this value was substituted for, when partial evaluation replaced a name."""
    text: str | None
    """A duration as written ("2 months"); its value is in weeks (``timeunits``)."""

    def __init__(self, value: Value, column: int, origin: str | None = None,
                 text: str | None = None) -> None:
        _set(self, "value", value)
        _set(self, "column", column)
        _set(self, "origin", origin)
        _set(self, "text", text)


@_value
class Name(_Frozen):
    """A fact named in a condition."""

    __slots__ = ("column", "name")
    __match_args__ = ("name", "column")
    name: str
    column: int

    def __init__(self, name: str, column: int) -> None:
        _set(self, "name", name)
        _set(self, "column", column)


Operand = Literal_ | Name


@_value
class Compare(_Frozen):
    """``left op right``."""

    __slots__ = ("left", "op", "right")
    __match_args__ = ("left", "op", "right")
    left: Operand
    op: str
    right: Operand

    def __init__(self, left: Operand, op: str, right: Operand) -> None:
        _set(self, "left", left)
        _set(self, "op", op)
        _set(self, "right", right)


@_value
class Member(_Frozen):
    """``subject in [choices]`` (or ``not in``)."""

    __slots__ = ("choices", "negated", "subject")
    __match_args__ = ("subject", "choices", "negated")
    subject: Operand
    choices: tuple[Literal_, ...]
    negated: bool

    def __init__(self, subject: Operand, choices: tuple[Literal_, ...],
                 negated: bool) -> None:
        _set(self, "subject", subject)
        _set(self, "choices", choices)
        _set(self, "negated", negated)


@_value
class FactIsTrue(_Frozen):
    """A true/false fact on its own."""

    __slots__ = ("name",)
    __match_args__ = ("name",)
    name: Name

    def __init__(self, name: Name) -> None:
        _set(self, "name", name)


@_value
class Const(_Frozen):
    """``true`` or ``false`` on its own, or a part that partial evaluation decided."""

    __slots__ = ("value",)
    __match_args__ = ("value",)
    value: bool

    def __init__(self, value: bool) -> None:
        _set(self, "value", value)


@_value
class Not(_Frozen):
    """``not operand``."""

    __slots__ = ("operand",)
    __match_args__ = ("operand",)
    operand: Node

    def __init__(self, operand: Node) -> None:
        _set(self, "operand", operand)


@_value
class And(_Frozen):
    """Every operand holds."""

    __slots__ = ("operands",)
    __match_args__ = ("operands",)
    operands: tuple[Node, ...]

    def __init__(self, operands: tuple[Node, ...]) -> None:
        _set(self, "operands", operands)


@_value
class Or(_Frozen):
    """Some operand holds."""

    __slots__ = ("operands",)
    __match_args__ = ("operands",)
    operands: tuple[Node, ...]

    def __init__(self, operands: tuple[Node, ...]) -> None:
        _set(self, "operands", operands)


Node = Compare | Member | FactIsTrue | Const | Not | And | Or

# ----------------------------------------------------------------------------- tokenizer

_TOKEN_PATTERN = r"""
    (?P<ws>\s+)
  | (?P<duration>\d+(?:\.\d+)?\s*(?:days?|weeks?|months?|years?)\b)
  | (?P<number>-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?)
  | (?P<string>"[^"\\]*"|'[^'\\]*')
  | (?P<op><=|>=|==|!=|<|>)
  | (?P<punct>[()\[\],])
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
    """
"""Compiled on the first condition parsed (a warm start may parse none)."""
_KEYWORDS = {"and", "or", "not", "in", "true", "false"}

TokenKind = Literal["number", "duration", "string", "op", "punct", "name", "keyword", "end"]


class _Token:
    __slots__ = ("column", "kind", "text")

    def __init__(self, kind: TokenKind, text: str, column: int) -> None:
        self.kind = kind
        self.text = text
        self.column = column


def _tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    token = re.compile(_TOKEN_PATTERN, re.VERBOSE).match  # re caches the compiled pattern
    while position < len(source):
        match = token(source, position)
        if match is None:
            char = source[position]
            if char in "\"'":
                raise ConditionSyntaxError("unterminated string", position + 1)
            if char == "=":
                raise ConditionSyntaxError("use '==' to compare for equality", position + 1)
            raise ConditionSyntaxError(f"unexpected character {char!r}", position + 1)
        kind = match.lastgroup
        text = match.group()
        if kind != "ws":
            if kind == "name" and text in _KEYWORDS:
                kind = "keyword"
            elif kind == "name" and text.lower() in _KEYWORDS:
                raise ConditionSyntaxError(
                    f"keywords are lower-case: write {text.lower()!r}", position + 1
                )
            tokens.append(_Token(kind, text, position + 1))  # type: ignore[arg-type]
        position = match.end()
    tokens.append(_Token("end", "", len(source) + 1))
    return tokens


# -------------------------------------------------------------------------------- parser


MAX_NESTING = 32
"""Levels of parentheses and ``not`` in one condition: deep enough for any real rule, and far
below Python's recursion limit (the parser, evaluator and renderer recurse once a level)."""


class _Parser:
    def __init__(self, source: str, facts: Mapping[str, FactSpec], *,
                 suggest: bool = True) -> None:
        self.tokens = _tokenize(source)
        self.index = 0
        self.facts = facts
        self.depth = 0
        self.suggest = suggest

    def enter(self, token: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise ConditionSyntaxError(
                f"nested too deeply (more than {MAX_NESTING} levels of parentheses and "
                "'not'); split the condition", token.column)

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at_keyword(self, word: str) -> bool:
        return self.current.kind == "keyword" and self.current.text == word

    def expect(self, text: str) -> _Token:
        if self.current.text != text or self.current.kind in {"string", "end"}:
            found = self._describe(self.current)
            raise ConditionSyntaxError(f"expected {text!r}, found {found}", self.current.column)
        return self.advance()

    @staticmethod
    def _describe(token: _Token) -> str:
        return "end of condition" if token.kind == "end" else repr(token.text)

    def _at_end(self) -> bool:
        return self.tokens[self.index].kind == "end"

    def parse(self) -> Node:
        if self.current.kind == "end":
            raise ConditionSyntaxError("empty condition", 1)
        node = self.parse_or()
        if not self._at_end():
            raise ConditionSyntaxError(
                f"unexpected {self._describe(self.current)} (missing 'and'/'or'?)",
                self.current.column,
            )
        return node

    def parse_or(self) -> Node:
        operands = [self.parse_and()]
        while self.at_keyword("or"):
            self.advance()
            operands.append(self.parse_and())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def parse_and(self) -> Node:
        operands = [self.parse_unary()]
        while self.at_keyword("and"):
            self.advance()
            operands.append(self.parse_unary())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def parse_unary(self) -> Node:
        if self.at_keyword("not"):
            self.enter(self.advance())
            node = Not(self.parse_unary())
            self.depth -= 1
            return node
        return self.parse_primary()

    def parse_primary(self) -> Node:
        if self.current.text == "(" and self.current.kind == "punct":
            self.enter(self.advance())
            node = self.parse_or()
            self.expect(")")
            self.depth -= 1
            return node
        left = self.parse_operand()
        token = self.current
        if token.kind == "op":
            self.advance()
            right = self.parse_operand()
            return self._compare(left, token.text, right, token.column)
        negated = False
        if self.at_keyword("not") and self.tokens[self.index + 1].text == "in":
            self.advance()
            negated = True
        if self.at_keyword("in"):
            in_column = self.advance().column
            return self._member(left, self.parse_list(), negated, in_column)
        return self._bare(left)

    def parse_operand(self) -> Operand:
        token = self.current
        if token.kind == "number":
            self.advance()
            return Literal_(float(token.text), token.column)
        if token.kind == "duration":
            self.advance()
            _, _, weeks = timeunits.parse_duration(token.text)
            return Literal_(weeks, token.column, text=" ".join(token.text.split()))
        if token.kind == "string":
            self.advance()
            return Literal_(token.text[1:-1], token.column)
        if token.kind == "keyword" and token.text in {"true", "false"}:
            self.advance()
            return Literal_(token.text == "true", token.column)
        if token.kind == "name":
            self.advance()
            if token.text not in self.facts:
                raise ConditionSyntaxError(_unknown_fact(token.text, self.facts, self.suggest),
                                           token.column)
            return Name(token.text, token.column)
        raise ConditionSyntaxError(
            f"expected a fact name or a value, found {self._describe(token)}", token.column
        )

    def parse_list(self) -> tuple[Literal_, ...]:
        self.expect("[")
        items: list[Literal_] = []
        while True:
            operand = self.parse_operand()
            if not isinstance(operand, Literal_):
                raise ConditionSyntaxError("a list holds values, not fact names", operand.column)
            items.append(operand)
            if self.current.text == ",":
                self.advance()
                continue
            self.expect("]")
            return tuple(items)

    # -- type checks: every name is known and compared with a value of its own type

    def _type_of(self, operand: Operand) -> FactType:
        if isinstance(operand, Name):
            return self.facts[operand.name].type
        if isinstance(operand.value, bool):
            return FactType.BOOLEAN
        if isinstance(operand.value, float):
            return FactType.NUMBER
        return FactType.CHOICE

    def _check_choice(self, name: Name, literal: Literal_) -> None:
        spec = self.facts[name.name]
        if spec.type is FactType.CHOICE and literal.value not in spec.choices:
            choices = ", ".join(repr(choice) for choice in spec.choices)
            raise ConditionSyntaxError(
                f"{literal.value!r} is not a value of {name.name} (one of: {choices})",
                literal.column,
            )

    def _compare(self, left: Operand, op: str, right: Operand, column: int) -> Node:
        if isinstance(left, Literal_) and isinstance(right, Literal_):
            raise ConditionSyntaxError("compares two constants; name a fact", column)
        left_type, right_type = self._type_of(left), self._type_of(right)
        if left_type is not right_type:
            raise ConditionSyntaxError(
                f"cannot compare a {left_type.value} with a {right_type.value}", column
            )
        if op not in {"==", "!="} and left_type is not FactType.NUMBER:
            raise ConditionSyntaxError(f"{op!r} needs numbers; use == or != here", column)
        for name, other in ((left, right), (right, left)):
            if isinstance(name, Name) and isinstance(other, Literal_):
                self._check_choice(name, other)
        return Compare(left, op, right)

    def _member(self, subject: Operand, choices: tuple[Literal_, ...], negated: bool,
                column: int) -> Node:
        if not isinstance(subject, Name):
            raise ConditionSyntaxError("'in' needs a fact name on its left", column)
        for choice in choices:
            if self._type_of(choice) is not self._type_of(subject):
                raise ConditionSyntaxError(
                    f"list value does not match {subject.name}'s type", choice.column
                )
            self._check_choice(subject, choice)
        return Member(subject, choices, negated)

    def _bare(self, operand: Operand) -> Node:
        if isinstance(operand, Literal_):
            if isinstance(operand.value, bool):
                return Const(operand.value)
            raise ConditionSyntaxError("a value alone is not a condition", operand.column)
        if self.facts[operand.name].type is not FactType.BOOLEAN:
            raise ConditionSyntaxError(
                f"{operand.name} is not true/false; compare it with something",
                operand.column,
            )
        return FactIsTrue(operand)


def _unknown_fact(name: str, facts: Mapping[str, FactSpec], suggest: bool) -> str:
    import difflib

    close = difflib.get_close_matches(name[:80], list(facts), n=1) if suggest else []
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown fact {name!r}{hint}"


_K = TypeVar("_K")


@dataclass(frozen=True)
class Condition:
    """A compiled condition: its source text and its AST.

    What depends only on the condition (the facts it names, the evaluator built from its
    AST) is worked out on first use and kept on the object (never pickled or compared).
    """

    source: str
    root: Node

    @property
    def fact_names(self) -> tuple[str, ...]:
        """Every fact the condition mentions, in order of first appearance."""
        return self._kept("_fact_names", _names_in)

    @property
    def _truth(self) -> _TruthOf:
        return self._kept("_truth_of", _compile_truth)

    @property
    def _unknowns(self) -> _UnknownsOf:
        return self._kept("_unknowns_of", _compile_unknowns)

    @property
    def _words(self) -> _WordsOf:
        return self._kept("_words_of", _compile_words)

    def _kept(self, attribute: str, build: Callable[[Node], _K]) -> _K:
        """What ``build`` makes of the AST, made on first use and kept beside the fields
        (``evaluate`` and ``decide`` read the attribute directly on their fast path)."""
        value: _K | None = self.__dict__.get(attribute)
        if value is None:
            value = build(self.root)
            object.__setattr__(self, attribute, value)
        return value

    def __getstate__(self) -> dict[str, object]:
        return {"source": self.source, "root": self.root}


def compile_condition(source: str, facts: Mapping[str, FactSpec], *,
                      suggest: bool = True) -> Condition:
    """Parse and type-check ``source``; raises ConditionSyntaxError with a 1-based column.

    ``suggest=False`` leaves out "did you mean" (a fuzzy search over every fact name), for
    a loader that has already suggested enough.
    """
    return Condition(source, _Parser(source, facts, suggest=suggest).parse())


def _names_in(node: Node) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    _collect_names(node, seen)
    return tuple(seen)


def _collect_names(node: Node, seen: dict[str, None]) -> None:
    if isinstance(node, Compare):
        for operand in (node.left, node.right):
            if isinstance(operand, Name):
                seen.setdefault(operand.name)
    elif isinstance(node, Member):
        if isinstance(node.subject, Name):
            seen.setdefault(node.subject.name)
    elif isinstance(node, FactIsTrue):
        seen.setdefault(node.name.name)
    elif isinstance(node, Not):
        _collect_names(node.operand, seen)
    elif isinstance(node, (And, Or)):
        for child in node.operands:
            _collect_names(child, seen)


# ----------------------------------------------------------------------------- evaluation


@_value
class TraceStep(_Frozen):
    """One comparison as it was evaluated."""

    __slots__ = ("missing", "result", "text")
    __match_args__ = ("text", "result", "missing")
    text: str
    """The comparison in words, with the actual values and units."""
    result: Truth
    missing: tuple[str, ...]
    """Facts that were not given (the reason a result is unknown)."""

    def __init__(self, text: str, result: Truth, missing: tuple[str, ...]) -> None:
        _set(self, "text", text)
        _set(self, "result", result)
        _set(self, "missing", missing)


FactLookup = Callable[[str], Value | None]
"""Returns a fact's value, or None when the fact was not given."""

Describe = Callable[[str, Value], str]
"""Renders a fact's value with its unit and how it was read."""

Label = Callable[[str], str]
"""Names a fact in words ("your lab's lower limit"); the default is the fact's own name."""

# How a trace step reads, by operator: (when it holds, when it does not).
_STEP_WORDS = {
    "<": ("is below", "is at or above"),
    "<=": ("is at or below", "is above"),
    ">": ("is above", "is at or below"),
    ">=": ("is at or above", "is below"),
    "==": ("is", "is not"),
    "!=": ("is not", "is"),
}
_OPERATORS: dict[str, Callable[[Value, Value], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
    "==": operator.eq, "!=": operator.ne,
}


class Evaluation:
    """The result of evaluating a condition for one set of facts.

    ``result`` and ``missing`` are worked out when the condition is evaluated; the words
    (``trace``, ``decides``) when first read, from the same facts: a caller that needs only
    the result (a summary) never pays for the sentences.
    """

    __slots__ = ("_decides", "_explain", "_trace", "missing", "result")

    result: Truth
    missing: tuple[str, ...]
    """Missing facts whose values would decide the condition."""

    def __init__(self, result: Truth, trace: tuple[TraceStep, ...] = (),
                 missing: tuple[str, ...] = (), decides: str | None = None) -> None:
        self.result = result
        self.missing = missing
        self._trace: tuple[TraceStep, ...] | None = trace
        self._decides = decides
        self._explain: _Explain | None = None

    @classmethod
    def _lazy(cls, result: Truth, missing: tuple[str, ...], explain: _Explain) -> Evaluation:
        evaluation = cls(result, (), missing)
        evaluation._trace = None
        evaluation._explain = explain
        return evaluation

    def _worded(self) -> None:
        explain = self._explain
        if explain is not None:
            self._trace, self._decides = explain.words(self.result)
            self._explain = None

    @property
    def trace(self) -> tuple[TraceStep, ...]:
        """Every comparison evaluated, in words, in the condition's order."""
        if self._trace is None:
            self._worded()
        assert self._trace is not None
        return self._trace

    @property
    def decides(self) -> str | None:
        """When unknown: the residual condition in words ("lymphocytes < 1.00 ×10⁹/L")."""
        if self._explain is not None:
            self._worded()
        return self._decides

    def _key(self) -> tuple[object, ...]:
        return (self.result, self.trace, self.missing, self.decides)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Evaluation):
            return NotImplemented
        return self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (f"Evaluation(result={self.result!r}, trace={self.trace!r}, "
                f"missing={self.missing!r}, decides={self.decides!r})")


def decide(condition: Condition, lookup: FactLookup) -> tuple[Truth, tuple[str, ...]]:
    """The result of ``evaluate`` and its ``missing`` facts, without the means to word them
    (for callers that never show a trace: a batch summary)."""
    truth: _TruthOf | None = condition.__dict__.get("_truth_of")
    result = (truth or condition._truth)(lookup)
    if result is not None:
        return result, ()
    unknowns: _UnknownsOf | None = condition.__dict__.get("_unknowns_of")
    names = (unknowns or condition._unknowns)(lookup)
    return None, tuple(dict.fromkeys(names)) if len(names) > 1 else tuple(names)


def _missing(condition: Condition, values: FactLookup) -> tuple[Node, tuple[str, ...]]:
    """An undecided condition's residual, and the facts it still names (in order)."""
    residual = _residual(condition.root, values)
    seen: dict[str, None] = {}
    _collect_names(residual, seen)
    return residual, tuple(seen)


def evaluate(condition: Condition, lookup: FactLookup, describe: Describe, *,
             label: Label | None = None, unknown: Label | None = None) -> Evaluation:
    """Evaluate ``condition`` three-valued, recording every comparison in words.

    ``label`` names a fact in words (default: its name); ``unknown`` says why a fact has no
    value (default: "<label> not given"). ``lookup``, ``describe``, ``label`` and
    ``unknown`` must give the same answer each time they are asked: the result is worked
    out now, the words (``trace``, ``decides``) when first read.
    """
    truth: _TruthOf | None = condition.__dict__.get("_truth_of")
    result = (truth or condition._truth)(lookup)
    if result is None:  # partial evaluation and words ask for the same facts again
        values = _Values(lookup).__getitem__
        residual, missing = _missing(condition, values)
        return Evaluation._lazy(None, missing, _Explain(condition, values, describe, label,
                                                        unknown, residual))
    return Evaluation._lazy(result, (), _Explain(condition, lookup, describe, label, unknown,
                                                 None))


class _Values(dict[str, Value | None]):
    """Fact values by name, each looked up once, on first use."""

    __slots__ = ("lookup",)

    def __init__(self, lookup: FactLookup) -> None:
        super().__init__()
        self.lookup = lookup

    def __missing__(self, name: str) -> Value | None:
        value = self[name] = self.lookup(name)
        return value


class _Explain:
    """What an evaluation needs to put itself into words later."""

    __slots__ = ("condition", "describe", "label", "lookup", "residual", "unknown")

    def __init__(self, condition: Condition, lookup: FactLookup, describe: Describe,
                 label: Label | None, unknown: Label | None, residual: Node | None) -> None:
        self.condition = condition
        self.lookup = lookup
        self.describe = describe
        self.label = label
        self.unknown = unknown
        self.residual = residual

    def words(self, result: Truth) -> tuple[tuple[TraceStep, ...], str | None]:
        words = _Words(self.describe, self.label or _own_name, self.unknown)
        trace: list[TraceStep] = []
        worded = self.condition._words(self.lookup, words, trace)
        assert worded is result, "the words evaluate the condition as the result did"
        if self.residual is None:
            return tuple(trace), None
        return tuple(trace), render(self.residual, self.describe, self.label)


def _own_name(name: str) -> str:
    return name


class _Words:
    """How one evaluation words its trace steps."""

    __slots__ = ("describe", "label", "unknown")

    def __init__(self, describe: Describe, label: Label, unknown: Label | None) -> None:
        self.describe = describe
        self.label = label
        self.unknown = unknown

    def missing(self, name: str) -> str:
        return self.unknown(name) if self.unknown else f"{self.label(name)} not given"

    def side(self, operand: Operand, value: Value | None, fact: str | None) -> str:
        """One side of a comparison: a fact with its value, or a value in the other's unit."""
        if isinstance(operand, Name):
            if value is None:
                return self.missing(operand.name)
            return f"{self.label(operand.name)} {self.describe(operand.name, value)}"
        duration = _duration_text(operand)  # "2 months (8.7 weeks)", as the rule wrote it
        if duration is not None:
            return duration
        if fact is not None and isinstance(operand.value, float):
            return self.describe(fact, operand.value)
        return _literal_text(operand.value)


# -- the result alone: each node compiled once to a closure (no words, no trace)

_TruthOf = Callable[[FactLookup], Truth]


def _compile_truth(node: Node) -> _TruthOf:
    """A function of the fact lookup giving ``node``'s three-valued result, as ``_evaluate``
    does, without the words. Lookups are pure, so 'and'/'or' may stop at a deciding operand."""
    if isinstance(node, Const):
        constant = node.value
        return lambda lookup: constant
    if isinstance(node, Compare):
        return _compile_compare(node)
    if isinstance(node, Member):
        assert isinstance(node.subject, Name), "the parser puts a fact left of 'in'"
        subject, negated = node.subject.name, node.negated
        choices = tuple(choice.value for choice in node.choices)

        def member(lookup: FactLookup) -> Truth:
            value = lookup(subject)
            return None if value is None else (value in choices) != negated

        return member
    if isinstance(node, FactIsTrue):
        fact = node.name.name

        def is_true(lookup: FactLookup) -> Truth:
            value = lookup(fact)
            return None if value is None else bool(value)

        return is_true
    if isinstance(node, Not):
        inner = _compile_truth(node.operand)

        def negation(lookup: FactLookup) -> Truth:
            value = inner(lookup)
            return None if value is None else not value

        return negation
    operands = tuple(_compile_truth(operand) for operand in node.operands)
    absorbing = isinstance(node, Or)  # true decides an 'or', false decides an 'and'

    def junction(lookup: FactLookup) -> Truth:
        unknown = False
        for operand in operands:
            value = operand(lookup)
            if value is absorbing:
                return absorbing
            if value is None:
                unknown = True
        return None if unknown else not absorbing

    return junction


def _compile_compare(node: Compare) -> _TruthOf:
    compare = _OPERATORS[node.op]
    left, right = node.left, node.right
    if isinstance(left, Name) and isinstance(right, Literal_):
        fact, constant = left.name, right.value

        def fact_op_value(lookup: FactLookup) -> Truth:
            value = lookup(fact)
            return None if value is None else compare(value, constant)

        return fact_op_value
    if isinstance(left, Literal_) and isinstance(right, Name):
        fact, constant = right.name, left.value

        def value_op_fact(lookup: FactLookup) -> Truth:
            value = lookup(fact)
            return None if value is None else compare(constant, value)

        return value_op_fact

    def general(lookup: FactLookup) -> Truth:
        left_value = _operand_value(left, lookup)
        right_value = _operand_value(right, lookup)
        if left_value is None or right_value is None:
            return None
        return compare(left_value, right_value)

    return general


# -- what an undecided condition still waits for, without building its residual

_UnknownsOf = Callable[[FactLookup], list[str]]
"""For an undecided node: the facts its residual (``_residual``) names, in the residual's
order, repeats included (the caller keeps the first of each)."""


def _compile_unknowns(node: Node) -> _UnknownsOf:
    """A function of the fact lookup giving, for ``node`` when it is undecided, the names
    ``_collect_names(_residual(node, lookup))`` gives: the same facts in the same order,
    worked out without making the residual's nodes (a batch summary asks this of every
    condition a record leaves undecided). Only ever called on an undecided node."""
    if isinstance(node, Compare):
        names = tuple(operand.name for operand in (node.left, node.right)
                      if isinstance(operand, Name))

        def compared(lookup: FactLookup) -> list[str]:
            return [name for name in names if lookup(name) is None]

        return compared
    if isinstance(node, (Member, FactIsTrue)):
        subject = node.subject if isinstance(node, Member) else node.name
        only = [subject.name] if isinstance(subject, Name) else []
        return lambda lookup: list(only)
    if isinstance(node, Not):
        return _compile_unknowns(node.operand)
    if isinstance(node, Const):  # never undecided: names nothing
        return lambda lookup: []
    # an undecided 'and'/'or' has no deciding operand: its residual keeps the undecided ones
    operands = tuple((_compile_truth(operand), _compile_unknowns(operand))
                     for operand in node.operands)

    def junction(lookup: FactLookup) -> list[str]:
        names: list[str] = []
        for truth, unknowns in operands:
            if truth(lookup) is None:
                names += unknowns(lookup)
        return names

    return junction


# -- the words: every comparison in the condition's order, with the actual values


def _operand_value(operand: Operand, lookup: FactLookup) -> Value | None:
    return operand.value if isinstance(operand, Literal_) else lookup(operand.name)


def _compare_values(left: Value, op: str, right: Value) -> bool:
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    assert isinstance(left, float) and isinstance(right, float)
    return {
        "<": left < right,
        "<=": left <= right,
        ">": left > right,
        ">=": left >= right,
    }[op]


def _duration_text(literal: Literal_) -> str | None:
    if literal.text is None or not isinstance(literal.value, float):
        return None
    if literal.text.rstrip().endswith(("week", "weeks")):
        return literal.text  # already in weeks: "8 weeks", not "8 weeks (8 weeks)"
    return f"{literal.text} ({timeunits.format_weeks(literal.value)} weeks)"


def _literal_text(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return value


_WordsOf = Callable[[FactLookup, "_Words", list[TraceStep]], Truth]


def _compile_words(node: Node) -> _WordsOf:
    """A function giving ``node``'s result and appending one trace step per comparison (every
    operand of 'and'/'or' is evaluated, so the trace is complete)."""
    if isinstance(node, Const):
        constant = node.value
        return lambda lookup, words, trace: constant
    if isinstance(node, Compare):
        return _compile_compare_words(node)
    if isinstance(node, Member):
        assert isinstance(node.subject, Name), "the parser puts a fact left of 'in'"
        subject, negated = node.subject.name, node.negated
        choices = [choice.value for choice in node.choices]
        missing = (subject,)

        def member(lookup: FactLookup, words: _Words, trace: list[TraceStep]) -> Truth:
            value = lookup(subject)
            if value is None:
                trace.append(TraceStep(words.missing(subject), None, missing))
                return None
            result = (value in choices) != negated
            trace.append(TraceStep(_choice_text(words.label(subject), value, choices),
                                   result, ()))
            return result

        return member
    if isinstance(node, FactIsTrue):
        fact = node.name.name
        fact_missing = (fact,)

        def is_true(lookup: FactLookup, words: _Words, trace: list[TraceStep]) -> Truth:
            value = lookup(fact)
            if value is None:
                trace.append(TraceStep(words.missing(fact), None, fact_missing))
                return None
            trace.append(TraceStep(f"{words.label(fact)}: {'yes' if value else 'no'}",
                                   bool(value), ()))
            return bool(value)

        return is_true
    if isinstance(node, Not):
        inner = _compile_words(node.operand)

        def negation(lookup: FactLookup, words: _Words, trace: list[TraceStep]) -> Truth:
            value = inner(lookup, words, trace)
            return None if value is None else not value

        return negation
    operands = tuple(_compile_words(operand) for operand in node.operands)
    absorbing = isinstance(node, Or)

    def junction(lookup: FactLookup, words: _Words, trace: list[TraceStep]) -> Truth:
        decided = unknown = False
        for operand in operands:  # every operand, so that the trace is complete
            value = operand(lookup, words, trace)
            if value is absorbing:
                decided = True
            elif value is None:
                unknown = True
        if decided:
            return absorbing
        return None if unknown else not absorbing

    return junction


def _compile_compare_words(node: Compare) -> _WordsOf:
    """One comparison in words: "lymphocytes 0.60 ×10⁹/L is below your lab's lower limit
    1.00 ×10⁹/L"; when a fact is missing, what is missing."""
    left, right, op = node.left, node.right, node.op
    if isinstance(left, Literal_) and isinstance(right, Name):
        left, right, op = right, left, _FLIPPED[op]
    compare = _OPERATORS[op]
    holds, fails = _STEP_WORDS[op]
    if isinstance(left, Name) and isinstance(right, Literal_):
        fact, constant = left.name, right.value
        missing = (fact,)
        duration = _duration_text(right)  # "2 months (8.7 weeks)", as the rule wrote it
        plain = _literal_text(constant)
        in_fact_unit = duration is None and isinstance(constant, float)
        choices = [constant]

        def fact_op_value(lookup: FactLookup, words: _Words, trace: list[TraceStep]) -> Truth:
            value = lookup(fact)
            if value is None:
                trace.append(TraceStep(words.missing(fact), None, missing))
                return None
            result = compare(value, constant)
            if isinstance(value, str):  # a choice: "disease activity is active, not none"
                trace.append(TraceStep(_choice_text(words.label(fact), value, choices),
                                       result, ()))
                return result
            right_text = (duration if duration is not None
                          else words.describe(fact, constant) if in_fact_unit else plain)
            trace.append(TraceStep(
                f"{words.label(fact)} {words.describe(fact, value)} "
                f"{holds if result else fails} {right_text}", result, ()))
            return result

        return fact_op_value
    if isinstance(left, Name) and isinstance(right, Name):
        first, second = left.name, right.name

        def fact_op_fact(lookup: FactLookup, words: _Words, trace: list[TraceStep]) -> Truth:
            first_value, second_value = lookup(first), lookup(second)
            if first_value is None or second_value is None:
                missing = tuple(name for name, value in ((first, first_value),
                                                         (second, second_value))
                                if value is None)
                trace.append(TraceStep("; ".join(words.missing(name) for name in missing),
                                       None, missing))
                return None
            result = compare(first_value, second_value)
            trace.append(TraceStep(
                f"{words.label(first)} {words.describe(first, first_value)} "
                f"{holds if result else fails} "
                f"{words.label(second)} {words.describe(second, second_value)}", result, ()))
            return result

        return fact_op_fact

    def general(lookup: FactLookup, words: _Words, trace: list[TraceStep]) -> Truth:
        left_value = _operand_value(left, lookup)
        right_value = _operand_value(right, lookup)
        missing = tuple(
            operand.name
            for operand, value in ((left, left_value), (right, right_value))
            if isinstance(operand, Name) and value is None
        )
        if missing:
            trace.append(TraceStep("; ".join(words.missing(name) for name in missing), None,
                                   missing))
            return None
        assert left_value is not None and right_value is not None
        result = compare(left_value, right_value)
        fact = left.name if isinstance(left, Name) else None
        verb = holds if result else fails
        trace.append(TraceStep(f"{words.side(left, left_value, None)} {verb} "
                               f"{words.side(right, right_value, fact)}", result, ()))
        return result

    return general


def _choice_text(label: str, value: Value, choices: list[Value]) -> str:
    """A choice fact against the values a condition names: "disease activity is active",
    "… is active, one of active or highly-active", "… is none, not active or highly-active"."""
    text = f"{label} is {_literal_text(value)}"
    listed = " or ".join(_literal_text(choice) for choice in choices)
    if value not in choices:
        return f"{text}, not {listed}"
    return text if len(choices) == 1 else f"{text}, one of {listed}"


def _residual(node: Node, lookup: FactLookup) -> Node:
    """Partially evaluate: substitute known facts and fold what they decide."""
    if isinstance(node, Compare):
        values = [_operand_value(operand, lookup) for operand in (node.left, node.right)]
        if None not in values:
            return Const(_compare_values(values[0], node.op, values[1]))  # type: ignore[arg-type]
        left, right = (
            Literal_(value, operand.column, operand.name)
            if isinstance(operand, Name) and value is not None
            else operand
            for operand, value in zip((node.left, node.right), values, strict=False)
        )
        return Compare(left, node.op, right)
    if isinstance(node, (Member, FactIsTrue)):
        name = node.subject if isinstance(node, Member) else node.name
        value = _operand_value(name, lookup)
        if value is None:
            return node
        if isinstance(node, FactIsTrue):
            return Const(bool(value))
        return Const((value in [choice.value for choice in node.choices]) != node.negated)
    if isinstance(node, Const):
        return node
    if isinstance(node, Not):
        inner = _residual(node.operand, lookup)
        return Const(not inner.value) if isinstance(inner, Const) else Not(inner)
    operands = [_residual(operand, lookup) for operand in node.operands]
    absorbing = isinstance(node, Or)  # true absorbs an 'or', false absorbs an 'and'
    if any(isinstance(operand, Const) and operand.value is absorbing for operand in operands):
        return Const(absorbing)
    remaining = tuple(operand for operand in operands if not isinstance(operand, Const))
    if not remaining:
        return Const(not absorbing)
    if len(remaining) == 1:
        return remaining[0]
    return Or(remaining) if absorbing else And(remaining)


def render(node: Node, describe: Describe | None = None, label: Label | None = None) -> str:
    """A condition in words; with ``describe``, literals compared with a fact carry units;
    with ``label``, facts are named in words."""
    name_of = label or _own_name

    def value_text(name: str | None, literal: Literal_) -> str:
        described = literal.origin or name
        duration = _duration_text(literal)
        if duration is not None and literal.origin is None:
            return duration
        if describe is not None and described is not None:
            text = describe(described, literal.value)
            if label is not None and literal.origin is not None:
                return f"{label(literal.origin)} {text}"  # a fact's value, named
            return text
        return _literal_text(literal.value)

    def go(current: Node, parent: str | None) -> str:
        if isinstance(current, Const):
            return "always" if current.value else "never"
        if isinstance(current, Compare):
            left, right, op = current.left, current.right, current.op
            if isinstance(left, Literal_) and isinstance(right, Name):
                left, right, op = right, left, _FLIPPED[op]
            name = left.name if isinstance(left, Name) else None
            right_text = (name_of(right.name) if isinstance(right, Name)
                          else value_text(name, right))
            left_text = name_of(left.name) if isinstance(left, Name) else value_text(None, left)
            return f"{left_text} {_OP_WORDS[op]} {right_text}"
        if isinstance(current, Member):
            name = name_of(current.subject.name) if isinstance(current.subject, Name) else "?"
            listed = " or ".join(_literal_text(choice.value) for choice in current.choices)
            return f"{name} is {'not ' if current.negated else ''}{listed}"
        if isinstance(current, FactIsTrue):  # "fires if pregnancy planned and …" reads as said
            return name_of(current.name.name)
        if isinstance(current, Not):
            return f"not ({go(current.operand, 'not')})"
        word = "and" if isinstance(current, And) else "or"
        text = f" {word} ".join(go(operand, word) for operand in current.operands)
        return f"({text})" if parent is not None and parent != word else text

    return go(node, None)

"""JSON of the output dataclasses, written without pydantic.

One small writer: a dataclass becomes an object with its fields in declaration order, each
under its JSON name (``field(metadata={"alias": ...})``, e.g. ``from_`` → ``"from"``); enums
are written as their values, strings with the standard ``json`` module's string encoder (UTF-8
kept, as ``ensure_ascii=False``). The text is the same, byte for byte, as pydantic's
``model_dump_json`` writes for the same dataclasses: ``","``/``":"`` on one line, or a
two-space indent with ``": "``; numbers below 1e-4 spelt as pydantic spells them (``0.00001``,
``1e-7``, where Python's ``repr`` gives ``1e-05``, ``1e-07``); a non-finite number as null.

A frozen dataclass keeps its one-line text after the first write (in the instance, beside
its fields): objects the engine shares between assessments (evidence entries, figures,
unconditional findings, …) are written once, however many records carry them. Likewise, and
bounded: the text of a list of such objects met again (by the items' identities; the entry
holds the items), and a long string met again (rule-base messages, the disclaimer).

Reading JSON back validates with a ``pydantic.TypeAdapter`` per class, imported and built on
first use only.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import math
import operator
import sys
from collections.abc import Callable, Mapping
from typing import Any, NoReturn, TypeVar

T = TypeVar("T")

_string: Callable[[str], str] = json.encoder.encode_basestring
"""A JSON string with UTF-8 kept (the C encoder ``json.dumps(ensure_ascii=False)`` uses)."""

_MEMO = "_jsonout_text"
"""The instance attribute a frozen dataclass keeps its one-line JSON in."""


def _number(number: float) -> str:
    """A float as pydantic (serde) writes it: Python's ``repr`` except below 1e-4."""
    if not math.isfinite(number):
        return "null"
    text = float.__repr__(number)
    mantissa, _, exponent = text.partition("e")
    if not exponent or not -1e-4 < number < 1e-4:
        return text
    power = int(exponent)
    if power == -5:  # 1.5e-05 → 0.000015
        sign = "-" if mantissa.startswith("-") else ""
        digits = mantissa.lstrip("-").replace(".", "").rstrip("0") or "0"
        return f"{sign}0.0000{digits}"
    return f"{mantissa}e{power}"  # 1e-07 → 1e-7


@dataclasses.dataclass(frozen=True)
class _Plan:
    """How one dataclass is written: its fields' JSON names in order, one getter for all of
    their values, and whether its instances keep their text (frozen, with a ``__dict__``)."""

    names: tuple[str, ...]
    keys: tuple[str, ...]
    prefixes: tuple[str, ...]
    """Each key as JSON text with its colon, for the one-line form."""
    values: Callable[[Any], tuple[Any, ...]]
    memo: bool


_PLANS: dict[type, _Plan] = {}


def _plan(cls: type) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is None:
        fields = dataclasses.fields(cls)  # TypeError if not a dataclass
        names = tuple(item.name for item in fields)
        keys = tuple(item.metadata.get("alias", item.name) for item in fields)
        getter = operator.attrgetter(*names)
        plan = _PLANS[cls] = _Plan(
            names=names, keys=keys, prefixes=tuple(_string(key) + ":" for key in keys),
            values=getter if len(names) > 1 else lambda value: (getter(value),),
            memo=cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
            and "__slots__" not in cls.__dict__)
    return plan


def field_names(cls: type) -> tuple[str, ...]:
    """A dataclass's field names, in order."""
    return (_PLANS.get(cls) or _plan(cls)).names


def field_values(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving the tuple of a dataclass instance's field values, in order."""
    return (_PLANS.get(cls) or _plan(cls)).values


def _write(value: Any, newline: str | None) -> str:
    """``value`` as JSON: on one line when ``newline`` is None, else indented, ``newline``
    being the line break and indent of the level ``value`` is at."""
    writer = _WRITERS.get(type(value))
    if writer is None:
        writer = _writer(type(value))
    return writer(value, newline)


def _writer(kind: type) -> Callable[[Any, str | None], str]:
    """The writer of a type met for the first time: an enum, a str subclass, a dataclass."""
    writer: Callable[[Any, str | None], str]
    if issubclass(kind, enum.Enum):
        texts = {member: _write(member.value, None) for member in kind}
        """Each member's text, written once (an enum's value is a scalar: no indent)."""

        def writer(value: Any, newline: str | None) -> str:
            text = texts.get(value)
            return text if text is not None else _write(value.value, newline)
    elif issubclass(kind, str):
        def writer(value: Any, newline: str | None) -> str:
            return _string(value)
    elif dataclasses.is_dataclass(kind):
        writer = _object_writer(_plan(kind))
    else:
        raise TypeError(f"{kind.__name__} is not JSON serialisable")
    _WRITERS[kind] = writer
    return writer


def _list(value: list[Any] | tuple[Any, ...], newline: str | None) -> str:
    if not value:
        return "[]"
    if newline is None:
        first = type(value[0])
        if first is str:
            try:  # a list of strings (evidence ids, options, …): encoded in one pass
                return "[" + ",".join(map(_text, value)) + "]"
            except TypeError:  # not all strings
                pass
        key: tuple[int, ...] | None = None
        fixed = _FIXED.get(first)
        if fixed is None:
            fixed = _FIXED[first] = _fixed_text(first)
        if fixed:
            # a list of objects whose text cannot change (shared findings, evidence entries,
            # …): the same objects in the same order were written before, maybe
            key = tuple(map(id, value))
            known = _LISTS.get(key)
            if known is not None:
                return known[1]
        writers = _WRITERS
        parts = [","] * (2 * len(value) + 1)  # "[", item, ",", item, …, "]": joined once
        parts[0], parts[-1] = "[", "]"
        parts[1::2] = [(writers.get(type(item)) or _writer(type(item)))(item, None)
                       for item in value]
        text = "".join(parts)
        if key is not None:
            _keep_list(key, value, text)
        return text
    inner = newline + "  "
    return ("[" + inner + ("," + inner).join([_write(item, inner) for item in value])
            + newline + "]")


def _dict(value: dict[Any, Any], newline: str | None) -> str:
    if newline is None and set(map(type, value)) <= _TEXT \
            and set(map(type, value.values())) <= _SCALARS:
        try:
            text = data_line(value)
        except ValueError:  # a number that is not finite: null here, as pydantic writes it
            pass
        else:
            # a float below 1e-4 is the one scalar pydantic spells otherwise (0.00001, not
            # 1e-05); only text with an exponent like that can hold one
            if "e-" not in text:
                return text
    return _members([(_string(_key(key)), item) for key, item in value.items()], newline)


def _key(key: object) -> str:
    """A dict key as pydantic writes it: a boolean as JSON spells it, anything else as text."""
    if key is True or key is False:
        return "true" if key else "false"
    return str(key)


_TEXT = {str}
_SCALARS = {str, int, float, bool, type(None)}
"""Key and value types the standard encoder writes as this module does, but for the floats
below 1e-4 and the non-finite ones (see ``_dict``)."""


def _plain_encoder() -> Callable[[Any], str]:
    """Plain JSON data (dicts with text keys, lists, text, integers, booleans, null; floats
    as Python spells them) on one line, UTF-8 kept, written in C by the standard library's
    encoder, made once (``JSONEncoder.encode`` would make it again for every call)."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # a Python without the C accelerator
        return json.JSONEncoder(ensure_ascii=False, separators=(",", ":"),
                                allow_nan=False).encode
    encode = make(None, _unserialisable, _string, None, ":", ",", False, False,
                  False)  # the last: allow_nan, no
    return lambda value: "".join(encode(value, 0))


def _unserialisable(value: object) -> NoReturn:
    raise TypeError(f"{type(value).__name__} is not plain JSON data")


data_line = _plain_encoder()
"""Plain JSON data on one line, as the standard encoder writes it with ``ensure_ascii=False``
and no spaces (batch's error records, a record's input): no dataclasses, no floats that need
pydantic's spelling (``compact`` writes those)."""


def _bool(value: bool, newline: str | None) -> str:
    return "true" if value else "false"


def _text(value: str) -> str:
    """A string as JSON; a long one met twice is kept encoded (bounded): rule-base text
    (messages, titles, the disclaimer) is written into every record that cites it."""
    if len(value) < _LONG:
        return _string(value)
    text = _STRINGS.get(value)
    if text is None:
        text = _string(value)
        mark = hash(value)
        if mark not in _STRINGS_SEEN:  # met once: kept if it comes again
            if len(_STRINGS_SEEN) >= _SEEN_SIZE:
                _STRINGS_SEEN.clear()
            _STRINGS_SEEN.add(mark)
        elif len(_STRINGS) < _STRINGS_KEPT:
            _STRINGS[value] = text
    return text


_LONG = 48
"""Strings at least this long are worth keeping encoded."""
_STRINGS: dict[str, str] = {}
_STRINGS_KEPT = 2048
_STRINGS_SEEN: set[int] = set()
_SEEN_SIZE = 16_384
"""Hashes of what was met once (strings, lists), each set cleared when it is full."""


def _keep_list(key: tuple[int, ...], value: list[Any] | tuple[Any, ...], text: str) -> None:
    """Keep a list's text by its items' identities, on the second meeting, when every item's
    text is fixed; the entry holds the items, so their identities cannot be reused."""
    global _list_chars
    mark = hash(key)
    if mark not in _LISTS_SEEN:
        if len(_LISTS_SEEN) >= _SEEN_SIZE:
            _LISTS_SEEN.clear()
        _LISTS_SEEN.add(mark)
        return
    if len(_LISTS) >= _LISTS_KEPT or _list_chars + len(text) > _LIST_CHARS:
        return
    for item in value:
        kind = type(item)
        fixed = _FIXED.get(kind)
        if fixed is None:
            fixed = _FIXED[kind] = _fixed_text(kind)
        if not fixed:
            return
    _LISTS[key] = (tuple(value), text)
    _list_chars += len(text)


def _fixed_text(kind: type) -> bool:
    """Whether a value of this type always writes the same text: immutable scalars, enums,
    and frozen dataclasses (whose text is kept after the first write, see ``_MEMO``)."""
    if kind in (str, int, float, bool, type(None)) or issubclass(kind, enum.Enum):
        return True
    return dataclasses.is_dataclass(kind) and _plan(kind).memo


_LISTS: dict[tuple[int, ...], tuple[tuple[Any, ...], str]] = {}
"""List texts by their items' identities (with the items, kept alive)."""
_LISTS_KEPT = 4096
_LIST_CHARS = 500_000
"""At most this many characters of list text are kept, all lists together."""
_list_chars = 0
_LISTS_SEEN: set[int] = set()
_FIXED: dict[type, bool] = {}
"""Types known to write a fixed text (True) or not (False), filled as met."""


_WRITERS: dict[type, Callable[[Any, str | None], str]] = {
    str: lambda value, newline: _string(value) if len(value) < _LONG else _text(value),
    type(None): lambda value, newline: "null",
    bool: _bool,
    int: lambda value, newline: int.__repr__(value),
    float: lambda value, newline: _number(value),
    list: _list,
    tuple: _list,
    dict: _dict,
}
"""Writers by exact type; enums, str subclasses and dataclasses are added when first met."""


def _members(members: list[tuple[str, Any]], newline: str | None) -> str:
    if not members:
        return "{}"
    if newline is None:
        return "{" + ",".join([f"{key}:{_write(item, None)}" for key, item in members]) + "}"
    inner = newline + "  "
    return ("{" + inner + ("," + inner).join([f"{key}: {_write(item, inner)}"
                                               for key, item in members]) + newline + "}")


def _object_writer(plan: _Plan) -> Callable[[Any, str | None], str]:
    keys, values, memo = plan.keys, plan.values, plan.memo
    writers = _WRITERS  # each field's writer looked up by its value's type, inline
    # '{"a":', value, ',"b":', value, …, '}': the text is joined once, not copied per field
    frame: list[str | None] = [None] * (2 * len(keys) + 1)
    frame[0::2] = [*(("," if index else "{") + prefix
                     for index, prefix in enumerate(plan.prefixes)), "}"]
    if not keys:
        frame = ["{}"]

    def write(value: Any, newline: str | None) -> str:
        if newline is not None:
            return _members([(_string(key), item) for key, item in
                             zip(keys, values(value), strict=False)], newline)
        if memo:
            text: str | None = value.__dict__.get(_MEMO)
            if text is not None:
                return text
        parts = frame.copy()
        parts[1::2] = [(writers.get(type(item)) or _writer(type(item)))(item, None)
                       for item in values(value)]
        text = "".join(parts)  # type: ignore[arg-type]  # every None replaced
        if memo:
            object.__setattr__(value, _MEMO, text)  # frozen: the fields cannot change
        return text

    return write


def frame(cls: type, known: Mapping[str, Any]) -> Callable[..., str]:
    """A writer of ``cls``'s one-line JSON for instances whose fields named in ``known``
    hold those values: their text is written once, here, with the keys around them. The
    function returned takes the other fields' texts (as ``compact`` writes them), in
    declaration order, and joins the whole object: the text ``compact`` gives. For a record
    whose parts mostly repeat (a batch summary: the rule base, the switch, the findings of
    one pattern of outcomes), only what varies is written per record.

    A frame holds the texts that frozen objects keep (shared, not copied) and the short
    text between them (interned), so that many frames over the same objects cost little."""
    plan = _plan(cls)
    unknown = set(known) - set(plan.names)
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {sorted(unknown)[0]!r}")
    template: list[str | None] = []
    """The whole text in pieces, None where an open field goes."""
    glue = "{"
    for index, (name, prefix) in enumerate(zip(plan.names, plan.prefixes, strict=True)):
        glue += ("," if index else "") + prefix
        pieces = _pieces(known[name]) if name in known else [(None, True)]
        for piece, kept in pieces:
            if kept or piece is None:  # a shared text, or an open field's place
                template += [sys.intern(glue), piece] if glue else [piece]
                glue = ""
            else:
                glue += piece
    template.append(sys.intern(glue + "}"))
    holes = tuple(index for index, piece in enumerate(template) if piece is None)
    count = len(holes)

    def write(*texts: str) -> str:
        if len(texts) != count:
            raise TypeError(f"{cls.__name__}: {count} open fields, {len(texts)} texts given")
        parts = template.copy()
        for hole, text in zip(holes, texts):  # noqa: B905 - counted above
            parts[hole] = text
        return "".join(parts)  # type: ignore[arg-type]  # every None replaced

    return write


def _pieces(value: Any) -> list[tuple[str | None, bool]]:
    """A value's one-line text in pieces, each with whether it is text an object keeps (then
    shared by whoever holds it): a kept object whole, a list of them item by item."""
    if type(value) in (list, tuple) and value and all(_kept(item) for item in value):
        pieces: list[tuple[str | None, bool]] = [("[", False)]
        for index, item in enumerate(value):
            if index:
                pieces.append((",", False))
            pieces.append((_write(item, None), True))
        return [*pieces, ("]", False)]
    return [(_write(value, None), _kept(value))]


def _kept(value: Any) -> bool:
    """Whether a value is a frozen dataclass instance, which keeps its text once written."""
    kind = type(value)
    kept = _KEEPS.get(kind)
    if kept is None:
        kept = _KEEPS[kind] = dataclasses.is_dataclass(kind) and _plan(kind).memo
    return kept


_KEEPS: dict[type, bool] = {}
"""Whether instances of a type keep their text, by type, filled as met."""


def keep(value: object, text: str) -> None:
    """Give a frozen dataclass instance its one-line text ahead of the first write (its
    writer returns it from then on): for a caller that wrote it from a ``frame``."""
    if not _plan(type(value)).memo:
        raise TypeError(f"{type(value).__name__} does not keep its text")
    object.__setattr__(value, _MEMO, text)


def compact(value: object) -> str:
    """One line: no spaces, UTF-8 kept, no trailing newline."""
    return _write(value, None)


def indented(value: object) -> str:
    """Two-space indent, UTF-8 kept, no trailing newline."""
    return _write(value, "\n")


def to_data(value: object) -> Any:
    """JSON data (dicts, lists, str, numbers, bools, None) equal to the JSON written:
    dataclasses as dicts under their JSON names, enums as their values."""
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is list or kind is tuple:
        return [to_data(item) for item in value]  # type: ignore[attr-defined]
    if kind is dict:
        return {key: to_data(item) for key, item in value.items()}  # type: ignore[attr-defined]
    if isinstance(value, enum.Enum):
        return value.value
    plan = _plan(kind)
    return {key: to_data(item) for key, item in zip(plan.keys, plan.values(value), strict=True)}


# ------------------------------------------------------------------------ reading back


_ADAPTERS: dict[type, Any] = {}


def _adapter(cls: type) -> Any:
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        from pydantic import TypeAdapter

        adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    return adapter


def validate_json(cls: type[T], text: str | bytes) -> T:
    """Validate JSON text into ``cls`` (pydantic's ValidationError, a ValueError, if not)."""
    result: T = _adapter(cls).validate_json(text)
    return result


def validate_data(cls: type[T], data: object) -> T:
    """Validate JSON data (as ``json.loads`` returns it) into ``cls``."""
    result: T = _adapter(cls).validate_python(data)
    return result


def type_adapter(cls: type[Any]) -> Any:
    """The cached ``pydantic.TypeAdapter`` of ``cls`` (validation and JSON Schema)."""
    return _adapter(cls)

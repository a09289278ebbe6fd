"""JSON of the output dataclasses, with the standard ``json`` module (no pydantic).

One small encoder: a dataclass becomes an object with its fields in declaration order, each
under its JSON name (``field(metadata={"alias": ...})``, e.g. ``from_`` → ``"from"``); enums
are ``str`` enums, written as their values by ``json`` itself. The text is the same, byte for
byte, as pydantic's ``model_dump_json`` wrote it before: UTF-8 kept (``ensure_ascii=False``),
``","``/``":"`` on one line or two-space indent, and numbers below 1e-4 spelt as pydantic
spells them (``0.00001``, ``1e-7``, where Python writes ``1e-05``, ``1e-07``).

Reading JSON back validates with a ``pydantic.TypeAdapter`` per class, imported and built on
first use only.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import operator
import os
import re
import typing
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_TINY = 1e-4
"""Python's ``repr`` switches to exponent notation below this; pydantic's spelling differs."""
_MARK = f"\x00{os.urandom(8).hex()}:"
"""Wraps a tiny number's text in a string, swapped for the bare number after encoding."""
_MARKED = re.compile(re.escape(json.dumps(_MARK, ensure_ascii=False)[:-1])
                     + r'([-+.0-9e]+)\\u0000"')


def _spell(number: float) -> str:
    """A number as pydantic (serde) writes it where Python's ``repr`` differs."""
    text = repr(number)
    mantissa, _, exponent = text.partition("e")
    if not exponent:
        return text
    power = int(exponent)
    if power == -5:  # 1.5e-05 → 0.000015
        sign = "-" if mantissa.startswith("-") else ""
        digits = mantissa.lstrip("-").replace(".", "").rstrip("0") or "0"
        return f"{sign}0.0000{digits}"
    return f"{mantissa}e{power}"


def _number(value: Any) -> Any:
    if type(value) is float and value and -_TINY < value < _TINY:
        return f"{_MARK}{_spell(value)}\x00"
    return value


def _numbers(value: Any) -> Any:
    """A field that may hold a float (or a dict of them), with tiny ones marked."""
    if type(value) is dict:
        return {key: _number(item) for key, item in value.items()}
    return _number(value)


def _may_hold_float(hint: Any) -> bool:
    if hint is float:
        return True
    return any(_may_hold_float(arg) for arg in typing.get_args(hint))


@dataclasses.dataclass(frozen=True)
class _Plan:
    """How one dataclass is written: its fields' JSON names in order, one getter for all of
    their values, and which of them may hold a float (checked for tiny numbers)."""

    names: tuple[str, ...]
    keys: tuple[str, ...]
    values: Callable[[Any], tuple[Any, ...]]
    floats: tuple[int, ...]


_PLANS: dict[type, _Plan] = {}


def _plan(cls: type) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is None:
        fields = dataclasses.fields(cls)  # TypeError if not a dataclass
        hints = typing.get_type_hints(cls)
        names = tuple(item.name for item in fields)
        getter = operator.attrgetter(*names)
        plan = _PLANS[cls] = _Plan(
            names=names, keys=tuple(item.metadata.get("alias", item.name) for item in fields),
            values=getter if len(names) > 1 else lambda value: (getter(value),),
            floats=tuple(index for index, item in enumerate(fields)
                         if _may_hold_float(hints[item.name])))
    return plan


def _object(value: Any) -> dict[str, Any]:
    """The JSON object of one dataclass (its values are encoded by ``json``, recursively)."""
    try:
        plan = _PLANS.get(type(value)) or _plan(type(value))
    except TypeError:  # not a dataclass
        raise TypeError(f"{type(value).__name__} is not JSON serialisable") from None
    values = plan.values(value)
    if plan.floats:
        values = list(values)  # type: ignore[assignment]
        for index in plan.floats:
            values[index] = _numbers(values[index])  # type: ignore[index]
    return dict(zip(plan.keys, values, strict=True))


_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_object)
_INDENTED = json.JSONEncoder(ensure_ascii=False, indent=2, default=_object)


def _unmark(text: str) -> str:
    return _MARKED.sub(r"\1", text) if "\\u0000" in text else text


def compact(value: object) -> str:
    """One line: no spaces, UTF-8 kept, no trailing newline."""
    return _unmark(_COMPACT.encode(value))


def indented(value: object) -> str:
    """Two-space indent, UTF-8 kept, no trailing newline."""
    return _unmark(_INDENTED.encode(value))


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

"""Reading JSON the user gives (``batch`` records, ``replay`` files): strict and bounded.

``json.loads`` alone accepts what is not JSON (``NaN``, ``Infinity``), lets a duplicate key
silently win over the first (``{"from": "fingolimod", …, "from": "x"}``), and raises
``RecursionError`` for deep nesting — which no caller expected (``replay`` of a file of
100,000 ``[`` ended as an internal error). ``loads`` turns each of these into a
``JsonInputError`` (a ``ValueError``) with a short message; the caller decides what a bad
record becomes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TextIO


class JsonInputError(ValueError):
    """Text that is not one plain JSON value."""

    code = "not-json"
    key: str | None = None


class DuplicateKeyError(JsonInputError):
    """An object gives the same key twice."""

    code = "duplicate-key"

    def __init__(self, key: str) -> None:
        self.key = key
        shown = key if len(key) <= 60 else key[:59] + "…"
        super().__init__(f"the key {shown!r} is given twice in one object")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKeyError(key)
            seen.add(key)
    return result


def _constant(name: str) -> Any:
    raise JsonInputError(f"{name} is not a JSON value (give a number or a string)")


_scan: Callable[[str, int], tuple[Any, int]] = (
    json.JSONDecoder().scan_once)  # type: ignore[attr-defined]  # set in __init__, untyped
"""The standard decoder's scanner (in C): one value from a position, and where it ends."""


def loads(text: str) -> Any:
    """The JSON value of ``text``; ``JsonInputError`` for anything that is not plain JSON."""
    try:  # fast path: decoded in C, kept when it cannot hide a duplicate key or a constant
        value, end = _scan(text, 0)
    except (StopIteration, ValueError, RecursionError):
        pass  # the strict decoder below says what is wrong, in its own words
    else:  # text around the value (spaces, or what is not JSON): the strict decoder reads it
        if end == len(text) and _surely_plain(text, value):
            return value
    return _strict(text)


def _surely_plain(text: str, value: Any) -> bool:
    """Whether ``value``, decoded without checks, is what the strict decoder would return.

    Every key-value pair in the text has a colon outside strings, so the text's colons bound
    the number of pairs: when they equal the keys of the top-level object (or there are none
    and no object), no object anywhere repeats a key. NaN and Infinity are spelt out.
    """
    if "NaN" in text or "Infinity" in text:
        return False
    colons = text.count(":")
    if value.__class__ is dict:
        return colons == len(value)
    return colons == 0


def _strict(text: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_object, parse_constant=_constant)
    except JsonInputError:
        raise
    except json.JSONDecodeError as exc:
        raise JsonInputError(f"{exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise JsonInputError("nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        text = str(exc)
        raise JsonInputError(text if len(text) <= 200 else text[:199] + "…") from None


def skip_rest(stream: TextIO, text: str, limit: int) -> bool:
    """After ``stream.readline(limit + 1)`` returned ``text``: if the line was cut at the
    limit, skip the rest of it without holding it, and say so (True)."""
    if len(text) <= limit or text.endswith("\n"):
        return False
    while True:
        rest = stream.readline(limit)
        if not rest or rest.endswith("\n"):
            return True

"""Constraints on rule-base values, written so that declaring them costs no pydantic import.

The rule-base types are plain frozen dataclasses (``models``), used at run time without
pydantic. pydantic validates them only where YAML enters (``loader``), through
``TypeAdapter``; these markers sit in ``Annotated[...]`` and tell it, when it builds its
schema, which constraint applies. Each imports ``pydantic_core`` only inside
``__get_pydantic_core_schema__``, so importing the models stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Text:
    """A string with a pattern and/or length bounds (same errors as ``Field(pattern=...)``)."""

    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.str_schema(pattern=self.pattern, min_length=self.min_length,
                                      max_length=self.max_length)


@dataclass(frozen=True)
class Between:
    """A number within bounds (``ge``/``le`` inclusive, ``gt`` exclusive)."""

    ge: float | None = None
    gt: float | None = None
    le: float | None = None

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        schema = dict(handler(source))
        for key in ("ge", "gt", "le"):
            if getattr(self, key) is not None:
                schema[key] = getattr(self, key)
        return schema


@dataclass(frozen=True)
class NonEmpty:
    """A list with at least one item."""

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        schema = dict(handler(source))
        schema["min_length"] = 1
        return schema


@dataclass(frozen=True)
class Before:
    """Runs ``function`` on the raw value before the type's own validation (e.g. text to a
    Duration); a ValueError it raises is reported at the value's position."""

    function: Callable[[Any], Any]

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_before_validator_function(self.function, handler(source))

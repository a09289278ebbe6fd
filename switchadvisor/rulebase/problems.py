"""Problems found while loading a rule base: collected with positions, in plain words."""

from __future__ import annotations

import dataclasses
import difflib
import typing
from collections.abc import Mapping, Sequence
from typing import Any

from switchadvisor import yamlio
from switchadvisor.rulebase.collector import MAX_KEPT, Collector, did_you_mean
from switchadvisor.rulebase.models import ID_PATTERN, KEBAB_PATTERN, model_for
from switchadvisor.yamlio import excerpt

_MESSAGES = {
    "missing": "{field} is required",
    "extra_forbidden": "unknown key {field}",
    "string_pattern_mismatch": "{field}: {input} does not have the expected form ({hint})",
    "enum": "{field}: {input} is not one of {expected}",
    "too_short": "{field} must not be empty",
}


def report_validation_error(relpath: str, document: yamlio.Document,
                             error: Mapping[str, Any], collector: Collector) -> None:
    if collector.full:  # counted only: no need to describe or position it
        collector.dropped += 1
        return
    loc = [part for part in error["loc"] if not _is_union_tag(part)]
    kind = error["type"]
    # an error about a whole entry (loc ends in its index) is described by that entry
    where = _breadcrumb(document.data, [*loc, ""] if loc and isinstance(loc[-1], int) else loc)
    field_name = f"`{loc[-1]}`" if loc and isinstance(loc[-1], str) else "value"
    if kind in {"extra_forbidden", "unexpected_keyword_argument"}:
        position = yamlio.key_position(document.node, loc[:-1], str(loc[-1]))
        known = _known_keys(relpath, loc) if collector.may_suggest() else []
        collector.suggestions += 1
        close = difflib.get_close_matches(str(loc[-1])[:80], known, n=1)
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        collector.add(relpath, position, "unknown-key", f"{where}unknown key {field_name}{hint}")
        return
    if kind == "missing":
        collector.add(relpath, yamlio.locate(document.node, loc[:-1]), "missing-key",
                      f"{where}{field_name} is required")
        return
    ctx = error.get("ctx") or {}
    if kind == "string_pattern_mismatch":
        hint = _PATTERN_HINTS.get(str(ctx.get("pattern")), f"pattern {ctx.get('pattern')}")
        message = f"{field_name}: {excerpt(error['input'])} is not {hint}"
    elif kind == "enum":
        message = f"{field_name}: {excerpt(error['input'])} is not one of {ctx.get('expected')}"
    elif kind == "too_short" and isinstance(error.get("input"), list):
        message = f"{field_name} must list at least one entry"
    elif kind == "value_error":
        message = f"{field_name}: {ctx.get('error', error['msg'])}"
        if not loc or not isinstance(loc[-1], str):
            message = str(ctx.get("error", error["msg"]))
    else:
        message = f"{field_name}: {error['msg'].lower()}"
        if "input" in error and not isinstance(error["input"], (dict, list)):
            message += f" (got {excerpt(error['input'])})"
    collector.add(relpath, yamlio.locate(document.node, loc), "invalid-value", where + message)


def _is_union_tag(part: Any) -> bool:
    return isinstance(part, str) and ("[" in part or part in {"str", "Duration"})


_PATTERN_HINTS = {
    ID_PATTERN: "an id (lower-case letters, digits, '.', '_' or '-')",
    KEBAB_PATTERN: "a kebab-case id (lower-case words joined by '-')",
    r"^10\.\d{4,9}/\S+$": "a DOI such as 10.1212/NXI.0000000000000320",
    r"^\d{6,9}$": "a PMID (digits only)",
    r"^https?://\S+$": "an http(s) URL",
}


def _breadcrumb(data: Any, loc: Sequence[str | int]) -> str:
    """Words for where an error is: "drug `fingolimod`, finding 2 (`x`): "."""
    parts: list[str] = []
    current = data
    previous: str | int | None = None
    for step in loc[:-1] if loc else []:
        try:
            current = current[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(step, int):
            noun = {"findings": "finding", "drugs": "drug", "classes": "class",
                    "evidence": "evidence entry", "alternatives": "alternative"}.get(
                str(previous), "item")
            ident = current.get("id") if isinstance(current, dict) else None
            parts.append(f"{noun} {step + 1}" + (f" (`{ident}`)" if ident else ""))
        elif step in {"after_stopping", "before_starting", "washout"}:
            parts.append(str(step))
        previous = step
    return (", ".join(parts) + ": ") if parts else ""


def _known_keys(relpath: str, loc: Sequence[str | int]) -> list[str]:
    model: Any = model_for(relpath)
    for step in loc[:-1]:
        if isinstance(step, int):
            continue
        keys = _keys(model)
        if step not in keys:
            return []
        model = _inner_model(keys[str(step)])
        if model is None:
            return []
    return list(_keys(model))


def _keys(model: Any) -> dict[str, Any]:
    """A rule-base type's YAML keys (aliases where set) and each one's type."""
    if not dataclasses.is_dataclass(model):
        return {}
    hints = typing.get_type_hints(model, include_extras=True)
    return {item.metadata.get("alias", item.name): hints[item.name]
            for item in dataclasses.fields(model)}


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


__all__ = ["MAX_KEPT", "Collector", "did_you_mean", "report_validation_error"]

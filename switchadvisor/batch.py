"""Batch mode: many switches in, one JSON record out per record, in order, streaming.

Input is JSON Lines (one object per line) or one JSON array of objects, detected by the first
non-blank character. Each object has ``from``, ``to``, an optional ``id`` (a string or an
integer, echoed back) and any of the facts under the names the CLI uses (``lymphocytes``,
``weeks_since_stop`` … or their option spellings ``weeks-since-stop`` …), with the same units.

Each record yields either an assessment (a ``Summary`` or a full ``Assessment``, as a dict in
the JSON contract's key order) or an error record
``{"line": N, "id": …, "error": {"code", "field", "message", "accepted", "suggestions"}}``.
A bad record never stops the batch. Memory stays flat: input is read a line (or an array
element) at a time and a line longer than ``MAX_RECORD_CHARS`` is skipped, not held.

Each record is assessed by the one engine (``engine.assess``), so a batch record, `check`
and the API always agree; drug names are resolved through a bounded cache.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import enum
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TextIO

from switchadvisor import jsonout
from switchadvisor.assessment import Assessment, Summary
from switchadvisor.conditions import FactType
from switchadvisor.engine import Switch, assess, assess_summary, name_index, summary_line
from switchadvisor.errors import InputError
from switchadvisor.facts import FACT_KEYS, PATIENT_FACTS, parse_date, parse_facts
from switchadvisor.jsonin import DuplicateKeyError, JsonInputError, loads, skip_rest
from switchadvisor.names import Resolved
from switchadvisor.rulebase import RuleBase, Severity

MAX_RECORD_CHARS = 65_536
"""A record (a line, or an array element) longer than this is an error record, not read."""

_NAME_CACHE_SIZE = 4096


class Detail(str, enum.Enum):
    """How much of each assessment a record carries."""

    SUMMARY = "summary"
    FULL = "full"


class RecordFormat(str, enum.Enum):
    """What each assessed record is written as: the JSON contract, or CDS Hooks cards."""

    JSON = "json"
    CDS_HOOKS = "cds-hooks"


RECORD_KEYS: dict[str, str] = {
    "from": "from", "to": "to",
    **{name: name for name in FACT_KEYS},
    **{name.replace("_", "-"): name for name in FACT_KEYS if "_" in name},
}
"""Accepted record keys (besides ``id``) → the fact or field name they give."""


# ------------------------------------------------------------------------------- results


@dataclasses.dataclass(frozen=True)
class BatchResult:
    """One output record: an assessment or an error, as JSON-ready data and as one line."""

    line: int
    data: dict[str, Any] | None
    """The record as a dict (None for a full record serialised straight to ``text``)."""
    text: str
    """The record as one compact JSON line, without the newline."""
    verdict: str | None = None
    worst_possible: str | None = None

    @property
    def is_error(self) -> bool:
        return self.verdict is None

    def to_dict(self) -> dict[str, Any]:
        return self.data if self.data is not None else dict(json.loads(self.text))


_LEVELS = {level: level.value for level in Severity}
"""Each severity's text (an enum's ``.value`` is a descriptor call)."""

_dumps = jsonout.data_line
"""One compact JSON line: UTF-8 text kept, no spaces (as ``jsonout.compact`` writes)."""


def error_record(line: int, record_id: object, error: InputError) -> BatchResult:
    data = {"line": line, "id": record_id, "error": error.to_dict()}
    return BatchResult(line, data, _dumps(data))


# ------------------------------------------------------------------------------- the core


class BatchAssessor:
    """Assesses batch records against one rule base, caching per drug pair.

    ``today`` is the assessment date used for records that give ``stopped`` without ``on``.
    ``as_data``: results carry the record as a dict too (for the Python API); the CLI needs
    only the line. ``format``: ``json`` writes the summary or full assessment (``detail``);
    ``cds-hooks`` writes the CDS Hooks response built from the full assessment, with the
    record's line and id under ``extension.switchadvisor``.
    """

    def __init__(self, rulebase: RuleBase, *, detail: Detail | str = Detail.SUMMARY,
                 today: dt.date | None = None, as_data: bool = False,
                 format: RecordFormat | str = RecordFormat.JSON) -> None:
        self.rulebase = rulebase
        self.as_data = as_data
        self.detail = Detail(detail)
        self.format = RecordFormat(format)
        self.today = today or dt.date.today()
        self._index = name_index(rulebase)
        self._names: dict[str, Resolved] = {}
        self._switches: dict[tuple[object, object], Switch] = {}
        self.verdicts: Counter[str] = Counter()
        self.errors = 0
        self.worst: Counter[str] = Counter()

    # ---------------------------------------------------------------- entry points

    def assess_line(self, text: str, line: int) -> BatchResult:
        """One line (or array element) of input text → its result."""
        if len(text) > MAX_RECORD_CHARS:
            return self._count(error_record(line, None, InputError(
                f"record is longer than {MAX_RECORD_CHARS} characters", code="too-long",
                accepted=f"at most {MAX_RECORD_CHARS} characters per record")))
        try:
            record = loads(text)
        except DuplicateKeyError as exc:
            return self._count(error_record(line, None, InputError(
                str(exc), option=exc.key, code=exc.code, accepted="each key once")))
        except JsonInputError as exc:
            return self._count(error_record(line, None, InputError(
                f"not JSON: {exc}", code="not-json", accepted="one JSON object per line")))
        # ASCII text without an escape cannot hold a lone surrogate: no need to look for one
        return self._record(record, line, unicode_checked=text.isascii() and "\\u" not in text)

    def assess_record(self, record: object, line: int) -> BatchResult:
        """One decoded record → its result (never raises for bad input)."""
        return self._record(record, line, unicode_checked=False)

    def _record(self, record: object, line: int, *, unicode_checked: bool) -> BatchResult:
        record_id: str | int | None = None
        try:
            if not isinstance(record, dict):
                raise InputError(f"a record must be a JSON object, not {_json_type(record)}",
                                 code="not-an-object", accepted='{"from": …, "to": …, …}')
            if not unicode_checked and _has_surrogate(record):
                raise InputError("the record has text that is not Unicode (a lone surrogate "
                                 "such as \\ud800)", code="not-json",
                                 accepted="JSON text in UTF-8")
            given_id = record.get("id")
            if given_id is not None and (isinstance(given_id, bool)
                                         or not isinstance(given_id, str | int)):
                raise InputError("id must be a string or an integer", option="id",
                                 accepted="a string or an integer")
            record_id = given_id
            return self._count(self._assess(record, record_id, line))
        except InputError as exc:
            return self._count(error_record(line, record_id, exc))

    # ----------------------------------------------------------------- internals

    def _count(self, result: BatchResult) -> BatchResult:
        if result.verdict is None:
            self.errors += 1
        else:
            self.verdicts[result.verdict] += 1
            self.worst[result.worst_possible or result.verdict] += 1
        return result

    def _assess(self, record: dict[str, Any], record_id: str | int | None,
                line: int) -> BatchResult:
        received = _received(record)
        from_name, to_name = received.get("from"), received.get("to")
        if from_name is None:
            raise InputError("the record has no 'from' (the drug being stopped)",
                             option="from", code="missing-field", accepted="a drug name")
        if to_name is None:
            raise InputError("the record has no 'to' (the drug being started)",
                             option="to", code="missing-field", accepted="a drug name")
        switch = self._switches.get((from_name, to_name)) or self._switch(from_name, to_name)
        given = dict(received)
        del given["from"], given["to"]
        facts = parse_facts(given, today=self.today)
        on = received.get("on")
        assessed_on = parse_date(on, option="on") if isinstance(on, str) and on else self.today
        output: Assessment | Summary
        if self.detail is Detail.SUMMARY and self.format is not RecordFormat.CDS_HOOKS:
            # the same record as summarize(assess(...)), without building what it leaves out
            if not self.as_data:  # the line alone, written without the Summary object
                text, verdict, worst = summary_line(self.rulebase, switch, facts, assessed_on,
                                                    received, record_id)
                return BatchResult(line, None, text, _LEVELS[verdict], _LEVELS[worst])
            output = assess_summary(self.rulebase, switch, facts=facts, assessed_on=assessed_on,
                                    received=received, record_id=record_id)
        else:
            output = assess(self.rulebase, switch, facts=facts, assessed_on=assessed_on,
                            received=received, record_id=record_id)
            if self.format is RecordFormat.CDS_HOOKS:
                return self._cds_hooks(output, line, record_id)
        data = output.to_dict() if self.as_data else None
        return BatchResult(line, data, output.to_json_line(),
                           output.verdict.value, output.worst_possible.value)

    def _cds_hooks(self, assessment: Assessment, line: int, record_id: object) -> BatchResult:
        from switchadvisor.render.cds_hooks import render_cds_hooks

        data = json.loads(render_cds_hooks(assessment, indent=None))
        data["extension"] = {"switchadvisor": {"line": line, "id": record_id}}
        return BatchResult(line, data if self.as_data else None, _dumps(data),
                           assessment.verdict.value, assessment.worst_possible.value)

    def _switch(self, from_name: object, to_name: object) -> Switch:
        """The switch two names give (the pair of names kept: a batch repeats its drugs)."""
        switch = Switch(self._resolve(from_name, "--from"), self._resolve(to_name, "--to"))
        if switch.from_.drug.id == switch.to.drug.id:
            raise InputError(f"from and to are both {switch.to.drug.id}: a switch needs two "
                             "different drugs", option="to", code="same-drug")
        if len(self._switches) < _NAME_CACHE_SIZE:
            self._switches[from_name, to_name] = switch  # both are text (resolved above)
        return switch

    def _resolve(self, name: object, option: str) -> Resolved:
        if not isinstance(name, str):
            raise InputError(f"{option.lstrip('-')} must be a drug name (a string)",
                             option=option, accepted="a generic name, brand or alias")
        resolved = self._names.get(name)
        if resolved is None:
            resolved = self._index.resolve(name, option=option)
            if len(self._names) < _NAME_CACHE_SIZE:
                self._names[name] = resolved
        return resolved


def _has_surrogate(record: Mapping[str, object]) -> bool:
    """Whether a key or a text value holds a lone UTF-16 surrogate (``"\\ud800"`` decodes to
    one): it cannot be written as UTF-8, so the record is refused rather than the output."""
    for key, value in record.items():
        for text in (key, value):
            if isinstance(text, str) and not text.isascii():
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError:
                    return True
    return False


def _json_type(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"


def _received(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record's input under canonical names: from, to, then each fact given (not null)."""
    received: dict[str, Any] = {}
    for key, value in record.items():
        name = RECORD_KEYS.get(key)
        if name is None:
            if key == "id":
                continue
            raise _unknown_key(key)
        if name in received:
            raise InputError(f"{name!r} is given twice (as {key!r} too)", option=name,
                             code="duplicate-key", accepted="each key once")
        if value is None:
            continue
        kind = value.__class__
        if kind is not str and kind is not float and kind is not int:  # the usual, at once
            if isinstance(value, dict | list):
                raise InputError(f"{key!r} must be a string, number or boolean, not "
                                 f"{_json_type(value)}", option=name,
                                 accepted="a string, number or boolean")
            if isinstance(value, bool) and name not in _BOOLEAN_KEYS:
                raise InputError(f"{key!r} must be a string or a number, not "
                                 f"{'true' if value else 'false'}", option=name,
                                 accepted="a string or a number")
        received[name] = value
    names = iter(received)
    if next(names, None) == "from" and ("to" not in received or next(names) == "to"):
        return received  # already in order: from, to, then the facts
    ordered: dict[str, Any] = {key: received.pop(key) for key in ("from", "to") if key in received}
    ordered.update(received)
    return ordered


_BOOLEAN_KEYS = frozenset(name for name, spec in PATIENT_FACTS.items()
                          if spec.type is FactType.BOOLEAN)
"""Keys whose value may be a JSON boolean (true or false); elsewhere it is refused as such,
not read as the text "True"."""


_close_keys: dict[str, list[str]] = {}
"""The record key a misspelt key is closest to, by the key (a fuzzy search is slow)."""


def _unknown_key(key: str) -> InputError:
    close = _close_keys.get(key)
    if close is None:
        close = difflib.get_close_matches(key.lower(), ["id", *RECORD_KEYS], n=1, cutoff=0.6)
        if len(key) <= 100 and len(_close_keys) < 1024:  # a batch repeats its misspellings
            _close_keys[key] = close
    hint = f" — did you mean {close[0]!r}?" if close else ""
    return InputError(f"unknown key {key!r}{hint}", option=key, code="unknown-key",
                      accepted=", ".join(["id", "from", "to", *FACT_KEYS]),
                      suggestions=tuple(close))


# ------------------------------------------------------------------------------ reading


def read_records(stream: TextIO) -> Iterator[tuple[int, str]]:
    """(line number, text) of each non-blank record, streamed; arrays are detected.

    For JSON Lines the number is the line's; for an array it is the element's position
    (1-based). Text longer than ``MAX_RECORD_CHARS`` is returned truncated to one character
    more than the limit (so that the caller reports it), never held whole.
    """
    number = 0
    while True:
        text = stream.readline(MAX_RECORD_CHARS + 1)
        if not text:
            return
        number += 1
        head = (text.lstrip("\ufeff") if number == 1 else text).lstrip()
        if head:
            break
    if head.startswith("["):
        yield from _array_records(head, stream)  # trailing text may be inside a string
        return
    skip_rest(stream, text, MAX_RECORD_CHARS)
    yield number, head.rstrip()
    while True:
        line, number = _read_line(stream, number)
        if line is None:
            return
        stripped = line.strip()
        if stripped:
            yield number, stripped


def _read_line(stream: TextIO, number: int) -> tuple[str | None, int]:
    text = stream.readline(MAX_RECORD_CHARS + 1)
    if not text:
        return None, number
    skip_rest(stream, text, MAX_RECORD_CHARS)
    return text, number + 1


_OUTSIDE = re.compile(r'["{}\[\],]')
_INSIDE = re.compile(r'["\\]')
_CHUNK = 65_536


def _array_records(head: str, stream: TextIO) -> Iterator[tuple[int, str]]:
    """Split a JSON array into its elements' texts without decoding the whole array."""
    depth = 0
    in_string = escaped = False
    parts: list[str] = []
    size = 0
    index = 0
    chunk = head

    def element() -> str:
        text = "".join(parts)
        return text if size <= MAX_RECORD_CHARS else text[:MAX_RECORD_CHARS + 1]

    def add(piece: str) -> None:
        nonlocal size
        if size <= MAX_RECORD_CHARS:
            parts.append(piece)
        size += len(piece)

    while chunk:
        position, end = 0, len(chunk)
        while position < end:
            if in_string:
                if escaped:
                    add(chunk[position])
                    position += 1
                    escaped = False
                    continue
                match = _INSIDE.search(chunk, position)
                if match is None:
                    add(chunk[position:])
                    break
                at = match.start()
                add(chunk[position:at + 1])
                position = at + 1
                if chunk[at] == "\\":
                    escaped = True
                else:
                    in_string = False
                continue
            match = _OUTSIDE.search(chunk, position)
            if match is None:
                if depth >= 1:
                    add(chunk[position:])
                elif chunk[position:].strip():
                    yield index + 1, "]" + chunk[position:].strip()  # trailing data: not JSON
                    return
                break
            at = match.start()
            char = chunk[at]
            if depth == 0:
                if char != "[" or chunk[position:at].strip():
                    yield index + 1, chunk[position:].strip()[:MAX_RECORD_CHARS + 1]
                    return
                depth, position = 1, at + 1
                continue
            if char == "," and depth == 1:
                add(chunk[position:at])
                index += 1
                yield index, element().strip()
                parts, size, position = [], 0, at + 1
                continue
            if char in "]}" and depth == 1:
                add(chunk[position:at])
                text = element().strip()
                if char == "]":
                    if text or index > 0:
                        index += 1
                        yield index, text
                    depth = 0
                    tail = chunk[at + 1:] + stream.read(_CHUNK)
                    while tail and not tail.strip():
                        tail = stream.read(_CHUNK)
                    if tail.strip():
                        yield index + 1, "]" + tail.strip()[:MAX_RECORD_CHARS]
                    return
                parts, size = [char], 1  # a stray '}' at the top level: not JSON
                position = at + 1
                continue
            add(chunk[position:at + 1])
            if char == '"':
                in_string = True
            elif char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
            position = at + 1
        chunk = stream.read(_CHUNK)
    if depth >= 1:  # the array never closed
        text = element().strip()
        yield index + 1, text if text else "["


# ------------------------------------------------------------------------------- the API


def assess_many(rulebase: RuleBase, records: Iterable[object], *,
                detail: Detail | str = Detail.SUMMARY,
                today: dt.date | None = None,
                format: RecordFormat | str = RecordFormat.JSON) -> Iterator[dict[str, Any]]:
    """Assess each record (a mapping as in a batch line, or a JSON text), lazily, in order.

    Yields what ``switchadvisor batch`` writes, as dicts: a summary or full assessment, or an
    error record ``{"line": N, "id": …, "error": {…}}`` (N counts records from 1). Never
    raises for a bad record. ``format="cds-hooks"`` yields CDS Hooks responses instead.
    """
    assessor = BatchAssessor(rulebase, detail=detail, today=today, as_data=True, format=format)
    for number, record in enumerate(records, start=1):
        if isinstance(record, str | bytes):
            text = record.decode("utf-8", "replace") if isinstance(record, bytes) else record
            yield assessor.assess_line(text.strip(), number).to_dict()
        else:
            yield assessor.assess_record(record, number).to_dict()


__all__ = ["MAX_RECORD_CHARS", "RECORD_KEYS", "BatchAssessor", "BatchResult", "Detail",
           "RecordFormat", "assess_many", "error_record", "read_records"]

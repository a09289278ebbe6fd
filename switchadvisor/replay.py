"""`replay`: re-run saved assessments against the current rule base and report what changed.

Input: one JSON assessment (pretty-printed or not), a JSON array of them, or JSON Lines (one
per line; blank lines skipped) — full (``check --format json``) or summary records (``batch``).
JSON Lines are read one line at a time, so memory stays flat however long the file.

What is re-run is the record's ``input`` (the input as received: ``from``, ``to`` and the raw
facts). A record without one is rebuilt from ``switch`` (the names as given, or the drug ids)
and the facts it records as given, each with its value and unit. An input given as
``stopped`` without ``on`` was measured against the day it ran, so the recorded weeks since
stopping are used instead — replaying a year later must not move the person in the window.

Each record ends as ``unchanged``, ``changed`` (verdict, worst possible, findings, findings not
evaluated or washout differ — or the current rule base now rejects the input, e.g. a drug was
removed), ``error`` (not JSON, not an assessment, no input to re-run) or ``skipped`` (a batch
error record: there was no assessment to compare). A saved rule base sha256 differing from the
current one is expected: that is what replay is for.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from typing import Any, Literal, TextIO

from pydantic import BaseModel, ConfigDict, Field

from switchadvisor.diff import Change, Outcome, compare
from switchadvisor.engine import Switch, assess
from switchadvisor.errors import InputError
from switchadvisor.facts import COUNT_UNIT, parse_facts
from switchadvisor.jsonin import JsonInputError, loads, skip_rest
from switchadvisor.rulebase import RuleBase

Status = Literal["unchanged", "changed", "error", "skipped"]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class SavedRuleBase(_Out):
    id: str | None
    version: str | None
    sha256: str | None
    records: int


class CurrentRuleBase(_Out):
    id: str
    version: str
    sha256: str


class ReplayRecord(_Out):
    line: int = Field(description="Line in JSON Lines input; item number in a JSON array; "
                                  "1 for a single document.")
    id: str | None = Field(description="The record's batch id, if it has one.")
    from_: str | None = Field(alias="from", serialization_alias="from")
    to: str | None
    status: Status
    saved_sha256: str | None = Field(description="sha256 of the rule base it was saved with.")
    old_verdict: str | None
    new_verdict: str | None
    change: Change | None
    lines: list[str] = Field(description="The change in words, one line per difference.")
    message: str | None = Field(description="Why a record is an error, skipped, or now "
                                            "rejected by the current rule base.")


class ReplayCounts(_Out):
    records: int = 0
    unchanged: int = 0
    changed: int = 0
    errors: int = 0
    skipped: int = 0


class ReplayReport(_Out):
    rulebase: CurrentRuleBase
    saved_with: list[SavedRuleBase] = Field(description="The rule bases the records were "
                                                        "saved with, in order of appearance.")
    counts: ReplayCounts
    records: list[ReplayRecord] = Field(description="Records that changed, failed or were "
                                                    "skipped (unchanged ones are only counted).")


# ------------------------------------------------------------------------------- reading


MAX_RECORD_CHARS = 4_000_000
"""A JSON Lines record longer than this is an error, skipped without being held (a full
assessment is about 60,000 characters)."""
MAX_DOCUMENT_CHARS = 16_000_000
"""A single JSON document or array is read whole, up to this size; larger inputs must be
JSON Lines."""


def read_records(stream: TextIO) -> Iterator[tuple[int, Any]]:
    """(position, parsed object or ValueError) for each record of a JSON / JSON Lines stream.

    Bounded: a line is read at most ``MAX_RECORD_CHARS`` + 1 characters at a time, a whole
    document at most ``MAX_DOCUMENT_CHARS`` + 1; deep nesting, duplicate keys and ``NaN`` are
    errors of their record (``jsonin.loads``)."""
    number = 0
    first = ""
    while True:
        first = stream.readline(MAX_RECORD_CHARS + 1)
        if not first:
            return
        number += 1
        if first.strip():
            break
    start = number
    if not first.lstrip().startswith("["):
        complete = len(first) <= MAX_RECORD_CHARS or first.endswith("\n")
        value = _parse(first) if complete else ValueError("too long")
        if not isinstance(value, ValueError):
            yield start, value
            yield from _json_lines(stream, number)
            return
    # an array, or one document over several lines: read whole, within the bound
    rest = stream.read(MAX_DOCUMENT_CHARS - len(first) + 1)
    text = first + rest
    if len(text) > MAX_DOCUMENT_CHARS:
        yield start, ValueError(f"the input is longer than {MAX_DOCUMENT_CHARS:,} characters "
                                "and not JSON Lines: give one record per line")
        return
    whole = _parse(text)
    if isinstance(whole, ValueError) and not first.lstrip().startswith("["):
        # neither one document nor a first good line: JSON Lines with a bad line
        yield from _json_lines(io.StringIO(text), start - 1)
        return
    if isinstance(whole, list):
        yield from enumerate(whole, start=1)
    else:
        yield start, whole


def _parse(text: str) -> Any:
    """The JSON value of ``text``, or a ValueError saying why it is not one."""
    try:
        return loads(text)
    except JsonInputError as exc:
        return ValueError(f"not JSON: {exc}")


def _json_lines(stream: TextIO, before: int) -> Iterator[tuple[int, Any]]:
    number = before
    while True:
        line = stream.readline(MAX_RECORD_CHARS + 1)
        if not line:
            return
        number += 1
        if skip_rest(stream, line, MAX_RECORD_CHARS):
            yield number, ValueError(f"the record is longer than {MAX_RECORD_CHARS:,} "
                                     "characters")
            continue
        if line.strip():
            yield number, _parse(line)


# ------------------------------------------------------------------------------- inputs


def record_input(record: Mapping[str, Any]) -> dict[str, Any]:
    """The input to re-run: the record's ``input`` (when it names the drugs; an assessment
    made through the API may carry an empty one), or one rebuilt from ``switch`` and the facts
    recorded as given. ValueError when there is neither."""
    given = _given_facts(record)
    saved = record.get("input")
    if (isinstance(saved, Mapping) and isinstance(saved.get("from"), str)
            and isinstance(saved.get("to"), str)):
        raw = {key: value for key, value in saved.items() if key != "id"}
        if "stopped" in raw and "on" not in raw and "weeks_since_stop" in given:
            del raw["stopped"]
            raw["weeks_since_stop"] = given["weeks_since_stop"]
        return raw
    switch = record.get("switch")
    if not isinstance(switch, Mapping):
        raise ValueError("no 'input' and no 'switch' to re-run")
    return {"from": _drug_name(switch, "from"), "to": _drug_name(switch, "to"), **given}


def _drug_name(switch: Mapping[str, Any], side: str) -> str:
    drug = switch.get(side)
    if isinstance(drug, str):
        return drug
    if isinstance(drug, Mapping):
        for key in ("input", "id"):
            if isinstance(drug.get(key), str):
                return str(drug[key])
    raise ValueError(f"'switch' has no '{side}' drug")


def _given_facts(record: Mapping[str, Any]) -> dict[str, Any]:
    """Facts recorded as given, as raw values the fact parser reads back exactly."""
    facts = record.get("facts", [])
    if not isinstance(facts, list):
        raise ValueError("'facts' is not a list")
    raw: dict[str, Any] = {}
    for reading in facts:
        if not isinstance(reading, Mapping) or not isinstance(reading.get("name"), str):
            raise ValueError("an entry of 'facts' has no name")
        if reading.get("source") != "given":
            continue
        value, unit = reading.get("value"), reading.get("unit")
        if (isinstance(value, (int, float)) and not isinstance(value, bool)
                and unit in (COUNT_UNIT, "weeks")):
            raw[reading["name"]] = f"{float(value)!r} {unit}"
        else:
            raw[reading["name"]] = value
    return raw


# ------------------------------------------------------------------------------- replay


def replay(rulebase: RuleBase, stream: TextIO) -> ReplayReport:
    """Re-run every record of ``stream`` against ``rulebase``."""
    counts = {"records": 0, "unchanged": 0, "changed": 0, "errors": 0, "skipped": 0}
    saved: dict[str | None, dict[str, Any]] = {}
    reported: list[ReplayRecord] = []
    for line, record in read_records(stream):
        result = replay_record(rulebase, line, record)
        counts["records"] += 1
        counts["errors" if result.status == "error" else result.status] += 1
        _note_rulebase(saved, record)
        if result.status != "unchanged":
            reported.append(result)
    return ReplayReport(
        rulebase=CurrentRuleBase(id=rulebase.meta.id, version=rulebase.meta.version,
                                 sha256=rulebase.sha256),
        saved_with=[SavedRuleBase(**info) for info in saved.values()],
        counts=ReplayCounts(**counts),
        records=reported,
    )


def _note_rulebase(saved: dict[str | None, dict[str, Any]], record: object) -> None:
    if not isinstance(record, Mapping) or "verdict" not in record:
        return
    info = record.get("rulebase")
    info = info if isinstance(info, Mapping) else {}
    sha = info.get("sha256") if isinstance(info.get("sha256"), str) else None
    entry = saved.setdefault(sha, {"id": _text(info.get("id")),
                                   "version": _text(info.get("version")),
                                   "sha256": sha, "records": 0})
    entry["records"] += 1


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def replay_record(rulebase: RuleBase, line: int, record: Any) -> ReplayRecord:
    """Re-run one saved record (or report why it cannot be)."""
    base: dict[str, Any] = {"line": line, "id": None, "from_": None, "to": None,
                            "saved_sha256": None, "old_verdict": None, "new_verdict": None,
                            "change": None, "lines": [], "message": None}
    if isinstance(record, ValueError):
        return _result(base, status="error", message=str(record))
    if not isinstance(record, Mapping):
        return _result(base, status="error", message="not a JSON object")
    record_id = record.get("id")
    base["id"] = None if record_id is None else str(record_id)
    if "error" in record and "verdict" not in record:
        return _result(base, status="skipped",
                            message="an error record: there was no assessment to re-run")
    info = record.get("rulebase")
    if isinstance(info, Mapping):
        base["saved_sha256"] = _text(info.get("sha256"))
    try:
        old = Outcome.from_record(record)
        raw = record_input(record)
    except ValueError as exc:
        return _result(base, status="error", message=str(exc))
    base.update(from_=raw["from"], to=raw["to"], old_verdict=old.verdict)
    try:  # reading facts does not depend on the rule base: a failure is the record's
        facts = parse_facts({key: value for key, value in raw.items()
                             if key not in ("from", "to")})
    except InputError as exc:
        return _result(base, status="error", message=f"cannot read the saved facts: {exc}")
    try:  # naming the drugs does: a drug the current rule base lacks is a change
        switch = Switch.resolve(rulebase, raw["from"], raw["to"])
    except InputError as exc:
        return _result(base, status="changed", lines=[f"now rejected: {exc}"],
                       message=f"the current rule base rejects this input: {exc}")
    new = Outcome.of(assess(rulebase, switch, facts=facts))
    base["new_verdict"] = new.verdict
    change = compare(old, new)
    if change is None:
        return _result(base, status="unchanged")
    return _result(base, status="changed", change=change, lines=change.lines(old, new))


# -------------------------------------------------------------------------------- text


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _result(base: dict[str, Any], **fields: Any) -> ReplayRecord:
    return ReplayRecord(**{**base, **fields})


def render_replay_text(report: ReplayReport, source: str) -> str:
    """The report for reading: header, one block per changed, failed or skipped record."""
    current = report.rulebase
    lines = [f"replay of {source} against rule base {current.id} {current.version} "
             f"(sha256 {current.sha256[:12]}…)"]
    for saved in report.saved_with:
        same = " (the current one)" if saved.sha256 == current.sha256 else ""
        sha = f"sha256 {saved.sha256[:12]}…" if saved.sha256 else "no sha256"
        noun = "record" if saved.records == 1 else "records"
        lines.append(f"  saved with {saved.id or '?'} {saved.version or '?'} ({sha}){same}: "
                     f"{saved.records} {noun}")
    if any(saved.sha256 != current.sha256 for saved in report.saved_with):
        lines.append("  (a different rule base sha256 is expected: replay shows what the "
                     "change does)")
    for item in report.records:
        where = f"line {item.line}" + (f" (id {item.id})" if item.id else "")
        if item.status == "changed":
            lines += ["", f"{where}: {item.from_} → {item.to}: changed",
                      *(f"  {line}" for line in item.lines)]
        else:
            lines += ["", f"{where}: {item.status}: {item.message}"]
    counts = report.counts
    lines += ["", f"{_count(counts.records, 'record')}: {counts.unchanged} unchanged, "
                  f"{counts.changed} changed, {_count(counts.errors, 'error')}, "
                  f"{counts.skipped} skipped"]
    return "\n".join(lines) + "\n"

"""JSON Schemas (draft 2020-12) of everything switchadvisor reads or writes as JSON.

Generated from the models, never written by hand. The committed copies in ``schemas/`` are
regenerated with::

    python -m switchadvisor.schemas schemas

which also records each schema's sha256 under the current ``SCHEMA_VERSION`` in
``schemas/VERSIONS.json`` and refuses to change a schema without a new version (additive
change → minor, change or removal → major). ``tests/test_schemas.py`` checks that the
committed schemas equal the generated ones and that the recorded hashes match.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from switchadvisor import jsonout
from switchadvisor.assessment import SCHEMA_VERSION, Assessment, InputValue, Summary

DRAFT = "https://json-schema.org/draft/2020-12/schema"
ID_BASE = "urn:switchadvisor:schema"


def schema_id(name: str) -> str:
    """The ``$id`` of a schema: a URN naming the schema and the contract version."""
    return f"{ID_BASE}:{name}:{SCHEMA_VERSION}"


def _finish(schema: dict[str, Any], name: str, description: str) -> dict[str, Any]:
    return {"$schema": DRAFT, "$id": schema_id(name), "description": description,
            **{key: value for key, value in schema.items() if key != "description"}}


# ------------------------------------------------------------------ batch input and errors


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


Raw = InputValue | None


class BatchRecord(_Strict):
    """One batch input record (one line of JSON Lines, or one element of a JSON array)."""

    id: str | int | None = Field(None, description="Echoed back in the output record.")
    from_: str = Field(alias="from", description="The drug being stopped (generic, brand or "
                       "alias, any case), as --from.")
    to: str = Field(description="The drug being started, as --to.")
    lymphocytes: Raw = Field(None, description="Absolute lymphocyte count, as --lymphocytes: "
                             "0.6, \"0.6e9/L\", \"600/uL\" (a bare number above 50 is read "
                             "as cells/µL).")
    lymphocytes_lln: Raw = Field(None, description="Lower limit of normal, as "
                                 "--lymphocytes-lln (default 1.0 ×10⁹/L).")
    weeks_since_stop: Raw = Field(None, description="Time since the last dose, as "
                                  "--weeks-since-stop: 6, \"6w\", \"42d\", \"2 months\".")
    stopped: Raw = Field(None, description="Date of the last dose, YYYY-MM-DD (instead of "
                         "weeks_since_stop).")
    on: Raw = Field(None, description="Assessment date for `stopped`, YYYY-MM-DD "
                    "[default: the day the batch runs].")
    disease_activity: Raw = Field(None, description="none | active | highly-active.")
    age: Raw = Field(None, description="Age in years.")
    pregnancy_planned: Raw = Field(None, description="true | false.")
    jcv: Raw = Field(None, description="Anti-JCV antibody status: positive | negative | "
                     "unknown (= not given).")


class ErrorInfo(_Strict):
    code: str = Field(description="Stable kind: not-json, not-an-object, too-long, "
                      "unknown-key, duplicate-key, missing-field, unknown-drug, same-drug, "
                      "invalid-value, usage, invalid-rulebase, …")
    field: str | None = Field(description="The record key (or option, without dashes) at "
                              "fault; null when it is the record as a whole.")
    message: str = Field(description="One line, as on stderr.")
    accepted: str | None = Field(None, description="What is accepted there.")
    suggestions: list[str] = Field(default_factory=list,
                                   description="'Did you mean' candidates.")
    problems: list[str] = Field(default_factory=list, description="For an invalid rule base "
                                "(`check`): each problem as file:line:column: message, at most "
                                "`--max-problems` of them, then how many more.")


class BatchError(_Strict):
    """A batch record that could not be assessed."""

    line: int = Field(description="The input line number (for a JSON array: the element's "
                      "position), counted from 1.")
    id: str | int | None = Field(description="The record's id, when it had a valid one.")
    error: ErrorInfo


def _batch_input_schema() -> dict[str, Any]:
    schema = BatchRecord.model_json_schema(by_alias=True, mode="validation")
    properties = schema["properties"]
    for name in list(properties):
        if "_" in name:
            spelling = name.replace("_", "-")
            properties[spelling] = {"description": f"Same as {name} (the option's spelling); "
                                    "give one of the two.", "$ref": f"#/$defs/{_RAW_DEF}"}
    schema.setdefault("$defs", {})[_RAW_DEF] = {
        "anyOf": [{"type": "string"}, {"type": "boolean"}, {"type": "integer"},
                  {"type": "number"}, {"type": "null"}]}
    return schema


_RAW_DEF = "RawFact"


# ------------------------------------------------------------------------------ registry


def _output_schema(cls: type) -> dict[str, Any]:
    """The JSON Schema of an output dataclass, as it is written (JSON names)."""
    schema: dict[str, Any] = jsonout.type_adapter(cls).json_schema(
        by_alias=True, mode="serialization")
    return schema


def assessment_schema() -> dict[str, Any]:
    return _finish(_output_schema(Assessment),
                   "assessment", "A full assessment: `check --format json` and "
                   "`batch --detail full` (one per line).")


def summary_schema() -> dict[str, Any]:
    return _finish(_output_schema(Summary),
                   "summary", "A summary record: `batch` (default) and "
                   "`check --format json --detail summary`.")


def batch_input_schema() -> dict[str, Any]:
    return _finish(_batch_input_schema(), "batch-input",
                   "One input record of `switchadvisor batch` (a line of JSON Lines or an "
                   "element of a JSON array).")


def batch_error_schema() -> dict[str, Any]:
    return _finish(BatchError.model_json_schema(by_alias=True, mode="serialization"),
                   "batch-error", "An error record of `switchadvisor batch`: a record that "
                   "could not be assessed. `check --format json` writes the same `error` "
                   "object (without line and id) for a usage or input error.")


def cds_hooks_schema() -> dict[str, Any]:
    """The CDS Hooks response schema, written from the specification beside the renderer."""
    from switchadvisor.render.cds_hooks import cds_hooks_schema as build

    return build()


SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "assessment": assessment_schema,
    "summary": summary_schema,
    "batch-input": batch_input_schema,
    "batch-error": batch_error_schema,
    "cds-hooks": cds_hooks_schema,
}


def schema_text(schema: dict[str, Any]) -> str:
    """The canonical text of a schema (as committed): two-space indent, trailing newline."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def available_schemas() -> dict[str, str]:
    """Every schema, name → canonical text."""
    return {name: schema_text(build()) for name, build in SCHEMAS.items()}


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


VERSIONS_FILE = "VERSIONS.json"


def write_schemas(directory: Path, *, rerecord: bool = False) -> list[str]:
    """Write every schema to ``directory`` and record its hash under ``SCHEMA_VERSION``.

    Refuses (ValueError) to change a schema already recorded under the current version:
    bump ``SCHEMA_VERSION`` first. ``rerecord`` allows it for a version not yet released.
    """
    directory.mkdir(parents=True, exist_ok=True)
    versions_path = directory / VERSIONS_FILE
    versions: dict[str, dict[str, str]] = (
        json.loads(versions_path.read_text(encoding="utf-8")) if versions_path.exists() else {})
    texts = available_schemas()
    current = versions.setdefault(SCHEMA_VERSION, {})
    changed = [name for name, text in texts.items()
               if name in current and current[name] != sha256(text)]
    if changed and not rerecord:
        raise ValueError(f"schema(s) {', '.join(changed)} changed but SCHEMA_VERSION is still "
                         f"{SCHEMA_VERSION}: bump it (additive change → minor, change or "
                         "removal → major) in switchadvisor/assessment.py")
    written = []
    for name, text in texts.items():
        path = directory / f"{name}.schema.json"
        path.write_text(text, encoding="utf-8")
        current[name] = sha256(text)
        written.append(str(path))
    versions_path.write_text(json.dumps(versions, indent=2, sort_keys=True) + "\n",
                             encoding="utf-8")
    return written


def main(argv: list[str]) -> int:
    args = [arg for arg in argv if arg != "--rerecord"]
    if len(args) != 1:
        print("usage: python -m switchadvisor.schemas DIRECTORY [--rerecord]", file=sys.stderr)
        return 2
    try:
        for path in write_schemas(Path(args[0]), rerecord="--rerecord" in argv):
            print(f"wrote {path}")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The committed schemas are the generated ones, valid draft 2020-12, and versioned."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from helpers import RunCli
from switchadvisor.assessment import SCHEMA_VERSION
from switchadvisor.errors import ExitCode
from switchadvisor.schemas import (
    SCHEMAS,
    VERSIONS_FILE,
    available_schemas,
    schema_id,
    sha256,
    write_schemas,
)

COMMITTED = Path(__file__).parent.parent / "schemas"
GENERATED = available_schemas()


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_committed_schema_matches_the_models(name: str) -> None:
    path = COMMITTED / f"{name}.schema.json"
    assert path.read_text(encoding="utf-8") == GENERATED[name], (
        f"{path.name} is stale: run `python -m switchadvisor.schemas schemas`")


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_schema_is_valid_draft_2020_12_with_id(name: str, run_cli: RunCli) -> None:
    result = run_cli("schema", name)
    assert result.exit_code == ExitCode.OK, result
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == schema_id(name) and schema["description"]


def test_every_committed_schema_is_recorded_under_the_current_version() -> None:
    versions = json.loads((COMMITTED / VERSIONS_FILE).read_text(encoding="utf-8"))
    assert SCHEMA_VERSION in versions, (
        f"SCHEMA_VERSION {SCHEMA_VERSION} has no entry: run `python -m switchadvisor.schemas "
        "schemas`")
    recorded = versions[SCHEMA_VERSION]
    committed = {path.name.removesuffix(".schema.json"): sha256(path.read_text("utf-8"))
                 for path in COMMITTED.glob("*.schema.json")}
    assert committed == {name: recorded[name] for name in committed}, (
        "a committed schema changed without SCHEMA_VERSION moving: bump it (additive → minor,"
        " change or removal → major) and regenerate")


def test_a_changed_schema_needs_a_new_version(tmp_path: Path) -> None:
    write_schemas(tmp_path)
    versions_path = tmp_path / VERSIONS_FILE
    versions = json.loads(versions_path.read_text(encoding="utf-8"))
    versions[SCHEMA_VERSION]["summary"] = "0" * 64  # as if the summary had changed since
    versions_path.write_text(json.dumps(versions), encoding="utf-8")
    with pytest.raises(ValueError, match="bump it"):
        write_schemas(tmp_path)
    write_schemas(tmp_path, rerecord=True)  # allowed deliberately, for an unreleased version


def test_default_schema_is_the_assessment_and_unknown_names_are_refused(
        run_cli: RunCli) -> None:
    assert json.loads(run_cli("schema").stdout)["$id"] == schema_id("assessment")
    result = run_cli("schema", "sumary")
    assert result.exit_code == ExitCode.USAGE and "did you mean summary" in result.stderr


def test_cds_hooks_slot_reports_when_not_available(run_cli: RunCli) -> None:
    assert "cds-hooks" in SCHEMAS
    result = run_cli("schema", "cds-hooks")
    if "cds-hooks" in GENERATED:
        assert result.exit_code == ExitCode.OK
    else:
        assert result.exit_code == ExitCode.USAGE and "not available" in result.stderr


def test_batch_input_schema_accepts_what_batch_accepts() -> None:
    validator = jsonschema.Draft202012Validator(SCHEMAS["batch-input"]())
    validator.validate({"id": 1, "from": "Gilenya", "to": "Ocrevus", "lymphocytes": "600/uL",
                        "weeks-since-stop": 6, "pregnancy_planned": False, "jcv": None})
    assert not validator.is_valid({"from": "Gilenya", "to": "Ocrevus", "lymfocytes": 1})
    assert not validator.is_valid({"from": "Gilenya"})

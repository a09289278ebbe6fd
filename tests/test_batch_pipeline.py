"""A pipeline author's checks on `switchadvisor batch`: CDS Hooks records, text that cannot
be written as UTF-8, an output file that is the input, and the README's Spark example."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from helpers import MINI_RULES, RunCli
from switchadvisor.batch import assess_many
from switchadvisor.errors import ExitCode
from switchadvisor.render.cds_hooks import render_cds_hooks
from switchadvisor.rulebase import RuleBase
from switchadvisor.schemas import SCHEMAS

MINI = ("--rules", str(MINI_RULES))
GOOD = {"id": "a", "from": "Gilenya", "to": "alemtuzumab", "lymphocytes": "600/uL",
        "weeks_since_stop": 6}
LINES = [json.dumps(GOOD), "", json.dumps({"id": 2, "from": "nope", "to": "alemtuzumab"}),
         json.dumps({"id": 3, "from": "fingolimod", "to": "alemtuzumab"}), "not json"]


def _validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(SCHEMAS[name]())


@pytest.fixture
def records(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    return path


def test_cds_hooks_batch_writes_one_response_per_record(records: Path, run_cli: RunCli,
                                                         run_cli_schema: Any) -> None:
    result = run_cli("batch", str(records), "--format", "cds-hooks", *MINI)
    assert result.exit_code == ExitCode.USAGE, result  # two records were invalid
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 4  # one per non-blank line, in order
    cards, errors = run_cli_schema("cds-hooks"), _validator("batch-error")
    first, bad, third, broken = out
    for response, line, record_id in ((first, 1, "a"), (third, 4, 3)):
        cards.validate(response)
        assert response["cards"], response
        assert response["extension"] == {"switchadvisor": {"line": line, "id": record_id}}
    errors.validate(bad)
    errors.validate(broken)
    assert (bad["line"], bad["id"], bad["error"]["code"]) == (3, 2, "unknown-drug")
    assert (broken["line"], broken["error"]["code"]) == (5, "not-json")
    assert "4 records: 2 assessed" in result.stderr


def test_cds_hooks_records_are_the_check_cards(records: Path, run_cli: RunCli) -> None:
    """The cards of a batch record are `check --format cds-hooks`'s, byte for byte."""
    batch = run_cli("batch", str(records), "-f", "cds-hooks", "-q", *MINI)
    first = json.loads(batch.stdout.splitlines()[0])
    check = run_cli("check", "--from", "Gilenya", "--to", "alemtuzumab", "--lymphocytes",
                    "600/uL", "--weeks-since-stop", "6", "-f", "cds-hooks", *MINI)
    assert check.exit_code == ExitCode.OK, check
    assert first["cards"] == json.loads(check.stdout)["cards"]


def test_cds_hooks_batch_keeps_fail_on_and_is_reproducible(tmp_path: Path,
                                                          run_cli: RunCli) -> None:
    path = tmp_path / "good.jsonl"
    path.write_text(json.dumps(GOOD) + "\n", encoding="utf-8")
    args = ("batch", str(path), "-f", "cds-hooks", "-q", *MINI)
    assert run_cli(*args, "--fail-on", "warning").exit_code == ExitCode.FAIL_ON
    assert run_cli(*args, "--fail-on", "critical").exit_code == ExitCode.OK
    assert run_cli(*args).stdout == run_cli(*args).stdout


@pytest.mark.parametrize(("args", "field"), [
    (("-f", "cds-hooks", "--detail", "full"), "detail"),
    (("--format", "xml"), "format"),
])
def test_bad_format_options_are_usage_errors(args: tuple[str, ...], field: str, records: Path,
                                             run_cli: RunCli) -> None:
    result = run_cli("batch", str(records), *args, *MINI)
    assert result.exit_code == ExitCode.USAGE
    assert json.loads(result.stdout)["error"]["field"] == field


def test_assess_many_gives_cds_hooks_responses(mini_rulebase: RuleBase) -> None:
    first, second = assess_many(mini_rulebase, [GOOD, {"from": "x"}], format="cds-hooks")
    assert first["extension"]["switchadvisor"] == {"line": 1, "id": "a"}
    assert second["error"]["code"] == "missing-field"
    _validator("cds-hooks").validate(first)
    del first["extension"]
    from switchadvisor.engine import assess

    expected = render_cds_hooks(assess(mini_rulebase, "Gilenya", "alemtuzumab",
                                       lymphocytes="600/uL", weeks_since_stop=6))
    assert first == json.loads(expected)


@pytest.fixture
def run_cli_schema(run_cli: RunCli) -> Any:
    """A validator for the schema `switchadvisor schema NAME` prints."""

    def validator(name: str) -> jsonschema.Draft202012Validator:
        result = run_cli("schema", name)
        assert result.exit_code == ExitCode.OK, result
        return jsonschema.Draft202012Validator(json.loads(result.stdout))

    return validator


@pytest.mark.parametrize("record", [
    '{"id": "\\ud800", "from": "fingolimod", "to": "alemtuzumab"}',
    '{"from": "fingolimod\\udfff", "to": "alemtuzumab"}',
    '{"from": "fingolimod", "to": "alemtuzumab", "\\ud800": 1}',
    '{"from": "fingolimod", "to": "alemtuzumab", "age": "4\\ud83d"}',
])
def test_a_lone_surrogate_is_an_error_record_not_a_crash(record: str, tmp_path: Path,
                                                        run_cli: RunCli) -> None:
    """`"\\ud800"` is valid JSON syntax but no character: it cannot be written as UTF-8."""
    path = tmp_path / "in.jsonl"
    path.write_text(f"{record}\n{json.dumps(GOOD)}\n", encoding="utf-8")
    result = run_cli("batch", str(path), "-q", *MINI)
    assert result.exit_code == ExitCode.USAGE, result
    bad, good = (json.loads(line) for line in result.stdout.splitlines())
    _validator("batch-error").validate(bad)
    assert (bad["line"], bad["id"], bad["error"]["code"]) == (1, None, "not-json")
    assert good["id"] == "a"


@pytest.mark.parametrize("text", [
    '{"id": "\ud800", "from": "fingolimod", "to": "alemtuzumab"}',  # the character itself
    '{"id": "\\ud800", "from": "fingolimod", "to": "alemtuzumab"}',  # its JSON escape
])
def test_a_lone_surrogate_in_api_text_is_an_error_record(text: str,
                                                        mini_rulebase: RuleBase) -> None:
    bad, good = assess_many(mini_rulebase, [text, json.dumps(GOOD)])
    assert (bad["id"], bad["error"]["code"]) == (None, "not-json")
    assert good["id"] == "a"


def test_a_surrogate_pair_is_a_character(tmp_path: Path, run_cli: RunCli) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "\\ud83d\\ude00", "from": "fingolimod", "to": "alemtuzumab"}\n',
                    encoding="utf-8")
    result = run_cli("batch", str(path), "-q", *MINI)
    assert result.exit_code == ExitCode.OK, result
    assert json.loads(result.stdout)["id"] == "\U0001f600"


def test_assess_many_never_raises_for_a_lone_surrogate(mini_rulebase: RuleBase) -> None:
    records = [{"id": "\ud800", "from": "fingolimod", "to": "alemtuzumab"},
               '{"from": "x\\ud800", "to": "alemtuzumab"}']
    assert [out["error"]["code"] for out in assess_many(mini_rulebase, records)] == [
        "not-json", "not-json"]


def test_output_that_is_the_input_is_refused(records: Path, run_cli: RunCli) -> None:
    before = records.read_bytes()
    alias = records.parent / "alias.jsonl"
    alias.symlink_to(records)
    for target in (records, alias):
        result = run_cli("batch", str(records), "--output", str(target), *MINI)
        assert result.exit_code == ExitCode.USAGE, result
        assert json.loads(result.stdout)["error"]["field"] == "output"
        assert "is the input FILE" in result.stderr
    assert records.read_bytes() == before  # not erased


# ------------------------------------------------- the engine's per-pair cache changes nothing

WARM_FACTS: list[dict[str, object]] = [
    {},
    {"lymphocytes": "600/uL", "weeks_since_stop": 6, "disease_activity": "active"},
    {"lymphocytes": 0.3, "weeks_since_stop": 40, "pregnancy_planned": True, "jcv": "positive"},
]


def test_a_warm_pair_cache_gives_what_a_cold_one_gives(shipped_rulebase: RuleBase) -> None:
    """Every pair, assessed with its per-pair parts cached (after other facts), equals the
    assessment computed with an empty cache; earlier results are not changed by later ones."""
    import itertools

    from switchadvisor.engine import assess

    def cold(from_id: str, to_id: str, facts: dict[str, object]) -> str:
        shipped_rulebase.cache.pop("engine", None)
        return assess(shipped_rulebase, from_id, to_id, facts=facts).to_json()

    for from_id, to_id in itertools.permutations(sorted(shipped_rulebase.drugs), 2):
        expected = [cold(from_id, to_id, facts) for facts in WARM_FACTS]
        warm = [assess(shipped_rulebase, from_id, to_id, facts=facts)
                for facts in (*WARM_FACTS, *reversed(WARM_FACTS))]
        assert [item.to_json() for item in warm] == expected + expected[::-1], (from_id, to_id)


# ------------------------------------------------------- check -f json: errors as data, one shape

ERROR_KEYS = ["code", "field", "message", "accepted", "suggestions"]


@pytest.mark.parametrize(("args", "code", "field", "suggestions"), [
    (("--from", "fingolimd", "--to", "alemtuzumab"), "unknown-drug", "from", ["fingolimod"]),
    (("--from", "fingolimod", "--to", "alemtuzumab", "--lymphocytes", "5 furlongs"),
     "invalid-value", "lymphocytes", []),
    (("--from", "fingolimod", "--to", "alemtuzumab", "--lymphocyte", "0.5"), "usage",
     "lymphocyte", ["--lymphocytes", "--lymphocytes-lln"]),
    (("--from", "fingolimod", "--to", "alemtuzumab", "--bogus"), "usage", "bogus", []),
    (("--from", "fingolimod"), "usage", "to", []),
    (("--from", "fingolimod", "--to", "alemtuzumab", "--rules", "/nonexistent/rules"),
     "not-a-directory", "rules", []),
])
@pytest.mark.parametrize("output_format", ["json", "cds-hooks"])
def test_every_check_error_is_one_json_error_object(
        args: tuple[str, ...], code: str, field: str, suggestions: list[str],
        output_format: str, run_cli: RunCli) -> None:
    rules = () if "--rules" in args else MINI
    result = run_cli("check", *args, "-f", output_format, *rules)
    assert result.exit_code == ExitCode.USAGE, result
    data = json.loads(result.stdout)
    error_info = SCHEMAS["batch-error"]()["$defs"]["ErrorInfo"]
    jsonschema.Draft202012Validator(error_info).validate(data["error"])
    assert list(data) == ["error"] and list(data["error"]) == ERROR_KEYS
    assert (data["error"]["code"], data["error"]["field"]) == (code, field)
    assert data["error"]["suggestions"] == suggestions
    assert result.stderr.strip()


def test_an_invalid_rule_base_error_lists_its_problems(mini_copy: Path,
                                                        run_cli: RunCli) -> None:
    (mini_copy / "drugs.yaml").write_text("drugs: [\n", encoding="utf-8")
    result = run_cli("check", "--from", "fingolimod", "--to", "alemtuzumab", "-f", "json",
                     "--rules", str(mini_copy))
    assert result.exit_code == ExitCode.RULEBASE, result
    error = json.loads(result.stdout)["error"]
    assert list(error) == [*ERROR_KEYS, "problems"] and error["problems"]


# ----------------------------------------------------------------- the README's examples run


SPARK_STAND_IN = """
import io
import json
from switchadvisor import assess_many, load_rulebase

class Row(dict):
    def asDict(self):
        return dict(self)

class Rdd:
    def __init__(self, partitions):
        self.partitions = partitions
    def mapPartitions(self, function):
        return [out for partition in self.partitions for out in function(iter(partition))]

class DataFrame:
    rdd = Rdd([[Row(id="a", **{"from": "Gilenya", "to": "alemtuzumab"})],
               [Row(id="b", **{"from": "Gilenya", "to": "Gilenya"}),
                Row(id="c", **{"from": "natalizumab", "to": "ocrelizumab"})]])

spark_df = DataFrame()
"""


def test_readme_spark_example_runs_per_partition() -> None:
    """The three-line Spark example of "Library API", with a stand-in for the DataFrame."""
    import subprocess
    import sys

    root = Path(__file__).parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Library API", 1)[1].split("\n## ", 1)[0]
    block = section.split("```python\n")[2].split("```", 1)[0]
    assert "mapPartitions" in block
    code = SPARK_STAND_IN + block + "print(json.dumps(results))\n"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               check=False, cwd=root)
    assert completed.returncode == 0, completed.stderr
    results = json.loads(completed.stdout)
    assert [record["id"] for record in results] == ["a", "b", "c"]
    assert results[0]["verdict"] and results[2]["verdict"]
    assert results[1]["error"]["code"] == "same-drug"


@pytest.mark.parametrize(("key", "value"), [
    ("age", True), ("jcv", True), ("disease_activity", False), ("stopped", True),
    ("weeks-since-stop", False), ("lymphocytes", True),
])
def test_a_json_boolean_for_a_fact_that_is_not_yes_no_is_named_as_json(
        key: str, value: bool, mini_rulebase: RuleBase) -> None:
    record = {"from": "fingolimod", "to": "alemtuzumab", key: value}
    (out,) = assess_many(mini_rulebase, [record])
    assert out["error"]["code"] == "invalid-value"
    assert out["error"]["field"] == key.replace("-", "_")
    assert out["error"]["message"] == (f"{key!r} must be a string or a number, not "
                                       f"{json.dumps(value)}")


@pytest.mark.parametrize("value", [True, False, "yes", "no"])
def test_pregnancy_planned_takes_a_json_boolean(value: object,
                                                mini_rulebase: RuleBase) -> None:
    (out,) = assess_many(mini_rulebase, [{"from": "fingolimod", "to": "alemtuzumab",
                                          "pregnancy_planned": value}])
    assert "error" not in out, out
    assert out["input"]["pregnancy_planned"] == value


def test_a_rule_base_copy_does_not_reuse_the_originals_pairs(shipped_rulebase: RuleBase) -> None:
    """`dataclasses.replace` shares the `cache` dict; the engine's per-pair parts must not
    follow it into a copy with other pathways."""
    import dataclasses

    from switchadvisor.engine import assess

    original = assess(shipped_rulebase, "fingolimod", "alemtuzumab")
    assert "fingolimod→alemtuzumab" in original.switch.pathways
    kept = {key: value for key, value in shipped_rulebase.pathways.items()
            if key != ("fingolimod", "alemtuzumab")}
    copy = dataclasses.replace(shipped_rulebase, pathways=kept)
    assert copy.cache is shipped_rulebase.cache
    changed = assess(copy, "fingolimod", "alemtuzumab")
    assert "fingolimod→alemtuzumab" not in changed.switch.pathways
    assert assess(shipped_rulebase, "fingolimod", "alemtuzumab").to_json() == original.to_json()


def test_a_key_given_twice_in_one_object_is_an_error(mini_rulebase: RuleBase) -> None:
    """JSON parsers differ on a repeated key (first or last wins): refuse it instead."""
    text = '{"id": 1, "from": "natalizumab", "from": "fingolimod", "to": "alemtuzumab"}'
    (out,) = assess_many(mini_rulebase, [text])
    assert out["error"]["code"] == "duplicate-key" and out["error"]["field"] == "from"
    (nested,) = assess_many(mini_rulebase, ['{"from": "fingolimod", "to": "alemtuzumab", '
                                            '"age": {"a": 1, "a": 2}}'])
    assert nested["error"]["code"] == "duplicate-key" and nested["error"]["field"] == "a"


class _Keyboard(io.StringIO):
    """A terminal's stdin with nothing typed before Ctrl-D."""

    def isatty(self) -> bool:
        return True


def test_batch_on_a_terminal_says_what_it_waits_for(run_cli: RunCli,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", _Keyboard(""))
    result = run_cli("batch", "-")
    assert result.exit_code == ExitCode.OK, result
    assert "reading JSON Lines records from the terminal (Ctrl-D to end)" in result.stderr
    assert result.stdout == ""


def test_batch_from_a_pipe_says_nothing_extra(run_cli: RunCli,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    result = run_cli("batch", "-", "--quiet")
    assert result.exit_code == ExitCode.OK, result
    assert result.stderr == ""
